//! What the UI suites share: the real app in a kittest harness, sized like a maximised desktop
//! window, the scene link it shows, and the input they send it (clicks on labelled widgets, key
//! presses, typing into a labelled field). Each suite uses the part it needs, so the rest of this
//! module is unused in that suite's crate.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]
#![allow(dead_code)]

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers};
use egui_kittest::kittest::Queryable as _;
use egui_kittest::{Harness, Node};
use virtscope::app::{Launch, Settings, VirtscopeApp};
use virtscope::scene::SceneLink;

/// The app with `settings` and `launch`, after its first frames have settled.
pub fn app_harness(settings: Settings, launch: Launch) -> Harness<'static, VirtscopeApp> {
    let app = VirtscopeApp::new(settings, launch);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_ui_state(|ui, app: &mut VirtscopeApp| app.ui_content(ui), app);
    harness.run();
    harness
}

/// The app with its progress in `data_dir`, the clock fixed at `now` (Unix seconds), showing
/// `link` when one is given, sized like a large desktop window.
pub fn reviewer_harness(
    data_dir: &std::path::Path,
    now: i64,
    link: Option<&str>,
) -> Harness<'static, VirtscopeApp> {
    let launch = Launch {
        data_dir: Some(data_dir.to_owned()),
        clock: Some(std::sync::Arc::new(move || now)),
        open: link.map(|link| SceneLink::parse(link).expect("a well-formed link")),
        ..Launch::default()
    };
    let app = VirtscopeApp::new(Settings::default(), launch);
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1700.0, 1000.0))
        .build_ui_state(|ui, app: &mut VirtscopeApp| app.ui_content(ui), app);
    harness.run();
    harness
}

/// A launch that opens `link` (which must be well formed).
pub fn opening(link: &str) -> Launch {
    Launch {
        open: Some(SceneLink::parse(link).expect("a well-formed link")),
        ..Launch::default()
    }
}

/// The app with default settings, showing `link`.
pub fn harness_at(link: &str) -> Harness<'static, VirtscopeApp> {
    app_harness(Settings::default(), opening(link))
}

/// The link of the scene the app shows.
pub fn link(harness: &Harness<'_, VirtscopeApp>) -> String {
    harness.state().current_link().to_string()
}

/// Clicks the widget labelled `label` and lets the app settle.
pub fn click(harness: &mut Harness<'_, VirtscopeApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
}

/// Clicks the button labelled exactly `label` (a button's label includes its shortcut, e.g.
/// "Save Ctrl+Enter") and lets the app settle.
pub fn button(harness: &mut Harness<'_, VirtscopeApp>, label: &str) {
    harness.get_by_role_and_label(Role::Button, label).click();
    harness.run();
}

/// Presses `key` with `modifiers` and lets the app settle.
pub fn press(harness: &mut Harness<'_, VirtscopeApp>, modifiers: Modifiers, key: Key) {
    harness.key_press_modifiers(modifiers, key);
    harness.run();
}

/// Presses `key` alone and lets the app settle.
pub fn press_key(harness: &mut Harness<'_, VirtscopeApp>, key: Key) {
    harness.key_press(key);
    harness.run();
}

/// The events of one key press with `modifiers`, as a keyboard sends them.
pub fn key_events(modifiers: Modifiers, key: Key) -> [Event; 4] {
    let key_event = |pressed| Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers,
    };
    [
        Event::ModifiersChanged(modifiers),
        key_event(true),
        key_event(false),
        Event::ModifiersChanged(Modifiers::NONE),
    ]
}

/// Presses `key` with `modifiers` in a single frame and does not wait for the app to settle: for
/// an app that may be animating (after random input a timeline may play), where [`press`] would
/// wait for a quiet frame that never comes.
pub fn press_in_one_frame(harness: &mut Harness<'_, VirtscopeApp>, modifiers: Modifiers, key: Key) {
    harness
        .input_mut()
        .events
        .extend(key_events(modifiers, key));
    harness.step();
}

/// The text field (one line or several) labelled `label`.
pub fn field<'h>(harness: &'h Harness<'_, VirtscopeApp>, label: &'h str) -> Node<'h> {
    harness.get_by(|node| {
        matches!(node.role(), Role::TextInput | Role::MultilineTextInput)
            && node.label().as_deref() == Some(label)
    })
}

/// Puts the keyboard in the text field labelled `label` and types `text` at its end.
pub fn type_at_end(harness: &mut Harness<'_, VirtscopeApp>, label: &str, text: &str) {
    field(harness, label).focus();
    harness.run();
    press(harness, Modifiers::COMMAND, Key::End);
    field(harness, label).type_text(text);
    harness.run();
}

/// The id of the card under review, if one is.
pub fn current_card_id(harness: &Harness<'_, VirtscopeApp>) -> Option<String> {
    harness
        .state()
        .reviewer()
        .current()
        .map(|current| current.card_id.clone())
}
