//! What a stepped diagram's preset says about itself (architecture, immutable, microservices),
//! so that one scene type (`scene/stepped.rs`), one link reader (`link.rs`) and one preset picker
//! serve all three.

use super::View;

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
