//! Reading deck files safely and writing them atomically.
//!
//! A deck file comes from the user, so reading it must not take the app down: it is read through
//! [`crate::files::read_limited`] (what is not a regular file is refused unopened, a huge file
//! from its size, and reading stops at the limit), a binary file or bad UTF-8 is named with its
//! byte offset, and a UTF-8 byte-order mark or Windows line endings are simply accepted.
//!
//! Writing goes to a temporary file in the target's folder, which is flushed to disk and then
//! renamed over the target, and the folder is flushed too, so a crash leaves either the old file or
//! the new one, never half of one (the same sequence as Anki's `atomic_rename`).

use std::borrow::Cow;
use std::io::Write as _;
use std::path::Path;

use crate::files::{ReadLimitedError, read_limited};

use super::error::{DeckError, Location};

/// The largest deck file read, in bytes: 32 MiB. The built-in deck is about 40 KiB and a
/// generated 100,000-card deck about 20 MiB, so real decks fit with room to spare, while a
/// mistaken pick (a video, a disk image) is refused at once.
pub const MAX_DECK_BYTES: u64 = 32 * 1024 * 1024;

/// The UTF-8 byte-order mark some Windows editors put at the start of a file.
const UTF8_BOM: &str = "\u{feff}";

/// Reads the file at `path` as deck text: refuses files over [`MAX_DECK_BYTES`] before reading
/// them, then decodes with [`decode`].
pub fn read_deck_file(path: &Path) -> Result<String, DeckError> {
    read_deck_file_limited(path, MAX_DECK_BYTES)
}

/// [`read_deck_file`] with an explicit limit, so tests can exercise it with small files.
fn read_deck_file_limited(path: &Path, limit_bytes: u64) -> Result<String, DeckError> {
    let source = path.display().to_string();
    let bytes = read_limited(path, limit_bytes).map_err(|error| match error {
        ReadLimitedError::Io(source) => DeckError::Read {
            path: path.to_path_buf(),
            source,
        },
        ReadLimitedError::NotAFile(kind) => DeckError::NotAFile {
            at: Location::file(&source),
            kind,
        },
        ReadLimitedError::TooLarge {
            size_bytes,
            limit_bytes,
        } => DeckError::TooLarge {
            at: Location::file(&source),
            bytes: size_bytes,
            limit_bytes,
        },
    })?;
    decode(bytes, &source)
}

/// Turns raw file bytes into deck text: strips a UTF-8 BOM, refuses NUL bytes (binary files) and
/// invalid UTF-8 (naming the byte offset and line), and refuses empty or all-white-space input.
/// Line endings are left alone; the parsers accept `\r\n` through [`normalize_newlines`].
pub fn decode(bytes: Vec<u8>, source: &str) -> Result<String, DeckError> {
    let body = bytes.strip_prefix(UTF8_BOM.as_bytes()).unwrap_or(&bytes);
    if let Some(offset) = body.iter().position(|&b| b == 0) {
        let line = body.iter().take(offset).filter(|&&b| b == b'\n').count() + 1;
        return Err(DeckError::Binary {
            at: Location::line(source, line),
            offset,
        });
    }
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.valid_up_to();
            let valid = String::from_utf8_lossy(body.get(..offset).unwrap_or_default());
            return Err(DeckError::InvalidUtf8 {
                at: Location::at_offset(source, &valid, offset),
                offset,
            });
        }
    };
    if text.trim().is_empty() {
        return Err(DeckError::Empty {
            at: Location::file(source),
        });
    }
    Ok(text.to_owned())
}

/// `text` without a leading BOM and with every `\r\n` turned into `\n`, borrowing when there is
/// nothing to change. Every parser runs its input through this, so text that did not come from
/// [`read_deck_file`] (e.g. an `include_str!` of a file checked out on Windows) parses the same.
pub fn normalize_newlines(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix(UTF8_BOM).unwrap_or(text);
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Writes `contents` to `path` atomically (see [`crate::files::write_atomic`]). On failure the
/// temporary file is removed and `path` is untouched.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), DeckError> {
    crate::files::write_atomic(path, |file| file.write_all(contents)).map_err(|source| {
        DeckError::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn a_100_mib_file_is_refused_from_its_size_without_reading_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("huge.toml");
        let file = fs::File::create(&path).expect("create");
        // A sparse file: 100 MiB long on paper, no data written.
        file.set_len(100 * 1024 * 1024).expect("set_len");
        let error = read_deck_file(&path).expect_err("must refuse");
        assert!(
            matches!(error, DeckError::TooLarge { bytes: Some(bytes), .. } if bytes == 100 * 1024 * 1024)
        );
        let message = error.to_string();
        assert!(message.contains("100 MiB"), "{message}");
        assert!(message.contains("32 MiB"), "{message}");
        assert!(message.contains("huge.toml"), "{message}");
    }

    #[test]
    fn files_at_the_limit_are_read_and_one_byte_more_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("d.txt");
        fs::write(&path, "abcd").expect("write");
        assert_eq!(read_deck_file_limited(&path, 4).expect("fits"), "abcd");
        assert!(matches!(
            read_deck_file_limited(&path, 3),
            Err(DeckError::TooLarge { bytes: Some(4), .. })
        ));
    }

    /// `deck check /dev/zero` said "the file is 32.0 MiB and decks are limited to 32.0 MiB"
    /// after reading 32 MiB of zeros; a FIFO blocked forever.
    #[cfg(unix)]
    #[test]
    fn what_is_not_a_regular_file_is_named_and_not_read() {
        let error = read_deck_file(Path::new("/dev/zero")).expect_err("a device");
        assert_eq!(
            error.to_string(),
            "/dev/zero: this is a character device, not a regular file; give the path of a deck \
             file"
        );
        let grown = DeckError::TooLarge {
            at: Location::file("d.toml"),
            bytes: None,
            limit_bytes: MAX_DECK_BYTES,
        };
        assert!(
            grown
                .to_string()
                .contains("is larger than 32 MiB and decks"),
            "{grown}"
        );
    }

    #[test]
    fn a_missing_file_names_the_path() {
        let error = read_deck_file(Path::new("/nonexistent/dir/x.toml")).expect_err("missing");
        assert!(error.to_string().contains("/nonexistent/dir/x.toml"));
    }

    #[test]
    fn bom_is_stripped_and_crlf_is_normalized() {
        let text = decode(b"\xEF\xBB\xBFname\r\nx".to_vec(), "f").expect("valid");
        assert_eq!(text, "name\r\nx");
        assert_eq!(normalize_newlines(&text), "name\nx");
        assert_eq!(normalize_newlines("\u{feff}a\r\nb\rc"), "a\nb\rc");
        assert!(matches!(
            normalize_newlines("plain"),
            Cow::Borrowed("plain")
        ));
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        let binary = decode(b"PK\x03\x04\n\x00\x01".to_vec(), "deck.apkg").expect_err("binary");
        assert!(matches!(&binary, DeckError::Binary { offset: 5, at } if at.line == Some(2)));
        assert!(binary.to_string().contains("binary"));
        for empty in [&b""[..], b"  \n\t\n", b"\xEF\xBB\xBF"] {
            assert!(matches!(
                decode(empty.to_vec(), "e.toml"),
                Err(DeckError::Empty { .. })
            ));
        }
    }

    #[test]
    fn invalid_utf8_names_offset_line_and_column() {
        // "ok\nab" then 0xFF: the bad byte is at offset 5, line 2, column 3.
        let error = decode(b"ok\nab\xFFc".to_vec(), "bad.txt").expect_err("invalid");
        match &error {
            DeckError::InvalidUtf8 { at, offset } => {
                assert_eq!(*offset, 5);
                assert_eq!((at.line, at.column), (Some(2), Some(3)));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(
            error
                .to_string()
                .starts_with("bad.txt:2:3: invalid UTF-8 at byte offset 5")
        );
    }

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("out.toml");
        fs::write(&path, "old").expect("write");
        write_atomic(&path, b"new contents").expect("atomic write");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new contents");
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .map(|entry| entry.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["out.toml"]);
    }

    #[test]
    fn atomic_write_into_a_missing_folder_fails_cleanly() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("no-such-dir").join("out.toml");
        let error = write_atomic(&path, b"x").expect_err("no folder");
        assert!(matches!(error, DeckError::Write { .. }));
        assert!(!path.exists());
    }
}
