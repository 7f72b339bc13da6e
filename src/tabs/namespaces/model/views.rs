//! "What this process sees": PIDs, `ps`, hostname, interfaces, mounts and clocks from inside.
//!
//! Two process lists are offered on purpose. [`World::visible_processes`] is what the kernel
//! lets a process reach (its PID namespace and descendants, pid_namespaces(7)). [`World::ps`] is
//! what `ps` prints, which comes from the `/proc` mounted in the process's mount namespace and so
//! shows the PID namespace of whoever mounted it. They differ after `unshare --pid --fork`
//! without `--mount-proc`: the classic "why does ps still show the host?".

use std::collections::BTreeSet;

use super::ns_type::NsType;
use super::world::{Link, Mount, NsData, NsId, OVERFLOW_UID, World};

/// One line of a process list, as seen from one PID namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PsRow {
    /// PID as seen from the viewing namespace.
    pub pid: u32,
    /// Parent PID as seen from there; 0 when the parent is outside it (getppid() returns 0).
    pub ppid: u32,
    /// PID in the initial namespace (for cross-referencing; not something the viewer can see).
    pub host_pid: u32,
    /// User ID as the viewer's user namespace maps it (65534 if unmapped).
    pub uid: u32,
    /// Command name.
    pub command: String,
}

/// What `ps -e` prints for a process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PsView {
    /// The PID namespace of the `/proc` that `ps` reads, if one is mounted.
    pub proc_pid_ns: Option<NsId>,
    /// The viewer's own PID namespace, for comparison.
    pub own_pid_ns: NsId,
    /// The rows, sorted by PID.
    pub rows: Vec<PsRow>,
}

/// Clock readings inside a time namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clocks {
    /// CLOCK_MONOTONIC seconds.
    pub monotonic_secs: i64,
    /// CLOCK_BOOTTIME seconds (what `uptime` shows).
    pub boottime_secs: i64,
}

/// Everything the "view from inside" panel shows for one process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InsideView {
    /// `getpid()`: its PID in its own PID namespace.
    pub pid: u32,
    /// `NSpid:` from the initial PID namespace down to its own.
    pub nspid: Vec<u32>,
    /// `id -u` inside its user namespace.
    pub uid: u32,
    /// `hostname`.
    pub hostname: String,
    /// `ps -e`.
    pub ps: PsView,
    /// `ip link`.
    pub links: Vec<Link>,
    /// `cat /proc/self/mounts`.
    pub mounts: Vec<Mount>,
    /// `cat /proc/uptime` and friends.
    pub clocks: Clocks,
}

impl World {
    /// The PID of process `pid` as seen from PID namespace `viewer_ns`, or None if it is not
    /// visible there (it lives in an ancestor or unrelated namespace).
    pub fn pid_seen_from(&self, viewer_ns: NsId, pid: u32) -> Option<u32> {
        let process = self.process(pid)?;
        let level = usize::try_from(self.namespace(viewer_ns)?.level).ok()?;
        let chain = self.pid_chain(process.ns(NsType::Pid));
        if chain.get(level) != Some(&viewer_ns) {
            return None;
        }
        process.nspid.get(level).copied()
    }

    /// The running processes PID namespace `viewer_ns` can see, with PIDs as seen from there.
    pub fn processes_seen_from(&self, viewer_ns: NsId, user_ns: NsId) -> Vec<PsRow> {
        let mut rows: Vec<PsRow> = self
            .live_processes()
            .filter_map(|process| {
                let pid = self.pid_seen_from(viewer_ns, process.pid)?;
                let ppid = self
                    .pid_seen_from(viewer_ns, process.ppid)
                    .filter(|_| {
                        self.process(process.ppid)
                            .is_some_and(|parent| parent.is_alive())
                    })
                    .unwrap_or(0);
                Some(PsRow {
                    pid,
                    ppid,
                    host_pid: process.pid,
                    uid: self.uid_in(process.uid, user_ns).unwrap_or(OVERFLOW_UID),
                    command: process.command.clone(),
                })
            })
            .collect();
        rows.sort_by_key(|row| row.pid);
        rows
    }

    /// What process `viewer` can reach by PID: its PID namespace and the descendants.
    pub fn visible_processes(&self, viewer: u32) -> Vec<PsRow> {
        let Some(process) = self.process(viewer) else {
            return Vec::new();
        };
        self.processes_seen_from(process.ns(NsType::Pid), process.ns(NsType::User))
    }

    /// What `ps -e` prints for `viewer`: the processes of the PID namespace of the `/proc`
    /// mounted in its mount namespace (the latest mount on `/proc` wins).
    pub fn ps(&self, viewer: u32) -> Option<PsView> {
        let process = self.process(viewer)?;
        let proc_pid_ns = self
            .mounts_seen(viewer)
            .iter()
            .rev()
            .find(|mount| mount.target == "/proc" && mount.fstype == "proc")
            .and_then(|mount| mount.refers_to);
        let rows = proc_pid_ns
            .map(|ns| self.processes_seen_from(ns, process.ns(NsType::User)))
            .unwrap_or_default();
        Some(PsView {
            proc_pid_ns,
            own_pid_ns: process.ns(NsType::Pid),
            rows,
        })
    }

    /// The hostname `viewer` sees.
    pub fn hostname_seen(&self, viewer: u32) -> Option<&str> {
        let uts = self.process(viewer)?.ns(NsType::Uts);
        match &self.namespace(uts)?.data {
            NsData::Uts { hostname } => Some(hostname),
            _ => None,
        }
    }

    /// The network interfaces `viewer` sees.
    pub fn links_seen(&self, viewer: u32) -> &[Link] {
        let net = self.process(viewer).map(|process| process.ns(NsType::Net));
        match net.and_then(|net| self.namespace(net)).map(|ns| &ns.data) {
            Some(NsData::Net { links }) => links,
            _ => &[],
        }
    }

    /// The mount table `viewer` sees.
    pub fn mounts_seen(&self, viewer: u32) -> &[Mount] {
        let mnt = self.process(viewer).map(|process| process.ns(NsType::Mnt));
        match mnt.and_then(|mnt| self.namespace(mnt)).map(|ns| &ns.data) {
            Some(NsData::Mnt { mounts }) => mounts,
            _ => &[],
        }
    }

    /// The clocks `viewer` reads: the host's plus its time namespace's offsets.
    pub fn clocks_seen(&self, viewer: u32) -> Option<Clocks> {
        let time = self.process(viewer)?.ns(NsType::Time);
        let NsData::Time(offsets) = self.namespace(time)?.data else {
            return None;
        };
        Some(Clocks {
            monotonic_secs: self.uptime_secs() + offsets.monotonic_secs,
            boottime_secs: self.uptime_secs() + offsets.boottime_secs,
        })
    }

    /// Everything process `viewer` sees from inside.
    pub fn inside_view(&self, viewer: u32) -> Option<InsideView> {
        let process = self.process(viewer)?;
        Some(InsideView {
            pid: process.own_pid(),
            nspid: process.nspid.clone(),
            uid: self
                .uid_in(process.uid, process.ns(NsType::User))
                .unwrap_or(OVERFLOW_UID),
            hostname: self.hostname_seen(viewer)?.to_owned(),
            ps: self.ps(viewer)?,
            links: self.links_seen(viewer).to_vec(),
            mounts: self.mounts_seen(viewer).to_vec(),
            clocks: self.clocks_seen(viewer)?,
        })
    }

    /// The namespaces that still exist. namespaces(7), "Namespace lifetime": a namespace lives
    /// while it has a member, or a `*_for_children` link, bind mount or `/proc` mount refers to
    /// it, or (PID, user) it has a live child, or (user) it owns a live namespace.
    pub fn alive_namespaces(&self) -> BTreeSet<NsId> {
        let mut alive: BTreeSet<NsId> = BTreeSet::new();
        for process in self.live_processes() {
            alive.extend(process.ns.iter().copied());
            alive.insert(process.pid_for_children);
            alive.insert(process.time_for_children);
        }
        loop {
            let mut pinned: Vec<NsId> = Vec::new();
            for id in &alive {
                let Some(namespace) = self.namespace(*id) else {
                    continue;
                };
                pinned.extend(namespace.parent);
                pinned.extend(namespace.owner);
                if let NsData::Mnt { mounts } = &namespace.data {
                    pinned.extend(mounts.iter().filter_map(|mount| mount.refers_to));
                }
            }
            let before = alive.len();
            alive.extend(pinned);
            if alive.len() == before {
                return alive;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{root_host, run, user_host};
    use super::*;

    fn pids(rows: &[PsRow]) -> Vec<u32> {
        rows.iter().map(|row| row.pid).collect()
    }

    #[test]
    fn a_process_has_one_pid_per_level_and_is_invisible_upwards() {
        let world = run(
            &root_host(),
            "clone 100 pid a; clone 200 pid b; clone 100 pid c",
        );
        let inner = world.process(201).expect("b").ns(NsType::Pid);
        let middle = world.process(200).expect("a").ns(NsType::Pid);
        let sibling = world.process(202).expect("c").ns(NsType::Pid);
        let initial = NsId::initial(NsType::Pid);
        assert_eq!(world.pid_seen_from(initial, 201), Some(201));
        assert_eq!(world.pid_seen_from(middle, 201), Some(2));
        assert_eq!(world.pid_seen_from(inner, 201), Some(1));
        assert_eq!(
            world.pid_seen_from(inner, 200),
            None,
            "parent namespace is hidden"
        );
        assert_eq!(
            world.pid_seen_from(sibling, 201),
            None,
            "sibling namespace is hidden"
        );
    }

    #[test]
    fn visible_processes_are_the_own_namespace_and_descendants_with_local_pids() {
        let world = run(
            &root_host(),
            "clone 100 pid,mnt init; fork 200 child; clone 201 pid deeper",
        );
        let rows = world.visible_processes(200);
        assert_eq!(pids(&rows), [1, 2, 3]);
        assert_eq!(rows[0].ppid, 0, "init's parent is outside");
        assert_eq!(rows[1].ppid, 1);
        assert_eq!(rows[2].host_pid, 202);
        assert_eq!(pids(&world.visible_processes(202)), [1]);
        let host_view = world.visible_processes(100);
        assert_eq!(pids(&host_view), [1, 100, 200, 201, 202]);
    }

    #[test]
    fn ps_reads_proc_so_without_mount_proc_it_shows_the_host() {
        let world = run(&root_host(), "unshare 100 mnt,pid; fork 100 sh");
        let ps = world.ps(200).expect("ps");
        assert_eq!(ps.proc_pid_ns, Some(NsId::initial(NsType::Pid)));
        assert_ne!(ps.proc_pid_ns, Some(ps.own_pid_ns));
        assert_eq!(
            pids(&ps.rows),
            [1, 100, 200],
            "host PIDs, the classic surprise"
        );
        assert_eq!(pids(&world.visible_processes(200)), [1]);
        let world = run(&world, "mount 200 proc /proc");
        assert_eq!(pids(&world.ps(200).expect("ps").rows), [1]);
        assert_eq!(
            pids(&world.ps(1).expect("ps").rows),
            [1, 100, 200],
            "host /proc unchanged"
        );
    }

    #[test]
    fn inside_view_of_a_rootless_container() {
        let world = run(
            &user_host(),
            "unshare 100 user,mnt,pid,uts,net; fork 100 sh; mount 200 proc /proc; sethostname 200 box",
        );
        let view = world.inside_view(200).expect("view");
        assert_eq!((view.pid, view.uid), (1, 0));
        assert_eq!(view.nspid, [200, 1]);
        assert_eq!(view.hostname, "box");
        assert_eq!(view.links.len(), 1);
        assert_eq!(pids(&view.ps.rows), [1]);
        assert_eq!(view.ps.rows[0].uid, 0);
        // From the host, the same process is uid 1000.
        let host_rows = world.visible_processes(1);
        let row = host_rows
            .iter()
            .find(|row| row.host_pid == 200)
            .expect("row");
        assert_eq!(row.uid, 1000);
        assert_eq!(world.hostname_seen(1), Some("host"));
    }

    #[test]
    fn namespaces_die_with_their_last_reference() {
        let world = run(&root_host(), "clone 100 net,uts box");
        let net = world.process(200).expect("box").ns(NsType::Net);
        assert!(world.alive_namespaces().contains(&net));
        let world = run(&world, "exit 200");
        assert!(!world.alive_namespaces().contains(&net));
        // A PID namespace is pinned by pid_for_children even with no members.
        let world = run(&root_host(), "unshare 100 pid");
        let pending = world.process(100).expect("caller").pid_for_children;
        assert!(world.members(pending).is_empty());
        assert!(world.alive_namespaces().contains(&pending));
        // A user namespace lives while it owns a live namespace.
        let world = run(
            &user_host(),
            "unshare 100 user,net; fork 1 holder; setns 200 net 100",
        );
        let user_ns = world.process(100).expect("x").ns(NsType::User);
        let world = run(&world, "exit 100");
        assert!(world.alive_namespaces().contains(&user_ns));
    }
}
