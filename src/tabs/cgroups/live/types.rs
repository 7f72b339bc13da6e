//! The live reader's output, serializable for `virtscope inspect cgroups --json`.

use serde::{Serialize, Serializer};

use super::super::model::CgroupVersion;
use super::mountinfo::ProcCgroup;

/// How the machine mounts cgroups, in systemd's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Only cgroup v2 is mounted.
    Unified,
    /// Only v1 hierarchies are mounted.
    Legacy,
    /// v1 hierarchies plus a cgroup2 mount (usually `/sys/fs/cgroup/unified`).
    Hybrid,
    /// No cgroup filesystem is mounted.
    None,
}

impl Layout {
    /// One sentence for the view.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Unified => "cgroup v2 only: one unified tree holds every controller.",
            Self::Legacy => "cgroup v1 only: each hierarchy holds its own controllers.",
            Self::Hybrid => {
                "Hybrid: the controllers live in v1 hierarchies, and a cgroup2 tree is mounted beside them (it can only offer controllers that no v1 hierarchy holds)."
            }
            Self::None => "No cgroup filesystem is mounted in this mount namespace.",
        }
    }
}

/// A limit file's value: `max` or a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// No limit.
    Max,
    /// A number (bytes or tasks).
    Value(u64),
}

impl Serialize for Limit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Max => serializer.serialize_str("max"),
            Self::Value(value) => serializer.serialize_u64(*value),
        }
    }
}

/// A file or directory that exists but could not be read or understood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// Its full path.
    pub path: String,
    /// What went wrong.
    pub error: String,
}

/// A process in a cgroup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiveProcess {
    /// Its pid (as this reader's pid namespace sees it).
    pub pid: u32,
    /// `/proc/PID/comm`, if the process still exists and is readable.
    pub comm: Option<String>,
}

/// Usage and limits read from a cgroup's interface files; `None` where the file does not exist.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LiveUsage {
    /// v2 `cpu.weight`.
    pub cpu_weight: Option<u64>,
    /// v1 `cpu.shares`.
    pub cpu_shares: Option<u64>,
    /// v2 `cpu.max` as written (`max 100000`).
    pub cpu_max: Option<String>,
    /// v1 `cpu.cfs_quota_us` (-1 means no limit).
    pub cpu_quota_usec: Option<i64>,
    /// v1 `cpu.cfs_period_us`.
    pub cpu_period_usec: Option<u64>,
    /// v2 `memory.current` or v1 `memory.usage_in_bytes`.
    pub memory_bytes: Option<u64>,
    /// v2 `memory.max` or v1 `memory.limit_in_bytes`.
    pub memory_max: Option<Limit>,
    /// v2 `memory.high`.
    pub memory_high: Option<Limit>,
    /// `pids.current`.
    pub pids_current: Option<u64>,
    /// `pids.max`.
    pub pids_max: Option<Limit>,
}

/// One cgroup directory and everything below it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiveCgroup {
    /// Its path relative to the mount point (`/` for the mount's root).
    pub path: String,
    /// `cgroup.procs`, sorted and without duplicates.
    pub processes: Vec<LiveProcess>,
    /// v2 `cgroup.controllers`.
    pub controllers: Option<Vec<String>>,
    /// v2 `cgroup.subtree_control`.
    pub subtree_control: Option<Vec<String>>,
    /// Usage and limits.
    pub usage: LiveUsage,
    /// Files and directories that exist but could not be read here.
    pub unreadable: Vec<Unreadable>,
    /// Child cgroups, sorted by name.
    pub children: Vec<LiveCgroup>,
}

impl LiveCgroup {
    /// This cgroup and all below it, parents first.
    pub fn descendants(&self) -> Vec<&LiveCgroup> {
        let mut out = vec![self];
        let mut next = 0;
        while let Some(&node) = out.get(next) {
            out.extend(node.children.iter());
            next += 1;
        }
        out
    }
}

/// One mounted hierarchy and its tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiveHierarchy {
    /// v1 or v2.
    pub version: CgroupVersion,
    /// Where it is mounted.
    pub mount_point: String,
    /// The cgroup the mount shows as its root (`/` unless namespaced or a bind mount).
    pub mount_root: String,
    /// v1: the attached controllers; v2: the root's `cgroup.controllers`.
    pub controllers: Vec<String>,
    /// v1 `name=` option.
    pub name: Option<String>,
    /// The hierarchy id in `/proc/self/cgroup` (0 for v2), when it could be matched.
    pub hierarchy_id: Option<u32>,
    /// Number of cgroups read.
    pub cgroup_count: usize,
    /// Whether the walk stopped at the cgroup limit.
    pub truncated: bool,
    /// The tree.
    pub root: LiveCgroup,
}

/// Everything the reader found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiveSystem {
    /// v1, v2 or hybrid.
    pub layout: Layout,
    /// One sentence describing the layout.
    pub layout_description: &'static str,
    /// The mounted hierarchies, in mountinfo order (each superblock once).
    pub hierarchies: Vec<LiveHierarchy>,
    /// The reader's own `/proc/self/cgroup`.
    pub self_cgroup: Vec<ProcCgroup>,
    /// System files that could not be read (`/proc/self/cgroup`, ...).
    pub unreadable: Vec<Unreadable>,
}
