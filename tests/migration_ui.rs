//! The Migration tab driven through the real app with egui_kittest: sliders, modes, the
//! comparison, stepping and scrubbing, and the deck's links. Widgets are found by role and label.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use egui::accesskit::Role;
use egui::{Key, Vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use virtscope::app::VirtscopeApp;
use virtscope::scene::SceneLink;
use virtscope::tabs::{LinkStatus, check_link};

mod common;
use common::{harness_at, link};

/// The text of the one label that starts with `prefix`.
fn label_starting(harness: &Harness<'_, VirtscopeApp>, prefix: &str) -> String {
    let labels: Vec<String> = harness
        .query_all_by_role(Role::Label)
        .filter_map(|node| node.accesskit_node().value())
        .filter(|text| text.starts_with(prefix))
        .collect();
    assert_eq!(
        labels.len(),
        1,
        "labels starting with {prefix:?}: {labels:?}"
    );
    labels[0].clone()
}

#[test]
fn dragging_the_downtime_target_changes_the_downtime_and_the_link() {
    let mut harness = harness_at("migration?mode=pre-copy&preset=worked-example&t=20");
    assert_eq!(harness.state().active_tab_id(), "migration");
    assert_eq!(label_starting(&harness, "Downtime: "), "Downtime: 153 ms");
    assert_eq!(
        label_starting(&harness, "Stop condition: "),
        "Stop condition: Downtime limit met"
    );

    // Press near the far right of the (logarithmic) rail: a target of several seconds lets
    // pre-copy switch over after round 1, with a far longer downtime.
    let rail = harness
        .get_by_role_and_label(Role::Slider, "Downtime limit")
        .rect();
    let pos = rail.right_center() - Vec2::new(rail.width() * 0.1, 0.0);
    harness.hover_at(pos);
    harness.drag_at(pos);
    harness.run();
    harness.drop_at(pos);
    harness.run();

    let downtime = label_starting(&harness, "Downtime: ");
    assert_ne!(
        downtime, "Downtime: 153 ms",
        "the number follows the slider"
    );
    let now = link(&harness);
    assert!(now.contains("&downtime_ms="), "{now}");
    assert!(
        now.starts_with("migration?mode=pre-copy&preset=worked-example&downtime_ms="),
        "{now}"
    );
    assert!(now.ends_with("&t=20"), "the position stays: {now}");

    // Reset brings the preset's numbers back.
    harness
        .get_by_role_and_label(Role::Button, "Reset parameters")
        .click();
    harness.run();
    assert_eq!(label_starting(&harness, "Downtime: "), "Downtime: 153 ms");
    assert_eq!(
        link(&harness),
        "migration?mode=pre-copy&preset=worked-example&t=20"
    );
}

#[test]
fn the_rule_set_is_a_named_choice_that_changes_the_stop_and_the_link() {
    // Issue 14: QEMU keeps iterating at 100 MiB/s (19 rounds); Xen 4.6+ stops after 5 rounds
    // (xg_sr_save.c SPP_MAX_ITERATIONS) with 9.3 s of downtime.
    let mut harness =
        harness_at("migration?mode=pre-copy&preset=worked-example&dirty_mib_s=100&t=20");
    assert_eq!(label_starting(&harness, "Rounds: "), "Rounds: 19");
    assert!(label_starting(&harness, "Pre-copy rules: ").contains("QEMU switches over"));
    harness
        .query_all_by_role(Role::ComboBox)
        .find(|node| node.accesskit_node().value().as_deref() == Some("QEMU"))
        .expect("the rules picker shows QEMU")
        .click();
    harness.run();
    harness.get_by_label("Xen 4.6+").click();
    harness.run();
    assert_eq!(label_starting(&harness, "Rounds: "), "Rounds: 5");
    assert_eq!(
        label_starting(&harness, "Stop condition: "),
        "Stop condition: Round limit"
    );
    assert_eq!(label_starting(&harness, "Downtime: "), "Downtime: 9.3 s");
    assert_eq!(
        link(&harness),
        "migration?mode=pre-copy&preset=worked-example&rules=xen&dirty_mib_s=100&t=20"
    );
    // Xen has no downtime target and no auto-converge: both controls are off.
    assert!(
        harness
            .get_by_role_and_label(Role::Slider, "Downtime limit")
            .accesskit_node()
            .is_disabled()
    );
}

#[test]
fn the_bandwidth_slider_and_a_toggle_update_every_number() {
    let mut harness = harness_at("migration?mode=post-copy&preset=busy-web&t=5");
    let faults_before = label_starting(&harness, "Demand faults: ");
    let total_before = label_starting(&harness, "Total time: ");
    let slider = harness.get_by_role_and_label(Role::Slider, "Bandwidth");
    slider.set_value_accesskit(512.0);
    harness.run();
    assert!(
        link(&harness).contains("&bandwidth_mib_s=512&"),
        "{}",
        link(&harness)
    );
    assert_ne!(label_starting(&harness, "Total time: "), total_before);
    assert_ne!(label_starting(&harness, "Demand faults: "), faults_before);

    harness.get_by_label("Destination fails").click();
    harness.run();
    assert!(
        link(&harness).contains("&dest_fails=true"),
        "{}",
        link(&harness)
    );
    assert_eq!(label_starting(&harness, "Outcome: "), "Outcome: VM lost");
}

#[test]
fn switching_mode_keeps_the_parameters_and_the_position() {
    let mut harness = harness_at("migration?mode=pre-copy&preset=busy-web&dirty_mib_s=64&t=10");
    harness.get_by_label("Post-copy").click();
    harness.run();
    assert_eq!(
        link(&harness),
        "migration?mode=post-copy&preset=busy-web&dirty_mib_s=64&t=10"
    );
    label_starting(&harness, "Demand faults: ");
    harness.get_by_label("Cold").click();
    harness.run();
    assert!(link(&harness).starts_with("migration?mode=cold&"));
    assert_eq!(
        label_starting(&harness, "Downtime: "),
        label_starting(&harness, "Total time: ").replace("Total time", "Downtime"),
        "cold migration is down for the whole copy"
    );
}

#[test]
fn the_compare_view_shows_the_table_and_the_verdict() {
    let mut harness = harness_at("migration?mode=compare&preset=worked-example&t=0");
    for heading in [
        "Method",
        "Outcome",
        "Downtime",
        "Total time",
        "Data sent",
        "Degraded",
        "Demand faults",
        "Pre-copy rounds and stop",
    ] {
        assert!(
            harness.query_all_by_label(heading).count() >= 1,
            "{heading} heads a column"
        );
    }
    for cell in [
        "153 ms",
        "28 ms",
        "32.0 s",
        "42.7 s",
        "4 rounds, downtime limit met",
    ] {
        assert!(
            harness.query_all_by_label(cell).count() >= 1,
            "{cell} is in the table"
        );
    }
    // The method rows: each name is both a mode button and a table row.
    for method in ["Cold", "Pre-copy", "Post-copy"] {
        assert!(harness.query_all_by_label(method).count() >= 2, "{method}");
    }
    harness.get_by_label("Compare all three");
    harness.get_by_label("Timeline chart: click or drag to move in time");

    harness
        .get_by_role_and_label(Role::Button, "Pre-copy")
        .click();
    harness.run();
    assert!(link(&harness).starts_with("migration?mode=pre-copy&"));
}

#[test]
fn stepping_lands_on_events_and_clicking_the_chart_scrubs() {
    let mut harness = harness_at("migration?mode=pre-copy&preset=worked-example&t=0");
    harness
        .get_by_role_and_label(Role::Button, "Next ▶")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "migration?mode=pre-copy&preset=worked-example&t=32"
    );
    harness.key_press(Key::ArrowRight);
    harness.run();
    assert!(link(&harness).ends_with("&t=40"), "{}", link(&harness));
    harness.key_press(Key::ArrowRight);
    harness.key_press(Key::ArrowRight);
    harness.run();
    assert!(
        link(&harness).ends_with("&t=42.5"),
        "converged: {}",
        link(&harness)
    );
    assert!(label_starting(&harness, "At 42.5 s: ").contains("Stop-and-copy"));
    harness
        .get_by_role_and_label(Role::Button, "◀ Back")
        .click();
    harness.run();
    assert!(link(&harness).ends_with("&t=42"), "{}", link(&harness));

    // A click in the middle of the chart moves the position to about the middle of the time.
    let chart = harness
        .get_by_label("Timeline chart: click or drag to move in time")
        .rect();
    harness.hover_at(chart.center());
    harness.drag_at(chart.center());
    harness.run();
    harness.drop_at(chart.center());
    harness.run();
    let t: f64 = SceneLink::parse(&link(&harness))
        .unwrap()
        .get("t")
        .unwrap()
        .parse()
        .unwrap();
    assert!((15.0..32.0).contains(&t), "t = {t}");
    assert!(label_starting(&harness, "At ").contains("Pre-copy round 0"));
}

#[test]
fn every_deck_link_to_migration_is_valid() {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/decks/virtualization.toml"
    ));
    let deck = virtscope::deck::parse_native(text, "virtualization.toml").unwrap();
    let links: Vec<&str> = deck
        .cards
        .iter()
        .filter_map(|card| card.scene.as_deref())
        .filter(|scene| scene.starts_with("migration"))
        .collect();
    assert!(links.len() >= 9, "{links:?}");
    for link in links {
        assert_eq!(check_link(link), LinkStatus::Valid, "{link}");
    }
}

#[test]
fn the_cluster_view_shows_each_reason_to_migrate() {
    let mut harness = harness_at("migration?mode=pre-copy&preset=worked-example&t=0");
    harness
        .get_by_role_and_label(Role::Button, "Why migrate: a cluster")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "migration/cluster?preset=load-balancing&step=0"
    );
    harness.get_by_label("VM web on host A: 4 GiB, 40 % CPU");
    harness.get_by_role_and_label(Role::Button, "End ⏭").click();
    harness.run();
    harness.get_by_label("VM web on host C: 4 GiB, 40 % CPU");

    harness
        .get_by_role_and_label(Role::Button, "Maintenance")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "migration/cluster?preset=maintenance&step=0"
    );
    harness.get_by_role_and_label(Role::Button, "End ⏭").click();
    harness.run();
    assert_eq!(
        link(&harness),
        "migration/cluster?preset=maintenance&step=3"
    );
    assert!(
        harness.query_by_label_contains("on host B:").is_none(),
        "host B is empty"
    );
    harness
        .get_by_role_and_label(Role::Button, "Migration methods")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "migration?mode=pre-copy&preset=worked-example&t=0",
        "the method view kept its scene"
    );
}
