//! Today's queue of a deck, and the session counts (new / learning / due left today).
//!
//! Why this order (Anki's): learning cards that are due now come first, because their short steps
//! only work if they are kept; then reviews due today, oldest first, up to the daily review limit;
//! then new cards in deck order up to the daily new-card limit. When nothing else is left, learning
//! cards due within the learn-ahead limit (20 minutes by default) are shown early rather than
//! making the student wait. The limits count what the review log says was already done today, so
//! restarting the app does not hand out another 20 new cards.
//!
//! Every query is an index range scan (`cards_due`, `cards_new`, `revlog_time`) bounded by the
//! limits, so the queue costs the same for a 100 000-card deck as for a small one.

use rusqlite::params;

use super::error::StoreError;
use super::scheduler::Scheduler;
use super::schema::log_kind;
use super::states::Phase;
use super::store::Store;

/// (Re)learning cards due before the day ends (`cards_due` index).
const LEARNING_SQL: &str = "SELECT card_id, due FROM cards
    WHERE deck_id = ?1 AND phase IN (?2, ?3) AND due < ?4 AND position IS NOT NULL
    AND suspended = 0 ORDER BY due, position";

/// Review cards due today, within the limit (`cards_due` index).
const REVIEWS_SQL: &str = "SELECT card_id FROM cards
    WHERE deck_id = ?1 AND phase = ?2 AND due <= ?3 AND position IS NOT NULL AND suspended = 0
    ORDER BY due, position LIMIT ?4";

/// New cards in deck order, within the limit (`cards_new` index).
const NEW_SQL: &str = "SELECT card_id FROM cards
    WHERE deck_id = ?1 AND phase = ?2 AND suspended = 0 AND position IS NOT NULL
    ORDER BY position LIMIT ?3";

/// New cards introduced and reviews answered since the day started. `CROSS JOIN` makes SQLite
/// scan today's log rows (`revlog_time`) and look their cards up, instead of walking every card
/// of the deck and its whole history (seconds at a million log rows).
const DONE_TODAY_SQL: &str = "SELECT COUNT(DISTINCT CASE WHEN phase_before = ?3 THEN card END),
    COUNT(CASE WHEN phase_before = ?4 THEN 1 END)
    FROM revlog CROSS JOIN cards ON cards.id = revlog.card
    WHERE time_secs >= ?2 AND kind = ?5 AND cards.deck_id = ?1";

/// How many cards are left today, as shown in the session progress line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionCounts {
    /// New cards still allowed today.
    pub new: u32,
    /// (Re)learning cards due before the day ends.
    pub learning: u32,
    /// Review cards due today, within the review limit.
    pub review: u32,
}

impl std::fmt::Display for SessionCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} new · {} learning · {} due",
            self.new, self.learning, self.review
        )
    }
}

/// The cards to study now, in order, and what is left today.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TodayQueue {
    /// (Re)learning cards due now, soonest first.
    pub learning: Vec<String>,
    /// Review cards due today, most overdue first, within the review limit.
    pub reviews: Vec<String>,
    /// New cards in deck order, within the new-card limit.
    pub new: Vec<String>,
    /// (Re)learning cards due within the learn-ahead limit, shown when nothing else is left.
    pub learn_ahead: Vec<String>,
    /// What is left today.
    pub counts: SessionCounts,
    /// When the next (re)learning card later today falls due, if any, in Unix seconds.
    pub next_learning_due_secs: Option<i64>,
}

impl TodayQueue {
    /// The card to show now, if any.
    pub fn next_card(&self) -> Option<&str> {
        self.learning
            .first()
            .or_else(|| self.reviews.first())
            .or_else(|| self.new.first())
            .or_else(|| self.learn_ahead.first())
            .map(String::as_str)
    }
}

/// Turns a count from SQLite into a `u32`.
fn count(value: i64) -> u32 {
    u32::try_from(value.max(0)).unwrap_or(u32::MAX)
}

impl Store {
    /// Today's queue of `deck_id` at `now_secs`.
    pub fn today_queue(
        &self,
        scheduler: &Scheduler,
        deck_id: &str,
        now_secs: i64,
    ) -> Result<TodayQueue, StoreError> {
        let config = scheduler.config();
        let clock = scheduler.clock();
        let today = clock.day(now_secs);
        let day_start = clock.day_start_secs(today);
        let day_end = clock.day_start_secs(today + 1);

        let (new_done, reviews_done) = self.done_today(deck_id, day_start)?;
        let new_left = config.new_cards_per_day.saturating_sub(new_done);
        let reviews_left = config.reviews_per_day.saturating_sub(reviews_done);

        let mut queue = TodayQueue::default();
        let learn_ahead_until = now_secs + i64::from(config.learn_ahead_secs);
        let mut learning = self.conn.prepare_cached(LEARNING_SQL)?;
        let rows = learning.query_map(
            params![
                deck_id,
                Phase::Learning.code(),
                Phase::Relearning.code(),
                day_end
            ],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)),
        )?;
        for row in rows {
            let (card_id, due_secs) = row?;
            queue.counts.learning += 1;
            if due_secs <= now_secs {
                queue.learning.push(card_id);
            } else {
                queue.next_learning_due_secs.get_or_insert(due_secs);
                if due_secs <= learn_ahead_until {
                    queue.learn_ahead.push(card_id);
                }
            }
        }

        let mut reviews = self.conn.prepare_cached(REVIEWS_SQL)?;
        let rows = reviews.query_map(
            params![deck_id, Phase::Review.code(), today, reviews_left],
            |row| row.get::<_, String>(0),
        )?;
        queue.reviews = rows.collect::<Result<_, _>>()?;
        queue.counts.review = count(queue.reviews.len() as i64);

        let mut new = self.conn.prepare_cached(NEW_SQL)?;
        let rows = new.query_map(params![deck_id, Phase::New.code(), new_left], |row| {
            row.get::<_, String>(0)
        })?;
        queue.new = rows.collect::<Result<_, _>>()?;
        queue.counts.new = count(queue.new.len() as i64);
        Ok(queue)
    }

    /// New cards introduced and review cards answered in `deck_id` since `day_start_secs`.
    fn done_today(&self, deck_id: &str, day_start_secs: i64) -> Result<(u32, u32), StoreError> {
        let mut statement = self.conn.prepare_cached(DONE_TODAY_SQL)?;
        let (new, reviews) = statement.query_row(
            params![
                deck_id,
                day_start_secs,
                Phase::New.code(),
                Phase::Review.code(),
                log_kind::ANSWER
            ],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)),
        )?;
        Ok((count(new), count(reviews)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::SchedulerConfig;
    use super::super::rating::Rating;
    use super::super::testing::{NOW_SECS, open_temp, scheduler};
    use super::super::time::SECS_PER_DAY;
    use super::*;

    fn small_limits() -> Scheduler {
        let config = SchedulerConfig {
            fuzz: false,
            new_cards_per_day: 3,
            reviews_per_day: 2,
            ..SchedulerConfig::default()
        };
        Scheduler::new(config, 0).unwrap()
    }

    /// SQLite's plan for `sql`, one step per line.
    fn plan(store: &Store, sql: &str) -> String {
        let mut statement = store
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        let zeros = vec![0; statement.parameter_count()];
        let rows = statement
            .query_map(rusqlite::params_from_iter(zeros), |row| {
                row.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn queue_queries_use_the_indices() {
        let (_dir, store) = open_temp();
        assert!(plan(&store, LEARNING_SQL).contains("USING INDEX cards_due"));
        assert!(plan(&store, REVIEWS_SQL).contains("USING INDEX cards_due"));
        assert!(plan(&store, NEW_SQL).contains("USING INDEX cards_new"));
        let done = plan(&store, DONE_TODAY_SQL);
        assert!(
            done.contains("SEARCH revlog USING INDEX revlog_time"),
            "{done}"
        );
        assert!(
            done.contains("SEARCH cards USING INTEGER PRIMARY KEY"),
            "{done}"
        );
    }

    fn deck(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("c{i:02}")).collect()
    }

    #[test]
    fn new_cards_come_in_deck_order_within_the_daily_limit() {
        let (_dir, mut store) = open_temp();
        let scheduler = small_limits();
        store.sync_deck("deck", &deck(10)).unwrap();
        let queue = store.today_queue(&scheduler, "deck", NOW_SECS).unwrap();
        assert_eq!(queue.new, ["c00", "c01", "c02"]);
        assert_eq!(
            queue.counts,
            SessionCounts {
                new: 3,
                learning: 0,
                review: 0
            }
        );
        assert_eq!(queue.counts.to_string(), "3 new · 0 learning · 0 due");

        // Answering a new card uses up one of today's three and puts it in learning.
        store
            .answer(&scheduler, "deck", "c00", Rating::Good, NOW_SECS, 0)
            .unwrap();
        let queue = store.today_queue(&scheduler, "deck", NOW_SECS + 1).unwrap();
        assert_eq!(queue.new, ["c01", "c02"]);
        assert_eq!(queue.counts.learning, 1);
        // Due in 10 minutes: within the 20-minute learn-ahead limit, but not due now.
        assert!(queue.learning.is_empty());
        assert_eq!(queue.learn_ahead, ["c00"]);
        assert_eq!(queue.next_learning_due_secs, Some(NOW_SECS + 600));
        assert_eq!(queue.next_card(), Some("c01"));

        // After the learning delay, the learning card comes first.
        let later = store
            .today_queue(&scheduler, "deck", NOW_SECS + 600)
            .unwrap();
        assert_eq!(later.next_card(), Some("c00"));
    }

    #[test]
    fn the_limit_resets_on_the_next_review_day_at_the_rollover_hour() {
        let (_dir, mut store) = open_temp();
        let scheduler = small_limits();
        store.sync_deck("deck", &deck(10)).unwrap();
        for id in ["c00", "c01", "c02"] {
            store
                .answer(&scheduler, "deck", id, Rating::Easy, NOW_SECS, 0)
                .unwrap();
        }
        assert!(
            store
                .today_queue(&scheduler, "deck", NOW_SECS)
                .unwrap()
                .new
                .is_empty()
        );
        // NOW is 10:00 UTC; the day rolls over at 04:00 UTC. 03:59 tomorrow is still today.
        let before_rollover = NOW_SECS + 18 * 3600 - 60;
        let queue = store
            .today_queue(&scheduler, "deck", before_rollover)
            .unwrap();
        assert!(queue.new.is_empty());
        let after_rollover = NOW_SECS + 18 * 3600;
        let queue = store
            .today_queue(&scheduler, "deck", after_rollover)
            .unwrap();
        assert_eq!(queue.new, ["c03", "c04", "c05"]);
    }

    #[test]
    fn reviews_are_capped_and_suspended_cards_hidden() {
        let (_dir, mut store) = open_temp();
        let scheduler = small_limits();
        let ids = deck(4);
        store.sync_deck("deck", &ids).unwrap();
        // Easy graduates each new card to review (8 days for a new card, default FSRS-6).
        for (i, id) in ids.iter().enumerate() {
            let answered_day = NOW_SECS - (30 - i as i64) * SECS_PER_DAY;
            store
                .answer(&scheduler, "deck", id, Rating::Easy, answered_day, 0)
                .unwrap();
        }
        store.set_suspended("deck", "c01", true).unwrap();
        let queue = store.today_queue(&scheduler, "deck", NOW_SECS).unwrap();
        // Three unsuspended reviews are due, the limit is two, most overdue first.
        assert_eq!(queue.reviews, ["c00", "c02"]);
        assert_eq!(queue.counts.review, 2);
        assert!(queue.new.is_empty());

        store
            .answer(&scheduler, "deck", "c00", Rating::Good, NOW_SECS, 0)
            .unwrap();
        let queue = store.today_queue(&scheduler, "deck", NOW_SECS).unwrap();
        assert_eq!(queue.reviews, ["c02"], "one of the two reviews is done");
    }

    #[test]
    fn removed_cards_leave_the_queue() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        store.sync_deck("deck", &["a", "b"]).unwrap();
        store.sync_deck("deck", &["b"]).unwrap();
        let queue = store.today_queue(&scheduler, "deck", NOW_SECS).unwrap();
        assert_eq!(queue.new, ["b"]);
    }
}
