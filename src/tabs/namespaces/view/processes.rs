//! The process tree: one row per process with its PID at every level (NSpid) and one tag per
//! namespace type, so "which processes share a namespace" reads down a column.

use egui::{Align2, Color32, Painter, Pos2, Rect, Stroke, Ui, Vec2};

use super::chips::{self, Emphasis};
use super::picture::{Picture, ProcRow, short_id};
use crate::draw;
use crate::theme::Theme;

/// Column widths of the table, measured from its content.
pub struct Columns {
    indent: f32,
    name: f32,
    nspid: f32,
    badge: f32,
}

impl Columns {
    /// Measures what the table needs.
    pub fn measure(painter: &Painter, theme: &Theme, picture: &Picture) -> Self {
        let small = theme.small();
        let indent = theme.small_size * 1.1;
        let text_width = |text: &str| {
            painter
                .layout_no_wrap(text.to_owned(), small.clone(), Color32::PLACEHOLDER)
                .size()
                .x
        };
        let name = picture
            .rows
            .iter()
            .map(|row| row.depth as f32 * indent + text_width(&name_text(row)))
            .fold(text_width("Processes"), f32::max)
            + 8.0;
        let nspid = picture
            .rows
            .iter()
            .map(|row| {
                row.nspid
                    .iter()
                    .map(|(pid, _)| chips::chip_width(painter, &pid.to_string(), &small) + 2.0)
                    .sum::<f32>()
            })
            .fold(text_width("NSpid"), f32::max)
            + 8.0;
        let badge = text_width("cgroup").max(text_width("+0000")) + 10.0;
        Self {
            indent,
            name,
            nspid,
            badge,
        }
    }

    /// The whole table's width for `types` badge columns.
    pub fn width(&self, types: usize) -> f32 {
        self.name + self.nspid + self.badge * types as f32
    }
}

/// What the marks and colours mean, under the table.
const LEGEND: &str = "▶ and dashed outline: calls this step's operation · + created by this step \
                      · blue outline: selected · orange: the host's initial namespaces, other \
                      colours: new ones";

/// The height the table needs at `width`: header, rows (taller with a note) and the legend.
pub fn height(painter: &Painter, theme: &Theme, picture: &Picture, width: f32) -> f32 {
    let line = theme.small_size * 1.75;
    let notes = picture.rows.iter().filter(|row| row.note.is_some()).count();
    line * (picture.rows.len() + 1) as f32
        + notes as f32 * theme.small_size * 1.2
        + legend_height(painter, theme, width)
}

fn legend_height(painter: &Painter, theme: &Theme, width: f32) -> f32 {
    draw::text_height(painter, LEGEND, theme.small(), width) + 10.0
}

fn name_text(row: &ProcRow) -> String {
    let marker = if row.actor {
        "▶ "
    } else if row.new {
        "+ "
    } else {
        ""
    };
    format!("{marker}{}", row.command)
}

/// Draws the table into `rect`; returns the host PID of a clicked row.
pub fn processes_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    picture: &Picture,
    columns: &Columns,
) -> Option<u32> {
    let painter = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let small = theme.small();
    let line = theme.small_size * 1.75;
    let chip_height = theme.small_size * 1.4;
    // Shrink the badge columns if the table is wider than its space (the text is then clipped).
    let fixed = columns.name + columns.nspid;
    let badge = ((rect.width() - fixed) / picture.types.len().max(1) as f32)
        .min(columns.badge)
        .max(theme.small_size * 1.5);
    let nspid_x = rect.min.x + columns.name;
    let badges_x = nspid_x + columns.nspid;

    // Header.
    let mut y = rect.min.y;
    let header_color = theme.text_muted;
    painter.text(
        Pos2::new(rect.min.x, y),
        Align2::LEFT_TOP,
        "Processes",
        small.clone(),
        header_color,
    );
    painter.text(
        Pos2::new(nspid_x, y),
        Align2::LEFT_TOP,
        "NSpid",
        small.clone(),
        header_color,
    );
    for (index, kind) in picture.types.iter().enumerate() {
        painter.text(
            Pos2::new(badges_x + index as f32 * badge + badge / 2.0, y),
            Align2::CENTER_TOP,
            kind.slug(),
            small.clone(),
            header_color,
        );
    }
    y += line;
    painter.line_segment(
        [
            Pos2::new(rect.min.x, y - 3.0),
            Pos2::new(badges_x + picture.types.len() as f32 * badge, y - 3.0),
        ],
        Stroke::new(theme.stroke_thin, theme.faint),
    );

    let bottom = rect.max.y - legend_height(&painter, theme, rect.width());
    let mut clicked = None;
    for (index, row) in picture.rows.iter().enumerate() {
        let height = if row.note.is_some() {
            line + theme.small_size * 1.2
        } else {
            line
        };
        // A row fits when the line saying how many follow would still fit under it.
        let note_room = if index + 1 < picture.rows.len() {
            line
        } else {
            0.0
        };
        if y + height + note_room > bottom {
            let rest = picture.rows.len() - index;
            let advice = if draw::is_static_picture(ui.ctx()) {
                ""
            } else {
                " (filter or scroll the timeline)"
            };
            painter.text(
                Pos2::new(rect.min.x, y),
                Align2::LEFT_TOP,
                format!("… {rest} more processes{advice}"),
                small.clone(),
                theme.text_muted,
            );
            y += line;
            break;
        }
        let row_rect = Rect::from_min_size(
            Pos2::new(rect.min.x, y),
            Vec2::new(
                badges_x + picture.types.len() as f32 * badge - rect.min.x,
                height,
            ),
        );
        let response = draw::hit_region(
            ui,
            row_rect,
            egui::Id::unique(("ns-process", row.pid)),
            &row.label,
        );
        if response.clicked() {
            clicked = Some(row.pid);
        }
        if row.selected {
            painter.rect(
                row_rect,
                4.0,
                theme.surface,
                Stroke::new(theme.stroke_thick, theme.accent),
                egui::StrokeKind::Inside,
            );
        } else if row.actor {
            dashed_rect(&painter, row_rect.shrink(1.0), theme);
        } else if response.hovered() {
            painter.rect_stroke(row_rect, 4.0, theme.thin(), egui::StrokeKind::Inside);
        }
        row_ui(
            &painter,
            theme,
            row,
            Pos2::new(rect.min.x, y),
            RowGeometry {
                line,
                chip_height,
                indent: columns.indent,
                nspid_x,
                badges_x,
                badge,
            },
        );
        y += height;
    }

    draw::text_wrapped(
        &painter,
        Pos2::new(rect.min.x, y + 6.0),
        LEGEND,
        small,
        theme.text_muted,
        rect.width(),
    );
    clicked
}

/// The outline of the step's caller: dashed, so it differs from the selection by shape too.
fn dashed_rect(painter: &Painter, rect: Rect, theme: &Theme) {
    let stroke = Stroke::new(theme.stroke_thick, theme.outline);
    draw::dashed_rect(painter, rect, stroke, theme.dash(1));
}

struct RowGeometry {
    line: f32,
    chip_height: f32,
    indent: f32,
    nspid_x: f32,
    badges_x: f32,
    badge: f32,
}

fn row_ui(painter: &Painter, theme: &Theme, row: &ProcRow, top_left: Pos2, geometry: RowGeometry) {
    let small = theme.small();
    let text_color = if row.alive {
        theme.text
    } else {
        theme.text_muted
    };
    let chip_top = top_left.y + (geometry.line - geometry.chip_height) / 2.0;
    let name_x = top_left.x + 4.0 + row.depth as f32 * geometry.indent;
    if row.depth > 0 {
        // A short elbow from the parent's column.
        let x = name_x - geometry.indent * 0.6;
        let mid = top_left.y + geometry.line / 2.0;
        let stroke = Stroke::new(theme.stroke_thin, theme.faint);
        painter.line_segment([Pos2::new(x, top_left.y), Pos2::new(x, mid)], stroke);
        painter.line_segment([Pos2::new(x, mid), Pos2::new(name_x - 2.0, mid)], stroke);
    }
    painter.text(
        Pos2::new(name_x, top_left.y + geometry.line / 2.0),
        Align2::LEFT_CENTER,
        name_text(row),
        small.clone(),
        text_color,
    );
    if let Some(note) = &row.note {
        painter.text(
            Pos2::new(name_x, top_left.y + geometry.line),
            Align2::LEFT_TOP,
            note,
            small.clone(),
            theme.text_muted,
        );
    }

    // NSpid: one chip per level, coloured like that level's PID namespace.
    let mut x = geometry.nspid_x;
    for (pid, slot) in &row.nspid {
        let text = pid.to_string();
        let width = chips::chip_width(painter, &text, &small);
        let rect = Rect::from_min_size(
            Pos2::new(x, chip_top),
            Vec2::new(width, geometry.chip_height),
        );
        chips::chip(
            painter,
            theme,
            rect,
            chips::slot_fill(theme, *slot),
            &text,
            Emphasis::default(),
        );
        x += width + 2.0;
    }

    if !row.alive {
        return;
    }
    for (index, badge) in row.badges.iter().enumerate() {
        let rect = Rect::from_min_size(
            Pos2::new(
                geometry.badges_x + index as f32 * geometry.badge + 2.0,
                chip_top,
            ),
            Vec2::new(geometry.badge - 4.0, geometry.chip_height),
        );
        chips::chip(
            &painter.with_clip_rect(rect.expand(2.0).intersect(painter.clip_rect())),
            theme,
            rect,
            chips::slot_fill(theme, badge.slot),
            &short_id(badge.id),
            Emphasis {
                new: badge.new,
                selected: false,
            },
        );
    }
}
