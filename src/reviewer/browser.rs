//! The card browser: search by text and tag, sort by due date or difficulty, suspend, reset and
//! open a card's scene.
//!
//! Rows are read from the store only when the sort changes or a card was changed, never per
//! frame, and only the visible rows are laid out, so a 100,000-card collection scrolls smoothly.

use egui::{RichText, Ui};

use super::Reviewer;
use super::panel::PanelAction;
use crate::deck::markdown::plain_text;
use crate::review::cards::{BrowseSort, ProgressRow};
use crate::review::states::CardState;
use crate::theme::Theme;

/// Space between the grid's columns, in points.
const COLUMN_GAP: f32 = 16.0;

/// The browser window's state.
pub struct BrowserState {
    /// Whether the window is open.
    pub open: bool,
    query: String,
    sort: BrowseSort,
    rows: Option<Vec<ProgressRow>>,
    message: Option<String>,
}

impl Default for BrowserState {
    fn default() -> Self {
        Self {
            open: false,
            query: String::new(),
            sort: BrowseSort::Due,
            rows: None,
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

/// Splits a query into tag filters (`tag:docker`) and words matched against both sides.
fn matches(query: &str, front: &str, back: &str, tags: &[String]) -> bool {
    query
        .split_whitespace()
        .all(|token| match token.strip_prefix("tag:") {
            Some(tag) => tags.iter().any(|t| t.eq_ignore_ascii_case(tag)),
            None => {
                let token = token.to_lowercase();
                front.to_lowercase().contains(&token) || back.to_lowercase().contains(&token)
            }
        })
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
        .default_size([980.0, 520.0])
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
        ui.label("Search");
        ui.add(
            egui::TextEdit::singleline(&mut state.query)
                .hint_text("words, or tag:docker")
                .desired_width(260.0),
        );
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
    let Some(store) = reviewer.store() else {
        ui.label(
            reviewer
                .problem()
                .unwrap_or("Review progress is unavailable."),
        );
        return;
    };
    let clock = reviewer.scheduler().clock();
    if state.rows.is_none() {
        match store.progress_rows(&reviewer.deck().meta.id, state.sort, clock) {
            Ok(rows) => state.rows = Some(rows),
            Err(err) => {
                state.message = Some(format!("Cannot read progress: {err}"));
                return;
            }
        }
    }
    let rows: Vec<&ProgressRow> = state
        .rows
        .iter()
        .flatten()
        .filter(|row| {
            let quiz = crate::quiz::family_of_card(&row.card_id).map_or("", |f| f.title);
            let (front, back, tags) = reviewer
                .card(&row.card_id)
                .map_or((quiz, "", &[][..]), |c| {
                    (c.front.as_str(), c.back.as_str(), &c.tags[..])
                });
            matches(&state.query, front, back, tags)
        })
        .collect();
    ui.label(RichText::new(format!("{} cards", rows.len())).color(theme.text_muted));
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let available_width = ui.available_width();
    let mut change: Option<(String, Change)> = None;
    // Scrolling both ways keeps a wide row from widening the window, which would widen the
    // question column, which would widen the window again.
    egui::ScrollArea::both().auto_shrink(false).show_rows(
        ui,
        row_height,
        rows.len(),
        |ui, range| {
            // The question gets whatever the other columns of the rows on screen leave.
            let front_width = (available_width
                - other_columns_width(ui, reviewer, &rows[range.clone()], clock))
            .max(160.0);
            egui::Grid::new("browse-grid")
                .striped(true)
                .spacing([COLUMN_GAP, 4.0])
                .num_columns(6)
                .show(ui, |ui| {
                    for header in ["Card", "Tags", "State", "Due", "Difficulty", ""] {
                        ui.label(RichText::new(header).strong());
                    }
                    ui.end_row();
                    for row in &rows[range] {
                        let card = reviewer.card(&row.card_id);
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
                                change =
                                    Some((row.card_id.clone(), Change::Suspend(!row.suspended)));
                            }
                            if !matches!(row.schedule.state, CardState::New)
                                && ui.small_button("Reset").clicked()
                            {
                                change = Some((row.card_id.clone(), Change::Reset));
                            }
                            if card.is_some_and(|c| c.scene.is_some())
                                && ui.small_button("Scene").clicked()
                            {
                                actions.push(PanelAction::ShowCard(row.card_id.clone()));
                            }
                        });
                        ui.end_row();
                    }
                });
        },
    );
    if let Some((card_id, change)) = change {
        apply_change(reviewer, state, &card_id, change);
    }
}

/// The width the tags, state, due, difficulty and button columns take for `rows`, with the gaps
/// and the scroll bar.
fn other_columns_width(
    ui: &Ui,
    reviewer: &Reviewer,
    rows: &[&ProgressRow],
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
    let mut columns = [
        width("Tags", &font),
        width("State", &font),
        width("Due", &font),
        width("Difficulty", &font),
    ];
    let button = |text: &str| width(text, &small) + 2.0 * ui.spacing().button_padding.x;
    let mut buttons: f32 = 0.0;
    for row in rows {
        let card = reviewer.card(&row.card_id);
        let state = format!(
            "{}{}",
            row.schedule.state.phase().title(),
            if row.suspended { " (suspended)" } else { "" }
        );
        let texts = [
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
            + button("Scene")
            + 2.0 * ui.spacing().item_spacing.x;
        buttons = buttons.max(row_buttons);
    }
    columns.iter().sum::<f32>()
        + buttons
        + 5.0 * COLUMN_GAP
        + ui.spacing().scroll.bar_width
        + ui.spacing().scroll.bar_outer_margin
        + ui.spacing().scroll.bar_inner_margin
}

enum Change {
    Suspend(bool),
    Reset,
}

fn apply_change(reviewer: &mut Reviewer, state: &mut BrowserState, card_id: &str, change: Change) {
    let deck_id = reviewer.deck().meta.id.clone();
    let now = reviewer.now_secs();
    let Some(store) = reviewer.store_mut() else {
        return;
    };
    let result = match change {
        Change::Suspend(suspended) => store
            .set_suspended(&deck_id, card_id, suspended)
            .map(|_| ()),
        Change::Reset => store.reset_progress(&deck_id, card_id, now).map(|_| ()),
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
    fn queries_match_words_and_tags() {
        let tags = vec!["docker".to_owned(), "cli".to_owned()];
        assert!(matches("tag:docker", "What is docker ps?", "", &tags));
        assert!(matches("tag:DOCKER ps", "What is docker ps?", "", &tags));
        assert!(!matches("tag:cgroups", "What is docker ps?", "", &tags));
        assert!(matches(
            "running",
            "docker ps",
            "Lists running containers",
            &tags
        ));
        assert!(matches("", "anything", "", &[]));
    }
}
