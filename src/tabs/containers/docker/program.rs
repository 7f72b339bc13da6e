//! What a container's main process does: run forever, sleep, or print and exit; and how it answers
//! signals.
//!
//! `docker stop` is only fast when the main process acts on the stop signal. The process is PID 1 of
//! its PID namespace, and the kernel delivers a signal from outside to that init process only if it has
//! installed a handler, except SIGKILL and SIGSTOP (pid_namespaces(7)). So nginx (handles SIGQUIT, its
//! image's STOPSIGNAL) and redis (handles SIGTERM) exit at once with status 0, while `sleep` or an
//! interactive shell ignore SIGTERM, the 10 s grace period runs out, and SIGKILL ends them with status
//! 137 (128 + 9). Log lines approximate what nginx 1.27 and redis 7.4 print.
//!
//! Sources of the signal facts:
//! - pid_namespaces(7): init of a PID namespace only receives signals it has a handler for, except SIGKILL/SIGSTOP from an ancestor namespace
//! - signal(7): signal numbers on x86-64 Linux (SIGHUP 1, SIGINT 2, SIGQUIT 3, SIGKILL 9, SIGUSR1 10, SIGUSR2 12, SIGTERM 15)
//! - nginx docs, 'Controlling nginx': QUIT graceful shutdown, TERM/INT fast shutdown, HUP reconfigure
//! - Docker docs, docker container stop: SIGTERM (or the image's STOPSIGNAL), then SIGKILL after a 10 s grace period

use serde::Serialize;

use super::container::LogStream;
use super::humanize::{DateTime, EPOCH_UNIX_SECS};

/// Signals the sandbox knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(super) enum Signal {
    /// SIGHUP (1).
    Hup,
    /// SIGINT (2).
    Int,
    /// SIGQUIT (3).
    Quit,
    /// SIGKILL (9): cannot be caught or ignored.
    Kill,
    /// SIGUSR1 (10).
    Usr1,
    /// SIGUSR2 (12).
    Usr2,
    /// SIGTERM (15): the default stop signal.
    Term,
}

impl Signal {
    /// Every known signal.
    pub(crate) const ALL: &[Self] = &[
        Self::Hup,
        Self::Int,
        Self::Quit,
        Self::Kill,
        Self::Usr1,
        Self::Usr2,
        Self::Term,
    ];

    /// Its number on x86-64 Linux.
    pub(super) fn number(self) -> i32 {
        match self {
            Self::Hup => 1,
            Self::Int => 2,
            Self::Quit => 3,
            Self::Kill => 9,
            Self::Usr1 => 10,
            Self::Usr2 => 12,
            Self::Term => 15,
        }
    }

    /// `SIGTERM` etc.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Hup => "SIGHUP",
            Self::Int => "SIGINT",
            Self::Quit => "SIGQUIT",
            Self::Kill => "SIGKILL",
            Self::Usr1 => "SIGUSR1",
            Self::Usr2 => "SIGUSR2",
            Self::Term => "SIGTERM",
        }
    }

    /// Parses `SIGTERM`, `TERM`, `term` or `15`, as `docker kill -s` accepts.
    pub(super) fn parse(text: &str) -> Option<Self> {
        let upper = text.to_ascii_uppercase();
        let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
        Self::ALL.iter().copied().find(|signal| {
            signal.name().trim_start_matches("SIG") == bare || signal.number().to_string() == upper
        })
    }
}

/// The kind of main process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(super) enum Behaviour {
    /// `nginx -g 'daemon off;'`: serves until signalled.
    Nginx,
    /// `redis-server`: serves until signalled.
    Redis,
    /// `sleep N`: exits 0 after N seconds; ignores SIGTERM as PID 1.
    Sleep {
        /// How long it sleeps.
        duration_ms: u64,
    },
    /// Waits forever without signal handlers: an interactive shell or REPL kept open by `-i`,
    /// or `tail -f`.
    Idle,
    /// Prints its output and exits at once (`echo`, `ls`, `/hello`, a shell without `-i`).
    OneShot,
}

/// What a process does on receiving a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reaction {
    /// No handler and PID 1: the kernel drops the signal.
    Ignored,
    /// A handler shuts the process down; it exits with this status after a short delay.
    Exits {
        /// Exit status.
        exit_code: i32,
        /// Shutdown time.
        after_ms: u64,
    },
    /// A handler reloads configuration; the process keeps running.
    Reloads,
    /// SIGKILL: the kernel ends it (status 137).
    Killed,
}

/// The basename of a path.
fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Parses `sleep`'s argument (`30`, `1.5`, `2m`, `infinity`) into milliseconds.
pub(super) fn parse_sleep_ms(text: &str) -> Option<u64> {
    if text == "infinity" {
        return Some(u64::MAX / 4);
    }
    let mut number = text.chars();
    let scale = match number.next_back() {
        Some('s') => 1_000.0,
        Some('m') => 60_000.0,
        Some('h') => 3_600_000.0,
        Some('d') => 86_400_000.0,
        _ => {
            number = text.chars();
            1_000.0
        }
    };
    let value: f64 = number.as_str().parse().ok()?;
    (value.is_finite() && value >= 0.0).then(|| (value * scale).min(1e15) as u64)
}

/// Strips an entrypoint wrapper script that `exec`s its arguments (`docker-entrypoint.sh nginx ...`).
pub(super) fn strip_entrypoint(argv: &[String]) -> &[String] {
    match argv.split_first() {
        Some((first, rest)) if basename(first) == "docker-entrypoint.sh" && !rest.is_empty() => {
            rest
        }
        _ => argv,
    }
}

/// Decides what the main process `argv` does; `interactive` is `-i` (stdin kept open).
pub(super) fn classify(argv: &[String], interactive: bool) -> Behaviour {
    let argv = strip_entrypoint(argv);
    let Some((program, args)) = argv.split_first() else {
        return Behaviour::OneShot;
    };
    match basename(program) {
        "nginx" if args.is_empty() || args.iter().any(|a| a == "-g") => Behaviour::Nginx,
        "redis-server" => Behaviour::Redis,
        "sleep" => match args.first().and_then(|a| parse_sleep_ms(a)) {
            Some(duration_ms) => Behaviour::Sleep { duration_ms },
            None => Behaviour::OneShot,
        },
        "sh" | "bash" | "ash" | "python" | "python3" if args.is_empty() => {
            if interactive {
                Behaviour::Idle
            } else {
                Behaviour::OneShot
            }
        }
        "tail" if args.iter().any(|a| a == "-f" || a == "-F") => Behaviour::Idle,
        _ => Behaviour::OneShot,
    }
}

/// How a running process of this behaviour answers `signal`.
pub(super) fn react(behaviour: Behaviour, signal: Signal) -> Reaction {
    if signal == Signal::Kill {
        return Reaction::Killed;
    }
    match (behaviour, signal) {
        (Behaviour::Nginx, Signal::Quit) => Reaction::Exits {
            exit_code: 0,
            after_ms: 400,
        },
        (Behaviour::Nginx, Signal::Term | Signal::Int) => Reaction::Exits {
            exit_code: 0,
            after_ms: 100,
        },
        (Behaviour::Nginx, Signal::Hup | Signal::Usr1) => Reaction::Reloads,
        (Behaviour::Redis, Signal::Term | Signal::Int) => Reaction::Exits {
            exit_code: 0,
            after_ms: 200,
        },
        _ => Reaction::Ignored,
    }
}

/// A log line before it is stamped with the container.
pub(super) type RawLog = (LogStream, String);

/// Worker process ids nginx prints (`worker_processes auto` starts one per CPU).
fn nginx_workers(host_cpus: u32) -> Vec<u32> {
    (0..host_cpus.max(1)).map(|i| 29 + i).collect()
}

/// Lines the main process prints when it starts at simulated time `at_ms`.
pub(super) fn start_logs(behaviour: Behaviour, at_ms: u64, host_cpus: u32) -> Vec<RawLog> {
    let time = DateTime::from_sim_ms(at_ms as i64);
    match behaviour {
        Behaviour::Nginx => {
            let mut lines: Vec<RawLog> = [
                "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
                "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
                "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
                "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
                "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
                "/docker-entrypoint.sh: Configuration complete; ready for start up",
            ]
            .iter()
            .map(|text| (LogStream::Stdout, (*text).to_owned()))
            .collect();
            let stamp = time.nginx();
            let mut notices = vec![
                "using the \"epoll\" event method".to_owned(),
                "nginx/1.27.3".to_owned(),
                "built by gcc 12.2.0 (Debian 12.2.0-14)".to_owned(),
                "OS: Linux 6.1.0".to_owned(),
                "getrlimit(RLIMIT_NOFILE): 1048576:1048576".to_owned(),
                "start worker processes".to_owned(),
            ];
            notices.extend(
                nginx_workers(host_cpus)
                    .iter()
                    .map(|pid| format!("start worker process {pid}")),
            );
            lines.extend(
                notices
                    .into_iter()
                    .map(|text| (LogStream::Stderr, format!("{stamp} [notice] 1#1: {text}"))),
            );
            lines
        }
        Behaviour::Redis => {
            let stamp = time.redis();
            [
                format!("1:C {stamp} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"),
                format!("1:C {stamp} * Redis version=7.4.1, bits=64, commit=00000000, modified=0, pid=1, just started"),
                format!("1:C {stamp} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf"),
                format!("1:M {stamp} * monotonic clock: POSIX clock_gettime"),
                format!("1:M {stamp} * Running mode=standalone, port=6379."),
                format!("1:M {stamp} * Server initialized"),
                format!("1:M {stamp} * Ready to accept connections tcp"),
            ]
            .into_iter()
            .map(|text| (LogStream::Stdout, text))
            .collect()
        }
        _ => Vec::new(),
    }
}

/// Lines the main process prints when it handles `signal` at simulated time `at_ms`.
pub(super) fn signal_logs(
    behaviour: Behaviour,
    signal: Signal,
    at_ms: u64,
    host_cpus: u32,
) -> Vec<RawLog> {
    let time = DateTime::from_sim_ms(at_ms as i64);
    let reaction = react(behaviour, signal);
    match (behaviour, reaction) {
        (Behaviour::Nginx, Reaction::Exits { .. }) => {
            let stamp = time.nginx();
            let workers = nginx_workers(host_cpus);
            let graceful = signal == Signal::Quit;
            let mut lines = vec![if graceful {
                format!("{stamp} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down")
            } else {
                format!(
                    "{stamp} [notice] 1#1: signal {} ({}) received, exiting",
                    signal.number(),
                    signal.name()
                )
            }];
            for pid in &workers {
                if graceful {
                    lines.push(format!(
                        "{stamp} [notice] {pid}#{pid}: gracefully shutting down"
                    ));
                }
                lines.push(format!("{stamp} [notice] {pid}#{pid}: exiting"));
                lines.push(format!("{stamp} [notice] {pid}#{pid}: exit"));
            }
            for pid in &workers {
                lines.push(format!(
                    "{stamp} [notice] 1#1: signal 17 (SIGCHLD) received from {pid}"
                ));
                lines.push(format!(
                    "{stamp} [notice] 1#1: worker process {pid} exited with code 0"
                ));
            }
            lines.push(format!("{stamp} [notice] 1#1: exit"));
            lines
                .into_iter()
                .map(|text| (LogStream::Stderr, text))
                .collect()
        }
        (Behaviour::Nginx, Reaction::Reloads) => {
            let stamp = time.nginx();
            vec![
                (
                    LogStream::Stderr,
                    format!(
                        "{stamp} [notice] 1#1: signal {} ({}) received, reconfiguring",
                        signal.number(),
                        signal.name()
                    ),
                ),
                (
                    LogStream::Stderr,
                    format!("{stamp} [notice] 1#1: reconfiguring"),
                ),
            ]
        }
        (Behaviour::Redis, Reaction::Exits { .. }) => {
            let stamp = time.redis();
            let unix_secs = EPOCH_UNIX_SECS + (at_ms / 1000) as i64;
            vec![
                format!(
                    "1:signal-handler ({unix_secs}) Received {} scheduling shutdown...",
                    signal.name()
                ),
                format!("1:M {stamp} * User requested shutdown..."),
                format!("1:M {stamp} * Saving the final RDB snapshot before exiting."),
                format!("1:M {stamp} * DB saved on disk"),
                format!("1:M {stamp} # Redis is now ready to exit, bye bye..."),
            ]
            .into_iter()
            .map(|text| (LogStream::Stdout, text))
            .collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn signals_parse_by_name_and_number() {
        assert_eq!(Signal::parse("SIGTERM"), Some(Signal::Term));
        assert_eq!(Signal::parse("term"), Some(Signal::Term));
        assert_eq!(Signal::parse("9"), Some(Signal::Kill));
        assert_eq!(Signal::parse("SIGFOO"), None);
        assert_eq!(Signal::Kill.number() + 128, 137);
    }

    #[test]
    fn classification_follows_the_command() {
        assert_eq!(
            classify(
                &argv(&["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"]),
                false
            ),
            Behaviour::Nginx
        );
        assert_eq!(
            classify(&argv(&["docker-entrypoint.sh", "redis-server"]), false),
            Behaviour::Redis
        );
        assert_eq!(
            classify(&argv(&["sleep", "30"]), false),
            Behaviour::Sleep {
                duration_ms: 30_000
            }
        );
        assert_eq!(classify(&argv(&["/bin/sh"]), false), Behaviour::OneShot);
        assert_eq!(classify(&argv(&["/bin/sh"]), true), Behaviour::Idle);
        assert_eq!(
            classify(&argv(&["tail", "-f", "/dev/null"]), false),
            Behaviour::Idle
        );
        assert_eq!(classify(&argv(&["echo", "hi"]), false), Behaviour::OneShot);
        assert_eq!(parse_sleep_ms("1.5m"), Some(90_000));
        assert_eq!(parse_sleep_ms("x"), None);
    }

    #[test]
    fn pid_one_without_handlers_ignores_sigterm() {
        let sleeper = Behaviour::Sleep { duration_ms: 1 };
        assert_eq!(react(sleeper, Signal::Term), Reaction::Ignored);
        assert_eq!(react(Behaviour::Idle, Signal::Term), Reaction::Ignored);
        assert_eq!(react(sleeper, Signal::Kill), Reaction::Killed);
        assert!(matches!(
            react(Behaviour::Nginx, Signal::Quit),
            Reaction::Exits { exit_code: 0, .. }
        ));
        assert!(matches!(
            react(Behaviour::Redis, Signal::Term),
            Reaction::Exits { exit_code: 0, .. }
        ));
        assert_eq!(react(Behaviour::Redis, Signal::Quit), Reaction::Ignored);
        assert_eq!(react(Behaviour::Nginx, Signal::Hup), Reaction::Reloads);
    }

    #[test]
    fn nginx_logs_one_worker_per_cpu() {
        let lines = start_logs(Behaviour::Nginx, 2_000, 2);
        assert!(
            lines
                .iter()
                .any(|(_, t)| t.ends_with("start worker process 30"))
        );
        assert!(
            !lines
                .iter()
                .any(|(_, t)| t.ends_with("start worker process 31"))
        );
        let stop = signal_logs(Behaviour::Nginx, Signal::Quit, 9_000, 2);
        assert!(
            stop[0]
                .1
                .contains("signal 3 (SIGQUIT) received, shutting down")
        );
        assert!(stop.last().is_some_and(|(_, t)| t.ends_with("1#1: exit")));
    }
}
