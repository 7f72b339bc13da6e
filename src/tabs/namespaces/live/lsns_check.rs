//! Checks the live reader against `lsns -J` (util-linux) run between two reads of our own.
//!
//! Processes come and go while the check runs (other builds on the machine), so only namespaces
//! whose member set was identical in both of our reads are compared, and lsns's own process is
//! accounted for. A process that starts and exits between our reads is seen by lsns alone, so in
//! namespaces shared with the rest of the machine lsns may count more, never fewer. The helper
//! this test starts, `unshare --user --map-root-user --net --uts --ipc --pid --fork --kill-child
//! sh -c 'sleep 30 & sleep 30 & wait'`, owns namespaces nobody else uses: there the counts, the
//! parents and the owners must match exactly.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::super::model::NsType;
use super::linux::read_live;
use super::types::{LiveSnapshot, Relation};

/// One row of `lsns -J --list -o NS,TYPE,NPROCS,PNS,ONS`.
#[derive(Debug, PartialEq, Eq)]
struct LsnsRow {
    kind: String,
    nprocs: usize,
    parent: u64,
    owner: u64,
}

/// Starts the helper and waits (up to 2 s) until its shell has both sleeps.
fn start_helper() -> Option<Child> {
    let mut child = Command::new("unshare")
        .args([
            "--user",
            "--map-root-user",
            "--net",
            "--uts",
            "--ipc",
            "--pid",
            "--fork",
            "--kill-child",
            "sh",
            "-c",
            "sleep 30 & sleep 30 & wait",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let children = |pid: u32| {
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
            .map(|text| {
                text.split_whitespace()
                    .filter_map(|pid| pid.parse::<u32>().ok())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    for _ in 0..200 {
        let shell = children(child.id()).first().copied();
        if shell.is_some_and(|shell| children(shell).len() == 2) {
            return Some(child);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().ok();
    child.wait().ok();
    None
}

fn run_lsns() -> io::Result<BTreeMap<u64, LsnsRow>> {
    let output = Command::new("lsns")
        .args(["-J", "--list", "-o", "NS,TYPE,NPROCS,PNS,ONS"])
        .output()?;
    assert!(output.status.success(), "lsns failed: {:?}", output);
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("lsns -J prints JSON");
    let rows = json["namespaces"].as_array().expect("a namespaces array");
    Ok(rows
        .iter()
        .map(|row| {
            let number = |key: &str| row[key].as_u64().unwrap_or(0);
            (
                number("ns"),
                LsnsRow {
                    kind: row["type"].as_str().unwrap_or("").to_owned(),
                    nprocs: usize::try_from(number("nprocs")).expect("fits"),
                    parent: number("pns"),
                    owner: number("ons"),
                },
            )
        })
        .collect())
}

/// The namespaces a child of this process (lsns) is created in.
fn child_namespaces(snapshot: &LiveSnapshot) -> BTreeSet<u64> {
    let me = snapshot
        .processes
        .iter()
        .find(|process| process.pid == std::process::id())
        .expect("the reader sees itself");
    me.namespaces
        .iter()
        .map(|(kind, id)| match kind {
            NsType::Pid => me.pid_for_children.unwrap_or(*id),
            NsType::Time => me.time_for_children.unwrap_or(*id),
            _ => *id,
        })
        .collect()
}

fn relation_as_lsns(relation: Relation) -> u64 {
    match relation {
        Relation::Ns(id) => id,
        Relation::None | Relation::Hidden | Relation::Unavailable => 0,
    }
}

#[test]
fn matches_lsns_for_stable_namespaces() {
    if let Err(error) = Command::new("lsns").arg("--version").output() {
        println!("skipped: cannot run lsns ({error}); install util-linux to compare");
        return;
    }
    let mut helper = start_helper();
    if helper.is_none() {
        println!("note: unshare --user failed here, comparing the host's namespaces only");
    }
    let first = read_live().expect("first read");
    let lsns = run_lsns().expect("lsns runs");
    let second = read_live().expect("second read");
    let host_namespaces: BTreeSet<u64> = first
        .processes
        .iter()
        .find(|process| process.pid == std::process::id())
        .map(|me| me.namespaces.values().copied().collect())
        .unwrap_or_default();
    // The helper's own namespaces: those of its unshare process and its pid_for_children
    // that this test process is not in.
    let helper_namespaces: BTreeSet<u64> = helper
        .as_ref()
        .and_then(|child| {
            let pid = child.id();
            let process = first.processes.iter().find(|process| process.pid == pid)?;
            let mut ids: BTreeSet<u64> = process.namespaces.values().copied().collect();
            ids.extend(process.pid_for_children);
            Some(ids.difference(&host_namespaces).copied().collect())
        })
        .unwrap_or_default();
    if let Some(child) = helper.as_mut() {
        child.kill().ok();
        child.wait().ok();
    }

    // Same ids and types: everything lsns lists, one of our reads lists with that type.
    for (id, row) in &lsns {
        let ours = first.namespace(*id).or_else(|| second.namespace(*id));
        let ours = ours.unwrap_or_else(|| panic!("lsns lists {id} ({}), we do not", row.kind));
        assert_eq!(ours.kind.slug(), row.kind, "type of {id}");
    }

    let own = child_namespaces(&first);
    let mut exact = BTreeSet::new();
    let mut busy = 0;
    for namespace in first
        .namespaces
        .iter()
        .filter(|namespace| namespace.nprocs > 0)
    {
        let id = namespace.id;
        let members = first.members(id);
        if second.members(id) != members {
            continue;
        }
        let row = lsns
            .get(&id)
            .unwrap_or_else(|| panic!("stable namespace {id} missing from lsns"));
        let expected = members.len() + usize::from(own.contains(&id));
        assert_eq!(
            row.parent,
            relation_as_lsns(namespace.parent),
            "PNS of {id}"
        );
        assert_eq!(row.owner, relation_as_lsns(namespace.owner), "ONS of {id}");
        if row.nprocs == expected {
            exact.insert(id);
        } else {
            // Only short-lived processes seen by lsns alone can explain a difference.
            assert!(
                row.nprocs > expected,
                "lsns counts fewer in {id}: {row:?}, we {expected}"
            );
            assert!(
                !helper_namespaces.contains(&id),
                "helper namespace {id}: lsns {row:?}, we {expected}"
            );
            assert!(
                host_namespaces.contains(&id),
                "NPROCS of {id}: {row:?}, we {expected}"
            );
            busy += 1;
        }
    }
    if helper_namespaces.is_empty() && exact.is_empty() {
        println!("note: every namespace changed between the reads; only ids and types compared");
        return;
    }
    assert!(!exact.is_empty(), "no namespace matched exactly");
    for id in &helper_namespaces {
        assert!(
            exact.contains(id),
            "helper namespace {id} was compared exactly"
        );
    }
    println!(
        "{} namespaces matched lsns exactly ({} of them the helper's); {busy} busy host \
         namespaces had short-lived processes",
        exact.len(),
        helper_namespaces.len()
    );
}
