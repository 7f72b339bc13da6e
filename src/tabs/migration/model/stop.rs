//! When pre-copy stops iterating and pauses the VM for the final copy.
//!
//! Two families of rules exist. QEMU switches over once the remaining dirty memory could be
//! sent within the downtime limit (remaining / bandwidth <= `downtime-limit`, 300 ms by
//! default). Xen's libxc (`xc_domain_save.c`) has no downtime target; it starts the last
//! round after 29 rounds, when a round sends or skips fewer than 50 pages, or once more than
//! 3x memory has been sent. The model checks all four, in that order, after every round.
//! (Xen's fifth rule, about its adaptive rate limit, does not apply: the model's link runs at
//! a fixed bandwidth.)

use serde::Serialize;

use super::params::{PAGE_SIZE_BYTES, Params};
use super::timeline::{format_bytes, format_secs, page_bytes};

/// Why pre-copy stopped iterating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum StopCondition {
    /// The remaining dirty memory fits the downtime target (QEMU-style switchover).
    DowntimeTarget,
    /// The last round sent fewer pages than the threshold (Xen: 50).
    MinPages,
    /// The round limit was reached (Xen: 29).
    RoundLimit,
    /// More than the data limit was sent (Xen: 3x memory).
    DataLimit,
}

impl StopCondition {
    /// Stable id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::DowntimeTarget => "downtime-target",
            Self::MinPages => "min-pages",
            Self::RoundLimit => "round-limit",
            Self::DataLimit => "data-limit",
        }
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::DowntimeTarget => "Downtime target met",
            Self::MinPages => "Too few pages left",
            Self::RoundLimit => "Round limit",
            Self::DataLimit => "Data limit",
        }
    }

    /// Whether the dirty set shrank enough (rather than a limit cutting iteration short).
    pub fn converged(self) -> bool {
        matches!(self, Self::DowntimeTarget | Self::MinPages)
    }
}

/// What the stop check looks at after a round.
#[derive(Clone, Copy, Debug)]
pub(super) struct AfterRound {
    /// Index of the round that just ended (0-based).
    pub round: u32,
    /// Pages that round sent.
    pub sent_pages: f64,
    /// Pages dirtied during it, which the next round (or the stop-and-copy) must send.
    pub remaining_pages: f64,
    /// Pages sent by all rounds so far.
    pub total_sent_pages: f64,
}

/// The first rule that fires after a round, if any.
pub(super) fn check(params: &Params, after: AfterRound) -> Option<StopCondition> {
    let remaining_secs = page_bytes(after.remaining_pages) / params.bandwidth_bytes_s();
    if remaining_secs <= params.downtime_target_secs() {
        Some(StopCondition::DowntimeTarget)
    } else if after.sent_pages < params.min_pages as f64 {
        Some(StopCondition::MinPages)
    } else if after.round + 1 >= params.max_rounds {
        Some(StopCondition::RoundLimit)
    } else if after.total_sent_pages > params.data_limit_factor * params.memory_pages() as f64 {
        Some(StopCondition::DataLimit)
    } else {
        None
    }
}

/// One sentence for students: which rule fired and what it saw.
pub(super) fn explain(params: &Params, stop: StopCondition, after: AfterRound) -> String {
    let remaining = format_bytes(page_bytes(after.remaining_pages));
    match stop {
        StopCondition::DowntimeTarget => format!(
            "Converged: the {remaining} still dirty would take {} at {} MiB/s, within the {} downtime target, so the VM is paused for the final copy (QEMU-style switchover)",
            format_secs(page_bytes(after.remaining_pages) / params.bandwidth_bytes_s()),
            params.bandwidth_mib_s,
            format_secs(params.downtime_target_secs()),
        ),
        StopCondition::MinPages => format!(
            "Converged: round {} sent only {:.0} pages, fewer than {} (Xen's threshold is 50), so the last round begins with {remaining} left",
            after.round, after.sent_pages, params.min_pages,
        ),
        StopCondition::RoundLimit => format!(
            "Limit hit: {} rounds have run (the round limit; Xen's is 29) and {remaining} is still dirty, so the VM is paused anyway and downtime grows",
            after.round + 1,
        ),
        StopCondition::DataLimit => format!(
            "Limit hit: {} has been sent, more than {}x the {} of memory (Xen stops at 3x), and {remaining} is still dirty, so the VM is paused anyway and downtime grows",
            format_bytes(page_bytes(after.total_sent_pages)),
            params.data_limit_factor,
            format_bytes((params.memory_pages() * PAGE_SIZE_BYTES) as f64),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            memory_mib: 1024.0,
            bandwidth_mib_s: 100.0,
            downtime_ms: 300.0,
            max_rounds: 29,
            data_limit_factor: 3.0,
            min_pages: 50,
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
            remaining_pages,
            total_sent_pages,
        }
    }

    #[test]
    fn downtime_target_compares_remaining_over_bandwidth() {
        // 100 MiB/s for 300 ms is 30 MiB = 7680 pages.
        assert_eq!(
            check(&params(), after(3, 1e5, 7680.0, 1e5)),
            Some(StopCondition::DowntimeTarget)
        );
        assert_eq!(check(&params(), after(3, 1e5, 7681.0, 1e5)), None);
    }

    #[test]
    fn xen_rules_fire_in_order() {
        let p = Params {
            downtime_ms: 0.0,
            ..params()
        };
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
    }

    #[test]
    fn explanations_name_the_rule_and_numbers() {
        let p = params();
        let text = explain(
            &p,
            StopCondition::DowntimeTarget,
            after(3, 1e5, 4096.0, 1e6),
        );
        assert!(
            text.contains("16.0 MiB") && text.contains("160 ms") && text.contains("300 ms"),
            "{text}"
        );
        let text = explain(&p, StopCondition::RoundLimit, after(28, 1e4, 1e4, 1e6));
        assert!(text.contains("29 rounds"), "{text}");
        assert!(StopCondition::MinPages.converged() && !StopCondition::DataLimit.converged());
    }
}
