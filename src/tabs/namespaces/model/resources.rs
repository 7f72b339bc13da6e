//! Operations on what a namespace isolates: hostname, network links, mounts and clock offsets.
//!
//! Each one is checked against the user namespace that owns the namespace it changes
//! (user_namespaces(7): "the kernel will determine which user namespace owns the process's UTS
//! namespace, and check whether the process has the required capability ... in that user
//! namespace"). That rule is what makes a rootless container's root powerful inside and
//! powerless outside.

use super::caps::Creds;
use super::errno::{Errno, Failure};
use super::ns_type::NsType;
use super::op::Clock;
use super::spawn::Effects;
use super::world::{Link, LinkKind, Mount, NsData, NsId, World};

/// Longest hostname sethostname() accepts (HOST_NAME_MAX, sethostname(2)).
pub const HOST_NAME_MAX_BYTES: usize = 64;

/// Longest interface name (IFNAMSIZ 16 including the terminating NUL; netdevice(7)).
pub const IFNAME_MAX_BYTES: usize = 15;

/// Half of KTIME_SEC_MAX: the largest clock value a time namespace may show (time_namespaces(7),
/// "approximately 146 years").
pub const TIME_NS_MAX_SECS: i64 = 9_223_372_036 / 2;

/// Which user namespace a filesystem type checks when mounted (mount(2), user_namespaces(7)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FsRule {
    /// Mountable with CAP_SYS_ADMIN in the user namespace that owns this namespace type of the
    /// caller (proc: its PID namespace; sysfs: its network namespace; ...).
    OwnerOf(NsType),
    /// Block-device filesystems: only with CAP_SYS_ADMIN in the initial user namespace.
    InitialOnly,
}

/// The filesystem types the model knows (unknown types fail with ENODEV like the kernel's).
fn fs_rule(fstype: &str) -> Option<FsRule> {
    match fstype {
        "proc" => Some(FsRule::OwnerOf(NsType::Pid)),
        "sysfs" => Some(FsRule::OwnerOf(NsType::Net)),
        "mqueue" => Some(FsRule::OwnerOf(NsType::Ipc)),
        "cgroup2" => Some(FsRule::OwnerOf(NsType::Cgroup)),
        "tmpfs" | "devpts" | "overlay" => Some(FsRule::OwnerOf(NsType::User)),
        "ext4" | "xfs" | "btrfs" | "vfat" => Some(FsRule::InitialOnly),
        _ => None,
    }
}

impl World {
    /// `sethostname()` by `pid`.
    pub(super) fn do_sethostname(&mut self, pid: u32, hostname: &str) -> Result<Effects, Failure> {
        let caller = self.caller(pid)?.clone();
        let uts = caller.ns(NsType::Uts);
        self.require_cap_over(Creds::of(&caller), uts, "set the hostname")?;
        if hostname.len() > HOST_NAME_MAX_BYTES {
            return Err(Failure::errno(
                Errno::Einval,
                format!("a hostname is at most {HOST_NAME_MAX_BYTES} bytes"),
            ));
        }
        if let Some(NsData::Uts { hostname: current }) =
            self.namespace_mut(uts).map(|namespace| &mut namespace.data)
        {
            *current = hostname.to_owned();
        }
        Ok(Effects::default())
    }

    /// `ip link set NAME up` by `pid`, in its network namespace.
    pub(super) fn do_link_up(&mut self, pid: u32, link: &str) -> Result<Effects, Failure> {
        let caller = self.caller(pid)?.clone();
        let net = caller.ns(NsType::Net);
        self.require_cap_over(Creds::of(&caller), net, "configure network devices")?;
        let Some(NsData::Net { links }) = self.namespace_mut(net).map(|ns| &mut ns.data) else {
            return Err(Failure::impossible(format!(
                "{net} is not a network namespace"
            )));
        };
        let Some(device) = links.iter_mut().find(|device| device.name == link) else {
            return Err(Failure::errno(
                Errno::Enodev,
                format!("network namespace {net} has no device {link:?} (\"Cannot find device\")"),
            ));
        };
        device.up = true;
        Ok(Effects::default())
    }

    /// `ip link add NAME type veth peer name PEER netns PEER_PID` by `pid`.
    pub(super) fn do_veth(
        &mut self,
        pid: u32,
        name: &str,
        peer: &str,
        peer_pid: u32,
    ) -> Result<Effects, Failure> {
        let caller = self.caller(pid)?.clone();
        let Some(peer_net) = self
            .process(peer_pid)
            .filter(|process| process.is_alive())
            .map(|process| process.ns(NsType::Net))
        else {
            return Err(Failure::errno(
                Errno::Esrch,
                format!("there is no running process {peer_pid} whose network namespace to use"),
            ));
        };
        let net = caller.ns(NsType::Net);
        let creds = Creds::of(&caller);
        self.require_cap_over(creds, net, "create network devices")?;
        self.require_cap_over(
            creds,
            peer_net,
            "move a device into another network namespace",
        )?;
        for device in [name, peer] {
            if device.is_empty() || device.len() > IFNAME_MAX_BYTES {
                return Err(Failure::errno(
                    Errno::Einval,
                    format!(
                        "{device:?} is not a valid interface name (1 to {IFNAME_MAX_BYTES} bytes)"
                    ),
                ));
            }
        }
        let taken = (net == peer_net && name == peer)
            || self.has_link(net, name)
            || self.has_link(peer_net, peer);
        if taken {
            return Err(Failure::errno(
                Errno::Eexist,
                "an interface with that name already exists (\"RTNETLINK answers: File exists\")",
            ));
        }
        self.push_link(net, name, peer, peer_net);
        self.push_link(peer_net, peer, name, net);
        Ok(Effects::default())
    }

    /// `mount -t FSTYPE FSTYPE TARGET` by `pid`, in its mount namespace.
    pub(super) fn do_mount(
        &mut self,
        pid: u32,
        fstype: &str,
        target: &str,
    ) -> Result<Effects, Failure> {
        let caller = self.caller(pid)?.clone();
        let creds = Creds::of(&caller);
        let mnt = caller.ns(NsType::Mnt);
        self.require_cap_over(creds, mnt, "mount in its mount namespace")?;
        let Some(rule) = fs_rule(fstype) else {
            return Err(Failure::errno(
                Errno::Enodev,
                format!("unknown filesystem type {fstype:?}"),
            ));
        };
        match rule {
            FsRule::OwnerOf(kind) => {
                let governed = caller.ns(kind);
                self.require_cap_over(creds, governed, &format!("mount {fstype}"))?;
            }
            FsRule::InitialOnly => {
                if !self.has_cap(creds, NsId::initial(NsType::User)) {
                    return Err(Failure::errno(
                        Errno::Eperm,
                        format!(
                            "{fstype} is a block-device filesystem: mounting it needs \
                             CAP_SYS_ADMIN in the initial user namespace (user_namespaces(7))"
                        ),
                    ));
                }
            }
        }
        if !target.starts_with('/') {
            return Err(Failure::errno(
                Errno::Enoent,
                format!("{target:?} is not an absolute path"),
            ));
        }
        let refers_to = (fstype == "proc").then(|| caller.ns(NsType::Pid));
        self.push_mount(
            mnt,
            Mount {
                target: target.to_owned(),
                fstype: fstype.to_owned(),
                source: fstype.to_owned(),
                refers_to,
            },
        );
        Ok(Effects::default())
    }

    /// `pivot_root` by `pid` into the mount at `new_root`, then a lazy unmount of the old root.
    ///
    /// This is how a container gets its own root filesystem. runc (libcontainer/rootfs_linux.go,
    /// `pivotRoot`) changes into the new root, calls `pivot_root(".", ".")` and then
    /// `umount2(".", MNT_DETACH)`: the mount at `new_root` becomes `/`, the mounts below it keep
    /// their places relative to it, and every other mount of the namespace (the host's `/`, its
    /// `/proc`, ...) is detached. The OCI runtime spec's `root.path` names that root filesystem.
    /// The change is per mount namespace: pivot_root(2) moves every process whose root was the
    /// old root, so all members of the namespace see it. Errors follow pivot_root(2): EPERM
    /// without CAP_SYS_ADMIN over the mount namespace, EINVAL when `new_root` is not a mount
    /// point, EBUSY when it is the current root.
    pub(super) fn do_pivot_root(&mut self, pid: u32, new_root: &str) -> Result<Effects, Failure> {
        let caller = self.caller(pid)?.clone();
        let mnt = caller.ns(NsType::Mnt);
        self.require_cap_over(
            Creds::of(&caller),
            mnt,
            "call pivot_root in its mount namespace",
        )?;
        let mounts = match &self.existing(mnt)?.data {
            NsData::Mnt { mounts } => mounts.clone(),
            _ => Vec::new(),
        };
        if new_root == "/" {
            return Err(Failure::errno(
                Errno::Ebusy,
                "new_root is the current root mount (pivot_root(2))",
            ));
        }
        if !mounts.iter().any(|mount| mount.target == new_root) {
            return Err(Failure::errno(
                Errno::Einval,
                format!(
                    "{new_root} is not a mount point in the caller's mount namespace; \
                     pivot_root(2) needs one (runtimes mount the image's rootfs there first)"
                ),
            ));
        }
        let below = format!("{new_root}/");
        let kept: Vec<Mount> = mounts
            .into_iter()
            .filter_map(|mount| {
                let target = if mount.target == new_root {
                    "/".to_owned()
                } else {
                    format!("/{}", mount.target.strip_prefix(&below)?)
                };
                Some(Mount { target, ..mount })
            })
            .collect();
        if let Some(NsData::Mnt { mounts }) = self.namespace_mut(mnt).map(|ns| &mut ns.data) {
            *mounts = kept;
        }
        Ok(Effects::default())
    }

    /// `ip netns add NAME` by `pid`: a new network namespace bind-mounted at `/run/netns/NAME`.
    pub(super) fn do_netns_add(&mut self, pid: u32, name: &str) -> Result<Effects, Failure> {
        let caller = self.caller(pid)?.clone();
        let creds = Creds::of(&caller);
        let user = caller.ns(NsType::User);
        let mnt = caller.ns(NsType::Mnt);
        self.require_cap_over(creds, user, "create a network namespace")?;
        self.require_cap_over(creds, mnt, "bind-mount it under /run/netns")?;
        let path = format!("/run/netns/{name}");
        let exists = match &self.existing(mnt)?.data {
            NsData::Mnt { mounts } => mounts.iter().any(|mount| mount.target == path),
            _ => false,
        };
        if exists {
            return Err(Failure::errno(
                Errno::Eexist,
                format!("Cannot create namespace file \"{path}\": File exists"),
            ));
        }
        let id = self.add_namespace(
            None,
            user,
            0,
            pid,
            NsData::Net {
                links: vec![Link {
                    name: "lo".to_owned(),
                    kind: LinkKind::Loopback,
                    up: false,
                }],
            },
        );
        self.push_mount(
            mnt,
            Mount {
                target: path,
                fstype: "nsfs".to_owned(),
                source: format!("net:[{id}]"),
                refers_to: Some(id),
            },
        );
        Ok(Effects {
            new_namespaces: vec![id],
            ..Effects::default()
        })
    }

    /// Writes `CLOCK OFFSET 0` to `/proc/self/timens_offsets` of `pid` (its time_for_children).
    pub(super) fn do_timens_offset(
        &mut self,
        pid: u32,
        clock: Clock,
        offset_secs: i64,
    ) -> Result<Effects, Failure> {
        let caller = self.caller(pid)?.clone();
        let time = caller.time_for_children;
        self.require_cap_over(Creds::of(&caller), time, "set clock offsets (CAP_SYS_TIME)")?;
        let shown_secs = self.uptime_secs().saturating_add(offset_secs);
        if !(0..=TIME_NS_MAX_SECS).contains(&shown_secs) {
            return Err(Failure::errno(
                Errno::Erange,
                format!(
                    "the {} clock would read {shown_secs} s; it must stay between 0 and \
                     {TIME_NS_MAX_SECS} s (time_namespaces(7))",
                    clock.slug()
                ),
            ));
        }
        let Some(NsData::Time(offsets)) = self.namespace_mut(time).map(|ns| &mut ns.data) else {
            return Err(Failure::impossible(format!(
                "{time} is not a time namespace"
            )));
        };
        if offsets.frozen {
            return Err(Failure::errno(
                Errno::Eacces,
                format!(
                    "time namespace {time} already has a process in it, so its offsets are \
                     fixed (time_namespaces(7))"
                ),
            ));
        }
        match clock {
            Clock::Monotonic => offsets.monotonic_secs = offset_secs,
            Clock::Boottime => offsets.boottime_secs = offset_secs,
        }
        Ok(Effects::default())
    }

    /// EPERM unless `creds` hold capabilities over namespace `id` (in its owning user namespace).
    fn require_cap_over(&self, creds: Creds, id: NsId, action: &str) -> Result<(), Failure> {
        let owner = self.owning_user_ns(id).unwrap_or(id);
        if self.has_cap(creds, owner) {
            return Ok(());
        }
        Err(Failure::errno(
            Errno::Eperm,
            format!(
                "to {action} a process needs the capability in user namespace {owner}, which \
                 owns namespace {id}, and this one does not have it there"
            ),
        ))
    }

    fn has_link(&self, net: NsId, name: &str) -> bool {
        matches!(
            self.namespace(net).map(|namespace| &namespace.data),
            Some(NsData::Net { links }) if links.iter().any(|link| link.name == name)
        )
    }

    fn push_link(&mut self, net: NsId, name: &str, peer: &str, peer_ns: NsId) {
        if let Some(NsData::Net { links }) = self.namespace_mut(net).map(|ns| &mut ns.data) {
            links.push(Link {
                name: name.to_owned(),
                kind: LinkKind::Veth {
                    peer: peer.to_owned(),
                    peer_ns,
                },
                up: false,
            });
        }
    }

    fn push_mount(&mut self, mnt: NsId, mount: Mount) {
        if let Some(NsData::Mnt { mounts }) = self.namespace_mut(mnt).map(|ns| &mut ns.data) {
            mounts.push(mount);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{errno_of, root_host, run, user_host};
    use super::*;

    #[test]
    fn sethostname_changes_only_the_callers_uts_namespace() {
        let world = run(
            &root_host(),
            "fork 100; unshare 200 uts; sethostname 200 inner",
        );
        assert_eq!(world.hostname_seen(200), Some("inner"));
        assert_eq!(world.hostname_seen(100), Some("host"));
        let long = "x".repeat(HOST_NAME_MAX_BYTES + 1);
        assert_eq!(
            errno_of(&world, &format!("sethostname 200 {long}")),
            Errno::Einval
        );
        run(
            &world,
            &format!("sethostname 200 {}", "x".repeat(HOST_NAME_MAX_BYTES)),
        );
        assert_eq!(errno_of(&user_host(), "sethostname 100 mine"), Errno::Eperm);
    }

    #[test]
    fn rootless_root_rules_its_own_namespaces_only() {
        let world = run(&user_host(), "unshare 100 user,uts,net,mnt");
        run(
            &world,
            "sethostname 100 sandbox; ip-link-up 100 lo; mount 100 tmpfs /tmp",
        );
        // The host's namespaces still belong to the initial user namespace.
        assert_eq!(errno_of(&world, "setns 100 net 1"), Errno::Eperm);
        assert_eq!(errno_of(&world, "setns 100 uts 1"), Errno::Eperm);
    }

    #[test]
    fn link_up_needs_the_device_and_net_admin_over_its_namespace() {
        let world = run(&root_host(), "unshare 100 net");
        assert_eq!(errno_of(&world, "ip-link-up 100 eth0"), Errno::Enodev);
        let world = run(&world, "ip-link-up 100 lo");
        assert!(world.links_seen(100)[0].up);
        assert_eq!(errno_of(&user_host(), "ip-link-up 100 eth0"), Errno::Eperm);
    }

    #[test]
    fn veth_pair_spans_two_network_namespaces() {
        let world = run(&root_host(), "clone 100 net box; veth 100 veth0 eth0 200");
        let host_end = world.links_seen(100).iter().find(|l| l.name == "veth0");
        let inner = world.process(200).expect("box").ns(NsType::Net);
        assert_eq!(
            host_end.map(|link| &link.kind),
            Some(&LinkKind::Veth {
                peer: "eth0".to_owned(),
                peer_ns: inner
            })
        );
        let names: Vec<_> = world
            .links_seen(200)
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        assert_eq!(names, ["lo", "eth0"]);
        assert_eq!(errno_of(&world, "veth 100 veth0 eth1 200"), Errno::Eexist);
        assert_eq!(errno_of(&world, "veth 100 veth1 eth0 200"), Errno::Eexist);
        assert_eq!(errno_of(&world, "veth 100 a b 999"), Errno::Esrch);
        assert_eq!(
            errno_of(&world, "veth 100 a-name-far-too-long b 200"),
            Errno::Einval
        );
    }

    #[test]
    fn mount_rules() {
        let host = root_host();
        assert_eq!(errno_of(&host, "mount 100 nfs4 /mnt"), Errno::Enodev);
        assert_eq!(errno_of(&user_host(), "mount 100 tmpfs /tmp"), Errno::Eperm);
        let world = run(&host, "unshare 100 mnt; mount 100 tmpfs /scratch");
        assert!(
            world
                .mounts_seen(100)
                .iter()
                .any(|m| m.target == "/scratch")
        );
        assert!(!world.mounts_seen(1).iter().any(|m| m.target == "/scratch"));
        let rootless = run(&user_host(), "unshare 100 user,mnt");
        // proc needs CAP_SYS_ADMIN over the PID namespace, still the host's here.
        assert_eq!(errno_of(&rootless, "mount 100 proc /proc"), Errno::Eperm);
        assert_eq!(errno_of(&rootless, "mount 100 ext4 /mnt"), Errno::Eperm);
        run(&rootless, "mount 100 tmpfs /tmp");
    }

    #[test]
    fn proc_shows_the_pid_namespace_of_the_mounter() {
        let world = run(
            &root_host(),
            "unshare 100 mnt,pid; fork 100 sh; mount 200 proc /proc",
        );
        let child_ns = world.process(200).expect("sh").ns(NsType::Pid);
        let top = world
            .mounts_seen(200)
            .iter()
            .rev()
            .find(|m| m.target == "/proc")
            .and_then(|m| m.refers_to);
        assert_eq!(top, Some(child_ns));
    }

    #[test]
    fn pivot_root_keeps_only_the_new_root_and_what_is_mounted_below_it() {
        // runc libcontainer/rootfs_linux.go pivotRoot: pivot_root(".", ".") in the new root,
        // then umount2(".", MNT_DETACH): the host's mounts are gone, the rootfs is `/`.
        let rootfs = "/var/lib/docker/overlay2/9d1c7e/merged";
        let world = run(
            &root_host(),
            &format!(
                "mount 100 overlay {rootfs}; unshare 100 mnt,pid; fork 100 sh; \
                 mount 200 proc {rootfs}/proc; pivot-root 200 {rootfs}"
            ),
        );
        let seen: Vec<(&str, &str)> = world
            .mounts_seen(200)
            .iter()
            .map(|m| (m.target.as_str(), m.fstype.as_str()))
            .collect();
        assert_eq!(seen, [("/", "overlay"), ("/proc", "proc")]);
        assert_eq!(
            world.ps(200).expect("ps").proc_pid_ns,
            Some(world.process(200).expect("sh").ns(NsType::Pid)),
            "its own /proc"
        );
        // The host's mount namespace keeps its own root (and sees the overlay mount).
        let host: Vec<&str> = world
            .mounts_seen(1)
            .iter()
            .map(|m| m.target.as_str())
            .collect();
        assert_eq!(host.first(), Some(&"/"));
        assert!(host.contains(&rootfs));
        // pivot_root(2): EBUSY for the current root, EINVAL for a path that is not a mount
        // point, EPERM without CAP_SYS_ADMIN over the mount namespace.
        assert_eq!(errno_of(&world, "pivot-root 200 /"), Errno::Ebusy);
        assert_eq!(errno_of(&world, "pivot-root 200 /srv"), Errno::Einval);
        let user = run(&user_host(), "mount 1 tmpfs /srv");
        assert_eq!(errno_of(&user, "pivot-root 100 /srv"), Errno::Eperm);
    }

    #[test]
    fn ip_netns_add_creates_a_bind_mounted_namespace() {
        let world = run(&root_host(), "ip-netns-add 100 red");
        let mount = world
            .mounts_seen(100)
            .iter()
            .find(|m| m.target == "/run/netns/red")
            .expect("bind mount");
        let id = mount.refers_to.expect("refers to the namespace");
        assert_eq!(mount.source, format!("net:[{id}]"));
        assert!(world.members(id).is_empty());
        assert!(
            world.alive_namespaces().contains(&id),
            "kept alive by the mount"
        );
        assert_eq!(errno_of(&world, "ip-netns-add 100 red"), Errno::Eexist);
        assert_eq!(errno_of(&user_host(), "ip-netns-add 100 red"), Errno::Eperm);
    }

    #[test]
    fn time_offsets_rules() {
        let world = run(&root_host(), "unshare 100 time");
        assert_eq!(
            errno_of(&world, "timens-offset 100 monotonic -100000000"),
            Errno::Erange,
            "the clock would go negative"
        );
        let world = run(&world, "timens-offset 100 monotonic -3600; fork 100");
        let clocks = world.clocks_seen(200).expect("clocks");
        assert_eq!(clocks.monotonic_secs, world.uptime_secs() - 3600);
        assert_eq!(clocks.boottime_secs, world.uptime_secs());
        assert_eq!(
            errno_of(&world, "timens-offset 100 boottime 5"),
            Errno::Eacces
        );
        assert_eq!(
            errno_of(&root_host(), "timens-offset 100 boottime 5"),
            Errno::Eacces,
            "the initial time namespace is frozen"
        );
        let unprivileged = run(&user_host(), "unshare 100 user,time");
        run(&unprivileged, "timens-offset 100 boottime 5");
    }
}
