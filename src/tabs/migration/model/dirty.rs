//! How many distinct pages the guest dirties (or touches) in a stretch of time.
//!
//! Pre-copy re-sends the pages dirtied during the previous round, and a page written twice is
//! sent once, so what matters is the number of DISTINCT pages written. The guest's writes are
//! split between two classes of pages: the hot writable working set (Clark et al.'s WWS) and
//! the cold rest of memory. Within a class of `W` pages written at `D` pages/s, the distinct
//! pages after `t` seconds are
//!
//! * random writes: `W * (1 - exp(-D*t/W))` (each page is hit by a Poisson process of rate `D/W`);
//! * a sequential sweep: `min(D*t, W)`.
//!
//! When `W` is large compared to `D*t` both tend to `D*t`, the steady rate of the geometric
//! closed form (round `i` sends `V*lambda^i`); a small hot set saturates at `W` instead.

use super::params::{Params, WritePattern};

/// The two classes of pages and the write rate on each.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Classes {
    /// Pages in the writable working set.
    pub hot_pages: f64,
    /// All other pages.
    pub cold_pages: f64,
    /// Writes per second landing on hot pages, before throttling.
    pub hot_rate_pages_s: f64,
    /// Writes per second landing on cold pages, before throttling.
    pub cold_rate_pages_s: f64,
    /// How writes spread within each class.
    pub pattern: WritePattern,
}

impl Classes {
    /// Splits the guest's writes by `hot_write_share`. If one class is empty, its writes land
    /// on the other (a working set as large as memory takes every write).
    pub(super) fn from_params(params: &Params, hot_pages: u64) -> Self {
        let total = params.memory_pages() as f64;
        let hot = hot_pages as f64;
        let cold = total - hot;
        let rate = params.dirty_pages_s();
        let share = if cold == 0.0 {
            1.0
        } else if hot == 0.0 {
            0.0
        } else {
            params.hot_write_share
        };
        Self {
            hot_pages: hot,
            cold_pages: cold,
            hot_rate_pages_s: rate * share,
            cold_rate_pages_s: rate * (1.0 - share),
            pattern: params.write_pattern,
        }
    }

    /// Fractions of the hot and cold pages written at least once in `secs` seconds, with the
    /// guest CPU throttled by `throttle` (0 to 1; a throttled CPU dirties proportionally less).
    pub(super) fn dirtied_fractions(&self, secs: f64, throttle: f64) -> (f64, f64) {
        let run = 1.0 - throttle;
        (
            distinct_fraction(
                self.pattern,
                self.hot_rate_pages_s * run,
                self.hot_pages,
                secs,
            ),
            distinct_fraction(
                self.pattern,
                self.cold_rate_pages_s * run,
                self.cold_pages,
                secs,
            ),
        )
    }
}

/// Fraction of a `set_pages`-page set written at least once in `secs` seconds of writes at
/// `rate_pages_s` (see the module docs for the two formulas).
pub(super) fn distinct_fraction(
    pattern: WritePattern,
    rate_pages_s: f64,
    set_pages: f64,
    secs: f64,
) -> f64 {
    if set_pages <= 0.0 || rate_pages_s <= 0.0 || secs <= 0.0 {
        return 0.0;
    }
    let writes_per_page = rate_pages_s * secs / set_pages;
    match pattern {
        WritePattern::Random => -(-writes_per_page).exp_m1(),
        WritePattern::Sequential => writes_per_page.min(1.0),
    }
}

/// Post-copy: of the pages of a class that the guest has not touched yet, the fraction it
/// touches in the next `d_secs` of guest execution, having already run `elapsed_secs` since
/// resuming. Random touches are memoryless; a sweep reaches the untouched pages in order, so
/// it covers them faster as it nears the end of its cycle (and wraps around after).
pub(super) fn touch_hazard(
    pattern: WritePattern,
    rate_pages_s: f64,
    set_pages: f64,
    elapsed_secs: f64,
    d_secs: f64,
) -> f64 {
    if set_pages <= 0.0 || rate_pages_s <= 0.0 || d_secs <= 0.0 {
        return 0.0;
    }
    let per_page = rate_pages_s / set_pages;
    match pattern {
        WritePattern::Random => -(-per_page * d_secs).exp_m1(),
        WritePattern::Sequential => {
            let position = (per_page * elapsed_secs).fract();
            let step = per_page * d_secs;
            if position + step >= 1.0 {
                1.0
            } else {
                step / (1.0 - position)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_writes_follow_the_coupon_collector_expectation() {
        // 1000 writes over 1000 pages hit 1 - 1/e of them in expectation.
        let f = distinct_fraction(WritePattern::Random, 100.0, 1000.0, 10.0);
        assert!((f - (1.0 - (-1.0_f64).exp())).abs() < 1e-12);
    }

    #[test]
    fn both_patterns_tend_to_the_steady_rate_for_large_sets() {
        let set = 1e9;
        let (rate, secs) = (1000.0, 10.0);
        for pattern in WritePattern::ALL {
            let pages = set * distinct_fraction(*pattern, rate, set, secs);
            assert!(
                (pages - rate * secs).abs() / (rate * secs) < 1e-4,
                "{pattern:?}: {pages}"
            );
        }
    }

    #[test]
    fn both_patterns_saturate_at_the_set_size() {
        for pattern in WritePattern::ALL {
            assert!(distinct_fraction(*pattern, 1e6, 100.0, 1.0) <= 1.0);
            assert!(distinct_fraction(*pattern, 1e6, 100.0, 1.0) > 0.999);
        }
        assert_eq!(
            distinct_fraction(WritePattern::Sequential, 10.0, 100.0, 5.0),
            0.5
        );
    }

    #[test]
    fn writes_split_between_hot_and_cold_pages() {
        let params = Params {
            memory_mib: 4.0,
            dirty_mib_s: 1.0,
            hot_write_share: 0.75,
            wss_mib: 1.0,
            write_pattern: WritePattern::Random,
            ..Params::default()
        };
        let classes = Classes::from_params(&params, 256);
        assert_eq!(classes.hot_pages, 256.0);
        assert_eq!(classes.cold_pages, 768.0);
        assert_eq!(classes.hot_rate_pages_s, 192.0);
        assert_eq!(classes.cold_rate_pages_s, 64.0);
        // A working set as large as memory takes every write.
        let all_hot = Classes::from_params(&params, 1024);
        assert_eq!(all_hot.hot_rate_pages_s, 256.0);
        assert_eq!(all_hot.cold_rate_pages_s, 0.0);
        // Throttling by 50% halves the writes: 256 pages/s over 1024 pages for 1 s.
        let (full, _) = all_hot.dirtied_fractions(1.0, 0.0);
        let (half, _) = all_hot.dirtied_fractions(1.0, 0.5);
        assert!((full - (1.0 - (-0.25_f64).exp())).abs() < 1e-12);
        assert!((half - (1.0 - (-0.125_f64).exp())).abs() < 1e-12);
    }

    #[test]
    fn a_sweep_touches_every_page_once_per_cycle() {
        // 10 pages/s over 100 pages: a cycle takes 10 s. Halfway, half the untouched rest
        // goes in the next 2.5 s, and everything is touched by the end of the cycle.
        let h = touch_hazard(WritePattern::Sequential, 10.0, 100.0, 5.0, 2.5);
        assert!((h - 0.5).abs() < 1e-12);
        assert_eq!(
            touch_hazard(WritePattern::Sequential, 10.0, 100.0, 5.0, 5.0),
            1.0
        );
        let survive = (1.0 - touch_hazard(WritePattern::Sequential, 10.0, 100.0, 0.0, 4.0))
            * (1.0 - touch_hazard(WritePattern::Sequential, 10.0, 100.0, 4.0, 4.0));
        assert!((survive - 0.2).abs() < 1e-12);
        let r = touch_hazard(WritePattern::Random, 10.0, 100.0, 123.0, 10.0);
        assert!((r - (1.0 - (-1.0_f64).exp())).abs() < 1e-12);
    }
}
