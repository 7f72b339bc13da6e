//! Learning and relearning step delays, with Anki's rules.
//!
//! Why these rules (Anki `rslib/src/scheduler/states/steps.rs`, also in py-fsrs `Scheduler`):
//! Again goes back to the first step; Hard repeats the current step, except that on the first step
//! it waits the average of the first two steps (1.5 times the only step, at most one day more,
//! when there is one step) so Hard is never the same as Again; Good moves to the next step or
//! graduates after the last. Delays longer than a day are rounded to whole days so a card answered
//! in the morning or the evening comes back on the same day.

use super::time::SECS_PER_DAY;

/// One day in seconds, as a `u32` delay.
const DAY_SECS: u32 = SECS_PER_DAY as u32;

/// A list of step delays (learning or relearning) and the rules for moving through it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Steps<'a> {
    /// The delays, in seconds, in order.
    delays_secs: &'a [u32],
}

impl<'a> Steps<'a> {
    /// Steps with these delays.
    pub fn new(delays_secs: &'a [u32]) -> Self {
        Self { delays_secs }
    }

    /// True when there are no steps: cards graduate (or return to review) at once.
    pub fn is_empty(&self) -> bool {
        self.delays_secs.is_empty()
    }

    /// `step` clamped to the last step, so cards survive a shortened step list.
    fn index(&self, step: u32) -> usize {
        usize::try_from(step)
            .unwrap_or(usize::MAX)
            .min(self.delays_secs.len().saturating_sub(1))
    }

    /// The delay after Again: the first step, or `None` without steps.
    pub fn again_delay_secs(&self) -> Option<u32> {
        self.delays_secs.first().copied()
    }

    /// The delay after Hard on `step`, or `None` without steps. The step index does not change.
    pub fn hard_delay_secs(&self, step: u32) -> Option<u32> {
        let index = self.index(step);
        let current = *self.delays_secs.get(index)?;
        if index > 0 {
            return Some(current);
        }
        let secs = match self.delays_secs.get(1) {
            Some(&next) => current.saturating_add(next) / 2,
            None => (current.saturating_mul(3) / 2).min(current.saturating_add(DAY_SECS)),
        };
        Some(round_to_days_above_one_day(secs))
    }

    /// The delay after Good on `step`: the next step's delay, or `None` when Good graduates.
    pub fn good_delay_secs(&self, step: u32) -> Option<u32> {
        self.delays_secs.get(self.index(step) + 1).copied()
    }

    /// The step index after Good on `step` (meaningful when [`Steps::good_delay_secs`] is `Some`).
    pub fn step_after_good(&self, step: u32) -> u32 {
        u32::try_from(self.index(step) + 1).unwrap_or(u32::MAX)
    }

    /// The step index Hard keeps (the current one, clamped to the list).
    pub fn step_after_hard(&self, step: u32) -> u32 {
        u32::try_from(self.index(step)).unwrap_or(u32::MAX)
    }
}

/// Rounds a delay longer than one day to whole days.
fn round_to_days_above_one_day(secs: u32) -> u32 {
    if secs > DAY_SECS {
        let days = (f64::from(secs) / f64::from(DAY_SECS)).round();
        // days * DAY_SECS <= secs + DAY_SECS / 2, which fits in u32 for any u32 secs.
        (days as u32).saturating_mul(DAY_SECS)
    } else {
        secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (again, hard, good) delays for `delays` on `step`.
    fn delays(delays: &[u32], step: u32) -> (Option<u32>, Option<u32>, Option<u32>) {
        let steps = Steps::new(delays);
        (
            steps.again_delay_secs(),
            steps.hard_delay_secs(step),
            steps.good_delay_secs(step),
        )
    }

    #[test]
    fn default_steps_follow_anki() {
        // 1m 10m, first step: Hard = (60 + 600) / 2 = 330 s; Good = the 10 minute step.
        assert_eq!(delays(&[60, 600], 0), (Some(60), Some(330), Some(600)));
        // Last step: Hard repeats 10 minutes; Good graduates.
        assert_eq!(delays(&[60, 600], 1), (Some(60), Some(600), None));
        // Three steps, middle: Hard repeats it, Good moves on.
        assert_eq!(
            delays(&[60, 600, 6000], 1),
            (Some(60), Some(600), Some(6000))
        );
    }

    #[test]
    fn one_step_hard_is_half_again_longer_but_at_most_a_day_more() {
        // 10m relearning: Hard = 15 minutes.
        assert_eq!(delays(&[600], 0), (Some(600), Some(900), None));
        // 3 days: 1.5x would be 4.5 days, capped at 3 + 1 = 4 days.
        let three_days = 3 * DAY_SECS;
        assert_eq!(delays(&[three_days], 0).1, Some(4 * DAY_SECS));
    }

    #[test]
    fn long_delays_round_to_days() {
        // 1d and 2d: average 1.5 days rounds to 2 days.
        assert_eq!(delays(&[DAY_SECS, 2 * DAY_SECS], 0).1, Some(2 * DAY_SECS));
        assert_eq!(round_to_days_above_one_day(DAY_SECS - 1), DAY_SECS - 1);
    }

    #[test]
    fn no_steps_and_out_of_range_steps() {
        assert_eq!(delays(&[], 0), (None, None, None));
        // A card on step 5 of a list shortened to 2 steps is treated as on the last step.
        assert_eq!(delays(&[60, 600], 5), (Some(60), Some(600), None));
        assert_eq!(Steps::new(&[60, 600]).step_after_hard(5), 1);
    }
}
