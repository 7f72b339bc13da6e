//! Scenes: an initial state plus a list of operations, one timeline step each.
//!
//! The state at step N is the initial state with the first N operations applied, so it is a pure
//! function of (scene, N). [`Scene::trace`] runs the operations once and keeps every state; a failed
//! operation is a step like any other that shows its errno and leaves the state as it was. Slugs
//! are unique within a trace: the kind of operation (`mkdir`), with the errno for failures
//! (`move-ebusy`), and `-2`, `-3`, ... for repeats.

use std::collections::HashMap;

use super::controller::ControllerSet;
use super::errno::OpError;
use super::op::Op;
use super::sim::{MemoryVerdict, SimConfig, SimError, SimTrace, memory_verdict, simulate};
use super::state::State;
use super::text::{ParseError, format_ops, parse_ops};
use super::version::CgroupVersion;

/// One operation of a scene with an optional hand-written label.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneOp {
    /// The operation.
    pub op: Op,
    /// A sentence that replaces the generated label (presets use it to explain the point).
    pub note: Option<String>,
}

/// A scene: where it starts, what happens, and how the resource simulation runs afterwards.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// The state at step 0.
    pub initial: State,
    /// The operations, one step each.
    pub ops: Vec<SceneOp>,
    /// How to simulate the final state.
    pub sim: SimConfig,
}

impl Scene {
    /// A scene of `ops` from `initial`, with the default simulation settings.
    pub fn new(initial: State, ops: Vec<Op>) -> Self {
        Self {
            initial,
            ops: ops
                .into_iter()
                .map(|op| SceneOp { op, note: None })
                .collect(),
            sim: SimConfig::default(),
        }
    }

    /// A custom scene from the text form, starting from [`State::default_for`] `version`.
    pub fn custom(version: CgroupVersion, ops_text: &str) -> Result<Self, ParseError> {
        Ok(Self::new(State::default_for(version), parse_ops(ops_text)?))
    }

    /// The operations in the text form (for links).
    pub fn ops_text(&self) -> String {
        let ops: Vec<Op> = self.ops.iter().map(|o| o.op.clone()).collect();
        format_ops(&ops)
    }

    /// The version of the scene.
    pub fn version(&self) -> CgroupVersion {
        self.initial.version()
    }

    /// Runs the operations once and records every step.
    pub fn trace(&self) -> SceneTrace {
        let mut state = self.initial.clone();
        let mut steps = vec![Step {
            slug: "start".to_owned(),
            label: start_label(&state),
            op: None,
            shell: None,
            result: Ok(()),
            state: state.clone(),
        }];
        let mut seen: HashMap<String, usize> = HashMap::new();
        for scene_op in &self.ops {
            let op = &scene_op.op;
            let shell = op.shell_command(&state);
            let before = state.clone();
            let result = state.apply(op);
            let base = match &result {
                Ok(()) => op.slug().to_owned(),
                Err(error) => match error.errno {
                    Some(errno) => format!("{}-{}", op.slug(), errno.slug()),
                    None => format!("{}-refused", op.slug()),
                },
            };
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            let slug = if *count == 1 {
                base
            } else {
                format!("{base}-{count}")
            };
            let label = match (&result, &scene_op.note) {
                (_, Some(note)) => note.clone(),
                (Ok(()), None) => success_label(op, &before, &state),
                (Err(error), None) => failure_label(shell.as_deref(), error),
            };
            steps.push(Step {
                slug,
                label,
                op: Some(op.clone()),
                shell,
                result,
                state: state.clone(),
            });
        }
        SceneTrace { steps }
    }

    /// Runs the resource simulation on the state after the last step.
    pub fn simulate(&self) -> Result<SimTrace, SimError> {
        simulate(&self.final_state(), &self.sim)
    }

    /// The memory verdict [`Scene::simulate`] would show (first OOM kill, any throttling),
    /// stepping the simulation only until it is decided.
    pub fn memory_verdict(&self) -> Result<MemoryVerdict, SimError> {
        memory_verdict(&self.final_state(), &self.sim)
    }

    /// The state after the last step, without the trace of the steps.
    pub(super) fn final_state(&self) -> State {
        let mut state = self.initial.clone();
        for scene_op in &self.ops {
            // A failed step leaves the state unchanged; the trace shows its errno.
            state.apply(&scene_op.op).ok();
        }
        state
    }
}

/// One step of a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Unique slug for `step=<slug>` links.
    pub slug: String,
    /// One sentence for the student.
    pub label: String,
    /// The operation (`None` for the start).
    pub op: Option<Op>,
    /// The shell command of the operation, when there is one.
    pub shell: Option<String>,
    /// Whether it succeeded, or the errno and why not.
    pub result: Result<(), OpError>,
    /// The state after the step.
    pub state: State,
}

/// All steps of a scene, computed once.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneTrace {
    steps: Vec<Step>,
}

impl SceneTrace {
    /// The steps; index 0 is the initial state.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Step `index`, clamped to the last one.
    // In range: the trace is built starting from its "start" step (`SceneTrace::new`), and
    // nothing removes steps, so `last` is a valid index.
    #[allow(clippy::indexing_slicing)]
    pub fn step(&self, index: usize) -> &Step {
        let last = self.steps.len().saturating_sub(1);
        &self.steps[index.min(last)]
    }

    /// The state at step `index` (clamped).
    pub fn state(&self, index: usize) -> &State {
        &self.step(index).state
    }

    /// The step a link names: a 0-based index or a slug.
    pub fn find(&self, key: &str) -> Option<usize> {
        if let Ok(index) = key.parse::<usize>() {
            return (index < self.steps.len()).then_some(index);
        }
        self.steps.iter().position(|s| s.slug == key)
    }

    /// The state after the last step (what the simulation runs).
    pub fn final_state(&self) -> &State {
        self.state(self.steps.len().saturating_sub(1))
    }

    /// `(slug, label)` pairs for a step timeline.
    pub fn marks(&self) -> Vec<(String, String)> {
        self.steps
            .iter()
            .map(|s| (s.slug.clone(), s.label.clone()))
            .collect()
    }
}

fn start_label(state: &State) -> String {
    match state.version() {
        CgroupVersion::V2 => format!(
            "The unified v2 tree: every process is in exactly one cgroup, and the root offers {}.",
            ControllerSet::v2_listable().join(CgroupVersion::V2, " ")
        ),
        CgroupVersion::V1 => format!(
            "{} v1 hierarchies ({}), each with its own tree: every process sits in exactly one cgroup of each.",
            state.hierarchies().len(),
            state
                .hierarchies()
                .iter()
                .map(|h| h.mount_name())
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

fn failure_label(shell: Option<&str>, error: &OpError) -> String {
    match (shell, error.errno) {
        (Some(shell), Some(errno)) => {
            format!(
                "`{shell}` fails with {}: {}",
                errno.name(),
                error.explanation
            )
        }
        (None, Some(errno)) => format!("Fails with {}: {}", errno.name(), error.explanation),
        (_, None) => format!("Not possible: {}", error.explanation),
    }
}

fn comm(state: &State, pid: u32) -> String {
    state
        .process(pid)
        .map_or_else(|| pid.to_string(), |p| format!("{} ({pid})", p.comm))
}

fn success_label(op: &Op, before: &State, after: &State) -> String {
    let v1 = before.version() == CgroupVersion::V1;
    match op {
        Op::Mkdir(target) => {
            if v1 {
                format!(
                    "mkdir creates {target}; processes stay where they are until they are moved."
                )
            } else {
                let parent = target
                    .path
                    .parent()
                    .unwrap_or_else(super::path::CgroupPath::root);
                let given = before
                    .hierarchies()
                    .first()
                    .and_then(|h| h.get(&parent))
                    .map_or(ControllerSet::EMPTY, |c| c.subtree_control);
                if given.is_empty() {
                    format!(
                        "mkdir creates {target}; its parent enables no controllers for it yet, so it has only the cgroup.* core files."
                    )
                } else {
                    format!(
                        "mkdir creates {target}; it gets the files of the controllers its parent enables: {}.",
                        given.join(CgroupVersion::V2, " ")
                    )
                }
            }
        }
        Op::Rmdir(target) => format!("rmdir removes the empty cgroup {target}."),
        Op::Move { pid, to } => {
            if v1 {
                format!(
                    "{} moves to {to} in this hierarchy only; its cgroups in the other hierarchies do not change.",
                    comm(before, *pid)
                )
            } else {
                format!(
                    "{} moves to {to} as a whole process, for every controller at once.",
                    comm(before, *pid)
                )
            }
        }
        Op::Enable {
            target,
            controllers,
        } => format!(
            "{target} now hands {} to its children: they list it in cgroup.controllers and get its files.",
            controllers.join(" ")
        ),
        Op::Disable {
            target,
            controllers,
        } => format!(
            "{target} stops handing {} to its children; their files for it disappear and their limits reset.",
            controllers.join(" ")
        ),
        Op::Set {
            target,
            file,
            value,
        } => {
            let about = super::limits::LimitFile::from_file_name(file, before.version())
                .map_or("", super::limits::LimitFile::about);
            format!("{file} of {target} is now {value}. {about}")
        }
        Op::Fork { parent, .. } => format!(
            "{} forks {}; the child starts in all of its parent's cgroups.",
            comm(before, *parent),
            comm(after, before.next_pid())
        ),
        Op::Exit { pid } => format!("{} exits and leaves its cgroups.", comm(before, *pid)),
        Op::Mount { options } => format!(
            "Mounting a v1 hierarchy with {} creates a new tree whose root holds every process.",
            options.join(",")
        ),
        Op::Load { pid, workload } => format!(
            "In the simulation {} is {}.",
            comm(before, *pid),
            workload.describe()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_at_step_n_is_the_first_n_ops() {
        let scene = Scene::custom(
            CgroupVersion::V2,
            "enable / memory; mkdir /app; move 100 /app; mkdir /app/web; enable /app memory; move 100 /app/web; enable /app memory",
        )
        .unwrap();
        let trace = scene.trace();
        assert_eq!(trace.steps().len(), 8);
        assert_eq!(trace.step(0).slug, "start");
        // Step 5 fails (no internal processes) and leaves the state as step 4.
        assert_eq!(trace.step(5).slug, "enable-ebusy");
        assert_eq!(trace.state(5), trace.state(4));
        assert_eq!(trace.step(7).slug, "enable-2");
        assert!(trace.step(7).result.is_ok());
        for n in 0..trace.steps().len() {
            let mut state = scene.initial.clone();
            for op in &scene.ops[..n] {
                state.apply(&op.op).ok();
            }
            assert_eq!(&state, trace.state(n), "step {n}");
        }
        assert_eq!(trace.find("move"), Some(3));
        assert_eq!(trace.find("move-2"), Some(6));
        assert_eq!(trace.find("6"), Some(6));
        assert_eq!(trace.find("99"), None);
        assert!(
            trace.step(5).label.contains("EBUSY"),
            "{}",
            trace.step(5).label
        );
    }

    #[test]
    fn slugs_are_unique() {
        let scene = Scene::custom(
            CgroupVersion::V2,
            "mkdir /a; mkdir /a; mkdir /b; mkdir /a; rmdir /zz; rmdir /zz",
        )
        .unwrap();
        let trace = scene.trace();
        let slugs: Vec<&str> = trace.steps().iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(
            slugs,
            [
                "start",
                "mkdir",
                "mkdir-eexist",
                "mkdir-2",
                "mkdir-eexist-2",
                "rmdir-enoent",
                "rmdir-enoent-2"
            ]
        );
    }
}
