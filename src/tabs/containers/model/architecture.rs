//! What happens inside Docker on `docker run nginx`, as a sequence of messages between components.
//!
//! The docker CLI is a client of dockerd's REST API; dockerd delegates running containers to containerd
//! over gRPC; containerd starts one containerd-shim per container; the shim runs runc, the OCI runtime,
//! which creates the namespaces and cgroup and then exits, leaving the shim as the container's parent.
//! Steps have stable slugs so scene links can address them; the namespace and cgroup steps link to
//! those tabs' `docker-run` scenes.

use crate::tabs::containers::docker::Registry;
use crate::tabs::containers::docker::parse_reference;

/// Where these facts come from.
pub const SOURCES: &[&str] = &[
    "Docker docs, 'Docker overview: Docker architecture' (client, daemon, registry; REST API over a UNIX socket)",
    "Docker Engine API reference v1.47: POST /containers/create, POST /containers/{id}/start, POST /images/create",
    "containerd docs and containerd/runtime/v2 README: the shim API, containerd-shim-runc-v2, one shim per container, shims as subreapers",
    "OCI runtime spec: bundle = config.json + rootfs; runc create / runc start",
    "runc libcontainer: clone flags for new namespaces, cgroup setup; Docker run reference: --cgroupns defaults to private on cgroup v2",
];

/// A box in the architecture diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Component {
    /// The `docker` CLI.
    Client,
    /// dockerd, the Docker daemon.
    Dockerd,
    /// The registry (Docker Hub).
    Registry,
    /// containerd.
    Containerd,
    /// containerd-shim-runc-v2.
    Shim,
    /// runc, the OCI runtime.
    Runc,
    /// The Linux kernel (namespaces, cgroups).
    Kernel,
    /// The container's process (nginx).
    Container,
}

impl Component {
    /// Every component, in diagram order.
    pub const ALL: &[Self] = &[
        Self::Client,
        Self::Dockerd,
        Self::Registry,
        Self::Containerd,
        Self::Shim,
        Self::Runc,
        Self::Kernel,
        Self::Container,
    ];

    /// Display name.
    pub fn title(self) -> &'static str {
        match self {
            Self::Client => "docker (client)",
            Self::Dockerd => "dockerd",
            Self::Registry => "registry (Docker Hub)",
            Self::Containerd => "containerd",
            Self::Shim => "containerd-shim-runc-v2",
            Self::Runc => "runc",
            Self::Kernel => "Linux kernel",
            Self::Container => "container (nginx)",
        }
    }
}

/// One message of the sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchitectureStep {
    /// Stable slug (`api-call`, `pull`, ...).
    pub slug: &'static str,
    /// Sender.
    pub from: Component,
    /// Receiver.
    pub to: Component,
    /// The message or call, as it appears on the wire or command line.
    pub message: String,
    /// One sentence for the student.
    pub label: String,
    /// A scene link to another tab, if the step is shown in more depth there.
    pub link: Option<&'static str>,
}

/// The architecture view's presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchitecturePreset {
    /// `docker run nginx` on a host without the image: the pull step is included.
    DockerRunNginx,
    /// The same with the image already local: no pull.
    DockerRunCached,
}

impl ArchitecturePreset {
    /// Every preset.
    pub const ALL: &[Self] = &[Self::DockerRunNginx, Self::DockerRunCached];

    /// Scene-link slug.
    pub fn slug(self) -> &'static str {
        match self {
            Self::DockerRunNginx => "docker-run-nginx",
            Self::DockerRunCached => "docker-run-cached",
        }
    }

    /// Parses a slug.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::DockerRunNginx => "docker run nginx (image not yet pulled)",
            Self::DockerRunCached => "docker run nginx (image already local)",
        }
    }

    /// The steps of this preset.
    pub fn steps(self) -> Vec<ArchitectureStep> {
        docker_run_steps("nginx", self == Self::DockerRunNginx)
    }
}

/// The `docker run IMAGE` sequence; `pull_needed` adds the registry round trip.
pub fn docker_run_steps(image: &str, pull_needed: bool) -> Vec<ArchitectureStep> {
    let reference = parse_reference(image).ok();
    let full = reference.as_ref().map_or(image.to_owned(), |r| r.full());
    let remote = reference
        .as_ref()
        .map_or(image.to_owned(), |r| r.remote_path());
    let tag = reference
        .as_ref()
        .map_or("latest".to_owned(), |r| r.tag.clone());
    let registry = Registry::docker_hub();
    let (layer_count, size_mb) = reference
        .as_ref()
        .and_then(|r| registry.resolve(r).ok())
        .map_or((0, 0), |remote| {
            (
                remote.layers.len(),
                remote.layers.iter().map(|l| l.size_bytes).sum::<u64>() / 1_000_000,
            )
        });
    let mut steps = vec![ArchitectureStep {
        slug: "api-call",
        from: Component::Client,
        to: Component::Dockerd,
        message: format!(
            "POST /v1.47/containers/create {{\"Image\": \"{image}\"}} via /var/run/docker.sock"
        ),
        label: "The docker CLI is only a client: it turns `docker run` into REST calls to the daemon, dockerd, over the Unix socket /var/run/docker.sock.".to_owned(),
        link: None,
    }];
    steps.push(if pull_needed {
        ArchitectureStep {
            slug: "image-lookup",
            from: Component::Dockerd,
            to: Component::Client,
            message: format!("404 No such image: {full}"),
            label: format!("dockerd looks for {full} among its local images, does not find it, and answers 404, so the client prints \"Unable to find image '{full}' locally\" and asks for a pull."),
            link: None,
        }
    } else {
        ArchitectureStep {
            slug: "image-lookup",
            from: Component::Dockerd,
            to: Component::Dockerd,
            message: format!("local image store: {full} found"),
            label: format!("dockerd finds {full} among its local images, so nothing is downloaded and the pull step is skipped."),
            link: None,
        }
    });
    if pull_needed {
        steps.push(ArchitectureStep {
            slug: "pull",
            from: Component::Dockerd,
            to: Component::Registry,
            message: format!(
                "GET /v2/{remote}/manifests/{tag}, then GET /v2/{remote}/blobs/sha256:... for each missing layer"
            ),
            label: format!("After the client's POST /images/create, dockerd fetches the image manifest from the registry and downloads only the layers it lacks ({layer_count} layers, about {size_mb} MB unpacked here), then unpacks them."),
            link: None,
        });
    }
    steps.extend([
        ArchitectureStep {
            slug: "create",
            from: Component::Client,
            to: Component::Dockerd,
            message: "POST /v1.47/containers/create -> 201 {\"Id\": \"...\"}; POST /v1.47/containers/{id}/start".to_owned(),
            label: "dockerd creates the container, a config plus an empty writable layer over the image's read-only layers (overlay2); nothing runs until the client asks to start it.".to_owned(),
            link: None,
        },
        ArchitectureStep {
            slug: "containerd",
            from: Component::Dockerd,
            to: Component::Containerd,
            message: "gRPC containerd.services.containers.v1 Create, then tasks.v1 Create (namespace \"moby\")".to_owned(),
            label: "To start it, dockerd hands the container to containerd over gRPC; containerd supervises container processes on the host for dockerd.".to_owned(),
            link: None,
        },
        ArchitectureStep {
            slug: "shim",
            from: Component::Containerd,
            to: Component::Shim,
            message: "exec containerd-shim-runc-v2 -namespace moby -id <container id> start".to_owned(),
            label: "containerd starts a containerd-shim-runc-v2 process for this container, so the container keeps running if containerd restarts (and if dockerd does, with live-restore enabled).".to_owned(),
            link: None,
        },
        ArchitectureStep {
            slug: "runc",
            from: Component::Shim,
            to: Component::Runc,
            message: "runc create --bundle /run/containerd/io.containerd.runtime.v2.task/moby/<id> <id>  (bundle: config.json + rootfs)".to_owned(),
            label: "The shim runs runc, the OCI runtime, on an OCI bundle: config.json (process, mounts, namespaces, cgroup limits) and the root filesystem.".to_owned(),
            link: None,
        },
        ArchitectureStep {
            slug: "namespaces",
            from: Component::Runc,
            to: Component::Kernel,
            message: "clone(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC [| CLONE_NEWCGROUP on cgroup v2])".to_owned(),
            label: "runc creates new PID, mount, network, UTS and IPC namespaces (plus a cgroup namespace on cgroup v2 hosts), so the container sees its own process tree, filesystem, network and hostname.".to_owned(),
            link: Some("namespaces?preset=docker-run"),
        },
        ArchitectureStep {
            slug: "cgroups",
            from: Component::Runc,
            to: Component::Kernel,
            message: "mkdir /sys/fs/cgroup/system.slice/docker-<id>.scope; write cpu.max, memory.max, pids.max; add the PID to cgroup.procs".to_owned(),
            label: "runc places the process in its own cgroup and writes the limits (--cpus becomes cpu.max, --memory becomes memory.max): cgroups limit resources, namespaces only isolate what is visible.".to_owned(),
            link: Some("cgroups?preset=docker-run"),
        },
        ArchitectureStep {
            slug: "runc-exits",
            from: Component::Runc,
            to: Component::Shim,
            message: "runc start <id>: the container's init execs /docker-entrypoint.sh nginx -g 'daemon off;'; runc exits 0".to_owned(),
            label: "runc start makes the container's first process exec the entrypoint and runc exits; the shim, a subreaper, stays as the container's parent, holding its stdio and collecting its exit status.".to_owned(),
            link: None,
        },
        ArchitectureStep {
            slug: "running",
            from: Component::Shim,
            to: Component::Container,
            message: "PID 1 in the new PID namespace: nginx master, plus one worker per CPU".to_owned(),
            label: "nginx now runs as PID 1 of its namespaces; dockerd replies 204 to the start call and `docker run -d` prints the container id.".to_owned(),
            link: None,
        },
    ]);
    steps
}

impl super::stepped::SteppedPreset for ArchitecturePreset {
    type Step = ArchitectureStep;
    const VIEW: super::View = super::View::Architecture;
    const DEFAULT: Self = Self::DockerRunNginx;

    fn presets() -> &'static [Self] {
        Self::ALL
    }

    fn preset_slug(self) -> &'static str {
        self.slug()
    }

    fn preset_title(self) -> &'static str {
        self.title()
    }

    fn run(self) -> Vec<ArchitectureStep> {
        self.steps()
    }

    fn mark(step: &ArchitectureStep) -> (String, String) {
        (step.slug.to_owned(), step.label.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_exactly_the_contracted_ones() {
        let slugs: Vec<&str> = ArchitecturePreset::DockerRunNginx
            .steps()
            .iter()
            .map(|s| s.slug)
            .collect();
        assert_eq!(
            slugs,
            [
                "api-call",
                "image-lookup",
                "pull",
                "create",
                "containerd",
                "shim",
                "runc",
                "namespaces",
                "cgroups",
                "runc-exits",
                "running"
            ]
        );
        let cached: Vec<&str> = ArchitecturePreset::DockerRunCached
            .steps()
            .iter()
            .map(|s| s.slug)
            .collect();
        assert!(!cached.contains(&"pull"));
        assert_eq!(cached.len(), slugs.len() - 1);
    }

    #[test]
    fn links_point_at_the_docker_run_scenes() {
        let steps = ArchitecturePreset::DockerRunNginx.steps();
        let link = |slug: &str| steps.iter().find(|s| s.slug == slug).and_then(|s| s.link);
        assert_eq!(link("namespaces"), Some("namespaces?preset=docker-run"));
        assert_eq!(link("cgroups"), Some("cgroups?preset=docker-run"));
        assert_eq!(link("pull"), None);
    }

    #[test]
    fn pull_step_reports_the_registry_image() {
        let steps = docker_run_steps("nginx", true);
        let pull = steps.iter().find(|s| s.slug == "pull").unwrap();
        assert_eq!(pull.to, Component::Registry);
        assert!(pull.label.contains("7 layers"));
        assert!(pull.message.contains("/v2/library/nginx/manifests/latest"));
        for preset in ArchitecturePreset::ALL {
            assert_eq!(ArchitecturePreset::from_slug(preset.slug()), Some(*preset));
        }
    }
}
