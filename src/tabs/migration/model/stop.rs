//! When pre-copy stops iterating and pauses the VM for the final copy, under one rule set.
//!
//! The rules of each hypervisor are in [`super::rules`]; this module checks them after every
//! round, each set alone, and says in a sentence which rule fired and what it saw.

use crate::units::{bytes_approx, duration_secs};
use serde::Serialize;

use super::params::{PAGE_SIZE_BYTES, Params};
use super::rules::{
    QEMU_MAX_SIMULATED_ROUNDS, Rules, XEN_DIRTY_THRESHOLD_PAGES, XEN_LEGACY_DATA_FACTOR,
    XEN_LEGACY_MAX_MBIT_S, XEN_LEGACY_MAX_ROUNDS, XEN_LEGACY_MIN_PAGES, XEN_MAX_ITERATIONS,
};
use super::timeline::page_bytes;

/// Why pre-copy stopped iterating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum StopCondition {
    /// QEMU: the remaining dirty memory fits the downtime limit.
    DowntimeTarget,
    /// Xen: a round sent fewer than 50 pages (4.6+: fewer than 50 were dirty).
    MinPages,
    /// Xen: the round limit (4.6+: 5; legacy: 29).
    RoundLimit,
    /// Legacy Xen: more than 3x memory has been sent.
    DataLimit,
    /// Legacy Xen: the rate limit is at 500 Mbit/s and the round sent more than the last.
    RateCap,
    /// QEMU: the dirty set no longer shrinks and QEMU has no cap, so it would iterate until
    /// cancelled; the VM stays on the source.
    NotConverging,
}

impl StopCondition {
    /// Stable id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::DowntimeTarget => "downtime-target",
            Self::MinPages => "min-pages",
            Self::RoundLimit => "round-limit",
            Self::DataLimit => "data-limit",
            Self::RateCap => "rate-cap",
            Self::NotConverging => "not-converging",
        }
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::DowntimeTarget => "Downtime limit met",
            Self::MinPages => "Too few pages left",
            Self::RoundLimit => "Round limit",
            Self::DataLimit => "Data limit",
            Self::RateCap => "Rate cap reached",
            Self::NotConverging => "Not converging",
        }
    }

    /// Whether the dirty set shrank enough (rather than a limit cutting iteration short).
    pub fn converged(self) -> bool {
        matches!(self, Self::DowntimeTarget | Self::MinPages)
    }

    /// Whether the VM is paused for a stop-and-copy (every condition but not converging).
    pub fn switches_over(self) -> bool {
        self != Self::NotConverging
    }
}

/// What the stop check looks at after a round.
#[derive(Clone, Copy, Debug)]
pub(super) struct AfterRound {
    /// Index of the round that just ended (0-based).
    pub round: u32,
    /// Pages that round sent.
    pub sent_pages: f64,
    /// Pages the round before sent (None after round 0).
    pub previous_sent_pages: Option<f64>,
    /// Pages dirtied during it, which the next round (or the stop-and-copy) must send.
    pub remaining_pages: f64,
    /// Pages sent by all rounds so far.
    pub total_sent_pages: f64,
    /// Legacy Xen: the round ran with the rate limit at its 500 Mbit/s cap.
    pub rate_at_cap: bool,
    /// QEMU: the dirty set has stopped shrinking and nothing (no auto-converge step left) will
    /// change that.
    pub stalled: bool,
}

/// The first rule of `params.rules` that fires after a round, if any.
pub(super) fn check(params: &Params, after: AfterRound) -> Option<StopCondition> {
    let rounds_run = after.round + 1;
    match params.rules {
        Rules::Qemu => {
            let remaining_secs = page_bytes(after.remaining_pages) / params.bandwidth_bytes_s();
            if remaining_secs <= params.downtime_target_secs() {
                Some(StopCondition::DowntimeTarget)
            } else if after.stalled || rounds_run >= QEMU_MAX_SIMULATED_ROUNDS {
                Some(StopCondition::NotConverging)
            } else {
                None
            }
        }
        Rules::Xen => {
            if after.sent_pages < XEN_DIRTY_THRESHOLD_PAGES as f64 {
                Some(StopCondition::MinPages)
            } else if rounds_run >= XEN_MAX_ITERATIONS {
                Some(StopCondition::RoundLimit)
            } else {
                None
            }
        }
        // xc_domain_save.c tests these in this order, joined by ||.
        Rules::XenLegacy => {
            let grew = after
                .previous_sent_pages
                .is_some_and(|previous| after.sent_pages > previous);
            if grew && after.rate_at_cap {
                Some(StopCondition::RateCap)
            } else if rounds_run >= XEN_LEGACY_MAX_ROUNDS {
                Some(StopCondition::RoundLimit)
            } else if after.sent_pages < XEN_LEGACY_MIN_PAGES as f64 {
                Some(StopCondition::MinPages)
            } else if after.total_sent_pages > XEN_LEGACY_DATA_FACTOR * params.memory_pages() as f64
            {
                Some(StopCondition::DataLimit)
            } else {
                None
            }
        }
    }
}

/// One sentence for students: which rule fired and what it saw.
pub(super) fn explain(params: &Params, stop: StopCondition, after: AfterRound) -> String {
    let remaining = bytes_approx(page_bytes(after.remaining_pages));
    let rounds_run = after.round + 1;
    let who = params.rules.title();
    match stop {
        StopCondition::DowntimeTarget => format!(
            "Converged: the {remaining} still dirty would take {} at {} MiB/s, within the {} downtime limit, so QEMU pauses the VM for the final copy",
            duration_secs(page_bytes(after.remaining_pages) / params.bandwidth_bytes_s()),
            params.bandwidth_mib_s,
            duration_secs(params.downtime_target_secs()),
        ),
        StopCondition::MinPages if params.rules == Rules::Xen => format!(
            "Converged: fewer than 50 pages were dirty, so {who} sent them in round {} ({:.0} pages) and pauses the VM with {remaining} left",
            after.round, after.sent_pages,
        ),
        StopCondition::MinPages => format!(
            "Converged: round {} sent only {:.0} pages, fewer than 50, so {who} begins the last round with {remaining} left",
            after.round, after.sent_pages,
        ),
        StopCondition::RoundLimit => format!(
            "Limit hit: {rounds_run} rounds have run, {who}'s limit, and {remaining} is still dirty, so the VM is paused anyway and downtime grows",
        ),
        StopCondition::DataLimit => format!(
            "Limit hit: {} has been sent, more than 3x the {} of memory ({who}'s data cap), and {remaining} is still dirty, so the VM is paused anyway and downtime grows",
            bytes_approx(page_bytes(after.total_sent_pages)),
            bytes_approx((params.memory_pages() * PAGE_SIZE_BYTES) as f64),
        ),
        StopCondition::RateCap => format!(
            "Limit hit: the rate limit is at its {XEN_LEGACY_MAX_MBIT_S} Mbit/s cap and round {} sent more than the round before, so {who} gives up iterating with {remaining} still dirty",
            after.round,
        ),
        StopCondition::NotConverging => format!(
            "Not converging: after {rounds_run} rounds {remaining} is still dirty and no longer shrinks; it would take {} at {} MiB/s, over the {} downtime limit. QEMU has no round or data cap, so it keeps iterating until the migration is cancelled, auto-converge throttles the guest or it switches to post-copy, and the VM keeps running on the source",
            duration_secs(page_bytes(after.remaining_pages) / params.bandwidth_bytes_s()),
            params.bandwidth_mib_s,
            duration_secs(params.downtime_target_secs()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(rules: Rules) -> Params {
        Params {
            memory_mib: 1024.0,
            bandwidth_mib_s: 100.0,
            downtime_ms: 300.0,
            rules,
            ..Params::default()
        }
    }

    fn after(
        round: u32,
        sent_pages: f64,
        remaining_pages: f64,
        total_sent_pages: f64,
    ) -> AfterRound {
        AfterRound {
            round,
            sent_pages,
            previous_sent_pages: round.checked_sub(1).map(|_| sent_pages),
            remaining_pages,
            total_sent_pages,
            rate_at_cap: false,
            stalled: false,
        }
    }

    #[test]
    fn qemu_compares_remaining_over_bandwidth_and_has_no_caps() {
        // QEMU migration.c: switch over when pending / bandwidth <= downtime-limit.
        // 100 MiB/s for 300 ms is 30 MiB = 7680 pages.
        let p = params(Rules::Qemu);
        assert_eq!(
            check(&p, after(3, 1e5, 7680.0, 1e5)),
            Some(StopCondition::DowntimeTarget)
        );
        assert_eq!(check(&p, after(3, 1e5, 7681.0, 1e5)), None);
        // No round cap, no data cap, no 50-page rule: round 40 with 30x memory sent goes on.
        let memory = p.memory_pages() as f64;
        assert_eq!(check(&p, after(40, 10.0, 1e4, 30.0 * memory)), None);
        let stuck = AfterRound {
            stalled: true,
            ..after(5, 1e4, 1e4, 1e5)
        };
        assert_eq!(check(&p, stuck), Some(StopCondition::NotConverging));
    }

    #[test]
    fn xen_4_6_stops_after_5_rounds_or_below_50_dirty_pages() {
        // xg_sr_save.c simple_precopy_policy: SPP_MAX_ITERATIONS 5, SPP_TARGET_DIRTY_COUNT 50;
        // no data cap, no downtime target.
        let p = params(Rules::Xen);
        assert_eq!(check(&p, after(3, 1e4, 1e4, 1e9)), None);
        assert_eq!(
            check(&p, after(4, 1e4, 1e4, 1e5)),
            Some(StopCondition::RoundLimit)
        );
        assert_eq!(
            check(&p, after(2, 49.0, 10.0, 1e5)),
            Some(StopCondition::MinPages)
        );
        assert_eq!(
            check(&p, after(2, 1e4, 1.0, 1e5)),
            None,
            "no downtime target"
        );
    }

    #[test]
    fn legacy_xen_rules_fire_in_the_order_of_xc_domain_save() {
        // xc_domain_save.c: (sent > last && rate at max) || iter >= 29 || sent + skip < 50
        // || total > 3 * pages.
        let p = params(Rules::XenLegacy);
        assert_eq!(
            check(&p, after(3, 49.0, 40.0, 1e5)),
            Some(StopCondition::MinPages)
        );
        assert_eq!(
            check(&p, after(28, 1e4, 1e4, 1e5)),
            Some(StopCondition::RoundLimit)
        );
        assert_eq!(check(&p, after(27, 1e4, 1e4, 1e5)), None);
        let memory = p.memory_pages() as f64;
        assert_eq!(
            check(&p, after(5, 1e4, 1e4, 3.0 * memory + 1.0)),
            Some(StopCondition::DataLimit)
        );
        assert_eq!(check(&p, after(5, 1e4, 1e4, 3.0 * memory)), None);
        let growing_at_cap = AfterRound {
            previous_sent_pages: Some(9e3),
            rate_at_cap: true,
            ..after(5, 1e4, 1e4, 1e5)
        };
        assert_eq!(check(&p, growing_at_cap), Some(StopCondition::RateCap));
    }

    #[test]
    fn explanations_name_the_rule_set_and_numbers() {
        let p = params(Rules::Qemu);
        let text = explain(
            &p,
            StopCondition::DowntimeTarget,
            after(3, 1e5, 4096.0, 1e6),
        );
        assert!(
            text.contains("16 MiB") && text.contains("160 ms") && text.contains("300 ms"),
            "{text}"
        );
        let xen = params(Rules::XenLegacy);
        let text = explain(&xen, StopCondition::RoundLimit, after(28, 1e4, 1e4, 1e6));
        assert!(
            text.contains("29 rounds") && text.contains("Xen before 4.6"),
            "{text}"
        );
        assert!(StopCondition::MinPages.converged() && !StopCondition::DataLimit.converged());
        assert!(!StopCondition::NotConverging.switches_over());
    }
}
