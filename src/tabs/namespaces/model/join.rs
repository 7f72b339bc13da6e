//! setns(): joining existing namespaces, with the per-type rules of setns(2).
//!
//! - User: needs CAP_SYS_ADMIN in the target (so only descendants can be joined) and refuses the
//!   caller's own user namespace with EINVAL; joining gives a full capability set there.
//! - Every other type: CAP_SYS_ADMIN both in the caller's own user namespace and in the one
//!   that owns the target, else EPERM.
//! - PID: only the caller's own PID namespace or a descendant (EINVAL otherwise), and only the
//!   caller's children move: it sets `pid_for_children`.
//! - Several types at once (the pidfd form, since 5.8) are joined atomically, the user namespace
//!   first so the rest are checked with the new credentials (as the kernel's `validate_nsset()`).

use super::caps::Creds;
use super::errno::{Errno, Failure};
use super::ns_type::{NsType, NsTypeSet};
use super::op::SetnsTarget;
use super::spawn::Effects;
use super::world::{NsData, NsId, World};

/// The order the kernel validates the types of a pidfd setns in.
const JOIN_ORDER: [NsType; 8] = [
    NsType::User,
    NsType::Mnt,
    NsType::Uts,
    NsType::Ipc,
    NsType::Pid,
    NsType::Cgroup,
    NsType::Net,
    NsType::Time,
];

impl World {
    /// `setns()` by `pid` into the `kinds` namespaces of `target`.
    pub(super) fn do_setns(
        &mut self,
        pid: u32,
        kinds: NsTypeSet,
        target: &SetnsTarget,
    ) -> Result<Effects, Failure> {
        let mut caller = self.caller(pid)?.clone();
        if kinds.is_empty() {
            return Err(Failure::errno(
                Errno::Einval,
                "setns() with a pidfd needs at least one CLONE_NEW* type in nstype",
            ));
        }
        let joins = self.resolve_targets(caller.ns(NsType::Mnt), kinds, target)?;
        for kind in JOIN_ORDER {
            let Some(id) = joins.get(kind.index()).copied().flatten() else {
                continue;
            };
            let creds = Creds::of(&caller);
            if kind == NsType::User {
                if id == caller.ns(NsType::User) {
                    return Err(Failure::errno(
                        Errno::Einval,
                        "a process may not reenter the user namespace it is already in \
                         (setns(2)), so dropped capabilities cannot be regained",
                    ));
                }
                if !self.has_cap(creds, id) {
                    return Err(Failure::errno(
                        Errno::Eperm,
                        format!(
                            "joining user namespace {id} needs CAP_SYS_ADMIN in it, which \
                             means it must be a descendant the caller is privileged over"
                        ),
                    ));
                }
                *NsType::User.slot_mut(&mut caller.ns) = id;
                caller.caps = true;
                continue;
            }
            let owner = self.owning_user_ns(id).unwrap_or(id);
            if !self.has_cap(creds, creds.user_ns) || !self.has_cap(creds, owner) {
                return Err(Failure::errno(
                    Errno::Eperm,
                    format!(
                        "joining {} namespace {id} needs CAP_SYS_ADMIN both in the caller's own \
                         user namespace and in {owner}, the user namespace that owns it",
                        kind.slug()
                    ),
                ));
            }
            match kind {
                NsType::Pid => {
                    if !self.is_same_or_ancestor(caller.ns(NsType::Pid), id) {
                        return Err(Failure::errno(
                            Errno::Einval,
                            format!(
                                "PID namespace {id} is not the caller's own or a descendant of \
                                 it; a process can never move up the PID tree (pid_namespaces(7))"
                            ),
                        ));
                    }
                    caller.pid_for_children = id;
                }
                NsType::Time => {
                    *NsType::Time.slot_mut(&mut caller.ns) = id;
                    caller.time_for_children = id;
                    if let Some(NsData::Time(offsets)) =
                        self.namespace_mut(id).map(|namespace| &mut namespace.data)
                    {
                        offsets.frozen = true;
                    }
                }
                _ => *kind.slot_mut(&mut caller.ns) = id,
            }
        }
        self.insert_process(caller);
        Ok(Effects::default())
    }

    /// The namespace to join for each type, indexed by [`NsType::index`].
    fn resolve_targets(
        &self,
        caller_mnt: NsId,
        kinds: NsTypeSet,
        target: &SetnsTarget,
    ) -> Result<[Option<NsId>; 8], Failure> {
        let mut joins = [None; 8];
        match target {
            SetnsTarget::Process(target_pid) => {
                let Some(process) = self
                    .process(*target_pid)
                    .filter(|process| process.is_alive())
                else {
                    // One type goes through open("/proc/PID/ns/TYPE"), which fails first, with
                    // ENOENT, once the process is gone (nsenter: "No such file or directory");
                    // several types use a pidfd, and pidfd_open(2) fails with ESRCH.
                    return Err(match kinds.iter().count() {
                        1 => Failure::errno(
                            Errno::Enoent,
                            format!(
                                "open(\"/proc/{target_pid}/ns/{}\") fails before setns() runs: \
                                 process {target_pid} is gone, so its /proc directory is too",
                                kinds.iter().next().map_or("?", NsType::slug)
                            ),
                        ),
                        _ => Failure::errno(
                            Errno::Esrch,
                            format!(
                                "pidfd_open({target_pid}) fails: there is no running process \
                                 {target_pid} to take namespaces from"
                            ),
                        ),
                    });
                };
                for kind in kinds.iter() {
                    *kind.slot_mut(&mut joins) = Some(process.ns(kind));
                }
            }
            SetnsTarget::NetnsPath(name) => {
                let path = format!("/run/netns/{name}");
                let bound = match &self.existing(caller_mnt)?.data {
                    NsData::Mnt { mounts } => mounts
                        .iter()
                        .rev()
                        .find(|mount| mount.target == path && mount.fstype == "nsfs")
                        .and_then(|mount| mount.refers_to),
                    _ => None,
                };
                let Some(id) = bound else {
                    return Err(Failure::errno(
                        Errno::Enoent,
                        format!("{path} does not exist in the caller's mount namespace"),
                    ));
                };
                if kinds != NsTypeSet::of(&[NsType::Net]) {
                    return Err(Failure::errno(
                        Errno::Einval,
                        format!(
                            "{path} refers to a network namespace, but nstype asks for {}",
                            kinds.clone_flags()
                        ),
                    ));
                }
                *NsType::Net.slot_mut(&mut joins) = Some(id);
            }
        }
        Ok(joins)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{errno_of, root_host, run, user_host};
    use super::*;

    /// Root host with a container: 200 is PID 1 in new mnt/pid/net/uts/ipc namespaces.
    fn with_container() -> World {
        run(
            &root_host().with_process(101, 1, "bash", 1000),
            "clone 100 mnt,pid,net,uts,ipc sh; sethostname 200 box",
        )
    }

    #[test]
    fn nsenter_joins_the_container_namespaces_but_pid_only_for_children() {
        let world = run(
            &with_container(),
            "setns 100 mnt,pid,net,uts,ipc 200; fork 100 sh",
        );
        let (joiner, container) = (
            world.process(100).expect("joiner"),
            world.process(200).expect("container"),
        );
        for kind in [NsType::Mnt, NsType::Net, NsType::Uts, NsType::Ipc] {
            assert_eq!(joiner.ns(kind), container.ns(kind), "{kind:?}");
        }
        assert_eq!(joiner.ns(NsType::Pid), NsId::initial(NsType::Pid));
        assert_eq!(joiner.nspid, [100], "its own PID never changes");
        assert_eq!(joiner.pid_for_children, container.ns(NsType::Pid));
        assert_eq!(world.hostname_seen(100), Some("box"));
        assert_eq!(world.process(201).expect("child").nspid, [201, 2]);
    }

    #[test]
    fn pid_namespace_can_only_be_joined_downwards() {
        let world = run(&with_container(), "clone 100 pid other");
        assert_eq!(
            errno_of(&world, "setns 200 pid 1"),
            Errno::Einval,
            "ancestor"
        );
        assert_eq!(
            errno_of(&world, "setns 200 pid 201"),
            Errno::Einval,
            "sibling"
        );
        run(&world, "setns 200 pid 200");
    }

    #[test]
    fn joining_needs_cap_sys_admin_over_the_target() {
        let world = with_container();
        for kind in ["mnt", "pid", "net", "uts", "ipc"] {
            assert_eq!(
                errno_of(&world, &format!("setns 101 {kind} 200")),
                Errno::Eperm,
                "{kind}"
            );
        }
    }

    #[test]
    fn user_namespace_rules() {
        let world = run(&user_host(), "unshare 100 user; fork 1 root-helper");
        // The rootless process cannot reenter its own user namespace or climb to the parent.
        assert_eq!(errno_of(&world, "setns 100 user 100"), Errno::Einval);
        assert_eq!(errno_of(&world, "setns 100 user 1"), Errno::Eperm);
        // Root (caps in the parent) may join the descendant and gains all capabilities there.
        let joined = run(&world, "setns 200 user 100");
        let helper = joined.process(200).expect("helper");
        assert_eq!(
            helper.ns(NsType::User),
            world.process(100).expect("x").ns(NsType::User)
        );
        assert!(helper.caps);
    }

    #[test]
    fn owner_without_effective_caps_may_join_its_user_namespace() {
        let world = run(
            &user_host().with_process(101, 1, "bash", 1000),
            "unshare 100 user,net",
        );
        assert!(!world.process(101).expect("shell").caps);
        // User first, so the network namespace is checked with the new capabilities.
        let joined = run(&world, "setns 101 user,net 100");
        assert!(joined.process(101).expect("shell").caps);
        assert_eq!(
            errno_of(&world, "setns 101 net 100"),
            Errno::Eperm,
            "net alone"
        );
    }

    #[test]
    fn target_must_exist() {
        // One type is setns(open("/proc/PID/ns/net"), ...): the open() fails first, with ENOENT
        // (nsenter prints "No such file or directory"), checked against the kernel by issue 14.
        // Several types use a pidfd, and pidfd_open(2) fails with ESRCH.
        let world = run(&root_host(), "fork 100; exit 200");
        assert_eq!(errno_of(&world, "setns 100 net 200"), Errno::Enoent);
        assert_eq!(errno_of(&world, "setns 100 net 999"), Errno::Enoent);
        assert_eq!(errno_of(&world, "setns 100 net,uts 200"), Errno::Esrch);
        assert_eq!(errno_of(&world, "setns 100 net,uts 999"), Errno::Esrch);
    }

    #[test]
    fn bind_mounted_network_namespace_by_path() {
        let world = run(&root_host(), "ip-netns-add 100 red; fork 1 helper");
        assert_eq!(
            errno_of(&world, "setns 200 net /run/netns/blue"),
            Errno::Enoent
        );
        assert_eq!(
            errno_of(&world, "setns 200 net,uts /run/netns/red"),
            Errno::Einval
        );
        let joined = run(&world, "setns 200 net /run/netns/red");
        let links = joined.links_seen(200);
        assert_eq!(links.len(), 1, "a fresh namespace: only lo");
    }

    #[test]
    fn joining_a_time_namespace_moves_the_caller_and_its_children() {
        let world = run(&root_host(), "unshare 100 time; fork 100; fork 1 other");
        let time_ns = world.process(200).expect("child").ns(NsType::Time);
        let joined = run(&world, "setns 201 time 200");
        let other = joined.process(201).expect("other");
        assert_eq!(
            (other.ns(NsType::Time), other.time_for_children),
            (time_ns, time_ns)
        );
    }
}
