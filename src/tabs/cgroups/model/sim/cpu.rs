//! CPU distribution: hierarchical weighted fair sharing with bandwidth caps, one step at a time.
//!
//! This is the fluid (idealized) form of CFS group scheduling. In every cgroup with cpu state, the
//! runnable tasks charged to it (weight 1024 each, nice 0) and its active child groups (their
//! `cpu.weight` converted to shares, or v1 `cpu.shares`) split the cgroup's CPU in proportion to
//! their weights; an entity never gets more than it can use (a task at most one CPU, a group at most
//! what its subtree can use and its `cpu.max` quota allows), and the excess goes to the others
//! (work conserving). Fractions therefore multiply down the tree: domain.md section 3 ("each active
//! child gets w_i / sum of active w") and cgroup-v2.rst "Weights". Bandwidth follows cgroup-v2.rst
//! `cpu.max`: a group may run `$MAX` µs per `$PERIOD`, then it is throttled until the period ends
//! (`cpu.stat` nr_periods, nr_throttled, throttled_usec).
//!
//! Simplifications: CPUs are a pool (no per-CPU runqueues or migration), and `throttled_usec` is
//! wall-clock time throttled, whereas the kernel sums it over the CPUs the group was throttled on.

use super::layout::{Layout, NONE};

/// Kernel weight of one nice-0 task (`NICE_0_LOAD` scaled down): equal to `cpu.weight` 100.
const TASK_WEIGHT: f64 = 1024.0;

/// Tolerance for "the quota ran out in this step".
const EPSILON: f64 = 1e-9;

/// The cpu tree: one node per cgroup with cpu state (or one virtual root when cpu is unmounted).
pub struct CpuTree {
    /// Report group of each node ([`NONE`] for the virtual root).
    pub group: Vec<u32>,
    parent: Vec<u32>,
    child_start: Vec<u32>,
    children: Vec<u32>,
    weight: Vec<f64>,
    quota_usec: Vec<Option<f64>>,
    period_usec: Vec<u64>,
    /// Runnable tasks charged directly to each node.
    own_runnable: Vec<u32>,
    demand: Vec<f64>,
    uncapped: Vec<f64>,
    alloc: Vec<f64>,
    /// CPUs each task charged to the node gets in the current step.
    pub per_task_cpus: Vec<f64>,
    saturated: Vec<bool>,
    runtime_left_usec: Vec<f64>,
    next_refill_usec: Vec<u64>,
    active_in_period: Vec<bool>,
    throttled_in_period: Vec<bool>,
    /// `cpu.stat` nr_periods per node.
    pub nr_periods: Vec<u64>,
    /// `cpu.stat` nr_throttled per node.
    pub nr_throttled: Vec<u64>,
    /// Wall-clock µs throttled per node.
    pub throttled_usec: Vec<f64>,
    /// Whether some node has a `cpu.max` quota (its runtime left changes every step).
    has_quota: bool,
    /// The `(cpus, step_usec)` of the last step whose shares still hold: no task became runnable
    /// or stopped since, and no quota is in play, so the next step would compute the same shares.
    settled: Option<(u64, u64)>,
}

impl CpuTree {
    /// Builds the tree from the layout; `group_node[g]` maps each group to its node.
    pub fn new(layout: &Layout) -> (Self, Vec<u32>) {
        let mut group = Vec::new();
        let mut group_node = vec![NONE; layout.len()];
        if layout.cpu_hierarchy.is_none() {
            group.push(NONE);
        }
        for (g, node) in group_node.iter_mut().enumerate() {
            if layout.cpu_css[g] == g as u32 {
                *node = group.len() as u32;
                group.push(g as u32);
            }
        }
        for (g, css) in layout.cpu_css.iter().enumerate() {
            if *css != NONE {
                group_node[g] = group_node[*css as usize];
            }
        }
        let n = group.len();
        let mut parent = vec![NONE; n];
        let mut weight = vec![TASK_WEIGHT; n];
        let mut quota_usec = vec![None; n];
        let mut period_usec = vec![1; n];
        for (node, g) in group.iter().enumerate() {
            if *g == NONE {
                continue;
            }
            let g = *g as usize;
            let limits = &layout.cgroup[g].limits;
            if layout.parent[g] != NONE {
                parent[node] = group_node[layout.parent[g] as usize];
                weight[node] = limits.sched_weight(layout.version) as f64;
                quota_usec[node] = limits.cpu_quota_usec.map(|q| q as f64);
            }
            period_usec[node] = limits.cpu_period_usec.max(1);
        }
        let mut child_start = vec![0u32; n + 1];
        for p in &parent {
            if *p != NONE {
                child_start[*p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            child_start[i + 1] += child_start[i];
        }
        let mut fill = child_start.clone();
        let mut children = vec![0u32; child_start[n] as usize];
        for (node, p) in parent.iter().enumerate() {
            if *p != NONE {
                children[fill[*p as usize] as usize] = node as u32;
                fill[*p as usize] += 1;
            }
        }
        let runtime_left_usec = quota_usec.iter().map(|q| q.unwrap_or(0.0)).collect();
        let has_quota = quota_usec.iter().any(Option::is_some);
        let next_refill_usec = period_usec.clone();
        let tree = Self {
            group,
            parent,
            child_start,
            children,
            weight,
            quota_usec,
            period_usec,
            own_runnable: vec![0; n],
            demand: vec![0.0; n],
            uncapped: vec![0.0; n],
            alloc: vec![0.0; n],
            per_task_cpus: vec![0.0; n],
            saturated: vec![false; n],
            runtime_left_usec,
            next_refill_usec,
            active_in_period: vec![false; n],
            throttled_in_period: vec![false; n],
            nr_periods: vec![0; n],
            nr_throttled: vec![0; n],
            throttled_usec: vec![0.0; n],
            has_quota,
            settled: None,
        };
        (tree, group_node)
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.group.len()
    }

    /// One more (or with `delta` -1, one fewer) runnable task charged to `node`.
    pub fn add_runnable(&mut self, node: usize, delta: i32) {
        if let Some(count) = self.own_runnable.get_mut(node) {
            *count = count.saturating_add_signed(delta);
            self.settled = None;
        }
    }

    /// Distributes `cpus` over one step `[now_usec, now_usec + step_usec)`.
    ///
    /// Without quotas the shares depend only on which tasks are runnable, so a step after a
    /// settled one keeps its shares as they are: the same numbers, without the tree walks (a
    /// 10 s run of CPU-bound tasks recomputes them only when a task starts or stops).
    pub fn step(&mut self, cpus: f64, now_usec: u64, step_usec: u64) {
        let args = (cpus.to_bits(), step_usec);
        if self.settled == Some(args) {
            return;
        }
        let n = self.len();
        let dt = step_usec as f64;
        for node in 0..n {
            if self.quota_usec[node].is_some() && now_usec >= self.next_refill_usec[node] {
                while self.next_refill_usec[node] <= now_usec {
                    self.next_refill_usec[node] += self.period_usec[node];
                }
                self.runtime_left_usec[node] = self.quota_usec[node].unwrap_or(0.0);
                if self.active_in_period[node] {
                    self.nr_periods[node] += 1;
                }
                self.active_in_period[node] = false;
                self.throttled_in_period[node] = false;
            }
            self.uncapped[node] = f64::from(self.own_runnable[node]);
        }
        // Bottom up: what each subtree could use, capped by the quota left in this period.
        for node in (0..n).rev() {
            let want = self.uncapped[node].min(cpus);
            self.uncapped[node] = want;
            let cap = match self.quota_usec[node] {
                Some(_) => self.runtime_left_usec[node].max(0.0) / dt,
                None => f64::INFINITY,
            };
            self.demand[node] = want.min(cap);
            let parent = self.parent[node];
            if parent != NONE {
                self.uncapped[parent as usize] += self.demand[node];
            }
        }
        // Top down: water-fill each node's CPUs over its own tasks and its active children.
        for node in 0..n {
            if self.parent[node] == NONE {
                self.alloc[node] = self.demand[node].min(cpus);
            }
            let own = self.distribute(node);
            let runnable = self.own_runnable[node];
            self.per_task_cpus[node] = if runnable > 0 {
                own / f64::from(runnable)
            } else {
                0.0
            };
        }
        for node in 0..n {
            if self.uncapped[node] > 0.0 {
                self.active_in_period[node] = true;
            }
            if self.quota_usec[node].is_none() {
                continue;
            }
            let alloc = self.alloc[node];
            let cap = self.runtime_left_usec[node].max(0.0) / dt;
            let want = self.uncapped[node];
            self.runtime_left_usec[node] -= alloc * dt;
            if want > cap + EPSILON && alloc + EPSILON >= cap {
                self.throttled_usec[node] += dt * (1.0 - alloc / want);
                if !self.throttled_in_period[node] {
                    self.throttled_in_period[node] = true;
                    self.nr_throttled[node] += 1;
                }
            }
        }
        self.settled = (!self.has_quota).then_some(args);
    }

    /// Water-fills `alloc[node]` over the node's own tasks and its children with demand; returns
    /// the share of the node's own tasks.
    fn distribute(&mut self, node: usize) -> f64 {
        let total = self.alloc[node];
        let kids = self.child_start[node] as usize..self.child_start[node + 1] as usize;
        let own_cap = f64::from(self.own_runnable[node]);
        let own_weight = own_cap * TASK_WEIGHT;
        let mut own_done = own_cap <= 0.0;
        let mut own_share = 0.0;
        let mut weights = if own_done { 0.0 } else { own_weight };
        for &child in &self.children[kids.clone()] {
            let child = child as usize;
            self.alloc[child] = 0.0;
            self.saturated[child] = self.demand[child] <= 0.0;
            if !self.saturated[child] {
                weights += self.weight[child];
            }
        }
        let mut remaining = total;
        while weights > 0.0 && remaining > EPSILON {
            let lambda = remaining / weights;
            let mut changed = false;
            if !own_done && own_cap <= lambda * own_weight {
                own_share = own_cap;
                remaining -= own_cap;
                weights -= own_weight;
                own_done = true;
                changed = true;
            }
            for &child in &self.children[kids.clone()] {
                let child = child as usize;
                if !self.saturated[child] && self.demand[child] <= lambda * self.weight[child] {
                    self.alloc[child] = self.demand[child];
                    remaining -= self.demand[child];
                    weights -= self.weight[child];
                    self.saturated[child] = true;
                    changed = true;
                }
            }
            if !changed {
                if !own_done {
                    own_share = lambda * own_weight;
                }
                for &child in &self.children[kids.clone()] {
                    let child = child as usize;
                    if !self.saturated[child] {
                        self.alloc[child] = lambda * self.weight[child];
                    }
                }
                break;
            }
        }
        own_share
    }
}
