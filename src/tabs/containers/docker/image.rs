//! Images, their read-only layers, and the local image store.
//!
//! An image is an ordered list of read-only layers plus a config (command, environment, ports). Its id
//! is the SHA-256 of that config, as in the OCI image spec, so two tags that point at the same config are
//! the same image. Layers are stored once by digest and shared by every image (and container) that uses
//! them: that sharing is what makes pulling `redis` after `nginx` print `Already exists`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::sha256::Digest;

/// One entry in a layer's file tree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum FileEntry {
    /// A regular file. Binaries carry a short stand-in text; `size_bytes` is the size it stands for.
    File {
        /// Text shown by `cat`.
        content: String,
        /// Size the file stands for (may exceed `content.len()` for binaries).
        size_bytes: u64,
    },
    /// A whiteout: the path is deleted in this layer and hidden from the layers below.
    Whiteout,
}

impl FileEntry {
    /// A text file whose size is its content's length.
    pub(super) fn text(content: &str) -> Self {
        Self::File {
            content: content.to_owned(),
            size_bytes: content.len() as u64,
        }
    }

    /// Size in bytes (0 for a whiteout).
    pub(super) fn size_bytes(&self) -> u64 {
        match self {
            Self::File { size_bytes, .. } => *size_bytes,
            Self::Whiteout => 0,
        }
    }
}

/// A read-only layer: a set of file changes, named by the digest of its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Layer {
    /// Digest of the uncompressed content (the OCI `diff_id`).
    pub(crate) diff_id: Digest,
    /// Digest of the compressed blob the registry serves (shown in pull progress lines).
    pub(super) blob_digest: Digest,
    /// Uncompressed size.
    pub(crate) size_bytes: u64,
    /// The instruction that created the layer (as `docker history` shows it).
    pub(crate) created_by: String,
    /// Files the layer adds, changes or deletes, by absolute path.
    pub(super) files: BTreeMap<String, FileEntry>,
}

impl Layer {
    /// A layer whose digests are computed from its content.
    pub(crate) fn new(
        created_by: &str,
        files: BTreeMap<String, FileEntry>,
        size_bytes: u64,
    ) -> Self {
        let mut serialized = Vec::new();
        for (path, entry) in &files {
            serialized.extend_from_slice(path.as_bytes());
            serialized.push(0);
            match entry {
                FileEntry::File {
                    content,
                    size_bytes,
                } => {
                    serialized.extend_from_slice(content.as_bytes());
                    serialized.extend_from_slice(&size_bytes.to_be_bytes());
                }
                FileEntry::Whiteout => serialized.extend_from_slice(b".wh."),
            }
            serialized.push(0);
        }
        let diff_id = Digest::of_parts(&[
            created_by.as_bytes(),
            &serialized,
            &size_bytes.to_be_bytes(),
        ]);
        let blob_digest = Digest::of_parts(&[b"gzip", diff_id.hex().as_bytes()]);
        Self {
            diff_id,
            blob_digest,
            size_bytes,
            created_by: created_by.to_owned(),
            files,
        }
    }
}

/// The runtime defaults an image carries (a subset of the OCI image config).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(super) struct ImageConfig {
    /// `ENTRYPOINT`.
    pub(super) entrypoint: Vec<String>,
    /// `CMD`.
    pub(super) cmd: Vec<String>,
    /// `ENV`, as `KEY=value`.
    pub(super) env: Vec<String>,
    /// `WORKDIR` (empty means `/`).
    pub(super) workdir: String,
    /// `EXPOSE`, as `80/tcp`.
    pub(super) exposed_ports: Vec<String>,
    /// `LABEL`s.
    pub(super) labels: BTreeMap<String, String>,
    /// `USER` (empty means root).
    pub(super) user: String,
    /// `STOPSIGNAL` (empty means SIGTERM).
    pub(super) stop_signal: String,
}

/// One line of `docker history`: an instruction and the layer size it added (0 for config-only ones).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(super) struct HistoryEntry {
    /// The instruction.
    pub(super) created_by: String,
    /// Bytes the instruction's layer holds.
    pub(super) size_bytes: u64,
    /// Whether the instruction only changed the config (no layer).
    pub(super) empty_layer: bool,
    /// Simulated time of creation.
    pub(super) created_ms: i64,
    /// The intermediate image this step produced (known only for steps built locally).
    pub(super) step_image: Option<Digest>,
}

/// A local image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Image {
    /// Image id: the digest of the config.
    pub(crate) id: Digest,
    /// Layer diff ids, base first.
    pub(super) layers: Vec<Digest>,
    /// Runtime defaults.
    pub(super) config: ImageConfig,
    /// Instruction history, oldest first.
    pub(super) history: Vec<HistoryEntry>,
    /// Simulated creation time (negative: before the sandbox started).
    pub(super) created_ms: i64,
    /// The image this one was built on top of (for built images).
    pub(super) parent: Option<Digest>,
    /// Manifest digest from the registry (`repo@sha256:...`), for pulled images.
    pub(super) repo_digest: Option<Digest>,
}

impl Image {
    /// Computes the id from the config, layers and history, as the OCI spec does from the config JSON.
    pub(super) fn compute_id(
        config: &ImageConfig,
        layers: &[Digest],
        history: &[HistoryEntry],
        created_ms: i64,
    ) -> Digest {
        let json = serde_json::json!({
            "config": config,
            "rootfs": { "type": "layers", "diff_ids": layers },
            "history": history,
            "created": created_ms,
        });
        Digest::of(json.to_string().as_bytes())
    }
}

/// A parsed image reference: `[registry/][namespace/]repo[:tag]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reference {
    /// Repository as Docker shows it in `docker images` (`nginx`, `myorg/app`).
    pub(super) repo: String,
    /// Tag (`latest` when omitted).
    pub(crate) tag: String,
    /// Whether the tag was written explicitly.
    pub(super) explicit_tag: bool,
}

impl Reference {
    /// `repo:tag`.
    pub(crate) fn full(&self) -> String {
        format!("{}:{}", self.repo, self.tag)
    }

    /// The registry path (`library/nginx` for official images).
    pub(crate) fn remote_path(&self) -> String {
        if self.repo.contains('/') {
            self.repo.clone()
        } else {
            format!("library/{}", self.repo)
        }
    }
}

/// Why a reference string is not a valid image name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ReferenceError {
    /// Upper-case letters in the repository part.
    #[error("invalid reference format: repository name ({0}) must be lowercase")]
    Uppercase(String),
    /// Anything else Docker rejects.
    #[error("invalid reference format")]
    Invalid,
    /// `name@sha256:...` references exist in Docker but the sandbox does not model them.
    #[error("digest references (name@sha256:...) are not supported in this sandbox")]
    DigestUnsupported,
}

/// Parses an image reference as Docker's `reference.ParseNormalizedNamed` would (a subset).
pub(crate) fn parse_reference(text: &str) -> Result<Reference, ReferenceError> {
    if text.contains('@') {
        return Err(ReferenceError::DigestUnsupported);
    }
    let trimmed = text
        .strip_prefix("docker.io/")
        .or_else(|| text.strip_prefix("index.docker.io/"))
        .unwrap_or(text);
    let (name, tag) = match trimmed.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, Some(tag)),
        _ => (trimmed, None),
    };
    let name = name.strip_prefix("library/").unwrap_or(name);
    if name.is_empty() || name.starts_with('/') || name.ends_with('/') || name.contains("//") {
        return Err(ReferenceError::Invalid);
    }
    let name_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/');
    if !name.chars().all(name_ok) {
        return Err(ReferenceError::Invalid);
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        let shown = if name.contains('/') {
            name.to_owned()
        } else {
            format!("library/{name}")
        };
        return Err(ReferenceError::Uppercase(shown));
    }
    if let Some(tag) = tag {
        let tag_ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if tag.is_empty()
            || tag.len() > 128
            || !tag.chars().all(tag_ok)
            || tag.starts_with(['.', '-'])
        {
            return Err(ReferenceError::Invalid);
        }
    }
    Ok(Reference {
        repo: name.to_owned(),
        tag: tag.unwrap_or("latest").to_owned(),
        explicit_tag: tag.is_some(),
    })
}

/// The local image store: images, the tags pointing at them, and the shared layers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct ImageStore {
    /// Images in creation order.
    pub(crate) images: Vec<Image>,
    /// `repo:tag` -> image id.
    pub(crate) tags: BTreeMap<String, Digest>,
    /// Layers by diff id, stored once however many images use them.
    pub(super) layers: BTreeMap<Digest, Layer>,
}

impl ImageStore {
    /// The image with this id.
    pub(crate) fn get(&self, id: &Digest) -> Option<&Image> {
        self.images.iter().find(|image| image.id == *id)
    }

    /// Looks an image up as Docker does: by `repo:tag` first, then by (unambiguous) id prefix.
    pub(crate) fn lookup(&self, text: &str) -> Option<&Image> {
        if let Ok(reference) = parse_reference(text)
            && let Some(id) = self.tags.get(&reference.full())
        {
            return self.get(id);
        }
        let mut matches = self
            .images
            .iter()
            .filter(|image| image.id.matches_prefix(text));
        let first = matches.next()?;
        matches.next().is_none().then_some(first)
    }

    /// Tags pointing at an image, sorted.
    pub(crate) fn tags_of(&self, id: &Digest) -> Vec<String> {
        self.tags
            .iter()
            .filter(|(_, target)| *target == id)
            .map(|(tag, _)| tag.clone())
            .collect()
    }

    /// The layers of an image, base first.
    pub(crate) fn layers_of(&self, image: &Image) -> Vec<&Layer> {
        image
            .layers
            .iter()
            .filter_map(|digest| self.layers.get(digest))
            .collect()
    }

    /// Total uncompressed size of an image's layers.
    pub(crate) fn size_of(&self, image: &Image) -> u64 {
        self.layers_of(image)
            .iter()
            .map(|layer| layer.size_bytes)
            .sum()
    }

    /// Adds an image (replacing none: ids are content addresses) and its layers.
    pub(super) fn insert(&mut self, image: Image, layers: Vec<Layer>) {
        for layer in layers {
            self.layers.entry(layer.diff_id).or_insert(layer);
        }
        if self.get(&image.id).is_none() {
            self.images.push(image);
        }
    }

    /// Points `reference` at `id`, returning the image it pointed at before, if different.
    pub(super) fn tag(&mut self, reference: &str, id: Digest) -> Option<Digest> {
        self.tags
            .insert(reference.to_owned(), id)
            .filter(|previous| *previous != id)
    }

    /// Deletes an image record and its tags (its layers stay until [`Self::collect_layers`]).
    pub(super) fn delete(&mut self, id: &Digest) {
        self.images.retain(|image| image.id != *id);
        self.tags.retain(|_, target| target != id);
    }

    /// Deletes every layer that no image and none of the `pinned` layers (those under containers)
    /// uses; returns the deleted layers in digest order.
    pub(super) fn collect_layers(&mut self, pinned: &[Digest]) -> Vec<Digest> {
        let in_use: Vec<Digest> = self
            .images
            .iter()
            .flat_map(|image| image.layers.iter().copied())
            .chain(pinned.iter().copied())
            .collect();
        let unused: Vec<Digest> = self
            .layers
            .keys()
            .filter(|digest| !in_use.contains(digest))
            .copied()
            .collect();
        for digest in &unused {
            self.layers.remove(digest);
        }
        unused
    }

    /// How many local images use a layer (the diagram shows shared layers by this count).
    pub(crate) fn layer_users(&self, layer: &Digest) -> usize {
        self.images
            .iter()
            .filter(|image| image.layers.contains(layer))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalise_like_docker() {
        let plain = parse_reference("nginx").unwrap();
        assert_eq!(plain.full(), "nginx:latest");
        assert!(!plain.explicit_tag);
        assert_eq!(plain.remote_path(), "library/nginx");
        assert_eq!(
            parse_reference("docker.io/library/redis:7.4")
                .unwrap()
                .full(),
            "redis:7.4"
        );
        assert_eq!(
            parse_reference("myorg/app:v2").unwrap().remote_path(),
            "myorg/app"
        );
        assert_eq!(
            parse_reference("Nginx"),
            Err(ReferenceError::Uppercase("library/Nginx".into()))
        );
        assert_eq!(parse_reference("nginx:"), Err(ReferenceError::Invalid));
        assert_eq!(parse_reference("ng inx"), Err(ReferenceError::Invalid));
        assert_eq!(
            parse_reference("nginx@sha256:00"),
            Err(ReferenceError::DigestUnsupported)
        );
    }

    #[test]
    fn deleting_an_image_keeps_shared_layers() {
        let base = Layer::new("base", BTreeMap::new(), 10);
        let top_a = Layer::new("a", BTreeMap::new(), 1);
        let top_b = Layer::new("b", BTreeMap::new(), 2);
        let make = |layers: Vec<Digest>| {
            let id = Image::compute_id(&ImageConfig::default(), &layers, &[], 0);
            Image {
                id,
                layers,
                config: ImageConfig::default(),
                history: Vec::new(),
                created_ms: 0,
                parent: None,
                repo_digest: None,
            }
        };
        let image_a = make(vec![base.diff_id, top_a.diff_id]);
        let image_b = make(vec![base.diff_id, top_b.diff_id]);
        let mut store = ImageStore::default();
        store.insert(image_a.clone(), vec![base.clone(), top_a.clone()]);
        store.insert(image_b.clone(), vec![base.clone(), top_b.clone()]);
        assert_eq!(store.layers.len(), 3);
        assert_eq!(store.layer_users(&base.diff_id), 2);
        assert_eq!(store.size_of(&image_a), 11);
        store.delete(&image_a.id);
        assert_eq!(store.collect_layers(&[]), vec![top_a.diff_id]);
        assert!(store.layers.contains_key(&base.diff_id));
        // Layers a container still stands on survive the deletion of their image.
        store.delete(&image_b.id);
        assert_eq!(store.collect_layers(&[base.diff_id]), vec![top_b.diff_id]);
        assert!(store.layers.contains_key(&base.diff_id));
    }
}
