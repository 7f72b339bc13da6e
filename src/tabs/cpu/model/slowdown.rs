//! Slowdown over native as a function of the share of sensitive instructions, for the three ways
//! x86 was virtualized in practice, on the same workloads: binary translation with shadow paging,
//! first-generation VT-x with shadow paging, and VT-x with EPT/NPT.
//!
//! A guest's sensitive operations are a mix (per workload) of system calls, interrupt-flag
//! operations, I/O or privileged-register accesses and page-table writes; each mode pays its own
//! price for each ([`CostModel`]). The memory part comes from the Memory tab's model run on the
//! same operations: how many exits a guest page-table write brings under shadow paging (the
//! traced write itself, plus the CR3 switches and hidden faults that come with a fork) and how
//! many references a TLB miss costs with and without nested paging
//! ([`crate::tabs::memory::model`]). The mixes are illustrative and the UI says so; the shape is
//! the lesson: at the shares real guests have (well under 1 %, domain.md) VT-x with EPT is near
//! native, while on fork-heavy work first-generation VT-x pays an expensive exit for every
//! page-table write that binary translation turns into a cheaper callout (Adams and Agesen,
//! ASPLOS 2006: forkwait 36.9 s under BT, 106.4 s under VT-x, 6.0 s native).

use super::cost::CostModel;
use crate::tabs::memory::model as memory;

/// The smallest share of sensitive instructions the chart shows.
pub const MIN_SHARE: f64 = 1e-6;

/// The largest share the chart shows (real guests sit well under 1 %).
pub const MAX_SHARE: f64 = 0.1;

/// Adams and Agesen 2006, forkwait (40,000 fork/wait pairs), seconds: native, binary translation,
/// first-generation VT-x ([S], domain.md section 1).
pub const FORKWAIT_SECS: [f64; 3] = [6.0, 36.9, 106.4];

/// A line of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Line {
    /// VMware-style binary translation of the guest kernel, with shadow page tables.
    BinaryTranslation,
    /// First-generation VT-x (2005-2008): hardware CPU virtualization, software shadow paging.
    VtxShadow,
    /// VT-x with EPT (AMD-V with NPT) on a current core.
    VtxEpt,
}

impl Line {
    /// Every line, in teaching order.
    pub const ALL: &[Self] = &[Self::BinaryTranslation, Self::VtxShadow, Self::VtxEpt];

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::BinaryTranslation => "Binary translation + shadow paging",
            Self::VtxShadow => "First-generation VT-x + shadow paging",
            Self::VtxEpt => "VT-x with EPT/NPT (current core)",
        }
    }

    /// A short name for labels beside the lines.
    pub fn short(self) -> &'static str {
        match self {
            Self::BinaryTranslation => "BT + shadow",
            Self::VtxShadow => "VT-x gen 1",
            Self::VtxEpt => "VT-x + EPT",
        }
    }

    /// Whether the line's memory virtualization is shadow paging.
    pub fn shadow_paging(self) -> bool {
        self != Self::VtxEpt
    }
}

/// A guest workload (`workload=` in cost links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Workload {
    /// Process creation and teardown, like forkwait: mostly page-table writes.
    Fork,
    /// System calls and device I/O, no page-table writes.
    Syscall,
    /// A TLB-hostile scan of memory: few sensitive instructions, many TLB misses.
    Scan,
}

/// The shares of a workload's sensitive operations, and its TLB misses. All illustrative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mix {
    /// Guest system calls (free under VT-x; a trap into the VMM under BT).
    pub syscall: f64,
    /// Interrupt-flag operations: cli, sti, pushf, popf (free under VT-x; inline under BT).
    pub flag: f64,
    /// Port I/O and privileged-register accesses (an exit under VT-x; a callout under BT).
    pub io: f64,
    /// Guest page-table writes (shadow-paging events; free under EPT).
    pub pte: f64,
    /// TLB misses per thousand guest instructions.
    pub misses_per_kilo_instruction: f64,
}

impl Workload {
    /// Every workload.
    pub const ALL: &[Self] = &[Self::Fork, Self::Syscall, Self::Scan];

    /// Scene-link id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Fork => "fork",
            Self::Syscall => "syscall",
            Self::Scan => "scan",
        }
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Fork => "Fork-heavy (like forkwait)",
            Self::Syscall => "System calls and I/O",
            Self::Scan => "TLB-hostile memory scan",
        }
    }

    /// The mix (illustrative shares; what matters is which operations dominate).
    pub fn mix(self) -> Mix {
        match self {
            Self::Fork => Mix {
                syscall: 0.15,
                flag: 0.15,
                io: 0.0,
                pte: 0.7,
                misses_per_kilo_instruction: 1.0,
            },
            Self::Syscall => Mix {
                syscall: 0.5,
                flag: 0.4,
                io: 0.1,
                pte: 0.0,
                misses_per_kilo_instruction: 1.0,
            },
            Self::Scan => Mix {
                syscall: 0.5,
                flag: 0.5,
                io: 0.0,
                pte: 0.0,
                misses_per_kilo_instruction: 10.0,
            },
        }
    }
}

/// What the Memory tab's model says, for the chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MemoryInputs {
    /// Under shadow paging, per guest page-table write of the fork scene: exits on the traced
    /// write itself, on CR3 switches and on hidden faults.
    pub shadow_events_per_pte_write: [f64; 3],
    /// References per TLB miss on the scan with page-walk caches: native (also a shadow walk) and
    /// EPT.
    pub refs_per_miss: [f64; 2],
}

impl MemoryInputs {
    /// Runs the Memory tab's fork and scan presets.
    pub fn from_memory_model() -> Self {
        Self {
            shadow_events_per_pte_write: memory::shadow_exit_mix(memory::Mode::Shadow),
            refs_per_miss: [
                memory::refs_per_miss(memory::Mode::Native),
                memory::refs_per_miss(memory::Mode::Ept),
            ],
        }
    }
}

/// Where one line's extra cycles per sensitive instruction go, by kind of operation.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Extra {
    /// System calls.
    pub syscall: f64,
    /// Interrupt-flag operations.
    pub flag: f64,
    /// I/O and privileged registers.
    pub io: f64,
    /// Page-table writes with the CR3 switches and hidden faults they bring.
    pub pte: f64,
}

impl Extra {
    /// The sum.
    pub fn total(&self) -> f64 {
        self.syscall + self.flag + self.io + self.pte
    }
}

/// Extra cycles per sensitive instruction of `workload` under `line`, by kind.
pub fn extra_per_sensitive(
    line: Line,
    workload: Workload,
    costs: &CostModel,
    memory: &MemoryInputs,
) -> Extra {
    let mix = workload.mix();
    let [traced, cr3, hidden] = memory.shadow_events_per_pte_write;
    let update = costs.shadow_update_cycles as f64;
    let trap = costs.trap_round_trip_cycles as f64;
    let callout = costs.bt_callout_cycles as f64;
    match line {
        Line::BinaryTranslation => Extra {
            // A guest system call enters the VMM first, which runs the translated kernel.
            syscall: mix.syscall * trap,
            flag: mix.flag * costs.bt_inline_cycles as f64,
            io: mix.io * callout,
            // Translated kernel code calls out for traced writes and CR3 loads; a hidden fault is
            // a real page fault into the VMM.
            pte: mix.pte * ((traced + cr3) * (callout + update) + hidden * (trap + update)),
        },
        Line::VtxShadow => {
            let exit = costs.vm_exit_round_trip_cycles as f64;
            Extra {
                syscall: 0.0,
                flag: 0.0,
                io: mix.io * exit,
                pte: mix.pte * (traced + cr3 + hidden) * (exit + update),
            }
        }
        Line::VtxEpt => Extra {
            io: mix.io * costs.vm_exit_round_trip_current_cycles as f64,
            ..Extra::default()
        },
    }
}

/// Extra cycles per guest instruction from longer page walks (zero under shadow paging, whose
/// walks are as long as native ones).
pub fn walk_cycles_per_instruction(
    line: Line,
    workload: Workload,
    costs: &CostModel,
    memory: &MemoryInputs,
) -> f64 {
    if line.shadow_paging() {
        return 0.0;
    }
    let [native, nested] = memory.refs_per_miss;
    workload.mix().misses_per_kilo_instruction / 1000.0
        * (nested - native).max(0.0)
        * costs.walk_reference_cycles as f64
}

/// Slowdown versus native of `workload` under `line` with a share `sensitive` of sensitive
/// instructions: 1 + (share · extra + walk cycles) / instruction cycles.
pub fn slowdown(
    line: Line,
    workload: Workload,
    costs: &CostModel,
    memory: &MemoryInputs,
    sensitive: f64,
) -> f64 {
    let share = sensitive.clamp(0.0, 1.0);
    let per_instruction = costs.instruction_cycles.max(1) as f64;
    1.0 + (share * extra_per_sensitive(line, workload, costs, memory).total()
        + walk_cycles_per_instruction(line, workload, costs, memory))
        / per_instruction
}

/// Points `[log10 share, log10 slowdown]` over the chart's range, `samples` (at least 2) evenly
/// spaced in log share.
pub fn curve(
    line: Line,
    workload: Workload,
    costs: &CostModel,
    memory: &MemoryInputs,
    samples: usize,
) -> Vec<[f64; 2]> {
    let samples = samples.max(2);
    let (low, high) = (MIN_SHARE.log10(), MAX_SHARE.log10());
    (0..samples)
        .map(|index| {
            let x = low + (high - low) * index as f64 / (samples - 1) as f64;
            let y = slowdown(line, workload, costs, memory, 10_f64.powf(x));
            [x, y.max(1.0).log10()]
        })
        .collect()
}

/// Forkwait's measured slowdowns over native: binary translation, first-generation VT-x.
pub fn forkwait_slowdowns() -> [f64; 2] {
    let [native, bt, vtx] = FORKWAIT_SECS;
    [bt / native, vtx / native]
}

/// The share of sensitive instructions at which the model's fork workload under binary
/// translation is as slow as forkwait measured (where the chart places the measured points), or
/// `None` if the model never gets there in the chart's range.
pub fn forkwait_share(costs: &CostModel, memory: &MemoryInputs) -> Option<f64> {
    let [bt, _] = forkwait_slowdowns();
    let line = Line::BinaryTranslation;
    let extra = extra_per_sensitive(line, Workload::Fork, costs, memory).total();
    let walk = walk_cycles_per_instruction(line, Workload::Fork, costs, memory);
    let share = ((bt - 1.0) * costs.instruction_cycles.max(1) as f64 - walk) / extra;
    (share.is_finite() && (MIN_SHARE..=MAX_SHARE).contains(&share)).then_some(share)
}

/// A share as the chart prints it: `0.1 %`, `0.0001 %`, `10 %`.
pub fn percent(share: f64) -> String {
    let percent = share * 100.0;
    if percent >= 1.0 {
        format!("{percent:.0} %")
    } else {
        let decimals = (-percent.log10()).ceil().max(0.0) as usize;
        format!("{percent:.decimals$} %")
    }
}

/// A share rounded to two significant digits and kept in the chart's range (so slider and click
/// values print short, stable links).
pub fn round_share(share: f64) -> f64 {
    let share = if share.is_finite() { share } else { MIN_SHARE };
    let share = share.clamp(MIN_SHARE, MAX_SHARE);
    let decimals = (1.0 - share.log10().floor()).max(0.0) as usize;
    format!("{share:.decimals$}").parse().unwrap_or(share)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn inputs() -> MemoryInputs {
        MemoryInputs::from_memory_model()
    }

    #[test]
    fn cpu_bound_guests_run_near_native_with_ept() {
        // domain.md, "Cost of modern hardware virtualization" [S]: with EPT/NPT, CPU-bound guests
        // run within a few percent of native, and real guests have well under 1 % sensitive
        // instructions. The old chart read "Hardware-assisted (VT-x): 76.0x" at its 10 %; no line
        // of a realistic share may come near that.
        let costs = CostModel::default();
        let memory = inputs();
        let at = slowdown(Line::VtxEpt, Workload::Fork, &costs, &memory, 0.001);
        assert!(at < 1.05, "{at}");
        for workload in Workload::ALL {
            let old_marker = slowdown(Line::VtxEpt, *workload, &costs, &memory, 0.1);
            assert!(old_marker < 76.0 / 5.0, "{workload:?}: {old_marker}");
        }
    }

    #[test]
    fn first_generation_vt_x_loses_to_binary_translation_on_fork_like_forkwait() {
        // Adams and Agesen, ASPLOS 2006: forkwait took 36.9 s under BT and 106.4 s under
        // first-generation VT-x (6.0 s native) [S]: VT-x's overhead was about 3.2 times BT's,
        // because every traced page-table write, CR3 write and hidden fault was a VM exit.
        let costs = CostModel::default();
        let memory = inputs();
        let [bt, vtx] = forkwait_slowdowns();
        assert!((bt - 6.15).abs() < 0.01 && (vtx - 17.73).abs() < 0.01);
        let share = forkwait_share(&costs, &memory).expect("in range");
        let model_bt = slowdown(
            Line::BinaryTranslation,
            Workload::Fork,
            &costs,
            &memory,
            share,
        );
        let model_vtx = slowdown(Line::VtxShadow, Workload::Fork, &costs, &memory, share);
        assert!((model_bt - bt).abs() < 1e-9);
        let measured = (vtx - 1.0) / (bt - 1.0);
        let modelled = (model_vtx - 1.0) / (model_bt - 1.0);
        assert!(
            modelled > 1.5 && modelled < measured * 1.5,
            "the model's VT-x/BT overhead ratio {modelled:.2} against forkwait's {measured:.2}"
        );
        assert!(share < 0.01, "forkwait's share sits under 1 %: {share}");
        // EPT removes the page-table exits: the fork workload is then near native.
        assert!(slowdown(Line::VtxEpt, Workload::Fork, &costs, &memory, share) < 1.05);
    }

    #[test]
    fn system_call_heavy_work_favours_vt_x_even_in_the_first_generation() {
        // domain.md [M]: syscall-heavy microbenchmarks favoured VT-x (a guest system call does
        // not exit under VT-x; under BT it enters the VMM).
        let costs = CostModel::default();
        let memory = inputs();
        let at = |line| slowdown(line, Workload::Syscall, &costs, &memory, 0.01);
        assert!(at(Line::VtxShadow) < at(Line::BinaryTranslation));
        assert!(at(Line::VtxEpt) < at(Line::VtxShadow));
    }

    #[test]
    fn a_tlb_hostile_scan_costs_ept_more_than_shadow_paging() {
        // Bhargava et al., ASPLOS 2008: a two-dimensional walk makes more references than a
        // native (or shadow) one, so TLB-miss-heavy work pays under nested paging.
        let costs = CostModel::default();
        let memory = inputs();
        let at = |line| slowdown(line, Workload::Scan, &costs, &memory, MIN_SHARE);
        assert!(at(Line::VtxEpt) > at(Line::VtxShadow));
        assert!(at(Line::VtxShadow) < 1.001);
    }

    #[test]
    fn shares_print_and_round_as_links_want() {
        assert_eq!(percent(0.001), "0.1 %");
        assert_eq!(percent(1e-6), "0.0001 %");
        assert_eq!(percent(0.1), "10 %");
        assert_eq!(round_share(0.001_234), 0.0012);
        assert_eq!(round_share(0.5), MAX_SHARE);
        assert_eq!(round_share(0.0), MIN_SHARE);
        assert_eq!(round_share(f64::NAN), MIN_SHARE);
        let curve = curve(
            Line::VtxShadow,
            Workload::Fork,
            &CostModel::default(),
            &inputs(),
            5,
        );
        assert_eq!(curve.len(), 5);
        assert!((curve[0][0] + 6.0).abs() < 1e-12 && (curve[4][0] + 1.0).abs() < 1e-12);
    }

    proptest! {
        #[test]
        fn slowdown_grows_with_the_share_and_never_beats_native(
            a in MIN_SHARE..MAX_SHARE,
            b in MIN_SHARE..MAX_SHARE,
            exit in 100u64..10_000,
            callout in 10u64..5_000,
        ) {
            let costs = CostModel {
                vm_exit_round_trip_cycles: exit,
                bt_callout_cycles: callout,
                ..CostModel::default()
            };
            let memory = inputs();
            let (low, high) = if a <= b { (a, b) } else { (b, a) };
            for line in Line::ALL {
                for workload in Workload::ALL {
                    let s_low = slowdown(*line, *workload, &costs, &memory, low);
                    let s_high = slowdown(*line, *workload, &costs, &memory, high);
                    prop_assert!(s_low <= s_high);
                    prop_assert!(s_low >= 1.0);
                }
            }
        }
    }
}
