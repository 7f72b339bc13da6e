//! The daemon's image operations: pulling from the registry and `docker rmi`.
//!
//! A pull downloads only the layers the host lacks (shared base layers print `Already exists`). Image
//! removal follows moby's `image_delete.go`: removing a tag whose image a container (even a stopped
//! one) uses is refused unless forced; a forced removal of an image a running container uses only
//! untags it; layers are deleted once no image and no container stands on them.

use std::sync::Arc;

use super::container::Container;
use super::engine::{Engine, PULL_BYTES_PER_SEC};
use super::errors::DaemonError;
use super::events::Event;
use super::image::{Image, parse_reference};
use super::sha256::Digest;

/// What a pull did with one layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LayerPull {
    /// Downloaded and extracted.
    Downloaded,
    /// Already present (shared with a local image).
    AlreadyExists,
}

/// The result of a pull, for the CLI to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PullReport {
    /// `repo:tag`.
    pub(super) reference: String,
    /// Registry path (`library/nginx`).
    pub(super) remote_path: String,
    /// Tag.
    pub(super) tag: String,
    /// Per layer: compressed blob digest and what happened.
    pub(crate) layers: Vec<(Digest, LayerPull)>,
    /// Manifest digest.
    pub(super) manifest: Digest,
    /// The local image was already this one: nothing downloaded.
    pub(super) up_to_date: bool,
}

/// One line of `docker rmi` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum RmiLine {
    /// `Untagged: nginx:latest` (or `repo@sha256:...`).
    Untagged(String),
    /// `Deleted: sha256:...`.
    Deleted(Digest),
}

impl Engine {
    /// Pulls `repo[:tag]` from the registry.
    pub(crate) fn pull(&mut self, text: &str) -> Result<PullReport, DaemonError> {
        let reference =
            parse_reference(text).map_err(|_| DaemonError::NoSuchImage(text.to_owned()))?;
        let registry = Arc::clone(&self.registry);
        let remote = registry.resolve(&reference)?;
        let full = reference.full();
        let up_to_date = self.images.tags.get(&full) == Some(&remote.image.id);
        let mut layers = Vec::new();
        if !up_to_date {
            for layer in &remote.layers {
                if self.images.layers.contains_key(&layer.diff_id) {
                    layers.push((layer.blob_digest, LayerPull::AlreadyExists));
                    self.emit(Event::LayerAlreadyExists {
                        layer: layer.diff_id,
                    });
                } else {
                    self.advance(layer.size_bytes.saturating_mul(1000) / PULL_BYTES_PER_SEC);
                    layers.push((layer.blob_digest, LayerPull::Downloaded));
                    self.images.layers.insert(layer.diff_id, layer.clone());
                    self.emit(Event::LayerDownloaded {
                        layer: layer.diff_id,
                        size_bytes: layer.size_bytes,
                    });
                }
            }
            self.images
                .insert(remote.image.clone(), remote.layers.clone());
            self.images.tag(&full, remote.image.id);
            self.emit(Event::ImagePulled {
                reference: full.clone(),
                image: remote.image.id,
            });
        }
        Ok(PullReport {
            reference: full,
            remote_path: reference.remote_path(),
            tag: reference.tag,
            layers,
            manifest: remote.manifest,
            up_to_date,
        })
    }

    /// Layers pinned by containers (they survive the deletion of their image).
    pub(super) fn pinned_layers(&self) -> Vec<Digest> {
        self.containers
            .iter()
            .flat_map(|c| c.layers.iter().copied())
            .collect()
    }

    /// `docker rmi [-f] <ref|id>`.
    pub(super) fn remove_image(
        &mut self,
        text: &str,
        force: bool,
    ) -> Result<Vec<RmiLine>, DaemonError> {
        let missing = || {
            let shown = parse_reference(text).map_or(text.to_owned(), |r| r.full());
            DaemonError::NoSuchImage(shown)
        };
        let image = self.images.lookup(text).cloned().ok_or_else(missing)?;
        let by_reference = parse_reference(text)
            .ok()
            .map(|r| r.full())
            .filter(|full| self.images.tags.get(full) == Some(&image.id));
        let refs = self.images.tags_of(&image.id);
        let users: Vec<&Container> = self
            .containers
            .iter()
            .filter(|c| c.image_id == image.id)
            .collect();
        let running_user = users
            .iter()
            .find(|c| c.state.has_process())
            .map(|c| c.short_id());
        let stopped_user = users
            .iter()
            .find(|c| !c.state.has_process())
            .map(|c| c.short_id());
        let first_user = users.first().map(|c| c.short_id());
        let has_children = self
            .images
            .images
            .iter()
            .any(|i| i.parent == Some(image.id));
        let mut lines = Vec::new();
        match by_reference {
            Some(full) => {
                if !force
                    && refs.len() == 1
                    && let Some(container) = first_user
                {
                    return Err(DaemonError::ReferenceInUse {
                        reference: text.to_owned(),
                        container,
                        image: image.id.short(),
                    });
                }
                self.untag(&full, &image, &mut lines);
                if refs.len() > 1 || running_user.is_some() || has_children {
                    // Other tags keep it, or a hard conflict keeps it as a dangling image.
                    return Ok(lines);
                }
            }
            None => {
                if let Some(container) = running_user {
                    return Err(DaemonError::ImageUsedByRunning {
                        image: image.id.short(),
                        container,
                    });
                }
                if has_children {
                    return Err(DaemonError::DependentChildren(image.id.short()));
                }
                if !force && refs.len() > 1 {
                    return Err(DaemonError::MultipleReferences(image.id.short()));
                }
                if !force && let Some(container) = stopped_user {
                    return Err(DaemonError::ImageUsedByStopped {
                        image: image.id.short(),
                        container,
                    });
                }
                for full in refs {
                    self.untag(&full, &image, &mut lines);
                }
            }
        }
        self.images.delete(&image.id);
        lines.push(RmiLine::Deleted(image.id));
        self.emit(Event::ImageDeleted { image: image.id });
        let pinned = self.pinned_layers();
        let deleted = self.images.collect_layers(&pinned);
        for layer in image.layers.iter().rev().filter(|l| deleted.contains(l)) {
            lines.push(RmiLine::Deleted(*layer));
            self.emit(Event::LayerDeleted { layer: *layer });
        }
        Ok(lines)
    }

    fn untag(&mut self, full: &str, image: &Image, lines: &mut Vec<RmiLine>) {
        self.images.tags.remove(full);
        lines.push(RmiLine::Untagged(full.to_owned()));
        self.emit(Event::ImageUntagged {
            reference: full.to_owned(),
        });
        let repo = full.rsplit_once(':').map_or(full, |(repo, _)| repo);
        let repo_still_tagged = self
            .images
            .tags_of(&image.id)
            .iter()
            .any(|t| t.rsplit_once(':').map(|(r, _)| r) == Some(repo));
        // A repo digest belongs to the repository the image was pulled from, not to later tags.
        let pulled_from_repo = self
            .registry
            .images
            .iter()
            .any(|remote| remote.repo == repo && remote.image.id == image.id);
        if let Some(manifest) = image.repo_digest
            && !repo_still_tagged
            && pulled_from_repo
        {
            lines.push(RmiLine::Untagged(format!("{repo}@{manifest}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::container::ContainerState;
    use super::super::engine::tests::{engine_with, run};
    use super::*;

    #[test]
    fn pulling_shares_layers_and_is_idempotent() {
        let mut engine = Engine::new(1);
        let nginx = engine.pull("nginx").unwrap();
        assert!(
            nginx
                .layers
                .iter()
                .all(|(_, p)| *p == LayerPull::Downloaded)
        );
        let redis = engine.pull("redis").unwrap();
        assert_eq!(redis.layers[0].1, LayerPull::AlreadyExists);
        assert!(
            redis.layers[1..]
                .iter()
                .all(|(_, p)| *p == LayerPull::Downloaded)
        );
        let again = engine.pull("nginx:latest").unwrap();
        assert!(again.up_to_date && again.layers.is_empty());
        let same = engine.pull("nginx:1.27").unwrap();
        assert!(
            same.layers
                .iter()
                .all(|(_, p)| *p == LayerPull::AlreadyExists)
        );
        assert_eq!(engine.images.images.len(), 2);
        assert!(matches!(
            engine.pull("nosuch"),
            Err(DaemonError::Registry(_))
        ));
    }

    #[test]
    fn rmi_conflicts_while_any_container_uses_the_image() {
        let mut engine = engine_with(&["hello-world"]);
        run(&mut engine, "hello-world", "hello", &[]);
        assert_eq!(engine.containers[0].state, ContainerState::Exited);
        let error = engine.remove_image("hello-world", false).unwrap_err();
        assert!(matches!(error, DaemonError::ReferenceInUse { .. }));
        let by_id = engine.images.images[0].id.short();
        assert!(matches!(
            engine.remove_image(&by_id, false),
            Err(DaemonError::ImageUsedByStopped { .. })
        ));
        engine.remove("hello", false).unwrap();
        let lines = engine.remove_image("hello-world", false).unwrap();
        assert_eq!(lines[0], RmiLine::Untagged("hello-world:latest".into()));
        assert!(lines.iter().any(|l| matches!(l, RmiLine::Deleted(_))));
        assert!(engine.images.images.is_empty() && engine.images.layers.is_empty());
    }

    #[test]
    fn rmi_force_on_a_running_containers_image_only_untags() {
        let mut engine = engine_with(&["nginx"]);
        run(&mut engine, "nginx", "web", &[]);
        let lines = engine.remove_image("nginx", true).unwrap();
        assert!(lines.iter().all(|l| matches!(l, RmiLine::Untagged(_))));
        assert_eq!(engine.images.images.len(), 1, "kept as a dangling image");
        assert!(engine.images.tags.is_empty());
    }

    #[test]
    fn rmi_of_one_of_two_tags_only_untags() {
        let mut engine = engine_with(&["nginx", "nginx:1.27"]);
        let lines = engine.remove_image("nginx:1.27", false).unwrap();
        assert_eq!(lines, [RmiLine::Untagged("nginx:1.27".into())]);
        assert_eq!(engine.images.images.len(), 1);
    }
}
