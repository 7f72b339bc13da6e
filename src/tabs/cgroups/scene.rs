//! A scene computed once per change of its key: every step with its state, the outline of the
//! step on screen (rebuilt only when the step changes), and the resource simulation (run the first
//! time the simulation view needs it). Nothing here is recomputed per frame.

use crate::tabs::cgroups::link::SceneKey;
use crate::tabs::cgroups::model::sim::SimError;
use crate::tabs::cgroups::model::{Scene, SceneTrace, SimTrace};
use crate::tabs::cgroups::view::charts::ChartData;
use crate::tabs::cgroups::view::outline::Outline;
use crate::timeline::{Mark, Timeline};

/// The simulation of a scene and the chart series drawn from it.
pub struct SimView {
    /// The run.
    pub trace: SimTrace,
    /// Its series, limits and events, ready for the plots.
    pub charts: ChartData,
}

/// A scene and everything derived from it.
pub struct Loaded {
    /// What the scene was built from.
    pub key: SceneKey,
    /// The scene.
    pub scene: Scene,
    /// All of its steps.
    pub trace: SceneTrace,
    /// Changes whenever the key changes, so that caches and plot ids keyed on it start afresh.
    pub generation: u64,
    sim: Option<Result<SimView, SimError>>,
    outline: Option<(usize, Outline)>,
}

impl Loaded {
    /// Builds the scene of `key` and runs its steps.
    pub fn new(key: SceneKey, generation: u64) -> Self {
        let scene = key.scene();
        let trace = scene.trace();
        Self {
            key,
            scene,
            trace,
            generation,
            sim: None,
            outline: None,
        }
    }

    /// The number of steps (the start included).
    pub fn step_count(&self) -> usize {
        self.trace.steps().len()
    }

    /// The step timeline of the structure view.
    pub fn step_timeline(&self) -> Timeline {
        Timeline::steps(self.trace.marks())
    }

    /// Runs the simulation if it has not run yet; returns it or why it cannot run.
    pub fn sim(&mut self) -> Result<&SimView, &SimError> {
        let (scene, steps) = (&self.scene, &self.trace);
        self.sim
            .get_or_insert_with(|| {
                scene.simulate().map(|trace| SimView {
                    charts: ChartData::new(&trace, steps.final_state()),
                    trace,
                })
            })
            .as_ref()
    }

    /// The seconds timeline of the simulation view (runs the simulation if needed).
    pub fn sim_timeline(&mut self) -> Result<Timeline, SimError> {
        let view = self.sim().map_err(Clone::clone)?;
        let config = view.trace.config();
        let end_secs = config.duration_secs();
        let marks = view
            .trace
            .marks()
            .iter()
            .map(|mark| Mark::new(mark.at_secs, mark.slug.clone(), mark.label.clone()))
            .collect();
        Ok(Timeline::seconds(
            end_secs,
            marks,
            end_secs.clamp(6.0, 12.0),
        ))
    }

    /// The outline of step `step`, built once per step.
    pub fn outline(&mut self, step: usize) -> &Outline {
        let step = step.min(self.step_count().saturating_sub(1));
        if self.outline.as_ref().is_some_and(|(at, _)| *at != step) {
            self.outline = None;
        }
        let trace = &self.trace;
        let (_, outline) = self
            .outline
            .get_or_insert_with(|| (step, Outline::new(trace.state(step))));
        outline
    }
}
