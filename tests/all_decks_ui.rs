//! "All decks" in the Flashcards panel, driven with egui_kittest by role and label: one queue
//! over the built-in deck and a hand-written deck of the user's, each card showing its deck,
//! each edit written to that card's own file (the user's deck file, or the override of a
//! built-in card) and nothing else, undo restoring each, and the choice kept across restarts.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

mod common;
use common::{button, press, type_at_end};

use std::collections::HashMap;
use std::path::Path;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use virtscope::app::{Launch, Settings, VirtscopeApp};

/// 2025-03-10 10:00 UTC.
const NOW: i64 = 1_741_600_800;
const SCENE: &str = "cpu/trap-emulate?step=trap";

/// A deck written by hand: comments and spacing the app must keep. "Course week 4" sorts
/// before the built-in "Virtualization and containers", so its new card comes first.
const COURSE: &str = r#"# My notes from week 4 -- keep these comments.
format = "virtscope-deck"
version = 1

[deck]
id   = "course-week-4"
name = "Course week 4"

# Asked in the exam of 2024.
[[cards]]
id = "trap-word"
front = "Which instruction traps here?"   # my wording
back  = "A privileged one."
scene = "cpu/trap-emulate?step=trap"
"#;

/// The card under review: its deck and id.
fn current(harness: &Harness<'_, VirtscopeApp>) -> (String, String) {
    let key = harness
        .state()
        .reviewer()
        .current_key()
        .expect("a card is under review");
    (key.deck_id, key.card_id)
}

/// Every file under `dir` (but the progress database and its backups) with its bytes.
fn files(dir: &Path) -> HashMap<String, Vec<u8>> {
    let mut out = HashMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().flatten() {
            let path = entry.path();
            let name = path.strip_prefix(dir).unwrap().display().to_string();
            if path.is_dir() {
                if name != "backups" {
                    stack.push(path);
                }
            } else if !name.starts_with("progress") {
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Edits the card under review with `E`: appends `text` to its back and saves.
fn edit_current(harness: &mut Harness<'_, VirtscopeApp>, text: &str) {
    harness.get_by_label("Flashcards").click();
    harness.run();
    press(harness, Modifiers::NONE, Key::E);
    harness.get_by_role_and_label(Role::Window, "Edit card");
    type_at_end(harness, "Back", text);
    button(harness, "Save Ctrl+Enter");
    harness.get_by_label("Saved.");
    button(harness, "Close");
    harness.get_by_label("Flashcards").click();
    harness.run();
}

/// An in-memory eframe storage, to see what the app saves.
#[derive(Default)]
struct Memory(HashMap<String, String>);

impl eframe::Storage for Memory {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn all_decks_reviews_both_decks_and_routes_each_edit_and_undo_to_its_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let decks = dir.path().join("decks");
    std::fs::create_dir_all(&decks).unwrap();
    let course = decks.join("course-week-4.toml");
    std::fs::write(&course, COURSE).unwrap();
    let overrides = dir.path().join("builtin-overrides.toml");
    let mut harness = common::reviewer_harness(dir.path(), NOW, Some(SCENE));
    let builtin = virtscope::deck::builtin().unwrap().meta;
    assert_eq!(
        current(&harness).0,
        builtin.id,
        "the built-in deck at first"
    );

    // Choose All decks in the panel's Deck menu.
    harness.get_by_label("Deck").click();
    harness.run();
    harness.get_by_label("All decks").click();
    harness.run();
    assert!(harness.state().reviewer().is_all_decks());
    harness.get_by_label_contains("20 new");
    let before = files(dir.path());

    // The user's card first (its deck sorts first), showing its deck; edit it.
    assert_eq!(
        current(&harness),
        ("course-week-4".to_owned(), "trap-word".to_owned())
    );
    harness.get_by_label("Deck: Course week 4");
    edit_current(&mut harness, " Like sgdt without UMIP.");
    let edited = std::fs::read_to_string(&course).unwrap();
    assert_eq!(
        edited,
        COURSE.replace(
            r#"back  = "A privileged one.""#,
            r#"back  = "A privileged one. Like sgdt without UMIP.""#
        ),
        "only the edited value changed in the user's file"
    );
    let mut expected = before.clone();
    expected.insert(
        "decks/course-week-4.toml".to_owned(),
        edited.clone().into_bytes(),
    );
    assert_eq!(files(dir.path()), expected, "and no other file changed");

    // Answer it; the next card is the built-in deck's first, showing its deck; edit it.
    press(&mut harness, Modifiers::NONE, Key::Space);
    press(&mut harness, Modifiers::NONE, Key::Num3);
    let (deck_id, card_id) = current(&harness);
    assert_eq!(deck_id, builtin.id);
    harness.get_by_label(&format!("Deck: {}", builtin.name));
    edit_current(&mut harness, "\n\nMy own words.");
    let override_text = std::fs::read_to_string(&overrides).unwrap();
    assert!(override_text.contains("My own words."), "{override_text}");
    assert!(override_text.contains(&format!("id = \"{card_id}\"")));
    assert_eq!(
        std::fs::read_to_string(&course).unwrap(),
        edited,
        "the user's deck is untouched by the built-in card's edit"
    );
    expected.insert(
        "builtin-overrides.toml".to_owned(),
        override_text.into_bytes(),
    );
    assert_eq!(files(dir.path()), expected);
    let reviewer = harness.state().reviewer();
    let key = virtscope::reviewer::CardKey::new(&deck_id, &card_id);
    let back = &reviewer.card_in(&key).unwrap().back;
    assert!(back.contains("My own words."), "{back:?}");

    // Undo, newest first: the override's edit, the answer, then the user's card's edit.
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    let reviewer = harness.state().reviewer();
    assert!(
        !reviewer
            .card_in(&key)
            .unwrap()
            .back
            .contains("My own words.")
    );
    assert!(
        !std::fs::read_to_string(&overrides)
            .unwrap()
            .contains("My own words.")
    );
    assert_eq!(std::fs::read_to_string(&course).unwrap(), edited);
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        current(&harness),
        ("course-week-4".to_owned(), "trap-word".to_owned()),
        "the answer is undone: the user's card is back"
    );
    press(&mut harness, Modifiers::COMMAND, Key::Z);
    assert_eq!(
        std::fs::read_to_string(&course).unwrap(),
        COURSE,
        "the user's file is back byte for byte"
    );

    // The choice is saved and a restart reviews all decks again.
    let mut storage = Memory::default();
    eframe::App::save(harness.state_mut(), &mut storage);
    let saved: Settings = eframe::get_value(&storage, eframe::APP_KEY).unwrap();
    assert!(saved.all_decks);
    let launch = Launch {
        data_dir: Some(dir.path().to_owned()),
        clock: Some(std::sync::Arc::new(|| NOW)),
        ..Launch::default()
    };
    let restarted = VirtscopeApp::new(saved, launch);
    assert!(restarted.reviewer().is_all_decks());
    assert_eq!(restarted.reviewer().decks().count(), 2);
}
