//! Pre-copy live migration (Clark et al., NSDI 2005): copy memory in rounds while the VM runs.
//!
//! Round 0 sends every page; each later round sends the pages dirtied during the previous
//! round (the dirty bitmap collected at the round's start, as QEMU does: a page written
//! before its turn in a round is still sent again next round). After each round the stop
//! rules of the chosen hypervisor ([`super::rules`], checked by [`super::stop`]) decide whether
//! to pause the VM and copy the rest. Rounds run at the link rate, except under legacy Xen,
//! whose rounds follow its rate schedule; every stop-and-copy runs at the link rate.
//!
//! The model keeps expected counts per class of page (hot working set, cold rest), so a
//! round costs O(1) whatever the memory size. With a steady dirty rate D below the bandwidth
//! R and a large working set it reproduces the geometric closed form: with lambda = D/R,
//! round i sends V*lambda^i, pre-copy takes (V/R)(1-lambda^(n+1))/(1-lambda), and downtime is
//! V*lambda^(n+1)/R plus the CPU state and resume time.

use super::autoconverge::{MAX_PCT, Throttle};
use super::dirty::Classes;
use super::mode::Mode;
use super::pages::PageLayout;
use super::params::{BYTES_PER_MIB, PAGE_SIZE_BYTES, Params};
use super::rules::{
    BYTES_S_PER_MBIT_S, Rules, XEN_LEGACY_MAX_MBIT_S, XEN_LEGACY_START_MBIT_S,
    next_legacy_rate_mbit_s,
};
use super::stop::{self, AfterRound, StopCondition};
use super::timeline::{
    Bar, BarKind, Event, ModeRun, NetSample, Outcome, PageCounts, Phase, PhaseKind, Progress,
    Summary, Trace, VmLocation, page_bytes, tail_secs,
};
use crate::units::{bytes_approx, duration_secs};

/// One live round as simulated.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct RoundTrace {
    /// When the round starts.
    pub start_secs: f64,
    /// How long it takes to send its set at its rate.
    pub duration_secs: f64,
    /// The rate it sends at, in pages per second (the link rate, or legacy Xen's limit).
    pub rate_pages_s: f64,
    /// Hot pages in the round's set.
    pub hot_pages: f64,
    /// Cold pages in the round's set.
    pub cold_pages: f64,
    /// Auto-converge throttle during the round.
    pub throttle: Throttle,
}

impl RoundTrace {
    fn pages(&self) -> f64 {
        self.hot_pages + self.cold_pages
    }

    fn end_secs(&self) -> f64 {
        self.start_secs + self.duration_secs
    }
}

/// Everything needed to answer "what is the state at t" for a pre-copy run.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct PreCopyTrace {
    classes: Classes,
    /// The link rate, at which the stop-and-copy runs.
    rate_bytes_s: f64,
    state_bytes: f64,
    rounds: Vec<RoundTrace>,
    /// Hot pages left for the stop-and-copy.
    final_hot_pages: f64,
    /// Cold pages left for the stop-and-copy.
    final_cold_pages: f64,
    /// When the last live round ends and the VM is paused.
    precopy_end_secs: f64,
    /// End of the stop-and-copy (pages, then CPU state).
    copy_end_secs: f64,
    /// When the destination failed, if it did (the migration is then abandoned).
    fail_secs: Option<f64>,
    /// QEMU's rules were never met: the rounds shown are all there is, and the VM is never
    /// paused (QEMU would go on iterating).
    unconverged: bool,
}

/// How a run in which the VM stays on the source ends (see `into_source_run`).
struct SourceEnding {
    at_secs: f64,
    tail_label: &'static str,
    event_slug: &'static str,
    outcome: Outcome,
    stop: Option<StopCondition>,
    verdict: String,
}

/// Rounds over which a QEMU migration must shrink its dirty set, or be called not converging.
const STALL_ROUNDS: usize = 5;

/// Less shrinking than this share over [`STALL_ROUNDS`] rounds counts as none.
const STALL_SHARE: f64 = 1e-4;

/// Runs the rounds until a stop rule fires.
pub(super) fn run(params: &Params, layout: &PageLayout) -> ModeRun {
    let classes = Classes::from_params(params, layout.hot_pages());
    let link_pages_s = params.bandwidth_pages_s();
    let mut rounds: Vec<RoundTrace> = Vec::new();
    let (mut hot, mut cold) = (classes.hot_pages, classes.cold_pages);
    let mut throttle = Throttle::default();
    let mut legacy_mbit_s = XEN_LEGACY_START_MBIT_S;
    let mut t = 0.0;
    let mut total_sent = 0.0;
    let (stop, after) = loop {
        let rate_pages_s = match params.rules {
            Rules::XenLegacy => {
                link_pages_s.min(legacy_mbit_s * BYTES_S_PER_MBIT_S / PAGE_SIZE_BYTES as f64)
            }
            Rules::Qemu | Rules::Xen => link_pages_s,
        };
        let round = RoundTrace {
            start_secs: t,
            duration_secs: (hot + cold) / rate_pages_s,
            rate_pages_s,
            hot_pages: hot,
            cold_pages: cold,
            throttle,
        };
        let (hot_frac, cold_frac) =
            classes.dirtied_fractions(round.duration_secs, throttle.fraction());
        let sent = round.pages();
        (hot, cold) = (classes.hot_pages * hot_frac, classes.cold_pages * cold_frac);
        t = round.end_secs();
        total_sent += sent;
        let remaining = hot + cold;
        let can_still_throttle = params.autoconverge && throttle.pct < MAX_PCT;
        let stalled = !can_still_throttle
            && rounds.len() >= STALL_ROUNDS
            && rounds
                .get(rounds.len() + 1 - STALL_ROUNDS)
                .is_some_and(|r| remaining >= (1.0 - STALL_SHARE) * r.pages());
        let after = AfterRound {
            round: rounds.len() as u32,
            sent_pages: sent,
            previous_sent_pages: rounds.last().map(RoundTrace::pages),
            remaining_pages: remaining,
            total_sent_pages: total_sent,
            rate_at_cap: legacy_mbit_s >= XEN_LEGACY_MAX_MBIT_S,
            stalled,
        };
        let duration_secs = round.duration_secs;
        rounds.push(round);
        if let Some(stop) = stop::check(params, after) {
            break (stop, after);
        }
        if params.rules == Rules::XenLegacy {
            legacy_mbit_s = next_legacy_rate_mbit_s(
                legacy_mbit_s,
                remaining * PAGE_SIZE_BYTES as f64,
                duration_secs,
            );
        }
        if params.autoconverge {
            throttle = throttle.after_round(sent, remaining);
        }
    };
    let rate_bytes_s = params.bandwidth_bytes_s();
    let state_bytes = params.device_state_bytes as f64;
    let unconverged = !stop.switches_over();
    let copy_end_secs = if unconverged {
        t
    } else {
        t + (page_bytes(hot + cold) + state_bytes) / rate_bytes_s
    };
    let trace = PreCopyTrace {
        classes,
        rate_bytes_s,
        state_bytes,
        rounds,
        final_hot_pages: hot,
        final_cold_pages: cold,
        precopy_end_secs: t,
        copy_end_secs,
        fail_secs: params.dest_fails.then_some(t / 2.0),
        unconverged,
    };
    let reason = stop::explain(params, stop, after);
    match trace.fail_secs {
        Some(fail_secs) => trace.into_aborted_run(fail_secs),
        None if unconverged => trace.into_unconverged_run(stop, reason),
        None => trace.into_completed_run(params, stop, reason),
    }
}

impl PreCopyTrace {
    fn final_pages(&self) -> f64 {
        self.final_hot_pages + self.final_cold_pages
    }

    fn round_sentence(&self, i: usize, round: &RoundTrace) -> String {
        let size = bytes_approx(page_bytes(round.pages()));
        let mut text = if i == 0 {
            format!(
                "Round 0 sends all {size} of memory while the VM keeps running on the source; pages it writes meanwhile are marked dirty"
            )
        } else {
            format!(
                "Round {i} re-sends the {size} dirtied during round {} while the VM keeps running",
                i - 1
            )
        };
        if round.rate_pages_s < self.link_pages_s() * (1.0 - 1e-9) {
            text.push_str(&format!(
                ", at Xen's rate limit of {:.0} Mbit/s",
                round.rate_pages_s * PAGE_SIZE_BYTES as f64 / BYTES_S_PER_MBIT_S
            ));
        }
        if round.throttle.pct > 0 {
            text.push_str(&format!(
                ", its CPU throttled by {}% (auto-converge) so it dirties less",
                round.throttle.pct
            ));
        }
        text
    }

    /// The link rate in pages per second.
    fn link_pages_s(&self) -> f64 {
        self.rate_bytes_s / PAGE_SIZE_BYTES as f64
    }

    fn round_phases_and_bars(
        &self,
        until_secs: f64,
    ) -> (Vec<Phase>, Vec<Bar>, Vec<NetSample>, Vec<Event>) {
        let mut phases = Vec::new();
        let mut bars = Vec::new();
        let mut network = Vec::new();
        let mut events = Vec::new();
        for (i, round) in self.rounds.iter().enumerate() {
            if round.start_secs >= until_secs {
                break;
            }
            let end = round.end_secs().min(until_secs);
            let pages = (end - round.start_secs) * round.rate_pages_s;
            let label = self.round_sentence(i, round);
            phases.push(Phase {
                kind: PhaseKind::PreCopyRound,
                round: Some(i as u32),
                start_secs: round.start_secs,
                end_secs: end,
                location: VmLocation::Source,
                label: label.clone(),
            });
            bars.push(Bar {
                kind: BarKind::PreCopyRound,
                round: Some(i as u32),
                start_secs: round.start_secs,
                duration_secs: end - round.start_secs,
                pages,
                bytes: page_bytes(pages),
                throttle_pct: round.throttle.pct,
            });
            network.push(NetSample {
                start_secs: round.start_secs,
                end_secs: end,
                copy_mib_s: round.rate_pages_s * PAGE_SIZE_BYTES as f64 / BYTES_PER_MIB,
                fault_mib_s: 0.0,
                prepage_mib_s: 0.0,
            });
            events.push(Event {
                slug: format!("round-{i}"),
                at_secs: round.start_secs,
                label,
            });
        }
        (phases, bars, network, events)
    }

    fn degraded_secs(&self, until_secs: f64) -> f64 {
        self.rounds
            .iter()
            .filter(|r| r.throttle.pct > 0)
            .map(|r| (r.end_secs().min(until_secs) - r.start_secs).max(0.0))
            .fold(0.0, |a, b| a + b)
    }

    fn into_completed_run(self, params: &Params, stop: StopCondition, reason: String) -> ModeRun {
        let (mut phases, mut bars, mut network, mut events) =
            self.round_phases_and_bars(f64::INFINITY);
        let final_bytes = page_bytes(self.final_pages());
        let resume_end = self.copy_end_secs + params.resume_secs();
        let downtime = resume_end - self.precopy_end_secs;
        let total_bytes = page_bytes(self.rounds.iter().map(RoundTrace::pages).sum::<f64>())
            + final_bytes
            + self.state_bytes;
        phases.push(Phase {
            kind: PhaseKind::StopAndCopy,
            round: None,
            start_secs: self.precopy_end_secs,
            end_secs: self.copy_end_secs,
            location: VmLocation::Source,
            label: format!(
                "The VM is paused on the source while the last {} of dirty pages and the CPU state go across (stop-and-copy)",
                bytes_approx(final_bytes)
            ),
        });
        phases.push(Phase {
            kind: PhaseKind::Resuming,
            round: None,
            start_secs: self.copy_end_secs,
            end_secs: resume_end,
            location: VmLocation::Destination,
            label: "The destination has a complete, consistent copy and restarts the VM from it"
                .to_owned(),
        });
        phases.push(Phase {
            kind: PhaseKind::RunningOnDestination,
            round: None,
            start_secs: resume_end,
            end_secs: resume_end + tail_secs(resume_end),
            location: VmLocation::Destination,
            label: "The VM runs on the destination at full speed with all of its memory; the source copy can be freed".to_owned(),
        });
        bars.push(Bar {
            kind: BarKind::StopAndCopy,
            round: None,
            start_secs: self.precopy_end_secs,
            duration_secs: self.copy_end_secs - self.precopy_end_secs,
            pages: self.final_pages(),
            bytes: final_bytes + self.state_bytes,
            throttle_pct: 0,
        });
        network.push(NetSample {
            start_secs: self.precopy_end_secs,
            end_secs: self.copy_end_secs,
            copy_mib_s: self.rate_bytes_s / BYTES_PER_MIB,
            fault_mib_s: 0.0,
            prepage_mib_s: 0.0,
        });
        events.push(Event {
            slug: if stop.converged() {
                "converged"
            } else {
                "limit-hit"
            }
            .to_owned(),
            at_secs: self.precopy_end_secs,
            label: reason.clone(),
        });
        events.push(Event {
            slug: "stop-and-copy".to_owned(),
            at_secs: self.precopy_end_secs,
            label: format!(
                "The VM is paused on the source; {} of dirty pages plus the CPU state remain to send",
                bytes_approx(final_bytes)
            ),
        });
        events.push(Event {
            slug: "resume".to_owned(),
            at_secs: resume_end,
            label: format!(
                "The VM runs again, now on the destination, after {} of downtime",
                duration_secs(downtime)
            ),
        });
        let summary = Summary {
            mode: Mode::PreCopy,
            outcome: Outcome::Completed,
            downtime_secs: downtime,
            total_secs: resume_end,
            total_bytes,
            degraded_secs: self.degraded_secs(f64::INFINITY),
            faults: 0.0,
            stall_secs: 0.0,
            rounds: self.rounds.len() as u32,
            stop: Some(stop),
            verdict: format!("{reason}; downtime is {}", duration_secs(downtime)),
        };
        ModeRun {
            phases,
            bars,
            network,
            events,
            summary,
            trace: Trace::PreCopy(self),
        }
    }

    fn into_aborted_run(self, fail_secs: f64) -> ModeRun {
        let verdict = "The destination failed during pre-copy; the source still had the running VM, so only the migration was lost, not the VM".to_owned();
        self.into_source_run(SourceEnding {
            at_secs: fail_secs,
            tail_label: "The destination failed, but the source never stopped the VM and still holds all of its memory: the migration is abandoned and the VM runs on",
            event_slug: "dest-failed",
            outcome: Outcome::Aborted,
            stop: None,
            verdict,
        })
    }

    /// QEMU's rules never met: the rounds shown, then the VM running on at the source while
    /// QEMU would go on iterating. Nothing is paused, so there is no downtime and no end.
    fn into_unconverged_run(self, stop: StopCondition, reason: String) -> ModeRun {
        let end = self.precopy_end_secs;
        self.into_source_run(SourceEnding {
            at_secs: end,
            tail_label: "QEMU keeps sending rounds that never shrink enough to fit the downtime limit; the VM keeps running on the source until the migration is cancelled, auto-converge throttles it or it switches to post-copy",
            event_slug: "not-converging",
            outcome: Outcome::NotConverged,
            stop: Some(stop),
            verdict: reason,
        })
    }

    /// A run in which the VM never leaves the source: the rounds up to `ending.at_secs`, then
    /// the VM running on at the source. There is no downtime.
    fn into_source_run(self, ending: SourceEnding) -> ModeRun {
        let at = ending.at_secs;
        let (mut phases, bars, network, mut events) = self.round_phases_and_bars(at);
        let total_bytes = bars.iter().map(|b| b.bytes).sum();
        phases.push(Phase {
            kind: PhaseKind::RunningOnSource,
            round: None,
            start_secs: at,
            end_secs: at + tail_secs(at),
            location: VmLocation::Source,
            label: ending.tail_label.to_owned(),
        });
        events.push(Event {
            slug: ending.event_slug.to_owned(),
            at_secs: at,
            label: ending.verdict.clone(),
        });
        let summary = Summary {
            mode: Mode::PreCopy,
            outcome: ending.outcome,
            downtime_secs: 0.0,
            total_secs: at,
            total_bytes,
            degraded_secs: self.degraded_secs(at),
            faults: 0.0,
            stall_secs: 0.0,
            rounds: bars.len() as u32,
            stop: ending.stop,
            verdict: ending.verdict,
        };
        ModeRun {
            phases,
            bars,
            network,
            events,
            summary,
            trace: Trace::PreCopy(self),
        }
    }

    /// What the pages look like at `t`, computed once so each page range is cheap to query.
    ///
    /// Within round k (start s), the round's set is sent in address order, so pages below a
    /// frontier have had their turn. A page counts as dirty (to be re-sent) if the guest wrote
    /// it since s, or if it is in round k's set and its turn has not come yet. In round 0 a page
    /// whose turn has not come is simply not sent yet.
    pub(super) fn snapshot(&self, layout: &PageLayout, t: f64) -> PreCopySnapshot {
        if self.fail_secs.is_some_and(|f| t >= f) {
            // The destination and everything sent to it are gone.
            return PreCopySnapshot::AllNotSent;
        }
        if t >= self.copy_end_secs && !self.unconverged {
            return PreCopySnapshot::AllClean;
        }
        // Not converging: after the last round shown, the pages stay as that round left them.
        let t = if self.unconverged {
            t.min(self.precopy_end_secs)
        } else {
            t
        };
        let in_round = if t < self.precopy_end_secs || self.unconverged {
            self.round_at(t)
        } else {
            None
        };
        // Round 0 always runs, so `None` means the final stop-and-copy.
        let (set_hot, set_cold, elapsed, rate_pages_s, throttle, first_round, paused) =
            if let Some((i, round)) = in_round {
                (
                    round.hot_pages,
                    round.cold_pages,
                    t - round.start_secs,
                    round.rate_pages_s,
                    round.throttle.fraction(),
                    i == 0,
                    false,
                )
            } else {
                (
                    self.final_hot_pages,
                    self.final_cold_pages,
                    t - self.precopy_end_secs,
                    self.link_pages_s(),
                    0.0,
                    false,
                    true,
                )
            };
        let queued_hot = density(set_hot, self.classes.hot_pages);
        let queued_cold = density(set_cold, self.classes.cold_pages);
        let sent_in_round = (elapsed * rate_pages_s).min(set_hot + set_cold);
        let (written_hot, written_cold) = if paused {
            (0.0, 0.0)
        } else {
            self.classes.dirtied_fractions(elapsed, throttle)
        };
        PreCopySnapshot::InRound {
            frontier: layout.advance(0.0, queued_hot, queued_cold, sent_in_round),
            first_round,
            written_hot,
            written_cold,
            queued_hot,
            queued_cold,
        }
    }

    /// The round running at `t` (the first round before it starts) and its index; `None` only
    /// when no round ran.
    fn round_at(&self, t: f64) -> Option<(usize, &RoundTrace)> {
        let i = self
            .rounds
            .partition_point(|r| r.start_secs <= t)
            .saturating_sub(1);
        self.rounds.get(i).map(|r| (i, r))
    }

    /// Progress at `t` for [`super::timeline::MigrationTimeline::state_at`].
    pub(super) fn progress_at(&self, layout: &PageLayout, t: f64) -> Progress {
        let pages = self.snapshot(layout, t).part(
            layout,
            0,
            layout.total_pages(),
            layout.hot_pages() as f64,
        );
        let t_sent = self.fail_secs.map_or(t, |f| t.min(f));
        // Not converging: nothing is sent beyond the last round shown.
        let t_sent = if self.unconverged {
            t_sent.min(self.precopy_end_secs)
        } else {
            t_sent
        };
        let rounds_before: f64 = self
            .rounds
            .iter()
            .map(|r| ((t_sent - r.start_secs) * r.rate_pages_s).clamp(0.0, r.pages()))
            .sum();
        let copy_bytes = ((t_sent - self.precopy_end_secs) * self.rate_bytes_s).max(0.0);
        let final_bytes = page_bytes(self.final_pages());
        let final_pages = copy_bytes.min(final_bytes) / page_bytes(1.0);
        let state_sent = (copy_bytes - final_bytes).clamp(0.0, self.state_bytes);
        let pages_sent = rounds_before + final_pages;
        let throttle_pct = if t_sent < self.precopy_end_secs {
            self.round_at(t_sent).map_or(0, |(_, r)| r.throttle.pct)
        } else {
            0
        };
        Progress {
            pages,
            pages_sent,
            bytes_sent: page_bytes(pages_sent) + state_sent,
            throttle_pct,
        }
    }
}

/// The pages of a pre-copy run at one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum PreCopySnapshot {
    /// The destination failed: nothing sent survives.
    AllNotSent,
    /// The migration is over: every page is on the destination.
    AllClean,
    /// A round (or the stop-and-copy) is under way.
    InRound {
        /// Address the round's transfer has reached.
        frontier: f64,
        /// Round 0: pages beyond the frontier were never sent.
        first_round: bool,
        /// Chance that a hot page was written since the round began.
        written_hot: f64,
        /// Same for a cold page.
        written_cold: f64,
        /// Chance that a hot page is in the round's set.
        queued_hot: f64,
        /// Same for a cold page.
        queued_cold: f64,
    },
}

impl PreCopySnapshot {
    /// Expected pages of `[lo, hi)`, which holds `hot` hot pages, in each state.
    pub(super) fn part(&self, layout: &PageLayout, lo: u64, hi: u64, hot: f64) -> PageCounts {
        let pages = (hi - lo) as f64;
        let PreCopySnapshot::InRound {
            frontier,
            first_round,
            written_hot,
            written_cold,
            queued_hot,
            queued_cold,
        } = *self
        else {
            return match self {
                PreCopySnapshot::AllNotSent => PageCounts {
                    not_sent: pages,
                    ..PageCounts::default()
                },
                _ => PageCounts {
                    sent_clean: pages,
                    ..PageCounts::default()
                },
            };
        };
        // Visited part: [lo, frontier); unvisited: [frontier, hi).
        let split = frontier.clamp(lo as f64, hi as f64);
        let visited = split - lo as f64;
        let (visited_hot, unvisited_hot) = layout.split_hot(lo, hi, hot, split);
        let visited_cold = visited - visited_hot;
        let unvisited_cold = (hi as f64 - split) - unvisited_hot;
        let visited_dirty = visited_hot * written_hot + visited_cold * written_cold;
        if first_round {
            return PageCounts {
                not_sent: unvisited_hot + unvisited_cold,
                sent_clean: visited - visited_dirty,
                dirty: visited_dirty,
                faulted_in: 0.0,
            };
        }
        let either = |queued: f64, written: f64| 1.0 - (1.0 - queued) * (1.0 - written);
        let unvisited_dirty = unvisited_hot * either(queued_hot, written_hot)
            + unvisited_cold * either(queued_cold, written_cold);
        let dirty = visited_dirty + unvisited_dirty;
        PageCounts {
            not_sent: 0.0,
            sent_clean: pages - dirty,
            dirty,
            faulted_in: 0.0,
        }
    }
}

/// Share of a class's pages that are in a set (0 for an empty class).
fn density(set_pages: f64, class_pages: f64) -> f64 {
    if class_pages > 0.0 {
        (set_pages / class_pages).min(1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
#[path = "precopy_tests.rs"]
mod tests;
