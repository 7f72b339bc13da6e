//! The cpu tab's scene links, parsed and printed without touching any egui state.
//!
//! Links (SCENES.md):
//! - `cpu/<mode>?program=<program>&umip=true&step=N|<slug>` with modes native, trap-emulate,
//!   binary-translation, paravirt, vt-x (`umip=true`: the CPU has CR4.UMIP set);
//! - `cpu/compare?program=<program>&a=<mode>&b=<mode>&umip=true&step=N`;
//! - `cpu/cost?sensitive=<share>&workload=<workload>[&program=<program>]`: the share of sensitive
//!   instructions on the chart's log axis (1e-6 to 0.1). Older links with a share up to 1 still
//!   open: the share is kept where the axis has it and moved to the axis's end (0.1) above it, or
//!   its start (1e-6) at 0; without `workload=` they show the fork workload.
//!
//! `cpu` with no view opens [`DEFAULT_MODE`] running [`DEFAULT_PROGRAM`] (trap-and-emulate on the disk
//! write: the first thing the deck asks about). Omitted keys take the defaults below. Printing is
//! canonical: the view is always named, then `program`, then `a` and `b`, then `umip` (only when
//! true), then `step`; the cost view prints `sensitive`, `workload`, then the optional `program`.
//! The `step` value itself is checked against the
//! scene's trace by the tab, because only the trace knows its steps.

use super::model::slowdown::{Workload, round_share};
use super::model::{Mode, Program};
use crate::scene::{
    HIDE_KEY, LinkError, SceneLink, bool_param, check_keys, choice_param, number_param,
};

/// The tab id.
pub const TAB_ID: &str = "cpu";

/// The mode a bare `cpu` link opens.
pub const DEFAULT_MODE: Mode = Mode::TrapEmulate;

/// The program a link without `program=` runs.
pub const DEFAULT_PROGRAM: Program = Program::DiskWrite;

/// The pair a compare link without `a=`/`b=` shows.
pub const DEFAULT_PAIR: [Mode; 2] = [Mode::Native, Mode::TrapEmulate];

/// The share of sensitive instructions a cost link without `sensitive=` marks: 0.1 %, where real
/// guests are (well under 1 %, domain.md).
pub const DEFAULT_SENSITIVE: f64 = 0.001;

/// The workload a cost link without `workload=` shows.
pub const DEFAULT_WORKLOAD: Workload = Workload::Fork;

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
        /// The CPU has UMIP (CR4.UMIP = 1): SGDT faults at CPL > 0.
        umip: bool,
    },
    /// One program under two modes in lockstep.
    Compare {
        /// The program.
        program: Program,
        /// The left mode.
        a: Mode,
        /// The right mode.
        b: Mode,
        /// The CPU has UMIP (CR4.UMIP = 1).
        umip: bool,
    },
    /// Slowdown versus the share of sensitive instructions, for BT and both VT-x generations.
    Cost {
        /// Where the marker stands (`slowdown::MIN_SHARE..=slowdown::MAX_SHARE`).
        sensitive: f64,
        /// The workload the lines are for.
        workload: Workload,
        /// The program whose totals row is highlighted, if any.
        program: Option<Program>,
    },
}

impl Default for CpuScene {
    fn default() -> Self {
        Self::Run {
            mode: DEFAULT_MODE,
            program: DEFAULT_PROGRAM,
            umip: false,
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
                check_keys(link, &["program", "umip", HIDE_KEY, "step"])?;
                Ok(Self::Run {
                    mode: DEFAULT_MODE,
                    program: choice_param(link, "program", &programs, DEFAULT_PROGRAM)?,
                    umip: bool_param(link, "umip", false)?,
                })
            }
            Some(COMPARE_VIEW) => {
                check_keys(link, &["program", "a", "b", "umip", "step"])?;
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
                Ok(Self::Compare {
                    program,
                    a,
                    b,
                    umip: bool_param(link, "umip", false)?,
                })
            }
            Some(COST_VIEW) => {
                check_keys(link, &["sensitive", "workload", "program"])?;
                // Links from before the log axis took 0..=1: they still open, moved into range.
                let sensitive = round_share(number_param(
                    link,
                    "sensitive",
                    0.0,
                    1.0,
                    DEFAULT_SENSITIVE,
                )?);
                let workloads: Vec<(&str, Workload)> = Workload::ALL
                    .iter()
                    .map(|workload| (workload.slug(), *workload))
                    .collect();
                let workload = choice_param(link, "workload", &workloads, DEFAULT_WORKLOAD)?;
                let program = link
                    .get("program")
                    .map(|_| choice_param(link, "program", &programs, DEFAULT_PROGRAM))
                    .transpose()?;
                Ok(Self::Cost {
                    sensitive,
                    workload,
                    program,
                })
            }
            Some(view) => match Mode::from_slug(view) {
                Some(mode) => {
                    check_keys(link, &["program", "umip", HIDE_KEY, "step"])?;
                    Ok(Self::Run {
                        mode,
                        program: choice_param(link, "program", &programs, DEFAULT_PROGRAM)?,
                        umip: bool_param(link, "umip", false)?,
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
        let with_umip = |link: SceneLink, umip: bool| {
            if umip {
                link.with("umip", "true")
            } else {
                link
            }
        };
        match *self {
            Self::Run {
                mode,
                program,
                umip,
            } => with_umip(
                SceneLink::view(TAB_ID, mode.slug()).with("program", program.slug()),
                umip,
            ),
            Self::Compare {
                program,
                a,
                b,
                umip,
            } => with_umip(
                SceneLink::view(TAB_ID, COMPARE_VIEW)
                    .with("program", program.slug())
                    .with("a", a.slug())
                    .with("b", b.slug()),
                umip,
            ),
            Self::Cost {
                sensitive,
                workload,
                program,
            } => {
                let link = SceneLink::view(TAB_ID, COST_VIEW)
                    .with("sensitive", sensitive)
                    .with("workload", workload.slug());
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

    /// Whether the scene's CPU has UMIP.
    pub fn umip(&self) -> bool {
        match *self {
            Self::Run { umip, .. } | Self::Compare { umip, .. } => umip,
            Self::Cost { .. } => false,
        }
    }

    /// The program the scene runs or highlights.
    pub fn program(&self) -> Option<Program> {
        match *self {
            Self::Run { program, .. } | Self::Compare { program, .. } => Some(program),
            Self::Cost { program, .. } => program,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::slowdown::{MAX_SHARE, MIN_SHARE};
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
                program: Program::Popf,
                umip: false,
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
            ("cpu/cost", "cpu/cost?sensitive=0.001&workload=fork"),
            (
                "cpu/cost?program=popf&workload=scan&sensitive=0.0001",
                "cpu/cost?sensitive=0.0001&workload=scan&program=popf",
            ),
            (
                "cpu/cost?sensitive=0.1",
                "cpu/cost?sensitive=0.1&workload=fork",
            ),
            (
                "cpu/trap-emulate?umip=true&program=sgdt&step=3",
                "cpu/trap-emulate?program=sgdt&umip=true",
            ),
            (
                "cpu/compare?umip=true&program=popf&a=trap-emulate&b=vt-x",
                "cpu/compare?program=popf&a=trap-emulate&b=vt-x&umip=true",
            ),
            (
                "cpu/native?program=sgdt&umip=false",
                "cpu/native?program=sgdt",
            ),
        ];
        for (input, canonical) in cases {
            let scene = parse(input).unwrap_or_else(|err| panic!("{input}: {err}"));
            assert_eq!(scene.link().to_string(), canonical, "{input}");
            assert_eq!(parse(canonical), Ok(scene), "{canonical}");
        }
        for mode in Mode::ALL {
            for program in Program::ALL {
                for umip in [false, true] {
                    let scene = CpuScene::Run {
                        mode: *mode,
                        program: *program,
                        umip,
                    };
                    assert_eq!(CpuScene::parse(&scene.link()), Ok(scene));
                }
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
            ("cpu/cost?workload=popf", "\"popf\""),
            ("cpu?a=native", "unknown key \"a\""),
            ("cpu/native?umip=maybe", "expected true or false"),
            ("cpu/cost?umip=true", "unknown key \"umip\""),
        ];
        for (input, expected) in cases {
            let err = parse(input).expect_err(input).to_string();
            assert!(err.contains(expected), "{input}: {err}");
        }
    }

    #[test]
    fn links_from_before_the_log_axis_still_open() {
        // The old axis ran 0..1 (cpu/cost?sensitive=0.5 or =0 were valid): they open at the new
        // axis's ends, and a share inside the range keeps its meaning.
        let cases = [
            ("cpu/cost?sensitive=0.5", MAX_SHARE),
            ("cpu/cost?sensitive=1", MAX_SHARE),
            ("cpu/cost?sensitive=0", MIN_SHARE),
            ("cpu/cost?sensitive=0.05", 0.05),
            ("cpu/cost?sensitive=0.1234", MAX_SHARE),
            ("cpu/cost?sensitive=0.0123", 0.012),
        ];
        for (old, share) in cases {
            match parse(old) {
                Ok(CpuScene::Cost { sensitive, .. }) => assert_eq!(sensitive, share, "{old}"),
                other => panic!("{old}: {other:?}"),
            }
        }
    }
}
