//! The controls above the canvas: view, version and preset; the selection and the "Move here"
//! button; a field for any operation in the text form; and the limit editor of the selected
//! cgroup with the shell command, the systemd and docker equivalents, and the errno a typed
//! value would get. Every change becomes an operation after the last step, so it is in the link.

use egui::{RichText, TextEdit, Ui};

use crate::tabs::cgroups::link::{Source, View};
use crate::tabs::cgroups::model::equivalents::{editor, editors};
use crate::tabs::cgroups::model::{CgroupVersion, LimitFile, Op, parse_ops};
use crate::tabs::cgroups::{Action, CgroupsTab};
use crate::theme::{Role, Theme};

/// What the student is typing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EditState {
    /// The limit file being edited.
    pub file: Option<LimitFile>,
    /// The value typed for it.
    pub value: String,
    /// Whether `value` must be reloaded from the file's current value.
    stale: bool,
    /// The operation field.
    pub op_text: String,
    /// Why the operation field does not parse.
    pub op_error: Option<String>,
    /// A note for the student (an action that could not be done).
    pub message: Option<String>,
}

impl EditState {
    /// The scene changed: reload the value from the file, forget errors.
    pub fn reset(&mut self) {
        self.stale = true;
        self.op_error = None;
        self.message = None;
    }

    /// Another cgroup was selected: also pick its first file.
    pub fn forget_file(&mut self) {
        self.reset();
        self.file = None;
    }
}

/// What the simulation calls a quiz question's scene, in place of its preset's title.
pub const QUESTION_SCENE: &str = "A quiz question's scene";

/// Draws the controls; returns the actions to apply.
pub fn controls_ui(ui: &mut Ui, theme: &Theme, tab: &mut CgroupsTab) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.horizontal_wrapped(|ui| {
        for (view, label, hover) in [
            (View::Structure, "Structure", "The hierarchies step by step"),
            (
                View::Simulate,
                "Simulate",
                "Run the final structure and chart its CPU, memory and tasks",
            ),
            (
                View::Live,
                "This machine",
                "The real cgroups of this computer",
            ),
        ] {
            if ui
                .selectable_label(tab.view == view, label)
                .on_hover_text(hover)
                .clicked()
            {
                actions.push(Action::SetView(view));
            }
        }
        if tab.view == View::Live {
            ui.separator();
            super::live::controls_ui(ui, &mut tab.live);
            return;
        }
        ui.separator();
        let key = &tab.loaded.key;
        for version in [CgroupVersion::V1, CgroupVersion::V2] {
            let enabled = key.source.versions().contains(&version);
            let response = ui
                .add_enabled(
                    enabled,
                    egui::Button::selectable(key.version == version, version.title()),
                )
                .on_disabled_hover_text("This preset exists only in the other version");
            if response.clicked() {
                actions.push(Action::SetVersion(version));
            }
        }
        let label = ui.label("Preset");
        // A preset's title says what its run shows ("A leak hits memory.max"): while a quiz
        // question hides the run ahead, it would say the answer.
        let current = if tab.hide_future {
            QUESTION_SCENE
        } else {
            key.source.title()
        };
        egui::ComboBox::from_id_salt("cgroups-preset")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for source in Source::all() {
                    if ui
                        .selectable_label(key.source == source, source.title())
                        .clicked()
                    {
                        actions.push(Action::SetSource(source));
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if !key.ops.is_empty() {
            if ui
                .button("Undo")
                .on_hover_text("Remove your last step")
                .clicked()
            {
                actions.push(Action::Undo);
            }
            if ui
                .button("Reset")
                .on_hover_text("Remove all of your steps")
                .clicked()
            {
                actions.push(Action::ResetOps);
            }
        }
    });
    if tab.view == View::Live {
        return actions;
    }
    selection_ui(ui, theme, tab, &mut actions);
    limit_editor_ui(ui, theme, tab, &mut actions);
    if let Some(message) = &tab.edit.message {
        ui.colored_label(theme.line(Role::Bad), format!("⚠ {message}"));
    }
    actions
}

fn selection_ui(ui: &mut Ui, theme: &Theme, tab: &mut CgroupsTab, actions: &mut Vec<Action>) {
    let state = tab.loaded.trace.final_state();
    ui.horizontal_wrapped(|ui| {
        let process = tab.pid.map(|pid| {
            state
                .process(pid)
                .map_or_else(|| pid.to_string(), |p| format!("{} ({pid})", p.comm))
        });
        let node = tab.selected.as_ref().map(|node| node.print(state));
        let summary = match (&process, &node) {
            (None, None) if tab.view == View::Simulate => {
                "Click a group in the table to edit its limits".to_owned()
            }
            (None, None) => "Click a process and a cgroup to move it".to_owned(),
            (Some(p), None) => format!("Process {p}: now click a cgroup"),
            (None, Some(n)) => format!("Cgroup {n}"),
            (Some(p), Some(n)) => format!("Process {p} → cgroup {n}"),
        };
        ui.label(summary);
        let target = tab.selected.as_ref().map(|node| node.target(state));
        let op = tab.pid.zip(target).map(|(pid, to)| Op::Move { pid, to });
        let hover = op
            .as_ref()
            .and_then(|op| op.shell_command(state))
            .unwrap_or_else(|| "Select a process and a cgroup first".to_owned());
        let button = ui
            .add_enabled(op.is_some(), egui::Button::new("Move here"))
            .on_hover_text(&hover)
            .on_disabled_hover_text(&hover);
        if button.clicked()
            && let (Some(pid), Some(to)) = (tab.pid, tab.selected.clone())
        {
            actions.push(Action::Move { pid, to });
        }
        ui.separator();
        let label = ui.label("Operation");
        let field = ui
            .add(
                TextEdit::singleline(&mut tab.edit.op_text)
                    .hint_text("mkdir /app; enable / cpu memory")
                    .desired_width(theme.body_size * 16.0)
                    .font(egui::TextStyle::Monospace),
            )
            .labelled_by(label.id)
            .on_hover_text(
                "mkdir, rmdir, move PID PATH, enable/disable PATH CONTROLLER..., set PATH FILE VALUE, fork PID [NAME], exit PID, mount CONTROLLERS (v1), load PID busy|idle ...",
            );
        let entered = field.lost_focus() && ui.input(|input| input.key_pressed(egui::Key::Enter));
        if ui.button("Add step").clicked() || entered {
            match parse_ops(&tab.edit.op_text) {
                Ok(ops) if ops.is_empty() => {
                    tab.edit.op_error = Some("Type an operation first".to_owned());
                }
                Ok(ops) => {
                    tab.edit.op_text.clear();
                    actions.push(Action::AddOps(ops));
                }
                Err(err) => tab.edit.op_error = Some(err.to_string()),
            }
        }
        let at_end = tab.view != View::Structure
            || tab.timeline.step() + 1 >= tab.loaded.step_count();
        if !at_end {
            ui.label(RichText::new("(changes go after the last step)").color(theme.text_muted));
        }
    });
    if let Some(err) = &tab.edit.op_error {
        ui.colored_label(theme.line(Role::Bad), format!("⚠ {err}"));
    }
}

fn limit_editor_ui(ui: &mut Ui, theme: &Theme, tab: &mut CgroupsTab, actions: &mut Vec<Action>) {
    let Some(node) = tab.selected.clone() else {
        return;
    };
    let state = tab.loaded.trace.final_state();
    let address = node.print(state);
    let available = editors(state, node.hierarchy, &node.path);
    if available.is_empty() {
        let why = if !state
            .hierarchies()
            .get(node.hierarchy)
            .is_some_and(|tree| tree.contains(&node.path))
        {
            format!("{address} does not exist after the last step.")
        } else if node.path.is_root() && state.version() == CgroupVersion::V2 {
            "The v2 root has no limit files: limits apply to cgroups below it.".to_owned()
        } else {
            format!(
                "{address} has no limit files: its parent enables no controller for it (cgroup.subtree_control)."
            )
        };
        ui.label(RichText::new(why).color(theme.text_muted));
        return;
    }
    let chosen = tab
        .edit
        .file
        .filter(|file| available.iter().any(|e| e.file == *file))
        .or_else(|| available.first().map(|e| e.file));
    let Some(file) = chosen else {
        return;
    };
    if tab.edit.file != Some(file) || tab.edit.stale {
        tab.edit.file = Some(file);
        tab.edit.value = available
            .iter()
            .find(|e| e.file == file)
            .map(|e| e.current.clone())
            .unwrap_or_default();
        tab.edit.stale = false;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("Limits of {address}"));
        for candidate in &available {
            if ui
                .selectable_label(candidate.file == file, candidate.file_name)
                .on_hover_text(candidate.about)
                .clicked()
                && candidate.file != file
            {
                tab.edit.file = Some(candidate.file);
                tab.edit.value = candidate.current.clone();
            }
        }
        ui.separator();
        let label = ui.label("Value");
        ui.add(
            TextEdit::singleline(&mut tab.edit.value)
                .desired_width(theme.body_size * 10.0)
                .font(egui::TextStyle::Monospace),
        )
        .labelled_by(label.id);
        if ui
            .button("Apply")
            .on_hover_text("Write the value (a new step after the last one)")
            .clicked()
        {
            actions.push(Action::AddOps(vec![Op::Set {
                target: node.target(state),
                file: file.file_name().to_owned(),
                value: tab.edit.value.trim().to_owned(),
            }]));
        }
    });
    let preview = editor(
        state,
        node.hierarchy,
        &node.path,
        file,
        tab.edit.value.trim(),
    );
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("now {}", display(&preview.current))).color(theme.text_muted),
        );
        ui.separator();
        ui.monospace(&preview.shell);
        if let Some(systemd) = &preview.systemd {
            ui.separator();
            ui.monospace(systemd);
        }
        if let Some(docker) = &preview.docker {
            ui.separator();
            ui.monospace(docker);
        }
    });
    if let Some(error) = &preview.error {
        ui.colored_label(
            theme.line(Role::Bad),
            format!("⚠ The kernel would refuse this value: {error}"),
        );
    }
}

fn display(value: &str) -> &str {
    if value.is_empty() { "(empty)" } else { value }
}
