//! The CPU virtualization tab: a toy CPU running real guest code under five execution modes.
//!
//! Links (see [`link`]): `cpu/<mode>?program=<p>&step=N|<slug>`, `cpu/compare?program=<p>&a=<mode>&
//! b=<mode>&step=N|<slug>` and `cpu/cost?sensitive=<share>&workload=<w>[&program=<p>]`. A bare `cpu` opens
//! trap-and-emulate on the disk write. The model runs once per scene ([`scene`]); the views only read
//! its trace at the timeline's step ([`view`]); the pickers live in [`controls`]. A run's link may
//! carry `hide=future` (a quiz question's scene): the timeline hides the steps ahead and the
//! instruction at hand is not classified, since its class says what it does next.

pub mod link;
pub mod model;
pub mod scene;
mod view;

use crate::scene::{LinkError, SceneLink, hide_future_param, print_hide_future};
use crate::tabs::{Tab, apply_position};
use crate::theme::Theme;
use crate::timeline::Timeline;
use link::{CpuScene, DEFAULT_PAIR, DEFAULT_PROGRAM, DEFAULT_SENSITIVE, DEFAULT_WORKLOAD, TAB_ID};
use model::slowdown::Workload;
use model::{Mode, Program, RunError};
use scene::{CostData, RunData, SceneData};
use view::controls::Remembered;

/// The cpu tab's state: the scene, its computed data and its timeline.
pub struct CpuTab {
    scene: CpuScene,
    data: SceneData,
    timeline: Timeline,
    /// The cost view's data, made the first time the cost view opens (35 short runs).
    cost: Option<Box<CostData>>,
    /// The last choices, so that switching views keeps them.
    choices: Remembered,
}

fn default_choices() -> Remembered {
    Remembered {
        mode: link::DEFAULT_MODE,
        program: DEFAULT_PROGRAM,
        pair: DEFAULT_PAIR,
        sensitive: DEFAULT_SENSITIVE,
        workload: DEFAULT_WORKLOAD,
        umip: false,
    }
}

impl Default for CpuTab {
    fn default() -> Self {
        let scene = CpuScene::default();
        let data = SceneData::new(&scene).unwrap_or(SceneData::Cost);
        let timeline = Timeline::steps(data.marks());
        Self {
            scene,
            data,
            timeline,
            cost: None,
            choices: default_choices(),
        }
    }
}

impl CpuTab {
    /// Computes a scene's data and timeline, positioned by `link` if given.
    fn prepare(
        &mut self,
        scene: &CpuScene,
        link: Option<&SceneLink>,
    ) -> Result<(SceneData, Timeline), LinkError> {
        let failed = |err: RunError| LinkError::BadValue {
            key: "program".to_owned(),
            value: scene.program().map_or("", Program::slug).to_owned(),
            reason: err.to_string(),
        };
        let data = SceneData::new(scene).map_err(failed)?;
        if matches!(scene, CpuScene::Cost { .. }) && self.cost.is_none() {
            self.cost = Some(Box::new(CostData::new().map_err(failed)?));
        }
        let mut timeline = Timeline::steps(data.marks());
        if let Some(link) = link {
            match (&data, link.get("step")) {
                (SceneData::Compare(compare), Some(value)) if value.parse::<usize>().is_err() => {
                    let row = compare
                        .row_of_slug(value)
                        .ok_or_else(|| LinkError::BadValue {
                            key: "step".to_owned(),
                            value: value.to_owned(),
                            reason: "neither mode has a step with this slug".to_owned(),
                        })?;
                    timeline.seek(row as f64);
                }
                _ => apply_position(link, &mut timeline)?,
            }
        }
        Ok((data, timeline))
    }

    /// Shows a scene from its first step (used by the pickers; a link positions itself).
    fn switch_to(&mut self, scene: CpuScene) {
        if scene == self.scene {
            return;
        }
        if let Ok((data, timeline)) = self.prepare(&scene, None) {
            self.commit(scene, data, &timeline);
            self.timeline.set_ahead_hidden(false);
        }
    }

    fn commit(&mut self, scene: CpuScene, data: SceneData, timeline: &Timeline) {
        match scene {
            CpuScene::Run {
                mode,
                program,
                umip,
            } => {
                self.choices.mode = mode;
                self.choices.program = program;
                self.choices.umip = umip;
            }
            CpuScene::Compare {
                program,
                a,
                b,
                umip,
            } => {
                self.choices.program = program;
                self.choices.pair = [a, b];
                self.choices.umip = umip;
            }
            CpuScene::Cost {
                sensitive,
                workload,
                program,
            } => {
                self.choices.sensitive = sensitive;
                self.choices.workload = workload;
                if let Some(program) = program {
                    self.choices.program = program;
                }
            }
        }
        self.scene = scene;
        self.data = data;
        self.timeline.replace_range(timeline.clone());
        self.timeline.seek(timeline.position());
    }

    /// The run on show (the left one when comparing).
    #[cfg(test)]
    fn run_data(&self) -> Option<&RunData> {
        match &self.data {
            SceneData::Run(data) => Some(data),
            SceneData::Compare(data) => Some(&data.a),
            SceneData::Cost => None,
        }
    }
}

impl Tab for CpuTab {
    fn id(&self) -> &'static str {
        TAB_ID
    }

    fn title(&self) -> &'static str {
        "CPU virtualization"
    }

    fn open(&mut self, link: &SceneLink) -> Result<(), LinkError> {
        let scene = CpuScene::parse(link)?;
        let hide_future = hide_future_param(link)?;
        let (data, timeline) = self.prepare(&scene, Some(link))?;
        self.commit(scene, data, &timeline);
        self.timeline.set_ahead_hidden(hide_future);
        self.timeline.pause();
        Ok(())
    }

    fn link(&self) -> SceneLink {
        let mut link = self.scene.link();
        if self.scene.has_steps() {
            print_hide_future(&mut link, self.timeline.ahead_hidden());
            let (key, value) = self.timeline.link_value();
            link.set(key, value);
        }
        link
    }

    fn scenes(&self) -> Vec<SceneLink> {
        let mut scenes = Vec::new();
        for mode in Mode::ALL {
            for program in Program::ALL {
                let Ok(data) = RunData::new(*mode, *program) else {
                    continue;
                };
                let place = CpuScene::Run {
                    mode: *mode,
                    program: *program,
                    umip: false,
                }
                .link();
                for step in data.named_steps(*mode) {
                    scenes.push(place.clone().with("step", step));
                }
            }
        }
        let pairs = [
            [Mode::TrapEmulate, Mode::BinaryTranslation],
            [Mode::BinaryTranslation, Mode::VtX],
        ];
        for program in Program::ALL {
            for [a, b] in pairs {
                scenes.push(
                    CpuScene::Compare {
                        program: *program,
                        a,
                        b,
                        umip: false,
                    }
                    .link()
                    .with("step", 0),
                );
            }
        }
        // A CPU with UMIP (CR4.UMIP = 1): sgdt now traps and is emulated; popf still loses
        // the tick.
        for program in [Program::Sgdt, Program::Popf] {
            let umip = CpuScene::Run {
                mode: Mode::TrapEmulate,
                program,
                umip: true,
            };
            if let Ok(data) = RunData::on_cpu(Mode::TrapEmulate, program, true) {
                let mut steps = data.named_steps(Mode::TrapEmulate);
                steps.extend(
                    (data.trace.steps.iter().enumerate())
                        .filter(|(_, step)| step.slug == "emulate")
                        .map(|(index, _)| index),
                );
                steps.sort_unstable();
                steps.dedup();
                for step in steps {
                    scenes.push(umip.link().with("step", step));
                }
            }
            scenes.push(
                CpuScene::Compare {
                    program,
                    a: Mode::TrapEmulate,
                    b: Mode::VtX,
                    umip: true,
                }
                .link()
                .with("step", 0),
            );
        }
        for sensitive in [1e-5, 1e-4, 1e-3, 1e-2, 0.1] {
            scenes.push(
                CpuScene::Cost {
                    sensitive,
                    workload: Workload::Fork,
                    program: None,
                }
                .link(),
            );
        }
        for workload in [Workload::Syscall, Workload::Scan] {
            scenes.push(
                CpuScene::Cost {
                    sensitive: DEFAULT_SENSITIVE,
                    workload,
                    program: None,
                }
                .link(),
            );
        }
        scenes.push(
            CpuScene::Cost {
                sensitive: 0.01,
                workload: Workload::Fork,
                program: Some(Program::PageTable),
            }
            .link(),
        );
        scenes
    }

    fn timeline(&mut self) -> Option<&mut Timeline> {
        self.scene.has_steps().then_some(&mut self.timeline)
    }

    fn controls_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        if let Some(scene) = view::controls::controls_ui(ui, theme, &self.scene, self.choices) {
            self.switch_to(scene);
        }
    }

    fn canvas_ui(&mut self, ui: &mut egui::Ui, theme: &Theme) {
        let picked = match &self.data {
            SceneData::Run(data) => {
                view::run::canvas_ui(ui, theme, data, &self.timeline);
                None
            }
            SceneData::Compare(data) => {
                view::compare::canvas_ui(ui, theme, data, &self.timeline);
                None
            }
            SceneData::Cost => match (&self.cost, self.scene) {
                (
                    Some(cost),
                    CpuScene::Cost {
                        sensitive,
                        workload,
                        program,
                    },
                ) => view::cost::canvas_ui(ui, theme, cost, sensitive, workload, program),
                _ => None,
            },
        };
        if let (
            Some(sensitive),
            CpuScene::Cost {
                workload, program, ..
            },
        ) = (picked, self.scene)
        {
            self.switch_to(CpuScene::Cost {
                sensitive,
                workload,
                program,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(tab: &mut CpuTab, text: &str) -> Result<(), LinkError> {
        tab.open(&SceneLink::parse(text).expect("well-formed"))
    }

    #[test]
    fn bare_link_opens_the_documented_default() {
        let mut tab = CpuTab::default();
        open(&mut tab, "cpu").expect("opens");
        assert_eq!(
            tab.link().to_string(),
            "cpu/trap-emulate?program=disk-write&step=0"
        );
    }

    #[test]
    fn step_slugs_resolve_to_their_first_step() {
        let mut tab = CpuTab::default();
        open(&mut tab, "cpu/trap-emulate?program=disk-write&step=trap").expect("opens");
        let data = tab.run_data().expect("a run");
        let trap = data.trace.first_step("trap").expect("traps");
        assert_eq!(tab.link().get("step"), Some(trap.to_string().as_str()));

        open(&mut tab, "cpu/trap-emulate?program=popf&step=irq-lost").expect("opens");
        let last = tab.run_data().expect("a run").trace.len() - 1;
        assert_eq!(
            tab.link().to_string(),
            format!("cpu/trap-emulate?program=popf&step={last}")
        );
    }

    #[test]
    fn compare_links_accept_slugs_of_either_side() {
        let mut tab = CpuTab::default();
        open(
            &mut tab,
            "cpu/compare?program=popf&a=trap-emulate&b=binary-translation&step=translate",
        )
        .expect("opens");
        let link = tab.link();
        assert_eq!(
            link.place().to_string(),
            "cpu/compare?program=popf&a=trap-emulate&b=binary-translation"
        );
        assert_ne!(link.get("step"), Some("0"));
        let err = open(
            &mut tab,
            "cpu/compare?program=popf&a=trap-emulate&b=native&step=hypercall",
        )
        .expect_err("no hypercall in either")
        .to_string();
        assert!(err.contains("\"hypercall\""), "{err}");
        assert_eq!(tab.link(), link, "a bad link leaves the tab as it was");
    }

    #[test]
    fn bad_steps_and_values_leave_the_tab_unchanged() {
        let mut tab = CpuTab::default();
        open(&mut tab, "cpu/vt-x?program=timer&step=3").expect("opens");
        let before = tab.link();
        for bad in [
            "cpu/vt-x?program=timer&step=999",
            "cpu/vt-x?program=timer&step=hypercall",
            "cpu/vt-x?program=nope",
            "cpu/cost?sensitive=2",
            "cpu/cost?workload=boot",
            "cpu/warp",
        ] {
            assert!(open(&mut tab, bad).is_err(), "{bad}");
            assert_eq!(tab.link(), before, "{bad}");
        }
    }

    #[test]
    fn cost_links_have_no_timeline_and_round_trip() {
        let mut tab = CpuTab::default();
        open(&mut tab, "cpu/cost?sensitive=0.001").expect("opens");
        assert!(tab.timeline().is_none());
        assert_eq!(
            tab.link().to_string(),
            "cpu/cost?sensitive=0.001&workload=fork"
        );
        // An old link (the axis ran 0..1) opens at the new axis's end.
        open(&mut tab, "cpu/cost?program=popf&sensitive=0.25").expect("opens");
        assert_eq!(
            tab.link().to_string(),
            "cpu/cost?sensitive=0.1&workload=fork&program=popf"
        );
    }

    #[test]
    fn scenes_stay_under_the_budget_and_cover_every_mode() {
        let scenes = CpuTab::default().scenes();
        assert!(scenes.len() < 400, "{} scenes", scenes.len());
        for mode in Mode::ALL {
            assert!(
                scenes
                    .iter()
                    .any(|link| link.view.as_deref() == Some(mode.slug()))
            );
        }
    }

    #[test]
    fn switching_views_keeps_the_program() {
        let mut tab = CpuTab::default();
        open(&mut tab, "cpu/native?program=sgdt&step=2").expect("opens");
        tab.switch_to(CpuScene::Run {
            mode: Mode::VtX,
            program: tab.choices.program,
            umip: tab.choices.umip,
        });
        assert_eq!(tab.link().to_string(), "cpu/vt-x?program=sgdt&step=0");
    }
}
