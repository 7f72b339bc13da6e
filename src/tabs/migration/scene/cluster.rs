//! The cluster view's scene: why VMs are migrated, one preset per use case.
//!
//! Links: `migration/cluster?preset=load-balancing|maintenance|failing-hardware&step=N|<slug>`.

use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::apply_position;
use crate::tabs::migration::link::TAB_ID;
use crate::tabs::migration::model::cluster::{self, ClusterStep, Reason};
use crate::timeline::Timeline;

/// The view's slug.
pub const CLUSTER_VIEW: &str = "cluster";

/// A preset and its position.
pub struct ClusterScene {
    /// The use case.
    pub reason: Reason,
    /// Its steps (each migration simulated once, when the preset is built).
    pub steps: Vec<ClusterStep>,
    /// One mark per step.
    pub timeline: Timeline,
    /// What each use case's preset achieves, in [`Reason::ALL`] order.
    pub outcomes: Vec<String>,
    /// Why the preset could not be simulated (then it has no steps and the canvas says why).
    pub error: Option<String>,
}

impl Default for ClusterScene {
    fn default() -> Self {
        Self::new(Reason::LoadBalancing)
            .unwrap_or_else(|err| Self::failed(Reason::LoadBalancing, &err))
    }
}

impl ClusterScene {
    fn new(reason: Reason) -> Result<Self, cluster::ClusterError> {
        let steps = cluster::steps(reason)?;
        let timeline = Timeline::steps(marks(&steps));
        let outcomes = Reason::ALL
            .iter()
            .map(|reason| cluster::outcome(*reason))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            reason,
            steps,
            timeline,
            outcomes,
            error: None,
        })
    }

    /// The preset for `reason` when the model could not simulate one of its migrations.
    fn failed(reason: Reason, err: &cluster::ClusterError) -> Self {
        Self {
            reason,
            steps: Vec::new(),
            timeline: Timeline::steps(Vec::new()),
            outcomes: Vec::new(),
            error: Some(format!(
                "The {} preset could not be simulated: {err}",
                reason.slug()
            )),
        }
    }

    /// Reads `preset` and `step`; errors name the bad key or value.
    pub fn from_link(link: &SceneLink) -> Result<Self, LinkError> {
        check_keys(link, &["preset", "step"])?;
        let reason = match link.get("preset") {
            None => Reason::LoadBalancing,
            Some(value) => Reason::from_slug(value).ok_or_else(|| LinkError::BadValue {
                key: "preset".to_owned(),
                value: value.to_owned(),
                reason: format!(
                    "expected one of {}",
                    Reason::ALL.map(Reason::slug).join(", ")
                ),
            })?,
        };
        let mut scene = Self::new(reason).map_err(|err| LinkError::BadValue {
            key: "preset".to_owned(),
            value: reason.slug().to_owned(),
            reason: err.to_string(),
        })?;
        apply_position(link, &mut scene.timeline)?;
        Ok(scene)
    }

    /// Shows another use case from its first step (or why it cannot be shown).
    pub fn set_reason(&mut self, reason: Reason) {
        *self = Self::new(reason).unwrap_or_else(|err| Self::failed(reason, &err));
    }

    /// The canonical link.
    pub fn link(&self) -> SceneLink {
        SceneLink::view(TAB_ID, CLUSTER_VIEW)
            .with("preset", self.reason.slug())
            .with("step", self.timeline.step())
    }

    /// The step shown.
    pub fn current(&self) -> Option<&ClusterStep> {
        self.steps.get(self.timeline.step())
    }

    /// Every preset at every step.
    pub fn scenes() -> Vec<SceneLink> {
        Reason::ALL
            .iter()
            .flat_map(|reason| {
                let count = cluster::steps(*reason).map_or(0, |steps| steps.len());
                (0..count).map(move |step| {
                    SceneLink::view(TAB_ID, CLUSTER_VIEW)
                        .with("preset", reason.slug())
                        .with("step", step)
                })
            })
            .collect()
    }
}

fn marks(steps: &[ClusterStep]) -> Vec<(String, String)> {
    steps
        .iter()
        .map(|step| (step.slug.clone(), step.caption.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_round_trip_and_name_bad_parts() {
        let link = SceneLink::parse("migration/cluster?preset=maintenance&step=empty").unwrap();
        let scene = ClusterScene::from_link(&link).unwrap();
        assert_eq!(scene.reason, Reason::Maintenance);
        assert_eq!(scene.current().map(|s| s.slug.as_str()), Some("empty"));
        let again = ClusterScene::from_link(&scene.link()).unwrap();
        assert_eq!(again.link(), scene.link());
        for (bad, named) in [
            ("migration/cluster?preset=nope", "preset"),
            ("migration/cluster?t=1", "t"),
            ("migration/cluster?step=99", "step"),
        ] {
            let err = ClusterScene::from_link(&SceneLink::parse(bad).unwrap())
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains(named), "{bad}: {err}");
        }
    }
}
