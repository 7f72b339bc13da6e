//! Writing files so that a crash, a full disk or a kill never leaves half a file behind, and
//! reading the user's files so that no file can hang or exhaust the app.
//!
//! Every file the app writes (decks, exports, screenshots, backups) goes through [`write_atomic`]:
//! a uniquely named temporary file in the target's folder is written, flushed to disk and renamed
//! over the target, then the folder itself is flushed, so the target is either the old file or
//! the new one (the same sequence as Anki's `atomic_rename`).
//!
//! Every file the user names (decks, lecture scripts) is read through [`read_limited`]: what is
//! not a regular file is refused before it is opened (opening a FIFO blocks until someone writes
//! to it; `/dev/zero` never ends), a file over the limit is refused from its size, and reading
//! stops one byte past the limit in case the file grows while it is read.

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Why [`read_limited`] gave no bytes.
#[derive(Debug, thiserror::Error)]
pub enum ReadLimitedError {
    /// The file could not be found, opened or read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The path names something other than a regular file (its kind, e.g. "a directory").
    #[error("this is {0}, not a regular file")]
    NotAFile(&'static str),
    /// The file is longer than the limit: its size when the file system gave one, `None` when
    /// it grew past the limit while being read.
    #[error("the file is larger than the limit of {limit_bytes} bytes")]
    TooLarge {
        /// The file's size, if known.
        size_bytes: Option<u64>,
        /// The limit.
        limit_bytes: u64,
    },
}

/// The bytes of the regular file at `path`, at most `limit_bytes` of them: anything else (a
/// directory, a FIFO, a device) is refused without opening it, and a larger file without reading
/// it.
pub fn read_limited(path: &Path, limit_bytes: u64) -> Result<Vec<u8>, ReadLimitedError> {
    let check = |meta: &fs::Metadata| -> Result<(), ReadLimitedError> {
        if !meta.is_file() {
            return Err(ReadLimitedError::NotAFile(kind_of(&meta.file_type())));
        }
        if meta.len() > limit_bytes {
            return Err(ReadLimitedError::TooLarge {
                size_bytes: Some(meta.len()),
                limit_bytes,
            });
        }
        Ok(())
    };
    check(&fs::metadata(path)?)?;
    let file = File::open(path)?;
    // Again on what was opened, in case the path was replaced in between.
    check(&file.metadata()?)?;
    let mut bytes = Vec::new();
    // One byte past the limit: enough to know the file grew past it.
    file.take(limit_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if u64::try_from(bytes.len()).map_or(true, |read| read > limit_bytes) {
        return Err(ReadLimitedError::TooLarge {
            size_bytes: None,
            limit_bytes,
        });
    }
    Ok(bytes)
}

/// What a file type that is not a regular file is, in words ("a directory", "a named pipe
/// (FIFO)"), for messages that refuse it.
pub fn kind_of(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Writes `path` atomically with what `write` puts into the temporary file, and flushes it to
/// disk before the rename. On failure the temporary file is removed and `path` is untouched.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write_atomic_with(path, true, write)
}

/// Like [`write_atomic`], without flushing to disk: still all-or-nothing for readers and after a
/// crash of the program, but a power cut may lose the newest files. For batches of regenerable
/// files (a folder of exports), where one flush per file would dominate the time.
pub fn write_atomic_fast(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write_atomic_with(path, false, write)
}

fn write_atomic_with(
    path: &Path,
    durable: bool,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (temp_path, temp) = create_temp_beside(path, &dir)?;
    let result = (|| {
        let mut writer = BufWriter::new(temp);
        write(&mut writer)?;
        writer.flush()?;
        let file = writer.into_inner().map_err(|err| err.into_error())?;
        if durable {
            file.sync_all()?;
        }
        fs::rename(&temp_path, path)
    })();
    if let Err(error) = result {
        // The temporary file is garbage whether or not removing it works; the write error is
        // the one worth reporting.
        fs::remove_file(&temp_path).ok();
        return Err(error);
    }
    if durable { sync_dir(&dir) } else { Ok(()) }
}

/// Creates a new, uniquely named temporary file in `dir` for replacing `path`.
fn create_temp_beside(path: &Path, dir: &Path) -> std::io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let stem = path
        .file_name()
        .map_or_else(|| "file".into(), |name| name.to_string_lossy());
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp_path = dir.join(format!(".{stem}.{}.{n}.tmp", std::process::id()));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp_path)
        {
            Ok(file) => return Ok((temp_path, file)),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(error) => return Err(error),
        }
    }
}

/// Flushes a folder's entries to disk so a rename in it survives a crash. Only Unix can open a
/// folder for this; elsewhere the rename is as durable as the OS makes it.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    if cfg!(unix) {
        File::open(dir)?.sync_all()
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, |f| f.write_all(b"first")).unwrap();
        let failed = write_atomic(&path, |f| {
            f.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "first");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.txt")]);
    }

    #[test]
    fn read_limited_reads_up_to_the_limit_and_refuses_one_byte_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.txt");
        fs::write(&path, "abcd").unwrap();
        assert_eq!(read_limited(&path, 4).unwrap(), b"abcd");
        assert!(matches!(
            read_limited(&path, 3),
            Err(ReadLimitedError::TooLarge {
                size_bytes: Some(4),
                limit_bytes: 3
            })
        ));
        assert!(matches!(
            read_limited(&dir.path().join("missing"), 4),
            Err(ReadLimitedError::Io(error)) if error.kind() == std::io::ErrorKind::NotFound
        ));
    }

    /// Before, `/dev/zero` was read up to the limit (or, for lectures, to exhaustion), a FIFO
    /// blocked forever and a directory gave "Is a directory (os error 21)".
    #[cfg(unix)]
    #[test]
    fn read_limited_refuses_what_is_not_a_regular_file_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        for (path, kind) in [
            (fifo, "a named pipe (FIFO)"),
            (PathBuf::from("/dev/zero"), "a character device"),
            (dir.path().to_owned(), "a directory"),
        ] {
            // On a thread, so a read that blocks fails the test instead of hanging it.
            let (sender, receiver) = std::sync::mpsc::channel();
            let reading = path.clone();
            std::thread::spawn(move || sender.send(read_limited(&reading, 1 << 30).err()));
            let error = receiver
                .recv_timeout(std::time::Duration::from_secs(5))
                .unwrap_or_else(|_| panic!("{path:?}: still reading after 5 s"));
            assert!(
                matches!(&error, Some(ReadLimitedError::NotAFile(found)) if *found == kind),
                "{path:?}: {error:?}"
            );
        }
    }

    #[test]
    fn a_missing_folder_is_an_error() {
        assert!(write_atomic(Path::new("/nonexistent-folder/x"), |f| f.write_all(b"x")).is_err());
    }
}
