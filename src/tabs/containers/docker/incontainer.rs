//! A tiny userland that runs inside a simulated container: `ls`, `cat`, `echo`, `ps`, `sh -c`, ...
//!
//! `docker exec web ls /usr/share/nginx/html` should list the image's files, `hostname` should print
//! the container's short id (Docker sets the hostname to it), `ps` should show the main process as
//! PID 1 (the container has its own PID namespace), and `echo hi > file` should land in the writable
//! layer through copy-on-write. Programs run only if the image has them on `$PATH`: the nginx image,
//! like Debian slim images, has no `ps`, so `docker exec web ps` fails as it does for real.

use std::collections::BTreeMap;

use super::container::LogStream;
use super::image::{FileEntry, Layer};
use super::layerfs::{self, UnionView, WriteOutcome};
use super::program::{Behaviour, RawLog, parse_sleep_ms};
use super::registry::HELLO_WORLD_OUTPUT;
use super::shell::{self, Connector, Expander, Script};

/// Longest `sleep` an exec'd process may take in the sandbox (the clock advances by it).
pub(super) const MAX_EXEC_SLEEP_MS: u64 = 3_600_000;

/// A change the process made to the writable layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum FsChange {
    /// A lower file was copied up before being modified.
    CopiedUp {
        /// Path.
        path: String,
        /// Bytes copied.
        size_bytes: u64,
    },
    /// A file was written.
    Written {
        /// Path.
        path: String,
    },
    /// A file was deleted (whiteout or removal from the writable layer).
    Deleted {
        /// Path.
        path: String,
    },
}

/// What the process produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ProcessOutput {
    /// Output lines in order.
    pub(super) lines: Vec<RawLog>,
    /// Exit status.
    pub(super) exit_code: i32,
    /// Writable-layer changes in order.
    pub(super) changes: Vec<FsChange>,
    /// Simulated time spent sleeping.
    pub(super) slept_ms: u64,
    /// The process is a server that keeps running after printing its start-up lines.
    pub(super) keeps_running: bool,
}

/// Why the runtime could not start the process.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StartError {
    /// The program is not in the image.
    #[error("exec: \"{0}\": executable file not found in $PATH")]
    NotFound(String),
}

/// The container as a process inside it sees it.
pub(super) struct ProcessEnv<'a> {
    /// Image layers, base first.
    pub(super) lower: &'a [&'a Layer],
    /// The container's writable layer.
    pub(super) upper: &'a mut BTreeMap<String, FileEntry>,
    /// Hostname (the container's short id).
    pub(super) hostname: String,
    /// IP address on its network (empty if none).
    pub(super) ip: String,
    /// Environment, `KEY=value`.
    pub(super) env: Vec<String>,
    /// Working directory.
    pub(super) workdir: String,
    /// Command line of PID 1.
    pub(super) main_command: String,
    /// What PID 1 is.
    pub(super) main_behaviour: Behaviour,
    /// Whether PID 1 is running (false when this process *is* the starting main process).
    pub(super) main_running: bool,
    /// This process's PID in the container's namespace.
    pub(super) pid: u32,
}

impl ProcessEnv<'_> {
    fn view(&self) -> UnionView<'_> {
        UnionView {
            lower: self.lower,
            upper: self.upper,
        }
    }

    fn var(&self, name: &str) -> Option<String> {
        if name == "HOSTNAME" {
            return Some(self.hostname.clone());
        }
        self.env.iter().find_map(|entry| {
            entry
                .split_once('=')
                .filter(|(key, _)| *key == name)
                .map(|(_, value)| value.to_owned())
        })
    }

    /// Bind-mounted files Docker provides (not part of any layer, so `docker diff` never lists them).
    fn mounted(&self, path: &str) -> Option<String> {
        match path {
            "/etc/hostname" => Some(format!("{}\n", self.hostname)),
            "/etc/hosts" => {
                let mut hosts =
                    "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n".to_owned();
                if !self.ip.is_empty() {
                    hosts.push_str(&format!("{}\t{}\n", self.ip, self.hostname));
                }
                Some(hosts)
            }
            "/etc/resolv.conf" => Some("nameserver 8.8.8.8\n".to_owned()),
            _ => None,
        }
    }

    fn read(&self, path: &str) -> Option<String> {
        if let Some(text) = self.mounted(path) {
            return Some(text);
        }
        match self.view().lookup(path) {
            Some((FileEntry::File { content, .. }, _)) => Some(content.clone()),
            _ => None,
        }
    }

    /// Resolves a program name through `$PATH` (or as a path).
    fn resolve(&self, name: &str) -> Option<String> {
        if name.contains('/') {
            let path = layerfs::normalize(&self.workdir, name);
            return self.view().lookup(&path).map(|_| path);
        }
        let path_var = self.var("PATH").unwrap_or_default();
        path_var
            .split(':')
            .filter(|dir| !dir.is_empty())
            .map(|dir| format!("{}/{name}", dir.trim_end_matches('/')))
            .find(|candidate| self.view().lookup(candidate).is_some())
    }

    fn write(&mut self, path: &str, text: &str, append: bool, out: &mut ProcessOutput) {
        match layerfs::write_file(self.lower, self.upper, path, text, append) {
            WriteOutcome::CopiedUp { size_bytes } => out.changes.push(FsChange::CopiedUp {
                path: path.to_owned(),
                size_bytes,
            }),
            WriteOutcome::Written => out.changes.push(FsChange::Written {
                path: path.to_owned(),
            }),
        }
    }
}

fn stdout(out: &mut ProcessOutput, text: impl Into<String>) {
    out.lines.push((LogStream::Stdout, text.into()));
}

fn stderr(out: &mut ProcessOutput, text: impl Into<String>) {
    out.lines.push((LogStream::Stderr, text.into()));
}

/// Checks that `name` can be executed (exists as a path, or on `$PATH`).
pub(super) fn check_executable(env: &ProcessEnv<'_>, name: &str) -> Result<(), StartError> {
    env.resolve(name)
        .map(|_| ())
        .ok_or_else(|| StartError::NotFound(name.to_owned()))
}

/// Runs `argv` as a new process in the container. Fails only if the program is not in the image.
pub(super) fn run(env: &mut ProcessEnv<'_>, argv: &[String]) -> Result<ProcessOutput, StartError> {
    let Some((name, _)) = argv.split_first() else {
        return Err(StartError::NotFound(String::new()));
    };
    if env.resolve(name).is_none() {
        return Err(StartError::NotFound(name.clone()));
    }
    let mut out = ProcessOutput::default();
    let mut cwd = env.workdir.clone();
    out.exit_code = program(env, argv, &mut cwd, &mut out);
    Ok(out)
}

/// Runs a resolved program; returns its exit status.
fn program(
    env: &mut ProcessEnv<'_>,
    argv: &[String],
    cwd: &mut String,
    out: &mut ProcessOutput,
) -> i32 {
    let Some((name, args)) = argv.split_first() else {
        return 0;
    };
    let base = name.rsplit('/').next().unwrap_or(name);
    match base {
        "echo" => {
            let (newline, words) = match args.split_first() {
                Some((flag, rest)) if flag == "-n" => (false, rest),
                _ => (true, args),
            };
            let text = words.join(" ");
            if newline || !text.is_empty() {
                stdout(out, text);
            }
            0
        }
        "true" => 0,
        "false" => 1,
        "pwd" => {
            stdout(out, cwd.clone());
            0
        }
        "hostname" => {
            stdout(out, env.hostname.clone());
            0
        }
        "id" => {
            stdout(out, "uid=0(root) gid=0(root) groups=0(root)");
            0
        }
        "whoami" => {
            stdout(out, "root");
            0
        }
        "env" | "printenv" => {
            let mut vars = vec![format!("HOSTNAME={}", env.hostname)];
            vars.extend(env.env.iter().cloned());
            vars.push("HOME=/root".to_owned());
            for var in vars {
                stdout(out, var);
            }
            0
        }
        "cat" => cat(env, args, cwd, out),
        "ls" => ls(env, args, cwd, out),
        "ps" => {
            stdout(out, "PID   USER     TIME  COMMAND");
            if env.main_running {
                stdout(out, format!("    1 root      0:00 {}", env.main_command));
            }
            stdout(
                out,
                format!("{:>5} root      0:00 {}", env.pid, argv.join(" ")),
            );
            0
        }
        "sleep" => match args.first().and_then(|a| parse_sleep_ms(a)) {
            Some(ms) => {
                out.slept_ms = out.slept_ms.saturating_add(ms.min(MAX_EXEC_SLEEP_MS));
                0
            }
            None => {
                stderr(
                    out,
                    format!("sleep: invalid time interval '{}'", args.join(" ")),
                );
                1
            }
        },
        "touch" => {
            for arg in args.iter().filter(|a| !a.starts_with('-')) {
                let path = layerfs::normalize(cwd, arg);
                let existing = env.read(&path).unwrap_or_default();
                env.write(&path, &existing, false, out);
            }
            0
        }
        "rm" => {
            let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
            let mut status = 0;
            for arg in args.iter().filter(|a| !a.starts_with('-')) {
                let path = layerfs::normalize(cwd, arg);
                if env.view().is_dir(&path) {
                    stderr(out, format!("rm: cannot remove '{arg}': Is a directory"));
                    status = 1;
                } else if layerfs::remove_file(env.lower, env.upper, &path) {
                    out.changes.push(FsChange::Deleted { path });
                } else if !force {
                    stderr(
                        out,
                        format!("rm: cannot remove '{arg}': No such file or directory"),
                    );
                    status = 1;
                }
            }
            status
        }
        "sh" | "bash" | "ash" => match args.split_first() {
            Some((flag, rest)) if flag == "-c" => match rest.first() {
                Some(script) => shell_script(env, base, script, cwd, out),
                None => {
                    stderr(out, format!("{base}: -c: option requires an argument"));
                    2
                }
            },
            _ => 0,
        },
        "hello" => {
            for line in HELLO_WORLD_OUTPUT.lines() {
                stdout(out, line);
            }
            0
        }
        "redis-cli" => {
            if env.main_behaviour != Behaviour::Redis || !env.main_running {
                stdout(
                    out,
                    "Could not connect to Redis at 127.0.0.1:6379: Connection refused",
                );
                return 1;
            }
            match args.first().map(|a| a.to_ascii_lowercase()).as_deref() {
                Some("ping") | None => stdout(out, "PONG"),
                Some(other) => stdout(
                    out,
                    format!("(sandbox) redis-cli {other} is not simulated; try: redis-cli ping"),
                ),
            }
            0
        }
        "python" | "python3" => python(env, args, cwd, out),
        "pip" | "pip3" => pip(env, args, cwd, out),
        "apk" => apk(env, args, out),
        "apt-get" => apt_get(env, args, out),
        "nginx" => {
            if args.iter().any(|a| a == "-v" || a == "-V") {
                stderr(out, "nginx version: nginx/1.27.3");
            } else if args.iter().any(|a| a == "-t") {
                stderr(
                    out,
                    "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok",
                );
                stderr(
                    out,
                    "nginx: configuration file /etc/nginx/nginx.conf test is successful",
                );
            }
            0
        }
        other => {
            stderr(
                out,
                format!(
                    "(sandbox) {other} is in the image, but what it does is not simulated here"
                ),
            );
            0
        }
    }
}

fn cat(env: &ProcessEnv<'_>, args: &[String], cwd: &str, out: &mut ProcessOutput) -> i32 {
    let mut status = 0;
    for arg in args {
        let path = layerfs::normalize(cwd, arg);
        match env.read(&path) {
            Some(text) => {
                for line in text.lines() {
                    stdout(out, line);
                }
            }
            None if env.view().is_dir(&path) => {
                stderr(out, format!("cat: {arg}: Is a directory"));
                status = 1;
            }
            None => {
                stderr(out, format!("cat: {arg}: No such file or directory"));
                status = 1;
            }
        }
    }
    status
}

fn ls(env: &ProcessEnv<'_>, args: &[String], cwd: &str, out: &mut ProcessOutput) -> i32 {
    let long = args.iter().any(|a| a.starts_with('-') && a.contains('l'));
    let mut paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let dot = ".".to_owned();
    if paths.is_empty() {
        paths.push(&dot);
    }
    let mut status = 0;
    let several = paths.len() > 1;
    for (index, arg) in paths.iter().enumerate() {
        let path = layerfs::normalize(cwd, arg);
        let view = env.view();
        let entry_line = |name: &str, full: &str| -> String {
            if !long {
                return name.to_owned();
            }
            match view.lookup(full) {
                Some((entry, _)) => format!(
                    "-rw-r--r-- 1 root root {:>8} Jan  6 09:00 {name}",
                    entry.size_bytes()
                ),
                None => format!("drwxr-xr-x 2 root root     4096 Jan  6 09:00 {name}"),
            }
        };
        if view.is_dir(&path) {
            if several {
                if index > 0 {
                    stdout(out, "");
                }
                stdout(out, format!("{arg}:"));
            }
            for name in view.list(&path) {
                let full = layerfs::normalize(&path, &name);
                stdout(out, entry_line(&name, &full));
            }
        } else if view.lookup(&path).is_some() || env.mounted(&path).is_some() {
            stdout(out, entry_line(arg, &path));
        } else {
            stderr(
                out,
                format!("ls: cannot access '{arg}': No such file or directory"),
            );
            status = 2;
        }
    }
    status
}

/// A deterministic stand-in size for an installed package (50 kB to about 2 MB).
fn package_bytes(name: &str) -> u64 {
    50_000 + super::sha256::Digest::of(name.as_bytes()).seed() % 2_000_000
}

/// `pip install -r FILE` / `pip install PKG...`: writes each package under site-packages.
fn pip(env: &mut ProcessEnv<'_>, args: &[String], cwd: &str, out: &mut ProcessOutput) -> i32 {
    let Some(("install", rest)) = args.split_first().map(|(sub, rest)| (sub.as_str(), rest)) else {
        stderr(out, "(sandbox) only pip install is simulated");
        return 0;
    };
    let mut packages: Vec<String> = Vec::new();
    let mut rest = rest.iter();
    while let Some(arg) = rest.next() {
        if arg == "-r" || arg == "--requirement" {
            let Some(file) = rest.next() else {
                stderr(out, "ERROR: -r option requires 1 argument.");
                return 2;
            };
            let path = layerfs::normalize(cwd, file);
            let Some(text) = env.read(&path) else {
                stderr(
                    out,
                    format!(
                        "ERROR: Could not open requirements file: [Errno 2] No such file or directory: '{file}'"
                    ),
                );
                return 1;
            };
            packages.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(str::to_owned),
            );
        } else if !arg.starts_with('-') {
            packages.push(arg.clone());
        }
    }
    let mut installed = Vec::new();
    for spec in &packages {
        let (name, version) = spec.split_once("==").unwrap_or((spec, "1.0.0"));
        stdout(out, format!("Collecting {spec}"));
        let size = package_bytes(name);
        stdout(
            out,
            format!(
                "  Downloading {name}-{version}-py3-none-any.whl ({} kB)",
                size / 1000
            ),
        );
        let file = format!("/usr/local/lib/python3.13/site-packages/{name}/__init__.py");
        match layerfs::write_file(env.lower, env.upper, &file, "# installed by pip\n", false) {
            WriteOutcome::CopiedUp { size_bytes } => out.changes.push(FsChange::CopiedUp {
                path: file.clone(),
                size_bytes,
            }),
            WriteOutcome::Written => out.changes.push(FsChange::Written { path: file.clone() }),
        }
        env.upper.insert(
            file,
            FileEntry::File {
                content: "# installed by pip\n".to_owned(),
                size_bytes: size,
            },
        );
        installed.push(format!("{name}-{version}"));
        out.slept_ms += 1_500;
    }
    if !installed.is_empty() {
        let names: Vec<&str> = packages
            .iter()
            .map(|p| p.split_once("==").map_or(p.as_str(), |(n, _)| n))
            .collect();
        stdout(
            out,
            format!("Installing collected packages: {}", names.join(", ")),
        );
        stdout(
            out,
            format!("Successfully installed {}", installed.join(" ")),
        );
    }
    0
}

/// Writes a stand-in binary for an OS package.
fn install_binary(env: &mut ProcessEnv<'_>, name: &str, out: &mut ProcessOutput) {
    let path = format!("/usr/bin/{name}");
    env.write(&path, "", false, out);
    env.upper.insert(
        path,
        FileEntry::File {
            content: "\u{7f}ELF (stand-in)".to_owned(),
            size_bytes: package_bytes(name),
        },
    );
    out.slept_ms += 1_000;
}

/// `apk add PKG...` (Alpine).
fn apk(env: &mut ProcessEnv<'_>, args: &[String], out: &mut ProcessOutput) -> i32 {
    let Some(("add", rest)) = args.split_first().map(|(sub, rest)| (sub.as_str(), rest)) else {
        stderr(out, "(sandbox) only apk add is simulated");
        return 0;
    };
    let packages: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
    stdout(
        out,
        "fetch https://dl-cdn.alpinelinux.org/alpine/v3.21/main/x86_64/APKINDEX.tar.gz",
    );
    for (index, package) in packages.iter().enumerate() {
        stdout(
            out,
            format!("({}/{}) Installing {package}", index + 1, packages.len()),
        );
        install_binary(env, package, out);
    }
    stdout(out, "OK");
    0
}

/// `apt-get update` / `apt-get install -y PKG...` (Debian).
fn apt_get(env: &mut ProcessEnv<'_>, args: &[String], out: &mut ProcessOutput) -> i32 {
    let rest = args.get(1..).unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("update") => {
            stdout(out, "Get:1 http://deb.debian.org/debian bookworm InRelease");
            stdout(out, "Reading package lists...");
            out.slept_ms += 2_000;
            0
        }
        Some("install") => {
            stdout(out, "Reading package lists...");
            for package in rest.iter().filter(|a| !a.starts_with('-')) {
                stdout(out, format!("Setting up {package} ..."));
                install_binary(env, package, out);
            }
            0
        }
        _ => {
            stderr(
                out,
                "(sandbox) only apt-get update and apt-get install are simulated",
            );
            0
        }
    }
}

/// The text of `print("...")` / `print('...')`, if `code` is exactly such a call.
fn print_literal(code: &str) -> Option<&str> {
    let inner = code.trim().strip_prefix("print(")?.strip_suffix(')')?;
    let inner = inner
        .split_once(", flush=True")
        .map_or(inner, |(arg, _)| arg)
        .trim();
    inner
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| inner.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
}

fn python(env: &ProcessEnv<'_>, args: &[String], cwd: &str, out: &mut ProcessOutput) -> i32 {
    match args.split_first() {
        Some((flag, _)) if flag == "-V" || flag == "--version" => {
            stdout(out, "Python 3.13.1");
            0
        }
        Some((flag, rest)) if flag == "-c" => {
            match rest.first().and_then(|code| print_literal(code)) {
                Some(text) => stdout(out, text),
                None => stderr(
                    out,
                    "(sandbox) only python -c \"print('text')\" is simulated",
                ),
            }
            0
        }
        Some((flag, rest)) if flag == "-m" => {
            if rest.first().map(String::as_str) == Some("http.server") {
                let port = rest.get(1).map_or("8000", String::as_str);
                stdout(
                    out,
                    format!("Serving HTTP on 0.0.0.0 port {port} (http://0.0.0.0:{port}/) ..."),
                );
                out.keeps_running = true;
            }
            0
        }
        Some((script, _)) => {
            let path = layerfs::normalize(cwd, script);
            let Some(code) = env.read(&path) else {
                stderr(
                    out,
                    format!(
                        "python3: can't open file '{path}': [Errno 2] No such file or directory"
                    ),
                );
                return 2;
            };
            for line in code.lines() {
                if let Some(text) = print_literal(line) {
                    stdout(out, text);
                }
            }
            out.keeps_running = code.contains("serve_forever()");
            0
        }
        None => 0,
    }
}

/// Expands variables from the container's environment; substitution is not simulated inside.
struct ContainerExpander<'a> {
    vars: &'a [String],
    hostname: &'a str,
    last_status: i32,
    substitution_used: bool,
}

impl Expander for ContainerExpander<'_> {
    fn substitute(&mut self, _script: &Script) -> String {
        self.substitution_used = true;
        String::new()
    }

    fn variable(&mut self, name: &str) -> String {
        match name {
            "?" => self.last_status.to_string(),
            "HOSTNAME" => self.hostname.to_owned(),
            _ => self
                .vars
                .iter()
                .find_map(|entry| {
                    entry
                        .split_once('=')
                        .filter(|(key, _)| *key == name)
                        .map(|(_, value)| value.to_owned())
                })
                .unwrap_or_default(),
        }
    }
}

/// `sh -c SCRIPT`: sequences, `&&`/`||`, redirections, builtins and the programs above.
fn shell_script(
    env: &mut ProcessEnv<'_>,
    shell_name: &str,
    text: &str,
    cwd: &mut String,
    out: &mut ProcessOutput,
) -> i32 {
    let script = match shell::parse(text) {
        Ok(script) => script,
        Err(error) => {
            stderr(out, format!("{shell_name}: {error}"));
            return 2;
        }
    };
    let mut status = 0;
    for (connector, command) in &script.commands {
        let skip = match connector {
            Connector::Always => false,
            Connector::And => status != 0,
            Connector::Or => status == 0,
        };
        if skip {
            continue;
        }
        let vars = env.env.clone();
        let hostname = env.hostname.clone();
        let mut expander = ContainerExpander {
            vars: &vars,
            hostname: &hostname,
            last_status: status,
            substitution_used: false,
        };
        let expanded = command.expand(&mut expander);
        if expander.substitution_used {
            stderr(
                out,
                format!("{shell_name}: (sandbox) $(...) inside a container is not simulated"),
            );
            status = 2;
            continue;
        }
        let mut inner = ProcessOutput::default();
        let words = &expanded.words;
        status = match words.split_first() {
            None => 0,
            Some((first, rest)) => match first.as_str() {
                "exit" => {
                    let code = rest.first().and_then(|c| c.parse().ok()).unwrap_or(status);
                    out.lines.append(&mut inner.lines);
                    return code;
                }
                "cd" => {
                    let target = layerfs::normalize(cwd, rest.first().map_or("/root", |s| s));
                    if env.view().is_dir(&target) {
                        *cwd = target;
                        0
                    } else {
                        stderr(
                            &mut inner,
                            format!("{shell_name}: cd: can't cd to {}", rest.join(" ")),
                        );
                        2
                    }
                }
                "echo" | "true" | "false" | "pwd" => program(env, words, cwd, &mut inner),
                name => {
                    if env.resolve(name).is_some() {
                        program(env, words, cwd, &mut inner)
                    } else {
                        stderr(&mut inner, format!("{shell_name}: {name}: not found"));
                        127
                    }
                }
            },
        };
        out.changes.append(&mut inner.changes);
        out.slept_ms = out.slept_ms.saturating_add(inner.slept_ms);
        let (produced, errors): (Vec<RawLog>, Vec<RawLog>) = inner
            .lines
            .into_iter()
            .partition(|(stream, _)| *stream == LogStream::Stdout);
        if expanded.redirects.is_empty() {
            let mut merged = produced;
            merged.extend(errors);
            out.lines.extend(merged);
        } else {
            let text: String = produced
                .iter()
                .map(|(_, line)| format!("{line}\n"))
                .collect();
            expanded.write_stdout(&text, |file, text, append| {
                env.write(&layerfs::normalize(cwd, file), text, append, out);
            });
            out.lines.extend(errors);
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::super::registry::DEFAULT_PATH;
    use super::*;

    fn layer() -> Layer {
        let files = [
            ("/bin/sh", "elf"),
            ("/bin/ls", "elf"),
            ("/bin/cat", "elf"),
            ("/bin/echo", "elf"),
            ("/bin/ps", "elf"),
            ("/bin/rm", "elf"),
            ("/usr/share/html/index.html", "<h1>hi</h1>"),
        ];
        Layer::new(
            "base",
            files
                .iter()
                .map(|(p, c)| ((*p).to_owned(), FileEntry::text(c)))
                .collect(),
            1,
        )
    }

    fn exec(
        upper: &mut BTreeMap<String, FileEntry>,
        argv: &[&str],
    ) -> Result<ProcessOutput, StartError> {
        let base = layer();
        let lower = [&base];
        let mut env = ProcessEnv {
            lower: &lower,
            upper,
            hostname: "0123456789ab".into(),
            ip: "172.17.0.2".into(),
            env: vec![DEFAULT_PATH.into(), "GREETING=hello".into()],
            workdir: "/".into(),
            main_command: "sleep 1000".into(),
            main_behaviour: Behaviour::Sleep { duration_ms: 1 },
            main_running: true,
            pid: 7,
        };
        let argv: Vec<String> = argv.iter().map(|a| (*a).to_owned()).collect();
        run(&mut env, &argv)
    }

    fn text(out: &ProcessOutput) -> Vec<&str> {
        out.lines.iter().map(|(_, t)| t.as_str()).collect()
    }

    #[test]
    fn programs_missing_from_the_image_cannot_start() {
        let mut upper = BTreeMap::new();
        assert_eq!(
            exec(&mut upper, &["curl", "x"]),
            Err(StartError::NotFound("curl".into()))
        );
        assert_eq!(
            StartError::NotFound("ps".into()).to_string(),
            "exec: \"ps\": executable file not found in $PATH"
        );
    }

    #[test]
    fn ps_shows_pid_one_and_itself() {
        let mut upper = BTreeMap::new();
        let out = exec(&mut upper, &["ps"]).unwrap();
        assert_eq!(
            text(&out),
            [
                "PID   USER     TIME  COMMAND",
                "    1 root      0:00 sleep 1000",
                "    7 root      0:00 ps"
            ]
        );
    }

    #[test]
    fn ls_cat_and_mounted_files() {
        let mut upper = BTreeMap::new();
        let out = exec(&mut upper, &["ls", "/usr/share/html"]).unwrap();
        assert_eq!(text(&out), ["index.html"]);
        let out = exec(&mut upper, &["cat", "/etc/hostname"]).unwrap();
        assert_eq!(text(&out), ["0123456789ab"]);
        let out = exec(&mut upper, &["cat", "/nope"]).unwrap();
        assert_eq!(out.exit_code, 1);
        assert_eq!(text(&out), ["cat: /nope: No such file or directory"]);
    }

    #[test]
    fn shell_redirection_copies_up_and_expands_variables() {
        let mut upper = BTreeMap::new();
        let out = exec(
            &mut upper,
            &[
                "sh",
                "-c",
                "echo $GREETING >> /usr/share/html/index.html && cat /usr/share/html/index.html",
            ],
        )
        .unwrap();
        assert_eq!(out.exit_code, 0);
        assert_eq!(text(&out), ["<h1>hi</h1>hello"]);
        assert_eq!(
            out.changes,
            [FsChange::CopiedUp {
                path: "/usr/share/html/index.html".into(),
                size_bytes: 11
            }]
        );
        let out = exec(&mut upper, &["sh", "-c", "nosuch || echo fallback; exit 3"]).unwrap();
        assert_eq!(text(&out), ["sh: nosuch: not found", "fallback"]);
        assert_eq!(out.exit_code, 3);
    }

    #[test]
    fn rm_whiteouts_lower_files() {
        let mut upper = BTreeMap::new();
        let out = exec(
            &mut upper,
            &[
                "sh",
                "-c",
                "rm /usr/share/html/index.html; cat /usr/share/html/index.html",
            ],
        )
        .unwrap();
        assert_eq!(
            out.changes,
            [FsChange::Deleted {
                path: "/usr/share/html/index.html".into()
            }]
        );
        assert_eq!(
            text(&out),
            ["cat: /usr/share/html/index.html: No such file or directory"]
        );
        assert_eq!(
            upper.get("/usr/share/html/index.html"),
            Some(&FileEntry::Whiteout)
        );
    }
}
