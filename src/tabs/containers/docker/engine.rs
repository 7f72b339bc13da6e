//! The simulated daemon (dockerd + containerd + runc as one state machine) and its clock.
//!
//! Every operation the CLI asks for is a method on [`Engine`] that changes the state, advances the
//! simulated clock by what the operation costs (a 10 s stop grace period, a download) and records
//! [`Event`]s: creating, starting and `exec` here; images in `engine_images`, networks in
//! `engine_networks`, signals, stops and removal in `engine_lifecycle`.
//! Nothing reads the wall clock or a random source: the state after a sequence of calls is a pure
//! function of the seed and the calls, which is what makes a replayed script deterministic.

use std::sync::Arc;

use super::builder::CacheEntry;
use super::container::{ComposeLabels, Container, ContainerState, Limits, LogLine, PortBinding};
use super::errors::DaemonError;
use super::events::{Event, TimedEvent};
use super::image::{ImageStore, Layer, parse_reference};
use super::incontainer::{self, FsChange, ProcessEnv, ProcessOutput};
use super::names;
use super::network::Network;
use super::program::{self, Behaviour};
use super::registry::{NGINX_DEFAULT_CONF, Registry};
use super::sha256::Digest;

/// CPUs of the simulated host.
pub(super) const HOST_CPUS: u32 = 2;
/// Memory of the simulated host.
pub(super) const HOST_MEMORY_BYTES: u64 = 8 * 1024 * 1024 * 1024;
/// `docker stop`'s default grace period before SIGKILL (Docker docs, `docker container stop`).
pub(super) const DEFAULT_STOP_TIMEOUT_SECS: u64 = 10;
/// Docker's minimum `--memory` (6 MB, `linuxMinMemory` in moby's daemon).
pub(super) const MIN_MEMORY_BYTES: u64 = 6 * 1024 * 1024;
/// The sandbox's bound on containers, so a script cannot grow without limit.
pub(super) const MAX_CONTAINERS: usize = 256;
/// Assumed download rate from the registry (illustrative, a fast home connection).
pub(super) const PULL_BYTES_PER_SEC: u64 = 50_000_000;
/// Simulated cost of creating a container (illustrative).
pub(super) const CREATE_MS: u64 = 60;
/// Simulated cost of starting a container (illustrative).
pub(super) const START_MS: u64 = 350;

/// What to create (the parsed `docker run`/`docker create` options).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct CreateSpec {
    /// The image as typed.
    pub(super) image: String,
    /// `--name`.
    pub(super) name: Option<String>,
    /// `--entrypoint`.
    pub(super) entrypoint: Option<Vec<String>>,
    /// Command after the image (replaces the image's CMD when non-empty).
    pub(super) cmd: Vec<String>,
    /// `-e`.
    pub(super) env: Vec<String>,
    /// `-p`.
    pub(super) ports: Vec<PortBinding>,
    /// `--cpus` / `--memory`.
    pub(super) limits: Limits,
    /// `--network` (default `bridge`).
    pub(super) network: Option<String>,
    /// `-t`.
    pub(super) tty: bool,
    /// `-i`.
    pub(super) interactive: bool,
    /// `--rm`.
    pub(super) auto_remove: bool,
    /// `-w`.
    pub(super) workdir: Option<String>,
    /// Set by compose.
    pub(super) compose: Option<ComposeLabels>,
}

/// The simulated Docker host.
#[derive(Clone, Debug)]
pub(crate) struct Engine {
    /// Simulated clock, milliseconds since the sandbox started.
    pub(crate) now_ms: u64,
    /// Seed for names and ids.
    pub(super) seed: u64,
    /// The remote registry (shared, read-only).
    pub(crate) registry: Arc<Registry>,
    /// Local images and layers.
    pub(crate) images: ImageStore,
    /// Containers in creation order.
    pub(crate) containers: Vec<Container>,
    /// Networks in creation order.
    pub(crate) networks: Vec<Network>,
    /// The builder's layer cache.
    pub(super) build_cache: Vec<CacheEntry>,
    /// Counters for deterministic ids.
    pub(super) counters: Counters,
    /// Events not yet taken by [`Engine::take_events`].
    events: Vec<TimedEvent>,
}

/// Counters behind deterministic ids.
#[derive(Clone, Debug, Default)]
pub(super) struct Counters {
    pub(super) containers: u64,
    pub(super) networks: u64,
    pub(super) builds: u64,
}

impl Engine {
    /// A fresh host with the predefined networks and no images.
    pub(crate) fn new(seed: u64) -> Self {
        let mut engine = Self {
            now_ms: 0,
            seed,
            registry: Registry::shared(),
            images: ImageStore::default(),
            containers: Vec::new(),
            networks: Vec::new(),
            build_cache: Vec::new(),
            counters: Counters::default(),
            events: Vec::new(),
        };
        for (name, driver, octet) in [
            ("bridge", "bridge", 17),
            ("host", "host", 0),
            ("none", "null", 0),
        ] {
            engine.counters.networks += 1;
            engine.networks.push(Network {
                id: names::object_id("network", seed, engine.counters.networks),
                name: name.to_owned(),
                driver: driver.to_owned(),
                subnet_octet: octet,
                compose_project: None,
            });
        }
        engine
    }

    /// Records an event at the current time.
    pub(super) fn emit(&mut self, event: Event) {
        self.events.push(TimedEvent {
            at_ms: self.now_ms,
            event,
        });
    }

    /// Takes the events recorded since the last call.
    pub(super) fn take_events(&mut self) -> Vec<TimedEvent> {
        std::mem::take(&mut self.events)
    }

    /// A fresh deterministic id for a build artefact.
    pub(super) fn next_build_id(&mut self) -> Digest {
        self.counters.builds += 1;
        names::object_id("build", self.seed, self.counters.builds)
    }

    // ------------------------------------------------------------------------------------------
    // Clock

    /// Advances the clock; running processes whose time is up (`sleep 5`) exit on the way.
    pub(super) fn advance(&mut self, duration_ms: u64) {
        let target = self.now_ms.saturating_add(duration_ms);
        loop {
            let due = self
                .containers
                .iter()
                .filter(|c| c.state == ContainerState::Running)
                .filter_map(|c| c.deadline_ms.map(|d| (d, c.id)))
                .filter(|(deadline, _)| *deadline <= target)
                .min();
            let Some((deadline, id)) = due else {
                break;
            };
            self.now_ms = self.now_ms.max(deadline);
            self.exit_container(&id, 0);
        }
        self.now_ms = target;
    }

    // ------------------------------------------------------------------------------------------
    // Lookups

    /// Finds a container as Docker does: full id, exact name (with or without `/`), then id prefix.
    pub(super) fn find_container(&self, key: &str) -> Result<&Container, DaemonError> {
        let name = key.strip_prefix('/').unwrap_or(key);
        self.containers
            .iter()
            .find(|c| c.id.hex() == key)
            .or_else(|| self.containers.iter().find(|c| c.name == name))
            .or_else(|| {
                let mut matches = self.containers.iter().filter(|c| c.id.matches_prefix(key));
                let first = matches.next();
                if matches.next().is_some() {
                    None
                } else {
                    first
                }
            })
            .ok_or_else(|| DaemonError::NoSuchContainer(key.to_owned()))
    }

    /// [`Engine::find_container`], to change the container found.
    pub(super) fn find_container_mut(&mut self, key: &str) -> Result<&mut Container, DaemonError> {
        let id = self.find_container(key)?.id;
        self.container_mut(&id)
            .ok_or_else(|| DaemonError::NoSuchContainer(key.to_owned()))
    }

    /// The container with this id.
    pub(super) fn container(&self, id: &Digest) -> Option<&Container> {
        self.containers.iter().find(|c| c.id == *id)
    }

    /// The container with this id, to change it.
    pub(super) fn container_mut(&mut self, id: &Digest) -> Option<&mut Container> {
        self.containers.iter_mut().find(|c| c.id == *id)
    }

    /// The layers under a container, base first.
    pub(super) fn container_layers(&self, container: &Container) -> Vec<&Layer> {
        container
            .layers
            .iter()
            .filter_map(|digest| self.images.layers.get(digest))
            .collect()
    }

    /// The network with this name.
    pub(super) fn network(&self, name: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.name == name)
    }

    // ------------------------------------------------------------------------------------------
    // Containers

    /// `docker create` (and the first half of `docker run`). The image must be local.
    pub(super) fn create(&mut self, spec: &CreateSpec) -> Result<Digest, DaemonError> {
        if self.containers.len() >= MAX_CONTAINERS {
            return Err(DaemonError::TooManyContainers(MAX_CONTAINERS));
        }
        let image = self.images.lookup(&spec.image).cloned().ok_or_else(|| {
            let shown = parse_reference(&spec.image).map_or(spec.image.clone(), |r| r.full());
            DaemonError::NoSuchImage(shown)
        })?;
        if let Some(name) = &spec.name {
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && name.len() > 1
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
            if !valid {
                return Err(DaemonError::InvalidName(name.clone()));
            }
            if let Some(other) = self.containers.iter().find(|c| c.name == *name) {
                return Err(DaemonError::NameInUse {
                    name: name.clone(),
                    id: other.id.hex(),
                });
            }
        }
        let network = spec.network.clone().unwrap_or_else(|| "bridge".to_owned());
        if self.network(&network).is_none() {
            return Err(DaemonError::NoSuchNetwork(network));
        }
        if spec.limits.nano_cpus > u64::from(HOST_CPUS) * 1_000_000_000 {
            return Err(DaemonError::CpuRange(HOST_CPUS));
        }
        if spec.limits.memory_bytes != 0 && spec.limits.memory_bytes < MIN_MEMORY_BYTES {
            return Err(DaemonError::MemoryTooLow);
        }
        let entrypoint = spec
            .entrypoint
            .clone()
            .unwrap_or_else(|| image.config.entrypoint.clone());
        let cmd = if !spec.cmd.is_empty() {
            spec.cmd.clone()
        } else if spec.entrypoint.is_some() {
            Vec::new()
        } else {
            image.config.cmd.clone()
        };
        let mut argv = entrypoint;
        argv.extend(cmd);
        let Some((path, args)) = argv.split_first() else {
            return Err(DaemonError::NoCommand);
        };
        self.counters.containers += 1;
        let counter = self.counters.containers;
        let id = names::object_id("container", self.seed, counter);
        let name = spec.name.clone().unwrap_or_else(|| {
            names::container_name(self.seed, counter, |candidate| {
                self.containers.iter().any(|c| c.name == candidate)
            })
        });
        let mut env = image.config.env.clone();
        for entry in &spec.env {
            let key = entry.split_once('=').map_or(entry.as_str(), |(k, _)| k);
            env.retain(|e| e.split_once('=').map_or(e.as_str(), |(k, _)| k) != key);
            env.push(entry.clone());
        }
        let workdir = spec.workdir.clone().unwrap_or_else(|| {
            if image.config.workdir.is_empty() {
                "/".to_owned()
            } else {
                image.config.workdir.clone()
            }
        });
        let stop_signal = if image.config.stop_signal.is_empty() {
            "SIGTERM".to_owned()
        } else {
            image.config.stop_signal.clone()
        };
        self.advance(CREATE_MS);
        self.containers.push(Container {
            id,
            name: name.clone(),
            image_ref: spec.image.clone(),
            image_id: image.id,
            layers: image.layers.clone(),
            path: path.clone(),
            args: args.to_vec(),
            env,
            workdir,
            tty: spec.tty,
            interactive: spec.interactive,
            auto_remove: spec.auto_remove,
            ports: spec.ports.clone(),
            exposed_ports: image.config.exposed_ports.clone(),
            limits: spec.limits,
            network,
            ip: String::new(),
            stop_signal,
            state: ContainerState::Created,
            exit_code: 0,
            behaviour: program::classify(&argv, spec.interactive),
            deadline_ms: None,
            created_ms: self.now_ms,
            started_ms: None,
            finished_ms: None,
            upper: Default::default(),
            logs: Vec::new(),
            next_pid: 7,
            compose: spec.compose.clone(),
        });
        self.emit(Event::ContainerCreated {
            container: id,
            name,
            image: image.id,
        });
        Ok(id)
    }

    /// `docker start`. Returns the id of the started container; a one-shot process has already
    /// exited (and, with `--rm`, the container is gone) when this returns.
    pub(super) fn start(&mut self, key: &str) -> Result<Digest, DaemonError> {
        let container = self.find_container(key)?;
        let id = container.id;
        let state = container
            .state
            .start()
            .map_err(|_| DaemonError::StartPaused)?;
        if container.state == ContainerState::Running {
            return Ok(id);
        }
        for port in &container.ports {
            let clash = self.containers.iter().any(|other| {
                other.id != id
                    && other.state.has_process()
                    && other
                        .ports
                        .iter()
                        .any(|p| p.host_port == port.host_port && p.protocol == port.protocol)
            });
            if clash {
                return Err(DaemonError::PortAllocated {
                    name: container.name.clone(),
                    id: id.hex(),
                    host_ip: port.host_ip.clone(),
                    host_port: port.host_port,
                });
            }
        }
        let path = container.path.clone();
        let argv: Vec<String> = std::iter::once(path.clone())
            .chain(container.args.iter().cloned())
            .collect();
        let main = program::strip_entrypoint(&argv).to_vec();
        // runc execs the entrypoint; if the program is missing the start fails.
        let check = self
            .with_process_env(&id, 1, false, |env| {
                incontainer::check_executable(env, &path)
            })
            .ok_or_else(|| DaemonError::NoSuchContainer(key.to_owned()))?;
        if let Err(error) = check {
            if let Some(container) = self.container_mut(&id) {
                container.exit_code = 127;
            }
            return Err(DaemonError::StartFailed(error));
        }
        self.advance(START_MS);
        let Some(network_name) = self.container(&id).map(|c| c.network.clone()) else {
            return Ok(id);
        };
        let in_use: Vec<String> = self
            .containers
            .iter()
            .filter(|c| c.network == network_name && !c.ip.is_empty())
            .map(|c| c.ip.clone())
            .collect();
        let in_use: Vec<&str> = in_use.iter().map(String::as_str).collect();
        let ip = self
            .network(&network_name)
            .map(|n| n.free_address(&in_use))
            .unwrap_or_default();
        let now = self.now_ms;
        let Some(container) = self.container_mut(&id) else {
            return Ok(id);
        };
        container.state = state;
        container.started_ms = Some(now);
        container.finished_ms = None;
        container.exit_code = 0;
        container.ip = ip.clone();
        let behaviour = container.behaviour;
        container.next_pid = match behaviour {
            Behaviour::Nginx => 29 + HOST_CPUS + 2,
            _ => 7,
        };
        if !ip.is_empty() {
            self.emit(Event::NetworkConnected {
                network: network_name,
                container: id,
                ip,
            });
        }
        self.emit(Event::ContainerStarted { container: id });
        match behaviour {
            Behaviour::Nginx => {
                self.append_logs(&id, program::start_logs(behaviour, now, HOST_CPUS));
                self.nginx_entrypoint_writes(&id);
            }
            Behaviour::Redis => {
                self.append_logs(&id, program::start_logs(behaviour, now, HOST_CPUS));
            }
            Behaviour::Sleep { duration_ms } => {
                if let Some(container) = self.container_mut(&id) {
                    container.deadline_ms = Some(now.saturating_add(duration_ms));
                }
            }
            Behaviour::Idle => {}
            Behaviour::OneShot => {
                let output = self
                    .run_process(&id, &main, 1, false)
                    .and_then(Result::ok)
                    .unwrap_or_default();
                self.append_logs(&id, output.lines.clone());
                self.apply_changes(&id, &output.changes);
                if output.keeps_running {
                    // A server (python's http.server): running, with no SIGTERM handler as PID 1.
                    if let Some(container) = self.container_mut(&id) {
                        container.behaviour = Behaviour::Idle;
                    }
                } else {
                    self.advance(output.slept_ms);
                    self.exit_container(&id, output.exit_code);
                }
            }
        }
        Ok(id)
    }

    /// What nginx's entrypoint scripts change on start: IPv6 listen line added to default.conf
    /// (copy-up) and the PID file.
    fn nginx_entrypoint_writes(&mut self, id: &Digest) {
        let path = "/etc/nginx/conf.d/default.conf";
        let with_ipv6 = NGINX_DEFAULT_CONF.replacen(
            "    listen       80;\n",
            "    listen       80;\n    listen  [::]:80;\n",
            1,
        );
        let mut changes = Vec::new();
        let Some(layers) = self.lower_layers(id) else {
            return;
        };
        let lower: Vec<&Layer> = layers.iter().collect();
        let Some(container) = self.container_mut(id) else {
            return;
        };
        let upper = &mut container.upper;
        for (file, text) in [(path, with_ipv6.as_str()), ("/run/nginx.pid", "1\n")] {
            let outcome = super::layerfs::write_file(&lower, upper, file, text, false);
            changes.push(match outcome {
                super::layerfs::WriteOutcome::CopiedUp { size_bytes } => FsChange::CopiedUp {
                    path: file.to_owned(),
                    size_bytes,
                },
                super::layerfs::WriteOutcome::Written => FsChange::Written {
                    path: file.to_owned(),
                },
            });
        }
        self.apply_changes(id, &changes);
    }

    /// Copies of the image layers under container `id`, base first (the writable layer is
    /// changed while they are read).
    fn lower_layers(&self, id: &Digest) -> Option<Vec<Layer>> {
        let container = self.container(id)?;
        Some(
            self.container_layers(container)
                .into_iter()
                .cloned()
                .collect(),
        )
    }

    pub(super) fn append_logs(&mut self, id: &Digest, lines: Vec<program::RawLog>) {
        let now = self.now_ms;
        if let Some(container) = self.container_mut(id) {
            container
                .logs
                .extend(lines.into_iter().map(|(stream, text)| LogLine {
                    at_ms: now,
                    stream,
                    text,
                }));
        }
    }

    /// Emits events for writable-layer changes.
    fn apply_changes(&mut self, id: &Digest, changes: &[FsChange]) {
        for change in changes {
            let event = match change {
                FsChange::CopiedUp { path, size_bytes } => Event::CopiedUp {
                    container: *id,
                    path: path.clone(),
                    size_bytes: *size_bytes,
                },
                FsChange::Written { path } => Event::FileWritten {
                    container: *id,
                    path: path.clone(),
                },
                FsChange::Deleted { path } => Event::FileDeleted {
                    container: *id,
                    path: path.clone(),
                },
            };
            self.emit(event);
        }
    }

    /// Runs `argv` inside container `id` as PID `pid`; `main_running` tells `ps` whether PID 1
    /// runs. `None` when there is no such container.
    fn run_process(
        &mut self,
        id: &Digest,
        argv: &[String],
        pid: u32,
        main_running: bool,
    ) -> Option<Result<ProcessOutput, incontainer::StartError>> {
        self.with_process_env(id, pid, main_running, |env| incontainer::run(env, argv))
    }

    /// Calls `f` with the view a process in container `id` has of it (`None`: no such container).
    fn with_process_env<R>(
        &mut self,
        id: &Digest,
        pid: u32,
        main_running: bool,
        f: impl FnOnce(&mut ProcessEnv<'_>) -> R,
    ) -> Option<R> {
        let layers = self.lower_layers(id)?;
        let lower: Vec<&Layer> = layers.iter().collect();
        let container = self.container_mut(id)?;
        let main_command = container.command_line();
        let mut env = ProcessEnv {
            lower: &lower,
            upper: &mut container.upper,
            hostname: container.id.short(),
            ip: container.ip.clone(),
            env: container.env.clone(),
            workdir: container.workdir.clone(),
            main_command,
            main_behaviour: container.behaviour,
            main_running,
            pid,
        };
        Some(f(&mut env))
    }

    /// `docker exec`: a new process in the running container; no container is created.
    pub(super) fn exec(
        &mut self,
        key: &str,
        argv: &[String],
        extra_env: &[String],
        workdir: Option<&str>,
    ) -> Result<ProcessOutput, DaemonError> {
        let container = self.find_container_mut(key)?;
        let id = container.id;
        match container.state {
            ContainerState::Running => {}
            ContainerState::Paused => return Err(DaemonError::ExecPaused(id.hex())),
            _ => return Err(DaemonError::NotRunning(id.hex())),
        }
        let pid = container.next_pid;
        container.next_pid += 1;
        let saved_env = container.env.clone();
        let saved_workdir = container.workdir.clone();
        container.env.extend(extra_env.iter().cloned());
        if let Some(dir) = workdir {
            container.workdir = dir.to_owned();
        }
        let result = self
            .run_process(&id, argv, pid, true)
            .ok_or_else(|| DaemonError::NoSuchContainer(key.to_owned()))?;
        if let Some(container) = self.container_mut(&id) {
            container.env = saved_env;
            container.workdir = saved_workdir;
        }
        let output = result.map_err(DaemonError::ExecFailed)?;
        self.apply_changes(&id, &output.changes);
        self.advance(output.slept_ms);
        self.emit(Event::ExecRan {
            container: id,
            command: argv.join(" "),
            exit_code: output.exit_code,
        });
        Ok(output)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A host with `images` pulled and its events taken.
    pub(in super::super) fn engine_with(images: &[&str]) -> Engine {
        let mut engine = Engine::new(1);
        for image in images {
            engine.pull(image).unwrap();
        }
        engine.take_events();
        engine
    }

    /// `docker run -d --name NAME IMAGE CMD...`: the started container's id.
    pub(in super::super) fn run(
        engine: &mut Engine,
        image: &str,
        name: &str,
        cmd: &[&str],
    ) -> Digest {
        let spec = CreateSpec {
            image: image.into(),
            name: Some(name.into()),
            cmd: cmd.iter().map(|c| (*c).to_owned()).collect(),
            ..CreateSpec::default()
        };
        engine.create(&spec).unwrap();
        engine.start(name).unwrap()
    }

    #[test]
    fn sleep_exits_by_itself_when_the_clock_passes_its_end() {
        let mut engine = engine_with(&["alpine"]);
        run(&mut engine, "alpine", "nap", &["sleep", "5"]);
        engine.advance(4_000);
        assert_eq!(engine.containers[0].state, ContainerState::Running);
        engine.advance(2_000);
        assert_eq!(engine.containers[0].state, ContainerState::Exited);
        assert_eq!(engine.containers[0].exit_code, 0);
    }

    #[test]
    fn exec_runs_in_the_existing_container_and_creates_none() {
        let mut engine = engine_with(&["alpine"]);
        run(&mut engine, "alpine", "box", &["sleep", "100"]);
        let before = engine.containers.len();
        let out = engine.exec("box", &["hostname".into()], &[], None).unwrap();
        assert_eq!(out.lines[0].1, engine.containers[0].id.short());
        assert_eq!(engine.containers.len(), before);
        engine.stop("box", 1).unwrap();
        assert!(matches!(
            engine.exec("box", &["ls".into()], &[], None),
            Err(DaemonError::NotRunning(_))
        ));
    }

    #[test]
    fn ports_and_names_conflict() {
        let mut engine = engine_with(&["nginx"]);
        let spec = CreateSpec {
            image: "nginx".into(),
            name: Some("aa".into()),
            ports: vec![PortBinding {
                host_ip: "0.0.0.0".into(),
                host_port: 8080,
                container_port: 80,
                protocol: "tcp".into(),
            }],
            ..CreateSpec::default()
        };
        engine.create(&spec).unwrap();
        engine.start("aa").unwrap();
        assert!(matches!(
            engine.create(&spec),
            Err(DaemonError::NameInUse { .. })
        ));
        let second = CreateSpec {
            name: Some("bb".into()),
            ..spec
        };
        engine.create(&second).unwrap();
        assert!(matches!(
            engine.start("bb"),
            Err(DaemonError::PortAllocated { .. })
        ));
        assert_eq!(engine.containers[1].state, ContainerState::Created);
    }

    #[test]
    fn missing_program_leaves_the_container_created_with_127() {
        let mut engine = engine_with(&["alpine"]);
        let spec = CreateSpec {
            image: "alpine".into(),
            name: Some("bad".into()),
            cmd: vec!["nosuchprogram".into()],
            ..CreateSpec::default()
        };
        engine.create(&spec).unwrap();
        assert!(matches!(
            engine.start("bad"),
            Err(DaemonError::StartFailed(_))
        ));
        assert_eq!(engine.containers[0].state, ContainerState::Created);
        assert_eq!(engine.containers[0].exit_code, 127);
    }

    #[test]
    fn writable_layers_are_per_container_over_shared_image_layers() {
        let mut engine = engine_with(&["nginx"]);
        run(&mut engine, "nginx", "aa", &[]);
        run(&mut engine, "nginx", "bb", &[]);
        let script = "echo changed > /usr/share/nginx/html/index.html".to_owned();
        engine
            .exec("aa", &["sh".into(), "-c".into(), script], &[], None)
            .unwrap();
        let read = |engine: &mut Engine, name: &str| {
            engine
                .exec(
                    name,
                    &["cat".into(), "/usr/share/nginx/html/index.html".into()],
                    &[],
                    None,
                )
                .unwrap()
                .lines[0]
                .1
                .clone()
        };
        assert_eq!(read(&mut engine, "aa"), "changed");
        assert_eq!(read(&mut engine, "bb"), "<!DOCTYPE html>");
        assert_eq!(engine.containers[0].layers, engine.containers[1].layers);
        let events = engine.take_events();
        assert!(events.iter().any(|e| matches!(
            &e.event,
            Event::CopiedUp { path, .. } if path == "/usr/share/nginx/html/index.html"
        )));
    }
}
