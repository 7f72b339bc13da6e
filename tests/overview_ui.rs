//! The Overview's data-centre views driven through the real app with egui_kittest: picking the
//! power and consolidation views, moving a facility slider, and stepping through consolidation.
//! Widgets and canvas regions are found by role and label.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable as _;

mod common;
use common::{harness_at, link};

#[test]
fn the_power_view_computes_pue_and_its_sliders_change_the_link() {
    let mut harness = harness_at("overview?step=0");
    harness
        .get_by_role_and_label(Role::Button, "Data-centre power (PUE)")
        .click();
    harness.run();
    assert_eq!(link(&harness), "overview/power?step=0");
    harness.get_by_label_contains("Before: one workload per server: 362 kW in all, PUE 1.57");

    // Drag the utilisation to the far right: busier servers, more IT power, the same
    // overhead, so a lower PUE.
    let rail = harness
        .get_by_role_and_label(Role::Slider, "Utilisation %")
        .rect();
    let pos = rail.right_center() - egui::Vec2::new(2.0, 0.0);
    harness.hover_at(pos);
    harness.drag_at(pos);
    harness.run();
    harness.drop_at(pos);
    harness.run();
    assert_eq!(link(&harness), "overview/power?util_pct=100&step=0");
    harness.get_by_label_contains("Before: one workload per server: 606 kW in all, PUE 1.52");
    harness
        .get_by_role_and_label(Role::Button, "Next ▶")
        .click();
    harness.run();
    assert!(link(&harness).ends_with("step=1"), "{}", link(&harness));
    harness.get_by_label_contains("Consolidated onto VM hosts: ");
}

#[test]
fn the_consolidation_view_walks_the_benefits_to_their_summary() {
    let mut harness = harness_at("overview/consolidation?step=0");
    assert_eq!(harness.state().active_tab_id(), "overview");
    harness.get_by_label("server legacy: Windows 2008, 6 % busy");
    harness.get_by_role_and_label(Role::Button, "End ⏭").click();
    harness.run();
    assert_eq!(link(&harness), "overview/consolidation?step=7");
    harness.get_by_label_contains("VM legacy (Windows 2008) on host 3");
    harness
        .get_by_role_and_label(Role::Button, "Six ways to run software")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "overview?step=0",
        "the stacks kept their scene"
    );
}
