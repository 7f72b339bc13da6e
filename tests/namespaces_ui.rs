//! The Namespaces tab driven through the real app with egui_kittest: run a preset, select a
//! process by its accessible label, unshare with a flag from the toolbar, watch the trees and
//! the link change, step through, and open the live view of this machine.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use virtscope::app::VirtscopeApp;
use virtscope::tabs::{self, LinkStatus};

mod common;
use common::{harness_at, link};

/// Labels of the canvas's namespace nodes of one type (`net namespace 4026532205`, ...).
fn namespace_labels(harness: &Harness<'_, VirtscopeApp>, kind: &str) -> Vec<String> {
    let prefix = format!("{kind} namespace 40");
    let mut labels: Vec<String> = harness
        .query_all_by(|node| node.label().is_some_and(|label| label.starts_with(&prefix)))
        .filter_map(|node| node.accesskit_node().label())
        .collect();
    labels.sort();
    labels.dedup();
    labels
}

#[test]
fn run_a_preset_select_a_process_unshare_and_step_through() {
    let mut harness = harness_at("namespaces?preset=docker-run");
    assert_eq!(harness.state().active_tab_id(), "namespaces");
    assert_eq!(
        link(&harness),
        "namespaces?preset=docker-run&step=11",
        "a link without a step shows the end state"
    );
    harness
        .get_by_role_and_label(Role::Button, "⏮ Start")
        .click();
    harness.run();
    assert_eq!(link(&harness), "namespaces?preset=docker-run&step=0");
    assert!(harness.query_by_label("Process 1302 sh").is_none());

    // Run the preset to its end: the container's shell exists.
    harness.get_by_role_and_label(Role::Button, "End ⏭").click();
    harness.run();
    assert_eq!(link(&harness), "namespaces?preset=docker-run&step=11");
    let nets_before = namespace_labels(&harness, "net");
    assert_eq!(nets_before.len(), 2, "the host's and the container's");

    // Select the container's shell by clicking its row.
    harness.get_by_label("Process 1302 sh").click();
    harness.run();
    assert_eq!(
        link(&harness),
        "namespaces?preset=docker-run&select=1302&step=11"
    );
    harness.get_by_label("Call on process 1302:");

    // unshare(CLONE_NEWNET) from the toolbar: the command is shown before it runs.
    harness.get_by_label("unshare()").click();
    harness.run();
    harness.get_by_label("net").click();
    harness.run();
    harness.get_by_label("unshare --net");
    harness.get_by_label("unshare(CLONE_NEWNET)");
    harness.get_by_role_and_label(Role::Button, "Run").click();
    harness.run();

    // The step is appended, the link reproduces it, and a new net namespace appears.
    assert_eq!(
        link(&harness),
        "namespaces?preset=docker-run&ops=unshare%201302%20net&select=1302&step=12"
    );
    // sh was the container's only process, so its old network namespace dies with the move.
    let nets_after = namespace_labels(&harness, "net");
    let new_net: Vec<&String> = nets_after
        .iter()
        .filter(|label| !nets_before.contains(label))
        .collect();
    assert_eq!(new_net.len(), 1, "{nets_after:?}");
    assert_eq!(
        tabs::check_link(&link(&harness)),
        LinkStatus::Valid,
        "the link reopens"
    );

    // Step back: the new namespace is gone; forward: it is back.
    harness.key_press(Key::ArrowLeft);
    harness.run();
    assert_eq!(
        link(&harness),
        "namespaces?preset=docker-run&ops=unshare%201302%20net&select=1302&step=11"
    );
    assert_eq!(namespace_labels(&harness, "net"), nets_before);
    harness.key_press(Key::ArrowRight);
    harness.run();
    assert_eq!(namespace_labels(&harness, "net"), nets_after);

    // Undo removes the step again.
    harness
        .get_by_role_and_label(Role::Button, "Undo my last operation")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "namespaces?preset=docker-run&select=1302&step=11"
    );
}

#[test]
fn a_failing_operation_is_a_step_that_shows_its_errno() {
    let mut harness = harness_at("namespaces?preset=host&select=1201&step=3");
    harness.get_by_label("unshare()").click();
    harness.run();
    harness.get_by_label("uts").click();
    harness.run();
    harness.get_by_label_contains("would fail: EPERM");
    harness.get_by_role_and_label(Role::Button, "Run").click();
    harness.run();
    assert_eq!(
        link(&harness),
        "namespaces?preset=host&ops=unshare%201201%20uts&select=1201&step=4"
    );
    assert_eq!(
        namespace_labels(&harness, "uts").len(),
        1,
        "nothing changed"
    );
}

#[test]
fn setns_joins_a_container_and_every_toolbar_operation_has_labelled_inputs() {
    let mut harness = harness_at("namespaces?preset=docker-run&select=1201");
    for title in [
        "clone()",
        "fork()",
        "exit()",
        "sethostname()",
        "ip link set up",
        "mount /proc",
        "setns()",
    ] {
        harness.get_by_label(title).click();
        harness.run();
    }
    harness.get_by_label("net").click();
    harness.run();
    harness.get_by_label("join the namespaces of").click();
    harness.run();
    harness.get_by_label("1302 sh").click();
    harness.run();
    harness.get_by_label("nsenter -t 1302 -n");
    harness.get_by_role_and_label(Role::Button, "Run").click();
    harness.run();
    assert_eq!(
        link(&harness),
        "namespaces?preset=docker-run&ops=setns%201201%20net%201302&select=1201&step=12"
    );
    let nets = namespace_labels(&harness, "net");
    assert_eq!(nets.len(), 2, "joining creates nothing: {nets:?}");
}

#[test]
fn clicking_a_namespace_selects_a_member_and_the_filter_is_in_the_link() {
    let mut harness = harness_at("namespaces?preset=nested-pid&filter=pid&step=9");
    assert_eq!(namespace_labels(&harness, "pid").len(), 3);
    assert!(namespace_labels(&harness, "net").is_empty(), "filtered out");
    let innermost = namespace_labels(&harness, "pid")
        .last()
        .cloned()
        .expect("three levels");
    harness.get_by_label(&innermost).click();
    harness.run();
    assert_eq!(
        link(&harness),
        "namespaces?preset=nested-pid&filter=pid&select=5371&step=9"
    );
}

#[test]
fn the_live_view_renders_this_machine() {
    let mut harness = harness_at("namespaces?preset=host");
    harness.get_by_label("This machine").click();
    harness.run();
    assert_eq!(link(&harness), "namespaces/live");
    harness.get_by_role_and_label(Role::Button, "⟳ Refresh");
    if cfg!(target_os = "linux") {
        let mnt = namespace_labels(&harness, "mnt");
        assert!(!mnt.is_empty(), "at least one mount namespace is listed");
        harness.get_by_label("Show only mnt namespaces").click();
        harness.run();
        assert_eq!(link(&harness), "namespaces/live?filter=mnt");
        assert!(namespace_labels(&harness, "net").is_empty());
        harness.get_by_label(&mnt[0]).click();
        harness.run();
        assert!(
            link(&harness).starts_with("namespaces/live?filter=mnt&select="),
            "{}",
            link(&harness)
        );
        harness
            .get_by_role_and_label(Role::Button, "⟳ Refresh")
            .click();
        harness.run();
    }
    harness.get_by_label("Simulator").click();
    harness.run();
    assert_eq!(link(&harness), "namespaces?preset=host&step=3");
}

#[test]
fn every_deck_link_to_namespaces_is_valid() {
    let text = std::fs::read_to_string("decks/virtualization.toml").expect("the built-in deck");
    let deck =
        virtscope::deck::parse_native(&text, "decks/virtualization.toml").expect("it parses");
    let links: Vec<&str> = deck
        .cards
        .iter()
        .filter_map(|card| card.scene.as_deref())
        .filter(|scene| scene.starts_with("namespaces"))
        .collect();
    assert!(links.len() >= 8, "{links:?}");
    for link in links {
        assert_eq!(tabs::check_link(link), LinkStatus::Valid, "{link}");
    }
}
