//! The cost model: what each event costs in cycles, each figure with its source and how firm it
//! is, and the toy programs' totals under every mode.
//!
//! Firmness follows domain.md: [S] a secondary source, [M] widely quoted, "illustrative" an order
//! of magnitude chosen for the toy and said so in the UI. The slowdown curves built from these
//! costs and the Memory tab's counts are in [`super::slowdown`].

use super::error::RunError;
use super::machine::run_with_costs;
use super::modes::Mode;
use super::programs::Program;
use super::trace::Counters;

/// Where the cost model's numbers and claims come from.
pub const COST_SOURCES: &[&str] = &[
    "VM exit + entry: on the order of 1,000 cycles on current cores, several thousand on \
     first-generation VT-x (domain.md, \"Cost of modern hardware virtualization\" [S]); a KVM \
     developer measured about 1,350 cycles around VMRUN on an AMD EPYC (LKML, December 2020 [S]).",
    "Adams and Agesen, ASPLOS 2006: first-generation VT-x rarely beat binary translation because \
     of costly VMM/guest transitions and no MMU virtualization (abstract [V]); forkwait native \
     6.0 s, BT 36.9 s, VT-x 106.4 s ([S], domain.md).",
    "Illustrative orders of magnitude, not measurements: a system call 100, a trap into a software \
     VMM 1,000, a BT callout 300, a shadow-entry update 500, a page-walk reference 10 (an L2 \
     cache hit), a hypercall 300, translation 200 per instruction.",
];

/// Cycle costs of the events a run counts. All fields are cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostModel {
    /// One guest instruction run directly (or the useful work of an emulated one). Default 1: a
    /// simple instruction retires in about a cycle on a pipelined CPU (illustrative).
    pub instruction_cycles: u64,
    /// A system call: the hardware entry into the guest kernel and its return. Default 100
    /// (illustrative order of magnitude for SYSCALL/SYSRET on recent x86).
    pub mode_switch_cycles: u64,
    /// A fault or interrupt into a software VMM and back, including decoding and emulating (trap-
    /// and-emulate, reflections, traced page-table writes under binary translation). Default
    /// 1,000: illustrative; Adams and Agesen 2006 argue traps are costly enough to motivate BT.
    pub trap_round_trip_cycles: u64,
    /// A VM exit, its handling and the VM entry back on *first-generation* VT-x, the generation
    /// the toy VT-x mode models (shadow paging, no EPT). Default 3,000: "several thousand"
    /// (domain.md [S]); the exact figure is illustrative within that range.
    pub vm_exit_round_trip_cycles: u64,
    /// A VM exit and entry on a current core with EPT. Default 1,000: "on the order of 1,000
    /// cycles" (domain.md [S]; about 1,350 measured around VMRUN on AMD EPYC, LKML 2020 [S]).
    pub vm_exit_round_trip_current_cycles: u64,
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
    /// A call from translated code into the VMM and back (I/O, CR3 loads, traced page-table writes
    /// rewritten by adaptive BT). Default 300: illustrative, cheaper than a trap because no fault
    /// is taken (Adams and Agesen 2006, adaptive binary translation).
    pub bt_callout_cycles: u64,
    /// The VMM's own work for one shadow-paging event besides getting there: decode the guest's
    /// write or read its table, validate, update the shadow entry. Default 500: illustrative.
    pub shadow_update_cycles: u64,
    /// One memory reference of a page walk; walk entries mostly hit the data caches. Default 10
    /// (about an L2 hit): illustrative.
    pub walk_reference_cycles: u64,
}

impl Default for CostModel {
    fn default() -> Self {
        Self {
            instruction_cycles: 1,
            mode_switch_cycles: 100,
            trap_round_trip_cycles: 1000,
            vm_exit_round_trip_cycles: 3000,
            vm_exit_round_trip_current_cycles: 1000,
            hypercall_cycles: 300,
            translate_cycles_per_instruction: 200,
            tc_hit_cycles: 5,
            bt_inline_cycles: 3,
            bt_callout_cycles: 300,
            shadow_update_cycles: 500,
            walk_reference_cycles: 10,
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

#[cfg(test)]
mod tests {
    use super::*;

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
        // domain.md, "Cost of modern hardware virtualization" [S]: an exit round trip is on the
        // order of 1,000 cycles now and several thousand on first-generation VT-x.
        assert_eq!(costs.vm_exit_round_trip_current_cycles, 1000);
        assert!((2000..=9000).contains(&costs.vm_exit_round_trip_cycles));
        assert_eq!(costs.charge(&mut counters, Charge::VmExit), 3000);
        assert_eq!(counters.cycles - 3000, 1601);
        assert_eq!(costs.cycles_for(&counters), counters.cycles);
        assert_eq!(counters.tc_misses(), 1);
    }
}
