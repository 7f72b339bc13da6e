//! `docker build`: the build context, one layer per filesystem-changing instruction, and the cache.
//!
//! This follows the classic (legacy) builder, whose output makes the cache visible: each instruction
//! is a step; RUN, COPY and ADD commit the files they changed as a new layer, the others only change
//! the config (`docker history` shows them as 0B). A step is taken from the cache when a previous
//! build ran the same instruction on the same parent image, and for COPY/ADD also copied files with
//! the same content. Because the parent is part of the key, one changed line invalidates every step
//! after it. BuildKit, Docker's default builder since 23.0, prints differently but caches on the same
//! principle.
//!
//! Sources of the builder's behaviour:
//! - Docker docs, 'Docker build cache': a changed instruction invalidates it and every later step; for COPY/ADD the files' contents are part of the check
//! - Docker docs, Dockerfile reference: RUN, COPY and ADD create layers; other instructions create temporary intermediate images and do not increase the build's size
//! - Docker docs: the legacy builder is deprecated; BuildKit is the default builder since Docker Engine 23.0

use std::collections::BTreeMap;

use super::container::LogStream;
use super::dockerfile::{self, DockerfileError, Instruction, Keyword};
use super::engine::Engine;
use super::errors::DaemonError;
use super::events::Event;
use super::humanize::human_size;
use super::image::{FileEntry, HistoryEntry, Image, ImageConfig, Layer, parse_reference};
use super::incontainer::{self, ProcessEnv};
use super::layerfs;
use super::program::RawLog;
use super::sha256::Digest;
use super::workspace::{HOME_DIR, Workspace};

/// The deprecation notice the classic builder prints first (Docker 23+).
pub(super) const LEGACY_NOTICE: [&str; 3] = [
    "DEPRECATED: The legacy builder is deprecated and will be removed in a future release.",
    "            Install the buildx component to build images with BuildKit:",
    "            https://docs.docker.com/go/buildx/",
];

/// A cached build step: the image state after it and the layer it added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct CacheEntry {
    /// Hash of (parent image, instruction, copied content).
    pub(super) key: Digest,
    /// The intermediate image the step produced.
    pub(super) image: Image,
    /// The layer the step added, if any.
    pub(super) layer: Option<Layer>,
}

/// Build options (`docker build -t TAG -f FILE --no-cache .`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BuildOptions {
    /// `-t` tags.
    pub(crate) tags: Vec<String>,
    /// `-f`, relative to the context.
    pub(crate) dockerfile: String,
    /// `--no-cache`.
    pub(crate) no_cache: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            tags: Vec::new(),
            dockerfile: "Dockerfile".to_owned(),
            no_cache: false,
        }
    }
}

/// One step as the layers view shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StepReport {
    /// Dockerfile line.
    pub(crate) line: usize,
    /// Instruction keyword.
    pub(crate) keyword: Keyword,
    /// The instruction text.
    pub(super) text: String,
    /// Taken from the cache.
    pub(crate) cached: bool,
    /// The layer added (digest, bytes), for RUN/COPY/ADD.
    pub(crate) layer: Option<(Digest, u64)>,
    /// The image after this step.
    pub(super) image: Digest,
}

/// Why a build stopped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BuildError {
    /// The Dockerfile is missing.
    #[error(
        "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {HOME_DIR}/{0}: no such file or directory"
    )]
    NoDockerfile(String),
    /// The Dockerfile does not parse.
    #[error("Error response from daemon: {0}")]
    Parse(#[from] DockerfileError),
    /// FROM could not be pulled.
    #[error("{0}")]
    Pull(DaemonError),
    /// A COPY/ADD source is not in the context.
    #[error(
        "COPY failed: file not found in build context or excluded by .dockerignore: stat {file}: file does not exist"
    )]
    CopyMissing {
        /// Dockerfile line.
        line: usize,
        /// The missing file.
        file: String,
    },
    /// A COPY/ADD feature the sandbox does not model.
    #[error("dockerfile line {line}: {what} is not supported in this sandbox")]
    Unsupported {
        /// Dockerfile line.
        line: usize,
        /// What.
        what: String,
    },
    /// A RUN command failed.
    #[error("The command '{command}' returned a non-zero code: {exit_code}")]
    RunFailed {
        /// Dockerfile line.
        line: usize,
        /// The command as run.
        command: String,
        /// Its status.
        exit_code: i32,
    },
    /// A `-t` value is not a valid reference.
    #[error("invalid argument \"{0}\" for \"-t, --tag\" flag: invalid reference format")]
    BadTag(String),
}

impl BuildError {
    /// The Dockerfile line the error belongs to, if any.
    pub(crate) fn line(&self) -> Option<usize> {
        match self {
            Self::Parse(error) => error.line(),
            Self::CopyMissing { line, .. }
            | Self::Unsupported { line, .. }
            | Self::RunFailed { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// What a build printed and produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BuildReport {
    /// Output lines.
    pub(super) lines: Vec<RawLog>,
    /// Steps completed.
    pub(crate) steps: Vec<StepReport>,
    /// The built image, on success.
    pub(crate) image: Option<Digest>,
    /// Bytes of the build context sent to the daemon.
    pub(crate) context_bytes: u64,
    /// The error that stopped the build.
    pub(crate) error: Option<BuildError>,
}

/// The context files after `.dockerignore` (exact names and `*.ext` / `prefix*` patterns).
pub(crate) fn context_files(workspace: &Workspace) -> BTreeMap<String, String> {
    let patterns: Vec<String> = workspace
        .files
        .get(".dockerignore")
        .map(|text| {
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let ignored = |name: &str| {
        patterns
            .iter()
            .any(|pattern| match pattern.split_once('*') {
                Some((prefix, suffix)) => {
                    name.len() >= prefix.len() + suffix.len()
                        && name.starts_with(prefix)
                        && name.ends_with(suffix)
                }
                None => pattern == name,
            })
    };
    workspace
        .files
        .iter()
        .filter(|(name, _)| *name == "Dockerfile" || *name == ".dockerignore" || !ignored(name))
        .map(|(name, text)| (name.clone(), text.clone()))
        .collect()
}

/// Size of the tar stream the client sends: a 512-byte header per file, data padded to 512 bytes,
/// and two 512-byte zero blocks at the end (POSIX ustar, as Go's archive/tar writes it).
pub(crate) fn tar_bytes(files: &BTreeMap<String, String>) -> u64 {
    let data: u64 = files
        .values()
        .map(|text| 512 + (text.len() as u64).div_ceil(512) * 512)
        .sum();
    data + 1024
}

/// The build state between steps.
struct State {
    config: ImageConfig,
    layers: Vec<Digest>,
    history: Vec<HistoryEntry>,
    id: Digest,
}

/// Runs a build against `engine` with the context in `workspace`.
pub(crate) fn build(
    engine: &mut Engine,
    workspace: &Workspace,
    options: &BuildOptions,
) -> BuildReport {
    let mut report = BuildReport::default();
    let result = run_build(engine, workspace, options, &mut report);
    match result {
        Ok(image) => report.image = Some(image),
        Err(error) => {
            report.lines.push((LogStream::Stderr, error.to_string()));
            report.error = Some(error);
        }
    }
    report
}

fn out(report: &mut BuildReport, text: impl Into<String>) {
    report.lines.push((LogStream::Stdout, text.into()));
}

fn run_build(
    engine: &mut Engine,
    workspace: &Workspace,
    options: &BuildOptions,
    report: &mut BuildReport,
) -> Result<Digest, BuildError> {
    let mut tags = Vec::new();
    for tag in &options.tags {
        let reference = parse_reference(tag).map_err(|_| BuildError::BadTag(tag.clone()))?;
        tags.push(reference.full());
    }
    let text = workspace
        .files
        .get(&options.dockerfile)
        .ok_or_else(|| BuildError::NoDockerfile(options.dockerfile.clone()))?;
    for line in LEGACY_NOTICE {
        report.lines.push((LogStream::Stderr, line.to_owned()));
    }
    report.lines.push((LogStream::Stderr, String::new()));
    let context = context_files(workspace);
    report.context_bytes = tar_bytes(&context);
    out(
        report,
        format!(
            "Sending build context to Docker daemon  {}",
            human_size(report.context_bytes, 4)
        ),
    );
    let instructions = dockerfile::parse(text)?;
    let total = instructions.len();
    let mut state: Option<State> = None;
    let mut base: Option<Digest> = None;
    for (index, instruction) in instructions.iter().enumerate() {
        out(
            report,
            format!("Step {}/{total} : {}", index + 1, instruction.text()),
        );
        match (&mut state, instruction.keyword) {
            (_, Keyword::From) => {
                let image = from_image(engine, instruction, report)?;
                out(report, format!(" ---> {}", image.id.short()));
                base = Some(image.id);
                state = Some(State {
                    config: image.config.clone(),
                    layers: image.layers.clone(),
                    history: image.history.clone(),
                    id: image.id,
                });
                report.steps.push(StepReport {
                    line: instruction.line,
                    keyword: Keyword::From,
                    text: instruction.text(),
                    cached: false,
                    layer: None,
                    image: image.id,
                });
            }
            (None, _) => {
                // ARG before FROM: recorded nowhere (it only parameterises FROM).
                out(report, " ---> (global build argument)");
            }
            (Some(current), _) => {
                step(
                    engine,
                    current,
                    instruction,
                    &context,
                    options.no_cache,
                    report,
                )?;
            }
        }
    }
    let Some(state) = state else {
        return Err(BuildError::Parse(DockerfileError::Empty));
    };
    let image = Image {
        id: state.id,
        layers: state.layers,
        config: state.config,
        history: state.history,
        created_ms: engine.now_ms as i64,
        parent: base,
        repo_digest: None,
    };
    let new_layers: Vec<Layer> = engine
        .build_cache
        .iter()
        .filter_map(|entry| entry.layer.clone())
        .filter(|layer| image.layers.contains(&layer.diff_id))
        .collect();
    engine.images.insert(image.clone(), new_layers);
    out(report, format!("Successfully built {}", image.id.short()));
    for tag in &tags {
        engine.images.tag(tag, image.id);
        out(report, format!("Successfully tagged {tag}"));
    }
    engine.emit(Event::ImageBuilt {
        image: image.id,
        reference: tags.first().cloned(),
    });
    Ok(image.id)
}

/// FROM: the local image, pulled first if missing.
fn from_image(
    engine: &mut Engine,
    instruction: &Instruction,
    report: &mut BuildReport,
) -> Result<Image, BuildError> {
    let name = instruction
        .args
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    if let Some(image) = engine.images.lookup(&name) {
        return Ok(image.clone());
    }
    let pull = engine.pull(&name).map_err(BuildError::Pull)?;
    out(
        report,
        format!("{}: Pulling from {}", pull.tag, pull.remote_path),
    );
    for (blob, status) in &pull.layers {
        let word = match status {
            super::engine_images::LayerPull::Downloaded => "Pull complete",
            super::engine_images::LayerPull::AlreadyExists => "Already exists",
        };
        out(report, format!("{}: {word}", blob.short()));
    }
    out(report, format!("Digest: {}", pull.manifest));
    out(
        report,
        format!("Status: Downloaded newer image for {}", pull.reference),
    );
    engine
        .images
        .lookup(&name)
        .cloned()
        .ok_or(BuildError::Pull(DaemonError::NoSuchImage(name)))
}

/// Runs (or takes from the cache) one instruction after FROM.
fn step(
    engine: &mut Engine,
    state: &mut State,
    instruction: &Instruction,
    context: &BTreeMap<String, String>,
    no_cache: bool,
    report: &mut BuildReport,
) -> Result<(), BuildError> {
    let copy = match instruction.keyword {
        Keyword::Copy | Keyword::Add => Some(copy_plan(instruction, &state.config, context)?),
        _ => None,
    };
    let content_hash = copy
        .as_ref()
        .map(|(_, hash, _)| hash.hex())
        .unwrap_or_default();
    let key = Digest::of_parts(&[
        b"build-step",
        state.id.hex().as_bytes(),
        instruction.text().as_bytes(),
        content_hash.as_bytes(),
    ]);
    if !no_cache && let Some(entry) = engine.build_cache.iter().find(|e| e.key == key).cloned() {
        if let Some(layer) = &entry.layer {
            engine
                .images
                .layers
                .entry(layer.diff_id)
                .or_insert_with(|| layer.clone());
        }
        out(report, " ---> Using cache");
        out(report, format!(" ---> {}", entry.image.id.short()));
        let layer = entry.layer.as_ref().map(|l| (l.diff_id, l.size_bytes));
        record_step(engine, report, instruction, true, layer, entry.image.id);
        *state = State {
            config: entry.image.config,
            layers: entry.image.layers,
            history: entry.image.history,
            id: entry.image.id,
        };
        return Ok(());
    }

    let now = engine.now_ms as i64;
    let (layer, created_by) = match instruction.keyword {
        Keyword::Run => {
            let intermediate = engine.next_build_id().short();
            out(report, format!(" ---> Running in {intermediate}"));
            let layer = run_step(engine, state, instruction, report)?;
            out(
                report,
                format!(" ---> Removed intermediate container {intermediate}"),
            );
            let created_by = format!("/bin/sh -c {}", instruction.args.trim());
            (Some(layer), created_by)
        }
        Keyword::Copy | Keyword::Add => {
            let Some((files, hash, dest)) = copy else {
                return Err(BuildError::Unsupported {
                    line: instruction.line,
                    what: "an empty COPY".to_owned(),
                });
            };
            let size_bytes = files.values().map(FileEntry::size_bytes).sum();
            let created_by = format!(
                "/bin/sh -c #(nop) {} file:{} in {dest} ",
                instruction.keyword.name(),
                hash.hex()
            );
            engine.advance(200);
            (Some(Layer::new(&created_by, files, size_bytes)), created_by)
        }
        _ => {
            let intermediate = engine.next_build_id().short();
            out(report, format!(" ---> Running in {intermediate}"));
            apply_metadata(&mut state.config, instruction);
            out(
                report,
                format!(" ---> Removed intermediate container {intermediate}"),
            );
            engine.advance(100);
            (None, format!("/bin/sh -c #(nop)  {}", instruction.text()))
        }
    };
    if let Some(layer) = &layer {
        state.layers.push(layer.diff_id);
        engine
            .images
            .layers
            .entry(layer.diff_id)
            .or_insert_with(|| layer.clone());
        engine.emit(Event::LayerCreated {
            layer: layer.diff_id,
            size_bytes: layer.size_bytes,
        });
    }
    state.history.push(HistoryEntry {
        created_by,
        size_bytes: layer.as_ref().map_or(0, |l| l.size_bytes),
        empty_layer: layer.is_none(),
        created_ms: now,
        step_image: None,
    });
    let id = Image::compute_id(&state.config, &state.layers, &state.history, now);
    if let Some(last) = state.history.last_mut() {
        last.step_image = Some(id);
    }
    state.id = id;
    out(report, format!(" ---> {}", id.short()));
    let image = Image {
        id,
        layers: state.layers.clone(),
        config: state.config.clone(),
        history: state.history.clone(),
        created_ms: now,
        parent: None,
        repo_digest: None,
    };
    let layer_summary = layer.as_ref().map(|l| (l.diff_id, l.size_bytes));
    engine.build_cache.retain(|e| e.key != key);
    engine.build_cache.push(CacheEntry { key, image, layer });
    record_step(engine, report, instruction, false, layer_summary, id);
    Ok(())
}

/// Records a finished step: its event, and its line in the report. `layer` is the layer it
/// added (digest, bytes), `image` the image after it.
fn record_step(
    engine: &mut Engine,
    report: &mut BuildReport,
    instruction: &Instruction,
    cached: bool,
    layer: Option<(Digest, u64)>,
    image: Digest,
) {
    engine.emit(Event::BuildStep {
        line: instruction.line,
        instruction: instruction.keyword.name().to_owned(),
        cached,
        layer: layer.map(|(digest, _)| digest),
    });
    report.steps.push(StepReport {
        line: instruction.line,
        keyword: instruction.keyword,
        text: instruction.text(),
        cached,
        layer,
        image,
    });
}

/// RUN: executes the command in a temporary container and commits its writable layer.
fn run_step(
    engine: &mut Engine,
    state: &State,
    instruction: &Instruction,
    report: &mut BuildReport,
) -> Result<Layer, BuildError> {
    let layers: Vec<Layer> = state
        .layers
        .iter()
        .filter_map(|digest| engine.images.layers.get(digest).cloned())
        .collect();
    let lower: Vec<&Layer> = layers.iter().collect();
    let mut upper = BTreeMap::new();
    let argv = instruction.command();
    let shown = argv.join(" ");
    let mut env = ProcessEnv {
        lower: &lower,
        upper: &mut upper,
        hostname: "buildkitsandbox".to_owned(),
        ip: String::new(),
        env: state.config.env.clone(),
        workdir: if state.config.workdir.is_empty() {
            "/".to_owned()
        } else {
            state.config.workdir.clone()
        },
        main_command: shown.clone(),
        main_behaviour: super::program::Behaviour::OneShot,
        main_running: false,
        pid: 1,
    };
    let output = match incontainer::run(&mut env, &argv) {
        Ok(output) => output,
        Err(error) => {
            report.lines.push((LogStream::Stderr, error.to_string()));
            return Err(BuildError::RunFailed {
                line: instruction.line,
                command: shown,
                exit_code: 127,
            });
        }
    };
    report.lines.extend(output.lines.iter().cloned());
    engine.advance(500 + output.slept_ms);
    if output.exit_code != 0 {
        return Err(BuildError::RunFailed {
            line: instruction.line,
            command: shown,
            exit_code: output.exit_code,
        });
    }
    let size_bytes = upper.values().map(FileEntry::size_bytes).sum();
    Ok(Layer::new(
        &format!("/bin/sh -c {}", instruction.args.trim()),
        upper,
        size_bytes,
    ))
}

/// COPY/ADD: the files to add, the hash of their content (part of the cache key), and the target.
fn copy_plan(
    instruction: &Instruction,
    config: &ImageConfig,
    context: &BTreeMap<String, String>,
) -> Result<(BTreeMap<String, FileEntry>, Digest, String), BuildError> {
    let words: Vec<&str> = instruction.args.split_whitespace().collect();
    if let Some(flag) = words.iter().find(|w| w.starts_with("--")) {
        return Err(BuildError::Unsupported {
            line: instruction.line,
            what: format!(
                "{} {flag} (multi-stage builds and ownership flags)",
                instruction.keyword.name()
            ),
        });
    }
    let Some((dest, sources)) = words.split_last() else {
        return Err(BuildError::Unsupported {
            line: instruction.line,
            what: "an empty COPY".to_owned(),
        });
    };
    let workdir = if config.workdir.is_empty() {
        "/"
    } else {
        config.workdir.as_str()
    };
    let mut chosen: Vec<(&String, &String)> = Vec::new();
    for source in sources {
        if source.starts_with("http://") || source.starts_with("https://") {
            return Err(BuildError::Unsupported {
                line: instruction.line,
                what: "ADD from a URL".to_owned(),
            });
        }
        let name = source.strip_prefix("./").unwrap_or(source);
        if name == "." || name == "*" {
            chosen.extend(context.iter());
            continue;
        }
        let matches: Vec<(&String, &String)> = match name.split_once('*') {
            Some((prefix, suffix)) => context
                .iter()
                .filter(|(file, _)| file.starts_with(prefix) && file.ends_with(suffix))
                .collect(),
            None => context.iter().filter(|(file, _)| *file == name).collect(),
        };
        if matches.is_empty() {
            return Err(BuildError::CopyMissing {
                line: instruction.line,
                file: (*source).to_owned(),
            });
        }
        chosen.extend(matches);
    }
    let into_dir = dest.ends_with('/')
        || *dest == "."
        || sources.len() > 1
        || sources.iter().any(|s| s.contains('*') || *s == ".");
    let target = layerfs::normalize(workdir, dest);
    let mut files = BTreeMap::new();
    let mut hashed = Vec::new();
    for (name, text) in chosen {
        let path = if into_dir {
            layerfs::normalize(&target, name)
        } else {
            target.clone()
        };
        hashed.extend_from_slice(name.as_bytes());
        hashed.push(0);
        hashed.extend_from_slice(text.as_bytes());
        hashed.push(0);
        files.insert(path, FileEntry::text(text));
    }
    let shown_dest = if into_dir {
        format!("{}/", target.trim_end_matches('/'))
    } else {
        target
    };
    Ok((files, Digest::of(&hashed), shown_dest))
}

/// Applies a config-only instruction.
fn apply_metadata(config: &mut ImageConfig, instruction: &Instruction) {
    let args = instruction.args.trim();
    match instruction.keyword {
        Keyword::Cmd => config.cmd = instruction.command(),
        Keyword::Entrypoint => config.entrypoint = instruction.command(),
        Keyword::Env => {
            let pairs: Vec<(String, String)> = if args.contains('=') {
                args.split_whitespace()
                    .filter_map(|pair| pair.split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
                    .collect()
            } else {
                args.split_once(char::is_whitespace)
                    .map(|(k, v)| vec![(k.to_owned(), v.trim().to_owned())])
                    .unwrap_or_default()
            };
            for (key, value) in pairs {
                config
                    .env
                    .retain(|e| e.split_once('=').map(|(k, _)| k) != Some(key.as_str()));
                config.env.push(format!("{key}={value}"));
            }
        }
        Keyword::Workdir => {
            let base = if config.workdir.is_empty() {
                "/"
            } else {
                config.workdir.as_str()
            };
            config.workdir = layerfs::normalize(base, args);
        }
        Keyword::Expose => {
            for port in args.split_whitespace() {
                let port = if port.contains('/') {
                    port.to_owned()
                } else {
                    format!("{port}/tcp")
                };
                if !config.exposed_ports.contains(&port) {
                    config.exposed_ports.push(port);
                }
            }
        }
        Keyword::Label => {
            for pair in args.split_whitespace() {
                if let Some((key, value)) = pair.split_once('=') {
                    config
                        .labels
                        .insert(key.to_owned(), value.trim_matches('"').to_owned());
                }
            }
        }
        Keyword::User => config.user = args.to_owned(),
        Keyword::Stopsignal => config.stop_signal = args.to_owned(),
        Keyword::Arg
        | Keyword::Volume
        | Keyword::From
        | Keyword::Run
        | Keyword::Copy
        | Keyword::Add => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build_with(engine: &mut Engine, workspace: &Workspace) -> BuildReport {
        build(
            engine,
            workspace,
            &BuildOptions {
                tags: vec!["myapp".into()],
                ..BuildOptions::default()
            },
        )
    }

    #[test]
    fn context_size_is_the_tar_stream() {
        let mut only_dockerfile = Workspace::default();
        only_dockerfile.files.retain(|name, _| name == "Dockerfile");
        // One small file: header + one data block + two end blocks = 2048 bytes ("2.048kB").
        assert_eq!(tar_bytes(&context_files(&only_dockerfile)), 2048);
        let mut ignoring = Workspace::default();
        ignoring
            .files
            .insert(".dockerignore".into(), "*.yaml\n".into());
        assert!(!context_files(&ignoring).contains_key("compose.yaml"));
        assert!(context_files(&ignoring).contains_key(".dockerignore"));
    }

    #[test]
    fn first_build_runs_every_step_and_layers_only_for_run_and_copy() {
        let mut engine = Engine::new(3);
        let report = build_with(&mut engine, &Workspace::default());
        assert_eq!(report.error, None);
        assert!(report.steps.iter().all(|s| !s.cached));
        for step in &report.steps[1..] {
            assert_eq!(
                step.layer.is_some(),
                step.keyword.adds_layer(),
                "{}",
                step.text
            );
        }
        let image = engine.images.lookup("myapp").unwrap();
        let base = engine.images.lookup("python:3.13-slim").unwrap();
        // FROM's layers plus COPY, RUN, COPY.
        assert_eq!(image.layers.len(), base.layers.len() + 3);
        assert!(image.history.iter().filter(|h| h.empty_layer).count() >= 3);
        assert!(
            report
                .lines
                .iter()
                .any(|(_, l)| l.starts_with("Successfully installed requests-2.32.3"))
        );
    }

    #[test]
    fn unchanged_rebuild_is_fully_cached_and_gives_the_same_image() {
        let mut engine = Engine::new(3);
        let workspace = Workspace::default();
        let first = build_with(&mut engine, &workspace);
        let second = build_with(&mut engine, &workspace);
        assert!(second.steps[1..].iter().all(|s| s.cached));
        assert_eq!(first.image, second.image);
        assert_eq!(
            second
                .lines
                .iter()
                .filter(|(_, l)| l == " ---> Using cache")
                .count(),
            second.steps.len() - 1
        );
    }

    #[test]
    fn changing_line_three_rebuilds_it_and_everything_after() {
        let mut engine = Engine::new(3);
        let mut workspace = Workspace::default();
        build_with(&mut engine, &workspace);
        // Line 3 is `COPY requirements.txt .`: a content change invalidates it.
        workspace
            .write(
                "requirements.txt",
                "requests==2.32.3\nflask==3.1.0\n",
                false,
            )
            .unwrap();
        let rebuilt = build_with(&mut engine, &workspace);
        for step in &rebuilt.steps[1..] {
            assert_eq!(step.cached, step.line < 3, "line {}", step.line);
        }
        // Editing only app.py (line 5) keeps lines 2-4, including the slow pip install.
        workspace.write("app.py", "print(\"v2\")\n", false).unwrap();
        let again = build_with(&mut engine, &workspace);
        for step in &again.steps[1..] {
            assert_eq!(step.cached, step.line < 5, "line {}", step.line);
        }
    }

    #[test]
    fn no_cache_rebuilds_everything() {
        let mut engine = Engine::new(3);
        let workspace = Workspace::default();
        build_with(&mut engine, &workspace);
        let report = build(
            &mut engine,
            &workspace,
            &BuildOptions {
                no_cache: true,
                ..BuildOptions::default()
            },
        );
        assert!(report.steps.iter().all(|s| !s.cached));
    }

    #[test]
    fn errors_name_the_line() {
        let mut engine = Engine::new(3);
        let mut workspace = Workspace::default();
        workspace
            .write("Dockerfile", "FROM alpine\nCOPY missing.txt /\n", false)
            .unwrap();
        let report = build_with(&mut engine, &workspace);
        let error = report.error.unwrap();
        assert_eq!(error.line(), Some(2));
        assert!(
            error
                .to_string()
                .contains("stat missing.txt: file does not exist")
        );

        workspace
            .write("Dockerfile", "FROM alpine\nRUN make\n", false)
            .unwrap();
        let error = build_with(&mut engine, &workspace).error.unwrap();
        assert_eq!(
            error.to_string(),
            "The command '/bin/sh -c make' returned a non-zero code: 127"
        );

        workspace
            .write("Dockerfile", "FROM alpine\nRUNN x\n", false)
            .unwrap();
        let error = build_with(&mut engine, &workspace).error.unwrap();
        assert_eq!(
            error.to_string(),
            "Error response from daemon: dockerfile parse error line 2: unknown instruction: RUNN"
        );
        workspace.files.remove("Dockerfile");
        assert!(matches!(
            build_with(&mut engine, &workspace).error,
            Some(BuildError::NoDockerfile(_))
        ));
    }
}
