//! The Migration tab: cold, pre-copy and post-copy live migration as simulated timelines.
//!
//! The deck asks how the migration methods work and what each costs. The tab answers with the
//! pure simulator in [`model`]: a student picks a method and a preset, moves the sliders, and
//! watches the timeline (source VM, network, destination VM), the memory page grid and every
//! number follow. `mode=compare` shows the three methods on the same parameters.
//!
//! Links: `migration?mode=cold|pre-copy|post-copy|compare&preset=<preset>&<param>=<value>&t=SECONDS`
//! (see [`link`]), and `migration/cluster?preset=<use case>&step=N` for why VMs are migrated
//! (see [`scene::cluster`]). The simulation runs once per parameter change ([`scene::method`]); the position only
//! moves the "now" line and re-samples the page grid.
//!
//! Decision on the working set: `Params::default()` (the worked example) has a working set
//! equal to memory, so lowering memory alone would make it larger than memory. The default
//! preset stays the worked example (the deck's first migration card uses it) and both the
//! sliders and links clamp an unnamed working set to memory; only a link that names a
//! `wss_mib` above `memory_mib` is an error.

pub(crate) mod link;
pub mod model;
mod scene;
mod view;

use link::{Scene, TAB_ID, View};
use scene::cluster::{CLUSTER_VIEW, ClusterScene};
use scene::method::Simulation;
use view::controls::Change;

use crate::scene::{LinkError, SceneLink};
use crate::tabs::{Tab, apply_position};
use crate::theme::{Role, Theme};
use crate::timeline::Timeline;

/// The Migration tab's state: the scene, its simulation and the playback position.
pub struct MigrationTab {
    scene: Scene,
    sim: Simulation,
    timeline: Timeline,
    /// Counts simulations, so cached page grids know when they are stale.
    generation: u64,
    grid: view::grid::GridCache,
    /// Why the last slider edit was refused, if it was.
    error: Option<String>,
    /// The cluster view (why VMs are migrated) when it is shown; built when first opened.
    cluster: Option<ClusterScene>,
    /// Whether the cluster view is shown rather than a method.
    show_cluster: bool,
}

impl Default for MigrationTab {
    fn default() -> Self {
        Self::with_scene(Scene::default())
    }
}

impl MigrationTab {
    /// The tab showing `scene`. A scene the model refuses (the default preset never is: the
    /// model's tests simulate it) leaves the canvas empty and says why in the controls.
    fn with_scene(scene: Scene) -> Self {
        let (sim, error) = match Simulation::run(&scene) {
            Ok(sim) => (sim, None),
            Err(err) => (Simulation::empty(), Some(err.to_string())),
        };
        let timeline = sim.timeline();
        Self {
            scene,
            sim,
            timeline,
            generation: 0,
            grid: view::grid::GridCache::default(),
            error,
            cluster: None,
            show_cluster: false,
        }
    }

    /// Shows `scene`, keeping the position (clamped) and the playback state.
    fn set_scene(&mut self, scene: Scene) {
        match Simulation::run(&scene) {
            Ok(sim) => {
                self.timeline.replace_range(sim.timeline());
                self.scene = scene;
                self.sim = sim;
                self.generation += 1;
                self.error = None;
            }
            Err(err) => self.error = Some(err.to_string()),
        }
    }
}

impl Tab for MigrationTab {
    fn id(&self) -> &'static str {
        TAB_ID
    }

    fn title(&self) -> &'static str {
        "Migration"
    }

    fn open(&mut self, link: &SceneLink) -> Result<(), LinkError> {
        if link.view.as_deref() == Some(CLUSTER_VIEW) {
            self.cluster = Some(ClusterScene::from_link(link)?);
            self.show_cluster = true;
            return Ok(());
        }
        let scene = Scene::from_link(link)?;
        let sim = Simulation::run(&scene).map_err(|err| LinkError::BadValue {
            key: "preset".to_owned(),
            value: scene.preset.slug().to_owned(),
            reason: err.to_string(),
        })?;
        let mut timeline = sim.timeline();
        apply_position(link, &mut timeline)?;
        self.scene = scene;
        self.sim = sim;
        self.generation += 1;
        self.error = None;
        self.timeline.replace_range(timeline.clone());
        self.timeline.seek(timeline.position());
        self.timeline.pause();
        self.show_cluster = false;
        Ok(())
    }

    fn link(&self) -> SceneLink {
        if self.show_cluster {
            return self
                .cluster
                .as_ref()
                .map_or_else(|| ClusterScene::default().link(), ClusterScene::link);
        }
        let mut link = self.scene.to_link();
        let (key, value) = self.timeline.link_value();
        link.set(key, value);
        link
    }

    fn scenes(&self) -> Vec<SceneLink> {
        let mut links = Vec::new();
        for preset in model::Preset::ALL {
            for view in View::ALL {
                let scene = Scene::new(view, *preset);
                let Ok(sim) = Simulation::run(&scene) else {
                    continue;
                };
                for t in sim.scene_times() {
                    links.push(scene.to_link().with("t", t));
                }
            }
        }
        links.extend(ClusterScene::scenes());
        // Each rule set on the case that tells them apart (the worked example at 100 MiB/s:
        // QEMU 19 rounds, Xen 4.6+ 5 rounds, legacy Xen its 3x data cap), and the adversarial
        // writer rescued by auto-converge.
        let mut extra: Vec<Scene> = model::Rules::ALL
            .iter()
            .map(|rules| {
                let mut scene = Scene::new(
                    View::Method(model::Mode::PreCopy),
                    model::Preset::WorkedExample,
                );
                scene.params.dirty_mib_s = 100.0;
                scene.params.rules = *rules;
                scene
            })
            .collect();
        let mut rescued = Scene::new(
            View::Method(model::Mode::PreCopy),
            model::Preset::Adversarial,
        );
        rescued.params.autoconverge = true;
        extra.push(rescued);
        for scene in extra {
            if let Ok(sim) = Simulation::run(&scene) {
                links.extend(
                    sim.scene_times()
                        .into_iter()
                        .map(|t| scene.to_link().with("t", t)),
                );
            }
        }
        links
    }

    fn timeline(&mut self) -> Option<&mut Timeline> {
        if self.show_cluster {
            return Some(
                &mut self
                    .cluster
                    .get_or_insert_with(ClusterScene::default)
                    .timeline,
            );
        }
        Some(&mut self.timeline)
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        ui.horizontal_wrapped(|ui| {
            if ui
                .selectable_label(!self.show_cluster, "Migration methods")
                .clicked()
            {
                self.show_cluster = false;
            }
            if ui
                .selectable_label(self.show_cluster, "Why migrate: a cluster")
                .clicked()
            {
                self.show_cluster = true;
            }
        });
        if self.show_cluster {
            let cluster = self.cluster.get_or_insert_with(ClusterScene::default);
            ui.horizontal_wrapped(|ui| view::cluster::controls_ui(ui, cluster));
            return;
        }
        let change = view::controls::controls_ui(ui, theme, &self.scene);
        if let Some(error) = &self.error {
            ui.colored_label(theme.line(Role::Bad), format!("Not applied: {error}"));
        }
        let mut scene = self.scene.clone();
        match change {
            None => return,
            Some(Change::View(view)) => scene.view = view,
            Some(Change::Preset(preset)) => scene = Scene::new(scene.view, preset),
            Some(Change::Params(params)) => scene.params = params,
        }
        self.set_scene(scene);
    }

    fn canvas_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        if self.show_cluster {
            let cluster = self.cluster.get_or_insert_with(ClusterScene::default);
            view::cluster::canvas_ui(ui, theme, cluster);
            return;
        }
        let now = self.timeline.position();
        let seek = match self.scene.view {
            View::Method(_) => view::method_canvas_ui(
                ui,
                theme,
                &self.scene,
                &self.sim,
                &mut self.grid,
                self.generation,
                now,
            ),
            View::Compare => {
                view::compare::compare_canvas_ui(ui, theme, &self.scene, &self.sim, now)
            }
        };
        if let Some(t) = seek {
            self.timeline.seek(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(text: &str) -> Result<MigrationTab, LinkError> {
        let mut tab = MigrationTab::default();
        tab.open(&SceneLink::parse(text).unwrap())?;
        Ok(tab)
    }

    #[test]
    fn links_with_positions_round_trip() {
        for text in [
            "migration?mode=pre-copy&preset=worked-example&t=20",
            "migration?mode=compare&preset=busy-web&t=0",
            "migration?mode=post-copy&preset=worked-example&dest_fails=true&t=16.001",
            "migration?mode=cold&preset=quiet&memory_mib=1024&bandwidth_mib_s=10.5&t=3.25",
        ] {
            let tab = open(text).unwrap();
            assert_eq!(tab.link().to_string(), text);
        }
        let tab = open("migration").unwrap();
        assert_eq!(
            tab.link().to_string(),
            "migration?mode=pre-copy&preset=worked-example&t=0"
        );
    }

    #[test]
    fn event_slugs_and_bad_positions() {
        let tab = open("migration?mode=pre-copy&preset=worked-example&step=round-2").unwrap();
        assert_eq!(tab.link().get("t"), Some("40"));
        let err = open("migration?preset=worked-example&t=999")
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("key \"t\"") && err.contains("between 0 and"),
            "{err}"
        );
        let err = open("migration?t=soon").err().unwrap().to_string();
        assert!(err.contains("key \"t\""), "{err}");
    }

    #[test]
    fn a_bad_link_leaves_the_tab_unchanged() {
        let mut tab = open("migration?mode=cold&preset=quiet&t=2").unwrap();
        let before = tab.link();
        for bad in [
            "migration?mode=cold&preset=nope",
            "migration?memory_mib=-1",
            "migration?autoconverge=perhaps",
            "migration?mode=pre-copy&t=1e9",
        ] {
            assert!(tab.open(&SceneLink::parse(bad).unwrap()).is_err(), "{bad}");
            assert_eq!(tab.link(), before, "{bad}");
        }
    }

    #[test]
    fn scenes_cover_every_preset_and_mode_and_stay_reasonable() {
        let scenes = MigrationTab::default().scenes();
        assert!(scenes.len() < 400, "{} scenes", scenes.len());
        for preset in model::Preset::ALL {
            for view in View::ALL {
                let prefix = format!("mode={}&preset={}&", view.slug(), preset.slug());
                assert!(
                    scenes.iter().any(|s| s.to_string().contains(&prefix)),
                    "{prefix}"
                );
            }
        }
        assert!(
            scenes
                .iter()
                .any(|s| s.to_string() == "migration?mode=pre-copy&preset=worked-example&t=42.5")
        );
    }

    #[test]
    fn a_scene_the_model_refuses_opens_empty_with_the_reason() {
        let mut scene = Scene::default();
        scene.params.bandwidth_mib_s = -5.0;
        let mut tab = MigrationTab::with_scene(scene);
        assert!(tab.sim.timelines.is_empty());
        assert!(tab.error.as_deref().unwrap().contains("bandwidth_mib_s"));
        let ctx = egui::Context::default();
        let theme = Theme::new(crate::theme::ThemeKind::Light);
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| tab.canvas_ui(ui, &theme));
        output.textures_delta.clear();
        let texts = output
            .shapes
            .iter()
            .filter(|clipped| matches!(clipped.shape, egui::epaint::Shape::Text(_)));
        assert_eq!(texts.count(), 0, "no timeline, nothing to write");
    }

    #[test]
    fn slider_changes_resimulate_and_keep_the_position() {
        let mut tab = open("migration?mode=pre-copy&preset=worked-example&t=20").unwrap();
        let before = tab.sim.timelines[0].summary.downtime_secs;
        let mut scene = tab.scene.clone();
        scene.params.bandwidth_mib_s = 256.0;
        tab.set_scene(scene);
        assert_ne!(tab.sim.timelines[0].summary.downtime_secs, before);
        assert_eq!(
            tab.link().to_string(),
            "migration?mode=pre-copy&preset=worked-example&bandwidth_mib_s=256&t=20"
        );
        let mut bad = tab.scene.clone();
        bad.params.bandwidth_mib_s = -5.0;
        tab.set_scene(bad);
        assert!(tab.error.as_deref().unwrap().contains("bandwidth_mib_s"));
        assert_eq!(tab.scene.params.bandwidth_mib_s, 256.0);
    }
}
