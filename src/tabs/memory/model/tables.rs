//! Radix page tables as x86-64 builds them: 4 KiB pages, 512 entries (9 index bits) per level,
//! 4 or 5 levels, and 2 MiB pages as a leaf one level above the last.
//!
//! One arena holds every table of one kind (the guest's tables, the nested/EPT tables, the shadow
//! tables or a native kernel's tables), each table with the address it lives at in its own
//! address space, so the walk can say which address each memory reference reads.
//! Source: Intel SDM Vol. 3A, 4.5 (4-level and 5-level paging: 9 bits per level, PS=1 in a PDE
//! maps a 2 MiB page).

use std::collections::BTreeMap;

/// log2 of a 4 KiB page.
pub const PAGE_SHIFT: u32 = 12;

/// Index bits per level (512 entries of 8 bytes fill one 4 KiB table).
pub const INDEX_BITS: u32 = 9;

/// Bytes in a 4 KiB page.
pub const PAGE_BYTES: u64 = 1 << PAGE_SHIFT;

/// Bytes in a 2 MiB large page (a leaf in a level-2 table).
pub const LARGE_PAGE_BYTES: u64 = 1 << (PAGE_SHIFT + INDEX_BITS);

/// The lowest bit of the address part that selects the entry of a level-`level` table (level 1
/// is the last table, whose entries map 4 KiB pages).
pub fn entry_shift(level: u8) -> u32 {
    PAGE_SHIFT + INDEX_BITS * u32::from(level.max(1) - 1)
}

/// The index into a level-`level` table for `addr`.
pub fn index(addr: u64, level: u8) -> u16 {
    ((addr >> entry_shift(level)) & 0x1ff) as u16
}

/// What a table entry points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The next table down (an index into the arena).
    Table(usize),
    /// A page: its frame address in the table's target space, whether it is a 2 MiB page, and
    /// whether it may be written.
    Page {
        /// The page's first byte in the target space.
        frame: u64,
        /// A 2 MiB page (the entry is in a level-2 table).
        large: bool,
        /// Writable (a copy-on-write page after fork is not).
        writable: bool,
    },
}

/// One 4 KiB table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Where the table lives, in the address space its owner's memory is in.
    pub addr: u64,
    /// 1 for the last level up to 4 or 5 for the root.
    pub level: u8,
    /// The present entries by index.
    pub entries: BTreeMap<u16, Next>,
}

/// An arena of tables of one kind; roots are indices of top-level tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    /// Levels of a walk from a root (4 or 5).
    pub levels: u8,
    /// Every table, roots included.
    pub tables: Vec<Table>,
    /// Where the next table is placed.
    next_addr: u64,
}

impl Tables {
    /// An empty arena whose tables are placed from `first_addr` on, one page each.
    pub fn new(levels: u8, first_addr: u64) -> Self {
        Self {
            levels,
            tables: Vec::new(),
            next_addr: first_addr,
        }
    }

    /// A new empty table at `level`; returns its index.
    pub fn add_table(&mut self, level: u8) -> usize {
        self.tables.push(Table {
            addr: self.next_addr,
            level,
            entries: BTreeMap::new(),
        });
        self.next_addr += PAGE_BYTES;
        self.tables.len() - 1
    }

    /// A new empty root table.
    pub fn add_root(&mut self) -> usize {
        self.add_table(self.levels)
    }

    /// Maps the page holding `addr` under `root` to `frame`, creating tables on the way; a large
    /// page ends the path at level 2.
    pub fn map(&mut self, root: usize, addr: u64, frame: u64, large: bool, writable: bool) {
        let leaf_level = if large { 2 } else { 1 };
        let mut table = root;
        for level in (leaf_level + 1..=self.levels).rev() {
            let slot = index(addr, level);
            let existing = self.tables.get(table).and_then(|t| t.entries.get(&slot));
            table = match existing {
                Some(Next::Table(next)) => *next,
                _ => {
                    let next = self.add_table(level - 1);
                    self.insert(table, slot, Next::Table(next));
                    next
                }
            };
        }
        let page = Next::Page {
            frame,
            large,
            writable,
        };
        self.insert(table, index(addr, leaf_level), page);
    }

    /// Sets one entry of a table that `add_table` made (every table number the walks follow).
    fn insert(&mut self, table: usize, slot: u16, next: Next) {
        if let Some(table) = self.tables.get_mut(table) {
            table.entries.insert(slot, next);
        }
    }

    /// Removes the leaf entry for `addr` (the tables above stay); true if there was one.
    pub fn unmap(&mut self, root: usize, addr: u64) -> bool {
        match self.leaf_slot(root, addr) {
            Some((table, slot)) => (self.tables.get_mut(table))
                .is_some_and(|table| table.entries.remove(&slot).is_some()),
            None => false,
        }
    }

    /// Changes the leaf entry for `addr` to read-only; true if there was one.
    pub fn protect(&mut self, root: usize, addr: u64) -> bool {
        let Some((table, slot)) = self.leaf_slot(root, addr) else {
            return false;
        };
        match (self.tables.get_mut(table)).and_then(|table| table.entries.get_mut(&slot)) {
            Some(Next::Page { writable, .. }) => {
                *writable = false;
                true
            }
            _ => false,
        }
    }

    /// The table and slot of the leaf entry for `addr`, if the path to it exists.
    fn leaf_slot(&self, root: usize, addr: u64) -> Option<(usize, u16)> {
        let mut table = root;
        for level in (1..=self.levels).rev() {
            let slot = index(addr, level);
            match self.tables.get(table)?.entries.get(&slot)? {
                Next::Table(next) => table = *next,
                Next::Page { .. } => return Some((table, slot)),
            }
        }
        None
    }

    /// The translation of `addr` under `root` without counting anything (the VMM's software view,
    /// and tests): the target address, or `None` when a level is missing.
    pub fn translate(&self, root: usize, addr: u64) -> Option<u64> {
        let mut table = root;
        for level in (1..=self.levels).rev() {
            match self.tables.get(table)?.entries.get(&index(addr, level))? {
                Next::Table(next) => table = *next,
                Next::Page { frame, large, .. } => {
                    let offset = if *large {
                        addr & (LARGE_PAGE_BYTES - 1)
                    } else {
                        addr & (PAGE_BYTES - 1)
                    };
                    return Some(frame + offset);
                }
            }
        }
        None
    }

    /// Number of tables in the arena.
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// Whether the arena has no table.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_take_nine_bits_per_level_above_the_page_offset() {
        // SDM Vol. 3A, 4.5: bits 47:39 select the PML4 entry, 38:30 the PDPT entry, 29:21 the
        // PDE, 20:12 the PTE; with LA57, bits 56:48 select the PML5 entry.
        let addr = (3 << 39) | (5 << 30) | (7 << 21) | (9 << 12) | 0x123;
        assert_eq!([4, 3, 2, 1].map(|level| index(addr, level)), [3, 5, 7, 9]);
        assert_eq!(index(1 << 48, 5), 1);
        assert_eq!(LARGE_PAGE_BYTES, 2 * 1024 * 1024);
    }

    #[test]
    fn mapping_creates_one_table_per_level_and_large_pages_stop_a_level_early() {
        let mut tables = Tables::new(4, 0x10_0000);
        let root = tables.add_root();
        tables.map(root, 0x4000_1000, 0x9000, false, true);
        assert_eq!(tables.len(), 4, "root, PDPT, PD, PT");
        assert_eq!(tables.translate(root, 0x4000_1abc), Some(0x9abc));
        tables.map(root, 0x8000_0000, 0x20_0000, true, true);
        assert_eq!(tables.len(), 5, "a new PD, no PT for a 2 MiB page");
        assert_eq!(tables.translate(root, 0x8012_3456), Some(0x32_3456));
        assert!(tables.protect(root, 0x4000_1000));
        assert!(tables.unmap(root, 0x4000_1000));
        assert_eq!(tables.translate(root, 0x4000_1000), None);
        assert!(!tables.unmap(root, 0x4000_1000));
    }
}
