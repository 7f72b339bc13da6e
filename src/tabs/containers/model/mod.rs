//! Pure models of the Containers tab: a simulated Docker host and the diagrams built on it.
//!
//! The tab teaches Docker by letting students watch and try it, so the models are real state machines
//! rather than canned animations: an engine with a registry, images made of shared layers, containers
//! with Docker's lifecycle and copy-on-write layers, a legacy-style builder with a layer cache, compose,
//! and a `docker` CLI with Docker's output and error texts, driven by a small shell that supports
//! `$(docker ps -q)`. Everything runs on a simulated clock from a seed, so a replayed script is
//! deterministic. Beside it are the static models of the other views: the `docker run` sequence,
//! immutable infrastructure, monolith versus microservices, and the service-model table.
//!
//! How the GUI drives it:
//! - CLI view: [`sandbox::Sandbox::run_line`] per typed line (output + events), or
//!   [`script::replay`] / [`script::CliPreset::replay`] for scene links; state after step N is
//!   `trace.state_at(N)`.
//! - Layers view: [`layers::LayersPreset::replay`], [`builder::build`] for an edited Dockerfile,
//!   [`layers::image_stack`] / [`layers::writable_layer`] to draw.
//! - Architecture, immutable, microservices, service-models: `Preset::steps()` and the tables in
//!   [`service_models`].

pub mod architecture;
pub mod immutable;
pub mod microservices;
pub mod microservices_tradeoffs;
pub mod service_models;
pub(crate) mod stepped;

/// The views of the Containers tab (`containers/<view>` in scene links).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Docker's components and the `docker run` sequence.
    Architecture,
    /// The docker CLI sandbox.
    Cli,
    /// Dockerfiles, layers, the cache and copy-on-write.
    Layers,
    /// Immutable infrastructure versus patching in place.
    Immutable,
    /// Monolith versus microservices.
    Microservices,
    /// OS-level virtualization vs IaaS vs PaaS.
    ServiceModels,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: &[Self] = &[
        Self::Architecture,
        Self::Cli,
        Self::Layers,
        Self::Immutable,
        Self::Microservices,
        Self::ServiceModels,
    ];

    /// Scene-link slug.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Architecture => "architecture",
            Self::Cli => "cli",
            Self::Layers => "layers",
            Self::Immutable => "immutable",
            Self::Microservices => "microservices",
            Self::ServiceModels => "service-models",
        }
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Architecture => "Docker's architecture",
            Self::Cli => "docker CLI sandbox",
            Self::Layers => "Images and layers",
            Self::Immutable => "Immutable infrastructure",
            Self::Microservices => "Monolith vs microservices",
            Self::ServiceModels => "OS-level virtualization vs IaaS vs PaaS",
        }
    }

    /// The preset slugs this view accepts (the first is the default; none for service-models).
    pub fn preset_slugs(self) -> Vec<&'static str> {
        match self {
            Self::Architecture => architecture::ArchitecturePreset::ALL
                .iter()
                .map(|p| p.slug())
                .collect(),
            Self::Cli => super::docker::CliPreset::ALL
                .iter()
                .map(|p| p.slug())
                .collect(),
            Self::Layers => super::docker::LayersPreset::ALL
                .iter()
                .map(|p| p.slug())
                .collect(),
            Self::Immutable => immutable::ImmutablePreset::ALL
                .iter()
                .map(|p| p.slug())
                .collect(),
            Self::Microservices => microservices::MicroPreset::ALL
                .iter()
                .map(|p| p.slug())
                .collect(),
            Self::ServiceModels => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_and_presets_match_the_scene_contract() {
        let slugs: Vec<&str> = View::ALL.iter().map(|v| v.slug()).collect();
        assert_eq!(
            slugs,
            [
                "architecture",
                "cli",
                "layers",
                "immutable",
                "microservices",
                "service-models"
            ]
        );
        for view in View::ALL {
            assert_eq!(View::from_slug(view.slug()), Some(*view));
        }
        assert_eq!(View::Architecture.preset_slugs()[0], "docker-run-nginx");
        assert_eq!(
            View::Layers.preset_slugs(),
            ["dockerfile-basic", "cache-rebuild", "copy-on-write"]
        );
        assert_eq!(
            View::Immutable.preset_slugs(),
            ["replace-fleet", "patch-in-place", "autoscale"]
        );
        assert_eq!(
            View::Microservices.preset_slugs(),
            [
                "monolith",
                "microservices",
                "scale-one",
                "service-fails",
                "principles",
                "pros",
                "cons"
            ]
        );
        assert!(View::ServiceModels.preset_slugs().is_empty());
    }
}
