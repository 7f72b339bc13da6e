//! What each view of the Containers tab shows, held between frames: the scene a link loads.
//!
//! Traces are replayed and steps computed once when a scene is built, never per frame; nothing
//! here draws (the `view` module does) and the models live in `model/` and `docker/`.

pub(crate) mod cli;
pub(crate) mod layers;
pub(crate) mod service_models;
pub(crate) mod stepped;
pub(crate) mod terminal;

use crate::tabs::containers::docker::CliTrace;
use crate::timeline::Timeline;

/// The timeline over a replayed trace's steps: `timeline` when it has one mark per step (the
/// position a link asked for), else a fresh one at the start.
pub(crate) fn trace_timeline(trace: &CliTrace, timeline: Timeline) -> Timeline {
    if timeline.marks().len() == trace.steps.len() {
        timeline
    } else {
        Timeline::steps(trace_marks(trace))
    }
}

/// Each step of a replayed trace as a timeline mark: (slug, label).
pub(crate) fn trace_marks(trace: &CliTrace) -> Vec<(String, String)> {
    trace
        .steps
        .iter()
        .map(|step| (step.slug.clone(), step.label.clone()))
        .collect()
}

/// A long link value shortened to `max_chars` characters and an ellipsis, for an error message.
pub(crate) fn abbreviate(value: &str, max_chars: usize) -> String {
    if value.chars().count() <= max_chars {
        value.to_owned()
    } else {
        format!("{}…", value.chars().take(max_chars).collect::<String>())
    }
}
