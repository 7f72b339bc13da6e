//! The union filesystem a container sees: read-only image layers under one writable layer.
//!
//! Docker's overlay2 driver stacks the image's layers (shared by every container of that image) under
//! a per-container writable "upper" layer. Reading looks top-down; writing a file that lives in a lower
//! layer first copies it up whole (copy-on-write); deleting one leaves a whiteout in the upper layer.
//! This module is that lookup, copy-up and `docker diff` logic over plain maps.

use std::collections::{BTreeMap, BTreeSet};

use super::image::{FileEntry, Layer};

/// Where a visible file comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Origin {
    /// The container's writable layer.
    Upper,
    /// An image layer, by index (0 = base).
    Lower(usize),
}

/// A read-only view of lower layers plus a writable layer.
#[derive(Clone, Copy, Debug)]
pub(super) struct UnionView<'a> {
    /// Image layers, base first.
    pub(super) lower: &'a [&'a Layer],
    /// The writable layer.
    pub(super) upper: &'a BTreeMap<String, FileEntry>,
}

/// What a write did to the writable layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum WriteOutcome {
    /// The file existed only in an image layer and was copied up first (bytes copied).
    CopiedUp {
        /// Size of the lower file copied into the writable layer.
        size_bytes: u64,
    },
    /// The file was already in the writable layer, or is new.
    Written,
}

/// `docker diff` kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum ChangeKind {
    /// Added (`A`).
    Added,
    /// Changed (`C`).
    Changed,
    /// Deleted (`D`).
    Deleted,
}

impl ChangeKind {
    /// The letter `docker diff` prints.
    pub(super) fn letter(self) -> char {
        match self {
            Self::Added => 'A',
            Self::Changed => 'C',
            Self::Deleted => 'D',
        }
    }
}

/// Normalises `path` against `cwd` into an absolute path without `.`, `..` or repeated slashes.
pub(super) fn normalize(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{}/{}", cwd.trim_end_matches('/'), path)
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The parent directories of an absolute path, outermost first (`/a/b/c` -> `/a`, `/a/b`).
fn ancestors(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        current.push('/');
        current.push_str(part);
        out.push(current.clone());
    }
    out
}

impl UnionView<'_> {
    /// The visible file at `path`, if any.
    pub(super) fn lookup(&self, path: &str) -> Option<(&FileEntry, Origin)> {
        if let Some(entry) = self.upper.get(path) {
            return match entry {
                FileEntry::Whiteout => None,
                FileEntry::File { .. } => Some((entry, Origin::Upper)),
            };
        }
        self.lookup_lower(path)
    }

    /// The file at `path` in the image layers only (ignoring the writable layer).
    pub(super) fn lookup_lower(&self, path: &str) -> Option<(&FileEntry, Origin)> {
        for (index, layer) in self.lower.iter().enumerate().rev() {
            match layer.files.get(path) {
                Some(FileEntry::Whiteout) => return None,
                Some(entry) => return Some((entry, Origin::Lower(index))),
                None => {}
            }
        }
        None
    }

    /// Every visible file with its origin, sorted by path.
    pub(super) fn visible(&self) -> BTreeMap<String, (&FileEntry, Origin)> {
        let mut out: BTreeMap<String, (&FileEntry, Origin)> = BTreeMap::new();
        let layers = self
            .lower
            .iter()
            .enumerate()
            .map(|(index, layer)| (&layer.files, Origin::Lower(index)))
            .chain(std::iter::once((self.upper, Origin::Upper)));
        for (files, origin) in layers {
            for (path, entry) in files {
                match entry {
                    FileEntry::Whiteout => {
                        out.remove(path);
                    }
                    FileEntry::File { .. } => {
                        out.insert(path.clone(), (entry, origin));
                    }
                }
            }
        }
        out
    }

    /// Whether `path` is a directory (the root, or a prefix of some visible file's path).
    pub(super) fn is_dir(&self, path: &str) -> bool {
        if path == "/" {
            return true;
        }
        let prefix = format!("{}/", path.trim_end_matches('/'));
        self.visible().keys().any(|file| file.starts_with(&prefix))
    }

    /// Names directly inside directory `path` (files and sub-directories), sorted.
    pub(super) fn list(&self, path: &str) -> Vec<String> {
        let prefix = if path == "/" {
            "/".to_owned()
        } else {
            format!("{}/", path.trim_end_matches('/'))
        };
        let names: BTreeSet<String> = self
            .visible()
            .keys()
            .filter_map(|file| file.strip_prefix(&prefix))
            .filter_map(|rest| rest.split('/').next())
            .map(str::to_owned)
            .collect();
        names.into_iter().collect()
    }

    /// `docker diff`: changes of the writable layer against the image, parents included, sorted.
    pub(super) fn diff(&self) -> Vec<(ChangeKind, String)> {
        let mut changes: BTreeMap<String, ChangeKind> = BTreeMap::new();
        let lower_visible: BTreeSet<String> = UnionView {
            lower: self.lower,
            upper: &BTreeMap::new(),
        }
        .visible()
        .into_keys()
        .collect();
        let lower_has_dir = |dir: &str| {
            let prefix = format!("{dir}/");
            lower_visible.iter().any(|file| file.starts_with(&prefix))
        };
        for (path, entry) in self.upper {
            for dir in ancestors(path) {
                let kind = if lower_has_dir(&dir) {
                    ChangeKind::Changed
                } else {
                    ChangeKind::Added
                };
                changes.entry(dir).or_insert(kind);
            }
            let kind = match entry {
                FileEntry::Whiteout => ChangeKind::Deleted,
                FileEntry::File { .. } if lower_visible.contains(path) => ChangeKind::Changed,
                FileEntry::File { .. } => ChangeKind::Added,
            };
            changes.insert(path.clone(), kind);
        }
        changes
            .into_iter()
            .map(|(path, kind)| (kind, path))
            .collect()
    }
}

/// Writes (or appends to) a file through the union view, copying it up first if it lives below.
pub(super) fn write_file(
    lower: &[&Layer],
    upper: &mut BTreeMap<String, FileEntry>,
    path: &str,
    text: &str,
    append: bool,
) -> WriteOutcome {
    let view = UnionView {
        lower,
        upper: &*upper,
    };
    let in_upper = matches!(view.lookup(path), Some((_, Origin::Upper)));
    let lower_entry = if in_upper {
        None
    } else {
        view.lookup(path).map(|(entry, _)| entry.clone())
    };
    let outcome = match &lower_entry {
        Some(entry) => WriteOutcome::CopiedUp {
            size_bytes: entry.size_bytes(),
        },
        None => WriteOutcome::Written,
    };
    let previous = if in_upper {
        upper.get(path).cloned()
    } else {
        lower_entry
    };
    let new_content = match (append, previous) {
        (true, Some(FileEntry::File { content, .. })) => format!("{content}{text}"),
        _ => text.to_owned(),
    };
    upper.insert(path.to_owned(), FileEntry::text(&new_content));
    outcome
}

/// Deletes a visible file: drops it from the writable layer and, if an image layer has it, whiteouts it.
/// Returns false when no such file is visible.
pub(super) fn remove_file(
    lower: &[&Layer],
    upper: &mut BTreeMap<String, FileEntry>,
    path: &str,
) -> bool {
    let view = UnionView {
        lower,
        upper: &*upper,
    };
    if view.lookup(path).is_none() {
        return false;
    }
    let below = view.lookup_lower(path).is_some();
    if below {
        upper.insert(path.to_owned(), FileEntry::Whiteout);
    } else {
        upper.remove(path);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(files: &[(&str, &str)]) -> Layer {
        Layer::new(
            "test",
            files
                .iter()
                .map(|(p, c)| ((*p).to_owned(), FileEntry::text(c)))
                .collect(),
            1,
        )
    }

    #[test]
    fn normalize_resolves_dots() {
        assert_eq!(normalize("/data", "x.txt"), "/data/x.txt");
        assert_eq!(normalize("/a/b", "../c//d/./e"), "/a/c/d/e");
        assert_eq!(normalize("/", "/../.."), "/");
    }

    #[test]
    fn upper_layer_shadows_lower_and_copy_up_happens_once() {
        let base = layer(&[("/etc/conf", "base"), ("/bin/sh", "elf")]);
        let top = layer(&[("/etc/conf", "top")]);
        let lower = [&base, &top];
        let mut upper = BTreeMap::new();
        let view = UnionView {
            lower: &lower,
            upper: &upper,
        };
        assert_eq!(
            view.lookup("/etc/conf").map(|(_, o)| o),
            Some(Origin::Lower(1))
        );

        let first = write_file(&lower, &mut upper, "/etc/conf", "+x", true);
        assert_eq!(first, WriteOutcome::CopiedUp { size_bytes: 3 });
        let second = write_file(&lower, &mut upper, "/etc/conf", "+y", true);
        assert_eq!(second, WriteOutcome::Written);
        assert_eq!(upper.get("/etc/conf"), Some(&FileEntry::text("top+x+y")));
        // The image layer itself is untouched: another container would still read "top".
        assert_eq!(top.files.get("/etc/conf"), Some(&FileEntry::text("top")));
    }

    #[test]
    fn delete_leaves_a_whiteout_only_for_lower_files() {
        let base = layer(&[("/a/file", "x")]);
        let lower = [&base];
        let mut upper = BTreeMap::new();
        write_file(&lower, &mut upper, "/new/file", "n", false);
        assert!(remove_file(&lower, &mut upper, "/new/file"));
        assert!(upper.is_empty());
        assert!(remove_file(&lower, &mut upper, "/a/file"));
        assert_eq!(upper.get("/a/file"), Some(&FileEntry::Whiteout));
        let view = UnionView {
            lower: &lower,
            upper: &upper,
        };
        assert!(view.lookup("/a/file").is_none());
        assert!(!remove_file(&lower, &mut upper, "/a/file"));
    }

    #[test]
    fn diff_reports_parents_as_changed_or_added() {
        let base = layer(&[("/usr/share/html/index.html", "x")]);
        let lower = [&base];
        let mut upper = BTreeMap::new();
        write_file(
            &lower,
            &mut upper,
            "/usr/share/html/hello.html",
            "hi",
            false,
        );
        write_file(&lower, &mut upper, "/usr/share/html/index.html", "y", false);
        write_file(&lower, &mut upper, "/tmp/x", "t", false);
        let view = UnionView {
            lower: &lower,
            upper: &upper,
        };
        let diff: Vec<String> = view
            .diff()
            .iter()
            .map(|(kind, path)| format!("{} {path}", kind.letter()))
            .collect();
        assert_eq!(
            diff,
            [
                "A /tmp",
                "A /tmp/x",
                "C /usr",
                "C /usr/share",
                "C /usr/share/html",
                "A /usr/share/html/hello.html",
                "C /usr/share/html/index.html",
            ]
        );
        assert_eq!(view.list("/usr/share/html"), ["hello.html", "index.html"]);
        assert!(view.is_dir("/usr"));
        assert!(!view.is_dir("/usr/share/html/index.html"));
    }
}
