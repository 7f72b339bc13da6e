//! Errors of the reviewer core, worded for the student who reads them in the GUI.
//!
//! Why three enums: a bad setting ([`ConfigError`]) is fixed in the options dialog, a scheduling
//! failure ([`ScheduleError`]) means a card holds an impossible memory state, and a storage problem
//! ([`StoreError`]) is about the disk and another window. Each storage variant that a user can cause
//! (read-only directory, full disk, second window, newer app version) has its own message that says
//! what happened, that nothing was lost, and what to do; paths go last.

use std::path::PathBuf;

/// A scheduler setting that cannot work.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    /// A learning or relearning step text could not be read.
    #[error("cannot read the step {text:?}: write steps like \"1m 10m 1h 2d\" (s, m, h or d)")]
    BadStep {
        /// The offending piece of text.
        text: String,
    },
    /// A step of zero seconds would show the card again at once, forever.
    #[error("a learning step must be at least one second long")]
    ZeroStep,
    /// Desired retention must be a probability strictly between 0 and 1.
    #[error("desired retention must be between 0 and 1 (exclusive), got {0}")]
    Retention(f32),
    /// The maximum interval must allow at least one day.
    #[error("the maximum interval must be at least 1 day")]
    MaximumInterval,
    /// The day rollover is an hour of the day.
    #[error("the day rollover hour must be 0 to 23, got {0}")]
    RolloverHour(u8),
    /// The FSRS parameters were rejected by the `fsrs` crate.
    #[error("the FSRS parameters are invalid (give 0, 17, 19 or 21 finite numbers): {0}")]
    FsrsParameters(fsrs::FSRSError),
}

/// The scheduler could not compute the next state of a card.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// FSRS produced a non-finite memory state, which only happens with a corrupted stored state.
    #[error("cannot schedule this card: its stored memory state is invalid ({0})")]
    Fsrs(#[from] fsrs::FSRSError),
}

/// Storing or reading review progress failed. Nothing already saved is lost in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Neither an explicit directory nor a platform data directory exists.
    #[error(
        "no place to keep review progress: this system has no home directory; \
         pass --data-dir or set VIRTSCOPE_DATA_DIR"
    )]
    NoDataDir,
    /// Another virtscope window holds the lock file.
    #[error(
        "the review progress is open in another virtscope window; close it there and try again \
         (its lock file is {path:?})"
    )]
    Locked {
        /// The lock file.
        path: PathBuf,
    },
    /// The data directory or database file cannot be written.
    #[error(
        "cannot save review progress because the data directory is read-only; \
         choose a writable one with --data-dir or VIRTSCOPE_DATA_DIR: {path:?}"
    )]
    ReadOnly {
        /// The directory or file that refused the write.
        path: PathBuf,
    },
    /// The database file exists but could not be read (e.g. permissions); it was left untouched.
    #[error("cannot read the review progress database ({reason}); it was left untouched: {path:?}")]
    Unreadable {
        /// What the operating system or SQLite said.
        reason: String,
        /// The database file.
        path: PathBuf,
    },
    /// Something other than a file (a directory, a FIFO) is where the database belongs; it was
    /// left untouched.
    #[error(
        "the review progress database is {kind}, not a file; move it away or choose another \
         data folder with --data-dir: {path:?}"
    )]
    NotAFile {
        /// What is there, e.g. "a directory".
        kind: &'static str,
        /// The database's path.
        path: PathBuf,
    },
    /// The database was written by a newer virtscope; it was left untouched.
    #[error(
        "the review progress database was written by a newer virtscope (schema version {found}, \
         this version reads up to {supported}); update virtscope. The file was left untouched: \
         {path:?}"
    )]
    NewerSchema {
        /// The schema version found in the file.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
        /// The database file.
        path: PathBuf,
    },
    /// The disk (or the database's size limit) is full; the last change was rolled back.
    #[error(
        "the disk is full, so the last change was not saved (everything before it is safe); \
         free some space and try again"
    )]
    DiskFull,
    /// SQLite waited for a lock and gave up (another program is holding the database).
    #[error("the review progress database is busy in another program; try again")]
    Busy,
    /// The operating system refused a write after the database was opened.
    #[error(
        "the operating system refused to write the review progress (read-only file system or \
         permissions); the last change was not saved, everything before it is safe"
    )]
    WriteRefused,
    /// SQLite found damage while running; reopening restores the newest good backup.
    #[error(
        "the review progress database is damaged; restart virtscope to restore the newest backup"
    )]
    Corrupt,
    /// A stored card row holds values no state can have.
    #[error("the stored progress of card {card_id:?} in deck {deck_id:?} is invalid: {reason}")]
    BadRow {
        /// The deck of the card.
        deck_id: String,
        /// The card.
        card_id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The card was never added to the deck's progress (call `sync_deck` first).
    #[error("card {card_id:?} is not part of deck {deck_id:?} in the review progress")]
    UnknownCard {
        /// The deck asked for.
        deck_id: String,
        /// The card asked for.
        card_id: String,
    },
    /// A file operation on the data directory failed.
    #[error("{action} failed ({source}): {path:?}")]
    Io {
        /// What was being done, e.g. "creating the data directory".
        action: &'static str,
        /// The error from the operating system.
        source: std::io::Error,
        /// The file or directory involved.
        path: PathBuf,
    },
    /// Scheduling the answer failed.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// Any other SQLite error.
    #[error("review progress database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    /// Sorts SQLite errors into the cases a user can act on.
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match error.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Self::DiskFull,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Busy,
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
                Self::WriteRefused
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => Self::Corrupt,
            _ => Self::Sqlite(error),
        }
    }
}

impl StoreError {
    /// An I/O error on `path`, sorted into [`StoreError::ReadOnly`] when the OS refused a write.
    pub fn io(action: &'static str, source: std::io::Error, path: impl Into<PathBuf>) -> Self {
        use std::io::ErrorKind;
        let path = path.into();
        match source.kind() {
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => Self::ReadOnly { path },
            ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Self::DiskFull,
            _ => Self::Io {
                action,
                source,
                path,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite_error(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    #[test]
    fn sqlite_codes_map_to_actionable_errors() {
        use rusqlite::ffi;
        assert!(matches!(
            sqlite_error(ffi::SQLITE_FULL).into(),
            StoreError::DiskFull
        ));
        assert!(matches!(
            sqlite_error(ffi::SQLITE_BUSY).into(),
            StoreError::Busy
        ));
        assert!(matches!(
            sqlite_error(ffi::SQLITE_READONLY).into(),
            StoreError::WriteRefused
        ));
        assert!(matches!(
            sqlite_error(ffi::SQLITE_NOTADB).into(),
            StoreError::Corrupt
        ));
        assert!(matches!(
            sqlite_error(ffi::SQLITE_MISMATCH).into(),
            StoreError::Sqlite(_)
        ));
    }

    #[test]
    fn io_errors_name_read_only_directories() {
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let error = StoreError::io("creating the data directory", denied, "/ro/virtscope");
        assert!(matches!(error, StoreError::ReadOnly { .. }));
        let message = error.to_string();
        assert!(message.contains("read-only"), "{message}");
        assert!(message.ends_with("\"/ro/virtscope\""), "{message}");
    }
}
