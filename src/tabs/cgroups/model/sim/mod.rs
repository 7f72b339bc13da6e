//! The time-stepped resource simulation: CPU shares and throttling, memory growth with reclaim,
//! `memory.high` throttling and OOM kills, and `pids.max` refusing forks.
//!
//! [`simulate`] runs a structural [`State`] (the scene after its last step) once, with fixed-size
//! steps, and records samples at a fixed interval. Everything is deterministic: no clock, no
//! randomness, tasks processed in index order. The design targets 100 groups with 1,000 tasks for
//! 10,000 steps in well under 100 ms: flat arrays indexed by group and task, limit chains so that
//! unlimited groups cost nothing, and no allocation per step once the buffers exist.

// Indexing is allowed in this module and its children, and only here among the models: the core
// is struct-of-arrays, with per-group columns that `Layout` sizes to its group count and per-task
// columns that grow together in the engine's `spawn`. Every index is a group or task number those
// two handed out, `NONE` is checked before it is used, and no column shrinks. The ~300 index
// expressions are the inner loop of a run (the 100 x 1,000 x 10,000 benchmark above); a `get` with
// a fallback at each would hide a wrong index instead of reporting it, while a panic fails the
// property tests (`tests.rs`: every preset in both versions, the early verdict against the whole
// run, drawn leaks and limits) at once.
#![allow(clippy::indexing_slicing)]

mod chains;
mod cpu;
mod engine;
mod layout;
mod memory;
#[cfg(test)]
mod tests;
mod trace;

use serde::Serialize;

use super::state::State;

pub use memory::{CHARGE_BATCH_BYTES, high_delay_secs};
pub use trace::{GroupSample, MemoryEvents, MemoryVerdict, OomKill, SimGroup, SimMark, SimTrace};

/// Settings of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimConfig {
    /// CPUs shared by all tasks.
    pub cpus: u32,
    /// Length of one step in µs.
    pub step_usec: u64,
    /// Length of the run in µs.
    pub duration_usec: u64,
    /// Record a sample every this many steps.
    pub sample_every_steps: u32,
    /// The most tasks that can exist at once, a stand-in for `kernel.pid_max` that keeps an
    /// unlimited fork bomb finite; forks beyond it fail.
    pub max_tasks: u32,
}

impl Default for SimConfig {
    /// One CPU, 1 ms steps, 10 s, a sample every 50 ms, at most 4096 tasks.
    fn default() -> Self {
        Self {
            cpus: 1,
            step_usec: 1_000,
            duration_usec: 10_000_000,
            sample_every_steps: 50,
            max_tasks: 4096,
        }
    }
}

impl SimConfig {
    /// Seconds between samples.
    pub fn sample_interval_secs(&self) -> f64 {
        (self.step_usec * u64::from(self.sample_every_steps)) as f64 / 1e6
    }

    /// Length of the run in seconds.
    pub fn duration_secs(&self) -> f64 {
        self.duration_usec as f64 / 1e6
    }

    /// Number of whole steps in the run.
    pub fn steps(&self) -> u64 {
        self.duration_usec / self.step_usec.max(1)
    }
}

/// Settings that cannot be simulated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// No CPUs.
    #[error("the simulation needs at least one CPU")]
    NoCpus,
    /// A zero step length or sample interval.
    #[error("the step length and the sample interval must be above zero")]
    ZeroStep,
    /// The run is shorter than one sample interval.
    #[error("the run ({duration_usec} µs) is shorter than one sample interval")]
    TooShort {
        /// Requested duration.
        duration_usec: u64,
    },
    /// So many samples that the trace would not fit in memory comfortably.
    #[error(
        "{samples} samples x {groups} groups is more than the 20 million values the trace allows"
    )]
    TooManySamples {
        /// Samples requested.
        samples: u64,
        /// Groups in the state.
        groups: u64,
    },
    /// A task limit of zero.
    #[error("max_tasks must be at least 1")]
    NoTasks,
}

/// Runs `state` under `config` and returns the recorded trace.
pub fn simulate(state: &State, config: &SimConfig) -> Result<SimTrace, SimError> {
    check(state, config)?;
    Ok(engine::Engine::new(state, config).run())
}

/// The memory verdict of the run [`simulate`] would make: its first OOM kill, and whether
/// `memory.high` throttled anything. The same engine steps the same steps, but stops as soon as
/// the verdict is decided (at the first kill, or when no limit can be met in the steps left)
/// and records no samples, so a question about it costs a fraction of the whole run.
pub fn memory_verdict(state: &State, config: &SimConfig) -> Result<MemoryVerdict, SimError> {
    check(state, config)?;
    Ok(engine::Engine::new(state, config).memory_verdict())
}

/// The settings [`simulate`] refuses.
fn check(state: &State, config: &SimConfig) -> Result<(), SimError> {
    if config.cpus == 0 {
        return Err(SimError::NoCpus);
    }
    if config.step_usec == 0 || config.sample_every_steps == 0 {
        return Err(SimError::ZeroStep);
    }
    if config.max_tasks == 0 {
        return Err(SimError::NoTasks);
    }
    let samples = config.steps() / u64::from(config.sample_every_steps);
    if samples == 0 {
        return Err(SimError::TooShort {
            duration_usec: config.duration_usec,
        });
    }
    let groups: u64 = state
        .hierarchies()
        .iter()
        .map(|h| h.cgroups().count() as u64)
        .sum();
    if (samples + 1).saturating_mul(groups) > 20_000_000 {
        return Err(SimError::TooManySamples {
            samples: samples + 1,
            groups,
        });
    }
    Ok(())
}
