//! What a whole run records: a sample of every group's counters every `sample_every_steps`
//! steps (summed over subtrees, as `cpu.stat`, `memory.current` and `pids.current` are), and the
//! trace it hands back with the kills, marks and each group's limits as the run used them.

use super::super::super::controller::{Controller, ControllerSet};
use super::super::layout::NONE;
use super::super::memory::Event;
use super::super::trace::{GroupSample, MemoryEvents, SimGroup, SimTrace};
use super::Engine;

impl Engine {
    /// Sums the groups' counters over their subtrees into one sample per group.
    fn record_sample(&mut self) {
        let n = self.layout.len();
        for g in 0..n {
            self.sub_cpu[g] = self.cpu_local_usec[g];
            self.sub_mem[g] = if self.memory.enabled() {
                self.memory.local_bytes(g)
            } else {
                0.0
            };
            self.sub_tasks[g] = u64::from(self.local_tasks[g]);
        }
        for g in (0..n).rev() {
            let parent = self.layout.parent[g];
            if parent != NONE {
                let p = parent as usize;
                self.sub_cpu[p] += self.sub_cpu[g];
                self.sub_mem[p] += self.sub_mem[g];
                self.sub_tasks[p] += self.sub_tasks[g];
            }
        }
        let window_usec =
            (self.config.step_usec * u64::from(self.config.sample_every_steps)) as f64;
        for g in 0..n {
            let node = self.group_node[g];
            let own_node = node != NONE && self.cpu.group[node as usize] == g as u32;
            let (nr_periods, nr_throttled, throttled_usec) = if own_node {
                let node = node as usize;
                (
                    self.cpu.nr_periods[node],
                    self.cpu.nr_throttled[node],
                    self.cpu.throttled_usec[node].round() as u64,
                )
            } else {
                (0, 0, 0)
            };
            let events = self.memory.events[g];
            let first = self.samples.len() < n;
            let cpu_usage_cpus = if first {
                0.0
            } else {
                ((self.sub_cpu[g] - self.prev_cpu[g]) / window_usec) as f32
            };
            self.prev_cpu[g] = self.sub_cpu[g];
            self.samples.push(GroupSample {
                cpu_usage_cpus,
                cpu_usage_usec: self.sub_cpu[g].round() as u64,
                nr_periods,
                nr_throttled,
                throttled_usec,
                memory_bytes: self.sub_mem[g].max(0.0).round() as u64,
                memory_events: MemoryEvents {
                    high: events[Event::High as usize],
                    max: events[Event::Max as usize],
                    oom: events[Event::Oom as usize],
                    oom_kill: events[Event::OomKill as usize],
                },
                pids_current: self.sub_tasks[g],
                pids_events_max: self.pids_events[g],
            });
        }
    }

    /// Runs every step and returns the recorded trace.
    pub fn run(mut self) -> SimTrace {
        let sample_every = u64::from(self.config.sample_every_steps);
        self.record_sample();
        for k in 0..self.config.steps() {
            self.advance(k);
            if (k + 1) % sample_every == 0 {
                self.record_sample();
            }
        }
        self.marks.sort_by(|a, b| a.at_secs.total_cmp(&b.at_secs));
        let groups = (0..self.layout.len()).map(|g| self.sim_group(g)).collect();
        SimTrace {
            config: self.config,
            groups,
            samples: self.samples,
            oom_kills: self.oom_kills,
            marks: self.marks,
            forks_refused_by_pid_max: self.forks_refused_by_pid_max,
        }
    }

    fn sim_group(&self, g: usize) -> SimGroup {
        let layout = &self.layout;
        let h = layout.hierarchy[g] as usize;
        let root = layout.parent[g] == NONE;
        let mut reports = ControllerSet::EMPTY;
        let checks = [
            (Controller::Cpu, layout.cpu_hierarchy, &layout.cpu_css),
            (
                Controller::Memory,
                layout.memory_hierarchy,
                &layout.memory_css,
            ),
            (Controller::Pids, layout.pids_hierarchy, &layout.pids_css),
        ];
        for (controller, hierarchy, css) in checks {
            if hierarchy == Some(h) && (root || css[g] == g as u32) {
                reports = reports.with(controller);
            }
        }
        let limits = &layout.cgroup[g].limits;
        let has = |c: Controller| reports.contains(c) && !root;
        SimGroup {
            hierarchy: h,
            path: layout.path[g].clone(),
            reports,
            cpu_quota_usec: limits.cpu_quota_usec.filter(|_| has(Controller::Cpu)),
            cpu_period_usec: limits.cpu_period_usec,
            memory_max_bytes: limits.memory_max_bytes.filter(|_| has(Controller::Memory)),
            memory_high_bytes: limits.memory_high_bytes.filter(|_| has(Controller::Memory)),
            pids_max: limits.pids_max.filter(|_| has(Controller::Pids)),
        }
    }
}
