//! Cold migration: suspend, copy everything, resume.
//!
//! The baseline the live methods are measured against. Nothing runs while memory crosses
//! the link, so downtime equals the total migration time: (V + CPU state) / R + resume.
//! Every page is sent exactly once.

use super::mode::Mode;
use super::pages::PageLayout;
use super::params::{BYTES_PER_MIB, Params};
use super::timeline::{
    Bar, BarKind, Event, ModeRun, NetSample, Outcome, PageCounts, Phase, PhaseKind, Progress,
    Summary, Trace, VmLocation, page_bytes, tail_secs,
};
use crate::units::{bytes_approx, duration_secs};

/// The copy as simulated.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct ColdTrace {
    total_pages: f64,
    rate_pages_s: f64,
    rate_bytes_s: f64,
    state_bytes: f64,
    /// When the destination failed, if it did.
    fail_secs: Option<f64>,
}

/// Simulates a cold migration.
pub(super) fn run(params: &Params) -> ModeRun {
    let total_pages = params.memory_pages() as f64;
    let trace = ColdTrace {
        total_pages,
        rate_pages_s: params.bandwidth_pages_s(),
        rate_bytes_s: params.bandwidth_bytes_s(),
        state_bytes: params.device_state_bytes as f64,
        fail_secs: None,
    };
    let memory_bytes = page_bytes(total_pages);
    let copy_secs = (memory_bytes + trace.state_bytes) / trace.rate_bytes_s;
    let resume_secs = params.resume_secs();
    let suspend = Event {
        slug: "suspend".to_owned(),
        at_secs: 0.0,
        label: format!(
            "The VM is suspended on the source; all {} of memory and its CPU state are copied while nothing runs",
            bytes_approx(memory_bytes)
        ),
    };
    let rate_mib_s = trace.rate_bytes_s / BYTES_PER_MIB;
    if params.dest_fails {
        let fail_secs = copy_secs / 2.0;
        let end = fail_secs + resume_secs;
        let verdict = "The destination failed during the copy; the suspended VM on the source is still complete, so the source resumes it and nothing is lost but time".to_owned();
        let phases = vec![
            Phase {
                kind: PhaseKind::Suspended,
                round: None,
                start_secs: 0.0,
                end_secs: fail_secs,
                location: VmLocation::Source,
                label: suspend.label.clone(),
            },
            Phase {
                kind: PhaseKind::Resuming,
                round: None,
                start_secs: fail_secs,
                end_secs: end,
                location: VmLocation::Source,
                label: "The destination failed; the source restarts the VM it never gave up"
                    .to_owned(),
            },
            Phase {
                kind: PhaseKind::RunningOnSource,
                round: None,
                start_secs: end,
                end_secs: end + tail_secs(end),
                location: VmLocation::Source,
                label: "The VM runs on the source again; the migration must be retried".to_owned(),
            },
        ];
        let events = vec![
            suspend,
            Event {
                slug: "dest-failed".to_owned(),
                at_secs: fail_secs,
                label: verdict.clone(),
            },
            Event {
                slug: "resume".to_owned(),
                at_secs: end,
                label: format!(
                    "The VM runs again on the source after {} of downtime",
                    duration_secs(end)
                ),
            },
        ];
        let sent_bytes = fail_secs * trace.rate_bytes_s;
        let pages = sent_bytes.min(memory_bytes) / page_bytes(1.0);
        let summary = Summary {
            mode: Mode::Cold,
            outcome: Outcome::Aborted,
            downtime_secs: end,
            total_secs: end,
            total_bytes: sent_bytes,
            degraded_secs: 0.0,
            faults: 0.0,
            stall_secs: 0.0,
            rounds: 0,
            stop: None,
            verdict,
        };
        return ModeRun {
            phases,
            bars: vec![copy_bar(0.0, fail_secs, pages, sent_bytes)],
            network: vec![copy_sample(fail_secs, rate_mib_s)],
            events,
            summary,
            trace: Trace::Cold(ColdTrace {
                fail_secs: Some(fail_secs),
                ..trace
            }),
        };
    }
    let end = copy_secs + resume_secs;
    let phases = vec![
        Phase {
            kind: PhaseKind::Suspended,
            round: None,
            start_secs: 0.0,
            end_secs: copy_secs,
            location: VmLocation::Source,
            label: suspend.label.clone(),
        },
        Phase {
            kind: PhaseKind::Resuming,
            round: None,
            start_secs: copy_secs,
            end_secs: end,
            location: VmLocation::Destination,
            label: "Everything has arrived; the destination restarts the VM".to_owned(),
        },
        Phase {
            kind: PhaseKind::RunningOnDestination,
            round: None,
            start_secs: end,
            end_secs: end + tail_secs(end),
            location: VmLocation::Destination,
            label: "The VM runs on the destination at full speed".to_owned(),
        },
    ];
    let events = vec![
        suspend,
        Event {
            slug: "resume".to_owned(),
            at_secs: end,
            label: format!(
                "The VM runs again on the destination; downtime was the whole migration, {}",
                duration_secs(end)
            ),
        },
    ];
    let total_bytes = memory_bytes + trace.state_bytes;
    let summary = Summary {
        mode: Mode::Cold,
        outcome: Outcome::Completed,
        downtime_secs: end,
        total_secs: end,
        total_bytes,
        degraded_secs: 0.0,
        faults: 0.0,
        stall_secs: 0.0,
        rounds: 0,
        stop: None,
        verdict: format!(
            "Every page crossed once with the VM stopped, so downtime equals the total time, {}",
            duration_secs(end)
        ),
    };
    ModeRun {
        phases,
        bars: vec![copy_bar(0.0, copy_secs, total_pages, total_bytes)],
        network: vec![copy_sample(copy_secs, rate_mib_s)],
        events,
        summary,
        trace: Trace::Cold(trace),
    }
}

fn copy_bar(start_secs: f64, end_secs: f64, pages: f64, bytes: f64) -> Bar {
    Bar {
        kind: BarKind::ColdCopy,
        round: None,
        start_secs,
        duration_secs: end_secs - start_secs,
        pages,
        bytes,
        throttle_pct: 0,
    }
}

fn copy_sample(end_secs: f64, rate_mib_s: f64) -> NetSample {
    NetSample {
        start_secs: 0.0,
        end_secs,
        copy_mib_s: rate_mib_s,
        fault_mib_s: 0.0,
        prepage_mib_s: 0.0,
    }
}

impl ColdTrace {
    /// Address the copy has reached at `t` (pages go in address order, then the CPU state);
    /// 0 once the destination has failed, since nothing sent survives.
    pub(super) fn frontier_at(&self, t: f64) -> f64 {
        if self.fail_secs.is_some_and(|f| t >= f) {
            0.0
        } else {
            (t * self.rate_pages_s).min(self.total_pages)
        }
    }

    /// Expected pages of `[lo, hi)` in each state, given the copy's frontier.
    pub(super) fn part(frontier: f64, lo: u64, hi: u64) -> PageCounts {
        let pages = (hi - lo) as f64;
        let sent = (frontier - lo as f64).clamp(0.0, pages);
        PageCounts {
            not_sent: pages - sent,
            sent_clean: sent,
            ..PageCounts::default()
        }
    }

    /// Progress at `t` for [`super::timeline::MigrationTimeline::state_at`].
    pub(super) fn progress_at(&self, layout: &PageLayout, t: f64) -> Progress {
        let t_sent = self.fail_secs.map_or(t, |f| t.min(f));
        let bytes_sent =
            (t_sent * self.rate_bytes_s).min(page_bytes(self.total_pages) + self.state_bytes);
        Progress {
            pages: Self::part(self.frontier_at(t), 0, layout.total_pages()),
            pages_sent: (t_sent * self.rate_pages_s).min(self.total_pages),
            bytes_sent,
            throttle_pct: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::mode::Mode;
    use super::super::params::Params;
    use super::super::timeline::{Outcome, PhaseKind, simulate};

    #[test]
    fn cold_downtime_equals_total_time() {
        let params = Params {
            memory_mib: 1024.0,
            wss_mib: 64.0,
            bandwidth_mib_s: 100.0,
            device_state_bytes: 1 << 20,
            resume_ms: 50.0,
            ..Params::default()
        };
        let tl = simulate(&params, Mode::Cold).unwrap();
        let s = &tl.summary;
        assert_eq!(s.downtime_secs, s.total_secs);
        // (1024 MiB + 1 MiB) / 100 MiB/s + 50 ms.
        assert!((s.total_secs - (10.25 + 0.05)).abs() < 1e-9);
        assert_eq!(s.total_bytes, (1025 * (1 << 20)) as f64);
        assert_eq!(tl.phase_at(5.0).kind, PhaseKind::Suspended);
        assert!(!tl.state_at(5.0).running);
        assert!(tl.state_at(11.0).running);
    }

    #[test]
    fn a_failed_destination_leaves_the_vm_on_the_source() {
        let params = Params {
            dest_fails: true,
            ..Params::default()
        };
        let tl = simulate(&params, Mode::Cold).unwrap();
        assert_eq!(tl.summary.outcome, Outcome::Aborted);
        assert_eq!(tl.phases.last().unwrap().kind, PhaseKind::RunningOnSource);
        assert!(tl.event("dest-failed").is_some());
        let end = tl.state_at(tl.end_secs);
        assert_eq!(end.pages.not_sent, params.memory_pages() as f64);
    }
}
