//! The cpu tab's scene links, parsed and printed without touching any egui state.
//!
//! Links (SCENES.md):
//! - `cpu/<mode>?program=<program>&step=N|<slug>` with modes native, trap-emulate,
//!   binary-translation, paravirt, vt-x;
//! - `cpu/compare?program=<program>&a=<mode>&b=<mode>&step=N`;
//! - `cpu/cost?sensitive=<0..1>[&program=<program>]`.
//!
//! `cpu` with no view opens [`DEFAULT_MODE`] running [`DEFAULT_PROGRAM`] (trap-and-emulate on the disk
//! write: the first thing the deck asks about). Omitted keys take the defaults below. Printing is
//! canonical: the view is always named, then `program`, then `a` and `b`, then `step`; the cost view
//! prints `sensitive` then the optional `program`. The `step` value itself is checked against the
//! scene's trace by the tab, because only the trace knows its steps.

use super::model::{Mode, Program};
use crate::scene::{LinkError, SceneLink, check_keys, choice_param, number_param};

/// The tab id.
pub const TAB_ID: &str = "cpu";

/// The mode a bare `cpu` link opens.
pub const DEFAULT_MODE: Mode = Mode::TrapEmulate;

/// The program a link without `program=` runs.
pub const DEFAULT_PROGRAM: Program = Program::DiskWrite;

/// The pair a compare link without `a=`/`b=` shows.
pub const DEFAULT_PAIR: [Mode; 2] = [Mode::Native, Mode::TrapEmulate];

/// The sensitive fraction a cost link without `sensitive=` marks (an illustrative 5 %).
pub const DEFAULT_SENSITIVE: f64 = 0.05;

/// The view name of the side-by-side comparison.
pub const COMPARE_VIEW: &str = "compare";

/// The view name of the cost chart.
pub const COST_VIEW: &str = "cost";

/// What a cpu link shows, position aside.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CpuScene {
    /// One program under one mode.
    Run {
        /// The mode.
        mode: Mode,
        /// The program.
        program: Program,
    },
    /// One program under two modes in lockstep.
    Compare {
        /// The program.
        program: Program,
        /// The left mode.
        a: Mode,
        /// The right mode.
        b: Mode,
    },
    /// Slowdown versus the fraction of sensitive instructions, for every mode.
    Cost {
        /// Where the marker stands (0..=1).
        sensitive: f64,
        /// The program whose totals row is highlighted, if any.
        program: Option<Program>,
    },
}

impl Default for CpuScene {
    fn default() -> Self {
        Self::Run {
            mode: DEFAULT_MODE,
            program: DEFAULT_PROGRAM,
        }
    }
}

/// Every view name, for error messages and pickers.
pub fn view_names() -> Vec<&'static str> {
    Mode::ALL
        .iter()
        .map(|mode| mode.slug())
        .chain([COMPARE_VIEW, COST_VIEW])
        .collect()
}

fn mode_choices() -> Vec<(&'static str, Mode)> {
    Mode::ALL.iter().map(|mode| (mode.slug(), *mode)).collect()
}

fn program_choices() -> Vec<(&'static str, Program)> {
    Program::ALL
        .iter()
        .map(|program| (program.slug(), *program))
        .collect()
}

impl CpuScene {
    /// Parses every part of `link` except the value of `step` (see the module docs).
    pub fn parse(link: &SceneLink) -> Result<Self, LinkError> {
        let view = link.view.as_deref();
        let programs = program_choices();
        match view {
            None => {
                check_keys(link, &["program", "step"])?;
                Ok(Self::Run {
                    mode: DEFAULT_MODE,
                    program: choice_param(link, "program", &programs, DEFAULT_PROGRAM)?,
                })
            }
            Some(COMPARE_VIEW) => {
                check_keys(link, &["program", "a", "b", "step"])?;
                let modes = mode_choices();
                let program = choice_param(link, "program", &programs, DEFAULT_PROGRAM)?;
                let a = choice_param(link, "a", &modes, DEFAULT_PAIR[0])?;
                let b = choice_param(link, "b", &modes, DEFAULT_PAIR[1])?;
                if a == b {
                    return Err(LinkError::BadValue {
                        key: "b".to_owned(),
                        value: b.slug().to_owned(),
                        reason: "a and b must be two different modes".to_owned(),
                    });
                }
                Ok(Self::Compare { program, a, b })
            }
            Some(COST_VIEW) => {
                check_keys(link, &["sensitive", "program"])?;
                let sensitive = number_param(link, "sensitive", 0.0, 1.0, DEFAULT_SENSITIVE)?;
                let program = link
                    .get("program")
                    .map(|_| choice_param(link, "program", &programs, DEFAULT_PROGRAM))
                    .transpose()?;
                Ok(Self::Cost { sensitive, program })
            }
            Some(view) => match Mode::from_slug(view) {
                Some(mode) => {
                    check_keys(link, &["program", "step"])?;
                    Ok(Self::Run {
                        mode,
                        program: choice_param(link, "program", &programs, DEFAULT_PROGRAM)?,
                    })
                }
                None => Err(LinkError::UnknownView {
                    tab: link.tab.clone(),
                    view: view.to_owned(),
                    known: view_names().join(", "),
                }),
            },
        }
    }

    /// The canonical link, without the position.
    pub fn link(&self) -> SceneLink {
        match *self {
            Self::Run { mode, program } => {
                SceneLink::view(TAB_ID, mode.slug()).with("program", program.slug())
            }
            Self::Compare { program, a, b } => SceneLink::view(TAB_ID, COMPARE_VIEW)
                .with("program", program.slug())
                .with("a", a.slug())
                .with("b", b.slug()),
            Self::Cost { sensitive, program } => {
                let link = SceneLink::view(TAB_ID, COST_VIEW).with("sensitive", sensitive);
                match program {
                    Some(program) => link.with("program", program.slug()),
                    None => link,
                }
            }
        }
    }

    /// Whether the scene has a step timeline (the cost view does not).
    pub fn has_steps(&self) -> bool {
        !matches!(self, Self::Cost { .. })
    }

    /// The program the scene runs or highlights.
    pub fn program(&self) -> Option<Program> {
        match *self {
            Self::Run { program, .. } | Self::Compare { program, .. } => Some(program),
            Self::Cost { program, .. } => program,
        }
    }
}

/// Rounds a slider value to the hundredths a link prints.
pub fn round_fraction(value: f64) -> f64 {
    ((value.clamp(0.0, 1.0)) * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<CpuScene, LinkError> {
        CpuScene::parse(&SceneLink::parse(text).expect("well-formed"))
    }

    #[test]
    fn bare_cpu_opens_trap_and_emulate_on_the_disk_write() {
        assert_eq!(parse("cpu"), Ok(CpuScene::default()));
        assert_eq!(
            CpuScene::default().link().to_string(),
            "cpu/trap-emulate?program=disk-write"
        );
        assert_eq!(
            parse("cpu?program=popf"),
            Ok(CpuScene::Run {
                mode: Mode::TrapEmulate,
                program: Program::Popf
            })
        );
    }

    #[test]
    fn every_view_prints_canonically_and_round_trips() {
        let cases = [
            ("cpu/vt-x?step=3&program=timer", "cpu/vt-x?program=timer"),
            (
                "cpu/compare?b=paravirt&step=2&a=trap-emulate&program=disk-write",
                "cpu/compare?program=disk-write&a=trap-emulate&b=paravirt",
            ),
            (
                "cpu/compare",
                "cpu/compare?program=disk-write&a=native&b=trap-emulate",
            ),
            ("cpu/cost", "cpu/cost?sensitive=0.05"),
            (
                "cpu/cost?program=popf&sensitive=0.1",
                "cpu/cost?sensitive=0.1&program=popf",
            ),
            ("cpu/cost?sensitive=1", "cpu/cost?sensitive=1"),
        ];
        for (input, canonical) in cases {
            let scene = parse(input).unwrap_or_else(|err| panic!("{input}: {err}"));
            assert_eq!(scene.link().to_string(), canonical, "{input}");
            assert_eq!(parse(canonical), Ok(scene), "{canonical}");
        }
        for mode in Mode::ALL {
            for program in Program::ALL {
                let scene = CpuScene::Run {
                    mode: *mode,
                    program: *program,
                };
                assert_eq!(CpuScene::parse(&scene.link()), Ok(scene));
            }
        }
    }

    #[test]
    fn bad_parts_are_named() {
        let cases = [
            ("cpu/vmx", "unknown view \"vmx\""),
            ("cpu/trap-emulate?program=fork", "\"fork\""),
            (
                "cpu/trap-emulate?sensitive=0.1",
                "unknown key \"sensitive\"",
            ),
            (
                "cpu/compare?a=native&b=native",
                "a and b must be two different modes",
            ),
            ("cpu/compare?a=vmx", "\"vmx\""),
            ("cpu/cost?sensitive=1.5", "between 0 and 1"),
            ("cpu/cost?sensitive=much", "not a number"),
            ("cpu/cost?step=2", "unknown key \"step\""),
            ("cpu/cost?program=fork", "\"fork\""),
            ("cpu?a=native", "unknown key \"a\""),
        ];
        for (input, expected) in cases {
            let err = parse(input).expect_err(input).to_string();
            assert!(err.contains(expected), "{input}: {err}");
        }
    }

    #[test]
    fn slider_values_round_to_hundredths() {
        assert_eq!(round_fraction(0.300_000_000_000_000_04), 0.3);
        assert_eq!(round_fraction(-1.0), 0.0);
        assert_eq!(round_fraction(2.0), 1.0);
        let scene = CpuScene::Cost {
            sensitive: round_fraction(0.1234),
            program: None,
        };
        assert_eq!(scene.link().to_string(), "cpu/cost?sensitive=0.12");
    }
}
