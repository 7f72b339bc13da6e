//! The controls above the simulator: preset, type filter, selected process, and the toolbar
//! that calls clone/fork/unshare/setns/exit (and sethostname, ip link up, mount /proc) on the
//! selected process.
//!
//! The toolbar shows the equivalent shell command and system call, and what the kernel would
//! answer, before anything runs; running appends the operation as a new last step, so the
//! timeline grows and the scene link (`ops=`) reproduces it.

use egui::{RichText, Ui};

use super::picture::short_id;
use crate::tabs::namespaces::model::{Effects, Failure, NsType, NsTypeSet, Op, Preset, World};
use crate::tabs::namespaces::scene::Sim;
use crate::theme::{Role, Theme};

/// The operations the toolbar offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// `clone(CLONE_NEW*)`.
    Clone,
    /// `fork()`.
    Fork,
    /// `unshare(CLONE_NEW*)`.
    Unshare,
    /// `setns()` into another process's namespaces.
    Setns,
    /// `exit()`.
    Exit,
    /// `sethostname()`.
    Sethostname,
    /// `ip link set IF up`.
    LinkUp,
    /// `mount -t proc proc /proc`.
    MountProc,
}

impl OpKind {
    /// In toolbar order.
    pub const ALL: [Self; 8] = [
        Self::Clone,
        Self::Fork,
        Self::Unshare,
        Self::Setns,
        Self::Exit,
        Self::Sethostname,
        Self::LinkUp,
        Self::MountProc,
    ];

    /// The button text (also its accessible label).
    pub fn title(self) -> &'static str {
        match self {
            Self::Clone => "clone()",
            Self::Fork => "fork()",
            Self::Unshare => "unshare()",
            Self::Setns => "setns()",
            Self::Exit => "exit()",
            Self::Sethostname => "sethostname()",
            Self::LinkUp => "ip link set up",
            Self::MountProc => "mount /proc",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Self::Clone => {
                "A child in new namespaces of each checked type (with time: clone3(), Linux 6.3+; \
                 legacy clone() cannot express CLONE_NEWTIME)"
            }
            Self::Fork => "A child in the same namespaces (PID: pid_for_children)",
            Self::Unshare => {
                "The caller moves into new namespaces; for pid and time only its later children do"
            }
            Self::Setns => "Join another process's namespaces; for pid only later children enter",
            Self::Exit => "The process exits; if it is a PID namespace's init, the rest die too",
            Self::Sethostname => "Rename the caller's UTS namespace",
            Self::LinkUp => "Bring an interface of the caller's network namespace up",
            Self::MountProc => "Mount a /proc that shows the caller's PID namespace",
        }
    }

    fn uses_flags(self) -> bool {
        matches!(self, Self::Clone | Self::Unshare | Self::Setns)
    }
}

/// Process lists are long: let their pop-ups show a screenful before scrolling.
const POPUP_HEIGHT: f32 = 480.0;

/// What the controls asked for this frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Switch to "This machine".
    ShowLive,
    /// Load another preset.
    Preset(Preset),
    /// Show only one type, or all.
    Filter(Option<NsType>),
    /// Select a process (host PID), or none.
    Select(Option<u32>),
    /// Append this operation as a step.
    Perform(Op),
    /// Drop the last added operation.
    Undo,
}

/// The toolbar's inputs and the cached dry run of the operation they describe.
pub struct Toolbar {
    kind: OpKind,
    flags: NsTypeSet,
    command: String,
    hostname: String,
    target: Option<u32>,
    link: String,
    preview: Option<Preview>,
}

struct Preview {
    generation: u64,
    op: Op,
    result: Result<String, Failure>,
}

impl Default for Toolbar {
    fn default() -> Self {
        Self {
            kind: OpKind::Unshare,
            flags: NsTypeSet::EMPTY,
            command: "sh".to_owned(),
            hostname: "sandbox".to_owned(),
            target: None,
            link: "lo".to_owned(),
            preview: None,
        }
    }
}

/// What the toolbar's inputs lack to make an operation; said after "To run: ".
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    /// The operation takes namespace types and none is checked.
    #[error("check at least one namespace type")]
    NamespaceType,
    /// `setns` without a process to join.
    #[error("choose the process whose namespaces to join")]
    Target,
    /// `sethostname` with an empty name.
    #[error("type a hostname")]
    Hostname,
    /// `ip link set up` without an interface.
    #[error("choose an interface")]
    Interface,
}

/// One word for the script text: no spaces, no `;`.
fn word(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == ';')
        .find(|part| !part.is_empty())
        .unwrap_or_default()
        .to_owned()
}

impl Toolbar {
    /// The operation the inputs describe for `actor`, or what is missing.
    pub fn op(&self, actor: u32) -> Result<Op, Missing> {
        if self.kind.uses_flags() && self.flags.is_empty() {
            return Err(Missing::NamespaceType);
        }
        let command = word(&self.command);
        Ok(match self.kind {
            OpKind::Clone => Op::Clone {
                pid: actor,
                flags: self.flags,
                command: (!command.is_empty()).then_some(command),
            },
            OpKind::Fork => Op::Fork {
                pid: actor,
                command: (!command.is_empty()).then_some(command),
            },
            OpKind::Unshare => Op::Unshare {
                pid: actor,
                flags: self.flags,
            },
            OpKind::Setns => Op::Setns {
                pid: actor,
                kinds: self.flags,
                target: crate::tabs::namespaces::model::SetnsTarget::Process(
                    self.target.ok_or(Missing::Target)?,
                ),
            },
            OpKind::Exit => Op::Exit { pid: actor },
            OpKind::Sethostname => {
                let hostname = word(&self.hostname);
                if hostname.is_empty() {
                    return Err(Missing::Hostname);
                }
                Op::Sethostname {
                    pid: actor,
                    hostname,
                }
            }
            OpKind::LinkUp => {
                let link = word(&self.link);
                if link.is_empty() {
                    return Err(Missing::Interface);
                }
                Op::IpLinkUp { pid: actor, link }
            }
            OpKind::MountProc => Op::Mount {
                pid: actor,
                fstype: "proc".to_owned(),
                target: "/proc".to_owned(),
            },
        })
    }

    /// What the kernel would answer, cached until the operation or the scene changes.
    fn preview(&mut self, sim: &Sim, op: &Op) -> Result<String, Failure> {
        let fresh = self
            .preview
            .as_ref()
            .is_some_and(|preview| preview.generation == sim.generation() && preview.op == *op);
        if !fresh {
            let result = dry_run(sim.last_world(), op);
            self.preview = Some(Preview {
                generation: sim.generation(),
                op: op.clone(),
                result,
            });
        }
        self.preview
            .as_ref()
            .map_or_else(|| Ok(String::new()), |preview| preview.result.clone())
    }

    /// Draws the simulator's controls; returns what the student asked for.
    pub fn controls_ui(&mut self, ui: &mut Ui, theme: &Theme, sim: &Sim) -> Vec<Action> {
        let mut actions = Vec::new();
        ui.horizontal_wrapped(|ui| {
            if mode_ui(ui, false) == Some(true) {
                actions.push(Action::ShowLive);
            }
            ui.separator();
            preset_ui(ui, sim, &mut actions);
            if let Some(filter) = filter_ui(ui, sim.filter) {
                actions.push(Action::Filter(filter));
            }
            process_ui(ui, sim, &mut actions);
            let undo = ui.add_enabled(
                !sim.ops().is_empty(),
                egui::Button::new("Undo my last operation"),
            );
            if undo
                .on_hover_text("Remove the last step you added")
                .clicked()
            {
                actions.push(Action::Undo);
            }
        });
        ui.horizontal_wrapped(|ui| {
            let actor = sim.select.filter(|pid| {
                sim.last_world()
                    .process(*pid)
                    .is_some_and(|process| process.is_alive())
            });
            match actor {
                Some(pid) => ui.label(format!("Call on process {pid}:")),
                None => ui.label("Select a running process, then call:"),
            };
            for kind in OpKind::ALL {
                if ui
                    .selectable_label(self.kind == kind, kind.title())
                    .on_hover_text(kind.hint())
                    .clicked()
                {
                    self.kind = kind;
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            self.inputs_ui(ui, sim);
        });
        ui.horizontal_wrapped(|ui| {
            self.run_ui(ui, theme, sim, &mut actions);
        });
        actions
    }

    fn inputs_ui(&mut self, ui: &mut Ui, sim: &Sim) {
        if self.kind.uses_flags() {
            ui.label("Types:");
            for kind in NsType::ALL {
                let mut on = self.flags.contains(*kind);
                if ui
                    .checkbox(&mut on, kind.slug())
                    .on_hover_text(format!("{}: {}", kind.clone_flag(), kind.description()))
                    .changed()
                {
                    self.flags = if on {
                        self.flags.with(*kind)
                    } else {
                        self.flags.without(*kind)
                    };
                }
            }
        }
        match self.kind {
            OpKind::Clone | OpKind::Fork => {
                let label = ui.label("child runs");
                ui.add(egui::TextEdit::singleline(&mut self.command).desired_width(90.0))
                    .labelled_by(label.id);
            }
            OpKind::Setns => {
                let world = sim.last_world();
                let selected = self.target.and_then(|pid| world.process(pid));
                let text = selected.map_or_else(
                    || "choose a process".to_owned(),
                    |process| format!("{} {}", process.pid, process.command),
                );
                let label = ui.label("join the namespaces of");
                egui::ComboBox::from_id_salt("ns-setns-target")
                    .height(POPUP_HEIGHT)
                    .selected_text(text)
                    .show_ui(ui, |ui| {
                        for process in world.live_processes() {
                            ui.selectable_value(
                                &mut self.target,
                                Some(process.pid),
                                format!("{} {}", process.pid, process.command),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
            OpKind::Sethostname => {
                let label = ui.label("new hostname");
                ui.add(egui::TextEdit::singleline(&mut self.hostname).desired_width(120.0))
                    .labelled_by(label.id);
            }
            OpKind::LinkUp => {
                let links = sim
                    .select
                    .map(|pid| sim.last_world().links_seen(pid))
                    .unwrap_or_default();
                let label = ui.label("interface");
                egui::ComboBox::from_id_salt("ns-link")
                    .selected_text(self.link.clone())
                    .show_ui(ui, |ui| {
                        for link in links {
                            let state = if link.up { "up" } else { "down" };
                            ui.selectable_value(
                                &mut self.link,
                                link.name.clone(),
                                format!("{} ({state})", link.name),
                            );
                        }
                    })
                    .response
                    .labelled_by(label.id);
            }
            OpKind::Exit | OpKind::Unshare | OpKind::MountProc => {}
        }
    }

    fn run_ui(&mut self, ui: &mut Ui, theme: &Theme, sim: &Sim, actions: &mut Vec<Action>) {
        let Some(actor) = sim.select else {
            ui.label(
                RichText::new("Click a process on the canvas to choose who calls")
                    .color(theme.text_muted),
            );
            return;
        };
        let op = match self.op(actor) {
            Ok(op) => op,
            Err(missing) => {
                ui.label(RichText::new(format!("To run: {missing}")).color(theme.text_muted));
                return;
            }
        };
        ui.label("$");
        ui.monospace(op.shell());
        ui.label(
            RichText::new(op.syscall())
                .monospace()
                .color(theme.text_muted),
        );
        let at_end = sim.step() + 1 >= sim.trace().len();
        let preview = self.preview(sim, &op);
        match preview {
            Ok(text) => {
                ui.label(RichText::new(format!("✔ would succeed: {text}")).color(theme.text))
            }
            Err(failure) => ui.label(
                RichText::new(format!("✖ would fail: {}", failure_words(&failure)))
                    .color(theme.line(Role::Bad)),
            ),
        };
        let run = ui.button("Run").on_hover_text(if at_end {
            "Append this call as the next step"
        } else {
            "Append this call after the last step (the timeline jumps there)"
        });
        if run.clicked() {
            actions.push(Action::Perform(op));
        }
    }
}

/// What `op` would do in `world`, in a few words, or why the kernel refuses it.
fn dry_run(world: &World, op: &Op) -> Result<String, Failure> {
    world
        .apply(op)
        .map(|(after, effects)| effects_words(&after, &effects))
}

/// A refusal in the toolbar's few words: the errno's name and the rule (`EPERM (...)`).
fn failure_words(failure: &Failure) -> String {
    match failure {
        Failure::Errno { errno, why } => format!("{} ({why})", errno.name()),
        Failure::Impossible { why } => why.clone(),
    }
}

fn effects_words(world: &World, effects: &Effects) -> String {
    let mut parts = Vec::new();
    if let Some(child) = effects.new_process {
        parts.push(format!("new process {child}"));
    }
    for id in &effects.new_namespaces {
        if let Some(namespace) = world.namespace(*id) {
            parts.push(format!("new {} {}", namespace.kind().slug(), short_id(*id)));
        }
    }
    if !effects.killed.is_empty() {
        parts.push(format!("{} killed", effects.killed.len()));
    }
    if parts.is_empty() {
        "returns 0".to_owned()
    } else {
        parts.join(", ")
    }
}

/// "Simulator | This machine"; returns the mode clicked (true for this machine), if it changed.
pub fn mode_ui(ui: &mut Ui, live: bool) -> Option<bool> {
    let mut wanted = None;
    if ui
        .selectable_label(!live, "Simulator")
        .on_hover_text("Presets and your own clone/unshare/setns calls")
        .clicked()
        && live
    {
        wanted = Some(false);
    }
    if ui
        .selectable_label(live, "This machine")
        .on_hover_text("The real namespaces of this computer, read from /proc")
        .clicked()
        && !live
    {
        wanted = Some(true);
    }
    wanted
}

fn preset_ui(ui: &mut Ui, sim: &Sim, actions: &mut Vec<Action>) {
    let mut preset = sim.preset();
    let label = ui.label("Preset");
    egui::ComboBox::from_id_salt("ns-preset")
        .selected_text(preset.title())
        .show_ui(ui, |ui| {
            for candidate in Preset::ALL {
                ui.selectable_value(&mut preset, *candidate, candidate.title())
                    .on_hover_text(candidate.description());
            }
        })
        .response
        .labelled_by(label.id);
    if preset != sim.preset() {
        actions.push(Action::Preset(preset));
    }
}

/// The type filter: all types or one; returns a new choice.
pub fn filter_ui(ui: &mut Ui, filter: Option<NsType>) -> Option<Option<NsType>> {
    let mut chosen = filter;
    let label = ui.label("Show");
    egui::ComboBox::from_id_salt("ns-filter")
        .selected_text(chosen.map_or("all types", NsType::slug))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, "all types");
            for kind in NsType::ALL {
                ui.selectable_value(&mut chosen, Some(*kind), kind.slug())
                    .on_hover_text(kind.description());
            }
        })
        .response
        .labelled_by(label.id);
    (chosen != filter).then_some(chosen)
}

fn process_ui(ui: &mut Ui, sim: &Sim, actions: &mut Vec<Action>) {
    let world = sim.last_world();
    let mut chosen = sim.select;
    let text = chosen.and_then(|pid| world.process(pid)).map_or_else(
        || "none".to_owned(),
        |process| format!("{} {}", process.pid, process.command),
    );
    let label = ui.label("Process");
    egui::ComboBox::from_id_salt("ns-process")
        .height(POPUP_HEIGHT)
        .selected_text(text)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, "none");
            for process in world.live_processes() {
                ui.selectable_value(
                    &mut chosen,
                    Some(process.pid),
                    format!("{} {}", process.pid, process.command),
                );
            }
        })
        .response
        .labelled_by(label.id);
    if chosen != sim.select {
        actions.push(Action::Select(chosen));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inputs_make_the_operation_or_say_what_is_missing() {
        let mut toolbar = Toolbar::default();
        assert_eq!(toolbar.op(1302), Err(Missing::NamespaceType));
        assert_eq!(
            Missing::NamespaceType.to_string(),
            "check at least one namespace type"
        );
        toolbar.flags = NsTypeSet::of(&[NsType::Net]);
        let op = toolbar.op(1302).unwrap();
        assert_eq!(op.to_string(), "unshare 1302 net");
        assert_eq!(op.shell(), "unshare --net");
        toolbar.kind = OpKind::Clone;
        toolbar.command = " my shell; rm ".to_owned();
        assert_eq!(toolbar.op(7).unwrap().to_string(), "clone 7 net my");
        toolbar.kind = OpKind::Setns;
        assert_eq!(toolbar.op(7), Err(Missing::Target));
        toolbar.target = Some(1302);
        assert_eq!(toolbar.op(7).unwrap().shell(), "nsenter -t 1302 -n");
        toolbar.kind = OpKind::MountProc;
        assert_eq!(toolbar.op(7).unwrap().to_string(), "mount 7 proc /proc");
    }

    #[test]
    fn the_dry_run_names_the_errno() {
        let sim = Sim::new(Preset::Host);
        let op = Op::Unshare {
            pid: 1201,
            flags: NsTypeSet::of(&[NsType::Net]),
        };
        let result = dry_run(sim.last_world(), &op);
        assert!(
            result.as_ref().is_err_and(|failure| failure.errno_value()
                == Some(crate::errno::Errno::Eperm)
                && failure_words(failure).starts_with("EPERM (")),
            "{result:?}"
        );
        let op = Op::Unshare {
            pid: 1201,
            flags: NsTypeSet::of(&[NsType::User, NsType::Net]),
        };
        let result = dry_run(sim.last_world(), &op).unwrap();
        assert!(
            result.contains("new user") && result.contains("new net"),
            "{result}"
        );
    }
}
