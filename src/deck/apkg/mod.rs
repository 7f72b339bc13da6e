//! Anki packages (`.apkg`), both directions.
//!
//! Shared decks travel as Anki packages, so virtscope reads every layout Anki has written (see
//! [`package`] for the zip side and [`collection`] for the SQLite inside) and writes the legacy
//! one every Anki since 2.1 imports ([`write`]).
//!
//! Importing is two steps, so that nothing already saved changes when a package is bad:
//! [`read_apkg`] reads and checks everything it can without writing (the collection, the media
//! list, which media the cards show), then [`ApkgImport::write_media`] copies the media files
//! next to the deck file, each atomically, and the caller saves the deck. Fields become the
//! deck's Markdown ([`super::html::html_to_markdown`]) with images as `![](DECK.media/NAME)`, a
//! path relative to the deck file. Scheduling comes back as [`AnkiProgress`] for the progress
//! store (FSRS memory states where Anki stored them in the card's `data`).

mod collection;
mod package;
mod write;

#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::path::Path;

pub use package::Version;
use package::{MediaFile, Package};

use super::error::{DeckError, Location, Warning};
use super::markdown::{decode_image_path, image_path, image_sources};
use super::model::{Deck, DeckMeta, Imported, Origin, deck_id_from_name};
use crate::units;

/// How much an import may unpack. A package over a limit is refused as a possible zip bomb.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The collection, uncompressed (100,000 notes take about 40 MiB).
    pub collection_bytes: u64,
    /// One media file.
    pub media_file_bytes: u64,
    /// All media files together.
    pub total_media_bytes: u64,
    /// The `meta` entry and the media list.
    pub small_entry_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        const MIB: u64 = 1024 * 1024;
        Self {
            collection_bytes: 1024 * MIB,
            media_file_bytes: 256 * MIB,
            total_media_bytes: 4096 * MIB,
            small_entry_bytes: 64 * MIB,
        }
    }
}

/// Where an Anki card was in its life, with times made absolute (Unix seconds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AnkiPhase {
    /// Never answered.
    New,
    /// On the (re)learning steps.
    Learning {
        /// After a lapse.
        relearning: bool,
        /// When it is due.
        due_secs: i64,
        /// How many steps are left (Anki's `left % 1000`).
        remaining_steps: u32,
    },
    /// Graduated.
    Review {
        /// Noon of the day it is due.
        due_secs: i64,
        /// Its interval.
        interval_days: u32,
    },
}

/// One card's scheduling as Anki stored it.
#[derive(Clone, Debug, PartialEq)]
pub struct AnkiProgress {
    /// The virtscope card id it belongs to.
    pub card_id: String,
    /// FSRS stability (days) and difficulty, when Anki had computed them.
    pub memory: Option<(f32, f32)>,
    /// The phase.
    pub phase: AnkiPhase,
    /// Answers given.
    pub reps: u32,
    /// Times forgotten.
    pub lapses: u32,
    /// The last answer, when known.
    pub last_review_secs: Option<i64>,
    /// Whether it is suspended.
    pub suspended: bool,
}

/// A package read and checked; its media are not copied yet.
pub struct ApkgImport {
    /// The deck and the warnings of the import.
    pub imported: Imported,
    /// Scheduling of the cards Anki had scheduled.
    pub progress: Vec<AnkiProgress>,
    /// The package's layout.
    pub version: Version,
    /// The folder, beside the deck file, that images refer to (`DECK.media`).
    pub media_folder_name: String,
    media: Vec<MediaFile>,
    package: Package<File>,
    source: String,
    limits: Limits,
}

/// The media folder of a deck file: `deck.toml` keeps its images in `deck.media/`.
pub fn media_folder_name(deck_file: &Path) -> String {
    let stem = deck_file
        .file_stem()
        .map_or_else(|| "deck".into(), |s| s.to_string_lossy());
    format!("{stem}.media")
}

/// Reads the package at `path` for a deck to be saved as `deck_file`; writes nothing.
pub fn read_apkg(path: &Path, deck_file: &Path, limits: Limits) -> Result<ApkgImport, DeckError> {
    let source = path.display().to_string();
    let fail = |problem: String| DeckError::Package {
        at: Location::file(&source),
        problem,
    };
    let mut package = package::open(path, limits).map_err(|err| fail(err.to_string()))?;
    let collection_bytes = package.collection().map_err(|err| fail(err.to_string()))?;
    let media = package.media().map_err(|err| fail(err.to_string()))?;
    let conn = collection::open(collection_bytes).map_err(|err| fail(err.to_string()))?;

    let folder = media_folder_name(deck_file);
    let shown: RefCell<BTreeSet<String>> = RefCell::default();
    let image = |name: &str| {
        shown.borrow_mut().insert(name.to_owned());
        format!("{folder}/{}", image_path(name))
    };
    let mut field_to_text = |html: &str| super::html::html_to_markdown(html, &image);
    let read = collection::read(&conn, &mut field_to_text).map_err(|err| fail(err.to_string()))?;

    let at = Location::file(&source);
    let mut warnings: Vec<Warning> = read
        .notices
        .into_iter()
        .map(|message| Warning {
            at: at.clone(),
            message,
        })
        .collect();
    let listed: HashMap<&str, &MediaFile> = media.iter().map(|f| (f.name.as_str(), f)).collect();
    for name in shown.borrow().iter() {
        match listed.get(name.as_str()) {
            None => warnings.push(Warning {
                at: at.clone(),
                message: format!(
                    "a card shows the image {name:?}, which the package does not contain; \
                     the card shows its name instead"
                ),
            }),
            Some(file) if !package.has_media(file) => warnings.push(Warning {
                at: at.clone(),
                message: format!(
                    "the media file {name:?} (zip entry {:?}) is missing from the package; \
                     the card shows its name instead",
                    file.entry
                ),
            }),
            Some(_) => {}
        }
    }
    let mut cards = read.cards;
    for card in &mut cards {
        for (side, text) in [("front", &mut card.front), ("back", &mut card.back)] {
            if text.trim().is_empty() {
                *text = "(empty in Anki)".to_owned();
                warnings.push(Warning {
                    at: at.clone(),
                    message: format!(
                        "card {:?}: its {side} is empty in Anki; it reads \"(empty in Anki)\"",
                        card.id
                    ),
                });
            }
        }
    }
    let stem = path
        .file_stem()
        .map_or_else(|| "Anki deck".into(), |s| s.to_string_lossy().into_owned());
    let name = read.deck_name.unwrap_or(stem);
    let deck = Deck {
        meta: DeckMeta {
            id: deck_id_from_name(&name),
            name,
            description: String::new(),
            version: String::new(),
            source: format!(
                "Anki package {}",
                path.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
            ),
        },
        cards,
        origin: Origin {
            source: source.clone(),
            card_lines: Vec::new(),
            shows_lines: Vec::new(),
        },
    };
    let version = package.version;
    Ok(ApkgImport {
        imported: Imported { deck, warnings },
        progress: read.progress,
        version,
        media_folder_name: folder,
        media,
        package,
        source,
        limits,
    })
}

impl ApkgImport {
    /// Copies the package's media files into `deck_dir/DECK.media/` (created if missing), each
    /// written atomically; a file the package lists but does not hold is a warning. Returns how
    /// many files were written.
    pub fn write_media(&mut self, deck_dir: &Path) -> Result<usize, DeckError> {
        let folder = deck_dir.join(&self.media_folder_name);
        let at = Location::file(&self.source);
        let mut written = 0;
        let mut total_bytes = 0_u64;
        for file in &self.media {
            if !self.package.has_media(file) {
                continue;
            }
            if written == 0 {
                std::fs::create_dir_all(&folder).map_err(|source| DeckError::Write {
                    path: folder.clone(),
                    source,
                })?;
            }
            let target = folder.join(&file.name);
            let mut failure = None;
            let result = crate::files::write_atomic(&target, |out| {
                match self.package.copy_media(file, out) {
                    Ok(bytes) => {
                        total_bytes = total_bytes.saturating_add(bytes);
                        Ok(())
                    }
                    Err(problem) => {
                        failure = Some(problem);
                        Err(std::io::Error::other("the media file could not be read"))
                    }
                }
            });
            if let Some(problem) = failure {
                return Err(DeckError::Package {
                    at: at.clone(),
                    problem: format!("media file {:?}: {problem}", file.name),
                });
            }
            result.map_err(|source| DeckError::Write {
                path: target.clone(),
                source,
            })?;
            written += 1;
            if total_bytes > self.limits.total_media_bytes {
                return Err(DeckError::Package {
                    at,
                    problem: format!(
                        "its media expand past the {} limit; refusing the rest as a possible \
                         zip bomb",
                        units::bytes(self.limits.total_media_bytes)
                    ),
                });
            }
        }
        Ok(written)
    }
}

/// What [`export_apkg`] wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Notes written (one per card).
    pub notes: usize,
    /// Media files packed.
    pub media: usize,
    /// Images the cards show that could not be packed.
    pub warnings: Vec<String>,
}

/// Writes `deck` as an Anki package at `out`, atomically. Images the cards show are read from
/// `deck_dir` (the deck file's folder; `None` for a deck without one) and packed under their
/// file names (`-2`, `-3` ... when two differ and share a name).
pub fn export_apkg(
    deck: &Deck,
    deck_dir: Option<&Path>,
    out: &Path,
    now_secs: i64,
) -> Result<ExportReport, DeckError> {
    let mut report = ExportReport {
        notes: deck.cards.len(),
        ..ExportReport::default()
    };
    let mut packed: Vec<write::PackedMedia> = Vec::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let sources: BTreeSet<String> = deck
        .cards
        .iter()
        .flat_map(|card| {
            let mut all = image_sources(&card.front);
            all.extend(image_sources(&card.back));
            all.extend(card.note.as_deref().map(image_sources).unwrap_or_default());
            all
        })
        .collect();
    for src in sources {
        let path = decode_image_path(&src);
        let base = Path::new(&path)
            .file_name()
            .map_or_else(|| "image".to_owned(), |n| n.to_string_lossy().into_owned());
        let Some(dir) = deck_dir else {
            report.warnings.push(format!(
                "{path}: the deck has no folder to read images from"
            ));
            names.insert(src, base);
            continue;
        };
        match read_media_file(&dir.join(&path), Limits::default().media_file_bytes) {
            Ok(bytes) => {
                let mut name = base.clone();
                let mut suffix = 2;
                while let Some(other) = packed.iter().find(|m| m.name == name) {
                    if other.bytes == bytes {
                        break;
                    }
                    name = numbered(&base, suffix);
                    suffix += 1;
                }
                if !packed.iter().any(|m| m.name == name) {
                    packed.push(write::PackedMedia {
                        name: name.clone(),
                        bytes,
                    });
                }
                names.insert(src, name);
            }
            Err(problem) => {
                report
                    .warnings
                    .push(format!("{path}: {problem}; the card keeps its name"));
                names.insert(src, base);
            }
        }
    }
    report.media = packed.len();
    let image_src = |src: &str| names.get(src).cloned().unwrap_or_else(|| src.to_owned());
    let bytes = write::package_bytes(deck, &packed, &image_src, now_secs).map_err(|err| {
        DeckError::Package {
            at: Location::file(&out.display().to_string()),
            problem: err.to_string(),
        }
    })?;
    super::io::write_atomic(out, &bytes)?;
    Ok(report)
}

/// `name` with `-N` before its extension: `ring.png` -> `ring-2.png`.
fn numbered(name: &str, n: u32) -> String {
    let path = Path::new(name);
    match (path.file_stem(), path.extension()) {
        (Some(stem), Some(ext)) => {
            format!("{}-{n}.{}", stem.to_string_lossy(), ext.to_string_lossy())
        }
        _ => format!("{name}-{n}"),
    }
}

/// Why a media file a card shows cannot be packed.
#[derive(Debug, thiserror::Error)]
enum MediaFileError {
    /// Larger than a media file may be.
    #[error("it is larger than the {} a media file may have", units::bytes(*.0))]
    TooLarge(u64),
    /// Not a regular file, or unreadable.
    #[error("{0}")]
    Read(crate::files::ReadLimitedError),
}

/// The bytes of the regular file at `path`, at most `limit` of them, or why not.
fn read_media_file(path: &Path, limit: u64) -> Result<Vec<u8>, MediaFileError> {
    crate::files::read_limited(path, limit).map_err(|err| match err {
        crate::files::ReadLimitedError::TooLarge { .. } => MediaFileError::TooLarge(limit),
        other => MediaFileError::Read(other),
    })
}
