//! The simulated timelines of the current scene, computed once per parameter change.
//!
//! Everything the view draws at a position `t` is read from here (plus the cheap page-grid
//! sample), so moving the timeline never re-simulates.

use crate::tabs::migration::link::{Scene, View, short_title};
use crate::tabs::migration::model::{Comparison, MigrationTimeline, Mode, ParamError, simulate};
use crate::tabs::migration::view::chart::LaneChart;
use crate::timeline::{Mark, Timeline};

/// Real seconds the whole timeline takes to play at 1x.
pub const PLAYBACK_SECS: f64 = 10.0;

/// The timelines of one scene and what the view derives from them.
pub struct Simulation {
    /// One timeline per method shown: one for a method view, three (in [`Mode::ALL`] order)
    /// for the comparison.
    pub timelines: Vec<MigrationTimeline>,
    /// The lanes, blocks and labels of the timeline chart.
    pub chart: LaneChart,
    /// The end of the drawn range, in seconds.
    pub end_secs: f64,
    /// The named moments: the model's events (prefixed by method in the comparison).
    pub marks: Vec<Mark>,
    /// Whether the scene shows only what has happened up to the position (`hide=future`):
    /// its timeline then hides the marks ahead and the end.
    pub hide_future: bool,
}

impl Simulation {
    /// Simulates what `scene` shows.
    pub fn run(scene: &Scene) -> Result<Self, ParamError> {
        let (timelines, marks, chart) = match scene.view {
            View::Method(mode) => {
                let timeline = simulate(&scene.params, mode)?;
                let marks = timeline
                    .events
                    .iter()
                    .map(|e| Mark::new(e.at_secs, e.slug.clone(), e.label.clone()))
                    .collect();
                let chart = LaneChart::method(&timeline);
                (vec![timeline], marks, chart)
            }
            View::Compare => {
                let timelines = Mode::ALL
                    .iter()
                    .map(|mode| simulate(&scene.params, *mode))
                    .collect::<Result<Vec<_>, _>>()?;
                let marks = timelines
                    .iter()
                    .flat_map(|tl| {
                        tl.events.iter().map(|e| {
                            Mark::new(
                                e.at_secs,
                                format!("{}-{}", tl.mode.slug(), e.slug),
                                format!("{}: {}", short_title(tl.mode), e.label),
                            )
                        })
                    })
                    .collect();
                let chart = LaneChart::compare(&timelines);
                (timelines, marks, chart)
            }
        };
        let end_secs = timelines.iter().map(|tl| tl.end_secs).fold(0.0, f64::max);
        Ok(Self {
            timelines,
            chart,
            end_secs,
            marks,
            hide_future: scene.hide_future,
        })
    }

    /// No timelines: what a tab shows while its scene cannot be simulated (it draws nothing).
    pub fn empty() -> Self {
        Self {
            timelines: Vec::new(),
            chart: LaneChart::compare(&[]),
            end_secs: 0.0,
            marks: Vec::new(),
            hide_future: false,
        }
    }

    /// A fresh playback timeline over this simulation.
    pub fn timeline(&self) -> Timeline {
        let mut timeline = Timeline::seconds(self.end_secs, self.marks.clone(), PLAYBACK_SECS);
        timeline.set_ahead_hidden(self.hide_future);
        timeline
    }

    /// The three summaries of a comparison (`None` for a method view).
    pub fn comparison(&self) -> Option<Comparison> {
        match self.timelines.as_slice() {
            [cold, pre_copy, post_copy] => Some(Comparison {
                cold: cold.summary.clone(),
                pre_copy: pre_copy.summary.clone(),
                post_copy: post_copy.summary.clone(),
            }),
            _ => None,
        }
    }

    /// The positions worth a scene link: the start and every event, each printed to the
    /// millisecond (rounded down so it stays inside the timeline), without duplicates.
    pub fn scene_times(&self) -> Vec<String> {
        let mut times = vec![crate::timeline::format_secs(0.0)];
        // Rounds after the first two look alike (each a little smaller): the outcome events
        // (converged or limit hit, stop-and-copy, resume, faults, loss) are the moments to list.
        let is_later_round = |slug: &str| {
            slug.strip_prefix("round-")
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| n >= 2)
        };
        for mark in self.marks.iter().filter(|mark| !is_later_round(&mark.slug)) {
            let t = ((mark.at * 1000.0).floor() / 1000.0).clamp(0.0, self.end_secs);
            let text = crate::timeline::format_secs(t);
            if !times.contains(&text) {
                times.push(text);
            }
        }
        times
    }
}
