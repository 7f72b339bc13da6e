//! The cost view: slowdown versus the fraction of sensitive instructions for every mode, then the
//! toy programs' totals, then the cost model the numbers come from.
//!
//! The curve leads because it is the fair comparison: the toy programs are almost all privileged
//! or sensitive instructions, so their per-program slowdowns are far larger than any real
//! workload's, and the table says so. The y axis is logarithmic (the modes differ by orders of
//! magnitude). Modes differ by marker shape (every 10 % along each line and at the readout) and a
//! direct label, not colour alone. Lines are solid: a dashed or dotted curve is hundreds of small
//! shapes to tessellate every frame, markers are a few dozen (BENCHMARKS.md, frame budget).

use egui::{Align2, Color32, Painter, Pos2, Rect, Sense, Shape, Stroke, Ui, UiBuilder, Vec2};
use egui_plot::{
    GridInput, GridMark, Line, LineStyle, MarkerShape, Plot, PlotBounds, PlotPoints, Points, VLine,
};

use super::super::model::cost::COST_SOURCES;
use super::super::model::{Mode, Program};
use super::super::scene::{CURVE_SAMPLES, CostData};
use super::{factor, label_region, thousands};
use crate::draw;
use crate::theme::{Role, Theme};

/// The sentence that keeps the table honest.
pub const CAVEAT: &str = "Caveat: these toy programs are almost all privileged or sensitive \
    instructions, so their slowdowns are far larger than any real workload's; read the curve at a \
    realistic fraction (a few percent) instead.";

/// How a mode's curve is drawn: colour and marker shape.
fn style(theme: &Theme, mode: Mode) -> (Color32, MarkerShape) {
    match mode {
        Mode::Native => (theme.outline, MarkerShape::Square),
        Mode::TrapEmulate => (theme.line(Role::Bad), MarkerShape::Circle),
        Mode::BinaryTranslation => (theme.line(Role::GuestKernel), MarkerShape::Diamond),
        Mode::Paravirt => (theme.line(Role::Good), MarkerShape::Up),
        Mode::VtX => (theme.line(Role::Runtime), MarkerShape::Cross),
    }
}

/// Every how many curve samples a line carries its mode's marker (10 % of the axis).
const MARKER_EVERY_SAMPLES: usize = (CURVE_SAMPLES - 1) / 10;
const _: () = assert!(MARKER_EVERY_SAMPLES > 0, "curves need at least 11 samples");

/// A short name for table headers.
fn short(mode: Mode) -> &'static str {
    match mode {
        Mode::Native => "Native",
        Mode::TrapEmulate => "Trap-emulate",
        Mode::BinaryTranslation => "Binary transl.",
        Mode::Paravirt => "Paravirt",
        Mode::VtX => "VT-x",
    }
}

/// Draws the cost view; returns a new sensitive fraction if the student clicked or dragged on the
/// chart.
pub fn canvas_ui(
    ui: &mut Ui,
    theme: &Theme,
    data: &CostData,
    sensitive: f64,
    program: Option<Program>,
) -> Option<f64> {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, Sense::hover());
    let painter = ui.painter_at(rect);
    let body = draw::caption(
        &painter,
        theme,
        rect,
        "What virtualization costs: slowdown versus the share of sensitive instructions",
        &format!(
            "Each line is a mode's slowdown over native for a synthetic guest-kernel workload (log scale). \
             The marker stands at {:.0} % sensitive; click or drag on the chart to move it.",
            sensitive * 100.0
        ),
    );
    let body = Rect::from_min_max(
        Pos2::new(body.min.x + 12.0, body.min.y),
        Pos2::new(body.max.x - 12.0, body.max.y - 8.0),
    );
    let top_height = (body.height() * 0.56).max(theme.body_size * 10.0);
    let top = Rect::from_min_size(body.min, Vec2::new(body.width(), top_height));
    let bottom = Rect::from_min_max(Pos2::new(body.min.x, top.max.y + 10.0), body.max);
    let legend_width = (top.width() * 0.3).clamp(theme.body_size * 14.0, theme.body_size * 24.0);
    let plot_rect = Rect::from_min_max(
        top.min,
        Pos2::new(top.max.x - legend_width - 12.0, top.max.y),
    );
    let legend = Rect::from_min_max(Pos2::new(plot_rect.max.x + 12.0, top.min.y), top.max);

    let label_gutter = theme.small_size * 8.0;
    let chart = Rect::from_min_max(
        plot_rect.min,
        Pos2::new(plot_rect.max.x - label_gutter, plot_rect.max.y),
    );
    let picked = plot_ui(ui, &painter, theme, chart, data, sensitive);
    legend_ui(ui, &painter, theme, legend, data, sensitive);
    let table_width = (bottom.width() * 0.6).max(bottom.width() - theme.body_size * 28.0);
    let table = Rect::from_min_max(
        bottom.min,
        Pos2::new(bottom.min.x + table_width, bottom.max.y),
    );
    let model = Rect::from_min_max(Pos2::new(table.max.x + 16.0, bottom.min.y), bottom.max);
    totals_ui(ui, &painter, theme, table, data, program);
    model_ui(&painter, theme, model, data);
    picked
}

/// Grid marks every 20 % (labelled) and 10 % (unlabelled) of the fraction axis: sparse enough for
/// projector-sized labels.
fn fraction_marks(input: GridInput) -> Vec<GridMark> {
    let (min, max) = input.bounds;
    (0..=10)
        .map(|tenth| f64::from(tenth) / 10.0)
        .filter(|value| *value >= min - 1e-9 && *value <= max + 1e-9)
        .map(|value| GridMark {
            value,
            step_size: if (value * 5.0 - (value * 5.0).round()).abs() < 1e-9 {
                0.2
            } else {
                0.1
            },
        })
        .collect()
}

/// Grid marks at powers of ten (labelled) and at 2..9 times them (unlabelled).
fn log_marks(input: GridInput) -> Vec<GridMark> {
    let (min, max) = input.bounds;
    let mut marks = Vec::new();
    let first = min.floor() as i32;
    let last = max.ceil() as i32;
    for exponent in first..=last {
        let base = f64::from(exponent);
        if base >= min && base <= max {
            marks.push(GridMark {
                value: base,
                step_size: 1.0,
            });
        }
        for k in 2..10 {
            let value = base + f64::from(k).log10();
            if value >= min && value <= max {
                marks.push(GridMark {
                    value,
                    step_size: 0.1,
                });
            }
        }
    }
    marks
}

fn plot_ui(
    ui: &mut Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    data: &CostData,
    sensitive: f64,
) -> Option<f64> {
    let top = data
        .curves
        .iter()
        .flat_map(|(_, points)| points.iter().map(|point| point[1]))
        .fold(0.0_f64, f64::max);
    let y_max = top.max(1.0) + 0.15;
    let response = ui
        .scope_builder(UiBuilder::new().max_rect(rect), |ui| {
            Plot::new("cpu-cost-slowdown")
                .width(rect.width())
                .height(rect.height())
                .allow_zoom(false)
                .allow_drag(false)
                .allow_scroll(false)
                .allow_boxed_zoom(false)
                .allow_double_click_reset(false)
                .show_x(false)
                .show_y(false)
                .x_axis_label("fraction of guest-kernel instructions that are sensitive")
                .y_axis_label("slowdown vs native (log)")
                .x_axis_formatter(|mark, _| {
                    if mark.step_size >= 0.2 {
                        format!("{:.0} %", mark.value * 100.0)
                    } else {
                        String::new()
                    }
                })
                .x_grid_spacer(fraction_marks)
                .y_axis_formatter(|mark, _| {
                    if (mark.value - mark.value.round()).abs() < 1e-9 {
                        format!("{}x", thousands(10_f64.powf(mark.value).round() as u64))
                    } else {
                        String::new()
                    }
                })
                .y_grid_spacer(log_marks)
                .show(ui, |plot_ui| {
                    plot_ui.set_plot_bounds(PlotBounds::from_min_max([0.0, -0.05], [1.0, y_max]));
                    for (mode, points) in &data.curves {
                        let (color, marker) = style(theme, *mode);
                        plot_ui.line(
                            Line::new(mode.title(), PlotPoints::from(points.clone()))
                                .color(color)
                                .width(theme.stroke_thick)
                                .allow_hover(false),
                        );
                        let every: Vec<[f64; 2]> = points
                            .iter()
                            .skip(MARKER_EVERY_SAMPLES)
                            .step_by(MARKER_EVERY_SAMPLES)
                            .copied()
                            .collect();
                        plot_ui.add(
                            Points::new(format!("{} markers", mode.title()), every)
                                .shape(marker)
                                .radius(theme.small_size * 0.36)
                                .filled(true)
                                .color(color)
                                .allow_hover(false),
                        );
                        let at = data.slowdown_at(*mode, sensitive).max(1.0).log10();
                        plot_ui.add(
                            Points::new(
                                format!("{} at marker", mode.title()),
                                vec![[sensitive, at]],
                            )
                            .shape(marker)
                            .radius(theme.small_size * 0.5)
                            .filled(true)
                            .color(color)
                            .allow_hover(false),
                        );
                    }
                    plot_ui.add(
                        VLine::new("sensitive fraction", sensitive)
                            .color(theme.accent)
                            .width(theme.stroke_thin * 1.5)
                            .style(LineStyle::Dashed { length: 6.0 })
                            .allow_hover(false),
                    );
                })
        })
        .inner;
    let transform = response.transform;
    end_labels_ui(painter, theme, &transform, data);
    let marker_x = transform.position_from_point_x(sensitive);
    painter.text(
        Pos2::new(marker_x + 4.0, transform.frame().min.y + 2.0),
        Align2::LEFT_TOP,
        format!("{:.0} % sensitive", sensitive * 100.0),
        theme.small(),
        theme.text,
    );
    label_region(ui, *transform.frame(), "plot", || {
        format!(
            "Slowdown chart, marker at {:.0} % sensitive",
            sensitive * 100.0
        )
    });
    let plot_response = response.response;
    if plot_response.clicked() || plot_response.dragged() {
        let pointer = plot_response.interact_pointer_pos()?;
        let value = transform.value_from_position(pointer).x;
        return Some(super::super::link::round_fraction(value));
    }
    None
}

/// Names at the right end of each curve, pushed apart so they never overlap.
fn end_labels_ui(
    painter: &Painter,
    theme: &Theme,
    transform: &egui_plot::PlotTransform,
    data: &CostData,
) {
    let frame = *transform.frame();
    let spacing = theme.small_size * 1.25;
    let mut labels: Vec<(f32, f32, Mode)> = data
        .curves
        .iter()
        .filter_map(|(mode, points)| {
            let last = points.last()?;
            let y = transform.position_from_point_y(last[1]);
            Some((y, y, *mode))
        })
        .collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    for index in 1..labels.len() {
        let previous = labels[index - 1].1;
        if labels[index].1 < previous + spacing {
            labels[index].1 = previous + spacing;
        }
    }
    let overflow = labels
        .last()
        .map_or(0.0, |last| (last.1 + spacing / 2.0 - frame.max.y).max(0.0));
    for label in &mut labels {
        label.1 -= overflow;
    }
    // Outside the frame, to the right, with a leader from the end of each curve.
    let x = frame.max.x + theme.small_size;
    for (curve_y, label_y, mode) in labels {
        let (color, _) = style(theme, mode);
        painter.line_segment(
            [
                Pos2::new(frame.max.x + 2.0, curve_y),
                Pos2::new(x - 2.0, label_y),
            ],
            Stroke::new(theme.stroke_thin, color),
        );
        painter.text(
            Pos2::new(x, label_y),
            Align2::LEFT_CENTER,
            short(mode),
            theme.small(),
            theme.text,
        );
    }
}

/// A short line with the mode's marker in its middle, for the legend.
fn swatch(painter: &Painter, theme: &Theme, from: Pos2, to: Pos2, mode: Mode) {
    let (color, marker) = style(theme, mode);
    painter.line_segment([from, to], Stroke::new(theme.stroke_thick, color));
    marker_shape(
        painter,
        from.lerp(to, 0.5),
        theme.small_size * 0.4,
        marker,
        color,
    );
}

/// Paints `marker` filled at `center`, as egui_plot draws it on the chart.
fn marker_shape(painter: &Painter, center: Pos2, radius: f32, marker: MarkerShape, color: Color32) {
    let at = |dx: f32, dy: f32| center + radius * Vec2::new(dx, dy);
    let half_sqrt_3 = 3_f32.sqrt() / 2.0;
    let diagonal = std::f32::consts::FRAC_1_SQRT_2;
    match marker {
        MarkerShape::Circle => {
            painter.circle_filled(center, radius, color);
        }
        MarkerShape::Square => {
            painter.rect_filled(
                Rect::from_center_size(center, Vec2::splat(2.0 * radius * diagonal)),
                0.0,
                color,
            );
        }
        MarkerShape::Diamond => {
            let points = vec![at(0.0, 1.0), at(-1.0, 0.0), at(0.0, -1.0), at(1.0, 0.0)];
            painter.add(Shape::convex_polygon(points, color, Stroke::NONE));
        }
        MarkerShape::Up => {
            let points = vec![at(0.0, -1.0), at(half_sqrt_3, 0.5), at(-half_sqrt_3, 0.5)];
            painter.add(Shape::convex_polygon(points, color, Stroke::NONE));
        }
        // Cross, and the shapes `style` never picks.
        _ => {
            let stroke = Stroke::new(radius / 2.5, color);
            painter.line_segment([at(-diagonal, -diagonal), at(diagonal, diagonal)], stroke);
            painter.line_segment([at(diagonal, -diagonal), at(-diagonal, diagonal)], stroke);
        }
    }
}

/// The legend, which is also the readout at the marker.
fn legend_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    data: &CostData,
    sensitive: f64,
) {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let heading = format!("At {:.0} % sensitive", sensitive * 100.0);
    let mut y = draw::text_wrapped(
        &clipped,
        rect.min,
        &heading,
        theme.body(),
        theme.text,
        rect.width(),
    )
    .max
    .y + 4.0;
    let row = theme.body_size * 1.6;
    let swatch_width = theme.body_size * 2.6;
    let mut modes: Vec<(Mode, f64)> = Mode::ALL
        .iter()
        .map(|mode| (*mode, data.slowdown_at(*mode, sensitive)))
        .collect();
    modes.sort_by(|a, b| a.1.total_cmp(&b.1));
    for (mode, slowdown) in modes {
        let center = y + row / 2.0;
        swatch(
            &clipped,
            theme,
            Pos2::new(rect.min.x, center),
            Pos2::new(rect.min.x + swatch_width, center),
            mode,
        );
        let text = format!("{}: {}", mode.title(), factor(slowdown));
        let text_rect = clipped.text(
            Pos2::new(rect.min.x + swatch_width + 8.0, center),
            Align2::LEFT_CENTER,
            &text,
            theme.small(),
            theme.text,
        );
        label_region(ui, text_rect, ("legend", mode.slug()), || {
            format!(
                "{} slowdown at the marker: {}",
                mode.title(),
                factor(slowdown)
            )
        });
        y += row;
    }
    let note = "The trap-and-emulate line assumes every sensitive instruction traps; on x86 it would not even be correct (popf, sgdt).";
    draw::text_wrapped(
        &clipped,
        Pos2::new(rect.min.x, y + 4.0),
        note,
        theme.small(),
        theme.text_muted,
        rect.width(),
    );
}

/// Per-program totals: native cycles, then each mode's slowdown, with the caveat first.
fn totals_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    data: &CostData,
    program: Option<Program>,
) {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let heading = draw::text_wrapped(
        &clipped,
        rect.min,
        "The toy programs, run under every mode",
        theme.body(),
        theme.text,
        rect.width(),
    );
    let caveat = draw::text_wrapped(
        &clipped,
        Pos2::new(rect.min.x, heading.max.y),
        CAVEAT,
        theme.small(),
        theme.text_muted,
        rect.width(),
    );
    label_region(ui, caveat, "caveat", || CAVEAT.to_owned());
    let row = theme.small_size * 1.55;
    let first = rect.width() * 0.28;
    let cell = (rect.width() - first) / Mode::ALL.len() as f32;
    let mut y = caveat.max.y + 4.0;
    let column_x = |index: usize| rect.min.x + first + index as f32 * cell;
    clipped.text(
        Pos2::new(rect.min.x, y),
        Align2::LEFT_TOP,
        "Program (native: cycles)",
        theme.small(),
        theme.text_muted,
    );
    for (index, mode) in Mode::ALL.iter().enumerate() {
        let header = short(*mode);
        clipped.text(
            Pos2::new(column_x(index + 1) - 6.0, y),
            Align2::RIGHT_TOP,
            header,
            theme.small(),
            theme.text_muted,
        );
    }
    y += row;
    for (program_row, totals) in &data.totals {
        let row_rect = Rect::from_min_size(Pos2::new(rect.min.x, y), Vec2::new(rect.width(), row));
        if Some(*program_row) == program {
            clipped.rect(
                row_rect,
                3.0,
                theme.surface,
                theme.thick(theme.accent),
                egui::StrokeKind::Inside,
            );
        } else {
            clipped.line_segment(
                [row_rect.left_bottom(), row_rect.right_bottom()],
                Stroke::new(theme.stroke_thin, theme.faint),
            );
        }
        let center = row_rect.center().y;
        clipped.text(
            Pos2::new(rect.min.x + 4.0, center),
            Align2::LEFT_CENTER,
            program_row.slug(),
            theme.small(),
            theme.text,
        );
        for (index, total) in totals.iter().enumerate() {
            let text = if total.mode == Mode::Native {
                thousands(total.cycles)
            } else {
                factor(total.slowdown)
            };
            clipped.text(
                Pos2::new(column_x(index + 1) - 6.0, center),
                Align2::RIGHT_CENTER,
                &text,
                theme.small(),
                theme.text,
            );
        }
        label_region(ui, row_rect, ("totals", program_row.slug()), || {
            let words: Vec<String> = totals
                .iter()
                .map(|total| {
                    format!(
                        "{} {} cycles ({})",
                        total.mode.title(),
                        thousands(total.cycles),
                        factor(total.slowdown)
                    )
                })
                .collect();
            format!("{}: {}", program_row.slug(), words.join(", "))
        });
        y += row;
    }
}

/// The cost model's defaults and where they come from.
fn model_ui(painter: &Painter, theme: &Theme, rect: Rect, data: &CostData) {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let costs = &data.costs;
    let heading = draw::text_wrapped(
        &clipped,
        rect.min,
        "Cost model (cycles, defaults)",
        theme.body(),
        theme.text,
        rect.width(),
    );
    let lines = [
        format!(
            "instruction {} · mode switch {} · trap round trip {}",
            costs.instruction_cycles,
            costs.mode_switch_cycles,
            thousands(costs.trap_round_trip_cycles)
        ),
        format!(
            "VM exit + entry {} · hypercall {} · BT callout {}",
            thousands(costs.vm_exit_round_trip_cycles),
            costs.hypercall_cycles,
            costs.bt_callout_cycles
        ),
        format!(
            "translation {} per instruction · cache hit {} · inline emulation {}",
            costs.translate_cycles_per_instruction, costs.tc_hit_cycles, costs.bt_inline_cycles
        ),
        format!(
            "Workload: {:.0} % of sensitive instructions only touch IF; paravirtual kernels batch {} operations per hypercall.",
            data.workload.flag_share * 100.0,
            data.workload.pv_ops_per_hypercall
        ),
    ];
    let mut y = heading.max.y + 2.0;
    for line in &lines {
        y = draw::text_wrapped(
            &clipped,
            Pos2::new(rect.min.x, y),
            line,
            theme.small(),
            theme.text,
            rect.width(),
        )
        .max
        .y + 2.0;
    }
    let sources = format!("Sources: {}", COST_SOURCES.join(" "));
    draw::text_wrapped(
        &clipped,
        Pos2::new(rect.min.x, y + 2.0),
        &sources,
        theme.small(),
        theme.text_muted,
        rect.width(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::ThemeKind;

    #[test]
    fn modes_differ_by_more_than_colour() {
        let theme = Theme::new(ThemeKind::Light);
        let styles: Vec<_> = Mode::ALL.iter().map(|mode| style(&theme, *mode)).collect();
        for (index, a) in styles.iter().enumerate() {
            for b in &styles[index + 1..] {
                assert_ne!(a.1, b.1, "two modes share a marker: {a:?} {b:?}");
            }
        }
    }

    #[test]
    fn log_marks_label_powers_of_ten() {
        let marks = log_marks(GridInput {
            bounds: (0.0, 2.0),
            base_step_size: 0.1,
        });
        let majors: Vec<f64> = marks
            .iter()
            .filter(|mark| mark.step_size == 1.0)
            .map(|mark| mark.value)
            .collect();
        assert_eq!(majors, [0.0, 1.0, 2.0]);
        assert!(
            marks
                .iter()
                .any(|mark| (mark.value - 2f64.log10()).abs() < 1e-12)
        );
    }
}
