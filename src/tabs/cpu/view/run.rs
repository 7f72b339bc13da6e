//! The run view: one program under one mode, stepped through.
//!
//! Left, the lanes with the code each one runs and the step's control transfer; right, the moment
//! banner when the step carries the lesson, the mode's round-trip steps, the real-versus-virtual
//! CPU state, the counters and (binary translation) the translation cache.

use egui::{Pos2, Rect, Sense, Ui};

use super::super::model::Mode;
use super::super::scene::RunData;
use super::lanes::lanes_ui;
use super::panels::{self, PANEL_GAP};
use crate::draw;
use crate::theme::Theme;
use crate::timeline::Timeline;

/// The caption of a step: its number, slug and sentence.
pub fn step_caption(data: &RunData, step_index: usize) -> String {
    data.trace.step(step_index).map_or(String::new(), |step| {
        format!(
            "Step {} of {} · {}: {}",
            step_index + 1,
            data.trace.len(),
            step.slug,
            step.label
        )
    })
}

/// Draws the run view into the whole available rectangle.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, data: &RunData, timeline: &Timeline) {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, Sense::hover());
    let painter = ui.painter_at(rect);
    let step_index = timeline.step().min(data.trace.len().saturating_sub(1));
    let hide = timeline.ahead_hidden();
    if data.trace.step(step_index).is_none() {
        return;
    };
    let title = format!(
        "{}: {}{}",
        data.mode().title(),
        data.program().title(),
        data.cpu_note()
    );
    let body = draw::caption(
        &painter,
        theme,
        rect,
        &title,
        &step_caption(data, step_index),
    );
    let body = Rect::from_min_max(
        Pos2::new(body.min.x + 12.0, body.min.y),
        Pos2::new(body.max.x - 12.0, body.max.y - 8.0),
    );
    let side_width = (body.width() * 0.34).clamp(theme.body_size * 17.0, theme.body_size * 34.0);
    let side = Rect::from_min_max(Pos2::new(body.max.x - side_width, body.min.y), body.max);
    let lanes = Rect::from_min_max(
        body.min,
        Pos2::new(body.max.x - side_width - 12.0, body.max.y),
    );

    // The side column takes the largest type at which all of it fits (a projector's canvas is
    // short for the state table and the counters at full size). When even the legible minimum
    // does not fit, the counters leave it for a strip under the lanes, as wide as they are.
    let shared: &Ui = ui;
    let fits = |with_counters: bool| {
        move |theme: &Theme, painter: &egui::Painter| {
            side_ui(
                shared,
                painter,
                theme,
                side,
                data,
                (step_index, hide),
                with_counters,
            ) <= side.max.y
        }
    };
    let (side_theme, counters_below) = match draw::fitting_theme(&painter, theme, fits(true)) {
        Some(fitted) => (fitted, false),
        None => (draw::fitted_theme(&painter, theme, fits(false)), true),
    };
    let lanes = if counters_below {
        let strip = Rect::from_min_max(Pos2::new(lanes.min.x, lanes.max.y - 1.0), lanes.max);
        let height = draw::measuring(&painter, |invisible| {
            panels::counters_ui(
                ui,
                invisible,
                &side_theme,
                strip,
                data,
                step_index,
                true,
                "",
            )
        }) - strip.min.y;
        let top = lanes.max.y - height;
        panels::counters_ui(
            ui,
            &painter,
            &side_theme,
            Rect::from_min_max(Pos2::new(lanes.min.x, top), lanes.max),
            data,
            step_index,
            true,
            "",
        );
        Rect::from_min_max(lanes.min, Pos2::new(lanes.max.x, top - PANEL_GAP))
    } else {
        lanes
    };
    lanes_ui(
        ui,
        &painter,
        theme,
        lanes,
        data,
        step_index,
        timeline.fraction(),
        "",
    );
    side_ui(
        ui,
        &painter,
        &side_theme,
        side,
        data,
        (step_index, hide),
        !counters_below,
    );
}

/// The moment banner, the mode's steps, the CPU state, the translation cache and (with
/// `with_counters`) the counters, stacked from the top of `side`; returns where they end.
/// With `hide` (a quiz question's scene) the instruction at hand is named but not classified:
/// its class says what happens next.
fn side_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    side: Rect,
    data: &RunData,
    (step_index, hide): (usize, bool),
    with_counters: bool,
) -> f32 {
    let Some(step) = data.trace.step(step_index) else {
        return side.min.y;
    };
    let below = |y: f32| Rect::from_min_max(Pos2::new(side.min.x, y), side.max);
    let mut y = side.min.y;
    let moment = panels::moment(data, step_index);
    if let Some(moment) = &moment {
        y = panels::moment_ui(ui, painter, theme, below(y), moment, "") + PANEL_GAP;
    }
    if data.mode() != Mode::Native {
        y = panels::round_trip_ui(ui, painter, theme, below(y), data.mode(), step, "") + PANEL_GAP;
    }
    if let Some(instr) = data.trace.instr_at(step.guest_at) {
        let classes = super::classes::Classify {
            umip: data.umip,
            shown: !hide,
        };
        y = super::classes::instruction_ui(ui, painter, theme, below(y), instr, classes, "")
            + PANEL_GAP;
    }
    let if_gap = moment.as_ref().is_some_and(|moment| moment.if_gap);
    y = panels::state_ui(ui, painter, theme, below(y), step, if_gap, "") + PANEL_GAP;
    if data.mode() == Mode::BinaryTranslation {
        y = panels::cache_ui(ui, painter, theme, below(y), data, step_index, "") + PANEL_GAP;
    }
    if !with_counters {
        return y - PANEL_GAP;
    }
    panels::counters_ui(ui, painter, theme, below(y), data, step_index, true, "")
}
