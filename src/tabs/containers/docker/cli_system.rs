//! The command table, help texts, and the system-level commands: `inspect`, `network`, `compose`,
//! `version`, `info`.

use serde_json::{Value, json};

use super::cli::{CommandSpec, Context, daemon_error};
use super::compose;
use super::container::Container;
use super::engine::{HOST_CPUS, HOST_MEMORY_BYTES};
use super::flags::{self, FlagSpec, Parsed};
use super::humanize::{DateTime, binary_size};
use super::image::Image;
use super::output::{Output, table};

/// Version strings shown by `docker version` (a Docker 27 release of late 2024, [M]).
pub(super) const DOCKER_VERSION: &str = "27.3.1";
/// The Engine API version of that release ([M]).
pub(super) const API_VERSION: &str = "1.47";

const RUN_FLAGS: &[FlagSpec] = &[
    FlagSpec::switch("detach", Some('d')),
    FlagSpec::value("name", None),
    FlagSpec::value("publish", Some('p')),
    FlagSpec::value("env", Some('e')),
    FlagSpec::switch("rm", None),
    FlagSpec::switch("interactive", Some('i')),
    FlagSpec::switch("tty", Some('t')),
    FlagSpec::value("cpus", None),
    FlagSpec::value("memory", Some('m')),
    FlagSpec::value("network", None),
    FlagSpec::value("entrypoint", None),
    FlagSpec::value("workdir", Some('w')),
];

const STOP_FLAGS: &[FlagSpec] = &[
    FlagSpec::value("time", Some('t')),
    FlagSpec::value("signal", Some('s')),
];

/// Every command the sandbox knows.
pub(super) const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        path: "run",
        usage: "run [OPTIONS] IMAGE [COMMAND] [ARG...]",
        summary: "Create and run a new container from an image",
        flags: RUN_FLAGS,
        interspersed: false,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "create",
        usage: "create [OPTIONS] IMAGE [COMMAND] [ARG...]",
        summary: "Create a new container",
        flags: RUN_FLAGS,
        interspersed: false,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "ps",
        usage: "ps [OPTIONS]",
        summary: "List containers",
        flags: &[
            FlagSpec::switch("all", Some('a')),
            FlagSpec::switch("quiet", Some('q')),
            FlagSpec::switch("size", Some('s')),
            FlagSpec::switch("no-trunc", None),
            FlagSpec::switch("latest", Some('l')),
            FlagSpec::value("filter", Some('f')),
        ],
        interspersed: true,
        min_args: 0,
        max_args: Some(0),
    },
    CommandSpec {
        path: "start",
        usage: "start [OPTIONS] CONTAINER [CONTAINER...]",
        summary: "Start one or more stopped containers",
        flags: &[
            FlagSpec::switch("attach", Some('a')),
            FlagSpec::switch("interactive", Some('i')),
        ],
        interspersed: true,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "stop",
        usage: "stop [OPTIONS] CONTAINER [CONTAINER...]",
        summary: "Stop one or more running containers",
        flags: STOP_FLAGS,
        interspersed: true,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "restart",
        usage: "restart [OPTIONS] CONTAINER [CONTAINER...]",
        summary: "Restart one or more containers",
        flags: STOP_FLAGS,
        interspersed: true,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "pause",
        usage: "pause CONTAINER [CONTAINER...]",
        summary: "Pause all processes within one or more containers",
        flags: &[],
        interspersed: true,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "unpause",
        usage: "unpause CONTAINER [CONTAINER...]",
        summary: "Unpause all processes within one or more containers",
        flags: &[],
        interspersed: true,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "kill",
        usage: "kill [OPTIONS] CONTAINER [CONTAINER...]",
        summary: "Kill one or more running containers",
        flags: &[FlagSpec::value("signal", Some('s'))],
        interspersed: true,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "rm",
        usage: "rm [OPTIONS] CONTAINER [CONTAINER...]",
        summary: "Remove one or more containers",
        flags: &[
            FlagSpec::switch("force", Some('f')),
            FlagSpec::switch("volumes", Some('v')),
            FlagSpec::switch("link", Some('l')),
        ],
        interspersed: true,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "logs",
        usage: "logs [OPTIONS] CONTAINER",
        summary: "Fetch the logs of a container",
        flags: &[
            FlagSpec::switch("follow", Some('f')),
            FlagSpec::value("tail", Some('n')),
            FlagSpec::switch("timestamps", Some('t')),
        ],
        interspersed: true,
        min_args: 1,
        max_args: Some(1),
    },
    CommandSpec {
        path: "exec",
        usage: "exec [OPTIONS] CONTAINER COMMAND [ARG...]",
        summary: "Execute a command in a running container",
        flags: &[
            FlagSpec::switch("detach", Some('d')),
            FlagSpec::switch("interactive", Some('i')),
            FlagSpec::switch("tty", Some('t')),
            FlagSpec::value("env", Some('e')),
            FlagSpec::value("workdir", Some('w')),
            FlagSpec::value("user", Some('u')),
        ],
        interspersed: false,
        min_args: 2,
        max_args: None,
    },
    CommandSpec {
        path: "diff",
        usage: "diff CONTAINER",
        summary: "Inspect changes to files or directories on a container's filesystem",
        flags: &[],
        interspersed: true,
        min_args: 1,
        max_args: Some(1),
    },
    CommandSpec {
        path: "container prune",
        usage: "container prune [OPTIONS]",
        summary: "Remove all stopped containers",
        flags: &[FlagSpec::switch("force", Some('f'))],
        interspersed: true,
        min_args: 0,
        max_args: Some(0),
    },
    CommandSpec {
        path: "inspect",
        usage: "inspect [OPTIONS] NAME|ID [NAME|ID...]",
        summary: "Return low-level information on Docker objects",
        flags: &[FlagSpec::value("format", Some('f'))],
        interspersed: true,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "images",
        usage: "images [OPTIONS] [REPOSITORY[:TAG]]",
        summary: "List images",
        flags: &[
            FlagSpec::switch("all", Some('a')),
            FlagSpec::switch("quiet", Some('q')),
            FlagSpec::switch("no-trunc", None),
            FlagSpec::switch("digests", None),
        ],
        interspersed: true,
        min_args: 0,
        max_args: Some(1),
    },
    CommandSpec {
        path: "pull",
        usage: "pull [OPTIONS] NAME[:TAG|@DIGEST]",
        summary: "Download an image from a registry",
        flags: &[FlagSpec::switch("quiet", Some('q'))],
        interspersed: true,
        min_args: 1,
        max_args: Some(1),
    },
    CommandSpec {
        path: "rmi",
        usage: "rmi [OPTIONS] IMAGE [IMAGE...]",
        summary: "Remove one or more images",
        flags: &[
            FlagSpec::switch("force", Some('f')),
            FlagSpec::switch("no-prune", None),
        ],
        interspersed: true,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "build",
        usage: "build [OPTIONS] PATH | URL | -",
        summary: "Build an image from a Dockerfile",
        flags: &[
            FlagSpec::value("tag", Some('t')),
            FlagSpec::value("file", Some('f')),
            FlagSpec::switch("no-cache", None),
            FlagSpec::switch("quiet", Some('q')),
        ],
        interspersed: true,
        min_args: 1,
        max_args: Some(1),
    },
    CommandSpec {
        path: "history",
        usage: "history [OPTIONS] IMAGE",
        summary: "Show the history of an image",
        flags: &[
            FlagSpec::switch("no-trunc", None),
            FlagSpec::switch("quiet", Some('q')),
        ],
        interspersed: true,
        min_args: 1,
        max_args: Some(1),
    },
    CommandSpec {
        path: "tag",
        usage: "tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
        summary: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
        flags: &[],
        interspersed: true,
        min_args: 2,
        max_args: Some(2),
    },
    CommandSpec {
        path: "push",
        usage: "push [OPTIONS] NAME[:TAG]",
        summary: "Upload an image to a registry",
        flags: &[],
        interspersed: true,
        min_args: 1,
        max_args: Some(1),
    },
    CommandSpec {
        path: "network ls",
        usage: "network ls [OPTIONS]",
        summary: "List networks",
        flags: &[FlagSpec::switch("quiet", Some('q'))],
        interspersed: true,
        min_args: 0,
        max_args: Some(0),
    },
    CommandSpec {
        path: "network create",
        usage: "network create [OPTIONS] NETWORK",
        summary: "Create a network",
        flags: &[FlagSpec::value("driver", Some('d'))],
        interspersed: true,
        min_args: 1,
        max_args: Some(1),
    },
    CommandSpec {
        path: "network rm",
        usage: "network rm NETWORK [NETWORK...]",
        summary: "Remove one or more networks",
        flags: &[],
        interspersed: true,
        min_args: 1,
        max_args: None,
    },
    CommandSpec {
        path: "compose",
        usage: "compose [OPTIONS] COMMAND",
        summary: "Define and run multi-container applications with Docker",
        flags: &[
            FlagSpec::value("file", Some('f')),
            FlagSpec::value("project-name", Some('p')),
        ],
        interspersed: false,
        min_args: 0,
        max_args: None,
    },
    CommandSpec {
        path: "version",
        usage: "version [OPTIONS]",
        summary: "Show the Docker version information",
        flags: &[],
        interspersed: true,
        min_args: 0,
        max_args: Some(0),
    },
    CommandSpec {
        path: "info",
        usage: "info [OPTIONS]",
        summary: "Display system-wide information",
        flags: &[],
        interspersed: true,
        min_args: 0,
        max_args: Some(0),
    },
];

/// The spec with this path.
pub(super) fn spec(path: &str) -> Option<CommandSpec> {
    COMMANDS.iter().find(|spec| spec.path == path).copied()
}

/// `docker --help` (abridged to what the sandbox supports).
pub(super) fn help(output: &mut Output) {
    output.out("");
    output.out("Usage:  docker [OPTIONS] COMMAND");
    output.out("");
    output.out("A self-sufficient runtime for containers");
    output.out("");
    output.out("Common Commands:");
    for name in [
        "run", "exec", "ps", "build", "pull", "push", "images", "version", "info",
    ] {
        if let Some(spec) = spec(name) {
            output.out(format!("  {name:<11} {}", spec.summary));
        }
    }
    output.out("");
    output.out("Management Commands:");
    output.out("  compose*    Docker Compose");
    output.out("  container   Manage containers");
    output.out("  image       Manage images");
    output.out("  network     Manage networks");
    output.out("");
    output.out("Commands:");
    for name in [
        "create", "diff", "history", "inspect", "kill", "logs", "pause", "restart", "rm", "rmi",
        "start", "stop", "tag", "unpause",
    ] {
        if let Some(spec) = spec(name) {
            output.out(format!("  {name:<11} {}", spec.summary));
        }
    }
    output.out("");
    output.out("Run 'docker COMMAND --help' for more information on a command.");
    output.note(
        "(sandbox) shell built-ins: echo, cat, ls, clear, help; other programs are not available",
    );
}

/// `docker container`, `docker image`, ... with no subcommand.
pub(super) fn group_help(group: &str, output: &mut Output) {
    output.out("");
    output.out(format!("Usage:  docker {group} COMMAND"));
    output.out("");
    output.out("Commands:");
    let subcommands: &[(&str, &str)] = match group {
        "container" => &[
            ("ls", "ps"),
            ("run", "run"),
            ("create", "create"),
            ("start", "start"),
            ("stop", "stop"),
            ("restart", "restart"),
            ("pause", "pause"),
            ("unpause", "unpause"),
            ("kill", "kill"),
            ("rm", "rm"),
            ("logs", "logs"),
            ("exec", "exec"),
            ("inspect", "inspect"),
            ("diff", "diff"),
            ("prune", "container prune"),
        ],
        "image" => &[
            ("ls", "images"),
            ("pull", "pull"),
            ("push", "push"),
            ("rm", "rmi"),
            ("build", "build"),
            ("history", "history"),
            ("tag", "tag"),
            ("inspect", "inspect"),
        ],
        "network" => &[
            ("ls", "network ls"),
            ("create", "network create"),
            ("rm", "network rm"),
        ],
        _ => &[],
    };
    if group == "compose" {
        output.out("  up          Create and start containers");
        output.out("  down        Stop and remove containers, networks");
        output.out("  ps          List containers");
        return;
    }
    for (name, path) in subcommands {
        if let Some(spec) = spec(path) {
            output.out(format!("  {name:<11} {}", spec.summary));
        }
    }
}

/// `docker CMD --help`.
pub(super) fn command_help(spec: &CommandSpec, output: &mut Output) {
    output.out("");
    output.out(format!("Usage:  docker {}", spec.usage));
    output.out("");
    output.out(spec.summary);
    if !spec.flags.is_empty() {
        output.out("");
        output.out("Options:");
        for flag in spec.flags {
            let short = flag.short.map_or("    ".to_owned(), |c| format!("-{c}, "));
            let value = if flag.takes_value { " value" } else { "" };
            output.out(format!("  {short}--{}{value}", flag.long));
        }
    }
}

/// A container as `docker inspect` shows it (a subset of the real fields).
pub(super) fn container_json(container: &Container) -> Value {
    let time = |ms: Option<u64>| {
        ms.map_or("0001-01-01T00:00:00Z".to_owned(), |ms| {
            DateTime::from_sim_ms(ms as i64).rfc3339_nanos()
        })
    };
    let host_pid = if container.state.has_process() {
        // A host PID: the container's PID 1 has another number outside its PID namespace.
        1000 + container.id.seed() % 30_000
    } else {
        0
    };
    let mut bindings = serde_json::Map::new();
    for port in &container.ports {
        bindings.insert(
            format!("{}/{}", port.container_port, port.protocol),
            json!([{ "HostIp": "", "HostPort": port.host_port.to_string() }]),
        );
    }
    let mut networks = serde_json::Map::new();
    networks.insert(
        container.network.clone(),
        json!({ "IPAddress": container.ip }),
    );
    json!({
        "Id": container.id.hex(),
        "Created": time(Some(container.created_ms)),
        "Path": container.path,
        "Args": container.args,
        "State": {
            "Status": container.state.docker_name(),
            "Running": container.state.has_process(),
            "Paused": container.state == super::container::ContainerState::Paused,
            "Restarting": false,
            "OOMKilled": false,
            "Dead": false,
            "Pid": host_pid,
            "ExitCode": container.exit_code,
            "StartedAt": time(container.started_ms),
            "FinishedAt": time(container.finished_ms),
        },
        "Image": container.image_id.to_string(),
        "Name": format!("/{}", container.name),
        "HostConfig": {
            "NetworkMode": container.network,
            "PortBindings": bindings,
            "AutoRemove": container.auto_remove,
            "NanoCpus": container.limits.nano_cpus,
            "Memory": container.limits.memory_bytes,
        },
        "Config": {
            "Hostname": container.id.short(),
            "Env": container.env,
            "Cmd": container.args,
            "Image": container.image_ref,
            "WorkingDir": container.workdir,
            "Tty": container.tty,
            "OpenStdin": container.interactive,
            "StopSignal": container.stop_signal,
        },
        "NetworkSettings": {
            "IPAddress": if container.network == "bridge" { container.ip.clone() } else { String::new() },
            "Networks": networks,
        },
    })
}

/// An image as `docker inspect` shows it (a subset).
pub(super) fn image_json(image: &Image, tags: &[String], size_bytes: u64) -> Value {
    json!({
        "Id": image.id.to_string(),
        "RepoTags": tags,
        "Created": DateTime::from_sim_ms(image.created_ms).rfc3339_nanos(),
        "Config": {
            "Env": image.config.env,
            "Cmd": image.config.cmd,
            "Entrypoint": if image.config.entrypoint.is_empty() { Value::Null } else { json!(image.config.entrypoint) },
            "WorkingDir": image.config.workdir,
            "ExposedPorts": image.config.exposed_ports,
            "StopSignal": image.config.stop_signal,
        },
        "Size": size_bytes,
        "RootFS": {
            "Type": "layers",
            "Layers": image.layers.iter().map(ToString::to_string).collect::<Vec<_>>(),
        },
    })
}

/// Renders a `--format` Go template of the form `text {{.A.B}} text` against `value`.
pub(super) fn render_template(template: &str, value: &Value) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some((before, after)) = rest.split_once("{{") {
        out.push_str(before);
        let Some((path, tail)) = after.split_once("}}") else {
            out.push_str("{{");
            out.push_str(after);
            return out;
        };
        let path = path.trim();
        let mut current = Some(value);
        for key in path
            .trim_start_matches('.')
            .split('.')
            .filter(|k| !k.is_empty())
        {
            current = current.and_then(|v| v.get(key));
        }
        match current {
            Some(Value::String(text)) => out.push_str(text),
            Some(Value::Null) | None => out.push_str("<no value>"),
            Some(other) => out.push_str(&other.to_string()),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// `docker inspect`.
pub(super) fn inspect(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let engine = &*context.engine;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for name in &parsed.positionals {
        if let Ok(container) = engine.find_container(name) {
            found.push(container_json(container));
        } else if let Some(image) = engine.images.lookup(name) {
            found.push(image_json(
                image,
                &engine.images.tags_of(&image.id),
                engine.images.size_of(image),
            ));
        } else if let Some(network) = engine.networks.iter().find(|n| n.name == *name) {
            found.push(json!({
                "Name": network.name,
                "Id": network.id.hex(),
                "Driver": network.driver,
                "IPAM": { "Config": [{ "Subnet": network.subnet(), "Gateway": network.gateway() }] },
            }));
        } else {
            missing.push(name.clone());
        }
    }
    match parsed.last("format") {
        Some(template) => {
            for value in &found {
                output.out(render_template(template, value));
            }
        }
        None => {
            let pretty = serde_json::to_string_pretty(&Value::Array(found)).unwrap_or_default();
            for line in pretty.lines() {
                output.out(line.to_owned());
            }
        }
    }
    for name in missing {
        output.err(format!("Error: No such object: {name}"));
        output.exit_code = 1;
    }
    output
}

/// `docker network ls`.
pub(super) fn network_ls(context: &mut Context<'_>) -> Output {
    let mut output = Output::default();
    let mut networks: Vec<_> = context.engine.networks.iter().collect();
    networks.sort_by(|a, b| a.name.cmp(&b.name));
    let rows: Vec<Vec<String>> = networks
        .iter()
        .map(|n| {
            vec![
                n.id.short(),
                n.name.clone(),
                n.driver.clone(),
                "local".to_owned(),
            ]
        })
        .collect();
    for line in table(&["NETWORK ID", "NAME", "DRIVER", "SCOPE"], &rows) {
        output.out(line);
    }
    output
}

/// `docker network create`.
pub(super) fn network_create(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    if let Some(driver) = parsed.last("driver").filter(|d| *d != "bridge") {
        daemon_error(
            &mut output,
            format!("plugin \"{driver}\" not found (the sandbox supports the bridge driver)"),
        );
        return output;
    }
    // `run` has checked the argument count against the spec; the `else` is a guard.
    let Some(name) = parsed.positionals.first() else {
        return output;
    };
    match context.engine.create_network(name, None) {
        Ok(id) => output.out(id.hex()),
        Err(error) => daemon_error(&mut output, error),
    }
    output
}

/// `docker network rm`.
pub(super) fn network_rm(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    for name in &parsed.positionals {
        match context.engine.remove_network(name) {
            Ok(()) => output.out(name.clone()),
            Err(error) => daemon_error(&mut output, error),
        }
    }
    output
}

/// `docker compose [-f FILE] up|down|ps ...`.
pub(super) fn compose(context: &mut Context<'_>, parsed: &Parsed) -> Output {
    let mut output = Output::default();
    let file = parsed.last("file");
    let Some((sub, rest)) = parsed.positionals.split_first() else {
        group_help("compose", &mut output);
        return output;
    };
    let sub_flags: &[FlagSpec] = match sub.as_str() {
        "up" => &[FlagSpec::switch("detach", Some('d'))],
        "down" => &[FlagSpec::switch("volumes", Some('v'))],
        "ps" => &[FlagSpec::switch("all", Some('a'))],
        other => {
            output.err(format!("unknown docker command: \"compose {other}\""));
            output.exit_code = 1;
            return output;
        }
    };
    let sub_parsed = match flags::parse(sub_flags, rest, true) {
        Ok(parsed) => parsed,
        Err(error) => {
            output.err(error.to_string());
            output.exit_code = 1;
            return output;
        }
    };
    if let Some(service) = sub_parsed.positionals.first() {
        output.err(format!(
            "no such service: {service} (the sandbox runs all services of the file)"
        ));
        output.exit_code = 1;
        return output;
    }
    match sub.as_str() {
        "up" => compose::up(
            context.engine,
            context.workspace,
            file,
            sub_parsed.on("detach"),
        ),
        "down" => compose::down(context.engine, context.workspace, file),
        _ => compose::ps(
            context.engine,
            context.workspace,
            file,
            sub_parsed.on("all"),
        ),
    }
}

/// `docker version`.
pub(super) fn version() -> Output {
    let mut output = Output::default();
    for line in [
        "Client:".to_owned(),
        format!(" Version:           {DOCKER_VERSION}"),
        format!(" API version:       {API_VERSION}"),
        " OS/Arch:           linux/amd64".to_owned(),
        " Context:           default".to_owned(),
        String::new(),
        "Server: Docker Engine - Community (simulated by virtscope)".to_owned(),
        " Engine:".to_owned(),
        format!("  Version:          {DOCKER_VERSION}"),
        format!("  API version:      {API_VERSION} (minimum version 1.24)"),
        "  OS/Arch:          linux/amd64".to_owned(),
        " containerd:".to_owned(),
        "  Version:          1.7.22".to_owned(),
        " runc:".to_owned(),
        "  Version:          1.1.14".to_owned(),
        " docker-init:".to_owned(),
        "  Version:          0.19.0".to_owned(),
    ] {
        output.out(line);
    }
    output
}

/// `docker info` (brief).
pub(super) fn info(context: &mut Context<'_>) -> Output {
    let engine = &*context.engine;
    let mut output = Output::default();
    let count = |predicate: &dyn Fn(&Container) -> bool| {
        engine.containers.iter().filter(|c| predicate(c)).count()
    };
    let running = count(&|c| c.state == super::container::ContainerState::Running);
    let paused = count(&|c| c.state == super::container::ContainerState::Paused);
    let total = engine.containers.len();
    for line in [
        "Client:".to_owned(),
        format!(" Version:    {DOCKER_VERSION}"),
        " Context:    default".to_owned(),
        String::new(),
        "Server:".to_owned(),
        format!(" Containers: {total}"),
        format!("  Running: {running}"),
        format!("  Paused: {paused}"),
        format!("  Stopped: {}", total - running - paused),
        format!(" Images: {}", engine.images.images.len()),
        format!(" Server Version: {DOCKER_VERSION}"),
        " Storage Driver: overlay2".to_owned(),
        " Cgroup Driver: systemd".to_owned(),
        " Cgroup Version: 2".to_owned(),
        " Runtimes: io.containerd.runc.v2 runc".to_owned(),
        " Default Runtime: runc".to_owned(),
        " Kernel Version: 6.1.0".to_owned(),
        " Operating System: virtscope sandbox (simulated)".to_owned(),
        format!(" CPUs: {HOST_CPUS}"),
        format!(" Total Memory: {}", binary_size(HOST_MEMORY_BYTES)),
    ] {
        output.out(line);
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_follow_paths() {
        let value = json!({ "State": { "Status": "running", "Pid": 7 }, "Name": "/web" });
        assert_eq!(render_template("{{.State.Status}}", &value), "running");
        assert_eq!(
            render_template("{{ .Name }} pid={{.State.Pid}}", &value),
            "/web pid=7"
        );
        assert_eq!(render_template("{{.Nope}}", &value), "<no value>");
        assert_eq!(render_template("{{.Open", &value), "{{.Open");
    }
}
