//! Live reader tests: a fake cgroupfs in a temporary directory, and this machine's real
//! hierarchies compared with an independent directory walk.

#[cfg(target_os = "linux")]
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use super::*;

fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).unwrap();
}

#[cfg(unix)]
#[test]
fn reads_a_fake_hybrid_system() {
    let tmp = tempfile::tempdir().unwrap();
    let unified = tmp.path().join("unified");
    let app = unified.join("app");
    let odd = unified.join("odd");
    fs::create_dir_all(&app).unwrap();
    fs::create_dir_all(&odd).unwrap();
    write(&unified, "cgroup.procs", "1\n");
    write(&unified, "cgroup.controllers", "cpu memory pids\n");
    write(&unified, "cgroup.subtree_control", "cpu memory\n");
    write(&app, "cgroup.procs", "42\n7\n42\n");
    write(&app, "cpu.weight", "200\n");
    write(&app, "cpu.max", "50000 100000\n");
    write(&app, "memory.current", "1234\n");
    write(&app, "memory.max", "max\n");
    write(&app, "memory.high", "268435456\n");
    write(&app, "pids.current", "2\n");
    write(&app, "pids.max", "100\n");
    write(&odd, "cgroup.procs", "");
    write(&odd, "memory.max", "lots\n");
    std::os::unix::fs::symlink(".", odd.join("pids.max")).unwrap();
    let cpu = tmp.path().join("cpu");
    fs::create_dir_all(cpu.join("db")).unwrap();
    write(&cpu, "cgroup.procs", "1\n42\n");
    write(&cpu, "cpu.shares", "1024\n");
    write(&cpu.join("db"), "cgroup.procs", "7\n");
    write(&cpu.join("db"), "cpu.cfs_quota_us", "-1\n");
    let mountinfo = format!(
        "32 31 0:29 / {cpu} rw,relatime - cgroup cgroup rw,cpu\n\
         33 31 0:29 / {cpu}-again rw,relatime - cgroup cgroup rw,cpu\n\
         41 31 0:38 / {unified} rw,relatime - cgroup2 cgroup2 rw\n\
         50 1 8:1 / / rw - ext4 /dev/sda1 rw",
        cpu = cpu.display(),
        unified = unified.display()
    );
    let mut comm_of = |pid: u32| (pid == 42).then(|| "nginx".to_owned());
    let system = read_from(&mountinfo, "2:cpu:/db\n0::/app\n", &mut comm_of);

    assert_eq!(system.layout, Layout::Hybrid);
    assert_eq!(
        system.hierarchies.len(),
        2,
        "the second mount of 0:29 is the same hierarchy"
    );
    let (v1, v2) = (&system.hierarchies[0], &system.hierarchies[1]);
    assert_eq!(v1.version, CgroupVersion::V1);
    assert_eq!(v1.hierarchy_id, Some(2));
    assert_eq!(v1.controllers, ["cpu"]);
    assert_eq!(v1.cgroup_count, 2);
    assert_eq!(v1.root.usage.cpu_shares, Some(1024));
    assert_eq!(v1.root.children[0].usage.cpu_quota_usec, Some(-1));
    assert_eq!(v2.hierarchy_id, Some(0));
    assert_eq!(v2.controllers, ["cpu", "memory", "pids"]);
    assert_eq!(
        v2.root.subtree_control.as_deref(),
        Some(&["cpu".to_owned(), "memory".to_owned()][..])
    );

    let names: Vec<&str> = v2.root.children.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(names, ["/app", "/odd"]);
    let app = &v2.root.children[0];
    let pids: Vec<u32> = app.processes.iter().map(|p| p.pid).collect();
    assert_eq!(pids, [7, 42], "sorted, duplicates removed");
    assert_eq!(app.processes[1].comm.as_deref(), Some("nginx"));
    assert_eq!(app.usage.cpu_weight, Some(200));
    assert_eq!(app.usage.cpu_max.as_deref(), Some("50000 100000"));
    assert_eq!(app.usage.memory_bytes, Some(1234));
    assert_eq!(app.usage.memory_max, Some(Limit::Max));
    assert_eq!(app.usage.memory_high, Some(Limit::Value(268_435_456)));
    assert_eq!(app.usage.pids_max, Some(Limit::Value(100)));
    assert!(app.unreadable.is_empty());

    // A file with unexpected content and one that cannot be read are reported, not dropped.
    let odd = &v2.root.children[1];
    assert_eq!(odd.unreadable.len(), 2, "{:?}", odd.unreadable);
    assert!(
        odd.unreadable
            .iter()
            .any(|u| u.path.ends_with("memory.max") && u.error.contains("lots"))
    );
    assert!(odd.unreadable.iter().any(|u| u.path.ends_with("pids.max")));
    assert!(odd.children.is_empty(), "a symlink is not a child cgroup");

    let json = serde_json::to_value(&system).unwrap();
    assert_eq!(json["layout"], "hybrid");
    assert_eq!(
        json["hierarchies"][1]["root"]["children"][0]["usage"]["memory_max"],
        "max"
    );
    assert_eq!(
        json["hierarchies"][1]["root"]["children"][0]["usage"]["pids_max"],
        100
    );
}

#[test]
fn layouts_follow_the_mounts() {
    let mut none = |_: u32| None;
    let v2 = read_from(
        "1 0 0:9 / /nonexistent-v2 rw - cgroup2 cgroup2 rw",
        "",
        &mut none,
    );
    assert_eq!(v2.layout, Layout::Unified);
    // A mount point that cannot be read is reported on its root.
    assert!(!v2.hierarchies[0].root.unreadable.is_empty());
    let v1 = read_from(
        "1 0 0:9 / /nonexistent-v1 rw - cgroup cgroup rw,memory",
        "",
        &mut none,
    );
    assert_eq!(v1.layout, Layout::Legacy);
    assert_eq!(read_from("", "", &mut none).layout, Layout::None);
}

#[cfg(not(target_os = "linux"))]
#[test]
fn other_systems_get_a_clear_error() {
    assert!(matches!(read_system(), Err(LiveError::Unsupported { .. })));
}

/// Directories and process lists of every mounted hierarchy, found without the reader: a
/// plain mountinfo split and `read_dir` recursion.
#[cfg(target_os = "linux")]
type Snapshot = BTreeMap<String, BTreeMap<String, Option<Vec<u32>>>>;

#[cfg(target_os = "linux")]
fn independent_walk() -> Snapshot {
    fn walk(dir: &Path, rel: &str, out: &mut BTreeMap<String, Option<Vec<u32>>>) {
        let procs = fs::read_to_string(dir.join("cgroup.procs"))
            .ok()
            .map(|text| {
                let mut pids: Vec<u32> = text
                    .split_whitespace()
                    .filter_map(|w| w.parse().ok())
                    .collect();
                pids.sort_unstable();
                pids.dedup();
                pids
            });
        out.insert(rel.to_owned(), procs);
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                let name = entry.file_name().to_string_lossy().into_owned();
                let child = if rel == "/" {
                    format!("/{name}")
                } else {
                    format!("{rel}/{name}")
                };
                walk(&entry.path(), &child, out);
            }
        }
    }
    let text = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut seen = BTreeSet::new();
    let mut snapshot = Snapshot::new();
    for line in text.lines() {
        let Some((left, right)) = line.split_once(" - ") else {
            continue;
        };
        let fields: Vec<&str> = left.split(' ').collect();
        let fstype = right.split(' ').next().unwrap_or("");
        if (fstype == "cgroup" || fstype == "cgroup2") && fields.len() > 4 && seen.insert(fields[2])
        {
            let mut tree = BTreeMap::new();
            walk(Path::new(fields[4]), "/", &mut tree);
            snapshot.insert(fields[4].to_owned(), tree);
        }
    }
    snapshot
}

#[cfg(target_os = "linux")]
fn reader_snapshot(system: &LiveSystem) -> Snapshot {
    system
        .hierarchies
        .iter()
        .map(|h| {
            let tree = h
                .root
                .descendants()
                .into_iter()
                .map(|c| {
                    let unreadable_procs = c
                        .unreadable
                        .iter()
                        .any(|u| u.path.ends_with("cgroup.procs"));
                    let pids =
                        (!unreadable_procs).then(|| c.processes.iter().map(|p| p.pid).collect());
                    (c.path.clone(), pids)
                })
                .collect();
            (h.mount_point.clone(), tree)
        })
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn matches_an_independent_walk_of_this_machine() {
    // Cgroups and processes come and go (other jobs run here), so compare a reading taken
    // between two identical independent walks; retry a few times to find a quiet moment.
    for _ in 0..8 {
        let before = independent_walk();
        let system = match read_system() {
            Ok(system) => system,
            Err(error) => panic!("{error}"),
        };
        let after = independent_walk();
        if before != after {
            continue;
        }
        assert_eq!(reader_snapshot(&system), before);
        let v2 = system
            .hierarchies
            .iter()
            .filter(|h| h.version == CgroupVersion::V2)
            .count();
        let v1 = system.hierarchies.len() - v2;
        let expected = match (v1 > 0, v2 > 0) {
            (true, true) => Layout::Hybrid,
            (true, false) => Layout::Legacy,
            (false, true) => Layout::Unified,
            (false, false) => Layout::None,
        };
        assert_eq!(system.layout, expected);
        assert_pid1_placement(&system);
        return;
    }
    // Never quiet: at least every cgroup present in two walks around the reading is in it.
    let before = independent_walk();
    let system = read_system().unwrap_or_else(|error| panic!("{error}"));
    let after = independent_walk();
    let read = reader_snapshot(&system);
    for (mount, tree) in &before {
        for path in tree.keys() {
            if after.get(mount).is_some_and(|t| t.contains_key(path)) {
                assert!(
                    read.get(mount).is_some_and(|t| t.contains_key(path)),
                    "{mount}{path}"
                );
            }
        }
    }
}

/// PID 1 appears in exactly the cgroup `/proc/1/cgroup` names, in every hierarchy whose mount
/// shows the hierarchy's root.
#[cfg(target_os = "linux")]
fn assert_pid1_placement(system: &LiveSystem) {
    let Ok(text) = fs::read_to_string("/proc/1/cgroup") else {
        return;
    };
    let lines = parse_proc_cgroup(&text);
    for hierarchy in system.hierarchies.iter().filter(|h| h.mount_root == "/") {
        let Some(id) = hierarchy.hierarchy_id else {
            continue;
        };
        let Some(line) = lines.iter().find(|l| l.hierarchy_id == id) else {
            continue;
        };
        let holders: Vec<&str> = hierarchy
            .root
            .descendants()
            .into_iter()
            .filter(|c| c.processes.iter().any(|p| p.pid == 1))
            .map(|c| c.path.as_str())
            .collect();
        assert_eq!(holders, [line.path.as_str()], "{}", hierarchy.mount_point);
    }
}
