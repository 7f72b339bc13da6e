//! The cost model: what each event costs in cycles, and what that makes of each mode's slowdown.
//!
//! The point is the *shape* (where each mode pays, and how overhead grows with the share of sensitive
//! instructions), not a benchmark. Every default below is an illustrative order of magnitude, and its
//! doc says so and names what it leans on. Published end-to-end numbers to show beside the model
//! (domain.md section 1): forkwait native 6.0 s, BT 36.9 s, first-generation VT-x 106.4 s (Adams and
//! Agesen, ASPLOS 2006; a secondary-source figure in domain.md); Xen's overhead "at most a few
//! percent" (Barham et al., SOSP 2003, abstract).

use super::error::RunError;
use super::machine::run_with_costs;
use super::modes::Mode;
use super::programs::Program;
use super::trace::Counters;

/// Where the cost model's numbers and claims come from.
pub const COST_SOURCES: &[&str] = &[
    "Adams and Agesen, \"A Comparison of Software and Hardware Techniques for x86 Virtualization\", \
     ASPLOS 2006: first-generation VT-x rarely beat binary translation because of high VMM/guest \
     transition costs and no MMU virtualization (abstract); forkwait 6.0 s / 36.9 s / 106.4 s (secondary source).",
    "Intel, \"Virtualization and Performance: Understanding VM Exits\" (2009 developer blog): a VM exit \
     and its entry cost \"hundreds or thousands of cycles\".",
    "Barham et al., \"Xen and the Art of Virtualization\", SOSP 2003: paravirtualization overhead of at \
     most a few percent; page-table updates validated and batched.",
    "All other cycle counts are illustrative orders of magnitude chosen for this toy, not measurements.",
];

/// Cycle costs of the events a run counts. All fields are cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostModel {
    /// One guest instruction run directly (or the useful work of an emulated one). Default 1: a
    /// simple instruction retires in about a cycle on a pipelined CPU (illustrative).
    pub instruction_cycles: u64,
    /// A hardware entry into the guest kernel and its return (system call, interrupt or fault
    /// delivered through the kernel's own tables). Default 100: illustrative order of magnitude.
    pub mode_switch_cycles: u64,
    /// A fault or interrupt into a software VMM and back, including decoding and emulating (trap-and-
    /// emulate, reflections, page-table write faults). Default 1000: illustrative order of magnitude;
    /// Adams and Agesen 2006 argue traps are expensive enough to motivate binary translation.
    pub trap_round_trip_cycles: u64,
    /// A VT-x VM exit, its handling and the VM entry back. Default 1500: first-generation VT-x round
    /// trips were on the order of a thousand or more cycles (Adams and Agesen 2006; Intel 2009:
    /// "hundreds or thousands of cycles"); the exact figure is illustrative.
    pub vm_exit_round_trip_cycles: u64,
    /// A hypercall into the hypervisor and back (a software interrupt, `int 0x82` on x86-32 Xen).
    /// Default 300: illustrative order of magnitude.
    pub hypercall_cycles: u64,
    /// Translating one guest instruction into the translation cache, paid once per block. Default
    /// 200: illustrative (translation costs far more than running the result).
    pub translate_cycles_per_instruction: u64,
    /// Finding a block in the translation cache. Default 5: illustrative (a lookup or a chained jump).
    pub tc_hit_cycles: u64,
    /// Extra cost of a sensitive instruction emulated inline by translated code (e.g. `cli` becomes
    /// a store to the virtual CPU's IF). Default 3: illustrative (a few ordinary instructions).
    pub bt_inline_cycles: u64,
    /// A call from translated code into the VMM and back (I/O, halts, table loads). Default 300:
    /// illustrative order of magnitude, cheaper than a trap because no fault is taken.
    pub bt_callout_cycles: u64,
}

impl Default for CostModel {
    fn default() -> Self {
        Self {
            instruction_cycles: 1,
            mode_switch_cycles: 100,
            trap_round_trip_cycles: 1000,
            vm_exit_round_trip_cycles: 1500,
            hypercall_cycles: 300,
            translate_cycles_per_instruction: 200,
            tc_hit_cycles: 5,
            bt_inline_cycles: 3,
            bt_callout_cycles: 300,
        }
    }
}

/// One priced event, as the machine charges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Charge {
    /// A guest instruction completed.
    Instruction,
    /// A hardware entry into the guest kernel.
    ModeSwitch,
    /// A guest-kernel fault emulated by the VMM.
    Trap,
    /// An event the VMM forwarded to the guest.
    Reflection,
    /// A VM exit and entry.
    VmExit,
    /// A hypercall.
    Hypercall,
    /// A block of this many guest instructions translated.
    Translation {
        /// Guest instructions in the block.
        instructions: u64,
    },
    /// A translation-cache hit.
    TcHit,
    /// A sensitive instruction emulated inline.
    Inline,
    /// A callout from translated code.
    Callout,
}

impl CostModel {
    /// Counts one event in `counters` and returns its cost (also added to `counters.cycles`).
    pub(super) fn charge(&self, counters: &mut Counters, charge: Charge) -> u64 {
        let cycles = match charge {
            Charge::Instruction => {
                counters.guest_instructions += 1;
                self.instruction_cycles
            }
            Charge::ModeSwitch => {
                counters.mode_switches += 1;
                self.mode_switch_cycles
            }
            Charge::Trap => {
                counters.traps += 1;
                self.trap_round_trip_cycles
            }
            Charge::Reflection => {
                counters.reflections += 1;
                self.trap_round_trip_cycles
            }
            Charge::VmExit => {
                counters.vm_exits += 1;
                self.vm_exit_round_trip_cycles
            }
            Charge::Hypercall => {
                counters.hypercalls += 1;
                self.hypercall_cycles
            }
            Charge::Translation { instructions } => {
                counters.translations += 1;
                counters.translated_instructions += instructions;
                instructions * self.translate_cycles_per_instruction
            }
            Charge::TcHit => {
                counters.tc_hits += 1;
                self.tc_hit_cycles
            }
            Charge::Inline => {
                counters.inline_emulations += 1;
                self.bt_inline_cycles
            }
            Charge::Callout => {
                counters.callouts += 1;
                self.bt_callout_cycles
            }
        };
        counters.cycles += cycles;
        cycles
    }

    /// The cycles a set of counters costs: the sum over events of count times unit cost.
    pub fn cycles_for(&self, counters: &Counters) -> u64 {
        self.breakdown(counters)
            .iter()
            .map(|item| item.cycles)
            .sum()
    }

    /// The cost of a set of counters, item by item (for a stacked bar or a table).
    pub fn breakdown(&self, counters: &Counters) -> Vec<CostItem> {
        let item = |name, count: u64, unit: u64| CostItem {
            name,
            count,
            cycles: count * unit,
        };
        vec![
            item(
                "instructions",
                counters.guest_instructions,
                self.instruction_cycles,
            ),
            item(
                "mode switches",
                counters.mode_switches,
                self.mode_switch_cycles,
            ),
            item("traps", counters.traps, self.trap_round_trip_cycles),
            item(
                "reflections",
                counters.reflections,
                self.trap_round_trip_cycles,
            ),
            item(
                "VM exits",
                counters.vm_exits,
                self.vm_exit_round_trip_cycles,
            ),
            item("hypercalls", counters.hypercalls, self.hypercall_cycles),
            item(
                "translated instructions",
                counters.translated_instructions,
                self.translate_cycles_per_instruction,
            ),
            item("cache hits", counters.tc_hits, self.tc_hit_cycles),
            item(
                "inline emulations",
                counters.inline_emulations,
                self.bt_inline_cycles,
            ),
            item("callouts", counters.callouts, self.bt_callout_cycles),
        ]
    }
}

/// One line of a cost breakdown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostItem {
    /// What is counted.
    pub name: &'static str,
    /// How many.
    pub count: u64,
    /// Their total cost.
    pub cycles: u64,
}

/// A mode's total for one program.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModeTotal {
    /// The mode.
    pub mode: Mode,
    /// Total cycles of the run.
    pub cycles: u64,
    /// Cycles divided by the native run's cycles.
    pub slowdown: f64,
}

/// Runs a program under every mode and compares the totals with native.
pub fn program_totals(program: Program, costs: &CostModel) -> Result<Vec<ModeTotal>, RunError> {
    let mut cycles = Vec::with_capacity(Mode::ALL.len());
    for mode in Mode::ALL {
        let trace = run_with_costs(*mode, program, costs)?;
        let total = trace.last().map_or(0, |step| step.state.counters.cycles);
        cycles.push((*mode, total));
    }
    let native = cycles
        .iter()
        .find(|(mode, _)| *mode == Mode::Native)
        .map_or(1, |(_, total)| (*total).max(1));
    Ok(cycles
        .into_iter()
        .map(|(mode, total)| ModeTotal {
            mode,
            cycles: total,
            slowdown: total as f64 / native as f64,
        })
        .collect())
}

/// A synthetic guest-kernel workload for the slowdown curve.
///
/// A fraction `f` of its instructions are sensitive or privileged; of those, `flag_share` are
/// interrupt-flag operations (cli, sti, pushf, popf) and the rest are heavy operations (I/O, page-table
/// updates, table loads). Translation is assumed already done (a warm cache), and the trap-and-emulate
/// curve assumes a CPU on which every sensitive instruction traps: on x86 it would not even be correct.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Workload {
    /// Share of sensitive instructions that only touch the interrupt flag (0..1). Default 0.5
    /// (illustrative).
    pub flag_share: f64,
    /// Heavy operations a paravirtual kernel folds into one hypercall (batched page-table updates,
    /// I/O requests per notification). Default 4 (illustrative).
    pub pv_ops_per_hypercall: f64,
}

impl Default for Workload {
    fn default() -> Self {
        Self {
            flag_share: 0.5,
            pv_ops_per_hypercall: 4.0,
        }
    }
}

/// Extra cycles per sensitive instruction, on top of running it, for a mode.
pub fn extra_cycles_per_sensitive(mode: Mode, costs: &CostModel, workload: &Workload) -> f64 {
    let flag = workload.flag_share.clamp(0.0, 1.0);
    let heavy = 1.0 - flag;
    match mode {
        Mode::Native => 0.0,
        Mode::TrapEmulate => costs.trap_round_trip_cycles as f64,
        Mode::BinaryTranslation => {
            flag * costs.bt_inline_cycles as f64 + heavy * costs.bt_callout_cycles as f64
        }
        Mode::Paravirt => {
            heavy * costs.hypercall_cycles as f64 / workload.pv_ops_per_hypercall.max(1.0)
        }
        Mode::VtX => heavy * costs.vm_exit_round_trip_cycles as f64,
    }
}

/// Slowdown versus native of the synthetic workload with a fraction `sensitive` (0..1) of sensitive
/// instructions: 1 + f * extra / instruction cost.
pub fn slowdown(mode: Mode, costs: &CostModel, workload: &Workload, sensitive: f64) -> f64 {
    let fraction = sensitive.clamp(0.0, 1.0);
    let per_instruction = costs.instruction_cycles.max(1) as f64;
    1.0 + fraction * extra_cycles_per_sensitive(mode, costs, workload) / per_instruction
}

/// Points `[fraction, slowdown]` for a plot, `samples` points evenly spaced over 0..=1 (at least 2).
pub fn slowdown_curve(
    mode: Mode,
    costs: &CostModel,
    workload: &Workload,
    samples: usize,
) -> Vec<[f64; 2]> {
    let samples = samples.max(2);
    (0..samples)
        .map(|index| {
            let fraction = index as f64 / (samples - 1) as f64;
            [fraction, slowdown(mode, costs, workload, fraction)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn charging_adds_exactly_the_unit_cost() {
        let costs = CostModel::default();
        let mut counters = Counters::default();
        let charged = [
            costs.charge(&mut counters, Charge::Instruction),
            costs.charge(&mut counters, Charge::Trap),
            costs.charge(&mut counters, Charge::Translation { instructions: 3 }),
        ];
        assert_eq!(charged, [1, 1000, 600]);
        assert_eq!(counters.cycles, 1601);
        assert_eq!(costs.cycles_for(&counters), counters.cycles);
        assert_eq!(counters.tc_misses(), 1);
    }

    #[test]
    fn curves_have_the_known_shape_with_default_costs() {
        let costs = CostModel::default();
        let workload = Workload::default();
        for mode in Mode::ALL {
            assert_eq!(slowdown(*mode, &costs, &workload, 0.0), 1.0);
        }
        for point in slowdown_curve(Mode::Native, &costs, &workload, 11) {
            assert_eq!(point[1], 1.0);
        }
        // At a privileged-heavy end, paravirtualization is cheapest, first-generation VT-x costs
        // more than binary translation (domain.md: forkwait BT 36.9 s vs VT-x 106.4 s).
        let at = |mode| slowdown(mode, &costs, &workload, 0.2);
        assert!(at(Mode::Paravirt) < at(Mode::BinaryTranslation));
        assert!(at(Mode::BinaryTranslation) < at(Mode::VtX));
        assert!(at(Mode::VtX) < at(Mode::TrapEmulate));
        assert!(at(Mode::Paravirt) > 1.0);
    }

    #[test]
    fn curve_samples_span_zero_to_one() {
        let curve = slowdown_curve(Mode::VtX, &CostModel::default(), &Workload::default(), 5);
        let xs: Vec<f64> = curve.iter().map(|point| point[0]).collect();
        assert_eq!(xs, [0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(
            slowdown_curve(Mode::VtX, &CostModel::default(), &Workload::default(), 0).len(),
            2
        );
    }

    proptest! {
        #[test]
        fn slowdown_is_monotone_in_the_sensitive_fraction(
            a in 0.0f64..=1.0,
            b in 0.0f64..=1.0,
            flag_share in 0.0f64..=1.0,
            batch in 1.0f64..16.0,
            trap in 1u64..5000,
            exit in 1u64..5000,
        ) {
            let costs = CostModel {
                trap_round_trip_cycles: trap,
                vm_exit_round_trip_cycles: exit,
                ..CostModel::default()
            };
            let workload = Workload { flag_share, pv_ops_per_hypercall: batch };
            let (low, high) = if a <= b { (a, b) } else { (b, a) };
            for mode in Mode::ALL {
                let s_low = slowdown(*mode, &costs, &workload, low);
                let s_high = slowdown(*mode, &costs, &workload, high);
                prop_assert!(s_low <= s_high);
                prop_assert!(s_low >= 1.0);
            }
            prop_assert_eq!(slowdown(Mode::Native, &costs, &workload, high), 1.0);
        }
    }
}
