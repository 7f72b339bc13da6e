//! The zip side of an Anki package: which collection file it holds, its media map, and reading
//! entries without trusting the sizes they declare.
//!
//! The layout follows Anki's own reader (`rslib/src/import_export/package/meta.rs` and
//! `media.rs`): a `meta` entry (protobuf `PackageMetadata`) names the version; without one,
//! `collection.anki21` means "legacy 2" and otherwise `collection.anki2` "legacy 1". The latest
//! version zstd-compresses the collection (`collection.anki21b`), the media map (protobuf
//! `MediaEntries`, entry `i` stored as zip entry `"i"`) and every media file; the legacy ones store
//! them as they are, with a JSON map `{"0": "name.png", ...}`.
//!
//! Every read is bounded twice: an entry whose declared size is over the limit is refused before
//! it is read, and every read (zip inflation and zstd decoding) stops one byte past the limit, so
//! a zip bomb that lies about its size is refused too, having cost at most the limit in memory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek};
use std::path::Path;

use prost::Message as _;
use zip::ZipArchive;
use zip::result::ZipError;

use super::Limits;
use crate::units;

/// `PackageMetadata` from Anki's `proto/anki/import_export.proto`, declared by hand: one enum.
#[derive(Clone, PartialEq, prost::Message)]
struct PackageMetadata {
    /// `Version`: 0 unknown, 1 legacy 1, 2 legacy 2, 3 latest.
    #[prost(int32, tag = "1")]
    version: i32,
}

/// `MediaEntries` from Anki's `proto/anki/import_export.proto`.
#[derive(Clone, PartialEq, prost::Message)]
struct MediaEntries {
    /// Entry `i` is stored in the zip as `"i"`, unless `legacy_zip_filename` says otherwise.
    #[prost(message, repeated, tag = "1")]
    entries: Vec<MediaEntry>,
}

/// One media file of the latest package version.
#[derive(Clone, PartialEq, prost::Message)]
struct MediaEntry {
    /// The file's name in the collection's media folder.
    #[prost(string, tag = "1")]
    name: String,
    /// Its size in bytes, uncompressed.
    #[prost(uint32, tag = "2")]
    size: u32,
    /// Its SHA-1.
    #[prost(bytes = "vec", tag = "3")]
    sha1: Vec<u8>,
    /// The zip entry's name when it is not the entry's index (legacy maps with gaps).
    #[prost(uint32, optional, tag = "255")]
    legacy_zip_filename: Option<u32>,
}

/// The package versions Anki has written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// Anki 2.0: `collection.anki2`, schema 11, JSON media map.
    Legacy1,
    /// Anki 2.1 before 2.1.50, or "support older Anki versions": `collection.anki21`.
    Legacy2,
    /// Anki 2.1.50 and later: zstd-compressed `collection.anki21b` at schema 18.
    Latest,
}

impl Version {
    /// The zip entry holding the collection.
    pub fn collection_entry(self) -> &'static str {
        match self {
            Self::Legacy1 => "collection.anki2",
            Self::Legacy2 => "collection.anki21",
            Self::Latest => "collection.anki21b",
        }
    }

    fn zstd(self) -> bool {
        self == Self::Latest
    }
}

/// One media file a package lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaFile {
    /// Its name in the collection (what fields refer to).
    pub name: String,
    /// The zip entry that holds it.
    pub entry: String,
}

/// An open package.
pub struct Package<R> {
    archive: ZipArchive<R>,
    /// Which version it is.
    pub version: Version,
    limits: Limits,
}

/// Opens the package file at `path`. Something other than a regular file is refused before it is
/// opened (a FIFO would block, a device never end).
pub fn open(path: &Path, limits: Limits) -> Result<Package<File>, PackageError> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        let kind = crate::files::kind_of(&metadata.file_type());
        return Err(PackageError::NotAFile(kind));
    }
    Package::new(File::open(path)?, limits)
}

/// Why a package cannot be read; worded to follow the package's file name.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// The operating system refused to read the file (or to write a media file's bytes).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A folder, FIFO or device where a package belongs.
    #[error("this is {0}, not a regular file")]
    NotAFile(&'static str),
    /// Not a zip archive at all.
    #[error("not an Anki package: the file is not a readable zip archive ({0})")]
    NotAZip(ZipError),
    /// A zip archive this reader cannot read.
    #[error("the zip archive cannot be read ({0})")]
    Zip(ZipError),
    /// The `meta` entry is not a `PackageMetadata` message.
    #[error("its `meta` entry is corrupt ({0})")]
    CorruptMeta(prost::DecodeError),
    /// A package version newer than Anki's current one.
    #[error(
        "package version {0} is not supported; virtscope reads versions 1 to 3 \
         (collection.anki2, collection.anki21, collection.anki21b): was it written by \
         a newer Anki?"
    )]
    UnknownVersion(i32),
    /// No collection entry of any version.
    #[error(
        "not an Anki package: it holds no collection (collection.anki21b, \
         collection.anki21 or collection.anki2)"
    )]
    NoCollection,
    /// The `meta` entry names a version whose collection entry is missing.
    #[error("the package says it is {version:?} but holds no {name}")]
    MissingCollection {
        /// The version `meta` names.
        version: Version,
        /// The entry that version keeps its collection in.
        name: &'static str,
    },
    /// The media list is not a `MediaEntries` message.
    #[error("its media list is corrupt ({0})")]
    CorruptMediaList(prost::DecodeError),
    /// The legacy media list is not a JSON object of names.
    #[error("its media list is not valid JSON ({0})")]
    MediaListJson(serde_json::Error),
    /// A media name with folders, `..` or NUL.
    #[error("its media list names {0:?}, which is not a plain file name")]
    UnsafeMediaName(String),
    /// An entry declares more bytes than its limit.
    #[error(
        "entry {name:?} expands to {} (more than the {} limit); refusing it as a possible zip bomb",
        units::bytes(*size),
        units::bytes(*limit)
    )]
    EntryTooLarge {
        /// The entry.
        name: String,
        /// What it declares.
        size: u64,
        /// Its limit.
        limit: u64,
    },
    /// An entry expands past its limit, whatever it declares.
    #[error(
        "entry {name:?} expands past the {} limit; refusing it as a possible zip bomb",
        units::bytes(*limit)
    )]
    EntryPastLimit {
        /// The entry.
        name: String,
        /// Its limit.
        limit: u64,
    },
    /// An entry the zip directory does not give.
    #[error("entry {name:?} cannot be read ({error})")]
    EntryUnreadable {
        /// The entry.
        name: String,
        /// What the zip reader said.
        error: ZipError,
    },
    /// An entry whose bytes do not decompress.
    #[error("entry {name:?} is corrupt ({error})")]
    CorruptEntry {
        /// The entry.
        name: String,
        /// What the decompressor said.
        error: std::io::Error,
    },
}

impl<R: Read + Seek> Package<R> {
    /// Reads the zip's directory and the package version.
    pub fn new(reader: R, limits: Limits) -> Result<Self, PackageError> {
        let archive = ZipArchive::new(reader).map_err(|err| match err {
            ZipError::InvalidArchive(_) | ZipError::Io(_) => PackageError::NotAZip(err),
            other => PackageError::Zip(other),
        })?;
        let mut package = Self {
            archive,
            version: Version::Legacy1,
            limits,
        };
        package.version = package.read_version()?;
        Ok(package)
    }

    fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    fn read_version(&mut self) -> Result<Version, PackageError> {
        if self.has("meta") {
            let bytes = self.read_entry("meta", self.limits.small_entry_bytes, false)?;
            let meta =
                PackageMetadata::decode(bytes.as_slice()).map_err(PackageError::CorruptMeta)?;
            return match meta.version {
                1 => Ok(Version::Legacy1),
                2 => Ok(Version::Legacy2),
                3 => Ok(Version::Latest),
                other => Err(PackageError::UnknownVersion(other)),
            };
        }
        if self.has("collection.anki21") {
            Ok(Version::Legacy2)
        } else if self.has("collection.anki2") {
            Ok(Version::Legacy1)
        } else {
            Err(PackageError::NoCollection)
        }
    }

    /// The collection's SQLite bytes, decompressed.
    pub fn collection(&mut self) -> Result<Vec<u8>, PackageError> {
        let name = self.version.collection_entry();
        if !self.has(name) {
            return Err(PackageError::MissingCollection {
                version: self.version,
                name,
            });
        }
        self.read_entry(name, self.limits.collection_bytes, self.version.zstd())
    }

    /// The media files the package lists, in its order. Unsafe names (folders, `..`) are
    /// refused, as Anki refuses them.
    pub fn media(&mut self) -> Result<Vec<MediaFile>, PackageError> {
        if !self.has("media") {
            // Old AnkiDroid packages have no media map (Anki treats it as empty too).
            return Ok(Vec::new());
        }
        let bytes = self.read_entry("media", self.limits.small_entry_bytes, self.version.zstd())?;
        let files: Vec<MediaFile> = if self.version == Version::Latest {
            let entries =
                MediaEntries::decode(bytes.as_slice()).map_err(PackageError::CorruptMediaList)?;
            entries
                .entries
                .into_iter()
                .enumerate()
                .map(|(index, entry)| MediaFile {
                    entry: entry
                        .legacy_zip_filename
                        .map_or_else(|| index.to_string(), |n| n.to_string()),
                    name: entry.name,
                })
                .collect()
        } else {
            let map: BTreeMap<String, String> =
                serde_json::from_slice(&bytes).map_err(PackageError::MediaListJson)?;
            let mut files: Vec<MediaFile> = map
                .into_iter()
                .map(|(entry, name)| MediaFile { name, entry })
                .collect();
            files.sort_by_key(|file| file.entry.parse::<u64>().unwrap_or(u64::MAX));
            files
        };
        for file in &files {
            if !is_safe_file_name(&file.name) {
                return Err(PackageError::UnsafeMediaName(file.name.clone()));
            }
        }
        Ok(files)
    }

    /// Whether the zip holds `file`'s entry.
    pub fn has_media(&self, file: &MediaFile) -> bool {
        self.has(&file.entry)
    }

    /// Copies a media file's bytes (decompressed) into `out`, at most the media limit.
    pub fn copy_media(
        &mut self,
        file: &MediaFile,
        out: &mut impl std::io::Write,
    ) -> Result<u64, PackageError> {
        let bytes = self.read_entry(
            &file.entry,
            self.limits.media_file_bytes,
            self.version.zstd(),
        )?;
        out.write_all(&bytes)?;
        Ok(u64::try_from(bytes.len()).unwrap_or(u64::MAX))
    }

    /// Reads entry `name`, decompressing zstd when `zstd`, refusing more than `limit` bytes
    /// whatever the entry declares.
    fn read_entry(&mut self, name: &str, limit: u64, zstd: bool) -> Result<Vec<u8>, PackageError> {
        let entry = self
            .archive
            .by_name(name)
            .map_err(|error| PackageError::EntryUnreadable {
                name: name.to_owned(),
                error,
            })?;
        if entry.size() > limit && !zstd {
            return Err(PackageError::EntryTooLarge {
                name: name.to_owned(),
                size: entry.size(),
                limit,
            });
        }
        let corrupt = |error: std::io::Error| PackageError::CorruptEntry {
            name: name.to_owned(),
            error,
        };
        let mut bytes = Vec::new();
        // One byte past the limit: enough to know the entry is larger than it may be.
        let bound = limit.saturating_add(1);
        if zstd {
            let decoder = zstd::stream::read::Decoder::new(entry).map_err(corrupt)?;
            decoder
                .take(bound)
                .read_to_end(&mut bytes)
                .map_err(corrupt)?;
        } else {
            let declared = usize::try_from(entry.size()).unwrap_or(0);
            bytes.reserve(declared.min(64 * 1024 * 1024));
            entry.take(bound).read_to_end(&mut bytes).map_err(corrupt)?;
        }
        if u64::try_from(bytes.len()).map_or(true, |read| read > limit) {
            return Err(PackageError::EntryPastLimit {
                name: name.to_owned(),
                limit,
            });
        }
        Ok(bytes)
    }
}

/// Whether `name` is a plain file name: not empty, no folder separators, not `.` or `..`, no
/// NUL (Anki's `filename_is_safe`).
pub fn is_safe_file_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed errors say what the package reader said before they were typed.
    #[test]
    fn messages_name_the_problem_as_before() {
        assert_eq!(
            PackageError::NoCollection.to_string(),
            "not an Anki package: it holds no collection (collection.anki21b, collection.anki21 \
             or collection.anki2)"
        );
        assert_eq!(
            PackageError::UnknownVersion(7).to_string(),
            "package version 7 is not supported; virtscope reads versions 1 to 3 \
             (collection.anki2, collection.anki21, collection.anki21b): was it written by a newer \
             Anki?"
        );
        assert_eq!(
            PackageError::MissingCollection {
                version: Version::Latest,
                name: "collection.anki21b"
            }
            .to_string(),
            "the package says it is Latest but holds no collection.anki21b"
        );
        assert_eq!(
            PackageError::EntryTooLarge {
                name: "media".to_owned(),
                size: 3 << 20,
                limit: 1 << 20
            }
            .to_string(),
            format!(
                "entry \"media\" expands to {} (more than the {} limit); refusing it as a \
                 possible zip bomb",
                units::bytes(3 << 20),
                units::bytes(1 << 20)
            )
        );
        assert_eq!(
            PackageError::UnsafeMediaName("../x".to_owned()).to_string(),
            "its media list names \"../x\", which is not a plain file name"
        );
    }
}
