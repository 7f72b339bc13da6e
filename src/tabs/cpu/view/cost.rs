//! The cost view: slowdown over native versus the share of sensitive instructions for binary
//! translation and both VT-x generations on one workload, forkwait's measured points beside the
//! model, then the cycle costs with their sources and the toy programs' totals.
//!
//! Both axes are logarithmic: real guests have well under 1 % sensitive instructions (domain.md)
//! and the modes differ by orders of magnitude. The memory part of each line comes from the Memory
//! tab's model (exits per guest page-table write, references per TLB miss), so "first-generation
//! VT-x with shadow paging", "VT-x with EPT" and "binary translation with shadow paging" are
//! compared on the same operations. Lines differ by marker shape and a direct label, not colour
//! alone; they are solid because a dashed curve is hundreds of shapes to tessellate every frame
//! (BENCHMARKS.md, frame budget).

use egui::{Align2, Color32, Painter, Pos2, Rect, Sense, Shape, Stroke, Ui, UiBuilder, Vec2};
use egui_plot::{
    GridInput, GridMark, HLine, Line as PlotLine, LineStyle, MarkerShape, Plot, PlotBounds,
    PlotPoints, Points, VLine,
};

use super::super::model::cost::COST_SOURCES;
use super::super::model::slowdown::{
    self, Line, MAX_SHARE, MIN_SHARE, Workload, forkwait_slowdowns, percent, round_share,
};
use super::super::model::{Mode, Program};
use super::super::scene::{CURVE_SAMPLES, CostData};
use super::{factor, label_region, thousands};
use crate::draw;
use crate::theme::{Role, Theme};

/// The sentence that keeps the table honest.
pub const CAVEAT: &str = "Caveat: these toy programs are almost all privileged or sensitive \
    instructions, so their slowdowns are far larger than any real workload's; read the curve at a \
    realistic share (well under 1 %) instead.";

/// How a line is drawn: colour and marker shape.
fn style(theme: &Theme, line: Line) -> (Color32, MarkerShape) {
    match line {
        Line::BinaryTranslation => (theme.line(Role::GuestKernel), MarkerShape::Diamond),
        Line::VtxShadow => (theme.line(Role::Bad), MarkerShape::Cross),
        Line::VtxEpt => (theme.line(Role::Good), MarkerShape::Up),
    }
}

/// Every how many curve samples a line carries its marker (half a decade of the axis).
const MARKER_EVERY_SAMPLES: usize = (CURVE_SAMPLES - 1) / 10;
const _: () = assert!(MARKER_EVERY_SAMPLES > 0, "curves need at least 11 samples");

/// A short name for table headers of the toy programs' modes.
fn short(mode: Mode) -> &'static str {
    match mode {
        Mode::Native => "Native",
        Mode::TrapEmulate => "Trap",
        Mode::BinaryTranslation => "BT",
        Mode::Paravirt => "PV",
        Mode::VtX => "VT-x 1",
    }
}

/// Draws the cost view; returns a new share of sensitive instructions if the student clicked or
/// dragged on the chart.
pub fn canvas_ui(
    ui: &mut Ui,
    theme: &Theme,
    data: &CostData,
    sensitive: f64,
    workload: Workload,
    program: Option<Program>,
) -> Option<f64> {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, Sense::hover());
    let painter = ui.painter_at(rect);
    let body = draw::caption(
        &painter,
        theme,
        rect,
        "What virtualization costs: slowdown over native versus the share of sensitive instructions",
        &format!(
            "{}, both axes logarithmic. Real guests sit well under 1 %; the marker stands at {}. \
             Unit costs are cited or marked illustrative below; click or drag on the chart to move \
             the marker.",
            workload.title(),
            percent(sensitive)
        ),
    );
    let body = Rect::from_min_max(
        Pos2::new(body.min.x + 12.0, body.min.y),
        Pos2::new(body.max.x - 12.0, body.max.y - 8.0),
    );
    let top_height = (body.height() * 0.58).max(theme.body_size * 10.0);
    let top = Rect::from_min_size(body.min, Vec2::new(body.width(), top_height));
    let bottom = Rect::from_min_max(Pos2::new(body.min.x, top.max.y + 10.0), body.max);
    let legend_width = (top.width() * 0.3)
        .min(theme.body_size * 24.0)
        .max(theme.body_size * 14.0);
    let plot_rect = Rect::from_min_max(
        top.min,
        Pos2::new(top.max.x - legend_width - 12.0, top.max.y),
    );
    let legend = Rect::from_min_max(Pos2::new(plot_rect.max.x + 12.0, top.min.y), top.max);

    let label_gutter = theme.small_size * 7.0;
    let chart = Rect::from_min_max(
        plot_rect.min,
        Pos2::new(plot_rect.max.x - label_gutter, plot_rect.max.y),
    );
    let picked = plot_ui(ui, &painter, theme, chart, data, sensitive, workload);
    legend_ui(ui, &painter, theme, legend, data, sensitive, workload);
    let model_width = (bottom.width() * 0.5).max(bottom.width() - theme.body_size * 34.0);
    let model = Rect::from_min_max(
        bottom.min,
        Pos2::new(bottom.min.x + model_width, bottom.max.y),
    );
    let table = Rect::from_min_max(Pos2::new(model.max.x + 16.0, bottom.min.y), bottom.max);
    model_ui(&painter, theme, model, data, workload);
    totals_ui(ui, &painter, theme, table, data, program);
    picked
}

/// Grid marks at every power of ten of the share axis (labelled as percentages).
fn share_marks(input: GridInput) -> Vec<GridMark> {
    let (min, max) = input.bounds;
    (min.ceil() as i32..=max.floor() as i32)
        .map(|exponent| GridMark {
            value: f64::from(exponent),
            step_size: 1.0,
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
    workload: Workload,
) -> Option<f64> {
    let lines = data.lines(workload);
    let top = lines
        .iter()
        .flat_map(|(_, points)| points.iter().map(|point| point[1]))
        .fold(0.0_f64, f64::max);
    // Room for forkwait's 17.7x on every workload, so switching workloads keeps the scale.
    let y_max = top.max(30_f64.log10()) + 0.15;
    let marker_x = sensitive.log10();
    let forkwait = data
        .forkwait_share
        .filter(|_| workload == Workload::Fork)
        .map(f64::log10);
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
                .x_axis_label("share of guest instructions that are sensitive (log)")
                .y_axis_label("slowdown vs native (log)")
                .x_axis_formatter(|mark, _| percent(10_f64.powf(mark.value)))
                .x_grid_spacer(share_marks)
                .y_axis_formatter(|mark, _| {
                    if (mark.value - mark.value.round()).abs() < 1e-9 {
                        format!("{}x", thousands(10_f64.powf(mark.value).round() as u64))
                    } else {
                        String::new()
                    }
                })
                .y_grid_spacer(log_marks)
                .show(ui, |plot_ui| {
                    plot_ui.set_plot_bounds(PlotBounds::from_min_max(
                        [MIN_SHARE.log10(), -0.05],
                        [MAX_SHARE.log10(), y_max],
                    ));
                    plot_ui.add(
                        HLine::new("native", 0.0)
                            .color(theme.outline)
                            .width(theme.stroke_thin)
                            .allow_hover(false),
                    );
                    plot_ui.add(
                        VLine::new("1 % sensitive", -2.0)
                            .color(theme.faint)
                            .width(theme.stroke_thin)
                            .allow_hover(false),
                    );
                    for (line, points) in lines {
                        let (color, marker) = style(theme, *line);
                        plot_ui.line(
                            PlotLine::new(line.title(), PlotPoints::from(points.clone()))
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
                            Points::new(format!("{} markers", line.title()), every)
                                .shape(marker)
                                .radius(theme.small_size * 0.36)
                                .filled(true)
                                .color(color)
                                .allow_hover(false),
                        );
                        let at = data
                            .slowdown_at(*line, workload, sensitive)
                            .max(1.0)
                            .log10();
                        plot_ui.add(
                            Points::new(
                                format!("{} at marker", line.title()),
                                vec![[marker_x, at]],
                            )
                            .shape(marker)
                            .radius(theme.small_size * 0.5)
                            .filled(true)
                            .color(color)
                            .allow_hover(false),
                        );
                    }
                    if let Some(x) = forkwait {
                        let [bt, vtx] = forkwait_slowdowns();
                        for (line, measured) in
                            [(Line::BinaryTranslation, bt), (Line::VtxShadow, vtx)]
                        {
                            let (color, marker) = style(theme, line);
                            plot_ui.add(
                                Points::new(
                                    format!("forkwait {}", line.short()),
                                    vec![[x, measured.log10()]],
                                )
                                .shape(marker)
                                .radius(theme.small_size * 0.75)
                                .filled(false)
                                .color(color)
                                .allow_hover(false),
                            );
                        }
                    }
                    plot_ui.add(
                        VLine::new("sensitive share", marker_x)
                            .color(theme.accent)
                            .width(theme.stroke_thin * 1.5)
                            .style(LineStyle::Dashed { length: 6.0 })
                            .allow_hover(false),
                    );
                })
        })
        .inner;
    let transform = response.transform;
    let frame = *transform.frame();
    end_labels_ui(painter, theme, &transform, lines);
    let real = transform.position_from_point_x(-2.0);
    painter.text(
        Pos2::new(real - 4.0, frame.min.y + theme.small_size * 1.6),
        Align2::RIGHT_TOP,
        "◀ real guests",
        theme.small(),
        theme.text_muted,
    );
    let marker_at = transform.position_from_point_x(marker_x);
    let (align, dx) = if marker_at > frame.center().x {
        (Align2::RIGHT_TOP, -4.0)
    } else {
        (Align2::LEFT_TOP, 4.0)
    };
    painter.text(
        Pos2::new(marker_at + dx, frame.min.y + 2.0),
        align,
        format!("{} sensitive", percent(sensitive)),
        theme.small(),
        theme.text,
    );
    label_region(ui, frame, "plot", || {
        format!(
            "Slowdown chart, {}, marker at {} sensitive",
            workload.title(),
            percent(sensitive)
        )
    });
    let plot_response = response.response;
    if plot_response.clicked() || plot_response.dragged() {
        let pointer = plot_response.interact_pointer_pos()?;
        let value = transform.value_from_position(pointer).x;
        return Some(round_share(10_f64.powf(value)));
    }
    None
}

/// Names at the right end of each curve, pushed apart so they never overlap.
fn end_labels_ui(
    painter: &Painter,
    theme: &Theme,
    transform: &egui_plot::PlotTransform,
    lines: &[(Line, Vec<[f64; 2]>)],
) {
    let frame = *transform.frame();
    let spacing = theme.small_size * 1.25;
    let mut labels: Vec<(f32, f32, Line)> = lines
        .iter()
        .filter_map(|(line, points)| {
            let last = points.last()?;
            let y = transform.position_from_point_y(last[1]);
            Some((y, y, *line))
        })
        .collect();
    labels.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut previous: Option<f32> = None;
    for label in &mut labels {
        if let Some(previous) = previous {
            label.1 = label.1.max(previous + spacing);
        }
        previous = Some(label.1);
    }
    let overflow = labels
        .last()
        .map_or(0.0, |last| (last.1 + spacing / 2.0 - frame.max.y).max(0.0));
    for label in &mut labels {
        label.1 -= overflow;
    }
    // Outside the frame, to the right, with a leader from the end of each curve.
    let x = frame.max.x + theme.small_size;
    for (curve_y, label_y, line) in labels {
        let (color, _) = style(theme, line);
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
            line.short(),
            theme.small(),
            theme.text,
        );
    }
}

/// A short line with the line's marker in its middle, for the legend.
fn swatch(painter: &Painter, theme: &Theme, from: Pos2, to: Pos2, line: Line) {
    let (color, marker) = style(theme, line);
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

/// The legend, which is also the readout at the marker, and what to take away.
fn legend_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    data: &CostData,
    sensitive: f64,
    workload: Workload,
) {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let heading = format!("At {} sensitive", percent(sensitive));
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
    let mut lines: Vec<(Line, f64)> = Line::ALL
        .iter()
        .map(|line| (*line, data.slowdown_at(*line, workload, sensitive)))
        .collect();
    lines.sort_by(|a, b| a.1.total_cmp(&b.1));
    for (line, slowdown) in lines {
        let center = y + row / 2.0;
        swatch(
            &clipped,
            theme,
            Pos2::new(rect.min.x, center),
            Pos2::new(rect.min.x + swatch_width, center),
            line,
        );
        let text = format!("{}: {}", line.short(), factor(slowdown));
        let text_rect = clipped.text(
            Pos2::new(rect.min.x + swatch_width + 8.0, center),
            Align2::LEFT_CENTER,
            &text,
            theme.small(),
            theme.text,
        );
        label_region(ui, text_rect, ("legend", line.short()), || {
            format!("{} at the marker: {}", line.title(), factor(slowdown))
        });
        y += row;
    }
    let [traced, cr3, hidden] = data.memory.shadow_events_per_pte_write;
    let [native_refs, nested_refs] = data.memory.refs_per_miss;
    let lesson = match workload {
        Workload::Fork => format!(
            "CPU-bound guests run near native with VT-x and EPT. First-generation VT-x lost to BT \
             on fork-heavy work: each guest page-table write meant {:.1} exits (Memory tab) of {} \
             cycles, where BT's translated code called the VMM for {}. EPT removed those exits.",
            traced + cr3 + hidden,
            thousands(data.costs.vm_exit_round_trip_cycles),
            data.costs.bt_callout_cycles
        ),
        Workload::Syscall => "CPU-bound guests run near native with VT-x and EPT. A guest system \
             call does not exit under VT-x but enters the VMM under BT, so both VT-x generations \
             beat BT here; I/O still exits."
            .to_owned(),
        Workload::Scan => format!(
            "A TLB miss walks two dimensions with EPT ({nested_refs:.1} references against \
             {native_refs:.1}, walk caches on: Memory tab), so a TLB-hostile guest pays a little \
             that shadow paging did not; large pages cut it. Fork-heavy work is far cheaper with \
             EPT."
        ),
    };
    let [bt, vtx] = forkwait_slowdowns();
    let [native_secs, bt_secs, vtx_secs] = slowdown::FORKWAIT_SECS;
    let measured = (workload == Workload::Fork && data.forkwait_share.is_some()).then(|| {
        format!(
            "Hollow markers: forkwait, measured (Adams and Agesen 2006): native {native_secs:.1} s, \
             BT {bt_secs} s = {}, VT-x gen 1 {vtx_secs} s = {}; set where the BT line meets it.",
            factor(bt),
            factor(vtx)
        )
    });
    // Whole or not at all, the lesson first.
    y += 4.0;
    for (id, text) in [("lesson", Some(lesson)), ("forkwait", measured)] {
        let Some(text) = text else {
            continue;
        };
        if y + draw::text_height(&clipped, &text, theme.small(), rect.width()) > rect.max.y {
            break;
        }
        let area = draw::text_wrapped(
            &clipped,
            Pos2::new(rect.min.x, y),
            &text,
            theme.small(),
            theme.text,
            rect.width(),
        );
        label_region(ui, area, id, || text.clone());
        y = area.max.y + 6.0;
    }
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
    // On a small canvas (a projector) the rows that fit are shown, the selected program's
    // always among them, and a last line names the ones left out rather than dropping them
    // silently.
    let fit = ((rect.max.y - y) / row).floor().max(0.0) as usize;
    let shown: Vec<usize> = if fit >= data.totals.len() {
        (0..data.totals.len()).collect()
    } else {
        let mut shown: Vec<usize> = (0..fit.saturating_sub(1)).collect();
        let selected = data
            .totals
            .iter()
            .position(|(program_row, _)| Some(*program_row) == program);
        if let Some(selected) = selected.filter(|selected| !shown.contains(selected))
            && shown.pop().is_some()
        {
            shown.push(selected);
        }
        shown
    };
    if shown.len() < data.totals.len() {
        let left_out: Vec<&str> = data
            .totals
            .iter()
            .enumerate()
            .filter(|(index, _)| !shown.contains(index))
            .map(|(_, (program_row, _))| program_row.slug())
            .collect();
        clipped.text(
            Pos2::new(rect.min.x + 4.0, y + shown.len() as f32 * row + row / 2.0),
            Align2::LEFT_CENTER,
            format!("and {}: {}", left_out.len(), left_out.join(", ")),
            theme.small(),
            theme.text_muted,
        );
    }
    for (program_row, totals) in shown.iter().filter_map(|index| data.totals.get(*index)) {
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

/// The cycle costs, what the Memory tab contributes and the workload's mix, with sources.
fn model_ui(painter: &Painter, theme: &Theme, rect: Rect, data: &CostData, workload: Workload) {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let costs = &data.costs;
    let heading = draw::text_wrapped(
        &clipped,
        rect.min,
        "Cycle costs and where they come from",
        theme.body(),
        theme.text,
        rect.width(),
    );
    let [traced, cr3, hidden] = data.memory.shadow_events_per_pte_write;
    let [native_refs, nested_refs] = data.memory.refs_per_miss;
    let mix = workload.mix();
    let lines = [
        format!(
            "VM exit + entry: {} cycles on a current core, {} on first-generation VT-x (cited: \
             about 1,000 now, several thousand then; the 3,000 is illustrative within that)",
            thousands(costs.vm_exit_round_trip_current_cycles),
            thousands(costs.vm_exit_round_trip_cycles)
        ),
        format!(
            "Illustrative orders of magnitude: system call {} · trap into a software VMM {} · BT \
             callout {} · shadow-entry update {} · page-walk reference {}",
            costs.mode_switch_cycles,
            thousands(costs.trap_round_trip_cycles),
            costs.bt_callout_cycles,
            costs.shadow_update_cycles,
            costs.walk_reference_cycles
        ),
        format!(
            "From the Memory tab: under shadow paging a guest page-table write of the fork brings \
             {traced:.2} traced-write + {cr3:.2} CR3 + {hidden:.2} hidden-fault exits, none with \
             EPT; a TLB miss of the scan costs {native_refs:.1} references natively or in a \
             shadow and {nested_refs:.1} with EPT (walk caches on)"
        ),
        format!(
            "Workload (illustrative mix): {:.0} % page-table writes, {:.0} % system calls, {:.0} % \
             interrupt-flag, {:.0} % I/O of the sensitive instructions; {} TLB misses per 1,000 \
             instructions",
            mix.pte * 100.0,
            mix.syscall * 100.0,
            mix.flag * 100.0,
            mix.io * 100.0,
            mix.misses_per_kilo_instruction
        ),
    ];
    let sources = format!("Sources: {}", COST_SOURCES.join(" "));
    let paragraphs = lines
        .iter()
        .map(|line| (line.as_str(), theme.text))
        .chain([(sources.as_str(), theme.text_muted)]);
    // Each paragraph shows whole or not at all: a small canvas (a 1280x720 projector) drops the
    // sources first, then the workload's mix.
    let mut y = heading.max.y + 2.0;
    for (text, color) in paragraphs {
        if y + draw::text_height(&clipped, text, theme.small(), rect.width()) > rect.max.y {
            break;
        }
        y = draw::text_wrapped(
            &clipped,
            Pos2::new(rect.min.x, y),
            text,
            theme.small(),
            color,
            rect.width(),
        )
        .max
        .y + 2.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::ThemeKind;

    #[test]
    fn lines_differ_by_more_than_colour() {
        let theme = Theme::new(ThemeKind::Light);
        let styles: Vec<_> = Line::ALL.iter().map(|line| style(&theme, *line)).collect();
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
        let shares = share_marks(GridInput {
            bounds: (-6.0, -1.0),
            base_step_size: 0.1,
        });
        assert_eq!(shares.len(), 6, "1e-6 .. 1e-1");
    }
}
