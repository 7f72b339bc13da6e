//! Integrity checks: a fast one on open, a full one in the background, and a damage marker that
//! links them.
//!
//! Why two checks: `PRAGMA quick_check` reads every page, about 1 s for a collection with
//! 1 000 000 review-log rows (120 MB), which would break the 300 ms budget for opening. So opening
//! checks the progress itself (`cards`, `decks`: about 60 ms at 100 000 cards, release build) and
//! the GUI runs [`verify_database`] on a background thread right after opening (WAL lets a reader
//! run beside the writer). If the full check finds damage it writes a marker file next to the
//! database and reports [`StoreError::Corrupt`] ("restart to restore the newest backup"); the next
//! open sees the marker, runs the full check and restores the newest good backup. A database at an
//! older schema version, or a new one, is always checked in full (it is small or about to be
//! migrated).

use std::fs;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::error::StoreError;
use super::schema::SCHEMA_VERSION;
use super::store::DATABASE_FILE;

/// Marker file written when a full check found damage; its content is SQLite's findings.
pub const DAMAGE_MARKER: &str = "progress.damaged";

/// Tables checked on every open: the review progress itself.
const OPEN_CHECKED_TABLES: [&str; 2] = ["cards", "decks"];

/// Runs a checking pragma and collects its result rows.
pub(super) fn pragma_check(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare(&format!("PRAGMA {pragma}"))?;
    let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
    rows.collect()
}

/// The check made while opening a database at schema `version` in `data_dir`: SQLite's findings,
/// empty when the database is intact.
pub(super) fn open_check(
    conn: &Connection,
    version: i64,
    data_dir: &Path,
) -> rusqlite::Result<Vec<String>> {
    let marked = data_dir.join(DAMAGE_MARKER).exists();
    let findings = if marked || version != SCHEMA_VERSION {
        pragma_check(conn, "quick_check")?
    } else {
        let mut findings = Vec::new();
        for table in OPEN_CHECKED_TABLES {
            findings.extend(pragma_check(conn, &format!("quick_check({table})"))?);
        }
        findings
    };
    Ok(findings.into_iter().filter(|line| line != "ok").collect())
}

/// Forgets an earlier damage report once the database passed a full check (or was replaced).
pub(super) fn clear_damage_marker(data_dir: &Path) -> Result<(), StoreError> {
    let marker = data_dir.join(DAMAGE_MARKER);
    match fs::remove_file(&marker) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io("removing the damage marker", e, marker)),
    }
}

/// The full `PRAGMA quick_check` of the database in `data_dir`, on its own read-only connection,
/// so it can run on a background thread while the store is open. On damage, writes the marker
/// (so the next open restores a backup) and returns [`StoreError::Corrupt`].
pub fn verify_database(data_dir: &Path) -> Result<(), StoreError> {
    let db_path = data_dir.join(DATABASE_FILE);
    let findings = Connection::open_with_flags(&db_path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|conn| pragma_check(&conn, "quick_check"));
    let findings = match findings {
        Ok(findings) => findings.into_iter().filter(|line| line != "ok").collect(),
        Err(error) => match StoreError::from(error) {
            StoreError::Corrupt => vec!["the file is not a valid database".to_owned()],
            other => return Err(other),
        },
    };
    if findings.is_empty() {
        return Ok(());
    }
    let marker = data_dir.join(DAMAGE_MARKER);
    fs::write(&marker, findings.join("\n"))
        .map_err(|e| StoreError::io("writing the damage marker", e, &marker))?;
    Err(StoreError::Corrupt)
}
