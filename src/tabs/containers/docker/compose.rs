//! `docker compose up/down/ps`: the services of a compose file, started and removed together.
//!
//! Compose names the project after the directory (`app`) unless the file has `name:`, creates one
//! network `<project>_default` for it, and names containers `<project>-<service>-1`. `up` starts
//! services in `depends_on` order (dependencies first); `down` stops and removes them in reverse, then
//! removes the network. Images are pulled (or built, for `build: .`) first if missing.

use std::collections::BTreeMap;

use super::builder::{self, BuildOptions};
use super::cli::daemon_error;
use super::container::{ComposeLabels, ContainerState, PortBinding};
use super::engine::{CreateSpec, DEFAULT_STOP_TIMEOUT_SECS, Engine};
use super::humanize::ago;
use super::output::{Output, Stream, table};
use super::workspace::{HOME_DIR, Workspace};
use super::yaml::{self, Value};

/// Keys of a service the sandbox understands (others are compose errors, as in compose itself).
const SERVICE_KEYS: &[&str] = &[
    "image",
    "build",
    "command",
    "entrypoint",
    "ports",
    "environment",
    "depends_on",
    "restart",
    "container_name",
    "expose",
    "working_dir",
];

/// One service of a compose file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Service {
    /// Service name.
    pub(super) name: String,
    /// `image:`.
    pub(super) image: Option<String>,
    /// `build:` context (only `.` is supported).
    pub(super) build: Option<String>,
    /// `command:`.
    pub(super) command: Vec<String>,
    /// `entrypoint:`.
    pub(super) entrypoint: Option<Vec<String>>,
    /// `ports:`.
    pub(super) ports: Vec<String>,
    /// `environment:` as `KEY=value`.
    pub(super) environment: Vec<String>,
    /// `depends_on:`.
    pub(super) depends_on: Vec<String>,
    /// `container_name:`.
    pub(super) container_name: Option<String>,
    /// `working_dir:`.
    pub(super) working_dir: Option<String>,
}

impl Service {
    /// The image compose runs for this service (`<project>-<service>` when built).
    pub(super) fn image_name(&self, project: &str) -> String {
        self.image
            .clone()
            .unwrap_or_else(|| format!("{project}-{}", self.name))
    }

    /// The container name (`<project>-<service>-1` unless `container_name:`).
    pub(super) fn container_name(&self, project: &str) -> String {
        self.container_name
            .clone()
            .unwrap_or_else(|| format!("{project}-{}-1", self.name))
    }
}

/// A loaded compose project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Project {
    /// Project name.
    pub(super) name: String,
    /// Services in file order.
    pub(super) services: Vec<Service>,
    /// Warnings compose prints (e.g. the obsolete `version:`).
    pub(super) warnings: Vec<String>,
}

impl Project {
    /// The project network's name.
    pub(super) fn network(&self) -> String {
        format!("{}_default", self.name)
    }
}

/// Why a compose file cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum ComposeError {
    /// No compose file in the directory.
    #[error("no configuration file provided: not found")]
    NoFile,
    /// YAML syntax.
    #[error("{file}: {error}")]
    Yaml {
        /// File name.
        file: String,
        /// The YAML error.
        error: yaml::YamlError,
    },
    /// Structure errors (compose's validation wording).
    #[error("validating {HOME_DIR}/{file}: {message}")]
    Invalid {
        /// File name.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Semantic errors.
    #[error("{0}: invalid compose project")]
    Project(String),
    /// `depends_on` loops.
    #[error("dependency cycle detected: {0}")]
    Cycle(String),
}

/// Candidate file names, in compose's order of preference.
const FILE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::List(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Value::Scalar(text) => text.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

/// Loads and validates the compose file (`file` from `-f`, else the default names).
pub(super) fn load(workspace: &Workspace, file: Option<&str>) -> Result<Project, ComposeError> {
    let file_name = match file {
        Some(name) => name.to_owned(),
        None => FILE_NAMES
            .iter()
            .find(|name| workspace.files.contains_key(**name))
            .map(|name| (*name).to_owned())
            .ok_or(ComposeError::NoFile)?,
    };
    let text = workspace
        .read(&file_name)
        .map_err(|_| ComposeError::NoFile)?;
    let doc = yaml::parse(text).map_err(|error| ComposeError::Yaml {
        file: file_name.clone(),
        error,
    })?;
    let invalid = |message: String| ComposeError::Invalid {
        file: file_name.clone(),
        message,
    };
    let mut project = Project {
        name: doc.get("name").and_then(Value::as_str).map_or_else(
            || HOME_DIR.rsplit('/').next().unwrap_or("app").to_owned(),
            str::to_owned,
        ),
        ..Project::default()
    };
    if doc.get("version").is_some() {
        project.warnings.push(format!(
            "WARN[0000] {HOME_DIR}/{file_name}: the attribute `version` is obsolete, it will be ignored, please remove it to avoid potential confusion"
        ));
    }
    let Some(Value::Map(services)) = doc.get("services") else {
        return Err(invalid("services must be a mapping".to_owned()));
    };
    for (name, body) in services {
        let Value::Map(entries) = body else {
            return Err(invalid(format!("services.{name} must be a mapping")));
        };
        if let Some((key, _)) = entries
            .iter()
            .find(|(k, _)| !SERVICE_KEYS.contains(&k.as_str()))
        {
            return Err(invalid(format!(
                "services.{name} additional properties '{key}' not allowed"
            )));
        }
        let environment = match body.get("environment") {
            Some(Value::Map(pairs)) => pairs
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect(),
            Some(other) => strings(other),
            None => Vec::new(),
        };
        let service = Service {
            name: name.clone(),
            image: body.get("image").and_then(Value::as_str).map(str::to_owned),
            build: body.get("build").and_then(Value::as_str).map(str::to_owned),
            command: body.get("command").map(strings).unwrap_or_default(),
            entrypoint: body.get("entrypoint").map(strings),
            ports: body.get("ports").map(strings).unwrap_or_default(),
            environment,
            depends_on: match body.get("depends_on") {
                Some(Value::Map(pairs)) => pairs.iter().map(|(k, _)| k.clone()).collect(),
                Some(other) => strings(other),
                None => Vec::new(),
            },
            container_name: body
                .get("container_name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            working_dir: body
                .get("working_dir")
                .and_then(Value::as_str)
                .map(str::to_owned),
        };
        if service.image.is_none() && service.build.is_none() {
            return Err(ComposeError::Project(format!(
                "service \"{name}\" has neither an image nor a build context specified"
            )));
        }
        project.services.push(service);
    }
    for service in &project.services {
        for dependency in &service.depends_on {
            if !project.services.iter().any(|s| s.name == *dependency) {
                return Err(ComposeError::Project(format!(
                    "service \"{}\" depends on undefined service \"{dependency}\"",
                    service.name
                )));
            }
        }
    }
    start_order(&project)?;
    Ok(project)
}

/// The project `up`, `down` and `ps` work on; `None` when it cannot be loaded, with compose's
/// error printed and status 1.
fn load_or_report(
    workspace: &Workspace,
    file: Option<&str>,
    output: &mut Output,
) -> Option<Project> {
    match load(workspace, file) {
        Ok(project) => Some(project),
        Err(error) => {
            output.err(error.to_string());
            output.exit_code = 1;
            None
        }
    }
}

/// The services with every dependency before its dependents (file order among equals).
pub(super) fn start_order(project: &Project) -> Result<Vec<&Service>, ComposeError> {
    /// Where the depth-first walk is with a service.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Mark {
        /// On the current path of dependencies: meeting it again is a cycle.
        OnPath,
        /// Placed in the order with all its dependencies.
        Done,
    }
    fn visit<'p>(
        project: &'p Project,
        service: &'p Service,
        marks: &mut BTreeMap<&'p str, Mark>,
        order: &mut Vec<&'p Service>,
        path: &mut Vec<&'p str>,
    ) -> Result<(), ComposeError> {
        match marks.get(service.name.as_str()) {
            Some(Mark::Done) => return Ok(()),
            Some(Mark::OnPath) => {
                path.push(&service.name);
                return Err(ComposeError::Cycle(path.join(" -> ")));
            }
            None => {}
        }
        marks.insert(&service.name, Mark::OnPath);
        path.push(&service.name);
        for dependency in &service.depends_on {
            if let Some(next) = project.services.iter().find(|s| s.name == *dependency) {
                visit(project, next, marks, order, path)?;
            }
        }
        path.pop();
        marks.insert(&service.name, Mark::Done);
        order.push(service);
        Ok(())
    }
    let mut order = Vec::new();
    let mut marks = BTreeMap::new();
    for service in &project.services {
        visit(project, service, &mut marks, &mut order, &mut Vec::new())?;
    }
    Ok(order)
}

/// One ` ✔ Container app-web-1  Started  0.4s` line.
fn status_line(label: &str, status: &str, duration_ms: u64) -> String {
    format!(
        " \u{2714} {label:<26} {status:<8} {:.1}s",
        duration_ms as f64 / 1000.0
    )
}

/// `docker compose up [-d]`.
pub(super) fn up(
    engine: &mut Engine,
    workspace: &Workspace,
    file: Option<&str>,
    detach: bool,
) -> Output {
    let mut output = Output::default();
    let Some(project) = load_or_report(workspace, file, &mut output) else {
        return output;
    };
    for warning in &project.warnings {
        output.err(warning.clone());
    }
    let order = start_order(&project).unwrap_or_default();

    // Images first: pull or build what is missing.
    let mut pulled = Vec::new();
    for service in &project.services {
        let image = service.image_name(&project.name);
        if engine.images.lookup(&image).is_some() {
            continue;
        }
        let started = engine.now_ms;
        if service.build.is_some() {
            let report = builder::build(
                engine,
                workspace,
                &BuildOptions {
                    tags: vec![image.clone()],
                    ..BuildOptions::default()
                },
            );
            if let Some(error) = report.error {
                output.err(format!("failed to build {}: {error}", service.name));
                output.exit_code = 1;
                return output;
            }
            pulled.push(status_line(&service.name, "Built", engine.now_ms - started));
        } else {
            match engine.pull(&image) {
                Ok(_) => pulled.push(status_line(
                    &service.name,
                    "Pulled",
                    engine.now_ms - started,
                )),
                Err(error) => {
                    daemon_error(&mut output, error);
                    return output;
                }
            }
        }
    }
    if !pulled.is_empty() {
        output.out(format!("[+] Pulling {}/{}", pulled.len(), pulled.len()));
        for line in pulled {
            output.out(line);
        }
    }

    let mut lines = Vec::new();
    let network = project.network();
    if engine.network(&network).is_none() {
        let started = engine.now_ms;
        if let Err(error) = engine.create_network(&network, Some(&project.name)) {
            daemon_error(&mut output, error);
            return output;
        }
        engine.advance(100);
        lines.push(status_line(
            &format!("Network {network}"),
            "Created",
            engine.now_ms - started,
        ));
    }
    for service in order {
        let name = service.container_name(&project.name);
        let started = engine.now_ms;
        let status = match engine.find_container(&name) {
            Ok(found) if found.state == ContainerState::Running => "Running",
            Ok(_) => match engine.start(&name) {
                Ok(_) => "Started",
                Err(error) => {
                    daemon_error(&mut output, error);
                    return output;
                }
            },
            Err(_) => {
                let mut ports = Vec::new();
                for spec in &service.ports {
                    match PortBinding::parse(spec, 32768) {
                        Ok(port) => ports.push(port),
                        Err(error) => {
                            output.err(format!("service \"{}\": {error}", service.name));
                            output.exit_code = 1;
                            return output;
                        }
                    }
                }
                let spec = CreateSpec {
                    image: service.image_name(&project.name),
                    name: Some(name.clone()),
                    entrypoint: service.entrypoint.clone(),
                    cmd: service.command.clone(),
                    env: service.environment.clone(),
                    ports,
                    network: Some(network.clone()),
                    workdir: service.working_dir.clone(),
                    compose: Some(ComposeLabels {
                        project: project.name.clone(),
                        service: service.name.clone(),
                    }),
                    ..CreateSpec::default()
                };
                let result = engine.create(&spec).and_then(|_| engine.start(&name));
                match result {
                    Ok(_) => "Started",
                    Err(error) => {
                        daemon_error(&mut output, error);
                        return output;
                    }
                }
            }
        };
        lines.push(status_line(
            &format!("Container {name}"),
            status,
            engine.now_ms - started,
        ));
    }
    output.out(format!("[+] Running {}/{}", lines.len(), lines.len()));
    for line in lines {
        output.out(line);
    }
    if !detach {
        let prefix_width = project
            .services
            .iter()
            .map(|s| s.name.len() + 2)
            .max()
            .unwrap_or(0);
        output.out(format!(
            "Attaching to {}",
            project
                .services
                .iter()
                .map(|s| s.container_name(&project.name))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for service in &project.services {
            if let Ok(container) = engine.find_container(&service.container_name(&project.name)) {
                let prefix = format!("{}-1", service.name);
                for line in &container.logs {
                    output.out(format!("{prefix:<prefix_width$}  | {}", line.text));
                }
            }
        }
        output.note(
            "(sandbox) detached here: a real terminal stays attached until Ctrl-C, which stops the services; use -d to start them in the background",
        );
    }
    output
}

/// `docker compose down`.
pub(super) fn down(engine: &mut Engine, workspace: &Workspace, file: Option<&str>) -> Output {
    let mut output = Output::default();
    let Some(project) = load_or_report(workspace, file, &mut output) else {
        return output;
    };
    let mut order = start_order(&project).unwrap_or_default();
    order.reverse();
    let mut lines = Vec::new();
    for service in order {
        let name = service.container_name(&project.name);
        if engine.find_container(&name).is_err() {
            continue;
        }
        let started = engine.now_ms;
        let result = engine
            .stop(&name, DEFAULT_STOP_TIMEOUT_SECS)
            .and_then(|()| engine.remove(&name, false));
        if let Err(error) = result {
            daemon_error(&mut output, error);
            return output;
        }
        lines.push(status_line(
            &format!("Container {name}"),
            "Removed",
            engine.now_ms - started,
        ));
    }
    let network = project.network();
    if engine.network(&network).is_some() {
        let started = engine.now_ms;
        if let Err(error) = engine.remove_network(&network) {
            daemon_error(&mut output, error);
            return output;
        }
        engine.advance(100);
        lines.push(status_line(
            &format!("Network {network}"),
            "Removed",
            engine.now_ms - started,
        ));
    }
    if !lines.is_empty() {
        output.out(format!("[+] Running {}/{}", lines.len(), lines.len()));
        for line in lines {
            output.out(line);
        }
    }
    output
}

/// `docker compose ps`: the project's running containers.
pub(super) fn ps(engine: &Engine, workspace: &Workspace, file: Option<&str>, all: bool) -> Output {
    let mut output = Output::default();
    let Some(project) = load_or_report(workspace, file, &mut output) else {
        return output;
    };
    let rows: Vec<Vec<String>> = engine
        .containers
        .iter()
        .filter(|c| {
            c.compose
                .as_ref()
                .is_some_and(|l| l.project == project.name)
        })
        .filter(|c| all || c.state.has_process())
        .map(|c| {
            vec![
                c.name.clone(),
                c.image_ref.clone(),
                super::cli::quoted_command(c),
                c.compose
                    .as_ref()
                    .map(|l| l.service.clone())
                    .unwrap_or_default(),
                ago(engine.now_ms.saturating_sub(c.created_ms)),
                c.status_text(engine.now_ms),
                super::cli::ports_column(c),
            ]
        })
        .collect();
    for line in table(
        &[
            "NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS",
        ],
        &rows,
    ) {
        output.push(Stream::Stdout, line);
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace_with(compose: &str) -> Workspace {
        let mut workspace = Workspace::default();
        workspace
            .files
            .insert("compose.yaml".into(), compose.into());
        workspace
    }

    #[test]
    fn default_file_loads_in_dependency_order() {
        let project = load(&Workspace::default(), None).unwrap();
        assert_eq!(project.name, "app");
        let order: Vec<&str> = start_order(&project)
            .unwrap()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let position = |name: &str| order.iter().position(|n| *n == name).unwrap();
        assert!(position("cache") < position("web"));
        assert!(position("cache") < position("worker"));
    }

    #[test]
    fn validation_errors() {
        let missing = workspace_with("services:\n  web:\n    image: nginx\n    depends_on: [db]\n");
        assert_eq!(
            load(&missing, None).unwrap_err().to_string(),
            "service \"web\" depends on undefined service \"db\": invalid compose project"
        );
        let cycle = workspace_with(
            "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n",
        );
        assert_eq!(
            load(&cycle, None).unwrap_err(),
            ComposeError::Cycle("a -> b -> a".into())
        );
        let typo = workspace_with("services:\n  web:\n    imgae: nginx\n");
        assert!(
            load(&typo, None)
                .unwrap_err()
                .to_string()
                .contains("additional properties 'imgae' not allowed")
        );
        let mut none = Workspace::default();
        none.files.remove("compose.yaml");
        assert_eq!(load(&none, None), Err(ComposeError::NoFile));
    }

    #[test]
    fn up_creates_network_and_containers_and_down_removes_them() {
        let mut engine = Engine::new(5);
        let workspace = Workspace::default();
        let output = up(&mut engine, &workspace, None, true);
        assert_eq!(output.exit_code, 0, "{:?}", output.texts());
        assert!(engine.network("app_default").is_some());
        for name in ["app-web-1", "app-cache-1", "app-worker-1"] {
            let container = engine.find_container(name).unwrap();
            assert_eq!(container.state, ContainerState::Running);
            assert_eq!(container.network, "app_default");
        }
        let again = up(&mut engine, &workspace, None, true);
        assert!(again.texts().iter().any(|l| l.contains("Running")));
        assert_eq!(engine.containers.len(), 3);

        let before = engine.now_ms;
        let output = down(&mut engine, &workspace, None);
        assert_eq!(output.exit_code, 0);
        assert!(engine.containers.is_empty());
        assert!(engine.network("app_default").is_none());
        // The worker's `sleep` ignores SIGTERM as PID 1: down waits out its 10 s grace period.
        assert!(engine.now_ms - before >= 10_000);
        assert!(down(&mut engine, &workspace, None).lines.is_empty());
    }
}
