//! Scenes and their traces: an initial world plus operations, run once into named steps.
//!
//! A scene runs to a [`Trace`] once; the world after each step is kept, so scrubbing to any step
//! is a lookup. Step N (0-based, as in scene links) is operation N: its slug, its label, its
//! equivalent shell command and its outcome, and [`Trace::world_after`] is the state it leaves.

use super::errno::Failure;
use super::ns_type::NsType;
use super::op::Op;
use super::spawn::Effects;
use super::text::{ParseError, parse_script};
use super::world::World;

/// One operation of a scene, with optional hand-written texts (presets have them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptStep {
    /// The operation.
    pub op: Op,
    /// One sentence for the student; generated from the operation when None.
    pub label: Option<String>,
    /// The equivalent shell command; generated from the operation when None.
    pub shell: Option<String>,
}

impl ScriptStep {
    /// A step with generated texts.
    pub fn new(op: Op) -> Self {
        Self {
            op,
            label: None,
            shell: None,
        }
    }

    /// A step with a hand-written label and shell command.
    pub fn described(op: Op, label: &str, shell: &str) -> Self {
        Self {
            op,
            label: Some(label.to_owned()),
            shell: Some(shell.to_owned()),
        }
    }
}

/// An initial world and the operations applied to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scene {
    /// The state before any step.
    pub initial: World,
    /// The operations, in order.
    pub steps: Vec<ScriptStep>,
}

impl Scene {
    /// A custom scene from script text (see `text`), starting from `initial`.
    pub fn from_script(initial: World, script: &str) -> Result<Self, ParseError> {
        let steps = parse_script(script)?
            .into_iter()
            .map(ScriptStep::new)
            .collect();
        Ok(Self { initial, steps })
    }

    /// The operations as script text (labels are not part of it).
    pub fn script(&self) -> String {
        let ops: Vec<Op> = self.steps.iter().map(|step| step.op.clone()).collect();
        super::text::print_script(&ops)
    }

    /// Runs every step. Failed operations are steps too; they leave the world unchanged.
    pub fn run(&self) -> Trace {
        let mut world = self.initial.clone();
        let mut steps = Vec::with_capacity(self.steps.len());
        let mut worlds = Vec::with_capacity(self.steps.len());
        for (index, script_step) in self.steps.iter().enumerate() {
            let outcome = match world.apply(&script_step.op) {
                Ok((next, effects)) => {
                    world = next;
                    Ok(effects)
                }
                Err(failure) => Err(failure),
            };
            let kind = script_step.op.slug();
            let earlier = steps
                .iter()
                .filter(|step: &&Step| step.op.slug() == kind)
                .count();
            let slug = match earlier {
                0 => kind.to_owned(),
                n => format!("{kind}-{}", n + 1),
            };
            let label = script_step
                .label
                .clone()
                .unwrap_or_else(|| describe(&script_step.op, &outcome));
            let shell = script_step
                .shell
                .clone()
                .unwrap_or_else(|| script_step.op.shell());
            steps.push(Step {
                index,
                slug,
                label,
                shell,
                op: script_step.op.clone(),
                outcome,
            });
            worlds.push(world.clone());
        }
        Trace {
            initial: self.initial.clone(),
            steps,
            worlds,
        }
    }
}

/// One step of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// 0-based position.
    pub index: usize,
    /// Unique within the trace: the operation slug, then `fork-2`, `fork-3`, ... for repeats.
    pub slug: String,
    /// One sentence for the student.
    pub label: String,
    /// The equivalent shell command.
    pub shell: String,
    /// The operation.
    pub op: Op,
    /// What it changed, or why it failed.
    pub outcome: Result<Effects, Failure>,
}

/// A scene, run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    initial: World,
    steps: Vec<Step>,
    worlds: Vec<World>,
}

impl Trace {
    /// The steps in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the scene has no steps.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The state before any step.
    pub fn initial(&self) -> &World {
        &self.initial
    }

    /// The state after the first `applied` operations (0 = initial; clamped to the end).
    pub fn state(&self, applied: usize) -> &World {
        match applied.checked_sub(1) {
            None => &self.initial,
            Some(index) => self
                .worlds
                .get(index)
                .or(self.worlds.last())
                .unwrap_or(&self.initial),
        }
    }

    /// The state once step `index` has run (clamped to the end).
    pub fn world_after(&self, index: usize) -> &World {
        self.state(index + 1)
    }

    /// The state at the end of the scene.
    pub fn last(&self) -> &World {
        self.state(self.steps.len())
    }

    /// The index of the step with this slug (`fork`, `fork-2`, ...).
    pub fn step_index(&self, slug: &str) -> Option<usize> {
        self.steps.iter().position(|step| step.slug == slug)
    }

    /// `(slug, label)` per step, the shape the shared timeline takes.
    pub fn marks(&self) -> Vec<(String, String)> {
        self.steps
            .iter()
            .map(|step| (step.slug.clone(), step.label.clone()))
            .collect()
    }
}

/// A generated one-sentence label for an operation and its outcome.
pub fn describe(op: &Op, outcome: &Result<Effects, Failure>) -> String {
    let actor = op.actor();
    match outcome {
        Err(failure) => format!(
            "Process {actor} calls {} and it fails: {failure}",
            op.syscall()
        ),
        Ok(effects) => {
            let created = match (effects.new_process, effects.new_namespaces.len()) {
                (Some(child), 0) => format!(", creating process {child}"),
                (Some(child), n) => format!(", creating process {child} and {n} new namespace(s)"),
                (None, 0) => String::new(),
                (None, n) => format!(", creating {n} new namespace(s)"),
            };
            let killed = match effects.killed.len() {
                0 => String::new(),
                n => format!("; the kernel SIGKILLs {n} process(es) in its PID namespace"),
            };
            let why_clone3 = match op {
                Op::Clone { flags, .. } if flags.contains(NsType::Time) => {
                    format!(". {CLONE3_FOR_TIME}")
                }
                _ => String::new(),
            };
            format!(
                "Process {actor} calls {}{created}{killed}{why_clone3}",
                op.syscall()
            )
        }
    }
}

/// Why a clone that creates a time namespace is shown as clone3() (domain.md section 2).
const CLONE3_FOR_TIME: &str = "clone3() is needed: legacy clone() cannot ask for \
     CLONE_NEWTIME, because 0x80 falls in its low byte, the exit signal (CSIGNAL); clone3() \
     accepts it since Linux 6.3";

#[cfg(test)]
mod tests {
    use super::super::errno::Errno;
    use super::super::test_support::{root_host, user_host};
    use super::*;

    #[test]
    fn state_at_step_n_applies_the_first_n_operations() {
        let scene =
            Scene::from_script(root_host(), "fork 100 a; fork 100 b; exit 200").expect("ok");
        let trace = scene.run();
        assert_eq!(trace.len(), 3);
        assert_eq!(trace.state(0), &root_host());
        assert!(trace.state(1).process(200).is_some_and(|p| p.is_alive()));
        assert!(trace.state(2).process(201).is_some());
        assert!(!trace.state(3).process(200).expect("a").is_alive());
        assert_eq!(trace.world_after(0), trace.state(1));
        assert_eq!(trace.state(99), trace.last(), "clamped");
    }

    #[test]
    fn slugs_are_unique_and_addressable() {
        let trace =
            Scene::from_script(root_host(), "fork 100; unshare 100 pid; fork 100; fork 100")
                .expect("ok")
                .run();
        let slugs: Vec<_> = trace.steps().iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(slugs, ["fork", "unshare", "fork-2", "fork-3"]);
        assert_eq!(trace.step_index("fork-2"), Some(2));
        assert_eq!(trace.step_index("unshare"), Some(1));
        assert_eq!(trace.marks().len(), 4);
    }

    #[test]
    fn a_failed_operation_is_a_step_that_changes_nothing() {
        let trace = Scene::from_script(user_host(), "unshare 100 net; fork 100")
            .expect("ok")
            .run();
        let failed = &trace.steps()[0];
        assert_eq!(
            failed.outcome.as_ref().err().and_then(Failure::errno_value),
            Some(Errno::Eperm)
        );
        assert!(failed.label.contains("EPERM"), "{}", failed.label);
        assert_eq!(failed.shell, "unshare --net");
        assert_eq!(trace.state(1), trace.initial());
        assert!(trace.steps()[1].outcome.is_ok());
    }

    #[test]
    fn script_round_trips_and_parse_errors_surface() {
        let scene = Scene::from_script(root_host(), "clone 100 pid,net sh\nexit 200").expect("ok");
        assert_eq!(scene.script(), "clone 100 pid,net sh\nexit 200");
        let error = Scene::from_script(root_host(), "clone 100 pid,nett").expect_err("bad");
        assert!(error.to_string().contains("\"nett\""));
    }

    #[test]
    fn generated_labels_say_what_was_created() {
        let trace = Scene::from_script(root_host(), "clone 100 pid,net sh")
            .expect("ok")
            .run();
        let label = &trace.steps()[0].label;
        assert!(label.contains("CLONE_NEWPID | CLONE_NEWNET"), "{label}");
        assert!(
            label.contains("process 200 and 2 new namespace(s)"),
            "{label}"
        );
    }
}
