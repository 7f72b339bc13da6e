//! The glue between the `fsrs` crate and the state machine.
//!
//! Why: the `fsrs` crate computes memory states (stability, difficulty) and raw intervals; the
//! [`Scheduler`] adds what the crate leaves to the app: elapsed days measured in review days (with
//! the rollover hour), the fuzz factor of a card, and the configured steps and limits, and then
//! asks [`super::states`] for the four next states. Given the same card, seed and time it always
//! returns the same answer.

use super::config::SchedulerConfig;
use super::error::{ConfigError, ScheduleError};
use super::fuzz;
use super::rating::Rating;
use super::states::{CardSchedule, NextStates, Outcome, StateContext};
use super::steps::Steps;
use super::time::DayClock;

/// A configured scheduler: settings, FSRS parameters and the local day clock.
#[derive(Clone, Debug)]
pub struct Scheduler {
    /// The validated settings.
    config: SchedulerConfig,
    /// FSRS with the configured (or default FSRS-6) parameters.
    fsrs: fsrs::FSRS,
    /// Review days in local time.
    clock: DayClock,
}

impl Scheduler {
    /// The default settings with FSRS's default parameters: nothing to validate, so it cannot
    /// fail (the fallback when the saved settings or the zone are unusable).
    pub fn with_defaults(utc_offset_secs: i32) -> Self {
        let config = SchedulerConfig::default();
        Self {
            clock: DayClock::new(config.rollover_hour, utc_offset_secs),
            fsrs: fsrs::FSRS::default(),
            config,
        }
    }

    /// Checks `config` and builds the scheduler for a zone `utc_offset_secs` ahead of UTC (see
    /// [`super::store::local_utc_offset_secs`]).
    pub fn new(config: SchedulerConfig, utc_offset_secs: i32) -> Result<Self, ConfigError> {
        config.validate()?;
        let fsrs = fsrs::FSRS::new(&config.fsrs_parameters).map_err(ConfigError::FsrsParameters)?;
        let clock = DayClock::new(config.rollover_hour, utc_offset_secs);
        Ok(Self {
            config,
            fsrs,
            clock,
        })
    }

    /// The settings.
    pub fn config(&self) -> &SchedulerConfig {
        &self.config
    }

    /// The local review-day clock.
    pub fn clock(&self) -> DayClock {
        self.clock
    }

    /// Counts review days in a zone `utc_offset_secs` ahead of UTC from now on (the local offset
    /// changed; see [`super::zone`]).
    pub fn set_utc_offset_secs(&mut self, utc_offset_secs: i32) {
        self.clock = DayClock::new(self.config.rollover_hour, utc_offset_secs);
    }

    /// The card after each answer at `now_secs`. `card_seed` is [`fuzz::card_seed`] of the card.
    pub fn next_states(
        &self,
        card: &CardSchedule,
        card_seed: u64,
        now_secs: i64,
    ) -> Result<NextStates, ScheduleError> {
        let elapsed_days = card
            .last_review_secs
            .map_or(0, |last| self.clock.days_between(last, now_secs));
        let fsrs_states = self.fsrs.next_states(
            card.state.memory().map(Into::into),
            self.config.desired_retention,
            elapsed_days,
        )?;
        let ctx = StateContext {
            learning_steps: Steps::new(&self.config.learning_steps_secs),
            relearning_steps: Steps::new(&self.config.relearning_steps_secs),
            fsrs: &fsrs_states,
            now_secs,
            today: self.clock.day(now_secs),
            fuzz_factor: self
                .config
                .fuzz
                .then(|| fuzz::fuzz_factor(card_seed, card.reps)),
            maximum_interval_days: self.config.maximum_interval_days,
        };
        Ok(card.next_states(&ctx))
    }

    /// The card after answering `rating` at `now_secs`.
    pub fn answer(
        &self,
        card: &CardSchedule,
        card_seed: u64,
        rating: Rating,
        now_secs: i64,
    ) -> Result<Outcome, ScheduleError> {
        Ok(self.next_states(card, card_seed, now_secs)?.get(rating))
    }

    /// The four button labels (Again, Hard, Good, Easy), e.g. `["<1m", "<6m", "<10m", "8d"]`.
    pub fn button_labels(&self, next: &NextStates) -> [String; 4] {
        let collapse_secs = self.config.learn_ahead_secs;
        [next.again, next.hard, next.good, next.easy].map(|o| o.interval.label(collapse_secs))
    }
}

#[cfg(test)]
mod tests {
    use super::super::interval::Interval;
    use super::super::states::{CardState, Phase};
    use super::super::time::SECS_PER_DAY;
    use super::*;
    use proptest::prelude::*;

    /// 2024-01-01T10:00:00Z: mid-day, far from the 04:00 UTC rollover.
    const START_SECS: i64 = 1_704_103_200;

    fn scheduler(config: SchedulerConfig) -> Scheduler {
        Scheduler::new(config, 0).unwrap()
    }

    fn no_fuzz() -> SchedulerConfig {
        SchedulerConfig {
            fuzz: false,
            ..SchedulerConfig::default()
        }
    }

    /// The check in ../shared/reference/flashcards.md: a new card rated Again, then Good three
    /// times on its due days, with default FSRS-6 parameters gets 1 -> 2 -> 6 -> 17 days and its
    /// stability goes from 0.21 to 17.38. Those are FSRS's own intervals, so they hold when the
    /// card has no learning steps (Anki allows empty steps; FSRS then schedules every answer).
    #[test]
    fn flashcards_reference_check_without_learning_steps() {
        let scheduler = scheduler(SchedulerConfig {
            learning_steps_secs: vec![],
            relearning_steps_secs: vec![],
            ..no_fuzz()
        });
        let mut card = CardSchedule::NEW;
        let mut now = START_SECS;
        let mut intervals = Vec::new();
        let mut stabilities = Vec::new();
        for rating in [Rating::Again, Rating::Good, Rating::Good, Rating::Good] {
            let outcome = scheduler.answer(&card, 7, rating, now).unwrap();
            let Interval::Days(days) = outcome.interval else {
                panic!("expected a day interval, got {:?}", outcome.interval);
            };
            intervals.push(days);
            let memory = outcome.schedule.state.memory().unwrap();
            stabilities.push(memory.stability_days);
            card = outcome.schedule;
            now += i64::from(days) * SECS_PER_DAY;
        }
        assert_eq!(intervals, vec![1, 2, 6, 17]);
        assert!((stabilities[0] - 0.21).abs() < 0.005, "{stabilities:?}");
        assert!((stabilities[3] - 17.38).abs() < 0.005, "{stabilities:?}");
    }

    /// With the default steps (1m 10m) the same answers take a different path: Again and the
    /// first Good are learning steps minutes apart, so FSRS applies its same-day (short-term)
    /// stability update instead of the first-review and long-term ones.
    #[test]
    fn default_steps_delay_graduation() {
        let scheduler = scheduler(no_fuzz());
        let again = scheduler
            .answer(&CardSchedule::NEW, 7, Rating::Again, START_SECS)
            .unwrap();
        assert_eq!(again.interval, Interval::Secs(60));
        // FSRS-6 default w[0] = 0.212: initial stability after Again.
        let memory = again.schedule.state.memory().unwrap();
        assert!((memory.stability_days - 0.212).abs() < 1e-6);

        let good = scheduler
            .answer(&again.schedule, 7, Rating::Good, START_SECS + 60)
            .unwrap();
        assert_eq!(good.interval, Interval::Secs(600));
        let graduated = scheduler
            .answer(&good.schedule, 7, Rating::Good, START_SECS + 660)
            .unwrap();
        assert_eq!(graduated.schedule.state.phase(), Phase::Review);
        // Same-day answers only raise stability through the short-term formula
        // S' = S * e^(w17 (G - 3 + w18)) * S^-w19, with the Good factor at least 1.
        let after = graduated.schedule.state.memory().unwrap().stability_days;
        assert!((0.212..1.0).contains(&after), "{after}");
        assert_eq!(graduated.interval, Interval::Days(1));
    }

    /// At desired retention 0.9 the FSRS interval equals the stability (the forgetting curve is
    /// defined so that R(S) = 0.9), so a new card's Easy interval is w[3] = 8.2956 -> 8 days.
    #[test]
    fn new_card_buttons_match_ankis_labels() {
        let scheduler = scheduler(no_fuzz());
        let next = scheduler
            .next_states(&CardSchedule::NEW, 7, START_SECS)
            .unwrap();
        assert_eq!(scheduler.button_labels(&next), ["<1m", "<6m", "<10m", "8d"]);
    }

    #[test]
    fn lower_retention_gives_longer_intervals() {
        let strict = scheduler(no_fuzz());
        let relaxed = scheduler(SchedulerConfig {
            desired_retention: 0.8,
            ..no_fuzz()
        });
        let easy = |s: &Scheduler| {
            s.answer(&CardSchedule::NEW, 7, Rating::Easy, START_SECS)
                .unwrap()
                .interval
                .secs()
        };
        assert!(easy(&relaxed) > easy(&strict));
    }

    #[test]
    fn fuzz_is_deterministic_per_card_and_stays_near_the_interval() {
        let fuzzed = scheduler(SchedulerConfig::default());
        let plain = scheduler(no_fuzz());
        let card = CardSchedule {
            state: CardState::Review(super::super::states::ReviewState {
                due_day: 0,
                scheduled_days: 30,
                memory: super::super::states::Memory {
                    stability_days: 30.0,
                    difficulty: 5.0,
                },
            }),
            last_review_secs: Some(START_SECS - 30 * SECS_PER_DAY),
            reps: 5,
            lapses: 0,
        };
        let good = |s: &Scheduler, seed| s.answer(&card, seed, Rating::Good, START_SECS).unwrap();
        assert_eq!(good(&fuzzed, 1), good(&fuzzed, 1));
        let Interval::Days(plain_days) = good(&plain, 1).interval else {
            panic!("review cards get day intervals");
        };
        let (lower, upper) = fuzz::fuzz_bounds_days(plain_days as f32, 1, 36_500);
        let landed: Vec<u32> = (0..200)
            .map(|seed| match good(&fuzzed, seed).interval {
                Interval::Days(days) => days,
                Interval::Secs(_) => 0,
            })
            .collect();
        assert!(landed.iter().all(|days| (lower..=upper).contains(days)));
        assert!(
            landed.iter().any(|&days| days != landed[0]),
            "fuzz must spread cards"
        );
    }

    #[test]
    fn invalid_parameters_are_refused() {
        let config = SchedulerConfig {
            fsrs_parameters: vec![1.0; 5],
            ..SchedulerConfig::default()
        };
        assert!(matches!(
            Scheduler::new(config, 0),
            Err(ConfigError::FsrsParameters(_))
        ));
    }

    proptest! {
        /// For any review card and any delay, Hard < Good < Easy (until they reach the maximum
        /// interval), all within 1..=maximum, and Again is never longer than Hard.
        #[test]
        fn review_buttons_are_ordered(
            stability in 0.1f32..5_000.0,
            difficulty in 1.0f32..10.0,
            elapsed_days in 0i64..3_000,
            seed: u64,
            fuzz: bool,
        ) {
            let scheduler = scheduler(SchedulerConfig { fuzz, ..SchedulerConfig::default() });
            let card = CardSchedule {
                state: CardState::Review(super::super::states::ReviewState {
                    due_day: 0,
                    scheduled_days: 1,
                    memory: super::super::states::Memory { stability_days: stability, difficulty },
                }),
                last_review_secs: Some(START_SECS - elapsed_days * SECS_PER_DAY),
                reps: 3,
                lapses: 0,
            };
            let next = scheduler.next_states(&card, seed, START_SECS).unwrap();
            let days = |o: Outcome| o.interval.secs() / 86_400;
            prop_assert!(days(next.hard) >= 1);
            prop_assert!(days(next.hard) < days(next.good) || days(next.good) == 36_500);
            prop_assert!(days(next.good) < days(next.easy) || days(next.easy) == 36_500);
            prop_assert!(days(next.easy) <= 36_500);
            prop_assert!(next.again.interval.secs() <= next.hard.interval.secs());
        }
    }
}
