//! Turning per-process records into namespaces: counts, lowest PID, relations, failures.
//!
//! Pure, so the bookkeeping (lsns's NPROCS/PID/USER/COMMAND columns, the unreadable report) is
//! tested without a live system; the Linux reader only gathers the records.

use std::collections::BTreeMap;

use super::super::model::NsType;
use super::types::{
    LiveNamespace, LiveProcess, LiveSnapshot, Relation, Unreadable, UnreadablePart,
    UnreadableReason,
};

/// One process as read, before grouping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcRecord {
    /// The process (its `namespaces` map is filled from `links` by [`assemble`]).
    pub process: LiveProcess,
    /// The namespace ids read from its `/proc/PID/ns/<type>` links.
    pub links: BTreeMap<NsType, u64>,
}

/// A process or part of one that could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failed {
    /// Its PID.
    pub pid: u32,
    /// Why.
    pub reason: UnreadableReason,
    /// What was lost.
    pub part: UnreadablePart,
}

/// What the ioctls found about one namespace (a member namespace, or an ancestor or owner
/// known only through them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Namespace id.
    pub id: u64,
    /// Its type.
    pub kind: NsType,
    /// `st_dev` of its nsfs inode, when a handle on it could be opened.
    pub device: Option<u64>,
    /// `NS_GET_PARENT`.
    pub parent: Relation,
    /// `NS_GET_USERNS`.
    pub owner: Relation,
}

/// The member processes of one namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Its type.
    pub kind: NsType,
    /// Member PIDs, ascending.
    pub pids: Vec<u32>,
}

/// Namespaces with at least one readable member, by id.
pub fn group_members(records: &[ProcRecord]) -> BTreeMap<u64, Group> {
    let mut groups: BTreeMap<u64, Group> = BTreeMap::new();
    for record in records {
        for (kind, id) in &record.links {
            groups
                .entry(*id)
                .or_insert_with(|| Group {
                    kind: *kind,
                    pids: Vec::new(),
                })
                .pids
                .push(record.process.pid);
        }
    }
    for group in groups.values_mut() {
        group.pids.sort_unstable();
    }
    groups
}

/// Builds the snapshot from what was read.
pub fn assemble(
    records: Vec<ProcRecord>,
    failures: &[Failed],
    related: &[Related],
) -> LiveSnapshot {
    let groups = group_members(&records);
    let mut processes: Vec<LiveProcess> = records
        .into_iter()
        .map(|record| {
            let mut process = record.process;
            process.namespaces = record.links;
            process
        })
        .collect();
    processes.sort_by_key(|process| process.pid);
    let by_pid = |pid: u32| {
        processes
            .binary_search_by_key(&pid, |process| process.pid)
            .ok()
            .and_then(|index| processes.get(index))
    };
    let relations: BTreeMap<u64, &Related> = related.iter().map(|r| (r.id, r)).collect();
    let mut namespaces: Vec<LiveNamespace> = groups
        .iter()
        .map(|(id, group)| {
            let lowest = group.pids.first().and_then(|pid| by_pid(*pid));
            let related = relations.get(id);
            LiveNamespace {
                id: *id,
                kind: group.kind,
                device: related.and_then(|related| related.device),
                link: format!("{}:[{id}]", group.kind.slug()),
                nprocs: group.pids.len(),
                pid: lowest.map(|process| process.pid),
                uid: lowest.map(|process| process.uid),
                user: lowest.and_then(|process| process.user.clone()),
                command: lowest.map(|process| process.command.clone()),
                parent: related.map_or(Relation::Unavailable, |related| related.parent),
                owner: related.map_or(Relation::Unavailable, |related| related.owner),
            }
        })
        .collect();
    namespaces.extend(
        related
            .iter()
            .filter(|related| !groups.contains_key(&related.id))
            .map(|related| LiveNamespace {
                id: related.id,
                kind: related.kind,
                device: related.device,
                link: format!("{}:[{}]", related.kind.slug(), related.id),
                nprocs: 0,
                pid: None,
                uid: None,
                user: None,
                command: None,
                parent: related.parent,
                owner: related.owner,
            }),
    );
    namespaces.sort_by_key(|namespace| namespace.id);
    namespaces.dedup_by_key(|namespace| namespace.id);
    LiveSnapshot {
        namespaces,
        processes,
        unreadable: group_failures(failures),
    }
}

/// Failures grouped by (reason, part), PIDs ascending.
fn group_failures(failures: &[Failed]) -> Vec<Unreadable> {
    let mut groups: BTreeMap<(UnreadableReason, UnreadablePart), Vec<u32>> = BTreeMap::new();
    for failure in failures {
        groups
            .entry((failure.reason, failure.part))
            .or_default()
            .push(failure.pid);
    }
    groups
        .into_iter()
        .map(|((reason, part), mut pids)| {
            pids.sort_unstable();
            pids.dedup();
            Unreadable {
                reason,
                part,
                count: pids.len(),
                pids,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: u64 = 4;

    fn record(pid: u32, command: &str, links: &[(NsType, u64)]) -> ProcRecord {
        ProcRecord {
            process: LiveProcess {
                pid,
                ppid: 0,
                name: command.to_owned(),
                command: command.to_owned(),
                uid: pid,
                user: Some(format!("user{pid}")),
                nspid: vec![pid],
                kernel_thread: false,
                namespaces: BTreeMap::new(),
                pid_for_children: None,
                time_for_children: None,
            },
            links: links.iter().copied().collect(),
        }
    }

    #[test]
    fn counts_and_lowest_pid_follow_lsns_columns() {
        let records = vec![
            record(30, "sleep", &[(NsType::Net, 2), (NsType::Uts, 3)]),
            record(2, "kthreadd", &[(NsType::Net, 1), (NsType::Uts, 3)]),
            record(7, "bash", &[(NsType::Net, 1), (NsType::Uts, 3)]),
        ];
        let snapshot = assemble(records, &[], &[]);
        let net = snapshot.namespace(1).expect("net 1");
        assert_eq!((net.kind, net.nprocs, net.pid), (NsType::Net, 2, Some(2)));
        assert_eq!(net.command.as_deref(), Some("kthreadd"));
        assert_eq!(net.user.as_deref(), Some("user2"));
        assert_eq!(net.link, "net:[1]");
        assert_eq!(
            net.parent,
            Relation::Unavailable,
            "no ioctl answer recorded"
        );
        assert_eq!(snapshot.namespace(3).expect("uts").nprocs, 3);
        assert_eq!(snapshot.members(2), [30]);
        let pids: Vec<_> = snapshot.processes.iter().map(|p| p.pid).collect();
        assert_eq!(pids, [2, 7, 30]);
        assert_eq!(snapshot.processes[0].namespaces.get(&NsType::Net), Some(&1));
    }

    #[test]
    fn namespaces_known_only_by_ioctl_have_no_processes() {
        let records = vec![record(9, "sleep", &[(NsType::User, 20)])];
        let related = [
            Related {
                id: 20,
                kind: NsType::User,
                device: Some(DEV),
                parent: Relation::Ns(10),
                owner: Relation::Ns(10),
            },
            Related {
                id: 10,
                kind: NsType::User,
                device: Some(DEV),
                parent: Relation::Hidden,
                owner: Relation::Hidden,
            },
        ];
        let snapshot = assemble(records, &[], &related);
        assert_eq!(
            snapshot.namespace(20).map(|ns| ns.parent),
            Some(Relation::Ns(10))
        );
        let ancestor = snapshot.namespace(10).expect("ancestor listed");
        assert_eq!((ancestor.nprocs, ancestor.pid), (0, None));
        assert_eq!(ancestor.link, "user:[10]");
    }

    #[test]
    fn failures_are_grouped_and_counted_not_dropped() {
        let failures = [
            Failed {
                pid: 5,
                reason: UnreadableReason::Vanished,
                part: UnreadablePart::Process,
            },
            Failed {
                pid: 1,
                reason: UnreadableReason::PermissionDenied,
                part: UnreadablePart::Namespaces,
            },
            Failed {
                pid: 3,
                reason: UnreadableReason::Vanished,
                part: UnreadablePart::Process,
            },
        ];
        let snapshot = assemble(vec![record(1, "init", &[])], &failures, &[]);
        assert_eq!(snapshot.unreadable_count(), 3);
        assert_eq!(snapshot.unreadable.len(), 2);
        let vanished = snapshot
            .unreadable
            .iter()
            .find(|group| group.reason == UnreadableReason::Vanished)
            .expect("vanished group");
        assert_eq!(
            (vanished.count, vanished.pids.as_slice()),
            (2, [3, 5].as_slice())
        );
        assert!(
            snapshot.namespaces.is_empty(),
            "pid 1's links were unreadable"
        );
        assert_eq!(snapshot.processes.len(), 1, "but pid 1 is still listed");
    }

    #[test]
    fn json_shape_for_the_cli() {
        let records = vec![record(1, "init", &[(NsType::Pid, 4_026_531_836)])];
        let related = [Related {
            id: 4_026_531_836,
            kind: NsType::Pid,
            device: Some(DEV),
            parent: Relation::Hidden,
            owner: Relation::Ns(4_026_531_837),
        }];
        let json = serde_json::to_value(assemble(records, &[], &related)).expect("json");
        let namespace = &json["namespaces"][0];
        assert_eq!(namespace["type"], "pid");
        assert_eq!(namespace["nprocs"], 1);
        assert_eq!(namespace["parent"], "hidden");
        assert_eq!(namespace["owner"]["ns"], 4_026_531_837_u64);
        assert_eq!(json["processes"][0]["namespaces"]["pid"], 4_026_531_836_u64);
    }
}
