//! The Memory tab: address translation in a guest under native paging, shadow page tables and
//! EPT/NPT, stepped reference by reference.
//!
//! Why its own tab and not a CPU view: memory is the second of the three resources a VMM
//! virtualizes (CPU, memory, I/O), with its own state (page tables in two or three dimensions, a
//! TLB, walk caches) and its own scenes; the CPU tab's toy machine has a flat memory and no TLB.
//! The two meet in one place: the CPU tab's cost chart takes its memory costs (exits per guest
//! page-table write, references per TLB miss) from this tab's model ([`model::exits_per_pte_write`],
//! [`model::refs_per_miss`]).
//!
//! Links: `memory/<mode>?preset=<preset>[&levels=5][&pwc=on]&step=N|<slug>` with modes `native`,
//! `shadow`, `ept`; a bare `memory` opens EPT on the TLB miss.

pub mod link;
pub mod model;
mod view;

use crate::scene::{LinkError, SceneLink};
use crate::tabs::{Tab, apply_position};
use crate::theme::Theme;
use crate::timeline::Timeline;
use link::{MemoryScene, TAB_ID};
use model::{Config, Counters, Mode, Preset, Trace, run};

/// The steps worth listing as scenes besides each scene's first and last: the moments that show
/// what a mode does. Kept short, because every listed scene is exported by `export --all`
/// (BENCHMARKS.md, export budget); every step stays reachable by link and by stepping.
const SIGNATURE_STEPS: &[(Mode, Preset, &str)] = &[
    (Mode::Native, Preset::TlbMiss, "walk"),
    (Mode::Native, Preset::TlbMiss, "tlb-fill"),
    (Mode::Ept, Preset::TlbMiss, "walk"),
    (Mode::Ept, Preset::TlbMiss, "tlb-fill"),
    (Mode::Shadow, Preset::Fork, "vm-exit"),
    (Mode::Shadow, Preset::Fork, "shadow-switch"),
    (Mode::Shadow, Preset::Fork, "shadow-fill"),
    (Mode::Ept, Preset::Fork, "pte-write"),
];

/// The scene's run and, for the comparison panel, the end counters of every mode.
struct Runs {
    trace: Trace,
    totals: Vec<(Mode, Counters)>,
}

impl Runs {
    fn new(scene: MemoryScene) -> Self {
        let totals = Mode::ALL
            .iter()
            .map(|mode| {
                let counters = if *mode == scene.mode {
                    None
                } else {
                    Some(run(scene.preset, *mode, scene.config).last_counters())
                };
                (*mode, counters)
            })
            .collect::<Vec<_>>();
        let trace = run(scene.preset, scene.mode, scene.config);
        let totals = totals
            .into_iter()
            .map(|(mode, counters)| (mode, counters.unwrap_or_else(|| trace.last_counters())))
            .collect();
        Self { trace, totals }
    }

    fn marks(&self) -> Vec<(String, String)> {
        self.trace
            .steps
            .iter()
            .map(|step| (step.slug.to_owned(), step.label.clone()))
            .collect()
    }
}

/// The Memory tab's state.
pub struct MemoryTab {
    scene: MemoryScene,
    runs: Runs,
    timeline: Timeline,
}

impl Default for MemoryTab {
    fn default() -> Self {
        let scene = MemoryScene::default();
        let runs = Runs::new(scene);
        let timeline = Timeline::steps(runs.marks());
        Self {
            scene,
            runs,
            timeline,
        }
    }
}

impl MemoryTab {
    /// Shows `scene` from its first step (the pickers; a link positions itself).
    fn switch_to(&mut self, scene: MemoryScene) {
        if scene == self.scene {
            return;
        }
        let runs = Runs::new(scene);
        let timeline = Timeline::steps(runs.marks());
        self.commit(scene, runs, &timeline);
    }

    fn commit(&mut self, scene: MemoryScene, runs: Runs, timeline: &Timeline) {
        self.scene = scene;
        self.runs = runs;
        self.timeline.replace_range(timeline.clone());
        self.timeline.seek(timeline.position());
    }
}

impl Tab for MemoryTab {
    fn id(&self) -> &'static str {
        TAB_ID
    }

    fn title(&self) -> &'static str {
        "Memory virtualization"
    }

    fn open(&mut self, link: &SceneLink) -> Result<(), LinkError> {
        let scene = MemoryScene::parse(link)?;
        let runs = if scene == self.scene {
            Runs {
                trace: self.runs.trace.clone(),
                totals: self.runs.totals.clone(),
            }
        } else {
            Runs::new(scene)
        };
        let mut timeline = Timeline::steps(runs.marks());
        apply_position(link, &mut timeline)?;
        self.commit(scene, runs, &timeline);
        self.timeline.pause();
        Ok(())
    }

    fn link(&self) -> SceneLink {
        let mut link = self.scene.link();
        let (key, value) = self.timeline.link_value();
        link.set(key, value);
        link
    }

    fn scenes(&self) -> Vec<SceneLink> {
        let mut scenes = Vec::new();
        for mode in Mode::ALL {
            for preset in Preset::ALL {
                let scene = MemoryScene {
                    mode: *mode,
                    preset: *preset,
                    config: Config::default(),
                };
                let trace = run(*preset, *mode, scene.config);
                let mut steps: Vec<usize> = SIGNATURE_STEPS
                    .iter()
                    .filter(|(m, p, _)| m == mode && p == preset)
                    .filter_map(|(_, _, slug)| trace.first_step(slug))
                    .chain([0, trace.len().saturating_sub(1)])
                    .collect();
                steps.sort_unstable();
                steps.dedup();
                for step in steps {
                    scenes.push(scene.link().with("step", step));
                }
            }
        }
        // Five-level paging's 35 references, and the walk caches on the scan.
        let variants = [
            (
                Preset::TlbMiss,
                Config {
                    levels: 5,
                    pwc: false,
                },
                "tlb-fill",
            ),
            (
                Preset::Scan,
                Config {
                    levels: 4,
                    pwc: true,
                },
                "done",
            ),
        ];
        for (preset, config, slug) in variants {
            let scene = MemoryScene {
                mode: Mode::Ept,
                preset,
                config,
            };
            let trace = run(preset, Mode::Ept, config);
            if let Some(step) = trace.first_step(slug) {
                scenes.push(scene.link().with("step", step));
            }
        }
        scenes
    }

    fn timeline(&mut self) -> Option<&mut Timeline> {
        Some(&mut self.timeline)
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        if let Some(scene) = view::controls_ui(ui, theme, self.scene) {
            self.switch_to(scene);
        }
    }

    fn canvas_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        view::canvas_ui(
            ui,
            theme,
            &self.runs.trace,
            &self.runs.totals,
            self.timeline.step(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(tab: &mut MemoryTab, text: &str) -> Result<(), LinkError> {
        tab.open(&SceneLink::parse(text).expect("well-formed"))
    }

    #[test]
    fn a_bare_link_opens_ept_on_the_tlb_miss_and_links_round_trip() {
        let mut tab = MemoryTab::default();
        open(&mut tab, "memory").expect("opens");
        assert_eq!(tab.link().to_string(), "memory/ept?preset=tlb-miss&step=0");
        open(
            &mut tab,
            "memory/shadow?pwc=on&preset=fork&levels=5&step=vm-exit",
        )
        .expect("opens");
        let link = tab.link().to_string();
        assert!(
            link.starts_with("memory/shadow?preset=fork&levels=5&pwc=on&step="),
            "{link}"
        );
        assert_ne!(link, "memory/shadow?preset=fork&levels=5&pwc=on&step=0");
    }

    #[test]
    fn bad_parts_are_named_and_leave_the_tab_as_it_was() {
        let mut tab = MemoryTab::default();
        open(&mut tab, "memory/native?preset=scan&step=3").expect("opens");
        let before = tab.link();
        for (bad, named) in [
            ("memory/npt", "unknown view \"npt\""),
            ("memory/ept?preset=swap", "\"swap\""),
            ("memory/ept?levels=3", "\"3\""),
            ("memory/ept?pwc=maybe", "\"maybe\""),
            ("memory/ept?step=9999", "9999"),
            ("memory/native?step=vm-exit", "vm-exit"),
            ("memory/ept?sensitive=1", "unknown key \"sensitive\""),
        ] {
            let err = open(&mut tab, bad).expect_err(bad).to_string();
            assert!(err.contains(named), "{bad}: {err}");
            assert_eq!(tab.link(), before, "{bad}");
        }
    }

    #[test]
    fn scenes_cover_every_mode_and_preset_within_budget() {
        let scenes = MemoryTab::default().scenes();
        assert!(
            scenes.len() <= 40,
            "{} scenes: export --all exports each",
            scenes.len()
        );
        for mode in Mode::ALL {
            for preset in Preset::ALL {
                let view = Some(mode.slug());
                assert!(scenes.iter().any(|link| link.view.as_deref() == view
                    && link.get("preset") == Some(preset.slug())));
            }
        }
        assert!(scenes.iter().any(|link| link.get("levels") == Some("5")));
    }
}
