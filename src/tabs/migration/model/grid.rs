//! The memory page grid: what the view draws to show pages being sent, dirtied and faulted in.
//!
//! A 64 GiB VM has 16 M pages but the view draws a few thousand cells, so each cell stands
//! for a contiguous range of pages and reports how many of them are in each state. The counts
//! come from the timeline's expected values per range (no per-page simulation), rounded so
//! that each cell's counts add up exactly to its pages. One sample costs O(cells x log
//! extents), well within a frame.

use serde::Serialize;

use super::timeline::{MigrationTimeline, PageCounts};

/// One cell of the grid: a contiguous range of pages and how many are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CellState {
    /// First page of the cell.
    pub first_page: u64,
    /// Pages in the cell.
    pub pages: u64,
    /// Pages of the cell in the writable working set (draw these distinctly).
    pub hot_pages: u64,
    /// Pages never sent.
    pub not_sent: u64,
    /// Pages sent whose destination copy is current.
    pub sent_clean: u64,
    /// Pages to (re-)send: written since sent, or queued for the current round.
    pub dirty: u64,
    /// Pages pulled by post-copy demand faults.
    pub faulted_in: u64,
}

/// Samples the grid at `t_secs` with `cells` cells (fewer if memory has fewer pages).
/// Deterministic: the same timeline, time and cell count always give the same grid.
pub fn page_grid_at(timeline: &MigrationTimeline, t_secs: f64, cells: usize) -> Vec<CellState> {
    let total = timeline.layout.total_pages();
    let cells = (cells as u64).min(total);
    let sampler = timeline.sampler(t_secs);
    let mut lo = 0;
    let mut hot_below_lo = 0;
    (0..cells)
        .map(|j| {
            let hi = cell_start(j + 1, cells, total);
            let hot_below_hi = timeline.layout.hot_before(hi);
            let hot_pages = hot_below_hi - hot_below_lo;
            let counts = round_counts(sampler.part(lo, hi, hot_pages), hi - lo);
            let cell = CellState {
                first_page: lo,
                pages: hi - lo,
                hot_pages,
                not_sent: counts[0],
                sent_clean: counts[1],
                dirty: counts[2],
                faulted_in: counts[3],
            };
            (lo, hot_below_lo) = (hi, hot_below_hi);
            cell
        })
        .collect()
}

fn cell_start(cell: u64, cells: u64, total: u64) -> u64 {
    (u128::from(cell) * u128::from(total) / u128::from(cells)) as u64
}

/// Rounds expected counts to integers that add up to `pages` (largest remainder first; ties
/// go to the earlier state, so the result is deterministic).
fn round_counts(counts: PageCounts, pages: u64) -> [u64; 4] {
    let raw = [
        counts.not_sent,
        counts.sent_clean,
        counts.dirty,
        counts.faulted_in,
    ]
    .map(|c| c.max(0.0));
    let sum: f64 = raw.iter().sum();
    if sum <= 0.0 {
        return [pages, 0, 0, 0];
    }
    let scaled = raw.map(|c| c * pages as f64 / sum);
    let mut out = scaled.map(|c| (c.floor() as u64).min(pages));
    let mut remainders = scaled;
    for (r, o) in remainders.iter_mut().zip(&out) {
        *r -= *o as f64;
    }
    // Largest remainder first; on a tie the earlier state wins.
    while out.iter().sum::<u64>() < pages {
        let best = out
            .iter_mut()
            .zip(remainders.iter_mut())
            .reduce(|best, next| if *next.1 > *best.1 { next } else { best });
        let Some((count, remainder)) = best else {
            break;
        };
        *count += 1;
        *remainder = f64::NEG_INFINITY;
    }
    // Floating error can overshoot by a page at most; trim the largest state.
    while out.iter().sum::<u64>() > pages {
        let largest = out
            .iter_mut()
            .reduce(|largest, next| if *next > *largest { next } else { largest });
        let Some(largest) = largest else {
            break;
        };
        *largest -= 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::mode::Mode;
    use super::super::params::Params;
    use super::super::presets::Preset;
    use super::super::timeline::simulate;
    use super::*;

    fn assert_cells_add_up(timeline: &MigrationTimeline, cells: usize) {
        let total = timeline.params.memory_pages();
        let steps = 16;
        for k in 0..=steps {
            let t = timeline.end_secs * k as f64 / steps as f64;
            let grid = page_grid_at(timeline, t, cells);
            assert_eq!(grid.len() as u64, (cells as u64).min(total));
            let mut pages = 0;
            for cell in &grid {
                assert_eq!(
                    cell.not_sent + cell.sent_clean + cell.dirty + cell.faulted_in,
                    cell.pages
                );
                assert!(cell.hot_pages <= cell.pages);
                pages += cell.pages;
            }
            assert_eq!(pages, total, "{:?} at t = {t}", timeline.mode);
        }
    }

    #[test]
    fn cell_counts_add_up_to_memory_at_every_time_in_every_mode() {
        for preset in Preset::ALL {
            for mode in Mode::ALL {
                let tl = simulate(&preset.params(), *mode).unwrap();
                assert_cells_add_up(&tl, 300);
            }
        }
        let tiny = Params {
            memory_mib: 1.0,
            wss_mib: 0.1,
            ..Params::default()
        };
        assert_cells_add_up(&simulate(&tiny, Mode::PostCopy).unwrap(), 4096);
    }

    #[test]
    fn rounding_keeps_the_total_and_favours_large_remainders() {
        let counts = PageCounts {
            not_sent: 1.4,
            sent_clean: 1.3,
            dirty: 1.3,
            faulted_in: 0.0,
        };
        assert_eq!(round_counts(counts, 4), [2, 1, 1, 0]);
        let counts = PageCounts {
            not_sent: 0.0,
            sent_clean: 2.6,
            dirty: 0.4,
            faulted_in: 0.0,
        };
        assert_eq!(round_counts(counts, 3), [0, 3, 0, 0]);
    }

    #[test]
    fn grid_follows_the_migration() {
        let tl = simulate(&Params::default(), Mode::PreCopy).unwrap();
        let sum = |grid: &[CellState], f: fn(&CellState) -> u64| grid.iter().map(f).sum::<u64>();
        let start = page_grid_at(&tl, 0.0, 1024);
        assert_eq!(sum(&start, |c| c.not_sent), tl.params.memory_pages());
        // Halfway through round 0, about half the pages have gone.
        let mid = page_grid_at(&tl, 16.0, 1024);
        let sent = sum(&mid, |c| c.sent_clean + c.dirty) as f64;
        assert!(
            (sent / tl.params.memory_pages() as f64 - 0.5).abs() < 0.01,
            "{sent}"
        );
        // At the start of round 1 exactly the pages round 1 will send are dirty.
        let round1 = page_grid_at(&tl, tl.bars[1].start_secs, 1024);
        let dirty = sum(&round1, |c| c.dirty) as f64;
        assert!(
            (dirty - tl.bars[1].pages).abs() <= 1024.0,
            "{dirty} vs {}",
            tl.bars[1].pages
        );
        let end = page_grid_at(&tl, tl.end_secs, 1024);
        assert_eq!(sum(&end, |c| c.sent_clean), tl.params.memory_pages());
    }

    #[test]
    fn post_copy_grid_shows_faulted_pages_among_the_hot_ones() {
        let tl = simulate(&Preset::BusyWeb.params(), Mode::PostCopy).unwrap();
        let t = tl.summary.total_secs;
        let grid = page_grid_at(&tl, t, 4096);
        let faulted: u64 = grid.iter().map(|c| c.faulted_in).sum();
        assert!(
            (faulted as f64 - tl.summary.faults).abs() / tl.summary.faults < 0.05,
            "{faulted} vs {}",
            tl.summary.faults
        );
        let faulted_in_hot_cells: u64 = grid
            .iter()
            .filter(|c| c.hot_pages > 0)
            .map(|c| c.faulted_in)
            .sum();
        assert!(faulted_in_hot_cells as f64 > 0.8 * faulted as f64);
        assert_eq!(grid.iter().map(|c| c.not_sent).sum::<u64>(), 0);
    }

    #[test]
    fn grid_is_deterministic() {
        let tl = simulate(&Preset::ClarkSpecweb.params(), Mode::PreCopy).unwrap();
        let again = simulate(&Preset::ClarkSpecweb.params(), Mode::PreCopy).unwrap();
        assert_eq!(page_grid_at(&tl, 3.3, 777), page_grid_at(&again, 3.3, 777));
    }
}
