//! The tab's presets: each a scene (initial tree, steps, simulation settings) that makes one
//! point about cgroups. Slugs are the ones scene links use (`cgroups?preset=weights`).
//!
//! v2 presets start from a systemd-like tree (`init.scope`, `system.slice`, `user.slice`) with
//! cpu, io, memory and pids enabled at the root, as systemd does. Presets with a v1 counterpart
//! (weights, cpu-max, memory-leak, fork-bomb) build it with `cpu.shares`, `cpu.cfs_quota_us`,
//! `memory.limit_in_bytes` and the v1 `pids.max`.

use super::controller::Controller;
use super::equivalents::DockerRun;
use super::op::Op;
use super::scene::{Scene, SceneOp};
use super::sim::SimConfig;
use super::state::State;
use super::text::parse_ops;
use super::version::CgroupVersion;
use super::workload::Workload;

/// The container id of the docker-run preset (a made-up 64-hex-digit id).
pub const CONTAINER_ID: &str = "3f4e1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";

/// A named scene of the cgroups tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// v1: independent hierarchies per controller.
    V1Hierarchies,
    /// v2: one unified tree.
    V2Unified,
    /// v2's rules failing, then succeeding.
    V2Rules,
    /// CPU weights 200/100/100, the third going idle halfway.
    Weights,
    /// A cpu.max cap with throttling.
    CpuMax,
    /// A leak that reaches memory.max and is OOM-killed.
    MemoryLeak,
    /// A leak held back by memory.high, never OOM-killed.
    MemoryHigh,
    /// A fork bomb stopped by pids.max.
    ForkBomb,
    /// What `docker run --cpus 0.5 --memory 256m --pids-limit 100` creates.
    DockerRun,
}

impl Preset {
    /// Every preset in menu order.
    pub const ALL: &'static [Self] = &[
        Self::V1Hierarchies,
        Self::V2Unified,
        Self::V2Rules,
        Self::Weights,
        Self::CpuMax,
        Self::MemoryLeak,
        Self::MemoryHigh,
        Self::ForkBomb,
        Self::DockerRun,
    ];

    /// The scene-link slug.
    pub fn slug(self) -> &'static str {
        match self {
            Self::V1Hierarchies => "v1-hierarchies",
            Self::V2Unified => "v2-unified",
            Self::V2Rules => "v2-rules",
            Self::Weights => "weights",
            Self::CpuMax => "cpu-max",
            Self::MemoryLeak => "memory-leak",
            Self::MemoryHigh => "memory-high",
            Self::ForkBomb => "fork-bomb",
            Self::DockerRun => "docker-run",
        }
    }

    /// The preset with `slug`.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.slug() == slug)
    }

    /// A human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::V1Hierarchies => "v1: several independent hierarchies",
            Self::V2Unified => "v2: the unified tree",
            Self::V2Rules => "v2 rules: top-down, no internal processes",
            Self::Weights => "CPU weights 200/100/100",
            Self::CpuMax => "cpu.max caps and throttles",
            Self::MemoryLeak => "A leak hits memory.max",
            Self::MemoryHigh => "memory.high throttles",
            Self::ForkBomb => "A fork bomb meets pids.max",
            Self::DockerRun => "What docker run creates",
        }
    }

    /// One sentence on what the preset shows.
    pub fn description(self) -> &'static str {
        match self {
            Self::V1Hierarchies => {
                "In cgroup v1 each hierarchy has its own controllers (one or more, e.g. cpu,cpuacct), so one process sits in a cgroup of each tree, and a controller can be attached to only one hierarchy."
            }
            Self::V2Unified => {
                "In cgroup v2 there is one tree: moving a process moves it for every controller at once, and limit files appear only where the parent enables the controller."
            }
            Self::V2Rules => {
                "Controllers are enabled top-down, and a non-root cgroup that hands domain controllers to its children may not hold processes: watch each rule fail with EBUSY or ENOENT, then succeed."
            }
            Self::Weights => {
                "Three busy groups with weights 200, 100 and 100 get 50%, 25% and 25% of the CPU; when the third goes idle, the others split its share 2:1 (67% and 33%)."
            }
            Self::CpuMax => {
                "cpu.max \"50000 100000\" lets a group run 50 ms of every 100 ms period, so a busy task gets half a CPU and is throttled even while another CPU sits idle."
            }
            Self::MemoryLeak => {
                "A process leaks memory until its cgroup reaches memory.max; reclaim finds nothing to free, so the OOM killer kills it and memory.events counts max, oom and oom_kill."
            }
            Self::MemoryHigh => {
                "With only memory.high set, the kernel reclaims page cache and then slows the leaking process down more and more, but never calls the OOM killer."
            }
            Self::ForkBomb => {
                "A fork bomb doubles its processes until pids.max is reached; from then on fork() fails with EAGAIN, while the rest of the system keeps its CPU share."
            }
            Self::DockerRun => {
                "docker run --cpus 0.5 --memory 256m --pids-limit 100 creates system.slice/docker-<id>.scope with cpu.max \"50000 100000\", memory.max 268435456 and pids.max 100."
            }
        }
    }

    /// The versions the preset exists in.
    pub fn versions(self) -> &'static [CgroupVersion] {
        match self {
            Self::V1Hierarchies => &[CgroupVersion::V1],
            Self::V2Unified | Self::V2Rules | Self::MemoryHigh | Self::DockerRun => {
                &[CgroupVersion::V2]
            }
            Self::Weights | Self::CpuMax | Self::MemoryLeak | Self::ForkBomb => {
                &[CgroupVersion::V2, CgroupVersion::V1]
            }
        }
    }

    /// The version a link without `version=` shows: the first of [`Self::versions`].
    pub fn default_version(self) -> CgroupVersion {
        match self {
            Self::V1Hierarchies => CgroupVersion::V1,
            _ => CgroupVersion::V2,
        }
    }

    /// The scene in its default version.
    pub fn scene(self) -> Scene {
        self.scene_for(self.default_version())
            .unwrap_or_else(|| Scene::new(State::default_for(self.default_version()), Vec::new()))
    }

    /// The scene in `version`, or `None` if the preset has no such version.
    pub fn scene_for(self, version: CgroupVersion) -> Option<Scene> {
        if !self.versions().contains(&version) {
            return None;
        }
        let v2 = version == CgroupVersion::V2;
        Some(match self {
            Self::V1Hierarchies => v1_hierarchies(),
            Self::V2Unified => v2_unified(),
            Self::V2Rules => v2_rules(),
            Self::Weights => weights(v2),
            Self::CpuMax => cpu_max(v2),
            Self::MemoryLeak => memory_leak(v2),
            Self::MemoryHigh => memory_high(),
            Self::ForkBomb => fork_bomb(v2),
            Self::DockerRun => docker_run(),
        })
    }
}

/// Applies setup operations; a preset's setup is static and a test checks that it all applies.
fn setup(mut state: State, text: &str) -> State {
    for op in parse_ops(text).unwrap_or_default() {
        state.apply(&op).ok();
    }
    state
}

/// Steps from `(operation, note)` pairs; an empty note keeps the generated label.
fn steps(pairs: &[(&str, &str)]) -> Vec<SceneOp> {
    pairs
        .iter()
        .flat_map(|(text, note)| {
            parse_ops(text)
                .unwrap_or_default()
                .into_iter()
                .map(move |op: Op| SceneOp {
                    op,
                    note: (!note.is_empty()).then(|| (*note).to_owned()),
                })
        })
        .collect()
}

fn scene(initial: State, ops: Vec<SceneOp>, sim: SimConfig) -> Scene {
    Scene { initial, ops, sim }
}

fn secs(s: u64) -> u64 {
    s * 1_000_000
}

/// The systemd-like v2 tree every v2 preset starts from, plus `extra` processes in the login
/// session.
fn v2_base(extra: &[(u32, &str, Workload)]) -> State {
    let mut state = State::v2()
        .with_process(1, "systemd", Workload::idle())
        .with_process(200, "dockerd", Workload::idle())
        .with_process(210, "containerd", Workload::idle())
        .with_process(310, "sshd", Workload::idle())
        .with_process(1000, "bash", Workload::idle());
    for (pid, comm, load) in extra {
        state = state.with_process(*pid, comm, load.clone());
    }
    let mut moves = String::new();
    for (pid, _, _) in extra {
        moves.push_str(&format!(
            "move {pid} /user.slice/user-1000.slice/session-1.scope; "
        ));
    }
    setup(
        state,
        &format!(
            "enable / cpu io memory pids; mkdir /init.scope; move 1 /init.scope; \
             mkdir /system.slice; mkdir /system.slice/docker.service; mkdir /system.slice/containerd.service; \
             mkdir /system.slice/ssh.service; move 200 /system.slice/docker.service; \
             move 210 /system.slice/containerd.service; move 310 /system.slice/ssh.service; \
             enable /system.slice cpu io memory pids; mkdir /user.slice; mkdir /user.slice/user-1000.slice; \
             mkdir /user.slice/user-1000.slice/session-1.scope; move 1000 /user.slice/user-1000.slice/session-1.scope; \
             {moves}enable /user.slice cpu memory pids; enable /user.slice/user-1000.slice cpu memory pids"
        ),
    )
}

/// The v1 layout most distributions mounted, with `extra` processes at every root.
fn v1_base(extra: &[(u32, &str, Workload)]) -> State {
    let mut state = State::v1(&[
        &[Controller::Cpu, Controller::Cpuacct],
        &[Controller::Memory],
        &[Controller::Pids],
        &[Controller::Io],
    ])
    .with_process(1, "systemd", Workload::idle())
    .with_process(1000, "bash", Workload::idle());
    for (pid, comm, load) in extra {
        state = state.with_process(*pid, comm, load.clone());
    }
    state
}

fn v1_hierarchies() -> Scene {
    let initial = v1_base(&[
        (400, "postgres", Workload::busy()),
        (500, "nginx", Workload::busy()),
    ]);
    let ops = steps(&[
        (
            "mkdir cpu,cpuacct:/db",
            "mkdir creates /db in the cpu,cpuacct hierarchy only; the memory, pids and blkio trees do not change.",
        ),
        ("mkdir memory:/web", ""),
        (
            "move 400 cpu,cpuacct:/db",
            "postgres (400) moves to /db in the cpu,cpuacct hierarchy; it is still at / in memory, pids and blkio: one cgroup in each hierarchy.",
        ),
        (
            "move 500 memory:/web",
            "nginx (500) moves to /web in the memory hierarchy only, so its CPU is still shared at the root of cpu,cpuacct.",
        ),
        (
            "set cpu,cpuacct:/db cpu.shares 2048",
            "cpu.shares 2048 gives /db twice the default weight: against nginx at the root it gets two thirds of a busy CPU.",
        ),
        ("set memory:/web memory.limit_in_bytes 256M", ""),
        ("set memory:/web cpu.shares 512", ""),
        ("mount cpu,memory", ""),
        (
            "mount freezer",
            "A new hierarchy for freezer starts with a single root that holds every process.",
        ),
    ]);
    scene(initial, ops, SimConfig::default())
}

fn v2_unified() -> Scene {
    let initial = v2_base(&[(600, "app", Workload::busy())]);
    let ops = steps(&[
        ("mkdir /system.slice/app.service", ""),
        (
            "move 600 /system.slice/app.service",
            "Writing 600 to cgroup.procs moves the whole process, and with it its place for every controller: cpu, io, memory and pids all follow.",
        ),
        ("set /system.slice/app.service memory.max 512M", ""),
        ("set /system.slice/app.service cpu.weight 200", ""),
        ("set /system.slice/app.service cpu.shares 512", ""),
    ]);
    scene(initial, ops, SimConfig::default())
}

fn v2_rules() -> Scene {
    let initial = v2_base(&[
        (700, "worker", Workload::idle()),
        (701, "helper", Workload::idle()),
    ]);
    let ops = steps(&[
        ("mkdir /app", ""),
        (
            "move 700 /app",
            "worker (700) moves into /app: a cgroup without controllers for its children may hold processes.",
        ),
        ("mkdir /app/web", ""),
        ("enable /app/web memory", ""),
        ("enable /app memory", ""),
        (
            "move 700 /app/web",
            "worker moves down into the leaf /app/web, so /app holds no processes of its own any more.",
        ),
        (
            "enable /app memory",
            "Now the same write succeeds: /app is empty, so it may hand memory to /app/web.",
        ),
        (
            "set /app/web memory.max 100M",
            "/app/web got memory.max the moment /app enabled memory for it.",
        ),
        ("move 701 /app", ""),
        ("disable / memory", ""),
        ("rmdir /app", ""),
    ]);
    scene(initial, ops, SimConfig::default())
}

fn weights(v2: bool) -> Scene {
    let jobs = [
        (101, "job-a", Workload::busy()),
        (102, "job-b", Workload::busy()),
        (103, "job-c", Workload::busy().until(5.0)),
    ];
    let (initial, ops) = if v2 {
        (
            v2_base(&jobs),
            steps(&[
                ("mkdir /a; mkdir /b; mkdir /c", ""),
                (
                    "set /a cpu.weight 200",
                    "cpu.weight 200 on /a against 100 on /b and /c: while all three are busy, /a gets 200/400 = 50% and the others 25% each.",
                ),
                ("move 101 /a; move 102 /b; move 103 /c", ""),
            ]),
        )
    } else {
        (
            v1_base(&jobs),
            steps(&[
                ("mkdir cpu:/a; mkdir cpu:/b; mkdir cpu:/c", ""),
                (
                    "set cpu:/a cpu.shares 2048",
                    "cpu.shares 2048 against 1024 and 1024 is the v1 form of weights 200/100/100: 50%, 25%, 25% while all are busy.",
                ),
                ("move 101 cpu:/a; move 102 cpu:/b; move 103 cpu:/c", ""),
            ]),
        )
    };
    scene(initial, ops, SimConfig::default())
}

fn cpu_max(v2: bool) -> Scene {
    let jobs = [
        (201, "capped", Workload::busy()),
        (202, "free", Workload::busy()),
    ];
    let (initial, ops) = if v2 {
        (
            v2_base(&jobs),
            steps(&[
                ("mkdir /capped; mkdir /free", ""),
                ("set /capped cpu.max 50000 100000", ""),
                ("move 201 /capped; move 202 /free", ""),
            ]),
        )
    } else {
        (
            v1_base(&jobs),
            steps(&[
                ("mkdir cpu:/capped; mkdir cpu:/free", ""),
                (
                    "set cpu:/capped cpu.cfs_quota_us 50000",
                    "cpu.cfs_quota_us 50000 with the default cpu.cfs_period_us 100000 is v1's form of cpu.max \"50000 100000\".",
                ),
                ("move 201 cpu:/capped; move 202 cpu:/free", ""),
            ]),
        )
    };
    let sim = SimConfig {
        cpus: 2,
        duration_usec: secs(2),
        sample_every_steps: 10,
        ..SimConfig::default()
    };
    scene(initial, ops, sim)
}

fn memory_leak(v2: bool) -> Scene {
    let procs = [
        (301, "leaky", Workload::idle().leaking(20 << 20)),
        (302, "sidecar", Workload::idle().holding(16 << 20)),
    ];
    let (initial, ops) = if v2 {
        (
            v2_base(&procs),
            steps(&[
                ("mkdir /leaky", ""),
                ("set /leaky memory.max 100M", ""),
                ("move 301 /leaky; move 302 /leaky", ""),
            ]),
        )
    } else {
        (
            v1_base(&procs),
            steps(&[
                ("mkdir memory:/leaky", ""),
                ("set memory:/leaky memory.limit_in_bytes 100M", ""),
                ("move 301 memory:/leaky; move 302 memory:/leaky", ""),
            ]),
        )
    };
    scene(initial, ops, SimConfig::default())
}

fn memory_high() -> Scene {
    let initial = v2_base(&[(
        401,
        "cruncher",
        Workload::idle().leaking(20 << 20).caching(10 << 20),
    )]);
    let ops = steps(&[
        ("mkdir /batch", ""),
        ("set /batch memory.high 100M", ""),
        ("move 401 /batch", ""),
    ]);
    scene(initial, ops, SimConfig::default())
}

fn fork_bomb(v2: bool) -> Scene {
    let procs = [(666, "bomb", Workload::busy().forking(0.1))];
    let (initial, ops) = if v2 {
        (
            setup(v2_base(&procs), "load 310 busy"),
            steps(&[
                ("mkdir /bomb", ""),
                ("set /bomb pids.max 64", ""),
                (
                    "move 666 /bomb",
                    "The bomb starts inside /bomb; every child it forks starts there too.",
                ),
            ]),
        )
    } else {
        (
            v1_base(&procs),
            steps(&[
                ("mkdir pids:/bomb", ""),
                ("set pids:/bomb pids.max 64", ""),
                ("move 666 pids:/bomb", ""),
            ]),
        )
    };
    let sim = SimConfig {
        duration_usec: secs(3),
        sample_every_steps: 20,
        ..SimConfig::default()
    };
    scene(initial, ops, sim)
}

fn docker_run() -> Scene {
    let run = DockerRun {
        nano_cpus: 500_000_000,
        memory_bytes: 256 << 20,
        pids_limit: 100,
    };
    let initial = v2_base(&[]);
    let scope = format!("/system.slice/docker-{CONTAINER_ID}.scope");
    let [cpu, memory, pids] = run.files();
    let shim = initial.next_pid();
    let container = shim + 1;
    let text_steps = [
        (
            "fork 210 containerd-shim".to_owned(),
            "containerd starts a shim that will own the container's process.".to_owned(),
        ),
        (
            format!("mkdir {scope}"),
            "With the systemd cgroup driver, the container gets its own scope unit: /sys/fs/cgroup/system.slice/docker-<id>.scope.".to_owned(),
        ),
        (
            format!("set {scope} {} {}", cpu.0.file_name(), cpu.1),
            "--cpus 0.5 becomes cpu.max \"50000 100000\": 50 ms of CPU time in every 100 ms period.".to_owned(),
        ),
        (
            format!("set {scope} {} {}", memory.0.file_name(), memory.1),
            "--memory 256m becomes memory.max 268435456, that is 256 x 1024 x 1024 bytes.".to_owned(),
        ),
        (
            format!("set {scope} {} {}", pids.0.file_name(), pids.1),
            "--pids-limit 100 becomes pids.max 100.".to_owned(),
        ),
        (
            format!("fork {shim} nginx"),
            "The shim starts the container's first process (nginx here).".to_owned(),
        ),
        (
            format!("move {container} {scope}"),
            format!("runc writes {container} to the scope's cgroup.procs; everything the container forks from now on starts inside it and shares its limits ({}).", run.options()),
        ),
        (
            format!("load {container} busy"),
            "In the simulation nginx is CPU-bound, so it runs into the half-CPU cap.".to_owned(),
        ),
    ];
    let pairs: Vec<(&str, &str)> = text_steps
        .iter()
        .map(|(op, note)| (op.as_str(), note.as_str()))
        .collect();
    let sim = SimConfig {
        cpus: 2,
        duration_usec: secs(2),
        sample_every_steps: 10,
        ..SimConfig::default()
    };
    scene(initial, steps(&pairs), sim)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_version_is_the_first_listed() {
        for preset in super::Preset::ALL {
            assert_eq!(
                Some(&preset.default_version()),
                preset.versions().first(),
                "{preset:?}"
            );
        }
    }

    use super::*;

    #[test]
    fn slugs_round_trip_and_are_the_linked_ones() {
        let slugs: Vec<&str> = Preset::ALL.iter().map(|p| p.slug()).collect();
        assert_eq!(
            slugs,
            [
                "v1-hierarchies",
                "v2-unified",
                "v2-rules",
                "weights",
                "cpu-max",
                "memory-leak",
                "memory-high",
                "fork-bomb",
                "docker-run"
            ]
        );
        for preset in Preset::ALL {
            assert_eq!(Preset::from_slug(preset.slug()), Some(*preset));
            assert!(!preset.title().is_empty());
            assert!(preset.description().ends_with('.'));
        }
        assert_eq!(Preset::from_slug("nope"), None);
        assert_eq!(CONTAINER_ID.len(), 64);
    }

    #[test]
    fn every_preset_setup_and_step_parses() {
        for preset in Preset::ALL {
            for version in preset.versions() {
                let scene = preset.scene_for(*version).unwrap();
                assert_eq!(scene.version(), *version, "{}", preset.slug());
                assert!(!scene.ops.is_empty(), "{} has steps", preset.slug());
            }
        }
        assert!(Preset::V2Rules.scene_for(CgroupVersion::V1).is_none());
    }

    #[test]
    fn preset_steps_show_the_intended_outcomes() {
        let slugs = |preset: Preset, version: CgroupVersion| -> Vec<String> {
            let trace = preset.scene_for(version).unwrap().trace();
            for step in trace.steps() {
                assert!(step.label.ends_with('.'), "{}: {}", step.slug, step.label);
            }
            trace.steps().iter().map(|s| s.slug.clone()).collect()
        };
        assert_eq!(
            slugs(Preset::V2Rules, CgroupVersion::V2),
            [
                "start",
                "mkdir",
                "move",
                "mkdir-2",
                "enable-enoent",
                "enable-ebusy",
                "move-2",
                "enable",
                "set",
                "move-ebusy",
                "disable-ebusy",
                "rmdir-ebusy"
            ]
        );
        assert_eq!(
            slugs(Preset::V1Hierarchies, CgroupVersion::V1),
            [
                "start",
                "mkdir",
                "mkdir-2",
                "move",
                "move-2",
                "set",
                "set-2",
                "set-eacces",
                "mount-ebusy",
                "mount"
            ]
        );
        assert_eq!(
            slugs(Preset::V2Unified, CgroupVersion::V2)
                .last()
                .map(String::as_str),
            Some("set-eacces")
        );
        // Every other preset succeeds at every step.
        for preset in [
            Preset::Weights,
            Preset::CpuMax,
            Preset::MemoryLeak,
            Preset::MemoryHigh,
            Preset::ForkBomb,
            Preset::DockerRun,
        ] {
            for version in preset.versions() {
                let trace = preset.scene_for(*version).unwrap().trace();
                for step in trace.steps() {
                    assert!(
                        step.result.is_ok(),
                        "{} {:?} {}: {:?}",
                        preset.slug(),
                        version,
                        step.slug,
                        step.result
                    );
                }
            }
        }
        // v1: postgres is in /db of cpu,cpuacct and at the root of every other hierarchy.
        let trace = Preset::V1Hierarchies.scene().trace();
        let postgres = trace.final_state().process(400).unwrap();
        let paths: Vec<&str> = postgres.cgroups.iter().map(|p| p.as_str()).collect();
        assert_eq!(paths, ["/db", "/", "/", "/", "/"]);
    }

    #[test]
    fn v2_base_setup_applies_cleanly() {
        let mut state = State::v2()
            .with_process(1, "systemd", Workload::idle())
            .with_process(200, "dockerd", Workload::idle())
            .with_process(210, "containerd", Workload::idle())
            .with_process(310, "sshd", Workload::idle())
            .with_process(1000, "bash", Workload::idle())
            .with_process(600, "app", Workload::busy());
        let text = "enable / cpu io memory pids; mkdir /init.scope; move 1 /init.scope; \
             mkdir /system.slice; mkdir /system.slice/docker.service; mkdir /system.slice/containerd.service; \
             mkdir /system.slice/ssh.service; move 200 /system.slice/docker.service; \
             move 210 /system.slice/containerd.service; move 310 /system.slice/ssh.service; \
             enable /system.slice cpu io memory pids; mkdir /user.slice; mkdir /user.slice/user-1000.slice; \
             mkdir /user.slice/user-1000.slice/session-1.scope; move 1000 /user.slice/user-1000.slice/session-1.scope; \
             move 600 /user.slice/user-1000.slice/session-1.scope; \
             enable /user.slice cpu memory pids; enable /user.slice/user-1000.slice cpu memory pids";
        for op in parse_ops(text).unwrap() {
            if let Err(error) = state.apply(&op) {
                panic!("{op}: {error}");
            }
        }
        assert_eq!(state, v2_base(&[(600, "app", Workload::busy())]));
        assert!(
            state
                .procs(0, &super::super::path::CgroupPath::root())
                .is_empty()
        );
    }
}
