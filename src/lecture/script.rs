//! Lecture scripts: a small text file that lists scene links in teaching order, each with
//! optional speaker notes. Documented in `decks/README.md` ("Lecture scripts").
//!
//! ```text
//! = Virtualization in 50 minutes          (optional title line)
//! # a comment
//! overview?step=0
//!   Speaker notes are the indented lines under their scene.
//!   They may run over several lines, which flow together as one paragraph.
//!
//!   A blank line starts a new paragraph.
//! cpu/trap-emulate?program=popf
//! ```
//!
//! Every link is checked against the registered tabs when the script is loaded, so a typo is
//! reported with its line before the lecture starts, not in front of the class.

use std::path::Path;

use crate::files::{ReadLimitedError, read_limited};
use crate::scene::SceneLink;
use crate::tabs::{self, LinkStatus};

/// One scene of a lecture.
#[derive(Clone, Debug, PartialEq)]
pub struct Slide {
    /// The scene to show.
    pub link: SceneLink,
    /// Speaker notes (may be empty): the script's lines, a blank line between paragraphs.
    pub notes: String,
    /// The line of the link in the script (1-based), for messages.
    pub line: usize,
}

/// A parsed lecture.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Lecture {
    /// The title, from an `= Title` line, or the file name.
    pub title: String,
    /// The scenes in order.
    pub slides: Vec<Slide>,
}

/// Why a lecture script cannot be used; names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum LectureError {
    /// The file could not be read.
    #[error("cannot read lecture {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A line is wrong.
    #[error("{path}:{line}: {message}")]
    Line {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The path is not a regular file, or the file is too large; it was not read.
    #[error("{path}: {message}")]
    Refused {
        /// The file.
        path: String,
        /// Why, in words.
        message: String,
    },
    /// The script has no scenes.
    #[error("{0}: the lecture lists no scenes")]
    Empty(String),
}

/// The largest lecture file read, in bytes.
const MAX_LECTURE_BYTES: u64 = 1024 * 1024;

/// Reads and checks a lecture script file.
pub fn load(path: &Path) -> Result<Lecture, LectureError> {
    let name = path.display().to_string();
    let read_error = |source| LectureError::Read {
        path: name.clone(),
        source,
    };
    let refused = |message: String| LectureError::Refused {
        path: name.clone(),
        message,
    };
    let bytes = read_limited(path, MAX_LECTURE_BYTES).map_err(|error| match error {
        ReadLimitedError::Io(source) => read_error(source),
        ReadLimitedError::NotAFile(kind) => refused(format!(
            "this is {kind}, not a regular file; give the path of a lecture script"
        )),
        ReadLimitedError::TooLarge {
            size_bytes: Some(size),
            ..
        } => refused(format!(
            "the file is {size} bytes; lecture scripts are limited to 1 MiB"
        )),
        ReadLimitedError::TooLarge { .. } => {
            refused("the file is larger than the 1 MiB lecture scripts are limited to".to_owned())
        }
    })?;
    let text = String::from_utf8(bytes).map_err(|err| LectureError::Line {
        path: name.clone(),
        line: 1,
        message: format!("not UTF-8 text (byte {})", err.utf8_error().valid_up_to()),
    })?;
    let default_title = path
        .file_stem()
        .map_or_else(|| name.clone(), |stem| stem.to_string_lossy().into_owned());
    parse(&text, &name, &default_title)
}

/// Parses a lecture script; `source` names it in errors.
pub fn parse(text: &str, source: &str, default_title: &str) -> Result<Lecture, LectureError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lecture = Lecture {
        title: default_title.to_owned(),
        slides: Vec::new(),
    };
    let mut checker = tabs::LinkChecker::default();
    let mut blank_before = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let error = |message: String| LectureError::Line {
            path: source.to_owned(),
            line,
            message,
        };
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            blank_before = true;
            continue;
        }
        if raw.trim_start().starts_with('#') {
            continue;
        }
        let paragraph_break = std::mem::take(&mut blank_before);
        if raw.starts_with(' ') || raw.starts_with('\t') {
            let Some(slide) = lecture.slides.last_mut() else {
                return Err(error("speaker notes come before any scene".to_owned()));
            };
            if !slide.notes.is_empty() {
                slide
                    .notes
                    .push_str(if paragraph_break { "\n\n" } else { "\n" });
            }
            slide.notes.push_str(raw.trim());
            continue;
        }
        if let Some(title) = raw.strip_prefix('=') {
            lecture.title = title.trim().to_owned();
            continue;
        }
        let link = SceneLink::parse(raw).map_err(|err| error(err.to_string()))?;
        match checker.check(raw) {
            LinkStatus::Valid => {}
            LinkStatus::Invalid { message } => return Err(error(message)),
        }
        lecture.slides.push(Slide {
            link,
            notes: String::new(),
            line,
        });
    }
    if lecture.slides.is_empty() {
        return Err(LectureError::Empty(source.to_owned()));
    }
    Ok(lecture)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenes_notes_titles_and_comments() {
        let text = "= Intro\n# skip me\noverview?step=0\n  First note.\n\tSecond line.\n\n  New paragraph.\n\noverview?select=type1\n";
        let lecture = parse(text, "intro.txt", "intro").unwrap();
        assert_eq!(lecture.title, "Intro");
        assert_eq!(lecture.slides.len(), 2);
        assert_eq!(
            lecture.slides[0].notes,
            "First note.\nSecond line.\n\nNew paragraph."
        );
        assert_eq!(lecture.slides[1].line, 9);
        assert!(lecture.slides[1].notes.is_empty());
    }

    #[test]
    fn bad_lines_name_the_file_and_line() {
        let err = parse("overview\nnosuchtab?x=1\n", "l.txt", "l")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("l.txt:2: unknown tab \"nosuchtab\""),
            "{err}"
        );
        let err = parse("  a note first\n", "l.txt", "l")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("l.txt:1: speaker notes come before any scene"),
            "{err}"
        );
        let err = parse("overview?step=99\n", "l.txt", "l")
            .unwrap_err()
            .to_string();
        assert!(err.contains("l.txt:1:") && err.contains("\"99\""), "{err}");
        assert!(matches!(
            parse("# nothing\n", "l.txt", "l"),
            Err(LectureError::Empty(_))
        ));
    }

    #[test]
    fn a_missing_file_is_a_read_error() {
        let err = load(Path::new("/nonexistent/lecture.txt"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cannot read lecture /nonexistent/lecture.txt"),
            "{err}"
        );
    }

    /// `--lecture /dev/zero` grew to 4 GB in 9 s: the limit was checked on the metadata (0 bytes
    /// for a device), then the whole "file" was read.
    #[cfg(unix)]
    #[test]
    fn a_device_or_a_huge_file_is_refused_without_reading_it() {
        let err = load(Path::new("/dev/zero")).unwrap_err().to_string();
        assert_eq!(
            err,
            "/dev/zero: this is a character device, not a regular file; give the path of a \
             lecture script"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.txt");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_LECTURE_BYTES + 1).unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(
            err.ends_with(
                "huge.txt: the file is 1048577 bytes; lecture scripts are limited to 1 MiB"
            ),
            "{err}"
        );
    }

    #[test]
    fn the_shipped_lecture_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("decks/lecture.txt");
        let lecture = load(&path).unwrap_or_else(|err| panic!("{err}"));
        assert!(lecture.slides.len() >= 10);
        assert!(
            lecture.slides.iter().all(|slide| !slide.notes.is_empty()),
            "every scene has notes"
        );
    }
}
