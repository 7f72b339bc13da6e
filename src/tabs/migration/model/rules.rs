//! Whose rules end pre-copy: QEMU's, a current Xen's, or the Xen of Clark et al.'s paper.
//!
//! Hypervisors stop iterating for different reasons, and mixing them teaches something no
//! hypervisor does (a QEMU switchover with Xen's 3x data cap stops the worked example at 100 MiB/s
//! after 5 rounds with 9 s of downtime; QEMU itself keeps going and switches over after 19 rounds
//! with about 0.3 s). So the rule set is a named choice, shown in the scene and carried in its
//! link (`rules=qemu|xen|xen-legacy`), and each set is applied alone:
//!
//! - **QEMU** (`migration/migration.c`, `migration/options.c`): switch over once the remaining
//!   dirty memory could be sent within `downtime-limit` (300 ms by default). No round cap, no
//!   data cap: a guest that dirties memory as fast as the link drains it is migrated forever,
//!   until the user cancels, turns on auto-converge or switches to post-copy.
//! - **Xen 4.6 and later** (migration v2, `tools/libs/guest/xg_sr_save.c`,
//!   `simple_precopy_policy`): stop after `SPP_MAX_ITERATIONS` = 5 rounds, or once fewer than
//!   `SPP_TARGET_DIRTY_COUNT` = 50 pages are dirty (those are still sent in one last live round);
//!   no data cap and no downtime target.
//! - **Xen before 4.6** (`xc_domain_save.c`; Xen 2.0's `xc_linux_save.c` and Clark et al., NSDI
//!   2005, section 4.2.1): rounds are rate-limited, starting at 100 Mbit/s and raised after a
//!   round to that round's dirtying rate plus 50 Mbit/s when that is higher, at most 500 Mbit/s;
//!   the last round starts once 29 rounds have run, a round sent fewer than 50 pages, more than
//!   3x memory has been sent, or the limit is at 500 Mbit/s and a round sent more than the one
//!   before. The final stop-and-copy runs at the link's full rate ("the maximum allowable rate",
//!   Clark et al.). Xen also skipped pages re-dirtied before their turn in a round; the model
//!   does not (it sends them, as QEMU does). With the model's steady writers each round's set is
//!   no larger than the last, so the measured dirtying rate never exceeds the limit and the
//!   limit stays at 100 Mbit/s (or the link rate, if lower); the raise is kept because it is the
//!   rule, and a writer that speeds up would trigger it.

use serde::{Deserialize, Serialize};

/// QEMU's rule set has no round cap; the model stops simulating a migration that makes no
/// progress (see [`super::stop`]) and, as a guard, after this many rounds.
pub const QEMU_MAX_SIMULATED_ROUNDS: u32 = 1000;

/// Xen 4.6+: `SPP_MAX_ITERATIONS`, live rounds before the stop-and-copy (xg_sr_save.c).
pub const XEN_MAX_ITERATIONS: u32 = 5;

/// Xen 4.6+: `SPP_TARGET_DIRTY_COUNT`; with fewer dirty pages the live phase ends (xg_sr_save.c).
pub const XEN_DIRTY_THRESHOLD_PAGES: u64 = 50;

/// Legacy Xen: `max_iters` / `DEF_MAX_ITERS`, 29 rounds (xc_domain_save.c).
pub const XEN_LEGACY_MAX_ROUNDS: u32 = 29;

/// Legacy Xen: `max_factor` / `DEF_MAX_FACTOR`, never send more than 3x memory.
pub const XEN_LEGACY_DATA_FACTOR: f64 = 3.0;

/// Legacy Xen: a round that sends or skips fewer than 50 pages ends pre-copy.
pub const XEN_LEGACY_MIN_PAGES: u64 = 50;

/// Legacy Xen: the first round's rate limit, 100 Mbit/s (Clark et al. 2005, section 4.2.1).
pub const XEN_LEGACY_START_MBIT_S: f64 = 100.0;

/// Legacy Xen: added to the measured dirtying rate for the next round's limit, 50 Mbit/s.
pub const XEN_LEGACY_STEP_MBIT_S: f64 = 50.0;

/// Legacy Xen: `MAX_MBIT_RATE`, the highest rate limit, 500 Mbit/s.
pub const XEN_LEGACY_MAX_MBIT_S: f64 = 500.0;

/// Bytes per second in one Mbit/s (10^6 bits, as Xen's rate statistics count them).
pub const BYTES_S_PER_MBIT_S: f64 = 125_000.0;

/// Whose rules decide when pre-copy stops iterating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Rules {
    /// QEMU: switch over when the rest fits the downtime limit; no caps.
    Qemu,
    /// Xen 4.6 and later: at most 5 rounds, or stop below 50 dirty pages.
    Xen,
    /// Xen before 4.6 (Clark et al.'s): 29 rounds, 3x data, fewer than 50 pages, rate schedule.
    XenLegacy,
}

impl Rules {
    /// Every rule set, in menu order.
    pub const ALL: &[Self] = &[Self::Qemu, Self::Xen, Self::XenLegacy];

    /// Scene-link id (`rules=` in SCENES.md).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Qemu => "qemu",
            Self::Xen => "xen",
            Self::XenLegacy => "xen-legacy",
        }
    }

    /// Parses [`Self::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|rules| rules.slug() == slug)
    }

    /// Short name for menus and the parameter line.
    pub fn title(self) -> &'static str {
        match self {
            Self::Qemu => "QEMU",
            Self::Xen => "Xen 4.6+",
            Self::XenLegacy => "Xen before 4.6 (Clark et al.)",
        }
    }

    /// One sentence: when pre-copy stops under these rules.
    pub fn summary(self) -> &'static str {
        match self {
            Self::Qemu => {
                "QEMU switches over once the remaining dirty memory fits the downtime limit; it has no round or data cap, so a migration that never fits runs until cancelled (or auto-converge throttles the guest)"
            }
            Self::Xen => {
                "Xen 4.6+ stops after 5 rounds, or once fewer than 50 pages are dirty; it has no downtime target and no data cap"
            }
            Self::XenLegacy => {
                "Xen before 4.6 rate-limits rounds (100 Mbit/s, then the last dirtying rate + 50, at most 500) and stops after 29 rounds, a round of fewer than 50 pages, more than 3x memory sent, or a growing round at 500 Mbit/s"
            }
        }
    }

    /// Whether the downtime limit (QEMU's `downtime-limit`) decides anything.
    pub fn has_downtime_limit(self) -> bool {
        self == Self::Qemu
    }

    /// Whether auto-converge exists (a QEMU capability).
    pub fn has_autoconverge(self) -> bool {
        self == Self::Qemu
    }
}

/// Legacy Xen's rate limit for the next round, in Mbit/s.
///
/// xc_linux_save.c (Xen 2.0) `print_stats`: after a round the dirtying rate is measured as the
/// pages dirtied during the round over its duration; if it exceeds the current limit, the limit
/// becomes that rate plus 50 Mbit/s, capped at `MAX_MBIT_RATE` (500). It never goes down.
pub fn next_legacy_rate_mbit_s(current_mbit_s: f64, dirtied_bytes: f64, duration_secs: f64) -> f64 {
    if duration_secs <= 0.0 {
        return current_mbit_s;
    }
    let dirty_mbit_s = dirtied_bytes / duration_secs / BYTES_S_PER_MBIT_S;
    if dirty_mbit_s > current_mbit_s {
        (dirty_mbit_s + XEN_LEGACY_STEP_MBIT_S).min(XEN_LEGACY_MAX_MBIT_S)
    } else {
        current_mbit_s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for rules in Rules::ALL {
            assert_eq!(Rules::from_slug(rules.slug()), Some(*rules));
        }
        assert_eq!(Rules::from_slug("kvm"), None);
    }

    #[test]
    fn legacy_rate_rises_to_the_dirtying_rate_plus_50_and_stops_at_500() {
        // Xen 2.0 xc_linux_save.c print_stats: 20 MB dirtied in 1 s is 160 Mbit/s > 100, so the
        // next limit is 210 Mbit/s; a slower round leaves it; a fast one is capped at 500.
        let mb = 1_000_000.0;
        assert_eq!(next_legacy_rate_mbit_s(100.0, 20.0 * mb, 1.0), 210.0);
        assert_eq!(next_legacy_rate_mbit_s(210.0, 1.0 * mb, 1.0), 210.0);
        assert_eq!(next_legacy_rate_mbit_s(210.0, 100.0 * mb, 1.0), 500.0);
    }
}
