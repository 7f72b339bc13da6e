//! The scenes' guest operations: what the guest does, the same under every mode.

use super::tables::{LARGE_PAGE_BYTES, PAGE_BYTES};

/// Where the scenes' guest virtual addresses start (a user heap).
pub const HEAP: u64 = 0x0000_7f00_4000_0000;

/// Guest address spaces of the fork scene.
pub const PARENT: u8 = 0;
/// The child's address space.
pub const CHILD: u8 = 1;

/// What a guest page-table write does to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PteChange {
    /// Maps the page to the `n`-th data frame, writable.
    Map(u64),
    /// Makes the entry read-only (copy-on-write after fork).
    Protect,
    /// Clears the entry.
    Unmap,
}

/// One guest operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// The guest reads the byte at a virtual address.
    Read(u64),
    /// The guest kernel writes a page-table entry of address space `space` (and invalidates the
    /// address's TLB entry, as the kernel must).
    WritePte {
        /// The address space whose table is written.
        space: u8,
        /// The virtual address the entry maps.
        addr: u64,
        /// What the write does.
        change: PteChange,
    },
    /// The guest kernel loads CR3 with address space `space`'s root (a context switch).
    SwitchCr3(u8),
}

/// A scene preset (`preset=` in links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// Three reads: a TLB miss walked reference by reference, a hit, a neighbour's miss.
    TlbMiss,
    /// A fork: the kernel writes the child's entries and write-protects the parent's, switches to
    /// the child and back, and frees the child's entries.
    Fork,
    /// A TLB-hostile scan: 16 pages in 4 regions read twice, more pages than the TLB holds.
    Scan,
    /// The same scan with 2 MiB pages in the guest and in the nested tables.
    LargePages,
}

impl Preset {
    /// Every preset.
    pub const ALL: &[Self] = &[Self::TlbMiss, Self::Fork, Self::Scan, Self::LargePages];

    /// Scene-link id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::TlbMiss => "tlb-miss",
            Self::Fork => "fork",
            Self::Scan => "scan",
            Self::LargePages => "large-pages",
        }
    }

    /// Parses a scene-link id.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|preset| preset.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::TlbMiss => "A TLB miss",
            Self::Fork => "A fork-heavy guest",
            Self::Scan => "A TLB-hostile scan",
            Self::LargePages => "The scan with 2 MiB pages",
        }
    }

    /// What the preset shows, in a sentence.
    pub fn description(self) -> &'static str {
        match self {
            Self::TlbMiss => {
                "The guest reads an address twice and then its neighbour page: the first read \
                 misses the TLB and walks the tables reference by reference, the second hits."
            }
            Self::Fork => {
                "fork(): the kernel fills the child's page table, write-protects the parent's \
                 pages for copy-on-write, runs the child and frees its table: nine page-table \
                 writes and two CR3 switches."
            }
            Self::Scan => {
                "The guest reads 16 pages spread over 4 regions of 2 MiB, twice: more pages than \
                 the 8-entry TLB holds, so every read misses and walks."
            }
            Self::LargePages => {
                "The same scan with 2 MiB pages: 4 TLB entries cover all 16 addresses and each \
                 dimension's walk is a level shorter."
            }
        }
    }

    /// Whether a walk is shown reference by reference (else one step per walk).
    pub fn steps_each_reference(self) -> bool {
        self == Self::TlbMiss
    }

    /// Whether the guest and the nested tables use 2 MiB pages.
    pub fn large_pages(self) -> bool {
        self == Self::LargePages
    }

    /// The pages the guest has mapped when the scene starts, per address space.
    pub fn mapped(self) -> Vec<(u8, u64)> {
        match self {
            Self::TlbMiss => vec![(PARENT, HEAP), (PARENT, HEAP + PAGE_BYTES)],
            Self::Fork => (0..3).map(|page| (PARENT, fork_page(page))).collect(),
            Self::Scan | Self::LargePages => scan_pages().map(|addr| (PARENT, addr)).collect(),
        }
    }

    /// The guest's operations.
    pub fn ops(self) -> Vec<Op> {
        match self {
            Self::TlbMiss => vec![
                Op::Read(HEAP + 0x10),
                Op::Read(HEAP + 0x28),
                Op::Read(HEAP + PAGE_BYTES + 0x10),
            ],
            Self::Fork => {
                let pages = || (0..3).map(fork_page);
                let mut ops = vec![Op::Read(fork_page(0))];
                ops.extend(pages().enumerate().map(|(frame, addr)| Op::WritePte {
                    space: CHILD,
                    addr,
                    change: PteChange::Map(frame as u64),
                }));
                ops.extend(pages().map(|addr| Op::WritePte {
                    space: PARENT,
                    addr,
                    change: PteChange::Protect,
                }));
                ops.push(Op::SwitchCr3(CHILD));
                ops.push(Op::Read(fork_page(0)));
                ops.push(Op::Read(fork_page(1)));
                ops.push(Op::SwitchCr3(PARENT));
                ops.extend(pages().map(|addr| Op::WritePte {
                    space: CHILD,
                    addr,
                    change: PteChange::Unmap,
                }));
                ops.push(Op::Read(fork_page(0)));
                ops
            }
            Self::Scan | Self::LargePages => {
                scan_pages().chain(scan_pages()).map(Op::Read).collect()
            }
        }
    }
}

/// The fork scene's pages.
fn fork_page(page: u64) -> u64 {
    HEAP + page * PAGE_BYTES
}

/// The scan's 16 addresses: 4 pages in each of 4 regions 2 MiB apart.
fn scan_pages() -> impl Iterator<Item = u64> + Clone {
    (0..16u64).map(|k| HEAP + (k % 4) * LARGE_PAGE_BYTES + (k / 4) * PAGE_BYTES + 0x40)
}

/// The walk configuration a link chooses (`levels=`, `pwc=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Config {
    /// Paging levels of the guest and of the nested tables: 4, or 5 with LA57.
    pub levels: u8,
    /// Whether page-walk caches and the nested TLB are on.
    pub pwc: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            levels: 4,
            pwc: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_round_trip_and_the_fork_writes_nine_entries() {
        for preset in Preset::ALL {
            assert_eq!(Preset::from_slug(preset.slug()), Some(*preset));
            assert!(!preset.ops().is_empty());
        }
        let writes = Preset::Fork
            .ops()
            .iter()
            .filter(|op| matches!(op, Op::WritePte { .. }))
            .count();
        assert_eq!(writes, 9);
        let scan: Vec<u64> = scan_pages().collect();
        let mut pages: Vec<u64> = scan.iter().map(|addr| addr >> 12).collect();
        pages.sort_unstable();
        pages.dedup();
        assert_eq!(pages.len(), 16, "16 distinct 4 KiB pages");
        let mut regions: Vec<u64> = scan.iter().map(|addr| addr >> 21).collect();
        regions.sort_unstable();
        regions.dedup();
        assert_eq!(regions.len(), 4, "in 4 distinct 2 MiB regions");
    }
}
