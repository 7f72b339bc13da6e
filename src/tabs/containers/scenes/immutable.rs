//! The immutable-infrastructure view's scene: a fleet scenario and the step shown.
//!
//! Links: `containers/immutable?preset=replace-fleet|patch-in-place|autoscale&step=N|<slug>`.

use super::{positioned_timeline, preset_param, step_links, view_link};
use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::containers::model::View;
use crate::tabs::containers::model::immutable::{FleetParams, FleetStep, ImmutablePreset};
use crate::timeline::Timeline;

/// The scenario and its position.
pub struct ImmutableScene {
    /// Which scenario.
    pub preset: ImmutablePreset,
    /// The model's assumptions.
    pub params: FleetParams,
    /// The fleet after each step.
    pub steps: Vec<FleetStep>,
    /// Configuration fingerprints in order of first appearance (config A, B, ...).
    pub configurations: Vec<String>,
    /// One mark per step.
    pub timeline: Timeline,
}

impl Default for ImmutableScene {
    fn default() -> Self {
        let params = FleetParams::default();
        let preset = ImmutablePreset::ReplaceFleet;
        let steps = preset.steps(&params);
        let timeline = Timeline::steps(marks(&steps));
        Self::new(preset, params, steps, timeline)
    }
}

impl ImmutableScene {
    fn new(
        preset: ImmutablePreset,
        params: FleetParams,
        steps: Vec<FleetStep>,
        timeline: Timeline,
    ) -> Self {
        let mut configurations: Vec<String> = Vec::new();
        for server in steps.iter().flat_map(|step| &step.servers) {
            let print = server.fingerprint();
            if !configurations.contains(&print) {
                configurations.push(print);
            }
        }
        Self {
            preset,
            params,
            steps,
            configurations,
            timeline,
        }
    }

    /// Validates `link` (keys `preset`, `step`).
    pub fn from_link(link: &SceneLink) -> Result<Self, LinkError> {
        check_keys(link, &["preset", "step"])?;
        let preset = preset_param(
            link,
            ImmutablePreset::ALL,
            ImmutablePreset::slug,
            ImmutablePreset::ReplaceFleet,
        )?;
        let params = FleetParams::default();
        let steps = preset.steps(&params);
        let timeline = positioned_timeline(link, marks(&steps))?;
        Ok(Self::new(preset, params, steps, timeline))
    }

    /// The canonical link, position included.
    pub fn link(&self) -> SceneLink {
        view_link(View::Immutable)
            .with("preset", self.preset.slug())
            .with("step", self.timeline.step())
    }

    /// Every preset at every step.
    pub fn scenes() -> Vec<SceneLink> {
        let params = FleetParams::default();
        ImmutablePreset::ALL
            .iter()
            .flat_map(|preset| {
                let base = view_link(View::Immutable).with("preset", preset.slug());
                step_links(&base, preset.steps(&params).len()).collect::<Vec<_>>()
            })
            .collect()
    }

    /// The step shown.
    pub fn current(&self) -> Option<&FleetStep> {
        self.steps.get(self.timeline.step())
    }

    /// "A", "B", ... for a server's configuration.
    pub fn configuration_letter(&self, fingerprint: &str) -> (usize, char) {
        let index = self
            .configurations
            .iter()
            .position(|print| print == fingerprint)
            .unwrap_or(0);
        (index, char::from(b'A' + (index % 26) as u8))
    }
}

fn marks(steps: &[FleetStep]) -> Vec<(String, String)> {
    steps
        .iter()
        .map(|step| (step.slug.clone(), step.label.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip_and_configurations_are_lettered_in_order() {
        let link =
            SceneLink::parse("containers/immutable?preset=patch-in-place&step=drift").unwrap();
        let scene = ImmutableScene::from_link(&link).unwrap();
        let step = scene.timeline.step();
        assert_eq!(scene.current().unwrap().slug, "drift");
        assert_eq!(
            scene.link().to_string(),
            format!("containers/immutable?preset=patch-in-place&step={step}")
        );
        let first = &scene.steps[0].servers[0];
        assert_eq!(scene.configuration_letter(&first.fingerprint()), (0, 'A'));
        assert!(scene.configurations.len() >= 4);
        let err = ImmutableScene::from_link(
            &SceneLink::parse("containers/immutable?preset=blue-green").unwrap(),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(
            err.contains("replace-fleet, patch-in-place, autoscale"),
            "{err}"
        );
    }
}
