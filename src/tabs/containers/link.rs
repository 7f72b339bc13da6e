//! The Containers tab's scene links: what every view's links share, and the stepped diagrams'.
//!
//! Each view's scene (in `scene/`) is built from a link (`from_link` validates every key and value
//! and names the bad one) and printed back to one (`link`). What a view draws is a pure function of
//! its scene and the timeline position: traces are replayed once when the scene is built, never per
//! frame.
//!
//! Links: `containers/<view>?preset=<slug>&step=N|<slug>` for the architecture, immutable and
//! microservices diagrams (read here for all three); the CLI, layers and service-models scenes
//! read their own keys (`scene/cli.rs`, `scene/layers.rs`, `scene/service_models.rs`).

use super::scene::stepped::{PresetScene, SteppedPreset, marks};
use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::apply_position;
use crate::timeline::Timeline;

/// The tab id, the prefix of every link here.
pub const TAB_ID: &str = "containers";

/// `containers/<view>`.
pub fn view_link(view: super::model::View) -> SceneLink {
    SceneLink::view(TAB_ID, view.slug())
}

/// Reads `preset=` among `all` (by `slug`), or `default` when absent; the error lists the choices.
pub fn preset_param<T: Copy>(
    link: &SceneLink,
    all: &[T],
    slug: fn(T) -> &'static str,
    default: T,
) -> Result<T, LinkError> {
    let Some(value) = link.get("preset") else {
        return Ok(default);
    };
    all.iter()
        .copied()
        .find(|preset| slug(*preset) == value)
        .ok_or_else(|| LinkError::BadValue {
            key: "preset".to_owned(),
            value: value.to_owned(),
            reason: format!(
                "expected one of {}",
                all.iter()
                    .map(|preset| slug(*preset))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// A paused step timeline over `(slug, label)` pairs, positioned by the link's `step=`.
pub fn positioned_timeline(
    link: &SceneLink,
    steps: Vec<(String, String)>,
) -> Result<Timeline, LinkError> {
    let mut timeline = Timeline::steps(steps);
    apply_position(link, &mut timeline)?;
    Ok(timeline)
}

/// Every step of a timeline as links: `base&step=N`.
pub fn step_links(base: &SceneLink, count: usize) -> impl Iterator<Item = SceneLink> + '_ {
    (0..count.max(1)).map(move |step| base.clone().with("step", step))
}

impl<P: SteppedPreset> PresetScene<P> {
    /// Validates `link` (keys `preset`, `step`).
    pub fn from_link(link: &SceneLink) -> Result<Self, LinkError> {
        check_keys(link, &["preset", "step"])?;
        let preset = preset_param(link, P::presets(), P::preset_slug, P::DEFAULT)?;
        let steps = preset.run();
        let timeline = positioned_timeline(link, marks::<P>(&steps))?;
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

    /// Every preset at every step.
    pub fn scenes() -> Vec<SceneLink> {
        P::presets()
            .iter()
            .flat_map(|preset| {
                let base = Self::base(*preset);
                step_links(&base, preset.run().len()).collect::<Vec<_>>()
            })
            .collect()
    }

    fn base(preset: P) -> SceneLink {
        view_link(P::VIEW).with("preset", preset.preset_slug())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preset_errors_list_the_choices() {
        let link = SceneLink::parse("containers/x?preset=nope").unwrap();
        let err = preset_param(&link, &[1u8, 2], |p| if p == 1 { "one" } else { "two" }, 1)
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"nope\""), "{err}");
        assert!(err.contains("expected one of one, two"), "{err}");
        let none = SceneLink::parse("containers/x").unwrap();
        assert_eq!(preset_param(&none, &[1u8, 2], |_| "one", 2), Ok(2));
    }

    #[test]
    fn positions_accept_numbers_and_slugs() {
        let steps = vec![
            ("a".to_owned(), "A".to_owned()),
            ("b".to_owned(), "B".to_owned()),
        ];
        let link = SceneLink::parse("containers/x?step=b").unwrap();
        assert_eq!(positioned_timeline(&link, steps.clone()).unwrap().step(), 1);
        let link = SceneLink::parse("containers/x?step=2").unwrap();
        let err = positioned_timeline(&link, steps).unwrap_err().to_string();
        assert!(err.contains("steps 0 to 1"), "{err}");
    }

    use crate::tabs::containers::model::architecture::ArchitecturePreset;
    use crate::tabs::containers::model::immutable::ImmutablePreset;
    use crate::tabs::containers::model::microservices::MicroPreset;

    fn open<P: SteppedPreset>(text: &str) -> Result<PresetScene<P>, LinkError> {
        PresetScene::from_link(&SceneLink::parse(text).unwrap())
    }

    #[test]
    fn architecture_step_slugs_and_numbers_round_trip() {
        let scene = open::<ArchitecturePreset>(
            "containers/architecture?preset=docker-run-nginx&step=namespaces",
        )
        .unwrap();
        assert_eq!(scene.current().map(|s| s.slug), Some("namespaces"));
        assert_eq!(
            scene.link().to_string(),
            "containers/architecture?preset=docker-run-nginx&step=7"
        );
        let scene = open::<ArchitecturePreset>("containers/architecture").unwrap();
        assert_eq!(
            scene.link().to_string(),
            "containers/architecture?preset=docker-run-nginx&step=0"
        );
    }

    #[test]
    fn the_cached_run_has_no_pull_step() {
        let err = open::<ArchitecturePreset>(
            "containers/architecture?preset=docker-run-cached&step=pull",
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("\"pull\""), "{err}");
        assert!(err.contains("image-lookup, create"), "{err}");
        let err = open::<ArchitecturePreset>("containers/architecture?preset=docker-run-ubuntu")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("docker-run-nginx, docker-run-cached"), "{err}");
        let err = open::<ArchitecturePreset>("containers/architecture?select=dockerd")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("unknown key \"select\""), "{err}");
    }

    #[test]
    fn microservices_links_round_trip() {
        let scene =
            open::<MicroPreset>("containers/microservices?preset=service-fails&step=service-fails")
                .unwrap();
        assert_eq!(
            scene.link().to_string(),
            "containers/microservices?preset=service-fails&step=1"
        );
        let err = open::<MicroPreset>("containers/microservices?preset=monolith&step=hop-9")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("hop-9"), "{err}");
    }

    #[test]
    fn immutable_links_round_trip_and_configurations_are_lettered_in_order() {
        let scene =
            open::<ImmutablePreset>("containers/immutable?preset=patch-in-place&step=drift")
                .unwrap();
        let step = scene.timeline.step();
        assert_eq!(scene.current().unwrap().slug, "drift");
        assert_eq!(
            scene.link().to_string(),
            format!("containers/immutable?preset=patch-in-place&step={step}")
        );
        let first = &scene.steps[0].servers[0];
        assert_eq!((first.config, first.letter()), (0, 'A'));
        let mut prints: Vec<String> = Vec::new();
        for server in scene.steps.iter().flat_map(|step| &step.servers) {
            let print = server.fingerprint();
            if !prints.contains(&print) {
                assert_eq!(server.config, prints.len(), "{print} is the next new one");
                prints.push(print);
            }
            let index = prints
                .iter()
                .position(|known| *known == server.fingerprint());
            assert_eq!(Some(server.config), index);
        }
        assert!(prints.len() >= 4);
        let err = open::<ImmutablePreset>("containers/immutable?preset=blue-green")
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("replace-fleet, patch-in-place, autoscale"),
            "{err}"
        );
    }
}
