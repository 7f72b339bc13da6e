//! What the UI suites share: the real app in a kittest harness, sized like a maximised desktop
//! window, and the scene link it shows. Each suite uses the part it needs, so the rest of this
//! module is unused in that suite's crate.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]
#![allow(dead_code)]

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
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
