//! The presenter's window: the step of the scene on screen, the time since the presentation
//! started, the current scene's speaker notes as paragraphs, and what comes next.
//!
//! It is a second OS window. It opens on a second monitor when there is one (the slides keep
//! the first), else at the side of the slides' screen, big enough for the notes; the presenter
//! can move it. Where a platform cannot open a second window, egui shows it inside the main one.

use egui::{Pos2, Rect, RichText, Vec2, ViewportBuilder, ViewportId};

use super::Presentation;
use crate::theme::Theme;

/// What the presenter window asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresenterAction {
    /// Go to the previous step or scene.
    Previous,
    /// Go to the next step or scene.
    Next,
}

/// Where the scene on screen is, for the window's first line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// The current step's caption.
    pub caption: String,
    /// "Step 3 of 12" or "12.0 s of 30.0 s" (empty for a scene without a timeline).
    pub position: String,
}

/// The smallest presenter window that shows notes and the next scene without cutting them.
pub const MIN_SIZE: Vec2 = Vec2::new(640.0, 560.0);

/// Where the presenter window opens, in points: on the first monitor that does not hold the
/// slides (most of it), else at the right of the slides' monitor, 40 % of its width and 75 % of
/// its height, but never smaller than [`MIN_SIZE`].
pub fn placement(slides: Rect, monitors: &[Rect]) -> Rect {
    let center = slides.center();
    if let Some(other) = monitors.iter().find(|monitor| !monitor.contains(center)) {
        return other.shrink2(other.size() * 0.05);
    }
    let screen = monitors
        .iter()
        .find(|monitor| monitor.contains(center))
        .copied()
        .unwrap_or(slides);
    let size = Vec2::new(screen.width() * 0.4, screen.height() * 0.75)
        .max(MIN_SIZE)
        .min(screen.size());
    let min = Pos2::new(
        screen.max.x - size.x,
        screen.min.y + (screen.height() - size.y) / 2.0,
    );
    Rect::from_min_size(min, size)
}

/// Speaker notes as paragraphs: the script's lines joined into flowing text, a blank line
/// between two paragraphs.
pub fn paragraphs(notes: &str) -> Vec<String> {
    notes
        .split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
}

/// Shows the presenter window while `presentation.presenter_open`; `monitors` are the screens
/// in points when the platform lists them.
pub fn presenter_window(
    ctx: &egui::Context,
    theme: &Theme,
    presentation: &mut Presentation,
    progress: &Progress,
    monitors: &[Rect],
) -> Option<PresenterAction> {
    if !presentation.presenter_open {
        return None;
    }
    let now = ctx.input(|input| input.time);
    let elapsed = now - presentation.started_at.unwrap_or(now);
    let slides = ctx
        .input(|input| input.viewport().outer_rect)
        .unwrap_or_else(|| ctx.content_rect());
    let place = placement(slides, monitors);
    let builder = ViewportBuilder::default()
        .with_title("virtscope presenter")
        .with_position(place.min)
        .with_inner_size(place.size())
        .with_min_inner_size(MIN_SIZE);
    let (action, closed) = ctx.show_viewport_immediate(
        ViewportId::from_hash_of("presenter"),
        builder,
        |ui, _class| {
            let mut action = None;
            egui::CentralPanel::default().show(ui, |ui| {
                action = presenter_ui(ui, theme, presentation, progress, elapsed);
            });
            let closed = ui.ctx().input(|input| input.viewport().close_requested());
            (action, closed)
        },
    );
    if closed {
        presentation.presenter_open = false;
    }
    ctx.request_repaint_after(std::time::Duration::from_secs(1));
    action
}

fn presenter_ui(
    ui: &mut egui::Ui,
    theme: &Theme,
    presentation: &Presentation,
    progress: &Progress,
    elapsed: f64,
) -> Option<PresenterAction> {
    let mut action = None;
    let minutes = (elapsed / 60.0).floor();
    let seconds = (elapsed - minutes * 60.0).floor();
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!("{minutes:02}:{seconds:02} elapsed"));
        if !progress.position.is_empty() {
            ui.separator();
            ui.heading(&progress.position);
        }
        if ui.button("◀ Previous").clicked() {
            action = Some(PresenterAction::Previous);
        }
        if ui.button("Next ▶").clicked() {
            action = Some(PresenterAction::Next);
        }
    });
    if !progress.caption.is_empty() {
        ui.label(RichText::new(&progress.caption).color(theme.text_muted));
    }
    ui.separator();
    let Some((lecture, index)) = &presentation.lecture else {
        ui.label("No lecture script: start one with `virtscope --lecture FILE`.");
        return action;
    };
    ui.label(format!(
        "{} · scene {} of {}",
        lecture.title,
        index + 1,
        lecture.slides.len()
    ));
    egui::ScrollArea::vertical()
        .auto_shrink(false)
        .show(ui, |ui| {
            if let Some(slide) = presentation.slide() {
                ui.monospace(slide.link.to_string());
                for paragraph in paragraphs(&slide.notes) {
                    ui.label(RichText::new(paragraph).size(theme.heading_size));
                    ui.add_space(theme.body_size * 0.5);
                }
            }
            ui.separator();
            match presentation.next_slide() {
                Some(next) => {
                    ui.label(RichText::new("Next").strong());
                    ui.monospace(next.link.to_string());
                    if let Some(first) = paragraphs(&next.notes).first() {
                        ui.label(RichText::new(first).color(theme.text_muted));
                    }
                }
                None => {
                    ui.label("This is the last scene.");
                }
            }
        });
    action
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect::from_min_size(Pos2::new(x, y), Vec2::new(w, h))
    }

    #[test]
    fn a_second_monitor_takes_the_presenter() {
        let slides = rect(0.0, 0.0, 1280.0, 720.0);
        let laptop = rect(1280.0, 0.0, 1440.0, 900.0);
        let place = placement(slides, &[rect(0.0, 0.0, 1280.0, 720.0), laptop]);
        assert!(
            laptop.contains_rect(place) && place.width() > 1200.0,
            "{place:?}"
        );
    }

    #[test]
    fn on_one_monitor_it_opens_at_the_side_big_enough_for_notes() {
        let screen = rect(0.0, 0.0, 1920.0, 1080.0);
        let place = placement(screen, &[screen]);
        assert!(screen.contains_rect(place), "{place:?}");
        assert_eq!(place.max.x, 1920.0, "at the right edge, not over the title");
        assert!(place.width() >= MIN_SIZE.x && place.height() >= MIN_SIZE.y);
        let small = rect(0.0, 0.0, 1280.0, 720.0);
        let place = placement(small, &[]);
        assert!(
            place.width() >= MIN_SIZE.x && place.min.x > 0.0,
            "{place:?}"
        );
    }

    #[test]
    fn notes_flow_as_paragraphs() {
        let notes = "Six ways to run software.\nSame application,\nsame write.\n\nAsk: which?";
        assert_eq!(
            paragraphs(notes),
            vec![
                "Six ways to run software. Same application, same write.".to_owned(),
                "Ask: which?".to_owned()
            ]
        );
    }
}
