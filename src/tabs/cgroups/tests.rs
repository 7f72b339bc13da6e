//! The tab's links through the [`Tab`] trait: round trips, defaults, positions, bad values that
//! leave the tab unchanged, and the student's operations ending up in the link.

use super::*;

fn open(tab: &mut CgroupsTab, text: &str) -> Result<(), LinkError> {
    tab.open(&SceneLink::parse(text).unwrap())
}

fn opened(text: &str) -> CgroupsTab {
    let mut tab = CgroupsTab::default();
    open(&mut tab, text).unwrap_or_else(|err| panic!("{text}: {err}"));
    tab
}

#[test]
fn canonical_links_round_trip() {
    for text in [
        "cgroups?version=2&preset=v2-rules&step=5",
        "cgroups?version=2&preset=v2-rules&select=/app/web&pid=700&step=9",
        "cgroups?version=1&preset=v1-hierarchies&select=cpu,cpuacct:/db&pid=400&step=3",
        "cgroups?version=2&preset=custom&ops=mkdir%20/app;%20move%20100%20/app&step=2",
        "cgroups/simulate?version=2&preset=memory-leak&select=/leaky&t=4.2",
        "cgroups/simulate?version=1&preset=weights&t=0",
        "cgroups/live",
        "cgroups/live?select=memory:/system.slice",
    ] {
        let tab = opened(text);
        assert_eq!(tab.link().to_string(), text);
    }
}

#[test]
fn deck_style_links_get_defaults() {
    let tab = opened("cgroups?version=2&preset=cpu-max");
    assert_eq!(
        tab.link().to_string(),
        "cgroups?version=2&preset=cpu-max&step=0"
    );
    let tab = opened("cgroups");
    assert_eq!(
        tab.link().to_string(),
        "cgroups?version=2&preset=v2-unified&step=0"
    );
    let tab = opened("cgroups?preset=docker-run");
    assert_eq!(
        tab.link().to_string(),
        "cgroups?version=2&preset=docker-run&step=0"
    );
    let tab = opened("cgroups?preset=v2-rules&step=move-ebusy");
    assert_eq!(tab.link().get("step"), Some("9"));
    let tab = opened("cgroups/simulate?preset=memory-leak&step=oom-kill");
    assert_eq!(tab.link().get("t"), Some("4.2"));
    let tab = opened("cgroups?version=2&preset=weights&t=6");
    assert_eq!(
        tab.link().to_string(),
        "cgroups/simulate?version=2&preset=weights&t=6",
        "the contract's short form opens the simulation"
    );
}

#[test]
fn bad_links_name_the_problem_and_change_nothing() {
    let mut tab = opened("cgroups?version=2&preset=v2-rules&select=/app&step=3");
    let before = tab.link();
    for (text, expected) in [
        ("cgroups/graph", "unknown view \"graph\""),
        ("cgroups?colour=red", "unknown key \"colour\""),
        ("cgroups?t=3&step=1", "not both"),
        ("cgroups/live?step=1", "unknown key \"step\""),
        ("cgroups?version=3", "expected 1 or 2"),
        ("cgroups?preset=v2-rules&version=1", "only in version 2"),
        ("cgroups?preset=v2-rules&step=99", "steps 0 to 11"),
        ("cgroups?preset=v2-rules&step=teleport", "move-ebusy"),
        ("cgroups?preset=v2-rules&select=/nope", "not a cgroup"),
        ("cgroups?preset=v2-rules&select=memory:/app", "single tree"),
        ("cgroups?preset=v2-rules&pid=42", "no process 42"),
        ("cgroups?preset=v2-rules&ops=mkdir", "operation 1"),
        ("cgroups/simulate?preset=weights&t=99", "between 0 and 10"),
        ("cgroups/live?select=memory", "must start with '/'"),
    ] {
        let err = open(&mut tab, text).expect_err(text).to_string();
        assert!(err.contains(expected), "{text}: {err}");
        assert_eq!(tab.link(), before, "{text} left the tab unchanged");
    }
}

#[test]
fn moves_and_limits_become_operations_in_the_link() {
    let mut tab = opened("cgroups?version=2&preset=weights&step=0");
    let a = NodeRef::parse("/a", &tab.loaded.trace).unwrap();
    tab.apply(Action::SelectPid(Some(1000)));
    tab.apply(Action::SelectNode(Some(a.clone())));
    tab.apply(Action::Move {
        pid: 1000,
        to: a.clone(),
    });
    let link = tab.link();
    assert_eq!(link.get("ops"), Some("move 1000 /a"));
    assert_eq!(
        link.get("step"),
        Some("8"),
        "the view jumps to the new step"
    );
    tab.apply(Action::AddOps(vec![Op::Set {
        target: a.target(tab.loaded.trace.final_state()),
        file: "cpu.weight".to_owned(),
        value: "0".to_owned(),
    }]));
    let link = tab.link();
    assert_eq!(link.get("ops"), Some("move 1000 /a; set /a cpu.weight 0"));
    let last = tab.loaded.trace.step(9);
    assert_eq!(
        last.slug, "set-erange",
        "cpu.weight 0 is refused with ERANGE"
    );
    let reopened = opened(&link.to_string());
    assert_eq!(reopened.link(), link);
    tab.apply(Action::Undo);
    assert_eq!(tab.link().get("ops"), Some("move 1000 /a"));
    tab.apply(Action::ResetOps);
    assert_eq!(tab.link().get("ops"), None);
    assert_eq!(tab.link().get("select"), Some("/a"));
}

#[test]
fn views_switch_between_steps_and_seconds() {
    let mut tab = opened("cgroups?version=2&preset=memory-leak&step=1");
    tab.apply(Action::SetView(View::Simulate));
    assert_eq!(
        tab.link().to_string(),
        "cgroups/simulate?version=2&preset=memory-leak&t=0"
    );
    tab.apply(Action::Seek(4.2));
    assert_eq!(tab.link().get("t"), Some("4.2"));
    tab.apply(Action::SetView(View::Structure));
    assert_eq!(tab.link().get("step"), Some("4"), "the structure that ran");
    tab.apply(Action::SetVersion(CgroupVersion::V1));
    assert_eq!(
        tab.link().to_string(),
        "cgroups?version=1&preset=memory-leak&step=0"
    );
    tab.apply(Action::SetSource(Source::Preset(Preset::V2Rules)));
    assert_eq!(tab.link().get("version"), Some("2"));
    tab.apply(Action::SetView(View::Live));
    assert_eq!(tab.link().to_string(), "cgroups/live");
    assert!(tab.timeline().is_none());
}

#[test]
fn every_listed_scene_is_reasonable_in_number() {
    let scenes = CgroupsTab::default().scenes();
    assert!(scenes.len() < 400, "{}", scenes.len());
    assert!(
        scenes
            .iter()
            .any(|l| l.to_string() == "cgroups/simulate?version=2&preset=memory-leak&t=4.2")
    );
    assert!(scenes.iter().any(|l| l.to_string() == "cgroups/live"));
}

#[test]
fn inspect_json_prints_the_live_reader() {
    match inspect_json() {
        Ok(json) => {
            assert!(json.contains("\"layout\""), "{json}");
            assert!(json.contains("\"hierarchies\""), "{json}");
        }
        Err(err) if cfg!(target_os = "linux") => panic!("{err}"),
        Err(err) => assert!(err.to_string().contains("only on Linux"), "{err}"),
    }
}
