//! The "view from inside" panel: what the selected process would see if it looked around
//! (its PIDs, uid, hostname, interfaces, mounts and `ps`).

use egui::{Align2, Painter, Pos2, Rect, Stroke};

use crate::draw;
use crate::tabs::namespaces::picture::Panel;
use crate::theme::Theme;

/// Draws the panel into `rect`.
pub fn inside_ui(painter: &Painter, theme: &Theme, rect: Rect, panel: &Panel) {
    let rect = match panel {
        // A hint needs only a small box.
        Panel::Hint(text) => {
            let height = draw::text_height(painter, text, theme.body(), rect.width() - 16.0);
            Rect::from_min_size(
                rect.min,
                egui::vec2(rect.width(), (height + 16.0).min(rect.height())),
            )
        }
        Panel::Inside(_) => rect,
    };
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
    let inside = match panel {
        Panel::Hint(text) => {
            draw::text_wrapped(
                &painter,
                inner.min,
                text,
                theme.body(),
                theme.text_muted,
                width,
            );
            return;
        }
        Panel::Inside(inside) => inside,
    };
    let mut y = draw::text_wrapped(
        &painter,
        inner.min,
        &inside.heading,
        theme.body(),
        theme.text,
        width,
    )
    .max
    .y + 4.0;
    for (key, value) in &inside.facts {
        let text = format!("{key}: {value}");
        if y + draw::text_height(&painter, &text, theme.small(), width) > inner.max.y {
            return;
        }
        y = draw::text_wrapped(
            &painter,
            Pos2::new(inner.min.x, y),
            &text,
            theme.small(),
            theme.text,
            width,
        )
        .max
        .y + 2.0;
    }
    y += 4.0;
    if y + draw::text_height(&painter, &inside.ps_title, theme.small(), width) > inner.max.y {
        return;
    }
    y = draw::text_wrapped(
        &painter,
        Pos2::new(inner.min.x, y),
        &inside.ps_title,
        theme.small(),
        theme.text_muted,
        width,
    )
    .max
    .y + 2.0;
    let mono = theme.mono();
    let row_height = theme.mono_size * 1.25;
    if inside.ps.is_empty() || y + 2.0 * row_height > inner.max.y {
        return;
    }
    painter.text(
        Pos2::new(inner.min.x, y),
        Align2::LEFT_TOP,
        &inside.ps_header,
        mono.clone(),
        theme.text_muted,
    );
    y += row_height;
    for (index, line) in inside.ps.iter().enumerate() {
        if y + 2.0 * row_height > inner.max.y && index + 1 < inside.ps.len() {
            painter.text(
                Pos2::new(inner.min.x, y),
                Align2::LEFT_TOP,
                format!("… {} more", inside.ps.len() - index),
                theme.small(),
                theme.text_muted,
            );
            break;
        }
        // The process's own line: accent colour and a word, so it stands out without colour too.
        if line.host_pid == inside.pid {
            painter.text(
                Pos2::new(inner.min.x, y),
                Align2::LEFT_TOP,
                format!("{} ◀ itself", line.text),
                mono.clone(),
                theme.accent,
            );
        } else {
            painter.text(
                Pos2::new(inner.min.x, y),
                Align2::LEFT_TOP,
                &line.text,
                mono.clone(),
                theme.text,
            );
        }
        y += row_height;
    }
}
