//! Quiz cards in the Flashcards panel, driven through the real app with egui_kittest: a quiz
//! comes due like a card, is answered by clicking a choice, the scene that shows why opens, the
//! rating is recorded, and Undo takes it back; "Practise this" and "Quiz me" ask unscheduled
//! questions. Progress lives in a temporary data folder; the clock is fixed.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::sync::Arc;

use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use virtscope::app::{Launch, Settings, VirtscopeApp};
use virtscope::quiz::{Instance, cli::letter};
use virtscope::review::answer::LogAction;
use virtscope::review::rating::Rating;
use virtscope::theme::ThemeKind;

/// 2025-03-10 10:00 UTC, far from the 04:00 local rollover in any time zone near UTC.
const NOW: i64 = 1_741_600_800;

fn harness_at(data_dir: &Path, now: i64) -> Harness<'static, VirtscopeApp> {
    common::reviewer_harness(data_dir, now, None)
}

/// Reveals the current deck card and grades it Good with the keys.
fn grade_good(harness: &mut Harness<'_, VirtscopeApp>) {
    harness.key_press(Key::Space);
    harness.run();
    harness.key_press(Key::Num3);
    harness.run();
}

/// Grades deck cards Good until a quiz card is the current card; returns its instance.
fn until_a_quiz_is_due(harness: &mut Harness<'_, VirtscopeApp>) -> Instance {
    for _ in 0..30 {
        if let Some((family, seed)) = harness.state().reviewer().current_quiz() {
            return family.instance(seed).expect("generates");
        }
        grade_good(harness);
    }
    panic!("no quiz card came due among the first new cards");
}

fn choice_label(instance: &Instance, index: usize) -> String {
    format!("{}. {}", letter(index), instance.choices[index])
}

fn history(harness: &Harness<'_, VirtscopeApp>, card_id: &str) -> Vec<LogAction> {
    let reviewer = harness.state().reviewer();
    reviewer
        .store()
        .expect("progress is on")
        .card_history(&reviewer.deck().meta.id, card_id)
        .expect("reads")
        .into_iter()
        .map(|entry| entry.action)
        .collect()
}

/// Clicks Undo: the quiz's answer leaves its history and the quiz card is current again.
fn undo_brings_the_quiz_back(harness: &mut Harness<'_, VirtscopeApp>, card_id: &str) {
    // The panel's Undo (shortcut u), not a tab's own (the cgroups controls have one); on a
    // small screen it may be below the panel's fold.
    scroll_and_click(harness, "Undo u");
    assert!(
        history(harness, card_id).is_empty(),
        "Undo removes the answer"
    );
    assert_eq!(
        harness
            .state()
            .reviewer()
            .current()
            .map(|c| c.card_id.clone())
            .as_deref(),
        Some(card_id),
        "the quiz card is back"
    );
}

#[test]
fn a_quiz_card_comes_due_is_answered_by_a_click_opens_why_and_undo_takes_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    let instance = until_a_quiz_is_due(&mut harness);
    let card_id = format!("quiz:{}", instance.family);
    let answered = harness.state().reviewer().answered_this_session();
    harness.get_by_label_contains(&instance.question);

    // Space does not reveal a quiz: it is answered by a choice.
    harness.key_press(Key::Space);
    harness.run();
    assert!(!harness.state().reviewer().current().unwrap().revealed);

    harness
        .get_by_label(&choice_label(&instance, instance.answer))
        .click();
    harness.run();
    assert_eq!(
        harness.state().reviewer().answered_this_session(),
        answered + 1
    );
    assert_eq!(
        history(&harness, &card_id),
        [LogAction::Answer(Rating::Easy)],
        "a right answer at once (the clock is fixed) rates Easy"
    );
    assert_eq!(
        harness.state().current_link(),
        instance.why,
        "the scene that shows why opens"
    );
    harness.get_by_label_contains("✔ Right · rated Easy");
    // The quiz links back to the cards on its idea.
    let family = virtscope::quiz::family(instance.family).unwrap();
    let reviewer = harness.state().reviewer();
    let front = family
        .cards
        .iter()
        .find_map(|id| reviewer.card(id))
        .map(|card| virtscope::deck::markdown::plain_text(&card.front))
        .expect("a card on the idea");
    harness.get_by_label(&format!("▸ {front}"));
    assert!(
        harness
            .get_all_by_label_contains(&instance.explanation)
            .next()
            .is_some(),
        "the panel explains why"
    );

    undo_brings_the_quiz_back(&mut harness, &card_id);
}

#[test]
fn a_wrong_choice_rates_again_and_names_the_models_answer() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    let instance = until_a_quiz_is_due(&mut harness);
    let wrong = (instance.answer + 1) % instance.choices.len();
    harness
        .get_by_label(&choice_label(&instance, wrong))
        .click();
    harness.run();
    assert_eq!(
        history(&harness, &format!("quiz:{}", instance.family)),
        [LogAction::Answer(Rating::Again)]
    );
    harness.get_by_label_contains("Not quite · rated Again");
    harness.get_by_label_contains(&format!(
        "The model's answer: {}. {}",
        letter(instance.answer),
        instance.right()
    ));
    assert_eq!(harness.state().current_link(), instance.why);
}

#[test]
fn quiz_me_asks_about_the_tab_on_screen_without_scheduling() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = common::reviewer_harness(dir.path(), NOW, Some("migration"));
    let answered = harness.state().reviewer().answered_this_session();
    harness.get_by_label("Quiz me").click();
    harness.run();
    harness.get_by_label_contains("Practice (not scheduled)");
    let first_choice = harness.get_all_by_label_contains("A. ").next().is_some();
    assert!(first_choice, "the choices are buttons");
    harness
        .get_all_by_label_contains("A. ")
        .next()
        .unwrap()
        .click();
    harness.run();
    harness.get_by_label_contains("practice, not rated");
    assert_eq!(
        harness.state().current_link().tab,
        "migration",
        "the why scene is the migration tab's"
    );
    assert_eq!(
        harness.state().reviewer().answered_this_session(),
        answered,
        "practice records nothing"
    );
}

#[test]
fn grade_keys_cannot_answer_a_quiz_card() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    let instance = until_a_quiz_is_due(&mut harness);
    let answered = harness.state().reviewer().answered_this_session();
    for key in [Key::Space, Key::Num3, Key::Enter, Key::Num1] {
        harness.key_press(key);
        harness.run();
    }
    assert_eq!(harness.state().reviewer().answered_this_session(), answered);
    assert_eq!(
        harness
            .state()
            .reviewer()
            .current()
            .map(|c| c.card_id.clone()),
        Some(format!("quiz:{}", instance.family))
    );
}

#[test]
fn practise_this_under_a_card_asks_its_family() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness_at(dir.path(), NOW);
    // The first deck card with a family: grade until one is current.
    for _ in 0..30 {
        let current = harness
            .state()
            .reviewer()
            .current()
            .unwrap()
            .card_id
            .clone();
        if !virtscope::quiz::families_for_card(&current).is_empty() {
            break;
        }
        grade_good(&mut harness);
    }
    let current = harness
        .state()
        .reviewer()
        .current()
        .unwrap()
        .card_id
        .clone();
    let families = virtscope::quiz::families_for_card(&current);
    assert!(!families.is_empty(), "{current} has a family");
    harness.get_by_label("Practise this").click();
    harness.run();
    harness.get_by_label_contains("Practice (not scheduled)");
    let asked = families.iter().any(|family| {
        harness
            .query_by_label_contains(&family.title[..20.min(family.title.len())])
            .is_some()
            || harness.query_by_label_contains("A. ").is_some()
    });
    assert!(asked, "a question of the card's family is shown");
}

/// The app with room for every new card today, its progress in `data_dir`, the clock at `now`,
/// in `theme` at `size`.
fn picture_harness(
    data_dir: &Path,
    now: i64,
    theme: ThemeKind,
    size: egui::Vec2,
) -> Harness<'static, VirtscopeApp> {
    let mut settings = Settings::default();
    settings.review.new_cards_per_day = 200;
    settings.theme = theme;
    let launch = Launch {
        data_dir: Some(data_dir.to_owned()),
        clock: Some(Arc::new(move || now)),
        ..Launch::default()
    };
    let app = VirtscopeApp::new(settings, launch);
    let mut harness = Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut VirtscopeApp| app.ui_content(ui), app);
    harness.run();
    harness
}

/// Clicks the widget labelled `label` after scrolling it into view (on a small screen it may be
/// below the panel's fold).
fn scroll_and_click(harness: &mut Harness<'_, VirtscopeApp>, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run();
    harness.get_by_label(label).click();
    harness.run();
}

/// Grades deck cards Good and answers other quizzes rightly until `family_id`'s quiz is the
/// current card (it comes after the deck cards on its idea); returns its instance.
fn until_family_is_due(harness: &mut Harness<'_, VirtscopeApp>, family_id: &str) -> Instance {
    for _ in 0..400 {
        match harness.state().reviewer().current_quiz() {
            Some((family, seed)) if family.id == family_id => {
                return family.instance(seed).expect("generates");
            }
            Some((family, seed)) => {
                let other = family.instance(seed).expect("generates");
                scroll_and_click(harness, &choice_label(&other, other.answer));
            }
            None => grade_good(harness),
        }
    }
    panic!(
        "{family_id} did not come due; current {:?}",
        harness
            .state()
            .reviewer()
            .current()
            .map(|c| c.card_id.clone())
    );
}

/// Answering on the picture: the Overview's next-hop quiz comes due (after the deck cards on its
/// idea, so the day allows more new cards), the student opens its scene and clicks the layer the
/// write reaches next; the rating is recorded, the scene plays forward to the hop, and Undo takes
/// it back.
#[test]
fn a_quiz_card_is_answered_by_clicking_the_layer_on_the_picture() {
    use virtscope::tabs::overview::model::{StackKind, stack};
    let dir = tempfile::tempdir().unwrap();
    let mut harness = picture_harness(
        dir.path(),
        NOW,
        ThemeKind::Light,
        egui::vec2(1600.0, 1000.0),
    );
    let instance = until_family_is_due(&mut harness, "overview.next-hop");
    let card_id = format!("quiz:{}", instance.family);
    harness.get_by_label_contains("Answer on the picture: click the layer");
    harness.get_by_label("Show the scene").click();
    harness.run();
    assert_eq!(harness.state().current_link(), instance.at);

    // The layer to click, as the Overview labels it: "<stack>: <layer>".
    let pick = instance.pick.as_ref().expect("a picture answer");
    let value = pick.values[instance.answer]
        .as_deref()
        .expect("in the picture");
    let (stack_slug, layer_slug) = value.split_once('.').expect("stack.layer");
    let kind = StackKind::from_slug(stack_slug).expect("a stack");
    let layer = stack(kind)
        .layers
        .into_iter()
        .find(|layer| layer.kind.slug() == layer_slug)
        .expect("a layer");
    harness
        .get_by_label(&format!("{}: {}", kind.title(), layer.title))
        .click();
    harness.run();
    assert_eq!(
        history(&harness, &card_id),
        [LogAction::Answer(Rating::Easy)],
        "the click on the right layer is a right answer, at once (the clock is fixed)"
    );
    assert_eq!(
        harness.state().current_link(),
        instance.why,
        "the scene plays forward to the hop"
    );
    harness.get_by_label_contains("✔ Right · rated Easy");

    undo_brings_the_quiz_back(&mut harness, &card_id);
}

/// The first clock time from `NOW` whose oom-victim instance (the seed is the time the card is
/// shown) kills a process, so that the right answer is in the picture.
fn a_time_that_kills() -> i64 {
    let family = virtscope::quiz::family("cgroups.oom-victim").expect("the family");
    (NOW..NOW + 200)
        .find(|now| {
            let instance = family.instance(now.unsigned_abs()).expect("generates");
            instance.pick.as_ref().expect("a picture answer").values[instance.answer].is_some()
        })
        .expect("some seed kills a process")
}

/// Answering on the picture in the cgroups simulation, at 1600x1000 and on a 1280x720
/// projector with the Flashcards panel open: the OOM-victim quiz comes due, the student opens
/// its scene and clicks the process the OOM killer kills in the table of groups (on screen, not
/// pushed below the canvas by the controls); the rating is recorded, the scene plays forward to
/// the kill, and Undo takes it back. A click on a process the killer spares rates Again.
#[test]
fn the_oom_victim_is_answered_by_clicking_the_process_on_the_picture() {
    let now = a_time_that_kills();
    for (right, theme, size) in [
        (true, ThemeKind::Light, egui::vec2(1600.0, 1000.0)),
        (false, ThemeKind::Light, egui::vec2(1600.0, 1000.0)),
        (true, ThemeKind::Projector, egui::vec2(1280.0, 720.0)),
        (false, ThemeKind::Projector, egui::vec2(1280.0, 720.0)),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = picture_harness(dir.path(), now, theme, size);
        let instance = until_family_is_due(&mut harness, "cgroups.oom-victim");
        let card_id = format!("quiz:{}", instance.family);
        harness.get_by_label_contains("Answer on the picture: click the process");
        scroll_and_click(&mut harness, "Show the scene");
        assert_eq!(harness.state().current_link(), instance.at);

        let pick = instance.pick.as_ref().expect("a picture answer");
        let chosen = if right {
            instance.answer
        } else {
            (0..instance.choices.len())
                .find(|index| *index != instance.answer && pick.values[*index].is_some())
                .expect("a process the killer spares")
        };
        let pid = pick.values[chosen].as_deref().expect("in the picture");
        // The chip reads "<comm> (<pid>)"; the choice reads "PID <pid> (<comm>)".
        let comm = instance.choices[chosen]
            .split_once('(')
            .and_then(|(_, rest)| rest.strip_suffix(')'))
            .expect("a command name");
        // The chip is on screen, inside the scene above the timeline bar, so a real pointer
        // can click it (at a 1280x720 projector the controls once pushed it below the canvas).
        let chip_label = format!("process {comm} ({pid})");
        let chip = harness.get_by_label(&chip_label);
        let bar = harness.get_by_label("⏮ Start").rect();
        let (rect, screen) = (
            chip.rect(),
            egui::Rect::from_min_size(egui::Pos2::ZERO, size),
        );
        assert!(
            screen.contains_rect(rect) && rect.max.y <= bar.min.y,
            "the chip {rect:?} is in the scene, above the timeline bar at {bar:?}"
        );
        chip.click();
        harness.run();
        let (rating, mark) = if right {
            (Rating::Easy, "✔ Right · rated Easy")
        } else {
            (Rating::Again, "Not quite · rated Again")
        };
        assert_eq!(
            history(&harness, &card_id),
            [LogAction::Answer(rating)],
            "the click on {comm} answers"
        );
        assert_eq!(
            harness.state().current_link(),
            instance.why,
            "the scene plays forward to the kill"
        );
        harness.get_by_label_contains(mark);

        undo_brings_the_quiz_back(&mut harness, &card_id);
    }
}
