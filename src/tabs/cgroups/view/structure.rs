//! The structure view's canvas: the caption of the step, what the step ran and how the kernel
//! answered (errno and explanation when it refused), the hierarchies, and a card describing the
//! selected cgroup or process the way the files under `/sys/fs/cgroup` and `/proc` show them.

use egui::{Color32, FontId, Pos2, Rect, Sense, StrokeKind, Ui, Vec2};

use super::tree::{self, Marks, Subject};
use crate::draw;
use crate::tabs::cgroups::link::NodeRef;
use crate::tabs::cgroups::model::equivalents::editors;
use crate::tabs::cgroups::model::scene::Step;
use crate::tabs::cgroups::model::{CgroupPath, CgroupVersion, Op, Pid, State};
use crate::tabs::cgroups::{Action, CgroupsTab};
use crate::theme::{Role, Theme};

/// Draws the structure view; returns what the student clicked.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, tab: &mut CgroupsTab) -> Vec<Action> {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, Sense::hover());
    let painter = ui.painter_at(rect);

    let last = tab.loaded.step_count().saturating_sub(1);
    let index = tab.timeline.step().min(last);
    let trace = &tab.loaded.trace;
    let step = trace.step(index);
    let previous = trace.state(index.saturating_sub(1));
    let subject = subject(step, previous);
    let key = &tab.loaded.key;
    let version = key.version.title();
    let source = key.source.title();
    // "cgroup v2: the unified tree", not "cgroup v2 · v2: the unified tree".
    let mut title = match version.strip_prefix("cgroup ") {
        Some(short) if source.starts_with(short) => format!("cgroup {source}"),
        _ => format!("{version} · {source}"),
    };
    if !key.ops.is_empty() {
        title.push_str(&format!(" + {} of your steps", key.ops.len()));
    }
    let body = draw::caption(&painter, theme, rect, &title, &step.label);
    let margin = 12.0;
    let body = Rect::from_min_max(
        Pos2::new(body.min.x + margin, body.min.y),
        Pos2::new(body.max.x - margin, body.max.y - margin),
    );
    let banner_bottom = banner_ui(ui, &painter, theme, body, step);
    let lines = card_lines(theme, &step.state, tab.selected.as_ref(), tab.pid);
    let trees_top = banner_bottom + theme.small_size * 0.6;
    let trees = if lines.is_empty() && draw::is_static_picture(ui.ctx()) {
        // A picture cannot be clicked: no instructions, the trees take the room.
        Rect::from_min_max(Pos2::new(body.min.x, trees_top), body.max)
    } else if lines.is_empty() {
        let hint = "Click a cgroup for its files and limits, or a process for /proc/PID/cgroup; \
                    drag a process onto a cgroup (or select both and press Move here) to move it.";
        let used = draw::text_wrapped(
            &painter,
            Pos2::new(body.min.x, trees_top),
            hint,
            theme.small(),
            theme.text_muted,
            body.width(),
        );
        Rect::from_min_max(Pos2::new(body.min.x, used.max.y + 4.0), body.max)
    } else {
        let card_width =
            (body.width() * 0.24).clamp(theme.body_size * 12.0, theme.body_size * 26.0);
        let card = Rect::from_min_max(Pos2::new(body.max.x - card_width, banner_bottom), body.max);
        card_ui(&painter, theme, card, &lines);
        Rect::from_min_max(
            Pos2::new(body.min.x, trees_top),
            Pos2::new(card.min.x - theme.body_size, body.max.y),
        )
    };
    let marks = Marks {
        selected: tab.selected.as_ref(),
        pid: tab.pid,
        subject: subject.as_ref(),
    };
    let scene = (tab.loaded.generation, index);
    let outline = tab.loaded.outline(index);
    tree::trees_ui(
        ui,
        &painter,
        theme,
        trees,
        outline,
        scene,
        &marks,
        &mut tab.tree,
    )
}

/// The cgroup and process the step's operation concerns, and its badge.
fn subject(step: &Step, previous: &State) -> Option<Subject> {
    let op = step.op.as_ref()?;
    let state = &step.state;
    let (target, pid) = match op {
        Op::Mkdir(target) | Op::Rmdir(target) => (Some(target), None),
        Op::Move { pid, to } => (Some(to), Some(*pid)),
        Op::Enable { target, .. } | Op::Disable { target, .. } | Op::Set { target, .. } => {
            (Some(target), None)
        }
        Op::Fork { parent, .. } => (
            None,
            Some(if step.result.is_ok() {
                previous.next_pid()
            } else {
                *parent
            }),
        ),
        Op::Exit { pid } | Op::Load { pid, .. } => (None, Some(*pid)),
        Op::Mount { .. } => (None, None),
    };
    let mut node = target.and_then(|target| {
        let hierarchy = state.find_hierarchy(target.hierarchy.as_deref()).ok()?;
        state
            .hierarchies()
            .get(hierarchy)?
            .contains(&target.path)
            .then(|| NodeRef {
                hierarchy,
                path: target.path.clone(),
            })
    });
    if matches!(op, Op::Mount { .. }) && step.result.is_ok() {
        node = Some(NodeRef {
            hierarchy: state.hierarchies().len().saturating_sub(1),
            path: CgroupPath::root(),
        });
    }
    let (badge, failed) = match &step.result {
        Ok(()) => (format!("✔ {}", op.slug()), false),
        Err(err) => (
            format!("✖ {}", err.errno.map_or("refused", |e| e.name())),
            true,
        ),
    };
    Some(Subject {
        node,
        pid,
        badge,
        failed,
    })
}

/// The command the step ran and the kernel's answer; returns the y below it.
fn banner_ui(ui: &Ui, painter: &egui::Painter, theme: &Theme, body: Rect, step: &Step) -> f32 {
    let Some(op) = &step.op else {
        return body.min.y;
    };
    let command = match &step.shell {
        Some(shell) => format!("$ {shell}"),
        None => format!("{op}   (in the model: not a shell command)"),
    };
    let (result, role) = match &step.result {
        Ok(()) => ("✔ succeeded".to_owned(), Role::Good),
        Err(err) => {
            let head = match err.errno {
                Some(errno) => format!("✖ {errno}"),
                None => "✖ refused".to_owned(),
            };
            if step.label.contains(&err.explanation) {
                (head, Role::Bad)
            } else {
                (format!("{head}: {}", err.explanation), Role::Bad)
            }
        }
    };
    let pad = theme.small_size * 0.5;
    let width = body.width() - 2.0 * pad;
    let command_galley = painter.layout(command.clone(), theme.mono(), theme.text, width);
    let result_galley = painter.layout(result.clone(), theme.body(), theme.text, width);
    let height = command_galley.size().y + result_galley.size().y + 2.0 * pad;
    let rect = Rect::from_min_size(body.min, Vec2::new(body.width(), height));
    painter.rect(
        rect,
        4.0,
        theme.tint(role),
        theme.thin(),
        StrokeKind::Inside,
    );
    let mut pos = rect.min + Vec2::splat(pad);
    let command_height = command_galley.size().y;
    painter.galley(pos, command_galley, theme.text);
    pos.y += command_height;
    painter.galley(pos, result_galley, theme.text);
    draw::hit_region(
        ui,
        rect,
        egui::Id::unique("cgroups-step-result"),
        &format!("Step result: {command} {result}"),
    );
    rect.max.y
}

/// One line of the card.
struct Line {
    text: String,
    font: FontId,
    color: Color32,
    gap_before: f32,
}

fn card_lines(
    theme: &Theme,
    state: &State,
    selected: Option<&NodeRef>,
    pid: Option<Pid>,
) -> Vec<Line> {
    let heading = |text: String, gap: f32| Line {
        text,
        font: theme.body(),
        color: theme.text,
        gap_before: gap,
    };
    let mono = |text: String| Line {
        text,
        font: theme.mono(),
        color: theme.text,
        gap_before: 0.0,
    };
    let small = |text: String| Line {
        text,
        font: theme.small(),
        color: theme.text_muted,
        gap_before: 0.0,
    };
    let mut lines = Vec::new();
    if let Some(node) = selected {
        let address = node.print(state);
        lines.push(heading(format!("Cgroup {address}"), 0.0));
        match state.hierarchies().get(node.hierarchy) {
            Some(tree) if tree.contains(&node.path) => {
                lines.push(mono(tree.dir_of(&node.path)));
                if state.version() == CgroupVersion::V2 {
                    let controllers = state.controllers(node.hierarchy, &node.path);
                    lines.push(small(format!(
                        "cgroup.controllers: {}",
                        or_none(controllers.join(CgroupVersion::V2, " "))
                    )));
                    let subtree = tree
                        .get(&node.path)
                        .map(|c| c.subtree_control)
                        .unwrap_or_default();
                    lines.push(small(format!(
                        "cgroup.subtree_control: {}",
                        or_none(subtree.join(CgroupVersion::V2, " "))
                    )));
                }
                let procs = state.procs(node.hierarchy, &node.path);
                let procs = if procs.is_empty() {
                    "(empty)".to_owned()
                } else {
                    procs
                        .iter()
                        .map(|p| p.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                lines.push(small(format!("cgroup.procs: {procs}")));
                lines.push(small(format!(
                    "tasks in the subtree: {}",
                    state.task_count(node.hierarchy, &node.path)
                )));
                for editor in editors(state, node.hierarchy, &node.path) {
                    lines.push(small(format!(
                        "{}: {}",
                        editor.file_name,
                        if editor.current.is_empty() {
                            "(empty)"
                        } else {
                            editor.current.as_str()
                        }
                    )));
                }
            }
            _ => lines.push(small(format!("{address} does not exist at this step."))),
        }
    }
    if let Some(pid) = pid {
        let gap = if lines.is_empty() {
            0.0
        } else {
            theme.body_size
        };
        match state.process(pid) {
            Some(process) => {
                lines.push(heading(format!("Process {} ({pid})", process.comm), gap));
                lines.push(small(format!("cat /proc/{pid}/cgroup")));
                for (h, (tree, path)) in state
                    .hierarchies()
                    .iter()
                    .zip(&process.cgroups)
                    .enumerate()
                    .rev()
                {
                    let line = if tree.is_v2() {
                        format!("0::{path}")
                    } else {
                        format!("{}:{}:{path}", h + 1, tree.mount_name())
                    };
                    lines.push(mono(line));
                }
                lines.push(small(format!(
                    "In the simulation: {}.",
                    process.workload.describe()
                )));
            }
            None => lines.push(heading(
                format!("Process {pid} does not exist at this step."),
                gap,
            )),
        }
    }
    lines
}

fn or_none(text: String) -> String {
    if text.is_empty() {
        "(none)".to_owned()
    } else {
        text
    }
}

fn card_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, lines: &[Line]) {
    painter.rect(rect, 6.0, theme.surface, theme.thin(), StrokeKind::Inside);
    let inner = rect.shrink(theme.small_size * 0.6);
    let clip = painter.with_clip_rect(inner.intersect(painter.clip_rect()));
    let mut y = inner.min.y;
    for line in lines {
        y += line.gap_before;
        let used = draw::text_wrapped(
            &clip,
            Pos2::new(inner.min.x, y),
            &line.text,
            line.font.clone(),
            line.color,
            inner.width(),
        );
        y = used.max.y + 2.0;
    }
}
