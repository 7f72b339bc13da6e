//! A container: its lifecycle state machine, writable layer, logs and settings.
//!
//! Docker's states are `created` (rootfs and config prepared, no process), `running`, `paused` (frozen by
//! the cgroup freezer), and `exited` (the process ended; the container and its writable layer remain
//! until `docker rm`). Removal is not a state: the container is gone. The transitions allowed here are
//! the ones the daemon allows; the engine maps refusals to Docker's error texts.

use std::collections::BTreeMap;

use serde::Serialize;

use super::humanize::human_duration;
use super::image::FileEntry;
use super::program::Behaviour;
use super::sha256::Digest;

/// A container's lifecycle state (`State.Status` in `docker inspect`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ContainerState {
    /// Created but never started (or its start failed).
    Created,
    /// Its main process runs.
    Running,
    /// Its processes are frozen.
    Paused,
    /// Its main process has exited.
    Exited,
}

/// A transition the current state does not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum LifecycleError {
    /// Pause, exec or kill need a running container.
    #[error("container is not running")]
    NotRunning,
    /// Pausing twice.
    #[error("container is already paused")]
    AlreadyPaused,
    /// Unpausing a container that is not paused.
    #[error("container is not paused")]
    NotPaused,
    /// Starting a paused container (Docker asks for unpause).
    #[error("cannot start a paused container, try unpause instead")]
    StartPaused,
}

impl ContainerState {
    /// The lower-case name Docker uses in `inspect` and `--filter status=`.
    pub(crate) fn docker_name(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Exited => "exited",
        }
    }

    /// Whether a process exists (running or frozen).
    pub(crate) fn has_process(self) -> bool {
        matches!(self, Self::Running | Self::Paused)
    }

    /// `start`: created or exited -> running; running stays running (a no-op in Docker).
    pub(super) fn start(self) -> Result<Self, LifecycleError> {
        match self {
            Self::Paused => Err(LifecycleError::StartPaused),
            _ => Ok(Self::Running),
        }
    }

    /// `pause`: running -> paused.
    pub(super) fn pause(self) -> Result<Self, LifecycleError> {
        match self {
            Self::Running => Ok(Self::Paused),
            Self::Paused => Err(LifecycleError::AlreadyPaused),
            _ => Err(LifecycleError::NotRunning),
        }
    }

    /// `unpause`: paused -> running.
    pub(super) fn unpause(self) -> Result<Self, LifecycleError> {
        match self {
            Self::Paused => Ok(Self::Running),
            _ => Err(LifecycleError::NotPaused),
        }
    }

    /// The main process exited: running or paused -> exited.
    pub(super) fn exit(self) -> Result<Self, LifecycleError> {
        if self.has_process() {
            Ok(Self::Exited)
        } else {
            Err(LifecycleError::NotRunning)
        }
    }
}

/// A published port (`-p 8080:80`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(super) struct PortBinding {
    /// Host address (`0.0.0.0` unless given).
    pub(super) host_ip: String,
    /// Host port.
    pub(super) host_port: u16,
    /// Container port.
    pub(super) container_port: u16,
    /// `tcp` or `udp`.
    pub(super) protocol: String,
}

/// Why a `-p` value is invalid (Docker's wording).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum PortError {
    /// The container port is not a number in 1..=65535.
    #[error("invalid containerPort: {0}")]
    ContainerPort(String),
    /// The host port is not a number in 1..=65535.
    #[error("invalid hostPort: {0}")]
    HostPort(String),
    /// Not tcp, udp or sctp.
    #[error("invalid proto: {0}")]
    Protocol(String),
}

impl PortBinding {
    /// Parses `-p` syntax: `8080:80`, `127.0.0.1:8080:80`, `8080:80/udp`, or `80` (then the host port
    /// is `ephemeral_port`, standing in for the one Docker picks from its ephemeral range).
    pub(super) fn parse(spec: &str, ephemeral_port: u16) -> Result<Self, PortError> {
        let (addresses, protocol) = match spec.rsplit_once('/') {
            Some((rest, proto)) => (rest, proto.to_owned()),
            None => (spec, "tcp".to_owned()),
        };
        if !matches!(protocol.as_str(), "tcp" | "udp" | "sctp") {
            return Err(PortError::Protocol(protocol));
        }
        let parts: Vec<&str> = addresses.split(':').collect();
        let (host_ip, host, container) = match parts.as_slice() {
            [container] => ("0.0.0.0", None, *container),
            [host, container] => ("0.0.0.0", Some(*host), *container),
            [ip, host, container] => (*ip, Some(*host), *container),
            _ => return Err(PortError::ContainerPort(spec.to_owned())),
        };
        let port = |text: &str| text.parse::<u16>().ok().filter(|p| *p > 0);
        let container_port =
            port(container).ok_or_else(|| PortError::ContainerPort(container.to_owned()))?;
        let host_port = match host {
            None | Some("") => ephemeral_port,
            Some(text) => port(text).ok_or_else(|| PortError::HostPort(text.to_owned()))?,
        };
        Ok(Self {
            host_ip: if host_ip.is_empty() {
                "0.0.0.0"
            } else {
                host_ip
            }
            .to_owned(),
            host_port,
            container_port,
            protocol,
        })
    }

    /// The PORTS column form: `0.0.0.0:8080->80/tcp, [::]:8080->80/tcp` (IPv6 twin for 0.0.0.0).
    pub(super) fn display(&self) -> String {
        let v4 = format!(
            "{}:{}->{}/{}",
            self.host_ip, self.host_port, self.container_port, self.protocol
        );
        if self.host_ip == "0.0.0.0" {
            format!(
                "{v4}, [::]:{}->{}/{}",
                self.host_port, self.container_port, self.protocol
            )
        } else {
            v4
        }
    }
}

/// Resource limits, written by runc into the container's cgroup.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub(super) struct Limits {
    /// `--cpus` in billionths of a CPU (0 = unlimited). runc writes `cpu.max` = `nano_cpus/10^4 100000`.
    pub(super) nano_cpus: u64,
    /// `--memory` (0 = unlimited). runc writes `memory.max`.
    pub(super) memory_bytes: u64,
}

/// Which log stream a line went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(super) enum LogStream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// One line of a container's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(super) struct LogLine {
    /// Simulated time the line was written.
    pub(super) at_ms: u64,
    /// Stream.
    pub(super) stream: LogStream,
    /// Text without the newline.
    pub(super) text: String,
}

/// Compose labels (`com.docker.compose.project` / `.service`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(super) struct ComposeLabels {
    /// Project name.
    pub(super) project: String,
    /// Service name.
    pub(super) service: String,
}

/// A container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Container {
    /// 64-hex id (`hostname` inside is its first 12 digits).
    pub(crate) id: Digest,
    /// Name, without Docker's leading slash.
    pub(crate) name: String,
    /// The image as the user wrote it (`nginx`, `nginx:alpine`).
    pub(crate) image_ref: String,
    /// The image id it was created from.
    pub(crate) image_id: Digest,
    /// The image's layers it stands on, base first (kept even if the image is deleted with `-f`).
    pub(super) layers: Vec<Digest>,
    /// The executable (`Path` in inspect).
    pub(super) path: String,
    /// Its arguments (`Args`).
    pub(super) args: Vec<String>,
    /// Environment, `KEY=value`.
    pub(super) env: Vec<String>,
    /// Working directory.
    pub(super) workdir: String,
    /// `-t`.
    pub(super) tty: bool,
    /// `-i`.
    pub(super) interactive: bool,
    /// `--rm`: remove when the process exits.
    pub(super) auto_remove: bool,
    /// Published ports.
    pub(super) ports: Vec<PortBinding>,
    /// Ports the image exposes (`80/tcp`).
    pub(super) exposed_ports: Vec<String>,
    /// Resource limits.
    pub(super) limits: Limits,
    /// The network it joins on start.
    pub(super) network: String,
    /// Its address while running (empty when stopped or on host/none networks).
    pub(super) ip: String,
    /// The signal `docker stop` sends first (image `STOPSIGNAL`, default SIGTERM).
    pub(super) stop_signal: String,
    /// Lifecycle state.
    pub(crate) state: ContainerState,
    /// Exit status of the last run.
    pub(crate) exit_code: i32,
    /// What the main process does.
    pub(super) behaviour: Behaviour,
    /// When a finite process (`sleep 30`) ends by itself, if running.
    pub(super) deadline_ms: Option<u64>,
    /// Creation time.
    pub(super) created_ms: u64,
    /// Last start time.
    pub(super) started_ms: Option<u64>,
    /// Last exit time.
    pub(super) finished_ms: Option<u64>,
    /// The writable layer: files written, copied up or whited out.
    pub(crate) upper: BTreeMap<String, FileEntry>,
    /// Everything the main process wrote.
    pub(super) logs: Vec<LogLine>,
    /// Next PID inside the container's PID namespace (for `docker exec`).
    pub(super) next_pid: u32,
    /// Set for containers created by `docker compose`.
    pub(super) compose: Option<ComposeLabels>,
}

impl Container {
    /// Docker's short id.
    pub(super) fn short_id(&self) -> String {
        self.id.short()
    }

    /// The full command line (`Path` and `Args` joined), as `docker ps` shows before truncation.
    pub(super) fn command_line(&self) -> String {
        let mut parts = vec![self.path.clone()];
        parts.extend(self.args.iter().cloned());
        parts.join(" ")
    }

    /// The STATUS column of `docker ps` at simulated time `now_ms`.
    pub(super) fn status_text(&self, now_ms: u64) -> String {
        match self.state {
            ContainerState::Created => "Created".to_owned(),
            ContainerState::Running | ContainerState::Paused => {
                let up = now_ms.saturating_sub(self.started_ms.unwrap_or(now_ms));
                let paused = if self.state == ContainerState::Paused {
                    " (Paused)"
                } else {
                    ""
                };
                format!("Up {}{paused}", human_duration(up))
            }
            ContainerState::Exited => {
                let since = now_ms.saturating_sub(self.finished_ms.unwrap_or(now_ms));
                format!("Exited ({}) {} ago", self.exit_code, human_duration(since))
            }
        }
    }

    /// Bytes in the writable layer (`docker ps -s` SIZE).
    pub(crate) fn writable_bytes(&self) -> u64 {
        self.upper.values().map(FileEntry::size_bytes).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_specs_parse_like_docker() {
        let port = PortBinding::parse("8080:80", 0).unwrap();
        assert_eq!((port.host_port, port.container_port), (8080, 80));
        assert_eq!(port.display(), "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp");
        let local = PortBinding::parse("127.0.0.1:5000:5000/udp", 0).unwrap();
        assert_eq!(local.display(), "127.0.0.1:5000->5000/udp");
        assert_eq!(PortBinding::parse("80", 32768).unwrap().host_port, 32768);
        assert_eq!(
            PortBinding::parse("abc", 0),
            Err(PortError::ContainerPort("abc".into()))
        );
        assert_eq!(
            PortBinding::parse("x:80", 0),
            Err(PortError::HostPort("x".into()))
        );
        assert_eq!(
            PortBinding::parse("80:80/xyz", 0),
            Err(PortError::Protocol("xyz".into()))
        );
    }

    #[test]
    fn lifecycle_transitions_match_the_daemon() {
        use ContainerState::*;
        assert_eq!(Created.start(), Ok(Running));
        assert_eq!(Exited.start(), Ok(Running));
        assert_eq!(Running.start(), Ok(Running));
        assert_eq!(Paused.start(), Err(LifecycleError::StartPaused));
        assert_eq!(Running.pause(), Ok(Paused));
        assert_eq!(Paused.pause(), Err(LifecycleError::AlreadyPaused));
        assert_eq!(Exited.pause(), Err(LifecycleError::NotRunning));
        assert_eq!(Created.pause(), Err(LifecycleError::NotRunning));
        assert_eq!(Paused.unpause(), Ok(Running));
        assert_eq!(Running.unpause(), Err(LifecycleError::NotPaused));
        assert_eq!(Running.exit(), Ok(Exited));
        assert_eq!(Paused.exit(), Ok(Exited));
        assert_eq!(Created.exit(), Err(LifecycleError::NotRunning));
        assert!(!Exited.has_process());
    }
}
