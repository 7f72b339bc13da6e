//! The Overview tab: six layer stacks side by side and one disk write travelling down each.
//!
//! Links: `overview?select=<stack>[.<layer>]&step=N|<slug>`.

pub mod model;
mod view;

use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::{Tab, apply_position};
use crate::theme::Theme;
use crate::timeline::Timeline;
use model::{LayerKind, Stack, StackKind};

/// What the student picked: a whole stack, or one layer of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    /// The stack.
    pub stack: StackKind,
    /// The layer, if one is picked.
    pub layer: Option<LayerKind>,
}

impl Selection {
    /// `type2` or `type2.host-os`.
    pub fn slug(self) -> String {
        match self.layer {
            Some(layer) => format!("{}.{}", self.stack.slug(), layer.slug()),
            None => self.stack.slug().to_owned(),
        }
    }
}

/// The Overview's state.
pub struct OverviewTab {
    stacks: Vec<Stack>,
    timeline: Timeline,
    selection: Option<Selection>,
}

impl Default for OverviewTab {
    fn default() -> Self {
        Self {
            stacks: model::stacks(),
            timeline: Timeline::steps(model::steps()),
            selection: None,
        }
    }
}

impl OverviewTab {
    fn parse_selection(&self, value: &str) -> Result<Selection, LinkError> {
        let bad = |reason: String| LinkError::BadValue {
            key: "select".to_owned(),
            value: value.to_owned(),
            reason,
        };
        let (stack_slug, layer_slug) = match value.split_once('.') {
            Some((stack, layer)) => (stack, Some(layer)),
            None => (value, None),
        };
        let stack = StackKind::from_slug(stack_slug).ok_or_else(|| {
            bad(format!(
                "unknown stack {stack_slug:?}; stacks: {}",
                StackKind::ALL.map(StackKind::slug).join(", ")
            ))
        })?;
        let layer = match layer_slug {
            None => None,
            Some(layer_slug) => {
                let layers = &self.stack(stack).layers;
                let layer = layers
                    .iter()
                    .find(|layer| layer.kind.slug() == layer_slug)
                    .ok_or_else(|| {
                        bad(format!(
                            "the {stack_slug} stack has layers {}",
                            layers
                                .iter()
                                .map(|layer| layer.kind.slug())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    })?;
                Some(layer.kind)
            }
        };
        Ok(Selection { stack, layer })
    }

    fn stack(&self, kind: StackKind) -> &Stack {
        let index = StackKind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        &self.stacks[index]
    }
}

impl Tab for OverviewTab {
    fn id(&self) -> &'static str {
        "overview"
    }

    fn title(&self) -> &'static str {
        "Overview"
    }

    fn open(&mut self, link: &SceneLink) -> Result<(), LinkError> {
        if let Some(view) = &link.view {
            return Err(LinkError::UnknownView {
                tab: link.tab.clone(),
                view: view.clone(),
                known: "(none)".to_owned(),
            });
        }
        check_keys(link, &["select", "step"])?;
        let selection = link
            .get("select")
            .map(|value| self.parse_selection(value))
            .transpose()?;
        let mut timeline = Timeline::steps(model::steps());
        apply_position(link, &mut timeline)?;
        self.selection = selection;
        self.timeline.replace_range(timeline.clone());
        self.timeline.seek(timeline.position());
        self.timeline.pause();
        Ok(())
    }

    fn link(&self) -> SceneLink {
        let mut link = SceneLink::tab("overview");
        if let Some(selection) = self.selection {
            link.set("select", selection.slug());
        }
        let (key, value) = self.timeline.link_value();
        link.set(key, value);
        link
    }

    fn scenes(&self) -> Vec<SceneLink> {
        let steps = (0..self.timeline.marks().len())
            .map(|step| SceneLink::tab("overview").with("step", step));
        let stacks = self.stacks.iter().map(|stack| {
            SceneLink::tab("overview")
                .with("select", stack.kind.slug())
                .with("step", 0)
        });
        steps.chain(stacks).collect()
    }

    fn timeline(&mut self) -> Option<&mut Timeline> {
        Some(&mut self.timeline)
    }

    fn canvas_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        if let Some(clicked) =
            view::canvas_ui(ui, theme, &self.stacks, &self.timeline, self.selection)
        {
            self.selection = if self.selection == Some(clicked) {
                None
            } else {
                Some(clicked)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_1280x720_projector_keeps_the_six_stacks_legible() {
        let texts = crate::export::projector_texts("overview?step=2");
        assert!(texts.iter().any(|(text, _)| text == "Paravirtualized"));
        // The layout shrinks the projector's type to fit six stacks: its small text (the ratings)
        // was 11.3 px; a layer name too long for its box shrinks a little further.
        let size_of = |wanted: &str| {
            texts
                .iter()
                .find(|(text, _)| text == wanted)
                .map(|(_, size)| *size)
        };
        let ratings = size_of("Performance").unwrap();
        assert!(ratings >= 13.0, "rating labels at {ratings} px");
        let smallest = texts
            .iter()
            .map(|(_, size)| *size)
            .fold(f32::INFINITY, f32::min);
        assert!(smallest >= 12.0, "smallest text {smallest} px");
    }

    #[test]
    fn selection_links_round_trip_and_reject_unknown_layers() {
        let mut tab = OverviewTab::default();
        let link = SceneLink::parse("overview?select=type2.host-os&step=3").unwrap();
        tab.open(&link).unwrap();
        assert_eq!(tab.link(), link);

        let err = tab
            .open(&SceneLink::parse("overview?select=native.hypervisor").unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("native stack has layers app, kernel, hardware"),
            "{err}"
        );
        assert_eq!(tab.link(), link, "a bad link leaves the tab as it was");

        let err = tab
            .open(&SceneLink::parse("overview?select=type9").unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown stack \"type9\""), "{err}");
    }

    #[test]
    fn step_slugs_and_views_are_checked() {
        let mut tab = OverviewTab::default();
        tab.open(&SceneLink::parse("overview?step=real-io").unwrap())
            .unwrap();
        assert_eq!(tab.link().get("step"), Some("3"));
        let err = tab
            .open(&SceneLink::parse("overview/stacks").unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown view \"stacks\""), "{err}");
    }
}
