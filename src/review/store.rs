//! Opening the progress database safely: location, lock, integrity check, recovery, migrations.
//!
//! Why each choice:
//! - **Location**: `--data-dir`, else `VIRTSCOPE_DATA_DIR`, else the platform data directory
//!   (`directories::ProjectDirs::from("", "", "virtscope")`, e.g. `~/.local/share/virtscope`).
//! - **One writer**: an exclusive lock on `progress.lock` (`flock` on Unix, released by the kernel
//!   even after SIGKILL). A second virtscope window gets [`StoreError::Locked`] instead of writing
//!   beside the first, whose in-memory queue would then be stale. SQLite's busy timeout (2 s) only
//!   covers short waits on other programs, such as a backup reader.
//! - **WAL, `synchronous=NORMAL`**: in WAL mode a commit has been written to the WAL file (the OS
//!   page cache) before `COMMIT` returns, so killing the process (SIGKILL, a crash) loses nothing
//!   that returned; only a power loss or OS crash can lose the last few commits, never corrupt the
//!   file (SQLite documentation, "WAL mode ... synchronous=NORMAL"). `FULL` would add an `fsync`
//!   per answer, which costs milliseconds on laptops for a risk that daily backups already cover.
//! - **Checkpoints**: until a checkpoint copies them into the database file, answers live only in
//!   the `-wal` file, and a WAL that disappears (a cleaner, a sync tool, a user tidying the
//!   folder) takes them along. The reviewer calls [`Store::checkpoint`] when the student pauses
//!   and when a session ends, so little is ever only in the WAL; SQLite's own automatic
//!   checkpoint waits for 1,000 pages.
//! - **On open**: `PRAGMA quick_check` of the progress tables, and of everything when a background
//!   check ([`super::check::verify_database`]) found damage before (see [`super::check`]). A
//!   damaged database (or a file that is not a database) is renamed aside with a timestamp, never
//!   deleted, and the newest good backup is restored; the caller gets a [`Recovery`] to show. A
//!   database from a newer schema is refused untouched.
//! - **A missing or empty database beside backups** is a loss too (a deleted or truncated file
//!   would otherwise open as a new, empty database and progress would silently start from
//!   zero): it is reported and the newest good backup restored, like damage. Without backups it
//!   is a first start (or one before the first backup) and stays quiet.

use std::ffi::OsStr;
use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::backup;
use super::check;
use super::error::StoreError;
use super::schema::{self, SCHEMA_VERSION};
use super::time::utc_file_stamp;

/// Environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "VIRTSCOPE_DATA_DIR";
/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "progress.sqlite3";
/// The lock file inside the data directory.
pub const LOCK_FILE: &str = "progress.lock";
/// How long SQLite waits for another connection's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// The platform's data directory for virtscope, if the system has a home directory.
pub fn platform_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "virtscope").map(|dirs| dirs.data_dir().to_path_buf())
}

/// The data directory: `explicit` (from `--data-dir`), else `env_value` (the value of
/// [`DATA_DIR_ENV`], if set and not empty), else [`platform_data_dir`].
pub fn resolve_data_dir(
    explicit: Option<&Path>,
    env_value: Option<&OsStr>,
) -> Result<PathBuf, StoreError> {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| env_value.filter(|v| !v.is_empty()).map(PathBuf::from))
        .or_else(platform_data_dir)
        .ok_or(StoreError::NoDataDir)
}

/// Local time minus UTC at `unix_secs`, in seconds, from the C library's `localtime` (through
/// SQLite's `'localtime'` modifier, which calls `localtime_r`), so no `unsafe` is needed here.
pub fn local_utc_offset_secs(unix_secs: i64) -> Result<i32, StoreError> {
    let conn = Connection::open_in_memory()?;
    let local_secs: i64 = conn.query_row(
        "SELECT unixepoch(?1, 'unixepoch', 'localtime')",
        [unix_secs],
        |row| row.get(0),
    )?;
    // Real offsets are within +-26 h; anything else would be a C library bug, treated as UTC.
    Ok(i32::try_from(local_secs - unix_secs).unwrap_or(0))
}

/// The open progress database. Only one `Store` per data directory exists at a time.
#[derive(Debug)]
pub struct Store {
    /// The SQLite connection (WAL mode).
    pub(super) conn: Connection,
    /// The data directory.
    dir: PathBuf,
    /// The database file.
    db_path: PathBuf,
    /// `total_changes` of the connection when the last checkpoint copied everything (0 before
    /// the first).
    checkpointed_changes: u64,
    /// Holds the exclusive lock for as long as the store is open.
    _lock: File,
}

/// What [`Store::open`] gives: the store, and what was repaired on the way, if anything.
#[derive(Debug)]
pub struct Opened {
    /// The open store.
    pub store: Store,
    /// Set when the database was damaged and replaced; the GUI must show it.
    pub recovery: Option<Recovery>,
}

/// Progress that was lost on disk and replaced: a damaged database set aside, or a missing or
/// empty one where backups exist.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    /// What was wrong.
    pub problem: Loss,
    /// Where the damaged or empty file was kept (`None` when it was missing).
    pub damaged_file: Option<PathBuf>,
    /// The backup that was restored, or `None` when there was no good backup and the store
    /// started empty.
    pub restored_backup: Option<PathBuf>,
}

/// How the progress database was lost.
#[derive(Clone, Debug, PartialEq)]
pub enum Loss {
    /// SQLite found damage (its words).
    Damaged(String),
    /// The file was 0 bytes long, although backups exist.
    Empty,
    /// The file did not exist, although backups exist.
    Missing(PathBuf),
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.problem {
            Loss::Damaged(problem) => {
                write!(f, "The review progress database was damaged ({problem}). ")?;
            }
            Loss::Empty => write!(
                f,
                "The review progress database was empty (0 bytes), although backups exist. "
            )?,
            Loss::Missing(path) => write!(
                f,
                "The review progress database {path:?} was missing, although backups exist. "
            )?,
        }
        if let Some(kept) = &self.damaged_file {
            write!(f, "It was kept as {kept:?}. ")?;
        }
        match (&self.restored_backup, &self.problem) {
            (Some(backup), _) => write!(
                f,
                "Progress was restored from the backup {backup:?}; answers given after that \
                 backup are missing."
            ),
            (None, Loss::Damaged(_)) => write!(
                f,
                "No usable backup was found, so review progress starts empty; the damaged file \
                 may still be repairable with the sqlite3 tool's .recover command."
            ),
            (None, _) => write!(
                f,
                "None of the backups could be read, so review progress starts empty."
            ),
        }
    }
}

/// Why opening failed before the store was usable.
enum OpenProblem {
    /// The progress is lost: set what is left aside and restore a backup.
    Lost(Loss),
    /// Report to the user and touch nothing.
    Fatal(StoreError),
}

impl Store {
    /// Opens (creating if needed) the progress database in `dir`. `now_secs` names a damaged
    /// file that is set aside.
    pub fn open(dir: &Path, now_secs: i64) -> Result<Opened, StoreError> {
        fs::create_dir_all(dir)
            .map_err(|e| StoreError::io("creating the data directory", e, dir))?;
        let lock = acquire_lock(dir)?;
        let db_path = dir.join(DATABASE_FILE);
        let first = match missing_or_empty(dir, &db_path)? {
            Some(loss) => Err(OpenProblem::Lost(loss)),
            None => open_checked(dir, &db_path),
        };
        let (mut conn, recovery) = match first {
            Ok(conn) => (conn, None),
            Err(OpenProblem::Fatal(error)) => return Err(error),
            Err(OpenProblem::Lost(problem)) => {
                let recovery = recover(dir, &db_path, problem, now_secs)?;
                match open_checked(dir, &db_path) {
                    Ok(conn) => (conn, Some(recovery)),
                    Err(OpenProblem::Fatal(error)) => return Err(error),
                    Err(OpenProblem::Lost(_)) => return Err(StoreError::Corrupt),
                }
            }
        };
        configure(&conn).map_err(|e| classify_open(e, dir, &db_path))?;
        schema::migrate(&mut conn).map_err(|e| classify_open(e, dir, &db_path))?;
        check::clear_damage_marker(dir)?;
        let store = Self {
            checkpointed_changes: 0,
            conn,
            dir: dir.to_path_buf(),
            db_path,
            _lock: lock,
        };
        Ok(Opened { store, recovery })
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.dir
    }

    /// The database file.
    pub fn database_path(&self) -> &Path {
        &self.db_path
    }

    /// `PRAGMA integrity_check` (the full check, slower than the `quick_check` done on open):
    /// an empty list means the database is intact, otherwise SQLite's findings.
    pub fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let findings = check::pragma_check(&self.conn, "integrity_check")?;
        Ok(findings.into_iter().filter(|line| line != "ok").collect())
    }

    /// How many rows this store has changed since it opened: a counter that moves with every
    /// write, for noticing that something waits for a checkpoint.
    pub fn total_changes(&self) -> u64 {
        self.conn.total_changes()
    }

    /// Whether changes are in the WAL that no checkpoint has copied into the database file yet.
    pub fn needs_checkpoint(&self) -> bool {
        self.conn.total_changes() != self.checkpointed_changes
    }

    /// Copies the WAL's committed changes into the database file (`PRAGMA
    /// wal_checkpoint(PASSIVE)`: it never waits for a reader such as the background backup), so
    /// they no longer depend on the `-wal` file. Returns whether everything was copied; when a
    /// reader held some of it back, a later call finishes the job.
    pub fn checkpoint(&mut self) -> Result<bool, StoreError> {
        let (busy, log_frames, copied_frames): (i64, i64, i64) =
            self.conn
                .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })?;
        let complete = busy == 0 && copied_frames == log_frames;
        if complete {
            self.checkpointed_changes = self.conn.total_changes();
        }
        Ok(complete)
    }

    /// Moves the WAL into the database file and closes it. Dropping a `Store` also closes it
    /// safely; this only reports errors instead of ignoring them.
    pub fn close(self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        self.conn.close().map_err(|(_, error)| error.into())
    }
}

/// Takes the exclusive lock on the data directory's lock file.
fn acquire_lock(dir: &Path) -> Result<File, StoreError> {
    let path = dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::io("creating the lock file", e, &path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(StoreError::Locked { path }),
        Err(TryLockError::Error(e)) => Err(StoreError::io("locking the data directory", e, &path)),
    }
}

/// A database file that is missing or empty although backups exist: opening it would silently
/// start from zero. `None` when the file has content, or when there are no backups (a first
/// start, or one killed before its first write). Something other than a file at its place (a
/// directory) is an error that names it, where SQLite would only say "disk I/O error".
fn missing_or_empty(dir: &Path, db_path: &Path) -> Result<Option<Loss>, StoreError> {
    let loss = match fs::metadata(db_path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Loss::Missing(db_path.to_path_buf())
        }
        Ok(meta) if meta.is_file() && meta.len() == 0 => Loss::Empty,
        Ok(meta) if !meta.is_file() => {
            return Err(StoreError::NotAFile {
                kind: crate::files::kind_of(&meta.file_type()),
                path: db_path.to_path_buf(),
            });
        }
        // Content, or something opening will report.
        _ => return Ok(None),
    };
    let backups = backup::list_backups(&backup::backup_dir(dir))?;
    Ok((!backups.is_empty()).then_some(loss))
}

/// Opens the database, refuses newer schemas and checks it; no writes happen here.
fn open_checked(dir: &Path, db_path: &Path) -> Result<Connection, OpenProblem> {
    refuse_newer_schema(dir, db_path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let open = || -> rusqlite::Result<(Connection, i64)> {
        let conn = Connection::open_with_flags(db_path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let version = schema::schema_version(&conn)?;
        Ok((conn, version))
    };
    let (conn, version) = open().map_err(|e| damaged_or(e, dir, db_path))?;
    let findings =
        check::open_check(&conn, version, dir).map_err(|e| damaged_or(e, dir, db_path))?;
    if !findings.is_empty() {
        return Err(OpenProblem::Lost(Loss::Damaged(findings.join("; "))));
    }
    Ok(conn)
}

/// Reads the schema version on a read-only connection first: closing a read-write connection
/// may checkpoint a newer app's WAL into the file, and a newer database must stay untouched.
fn refuse_newer_schema(dir: &Path, db_path: &Path) -> Result<(), OpenProblem> {
    if !db_path.exists() {
        return Ok(());
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let version = Connection::open_with_flags(db_path, flags)
        .and_then(|conn| schema::schema_version(&conn))
        .map_err(|e| damaged_or(e, dir, db_path))?;
    if version > SCHEMA_VERSION {
        return Err(OpenProblem::Fatal(StoreError::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
            path: db_path.to_path_buf(),
        }));
    }
    Ok(())
}

/// Sorts an error from opening: damage leads to recovery, everything else is reported.
fn damaged_or(error: rusqlite::Error, dir: &Path, db_path: &Path) -> OpenProblem {
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
            OpenProblem::Lost(Loss::Damaged(error.to_string()))
        }
        _ => OpenProblem::Fatal(classify_open(error, dir, db_path)),
    }
}

/// Turns an error while opening into the message a user can act on.
fn classify_open(error: rusqlite::Error, dir: &Path, db_path: &Path) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
            if db_path.exists()
                && let Err(read_error) = File::open(db_path)
            {
                return StoreError::Unreadable {
                    reason: read_error.to_string(),
                    path: db_path.to_path_buf(),
                };
            }
            StoreError::ReadOnly {
                path: dir.to_path_buf(),
            }
        }
        _ => error.into(),
    }
}

/// WAL journal, durable against process crashes (see the module docs), foreign keys on.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some(format!("could not switch to WAL mode (got {mode:?})")),
        ));
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)
}

/// Sets a damaged database (with its WAL and shared-memory files: a stray WAL must not be
/// replayed onto the restored backup) aside and restores the newest good backup in its place.
fn recover(
    dir: &Path,
    db_path: &Path,
    problem: Loss,
    now_secs: i64,
) -> Result<Recovery, StoreError> {
    let stamp = utc_file_stamp(now_secs);
    let mut damaged_file = dir.join(format!("{DATABASE_FILE}.damaged-{stamp}"));
    let mut attempt = 1;
    while damaged_file.exists() {
        attempt += 1;
        damaged_file = dir.join(format!("{DATABASE_FILE}.damaged-{stamp}-{attempt}"));
    }
    for suffix in ["", "-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}{suffix}", damaged_file.display()));
            fs::rename(&from, &to)
                .map_err(|e| StoreError::io("setting the damaged database aside", e, &from))?;
        }
    }
    let restored_backup = backup::restore_newest_good(&backup::backup_dir(dir), db_path)?;
    Ok(Recovery {
        damaged_file: damaged_file.exists().then_some(damaged_file),
        problem,
        restored_backup,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::testing::{NOW_SECS, open_temp};

    #[test]
    fn data_dir_precedence_is_flag_then_env_then_platform() {
        let flag = Path::new("/flag");
        let env = OsStr::new("/env");
        assert_eq!(resolve_data_dir(Some(flag), Some(env)).unwrap(), flag);
        assert_eq!(
            resolve_data_dir(None, Some(env)).unwrap(),
            Path::new("/env")
        );
        // An empty variable counts as unset.
        assert_eq!(
            resolve_data_dir(None, Some(OsStr::new(""))).ok(),
            platform_data_dir()
        );
    }

    #[test]
    fn opens_in_wal_mode_with_the_current_schema() {
        let (_dir, store) = open_temp();
        let mode: String = store
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let synchronous: i64 = store
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(synchronous, 1, "1 = NORMAL");
        assert_eq!(schema::schema_version(&store.conn).unwrap(), SCHEMA_VERSION);
        assert_eq!(store.integrity_check().unwrap(), Vec::<String>::new());
        store.close().unwrap();
    }

    #[test]
    fn a_second_instance_is_refused_until_the_first_closes() {
        let (dir, store) = open_temp();
        let second = Store::open(dir.path(), NOW_SECS);
        let Err(StoreError::Locked { path }) = second else {
            panic!("expected Locked, got {second:?}");
        };
        assert_eq!(path, dir.path().join(LOCK_FILE));
        drop(store);
        assert!(Store::open(dir.path(), NOW_SECS).is_ok());
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join(DATABASE_FILE);
        // A newer app that was killed: its last changes are still in the WAL file. Copying the
        // files while its connection is open is what a SIGKILL leaves behind.
        let elsewhere = tempfile::tempdir().unwrap();
        let newer_path = elsewhere.path().join(DATABASE_FILE);
        let newer = Connection::open(&newer_path).unwrap();
        newer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
                 CREATE TABLE future (x); PRAGMA user_version = 99;
                 INSERT INTO future VALUES (1);",
            )
            .unwrap();
        for suffix in ["", "-wal"] {
            let name = format!("{DATABASE_FILE}{suffix}");
            fs::copy(elsewhere.path().join(&name), dir.path().join(&name)).unwrap();
        }
        drop(newer);
        let wal_path = dir.path().join(format!("{DATABASE_FILE}-wal"));
        let before = fs::read(&db_path).unwrap();
        let wal_before = fs::read(&wal_path).unwrap();
        assert!(!wal_before.is_empty());
        let result = Store::open(dir.path(), NOW_SECS);
        let Err(error @ StoreError::NewerSchema { found: 99, .. }) = result else {
            panic!("expected NewerSchema, got {result:?}");
        };
        assert!(error.to_string().contains("newer virtscope"), "{error}");
        assert_eq!(
            fs::read(&db_path).unwrap(),
            before,
            "the file must not change"
        );
        assert!(!dir.path().join(backup::BACKUP_DIR).exists());
    }

    #[test]
    fn garbage_is_set_aside_and_an_empty_store_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join(DATABASE_FILE);
        fs::write(&db_path, b"this is not a database, it is a shopping list").unwrap();
        let opened = Store::open(dir.path(), NOW_SECS).unwrap();
        let recovery = opened.recovery.expect("the damage must be reported");
        assert_eq!(recovery.restored_backup, None);
        assert_eq!(
            fs::read(recovery.damaged_file.as_ref().unwrap()).unwrap(),
            b"this is not a database, it is a shopping list"
        );
        assert!(
            recovery.to_string().contains("No usable backup"),
            "{recovery}"
        );
        assert_eq!(
            opened.store.integrity_check().unwrap(),
            Vec::<String>::new()
        );
    }

    /// A directory where the database belongs was reported as "disk I/O error".
    #[test]
    fn a_directory_at_the_database_path_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join(DATABASE_FILE);
        fs::create_dir(&db_path).unwrap();
        let error = Store::open(dir.path(), NOW_SECS).unwrap_err();
        assert!(
            matches!(&error, StoreError::NotAFile { kind: "a directory", path } if *path == db_path),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("is a directory, not a file"), "{message}");
        assert!(db_path.is_dir(), "left untouched");
    }

    #[test]
    fn a_directory_that_cannot_be_created_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, b"x").unwrap();
        let result = Store::open(&blocker.join("data"), NOW_SECS);
        let Err(StoreError::Io { path, .. }) = result else {
            panic!("expected an I/O error, got {result:?}");
        };
        assert_eq!(path, blocker.join("data"));
    }

    /// Linux's sysfs refuses new files even to root, so this runs everywhere on Linux.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_read_only_directory_is_named() {
        let result = Store::open(Path::new("/sys"), NOW_SECS);
        let Err(error @ StoreError::ReadOnly { .. }) = result else {
            panic!("expected ReadOnly, got {result:?}");
        };
        assert!(error.to_string().contains("read-only"), "{error}");
        assert!(
            error.to_string().ends_with("\"/sys/progress.lock\""),
            "{error}"
        );
    }

    /// A data directory made read-only after progress was saved: opening says so and the saved
    /// progress is still there when the directory is writable again. Permission bits do not stop
    /// root, so as root this only checks that nothing was lost.
    #[cfg(unix)]
    #[test]
    fn a_directory_made_read_only_keeps_its_progress() {
        use super::super::rating::Rating;
        use super::super::testing::scheduler;
        use std::os::unix::fs::PermissionsExt;

        let (dir, mut store) = open_temp();
        store.sync_deck("deck", &["a"]).unwrap();
        store
            .answer(&scheduler(), "deck", "a", Rating::Good, NOW_SECS, 0)
            .unwrap();
        let saved = store.card_schedule("deck", "a").unwrap();
        store.close().unwrap();

        let set_mode = |mode| fs::set_permissions(dir.path(), fs::Permissions::from_mode(mode));
        set_mode(0o555).unwrap();
        let root = File::create(dir.path().join("probe")).is_ok();
        let result = Store::open(dir.path(), NOW_SECS);
        set_mode(0o755).unwrap();
        if !root {
            let Err(StoreError::ReadOnly { path }) = &result else {
                panic!("expected ReadOnly, got {result:?}");
            };
            assert_eq!(path, dir.path());
        }
        drop(result);
        let store = Store::open(dir.path(), NOW_SECS).unwrap().store;
        assert_eq!(store.card_schedule("deck", "a").unwrap(), saved);
    }

    #[test]
    fn local_offset_is_a_whole_number_of_quarter_hours() {
        let offset = local_utc_offset_secs(NOW_SECS).unwrap();
        assert_eq!(offset % 900, 0);
        assert!(offset.abs() <= 14 * 3600);
    }
}
