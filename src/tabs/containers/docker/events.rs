//! What changed in the engine, as structured events a diagram can animate.
//!
//! Every command prints text for the terminal and also reports, in order, what it did to the engine:
//! layers downloaded, containers created and stopped, files copied up. The diagram beside the terminal
//! replays these instead of diffing two states, so the order of cause and effect stays visible.

use serde::Serialize;

use super::sha256::Digest;

/// One change in the engine's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum Event {
    /// A layer was downloaded from the registry.
    LayerDownloaded {
        /// Uncompressed layer digest (diff id).
        layer: Digest,
        /// Uncompressed size.
        size_bytes: u64,
    },
    /// A pull found a layer already present locally (shared with another image).
    LayerAlreadyExists {
        /// Uncompressed layer digest (diff id).
        layer: Digest,
    },
    /// An image finished pulling and was tagged locally.
    ImagePulled {
        /// `repo:tag`.
        reference: String,
        /// Image id.
        image: Digest,
    },
    /// A tag was removed from an image.
    ImageUntagged {
        /// `repo:tag`.
        reference: String,
    },
    /// An image was deleted from the local store.
    ImageDeleted {
        /// Image id.
        image: Digest,
    },
    /// A layer no image uses any more was deleted.
    LayerDeleted {
        /// Uncompressed layer digest (diff id).
        layer: Digest,
    },
    /// A build step ran or was taken from the cache.
    BuildStep {
        /// 1-based Dockerfile line of the instruction.
        line: usize,
        /// The instruction keyword (`RUN`, `COPY`, ...).
        instruction: String,
        /// Whether the layer cache supplied the result.
        cached: bool,
        /// The layer the step added, if it changes the filesystem.
        layer: Option<Digest>,
    },
    /// A new layer was committed by a build step.
    LayerCreated {
        /// Uncompressed layer digest (diff id).
        layer: Digest,
        /// Size of the files the layer holds.
        size_bytes: u64,
    },
    /// A build produced an image.
    ImageBuilt {
        /// Image id.
        image: Digest,
        /// `repo:tag`, when tagged.
        reference: Option<String>,
    },
    /// A container was created (writable layer prepared, not started).
    ContainerCreated {
        /// Container id.
        container: Digest,
        /// Container name.
        name: String,
        /// Image id.
        image: Digest,
    },
    /// A container's process started.
    ContainerStarted {
        /// Container id.
        container: Digest,
    },
    /// A signal was delivered to a container's main process.
    SignalSent {
        /// Container id.
        container: Digest,
        /// Signal name (`SIGTERM`, `SIGKILL`, ...).
        signal: String,
        /// Whether the process acted on it (PID 1 ignores signals it has no handler for).
        handled: bool,
    },
    /// The stop grace period ran out without the process exiting.
    GracePeriodExpired {
        /// Container id.
        container: Digest,
        /// The grace period that elapsed.
        grace_secs: u64,
    },
    /// A container's main process exited.
    ContainerExited {
        /// Container id.
        container: Digest,
        /// Exit status (128 + signal number when killed by a signal).
        exit_code: i32,
    },
    /// A container was frozen (cgroup freezer).
    ContainerPaused {
        /// Container id.
        container: Digest,
    },
    /// A container was thawed.
    ContainerUnpaused {
        /// Container id.
        container: Digest,
    },
    /// A container and its writable layer were deleted.
    ContainerRemoved {
        /// Container id.
        container: Digest,
        /// Container name.
        name: String,
    },
    /// A process ran inside an existing container via `docker exec`.
    ExecRan {
        /// Container id.
        container: Digest,
        /// The command line.
        command: String,
        /// Its exit status.
        exit_code: i32,
    },
    /// A file from a read-only image layer was copied into the container's writable layer.
    CopiedUp {
        /// Container id.
        container: Digest,
        /// Path in the container.
        path: String,
        /// Bytes copied.
        size_bytes: u64,
    },
    /// A file was written in the container's writable layer (new, or already copied up).
    FileWritten {
        /// Container id.
        container: Digest,
        /// Path in the container.
        path: String,
    },
    /// A whiteout hid a file of a lower layer.
    FileDeleted {
        /// Container id.
        container: Digest,
        /// Path in the container.
        path: String,
    },
    /// A network was created.
    NetworkCreated {
        /// Network name.
        name: String,
    },
    /// A network was removed.
    NetworkRemoved {
        /// Network name.
        name: String,
    },
    /// A container was attached to a network.
    NetworkConnected {
        /// Network name.
        network: String,
        /// Container id.
        container: Digest,
        /// Its address on that network.
        ip: String,
    },
}

/// An event with the simulated time at which it happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct TimedEvent {
    /// Simulated clock, milliseconds since the sandbox started.
    pub(crate) at_ms: u64,
    /// What happened.
    pub(crate) event: Event,
}
