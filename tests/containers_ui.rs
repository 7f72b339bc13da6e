//! The Containers tab driven through the real app with egui_kittest: typing in the sandbox, the
//! `docker run` animation, the layers rebuild, every other view, and every deck link to the tab.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use virtscope::app::VirtscopeApp;
use virtscope::scene::SceneLink;
use virtscope::tabs::{self, LinkStatus};

mod common;
use common::link;

const PROMPT: &str = "docker command line";
const EDITOR: &str = "Dockerfile editor";

fn harness_at(link: &str) -> Harness<'static, VirtscopeApp> {
    let harness = common::harness_at(link);
    assert_eq!(harness.state().active_tab_id(), "containers");
    harness
}

fn has_label(harness: &Harness<'_, VirtscopeApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

/// Types a line at the sandbox prompt and presses Enter.
fn type_line(harness: &mut Harness<'_, VirtscopeApp>, line: &str) {
    let prompt = harness.get_by_role_and_label(Role::TextInput, PROMPT);
    if !prompt.is_focused() {
        prompt.focus();
        harness.run();
    }
    harness
        .get_by_role_and_label(Role::TextInput, PROMPT)
        .type_text(line);
    harness.run();
    harness.key_press(Key::Enter);
    harness.run();
}

#[test]
fn typing_a_command_changes_the_diagram_and_the_link_replays_it() {
    let mut harness = harness_at("containers/cli?script=&step=0");
    assert!(!has_label(&harness, "container web"));
    type_line(&mut harness, "docker run -d --name web nginx");
    assert_eq!(
        link(&harness),
        "containers/cli?script=docker%20run%20-d%20--name%20web%20nginx&step=0"
    );
    harness.get_by_label("container web: running (image nginx)");
    assert!(has_label(
        &harness,
        "Unable to find image 'nginx:latest' locally"
    ));
    assert!(
        harness
            .get_by_role_and_label(Role::TextInput, PROMPT)
            .is_focused(),
        "the prompt keeps the keyboard for the next line"
    );
    type_line(&mut harness, "docker pause web");
    harness.get_by_label("container web: paused (image nginx)");
    let typed = SceneLink::parse(&link(&harness)).unwrap();
    assert_eq!(
        typed.get("script"),
        Some("docker run -d --name web nginx\ndocker pause web")
    );
    assert_eq!(typed.get("step"), Some("1"));

    // The link alone reproduces the session.
    let replayed = harness_at(&typed.to_string());
    replayed.get_by_label("container web: paused (image nginx)");
}

#[test]
fn stop_all_keeps_the_containers_and_remove_all_deletes_them() {
    let mut harness = harness_at("containers/cli?script=&step=0");
    type_line(&mut harness, "docker run -d --name web nginx");
    type_line(&mut harness, "docker run -d --name cache redis");
    type_line(&mut harness, "docker stop $(docker ps -q)");
    harness.get_by_label("container web: exited (image nginx)");
    harness.get_by_label("container cache: exited (image redis)");
    type_line(&mut harness, "docker rm $(docker ps -aq)");
    assert!(!has_label(&harness, "container web:"));
    assert!(!has_label(&harness, "container cache:"));
    assert_eq!(
        SceneLink::parse(&link(&harness)).unwrap().get("step"),
        Some("3")
    );

    // Stepping back shows the stopped containers again.
    harness
        .get_by_role_and_label(Role::Button, "◀ Back")
        .click();
    harness.run();
    harness.get_by_label("container web: exited (image nginx)");
}

#[test]
fn the_preset_shows_stop_versus_rm_at_its_steps() {
    let harness = harness_at("containers/cli?preset=stop-vs-rm&step=stop");
    harness.get_by_label("container sleeper: exited (image alpine)");
    harness.get_by_label("container web: exited (image nginx)");
    let harness = harness_at("containers/cli?preset=stop-vs-rm&step=rm");
    assert!(!has_label(&harness, "container sleeper"));
}

#[test]
fn up_and_down_recall_typed_lines() {
    let mut harness = harness_at("containers/cli?script=&step=0");
    type_line(&mut harness, "docker images");
    type_line(&mut harness, "docker ps");
    harness.key_press(Key::ArrowUp);
    harness.run();
    let value = |harness: &Harness<'_, VirtscopeApp>| {
        harness
            .get_by_role_and_label(Role::TextInput, PROMPT)
            .value()
            .unwrap_or_default()
    };
    assert_eq!(value(&harness), "docker ps");
    harness.key_press(Key::ArrowUp);
    harness.run();
    assert_eq!(value(&harness), "docker images");
    harness.key_press(Key::ArrowDown);
    harness.key_press(Key::ArrowDown);
    harness.run();
    assert_eq!(value(&harness), "");
    assert_eq!(
        SceneLink::parse(&link(&harness)).unwrap().get("step"),
        Some("1"),
        "arrows in the prompt do not move the timeline"
    );
}

#[test]
fn typing_space_and_arrows_in_the_prompt_leaves_the_timeline_alone() {
    let mut harness = harness_at("containers/cli?preset=lifecycle&step=2");
    harness
        .get_by_role_and_label(Role::TextInput, PROMPT)
        .focus();
    harness.run();
    harness.key_press(Key::Space);
    harness.key_press(Key::ArrowLeft);
    harness.key_press(Key::Home);
    harness.run();
    assert_eq!(link(&harness), "containers/cli?preset=lifecycle&step=2");
}

#[test]
fn bad_input_gets_docker_and_bash_error_text() {
    let mut harness = harness_at("containers/cli?script=&step=0");
    type_line(&mut harness, "docker frobnicate");
    assert!(has_label(
        &harness,
        "docker: 'frobnicate' is not a docker command."
    ));
    type_line(&mut harness, "dokcer ps");
    assert!(has_label(&harness, "bash: dokcer: command not found"));
    type_line(&mut harness, "docker ps --bogus");
    assert!(has_label(&harness, "unknown flag: --bogus"));
    assert_eq!(
        SceneLink::parse(&link(&harness)).unwrap().get("step"),
        Some("2")
    );
}

#[test]
fn a_five_thousand_character_line_is_refused_with_a_message() {
    let mut harness = harness_at("containers/cli?script=&step=0");
    let long = format!("docker run {}", "x".repeat(4989));
    assert_eq!(long.chars().count(), 5000);
    type_line(&mut harness, &long);
    // The terminal wraps rows at its width, so only the start of the message is one label.
    assert!(has_label(&harness, "bash: input too long: 5000 characters"));
    assert!(has_label(&harness, "is not part of the session's link"));
    assert_eq!(link(&harness), "containers/cli?script=&step=0");
}

#[test]
fn the_docker_run_animation_steps_by_buttons_keys_and_the_step_list() {
    let mut harness = harness_at("containers/architecture?preset=docker-run-nginx&step=0");
    assert!(has_label(&harness, "The docker CLI is only a client"));
    harness
        .get_by_role_and_label(Role::Button, "Next ▶")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/architecture?preset=docker-run-nginx&step=1"
    );
    assert!(has_label(
        &harness,
        "Unable to find image 'nginx:latest' locally"
    ));
    harness.key_press(Key::ArrowRight);
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/architecture?preset=docker-run-nginx&step=2"
    );
    assert!(has_label(&harness, "downloads only the layers it lacks"));

    // The namespaces step offers its link to the Namespaces tab.
    harness
        .get_by_label("Step 8: namespaces (runc to Linux kernel)")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/architecture?preset=docker-run-nginx&step=7"
    );
    harness.get_by_label("Open in the Namespaces tab: namespaces?preset=docker-run");
    harness
        .get_by_role_and_label(Role::Button, "Open in the Namespaces tab →")
        .click();
    harness.run();
    assert_eq!(
        harness.state().active_tab_id(),
        "namespaces",
        "the link opens its tab"
    );
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    harness.run();
    assert_eq!(
        harness.state().active_tab_id(),
        "containers",
        "Alt+Left comes back"
    );
    harness.key_press(Key::End);
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/architecture?preset=docker-run-nginx&step=10"
    );
    assert!(has_label(&harness, "nginx now runs as PID 1"));

    let cached = harness_at("containers/architecture?preset=docker-run-cached&step=1");
    assert!(has_label(&cached, "nothing is downloaded"));
}

#[test]
fn editing_the_dockerfile_and_rebuilding_marks_cached_and_rebuilt_layers() {
    let mut harness = harness_at("containers/layers?preset=dockerfile-basic&step=build");
    assert!(
        has_label(&harness, "(line 4 rebuilt"),
        "the first build runs every line"
    );
    let editor = harness.get_by_role_and_label(Role::MultilineTextInput, EDITOR);
    editor.focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::End);
    harness.run();
    harness
        .get_by_role_and_label(Role::MultilineTextInput, EDITOR)
        .type_text("RUN echo done");
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "🔨 Rebuild (edited)")
        .click();
    harness.run();
    let rebuilt = SceneLink::parse(&link(&harness)).unwrap();
    assert!(
        rebuilt
            .get("dockerfile")
            .is_some_and(|text| text.ends_with("RUN echo done")),
        "{rebuilt}"
    );
    assert!(
        has_label(&harness, "(line 4 cached"),
        "pip install came from the cache"
    );
    assert!(has_label(&harness, "line 8 rebuilt"), "the new line ran");

    harness
        .get_by_role_and_label(Role::Button, "Undo edit")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/layers?preset=dockerfile-basic&step=1"
    );
}

#[test]
fn copy_on_write_lists_the_writable_layer() {
    let harness = harness_at("containers/layers?preset=copy-on-write&step=6");
    harness.get_by_label("container web1: running (image nginx)");
    harness.get_by_label("container web2: running (image nginx)");
    assert!(has_label(&harness, "shared by 2 containers"));
    let web1 = harness.get_by_label_contains("writable layer of web1: ");
    let web1 = format!("{web1:?}");
    assert!(
        web1.contains("whiteout /usr/share/nginx/html/50x.html"),
        "{web1}"
    );
    assert!(
        web1.contains("file /usr/share/nginx/html/index.html"),
        "{web1}"
    );
    let web2 = format!(
        "{:?}",
        harness.get_by_label_contains("writable layer of web2: ")
    );
    assert!(
        !web2.contains("/usr/share"),
        "web2 only reads the shared layers: {web2}"
    );
    let harness = harness_at("containers/layers?preset=copy-on-write&step=2");
    assert!(
        has_label(&harness, "/usr/share/nginx/html/index.html (copied up now)"),
        "the exec's copy-up is marked"
    );
}

#[test]
fn the_other_views_render_and_respond() {
    let harness = harness_at("containers/immutable?preset=replace-fleet&step=replace-2");
    harness.get_by_label("web-1: app:v2 configuration B");
    harness.get_by_label("web-3: app:v1 configuration A");
    let harness = harness_at("containers/immutable?preset=patch-in-place&step=drift");
    assert!(has_label(
        &harness,
        "patched with hotfix-1, hand-edited nginx.conf"
    ));
    let harness = harness_at("containers/immutable?preset=autoscale&step=4");
    assert!(has_label(&harness, "web-8: app:v2"));

    let harness = harness_at("containers/microservices?preset=service-fails&step=1");
    harness.get_by_label("payments service: ✖ down");
    harness.get_by_label("catalog service: service");
    let harness = harness_at("containers/microservices?preset=monolith&step=0");
    harness.get_by_label("web module: module");
    let harness = harness_at("containers/microservices?preset=scale-one&step=2");
    harness.get_by_label("catalog service: ×4 instances");

    let mut harness = harness_at("containers/service-models");
    harness
        .get_by_label("IaaS (virtual machines) / Operating system: You")
        .click();
    harness.run();
    assert_eq!(link(&harness), "containers/service-models?select=iaas.os");
    harness.get_by_label("OS-level virtualization (containers) / Operating system: Shared");
    harness.get_by_label("PaaS / Runtime: Provider");
}

#[test]
fn the_view_picker_switches_views_and_keeps_each_scene() {
    let mut harness = harness_at("containers/cli?preset=logs&step=2");
    harness.get_by_label("Images and layers").click();
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/layers?preset=dockerfile-basic&step=0"
    );
    harness.get_by_label("CLI sandbox").click();
    harness.run();
    assert_eq!(link(&harness), "containers/cli?preset=logs&step=2");
    harness.get_by_label("New empty sandbox").click();
    harness.run();
    assert_eq!(link(&harness), "containers/cli?script=&step=0");
}

#[test]
fn every_deck_link_to_the_containers_tab_opens() {
    let text = std::fs::read_to_string("decks/virtualization.toml").unwrap();
    let deck = virtscope::deck::parse_native(&text, "virtualization.toml").unwrap();
    let links: Vec<&String> = deck
        .cards
        .iter()
        .filter_map(|card| card.scene.as_ref())
        .filter(|link| link.starts_with("containers"))
        .collect();
    assert!(links.len() >= 30, "{} links", links.len());
    for link in links {
        assert_eq!(tabs::check_link(link), LinkStatus::Valid, "{link}");
    }
}

#[test]
fn microservices_principles_pros_and_cons_are_presets_with_a_step_per_item() {
    let mut harness = harness_at("containers/microservices?preset=monolith&step=0");
    harness
        .get_by_role_and_label(Role::Button, "Cons of microservices")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/microservices?preset=cons&step=0"
    );
    harness.get_by_label("catalog service: service");
    harness.key_press(Key::ArrowRight);
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/microservices?preset=cons&step=1"
    );
    harness
        .get_by_role_and_label(Role::Button, "Design principles of microservices")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/microservices?preset=principles&step=0"
    );
}

#[test]
fn the_service_models_table_compares_containers_with_iaas_and_paas() {
    let mut harness = harness_at("containers/service-models");
    harness.get_by_role_and_label(Role::Button, "PaaS").click();
    harness.run();
    assert_eq!(link(&harness), "containers/service-models?compare=paas");
    harness.get_by_label("PaaS / Runtime: Provider");
    harness
        .get_by_label("OS-level virtualization (containers) / Runtime: You")
        .click();
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/service-models?compare=paas&select=os-level.runtime"
    );
    harness.get_by_role_and_label(Role::Button, "IaaS").click();
    harness.run();
    assert_eq!(
        link(&harness),
        "containers/service-models?compare=iaas&select=os-level.runtime"
    );
}
