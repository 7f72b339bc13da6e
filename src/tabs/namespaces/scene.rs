//! The simulator's state: a preset, the operations the student added, their trace and the
//! position on the timeline.
//!
//! The trace is computed when the preset or the operations change, never per frame; everything
//! drawn is a function of (preset, operations, step, selection, filter).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::scene::{LinkError, SceneLink, hiding_future};
use crate::tabs::apply_position;
use crate::tabs::namespaces::link::{self, SimSpec};
use crate::tabs::namespaces::model::{
    NsId, NsType, Op, Preset, Scene, ScriptStep, Step, Trace, World,
};
use crate::timeline::Timeline;

/// Distinguishes traces, so caches built from one are not reused for another.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// Stable colour slots: each namespace's position among those of its type (0 = the initial
/// one), taken from the end of the scene so colours do not change while scrubbing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Palette(BTreeMap<NsId, usize>);

impl Palette {
    fn of(world: &World) -> Self {
        let mut slots = BTreeMap::new();
        for kind in NsType::ALL {
            for (index, namespace) in world.namespaces_of(*kind).enumerate() {
                slots.insert(namespace.id, index);
            }
        }
        Self(slots)
    }

    /// The slot of a namespace (0 for the initial namespace of its type).
    pub fn slot(&self, id: NsId) -> usize {
        self.0.get(&id).copied().unwrap_or(0)
    }
}

/// The simulator: preset, added operations, trace, timeline, selection and filter.
#[derive(Debug)]
pub struct Sim {
    preset: Preset,
    ops: Vec<Op>,
    ops_text: String,
    trace: Trace,
    palette: Palette,
    generation: u64,
    /// The shared timeline: step N shows the world after operation N.
    pub timeline: Timeline,
    /// Host PID of the selected process.
    pub select: Option<u32>,
    /// Show only this type.
    pub filter: Option<NsType>,
}

impl Sim {
    /// The preset at its first step, nothing selected.
    pub fn new(preset: Preset) -> Self {
        Self::build(preset, Vec::new())
    }

    fn build(preset: Preset, ops: Vec<Op>) -> Self {
        let trace = scene_of(preset, &ops).run();
        Self {
            preset,
            ops_text: link::ops_text(&ops),
            ops,
            palette: Palette::of(trace.last()),
            timeline: Timeline::steps(trace.marks()),
            trace,
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
            select: None,
            filter: None,
        }
    }

    /// The scene a link asks for, with its selection and step checked against the trace; at
    /// its last step when the link names none.
    pub fn open(spec: SimSpec, link: &SceneLink) -> Result<Self, LinkError> {
        let mut sim = Self::build(spec.preset, spec.ops);
        if let Some(pid) = spec.select
            && sim.trace.last().process(pid).is_none()
        {
            let known: Vec<String> = sim
                .trace
                .last()
                .processes()
                .map(|process| process.pid.to_string())
                .collect();
            return Err(LinkError::BadValue {
                key: "select".to_owned(),
                value: pid.to_string(),
                reason: format!(
                    "no process {pid} in this scene; its host PIDs are {}",
                    known.join(", ")
                ),
            });
        }
        // Without a step, a link shows the scene's end state: what a card asks about.
        sim.timeline.to_end();
        apply_position(link, &mut sim.timeline)?;
        sim.timeline.set_ahead_hidden(spec.hide_future);
        sim.select = spec.select;
        sim.filter = spec.filter;
        Ok(sim)
    }

    /// The canonical link of the current state.
    pub fn link(&self) -> SceneLink {
        let link = link::print_sim(
            self.preset,
            &self.ops_text,
            self.filter,
            self.select,
            self.step(),
        );
        if self.timeline.ahead_hidden() {
            hiding_future(link)
        } else {
            link
        }
    }

    /// The preset.
    pub fn preset(&self) -> Preset {
        self.preset
    }

    /// The operations added after the preset's steps.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Number of steps the preset itself has.
    pub fn preset_len(&self) -> usize {
        self.trace.len() - self.ops.len()
    }

    /// The run scene.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Colour slots of this trace's namespaces.
    pub fn palette(&self) -> &Palette {
        &self.palette
    }

    /// Changes whenever the trace does.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The current step, within the trace.
    pub fn step(&self) -> usize {
        self.timeline.step().min(self.trace.len().saturating_sub(1))
    }

    /// The step shown now, if the scene has any.
    pub fn current(&self) -> Option<&Step> {
        self.trace.steps().get(self.step())
    }

    /// The world shown now: after the current step's operation.
    pub fn world(&self) -> &World {
        if self.trace.is_empty() {
            self.trace.initial()
        } else {
            self.trace.world_after(self.step())
        }
    }

    /// The world at the end of the scene, where new operations are appended.
    pub fn last_world(&self) -> &World {
        self.trace.last()
    }

    /// Appends an operation as a new last step and moves there.
    pub fn push_op(&mut self, op: Op) {
        let mut ops = std::mem::take(&mut self.ops);
        ops.push(op);
        self.rebuild(ops);
        self.timeline.to_end();
    }

    /// Removes the last added operation; returns whether there was one.
    pub fn pop_op(&mut self) -> bool {
        let mut ops = std::mem::take(&mut self.ops);
        let popped = ops.pop().is_some();
        self.rebuild(ops);
        popped
    }

    /// Switches to another preset, dropping added operations and the selection.
    pub fn set_preset(&mut self, preset: Preset) {
        let filter = self.filter;
        let speed = self.timeline.speed();
        *self = Self::build(preset, Vec::new());
        self.filter = filter;
        self.timeline.set_speed(speed);
    }

    fn rebuild(&mut self, ops: Vec<Op>) {
        let mut next = Self::build(self.preset, ops);
        let mut timeline = std::mem::take(&mut self.timeline);
        timeline.replace_range(next.timeline.clone());
        next.timeline = timeline;
        next.select = self.select;
        next.filter = self.filter;
        *self = next;
    }
}

/// The preset's scene with `ops` appended as generated steps.
fn scene_of(preset: Preset, ops: &[Op]) -> Scene {
    let mut scene = preset.scene();
    scene.steps.extend(ops.iter().cloned().map(ScriptStep::new));
    scene
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::namespaces::model::NsTypeSet;

    fn open(text: &str) -> Result<Sim, LinkError> {
        let link = SceneLink::parse(text)?;
        let crate::tabs::namespaces::link::Spec::Sim(spec) =
            crate::tabs::namespaces::link::parse(&link)?
        else {
            panic!("{text} is not a simulator link");
        };
        Sim::open(spec, &link)
    }

    #[test]
    fn links_round_trip_with_slugs_and_ops() {
        let sim = open("namespaces?preset=docker-run&step=clone").unwrap();
        assert_eq!(
            sim.link().to_string(),
            "namespaces?preset=docker-run&step=3"
        );
        let text =
            "namespaces?preset=host&ops=unshare%201201%20user;fork%201201&select=1201&step=5";
        let sim = open(text).unwrap();
        assert_eq!(sim.link().to_string(), text);
        assert_eq!(sim.trace().len(), sim.preset_len() + 2);
        assert_eq!(sim.current().map(|step| step.slug.as_str()), Some("fork-2"));
    }

    #[test]
    fn a_link_without_a_step_shows_the_end_state() {
        let sim = open("namespaces?preset=nested-pid&filter=pid").unwrap();
        assert_eq!(sim.step(), sim.trace().len() - 1);
        assert_eq!(
            sim.link().to_string(),
            "namespaces?preset=nested-pid&filter=pid&step=9"
        );
    }

    #[test]
    fn selection_and_step_are_checked_against_the_scene() {
        let err = open("namespaces?preset=host&select=4242")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("no process 4242") && err.contains("1201"),
            "{err}"
        );
        let err = open("namespaces?preset=host&step=99")
            .unwrap_err()
            .to_string();
        assert!(err.contains("steps 0 to 3"), "{err}");
        let err = open("namespaces?preset=host&step=nope")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sethostname"), "{err}");
        // A process created by a later step may be selected at an earlier one.
        assert!(open("namespaces?preset=docker-run&select=1302&step=0").is_ok());
    }

    #[test]
    fn pushing_and_popping_operations_extends_the_timeline() {
        let mut sim = Sim::new(Preset::DockerRun);
        let before = sim.trace().len();
        sim.select = Some(1302);
        sim.push_op(Op::Unshare {
            pid: 1302,
            flags: NsTypeSet::of(&[NsType::Net]),
        });
        assert_eq!(sim.trace().len(), before + 1);
        assert_eq!(sim.step(), before, "moved to the new last step");
        assert!(sim.current().is_some_and(|step| step.outcome.is_ok()));
        let link = sim.link().to_string();
        assert!(link.contains("ops=unshare%201302%20net"), "{link}");
        assert!(link.contains(&format!("step={before}")), "{link}");
        assert!(sim.pop_op());
        assert_eq!(sim.trace().len(), before);
        assert_eq!(sim.step(), before - 1, "clamped into the shorter scene");
        assert!(!sim.pop_op());
    }

    #[test]
    fn palette_slots_are_stable_and_start_at_the_initial_namespace() {
        let sim = Sim::new(Preset::Pod);
        let world = sim.last_world();
        for kind in NsType::ALL {
            let first = world.namespaces_of(*kind).next().unwrap();
            assert_eq!(sim.palette().slot(first.id), 0);
        }
        let pids: Vec<usize> = world
            .namespaces_of(NsType::Pid)
            .map(|ns| sim.palette().slot(ns.id))
            .collect();
        assert_eq!(pids, [0, 1, 2, 3]);
    }
}
