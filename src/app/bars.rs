//! The window around the scene: the menu bar with history and the scene-link field, the tab
//! strip, the timeline bar with the keyboard and status line, and the keyboard shortcuts window.

use super::{Pane, VirtscopeApp};
use crate::scene::SceneLink;
use crate::theme::{Role, ThemeKind};

impl VirtscopeApp {
    pub(super) fn top_bar_ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("top-bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| {
                    if ui.button("Export scene… (Ctrl+E)").clicked() {
                        self.export_dialog.show(self.settings.theme);
                    }
                    if ui.button("Present (F5)").clicked() {
                        let ctx = ui.ctx().clone();
                        self.start_presentation(&ctx, None);
                    }
                    if ui.button("Open scene link…").clicked() {
                        ui.ctx()
                            .memory_mut(|memory| memory.request_focus(self.link_field_id));
                    }
                    if ui.button("Quit").clicked() {
                        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                });
                ui.menu_button("View", |ui| {
                    ui.checkbox(
                        &mut self.settings.show_flashcards,
                        "Flashcards panel (Ctrl+Shift+F)",
                    );
                    if ui.button("Browse cards… (Ctrl+B)").clicked() {
                        self.browser.open = true;
                    }
                    if ui.button("Statistics…").clicked() {
                        self.stats.open = true;
                    }
                    if ui.button("Review settings…").clicked() {
                        let current = self.reviewer.scheduler().config().clone();
                        self.review_settings.show(&current);
                    }
                    ui.separator();
                    for kind in ThemeKind::ALL {
                        ui.radio_value(&mut self.settings.theme, kind, kind.title());
                    }
                    ui.separator();
                    egui::gui_zoom::zoom_menu_buttons(ui);
                });
                ui.menu_button("Help", |ui| {
                    if ui.button("Keyboard shortcuts").clicked() {
                        self.show_shortcuts = true;
                    }
                });
                ui.separator();
                let back = ui.add_enabled(self.history.can_go_back(), egui::Button::new("← Back"));
                if back.on_hover_text("Previous scene (Alt+Left)").clicked()
                    && let Some(link) = self.history.back()
                {
                    self.open_link(&link);
                }
                let forward = ui.add_enabled(
                    self.history.can_go_forward(),
                    egui::Button::new("Forward →"),
                );
                if forward.on_hover_text("Next scene (Alt+Right)").clicked()
                    && let Some(link) = self.history.forward()
                {
                    self.open_link(&link);
                }
                ui.label("Scene");
                let response = ui.add(
                    egui::TextEdit::singleline(&mut self.link_text)
                        .id(self.link_field_id)
                        .desired_width(ui.available_width())
                        .font(egui::TextStyle::Monospace),
                );
                if response.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter)) {
                    match SceneLink::parse(&self.link_text) {
                        Ok(link) => self.open_link(&link),
                        Err(err) => self.report_error(format!("Cannot open: {err}")),
                    }
                }
                response.on_hover_text("The link of this scene (Ctrl+L to type one)");
            });
            ui.horizontal(|ui| {
                let shown = self.tabs.shown_index();
                let mut clicked = None;
                for (index, tab) in self.tabs.iter().enumerate() {
                    let label = ui
                        .selectable_label(index == shown, tab.title())
                        .on_hover_text(format!("Ctrl+{}", index + 1));
                    if label.clicked() {
                        clicked = Some(index);
                    }
                }
                if let Some(index) = clicked {
                    self.tabs.select(index);
                }
            });
        });
    }

    pub(super) fn bottom_bar_ui(&mut self, ui: &mut egui::Ui) {
        let theme = self.theme.clone();
        egui::Panel::bottom("bottom-bar").show(ui, |ui| {
            if let Some(timeline) = self.tab_mut().timeline() {
                crate::timeline_ui::bar_ui(ui, timeline, &theme);
            }
            ui.horizontal_wrapped(|ui| {
                let (label, hint) = match self.pane {
                    Pane::Scene => (
                        "⌨ Keyboard: scene (Space plays; F6 or a click in the panel: flashcards)",
                        "Space, arrows, Home/End and [ ] drive the timeline",
                    ),
                    Pane::Flashcards => (
                        "⌨ Keyboard: flashcards (Space shows the answer, 1-4 grade, s shows the scene; F6: scene)",
                        "Space/Enter reveal, then grade Good; 1-4 grade; u undo; s shows the card's scene and gives it the keyboard; arrows still step the scene",
                    ),
                };
                ui.label(label).on_hover_text(hint);
                if let Some(status) = self.status.clone() {
                    ui.separator();
                    let (prefix, color) = if status.is_error {
                        ("⚠ Error:", theme.line(Role::Bad))
                    } else {
                        ("Note:", theme.text)
                    };
                    ui.colored_label(color, prefix);
                    ui.label(&status.text);
                    if ui.small_button("Dismiss").clicked() {
                        self.status = None;
                    }
                }
            });
        });
    }

    pub(super) fn shortcuts_window(&mut self, ctx: &egui::Context) {
        crate::dialog::centered_window(ctx, "Keyboard shortcuts")
            .open(&mut self.show_shortcuts)
            .resizable(false)
            .collapsible(false)
            .show(ctx, |ui| {
                egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        ui.monospace(*keys);
                        ui.label(*what);
                        ui.end_row();
                    }
                });
            });
    }
}

/// The shortcut table shown in Help → Keyboard shortcuts.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "Play / pause the timeline"),
    ("Left / Right", "Previous / next step"),
    (
        "PageUp / PageDown",
        "Previous / next step (presentation clickers)",
    ),
    ("Home / End", "Jump to the start / end"),
    ("[ / ]", "Slower / faster (0.25x to 4x)"),
    ("Ctrl+1 … Ctrl+6", "Switch tabs"),
    (
        "Alt+Left / Alt+Right",
        "Back / forward through visited scenes",
    ),
    ("Ctrl+= / Ctrl+- / Ctrl+0", "Zoom in / out / reset"),
    ("Ctrl+L", "Type a scene link"),
    ("Ctrl+E", "Export the scene (SVG, PNG, GIF)"),
    ("F5 / Esc", "Enter / leave presentation mode"),
    (
        "PageDown / PageUp",
        "Presenting: next / previous step, then scene",
    ),
    ("B or . / W", "Presenting: black / white screen"),
    (
        "L / P / E",
        "Presenting: laser, pen, erase ink (1-3 pen colour)",
    ),
    ("C / N", "Presenting: controls, presenter window"),
    ("F6", "Give the keyboard to the scene or the flashcards"),
    (
        "Space / Enter",
        "Flashcards: show the answer, then grade Good",
    ),
    ("1 / 2 / 3 / 4", "Flashcards: Again / Hard / Good / Easy"),
    ("u or Ctrl+Z", "Flashcards: undo the last answer"),
    ("s", "Flashcards: show the card's scene"),
    ("Ctrl+B", "Browse cards"),
    ("Ctrl+Shift+F", "Show or hide the Flashcards panel"),
];
