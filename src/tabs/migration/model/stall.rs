//! How long the guest runs within one post-copy step, and how many demand faults it takes.
//!
//! In a step of `T` seconds the guest runs for `r` and blocks `fault_secs` on each fault it
//! takes while running, so `r` solves `busy(r) = r + fault_secs * faults(r) = T` (or is `T`
//! when the faults leave it room). `faults(r)` sums each class's missing pages times its touch
//! hazard ([`touch_hazard`]): `1 - exp(-p r)` for random touches, `min(1, p r / (1 - x))` for a
//! sweep at position `x`. Both are concave and increasing in `r`, so `busy(r) - T` is too, and
//! Newton's method started at `r = 0` (where it is `-T`) climbs towards the root from below
//! without overshooting it: the tangent of a concave function lies above it, so each tangent's
//! root is at or below the true one. A sweep's hazard is linear up to its saturation, so the
//! first step lands on the root when it lies before the kink; a random hazard is nearly linear
//! over one step, and the iterates converge quadratically. That is two or three evaluations per
//! step where the bisection it replaced took forty (92 % of the quiz's post-copy runs; see
//! BENCHMARKS.md). The bisection stays as the tests' oracle: the solve and whole post-copy runs
//! are compared with it step by step (this module's tests and `postcopy`'s).

use super::dirty::{Classes, touch_hazard};
use super::params::WritePattern;

/// The guest during one step: how much it ran and how many faults it took per class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct GuestStep {
    pub run_secs: f64,
    pub faults_hot: f64,
    pub faults_cold: f64,
}

/// A solver of the guest's run time: `(classes, missing pages (hot, cold), guest seconds run
/// before the step, step seconds, seconds blocked per fault)`.
pub(super) type Solve = fn(&Classes, (f64, f64), f64, f64, f64) -> GuestStep;

/// Newton iterations at most; the solve converges in a handful (see the module docs), this only
/// bounds a pathological input.
const MAX_NEWTON_ITERATIONS: u32 = 64;

/// The solve stops once `busy(run) - step` is within this fraction of the step (the bisection
/// it replaced stopped at 2^-40 of the step, about 9e-13).
const RELATIVE_TOLERANCE: f64 = 1e-15;

/// One class's hazard over the next `d_secs` of guest execution and its right derivative in
/// `d_secs`, with the hazard computed exactly as [`touch_hazard`] does.
fn hazard_and_slope(
    pattern: WritePattern,
    rate_pages_s: f64,
    set_pages: f64,
    elapsed_secs: f64,
    d_secs: f64,
) -> (f64, f64) {
    let hazard = touch_hazard(pattern, rate_pages_s, set_pages, elapsed_secs, d_secs);
    if set_pages <= 0.0 || rate_pages_s <= 0.0 {
        return (hazard, 0.0);
    }
    let per_page = rate_pages_s / set_pages;
    let slope = match pattern {
        // d/dd (1 - exp(-p d)) = p exp(-p d) = p (1 - hazard).
        WritePattern::Random => per_page * (1.0 - hazard),
        WritePattern::Sequential => {
            let position = (per_page * elapsed_secs).fract();
            if position + per_page * d_secs.max(0.0) >= 1.0 {
                0.0
            } else {
                per_page / (1.0 - position)
            }
        }
    };
    (hazard, slope)
}

/// The faults taken in `run` seconds of guest execution, per class, and their derivative.
fn faults(
    classes: &Classes,
    missing: (f64, f64),
    elapsed_run_secs: f64,
    run: f64,
) -> ((f64, f64), f64) {
    let (hot, hot_slope) = hazard_and_slope(
        classes.pattern,
        classes.hot_rate_pages_s,
        classes.hot_pages,
        elapsed_run_secs,
        run,
    );
    let (cold, cold_slope) = hazard_and_slope(
        classes.pattern,
        classes.cold_rate_pages_s,
        classes.cold_pages,
        elapsed_run_secs,
        run,
    );
    (
        (missing.0 * hot, missing.1 * cold),
        missing.0 * hot_slope + missing.1 * cold_slope,
    )
}

/// Solves for the guest's run time in a step of `step_secs` by Newton's method from below (see
/// the module docs). Each evaluation gives the faults as well, so the point the solve stops at
/// needs none more.
pub(super) fn guest_step(
    classes: &Classes,
    missing: (f64, f64),
    elapsed_run_secs: f64,
    step_secs: f64,
    fault_secs: f64,
) -> GuestStep {
    // busy(run) - step, its slope, and the faults per class at `run`.
    let evaluate = |run: f64| {
        let (faults, slope) = faults(classes, missing, elapsed_run_secs, run);
        let gap = run + fault_secs * (faults.0 + faults.1) - step_secs;
        (gap, 1.0 + fault_secs * slope, faults)
    };
    let solved = |run_secs: f64, (faults_hot, faults_cold): (f64, f64)| GuestStep {
        run_secs,
        faults_hot,
        faults_cold,
    };
    let (gap, _, at_step) = evaluate(step_secs);
    if gap <= 0.0 {
        return solved(step_secs, at_step);
    }
    let tolerance = RELATIVE_TOLERANCE * step_secs;
    let mut run = 0.0_f64;
    let mut at_run = evaluate(run);
    for _ in 0..MAX_NEWTON_ITERATIONS {
        let (gap, slope, _) = at_run;
        // At the root within the tolerance (the iterate is then that close to it, the slope
        // being at least 1), or past it by a rounding error: the iterates only climb.
        if gap >= -tolerance {
            break;
        }
        let next = (run - gap / slope).clamp(run, step_secs);
        if next <= run {
            break;
        }
        run = next;
        at_run = evaluate(run);
    }
    solved(run, at_run.2)
}

/// The 40-step bisection the Newton solve replaced, kept as the oracle of the tests.
#[cfg(test)]
pub(super) fn guest_step_bisection(
    classes: &Classes,
    missing: (f64, f64),
    elapsed_run_secs: f64,
    step_secs: f64,
    fault_secs: f64,
) -> GuestStep {
    const BISECTION_ITERATIONS: u32 = 40;
    let faults = |run: f64| {
        (
            missing.0
                * touch_hazard(
                    classes.pattern,
                    classes.hot_rate_pages_s,
                    classes.hot_pages,
                    elapsed_run_secs,
                    run,
                ),
            missing.1
                * touch_hazard(
                    classes.pattern,
                    classes.cold_rate_pages_s,
                    classes.cold_pages,
                    elapsed_run_secs,
                    run,
                ),
        )
    };
    let busy = |run: f64| {
        let (h, c) = faults(run);
        run + fault_secs * (h + c)
    };
    let run_secs = if busy(step_secs) <= step_secs {
        step_secs
    } else {
        let (mut lo, mut hi) = (0.0, step_secs);
        for _ in 0..BISECTION_ITERATIONS {
            let mid = 0.5 * (lo + hi);
            if busy(mid) <= step_secs {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lo
    };
    let (faults_hot, faults_cold) = faults(run_secs);
    GuestStep {
        run_secs,
        faults_hot,
        faults_cold,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn classes(pattern: WritePattern, hot: f64, cold: f64, rates: (f64, f64)) -> Classes {
        Classes {
            hot_pages: hot,
            cold_pages: cold,
            hot_rate_pages_s: rates.0,
            cold_rate_pages_s: rates.1,
            pattern,
        }
    }

    #[test]
    fn the_slope_is_the_hazards_derivative() {
        for pattern in WritePattern::ALL {
            for (elapsed, d) in [(0.0, 0.01), (0.37, 0.02), (3.9, 0.05), (12.0, 0.001)] {
                let (h, slope) = hazard_and_slope(*pattern, 500.0, 2000.0, elapsed, d);
                let eps = 1e-7;
                let ahead = touch_hazard(*pattern, 500.0, 2000.0, elapsed, d + eps);
                assert_eq!(h, touch_hazard(*pattern, 500.0, 2000.0, elapsed, d));
                let numeric = (ahead - h) / eps;
                assert!(
                    (numeric - slope).abs() <= 1e-5 * slope.max(1.0),
                    "{pattern:?} at {elapsed}+{d}: {numeric} vs {slope}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The Newton solve finds the bisection's run time (which brackets the root to 2^-40 of
        /// the step from below), over both patterns, both classes, tiny to overwhelming faults.
        #[test]
        fn newton_finds_the_bisections_run_time(
            sequential in any::<bool>(),
            hot in 0.0..1e7_f64,
            cold in 0.0..1e7_f64,
            hot_rate in 0.0..1e6_f64,
            cold_rate in 0.0..1e6_f64,
            missing_hot in 0.0..1.0_f64,
            missing_cold in 0.0..1.0_f64,
            elapsed in 0.0..100.0_f64,
            step in 1e-6..1.0_f64,
            fault_secs in 0.0..0.05_f64,
        ) {
            let pattern = if sequential { WritePattern::Sequential } else { WritePattern::Random };
            let classes = classes(pattern, hot, cold, (hot_rate, cold_rate));
            let missing = (missing_hot * hot, missing_cold * cold);
            let new = guest_step(&classes, missing, elapsed, step, fault_secs);
            let old = guest_step_bisection(&classes, missing, elapsed, step, fault_secs);
            prop_assert!(new.run_secs >= 0.0 && new.run_secs <= step);
            prop_assert!(
                (new.run_secs - old.run_secs).abs() <= 1e-11 * step,
                "run {} vs {}", new.run_secs, old.run_secs
            );
            // The faults differ by what the run times' difference is worth at their slope (the
            // left one at the bisection's point, below the root) plus rounding.
            let slope = |run: f64| faults(&classes, missing, elapsed, run).1;
            let worth = slope(new.run_secs).max(slope(old.run_secs)) * 1e-11 * step;
            let pages = (missing.0 + missing.1).max(1.0);
            prop_assert!((new.faults_hot - old.faults_hot).abs() <= worth + 1e-9 * pages);
            prop_assert!((new.faults_cold - old.faults_cold).abs() <= worth + 1e-9 * pages);
        }
    }
}
