//! Decks: the native format, importers and exporters, and validation.
//!
//! The app ships the user's own deck (`decks/virtualization.toml`) and lets people bring theirs
//! in the formats they already use, so this module reads three formats into one [`Deck`] and
//! writes two:
//! - [`native`]: versioned TOML, documented in `decks/README.md`; read and written.
//! - [`anki`]: Anki's text export/import format; read and written, lossless for id, front,
//!   back and tags.
//! - [`seed`]: plain "question line, answer lines" text, as the user's deck was written; read.
//!
//! Loading is two steps: parse (syntax and schema, stops at the first error, with file, line and
//! column) then [`check::check`] (every content problem at once, scene links through the app's
//! validator). A caller that loads a deck into the app should refuse it when the parse fails or
//! the report has errors, and leave the current deck untouched.

pub mod anki;
pub mod apkg;
pub mod check;
pub mod csv;
pub mod edit;
pub mod error;
pub mod html;
pub mod io;
pub mod markdown;
pub mod model;
pub mod native;
pub mod seed;
pub mod shows;
mod toml_subset;
pub mod user;

#[cfg(test)]
mod builtin_tests;

use std::path::Path;

pub use check::{CheckReport, LinkStatus, check};
pub use error::{DeckError, Location, Warning};
pub use model::{Card, Deck, DeckMeta, Imported, Origin};
pub use native::{parse_native, write_native};
pub use shows::check_with_scenes;

/// Where the built-in deck lives in the repository (used as its source name in messages).
pub const BUILTIN_SOURCE: &str = "decks/virtualization.toml";

/// The built-in deck, embedded in the binary so the app works with no files around it.
const BUILTIN_TOML: &str = include_str!("../../decks/virtualization.toml");

/// Parses the built-in deck.
pub fn builtin() -> Result<Deck, DeckError> {
    parse_native(BUILTIN_TOML, BUILTIN_SOURCE)
}

/// Checks a deck's content and scene links against the app's registered tabs.
pub fn check_with_tabs(deck: &Deck) -> CheckReport {
    let mut checker = crate::tabs::LinkChecker::default();
    check(deck, |link| checker.check(link))
}

/// Whether `path` names an Anki package: an `.apkg` file, or a file that starts like a zip.
pub fn is_apkg(path: &Path) -> bool {
    let by_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("apkg"));
    by_name || {
        let mut magic = [0_u8; 4];
        std::fs::metadata(path).is_ok_and(|m| m.is_file())
            && std::fs::File::open(path)
                .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut magic))
                .is_ok()
            && magic == *b"PK\x03\x04"
    }
}

/// Reads an Anki package for a deck to be saved as `deck_file` ([`apkg::read_apkg`]), then
/// checks its scene links through the app's tabs: a link that does not open moves into the
/// card's note, with a warning, so the deck loads.
pub fn read_apkg(path: &Path, deck_file: &Path) -> Result<apkg::ApkgImport, DeckError> {
    let mut import = apkg::read_apkg(path, deck_file, apkg::Limits::default())?;
    let mut checker = crate::tabs::LinkChecker::default();
    // Each distinct link is opened once: a package repeats a few links over many notes, and
    // opening a link runs its scene's model.
    let mut checked: std::collections::HashMap<String, LinkStatus> =
        std::collections::HashMap::new();
    let at = Location::file(&path.display().to_string());
    for card in &mut import.imported.deck.cards {
        let Some(link) = card.scene.clone() else {
            continue;
        };
        let status = checked
            .entry(link.clone())
            .or_insert_with(|| checker.check(&link))
            .clone();
        if let LinkStatus::Invalid { message } = status {
            card.scene = None;
            let remark =
                format!("Anki gave the scene link {link:?}, which does not open: {message}");
            card.note = Some(match card.note.take() {
                Some(note) => format!("{note}\n\n{remark}"),
                None => remark,
            });
            import.imported.warnings.push(Warning {
                at: at.clone(),
                message: format!("card {:?}: scene link {link:?} does not open ({message}); it is kept in the card's note", card.id),
            });
        }
    }
    Ok(import)
}

/// A format decks can be read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// virtscope's TOML deck format.
    Native,
    /// Anki's text format.
    Anki,
    /// Plain question and answer lines.
    Seed,
}

impl Format {
    /// Every format, in the order shown to users.
    pub const ALL: &[Self] = &[Self::Native, Self::Anki, Self::Seed];

    /// The name used on the command line (`--format anki`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::Anki => "anki",
            Self::Seed => "seed",
        }
    }

    /// The format with this [`Self::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.slug() == slug)
    }

    /// A human name for menus and messages.
    pub fn title(self) -> &'static str {
        match self {
            Self::Native => "virtscope deck (TOML)",
            Self::Anki => "Anki text (notes in plain text)",
            Self::Seed => "Plain questions and answers",
        }
    }

    /// Guesses the format of `text` read from `source_name`:
    /// - a `.toml` file, or text with a `format = "virtscope-deck"` line, is native;
    /// - a `.csv` or `.tsv` file, or text whose first line is an Anki header (`#...` or
    ///   `tags:...`), or with a tab in its first 20 lines, is Anki;
    /// - anything else is the plain question/answer format.
    pub fn detect(source_name: &str, text: &str) -> Self {
        let extension = Path::new(source_name)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("toml") => return Self::Native,
            Some("csv" | "tsv") => return Self::Anki,
            _ => {}
        }
        let text = io::normalize_newlines(text);
        let is_native = text.lines().any(|line| {
            let line = line.trim();
            line.strip_prefix("format")
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix('='))
                .is_some_and(|value| value.trim() == format!("\"{}\"", native::FORMAT_NAME))
        });
        if is_native {
            return Self::Native;
        }
        let first = text.lines().next().unwrap_or_default();
        let anki_header = first.starts_with('#') || first.starts_with("tags:");
        if anki_header || text.lines().take(20).any(|line| line.contains('\t')) {
            Self::Anki
        } else {
            Self::Seed
        }
    }
}

/// A format decks can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// virtscope's TOML deck format (everything is kept).
    Native,
    /// Anki's text format (id, front, back and tags are kept).
    Anki,
}

impl ExportFormat {
    /// Every export format.
    pub const ALL: &[Self] = &[Self::Native, Self::Anki];

    /// The name used on the command line (`--format anki`).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::Anki => "anki",
        }
    }

    /// The format with this [`Self::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.slug() == slug)
    }

    /// A human name for menus and messages.
    pub fn title(self) -> &'static str {
        match self {
            Self::Native => "virtscope deck (TOML)",
            Self::Anki => "Anki text (notes in plain text)",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Native => "toml",
            Self::Anki => "txt",
        }
    }
}

/// Parses `text` in `format`. Native decks never have warnings.
pub fn import_text(text: &str, source_name: &str, format: Format) -> Result<Imported, DeckError> {
    match format {
        Format::Native => Ok(Imported {
            deck: parse_native(text, source_name)?,
            warnings: Vec::new(),
        }),
        Format::Anki => anki::parse_anki(text, source_name),
        Format::Seed => Ok(Imported {
            deck: seed::parse_seed(text, source_name)?,
            warnings: Vec::new(),
        }),
    }
}

/// Reads a deck file: size limit, encoding checks, format detection ([`Format::detect`]) or the
/// given `format`, then parsing. The result still needs [`check()`] before it is used.
pub fn load_file(path: &Path, format: Option<Format>) -> Result<Imported, DeckError> {
    let text = io::read_deck_file(path)?;
    let source_name = path.display().to_string();
    let format = format.unwrap_or_else(|| Format::detect(&source_name, &text));
    import_text(&text, &source_name, format)
}

/// `deck` as text in `format`.
pub fn export_text(deck: &Deck, format: ExportFormat) -> String {
    match format {
        ExportFormat::Native => write_native(deck),
        ExportFormat::Anki => anki::write_anki(deck),
    }
}

/// Writes `deck` to `path` in `format`, atomically (see [`io::write_atomic`]).
pub fn save_file(deck: &Deck, path: &Path, format: ExportFormat) -> Result<(), DeckError> {
    io::write_atomic(path, export_text(deck, format).as_bytes())
}

/// The user's seed deck, read from `../shared/seeds/` beside the project (present in CI and in
/// the developers' workspace). `None`, with a note on stderr, on a clone without it: the tests
/// that compare against the seed then have nothing to compare with.
#[cfg(test)]
fn user_seed() -> Option<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seeds/virtualization-flashcards.txt"
    );
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(err) => {
            eprintln!("skipped: the seed deck {path} is not readable here ({err})");
            None
        }
    }
}

/// Property-test settings: `default_cases` cases per property, or `PROPTEST_CASES` when set,
/// so the normal test run stays fast and a long fuzzing run is one environment variable away.
#[cfg(test)]
fn proptest_config(default_cases: u32) -> proptest::prelude::ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    proptest::prelude::ProptestConfig::with_cases(cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_deck_loads_and_every_link_is_valid() {
        let deck = builtin().expect("the embedded deck parses");
        assert!(deck.cards.len() >= 81);
        let report = check_with_tabs(&deck);
        assert!(report.is_ok(), "{report}");
        assert_eq!(
            report.links,
            deck.cards.len(),
            "every card links to a scene"
        );
        assert_eq!(report.links_valid, report.links, "{report}");
    }

    #[test]
    fn format_slugs_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_slug(format.slug()), Some(*format));
            assert!(!format.title().is_empty());
        }
        for format in ExportFormat::ALL {
            assert_eq!(ExportFormat::from_slug(format.slug()), Some(*format));
        }
        assert_eq!(Format::from_slug("apkg"), None);
    }

    #[test]
    fn formats_are_detected_from_name_and_content() {
        assert_eq!(Format::detect("d.toml", "anything"), Format::Native);
        assert_eq!(
            Format::detect("d.txt", "# comment\nformat = \"virtscope-deck\"\n"),
            Format::Native
        );
        assert_eq!(Format::detect("d.csv", "q,a"), Format::Anki);
        assert_eq!(
            Format::detect("d.txt", "#separator:tab\nq\ta"),
            Format::Anki
        );
        assert_eq!(Format::detect("d.txt", "q\ta\n"), Format::Anki);
        assert_eq!(
            Format::detect("d.txt", "Title\nWhat?\nThat.\n"),
            Format::Seed
        );
    }

    #[test]
    fn load_and_save_through_files_with_every_format() {
        let dir = tempfile::tempdir().expect("temp dir");
        let seed = dir.path().join("cards.txt");
        std::fs::write(&seed, "My cards\r\nWhat is a VM?\r\nA virtual machine\r\n").expect("write");
        let imported = load_file(&seed, None).expect("seed loads");
        assert_eq!(imported.deck.cards.len(), 1);
        assert_eq!(imported.deck.cards[0].back, "A virtual machine");

        let native = dir.path().join("out.toml");
        save_file(&imported.deck, &native, ExportFormat::Native).expect("save native");
        let anki = dir.path().join("out.txt");
        save_file(&imported.deck, &anki, ExportFormat::Anki).expect("save anki");
        for path in [&native, &anki] {
            let again = load_file(path, None).expect("reload").deck;
            assert_eq!(again.cards, imported.deck.cards, "{}", path.display());
        }
    }

    #[test]
    fn binary_files_are_refused_whatever_their_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("deck.toml");
        std::fs::write(&path, [0x89, b'P', b'N', b'G', 0, 0, 1]).expect("write");
        assert!(matches!(
            load_file(&path, None),
            Err(DeckError::Binary { offset: 4, .. })
        ));
    }
}
