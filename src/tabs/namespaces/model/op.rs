//! The operations a scene is made of: one system call (or one small command) by one process.
//!
//! Every PID in an operation is a host PID (the key of [`super::world::Process`]), so a script
//! means the same thing whichever namespace its processes end up in.

use super::ns_type::{NsType, NsTypeSet};

/// What a `setns` joins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetnsTarget {
    /// The namespaces of a process: `/proc/PID/ns/<type>`, or a pidfd for several types at once.
    Process(u32),
    /// A network namespace kept alive by a bind mount at `/run/netns/NAME` (`ip netns add`).
    NetnsPath(String),
}

/// A clock of a time namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// CLOCK_MONOTONIC.
    Monotonic,
    /// CLOCK_BOOTTIME.
    Boottime,
}

impl Clock {
    /// The clock-id word of `/proc/PID/timens_offsets`.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Monotonic => "monotonic",
            Self::Boottime => "boottime",
        }
    }

    /// Parses a clock-id word.
    pub fn from_slug(slug: &str) -> Option<Self> {
        [Self::Monotonic, Self::Boottime]
            .into_iter()
            .find(|clock| clock.slug() == slug)
    }
}

/// One operation by one process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `clone(flags)`: a child in new namespaces of each type in `flags`.
    Clone {
        /// Host PID of the caller.
        pid: u32,
        /// The CLONE_NEW* types.
        flags: NsTypeSet,
        /// The child's command (it execs this); None keeps the parent's.
        command: Option<String>,
    },
    /// `fork()`: a child in the same namespaces (PID and time: the `*_for_children` ones).
    Fork {
        /// Host PID of the caller.
        pid: u32,
        /// The child's command; None keeps the parent's.
        command: Option<String>,
    },
    /// `unshare(flags)`.
    Unshare {
        /// Host PID of the caller.
        pid: u32,
        /// The CLONE_NEW* types.
        flags: NsTypeSet,
    },
    /// `setns(fd, nstype)`: join existing namespaces.
    Setns {
        /// Host PID of the caller.
        pid: u32,
        /// Which types to join.
        kinds: NsTypeSet,
        /// Whose namespaces.
        target: SetnsTarget,
    },
    /// The process exits.
    Exit {
        /// Host PID of the process.
        pid: u32,
    },
    /// `execve()`: the process runs another program (capabilities are recalculated).
    Exec {
        /// Host PID of the process.
        pid: u32,
        /// The new command.
        command: String,
    },
    /// `sethostname()` in the caller's UTS namespace.
    Sethostname {
        /// Host PID of the caller.
        pid: u32,
        /// The new hostname.
        hostname: String,
    },
    /// `ip link set NAME up` in the caller's network namespace.
    IpLinkUp {
        /// Host PID of the caller.
        pid: u32,
        /// Interface name.
        link: String,
    },
    /// `ip link add NAME type veth peer name PEER netns PEER_PID`.
    Veth {
        /// Host PID of the caller; `name` appears in its network namespace.
        pid: u32,
        /// Name of the caller's end.
        name: String,
        /// Name of the other end.
        peer: String,
        /// The other end goes into this process's network namespace.
        peer_pid: u32,
    },
    /// `mount -t FSTYPE FSTYPE TARGET` in the caller's mount namespace.
    Mount {
        /// Host PID of the caller.
        pid: u32,
        /// Filesystem type, e.g. `proc`.
        fstype: String,
        /// Mount point, an absolute path.
        target: String,
    },
    /// `pivot_root` into the mount at `new_root`, then a lazy unmount of the old root: what a
    /// container runtime does so the container sees its image's root filesystem, not the host's
    /// (runc libcontainer `pivotRoot`; OCI runtime spec `root.path`).
    PivotRoot {
        /// Host PID of the caller.
        pid: u32,
        /// The mount point that becomes `/`, an absolute path.
        new_root: String,
    },
    /// `ip netns add NAME`: a new network namespace kept alive by a bind mount.
    IpNetnsAdd {
        /// Host PID of the caller.
        pid: u32,
        /// The name under `/run/netns/`.
        name: String,
    },
    /// Write one line to `/proc/self/timens_offsets` (the caller's `time_for_children`).
    TimensOffset {
        /// Host PID of the caller.
        pid: u32,
        /// Which clock.
        clock: Clock,
        /// Offset from the initial time namespace.
        offset_secs: i64,
    },
}

impl Op {
    /// Every operation slug, in the order the toolbar lists them.
    pub const SLUGS: &'static [&'static str] = &[
        "clone",
        "fork",
        "unshare",
        "setns",
        "exit",
        "exec",
        "sethostname",
        "ip-link-up",
        "veth",
        "mount",
        "pivot-root",
        "ip-netns-add",
        "timens-offset",
    ];

    /// The step slug (also the first word of the text form).
    pub fn slug(&self) -> &'static str {
        match self {
            Self::Clone { .. } => "clone",
            Self::Fork { .. } => "fork",
            Self::Unshare { .. } => "unshare",
            Self::Setns { .. } => "setns",
            Self::Exit { .. } => "exit",
            Self::Exec { .. } => "exec",
            Self::Sethostname { .. } => "sethostname",
            Self::IpLinkUp { .. } => "ip-link-up",
            Self::Veth { .. } => "veth",
            Self::Mount { .. } => "mount",
            Self::PivotRoot { .. } => "pivot-root",
            Self::IpNetnsAdd { .. } => "ip-netns-add",
            Self::TimensOffset { .. } => "timens-offset",
        }
    }

    /// Host PID of the process that performs the operation.
    pub fn actor(&self) -> u32 {
        match self {
            Self::Clone { pid, .. }
            | Self::Fork { pid, .. }
            | Self::Unshare { pid, .. }
            | Self::Setns { pid, .. }
            | Self::Exit { pid }
            | Self::Exec { pid, .. }
            | Self::Sethostname { pid, .. }
            | Self::IpLinkUp { pid, .. }
            | Self::Veth { pid, .. }
            | Self::Mount { pid, .. }
            | Self::PivotRoot { pid, .. }
            | Self::IpNetnsAdd { pid, .. }
            | Self::TimensOffset { pid, .. } => *pid,
        }
    }

    /// The system call as C would write it, e.g. `unshare(CLONE_NEWPID)`.
    pub fn syscall(&self) -> String {
        match self {
            // CLONE_NEWTIME is 0x80, inside clone()'s low byte, which is the exit signal
            // (CSIGNAL): only clone3(), which takes the signal in its own field, can ask for it
            // (Linux 6.3, "fork: allow CLONE_NEWTIME in clone3 flags"; domain.md section 2).
            Self::Clone { flags, .. } if flags.contains(NsType::Time) => format!(
                "clone3({{.flags = {}, .exit_signal = SIGCHLD}})",
                flags.clone_flags()
            ),
            Self::Clone { flags, .. } => format!("clone({} | SIGCHLD)", flags.clone_flags()),
            Self::Fork { .. } => "fork()".to_owned(),
            Self::Unshare { flags, .. } => format!("unshare({})", flags.clone_flags()),
            Self::Setns { kinds, target, .. } => match target {
                SetnsTarget::Process(target) if kinds.iter().count() == 1 => {
                    let kind = kinds.iter().next().map_or("?", NsType::slug);
                    format!(
                        "setns(open(\"/proc/{target}/ns/{kind}\"), {})",
                        kinds.clone_flags()
                    )
                }
                SetnsTarget::Process(target) => {
                    format!("setns(pidfd_open({target}), {})", kinds.clone_flags())
                }
                SetnsTarget::NetnsPath(name) => {
                    format!(
                        "setns(open(\"/run/netns/{name}\"), {})",
                        kinds.clone_flags()
                    )
                }
            },
            Self::Exit { .. } => "exit(0)".to_owned(),
            Self::Exec { command, .. } => format!("execve(\"{command}\")"),
            Self::Sethostname { hostname, .. } => format!("sethostname(\"{hostname}\")"),
            Self::IpLinkUp { link, .. } => format!("RTM_NEWLINK {link} IFF_UP (netlink)"),
            Self::Veth { name, peer, .. } => format!("RTM_NEWLINK veth {name} peer {peer}"),
            Self::Mount { fstype, target, .. } => {
                format!("mount(\"{fstype}\", \"{target}\", \"{fstype}\")")
            }
            Self::PivotRoot { new_root, .. } => format!(
                "chdir(\"{new_root}\"); pivot_root(\".\", \".\"); umount2(\".\", MNT_DETACH)"
            ),
            Self::IpNetnsAdd { name, .. } => format!(
                "unshare(CLONE_NEWNET); mount(\"/proc/self/ns/net\", \"/run/netns/{name}\", MS_BIND)"
            ),
            Self::TimensOffset {
                clock, offset_secs, ..
            } => format!(
                "write(\"/proc/self/timens_offsets\", \"{} {offset_secs} 0\")",
                clock.slug()
            ),
        }
    }

    /// The closest shell command a student would type.
    pub fn shell(&self) -> String {
        match self {
            Self::Clone { flags, command, .. } => format!(
                "unshare --fork {} {}",
                flags.unshare_options(),
                command.as_deref().unwrap_or("sh")
            ),
            Self::Fork { command, .. } => command.as_deref().unwrap_or("sh").to_owned(),
            Self::Unshare { flags, .. } => format!("unshare {}", flags.unshare_options()),
            Self::Setns { kinds, target, .. } => match target {
                SetnsTarget::Process(target) => {
                    format!("nsenter -t {target} {}", kinds.nsenter_options())
                }
                SetnsTarget::NetnsPath(name) => format!("ip netns exec {name} sh"),
            },
            Self::Exit { .. } => "exit".to_owned(),
            Self::Exec { command, .. } => format!("exec {command}"),
            Self::Sethostname { hostname, .. } => format!("hostname {hostname}"),
            Self::IpLinkUp { link, .. } => format!("ip link set {link} up"),
            Self::Veth {
                name,
                peer,
                peer_pid,
                ..
            } => format!("ip link add {name} type veth peer name {peer} netns {peer_pid}"),
            Self::Mount { fstype, target, .. } => format!("mount -t {fstype} {fstype} {target}"),
            Self::PivotRoot { new_root, .. } => {
                format!("cd {new_root} && pivot_root . . && umount -l .")
            }
            Self::IpNetnsAdd { name, .. } => format!("ip netns add {name}"),
            Self::TimensOffset {
                clock, offset_secs, ..
            } => format!(
                "echo '{} {offset_secs} 0' > /proc/self/timens_offsets",
                clock.slug()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_list_matches_every_variant() {
        let ops = [
            Op::Clone {
                pid: 1,
                flags: NsTypeSet::of(&[NsType::Pid]),
                command: None,
            },
            Op::Fork {
                pid: 1,
                command: None,
            },
            Op::Unshare {
                pid: 1,
                flags: NsTypeSet::of(&[NsType::Pid]),
            },
            Op::Setns {
                pid: 1,
                kinds: NsTypeSet::of(&[NsType::Net]),
                target: SetnsTarget::Process(2),
            },
            Op::Exit { pid: 1 },
            Op::Exec {
                pid: 1,
                command: "sh".to_owned(),
            },
            Op::Sethostname {
                pid: 1,
                hostname: "a".to_owned(),
            },
            Op::IpLinkUp {
                pid: 1,
                link: "lo".to_owned(),
            },
            Op::Veth {
                pid: 1,
                name: "v0".to_owned(),
                peer: "eth0".to_owned(),
                peer_pid: 2,
            },
            Op::Mount {
                pid: 1,
                fstype: "proc".to_owned(),
                target: "/proc".to_owned(),
            },
            Op::PivotRoot {
                pid: 1,
                new_root: "/rootfs".to_owned(),
            },
            Op::IpNetnsAdd {
                pid: 1,
                name: "red".to_owned(),
            },
            Op::TimensOffset {
                pid: 1,
                clock: Clock::Boottime,
                offset_secs: 5,
            },
        ];
        let slugs: Vec<_> = ops.iter().map(Op::slug).collect();
        assert_eq!(slugs, Op::SLUGS);
        assert!(ops.iter().all(|op| op.actor() == 1));
    }

    #[test]
    fn shell_commands_use_util_linux_options() {
        let unshare = Op::Unshare {
            pid: 1,
            flags: NsTypeSet::of(&[NsType::Pid, NsType::Mnt]),
        };
        assert_eq!(unshare.shell(), "unshare --mount --pid");
        assert_eq!(unshare.syscall(), "unshare(CLONE_NEWNS | CLONE_NEWPID)");
        let nsenter = Op::Setns {
            pid: 5,
            kinds: NsTypeSet::of(&[NsType::Net]),
            target: SetnsTarget::Process(1303),
        };
        assert_eq!(nsenter.shell(), "nsenter -t 1303 -n");
        assert_eq!(
            nsenter.syscall(),
            "setns(open(\"/proc/1303/ns/net\"), CLONE_NEWNET)"
        );
    }
}
