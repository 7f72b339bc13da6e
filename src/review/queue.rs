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
const REVIEWS_SQL: &str = "SELECT card_id, due FROM cards
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

/// One deck's part of today's queue, with the due times the merge of several decks orders by.
#[derive(Default)]
struct DeckPart {
    /// (Re)learning cards due now, with their due time.
    learning: Vec<(String, i64)>,
    /// Reviews due today, most overdue first, with their due day.
    reviews: Vec<(String, i64)>,
    new: Vec<String>,
    /// (Re)learning cards due later today within the learn-ahead limit, with their due time.
    learn_ahead: Vec<(String, i64)>,
    /// (Re)learning cards due before the day ends.
    learning_count: u32,
    next_learning_due_secs: Option<i64>,
}

/// A card of one of several decks: the deck's index in the list the queue was built for.
pub type DeckCard = (usize, String);

/// Today's queue over several decks at once ("All decks"), each card with its deck.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergedQueue {
    /// (Re)learning cards due now, soonest first, whatever their deck.
    pub learning: Vec<DeckCard>,
    /// Review cards due today, most overdue first (ties in deck order), within the limits.
    pub reviews: Vec<DeckCard>,
    /// New cards deck by deck, each deck's in its order, within the limits.
    pub new: Vec<DeckCard>,
    /// (Re)learning cards due within the learn-ahead limit, soonest first.
    pub learn_ahead: Vec<DeckCard>,
    /// What is left today over all the decks.
    pub counts: SessionCounts,
}

impl MergedQueue {
    /// The card to show now, if any.
    pub fn next_card(&self) -> Option<&DeckCard> {
        self.learning
            .first()
            .or_else(|| self.reviews.first())
            .or_else(|| self.new.first())
            .or_else(|| self.learn_ahead.first())
    }

    /// Whether the queue holds `card_id` of the deck at `deck`.
    pub fn contains(&self, deck: usize, card_id: &str) -> bool {
        [&self.learning, &self.reviews, &self.new, &self.learn_ahead]
            .iter()
            .any(|list| list.iter().any(|(d, id)| *d == deck && id == card_id))
    }
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
        let day_start = scheduler
            .clock()
            .day_start_secs(scheduler.clock().day(now_secs));
        let (new_done, reviews_done) = self.done_today(deck_id, day_start)?;
        let new_left = config.new_cards_per_day.saturating_sub(new_done);
        let reviews_left = config.reviews_per_day.saturating_sub(reviews_done);
        let part = self.deck_part(scheduler, deck_id, now_secs, new_left, reviews_left)?;
        let ids = |list: Vec<(String, i64)>| list.into_iter().map(|(id, _)| id).collect();
        let counts = SessionCounts {
            new: count(part.new.len() as i64),
            learning: part.learning_count,
            review: count(part.reviews.len() as i64),
        };
        Ok(TodayQueue {
            learning: ids(part.learning),
            reviews: ids(part.reviews),
            new: part.new,
            learn_ahead: ids(part.learn_ahead),
            counts,
            next_learning_due_secs: part.next_learning_due_secs,
        })
    }

    /// Today's queue over `deck_ids` at once, with the daily limits applied as Anki applies them
    /// when a parent deck is studied: each deck gives at most its own limit (what is left of it
    /// after today's answers in that deck), and the selected whole at most the limit (what is
    /// left after today's answers in all of them). Anki's manual (deck options, "Daily Limits"):
    /// "the limits set on each subdeck control the maximum number of cards gathered from that
    /// particular deck. The selected deck's limits control the total cards that will be shown."
    /// Every deck shares the one set of review settings here, so both limits are the settings'.
    /// Learning cards are not limited; new cards are gathered deck by deck in the order given
    /// (Anki's default new-card gather order, "Deck"); reviews are sorted by due day across the
    /// decks (Anki's default review order, by due date).
    pub fn today_queue_of_decks(
        &self,
        scheduler: &Scheduler,
        deck_ids: &[&str],
        now_secs: i64,
    ) -> Result<MergedQueue, StoreError> {
        let config = scheduler.config();
        let day_start = scheduler
            .clock()
            .day_start_secs(scheduler.clock().day(now_secs));
        let mut done = Vec::with_capacity(deck_ids.len());
        for deck_id in deck_ids {
            done.push(self.done_today(deck_id, day_start)?);
        }
        let (new_done, reviews_done) = done.iter().fold((0_u32, 0_u32), |(n, r), (dn, dr)| {
            (n.saturating_add(*dn), r.saturating_add(*dr))
        });
        let mut new_left = config.new_cards_per_day.saturating_sub(new_done);
        let reviews_left = config.reviews_per_day.saturating_sub(reviews_done);
        let mut queue = MergedQueue::default();
        let mut learning = Vec::new();
        let mut reviews = Vec::new();
        let mut learn_ahead = Vec::new();
        for (deck, (deck_id, (deck_new_done, deck_reviews_done))) in
            deck_ids.iter().zip(&done).enumerate()
        {
            let deck_new = config
                .new_cards_per_day
                .saturating_sub(*deck_new_done)
                .min(new_left);
            let deck_reviews = config
                .reviews_per_day
                .saturating_sub(*deck_reviews_done)
                .min(reviews_left);
            let part = self.deck_part(scheduler, deck_id, now_secs, deck_new, deck_reviews)?;
            new_left = new_left.saturating_sub(count(part.new.len() as i64));
            queue.counts.learning = queue.counts.learning.saturating_add(part.learning_count);
            let tagged = |list: Vec<(String, i64)>| {
                list.into_iter()
                    .map(move |(id, due)| (due, deck, id))
                    .collect::<Vec<_>>()
            };
            learning.extend(tagged(part.learning));
            reviews.extend(tagged(part.reviews));
            learn_ahead.extend(tagged(part.learn_ahead));
            queue.new.extend(part.new.into_iter().map(|id| (deck, id)));
        }
        // Stable sorts: equal due times keep deck order, and each deck's own order within it.
        for list in [&mut learning, &mut reviews, &mut learn_ahead] {
            list.sort_by_key(|(due, deck, _)| (*due, *deck));
        }
        reviews.truncate(usize::try_from(reviews_left).unwrap_or(usize::MAX));
        let untag = |list: Vec<(i64, usize, String)>| {
            list.into_iter().map(|(_, deck, id)| (deck, id)).collect()
        };
        queue.learning = untag(learning);
        queue.reviews = untag(reviews);
        queue.learn_ahead = untag(learn_ahead);
        queue.counts.new = count(queue.new.len() as i64);
        queue.counts.review = count(queue.reviews.len() as i64);
        Ok(queue)
    }

    /// One deck's learning cards, and its reviews and new cards within the given limits.
    fn deck_part(
        &self,
        scheduler: &Scheduler,
        deck_id: &str,
        now_secs: i64,
        new_left: u32,
        reviews_left: u32,
    ) -> Result<DeckPart, StoreError> {
        let config = scheduler.config();
        let clock = scheduler.clock();
        let today = clock.day(now_secs);
        let day_end = clock.day_start_secs(today + 1);
        let mut part = DeckPart::default();
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
            part.learning_count += 1;
            if due_secs <= now_secs {
                part.learning.push((card_id, due_secs));
            } else {
                part.next_learning_due_secs.get_or_insert(due_secs);
                if due_secs <= learn_ahead_until {
                    part.learn_ahead.push((card_id, due_secs));
                }
            }
        }

        let mut reviews = self.conn.prepare_cached(REVIEWS_SQL)?;
        let rows = reviews.query_map(
            params![deck_id, Phase::Review.code(), today, reviews_left],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)),
        )?;
        part.reviews = rows.collect::<Result<_, _>>()?;

        let mut new = self.conn.prepare_cached(NEW_SQL)?;
        let rows = new.query_map(params![deck_id, Phase::New.code(), new_left], |row| {
            row.get::<_, String>(0)
        })?;
        part.new = rows.collect::<Result<_, _>>()?;
        Ok(part)
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

    #[test]
    fn several_decks_share_the_limits_and_each_keeps_its_own() {
        let (_dir, mut store) = open_temp();
        let scheduler = small_limits();
        store.sync_deck("a", &deck(5)).unwrap();
        store.sync_deck("b", &deck(5)).unwrap();
        // Two of deck a's three new cards for today are used up while it is studied alone.
        for id in ["c00", "c01"] {
            store
                .answer(&scheduler, "a", id, Rating::Easy, NOW_SECS, 0)
                .unwrap();
        }
        let queue = store
            .today_queue_of_decks(&scheduler, &["a", "b"], NOW_SECS)
            .unwrap();
        // The whole has 3 - 2 = 1 new card left; deck a gives it (deck order), b none.
        assert_eq!(queue.new, [(0, "c02".to_owned())]);
        assert_eq!(queue.counts.new, 1);
        assert!(queue.contains(0, "c02") && !queue.contains(1, "c02"));

        // The next day: a gives at most 3, and the whole at most 3, so b gives none.
        let tomorrow = NOW_SECS + SECS_PER_DAY;
        let queue = store
            .today_queue_of_decks(&scheduler, &["a", "b"], tomorrow)
            .unwrap();
        assert_eq!(queue.new.iter().filter(|(d, _)| *d == 0).count(), 3);
        assert_eq!(queue.counts.new, 3);
        // In the other order, b's cards come first.
        let queue = store
            .today_queue_of_decks(&scheduler, &["b", "a"], tomorrow)
            .unwrap();
        assert_eq!(queue.next_card(), Some(&(0, "c00".to_owned())));
    }

    #[test]
    fn reviews_of_several_decks_are_merged_by_due_day_within_the_limit() {
        let (_dir, mut store) = open_temp();
        let scheduler = small_limits();
        store.sync_deck("a", &deck(2)).unwrap();
        store.sync_deck("b", &deck(2)).unwrap();
        // b's c00 was answered first, so it is the most overdue.
        let answers = [
            ("b", "c00", 40),
            ("a", "c00", 35),
            ("a", "c01", 30),
            ("b", "c01", 25),
        ];
        for (deck_id, card, days_ago) in answers {
            let at = NOW_SECS - days_ago * SECS_PER_DAY;
            store
                .answer(&scheduler, deck_id, card, Rating::Easy, at, 0)
                .unwrap();
        }
        let queue = store
            .today_queue_of_decks(&scheduler, &["a", "b"], NOW_SECS)
            .unwrap();
        // Four are due; the review limit of 2 applies to the whole, most overdue first.
        assert_eq!(
            queue.reviews,
            [(1, "c00".to_owned()), (0, "c00".to_owned())]
        );
        assert_eq!(queue.counts.review, 2);
        // One deck alone gives the same as `today_queue`.
        let alone = store
            .today_queue_of_decks(&scheduler, &["a"], NOW_SECS)
            .unwrap();
        let single = store.today_queue(&scheduler, "a", NOW_SECS).unwrap();
        let ids: Vec<String> = alone.reviews.into_iter().map(|(_, id)| id).collect();
        assert_eq!(ids, single.reviews);
        assert_eq!(alone.counts, single.counts);
    }
}
