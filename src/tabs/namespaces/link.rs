//! The tab's scene links, parsed into checked values and printed back in one canonical order.
//!
//! `namespaces?preset=P&ops=SCRIPT&filter=TYPE&select=PID&hide=future&step=N|SLUG` for the
//! simulator (`hide=future`: a quiz question's scene, whose timeline hides the steps ahead) and
//! `namespaces/live?filter=TYPE&select=PID` for this machine. `ops` carries the operations a
//! student performed with the toolbar (the model's script text, one operation per `;`), so a
//! link reproduces them as extra steps after the preset's own. Values that need the scene (the
//! selected PID, the step) are checked by [`super::sim::Sim::open`] once the scene has run.

use super::model::{NsType, Op, Preset, parse_script};
use crate::scene::{HIDE_KEY, LinkError, SceneLink, check_keys, hide_future_param};

/// The tab id and link prefix.
pub const TAB_ID: &str = "namespaces";

/// The view name of "This machine".
pub const LIVE_VIEW: &str = "live";

/// The most operations an `ops` value may hold; each is a step, and each step keeps a world.
pub const MAX_OPS: usize = 200;

/// Keys of the simulator, in canonical print order.
const SIM_KEYS: [&str; 6] = ["preset", "ops", "filter", "select", HIDE_KEY, "step"];

/// Keys of the live view, in canonical print order.
const LIVE_KEYS: [&str; 2] = ["filter", "select"];

/// A parsed simulator link; `step` is applied to the scene's timeline later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimSpec {
    /// The preset scene.
    pub preset: Preset,
    /// Operations appended after the preset's steps.
    pub ops: Vec<Op>,
    /// Show only this namespace type.
    pub filter: Option<NsType>,
    /// Host PID of the selected process (checked against the scene later).
    pub select: Option<u32>,
    /// Whether the steps ahead of the position are hidden (`hide=future`, a quiz question's
    /// scene): the timeline shows neither their ticks nor their captions.
    pub hide_future: bool,
}

/// A parsed live-view link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveSpec {
    /// Show only this namespace type.
    pub filter: Option<NsType>,
    /// PID of the selected process (it may have exited by the next refresh).
    pub select: Option<u32>,
}

/// What a link asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    /// The simulator.
    Sim(SimSpec),
    /// This machine.
    Live(LiveSpec),
}

/// Parses everything a link says that does not need the scene's trace.
pub fn parse(link: &SceneLink) -> Result<Spec, LinkError> {
    match link.view.as_deref() {
        None => {
            check_keys(link, &SIM_KEYS)?;
            Ok(Spec::Sim(SimSpec {
                preset: preset_param(link)?,
                ops: ops_param(link)?,
                filter: filter_param(link)?,
                select: pid_param(link)?,
                hide_future: hide_future_param(link)?,
            }))
        }
        Some(LIVE_VIEW) => {
            check_keys(link, &LIVE_KEYS)?;
            Ok(Spec::Live(LiveSpec {
                filter: filter_param(link)?,
                select: pid_param(link)?,
            }))
        }
        Some(view) => Err(LinkError::UnknownView {
            tab: link.tab.clone(),
            view: view.to_owned(),
            known: LIVE_VIEW.to_owned(),
        }),
    }
}

/// The canonical simulator link (`ops_text` is [`ops_text`] of the operations).
pub fn print_sim(
    preset: Preset,
    ops_text: &str,
    filter: Option<NsType>,
    select: Option<u32>,
    step: usize,
) -> SceneLink {
    let mut link = SceneLink::tab(TAB_ID).with("preset", preset.slug());
    if !ops_text.is_empty() {
        link.set("ops", ops_text);
    }
    if let Some(filter) = filter {
        link.set("filter", filter.slug());
    }
    if let Some(select) = select {
        link.set("select", select);
    }
    link.set("step", step);
    link
}

/// The canonical live-view link.
pub fn print_live(filter: Option<NsType>, select: Option<u32>) -> SceneLink {
    let mut link = SceneLink::view(TAB_ID, LIVE_VIEW);
    if let Some(filter) = filter {
        link.set("filter", filter.slug());
    }
    if let Some(select) = select {
        link.set("select", select);
    }
    link
}

/// The `ops` value of some operations: the model's script text, one operation per `;`.
pub fn ops_text(ops: &[Op]) -> String {
    ops.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(";")
}

fn bad(key: &str, value: &str, reason: String) -> LinkError {
    LinkError::BadValue {
        key: key.to_owned(),
        value: value.to_owned(),
        reason,
    }
}

fn preset_param(link: &SceneLink) -> Result<Preset, LinkError> {
    let Some(value) = link.get("preset") else {
        return Ok(Preset::Host);
    };
    Preset::from_slug(value).ok_or_else(|| {
        let known: Vec<&str> = Preset::ALL.iter().map(|preset| preset.slug()).collect();
        bad(
            "preset",
            value,
            format!("unknown preset; presets: {}", known.join(", ")),
        )
    })
}

fn ops_param(link: &SceneLink) -> Result<Vec<Op>, LinkError> {
    let Some(value) = link.get("ops") else {
        return Ok(Vec::new());
    };
    let ops = parse_script(value).map_err(|error| bad("ops", value, error.to_string()))?;
    if ops.len() > MAX_OPS {
        return Err(bad(
            "ops",
            value,
            format!(
                "{} operations; at most {MAX_OPS} fit in one scene",
                ops.len()
            ),
        ));
    }
    Ok(ops)
}

fn filter_param(link: &SceneLink) -> Result<Option<NsType>, LinkError> {
    let Some(value) = link.get("filter") else {
        return Ok(None);
    };
    NsType::from_slug(value).map(Some).ok_or_else(|| {
        let known: Vec<&str> = NsType::ALL.iter().map(|kind| kind.slug()).collect();
        bad(
            "filter",
            value,
            format!("unknown namespace type; types: {}", known.join(", ")),
        )
    })
}

fn pid_param(link: &SceneLink) -> Result<Option<u32>, LinkError> {
    let Some(value) = link.get("select") else {
        return Ok(None);
    };
    match value.parse::<u32>() {
        Ok(pid) if pid > 0 => Ok(Some(pid)),
        _ => Err(bad(
            "select",
            value,
            "expected a process ID (a whole number from 1)".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::NsTypeSet;
    use super::*;

    fn spec(text: &str) -> Result<Spec, LinkError> {
        parse(&SceneLink::parse(text)?)
    }

    /// The message a bad link gets.
    fn error(text: &str) -> String {
        spec(text).expect_err(text).to_string()
    }

    #[test]
    fn parses_every_key_and_prints_them_in_canonical_order() {
        let Ok(Spec::Sim(sim)) = spec(
            "namespaces?step=2&select=1302&filter=net&ops=unshare%201302%20net;fork%201302&preset=docker-run",
        ) else {
            panic!("a simulator link");
        };
        assert_eq!(sim.preset, Preset::DockerRun);
        assert_eq!(sim.filter, Some(NsType::Net));
        assert_eq!(sim.select, Some(1302));
        assert_eq!(
            sim.ops[0],
            Op::Unshare {
                pid: 1302,
                flags: NsTypeSet::of(&[NsType::Net]),
            }
        );
        let printed = print_sim(sim.preset, &ops_text(&sim.ops), sim.filter, sim.select, 2);
        assert_eq!(
            printed.to_string(),
            "namespaces?preset=docker-run&ops=unshare%201302%20net;fork%201302&filter=net&select=1302&step=2"
        );
        let reparsed = parse(&SceneLink::parse(&printed.to_string()).unwrap()).unwrap();
        assert_eq!(reparsed, Spec::Sim(sim));
    }

    #[test]
    fn defaults_and_the_live_view() {
        assert_eq!(
            spec("namespaces"),
            Ok(Spec::Sim(SimSpec {
                preset: Preset::Host,
                ops: Vec::new(),
                filter: None,
                select: None,
                hide_future: false,
            }))
        );
        assert_eq!(
            spec("namespaces/live?filter=mnt&select=1"),
            Ok(Spec::Live(LiveSpec {
                filter: Some(NsType::Mnt),
                select: Some(1),
            }))
        );
        assert_eq!(
            print_live(Some(NsType::Pid), Some(7)).to_string(),
            "namespaces/live?filter=pid&select=7"
        );
        assert_eq!(print_live(None, None).to_string(), "namespaces/live");
    }

    #[test]
    fn bad_values_name_the_bad_part() {
        let err = error("namespaces?preset=dockr");
        assert!(
            err.contains("\"dockr\"") && err.contains("docker-run"),
            "{err}"
        );
        let err = error("namespaces?select=abc");
        assert!(err.contains("\"abc\"") && err.contains("select"), "{err}");
        let err = error("namespaces?select=0");
        assert!(err.contains("process ID"), "{err}");
        let err = error("namespaces?filter=mount");
        assert!(
            err.contains("\"mount\"") && err.contains("mnt, pid, net"),
            "{err}"
        );
        let err = error("namespaces?ops=fork%201;unshare%201%20pid,nett");
        assert!(err.contains("ops"), "{err}");
        assert!(
            err.contains("operation 2") && err.contains("\"nett\""),
            "{err}"
        );
        let err = error("namespaces?ops=frok%201");
        assert!(err.contains("\"frok\""), "{err}");
        let err = error("namespaces?bogus=1");
        assert!(err.contains("\"bogus\""), "{err}");
        let err = error("namespaces/live?step=1");
        assert!(
            err.contains("\"step\"") && err.contains("namespaces/live"),
            "{err}"
        );
        let err = error("namespaces/tree");
        assert!(err.contains("\"tree\"") && err.contains("live"), "{err}");
    }

    #[test]
    fn too_many_operations_are_refused() {
        let script = vec!["fork 1"; MAX_OPS + 1].join(";");
        let link = SceneLink::tab(TAB_ID).with("ops", script);
        let err = parse(&link).unwrap_err().to_string();
        assert!(err.contains("at most 200"), "{err}");
    }
}
