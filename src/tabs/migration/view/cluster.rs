//! Draws the cluster view: three hosts with their CPU load and VMs, the live migration of the
//! step with the pre-copy model's numbers, the three reasons to migrate (the current one
//! emphasised) and the migrations done so far.

use crate::units::{bytes_approx, duration_secs};
use egui::{Align2, Pos2, Rect, Stroke, Ui, Vec2};

use crate::draw;
use crate::tabs::migration::model::cluster::{
    ClusterStep, Health, Move, OVERLOAD_PCT, Reason, rounds,
};
use crate::tabs::migration::scene::cluster::ClusterScene;
use crate::theme::{Role, Theme};

/// The preset picker.
pub fn controls_ui(ui: &mut Ui, scene: &mut ClusterScene) {
    ui.label("Why migrate?");
    for reason in Reason::ALL {
        if ui
            .selectable_label(scene.reason == reason, reason.title())
            .on_hover_text(reason.purpose())
            .clicked()
            && scene.reason != reason
        {
            scene.set_reason(reason);
        }
    }
}

/// Where the view's numbers come from.
const SOURCES: &str = "Each move is a pre-copy live migration simulated by this tab's model at QEMU's default 128 MiB/s (Clark et al., NSDI 2005, name these uses: fault management, load balancing, maintenance); the VMs, their loads and write rates are illustrative";

/// Draws the view.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, scene: &ClusterScene) {
    let title = format!("Why VMs are migrated: {}", scene.reason.title());
    let Some(step) = scene.current() else {
        // The model could not simulate the preset: the caption says why, where the picture was.
        let error = scene.error.as_deref().unwrap_or_default();
        draw::split_canvas(ui, theme, &title, error, SOURCES, 0.62);
        return;
    };
    let canvas = draw::split_canvas(ui, theme, &title, &step.caption, SOURCES, 0.62);
    let (painter, theme) = (&canvas.painter, &canvas.theme);
    hosts_ui(ui, painter, theme, canvas.main, step);
    reasons_ui(painter, theme, canvas.side, scene, step);
}

fn health_role(health: Health) -> Role {
    match health {
        Health::Ok => Role::Hardware,
        Health::Maintenance => Role::Network,
        Health::Failing => Role::Warn,
        Health::Failed => Role::Bad,
    }
}

/// The hosts side by side.
fn hosts_ui(ui: &Ui, painter: &egui::Painter, theme: &Theme, rect: Rect, step: &ClusterStep) {
    let cluster = &step.cluster;
    let count = cluster.hosts().len().max(1);
    let gap = 14.0;
    let width = (rect.width() - gap * (count as f32 - 1.0)) / count as f32;
    let slots = cluster
        .hosts()
        .iter()
        .map(|h| h.vms.len())
        .max()
        .unwrap_or(0)
        + 1;
    let vm_height = theme.body_size * 3.0;
    let height = (theme.body_size * 5.2 + slots as f32 * (vm_height + 6.0)).min(rect.height());
    // Where the moving VM is drawn and the free slot it lands in (each with its host), and the
    // row every host keeps free below its VMs, found while drawing.
    let mut leaving = None;
    let mut landing = None;
    let mut lane_y = rect.max.y;
    for (index, host) in cluster.hosts().iter().enumerate() {
        let host_rect = Rect::from_min_size(
            Pos2::new(rect.min.x + index as f32 * (width + gap), rect.min.y),
            Vec2::new(width, height),
        );
        let fill = theme.tint(health_role(host.health));
        let involved = step
            .moving
            .as_ref()
            .is_some_and(|m| m.from == host.id || m.to == host.id);
        let stroke = if involved || host.health != Health::Ok {
            theme.thick(theme.outline)
        } else {
            theme.thin()
        };
        painter.rect(host_rect, 6.0, fill, stroke, egui::StrokeKind::Inside);
        let inner = host_rect.shrink(8.0);
        let title = draw::fit_text(
            painter,
            inner.min,
            Align2::LEFT_TOP,
            host.name(),
            theme.body(),
            theme.text,
            inner.width(),
        );
        let state = draw::fit_text(
            painter,
            Pos2::new(inner.min.x, title.max.y + 1.0),
            Align2::LEFT_TOP,
            host.health.word(),
            theme.small(),
            theme.text,
            inner.width(),
        );
        let bar = Rect::from_min_size(
            Pos2::new(inner.min.x, state.max.y + 6.0),
            Vec2::new(
                inner.width() - theme.small_size * 5.2,
                theme.small_size * 1.1,
            ),
        );
        load_bar_ui(painter, theme, bar, host.load_pct());
        let vm_area = Rect::from_min_max(Pos2::new(inner.min.x, bar.max.y + 10.0), inner.max);
        let slot = |n: usize| {
            Rect::from_min_size(
                Pos2::new(vm_area.min.x, vm_area.min.y + n as f32 * (vm_height + 6.0)),
                Vec2::new(vm_area.width(), vm_height),
            )
        };
        lane_y = slot(slots - 1).center().y;
        if step.moving.as_ref().is_some_and(|m| m.to == host.id) {
            landing = Some((slot(host.vms.len()), host_rect, fill));
        }
        for (n, &vm) in host.vms.iter().enumerate() {
            let vm_rect = slot(n);
            let info = vm.vm();
            draw::hit_region(
                ui,
                vm_rect,
                egui::Id::unique(("cluster-vm", vm)),
                &format!(
                    "VM {} on {}: {} GiB, {:.0} % CPU",
                    info.name,
                    host.name(),
                    info.memory_gib,
                    info.cpu_pct
                ),
            );
            let moving = step.moving.as_ref().is_some_and(|m| m.vm == vm);
            if moving {
                leaving = Some((vm_rect, host_rect));
            }
            let stroke = if moving {
                theme.thick(theme.accent)
            } else {
                theme.thin()
            };
            draw::labelled_box(
                painter,
                theme,
                vm_rect,
                theme.fill(Role::GuestKernel),
                stroke,
                &format!("VM {}", info.name),
                Some(&format!(
                    "{} GiB · {:.0} % CPU",
                    info.memory_gib, info.cpu_pct
                )),
            );
        }
    }
    if let (Some(change), Some((from, from_host)), Some((to, to_host, host_fill))) =
        (&step.moving, leaving, landing)
    {
        let route = draw::HostMove {
            from,
            from_host,
            landing: to,
            to_host,
            gap,
            lane_y,
        };
        migration_arrow_ui(painter, theme, change, &route, host_fill);
    }
}

/// CPU load with the overload threshold marked.
fn load_bar_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, load_pct: f64) {
    painter.rect(
        rect,
        2.0,
        theme.canvas,
        theme.thin(),
        egui::StrokeKind::Inside,
    );
    let share = (load_pct / 100.0).clamp(0.0, 1.0) as f32;
    let over = load_pct > OVERLOAD_PCT;
    let fill = if over {
        theme.fill(Role::Bad)
    } else {
        theme.fill(Role::Good)
    };
    painter.rect_filled(
        Rect::from_min_size(rect.min, Vec2::new(rect.width() * share, rect.height())).shrink(1.0),
        1.0,
        fill,
    );
    let x = rect.min.x + rect.width() * (OVERLOAD_PCT / 100.0) as f32;
    painter.line_segment(
        [
            Pos2::new(x, rect.min.y - 3.0),
            Pos2::new(x, rect.max.y + 3.0),
        ],
        Stroke::new(theme.stroke_thick, theme.outline),
    );
    painter.text(
        Pos2::new(rect.max.x + 4.0, rect.center().y),
        Align2::LEFT_CENTER,
        format!("{load_pct:.0} % CPU{}", if over { " ⚠" } else { "" }),
        theme.small(),
        theme.text,
    );
}

/// The VM's path to its landing slot, which carries the model's numbers.
fn migration_arrow_ui(
    painter: &egui::Painter,
    theme: &Theme,
    change: &Move,
    route: &draw::HostMove,
    host_fill: egui::Color32,
) {
    draw::labelled_box(
        painter,
        theme,
        route.landing,
        host_fill,
        Stroke::NONE,
        &format!("{} arriving", change.vm.vm().name),
        Some(&format!(
            "live {} · paused {}",
            duration_secs(change.summary.total_secs),
            duration_secs(change.summary.downtime_secs)
        )),
    );
    draw::dashed_rect(
        painter,
        route.landing,
        Stroke::new(theme.stroke_thick, theme.accent),
        theme.dash(1),
    );
    route.arrow(painter, Stroke::new(theme.stroke_thick * 1.4, theme.accent));
}

/// The three reasons with the current one emphasised, then this scenario's migrations.
fn reasons_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    scene: &ClusterScene,
    step: &ClusterStep,
) {
    let inner = draw::panel(painter, theme, rect, "Three reasons to migrate a VM");
    let details: Vec<String> = Reason::ALL
        .iter()
        .zip(&scene.outcomes)
        .map(|(reason, outcome)| format!("to {}: {outcome}", reason.purpose()))
        .collect();
    let items: Vec<draw::ListItem<'_>> = Reason::ALL
        .iter()
        .zip(&details)
        .map(|(this, detail)| draw::ListItem {
            title: this.title(),
            detail,
            current: *this == scene.reason,
            pending: false,
        })
        .collect();
    let mut y = draw::item_list_ui(painter, theme, inner, &items, theme.small_size * 4.4);
    y += theme.small_size;
    let log = draw::fit_text(
        painter,
        Pos2::new(inner.min.x, y),
        Align2::LEFT_TOP,
        "Migrations so far (pre-copy model)",
        theme.body(),
        theme.text,
        inner.width(),
    );
    y = log.max.y + 4.0;
    let moves: Vec<(&Move, bool)> = step
        .done
        .iter()
        .map(|change| (change, false))
        .chain(step.moving.iter().map(|change| (change, true)))
        .collect();
    if moves.is_empty() {
        draw::fit_text(
            painter,
            Pos2::new(inner.min.x, y),
            Align2::LEFT_TOP,
            "none yet",
            theme.small(),
            theme.text_muted,
            inner.width(),
        );
    }
    for (change, under_way) in moves {
        if y + theme.small_size * 2.6 > inner.max.y {
            break;
        }
        let first = draw::fit_text(
            painter,
            Pos2::new(inner.min.x, y),
            Align2::LEFT_TOP,
            &format!(
                "{}{}: {} → {}",
                if under_way { "▶ " } else { "✔ " },
                change.vm.vm().name,
                change.from.name(),
                change.to.name()
            ),
            theme.small(),
            theme.text,
            inner.width(),
        );
        let second = draw::fit_text(
            painter,
            Pos2::new(inner.min.x + 12.0, first.max.y),
            Align2::LEFT_TOP,
            &format!(
                "{} · {} sent · {} in all · downtime {}",
                rounds(change.summary.rounds),
                bytes_approx(change.summary.total_bytes),
                duration_secs(change.summary.total_secs),
                duration_secs(change.summary.downtime_secs)
            ),
            theme.small(),
            theme.text_muted,
            inner.width() - 12.0,
        );
        y = second.max.y + 4.0;
    }
}
