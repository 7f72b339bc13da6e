//! The Namespaces tab's live view: this machine's real namespaces and processes, read from
//! `/proc` the way `lsns` does.
//!
//! It exists so a student can check the simulator against the machine in front of them: the
//! same ids, types and trees as `lsns`. Processes the reader may not inspect are counted and
//! reported by reason, never dropped in silence. On other operating systems [`read_live`]
//! returns [`LiveError::Unavailable`] saying why.

#[cfg(target_os = "linux")]
mod assemble;
#[cfg(target_os = "linux")]
mod linux;
#[cfg(all(test, target_os = "linux"))]
mod lsns_check;
#[cfg(target_os = "linux")]
mod parse;
mod types;

pub use types::{
    LiveNamespace, LiveProcess, LiveSnapshot, Relation, Unreadable, UnreadablePart,
    UnreadableReason,
};

/// Why the live view could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// Not Linux: there is no `/proc/PID/ns`.
    #[error(
        "the live view reads Linux's /proc/PID/ns links; this build is for {os}, which has no \
         Linux namespaces"
    )]
    Unavailable {
        /// `std::env::consts::OS`.
        os: &'static str,
    },

    /// `/proc` itself could not be listed.
    #[error("cannot list the processes in /proc")]
    ProcUnreadable {
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Reads every process and namespace of this machine (refreshes are just new calls).
pub fn read_live() -> Result<LiveSnapshot, LiveError> {
    #[cfg(target_os = "linux")]
    {
        linux::read_live()
    }
    #[cfg(not(target_os = "linux"))]
    {
        Err(LiveError::Unavailable {
            os: std::env::consts::OS,
        })
    }
}
