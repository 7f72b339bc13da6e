//! exit() and execve(): processes ending and changing program.
//!
//! The death of a PID namespace's init is the interesting case (pid_namespaces(7)): the kernel
//! SIGKILLs every other process in that namespace (which includes all its descendants'
//! processes), and from then on creating a process there fails with ENOMEM. Orphans are adopted
//! by the init of their dead parent's PID namespace, which can be an ancestor namespace's init
//! (child subreapers are not modelled).

use super::errno::Failure;
use super::ns_type::NsType;
use super::spawn::Effects;
use super::world::{NsData, NsId, ProcState, World};

impl World {
    /// `pid` exits.
    pub(super) fn do_exit(&mut self, pid: u32) -> Result<Effects, Failure> {
        let process = self.caller(pid)?.clone();
        let pid_ns = process.ns(NsType::Pid);
        let namespace = self.existing(pid_ns)?;
        let is_init = matches!(namespace.data, NsData::Pid { init: Some(init), .. } if init == pid);
        if is_init && namespace.level == 0 {
            return Err(Failure::impossible(
                "the init of the initial PID namespace cannot exit: the kernel would panic \
                 (\"Attempted to kill init!\")",
            ));
        }
        let mut effects = Effects::default();
        let mut dead = vec![pid];
        if let Some(exiting) = self.process_mut(pid) {
            exiting.state = ProcState::Exited;
        }
        if is_init {
            self.mark_init_exited(pid_ns);
            let doomed: Vec<u32> = self
                .live_processes()
                .filter(|victim| self.is_same_or_ancestor(pid_ns, victim.ns(NsType::Pid)))
                .map(|victim| victim.pid)
                .collect();
            for victim in doomed {
                let victim_ns = self.process(victim).map(|victim| victim.ns(NsType::Pid));
                if let Some(victim_ns) = victim_ns
                    && self.init_of(victim_ns) == Some(victim)
                {
                    self.mark_init_exited(victim_ns);
                }
                if let Some(victim) = self.process_mut(victim) {
                    victim.state = ProcState::Killed { init_of: pid_ns };
                }
                effects.killed.push(victim);
                dead.push(victim);
            }
        }
        effects.reparented = self.adopt_orphans(&dead);
        Ok(effects)
    }

    /// `pid` execs `command`. Capabilities are recalculated: they survive only for user ID 0
    /// inside the process's user namespace (user_namespaces(7), capabilities(7)).
    pub(super) fn do_exec(&mut self, pid: u32, command: &str) -> Result<Effects, Failure> {
        let process = self.caller(pid)?.clone();
        let is_root_inside = self.uid_in(process.uid, process.ns(NsType::User)) == Some(0);
        if let Some(process) = self.process_mut(pid) {
            process.command = command.to_owned();
            process.caps = is_root_inside;
        }
        Ok(Effects::default())
    }

    /// Host PID of the init of PID namespace `id`, while it runs.
    pub fn init_of(&self, id: NsId) -> Option<u32> {
        match self.namespace(id)?.data {
            NsData::Pid {
                init: Some(init),
                init_exited: false,
                ..
            } => Some(init),
            _ => None,
        }
    }

    fn mark_init_exited(&mut self, id: NsId) {
        if let Some(NsData::Pid { init_exited, .. }) =
            self.namespace_mut(id).map(|namespace| &mut namespace.data)
        {
            *init_exited = true;
        }
    }

    /// Gives the live children of the `dead` processes a new parent: the init of the dead
    /// parent's PID namespace or, if that is gone too, of the nearest ancestor namespace.
    fn adopt_orphans(&mut self, dead: &[u32]) -> Vec<(u32, u32)> {
        let orphans: Vec<(u32, u32)> = self
            .live_processes()
            .filter(|child| dead.contains(&child.ppid))
            .map(|child| (child.pid, child.ppid))
            .collect();
        let mut adopted = Vec::new();
        for (child, old_parent) in orphans {
            let parent_ns = self
                .process(old_parent)
                .map(|parent| parent.ns(NsType::Pid));
            let reaper = parent_ns
                .map(|ns| self.pid_chain(ns))
                .unwrap_or_default()
                .into_iter()
                .rev()
                .find_map(|ns| self.init_of(ns))
                .unwrap_or(0);
            if let Some(child_process) = self.process_mut(child) {
                child_process.ppid = reaper;
            }
            adopted.push((child, reaper));
        }
        adopted
    }
}

#[cfg(test)]
mod tests {
    use super::super::errno::Errno;
    use super::super::test_support::{errno_of, root_host, run, try_op, user_host};
    use super::*;

    #[test]
    fn exit_marks_the_process_and_init_adopts_orphans() {
        let world = run(&root_host(), "fork 100 a; fork 200 b; exit 200");
        assert_eq!(world.process(200).expect("a").state, ProcState::Exited);
        assert_eq!(world.process(201).expect("b").ppid, 1, "adopted by init");
        let failure = try_op(&world, "exit 200").expect_err("already gone");
        assert_eq!(failure.errno_value(), None);
    }

    #[test]
    fn death_of_a_pid_namespace_init_kills_everything_below_it() {
        let world = run(
            &root_host(),
            "clone 100 pid init; fork 200 worker; clone 200 pid nested; fork 202 deep; fork 100 bystander",
        );
        assert_eq!(world.process(203).expect("deep").nspid, [203, 4, 2]);
        let (after, effects) = try_op(&world, "exit 200").expect("exit works");
        let mut killed = effects.killed.clone();
        killed.sort_unstable();
        assert_eq!(killed, [201, 202, 203]);
        let container_ns = world.process(200).expect("init").ns(NsType::Pid);
        for pid in [201, 202, 203] {
            assert_eq!(
                after.process(pid).expect("victim").state,
                ProcState::Killed {
                    init_of: container_ns
                }
            );
        }
        assert!(after.process(204).expect("bystander").is_alive());
        let nested_ns = world.process(202).expect("nested").ns(NsType::Pid);
        assert_eq!(after.init_of(container_ns), None);
        assert_eq!(after.init_of(nested_ns), None);
    }

    #[test]
    fn after_init_dies_fork_into_the_namespace_fails_with_enomem() {
        // pid_namespaces(7): a process holding the namespace via setns cannot fork into it.
        let world = run(
            &root_host(),
            "clone 100 pid init; fork 1 joiner; setns 201 pid 200; exit 200",
        );
        assert_eq!(errno_of(&world, "fork 201"), Errno::Enomem);
        assert_eq!(errno_of(&world, "clone 201 net"), Errno::Enomem);
    }

    #[test]
    fn the_initial_init_cannot_exit() {
        let failure = try_op(&root_host(), "exit 1").expect_err("kernel panic");
        assert_eq!(failure.errno_value(), None);
        assert!(failure.to_string().contains("panic"));
    }

    #[test]
    fn orphaned_init_of_a_child_namespace_is_adopted_by_the_parents_init() {
        // pid_namespaces(7): the reaper is the init of the *parent's* PID namespace.
        let world = run(&root_host(), "unshare 100 pid; fork 100 child; exit 100");
        let child = world.process(200).expect("child");
        assert!(child.is_alive());
        assert_eq!(child.ppid, 1);
    }

    #[test]
    fn exec_keeps_capabilities_only_for_uid_0_inside() {
        let root = run(&root_host(), "exec 100 sh");
        assert!(root.process(100).expect("root").caps);
        assert_eq!(root.process(100).expect("root").command, "sh");
        let user = run(&user_host(), "exec 100 sh");
        assert!(!user.process(100).expect("user").caps);
        let rootless = run(&user_host(), "unshare 100 user; exec 100 sh");
        assert!(
            rootless.process(100).expect("rootless").caps,
            "uid 0 inside"
        );
        // Root that joined the rootless namespace has kuid 0, unmapped there: exec drops caps.
        let visitor = run(
            &user_host().with_process(101, 1, "bash", 0),
            "unshare 100 user; setns 101 user 100",
        );
        assert!(visitor.process(101).expect("visitor").caps);
        let visitor = run(&visitor, "exec 101 ls");
        assert!(!visitor.process(101).expect("visitor").caps);
    }
}
