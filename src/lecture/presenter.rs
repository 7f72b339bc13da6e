//! The presenter's window: the current scene's speaker notes, what comes next, and the time
//! since the presentation started. It is a second OS window (drag it to the laptop screen while
//! the main window fills the projector); where a platform cannot open one, egui shows it as a
//! window inside the main one.

use egui::{RichText, ViewportBuilder, ViewportId};

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

/// Shows the presenter window while `presentation.presenter_open`; `caption` is the current
/// step's caption.
pub fn presenter_window(
    ctx: &egui::Context,
    theme: &Theme,
    presentation: &mut Presentation,
    caption: &str,
) -> Option<PresenterAction> {
    if !presentation.presenter_open {
        return None;
    }
    let now = ctx.input(|input| input.time);
    let elapsed = now - presentation.started_at.unwrap_or(now);
    let builder = ViewportBuilder::default()
        .with_title("virtscope presenter")
        .with_inner_size([640.0, 480.0]);
    let (action, closed) = ctx.show_viewport_immediate(
        ViewportId::from_hash_of("presenter"),
        builder,
        |ui, _class| {
            let mut action = None;
            egui::CentralPanel::default().show(ui, |ui| {
                let minutes = (elapsed / 60.0).floor();
                let seconds = (elapsed - minutes * 60.0).floor();
                ui.horizontal(|ui| {
                    ui.heading(format!("{minutes:02}:{seconds:02} elapsed"));
                    if ui.button("◀ Previous").clicked() {
                        action = Some(PresenterAction::Previous);
                    }
                    if ui.button("Next ▶").clicked() {
                        action = Some(PresenterAction::Next);
                    }
                });
                ui.label(RichText::new(caption).color(theme.text_muted));
                ui.separator();
                match &presentation.lecture {
                    Some((lecture, index)) => {
                        ui.label(format!(
                            "{} · scene {} of {}",
                            lecture.title,
                            index + 1,
                            lecture.slides.len()
                        ));
                        if let Some(slide) = presentation.slide() {
                            ui.monospace(slide.link.to_string());
                            ui.label(RichText::new(&slide.notes).size(theme.heading_size));
                        }
                        ui.separator();
                        match presentation.next_slide() {
                            Some(next) => {
                                ui.label(RichText::new("Next").strong());
                                ui.monospace(next.link.to_string());
                                ui.label(next.notes.lines().next().unwrap_or_default());
                            }
                            None => {
                                ui.label("This is the last scene.");
                            }
                        }
                    }
                    None => {
                        ui.label("No lecture script: start one with `virtscope --lecture FILE`.");
                    }
                }
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
