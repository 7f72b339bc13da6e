//! The hardware page walk, reference by reference: one dimension (a native walk, or the walk of
//! a shadow table) and two dimensions (EPT/NPT: every guest-physical address the guest walk
//! produces, the guest tables' own included, is translated by a walk of the nested tables).
//!
//! Counts to check against (tests below): a native or shadow walk reads one entry per level, 4
//! with 4-level paging and 5 with LA57 (Intel SDM Vol. 3A, 4.5). A two-dimensional walk of an
//! n-level guest table over an m-level nested table reads up to n·m + n + m = (n+1)(m+1) - 1
//! entries: n guest entries, m nested entries for each of them, and m more for the final guest-
//! physical address; 24 for 4 + 4 and 35 for 5 + 5 (Bhargava et al., "Accelerating Two-Dimensional
//! Page Walks for Virtualized Systems", ASPLOS 2008, section 3; Intel SDM Vol. 3C, 29.3, EPT
//! translation of guest paging-structure addresses). Large pages end a dimension's walk one level
//! early; page-walk caches let a walk start below the root (see [`super::caches`]).

use super::caches::{Dim, Pwc};
use super::tables::{LARGE_PAGE_BYTES, Next, PAGE_BYTES, Tables, index};

/// Memory references of a one-dimensional walk with `levels` levels and nothing cached.
pub fn refs_one_d(levels: u8) -> usize {
    usize::from(levels)
}

/// Memory references of a two-dimensional walk, `guest` levels over `nested` levels, nothing
/// cached: (n+1)(m+1) - 1.
pub fn refs_two_d(guest: u8, nested: u8) -> usize {
    (usize::from(guest) + 1) * (usize::from(nested) + 1) - 1
}

/// What one cell of the walk grid did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Not part of this walk's grid (the data row has no guest entry).
    Unused,
    /// Read from memory, as the walk's reference number (1-based).
    Read(u16),
    /// Served by a page-walk cache or the nested TLB: no reference.
    Cached,
    /// Not needed: a large page ended the walk above it.
    Skipped,
}

/// One memory reference of a walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ref {
    /// Whose table was read.
    pub dim: Dim,
    /// The level of that table.
    pub level: u8,
    /// Where the entry's table is, in host-physical (or, natively, physical) memory.
    pub table_addr: u64,
    /// The entry's index in its table.
    pub index: u16,
    /// The grid row (two dimensions: guest level n down to 1, then the data address).
    pub row: u8,
    /// The grid column (two dimensions: nested level m down to 1, then the guest entry).
    pub col: u8,
}

/// A finished (or failed) walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// Whose tables the walk is over (`Guest` for a two-dimensional walk).
    pub dim: Dim,
    /// Grid rows: 1 for one dimension, guest levels + 1 for two.
    pub rows: u8,
    /// Grid columns: the levels for one dimension, nested levels + 1 for two.
    pub cols: u8,
    /// The references in the order the hardware makes them.
    pub refs: Vec<Ref>,
    /// Every grid cell, row by row.
    pub cells: Vec<Cell>,
    /// The translation: the page's first byte in the final space and whether the TLB may cache
    /// it as a 2 MiB page; `None` when an entry was missing.
    pub page: Option<(u64, bool)>,
    /// The level whose entry was missing, if the walk failed.
    pub missing_level: Option<u8>,
}

impl Walk {
    fn new(dim: Dim, rows: u8, cols: u8) -> Self {
        Self {
            dim,
            rows,
            cols,
            refs: Vec::new(),
            cells: vec![Cell::Unused; usize::from(rows) * usize::from(cols)],
            page: None,
            missing_level: None,
        }
    }

    fn set(&mut self, row: u8, col: u8, cell: Cell) {
        let at = usize::from(row) * usize::from(self.cols) + usize::from(col);
        if let Some(slot) = self.cells.get_mut(at) {
            *slot = cell;
        }
    }

    fn read(&mut self, dim: Dim, level: u8, table_addr: u64, addr: u64, row: u8, col: u8) {
        self.refs.push(Ref {
            dim,
            level,
            table_addr,
            index: index(addr, level),
            row,
            col,
        });
        let number = u16::try_from(self.refs.len()).unwrap_or(u16::MAX);
        self.set(row, col, Cell::Read(number));
    }

    /// Marks every cell still unused as skipped, except the data row's guest-entry cell.
    fn finish(&mut self, two_d: bool) {
        // Cells are rows x cols, row by row: the data row's guest entry is the last cell.
        let last = self.cells.len().checked_sub(1);
        for (at, cell) in self.cells.iter_mut().enumerate() {
            let data_row_entry = two_d && Some(at) == last;
            if *cell == Cell::Unused && !data_row_entry {
                *cell = Cell::Skipped;
            }
        }
    }

    /// The cell at a grid position.
    pub fn cell(&self, row: u8, col: u8) -> Cell {
        self.cells
            .get(usize::from(row) * usize::from(self.cols) + usize::from(col))
            .copied()
            .unwrap_or(Cell::Unused)
    }
}

/// Where a one-dimensional walk lands.
struct Landing {
    frame: u64,
    large: bool,
}

/// Walks `tables` from `root` for `addr`, writing its references into `walk` on `row` (columns
/// from the root's level down). With `pwc`, starts at the deepest cached upper-level entry.
fn walk_tables(
    tables: &Tables,
    root: usize,
    addr: u64,
    dim: Dim,
    pwc: Option<&mut Pwc>,
    walk: &mut Walk,
    row: u8,
) -> Option<Landing> {
    let levels = tables.levels;
    let col_of = |level: u8| levels - level;
    let mut pwc = pwc;
    let mut table = root;
    let mut level = levels;
    if let Some(cache) = pwc.as_deref_mut() {
        for cached in 2..=levels {
            if let Some(next) = cache.lookup(dim, cached, addr) {
                table = usize::try_from(next).unwrap_or(root);
                level = cached - 1;
                for above in cached..=levels {
                    walk.set(row, col_of(above), Cell::Cached);
                }
                break;
            }
        }
    }
    loop {
        let Some(at) = tables.tables.get(table) else {
            walk.missing_level = Some(level);
            return None;
        };
        walk.read(dim, level, at.addr, addr, row, col_of(level));
        match at.entries.get(&index(addr, level)) {
            None => {
                walk.missing_level = Some(level);
                return None;
            }
            Some(Next::Table(next)) => {
                if let Some(cache) = pwc.as_deref_mut() {
                    cache.fill(dim, level, addr, *next as u64);
                }
                table = *next;
                level -= 1;
            }
            Some(Next::Page { frame, large, .. }) => {
                return Some(Landing {
                    frame: *frame,
                    large: *large,
                });
            }
        }
    }
}

/// A one-dimensional walk (native paging, or the hardware walking a shadow table).
pub fn walk_one_d(
    tables: &Tables,
    root: usize,
    addr: u64,
    dim: Dim,
    pwc: Option<&mut Pwc>,
) -> Walk {
    let mut walk = Walk::new(dim, 1, tables.levels);
    if let Some(landing) = walk_tables(tables, root, addr, dim, pwc, &mut walk, 0) {
        let size = if landing.large {
            LARGE_PAGE_BYTES
        } else {
            PAGE_BYTES
        };
        walk.page = Some((landing.frame, landing.large));
        debug_assert_eq!(landing.frame % size, 0);
    }
    walk.finish(false);
    walk
}

/// Translates a guest-physical address through the nested tables on `row` of a two-dimensional
/// walk: the nested TLB first (with caches on), then a nested walk. Returns the host-physical
/// address and whether the nested page is 2 MiB.
fn nested_translate(
    nested: &Tables,
    nested_root: usize,
    gpa: u64,
    mut pwc: Option<&mut Pwc>,
    walk: &mut Walk,
    row: u8,
) -> Option<(u64, bool)> {
    if let Some(cache) = pwc.as_deref_mut()
        && let Some(host_page) = cache.lookup(Dim::Nested, 0, gpa)
    {
        for col in 0..nested.levels {
            walk.set(row, col, Cell::Cached);
        }
        return Some((host_page + (gpa % PAGE_BYTES), false));
    }
    let landing = walk_tables(
        nested,
        nested_root,
        gpa,
        Dim::Nested,
        pwc.as_deref_mut(),
        walk,
        row,
    )?;
    let offset = if landing.large {
        gpa % LARGE_PAGE_BYTES
    } else {
        gpa % PAGE_BYTES
    };
    let hpa = landing.frame + offset;
    if let Some(cache) = pwc {
        cache.fill(Dim::Nested, 0, gpa, hpa - hpa % PAGE_BYTES);
    }
    Some((hpa, landing.large))
}

/// A two-dimensional walk (EPT/NPT): the guest's tables, each of whose addresses, and the final
/// guest-physical address, is translated by the nested tables.
pub fn walk_two_d(
    guest: &Tables,
    guest_root: usize,
    nested: &Tables,
    nested_root: usize,
    gva: u64,
    mut pwc: Option<&mut Pwc>,
) -> Walk {
    let n = guest.levels;
    let m = nested.levels;
    let mut walk = Walk::new(Dim::Guest, n + 1, m + 1);
    let row_of = |level: u8| n - level;
    let mut table = guest_root;
    let mut level = n;
    if let Some(cache) = pwc.as_deref_mut() {
        for cached in 2..=n {
            if let Some(next) = cache.lookup(Dim::Guest, cached, gva) {
                table = usize::try_from(next).unwrap_or(guest_root);
                level = cached - 1;
                for above in cached..=n {
                    for col in 0..=m {
                        walk.set(row_of(above), col, Cell::Cached);
                    }
                }
                break;
            }
        }
    }
    let data_gpa = loop {
        let row = row_of(level);
        let Some(guest_table) = guest.tables.get(table) else {
            walk.missing_level = Some(level);
            walk.finish(true);
            return walk;
        };
        let table_gpa = guest_table.addr;
        let Some((table_hpa, _)) = nested_translate(
            nested,
            nested_root,
            table_gpa,
            pwc.as_deref_mut(),
            &mut walk,
            row,
        ) else {
            walk.missing_level = Some(level);
            walk.finish(true);
            return walk;
        };
        walk.read(Dim::Guest, level, table_hpa, gva, row, m);
        match guest_table.entries.get(&index(gva, level)) {
            None => {
                walk.missing_level = Some(level);
                walk.finish(true);
                return walk;
            }
            Some(Next::Table(next)) => {
                if let Some(cache) = pwc.as_deref_mut() {
                    cache.fill(Dim::Guest, level, gva, *next as u64);
                }
                table = *next;
                level -= 1;
            }
            Some(Next::Page { frame, large, .. }) => {
                let offset = if *large {
                    gva % LARGE_PAGE_BYTES
                } else {
                    gva % PAGE_BYTES
                };
                break (frame + offset, *large);
            }
        }
    };
    let (gpa, guest_large) = data_gpa;
    if let Some((hpa, host_large)) = nested_translate(nested, nested_root, gpa, pwc, &mut walk, n) {
        // The TLB can cache the pair only at the smaller of the two page sizes.
        let large = guest_large && host_large;
        let size = if large { LARGE_PAGE_BYTES } else { PAGE_BYTES };
        walk.page = Some((hpa - hpa % size, large));
    }
    walk.finish(true);
    walk
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Guest tables with `n` levels mapping `pages` (4 KiB or 2 MiB), and nested tables with `m`
    /// levels backing every guest-physical page the guest uses at host = guest + 4 GiB.
    fn machine(
        n: u8,
        m: u8,
        guest_large: bool,
        host_large: bool,
        pages: &[u64],
    ) -> (Tables, Tables) {
        let mut guest = Tables::new(n, 0x10_0000);
        let root = guest.add_root();
        for (number, page) in pages.iter().enumerate() {
            let frame = 0x4000_0000 + number as u64 * LARGE_PAGE_BYTES;
            guest.map(root, *page, frame, guest_large, true);
        }
        let mut nested = Tables::new(m, 0x20_0000);
        let nested_root = nested.add_root();
        let mut backed = Vec::new();
        for table in &guest.tables {
            backed.push(table.addr);
        }
        for number in 0..pages.len() as u64 {
            backed.push(0x4000_0000 + number * LARGE_PAGE_BYTES);
        }
        for gpa in backed {
            let size = if host_large {
                LARGE_PAGE_BYTES
            } else {
                PAGE_BYTES
            };
            let base = gpa - gpa % size;
            nested.map(nested_root, base, base + (1 << 32), host_large, true);
        }
        (guest, nested)
    }

    #[test]
    fn the_formula_gives_24_for_four_levels_and_35_for_five() {
        // Bhargava et al., ASPLOS 2008, section 3: up to 24 references for 4 + 4 levels; five-
        // level paging gives (5+1)(5+1) - 1 = 35.
        assert_eq!(refs_two_d(4, 4), 24);
        assert_eq!(refs_two_d(5, 5), 35);
        assert_eq!(refs_two_d(4, 5), 29);
        assert_eq!(refs_one_d(4), 4);
        assert_eq!(refs_one_d(5), 5);
    }

    #[test]
    fn simulated_walks_make_exactly_the_formula_s_references() {
        for (n, m) in [(4, 4), (5, 5), (4, 5), (5, 4)] {
            let gva = 0x7f12_3456_7000 & ((1 << (12 + 9 * u32::from(n))) - 1);
            let (guest, nested) = machine(n, m, false, false, &[gva]);
            let two_d = walk_two_d(&guest, 0, &nested, 0, gva + 0x10, None);
            assert_eq!(two_d.refs.len(), refs_two_d(n, m), "{n}+{m}");
            let hpa = two_d.page.expect("translated").0;
            assert_eq!(hpa, 0x4000_0000 + (1 << 32));
            // The guest entries are the 5th, 10th, 15th and 20th references for 4 + 4: each
            // guest table's address is translated (m references) before it is read.
            let guest_refs: Vec<usize> = two_d
                .refs
                .iter()
                .enumerate()
                .filter(|(_, r)| r.dim == Dim::Guest)
                .map(|(at, _)| at + 1)
                .collect();
            let expected: Vec<usize> = (1..=usize::from(n))
                .map(|k| k * (usize::from(m) + 1))
                .collect();
            assert_eq!(guest_refs, expected);
            let one_d = walk_one_d(&guest, 0, gva, Dim::Native, None);
            assert_eq!(one_d.refs.len(), refs_one_d(n));
        }
    }

    #[test]
    fn large_pages_shorten_each_dimension_by_a_level() {
        let gva = 0x4000_0000;
        let (guest, nested) = machine(4, 4, true, true, &[gva]);
        let walk = walk_two_d(&guest, 0, &nested, 0, gva, None);
        assert_eq!(
            walk.refs.len(),
            refs_two_d(3, 3),
            "15 with 2 MiB pages on both sides"
        );
        assert_eq!(walk.page.map(|(_, large)| large), Some(true));
        assert_eq!(walk.cell(3, 4), Cell::Skipped, "no guest level-1 entry");
        assert_eq!(walk_one_d(&guest, 0, gva, Dim::Native, None).refs.len(), 3);
        let (guest, nested) = machine(4, 4, true, false, &[gva]);
        let walk = walk_two_d(&guest, 0, &nested, 0, gva, None);
        assert_eq!(walk.refs.len(), 3 * 5 + 4, "guest 2 MiB only");
        assert_eq!(walk.page.map(|(_, large)| large), Some(false));
    }

    #[test]
    fn page_walk_caches_cut_a_neighbouring_walk() {
        let first = 0x4000_0000;
        let second = first + PAGE_BYTES;
        let (guest, nested) = machine(4, 4, false, false, &[first, second]);
        let mut pwc = Pwc::default();
        let cold = walk_two_d(&guest, 0, &nested, 0, first, Some(&mut pwc));
        // Even the first walk gains: its later nested walks reuse the upper nested entries its
        // earlier ones cached (the guest's tables sit next to each other in guest-physical memory).
        assert!(cold.refs.len() < 24, "{} references", cold.refs.len());
        let warm = walk_two_d(&guest, 0, &nested, 0, second, Some(&mut pwc));
        // The guest's upper entries are cached down to the PDE, the PT's own address is in the
        // nested TLB, so only the guest PTE and the new data page's nested walk remain.
        assert!(warm.refs.len() < 8, "{} references", warm.refs.len());
        assert!(warm.cells.contains(&Cell::Cached));
        let mut native_pwc = Pwc::default();
        walk_one_d(&guest, 0, first, Dim::Native, Some(&mut native_pwc));
        let native = walk_one_d(&guest, 0, second, Dim::Native, Some(&mut native_pwc));
        assert_eq!(native.refs.len(), 1, "only the PTE");
    }

    #[test]
    fn a_missing_entry_stops_the_walk_where_it_is_missing() {
        let (guest, _) = machine(4, 4, false, false, &[0x4000_0000]);
        let walk = walk_one_d(&guest, 0, 0x8000_0000, Dim::Native, None);
        assert_eq!(walk.page, None);
        assert_eq!(
            walk.missing_level,
            Some(3),
            "the PML4 entry exists, the PDPT entry not"
        );
        assert_eq!(walk.refs.len(), 2);
    }
}
