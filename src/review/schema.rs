//! The progress database's tables and their migrations.
//!
//! Why this shape:
//! - `cards` holds one row per (deck id, card id) ever seen, so editing or reordering a deck keeps
//!   progress (only `position` changes) and a card removed from its deck keeps its row and history
//!   (`position` becomes NULL). The state columns flatten [`super::states::CardSchedule`]; `due` is
//!   Unix seconds for (re)learning cards and a review-day number for review cards, as in Anki.
//! - `revlog` has one row per answer (and per progress reset) with the card's whole state before it,
//!   so undo restores it exactly and statistics need no other table. It refers to `cards.id` rather
//!   than repeating the two text ids in a million rows; `revlog_view` shows them joined.
//! - Indices serve the hot queries: today's queue (`cards_due`, `cards_new`, partial so suspended
//!   and removed cards cost nothing), undo and history (`revlog_card`), and per-day counts
//!   (`revlog_time`).
//!
//! `PRAGMA user_version` is the schema version; migration `n` turns version `n` into `n + 1`, all in
//! one transaction.

use rusqlite::Connection;

/// Migration `i` upgrades a database from schema version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE cards (
        id INTEGER PRIMARY KEY,
        deck_id TEXT NOT NULL,
        card_id TEXT NOT NULL,
        position INTEGER,
        suspended INTEGER NOT NULL DEFAULT 0,
        phase INTEGER NOT NULL DEFAULT 0,
        step INTEGER NOT NULL DEFAULT 0,
        due INTEGER NOT NULL DEFAULT 0,
        scheduled_days INTEGER NOT NULL DEFAULT 0,
        stability REAL,
        difficulty REAL,
        last_review_secs INTEGER,
        reps INTEGER NOT NULL DEFAULT 0,
        lapses INTEGER NOT NULL DEFAULT 0,
        UNIQUE (deck_id, card_id)
    ) STRICT;
    CREATE INDEX cards_due ON cards (deck_id, phase, due)
        WHERE position IS NOT NULL AND suspended = 0;
    CREATE INDEX cards_new ON cards (deck_id, position)
        WHERE phase = 0 AND suspended = 0;
    CREATE TABLE decks (
        deck_id TEXT PRIMARY KEY,
        fingerprint INTEGER NOT NULL,
        card_count INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE revlog (
        id INTEGER PRIMARY KEY,
        card INTEGER NOT NULL REFERENCES cards (id),
        time_secs INTEGER NOT NULL,
        kind INTEGER NOT NULL,
        rating INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        interval_secs INTEGER NOT NULL,
        phase_before INTEGER NOT NULL,
        step_before INTEGER NOT NULL,
        due_before INTEGER NOT NULL,
        scheduled_days_before INTEGER NOT NULL,
        stability_before REAL,
        difficulty_before REAL,
        last_review_before INTEGER,
        reps_before INTEGER NOT NULL,
        lapses_before INTEGER NOT NULL,
        phase_after INTEGER NOT NULL,
        step_after INTEGER NOT NULL,
        stability_after REAL,
        difficulty_after REAL
    ) STRICT;
    CREATE INDEX revlog_card ON revlog (card);
    CREATE INDEX revlog_time ON revlog (time_secs);
    CREATE VIEW revlog_view AS
        SELECT revlog.*, cards.deck_id, cards.card_id FROM revlog JOIN cards ON cards.id = revlog.card;",
];

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The review log's `kind` column.
pub mod log_kind {
    /// A rating given to a card.
    pub const ANSWER: i64 = 0;
    /// The student reset the card's progress to new.
    pub const RESET: i64 = 1;
}

/// The schema version stored in the database (0 for a new, empty file).
pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings a database at a version <= [`SCHEMA_VERSION`] up to date in one transaction. The caller
/// has refused newer versions already.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version = schema_version(conn)?;
    let start = usize::try_from(version).unwrap_or(usize::MAX);
    if start >= MIGRATIONS.len() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for sql in MIGRATIONS.get(start..).unwrap_or_default() {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_an_empty_database_creates_the_tables_once() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(schema_version(&conn).unwrap(), 0);
        migrate(&mut conn).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
        // Migrating again is a no-op (no "table already exists" error).
        migrate(&mut conn).unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(tables, 3);
    }
}
