//! The monolith-versus-microservices view's scene: a preset and the step shown.
//!
//! Links: `containers/microservices?preset=monolith|microservices|scale-one|service-fails&step=N|<slug>`.

use super::{positioned_timeline, preset_param, step_links, view_link};
use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::containers::model::View;
use crate::tabs::containers::model::microservices::{MicroPreset, MicroStep};
use crate::timeline::Timeline;

/// The preset and its position.
pub struct MicroScene {
    /// Which preset.
    pub preset: MicroPreset,
    /// Its steps.
    pub steps: Vec<MicroStep>,
    /// One mark per step.
    pub timeline: Timeline,
}

impl Default for MicroScene {
    fn default() -> Self {
        let preset = MicroPreset::Monolith;
        let steps = preset.steps();
        let timeline = Timeline::steps(marks(&steps));
        Self {
            preset,
            steps,
            timeline,
        }
    }
}

impl MicroScene {
    /// Validates `link` (keys `preset`, `step`).
    pub fn from_link(link: &SceneLink) -> Result<Self, LinkError> {
        check_keys(link, &["preset", "step"])?;
        let preset = preset_param(
            link,
            MicroPreset::ALL,
            MicroPreset::slug,
            MicroPreset::Monolith,
        )?;
        let steps = preset.steps();
        let timeline = positioned_timeline(link, marks(&steps))?;
        Ok(Self {
            preset,
            steps,
            timeline,
        })
    }

    /// The canonical link, position included.
    pub fn link(&self) -> SceneLink {
        view_link(View::Microservices)
            .with("preset", self.preset.slug())
            .with("step", self.timeline.step())
    }

    /// Every preset at every step.
    pub fn scenes() -> Vec<SceneLink> {
        MicroPreset::ALL
            .iter()
            .flat_map(|preset| {
                let base = view_link(View::Microservices).with("preset", preset.slug());
                step_links(&base, preset.steps().len()).collect::<Vec<_>>()
            })
            .collect()
    }

    /// The step shown.
    pub fn current(&self) -> Option<&MicroStep> {
        self.steps.get(self.timeline.step())
    }
}

fn marks(steps: &[MicroStep]) -> Vec<(String, String)> {
    steps
        .iter()
        .map(|step| (step.slug.clone(), step.label.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip() {
        let link =
            SceneLink::parse("containers/microservices?preset=service-fails&step=service-fails")
                .unwrap();
        let scene = MicroScene::from_link(&link).unwrap();
        assert_eq!(
            scene.link().to_string(),
            "containers/microservices?preset=service-fails&step=1"
        );
        let err = MicroScene::from_link(
            &SceneLink::parse("containers/microservices?preset=monolith&step=hop-9").unwrap(),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("hop-9"), "{err}");
    }
}
