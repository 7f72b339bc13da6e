//! Errors for reading and writing decks.
//!
//! Every error that comes from a file names the file, and the line (and column when known), so a
//! person can open the file and fix it; the CLI prints them as `file:line:column: problem` like a
//! compiler, which editors and terminals turn into links.

use std::fmt;
use std::path::PathBuf;

use crate::units;

/// Where in an input a problem is: the source name (usually a file path) and, when known, the
/// 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The name of the input, usually the file path as the user gave it.
    pub source: String,
    /// 1-based line number, if the problem is on a line.
    pub line: Option<usize>,
    /// 1-based column (in characters), if known.
    pub column: Option<usize>,
}

impl Location {
    /// A location naming the whole input, with no line.
    pub fn file(source: &str) -> Self {
        Self {
            source: source.to_owned(),
            line: None,
            column: None,
        }
    }

    /// A location on a line of the input.
    pub fn line(source: &str, line: usize) -> Self {
        Self {
            source: source.to_owned(),
            line: Some(line),
            column: None,
        }
    }

    /// The location of byte `offset` in `text`: its 1-based line and column (in characters).
    pub fn at_offset(source: &str, text: &str, offset: usize) -> Self {
        let (line, column) = line_and_column(text, offset);
        Self {
            source: source.to_owned(),
            line: Some(line),
            column: Some(column),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// The 1-based line and column (in characters) of byte `offset` in `text`. Offsets past the end
/// or inside a character are clamped to the nearest earlier character boundary.
pub fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Everything that can go wrong when loading, converting or saving a deck.
#[derive(Debug, thiserror::Error)]
pub enum DeckError {
    /// The file could not be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },

    /// The file could not be written (or renamed into place).
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },

    /// The input is larger than [`super::io::MAX_DECK_BYTES`]; it was not read into memory.
    #[error(
        "{at}: the file is {} and decks are limited to {}; refusing to read it",
        bytes.map_or_else(|| format!("larger than {}", units::bytes(*limit_bytes)), units::bytes),
        units::bytes(*limit_bytes)
    )]
    TooLarge {
        /// The file.
        at: Location,
        /// Its size, or `None` when it grew past the limit while being read.
        bytes: Option<u64>,
        /// The limit.
        limit_bytes: u64,
    },

    /// The path names a directory, a FIFO, a device or a socket; it was not opened.
    #[error("{at}: this is {kind}, not a regular file; give the path of a deck file")]
    NotAFile {
        /// The path.
        at: Location,
        /// What it is, e.g. "a named pipe (FIFO)".
        kind: &'static str,
    },

    /// The input has no content (or only white space).
    #[error("{at}: the file is empty; a deck needs at least a name or one card")]
    Empty {
        /// The file.
        at: Location,
    },

    /// The input contains NUL bytes, so it is not a text file.
    #[error(
        "{at}: this looks like a binary file (NUL byte at byte offset {offset}), not a text deck"
    )]
    Binary {
        /// Where the first NUL byte is.
        at: Location,
        /// Its byte offset from the start of the file.
        offset: usize,
    },

    /// The input is not valid UTF-8.
    #[error("{at}: invalid UTF-8 at byte offset {offset}; save the file as UTF-8")]
    InvalidUtf8 {
        /// The line of the first invalid byte.
        at: Location,
        /// Its byte offset from the start of the file (after a BOM, if any).
        offset: usize,
    },

    /// A native deck whose `format` key is missing or not `"virtscope-deck"`.
    #[error("{at}: not a virtscope deck: {problem}")]
    NotADeck {
        /// Where the `format` key is (or the file, if it is missing).
        at: Location,
        /// What is wrong.
        problem: String,
    },

    /// A native deck written for a schema version this build does not know.
    #[error(
        "{at}: deck schema version {found} is not supported; this virtscope reads version {supported}"
    )]
    UnsupportedVersion {
        /// Where the `version` key is.
        at: Location,
        /// The version in the file.
        found: String,
        /// The version this build reads.
        supported: u32,
    },

    /// An Anki package that cannot be imported or written: not a zip, an entry past a size
    /// limit, an unknown version or schema, a corrupt collection.
    #[error("{at}: {problem}")]
    Package {
        /// The package file.
        at: Location,
        /// What is wrong, in one sentence.
        problem: String,
    },

    /// A syntax or schema problem at a place in the input.
    #[error("{at}: {message}")]
    Parse {
        /// Where the problem is.
        at: Location,
        /// What is wrong, in one sentence.
        message: String,
    },
}

impl DeckError {
    /// A [`DeckError::Parse`] at `at`.
    pub fn parse(at: Location, message: impl Into<String>) -> Self {
        Self::Parse {
            at,
            message: message.into(),
        }
    }
}

/// A problem that does not stop an import but that the user should see (e.g. a row with extra
/// columns that were ignored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// Where the problem is.
    pub at: Location,
    /// What happened, in one sentence.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {}", self.at, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_from_one() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_and_column(text, 0), (1, 1));
        assert_eq!(line_and_column(text, 3), (2, 1));
        // 'f' is after "cdé\n": é is two bytes, so 'f' is at offset 8, line 3 column 1.
        assert_eq!(line_and_column(text, 8), (3, 1));
        // Line 2 is "cdé": c at byte 3, d at 4, é at 5..7, '\n' at 7 (column 4).
        assert_eq!(line_and_column(text, 7), (2, 4));
        // Inside a character: clamps back to its start.
        assert_eq!(line_and_column(text, 6), (2, 3));
        assert_eq!(line_and_column(text, 1000), (3, 2));
    }

    #[test]
    fn locations_print_like_compiler_messages() {
        assert_eq!(Location::file("d.toml").to_string(), "d.toml");
        assert_eq!(Location::line("d.toml", 4).to_string(), "d.toml:4");
        assert_eq!(
            Location::at_offset("d.toml", "a\nbc", 3).to_string(),
            "d.toml:2:2"
        );
    }

    #[test]
    fn sizes_are_human() {}
}
