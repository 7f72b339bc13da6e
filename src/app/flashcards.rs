//! The shell's side of the flashcard reviewer: the panel beside every tab, which pane has the
//! keyboard, the browser and statistics windows, and the reviewer's commands.

use super::VirtscopeApp;
use super::commands::{Command, ReviewKeys};
use crate::reviewer::browser::browser_window;
use crate::reviewer::editor::{EditorAction, editor_window};
use crate::reviewer::panel::{PanelAction, panel_ui};
use crate::reviewer::settings_ui::settings_window;
use crate::reviewer::stats_ui::stats_window;

/// Which part of the window takes the keys that mean different things in each (Space above all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    /// The scene and its timeline.
    Scene,
    /// The Flashcards panel.
    Flashcards,
}

impl VirtscopeApp {
    /// Whether the reviewer takes its keys this frame: its panel is shown, has the keyboard, and
    /// a card is under review.
    pub(super) fn review_keys(&self) -> ReviewKeys {
        let current = self.reviewer.current();
        let available = self.settings.show_flashcards && current.is_some();
        ReviewKeys {
            active: available && self.pane == Pane::Flashcards,
            revealed: current.is_some_and(|c| c.revealed),
            available,
        }
    }

    /// Which pane has the keyboard.
    pub fn keyboard_pane(&self) -> Pane {
        self.pane
    }

    /// The reviewer (for tests and the CLI's view of progress).
    pub fn reviewer(&self) -> &crate::reviewer::Reviewer {
        &self.reviewer
    }

    /// Draws the Flashcards panel on the right (when shown); returns its rectangle.
    ///
    /// Its width is bounded by the window's ([`panel_width_range`]): egui would otherwise grow a
    /// panel to its widest content and keep that width, saved, for every later card and launch.
    pub(super) fn flashcards_panel_ui(&mut self, ui: &mut egui::Ui) -> Option<egui::Rect> {
        if !self.settings.show_flashcards {
            return None;
        }
        let theme = self.theme.clone();
        let here = crate::tabs::Landing::of(self.tab_mut());
        let has_keyboard = self.pane == Pane::Flashcards;
        let (default_width, range) = panel_width_range(ui.available_width());
        let response = egui::Panel::right("flashcards")
            .resizable(true)
            .default_size(default_width)
            .size_range(range)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("flashcards-scroll")
                    .show(ui, |ui| {
                        panel_ui(
                            ui,
                            &theme,
                            &mut self.reviewer,
                            &mut self.panel,
                            &here,
                            has_keyboard,
                        )
                    })
                    .inner
            });
        let rect = response.response.rect;
        for action in response.inner {
            self.apply_panel_action(action);
        }
        Some(rect)
    }

    /// The browser and statistics windows.
    pub(super) fn flashcard_windows(&mut self, ctx: &egui::Context) {
        let theme = self.theme.clone();
        for action in browser_window(ctx, &theme, &mut self.reviewer, &mut self.browser) {
            // The browser covers the middle of the window: it closes so the scene is seen.
            if matches!(action, PanelAction::ShowCard(_)) {
                self.browser.open = false;
            }
            self.apply_panel_action(action);
        }
        let scene = self.current_link();
        let history = self.history.recent();
        for action in editor_window(
            ctx,
            &theme,
            &mut self.reviewer,
            &mut self.editor,
            &scene,
            &history,
        ) {
            match action {
                EditorAction::Changed => {}
                EditorAction::ShowScene(link) => self.open_link(&link),
            }
            self.browser.invalidate();
            self.stats.invalidate();
        }
        stats_window(ctx, &theme, &self.reviewer, &mut self.stats);
        if let Some(config) =
            settings_window(ctx, &theme, &mut self.reviewer, &mut self.review_settings)
        {
            self.settings.review = config;
            self.browser.invalidate();
            self.stats.invalidate();
        }
    }

    fn apply_panel_action(&mut self, action: PanelAction) {
        match action {
            PanelAction::ShowCard(key) => self.show_card(&key),
            PanelAction::ShowScene(link) => self.open_link(&link),
            PanelAction::Browse => self.browser.open = true,
            PanelAction::Statistics => self.stats.open = true,
            PanelAction::Settings => {
                let current = self.reviewer.scheduler().config().clone();
                self.review_settings.show(&current);
            }
            PanelAction::AddCard => self.open_add_card(),
            PanelAction::EditCard(key) => self.editor.open_edit(&self.reviewer, &key),
        }
        self.browser.invalidate();
        self.stats.invalidate();
    }

    /// Shows a practice question of `family` in the Flashcards panel, with its scene open
    /// (`--practise`): the instance of `seed`, or of the moment now when there is none.
    pub fn practise(
        &mut self,
        family: &crate::quiz::Family,
        seed: Option<u64>,
    ) -> Result<(), crate::quiz::QuizError> {
        let seed = seed.unwrap_or_else(|| self.reviewer.now_secs().unsigned_abs());
        let instance = family.instance(seed)?;
        self.open_link(&instance.at);
        self.settings.show_flashcards = true;
        self.panel.quiz.ask(instance);
        Ok(())
    }

    /// Opens the Add card window with the scene on screen as the new card's link.
    fn open_add_card(&mut self) {
        let scene = self.current_link();
        self.editor.open_add(&self.reviewer, &scene);
    }

    /// Applies a reviewer command from the keyboard.
    pub(super) fn apply_flashcard_command(&mut self, command: &Command) {
        match command {
            Command::CycleFocus => {
                self.pane = match self.pane {
                    Pane::Scene if self.settings.show_flashcards => Pane::Flashcards,
                    _ => Pane::Scene,
                };
            }
            Command::ToggleFlashcards => {
                self.settings.show_flashcards = !self.settings.show_flashcards;
                if !self.settings.show_flashcards {
                    self.pane = Pane::Scene;
                }
            }
            Command::Browse => self.browser.open = !self.browser.open,
            Command::Reveal => self.reviewer.reveal(),
            Command::Grade(rating) => {
                self.reviewer.answer(*rating);
                self.browser.invalidate();
                self.stats.invalidate();
            }
            Command::Undo => {
                self.reviewer.undo();
                self.browser.invalidate();
                self.stats.invalidate();
            }
            Command::AddCard => self.open_add_card(),
            Command::EditCard => {
                if let Some(key) = self.reviewer.current_key() {
                    self.editor.open_edit(&self.reviewer, &key);
                }
            }
            Command::ShowMe => {
                if let Some(key) = self.reviewer.current_key() {
                    self.show_card(&key);
                }
            }
            _ => {}
        }
    }
}

/// The Flashcards panel's default width and the range it may be resized in, for a window
/// `window_width` points wide: near 28 % by default, never under 18 % (or 240 points) nor over 40 %,
/// so the scene keeps most of the window.
pub fn panel_width_range(window_width: f32) -> (f32, egui::Rangef) {
    let max = window_width * 0.4;
    let min = (window_width * 0.18).max(240.0).min(max);
    let default = (window_width * 0.28).clamp(min, max);
    (default, egui::Rangef::new(min, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panel_takes_a_bounded_share_of_the_window() {
        let (default, range) = panel_width_range(1440.0);
        assert!((default - 403.2).abs() < 0.1, "{default}");
        assert_eq!(range.max, 576.0);
        assert_eq!(range.min, 259.2);
        let (default, range) = panel_width_range(500.0);
        assert!(range.min <= default && default <= range.max && range.max == 200.0);
    }
}
