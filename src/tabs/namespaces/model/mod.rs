//! The Namespaces tab's model: a small, kernel-faithful simulator of Linux namespaces.
//!
//! Students build namespace trees by calling clone(), unshare() and setns() on processes and
//! see what each process sees from inside. Everything here is pure: a [`Scene`] (initial
//! [`World`] plus operations) runs once into a [`Trace`], and the state at step N is read from it.
//! Processes are named by their PID in the initial PID namespace ("host PID") everywhere: in
//! operations, in the script text and in views; the PIDs a process has inside nested
//! namespaces are its [`Process::nspid`].
//!
//! The rules follow man-pages 6.03 (namespaces(7), pid_namespaces(7), user_namespaces(7),
//! time_namespaces(7), clone(2), unshare(2), setns(2)) and domain.md section 2. Simplifications,
//! each stated where it is made:
//! - capabilities are all-or-nothing per user namespace (`caps`); container runtimes' dropped
//!   capabilities (Docker's default set lacks CAP_SYS_ADMIN) are not modelled, so a container's
//!   root is as privileged as with `--privileged`;
//! - a new user namespace gets the one-line map `0 <creator uid> 1` (`unshare --map-root-user`);
//! - mounts have no propagation or options; interfaces have no addresses; no child subreapers;
//! - clocks: the host never suspends, so monotonic and boot time are equal.

mod apply;
mod caps;
mod errno;
mod join;
mod lifecycle;
mod ns_type;
mod op;
mod presets;
mod resources;
mod scene;
mod spawn;
#[cfg(test)]
mod test_support;
mod text;
mod views;
mod world;

pub use caps::Creds;
pub use errno::{ERRNOS, Errno, Failure};
pub use ns_type::{NsType, NsTypeSet};
pub use op::{Clock, Op, SetnsTarget};
pub use presets::Preset;
pub use resources::{HOST_NAME_MAX_BYTES, IFNAME_MAX_BYTES, TIME_NS_MAX_SECS};
pub use scene::{Scene, ScriptStep, Step, Trace, describe};
pub use spawn::{Effects, MAX_PID_NS_LEVEL, MAX_USER_NS_LEVEL};
pub use text::{ParseError, ParseErrorKind, parse_op, parse_script, print_script};
pub use views::{Clocks, InsideView, PsRow, PsView};
pub use world::{
    Link, LinkKind, Mount, Namespace, NsData, NsId, OVERFLOW_UID, ProcState, Process, TimeOffsets,
    UidMap, World,
};
