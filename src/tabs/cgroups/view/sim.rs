//! The simulation view's canvas: egui_plot charts of CPU share, throttled time, memory and task
//! counts over the simulated seconds, with the limits as labelled dashed lines, the events
//! (OOM kill, fork refused, throttling) as labelled vertical lines, and a "now" line at t; beside
//! them a table of the plotted groups that is also the legend (line sample, name) and shows each
//! group's counters at t and its processes as chips a click selects (`pid=`). A quiz question's
//! scene (`hide=future`) draws the lines and events only up to t: the rest is the answer.

use egui::{
    Align, Align2, Color32, Layout, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, UiBuilder, Vec2,
};
use egui_plot::{HLine, Line, LineStyle, Plot, PlotPoints, PlotTransform, Points, VLine};

use super::charts::{ChartData, ChartKind, Series, chart_kinds, limit_lines, shown_until};
use super::chips;
use crate::draw;
use crate::tabs::cgroups::link::NodeRef;
use crate::tabs::cgroups::model::{Pid, SimTrace};
use crate::tabs::cgroups::{Action, CgroupsTab};
use crate::theme::{Role, Theme};
use crate::units;

/// The colour role and line style of series `index`: colour and dash both differ, so the lines
/// stay apart without colour.
fn series_style(theme: &Theme, index: usize) -> (Color32, LineStyle) {
    const ROLES: [Role; 6] = [
        Role::GuestKernel,
        Role::Hypervisor,
        Role::Container,
        Role::Runtime,
        Role::HostKernel,
        Role::App,
    ];
    let styles = [
        LineStyle::Solid,
        LineStyle::Dashed { length: 10.0 },
        LineStyle::Dotted { spacing: 6.0 },
        LineStyle::Dashed { length: 4.0 },
    ];
    // In range: an index modulo the array's length is below that length.
    #[allow(clippy::indexing_slicing)]
    let (role, style) = (ROLES[index % ROLES.len()], styles[index % styles.len()]);
    (theme.line(role), style)
}

fn chart_title(kind: ChartKind, cpus: u32) -> String {
    match kind {
        ChartKind::Cpu => format!(
            "CPU share (% of {cpus} CPU{})",
            if cpus == 1 { "" } else { "s" }
        ),
        ChartKind::Throttled => "Throttled time (cpu.stat throttled_usec, ms)".to_owned(),
        ChartKind::Memory => "memory.current (MiB)".to_owned(),
        ChartKind::Pids => "pids.current (tasks)".to_owned(),
    }
}

/// Draws the simulation view; returns what the student clicked.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, tab: &mut CgroupsTab) -> Vec<Action> {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, Sense::hover());
    let painter = ui.painter_at(rect);
    let t = tab.timeline.position();
    let until = tab.hide_future.then_some(t);
    let caption = {
        let marks = tab.timeline.marks();
        let index = tab.timeline.current_mark();
        marks
            .get(index)
            .filter(|mark| mark.at <= t + 1e-9)
            .map(|mark| mark.label.clone())
    };
    let generation = tab.loaded.generation;
    let source = tab.loaded.key.source;
    let ops = tab.loaded.key.ops.len();
    let selected = tab.selected.clone();
    // A preset's title and description say what its run shows ("A leak hits memory.max ...
    // the OOM killer kills it"): a question's scene names neither.
    let (title, caption) = if tab.hide_future {
        (
            format!("Simulation · {}", super::controls::QUESTION_SCENE),
            caption.unwrap_or_else(|| {
                "The run up to now; the rest shows once the question is answered.".to_owned()
            }),
        )
    } else {
        let mut title = format!("Simulation · {}", source.title());
        if ops > 0 {
            title.push_str(&format!(" + {ops} of your steps"));
        }
        (
            title,
            caption.unwrap_or_else(|| source.description().to_owned()),
        )
    };
    let body = draw::caption(&painter, theme, rect, &title, &caption);
    let body = Rect::from_min_max(
        Pos2::new(body.min.x + 12.0, body.min.y),
        Pos2::new(body.max.x - 12.0, body.max.y - 12.0),
    );
    let view = match tab.loaded.sim() {
        Ok(view) => view,
        Err(err) => {
            draw::text_wrapped(
                &painter,
                body.min,
                &format!("The simulation cannot run: {err}"),
                theme.body(),
                theme.line(Role::Bad),
                body.width(),
            );
            return Vec::new();
        }
    };
    let data = &view.charts;
    // Which charts show is decided by the run as far as it is shown.
    let kinds = until.map_or_else(|| data.charts.clone(), |_| chart_kinds(&data.series, until));
    let mut actions = Vec::new();
    let table_width = (body.width() * 0.3).clamp(theme.body_size * 16.0, theme.body_size * 30.0);
    let table = Rect::from_min_max(Pos2::new(body.max.x - table_width, body.min.y), body.max);
    table_ui(
        ui,
        &painter,
        theme,
        table,
        (data, &kinds),
        &view.trace,
        t,
        (selected.as_ref(), tab.pid),
        &mut actions,
    );
    let charts = Rect::from_min_max(
        body.min,
        Pos2::new(table.min.x - theme.body_size, body.max.y),
    );
    let n = kinds.len().max(1);
    let columns = if n >= 4 { 2 } else { 1 };
    let rows = n.div_ceil(columns);
    let gap = theme.body_size;
    let cell = Vec2::new(
        (charts.width() - gap * (columns as f32 - 1.0)) / columns as f32,
        (charts.height() - gap * (rows as f32 - 1.0)) / rows as f32,
    );
    for (i, kind) in kinds.iter().enumerate() {
        let (row, column) = (i / columns, i % columns);
        let cell_rect = Rect::from_min_size(
            charts.min + Vec2::new(column as f32 * (cell.x + gap), row as f32 * (cell.y + gap)),
            cell,
        );
        chart_ui(
            ui,
            &painter,
            theme,
            cell_rect,
            *kind,
            data,
            (t, until),
            generation,
            selected.as_ref(),
            &mut actions,
        );
    }
    actions
}

#[expect(clippy::too_many_arguments)]
fn chart_ui(
    ui: &mut Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    kind: ChartKind,
    data: &ChartData,
    (t, until): (f64, Option<f64>),
    generation: u64,
    selected: Option<&NodeRef>,
    actions: &mut Vec<Action>,
) {
    let title = painter.layout(
        chart_title(kind, data.cpus),
        theme.body(),
        theme.text,
        rect.width(),
    );
    let title_height = title.size().y;
    painter.galley(rect.min, title, theme.text);
    let plot_rect = Rect::from_min_max(
        Pos2::new(rect.min.x, rect.min.y + title_height + 2.0),
        rect.max,
    );
    if plot_rect.height() < theme.body_size * 3.0 {
        return;
    }
    let mut child = ui.new_child(
        UiBuilder::new()
            .max_rect(plot_rect)
            .layout(Layout::top_down(Align::Min)),
    );
    let y_max = data.y_max(kind, until);
    let response = Plot::new(("cgroups-chart", kind, generation))
        .width(plot_rect.width())
        .height(plot_rect.height())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_background(false)
        .include_x(0.0)
        .include_x(data.duration_secs)
        .include_y(0.0)
        .include_y(y_max * 1.08)
        .x_axis_formatter(|mark, _| format!("{} s", mark.value))
        .y_axis_min_width(theme.body_size * 3.2)
        .show(&mut child, |plot| {
            for (i, series) in data.series.iter().enumerate() {
                let unlimited =
                    kind == ChartKind::Throttled && series.limits.cpu_quota_usec.is_none();
                if !series.reports(kind) || unlimited {
                    continue;
                }
                let (color, style) = series_style(theme, i);
                let width = if selected == Some(&series.node) {
                    theme.stroke_thick * 1.6
                } else {
                    theme.stroke_thick * 0.9
                };
                let points = series.points_until(kind, until);
                plot.line(
                    Line::new(series.name.as_str(), PlotPoints::Borrowed(points))
                        .color(color)
                        .style(style)
                        .width(width),
                );
                // Where the run stops in a question's scene, a dot marks the value now (at the
                // start, a line of one point would draw nothing).
                if let (Some(_), Some(last)) = (until, points.last()) {
                    plot.points(
                        Points::new(series.name.as_str(), vec![[last.x, last.y]])
                            .color(color)
                            .radius(width * 1.6),
                    );
                }
                for line in limit_lines(series, kind, data.cpus) {
                    plot.hline(
                        HLine::new(format!("{} {}", line.file, series.name), line.value)
                            .color(theme.text_muted)
                            .style(LineStyle::Dashed { length: 6.0 })
                            .width(theme.stroke_thin * 1.5),
                    );
                }
            }
            let events = data.events.iter();
            for event in events.filter(|e| e.chart == kind && shown_until(e.at_secs, until)) {
                let color = if event.bad {
                    theme.line(Role::Bad)
                } else {
                    theme.text_muted
                };
                plot.vline(
                    VLine::new(event.label.as_str(), event.at_secs)
                        .color(color)
                        .width(theme.stroke_thick),
                );
            }
            plot.vline(
                VLine::new("now", t)
                    .color(theme.text)
                    .style(LineStyle::Dashed { length: 8.0 })
                    .width(theme.stroke_thick),
            );
        });
    let transform = response.transform;
    let frame = *transform.frame();
    if response.response.clicked()
        && let Some(pos) = response.response.interact_pointer_pos()
    {
        let secs = transform.value_from_position(pos).x;
        actions.push(Action::Seek(secs.clamp(0.0, data.duration_secs)));
    }
    let clip = painter.with_clip_rect(frame.intersect(painter.clip_rect()));
    let limit_labels = limit_labels_ui(&clip, theme, &transform, data, kind);
    events_ui(
        ui,
        &clip,
        theme,
        &transform,
        (data, until),
        kind,
        &limit_labels,
        actions,
    );
    let now_x = transform.position_from_point_x(t);
    clip.text(
        Pos2::new(now_x + 4.0, frame.max.y - 2.0),
        Align2::LEFT_BOTTOM,
        format!("now {:.1} s", t),
        theme.small(),
        theme.text,
    );
}

/// The limits' names and values at the right end of their lines (above the line, or below it
/// when another label is there); returns where the labels went.
fn limit_labels_ui(
    painter: &egui::Painter,
    theme: &Theme,
    transform: &PlotTransform,
    data: &ChartData,
    kind: ChartKind,
) -> Vec<Rect> {
    let frame = transform.frame();
    let mut placed: Vec<Rect> = Vec::new();
    let several = data.series.iter().filter(|s| s.reports(kind)).count() > 1;
    for series in data.series.iter().filter(|s| s.reports(kind)) {
        for line in limit_lines(series, kind, data.cpus) {
            let value = match kind {
                ChartKind::Memory => units::bytes((line.value * 1024.0 * 1024.0).round() as u64),
                ChartKind::Cpu => format!("{:.0}%", line.value),
                ChartKind::Pids | ChartKind::Throttled => format!("{:.0}", line.value),
            };
            let text = if several {
                format!("{} of {} = {value}", line.file, series.short)
            } else {
                format!("{} = {value}", line.file)
            };
            let galley = painter.layout_no_wrap(text, theme.small(), theme.text);
            let y = transform.position_from_point_y(line.value);
            let above = Align2::RIGHT_BOTTOM
                .anchor_size(Pos2::new(frame.max.x - 4.0, y - 2.0), galley.size());
            let rect = if placed.iter().any(|other| other.intersects(above)) {
                Align2::RIGHT_TOP.anchor_size(Pos2::new(frame.max.x - 4.0, y + 2.0), galley.size())
            } else {
                above
            };
            painter.galley(rect.min, galley, theme.text);
            placed.push(rect);
        }
    }
    placed
}

/// Event labels at the top of the chart, beside their line, moved down a row past any limit
/// label (`taken`) they would cover.
#[expect(clippy::too_many_arguments)]
fn events_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    transform: &PlotTransform,
    (data, until): (&ChartData, Option<f64>),
    kind: ChartKind,
    taken: &[Rect],
    actions: &mut Vec<Action>,
) {
    let frame = *transform.frame();
    let line_height = theme.small_size * 1.5;
    let shown = data
        .events
        .iter()
        .filter(|e| e.chart == kind && shown_until(e.at_secs, until));
    for (row, event) in shown.enumerate() {
        let x = transform.position_from_point_x(event.at_secs);
        let role = if event.bad { Role::Bad } else { Role::Neutral };
        let fill = theme.tint(role);
        let galley = painter.layout_no_wrap(event.label.clone(), theme.small(), theme.text);
        let size = galley.size() + Vec2::new(8.0, 4.0);
        let left = if x + 4.0 + size.x > frame.max.x {
            x - 4.0 - size.x
        } else {
            x + 4.0
        };
        let mut slot = row % 3;
        let mut rect = Rect::from_min_size(
            Pos2::new(left, frame.min.y + 4.0 + slot as f32 * line_height),
            size,
        );
        while taken.iter().any(|label| label.intersects(rect)) && slot < row % 3 + 6 {
            slot += 1;
            rect = rect.translate(Vec2::new(0.0, line_height));
        }
        painter.rect(
            rect,
            3.0,
            fill,
            Stroke::new(theme.stroke_thin, theme.outline),
            StrokeKind::Inside,
        );
        painter.galley(rect.min + Vec2::new(4.0, 2.0), galley, theme.text);
        let label = format!("{} at {:.1} s", event.label, event.at_secs);
        let id = egui::Id::unique(("cgroups-event", kind, row));
        if draw::hit_region(ui, rect, id, &label).clicked() {
            actions.push(Action::Seek(event.at_secs));
        }
    }
}

#[expect(clippy::too_many_arguments)]
fn table_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    (data, kinds): (&ChartData, &[ChartKind]),
    trace: &SimTrace,
    t: f64,
    (selected, pid): (Option<&NodeRef>, Option<Pid>),
    actions: &mut Vec<Action>,
) {
    painter.rect(rect, 6.0, theme.surface, theme.thin(), StrokeKind::Inside);
    let inner = rect.shrink(theme.small_size * 0.6);
    let clip = painter.with_clip_rect(inner.intersect(painter.clip_rect()));
    let index = trace.sample_index_at(t);
    let mut y = inner.min.y;
    let heading = draw::text_wrapped(
        &clip,
        Pos2::new(inner.min.x, y),
        &format!("Groups at t = {:.1} s", trace.sample_time_secs(index)),
        theme.body(),
        theme.text,
        inner.width(),
    );
    y = heading.max.y + theme.small_size * 0.5;
    if data.series.is_empty() {
        draw::text_wrapped(
            &clip,
            Pos2::new(inner.min.x, y),
            "No cgroup below the root holds a working process or a limit: move a busy process into a cgroup, or set a limit.",
            theme.small(),
            theme.text_muted,
            inner.width(),
        );
        return;
    }
    let sample_width = theme.body_size * 2.2;
    for (i, series) in data.series.iter().enumerate() {
        let top = y;
        let (color, style) = series_style(theme, i);
        let mid = y + theme.body_size * 0.6;
        legend_sample(
            &clip,
            theme,
            Pos2::new(inner.min.x, mid),
            sample_width,
            color,
            style,
        );
        let name = draw::text_wrapped(
            &clip,
            Pos2::new(inner.min.x + sample_width + 6.0, y),
            &series.name,
            theme.body(),
            theme.text,
            inner.width() - sample_width - 6.0,
        );
        y = name.max.y;
        let text_left = inner.min.x + sample_width + 6.0;
        let text_width = inner.width() - sample_width - 6.0;
        if !series.processes.is_empty() {
            let started = draw::text_wrapped(
                &clip,
                Pos2::new(text_left, y),
                "started with",
                theme.small(),
                theme.text_muted,
                text_width,
            );
            y = started.max.y + 2.0;
        }
        let chips = chips::layout(
            &clip,
            theme,
            &series.processes,
            Pos2::new(text_left, y),
            text_width,
        );
        y = chips::bottom(&chips).map_or(y, |bottom| bottom + 2.0);
        for line in series_lines(series, kinds, trace, index) {
            let used = draw::text_wrapped(
                &clip,
                Pos2::new(inner.min.x + sample_width + 6.0, y),
                &line,
                theme.small(),
                theme.text_muted,
                inner.width() - sample_width - 6.0,
            );
            y = used.max.y;
        }
        let row = Rect::from_min_max(
            Pos2::new(inner.min.x - 2.0, top - 2.0),
            Pos2::new(inner.max.x + 2.0, y + 2.0),
        );
        let is_selected = selected == Some(&series.node);
        if is_selected {
            clip.rect_stroke(row, 4.0, theme.thick(theme.accent), StrokeKind::Inside);
        }
        let label = format!("group {}", series.name);
        let id = egui::Id::unique(("cgroups-series", series.group));
        if draw::hit_region(ui, row.intersect(inner), id, &label).clicked() {
            actions.push(Action::SelectNode(
                (!is_selected).then(|| series.node.clone()),
            ));
        }
        // After the row, so that a chip takes the clicks on it rather than the row under it.
        chips::chips_ui(ui, &clip, theme, (i, chips), pid, actions);
        y += theme.small_size * 0.8;
    }
}

/// The counters of one group at sample `index`, as short lines.
fn series_lines(
    series: &Series,
    charts: &[ChartKind],
    trace: &SimTrace,
    index: usize,
) -> Vec<String> {
    let sample = trace.sample(index, series.group);
    let limits = &series.limits;
    let mut lines = Vec::new();
    let shows = |kind: ChartKind| series.reports(kind) && charts.contains(&kind);
    if shows(ChartKind::Cpu) {
        let mut line = format!("CPU {:.0}%", trace.cpu_share_pct(index, series.group));
        if let Some(quota) = limits.cpu_quota_usec {
            line.push_str(&format!(" · cpu.max {quota} {}", limits.cpu_period_usec));
        }
        lines.push(line);
        if limits.cpu_quota_usec.is_some() {
            lines.push(format!(
                "cpu.stat: nr_periods {} nr_throttled {} throttled_usec {}",
                sample.nr_periods, sample.nr_throttled, sample.throttled_usec
            ));
        }
    }
    if shows(ChartKind::Memory) {
        let mut line = format!("memory {}", units::bytes(sample.memory_bytes));
        if let Some(max) = limits.memory_max_bytes {
            line.push_str(&format!(" · max {}", units::bytes(max)));
        }
        if let Some(high) = limits.memory_high_bytes {
            line.push_str(&format!(" · high {}", units::bytes(high)));
        }
        lines.push(line);
        let events = sample.memory_events;
        if events != Default::default() {
            lines.push(format!(
                "memory.events: high {} max {} oom {} oom_kill {}",
                events.high, events.max, events.oom, events.oom_kill
            ));
        }
    }
    if shows(ChartKind::Pids) {
        let mut line = format!("tasks {}", sample.pids_current);
        if let Some(max) = limits.pids_max {
            line.push_str(&format!(" · pids.max {max}"));
        }
        if sample.pids_events_max > 0 {
            line.push_str(&format!(" · forks refused {}", sample.pids_events_max));
        }
        lines.push(line);
    }
    lines
}

/// A short piece of a series' line, in its colour and dash, for the legend.
fn legend_sample(
    painter: &egui::Painter,
    theme: &Theme,
    left: Pos2,
    width: f32,
    color: Color32,
    style: LineStyle,
) {
    let right = left + Vec2::new(width, 0.0);
    let stroke = Stroke::new(theme.stroke_thick, color);
    match style {
        LineStyle::Solid => {
            painter.line_segment([left, right], stroke);
        }
        LineStyle::Dashed { length } => {
            draw::dashed(painter, left, right, stroke, length, length * 0.618);
        }
        LineStyle::Dotted { spacing } => {
            let mut x = left.x;
            while x <= right.x {
                painter.circle_filled(Pos2::new(x, left.y), theme.stroke_thick, color);
                x += spacing;
            }
        }
    }
}
