//! The Flashcards side panel: progress line, the card under review with its answer buttons,
//! "Show me", undo, the cards linked to the scene on screen, and opening decks.

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::markdown_ui::markdown_ui;
use super::quiz_ui::{self, QuizState};
use super::{CardKey, Reviewer};
use crate::deck::markdown::plain_text;
use crate::review::rating::Rating;
use crate::scene::SceneLink;
use crate::tabs::Landing;
use crate::theme::{Role, Theme};

/// What the panel asks the app to do.
#[derive(Clone, Debug, PartialEq)]
pub enum PanelAction {
    /// Show this card's scene in the main area, with the card's question kept in view ("Show me").
    ShowCard(CardKey),
    /// Show this scene in the main area: a quiz's question or the step that shows why.
    ShowScene(SceneLink),
    /// Open the card browser.
    Browse,
    /// Open the statistics window.
    Statistics,
    /// Open the review settings.
    Settings,
    /// Open the Add card window.
    AddCard,
    /// Open the Edit card window on this card of a reviewed deck.
    EditCard(CardKey),
}

/// UI state of the panel that is not review state.
#[derive(Default)]
pub struct PanelState {
    /// The typed deck path (used when no file dialog is available).
    pub path_text: String,
    /// Whether the typed-path field is shown.
    pub show_path_field: bool,
    /// Why the last "Open deck…" did nothing or failed.
    pub open_message: Option<String>,
    /// The linked card whose answer is expanded in "Cards about this scene".
    pub expanded: Option<CardKey>,
    /// Quiz questions: the due quiz card's instance, practice, the last outcome.
    pub quiz: QuizState,
    /// Whether the new-deck field is shown.
    pub show_new_deck: bool,
    /// The typed name of a new deck.
    pub new_deck_name: String,
}

/// What the deck menu chooses: every deck at once, the built-in deck, or a deck file.
#[derive(Clone, Debug, PartialEq, Eq)]
enum DeckChoice {
    All,
    Builtin,
    File(PathBuf),
}

/// The title of the "All decks" entry of the deck menu.
pub const ALL_DECKS: &str = "All decks";

/// The deck the panel reviews: all of them, the built-in deck or one of the user's (their files
/// in the data folder, and the deck opened from elsewhere).
fn deck_choice_ui(ui: &mut Ui, reviewer: &mut Reviewer, state: &mut PanelState) {
    let builtin_name = reviewer.builtin_name().to_owned();
    let loaded = match reviewer.deck_path() {
        _ if reviewer.is_all_decks() => DeckChoice::All,
        None => DeckChoice::Builtin,
        Some(path) => DeckChoice::File(path.to_owned()),
    };
    let mut choice = loaded.clone();
    let label = ui.label("Deck");
    let selected = if reviewer.is_all_decks() {
        ALL_DECKS.to_owned()
    } else {
        reviewer.deck().meta.name.clone()
    };
    egui::ComboBox::from_id_salt("panel-deck")
        .selected_text(selected)
        .truncate()
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut choice, DeckChoice::All, ALL_DECKS)
                .on_hover_text("Review the due cards of every deck in one queue");
            ui.selectable_value(
                &mut choice,
                DeckChoice::Builtin,
                format!("{builtin_name} (built in)"),
            );
            let (decks, problems) = reviewer.user_decks();
            for deck in decks {
                ui.selectable_value(
                    &mut choice,
                    DeckChoice::File(deck.path.clone()),
                    format!("{} ({} cards)", deck.name, deck.cards),
                );
            }
            if let DeckChoice::File(path) = &loaded
                && !decks.iter().any(|d| &d.path == path)
            {
                let name = reviewer.deck().meta.name.clone();
                ui.selectable_value(&mut choice, loaded.clone(), name);
            }
            for problem in problems {
                ui.label(format!("⚠ {problem}"));
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text("Which deck the panel reviews");
    if choice != loaded {
        match choice {
            DeckChoice::All => {
                reviewer.open_all_decks();
                state.open_message = None;
            }
            DeckChoice::Builtin => {
                reviewer.open_builtin();
                state.open_message = None;
            }
            DeckChoice::File(path) => open_path(reviewer, state, path),
        }
    }
}

fn new_deck_ui(ui: &mut Ui, reviewer: &mut Reviewer, state: &mut PanelState) {
    ui.horizontal(|ui| {
        let label = ui.label("New deck");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut state.new_deck_name)
                    .hint_text("name")
                    .desired_width(ui.available_width() - 70.0),
            )
            .labelled_by(label.id);
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if (ui.button("Create").clicked() || enter) && !state.new_deck_name.trim().is_empty() {
            match reviewer.create_deck(&state.new_deck_name) {
                Ok(path) => {
                    state.new_deck_name.clear();
                    state.show_new_deck = false;
                    open_path(reviewer, state, path);
                }
                Err(message) => state.open_message = Some(message.to_string()),
            }
        }
    });
}

/// Draws the panel. `has_keyboard` tells whether the reviewer's keys are active, shown by an
/// outline and a line of text (colour is not the only cue).
pub fn panel_ui(
    ui: &mut Ui,
    theme: &Theme,
    reviewer: &mut Reviewer,
    state: &mut PanelState,
    here: &Landing,
    has_keyboard: bool,
) -> Vec<PanelAction> {
    let mut actions = Vec::new();
    reviewer.poll_background();
    ui.horizontal(|ui| {
        ui.heading("Flashcards");
        if has_keyboard {
            ui.label(RichText::new("⌨ keys active").color(theme.text_muted))
                .on_hover_text("Space/Enter reveal, 1-4 grade, u undo, s show me, e edit, a add. F6 gives the keys to the scene.");
        }
    });
    deck_line_ui(ui, theme, reviewer, state);
    ui.label(RichText::new(reviewer.counts().to_string()).strong())
        .on_hover_text("Cards left today: new, learning and review (due)");
    ui.separator();

    for notice in reviewer.notices().to_vec() {
        ui.label(RichText::new(format!("⚠ {notice}")).color(theme.text));
    }
    if !reviewer.notices().is_empty() && ui.small_button("Dismiss messages").clicked() {
        reviewer.clear_notices();
    }
    if let Some(problem) = reviewer.problem() {
        ui.label(RichText::new(format!("⚠ {problem}")).color(theme.text));
    }

    let stroke = if has_keyboard {
        theme.thick(theme.accent)
    } else {
        theme.thin()
    };
    state.quiz.set_scene(&here.place);
    quiz_ui::practice_and_result_ui(ui, theme, reviewer, &mut state.quiz, &mut actions);
    card_frame(theme, stroke).show(ui, |ui| {
        ui.set_width(ui.available_width());
        card_ui(ui, theme, reviewer, &mut state.quiz, &mut actions);
    });

    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Browse…")
            .on_hover_text("Search, sort, suspend (Ctrl+B)")
            .clicked()
        {
            actions.push(PanelAction::Browse);
        }
        if ui
            .add(egui::Button::new("Add card…").shortcut_text("A"))
            .on_hover_text("Write a card linked to the scene on screen")
            .clicked()
        {
            actions.push(PanelAction::AddCard);
        }
        if ui.button("Statistics…").clicked() {
            actions.push(PanelAction::Statistics);
        }
        if ui
            .button("Settings…")
            .on_hover_text("Daily limits, desired retention, learning steps")
            .clicked()
        {
            actions.push(PanelAction::Settings);
        }
    });
    ui.separator();
    linked_cards_ui(ui, theme, reviewer, state, here, &mut actions);
    actions
}

/// The box a card's question and answer sit in (the review card, the editor's preview, a
/// practice question), outlined with `stroke`.
pub(super) fn card_frame(theme: &Theme, stroke: egui::Stroke) -> egui::Frame {
    egui::Frame::NONE
        .fill(theme.surface)
        .stroke(stroke)
        .corner_radius(6)
        .inner_margin(10)
}

fn deck_line_ui(ui: &mut Ui, theme: &Theme, reviewer: &mut Reviewer, state: &mut PanelState) {
    ui.horizontal_wrapped(|ui| {
        deck_choice_ui(ui, reviewer, state);
        if ui.small_button("Open deck…").clicked() {
            state.open_message = None;
            let picked = rfd::FileDialog::new()
                .set_title("Open a deck")
                .add_filter("Decks (TOML, Anki text, plain Q&A)", &["toml", "txt", "csv", "tsv"])
                .pick_file();
            match picked {
                Some(path) => open_path(reviewer, state, path),
                None => {
                    state.show_path_field = true;
                    state.open_message = Some(
                        "No file was chosen. If no dialog appeared, this system has no file chooser \
                         (it needs xdg-desktop-portal or zenity): type the path below."
                            .to_owned(),
                    );
                }
            }
        }
        if ui
            .small_button("Type a path…")
            .on_hover_text("Open a deck by typing its path")
            .clicked()
        {
            state.show_path_field = !state.show_path_field;
        }
        if ui
            .small_button("New deck…")
            .on_hover_text("Create an empty deck of your own")
            .clicked()
        {
            state.show_new_deck = !state.show_new_deck;
        }
    });
    if state.show_new_deck {
        new_deck_ui(ui, reviewer, state);
    }
    if state.show_path_field {
        ui.horizontal(|ui| {
            let label = ui.label("Deck path");
            let field = ui
                .add(
                    egui::TextEdit::singleline(&mut state.path_text)
                        .hint_text("/path/to/deck.toml")
                        .desired_width(ui.available_width() - 60.0),
                )
                .labelled_by(label.id);
            let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if (ui.button("Open").clicked() || enter) && !state.path_text.trim().is_empty() {
                let path = PathBuf::from(state.path_text.trim());
                open_path(reviewer, state, path);
            }
        });
    }
    if let Some(message) = &state.open_message {
        ui.label(RichText::new(message).color(theme.text));
    }
}

fn open_path(reviewer: &mut Reviewer, state: &mut PanelState, path: PathBuf) {
    match reviewer.open_deck(&path) {
        Ok(()) => {
            state.open_message = None;
            state.show_path_field = false;
        }
        Err(message) => {
            state.open_message = Some(format!(
                "Could not open the deck; the current deck and progress are unchanged. {message}"
            ));
        }
    }
}

fn card_ui(
    ui: &mut Ui,
    theme: &Theme,
    reviewer: &mut Reviewer,
    quiz: &mut QuizState,
    actions: &mut Vec<PanelAction>,
) {
    let size = theme.body_size * 1.1;
    let Some(current) = reviewer.current().cloned() else {
        let text = if reviewer.problem().is_some() {
            "Reviewing needs the progress store (see above)."
        } else if reviewer.answered_this_session() > 0 {
            "Done for today: no more cards are due. Come back tomorrow, or browse the deck."
        } else {
            "No cards are due right now."
        };
        ui.label(RichText::new(text).size(size));
        if reviewer.undo_is_card_change()
            && ui
                .add(egui::Button::new("Undo").shortcut_text("Ctrl+Z"))
                .on_hover_text("Undo the last card change")
                .clicked()
        {
            reviewer.undo();
        }
        return;
    };
    if reviewer.current_quiz().is_some() {
        quiz_ui::due_quiz_ui(ui, theme, reviewer, quiz, actions);
        ui.add_space(4.0);
        if ui
            .add(egui::Button::new("Undo").shortcut_text("u"))
            .clicked()
        {
            reviewer.undo();
        }
        return;
    }
    let key = CardKey::new(&current.deck_id, &current.card_id);
    let Some(card) = reviewer.card_in(&key).cloned() else {
        return;
    };
    if reviewer.is_all_decks()
        && let Some(deck) = reviewer.deck_name(&key.deck_id)
    {
        ui.label(
            RichText::new(format!("Deck: {deck}"))
                .color(theme.text_muted)
                .small(),
        )
        .on_hover_text("The deck this card is from");
    }
    markdown_ui(ui, theme, &card.front, size);
    if current.revealed {
        ui.separator();
        markdown_ui(ui, theme, &card.back, size);
        if let Some(note) = &card.note {
            ui.add_space(4.0);
            ui.label(
                RichText::new(format!("Note: {note}"))
                    .color(theme.text_muted)
                    .small(),
            );
        }
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            for (rating, label) in Rating::ALL.iter().zip(current.labels.iter()) {
                let text = format!("{} {}", rating.title(), label);
                let button = egui::Button::new(text).shortcut_text(rating.number().to_string());
                let fill = match rating {
                    Rating::Again => theme.tint(Role::Bad),
                    Rating::Hard => theme.tint(Role::Warn),
                    Rating::Good => theme.tint(Role::Good),
                    Rating::Easy => theme.tint(Role::App),
                };
                if ui.add(button.fill(fill)).clicked() {
                    reviewer.answer(*rating);
                }
            }
        });
    } else if ui
        .add(egui::Button::new("Show answer").shortcut_text("Space"))
        .clicked()
    {
        reviewer.reveal();
    }
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let link = reviewer.current_scene();
        let show = ui.add_enabled(
            link.is_some(),
            egui::Button::new("Show me").shortcut_text("s"),
        );
        if let Some(link) = link
            && show.on_hover_text(link.to_string()).clicked()
        {
            actions.push(PanelAction::ShowCard(key.clone()));
        }
        if ui
            .add(egui::Button::new("Edit").shortcut_text("e"))
            .on_hover_text("Edit this card")
            .clicked()
        {
            actions.push(PanelAction::EditCard(key.clone()));
        }
        let undo_hover = if reviewer.undo_is_card_change() {
            "Undo the last card change"
        } else {
            "Undo the last answer"
        };
        if ui
            .add(egui::Button::new("Undo").shortcut_text("u"))
            .on_hover_text(undo_hover)
            .clicked()
        {
            reviewer.undo();
        }
        quiz_ui::practise_card_button_ui(ui, reviewer, quiz, &current.card_id);
    });
}

fn linked_cards_ui(
    ui: &mut Ui,
    theme: &Theme,
    reviewer: &Reviewer,
    state: &mut PanelState,
    here: &Landing,
    actions: &mut Vec<PanelAction>,
) {
    let cards = reviewer.cards_for_scene(here);
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Cards about this scene ({})", cards.len())).strong());
        quiz_ui::quiz_me_button_ui(ui, reviewer, &mut state.quiz, &here.place);
    });
    if cards.is_empty() {
        ui.label(RichText::new("No card links here.").color(theme.text_muted));
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("linked-cards")
        .max_height(ui.available_height().max(80.0))
        .show(ui, |ui| {
            let all_decks = reviewer.is_all_decks();
            for (deck_id, card) in cards {
                let key = CardKey::new(deck_id, &card.id);
                let expanded = state.expanded.as_ref() == Some(&key);
                let marker = if expanded { "▾" } else { "▸" };
                let front = plain_text(&card.front);
                let text = match reviewer.deck_name(deck_id).filter(|_| all_decks) {
                    Some(deck) => format!("{marker} {front} ({deck})"),
                    None => format!("{marker} {front}"),
                };
                let response = ui.selectable_label(expanded, text);
                if response.clicked() {
                    state.expanded = if expanded { None } else { Some(key.clone()) };
                }
                if expanded {
                    egui::Frame::NONE
                        .inner_margin(egui::Margin {
                            left: 16,
                            ..Default::default()
                        })
                        .show(ui, |ui| {
                            markdown_ui(ui, theme, &card.back, theme.body_size);
                            quiz_ui::practise_card_button_ui(
                                ui,
                                reviewer,
                                &mut state.quiz,
                                &card.id,
                            );
                            if card.scene.is_some()
                                && ui.small_button("Show this card's scene").clicked()
                            {
                                actions.push(PanelAction::ShowCard(key.clone()));
                            }
                            if ui.small_button("Edit").clicked() {
                                actions.push(PanelAction::EditCard(key.clone()));
                            }
                        });
                }
            }
        });
}
