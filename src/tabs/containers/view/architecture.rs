//! The architecture view: Docker's components as boxes and `docker run nginx` as numbered messages.
//!
//! The current message is a thick arrow with its wire text; earlier ones stay as thin numbered
//! arrows so the whole conversation can be read back. Each box says what its process is doing at
//! this step (runc exits, the shim stays), so lifetimes are visible, not only the calls.

use egui::{Align2, Pos2, Rect, Stroke, Ui, Vec2};

use super::{dashed_rect, ease, preset_canvas, text_in_rect};
use crate::draw;
use crate::draw::fit_text;
use crate::tabs::containers::model::architecture::ArchitecturePreset;
use crate::tabs::containers::model::architecture::{ArchitectureStep, Component};
use crate::tabs::containers::scene::stepped::PresetScene;
use crate::theme::{Role, Theme};

/// The preset picker and the "copy the link to the other tab" button.
pub fn controls_ui(
    ui: &mut Ui,
    scene: &mut PresetScene<ArchitecturePreset>,
    open_request: &mut Option<String>,
) {
    super::preset_picker_ui(ui, "Sequence", scene);
    if let Some(link) = scene.current().and_then(|step| step.link) {
        ui.separator();
        let label = format!("Open in the {} tab →", tab_name(link));
        if ui
            .button(label)
            .on_hover_text(format!("Opens {link} (Alt+Left comes back here)"))
            .clicked()
        {
            *open_request = Some(link.to_owned());
        }
    }
}

/// "Namespaces" for `namespaces?...`.
fn tab_name(link: &str) -> &'static str {
    if link.starts_with("cgroups") {
        "Cgroups"
    } else {
        "Namespaces"
    }
}

/// Where a component sits: (column, row) on a 4 x 4 grid; column 3 is outside the host.
fn cell(component: Component) -> (usize, usize) {
    match component {
        Component::Client => (0, 0),
        Component::Dockerd => (1, 0),
        Component::Containerd => (1, 1),
        Component::Shim => (1, 2),
        Component::Container => (1, 3),
        Component::Runc => (2, 2),
        Component::Kernel => (2, 3),
        Component::Registry => (3, 0),
    }
}

fn role(component: Component) -> Role {
    match component {
        Component::Client => Role::App,
        Component::Dockerd | Component::Containerd | Component::Shim | Component::Runc => {
            Role::Runtime
        }
        Component::Kernel => Role::HostKernel,
        Component::Container => Role::Container,
        Component::Registry => Role::Network,
    }
}

/// Whether a process exists at this step, and what it is doing.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Life {
    NotYet,
    Alive,
    Gone,
}

fn status(steps: &[ArchitectureStep], current: usize, component: Component) -> (Life, String) {
    let reached = |slug: &str| {
        steps
            .iter()
            .position(|s| s.slug == slug)
            .is_some_and(|index| index <= current)
    };
    let pulled = steps.iter().any(|s| s.slug == "pull");
    match component {
        Component::Client => (Life::Alive, "docker run nginx".to_owned()),
        Component::Dockerd => (Life::Alive, "REST API on docker.sock".to_owned()),
        Component::Registry => {
            let text = if !pulled {
                "not contacted: image is local"
            } else if reached("create") {
                "layers sent"
            } else if reached("pull") {
                "serving manifest + layers"
            } else {
                "remote"
            };
            (Life::Alive, text.to_owned())
        }
        Component::Containerd => (Life::Alive, "gRPC, namespace \"moby\"".to_owned()),
        Component::Shim => {
            if reached("runc-exits") {
                (Life::Alive, "stays: the container's parent".to_owned())
            } else if reached("shim") {
                (Life::Alive, "started for this container".to_owned())
            } else {
                (Life::NotYet, "not started yet".to_owned())
            }
        }
        Component::Runc => {
            if reached("runc-exits") {
                (Life::Gone, "exited (its job is done)".to_owned())
            } else if reached("runc") {
                (Life::Alive, "runc create on the bundle".to_owned())
            } else {
                (Life::NotYet, "not started yet".to_owned())
            }
        }
        Component::Kernel => {
            let text = if reached("cgroups") {
                "new namespaces + a cgroup"
            } else if reached("namespaces") {
                "new pid, mnt, net, uts, ipc, cgroup ns"
            } else {
                "namespaces and cgroups"
            };
            (Life::Alive, text.to_owned())
        }
        Component::Container => {
            if reached("runc-exits") {
                (Life::Alive, "▶ running: nginx is PID 1".to_owned())
            } else if reached("create") {
                (Life::Alive, "○ created: no process yet".to_owned())
            } else {
                (Life::NotYet, "does not exist yet".to_owned())
            }
        }
    }
}

/// Draws the view; clicking a step in the list jumps to it.
pub fn canvas_ui(
    ui: &mut Ui,
    theme: &Theme,
    scene: &mut PresetScene<ArchitecturePreset>,
    open_request: &mut Option<String>,
) {
    let (painter, body) = preset_canvas(ui, theme, scene);
    let current = scene
        .timeline
        .step()
        .min(scene.steps.len().saturating_sub(1));
    let list_width = (body.width() * 0.26).clamp(theme.body_size * 12.0, theme.body_size * 22.0);
    let list = Rect::from_min_size(body.min, Vec2::new(list_width, body.height()));
    let right = Rect::from_min_max(Pos2::new(list.max.x + 16.0, body.min.y), body.max);

    if let Some(clicked) = step_list_ui(ui, &painter, theme, list, &scene.steps, current) {
        scene.timeline.pause();
        scene.timeline.seek(clicked as f64);
    }

    let Some(step) = scene.steps.get(current) else {
        return;
    };
    // The wire text (and the link to another tab) under the diagram, as tall as the text.
    let message_height =
        draw::text_height(&painter, &step.message, theme.mono(), right.width() - 16.0);
    let wire_height = theme.body_size * 1.4 + message_height + 24.0;
    let link_height = if step.link.is_some() {
        theme.body_size * 3.0
    } else {
        0.0
    };
    let diagram = Rect::from_min_max(
        right.min,
        Pos2::new(right.max.x, right.max.y - wire_height - link_height - 12.0),
    );
    let wire = Rect::from_min_max(
        Pos2::new(right.min.x, diagram.max.y + 8.0),
        Pos2::new(right.max.x, diagram.max.y + 8.0 + wire_height),
    );
    let boxes = diagram_ui(&painter, theme, diagram, &scene.steps, current);
    arrows_ui(
        &painter,
        theme,
        &boxes,
        &scene.steps,
        current,
        scene.timeline.fraction() as f32,
    );
    wire_ui(&painter, theme, wire, step, current, scene.steps.len());
    if let Some(link) = step.link {
        let area = Rect::from_min_max(
            Pos2::new(right.min.x, wire.max.y + 4.0),
            Pos2::new(right.max.x, wire.max.y + 4.0 + link_height),
        );
        link_ui(ui, &painter, theme, area, link, open_request);
    }
}

/// The numbered list of messages; returns a clicked step.
fn step_list_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    steps: &[ArchitectureStep],
    current: usize,
) -> Option<usize> {
    // A picture cannot be clicked.
    let heading = if draw::is_static_picture(painter.ctx()) {
        "Steps"
    } else {
        "Steps (click one)"
    };
    let inner = super::panel(painter, theme, rect, heading);
    let row_height = (inner.height() / steps.len().max(1) as f32)
        .min(theme.small_size * 2.6)
        .max(theme.small_size * 1.3);
    let mut clicked = None;
    for (index, step) in steps.iter().enumerate() {
        let row = Rect::from_min_size(
            Pos2::new(inner.min.x, inner.min.y + index as f32 * row_height),
            Vec2::new(inner.width(), row_height - 2.0),
        );
        if row.max.y > inner.max.y + 1.0 {
            break;
        }
        let is_current = index == current;
        let label = format!(
            "Step {}: {} ({} to {})",
            index + 1,
            step.slug,
            step.from.title(),
            step.to.title()
        );
        let response = draw::hit_region(
            ui,
            row,
            egui::Id::unique(("containers-arch-step", index)),
            &label,
        );
        if response.clicked() {
            clicked = Some(index);
        }
        let (fill, color) = if is_current {
            (theme.accent, theme.text_on(theme.accent))
        } else if response.hovered() {
            (theme.faint, theme.text)
        } else {
            (
                theme.surface,
                if index < current {
                    theme.text
                } else {
                    theme.text_muted
                },
            )
        };
        painter.rect_filled(row, 3.0, fill);
        let marker = if is_current {
            "▶"
        } else if index < current {
            "✔"
        } else {
            " "
        };
        let text = format!("{marker} {:>2}  {}", index + 1, step.slug);
        fit_text(
            painter,
            Pos2::new(row.min.x + 4.0, row.center().y),
            Align2::LEFT_CENTER,
            &text,
            theme.small(),
            color,
            row.width() - 8.0,
        );
    }
    clicked
}

/// The component boxes; returns each box's rectangle.
fn diagram_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    steps: &[ArchitectureStep],
    current: usize,
) -> Vec<(Component, Rect)> {
    let columns = 4.0;
    let rows = 4.0;
    let margin = 10.0;
    let grid = Rect::from_min_max(
        rect.min + Vec2::splat(margin),
        rect.max - Vec2::new(margin, margin + theme.small_size * 0.6),
    );
    let col_gap = (grid.width() * 0.05).clamp(16.0, 60.0);
    let row_gap = (grid.height() * 0.09).clamp(14.0, 50.0);
    let cell_w = (grid.width() - col_gap * (columns - 1.0)) / columns;
    let cell_h = (grid.height() - row_gap * (rows - 1.0)) / rows;
    let cell_rect = |(col, row): (usize, usize)| {
        Rect::from_min_size(
            Pos2::new(
                grid.min.x + col as f32 * (cell_w + col_gap),
                grid.min.y + row as f32 * (cell_h + row_gap),
            ),
            Vec2::new(cell_w, cell_h),
        )
    };

    // The Docker host around everything but the registry; its name sits in the empty corner.
    let host = cell_rect((0, 0))
        .union(cell_rect((2, 3)))
        .expand(margin * 0.8);
    dashed_rect(
        painter,
        host,
        Stroke::new(theme.stroke_thin, theme.outline),
        theme.dash(1),
    );
    let corner = cell_rect((0, 3));
    draw::text_wrapped(
        painter,
        corner.left_top(),
        "Docker host: one Linux machine, one kernel. The registry is remote.",
        theme.small(),
        theme.text_muted,
        corner.width(),
    );

    let step = steps.get(current);
    let mut boxes = Vec::with_capacity(Component::ALL.len());
    for component in Component::ALL {
        let area = cell_rect(cell(*component));
        let (life, text) = status(steps, current, *component);
        let involved = step.is_some_and(|s| s.from == *component || s.to == *component);
        let fill = match life {
            Life::Alive => theme.fill(role(*component)),
            Life::NotYet | Life::Gone => theme.surface,
        };
        let color = match life {
            Life::Alive => theme.text_on(fill),
            _ => theme.text_muted,
        };
        // As tall as the text needs (within the cell), so long names wrap instead of spilling.
        let width = area.width() - 10.0;
        let title = painter.layout(component.title().to_owned(), theme.body(), color, width);
        let sub = painter.layout(text, theme.small(), color, width);
        let total = title.size().y + sub.size().y;
        let box_rect = Rect::from_center_size(
            area.center(),
            Vec2::new(
                area.width(),
                (total + 12.0)
                    .max(area.height().min(theme.body_size * 5.0))
                    .min(area.height() + row_gap * 0.6),
            ),
        );
        let stroke = if involved {
            theme.thick(theme.accent)
        } else {
            theme.thin()
        };
        match life {
            Life::Alive => {
                painter.rect(box_rect, 6.0, fill, stroke, egui::StrokeKind::Inside);
            }
            Life::NotYet | Life::Gone => {
                painter.rect_filled(box_rect, 6.0, fill);
                dashed_rect(painter, box_rect, stroke, theme.dash(2));
            }
        }
        let inside = painter.with_clip_rect(box_rect.intersect(painter.clip_rect()));
        let top = box_rect.center().y - total / 2.0;
        let title_size = title.size();
        inside.galley(
            Pos2::new(box_rect.center().x - title_size.x / 2.0, top),
            title,
            color,
        );
        inside.galley(
            Pos2::new(box_rect.center().x - sub.size().x / 2.0, top + title_size.y),
            sub,
            color,
        );
        if involved {
            let word = if step.is_some_and(|s| s.from == *component) {
                "sends"
            } else {
                "receives"
            };
            // In the top-right corner, away from the arrows that meet the box in the middle.
            let width = painter
                .layout_no_wrap(word.to_owned(), theme.small(), theme.text)
                .size()
                .x
                + theme.small_size * 0.7;
            super::tag(
                painter,
                theme,
                Pos2::new(box_rect.max.x - width - 4.0, box_rect.min.y),
                word,
                theme.accent,
            );
        }
        boxes.push((*component, box_rect));
    }
    boxes
}

/// Earlier messages as thin numbered arrows, the current one thick with its number.
fn arrows_ui(
    painter: &egui::Painter,
    theme: &Theme,
    boxes: &[(Component, Rect)],
    steps: &[ArchitectureStep],
    current: usize,
    fraction: f32,
) {
    let rect_of = |component: Component| {
        boxes
            .iter()
            .find(|(c, _)| *c == component)
            .map(|(_, r)| *r)
            .unwrap_or(Rect::NOTHING)
    };
    for (index, step) in steps.iter().enumerate().take(current + 1) {
        let is_current = index == current;
        // Messages between the same two boxes are drawn side by side, centred on the boxes.
        let lane = steps
            .iter()
            .take(index)
            .filter(|s| same_pair(s, step))
            .count() as f32;
        let lanes = steps.iter().filter(|s| same_pair(s, step)).count() as f32;
        // Far enough apart that the numbered badges (radius 0.7 small sizes) never touch.
        let spacing = (theme.small_size * 1.8).max(18.0);
        let (from, to) = (rect_of(step.from), rect_of(step.to));
        let (color, width) = if is_current {
            (theme.accent, theme.stroke_thick * 1.4)
        } else {
            (theme.text_muted, theme.stroke_thin * 1.5)
        };
        let stroke = Stroke::new(width, color);
        let (start, end) = if step.from == step.to {
            self_loop(painter, from, stroke)
        } else {
            let (a, b) = edge_points(from, to, (lane - (lanes - 1.0) / 2.0) * spacing);
            draw::arrow(painter, a, b, stroke);
            (a, b)
        };
        let mid = start + (end - start) * 0.5;
        let radius = theme.small_size * 0.7;
        let fill = if is_current {
            theme.accent
        } else {
            theme.surface
        };
        painter.circle(mid, radius, fill, Stroke::new(theme.stroke_thin, color));
        painter.text(
            mid,
            Align2::CENTER_CENTER,
            (index + 1).to_string(),
            theme.small(),
            if is_current {
                theme.text_on(theme.accent)
            } else {
                theme.text
            },
        );
        if is_current && fraction > 0.0 {
            let token = start + (end - start) * ease(fraction);
            painter.circle(
                token,
                radius * 0.6,
                theme.fill(Role::Warn),
                Stroke::new(theme.stroke_thin, theme.outline),
            );
        }
    }
}

fn same_pair(a: &ArchitectureStep, b: &ArchitectureStep) -> bool {
    (a.from == b.from && a.to == b.to) || (a.from == b.to && a.to == b.from)
}

/// Points on the facing edges of two boxes, shifted sideways by `offset`.
fn edge_points(from: Rect, to: Rect, offset: f32) -> (Pos2, Pos2) {
    let delta = to.center() - from.center();
    if delta.x.abs() * from.height() > delta.y.abs() * from.width() {
        // Side by side: leave from the left or right edge.
        let y_from = draw::clamp_into(from.center().y + offset, from.min.y + 4.0, from.max.y - 4.0);
        let y_to = draw::clamp_into(to.center().y + offset, to.min.y + 4.0, to.max.y - 4.0);
        if delta.x > 0.0 {
            (Pos2::new(from.max.x, y_from), Pos2::new(to.min.x, y_to))
        } else {
            (Pos2::new(from.min.x, y_from), Pos2::new(to.max.x, y_to))
        }
    } else {
        let x_from = draw::clamp_into(from.center().x + offset, from.min.x + 4.0, from.max.x - 4.0);
        let x_to = draw::clamp_into(to.center().x + offset, to.min.x + 4.0, to.max.x - 4.0);
        if delta.y > 0.0 {
            (Pos2::new(x_from, from.max.y), Pos2::new(x_to, to.min.y))
        } else {
            (Pos2::new(x_from, from.min.y), Pos2::new(x_to, to.max.y))
        }
    }
}

/// A message a component sends itself: a loop under its box. Returns the loop's ends.
fn self_loop(painter: &egui::Painter, rect: Rect, stroke: Stroke) -> (Pos2, Pos2) {
    // Under the box's left part: arrows to the box below leave from its middle, and their
    // numbered badges sit there.
    let depth = (rect.height() * 0.35).max(14.0);
    let a = Pos2::new(rect.min.x + rect.width() * 0.06, rect.max.y);
    let b = Pos2::new(rect.min.x + rect.width() * 0.3, rect.max.y);
    let a_low = a + Vec2::new(0.0, depth);
    let b_low = b + Vec2::new(0.0, depth);
    painter.line_segment([a, a_low], stroke);
    painter.line_segment([a_low, b_low], stroke);
    draw::arrow(painter, b_low, b, stroke);
    (a_low, b_low)
}

/// The current message as it goes over the wire.
fn wire_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    step: &ArchitectureStep,
    index: usize,
    count: usize,
) {
    let heading = format!(
        "Message {} of {count}: {} → {}",
        index + 1,
        step.from.title(),
        step.to.title()
    );
    let inner = super::panel(painter, theme, rect, &heading);
    text_in_rect(painter, inner, &step.message, theme.mono(), theme.text);
}

/// The "shown in depth in another tab" box: the link as text; clicking opens it.
fn link_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    link: &'static str,
    open_request: &mut Option<String>,
) {
    let label = format!("Open in the {} tab: {link}", tab_name(link));
    let response = draw::hit_region(
        ui,
        rect,
        egui::Id::unique(("containers-arch-link", link)),
        &label,
    );
    if response.clicked() {
        *open_request = Some(link.to_owned());
    }
    let stroke = if response.hovered() {
        theme.thick(theme.accent)
    } else {
        Stroke::new(theme.stroke_thin * 1.5, theme.accent)
    };
    painter.rect(
        rect,
        6.0,
        theme.tint(Role::HostKernel),
        stroke,
        egui::StrokeKind::Inside,
    );
    let inner = rect.shrink(8.0);
    let text = format!(
        "↗ Shown in depth in the {} tab: {link}  (click to open it)",
        tab_name(link)
    );
    text_in_rect(painter, inner, &text, theme.body(), theme.text);
}
