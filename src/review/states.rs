//! The card state machine: new, learning, review, relearning.
//!
//! Why pure: as in Anki's `rslib/src/scheduler/states/`, a state is a small `Copy` value and
//! [`CardSchedule::next_states`] maps it, with a [`StateContext`] that already holds the four FSRS
//! outcomes, to the four possible next states. Nothing here reads a clock or a database, so each
//! rule is tested with fixed dates, and the GUI can show every button's interval before the student
//! answers.
//!
//! The rules (Anki's, with FSRS on; where Anki and py-fsrs differ, noted):
//! - New and learning cards walk the learning steps ([`super::steps`]); after the last step, or on
//!   Easy, they graduate to review with the FSRS interval of the new memory state (Easy at least one
//!   day longer than Good would have been).
//! - Review cards get FSRS intervals, fuzzed, with Hard <= Good - 1 <= Easy - 2 (Anki's ordering;
//!   py-fsrs rounds each independently). Again is a lapse: the lapse count rises and the card
//!   enters the relearning steps (or, without relearning steps, returns to review after the FSRS
//!   Again interval, unfuzzed, as in Anki).
//! - Relearning cards walk the relearning steps and graduate with the FSRS interval of the new
//!   memory state, as py-fsrs does (Anki's older releases reused the lapse interval instead).

use super::fuzz;
use super::interval::Interval;
use super::rating::Rating;
use super::steps::Steps;

/// FSRS memory state of a card.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Memory {
    /// Days until the probability of recall falls to 90%.
    pub stability_days: f32,
    /// How hard the card is, from 1 (easiest) to 10 (hardest).
    pub difficulty: f32,
}

impl From<fsrs::MemoryState> for Memory {
    fn from(state: fsrs::MemoryState) -> Self {
        Self {
            stability_days: state.stability,
            difficulty: state.difficulty,
        }
    }
}

impl From<Memory> for fsrs::MemoryState {
    fn from(memory: Memory) -> Self {
        Self {
            stability: memory.stability_days,
            difficulty: memory.difficulty,
        }
    }
}

/// A card on a learning or relearning step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LearnState {
    /// Index into the (re)learning steps.
    pub step: u32,
    /// When the card is due, in Unix seconds.
    pub due_secs: i64,
    /// Memory state after the last answer.
    pub memory: Memory,
}

/// A graduated card waiting for its next review.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReviewState {
    /// The review day (see [`super::time::DayClock`]) on which the card is due.
    pub due_day: i64,
    /// The interval that was scheduled, in days.
    pub scheduled_days: u32,
    /// Memory state after the last answer.
    pub memory: Memory,
}

/// Where a card is in its life.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CardState {
    /// Never answered.
    New,
    /// On the learning steps after its first answers.
    Learning(LearnState),
    /// Graduated; due on a day.
    Review(ReviewState),
    /// On the relearning steps after a lapse.
    Relearning(LearnState),
}

/// The four kinds of [`CardState`] without their data, as stored and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// See [`CardState::New`].
    New,
    /// See [`CardState::Learning`].
    Learning,
    /// See [`CardState::Review`].
    Review,
    /// See [`CardState::Relearning`].
    Relearning,
}

impl Phase {
    /// All phases, in life order.
    pub const ALL: &[Self] = &[Self::New, Self::Learning, Self::Review, Self::Relearning];

    /// The integer stored in the database (0..=3, Anki's card type numbering).
    pub fn code(self) -> u8 {
        match self {
            Self::New => 0,
            Self::Learning => 1,
            Self::Review => 2,
            Self::Relearning => 3,
        }
    }

    /// The phase stored as `code`.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.get(usize::from(code)).copied()
    }

    /// Stable lower-case id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Learning => "learning",
            Self::Review => "review",
            Self::Relearning => "relearning",
        }
    }

    /// Parses a [`Phase::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|phase| phase.slug() == slug)
    }

    /// Human name for the browser.
    pub fn title(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Learning => "Learning",
            Self::Review => "Review",
            Self::Relearning => "Relearning",
        }
    }
}

impl CardState {
    /// The kind of state.
    pub fn phase(&self) -> Phase {
        match self {
            Self::New => Phase::New,
            Self::Learning(_) => Phase::Learning,
            Self::Review(_) => Phase::Review,
            Self::Relearning(_) => Phase::Relearning,
        }
    }

    /// The FSRS memory state, `None` for a new card.
    pub fn memory(&self) -> Option<Memory> {
        match self {
            Self::New => None,
            Self::Learning(learn) | Self::Relearning(learn) => Some(learn.memory),
            Self::Review(review) => Some(review.memory),
        }
    }
}

/// A card's whole scheduling record.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CardSchedule {
    /// Current state.
    pub state: CardState,
    /// When the card was last answered, in Unix seconds.
    pub last_review_secs: Option<i64>,
    /// How many times the card was answered.
    pub reps: u32,
    /// How many times a review card was forgotten.
    pub lapses: u32,
}

impl CardSchedule {
    /// A card that was never answered.
    pub const NEW: Self = Self {
        state: CardState::New,
        last_review_secs: None,
        reps: 0,
        lapses: 0,
    };
}

/// One possible answer's result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// The card after the answer.
    pub schedule: CardSchedule,
    /// How long until it is shown again.
    pub interval: Interval,
}

/// The results of all four answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NextStates {
    /// After Again.
    pub again: Outcome,
    /// After Hard.
    pub hard: Outcome,
    /// After Good.
    pub good: Outcome,
    /// After Easy.
    pub easy: Outcome,
}

impl NextStates {
    /// The outcome of `rating`.
    pub fn get(&self, rating: Rating) -> Outcome {
        match rating {
            Rating::Again => self.again,
            Rating::Hard => self.hard,
            Rating::Good => self.good,
            Rating::Easy => self.easy,
        }
    }
}

/// Everything a transition needs, computed once per card and time by the scheduler.
pub struct StateContext<'a> {
    /// The learning steps.
    pub learning_steps: Steps<'a>,
    /// The relearning steps.
    pub relearning_steps: Steps<'a>,
    /// FSRS's memory state and raw interval (days) after each rating.
    pub fsrs: &'a fsrs::NextStates,
    /// The answer time, in Unix seconds.
    pub now_secs: i64,
    /// The review day of `now_secs`.
    pub today: i64,
    /// Fuzz factor in [0, 1), or `None` for no fuzz.
    pub fuzz_factor: Option<f32>,
    /// Review intervals are capped at this many days.
    pub maximum_interval_days: u32,
}

/// A next state and the interval that leads to it.
type Transition = (CardState, Interval);

impl StateContext<'_> {
    /// FSRS's memory state after `rating`.
    fn memory(&self, rating: Rating) -> Memory {
        self.fsrs_state(rating).memory.into()
    }

    /// FSRS's raw interval after `rating`, in days.
    fn interval_days(&self, rating: Rating) -> f32 {
        self.fsrs_state(rating).interval
    }

    fn fsrs_state(&self, rating: Rating) -> &fsrs::ItemState {
        match rating {
            Rating::Again => &self.fsrs.again,
            Rating::Hard => &self.fsrs.hard,
            Rating::Good => &self.fsrs.good,
            Rating::Easy => &self.fsrs.easy,
        }
    }

    /// Whole review days for `rating`'s FSRS interval, fuzzed, at least `minimum_days`.
    fn review_days(&self, rating: Rating, minimum_days: u32) -> u32 {
        fuzz::review_interval_days(
            self.fuzz_factor,
            self.interval_days(rating),
            minimum_days.max(1),
            self.maximum_interval_days,
        )
    }

    /// A review state `days` days from today with `rating`'s memory.
    fn review(&self, rating: Rating, days: u32) -> Transition {
        let state = CardState::Review(ReviewState {
            due_day: self.today + i64::from(days),
            scheduled_days: days,
            memory: self.memory(rating),
        });
        (state, Interval::Days(days))
    }

    /// A (re)learning state on `step`, due `delay_secs` from now, with `rating`'s memory.
    fn learn(&self, relearning: bool, step: u32, delay_secs: u32, rating: Rating) -> Transition {
        let learn = LearnState {
            step,
            due_secs: self.now_secs + i64::from(delay_secs),
            memory: self.memory(rating),
        };
        let state = if relearning {
            CardState::Relearning(learn)
        } else {
            CardState::Learning(learn)
        };
        (state, Interval::Secs(delay_secs))
    }

    /// The four transitions of a card on `step` of the learning (or relearning) steps.
    fn stepping(&self, relearning: bool, step: u32) -> [Transition; 4] {
        let steps = if relearning {
            self.relearning_steps
        } else {
            self.learning_steps
        };
        let again = match steps.again_delay_secs() {
            Some(delay) => self.learn(relearning, 0, delay, Rating::Again),
            // Without relearning steps a lapse returns to review unfuzzed, as in Anki.
            None if relearning => self.lapse_review(),
            None => self.review(Rating::Again, self.review_days(Rating::Again, 1)),
        };
        let hard = match steps.hard_delay_secs(step) {
            Some(delay) => self.learn(relearning, steps.step_after_hard(step), delay, Rating::Hard),
            None => self.review(Rating::Hard, self.review_days(Rating::Hard, 1)),
        };
        let good_days = self.review_days(Rating::Good, 1);
        let good = match steps.good_delay_secs(step) {
            Some(delay) => self.learn(relearning, steps.step_after_good(step), delay, Rating::Good),
            None => self.review(Rating::Good, good_days),
        };
        let easy = self.review(Rating::Easy, self.review_days(Rating::Easy, good_days + 1));
        [again, hard, good, easy]
    }

    /// A review state after the FSRS Again interval, rounded and not fuzzed.
    fn lapse_review(&self) -> Transition {
        let days = fuzz::review_interval_days(
            None,
            self.interval_days(Rating::Again),
            1,
            self.maximum_interval_days,
        );
        self.review(Rating::Again, days)
    }

    /// The four transitions of a review card.
    fn reviewing(&self) -> [Transition; 4] {
        let again = match self.relearning_steps.again_delay_secs() {
            Some(delay) => self.learn(true, 0, delay, Rating::Again),
            None => self.lapse_review(),
        };
        let hard_days = self.review_days(Rating::Hard, 1);
        let good_days = self.review_days(Rating::Good, hard_days + 1);
        let easy_days = self.review_days(Rating::Easy, good_days + 1);
        [
            again,
            self.review(Rating::Hard, hard_days),
            self.review(Rating::Good, good_days),
            self.review(Rating::Easy, easy_days),
        ]
    }
}

impl CardSchedule {
    /// The card after each of the four answers, given the context of this answer.
    pub fn next_states(&self, ctx: &StateContext) -> NextStates {
        let transitions = match self.state {
            CardState::New => ctx.stepping(false, 0),
            CardState::Learning(learn) => ctx.stepping(false, learn.step),
            CardState::Review(_) => ctx.reviewing(),
            CardState::Relearning(learn) => ctx.stepping(true, learn.step),
        };
        let is_review = matches!(self.state, CardState::Review(_));
        let outcome = |rating: Rating| {
            let [again, hard, good, easy] = transitions;
            let (state, interval) = match rating {
                Rating::Again => again,
                Rating::Hard => hard,
                Rating::Good => good,
                Rating::Easy => easy,
            };
            let lapsed = is_review && rating == Rating::Again;
            Outcome {
                schedule: Self {
                    state,
                    last_review_secs: Some(ctx.now_secs),
                    reps: self.reps.saturating_add(1),
                    lapses: self.lapses.saturating_add(u32::from(lapsed)),
                },
                interval,
            }
        };
        NextStates {
            again: outcome(Rating::Again),
            hard: outcome(Rating::Hard),
            good: outcome(Rating::Good),
            easy: outcome(Rating::Easy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A context whose FSRS outcomes are made up (stability = interval), to test the transition
    /// rules alone; the real FSRS numbers are tested in `scheduler`.
    fn context(fsrs: &fsrs::NextStates) -> StateContext<'_> {
        StateContext {
            learning_steps: Steps::new(&[60, 600]),
            relearning_steps: Steps::new(&[600]),
            fsrs,
            now_secs: 1_000_000,
            today: 11,
            fuzz_factor: None,
            maximum_interval_days: 36_500,
        }
    }

    fn fake_fsrs(intervals_days: [f32; 4]) -> fsrs::NextStates {
        let item = |interval: f32| fsrs::ItemState {
            memory: fsrs::MemoryState {
                stability: interval,
                difficulty: 5.0,
            },
            interval,
        };
        fsrs::NextStates {
            again: item(intervals_days[0]),
            hard: item(intervals_days[1]),
            good: item(intervals_days[2]),
            easy: item(intervals_days[3]),
        }
    }

    fn learning(step: u32) -> CardSchedule {
        CardSchedule {
            state: CardState::Learning(LearnState {
                step,
                due_secs: 0,
                memory: Memory {
                    stability_days: 1.0,
                    difficulty: 5.0,
                },
            }),
            last_review_secs: Some(0),
            reps: 1,
            lapses: 0,
        }
    }

    #[test]
    fn new_card_walks_the_learning_steps() {
        let fsrs = fake_fsrs([0.2, 1.3, 2.3, 8.3]);
        let next = CardSchedule::NEW.next_states(&context(&fsrs));
        assert_eq!(next.again.interval, Interval::Secs(60));
        assert_eq!(next.hard.interval, Interval::Secs(330));
        assert_eq!(next.good.interval, Interval::Secs(600));
        assert!(matches!(
            next.good.schedule.state,
            CardState::Learning(LearnState {
                step: 1,
                due_secs: 1_000_600,
                ..
            })
        ));
        // Easy graduates with the FSRS easy interval, 8.3 -> 8 days, due on day 11 + 8.
        assert_eq!(next.easy.interval, Interval::Days(8));
        assert!(matches!(
            next.easy.schedule.state,
            CardState::Review(ReviewState {
                due_day: 19,
                scheduled_days: 8,
                ..
            })
        ));
        assert_eq!(next.easy.schedule.reps, 1);
        assert_eq!(next.easy.schedule.last_review_secs, Some(1_000_000));
    }

    #[test]
    fn last_learning_step_graduates_on_good_and_again_restarts() {
        let fsrs = fake_fsrs([0.2, 1.3, 2.3, 8.3]);
        let next = learning(1).next_states(&context(&fsrs));
        assert_eq!(next.good.interval, Interval::Days(2));
        assert_eq!(next.hard.interval, Interval::Secs(600));
        assert!(matches!(
            next.again.schedule.state,
            CardState::Learning(LearnState { step: 0, .. })
        ));
        assert_eq!(
            next.again.schedule.lapses, 0,
            "learning Again is not a lapse"
        );
    }

    #[test]
    fn easy_is_at_least_a_day_longer_than_good() {
        let fsrs = fake_fsrs([0.2, 1.0, 3.0, 3.0]);
        let next = learning(1).next_states(&context(&fsrs));
        assert_eq!(next.good.interval, Interval::Days(3));
        assert_eq!(next.easy.interval, Interval::Days(4));
    }

    #[test]
    fn review_intervals_are_ordered_and_again_lapses() {
        let fsrs = fake_fsrs([1.4, 5.0, 5.0, 5.0]);
        let review = CardSchedule {
            state: CardState::Review(ReviewState {
                due_day: 11,
                scheduled_days: 4,
                memory: Memory {
                    stability_days: 4.0,
                    difficulty: 5.0,
                },
            }),
            last_review_secs: Some(0),
            reps: 4,
            lapses: 1,
        };
        let next = review.next_states(&context(&fsrs));
        assert_eq!(next.hard.interval, Interval::Days(5));
        assert_eq!(next.good.interval, Interval::Days(6));
        assert_eq!(next.easy.interval, Interval::Days(7));
        assert_eq!(next.again.interval, Interval::Secs(600));
        assert_eq!(next.again.schedule.lapses, 2);
        assert_eq!(next.good.schedule.lapses, 1);
        assert!(matches!(
            next.again.schedule.state,
            CardState::Relearning(LearnState { step: 0, .. })
        ));

        // Without relearning steps a lapse goes straight back to review, 1.4 -> 1 day.
        let no_relearning = StateContext {
            relearning_steps: Steps::new(&[]),
            ..context(&fsrs)
        };
        let next = review.next_states(&no_relearning);
        assert_eq!(next.again.interval, Interval::Days(1));
        assert_eq!(next.again.schedule.lapses, 2);
    }

    #[test]
    fn relearning_hard_waits_half_again_longer_and_good_graduates() {
        let fsrs = fake_fsrs([0.5, 0.9, 1.0, 4.0]);
        let relearning = CardSchedule {
            state: CardState::Relearning(LearnState {
                step: 0,
                due_secs: 0,
                memory: Memory {
                    stability_days: 0.5,
                    difficulty: 7.0,
                },
            }),
            last_review_secs: Some(0),
            reps: 6,
            lapses: 1,
        };
        let next = relearning.next_states(&context(&fsrs));
        assert_eq!(next.hard.interval, Interval::Secs(900));
        assert_eq!(next.good.interval, Interval::Days(1));
        assert_eq!(next.easy.interval, Interval::Days(4));
        assert_eq!(
            next.again.schedule.lapses, 1,
            "relearning Again is not a new lapse"
        );
        assert_eq!(next.good.schedule.state.phase(), Phase::Review);
    }

    #[test]
    fn phase_codes_round_trip() {
        for &phase in Phase::ALL {
            assert_eq!(Phase::from_code(phase.code()), Some(phase));
            assert_eq!(Phase::from_slug(phase.slug()), Some(phase));
        }
        assert_eq!(Phase::from_code(4), None);
    }
}
