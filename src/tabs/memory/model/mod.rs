//! The pure model of the Memory tab: how a guest's addresses are translated under three memory-
//! virtualization modes, reference by reference, with a small TLB and page-walk caches.
//!
//! Why a machine and not a table of numbers: the facts the tab teaches follow from the rules.
//! Under shadow paging the VMM write-protects the guest's page tables, so every guest page-table
//! write exits, a CR3 write exits to switch shadows, and a first touch through a new shadow takes
//! a hidden fault; under EPT/NPT none of these exit, but a TLB miss walks two dimensions of tables,
//! up to (n+1)(m+1) - 1 references. Running the same guest operations under each mode lets those
//! counts fall out, and the CPU tab's cost chart takes its memory costs from them
//! ([`exits_per_pte_write`], [`refs_per_miss`]).
//!
//! Layout: `tables` (radix page tables), `caches` (TLB and page-walk caches), `walk` (the
//! hardware walks), `machine` (the guest operations and what each mode does with them),
//! `presets` (the scenes' operations).

pub mod caches;
pub mod machine;
pub mod presets;
pub mod tables;
pub mod walk;

pub use caches::{Dim, TLB_ENTRIES, TlbEntry};
pub use machine::{Counters, Lane, Step, Trace, run};
pub use presets::{Config, Op, Preset};
pub use walk::{Cell, Walk, refs_one_d, refs_two_d};

/// Where the model's facts come from.
pub const SOURCES: &[&str] = &[
    "Bhargava, Serebrin, Spadini and Manne, \"Accelerating Two-Dimensional Page Walks for \
     Virtualized Systems\", ASPLOS 2008: a nested walk of n guest and m nested levels makes up to \
     (n+1)(m+1) - 1 references (24 for 4 + 4); page-walk caches and a nested TLB cut them.",
    "Intel SDM Vol. 3A ch. 4 (4- and 5-level paging, 2 MiB pages, TLBs and paging-structure \
     caches, MOV to CR3 flushes) and Vol. 3C ch. 29 (EPT: guest-physical addresses, the guest's \
     paging structures included, are translated through the EPT paging structures).",
    "Adams and Agesen, ASPLOS 2006: shadow page tables, write-protected (traced) guest page \
     tables and hidden page faults; first-generation VT-x had no MMU virtualization, so every \
     traced write and hidden fault became a VM exit.",
    "Toy simplifications: an 8-entry TLB and 8-entry page-walk caches (real cores have 64 and \
     about 1,500 TLB entries), no PCID/VPID tags (a CR3 write flushes), the VMM updates a shadow \
     entry eagerly on a traced write, and guest physical = host physical - 4 GiB.",
];

/// A memory-virtualization mode (`memory/<mode>` in scene links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// No VMM: the hardware walks the kernel's own page tables.
    Native,
    /// Shadow page tables kept by the VMM (binary translation or first-generation VT-x).
    Shadow,
    /// Hardware nested paging: Intel EPT or AMD NPT.
    Ept,
}

impl Mode {
    /// Every mode, in teaching order.
    pub const ALL: &[Self] = &[Self::Native, Self::Shadow, Self::Ept];

    /// Scene-link id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::Shadow => "shadow",
            Self::Ept => "ept",
        }
    }

    /// Parses a scene-link id.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|mode| mode.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Native => "Native",
            Self::Shadow => "Shadow page tables",
            Self::Ept => "EPT / NPT (nested paging)",
        }
    }

    /// One sentence on how the mode translates.
    pub fn description(self) -> &'static str {
        match self {
            Self::Native => {
                "The hardware walks the kernel's page table on a TLB miss: one reference per level."
            }
            Self::Shadow => {
                "The VMM keeps a shadow table from guest virtual straight to host physical and \
                 write-protects the guest's tables: the hardware walks the shadow (one reference \
                 per level), but every guest page-table write and CR3 write exits to the VMM."
            }
            Self::Ept => {
                "The hardware walks the guest's table and, for every guest-physical address on the \
                 way, the nested table: up to (n+1)(m+1) - 1 references per TLB miss, but guest \
                 page-table and CR3 writes cost nothing extra."
            }
        }
    }
}

/// Exits per guest page-table write under shadow paging, measured on the fork preset: traced
/// writes, the CR3 switches and hidden faults that come with them, divided by the writes. Under
/// EPT the same operations make no exit at all.
pub fn exits_per_pte_write(mode: Mode) -> f64 {
    let trace = run(Preset::Fork, mode, Config::default());
    let counters = trace.last_counters();
    if counters.pte_writes == 0 {
        return 0.0;
    }
    counters.exits as f64 / counters.pte_writes as f64
}

/// The split of shadow-paging exits on the fork preset, per guest page-table write: `[traced
/// writes, CR3 switches, hidden faults]` (each 0 under EPT and natively).
pub fn shadow_exit_mix(mode: Mode) -> [f64; 3] {
    let trace = run(Preset::Fork, mode, Config::default());
    let counters = trace.last_counters();
    let writes = counters.pte_writes.max(1) as f64;
    [
        counters.exits_pte as f64 / writes,
        counters.exits_cr3 as f64 / writes,
        counters.exits_hidden as f64 / writes,
    ]
}

/// Memory references per TLB miss on the TLB-hostile scan, with page-walk caches on (as every
/// current core has them): the walk cost the cost chart charges per miss.
pub fn refs_per_miss(mode: Mode) -> f64 {
    let config = Config {
        pwc: true,
        ..Config::default()
    };
    let trace = run(Preset::Scan, mode, config);
    let counters = trace.last_counters();
    counters.walk_refs as f64 / counters.tlb_misses.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for mode in Mode::ALL {
            assert_eq!(Mode::from_slug(mode.slug()), Some(*mode));
            assert!(!mode.description().is_empty());
        }
        assert_eq!(Mode::from_slug("npt"), None);
    }

    #[test]
    fn the_cost_chart_s_inputs_come_from_the_runs() {
        // Adams and Agesen 2006: under shadow paging every traced guest page-table write is a
        // VM exit on first-generation VT-x; with EPT (Intel SDM Vol. 3C, 29.3) none is.
        assert!(exits_per_pte_write(Mode::Shadow) >= 1.0);
        assert_eq!(exits_per_pte_write(Mode::Ept), 0.0);
        assert_eq!(exits_per_pte_write(Mode::Native), 0.0);
        let [traced, cr3, hidden] = shadow_exit_mix(Mode::Shadow);
        assert_eq!(traced, 1.0, "one exit per traced write");
        assert!(cr3 > 0.0 && hidden > 0.0);
        // Bhargava et al. 2008: two-dimensional walks cost more references per miss even with
        // page-walk caches; a shadow walk costs what a native one does.
        assert!(refs_per_miss(Mode::Ept) > refs_per_miss(Mode::Native));
        assert_eq!(refs_per_miss(Mode::Shadow), refs_per_miss(Mode::Native));
    }
}
