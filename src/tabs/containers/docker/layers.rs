//! The images-and-layers view's presets: replayed command scripts.
//!
//! A Dockerfile beside the layers it produces, a rebuild after an edit showing which steps the cache
//! keeps, and two containers sharing one image's read-only layers while each writes only to its own
//! writable layer. The presets are scripts for the sandbox, so each step is a real command with real
//! output; the stacks are read from the engine state after each step.

use super::script::{CliTrace, DEFAULT_SEED, replay};

/// The layers view's presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LayersPreset {
    /// Build the example Dockerfile and look at its layers.
    DockerfileBasic,
    /// Rebuild unchanged, then after editing app.py, then requirements.txt.
    CacheRebuild,
    /// Two containers of one image; one writes and deletes files.
    CopyOnWrite,
}

impl LayersPreset {
    /// Every preset.
    pub(crate) const ALL: &[Self] = &[Self::DockerfileBasic, Self::CacheRebuild, Self::CopyOnWrite];

    /// Scene-link slug.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Self::DockerfileBasic => "dockerfile-basic",
            Self::CacheRebuild => "cache-rebuild",
            Self::CopyOnWrite => "copy-on-write",
        }
    }

    #[cfg(test)]
    /// Parses a slug.
    pub(super) fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.slug() == slug)
    }

    /// Human title.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Self::DockerfileBasic => "A Dockerfile and the layers it builds",
            Self::CacheRebuild => "Rebuilding: what the layer cache keeps",
            Self::CopyOnWrite => "Copy-on-write: writable layers over shared image layers",
        }
    }

    /// The command lines.
    pub(crate) fn script(self) -> &'static [&'static str] {
        match self {
            Self::DockerfileBasic => &[
                "cat Dockerfile",
                "docker build -t myapp .",
                "docker history myapp",
                "docker images",
            ],
            Self::CacheRebuild => &[
                "docker build -t myapp .",
                "docker build -t myapp .",
                "echo 'print(\"version 2\")' >> app.py",
                "docker build -t myapp .",
                "echo 'flask==3.1.0' >> requirements.txt",
                "docker build -t myapp .",
            ],
            Self::CopyOnWrite => &[
                "docker run -d --name web1 nginx",
                "docker run -d --name web2 nginx",
                "docker exec web1 sh -c \"echo changed > /usr/share/nginx/html/index.html\"",
                "docker exec web1 cat /usr/share/nginx/html/index.html",
                "docker exec web2 cat /usr/share/nginx/html/index.html",
                "docker exec web1 rm /usr/share/nginx/html/50x.html",
                "docker diff web1",
                "docker diff web2",
                "docker ps -s",
            ],
        }
    }

    /// Replays the preset with the default seed.
    pub(crate) fn replay(self) -> CliTrace {
        let lines: Vec<String> = self.script().iter().map(|l| (*l).to_owned()).collect();
        replay(DEFAULT_SEED, &lines).unwrap_or_else(|_| CliTrace {
            initial: super::sandbox::Sandbox::new(DEFAULT_SEED),
            steps: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::engine::Engine;
    use super::super::events::Event;
    use super::super::sha256::Digest;
    use super::*;

    /// One row of a layer stack, top first when drawn.
    #[derive(Clone, Debug, PartialEq, Eq)]
    struct LayerRow {
        /// Layer digest (diff id).
        digest: Digest,
        /// Bytes.
        size_bytes: u64,
        /// The instruction that made it.
        created_by: String,
        /// How many local images contain it (more than 1 = shared on disk).
        images_using: usize,
    }

    /// The read-only layers of a local image, base first.
    fn image_stack(engine: &Engine, image: &str) -> Vec<LayerRow> {
        let Some(image) = engine.images.lookup(image) else {
            return Vec::new();
        };
        engine
            .images
            .layers_of(image)
            .into_iter()
            .map(|layer| LayerRow {
                digest: layer.diff_id,
                size_bytes: layer.size_bytes,
                created_by: layer.created_by.clone(),
                images_using: engine.images.layer_users(&layer.diff_id),
            })
            .collect()
    }

    /// A container's writable layer: (path, bytes, whiteout?) entries.
    fn writable_layer(engine: &Engine, container: &str) -> Vec<(String, u64, bool)> {
        let Ok(container) = engine.find_container(container) else {
            return Vec::new();
        };
        container
            .upper
            .iter()
            .map(|(path, entry)| {
                (
                    path.clone(),
                    entry.size_bytes(),
                    matches!(entry, super::super::image::FileEntry::Whiteout),
                )
            })
            .collect()
    }

    fn build_events(trace: &CliTrace, slug: &str) -> Vec<(usize, bool)> {
        let index = trace.find_step(slug).unwrap();
        trace.steps[index]
            .events
            .iter()
            .filter_map(|e| match e.event {
                Event::BuildStep { line, cached, .. } => Some((line, cached)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn cache_rebuild_keeps_steps_before_the_first_change() {
        let trace = LayersPreset::CacheRebuild.replay();
        assert!(
            build_events(&trace, "build")
                .iter()
                .all(|(_, cached)| !cached)
        );
        assert!(
            build_events(&trace, "build-2")
                .iter()
                .all(|(_, cached)| *cached)
        );
        // app.py is copied on line 5.
        for (line, cached) in build_events(&trace, "build-3") {
            assert_eq!(cached, line < 5, "line {line}");
        }
        // requirements.txt is copied on line 3: pip install (line 4) runs again.
        for (line, cached) in build_events(&trace, "build-4") {
            assert_eq!(cached, line < 3, "line {line}");
        }
    }

    #[test]
    fn copy_on_write_touches_only_one_containers_layer() {
        let trace = LayersPreset::CopyOnWrite.replay();
        let end = trace.state_at(trace.steps.len() - 1);
        let web1 = writable_layer(&end.engine, "web1");
        let web2 = writable_layer(&end.engine, "web2");
        assert!(
            web1.iter()
                .any(|(p, _, w)| p == "/usr/share/nginx/html/index.html" && !w)
        );
        assert!(
            web1.iter()
                .any(|(p, _, w)| p == "/usr/share/nginx/html/50x.html" && *w)
        );
        assert!(!web2.iter().any(|(p, _, _)| p.starts_with("/usr/share")));
        let web2_read = &trace.steps[trace.find_step("exec-3").unwrap()].output;
        assert_eq!(web2_read.texts()[0], "<!DOCTYPE html>");
        let stack = image_stack(&end.engine, "nginx");
        assert_eq!(stack.len(), 7);
        let containers = &end.engine.containers;
        assert_eq!(containers[0].layers, containers[1].layers);
    }

    #[test]
    fn basic_build_stack_extends_the_base_image() {
        let trace = LayersPreset::DockerfileBasic.replay();
        let end = trace.state_at(trace.steps.len() - 1);
        let app = image_stack(&end.engine, "myapp");
        let base = image_stack(&end.engine, "python:3.13-slim");
        assert_eq!(app.len(), base.len() + 3);
        assert!(base.iter().all(|row| row.images_using == 2));
        for preset in LayersPreset::ALL {
            assert_eq!(LayersPreset::from_slug(preset.slug()), Some(*preset));
        }
    }
}
