//! Applying one operation to a world: the single entry point of the simulated kernel.
//!
//! `apply` never changes its input. On success it returns the new world; on failure the world
//! stays as it was, exactly as a failed system call leaves the process unchanged.

use super::errno::Failure;
use super::op::Op;
use super::spawn::Effects;
use super::world::World;

impl World {
    /// Applies `op`, returning the world after it and what changed, or why it failed.
    pub fn apply(&self, op: &Op) -> Result<(World, Effects), Failure> {
        let mut next = self.clone();
        let effects = match op {
            Op::Clone {
                pid,
                flags,
                command,
            } => next.do_clone(*pid, *flags, command.as_deref()),
            Op::Fork { pid, command } => next.do_fork(*pid, command.as_deref()),
            Op::Unshare { pid, flags } => next.do_unshare(*pid, *flags),
            Op::Setns { pid, kinds, target } => next.do_setns(*pid, *kinds, target),
            Op::Exit { pid } => next.do_exit(*pid),
            Op::Exec { pid, command } => next.do_exec(*pid, command),
            Op::Sethostname { pid, hostname } => next.do_sethostname(*pid, hostname),
            Op::IpLinkUp { pid, link } => next.do_link_up(*pid, link),
            Op::Veth {
                pid,
                name,
                peer,
                peer_pid,
            } => next.do_veth(*pid, name, peer, *peer_pid),
            Op::Mount {
                pid,
                fstype,
                target,
            } => next.do_mount(*pid, fstype, target),
            Op::PivotRoot { pid, new_root } => next.do_pivot_root(*pid, new_root),
            Op::IpNetnsAdd { pid, name } => next.do_netns_add(*pid, name),
            Op::TimensOffset {
                pid,
                clock,
                offset_secs,
            } => next.do_timens_offset(*pid, *clock, *offset_secs),
        }?;
        Ok((next, effects))
    }
}
