//! The structural state of a cgroup system: hierarchies, cgroups, processes and their placement.
//!
//! One type serves both versions: a v2 state has a single unified [`Hierarchy`], a v1 state one
//! hierarchy per mount. Every process records exactly one cgroup per hierarchy, which is the rule
//! the v1 view makes visible ("a process is in exactly one node of each hierarchy") and which v2
//! reduces to a single placement. Mutations live in `apply.rs`; this file holds the data and the
//! read-only questions the kernel's rules ask (what is in `cgroup.controllers`, is it populated,
//! does this file exist).

use std::collections::BTreeMap;

use serde::Serialize;

use super::controller::{Controller, ControllerSet};
use super::errno::{Errno, OpError};
use super::limits::{BlockDevice, DeviceNumber, LimitFile, Limits};
use super::path::CgroupPath;
use super::version::CgroupVersion;
use super::workload::Workload;

/// A process id.
pub type Pid = u32;

/// Where cgroupfs is mounted; v1 hierarchies are mounted below it by name.
pub const CGROUP_MOUNT_DIR: &str = "/sys/fs/cgroup";

/// What kind of hierarchy a tree is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum HierarchyKind {
    /// A v1 hierarchy with the controllers attached to it and an optional `name=`.
    V1 {
        /// Attached controllers (each controller is attached to at most one hierarchy).
        controllers: ControllerSet,
        /// The `name=` mount option, for hierarchies such as `name=systemd`.
        name: Option<String>,
    },
    /// The unified v2 hierarchy.
    V2,
}

/// One cgroup directory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cgroup {
    /// v2 `cgroup.subtree_control`: the controllers this cgroup hands to its children.
    pub subtree_control: ControllerSet,
    /// The values of its limit files.
    pub limits: Limits,
}

/// One tree of cgroups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hierarchy {
    /// v1 (with its controllers) or v2.
    pub kind: HierarchyKind,
    pub(super) cgroups: BTreeMap<CgroupPath, Cgroup>,
}

impl Hierarchy {
    /// A hierarchy holding only its root cgroup.
    pub fn new(kind: HierarchyKind) -> Self {
        let mut cgroups = BTreeMap::new();
        cgroups.insert(CgroupPath::root(), Cgroup::default());
        Self { kind, cgroups }
    }

    /// Whether this is the unified hierarchy.
    pub fn is_v2(&self) -> bool {
        self.kind == HierarchyKind::V2
    }

    /// The controllers attached to a v1 hierarchy (empty for v2).
    pub fn v1_controllers(&self) -> ControllerSet {
        match &self.kind {
            HierarchyKind::V1 { controllers, .. } => *controllers,
            HierarchyKind::V2 => ControllerSet::EMPTY,
        }
    }

    /// The mount name: `cpu,cpuacct`, `name=systemd`, or `""` for the unified hierarchy.
    pub fn mount_name(&self) -> String {
        match &self.kind {
            HierarchyKind::V1 { controllers, name } => {
                let mut parts: Vec<String> =
                    controllers.iter().map(|c| c.v1_name().to_owned()).collect();
                if let Some(name) = name {
                    parts.push(format!("name={name}"));
                }
                parts.join(",")
            }
            HierarchyKind::V2 => String::new(),
        }
    }

    /// The directory where the hierarchy is mounted.
    pub fn mount_dir(&self) -> String {
        match &self.kind {
            HierarchyKind::V1 { .. } => format!("{CGROUP_MOUNT_DIR}/{}", self.mount_name()),
            HierarchyKind::V2 => CGROUP_MOUNT_DIR.to_owned(),
        }
    }

    /// The directory of cgroup `path`.
    pub fn dir_of(&self, path: &CgroupPath) -> String {
        if path.is_root() {
            self.mount_dir()
        } else {
            format!("{}{path}", self.mount_dir())
        }
    }

    /// Whether `name` refers to this hierarchy: its mount name, one of its controllers (like the
    /// `/sys/fs/cgroup/cpu -> cpu,cpuacct` symlink) or `name=NAME`.
    pub fn answers_to(&self, name: &str) -> bool {
        match &self.kind {
            HierarchyKind::V1 {
                controllers,
                name: own,
            } => {
                name == self.mount_name()
                    || Controller::from_name(name).is_some_and(|c| controllers.contains(c))
                    || own
                        .as_deref()
                        .is_some_and(|own| name.strip_prefix("name=") == Some(own))
            }
            HierarchyKind::V2 => false,
        }
    }

    /// The cgroups in path order.
    pub fn cgroups(&self) -> impl Iterator<Item = (&CgroupPath, &Cgroup)> {
        self.cgroups.iter()
    }

    /// The cgroup at `path`.
    pub fn get(&self, path: &CgroupPath) -> Option<&Cgroup> {
        self.cgroups.get(path)
    }

    /// Whether the cgroup at `path` exists.
    pub fn contains(&self, path: &CgroupPath) -> bool {
        self.cgroups.contains_key(path)
    }

    /// The direct children of `path`.
    pub fn children(&self, path: &CgroupPath) -> Vec<CgroupPath> {
        self.cgroups
            .keys()
            .filter(|p| p.parent().as_ref() == Some(path))
            .cloned()
            .collect()
    }
}

/// One process.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Process {
    /// Its pid.
    pub pid: Pid,
    /// Its command name.
    pub comm: String,
    /// Its cgroup in each hierarchy, indexed like [`State::hierarchies`].
    pub cgroups: Vec<CgroupPath>,
    /// What it does in the simulation.
    pub workload: Workload,
}

/// The structural state: the hierarchies, the processes, and the disks `io.max` may name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct State {
    pub(super) version: CgroupVersion,
    pub(super) hierarchies: Vec<Hierarchy>,
    pub(super) processes: BTreeMap<Pid, Process>,
    pub(super) devices: Vec<BlockDevice>,
}

impl State {
    /// A v2 system: one unified hierarchy, no processes yet, one disk `sda` (8:0).
    pub fn v2() -> Self {
        Self {
            version: CgroupVersion::V2,
            hierarchies: vec![Hierarchy::new(HierarchyKind::V2)],
            processes: BTreeMap::new(),
            devices: vec![BlockDevice {
                number: DeviceNumber { major: 8, minor: 0 },
                name: "sda".to_owned(),
            }],
        }
    }

    /// A v1 system with the given hierarchies (each a list of controllers), no processes yet.
    pub fn v1(mounts: &[&[Controller]]) -> Self {
        let mut state = Self {
            version: CgroupVersion::V1,
            hierarchies: Vec::new(),
            ..Self::v2()
        };
        for controllers in mounts {
            state.hierarchies.push(Hierarchy::new(HierarchyKind::V1 {
                controllers: ControllerSet::of(controllers),
                name: None,
            }));
        }
        state
    }

    /// The default starting point of a custom scene: init (pid 1) and a shell (pid 100) at the
    /// root; v1 mounts `cpu,cpuacct`, `memory`, `pids` and `blkio` like most distributions did.
    pub fn default_for(version: CgroupVersion) -> Self {
        let base = match version {
            CgroupVersion::V1 => Self::v1(&[
                &[Controller::Cpu, Controller::Cpuacct],
                &[Controller::Memory],
                &[Controller::Pids],
                &[Controller::Io],
            ]),
            CgroupVersion::V2 => Self::v2(),
        };
        base.with_process(1, "init", Workload::idle())
            .with_process(100, "bash", Workload::idle())
    }

    /// This state plus process `pid` at the root of every hierarchy.
    pub fn with_process(mut self, pid: Pid, comm: &str, workload: Workload) -> Self {
        let cgroups = vec![CgroupPath::root(); self.hierarchies.len()];
        self.processes.insert(
            pid,
            Process {
                pid,
                comm: comm.to_owned(),
                cgroups,
                workload,
            },
        );
        self
    }

    /// The version.
    pub fn version(&self) -> CgroupVersion {
        self.version
    }

    /// The hierarchies (one for v2).
    pub fn hierarchies(&self) -> &[Hierarchy] {
        &self.hierarchies
    }

    /// The processes in pid order.
    pub fn processes(&self) -> impl Iterator<Item = &Process> {
        self.processes.values()
    }

    /// Process `pid`.
    pub fn process(&self, pid: Pid) -> Option<&Process> {
        self.processes.get(&pid)
    }

    /// The pid the next `fork` gets (the model does not reuse pids).
    pub fn next_pid(&self) -> Pid {
        self.processes.keys().next_back().map_or(1, |pid| pid + 1)
    }

    /// The whole disks `io.max` may name.
    pub fn devices(&self) -> &[BlockDevice] {
        &self.devices
    }

    /// The index of the hierarchy that `name` addresses: `None` in v2 (the unified tree); a mount
    /// name or controller name in v1. A miss is what the shell sees: the directory is absent.
    pub fn find_hierarchy(&self, name: Option<&str>) -> Result<usize, OpError> {
        match (self.version, name) {
            (CgroupVersion::V2, None) => Ok(0),
            (CgroupVersion::V2, Some(name)) => Err(OpError::kernel(
                Errno::Enoent,
                format!(
                    "cgroup v2 has a single tree at {CGROUP_MOUNT_DIR}; there is no separate {name} hierarchy."
                ),
            )),
            (CgroupVersion::V1, None) => Err(OpError::model(
                "In cgroup v1 every cgroup lives in one hierarchy: write it as memory:/app or cpu:/app.",
            )),
            (CgroupVersion::V1, Some(name)) => self
                .hierarchies
                .iter()
                .position(|h| h.answers_to(name))
                .ok_or_else(|| {
                    OpError::kernel(
                        Errno::Enoent,
                        format!("No v1 hierarchy is mounted at {CGROUP_MOUNT_DIR}/{name}."),
                    )
                }),
        }
    }

    /// The hierarchy a v1 controller is attached to, or the unified one in v2.
    pub fn hierarchy_of(&self, controller: Controller) -> Option<usize> {
        match self.version {
            CgroupVersion::V2 => Some(0),
            CgroupVersion::V1 => self
                .hierarchies
                .iter()
                .position(|h| h.v1_controllers().contains(controller)),
        }
    }

    /// `cgroup.controllers` of a v2 cgroup: everything on the root, the parent's
    /// `cgroup.subtree_control` elsewhere. For v1 it is the hierarchy's attached controllers.
    pub fn controllers(&self, hierarchy: usize, path: &CgroupPath) -> ControllerSet {
        let Some(tree) = self.hierarchies.get(hierarchy) else {
            return ControllerSet::EMPTY;
        };
        if !tree.is_v2() {
            return tree.v1_controllers();
        }
        match path.parent() {
            None => ControllerSet::v2_listable(),
            Some(parent) => tree
                .get(&parent)
                .map_or(ControllerSet::EMPTY, |c| c.subtree_control),
        }
    }

    /// Whether `controller` has a css (its files and limits) in the cgroup at `path`.
    pub fn has_controller(
        &self,
        hierarchy: usize,
        path: &CgroupPath,
        controller: Controller,
    ) -> bool {
        self.controllers(hierarchy, path).contains(controller)
    }

    /// The processes directly in the cgroup (`cgroup.procs`), in pid order.
    pub fn procs(&self, hierarchy: usize, path: &CgroupPath) -> Vec<Pid> {
        self.processes
            .values()
            .filter(|p| p.cgroups.get(hierarchy) == Some(path))
            .map(|p| p.pid)
            .collect()
    }

    /// The number of processes in the cgroup and below it (`pids.current`; one task each).
    pub fn task_count(&self, hierarchy: usize, path: &CgroupPath) -> u64 {
        self.processes
            .values()
            .filter(|p| p.cgroups.get(hierarchy).is_some_and(|c| c.is_within(path)))
            .count() as u64
    }

    /// Whether any process is in the cgroup or below it (`cgroup.events` populated).
    pub fn is_populated(&self, hierarchy: usize, path: &CgroupPath) -> bool {
        self.task_count(hierarchy, path) > 0
    }

    /// Whether `file` exists in the cgroup: its controller must be there, and v2 limit files
    /// (and `pids.max` everywhere) are absent on the root.
    pub fn has_file(&self, hierarchy: usize, path: &CgroupPath, file: LimitFile) -> bool {
        let Some(tree) = self.hierarchies.get(hierarchy) else {
            return false;
        };
        if !tree.contains(path) || !file.in_version(self.version) {
            return false;
        }
        if path.is_root() && !file.on_root() {
            return false;
        }
        self.has_controller(hierarchy, path, file.controller())
    }

    /// The kernel's `cgroup_can_be_thread_root` for a domain cgroup: the root always can; others
    /// only without populated children and without domain controllers in `subtree_control`.
    pub fn can_be_thread_root(&self, hierarchy: usize, path: &CgroupPath) -> bool {
        let Some(tree) = self.hierarchies.get(hierarchy) else {
            return false;
        };
        if path.is_root() {
            return true;
        }
        let populated_children = tree
            .children(path)
            .iter()
            .any(|child| self.is_populated(hierarchy, child));
        let domain_enabled = tree
            .get(path)
            .is_some_and(|c| c.subtree_control.has_domain());
        !populated_children && !domain_enabled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> CgroupPath {
        CgroupPath::parse(text).unwrap()
    }

    #[test]
    fn v1_hierarchies_are_found_by_any_name() {
        let state = State::default_for(CgroupVersion::V1);
        assert_eq!(state.find_hierarchy(Some("cpu,cpuacct")), Ok(0));
        assert_eq!(state.find_hierarchy(Some("cpuacct")), Ok(0));
        assert_eq!(state.find_hierarchy(Some("memory")), Ok(1));
        assert_eq!(state.find_hierarchy(Some("blkio")), Ok(3));
        assert_eq!(
            state.find_hierarchy(Some("freezer")).map_err(|e| e.errno),
            Err(Some(Errno::Enoent))
        );
        assert_eq!(
            state.hierarchies()[0].dir_of(&path("/db")),
            "/sys/fs/cgroup/cpu,cpuacct/db"
        );
    }

    #[test]
    fn every_process_starts_at_every_root() {
        let state = State::default_for(CgroupVersion::V1);
        for process in state.processes() {
            assert_eq!(process.cgroups.len(), state.hierarchies().len());
            assert!(process.cgroups.iter().all(CgroupPath::is_root));
        }
        assert_eq!(state.procs(2, &CgroupPath::root()), vec![1, 100]);
        assert_eq!(state.next_pid(), 101);
    }

    #[test]
    fn v2_files_follow_the_parent_subtree_control() {
        let state = State::default_for(CgroupVersion::V2);
        assert!(!state.has_file(0, &CgroupPath::root(), LimitFile::CpuMax));
        assert!(!state.has_file(0, &CgroupPath::root(), LimitFile::CpuShares));
        assert_eq!(
            state.controllers(0, &CgroupPath::root()),
            ControllerSet::v2_listable()
        );
    }
}
