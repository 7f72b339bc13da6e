//! The translation caches: a small TLB and the page-walk caches.
//!
//! Both are least-recently-used lists of a few entries, much smaller than real ones (a current
//! core has 64 first-level data TLB entries and over a thousand second-level ones) so that a scene
//! of a few dozen accesses shows hits, misses and evictions. Sources: Intel SDM Vol. 3A, 4.10
//! (TLBs cache translations; paging-structure caches hold upper-level entries so a walk can start
//! lower; MOV to CR3 without PCIDs invalidates both for the address space); Bhargava et al.,
//! ASPLOS 2008 (page-walk caches for two-dimensional walks, and a nested TLB that caches
//! guest-physical to host-physical translations).

use super::tables::{LARGE_PAGE_BYTES, PAGE_SHIFT, entry_shift};

/// Entries in the toy TLB.
pub const TLB_ENTRIES: usize = 8;

/// Entries in each toy page-walk cache.
pub const PWC_ENTRIES: usize = 8;

/// One cached translation: a virtual page to the address it finally lands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlbEntry {
    /// The virtual page's first byte.
    pub page: u64,
    /// A 2 MiB page.
    pub large: bool,
    /// Where the page is in (host-)physical memory.
    pub frame: u64,
}

impl TlbEntry {
    /// Whether `addr` falls in this entry's page.
    pub fn covers(&self, addr: u64) -> bool {
        let size = if self.large {
            LARGE_PAGE_BYTES
        } else {
            1 << PAGE_SHIFT
        };
        addr >= self.page && addr < self.page + size
    }
}

/// A least-recently-used TLB; the front is the most recently used entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tlb {
    /// The entries, most recently used first.
    pub entries: Vec<TlbEntry>,
}

impl Tlb {
    /// Looks `addr` up; a hit moves the entry to the front.
    pub fn lookup(&mut self, addr: u64) -> Option<TlbEntry> {
        let position = self.entries.iter().position(|entry| entry.covers(addr))?;
        let entry = self.entries.remove(position);
        self.entries.insert(0, entry);
        Some(entry)
    }

    /// Adds a translation at the front, evicting the least recently used one when full; returns
    /// the evicted entry.
    pub fn fill(&mut self, entry: TlbEntry) -> Option<TlbEntry> {
        self.entries.retain(|old| old.page != entry.page);
        self.entries.insert(0, entry);
        (self.entries.len() > TLB_ENTRIES)
            .then(|| self.entries.pop())
            .flatten()
    }

    /// Drops the entry covering `addr` (INVLPG).
    pub fn invalidate(&mut self, addr: u64) {
        self.entries.retain(|entry| !entry.covers(addr));
    }

    /// Drops everything (MOV to CR3 without PCIDs).
    pub fn flush(&mut self) {
        self.entries.clear();
    }
}

/// Which tables a cached upper-level entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    /// The only tables of a native machine.
    Native,
    /// The guest's own tables (guest virtual to guest physical).
    Guest,
    /// The nested (EPT/NPT) tables: guest physical to host physical.
    Nested,
    /// The VMM's shadow tables: guest virtual straight to host physical.
    Shadow,
}

impl Dim {
    /// A short name for tables and labels.
    pub fn title(self) -> &'static str {
        match self {
            Self::Native => "page table",
            Self::Guest => "guest table",
            Self::Nested => "nested (EPT) table",
            Self::Shadow => "shadow table",
        }
    }
}

/// A cached entry: the entry of a level-`level` table that covers `prefix`, pointing at the
/// table one level down (`table`), or, at level 0 in the nested dimension, a whole guest-physical
/// to host-physical translation (the nested TLB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PwcEntry {
    /// The tables the entry is from.
    pub dim: Dim,
    /// The level of the table the entry is in (0: a full nested translation).
    pub level: u8,
    /// The address bits above the entry's reach.
    pub prefix: u64,
    /// The next table (an arena index) or, at level 0, the host-physical page.
    pub target: u64,
}

/// The page-walk caches of every dimension, least recently used last.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pwc {
    /// The entries, most recently used first.
    pub entries: Vec<PwcEntry>,
}

/// The prefix an entry of a level-`level` table covers (level 0: the 4 KiB page).
pub fn prefix(addr: u64, level: u8) -> u64 {
    if level == 0 {
        addr >> PAGE_SHIFT
    } else {
        addr >> entry_shift(level)
    }
}

impl Pwc {
    /// The cached entry of `dim` at `level` for `addr`, refreshed as most recently used.
    pub fn lookup(&mut self, dim: Dim, level: u8, addr: u64) -> Option<u64> {
        let key = prefix(addr, level);
        let position = self
            .entries
            .iter()
            .position(|entry| entry.dim == dim && entry.level == level && entry.prefix == key)?;
        let entry = self.entries.remove(position);
        self.entries.insert(0, entry);
        Some(entry.target)
    }

    /// Caches an entry; the cache of each dimension keeps [`PWC_ENTRIES`].
    pub fn fill(&mut self, dim: Dim, level: u8, addr: u64, target: u64) {
        let key = prefix(addr, level);
        self.entries
            .retain(|entry| !(entry.dim == dim && entry.level == level && entry.prefix == key));
        self.entries.insert(
            0,
            PwcEntry {
                dim,
                level,
                prefix: key,
                target,
            },
        );
        let mut kept = 0;
        self.entries.retain(|entry| {
            if entry.dim != dim {
                return true;
            }
            kept += 1;
            kept <= PWC_ENTRIES
        });
    }

    /// Drops every entry of `dim` (a CR3 write or INVLPG flushes the guest's, not the nested).
    pub fn flush(&mut self, dim: Dim) {
        self.entries.retain(|entry| entry.dim != dim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tlb_hits_evicts_the_least_recently_used_and_flushes() {
        let mut tlb = Tlb::default();
        for page in 0..TLB_ENTRIES as u64 {
            assert_eq!(
                tlb.fill(TlbEntry {
                    page: page << 12,
                    large: false,
                    frame: 0
                }),
                None
            );
        }
        assert!(tlb.lookup(0x10).is_some(), "page 0 hit, now most recent");
        let evicted = tlb.fill(TlbEntry {
            page: 0x100 << 12,
            large: false,
            frame: 0,
        });
        assert_eq!(evicted.map(|entry| entry.page), Some(1 << 12));
        assert!(tlb.lookup(0x1000).is_none());
        tlb.invalidate(0x10);
        assert!(tlb.lookup(0x10).is_none());
        tlb.flush();
        assert!(tlb.entries.is_empty());
    }

    #[test]
    fn a_large_page_entry_covers_two_mebibytes() {
        let entry = TlbEntry {
            page: 0x4000_0000,
            large: true,
            frame: 0,
        };
        assert!(entry.covers(0x401f_ffff));
        assert!(!entry.covers(0x4020_0000));
    }

    #[test]
    fn page_walk_caches_are_per_dimension_and_flush_separately() {
        let mut pwc = Pwc::default();
        pwc.fill(Dim::Guest, 2, 0x4000_0000, 7);
        pwc.fill(Dim::Nested, 0, 0x10_0000, 0x1_0010_0000);
        assert_eq!(pwc.lookup(Dim::Guest, 2, 0x401f_f000), Some(7));
        assert_eq!(pwc.lookup(Dim::Guest, 2, 0x4020_0000), None);
        pwc.flush(Dim::Guest);
        assert_eq!(pwc.lookup(Dim::Guest, 2, 0x4000_0000), None);
        assert_eq!(pwc.lookup(Dim::Nested, 0, 0x10_0abc), Some(0x1_0010_0000));
        for page in 0..20 {
            pwc.fill(Dim::Nested, 0, page << 12, page);
        }
        assert_eq!(pwc.entries.len(), PWC_ENTRIES);
    }
}
