//! Cgroup controllers (subsystems) and sets of them.
//!
//! The same kernel subsystem can go by two names (`blkio` in v1, `io` in v2), some exist only in
//! v1 (`cpuacct`, `devices`, `freezer`, `net_cls`, `net_prio`), and in v2 the rules differ between
//! *domain* controllers (memory, io, ...) and *threaded* ones (cpu, cpuset, pids, perf_event). The
//! no-internal-process rule only applies to domain controllers, so the model needs that split.
//! Order and names follow `include/linux/cgroup_subsys.h`; the v2 kinds follow each subsystem's
//! `.threaded`, `.implicit_on_dfl` and `dfl_cftypes` fields (kernel/cgroup/cgroup.c, `cgroup_init`).

use serde::{Serialize, Serializer};

use super::version::CgroupVersion;

/// One kernel cgroup subsystem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Controller {
    /// CPU and memory-node placement.
    Cpuset,
    /// CPU time: weights (`cpu.weight`/`cpu.shares`) and bandwidth (`cpu.max`/cfs quota).
    Cpu,
    /// v1 CPU accounting; folded into `cpu.stat` in v2.
    Cpuacct,
    /// Block I/O: `io` in v2, `blkio` in v1.
    Io,
    /// Memory: `memory.max`, `memory.high`, OOM handling.
    Memory,
    /// v1 device access lists; v2 uses BPF programs instead.
    Devices,
    /// v1 freezer; v2 uses the core file `cgroup.freeze`.
    Freezer,
    /// v1 network class ids.
    NetCls,
    /// perf events per cgroup (implicitly on in v2).
    PerfEvent,
    /// v1 network priorities.
    NetPrio,
    /// Huge page limits.
    Hugetlb,
    /// Number of tasks: `pids.max`.
    Pids,
    /// RDMA resources.
    Rdma,
    /// Miscellaneous scalar resources.
    Misc,
}

/// How a controller behaves on the v2 (unified) hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum V2Kind {
    /// Subject to the no-internal-process rule (memory, io, hugetlb, rdma, misc).
    Domain,
    /// Can handle processes competing with child cgroups (cpu, cpuset, pids).
    Threaded,
    /// Always on, never listed in `cgroup.controllers` (perf_event).
    Implicit,
    /// Has no v2 interface; writing `+name` to `cgroup.subtree_control` fails with EINVAL.
    V1Only,
}

impl Controller {
    /// Every controller, in the kernel's subsystem order.
    pub const ALL: &'static [Self] = &[
        Self::Cpuset,
        Self::Cpu,
        Self::Cpuacct,
        Self::Io,
        Self::Memory,
        Self::Devices,
        Self::Freezer,
        Self::NetCls,
        Self::PerfEvent,
        Self::NetPrio,
        Self::Hugetlb,
        Self::Pids,
        Self::Rdma,
        Self::Misc,
    ];

    /// The name in a v1 mount option and in `/proc/PID/cgroup` v1 lines (`blkio` for I/O).
    pub fn v1_name(self) -> &'static str {
        match self {
            Self::Io => "blkio",
            other => other.v2_name(),
        }
    }

    /// The name in v2 files such as `cgroup.controllers` (`io` for I/O).
    pub fn v2_name(self) -> &'static str {
        match self {
            Self::Cpuset => "cpuset",
            Self::Cpu => "cpu",
            Self::Cpuacct => "cpuacct",
            Self::Io => "io",
            Self::Memory => "memory",
            Self::Devices => "devices",
            Self::Freezer => "freezer",
            Self::NetCls => "net_cls",
            Self::PerfEvent => "perf_event",
            Self::NetPrio => "net_prio",
            Self::Hugetlb => "hugetlb",
            Self::Pids => "pids",
            Self::Rdma => "rdma",
            Self::Misc => "misc",
        }
    }

    /// The name used by `version`.
    pub fn name(self, version: CgroupVersion) -> &'static str {
        match version {
            CgroupVersion::V1 => self.v1_name(),
            CgroupVersion::V2 => self.v2_name(),
        }
    }

    /// Looks a controller up by either of its names (`blkio` and `io` both give [`Self::Io`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.v1_name() == name || c.v2_name() == name)
    }

    /// How the controller behaves on the unified hierarchy.
    pub fn v2_kind(self) -> V2Kind {
        match self {
            Self::Cpu | Self::Cpuset | Self::Pids => V2Kind::Threaded,
            Self::PerfEvent => V2Kind::Implicit,
            Self::Io | Self::Memory | Self::Hugetlb | Self::Rdma | Self::Misc => V2Kind::Domain,
            Self::Cpuacct | Self::Devices | Self::Freezer | Self::NetCls | Self::NetPrio => {
                V2Kind::V1Only
            }
        }
    }

    fn bit(self) -> u16 {
        // The discriminants are 0..14 in declaration order, which is `ALL`'s order.
        1 << (self as u16)
    }
}

/// A set of controllers, e.g. a cgroup's `cgroup.subtree_control`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ControllerSet(u16);

impl ControllerSet {
    /// The empty set.
    pub const EMPTY: Self = Self(0);

    /// The set of the given controllers.
    pub fn of(controllers: &[Controller]) -> Self {
        controllers.iter().fold(Self::EMPTY, |set, c| set.with(*c))
    }

    /// The controllers that a pure v2 system lists in the root's `cgroup.controllers`.
    pub fn v2_listable() -> Self {
        Self::of(
            &Controller::ALL
                .iter()
                .copied()
                .filter(|c| matches!(c.v2_kind(), V2Kind::Domain | V2Kind::Threaded))
                .collect::<Vec<_>>(),
        )
    }

    /// This set plus `controller`.
    pub fn with(self, controller: Controller) -> Self {
        Self(self.0 | controller.bit())
    }

    /// This set minus `controller`.
    pub fn without(self, controller: Controller) -> Self {
        Self(self.0 & !controller.bit())
    }

    /// Whether `controller` is in the set.
    pub fn contains(self, controller: Controller) -> bool {
        self.0 & controller.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Controllers in both sets.
    pub fn intersection(self, other: Self) -> Self {
        Self(self.0 & other.0)
    }

    /// Controllers in either set.
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// The controllers, in kernel order.
    pub fn iter(self) -> impl Iterator<Item = Controller> {
        Controller::ALL
            .iter()
            .copied()
            .filter(move |c| self.contains(*c))
    }

    /// Whether any controller in the set is a v2 domain controller.
    pub fn has_domain(self) -> bool {
        self.iter().any(|c| c.v2_kind() == V2Kind::Domain)
    }

    /// The names joined by `separator`, e.g. `"cpu memory pids"` or `"cpu,cpuacct"`.
    pub fn join(self, version: CgroupVersion, separator: &str) -> String {
        self.iter()
            .map(|c| c.name(version))
            .collect::<Vec<_>>()
            .join(separator)
    }
}

impl Serialize for ControllerSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Controller::v2_name))
    }
}

impl Serialize for Controller {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.v2_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_has_two_names() {
        assert_eq!(Controller::from_name("blkio"), Some(Controller::Io));
        assert_eq!(Controller::from_name("io"), Some(Controller::Io));
        assert_eq!(Controller::Io.v1_name(), "blkio");
        assert_eq!(Controller::from_name("bogus"), None);
    }

    #[test]
    fn threaded_controllers_match_the_kernel() {
        // `.threaded = true` in kernel/sched/core.c (cpu), cgroup/cpuset.c, cgroup/pids.c.
        for c in [Controller::Cpu, Controller::Cpuset, Controller::Pids] {
            assert_eq!(c.v2_kind(), V2Kind::Threaded);
        }
        assert_eq!(Controller::Memory.v2_kind(), V2Kind::Domain);
        assert_eq!(Controller::Io.v2_kind(), V2Kind::Domain);
    }

    #[test]
    fn v2_root_lists_the_usual_controllers() {
        let set = ControllerSet::v2_listable();
        assert_eq!(
            set.join(CgroupVersion::V2, " "),
            "cpuset cpu io memory hugetlb pids rdma misc"
        );
    }

    #[test]
    fn set_operations() {
        let set = ControllerSet::of(&[Controller::Cpu, Controller::Memory]);
        assert!(set.contains(Controller::Cpu));
        assert!(!set.without(Controller::Cpu).contains(Controller::Cpu));
        assert!(set.has_domain());
        assert!(!ControllerSet::of(&[Controller::Cpu, Controller::Pids]).has_domain());
        assert_eq!(set.join(CgroupVersion::V1, ","), "cpu,memory");
    }
}
