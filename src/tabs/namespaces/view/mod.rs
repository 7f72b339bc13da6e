//! Draws the simulator: the step's operation on top, then the process tree, the namespace trees
//! and the selected process's view from inside, side by side (stacked when the canvas is narrow).

mod chips;
mod inside;
pub mod live;
pub(super) mod live_state;
pub(super) mod live_summary;
pub(super) mod picture;
mod processes;
pub(super) mod toolbar;
mod trees;

use egui::text::{LayoutJob, TextFormat};
use egui::{Pos2, Rect, Sense, Stroke, Ui, Vec2};

use crate::draw;
use crate::theme::{Role, Theme};
use picture::{OpLine, Outcome, Picture};

/// Draws the simulator canvas; returns the host PID of a process the student clicked.
pub fn sim_canvas_ui(ui: &mut Ui, theme: &Theme, picture: &Picture) -> Option<u32> {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, Sense::hover());
    let painter = ui.painter_at(rect);
    let body = draw::caption(&painter, theme, rect, &picture.title, &picture.caption);
    let margin = 12.0;
    let area = Rect::from_min_max(
        Pos2::new(body.min.x + margin, body.min.y),
        Pos2::new(body.max.x - margin, body.max.y - 8.0),
    );
    let strip_bottom = match &picture.op {
        Some(op) => op_strip_ui(&painter, theme, area, op),
        None => area.min.y,
    };
    let main = Rect::from_min_max(Pos2::new(area.min.x, strip_bottom + 10.0), area.max);
    if main.height() < theme.small_size * 4.0 {
        return None;
    }

    let gap = 14.0;
    let columns = processes::Columns::measure(&painter, theme, picture);
    let width = main.width();
    let table_width = draw::clamp_into(
        columns.width(picture.types.len()),
        width * 0.3,
        width * 0.62,
    );
    let rest = width - table_width - gap;
    let side_min = theme.small_size * 17.0;
    let table = Rect::from_min_size(main.min, Vec2::new(table_width, main.height()));
    let side = Rect::from_min_max(Pos2::new(table.max.x + gap, main.min.y), main.max);
    let table_height = processes::height(&painter, theme, picture, table.width());
    let below_table = main.height() - table_height - gap;
    let (trees_rect, inside_rect) = if rest >= 2.0 * side_min + gap {
        // Three columns.
        let half = (side.width() - gap) / 2.0;
        (
            Rect::from_min_size(side.min, Vec2::new(half, side.height())),
            Rect::from_min_max(Pos2::new(side.min.x + half + gap, side.min.y), side.max),
        )
    } else if below_table >= theme.body_size * 11.0
        || (below_table >= theme.body_size * 7.0
            && trees::height(theme, &picture.blocks) > side.height() * 0.6)
    {
        // The view from inside under a short process table; the trees get the right column.
        (
            side,
            Rect::from_min_max(
                Pos2::new(table.min.x, table.min.y + table_height + gap),
                table.max,
            ),
        )
    } else {
        // Trees above the view from inside, on the right. The trees keep every row they need
        // (a projector at 1280x720 used to lose the last namespace type); the view from inside
        // takes what is left, at least a few lines.
        let trees_height = trees::height(theme, &picture.blocks)
            .min(side.height() - theme.body_size * 6.0)
            .max(side.height() * 0.3);
        (
            Rect::from_min_size(side.min, Vec2::new(side.width(), trees_height)),
            Rect::from_min_max(
                Pos2::new(side.min.x, side.min.y + trees_height + 8.0),
                side.max,
            ),
        )
    };
    let table = Rect::from_min_size(
        table.min,
        Vec2::new(table.width(), table_height.min(table.height())),
    );
    let clicked_row = processes::processes_ui(ui, &painter, theme, table, picture, &columns);
    let clicked_ns = trees::trees_ui(ui, &painter, theme, trees_rect, &picture.blocks);
    inside::inside_ui(&painter, theme, inside_rect, &picture.panel);
    clicked_row.or(clicked_ns)
}

/// The operation of the step: shell command, system call, caller and outcome; returns its
/// bottom edge.
fn op_strip_ui(painter: &egui::Painter, theme: &Theme, area: Rect, op: &OpLine) -> f32 {
    let pad = 6.0;
    let width = area.width() - 2.0 * pad;
    let mut job = LayoutJob::default();
    job.wrap.max_width = width;
    let format = |font: egui::FontId, color| TextFormat {
        font_id: font,
        color,
        ..Default::default()
    };
    job.append(&op.shell, 0.0, format(theme.mono(), theme.text));
    job.append(&op.syscall, 16.0, format(theme.mono(), theme.text_muted));
    job.append(
        &format!("by {}", op.actor),
        16.0,
        format(theme.small(), theme.text_muted),
    );
    let command = painter.layout_job(job);
    let (role, text) = match &op.outcome {
        Outcome::Ok(text) => (Role::Good, format!("✔ {text}")),
        Outcome::Failed { error, reason } => (Role::Bad, format!("✖ fails: {error}: {reason}")),
    };
    let outcome = painter.layout(text, theme.small(), theme.text, width);
    let command_height = command.size().y;
    let outcome_height = outcome.size().y;
    let strip = Rect::from_min_size(
        area.min,
        Vec2::new(area.width(), command_height + outcome_height + 3.0 * pad),
    );
    painter.rect(
        strip,
        6.0,
        theme.surface,
        Stroke::new(theme.stroke_thin, theme.outline),
        egui::StrokeKind::Inside,
    );
    painter.galley(strip.min + Vec2::splat(pad), command, theme.text);
    let outcome_rect = Rect::from_min_size(
        Pos2::new(
            strip.min.x + pad / 2.0,
            strip.min.y + command_height + 1.5 * pad,
        ),
        Vec2::new(area.width() - pad, outcome_height + pad),
    );
    painter.rect_filled(outcome_rect, 4.0, theme.tint(role));
    painter.galley(
        outcome_rect.min + Vec2::new(pad / 2.0, pad / 2.0),
        outcome,
        theme.text,
    );
    strip.max.y
}

#[cfg(test)]
mod tests {
    /// Every text `link` paints on a 1280x720 projector.
    fn projector_texts(link: &str) -> Vec<String> {
        crate::export::projector_texts(link)
            .into_iter()
            .map(|(text, _)| text)
            .collect()
    }

    #[test]
    fn a_projector_shows_the_whole_ps_listing_beside_the_facts() {
        let texts = projector_texts("namespaces?preset=host");
        assert!(
            texts.iter().any(|text| text.ends_with("bash ◀ itself")),
            "{texts:?}"
        );
        assert!(
            !texts.iter().any(|text| text.contains(" more")),
            "{texts:?}"
        );
    }

    #[test]
    fn a_projector_keeps_every_namespace_type_in_the_trees() {
        let texts = projector_texts("namespaces?preset=pod");
        // Each type names a table column and a row of the trees.
        for kind in ["mnt", "pid", "net", "ipc", "uts", "user", "cgroup", "time"] {
            let count = texts.iter().filter(|text| *text == kind).count();
            assert_eq!(count, 2, "{kind} in {texts:?}");
        }
    }
}
