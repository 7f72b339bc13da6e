//! The Overview's data-centre views as the tab holds them: the power model for the link's
//! parameters and the consolidation story, each with its steps (links: [`super::link`]).
//!
//! - `overview/power?servers=N&util_pct=P&cooling=C&loss_pct=L&fixed_kw=F&step=before|consolidated|right-sized`:
//!   PUE computed from the facility's parts, before and after consolidation ([`power`]).
//! - `overview/consolidation?step=<slug>`: server consolidation and the benefits of
//!   virtualization as the model's outcomes ([`consolidation`]).
//!
//! A power link prints only the keys that differ from the defaults, in a fixed order.

use super::link::{CONSOLIDATION_VIEW, DEFAULT_FLEET, POWER_VIEW, TAB, parse_power, print_power};
use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::apply_position;
use crate::tabs::migration::model::cluster::ClusterError;
use crate::tabs::overview::model::consolidation::{self, Consolidation};
use crate::tabs::overview::model::power::{self, Facility, Fleet, PowerModel, PowerStage};
use crate::timeline::Timeline;

/// The power view's state.
pub struct PowerScene {
    /// The model for the current parameters.
    pub model: PowerModel,
    /// One mark per stage.
    pub timeline: Timeline,
}

fn stage_marks() -> Vec<(String, String)> {
    PowerStage::ALL
        .iter()
        .map(|stage| (stage.slug().to_owned(), stage.title().to_owned()))
        .collect()
}

impl Default for PowerScene {
    fn default() -> Self {
        Self {
            model: PowerModel::new(DEFAULT_FLEET, Facility::default()),
            timeline: Timeline::steps(stage_marks()),
        }
    }
}

impl PowerScene {
    /// Reads `link` (the keys above and `step`); errors name the bad key or value.
    pub fn from_link(link: &SceneLink) -> Result<Self, LinkError> {
        let (fleet, facility) = parse_power(link)?;
        let mut timeline = Timeline::steps(stage_marks());
        apply_position(link, &mut timeline)?;
        Ok(Self {
            model: PowerModel::new(fleet, facility),
            timeline,
        })
    }

    /// Changes the parameters (the sliders), keeping the step.
    pub fn set_params(&mut self, fleet: Fleet, facility: Facility) {
        self.model = PowerModel::new(fleet, facility);
    }

    /// The canonical link: the keys that differ from the defaults, then the step.
    pub fn link(&self) -> SceneLink {
        print_power(&self.model.fleet, &self.model.facility).with("step", self.timeline.step())
    }

    /// The stage shown.
    pub fn stage(&self) -> PowerStage {
        let [.., last] = PowerStage::ALL;
        PowerStage::ALL
            .get(self.timeline.step())
            .copied()
            .unwrap_or(last)
    }

    /// The default parameters at every stage.
    pub fn scenes() -> Vec<SceneLink> {
        (0..PowerStage::ALL.len())
            .map(|step| SceneLink::view(TAB, POWER_VIEW).with("step", step))
            .collect()
    }
}

/// The consolidation view's state: the story (computed once) and its steps.
pub struct ConsolidationScene {
    /// The model's story, or why it could not be computed (the canvas then says why).
    pub story: Result<Consolidation, ClusterError>,
    /// One mark per step (none when there is no story).
    pub timeline: Timeline,
}

impl Default for ConsolidationScene {
    fn default() -> Self {
        let story = consolidation::consolidation();
        let marks = story.as_ref().map_or_else(
            |_| Vec::new(),
            |story| {
                story
                    .steps
                    .iter()
                    .map(|step| (step.slug.to_owned(), step.caption.clone()))
                    .collect()
            },
        );
        Self {
            story,
            timeline: Timeline::steps(marks),
        }
    }
}

impl ConsolidationScene {
    /// Moves to the link's step (the only key); the story itself never changes.
    pub fn open(&mut self, link: &SceneLink) -> Result<(), LinkError> {
        check_keys(link, &["step"])?;
        let mut timeline = Timeline::steps(
            self.timeline
                .marks()
                .iter()
                .map(|mark| (mark.slug.clone(), mark.label.clone()))
                .collect(),
        );
        apply_position(link, &mut timeline)?;
        self.timeline.seek(timeline.position());
        self.timeline.pause();
        Ok(())
    }

    /// The canonical link.
    pub fn link(&self) -> SceneLink {
        SceneLink::view(TAB, CONSOLIDATION_VIEW).with("step", self.timeline.step())
    }

    /// The step shown.
    pub fn current(&self) -> Option<&consolidation::ConsolidationStep> {
        self.story.as_ref().ok()?.steps.get(self.timeline.step())
    }

    /// Every step.
    pub fn scenes() -> Vec<SceneLink> {
        (0..consolidation::STEPS.len())
            .map(|step| SceneLink::view(TAB, CONSOLIDATION_VIEW).with("step", step))
            .collect()
    }
}

/// The sources line of the power view.
pub fn power_sources() -> String {
    format!("Sources: {}", power::SOURCES.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn power_links_print_only_changed_keys_and_round_trip() {
        let scene = PowerScene::from_link(&SceneLink::parse("overview/power").unwrap()).unwrap();
        assert_eq!(scene.link().to_string(), "overview/power?step=0");
        let text =
            "overview/power?servers=200&util_pct=30&cooling=0.5&loss_pct=8&fixed_kw=12.5&step=2";
        let scene = PowerScene::from_link(&SceneLink::parse(text).unwrap()).unwrap();
        assert_eq!(scene.link().to_string(), text);
        assert_eq!(scene.stage(), PowerStage::RightSized);
        let slug =
            PowerScene::from_link(&SceneLink::parse("overview/power?step=consolidated").unwrap())
                .unwrap();
        assert_eq!(slug.stage(), PowerStage::Consolidated);
        for (bad, named) in [
            ("overview/power?util_pct=0", "util_pct"),
            ("overview/power?cooling=x", "cooling"),
            ("overview/power?watts=1", "watts"),
            ("overview/power?step=9", "step"),
        ] {
            let err = PowerScene::from_link(&SceneLink::parse(bad).unwrap())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(named), "{bad}: {err}");
        }
    }

    #[test]
    fn consolidation_links_name_their_steps() {
        let mut scene = ConsolidationScene::default();
        scene
            .open(&SceneLink::parse("overview/consolidation?step=isolation").unwrap())
            .unwrap();
        assert_eq!(scene.link().to_string(), "overview/consolidation?step=6");
        assert_eq!(scene.current().map(|s| s.slug), Some("isolation"));
        assert!(
            scene
                .open(&SceneLink::parse("overview/consolidation?select=x").unwrap())
                .is_err()
        );
    }
}
