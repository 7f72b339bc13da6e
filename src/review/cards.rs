//! Card rows: deck membership, suspension, progress reset and the browser's per-card rows.
//!
//! Why `sync_deck`: a deck file is the source of truth for which cards exist and in which order;
//! the store keeps progress keyed by (deck id, card id). Syncing records the order (for new cards)
//! and marks cards that left the deck without deleting their history, so editing, reordering or
//! re-importing a deck never loses progress. A fingerprint of the id list skips the work when the
//! deck did not change, which keeps opening a 100 000-card collection fast.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, Row, params};

use super::answer::insert_log;
use super::error::StoreError;
use super::schema::log_kind;
use super::states::{CardSchedule, CardState, LearnState, Memory, Phase, ReviewState};
use super::store::Store;
use super::time::DayClock;

/// The state columns of `cards`, in [`StateRow`] order.
pub(super) const STATE_COLUMNS: &str =
    "phase, step, due, scheduled_days, stability, difficulty, last_review_secs, reps, lapses";

/// A [`CardSchedule`] flattened into database columns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct StateRow {
    /// [`Phase::code`].
    pub phase: i64,
    /// (Re)learning step, else 0.
    pub step: i64,
    /// Unix seconds for (re)learning cards, review day for review cards, 0 for new cards.
    pub due: i64,
    /// Scheduled interval of review cards, else 0.
    pub scheduled_days: i64,
    /// Memory stability, NULL for new cards.
    pub stability: Option<f64>,
    /// Memory difficulty, NULL for new cards.
    pub difficulty: Option<f64>,
    /// Last answer time.
    pub last_review_secs: Option<i64>,
    /// Answer count.
    pub reps: i64,
    /// Lapse count.
    pub lapses: i64,
}

impl StateRow {
    /// Reads the nine state columns starting at column `first`.
    pub fn read(row: &Row, first: usize) -> rusqlite::Result<Self> {
        Ok(Self {
            phase: row.get(first)?,
            step: row.get(first + 1)?,
            due: row.get(first + 2)?,
            scheduled_days: row.get(first + 3)?,
            stability: row.get(first + 4)?,
            difficulty: row.get(first + 5)?,
            last_review_secs: row.get(first + 6)?,
            reps: row.get(first + 7)?,
            lapses: row.get(first + 8)?,
        })
    }

    /// Flattens a schedule.
    pub fn encode(schedule: &CardSchedule) -> Self {
        let memory = schedule.state.memory();
        let (step, due, scheduled_days) = match schedule.state {
            CardState::New => (0, 0, 0),
            CardState::Learning(learn) | CardState::Relearning(learn) => {
                (i64::from(learn.step), learn.due_secs, 0)
            }
            CardState::Review(review) => (0, review.due_day, i64::from(review.scheduled_days)),
        };
        Self {
            phase: i64::from(schedule.state.phase().code()),
            step,
            due,
            scheduled_days,
            stability: memory.map(|m| f64::from(m.stability_days)),
            difficulty: memory.map(|m| f64::from(m.difficulty)),
            last_review_secs: schedule.last_review_secs,
            reps: i64::from(schedule.reps),
            lapses: i64::from(schedule.lapses),
        }
    }

    /// Rebuilds the schedule, or says which column is impossible.
    pub fn decode(&self) -> Result<CardSchedule, RowError> {
        let count = |name: &'static str, value: i64| {
            u32::try_from(value).map_err(|_| RowError::OutOfRange { name, value })
        };
        let phase = u8::try_from(self.phase)
            .ok()
            .and_then(Phase::from_code)
            .ok_or(RowError::UnknownPhase(self.phase))?;
        let memory = match (self.stability, self.difficulty) {
            (Some(stability), Some(difficulty))
                if stability.is_finite() && difficulty.is_finite() =>
            {
                // Stored from f32, so the narrowing is exact.
                Some(Memory {
                    stability_days: stability as f32,
                    difficulty: difficulty as f32,
                })
            }
            _ => None,
        };
        let needs_memory = || memory.ok_or(RowError::NoMemory(phase.slug()));
        let learn = || -> Result<LearnState, RowError> {
            Ok(LearnState {
                step: count("step", self.step)?,
                due_secs: self.due,
                memory: needs_memory()?,
            })
        };
        let state = match phase {
            Phase::New => CardState::New,
            Phase::Learning => CardState::Learning(learn()?),
            Phase::Relearning => CardState::Relearning(learn()?),
            Phase::Review => CardState::Review(ReviewState {
                due_day: self.due,
                scheduled_days: count("scheduled_days", self.scheduled_days)?,
                memory: needs_memory()?,
            }),
        };
        Ok(CardSchedule {
            state,
            last_review_secs: self.last_review_secs,
            reps: count("reps", self.reps)?,
            lapses: count("lapses", self.lapses)?,
        })
    }
}

/// Turns a decoding failure into [`StoreError::BadRow`].
pub(super) fn bad_row<E: std::fmt::Display>(
    deck_id: &str,
    card_id: &str,
) -> impl FnOnce(E) -> StoreError {
    move |reason| StoreError::BadRow {
        deck_id: deck_id.to_owned(),
        card_id: card_id.to_owned(),
        reason: reason.to_string(),
    }
}

/// Why a stored schedule row cannot be a card's schedule (a damaged or hand-edited database).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    /// A count column does not fit its type.
    #[error("{name} {value} is out of range")]
    OutOfRange {
        /// The column.
        name: &'static str,
        /// What it holds.
        value: i64,
    },
    /// The phase column holds no known phase code.
    #[error("unknown phase {0}")]
    UnknownPhase(i64),
    /// A learning or review card without stability and difficulty; the phase's slug.
    #[error("a {0} card has no memory state")]
    NoMemory(&'static str),
}

/// What [`Store::sync_deck`] changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyncSummary {
    /// Cards seen for the first time (they start new).
    pub added: usize,
    /// Known cards whose position in the deck changed.
    pub moved: usize,
    /// Cards no longer in the deck (their history is kept).
    pub removed: usize,
    /// True when the deck was identical to the last sync and nothing was read.
    pub unchanged: bool,
}

/// How the browser orders cards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowseSort {
    /// Deck order; cards removed from the deck last.
    DeckOrder,
    /// Soonest due first; new cards (not scheduled yet) last, in deck order.
    Due,
    /// Hardest first (FSRS difficulty); new cards last, in deck order.
    Difficulty,
}

/// One card's progress, for the browser and the card info view.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressRow {
    /// The card's id in its deck.
    pub card_id: String,
    /// Index in deck order, `None` once the card was removed from the deck.
    pub position: Option<u32>,
    /// Suspended cards are never shown for review.
    pub suspended: bool,
    /// The scheduling state.
    pub schedule: CardSchedule,
}

impl ProgressRow {
    /// When the card is due, in Unix seconds (a review card at the start of its due day);
    /// `None` for new cards.
    pub fn due_secs(&self, clock: DayClock) -> Option<i64> {
        match self.schedule.state {
            CardState::New => None,
            CardState::Learning(learn) | CardState::Relearning(learn) => Some(learn.due_secs),
            CardState::Review(review) => Some(clock.day_start_secs(review.due_day)),
        }
    }

    /// FSRS difficulty (1..=10), `None` for new cards.
    pub fn difficulty(&self) -> Option<f32> {
        self.schedule.state.memory().map(|memory| memory.difficulty)
    }
}

/// A 64-bit FNV-1a fingerprint of an ordered id list (stored as SQLite's signed integer).
fn fingerprint<S: AsRef<str>>(card_ids: &[S]) -> i64 {
    let hash = card_ids.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, id| {
        id.as_ref().bytes().chain([0x1e]).fold(hash, |h, byte| {
            (h ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
        })
    });
    i64::from_ne_bytes(hash.to_ne_bytes())
}

impl Store {
    /// Records the deck's cards in deck order: new ids are added as new cards, known ids keep
    /// their progress (and get their new position), ids that left the deck keep their history.
    pub fn sync_deck<S: AsRef<str>>(
        &mut self,
        deck_id: &str,
        card_ids: &[S],
    ) -> Result<SyncSummary, StoreError> {
        let print = fingerprint(card_ids);
        let count = i64::try_from(card_ids.len()).unwrap_or(i64::MAX);
        let known: Option<(i64, i64)> = self
            .conn
            .query_row(
                "SELECT fingerprint, card_count FROM decks WHERE deck_id = ?1",
                [deck_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if known == Some((print, count)) {
            return Ok(SyncSummary {
                unchanged: true,
                ..SyncSummary::default()
            });
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut summary = SyncSummary::default();
        {
            let mut existing: HashMap<String, (i64, Option<i64>)> = HashMap::new();
            let mut select =
                tx.prepare("SELECT card_id, id, position FROM cards WHERE deck_id = ?1")?;
            let rows = select.query_map([deck_id], |row| {
                Ok((row.get::<_, String>(0)?, (row.get(1)?, row.get(2)?)))
            })?;
            for row in rows {
                let (card_id, value) = row?;
                existing.insert(card_id, value);
            }
            let mut insert = tx.prepare(
                "INSERT INTO cards (deck_id, card_id, position) VALUES (?1, ?2, ?3)
                 ON CONFLICT (deck_id, card_id) DO UPDATE SET position = excluded.position",
            )?;
            let mut reposition = tx.prepare("UPDATE cards SET position = ?2 WHERE id = ?1")?;
            let mut present = HashSet::with_capacity(card_ids.len());
            for (index, card_id) in card_ids.iter().enumerate() {
                let card_id = card_id.as_ref();
                let position = i64::try_from(index).unwrap_or(i64::MAX);
                present.insert(card_id);
                match existing.get(card_id) {
                    Some(&(_, Some(old))) if old == position => {}
                    Some(&(row_id, _)) => {
                        reposition.execute(params![row_id, position])?;
                        summary.moved += 1;
                    }
                    None => {
                        insert.execute(params![deck_id, card_id, position])?;
                        summary.added += 1;
                    }
                }
            }
            for (card_id, &(row_id, position)) in &existing {
                if position.is_some() && !present.contains(card_id.as_str()) {
                    tx.execute("UPDATE cards SET position = NULL WHERE id = ?1", [row_id])?;
                    summary.removed += 1;
                }
            }
            tx.execute(
                "INSERT INTO decks (deck_id, fingerprint, card_count) VALUES (?1, ?2, ?3)
                 ON CONFLICT (deck_id) DO UPDATE SET fingerprint = ?2, card_count = ?3",
                params![deck_id, print, count],
            )?;
        }
        tx.commit()?;
        Ok(summary)
    }

    /// The card's schedule ([`CardSchedule::NEW`] for a card never answered).
    pub fn card_schedule(&self, deck_id: &str, card_id: &str) -> Result<CardSchedule, StoreError> {
        let (_, state) = self.card_row(deck_id, card_id)?;
        state.decode().map_err(bad_row(deck_id, card_id))
    }

    /// The row id and stored state of a card.
    pub(super) fn card_row(
        &self,
        deck_id: &str,
        card_id: &str,
    ) -> Result<(i64, StateRow), StoreError> {
        let sql =
            format!("SELECT id, {STATE_COLUMNS} FROM cards WHERE deck_id = ?1 AND card_id = ?2");
        self.conn
            .prepare_cached(&sql)?
            .query_row([deck_id, card_id], |row| {
                Ok((row.get(0)?, StateRow::read(row, 1)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::UnknownCard {
                deck_id: deck_id.to_owned(),
                card_id: card_id.to_owned(),
            })
    }

    /// Suspends (or unsuspends) a card: suspended cards keep their progress and never show up in
    /// the queue.
    pub fn set_suspended(
        &mut self,
        deck_id: &str,
        card_id: &str,
        suspended: bool,
    ) -> Result<(), StoreError> {
        let changed = self.conn.execute(
            "UPDATE cards SET suspended = ?3 WHERE deck_id = ?1 AND card_id = ?2",
            params![deck_id, card_id, suspended],
        )?;
        if changed == 0 {
            return Err(StoreError::UnknownCard {
                deck_id: deck_id.to_owned(),
                card_id: card_id.to_owned(),
            });
        }
        Ok(())
    }

    /// Makes a card new again. Its review history stays, and the reset is logged so
    /// [`Store::undo_last`] can take it back. Returns the log row id.
    pub fn reset_progress(
        &mut self,
        deck_id: &str,
        card_id: &str,
        now_secs: i64,
    ) -> Result<i64, StoreError> {
        let (row_id, before) = self.card_row(deck_id, card_id)?;
        let after = StateRow::encode(&CardSchedule::NEW);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        super::answer::write_state(&tx, row_id, &after)?;
        let log_id = insert_log(
            &tx,
            row_id,
            now_secs,
            log_kind::RESET,
            0,
            0,
            0,
            &before,
            &after,
        )?;
        tx.commit()?;
        Ok(log_id)
    }

    /// Every card of the deck (including cards removed from it), sorted for the browser.
    pub fn progress_rows(
        &self,
        deck_id: &str,
        sort: BrowseSort,
        clock: DayClock,
    ) -> Result<Vec<ProgressRow>, StoreError> {
        let sql = format!(
            "SELECT card_id, position, suspended, {STATE_COLUMNS} FROM cards WHERE deck_id = ?1"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map([deck_id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<i64>>(1)?,
                row.get::<_, bool>(2)?,
                StateRow::read(row, 3)?,
            ))
        })?;
        let mut progress = Vec::new();
        for row in rows {
            let (card_id, position, suspended, state) = row?;
            let schedule = state.decode().map_err(bad_row(deck_id, &card_id))?;
            progress.push(ProgressRow {
                position: position.and_then(|p| u32::try_from(p).ok()),
                card_id,
                suspended,
                schedule,
            });
        }
        let deck_order = |row: &ProgressRow| (row.position.is_none(), row.position);
        match sort {
            BrowseSort::DeckOrder => progress.sort_by_key(deck_order),
            BrowseSort::Due => progress.sort_by_key(|row| {
                let due = row.due_secs(clock);
                (due.is_none(), due, deck_order(row))
            }),
            BrowseSort::Difficulty => progress.sort_by(|a, b| {
                let hardest_first = b.difficulty().partial_cmp(&a.difficulty());
                (a.difficulty().is_none().cmp(&b.difficulty().is_none()))
                    .then(hardest_first.unwrap_or(std::cmp::Ordering::Equal))
                    .then(deck_order(a).cmp(&deck_order(b)))
            }),
        }
        Ok(progress)
    }
}

#[cfg(test)]
mod tests {
    use super::super::rating::Rating;
    use super::super::testing::{NOW_SECS, open_temp, scheduler};
    use super::*;

    #[test]
    fn state_rows_round_trip() {
        let memory = Memory {
            stability_days: 3.25,
            difficulty: 6.5,
        };
        let schedules = [
            CardSchedule::NEW,
            CardSchedule {
                state: CardState::Relearning(LearnState {
                    step: 1,
                    due_secs: 99,
                    memory,
                }),
                last_review_secs: Some(42),
                reps: 7,
                lapses: 2,
            },
            CardSchedule {
                state: CardState::Review(ReviewState {
                    due_day: 19_000,
                    scheduled_days: 12,
                    memory,
                }),
                last_review_secs: Some(42),
                reps: 3,
                lapses: 0,
            },
        ];
        for schedule in schedules {
            assert_eq!(StateRow::encode(&schedule).decode(), Ok(schedule));
        }
        let broken = StateRow {
            stability: None,
            ..StateRow::encode(&schedules[2])
        };
        assert_eq!(
            broken.decode().unwrap_err().to_string(),
            "a review card has no memory state"
        );
    }

    #[test]
    fn editing_and_reordering_a_deck_keeps_progress_and_history() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        let first = store.sync_deck("deck", &["a", "b", "c"]).unwrap();
        assert_eq!((first.added, first.moved, first.removed), (3, 0, 0));
        assert!(store.sync_deck("deck", &["a", "b", "c"]).unwrap().unchanged);
        store
            .answer(&scheduler, "deck", "b", Rating::Good, NOW_SECS, 1_000)
            .unwrap();
        let answered = store.card_schedule("deck", "b").unwrap();

        // Reorder, drop "a", add "d".
        let second = store.sync_deck("deck", &["c", "b", "d"]).unwrap();
        assert_eq!((second.added, second.moved, second.removed), (1, 1, 1));
        assert_eq!(store.card_schedule("deck", "b").unwrap(), answered);
        let rows = store
            .progress_rows("deck", BrowseSort::DeckOrder, scheduler.clock())
            .unwrap();
        let order: Vec<(&str, Option<u32>)> = rows
            .iter()
            .map(|row| (row.card_id.as_str(), row.position))
            .collect();
        assert_eq!(
            order,
            [("c", Some(0)), ("b", Some(1)), ("d", Some(2)), ("a", None)]
        );

        // "b" leaves the deck: its history stays, and it comes back with its progress.
        store.sync_deck("deck", &["c", "d"]).unwrap();
        assert_eq!(store.card_history("deck", "b").unwrap().len(), 1);
        store.sync_deck("deck", &["c", "d", "b"]).unwrap();
        assert_eq!(store.card_schedule("deck", "b").unwrap(), answered);
    }

    #[test]
    fn browse_sorts_by_due_and_difficulty() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        store.sync_deck("deck", &["new", "easy", "again"]).unwrap();
        store
            .answer(&scheduler, "deck", "easy", Rating::Easy, NOW_SECS, 0)
            .unwrap();
        store
            .answer(&scheduler, "deck", "again", Rating::Again, NOW_SECS, 0)
            .unwrap();
        let ids = |sort| -> Vec<String> {
            store
                .progress_rows("deck", sort, scheduler.clock())
                .unwrap()
                .into_iter()
                .map(|row| row.card_id)
                .collect()
        };
        // "again" is due in a minute, "easy" in days, "new" is not scheduled.
        assert_eq!(ids(BrowseSort::Due), ["again", "easy", "new"]);
        // Again gives FSRS's highest initial difficulty (w4), Easy the lowest.
        assert_eq!(ids(BrowseSort::Difficulty), ["again", "easy", "new"]);
    }

    #[test]
    fn suspend_reset_and_unknown_cards() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        store.sync_deck("deck", &["a"]).unwrap();
        store.set_suspended("deck", "a", true).unwrap();
        let rows = store
            .progress_rows("deck", BrowseSort::DeckOrder, scheduler.clock())
            .unwrap();
        assert!(rows[0].suspended);
        assert!(matches!(
            store.set_suspended("deck", "zzz", true),
            Err(StoreError::UnknownCard { .. })
        ));

        store
            .answer(&scheduler, "deck", "a", Rating::Good, NOW_SECS, 0)
            .unwrap();
        let answered = store.card_schedule("deck", "a").unwrap();
        store.reset_progress("deck", "a", NOW_SECS + 5).unwrap();
        assert_eq!(store.card_schedule("deck", "a").unwrap(), CardSchedule::NEW);
        assert_eq!(store.card_history("deck", "a").unwrap().len(), 2);
        store.undo_last(0).unwrap();
        assert_eq!(store.card_schedule("deck", "a").unwrap(), answered);
    }
}
