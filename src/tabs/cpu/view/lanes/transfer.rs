//! The arrow of a step's control transfer in the gutter beside the lanes: its kind, exit reason
//! and cost, and a token that slides along it while the timeline plays.

use egui::{Painter, Pos2, Rect, Stroke, Ui};

use crate::draw;
use crate::tabs::cpu::model::trace::{Step, Transfer};
use crate::tabs::cpu::view::{ease, label_region, thousands};
use crate::theme::{Role, Theme};

/// The arrow of a control transfer in the gutter, with its label and cost; the token slides along
/// it while the timeline plays and rests at the destination when paused.
#[expect(clippy::too_many_arguments)]
pub(super) fn transfer_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    gutter: Rect,
    step: &Step,
    transfer: Transfer,
    from_y: f32,
    to_y: f32,
    fraction: f64,
    prefix: &str,
) {
    let x = gutter.min.x + theme.small_size * 1.2;
    let from = Pos2::new(x, from_y);
    let to = Pos2::new(x, to_y);
    let costly = transfer.cost_cycles > 0;
    let color = if costly {
        theme.line(Role::Warn)
    } else {
        theme.outline
    };
    let stroke = theme.thick(color);
    // Stubs from the lane edges to the arrow.
    for y in [from_y, to_y] {
        painter.line_segment(
            [Pos2::new(gutter.min.x, y), Pos2::new(x, y)],
            Stroke::new(theme.stroke_thin, color),
        );
    }
    if (to_y - from_y).abs() > 1.0 {
        if costly {
            draw::arrow(painter, from, to, stroke);
        } else {
            let dir = if to_y > from_y { 1.0 } else { -1.0 };
            let head_start = Pos2::new(x, to_y - dir * theme.stroke_thick * 5.0);
            let (dash, gap) = theme.dash(1);
            draw::dashed(painter, from, head_start, stroke, dash, gap);
            draw::arrow(painter, head_start, to, stroke);
        }
    }
    let t = if fraction <= 0.0 {
        1.0
    } else {
        ease(fraction as f32 / 0.6)
    };
    let token = from + (to - from) * t;
    painter.circle(
        token,
        (theme.small_size * 0.45).max(5.0),
        theme.fill(Role::Warn),
        Stroke::new(theme.stroke_thin, theme.outline),
    );
    let mut words = vec![transfer.kind.title().to_owned()];
    if let Some(reason) = step.exit_reason {
        words.push(format!("reason {} ({})", reason.name(), reason.number()));
    }
    words.push(if costly {
        format!("{} cycles", thousands(transfer.cost_cycles))
    } else {
        "no extra cost".to_owned()
    });
    let text = words.join("\n");
    let label_x = x + theme.small_size * 0.9;
    let width = (gutter.max.x - label_x - 2.0).max(20.0);
    let galley = painter.layout(text.clone(), theme.small(), theme.text, width);
    let mid = (from_y + to_y) / 2.0;
    let top = (mid - galley.size().y / 2.0).clamp(
        gutter.min.y,
        (gutter.max.y - galley.size().y).max(gutter.min.y),
    );
    let label_rect = Rect::from_min_size(Pos2::new(label_x, top), galley.size());
    painter.rect_filled(label_rect.expand(2.0), 3.0, theme.canvas);
    painter.galley(label_rect.min, galley, theme.text);
    label_region(ui, label_rect, (prefix, "transfer"), || {
        format!(
            "{prefix}Transfer: {} from {} to {}, {}",
            transfer.kind.title(),
            transfer.from.title(),
            transfer.to.title(),
            text.lines().last().unwrap_or_default()
        )
    });
}
