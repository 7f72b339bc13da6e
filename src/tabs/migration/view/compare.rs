//! The comparison canvas: a table and bar charts of the three methods on the same parameters,
//! their VM states on one time axis, and a verdict. A quiz question's scene (`hide=future`,
//! "which method is fastest?") shows only the three lanes up to now, across the width: the
//! table, the bars and the verdict are the answer.

use crate::units::{bytes_approx, duration_secs};
use egui::{Align2, Pos2, Rect, RichText, Shape, Ui, Vec2};

use super::chart::LaneChart;
use super::lanes::{self, lanes_ui, looks_in};
use super::text::{
    compare_verdict, degraded_text, dirty_rate_note, downtime_text, rules_line, source_line,
    total_text,
};
use super::{header_ui, in_rect, in_room, plot_in, shown_chart, title};
use crate::tabs::migration::link::{Scene, short_title};
use crate::tabs::migration::model::{Comparison, HINES_GOPALAN_2009, Outcome, Summary};
use crate::tabs::migration::scene::method::Simulation;
use crate::theme::{Role, Theme};

/// The most of the canvas's height the footnotes take; beyond it they are left out.
const NOTES_SHARE: f32 = 0.4;

/// One compared quantity: its name, how to read it from a summary, and how to print it.
struct Metric {
    name: &'static str,
    value: fn(&Summary) -> f64,
    text: fn(f64) -> String,
}

const METRICS: [Metric; 5] = [
    Metric {
        name: "Downtime",
        value: |s| s.downtime_secs,
        text: duration_secs,
    },
    Metric {
        name: "Total time",
        value: |s| s.total_secs,
        text: duration_secs,
    },
    Metric {
        name: "Data sent",
        value: |s| s.total_bytes,
        text: bytes_approx,
    },
    Metric {
        name: "Degraded time",
        value: |s| s.degraded_secs,
        text: duration_secs,
    },
    Metric {
        name: "Demand faults",
        value: |s| s.faults,
        text: |v| format!("{v:.0}"),
    },
];

/// Draws the comparison at `now_secs`; returns a time the student clicked on the chart.
pub fn compare_canvas_ui(
    ui: &mut Ui,
    theme: &Theme,
    scene: &Scene,
    sim: &Simulation,
    now_secs: f64,
) -> Option<f64> {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let comparison = sim.comparison()?;
    let verdict = if scene.hide_future {
        "The same VM migrates three ways over the same link; play the timeline to see how each \
         one goes."
            .to_owned()
    } else {
        compare_verdict(&comparison)
    };
    let content = header_ui(
        &painter,
        theme,
        rect,
        &title(scene, "Cold, pre-copy and post-copy compared"),
        &verdict,
        scene,
    );

    // The table and the bars take the largest type at which the table fits the width and the
    // bars stay above the footnotes; at the legible minimum the table's long cells wrap.
    let notes = format!(
        "{}. Post-copy: {HINES_GOPALAN_2009}. {}. {}",
        source_line(scene.preset, None),
        rules_line(&scene.params),
        dirty_rate_note(&scene.params)
    );
    let notes_height = crate::draw::text_height(&painter, &notes, theme.small(), content.width());
    // The footnotes only where they leave the lanes most of the height (not at 300x300).
    let notes_fit = notes_height <= NOTES_SHARE * content.height();
    let notes_top = if notes_fit {
        content.max.y - notes_height
    } else {
        content.max.y
    };
    let notes_ui = || {
        if notes_fit {
            crate::draw::text_wrapped(
                &painter,
                Pos2::new(content.min.x, notes_top),
                &notes,
                theme.small(),
                theme.text_muted,
                content.width(),
            );
        }
    };
    if scene.hide_future {
        notes_ui();
        let middle = Rect::from_min_max(content.min, Pos2::new(content.max.x, notes_top - 8.0));
        let chart = shown_chart(scene, sim, now_secs)?;
        return lanes_and_legend_ui(ui, &painter, theme, &chart, middle, now_secs);
    }
    let lanes_width = content.width() * 0.56;
    let bars_at = |table_bottom: f32| {
        Rect::from_min_max(
            Pos2::new(content.min.x + lanes_width + 24.0, table_bottom + 10.0),
            Pos2::new(content.max.x, notes_top - 8.0),
        )
    };
    let fitted = crate::draw::fitted_theme(&painter, theme, |candidate, invisible| {
        let table = table_cells(invisible, candidate, &comparison, None);
        let size = table_size(candidate, &table);
        let bars = bars_at(content.min.y + size.y);
        size.x <= content.width() && bars_ui(invisible, candidate, bars, &comparison) <= bars.max.y
    });
    let wrap = (table_size(&fitted, &table_cells(&painter, &fitted, &comparison, None)).x
        > content.width())
    .then(|| wrap_width(&painter, &fitted, &comparison, content.width()));
    let cells = table_cells(&painter, &fitted, &comparison, wrap);
    let table = in_rect(ui, content, |ui| {
        table_ui(ui, &fitted, &cells);
        ui.min_rect()
    });

    // Footnotes at the bottom, then the lanes (left) and the bars (right) between.
    notes_ui();
    let middle = Rect::from_min_max(
        Pos2::new(content.min.x, table.max.y + 10.0),
        Pos2::new(content.min.x + lanes_width, notes_top - 8.0),
    );
    let seek = lanes_and_legend_ui(ui, &painter, theme, &sim.chart, middle, now_secs);
    bars_ui(&painter, &fitted, bars_at(table.max.y), &comparison);
    seek
}

/// The three lanes in `room` with their legend under them; returns a time the student clicked.
fn lanes_and_legend_ui(
    ui: &mut Ui,
    painter: &egui::Painter,
    theme: &Theme,
    chart: &LaneChart,
    room: Rect,
    now_secs: f64,
) -> Option<f64> {
    let legend_reserve = theme.small_size * 1.5 * 2.0;
    let plot_room = Rect::from_min_size(
        room.min,
        Vec2::new(
            room.width(),
            (room.height() - legend_reserve).max(theme.small_size * 8.0),
        ),
    );
    let plot_rect = plot_in(ui, chart, plot_room);
    let seek = in_room(ui, plot_rect, plot_room, |ui| {
        lanes_ui(
            ui,
            theme,
            "migration-compare-lanes",
            chart,
            now_secs,
            plot_rect.size(),
        )
    });
    lanes::legend_ui(
        painter,
        theme,
        Pos2::new(plot_room.min.x, plot_room.max.y + 4.0),
        room.width(),
        &looks_in(chart),
    );
    seek
}

/// One cell of the comparison table: its text (with line breaks where it wraps) and font.
struct Cell {
    text: String,
    font: egui::FontId,
    strong: bool,
    /// Its laid-out size.
    size: Vec2,
}

/// The table's cells, row by row (headings first), at `theme`; cells wider than `wrap` points
/// break onto more lines.
fn table_cells(
    painter: &egui::Painter,
    theme: &Theme,
    c: &Comparison,
    wrap: Option<f32>,
) -> Vec<Vec<Cell>> {
    let cell = |text: String, font: egui::FontId, strong: bool| {
        let galley = painter.layout(
            text,
            font.clone(),
            theme.text,
            wrap.unwrap_or(f32::INFINITY),
        );
        let text = galley
            .rows
            .iter()
            .map(|row| row.text().trim_end().to_owned())
            .collect::<Vec<_>>()
            .join("\n");
        Cell {
            text,
            font,
            strong,
            size: galley.size(),
        }
    };
    let mut rows = vec![
        [
            "Method",
            "Outcome",
            "Downtime",
            "Total time",
            "Data sent",
            "Degraded",
            "Demand faults",
            "Pre-copy rounds and stop",
        ]
        .map(|heading| cell(heading.to_owned(), theme.small(), true))
        .into(),
    ];
    for s in c.rows() {
        let stop = match s.stop {
            Some(stop) => format!("{}, {}", rounds(s.rounds), stop.title().to_lowercase()),
            None if s.rounds > 0 => rounds(s.rounds),
            None => "-".to_owned(),
        };
        let mut row = vec![cell(short_title(s.mode).to_owned(), theme.body(), true)];
        row.extend(
            [
                s.outcome.title().to_owned(),
                downtime_text(s),
                total_text(s),
                bytes_approx(s.total_bytes),
                degraded_text(s),
                format!("{:.0}", s.faults),
                stop,
            ]
            .map(|text| cell(text, theme.body(), false)),
        );
        rows.push(row);
    }
    rows
}

/// The grid spacing of the table at `theme`.
fn table_spacing(theme: &Theme) -> Vec2 {
    Vec2::new(theme.body_size * 1.4, theme.small_size * 0.3)
}

/// The size the table takes: each column as wide as its widest cell, each row as tall as its
/// tallest (the grid's rows are as tall as their text, see [`table_ui`]), with the grid's
/// spacing between.
fn table_size(theme: &Theme, rows: &[Vec<Cell>]) -> Vec2 {
    let spacing = table_spacing(theme);
    let columns = rows.first().map_or(0, Vec::len);
    let width: f32 = (0..columns)
        .map(|column| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|cell| cell.size.x)
                .fold(0.0, f32::max)
        })
        .sum::<f32>()
        + spacing.x * columns.saturating_sub(1) as f32;
    let height: f32 = rows
        .iter()
        .map(|row| row.iter().map(|cell| cell.size.y).fold(0.0, f32::max))
        .sum::<f32>()
        + spacing.y * rows.len().saturating_sub(1) as f32;
    Vec2::new(width, height)
}

/// The widest a cell may be for the table to fit `width` at `theme` (its long cells wrap at
/// spaces); the narrowest tried is a quarter of the width.
fn wrap_width(painter: &egui::Painter, theme: &Theme, c: &Comparison, width: f32) -> f32 {
    let mut cap = width / 2.0;
    while cap > width / 4.0 {
        let cells = table_cells(painter, theme, c, Some(cap));
        if table_size(theme, &cells).x <= width {
            return cap;
        }
        cap *= 0.92;
    }
    cap
}

/// The comparison table: one row per method, real labels (readable by screen readers).
fn table_ui(ui: &mut Ui, theme: &Theme, rows: &[Vec<Cell>]) {
    // Rows as tall as their text: the table holds labels, not controls sized for a pointer.
    ui.spacing_mut().interact_size.y = 0.0;
    egui::Grid::new("migration-compare-table")
        .striped(true)
        .spacing(table_spacing(theme))
        .show(ui, |ui| {
            for row in rows {
                for cell in row {
                    let mut text = RichText::new(&cell.text).font(cell.font.clone());
                    if cell.strong {
                        text = text.strong();
                    }
                    ui.add(egui::Label::new(text).extend());
                }
                ui.end_row();
            }
        });
}

/// "1 round", "4 rounds".
fn rounds(count: u32) -> String {
    if count == 1 {
        "1 round".to_owned()
    } else {
        format!("{count} rounds")
    }
}

/// Horizontal bars per metric, one per method, the lowest marked "least"; lays the metrics
/// out in one or two columns to fit `rect`. Returns where the last group ends.
fn bars_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, c: &Comparison) -> f32 {
    let line = theme.small_size * 1.45;
    let group = line * 4.3;
    let columns = if group * METRICS.len() as f32 <= rect.height() {
        1
    } else {
        2
    };
    let per_column = METRICS.len().div_ceil(columns);
    let column_width = (rect.width() - 16.0 * (columns - 1) as f32) / columns as f32;
    let name_width = painter
        .layout_no_wrap("Post-copy".to_owned(), theme.small(), theme.text)
        .size()
        .x
        + 8.0;
    // Room after the bars for the widest value label (marked "least" or "(no end)").
    let value_width = METRICS
        .iter()
        .flat_map(|metric| {
            c.rows()
                .into_iter()
                .map(move |s| value_text(metric, s, (metric.value)(s), true))
        })
        .map(|text| {
            painter
                .layout_no_wrap(text, theme.small(), theme.text)
                .size()
                .x
        })
        .fold(0.0, f32::max)
        + 10.0;
    let mut shapes = Vec::new();
    painter.text(
        rect.min,
        Align2::LEFT_TOP,
        "Side by side (shorter is better)",
        theme.body(),
        theme.text,
    );
    let top = rect.min.y + theme.body_size * 1.6;
    for (i, metric) in METRICS.iter().enumerate() {
        let x = rect.min.x + (i / per_column) as f32 * (column_width + 16.0);
        let y = top + (i % per_column) as f32 * group;
        painter.text(
            Pos2::new(x, y),
            Align2::LEFT_TOP,
            metric.name,
            theme.small(),
            theme.text,
        );
        let rows = c.rows();
        let values: Vec<f64> = rows.iter().map(|s| (metric.value)(s)).collect();
        let max = values.iter().copied().fold(0.0, f64::max);
        // Only migrations that completed compete for "least": a lost VM or one never moved
        // has no downtime or total time to win with.
        let least = rows
            .iter()
            .zip(&values)
            .filter(|(s, _)| s.outcome == Outcome::Completed)
            .map(|(_, v)| *v)
            .fold(f64::INFINITY, f64::min);
        let bar_space = (column_width - name_width - value_width).max(10.0);
        for (j, (s, value)) in rows.iter().zip(&values).enumerate() {
            let row_y = y + line * (j as f32 + 1.0);
            painter.text(
                Pos2::new(x, row_y + line / 2.0),
                Align2::LEFT_CENTER,
                short_title(s.mode),
                theme.small(),
                theme.text_muted,
            );
            let fraction = if max > 0.0 { (value / max) as f32 } else { 0.0 };
            let bar = Rect::from_min_size(
                Pos2::new(x + name_width, row_y + line * 0.15),
                Vec2::new((bar_space * fraction).max(1.0), line * 0.7),
            );
            let counts = s.outcome == Outcome::Completed;
            let is_least = counts && *value <= least && max > 0.0;
            let fill = if is_least {
                theme.fill(Role::Good)
            } else {
                theme.fill(Role::Neutral)
            };
            shapes.push(Shape::Rect(egui::epaint::RectShape::new(
                bar,
                0.0,
                fill,
                theme.thin(),
                egui::StrokeKind::Inside,
            )));
            let text = value_text(metric, s, *value, is_least);
            painter.text(
                Pos2::new(bar.max.x + 6.0, row_y + line / 2.0),
                Align2::LEFT_CENTER,
                text,
                theme.small(),
                theme.text,
            );
        }
    }
    painter.extend(shapes);
    top + per_column as f32 * group - (group - line * 4.0)
}

/// A bar's value label: the value, and "(VM lost)", "(no end)" or "least" after it.
fn value_text(metric: &Metric, s: &Summary, value: f64, is_least: bool) -> String {
    let mut text = (metric.text)(value);
    if s.outcome == Outcome::Lost {
        text.push_str(" (VM lost)");
    } else if s.outcome == Outcome::NotConverged {
        text.push_str(" (no end)");
    } else if is_least {
        text.push_str(" least");
    }
    text
}
