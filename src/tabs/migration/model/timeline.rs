//! The simulated timeline of one migration: phases, bars, network use, events and a summary.
//!
//! A timeline is computed once from (params, mode) and everything the view draws is read from
//! it: the phase and page counts at any time `t` are pure functions of the timeline and `t`,
//! so scrubbing and scene links (`t=SECONDS`) always show the same state.

use serde::Serialize;

use super::cold::ColdTrace;
use super::mode::Mode;
use super::pages::PageLayout;
use super::params::{PAGE_SIZE_BYTES, ParamError, Params};
use super::postcopy::{PostCopyTrace, Step};
use super::precopy::{PreCopySnapshot, PreCopyTrace};
use super::stop::StopCondition;

/// What the VM is doing during a phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PhaseKind {
    /// Running on the source with no migration traffic (after an aborted migration).
    RunningOnSource,
    /// Running on the source while a pre-copy round sends memory.
    PreCopyRound,
    /// Paused on the source while the last dirty pages and the CPU state are sent.
    StopAndCopy,
    /// Paused while memory or CPU state is copied (cold migration, start of post-copy).
    Suspended,
    /// Paused while a host restarts the VM from the state it received.
    Resuming,
    /// Running on the destination while memory still arrives: some accesses fault.
    RunningDegraded,
    /// Running on the destination with all of its memory.
    RunningOnDestination,
    /// Gone: the destination failed during post-copy and no host holds a consistent copy.
    Lost,
}

impl PhaseKind {
    /// Stable id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::RunningOnSource => "running-on-source",
            Self::PreCopyRound => "pre-copy-round",
            Self::StopAndCopy => "stop-and-copy",
            Self::Suspended => "suspended",
            Self::Resuming => "resuming",
            Self::RunningDegraded => "running-degraded",
            Self::RunningOnDestination => "running-on-destination",
            Self::Lost => "lost",
        }
    }

    /// Human title for legends.
    pub fn title(self) -> &'static str {
        match self {
            Self::RunningOnSource => "Running on source",
            Self::PreCopyRound => "Pre-copy round",
            Self::StopAndCopy => "Stop-and-copy",
            Self::Suspended => "Suspended",
            Self::Resuming => "Resuming",
            Self::RunningDegraded => "Running degraded on destination",
            Self::RunningOnDestination => "Running on destination",
            Self::Lost => "VM lost",
        }
    }

    /// Whether the guest executes during this phase.
    pub fn running(self) -> bool {
        matches!(
            self,
            Self::RunningOnSource
                | Self::PreCopyRound
                | Self::RunningDegraded
                | Self::RunningOnDestination
        )
    }
}

/// Which host holds the VM that runs (or would run) at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum VmLocation {
    /// The source host.
    Source,
    /// The destination host.
    Destination,
    /// No host: the VM was lost.
    Nowhere,
}

/// A stretch of the timeline with one [`PhaseKind`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Phase {
    /// What the VM does.
    pub kind: PhaseKind,
    /// Pre-copy round index, for [`PhaseKind::PreCopyRound`].
    pub round: Option<u32>,
    /// Start, in seconds since the migration began.
    pub start_secs: f64,
    /// End, in seconds since the migration began.
    pub end_secs: f64,
    /// Which host holds the VM.
    pub location: VmLocation,
    /// One sentence for students: what happens and why.
    pub label: String,
}

/// A named moment on the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// Stable id, unique within a timeline (`round-0`, `stop-and-copy`, `resume`, ...).
    pub slug: String,
    /// When, in seconds since the migration began.
    pub at_secs: f64,
    /// One sentence for students.
    pub label: String,
}

/// What a bar of the per-round chart stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BarKind {
    /// A live pre-copy round.
    PreCopyRound,
    /// The final copy with the VM paused (pre-copy).
    StopAndCopy,
    /// The single copy of cold migration.
    ColdCopy,
    /// Post-copy's transfer of memory after the VM resumed (push, faults and pre-paging).
    PostCopyTransfer,
}

/// One bar of the per-round chart: data sent and how long it took.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bar {
    /// What the bar stands for.
    pub kind: BarKind,
    /// Round index for pre-copy rounds.
    pub round: Option<u32>,
    /// Start, in seconds.
    pub start_secs: f64,
    /// Duration, in seconds.
    pub duration_secs: f64,
    /// Memory pages sent (an expected count, so fractional).
    pub pages: f64,
    /// Bytes sent, including CPU and device state where the bar carries it.
    pub bytes: f64,
    /// Guest CPU throttle (auto-converge) during the bar, in percent.
    pub throttle_pct: u32,
}

/// Network use over a stretch of time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetSample {
    /// Start, in seconds.
    pub start_secs: f64,
    /// End, in seconds.
    pub end_secs: f64,
    /// Bulk transfer: pre-copy rounds, stop-and-copy, cold copy, state, post-copy push.
    pub copy_mib_s: f64,
    /// Post-copy pages pulled by demand faults.
    pub fault_mib_s: f64,
    /// Post-copy pages pushed by pre-paging around faults.
    pub prepage_mib_s: f64,
}

/// How the migration ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Outcome {
    /// The VM runs on the destination with all of its memory.
    Completed,
    /// The destination failed; the source still had a complete copy and keeps the VM.
    Aborted,
    /// The destination failed during post-copy; the VM is gone.
    Lost,
    /// Pre-copy under QEMU's rules never fits the downtime limit: QEMU would iterate until the
    /// migration is cancelled, so the VM never moves and is never paused.
    NotConverged,
}

impl Outcome {
    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Completed => "Completed",
            Self::Aborted => "Aborted, VM kept on source",
            Self::Lost => "VM lost",
            Self::NotConverged => "Not converging, VM still on source",
        }
    }
}

/// The numbers the comparison table shows for one method.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// The method.
    pub mode: Mode,
    /// How it ended.
    pub outcome: Outcome,
    /// Time the VM did not run at all, in seconds. For a lost VM: the pause before the loss.
    pub downtime_secs: f64,
    /// From the start of migration until it completed, was aborted or the VM was lost.
    pub total_secs: f64,
    /// Everything sent over the network, in bytes (memory, re-sent pages, CPU state).
    pub total_bytes: f64,
    /// Time the VM ran slower than normal: throttled by auto-converge (pre-copy) or running
    /// on the destination before all memory arrived (post-copy).
    pub degraded_secs: f64,
    /// Post-copy demand faults (an expected count).
    pub faults: f64,
    /// Post-copy time the guest spent blocked on demand faults, in seconds.
    pub stall_secs: f64,
    /// Pre-copy live rounds (0 for the other methods).
    pub rounds: u32,
    /// Why pre-copy stopped iterating.
    pub stop: Option<StopCondition>,
    /// One sentence on how the migration ended and why.
    pub verdict: String,
}

/// Expected page counts by state, for a range of pages at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct PageCounts {
    /// Never sent: only the source has it.
    pub not_sent: f64,
    /// Sent, and the destination's copy is current.
    pub sent_clean: f64,
    /// Written since it was last sent, or queued for the next round: must be (re-)sent.
    pub dirty: f64,
    /// Pulled to the destination by a post-copy demand fault.
    pub faulted_in: f64,
}

impl PageCounts {
    /// Sum of all states.
    pub fn total(&self) -> f64 {
        self.not_sent + self.sent_clean + self.dirty + self.faulted_in
    }
}

/// The state of the migration at one moment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VmState {
    /// The moment, clamped to the timeline.
    pub t_secs: f64,
    /// The phase at that moment.
    pub phase: PhaseKind,
    /// The pre-copy round in progress, if any.
    pub round: Option<u32>,
    /// Which host holds the VM.
    pub location: VmLocation,
    /// Whether the guest executes.
    pub running: bool,
    /// Expected pages by state (they add up to the memory size).
    pub pages: PageCounts,
    /// Pages still to transfer before the destination has the whole VM (not sent + dirty).
    pub pages_remaining: f64,
    /// Memory pages put on the wire so far, re-sends included.
    pub pages_sent: f64,
    /// Bytes put on the wire so far (pages and CPU state).
    pub bytes_sent: f64,
    /// Post-copy demand faults so far.
    pub faults: f64,
    /// Auto-converge throttle at that moment, in percent.
    pub throttle_pct: u32,
}

/// The mode-specific trace behind a timeline.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Trace {
    /// Cold migration.
    Cold(ColdTrace),
    /// Pre-copy rounds.
    PreCopy(PreCopyTrace),
    /// Post-copy steps.
    PostCopy(PostCopyTrace),
}

/// What each mode's simulation hands back; fields as in [`MigrationTimeline`].
pub(super) struct ModeRun {
    pub phases: Vec<Phase>,
    pub bars: Vec<Bar>,
    pub network: Vec<NetSample>,
    pub events: Vec<Event>,
    pub summary: Summary,
    pub trace: Trace,
}

/// A simulated migration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MigrationTimeline {
    /// The method.
    pub mode: Mode,
    /// The scenario it was computed from (validated).
    pub params: Params,
    /// Contiguous phases from 0 to [`Self::end_secs`].
    pub phases: Vec<Phase>,
    /// Per-round data bars.
    pub bars: Vec<Bar>,
    /// Network use, contiguous while the link is busy.
    pub network: Vec<NetSample>,
    /// Named moments, in time order.
    pub events: Vec<Event>,
    /// Headline numbers.
    pub summary: Summary,
    /// End of the drawn timeline: the migration plus a short stretch after it.
    pub end_secs: f64,
    #[serde(skip)]
    pub(super) layout: PageLayout,
    #[serde(skip)]
    pub(super) trace: Trace,
}

/// Simulates one migration. Pure: the same inputs always give the same timeline.
pub fn simulate(params: &Params, mode: Mode) -> Result<MigrationTimeline, ParamError> {
    params.validate()?;
    let layout = PageLayout::new(params.memory_pages(), params.wss_pages(), params.seed);
    let run = match mode {
        Mode::Cold => super::cold::run(params),
        Mode::PreCopy => super::precopy::run(params, &layout),
        Mode::PostCopy => super::postcopy::run(params, &layout),
    };
    let end_secs = run.phases.last().map_or(0.0, |p| p.end_secs);
    Ok(MigrationTimeline {
        mode,
        params: params.clone(),
        phases: run.phases,
        bars: run.bars,
        network: run.network,
        events: run.events,
        summary: run.summary,
        end_secs,
        layout,
        trace: run.trace,
    })
}

/// The state at time `t` as a pure function of (params, mode, t).
pub fn state_at(params: &Params, mode: Mode, t_secs: f64) -> Result<VmState, ParamError> {
    Ok(simulate(params, mode)?.state_at(t_secs))
}

impl MigrationTimeline {
    /// The phase at `t` (clamped to the timeline; at a boundary, the later phase).
    // In range: `simulate` builds every timeline with at least its running phase, and the index
    // is clamped to the last phase.
    #[allow(clippy::indexing_slicing)]
    pub fn phase_at(&self, t_secs: f64) -> &Phase {
        let t = self.clamp(t_secs);
        let i = self.phases.partition_point(|p| p.start_secs <= t);
        &self.phases[i.saturating_sub(1)]
    }

    /// The event with this slug.
    pub fn event(&self, slug: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.slug == slug)
    }

    /// The state at `t` (clamped to `[0, end_secs]`).
    pub fn state_at(&self, t_secs: f64) -> VmState {
        let t = self.clamp(t_secs);
        let phase = self.phase_at(t).clone();
        let progress = match &self.trace {
            Trace::Cold(trace) => trace.progress_at(&self.layout, t),
            Trace::PreCopy(trace) => trace.progress_at(&self.layout, t),
            Trace::PostCopy(trace) => trace.progress_at(t),
        };
        VmState {
            t_secs: t,
            phase: phase.kind,
            round: phase.round,
            location: phase.location,
            running: phase.kind.running(),
            pages_remaining: progress.pages.not_sent + progress.pages.dirty,
            pages: progress.pages,
            pages_sent: progress.pages_sent,
            bytes_sent: progress.bytes_sent,
            faults: progress.pages.faulted_in,
            throttle_pct: progress.throttle_pct,
        }
    }

    /// A view of the pages at `t` that answers page-range queries cheaply (the page grid).
    pub(super) fn sampler(&self, t_secs: f64) -> Sampler<'_> {
        let t = self.clamp(t_secs);
        let snapshot = match &self.trace {
            Trace::Cold(trace) => Snapshot::Cold(trace.frontier_at(t)),
            Trace::PreCopy(trace) => Snapshot::PreCopy(trace.snapshot(&self.layout, t)),
            Trace::PostCopy(trace) => Snapshot::PostCopy(trace, trace.snapshot(t)),
        };
        Sampler {
            layout: &self.layout,
            snapshot,
        }
    }

    fn clamp(&self, t_secs: f64) -> f64 {
        if t_secs.is_nan() {
            0.0
        } else {
            t_secs.clamp(0.0, self.end_secs)
        }
    }
}

/// The per-mode state at one moment.
enum Snapshot<'a> {
    Cold(f64),
    PreCopy(PreCopySnapshot),
    PostCopy(&'a PostCopyTrace, Option<Step>),
}

/// Answers "how many pages of `[lo, hi)` are in each state" at one moment.
pub(super) struct Sampler<'a> {
    layout: &'a PageLayout,
    snapshot: Snapshot<'a>,
}

impl Sampler<'_> {
    /// Expected pages of `[lo, hi)`, which holds `hot_pages` hot pages, in each state.
    pub(super) fn part(&self, lo: u64, hi: u64, hot_pages: u64) -> PageCounts {
        let hot = hot_pages as f64;
        match &self.snapshot {
            Snapshot::Cold(frontier) => ColdTrace::part(*frontier, lo, hi),
            Snapshot::PreCopy(snapshot) => snapshot.part(self.layout, lo, hi, hot),
            Snapshot::PostCopy(trace, now) => trace.part(self.layout, now.as_ref(), lo, hi, hot),
        }
    }
}

/// Progress numbers a trace reports for [`MigrationTimeline::state_at`]; fields as in
/// [`VmState`].
pub(super) struct Progress {
    pub pages: PageCounts,
    pub pages_sent: f64,
    pub bytes_sent: f64,
    pub throttle_pct: u32,
}

/// Length of the stretch drawn after the migration ends, so the final phase is visible.
pub(super) fn tail_secs(migration_secs: f64) -> f64 {
    (0.1 * migration_secs).max(0.5)
}

/// Bytes of `pages` memory pages.
pub(super) fn page_bytes(pages: f64) -> f64 {
    pages * PAGE_SIZE_BYTES as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_cover_the_timeline_without_gaps_in_every_mode() {
        let params = Params::default();
        for mode in Mode::ALL {
            let tl = simulate(&params, *mode).unwrap();
            assert_eq!(tl.phases[0].start_secs, 0.0);
            for pair in tl.phases.windows(2) {
                assert_eq!(pair[0].end_secs, pair[1].start_secs, "{mode:?}");
            }
            assert_eq!(tl.phases.last().unwrap().end_secs, tl.end_secs);
            for event in &tl.events {
                assert!(event.at_secs >= 0.0 && event.at_secs <= tl.end_secs);
                assert_eq!(tl.events.iter().filter(|e| e.slug == event.slug).count(), 1);
            }
            assert!(tl.events.windows(2).all(|w| w[0].at_secs <= w[1].at_secs));
        }
    }

    #[test]
    fn phase_at_picks_the_phase_containing_t() {
        let tl = simulate(&Params::default(), Mode::PreCopy).unwrap();
        assert_eq!(tl.phase_at(-5.0).kind, PhaseKind::PreCopyRound);
        assert_eq!(tl.phase_at(1.0).round, Some(0));
        assert_eq!(tl.phase_at(33.0).round, Some(1));
        assert_eq!(tl.phase_at(1e9).kind, PhaseKind::RunningOnDestination);
    }
}
