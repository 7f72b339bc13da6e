//! The method's steps beside the timeline: each marked done, under way or still to come at the
//! moment shown, so scrubbing walks the list (the steps come from [`crate::tabs::migration::model::steps`]).

use egui::{Pos2, Rect, Ui};

use crate::draw;
use crate::tabs::migration::link::short_title;
use crate::tabs::migration::model::MigrationTimeline;
use crate::tabs::migration::model::steps::{StepState, method_steps, step_states};
use crate::theme::Theme;

/// Draws the steps of `timeline`'s method at `now_secs` into `rect` with `painter` (clipped to
/// `rect` by the caller); returns where the last step ends, inside the panel.
pub fn steps_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    timeline: &MigrationTimeline,
    now_secs: f64,
) -> f32 {
    let inner = draw::panel(
        painter,
        theme,
        rect,
        &format!("{} in steps", short_title(timeline.mode)),
    );
    let states = step_states(timeline, now_secs);
    let items: Vec<(String, StepState)> = method_steps(timeline.mode)
        .iter()
        .zip(&states)
        .enumerate()
        .map(|(index, (title, state))| (format!("{} {}. {title}", state.mark(), index + 1), *state))
        .collect();
    let mut y = inner.min.y;
    for (text, state) in &items {
        let color = match state {
            StepState::Next => theme.text_muted,
            _ => theme.text,
        };
        let used = draw::text_wrapped(
            painter,
            Pos2::new(inner.min.x, y),
            text,
            if *state == StepState::Now {
                theme.body()
            } else {
                theme.small()
            },
            color,
            inner.width(),
        );
        if *state == StepState::Now {
            painter.rect_stroke(
                used.expand(3.0),
                3.0,
                theme.thick(theme.accent),
                egui::StrokeKind::Outside,
            );
        }
        y = used.max.y + theme.small_size * 0.5;
    }
    let end = y - theme.small_size * 0.5 + 3.0;
    let summary = items
        .iter()
        .map(|(text, _)| text.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    draw::label_region(ui, rect, ("migration-steps", timeline.mode.slug()), || {
        summary.clone()
    });
    end
}
