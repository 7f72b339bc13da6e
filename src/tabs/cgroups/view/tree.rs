//! Draws hierarchies as indented trees of boxes: one column per v1 hierarchy (so the same process
//! shows up once in each), or the single v2 tree, split over up to three columns when it is tall.
//! Each box is a cgroup with its interface files; processes are chips inside it. Boxes and chips
//! are hit regions with accessible names; chips can also be dragged onto another cgroup.

use std::sync::Arc;

use egui::{Align2, FontId, Galley, Painter, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, Vec2};

use super::outline::{Column, Outline, Row};
use crate::draw;
use crate::tabs::cgroups::Action;
use crate::tabs::cgroups::link::NodeRef;
use crate::tabs::cgroups::model::Pid;
use crate::theme::{Role, Theme};

/// What the current step did, to highlight on the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    /// The cgroup the operation targets, if it exists in the drawn state.
    pub node: Option<NodeRef>,
    /// The process it concerns (moved, forked, loaded).
    pub pid: Option<Pid>,
    /// `✔ mkdir` or `✖ EBUSY`.
    pub badge: String,
    /// Whether the operation was refused.
    pub failed: bool,
}

/// What the tree view keeps between frames: a chip being dragged, and the split of the v2 tree
/// into columns (measured once per step and canvas size, not every frame).
#[derive(Default)]
pub struct TreeState {
    /// The dragged chip's pid while the drag lasts.
    pub pid: Option<Pid>,
    /// Where the pointer was last seen during the drag (it may be gone on release).
    pub last_pos: Option<Pos2>,
    split: Option<(SplitKey, Vec<Panel>)>,
}

/// What the v2 split depends on: the scene (generation, step), the rectangle and the text size.
type SplitKey = (u64, usize, [u32; 4], u32);

/// What to highlight.
pub struct Marks<'a> {
    /// The selected cgroup.
    pub selected: Option<&'a NodeRef>,
    /// The selected process.
    pub pid: Option<Pid>,
    /// The subject of the current step.
    pub subject: Option<&'a Subject>,
}

/// Sizes derived from the theme.
struct Metrics {
    pad: f32,
    row_gap: f32,
    indent: f32,
    chip_pad: Vec2,
    chip_gap: f32,
    column_gap: f32,
}

impl Metrics {
    fn new(theme: &Theme) -> Self {
        Self {
            pad: (theme.small_size * 0.45).round(),
            row_gap: (theme.small_size * 0.9).round(),
            indent: (theme.body_size * 1.3).round(),
            chip_pad: Vec2::new(theme.small_size * 0.4, theme.small_size * 0.15),
            chip_gap: (theme.small_size * 0.35).round(),
            column_gap: (theme.body_size * 0.9).round(),
        }
    }
}

/// One row laid out at a width: galleys and chip rectangles relative to the box's corner.
struct Measured {
    name: Arc<Galley>,
    files: Vec<Arc<Galley>>,
    chips: Vec<(Arc<Galley>, Rect)>,
    height: f32,
}

/// Lays out a row; `compact` drops the `cgroup.` prefix of the file lines to save space.
fn measure(
    painter: &Painter,
    theme: &Theme,
    metrics: &Metrics,
    row: &Row,
    width: f32,
    compact: bool,
) -> Measured {
    let inner = (width - 2.0 * metrics.pad).max(20.0);
    let chip_galleys: Vec<Arc<Galley>> = row
        .chips
        .iter()
        .map(|chip| {
            draw::elided(
                painter,
                &chip.text,
                theme.small(),
                egui::Color32::PLACEHOLDER,
                inner - 2.0 * metrics.chip_pad.x,
            )
        })
        .collect();
    let chips_total = chip_galleys
        .iter()
        .map(|g| g.size().x + 2.0 * metrics.chip_pad.x + metrics.chip_gap)
        .sum::<f32>();
    // Where the chips go: on the name's line if they all fit after it, else in a right-hand
    // column of a wide box, else below the text.
    let full_name = draw::elided(painter, &row.name, theme.body(), theme.text, inner);
    let after_name = full_name.size().x + 2.0 * metrics.chip_gap;
    let on_name_line = !row.chips.is_empty() && after_name + chips_total <= inner;
    let wide = !on_name_line && !row.chips.is_empty() && inner >= theme.body_size * 24.0;
    let text_width = if wide { inner * 0.55 } else { inner };
    let name = if wide {
        draw::elided(painter, &row.name, theme.body(), theme.text, text_width)
    } else {
        full_name
    };
    let mut y = name.size().y;
    let files: Vec<Arc<Galley>> = row
        .files
        .iter()
        .map(|line| {
            let text = if compact {
                line.strip_prefix("cgroup.").unwrap_or(line)
            } else {
                line
            };
            let galley =
                painter.layout(text.to_owned(), theme.small(), theme.text_muted, text_width);
            y += galley.size().y;
            galley
        })
        .collect();
    let text_height = y;
    let (chips_left, chips_width, mut cy) = if on_name_line {
        (after_name, inner - after_name, 0.0)
    } else if wide {
        (
            text_width + metrics.pad * 2.0,
            inner - text_width - metrics.pad,
            0.0,
        )
    } else {
        (0.0, inner, text_height + metrics.chip_gap)
    };
    let mut cx = 0.0;
    let mut line_height: f32 = 0.0;
    let chips = chip_galleys
        .into_iter()
        .map(|galley| {
            let size = galley.size() + 2.0 * metrics.chip_pad;
            if cx > 0.0 && cx + size.x > chips_width {
                cx = 0.0;
                cy += line_height + metrics.chip_gap;
                line_height = 0.0;
            }
            let rect = Rect::from_min_size(
                Pos2::new(metrics.pad + chips_left + cx, metrics.pad + cy),
                size,
            );
            cx += size.x + metrics.chip_gap;
            line_height = line_height.max(size.y);
            (galley, rect)
        })
        .collect::<Vec<_>>();
    let chips_bottom = if chips.is_empty() {
        0.0
    } else {
        cy + line_height
    };
    Measured {
        name,
        files,
        chips,
        height: 2.0 * metrics.pad + text_height.max(chips_bottom),
    }
}

/// A run of a column's rows drawn in one rectangle.
#[derive(Clone)]
struct Panel {
    column: usize,
    rows: std::ops::Range<usize>,
    rect: Rect,
    compact: bool,
}

/// Splits the single v2 column over `k` panels of `rect`; returns the panels if they fit.
fn split_v2(
    painter: &Painter,
    theme: &Theme,
    metrics: &Metrics,
    column: &Column,
    rect: Rect,
    k: usize,
    compact: bool,
) -> (Vec<Panel>, bool) {
    let width = (rect.width() - metrics.column_gap * (k as f32 - 1.0)) / k as f32;
    let heights: Vec<f32> = column
        .rows
        .iter()
        .map(|row| {
            let row_width = width - row.depth as f32 * metrics.indent;
            measure(painter, theme, metrics, row, row_width, compact).height + metrics.row_gap
        })
        .collect();
    let mut panels = Vec::new();
    let mut start = 0;
    let mut used = 0.0;
    for (i, height) in heights.iter().enumerate() {
        if used + height > rect.height() && i > start && panels.len() + 1 < k {
            panels.push(start..i);
            start = i;
            used = 0.0;
        }
        used += height;
    }
    panels.push(start..column.rows.len());
    let fits = used <= rect.height();
    let panels = panels
        .into_iter()
        .enumerate()
        .map(|(i, rows)| Panel {
            column: 0,
            rows,
            compact,
            rect: Rect::from_min_size(
                Pos2::new(
                    rect.min.x + i as f32 * (width + metrics.column_gap),
                    rect.min.y,
                ),
                Vec2::new(width, rect.height()),
            ),
        })
        .collect();
    (panels, fits)
}

/// The hierarchy's name and mount point above its tree; returns the height used.
fn header_ui(painter: &Painter, theme: &Theme, rect: Rect, column: &Column, one_line: bool) -> f32 {
    let dir_font = FontId::monospace(theme.small_size);
    if one_line {
        let text = format!("{}  at {}", column.title, column.mount_dir);
        let galley = draw::elided(painter, &text, theme.body(), theme.text, rect.width());
        let height = galley.size().y;
        painter.galley(rect.min, galley, theme.text);
        return height + 4.0;
    }
    let title = draw::elided(
        painter,
        &column.title,
        theme.body(),
        theme.text,
        rect.width(),
    );
    let title_height = title.size().y;
    painter.galley(rect.min, title, theme.text);
    let dir = draw::elided(
        painter,
        &column.mount_dir,
        dir_font,
        theme.text_muted,
        rect.width(),
    );
    let dir_height = dir.size().y;
    painter.galley(
        Pos2::new(rect.min.x, rect.min.y + title_height),
        dir,
        theme.text_muted,
    );
    title_height + dir_height + 4.0
}

/// Draws every hierarchy of `outline` (step `scene.1` of generation `scene.0`) in `rect`; returns
/// what the student clicked or dropped.
#[expect(clippy::too_many_arguments)]
pub fn trees_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    outline: &Outline,
    scene: (u64, usize),
    marks: &Marks<'_>,
    tree: &mut TreeState,
) -> Vec<Action> {
    let metrics = Metrics::new(theme);
    let mut panels = Vec::new();
    let mut headers = Vec::new();
    if let [column] = outline.columns.as_slice() {
        let used = header_ui(painter, theme, rect, column, true);
        let body = Rect::from_min_max(Pos2::new(rect.min.x, rect.min.y + used), rect.max);
        let key: SplitKey = (
            scene.0,
            scene.1,
            [body.min.x, body.min.y, body.max.x, body.max.y].map(f32::to_bits),
            theme.body_size.to_bits(),
        );
        match &tree.split {
            Some((memo, split)) if *memo == key => panels = split.clone(),
            _ => {
                let attempts = [(1, false), (2, false), (3, false), (2, true), (3, true)];
                for (k, compact) in attempts {
                    let (split, fits) =
                        split_v2(painter, theme, &metrics, column, body, k, compact);
                    panels = split;
                    if fits {
                        break;
                    }
                }
                tree.split = Some((key, panels.clone()));
            }
        }
    } else {
        let n = outline.columns.len() as f32;
        let width = (rect.width() - metrics.column_gap * (n - 1.0)) / n;
        for (c, column) in outline.columns.iter().enumerate() {
            let column_rect = Rect::from_min_size(
                Pos2::new(
                    rect.min.x + c as f32 * (width + metrics.column_gap),
                    rect.min.y,
                ),
                Vec2::new(width, rect.height()),
            );
            headers.push(column_rect);
            let used = header_ui(painter, theme, column_rect, column, false);
            panels.push(Panel {
                column: c,
                compact: false,
                rows: 0..column.rows.len(),
                rect: Rect::from_min_max(
                    Pos2::new(column_rect.min.x, column_rect.min.y + used),
                    column_rect.max,
                ),
            });
        }
    }
    // Column separators for v1, so the hierarchies read as separate trees.
    for pair in headers.windows(2) {
        let [left, right] = pair else {
            continue;
        };
        let x = (left.max.x + right.min.x) / 2.0;
        painter.line_segment(
            [Pos2::new(x, rect.min.y), Pos2::new(x, rect.max.y)],
            Stroke::new(theme.stroke_thin, theme.faint),
        );
    }

    let mut actions = Vec::new();
    let mut boxes: Vec<(NodeRef, Rect)> = Vec::new();
    for panel in &panels {
        let Some(column) = outline.columns.get(panel.column) else {
            continue;
        };
        panel_ui(
            ui,
            painter,
            theme,
            &metrics,
            panel,
            column,
            outline,
            marks,
            tree,
            &mut boxes,
            &mut actions,
        );
    }

    // Drag and drop: a chip dropped on a cgroup box moves the process there.
    if let Some(pid) = tree.pid {
        let pointer = ui.ctx().pointer_latest_pos().or(tree.last_pos);
        tree.last_pos = pointer;
        let released = ui.ctx().input(|input| input.pointer.any_released());
        let target = pointer.and_then(|pos| boxes.iter().find(|(_, r)| r.contains(pos)));
        if let Some((_, target_rect)) = target {
            painter.rect_stroke(
                *target_rect,
                4.0,
                theme.thick(theme.accent),
                StrokeKind::Outside,
            );
        }
        if let Some(pos) = pointer {
            let galley = painter.layout_no_wrap(
                format!("move {pid}"),
                theme.small(),
                egui::Color32::PLACEHOLDER,
            );
            let chip = Rect::from_min_size(
                pos + Vec2::new(8.0, 8.0),
                galley.size() + 2.0 * metrics.chip_pad,
            );
            painter.rect_filled(chip, 4.0, theme.accent);
            painter.galley(
                chip.min + metrics.chip_pad,
                galley,
                theme.text_on(theme.accent),
            );
        }
        if released {
            if let Some((node, _)) = target {
                actions.push(Action::Move {
                    pid,
                    to: node.clone(),
                });
            }
            tree.pid = None;
            tree.last_pos = None;
        }
    }
    actions
}

#[expect(clippy::too_many_arguments)]
fn panel_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    metrics: &Metrics,
    panel: &Panel,
    column: &Column,
    outline: &Outline,
    marks: &Marks<'_>,
    tree: &mut TreeState,
    boxes: &mut Vec<(NodeRef, Rect)>,
    actions: &mut Vec<Action>,
) {
    let v2 = outline.columns.len() == 1;
    let clip = painter.with_clip_rect(panel.rect.intersect(painter.clip_rect()));
    let mut y = panel.rect.min.y + metrics.row_gap * 0.6;
    let mut placed: Vec<(usize, Rect)> = Vec::new();
    for index in panel.rows.clone() {
        let Some(row) = column.rows.get(index) else {
            continue;
        };
        let left = panel.rect.min.x + row.depth as f32 * metrics.indent;
        let width = panel.rect.max.x - left;
        let measured = measure(painter, theme, metrics, row, width, panel.compact);
        let box_rect = Rect::from_min_size(Pos2::new(left, y), Vec2::new(width, measured.height));
        if box_rect.max.y > panel.rect.max.y {
            let hidden = panel.rows.end - index;
            clip.text(
                Pos2::new(panel.rect.min.x, panel.rect.max.y),
                Align2::LEFT_BOTTOM,
                format!("… {hidden} more cgroups"),
                theme.small(),
                theme.text_muted,
            );
            break;
        }
        // Connector from the parent's box, when the parent is drawn in this panel.
        if let Some(parent_rect) = row
            .parent
            .and_then(|p| placed.iter().find(|(i, _)| *i == p).map(|(_, r)| *r))
        {
            let x = parent_rect.min.x + metrics.indent * 0.5;
            let mid = box_rect.min.y + metrics.pad + measured.name.size().y * 0.5;
            let stroke = Stroke::new(theme.stroke_thin, theme.outline);
            clip.line_segment([Pos2::new(x, parent_rect.max.y), Pos2::new(x, mid)], stroke);
            clip.line_segment([Pos2::new(x, mid), Pos2::new(box_rect.min.x, mid)], stroke);
        }
        placed.push((index, box_rect));
        boxes.push((row.node.clone(), box_rect));
        row_ui(
            ui, &clip, theme, metrics, column, row, v2, box_rect, &measured, marks, tree, actions,
        );
        y += measured.height + metrics.row_gap;
    }
}

#[expect(clippy::too_many_arguments)]
fn row_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    metrics: &Metrics,
    column: &Column,
    row: &Row,
    v2: bool,
    box_rect: Rect,
    measured: &Measured,
    marks: &Marks<'_>,
    tree: &mut TreeState,
    actions: &mut Vec<Action>,
) {
    let address = if v2 {
        row.node.path.to_string()
    } else {
        format!("{}:{}", column.title, row.node.path)
    };
    let selected = marks.selected == Some(&row.node);
    let subject = marks.subject.filter(|s| s.node.as_ref() == Some(&row.node));
    let response = draw::hit_region(
        ui,
        box_rect,
        egui::Id::unique(("cgroups-node", row.node.hierarchy, row.node.path.as_str())),
        &format!("cgroup {address}"),
    );
    if response.clicked() {
        actions.push(Action::SelectNode((!selected).then(|| row.node.clone())));
    }
    let stroke = match (selected, subject) {
        (true, _) => theme.thick(theme.accent),
        (false, Some(s)) if s.failed => theme.thick(theme.line(Role::Bad)),
        (false, Some(_)) => theme.thick(theme.line(Role::Good)),
        (false, None) if response.hovered() => Stroke::new(theme.stroke_thick, theme.outline),
        (false, None) => theme.thin(),
    };
    let fill = if row.chips.is_empty() {
        theme.surface
    } else {
        theme.tint(Role::Container)
    };
    painter.rect(box_rect, 4.0, fill, stroke, StrokeKind::Inside);
    let origin = box_rect.min + Vec2::splat(metrics.pad);
    painter.galley(origin, measured.name.clone(), theme.text);
    let mut y = origin.y + measured.name.size().y;
    for file in &measured.files {
        painter.galley(Pos2::new(origin.x, y), file.clone(), theme.text_muted);
        y += file.size().y;
    }

    // Badges straddle the top border at the right: what the step did, and the selection.
    let mut badge_right = box_rect.max.x - metrics.pad;
    let mut badges: Vec<(&str, egui::Color32)> = Vec::new();
    if let Some(subject) = subject {
        let role = if subject.failed {
            Role::Bad
        } else {
            Role::Good
        };
        badges.push((&subject.badge, theme.fill(role)));
    }
    if selected {
        badges.push(("selected", theme.accent));
    }
    for (text, fill) in badges {
        let galley =
            painter.layout_no_wrap(text.to_owned(), theme.small(), egui::Color32::PLACEHOLDER);
        let size = galley.size() + 2.0 * metrics.chip_pad;
        let rect = Rect::from_min_size(
            Pos2::new(badge_right - size.x, box_rect.min.y - size.y * 0.5),
            size,
        );
        painter.rect(rect, size.y * 0.5, fill, theme.thin(), StrokeKind::Inside);
        painter.galley(rect.min + metrics.chip_pad, galley, theme.text_on(fill));
        badge_right = rect.min.x - metrics.chip_gap;
    }

    for ((galley, relative), chip) in measured.chips.iter().zip(&row.chips) {
        let rect = relative.translate(box_rect.min.to_vec2());
        let id = egui::Id::unique(("cgroups-chip", row.node.hierarchy, chip.pid));
        let response = ui.interact(rect, id, Sense::click_and_drag());
        let label = format!("process {} in {address}", chip.name);
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
        if response.clicked() {
            let pid = (marks.pid != Some(chip.pid)).then_some(chip.pid);
            actions.push(Action::SelectPid(pid));
        }
        if response.drag_started() {
            tree.pid = Some(chip.pid);
            actions.push(Action::SelectPid(Some(chip.pid)));
        }
        let chip_selected = marks.pid == Some(chip.pid);
        let chip_subject = subject.is_some_and(|s| s.pid == Some(chip.pid));
        let fill = if chip_selected {
            theme.accent
        } else {
            theme.fill(Role::App)
        };
        let stroke = if chip_selected {
            Stroke::new(theme.stroke_thick, theme.outline)
        } else if chip_subject {
            theme.thick(theme.line(Role::Warn))
        } else {
            theme.thin()
        };
        painter.rect(rect, 4.0, fill, stroke, StrokeKind::Inside);
        painter.galley(
            rect.min + metrics.chip_pad,
            galley.clone(),
            theme.text_on(fill),
        );
    }
}
