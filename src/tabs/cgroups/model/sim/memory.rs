//! Memory accounting per cgroup: charges, reclaim, `memory.high` throttling, `memory.max` OOM.
//!
//! Usage is charged to the task's cgroup and counted hierarchically (`memory.current` includes
//! descendants). Page cache is reclaimable, anonymous memory is not (the model has no swap, like
//! most containers). Rules, from Documentation/admin-guide/cgroup-v2.rst and mm/memcontrol.c:
//!
//! - Above `memory.high` the kernel reclaims, and if that is not enough it makes the allocating
//!   task sleep: `calculate_high_delay` gives 64 s x overage^2 per 64-page charge batch (256 KiB),
//!   at most 2 s, and no sleep at all below 10 ms (the table in mm/memcontrol.c: 101M with a 100M
//!   high costs 6 ms, 110M costs 639 ms). It never invokes the OOM killer. Each throttled batch
//!   counts a `high` event.
//! - A charge that would exceed `memory.max` counts a `max` event and triggers direct reclaim; if
//!   reclaim cannot make room, the cgroup goes OOM (`oom` event) and the OOM killer kills the task
//!   with the most memory in that cgroup (`oom_kill` event in the victim's cgroup).
//! - On v2 `memory.events` is hierarchical: an event also counts in every non-root ancestor. On v1
//!   (which has no `memory.events`) the counters stay local, like `memory.failcnt` and
//!   `memory.oom_control`'s `oom_kill`.

use super::chains::Chains;
use super::layout::{Layout, NONE};

/// `MEMCG_CHARGE_BATCH` (64 pages since Linux 6.1) x 4 KiB: the unit of high-limit throttling.
pub const CHARGE_BATCH_BYTES: f64 = 64.0 * 4096.0;

/// Largest sleep per batch (`MEMCG_MAX_HIGH_DELAY_JIFFIES` = 2 s).
const MAX_HIGH_DELAY_SECS: f64 = 2.0;

/// Sleeps at or below `HZ / 100` (10 ms) are skipped.
const MIN_HIGH_DELAY_SECS: f64 = 0.01;

/// Index of each counter in [`Memory::events`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// `high`: throttled for exceeding memory.high.
    High = 0,
    /// `max`: a charge was about to exceed memory.max.
    Max = 1,
    /// `oom`: reclaim failed at memory.max and the cgroup went out of memory.
    Oom = 2,
    /// `oom_kill`: a task of the cgroup was killed by the OOM killer.
    OomKill = 3,
}

/// The sleep per charge batch for a relative overage (kernel `calculate_high_delay` and the
/// 10 ms cut-off in `mem_cgroup_handle_over_high`).
pub fn high_delay_secs(overage: f64) -> f64 {
    let delay = (64.0 * overage * overage).min(MAX_HIGH_DELAY_SECS);
    if delay <= MIN_HIGH_DELAY_SECS {
        0.0
    } else {
        delay
    }
}

/// Memory state of every group of the memory hierarchy.
pub struct Memory {
    max_bytes: Vec<f64>,
    high_bytes: Vec<f64>,
    chains: Chains,
    limited: Vec<u32>,
    local_bytes: Vec<f64>,
    local_cache_bytes: Vec<f64>,
    hier_bytes: Vec<f64>,
    hier_cache_bytes: Vec<f64>,
    overage: Vec<f64>,
    step_bytes: Vec<f64>,
    step_cache_bytes: Vec<f64>,
    hier_step_bytes: Vec<f64>,
    hier_step_cache_bytes: Vec<f64>,
    /// Per group: no limit can be reached in this step, so its tasks may grow without checks.
    pub safe: Vec<bool>,
    /// Per group: `memory.max` cannot be reached in this step (but `memory.high` may throttle).
    pub below_max: Vec<bool>,
    /// Per group: how many steps its tasks grew unchecked; tasks catch up lazily from it.
    pub safe_steps: Vec<u64>,
    /// Sleep per charge batch for tasks charged to each group in the current step.
    pub delay_secs: Vec<f64>,
    /// Event counters per group, indexed by [`Event`].
    pub events: Vec<[u64; 4]>,
    hierarchical_events: bool,
    hierarchy: Option<usize>,
    /// Tasks registered as growing.
    growers: i64,
    /// Whether a charge or a grower changed since the last [`Memory::begin_step`] began.
    changed: bool,
}

impl Memory {
    /// Sets up the memory hierarchy of `layout`.
    pub fn new(layout: &Layout) -> Self {
        let n = layout.len();
        let hierarchy = layout.memory_hierarchy;
        let mut max_bytes = vec![f64::INFINITY; n];
        let mut high_bytes = vec![f64::INFINITY; n];
        for g in 0..n {
            let own_css = layout.memory_css[g] == g as u32;
            if own_css && layout.parent[g] != NONE {
                let limits = &layout.cgroup[g].limits;
                max_bytes[g] = limits.memory_max_bytes.map_or(f64::INFINITY, |b| b as f64);
                high_bytes[g] = limits.memory_high_bytes.map_or(f64::INFINITY, |b| b as f64);
            }
        }
        let is_limited = |g: usize| max_bytes[g].is_finite() || high_bytes[g].is_finite();
        let chains = Chains::new(layout, hierarchy, is_limited);
        let limited = (0..n)
            .filter(|g| is_limited(*g))
            .map(|g| g as u32)
            .collect();
        Self {
            chains,
            limited,
            max_bytes,
            high_bytes,
            local_bytes: vec![0.0; n],
            local_cache_bytes: vec![0.0; n],
            hier_bytes: vec![0.0; n],
            hier_cache_bytes: vec![0.0; n],
            overage: vec![0.0; n],
            step_bytes: vec![0.0; n],
            step_cache_bytes: vec![0.0; n],
            hier_step_bytes: vec![0.0; n],
            hier_step_cache_bytes: vec![0.0; n],
            safe: vec![false; n],
            safe_steps: vec![0; n],
            below_max: vec![false; n],
            delay_secs: vec![0.0; n],
            events: vec![[0; 4]; n],
            hierarchical_events: layout.version == super::super::version::CgroupVersion::V2,
            hierarchy,
            growers: 0,
            changed: true,
        }
    }

    /// Whether the memory controller is mounted at all.
    pub fn enabled(&self) -> bool {
        self.hierarchy.is_some()
    }

    /// Bytes charged directly to group `g` (not its descendants).
    pub fn local_bytes(&self, g: usize) -> f64 {
        self.local_bytes[g]
    }

    /// Start of a step: reclaim page cache above `memory.high`, then compute each group's
    /// overage (the worst over its ancestors), the resulting sleep per batch, and whether the group
    /// is safe: not throttled, and its whole growth this step fits under every limit above it.
    pub fn begin_step(&mut self, layout: &Layout) {
        if !self.enabled() {
            return;
        }
        self.changed = false;
        for i in 0..self.limited.len() {
            let a = self.limited[i] as usize;
            let excess = self.hier_bytes[a] - self.high_bytes[a];
            if excess > 0.0 && self.hier_cache_bytes[a] > 0.0 {
                self.reclaim(layout, a as u32, excess);
            }
        }
        for g in 0..layout.len() {
            if Some(layout.hierarchy[g] as usize) != self.hierarchy {
                continue;
            }
            let own = if self.hier_bytes[g] > self.high_bytes[g] {
                (self.hier_bytes[g] - self.high_bytes[g]) / self.high_bytes[g].max(4096.0)
            } else {
                0.0
            };
            let parent = layout.parent[g];
            let inherited = if parent == NONE {
                0.0
            } else {
                self.overage[parent as usize]
            };
            self.overage[g] = own.max(inherited);
            self.delay_secs[g] = high_delay_secs(self.overage[g]);
            let (mut below_max, mut below_high) = (true, true);
            for &a in self.chains.of(g as u32) {
                let a = a as usize;
                let next = self.hier_bytes[a] + self.hier_step_bytes[a];
                below_max &= next <= self.max_bytes[a];
                below_high &= next <= self.high_bytes[a];
            }
            self.below_max[g] = below_max;
            self.safe[g] = below_max && below_high && self.overage[g] == 0.0;
        }
    }

    /// Whether a step would change nothing here but the safe groups' charges: no task grows
    /// and nothing was charged since the last step began, so [`Memory::begin_step`] would
    /// compute what it computed then and growth would charge nothing.
    pub fn idle(&self) -> bool {
        self.growers == 0 && !self.changed
    }

    /// Registers (or with `sign` -1, removes) a task that grows by `bytes` per step, `cache` of it
    /// page cache, in group `g`.
    pub fn add_grower(&mut self, g: u32, bytes: f64, cache: f64, sign: f64) {
        if g == NONE {
            return;
        }
        self.growers += if sign > 0.0 { 1 } else { -1 };
        self.changed = true;
        self.step_bytes[g as usize] += sign * bytes;
        self.step_cache_bytes[g as usize] += sign * cache;
        for &a in self.chains.of(g) {
            self.hier_step_bytes[a as usize] += sign * bytes;
            self.hier_step_cache_bytes[a as usize] += sign * cache;
        }
    }

    /// Charges one step of growth of every safe group at once and counts the step for its
    /// tasks, which add it to their own counters only when they are next looked at.
    pub fn charge_safe_groups(&mut self) {
        for g in 0..self.safe.len() {
            if self.safe[g] {
                self.safe_steps[g] += 1;
                if self.step_bytes[g] != 0.0 {
                    self.charge(g as u32, self.step_bytes[g], self.step_cache_bytes[g]);
                }
            }
        }
    }

    /// Whether charging the safe groups would charge anything (a group's growth left as a
    /// rounding residue after its growers went counts).
    pub fn charges_safe_groups(&self) -> bool {
        (0..self.safe.len()).any(|g| self.safe[g] && self.step_bytes[g] != 0.0)
    }

    /// [`Memory::charge_safe_groups`] `times` times over, with the same additions in the same
    /// order (so the same sums, bit for bit); the safe groups must not change meanwhile.
    pub fn charge_safe_groups_times(&mut self, times: u64) {
        let charging: Vec<u32> = (0..self.safe.len())
            .filter(|g| self.safe[*g] && self.step_bytes[*g] != 0.0)
            .map(|g| g as u32)
            .collect();
        for g in 0..self.safe.len() {
            if self.safe[g] {
                self.safe_steps[g] += times;
            }
        }
        for _ in 0..times {
            for &g in &charging {
                self.charge(
                    g,
                    self.step_bytes[g as usize],
                    self.step_cache_bytes[g as usize],
                );
            }
        }
    }

    /// How many steps in a row, from one whose [`Memory::begin_step`] has just run, would find
    /// every group safe again and nothing to reclaim, so that they only charge the safe groups:
    /// every limited group must grow (never shrink) and stay a page below both its limits after
    /// that many steps' growth. A page covers the rounding of sums the steps add one at a time.
    /// 0 when this step already needs its checks; `u64::MAX` when nothing limited grows.
    pub fn quiet_steps(&self) -> u64 {
        const MARGIN_BYTES: f64 = 4096.0;
        let mut quiet = u64::MAX;
        for &a in &self.limited {
            let a = a as usize;
            let room =
                self.max_bytes[a].min(self.high_bytes[a]) - MARGIN_BYTES - self.hier_bytes[a];
            let growth = self.hier_step_bytes[a];
            if growth < 0.0 || room < growth {
                return 0;
            }
            if growth > 0.0 {
                // At most the steps whose growth still fits: a float quotient floors to them.
                quiet = quiet.min((room / growth).floor() as u64);
            }
        }
        quiet
    }

    /// Every group's usage, page cache (each local, then hierarchical), event counts and
    /// unchecked steps, for the tests that compare two ways of stepping.
    #[cfg(test)]
    pub fn snapshot(&self) -> (Vec<Vec<f64>>, Vec<[u64; 4]>, Vec<u64>) {
        (
            vec![
                self.local_bytes.clone(),
                self.local_cache_bytes.clone(),
                self.hier_bytes.clone(),
                self.hier_cache_bytes.clone(),
            ],
            self.events.clone(),
            self.safe_steps.clone(),
        )
    }

    /// Whether the next `steps` steps can OOM-kill (`.0`) and whether they can throttle (`.1`),
    /// at the growth registered now (a fork that adds a grower is the caller's to rule out);
    /// `false` means they cannot.
    ///
    /// Per limited group that grows: an OOM kill needs reclaim to fail, and page cache is
    /// always reclaimable here, so the group's anonymous memory plus one step's charge must pass
    /// `memory.max`; its anonymous memory grows by at most its growers' anonymous bytes per
    /// step (throttling only slows it). `memory.high` is judged on the whole usage, cache
    /// included, since reclaim down to it may leave it a rounding error above. A page of margin
    /// covers the rounding of sums the steps add one at a time.
    pub fn limits_within(&self, steps: u64) -> (bool, bool) {
        const MARGIN_BYTES: f64 = 4096.0;
        let steps = steps as f64;
        let (mut kill, mut throttle) = (false, false);
        for &a in &self.limited {
            let a = a as usize;
            let growth = self.hier_step_bytes[a];
            if growth <= 0.0 {
                continue;
            }
            let anon = self.hier_bytes[a] - self.hier_cache_bytes[a];
            let anon_growth = (growth - self.hier_step_cache_bytes[a]).max(0.0);
            kill |= anon + steps * anon_growth + growth + MARGIN_BYTES >= self.max_bytes[a];
            throttle |=
                self.hier_bytes[a] + (steps + 1.0) * growth + MARGIN_BYTES >= self.high_bytes[a];
        }
        (kill, throttle)
    }

    /// Whether some limited ancestor-or-self of `g` was above `memory.high` at the step start.
    pub fn throttled(&self, g: u32) -> bool {
        self.overage[g as usize] > 0.0
    }

    /// The nearest limited group that a charge of `bytes` to `g` would push over `memory.max`.
    pub fn over_max(&self, g: u32, bytes: f64) -> Option<u32> {
        self.chains
            .of(g)
            .iter()
            .copied()
            .find(|a| self.hier_bytes[*a as usize] + bytes > self.max_bytes[*a as usize])
    }

    /// How far a charge of `bytes` would take limited group `a` past its `memory.max`.
    pub fn overshoot(&self, a: u32, bytes: f64) -> f64 {
        self.hier_bytes[a as usize] + bytes - self.max_bytes[a as usize]
    }

    /// Whether limited group `g` itself is above its `memory.high`.
    pub fn above_high(&self, g: usize) -> bool {
        self.hier_bytes[g] > self.high_bytes[g]
    }

    /// Counts one `high` event in every limited ancestor-or-self of `g` above `memory.high`.
    pub fn count_high(&mut self, layout: &Layout, g: u32) {
        for i in 0..self.chains.of(g).len() {
            let a = self.chains.of(g)[i];
            if self.hier_bytes[a as usize] > self.high_bytes[a as usize] {
                self.count(layout, a, Event::High);
            }
        }
    }

    /// Adds `bytes` (of which `cache` is page cache) to group `g`; negative values uncharge.
    pub fn charge(&mut self, g: u32, bytes: f64, cache: f64) {
        if g == NONE || (bytes == 0.0 && cache == 0.0) {
            return;
        }
        self.changed = true;
        self.local_bytes[g as usize] += bytes;
        self.local_cache_bytes[g as usize] += cache;
        for &a in self.chains.of(g) {
            self.hier_bytes[a as usize] += bytes;
            self.hier_cache_bytes[a as usize] += cache;
        }
    }

    /// Reclaims up to `bytes` of page cache from the subtree of `a`; returns what it freed.
    pub fn reclaim(&mut self, layout: &Layout, a: u32, bytes: f64) -> f64 {
        let mut freed = 0.0;
        for s in a..layout.subtree_end[a as usize] {
            if freed >= bytes {
                break;
            }
            let take = self.local_cache_bytes[s as usize].min(bytes - freed);
            if take > 0.0 {
                self.charge(s, -take, -take);
                freed += take;
            }
        }
        freed
    }

    /// Counts `event` in `g` and, on v2, in its non-root ancestors.
    pub fn count(&mut self, layout: &Layout, g: u32, event: Event) {
        let mut node = g;
        while node != NONE && layout.parent[node as usize] != NONE {
            self.events[node as usize][event as usize] += 1;
            if !self.hierarchical_events {
                break;
            }
            node = layout.parent[node as usize];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_delay_matches_the_kernel_table() {
        // mm/memcontrol.c: with memory.high at 100M, usage 101M costs 6 ms (skipped as <= 10 ms),
        // 102M 25 ms, 105M 159 ms, 110M 639 ms, and 118M or more the 2 s maximum.
        assert_eq!(high_delay_secs(0.01), 0.0);
        assert!((high_delay_secs(0.02) - 0.0256).abs() < 1e-3);
        assert!((high_delay_secs(0.05) - 0.16).abs() < 2e-3);
        assert!((high_delay_secs(0.10) - 0.64).abs() < 2e-3);
        assert_eq!(high_delay_secs(0.18), 2.0);
        assert_eq!(high_delay_secs(0.0), 0.0);
    }
}
