//! The `docker` command: dispatch, usage and argument errors, and shared column formatting.
//!
//! Each subcommand has a spec (usage line, summary, flags, argument count) and a handler in
//! `cli_containers`, `cli_images` or `cli_system`. Errors are printed as the docker CLI prints them:
//! flag errors with `See 'docker run --help'.` and status 125, argument-count errors with the usage
//! text and status 1, daemon errors after `Error response from daemon: `.

use super::container::Container;
use super::engine::Engine;
use super::flags::{self, FlagSpec, Parsed};
use super::humanize::ellipsis;
use super::output::Output;
use super::workspace::Workspace;

/// A docker subcommand's interface.
#[derive(Clone, Copy, Debug)]
pub(super) struct CommandSpec {
    /// Path after `docker` (`run`, `network ls`).
    pub(super) path: &'static str,
    /// The usage line after `Usage:  docker `.
    pub(super) usage: &'static str,
    /// One-line summary.
    pub(super) summary: &'static str,
    /// Flags.
    pub(super) flags: &'static [FlagSpec],
    /// Whether flags may follow positional arguments.
    pub(super) interspersed: bool,
    /// Minimum positional arguments.
    pub(super) min_args: usize,
    /// Maximum positional arguments (`None` = unbounded).
    pub(super) max_args: Option<usize>,
}

/// Everything a handler needs.
pub(super) struct Context<'a> {
    /// The daemon.
    pub(super) engine: &'a mut Engine,
    /// The host directory (build context, compose file).
    pub(super) workspace: &'a Workspace,
}

/// Runs `docker ARGS...` (without the leading `docker`).
pub(super) fn run(engine: &mut Engine, workspace: &Workspace, args: &[String]) -> Output {
    let mut context = Context { engine, workspace };
    let mut output = Output::default();
    let Some((first, rest)) = args.split_first() else {
        super::cli_system::help(&mut output);
        return output;
    };
    match first.as_str() {
        "--help" | "-h" | "help" => {
            super::cli_system::help(&mut output);
            return output;
        }
        "--version" | "-v" => {
            output.out(format!(
                "Docker version {}, build virtscope",
                super::cli_system::DOCKER_VERSION
            ));
            return output;
        }
        flag if flag.starts_with('-') => {
            output.err(format!("unknown flag: {flag}"));
            output.err("See 'docker --help'.");
            output.exit_code = 125;
            return output;
        }
        _ => {}
    }
    let (path, tail) = resolve_path(first, rest);
    let Some(path) = path else {
        let group = first.as_str();
        if matches!(group, "container" | "image" | "network" | "compose") {
            let sub = rest.first().map(String::as_str).unwrap_or("");
            if sub.is_empty() || sub == "--help" {
                super::cli_system::group_help(group, &mut output);
            } else {
                output.err(format!("docker: '{group} {sub}' is not a docker command."));
                output.err("See 'docker --help'");
                output.exit_code = 1;
            }
        } else {
            output.err(format!("docker: '{first}' is not a docker command."));
            output.err("See 'docker --help'");
            output.exit_code = 1;
        }
        return output;
    };
    let Some(spec) = super::cli_system::spec(path) else {
        output.err(format!("docker: '{path}' is not a docker command."));
        output.exit_code = 1;
        return output;
    };
    let parsed = match flags::parse(spec.flags, tail, spec.interspersed) {
        Ok(parsed) => parsed,
        Err(error) => {
            flag_error(&mut output, spec.path, error);
            return output;
        }
    };
    if parsed.help {
        super::cli_system::command_help(&spec, &mut output);
        return output;
    }
    if let Some(message) = arg_count_error(&spec, parsed.positionals.len()) {
        output.err(format!("\"docker {}\" {message}", spec.path));
        output.err(format!("See 'docker {} --help'.", spec.path));
        output.err("");
        output.err(format!("Usage:  docker {}", spec.usage));
        output.err("");
        output.err(spec.summary);
        output.exit_code = 1;
        return output;
    }
    dispatch(&mut context, path, &parsed)
}

/// Maps `container ls`, `image rm`, ... onto the command table's paths.
fn resolve_path<'a>(first: &'a str, rest: &'a [String]) -> (Option<&'static str>, &'a [String]) {
    let sub = rest.first().map(String::as_str);
    let tail = rest.get(1..).unwrap_or(&[]);
    let path = match (first, sub) {
        ("container", Some("ls" | "list" | "ps")) => Some("ps"),
        ("container", Some("rm" | "remove")) => Some("rm"),
        ("container", Some("prune")) => Some("container prune"),
        ("container", Some(name)) => top_level(name).filter(|p| CONTAINER_SUBCOMMANDS.contains(p)),
        ("image", Some("ls" | "list")) => Some("images"),
        ("image", Some("rm" | "remove")) => Some("rmi"),
        ("image", Some(name)) => top_level(name).filter(|p| IMAGE_SUBCOMMANDS.contains(p)),
        ("network", Some("ls" | "list")) => Some("network ls"),
        ("network", Some("create")) => Some("network create"),
        ("network", Some("rm" | "remove")) => Some("network rm"),
        ("compose", _) => {
            return (Some("compose"), rest);
        }
        ("container" | "image" | "network", None) => None,
        (name, _) => return (top_level(name), rest),
    };
    (path, tail)
}

const CONTAINER_SUBCOMMANDS: &[&str] = &[
    "run", "create", "start", "stop", "restart", "pause", "unpause", "kill", "logs", "exec",
    "inspect", "diff",
];

const IMAGE_SUBCOMMANDS: &[&str] = &["pull", "build", "history", "tag", "push", "inspect"];

fn top_level(name: &str) -> Option<&'static str> {
    super::cli_system::COMMANDS
        .iter()
        .find(|spec| spec.path == name && !spec.path.contains(' '))
        .map(|spec| spec.path)
}

fn arg_count_error(spec: &CommandSpec, count: usize) -> Option<String> {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    match spec.max_args {
        Some(0) if count > 0 => Some("accepts no arguments.".to_owned()),
        Some(max) if max == spec.min_args && count != max => {
            Some(format!("requires exactly {max} {}.", plural(max)))
        }
        Some(max) if count > max => Some(format!("requires at most {max} {}.", plural(max))),
        _ if count < spec.min_args => Some(format!(
            "requires at least {} {}.",
            spec.min_args,
            plural(spec.min_args)
        )),
        _ => None,
    }
}

fn dispatch(context: &mut Context<'_>, path: &str, parsed: &Parsed) -> Output {
    use super::cli_containers as c;
    use super::cli_images as i;
    use super::cli_system as s;
    match path {
        "run" => c::run(context, parsed, true),
        "create" => c::run(context, parsed, false),
        "ps" => c::ps(context, parsed),
        "start" => c::start(context, parsed),
        "stop" => c::stop(context, parsed, false),
        "restart" => c::stop(context, parsed, true),
        "pause" => c::pause(context, parsed, true),
        "unpause" => c::pause(context, parsed, false),
        "kill" => c::kill(context, parsed),
        "rm" => c::rm(context, parsed),
        "logs" => c::logs(context, parsed),
        "exec" => c::exec(context, parsed),
        "diff" => c::diff(context, parsed),
        "container prune" => c::prune(context, parsed),
        "inspect" => s::inspect(context, parsed),
        "images" => i::images(context, parsed),
        "pull" => i::pull(context, parsed),
        "rmi" => i::rmi(context, parsed),
        "build" => i::build(context, parsed),
        "history" => i::history(context, parsed),
        "tag" => i::tag(context, parsed),
        "push" => i::push(context, parsed),
        "network ls" => s::network_ls(context),
        "network create" => s::network_create(context, parsed),
        "network rm" => s::network_rm(context, parsed),
        "compose" => s::compose(context, parsed),
        "version" => s::version(),
        "info" => s::info(context),
        _ => {
            let mut output = Output::default();
            output.err(format!("docker: '{path}' is not a docker command."));
            output.exit_code = 1;
            output
        }
    }
}

/// Prints a daemon error as `Error response from daemon: ...` and sets status 1.
pub(super) fn daemon_error(output: &mut Output, error: impl std::fmt::Display) {
    output.err(daemon_message(&error));
    output.exit_code = 1;
}

/// How the CLI words an error the daemon returned: `Error response from daemon: ...`.
pub(super) fn daemon_message(error: &impl std::fmt::Display) -> String {
    format!("Error response from daemon: {error}")
}

/// A flag or its value rejected as the docker CLI does: the message, `See 'docker PATH --help'.`
/// and status 125.
pub(super) fn flag_error(output: &mut Output, path: &str, message: impl std::fmt::Display) {
    output.err(message.to_string());
    output.err(format!("See 'docker {path} --help'."));
    output.exit_code = 125;
}

/// `docker run`'s error form: `docker: <message>.` and `See 'docker run --help'.`.
pub(super) fn run_error(output: &mut Output, path: &str, message: &str, exit_code: i32) {
    output.err(format!(
        "docker: {}.",
        message.trim_end().trim_end_matches('.')
    ));
    output.err(format!("See 'docker {path} --help'."));
    output.exit_code = exit_code;
}

/// The COMMAND column: quoted, truncated to 20 characters with an ellipsis.
pub(super) fn quoted_command(container: &Container) -> String {
    let shown = ellipsis(&container.command_line(), 20);
    format!("\"{shown}\"")
}

/// The PORTS column: published ports, or exposed ones while running.
pub(super) fn ports_column(container: &Container) -> String {
    if !container.state.has_process() {
        return String::new();
    }
    let mut parts: Vec<String> = container.ports.iter().map(|p| p.display()).collect();
    for exposed in &container.exposed_ports {
        let published = container
            .ports
            .iter()
            .any(|p| format!("{}/{}", p.container_port, p.protocol) == *exposed);
        if !published {
            parts.push(exposed.clone());
        }
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::container::ContainerState;
    use super::super::sandbox::Sandbox;
    use super::*;

    fn run(sandbox: &mut Sandbox, line: &str) -> Output {
        sandbox.run_line(line).output
    }

    fn first(output: &Output) -> String {
        output
            .texts()
            .first()
            .map(|s| (*s).to_owned())
            .unwrap_or_default()
    }

    fn state(sandbox: &Sandbox, name: &str) -> ContainerState {
        sandbox.engine.find_container(name).unwrap().state
    }

    #[test]
    fn unknown_commands_and_flags() {
        let mut sb = Sandbox::new(1);
        let out = run(&mut sb, "docker foo");
        assert_eq!(
            out.texts(),
            [
                "docker: 'foo' is not a docker command.",
                "See 'docker --help'"
            ]
        );
        assert_eq!(out.exit_code, 1);
        let out = run(&mut sb, "docker ps --bogus");
        assert_eq!(
            out.texts(),
            ["unknown flag: --bogus", "See 'docker ps --help'."]
        );
        assert_eq!(out.exit_code, 125);
        assert_eq!(
            first(&run(&mut sb, "docker ps -z")),
            "unknown shorthand flag: 'z' in -z"
        );
        assert_eq!(
            first(&run(&mut sb, "docker run --name")),
            "flag needs an argument: --name"
        );
        let out = run(&mut sb, "docker ps extra");
        assert_eq!(first(&out), "\"docker ps\" accepts no arguments.");
        let out = run(&mut sb, "docker logs");
        assert_eq!(first(&out), "\"docker logs\" requires exactly 1 argument.");
        assert!(
            out.texts()
                .contains(&"Usage:  docker logs [OPTIONS] CONTAINER")
        );
        assert!(
            run(&mut sb, "docker stop --help")
                .texts()
                .contains(&"Stop one or more running containers")
        );
        assert!(
            run(&mut sb, "docker")
                .texts()
                .contains(&"Usage:  docker [OPTIONS] COMMAND")
        );
        assert_eq!(
            first(&run(&mut sb, "docker --bogus")),
            "unknown flag: --bogus"
        );
        assert_eq!(
            first(&run(&mut sb, "docker container frob")),
            "docker: 'container frob' is not a docker command."
        );
    }

    #[test]
    fn run_options_reach_the_container() {
        let mut sb = Sandbox::new(1);
        let out = run(
            &mut sb,
            "docker run -d --name web -p 8080:80 -e MODE=prod --cpus 0.5 --memory 256m nginx",
        );
        assert_eq!(out.exit_code, 0);
        assert_eq!(out.texts().last().map(|s| s.len()), Some(64));
        let web = sb.engine.find_container("web").unwrap();
        assert_eq!(web.limits.nano_cpus, 500_000_000);
        assert_eq!(web.limits.memory_bytes, 256 << 20);
        assert_eq!(web.ports[0].host_port, 8080);
        let env = run(&mut sb, "docker exec web env");
        assert!(env.texts().contains(&"MODE=prod"));
        let inspect = run(
            &mut sb,
            "docker inspect -f '{{.HostConfig.NanoCpus}} {{.State.Status}}' web",
        );
        assert_eq!(inspect.texts(), ["500000000 running"]);
    }

    #[test]
    fn run_errors_use_dockers_wording() {
        let mut sb = Sandbox::new(1);
        run(&mut sb, "docker run -d --name web nginx");
        let out = run(&mut sb, "docker run -d --name web nginx");
        assert!(first(&out).starts_with(
            "docker: Error response from daemon: Conflict. The container name \"/web\" is already in use by container \""
        ));
        assert_eq!(out.texts()[1], "See 'docker run --help'.");
        assert_eq!(out.exit_code, 125);
        let out = run(&mut sb, "docker run nosuchimage");
        assert_eq!(
            out.texts()[0],
            "Unable to find image 'nosuchimage:latest' locally"
        );
        assert_eq!(
            out.texts()[1],
            "docker: Error response from daemon: pull access denied for nosuchimage, repository does not exist or may require 'docker login': denied: requested access to the resource is denied."
        );
        assert_eq!(
            first(&run(&mut sb, "docker run Nginx")),
            "docker: invalid reference format: repository name (library/Nginx) must be lowercase."
        );
        assert_eq!(
            first(&run(&mut sb, "docker run --cpus 4 nginx")),
            "docker: Error response from daemon: range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available."
        );
        assert_eq!(
            first(&run(&mut sb, "docker run -m 1m nginx")),
            "docker: Error response from daemon: Minimum memory limit allowed is 6MB."
        );
        assert!(
            first(&run(&mut sb, "docker run --cpus x nginx"))
                .contains("failed to parse x as a rational number")
        );
        assert_eq!(
            first(&run(&mut sb, "docker run -p abc nginx")),
            "docker: invalid containerPort: abc."
        );
        assert_eq!(
            first(&run(&mut sb, "docker run --network nope nginx")),
            "docker: Error response from daemon: network nope not found."
        );
        let out = run(&mut sb, "docker run --name bad alpine nosuchprogram");
        assert_eq!(out.exit_code, 127);
        assert!(out.texts().iter().any(|l| {
            l.ends_with("exec: \"nosuchprogram\": executable file not found in $PATH: unknown.")
        }));
        assert_eq!(state(&sb, "bad"), ContainerState::Created);
        let out = run(
            &mut sb,
            "docker run -d --name web2 -p 8081:80 nginx; docker run -d --name web3 -p 8081:80 nginx",
        );
        assert!(
            out.texts()
                .iter()
                .any(|l| l.contains("Bind for 0.0.0.0:8081 failed: port is already allocated"))
        );
    }

    #[test]
    fn run_attached_rm_and_interactive() {
        let mut sb = Sandbox::new(1);
        let out = run(&mut sb, "docker run --rm alpine echo hello");
        assert!(out.texts().contains(&"hello"));
        assert!(
            sb.engine.containers.is_empty(),
            "--rm removed it after it exited"
        );
        let out = run(&mut sb, "docker run --rm alpine sh -c 'exit 3'");
        assert_eq!(out.exit_code, 3);
        let out = run(&mut sb, "docker run -it --name box alpine");
        assert!(
            out.lines
                .iter()
                .any(|l| l.stream == super::super::output::Stream::Note)
        );
        assert_eq!(state(&sb, "box"), ContainerState::Running);
        run(&mut sb, "docker run -d --rm --name nap alpine sleep 1");
        run(&mut sb, "echo later");
        assert!(
            sb.engine.find_container("nap").is_err(),
            "removed when sleep ended"
        );
        let out = run(&mut sb, "docker create --name made nginx");
        assert_eq!(out.exit_code, 0);
        assert_eq!(state(&sb, "made"), ContainerState::Created);
        let out = run(
            &mut sb,
            "docker run -d --network host -p 80:80 --name h nginx",
        );
        assert_eq!(
            first(&out),
            "WARNING: Published ports are discarded when using host network mode"
        );
    }

    #[test]
    fn ps_variants() {
        let mut sb = Sandbox::new(1);
        run(&mut sb, "docker run -d --name web nginx");
        run(&mut sb, "docker run --name hello hello-world");
        assert_eq!(run(&mut sb, "docker ps").texts().len(), 2);
        assert_eq!(run(&mut sb, "docker ps -a").texts().len(), 3);
        let quiet = run(&mut sb, "docker ps -aq");
        assert!(quiet.texts().iter().all(|id| id.len() == 12));
        assert_eq!(quiet.texts().len(), 2);
        let exited = run(&mut sb, "docker ps -q --filter status=exited");
        assert_eq!(exited.texts().len(), 1);
        assert_eq!(run(&mut sb, "docker container ls -a").texts().len(), 3);
        assert!(run(&mut sb, "docker ps -s").texts()[0].ends_with("SIZE"));
        assert_eq!(
            first(&run(&mut sb, "docker ps -f bogus")),
            "Error response from daemon: invalid filter 'bogus'"
        );
    }

    #[test]
    fn start_stop_restart_pause_kill_rm() {
        let mut sb = Sandbox::new(1);
        run(&mut sb, "docker run -d --name web nginx");
        run(&mut sb, "docker run -d --name sleeper alpine sleep 1000");
        assert_eq!(run(&mut sb, "docker stop web").texts(), ["web"]);
        assert_eq!(
            run(&mut sb, "docker stop web").texts(),
            ["web"],
            "stopping a stopped container is fine"
        );
        let out = run(&mut sb, "docker stop nope");
        assert_eq!(
            out.texts(),
            ["Error response from daemon: No such container: nope"]
        );
        assert_eq!(out.exit_code, 1);
        assert_eq!(run(&mut sb, "docker start web").texts(), ["web"]);
        let out = run(&mut sb, "docker start nope");
        assert_eq!(out.texts()[1], "Error: failed to start containers: nope");
        let before = sb.engine.now_ms;
        run(&mut sb, "docker stop -t 3 sleeper");
        // The typing pause before the line, then the 3 s grace period.
        let elapsed = sb.engine.now_ms - before;
        assert!((5_000..6_000).contains(&elapsed), "{elapsed}");
        assert_eq!(run(&mut sb, "docker restart sleeper").texts(), ["sleeper"]);
        assert_eq!(state(&sb, "sleeper"), ContainerState::Running);
        let out = run(&mut sb, "docker kill -s SIGTERM sleeper");
        assert_eq!(out.exit_code, 0);
        assert_eq!(
            state(&sb, "sleeper"),
            ContainerState::Running,
            "PID 1 ignores SIGTERM"
        );
        assert_eq!(
            first(&run(&mut sb, "docker kill -s FOO sleeper")),
            "Error response from daemon: Invalid signal: FOO"
        );
        run(&mut sb, "docker pause web");
        let out = run(&mut sb, "docker pause web");
        assert!(first(&out).ends_with("is already paused"));
        let out = run(&mut sb, "docker start web");
        assert_eq!(
            out.texts()[0],
            "Error response from daemon: cannot start a paused container, try unpause instead"
        );
        run(&mut sb, "docker unpause web");
        assert!(first(&run(&mut sb, "docker unpause web")).ends_with("is not paused"));
        assert_eq!(
            first(&run(&mut sb, "docker rm web")),
            "Error response from daemon: cannot remove container \"/web\": container is running: stop the container before removing or force remove"
        );
        run(&mut sb, "docker kill web");
        assert_eq!(sb.engine.find_container("web").unwrap().exit_code, 137);
        let out = run(&mut sb, "docker kill web");
        assert!(
            first(&out)
                .starts_with("Error response from daemon: cannot kill container: web: container ")
        );
        assert!(first(&out).ends_with(" is not running"));
        assert!(first(&run(&mut sb, "docker pause web")).ends_with("is not running"));
        assert_eq!(
            run(&mut sb, "docker rm -f web sleeper").texts(),
            ["web", "sleeper"]
        );
        assert!(sb.engine.containers.is_empty());
    }

    #[test]
    fn images_pull_rmi_tag_history_push() {
        let mut sb = Sandbox::new(1);
        let out = run(&mut sb, "docker pull nginx");
        assert_eq!(out.texts()[0], "Using default tag: latest");
        assert_eq!(
            out.texts().last().copied(),
            Some("docker.io/library/nginx:latest")
        );
        let again = run(&mut sb, "docker pull nginx");
        assert!(
            again
                .texts()
                .contains(&"Status: Image is up to date for nginx:latest")
        );
        assert_eq!(
            first(&run(&mut sb, "docker pull nginx:9.9")),
            "Error response from daemon: manifest for nginx:9.9 not found: manifest unknown: manifest unknown"
        );
        let images = run(&mut sb, "docker image ls");
        assert_eq!(
            images.texts()[0],
            "REPOSITORY   TAG       IMAGE ID       CREATED       SIZE"
        );
        assert!(images.texts()[1].starts_with("nginx        latest"));
        run(&mut sb, "docker tag nginx web:v1");
        assert_eq!(
            run(&mut sb, "docker images -q").texts().len(),
            1,
            "two tags, one image"
        );
        assert_eq!(run(&mut sb, "docker images web").texts().len(), 2);
        assert_eq!(
            first(&run(&mut sb, "docker tag nope x")),
            "Error response from daemon: No such image: nope:latest"
        );
        let history = run(&mut sb, "docker history nginx");
        assert_eq!(history.texts().len(), 12);
        let push = run(&mut sb, "docker push web:v1");
        assert_eq!(push.exit_code, 1);
        assert!(
            push.texts()
                .contains(&"denied: requested access to the resource is denied")
        );
        assert_eq!(
            first(&run(&mut sb, "docker push nothere")),
            "Using default tag: latest"
        );
        assert_eq!(
            run(&mut sb, "docker rmi web:v1").texts(),
            ["Untagged: web:v1"]
        );
        assert_eq!(
            first(&run(&mut sb, "docker rmi nope")),
            "Error response from daemon: No such image: nope:latest"
        );
        run(&mut sb, "docker run -d --name web nginx");
        run(&mut sb, "docker stop web");
        let out = run(&mut sb, "docker rmi nginx");
        let container = sb.engine.containers[0].id.short();
        let image = sb.engine.images.images[0].id.short();
        assert_eq!(
            first(&out),
            format!(
                "Error response from daemon: conflict: unable to remove repository reference \"nginx\" (must force) - container {container} is using its referenced image {image}"
            )
        );
        let forced = run(&mut sb, "docker rmi -f nginx");
        assert_eq!(forced.exit_code, 0);
        assert!(
            forced
                .texts()
                .iter()
                .any(|l| l.starts_with("Deleted: sha256:"))
        );
        let ps = run(&mut sb, "docker ps -a");
        assert!(
            ps.texts()[1].contains(&image),
            "IMAGE column falls back to the id"
        );
        assert_eq!(
            run(&mut sb, "docker start web").texts(),
            ["web"],
            "its layers stayed"
        );
    }

    #[test]
    fn logs_exec_inspect_diff() {
        let mut sb = Sandbox::new(1);
        run(&mut sb, "docker run -d --name web nginx");
        let logs = run(&mut sb, "docker logs --tail 2 web");
        assert_eq!(logs.texts().len(), 2);
        assert!(logs.texts()[1].ends_with("start worker process 30"));
        let stamped = run(&mut sb, "docker logs -t web");
        assert!(stamped.texts()[0].starts_with("2025-01-06T09:00:"));
        assert_eq!(
            first(&run(&mut sb, "docker logs nope")),
            "Error response from daemon: No such container: nope"
        );
        let count = sb.engine.containers.len();
        let out = run(&mut sb, "docker exec web cat /etc/os-release");
        assert!(out.texts()[0].contains("Debian GNU/Linux 12"));
        assert_eq!(sb.engine.containers.len(), count);
        let out = run(&mut sb, "docker exec web ps");
        assert_eq!(out.exit_code, 126);
        let out = run(&mut sb, "docker exec -it web bash");
        assert_eq!(out.lines[0].stream, super::super::output::Stream::Note);
        run(&mut sb, "docker pause web");
        assert!(
            first(&run(&mut sb, "docker exec web ls"))
                .ends_with("is paused, unpause the container before exec")
        );
        run(&mut sb, "docker unpause web");
        let out = run(&mut sb, "docker inspect web");
        assert_eq!(out.texts()[0], "[");
        let json: serde_json::Value = serde_json::from_str(&out.stdout_text()).unwrap();
        assert_eq!(json[0]["Name"], "/web");
        assert_eq!(json[0]["State"]["Status"], "running");
        let out = run(&mut sb, "docker inspect nope");
        assert_eq!(out.texts(), ["[]", "Error: No such object: nope"]);
        assert_eq!(
            run(&mut sb, "docker inspect -f '{{.Config.StopSignal}}' nginx").texts(),
            ["SIGQUIT"]
        );
        let diff = run(&mut sb, "docker diff web");
        assert!(diff.texts().contains(&"C /etc/nginx/conf.d/default.conf"));
    }

    #[test]
    fn build_and_its_errors() {
        let mut sb = Sandbox::new(1);
        let out = run(&mut sb, "docker build -t myapp .");
        assert_eq!(out.exit_code, 0, "{:?}", out.texts());
        assert!(out.texts().contains(&"Successfully tagged myapp:latest"));
        assert!(
            out.texts()
                .iter()
                .any(|l| l.starts_with("Sending build context to Docker daemon  "))
        );
        let again = run(&mut sb, "docker build -t myapp .");
        assert!(again.texts().contains(&" ---> Using cache"));
        assert_eq!(
            first(&run(&mut sb, "docker build -t x elsewhere")),
            "unable to prepare context: path \"elsewhere\" not found"
        );
        let out = run(&mut sb, "docker build -f Dockerfile.dev .");
        assert!(
            first(&out)
                .ends_with("lstat /home/student/app/Dockerfile.dev: no such file or directory")
        );
        run(
            &mut sb,
            "echo 'FROM alpine' > Dockerfile; echo 'BOGUS x' >> Dockerfile",
        );
        let out = run(&mut sb, "docker build .");
        assert_eq!(out.exit_code, 1);
        assert_eq!(
            out.texts().last().copied(),
            Some(
                "Error response from daemon: dockerfile parse error line 2: unknown instruction: BOGUS"
            )
        );
        let out = run(&mut sb, "docker run -d --name app myapp");
        assert_eq!(out.exit_code, 0);
        assert_eq!(
            state(&sb, "app"),
            ContainerState::Running,
            "the app's server keeps running"
        );
    }

    #[test]
    fn networks_prune_compose_version_info() {
        let mut sb = Sandbox::new(1);
        assert_eq!(run(&mut sb, "docker network ls").texts().len(), 4);
        assert_eq!(
            run(&mut sb, "docker network create mynet").texts()[0].len(),
            64
        );
        assert_eq!(
            first(&run(&mut sb, "docker network create mynet")),
            "Error response from daemon: network with name mynet already exists"
        );
        assert_eq!(
            first(&run(&mut sb, "docker network rm bridge")),
            "Error response from daemon: bridge is a pre-defined network and cannot be removed"
        );
        assert_eq!(run(&mut sb, "docker network rm mynet").texts(), ["mynet"]);
        run(&mut sb, "docker run --name hello hello-world");
        let out = run(&mut sb, "docker container prune");
        assert_eq!(
            sb.engine.containers.len(),
            1,
            "no confirmation, nothing removed"
        );
        assert!(
            out.texts()
                .contains(&"WARNING! This will remove all stopped containers.")
        );
        let out = run(&mut sb, "docker container prune -f");
        assert_eq!(out.texts()[1], "Deleted Containers:");
        assert!(sb.engine.containers.is_empty());
        let up = run(&mut sb, "docker compose up -d");
        assert_eq!(up.exit_code, 0);
        assert!(run(&mut sb, "docker compose ps").texts()[0].starts_with("NAME"));
        assert_eq!(run(&mut sb, "docker compose ps").texts().len(), 4);
        assert_eq!(
            first(&run(&mut sb, "docker compose frob")),
            "unknown docker command: \"compose frob\""
        );
        assert_eq!(run(&mut sb, "docker compose down").exit_code, 0);
        assert!(sb.engine.containers.is_empty());
        assert!(
            run(&mut sb, "docker version")
                .texts()
                .contains(&" containerd:")
        );
        assert!(
            run(&mut sb, "docker info")
                .texts()
                .contains(&" Storage Driver: overlay2")
        );
        run(&mut sb, "echo 'services: [' > compose.yaml");
        assert_eq!(run(&mut sb, "docker compose up").exit_code, 1);
    }
}
