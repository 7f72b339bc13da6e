//! Container commands: `run`, `create`, `ps`, `start`, `stop`, `restart`, `pause`, `kill`, `rm`,
//! `logs`, `exec`, `diff`, `container prune`.

use super::cli::{
    Context, daemon_error, daemon_message, flag_error, ports_column, quoted_command, run_error,
};
use super::container::{ContainerState, Limits, LogStream, PortBinding};
use super::engine::{CreateSpec, DEFAULT_STOP_TIMEOUT_SECS, Engine};
use super::errors::DaemonError;
use super::flags::Parsed;
use super::humanize::{DateTime, ago, human_size};
use super::image::parse_reference;
use super::layerfs::UnionView;
use super::output::{Output, Stream, table};
use super::program::Signal;

/// Parses a `--memory` value as Docker's `RAMInBytes` does (`512m`, `1g`, `2048k`, `1.5GB`; binary units).
pub(super) fn parse_memory_bytes(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    let trimmed = lower.strip_suffix('b').unwrap_or(&lower);
    let mut number = trimmed.chars();
    let multiplier: u64 = match number.next_back() {
        Some('k') => 1 << 10,
        Some('m') => 1 << 20,
        Some('g') => 1 << 30,
        Some('t') => 1 << 40,
        _ => {
            number = trimmed.chars();
            1
        }
    };
    let value: f64 = number.as_str().parse().ok()?;
    (value.is_finite() && value >= 0.0 && value * (multiplier as f64) < 1e18)
        .then_some((value * multiplier as f64) as u64)
}

/// Pull output lines for `docker run` / `docker pull` (without `Using default tag`).
pub(super) fn pull_lines(
    engine: &mut Engine,
    image: &str,
    output: &mut Output,
) -> Result<(), DaemonError> {
    let report = engine.pull(image)?;
    output.out(format!(
        "{}: Pulling from {}",
        report.tag, report.remote_path
    ));
    for (blob, status) in &report.layers {
        let word = match status {
            super::engine_images::LayerPull::Downloaded => "Pull complete",
            super::engine_images::LayerPull::AlreadyExists => "Already exists",
        };
        output.out(format!("{}: {word}", blob.short()));
    }
    output.out(format!("Digest: {}", report.manifest));
    if report.up_to_date {
        output.out(format!(
            "Status: Image is up to date for {}",
            report.reference
        ));
    } else {
        output.out(format!(
            "Status: Downloaded newer image for {}",
            report.reference
        ));
    }
    Ok(())
}

/// `docker run` (`start == true`) and `docker create`.
pub(super) fn run(context: &mut Context<'_>, parsed: &Parsed, start: bool) -> Output {
    let path = if start { "run" } else { "create" };
    let mut output = Output::default();
    let (image, cmd) = match parsed.positionals.split_first() {
        Some((image, cmd)) => (image.clone(), cmd.to_vec()),
        None => return output,
    };
    let mut limits = Limits::default();
    if let Some(cpus) = parsed.last("cpus") {
        match cpus.parse::<f64>() {
            Ok(value) if value.is_finite() && value >= 0.0 => {
                limits.nano_cpus = (value * 1e9).round() as u64;
            }
            _ => {
                flag_error(
                    &mut output,
                    path,
                    format!(
                        "invalid argument \"{cpus}\" for \"--cpus\" flag: failed to parse {cpus} as a rational number"
                    ),
                );
                return output;
            }
        }
    }
    if let Some(memory) = parsed.last("memory") {
        match parse_memory_bytes(memory) {
            Some(bytes) => limits.memory_bytes = bytes,
            None => {
                flag_error(
                    &mut output,
                    path,
                    format!(
                        "invalid argument \"{memory}\" for \"-m, --memory\" flag: invalid size: '{memory}'"
                    ),
                );
                return output;
            }
        }
    }
    let mut ports = Vec::new();
    let used_ports = context
        .engine
        .containers
        .iter()
        .map(|c| c.ports.len())
        .sum::<usize>();
    for spec in parsed.all("publish") {
        let ephemeral = 32768 + (used_ports + ports.len()) as u16;
        match PortBinding::parse(spec, ephemeral) {
            Ok(port) => ports.push(port),
            Err(error) => {
                run_error(&mut output, path, &error.to_string(), 125);
                return output;
            }
        }
    }
    let network = parsed.last("network").map(str::to_owned);
    if network.as_deref() == Some("host") && !ports.is_empty() {
        output.err("WARNING: Published ports are discarded when using host network mode");
        ports.clear();
    }
    if let Err(error) = parse_reference(&image) {
        run_error(&mut output, path, &error.to_string(), 125);
        return output;
    }
    if context.engine.images.lookup(&image).is_none() {
        let shown = parse_reference(&image).map_or(image.clone(), |r| r.full());
        output.err(format!("Unable to find image '{shown}' locally"));
        if let Err(error) = pull_lines(context.engine, &image, &mut output) {
            run_error(&mut output, path, &daemon_message(&error), 125);
            return output;
        }
    }
    let spec = CreateSpec {
        image: image.clone(),
        name: parsed.last("name").map(str::to_owned),
        entrypoint: parsed
            .last("entrypoint")
            .map(|e| e.split_whitespace().map(str::to_owned).collect()),
        cmd,
        env: parsed.all("env").to_vec(),
        ports,
        limits,
        network,
        tty: parsed.on("tty"),
        interactive: parsed.on("interactive"),
        // Attached `--rm` runs are removed below, after their output has been shown.
        auto_remove: parsed.on("rm") && (parsed.on("detach") || !start),
        workdir: parsed.last("workdir").map(str::to_owned),
        compose: None,
    };
    let id = match context.engine.create(&spec) {
        Ok(id) => id,
        Err(error) => {
            run_error(&mut output, path, &daemon_message(&error), 125);
            return output;
        }
    };
    if !start {
        output.out(id.hex());
        return output;
    }
    let detach = parsed.on("detach");
    if let Err(error) = context.engine.start(&id.hex()) {
        let code = match error {
            DaemonError::StartFailed(_) => 127,
            _ => 125,
        };
        run_error(&mut output, path, &daemon_message(&error), code);
        return output;
    }
    if detach {
        output.out(id.hex());
        return output;
    }
    // Attached: the container's output, then its exit status (or a note if it keeps running).
    let Some(container) = context.engine.container(&id).cloned() else {
        return output;
    };
    for line in &container.logs {
        let stream = match line.stream {
            LogStream::Stdout => Stream::Stdout,
            LogStream::Stderr => Stream::Stderr,
        };
        output.push(stream, line.text.clone());
    }
    let remove_on_exit = parsed.on("rm");
    if container.state.has_process() {
        if remove_on_exit && let Ok(container) = context.engine.find_container_mut(&id.hex()) {
            container.auto_remove = true;
        }
        if spec.tty && spec.interactive {
            output.note(format!(
                "(sandbox) interactive terminals are not simulated: {} keeps running in the background; run single commands with docker exec {} <command>",
                container.name, container.name
            ));
        } else {
            output.note(
                "(sandbox) detached here: a real terminal stays attached to the container until Ctrl-C; use -d to run it in the background",
            );
        }
    } else {
        output.exit_code = container.exit_code;
        if remove_on_exit && let Err(error) = context.engine.remove(&id.hex(), false) {
            daemon_error(&mut output, error);
        }
    }
    output
}

/// `docker ps`.
pub(super) fn ps(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let engine = &*context.engine;
    let all = parsed.on("all") || parsed.on("latest");
    let mut filters: Vec<(String, String)> = Vec::new();
    for filter in parsed.all("filter") {
        match filter.split_once('=') {
            Some((key @ ("status" | "name" | "ancestor"), value)) => {
                filters.push((key.to_owned(), value.to_owned()));
            }
            _ => {
                daemon_error(&mut output, format!("invalid filter '{filter}'"));
                return output;
            }
        }
    }
    let mut containers: Vec<_> = engine
        .containers
        .iter()
        .filter(|c| all || c.state.has_process() || filters.iter().any(|(k, _)| k == "status"))
        .filter(|c| {
            filters.iter().all(|(key, value)| match key.as_str() {
                "status" => c.state.docker_name() == value,
                "name" => c.name.contains(value.as_str()),
                _ => c.image_ref == *value || c.image_id.matches_prefix(value),
            })
        })
        .collect();
    containers.reverse();
    if parsed.on("latest") {
        containers.truncate(1);
    }
    let no_trunc = parsed.on("no-trunc");
    if parsed.on("quiet") {
        for container in containers {
            output.out(if no_trunc {
                container.id.hex()
            } else {
                container.short_id()
            });
        }
        return output;
    }
    let mut header = vec![
        "CONTAINER ID",
        "IMAGE",
        "COMMAND",
        "CREATED",
        "STATUS",
        "PORTS",
        "NAMES",
    ];
    if parsed.on("size") {
        header.push("SIZE");
    }
    let rows: Vec<Vec<String>> = containers
        .iter()
        .map(|c| {
            let image = if engine.images.lookup(&c.image_ref).map(|i| i.id) == Some(c.image_id) {
                c.image_ref.clone()
            } else {
                c.image_id.short()
            };
            let mut row = vec![
                if no_trunc { c.id.hex() } else { c.short_id() },
                image,
                if no_trunc {
                    format!("\"{}\"", c.command_line())
                } else {
                    quoted_command(c)
                },
                ago(engine.now_ms.saturating_sub(c.created_ms)),
                c.status_text(engine.now_ms),
                ports_column(c),
                c.name.clone(),
            ];
            if parsed.on("size") {
                let virtual_bytes: u64 = engine
                    .container_layers(c)
                    .iter()
                    .map(|l| l.size_bytes)
                    .sum::<u64>()
                    + c.writable_bytes();
                row.push(format!(
                    "{} (virtual {})",
                    human_size(c.writable_bytes(), 3),
                    human_size(virtual_bytes, 3)
                ));
            }
            row
        })
        .collect();
    for line in table(&header, &rows) {
        output.out(line);
    }
    output
}

/// `docker start`.
pub(super) fn start(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let mut failed = Vec::new();
    for name in &parsed.positionals {
        match context.engine.start(name) {
            Ok(_) => output.out(name.clone()),
            Err(error) => {
                output.err(daemon_message(&error));
                failed.push(name.clone());
            }
        }
    }
    if !failed.is_empty() {
        output.err(format!(
            "Error: failed to start containers: {}",
            failed.join(", ")
        ));
        output.exit_code = 1;
    }
    output
}

/// `docker stop` and `docker restart` (stop, then start).
pub(super) fn stop(context: &mut Context<'_>, parsed: &Parsed, restart: bool) -> Output {
    let mut output = Output::default();
    let timeout_secs = match parsed.last("time") {
        None => DEFAULT_STOP_TIMEOUT_SECS,
        Some(text) => match text.parse::<u64>() {
            Ok(secs) if secs <= 3600 => secs,
            _ => {
                output.err(format!(
                    "invalid argument \"{text}\" for \"-t, --time\" flag: the sandbox accepts 0 to 3600 seconds"
                ));
                output.exit_code = 125;
                return output;
            }
        },
    };
    if let Some(signal) = parsed.last("signal") {
        output.note(format!(
            "(sandbox) --signal {signal} ignored: the image's stop signal is used"
        ));
    }
    for name in &parsed.positionals {
        let result = context.engine.stop(name, timeout_secs).and_then(|()| {
            if restart {
                context.engine.start(name).map(|_| ())
            } else {
                Ok(())
            }
        });
        match result {
            Ok(()) => output.out(name.clone()),
            Err(error) => daemon_error(&mut output, error),
        }
    }
    output
}

/// `docker pause` / `docker unpause`.
pub(super) fn pause(context: &mut Context<'_>, parsed: &Parsed, pause: bool) -> Output {
    let mut output = Output::default();
    for name in &parsed.positionals {
        let result = if pause {
            context.engine.pause(name)
        } else {
            context.engine.unpause(name)
        };
        match result {
            Ok(()) => output.out(name.clone()),
            Err(error) => daemon_error(&mut output, error),
        }
    }
    output
}

/// `docker kill [-s SIGNAL]`.
pub(super) fn kill(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let signal = match parsed.last("signal") {
        None => Signal::Kill,
        Some(text) => match Signal::parse(text) {
            Some(signal) => signal,
            None => {
                daemon_error(&mut output, format!("Invalid signal: {text}"));
                return output;
            }
        },
    };
    for name in &parsed.positionals {
        match context.engine.kill(name, signal) {
            Ok(()) => output.out(name.clone()),
            Err(error) => daemon_error(&mut output, error),
        }
    }
    output
}

/// `docker rm [-f]`.
pub(super) fn rm(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    for name in &parsed.positionals {
        match context.engine.remove(name, parsed.on("force")) {
            Ok(()) => output.out(name.clone()),
            Err(error) => daemon_error(&mut output, error),
        }
    }
    output
}

/// `docker logs [--tail N] [-t]`.
pub(super) fn logs(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    // `run` has checked the argument count against the spec; the `else` is a guard.
    let Some(name) = parsed.positionals.first() else {
        return output;
    };
    let logs = match context.engine.find_container(name) {
        Ok(container) => &container.logs,
        Err(error) => {
            daemon_error(&mut output, error);
            return output;
        }
    };
    let skip = match parsed.last("tail") {
        None | Some("all") => 0,
        Some(text) => match text.parse::<usize>() {
            Ok(count) => logs.len().saturating_sub(count),
            Err(_) => {
                output.err(format!(
                    "invalid argument \"{text}\" for \"-n, --tail\" flag: expected a number or all"
                ));
                output.exit_code = 125;
                return output;
            }
        },
    };
    for line in logs.iter().skip(skip) {
        let stream = match line.stream {
            LogStream::Stdout => Stream::Stdout,
            LogStream::Stderr => Stream::Stderr,
        };
        let text = if parsed.on("timestamps") {
            format!(
                "{} {}",
                DateTime::from_sim_ms(line.at_ms as i64).rfc3339_nanos(),
                line.text
            )
        } else {
            line.text.clone()
        };
        output.push(stream, text);
    }
    if parsed.on("follow") {
        output.note("(sandbox) --follow would keep printing new lines until Ctrl-C; here it stops");
    }
    output
}

/// `docker exec`.
pub(super) fn exec(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let (name, argv) = match parsed.positionals.split_first() {
        Some((name, argv)) => (name.clone(), argv.to_vec()),
        None => return output,
    };
    let interactive_shell = parsed.on("interactive")
        && matches!(
            argv.as_slice(),
            [program] if matches!(
                program.rsplit('/').next(),
                Some("sh" | "bash" | "ash" | "python" | "python3")
            )
        );
    if interactive_shell {
        let running = context
            .engine
            .find_container(&name)
            .ok()
            .map(|c| c.state == ContainerState::Running);
        if running == Some(true) {
            output.note(format!(
                "(sandbox) interactive shells are not simulated; run one command at a time, e.g. docker exec {name} ls /"
            ));
            return output;
        }
    }
    let workdir = parsed.last("workdir");
    match context
        .engine
        .exec(&name, &argv, parsed.all("env"), workdir)
    {
        Ok(result) => {
            for (stream, text) in result.lines {
                let stream = match stream {
                    LogStream::Stdout => Stream::Stdout,
                    LogStream::Stderr => Stream::Stderr,
                };
                output.push(stream, text);
            }
            output.exit_code = result.exit_code;
        }
        Err(DaemonError::ExecFailed(error)) => {
            output.err(DaemonError::ExecFailed(error).to_string());
            output.exit_code = 126;
        }
        Err(error) => daemon_error(&mut output, error),
    }
    output
}

/// `docker diff`.
pub(super) fn diff(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let engine = &*context.engine;
    // `run` has checked the argument count against the spec; the `else` is a guard.
    let Some(name) = parsed.positionals.first() else {
        return output;
    };
    let container = match engine.find_container(name) {
        Ok(container) => container,
        Err(error) => {
            daemon_error(&mut output, error);
            return output;
        }
    };
    let lower = engine.container_layers(container);
    let view = UnionView {
        lower: &lower,
        upper: &container.upper,
    };
    for (kind, path) in view.diff() {
        output.out(format!("{} {path}", kind.letter()));
    }
    output
}

/// `docker container prune [-f]`.
pub(super) fn prune(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    output.out("WARNING! This will remove all stopped containers.");
    if !parsed.on("force") {
        output.out("Are you sure you want to continue? [y/N] ");
        output
            .note("(sandbox) no answer can be typed here, so this counts as N; add -f to confirm");
        return output;
    }
    let (removed, freed_bytes) = context.engine.prune_containers();
    if !removed.is_empty() {
        output.out("Deleted Containers:");
        for id in removed {
            output.out(id.hex());
        }
        output.out("");
    }
    output.out(format!(
        "Total reclaimed space: {}",
        human_size(freed_bytes, 3)
    ));
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_sizes_use_binary_units() {
        assert_eq!(parse_memory_bytes("512m"), Some(512 << 20));
        assert_eq!(parse_memory_bytes("1g"), Some(1 << 30));
        assert_eq!(parse_memory_bytes("1.5GB"), Some(3 << 29));
        assert_eq!(parse_memory_bytes("100"), Some(100));
        assert_eq!(parse_memory_bytes("abc"), None);
    }
}
