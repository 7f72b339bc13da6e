//! The architecture view's scene: one `docker run` sequence and the step being shown.
//!
//! Links: `containers/architecture?preset=docker-run-nginx|docker-run-cached&step=N|<slug>`.

use super::{positioned_timeline, preset_param, step_links, view_link};
use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::containers::model::View;
use crate::tabs::containers::model::architecture::{ArchitecturePreset, ArchitectureStep};
use crate::timeline::Timeline;

/// The sequence and its position.
pub struct ArchitectureScene {
    /// Which sequence.
    pub preset: ArchitecturePreset,
    /// Its messages, in order.
    pub steps: Vec<ArchitectureStep>,
    /// One mark per message.
    pub timeline: Timeline,
}

impl Default for ArchitectureScene {
    fn default() -> Self {
        Self::new(ArchitecturePreset::DockerRunNginx)
    }
}

impl ArchitectureScene {
    /// The sequence of `preset` at its first step.
    pub fn new(preset: ArchitecturePreset) -> Self {
        let steps = preset.steps();
        let timeline = Timeline::steps(marks(&steps));
        Self {
            preset,
            steps,
            timeline,
        }
    }

    /// Validates `link` (keys `preset`, `step`).
    pub fn from_link(link: &SceneLink) -> Result<Self, LinkError> {
        check_keys(link, &["preset", "step"])?;
        let preset = preset_param(
            link,
            ArchitecturePreset::ALL,
            ArchitecturePreset::slug,
            ArchitecturePreset::DockerRunNginx,
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
        Self::base(self.preset).with("step", self.timeline.step())
    }

    /// The message being shown.
    pub fn current(&self) -> Option<&ArchitectureStep> {
        self.steps.get(self.timeline.step())
    }

    /// Every preset at every step.
    pub fn scenes() -> Vec<SceneLink> {
        ArchitecturePreset::ALL
            .iter()
            .flat_map(|preset| {
                let base = Self::base(*preset);
                step_links(&base, preset.steps().len()).collect::<Vec<_>>()
            })
            .collect()
    }

    fn base(preset: ArchitecturePreset) -> SceneLink {
        view_link(View::Architecture).with("preset", preset.slug())
    }
}

fn marks(steps: &[ArchitectureStep]) -> Vec<(String, String)> {
    steps
        .iter()
        .map(|step| (step.slug.to_owned(), step.label.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: &str) -> Result<ArchitectureScene, LinkError> {
        ArchitectureScene::from_link(&SceneLink::parse(text).unwrap())
    }

    #[test]
    fn step_slugs_and_numbers_round_trip() {
        let scene =
            open("containers/architecture?preset=docker-run-nginx&step=namespaces").unwrap();
        assert_eq!(scene.current().map(|s| s.slug), Some("namespaces"));
        assert_eq!(
            scene.link().to_string(),
            "containers/architecture?preset=docker-run-nginx&step=7"
        );
        let scene = open("containers/architecture").unwrap();
        assert_eq!(
            scene.link().to_string(),
            "containers/architecture?preset=docker-run-nginx&step=0"
        );
    }

    #[test]
    fn the_cached_run_has_no_pull_step() {
        let err = open("containers/architecture?preset=docker-run-cached&step=pull")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("\"pull\""), "{err}");
        assert!(err.contains("image-lookup, create"), "{err}");
        let err = open("containers/architecture?preset=docker-run-ubuntu")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("docker-run-nginx, docker-run-cached"), "{err}");
        let err = open("containers/architecture?select=dockerd")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("unknown key \"select\""), "{err}");
    }
}
