//! One scene for the three stepped diagrams (architecture, immutable, microservices): a preset,
//! its steps computed once when the scene is built, and a step timeline with one mark per step.
//!
//! Each diagram's preset enum says what its steps are through [`SteppedPreset`]; the links
//! (`containers/<view>?preset=<slug>&step=N|<slug>`) are read and printed in `link.rs`, and the
//! preset picker is one function in the views.

use super::View;
use crate::timeline::Timeline;

/// A diagram preset whose scene is a list of steps.
pub trait SteppedPreset: Copy + PartialEq + 'static {
    /// One step of the diagram.
    type Step;
    /// The view that shows it.
    const VIEW: View;
    /// The preset a link without `preset=` opens.
    const DEFAULT: Self;
    /// Every preset, in picker order.
    fn presets() -> &'static [Self];
    /// Its `preset=` slug.
    fn preset_slug(self) -> &'static str;
    /// Its name in the picker and the caption.
    fn preset_title(self) -> &'static str;
    /// Runs the preset.
    fn run(self) -> Vec<Self::Step>;
    /// A step's timeline mark: (slug, label).
    fn mark(step: &Self::Step) -> (String, String);
}

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
