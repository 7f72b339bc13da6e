//! Replayable command scripts: the CLI presets and `containers/cli?script=...` scene links.
//!
//! A script is a list of lines typed into a fresh sandbox. Replaying it once gives a trace whose step
//! N holds the output and events of line N and the sandbox state after it, so "the state after command
//! N" is a pure function of (seed, lines). Each step has a slug from its command (`run`, `ps`, `stop`,
//! `compose-up`; repeated ones get `-2`, `-3`) and a one-sentence label saying what the command does
//! and what it did this time.

use std::collections::BTreeMap;

use super::events::{Event, TimedEvent};
use super::output::Output;
use super::sandbox::Sandbox;
use super::sha256::Digest;

/// Seed used by presets and scene links.
pub(crate) const DEFAULT_SEED: u64 = 2025;

/// Longest script a scene link may carry.
pub(crate) const MAX_SCRIPT_LINES: usize = 200;

/// One replayed line.
#[derive(Clone, Debug)]
pub(crate) struct CliStep {
    /// Stable id (`run`, `ps-2`).
    pub(crate) slug: String,
    /// What the command does and did.
    pub(crate) label: String,
    /// The line as typed.
    pub(crate) line: String,
    /// Terminal output.
    pub(crate) output: Output,
    /// Engine events in order.
    pub(crate) events: Vec<TimedEvent>,
    /// The line cleared the terminal.
    pub(crate) clear: bool,
    /// The sandbox after this line.
    pub(super) after: Sandbox,
}

/// A replayed script.
#[derive(Clone, Debug)]
pub(crate) struct CliTrace {
    /// The sandbox before the first line.
    pub(crate) initial: Sandbox,
    /// One step per line.
    pub(crate) steps: Vec<CliStep>,
}

impl CliTrace {
    /// An empty trace: a fresh sandbox seeded with `seed` and no lines yet.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            initial: Sandbox::new(seed),
            steps: Vec::new(),
        }
    }

    /// The sandbox after step `index` (or the initial one for an empty trace).
    pub(crate) fn state_at(&self, index: usize) -> &Sandbox {
        self.steps
            .get(index)
            .or(self.steps.last())
            .map_or(&self.initial, |step| &step.after)
    }

    /// The sandbox after the last step: where the next typed line runs.
    pub(crate) fn last_state(&self) -> &Sandbox {
        self.steps.last().map_or(&self.initial, |step| &step.after)
    }

    #[cfg(test)]
    /// Resolves `step=N` or `step=<slug>`.
    pub(super) fn find_step(&self, key: &str) -> Option<usize> {
        if let Ok(index) = key.parse::<usize>() {
            return (index < self.steps.len()).then_some(index);
        }
        self.steps.iter().position(|step| step.slug == key)
    }

    /// The lines as typed, in order.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.steps.iter().map(|step| step.line.clone()).collect()
    }

    /// Keeps only the first `len` steps (typing after stepping back drops the later ones).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.steps.truncate(len);
    }

    /// Runs one more line after the last step and records it: the same step that replaying the
    /// whole script would give, so a live session and its scene link agree.
    pub(crate) fn push_line(&mut self, line: &str) -> Result<&CliStep, ScriptError> {
        if self.steps.len() >= MAX_SCRIPT_LINES {
            return Err(ScriptError::TooLong(self.steps.len() + 1));
        }
        let before = self.last_state().clone();
        let mut sandbox = before.clone();
        let result = sandbox.run_line(line);
        let base = command_slug(line);
        let count = 1 + self
            .steps
            .iter()
            .filter(|step| command_slug(&step.line) == base)
            .count();
        let slug = if count == 1 {
            base.clone()
        } else {
            format!("{base}-{count}")
        };
        let label = label_for(&base, &result.events, &result.output, &before, &sandbox);
        Ok(self.steps.push_mut(CliStep {
            slug,
            label,
            line: line.to_owned(),
            output: result.output,
            events: result.events,
            clear: result.clear,
            after: sandbox,
        }))
    }
}

/// Why a script cannot be replayed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ScriptError {
    /// Too many lines.
    #[error("script has {0} lines; at most {MAX_SCRIPT_LINES} are replayed")]
    TooLong(usize),
}

/// Splits a decoded `script=` value into lines (blank lines dropped).
pub(crate) fn split_script(text: &str) -> Vec<String> {
    text.split('\n')
        .map(|line| line.trim_end_matches('\r').to_owned())
        .filter(|line| !line.trim().is_empty())
        .collect()
}

/// Replays `lines` in a fresh sandbox seeded with `seed`.
pub(crate) fn replay(seed: u64, lines: &[String]) -> Result<CliTrace, ScriptError> {
    if lines.len() > MAX_SCRIPT_LINES {
        return Err(ScriptError::TooLong(lines.len()));
    }
    let mut trace = CliTrace::new(seed);
    trace.steps.reserve(lines.len());
    for line in lines {
        trace.push_line(line)?;
    }
    Ok(trace)
}

/// The slug of a line's first command: `docker run` -> `run`, `docker compose up` -> `compose-up`,
/// `docker container prune` -> `container-prune`, `echo` -> `echo`.
pub(super) fn command_slug(line: &str) -> String {
    let Ok(script) = super::shell::parse(line) else {
        return "error".to_owned();
    };
    let Some((_, command)) = script.commands.first() else {
        return "comment".to_owned();
    };
    let words: Vec<String> = command
        .words
        .iter()
        .map(|word| {
            word.parts
                .iter()
                .map(|part| match part {
                    super::shell::WordPart::Literal(text) => text.clone(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    let mut positional = words.iter().filter(|w| !w.starts_with('-'));
    let first = positional.next().cloned().unwrap_or_default();
    if first != "docker" {
        return sanitize(&first);
    }
    let second = positional
        .next()
        .cloned()
        .unwrap_or_else(|| "help".to_owned());
    let slug = match second.as_str() {
        "compose" | "container" | "image" | "network" => {
            let third = positional.next().cloned().unwrap_or_default();
            match (second.as_str(), third.as_str()) {
                ("container", "ls" | "list") => "ps".to_owned(),
                ("image", "ls" | "list") => "images".to_owned(),
                ("image", "rm") => "rmi".to_owned(),
                ("container" | "image", "") => second.clone(),
                ("container" | "image", sub) if sub != "prune" => sub.to_owned(),
                (group, "") => group.to_owned(),
                (group, sub) => format!("{group}-{sub}"),
            }
        }
        other => other.to_owned(),
    };
    sanitize(&slug)
}

fn sanitize(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches('-');
    if trimmed.is_empty() {
        "command".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// What each command does, in one clause.
fn base_sentence(slug: &str) -> &'static str {
    match slug {
        "run" => {
            "docker run is docker create followed by docker start, after pulling any image layers that are missing"
        }
        "create" => {
            "docker create prepares a container (config and writable layer) without starting it"
        }
        "ps" => "docker ps lists running containers, and -a adds the stopped ones",
        "start" => "docker start runs an existing container's process again",
        "stop" => {
            "docker stop sends the stop signal, then SIGKILL after the grace period (10 s by default), and keeps the container"
        }
        "restart" => "docker restart stops a container and starts it again",
        "pause" => "docker pause freezes all of a container's processes with the cgroup freezer",
        "unpause" => "docker unpause thaws a paused container",
        "kill" => "docker kill sends SIGKILL (or the signal given with -s) immediately",
        "rm" => {
            "docker rm deletes containers and their writable layers, and refuses running ones without -f"
        }
        "logs" => "docker logs prints what a container's main process wrote to stdout and stderr",
        "exec" => {
            "docker exec starts one more process inside a running container and creates no new container"
        }
        "diff" => "docker diff lists what the container changed in its writable layer",
        "inspect" => "docker inspect prints an object's low-level configuration and state as JSON",
        "images" => "docker images lists local images, where tags are names pointing at image ids",
        "pull" => "docker pull downloads an image's missing layers from the registry",
        "rmi" => {
            "docker rmi removes an image tag, and the image itself once no tag or container uses it"
        }
        "build" => {
            "docker build runs a Dockerfile on the build context, and RUN, COPY and ADD each add a layer"
        }
        "history" => {
            "docker history lists the instructions behind an image's layers and their sizes"
        }
        "tag" => "docker tag adds another name for the same image id",
        "push" => "docker push uploads an image (not a container) to a registry",
        "container-prune" => "docker container prune removes every stopped container",
        "network-create" => "docker network create adds a user-defined bridge network",
        "network-ls" => {
            "docker network ls lists networks, including the predefined bridge, host and none"
        }
        "network-rm" => "docker network rm deletes networks that no running container uses",
        "compose-up" => {
            "docker compose up creates the project network and starts every service, dependencies first"
        }
        "compose-down" => {
            "docker compose down stops and removes the project's containers, then its network"
        }
        "compose-ps" => "docker compose ps lists the project's containers",
        "version" => {
            "docker version shows the client and the server components (engine, containerd, runc)"
        }
        "info" => "docker info summarises the host: containers, images, storage and cgroup drivers",
        "echo" => "echo prints its arguments (into a file with >)",
        "cat" => "cat prints a file of the working directory",
        "ls" => "ls lists the working directory, the build context",
        "comment" => "a comment does nothing",
        "error" => "the line does not parse, so nothing runs",
        _ => "the command runs in the sandbox",
    }
}

/// One sentence: what the command does, then what it did this time.
fn label_for(
    slug: &str,
    events: &[TimedEvent],
    output: &Output,
    before: &Sandbox,
    after: &Sandbox,
) -> String {
    let mut names: BTreeMap<Digest, String> = BTreeMap::new();
    for sandbox in [before, after] {
        for container in &sandbox.engine.containers {
            names.insert(container.id, container.name.clone());
        }
    }
    let name = |id: &Digest| names.get(id).cloned().unwrap_or_else(|| id.short());
    let mut effects: Vec<String> = Vec::new();
    let downloaded = events
        .iter()
        .filter(|e| matches!(e.event, Event::LayerDownloaded { .. }))
        .count();
    let reused = events
        .iter()
        .filter(|e| matches!(e.event, Event::LayerAlreadyExists { .. }))
        .count();
    let plural = |count: usize| if count == 1 { "" } else { "s" };
    if downloaded > 0 {
        effects.push(format!(
            "downloaded {downloaded} layer{}",
            plural(downloaded)
        ));
    }
    if reused > 0 {
        effects.push(format!("reused {reused} shared layer{}", plural(reused)));
    }
    for event in events {
        let effect = match &event.event {
            Event::ContainerCreated { name, .. } => Some(format!("created {name}")),
            Event::ContainerStarted { container } => Some(format!("started {}", name(container))),
            Event::GracePeriodExpired {
                container,
                grace_secs,
            } => Some(format!(
                "{} ignored the stop signal for {grace_secs} s",
                name(container)
            )),
            Event::ContainerExited {
                container,
                exit_code,
            } => Some(format!("{} exited with {exit_code}", name(container))),
            Event::ContainerRemoved { name, .. } => Some(format!("removed {name}")),
            Event::ContainerPaused { container } => Some(format!("froze {}", name(container))),
            Event::ExecRan { container, .. } => Some(format!(
                "ran a process in {} (the container count stays {})",
                name(container),
                after.engine.containers.len()
            )),
            Event::FileWritten { container, path } => Some(format!(
                "wrote {path} in {}'s writable layer",
                name(container)
            )),
            Event::FileDeleted { container, path } => {
                Some(format!("hid {path} with a whiteout in {}", name(container)))
            }
            Event::CopiedUp {
                container, path, ..
            } => Some(format!(
                "copied {path} up into {}'s writable layer",
                name(container)
            )),
            Event::NetworkCreated { name } => Some(format!("created network {name}")),
            Event::NetworkRemoved { name } => Some(format!("removed network {name}")),
            Event::ImageDeleted { image } => Some(format!("deleted image {}", image.short())),
            _ => None,
        };
        if let Some(effect) = effect
            && !effects.contains(&effect)
        {
            effects.push(effect);
        }
    }
    let lines_where = |wanted: bool| -> Vec<String> {
        events
            .iter()
            .filter_map(|e| match e.event {
                Event::BuildStep { line, cached, .. } if cached == wanted => Some(line.to_string()),
                _ => None,
            })
            .collect()
    };
    let (cached, rebuilt) = (lines_where(true), lines_where(false));
    if !cached.is_empty() {
        effects.push(format!(
            "line{} {} from the cache",
            plural(cached.len()),
            cached.join(", ")
        ));
    }
    if !rebuilt.is_empty() {
        effects.push(format!(
            "line{} {} run",
            plural(rebuilt.len()),
            rebuilt.join(", ")
        ));
    }
    if effects.is_empty() && output.exit_code != 0 {
        effects.push(format!("it failed with status {}", output.exit_code));
    }
    if effects.len() > 6 {
        let extra = effects.len() - 5;
        effects.truncate(5);
        effects.push(format!("{extra} more changes"));
    }
    if effects.is_empty() {
        format!("{}.", base_sentence(slug))
    } else {
        format!(
            "{}; this time: {}.",
            base_sentence(slug),
            effects.join(", ")
        )
    }
}

/// The CLI view's presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CliPreset {
    /// `docker stop $(docker ps -q)` versus `docker rm $(docker ps -aq)`.
    StopVsRm,
    /// create, start, pause, unpause, stop, start, restart, kill, rm.
    Lifecycle,
    /// pull, shared layers, tags, rmi.
    Images,
    /// exec runs in an existing container.
    Exec,
    /// logs of a server and of a one-shot container.
    Logs,
    /// compose up and down.
    Compose,
    /// rmi refused while a (stopped) container uses the image.
    RmiConflict,
}

impl CliPreset {
    /// Every preset.
    pub(crate) const ALL: &[Self] = &[
        Self::StopVsRm,
        Self::Lifecycle,
        Self::Images,
        Self::Exec,
        Self::Logs,
        Self::Compose,
        Self::RmiConflict,
    ];

    /// Scene-link slug.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Self::StopVsRm => "stop-vs-rm",
            Self::Lifecycle => "lifecycle",
            Self::Images => "images",
            Self::Exec => "exec",
            Self::Logs => "logs",
            Self::Compose => "compose",
            Self::RmiConflict => "rmi-conflict",
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
            Self::StopVsRm => "Stop all vs remove all",
            Self::Lifecycle => "A container's lifecycle",
            Self::Images => "Images, tags and shared layers",
            Self::Exec => "docker exec runs inside an existing container",
            Self::Logs => "Container logs",
            Self::Compose => "docker compose up and down",
            Self::RmiConflict => "Removing an image a container uses",
        }
    }

    /// The command lines.
    pub(crate) fn script(self) -> &'static [&'static str] {
        match self {
            Self::StopVsRm => &[
                "docker run -d --name web -p 8080:80 nginx",
                "docker run -d --name cache redis",
                "docker run -d --name sleeper alpine sleep 1000",
                "docker run --name hello hello-world",
                "docker ps",
                "docker ps -a",
                "docker stop $(docker ps -q)",
                "docker ps",
                "docker ps -a",
                "docker rm $(docker ps -aq)",
                "docker ps -a",
            ],
            Self::Lifecycle => &[
                "docker create --name web nginx",
                "docker ps -a",
                "docker start web",
                "docker pause web",
                "docker ps",
                "docker unpause web",
                "docker stop web",
                "docker ps -a",
                "docker start web",
                "docker restart web",
                "docker kill web",
                "docker ps -a",
                "docker rm web",
                "docker ps -a",
            ],
            Self::Images => &[
                "docker images",
                "docker pull nginx",
                "docker pull redis",
                "docker images",
                "docker pull nginx:1.27",
                "docker images",
                "docker pull alpine",
                "docker history nginx",
                "docker rmi alpine",
                "docker images",
            ],
            Self::Exec => &[
                "docker run -d --name web nginx",
                "docker ps -a",
                "docker exec web ls /usr/share/nginx/html",
                "docker exec web hostname",
                "docker exec web sh -c \"echo hello > /usr/share/nginx/html/hello.html\"",
                "docker exec web cat /usr/share/nginx/html/hello.html",
                "docker diff web",
                "docker exec web ps",
                "docker ps -a",
                "docker stop web",
                "docker exec web ls",
            ],
            Self::Logs => &[
                "docker run -d --name web nginx",
                "docker logs web",
                "docker run --name hello hello-world",
                "docker logs hello",
                "docker stop web",
                "docker logs --tail 5 web",
            ],
            Self::Compose => &[
                "cat compose.yaml",
                "docker compose up -d",
                "docker ps",
                "docker network ls",
                "docker compose down",
                "docker ps -a",
                "docker network ls",
            ],
            Self::RmiConflict => &[
                "docker run --name hello hello-world",
                "docker ps -a",
                "docker rmi hello-world",
                "docker rm hello",
                "docker rmi hello-world",
                "docker images",
            ],
        }
    }

    /// Replays the preset with the default seed.
    pub(crate) fn replay(self) -> CliTrace {
        let lines: Vec<String> = self.script().iter().map(|l| (*l).to_owned()).collect();
        replay(DEFAULT_SEED, &lines).unwrap_or_else(|_| CliTrace {
            initial: Sandbox::new(DEFAULT_SEED),
            steps: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::container::ContainerState;
    use super::*;

    #[test]
    fn slugs_follow_commands_and_are_unique() {
        assert_eq!(command_slug("docker run -d nginx"), "run");
        assert_eq!(command_slug("docker compose up -d"), "compose-up");
        assert_eq!(command_slug("docker container prune -f"), "container-prune");
        assert_eq!(command_slug("docker container ls -a"), "ps");
        assert_eq!(command_slug("docker image rm nginx"), "rmi");
        assert_eq!(command_slug("echo hi"), "echo");
        assert_eq!(command_slug("echo 'x"), "error");
        assert_eq!(command_slug("# note"), "comment");
        let trace = CliPreset::StopVsRm.replay();
        let mut slugs: Vec<&str> = trace.steps.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(trace.find_step("stop"), Some(6));
        assert_eq!(trace.find_step("ps-2"), Some(5));
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), trace.steps.len());
    }

    #[test]
    fn stop_vs_rm_preset_shows_the_difference() {
        let trace = CliPreset::StopVsRm.replay();
        let after_stop = trace.state_at(trace.find_step("stop").unwrap());
        assert_eq!(after_stop.engine.containers.len(), 4);
        assert!(
            after_stop
                .engine
                .containers
                .iter()
                .all(|c| c.state == ContainerState::Exited)
        );
        let sleeper = after_stop
            .engine
            .containers
            .iter()
            .find(|c| c.name == "sleeper")
            .unwrap();
        assert_eq!(sleeper.exit_code, 137);
        let after_rm = trace.state_at(trace.find_step("rm").unwrap());
        assert!(after_rm.engine.containers.is_empty());
        let label = &trace.steps[trace.find_step("stop").unwrap()].label;
        assert!(
            label.contains("sleeper ignored the stop signal for 10 s"),
            "{label}"
        );
    }

    #[test]
    fn replay_is_deterministic() {
        for preset in CliPreset::ALL {
            let a = preset.replay();
            let b = preset.replay();
            assert_eq!(a.steps.len(), preset.script().len());
            for (x, y) in a.steps.iter().zip(&b.steps) {
                assert_eq!(x.output, y.output, "{}", x.line);
                assert_eq!(x.events, y.events);
                assert_eq!(x.slug, y.slug);
            }
        }
    }

    #[test]
    fn presets_run_without_unexpected_failures() {
        for preset in CliPreset::ALL {
            let trace = preset.replay();
            for step in &trace.steps {
                let expected_failure = matches!(
                    (preset, step.slug.as_str()),
                    (CliPreset::RmiConflict, "rmi") | (CliPreset::Exec, "exec-5" | "exec-6")
                );
                assert_eq!(
                    step.output.exit_code != 0,
                    expected_failure,
                    "{}: {:?}",
                    step.line,
                    step.output.texts()
                );
            }
        }
    }

    #[test]
    fn pushing_lines_one_by_one_equals_replaying_the_script() {
        let lines: Vec<String> = CliPreset::StopVsRm
            .script()
            .iter()
            .map(|l| (*l).to_owned())
            .collect();
        let replayed = replay(DEFAULT_SEED, &lines).unwrap();
        let mut live = CliTrace::new(DEFAULT_SEED);
        for line in &lines[..4] {
            live.push_line(line).unwrap();
        }
        // Step back and type something else, then the rest: later steps are dropped first.
        live.push_line("docker ps").unwrap();
        live.truncate(4);
        for line in &lines[4..] {
            live.push_line(line).unwrap();
        }
        assert_eq!(live.lines(), lines);
        for (a, b) in live.steps.iter().zip(&replayed.steps) {
            assert_eq!(
                (&a.slug, &a.label, &a.output),
                (&b.slug, &b.label, &b.output)
            );
            assert_eq!(a.events, b.events);
        }
        assert_eq!(
            live.last_state().engine.now_ms,
            replayed.last_state().engine.now_ms
        );
    }

    #[test]
    fn a_full_trace_refuses_another_line() {
        let lines = vec!["echo hi".to_owned(); MAX_SCRIPT_LINES];
        let mut trace = replay(1, &lines).unwrap();
        assert_eq!(
            trace.push_line("echo one more").err(),
            Some(ScriptError::TooLong(MAX_SCRIPT_LINES + 1))
        );
        assert_eq!(trace.steps.len(), MAX_SCRIPT_LINES);
        assert_eq!(trace.find_step("echo-200"), Some(199));
    }

    #[test]
    fn script_bounds() {
        let lines = vec!["docker ps".to_owned(); MAX_SCRIPT_LINES + 1];
        assert!(matches!(replay(1, &lines), Err(ScriptError::TooLong(_))));
        assert_eq!(split_script("a\n\nb\r\n"), ["a", "b"]);
        let preset_slugs: Vec<&str> = CliPreset::ALL.iter().map(|p| p.slug()).collect();
        assert_eq!(
            preset_slugs,
            [
                "stop-vs-rm",
                "lifecycle",
                "images",
                "exec",
                "logs",
                "compose",
                "rmi-conflict"
            ]
        );
        for preset in CliPreset::ALL {
            assert_eq!(CliPreset::from_slug(preset.slug()), Some(*preset));
        }
    }
}
