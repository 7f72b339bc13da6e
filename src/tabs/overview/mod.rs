//! The Overview tab: six layer stacks side by side and one disk write travelling down each, and
//! the data centre around them: power and PUE, and what consolidating servers onto VM hosts brings.
//!
//! Links: `overview?select=<stack>[.<layer>]&step=N|<slug>` (the stacks),
//! `overview/power?...` and `overview/consolidation?step=...` (see [`link`]).

pub mod link;
pub mod model;
mod scene;
mod view;

use link::{CONSOLIDATION_VIEW, POWER_VIEW, Selection, View, parse_selection};
use scene::{ConsolidationScene, PowerScene};

use crate::scene::{LinkError, SceneLink, check_keys};
use crate::tabs::{Tab, apply_position};
use crate::theme::Theme;
use crate::timeline::Timeline;
use model::Stack;

/// The Overview's state.
pub struct OverviewTab {
    view: View,
    stacks: Vec<Stack>,
    timeline: Timeline,
    selection: Option<Selection>,
    power: PowerScene,
    /// Built when first shown (it runs the consolidation's migrations).
    consolidation: Option<ConsolidationScene>,
}

impl Default for OverviewTab {
    fn default() -> Self {
        Self {
            view: View::Stacks,
            stacks: model::stacks(),
            timeline: Timeline::steps(model::steps()),
            selection: None,
            power: PowerScene::default(),
            consolidation: None,
        }
    }
}

impl OverviewTab {
    fn consolidation(&mut self) -> &mut ConsolidationScene {
        self.consolidation
            .get_or_insert_with(ConsolidationScene::default)
    }

    fn open_stacks(&mut self, link: &SceneLink) -> Result<(), LinkError> {
        check_keys(link, &["select", "step"])?;
        let selection = link
            .get("select")
            .map(|value| parse_selection(&self.stacks, value))
            .transpose()?;
        let mut timeline = Timeline::steps(model::steps());
        apply_position(link, &mut timeline)?;
        self.selection = selection;
        self.timeline.replace_range(timeline.clone());
        self.timeline.seek(timeline.position());
        self.timeline.pause();
        Ok(())
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
        let view = View::ALL
            .into_iter()
            .find(|view| view.slug() == link.view.as_deref())
            .ok_or_else(|| LinkError::UnknownView {
                tab: link.tab.clone(),
                view: link.view.clone().unwrap_or_default(),
                known: format!("(none), {POWER_VIEW}, {CONSOLIDATION_VIEW}"),
            })?;
        match view {
            View::Stacks => self.open_stacks(link)?,
            View::Power => self.power = PowerScene::from_link(link)?,
            View::Consolidation => self.consolidation().open(link)?,
        }
        self.view = view;
        Ok(())
    }

    fn link(&self) -> SceneLink {
        match self.view {
            View::Stacks => {
                let mut link = SceneLink::tab("overview");
                if let Some(selection) = self.selection {
                    link.set("select", selection.slug());
                }
                let (key, value) = self.timeline.link_value();
                link.set(key, value);
                link
            }
            View::Power => self.power.link(),
            View::Consolidation => self.consolidation.as_ref().map_or_else(
                || ConsolidationScene::default().link(),
                ConsolidationScene::link,
            ),
        }
    }

    fn scenes(&self) -> Vec<SceneLink> {
        let steps = (0..self.timeline.marks().len())
            .map(|step| SceneLink::tab("overview").with("step", step));
        let stacks = self.stacks.iter().map(|stack| {
            SceneLink::tab("overview")
                .with("select", stack.kind.slug())
                .with("step", 0)
        });
        steps
            .chain(stacks)
            .chain(PowerScene::scenes())
            .chain(ConsolidationScene::scenes())
            .collect()
    }

    fn timeline(&mut self) -> Option<&mut Timeline> {
        match self.view {
            View::Stacks => Some(&mut self.timeline),
            View::Power => Some(&mut self.power.timeline),
            View::Consolidation => Some(&mut self.consolidation().timeline),
        }
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        let _ = theme;
        ui.horizontal_wrapped(|ui| {
            for view in View::ALL {
                if ui
                    .selectable_label(self.view == view, view.title())
                    .clicked()
                {
                    self.view = view;
                }
            }
        });
        if self.view == View::Power {
            ui.horizontal_wrapped(|ui| view::power::controls_ui(ui, &mut self.power));
        }
    }

    fn canvas_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        match self.view {
            View::Stacks => {
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
            View::Power => view::power::canvas_ui(ui, theme, &self.power),
            View::Consolidation => {
                let scene = self.consolidation();
                view::consolidation::canvas_ui(ui, theme, scene);
            }
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
        assert!(err.contains("power, consolidation"), "{err}");
    }
}
