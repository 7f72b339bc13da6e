//! Statistics data: reviews per day, due forecast, true retention, stability histogram, and the
//! due counts `virtscope deck stats` prints.
//!
//! Why from the log: the review log records every answer with the state before it, so each number
//! here is recomputed from facts, not from counters that could drift. True retention follows
//! Anki's statistics: the share of answers to review-state cards that were not Again, split into
//! young (interval under 21 days) and mature (21 days or more) cards. The GUI draws these with
//! egui_plot; here they are plain numbers.

use rusqlite::params;

use super::error::StoreError;
use super::schema::log_kind;
use super::states::Phase;
use super::store::Store;
use super::time::DayClock;

/// Anki counts a card as mature once its interval reaches 21 days.
pub const MATURE_INTERVAL_DAYS: u32 = 21;

/// Answers given on one review day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayReviews {
    /// Days relative to today (0 = today, -1 = yesterday).
    pub day_offset: i32,
    /// Answers to new and learning cards.
    pub learning: u32,
    /// Answers to review cards.
    pub review: u32,
    /// Answers to relearning cards.
    pub relearning: u32,
}

impl DayReviews {
    /// All answers that day.
    pub fn total(&self) -> u32 {
        self.learning + self.review + self.relearning
    }
}

/// Pass counts of review-state answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retention {
    /// Answers to young review cards (interval < 21 days).
    pub young_total: u32,
    /// Of those, not Again.
    pub young_passed: u32,
    /// Answers to mature review cards (interval >= 21 days).
    pub mature_total: u32,
    /// Of those, not Again.
    pub mature_passed: u32,
}

impl Retention {
    /// Passed / total over young and mature cards; `None` without review answers.
    pub fn true_retention(&self) -> Option<f64> {
        let total = self.young_total + self.mature_total;
        (total > 0).then(|| f64::from(self.young_passed + self.mature_passed) / f64::from(total))
    }
}

/// Cards whose stability lies in `lower_days..upper_days`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StabilityBucket {
    /// Inclusive lower bound, in days.
    pub lower_days: f32,
    /// Exclusive upper bound, in days; `None` for the last, open bucket.
    pub upper_days: Option<f32>,
    /// Number of cards.
    pub cards: u32,
}

/// Bucket edges in days: doubling from 1 day, which spreads minutes-to-decades evenly on a log
/// axis.
const STABILITY_EDGES_DAYS: [f32; 12] = [
    0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0,
];

/// The counts `virtscope deck stats` prints for a deck.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DueCounts {
    /// Cards in the deck (excluding removed ones).
    pub total: u32,
    /// Never answered.
    pub new: u32,
    /// (Re)learning cards due before the day ends.
    pub learning_due: u32,
    /// Review cards due today or overdue.
    pub review_due: u32,
    /// Review cards due later.
    pub review_later: u32,
    /// Suspended cards.
    pub suspended: u32,
}

impl std::fmt::Display for DueCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "cards       {:>7}", self.total)?;
        writeln!(f, "new         {:>7}", self.new)?;
        writeln!(f, "learning    {:>7}  due today", self.learning_due)?;
        writeln!(f, "review      {:>7}  due today", self.review_due)?;
        writeln!(f, "review      {:>7}  due later", self.review_later)?;
        write!(f, "suspended   {:>7}", self.suspended)
    }
}

/// Turns a count from SQLite into a `u32`.
fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

impl Store {
    /// Answers per day in `deck_id` over the last `days` review days, oldest first, today last.
    pub fn reviews_per_day(
        &self,
        deck_id: &str,
        clock: DayClock,
        now_secs: i64,
        days: u32,
    ) -> Result<Vec<DayReviews>, StoreError> {
        let today = clock.day(now_secs);
        let first_day = today - i64::from(days) + 1;
        let mut per_day: Vec<DayReviews> = (0..days)
            .map(|i| DayReviews {
                day_offset: i32::try_from(i64::from(i) - i64::from(days) + 1).unwrap_or(i32::MIN),
                ..DayReviews::default()
            })
            .collect();
        let mut statement = self.conn.prepare_cached(
            "SELECT time_secs, phase_before FROM revlog CROSS JOIN cards ON cards.id = revlog.card
             WHERE time_secs >= ?2 AND time_secs < ?3 AND kind = ?4 AND cards.deck_id = ?1",
        )?;
        let rows = statement.query_map(
            params![
                deck_id,
                clock.day_start_secs(first_day),
                clock.day_start_secs(today + 1),
                log_kind::ANSWER
            ],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
        )?;
        for row in rows {
            let (time_secs, phase) = row?;
            let index = usize::try_from(clock.day(time_secs) - first_day).ok();
            let Some(day) = index.and_then(|i| per_day.get_mut(i)) else {
                continue;
            };
            match u8::try_from(phase).ok().and_then(Phase::from_code) {
                Some(Phase::Review) => day.review += 1,
                Some(Phase::Relearning) => day.relearning += 1,
                _ => day.learning += 1,
            }
        }
        Ok(per_day)
    }

    /// Review cards due on each of the next `days` days (index 0 = today, including overdue
    /// cards and learning cards due before the day ends).
    pub fn due_forecast(
        &self,
        deck_id: &str,
        clock: DayClock,
        now_secs: i64,
        days: u32,
    ) -> Result<Vec<u32>, StoreError> {
        let today = clock.day(now_secs);
        let mut forecast = vec![0u32; usize::try_from(days).unwrap_or(0)];
        let mut statement = self.conn.prepare_cached(
            "SELECT MAX(due, ?2), COUNT(*) FROM cards
             WHERE deck_id = ?1 AND phase = ?3 AND due < ?4 AND position IS NOT NULL
             AND suspended = 0 GROUP BY MAX(due, ?2)",
        )?;
        let rows = statement.query_map(
            params![
                deck_id,
                today,
                Phase::Review.code(),
                today + i64::from(days)
            ],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
        )?;
        for row in rows {
            let (day, cards) = row?;
            if let Some(slot) = usize::try_from(day - today)
                .ok()
                .and_then(|i| forecast.get_mut(i))
            {
                *slot += count(cards);
            }
        }
        if let Some(first) = forecast.first_mut() {
            *first += self.due_counts(deck_id, clock, now_secs)?.learning_due;
        }
        Ok(forecast)
    }

    /// Pass rates of review-state answers in the last `days` review days.
    pub fn retention(
        &self,
        deck_id: &str,
        clock: DayClock,
        now_secs: i64,
        days: u32,
    ) -> Result<Retention, StoreError> {
        let since = clock.day_start_secs(clock.day(now_secs) - i64::from(days) + 1);
        let mut statement = self.conn.prepare_cached(
            "SELECT scheduled_days_before >= ?4, rating > 1, COUNT(*)
             FROM revlog CROSS JOIN cards ON cards.id = revlog.card
             WHERE time_secs >= ?2 AND kind = ?3 AND phase_before = ?5 AND cards.deck_id = ?1
             GROUP BY 1, 2",
        )?;
        let rows = statement.query_map(
            params![
                deck_id,
                since,
                log_kind::ANSWER,
                MATURE_INTERVAL_DAYS,
                Phase::Review.code()
            ],
            |row| {
                Ok((
                    row.get::<_, bool>(0)?,
                    row.get::<_, bool>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            },
        )?;
        let mut retention = Retention::default();
        for row in rows {
            let (mature, passed, answers) = row?;
            let answers = count(answers);
            let (total, pass) = if mature {
                (&mut retention.mature_total, &mut retention.mature_passed)
            } else {
                (&mut retention.young_total, &mut retention.young_passed)
            };
            *total += answers;
            if passed {
                *pass += answers;
            }
        }
        Ok(retention)
    }

    /// How many of the deck's cards have each stability (cards with a memory state only).
    pub fn stability_histogram(&self, deck_id: &str) -> Result<Vec<StabilityBucket>, StoreError> {
        let mut buckets: Vec<StabilityBucket> = STABILITY_EDGES_DAYS
            .iter()
            .enumerate()
            .map(|(i, &lower_days)| StabilityBucket {
                lower_days,
                upper_days: STABILITY_EDGES_DAYS.get(i + 1).copied(),
                cards: 0,
            })
            .collect();
        let mut statement = self.conn.prepare_cached(
            "SELECT stability FROM cards WHERE deck_id = ?1 AND stability IS NOT NULL
             AND position IS NOT NULL",
        )?;
        let rows = statement.query_map([deck_id], |row| row.get::<_, f64>(0))?;
        for row in rows {
            let stability = row? as f32;
            let index = STABILITY_EDGES_DAYS
                .iter()
                .rposition(|&edge| stability >= edge)
                .unwrap_or(0);
            if let Some(bucket) = buckets.get_mut(index) {
                bucket.cards += 1;
            }
        }
        Ok(buckets)
    }

    /// The deck's card counts by state, at `now_secs`.
    pub fn due_counts(
        &self,
        deck_id: &str,
        clock: DayClock,
        now_secs: i64,
    ) -> Result<DueCounts, StoreError> {
        let today = clock.day(now_secs);
        let day_end = clock.day_start_secs(today + 1);
        let mut statement = self.conn.prepare_cached(
            "SELECT COUNT(*),
                COUNT(CASE WHEN suspended = 0 AND phase = ?2 THEN 1 END),
                COUNT(CASE WHEN suspended = 0 AND phase IN (?3, ?4) AND due < ?6 THEN 1 END),
                COUNT(CASE WHEN suspended = 0 AND phase = ?5 AND due <= ?7 THEN 1 END),
                COUNT(CASE WHEN suspended = 0 AND phase = ?5 AND due > ?7 THEN 1 END),
                COUNT(CASE WHEN suspended = 1 THEN 1 END)
             FROM cards WHERE deck_id = ?1 AND position IS NOT NULL",
        )?;
        let counts = statement.query_row(
            params![
                deck_id,
                Phase::New.code(),
                Phase::Learning.code(),
                Phase::Relearning.code(),
                Phase::Review.code(),
                day_end,
                today
            ],
            |row| {
                Ok(DueCounts {
                    total: count(row.get(0)?),
                    new: count(row.get(1)?),
                    learning_due: count(row.get(2)?),
                    review_due: count(row.get(3)?),
                    review_later: count(row.get(4)?),
                    suspended: count(row.get(5)?),
                })
            },
        )?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::super::rating::Rating;
    use super::super::testing::{NOW_SECS, open_temp, scheduler};
    use super::super::time::SECS_PER_DAY;
    use super::*;

    #[test]
    fn reviews_per_day_counts_each_day_by_kind() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        store.sync_deck("deck", &["a", "b"]).unwrap();
        let two_days_ago = NOW_SECS - 2 * SECS_PER_DAY;
        store
            .answer(&scheduler, "deck", "a", Rating::Easy, two_days_ago, 0)
            .unwrap();
        store
            .answer(&scheduler, "deck", "b", Rating::Good, NOW_SECS, 0)
            .unwrap();
        store
            .answer(&scheduler, "deck", "a", Rating::Again, NOW_SECS + 60, 0)
            .unwrap();
        let days = store
            .reviews_per_day("deck", scheduler.clock(), NOW_SECS + 120, 3)
            .unwrap();
        let offsets: Vec<i32> = days.iter().map(|d| d.day_offset).collect();
        assert_eq!(offsets, [-2, -1, 0]);
        assert_eq!((days[0].learning, days[0].total()), (1, 1));
        assert_eq!(days[1].total(), 0);
        assert_eq!((days[2].learning, days[2].review), (1, 1));
    }

    #[test]
    fn true_retention_counts_only_review_answers() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        store.sync_deck("deck", &["a", "b", "c"]).unwrap();
        let start = NOW_SECS - 40 * SECS_PER_DAY;
        for id in ["a", "b", "c"] {
            // Learning answers do not count.
            store
                .answer(&scheduler, "deck", id, Rating::Easy, start, 0)
                .unwrap();
        }
        // Three young review answers (8-day intervals): two passes, one lapse.
        let review_day = start + 10 * SECS_PER_DAY;
        for (id, rating) in [
            ("a", Rating::Good),
            ("b", Rating::Hard),
            ("c", Rating::Again),
        ] {
            store
                .answer(&scheduler, "deck", id, rating, review_day, 0)
                .unwrap();
        }
        let retention = store
            .retention("deck", scheduler.clock(), NOW_SECS, 365)
            .unwrap();
        assert_eq!((retention.young_total, retention.young_passed), (3, 2));
        assert_eq!(retention.mature_total, 0);
        assert!((retention.true_retention().unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(Retention::default().true_retention(), None);
    }

    #[test]
    fn forecast_histogram_and_due_counts_agree() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        store
            .sync_deck("deck", &["easy", "learning", "new", "suspended"])
            .unwrap();
        let yesterday = NOW_SECS - SECS_PER_DAY;
        // A new card's Easy interval is round(w3) = 8 days with default FSRS-6 parameters.
        store
            .answer(&scheduler, "deck", "easy", Rating::Easy, yesterday, 0)
            .unwrap();
        store
            .answer(&scheduler, "deck", "learning", Rating::Again, NOW_SECS, 0)
            .unwrap();
        store.set_suspended("deck", "suspended", true).unwrap();
        let clock = scheduler.clock();
        let forecast = store.due_forecast("deck", clock, NOW_SECS, 30).unwrap();
        assert_eq!(forecast.len(), 30);
        assert_eq!(forecast[0], 1, "the learning card is due today");
        assert_eq!(forecast[7], 1, "answered yesterday with 8 days: due in 7");
        assert_eq!(forecast.iter().sum::<u32>(), 2);

        let counts = store.due_counts("deck", clock, NOW_SECS).unwrap();
        assert_eq!(
            counts,
            DueCounts {
                total: 4,
                new: 1,
                learning_due: 1,
                review_due: 0,
                review_later: 1,
                suspended: 1
            }
        );
        assert!(counts.to_string().starts_with("cards             4\n"));

        let histogram = store.stability_histogram("deck").unwrap();
        let counted: Vec<(f32, u32)> = histogram
            .iter()
            .filter(|b| b.cards > 0)
            .map(|b| (b.lower_days, b.cards))
            .collect();
        // Again: w0 = 0.212 days; Easy: w3 = 8.2956 days.
        assert_eq!(counted, [(0.0, 1), (8.0, 1)]);
        assert_eq!(histogram.last().unwrap().upper_days, None);
    }
}
