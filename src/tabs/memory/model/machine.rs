//! Runs a preset's guest operations under one mode and records every step: TLB lookups, walks
//! (reference by reference or one step each), exits to the VMM and what the VMM does.
//!
//! Under shadow paging (Adams and Agesen, ASPLOS 2006, section 2.3): the VMM write-protects
//! ("traces") every guest page table, so a guest page-table write faults into the VMM, which
//! performs it and updates the shadow entry; a CR3 write exits so the VMM can switch to that
//! address space's shadow; a shadow with no entry yet for a page the guest has mapped takes a
//! *hidden* page fault that the VMM fills from the guest's table. Under EPT/NPT (Intel SDM Vol.
//! 3C, ch. 29) guest page-table and CR3 writes are ordinary guest operations: no exit.

use std::collections::BTreeMap;

use super::Mode;
use super::caches::{Dim, Pwc, Tlb, TlbEntry};
use super::presets::{CHILD, Config, Op, PARENT, Preset, PteChange};
use super::tables::{LARGE_PAGE_BYTES, PAGE_BYTES, Tables};
use super::walk::{Cell, Walk, walk_one_d, walk_two_d};

/// Where guest page tables are placed in guest-physical memory.
const GUEST_TABLES: u64 = 0x0010_0000;
/// Where nested tables are placed in host-physical memory.
const NESTED_TABLES: u64 = 0x0020_0000;
/// Where shadow tables are placed in host-physical memory.
const SHADOW_TABLES: u64 = 0x0030_0000;
/// Where the guest's data frames start in guest-physical memory.
const DATA: u64 = 0x4000_0000;
/// Host physical = guest physical + this (the VMM backs the guest contiguously).
pub const HOST_OFFSET: u64 = 1 << 32;
/// Guest table pages the nested tables back (more than any preset makes).
const BACKED_TABLE_PAGES: u64 = 64;

/// Who acts in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// The guest (its kernel or program).
    Guest,
    /// The hardware: TLB, page walker.
    Hardware,
    /// The VMM, after an exit.
    Vmm,
}

/// What has happened so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Guest reads.
    pub accesses: u64,
    /// Reads the TLB translated.
    pub tlb_hits: u64,
    /// Reads that needed a walk.
    pub tlb_misses: u64,
    /// Memory references made by the hardware walker.
    pub walk_refs: u64,
    /// Guest page-table entries read by the VMM in software (to fill a shadow entry).
    pub vmm_refs: u64,
    /// Guest page-table writes.
    pub pte_writes: u64,
    /// Guest CR3 writes.
    pub cr3_writes: u64,
    /// Exits to the VMM, all causes.
    pub exits: u64,
    /// Exits on traced page-table writes.
    pub exits_pte: u64,
    /// Exits on CR3 writes.
    pub exits_cr3: u64,
    /// Exits on hidden page faults (a shadow entry not filled yet).
    pub exits_hidden: u64,
}

/// One step of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Link slug (`walk`, `vm-exit`, ...).
    pub slug: &'static str,
    /// What happens, in a sentence.
    pub label: String,
    /// Who acts.
    pub lane: Lane,
    /// The guest operation being run, if any.
    pub op: Option<usize>,
    /// The walk on show and how many of its references are done.
    pub walk: Option<(usize, usize)>,
    /// Counters after the step.
    pub counters: Counters,
    /// The TLB after the step, most recently used first.
    pub tlb: Vec<TlbEntry>,
    /// The address space CR3 holds.
    pub space: u8,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// The preset.
    pub preset: Preset,
    /// The mode.
    pub mode: Mode,
    /// The walk configuration.
    pub config: Config,
    /// The guest's operations.
    pub ops: Vec<Op>,
    /// Every step, the first one before anything happens.
    pub steps: Vec<Step>,
    /// Every walk the hardware made.
    pub walks: Vec<Walk>,
}

impl Trace {
    /// The counters at the end.
    pub fn last_counters(&self) -> Counters {
        self.steps
            .last()
            .map(|step| step.counters)
            .unwrap_or_default()
    }

    /// The index of the first step with `slug`.
    pub fn first_step(&self, slug: &str) -> Option<usize> {
        self.steps.iter().position(|step| step.slug == slug)
    }

    /// The number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether there are no steps (never: a run has a start and an end).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// A space's name for labels.
fn space_name(space: u8) -> &'static str {
    if space == CHILD { "child" } else { "parent" }
}

struct Machine {
    mode: Mode,
    preset: Preset,
    config: Config,
    large: bool,
    guest: Tables,
    roots: [usize; 2],
    nested: Tables,
    nested_root: usize,
    shadow: Tables,
    shadow_roots: BTreeMap<u8, usize>,
    tlb: Tlb,
    pwc: Pwc,
    space: u8,
    counters: Counters,
    op: Option<usize>,
    steps: Vec<Step>,
    walks: Vec<Walk>,
}

impl Machine {
    fn new(preset: Preset, mode: Mode, config: Config) -> Self {
        let levels = config.levels;
        let large = preset.large_pages();
        let mut guest = Tables::new(levels, GUEST_TABLES);
        let roots = [guest.add_root(), guest.add_root()];
        let mut nested = Tables::new(levels, NESTED_TABLES);
        let nested_root = nested.add_root();
        let mut machine = Self {
            mode,
            preset,
            config,
            large,
            guest,
            roots,
            nested,
            nested_root,
            shadow: Tables::new(levels, SHADOW_TABLES),
            shadow_roots: BTreeMap::new(),
            tlb: Tlb::default(),
            pwc: Pwc::default(),
            space: PARENT,
            counters: Counters::default(),
            op: None,
            steps: Vec::new(),
            walks: Vec::new(),
        };
        let mut frames: Vec<u64> = Vec::new();
        for (space, addr) in preset.mapped() {
            let page = machine.page_of(addr);
            let frame = match frames.iter().position(|known| *known == page) {
                Some(frame) => frame,
                None => {
                    frames.push(page);
                    frames.len() - 1
                }
            };
            let root = machine.root_of(space);
            let gpa = machine.data_frame(frame as u64);
            machine.guest.map(root, page, gpa, large, true);
        }
        machine.back_guest_memory(frames.len() as u64);
        if mode == Mode::Shadow {
            let root = machine.shadow.add_root();
            machine.shadow_roots.insert(PARENT, root);
            for (space, addr) in preset.mapped() {
                if space == PARENT {
                    machine.sync_shadow(PARENT, addr);
                }
            }
        }
        machine
    }

    /// The first byte of the page (4 KiB or 2 MiB) holding `addr`.
    fn page_of(&self, addr: u64) -> u64 {
        let size = self.page_bytes();
        addr - addr % size
    }

    fn page_bytes(&self) -> u64 {
        if self.large {
            LARGE_PAGE_BYTES
        } else {
            PAGE_BYTES
        }
    }

    /// The guest-physical address of data frame `frame`.
    fn data_frame(&self, frame: u64) -> u64 {
        DATA + frame * self.page_bytes()
    }

    /// The VMM backs the guest's tables and data frames in the nested tables (EPT), which also
    /// serve as its guest-physical to host-physical map under shadow paging.
    fn back_guest_memory(&mut self, data_frames: u64) {
        let host_page = if self.large {
            LARGE_PAGE_BYTES
        } else {
            PAGE_BYTES
        };
        let mut backed: Vec<u64> = (0..BACKED_TABLE_PAGES)
            .map(|page| GUEST_TABLES + page * PAGE_BYTES)
            .chain((0..data_frames).map(|frame| self.data_frame(frame)))
            .map(|gpa| gpa - gpa % host_page)
            .collect();
        backed.dedup();
        for gpa in backed {
            self.nested
                .map(self.nested_root, gpa, gpa + HOST_OFFSET, self.large, true);
        }
    }

    /// The guest's root table of `space` (every space but the child's is the parent's, as in
    /// [`space_name`]).
    fn root_of(&self, space: u8) -> usize {
        let [parent, child] = self.roots;
        if space == CHILD { child } else { parent }
    }

    /// The VMM fills the shadow entry for `addr` from the guest's table and its own map; returns
    /// whether the guest maps the address.
    fn sync_shadow(&mut self, space: u8, addr: u64) -> bool {
        let Some(gpa) = self.guest.translate(self.root_of(space), addr) else {
            return false;
        };
        let Some(hpa) = self.nested.translate(self.nested_root, gpa) else {
            return false;
        };
        let root = match self.shadow_roots.get(&space) {
            Some(root) => *root,
            None => {
                let root = self.shadow.add_root();
                self.shadow_roots.insert(space, root);
                root
            }
        };
        let size = self.page_bytes();
        let page = addr - addr % size;
        self.shadow
            .map(root, page, hpa - hpa % size, self.large, true);
        true
    }

    fn push(&mut self, slug: &'static str, lane: Lane, label: String) {
        self.push_walk(slug, lane, label, None);
    }

    fn push_walk(
        &mut self,
        slug: &'static str,
        lane: Lane,
        label: String,
        walk: Option<(usize, usize)>,
    ) {
        self.steps.push(Step {
            slug,
            label,
            lane,
            op: self.op,
            walk,
            counters: self.counters,
            tlb: self.tlb.entries.clone(),
            space: self.space,
        });
    }

    /// The walk caches a guest CR3 write or INVLPG flushes: the shadow's under shadow paging,
    /// the guest's (or the native kernel's) otherwise; the nested ones are tagged by the EPT
    /// pointer and stay (Intel SDM Vol. 3A, 4.10.4; Vol. 3C, 29.4).
    fn guest_dim(&self) -> Dim {
        match self.mode {
            Mode::Native => Dim::Native,
            Mode::Shadow => Dim::Shadow,
            Mode::Ept => Dim::Guest,
        }
    }

    fn pwc(&mut self) -> Option<&mut Pwc> {
        self.config.pwc.then_some(&mut self.pwc)
    }

    fn exit(&mut self, why: &str) {
        self.counters.exits += 1;
        // Adams and Agesen (ASPLOS 2006): a traced write traps under BT until adaptive binary
        // translation rewrites the store into a callout; domain.md section 1.
        let how = "a VM exit on first-generation VT-x; under BT a trap, or a callout once adaptive BT rewrites the store";
        self.push(
            "vm-exit",
            Lane::Vmm,
            format!("Exit to the VMM: {why} ({how})"),
        );
    }

    fn entry(&mut self) {
        self.push(
            "vm-entry",
            Lane::Vmm,
            "The VMM resumes the guest".to_owned(),
        );
    }

    fn run(&mut self, ops: &[Op]) {
        self.push(
            "start",
            Lane::Guest,
            format!("{}: {}", self.mode.title(), self.preset.description()),
        );
        for (at, op) in ops.iter().enumerate() {
            self.op = Some(at);
            match *op {
                Op::Read(addr) => self.read(addr),
                Op::WritePte {
                    space,
                    addr,
                    change,
                } => self.write_pte(space, addr, change),
                Op::SwitchCr3(space) => self.switch_cr3(space),
            }
        }
        self.op = None;
        let c = self.counters;
        self.push(
            "done",
            Lane::Guest,
            format!(
                "Done: {} reads, {} TLB misses, {} walk references, {} exits to the VMM",
                c.accesses, c.tlb_misses, c.walk_refs, c.exits
            ),
        );
    }

    fn read(&mut self, addr: u64) {
        self.counters.accesses += 1;
        self.push(
            "access",
            Lane::Guest,
            format!(
                "The guest ({}) reads virtual address {addr:#x}",
                space_name(self.space)
            ),
        );
        if let Some(entry) = self.tlb.lookup(addr) {
            self.counters.tlb_hits += 1;
            self.push(
                "tlb-hit",
                Lane::Hardware,
                format!(
                    "TLB hit: page {:#x} is at {:#x}; no memory reference for the translation",
                    entry.page, entry.frame
                ),
            );
            return;
        }
        self.counters.tlb_misses += 1;
        self.push(
            "tlb-miss",
            Lane::Hardware,
            format!("TLB miss for {addr:#x}: the hardware walks the tables"),
        );
        let mut walk = self.walk(addr);
        if walk.page.is_none() && self.mode == Mode::Shadow {
            let level = walk.missing_level.unwrap_or(1);
            self.counters.exits_hidden += 1;
            self.exit(&format!(
                "hidden page fault, the shadow table has no level-{level} entry for {addr:#x} although the guest maps it"
            ));
            let levels = u64::from(self.config.levels) - u64::from(self.large);
            self.counters.vmm_refs += levels;
            let space = self.space;
            self.sync_shadow(space, addr);
            self.push(
                "shadow-fill",
                Lane::Vmm,
                format!(
                    "The VMM reads the guest's table in software ({levels} entries) and its own map, and writes the shadow entry"
                ),
            );
            self.entry();
            walk = self.walk(addr);
        }
        let Some((frame, large)) = walk.page else {
            self.push(
                "fault",
                Lane::Guest,
                format!("Page fault: {addr:#x} is not mapped"),
            );
            return;
        };
        let page = if large {
            addr - addr % LARGE_PAGE_BYTES
        } else {
            addr - addr % PAGE_BYTES
        };
        let evicted = self.tlb.fill(TlbEntry { page, large, frame });
        let size = if large { "2 MiB" } else { "4 KiB" };
        let eviction = evicted.map_or(String::new(), |old| {
            format!(", evicting page {:#x}", old.page)
        });
        self.push(
            "tlb-fill",
            Lane::Hardware,
            format!("The TLB caches page {page:#x} -> {frame:#x} ({size}){eviction}"),
        );
    }

    /// One hardware walk for `addr` in this mode, pushed as steps.
    fn walk(&mut self, addr: u64) -> Walk {
        let root = self.root_of(self.space);
        let walk = match self.mode {
            Mode::Native => {
                let guest = std::mem::replace(&mut self.guest, Tables::new(0, 0));
                let walk = walk_one_d(&guest, root, addr, Dim::Native, self.pwc());
                self.guest = guest;
                walk
            }
            Mode::Shadow => {
                let shadow_root = self.shadow_roots.get(&self.space).copied().unwrap_or(0);
                let shadow = std::mem::replace(&mut self.shadow, Tables::new(0, 0));
                let walk = walk_one_d(&shadow, shadow_root, addr, Dim::Shadow, self.pwc());
                self.shadow = shadow;
                walk
            }
            Mode::Ept => {
                let pwc = self.config.pwc.then_some(&mut self.pwc);
                walk_two_d(&self.guest, root, &self.nested, self.nested_root, addr, pwc)
            }
        };
        let index = self.walks.len();
        self.walks.push(walk.clone());
        let total = walk.refs.len();
        let cached = walk
            .cells
            .iter()
            .filter(|cell| **cell == Cell::Cached)
            .count();
        let cache_note = if cached > 0 {
            format!("; the page-walk caches supply {cached} entries")
        } else {
            String::new()
        };
        if self.preset.steps_each_reference() {
            for (number, reference) in walk.refs.iter().enumerate() {
                self.counters.walk_refs += 1;
                let what = reference_words(self.mode, &walk, number, self.config.levels);
                let note = if number == 0 { cache_note.as_str() } else { "" };
                self.push_walk(
                    "walk",
                    Lane::Hardware,
                    format!(
                        "Reference {} of {total}: {what}, entry {} of the table at {:#x}{note}",
                        number + 1,
                        reference.index,
                        reference.table_addr
                    ),
                    Some((index, number + 1)),
                );
            }
        } else {
            self.counters.walk_refs += total as u64;
            self.push_walk(
                "walk",
                Lane::Hardware,
                format!("The walk makes {total} memory references{cache_note}"),
                Some((index, total)),
            );
        }
        walk
    }

    fn write_pte(&mut self, space: u8, addr: u64, change: PteChange) {
        self.counters.pte_writes += 1;
        let root = self.root_of(space);
        let what = match change {
            PteChange::Map(frame) => {
                let gpa = self.data_frame(frame);
                self.guest.map(root, addr, gpa, self.large, true);
                format!("maps {addr:#x} to guest frame {gpa:#x}")
            }
            PteChange::Protect => {
                self.guest.protect(root, addr);
                format!("makes {addr:#x} read-only (copy-on-write)")
            }
            PteChange::Unmap => {
                self.guest.unmap(root, addr);
                format!("clears the entry for {addr:#x}")
            }
        };
        let whose = space_name(space);
        if self.mode == Mode::Shadow {
            self.push(
                "pte-write",
                Lane::Guest,
                format!(
                    "The guest kernel writes a page-table entry: {what} in the {whose}'s table, a page the VMM write-protects"
                ),
            );
            self.counters.exits_pte += 1;
            self.exit("a write to a traced guest page table");
            let shadow_root = self.shadow_roots.get(&space).copied();
            let updated = match (change, shadow_root) {
                (PteChange::Map(_), Some(_)) => self.sync_shadow(space, addr),
                (PteChange::Protect, Some(shadow)) => self.shadow.protect(shadow, addr),
                (PteChange::Unmap, Some(shadow)) => self.shadow.unmap(shadow, addr),
                (_, None) => false,
            };
            let result = if updated {
                "and updates the shadow entry to match"
            } else {
                "; no shadow entry to update"
            };
            self.push(
                "shadow-update",
                Lane::Vmm,
                format!("The VMM performs the write in the guest's table {result}"),
            );
            if space == self.space {
                self.tlb.invalidate(addr);
            }
            self.pwc.flush(self.guest_dim());
            self.entry();
        } else {
            if space == self.space {
                self.tlb.invalidate(addr);
            }
            self.pwc.flush(self.guest_dim());
            self.push(
                "pte-write",
                Lane::Guest,
                format!(
                    "The guest kernel writes a page-table entry: {what} in the {whose}'s table, an ordinary store (then INVLPG): no exit"
                ),
            );
        }
    }

    fn switch_cr3(&mut self, space: u8) {
        self.counters.cr3_writes += 1;
        self.space = space;
        self.tlb.flush();
        let whose = space_name(space);
        if self.mode == Mode::Shadow {
            self.push(
                "cr3-write",
                Lane::Guest,
                format!("The guest kernel loads CR3 with the {whose}'s table: CR3 writes exit under shadow paging"),
            );
            self.counters.exits_cr3 += 1;
            self.exit("a CR3 write");
            let what = if self.shadow_roots.contains_key(&space) {
                format!("switches to the {whose}'s cached shadow table")
            } else {
                let root = self.shadow.add_root();
                self.shadow_roots.insert(space, root);
                format!(
                    "builds an empty shadow table for the {whose}: its first reads will take hidden faults"
                )
            };
            self.pwc.flush(self.guest_dim());
            self.push(
                "shadow-switch",
                Lane::Vmm,
                format!("The VMM {what}, points the real CR3 at it and flushes the TLB"),
            );
            self.entry();
        } else {
            self.pwc.flush(self.guest_dim());
            self.push(
                "cr3-write",
                Lane::Guest,
                format!(
                    "The guest kernel loads CR3 with the {whose}'s table: the TLB and the guest's walk caches are flushed; no exit"
                ),
            );
        }
    }
}

/// Words for the `number`-th (0-based) reference of a walk.
fn reference_words(mode: Mode, walk: &Walk, number: usize, levels: u8) -> String {
    let Some(reference) = walk.refs.get(number) else {
        return String::new();
    };
    match (mode, reference.dim) {
        (Mode::Ept, Dim::Nested) => {
            let guest_level = levels - reference.row;
            let purpose = if reference.row == levels {
                "the data page's guest-physical address".to_owned()
            } else {
                format!("the address of the guest's level-{guest_level} table")
            };
            format!(
                "nested level-{} entry, translating {purpose}",
                reference.level
            )
        }
        (Mode::Ept, _) => format!("the guest's own level-{} entry", reference.level),
        (_, dim) => format!("{} level-{} entry", dim.title(), reference.level),
    }
}

/// Runs `preset` under `mode` with `config`.
pub fn run(preset: Preset, mode: Mode, config: Config) -> Trace {
    let mut machine = Machine::new(preset, mode, config);
    let ops = preset.ops();
    machine.run(&ops);
    Trace {
        preset,
        mode,
        config,
        ops,
        steps: machine.steps,
        walks: machine.walks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(preset: Preset, mode: Mode, config: Config) -> Counters {
        run(preset, mode, config).last_counters()
    }

    #[test]
    fn a_tlb_miss_costs_levels_natively_and_in_the_shadow_and_24_or_35_nested() {
        // Intel SDM Vol. 3A 4.5: one entry per level; Bhargava et al. 2008: (n+1)(m+1) - 1.
        for (levels, nested) in [(4, 24), (5, 35)] {
            let config = Config { levels, pwc: false };
            for (mode, expected) in [
                (Mode::Native, u64::from(levels)),
                (Mode::Shadow, u64::from(levels)),
                (Mode::Ept, nested),
            ] {
                let trace = run(Preset::TlbMiss, mode, config);
                let first = &trace.walks[0];
                assert_eq!(first.refs.len() as u64, expected, "{mode:?} {levels}");
                let c = trace.last_counters();
                assert_eq!(c.accesses, 3);
                assert_eq!(c.tlb_hits, 1, "the second read hits the TLB");
                assert_eq!(c.tlb_misses, 2, "the neighbour page misses");
                assert_eq!(c.walk_refs, 2 * expected);
                assert_eq!(c.exits, 0, "a warm shadow walks without exits");
            }
        }
    }

    #[test]
    fn each_reference_is_a_step_of_the_tlb_miss_scene() {
        let trace = run(Preset::TlbMiss, Mode::Ept, Config::default());
        let walks = trace
            .steps
            .iter()
            .filter(|step| step.slug == "walk")
            .count();
        assert_eq!(walks, 48);
        let fifth = trace
            .steps
            .iter()
            .filter(|step| step.slug == "walk")
            .nth(4)
            .expect("a fifth reference");
        assert!(
            fifth.label.contains("guest's own level-4 entry"),
            "{}",
            fifth.label
        );
        let hit = trace.first_step("tlb-hit").expect("a hit");
        assert_eq!(trace.steps[hit].counters.walk_refs, 24);
    }

    #[test]
    fn every_guest_page_table_write_exits_under_shadow_paging_and_none_under_ept() {
        // Adams and Agesen 2006: traced page-table writes, CR3 writes and hidden faults exit.
        let shadow = counters(Preset::Fork, Mode::Shadow, Config::default());
        assert_eq!(shadow.pte_writes, 9);
        assert_eq!(shadow.exits_pte, 9, "one exit per guest PTE write");
        assert_eq!(shadow.cr3_writes, 2);
        assert_eq!(shadow.exits_cr3, 2);
        assert_eq!(shadow.exits_hidden, 2, "the child's two first reads");
        assert_eq!(shadow.exits, 13);
        assert!(shadow.vmm_refs > 0);
        // Intel SDM Vol. 3C ch. 29: with EPT the same operations are the guest's own business.
        for mode in [Mode::Ept, Mode::Native] {
            let c = counters(Preset::Fork, mode, Config::default());
            assert_eq!((c.pte_writes, c.cr3_writes, c.exits), (9, 2, 0), "{mode:?}");
        }
    }

    #[test]
    fn the_scan_misses_every_time_and_large_pages_fix_it() {
        let config = Config::default();
        let scan = counters(Preset::Scan, Mode::Ept, config);
        assert_eq!(scan.accesses, 32);
        assert_eq!(scan.tlb_misses, 32, "16 pages cycle through 8 TLB entries");
        assert_eq!(scan.walk_refs, 32 * 24);
        let large = counters(Preset::LargePages, Mode::Ept, config);
        assert_eq!(large.tlb_misses, 4, "four 2 MiB entries cover the scan");
        assert_eq!(large.walk_refs, 4 * 15, "(3+1)(3+1) - 1 per miss");
        let native = counters(Preset::LargePages, Mode::Native, config);
        assert_eq!(native.walk_refs, 4 * 3);
    }

    #[test]
    fn page_walk_caches_shorten_the_scan_s_walks_in_both_modes() {
        let on = Config {
            pwc: true,
            ..Config::default()
        };
        let native = counters(Preset::Scan, Mode::Native, on);
        let ept = counters(Preset::Scan, Mode::Ept, on);
        assert!(native.walk_refs < 32 * 4, "{}", native.walk_refs);
        assert!(ept.walk_refs < 32 * 24, "{}", ept.walk_refs);
        assert!(ept.walk_refs > native.walk_refs);
    }

    #[test]
    fn tlb_snapshots_follow_the_run_and_cr3_writes_flush() {
        let trace = run(Preset::Fork, Mode::Ept, Config::default());
        let switch = trace.first_step("cr3-write").expect("a switch");
        assert!(trace.steps[switch].tlb.is_empty());
        assert_eq!(trace.steps[switch].space, CHILD);
        assert!(
            trace
                .steps
                .iter()
                .all(|step| step.tlb.len() <= super::super::TLB_ENTRIES)
        );
        assert_eq!(trace.steps[0].slug, "start");
        assert_eq!(trace.steps.last().map(|step| step.slug), Some("done"));
    }
}
