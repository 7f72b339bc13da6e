//! The card browser: every deck's cards (the loaded deck's first), search by text, tag and deck,
//! sort by due date or difficulty, suspend, reset, edit and open a card's scene.
//!
//! Rows are read from the store only when the sort changes or a card was changed, never per
//! frame, and only the visible rows are laid out, so a 100,000-card collection scrolls smoothly.

use std::collections::{HashMap, HashSet};

use egui::{RichText, Ui};

use super::panel::PanelAction;
use super::{CardKey, ProgressError, Reviewer};
use crate::deck::markdown::plain_text;
use crate::deck::{Card, Deck};
use crate::review::cards::{BrowseSort, ProgressRow};
use crate::review::states::{CardSchedule, CardState};
use crate::theme::Theme;

/// Space between the grid's columns, in points.
const COLUMN_GAP: f32 = 16.0;

/// The browser window's state.
pub struct BrowserState {
    /// Whether the window is open.
    pub open: bool,
    query: String,
    sort: BrowseSort,
    rows: Option<Vec<BrowseRow>>,
    decks: Vec<BrowsedDeck>,
    message: Option<String>,
}

/// A deck whose cards the browser lists.
struct BrowsedDeck {
    id: String,
    name: String,
    /// The cards of a deck the panel does not review, by id; `None` for a reviewed deck, whose
    /// cards the reviewer holds.
    other: Option<HashMap<String, Card>>,
}

/// One row: a card's progress and the index of its deck in [`BrowserState::decks`].
struct BrowseRow {
    deck: usize,
    row: ProgressRow,
}

impl Default for BrowserState {
    fn default() -> Self {
        Self {
            open: false,
            query: String::new(),
            sort: BrowseSort::Due,
            rows: None,
            decks: Vec::new(),
            message: None,
        }
    }
}

impl BrowserState {
    /// Forgets the cached rows so they are read again (after a review or a deck change).
    pub fn invalidate(&mut self) {
        self.rows = None;
    }
}

/// Splits a query into tag filters (`tag:docker`), deck filters (`deck:my-cards`: the deck's id,
/// or its name with `-` for spaces, any case) and words matched against both sides.
fn matches(query: &str, deck: (&str, &str), front: &str, back: &str, tags: &[String]) -> bool {
    query.split_whitespace().all(|token| {
        if let Some(tag) = token.strip_prefix("tag:") {
            return tags.iter().any(|t| t.eq_ignore_ascii_case(tag));
        }
        if let Some(wanted) = token.strip_prefix("deck:") {
            let (id, name) = deck;
            let name = name.split_whitespace().collect::<Vec<_>>().join("-");
            return id.eq_ignore_ascii_case(wanted) || name.eq_ignore_ascii_case(wanted);
        }
        let token = token.to_lowercase();
        front.to_lowercase().contains(&token) || back.to_lowercase().contains(&token)
    })
}

/// The progress rows of the reviewed decks (one, or all in "All decks"), then of every other
/// deck ([`Reviewer::other_decks`]); a card of another deck that was never opened in the app
/// has no row yet and is listed as new.
fn load_rows(
    reviewer: &Reviewer,
    sort: BrowseSort,
) -> Result<(Vec<BrowsedDeck>, Vec<BrowseRow>), ProgressError> {
    let store = reviewer.store_to_read()?;
    let clock = reviewer.scheduler().clock();
    let read = |id: &str| store.progress_rows(id, sort, clock);
    let mut decks = Vec::new();
    let mut rows: Vec<BrowseRow> = Vec::new();
    for loaded in reviewer.decks() {
        let deck = decks.len();
        rows.extend(
            read(&loaded.meta.id)?
                .into_iter()
                .map(|row| BrowseRow { deck, row }),
        );
        decks.push(BrowsedDeck {
            id: loaded.meta.id.clone(),
            name: loaded.meta.name.clone(),
            other: None,
        });
    }
    for Deck { meta, cards, .. } in reviewer.other_decks() {
        let deck = decks.len();
        let mut known = read(&meta.id)?;
        let seen: HashSet<String> = known.iter().map(|row| row.card_id.clone()).collect();
        for (position, card) in cards.iter().enumerate() {
            if !seen.contains(&card.id) {
                known.push(ProgressRow {
                    card_id: card.id.clone(),
                    position: u32::try_from(position).ok(),
                    suspended: false,
                    schedule: CardSchedule::NEW,
                });
            }
        }
        rows.extend(known.into_iter().map(|row| BrowseRow { deck, row }));
        decks.push(BrowsedDeck {
            id: meta.id,
            name: meta.name,
            other: Some(cards.into_iter().map(|c| (c.id.clone(), c)).collect()),
        });
    }
    Ok((decks, rows))
}

/// The card of `row`, from the reviewer (the loaded deck) or the deck the browser read.
fn card_of<'a>(
    reviewer: &'a Reviewer,
    decks: &'a [BrowsedDeck],
    row: &BrowseRow,
) -> Option<&'a Card> {
    let deck = decks.get(row.deck)?;
    match deck.other.as_ref() {
        None => reviewer.card_in(&CardKey::new(&deck.id, &row.row.card_id)),
        Some(cards) => cards.get(&row.row.card_id),
    }
}

/// Draws the browser window if it is open.
pub fn browser_window(
    ctx: &egui::Context,
    theme: &Theme,
    reviewer: &mut Reviewer,
    state: &mut BrowserState,
) -> Vec<PanelAction> {
    let mut actions = Vec::new();
    let mut open = state.open;
    crate::dialog::centered_window(ctx, "Browse cards")
        .open(&mut open)
        .default_size([1040.0, 520.0])
        .show(ctx, |ui| {
            browser_ui(ui, theme, reviewer, state, &mut actions)
        });
    state.open = open;
    actions
}

fn browser_ui(
    ui: &mut Ui,
    theme: &Theme,
    reviewer: &mut Reviewer,
    state: &mut BrowserState,
    actions: &mut Vec<PanelAction>,
) {
    ui.horizontal(|ui| {
        let label = ui.label("Search");
        ui.add(
            egui::TextEdit::singleline(&mut state.query)
                .hint_text("words, tag:docker, deck:my-cards")
                .desired_width(260.0),
        )
        .labelled_by(label.id);
        let before = state.sort;
        let sort_label = ui.label("Sort by");
        egui::ComboBox::from_id_salt("browse-sort")
            .selected_text(sort_title(state.sort))
            .show_ui(ui, |ui| {
                for sort in [
                    BrowseSort::Due,
                    BrowseSort::Difficulty,
                    BrowseSort::DeckOrder,
                ] {
                    ui.selectable_value(&mut state.sort, sort, sort_title(sort));
                }
            })
            .response
            .labelled_by(sort_label.id);
        if state.sort != before {
            state.rows = None;
        }
    });
    if let Some(message) = &state.message {
        ui.label(RichText::new(message).color(theme.text));
    }
    if let Err(no_store) = reviewer.store_to_read() {
        ui.label(no_store.to_string());
        return;
    }
    let clock = reviewer.scheduler().clock();
    if state.rows.is_none() {
        match load_rows(reviewer, state.sort) {
            Ok((decks, rows)) => {
                state.decks = decks;
                state.rows = Some(rows);
            }
            Err(err) => {
                state.message = Some(format!("Cannot read progress: {err}"));
                return;
            }
        }
    }
    let decks = &state.decks;
    let rows: Vec<&BrowseRow> = state
        .rows
        .iter()
        .flatten()
        .filter(|row| {
            let quiz = crate::quiz::family_of_card(&row.row.card_id).map_or("", |f| f.title);
            let (front, back, tags) = card_of(reviewer, decks, row)
                .map_or((quiz, "", &[][..]), |c| {
                    (c.front.as_str(), c.back.as_str(), &c.tags[..])
                });
            let deck = decks
                .get(row.deck)
                .map_or(("", ""), |d| (d.id.as_str(), d.name.as_str()));
            matches(&state.query, deck, front, back, tags)
        })
        .collect();
    ui.label(RichText::new(format!("{} cards", rows.len())).color(theme.text_muted));
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let available_width = ui.available_width();
    let mut change: Option<(String, String, Change)> = None;
    // The deck column only when there is more than the one deck to tell apart.
    let several_decks = decks.len() > 1;
    // Scrolling both ways keeps a wide row from widening the window, which would widen the
    // question column, which would widen the window again.
    egui::ScrollArea::both().auto_shrink(false).show_rows(
        ui,
        row_height,
        rows.len(),
        |ui, range| {
            let shown = rows.get(range).unwrap_or_default();
            // The question gets whatever the other columns of the rows on screen leave.
            let front_width = (available_width
                - other_columns_width(ui, reviewer, decks, shown, clock))
            .max(160.0);
            egui::Grid::new("browse-grid")
                .striped(true)
                .spacing([COLUMN_GAP, 4.0])
                .num_columns(if several_decks { 7 } else { 6 })
                .show(ui, |ui| {
                    for header in ["Card", "Deck", "Tags", "State", "Due", "Difficulty", ""] {
                        if header != "Deck" || several_decks {
                            ui.label(RichText::new(header).strong());
                        }
                    }
                    ui.end_row();
                    for browse_row in shown {
                        let card = card_of(reviewer, decks, browse_row);
                        let row = &browse_row.row;
                        let (deck_id, deck_name, loaded) =
                            decks.get(browse_row.deck).map_or(("", "", false), |d| {
                                (d.id.as_str(), d.name.as_str(), d.other.is_none())
                            });
                        let front = card.map_or_else(
                            || super::quiz_ui::browser_front(&row.card_id),
                            |c| plain_text(&c.front),
                        );
                        ui.allocate_ui_with_layout(
                            egui::vec2(front_width, row_height),
                            egui::Layout::left_to_right(egui::Align::Center),
                            |ui| {
                                ui.set_min_width(front_width);
                                ui.add(egui::Label::new(&front).truncate())
                                    .on_hover_text(&front);
                            },
                        );
                        if several_decks {
                            ui.label(deck_name)
                                .on_hover_text(format!("Search it with deck:{deck_id}"));
                        }
                        ui.label(card.map(|c| c.tags.join(" ")).unwrap_or_default());
                        let mut state_text = row.schedule.state.phase().title().to_owned();
                        if row.suspended {
                            state_text.push_str(" (suspended)");
                        }
                        ui.label(state_text);
                        ui.label(due_text(row, clock, reviewer.now_secs()));
                        ui.label(
                            row.difficulty()
                                .map_or("–".to_owned(), |d| format!("{d:.1}")),
                        );
                        ui.horizontal(|ui| {
                            let toggle = if row.suspended {
                                "Unsuspend"
                            } else {
                                "Suspend"
                            };
                            if ui.small_button(toggle).clicked() {
                                change = Some((
                                    deck_id.to_owned(),
                                    row.card_id.clone(),
                                    Change::Suspend(!row.suspended),
                                ));
                            }
                            if !matches!(row.schedule.state, CardState::New)
                                && ui.small_button("Reset").clicked()
                            {
                                change =
                                    Some((deck_id.to_owned(), row.card_id.clone(), Change::Reset));
                            }
                            // Cards of other decks are edited and shown from their deck (the
                            // panel's Deck menu, or All decks), where the reviewer holds them.
                            let key = CardKey::new(deck_id, &row.card_id);
                            if loaded && card.is_some() && ui.small_button("Edit").clicked() {
                                actions.push(PanelAction::EditCard(key.clone()));
                            }
                            if loaded
                                && card.is_some_and(|c| c.scene.is_some())
                                && ui.small_button("Scene").clicked()
                            {
                                actions.push(PanelAction::ShowCard(key));
                            }
                        });
                        ui.end_row();
                    }
                });
        },
    );
    if let Some((deck_id, card_id, change)) = change {
        apply_change(reviewer, state, &deck_id, &card_id, change);
    }
}

/// The width the tags, state, due, difficulty and button columns take for `rows`, with the gaps
/// and the scroll bar.
fn other_columns_width(
    ui: &Ui,
    reviewer: &Reviewer,
    decks: &[BrowsedDeck],
    rows: &[&BrowseRow],
    clock: crate::review::time::DayClock,
) -> f32 {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let small = egui::TextStyle::Button.resolve(ui.style());
    let width = |text: &str, font: &egui::FontId| {
        ui.painter()
            .layout_no_wrap(text.to_owned(), font.clone(), egui::Color32::PLACEHOLDER)
            .size()
            .x
    };
    let several_decks = decks.len() > 1;
    let mut columns = [
        if several_decks {
            width("Deck", &font)
        } else {
            0.0
        },
        width("Tags", &font),
        width("State", &font),
        width("Due", &font),
        width("Difficulty", &font),
    ];
    let button = |text: &str| width(text, &small) + 2.0 * ui.spacing().button_padding.x;
    let mut buttons: f32 = 0.0;
    for browse_row in rows {
        let card = card_of(reviewer, decks, browse_row);
        let row = &browse_row.row;
        let deck = decks
            .get(browse_row.deck)
            .filter(|_| several_decks)
            .map_or("", |d| d.name.as_str());
        let state = format!(
            "{}{}",
            row.schedule.state.phase().title(),
            if row.suspended { " (suspended)" } else { "" }
        );
        let texts = [
            deck.to_owned(),
            card.map(|c| c.tags.join(" ")).unwrap_or_default(),
            state,
            due_text(row, clock, reviewer.now_secs()),
            "10.0".to_owned(),
        ];
        for (column, text) in columns.iter_mut().zip(&texts) {
            *column = column.max(width(text, &font));
        }
        let row_buttons = button(if row.suspended {
            "Unsuspend"
        } else {
            "Suspend"
        }) + button("Reset")
            + button("Edit")
            + button("Scene")
            + 3.0 * ui.spacing().item_spacing.x;
        buttons = buttons.max(row_buttons);
    }
    columns.iter().sum::<f32>()
        + buttons
        + if several_decks { 6.0 } else { 5.0 } * COLUMN_GAP
        + ui.spacing().scroll.bar_width
        + ui.spacing().scroll.bar_outer_margin
        + ui.spacing().scroll.bar_inner_margin
}

enum Change {
    Suspend(bool),
    Reset,
}

fn apply_change(
    reviewer: &mut Reviewer,
    state: &mut BrowserState,
    deck_id: &str,
    card_id: &str,
    change: Change,
) {
    let now = reviewer.now_secs();
    let Some(store) = reviewer.store_mut() else {
        return;
    };
    let result = match change {
        Change::Suspend(suspended) => store.set_suspended(deck_id, card_id, suspended).map(|_| ()),
        Change::Reset => store.reset_progress(deck_id, card_id, now).map(|_| ()),
    };
    state.message = result.err().map(|err| format!("Not changed: {err}"));
    state.rows = None;
    reviewer.refresh();
}

fn sort_title(sort: BrowseSort) -> &'static str {
    match sort {
        BrowseSort::Due => "Due date",
        BrowseSort::Difficulty => "Difficulty",
        BrowseSort::DeckOrder => "Deck order",
    }
}

fn due_text(row: &ProgressRow, clock: crate::review::time::DayClock, now: i64) -> String {
    match row.due_secs(clock) {
        None => "new".to_owned(),
        Some(due) => {
            let days = clock.day(due) - clock.day(now);
            match days {
                d if d < 0 => format!("{} d overdue", -d),
                0 => "today".to_owned(),
                1 => "tomorrow".to_owned(),
                d => format!("in {d} d"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_match_words_tags_and_decks() {
        let tags = vec!["docker".to_owned(), "cli".to_owned()];
        let deck = ("my-cards-2", "My cards");
        assert!(matches("tag:docker", deck, "What is docker ps?", "", &tags));
        assert!(matches(
            "tag:DOCKER ps",
            deck,
            "What is docker ps?",
            "",
            &tags
        ));
        assert!(!matches(
            "tag:cgroups",
            deck,
            "What is docker ps?",
            "",
            &tags
        ));
        assert!(matches(
            "running",
            deck,
            "docker ps",
            "Lists running containers",
            &tags
        ));
        assert!(matches("", deck, "anything", "", &[]));
        assert!(matches("deck:my-cards-2 ps", deck, "docker ps", "", &[]));
        assert!(
            matches("deck:MY-CARDS", deck, "docker ps", "", &[]),
            "by name"
        );
        assert!(!matches("deck:virtualization", deck, "docker ps", "", &[]));
    }
}
