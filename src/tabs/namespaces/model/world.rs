//! The simulated machine: processes, namespaces and the per-namespace state that makes "views".
//!
//! A [`World`] is plain data. Operations (see `apply`) take a world and return a new one, so the
//! state at step N of a scene is a pure function of the initial world and the first N operations.
//! Processes are keyed by their PID in the initial PID namespace (the "host PID"); every other
//! PID a process has is in its [`Process::nspid`] list, like `NSpid:` in `/proc/PID/status`.

use std::collections::BTreeMap;
use std::fmt;

use super::errno::Failure;
use super::ns_type::NsType;

/// A namespace id: the inode number that `readlink /proc/PID/ns/<type>` shows (`net:[4026531833]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NsId(pub u64);

impl fmt::Display for NsId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl NsId {
    /// The id of the initial namespace of `kind`.
    ///
    /// Source: `lsns` on the project's Linux 6.18 machine shows exactly these numbers
    /// (0xEFFFFFF8 to 0xEFFFFFFF, fixed in include/linux/proc_ns.h); domain.md shows mnt
    /// 4026531832 and pid 4026531836. Other systems may number them differently.
    pub fn initial(kind: NsType) -> Self {
        Self(match kind {
            NsType::Mnt => 4_026_531_832,
            NsType::Net => 4_026_531_833,
            NsType::Time => 4_026_531_834,
            NsType::Cgroup => 4_026_531_835,
            NsType::Pid => 4_026_531_836,
            NsType::User => 4_026_531_837,
            NsType::Uts => 4_026_531_838,
            NsType::Ipc => 4_026_531_839,
        })
    }

    /// Where the model numbers new namespaces from (real numbers vary between systems).
    pub const FIRST_DYNAMIC: u64 = 4_026_532_200;
}

/// The overflow UID shown for a user ID that has no mapping in the viewer's user namespace
/// (`/proc/sys/kernel/overflowuid`, default 65534; user_namespaces(7)).
pub const OVERFLOW_UID: u32 = 65_534;

/// Whether a process still runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcState {
    /// Running.
    Running,
    /// It called exit (and was reaped).
    Exited,
    /// SIGKILLed by the kernel because the init of this PID namespace exited.
    Killed {
        /// The PID namespace whose init died.
        init_of: NsId,
    },
}

/// One process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    /// PID in the initial PID namespace (the key of the process).
    pub pid: u32,
    /// Host PID of the parent; 0 for processes the kernel started (init, kthreadd).
    pub ppid: u32,
    /// The command name (`comm`).
    pub command: String,
    /// Effective user ID as the initial user namespace sees it (the "kuid").
    pub uid: u32,
    /// Whether the process holds a full effective capability set in its own user namespace.
    /// Capabilities are all-or-nothing in this model (a simplification of capabilities(7)).
    pub caps: bool,
    /// The namespace of each type, indexed by [`NsType::index`]; the PID entry is the namespace
    /// the process lives in, which never changes (pid_namespaces(7)).
    pub ns: [NsId; 8],
    /// `/proc/PID/ns/pid_for_children`: where children will be created.
    pub pid_for_children: NsId,
    /// `/proc/PID/ns/time_for_children`: the time namespace children will be created in.
    pub time_for_children: NsId,
    /// One PID per PID namespace from the initial one down to its own (`NSpid:`).
    pub nspid: Vec<u32>,
    /// Running or gone.
    pub state: ProcState,
}

impl Process {
    /// The namespace of `kind` this process is in.
    pub fn ns(&self, kind: NsType) -> NsId {
        *kind.slot(&self.ns)
    }

    /// Whether it still runs.
    pub fn is_alive(&self) -> bool {
        self.state == ProcState::Running
    }

    /// Its PID inside its own PID namespace (what `getpid()` returns).
    pub fn own_pid(&self) -> u32 {
        self.nspid.last().copied().unwrap_or(self.pid)
    }
}

/// One mount in a mount namespace (simplified: no propagation, no options).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// Mount point, e.g. `/proc`.
    pub target: String,
    /// Filesystem type, e.g. `proc`.
    pub fstype: String,
    /// Source column of `/proc/self/mounts`.
    pub source: String,
    /// For `proc`, the PID namespace it shows (the mounter's, pid_namespaces(7)); for an `nsfs`
    /// bind mount such as `/run/netns/NAME`, the namespace it keeps alive.
    pub refers_to: Option<NsId>,
}

/// What kind of network interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// The loopback device every network namespace starts with.
    Loopback,
    /// A physical NIC.
    Ethernet,
    /// One end of a veth pair; the other end may live in another network namespace.
    Veth {
        /// Name of the other end.
        peer: String,
        /// Network namespace of the other end.
        peer_ns: NsId,
    },
}

/// One network interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// Interface name, e.g. `eth0`.
    pub name: String,
    /// Device kind.
    pub kind: LinkKind,
    /// Administratively up (`ip link set NAME up`).
    pub up: bool,
}

/// The user ID map of a user namespace (simplified to what `unshare --map-root-user` writes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UidMap {
    /// The initial user namespace: every ID maps to itself.
    Identity,
    /// `0 <kuid> 1`: root inside is this user outside; every other ID is unmapped.
    RootIs {
        /// The kuid that appears as 0 inside.
        kuid: u32,
    },
}

/// Clock offsets of a time namespace (time_namespaces(7)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeOffsets {
    /// CLOCK_MONOTONIC offset.
    pub monotonic_secs: i64,
    /// CLOCK_BOOTTIME offset.
    pub boottime_secs: i64,
    /// Set once a process has been created in or has entered the namespace; from then on
    /// writes to `timens_offsets` fail with EACCES. The initial namespace is always frozen.
    pub frozen: bool,
}

/// Per-type state of a namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NsData {
    /// Mount namespace: its mount table.
    Mnt {
        /// Mounts in mount order.
        mounts: Vec<Mount>,
    },
    /// PID namespace.
    Pid {
        /// The PID the next process created here gets.
        next_pid: u32,
        /// Host PID of its init (PID 1 here), once created.
        init: Option<u32>,
        /// Whether the init has exited: then fork into it fails with ENOMEM.
        init_exited: bool,
    },
    /// Network namespace: its interfaces.
    Net {
        /// Interfaces in creation order.
        links: Vec<Link>,
    },
    /// IPC namespace (no state shown).
    Ipc,
    /// UTS namespace: its hostname.
    Uts {
        /// The hostname.
        hostname: String,
    },
    /// User namespace.
    User {
        /// kuid of the creator, the namespace's "owner" (user_namespaces(7)).
        owner_uid: u32,
        /// The ID map.
        uid_map: UidMap,
    },
    /// Cgroup namespace (no state shown).
    Cgroup,
    /// Time namespace: its clock offsets.
    Time(TimeOffsets),
}

impl NsData {
    /// The type of namespace this state belongs to.
    pub fn kind(&self) -> NsType {
        match self {
            Self::Mnt { .. } => NsType::Mnt,
            Self::Pid { .. } => NsType::Pid,
            Self::Net { .. } => NsType::Net,
            Self::Ipc => NsType::Ipc,
            Self::Uts { .. } => NsType::Uts,
            Self::User { .. } => NsType::User,
            Self::Cgroup => NsType::Cgroup,
            Self::Time(_) => NsType::Time,
        }
    }
}

/// One namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Namespace {
    /// Its id.
    pub id: NsId,
    /// Parent in the tree (PID and user namespaces only; None for the initial ones).
    pub parent: Option<NsId>,
    /// The owning user namespace (for a user namespace, its parent; None for the initial one).
    pub owner: Option<NsId>,
    /// Depth in its tree: 0 for initial namespaces, parent + 1 for PID and user children.
    pub level: u32,
    /// Host PID of the process that created it (None for initial namespaces).
    pub creator: Option<u32>,
    /// Per-type state.
    pub data: NsData,
}

impl Namespace {
    /// Its type.
    pub fn kind(&self) -> NsType {
        self.data.kind()
    }
}

/// The whole simulated machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct World {
    processes: BTreeMap<u32, Process>,
    namespaces: BTreeMap<NsId, Namespace>,
    next_ns_id: u64,
    uptime_secs: i64,
}

impl World {
    /// A freshly booted machine: the eight initial namespaces, no processes yet.
    /// Its mount table, `lo` and `eth0` (both up) are those of a typical Linux host; it has been
    /// up for a day (86,400 s), which is what time namespaces offset.
    pub fn boot(hostname: &str) -> Self {
        let mut world = Self {
            processes: BTreeMap::new(),
            namespaces: BTreeMap::new(),
            next_ns_id: NsId::FIRST_DYNAMIC,
            uptime_secs: 86_400,
        };
        let initial_pid = NsId::initial(NsType::Pid);
        let mount = |target: &str, fstype: &str, source: &str| Mount {
            target: target.to_owned(),
            fstype: fstype.to_owned(),
            source: source.to_owned(),
            refers_to: (fstype == "proc").then_some(initial_pid),
        };
        for kind in NsType::ALL {
            let data = match kind {
                NsType::Mnt => NsData::Mnt {
                    mounts: vec![
                        mount("/", "ext4", "/dev/vda1"),
                        mount("/proc", "proc", "proc"),
                        mount("/sys", "sysfs", "sysfs"),
                        mount("/dev", "devtmpfs", "udev"),
                        mount("/run", "tmpfs", "tmpfs"),
                    ],
                },
                NsType::Pid => NsData::Pid {
                    next_pid: 1,
                    init: None,
                    init_exited: false,
                },
                NsType::Net => NsData::Net {
                    links: vec![
                        Link {
                            name: "lo".to_owned(),
                            kind: LinkKind::Loopback,
                            up: true,
                        },
                        Link {
                            name: "eth0".to_owned(),
                            kind: LinkKind::Ethernet,
                            up: true,
                        },
                    ],
                },
                NsType::Ipc => NsData::Ipc,
                NsType::Uts => NsData::Uts {
                    hostname: hostname.to_owned(),
                },
                NsType::User => NsData::User {
                    owner_uid: 0,
                    uid_map: UidMap::Identity,
                },
                NsType::Cgroup => NsData::Cgroup,
                NsType::Time => NsData::Time(TimeOffsets {
                    monotonic_secs: 0,
                    boottime_secs: 0,
                    frozen: true,
                }),
            };
            let owner = (*kind != NsType::User).then_some(NsId::initial(NsType::User));
            let id = NsId::initial(*kind);
            world.namespaces.insert(
                id,
                Namespace {
                    id,
                    parent: None,
                    owner,
                    level: 0,
                    creator: None,
                    data,
                },
            );
        }
        world
    }

    /// Adds a process in all initial namespaces at host PID `pid` (replacing one with that PID).
    /// Root (uid 0) gets full capabilities. PID 1 becomes the initial PID namespace's init.
    pub fn with_process(mut self, pid: u32, ppid: u32, command: &str, uid: u32) -> Self {
        let ns = [
            NsType::Mnt,
            NsType::Pid,
            NsType::Net,
            NsType::Ipc,
            NsType::Uts,
            NsType::User,
            NsType::Cgroup,
            NsType::Time,
        ]
        .map(NsId::initial);
        self.processes.insert(
            pid,
            Process {
                pid,
                ppid,
                command: command.to_owned(),
                uid,
                caps: uid == 0,
                ns,
                pid_for_children: NsId::initial(NsType::Pid),
                time_for_children: NsId::initial(NsType::Time),
                nspid: vec![pid],
                state: ProcState::Running,
            },
        );
        if let Some(NsData::Pid { next_pid, init, .. }) = self
            .namespaces
            .get_mut(&NsId::initial(NsType::Pid))
            .map(|namespace| &mut namespace.data)
        {
            *next_pid = (*next_pid).max(pid.saturating_add(1));
            if pid == 1 {
                *init = Some(1);
            }
        }
        self
    }

    /// Sets the next host PID (real systems have used many PIDs before a scene starts).
    pub fn with_next_pid(mut self, pid: u32) -> Self {
        if let Some(NsData::Pid { next_pid, .. }) = self
            .namespaces
            .get_mut(&NsId::initial(NsType::Pid))
            .map(|namespace| &mut namespace.data)
        {
            *next_pid = pid;
        }
        self
    }

    /// Seconds since boot on the host's monotonic and boot-time clocks (equal here: the
    /// machine never suspends).
    pub fn uptime_secs(&self) -> i64 {
        self.uptime_secs
    }

    /// A process by host PID (alive or not).
    pub fn process(&self, pid: u32) -> Option<&Process> {
        self.processes.get(&pid)
    }

    /// All processes ever created, by host PID.
    pub fn processes(&self) -> impl Iterator<Item = &Process> {
        self.processes.values()
    }

    /// Running processes, by host PID.
    pub fn live_processes(&self) -> impl Iterator<Item = &Process> {
        self.processes.values().filter(|process| process.is_alive())
    }

    /// A namespace by id.
    pub fn namespace(&self, id: NsId) -> Option<&Namespace> {
        self.namespaces.get(&id)
    }

    /// All namespaces ever created, by id.
    pub fn namespaces(&self) -> impl Iterator<Item = &Namespace> {
        self.namespaces.values()
    }

    /// Namespaces of one type, by id.
    pub fn namespaces_of(&self, kind: NsType) -> impl Iterator<Item = &Namespace> {
        self.namespaces
            .values()
            .filter(move |namespace| namespace.kind() == kind)
    }

    /// Running processes that are members of namespace `id` (for PID: live in it).
    pub fn members(&self, id: NsId) -> Vec<u32> {
        let Some(kind) = self.namespace(id).map(Namespace::kind) else {
            return Vec::new();
        };
        self.live_processes()
            .filter(|process| process.ns(kind) == id)
            .map(|process| process.pid)
            .collect()
    }

    /// The PID namespaces from the initial one down to `id` (empty if `id` is unknown).
    pub fn pid_chain(&self, id: NsId) -> Vec<NsId> {
        let mut chain = Vec::new();
        let mut cursor = Some(id);
        while let Some(current) = cursor {
            let Some(namespace) = self.namespace(current) else {
                return Vec::new();
            };
            chain.push(current);
            cursor = namespace.parent;
        }
        chain.reverse();
        chain
    }

    /// Whether `ancestor` is `id` or one of its ancestors (PID or user trees).
    pub fn is_same_or_ancestor(&self, ancestor: NsId, id: NsId) -> bool {
        let mut cursor = Some(id);
        while let Some(current) = cursor {
            if current == ancestor {
                return true;
            }
            cursor = self
                .namespace(current)
                .and_then(|namespace| namespace.parent);
        }
        false
    }

    /// Children of a PID or user namespace, by id.
    pub fn child_namespaces(&self, id: NsId) -> Vec<NsId> {
        self.namespaces
            .values()
            .filter(|namespace| namespace.parent == Some(id))
            .map(|namespace| namespace.id)
            .collect()
    }

    // ------------------------------------------------------------------------------------------
    // Mutation helpers for the operations (same module tree only).

    pub(super) fn process_mut(&mut self, pid: u32) -> Option<&mut Process> {
        self.processes.get_mut(&pid)
    }

    pub(super) fn insert_process(&mut self, process: Process) {
        self.processes.insert(process.pid, process);
    }

    pub(super) fn namespace_mut(&mut self, id: NsId) -> Option<&mut Namespace> {
        self.namespaces.get_mut(&id)
    }

    /// A running process, or the failure of an operation it was asked to make.
    pub(super) fn caller(&self, pid: u32) -> Result<&Process, Failure> {
        match self.process(pid) {
            Some(process) if process.is_alive() => Ok(process),
            Some(process) => Err(Failure::impossible(format!(
                "process {pid} ({}) has already exited, so it cannot make system calls",
                process.command
            ))),
            None => Err(Failure::impossible(format!("there is no process {pid}"))),
        }
    }

    /// A namespace that must exist (ids come from the world itself).
    pub(super) fn existing(&self, id: NsId) -> Result<&Namespace, Failure> {
        self.namespace(id)
            .ok_or_else(|| Failure::impossible(format!("namespace {id} does not exist")))
    }

    /// Adds a namespace with the next free id and returns the id.
    pub(super) fn add_namespace(
        &mut self,
        parent: Option<NsId>,
        owner: NsId,
        level: u32,
        creator: u32,
        data: NsData,
    ) -> NsId {
        let id = NsId(self.next_ns_id);
        self.next_ns_id += 1;
        self.namespaces.insert(
            id,
            Namespace {
                id,
                parent,
                owner: Some(owner),
                level,
                creator: Some(creator),
                data,
            },
        );
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_creates_one_initial_namespace_per_type_with_lsns_ids() {
        let world = World::boot("host");
        assert_eq!(world.namespaces().count(), 8);
        for kind in NsType::ALL {
            let namespace = world.namespace(NsId::initial(*kind)).expect("exists");
            assert_eq!(namespace.kind(), *kind);
            assert_eq!(namespace.level, 0);
        }
        // domain.md's lsns sample: mnt 4026531832, pid 4026531836.
        assert_eq!(NsId::initial(NsType::Mnt).0, 4_026_531_832);
        assert_eq!(NsId::initial(NsType::Pid).0, 4_026_531_836);
        // Every non-user namespace is owned by the initial user namespace.
        for namespace in world.namespaces() {
            let expected =
                (namespace.kind() != NsType::User).then_some(NsId::initial(NsType::User));
            assert_eq!(namespace.owner, expected);
        }
    }

    #[test]
    fn with_process_places_it_in_initial_namespaces_and_advances_pids() {
        let world = World::boot("host")
            .with_process(1, 0, "systemd", 0)
            .with_process(1000, 1, "bash", 1000);
        let bash = world.process(1000).expect("exists");
        assert_eq!(bash.nspid, [1000]);
        assert!(!bash.caps, "uid 1000 has no capabilities");
        assert!(world.process(1).expect("exists").caps);
        assert_eq!(world.members(NsId::initial(NsType::Net)), [1, 1000]);
        let Some(NsData::Pid { next_pid, init, .. }) = world
            .namespace(NsId::initial(NsType::Pid))
            .map(|namespace| &namespace.data)
        else {
            panic!("initial PID namespace");
        };
        assert_eq!((*next_pid, *init), (1001, Some(1)));
    }
}
