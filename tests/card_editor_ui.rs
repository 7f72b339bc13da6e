//! Writing cards in the app, driven with egui_kittest by role and label: add a card from the
//! scene on screen, review it, edit it from the reviewer (`E`), undo the edit, delete it from the
//! browser; keys typed in the editor's fields stay in the fields. Files live in a temporary data
//! folder; the clock is fixed.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

mod common;
use common::{button, current_card_id, field, press, type_at_end};

use std::path::Path;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use virtscope::app::VirtscopeApp;

/// 2025-03-10 10:00 UTC.
const NOW: i64 = 1_741_600_800;
const SCENE: &str = "cpu/trap-emulate?step=trap";

fn harness_in(data_dir: &Path) -> Harness<'static, VirtscopeApp> {
    common::reviewer_harness(data_dir, NOW, Some(SCENE))
}

/// The text in the editor's field `label`.
fn field_text(harness: &Harness<'_, VirtscopeApp>, label: &str) -> String {
    field(harness, label).value().unwrap_or_default()
}

#[test]
fn add_a_card_from_a_scene_review_edit_undo_and_delete_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_in(dir.path());

    // Add, from the scene on screen: A opens the window with the scene's link filled in.
    press(&mut harness, Modifiers::NONE, Key::A);
    harness.get_by_role_and_label(Role::Window, "Add card");
    let scene_field = field_text(&harness, "Scene");
    assert_eq!(scene_field, harness.state().current_link().to_string());
    assert!(
        scene_field.contains("step="),
        "with its step: {scene_field}"
    );
    type_at_end(&mut harness, "Front", "Which instruction **traps** here?");
    type_at_end(&mut harness, "Back", "A privileged one.");
    type_at_end(&mut harness, "Tags", "mine");
    // Typing in a field never grades or reveals: Space and 3 went into the text.
    let before = harness.state().reviewer().answered_this_session();
    type_at_end(&mut harness, "Tags", " ");
    press(&mut harness, Modifiers::NONE, Key::Num3);
    assert_eq!(harness.state().reviewer().answered_this_session(), before);
    // The preview draws the Markdown as the reviewer does: bold, without the asterisks.
    harness.get_by_label("Which instruction traps here?");
    press(&mut harness, Modifiers::COMMAND, Key::Enter);
    harness.get_by_label_contains("Added \"Which instruction traps here?\" to My cards.");
    assert_eq!(field_text(&harness, "Front"), "", "ready for the next card");
    button(&mut harness, "Close");

    // Review it: choose the deck in the panel.
    harness.get_by_label("Deck").click();
    harness.run();
    harness.get_by_label("My cards (1 cards)").click();
    harness.run();
    let id = current_card_id(&harness).expect("the new card is due");
    let card = harness.state().reviewer().card(&id).unwrap().clone();
    assert_eq!(card.front, "Which instruction **traps** here?");
    assert_eq!(card.tags, ["mine"]);
    assert_eq!(card.scene.as_deref(), Some(scene_field.as_str()));
    harness.get_by_label("Flashcards").click();
    harness.run();
    press(&mut harness, Modifiers::NONE, Key::Space);
    assert!(harness.state().reviewer().current().unwrap().revealed);

    // Edit it during review (E), then undo the edit.
    press(&mut harness, Modifiers::NONE, Key::E);
    harness.get_by_role_and_label(Role::Window, "Edit card");
    type_at_end(&mut harness, "Back", " Like sgdt without UMIP.");
    button(&mut harness, "Save Ctrl+Enter");
    harness.get_by_label("Saved.");
    let edited = harness.state().reviewer().card(&id).unwrap().back.clone();
    assert_eq!(edited, "A privileged one. Like sgdt without UMIP.");
    button(&mut harness, "Close");
    harness.get_by_label("Flashcards").click();
    harness.run();
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        harness.state().reviewer().card(&id).unwrap().back,
        "A privileged one.",
        "undo takes the edit back"
    );
    let deck_file = dir.path().join("decks/my-cards.toml");
    assert!(
        !std::fs::read_to_string(&deck_file)
            .unwrap()
            .contains("UMIP")
    );

    // Grade it, then delete it from the browser; the deletion asks first.
    press(&mut harness, Modifiers::NONE, Key::Num3);
    assert_eq!(harness.state().reviewer().answered_this_session(), 1);
    press(&mut harness, Modifiers::COMMAND, Key::B);
    button(&mut harness, "Edit");
    button(&mut harness, "Delete…");
    harness.get_by_label("Delete this card? Its review history is kept.");
    assert!(harness.state().reviewer().card(&id).is_some(), "not yet");
    harness
        .get_by_role_and_label(Role::Button, "Delete")
        .click();
    harness.run();
    assert!(harness.state().reviewer().card(&id).is_none());
    assert!(
        !std::fs::read_to_string(&deck_file)
            .unwrap()
            .contains("traps")
    );
    let store = harness.state().reviewer().store().unwrap();
    let rows = store
        .progress_rows(
            "my-cards",
            virtscope::review::cards::BrowseSort::DeckOrder,
            harness.state().reviewer().scheduler().clock(),
        )
        .unwrap();
    assert!(
        rows.iter()
            .any(|row| row.card_id == id && row.position.is_none()),
        "the deleted card's progress is kept"
    );
}

/// A deck made in the panel gets the next card; the browser lists every deck's cards, and
/// `deck:` narrows the search to one deck.
#[test]
fn the_browser_searches_every_deck_and_deck_narrows_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_in(dir.path());
    button(&mut harness, "New deck…");
    type_at_end(&mut harness, "New deck", "Course week 4");
    button(&mut harness, "Create");
    assert_eq!(harness.state().reviewer().deck().meta.name, "Course week 4");
    assert!(
        harness.state().reviewer().current().is_none(),
        "an empty deck"
    );

    button(&mut harness, "Add card… A");
    type_at_end(&mut harness, "Front", "What does VT-x add?");
    type_at_end(&mut harness, "Back", "A root mode for the hypervisor.");
    press(&mut harness, Modifiers::COMMAND, Key::Enter);
    harness.get_by_label("Added \"What does VT-x add?\" to Course week 4.");
    button(&mut harness, "Close");
    assert!(
        harness.state().reviewer().current().is_some(),
        "the new card is due in the deck it went to"
    );

    // The built-in deck's cards and the quiz cards interleaved with them (both are browsed).
    let builtin_ids: Vec<String> = virtscope::deck::builtin()
        .unwrap()
        .cards
        .into_iter()
        .map(|card| card.id)
        .collect();
    let builtin = virtscope::quiz::with_quizzes(&builtin_ids).len();
    press(&mut harness, Modifiers::COMMAND, Key::B);
    harness.get_by_label(&format!("{} cards", builtin + 1));
    type_at_end(&mut harness, "Search", "deck:course-week-4");
    harness.get_by_label("1 cards");
    assert_eq!(
        harness.query_all_by_label("What does VT-x add?").count(),
        2,
        "the card under review and its row"
    );
    let search = field_text(&harness, "Search");
    assert_eq!(search, "deck:course-week-4");
    field(&harness, "Search").focus();
    harness.run();
    press(&mut harness, Modifiers::COMMAND, Key::A);
    field(&harness, "Search").type_text("deck:virtualization");
    harness.run();
    harness.get_by_label(&format!("{builtin} cards"));
}
