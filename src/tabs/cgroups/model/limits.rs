//! The limit files a student can edit, the values a cgroup holds, and the kernel's rules for
//! writing them.
//!
//! Each [`LimitFile`] knows its name, controller, default and what it means; [`parse_write`]
//! turns the text of `echo VALUE > file` into a [`LimitValue`] or the errno the kernel returns.
//! Sources: Documentation/admin-guide/cgroup-v2.rst (file formats, defaults), kernel/sched/core.c
//! (`cpu_weight_write_u64`: ERANGE outside 1..=10000; `tg_set_bandwidth`: quota and period at least
//! 1 ms, period at most 1 s, all EINVAL; `sched_group_set_shares`: v1 shares clamped to 2..=262144,
//! EINVAL on the root), mm/memcontrol.c (`memory_max_write`, `memory_high_write`, v1
//! `mem_cgroup_write`: EINVAL on the root), kernel/cgroup/pids.c (`pids_max_write`: EINVAL outside
//! 0..PIDS_MAX), block/blk-throttle.c (`tg_set_limit`: ERANGE for 0, EINVAL for unknown keys) and
//! block/blk-cgroup.c (`blkg_conf_open_bdev`: ENODEV for a missing disk or a partition).

use std::collections::BTreeMap;

use serde::Serialize;

use super::controller::Controller;
use super::errno::{Errno, OpError};
use super::kparse;
use super::version::CgroupVersion;

/// Default and range of `cpu.weight` (cgroup-v2.rst: "default 100", "range [1, 10000]").
pub const CPU_WEIGHT_DEFAULT: u64 = 100;
/// Smallest `cpu.weight`.
pub const CPU_WEIGHT_MIN: u64 = 1;
/// Largest `cpu.weight`.
pub const CPU_WEIGHT_MAX: u64 = 10_000;
/// Default v1 `cpu.shares`, which corresponds to `cpu.weight` 100.
pub const CPU_SHARES_DEFAULT: u64 = 1024;
/// v1 `cpu.shares` is clamped to this range (`MIN_SHARES`, `MAX_SHARES` in kernel/sched/sched.h).
pub const CPU_SHARES_RANGE: (u64, u64) = (2, 1 << 18);
/// Default bandwidth period: `cpu.max` reads `max 100000`.
pub const CPU_PERIOD_DEFAULT_USEC: u64 = 100_000;
/// Smallest quota and period (`min_bw_quota_period_us`, 1 ms).
pub const CPU_BW_MIN_USEC: u64 = 1_000;
/// Largest period (`max_bw_quota_period_us`, 1 s).
pub const CPU_PERIOD_MAX_USEC: u64 = 1_000_000;
/// Largest quota (`MAX_BW` with `BW_SHIFT` 20: about 203 days).
pub const CPU_QUOTA_MAX_USEC: u64 = (1 << 44) - 1;
/// `PIDS_MAX` is `PID_MAX_LIMIT + 1`; on 64-bit `PID_MAX_LIMIT` is 4 * 1024 * 1024.
pub const PIDS_MAX_LIMIT: u64 = 4 * 1024 * 1024;

/// A block device number `MAJ:MIN` (serialized as that string, so it can key a JSON map).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceNumber {
    /// Major number (8 for SCSI/SATA disks).
    pub major: u32,
    /// Minor number (0 for the first whole disk).
    pub minor: u32,
}

impl Serialize for DeviceNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl std::fmt::Display for DeviceNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.major, self.minor)
    }
}

/// A whole disk that `io.max` may name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlockDevice {
    /// Its device number.
    pub number: DeviceNumber,
    /// Its name under `/dev`, e.g. `sda`.
    pub name: String,
}

/// One device's line in `io.max`; `None` is `max` (no limit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IoMax {
    /// Read bytes per second.
    pub rbps: Option<u64>,
    /// Write bytes per second.
    pub wbps: Option<u64>,
    /// Read operations per second.
    pub riops: Option<u64>,
    /// Write operations per second.
    pub wiops: Option<u64>,
}

impl IoMax {
    fn is_unlimited(&self) -> bool {
        *self == Self::default()
    }
}

/// The configured limits of one cgroup. Fields of controllers that are not enabled keep their
/// defaults; the file existence rules live in the state, not here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Limits {
    /// v2 `cpu.weight`.
    pub cpu_weight: u64,
    /// v1 `cpu.shares`.
    pub cpu_shares: u64,
    /// Bandwidth quota per period in µs (`cpu.max` `$MAX`, v1 `cpu.cfs_quota_us`); `None` is max.
    pub cpu_quota_usec: Option<u64>,
    /// Bandwidth period in µs (`cpu.max` `$PERIOD`, v1 `cpu.cfs_period_us`).
    pub cpu_period_usec: u64,
    /// `memory.max` (v1 `memory.limit_in_bytes`), page aligned; `None` is max.
    pub memory_max_bytes: Option<u64>,
    /// `memory.high`, page aligned; `None` is max. v2 only.
    pub memory_high_bytes: Option<u64>,
    /// `pids.max`; `None` is max.
    pub pids_max: Option<u64>,
    /// `io.max` lines by device (v1: the `blkio.throttle.*_bps_device` files).
    pub io_max: BTreeMap<DeviceNumber, IoMax>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            cpu_weight: CPU_WEIGHT_DEFAULT,
            cpu_shares: CPU_SHARES_DEFAULT,
            cpu_quota_usec: None,
            cpu_period_usec: CPU_PERIOD_DEFAULT_USEC,
            memory_max_bytes: None,
            memory_high_bytes: None,
            pids_max: None,
            io_max: BTreeMap::new(),
        }
    }
}

impl Limits {
    /// Resets the fields of `controller` to their defaults: disabling a controller destroys its
    /// per-cgroup state (the css), and re-enabling it starts fresh.
    pub fn reset(&mut self, controller: Controller) {
        let fresh = Self::default();
        match controller {
            Controller::Cpu => {
                self.cpu_weight = fresh.cpu_weight;
                self.cpu_shares = fresh.cpu_shares;
                self.cpu_quota_usec = fresh.cpu_quota_usec;
                self.cpu_period_usec = fresh.cpu_period_usec;
            }
            Controller::Memory => {
                self.memory_max_bytes = fresh.memory_max_bytes;
                self.memory_high_bytes = fresh.memory_high_bytes;
            }
            Controller::Pids => self.pids_max = fresh.pids_max,
            Controller::Io => self.io_max.clear(),
            _ => {}
        }
    }

    /// Applies a value that [`parse_write`] accepted.
    pub fn apply(&mut self, value: &LimitValue) {
        match value {
            LimitValue::CpuWeight(weight) => self.cpu_weight = *weight,
            LimitValue::CpuShares(shares) => self.cpu_shares = *shares,
            LimitValue::CpuBandwidth {
                quota_usec,
                period_usec,
            } => {
                self.cpu_quota_usec = *quota_usec;
                self.cpu_period_usec = *period_usec;
            }
            LimitValue::MemoryMax(bytes) => self.memory_max_bytes = *bytes,
            LimitValue::MemoryHigh(bytes) => self.memory_high_bytes = *bytes,
            LimitValue::PidsMax(max) => self.pids_max = *max,
            LimitValue::Io { device, limits } => {
                if limits.is_unlimited() {
                    self.io_max.remove(device);
                } else {
                    self.io_max.insert(*device, *limits);
                }
            }
        }
    }

    /// What `cat file` prints for this cgroup (without the trailing newline).
    pub fn read(&self, file: LimitFile) -> String {
        let max_or = |value: Option<u64>| value.map_or_else(|| "max".to_owned(), |v| v.to_string());
        match file {
            LimitFile::CpuWeight => self.cpu_weight.to_string(),
            LimitFile::CpuShares => self.cpu_shares.to_string(),
            LimitFile::CpuMax => {
                format!("{} {}", max_or(self.cpu_quota_usec), self.cpu_period_usec)
            }
            LimitFile::CfsQuotaUs => self
                .cpu_quota_usec
                .map_or_else(|| "-1".to_owned(), |q| q.to_string()),
            LimitFile::CfsPeriodUs => self.cpu_period_usec.to_string(),
            LimitFile::MemoryMax | LimitFile::MemoryHigh => {
                max_or(if file == LimitFile::MemoryMax {
                    self.memory_max_bytes
                } else {
                    self.memory_high_bytes
                })
            }
            // v1 prints the page-aligned maximum instead of "max" (PAGE_COUNTER_MAX pages).
            LimitFile::MemoryLimitInBytes => self
                .memory_max_bytes
                .unwrap_or(kparse::PAGE_COUNTER_MAX_PAGES * kparse::PAGE_SIZE_BYTES)
                .to_string(),
            LimitFile::PidsMax => max_or(self.pids_max),
            LimitFile::IoMax => self
                .io_max
                .iter()
                .map(|(device, io)| {
                    format!(
                        "{device} rbps={} wbps={} riops={} wiops={}",
                        max_or(io.rbps),
                        max_or(io.wbps),
                        max_or(io.riops),
                        max_or(io.wiops)
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            LimitFile::BlkioReadBps | LimitFile::BlkioWriteBps => self
                .io_max
                .iter()
                .filter_map(|(device, io)| {
                    let bps = if file == LimitFile::BlkioReadBps {
                        io.rbps
                    } else {
                        io.wbps
                    };
                    bps.map(|b| format!("{device} {b}"))
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// The kernel weight (v1 shares units, 1024 = nice 0) the scheduler uses: v2 converts
    /// `cpu.weight` with `sched_weight_from_cgroup`, i.e. `DIV_ROUND_CLOSEST(w * 1024, 100)`.
    pub fn sched_weight(&self, version: CgroupVersion) -> u64 {
        match version {
            CgroupVersion::V1 => self.cpu_shares,
            CgroupVersion::V2 => (self.cpu_weight * 1024 + 50) / 100,
        }
    }
}

/// A file the limit editors can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LimitFile {
    /// v2 `cpu.weight`.
    CpuWeight,
    /// v2 `cpu.max`.
    CpuMax,
    /// v2 `memory.max`.
    MemoryMax,
    /// v2 `memory.high`.
    MemoryHigh,
    /// `pids.max` (same name and format in v1 and v2).
    PidsMax,
    /// v2 `io.max`.
    IoMax,
    /// v1 `cpu.shares`.
    CpuShares,
    /// v1 `cpu.cfs_quota_us`.
    CfsQuotaUs,
    /// v1 `cpu.cfs_period_us`.
    CfsPeriodUs,
    /// v1 `memory.limit_in_bytes`.
    MemoryLimitInBytes,
    /// v1 `blkio.throttle.read_bps_device`.
    BlkioReadBps,
    /// v1 `blkio.throttle.write_bps_device`.
    BlkioWriteBps,
}

impl LimitFile {
    /// Every editable file.
    pub const ALL: &'static [Self] = &[
        Self::CpuWeight,
        Self::CpuMax,
        Self::MemoryMax,
        Self::MemoryHigh,
        Self::PidsMax,
        Self::IoMax,
        Self::CpuShares,
        Self::CfsQuotaUs,
        Self::CfsPeriodUs,
        Self::MemoryLimitInBytes,
        Self::BlkioReadBps,
        Self::BlkioWriteBps,
    ];

    /// The file name inside the cgroup directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::CpuWeight => "cpu.weight",
            Self::CpuMax => "cpu.max",
            Self::MemoryMax => "memory.max",
            Self::MemoryHigh => "memory.high",
            Self::PidsMax => "pids.max",
            Self::IoMax => "io.max",
            Self::CpuShares => "cpu.shares",
            Self::CfsQuotaUs => "cpu.cfs_quota_us",
            Self::CfsPeriodUs => "cpu.cfs_period_us",
            Self::MemoryLimitInBytes => "memory.limit_in_bytes",
            Self::BlkioReadBps => "blkio.throttle.read_bps_device",
            Self::BlkioWriteBps => "blkio.throttle.write_bps_device",
        }
    }

    /// Whether the file exists in `version`.
    pub fn in_version(self, version: CgroupVersion) -> bool {
        match self {
            Self::PidsMax => true,
            Self::CpuWeight | Self::CpuMax | Self::MemoryMax | Self::MemoryHigh | Self::IoMax => {
                version == CgroupVersion::V2
            }
            _ => version == CgroupVersion::V1,
        }
    }

    /// The file called `name` in `version`.
    pub fn from_file_name(name: &str, version: CgroupVersion) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|f| f.file_name() == name && f.in_version(version))
    }

    /// The controller that provides the file.
    pub fn controller(self) -> Controller {
        match self {
            Self::CpuWeight
            | Self::CpuMax
            | Self::CpuShares
            | Self::CfsQuotaUs
            | Self::CfsPeriodUs => Controller::Cpu,
            Self::MemoryMax | Self::MemoryHigh | Self::MemoryLimitInBytes => Controller::Memory,
            Self::PidsMax => Controller::Pids,
            Self::IoMax | Self::BlkioReadBps | Self::BlkioWriteBps => Controller::Io,
        }
    }

    /// Whether the root cgroup has the file (v2 limit files are `CFTYPE_NOT_ON_ROOT`; v1 cpu and
    /// memory files exist on the root but refuse writes with EINVAL).
    pub fn on_root(self) -> bool {
        matches!(
            self,
            Self::CpuShares
                | Self::CfsQuotaUs
                | Self::CfsPeriodUs
                | Self::MemoryLimitInBytes
                | Self::BlkioReadBps
                | Self::BlkioWriteBps
        )
    }

    /// The value a fresh cgroup shows.
    pub fn default_text(self) -> &'static str {
        match self {
            Self::CpuWeight => "100",
            Self::CpuMax => "max 100000",
            Self::MemoryMax | Self::MemoryHigh | Self::PidsMax => "max",
            Self::IoMax | Self::BlkioReadBps | Self::BlkioWriteBps => "",
            Self::CpuShares => "1024",
            Self::CfsQuotaUs => "-1",
            Self::CfsPeriodUs => "100000",
            Self::MemoryLimitInBytes => "9223372036854771712",
        }
    }

    /// One sentence on what the file does.
    pub fn about(self) -> &'static str {
        match self {
            Self::CpuWeight => {
                "A relative share (1-10000, default 100): busy siblings split their parent's CPU in proportion to their weights; it never caps an idle machine."
            }
            Self::CpuMax => {
                "A hard cap: the group may run $MAX microseconds every $PERIOD microseconds, then it is throttled until the next period."
            }
            Self::MemoryMax => {
                "The hard memory limit: when reclaim cannot keep usage below it, the OOM killer kills a process in the cgroup."
            }
            Self::MemoryHigh => {
                "The throttling limit: above it the kernel reclaims and slows allocations down, but it never calls the OOM killer."
            }
            Self::PidsMax => {
                "The most tasks the cgroup may hold: fork() and clone() fail with EAGAIN at the limit."
            }
            Self::IoMax => {
                "Per-device bandwidth and IOPS caps: \"MAJ:MIN rbps= wbps= riops= wiops=\", each a number or max."
            }
            Self::CpuShares => {
                "The v1 relative CPU share (default 1024, the same as cpu.weight 100)."
            }
            Self::CfsQuotaUs => "The v1 CPU quota per period in microseconds; -1 means no limit.",
            Self::CfsPeriodUs => "The v1 bandwidth period in microseconds (default 100000).",
            Self::MemoryLimitInBytes => {
                "The v1 hard memory limit; at the limit the OOM killer runs in the cgroup."
            }
            Self::BlkioReadBps => "The v1 read bandwidth cap: \"MAJ:MIN BYTES_PER_SEC\".",
            Self::BlkioWriteBps => "The v1 write bandwidth cap: \"MAJ:MIN BYTES_PER_SEC\".",
        }
    }
}

/// A value that the kernel accepted for a [`LimitFile`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitValue {
    /// `cpu.weight`.
    CpuWeight(u64),
    /// `cpu.shares`, already clamped.
    CpuShares(u64),
    /// `cpu.max`, `cpu.cfs_quota_us` or `cpu.cfs_period_us`: the resulting pair.
    CpuBandwidth {
        /// Quota in µs; `None` is max.
        quota_usec: Option<u64>,
        /// Period in µs.
        period_usec: u64,
    },
    /// `memory.max` or `memory.limit_in_bytes`.
    MemoryMax(Option<u64>),
    /// `memory.high`.
    MemoryHigh(Option<u64>),
    /// `pids.max`.
    PidsMax(Option<u64>),
    /// One device's `io.max` (or v1 throttle) settings after the write.
    Io {
        /// The device.
        device: DeviceNumber,
        /// Its limits after the write.
        limits: IoMax,
    },
}

fn einval(explanation: impl Into<String>) -> OpError {
    OpError::kernel(Errno::Einval, explanation)
}

/// Checks `tg_set_bandwidth`'s bounds on a quota/period pair (µs).
fn check_bandwidth(quota_usec: Option<u64>, period_usec: u64) -> Result<(), OpError> {
    if quota_usec.is_some_and(|q| q < CPU_BW_MIN_USEC) {
        return Err(einval(
            "The quota must be at least 1000 µs (1 ms): the kernel wants every group to get some CPU time in each period.",
        ));
    }
    if !(CPU_BW_MIN_USEC..=CPU_PERIOD_MAX_USEC).contains(&period_usec) {
        return Err(einval(
            "The period must be between 1000 µs (1 ms) and 1000000 µs (1 s).",
        ));
    }
    if quota_usec.is_some_and(|q| q > CPU_QUOTA_MAX_USEC) {
        return Err(einval(
            "The quota is larger than the kernel's maximum (about 203 days).",
        ));
    }
    Ok(())
}

/// Parses the text of `echo TEXT > file` the way the kernel does. `current` supplies the values a
/// partial write keeps (the period of `cpu.max "50000"`); `is_root` is whether the cgroup is the
/// hierarchy's root; `devices` are the whole disks `io.max` may name. Context rules (file
/// existence, the v1 parent-quota rule) are checked by the caller.
pub fn parse_write(
    file: LimitFile,
    text: &str,
    current: &Limits,
    is_root: bool,
    devices: &[BlockDevice],
) -> Result<LimitValue, OpError> {
    let not_integer = |name: &str, errno: Errno| {
        OpError::kernel(
            errno,
            match errno {
                Errno::Erange => format!("{text:?} does not fit in {name}'s integer type."),
                _ => format!("{name} takes a plain integer, and {text:?} is not one."),
            },
        )
    };
    match file {
        LimitFile::CpuWeight => {
            let weight = kparse::kstrtoull(text).map_err(|e| not_integer("cpu.weight", e))?;
            if !(CPU_WEIGHT_MIN..=CPU_WEIGHT_MAX).contains(&weight) {
                return Err(OpError::kernel(
                    Errno::Erange,
                    format!(
                        "cpu.weight must be between 1 and 10000 (default 100), and {weight} is not."
                    ),
                ));
            }
            Ok(LimitValue::CpuWeight(weight))
        }
        LimitFile::CpuShares => {
            let shares = kparse::kstrtoull(text).map_err(|e| not_integer("cpu.shares", e))?;
            if is_root {
                return Err(einval(
                    "The root cgroup's cpu.shares cannot be changed: it has no parent to share with.",
                ));
            }
            Ok(LimitValue::CpuShares(
                shares.clamp(CPU_SHARES_RANGE.0, CPU_SHARES_RANGE.1),
            ))
        }
        LimitFile::CpuMax => {
            let (quota_usec, period_usec) = parse_cpu_max(text, current.cpu_period_usec)?;
            check_bandwidth(quota_usec, period_usec)?;
            Ok(LimitValue::CpuBandwidth {
                quota_usec,
                period_usec,
            })
        }
        LimitFile::CfsQuotaUs => {
            let quota = kparse::kstrtoll(text).map_err(|e| not_integer("cpu.cfs_quota_us", e))?;
            if is_root {
                return Err(einval("The root cgroup cannot have a CPU quota."));
            }
            let quota_usec = u64::try_from(quota).ok();
            check_bandwidth(quota_usec, current.cpu_period_usec)?;
            Ok(LimitValue::CpuBandwidth {
                quota_usec,
                period_usec: current.cpu_period_usec,
            })
        }
        LimitFile::CfsPeriodUs => {
            let period_usec =
                kparse::kstrtoull(text).map_err(|e| not_integer("cpu.cfs_period_us", e))?;
            if is_root {
                return Err(einval("The root cgroup cannot have a CPU quota period."));
            }
            check_bandwidth(current.cpu_quota_usec, period_usec)?;
            Ok(LimitValue::CpuBandwidth {
                quota_usec: current.cpu_quota_usec,
                period_usec,
            })
        }
        LimitFile::MemoryMax | LimitFile::MemoryHigh => {
            let bytes = kparse::page_counter_memparse(text, "max").map_err(|_| {
                einval(format!(
                    "{} takes a byte count with an optional K, M, G or T suffix, or max; {text:?} is not one.",
                    file.file_name()
                ))
            })?;
            Ok(if file == LimitFile::MemoryMax {
                LimitValue::MemoryMax(bytes)
            } else {
                LimitValue::MemoryHigh(bytes)
            })
        }
        LimitFile::MemoryLimitInBytes => {
            let bytes = kparse::page_counter_memparse(text, "-1").map_err(|_| {
                einval(format!(
                    "memory.limit_in_bytes takes a byte count with an optional K, M or G suffix, or -1; {text:?} is not one."
                ))
            })?;
            if is_root {
                return Err(einval("The root memory cgroup cannot be limited."));
            }
            Ok(LimitValue::MemoryMax(bytes))
        }
        LimitFile::PidsMax => parse_pids_max(text).map(LimitValue::PidsMax),
        LimitFile::IoMax => parse_io_max(text, current, devices),
        LimitFile::BlkioReadBps | LimitFile::BlkioWriteBps => {
            parse_blkio_throttle(file, text, current, devices)
        }
    }
}

/// `cpu_period_quota_parse`: `sscanf(buf, "%20s %llu")`; a lone quota keeps the period.
fn parse_cpu_max(text: &str, current_period_usec: u64) -> Result<(Option<u64>, u64), OpError> {
    let format_error = || {
        einval(format!(
            "cpu.max takes \"$MAX $PERIOD\" in microseconds, where $MAX is a number or max; {text:?} is not that."
        ))
    };
    let mut tokens = text.split_ascii_whitespace();
    let first = tokens.next().ok_or_else(format_error)?;
    // `%20s` stops after 20 characters; anything left over is what `%llu` sees next.
    let cut = first.char_indices().nth(20).map_or(first.len(), |(i, _)| i);
    let (quota_token, spill) = first.split_at(cut);
    let period_token = if spill.is_empty() {
        tokens.next()
    } else {
        Some(spill)
    };
    let quota_usec = match kparse::scanf_u64(quota_token) {
        Some(quota) => Some(quota),
        None if quota_token == "max" => None,
        None => return Err(format_error()),
    };
    let period_usec = period_token
        .and_then(kparse::scanf_u64)
        .unwrap_or(current_period_usec);
    Ok((quota_usec, period_usec))
}

fn parse_pids_max(text: &str) -> Result<Option<u64>, OpError> {
    let text = kparse::strstrip(text);
    if text == "max" {
        return Ok(None);
    }
    let explain = || {
        format!("pids.max takes max or a number from 0 to {PIDS_MAX_LIMIT}; {text:?} is not one.")
    };
    let limit = kparse::kstrtoll(text).map_err(|errno| OpError::kernel(errno, explain()))?;
    match u64::try_from(limit) {
        Ok(limit) if limit <= PIDS_MAX_LIMIT => Ok(Some(limit)),
        _ => Err(einval(explain())),
    }
}

/// `blkg_conf_open_bdev`: `"%u:%u"` then whitespace (the newline `echo` adds counts), and the
/// number must be a whole disk the model knows.
fn parse_device<'t>(
    text: &'t str,
    devices: &[BlockDevice],
    file: LimitFile,
) -> Result<(DeviceNumber, &'t str), OpError> {
    let format_error = || {
        einval(format!(
            "{} lines start with a device number MAJ:MIN such as 8:0; {text:?} does not.",
            file.file_name()
        ))
    };
    let (major_text, rest) = text.split_once(':').ok_or_else(format_error)?;
    let major = kparse::scanf_u64(major_text)
        .filter(|_| major_text.chars().all(|c| c.is_ascii_digit()))
        .and_then(|m| u32::try_from(m).ok())
        .ok_or_else(format_error)?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let minor = rest[..digits].parse::<u32>().map_err(|_| format_error())?;
    let body = &rest[digits..];
    if !(body.is_empty() || body.starts_with(|c: char| c.is_ascii_whitespace())) {
        return Err(format_error());
    }
    let number = DeviceNumber { major, minor };
    if !devices.iter().any(|d| d.number == number) {
        return Err(OpError::kernel(
            Errno::Enodev,
            format!(
                "There is no whole disk {number}; {} only accepts whole disks, not partitions.",
                file.file_name()
            ),
        ));
    }
    Ok((number, body.trim_start()))
}

/// `tg_set_limit`: `key=value` tokens, each value a number (not 0) or max.
fn parse_io_max(
    text: &str,
    current: &Limits,
    devices: &[BlockDevice],
) -> Result<LimitValue, OpError> {
    let (device, body) = parse_device(text, devices, LimitFile::IoMax)?;
    let mut limits = current.io_max.get(&device).copied().unwrap_or_default();
    for token in body.split_ascii_whitespace() {
        let bad = || {
            einval(format!(
                "io.max takes rbps=, wbps=, riops= and wiops=, each a number or max; {token:?} is not one of them."
            ))
        };
        let (key, value_text) = token.split_once('=').ok_or_else(bad)?;
        let value = match kparse::scanf_u64(value_text) {
            Some(0) => {
                return Err(OpError::kernel(
                    Errno::Erange,
                    "A limit of 0 is rejected with ERANGE; write max to remove a limit.",
                ));
            }
            Some(v) => Some(v),
            None if value_text == "max" => None,
            None => return Err(bad()),
        };
        let iops = value.map(|v| v.min(u64::from(u32::MAX)));
        match key {
            "rbps" => limits.rbps = value,
            "wbps" => limits.wbps = value,
            "riops" => limits.riops = iops.filter(|v| *v < u64::from(u32::MAX)),
            "wiops" => limits.wiops = iops.filter(|v| *v < u64::from(u32::MAX)),
            _ => return Err(bad()),
        }
    }
    Ok(LimitValue::Io { device, limits })
}

/// v1 `tg_set_conf`: `"MAJ:MIN BYTES"`; 0 removes the limit.
fn parse_blkio_throttle(
    file: LimitFile,
    text: &str,
    current: &Limits,
    devices: &[BlockDevice],
) -> Result<LimitValue, OpError> {
    let (device, body) = parse_device(text, devices, file)?;
    let bps = kparse::scanf_u64(body).ok_or_else(|| {
        einval(format!(
            "{} takes \"MAJ:MIN BYTES_PER_SEC\"; {text:?} has no number after the device.",
            file.file_name()
        ))
    })?;
    let mut limits = current.io_max.get(&device).copied().unwrap_or_default();
    let value = (bps != 0).then_some(bps);
    if file == LimitFile::BlkioReadBps {
        limits.rbps = value;
    } else {
        limits.wbps = value;
    }
    Ok(LimitValue::Io { device, limits })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sda() -> Vec<BlockDevice> {
        vec![BlockDevice {
            number: DeviceNumber { major: 8, minor: 0 },
            name: "sda".to_owned(),
        }]
    }

    fn write(file: LimitFile, text: &str) -> Result<LimitValue, Option<Errno>> {
        parse_write(file, text, &Limits::default(), false, &sda()).map_err(|e| e.errno)
    }

    #[test]
    fn cpu_weight_range_is_erange() {
        assert_eq!(
            write(LimitFile::CpuWeight, "200"),
            Ok(LimitValue::CpuWeight(200))
        );
        assert_eq!(
            write(LimitFile::CpuWeight, "1"),
            Ok(LimitValue::CpuWeight(1))
        );
        assert_eq!(
            write(LimitFile::CpuWeight, "10000"),
            Ok(LimitValue::CpuWeight(10_000))
        );
        assert_eq!(write(LimitFile::CpuWeight, "0"), Err(Some(Errno::Erange)));
        assert_eq!(
            write(LimitFile::CpuWeight, "10001"),
            Err(Some(Errno::Erange))
        );
        assert_eq!(
            write(LimitFile::CpuWeight, "heavy"),
            Err(Some(Errno::Einval))
        );
        assert_eq!(write(LimitFile::CpuWeight, "-5"), Err(Some(Errno::Einval)));
    }

    #[test]
    fn weight_100_is_1024_shares() {
        let limits = Limits::default();
        assert_eq!(limits.sched_weight(CgroupVersion::V2), 1024);
        assert_eq!(limits.sched_weight(CgroupVersion::V1), 1024);
        let heavy = Limits {
            cpu_weight: 200,
            ..Limits::default()
        };
        assert_eq!(heavy.sched_weight(CgroupVersion::V2), 2048);
    }

    #[test]
    fn cpu_max_formats_and_bounds() {
        let half = LimitValue::CpuBandwidth {
            quota_usec: Some(50_000),
            period_usec: 100_000,
        };
        assert_eq!(write(LimitFile::CpuMax, "50000 100000"), Ok(half.clone()));
        // A lone quota keeps the current period.
        assert_eq!(write(LimitFile::CpuMax, "50000"), Ok(half));
        assert_eq!(
            write(LimitFile::CpuMax, "max"),
            Ok(LimitValue::CpuBandwidth {
                quota_usec: None,
                period_usec: 100_000
            })
        );
        assert_eq!(
            write(LimitFile::CpuMax, "999 100000"),
            Err(Some(Errno::Einval))
        );
        assert_eq!(
            write(LimitFile::CpuMax, "50000 999"),
            Err(Some(Errno::Einval))
        );
        assert_eq!(
            write(LimitFile::CpuMax, "50000 1000001"),
            Err(Some(Errno::Einval))
        );
        assert_eq!(write(LimitFile::CpuMax, "half"), Err(Some(Errno::Einval)));
        assert_eq!(write(LimitFile::CpuMax, ""), Err(Some(Errno::Einval)));
    }

    #[test]
    fn memory_limits_round_down_to_pages() {
        assert_eq!(
            write(LimitFile::MemoryMax, "256M"),
            Ok(LimitValue::MemoryMax(Some(268_435_456)))
        );
        assert_eq!(
            write(LimitFile::MemoryHigh, "max"),
            Ok(LimitValue::MemoryHigh(None))
        );
        assert_eq!(
            write(LimitFile::MemoryMax, "lots"),
            Err(Some(Errno::Einval))
        );
        assert_eq!(
            write(LimitFile::MemoryLimitInBytes, "-1"),
            Ok(LimitValue::MemoryMax(None))
        );
        let root = parse_write(
            LimitFile::MemoryLimitInBytes,
            "1G",
            &Limits::default(),
            true,
            &[],
        );
        assert_eq!(root.map_err(|e| e.errno), Err(Some(Errno::Einval)));
    }

    #[test]
    fn pids_max_bounds() {
        assert_eq!(
            write(LimitFile::PidsMax, "100"),
            Ok(LimitValue::PidsMax(Some(100)))
        );
        assert_eq!(
            write(LimitFile::PidsMax, "0"),
            Ok(LimitValue::PidsMax(Some(0)))
        );
        assert_eq!(
            write(LimitFile::PidsMax, "max"),
            Ok(LimitValue::PidsMax(None))
        );
        assert_eq!(write(LimitFile::PidsMax, "-1"), Err(Some(Errno::Einval)));
        assert_eq!(
            write(LimitFile::PidsMax, "4194305"),
            Err(Some(Errno::Einval))
        );
        assert_eq!(
            write(LimitFile::PidsMax, "4194304"),
            Ok(LimitValue::PidsMax(Some(4_194_304)))
        );
    }

    #[test]
    fn v1_shares_clamp_instead_of_failing() {
        assert_eq!(
            write(LimitFile::CpuShares, "1"),
            Ok(LimitValue::CpuShares(2))
        );
        assert_eq!(
            write(LimitFile::CpuShares, "999999"),
            Ok(LimitValue::CpuShares(262_144))
        );
        assert_eq!(
            write(LimitFile::CfsQuotaUs, "-1"),
            Ok(LimitValue::CpuBandwidth {
                quota_usec: None,
                period_usec: 100_000
            })
        );
        assert_eq!(
            write(LimitFile::CfsQuotaUs, "500"),
            Err(Some(Errno::Einval))
        );
    }

    #[test]
    fn io_max_rules() {
        let value = write(LimitFile::IoMax, "8:0 rbps=1048576 wiops=max").unwrap();
        let mut limits = Limits::default();
        limits.apply(&value);
        assert_eq!(
            limits.read(LimitFile::IoMax),
            "8:0 rbps=1048576 wbps=max riops=max wiops=max"
        );
        assert_eq!(
            write(LimitFile::IoMax, "8:0 rbps=0"),
            Err(Some(Errno::Erange))
        );
        assert_eq!(
            write(LimitFile::IoMax, "8:0 speed=5"),
            Err(Some(Errno::Einval))
        );
        assert_eq!(
            write(LimitFile::IoMax, "8:1 rbps=5"),
            Err(Some(Errno::Enodev))
        );
        assert_eq!(
            write(LimitFile::IoMax, "sda rbps=5"),
            Err(Some(Errno::Einval))
        );
        // Removing the last limit removes the line.
        let cleared =
            parse_write(LimitFile::IoMax, "8:0 rbps=max", &limits, false, &sda()).unwrap();
        limits.apply(&cleared);
        assert_eq!(limits.read(LimitFile::IoMax), "");
    }

    #[test]
    fn limits_serialize_to_json() {
        let mut limits = Limits::default();
        limits.apply(&write(LimitFile::IoMax, "8:0 wbps=4096").unwrap());
        let json = serde_json::to_value(&limits).unwrap();
        assert_eq!(json["io_max"]["8:0"]["wbps"], 4096);
        assert_eq!(json["cpu_weight"], 100);
    }

    #[test]
    fn reads_show_kernel_formats() {
        let limits = Limits::default();
        assert_eq!(limits.read(LimitFile::CpuMax), "max 100000");
        assert_eq!(limits.read(LimitFile::MemoryMax), "max");
        assert_eq!(limits.read(LimitFile::CfsQuotaUs), "-1");
        for file in LimitFile::ALL {
            assert_eq!(
                limits.read(*file),
                file.default_text(),
                "{}",
                file.file_name()
            );
        }
    }
}
