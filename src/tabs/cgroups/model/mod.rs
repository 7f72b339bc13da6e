//! The cgroups tab's model: v1 and v2 hierarchies with the kernel's rules, scenes of operations,
//! the limit editors' equivalents, presets, and a resource simulation. Pure: no I/O, no GUI.
//!
//! The model answers the questions the tab asks: what does the tree look like at step N, why did
//! this write fail (errno and a sentence), which shell, systemd and docker commands set this
//! limit, and what happens to CPU shares, memory and task counts over time under these limits.
//! The facts come from domain.md section 3 (cgroups(7), cgroup-v2.rst) and the kernel functions
//! named in each file; see [`SOURCES`].

pub mod apply;
pub mod controller;
pub mod equivalents;
pub mod errno;
#[cfg(test)]
mod invariants;
pub mod kparse;
pub mod limits;
pub mod op;
pub mod path;
pub mod presets;
pub mod scene;
pub mod sim;
pub mod state;
pub mod text;
pub mod units;
pub mod version;
pub mod workload;

pub use controller::{Controller, ControllerSet, V2Kind};
pub use errno::{ERRNOS, Errno, OpError};
pub use limits::{LimitFile, Limits};
pub use op::{Op, Target, TargetError};
pub use path::CgroupPath;
pub use presets::Preset;
pub use scene::{Scene, SceneOp, SceneTrace, Step};
pub use sim::{SimConfig, SimTrace, simulate};
pub use state::{Hierarchy, HierarchyKind, Pid, Process, State};
pub use text::{ParseError, format_ops, parse_ops};
pub use version::CgroupVersion;
pub use workload::Workload;

/// Primary sources behind the rules, numbers and messages of this model.
pub const SOURCES: &[&str] = &[
    "cgroups(7), man-pages 6.03: v1 hierarchies, one cgroup per hierarchy per process",
    "Documentation/admin-guide/cgroup-v2.rst: controllers, subtree_control, no internal processes, cpu.weight/cpu.max/memory.high/memory.max/memory.events/io.max/pids.max",
    "kernel/cgroup/cgroup.c: cgroup_subtree_control_write (EINVAL, ENOENT, EBUSY), cgroup_vet_subtree_control_enable, cgroup_migrate_vet_dst, cgroup_destroy_locked (EBUSY)",
    "kernel/cgroup/cgroup-v1.c: cgroup1_get_tree, rebind_subsystems (EBUSY for an attached controller)",
    "kernel/sched/core.c: cpu_weight_write_u64 (ERANGE), tg_set_bandwidth (1 ms..1 s, EINVAL), sched_group_set_shares (clamp 2..262144), tg_cfs_schedulable_down",
    "mm/memcontrol.c: try_charge_memcg, calculate_high_delay and its table, memcg_memory_event; mm/page_counter.c: page_counter_memparse",
    "kernel/cgroup/pids.c: pids_try_charge (EAGAIN), pids_event, pids_max_write",
    "block/blk-throttle.c: tg_set_limit; block/blk-cgroup.c: blkg_conf_open_bdev",
    "Measured on Linux 6.18 (this project's CI machine): rmdir of a cgroup with children or processes is EBUSY; writing a missing file is EACCES; +unknown is EINVAL; +unavailable is ENOENT; mounting an attached controller elsewhere is EBUSY",
    "systemd.resource-control(5): CPUWeight=, CPUQuota=, MemoryMax=, MemoryHigh=, TasksMax=, IOReadBandwidthMax=",
    "docker run reference: --cpus (period 100000, quota = cpus x 100000), --memory, --pids-limit, --device-read-bps",
];

/// Property-test settings: `cases` cases (or `PROPTEST_CASES`), a fixed seed so every run checks
/// the same inputs, and no regression files written next to the sources.
#[cfg(test)]
fn proptest_config(cases: u32) -> proptest::prelude::ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    proptest::prelude::ProptestConfig {
        cases,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x0c67_2007),
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    }
}
