//! Presentation mode and the export dialog, driven through the real app with egui_kittest.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use egui::accesskit::Role;
use egui::{Key, Modifiers, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use virtscope::app::{Launch, Settings, VirtscopeApp};
use virtscope::lecture::{Blank, Tool};
use virtscope::scene::SceneLink;

mod common;
use common::{app_harness, link, press_key};

fn harness(launch: Launch) -> Harness<'static, VirtscopeApp> {
    app_harness(Settings::default(), launch)
}

#[test]
fn f5_presents_pagedown_steps_b_blanks_and_esc_leaves() {
    let mut harness = harness(Launch::default());
    press_key(&mut harness, Key::F5);
    assert!(harness.state().is_presenting());
    assert!(
        harness.query_by_label("View").is_none(),
        "menus are hidden while presenting"
    );
    press_key(&mut harness, Key::PageDown);
    assert_eq!(link(&harness), "overview?step=1");
    press_key(&mut harness, Key::Space);
    assert_eq!(
        link(&harness),
        "overview?step=2",
        "Space steps like a clicker"
    );
    press_key(&mut harness, Key::PageUp);
    assert_eq!(link(&harness), "overview?step=1");
    press_key(&mut harness, Key::B);
    assert_eq!(harness.state().presentation().blank, Some(Blank::Black));
    press_key(&mut harness, Key::Period);
    assert_eq!(
        harness.state().presentation().blank,
        None,
        "the clicker's . toggles back"
    );
    press_key(&mut harness, Key::W);
    assert_eq!(harness.state().presentation().blank, Some(Blank::White));
    press_key(&mut harness, Key::Escape);
    assert!(!harness.state().is_presenting());
    harness.get_by_label("View");
    assert_eq!(
        harness.state().settings().theme,
        virtscope::theme::ThemeKind::Light,
        "the saved theme is kept"
    );
}

#[test]
fn pen_strokes_appear_and_clear_and_never_reach_the_link() {
    let mut harness = harness(Launch::default());
    press_key(&mut harness, Key::F5);
    press_key(&mut harness, Key::P);
    assert_eq!(harness.state().presentation().tool, Tool::Pen);
    harness.drag_at(Pos2::new(400.0, 400.0));
    harness.run();
    for x in [420.0, 460.0, 500.0] {
        harness.hover_at(Pos2::new(x, 420.0));
        harness.run();
    }
    harness.drop_at(Pos2::new(520.0, 430.0));
    harness.run();
    let ink = &harness.state().presentation().ink;
    assert_eq!(ink.len(), 1, "one stroke");
    assert!(ink[0].points.len() >= 3, "{:?}", ink[0].points);
    assert_eq!(
        link(&harness),
        "overview?step=0",
        "ink is not part of the scene"
    );
    press_key(&mut harness, Key::E);
    assert!(harness.state().presentation().ink.is_empty());
    press_key(&mut harness, Key::L);
    assert_eq!(harness.state().presentation().tool, Tool::Laser);
}

#[test]
fn a_lecture_walks_through_steps_then_scenes() {
    let lecture = virtscope::lecture::script::parse(
        "= Demo\noverview?step=8\n  Last steps of the overview.\noverview?select=type1&step=0\n  Then bare metal.\n",
        "demo.txt",
        "demo",
    )
    .unwrap();
    let mut harness = harness(Launch {
        lecture: Some(lecture),
        ..Launch::default()
    });
    assert!(harness.state().is_presenting());
    assert_eq!(link(&harness), "overview?step=8");
    press_key(&mut harness, Key::PageDown);
    assert_eq!(link(&harness), "overview?step=9");
    press_key(&mut harness, Key::PageDown);
    assert_eq!(
        link(&harness),
        "overview?select=type1&step=0",
        "after the last step comes the next scene"
    );
    press_key(&mut harness, Key::PageUp);
    assert_eq!(
        link(&harness),
        "overview?step=9",
        "back to the previous scene's last step"
    );
    press_key(&mut harness, Key::N);
    harness.get_by_label_contains("Last steps of the overview.");
    harness.get_by_label_contains("Then bare metal.");
}

#[test]
fn the_export_dialog_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness(Launch {
        open: Some(SceneLink::parse("overview?select=type2&step=2").unwrap()),
        ..Launch::default()
    });
    harness.key_press_modifiers(Modifiers::COMMAND, Key::E);
    harness.run();
    harness.get_by_label("Export scene");
    harness.get_by_label("SVG").click();
    harness.run();
    let path = dir.path().join("scene.svg");
    let field = harness.get_by_role_and_label(Role::TextInput, "Path");
    field.focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_role_and_label(Role::TextInput, "Path")
        .type_text(path.to_str().unwrap());
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Export")
        .click();
    for _ in 0..200 {
        harness.step();
        if !harness.state().is_exporting() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    harness.run();
    let svg = std::fs::read_to_string(&path).expect("the dialog wrote the file");
    assert!(svg.starts_with("<svg") && svg.contains("Hosted (type 2)"));
    harness.get_by_label_contains("Wrote");
}
