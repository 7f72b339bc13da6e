//! The simulation loop: tasks, their events (busy windows, forks), and sampling.
//!
//! Per step `[now, now + dt)`: due events run first (a task starts or stops being CPU-bound, a
//! task forks), then the CPU tree distributes the CPUs, then every growing task charges memory
//! (which may throttle it, reclaim cache or OOM-kill), and every `sample_every_steps` steps the
//! per-group counters are summed over subtrees into a sample.
//!
//! `pids.max` follows kernel/cgroup/pids.c: a fork is charged to the task's pids cgroup and all
//! its ancestors and fails with EAGAIN if any of them would exceed its limit. Since Linux 6.14
//! the v2 `pids.events` `max` counts in the cgroup whose limit was hit and its ancestors; v1's
//! `pids.events` counts in the forking task's cgroup only.

mod record;
mod verdict;

#[cfg(test)]
pub(super) use verdict::same_step_by_step;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::super::state::State;
use super::super::version::CgroupVersion;
use super::super::workload::Workload;
use super::SimConfig;
use super::chains::Chains;
use super::cpu::CpuTree;
use super::layout::{Layout, NONE};
use super::memory::{CHARGE_BATCH_BYTES, Event, Memory};
use super::trace::{GroupSample, OomKill, SimMark};
use crate::units;

/// Marks beyond this many are dropped so that a pathological run keeps a readable timeline.
const MAX_MARKS: usize = 200;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    BusyStart,
    BusyEnd,
    Fork,
}

/// A scheduled event: (time µs, sequence number, kind, task).
type Scheduled = Reverse<(u64, u64, Kind, u32)>;

/// Struct-of-arrays task table.
#[derive(Default)]
struct Tasks {
    pid: Vec<u32>,
    comm: Vec<u32>,
    workload: Vec<u32>,
    alive: Vec<bool>,
    busy: Vec<bool>,
    groups: Vec<u32>,
    cpu_node: Vec<u32>,
    cpu_group: Vec<u32>,
    mem_group: Vec<u32>,
    pids_group: Vec<u32>,
    anon: Vec<f64>,
    high_acc: Vec<f64>,
    anon_step: Vec<f64>,
    cache_step: Vec<f64>,
    anon_fraction: Vec<f64>,
    rate: Vec<f64>,
    synced_at: Vec<u64>,
}

/// One simulation run: the static layout, the per-controller state and the task table.
pub struct Engine {
    config: SimConfig,
    layout: Layout,
    cpu: CpuTree,
    group_node: Vec<u32>,
    memory: Memory,
    pids_max: Vec<u64>,
    pids_chains: Chains,
    pids_hier: Vec<u64>,
    pids_events: Vec<u64>,
    pids_marked: Vec<bool>,
    tasks: Tasks,
    hierarchies: usize,
    initial_tasks: usize,
    comms: Vec<String>,
    workloads: Vec<Workload>,
    growers_of: Vec<Vec<u32>>,
    events: BinaryHeap<Scheduled>,
    sequence: u64,
    next_pid: u32,
    alive: u32,
    local_tasks: Vec<u32>,
    local_runnable: Vec<u32>,
    cpu_groups: Vec<u32>,
    cpu_local_usec: Vec<f64>,
    quota_nodes: Vec<u32>,
    throttle_marked: Vec<bool>,
    high_groups: Vec<u32>,
    high_marked: Vec<bool>,
    sub_cpu: Vec<f64>,
    sub_mem: Vec<f64>,
    sub_tasks: Vec<u64>,
    prev_cpu: Vec<f64>,
    samples: Vec<GroupSample>,
    oom_kills: Vec<OomKill>,
    marks: Vec<SimMark>,
    forks_refused_by_pid_max: u64,
    scratch_groups: Vec<u32>,
}

impl Engine {
    /// Prepares a run of `state` under `config` (no step has run yet).
    pub fn new(state: &State, config: &SimConfig) -> Self {
        let layout = Layout::new(state);
        let (cpu, group_node) = CpuTree::new(&layout);
        let memory = Memory::new(&layout);
        let n = layout.len();
        let mut pids_max = vec![u64::MAX; n];
        for (g, slot) in pids_max.iter_mut().enumerate() {
            let own_css = layout.pids_css[g] == g as u32 && layout.parent[g] != NONE;
            if let (true, Some(max)) = (own_css, layout.cgroup[g].limits.pids_max) {
                *slot = max;
            }
        }
        let pids_chains = Chains::new(&layout, layout.pids_hierarchy, |g| pids_max[g] != u64::MAX);
        let cpu_groups = (0..n)
            .filter(|g| Some(layout.hierarchy[*g] as usize) == layout.cpu_hierarchy)
            .map(|g| g as u32)
            .collect();
        let quota_nodes: Vec<u32> = (0..cpu.len())
            .filter(|node| {
                let g = cpu.group[*node];
                g != NONE
                    && layout.parent[g as usize] != NONE
                    && layout.cgroup[g as usize].limits.cpu_quota_usec.is_some()
            })
            .map(|node| node as u32)
            .collect();
        let high_groups = (0..n)
            .filter(|g| {
                layout.memory_css[*g] == *g as u32
                    && layout.parent[*g] != NONE
                    && layout.cgroup[*g].limits.memory_high_bytes.is_some()
            })
            .map(|g| g as u32)
            .collect();
        let samples_capacity =
            (config.steps() / u64::from(config.sample_every_steps) + 1) as usize * n;
        let mut engine = Self {
            config: config.clone(),
            cpu,
            group_node,
            memory,
            pids_max,
            pids_chains,
            pids_hier: vec![0; n],
            pids_events: vec![0; n],
            pids_marked: vec![false; n],
            tasks: Tasks::default(),
            hierarchies: state.hierarchies().len(),
            initial_tasks: 0,
            comms: Vec::new(),
            workloads: Vec::new(),
            growers_of: vec![Vec::new(); n],
            events: BinaryHeap::new(),
            sequence: 0,
            next_pid: state.next_pid(),
            alive: 0,
            local_tasks: vec![0; n],
            local_runnable: vec![0; n],
            cpu_groups,
            cpu_local_usec: vec![0.0; n],
            throttle_marked: vec![false; quota_nodes.len()],
            quota_nodes,
            high_marked: vec![false; n],
            high_groups,
            sub_cpu: vec![0.0; n],
            sub_mem: vec![0.0; n],
            sub_tasks: vec![0; n],
            prev_cpu: vec![0.0; n],
            samples: Vec::with_capacity(samples_capacity),
            oom_kills: Vec::new(),
            marks: Vec::new(),
            forks_refused_by_pid_max: 0,
            scratch_groups: Vec::new(),
            layout,
        };
        for process in state.processes() {
            let groups: Vec<u32> = process
                .cgroups
                .iter()
                .enumerate()
                .map(|(h, path)| engine.layout.group_of(h, path))
                .collect();
            engine.comms.push(process.comm.clone());
            engine.workloads.push(process.workload.clone());
            let comm = engine.comms.len() as u32 - 1;
            let anon = process.workload.initial_anon_bytes as f64;
            engine.spawn(process.pid, comm, comm, &groups, anon, 0);
        }
        engine.initial_tasks = engine.tasks.pid.len();
        engine
    }

    fn schedule(&mut self, time_usec: u64, kind: Kind, task: u32) {
        self.sequence += 1;
        self.events
            .push(Reverse((time_usec, self.sequence, kind, task)));
    }

    fn usec(secs: f64) -> u64 {
        (secs * 1e6).round().max(0.0) as u64
    }

    /// Adds a live task that exists from `now_usec`.
    fn spawn(
        &mut self,
        pid: u32,
        comm: u32,
        workload: u32,
        groups: &[u32],
        anon: f64,
        now_usec: u64,
    ) {
        let t = self.tasks.pid.len() as u32;
        let pick = |hierarchy: Option<usize>| hierarchy.map_or(NONE, |h| groups[h]);
        let cpu_group = pick(self.layout.cpu_hierarchy);
        let cpu_node = if cpu_group == NONE {
            0
        } else {
            self.group_node[cpu_group as usize]
        };
        let mem_group = pick(self.layout.memory_hierarchy);
        let pids_group = pick(self.layout.pids_hierarchy);
        let tasks = &mut self.tasks;
        tasks.pid.push(pid);
        tasks.comm.push(comm);
        tasks.workload.push(workload);
        tasks.alive.push(true);
        tasks.busy.push(false);
        tasks.groups.extend_from_slice(groups);
        tasks.cpu_node.push(cpu_node);
        tasks.cpu_group.push(cpu_group);
        tasks.mem_group.push(mem_group);
        tasks.pids_group.push(pids_group);
        tasks.anon.push(0.0);
        tasks.high_acc.push(0.0);
        let dt_secs = self.config.step_usec as f64 / 1e6;
        let load = &self.workloads[workload as usize];
        let anon_step = load.anon_bytes_per_sec as f64 * dt_secs;
        let cache_step = load.cache_bytes_per_sec as f64 * dt_secs;
        tasks.anon_step.push(anon_step);
        tasks.cache_step.push(cache_step);
        let full = anon_step + cache_step;
        tasks
            .anon_fraction
            .push(if full > 0.0 { anon_step / full } else { 0.0 });
        tasks.rate.push(full / dt_secs);
        tasks.synced_at.push(if mem_group == NONE {
            0
        } else {
            self.memory.safe_steps[mem_group as usize]
        });
        self.alive += 1;
        for &g in groups {
            if g != NONE {
                self.local_tasks[g as usize] += 1;
            }
        }
        for &a in self.pids_chains.of(pids_group) {
            self.pids_hier[a as usize] += 1;
        }
        if anon > 0.0 {
            self.memory.charge(mem_group, anon, 0.0);
            self.tasks.anon[t as usize] = anon;
        }
        let load = &self.workloads[workload as usize];
        let now_secs = now_usec as f64 / 1e6;
        if anon_step + cache_step > 0.0 && mem_group != NONE {
            self.growers_of[mem_group as usize].push(t);
            self.memory
                .add_grower(mem_group, anon_step + cache_step, cache_step, 1.0);
        }
        let (cpu_busy, from, until, every) = (
            load.cpu_busy,
            Self::usec(load.busy_from_secs),
            load.busy_until_secs.map(Self::usec),
            load.fork_every_secs,
        );
        if cpu_busy {
            if load.busy_at(now_secs) {
                self.set_busy(t, true);
            } else if from > now_usec {
                self.schedule(from, Kind::BusyStart, t);
            }
            if let Some(until) = until.filter(|u| *u > now_usec && *u > from) {
                self.schedule(until, Kind::BusyEnd, t);
            }
        }
        if let Some(every) = every {
            let every = Self::usec(every).max(self.config.step_usec);
            self.schedule(now_usec + every, Kind::Fork, t);
        }
    }

    fn set_busy(&mut self, t: u32, busy: bool) {
        let t = t as usize;
        if self.tasks.busy[t] == busy || !self.tasks.alive[t] {
            return;
        }
        self.tasks.busy[t] = busy;
        let node = self.tasks.cpu_node[t] as usize;
        let group = self.tasks.cpu_group[t];
        if busy {
            self.cpu.add_runnable(node, 1);
            if group != NONE {
                self.local_runnable[group as usize] += 1;
            }
        } else {
            self.cpu.add_runnable(node, -1);
            if group != NONE {
                self.local_runnable[group as usize] -= 1;
            }
        }
    }

    fn mark(&mut self, now_usec: u64, slug: &str, label: String) {
        if self.marks.len() >= MAX_MARKS {
            return;
        }
        let repeats = self
            .marks
            .iter()
            .filter(|m| m.slug == slug || m.slug.starts_with(&format!("{slug}-")))
            .count();
        let slug = if repeats == 0 {
            slug.to_owned()
        } else {
            format!("{slug}-{}", repeats + 1)
        };
        self.marks.push(SimMark {
            at_secs: now_usec as f64 / 1e6,
            slug,
            label,
        });
    }

    fn describe_task(&self, t: usize) -> String {
        format!(
            "{} ({})",
            self.comms[self.tasks.comm[t] as usize], self.tasks.pid[t]
        )
    }

    fn handle(&mut self, kind: Kind, t: u32, now_usec: u64) {
        if !self.tasks.alive[t as usize] {
            return;
        }
        match kind {
            Kind::BusyStart => {
                self.set_busy(t, true);
                if (t as usize) < self.initial_tasks {
                    let label = format!(
                        "{} becomes CPU-bound and takes its share from its siblings.",
                        self.describe_task(t as usize)
                    );
                    self.mark(now_usec, "busy", label);
                }
            }
            Kind::BusyEnd => {
                self.set_busy(t, false);
                if (t as usize) < self.initial_tasks {
                    let label = format!(
                        "{} goes idle; its share is redistributed to the groups that are still busy.",
                        self.describe_task(t as usize)
                    );
                    self.mark(now_usec, "idle", label);
                }
            }
            Kind::Fork => self.fork(t, now_usec),
        }
    }

    fn fork(&mut self, t: u32, now_usec: u64) {
        let tu = t as usize;
        let every = self.workloads[self.tasks.workload[tu] as usize]
            .fork_every_secs
            .map_or(self.config.step_usec, |e| {
                Self::usec(e).max(self.config.step_usec)
            });
        self.schedule(now_usec + every, Kind::Fork, t);
        if self.alive >= self.config.max_tasks {
            self.forks_refused_by_pid_max += 1;
            return;
        }
        let pids_group = self.tasks.pids_group[tu];
        let over = self
            .pids_chains
            .of(pids_group)
            .iter()
            .copied()
            .find(|a| self.pids_hier[*a as usize] + 1 > self.pids_max[*a as usize]);
        if let Some(limit) = over {
            self.refuse_fork(pids_group, limit, now_usec);
            return;
        }
        let mut groups = std::mem::take(&mut self.scratch_groups);
        groups.clear();
        groups.extend_from_slice(
            &self.tasks.groups[tu * self.hierarchies..(tu + 1) * self.hierarchies],
        );
        let pid = self.next_pid;
        self.next_pid += 1;
        let (comm, workload) = (self.tasks.comm[tu], self.tasks.workload[tu]);
        self.spawn(pid, comm, workload, &groups, 0.0, now_usec);
        self.scratch_groups = groups;
    }

    fn refuse_fork(&mut self, forking_group: u32, limit: u32, now_usec: u64) {
        match self.layout.version {
            CgroupVersion::V2 => {
                let mut node = limit;
                while node != NONE && self.layout.parent[node as usize] != NONE {
                    self.pids_events[node as usize] += 1;
                    node = self.layout.parent[node as usize];
                }
            }
            CgroupVersion::V1 => {
                let css = self.layout.pids_css[forking_group as usize];
                if css != NONE {
                    self.pids_events[css as usize] += 1;
                }
            }
        }
        if !self.pids_marked[limit as usize] {
            self.pids_marked[limit as usize] = true;
            let label = format!(
                "fork() fails with EAGAIN: {} holds {} tasks, its pids.max.",
                self.layout.path[limit as usize], self.pids_max[limit as usize]
            );
            self.mark(now_usec, "pids-max", label);
        }
    }

    fn kill(&mut self, victim: usize, limit_group: u32, now_usec: u64) {
        self.sync(victim);
        self.set_busy(victim as u32, false);
        self.tasks.alive[victim] = false;
        self.alive -= 1;
        for h in 0..self.hierarchies {
            let g = self.tasks.groups[victim * self.hierarchies + h];
            if g != NONE {
                self.local_tasks[g as usize] -= 1;
            }
        }
        for &a in self.pids_chains.of(self.tasks.pids_group[victim]) {
            self.pids_hier[a as usize] -= 1;
        }
        let mem_group = self.tasks.mem_group[victim];
        let (anon_step, cache_step) = (self.tasks.anon_step[victim], self.tasks.cache_step[victim]);
        if anon_step + cache_step > 0.0 {
            self.memory
                .add_grower(mem_group, anon_step + cache_step, cache_step, -1.0);
        }
        let anon = self.tasks.anon[victim];
        self.memory.charge(mem_group, -anon, 0.0);
        self.tasks.anon[victim] = 0.0;
        let memcg = self.layout.memory_css[mem_group as usize];
        self.memory.count(&self.layout, memcg, Event::OomKill);
        let comm = self.comms[self.tasks.comm[victim] as usize].clone();
        self.oom_kills.push(OomKill {
            time_secs: now_usec as f64 / 1e6,
            pid: self.tasks.pid[victim],
            comm: comm.clone(),
            group: memcg as usize,
            limit_group: limit_group as usize,
            anon_bytes: anon.round() as u64,
        });
        let limit = self.layout.cgroup[limit_group as usize]
            .limits
            .memory_max_bytes;
        let label = format!(
            "The OOM killer kills {comm} ({}): {} reached its memory limit ({}) and reclaim could not free enough.",
            self.tasks.pid[victim],
            self.layout.path[limit_group as usize],
            limit.map_or_else(|| "max".to_owned(), units::bytes)
        );
        self.mark(now_usec, "oom-kill", label);
    }

    /// The live task with the most anonymous memory under `limit_group` (lowest index on ties).
    fn victim(&self, limit_group: u32) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for t in 0..self.tasks.pid.len() {
            let g = self.tasks.mem_group[t];
            if !self.tasks.alive[t] || g == NONE || !self.layout.within(g, limit_group) {
                continue;
            }
            let anon = self.anon_now(t);
            if best.is_none_or(|(_, most)| anon > most) {
                best = Some((t, anon));
            }
        }
        best.map(|(t, _)| t)
    }

    /// One step of growth of task `t` in a group that may hit a limit: throttling above
    /// `memory.high`, then the `memory.max` charge loop (reclaim, OOM kill).
    fn grow_checked(&mut self, t: usize, now_usec: u64) {
        let g = self.tasks.mem_group[t];
        let full = self.tasks.anon_step[t] + self.tasks.cache_step[t];
        let delay = self.memory.delay_secs[g as usize];
        // Each 256 KiB batch costs batch / rate seconds of allocating plus the sleep.
        let bytes = if delay > 0.0 {
            full / (1.0 + self.tasks.rate[t] * delay / CHARGE_BATCH_BYTES)
        } else {
            full
        };
        let anon = bytes * self.tasks.anon_fraction[t];
        while let Some(limit) = self.memory.over_max(g, bytes) {
            self.memory.count(&self.layout, limit, Event::Max);
            let need = self.memory.overshoot(limit, bytes);
            if self.memory.reclaim(&self.layout, limit, need) >= need {
                continue;
            }
            self.memory.count(&self.layout, limit, Event::Oom);
            let Some(victim) = self.victim(limit) else {
                return;
            };
            self.kill(victim, limit, now_usec);
            if victim == t {
                return;
            }
        }
        self.memory.charge(g, bytes, bytes - anon);
        self.tasks.anon[t] += anon;
        if self.memory.throttled(g) {
            self.tasks.high_acc[t] += bytes;
            while self.tasks.high_acc[t] >= CHARGE_BATCH_BYTES {
                self.tasks.high_acc[t] -= CHARGE_BATCH_BYTES;
                self.memory.count_high(&self.layout, g);
            }
        }
    }

    /// Anonymous memory of task `t` including the unchecked steps it has not added yet.
    fn anon_now(&self, t: usize) -> f64 {
        let g = self.tasks.mem_group[t];
        if g == NONE {
            return self.tasks.anon[t];
        }
        let pending = self.memory.safe_steps[g as usize] - self.tasks.synced_at[t];
        self.tasks.anon[t] + self.tasks.anon_step[t] * pending as f64
    }

    /// Adds the unchecked steps to task `t`'s own counter. Growth may be added to the counter
    /// without this (addition commutes); only reads of the total need it.
    fn sync(&mut self, t: usize) {
        let g = self.tasks.mem_group[t];
        if g != NONE {
            self.tasks.anon[t] = self.anon_now(t);
            self.tasks.synced_at[t] = self.memory.safe_steps[g as usize];
        }
    }

    /// One step of memory growth. Safe groups are charged as a whole and their tasks catch up
    /// lazily; groups below `memory.max` but possibly throttled grow task by task and are charged
    /// once; only groups that may reach `memory.max` run the full check per task.
    fn grow_all(&mut self, now_usec: u64) {
        for g in 0..self.growers_of.len() {
            if self.memory.safe[g] {
                continue;
            }
            if self.memory.below_max[g] {
                self.grow_throttled(g);
                continue;
            }
            for i in 0..self.growers_of[g].len() {
                let t = self.growers_of[g][i] as usize;
                if self.tasks.alive[t] {
                    self.grow_checked(t, now_usec);
                }
            }
        }
        self.memory.charge_safe_groups();
    }

    /// Growth of the tasks of group `g`, which cannot reach `memory.max` in this step: each task
    /// is slowed by the `memory.high` penalty, and the group is charged once.
    fn grow_throttled(&mut self, g: usize) {
        let penalty = self.memory.delay_secs[g] / CHARGE_BATCH_BYTES;
        let throttled = self.memory.throttled(g as u32);
        let (mut total, mut cache) = (0.0, 0.0);
        let mut batches = 0u32;
        for i in 0..self.growers_of[g].len() {
            let t = self.growers_of[g][i] as usize;
            if !self.tasks.alive[t] {
                continue;
            }
            let full = self.tasks.anon_step[t] + self.tasks.cache_step[t];
            let bytes = full / (1.0 + self.tasks.rate[t] * penalty);
            let anon = bytes * self.tasks.anon_fraction[t];
            self.tasks.anon[t] += anon;
            total += bytes;
            cache += bytes - anon;
            if throttled {
                self.tasks.high_acc[t] += bytes;
                while self.tasks.high_acc[t] >= CHARGE_BATCH_BYTES {
                    self.tasks.high_acc[t] -= CHARGE_BATCH_BYTES;
                    batches += 1;
                }
            }
        }
        for _ in 0..batches {
            self.memory.count_high(&self.layout, g as u32);
        }
        self.memory.charge(g as u32, total, cache);
    }

    fn after_step_marks(&mut self, now_usec: u64) {
        for i in 0..self.quota_nodes.len() {
            let node = self.quota_nodes[i] as usize;
            if !self.throttle_marked[i] && self.cpu.nr_throttled[node] > 0 {
                self.throttle_marked[i] = true;
                let g = self.cpu.group[node] as usize;
                let limits = &self.layout.cgroup[g].limits;
                let label = format!(
                    "{} used up its cpu.max quota ({} µs of every {} µs) and is throttled until the next period.",
                    self.layout.path[g],
                    limits.cpu_quota_usec.unwrap_or(0),
                    limits.cpu_period_usec
                );
                self.mark(now_usec, "throttled", label);
            }
        }
        for i in 0..self.high_groups.len() {
            let g = self.high_groups[i] as usize;
            if !self.high_marked[g] && self.memory.above_high(g) {
                self.high_marked[g] = true;
                let high = self.layout.cgroup[g].limits.memory_high_bytes.unwrap_or(0);
                let label = format!(
                    "{} crossed memory.high ({}): the kernel reclaims and slows its allocations down, but never OOM-kills for it.",
                    self.layout.path[g],
                    units::bytes(high)
                );
                self.mark(now_usec, "memory-high", label);
            }
        }
    }

    /// Step `k`, `[k * step_usec, (k + 1) * step_usec)`: due events, the CPU shares, memory
    /// growth (throttling, reclaim, OOM kills) and the marks they earn.
    fn advance(&mut self, k: u64) {
        let now = k * self.config.step_usec;
        self.handle_due(now);
        self.step_cpu(now);
        self.step_memory(now);
        self.after_step_marks(now);
    }

    /// Runs the events due by `now_usec` (a task starts or stops being busy, a task forks).
    fn handle_due(&mut self, now_usec: u64) {
        while let Some(Reverse((time, _, kind, t))) = self.events.peek().copied() {
            if time > now_usec {
                break;
            }
            self.events.pop();
            self.handle(kind, t, now_usec);
        }
    }

    /// The CPU tree's shares for the step, and each group's usage. No memory rule reads them.
    fn step_cpu(&mut self, now_usec: u64) {
        let step_usec = self.config.step_usec;
        self.cpu
            .step(f64::from(self.config.cpus), now_usec, step_usec);
        for i in 0..self.cpu_groups.len() {
            let g = self.cpu_groups[i] as usize;
            let runnable = self.local_runnable[g];
            if runnable > 0 {
                let node = self.group_node[g] as usize;
                self.cpu_local_usec[g] +=
                    f64::from(runnable) * self.cpu.per_task_cpus[node] * step_usec as f64;
            }
        }
    }

    /// The step's memory growth, with its throttling, reclaim and OOM kills.
    fn step_memory(&mut self, now_usec: u64) {
        if self.memory.idle() {
            // A step without growth: the limits, shares of reclaim and charges stay as the
            // last step left them (a CPU-only scene skips the memory walks).
            self.memory.charge_safe_groups();
        } else {
            if self.memory.enabled() {
                self.memory.begin_step(&self.layout);
            }
            self.grow_all(now_usec);
        }
    }
}
