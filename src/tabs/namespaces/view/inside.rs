//! The "view from inside" panel: what the selected process would see if it looked around
//! (its PIDs, uid, hostname, interfaces, mounts and `ps`).

use egui::{Align2, Painter, Pos2, Rect, Stroke};

use super::picture::{Inside, Panel};
use crate::draw;
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
    let top = draw::text_wrapped(
        &painter,
        inner.min,
        &inside.heading,
        theme.body(),
        theme.text,
        width,
    )
    .max
    .y + 4.0;
    let body = Rect::from_min_max(Pos2::new(inner.min.x, top), inner.max);
    // A short panel (a projector at 1280x720) would cut `ps` to its header under the facts; if it
    // is wide enough, `ps` goes beside the facts instead.
    let gap = theme.small_size * 1.5;
    let ps_width = ps_width(&painter, theme, inside);
    let facts_width = body.width() - gap - ps_width;
    let stacked_height = facts_height(&painter, theme, body.width(), inside)
        + ps_height(&painter, theme, body.width(), inside);
    if stacked_height > body.height() && facts_width >= theme.small_size * 13.0 {
        let facts = Rect::from_min_size(body.min, egui::vec2(facts_width, body.height()));
        let ps = Rect::from_min_max(Pos2::new(facts.max.x + gap, body.min.y), body.max);
        facts_ui(&painter, theme, facts, inside);
        ps_ui(&painter, theme, ps, inside);
    } else {
        let y = facts_ui(&painter, theme, body, inside);
        ps_ui(
            &painter,
            theme,
            Rect::from_min_max(Pos2::new(body.min.x, y + 4.0), body.max),
            inside,
        );
    }
}

/// The height the facts take at `width`.
fn facts_height(painter: &Painter, theme: &Theme, width: f32, inside: &Inside) -> f32 {
    inside
        .facts
        .iter()
        .map(|(key, value)| {
            draw::text_height(painter, &fact_text(key, value), theme.small(), width) + 2.0
        })
        .sum()
}

/// The height `ps` takes uncut at `width`: title, header and every line.
fn ps_height(painter: &Painter, theme: &Theme, width: f32, inside: &Inside) -> f32 {
    let rows = if inside.ps.is_empty() {
        0
    } else {
        inside.ps.len() + 1
    };
    4.0 + draw::text_height(painter, &inside.ps_title, theme.small(), width)
        + 2.0
        + rows as f32 * ps_row_height(theme)
}

/// The widest `ps` line: the header, the lines, the process's own line with its marker.
fn ps_width(painter: &Painter, theme: &Theme, inside: &Inside) -> f32 {
    let width = |text: &str| {
        painter
            .layout_no_wrap(text.to_owned(), theme.mono(), theme.text)
            .size()
            .x
    };
    inside
        .ps
        .iter()
        .map(|line| {
            if line.host_pid == inside.pid {
                width(&own_line(&line.text))
            } else {
                width(&line.text)
            }
        })
        .fold(width(&inside.ps_header), f32::max)
}

/// The facts, one per line, as many as fit; returns the bottom of the last one.
fn facts_ui(painter: &Painter, theme: &Theme, rect: Rect, inside: &Inside) -> f32 {
    let width = rect.width();
    let mut y = rect.min.y;
    for (key, value) in &inside.facts {
        let text = fact_text(key, value);
        if y + draw::text_height(painter, &text, theme.small(), width) > rect.max.y {
            break;
        }
        y = draw::text_wrapped(
            painter,
            Pos2::new(rect.min.x, y),
            &text,
            theme.small(),
            theme.text,
            width,
        )
        .max
        .y + 2.0;
    }
    y
}

/// `ps -e` as the process sees it: title, header and lines, ending in "… N more" when cut.
fn ps_ui(painter: &Painter, theme: &Theme, rect: Rect, inside: &Inside) {
    let width = rect.width();
    let mut y = rect.min.y;
    if y + draw::text_height(painter, &inside.ps_title, theme.small(), width) > rect.max.y {
        return;
    }
    y = draw::text_wrapped(
        painter,
        Pos2::new(rect.min.x, y),
        &inside.ps_title,
        theme.small(),
        theme.text_muted,
        width,
    )
    .max
    .y + 2.0;
    let mono = theme.mono();
    let row_height = ps_row_height(theme);
    if inside.ps.is_empty() {
        return;
    }
    if y + 2.0 * row_height > rect.max.y {
        // No room for the listing: at least say how long it is.
        if y + row_height <= rect.max.y {
            painter.text(
                Pos2::new(rect.min.x, y),
                Align2::LEFT_TOP,
                format!("… {} processes (more room shows them)", inside.ps.len()),
                theme.small(),
                theme.text_muted,
            );
        }
        return;
    }
    painter.text(
        Pos2::new(rect.min.x, y),
        Align2::LEFT_TOP,
        &inside.ps_header,
        mono.clone(),
        theme.text_muted,
    );
    y += row_height;
    for (index, line) in inside.ps.iter().enumerate() {
        if y + 2.0 * row_height > rect.max.y && index + 1 < inside.ps.len() {
            painter.text(
                Pos2::new(rect.min.x, y),
                Align2::LEFT_TOP,
                format!("… {} more", inside.ps.len() - index),
                theme.small(),
                theme.text_muted,
            );
            break;
        }
        // The process's own line: accent colour and a word, so it stands out without colour too;
        // in a narrow panel a marker in the PID column's padding stands in for the word.
        let (text, color) = if line.host_pid == inside.pid {
            let marked = own_line(&line.text);
            let fits = painter
                .layout_no_wrap(marked.clone(), mono.clone(), theme.accent)
                .size()
                .x
                <= width;
            if fits {
                (marked, theme.accent)
            } else {
                (mark_in_padding(&line.text), theme.accent)
            }
        } else {
            (line.text.clone(), theme.text)
        };
        draw::fit_text(
            painter,
            Pos2::new(rect.min.x, y),
            Align2::LEFT_TOP,
            &text,
            mono.clone(),
            color,
            width,
        );
        y += row_height;
    }
}

/// A fact as one line of text: `hostname: web-pod`.
fn fact_text(key: &str, value: &str) -> String {
    format!("{key}: {value}")
}

/// The height of one `ps` row.
fn ps_row_height(theme: &Theme) -> f32 {
    theme.mono_size * 1.25
}

/// The process's own `ps` line, with the word that marks it.
fn own_line(line: &str) -> String {
    format!("{line} ◀ itself")
}

/// `line` with its first padding space replaced by `▸` (ps right-aligns the PID, so there is
/// one unless the PID fills its column, in which case the marker goes in front).
fn mark_in_padding(line: &str) -> String {
    match line.strip_prefix(' ') {
        Some(rest) => format!("▸{rest}"),
        None => format!("▸{line}"),
    }
}

#[cfg(test)]
mod tests {
    use super::mark_in_padding;

    #[test]
    fn the_marker_takes_a_padding_space_without_widening_the_line() {
        assert_eq!(
            mark_in_padding("    1     0     0 sh"),
            "▸   1     0     0 sh"
        );
        assert_eq!(
            mark_in_padding("12345     0     0 sh"),
            "▸12345     0     0 sh"
        );
    }
}
