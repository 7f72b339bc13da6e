//! Draws the consolidation view: the ten servers before, the VM hosts after (each VM with its
//! OS, each host with its utilisation), the move or crash of the step, and the benefits as the
//! model's outcomes, the current one emphasised.

use crate::units::duration_secs;
use egui::{Align2, Pos2, Rect, Stroke, Ui, Vec2};

use crate::draw;
use crate::tabs::overview::model::consolidation::{
    Benefit, Consolidation, ConsolidationStep, Costs, HostId, HostState, Placement, SOURCES,
    WorkloadId,
};
use crate::tabs::overview::model::power::ServerPower;
use crate::tabs::overview::scene::ConsolidationScene;
use crate::theme::{Role, Theme};

/// Draws the view.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, scene: &ConsolidationScene) {
    let title = "Server consolidation: what virtualization brings";
    let sources = format!("Sources: {SOURCES}");
    let story = match &scene.story {
        Ok(story) => story,
        Err(err) => {
            // The model could not simulate a migration: the caption says why, where the
            // picture was.
            let caption = format!("The consolidation could not be simulated: {err}");
            draw::split_canvas(ui, theme, title, &caption, &sources, 0.6);
            return;
        }
    };
    let Some(step) = scene.current() else {
        return;
    };
    let canvas = draw::split_canvas(ui, theme, title, &step.caption, &sources, 0.6);
    let (painter, theme) = (&canvas.painter, &canvas.theme);
    match &step.placement {
        None => servers_ui(ui, painter, theme, canvas.main),
        Some(_) => hosts_ui(ui, painter, theme, canvas.main, step),
    }
    benefits_ui(
        painter,
        theme,
        canvas.side,
        story,
        step,
        scene.timeline.step(),
    );
}

/// A horizontal utilisation bar with its percentage.
fn utilisation_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, utilisation: f64) {
    painter.rect(
        rect,
        2.0,
        theme.canvas,
        theme.thin(),
        egui::StrokeKind::Inside,
    );
    let filled = Rect::from_min_size(
        rect.min,
        Vec2::new(
            rect.width() * utilisation.clamp(0.0, 1.0) as f32,
            rect.height(),
        ),
    );
    painter.rect_filled(filled.shrink(1.0), 1.0, theme.fill(Role::Warn));
    painter.text(
        Pos2::new(rect.max.x + 4.0, rect.center().y),
        Align2::LEFT_CENTER,
        format!("{:.0} %", utilisation * 100.0),
        theme.small(),
        theme.text,
    );
}

/// The ten servers, one workload and OS each.
fn servers_ui(ui: &Ui, painter: &egui::Painter, theme: &Theme, rect: Rect) {
    let heading = draw::fit_text(
        painter,
        rect.min,
        Align2::LEFT_TOP,
        "Before: one physical server per workload",
        theme.body(),
        theme.text,
        rect.width(),
    );
    let area = Rect::from_min_max(Pos2::new(rect.min.x, heading.max.y + 8.0), rect.max);
    let columns = 5;
    let rows = WorkloadId::ALL.len().div_ceil(columns);
    let gap = 10.0;
    let cell = Vec2::new(
        (area.width() - gap * (columns as f32 - 1.0)) / columns as f32,
        ((area.height() - gap * (rows as f32 - 1.0)) / rows as f32).min(theme.body_size * 8.0),
    );
    let server = ServerPower::default();
    for (index, id) in WorkloadId::ALL.into_iter().enumerate() {
        let workload = id.workload();
        let (col, row) = (index % columns, index / columns);
        let box_rect = Rect::from_min_size(
            area.min + Vec2::new(col as f32 * (cell.x + gap), row as f32 * (cell.y + gap)),
            cell,
        );
        draw::hit_region(
            ui,
            box_rect,
            egui::Id::unique(("consolidation-server", index)),
            &format!(
                "server {}: {}, {:.0} % busy",
                workload.name,
                workload.os,
                workload.load * 100.0
            ),
        );
        painter.rect(
            box_rect,
            6.0,
            theme.fill(Role::Hardware),
            theme.thin(),
            egui::StrokeKind::Inside,
        );
        let inner = box_rect.shrink(6.0);
        let color = theme.text_on(theme.fill(Role::Hardware));
        let name = draw::fit_text(
            painter,
            inner.min,
            Align2::LEFT_TOP,
            &format!("server: {}", workload.name),
            theme.small(),
            color,
            inner.width(),
        );
        let os = draw::fit_text(
            painter,
            Pos2::new(inner.min.x, name.max.y + 2.0),
            Align2::LEFT_TOP,
            workload.os,
            theme.small(),
            color,
            inner.width(),
        );
        let bar = Rect::from_min_size(
            Pos2::new(inner.min.x, os.max.y + 6.0),
            Vec2::new(inner.width() - theme.small_size * 3.2, theme.small_size),
        );
        utilisation_ui(painter, theme, bar, workload.load);
        draw::fit_text(
            painter,
            Pos2::new(inner.min.x, bar.max.y + 4.0),
            Align2::LEFT_TOP,
            &format!("{:.0} W", server.watts(workload.load)),
            theme.small(),
            color,
            inner.width(),
        );
    }
}

/// The hosts with their VMs, and the step's migration or crash.
fn hosts_ui(ui: &Ui, painter: &egui::Painter, theme: &Theme, rect: Rect, step: &ConsolidationStep) {
    let Some(placement) = &step.placement else {
        return;
    };
    let heading = draw::fit_text(
        painter,
        rect.min,
        Align2::LEFT_TOP,
        "After: the workloads as VMs on virtualization hosts",
        theme.body(),
        theme.text,
        rect.width(),
    );
    let slots = placement
        .hosts()
        .map(|(_, host)| host.vms.len())
        .max()
        .unwrap_or(0)
        .max(4)
        + 1;
    let vm_height = theme.body_size * 3.0;
    let host_height =
        theme.body_size * 1.6 + theme.small_size + 16.0 + slots as f32 * (vm_height + 6.0);
    let before_height = theme.small_size * 8.0;
    let area = Rect::from_min_max(
        Pos2::new(rect.min.x, heading.max.y + 8.0),
        Pos2::new(
            rect.max.x,
            (heading.max.y + 8.0 + host_height)
                .min(rect.max.y - before_height - theme.small_size * 2.0),
        ),
    );
    let count = placement.hosts().len().max(1);
    let gap = 12.0;
    let width = (area.width() - gap * (count as f32 - 1.0)) / count as f32;
    // Where the moving VM is drawn and the free slot it lands in (each with its host), and the
    // row every host keeps free below its VMs, found while drawing.
    let mut leaving = None;
    let mut landing = None;
    let mut lane_y = area.max.y;
    let mixed_host = if step.benefit == Some(Benefit::DifferentOses) {
        most_mixed(placement)
    } else {
        None
    };
    for (index, (id, host)) in placement.hosts().enumerate() {
        let host_rect = Rect::from_min_size(
            Pos2::new(area.min.x + index as f32 * (width + gap), area.min.y),
            Vec2::new(width, area.height()),
        );
        let stroke = if mixed_host == Some(id) {
            theme.thick(theme.accent)
        } else {
            theme.thin()
        };
        painter.rect(
            host_rect,
            6.0,
            theme.tint(Role::Hypervisor),
            stroke,
            egui::StrokeKind::Inside,
        );
        let inner = host_rect.shrink(6.0);
        let word = match host.state {
            HostState::Running => "hypervisor",
            HostState::Spare => "spare (N+1)",
            HostState::Maintenance => "maintenance",
        };
        let title = draw::fit_text(
            painter,
            inner.min,
            Align2::LEFT_TOP,
            &format!("Host {} · {word}", id.number()),
            theme.body(),
            theme.text,
            inner.width(),
        );
        let bar = Rect::from_min_size(
            Pos2::new(inner.min.x, title.max.y + 4.0),
            Vec2::new(inner.width() - theme.small_size * 3.2, theme.small_size),
        );
        utilisation_ui(painter, theme, bar, host.utilisation());
        // VMs stacked under the bar.
        let vm_area = Rect::from_min_max(Pos2::new(inner.min.x, bar.max.y + 8.0), inner.max);
        let vm_height = ((vm_area.height() - 6.0 * (slots as f32 - 1.0)) / slots as f32)
            .min(theme.body_size * 3.0);
        let slot_rect = |slot: usize| {
            Rect::from_min_size(
                Pos2::new(
                    vm_area.min.x,
                    vm_area.min.y + slot as f32 * (vm_height + 6.0),
                ),
                Vec2::new(vm_area.width(), vm_height),
            )
        };
        lane_y = slot_rect(slots - 1).center().y;
        if step.moving.as_ref().is_some_and(|m| m.to == id) {
            landing = Some((slot_rect(host.vms.len()), host_rect));
        }
        let neighbour_crashed = step.crashed.is_some_and(|crashed| host.runs(crashed));
        for (slot, vm) in host.vms.iter().enumerate() {
            let workload = vm.id.workload();
            let vm_rect = slot_rect(slot);
            draw::hit_region(
                ui,
                vm_rect,
                egui::Id::unique(("consolidation-vm", vm.id)),
                &format!(
                    "VM {} ({}) on host {}",
                    workload.name,
                    workload.os,
                    id.number()
                ),
            );
            let crashed = step.crashed == Some(vm.id);
            let moving = step.moving.as_ref().is_some_and(|m| m.workload == vm.id);
            if moving {
                leaving = Some((vm_rect, host_rect));
            }
            let fill = if crashed {
                theme.fill(Role::Bad)
            } else {
                theme.fill(Role::GuestKernel)
            };
            let stroke = if crashed || moving {
                theme.thick(theme.outline)
            } else {
                theme.thin()
            };
            // A neighbour of the crashed VM says only that it still runs: with its OS too, the
            // line wraps in a projector-sized box and the text shrinks into one run-on line.
            let status = if crashed {
                "✖ kernel panic"
            } else if neighbour_crashed {
                "✔ still running"
            } else {
                workload.os
            };
            draw::labelled_box(
                painter,
                theme,
                vm_rect,
                fill,
                stroke,
                &format!("VM {}", workload.name),
                Some(status),
            );
        }
    }
    // The live migration of the step.
    if let (Some(migration), Some((from, from_host)), Some((landing, to_host))) =
        (&step.moving, leaving, landing)
    {
        let name = migration.workload.workload().name;
        let summary = &migration.summary;
        draw::dashed_rect(
            painter,
            landing,
            Stroke::new(theme.stroke_thick, theme.accent),
            theme.dash(1),
        );
        draw::text_centered(
            painter,
            landing,
            &format!("{name} arriving"),
            theme.small(),
            theme.text,
        );
        draw::HostMove {
            from,
            from_host,
            landing,
            to_host,
            gap,
            lane_y,
        }
        .arrow(painter, Stroke::new(theme.stroke_thick * 1.4, theme.accent));
        painter.text(
            Pos2::new(area.min.x, area.max.y + 6.0),
            Align2::LEFT_TOP,
            format!(
                "live migration of {name}: {} in all, paused {} (pre-copy model)",
                duration_secs(summary.total_secs),
                duration_secs(summary.downtime_secs)
            ),
            theme.small(),
            theme.text,
        );
    }
    before_strip_ui(
        painter,
        theme,
        Rect::from_min_max(Pos2::new(rect.min.x, rect.max.y - before_height), rect.max),
    );
}

/// The ten servers of before, small, for comparison.
fn before_strip_ui(painter: &egui::Painter, theme: &Theme, rect: Rect) {
    let heading = draw::fit_text(
        painter,
        rect.min,
        Align2::LEFT_TOP,
        &format!(
            "Before: {} servers, one workload each",
            WorkloadId::ALL.len()
        ),
        theme.small(),
        theme.text_muted,
        rect.width(),
    );
    let gap = 6.0;
    // One row when every name fits its cell, otherwise two rows of five.
    let one_row = (rect.width() - gap * 9.0) / 10.0 >= theme.body_size * 4.5;
    let servers = WorkloadId::ALL.len();
    let per_row = if one_row {
        servers
    } else {
        servers.div_ceil(2)
    };
    let rows = servers.div_ceil(per_row);
    let width = (rect.width() - gap * (per_row as f32 - 1.0)) / per_row as f32;
    let height = (rect.max.y - heading.max.y - 4.0 - gap * (rows as f32 - 1.0)) / rows as f32;
    for (index, id) in WorkloadId::ALL.into_iter().enumerate() {
        let workload = id.workload();
        let (col, row) = (index % per_row, index / per_row);
        let cell = Rect::from_min_size(
            Pos2::new(
                rect.min.x + col as f32 * (width + gap),
                heading.max.y + 4.0 + row as f32 * (height + gap),
            ),
            Vec2::new(width, height),
        );
        draw::labelled_box(
            painter,
            theme,
            cell,
            theme.fill(Role::Hardware),
            theme.thin(),
            workload.name,
            Some(&format!("{:.0} %", workload.load * 100.0)),
        );
    }
}

/// The running host whose VMs run the most different OSes.
fn most_mixed(placement: &Placement) -> Option<HostId> {
    placement
        .hosts()
        .max_by_key(|(_, host)| host.oses().len())
        .map(|(id, _)| id)
}

/// A row of the cost table: its name and how it reads a [`Costs`].
type CostRow = (&'static str, fn(&Costs) -> String);

/// Before and after in numbers, then the five benefits with the model's outcome for each.
fn benefits_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    story: &Consolidation,
    step: &ConsolidationStep,
    index: usize,
) {
    let inner = draw::surface(painter, theme, rect, 10.0);
    let mut y = inner.min.y;
    let row = theme.small_size * 1.5;
    // The cost table.
    let columns = [
        inner.min.x,
        inner.min.x + inner.width() * 0.42,
        inner.min.x + inner.width() * 0.72,
    ];
    let costs_current = step.benefit == Some(Benefit::Consolidation);
    let rows: [CostRow; 5] = [
        ("Machines", |c| c.machines.to_string()),
        ("Utilisation", |c| format!("{:.0} %", c.utilisation * 100.0)),
        ("IT power", |c| format!("{:.2} kW", c.it_kw)),
        ("CAPEX (hardware)", |c| {
            format!("${:.0}k", c.capex_usd / 1000.0)
        }),
        ("OPEX per year", |c| {
            format!("${:.1}k", c.opex_usd_year / 1000.0)
        }),
    ];
    for (&x, text) in columns.iter().zip(["", "Before", "After"]) {
        painter.text(
            Pos2::new(x, y),
            Align2::LEFT_TOP,
            text,
            theme.small(),
            theme.text_muted,
        );
    }
    y += row;
    let table_top = y;
    for (name, value) in rows {
        painter.text(
            Pos2::new(columns[0], y),
            Align2::LEFT_TOP,
            name,
            theme.small(),
            theme.text,
        );
        painter.text(
            Pos2::new(columns[1], y),
            Align2::LEFT_TOP,
            value(&story.before),
            theme.small(),
            theme.text,
        );
        let after = if index == 0 {
            "?".to_owned()
        } else {
            value(&story.after)
        };
        painter.text(
            Pos2::new(columns[2], y),
            Align2::LEFT_TOP,
            after,
            theme.small(),
            theme.text,
        );
        y += row;
    }
    if costs_current {
        painter.rect_stroke(
            Rect::from_min_max(
                Pos2::new(inner.min.x - 4.0, table_top - 2.0),
                Pos2::new(inner.max.x + 4.0, y),
            ),
            4.0,
            theme.thick(theme.accent),
            egui::StrokeKind::Outside,
        );
    }
    y += row * 0.6;
    draw::fit_text(
        painter,
        Pos2::new(inner.min.x, y),
        Align2::LEFT_TOP,
        "Benefits of virtualization, as this model shows them",
        theme.body(),
        theme.text,
        inner.width(),
    );
    y += theme.body_size * 1.6;
    let reached: Vec<Benefit> = story
        .steps
        .iter()
        .take(index.saturating_add(1))
        .filter_map(|s| s.benefit)
        .collect();
    let details: Vec<String> = Benefit::ALL
        .iter()
        .map(|benefit| {
            if reached.contains(benefit) {
                outcome(story, *benefit)
            } else {
                "a later step".to_owned()
            }
        })
        .collect();
    let items: Vec<draw::ListItem<'_>> = Benefit::ALL
        .iter()
        .zip(&details)
        .map(|(benefit, detail)| draw::ListItem {
            title: benefit.title(),
            detail,
            current: step.summary || step.benefit == Some(*benefit),
            pending: !reached.contains(benefit),
        })
        .collect();
    draw::item_list_ui(
        painter,
        theme,
        Rect::from_min_max(Pos2::new(inner.min.x, y), inner.max),
        &items,
        theme.small_size * 5.0,
    );
}

/// The model's outcome for `benefit`, in a line.
fn outcome(story: &Consolidation, benefit: Benefit) -> String {
    let step = |wanted: Benefit| story.steps.iter().rev().find(|s| s.benefit == Some(wanted));
    match benefit {
        Benefit::DifferentOses => step(benefit)
            .and_then(|s| s.placement.as_ref())
            .and_then(|placement| {
                let id = most_mixed(placement)?;
                let oses = placement.host(id)?.oses();
                Some(format!("host {}: {}", id.number(), oses.join(" + ")))
            })
            .unwrap_or_default(),
        Benefit::Consolidation => format!(
            "{} → {} machines, CAPEX −{:.0} %, OPEX −{:.0} %",
            story.before.machines,
            story.after.machines,
            (1.0 - story.after.capex_usd / story.before.capex_usd) * 100.0,
            (1.0 - story.after.opex_usd_year / story.before.opex_usd_year) * 100.0
        ),
        Benefit::Management => step(benefit)
            .and_then(|s| s.moving.as_ref())
            .map(|migration| {
                format!(
                    "{} rebalanced to host {}, paused {}",
                    migration.workload.workload().name,
                    migration.to.number(),
                    duration_secs(migration.summary.downtime_secs)
                )
            })
            .unwrap_or_default(),
        Benefit::Availability => step(benefit)
            .and_then(|s| s.placement.as_ref())
            .and_then(|p| {
                p.hosts()
                    .find(|(_, host)| host.state == HostState::Maintenance)
            })
            .map(|(id, _)| format!("host {} serviced, its VMs kept running", id.number()))
            .unwrap_or_default(),
        Benefit::Isolation => step(benefit)
            .and_then(|s| s.crashed.map(|w| (s, w)))
            .and_then(|(s, w)| {
                let placement = s.placement.as_ref()?;
                let host = placement.host(placement.host_of(w)?)?;
                Some(format!(
                    "{} crashed, {} neighbours running",
                    w.workload().name,
                    host.vms.len().saturating_sub(1)
                ))
            })
            .unwrap_or_default(),
    }
}
