//! Answering a card and undoing answers, each in one transaction.
//!
//! Why one transaction with the log row: the card's new state and the review-log row are written
//! together or not at all, so after any crash the log explains every state, and undo (which puts
//! back the state stored in the newest log row and deletes that row, also in one transaction) can
//! never leave a card and its log disagreeing. Undo goes back as many steps as the caller allows
//! with `since_secs` (e.g. the session start); Anki keeps 30 steps in memory, the log keeps all.

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::cards::{STATE_COLUMNS, StateRow, bad_row};
use super::error::StoreError;
use super::fuzz;
use super::rating::Rating;
use super::scheduler::Scheduler;
use super::schema::log_kind;
use super::states::{CardSchedule, Memory, NextStates, Outcome, Phase};
use super::store::Store;

/// A committed answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Answered {
    /// The review-log row written with it.
    pub log_id: i64,
    /// The card's new state and interval.
    pub outcome: Outcome,
}

/// What a review-log row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogAction {
    /// The card was answered.
    Answer(Rating),
    /// The card's progress was reset to new.
    Reset,
}

/// One review-log row.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    /// Row id; ids grow with time.
    pub log_id: i64,
    /// The card's deck.
    pub deck_id: String,
    /// The card.
    pub card_id: String,
    /// When, in Unix seconds.
    pub time_secs: i64,
    /// What happened.
    pub action: LogAction,
    /// How long the student looked at the card, in milliseconds.
    pub duration_ms: u32,
    /// The interval the answer scheduled, in seconds (review days count as 86 400 s).
    pub interval_secs: u64,
    /// The card's whole state before.
    pub before: CardSchedule,
    /// The card's phase after.
    pub phase_after: Phase,
    /// The card's memory state after (`None` after a reset).
    pub memory_after: Option<Memory>,
}

/// A change that [`Store::undo_last`] took back.
#[derive(Clone, Debug, PartialEq)]
pub struct Undone {
    /// The log row that was removed.
    pub entry: LogEntry,
}

/// Writes a card's state columns.
pub(super) fn write_state(tx: &Transaction, row_id: i64, state: &StateRow) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "UPDATE cards SET phase = ?2, step = ?3, due = ?4, scheduled_days = ?5, stability = ?6,
         difficulty = ?7, last_review_secs = ?8, reps = ?9, lapses = ?10 WHERE id = ?1",
    )?
    .execute(params![
        row_id,
        state.phase,
        state.step,
        state.due,
        state.scheduled_days,
        state.stability,
        state.difficulty,
        state.last_review_secs,
        state.reps,
        state.lapses
    ])?;
    Ok(())
}

/// Appends a review-log row and returns its id.
#[allow(clippy::too_many_arguments)] // Each argument is one column of the same row.
pub(super) fn insert_log(
    tx: &Transaction,
    card_row: i64,
    time_secs: i64,
    kind: i64,
    rating: u8,
    duration_ms: u32,
    interval_secs: u64,
    before: &StateRow,
    after: &StateRow,
) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO revlog (card, time_secs, kind, rating, duration_ms, interval_secs,
            phase_before, step_before, due_before, scheduled_days_before, stability_before,
            difficulty_before, last_review_before, reps_before, lapses_before,
            phase_after, step_after, stability_after, difficulty_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19)",
    )?
    .execute(params![
        card_row,
        time_secs,
        kind,
        rating,
        duration_ms,
        i64::try_from(interval_secs).unwrap_or(i64::MAX),
        before.phase,
        before.step,
        before.due,
        before.scheduled_days,
        before.stability,
        before.difficulty,
        before.last_review_secs,
        before.reps,
        before.lapses,
        after.phase,
        after.step,
        after.stability,
        after.difficulty
    ])?;
    Ok(tx.last_insert_rowid())
}

/// The columns [`read_entry`] reads, from `revlog` joined with `cards`.
const ENTRY_COLUMNS: &str = "revlog.id, cards.deck_id, cards.card_id, time_secs, kind, rating,
    duration_ms, interval_secs, phase_before, step_before, due_before, scheduled_days_before,
    stability_before, difficulty_before, last_review_before, reps_before, lapses_before,
    phase_after, stability_after, difficulty_after, revlog.card";

/// A log row as read, before validation.
struct RawEntry {
    log_id: i64,
    deck_id: String,
    card_id: String,
    time_secs: i64,
    kind: i64,
    rating: i64,
    duration_ms: i64,
    interval_secs: i64,
    before: StateRow,
    phase_after: i64,
    stability_after: Option<f64>,
    difficulty_after: Option<f64>,
    card_row: i64,
}

/// Reads [`ENTRY_COLUMNS`].
fn read_entry(row: &Row) -> rusqlite::Result<RawEntry> {
    Ok(RawEntry {
        log_id: row.get(0)?,
        deck_id: row.get(1)?,
        card_id: row.get(2)?,
        time_secs: row.get(3)?,
        kind: row.get(4)?,
        rating: row.get(5)?,
        duration_ms: row.get(6)?,
        interval_secs: row.get(7)?,
        before: StateRow {
            phase: row.get(8)?,
            step: row.get(9)?,
            due: row.get(10)?,
            scheduled_days: row.get(11)?,
            stability: row.get(12)?,
            difficulty: row.get(13)?,
            last_review_secs: row.get(14)?,
            reps: row.get(15)?,
            lapses: row.get(16)?,
        },
        phase_after: row.get(17)?,
        stability_after: row.get(18)?,
        difficulty_after: row.get(19)?,
        card_row: row.get(20)?,
    })
}

impl RawEntry {
    /// Validates the row.
    fn into_entry(self) -> Result<LogEntry, StoreError> {
        let bad = |reason: String| bad_row(&self.deck_id, &self.card_id)(reason);
        let action = match (
            self.kind,
            u8::try_from(self.rating).ok().and_then(Rating::from_number),
        ) {
            (log_kind::ANSWER, Some(rating)) => LogAction::Answer(rating),
            (log_kind::RESET, _) => LogAction::Reset,
            (kind, _) => {
                return Err(bad(format!(
                    "log row {} has kind {kind}, rating {}",
                    self.log_id, self.rating
                )));
            }
        };
        let before = self
            .before
            .decode()
            .map_err(bad_row(&self.deck_id, &self.card_id))?;
        let phase_after = u8::try_from(self.phase_after)
            .ok()
            .and_then(Phase::from_code)
            .ok_or_else(|| {
                bad(format!(
                    "log row {} has phase {}",
                    self.log_id, self.phase_after
                ))
            })?;
        // Stored from f32, so the narrowing is exact.
        let memory_after = match (self.stability_after, self.difficulty_after) {
            (Some(stability), Some(difficulty)) => Some(Memory {
                stability_days: stability as f32,
                difficulty: difficulty as f32,
            }),
            _ => None,
        };
        Ok(LogEntry {
            log_id: self.log_id,
            time_secs: self.time_secs,
            action,
            duration_ms: u32::try_from(self.duration_ms).unwrap_or(0),
            interval_secs: u64::try_from(self.interval_secs).unwrap_or(0),
            before,
            phase_after,
            memory_after,
            deck_id: self.deck_id,
            card_id: self.card_id,
        })
    }
}

impl Store {
    /// The four possible outcomes for a card at `now_secs`, for the answer buttons.
    pub fn next_states(
        &self,
        scheduler: &Scheduler,
        deck_id: &str,
        card_id: &str,
        now_secs: i64,
    ) -> Result<NextStates, StoreError> {
        let schedule = self.card_schedule(deck_id, card_id)?;
        Ok(scheduler.next_states(&schedule, fuzz::card_seed(deck_id, card_id), now_secs)?)
    }

    /// Answers a card: schedules it and writes its new state and a review-log row in one
    /// transaction. When this returns `Ok`, the answer survives a crash of the process.
    pub fn answer(
        &mut self,
        scheduler: &Scheduler,
        deck_id: &str,
        card_id: &str,
        rating: Rating,
        now_secs: i64,
        duration_ms: u32,
    ) -> Result<Answered, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let sql =
            format!("SELECT id, {STATE_COLUMNS} FROM cards WHERE deck_id = ?1 AND card_id = ?2");
        let (row_id, before) = tx
            .prepare_cached(&sql)?
            .query_row([deck_id, card_id], |row| {
                Ok((row.get(0)?, StateRow::read(row, 1)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::UnknownCard {
                deck_id: deck_id.to_owned(),
                card_id: card_id.to_owned(),
            })?;
        let schedule = before.decode().map_err(bad_row(deck_id, card_id))?;
        let seed = fuzz::card_seed(deck_id, card_id);
        let outcome = scheduler.answer(&schedule, seed, rating, now_secs)?;
        let after = StateRow::encode(&outcome.schedule);
        write_state(&tx, row_id, &after)?;
        let log_id = insert_log(
            &tx,
            row_id,
            now_secs,
            log_kind::ANSWER,
            rating.number(),
            duration_ms,
            outcome.interval.secs(),
            &before,
            &after,
        )?;
        tx.commit()?;
        Ok(Answered { log_id, outcome })
    }

    /// Takes back the newest answer or reset made at or after `since_secs` (pass the session's
    /// start to limit undo to this session, or `i64::MIN` for no limit): the card gets its
    /// previous state back and the log row is deleted, in one transaction. `None` when there is
    /// nothing to undo.
    pub fn undo_last(&mut self, since_secs: i64) -> Result<Option<Undone>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM revlog JOIN cards ON cards.id = revlog.card
             WHERE revlog.id = (SELECT MAX(id) FROM revlog) AND time_secs >= ?1"
        );
        let Some(raw) = tx.query_row(&sql, [since_secs], read_entry).optional()? else {
            return Ok(None);
        };
        let (log_id, card_row, before) = (raw.log_id, raw.card_row, raw.before);
        let entry = raw.into_entry()?;
        write_state(&tx, card_row, &before)?;
        tx.execute("DELETE FROM revlog WHERE id = ?1", [log_id])?;
        tx.commit()?;
        Ok(Some(Undone { entry }))
    }

    /// One review-log row, for card info and checks.
    pub fn log_entry(&self, log_id: i64) -> Result<Option<LogEntry>, StoreError> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM revlog JOIN cards ON cards.id = revlog.card
             WHERE revlog.id = ?1"
        );
        let raw = self
            .conn
            .prepare_cached(&sql)?
            .query_row([log_id], read_entry)
            .optional()?;
        raw.map(RawEntry::into_entry).transpose()
    }

    /// A card's whole review log, oldest first (kept when the card leaves its deck).
    pub fn card_history(&self, deck_id: &str, card_id: &str) -> Result<Vec<LogEntry>, StoreError> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM revlog JOIN cards ON cards.id = revlog.card
             WHERE cards.deck_id = ?1 AND cards.card_id = ?2 ORDER BY revlog.id"
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let rows = statement.query_map([deck_id, card_id], read_entry)?;
        let mut entries = Vec::new();
        for row in rows {
            entries.push(row?.into_entry()?);
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::super::interval::Interval;
    use super::super::states::CardState;
    use super::super::testing::{NOW_SECS, open_temp, scheduler};
    use super::*;

    #[test]
    fn an_answer_writes_state_and_log_together() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        store.sync_deck("deck", &["a"]).unwrap();
        let answered = store
            .answer(&scheduler, "deck", "a", Rating::Good, NOW_SECS, 4_200)
            .unwrap();
        assert_eq!(answered.outcome.interval, Interval::Secs(600));
        assert_eq!(
            store.card_schedule("deck", "a").unwrap(),
            answered.outcome.schedule
        );
        let entry = store.log_entry(answered.log_id).unwrap().unwrap();
        assert_eq!(entry.action, LogAction::Answer(Rating::Good));
        assert_eq!(entry.before, CardSchedule::NEW);
        assert_eq!(entry.phase_after, Phase::Learning);
        assert_eq!((entry.duration_ms, entry.interval_secs), (4_200, 600));
        assert_eq!(entry.memory_after, answered.outcome.schedule.state.memory());
    }

    #[test]
    fn undo_goes_back_several_steps_exactly() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        store.sync_deck("deck", &["a", "b"]).unwrap();
        let mut history = vec![(
            store.card_schedule("deck", "a").unwrap(),
            store.card_schedule("deck", "b").unwrap(),
        )];
        let answers = [
            ("a", Rating::Again),
            ("b", Rating::Easy),
            ("a", Rating::Good),
        ];
        for (i, (card, rating)) in answers.into_iter().enumerate() {
            let time = NOW_SECS + 60 * i as i64;
            store
                .answer(&scheduler, "deck", card, rating, time, 0)
                .unwrap();
            history.push((
                store.card_schedule("deck", "a").unwrap(),
                store.card_schedule("deck", "b").unwrap(),
            ));
        }
        history.pop();
        while let Some(expected) = history.pop() {
            let undone = store
                .undo_last(NOW_SECS)
                .unwrap()
                .expect("something to undo");
            assert!(matches!(undone.entry.action, LogAction::Answer(_)));
            let now = (
                store.card_schedule("deck", "a").unwrap(),
                store.card_schedule("deck", "b").unwrap(),
            );
            assert_eq!(now, expected);
        }
        assert_eq!(store.undo_last(NOW_SECS).unwrap(), None);
        assert!(store.card_history("deck", "a").unwrap().is_empty());
    }

    #[test]
    fn undo_stops_at_the_session_start() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        store.sync_deck("deck", &["a"]).unwrap();
        store
            .answer(&scheduler, "deck", "a", Rating::Good, NOW_SECS, 0)
            .unwrap();
        assert_eq!(store.undo_last(NOW_SECS + 1).unwrap(), None);
        assert!(matches!(
            store.card_schedule("deck", "a").unwrap().state,
            CardState::Learning(_)
        ));
    }

    #[test]
    fn unknown_cards_are_not_answered() {
        let (_dir, mut store) = open_temp();
        let result = store.answer(&scheduler(), "deck", "ghost", Rating::Good, NOW_SECS, 0);
        assert!(matches!(result, Err(StoreError::UnknownCard { .. })));
    }

    #[test]
    fn a_full_disk_loses_nothing_already_saved() {
        let (_dir, mut store) = open_temp();
        let scheduler = scheduler();
        let ids: Vec<String> = (0..400).map(|i| format!("card-{i:04}")).collect();
        store.sync_deck("deck", &ids).unwrap();
        // Cap the file at its current size plus a few pages, then answer until it is full.
        let pages: i64 = store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .unwrap();
        store
            .conn
            .query_row(
                &format!("PRAGMA max_page_count = {}", pages + 3),
                [],
                |_| Ok(()),
            )
            .unwrap();
        let mut saved = Vec::new();
        let mut failure = None;
        for (i, id) in ids.iter().enumerate() {
            let time = NOW_SECS + i as i64;
            match store.answer(&scheduler, "deck", id, Rating::Good, time, 0) {
                Ok(answered) => saved.push((id.clone(), answered)),
                Err(error) => {
                    failure = Some((id.clone(), error));
                    break;
                }
            }
        }
        let (failed_id, error) = failure.expect("the disk must fill up");
        assert!(matches!(error, StoreError::DiskFull), "{error:?}");
        assert!(error.to_string().contains("not saved"), "{error}");
        assert!(!saved.is_empty());
        // The failed answer left no trace; every earlier one is intact.
        assert_eq!(
            store.card_schedule("deck", &failed_id).unwrap(),
            CardSchedule::NEW
        );
        assert!(store.card_history("deck", &failed_id).unwrap().is_empty());
        for (id, answered) in &saved {
            assert_eq!(
                store.card_schedule("deck", id).unwrap(),
                answered.outcome.schedule
            );
            assert!(store.log_entry(answered.log_id).unwrap().is_some());
        }
        assert_eq!(store.integrity_check().unwrap(), Vec::<String>::new());
    }
}
