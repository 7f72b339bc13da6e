//! The daemon's refusals, worded as Docker's daemon words them.
//!
//! The CLI prints these after `Error response from daemon: `, so the texts follow moby's error strings
//! (daemon/delete.go, daemon/image_delete.go, daemon/names.go, ...) as closely as known.

use super::incontainer::StartError;
use super::registry::RegistryError;

/// An error the engine (dockerd) returns.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DaemonError {
    /// No container has this name or id (prefix).
    #[error("No such container: {0}")]
    NoSuchContainer(String),
    /// No local image matches.
    #[error("No such image: {0}")]
    NoSuchImage(String),
    /// The registry refused a pull.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The name belongs to another container.
    #[error(
        "Conflict. The container name \"/{name}\" is already in use by container \"{id}\". You have to remove (or rename) that container to be able to reuse that name."
    )]
    NameInUse {
        /// The name.
        name: String,
        /// The full id of the container that has it.
        id: String,
    },
    /// A name with characters Docker does not allow.
    #[error("Invalid container name ({0}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")]
    InvalidName(String),
    /// `docker rm` of a running container without `-f`.
    #[error(
        "cannot remove container \"/{0}\": container is running: stop the container before removing or force remove"
    )]
    RemoveRunning(String),
    /// `docker kill` of a container with no process.
    #[error("cannot kill container: {name}: container {id} is not running")]
    KillNotRunning {
        /// As the user named it.
        name: String,
        /// Full id.
        id: String,
    },
    /// An operation that needs a process (pause, exec).
    #[error("container {0} is not running")]
    NotRunning(String),
    /// Pausing twice.
    #[error("container {0} is already paused")]
    AlreadyPaused(String),
    /// Unpausing a container that is not paused.
    #[error("container {0} is not paused")]
    NotPaused(String),
    /// `docker exec` into a paused container.
    #[error("container {0} is paused, unpause the container before exec")]
    ExecPaused(String),
    /// `docker start` of a paused container.
    #[error("cannot start a paused container, try unpause instead")]
    StartPaused,
    /// `docker rmi repo:tag` whose image a container uses.
    #[error(
        "conflict: unable to remove repository reference \"{reference}\" (must force) - container {container} is using its referenced image {image}"
    )]
    ReferenceInUse {
        /// The reference as typed.
        reference: String,
        /// Short id of the container.
        container: String,
        /// Short id of the image.
        image: String,
    },
    /// `docker rmi <id>` of an image a stopped container uses.
    #[error(
        "conflict: unable to delete {image} (must be forced) - image is being used by stopped container {container}"
    )]
    ImageUsedByStopped {
        /// Short image id.
        image: String,
        /// Short container id.
        container: String,
    },
    /// `docker rmi <id>` of an image a running container uses (even `-f` cannot).
    #[error(
        "conflict: unable to delete {image} (cannot be forced) - image is being used by running container {container}"
    )]
    ImageUsedByRunning {
        /// Short image id.
        image: String,
        /// Short container id.
        container: String,
    },
    /// `docker rmi <id>` of an image with several tags.
    #[error(
        "conflict: unable to delete {0} (must be forced) - image is referenced in multiple repositories"
    )]
    MultipleReferences(String),
    /// `docker rmi <id>` of an image other images are built on.
    #[error("conflict: unable to delete {0} (cannot be forced) - image has dependent child images")]
    DependentChildren(String),
    /// Another running container already publishes the host port.
    #[error(
        "driver failed programming external connectivity on endpoint {name} ({id}): Bind for {host_ip}:{host_port} failed: port is already allocated"
    )]
    PortAllocated {
        /// Container name.
        name: String,
        /// Full container id.
        id: String,
        /// Host address.
        host_ip: String,
        /// Host port.
        host_port: u16,
    },
    /// runc could not start the main process.
    #[error(
        "failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: {0}: unknown"
    )]
    StartFailed(StartError),
    /// `docker exec` of a program the image lacks.
    #[error(
        "OCI runtime exec failed: exec failed: unable to start container process: {0}: unknown"
    )]
    ExecFailed(StartError),
    /// Neither the image nor the command line gives a command.
    #[error("no command specified")]
    NoCommand,
    /// `--network` names no network.
    #[error("network {0} not found")]
    NoSuchNetwork(String),
    /// `docker network create` of an existing name.
    #[error("network with name {0} already exists")]
    NetworkExists(String),
    /// `docker network rm bridge`.
    #[error("{0} is a pre-defined network and cannot be removed")]
    PredefinedNetwork(String),
    /// `docker network rm` while containers use it.
    #[error("error while removing network: network {name} id {id} has active endpoints")]
    NetworkInUse {
        /// Network name.
        name: String,
        /// Full network id.
        id: String,
    },
    /// `--cpus` above the host's CPU count.
    #[error("range of CPUs is from 0.01 to {0}.00, as there are only {0} CPUs available")]
    CpuRange(u32),
    /// `--memory` below Docker's minimum.
    #[error("Minimum memory limit allowed is 6MB")]
    MemoryTooLow,
    /// The sandbox's own bound on the number of containers.
    #[error(
        "the sandbox holds at most {0} containers; remove some first (docker container prune -f)"
    )]
    TooManyContainers(usize),
}
