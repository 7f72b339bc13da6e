//! The knobs of a migration scenario, their ranges and their scene-link keys.
//!
//! Every simulation starts from a validated [`Params`], so the mode code never has to guard
//! against a negative bandwidth or a working set larger than memory. Sizes are in MiB and
//! rates in MiB/s because that is how students (and QEMU's `max-bandwidth`) talk about them;
//! the model converts to 4 KiB pages internally.

use serde::{Deserialize, Serialize};

use super::rules::Rules;

/// Size of one guest page; the model (like QEMU and Xen on x86) migrates 4 KiB pages.
pub const PAGE_SIZE_BYTES: u64 = 4096;

/// Pages in one MiB (1 MiB / 4 KiB).
pub const PAGES_PER_MIB: f64 = 256.0;

/// Bytes in one MiB.
pub const BYTES_PER_MIB: f64 = 1_048_576.0;

/// QEMU's default `downtime-limit`: 300 ms (`migration/options.c`), a target, not a guarantee.
pub const QEMU_DOWNTIME_LIMIT_MS: f64 = 300.0;

/// QEMU's default `max-bandwidth` constant: 128 MiB/s (`migration/options.c`).
pub const QEMU_MAX_BANDWIDTH_MIB_S: f64 = 128.0;

/// The seed for the layout of hot pages when a preset does not choose one.
pub const DEFAULT_SEED: u64 = 0x7669_7274_7363_6f70;

/// How the guest's writes land on the pages of a set (the working set or the rest of memory).
///
/// The geometric closed form of pre-copy assumes every page dirtied in a round is a new one.
/// That holds for a writer that sweeps through its buffer in order; random writes instead
/// hit some pages twice, and a page dirtied twice is sent once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WritePattern {
    /// Uniformly random writes over the set: in `t` seconds a rate of `D` pages/s dirties
    /// `W * (1 - exp(-D*t/W))` distinct pages of a `W`-page set.
    Random,
    /// A writer sweeping through the set in order, wrapping around: `min(D*t, W)` distinct
    /// pages, which is exactly the steady-rate assumption of the geometric closed form.
    Sequential,
}

impl WritePattern {
    /// Every pattern, in display order.
    pub const ALL: &[Self] = &[Self::Random, Self::Sequential];

    /// Stable id for files and links.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Random => "random",
            Self::Sequential => "sequential",
        }
    }

    /// Parses [`Self::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Random => "Random writes",
            Self::Sequential => "Sequential sweep",
        }
    }
}

/// A parameter that is out of range, inconsistent, or cannot be parsed from a scene link.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ParamError {
    /// A number outside its allowed range (or not a number at all).
    #[error("{name} = {value} is out of range: it must be between {min} and {max} {unit}")]
    OutOfRange {
        /// Parameter name (the scene-link key where there is one).
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
        /// Unit of the value, for the message.
        unit: &'static str,
    },
    /// The writable working set is part of memory, so it cannot be larger.
    #[error(
        "wss_mib = {wss_mib} is larger than memory_mib = {memory_mib}: the working set is part of memory"
    )]
    WssExceedsMemory {
        /// Requested working set in MiB.
        wss_mib: f64,
        /// Memory size in MiB.
        memory_mib: f64,
    },
    /// A setting that the chosen hypervisor's rules do not have.
    #[error("{key} is a {owner} feature; the {rules} rules have none (choose rules=qemu)")]
    NotInRules {
        /// The scene-link key.
        key: &'static str,
        /// Whose feature it is.
        owner: &'static str,
        /// The rule set that lacks it.
        rules: &'static str,
    },
    /// A scene-link key this tab does not know.
    #[error("unknown migration parameter {key:?}; known keys are {known}")]
    UnknownKey {
        /// The key as written.
        key: String,
        /// The known keys, comma-separated.
        known: String,
    },
    /// A scene-link value that does not parse as the key's type.
    #[error("{key} = {value:?} is not {expected}")]
    BadValue {
        /// The key.
        key: &'static str,
        /// The value as written.
        value: String,
        /// What was expected, e.g. "a number" or "true or false".
        expected: &'static str,
    },
}

/// One migration scenario: the VM, its workload, the link and the migration policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Guest memory size V in MiB (1 MiB to 1 TiB).
    pub memory_mib: f64,
    /// Writable working set in MiB: the hot pages that take most writes (0 to `memory_mib`).
    pub wss_mib: f64,
    /// Share of writes that land on the working set (0 to 1); the rest land on the other pages.
    pub hot_write_share: f64,
    /// Guest write rate D in MiB/s (pages written per second, times 4 KiB), before throttling.
    pub dirty_mib_s: f64,
    /// How writes spread over the pages of each set.
    pub write_pattern: WritePattern,
    /// Link bandwidth R in MiB/s available to the migration.
    pub bandwidth_mib_s: f64,
    /// Whose rules end pre-copy (QEMU, Xen 4.6+ or legacy Xen; see [`super::rules`]).
    pub rules: Rules,
    /// QEMU's `downtime-limit` (default 300 ms, a target, not a guarantee): pre-copy switches
    /// over when the remaining dirty memory takes at most this long to send. Only QEMU's rules
    /// use it; Xen has no downtime target.
    pub downtime_ms: f64,
    /// CPU and device state sent while the VM is stopped, in bytes (illustrative). Both live
    /// methods send it with the VM paused, so it is part of pre-copy's and post-copy's downtime.
    pub device_state_bytes: u64,
    /// Time for the destination to load that state and restart the VM once everything it needs
    /// has arrived, in ms (illustrative; part of every method's downtime).
    pub resume_ms: f64,
    /// QEMU auto-converge: throttle the guest CPU when it dirties memory too fast.
    pub autoconverge: bool,
    /// Post-copy: time the guest waits per demand fault, beyond the page transfer itself,
    /// in ms (illustrative: a network round trip plus fault handling).
    pub fault_latency_ms: f64,
    /// Post-copy pre-paging: after a fault, push the pages around it next.
    pub prepaging: bool,
    /// Post-copy pre-paging window: pages pushed around each fault (illustrative).
    pub prepage_pages: u32,
    /// The destination host fails halfway through the memory transfer.
    pub dest_fails: bool,
    /// Seed for where the hot pages sit in memory (only the page grid depends on it).
    pub seed: u64,
}

/// Upper bound on memory: 1 TiB.
const MAX_MEMORY_MIB: f64 = 1_048_576.0;

/// Upper bound on rates: about 1 TiB/s, far above any link.
const MAX_RATE_MIB_S: f64 = 1_000_000.0;

impl Default for Params {
    /// The worked example: 4 GiB, 128 MiB/s, 32 MiB/s dirty rate, 300 ms target.
    fn default() -> Self {
        super::presets::Preset::WorkedExample.params()
    }
}

impl Params {
    /// The scene-link keys (SCENES.md) that [`Self::set_key`] understands.
    pub const KEYS: &[&str] = &[
        "rules",
        "memory_mib",
        "dirty_mib_s",
        "wss_mib",
        "bandwidth_mib_s",
        "downtime_ms",
        "autoconverge",
        "prepaging",
        "dest_fails",
    ];

    /// Checks every range and the working set against memory.
    pub fn validate(&self) -> Result<(), ParamError> {
        check("memory_mib", self.memory_mib, 1.0, MAX_MEMORY_MIB, "MiB")?;
        check("wss_mib", self.wss_mib, 0.0, MAX_MEMORY_MIB, "MiB")?;
        if self.wss_mib > self.memory_mib {
            return Err(ParamError::WssExceedsMemory {
                wss_mib: self.wss_mib,
                memory_mib: self.memory_mib,
            });
        }
        check(
            "hot_write_share",
            self.hot_write_share,
            0.0,
            1.0,
            "(a fraction)",
        )?;
        check(
            "dirty_mib_s",
            self.dirty_mib_s,
            0.0,
            MAX_RATE_MIB_S,
            "MiB/s",
        )?;
        check(
            "bandwidth_mib_s",
            self.bandwidth_mib_s,
            0.1,
            MAX_RATE_MIB_S,
            "MiB/s",
        )?;
        check("downtime_ms", self.downtime_ms, 0.0, 3_600_000.0, "ms")?;
        check(
            "device_state_bytes",
            self.device_state_bytes as f64,
            0.0,
            BYTES_PER_MIB * 1024.0,
            "bytes",
        )?;
        check("resume_ms", self.resume_ms, 0.0, 60_000.0, "ms")?;
        if self.autoconverge && !self.rules.has_autoconverge() {
            return Err(ParamError::NotInRules {
                key: "autoconverge",
                owner: "QEMU",
                rules: self.rules.title(),
            });
        }
        check(
            "fault_latency_ms",
            self.fault_latency_ms,
            0.0,
            10_000.0,
            "ms",
        )?;
        check(
            "prepage_pages",
            f64::from(self.prepage_pages),
            0.0,
            65_536.0,
            "pages",
        )?;
        Ok(())
    }

    /// Sets one scene-link key from its text value (numbers for sizes and rates, `true`/`false`
    /// for toggles). Ranges are checked later by [`Self::validate`], so keys can come in any order.
    pub fn set_key(&mut self, key: &str, value: &str) -> Result<(), ParamError> {
        match key {
            "rules" => {
                self.rules =
                    Rules::from_slug(value.trim()).ok_or_else(|| ParamError::BadValue {
                        key: "rules",
                        value: value.to_owned(),
                        expected: "qemu, xen or xen-legacy",
                    })?;
            }
            "memory_mib" => self.memory_mib = parse_number("memory_mib", value)?,
            "dirty_mib_s" => self.dirty_mib_s = parse_number("dirty_mib_s", value)?,
            "wss_mib" => self.wss_mib = parse_number("wss_mib", value)?,
            "bandwidth_mib_s" => self.bandwidth_mib_s = parse_number("bandwidth_mib_s", value)?,
            "downtime_ms" => self.downtime_ms = parse_number("downtime_ms", value)?,
            "autoconverge" => self.autoconverge = parse_bool("autoconverge", value)?,
            "prepaging" => self.prepaging = parse_bool("prepaging", value)?,
            "dest_fails" => self.dest_fails = parse_bool("dest_fails", value)?,
            _ => {
                return Err(ParamError::UnknownKey {
                    key: key.to_owned(),
                    known: Self::KEYS.join(", "),
                });
            }
        }
        Ok(())
    }

    /// Memory size in pages, V (at least one page).
    pub fn memory_pages(&self) -> u64 {
        ((self.memory_mib * PAGES_PER_MIB).round() as u64).max(1)
    }

    /// Working-set size in pages (never more than memory).
    pub fn wss_pages(&self) -> u64 {
        ((self.wss_mib * PAGES_PER_MIB).round() as u64).min(self.memory_pages())
    }

    /// Link bandwidth in pages per second.
    pub fn bandwidth_pages_s(&self) -> f64 {
        self.bandwidth_mib_s * PAGES_PER_MIB
    }

    /// Link bandwidth in bytes per second.
    pub fn bandwidth_bytes_s(&self) -> f64 {
        self.bandwidth_mib_s * BYTES_PER_MIB
    }

    /// Guest write rate in pages per second, before throttling.
    pub fn dirty_pages_s(&self) -> f64 {
        self.dirty_mib_s * PAGES_PER_MIB
    }

    /// Time to send the CPU and device state over the link, in seconds.
    pub fn device_state_secs(&self) -> f64 {
        self.device_state_bytes as f64 / self.bandwidth_bytes_s()
    }

    /// Resume time in seconds.
    pub fn resume_secs(&self) -> f64 {
        self.resume_ms / 1000.0
    }

    /// QEMU's downtime limit in seconds.
    pub fn downtime_target_secs(&self) -> f64 {
        self.downtime_ms / 1000.0
    }
}

/// Range check that also rejects NaN.
fn check(
    name: &'static str,
    value: f64,
    min: f64,
    max: f64,
    unit: &'static str,
) -> Result<(), ParamError> {
    if value >= min && value <= max {
        Ok(())
    } else {
        Err(ParamError::OutOfRange {
            name,
            value,
            min,
            max,
            unit,
        })
    }
}

fn parse_number(key: &'static str, value: &str) -> Result<f64, ParamError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| ParamError::BadValue {
            key,
            value: value.to_owned(),
            expected: "a number",
        })
}

fn parse_bool(key: &'static str, value: &str) -> Result<bool, ParamError> {
    match value.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ParamError::BadValue {
            key,
            value: value.to_owned(),
            expected: "true or false",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_params_are_valid() {
        assert_eq!(Params::default().validate(), Ok(()));
    }

    #[test]
    fn out_of_range_values_name_the_parameter_and_range() {
        let mut p = Params {
            bandwidth_mib_s: 0.0,
            ..Params::default()
        };
        let err = p.validate().unwrap_err();
        assert!(matches!(
            err,
            ParamError::OutOfRange {
                name: "bandwidth_mib_s",
                ..
            }
        ));
        assert_eq!(
            err.to_string(),
            "bandwidth_mib_s = 0 is out of range: it must be between 0.1 and 1000000 MiB/s"
        );
        p.bandwidth_mib_s = f64::NAN;
        assert!(matches!(
            p.validate(),
            Err(ParamError::OutOfRange {
                name: "bandwidth_mib_s",
                ..
            })
        ));
        p = Params {
            memory_mib: 0.5,
            ..Params::default()
        };
        assert!(matches!(
            p.validate(),
            Err(ParamError::OutOfRange {
                name: "memory_mib",
                ..
            })
        ));
        p = Params {
            dirty_mib_s: -1.0,
            ..Params::default()
        };
        assert!(matches!(
            p.validate(),
            Err(ParamError::OutOfRange {
                name: "dirty_mib_s",
                ..
            })
        ));
        p = Params {
            hot_write_share: 1.5,
            ..Params::default()
        };
        assert!(matches!(
            p.validate(),
            Err(ParamError::OutOfRange {
                name: "hot_write_share",
                ..
            })
        ));
    }

    #[test]
    fn autoconverge_is_a_qemu_capability() {
        // QEMU migration/options.c has auto-converge; Xen's save code has no throttle.
        for rules in [Rules::Xen, Rules::XenLegacy] {
            let p = Params {
                autoconverge: true,
                rules,
                ..Params::default()
            };
            let err = p.validate().unwrap_err();
            assert!(
                matches!(
                    err,
                    ParamError::NotInRules {
                        key: "autoconverge",
                        ..
                    }
                ),
                "{err}"
            );
            assert!(err.to_string().contains("rules=qemu"), "{err}");
        }
    }

    #[test]
    fn working_set_cannot_exceed_memory() {
        let p = Params {
            memory_mib: 1024.0,
            wss_mib: 2048.0,
            ..Params::default()
        };
        assert_eq!(
            p.validate(),
            Err(ParamError::WssExceedsMemory {
                wss_mib: 2048.0,
                memory_mib: 1024.0
            })
        );
    }

    #[test]
    fn scene_keys_parse_and_bad_ones_are_named() {
        let mut p = Params::default();
        p.set_key("memory_mib", "8192").unwrap();
        p.set_key("autoconverge", "true").unwrap();
        p.set_key("downtime_ms", " 50 ").unwrap();
        assert_eq!(p.memory_mib, 8192.0);
        assert!(p.autoconverge);
        assert_eq!(p.downtime_ms, 50.0);
        for key in Params::KEYS {
            let value = match *key {
                "autoconverge" | "prepaging" | "dest_fails" => "false",
                "rules" => "xen",
                _ => "1",
            };
            assert_eq!(p.set_key(key, value), Ok(()), "{key}");
        }
        assert_eq!(p.rules, Rules::Xen);
        assert!(matches!(
            p.set_key("rules", "kvm"),
            Err(ParamError::BadValue { key: "rules", .. })
        ));
        let err = p.set_key("memory", "1").unwrap_err();
        assert!(err.to_string().contains("\"memory\""), "{err}");
        assert!(matches!(
            p.set_key("prepaging", "yes"),
            Err(ParamError::BadValue {
                key: "prepaging",
                ..
            })
        ));
        assert!(matches!(
            p.set_key("wss_mib", "inf"),
            Err(ParamError::BadValue { key: "wss_mib", .. })
        ));
    }

    #[test]
    fn page_conversions() {
        let p = Params {
            memory_mib: 4096.0,
            wss_mib: 1.0,
            bandwidth_mib_s: 128.0,
            ..Params::default()
        };
        assert_eq!(p.memory_pages(), 1 << 20);
        assert_eq!(p.wss_pages(), 256);
        assert_eq!(p.bandwidth_pages_s(), 32_768.0);
    }

    #[test]
    fn write_pattern_slugs_round_trip() {
        for p in WritePattern::ALL {
            assert_eq!(WritePattern::from_slug(p.slug()), Some(*p));
        }
        assert_eq!(WritePattern::from_slug("bursty"), None);
    }
}
