//! Draws "This machine": a count per type, the namespaces a page at a time (like `lsns`, with
//! the commonest commands of each), and the selected process's namespaces beside them.
//!
//! Only the rows of the visible page are drawn, so a machine with thousands of processes costs
//! the same per frame as a small one.

use egui::{Align2, Color32, Painter, Pos2, Rect, Sense, Stroke, Ui, Vec2};

use super::chips::{self, Emphasis};
use super::live_summary::{LiveGroup, LiveSummary, RowRef};
use crate::draw;
use crate::tabs::namespaces::live::LiveError;
use crate::tabs::namespaces::model::NsType;
use crate::theme::{Role, Theme};

/// What the student did on the live canvas this frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiveInput {
    /// A process to select (the lowest PID of a clicked namespace).
    pub select: Option<u32>,
    /// A type chip was clicked: show only it (or all again, when it was the filter).
    pub filter: Option<Option<NsType>>,
    /// Pages to move (mouse wheel over the list).
    pub page_delta: i32,
    /// Rows that fit on one page at this size.
    pub rows_per_page: usize,
}

/// What the live canvas draws.
pub struct LiveScene<'a> {
    /// The data, or why there is none.
    pub data: Result<&'a LiveSummary, &'a LiveError>,
    /// How long the read took.
    pub read_ms: f64,
    /// The list's rows for the filter.
    pub rows: &'a [RowRef],
    /// The filter.
    pub filter: Option<NsType>,
    /// The selected PID.
    pub select: Option<u32>,
    /// The page shown (clamped here).
    pub page: usize,
}

/// Draws the live view.
pub fn live_canvas_ui(ui: &mut Ui, theme: &Theme, scene: &LiveScene<'_>) -> LiveInput {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, Sense::hover());
    let painter = ui.painter_at(rect);
    let mut input = LiveInput::default();
    let summary = match scene.data {
        Ok(summary) => summary,
        Err(error) => {
            draw::caption(
                &painter,
                theme,
                rect,
                "This machine: the live view is unavailable",
                &error.to_string(),
            );
            return input;
        }
    };
    let namespaces = summary.snapshot.namespaces.len();
    let title = format!(
        "This machine: {} processes in {namespaces} namespaces",
        summary.processes
    );
    let unreadable = if summary.unreadable_total == 0 {
        "Every process could be read.".to_owned()
    } else {
        format!(
            "Not readable, counted not dropped: {}.",
            summary.unreadable.join("; ")
        )
    };
    let caption = format!(
        "Read from /proc/PID/ns like lsns, in {:.0} ms (Refresh reads again). Each row is one \
         namespace and the processes that share it. {unreadable}",
        scene.read_ms
    );
    let body = draw::caption(&painter, theme, rect, &title, &caption);
    let area = Rect::from_min_max(
        Pos2::new(body.min.x + 12.0, body.min.y),
        Pos2::new(body.max.x - 12.0, body.max.y - 8.0),
    );
    let (strip_bottom, filter_click) = type_strip_ui(ui, &painter, theme, area, summary, scene);
    input.filter = filter_click;
    let main = Rect::from_min_max(Pos2::new(area.min.x, strip_bottom + 8.0), area.max);
    let list_width = (main.width() * 0.62).max(main.width() - theme.small_size * 30.0);
    let list = Rect::from_min_size(main.min, Vec2::new(list_width, main.height()));
    let side = Rect::from_min_max(Pos2::new(list.max.x + 14.0, main.min.y), main.max);
    list_ui(ui, &painter, theme, list, summary, scene, &mut input);
    if side.width() > theme.small_size * 8.0 {
        process_panel_ui(&painter, theme, side, summary, scene.select);
    }
    input
}

/// One chip per type with its count; returns the bottom edge and a clicked filter.
fn type_strip_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    area: Rect,
    summary: &LiveSummary,
    scene: &LiveScene<'_>,
) -> (f32, Option<Option<NsType>>) {
    let height = theme.small_size * 1.6;
    let mut x = area.min.x;
    let mut y = area.min.y;
    let mut clicked = None;
    for kind in NsType::ALL {
        let count = summary.of_type(*kind).len();
        let text = format!("{} {count}", kind.slug());
        let width = chips::chip_width(painter, &text, &theme.small()) + 6.0;
        if x + width > area.max.x {
            x = area.min.x;
            y += height + 4.0;
        }
        let rect = Rect::from_min_size(Pos2::new(x, y), Vec2::new(width, height));
        let selected = scene.filter == Some(*kind);
        chips::chip(
            painter,
            theme,
            rect,
            theme.tint(Role::Neutral),
            &text,
            Emphasis {
                new: false,
                selected,
            },
        );
        let label = if selected {
            "Show every type".to_owned()
        } else {
            format!("Show only {} namespaces", kind.slug())
        };
        if draw::hit_region(
            ui,
            rect,
            egui::Id::unique(("live-type", kind.slug())),
            &label,
        )
        .clicked()
        {
            clicked = Some(if selected { None } else { Some(*kind) });
        }
        x += width + 6.0;
    }
    let hint = "types: namespaces of each (click to filter)";
    let hint_width = painter
        .layout_no_wrap(hint.to_owned(), theme.small(), Color32::PLACEHOLDER)
        .size()
        .x;
    if x + hint_width <= area.max.x {
        painter.text(
            Pos2::new(x, y + height / 2.0),
            Align2::LEFT_CENTER,
            hint,
            theme.small(),
            theme.text_muted,
        );
    }
    (y + height, clicked)
}

/// The paged namespace list.
fn list_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    summary: &LiveSummary,
    scene: &LiveScene<'_>,
    input: &mut LiveInput,
) {
    let painter = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let small = theme.small();
    let row_height = theme.small_size * 1.6;
    let text_width = |text: &str| {
        painter
            .layout_no_wrap(text.to_owned(), small.clone(), Color32::PLACEHOLDER)
            .size()
            .x
    };
    let id_width = text_width("4026532999") + 14.0;
    let count_width = text_width("NPROCS") + 12.0;
    let pid_width = text_width("9999999") + 10.0;
    let user_width = text_width("systemd-network").min(rect.width() * 0.15) + 8.0;
    let columns = [
        ("NS", rect.min.x),
        ("NPROCS", rect.min.x + id_width),
        ("PID", rect.min.x + id_width + count_width),
        ("USER", rect.min.x + id_width + count_width + pid_width),
        (
            "COMMANDS",
            rect.min.x + id_width + count_width + pid_width + user_width,
        ),
    ];
    for (title, x) in columns {
        painter.text(
            Pos2::new(x, rect.min.y),
            Align2::LEFT_TOP,
            title,
            small.clone(),
            theme.text_muted,
        );
    }
    let top = rect.min.y + row_height;
    let footer = theme.small_size * 1.5;
    let rows_per_page = (((rect.max.y - footer - top) / row_height).floor() as usize).max(1);
    input.rows_per_page = rows_per_page;
    let pages = scene.rows.len().div_ceil(rows_per_page).max(1);
    let page = scene.page.min(pages - 1);
    let first = page * rows_per_page;
    let max_nprocs = summary
        .snapshot
        .namespaces
        .iter()
        .map(|namespace| namespace.nprocs)
        .max()
        .unwrap_or(1)
        .max(1);
    let selected = scene.select.and_then(|pid| summary.process(pid));
    let mut y = top;
    for row in scene.rows.iter().skip(first).take(rows_per_page) {
        let row_rect = Rect::from_min_size(
            Pos2::new(rect.min.x, y),
            Vec2::new(rect.width(), row_height),
        );
        match row {
            RowRef::Heading(kind) => {
                let count = summary.of_type(*kind).len();
                painter.text(
                    Pos2::new(rect.min.x, y + row_height / 2.0),
                    Align2::LEFT_CENTER,
                    format!(
                        "{} namespaces ({count}): {}",
                        kind.title(),
                        kind.description()
                    ),
                    theme.small(),
                    theme.text,
                );
                painter.line_segment(
                    [
                        Pos2::new(rect.min.x, row_rect.max.y - 1.0),
                        Pos2::new(rect.max.x, row_rect.max.y - 1.0),
                    ],
                    Stroke::new(theme.stroke_thin, theme.faint),
                );
            }
            RowRef::Group(..) => {
                let Some(group) = summary.group(*row) else {
                    continue;
                };
                let member = selected
                    .is_some_and(|process| process.namespaces.get(&group.kind) == Some(&group.id));
                let response = draw::hit_region(
                    ui,
                    row_rect,
                    egui::Id::unique(("live-ns", group.id)),
                    &group.label,
                );
                if response.clicked() {
                    input.select = group.pid;
                }
                let response = if group.relations.is_empty() {
                    response
                } else {
                    response.on_hover_text(&group.relations)
                };
                if member {
                    painter.rect(
                        row_rect,
                        4.0,
                        theme.surface,
                        Stroke::new(theme.stroke_thick, theme.accent),
                        egui::StrokeKind::Inside,
                    );
                } else if response.hovered() {
                    painter.rect_stroke(row_rect, 4.0, theme.thin(), egui::StrokeKind::Inside);
                }
                group_row_ui(
                    &painter,
                    theme,
                    row_rect,
                    group,
                    &columns.map(|(_, x)| x),
                    max_nprocs,
                );
            }
        }
        y += row_height;
    }
    let shown_to = (first + rows_per_page).min(scene.rows.len());
    painter.text(
        Pos2::new(rect.min.x, rect.max.y),
        Align2::LEFT_BOTTOM,
        format!(
            "rows {}–{shown_to} of {} · page {} of {pages} (mouse wheel or the page buttons)",
            (first + 1).min(shown_to),
            scene.rows.len(),
            page + 1
        ),
        small,
        theme.text_muted,
    );
    if ui.rect_contains_pointer(rect) {
        let scroll: f32 = ui.input(|state| {
            state
                .events
                .iter()
                .map(|event| match event {
                    egui::Event::MouseWheel { delta, .. } => delta.y,
                    _ => 0.0,
                })
                .sum()
        });
        if scroll < -1.0 {
            input.page_delta = 1;
        } else if scroll > 1.0 {
            input.page_delta = -1;
        }
    }
}

fn group_row_ui(
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    group: &LiveGroup,
    columns: &[f32; 5],
    max_nprocs: usize,
) {
    let small = theme.small();
    let mid = rect.center().y;
    let indent = group.depth as f32 * theme.small_size * 0.8;
    let chip_height = rect.height() - 6.0;
    let fill = chips::slot_fill(theme, usize::from(!group.mine));
    let id_text = group.id.to_string();
    let width =
        (chips::chip_width(painter, &id_text, &small)).min(columns[1] - columns[0] - indent - 4.0);
    chips::chip(
        painter,
        theme,
        Rect::from_min_size(
            Pos2::new(columns[0] + indent, mid - chip_height / 2.0),
            Vec2::new(width.max(1.0), chip_height),
        ),
        fill,
        &id_text,
        Emphasis::default(),
    );
    // The count with a bar, so big namespaces stand out at a glance.
    let count = painter.text(
        Pos2::new(columns[1], mid),
        Align2::LEFT_CENTER,
        group.nprocs.to_string(),
        small.clone(),
        theme.text,
    );
    let bar_left = count.max.x + 4.0;
    let bar_width = (columns[2] - bar_left - 8.0).max(0.0);
    let fraction = group.nprocs as f32 / max_nprocs as f32;
    if bar_width > 0.0 {
        painter.rect_filled(
            Rect::from_min_size(
                Pos2::new(bar_left, mid - 3.0),
                Vec2::new((bar_width * fraction).max(1.0), 6.0),
            ),
            1.0,
            theme.line(Role::Neutral),
        );
    }
    let pid = group
        .pid
        .map_or_else(|| "-".to_owned(), |pid| pid.to_string());
    painter.text(
        Pos2::new(columns[2], mid),
        Align2::LEFT_CENTER,
        pid,
        small.clone(),
        theme.text,
    );
    let user_rect = Rect::from_min_max(
        Pos2::new(columns[3], rect.min.y),
        Pos2::new(columns[4] - 6.0, rect.max.y),
    );
    painter
        .with_clip_rect(user_rect.intersect(painter.clip_rect()))
        .text(
            Pos2::new(columns[3], mid),
            Align2::LEFT_CENTER,
            &group.user,
            small.clone(),
            theme.text,
        );
    let commands = if group.mine {
        format!("{} (this app's)", group.commands)
    } else {
        group.commands.clone()
    };
    painter.text(
        Pos2::new(columns[4], mid),
        Align2::LEFT_CENTER,
        commands,
        small,
        theme.text_muted,
    );
}

/// The selected process's namespaces, or what to do.
fn process_panel_ui(
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    summary: &LiveSummary,
    select: Option<u32>,
) {
    painter.rect(
        rect,
        6.0,
        theme.surface,
        Stroke::new(theme.stroke_thin, theme.outline),
        egui::StrokeKind::Inside,
    );
    let inner = rect.shrink(8.0);
    let painter = painter.with_clip_rect(inner.intersect(painter.clip_rect()));
    let width = inner.width();
    let mut lines: Vec<(String, bool)> = Vec::new();
    match select.map(|pid| (pid, summary.process(pid))) {
        None => {
            lines.push((
                "Click a namespace to select its lowest-PID process.".to_owned(),
                true,
            ));
            lines.push((
                "Orange: the namespaces this app runs in (the host's, unless it runs in a \
                 container). Green: any other, made by a container runtime, a sandboxed \
                 service or a browser."
                    .to_owned(),
                false,
            ));
            lines.push((
                "Compare with lsns, or with virtscope inspect namespaces --json.".to_owned(),
                false,
            ));
        }
        Some((pid, None)) => lines.push((
            format!("Process {pid} is not in this reading (it may have exited): Refresh."),
            true,
        )),
        Some((pid, Some(process))) => {
            let user = process
                .user
                .clone()
                .unwrap_or_else(|| process.uid.to_string());
            lines.push((
                format!("Process {pid} ({}), user {user}", process.name),
                true,
            ));
            let nspid: Vec<String> = process.nspid.iter().map(u32::to_string).collect();
            lines.push((format!("NSpid {}", nspid.join(" ")), false));
            if process.namespaces.is_empty() {
                lines.push((
                    "Its namespace links could not be read (permission denied?).".to_owned(),
                    false,
                ));
            }
            for (kind, id) in &process.namespaces {
                let shared = summary
                    .of_type(*kind)
                    .iter()
                    .any(|group| group.id == *id && group.mine);
                let members = summary
                    .of_type(*kind)
                    .iter()
                    .find(|group| group.id == *id)
                    .map_or(0, |group| group.nprocs);
                let whose = if shared {
                    "shared with this app"
                } else {
                    "not this app's"
                };
                lines.push((
                    format!("{}:[{id}] {whose}, {members} processes", kind.slug()),
                    false,
                ));
            }
        }
    }
    let mut y = inner.min.y;
    for (text, strong) in lines {
        let (font, color) = if strong {
            (theme.body(), theme.text)
        } else {
            (theme.small(), theme.text)
        };
        y = draw::text_wrapped(
            &painter,
            Pos2::new(inner.min.x, y),
            &text,
            font,
            color,
            width,
        )
        .max
        .y + 4.0;
    }
}
