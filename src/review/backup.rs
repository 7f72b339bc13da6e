//! Rotating backups of the progress database, and restoring the newest good one.
//!
//! Why this way: `VACUUM INTO` writes a consistent, compact copy of the live database (a read
//! transaction, so answering may go on), into a temporary file that is fsynced and then renamed,
//! and the directory fsynced (Anki's `atomic_rename`), so a crash mid-backup never leaves a
//! half-written backup under a backup's name. At most one backup per review day is made and the
//! newest [`KEEP_BACKUPS`] are kept (Mnemosyne keeps 10). File names carry the UTC time
//! (`progress-2024-05-01T10-00-00Z.sqlite3`), so they sort by age. Restoring copies a backup
//! that passes `PRAGMA quick_check` in the same temp-file-and-rename way.
//!
//! [`verify_and_backup`] takes the data directory and opens its own read-only connections, so the
//! GUI runs it on a background thread after opening (WAL readers do not block the writer). It
//! checks the whole database first, so a damaged database is never copied over good backups.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::check::verify_database;
use super::error::StoreError;
use super::store::DATABASE_FILE;
use super::time::{DayClock, parse_utc_file_stamp, utc_file_stamp};

/// The backup directory inside the data directory.
pub const BACKUP_DIR: &str = "backups";
/// How many backups are kept.
pub const KEEP_BACKUPS: usize = 10;
/// Backup file names: `PREFIX<stamp>SUFFIX`.
const PREFIX: &str = "progress-";
/// See [`PREFIX`].
const SUFFIX: &str = ".sqlite3";

/// The backup directory of a data directory.
pub fn backup_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(BACKUP_DIR)
}

/// One backup file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupFile {
    /// Where it is.
    pub path: PathBuf,
    /// When it was made, in Unix seconds (from its name).
    pub created_secs: i64,
}

/// The backups in `dir`, newest first; an absent directory has none.
pub fn list_backups(dir: &Path) -> Result<Vec<BackupFile>, StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::io("listing backups", e, dir)),
    };
    let mut backups = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io("listing backups", e, dir))?;
        let name = entry.file_name();
        let created = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX)?.strip_suffix(SUFFIX))
            .and_then(parse_utc_file_stamp);
        if let Some(created_secs) = created {
            backups.push(BackupFile {
                path: entry.path(),
                created_secs,
            });
        }
    }
    backups.sort_by_key(|backup| std::cmp::Reverse(backup.created_secs));
    Ok(backups)
}

/// Fsyncs a directory so a rename inside it is durable.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    crate::files::sync_dir(dir).map_err(|e| StoreError::io("syncing a directory", e, dir))
}

/// Fsyncs `temp`, renames it to `target` and fsyncs the directory.
fn commit_file(temp: &Path, target: &Path) -> Result<(), StoreError> {
    File::open(temp)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::io("syncing a copy", e, temp))?;
    fs::rename(temp, target)
        .map_err(|e| StoreError::io("renaming a copy into place", e, target))?;
    match target.parent() {
        Some(dir) => sync_dir(dir),
        None => Ok(()),
    }
}

/// Writes a backup of `conn`'s database into `dir` named for `now_secs`, then deletes all but the
/// newest [`KEEP_BACKUPS`]. Returns the new backup's path.
pub fn create_backup(conn: &Connection, dir: &Path, now_secs: i64) -> Result<PathBuf, StoreError> {
    fs::create_dir_all(dir).map_err(|e| StoreError::io("creating the backup directory", e, dir))?;
    let target = dir.join(format!("{PREFIX}{}{SUFFIX}", utc_file_stamp(now_secs)));
    let temp = dir.join(format!("{PREFIX}{}{SUFFIX}.tmp", utc_file_stamp(now_secs)));
    if temp.exists() {
        fs::remove_file(&temp).map_err(|e| StoreError::io("removing a stale backup", e, &temp))?;
    }
    let temp_name = temp.to_str().ok_or_else(|| StoreError::Io {
        action: "naming the backup",
        source: std::io::Error::from(std::io::ErrorKind::InvalidFilename),
        path: temp.clone(),
    })?;
    if let Err(error) = conn.execute("VACUUM INTO ?1", [temp_name]) {
        // Best effort: a partial temp file is only clutter, and it is replaced next time.
        fs::remove_file(&temp).ok();
        return Err(error.into());
    }
    commit_file(&temp, &target)?;
    prune_backups(dir, KEEP_BACKUPS)?;
    Ok(target)
}

/// Deletes all but the newest `keep` backups in `dir`; returns the deleted paths.
pub fn prune_backups(dir: &Path, keep: usize) -> Result<Vec<PathBuf>, StoreError> {
    let mut deleted = Vec::new();
    for old in list_backups(dir)?.into_iter().skip(keep) {
        fs::remove_file(&old.path)
            .map_err(|e| StoreError::io("deleting an old backup", e, &old.path))?;
        deleted.push(old.path);
    }
    Ok(deleted)
}

/// Makes a backup of the database at `db_path` into `dir` unless one was already made on the
/// review day of `now_secs`. Opens its own read-only connection, so it can run on another thread.
pub fn backup_if_due(
    db_path: &Path,
    dir: &Path,
    clock: DayClock,
    now_secs: i64,
) -> Result<Option<PathBuf>, StoreError> {
    let today = clock.day(now_secs);
    let done_today = list_backups(dir)?
        .iter()
        .any(|backup| clock.day(backup.created_secs) == today);
    if done_today {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(db_path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    create_backup(&conn, dir, now_secs).map(Some)
}

/// True when the database at `path` opens and passes `PRAGMA quick_check`.
fn is_good(path: &Path) -> bool {
    let check = || -> rusqlite::Result<bool> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let result: String = conn.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
        Ok(result == "ok")
    };
    check().unwrap_or(false)
}

/// Copies the newest backup in `dir` that passes `quick_check` to `db_path` (which must not be in
/// use); returns its path, or `None` when there is no good backup.
pub fn restore_newest_good(dir: &Path, db_path: &Path) -> Result<Option<PathBuf>, StoreError> {
    let Some(good) = list_backups(dir)?.into_iter().find(|b| is_good(&b.path)) else {
        return Ok(None);
    };
    let temp = PathBuf::from(format!("{}.restoring", db_path.display()));
    fs::copy(&good.path, &temp).map_err(|e| StoreError::io("copying a backup", e, &good.path))?;
    commit_file(&temp, db_path)?;
    Ok(Some(good.path))
}

/// The full integrity check ([`verify_database`]), then [`backup_if_due`] into the data
/// directory's backup folder. Meant for a background thread right after opening the store.
pub fn verify_and_backup(
    data_dir: &Path,
    clock: DayClock,
    now_secs: i64,
) -> Result<Option<PathBuf>, StoreError> {
    verify_database(data_dir)?;
    backup_if_due(
        &data_dir.join(DATABASE_FILE),
        &backup_dir(data_dir),
        clock,
        now_secs,
    )
}

#[cfg(test)]
mod tests {
    use super::super::check::DAMAGE_MARKER;
    use super::super::rating::Rating;
    use super::super::store::Store;
    use super::super::testing::{NOW_SECS, open_temp, scheduler};
    use super::super::time::SECS_PER_DAY;
    use super::*;

    #[test]
    fn one_backup_per_day_and_ten_kept() {
        let (dir, mut store) = open_temp();
        let clock = DayClock::new(4, 0);
        store.sync_deck("deck", &["a"]).unwrap();
        let backup = |now| verify_and_backup(dir.path(), clock, now).unwrap();
        assert!(backup(NOW_SECS).is_some());
        assert_eq!(backup(NOW_SECS + 3600), None);
        for day in 1..=12 {
            assert!(backup(NOW_SECS + day * SECS_PER_DAY).is_some(), "day {day}");
        }
        let backups = list_backups(&backup_dir(dir.path())).unwrap();
        assert_eq!(backups.len(), KEEP_BACKUPS);
        assert_eq!(backups[0].created_secs, NOW_SECS + 12 * SECS_PER_DAY);
        assert_eq!(backups[9].created_secs, NOW_SECS + 3 * SECS_PER_DAY);
        // No temporary files are left behind.
        let names = fs::read_dir(backup_dir(dir.path())).unwrap().count();
        assert_eq!(names, KEEP_BACKUPS);
    }

    #[test]
    fn damage_restores_the_newest_good_backup_and_keeps_the_bad_file() {
        let (dir, mut store) = open_temp();
        let scheduler = scheduler();
        store.sync_deck("deck", &["a", "b"]).unwrap();
        store
            .answer(&scheduler, "deck", "a", Rating::Easy, NOW_SECS, 0)
            .unwrap();
        let saved = store.card_schedule("deck", "a").unwrap();
        verify_and_backup(dir.path(), scheduler.clock(), NOW_SECS)
            .unwrap()
            .unwrap();
        // A newer backup that is itself damaged must be skipped.
        let bad_backup = backup_dir(dir.path()).join("progress-2030-01-01T00-00-00Z.sqlite3");
        fs::write(&bad_backup, b"garbage").unwrap();
        store
            .answer(&scheduler, "deck", "b", Rating::Good, NOW_SECS + 60, 0)
            .unwrap();
        store.close().unwrap();

        // Overwrite a page in the middle of the database with garbage.
        let db_path = dir.path().join(DATABASE_FILE);
        let mut bytes = fs::read(&db_path).unwrap();
        let page = 4096;
        assert!(bytes.len() >= 3 * page);
        bytes[page..2 * page].fill(0xA5);
        fs::write(&db_path, &bytes).unwrap();

        let opened = Store::open(dir.path(), NOW_SECS + 120).unwrap();
        let recovery = opened.recovery.expect("the damage must be reported");
        assert_eq!(
            fs::read(recovery.damaged_file.as_ref().unwrap()).unwrap(),
            bytes,
            "bad file kept"
        );
        let restored = recovery.restored_backup.clone().unwrap();
        assert_ne!(restored, bad_backup);
        assert!(
            recovery.to_string().contains("restored from the backup"),
            "{recovery}"
        );
        // The backup's state is back; the answer after the backup is gone, as reported.
        assert_eq!(opened.store.card_schedule("deck", "a").unwrap(), saved);
        assert!(opened.store.card_history("deck", "b").unwrap().is_empty());
    }

    /// Progress with 6 answers in a backup and 10 in the database, closed.
    fn ten_answers_six_backed_up() -> (tempfile::TempDir, PathBuf) {
        let (dir, mut store) = open_temp();
        let scheduler = scheduler();
        let ids = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        store.sync_deck("deck", &ids).unwrap();
        for (i, id) in ids.iter().enumerate() {
            let time = NOW_SECS + 60 * i as i64;
            store
                .answer(&scheduler, "deck", id, Rating::Good, time, 0)
                .unwrap();
            if i == 5 {
                verify_and_backup(dir.path(), scheduler.clock(), time)
                    .unwrap()
                    .unwrap();
            }
        }
        store.close().unwrap();
        let db_path = dir.path().join(DATABASE_FILE);
        (dir, db_path)
    }

    fn answered(store: &Store) -> usize {
        let ids = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        ids.iter()
            .filter(|id| !store.card_history("deck", id).unwrap().is_empty())
            .count()
    }

    /// A deleted database beside backups used to open as a new, empty one without a word.
    #[test]
    fn a_missing_database_beside_backups_is_reported_and_restored() {
        let (dir, db_path) = ten_answers_six_backed_up();
        fs::remove_file(&db_path).unwrap();
        let opened = Store::open(dir.path(), NOW_SECS + 3600).unwrap();
        let recovery = opened.recovery.expect("the loss must be reported");
        assert_eq!(recovery.damaged_file, None);
        let message = recovery.to_string();
        assert!(
            message.contains("was missing") && message.contains("restored from the backup"),
            "{message}"
        );
        assert_eq!(answered(&opened.store), 6, "the backup's answers are back");
    }

    /// `: > progress.sqlite3`: a 0-byte file is a new database to SQLite.
    #[test]
    fn an_empty_database_beside_backups_is_kept_reported_and_restored() {
        let (dir, db_path) = ten_answers_six_backed_up();
        File::create(&db_path).unwrap();
        let opened = Store::open(dir.path(), NOW_SECS + 3600).unwrap();
        let recovery = opened.recovery.expect("the loss must be reported");
        let kept = recovery
            .damaged_file
            .clone()
            .expect("the empty file is kept");
        assert_eq!(fs::metadata(&kept).unwrap().len(), 0);
        let message = recovery.to_string();
        assert!(
            message.contains("empty (0 bytes)") && message.contains("restored from the backup"),
            "{message}"
        );
        assert_eq!(answered(&opened.store), 6);
    }

    /// Without backups an empty or missing file is a first start (or one killed before its
    /// first write): nothing to restore, nothing to say.
    #[test]
    fn an_empty_database_without_backups_is_a_quiet_first_start() {
        let dir = tempfile::tempdir().unwrap();
        File::create(dir.path().join(DATABASE_FILE)).unwrap();
        let opened = Store::open(dir.path(), NOW_SECS).unwrap();
        assert_eq!(opened.recovery, None);
        let fresh = tempfile::tempdir().unwrap();
        let opened = Store::open(&fresh.path().join("new"), NOW_SECS).unwrap();
        assert_eq!(opened.recovery, None);
    }

    /// Damage outside the progress tables passes the fast check on open; the background check
    /// finds it, refuses to back it up, and the next open restores the backup.
    #[test]
    fn background_check_finds_log_damage_and_the_next_open_restores() {
        let (dir, mut store) = open_temp();
        let scheduler = scheduler();
        let clock = scheduler.clock();
        store.sync_deck("deck", &["a"]).unwrap();
        for minute in 0..3 {
            let time = NOW_SECS + 60 * minute;
            store
                .answer(&scheduler, "deck", "a", Rating::Good, time, 0)
                .unwrap();
        }
        verify_and_backup(dir.path(), clock, NOW_SECS)
            .unwrap()
            .unwrap();
        let revlog_page: i64 = store
            .conn
            .query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'revlog'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        store.close().unwrap();
        let db_path = dir.path().join(DATABASE_FILE);
        let mut bytes = fs::read(&db_path).unwrap();
        let page = 4096;
        let start = (revlog_page as usize - 1) * page;
        bytes[start..start + page].fill(0x5A);
        fs::write(&db_path, &bytes).unwrap();

        let opened = Store::open(dir.path(), NOW_SECS).unwrap();
        assert!(
            opened.recovery.is_none(),
            "the fast check only reads the progress"
        );
        let tomorrow = NOW_SECS + SECS_PER_DAY;
        let result = verify_and_backup(dir.path(), clock, tomorrow);
        assert!(matches!(result, Err(StoreError::Corrupt)), "{result:?}");
        assert!(dir.path().join(DAMAGE_MARKER).exists());
        assert_eq!(list_backups(&backup_dir(dir.path())).unwrap().len(), 1);
        drop(opened);

        let reopened = Store::open(dir.path(), tomorrow).unwrap();
        let recovery = reopened
            .recovery
            .expect("the marked damage must be repaired");
        assert!(recovery.restored_backup.is_some());
        assert!(!dir.path().join(DAMAGE_MARKER).exists());
        assert_eq!(reopened.store.card_history("deck", "a").unwrap().len(), 3);
    }
}
