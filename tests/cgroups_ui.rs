//! The Cgroups tab driven through the real app with egui_kittest: moving a process, editing a
//! limit (and having a bad value refused with its errno), running the simulation to the OOM kill,
//! v1's one-cgroup-per-hierarchy rule on screen, the live view, and every deck link to the tab.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use virtscope::app::{Settings, VirtscopeApp};
use virtscope::scene::SceneLink;
use virtscope::tabs::{self, LinkStatus};

mod common;

fn harness(link: &str) -> Harness<'static, VirtscopeApp> {
    // The Flashcards panel is not what these tests are about; without it the trees have the
    // room they have in a maximised window.
    let settings = Settings {
        show_flashcards: false,
        ..Settings::default()
    };
    let harness = common::app_harness(settings, common::opening(link));
    assert_eq!(harness.state().active_tab_id(), "cgroups");
    harness
}

fn link(harness: &Harness<'_, VirtscopeApp>) -> SceneLink {
    harness.state().current_link()
}

#[test]
fn a_process_moves_by_selecting_it_then_a_cgroup() {
    let mut harness = harness("cgroups?version=2&preset=weights&step=7");
    harness
        .get_by_label("process bash (1000) in /user.slice/user-1000.slice/session-1.scope")
        .click();
    harness.run();
    harness.get_by_label("cgroup /a").click();
    harness.run();
    assert_eq!(link(&harness).get("pid"), Some("1000"));
    assert_eq!(link(&harness).get("select"), Some("/a"));
    harness
        .get_by_role_and_label(Role::Button, "Move here")
        .click();
    harness.run();
    let now = link(&harness);
    assert_eq!(now.get("ops"), Some("move 1000 /a"));
    assert_eq!(now.get("step"), Some("8"), "the new step is shown");
    harness.get_by_label("process bash (1000) in /a");
    harness.get_by_label_contains("echo 1000 > /sys/fs/cgroup/a/cgroup.procs");
}

#[test]
fn a_process_moves_by_drag_and_drop() {
    let mut harness = harness("cgroups?version=2&preset=weights&step=7");
    let chip = harness
        .get_by_label("process bash (1000) in /user.slice/user-1000.slice/session-1.scope")
        .rect()
        .center();
    let target = harness.get_by_label("cgroup /c").rect().left_top() + egui::vec2(12.0, 8.0);
    harness.drag_at(chip);
    harness.step();
    harness.hover_at(chip + egui::vec2(20.0, 20.0));
    harness.step();
    harness.hover_at(target);
    harness.step();
    harness.drop_at(target);
    harness.run();
    assert_eq!(link(&harness).get("ops"), Some("move 1000 /c"));
    harness.get_by_label("process bash (1000) in /c");
}

#[test]
fn a_limit_is_set_with_the_editor_and_a_bad_value_gets_its_errno() {
    let mut harness = harness("cgroups?version=2&preset=weights&select=/b&step=7");
    harness.get_by_label("cpu.max").click();
    harness.run();
    harness
        .get_by_label("Value")
        .set_text_value_accesskit("50000 100000");
    harness.run();
    harness.get_by_label("echo \"50000 100000\" > /sys/fs/cgroup/b/cpu.max");
    harness.get_by_label("systemd-run -p CPUQuota=50% ...");
    harness.get_by_label("docker run --cpus 0.5 ...");
    harness.get_by_role_and_label(Role::Button, "Apply").click();
    harness.run();
    assert_eq!(
        link(&harness).get("ops"),
        Some("set /b cpu.max 50000 100000")
    );
    harness.get_by_label_contains("✔ succeeded");
    harness.get_by_label("now 50000 100000");

    harness
        .get_by_label("Value")
        .set_text_value_accesskit("10 100000");
    harness.run();
    harness.get_by_label_contains("The kernel would refuse this value: EINVAL");
    harness.get_by_role_and_label(Role::Button, "Apply").click();
    harness.run();
    assert_eq!(
        link(&harness).get("ops"),
        Some("set /b cpu.max 50000 100000; set /b cpu.max 10 100000")
    );
    harness.get_by_label_contains("✖ EINVAL (Invalid argument)");
    harness.get_by_role_and_label(Role::Button, "Undo").click();
    harness.run();
    assert_eq!(
        link(&harness).get("ops"),
        Some("set /b cpu.max 50000 100000")
    );
}

#[test]
fn an_operation_typed_in_the_field_becomes_a_step() {
    let mut harness = harness("cgroups?version=2&preset=custom");
    harness
        .get_by_label("Operation")
        .set_text_value_accesskit("enable / memory; mkdir /app; move 100 /app; enable /app memory");
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Add step")
        .click();
    harness.run();
    let now = link(&harness);
    assert_eq!(
        now.get("ops"),
        Some("enable / memory; mkdir /app; move 100 /app; enable /app memory")
    );
    harness.get_by_label_contains("✖ EBUSY (Device or resource busy)");
    harness.get_by_label("process bash (100) in /app");

    harness
        .get_by_label("Operation")
        .set_text_value_accesskit("frobnicate /app");
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Add step")
        .click();
    harness.run();
    harness.get_by_label_contains("operation 1 (\"frobnicate /app\")");
    assert_eq!(link(&harness), now, "a typo adds nothing");
}

#[test]
fn the_simulation_runs_and_marks_the_oom_kill() {
    let mut harness = harness("cgroups?version=2&preset=memory-leak");
    harness.get_by_label("Simulate").click();
    harness.run();
    assert_eq!(
        link(&harness).to_string(),
        "cgroups/simulate?version=2&preset=memory-leak&t=0"
    );
    harness.get_by_label("group /leaky");
    let oom = harness.get_by_label("OOM kill: leaky (301) at 4.2 s");
    oom.click();
    harness.run();
    assert_eq!(link(&harness).get("t"), Some("4.2"));
    harness.get_by_role_and_label(Role::Button, "End ⏭").click();
    harness.run();
    assert_eq!(link(&harness).get("t"), Some("10"));
    harness.get_by_label("Structure").click();
    harness.run();
    assert_eq!(link(&harness).get("step"), Some("4"));
}

#[test]
fn a_limit_edited_in_the_simulation_runs_it_again() {
    let mut harness = harness("cgroups/simulate?version=2&preset=memory-leak&select=/leaky&t=5");
    harness.get_by_label("OOM kill: leaky (301) at 4.2 s");
    harness.get_by_label("memory.max").click();
    harness.run();
    harness
        .get_by_label("Value")
        .set_text_value_accesskit("300M");
    harness.run();
    harness.get_by_label("docker run --memory 300m ...");
    harness.get_by_role_and_label(Role::Button, "Apply").click();
    harness.run();
    let now = link(&harness);
    assert_eq!(now.view.as_deref(), Some("simulate"));
    assert_eq!(now.get("ops"), Some("set /leaky memory.max 300M"));
    assert_eq!(now.get("t"), Some("5"), "the time stays");
    assert!(
        harness.query_by_label_contains("OOM kill").is_none(),
        "300 MiB is more than the leak reaches in 10 s"
    );
}

#[test]
fn the_weights_simulation_shows_its_groups() {
    let mut harness = harness("cgroups/simulate?version=2&preset=weights&t=2");
    for group in ["/a", "/b", "/c"] {
        harness.get_by_label(&format!("group {group}"));
    }
    harness.get_by_label("job-c (103) idle at 5.0 s").click();
    harness.run();
    assert_eq!(link(&harness).get("t"), Some("5"));
    harness.get_by_label("group /a").click();
    harness.run();
    assert_eq!(link(&harness).get("select"), Some("/a"));
}

#[test]
fn v1_shows_each_process_once_in_every_hierarchy() {
    let mut harness = harness("cgroups?version=1&preset=v1-hierarchies&step=4");
    let chips = harness
        .query_all_by_label_contains("process postgres (400) in ")
        .count();
    assert_eq!(chips, 4, "cpu,cpuacct, memory, pids and blkio");
    harness.get_by_label("process postgres (400) in cpu,cpuacct:/db");
    harness.get_by_label("process postgres (400) in memory:/");
    harness.get_by_label("process nginx (500) in memory:/web");
    harness
        .get_by_label("process postgres (400) in pids:/")
        .click();
    harness.run();
    assert_eq!(link(&harness).get("pid"), Some("400"));
    harness.get_by_label("cgroup memory:/web").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Move here")
        .click();
    harness.run();
    assert_eq!(link(&harness).get("ops"), Some("move 400 memory:/web"));
    harness.get_by_label("process postgres (400) in memory:/web");
    harness.get_by_label("process postgres (400) in cpu,cpuacct:/db");
}

#[test]
fn versions_and_presets_switch_from_the_controls() {
    let mut harness = harness("cgroups?version=2&preset=weights&step=3");
    harness.get_by_label("cgroup v1").click();
    harness.run();
    assert_eq!(
        link(&harness).to_string(),
        "cgroups?version=1&preset=weights&step=0"
    );
    harness.key_press(egui::Key::End);
    harness.run();
    assert_eq!(link(&harness).get("step"), Some("7"));
    harness.get_by_label("Preset").click();
    harness.run();
    harness.get_by_label("A fork bomb meets pids.max").click();
    harness.run();
    assert_eq!(
        link(&harness).to_string(),
        "cgroups?version=1&preset=fork-bomb&step=0"
    );
}

#[test]
fn the_live_view_renders_this_machine() {
    let mut harness = harness("cgroups/live");
    if cfg!(target_os = "linux") {
        harness.get_by_label_contains("Layout: ");
        assert!(
            harness
                .query_all_by_label_contains("hierarchy v")
                .next()
                .is_some(),
            "at least one mounted hierarchy is listed"
        );
    }
    harness
        .get_by_role_and_label(Role::Button, "Refresh")
        .click();
    harness.run();
    assert_eq!(link(&harness).to_string(), "cgroups/live");
    harness.get_by_label("Structure").click();
    harness.run();
    assert_eq!(link(&harness).tab, "cgroups");
    assert_eq!(link(&harness).view, None);
}

#[test]
fn every_deck_link_to_the_tab_is_valid() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/decks/virtualization.toml");
    let text = std::fs::read_to_string(path).expect("the deck is readable");
    let deck = virtscope::deck::parse_native(&text, path).expect("the deck parses");
    let links: Vec<String> = deck
        .cards
        .iter()
        .filter_map(|card| card.scene.clone())
        .filter(|scene| scene.starts_with("cgroups"))
        .chain(["cgroups?preset=docker-run".to_owned()])
        .collect();
    assert!(links.len() >= 3, "{links:?}");
    for link in links {
        assert_eq!(tabs::check_link(&link), LinkStatus::Valid, "{link}");
    }
}
