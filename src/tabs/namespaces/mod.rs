//! The Namespaces tab: a namespace simulator the student drives with clone/unshare/setns, and a
//! live view of the machine in front of them.
//!
//! Links: `namespaces?preset=P&ops=SCRIPT&filter=TYPE&select=PID&step=N|SLUG` and
//! `namespaces/live?filter=TYPE&select=PID` (see [`link`]). The simulator's state at a step is a
//! pure function of its link: the trace is computed when the preset or the operations change,
//! and the picture drawn when the step, selection or filter change, never per frame. The live
//! view reads `/proc` once when first drawn and again only on Refresh.

pub(crate) mod link;
pub mod live;
pub mod model;
mod scene;
mod view;

use crate::scene::{LinkError, SceneLink};
use crate::tabs::Tab;
use crate::theme::Theme;
use crate::timeline::Timeline;
use link::Spec;
use model::{NsType, Preset};
use scene::Sim;
use view::live_state::LiveState;
use view::picture::{self, Picture};
use view::toolbar::{Action, Toolbar};

/// `virtscope inspect namespaces --json`: this machine's namespaces as pretty JSON.
pub fn inspect_json() -> Result<String, super::InspectError> {
    Ok(serde_json::to_string_pretty(&live::read_live()?)?)
}

/// What a picture was built from: when any of it changes, the picture is rebuilt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PictureKey {
    generation: u64,
    step: usize,
    select: Option<u32>,
    filter: Option<NsType>,
}

/// The tab's state.
pub struct NamespacesTab {
    live_mode: bool,
    sim: Sim,
    live: LiveState,
    toolbar: Toolbar,
    picture: Option<(PictureKey, Picture)>,
}

impl Default for NamespacesTab {
    fn default() -> Self {
        Self {
            live_mode: false,
            sim: Sim::new(Preset::Host),
            live: LiveState::default(),
            toolbar: Toolbar::default(),
            picture: None,
        }
    }
}

impl NamespacesTab {
    fn apply(&mut self, action: Action) {
        match action {
            Action::ShowLive => self.live_mode = true,
            Action::Preset(preset) => {
                self.sim.set_preset(preset);
                self.sim.timeline.pause();
            }
            Action::Filter(filter) => self.sim.filter = filter,
            Action::Select(select) => self.sim.select = select,
            Action::Perform(op) => self.sim.push_op(op),
            Action::Undo => {
                self.sim.pop_op();
            }
        }
    }

    fn picture(&mut self) -> &Picture {
        let key = PictureKey {
            generation: self.sim.generation(),
            step: self.sim.step(),
            select: self.sim.select,
            filter: self.sim.filter,
        };
        if self.picture.as_ref().is_none_or(|(built, _)| *built != key) {
            self.picture = Some((key, picture::build(&self.sim)));
        }
        &self
            .picture
            .get_or_insert_with(|| (key, picture::build(&self.sim)))
            .1
    }
}

impl Tab for NamespacesTab {
    fn id(&self) -> &'static str {
        link::TAB_ID
    }

    fn title(&self) -> &'static str {
        "Namespaces"
    }

    fn open(&mut self, link: &SceneLink) -> Result<(), LinkError> {
        match link::parse(link)? {
            Spec::Sim(spec) => {
                let mut sim = Sim::open(spec, link)?;
                sim.timeline.set_speed(self.sim.timeline.speed());
                self.sim = sim;
                self.live_mode = false;
            }
            Spec::Live(spec) => {
                self.live.open(spec.filter, spec.select);
                self.live_mode = true;
            }
        }
        Ok(())
    }

    fn link(&self) -> SceneLink {
        if self.live_mode {
            self.live.link()
        } else {
            self.sim.link()
        }
    }

    fn scenes(&self) -> Vec<SceneLink> {
        Preset::ALL
            .iter()
            .flat_map(|preset| {
                let steps = preset.scene().steps.len();
                (0..steps).map(|step| link::print_sim(*preset, "", None, None, step))
            })
            .collect()
    }

    fn timeline(&mut self) -> Option<&mut Timeline> {
        (!self.live_mode).then_some(&mut self.sim.timeline)
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        if self.live_mode {
            if self.live.controls_ui(ui) {
                self.live_mode = false;
            }
            return;
        }
        for action in self.toolbar.controls_ui(ui, theme, &self.sim) {
            self.apply(action);
        }
    }

    fn canvas_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        if self.live_mode {
            self.live.canvas_ui(ui, theme);
            return;
        }
        let clicked = view::sim_canvas_ui(ui, theme, self.picture());
        if let Some(pid) = clicked {
            self.sim.select = if self.sim.select == Some(pid) {
                None
            } else {
                Some(pid)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn inspect_json_prints_the_live_snapshot() {
        let json = inspect_json().expect("Linux has /proc");
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert!(value["namespaces"].is_array(), "{json}");
        assert!(value["unreadable"].is_array(), "{json}");
        assert!(json.contains('\n'), "pretty-printed");
    }

    #[test]
    #[cfg(not(target_os = "linux"))]
    fn inspect_json_says_why_it_is_unavailable() {
        let message = inspect_json().expect_err("no /proc/PID/ns here");
        assert!(message.contains("Linux"), "{message}");
    }

    #[test]
    fn the_tab_switches_views_by_link_and_keeps_the_simulator() {
        let mut tab = NamespacesTab::default();
        let sim = SceneLink::parse("namespaces?preset=pod&select=2002&step=3").unwrap();
        tab.open(&sim).unwrap();
        assert_eq!(tab.link(), sim);
        assert!(tab.timeline().is_some());
        let live = SceneLink::parse("namespaces/live?filter=net&select=1").unwrap();
        tab.open(&live).unwrap();
        assert_eq!(tab.link(), live);
        assert!(tab.timeline().is_none(), "the live view has no timeline");
        let err = tab
            .open(&SceneLink::parse("namespaces?preset=pod&select=1302").unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("no process 1302"), "{err}");
        assert_eq!(tab.link(), live, "a bad link leaves the tab as it was");
        tab.open(&sim).unwrap();
        assert_eq!(tab.link(), sim);
    }
}
