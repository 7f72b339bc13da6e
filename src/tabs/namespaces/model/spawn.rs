//! clone(), fork() and unshare(): creating processes and namespaces.
//!
//! The checks run in the kernel's order (copy_creds, then copy_namespaces, then alloc_pid), so
//! when several rules are broken the student sees the errno the kernel would report first:
//! - a new user namespace is created first and its creator gets a full capability set in it
//!   (user_namespaces(7)), which is what lets an unprivileged user create the others too;
//! - every other type needs CAP_SYS_ADMIN in the (possibly new) user namespace, else EPERM;
//! - CLONE_NEWPID is refused with EINVAL once `pid_for_children` differs from the caller's own
//!   PID namespace ("only once", unshare(2));
//! - nesting deeper than the kernel allows gives ENOSPC (clone(2), unshare(2));
//! - creating a process in a PID namespace whose init has exited gives ENOMEM
//!   (pid_namespaces(7)).

use super::caps::Creds;
use super::errno::{Errno, Failure};
use super::ns_type::{NsType, NsTypeSet};
use super::world::{Link, LinkKind, NsData, NsId, ProcState, Process, TimeOffsets, UidMap, World};

/// Deepest PID namespace level (the initial one is level 0): a new one at level 33 fails.
/// Source: kernel `create_pid_namespace()`, `level > MAX_PID_NS_LEVEL` (32); checked on Linux
/// 6.18, where `unshare --pid --fork` nests 32 levels and fails at the 33rd with ENOSPC.
pub const MAX_PID_NS_LEVEL: u32 = 32;

/// Deepest user namespace level. The kernel refuses when the *parent's* level exceeds 32
/// (`create_user_ns()`), so level 33 can still be created; checked on Linux 6.18 with nested
/// `unshare -r`, which reached level 33 and failed at 34 with ENOSPC. namespaces(7) rounds this
/// to "32 nested levels".
pub const MAX_USER_NS_LEVEL: u32 = 33;

/// Types in the order the kernel creates them (user first, then `create_new_namespaces()`).
const CREATION_ORDER: [NsType; 7] = [
    NsType::Mnt,
    NsType::Uts,
    NsType::Ipc,
    NsType::Pid,
    NsType::Cgroup,
    NsType::Net,
    NsType::Time,
];

/// What a successful operation changed, for highlighting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// Host PID of the process created, if any.
    pub new_process: Option<u32>,
    /// Namespaces created, in creation order.
    pub new_namespaces: Vec<NsId>,
    /// Processes SIGKILLed by the kernel as a consequence.
    pub killed: Vec<u32>,
    /// Orphans and their new parent (child, new parent).
    pub reparented: Vec<(u32, u32)>,
}

impl World {
    /// `clone(flags)` by `pid`; the child runs `command` (or keeps the parent's).
    pub(super) fn do_clone(
        &mut self,
        pid: u32,
        flags: NsTypeSet,
        command: Option<&str>,
    ) -> Result<Effects, Failure> {
        let parent = self.caller(pid)?.clone();
        let mut effects = Effects::default();
        let mut creds = Creds::of(&parent);
        if flags.contains(NsType::User) {
            let user_ns = self.create_user_ns(&parent)?;
            effects.new_namespaces.push(user_ns);
            creds = Creds {
                user_ns,
                uid: parent.uid,
                caps: true,
            };
        }
        self.check_others(&parent, creds, flags)?;
        let mut ns = parent.ns;
        *NsType::User.slot_mut(&mut ns) = creds.user_ns;
        let mut child_pid_ns = parent.pid_for_children;
        for kind in CREATION_ORDER
            .into_iter()
            .filter(|kind| flags.contains(*kind))
        {
            let id = self.create_namespace(kind, &parent, creds.user_ns)?;
            effects.new_namespaces.push(id);
            if kind == NsType::Pid {
                child_pid_ns = id;
            } else {
                *kind.slot_mut(&mut ns) = id;
            }
        }
        *NsType::Pid.slot_mut(&mut ns) = child_pid_ns;
        // With CLONE_NEWTIME (clone3() only, Linux 6.3) the child starts in the new time
        // namespace (kernel timens_on_fork: the child's time_ns becomes time_ns_for_children),
        // whose offsets it inherits and freezes at once. Without it, the parent's
        // time_for_children.
        if !flags.contains(NsType::Time) {
            *NsType::Time.slot_mut(&mut ns) = parent.time_for_children;
        }
        let child = self.spawn(&parent, ns, creds, command)?;
        effects.new_process = Some(child);
        Ok(effects)
    }

    /// `fork()` by `pid`.
    pub(super) fn do_fork(&mut self, pid: u32, command: Option<&str>) -> Result<Effects, Failure> {
        let parent = self.caller(pid)?.clone();
        let mut ns = parent.ns;
        *NsType::Pid.slot_mut(&mut ns) = parent.pid_for_children;
        *NsType::Time.slot_mut(&mut ns) = parent.time_for_children;
        let child = self.spawn(&parent, ns, Creds::of(&parent), command)?;
        Ok(Effects {
            new_process: Some(child),
            ..Effects::default()
        })
    }

    /// `unshare(flags)` by `pid`: the caller moves, except for PID and time, where only its
    /// later children do.
    pub(super) fn do_unshare(&mut self, pid: u32, flags: NsTypeSet) -> Result<Effects, Failure> {
        let mut caller = self.caller(pid)?.clone();
        let mut effects = Effects::default();
        if flags.contains(NsType::User) {
            let user_ns = self.create_user_ns(&caller)?;
            effects.new_namespaces.push(user_ns);
            *NsType::User.slot_mut(&mut caller.ns) = user_ns;
            caller.caps = true;
        }
        let creds = Creds::of(&caller);
        self.check_others(&caller, creds, flags)?;
        for kind in CREATION_ORDER
            .into_iter()
            .filter(|kind| flags.contains(*kind))
        {
            let id = self.create_namespace(kind, &caller, creds.user_ns)?;
            effects.new_namespaces.push(id);
            match kind {
                NsType::Pid => caller.pid_for_children = id,
                NsType::Time => caller.time_for_children = id,
                _ => *kind.slot_mut(&mut caller.ns) = id,
            }
        }
        self.insert_process(caller);
        Ok(effects)
    }

    /// The checks on the non-user types of a clone/unshare, given the credentials after any new
    /// user namespace. A new PID namespace hangs below `pid_for_children`, which must be the
    /// caller's own PID namespace.
    fn check_others(
        &self,
        caller: &Process,
        creds: Creds,
        flags: NsTypeSet,
    ) -> Result<(), Failure> {
        let pid_parent = caller.pid_for_children;
        let others = flags.without(NsType::User);
        if !others.is_empty() && !self.has_cap(creds, creds.user_ns) {
            return Err(Failure::errno(
                Errno::Eperm,
                format!(
                    "{} needs CAP_SYS_ADMIN in the caller's user namespace, and process {} \
                     (uid {}) does not have it there",
                    others.clone_flags(),
                    caller.pid,
                    caller.uid
                ),
            ));
        }
        if !flags.contains(NsType::Pid) {
            return Ok(());
        }
        if caller.pid_for_children != caller.ns(NsType::Pid) {
            return Err(Failure::errno(
                Errno::Einval,
                "CLONE_NEWPID works only while pid_for_children is the caller's own PID \
                 namespace; this process already unshared or joined another one (unshare(2))",
            ));
        }
        let parent = self.existing(pid_parent)?;
        if parent.level + 1 > MAX_PID_NS_LEVEL {
            return Err(Failure::errno(
                Errno::Enospc,
                format!(
                    "a new PID namespace would be at level {}, deeper than the kernel's limit \
                     of {MAX_PID_NS_LEVEL} (pid_namespaces(7))",
                    parent.level + 1
                ),
            ));
        }
        let parent_owner = self.owning_user_ns(pid_parent).unwrap_or(creds.user_ns);
        if !self.is_same_or_ancestor(parent_owner, creds.user_ns) {
            return Err(Failure::errno(
                Errno::Einval,
                "the caller's user namespace is not below the one that owns its PID \
                 namespace, so the kernel refuses a new PID namespace there",
            ));
        }
        Ok(())
    }

    /// Creates a user namespace under the caller's, after the checks of clone(2)/unshare(2).
    fn create_user_ns(&mut self, caller: &Process) -> Result<NsId, Failure> {
        let parent = self.existing(caller.ns(NsType::User))?;
        let level = parent.level + 1;
        if level > MAX_USER_NS_LEVEL {
            return Err(Failure::errno(
                Errno::Enospc,
                format!(
                    "a new user namespace would be at level {level}; the kernel refuses when \
                     the parent is deeper than 32 (ENOSPC since Linux 4.9, EUSERS before)"
                ),
            ));
        }
        if self.uid_in(caller.uid, parent.id).is_none() {
            return Err(Failure::errno(
                Errno::Eperm,
                format!(
                    "CLONE_NEWUSER needs the caller's user ID to be mapped in its user \
                     namespace, and kuid {} has no mapping in {}",
                    caller.uid, parent.id
                ),
            ));
        }
        let parent_id = parent.id;
        Ok(self.add_namespace(
            Some(parent_id),
            parent_id,
            level,
            caller.pid,
            NsData::User {
                owner_uid: caller.uid,
                uid_map: UidMap::RootIs { kuid: caller.uid },
            },
        ))
    }

    /// Creates one non-user namespace as a copy (or fresh instance) of the caller's.
    fn create_namespace(
        &mut self,
        kind: NsType,
        caller: &Process,
        owner: NsId,
    ) -> Result<NsId, Failure> {
        let (parent, level) = match kind {
            NsType::Pid => {
                let parent = self.existing(caller.pid_for_children)?;
                (Some(parent.id), parent.level + 1)
            }
            _ => (None, 0),
        };
        let data = match kind {
            NsType::Mnt => match &self.existing(caller.ns(NsType::Mnt))?.data {
                NsData::Mnt { mounts } => NsData::Mnt {
                    mounts: mounts.clone(),
                },
                _ => NsData::Mnt { mounts: Vec::new() },
            },
            NsType::Uts => match &self.existing(caller.ns(NsType::Uts))?.data {
                NsData::Uts { hostname } => NsData::Uts {
                    hostname: hostname.clone(),
                },
                _ => NsData::Uts {
                    hostname: String::new(),
                },
            },
            NsType::Pid => NsData::Pid {
                next_pid: 1,
                init: None,
                init_exited: false,
            },
            NsType::Net => NsData::Net {
                links: vec![Link {
                    name: "lo".to_owned(),
                    kind: LinkKind::Loopback,
                    up: false,
                }],
            },
            NsType::Time => {
                // time_namespaces(7): offsets are inherited from the creator's time namespace.
                let inherited = match self.existing(caller.time_for_children)?.data {
                    NsData::Time(offsets) => offsets,
                    _ => TimeOffsets {
                        monotonic_secs: 0,
                        boottime_secs: 0,
                        frozen: false,
                    },
                };
                NsData::Time(TimeOffsets {
                    frozen: false,
                    ..inherited
                })
            }
            NsType::Ipc => NsData::Ipc,
            NsType::User => {
                return Err(Failure::impossible(
                    "user namespaces are created before the others, by create_user_ns",
                ));
            }
            NsType::Cgroup => NsData::Cgroup,
        };
        Ok(self.add_namespace(parent, owner, level, caller.pid, data))
    }

    /// Allocates the child's PIDs (one per level) and inserts it.
    fn spawn(
        &mut self,
        parent: &Process,
        ns: [NsId; 8],
        creds: Creds,
        command: Option<&str>,
    ) -> Result<u32, Failure> {
        let target = *NsType::Pid.slot(&ns);
        if let NsData::Pid {
            init_exited: true, ..
        } = self.existing(target)?.data
        {
            return Err(Failure::errno(
                Errno::Enomem,
                format!(
                    "the init of PID namespace {target} has exited, so no process can be \
                     created in it any more (pid_namespaces(7)); bash reports \
                     \"fork: Cannot allocate memory\""
                ),
            ));
        }
        let mut nspid = Vec::new();
        for level_ns in self.pid_chain(target) {
            let Some(namespace) = self.namespace_mut(level_ns) else {
                continue;
            };
            if let NsData::Pid { next_pid, init, .. } = &mut namespace.data {
                nspid.push(*next_pid);
                // The first PID handed out in a namespace is 1: that process is its init. The
                // host PID was pushed first, at level 0.
                if *next_pid == 1 {
                    *init = nspid.first().copied();
                }
                *next_pid += 1;
            }
        }
        let Some(&host_pid) = nspid.first() else {
            return Err(Failure::impossible(format!(
                "PID namespace {target} is not connected to the initial one"
            )));
        };
        let time = *NsType::Time.slot(&ns);
        if let Some(NsData::Time(offsets)) = self
            .namespace_mut(time)
            .map(|namespace| &mut namespace.data)
        {
            offsets.frozen = true;
        }
        self.insert_process(Process {
            pid: host_pid,
            ppid: parent.pid,
            command: command.unwrap_or(&parent.command).to_owned(),
            uid: parent.uid,
            caps: creds.caps,
            ns,
            pid_for_children: target,
            time_for_children: time,
            nspid,
            state: ProcState::Running,
        });
        Ok(host_pid)
    }
}

#[cfg(test)]
mod tests {
    use super::super::errno::Errno;
    use super::super::op::Op;
    use super::super::test_support::{errno_of, root_host, run, try_op, user_host};
    use super::super::text::parse_op;
    use super::super::world::Namespace;
    use super::*;

    fn process(world: &World, pid: u32) -> &Process {
        world.process(pid).expect("process exists")
    }

    fn namespace(world: &World, id: NsId) -> &Namespace {
        world.namespace(id).expect("namespace exists")
    }

    #[test]
    fn fork_child_shares_every_namespace_and_gets_next_pid() {
        let world = run(&root_host(), "fork 100 ls");
        let (parent, child) = (process(&world, 100), process(&world, 200));
        assert_eq!(child.ns, parent.ns);
        assert_eq!(child.nspid, [200]);
        assert_eq!(child.ppid, 100);
        assert_eq!(child.command, "ls");
        assert_eq!(world.namespaces().count(), 8, "no namespace created");
    }

    #[test]
    fn clone_newpid_makes_the_child_pid_1_of_a_child_namespace() {
        let world = run(&root_host(), "clone 100 pid sh; fork 200 ls");
        let child = process(&world, 200);
        let pid_ns = child.ns(NsType::Pid);
        assert_ne!(pid_ns, NsId::initial(NsType::Pid));
        assert_eq!(child.nspid, [200, 1]);
        assert_eq!(world.init_of(pid_ns), Some(200));
        let created = namespace(&world, pid_ns);
        assert_eq!(created.parent, Some(NsId::initial(NsType::Pid)));
        assert_eq!(created.level, 1);
        assert_eq!(created.owner, Some(NsId::initial(NsType::User)));
        assert_eq!(process(&world, 201).nspid, [201, 2], "grandchild is PID 2");
        let parent = process(&world, 100);
        assert_eq!(parent.ns(NsType::Pid), NsId::initial(NsType::Pid));
        assert_eq!(parent.pid_for_children, NsId::initial(NsType::Pid));
    }

    #[test]
    fn clone_copies_mounts_and_hostname_but_a_new_network_has_only_lo_down() {
        let world = run(&root_host(), "clone 100 mnt,uts,net,ipc,cgroup");
        let (parent, child) = (process(&world, 100), process(&world, 200));
        for kind in [
            NsType::Mnt,
            NsType::Uts,
            NsType::Net,
            NsType::Ipc,
            NsType::Cgroup,
        ] {
            assert_ne!(child.ns(kind), parent.ns(kind), "{kind:?}");
        }
        assert_eq!(child.ns(NsType::Pid), parent.ns(NsType::Pid));
        assert_eq!(world.hostname_seen(200), Some("host"));
        assert_eq!(world.mounts_seen(200), world.mounts_seen(100));
        let links = world.links_seen(200);
        assert_eq!(links.len(), 1);
        assert_eq!((links[0].name.as_str(), links[0].up), ("lo", false));
        assert_eq!(world.links_seen(100).len(), 2, "host keeps lo and eth0");
    }

    #[test]
    fn unprivileged_clone_needs_a_user_namespace_first() {
        let host = user_host();
        assert_eq!(errno_of(&host, "clone 100 net"), Errno::Eperm);
        assert_eq!(errno_of(&host, "clone 100 pid"), Errno::Eperm);
        let world = run(&host, "clone 100 user,net,pid sh");
        let child = process(&world, 200);
        let user_ns = child.ns(NsType::User);
        assert!(child.caps, "full capability set in the new user namespace");
        assert_eq!(
            namespace(&world, user_ns).parent,
            Some(NsId::initial(NsType::User))
        );
        assert_eq!(
            namespace(&world, child.ns(NsType::Net)).owner,
            Some(user_ns)
        );
        assert_eq!(
            namespace(&world, child.ns(NsType::Pid)).owner,
            Some(user_ns)
        );
        assert_eq!(world.uid_in(1000, user_ns), Some(0), "root inside");
        let NsData::User { owner_uid, .. } = namespace(&world, user_ns).data else {
            panic!("user namespace");
        };
        assert_eq!(owner_uid, 1000);
        assert!(!process(&world, 100).caps, "the parent gains nothing");
    }

    #[test]
    fn clone3_creates_a_time_namespace_for_the_child_with_frozen_inherited_offsets() {
        // Linux 6.3, "fork: allow CLONE_NEWTIME in clone3 flags" (domain.md section 2): clone3()
        // with CLONE_NEWTIME succeeds and the child starts in the new time namespace
        // (timens_on_fork). Legacy clone() cannot ask for it: 0x80 is in its exit-signal byte.
        let offset = run(
            &root_host(),
            "unshare 100 time; timens-offset 100 boottime 3600; fork 100 sh",
        );
        let (world, effects) = try_op(&offset, "clone 100 time child").expect("clone3 succeeds");
        let child = process(&world, effects.new_process.expect("a child"));
        let new_time = child.ns(NsType::Time);
        assert_eq!(effects.new_namespaces, [new_time]);
        assert_eq!(child.time_for_children, new_time);
        assert_eq!(
            process(&world, 100).ns(NsType::Time),
            NsId::initial(NsType::Time),
            "the caller stays"
        );
        // time_namespaces(7): a new namespace inherits its creator's offsets (here from the
        // caller's time_for_children), and they are fixed once a process is in it.
        let NsData::Time(offsets) = namespace(&world, new_time).data else {
            panic!("time namespace");
        };
        assert_eq!((offsets.boottime_secs, offsets.frozen), (3600, true));
        assert_eq!(
            errno_of(&world, &format!("timens-offset {} boottime 5", child.pid)),
            Errno::Eacces
        );
        let op = parse_op("clone 100 time").expect("valid");
        assert!(op.syscall().starts_with("clone3("), "{}", op.syscall());
    }

    #[test]
    fn unshare_newpid_leaves_the_caller_and_moves_later_children() {
        let world = run(&root_host(), "unshare 100 pid");
        let caller = process(&world, 100);
        assert_eq!(caller.ns(NsType::Pid), NsId::initial(NsType::Pid));
        assert_eq!(caller.nspid, [100]);
        let new_ns = caller.pid_for_children;
        assert_ne!(new_ns, NsId::initial(NsType::Pid));
        assert_eq!(world.members(new_ns), Vec::<u32>::new());

        let world = run(&world, "fork 100 a; fork 100 b");
        assert_eq!(process(&world, 200).nspid, [200, 1], "first child is init");
        assert_eq!(process(&world, 201).nspid, [201, 2]);
        assert_eq!(world.init_of(new_ns), Some(200));
        assert_eq!(process(&world, 100).nspid, [100], "caller still outside");
    }

    #[test]
    fn unshare_newpid_works_only_once() {
        let once = run(&root_host(), "unshare 100 pid");
        assert_eq!(errno_of(&once, "unshare 100 pid"), Errno::Einval);
        let with_child = run(&once, "fork 100");
        assert_eq!(errno_of(&with_child, "unshare 100 pid"), Errno::Einval);
        assert_eq!(errno_of(&with_child, "clone 100 pid"), Errno::Einval);
        // The child is inside the new namespace, where it may start another one.
        run(&with_child, "unshare 200 pid");
    }

    #[test]
    fn unshare_moves_the_caller_for_the_other_types() {
        let world = run(&root_host(), "unshare 100 mnt,uts,ipc,net,cgroup");
        let caller = process(&world, 100);
        for kind in [
            NsType::Mnt,
            NsType::Uts,
            NsType::Ipc,
            NsType::Net,
            NsType::Cgroup,
        ] {
            assert_ne!(caller.ns(kind), NsId::initial(kind), "{kind:?}");
        }
        assert_eq!(world.links_seen(100).len(), 1, "only lo in the new network");
        assert_eq!(world.links_seen(1).len(), 2, "systemd unaffected");
    }

    #[test]
    fn unshare_newtime_affects_children_and_freezes_offsets_when_one_enters() {
        let world = run(&root_host(), "unshare 100 time");
        let caller = process(&world, 100);
        assert_eq!(caller.ns(NsType::Time), NsId::initial(NsType::Time));
        let time_ns = caller.time_for_children;
        assert_ne!(time_ns, NsId::initial(NsType::Time));
        let world = run(&world, "timens-offset 100 boottime 3600; fork 100");
        let child = process(&world, 200);
        assert_eq!(child.ns(NsType::Time), time_ns);
        let NsData::Time(offsets) = namespace(&world, time_ns).data else {
            panic!("time namespace");
        };
        assert!(offsets.frozen);
        assert_eq!(offsets.boottime_secs, 3600);
    }

    #[test]
    fn unshare_without_privilege_fails_with_eperm_but_user_first_succeeds() {
        let host = user_host();
        for kind in ["mnt", "uts", "ipc", "net", "pid", "cgroup", "time"] {
            assert_eq!(
                errno_of(&host, &format!("unshare 100 {kind}")),
                Errno::Eperm,
                "{kind}"
            );
        }
        let world = run(&host, "unshare 100 user,mnt,uts,ipc,net,pid,cgroup,time");
        let caller = process(&world, 100);
        assert!(caller.caps);
        let user_ns = caller.ns(NsType::User);
        assert_eq!(
            namespace(&world, caller.pid_for_children).owner,
            Some(user_ns)
        );
    }

    #[test]
    fn unshare_with_no_flags_is_a_no_op() {
        let host = root_host();
        let op = Op::Unshare {
            pid: 100,
            flags: NsTypeSet::EMPTY,
        };
        let (after, effects) = host.apply(&op).expect("no-op");
        assert_eq!(after, host);
        assert_eq!(effects, Effects::default());
    }

    #[test]
    fn pid_namespaces_nest_32_levels_then_enospc() {
        let mut world = root_host();
        let mut deepest = 100;
        for _ in 0..MAX_PID_NS_LEVEL {
            world = run(&world, &format!("unshare {deepest} pid; fork {deepest}"));
            deepest = world.processes().map(|p| p.pid).max().expect("a process");
        }
        let innermost = process(&world, deepest);
        assert_eq!(
            innermost.nspid.len(),
            33,
            "a PID per level, initial included"
        );
        assert_eq!(innermost.own_pid(), 1);
        assert_eq!(
            errno_of(&world, &format!("unshare {deepest} pid")),
            Errno::Enospc
        );
        assert_eq!(
            errno_of(&world, &format!("clone {deepest} pid")),
            Errno::Enospc
        );
    }

    #[test]
    fn user_namespaces_nest_to_level_33_then_enospc() {
        let mut world = user_host();
        for _ in 0..MAX_USER_NS_LEVEL {
            world = run(&world, "unshare 100 user");
        }
        let user_ns = process(&world, 100).ns(NsType::User);
        assert_eq!(namespace(&world, user_ns).level, 33);
        assert_eq!(errno_of(&world, "unshare 100 user"), Errno::Enospc);
        assert_eq!(errno_of(&world, "clone 100 user"), Errno::Enospc);
    }

    #[test]
    fn new_user_namespace_needs_a_mapped_uid() {
        // uid 1000 builds a rootless namespace; root joins it, where kuid 0 has no mapping.
        let world = run(
            &World::boot("host")
                .with_process(1, 0, "systemd", 0)
                .with_process(100, 1, "bash", 1000)
                .with_process(101, 1, "bash", 0)
                .with_next_pid(200),
            "unshare 100 user; setns 101 user 100",
        );
        assert_eq!(world.uid_in(0, process(&world, 101).ns(NsType::User)), None);
        assert_eq!(errno_of(&world, "unshare 101 user"), Errno::Eperm);
        run(&world, "unshare 100 user");
    }

    #[test]
    fn newpid_refused_when_the_user_namespace_is_not_below_the_pid_namespace_owner() {
        // Root enters a rootless container's PID namespace without its user namespace; the
        // child lives in a PID namespace owned by a user namespace it is not inside of.
        let world = run(
            &user_host().with_process(101, 1, "bash", 0),
            "unshare 100 user,pid; fork 100 sh; setns 101 pid 200; fork 101 sh",
        );
        assert_eq!(process(&world, 201).nspid, [201, 2]);
        assert_eq!(errno_of(&world, "unshare 201 pid"), Errno::Einval);
    }

    #[test]
    fn failed_operations_leave_the_world_unchanged() {
        let host = user_host();
        assert!(try_op(&host, "unshare 100 net").is_err());
        assert!(try_op(&host, "fork 999").is_err(), "no such caller");
        let failure = try_op(&host, "fork 999").expect_err("no caller");
        assert_eq!(failure.errno_value(), None);
    }
}
