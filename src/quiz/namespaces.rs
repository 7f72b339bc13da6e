//! Namespaces tab families: what clone(), unshare() and setns() return, which PID a process sees,
//! which processes share a namespace, all computed by `tabs::namespaces::model`.
//!
//! Every question starts from the end of a preset scene and appends one operation, exactly what a
//! link's `ops=` key does, so the "why" link replays the preset and shows the operation's outcome
//! as its last step. The kernel rules behind the outcomes are the model's (man-pages 6.03
//! clone(2), unshare(2), setns(2), pid_namespaces(7); domain.md section 2).

use super::{Dice, Family, GenError, Instance, choices, neighbours};
use crate::scene::{SceneLink, hiding_future};
use crate::tabs::namespaces::link::{ops_text, print_sim};
use crate::tabs::namespaces::model::{
    ERRNOS, Effects, Errno, Failure, NsType, NsTypeSet, Op, Preset, SetnsTarget, Step, Trace, World,
};

/// "Which errno does this setns() return?"
pub const SETNS_ERRNO: Family = Family {
    id: "namespaces.setns-errno",
    tab: "namespaces",
    title: "Does this setns() succeed, and if not, with which errno?",
    cards: &["setns-syscall", "what-is-a-namespace"],
    generate: setns_errno,
};

/// "Which errno does this unshare() return?"
pub const UNSHARE_ERRNO: Family = Family {
    id: "namespaces.unshare-errno",
    tab: "namespaces",
    title: "Does this unshare() succeed, and if not, with which errno?",
    cards: &["unshare-syscall", "the-eight-namespaces"],
    generate: unshare_errno,
};

/// "Which errno does this clone() return?"
pub const CLONE_ERRNO: Family = Family {
    id: "namespaces.clone-errno",
    tab: "namespaces",
    title: "Does this clone() with CLONE_NEW* flags succeed, and if not, with which errno?",
    cards: &["clone-syscall", "the-eight-namespaces"],
    generate: clone_errno,
};

/// "What does getpid() return in this process?"
pub const OWN_PID: Family = Family {
    id: "namespaces.own-pid",
    tab: "namespaces",
    title: "Which PID does this process see for itself (getpid())?",
    cards: &["pid-namespace", "point-of-namespaces"],
    generate: own_pid,
};

/// "Which of these processes shares this one's namespace?"
pub const SHARES_NS: Family = Family {
    id: "namespaces.shares-ns",
    tab: "namespaces",
    title: "Which process is in the same namespace as this one?",
    cards: &["what-is-a-namespace", "net-namespace", "mnt-namespace"],
    generate: shares_ns,
};

/// Draws before a generator gives up (each draw is one cheap `World::apply`).
const ATTEMPTS: usize = 200;

/// A preset's final world: where every question's operation is applied.
fn final_world(preset: Preset) -> World {
    preset.scene().run().last().clone()
}

/// Host PIDs of the live processes.
fn live(world: &World) -> Vec<u32> {
    world.live_processes().map(|process| process.pid).collect()
}

/// One or two namespace types.
fn some_types(dice: &mut Dice) -> NsTypeSet {
    let first = dice.pick(NsType::ALL).unwrap_or(NsType::Net);
    let set = NsTypeSet::of(&[first]);
    if dice.coin() {
        set.with(dice.pick(NsType::ALL).unwrap_or(NsType::Uts))
    } else {
        set
    }
}

/// The words for an outcome: "It succeeds" or the errno with its message.
pub(crate) fn outcome_words(outcome: &Result<(World, Effects), Failure>) -> Option<String> {
    match outcome {
        Ok(_) => Some("It succeeds".to_owned()),
        Err(failure) => failure.errno_value().map(errno_words),
    }
}

fn errno_words(errno: Errno) -> String {
    format!("It fails with {} ({})", errno.name(), errno.message())
}

/// An operation the generator built, with its variants (the same call by other processes, on
/// other targets, with other types) whose outcomes are the distractors.
struct Draw {
    op: Op,
    variants: Vec<Op>,
}

/// Shared shape of the three errno families: draw operations until one has an errno-or-success
/// outcome, then take distractors from its variants' outcomes and the neighbouring errnos.
fn errno_family(
    family: &'static Family,
    seed: u64,
    draw: fn(&mut Dice, &World) -> Option<Draw>,
) -> Result<Instance, GenError> {
    let mut dice = Dice::new(family.id, seed);
    for _ in 0..ATTEMPTS {
        let preset = dice.pick(Preset::ALL).unwrap_or(Preset::Host);
        let world = final_world(preset);
        let Some(Draw { op, variants }) = draw(&mut dice, &world) else {
            continue;
        };
        let outcome = world.apply(&op);
        let Some(answer) = outcome_words(&outcome) else {
            continue;
        };
        let errno = outcome.as_ref().err().and_then(Failure::errno_value);
        let mut distractors: Vec<String> = variants
            .iter()
            .filter_map(|variant| outcome_words(&world.apply(variant)))
            .collect();
        distractors.extend(neighbours(
            ERRNOS,
            errno.and_then(|errno| ERRNOS.iter().position(|e| *e == errno)),
            errno_words,
        ));
        let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
        let steps = preset.scene().steps.len();
        let ops = ops_text(std::slice::from_ref(&op));
        let why_text = match &outcome {
            Ok(_) => format!("{} succeeds.", op.syscall()),
            Err(failure) => format!("{}: {failure}", op.syscall()),
        };
        let caller = world
            .process(op.actor())
            .map(|process| {
                format!(
                    "process {} ({}, uid {})",
                    process.pid, process.command, process.uid
                )
            })
            .unwrap_or_default();
        return Ok(Instance {
            family: family.id,
            seed,
            question: format!(
                "At the end of the \"{}\" scene, {caller} calls {} (the shell's `{}`). What happens?",
                preset.title(),
                op.syscall(),
                op.shell()
            ),
            choices,
            answer: answer_index,
            explanation: why_text,
            at: hiding_future(print_sim(
                preset,
                "",
                None,
                Some(op.actor()),
                steps.saturating_sub(1),
            )),
            why: print_sim(preset, &ops, None, Some(op.actor()), steps),
            pick: None,
        });
    }
    Err(GenError::NoScenario("gave an errno or success"))
}

fn setns_errno(seed: u64) -> Result<Instance, GenError> {
    errno_family(&SETNS_ERRNO, seed, |dice, world| {
        let pids = live(world);
        let pid = dice.pick(&pids)?;
        let target = dice.pick(&pids).filter(|target| *target != pid)?;
        let kinds = some_types(dice);
        let setns = |pid, target, kinds| Op::Setns {
            pid,
            kinds,
            target: SetnsTarget::Process(target),
        };
        let mut variants: Vec<Op> = pids
            .iter()
            .filter(|other| **other != pid && **other != target)
            .map(|other| setns(*other, target, kinds))
            .collect();
        variants.extend(
            NsType::ALL
                .iter()
                .map(|kind| setns(pid, target, NsTypeSet::of(&[*kind]))),
        );
        Some(Draw {
            op: setns(pid, target, kinds),
            variants,
        })
    })
}

fn unshare_errno(seed: u64) -> Result<Instance, GenError> {
    errno_family(&UNSHARE_ERRNO, seed, |dice, world| {
        let pids = live(world);
        let pid = dice.pick(&pids)?;
        let flags = some_types(dice);
        let mut variants: Vec<Op> = pids
            .iter()
            .filter(|other| **other != pid)
            .map(|other| Op::Unshare { pid: *other, flags })
            .collect();
        variants.extend(NsType::ALL.iter().map(|kind| Op::Unshare {
            pid,
            flags: flags.with(*kind),
        }));
        Some(Draw {
            op: Op::Unshare { pid, flags },
            variants,
        })
    })
}

fn clone_errno(seed: u64) -> Result<Instance, GenError> {
    errno_family(&CLONE_ERRNO, seed, |dice, world| {
        let pids = live(world);
        let pid = dice.pick(&pids)?;
        let flags = some_types(dice);
        let clone = |pid, flags| Op::Clone {
            pid,
            flags,
            command: None,
        };
        let mut variants: Vec<Op> = pids
            .iter()
            .filter(|other| **other != pid)
            .map(|other| clone(*other, flags))
            .collect();
        variants.extend(NsType::ALL.iter().map(|kind| clone(pid, flags.with(*kind))));
        variants.push(Op::Unshare { pid, flags });
        Some(Draw {
            op: clone(pid, flags),
            variants,
        })
    })
}

/// "process 1203 (sh)".
fn named(world: &World, pid: u32) -> String {
    world.process(pid).map_or_else(
        || format!("PID {pid}"),
        |p| format!("PID {pid} ({})", p.command),
    )
}

/// A step of a preset's scene and the world before it: the moment a "what happens next?"
/// question is asked at (the scene at step `index - 1`, which has not run it yet).
struct Next<'a> {
    preset: Preset,
    index: usize,
    step: &'a Step,
    before: &'a World,
    after: &'a World,
    /// The scene's end: a link may select only a process that is there.
    last: &'a World,
}

impl Next<'_> {
    /// "In the "docker run" scene, step 3 runs `runc create ...`: clone(...) by process 1301
    /// (containerd-shim)". The step's own label is not quoted: it tells the outcome.
    fn words(&self) -> String {
        format!(
            "In the \"{}\" scene, step {} runs `{}`: {} by {}",
            self.preset.title(),
            // Counted from 1, as the scene's title counts its steps.
            self.index + 1,
            self.step.shell,
            self.step.op.syscall(),
            named(self.before, self.step.op.actor())
        )
    }

    /// The question's scene: before the step, the caller selected (if it is still there at
    /// the scene's end), nothing of the steps ahead.
    fn question_link(&self, filter: Option<NsType>) -> SceneLink {
        let caller = self.step.op.actor();
        let select = self.last.process(caller).map(|_| caller);
        hiding_future(print_sim(self.preset, "", filter, select, self.index - 1))
    }

    /// Whether a process is still there at the scene's end (a link can select it).
    fn lasts(&self, pid: u32) -> bool {
        self.last.process(pid).is_some()
    }
}

/// Step `index` of a preset's scene (not its first: the question shows the scene before it).
fn next_at(preset: Preset, trace: &Trace, index: usize) -> Option<Next<'_>> {
    Some(Next {
        preset,
        index,
        step: trace.steps().get(index)?,
        before: trace.world_after(index.checked_sub(1)?),
        after: trace.world_after(index),
        last: trace.last(),
    })
}

/// Every step of `trace` after its first, as the moment after it.
fn nexts(preset: Preset, trace: &Trace) -> impl Iterator<Item = Next<'_>> {
    (1..trace.len()).filter_map(move |index| next_at(preset, trace, index))
}

/// "What will getpid() return in the process this step creates?", asked before the step runs:
/// after it, the picture shows the process's PIDs (its NSpid column and panel), which is the
/// answer.
fn own_pid(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(OWN_PID.id, seed);
    for _ in 0..ATTEMPTS {
        let preset = dice.pick(Preset::ALL).unwrap_or(Preset::NestedPid);
        let trace = preset.scene().run();
        // Each process a step creates in a PID namespace below the initial one (and that the
        // scene's end still has, so a link can select it), with that step.
        let births: Vec<(usize, u32)> = nexts(preset, &trace)
            .flat_map(|next| {
                next.after
                    .live_processes()
                    .filter(|process| {
                        process.nspid.len() > 1
                            && next.before.process(process.pid).is_none()
                            && next.lasts(process.pid)
                    })
                    .map(|process| (next.index, process.pid))
                    .collect::<Vec<_>>()
            })
            .collect();
        let Some((index, pid)) = dice.pick(&births) else {
            continue;
        };
        let Some(next) = next_at(preset, &trace, index) else {
            continue;
        };
        let Some(process) = next.after.process(pid) else {
            continue;
        };
        let answer = process.own_pid();
        let mut distractors: Vec<String> = process
            .nspid
            .iter()
            .rev()
            .skip(1)
            .map(ToString::to_string)
            .collect();
        let mut others: Vec<String> = next
            .after
            .live_processes()
            .filter(|other| other.pid != pid)
            .map(|other| other.own_pid().to_string())
            .collect();
        dice.shuffle(&mut others);
        distractors.extend(others);
        distractors.push(process.ppid.to_string());
        let (choices, answer_index) = choices(&mut dice, answer.to_string(), distractors)?;
        let levels: Vec<String> = process.nspid.iter().map(ToString::to_string).collect();
        return Ok(Instance {
            family: OWN_PID.id,
            seed,
            question: format!(
                "{}. It creates {} (host PID {pid}). What will getpid() return inside it?",
                next.words(),
                process.command
            ),
            choices,
            answer: answer_index,
            explanation: format!(
                "A process has one PID per PID namespace from the initial one down to its own \
                 (NSpid: {}); getpid() returns the last, the PID in its own namespace \
                 (pid_namespaces(7)).",
                levels.join(" ")
            ),
            at: next.question_link(None),
            why: print_sim(preset, "", None, Some(pid), next.index),
            pick: None,
        });
    }
    Err(GenError::NoScenario(
        "creates a process in a nested PID namespace",
    ))
}

/// The live processes other than `pid` in its namespace of `kind`, and those outside it.
fn partners(world: &World, pid: u32, kind: NsType) -> (Vec<u32>, Vec<u32>) {
    let ns = world.process(pid).map(|process| process.ns(kind));
    world
        .live_processes()
        .filter(|other| other.pid != pid)
        .map(|other| other.pid)
        .partition(|other| world.process(*other).map(|p| p.ns(kind)) == ns)
}

/// "After this step, which process shares this one's namespace?", asked before the step runs,
/// about a process whose namespace of that type the step changes (or that the step creates): the
/// picture before it shows the old memberships, not the answer.
fn shares_ns(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(SHARES_NS.id, seed);
    for _ in 0..ATTEMPTS {
        let preset = dice.pick(Preset::ALL).unwrap_or(Preset::DockerRun);
        let trace = preset.scene().run();
        // Each (step, type, process) where the step moves a process (that the scene's end still
        // has) into another namespace of that type, or creates it, and afterwards some process
        // shares that namespace and some does not.
        let mut asked: Vec<(usize, NsType, u32)> = Vec::new();
        for next in nexts(preset, &trace) {
            for kind in NsType::ALL {
                for process in next.after.live_processes() {
                    let then = next.before.process(process.pid).map(|p| p.ns(*kind));
                    if next.lasts(process.pid) && then != Some(process.ns(*kind)) {
                        let (sharing, apart) = partners(next.after, process.pid, *kind);
                        if !sharing.is_empty() && !apart.is_empty() {
                            asked.push((next.index, *kind, process.pid));
                        }
                    }
                }
            }
        }
        let Some((index, kind, pid)) = dice.pick(&asked) else {
            continue;
        };
        let Some(next) = next_at(preset, &trace, index) else {
            continue;
        };
        let world = next.after;
        let (sharing, apart) = partners(world, pid, kind);
        let Some(right) = dice.pick(&sharing) else {
            continue;
        };
        let mut distractors: Vec<String> = apart.iter().map(|other| named(world, *other)).collect();
        dice.shuffle(&mut distractors);
        let (choices, answer_index) = choices(&mut dice, named(world, right), distractors)?;
        let subject = if next.before.process(pid).is_some() {
            named(world, pid)
        } else {
            format!("the new {}", named(world, pid))
        };
        return Ok(Instance {
            family: SHARES_NS.id,
            seed,
            question: format!(
                "{}. Afterwards, which of these processes is in the same {} namespace as {}?",
                next.words(),
                kind.title(),
                subject
            ),
            choices,
            answer: answer_index,
            explanation: format!(
                "Two processes share a namespace exactly when their /proc/PID/ns/{} links name \
                 the same namespace (namespaces(7)); clone() and fork() children start in their \
                 parent's namespaces unless a CLONE_NEW* flag makes new ones, unshare() moves \
                 the caller into new ones and setns() into another process's.",
                kind.slug()
            ),
            at: next.question_link(Some(kind)),
            why: print_sim(preset, "", Some(kind), Some(pid), next.index),
            pick: None,
        });
    }
    Err(GenError::NoScenario("changes who shares a namespace"))
}
