//! The comparison view: one program under two modes side by side, in lockstep.
//!
//! Each timeline step is a row of [`crate::tabs::cpu::model::lockstep`]: both sides complete the
//! same guest instructions at the same row, so the side with less work visibly waits while the other
//! traps, exits or translates. Below both, the cycles each side has spent so far.

use egui::{Align2, Pos2, Rect, Sense, Stroke, Ui, Vec2};

use super::super::scene::{CompareData, RunData};
use super::lanes::lanes_ui;
use super::panels::{self, PANEL_GAP};
use super::thousands;
use crate::draw;
use crate::theme::{Role, Theme};
use crate::timeline::Timeline;

/// Draws the comparison into the whole available rectangle.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, data: &CompareData, timeline: &Timeline) {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, Sense::hover());
    let painter = ui.painter_at(rect);
    let row = data.row(timeline.step());
    let title = format!(
        "{}: {} beside {}{}",
        data.a.program().title(),
        data.a.mode().title(),
        data.b.mode().title(),
        data.a.cpu_note()
    );
    let caption = format!(
        "Row {} of {}. Both sides complete the same guest instructions on the same row; the side with \
         less work waits while the other traps, exits or translates.",
        timeline.step().min(data.rows.len() - 1) + 1,
        data.rows.len()
    );
    let body = draw::caption(&painter, theme, rect, &title, &caption);
    let body = Rect::from_min_max(
        Pos2::new(body.min.x + 12.0, body.min.y),
        Pos2::new(body.max.x - 12.0, body.max.y - 8.0),
    );
    let bars_height = theme.body_size * 1.6 * 2.0 + 8.0;
    let columns = Rect::from_min_max(
        body.min,
        Pos2::new(body.max.x, body.max.y - bars_height - 8.0),
    );
    let gap = 16.0;
    let width = (columns.width() - gap) / 2.0;
    for (index, (side, step)) in [(&data.a, row[0]), (&data.b, row[1])]
        .into_iter()
        .enumerate()
    {
        let column = Rect::from_min_size(
            Pos2::new(columns.min.x + index as f32 * (width + gap), columns.min.y),
            Vec2::new(width, columns.height()),
        );
        column_ui(ui, &painter, theme, column, side, step, timeline.fraction());
    }
    painter.line_segment(
        [
            Pos2::new(columns.min.x + width + gap / 2.0, columns.min.y),
            Pos2::new(columns.min.x + width + gap / 2.0, columns.max.y),
        ],
        Stroke::new(theme.stroke_thin, theme.faint),
    );
    let bars = Rect::from_min_max(Pos2::new(body.min.x, body.max.y - bars_height), body.max);
    cycles_ui(ui, &painter, theme, bars, data, row);
}

fn column_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    column: Rect,
    data: &RunData,
    step_index: usize,
    fraction: f64,
) {
    // The column's words take the largest type that leaves the lanes at least half of it.
    let lanes_share = column.min.y + column.height() * 0.5;
    let theme = &draw::fitted_theme(painter, theme, |theme, painter| {
        let (top, bottom) = column_parts_ui(ui, painter, theme, column, data, step_index, None);
        top + column.max.y - bottom <= lanes_share
    });
    column_parts_ui(ui, painter, theme, column, data, step_index, Some(fraction));
}

/// Draws a column: its heading, the step, the moment banner, then the lanes (when `fraction` is
/// given; measuring leaves them out), the state line and the counters at the bottom. Returns
/// where the lanes start and where the parts below them start.
fn column_parts_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    column: Rect,
    data: &RunData,
    step_index: usize,
    fraction: Option<f64>,
) -> (f32, f32) {
    let Some(step) = data.trace.step(step_index) else {
        return (column.min.y, column.max.y);
    };
    let mode = data.mode();
    let prefix = format!("{}: ", mode.title());
    let clipped = painter.with_clip_rect(column.intersect(painter.clip_rect()));
    let heading = draw::text_wrapped(
        &clipped,
        column.min,
        mode.title(),
        theme.heading(),
        theme.text,
        column.width(),
    );
    let text = format!(
        "Step {} of {} · {}: {}",
        step_index + 1,
        data.trace.len(),
        step.slug,
        step.label
    );
    let label_rect = draw::text_wrapped(
        &clipped,
        Pos2::new(column.min.x, heading.max.y),
        &text,
        theme.small(),
        theme.text_muted,
        column.width(),
    );
    let mut top = label_rect.max.y + 4.0;
    let moment = panels::moment(data, step_index);
    if let Some(moment) = &moment {
        let area = Rect::from_min_max(Pos2::new(column.min.x, top), column.max);
        top = panels::moment_ui(ui, painter, theme, area, moment, &prefix) + 4.0;
    }
    let if_gap = moment.as_ref().is_some_and(|moment| moment.if_gap);
    // The state line and the counters sit at the bottom; measure them, then draw them there.
    let below_height = draw::measuring(painter, |invisible| {
        let area = Rect::from_min_max(Pos2::new(column.min.x, top), column.max);
        let state_end = panels::state_line_ui(ui, invisible, theme, area, step, if_gap, &prefix);
        let counters_end =
            panels::counters_line_ui(ui, invisible, theme, area, data, step_index, &prefix);
        (state_end - top) + (counters_end - top) + 2.0 * PANEL_GAP
    });
    let bottom = (column.max.y - below_height).max(top);
    let Some(fraction) = fraction else {
        return (top, bottom);
    };
    let lanes = Rect::from_min_max(
        Pos2::new(column.min.x, top),
        Pos2::new(column.max.x, bottom - PANEL_GAP),
    );
    lanes_ui(
        ui, painter, theme, lanes, data, step_index, fraction, &prefix,
    );
    let below = |y: f32| Rect::from_min_max(Pos2::new(column.min.x, y), column.max);
    let y = panels::state_line_ui(ui, painter, theme, below(bottom), step, if_gap, &prefix);
    panels::counters_line_ui(
        ui,
        painter,
        theme,
        below(y + PANEL_GAP),
        data,
        step_index,
        &prefix,
    );
    (top, bottom)
}

/// Two bars: the cycles each side has spent so far, on one scale.
fn cycles_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    data: &CompareData,
    row: [usize; 2],
) {
    let scale = data.a.total_cycles().max(data.b.total_cycles()).max(1) as f32;
    let bar_height = rect.height() / 2.0 - 4.0;
    let label_width = (rect.width() * 0.42).min(theme.body_size * 30.0);
    for (index, (side, step, role)) in [
        (&data.a, row[0], Role::Neutral),
        (&data.b, row[1], Role::Warn),
    ]
    .into_iter()
    .enumerate()
    {
        let cycles = side
            .trace
            .step(step)
            .map_or(0, |step| step.state.counters.cycles);
        let y = rect.min.y + index as f32 * (bar_height + 8.0);
        let text = format!(
            "{}: {} cycles so far (run total {})",
            side.mode().title(),
            thousands(cycles),
            thousands(side.total_cycles())
        );
        let label_rect =
            Rect::from_min_size(Pos2::new(rect.min.x, y), Vec2::new(label_width, bar_height));
        painter
            .with_clip_rect(label_rect.intersect(painter.clip_rect()))
            .text(
                label_rect.left_center(),
                Align2::LEFT_CENTER,
                &text,
                theme.small(),
                theme.text,
            );
        label_region(ui, label_rect, index, &text);
        let track = Rect::from_min_max(
            Pos2::new(rect.min.x + label_width + 8.0, y),
            Pos2::new(rect.max.x, y + bar_height),
        );
        painter.rect(
            track,
            3.0,
            theme.surface,
            theme.thin(),
            egui::StrokeKind::Inside,
        );
        let filled = Rect::from_min_size(
            track.min,
            Vec2::new(track.width() * cycles as f32 / scale, track.height()),
        );
        painter.rect(
            filled,
            3.0,
            theme.fill(role),
            theme.thin(),
            egui::StrokeKind::Inside,
        );
    }
}

fn label_region(ui: &Ui, rect: Rect, index: usize, text: &str) {
    super::label_region(ui, rect, ("compare-cycles", index), || text.to_owned());
}
