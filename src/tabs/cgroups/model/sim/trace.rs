//! The output of a simulation run: a time series per group, the OOM kills, and timeline marks.
//!
//! The run happens once; the state at time t is read from the sample at or before t, so it is a
//! pure function of (scene, t).

use serde::Serialize;

use super::super::controller::ControllerSet;
use super::super::path::CgroupPath;
use super::super::state::Pid;
use super::SimConfig;

/// One simulated cgroup and the limits it ran with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimGroup {
    /// Index of its hierarchy in the state.
    pub hierarchy: usize,
    /// Its path in that hierarchy.
    pub path: CgroupPath,
    /// Which of cpu, memory and pids have state here (the root reports all of its hierarchy's).
    pub reports: ControllerSet,
    /// `cpu.max` quota per period (µs), if limited.
    pub cpu_quota_usec: Option<u64>,
    /// `cpu.max` period (µs).
    pub cpu_period_usec: u64,
    /// `memory.max` (v1 `memory.limit_in_bytes`), if limited.
    pub memory_max_bytes: Option<u64>,
    /// `memory.high`, if limited.
    pub memory_high_bytes: Option<u64>,
    /// `pids.max`, if limited.
    pub pids_max: Option<u64>,
}

/// The counters of `memory.events` (cumulative).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MemoryEvents {
    /// Throttled above memory.high.
    pub high: u64,
    /// A charge was about to exceed memory.max.
    pub max: u64,
    /// Reclaim failed at memory.max.
    pub oom: u64,
    /// Tasks killed by the OOM killer.
    pub oom_kill: u64,
}

/// One group at one sample time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct GroupSample {
    /// Average CPUs used by the group and its descendants since the previous sample.
    pub cpu_usage_cpus: f32,
    /// Cumulative CPU time (`cpu.stat` usage_usec).
    pub cpu_usage_usec: u64,
    /// `cpu.stat` nr_periods (periods with runnable tasks under a quota).
    pub nr_periods: u64,
    /// `cpu.stat` nr_throttled.
    pub nr_throttled: u64,
    /// Wall-clock time throttled (the kernel's throttled_usec sums this over CPUs).
    pub throttled_usec: u64,
    /// `memory.current`: bytes charged to the group and its descendants.
    pub memory_bytes: u64,
    /// `memory.events`.
    pub memory_events: MemoryEvents,
    /// Tasks in the group and its descendants (`pids.current`).
    pub pids_current: u64,
    /// `pids.events` max: forks refused by this group's limit (v2: or a descendant's; v1: forks
    /// refused in this group).
    pub pids_events_max: u64,
}

/// A task the OOM killer killed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OomKill {
    /// Simulated time of the kill.
    pub time_secs: f64,
    /// The victim's pid.
    pub pid: Pid,
    /// The victim's command name.
    pub comm: String,
    /// Group index of the victim's memory cgroup.
    pub group: usize,
    /// Group index whose memory.max was reached.
    pub limit_group: usize,
    /// Anonymous memory the victim held.
    pub anon_bytes: u64,
}

/// How a run meets its memory limits, read by stepping it only until that is decided
/// ([`super::memory_verdict`]).
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryVerdict {
    /// The run's first OOM kill, if it has one.
    pub first_oom_kill: Option<OomKill>,
    /// Whether any group counted a `memory.high` event (was throttled) before the verdict.
    pub throttled: bool,
}

/// A named moment of the run, for the seconds timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimMark {
    /// When it happened.
    pub at_secs: f64,
    /// Unique slug (`oom-kill`, `pids-max`, `throttled`, `memory-high`, `idle`, `busy`).
    pub slug: String,
    /// One sentence for the student.
    pub label: String,
}

/// A finished run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimTrace {
    pub(super) config: SimConfig,
    pub(super) groups: Vec<SimGroup>,
    pub(super) samples: Vec<GroupSample>,
    pub(super) oom_kills: Vec<OomKill>,
    pub(super) marks: Vec<SimMark>,
    pub(super) forks_refused_by_pid_max: u64,
}

impl SimTrace {
    /// The settings of the run.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// The simulated groups.
    pub fn groups(&self) -> &[SimGroup] {
        &self.groups
    }

    /// The group at `path` of hierarchy `hierarchy`.
    pub fn find_group(&self, hierarchy: usize, path: &str) -> Option<usize> {
        self.groups
            .iter()
            .position(|g| g.hierarchy == hierarchy && g.path.as_str() == path)
    }

    /// Number of samples (the first is at t = 0).
    pub fn sample_count(&self) -> usize {
        if self.groups.is_empty() {
            0
        } else {
            self.samples.len() / self.groups.len()
        }
    }

    /// Seconds between samples.
    pub fn sample_interval_secs(&self) -> f64 {
        self.config.sample_interval_secs()
    }

    /// Time of sample `index`.
    pub fn sample_time_secs(&self, index: usize) -> f64 {
        index as f64 * self.sample_interval_secs()
    }

    /// The last sample at or before `t_secs` (clamped to the run).
    pub fn sample_index_at(&self, t_secs: f64) -> usize {
        let last = self.sample_count().saturating_sub(1);
        if !t_secs.is_finite() || t_secs <= 0.0 {
            return 0;
        }
        // A small tolerance so that t = k * interval lands on sample k despite rounding.
        let index = (t_secs / self.sample_interval_secs() + 1e-9).floor() as usize;
        index.min(last)
    }

    /// Group `group` at sample `index` (both clamped to the run).
    pub fn sample(&self, index: usize, group: usize) -> &GroupSample {
        let n = self.groups.len().max(1);
        let index = index.min(self.sample_count().saturating_sub(1));
        let group = group.min(n - 1);
        &self.samples[index * n + group]
    }

    /// The series of one group as `(time_secs, sample)` pairs.
    pub fn series(&self, group: usize) -> impl Iterator<Item = (f64, &GroupSample)> + '_ {
        (0..self.sample_count()).map(move |i| (self.sample_time_secs(i), self.sample(i, group)))
    }

    /// CPU share of the whole machine in percent at sample `index`.
    pub fn cpu_share_pct(&self, index: usize, group: usize) -> f64 {
        f64::from(self.sample(index, group).cpu_usage_cpus) / f64::from(self.config.cpus) * 100.0
    }

    /// The OOM kills in time order.
    pub fn oom_kills(&self) -> &[OomKill] {
        &self.oom_kills
    }

    /// Named moments in time order.
    pub fn marks(&self) -> &[SimMark] {
        &self.marks
    }

    /// Forks refused because the simulation's task limit (its stand-in for `pid_max`) was hit.
    pub fn forks_refused_by_pid_max(&self) -> u64 {
        self.forks_refused_by_pid_max
    }
}
