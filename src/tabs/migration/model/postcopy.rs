//! Post-copy live migration (Hines and Gopalan, VEE 2009; QEMU `postcopy-ram`).
//!
//! The VM pauses while its CPU and device state cross and the destination loads them and
//! restarts it: that is its downtime, comparable to pre-copy's (tens to hundreds of ms on real
//! links; domain.md section 4), not zero. What differs is afterwards. Memory follows: the source pushes pages in address order, and when
//! the guest touches a page that has not arrived, it stalls on a demand fault (a round trip
//! plus the page transfer) that pulls that page ahead of the push. With pre-paging, the pages
//! around each fault are pushed next, betting on spatial locality (the hot pages sit in
//! extents, see [`super::pages`]). Every page crosses exactly once, so the link carries V plus
//! the CPU state and the memory transfer takes V/R whatever the faults do; faults only decide
//! how much the guest is slowed meanwhile. If the destination dies before the last page
//! arrives, neither host holds a complete, consistent VM: it is lost.
//!
//! The guest's page touches are modelled at its dirty rate, with the same hot/cold split
//! (reads would add faults; this is a lower bound for a read-heavy guest). Time advances in
//! fixed steps (V/R split into [`STEPS`] parts) over expected counts per class: within a step
//! the guest runs until its faults' stall time fills the step (one vCPU blocks per fault).
//! Because faults strike uniformly among the missing pages of a class, the chance that a page
//! still ahead of the push has been faulted in is the same for all such pages; the trace
//! stores it per step, which is all the page grid needs.

use super::dirty::Classes;
use super::mode::Mode;
use super::pages::PageLayout;
use super::params::{BYTES_PER_MIB, Params};
use super::stall::{Solve, guest_step};
use super::timeline::{
    Bar, BarKind, Event, ModeRun, NetSample, Outcome, PageCounts, Phase, PhaseKind, Progress,
    Summary, Trace, VmLocation, page_bytes, tail_secs,
};
use crate::units::{bytes_approx, duration_secs};

/// Time steps over the memory transfer.
pub const STEPS: usize = 2048;

/// At most this many network samples are reported for the view.
const NETWORK_SAMPLES: usize = 256;

/// The post-copy state at the end of a step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Step {
    pub end_secs: f64,
    /// Address the active push has reached.
    pub pointer_pages: f64,
    /// Chance that a hot page still ahead of the push has been faulted in.
    pub faulted_hot: f64,
    /// Same for a cold page.
    pub faulted_cold: f64,
    /// Chance that a hot page still ahead of the push has been pre-paged.
    pub prepaged_hot: f64,
    /// Same for a cold page.
    pub prepaged_cold: f64,
    /// Demand faults so far.
    pub faults: f64,
    /// Pages pre-paged so far.
    pub prepaged: f64,
    /// Pages pushed in address order so far.
    pub pushed: f64,
    /// Guest time spent blocked on faults so far.
    pub stall_secs: f64,
}

impl Step {
    /// Linear interpolation between two steps.
    fn lerp(a: &Self, b: &Self, f: f64) -> Self {
        let mix = |x: f64, y: f64| x + (y - x) * f;
        Self {
            end_secs: mix(a.end_secs, b.end_secs),
            pointer_pages: mix(a.pointer_pages, b.pointer_pages),
            faulted_hot: mix(a.faulted_hot, b.faulted_hot),
            faulted_cold: mix(a.faulted_cold, b.faulted_cold),
            prepaged_hot: mix(a.prepaged_hot, b.prepaged_hot),
            prepaged_cold: mix(a.prepaged_cold, b.prepaged_cold),
            faults: mix(a.faults, b.faults),
            prepaged: mix(a.prepaged, b.prepaged),
            pushed: mix(a.pushed, b.pushed),
            stall_secs: mix(a.stall_secs, b.stall_secs),
        }
    }

    fn arrived(&self) -> f64 {
        self.faults + self.prepaged + self.pushed
    }
}

/// Everything needed to answer "what is the state at t" for a post-copy run.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct PostCopyTrace {
    total_pages: f64,
    rate_bytes_s: f64,
    state_bytes: f64,
    /// When the VM starts running on the destination.
    resume_end_secs: f64,
    /// `steps[0]` is the state at resume; the last is push-complete (or the failure).
    steps: Vec<Step>,
    /// When the destination failed, if it did.
    fail_secs: Option<f64>,
}

/// Simulates a post-copy migration.
pub(super) fn run(params: &Params, layout: &PageLayout) -> ModeRun {
    run_with(params, layout, guest_step)
}

/// [`run`] with the guest's run time in each step found by `solve` (the tests run the
/// bisection the Newton solve replaced, and compare).
fn run_with(params: &Params, layout: &PageLayout, solve: Solve) -> ModeRun {
    let classes = Classes::from_params(params, layout.hot_pages());
    let total_pages = layout.total_pages() as f64;
    let rate_pages_s = params.bandwidth_pages_s();
    let state_bytes = params.device_state_bytes as f64;
    let state_secs = params.device_state_secs();
    let resume_end_secs = state_secs + params.resume_secs();
    let transfer_secs = total_pages / rate_pages_s;
    let fail_secs = params
        .dest_fails
        .then_some(resume_end_secs + transfer_secs / 2.0);
    let fault_secs = params.fault_latency_ms / 1000.0 + 1.0 / rate_pages_s;
    let prepage = if params.prepaging {
        f64::from(params.prepage_pages)
    } else {
        0.0
    };
    let step_secs = transfer_secs / STEPS as f64;
    let done_below = 1e-9 * total_pages;

    let mut step = Step {
        end_secs: resume_end_secs,
        ..Step::default()
    };
    // About STEPS steps finish the transfer (see the loop): room for them at once.
    let mut steps = Vec::with_capacity(STEPS + 2);
    steps.push(step);
    let mut run_secs = 0.0;
    // Each step moves a full step's worth of pages, so about STEPS steps finish the transfer;
    // the bound only guards against floating-point stalls.
    for _ in 0..4 * STEPS {
        let hot_behind = layout.hot_before_real(step.pointer_pages);
        let ahead_hot = (classes.hot_pages - hot_behind).max(0.0);
        let ahead_cold = (classes.cold_pages - (step.pointer_pages - hot_behind)).max(0.0);
        let survive_hot = 1.0 - step.faulted_hot - step.prepaged_hot;
        let survive_cold = 1.0 - step.faulted_cold - step.prepaged_cold;
        let missing = (
            ahead_hot * survive_hot.max(0.0),
            ahead_cold * survive_cold.max(0.0),
        );
        let missing_total = missing.0 + missing.1;
        if missing_total <= done_below || fail_secs.is_some_and(|f| step.end_secs >= f) {
            break;
        }
        let mut dt = step_secs.min(missing_total / rate_pages_s);
        if let Some(f) = fail_secs {
            dt = dt.min(f - step.end_secs);
        }
        let budget = dt * rate_pages_s;
        let guest = solve(&classes, missing, run_secs, dt, fault_secs);
        let (n_hot, n_cold) = (
            guest.faults_hot.min(missing.0),
            guest.faults_cold.min(missing.1),
        );
        let room = (budget - n_hot - n_cold).max(0.0);
        let want_hot = (prepage * n_hot).min(missing.0 - n_hot);
        let want_cold = (prepage * n_cold).min(missing.1 - n_cold);
        let scale = if want_hot + want_cold > room {
            room / (want_hot + want_cold)
        } else {
            1.0
        };
        let (p_hot, p_cold) = (want_hot * scale, want_cold * scale);
        let push = (budget - n_hot - n_cold - p_hot - p_cold).max(0.0);
        let share = |taken: f64, ahead: f64| if ahead > 0.0 { taken / ahead } else { 0.0 };
        step.faulted_hot += share(n_hot, ahead_hot);
        step.faulted_cold += share(n_cold, ahead_cold);
        step.prepaged_hot += share(p_hot, ahead_hot);
        step.prepaged_cold += share(p_cold, ahead_cold);
        let density_hot = (1.0 - step.faulted_hot - step.prepaged_hot).max(0.0);
        let density_cold = (1.0 - step.faulted_cold - step.prepaged_cold).max(0.0);
        step.pointer_pages = layout.advance(step.pointer_pages, density_hot, density_cold, push);
        step.faults += n_hot + n_cold;
        step.prepaged += p_hot + p_cold;
        step.pushed += push;
        step.stall_secs += dt - guest.run_secs;
        step.end_secs += dt;
        run_secs += guest.run_secs;
        steps.push(step);
    }
    if fail_secs.is_none() {
        // Whatever rounding left is pushed with the last step: every page arrives exactly once.
        if let Some(last) = steps.last_mut() {
            last.pushed = total_pages - last.faults - last.prepaged;
            last.pointer_pages = total_pages;
        }
    }
    let trace = PostCopyTrace {
        total_pages,
        rate_bytes_s: params.bandwidth_bytes_s(),
        state_bytes,
        resume_end_secs,
        steps,
        fail_secs,
    };
    trace.into_run(params, state_secs)
}

impl PostCopyTrace {
    fn first(&self) -> Step {
        self.steps.first().copied().unwrap_or_default()
    }

    fn last(&self) -> Step {
        self.steps.last().copied().unwrap_or_default()
    }

    fn end_secs(&self) -> f64 {
        self.last().end_secs
    }

    /// The step state at `t`, interpolated (clamped to the run).
    fn step_at(&self, t: f64) -> Step {
        let i = self.steps.partition_point(|s| s.end_secs <= t);
        let Some([a, b]) = i.checked_sub(1).and_then(|j| self.steps.get(j..=i)) else {
            // Before the first step (i = 0) or after the last (i = len).
            return if i == 0 { self.first() } else { self.last() };
        };
        let span = b.end_secs - a.end_secs;
        let f = if span > 0.0 {
            (t - a.end_secs) / span
        } else {
            1.0
        };
        Step::lerp(a, b, f)
    }

    /// The step state when the push reached address `page`.
    fn step_passing(&self, page: f64) -> Step {
        let i = self.steps.partition_point(|s| s.pointer_pages < page);
        let Some([a, b]) = i.checked_sub(1).and_then(|j| self.steps.get(j..=i)) else {
            // Before the first step (i = 0) or after the last (i = len).
            return if i == 0 { self.first() } else { self.last() };
        };
        let span = b.pointer_pages - a.pointer_pages;
        let f = if span > 0.0 {
            (page - a.pointer_pages) / span
        } else {
            1.0
        };
        Step::lerp(a, b, f)
    }

    fn into_run(self, params: &Params, state_secs: f64) -> ModeRun {
        let end = self.end_secs();
        let last = self.last();
        let rate_mib_s = self.rate_bytes_s / BYTES_PER_MIB;
        let mut phases = vec![
            Phase {
                kind: PhaseKind::Suspended,
                round: None,
                start_secs: 0.0,
                end_secs: state_secs,
                location: VmLocation::Source,
                label: format!(
                    "The VM is paused on the source and only its CPU and device state ({}) cross the link",
                    bytes_approx(self.state_bytes)
                ),
            },
            Phase {
                kind: PhaseKind::Resuming,
                round: None,
                start_secs: state_secs,
                end_secs: self.resume_end_secs,
                location: VmLocation::Destination,
                label: "The destination loads that state and restarts the VM before any of its memory has arrived"
                    .to_owned(),
            },
            Phase {
                kind: PhaseKind::RunningDegraded,
                round: None,
                start_secs: self.resume_end_secs,
                end_secs: end,
                location: VmLocation::Destination,
                label: if params.prepaging {
                    "The VM runs on the destination while memory is pushed; touching a page that is not there yet stalls it on a demand fault, and the pages around each fault are pushed next (pre-paging)".to_owned()
                } else {
                    "The VM runs on the destination while memory is pushed in order; touching a page that is not there yet stalls it on a demand fault".to_owned()
                },
            },
        ];
        let downtime = self.resume_end_secs;
        let mut events = vec![
            Event {
                slug: "suspend".to_owned(),
                at_secs: 0.0,
                label: "The VM is paused on the source; post-copy sends its CPU and device state, no memory, before resuming it".to_owned(),
            },
            Event {
                slug: "resume".to_owned(),
                at_secs: self.resume_end_secs,
                label: format!(
                    "The VM runs on the destination after {} of downtime (state transfer plus resume), with none of its memory there yet",
                    duration_secs(downtime)
                ),
            },
        ];
        if let Some(first) = self.steps.iter().find(|s| s.faults >= 1.0) {
            events.push(Event {
                slug: "fault".to_owned(),
                at_secs: first.end_secs,
                label: "First demand fault: the guest touched a page still on the source and waits a network round trip for it".to_owned(),
            });
        }
        let memory_bytes = page_bytes(self.total_pages);
        let (outcome, total_bytes, verdict) = match self.fail_secs {
            Some(fail) => {
                let verdict = format!(
                    "The destination failed {} after the VM resumed there, with {} of memory still on the source: neither host has a complete, consistent VM, so it is lost (QEMU: \"If the migration fails during postcopy the VM will fail\")",
                    duration_secs(fail - self.resume_end_secs),
                    bytes_approx(page_bytes(self.total_pages - last.arrived()))
                );
                phases.push(Phase {
                    kind: PhaseKind::Lost,
                    round: None,
                    start_secs: fail,
                    end_secs: fail + tail_secs(fail),
                    location: VmLocation::Nowhere,
                    label: verdict.clone(),
                });
                events.push(Event {
                    slug: "vm-lost".to_owned(),
                    at_secs: fail,
                    label: verdict.clone(),
                });
                (
                    Outcome::Lost,
                    self.state_bytes + page_bytes(last.arrived()),
                    verdict,
                )
            }
            None => {
                phases.push(Phase {
                    kind: PhaseKind::RunningOnDestination,
                    round: None,
                    start_secs: end,
                    end_secs: end + tail_secs(end),
                    location: VmLocation::Destination,
                    label: "All memory has arrived: the VM runs on the destination at full speed"
                        .to_owned(),
                });
                events.push(Event {
                    slug: "push-complete".to_owned(),
                    at_secs: end,
                    label: format!(
                        "The last page has arrived after {:.0} demand faults; every page crossed the link exactly once",
                        last.faults
                    ),
                });
                let verdict = format!(
                    "Downtime was {}: the CPU and device state crossed and the VM restarted, as at the end of pre-copy but without a last batch of dirty pages. The cost came after: {:.0} demand faults stalled the guest for {} in total while memory arrived over {}",
                    duration_secs(downtime),
                    last.faults,
                    duration_secs(last.stall_secs),
                    duration_secs(end - self.resume_end_secs)
                );
                (Outcome::Completed, memory_bytes + self.state_bytes, verdict)
            }
        };
        let bars = vec![Bar {
            kind: BarKind::PostCopyTransfer,
            round: None,
            start_secs: self.resume_end_secs,
            duration_secs: end - self.resume_end_secs,
            pages: last.arrived(),
            bytes: page_bytes(last.arrived()),
            throttle_pct: 0,
        }];
        let mut network = vec![NetSample {
            start_secs: 0.0,
            end_secs: state_secs,
            copy_mib_s: rate_mib_s,
            fault_mib_s: 0.0,
            prepage_mib_s: 0.0,
        }];
        network.extend(self.network_samples());
        let summary = Summary {
            mode: Mode::PostCopy,
            outcome,
            downtime_secs: downtime,
            total_secs: end,
            total_bytes,
            degraded_secs: end - self.resume_end_secs,
            faults: last.faults,
            stall_secs: last.stall_secs,
            rounds: 0,
            stop: None,
            verdict,
        };
        ModeRun {
            phases,
            bars,
            network,
            events,
            summary,
            trace: Trace::PostCopy(self),
        }
    }

    /// Push, fault and pre-paging traffic, averaged over groups of steps.
    fn network_samples(&self) -> Vec<NetSample> {
        let group = self.steps.len().div_ceil(NETWORK_SAMPLES).max(1);
        let to_mib_s = |pages: f64, secs: f64| {
            if secs > 0.0 {
                page_bytes(pages) / BYTES_PER_MIB / secs
            } else {
                0.0
            }
        };
        let mut samples = Vec::new();
        let Some((mut a, rest)) = self.steps.split_first() else {
            return samples;
        };
        // Each sample spans from the previous boundary to the last step of the next group.
        for b in rest.chunks(group).filter_map(<[Step]>::last) {
            let secs = b.end_secs - a.end_secs;
            samples.push(NetSample {
                start_secs: a.end_secs,
                end_secs: b.end_secs,
                copy_mib_s: to_mib_s(b.pushed - a.pushed, secs),
                fault_mib_s: to_mib_s(b.faults - a.faults, secs),
                prepage_mib_s: to_mib_s(b.prepaged - a.prepaged, secs),
            });
            a = b;
        }
        samples
    }

    /// The step state at `t` (frozen at the moment of loss after a failure), or `None` before
    /// the VM resumes, when no page has moved yet.
    pub(super) fn snapshot(&self, t: f64) -> Option<Step> {
        (t >= self.resume_end_secs).then(|| self.step_at(self.fail_secs.map_or(t, |f| t.min(f))))
    }

    /// Expected pages of `[lo, hi)`, which holds `hot` hot pages, in each state, given
    /// [`Self::snapshot`]. Pages behind the
    /// push pointer have arrived: faulted in if a fault beat the push to them. Pages ahead of
    /// it have been faulted in or pre-paged with the chances stored in the step.
    pub(super) fn part(
        &self,
        layout: &PageLayout,
        now: Option<&Step>,
        lo: u64,
        hi: u64,
        hot: f64,
    ) -> PageCounts {
        let pages = (hi - lo) as f64;
        let Some(now) = now else {
            return PageCounts {
                not_sent: pages,
                ..PageCounts::default()
            };
        };
        let split = now.pointer_pages.clamp(lo as f64, hi as f64);
        let (behind_hot, ahead_hot) = layout.split_hot(lo, hi, hot, split);
        let ahead_cold = (hi as f64 - split) - ahead_hot;
        let behind_cold = (split - lo as f64) - behind_hot;
        let faulted_behind = if split > lo as f64 {
            let passed = self.step_passing(0.5 * (lo as f64 + split));
            behind_hot * passed.faulted_hot + behind_cold * passed.faulted_cold
        } else {
            0.0
        };
        let faulted_ahead = ahead_hot * now.faulted_hot + ahead_cold * now.faulted_cold;
        let prepaged_ahead = ahead_hot * now.prepaged_hot + ahead_cold * now.prepaged_cold;
        let not_sent = (ahead_hot + ahead_cold - faulted_ahead - prepaged_ahead).max(0.0);
        let faulted_in = faulted_behind + faulted_ahead;
        PageCounts {
            not_sent,
            sent_clean: pages - not_sent - faulted_in,
            dirty: 0.0,
            faulted_in,
        }
    }

    /// Progress at `t` for [`super::timeline::MigrationTimeline::state_at`].
    pub(super) fn progress_at(&self, t: f64) -> Progress {
        let t = self.fail_secs.map_or(t, |f| t.min(f));
        let state_sent = (t * self.rate_bytes_s).min(self.state_bytes);
        if t < self.resume_end_secs {
            return Progress {
                pages: PageCounts {
                    not_sent: self.total_pages,
                    ..PageCounts::default()
                },
                pages_sent: 0.0,
                bytes_sent: state_sent,
                throttle_pct: 0,
            };
        }
        let now = self.step_at(t);
        let arrived = now.arrived();
        Progress {
            pages: PageCounts {
                not_sent: (self.total_pages - arrived).max(0.0),
                sent_clean: now.pushed + now.prepaged,
                dirty: 0.0,
                faulted_in: now.faults,
            },
            pages_sent: arrived,
            bytes_sent: state_sent + page_bytes(arrived),
            throttle_pct: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::params::WritePattern;
    use super::super::presets::Preset;
    use super::super::timeline::{MigrationTimeline, simulate};
    use super::*;

    fn post_copy(params: &Params) -> MigrationTimeline {
        simulate(params, Mode::PostCopy).unwrap()
    }

    fn trace(tl: &MigrationTimeline) -> &PostCopyTrace {
        match &tl.trace {
            Trace::PostCopy(trace) => trace,
            _ => unreachable!("a post-copy timeline holds a post-copy trace"),
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// The Newton solve of each step's run time leaves the whole run as the bisection it
        /// replaced made it: the same steps, each state within rounding (stall.rs bounds one
        /// solve's difference at 1e-11 of a step). The push pointer is compared by what the
        /// next step reads of it, the pages still missing ahead of it: a stretch whose pages
        /// have all been faulted in has density 0 and is passed at no cost, so where in it
        /// the pointer stops is decided by a rounding error and changes nothing.
        #[test]
        fn newton_steps_follow_the_bisections(
            params in super::super::proptests::params_strategy()
        ) {
            let layout = PageLayout::new(params.memory_pages(), params.wss_pages(), params.seed);
            let traced = |solve: Solve| match run_with(&params, &layout, solve).trace {
                Trace::PostCopy(trace) => trace,
                _ => unreachable!("a post-copy run holds a post-copy trace"),
            };
            let new = traced(guest_step);
            let old = traced(super::super::stall::guest_step_bisection);
            proptest::prop_assert_eq!(new.steps.len(), old.steps.len());
            let pages = new.total_pages.max(1.0);
            let secs = old.end_secs().max(1e-9);
            let hot = layout.hot_pages() as f64;
            let missing = |step: &Step| {
                let hot_behind = layout.hot_in_real(0.0, step.pointer_pages);
                let cold_behind = step.pointer_pages - hot_behind;
                (hot - hot_behind) * (1.0 - step.faulted_hot - step.prepaged_hot).max(0.0)
                    + (pages - hot - cold_behind)
                        * (1.0 - step.faulted_cold - step.prepaged_cold).max(0.0)
            };
            for (k, (a, b)) in new.steps.iter().zip(&old.steps).enumerate() {
                let close = |x: f64, y: f64, scale: f64| (x - y).abs() <= 1e-9 * scale;
                let counts = [
                    (missing(a), missing(b)),
                    (a.faults, b.faults),
                    (a.prepaged, b.prepaged),
                    (a.pushed, b.pushed),
                ];
                let shares = [
                    (a.faulted_hot, b.faulted_hot),
                    (a.faulted_cold, b.faulted_cold),
                    (a.prepaged_hot, b.prepaged_hot),
                    (a.prepaged_cold, b.prepaged_cold),
                ];
                proptest::prop_assert!(
                    close(a.end_secs, b.end_secs, secs) && close(a.stall_secs, b.stall_secs, secs)
                        && counts.iter().all(|(x, y)| close(*x, *y, pages))
                        && shares.iter().all(|(x, y)| close(*x, *y, 1.0)),
                    "step {}: {:?} vs {:?}", k, a, b
                );
            }
        }
    }

    #[test]
    fn every_page_crosses_exactly_once() {
        for preset in Preset::ALL {
            for prepaging in [false, true] {
                let params = Params {
                    prepaging,
                    ..preset.params()
                };
                let tl = post_copy(&params);
                let v = params.memory_pages() as f64;
                let steps = &trace(&tl).steps;
                // Faults, pre-paging and the push never overlap: together they are V pages.
                let last = steps.last().unwrap();
                assert!((last.arrived() - v).abs() < 1e-9 * v);
                assert!(last.faults >= 0.0 && last.prepaged >= 0.0 && last.pushed >= 0.0);
                for pair in steps.windows(2) {
                    assert!(pair[1].arrived() >= pair[0].arrived());
                    assert!(pair[1].pointer_pages >= pair[0].pointer_pages);
                    // Each step moves exactly what the link carries in it: nothing twice.
                    let carried =
                        (pair[1].end_secs - pair[0].end_secs) * params.bandwidth_pages_s();
                    let moved = pair[1].arrived() - pair[0].arrived();
                    assert!(
                        (moved - carried).abs() <= 1e-6 * v,
                        "{preset:?}: {moved} vs {carried}"
                    );
                }
                // So the link carries V plus the CPU state, in V/R after resuming.
                let s = &tl.summary;
                assert_eq!(
                    s.total_bytes,
                    page_bytes(v) + params.device_state_bytes as f64
                );
                let total = params.device_state_secs()
                    + params.resume_secs()
                    + v / params.bandwidth_pages_s();
                assert!((s.total_secs - total).abs() < 1e-9 * total, "{preset:?}");
            }
        }
    }

    #[test]
    fn downtime_is_the_cpu_state_transfer_plus_resume() {
        let params = Preset::BusyWeb.params();
        let tl = post_copy(&params);
        let downtime = params.device_state_secs() + params.resume_secs();
        assert!((tl.summary.downtime_secs - downtime).abs() < 1e-15);
        assert_eq!(tl.event("resume").unwrap().at_secs, downtime);
        assert_eq!(tl.phase_at(downtime + 0.1).kind, PhaseKind::RunningDegraded);
        assert!(tl.event("push-complete").is_some() && tl.event("fault").is_some());
    }

    #[test]
    fn faults_match_the_expectation_for_random_touches_ahead_of_the_push() {
        // All pages hot, touched uniformly at r per page per second, negligible stalls: the
        // page at address x is reached by the push at x/R, so it faults with chance
        // 1 - exp(-r x / R); summed over memory, V (1 - (1 - exp(-rT)) / (rT)) with T = V/R.
        let params = Params {
            memory_mib: 1024.0,
            wss_mib: 1024.0,
            hot_write_share: 1.0,
            dirty_mib_s: 8.0,
            write_pattern: WritePattern::Random,
            bandwidth_mib_s: 128.0,
            fault_latency_ms: 0.0,
            ..Params::default()
        };
        let tl = post_copy(&params);
        let v = params.memory_pages() as f64;
        let rt =
            (params.dirty_mib_s / params.memory_mib) * (params.memory_mib / params.bandwidth_mib_s);
        let expected = v * (1.0 - (1.0 - (-rt).exp()) / rt);
        assert!(
            (tl.summary.faults - expected).abs() / expected < 0.02,
            "{} vs {expected}",
            tl.summary.faults
        );
    }

    #[test]
    fn no_writes_means_no_faults() {
        let tl = post_copy(&Params {
            dirty_mib_s: 0.0,
            ..Preset::BusyWeb.params()
        });
        assert_eq!(tl.summary.faults, 0.0);
        assert_eq!(tl.summary.stall_secs, 0.0);
        assert!(tl.event("fault").is_none());
    }

    #[test]
    fn pre_paging_and_short_round_trips_reduce_the_cost_of_faults() {
        let base = Preset::BusyWeb.params();
        let plain = post_copy(&base).summary;
        let prepaged = post_copy(&Params {
            prepaging: true,
            ..base.clone()
        })
        .summary;
        assert!(
            prepaged.faults < 0.9 * plain.faults,
            "{} vs {}",
            prepaged.faults,
            plain.faults
        );
        let slow = post_copy(&Params {
            fault_latency_ms: 10.0,
            ..base
        })
        .summary;
        assert!(slow.stall_secs > plain.stall_secs);
        // Faults never change how long the memory takes to arrive.
        assert!((slow.degraded_secs - plain.degraded_secs).abs() < 1e-9);
    }

    #[test]
    fn a_failed_destination_loses_the_vm() {
        let params = Params {
            dest_fails: true,
            ..Preset::BusyWeb.params()
        };
        let tl = post_copy(&params);
        let s = &tl.summary;
        assert_eq!(s.outcome, Outcome::Lost);
        let last = tl.phases.last().unwrap();
        assert_eq!(
            (last.kind, last.location),
            (PhaseKind::Lost, VmLocation::Nowhere)
        );
        let lost = tl.event("vm-lost").unwrap();
        assert_eq!(lost.at_secs, last.start_secs);
        assert_eq!(s.total_secs, lost.at_secs);
        assert!(
            lost.label
                .contains("If the migration fails during postcopy the VM will fail")
        );
        assert!(tl.event("push-complete").is_none());
        assert!(s.total_bytes < page_bytes(params.memory_pages() as f64));
        let after = tl.state_at(tl.end_secs);
        assert!(!after.running && after.location == VmLocation::Nowhere);
        assert_eq!(after.pages, tl.state_at(lost.at_secs).pages);
    }

    #[test]
    fn state_at_counts_faults_and_arrivals() {
        let tl = post_copy(&Preset::BusyWeb.params());
        let v = tl.params.memory_pages() as f64;
        let before = tl.state_at(0.0);
        assert_eq!(before.pages.not_sent, v);
        assert!(!before.running);
        let mut last_sent = 0.0;
        for k in 0..=50 {
            let s = tl.state_at(tl.end_secs * k as f64 / 50.0);
            assert!((s.pages.total() - v).abs() < 1e-6 * v);
            assert!(s.pages_sent >= last_sent);
            last_sent = s.pages_sent;
        }
        let end = tl.state_at(tl.end_secs);
        assert!((end.faults - tl.summary.faults).abs() < 1e-9);
        assert!(end.pages.not_sent < 1e-6 * v);
    }
}
