//! Containers tab families played in the docker CLI sandbox: how a container ends after
//! `docker stop` or `docker kill`, and which layers a pull finds already on the host.
//!
//! Both replay a drawn script in `tabs::containers::docker::sandbox` and read the answer off
//! what the engine did (its events and its pull report), so the CLI view's scene link shows the
//! same terminal and diagram. The facts are the model's, with its sources:
//! - Stop and kill (`model::program`, `model::engine::Engine::stop`): `docker stop` sends the
//!   image's stop signal (SIGTERM unless STOPSIGNAL says otherwise; nginx's is SIGQUIT), waits a
//!   grace period (10 s, `-t` changes it) and then sends SIGKILL (Docker docs, "docker container
//!   stop"; domain.md section 6, item 3). PID 1 of a PID namespace receives only the signals it has
//!   a handler for, SIGKILL aside (pid_namespaces(7)), so `sleep` or an idle shell ignores SIGTERM
//!   and dies by SIGKILL with status 137 = 128 + 9 (signal(7)); nginx and redis handle it and exit 0.
//! - Pulls (`model::engine_images`, `model::registry`): a pull downloads only the layers the host
//!   lacks and prints `Already exists` for the rest; nginx, redis and python's slim image stand on
//!   the same Debian bookworm-slim base layer (docker-library/official-images Dockerfiles), and
//!   `nginx:alpine` on Alpine's.

use std::sync::OnceLock;

use super::{Dice, Family, GenError, Instance, choices};
use crate::scene::SceneLink;
use crate::tabs::containers::docker::Engine;
use crate::tabs::containers::docker::LayerPull;
use crate::tabs::containers::docker::Sandbox;
use crate::tabs::containers::docker::{DEFAULT_SEED, replay};
use crate::tabs::containers::docker::{Event, TimedEvent};
use crate::tabs::containers::link::view_link;
use crate::tabs::containers::model::View;

/// "How does the container end after this stop or kill?"
pub const STOP_OUTCOME: Family = Family {
    id: "containers.stop-outcome",
    tab: "containers",
    title: "After docker stop or docker kill, does the container exit, with which status, and when?",
    cards: &["docker-stop", "stop-all-containers", "docker-ps"],
    generate: stop_outcome,
};

/// "How many layers does this pull find already on the host?"
pub const PULL_SHARED: Family = Family {
    id: "containers.pull-shared",
    tab: "containers",
    title: "After pulling one image, how many layers of the next pull are already on the host?",
    cards: &["docker-pull", "docker-image"],
    generate: pull_shared,
};

/// The container every stop question starts, and what its main process is.
struct Start {
    /// `docker run` arguments after `--name app`.
    run_args: &'static str,
    /// The main process, in words.
    process: &'static str,
}

/// Main processes with each kind of signal handling the model knows: a handler for the stop
/// signal (nginx, redis) or none at all (sleep, an interactive shell kept open by `-i`).
const STARTS: &[Start] = &[
    Start {
        run_args: "nginx",
        process: "nginx, whose image sets STOPSIGNAL SIGQUIT",
    },
    Start {
        run_args: "redis",
        process: "redis-server",
    },
    Start {
        run_args: "alpine sleep 3600",
        process: "sleep 3600",
    },
    Start {
        run_args: "-i ubuntu",
        process: "an interactive bash kept open by -i",
    },
];

/// The container's name in every stop script.
const NAME: &str = "app";

/// The stop or kill commands a question asks about; `{}` is the grace period of `stop -t`.
fn stop_commands(grace_secs: u64) -> Vec<String> {
    vec![
        format!("docker stop {NAME}"),
        format!("docker stop -t {grace_secs} {NAME}"),
        format!("docker kill {NAME}"),
        format!("docker kill -s SIGTERM {NAME}"),
        format!("docker kill -s SIGHUP {NAME}"),
        format!("docker kill -s SIGQUIT {NAME}"),
    ]
}

/// The `docker run` line of a start.
fn run_line(start: &Start) -> String {
    format!("docker run -d --name {NAME} {}", start.run_args)
}

/// How a stop or kill line ended the container, read off the engine's events of that step: still
/// running, or its exit status and how long after the first signal it came.
pub(crate) fn stop_words(line: &str, events: &[TimedEvent]) -> Result<String, GenError> {
    let signalled_ms = events
        .iter()
        .find(|timed| matches!(timed.event, Event::SignalSent { .. }))
        .map(|timed| timed.at_ms)
        .ok_or_else(|| GenError::Model(format!("`{line}` sent no signal")))?;
    let grace_secs = events.iter().find_map(|timed| match timed.event {
        Event::GracePeriodExpired { grace_secs, .. } => Some(grace_secs),
        _ => None,
    });
    let exited = events.iter().find_map(|timed| match timed.event {
        Event::ContainerExited { exit_code, .. } => Some((exit_code, timed.at_ms)),
        _ => None,
    });
    Ok(match (exited, grace_secs) {
        (None, _) => "Still running (Up): the signal did not end it".to_owned(),
        (Some((code, _)), Some(grace)) => {
            format!("Exited ({code}) after the {grace} s grace period, by SIGKILL")
        }
        (Some((code, at_ms)), None) if at_ms.saturating_sub(signalled_ms) < 1_000 => {
            format!("Exited ({code}) within a second")
        }
        (Some((code, at_ms)), None) => format!(
            "Exited ({code}) after {} s",
            at_ms.saturating_sub(signalled_ms) / 1_000
        ),
    })
}

/// The outcome of `command` run on a sandbox where the container of `start` is running.
fn outcome_after(started: &Sandbox, command: &str) -> Result<String, GenError> {
    let mut sandbox = started.clone();
    stop_words(command, &sandbox.run_line(command).events)
}

/// The sandbox right after `docker run` of each start, replayed once (the same for every
/// question; the commands asked about run on copies).
fn started() -> &'static [Result<Sandbox, GenError>] {
    static STARTED: OnceLock<Vec<Result<Sandbox, GenError>>> = OnceLock::new();
    STARTED.get_or_init(|| {
        STARTS
            .iter()
            .map(|start| {
                replay(DEFAULT_SEED, &[run_line(start)])
                    .map(|trace| trace.last_state().clone())
                    .map_err(GenError::model)
            })
            .collect()
    })
}

/// The started sandbox of start `index`.
fn started_at(index: usize) -> Result<&'static Sandbox, GenError> {
    match started().get(index) {
        Some(Ok(sandbox)) => Ok(sandbox),
        Some(Err(err)) => Err(err.clone()),
        None => Err(GenError::Missing("such start")),
    }
}

/// A CLI view link for a script at a step.
pub(super) fn cli_link(script: &str, step: usize) -> SceneLink {
    view_link(View::Cli)
        .with("script", script)
        .with("step", step)
}

fn stop_outcome(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(STOP_OUTCOME.id, seed);
    let start_index = dice.index(STARTS.len());
    let start = STARTS
        .get(start_index)
        .ok_or(GenError::Missing("such start"))?;
    let grace_secs = dice.range(1..=5);
    let commands = stop_commands(grace_secs);
    let command_index = dice.index(commands.len());
    let command = commands
        .get(command_index)
        .ok_or(GenError::Missing("stop command"))?;
    let sandbox = started_at(start_index)?;
    let answer = outcome_after(sandbox, command)?;
    // Distractors: the same container under the other commands, then the same command on the
    // other processes: what the model does elsewhere, nearest first.
    let mut distractors = Vec::new();
    for (index, other) in commands.iter().enumerate() {
        if index != command_index {
            distractors.push(outcome_after(sandbox, other)?);
        }
    }
    for index in 0..STARTS.len() {
        if index != start_index {
            distractors.push(outcome_after(started_at(index)?, command)?);
        }
    }
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    let script = format!("{}\n{command}", run_line(start));
    Ok(Instance {
        family: STOP_OUTCOME.id,
        seed,
        question: format!(
            "The student runs `{}` (its main process is {}) and then `{command}`. What does \
             docker ps -a show for {NAME} afterwards?",
            run_line(start),
            start.process
        ),
        choices,
        answer: answer_index,
        explanation: "docker stop sends the image's stop signal (SIGTERM unless STOPSIGNAL says \
                      otherwise), waits the grace period (10 s, or -t) and then sends SIGKILL; \
                      docker kill sends SIGKILL, or the signal given with -s, at once. As PID 1 \
                      of its PID namespace the process only receives signals it handles \
                      (SIGKILL aside), and a death by SIGKILL is status 137 = 128 + 9."
            .to_owned(),
        at: cli_link(&script, 0),
        why: cli_link(&script, 1),
        pick: None,
    })
}

/// Images a pull question draws from: the registry's repositories and tags with shared and
/// unshared bases.
const PULLABLE: &[&str] = &[
    "nginx",
    "redis",
    "python:slim",
    "python",
    "nginx:alpine",
    "alpine",
    "alpine:3.20",
    "ubuntu",
    "busybox",
    "hello-world",
];

/// Pairs whose shared layers the model has but no source checks: nginx and nginx:alpine COPY the
/// same entrypoint scripts, and the model's stand-in layers for them are identical, but whether
/// the real images' COPY layers match byte for byte (file times, owners) is not established. The
/// questions leave these pairs out rather than teach a guess.
fn unchecked_pair(first: &str, second: &str) -> bool {
    let pair = [first, second];
    pair.contains(&"nginx") && pair.contains(&"nginx:alpine")
}

/// "1 layer", "7 layers".
fn layers_words(count: usize) -> String {
    if count == 1 {
        "1 layer".to_owned()
    } else {
        format!("{count} layers")
    }
}

/// A pull of `second` after `first` on a fresh host: (layers already there, layers in all).
pub(crate) fn shared_layers(first: &str, second: &str) -> Result<(usize, usize), GenError> {
    let mut engine = Engine::new(DEFAULT_SEED);
    engine.pull(first).map_err(GenError::model)?;
    let report = engine.pull(second).map_err(GenError::model)?;
    let present = report
        .layers
        .iter()
        .filter(|(_, pull)| *pull == LayerPull::AlreadyExists)
        .count();
    Ok((present, report.layers.len()))
}

/// A pull's (layers already there, layers in all), or why it failed.
type Shared = Result<(usize, usize), GenError>;

/// [`shared_layers`] for every ordered pair of [`PULLABLE`] images, `[first][second]`, computed
/// once: the registry never changes, so neither do these counts.
fn shared_matrix() -> &'static [Vec<Shared>] {
    static MATRIX: OnceLock<Vec<Vec<Shared>>> = OnceLock::new();
    MATRIX.get_or_init(|| {
        PULLABLE
            .iter()
            .map(|first| {
                PULLABLE
                    .iter()
                    .map(|second| shared_layers(first, second))
                    .collect()
            })
            .collect()
    })
}

/// The shared-layer count of a pair from the matrix.
fn shared_of(first: &str, second: &str) -> Shared {
    let index = |image: &str| PULLABLE.iter().position(|i| *i == image);
    let (Some(row), Some(column)) = (index(first), index(second)) else {
        return shared_layers(first, second);
    };
    shared_matrix()
        .get(row)
        .and_then(|cells| cells.get(column))
        .cloned()
        .unwrap_or_else(|| shared_layers(first, second))
}

fn pull_shared(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(PULL_SHARED.id, seed);
    let second = dice.pick(PULLABLE).ok_or(GenError::Missing("images"))?;
    let others: Vec<&str> = PULLABLE
        .iter()
        .copied()
        .filter(|image| *image != second && !unchecked_pair(image, second))
        .collect();
    // Half the questions pull after an image that shares layers with the second one (the
    // model says which do), so "none" is not the usual answer.
    let mut counts = Vec::with_capacity(others.len());
    for other in &others {
        counts.push((*other, shared_of(other, second)?));
    }
    let sharing: Vec<&str> = counts
        .iter()
        .filter(|(_, (present, _))| *present > 0)
        .map(|(image, _)| *image)
        .collect();
    let first = if dice.coin() && !sharing.is_empty() {
        dice.pick(&sharing)
    } else {
        dice.pick(&others)
    }
    .ok_or(GenError::Missing("first image"))?;
    let (present, total) = shared_of(first, second)?;
    // Distractors: the counts after the other first pulls, then every layer, then neighbours.
    let mut distractors: Vec<String> = counts
        .iter()
        .map(|(_, (count, _))| count.to_string())
        .collect();
    distractors.push(total.to_string());
    distractors.extend(
        [present + 1, present.saturating_sub(1)]
            .iter()
            .filter(|count| **count <= total)
            .map(ToString::to_string),
    );
    let (choices, answer_index) = choices(&mut dice, present.to_string(), distractors)?;
    let script = format!("docker pull {first}\ndocker pull {second}");
    Ok(Instance {
        family: PULL_SHARED.id,
        seed,
        question: format!(
            "On a host with no images the student runs `docker pull {first}`, then `docker \
             pull {second}` ({}). How many of them does the second pull report as `Already \
             exists`?",
            layers_words(total)
        ),
        choices,
        answer: answer_index,
        explanation: format!(
            "Layers are content-addressed and shared between images: a pull downloads only the \
             layers the host lacks. Of {second}'s {}, {present} came with {first}.",
            layers_words(total)
        ),
        at: cli_link(&script, 0),
        why: cli_link(&script, 1),
        pick: None,
    })
}
