//! What the limit editors show next to a file: its value, the shell command that writes it, and
//! the systemd and docker options that produce the same setting.
//!
//! Sources: systemd.resource-control(5) (`CPUWeight=` 1..10000; `CPUQuota=` as a percentage of one
//! CPU, written as `cpu.max` over `CPUQuotaPeriodSec=`, default 100 ms; `MemoryMax=`, `MemoryHigh=`,
//! `TasksMax=`, `IOReadBandwidthMax=` and friends, sizes with 1024-based K/M/G suffixes) and the
//! docker run reference (`--cpus` is `--cpu-period 100000` with `--cpu-quota` = cpus x 100000;
//! `--memory 256m` is 256 x 1024 x 1024 bytes; `--pids-limit`; `--device-read-bps`).
//! `cpu.weight` has no docker equivalent here: `--cpu-shares` is a v1 value that the runtime
//! converts with its own formula on v2, and `memory.high` has no docker flag.

use serde::Serialize;

use super::limits::{self, BlockDevice, CPU_PERIOD_DEFAULT_USEC, LimitFile, LimitValue, Limits};
use super::op::echo;
use super::path::CgroupPath;
use super::state::State;
use super::units::bytes_suffix;

/// Everything a limit editor shows for one file of one cgroup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LimitEditor {
    /// The file.
    pub file: LimitFile,
    /// Its name, e.g. `cpu.max`.
    pub file_name: &'static str,
    /// What `cat` shows now.
    pub current: String,
    /// The value being edited (the current one until the student types).
    pub value: String,
    /// One sentence on what the file does.
    pub about: &'static str,
    /// `echo VALUE > /sys/fs/cgroup/.../FILE`.
    pub shell: String,
    /// The systemd property that sets the same value, as a `systemd-run` command.
    pub systemd: Option<String>,
    /// The docker option that sets the same value, as a `docker run` command.
    pub docker: Option<String>,
    /// Why the value would be refused, if it would (errno and sentence).
    pub error: Option<String>,
}

/// The editors of every limit file that exists in `path` of hierarchy `hierarchy`, showing the
/// current values.
pub fn editors(state: &State, hierarchy: usize, path: &CgroupPath) -> Vec<LimitEditor> {
    LimitFile::ALL
        .iter()
        .copied()
        .filter(|file| state.has_file(hierarchy, path, *file))
        .map(|file| {
            let current = current_limits(state, hierarchy, path).read(file);
            editor(state, hierarchy, path, file, &current)
        })
        .collect()
}

fn current_limits(state: &State, hierarchy: usize, path: &CgroupPath) -> Limits {
    state
        .hierarchies()
        .get(hierarchy)
        .and_then(|h| h.get(path))
        .map(|c| c.limits.clone())
        .unwrap_or_default()
}

/// The editor of `file` in `path` with `value` typed in.
pub fn editor(
    state: &State,
    hierarchy: usize,
    path: &CgroupPath,
    file: LimitFile,
    value: &str,
) -> LimitEditor {
    let current_limits = current_limits(state, hierarchy, path);
    let dir = state
        .hierarchies()
        .get(hierarchy)
        .map_or_else(|| path.to_string(), |h| h.dir_of(path));
    let parsed = limits::parse_write(
        file,
        value,
        &current_limits,
        path.is_root(),
        state.devices(),
    );
    let (systemd, docker, error) = match &parsed {
        Ok(parsed) => (
            systemd_property(file, parsed, state.devices()).map(|p| format!("systemd-run {p} ...")),
            docker_option(file, parsed, state.devices()).map(|o| format!("docker run {o} ...")),
            None,
        ),
        Err(error) => (None, None, Some(error.to_string())),
    };
    LimitEditor {
        file,
        file_name: file.file_name(),
        current: current_limits.read(file),
        value: value.to_owned(),
        about: file.about(),
        shell: echo(value, &dir, file.file_name()),
        systemd,
        docker,
        error,
    }
}

fn device_path(devices: &[BlockDevice], number: limits::DeviceNumber) -> String {
    devices.iter().find(|d| d.number == number).map_or_else(
        || format!("/dev/block/{number}"),
        |d| format!("/dev/{}", d.name),
    )
}

fn size_or_infinity(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "infinity".to_owned(), bytes_suffix)
}

/// The `-p Property=value` options of `systemd-run` for a v2 value (v1-only files have none).
fn systemd_property(
    file: LimitFile,
    value: &LimitValue,
    devices: &[BlockDevice],
) -> Option<String> {
    match (file, value) {
        (LimitFile::CpuWeight, LimitValue::CpuWeight(weight)) => {
            Some(format!("-p CPUWeight={weight}"))
        }
        (
            LimitFile::CpuMax,
            LimitValue::CpuBandwidth {
                quota_usec,
                period_usec,
            },
        ) => {
            let period = if *period_usec == CPU_PERIOD_DEFAULT_USEC {
                String::new()
            } else if period_usec % 1000 == 0 {
                format!(" -p CPUQuotaPeriodSec={}ms", period_usec / 1000)
            } else {
                format!(" -p CPUQuotaPeriodSec={period_usec}us")
            };
            match quota_usec {
                None => Some(format!("-p CPUQuota={period}")),
                Some(quota) if (quota * 100) % period_usec == 0 => Some(format!(
                    "-p CPUQuota={}%{period}",
                    quota * 100 / period_usec
                )),
                Some(_) => None,
            }
        }
        (LimitFile::MemoryMax, LimitValue::MemoryMax(bytes)) => {
            Some(format!("-p MemoryMax={}", size_or_infinity(*bytes)))
        }
        (LimitFile::MemoryHigh, LimitValue::MemoryHigh(bytes)) => {
            Some(format!("-p MemoryHigh={}", size_or_infinity(*bytes)))
        }
        (LimitFile::PidsMax, LimitValue::PidsMax(max)) => Some(format!(
            "-p TasksMax={}",
            max.map_or_else(|| "infinity".to_owned(), |m| m.to_string())
        )),
        (LimitFile::IoMax, LimitValue::Io { device, limits }) => {
            let dev = device_path(devices, *device);
            let pairs = [
                ("IOReadBandwidthMax", limits.rbps),
                ("IOWriteBandwidthMax", limits.wbps),
                ("IOReadIOPSMax", limits.riops),
                ("IOWriteIOPSMax", limits.wiops),
            ];
            let parts: Vec<String> = pairs
                .iter()
                .filter_map(|(key, v)| v.map(|v| format!("-p \"{key}={dev} {v}\"")))
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        }
        _ => None,
    }
}

/// The `docker run` options that produce the same value.
fn docker_option(file: LimitFile, value: &LimitValue, devices: &[BlockDevice]) -> Option<String> {
    match (file, value) {
        (
            LimitFile::CpuMax | LimitFile::CfsQuotaUs | LimitFile::CfsPeriodUs,
            LimitValue::CpuBandwidth {
                quota_usec: Some(quota),
                period_usec,
            },
        ) => Some(if *period_usec == CPU_PERIOD_DEFAULT_USEC {
            format!("--cpus {}", *quota as f64 / CPU_PERIOD_DEFAULT_USEC as f64)
        } else {
            format!("--cpu-period {period_usec} --cpu-quota {quota}")
        }),
        (LimitFile::CpuShares, LimitValue::CpuShares(shares)) => {
            Some(format!("--cpu-shares {shares}"))
        }
        (
            LimitFile::MemoryMax | LimitFile::MemoryLimitInBytes,
            LimitValue::MemoryMax(Some(bytes)),
        ) => Some(format!("--memory {}", docker_size(*bytes))),
        (LimitFile::PidsMax, LimitValue::PidsMax(Some(max))) => Some(format!("--pids-limit {max}")),
        (
            LimitFile::IoMax | LimitFile::BlkioReadBps | LimitFile::BlkioWriteBps,
            LimitValue::Io { device, limits },
        ) => {
            let dev = device_path(devices, *device);
            let pairs = [
                ("--device-read-bps", limits.rbps),
                ("--device-write-bps", limits.wbps),
                ("--device-read-iops", limits.riops),
                ("--device-write-iops", limits.wiops),
            ];
            let parts: Vec<String> = pairs
                .iter()
                .filter_map(|(flag, v)| v.map(|v| format!("{flag} {dev}:{v}")))
                .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        }
        _ => None,
    }
}

/// Docker's size syntax (1024-based `k`, `m`, `g`; plain bytes otherwise).
fn docker_size(bytes: u64) -> String {
    for (shift, unit) in [(30, "g"), (20, "m"), (10, "k")] {
        if bytes != 0 && bytes.is_multiple_of(1u64 << shift) {
            return format!("{}{unit}", bytes >> shift);
        }
    }
    bytes.to_string()
}

/// The limits `docker run --cpus C --memory M --pids-limit P` writes into the container's cgroup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DockerRun {
    /// `--cpus` in billionths of a CPU (docker's NanoCPUs).
    pub nano_cpus: u64,
    /// `--memory` in bytes.
    pub memory_bytes: u64,
    /// `--pids-limit`.
    pub pids_limit: u64,
}

impl DockerRun {
    /// The `(file, value)` writes on cgroup v2: `cpu.max` is NanoCPUs x 100000 / 10^9 over a
    /// 100000 µs period.
    pub fn files(&self) -> [(LimitFile, String); 3] {
        let quota = self.nano_cpus * CPU_PERIOD_DEFAULT_USEC / 1_000_000_000;
        [
            (
                LimitFile::CpuMax,
                format!("{quota} {CPU_PERIOD_DEFAULT_USEC}"),
            ),
            (LimitFile::MemoryMax, self.memory_bytes.to_string()),
            (LimitFile::PidsMax, self.pids_limit.to_string()),
        ]
    }

    /// The `docker run` options.
    pub fn options(&self) -> String {
        format!(
            "--cpus {} --memory {} --pids-limit {}",
            self.nano_cpus as f64 / 1e9,
            docker_size(self.memory_bytes),
            self.pids_limit
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::op::Op;
    use super::super::text::parse_ops;
    use super::super::version::CgroupVersion;
    use super::*;

    fn app_state() -> State {
        let mut state = State::default_for(CgroupVersion::V2);
        for op in parse_ops("enable / cpu io memory pids; mkdir /app").unwrap() {
            let op: Op = op;
            state.apply(&op).unwrap();
        }
        state
    }

    fn app() -> CgroupPath {
        CgroupPath::parse("/app").unwrap()
    }

    #[test]
    fn cpu_max_equivalents() {
        let state = app_state();
        let e = editor(&state, 0, &app(), LimitFile::CpuMax, "50000 100000");
        assert_eq!(
            e.shell,
            "echo \"50000 100000\" > /sys/fs/cgroup/app/cpu.max"
        );
        assert_eq!(
            e.systemd.as_deref(),
            Some("systemd-run -p CPUQuota=50% ...")
        );
        assert_eq!(e.docker.as_deref(), Some("docker run --cpus 0.5 ..."));
        assert_eq!(e.current, "max 100000");
        let bad = editor(&state, 0, &app(), LimitFile::CpuMax, "10 100000");
        assert!(bad.error.unwrap().starts_with("EINVAL"));
    }

    #[test]
    fn memory_weight_pids_io_equivalents() {
        let state = app_state();
        let memory = editor(&state, 0, &app(), LimitFile::MemoryMax, "256M");
        assert_eq!(
            memory.systemd.as_deref(),
            Some("systemd-run -p MemoryMax=256M ...")
        );
        assert_eq!(
            memory.docker.as_deref(),
            Some("docker run --memory 256m ...")
        );
        let weight = editor(&state, 0, &app(), LimitFile::CpuWeight, "200");
        assert_eq!(
            weight.systemd.as_deref(),
            Some("systemd-run -p CPUWeight=200 ...")
        );
        assert_eq!(weight.docker, None);
        let pids = editor(&state, 0, &app(), LimitFile::PidsMax, "100");
        assert_eq!(
            pids.systemd.as_deref(),
            Some("systemd-run -p TasksMax=100 ...")
        );
        assert_eq!(
            pids.docker.as_deref(),
            Some("docker run --pids-limit 100 ...")
        );
        let io = editor(&state, 0, &app(), LimitFile::IoMax, "8:0 rbps=1048576");
        assert_eq!(
            io.systemd.as_deref(),
            Some("systemd-run -p \"IOReadBandwidthMax=/dev/sda 1048576\" ...")
        );
        assert_eq!(
            io.docker.as_deref(),
            Some("docker run --device-read-bps /dev/sda:1048576 ...")
        );
        let names: Vec<&str> = editors(&state, 0, &app())
            .iter()
            .map(|e| e.file_name)
            .collect();
        assert_eq!(
            names,
            [
                "cpu.weight",
                "cpu.max",
                "memory.max",
                "memory.high",
                "pids.max",
                "io.max"
            ]
        );
    }

    #[test]
    fn docker_run_half_cpu_256m() {
        let run = DockerRun {
            nano_cpus: 500_000_000,
            memory_bytes: 256 << 20,
            pids_limit: 100,
        };
        let files = run.files();
        assert_eq!(files[0], (LimitFile::CpuMax, "50000 100000".to_owned()));
        assert_eq!(files[1], (LimitFile::MemoryMax, "268435456".to_owned()));
        assert_eq!(files[2], (LimitFile::PidsMax, "100".to_owned()));
        assert_eq!(run.options(), "--cpus 0.5 --memory 256m --pids-limit 100");
    }
}
