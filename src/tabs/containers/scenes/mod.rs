//! The state behind each view of the Containers tab, and its scene links.
//!
//! Each view's scene is a plain struct built from a link (`from_link` validates every key and value
//! and names the bad one) and printed back to one (`link`). What a view draws is a pure function of
//! its scene and the timeline position: traces are replayed once when the scene is built, never per
//! frame. Nothing here draws; the `view` module does.

pub mod architecture;
pub mod cli;
pub mod immutable;
pub mod layers;
pub mod microservices;
pub mod service_models;
pub mod terminal;

use crate::scene::{LinkError, SceneLink};
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
}
