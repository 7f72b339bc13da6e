//! One listing in a lane: its lines wrapped to the lane, the running line, the guest line a VMM
//! step is about and a line to blame outlined, and an excerpt around them when it does not fit.

use egui::{Align2, FontId, Painter, Pos2, Rect, Vec2};

use super::fit::{columns, wrap_line};
use crate::theme::{Role, Theme};

/// Which lines of a listing stand out.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Marks {
    /// The line running now: accent outline and a `▸`.
    pub(super) primary: Option<usize>,
    /// The guest line a VMM step is about: thin outline.
    pub(super) secondary: Option<usize>,
    /// An earlier line to blame, with a short tag: thick fault outline.
    pub(super) flagged: Option<(usize, &'static str)>,
}

/// What a lane showed: the running line (rect and text) and where an arrow should attach.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Shown<'a> {
    pub(super) current: Option<(Rect, &'a str)>,
    pub(super) anchor_y: Option<f32>,
}

/// Paints a listing, wrapping long lines, with a window around the highlighted line when it
/// does not fit.
pub(super) fn listing_ui<'a>(
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    lines: &'a [String],
    font: &FontId,
    row: f32,
    marks: Marks,
) -> Shown<'a> {
    let Marks {
        primary,
        secondary,
        flagged,
    } = marks;
    let mut shown = Shown::default();
    if lines.is_empty() || rect.height() < 1.0 {
        return shown;
    }
    let columns = columns(theme, rect.width());
    // The blamed line shows its code and the blame instead of its comment.
    let texts: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(index, text)| match flagged {
            Some((line, tag)) if line == index => {
                let code = text.split(';').next().unwrap_or(text).trim_end();
                format!("{code}  ◀ {tag}")
            }
            _ => text.clone(),
        })
        .collect();
    // Every row on screen: the line it belongs to and its text.
    let rows: Vec<(usize, String)> = texts
        .iter()
        .enumerate()
        .flat_map(|(index, text)| {
            wrap_line(text, columns)
                .into_iter()
                .map(move |piece| (index, piece))
        })
        .collect();
    // A listing that does not fit shows a window around the focus and says which lines, in its
    // last row (an excerpt, like a quoted listing, rather than a control to scroll).
    let fits = rows.len() as f32 * row <= rect.height() + 0.5;
    let visible = ((rect.height() / row).floor() as usize).max(1) - usize::from(!fits).min(1);
    let visible = visible.max(1);
    let focus_line = primary
        .or(secondary)
        .or(flagged.map(|(line, _)| line))
        .unwrap_or(0);
    let focus = rows
        .iter()
        .position(|(line, _)| *line == focus_line)
        .unwrap_or(0);
    let start = if fits {
        0
    } else {
        focus
            .saturating_sub(visible / 2)
            .min(rows.len().saturating_sub(visible))
    };
    let end = (start + visible).min(rows.len());
    let clipped = painter.with_clip_rect(rect.expand(2.0).intersect(painter.clip_rect()));
    let marker_width = row * 0.9;
    let row_rect = |offset: usize| {
        Rect::from_min_size(
            Pos2::new(rect.min.x, rect.min.y + (offset - start) as f32 * row),
            Vec2::new(rect.width(), row),
        )
    };
    // Outlines first, one per line over all of its rows on screen.
    let mut offset = start;
    while offset < end {
        let Some(line) = rows.get(offset).map(|row| row.0) else {
            break;
        };
        let last = (offset..end)
            .take_while(|at| rows.get(*at).is_some_and(|row| row.0 == line))
            .last()
            .unwrap_or(offset);
        let line_rect = row_rect(offset).union(row_rect(last));
        if Some(line) == primary {
            running_line_ui(
                &clipped,
                theme,
                line_rect,
                row_rect(offset).center().y,
                font.clone(),
            );
            shown.current = lines.get(line).map(|text| (line_rect, text.as_str()));
            shown.anchor_y = Some(line_rect.center().y);
        } else if Some(line) == secondary {
            clipped.rect(
                line_rect,
                3.0,
                theme.canvas,
                theme.thin(),
                egui::StrokeKind::Inside,
            );
            shown.anchor_y = Some(line_rect.center().y);
        }
        if flagged.is_some_and(|(flag, _)| flag == line) {
            clipped.rect(
                line_rect,
                3.0,
                theme.tint(Role::Bad),
                theme.thick(theme.line(Role::Bad)),
                egui::StrokeKind::Inside,
            );
            shown.anchor_y = shown.anchor_y.or(Some(line_rect.center().y));
        }
        offset = last + 1;
    }
    for (offset, (_, text)) in rows.iter().enumerate().take(end).skip(start) {
        clipped.text(
            Pos2::new(rect.min.x + marker_width, row_rect(offset).center().y),
            Align2::LEFT_CENTER,
            text,
            font.clone(),
            theme.text,
        );
    }
    if !fits && rect.height() >= 2.0 * row {
        let first = rows.get(start).map_or(0, |(line, _)| *line) + 1;
        let last = rows.get(end.saturating_sub(1)).map_or(0, |(line, _)| *line) + 1;
        clipped.text(
            Pos2::new(
                rect.max.x - 4.0,
                rect.min.y + visible as f32 * row + row / 2.0,
            ),
            Align2::RIGHT_CENTER,
            format!("lines {first}–{last} of {}", lines.len()),
            theme.small(),
            theme.text_muted,
        );
    }
    shown
}

/// Marks the line that runs now: an accent outline and a `▸` at its left, centred on
/// `marker_y` (its first row).
pub(super) fn running_line_ui(
    painter: &Painter,
    theme: &Theme,
    line_rect: Rect,
    marker_y: f32,
    font: FontId,
) {
    painter.rect(
        line_rect,
        3.0,
        theme.canvas,
        theme.thick(theme.accent),
        egui::StrokeKind::Inside,
    );
    painter.text(
        Pos2::new(line_rect.min.x + 3.0, marker_y),
        Align2::LEFT_CENTER,
        "▸",
        font,
        theme.text,
    );
}
