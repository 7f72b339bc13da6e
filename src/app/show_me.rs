//! "Show me": a card's scene opened with the card's question kept in view above it, and the
//! labels and values the card lists (`shows`) outlined where the scene paints them, so the
//! student compares card and picture.
//!
//! The strip sits between the scene's controls and its canvas, so it never covers the picture.
//! The outlines are found in what the canvas painted this frame (the same reading of painted
//! text as `deck check` uses, [`crate::painted`]) and drawn on top of it; they are not part of
//! the scene, its link or its exports. The strip goes away when the student closes it or moves
//! to another scene (another tab, view, preset or selection); stepping through the scene keeps
//! it, and a button brings the card's own step back.

use egui::{Rect, RichText, Ui};

use super::{Pane, VirtscopeApp};
use crate::deck::markdown::plain_text;
use crate::painted::visible_texts;
use crate::scene::SceneLink;
use crate::theme::Theme;

/// The card whose scene is shown.
#[derive(Clone, Debug, PartialEq)]
pub struct ShowMe {
    /// The card's id.
    pub card_id: String,
    /// Its question, as plain text.
    pub question: String,
    /// The card's scene link as its tab prints it (position included).
    pub link: SceneLink,
    /// The terms to outline.
    pub terms: Vec<String>,
    /// Which terms the canvas painted in the last frame (same order as `terms`).
    pub found: Vec<bool>,
}

impl VirtscopeApp {
    /// Opens the scene of the card `key` with its question kept in view. A card without a
    /// scene, or whose link does not open, changes nothing (the status line says why).
    pub(super) fn show_card(&mut self, key: &crate::reviewer::CardKey) {
        let Some(card) = self.reviewer.card_in(key) else {
            return;
        };
        let Some(link) = card.scene.as_deref().and_then(|s| SceneLink::parse(s).ok()) else {
            return;
        };
        let (question, terms) = (plain_text(&card.front), card.shows.clone());
        self.open_link(&link);
        // The scene gets the keyboard, so Space plays it; a click in the panel or F6 gives the
        // keyboard back.
        self.pane = Pane::Scene;
        if self.status.as_ref().is_none_or(|status| !status.is_error) {
            self.show_me = Some(ShowMe {
                card_id: key.card_id.clone(),
                question,
                link: self.current_link(),
                found: vec![false; terms.len()],
                terms,
            });
        }
    }

    /// The card shown with "Show me", while its scene is on screen.
    pub fn shown_card(&self) -> Option<&ShowMe> {
        self.show_me.as_ref()
    }

    /// The strip above the canvas: the question, the terms (✔ where the scene paints them now),
    /// a way back to the card's step and a close button. Drops the strip once the student is on
    /// another scene.
    pub(super) fn show_me_strip_ui(&mut self, ui: &mut Ui, theme: &Theme) {
        let Some(show) = &self.show_me else {
            return;
        };
        let here = self.current_link();
        if here.place() != show.link.place() {
            self.show_me = None;
            return;
        }
        let mut close = false;
        let mut back = false;
        let at_card_step = here == show.link;
        egui::Frame::NONE
            .fill(theme.surface)
            .stroke(theme.thick(theme.accent))
            .inner_margin(egui::Margin::symmetric(10, 6))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        RichText::new(format!("Card: {}", show.question))
                            .strong()
                            .size(theme.body_size * 1.1),
                    );
                    if ui
                        .small_button("× Hide")
                        .on_hover_text("Hide the card's question and the outlines")
                        .clicked()
                    {
                        close = true;
                    }
                });
                if !show.terms.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new("Look for").color(theme.text_muted))
                            .on_hover_text(
                                "What the card's answer names, outlined where the scene paints it",
                            );
                        for (term, found) in show.terms.iter().zip(&show.found) {
                            let (mark, hint) = if *found {
                                ("✔", "painted here, outlined in the scene")
                            } else {
                                ("○", "not painted at this step")
                            };
                            ui.label(format!("{mark} {term}")).on_hover_text(hint);
                        }
                        if !at_card_step
                            && ui
                                .small_button("Back to the card's step")
                                .on_hover_text(show.link.to_string())
                                .clicked()
                        {
                            back = true;
                        }
                    });
                }
            });
        if close {
            self.show_me = None;
        } else if back {
            let link = show.link.clone();
            self.open_link(&link);
        }
    }

    /// Outlines every term of the shown card that the canvas painted this frame (the shapes from
    /// `first_shape` on in the canvas's layer), and remembers which terms were found.
    pub(super) fn show_me_emphasis_ui(
        &mut self,
        ui: &Ui,
        theme: &Theme,
        canvas: Rect,
        first_shape: usize,
    ) {
        let Some(show) = &mut self.show_me else {
            return;
        };
        let layer = ui.layer_id();
        let texts = ui.ctx().graphics(|graphics| {
            graphics.get(layer).map_or_else(Vec::new, |list| {
                visible_texts(list.all_entries().skip(first_shape))
            })
        });
        let painter = ui.painter().with_clip_rect(canvas);
        let stroke = theme.thick(theme.accent);
        let mut found = vec![false; show.terms.len()];
        for (term, found) in show.terms.iter().zip(&mut found) {
            for rect in texts.iter().flat_map(|text| text.find(term)) {
                *found = true;
                painter.rect_stroke(rect.expand(3.0), 3.0, stroke, egui::StrokeKind::Outside);
            }
        }
        if found != show.found {
            show.found = found;
            ui.ctx().request_repaint();
        }
    }

    /// The number of shapes the canvas's layer holds before the canvas paints.
    pub(super) fn shapes_painted(ui: &Ui) -> usize {
        let layer = ui.layer_id();
        ui.ctx()
            .graphics(|graphics| graphics.get(layer).map_or(0, |list| list.next_idx().0))
    }
}
