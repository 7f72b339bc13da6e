//! What a cpu scene shows, computed once when its parameters change and read every frame.
//!
//! Running a program, cutting its listings into display lines and aligning two traces all happen
//! here, outside egui, so that drawing a frame is only lookups (the per-frame budget) and so that the
//! derived facts the captions use (where the tick went pending, which translated block is on show)
//! are tested like the model.

use super::link::CpuScene;
use super::model::cost::ModeTotal;
use super::model::slowdown::{self, Line, MemoryInputs, Workload};
use super::model::trace::{ListingRef, Step};
use super::model::{
    CostModel, Mode, Program, RunError, Trace, lockstep, program_totals, run_on_cpu,
};

/// Points per slowdown curve.
pub const CURVE_SAMPLES: usize = 101;

/// The steps worth listing as scenes for each mode, besides the first and the last: the moments
/// that show what the mode does (listing every instruction would add hundreds of near-identical
/// links; every step stays reachable by link and by stepping).
pub fn signature_slugs(mode: Mode) -> &'static [&'static str] {
    match mode {
        Mode::Native => &["syscall", "gp", "irq"],
        Mode::TrapEmulate => &["trap", "emulate", "resume", "popf", "sgdt", "irq-lost"],
        Mode::BinaryTranslation => &["translate", "tc-hit", "callout"],
        Mode::Paravirt => &["hypercall"],
        Mode::VtX => &["vm-exit", "vm-entry"],
    }
}

/// One program run under one mode, with its listings as display lines.
#[derive(Debug, Clone, PartialEq)]
pub struct RunData {
    /// The run.
    pub trace: Trace,
    /// The application's lines (empty for kernel-only programs).
    pub app: Vec<String>,
    /// The kernel's lines (the modified kernel under paravirtualization).
    pub kernel: Vec<String>,
    /// The application's lines with runs of spaces collapsed, for narrow lanes.
    pub app_compact: Vec<String>,
    /// The kernel's lines with runs of spaces collapsed, for narrow lanes.
    pub kernel_compact: Vec<String>,
    /// Each translated block's lines, code only (the source line is beside it).
    pub blocks: Vec<Vec<String>>,
    /// Per step: the translated block on show and the op being run in it, if any.
    pub shown_block: Vec<Option<(usize, Option<usize>)>>,
    /// Whether the CPU has UMIP (CR4.UMIP = 1).
    pub umip: bool,
}

impl RunData {
    /// Runs `program` under `mode` on a CPU without UMIP (presets always run; a failure is a
    /// model bug).
    pub fn new(mode: Mode, program: Program) -> Result<Self, RunError> {
        Self::on_cpu(mode, program, false)
    }

    /// Runs `program` under `mode` on a CPU with or without UMIP.
    pub fn on_cpu(mode: Mode, program: Program, umip: bool) -> Result<Self, RunError> {
        let trace = run_on_cpu(mode, program, umip)?;
        let app = trace.listing_lines(ListingRef::App);
        let kernel = trace.listing_lines(ListingRef::Kernel);
        let blocks = (0..trace.blocks.len())
            .map(|block| {
                trace
                    .listing_lines(ListingRef::Translated(block))
                    .iter()
                    .map(|text| code_part(text).to_owned())
                    .collect()
            })
            .collect();
        let shown_block = shown_blocks(&trace);
        Ok(Self {
            trace,
            app_compact: compact(&app),
            kernel_compact: compact(&kernel),
            app,
            kernel,
            blocks,
            shown_block,
            umip,
        })
    }

    /// The title suffix that names the CPU when it has UMIP.
    pub fn cpu_note(&self) -> &'static str {
        if self.umip { " (CPU with UMIP)" } else { "" }
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.trace.mode
    }

    /// The program.
    pub fn program(&self) -> Program {
        self.trace.program.unwrap_or(super::link::DEFAULT_PROGRAM)
    }

    /// The step marks of the timeline: one per trace step.
    pub fn marks(&self) -> Vec<(String, String)> {
        self.trace
            .steps
            .iter()
            .map(|step| (step.slug.to_owned(), step.label.clone()))
            .collect()
    }

    /// Cycles of the whole run.
    pub fn total_cycles(&self) -> u64 {
        self.trace
            .last()
            .map_or(0, |step| step.state.counters.cycles)
    }

    /// The index of the last step at or before `index` with this slug.
    pub fn last_before(&self, index: usize, slug: &str) -> Option<usize> {
        (self.trace.steps.iter().take(index.saturating_add(1))).rposition(|step| step.slug == slug)
    }

    /// The steps listed as scenes: the first, the last, and the first step of each of the mode's
    /// signature slugs, in order.
    pub fn named_steps(&self, mode: Mode) -> Vec<usize> {
        let mut steps: Vec<usize> = signature_slugs(mode)
            .iter()
            .filter_map(|slug| self.trace.first_step(slug))
            .collect();
        steps.push(0);
        steps.push(self.trace.len().saturating_sub(1));
        steps.sort_unstable();
        steps.dedup();
        steps
    }
}

/// Lines with every run of spaces collapsed to one (labels and comments stay).
fn compact(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The code of a translated op without its "; was ..." note.
fn code_part(text: &str) -> &str {
    text.rsplit_once("; was ")
        .map_or(text, |(code, _)| code)
        .trim_end()
}

/// Which translated block each step shows: the one being run, else the one just translated, else
/// the last one shown.
fn shown_blocks(trace: &Trace) -> Vec<Option<(usize, Option<usize>)>> {
    let mut shown = None;
    trace
        .steps
        .iter()
        .map(|step| {
            if let ListingRef::Translated(block) = step.cursor.listing {
                shown = Some((block, Some(step.cursor.line)));
            } else if step.slug == "translate" && step.state.tc_blocks > 0 {
                shown = Some((step.state.tc_blocks - 1, None));
            } else if let Some((block, _)) = shown {
                shown = Some((block, None));
            }
            shown
        })
        .collect()
}

/// One program under two modes, aligned row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareData {
    /// The left run.
    pub a: RunData,
    /// The right run.
    pub b: RunData,
    /// Aligned step indices `[a, b]`, one row per timeline step.
    pub rows: Vec<[usize; 2]>,
}

impl CompareData {
    /// Runs both modes (on a CPU with or without UMIP) and aligns them.
    pub fn new(program: Program, a: Mode, b: Mode, umip: bool) -> Result<Self, RunError> {
        let a = RunData::on_cpu(a, program, umip)?;
        let b = RunData::on_cpu(b, program, umip)?;
        let mut rows = lockstep(&a.trace, &b.trace);
        if rows.is_empty() {
            rows.push([0, 0]);
        }
        Ok(Self { a, b, rows })
    }

    /// The row at a timeline step.
    pub fn row(&self, step: usize) -> [usize; 2] {
        self.rows
            .get(step)
            .or(self.rows.last())
            .copied()
            .unwrap_or([0, 0])
    }

    /// One mark per row: the slug of the side that moved (both when both moved differently), and
    /// both sides' labels.
    pub fn marks(&self) -> Vec<(String, String)> {
        let mut previous: Option<[usize; 2]> = None;
        self.rows
            .iter()
            .map(|row| {
                let [a, b] = *row;
                // Rows are built from the two traces, so both steps exist; an empty mark keeps
                // the list aligned with the rows if one ever did not.
                let (Some(step_a), Some(step_b)) =
                    (self.a.trace.steps.get(a), self.b.trace.steps.get(b))
                else {
                    return (String::new(), String::new());
                };
                let moved_a = previous.is_none_or(|p| p[0] != row[0]);
                let moved_b = previous.is_none_or(|p| p[1] != row[1]);
                previous = Some(*row);
                let slug = match (moved_a, moved_b) {
                    (true, false) => step_a.slug.to_owned(),
                    (false, true) => step_b.slug.to_owned(),
                    _ if step_a.slug == step_b.slug => step_a.slug.to_owned(),
                    _ => format!("{}/{}", step_a.slug, step_b.slug),
                };
                let label = format!(
                    "{}: {}  {}: {}",
                    self.a.mode().title(),
                    step_a.label,
                    self.b.mode().title(),
                    step_b.label
                );
                (slug, label)
            })
            .collect()
    }

    /// The first row where either side reaches a step with this slug.
    pub fn row_of_slug(&self, slug: &str) -> Option<usize> {
        self.rows.iter().position(|row| {
            let [a, b] = *row;
            let is = |step: Option<&Step>| step.is_some_and(|step| step.slug == slug);
            is(self.a.trace.steps.get(a)) || is(self.b.trace.steps.get(b))
        })
    }
}

/// One workload's lines: per line, `[log10 share, log10 slowdown]` points.
pub type WorkloadCurves = Vec<(Line, Vec<[f64; 2]>)>;

/// Everything the cost view draws.
#[derive(Debug, Clone, PartialEq)]
pub struct CostData {
    /// Per workload, per line, `[log10 share, log10 slowdown]` points.
    pub curves: Vec<(Workload, WorkloadCurves)>,
    /// Per program, every mode's total cycles and slowdown versus native.
    pub totals: Vec<(Program, Vec<ModeTotal>)>,
    /// The cost model the numbers use.
    pub costs: CostModel,
    /// What the Memory tab's model contributes.
    pub memory: MemoryInputs,
    /// Where forkwait's measured points sit on the share axis (see
    /// [`slowdown::forkwait_share`]).
    pub forkwait_share: Option<f64>,
}

impl CostData {
    /// Computes the curves (running the Memory tab's presets once) and runs every program under
    /// every mode (35 short runs).
    pub fn new() -> Result<Self, RunError> {
        let costs = CostModel::default();
        let memory = MemoryInputs::from_memory_model();
        let curves = Workload::ALL
            .iter()
            .map(|workload| {
                let lines = Line::ALL
                    .iter()
                    .map(|line| {
                        let points =
                            slowdown::curve(*line, *workload, &costs, &memory, CURVE_SAMPLES);
                        (*line, points)
                    })
                    .collect();
                (*workload, lines)
            })
            .collect();
        let totals = Program::ALL
            .iter()
            .map(|program| program_totals(*program, &costs).map(|totals| (*program, totals)))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            curves,
            totals,
            forkwait_share: slowdown::forkwait_share(&costs, &memory),
            costs,
            memory,
        })
    }

    /// The lines of one workload.
    pub fn lines(&self, workload: Workload) -> &[(Line, Vec<[f64; 2]>)] {
        self.curves
            .iter()
            .find(|(candidate, _)| *candidate == workload)
            .map_or(&[], |(_, lines)| lines.as_slice())
    }

    /// Slowdown of a line at a share of sensitive instructions.
    pub fn slowdown_at(&self, line: Line, workload: Workload, sensitive: f64) -> f64 {
        slowdown::slowdown(line, workload, &self.costs, &self.memory, sensitive)
    }
}

/// The computed data of the scene on show.
#[derive(Debug, Clone, PartialEq)]
pub enum SceneData {
    /// One run.
    Run(Box<RunData>),
    /// Two runs side by side.
    Compare(Box<CompareData>),
    /// The cost chart.
    Cost,
}

impl SceneData {
    /// Computes the data of a scene (the cost view's data is shared and made on demand).
    pub fn new(scene: &CpuScene) -> Result<Self, RunError> {
        Ok(match *scene {
            CpuScene::Run {
                mode,
                program,
                umip,
            } => Self::Run(Box::new(RunData::on_cpu(mode, program, umip)?)),
            CpuScene::Compare {
                program,
                a,
                b,
                umip,
            } => Self::Compare(Box::new(CompareData::new(program, a, b, umip)?)),
            CpuScene::Cost { .. } => Self::Cost,
        })
    }

    /// The timeline marks.
    pub fn marks(&self) -> Vec<(String, String)> {
        match self {
            Self::Run(data) => data.marks(),
            Self::Compare(data) => data.marks(),
            Self::Cost => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translated_blocks_follow_the_run() {
        let data = RunData::new(Mode::BinaryTranslation, Program::Popf).expect("runs");
        let translate = data.trace.first_step("translate").expect("translates");
        assert_eq!(data.shown_block[translate], Some((0, None)));
        let popf = data.trace.first_step("popf").expect("popf");
        assert_eq!(data.shown_block[popf], Some((0, Some(8))));
        assert_eq!(data.blocks[0][8], "pop vcpu.flags; deliver pending");
        assert_eq!(data.shown_block[0], None);
        assert_eq!(
            data.kernel_compact[8],
            "popf ; restore the flags: IF = 1, the held tick may arrive"
        );
        let native = RunData::new(Mode::Native, Program::Popf).expect("runs");
        assert!(native.blocks.is_empty());
        assert!(native.shown_block.iter().all(Option::is_none));
    }

    #[test]
    fn compare_rows_cover_both_runs_and_find_slugs() {
        let data = CompareData::new(
            Program::Popf,
            Mode::TrapEmulate,
            Mode::BinaryTranslation,
            false,
        )
        .expect("runs");
        let last = *data.rows.last().expect("rows");
        assert_eq!(last, [data.a.trace.len() - 1, data.b.trace.len() - 1]);
        let lost = data
            .row_of_slug("irq-lost")
            .expect("trap-emulate loses the tick");
        assert_eq!(data.row(lost)[0], data.a.trace.len() - 1);
        assert!(data.row_of_slug("translate").is_some());
        assert_eq!(data.row_of_slug("hypercall"), None);
        assert_eq!(data.marks().len(), data.rows.len());
        assert_eq!(data.row(10_000), last);
    }

    #[test]
    fn cost_curves_are_logarithmic_and_totals_cover_every_program() {
        let data = CostData::new().expect("presets run");
        assert_eq!(data.curves.len(), Workload::ALL.len());
        for workload in Workload::ALL {
            let lines = data.lines(*workload);
            assert_eq!(lines.len(), Line::ALL.len());
            for (line, points) in lines {
                assert_eq!(points.len(), CURVE_SAMPLES);
                assert!(
                    (points[0][0] + 6.0).abs() < 1e-12,
                    "{line:?}: starts at 1e-6"
                );
                // Near native at one sensitive instruction in a million, except for the longer
                // two-dimensional walks of the TLB-hostile scan.
                let walks = *line == Line::VtxEpt && *workload == Workload::Scan;
                assert_eq!(points[0][1] < 0.01, !walks, "{line:?} {workload:?}");
            }
        }
        assert_eq!(data.totals.len(), Program::ALL.len());
        let (_, disk) = &data.totals[0];
        assert_eq!(disk[0].mode, Mode::Native);
        assert_eq!(disk[0].slowdown, 1.0);
        assert!(data.forkwait_share.is_some());
        assert!(
            data.slowdown_at(Line::VtxShadow, Workload::Fork, 0.01)
                > data.slowdown_at(Line::BinaryTranslation, Workload::Fork, 0.01)
        );
    }

    #[test]
    fn named_steps_start_at_zero_and_include_the_lost_tick() {
        let data = RunData::new(Mode::TrapEmulate, Program::Popf).expect("runs");
        let steps = data.named_steps(Mode::TrapEmulate);
        assert_eq!(steps[0], 0);
        assert!(steps.contains(&(data.trace.len() - 1)));
        assert_eq!(
            data.last_before(data.trace.len() - 1, "popf"),
            data.trace.first_step("popf")
        );
        assert_eq!(data.last_before(0, "popf"), None);
    }
}
