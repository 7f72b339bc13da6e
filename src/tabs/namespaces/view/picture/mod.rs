//! What the simulator canvas shows at one step, as plain data: process rows, namespace trees,
//! the operation and the "view from inside" panel.
//!
//! Built once per (trace, step, selection, filter) and drawn every frame, so drawing only paints
//! and lays out text; and the content is testable without egui.

use std::collections::{BTreeMap, BTreeSet};

use crate::tabs::namespaces::model::{
    Effects, Failure, Namespace, NsData, NsId, NsType, ProcState, Process, Step, World,
};
use crate::tabs::namespaces::scene::{Palette, Sim};

mod inside;

use inside::panel;
pub use inside::{Inside, Panel};

/// A namespace's short name: the last four digits of its inode number, as in the tags.
pub fn short_id(id: NsId) -> String {
    format!("{:04}", id.0 % 10_000)
}

/// `pid:[4026531836]`, as `readlink /proc/PID/ns/pid` prints it.
pub fn full_id(kind: NsType, id: NsId) -> String {
    format!("{}:[{id}]", kind.slug())
}

/// The accessible label of a process row.
pub fn process_label(pid: u32, command: &str) -> String {
    format!("Process {pid} {command}")
}

/// The accessible label of a namespace node.
pub fn namespace_label(kind: NsType, id: NsId) -> String {
    format!("{} namespace {id}", kind.slug())
}

/// The current operation and what it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpLine {
    /// `$ unshare --net`.
    pub shell: String,
    /// `unshare(CLONE_NEWNET)`.
    pub syscall: String,
    /// `process 1302 (sh)`.
    pub actor: String,
    /// What changed, or the errno and why.
    pub outcome: Outcome,
}

/// How an operation ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It returned success; what it changed.
    Ok(String),
    /// It failed: `EPERM (Operation not permitted)` or `not possible`, and the rule.
    Failed {
        /// The errno with its message, or "not possible".
        error: String,
        /// The rule that refused it.
        reason: String,
    },
}

/// One namespace tag on a process row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Badge {
    /// The namespace.
    pub id: NsId,
    /// Colour slot.
    pub slot: usize,
    /// Created by the current step.
    pub new: bool,
}

/// One process in the process tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcRow {
    /// Host PID.
    pub pid: u32,
    /// Depth in the process tree.
    pub depth: usize,
    /// Command name.
    pub command: String,
    /// PID per level (NSpid) with the colour slot of that level's PID namespace.
    pub nspid: Vec<(u32, usize)>,
    /// One tag per shown type.
    pub badges: Vec<Badge>,
    /// Whether it is running (a row of a process that died in this step is shown once more).
    pub alive: bool,
    /// Selected by the student.
    pub selected: bool,
    /// The caller of the current step's operation.
    pub actor: bool,
    /// Created by the current step.
    pub new: bool,
    /// A word about its state: exited, killed, children in another PID namespace.
    pub note: Option<String>,
    /// Accessible label.
    pub label: String,
}

/// One namespace node in a type's tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NsNode {
    /// The namespace.
    pub id: NsId,
    /// Parent (PID and user namespaces), if shown.
    pub parent: Option<NsId>,
    /// Nesting level (0 for flat types).
    pub level: u32,
    /// Colour slot.
    pub slot: usize,
    /// Live member processes.
    pub nprocs: usize,
    /// Created by the current step.
    pub new: bool,
    /// The selected process is a member.
    pub of_selected: bool,
    /// The lowest member PID, selected when the node is clicked.
    pub first_member: Option<u32>,
    /// A short remark ("init exited", "for children of 1300").
    pub note: Option<String>,
    /// Accessible label.
    pub label: String,
    /// Hover text: full id, owner, parent, creator.
    pub detail: String,
}

/// The namespaces of one type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NsBlock {
    /// The type.
    pub kind: NsType,
    /// Nodes in tree order (parents before children).
    pub nodes: Vec<NsNode>,
}

/// Everything the simulator canvas shows at one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// Preset and position.
    pub title: String,
    /// The step's sentence.
    pub caption: String,
    /// The step's operation.
    pub op: Option<OpLine>,
    /// The types shown (all, or the filter).
    pub types: Vec<NsType>,
    /// The process tree, depth first.
    pub rows: Vec<ProcRow>,
    /// One tree per shown type.
    pub blocks: Vec<NsBlock>,
    /// The selected process from inside.
    pub panel: Panel,
}

/// Builds the picture of the simulator's current state.
pub fn build(sim: &Sim) -> Picture {
    let world = sim.world();
    let step = sim.current();
    let palette = sim.palette();
    let types: Vec<NsType> = match sim.filter {
        Some(kind) => vec![kind],
        None => NsType::ALL.to_vec(),
    };
    let effects = step.and_then(|step| step.outcome.as_ref().ok());
    let new_ns: BTreeSet<NsId> = effects
        .map(|effects| effects.new_namespaces.iter().copied().collect())
        .unwrap_or_default();
    let new_process = effects.and_then(|effects| effects.new_process);
    let actor = step.map(|step| step.op.actor());

    let position = match sim.trace().len() {
        0 => "no steps".to_owned(),
        len => {
            let index = sim.step();
            let mine = if index >= sim.preset_len() {
                " (your operation)"
            } else {
                ""
            };
            format!("step {} of {len}{mine}", index + 1)
        }
    };
    let context = RowContext {
        world,
        palette,
        types: &types,
        new_ns: &new_ns,
        new_process,
        actor,
        select: sim.select,
        died: died_in(step),
    };
    Picture {
        title: format!("{}: {position}", sim.preset().title()),
        caption: step.map_or_else(
            || sim.preset().description().to_owned(),
            |step| step.label.clone(),
        ),
        op: step.map(|step| op_line(world, step)),
        rows: rows(&context),
        blocks: types
            .iter()
            .map(|kind| block(world, palette, *kind, &new_ns, sim.select))
            .collect(),
        panel: match sim.select {
            Some(pid) => panel(world, pid, true),
            None => {
                let subject = new_process
                    .into_iter()
                    .chain(actor)
                    .find(|pid| world.process(*pid).is_some_and(Process::is_alive));
                match subject {
                    Some(pid) => panel(world, pid, false),
                    None => Panel::Hint(
                        "Click a process to see what it sees from inside: its PIDs, hostname, \
                         interfaces, mounts and ps"
                            .to_owned(),
                    ),
                }
            }
        },
        types,
    }
}

/// Host PIDs of the processes the step ended (shown once more, marked).
fn died_in(step: Option<&Step>) -> BTreeSet<u32> {
    let Some(step) = step else {
        return BTreeSet::new();
    };
    let Ok(effects) = &step.outcome else {
        return BTreeSet::new();
    };
    let mut died: BTreeSet<u32> = effects.killed.iter().copied().collect();
    if let crate::tabs::namespaces::model::Op::Exit { pid } = step.op {
        died.insert(pid);
    }
    died
}

fn op_line(world: &World, step: &Step) -> OpLine {
    let actor_pid = step.op.actor();
    let actor = match world.process(actor_pid) {
        Some(process) => format!("process {actor_pid} ({})", process.command),
        None => format!("process {actor_pid}"),
    };
    let outcome = match &step.outcome {
        Ok(effects) => Outcome::Ok(effects_text(world, effects)),
        Err(Failure::Errno { errno, why }) => Outcome::Failed {
            error: errno.to_string(),
            reason: why.clone(),
        },
        Err(Failure::Impossible { why }) => Outcome::Failed {
            error: "not possible".to_owned(),
            reason: why.clone(),
        },
    };
    OpLine {
        shell: format!("$ {}", step.shell),
        syscall: step.op.syscall(),
        actor,
        outcome,
    }
}

fn effects_text(world: &World, effects: &Effects) -> String {
    let mut parts = Vec::new();
    if let Some(child) = effects.new_process {
        let command = world
            .process(child)
            .map_or(String::new(), |process| format!(" ({})", process.command));
        parts.push(format!("new process {child}{command}"));
    }
    if !effects.new_namespaces.is_empty() {
        let names: Vec<String> = effects
            .new_namespaces
            .iter()
            .filter_map(|id| {
                let kind = world.namespace(*id)?.kind();
                Some(format!("{} {}", kind.slug(), short_id(*id)))
            })
            .collect();
        parts.push(format!("new namespaces: {}", names.join(", ")));
    }
    if !effects.killed.is_empty() {
        let pids: Vec<String> = effects.killed.iter().map(u32::to_string).collect();
        parts.push(format!("the kernel SIGKILLs {}", pids.join(", ")));
    }
    if parts.is_empty() {
        "returned 0".to_owned()
    } else {
        format!("returned 0: {}", parts.join("; "))
    }
}

struct RowContext<'a> {
    world: &'a World,
    palette: &'a Palette,
    types: &'a [NsType],
    new_ns: &'a BTreeSet<NsId>,
    new_process: Option<u32>,
    actor: Option<u32>,
    select: Option<u32>,
    died: BTreeSet<u32>,
}

fn rows(context: &RowContext<'_>) -> Vec<ProcRow> {
    let shown: Vec<&Process> = context
        .world
        .processes()
        .filter(|process| process.is_alive() || context.died.contains(&process.pid))
        .collect();
    let shown_pids: BTreeSet<u32> = shown.iter().map(|process| process.pid).collect();
    let mut children: BTreeMap<u32, Vec<&Process>> = BTreeMap::new();
    let mut roots = Vec::new();
    for process in &shown {
        if process.ppid != process.pid && shown_pids.contains(&process.ppid) {
            children.entry(process.ppid).or_default().push(process);
        } else {
            roots.push(*process);
        }
    }
    let mut out = Vec::with_capacity(shown.len());
    let mut stack: Vec<(&Process, usize)> = roots.into_iter().rev().map(|p| (p, 0)).collect();
    while let Some((process, depth)) = stack.pop() {
        out.push(row(context, process, depth));
        if let Some(kids) = children.get(&process.pid) {
            stack.extend(kids.iter().rev().map(|kid| (*kid, depth + 1)));
        }
    }
    out
}

fn row(context: &RowContext<'_>, process: &Process, depth: usize) -> ProcRow {
    let world = context.world;
    let chain = world.pid_chain(process.ns(NsType::Pid));
    let nspid = process
        .nspid
        .iter()
        .enumerate()
        .map(|(level, pid)| {
            let slot = chain.get(level).map_or(0, |id| context.palette.slot(*id));
            (*pid, slot)
        })
        .collect();
    let badges = context
        .types
        .iter()
        .map(|kind| {
            let id = process.ns(*kind);
            Badge {
                id,
                slot: context.palette.slot(id),
                new: context.new_ns.contains(&id),
            }
        })
        .collect();
    let note = match process.state {
        ProcState::Exited => Some("exited".to_owned()),
        ProcState::Killed { init_of } => Some(format!(
            "killed: the init of pid {} exited",
            short_id(init_of)
        )),
        ProcState::Running if process.pid_for_children != process.ns(NsType::Pid) => Some(format!(
            "children go to pid {}",
            short_id(process.pid_for_children)
        )),
        ProcState::Running => None,
    };
    ProcRow {
        pid: process.pid,
        depth,
        command: process.command.clone(),
        nspid,
        badges,
        alive: process.is_alive(),
        selected: context.select == Some(process.pid),
        actor: context.actor == Some(process.pid),
        new: context.new_process == Some(process.pid),
        note,
        label: process_label(process.pid, &process.command),
    }
}

fn block(
    world: &World,
    palette: &Palette,
    kind: NsType,
    new_ns: &BTreeSet<NsId>,
    select: Option<u32>,
) -> NsBlock {
    let alive = world.alive_namespaces();
    let selected_ns = select
        .and_then(|pid| world.process(pid))
        .filter(|process| process.is_alive())
        .map(|process| process.ns(kind));
    let shown: Vec<&Namespace> = world
        .namespaces_of(kind)
        .filter(|namespace| alive.contains(&namespace.id))
        .collect();
    // Parents before children: depth first from the roots, children in id order.
    let ids: BTreeSet<NsId> = shown.iter().map(|namespace| namespace.id).collect();
    let mut nodes = Vec::with_capacity(shown.len());
    let mut stack: Vec<&Namespace> = shown
        .iter()
        .filter(|namespace| namespace.parent.is_none_or(|parent| !ids.contains(&parent)))
        .rev()
        .copied()
        .collect();
    while let Some(namespace) = stack.pop() {
        nodes.push(node(world, palette, namespace, new_ns, selected_ns));
        stack.extend(
            shown
                .iter()
                .rev()
                .filter(|child| child.parent == Some(namespace.id))
                .copied(),
        );
    }
    NsBlock { kind, nodes }
}

fn node(
    world: &World,
    palette: &Palette,
    namespace: &Namespace,
    new_ns: &BTreeSet<NsId>,
    selected_ns: Option<NsId>,
) -> NsNode {
    let kind = namespace.kind();
    let members = world.members(namespace.id);
    let owned = match namespace.data {
        NsData::User { .. } if namespace.parent.is_some() => world
            .alive_namespaces()
            .iter()
            .filter(|id| world.namespace(**id).and_then(|ns| ns.owner) == Some(namespace.id))
            .count(),
        _ => 0,
    };
    let note = match &namespace.data {
        NsData::Pid {
            init_exited: true, ..
        } => Some("init exited".to_owned()),
        NsData::User { .. } if owned > 0 => Some(format!("owns {owned}")),
        _ if members.is_empty() => world
            .live_processes()
            .find(|process| {
                process.pid_for_children == namespace.id
                    || process.time_for_children == namespace.id
            })
            .map(|process| format!("for children of {}", process.pid))
            .or_else(|| Some("kept by a mount".to_owned())),
        _ => None,
    };
    let mut detail = format!(
        "{}: {} ({}), {} member process(es)",
        full_id(kind, namespace.id),
        kind.title(),
        kind.clone_flag(),
        members.len()
    );
    if let Some(parent) = namespace.parent {
        detail.push_str(&format!("; parent {}", short_id(parent)));
    }
    if let Some(owner) = namespace.owner {
        detail.push_str(&format!("; owned by user {}", short_id(owner)));
    }
    match namespace.creator {
        Some(creator) => detail.push_str(&format!("; created by process {creator}")),
        None => detail.push_str("; an initial namespace"),
    }
    NsNode {
        id: namespace.id,
        parent: namespace.parent,
        level: namespace.level,
        slot: palette.slot(namespace.id),
        nprocs: members.len(),
        new: new_ns.contains(&namespace.id),
        of_selected: selected_ns == Some(namespace.id),
        first_member: members.first().copied(),
        note,
        label: namespace_label(kind, namespace.id),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::SceneLink;
    use crate::tabs::namespaces::model::Preset;

    fn picture(text: &str) -> Picture {
        let link = SceneLink::parse(text).unwrap();
        let crate::tabs::namespaces::link::Spec::Sim(spec) =
            crate::tabs::namespaces::link::parse(&link).unwrap()
        else {
            panic!("simulator link");
        };
        build(&Sim::open(spec, &link).unwrap())
    }

    #[test]
    fn docker_run_clone_shows_the_new_process_in_six_new_namespaces() {
        let picture = picture("namespaces?preset=docker-run&step=clone&select=1302");
        let op = picture.op.as_ref().unwrap();
        assert!(
            op.syscall.starts_with("clone(CLONE_NEWNS"),
            "{}",
            op.syscall
        );
        assert!(op.actor.contains("1301"), "{}", op.actor);
        let Outcome::Ok(text) = &op.outcome else {
            panic!("clone succeeds");
        };
        assert!(text.contains("new process 1302"), "{text}");
        let child = picture.rows.iter().find(|row| row.pid == 1302).unwrap();
        assert!(child.new && child.selected);
        assert_eq!(
            child.nspid.iter().map(|(pid, _)| *pid).collect::<Vec<_>>(),
            [1302, 1]
        );
        // mnt, pid, net, ipc, uts and cgroup (Docker 20.10+ on cgroup v2; domain.md section 2).
        assert_eq!(child.badges.iter().filter(|badge| badge.new).count(), 6);
        let parent = picture.rows.iter().find(|row| row.pid == 1301).unwrap();
        assert!(parent.actor);
        assert_eq!(child.depth, parent.depth + 1);
        let pid_block = &picture.blocks[NsType::Pid.index()];
        assert_eq!(pid_block.nodes.len(), 2);
        assert_eq!(pid_block.nodes[1].parent, Some(pid_block.nodes[0].id));
        assert!(pid_block.nodes[1].new && pid_block.nodes[1].of_selected);
        let Panel::Inside(inside) = &picture.panel else {
            panic!("inside view");
        };
        assert!(inside.facts[0].1.starts_with("1 inside; NSpid 1302 1"));
        assert!(
            inside.ps_title.contains("not its own"),
            "/proc is the host's until it is remounted: {}",
            inside.ps_title
        );
    }

    #[test]
    fn failures_carry_the_errno_and_the_rule() {
        let picture = picture("namespaces?preset=host&step=sethostname");
        let Some(OpLine {
            outcome: Outcome::Failed { error, reason },
            ..
        }) = &picture.op
        else {
            panic!("sethostname fails as uid 1000");
        };
        assert!(
            error.starts_with("EPERM (Operation not permitted)"),
            "{error}"
        );
        assert!(!reason.is_empty());
    }

    #[test]
    fn the_filter_keeps_one_type_and_nested_pids_show_three_levels() {
        let last = Sim::new(Preset::NestedPid).trace().len() - 1;
        let picture = picture(&format!(
            "namespaces?preset=nested-pid&filter=pid&select=5371&step={last}"
        ));
        assert_eq!(picture.types, [NsType::Pid]);
        assert_eq!(picture.blocks.len(), 1);
        let row = picture.rows.iter().find(|row| row.pid == 5371).unwrap();
        assert_eq!(
            row.nspid.iter().map(|(pid, _)| *pid).collect::<Vec<_>>(),
            [5371, 4, 1]
        );
        assert_eq!(row.badges.len(), 1);
        let levels: Vec<u32> = picture.blocks[0].nodes.iter().map(|n| n.level).collect();
        assert_eq!(levels, [0, 1, 2]);
    }

    #[test]
    fn unshare_without_fork_marks_the_pending_pid_namespace() {
        let picture = picture("namespaces?preset=unshare-no-fork&step=unshare");
        let caller = picture.rows.iter().find(|row| row.pid == 1300).unwrap();
        assert!(
            caller
                .note
                .as_deref()
                .is_some_and(|note| note.starts_with("children go to pid")),
            "{:?}",
            caller.note
        );
        let pid_nodes = &picture.blocks[NsType::Pid.index()].nodes;
        assert_eq!(pid_nodes[1].nprocs, 0);
        assert_eq!(pid_nodes[1].note.as_deref(), Some("for children of 1300"));
        let picture = self::picture("namespaces?preset=unshare-no-fork&step=fork-3");
        let Some(OpLine {
            outcome: Outcome::Failed { error, .. },
            ..
        }) = &picture.op
        else {
            panic!("the second fork fails");
        };
        assert!(error.starts_with("ENOMEM"), "{error}");
        let pid_nodes = &picture.blocks[NsType::Pid.index()].nodes;
        assert_eq!(pid_nodes[1].note.as_deref(), Some("init exited"));
    }

    #[test]
    fn a_rootless_user_namespace_owns_the_others() {
        let picture = picture("namespaces?preset=rootless&step=5");
        let users = &picture.blocks[NsType::User.index()].nodes;
        assert_eq!(users.len(), 2);
        assert_eq!(users[1].note.as_deref(), Some("owns 5"));
        assert!(
            users[1].detail.contains("parent 1837"),
            "{}",
            users[1].detail
        );
    }

    #[test]
    fn a_killed_process_is_shown_once_with_the_reason() {
        let picture = picture("namespaces?preset=nsenter&step=exit");
        let killed = picture
            .rows
            .iter()
            .find(|row| !row.alive && row.pid != 1302);
        let killed = killed.expect("nsenter's sh is killed with the container");
        assert!(
            killed
                .note
                .as_deref()
                .is_some_and(|n| n.starts_with("killed")),
            "{:?}",
            killed.note
        );
    }

    #[test]
    fn the_hint_explains_missing_or_unselected_processes() {
        let picture = picture("namespaces?preset=docker-run&step=0&select=1302");
        let Panel::Hint(text) = &picture.panel else {
            panic!("1302 does not exist at step 0");
        };
        assert!(text.contains("does not exist yet"), "{text}");
        let picture = self::picture("namespaces?preset=docker-run&step=clone");
        let Panel::Inside(inside) = &picture.panel else {
            panic!("without a selection, the step's new process is shown");
        };
        assert!(
            inside
                .heading
                .starts_with("Inside process 1302 (runc-init), this step's")
        );
    }
}
