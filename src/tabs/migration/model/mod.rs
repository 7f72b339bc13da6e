//! The Migration tab's model: cold, pre-copy and post-copy migration as simulated timelines.
//!
//! The deck asks how the live migration methods work and what each costs. Rather than assert
//! "pre-copy has shorter downtime", the tab simulates all three on the same VM and link, so a
//! student can watch rounds shrink (or not), see why a dirty rate above the bandwidth never
//! converges, and see post-copy trade downtime for faults and for the risk of losing the VM.
//!
//! How the lead drives it:
//! * [`simulate`]`(params, mode)` runs once per parameter change (well under a millisecond
//!   for most scenarios, a few ms at most) and returns a [`MigrationTimeline`]: phases, per-round bars,
//!   network use, named events (slugs like `round-0`, `converged`, `resume`, `vm-lost`) and a
//!   [`Summary`].
//! * [`MigrationTimeline::state_at`]`(t)` and [`page_grid_at`]`(timeline, t, cells)` are pure functions
//!   of the timeline and `t`, cheap enough to call every frame while scrubbing (`t=SECONDS`).
//! * [`compare`] gives the three summaries for `mode=compare`.
//! * [`Preset`] and [`Params::set_key`] read the scene-link keys of SCENES.md; [`Rules`] is whose
//!   rules end pre-copy (QEMU, Xen 4.6+, legacy Xen), applied one set at a time.
//!
//! The model works on expected counts of pages per class (hot working set, cold rest), never
//! page by page, so a 64 GiB VM costs the same as a 64 MiB one.

mod autoconverge;
pub mod cluster;
mod cold;
mod compare;
mod dirty;
mod grid;
mod mode;
mod pages;
mod params;
mod postcopy;
mod precopy;
mod presets;
mod rules;
mod stall;
pub mod steps;
mod stop;
mod timeline;

#[cfg(test)]
mod proptests;

pub use compare::{Comparison, compare};
pub use grid::{CellState, page_grid_at};
pub use mode::Mode;
pub use params::{
    BYTES_PER_MIB, PAGE_SIZE_BYTES, ParamError, Params, QEMU_DOWNTIME_LIMIT_MS,
    QEMU_MAX_BANDWIDTH_MIB_S, WritePattern,
};
pub use presets::{CLARK_2005, HINES_GOPALAN_2009, Preset};
pub use rules::Rules;
pub use stop::StopCondition;
pub use timeline::{
    Bar, BarKind, Event, MigrationTimeline, NetSample, Outcome, PageCounts, Phase, PhaseKind,
    Summary, VmLocation, VmState, simulate, state_at,
};

/// Primary sources behind the numbers and rules this model shows.
pub const SOURCES: &[&str] = &[
    "Clark et al., Live Migration of Virtual Machines, NSDI 2005 (pre-copy, writable working set, 210 ms SPECweb and 60 ms Quake 3 downtimes)",
    "Xen before 4.6, libxc xc_domain_save.c (29 rounds, 3x memory, fewer than 50 pages sent or skipped, rate at its 500 Mbit/s cap with a growing round); Xen 2.0 xc_linux_save.c and Clark et al. section 4.2.1 (rate limit from 100 Mbit/s, dirtying rate + 50 Mbit/s)",
    "Xen 4.6+, tools/libs/guest/xg_sr_save.c simple_precopy_policy (SPP_MAX_ITERATIONS 5, SPP_TARGET_DIRTY_COUNT 50)",
    "QEMU migration/migration.c (switch over when the pending data fits bandwidth x downtime-limit; no round or data cap)",
    "QEMU migration/options.c and qapi/migration.json (downtime-limit 300 ms, max-bandwidth 128 MiB/s, auto-converge 50% trigger, 20% initial, +10%, 99% max)",
    "QEMU migration/ram.c migration_trigger_throttle (throttle after the dirty/sent threshold is exceeded twice)",
    "Hines and Gopalan, Post-Copy Based Live Virtual Machine Migration Using Adaptive Pre-Paging and Dynamic Self-Ballooning, VEE 2009",
    "QEMU docs, postcopy: \"If the migration fails during postcopy the VM will fail\"",
    "Geometric pre-copy model: Liu et al., HPDC 2011; Akoush et al., MASCOTS 2010",
];
