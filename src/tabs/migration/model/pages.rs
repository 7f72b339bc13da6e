//! Where the hot (working-set) pages sit in guest memory.
//!
//! A 64 GiB VM has 16 M pages, too many to track one by one at 60 frames per second. The
//! model keeps expected counts per class of page (hot or cold) and needs only one per-page
//! fact for drawing: is this page hot? Real working sets cluster (heap, stacks, page cache),
//! so the hot pages form a few extents placed by a seeded PRNG. Counting the hot pages in
//! any address range is then a binary search over the extents, independent of memory size.

/// The hot pages are split into at most this many extents.
const MAX_HOT_EXTENTS: u64 = 16;

/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, well-mixed deterministic generator,
/// enough to place extents; no external crate needed.
pub(super) struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub(super) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 pseudo-random bits.
    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A run of consecutive pages of one class, in address order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Run {
    /// First page of the run.
    pub start_page: u64,
    /// One past the last page.
    pub end_page: u64,
    /// Whether the run belongs to the writable working set.
    pub hot: bool,
}

/// One hot extent, with the hot pages of the extents before it (so a count is one lookup).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Extent {
    start_page: u64,
    len_pages: u64,
    /// Hot pages in the extents before this one.
    hot_before: u64,
}

/// The hot/cold layout of guest memory: sorted, disjoint hot extents.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct PageLayout {
    total_pages: u64,
    /// The hot extents, sorted by start.
    extents: Vec<Extent>,
    /// Alternating hot and cold runs covering memory.
    runs: Vec<Run>,
}

impl PageLayout {
    /// Places `hot_pages` hot pages (at most `total_pages`) in up to 16 extents: memory is cut
    /// into equal slots and each slot holds one extent at a pseudo-random offset.
    pub(super) fn new(total_pages: u64, hot_pages: u64, seed: u64) -> Self {
        let hot_pages = hot_pages.min(total_pages);
        let count = MAX_HOT_EXTENTS.min(hot_pages);
        let mut rng = SplitMix64::new(seed);
        let mut extents = Vec::new();
        let mut slot_start = 0;
        let mut hot_so_far = 0;
        for i in 0..count {
            // Slots and extents are split the same way, so slot i is never shorter than extent i.
            let slot_len = total_pages / count + u64::from(i < total_pages % count);
            let len = hot_pages / count + u64::from(i < hot_pages % count);
            let offset = rng.next_u64() % (slot_len - len + 1);
            extents.push(Extent {
                start_page: slot_start + offset,
                len_pages: len,
                hot_before: hot_so_far,
            });
            hot_so_far += len;
            slot_start += slot_len;
        }
        let runs = runs_of(total_pages, &extents);
        Self {
            total_pages,
            extents,
            runs,
        }
    }

    /// Total pages V.
    pub(super) fn total_pages(&self) -> u64 {
        self.total_pages
    }

    /// Hot pages (the writable working set).
    pub(super) fn hot_pages(&self) -> u64 {
        self.extents.iter().map(|e| e.len_pages).sum()
    }

    /// Hot pages in `[0, page)`.
    pub(super) fn hot_before(&self, page: u64) -> u64 {
        // Index of the first extent starting at or after `page`.
        // The last extent starting before `page`; none means no hot page lies below it.
        let i = self.extents.partition_point(|e| e.start_page < page);
        let Some(e) = i.checked_sub(1).and_then(|j| self.extents.get(j)) else {
            return 0;
        };
        e.hot_before + e.len_pages.min(page - e.start_page)
    }

    /// Hot pages in `[lo, hi)`.
    #[cfg(test)]
    fn hot_in(&self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return 0;
        }
        self.hot_before(hi) - self.hot_before(lo)
    }

    /// Hot pages in the real-valued range `[lo, hi)`, counting partial pages proportionally
    /// (used where a transfer frontier sits inside a page range).
    pub(super) fn hot_in_real(&self, lo: f64, hi: f64) -> f64 {
        if hi <= lo {
            return 0.0;
        }
        self.hot_before_real(hi) - self.hot_before_real(lo)
    }

    /// Hot pages in the real-valued range `[0, page)` (post-copy asks it once per step, of the
    /// push pointer).
    pub(super) fn hot_before_real(&self, page: f64) -> f64 {
        let page = page.clamp(0.0, self.total_pages as f64);
        let whole = page.floor() as u64;
        let frac = page - whole as f64;
        let i = self.extents.partition_point(|e| e.start_page <= whole);
        let Some(e) = i.checked_sub(1).and_then(|j| self.extents.get(j)) else {
            return 0.0;
        };
        let inside = whole - e.start_page;
        let partial = if inside < e.len_pages { frac } else { 0.0 };
        (e.hot_before + e.len_pages.min(inside)) as f64 + partial
    }

    /// Splits the `hot` hot pages of `[lo, hi)` at the real address `at`: (below, above).
    pub(super) fn split_hot(&self, lo: u64, hi: u64, hot: f64, at: f64) -> (f64, f64) {
        if at <= lo as f64 {
            (0.0, hot)
        } else if at >= hi as f64 {
            (hot, 0.0)
        } else {
            let below = self.hot_in_real(lo as f64, at);
            (below, hot - below)
        }
    }

    /// Whether `page` is in the working set.
    #[cfg(test)]
    fn is_hot(&self, page: u64) -> bool {
        self.hot_in(page, page + 1) == 1
    }

    /// Alternating hot and cold runs covering all of memory, in address order.
    #[cfg(test)]
    fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// Transfers walk memory in address order over a set of pages spread with density
    /// `hot_density` over hot pages and `cold_density` over cold ones. Starting at address
    /// `from`, returns the address reached once `pages` pages of the set have gone (the end of
    /// memory if the set runs out first). Runs with density 0 are passed at no cost.
    pub(super) fn advance(
        &self,
        from: f64,
        hot_density: f64,
        cold_density: f64,
        pages: f64,
    ) -> f64 {
        let mut left = pages.max(0.0);
        let first = self.runs.partition_point(|r| (r.end_page as f64) <= from);
        for run in self.runs.iter().skip(first) {
            let lo = from.max(run.start_page as f64);
            let hi = run.end_page as f64;
            let density = if run.hot { hot_density } else { cold_density };
            let cost = (hi - lo) * density;
            if cost > left {
                return lo + left / density;
            }
            left -= cost;
        }
        self.total_pages as f64
    }
}

fn runs_of(total_pages: u64, extents: &[Extent]) -> Vec<Run> {
    let mut runs = Vec::with_capacity(2 * extents.len() + 1);
    let mut at = 0;
    for &Extent {
        start_page: start,
        len_pages: len,
        ..
    } in extents
    {
        if len == 0 {
            continue;
        }
        if start > at {
            runs.push(Run {
                start_page: at,
                end_page: start,
                hot: false,
            });
        }
        runs.push(Run {
            start_page: start,
            end_page: start + len,
            hot: true,
        });
        at = start + len;
    }
    if at < total_pages {
        runs.push(Run {
            start_page: at,
            end_page: total_pages,
            hot: false,
        });
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_matches_reference_values() {
        // First outputs of SplitMix64 seeded with 0 (reference implementation by S. Vigna).
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn layout_places_exactly_the_hot_pages_without_overlap() {
        for (total, hot) in [
            (1_u64, 1_u64),
            (10, 10),
            (10, 3),
            (1000, 37),
            (1 << 24, 1 << 20),
            (5, 0),
        ] {
            let layout = PageLayout::new(total, hot, 42);
            assert_eq!(layout.hot_pages(), hot);
            assert_eq!(layout.hot_before(total), hot);
            let runs = layout.runs();
            assert_eq!(runs.first().map(|r| r.start_page), Some(0));
            assert_eq!(runs.last().map(|r| r.end_page), Some(total));
            for pair in runs.windows(2) {
                assert_eq!(pair[0].end_page, pair[1].start_page);
            }
            let hot_in_runs: u64 = runs
                .iter()
                .filter(|r| r.hot)
                .map(|r| r.end_page - r.start_page)
                .sum();
            assert_eq!(hot_in_runs, hot);
        }
    }

    #[test]
    fn hot_counts_agree_with_page_by_page_counting() {
        let layout = PageLayout::new(997, 211, 7);
        let mut count = 0;
        for page in 0..997 {
            assert_eq!(layout.hot_before(page), count);
            if layout.is_hot(page) {
                count += 1;
            }
        }
        assert_eq!(count, 211);
        assert_eq!(
            layout.hot_in(100, 400),
            (100..400).filter(|&p| layout.is_hot(p)).count() as u64
        );
        assert!((layout.hot_in_real(0.0, 997.0) - 211.0).abs() < 1e-9);
        for page in 0..996 {
            let expected =
                layout.hot_before(page) as f64 + if layout.is_hot(page) { 0.25 } else { 0.0 };
            assert!((layout.hot_in_real(0.0, page as f64 + 0.25) - expected).abs() < 1e-9);
        }
        let hot = layout.hot_in(100, 400) as f64;
        let (below, above) = layout.split_hot(100, 400, hot, 250.0);
        assert_eq!(
            (below, above),
            (
                layout.hot_in(100, 250) as f64,
                layout.hot_in(250, 400) as f64
            )
        );
        assert_eq!(layout.split_hot(100, 400, hot, 50.0), (0.0, hot));
    }

    #[test]
    fn advance_walks_the_set_in_address_order() {
        let layout = PageLayout::new(1000, 100, 3);
        // Density 1 everywhere: address = pages sent.
        assert!((layout.advance(0.0, 1.0, 1.0, 250.5) - 250.5).abs() < 1e-9);
        // Only hot pages in the set: after all 100 the walk is past the last hot page.
        let end = layout.advance(0.0, 1.0, 0.0, 100.0);
        assert!((layout.hot_in_real(0.0, end) - 100.0).abs() < 1e-9);
        let half = layout.advance(0.0, 1.0, 0.0, 50.0);
        assert!((layout.hot_in_real(0.0, half) - 50.0).abs() < 1e-9);
        // Continuing from the middle gives the same place as one walk.
        let two_steps = layout.advance(layout.advance(0.0, 0.5, 0.25, 40.0), 0.5, 0.25, 60.0);
        assert!((two_steps - layout.advance(0.0, 0.5, 0.25, 100.0)).abs() < 1e-9);
        assert_eq!(layout.advance(0.0, 1.0, 1.0, 5000.0), 1000.0);
    }

    #[test]
    fn layout_is_deterministic_per_seed() {
        assert_eq!(
            PageLayout::new(1 << 20, 1 << 16, 1),
            PageLayout::new(1 << 20, 1 << 16, 1)
        );
        assert_ne!(
            PageLayout::new(1 << 20, 1 << 16, 1),
            PageLayout::new(1 << 20, 1 << 16, 2)
        );
    }
}
