//! The cpu tab's controls above the canvas (not exported): the view switch, the program picker,
//! the pair of modes to compare, the sensitive-fraction slider, and a short description.
//!
//! Every control is a plain egui widget with a visible label, so the UI tests click them by name.

use crate::tabs::cpu::link::CpuScene;
use crate::tabs::cpu::model::slowdown::{MAX_SHARE, MIN_SHARE, Workload, percent, round_share};
use crate::tabs::cpu::model::{Mode, Program};
use crate::theme::Theme;

/// The choices a view switch keeps (the last program, pair and fraction).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Remembered {
    /// The last single mode shown.
    pub mode: Mode,
    /// The last program run.
    pub program: Program,
    /// The last pair compared.
    pub pair: [Mode; 2],
    /// The last share of sensitive instructions.
    pub sensitive: f64,
    /// The last cost workload.
    pub workload: Workload,
    /// Whether the last run's CPU had UMIP.
    pub umip: bool,
}

/// The view switch's label for the comparison.
pub const COMPARE_LABEL: &str = "Compare two modes";

/// The view switch's label for the cost chart.
pub const COST_LABEL: &str = "Cost of virtualization";

/// A short name for a program button.
pub fn program_label(program: Program) -> &'static str {
    match program {
        Program::DiskWrite => "Disk write",
        Program::Popf => "popf",
        Program::PageTable => "Page table",
        Program::Timer => "Timer",
        Program::SyscallLoop => "Syscall loop",
        Program::Compute => "Compute",
        Program::Sgdt => "sgdt",
    }
}

/// Draws the controls; returns the scene the student picked, if any.
pub fn controls_ui(
    ui: &mut egui::Ui,
    theme: &Theme,
    scene: &CpuScene,
    remembered: Remembered,
) -> Option<CpuScene> {
    let mut picked = None;
    let program = scene.program().unwrap_or(remembered.program);
    ui.horizontal_wrapped(|ui| {
        ui.label("View");
        for mode in Mode::ALL {
            let selected = matches!(scene, CpuScene::Run { mode: shown, .. } if shown == mode);
            if ui
                .selectable_label(selected, mode.title())
                .on_hover_text(mode.description())
                .clicked()
            {
                picked = Some(CpuScene::Run {
                    mode: *mode,
                    program,
                    umip: remembered.umip,
                });
            }
        }
        ui.separator();
        let comparing = matches!(scene, CpuScene::Compare { .. });
        if ui.selectable_label(comparing, COMPARE_LABEL).clicked() {
            let [a, b] = remembered.pair;
            picked = Some(CpuScene::Compare {
                program,
                a,
                b,
                umip: remembered.umip,
            });
        }
        let costing = matches!(scene, CpuScene::Cost { .. });
        if ui.selectable_label(costing, COST_LABEL).clicked() {
            picked = Some(CpuScene::Cost {
                sensitive: remembered.sensitive,
                workload: remembered.workload,
                program: None,
            });
        }
    });
    ui.horizontal_wrapped(|ui| {
        let highlighting = matches!(scene, CpuScene::Cost { .. });
        ui.label(if highlighting {
            "Highlight program"
        } else {
            "Program"
        });
        for candidate in Program::ALL {
            let selected = scene.program() == Some(*candidate);
            let response = ui
                .selectable_label(selected, program_label(*candidate))
                .on_hover_text(candidate.title());
            if response.clicked() {
                picked = Some(with_program(scene, *candidate, selected));
            }
        }
        match *scene {
            CpuScene::Compare {
                program,
                a,
                b,
                umip,
            } => {
                ui.separator();
                let new_a = mode_picker(ui, "Left", a, b);
                let new_b = mode_picker(ui, "Right", b, a);
                if new_a != a || new_b != b {
                    picked = Some(CpuScene::Compare {
                        program,
                        a: new_a,
                        b: new_b,
                        umip,
                    });
                }
            }
            CpuScene::Cost {
                sensitive,
                workload,
                program,
            } => {
                ui.separator();
                ui.label("Workload");
                for candidate in Workload::ALL {
                    if ui
                        .selectable_label(workload == *candidate, candidate.title())
                        .clicked()
                    {
                        picked = Some(CpuScene::Cost {
                            sensitive,
                            workload: *candidate,
                            program,
                        });
                    }
                }
                ui.separator();
                let mut value = sensitive;
                let slider = egui::Slider::new(&mut value, MIN_SHARE..=MAX_SHARE)
                    .logarithmic(true)
                    .custom_formatter(|share, _| percent(share))
                    .text("sensitive instructions");
                if ui.add(slider).changed() {
                    picked = Some(CpuScene::Cost {
                        sensitive: round_share(value),
                        workload,
                        program,
                    });
                }
            }
            CpuScene::Run { .. } => {}
        }
        if !matches!(scene, CpuScene::Cost { .. }) {
            ui.separator();
            let mut umip = scene.umip();
            if ui
                .checkbox(&mut umip, UMIP_LABEL)
                .on_hover_text(UMIP_HINT)
                .changed()
            {
                picked = Some(with_umip(scene, umip));
            }
        }
    });
    let description = match *scene {
        CpuScene::Run { mode, program, .. } => {
            format!("{} {}", program.description(), mode.description())
        }
        CpuScene::Compare { program, .. } => program.description().to_owned(),
        CpuScene::Cost { .. } => {
            "Slowdown over native as the share of sensitive instructions grows, for binary translation and both VT-x generations on the same workload; then the toy programs' totals."
                .to_owned()
        }
    };
    ui.label(egui::RichText::new(description).font(theme.small()));
    picked
}

/// The scene with another program (in the cost view, clicking the highlighted one clears it).
fn with_program(scene: &CpuScene, program: Program, selected: bool) -> CpuScene {
    match *scene {
        CpuScene::Run { mode, umip, .. } => CpuScene::Run {
            mode,
            program,
            umip,
        },
        CpuScene::Compare { a, b, umip, .. } => CpuScene::Compare {
            program,
            a,
            b,
            umip,
        },
        CpuScene::Cost {
            sensitive,
            workload,
            ..
        } => CpuScene::Cost {
            sensitive,
            workload,
            program: (!selected).then_some(program),
        },
    }
}

/// The UMIP switch's label.
pub const UMIP_LABEL: &str = "CPU with UMIP";

/// What the UMIP switch does (Intel SDM; domain.md section 1).
const UMIP_HINT: &str = "CR4.UMIP = 1 (Intel since about 2018, AMD Zen 2): SGDT, SIDT, SLDT, SMSW and STR raise #GP outside ring 0, so trap-and-emulate catches sgdt. POPF still fails silently: UMIP does not fix it.";

/// The scene on a CPU with or without UMIP (the cost view has no CPU to switch).
fn with_umip(scene: &CpuScene, umip: bool) -> CpuScene {
    match *scene {
        CpuScene::Run { mode, program, .. } => CpuScene::Run {
            mode,
            program,
            umip,
        },
        CpuScene::Compare { program, a, b, .. } => CpuScene::Compare {
            program,
            a,
            b,
            umip,
        },
        cost @ CpuScene::Cost { .. } => cost,
    }
}

/// A combo box of modes other than `other`.
fn mode_picker(ui: &mut egui::Ui, label: &str, current: Mode, other: Mode) -> Mode {
    let mut chosen = current;
    egui::ComboBox::from_label(label)
        .selected_text(current.title())
        .show_ui(ui, |ui| {
            for mode in Mode::ALL.iter().filter(|mode| **mode != other) {
                ui.selectable_value(&mut chosen, *mode, mode.title());
            }
        });
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picking_a_program_keeps_the_view() {
        let run = CpuScene::Run {
            mode: Mode::VtX,
            program: Program::Popf,
            umip: true,
        };
        assert_eq!(
            with_program(&run, Program::Timer, false),
            CpuScene::Run {
                mode: Mode::VtX,
                program: Program::Timer,
                umip: true,
            }
        );
        assert_eq!(
            with_umip(&run, false),
            CpuScene::Run {
                mode: Mode::VtX,
                program: Program::Popf,
                umip: false,
            }
        );
        let cost = CpuScene::Cost {
            sensitive: 0.1,
            workload: Workload::Fork,
            program: Some(Program::Popf),
        };
        assert_eq!(
            with_program(&cost, Program::Popf, true),
            CpuScene::Cost {
                sensitive: 0.1,
                workload: Workload::Fork,
                program: None
            }
        );
    }
}
