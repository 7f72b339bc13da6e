//! Each migration method as a list of steps, and which step a timeline is at.
//!
//! The steps are the published ones: pre-copy's stages follow Clark et al. (NSDI 2005, section 3:
//! pre-migration, reservation, iterative pre-copy, stop-and-copy, commitment, activation);
//! post-copy's follow Hines and Gopalan (VEE 2009: suspend at the source, transfer the CPU and
//! device state, resume at the target, then fetch memory by demand paging and active push). The
//! step a moment belongs to is read from the timeline's phase at that moment, so scrubbing moves
//! the marker with the model.

use super::{MigrationTimeline, Mode, Outcome, PhaseKind};

/// Where a step stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    /// Finished.
    Done,
    /// Happening now.
    Now,
    /// Still to come.
    Next,
    /// Never finished: the migration failed here.
    Failed,
}

impl StepState {
    /// The mark drawn before the step (shape, not colour alone).
    pub fn mark(self) -> &'static str {
        match self {
            Self::Done => "✔",
            Self::Now => "▶",
            Self::Next => "○",
            Self::Failed => "✖",
        }
    }
}

/// The steps of `mode`, in order.
pub fn method_steps(mode: Mode) -> &'static [&'static str] {
    match mode {
        Mode::Cold => &[
            "Suspend the VM on host A",
            "Copy its memory and state to host B",
            "Resume it on host B",
        ],
        Mode::PreCopy => &[
            "Select the target host B",
            "Reserve the VM's resources on B",
            "Iterative pre-copy",
            "Stop and copy",
            "Commit: release the VM on A",
            "Activate: start the VM on B",
        ],
        Mode::PostCopy => &[
            "Select and prepare host B",
            "Suspend the VM on host A",
            "Transfer CPU and device state",
            "Resume the VM on host B",
            "Fetch pages on demand, push the rest",
        ],
    }
}

/// The index of the step under way during `kind` (steps before it are done), or `None` once
/// every step is done.
fn current_step(mode: Mode, kind: PhaseKind) -> Option<usize> {
    match (mode, kind) {
        (_, PhaseKind::RunningOnDestination) => None,
        (Mode::Cold, PhaseKind::Suspended) => Some(1),
        (Mode::Cold, PhaseKind::Resuming) => Some(2),
        (Mode::PreCopy, PhaseKind::PreCopyRound) => Some(2),
        (Mode::PreCopy, PhaseKind::StopAndCopy) => Some(3),
        // Host B holds a consistent copy: A lets go, B starts the VM.
        (Mode::PreCopy, PhaseKind::Resuming) => Some(5),
        (Mode::PostCopy, PhaseKind::Suspended) => Some(2),
        (Mode::PostCopy, PhaseKind::Resuming) => Some(3),
        (Mode::PostCopy, PhaseKind::RunningDegraded | PhaseKind::Lost) => Some(4),
        (_, _) => Some(0),
    }
}

/// Each step's state at `t_secs`.
pub fn step_states(timeline: &MigrationTimeline, t_secs: f64) -> Vec<StepState> {
    let mode = timeline.mode;
    let count = method_steps(mode).len();
    let phase = timeline.phase_at(t_secs).kind;
    let at_end = t_secs >= timeline.end_secs - 1e-9;
    // A pre-copy whose destination failed keeps the VM on the source: it never got past the copy.
    let aborted =
        timeline.summary.outcome == Outcome::Aborted && phase == PhaseKind::RunningOnSource;
    // A pre-copy that never converges is still iterating after the rounds the chart shows
    // (QEMU has no round or data cap): the VM runs on at the source, in step 3.
    let iterating = timeline.summary.outcome == Outcome::NotConverged
        && mode == Mode::PreCopy
        && phase == PhaseKind::RunningOnSource;
    let current = if aborted {
        Some(if mode == Mode::PreCopy { 2 } else { 1 })
    } else if iterating {
        Some(2)
    } else {
        current_step(mode, phase)
    };
    (0..count)
        .map(|index| match current {
            None => StepState::Done,
            Some(now) if index < now => StepState::Done,
            Some(now) if index == now => {
                if (phase == PhaseKind::Lost || aborted) && at_end {
                    StepState::Failed
                } else {
                    StepState::Now
                }
            }
            Some(_) => StepState::Next,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{Preset, simulate};
    use super::*;

    fn states_at(mode: Mode, preset: Preset, t: f64) -> Vec<StepState> {
        let timeline = simulate(&preset.params(), mode).unwrap();
        step_states(&timeline, t)
    }

    #[test]
    fn pre_copy_walks_clark_s_six_stages() {
        let timeline = simulate(&Preset::WorkedExample.params(), Mode::PreCopy).unwrap();
        assert_eq!(method_steps(Mode::PreCopy).len(), 6);
        use StepState::{Done, Next, Now};
        assert_eq!(
            step_states(&timeline, 0.0),
            [Done, Done, Now, Next, Next, Next],
            "the rounds start at once"
        );
        let stop = timeline.event("stop-and-copy").unwrap().at_secs;
        assert_eq!(step_states(&timeline, stop)[3], Now);
        assert!(
            step_states(&timeline, timeline.end_secs)
                .iter()
                .all(|s| *s == Done)
        );
    }

    /// Post-copy (Hines and Gopalan 2009): the VM resumes on B before its memory arrives, so the
    /// page-fetching step comes after the resume.
    #[test]
    fn post_copy_resumes_before_its_memory_arrives() {
        let timeline = simulate(&Preset::WorkedExample.params(), Mode::PostCopy).unwrap();
        let resume = timeline.event("resume").unwrap().at_secs;
        let after = step_states(&timeline, resume + 1.0);
        assert_eq!(after[3], StepState::Done);
        assert_eq!(after[4], StepState::Now);
        assert_eq!(
            states_at(Mode::PostCopy, Preset::WorkedExample, 0.0)[1],
            StepState::Done
        );
    }

    #[test]
    fn a_pre_copy_that_never_converges_stays_in_its_rounds() {
        let timeline = simulate(&Preset::Adversarial.params(), Mode::PreCopy).unwrap();
        assert_eq!(timeline.summary.outcome, Outcome::NotConverged);
        use StepState::{Done, Next, Now};
        for t in [0.0, timeline.end_secs] {
            assert_eq!(
                step_states(&timeline, t),
                [Done, Done, Now, Next, Next, Next],
                "at {t} s"
            );
        }
    }

    #[test]
    fn a_lost_post_copy_fails_on_its_last_step() {
        let mut params = Preset::WorkedExample.params();
        params.dest_fails = true;
        let timeline = simulate(&params, Mode::PostCopy).unwrap();
        let end = step_states(&timeline, timeline.end_secs);
        assert_eq!(end.last(), Some(&StepState::Failed));
    }
}
