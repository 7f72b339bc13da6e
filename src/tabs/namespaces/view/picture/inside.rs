//! The "view from inside" of one process: its PIDs, uid, hostname, interfaces, mounts and
//! what `ps` lists there, as text ready to draw.

use super::short_id;
use crate::tabs::namespaces::model::{LinkKind, NsType, World};

/// One row of `ps` inside a process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PsLine {
    /// Host PID of the listed process.
    pub host_pid: u32,
    /// The line, in columns.
    pub text: String,
}

/// The "view from inside" of the selected process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inside {
    /// Host PID of the process looking.
    pub pid: u32,
    /// `Inside process 1302 (sh)`.
    pub heading: String,
    /// Label and value pairs.
    pub facts: Vec<(&'static str, String)>,
    /// What `ps -e` reads and from where.
    pub ps_title: String,
    /// The `ps` header line.
    pub ps_header: String,
    /// The `ps` lines.
    pub ps: Vec<PsLine>,
}

/// The right-hand panel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Panel {
    /// Nothing selected: a hint.
    Hint(String),
    /// The selected process, seen from inside.
    Inside(Box<Inside>),
}

/// The view from inside process `pid`; `chosen` when the student selected it (otherwise it is
/// the step's new process or caller).
pub(super) fn panel(world: &World, pid: u32, chosen: bool) -> Panel {
    let Some(process) = world.process(pid) else {
        return Panel::Hint(format!(
            "Process {pid} does not exist yet at this step; step forward to see it"
        ));
    };
    if !process.is_alive() {
        return Panel::Hint(format!(
            "Process {pid} ({}) has exited at this step; a dead process sees nothing",
            process.command
        ));
    }
    let Some(view) = world.inside_view(pid) else {
        return Panel::Hint(format!("Process {pid} cannot be inspected at this step"));
    };
    let nspid: Vec<String> = view.nspid.iter().map(u32::to_string).collect();
    let links: Vec<String> = view
        .links
        .iter()
        .map(|link| {
            let state = if link.up { "UP" } else { "DOWN" };
            match &link.kind {
                LinkKind::Veth { peer, peer_ns } => {
                    format!(
                        "{} {state} (veth, peer {peer} in net {})",
                        link.name,
                        short_id(*peer_ns)
                    )
                }
                _ => format!("{} {state}", link.name),
            }
        })
        .collect();
    let mounts: Vec<String> = view
        .mounts
        .iter()
        .map(|mount| match mount.refers_to {
            Some(ns) => format!(
                "{} ({} of pid {})",
                mount.target,
                mount.fstype,
                short_id(ns)
            ),
            None => format!("{} ({})", mount.target, mount.fstype),
        })
        .collect();
    let uid = if view.uid == process.uid {
        format!("{}", view.uid)
    } else {
        format!("{} inside, {} on the host", view.uid, process.uid)
    };
    let mut facts = vec![
        (
            "PID",
            format!("{} inside; NSpid {}", view.pid, nspid.join(" ")),
        ),
        ("uid", uid),
        ("hostname", view.hostname.clone()),
        ("interfaces", links.join(", ")),
        ("mounts", mounts.join(", ")),
    ];
    if process.pid_for_children != process.ns(NsType::Pid) {
        facts.push((
            "children",
            format!(
                "go to pid {} (pid_for_children)",
                short_id(process.pid_for_children)
            ),
        ));
    }
    if view.clocks.monotonic_secs != world.uptime_secs()
        || view.clocks.boottime_secs != world.uptime_secs()
    {
        facts.push((
            "clocks",
            format!(
                "monotonic {} s, boottime {} s",
                view.clocks.monotonic_secs, view.clocks.boottime_secs
            ),
        ));
    }
    let ps_title = match view.ps.proc_pid_ns {
        None => "ps -e: no /proc is mounted, so ps lists nothing".to_owned(),
        Some(ns) if ns == view.ps.own_pid_ns => {
            format!("ps -e (its /proc shows pid {})", short_id(ns))
        }
        Some(ns) => format!(
            "ps -e reads /proc of pid {}, not its own pid {}: mount a new /proc",
            short_id(ns),
            short_id(view.ps.own_pid_ns)
        ),
    };
    let ps = view
        .ps
        .rows
        .iter()
        .map(|row| PsLine {
            host_pid: row.host_pid,
            text: format!(
                "{:>5} {:>5} {:>5} {}",
                row.pid, row.ppid, row.uid, row.command
            ),
        })
        .collect();
    Panel::Inside(Box::new(Inside {
        pid,
        heading: if chosen {
            format!("Inside process {pid} ({})", process.command)
        } else {
            format!(
                "Inside process {pid} ({}), this step's subject; click a process for another",
                process.command
            )
        },
        facts,
        ps_title,
        ps_header: format!("{:>5} {:>5} {:>5} {}", "PID", "PPID", "UID", "CMD"),
        ps,
    }))
}
