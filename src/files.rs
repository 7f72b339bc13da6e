//! Writing files so that a crash, a full disk or a kill never leaves half a file behind.
//!
//! Every file the app writes (decks, exports, screenshots, backups) goes through [`write_atomic`]:
//! a uniquely named temporary file in the target's folder is written, flushed to disk and renamed
//! over the target, then the folder itself is flushed, so the target is either the old file or
//! the new one (the same sequence as Anki's `atomic_rename`).

use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

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
    fn a_missing_folder_is_an_error() {
        assert!(write_atomic(Path::new("/nonexistent-folder/x"), |f| f.write_all(b"x")).is_err());
    }
}
