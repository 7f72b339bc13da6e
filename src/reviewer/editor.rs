//! The Add card / Edit card window: front and back in Markdown with a live preview drawn as the
//! reviewer draws cards, tags, the scene link ("Link this scene", or one from the history), and
//! the deck new cards go to.
//!
//! Keys follow Anki's Add and Edit windows: Ctrl+Enter adds (or saves), Tab moves to the next
//! field, Ctrl+Shift+T goes to the tags, Esc closes. Adding keeps the window open with the tags,
//! link and deck, for the next card. Every change is written by [`Reviewer`] (see
//! [`super::authoring`]); when it fails nothing is written and the fields keep the text.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use super::markdown_ui::markdown_ui;
use super::{CardKey, Reviewer};
use crate::deck::markdown::plain_text;
use crate::deck::{Card, LinkStatus};
use crate::scene::SceneLink;
use crate::theme::Theme;

/// The title the window is known by (for Esc and "which window is in front").
pub const WINDOW_TITLE: &str = "Card editor";

/// Ctrl+Enter (Cmd+Enter on macOS): add or save, as in Anki.
const ADD_KEY: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter);

/// Ctrl+B and Ctrl+I: bold and italic around the selection, as in Anki's editor (here as the
/// Markdown markers).
const BOLD_KEY: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::B);
const ITALIC_KEY: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::I);

/// Ctrl+Shift+T: the tags field, as in Anki.
const TAGS_KEY: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::T);

/// Adding a new card or editing one of a reviewed deck.
#[derive(Clone, Debug, PartialEq)]
enum Mode {
    Add,
    /// The card's deck and the card as it was when the editor opened (its id, note and anything
    /// else the editor does not show are kept).
    Edit(String, Card),
}

/// The editor window's state: the fields survive a failed save, a closed window does not.
pub struct EditorState {
    /// Whether the window is open.
    pub open: bool,
    mode: Mode,
    front: String,
    back: String,
    tags: String,
    scene: String,
    /// The deck file new cards go to.
    add_deck: Option<PathBuf>,
    new_deck_name: String,
    confirm_delete: bool,
    message: Option<Message>,
    /// The loaded deck changed on disk: offer to load it again.
    offer_reload: bool,
    /// Put the keyboard in the front field on the next frame.
    focus_front: bool,
    /// The scene link last checked and whether it opens.
    scene_status: Option<(String, LinkStatus)>,
}

/// A line under the buttons: what happened, or why not.
#[derive(Clone, Debug, PartialEq)]
struct Message {
    text: String,
    problem: bool,
}

impl Default for EditorState {
    fn default() -> Self {
        Self {
            open: false,
            mode: Mode::Add,
            front: String::new(),
            back: String::new(),
            tags: String::new(),
            scene: String::new(),
            add_deck: None,
            new_deck_name: String::new(),
            confirm_delete: false,
            message: None,
            offer_reload: false,
            focus_front: false,
            scene_status: None,
        }
    }
}

impl EditorState {
    /// Opens the window for a new card linked to `scene` (the scene on screen, with its step),
    /// keeping the tags of the last card added.
    pub fn open_add(&mut self, reviewer: &Reviewer, scene: &SceneLink) {
        if self.open && self.mode == Mode::Add {
            self.focus_front = true;
            return;
        }
        let tags = if self.mode == Mode::Add {
            std::mem::take(&mut self.tags)
        } else {
            String::new()
        };
        *self = Self {
            open: true,
            tags,
            scene: scene.to_string(),
            add_deck: reviewer.default_add_deck(),
            focus_front: true,
            ..Self::default()
        };
    }

    /// Opens the window on the card `key` of a reviewed deck.
    pub fn open_edit(&mut self, reviewer: &Reviewer, key: &CardKey) {
        let Some(card) = reviewer.card_in(key).cloned() else {
            return;
        };
        *self = Self {
            open: true,
            front: card.front.clone(),
            back: card.back.clone(),
            tags: card.tags.join(" "),
            scene: card.scene.clone().unwrap_or_default(),
            mode: Mode::Edit(key.deck_id.clone(), card),
            focus_front: true,
            ..Self::default()
        };
    }

    /// The card the fields describe, on top of `base` (so fields the editor does not show stay).
    fn card(&self, base: Card) -> Card {
        let scene = self.scene.trim();
        Card {
            front: self.front.trim().to_owned(),
            back: self.back.trim().to_owned(),
            tags: self.tags.split_whitespace().map(str::to_owned).collect(),
            scene: (!scene.is_empty()).then(|| scene.to_owned()),
            ..base
        }
    }

    fn say(&mut self, text: impl Into<String>, problem: bool) {
        self.message = Some(Message {
            text: text.into(),
            problem,
        });
    }
}

/// What the editor asks the app to do besides changing cards.
#[derive(Clone, Debug, PartialEq)]
pub enum EditorAction {
    /// Cards changed: cached rows and charts are stale.
    Changed,
    /// Show this scene (the link field's "Open").
    ShowScene(SceneLink),
}

/// Draws the editor window if it is open. `scene` is the scene on screen, `history` the scenes
/// visited (newest first) for the link menu.
pub fn editor_window(
    ctx: &egui::Context,
    theme: &Theme,
    reviewer: &mut Reviewer,
    state: &mut EditorState,
    scene: &SceneLink,
    history: &[SceneLink],
) -> Vec<EditorAction> {
    let mut actions = Vec::new();
    if !state.open {
        return actions;
    }
    let title = match state.mode {
        Mode::Add => "Add card",
        Mode::Edit(..) => "Edit card",
    };
    let mut open = true;
    crate::dialog::centered_window(ctx, title)
        .id(crate::dialog::window_id(WINDOW_TITLE))
        .open(&mut open)
        .default_size([900.0, 520.0])
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("editor-scroll")
                .show(ui, |ui| {
                    editor_ui(ui, theme, reviewer, state, scene, history, &mut actions);
                });
        });
    state.open &= open;
    actions
}

fn editor_ui(
    ui: &mut Ui,
    theme: &Theme,
    reviewer: &mut Reviewer,
    state: &mut EditorState,
    scene: &SceneLink,
    history: &[SceneLink],
    actions: &mut Vec<EditorAction>,
) {
    let submit = ui.input_mut(|i| i.consume_shortcut(&ADD_KEY));
    let to_tags = ui.input_mut(|i| i.consume_shortcut(&TAGS_KEY));
    format_keys(ui.ctx(), state);
    deck_line_ui(ui, theme, reviewer, state);
    ui.separator();
    let wide = ui.available_width() >= 640.0;
    if wide {
        ui.columns(2, |columns| {
            if let [fields, preview] = columns {
                fields_ui(fields, theme, state, scene, history, to_tags, actions);
                preview_ui(preview, theme, state);
            }
        });
    } else {
        fields_ui(ui, theme, state, scene, history, to_tags, actions);
        ui.separator();
        preview_ui(ui, theme, state);
    }
    ui.separator();
    buttons_ui(ui, theme, reviewer, state, submit, actions);
}

/// Which deck the card goes to (Add), or which deck it is in (Edit).
fn deck_line_ui(ui: &mut Ui, theme: &Theme, reviewer: &mut Reviewer, state: &mut EditorState) {
    match &state.mode {
        Mode::Edit(deck_id, _) => {
            let name = reviewer.deck_name(deck_id).unwrap_or(deck_id.as_str());
            let text = if reviewer.is_builtin_deck(deck_id) {
                format!(
                    "Deck: {name} (built in: your edit is kept in your data folder and the card \
                     keeps its id and review history)"
                )
            } else {
                format!("Deck: {name}")
            };
            ui.label(RichText::new(text).color(theme.text_muted));
            if let Mode::Edit(_, card) = &state.mode
                && !card.shows.is_empty()
            {
                ui.label(
                    RichText::new(format!(
                        "What its scene shows for it (kept; see decks/README.md): {}",
                        card.shows.join(" · ")
                    ))
                    .color(theme.text_muted),
                );
            }
        }
        Mode::Add => {
            ui.horizontal_wrapped(|ui| {
                let label = ui.label("Deck");
                let (decks, _) = reviewer.user_decks();
                let name_of = |path: &PathBuf| {
                    decks.iter().find(|d| &d.path == path).map_or_else(
                        || format!("{} (new)", crate::deck::user::DEFAULT_DECK_NAME),
                        |d| d.name.clone(),
                    )
                };
                let selected = state
                    .add_deck
                    .as_ref()
                    .map_or_else(|| "(no data folder)".to_owned(), name_of);
                let mut choice = state.add_deck.clone();
                egui::ComboBox::from_id_salt("editor-deck")
                    .selected_text(selected)
                    .show_ui(ui, |ui| {
                        if let Some(default) = reviewer.default_add_deck()
                            && !decks.iter().any(|d| d.path == default)
                        {
                            let name = name_of(&default);
                            ui.selectable_value(&mut choice, Some(default), name);
                        }
                        for deck in decks {
                            ui.selectable_value(
                                &mut choice,
                                Some(deck.path.clone()),
                                format!("{} ({} cards)", deck.name, deck.cards),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
                state.add_deck = choice;
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut state.new_deck_name)
                            .hint_text("new deck name")
                            .desired_width(160.0),
                    )
                    .on_hover_text("Name a new deck for this card");
                let enter = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
                if (ui.button("New deck").clicked() || enter)
                    && !state.new_deck_name.trim().is_empty()
                {
                    match reviewer.create_deck(&state.new_deck_name) {
                        Ok(path) => {
                            let name = std::mem::take(&mut state.new_deck_name);
                            state.add_deck = Some(path);
                            state.say(format!("Created the deck {:?}.", name.trim()), false);
                        }
                        Err(err) => state.say(err.to_string(), true),
                    }
                }
            });
        }
    }
}

fn fields_ui(
    ui: &mut Ui,
    theme: &Theme,
    state: &mut EditorState,
    scene: &SceneLink,
    history: &[SceneLink],
    to_tags: bool,
    actions: &mut Vec<EditorAction>,
) {
    let width = ui.available_width();
    let label = ui.label(RichText::new("Front").strong());
    let front = ui
        .add(
            egui::TextEdit::multiline(&mut state.front)
                .id(egui::Id::unique(FRONT_ID))
                .hint_text("The question (Markdown: **bold**, *italic*, `code`, - lists)")
                .desired_rows(3)
                .desired_width(width),
        )
        .labelled_by(label.id);
    if std::mem::take(&mut state.focus_front) {
        front.request_focus();
        // The focus shows on the next frame; ask for it even when no input comes.
        ui.ctx().request_repaint();
    }
    let label = ui.label(RichText::new("Back").strong());
    ui.add(
        egui::TextEdit::multiline(&mut state.back)
            .id(egui::Id::unique(BACK_ID))
            .hint_text("The answer")
            .desired_rows(5)
            .desired_width(width),
    )
    .labelled_by(label.id);
    let label = ui.label(RichText::new("Tags").strong());
    let tags = ui
        .add(
            egui::TextEdit::singleline(&mut state.tags)
                .hint_text("separated by spaces, e.g. docker cgroups")
                .desired_width(width),
        )
        .labelled_by(label.id);
    if to_tags {
        tags.request_focus();
    }
    let label = ui.label(RichText::new("Scene").strong());
    ui.add(
        egui::TextEdit::singleline(&mut state.scene)
            .hint_text("the scene that shows the answer, e.g. cpu/trap-emulate?step=trap")
            .desired_width(width),
    )
    .labelled_by(label.id);
    ui.horizontal_wrapped(|ui| {
        if ui
            .button("Link this scene")
            .on_hover_text(scene.to_string())
            .clicked()
        {
            state.scene = scene.to_string();
        }
        let label = ui.label("or one visited:");
        let mut picked: Option<String> = None;
        egui::ComboBox::from_id_salt("editor-history")
            .selected_text("History")
            .width(120.0)
            .show_ui(ui, |ui| {
                for link in history {
                    let text = link.to_string();
                    if ui.selectable_label(state.scene == text, &text).clicked() {
                        picked = Some(text);
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if let Some(link) = picked {
            state.scene = link;
        }
        if ui.button("No link").clicked() {
            state.scene.clear();
        }
    });
    scene_status_ui(ui, theme, state, actions);
}

/// Whether the scene link opens, checked through the app's tabs when the text changes.
fn scene_status_ui(
    ui: &mut Ui,
    theme: &Theme,
    state: &mut EditorState,
    actions: &mut Vec<EditorAction>,
) {
    let text = state.scene.trim().to_owned();
    if text.is_empty() {
        ui.label(RichText::new("No scene: the card has no Show me.").color(theme.text_muted));
        return;
    }
    if state
        .scene_status
        .as_ref()
        .is_none_or(|(checked, _)| *checked != text)
    {
        let status = crate::tabs::LinkChecker::default().check(&text);
        state.scene_status = Some((text.clone(), status));
    }
    match state.scene_status.as_ref().map(|(_, status)| status) {
        Some(LinkStatus::Invalid { message }) => {
            ui.label(
                RichText::new(format!("⚠ The link does not open: {message}")).color(theme.text),
            );
        }
        Some(LinkStatus::Valid) | None => {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new("The link opens.").color(theme.text_muted));
                if let Ok(link) = SceneLink::parse(&text)
                    && ui.small_button("Open it").clicked()
                {
                    actions.push(EditorAction::ShowScene(link));
                }
            });
        }
    }
}

/// The ids of the front and back fields (for the formatting keys).
const FRONT_ID: &str = "card-editor-front";
const BACK_ID: &str = "card-editor-back";

/// Ctrl+B / Ctrl+I in the front or back field: the selection between `**` or `*` markers (or
/// the markers at the cursor, with the cursor between them).
fn format_keys(ctx: &egui::Context, state: &mut EditorState) {
    let focused = ctx.memory(|memory| memory.focused());
    let (id, text) = match focused {
        Some(id) if id == egui::Id::unique(FRONT_ID) => (id, &mut state.front),
        Some(id) if id == egui::Id::unique(BACK_ID) => (id, &mut state.back),
        _ => return,
    };
    for (shortcut, marker) in [(BOLD_KEY, "**"), (ITALIC_KEY, "*")] {
        if !ctx.input_mut(|i| i.consume_shortcut(&shortcut)) {
            continue;
        }
        let Some(mut edit_state) = egui::text_edit::TextEditState::load(ctx, id) else {
            continue;
        };
        let range = edit_state.cursor.char_range().map_or(0..0, |r| {
            r.as_sorted_char_range().start.0..r.as_sorted_char_range().end.0
        });
        let (start, end) = wrap_selection(text, range, marker);
        edit_state
            .cursor
            .set_char_range(Some(egui::text::CCursorRange::two(
                egui::text::CCursor::new(start),
                egui::text::CCursor::new(end),
            )));
        edit_state.store(ctx, id);
    }
}

/// Puts `marker` before and after the characters `range` of `text` and returns the characters
/// the selection covers afterwards (the same text, inside the markers).
fn wrap_selection(
    text: &mut String,
    range: std::ops::Range<usize>,
    marker: &str,
) -> (usize, usize) {
    let byte = |chars: usize| {
        text.char_indices()
            .nth(chars)
            .map_or(text.len(), |(i, _)| i)
    };
    let (start, end) = (byte(range.start), byte(range.end.max(range.start)));
    text.insert_str(end, marker);
    text.insert_str(start, marker);
    let width = marker.chars().count();
    (range.start + width, range.end.max(range.start) + width)
}

/// The card as the reviewer will show it: front, a rule, back.
fn preview_ui(ui: &mut Ui, theme: &Theme, state: &EditorState) {
    ui.label(RichText::new("Preview").strong());
    let size = theme.body_size * 1.1;
    super::panel::card_frame(theme, theme.thin()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        if state.front.trim().is_empty() {
            ui.label(RichText::new("(the front is empty)").color(theme.text_muted));
        } else {
            markdown_ui(ui, theme, &state.front, size);
        }
        ui.separator();
        if state.back.trim().is_empty() {
            ui.label(RichText::new("(the back is empty)").color(theme.text_muted));
        } else {
            markdown_ui(ui, theme, &state.back, size);
        }
    });
}

fn buttons_ui(
    ui: &mut Ui,
    theme: &Theme,
    reviewer: &mut Reviewer,
    state: &mut EditorState,
    submit: bool,
    actions: &mut Vec<EditorAction>,
) {
    ui.horizontal_wrapped(|ui| {
        let (title, hover) = match state.mode {
            Mode::Add => ("Add", "Add the card and start the next one (Ctrl+Enter)"),
            Mode::Edit(..) => ("Save", "Save the card (Ctrl+Enter)"),
        };
        let shortcut = ui.ctx().format_shortcut(&ADD_KEY);
        if ui
            .add(egui::Button::new(title).shortcut_text(shortcut))
            .on_hover_text(hover)
            .clicked()
            || submit
        {
            save(reviewer, state, actions);
        }
        if let Mode::Edit(deck_id, card) = &state.mode {
            let key = CardKey::new(deck_id, &card.id);
            if !reviewer.is_builtin_deck(deck_id) && ui.button("Delete…").clicked() {
                state.confirm_delete = true;
            }
            if state.confirm_delete {
                ui.label("Delete this card? Its review history is kept.");
                if ui.button("Delete").clicked() {
                    state.confirm_delete = false;
                    match reviewer.delete_card(&key.deck_id, &key.card_id) {
                        Ok(()) => {
                            actions.push(EditorAction::Changed);
                            state.open = false;
                        }
                        Err(err) => state.say(err.to_string(), true),
                    }
                }
                if ui.button("Keep it").clicked() {
                    state.confirm_delete = false;
                }
            }
        }
        if state.offer_reload && ui.button("Reload the deck").clicked() {
            match reviewer.reload_deck() {
                Ok(()) => {
                    state.offer_reload = false;
                    actions.push(EditorAction::Changed);
                    state.say(
                        "The deck was loaded again; your text is still here. Save when ready.",
                        false,
                    );
                }
                Err(err) => state.say(err.to_string(), true),
            }
        }
        if ui.button("Close").clicked() {
            state.open = false;
        }
    });
    if let Some(message) = &state.message {
        let text = if message.problem {
            format!("⚠ {}", message.text)
        } else {
            message.text.clone()
        };
        ui.label(RichText::new(text).color(theme.text));
    }
}

/// Adds or saves the card the fields describe; a failure keeps every field as typed.
fn save(reviewer: &mut Reviewer, state: &mut EditorState, actions: &mut Vec<EditorAction>) {
    state.confirm_delete = false;
    match state.mode.clone() {
        Mode::Add => {
            let Some(path) = state.add_deck.clone() else {
                state.say("Cards cannot be saved: no data folder was given.", true);
                return;
            };
            let card = state.card(Card::default());
            let front = plain_text(&card.front);
            match reviewer.add_card(&path, card) {
                Ok(_) => {
                    actions.push(EditorAction::Changed);
                    state.front.clear();
                    state.back.clear();
                    state.focus_front = true;
                    let deck = reviewer
                        .user_decks()
                        .0
                        .iter()
                        .find(|d| d.path == path)
                        .map_or_else(String::new, |d| d.name.clone());
                    state.say(format!("Added {front:?} to {deck}."), false);
                }
                Err(err) => state.say(err.to_string(), true),
            }
        }
        Mode::Edit(deck_id, original) => {
            let card = state.card(original);
            match reviewer.save_card(&deck_id, card.clone()) {
                Ok(()) => {
                    actions.push(EditorAction::Changed);
                    state.mode = Mode::Edit(deck_id, card);
                    state.offer_reload = false;
                    state.say("Saved.", false);
                }
                Err(message) => {
                    state.offer_reload = reviewer.deck_changed_on_disk(&deck_id);
                    state.say(message.to_string(), true);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_wraps_the_selection_or_puts_markers_at_the_cursor() {
        let mut text = "a trap é here".to_owned();
        assert_eq!(wrap_selection(&mut text, 2..6, "**"), (4, 8));
        assert_eq!(text, "a **trap** é here");
        let mut text = "é x".to_owned();
        assert_eq!(wrap_selection(&mut text, 1..1, "*"), (2, 2));
        assert_eq!(text, "é** x");
    }

    #[test]
    fn the_card_keeps_what_the_editor_does_not_show() {
        let base = Card {
            id: "kept".into(),
            note: Some("a remark".into()),
            shows: vec!["Trap".into()],
            ..Card::default()
        };
        let state = EditorState {
            front: " Q? ".into(),
            back: "A.".into(),
            tags: "cpu  trap".into(),
            scene: " ".into(),
            ..EditorState::default()
        };
        let card = state.card(base);
        assert_eq!((card.id.as_str(), card.front.as_str()), ("kept", "Q?"));
        assert_eq!(card.tags, ["cpu", "trap"]);
        assert_eq!(card.scene, None);
        assert_eq!(card.note.as_deref(), Some("a remark"));
        assert_eq!(card.shows, ["Trap"]);
    }
}
