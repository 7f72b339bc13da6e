//! The processes of a plotted group, drawn as chips in the simulation's table of groups
//! ("leaky (301)"): clicking one selects that process (`pid=` in the scene link), which is how a
//! quiz about a process (the OOM killer's victim) is answered on the picture.
//!
//! Why a layout step apart from the painting: the rectangle a chip is painted in and the one
//! that takes its clicks must be the same, so [`layout`] places every chip once and both
//! [`chips_ui`] and the table's row height read those rectangles (one source of truth).

use std::sync::Arc;

use egui::{CursorIcon, Galley, Pos2, Rect, StrokeKind, Ui, Vec2};

use crate::draw;
use crate::tabs::cgroups::Action;
use crate::tabs::cgroups::model::Pid;
use crate::theme::{Role, Theme};

/// One process's chip, placed.
pub struct Chip {
    /// The process.
    pub pid: Pid,
    /// Its words, `leaky (301)`.
    words: String,
    /// Its text, laid out once.
    galley: Arc<Galley>,
    /// Where it is drawn and clicked.
    pub rect: Rect,
}

/// The space around a chip's text, in points (scaled with the small text size).
fn padding(theme: &Theme) -> Vec2 {
    Vec2::new(theme.small_size * 0.5, theme.small_size * 0.2)
}

/// Places the chips of `processes` (pid, command name) left to right from `top_left`, wrapping
/// at `width`. A chip wider than the row is drawn alone on its row.
pub fn layout(
    painter: &egui::Painter,
    theme: &Theme,
    processes: &[(Pid, String)],
    top_left: Pos2,
    width: f32,
) -> Vec<Chip> {
    let pad = padding(theme);
    let gap = theme.small_size * 0.4;
    let mut chips: Vec<Chip> = Vec::with_capacity(processes.len());
    let mut cursor = top_left;
    let mut row_bottom = top_left.y;
    for (pid, comm) in processes {
        let words = format!("{comm} ({pid})");
        let galley = painter.layout(
            words.clone(),
            theme.small(),
            theme.text,
            (width - pad.x * 2.0).max(1.0),
        );
        let size = galley.size() + pad * 2.0;
        if cursor.x > top_left.x && cursor.x + size.x > top_left.x + width {
            cursor = Pos2::new(top_left.x, row_bottom + gap);
        }
        let rect = Rect::from_min_size(cursor, size);
        cursor.x = rect.max.x + gap;
        row_bottom = row_bottom.max(rect.max.y);
        chips.push(Chip {
            pid: *pid,
            words,
            galley,
            rect,
        });
    }
    chips
}

/// The lowest edge of the chips, if any.
pub fn bottom(chips: &[Chip]) -> Option<f32> {
    chips.iter().map(|chip| chip.rect.max.y).reduce(f32::max)
}

/// Draws the chips of the table row `row` and takes their clicks: hovered, a chip is filled and
/// the pointer becomes a hand; the selected process has a thick accent outline. A click selects
/// the process, or clears the selection when it was selected.
pub fn chips_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    (row, chips): (usize, Vec<Chip>),
    selected: Option<Pid>,
    actions: &mut Vec<Action>,
) {
    let pad = padding(theme);
    for chip in chips {
        let label = format!("process {}", chip.words);
        let id = egui::Id::unique(("cgroups-process", row, chip.pid));
        let response =
            draw::hit_region(ui, chip.rect, id, &label).on_hover_cursor(CursorIcon::PointingHand);
        let is_selected = selected == Some(chip.pid);
        let fill = if response.hovered() {
            theme.tint(Role::App)
        } else {
            theme.surface
        };
        let stroke = if is_selected {
            theme.thick(theme.accent)
        } else if response.hovered() {
            theme.thick(theme.outline)
        } else {
            theme.thin()
        };
        painter.rect(chip.rect, 4.0, fill, stroke, StrokeKind::Inside);
        painter.galley(chip.rect.min + pad, chip.galley, theme.text);
        if response.clicked() {
            actions.push(Action::SelectPid((!is_selected).then_some(chip.pid)));
        }
    }
}
