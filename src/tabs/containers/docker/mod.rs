//! The Docker simulator: a Docker host the CLI and layers views drive and draw.
//!
//! The tab teaches Docker by letting students watch and try it, so this is a real state machine
//! rather than a canned animation: an engine with a registry, images made of shared layers,
//! containers with Docker's lifecycle and copy-on-write layers, a legacy-style builder with a layer
//! cache, compose, and a `docker` CLI with Docker's output and error texts, driven by a small shell
//! that supports `$(docker ps -q)`. Everything runs on a simulated clock from a seed, so a replayed
//! script is deterministic.
//!
//! The rest of the crate sees only what is re-exported here; the submodules are private.
//! - Driving it: a [`Sandbox`] runs one typed line ([`Sandbox::run_line`]: output and events);
//!   [`replay`] runs a script into a [`CliTrace`] (the sandbox after every step, `state_at(N)`);
//!   [`CliPreset`] and [`LayersPreset`] are the views' scripts.
//! - Reading what to draw: the [`Engine`] a sandbox holds, its containers, images and layers, and
//!   the [`Event`]s a step emitted.
//! - The layers view's rebuild of an edited Dockerfile: [`build`] with [`BuildOptions`].

mod builder;
mod cli;
mod cli_containers;
mod cli_images;
mod cli_system;
mod compose;
mod container;
mod dockerfile;
mod engine;
mod engine_images;
mod engine_lifecycle;
mod engine_networks;
mod errors;
mod events;
mod flags;
mod humanize;
mod image;
mod incontainer;
mod layerfs;
mod layers;
mod names;
mod network;
mod output;
mod program;
mod registry;
mod sandbox;
mod script;
mod sha256;
mod shell;
mod workspace;
mod yaml;

// Driving the simulator.
pub(crate) use layers::LayersPreset;
pub(crate) use sandbox::Sandbox;
pub(crate) use script::{
    CliPreset, CliStep, CliTrace, DEFAULT_SEED, MAX_SCRIPT_LINES, replay, split_script,
};
pub(crate) use shell::too_long;

// Reading its state to draw it.
pub(crate) use container::{Container, ContainerState};
pub(crate) use engine::Engine;
pub(crate) use engine_images::LayerPull;
pub(crate) use events::{Event, TimedEvent};
pub(crate) use humanize::{human_duration, human_size};
pub(crate) use image::{FileEntry, Layer, parse_reference};
pub(crate) use output::{OutputLine, Stream};
pub(crate) use registry::Registry;
pub(crate) use sha256::Digest;

// Rebuilding an edited Dockerfile (the layers view).
pub(crate) use builder::{BuildOptions, build, context_files, tar_bytes};
pub(crate) use dockerfile::Keyword;
pub(crate) use workspace::{DEFAULT_DOCKERFILE, Workspace};
