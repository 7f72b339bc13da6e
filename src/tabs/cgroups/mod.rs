//! The Cgroups tab: v1's hierarchies and v2's unified tree with the kernel's rules, the student's
//! own moves and limit edits, a resource simulation of the result, and this machine's cgroups.
//!
//! A cgroups scene has two positions: the structural step (which operations have run) and the
//! simulated time. They are kept apart in two views so that each link names exactly one of them:
//!
//! - `cgroups?version=1|2&preset=P&ops=OPS&select=PATH&pid=N&step=N|<slug>` (structure): the
//!   hierarchy after step N. The timeline is the steps: the preset's operations, then the
//!   student's (`ops=`, the text form of `model::text`, percent-encoded), one step each. A
//!   refused operation is a step too and shows its errno on the canvas. `hide=future` (a quiz
//!   question's scene) hides the steps ahead on the timeline.
//! - `cgroups/simulate?version&preset&ops&select&pid&t=SECONDS` (simulation): the structure after
//!   the last step, run for the preset's simulated seconds. The timeline is seconds with the
//!   run's events as marks (`step=oom-kill` jumps to one); the charts show everything up to the
//!   end with a "now" line at t, and the group table shows the values at t. With `hide=future`
//!   (a quiz question's scene) the charts, their events and the timeline's marks stop at t, so
//!   the picture does not show the kill or the share the question asks about.
//! - `cgroups/live?select=[HIERARCHY:]PATH`: the real cgroups of this machine, read on demand.
//!
//! The contract's short form `cgroups?...&t=SECONDS` opens the simulation view too (its canonical
//! link is then `cgroups/simulate?...`); `step` and `t` together are an error.
//!
//! `select` is `/path` in v2 and `hierarchy:/path` in v1 (`memory:/web`, printed with the mount
//! name, `cpu,cpuacct:/db`); `pid` is a selected process. Moving a process or applying a limit
//! appends an operation to `ops`, so the link reproduces what the student did. Keys are listed in
//! `link.rs`; a link without `preset` shows `v2-unified`, and `preset=custom` starts from an
//! empty tree.

pub mod live;
pub mod model;

pub(crate) mod link;
mod scene;
mod view;

use crate::scene::{LinkError, SceneLink, check_keys, hide_future_param, print_hide_future};
use crate::tabs::{Tab, apply_position};
use crate::theme::Theme;
use crate::timeline::{Timeline, format_secs};
use link::{
    LIVE_KEYS, NodeRef, SIMULATE_KEYS, STRUCTURE_KEYS, SceneKey, Source, View, base,
    parse_live_select, parse_pid,
};
use model::{CgroupVersion, Op, Pid, Preset};
use scene::Loaded;

/// Prints this machine's cgroups as pretty JSON, for `virtscope inspect cgroups --json`.
pub fn inspect_json() -> Result<String, super::InspectError> {
    Ok(serde_json::to_string_pretty(&live::read_system()?)?)
}

/// Something the student asked for in the controls or on the canvas, applied after drawing.
#[derive(Clone, Debug, PartialEq)]
enum Action {
    /// Switch view.
    SetView(View),
    /// Show another preset (clears the student's operations and the selection).
    SetSource(Source),
    /// Show the other version of the preset.
    SetVersion(CgroupVersion),
    /// Select a cgroup (or none).
    SelectNode(Option<NodeRef>),
    /// Select a process (or none).
    SelectPid(Option<Pid>),
    /// Move a process into a cgroup (an operation after the last step).
    Move {
        /// The process.
        pid: Pid,
        /// The destination.
        to: NodeRef,
    },
    /// Append operations after the last step.
    AddOps(Vec<Op>),
    /// Drop the last appended operation.
    Undo,
    /// Drop every appended operation.
    ResetOps,
    /// Move the simulation's "now" to this time.
    Seek(f64),
}

/// The tab's state.
pub struct CgroupsTab {
    view: View,
    loaded: Loaded,
    timeline: Timeline,
    selected: Option<NodeRef>,
    pid: Option<Pid>,
    /// Whether the simulation shows only what has happened up to t (`hide=future`).
    hide_future: bool,
    next_generation: u64,
    edit: view::controls::EditState,
    live: view::live::LiveState,
    tree: view::tree::TreeState,
}

impl Default for CgroupsTab {
    fn default() -> Self {
        let loaded = Loaded::new(SceneKey::default(), 0);
        Self {
            view: View::Structure,
            timeline: loaded.step_timeline(),
            loaded,
            selected: None,
            pid: None,
            hide_future: false,
            next_generation: 1,
            edit: view::controls::EditState::default(),
            live: view::live::LiveState::default(),
            tree: view::tree::TreeState::default(),
        }
    }
}

fn bad_value(key: &str, value: &str, reason: impl Into<String>) -> LinkError {
    LinkError::BadValue {
        key: key.to_owned(),
        value: value.to_owned(),
        reason: reason.into(),
    }
}

impl CgroupsTab {
    /// Replaces the scene with `key`'s, keeping nothing of the old one's steps.
    fn load(&mut self, key: SceneKey) {
        self.loaded = Loaded::new(key, self.next_generation);
        self.next_generation += 1;
        self.edit.reset();
    }

    /// Rebuilds the timeline for the current view: the last step (structure) or `t` kept
    /// (simulation).
    fn refresh_timeline(&mut self, to_last_step: bool) {
        match self.view {
            View::Structure => {
                let timeline = self.loaded.step_timeline();
                self.timeline.replace_range(timeline);
                if to_last_step {
                    self.timeline.to_end();
                }
            }
            View::Simulate => match self.loaded.sim_timeline() {
                Ok(timeline) => self.timeline.replace_range(timeline),
                Err(err) => {
                    self.edit.message = Some(format!("The simulation cannot run: {err}"));
                    self.view = View::Structure;
                    self.refresh_timeline(true);
                }
            },
            View::Live => {}
        }
    }

    /// Shows the whole run again (the student changed the scene a quiz question opened).
    fn show_ahead(&mut self) {
        self.hide_future = false;
        self.timeline.set_ahead_hidden(false);
    }

    /// Drops a selection that no step of the scene has any more (after an undo).
    fn revalidate_selection(&mut self) {
        let state = self.loaded.trace.final_state();
        if let Some(node) = &self.selected
            && NodeRef::parse(&node.print(state), &self.loaded.trace).is_err()
        {
            self.selected = None;
        }
        if let Some(pid) = self.pid
            && parse_pid(&pid.to_string(), &self.loaded.trace).is_err()
        {
            self.pid = None;
        }
    }

    /// Applies what the student asked for.
    fn apply(&mut self, action: Action) {
        match action {
            Action::SetView(view) => {
                if view == self.view {
                    return;
                }
                self.view = view;
                self.timeline.pause();
                self.show_ahead();
                match view {
                    View::Structure => self.refresh_timeline(true),
                    View::Simulate => {
                        self.refresh_timeline(false);
                        self.timeline.to_start();
                    }
                    View::Live => {}
                }
            }
            Action::SetSource(source) => {
                let version = if source.versions().contains(&self.loaded.key.version) {
                    self.loaded.key.version
                } else {
                    source.default_version()
                };
                self.switch_scene(SceneKey {
                    version,
                    source,
                    ops: Vec::new(),
                });
            }
            Action::SetVersion(version) => {
                let source = self.loaded.key.source;
                if source.versions().contains(&version) && version != self.loaded.key.version {
                    self.switch_scene(SceneKey {
                        version,
                        source,
                        ops: Vec::new(),
                    });
                }
            }
            Action::SelectNode(node) => {
                if node != self.selected {
                    self.edit.forget_file();
                }
                self.selected = node;
            }
            Action::SelectPid(pid) => self.pid = pid,
            Action::Move { pid, to } => {
                let to = to.target(self.loaded.trace.final_state());
                self.apply(Action::AddOps(vec![Op::Move { pid, to }]));
            }
            Action::AddOps(ops) => {
                let mut key = self.loaded.key.clone();
                key.ops.extend(ops);
                if key.ops.len() > link::MAX_OPS {
                    self.edit.message = Some(format!(
                        "A scene link holds at most {} added operations; undo some first.",
                        link::MAX_OPS
                    ));
                    return;
                }
                self.change_ops(key);
            }
            Action::Undo => {
                let mut key = self.loaded.key.clone();
                if key.ops.pop().is_some() {
                    self.change_ops(key);
                }
            }
            Action::ResetOps => {
                let mut key = self.loaded.key.clone();
                if !key.ops.is_empty() {
                    key.ops.clear();
                    self.change_ops(key);
                }
            }
            Action::Seek(secs) => {
                if self.view == View::Simulate {
                    self.timeline.pause();
                    self.timeline.seek(secs);
                }
            }
        }
    }

    fn switch_scene(&mut self, key: SceneKey) {
        self.show_ahead();
        self.load(key);
        self.selected = None;
        self.pid = None;
        self.timeline.pause();
        self.refresh_timeline(false);
        self.timeline.to_start();
    }

    fn change_ops(&mut self, key: SceneKey) {
        self.show_ahead();
        let selected = self.selected.clone();
        self.load(key);
        self.selected = selected;
        self.revalidate_selection();
        self.timeline.pause();
        self.refresh_timeline(true);
    }

    fn open_scene(&mut self, view: View, link: &SceneLink) -> Result<(), LinkError> {
        check_keys(
            link,
            if view == View::Structure {
                STRUCTURE_KEYS
            } else {
                SIMULATE_KEYS
            },
        )?;
        let key = SceneKey::parse(link)?;
        let hide_future = hide_future_param(link)?;
        let mut fresh = (key != self.loaded.key).then(|| Loaded::new(key, self.next_generation));
        let loaded = fresh.as_mut().unwrap_or(&mut self.loaded);
        let selected = link
            .get("select")
            .map(|value| {
                NodeRef::parse(value, &loaded.trace)
                    .map_err(|err| bad_value("select", value, err.to_string()))
            })
            .transpose()?;
        let pid = link
            .get("pid")
            .map(|value| {
                parse_pid(value, &loaded.trace)
                    .map_err(|err| bad_value("pid", value, err.to_string()))
            })
            .transpose()?;
        let mut timeline = if view == View::Simulate {
            loaded
                .sim_timeline()
                .map_err(|err| bad_value("preset", loaded.key.source.slug(), err.to_string()))?
        } else {
            loaded.step_timeline()
        };
        apply_position(link, &mut timeline)?;
        if let Some(fresh) = fresh {
            self.loaded = fresh;
            self.next_generation += 1;
            self.edit.reset();
        }
        if selected != self.selected {
            self.edit.forget_file();
        }
        self.view = view;
        self.selected = selected;
        self.pid = pid;
        self.hide_future = hide_future;
        self.timeline.replace_range(timeline.clone());
        self.timeline.set_ahead_hidden(hide_future);
        self.timeline.seek(timeline.position());
        self.timeline.pause();
        Ok(())
    }
}

impl Tab for CgroupsTab {
    fn id(&self) -> &'static str {
        link::TAB_ID
    }

    fn title(&self) -> &'static str {
        "Cgroups"
    }

    fn open(&mut self, link: &SceneLink) -> Result<(), LinkError> {
        let view = View::of(link)?;
        if view == View::Live {
            check_keys(link, LIVE_KEYS)?;
            let select = parse_live_select(link)?;
            self.view = View::Live;
            self.timeline.pause();
            self.show_ahead();
            self.live.select(select);
            return Ok(());
        }
        if view == View::Structure && link.get("t").is_some() {
            // SCENES.md's short form `cgroups?...&t=SECONDS` means the simulation.
            if let Some(step) = link.get("step") {
                return Err(bad_value(
                    "step",
                    step,
                    "a link names either step= (the structure) or t= (the simulation), not both",
                ));
            }
            return self.open_scene(View::Simulate, link);
        }
        self.open_scene(view, link)
    }

    fn link(&self) -> SceneLink {
        let mut link = base(self.view);
        if self.view == View::Live {
            if let Some(select) = self.live.selected() {
                link.set("select", select);
            }
            return link;
        }
        self.loaded.key.print(&mut link);
        let state = self.loaded.trace.final_state();
        if let Some(node) = &self.selected {
            link.set("select", node.print(state));
        }
        if let Some(pid) = self.pid {
            link.set("pid", pid);
        }
        print_hide_future(&mut link, self.hide_future);
        let (key, value) = self.timeline.link_value();
        link.set(key, value);
        link
    }

    fn scenes(&self) -> Vec<SceneLink> {
        let mut scenes = Vec::new();
        for preset in Preset::ALL {
            for version in preset.versions() {
                let mut loaded = Loaded::new(SceneKey::preset(*preset, *version), 0);
                let mut structure = base(View::Structure);
                loaded.key.print(&mut structure);
                // The start, every refused operation (the kernel's rules at work) and the end:
                // the other steps stay reachable by link and by stepping.
                let steps = loaded.trace.steps();
                let last = steps.len().saturating_sub(1);
                for (index, step) in steps.iter().enumerate() {
                    if index == 0 || index == last || step.result.is_err() {
                        scenes.push(structure.clone().with("step", index));
                    }
                }
                let mut simulate = base(View::Simulate);
                loaded.key.print(&mut simulate);
                let Ok(sim) = loaded.sim() else {
                    continue;
                };
                let times = std::iter::once(0.0).chain(sim.trace.marks().iter().map(|m| m.at_secs));
                for t in times {
                    scenes.push(simulate.clone().with("t", format_secs(t)));
                }
            }
        }
        scenes.push(base(View::Live));
        scenes
    }

    fn timeline(&mut self) -> Option<&mut Timeline> {
        (self.view != View::Live).then_some(&mut self.timeline)
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        let actions = view::controls::controls_ui(ui, theme, self);
        for action in actions {
            self.apply(action);
        }
    }

    fn canvas_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        let actions = match self.view {
            View::Structure => view::structure::canvas_ui(ui, theme, self),
            View::Simulate => view::sim::canvas_ui(ui, theme, self),
            View::Live => {
                view::live::canvas_ui(ui, theme, &mut self.live);
                Vec::new()
            }
        };
        for action in actions {
            self.apply(action);
        }
    }
}

#[cfg(test)]
mod tests;
