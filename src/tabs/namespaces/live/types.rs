//! The data the live reader produces: what `virtscope inspect namespaces --json` prints and
//! what the "This machine" mode draws.

use std::collections::BTreeMap;

use serde::Serialize;

use super::super::model::NsType;

/// How a namespace relates to another one (its parent, or its owning user namespace).
///
/// Serialized as `{"ns": 4026531837}` or as one of the words `none`, `hidden`, `unavailable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// The related namespace's id.
    Ns(u64),
    /// There is no such relation: the type is not hierarchical (no parent).
    None,
    /// The kernel answered EPERM: the namespace is an initial one, or the related namespace lies
    /// outside the reader's own namespaces (ioctl_ns(2)).
    Hidden,
    /// The reader could not ask: no member process could be opened, or the kernel lacks the
    /// ioctl (before 4.9).
    Unavailable,
}

/// Why something could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnreadableReason {
    /// EACCES: the `/proc/PID/ns/*` links need a ptrace read-access check (namespaces(7)).
    PermissionDenied,
    /// The process exited while it was being read.
    Vanished,
    /// A zombie: it has exited and awaits its parent's wait(); only its user and PID namespace
    /// links remain, so it is counted in those alone.
    Exited,
    /// Any other error.
    Other,
}

/// Which part of a process could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnreadablePart {
    /// Nothing: the process is not in the process list.
    Process,
    /// Its namespace links: it is listed, but counted in no namespace.
    Namespaces,
}

/// Processes that could not be (fully) read, grouped by reason and part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// Why.
    pub reason: UnreadableReason,
    /// What was lost.
    pub part: UnreadablePart,
    /// How many processes.
    pub count: usize,
    /// Their PIDs, ascending.
    pub pids: Vec<u32>,
}

/// One process as read from `/proc`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiveProcess {
    /// PID in the reader's PID namespace.
    pub pid: u32,
    /// Parent PID (0 if outside the reader's PID namespace).
    pub ppid: u32,
    /// `Name:` from status (the comm, at most 15 bytes).
    pub name: String,
    /// The command line, or the name when it is empty (kernel threads), as lsns prints it.
    pub command: String,
    /// Effective user ID (`Uid:` second field).
    pub uid: u32,
    /// User name from `/etc/passwd`, when known.
    pub user: Option<String>,
    /// `NSpid:`, from the reader's PID namespace down to the process's own.
    pub nspid: Vec<u32>,
    /// A kernel thread (`Kthread: 1`, or a child of kthreadd on kernels without that line).
    pub kernel_thread: bool,
    /// Namespace id per type; empty when the links could not be read.
    pub namespaces: BTreeMap<NsType, u64>,
    /// `/proc/PID/ns/pid_for_children`, when it has a value.
    pub pid_for_children: Option<u64>,
    /// `/proc/PID/ns/time_for_children`.
    pub time_for_children: Option<u64>,
}

/// One namespace, with lsns's columns and the tree relations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiveNamespace {
    /// The inode number (lsns `NS`).
    pub id: u64,
    /// The type (lsns `TYPE`).
    #[serde(rename = "type")]
    pub kind: NsType,
    /// `st_dev` of the nsfs inode; `(device, id)` identifies the namespace (namespaces(7)).
    /// None when no handle on it could be opened.
    pub device: Option<u64>,
    /// What `readlink /proc/PID/ns/<type>` shows, e.g. `net:[4026531833]`.
    pub link: String,
    /// Member processes (lsns `NPROCS`); 0 for a namespace known only as a parent or owner.
    pub nprocs: usize,
    /// Lowest member PID (lsns `PID`).
    pub pid: Option<u32>,
    /// Effective UID of that process.
    pub uid: Option<u32>,
    /// Its user name (lsns `USER`).
    pub user: Option<String>,
    /// Its command (lsns `COMMAND`).
    pub command: Option<String>,
    /// Parent namespace (PID and user only; lsns `PNS`).
    pub parent: Relation,
    /// Owning user namespace (lsns `ONS`).
    pub owner: Relation,
}

/// Everything read in one pass.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LiveSnapshot {
    /// Namespaces by id.
    pub namespaces: Vec<LiveNamespace>,
    /// Processes by PID.
    pub processes: Vec<LiveProcess>,
    /// What could not be read, never silently dropped.
    pub unreadable: Vec<Unreadable>,
}

impl LiveSnapshot {
    /// A namespace by id.
    pub fn namespace(&self, id: u64) -> Option<&LiveNamespace> {
        self.namespaces
            .binary_search_by_key(&id, |namespace| namespace.id)
            .ok()
            .and_then(|index| self.namespaces.get(index))
    }

    /// PIDs of the processes in namespace `id`, ascending.
    pub fn members(&self, id: u64) -> Vec<u32> {
        let Some(kind) = self.namespace(id).map(|namespace| namespace.kind) else {
            return Vec::new();
        };
        self.processes
            .iter()
            .filter(|process| process.namespaces.get(&kind) == Some(&id))
            .map(|process| process.pid)
            .collect()
    }

    /// Total processes that could not be read at all or only partly.
    pub fn unreadable_count(&self) -> usize {
        self.unreadable.iter().map(|group| group.count).sum()
    }
}
