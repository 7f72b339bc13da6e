//! The review settings window: daily limits, desired retention, learning and relearning steps,
//! the longest interval and the hour a new review day starts. Edits are checked before they are
//! applied; a bad value is named and nothing changes.

use egui::{RichText, Ui};

use super::Reviewer;
use crate::review::config::{SchedulerConfig, format_steps, parse_steps};
use crate::theme::Theme;

/// The window's state: the settings being edited.
pub struct SettingsState {
    /// Whether the window is open.
    pub open: bool,
    draft: SchedulerConfig,
    learning_text: String,
    relearning_text: String,
    message: Option<String>,
}

impl SettingsState {
    /// Opens the window on the reviewer's current settings.
    pub fn show(&mut self, current: &SchedulerConfig) {
        *self = Self::editing(current);
        self.open = true;
    }

    fn editing(current: &SchedulerConfig) -> Self {
        Self {
            open: false,
            draft: current.clone(),
            learning_text: format_steps(&current.learning_steps_secs),
            relearning_text: format_steps(&current.relearning_steps_secs),
            message: None,
        }
    }
}

impl Default for SettingsState {
    fn default() -> Self {
        Self::editing(&SchedulerConfig::default())
    }
}

/// One labelled row of the settings grid; the label names the widget for screen readers.
fn row(ui: &mut Ui, label: &str, widget: impl egui::Widget) -> egui::Response {
    let label = ui.label(label);
    let response = ui.add(widget).labelled_by(label.id);
    ui.end_row();
    response
}

/// Draws the window; returns the settings to save when the student applied valid ones.
pub fn settings_window(
    ctx: &egui::Context,
    theme: &Theme,
    reviewer: &mut Reviewer,
    state: &mut SettingsState,
) -> Option<SchedulerConfig> {
    let mut open = state.open;
    let mut applied = None;
    crate::dialog::centered_window(ctx, "Review settings")
        .open(&mut open)
        .resizable(false)
        .show(ctx, |ui| applied = settings_ui(ui, theme, reviewer, state));
    state.open = open && applied.is_none();
    applied
}

fn settings_ui(
    ui: &mut Ui,
    theme: &Theme,
    reviewer: &mut Reviewer,
    state: &mut SettingsState,
) -> Option<SchedulerConfig> {
    egui::Grid::new("review-settings")
        .num_columns(2)
        .show(ui, |ui| {
            let draft = &mut state.draft;
            row(
                ui,
                "New cards per day",
                egui::DragValue::new(&mut draft.new_cards_per_day).range(0..=9999),
            );
            row(
                ui,
                "Reviews per day",
                egui::DragValue::new(&mut draft.reviews_per_day).range(0..=99_999),
            );
            row(
                ui,
                "Desired retention",
                egui::Slider::new(&mut draft.desired_retention, 0.70..=0.99).fixed_decimals(2),
            )
            .on_hover_text(
                "The chance of remembering a card when it comes due; higher means more reviews",
            );
            row(
                ui,
                "Learning steps",
                egui::TextEdit::singleline(&mut state.learning_text),
            )
            .on_hover_text("Delays before a new card graduates, e.g. 1m 10m");
            row(
                ui,
                "Relearning steps",
                egui::TextEdit::singleline(&mut state.relearning_text),
            )
            .on_hover_text("Delays after a lapse (Again on a review card), e.g. 10m");
            let draft = &mut state.draft;
            row(
                ui,
                "Longest interval (days)",
                egui::DragValue::new(&mut draft.maximum_interval_days).range(1..=36_500),
            );
            row(
                ui,
                "New day starts at (hour)",
                egui::DragValue::new(&mut draft.rollover_hour).range(0..=23),
            );
            ui.label("");
            ui.checkbox(&mut draft.fuzz, "Spread intervals (fuzz)");
            ui.end_row();
        });
    if let Some(message) = &state.message {
        ui.label(RichText::new(message).color(theme.text));
    }
    let mut applied = None;
    ui.horizontal(|ui| {
        if ui.button("Apply").clicked() {
            let mut config = state.draft.clone();
            let parsed = parse_steps(&state.learning_text).and_then(|learning| {
                config.learning_steps_secs = learning;
                parse_steps(&state.relearning_text)
            });
            let result = parsed.and_then(|relearning| {
                config.relearning_steps_secs = relearning;
                reviewer.set_config(config.clone())
            });
            match result {
                Ok(()) => applied = Some(config),
                Err(message) => state.message = Some(format!("Not applied: {message}")),
            }
        }
        if ui.button("Defaults").clicked() {
            *state = SettingsState::editing(&SchedulerConfig::default());
            state.open = true;
        }
    });
    applied
}
