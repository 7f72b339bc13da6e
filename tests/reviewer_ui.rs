//! The Flashcards panel driven through the real app with egui_kittest: a keyboard-only session,
//! undo, "Show me", keys by focus, coming back the next day, the browser, statistics and a bad
//! deck. Progress lives in a temporary data folder; the clock is fixed.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

mod common;
use common::{current_card_id, press_key};

use std::path::Path;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use virtscope::app::VirtscopeApp;

/// 2025-03-10 10:00 UTC, far from the 04:00 local rollover in any time zone near UTC.
const NOW: i64 = 1_741_600_800;
const DAY: i64 = 86_400;

fn harness_at(data_dir: &Path, now: i64) -> Harness<'static, VirtscopeApp> {
    common::reviewer_harness(data_dir, now, None)
}

#[test]
fn a_keyboard_only_session_reveals_grades_and_undoes() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    assert_eq!(
        harness.state().keyboard_pane(),
        virtscope::app::Pane::Flashcards,
        "the panel has the keyboard when cards are due"
    );
    harness.get_by_label_contains("20 new · 0 learning · 0 due");
    let first = current_card_id(&harness).unwrap();

    press_key(&mut harness, Key::Space);
    assert!(harness.state().reviewer().current().unwrap().revealed);
    harness.get_by_label_contains("Again");
    harness.get_by_label_contains("Easy");

    press_key(&mut harness, Key::Num3);
    let second = current_card_id(&harness).unwrap();
    assert_ne!(first, second, "Good moves on to the next card");
    harness.get_by_label_contains("19 new · 1 learning · 0 due");

    press_key(&mut harness, Key::Enter);
    press_key(&mut harness, Key::Enter);
    assert_eq!(
        harness.state().reviewer().answered_this_session(),
        2,
        "Enter after reveal is Good"
    );

    press_key(&mut harness, Key::U);
    assert_eq!(
        current_card_id(&harness).as_ref(),
        Some(&second),
        "u takes the last answer back"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        current_card_id(&harness),
        Some(first),
        "Ctrl+Z undoes again"
    );
    assert_eq!(harness.state().reviewer().answered_this_session(), 0);
}

#[test]
fn the_answer_buttons_show_their_intervals_and_grade_by_click() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    harness.get_by_label_contains("Show answer").click();
    harness.run();
    let labels = harness.state().reviewer().current().unwrap().labels.clone();
    assert_eq!(labels[0], "<1m", "Again repeats the first learning step");
    harness
        .get_by_label_contains(&format!("Good {}", labels[2]))
        .click();
    harness.run();
    assert_eq!(harness.state().reviewer().answered_this_session(), 1);
}

#[test]
fn show_me_opens_the_cards_scene_and_the_scene_lists_its_cards() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    let card_id = current_card_id(&harness).unwrap();
    let scene = harness
        .state()
        .reviewer()
        .card(&card_id)
        .unwrap()
        .scene
        .clone()
        .unwrap();
    press_key(&mut harness, Key::S);
    assert_eq!(
        harness.state().current_link().place().to_string(),
        virtscope::scene::SceneLink::parse(&scene)
            .unwrap()
            .place()
            .to_string(),
        "the main area shows the card's scene"
    );
    harness.get_by_label_contains("Cards about this scene");
    let front = harness
        .state()
        .reviewer()
        .card(&card_id)
        .unwrap()
        .front
        .clone();
    let front = virtscope::deck::markdown::plain_text(&front);
    harness.get_by_label_contains(&format!("▸ {front}"));

    // The question stays in view over the scene, with what to look for ticked where the scene
    // paints it; another scene drops the strip.
    harness.get_by_label(&format!("Card: {front}"));
    let shown = harness
        .state()
        .shown_card()
        .expect("the card is shown")
        .clone();
    assert_eq!(shown.card_id, card_id);
    assert!(!shown.terms.is_empty());
    for (term, found) in shown.terms.iter().zip(&shown.found) {
        assert!(found, "{term:?} is outlined in the scene");
        harness.get_by_label(&format!("✔ {term}"));
    }
    harness.get_by_label("× Hide").click();
    harness.run();
    assert!(harness.state().shown_card().is_none());
    assert!(harness.query_by_label(&format!("Card: {front}")).is_none());
}

#[test]
fn the_question_strip_follows_the_scene_and_brings_the_card_s_step_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    press_key(&mut harness, Key::S);
    let shown = harness.state().shown_card().expect("shown").clone();
    press_key(&mut harness, Key::F6);
    harness.key_press(Key::Home);
    harness.run();
    if harness.state().current_link() != shown.link {
        harness.get_by_label("Back to the card's step").click();
        harness.run();
        assert_eq!(harness.state().current_link(), shown.link);
    }
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Num2);
    harness.run();
    assert!(
        harness.state().shown_card().is_none(),
        "another tab is another scene: the strip goes"
    );
}

/// Checks that the scene has the keyboard: the status line says so, and Space plays (then
/// pauses) the timeline without revealing the card.
fn assert_space_plays_the_scene(harness: &mut Harness<'static, VirtscopeApp>) {
    assert_eq!(harness.state().keyboard_pane(), virtscope::app::Pane::Scene);
    harness.get_by_label_contains("⌨ Keyboard: scene");
    harness.key_press(Key::Space);
    harness.step();
    assert!(
        !harness.state().reviewer().current().unwrap().revealed,
        "Space did not reveal"
    );
    harness.get_by_role_and_label(Role::Button, "⏸ Pause");
    harness.key_press(Key::Space);
    harness.run();
}

#[test]
fn space_plays_the_timeline_when_the_scene_has_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    press_key(&mut harness, Key::F6);
    assert_space_plays_the_scene(&mut harness);
    press_key(&mut harness, Key::F6);
    harness.get_by_label_contains("⌨ Keyboard: flashcards");
    press_key(&mut harness, Key::Space);
    assert!(harness.state().reviewer().current().unwrap().revealed);
}

#[test]
fn keys_typed_within_one_frame_are_all_handled_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    let first = current_card_id(&harness).unwrap();
    // Both presses reach the app in the same frame, as a fast reviewer types them.
    harness.key_press(Key::Space);
    harness.key_press(Key::Num3);
    harness.run();
    assert_eq!(
        harness.state().reviewer().answered_this_session(),
        1,
        "Space revealed and 3 graded Good"
    );
    assert_ne!(current_card_id(&harness), Some(first));
}

#[test]
fn after_show_me_space_plays_the_scene_until_the_panel_takes_the_keys_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    press_key(&mut harness, Key::S);
    assert_space_plays_the_scene(&mut harness);

    // A click in the panel gives the keys back.
    harness.get_by_label("Flashcards").click();
    harness.run();
    assert_eq!(
        harness.state().keyboard_pane(),
        virtscope::app::Pane::Flashcards
    );
    press_key(&mut harness, Key::Space);
    assert!(harness.state().reviewer().current().unwrap().revealed);
}

#[test]
fn the_browser_toggles_with_ctrl_b_closes_with_esc_and_shows_scenes_uncovered() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    let browser_open =
        |harness: &Harness<'_, VirtscopeApp>| harness.query_by_label("Browse cards").is_some();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run();
    assert!(browser_open(&harness));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run();
    assert!(!browser_open(&harness), "Ctrl+B closes it again");

    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run();
    press_key(&mut harness, Key::Escape);
    assert!(!browser_open(&harness), "Esc closes the window");
    assert!(!harness.state().is_presenting());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run();
    harness
        .get_all_by_role_and_label(Role::Button, "Scene")
        .next()
        .unwrap()
        .click();
    harness.run();
    assert!(
        !browser_open(&harness),
        "the browser closes so the scene it opened is seen"
    );
    assert_eq!(harness.state().keyboard_pane(), virtscope::app::Pane::Scene);
}

#[test]
fn the_panel_cannot_be_restored_wider_than_its_bound() {
    let dir = tempfile::tempdir().unwrap();
    // A wide window whose panel was dragged as wide as it goes...
    let mut wide = harness_at(dir.path(), NOW);
    wide.set_size(egui::vec2(2400.0, 1000.0));
    wide.run();
    let edge = panel_rect(&wide).left();
    wide.drag_at(egui::pos2(edge, 500.0));
    wide.run();
    wide.drop_at(egui::pos2(100.0, 500.0));
    wide.run();
    let dragged = panel_rect(&wide).width();
    let (_, bound) = virtscope::app::panel_width_range(2400.0);
    assert!(
        dragged <= bound.max + 1.0,
        "dragging stops at the bound: {dragged}"
    );
    // ...then restored (egui's saved memory) into a smaller window.
    let memory = wide.ctx.memory(|memory| memory.clone());
    let mut small = harness_at(dir.path(), NOW);
    small.ctx.memory_mut(|m| *m = memory);
    small.set_size(egui::vec2(1280.0, 720.0));
    small.run();
    let width = panel_rect(&small).width();
    let (_, bound) = virtscope::app::panel_width_range(1280.0);
    assert!(
        width <= bound.max + 1.0,
        "restored at {width}, the bound is {}",
        bound.max
    );
    assert!(
        width >= bound.min - 1.0,
        "and at least the smallest width: {width}"
    );
}

/// The Flashcards panel's rectangle, from its heading's parent panel.
fn panel_rect(harness: &Harness<'_, VirtscopeApp>) -> egui::Rect {
    harness
        .state()
        .flashcards_panel_rect()
        .expect("the panel is shown")
}

#[test]
fn progress_survives_a_restart_and_the_right_cards_come_back_the_next_day() {
    let dir = tempfile::tempdir().unwrap();
    let learned = {
        let mut harness = harness_at(dir.path(), NOW);
        let mut learned = Vec::new();
        for _ in 0..3 {
            learned.push(current_card_id(&harness).unwrap());
            press_key(&mut harness, Key::Space);
            press_key(&mut harness, Key::Num3);
        }
        learned
    };
    let harness = harness_at(dir.path(), NOW + DAY);
    let counts = harness.state().reviewer().counts();
    assert_eq!(
        counts.learning, 3,
        "the three cards in their 10-minute step are due: {counts}"
    );
    assert_eq!(
        counts.new, 20,
        "a new day brings a fresh new-card allowance"
    );
    let next = current_card_id(&harness).unwrap();
    assert!(
        learned.contains(&next),
        "learning cards come before new cards"
    );
}

#[test]
fn the_browser_suspends_and_statistics_render() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    press_key(&mut harness, Key::Space);
    press_key(&mut harness, Key::Num3);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::B);
    harness.run();
    harness.get_by_label("Browse cards");
    // The user's 83 cards and the 7 memory cards added after them (issue 19), and one quiz
    // card per quiz family (issue 18).
    harness.get_by_label(&format!("{} cards", 90 + virtscope::quiz::FAMILIES.len()));
    harness.get_all_by_label("Suspend").next().unwrap().click();
    harness.run();
    harness.get_by_label_contains("(suspended)");

    harness
        .get_by_role_and_label(Role::Button, "Statistics…")
        .click();
    harness.run();
    harness.get_by_label_contains("True retention");
    harness.get_by_label_contains("Answers per day");
}

#[test]
fn a_bad_deck_file_is_reported_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.toml");
    std::fs::write(
        &bad,
        "format = \"virtscope-deck\"\nversion = 1\n[deck]\nname = 3\n",
    )
    .unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    let before = current_card_id(&harness);
    let deck_name = harness.state().reviewer().deck().meta.name.clone();
    // The typed path is the way in when no file chooser exists; tests never open a real dialog.
    harness.get_by_label("Type a path…").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Deck path")
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Deck path")
        .type_text(bad.to_str().unwrap());
    harness.key_press(Key::Enter);
    harness.run();
    harness.get_by_label_contains("Could not open the deck");
    harness.get_by_label_contains("broken.toml");
    assert_eq!(harness.state().reviewer().deck().meta.name, deck_name);
    assert_eq!(current_card_id(&harness), before);
}

/// Replaces the text of the settings window's "Learning steps" field and presses Apply.
fn apply_learning_steps(harness: &mut Harness<'static, VirtscopeApp>, steps: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, "Learning steps")
        .focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_role_and_label(Role::TextInput, "Learning steps")
        .type_text(steps);
    harness.run();
    harness.get_by_role_and_label(Role::Button, "Apply").click();
    harness.run();
}

#[test]
fn review_settings_apply_valid_steps_and_refuse_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    harness.get_by_label("Settings…").click();
    harness.run();
    harness.get_by_label("Review settings");
    apply_learning_steps(&mut harness, "1m soon");
    harness.get_by_label_contains("Not applied");
    assert_eq!(
        harness.state().settings().review.learning_steps_secs,
        vec![60, 600]
    );

    apply_learning_steps(&mut harness, "2m 20m");
    assert_eq!(
        harness.state().settings().review.learning_steps_secs,
        vec![120, 1200]
    );
    assert_eq!(
        harness
            .state()
            .reviewer()
            .scheduler()
            .config()
            .learning_steps_secs,
        vec![120, 1200],
        "the reviewer schedules with the new steps"
    );
}

/// After an answer the app asks for one more frame when the idle pause is over, so the answers
/// are copied out of the WAL even if the student then touches nothing (an idle window otherwise
/// draws no frames).
#[test]
fn after_an_answer_the_app_wakes_up_for_the_idle_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    press_key(&mut harness, Key::Space);
    press_key(&mut harness, Key::Num3);
    assert_eq!(harness.state().reviewer().answered_this_session(), 1);
    let delay = harness.output().viewport_output[&egui::ViewportId::ROOT].repaint_delay;
    assert_eq!(
        delay,
        std::time::Duration::from_secs(virtscope::reviewer::IDLE_CHECKPOINT_SECS as u64)
    );
}
