//! The app shell driven headlessly through egui_kittest: tabs, keys, timeline, history, links,
//! persistence and idleness. Widgets are found by their accessible role and label.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::collections::HashMap;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use virtscope::app::{Launch, Settings, VirtscopeApp};
use virtscope::scene::SceneLink;
use virtscope::tabs;
use virtscope::theme::ThemeKind;

mod common;
use common::{app_harness, link};

fn harness() -> Harness<'static, VirtscopeApp> {
    app_harness(Settings::default(), Launch::default())
}

/// Whether the last frame asked for no further frame: an idle window must not redraw.
fn is_idle(harness: &Harness<'_, VirtscopeApp>) -> bool {
    harness
        .output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .is_none_or(|viewport| viewport.repaint_delay == std::time::Duration::MAX)
}

#[test]
fn starts_on_the_overview_and_is_idle() {
    let harness = harness();
    assert_eq!(harness.state().active_tab_id(), "overview");
    assert!(is_idle(&harness), "nothing moves, so nothing repaints");
    harness.get_by_role_and_label(Role::Button, "▶ Play");
    harness.get_by_label("Bare-metal (type 1): Hypervisor");
}

#[test]
fn ctrl_number_switches_to_every_registered_tab() {
    let mut harness = harness();
    for (index, tab) in tabs::all().iter().enumerate().rev() {
        let key = [
            Key::Num1,
            Key::Num2,
            Key::Num3,
            Key::Num4,
            Key::Num5,
            Key::Num6,
            Key::Num7,
        ][index];
        harness.key_press_modifiers(Modifiers::COMMAND, key);
        harness.run();
        assert_eq!(harness.state().active_tab_id(), tab.id());
    }
}

#[test]
fn space_plays_until_paused_and_the_app_is_idle_again() {
    let mut harness = harness();
    harness.key_press(Key::Space);
    harness.step();
    harness.step();
    assert!(
        !is_idle(&harness),
        "a playing timeline asks for the next frame"
    );
    harness.get_by_role_and_label(Role::Button, "⏸ Pause");
    for _ in 0..30 {
        harness.step();
    }
    harness.key_press(Key::Space);
    harness.run();
    assert!(is_idle(&harness), "paused: no more repaints");
    harness.get_by_role_and_label(Role::Button, "▶ Play");
}

#[test]
fn arrow_keys_home_and_end_move_through_the_steps() {
    let mut harness = harness();
    harness.key_press(Key::ArrowRight);
    harness.run();
    assert_eq!(link(&harness), "overview?step=1");
    harness.key_press(Key::ArrowRight);
    harness.key_press(Key::ArrowLeft);
    harness.run();
    assert_eq!(link(&harness), "overview?step=1");
    harness.key_press(Key::End);
    harness.run();
    let last = SceneLink::parse(&link(&harness)).unwrap();
    assert!(last.get("step").unwrap().parse::<usize>().unwrap() > 5);
    harness.key_press(Key::Home);
    harness.run();
    assert_eq!(link(&harness), "overview?step=0");
}

#[test]
fn playback_buttons_step_and_jump() {
    let mut harness = harness();
    harness
        .get_by_role_and_label(Role::Button, "Next ▶")
        .click();
    harness.run();
    assert_eq!(link(&harness), "overview?step=1");
    harness.get_by_role_and_label(Role::Button, "End ⏭").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "◀ Back")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "⏮ Start")
        .click();
    harness.run();
    assert_eq!(link(&harness), "overview?step=0");
}

#[test]
fn clicking_a_layer_selects_it_and_explains_it() {
    let mut harness = harness();
    harness.get_by_label("Hosted (type 2): Host OS").click();
    harness.run();
    assert_eq!(link(&harness), "overview?select=type2.host-os&step=0");
}

#[test]
fn alt_left_and_alt_right_go_back_and_forward_through_scenes() {
    let mut harness = harness();
    harness
        .state_mut()
        .open_link(&SceneLink::parse("overview?select=native&step=3").unwrap());
    harness.run();
    harness
        .state_mut()
        .open_link(&SceneLink::parse("overview?select=type1&step=0").unwrap());
    harness.run();
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    harness.run();
    assert_eq!(
        link(&harness),
        "overview?select=native&step=3",
        "back to the step left"
    );
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    harness.run();
    assert_eq!(link(&harness), "overview?select=type1&step=0");
}

#[test]
fn typing_a_link_opens_it_and_a_bad_link_is_reported_without_changing_the_scene() {
    let mut harness = harness();
    let field = harness.get_by_role(Role::TextInput);
    field.focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_role(Role::TextInput)
        .type_text("overview?step=real-io");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(link(&harness), "overview?step=3");

    harness.get_by_role(Role::TextInput).focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_role(Role::TextInput)
        .type_text("overview?step=99");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(
        link(&harness),
        "overview?step=3",
        "a bad link changes nothing"
    );
    let status = harness.state().status().expect("the error is shown");
    assert!(status.is_error);
    assert!(status.text.contains("\"99\""), "{}", status.text);
    harness.get_by_label_contains("Cannot open overview?step=99");
}

#[test]
fn typing_in_the_link_field_does_not_move_the_timeline() {
    let mut harness = harness();
    harness.get_by_role(Role::TextInput).focus();
    harness.run();
    harness.key_press(Key::Space);
    harness.key_press(Key::ArrowRight);
    harness.run();
    assert_eq!(link(&harness), "overview?step=0");
}

#[test]
fn theme_and_zoom_are_settings() {
    let mut harness = harness();
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label("Dark").click();
    harness.run();
    assert_eq!(harness.state().settings().theme, ThemeKind::Dark);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
    harness.run();
    assert!((harness.state().settings().zoom - 1.1).abs() < 1e-3);
}

/// eframe's storage, in memory.
#[derive(Default)]
struct MemoryStorage(HashMap<String, String>);

impl eframe::Storage for MemoryStorage {
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
fn theme_zoom_and_last_scene_survive_a_restart() {
    let mut harness = app_harness(
        Settings {
            theme: ThemeKind::Projector,
            zoom: 1.2,
            ..Settings::default()
        },
        Launch::default(),
    );
    harness
        .state_mut()
        .open_link(&SceneLink::parse("overview?select=paravirt&step=2").unwrap());
    harness.run();
    let mut storage = MemoryStorage::default();
    eframe::App::save(harness.state_mut(), &mut storage);

    let restored: Settings = eframe::get_value(&storage, eframe::APP_KEY).unwrap();
    assert_eq!(restored.theme, ThemeKind::Projector);
    assert!((restored.zoom - 1.2).abs() < 1e-6);
    let harness = app_harness(restored, Launch::default());
    assert_eq!(link(&harness), "overview?select=paravirt&step=2");
}

#[test]
fn a_launch_link_wins_over_the_last_scene() {
    let settings = Settings {
        last_scene: Some("overview?step=5".to_owned()),
        ..Settings::default()
    };
    let launch = Launch {
        open: Some(SceneLink::parse("overview?step=2").unwrap()),
        ..Launch::default()
    };
    let harness = app_harness(settings, launch);
    assert_eq!(link(&harness), "overview?step=2");
}
