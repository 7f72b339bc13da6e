//! One scene for the three stepped diagrams (architecture, immutable, microservices): a preset,
//! its steps computed once when the scene is built, and a step timeline with one mark per step.
//!
//! Each diagram's preset enum says what its steps are through [`SteppedPreset`]; the links
//! (`containers/<view>?preset=<slug>&step=N|<slug>`) are read and printed in `link.rs`, and the
//! preset picker is one function in the views.

pub(crate) use crate::tabs::containers::model::stepped::SteppedPreset;
use crate::timeline::Timeline;

/// A preset, its steps and the step shown.
pub struct PresetScene<P: SteppedPreset> {
    /// Which preset.
    pub preset: P,
    /// Its steps, in order.
    pub steps: Vec<P::Step>,
    /// One mark per step.
    pub timeline: Timeline,
}

impl<P: SteppedPreset> Default for PresetScene<P> {
    fn default() -> Self {
        Self::new(P::DEFAULT)
    }
}

impl<P: SteppedPreset> PresetScene<P> {
    /// `preset` at its first step.
    pub fn new(preset: P) -> Self {
        let steps = preset.run();
        let timeline = Timeline::steps(marks::<P>(&steps));
        Self {
            preset,
            steps,
            timeline,
        }
    }

    /// The step shown.
    pub fn current(&self) -> Option<&P::Step> {
        self.steps.get(self.timeline.step())
    }
}

/// The timeline marks of `steps`.
pub fn marks<P: SteppedPreset>(steps: &[P::Step]) -> Vec<(String, String)> {
    steps.iter().map(P::mark).collect()
}
