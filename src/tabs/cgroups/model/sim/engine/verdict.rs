//! The memory verdict of a run (its first OOM kill, whether `memory.high` throttled anything),
//! stepped only as far as it takes and only through what decides it.
//!
//! A quiz question about a limit runs up to six verdicts, and each used to step the whole
//! engine thousands of times. Two things make that cheaper without changing a bit of the memory
//! state the whole run has at the same step (the tests below compare them step by step):
//!
//! - The CPU is left out. No memory rule reads the CPU tree's shares or usage (growth is each
//!   task's rate, slowed only by `memory.high`), and the verdict reports none of it.
//! - Quiet stretches are charged in one go. When every limited group grows and stays a page
//!   below both its limits for the next N steps' growth, each of those steps' `begin_step`
//!   would find every group safe, nothing to reclaim and no overage, so the steps do nothing
//!   but charge each safe group its growth: [`Memory::charge_safe_groups_times`] does exactly
//!   those additions, in the same order, without the checks around them. A stretch ends before
//!   the next scheduled event (a fork may add a grower) and at the run's end. Nothing in a
//!   quiet stretch can kill or throttle, so deciding the verdict after it, rather than at each
//!   of its steps, decides the same.

use std::cmp::Reverse;

use super::super::memory::Event;
use super::super::trace::MemoryVerdict;
use super::{Engine, Kind};
#[cfg(test)]
use crate::tabs::cgroups::model::scene::Scene;

impl Engine {
    /// Runs the steps only until the run's memory verdict is decided: its first OOM kill, or the
    /// step after which no kill can come and throttling has happened or cannot (see
    /// [`super::super::memory::Memory::limits_within`]). A pending fork may add a grower, so it
    /// keeps the run going.
    pub fn memory_verdict(mut self) -> MemoryVerdict {
        let steps = self.config.steps();
        let mut k = 0;
        while k < steps {
            k += self.memory_steps(k, steps);
            if !self.oom_kills.is_empty() {
                break;
            }
            let forks_pending = self
                .events
                .iter()
                .any(|Reverse((_, _, kind, _))| *kind == Kind::Fork);
            let (kill, throttle) = self.memory.limits_within(steps - k);
            if !forks_pending && !kill && (!throttle || self.throttled()) {
                break;
            }
        }
        MemoryVerdict {
            first_oom_kill: self.oom_kills.first().cloned(),
            throttled: self.throttled(),
        }
    }

    /// Step `k` as far as memory goes (its due events and its growth), and with it the quiet
    /// steps that follow (see the module docs); returns how many steps ran (at least one).
    fn memory_steps(&mut self, k: u64, steps: u64) -> u64 {
        let now = k * self.config.step_usec;
        self.handle_due(now);
        let idle = self.memory.idle();
        if !idle && self.memory.enabled() {
            self.memory.begin_step(&self.layout);
        }
        let quiet = self.quiet_steps(k, steps, idle);
        if quiet == 0 {
            if idle {
                self.memory.charge_safe_groups();
            } else {
                self.grow_all(now);
            }
            return 1;
        }
        self.memory.charge_safe_groups_times(quiet);
        quiet
    }

    /// How many steps from `k` (whose `begin_step`, unless `idle`, has run) would only charge
    /// the safe groups: none when this one needs its checks.
    fn quiet_steps(&self, k: u64, steps: u64, idle: bool) -> u64 {
        let growing_unsafe = (0..self.growers_of.len())
            .any(|g| !self.growers_of[g].is_empty() && !self.memory.safe[g]);
        let memory = if idle {
            // No grower, nothing charged: an idle step stays idle unless it charges something.
            if self.memory.charges_safe_groups() {
                return 0;
            }
            u64::MAX
        } else if growing_unsafe || !self.memory.enabled() {
            return 0;
        } else {
            self.memory.quiet_steps()
        };
        // The step at which the next event is due (events due now have been handled).
        let step_usec = self.config.step_usec.max(1);
        let events = self
            .events
            .peek()
            .map_or(u64::MAX, |Reverse((time, ..))| time.div_ceil(step_usec));
        memory
            .min(events.saturating_sub(k))
            .min(steps.saturating_sub(k))
    }

    /// Whether some group has counted a `memory.high` event.
    fn throttled(&self) -> bool {
        self.memory
            .events
            .iter()
            .any(|counts| counts[Event::High as usize] > 0)
    }
}

#[cfg(test)]
/// Steps one engine as the whole run does and another as the verdict does, and compares
/// their memory state (every group's usage, page cache and event counts, each task's
/// anonymous memory, the kills) bit for bit wherever the verdict's steps end. Returns how
/// many steps the verdict skipped in quiet stretches. (The tests here and the drawn loads of
/// `sim::tests` run it.)
pub(in crate::tabs::cgroups::model::sim) fn same_step_by_step(scene: &Scene) -> u64 {
    let state = scene.final_state();
    let config = scene.sim.clone();
    let mut whole = Engine::new(&state, &config);
    let mut verdict = Engine::new(&state, &config);
    let steps = config.steps();
    let (mut k, mut skipped) = (0, 0);
    while k < steps {
        let ran = verdict.memory_steps(k, steps);
        for step in k..k + ran {
            whole.advance(step);
        }
        k += ran;
        skipped += ran - 1;
        assert_eq!(
            whole.memory.snapshot(),
            verdict.memory.snapshot(),
            "step {k}"
        );
        for t in 0..whole.tasks.pid.len() {
            assert_eq!(
                whole.anon_now(t),
                verdict.anon_now(t),
                "task {t} at step {k}"
            );
        }
        assert_eq!(whole.oom_kills, verdict.oom_kills, "step {k}");
    }
    skipped
}

#[cfg(test)]
mod tests {
    use super::super::super::super::scene::{Scene, SceneOp};
    use super::super::super::super::text::parse_ops;
    use super::super::super::super::{CgroupVersion, Preset};
    use super::*;

    /// A scene: a preset with operations appended.
    fn scene(preset: Preset, version: CgroupVersion, ops: &str) -> Scene {
        let mut scene = preset.scene_for(version).expect("the preset exists");
        scene.ops.extend(
            parse_ops(ops)
                .expect("parses")
                .into_iter()
                .map(|op| SceneOp { op, note: None }),
        );
        scene
    }

    /// The quiz's scenes: the memory-limit question's cruncher under each limit, the OOM
    /// question's two processes, and every preset in both versions.
    #[test]
    fn the_verdicts_steps_are_the_whole_runs() {
        let mut skipped = 0;
        for file in ["memory.max", "memory.high"] {
            for limit in [64, 100, 128, 200, 1024] {
                let other = if file == "memory.max" {
                    "memory.high"
                } else {
                    "memory.max"
                };
                let ops = format!(
                    "load 401 idle anon=40M/s cache=20M/s; set /batch {other} max; \
                     set /batch {file} {limit}M"
                );
                skipped += same_step_by_step(&scene(Preset::MemoryHigh, CgroupVersion::V2, &ops));
            }
        }
        for version in [CgroupVersion::V1, CgroupVersion::V2] {
            let ops = "load 301 idle anon=20M/s rss=30M; load 302 idle anon=10M/s rss=10M";
            skipped += same_step_by_step(&scene(Preset::MemoryLeak, version, ops));
            for preset in Preset::ALL {
                if preset.scene_for(version).is_some() {
                    same_step_by_step(&scene(*preset, version, ""));
                }
            }
        }
        assert!(
            skipped > 10_000,
            "quiet stretches were charged in one go: {skipped}"
        );
    }
}
