//! This machine's namespaces grouped for drawing: one row per namespace with its process count
//! and commonest commands, in lsns order (PID and user namespaces as trees).
//!
//! A machine may run thousands of processes, so the view never draws processes one by one: it
//! draws these groups, computed once per refresh, a page at a time.

use std::collections::{BTreeMap, BTreeSet};

use crate::tabs::namespaces::live::{
    LiveProcess, LiveSnapshot, Relation, UnreadablePart, UnreadableReason,
};
use crate::tabs::namespaces::model::NsType;

/// The accessible label of a live namespace row.
pub fn live_label(kind: NsType, id: u64) -> String {
    format!("{} namespace {id}", kind.slug())
}

/// One namespace of this machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveGroup {
    /// Inode number.
    pub id: u64,
    /// Type.
    pub kind: NsType,
    /// Depth in its tree (PID and user namespaces; 0 otherwise).
    pub depth: usize,
    /// Member processes (lsns NPROCS).
    pub nprocs: usize,
    /// Lowest member PID (lsns PID).
    pub pid: Option<u32>,
    /// Its user (lsns USER).
    pub user: String,
    /// The commonest commands of the members, e.g. `bash ×3, sshd ×2`.
    pub commands: String,
    /// Whether the reading process (this app) is a member.
    pub mine: bool,
    /// Parent and owner, in words.
    pub relations: String,
    /// Accessible label.
    pub label: String,
}

/// A row of the list: a type heading or a namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowRef {
    /// The heading of a type's namespaces.
    Heading(NsType),
    /// A namespace: index into that type's groups.
    Group(NsType, usize),
}

/// Everything the live view draws, computed once per refresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveSummary {
    /// The raw data.
    pub snapshot: LiveSnapshot,
    /// Namespaces per type, in [`NsType::ALL`] order.
    pub groups: Vec<Vec<LiveGroup>>,
    /// Processes read.
    pub processes: usize,
    /// Of which kernel threads.
    pub kernel_threads: usize,
    /// One line per unreadable group.
    pub unreadable: Vec<String>,
    /// Processes that could not be (fully) read.
    pub unreadable_total: usize,
}

impl LiveSummary {
    /// Groups a snapshot read by process `me` (its PID as the snapshot shows it).
    pub fn of(snapshot: LiveSnapshot, me: u32) -> Self {
        let mut commands: BTreeMap<(NsType, u64), BTreeMap<&str, usize>> = BTreeMap::new();
        let mut mine: BTreeSet<(NsType, u64)> = BTreeSet::new();
        for process in &snapshot.processes {
            for (kind, id) in &process.namespaces {
                *commands
                    .entry((*kind, *id))
                    .or_default()
                    .entry(process.name.as_str())
                    .or_default() += 1;
                if process.pid == me {
                    mine.insert((*kind, *id));
                }
            }
        }
        let groups = NsType::ALL
            .iter()
            .map(|kind| {
                let mut groups: Vec<LiveGroup> = snapshot
                    .namespaces
                    .iter()
                    .filter(|namespace| namespace.kind == *kind)
                    .map(|namespace| LiveGroup {
                        id: namespace.id,
                        kind: *kind,
                        depth: 0,
                        nprocs: namespace.nprocs,
                        pid: namespace.pid,
                        user: namespace
                            .user
                            .clone()
                            .or_else(|| namespace.uid.map(|uid| uid.to_string()))
                            .unwrap_or_default(),
                        commands: top_commands(commands.get(&(*kind, namespace.id))),
                        mine: mine.contains(&(*kind, namespace.id)),
                        relations: relations(namespace.parent, namespace.owner, *kind),
                        label: live_label(*kind, namespace.id),
                    })
                    .collect();
                if kind.is_hierarchical() {
                    let parents: BTreeMap<u64, Relation> = snapshot
                        .namespaces
                        .iter()
                        .filter(|namespace| namespace.kind == *kind)
                        .map(|namespace| (namespace.id, namespace.parent))
                        .collect();
                    groups = tree_order(groups, &parents);
                }
                groups
            })
            .collect();
        let unreadable = snapshot
            .unreadable
            .iter()
            .map(|group| {
                let reason = match group.reason {
                    UnreadableReason::PermissionDenied => "permission denied",
                    UnreadableReason::Vanished => "exited while being read",
                    UnreadableReason::Exited => "zombies (only user and pid links remain)",
                    UnreadableReason::Other => "other errors",
                };
                let part = match group.part {
                    UnreadablePart::Process => "not listed",
                    UnreadablePart::Namespaces => "listed, namespaces unknown",
                };
                format!("{} × {reason} ({part})", group.count)
            })
            .collect();
        Self {
            processes: snapshot.processes.len(),
            kernel_threads: snapshot
                .processes
                .iter()
                .filter(|process| process.kernel_thread)
                .count(),
            unreadable,
            unreadable_total: snapshot.unreadable_count(),
            groups,
            snapshot,
        }
    }

    /// The groups of one type.
    pub fn of_type(&self, kind: NsType) -> &[LiveGroup] {
        self.groups.get(kind.index()).map_or(&[], Vec::as_slice)
    }

    /// A group by row reference.
    pub fn group(&self, row: RowRef) -> Option<&LiveGroup> {
        match row {
            RowRef::Heading(_) => None,
            RowRef::Group(kind, index) => self.of_type(kind).get(index),
        }
    }

    /// The rows of the list for a filter: each shown type's heading, then its namespaces.
    pub fn rows(&self, filter: Option<NsType>) -> Vec<RowRef> {
        let types: Vec<NsType> = match filter {
            Some(kind) => vec![kind],
            None => NsType::ALL.to_vec(),
        };
        let mut rows = Vec::new();
        for kind in types {
            rows.push(RowRef::Heading(kind));
            rows.extend((0..self.of_type(kind).len()).map(|index| RowRef::Group(kind, index)));
        }
        rows
    }

    /// A process by PID.
    pub fn process(&self, pid: u32) -> Option<&LiveProcess> {
        self.snapshot
            .processes
            .binary_search_by_key(&pid, |process| process.pid)
            .ok()
            .and_then(|index| self.snapshot.processes.get(index))
    }
}

fn top_commands(counts: Option<&BTreeMap<&str, usize>>) -> String {
    let Some(counts) = counts else {
        return String::new();
    };
    let mut sorted: Vec<(&str, usize)> = counts.iter().map(|(name, n)| (*name, *n)).collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut parts: Vec<String> = sorted
        .iter()
        .take(3)
        .map(|(name, count)| match count {
            1 => (*name).to_owned(),
            n => format!("{name} ×{n}"),
        })
        .collect();
    if sorted.len() > 3 {
        parts.push(format!("+{} more", sorted.len() - 3));
    }
    parts.join(", ")
}

fn relation_text(relation: Relation) -> Option<String> {
    match relation {
        Relation::Ns(id) => Some(id.to_string()),
        Relation::None => None,
        Relation::Hidden => Some("hidden".to_owned()),
        Relation::Unavailable => Some("unknown".to_owned()),
    }
}

fn relations(parent: Relation, owner: Relation, kind: NsType) -> String {
    let mut parts = Vec::new();
    if kind.is_hierarchical()
        && let Some(parent) = relation_text(parent)
    {
        parts.push(format!("parent {parent}"));
    }
    if let Some(owner) = relation_text(owner) {
        parts.push(format!("owner {owner}"));
    }
    parts.join(", ")
}

/// Parents before children, depth first, siblings by id.
fn tree_order(groups: Vec<LiveGroup>, parents: &BTreeMap<u64, Relation>) -> Vec<LiveGroup> {
    let ids: BTreeSet<u64> = groups.iter().map(|group| group.id).collect();
    let parent_of = |id: u64| match parents.get(&id) {
        Some(Relation::Ns(parent)) if ids.contains(parent) && *parent != id => Some(*parent),
        _ => None,
    };
    let mut children: BTreeMap<Option<u64>, Vec<LiveGroup>> = BTreeMap::new();
    for group in groups {
        children.entry(parent_of(group.id)).or_default().push(group);
    }
    let mut out = Vec::with_capacity(ids.len());
    let mut stack: Vec<(LiveGroup, usize)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|group| (group, 0))
        .collect();
    while let Some((mut group, depth)) = stack.pop() {
        group.depth = depth;
        if let Some(kids) = children.remove(&Some(group.id)) {
            stack.extend(kids.into_iter().rev().map(|kid| (kid, depth + 1)));
        }
        out.push(group);
    }
    // Anything left sits in a parent cycle (impossible in a real kernel); keep it visible.
    out.extend(children.into_values().flatten());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::namespaces::live::{LiveNamespace, Unreadable};

    fn process(pid: u32, name: &str, ns: &[(NsType, u64)]) -> LiveProcess {
        LiveProcess {
            pid,
            ppid: 0,
            name: name.to_owned(),
            command: name.to_owned(),
            uid: 0,
            user: Some("root".to_owned()),
            nspid: vec![pid],
            kernel_thread: false,
            namespaces: ns.iter().copied().collect(),
            pid_for_children: None,
            time_for_children: None,
        }
    }

    fn namespace(id: u64, kind: NsType, nprocs: usize, parent: Relation) -> LiveNamespace {
        LiveNamespace {
            id,
            kind,
            device: Some(4),
            link: format!("{}:[{id}]", kind.slug()),
            nprocs,
            pid: Some(1),
            uid: Some(0),
            user: Some("root".to_owned()),
            command: Some("init".to_owned()),
            parent,
            owner: Relation::Hidden,
        }
    }

    /// A machine of `count` processes: most in the initial namespaces, every tenth in its own
    /// mount namespace, and one nested PID namespace.
    fn machine(count: u32) -> LiveSnapshot {
        let mut processes = Vec::new();
        let mut namespaces = vec![
            namespace(100, NsType::Pid, 0, Relation::Hidden),
            namespace(101, NsType::Pid, 0, Relation::Ns(100)),
            namespace(200, NsType::Mnt, 0, Relation::None),
        ];
        for pid in 1..=count {
            let mnt = if pid % 10 == 0 {
                1000 + u64::from(pid)
            } else {
                200
            };
            let pid_ns = if pid == count { 101 } else { 100 };
            let name = if pid % 2 == 0 { "worker" } else { "bash" };
            processes.push(process(
                pid,
                name,
                &[(NsType::Mnt, mnt), (NsType::Pid, pid_ns)],
            ));
            if mnt != 200 {
                namespaces.push(namespace(mnt, NsType::Mnt, 1, Relation::None));
            }
        }
        namespaces.sort_by_key(|namespace| namespace.id);
        LiveSnapshot {
            namespaces,
            processes,
            unreadable: vec![Unreadable {
                reason: UnreadableReason::PermissionDenied,
                part: UnreadablePart::Namespaces,
                count: 3,
                pids: vec![7, 8, 9],
            }],
        }
    }

    #[test]
    fn groups_count_commands_and_order_trees() {
        let summary = LiveSummary::of(machine(1000), 1);
        assert_eq!(summary.processes, 1000);
        assert_eq!(summary.of_type(NsType::Mnt).len(), 101);
        let pids = summary.of_type(NsType::Pid);
        assert_eq!(
            pids.iter().map(|g| (g.id, g.depth)).collect::<Vec<_>>(),
            [(100, 0), (101, 1)]
        );
        let initial_mnt = &summary.of_type(NsType::Mnt)[0];
        assert!(initial_mnt.mine);
        assert!(!summary.of_type(NsType::Mnt)[1].mine);
        assert_eq!(initial_mnt.commands, "bash ×500, worker ×400");
        assert_eq!(summary.unreadable_total, 3);
        assert_eq!(
            summary.unreadable,
            ["3 × permission denied (listed, namespaces unknown)"]
        );
        assert_eq!(summary.process(500).map(|p| p.pid), Some(500));
    }

    #[test]
    fn rows_follow_the_filter() {
        let summary = LiveSummary::of(machine(20), 1);
        let rows = summary.rows(Some(NsType::Pid));
        assert_eq!(
            rows,
            [
                RowRef::Heading(NsType::Pid),
                RowRef::Group(NsType::Pid, 0),
                RowRef::Group(NsType::Pid, 1)
            ]
        );
        let all = summary.rows(None);
        assert_eq!(all.len(), 8 + 2 + 3);
        assert_eq!(
            summary.group(RowRef::Group(NsType::Pid, 1)).map(|g| g.id),
            Some(101)
        );
    }
}
