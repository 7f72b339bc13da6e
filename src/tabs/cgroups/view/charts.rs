//! The simulation's chart series, computed once per run: which groups to plot, their points for
//! CPU share, throttled time, memory and task counts, their limits, and the events to mark.
//!
//! Plotting every cgroup would bury the point of a preset under systemd's slices, so only the
//! groups that matter are drawn: the lowest groups that hold a working process or carry a limit.

use egui_plot::PlotPoint;

use super::outline::short_name;
use crate::tabs::cgroups::link::NodeRef;
use crate::tabs::cgroups::model::sim::SimGroup;
use crate::tabs::cgroups::model::{Controller, Pid, SimTrace, State};

/// At most this many groups are plotted; limited groups come first.
pub const MAX_SERIES: usize = 6;

/// Which chart an event or series belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// CPU share in percent of all CPUs.
    Cpu,
    /// Cumulative `cpu.stat` throttled time.
    Throttled,
    /// `memory.current`.
    Memory,
    /// `pids.current`.
    Pids,
}

/// One plotted group.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Index of the group in the run.
    pub group: usize,
    /// The cgroup.
    pub node: NodeRef,
    /// `/a` in v2, `memory:/a` in v1.
    pub name: String,
    /// The last path component, shortened (`docker-3f4e…e2f.scope`), for labels in the charts.
    pub short: String,
    /// Processes in the group at the start: pid and command name.
    pub processes: Vec<(Pid, String)>,
    /// Its limits as the run used them.
    pub limits: SimGroup,
    /// CPU share in percent of all CPUs.
    pub cpu_pct: Vec<PlotPoint>,
    /// Cumulative throttled time in ms.
    pub throttled_ms: Vec<PlotPoint>,
    /// `memory.current` in MiB.
    pub memory_mib: Vec<PlotPoint>,
    /// `pids.current`.
    pub pids: Vec<PlotPoint>,
}

impl Series {
    /// The points of one chart.
    pub fn points(&self, kind: ChartKind) -> &[PlotPoint] {
        match kind {
            ChartKind::Cpu => &self.cpu_pct,
            ChartKind::Throttled => &self.throttled_ms,
            ChartKind::Memory => &self.memory_mib,
            ChartKind::Pids => &self.pids,
        }
    }

    /// The points of one chart up to `until` seconds (all of them for `None`): a quiz question's
    /// scene draws the run only as far as its position.
    pub fn points_until(&self, kind: ChartKind, until: Option<f64>) -> &[PlotPoint] {
        let points = self.points(kind);
        let Some(until) = until else {
            return points;
        };
        let shown = points.partition_point(|point| point.x <= until + 1e-9);
        points.get(..shown).unwrap_or_default()
    }

    /// Whether the group has state for the chart's controller.
    pub fn reports(&self, kind: ChartKind) -> bool {
        let controller = match kind {
            ChartKind::Cpu | ChartKind::Throttled => Controller::Cpu,
            ChartKind::Memory => Controller::Memory,
            ChartKind::Pids => Controller::Pids,
        };
        self.limits.reports.contains(controller)
    }
}

/// A moment to mark on a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// When.
    pub at_secs: f64,
    /// On which chart.
    pub chart: ChartKind,
    /// A few words, e.g. `OOM kill: leaky (301)`.
    pub label: String,
    /// Whether it is bad news (drawn in the "bad" role).
    pub bad: bool,
}

/// Everything the simulation view plots.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    /// The plotted groups.
    pub series: Vec<Series>,
    /// The charts worth drawing, in order.
    pub charts: Vec<ChartKind>,
    /// Events in time order.
    pub events: Vec<Event>,
    /// Length of the run.
    pub duration_secs: f64,
    /// CPUs of the run.
    pub cpus: u32,
}

const MIB: f64 = 1024.0 * 1024.0;

impl ChartData {
    /// The series of `trace`, whose groups come from `state` (the scene's final state).
    pub fn new(trace: &SimTrace, state: &State) -> Self {
        let groups = chosen_groups(trace, state);
        let series: Vec<Series> = groups
            .into_iter()
            .filter_map(|g| series(trace, state, g))
            .collect();
        let charts = chart_kinds(&series, None);
        Self {
            events: events(trace, &charts),
            series,
            charts,
            duration_secs: trace.config().duration_secs(),
            cpus: trace.config().cpus,
        }
    }

    /// The highest value any series (up to `until` seconds, see [`Series::points_until`]) or
    /// limit reaches on a chart (for the y range).
    pub fn y_max(&self, kind: ChartKind, until: Option<f64>) -> f64 {
        let data = self
            .series
            .iter()
            .flat_map(|s| s.points_until(kind, until))
            .map(|p| p.y)
            .fold(0.0, f64::max);
        let limits = self
            .series
            .iter()
            .flat_map(|s| limit_lines(s, kind, self.cpus))
            .map(|line| line.value)
            .fold(0.0, f64::max);
        let floor = match kind {
            ChartKind::Cpu => 100.0,
            ChartKind::Throttled | ChartKind::Memory | ChartKind::Pids => 1.0,
        };
        data.max(limits).max(floor)
    }
}

/// The charts worth drawing for `series` shown up to `until` seconds (all of the run for
/// `None`): CPU where a group is busy or capped, throttled time where one is capped, memory and
/// tasks where a group is limited or its line moves. A question's scene decides from the run up
/// to its moment: a tasks chart that appears because a task will die would tell who is killed.
pub fn chart_kinds(series: &[Series], until: Option<f64>) -> Vec<ChartKind> {
    let limited = |f: fn(&SimGroup) -> bool| series.iter().any(|s| f(&s.limits));
    let varies = |kind: ChartKind| {
        series.iter().any(|s| {
            let points = s.points_until(kind, until);
            s.reports(kind)
                && points
                    .first()
                    .is_some_and(|first| points.iter().any(|p| p.y != first.y))
        })
    };
    let mut charts = Vec::new();
    let cpu_used = series.iter().any(|s| {
        s.reports(ChartKind::Cpu)
            && s.points_until(ChartKind::Cpu, until)
                .iter()
                .any(|p| p.y > 0.0)
    });
    if cpu_used || limited(|g| g.cpu_quota_usec.is_some()) {
        charts.push(ChartKind::Cpu);
    }
    if limited(|g| g.cpu_quota_usec.is_some()) {
        charts.push(ChartKind::Throttled);
    }
    if limited(|g| g.memory_max_bytes.is_some() || g.memory_high_bytes.is_some())
        || varies(ChartKind::Memory)
    {
        charts.push(ChartKind::Memory);
    }
    if limited(|g| g.pids_max.is_some()) || varies(ChartKind::Pids) {
        charts.push(ChartKind::Pids);
    }
    if charts.is_empty() {
        charts.push(ChartKind::Cpu);
    }
    charts
}

/// Whether an event at `at_secs` is drawn when the run is shown up to `until` seconds.
pub fn shown_until(at_secs: f64, until: Option<f64>) -> bool {
    until.is_none_or(|until| at_secs <= until + 1e-9)
}

/// A limit drawn as a horizontal line.
#[derive(Clone, Debug, PartialEq)]
pub struct LimitLine {
    /// The file, e.g. `memory.max`.
    pub file: &'static str,
    /// The value in the chart's unit.
    pub value: f64,
}

/// The limit lines of a series on a chart; a `cpu.max` line is in percent of the run's `cpus`.
pub fn limit_lines(series: &Series, kind: ChartKind, cpus: u32) -> Vec<LimitLine> {
    let g = &series.limits;
    let mut lines = Vec::new();
    match kind {
        ChartKind::Memory => {
            if let Some(max) = g.memory_max_bytes {
                lines.push(LimitLine {
                    file: "memory.max",
                    value: max as f64 / MIB,
                });
            }
            if let Some(high) = g.memory_high_bytes {
                lines.push(LimitLine {
                    file: "memory.high",
                    value: high as f64 / MIB,
                });
            }
        }
        ChartKind::Pids => {
            if let Some(max) = g.pids_max {
                lines.push(LimitLine {
                    file: "pids.max",
                    value: max as f64,
                });
            }
        }
        ChartKind::Cpu => {
            if let Some(quota) = g.cpu_quota_usec {
                let share = quota as f64 / g.cpu_period_usec.max(1) as f64;
                lines.push(LimitLine {
                    file: "cpu.max",
                    value: share / f64::from(cpus.max(1)) * 100.0,
                });
            }
        }
        ChartKind::Throttled => {}
    }
    lines
}

/// Groups worth plotting: not a root, in the hierarchy of a simulated controller, holding a
/// working process below it or carrying a limit; a group is dropped in favour of a working
/// descendant unless it has a limit or working processes of its own.
fn chosen_groups(trace: &SimTrace, state: &State) -> Vec<usize> {
    let groups = trace.groups();
    let working = |g: &SimGroup| -> (bool, bool) {
        let mut own = false;
        let mut below = false;
        for process in state.processes() {
            let load = &process.workload;
            let works = load.cpu_busy
                || load.anon_bytes_per_sec > 0
                || load.cache_bytes_per_sec > 0
                || load.initial_anon_bytes > 0
                || load.fork_every_secs.is_some();
            let Some(path) = process.cgroups.get(g.hierarchy) else {
                continue;
            };
            if works && *path == g.path {
                own = true;
            }
            if works && path.is_within(&g.path) {
                below = true;
            }
        }
        (own, below)
    };
    let limited = |g: &SimGroup| {
        g.cpu_quota_usec.is_some()
            || g.memory_max_bytes.is_some()
            || g.memory_high_bytes.is_some()
            || g.pids_max.is_some()
    };
    let candidates: Vec<(usize, &SimGroup)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.path.is_root() && !g.reports.is_empty() && (limited(g) || working(g).1))
        .collect();
    let mut chosen: Vec<(usize, &SimGroup)> = candidates
        .iter()
        .copied()
        .filter(|&(i, g)| {
            let has_working_descendant = candidates.iter().any(|&(j, other)| {
                j != i
                    && other.hierarchy == g.hierarchy
                    && other.path.is_within(&g.path)
                    && working(other).1
            });
            limited(g) || working(g).0 || !has_working_descendant
        })
        .collect();
    chosen.sort_by_key(|&(i, g)| (!limited(g), i));
    chosen.truncate(MAX_SERIES);
    let mut chosen: Vec<usize> = chosen.into_iter().map(|(i, _)| i).collect();
    chosen.sort_unstable();
    chosen
}

/// The series of group `group` (an index into the trace's groups; none for another number).
fn series(trace: &SimTrace, state: &State, group: usize) -> Option<Series> {
    let g = trace.groups().get(group)?.clone();
    let node = NodeRef {
        hierarchy: g.hierarchy,
        path: g.path.clone(),
    };
    let name = node.print(state);
    let processes = state
        .processes()
        .filter(|p| {
            p.cgroups
                .get(g.hierarchy)
                .is_some_and(|path| path.is_within(&g.path))
        })
        .map(|p| (p.pid, p.comm.clone()))
        .collect();
    let mut cpu_pct = Vec::new();
    let mut throttled_ms = Vec::new();
    let mut memory_mib = Vec::new();
    let mut pids = Vec::new();
    for i in 0..trace.sample_count() {
        let t = trace.sample_time_secs(i);
        let sample = trace.sample(i, group);
        cpu_pct.push(PlotPoint::new(t, trace.cpu_share_pct(i, group)));
        throttled_ms.push(PlotPoint::new(t, sample.throttled_usec as f64 / 1000.0));
        memory_mib.push(PlotPoint::new(t, sample.memory_bytes as f64 / MIB));
        pids.push(PlotPoint::new(t, sample.pids_current as f64));
    }
    Some(Series {
        group,
        short: short_name(&g.path),
        node,
        name,
        processes,
        limits: g,
        cpu_pct,
        throttled_ms,
        memory_mib,
        pids,
    })
}

fn events(trace: &SimTrace, charts: &[ChartKind]) -> Vec<Event> {
    let mut events: Vec<Event> = trace
        .oom_kills()
        .iter()
        .map(|kill| Event {
            at_secs: kill.time_secs,
            chart: ChartKind::Memory,
            label: format!("OOM kill: {} ({})", kill.comm, kill.pid),
            bad: true,
        })
        .collect();
    for mark in trace.marks() {
        let before = |cut: &str| mark.label.split(cut).next().unwrap_or("").to_owned();
        let (chart, label, bad) = match mark.slug.split('-').next().unwrap_or("") {
            "busy" => (
                ChartKind::Cpu,
                format!("{} busy", before(" becomes")),
                false,
            ),
            "idle" => (
                ChartKind::Cpu,
                format!("{} idle", before(" goes idle")),
                false,
            ),
            "throttled" => (ChartKind::Throttled, "throttled".to_owned(), true),
            "memory" => (ChartKind::Memory, "memory.high crossed".to_owned(), false),
            "pids" => (ChartKind::Pids, "fork() fails: EAGAIN".to_owned(), true),
            _ => continue,
        };
        events.push(Event {
            at_secs: mark.at_secs,
            chart,
            label,
            bad,
        });
    }
    events.retain(|event| charts.contains(&event.chart));
    events.sort_by(|a, b| a.at_secs.total_cmp(&b.at_secs));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::cgroups::link::SceneKey;
    use crate::tabs::cgroups::model::{CgroupVersion, Preset};

    fn data(preset: Preset, version: CgroupVersion) -> ChartData {
        let scene = SceneKey::preset(preset, version).scene();
        let trace = scene.simulate().unwrap();
        ChartData::new(&trace, scene.trace().final_state())
    }

    fn names(data: &ChartData) -> Vec<&str> {
        data.series.iter().map(|s| s.name.as_str()).collect()
    }

    #[test]
    fn presets_plot_the_groups_they_are_about() {
        let weights = data(Preset::Weights, CgroupVersion::V2);
        assert_eq!(names(&weights), ["/a", "/b", "/c"]);
        assert_eq!(weights.charts, [ChartKind::Cpu]);
        let a = &weights.series[0];
        let at_1s = a.cpu_pct.iter().find(|p| (p.x - 1.0).abs() < 1e-9).unwrap();
        assert!((at_1s.y - 50.0).abs() < 1.0, "{}", at_1s.y);
        assert!(weights.events.iter().any(|e| e.label == "job-c (103) idle"));

        let leak = data(Preset::MemoryLeak, CgroupVersion::V2);
        assert_eq!(names(&leak), ["/leaky"]);
        assert!(leak.charts.contains(&ChartKind::Memory));
        assert!(
            !leak.charts.contains(&ChartKind::Cpu),
            "nothing in it is busy"
        );
        let oom = &leak.events[0];
        assert_eq!(
            (oom.chart, oom.label.as_str(), oom.bad),
            (ChartKind::Memory, "OOM kill: leaky (301)", true)
        );
        assert_eq!(
            limit_lines(&leak.series[0], ChartKind::Memory, 1),
            [LimitLine {
                file: "memory.max",
                value: 100.0
            }]
        );
        assert!(leak.y_max(ChartKind::Memory, None) >= 100.0);

        let v1 = data(Preset::MemoryLeak, CgroupVersion::V1);
        assert_eq!(names(&v1), ["memory:/leaky"]);

        let bomb = data(Preset::ForkBomb, CgroupVersion::V2);
        assert_eq!(names(&bomb), ["/bomb", "/system.slice/ssh.service"]);
        assert!(bomb.charts.contains(&ChartKind::Pids));
        assert!(bomb.events.iter().any(|e| e.chart == ChartKind::Pids));

        let capped = data(Preset::CpuMax, CgroupVersion::V2);
        assert!(capped.charts.contains(&ChartKind::Throttled));
        assert_eq!(names(&capped)[0], "/capped");
        assert_eq!(
            limit_lines(&capped.series[0], ChartKind::Cpu, capped.cpus),
            [LimitLine {
                file: "cpu.max",
                value: 25.0
            }],
            "half a CPU of two is 25% of the machine"
        );
    }
}
