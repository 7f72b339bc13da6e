//! QEMU's auto-converge: slow the guest down until pre-copy can catch up.
//!
//! When a VM dirties memory faster than the link drains it, pre-copy never converges. QEMU's
//! answer (`migration/ram.c`, `migration_trigger_throttle` and `mig_throttle_guest_down`) is to
//! throttle the guest's vCPUs: after each pass over the dirty bitmap, if the bytes dirtied
//! during the pass exceed 50% (`throttle-trigger-threshold`) of the bytes sent, a counter goes
//! up; when that has happened twice, the throttle starts at 20% (`cpu-throttle-initial`) or
//! rises by 10% (`cpu-throttle-increment`), up to 99% (`cpu-throttle-max`), and the counter
//! resets. A vCPU throttled by p% runs (100-p)% of the time, so it dirties proportionally less.

/// Dirtied bytes above this share of the bytes sent in a round count as "too fast".
pub const TRIGGER_SHARE: f64 = 0.5;

/// First throttle, in percent of guest CPU time taken away.
pub const INITIAL_PCT: u32 = 20;

/// Increase per further trigger, in percent.
pub const INCREMENT_PCT: u32 = 10;

/// Highest throttle, in percent.
pub const MAX_PCT: u32 = 99;

/// The throttle state carried from round to round.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Throttle {
    /// Current throttle, in percent.
    pub pct: u32,
    /// Rounds that dirtied too fast since the last change (QEMU's `dirty_rate_high_cnt`).
    high_rounds: u32,
}

impl Throttle {
    /// Updates the throttle after a round that sent `sent_pages` and during which the guest
    /// dirtied `dirtied_pages` distinct pages.
    pub(super) fn after_round(self, sent_pages: f64, dirtied_pages: f64) -> Self {
        if dirtied_pages <= TRIGGER_SHARE * sent_pages {
            return self;
        }
        let high_rounds = self.high_rounds + 1;
        if high_rounds < 2 {
            return Self {
                high_rounds,
                ..self
            };
        }
        let pct = if self.pct == 0 {
            INITIAL_PCT
        } else {
            (self.pct + INCREMENT_PCT).min(MAX_PCT)
        };
        Self {
            pct,
            high_rounds: 0,
        }
    }

    /// Share of the guest's CPU time taken away (0 to 0.99).
    pub(super) fn fraction(self) -> f64 {
        f64::from(self.pct) / 100.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_starts_after_two_fast_rounds_then_steps_to_the_maximum() {
        let mut t = Throttle::default();
        t = t.after_round(100.0, 60.0);
        assert_eq!(t.pct, 0, "one fast round is not enough");
        t = t.after_round(100.0, 60.0);
        assert_eq!(t.pct, 20);
        let mut seen = vec![t.pct];
        for _ in 0..40 {
            t = t.after_round(100.0, 60.0);
            if seen.last() != Some(&t.pct) {
                seen.push(t.pct);
            }
        }
        assert_eq!(seen, vec![20, 30, 40, 50, 60, 70, 80, 90, 99]);
    }

    #[test]
    fn slow_rounds_leave_the_throttle_alone() {
        let t = Throttle::default()
            .after_round(100.0, 50.0)
            .after_round(100.0, 10.0);
        assert_eq!(t, Throttle::default());
        // The counter does not reset on a slow round (QEMU only resets it when it throttles).
        let t = Throttle::default()
            .after_round(100.0, 60.0)
            .after_round(100.0, 10.0)
            .after_round(100.0, 60.0);
        assert_eq!(t.pct, 20);
        assert!((t.fraction() - 0.2).abs() < 1e-12);
    }
}
