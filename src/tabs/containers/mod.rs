//! The Containers tab: Docker's architecture, a docker CLI sandbox, image layers, immutable
//! infrastructure, monolith versus microservices, and who manages what in each service model.
//!
//! Links: `containers/<view>?preset=...&step=N|<slug>` for every view but the sandbox's typed
//! sessions, which are `containers/cli?script=<lines>&step=N`; see [`scenes`] for each view's keys.
//! The default view is the architecture. Every view's scene is built from its link and drawn as a
//! pure function of that scene and the timeline position; the models live in [`model`], the Docker simulator in [`docker`] and the link parsing in [`link`].

pub(crate) mod docker;
pub(crate) mod link;
pub mod model;
pub(crate) mod scene;
mod view;

use model::View;
use model::architecture::ArchitecturePreset;
use model::immutable::ImmutablePreset;
use model::microservices::MicroPreset;
use scene::cli::CliScene;
use scene::layers::LayersScene;
use scene::service_models::ServiceScene;
use scene::stepped::PresetScene;

use crate::scene::{LinkError, SceneLink};
use crate::tabs::Tab;
use crate::theme::Theme;
use crate::timeline::Timeline;

/// The tab's state: the active view and each view's scene (the CLI and layers scenes replay
/// scripts, so they are only built when first shown).
#[derive(Default)]
pub struct ContainersTab {
    view: ActiveView,
    architecture: PresetScene<ArchitecturePreset>,
    cli: Option<CliScene>,
    layers: Option<LayersScene>,
    immutable: PresetScene<ImmutablePreset>,
    micro: PresetScene<MicroPreset>,
    service: ServiceScene,
    /// A link to another tab the student clicked (the namespaces or cgroups step), for the app.
    open_request: Option<String>,
}

/// The active view (a newtype so that the tab can derive `Default`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ActiveView(View);

impl Default for ActiveView {
    fn default() -> Self {
        Self(View::Architecture)
    }
}

impl ContainersTab {
    fn cli(&mut self) -> &mut CliScene {
        self.cli.get_or_insert_with(CliScene::default)
    }

    fn layers(&mut self) -> &mut LayersScene {
        self.layers.get_or_insert_with(LayersScene::default)
    }

    /// Shows `view` with the scene it had last (or its default scene).
    fn show_view(&mut self, view: View) {
        self.view = ActiveView(view);
        match view {
            View::Cli => {
                self.cli();
            }
            View::Layers => {
                self.layers();
            }
            _ => {}
        }
    }
}

impl Tab for ContainersTab {
    fn id(&self) -> &'static str {
        link::TAB_ID
    }

    fn title(&self) -> &'static str {
        "Containers"
    }

    fn open(&mut self, link: &SceneLink) -> Result<(), LinkError> {
        let view = match &link.view {
            None => View::Architecture,
            Some(slug) => View::from_slug(slug).ok_or_else(|| LinkError::UnknownView {
                tab: link.tab.clone(),
                view: slug.clone(),
                known: View::ALL
                    .iter()
                    .map(|v| v.slug())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?,
        };
        match view {
            View::Architecture => self.architecture = PresetScene::from_link(link)?,
            View::Cli => self.cli = Some(CliScene::from_link(link)?),
            View::Layers => self.layers = Some(LayersScene::from_link(link)?),
            View::Immutable => self.immutable = PresetScene::from_link(link)?,
            View::Microservices => self.micro = PresetScene::from_link(link)?,
            View::ServiceModels => self.service = ServiceScene::from_link(link)?,
        }
        self.view = ActiveView(view);
        Ok(())
    }

    fn link(&self) -> SceneLink {
        match self.view.0 {
            View::Architecture => self.architecture.link(),
            View::Cli => self
                .cli
                .as_ref()
                .map_or_else(|| CliScene::default().link(), CliScene::link),
            View::Layers => self
                .layers
                .as_ref()
                .map_or_else(|| LayersScene::default().link(), LayersScene::link),
            View::Immutable => self.immutable.link(),
            View::Microservices => self.micro.link(),
            View::ServiceModels => self.service.link(),
        }
    }

    fn scenes(&self) -> Vec<SceneLink> {
        let mut links = PresetScene::<ArchitecturePreset>::scenes();
        links.extend(CliScene::scenes());
        links.extend(LayersScene::scenes());
        links.extend(PresetScene::<ImmutablePreset>::scenes());
        links.extend(PresetScene::<MicroPreset>::scenes());
        links.extend(ServiceScene::scenes());
        links
    }

    fn timeline(&mut self) -> Option<&mut Timeline> {
        match self.view.0 {
            View::Architecture => Some(&mut self.architecture.timeline),
            View::Cli => Some(&mut self.cli().timeline),
            View::Layers => Some(&mut self.layers().timeline),
            View::Immutable => Some(&mut self.immutable.timeline),
            View::Microservices => Some(&mut self.micro.timeline),
            View::ServiceModels => None,
        }
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        let _ = theme;
        ui.horizontal_wrapped(|ui| {
            for view in View::ALL {
                if ui
                    .selectable_label(self.view.0 == *view, view::view_name(*view))
                    .on_hover_text(view.title())
                    .clicked()
                {
                    self.show_view(*view);
                }
            }
        });
        ui.horizontal_wrapped(|ui| match self.view.0 {
            View::Architecture => {
                view::architecture::controls_ui(ui, &mut self.architecture, &mut self.open_request);
            }
            View::Cli => view::cli::controls_ui(ui, self.cli.get_or_insert_with(CliScene::default)),
            View::Layers => {
                view::layers::controls_ui(ui, self.layers.get_or_insert_with(LayersScene::default));
            }
            View::Immutable => view::immutable::controls_ui(ui, &mut self.immutable),
            View::Microservices => view::microservices::controls_ui(ui, &mut self.micro),
            View::ServiceModels => view::service_models::controls_ui(ui, &mut self.service),
        });
    }

    fn take_open_request(&mut self) -> Option<SceneLink> {
        self.open_request
            .take()
            .and_then(|link| SceneLink::parse(&link).ok())
    }

    fn canvas_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        match self.view.0 {
            View::Architecture => {
                view::architecture::canvas_ui(
                    ui,
                    theme,
                    &mut self.architecture,
                    &mut self.open_request,
                );
            }
            View::Cli => {
                view::cli::canvas_ui(ui, theme, self.cli.get_or_insert_with(CliScene::default))
            }
            View::Layers => {
                view::layers::canvas_ui(
                    ui,
                    theme,
                    self.layers.get_or_insert_with(LayersScene::default),
                );
            }
            View::Immutable => view::immutable::canvas_ui(ui, theme, &self.immutable),
            View::Microservices => view::microservices::canvas_ui(ui, theme, &self.micro),
            View::ServiceModels => view::service_models::canvas_ui(ui, theme, &mut self.service),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(tab: &mut ContainersTab, text: &str) -> Result<(), LinkError> {
        tab.open(&SceneLink::parse(text).unwrap())
    }

    #[test]
    fn the_default_view_is_the_architecture() {
        let mut tab = ContainersTab::default();
        assert_eq!(
            tab.link().to_string(),
            "containers/architecture?preset=docker-run-nginx&step=0"
        );
        open(&mut tab, "containers?step=pull").unwrap();
        assert_eq!(
            tab.link().to_string(),
            "containers/architecture?preset=docker-run-nginx&step=2"
        );
    }

    #[test]
    fn a_bad_link_leaves_the_tab_as_it_was() {
        let mut tab = ContainersTab::default();
        open(&mut tab, "containers/cli?preset=lifecycle&step=3").unwrap();
        let before = tab.link();
        let err = open(&mut tab, "containers/kubernetes")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown view \"kubernetes\""), "{err}");
        assert!(err.contains("architecture, cli, layers"), "{err}");
        assert!(open(&mut tab, "containers/cli?preset=lifecycle&step=99").is_err());
        assert!(open(&mut tab, "containers/layers?bogus=1").is_err());
        assert_eq!(tab.link(), before);
    }

    #[test]
    fn views_keep_their_scene_when_switching_back() {
        let mut tab = ContainersTab::default();
        open(&mut tab, "containers/immutable?preset=autoscale&step=3").unwrap();
        tab.show_view(View::Cli);
        assert_eq!(
            tab.link().to_string(),
            "containers/cli?preset=stop-vs-rm&step=0"
        );
        tab.show_view(View::Immutable);
        assert_eq!(
            tab.link().to_string(),
            "containers/immutable?preset=autoscale&step=3"
        );
        tab.show_view(View::ServiceModels);
        assert!(tab.timeline().is_none());
        assert_eq!(tab.link().to_string(), "containers/service-models");
    }

    #[test]
    fn the_scene_list_is_reasonable() {
        let count = ContainersTab::default().scenes().len();
        assert!((100..400).contains(&count), "{count}");
    }
}
