//! The monolith-versus-microservices view: the same shop drawn both ways, a request's path with the
//! cost of each hop, scaling one part, and one part failing.
//!
//! In the monolith the modules sit inside one process over one database, and a hop is a function
//! call; as microservices each module is a box with its own database and a hop crosses the network.
//! The latency numbers are the model's sourced orders of magnitude, and the source is on the canvas.

use egui::{Align2, Pos2, Rect, Shape, Stroke, Ui, Vec2};

use super::{preset_canvas, tag, text_in_rect};
use crate::draw;
use crate::draw::fit_text;
use crate::tabs::containers::model::microservices::{
    Architecture, DATACENTER_ROUND_TRIP_NS, FUNCTION_CALL_NS, Hop, MicroPreset, MicroStep, Module,
    Request, SOURCES, format_ns, hops, latency_ns, memory_to_scale_mib, surviving_requests,
};
use crate::tabs::containers::scene::stepped::PresetScene;
use crate::theme::{Role, Theme};

/// The preset picker.
pub fn controls_ui(ui: &mut Ui, scene: &mut PresetScene<MicroPreset>) {
    super::preset_picker_ui(ui, "Preset", scene);
}

/// Where a module sits on a 3 x 3 grid (column, row).
fn cell(module: Module) -> (usize, usize) {
    match module {
        Module::Web => (1, 0),
        Module::Users => (0, 1),
        Module::Cart => (1, 1),
        Module::Orders => (2, 1),
        Module::Catalog => (1, 2),
        Module::Payments => (2, 2),
    }
}

/// Draws the view.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, scene: &PresetScene<MicroPreset>) {
    let (painter, body) = preset_canvas(ui, theme, scene);
    let Some(step) = scene.current() else {
        return;
    };
    let [latencies, _, assumptions] = SOURCES;
    let source = format!("Source: {latencies} {assumptions}");
    // As tall as the wrapped source needs, so its last line is not cut on a projector.
    let source_height = draw::text_height(&painter, &source, theme.small(), body.width()) + 4.0;
    let main = Rect::from_min_max(body.min, Pos2::new(body.max.x, body.max.y - source_height));
    let (left, right) = super::split_h(main, 0.6, 14.0);
    let path = step_path(scene);
    diagram_ui(ui, &painter, theme, left, step, &path);
    match scene.preset {
        MicroPreset::Monolith | MicroPreset::Microservices => {
            latency_ui(&painter, theme, right, step, &path);
        }
        MicroPreset::ScaleOne => scaling_ui(&painter, theme, right, step),
        MicroPreset::ServiceFails => failure_ui(&painter, theme, right, step),
        MicroPreset::Principles | MicroPreset::Pros | MicroPreset::Cons => {
            if let Some(list) = scene.preset.tradeoffs() {
                super::microservices_tradeoffs::items_ui(&painter, theme, right, list, step);
            }
        }
    }
    draw::text_wrapped(
        &painter,
        Pos2::new(body.min.x, main.max.y + 4.0),
        &source,
        theme.small(),
        theme.text_muted,
        body.width(),
    );
}

/// The hops of the request up to this step: (hop, is it the current one).
fn step_path(scene: &PresetScene<MicroPreset>) -> Vec<(Hop, bool)> {
    let current = scene.timeline.step();
    scene
        .steps
        .iter()
        .take(current.saturating_add(1))
        .enumerate()
        .filter_map(|(index, step)| step.hop.map(|hop| (hop, index == current)))
        .collect()
}

fn diagram_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    step: &MicroStep,
    path: &[(Hop, bool)],
) {
    let monolith = step.architecture == Architecture::Monolith;
    let db_height = theme.body_size * 3.4;
    let grid = if monolith {
        // One process on one host, over one shared database.
        let host = Rect::from_min_max(
            rect.min,
            Pos2::new(rect.max.x, rect.max.y - db_height - 20.0),
        );
        let replicas = step.replicas.iter().map(|(_, n)| *n).max().unwrap_or(1);
        for copy in (1..replicas.min(4)).rev() {
            let shadow = host.translate(Vec2::splat(copy as f32 * 6.0));
            painter.rect(
                shadow,
                8.0,
                theme.surface,
                theme.thin(),
                egui::StrokeKind::Inside,
            );
        }
        let crashed = step.failed.is_some();
        let fill = if crashed {
            theme.tint(Role::Bad)
        } else {
            theme.tint(Role::App)
        };
        painter.rect(
            host,
            8.0,
            fill,
            theme.thick(theme.outline),
            egui::StrokeKind::Inside,
        );
        let heading = if crashed {
            "✖ one process: crashed, every module is down".to_owned()
        } else if replicas > 1 {
            format!("one process, one codebase ×{replicas} copies (the whole shop each time)")
        } else {
            "one process, one codebase, on one host".to_owned()
        };
        let used = fit_text(
            painter,
            host.left_top() + Vec2::new(8.0, 6.0),
            Align2::LEFT_TOP,
            &heading,
            theme.body(),
            theme.text,
            host.width() - 16.0,
        );
        let db = Rect::from_min_max(
            Pos2::new(
                rect.center().x - rect.width() * 0.14,
                rect.max.y - db_height,
            ),
            Pos2::new(rect.center().x + rect.width() * 0.14, rect.max.y),
        );
        database_ui(painter, theme, db, "one shared database", false);
        draw::arrow(
            painter,
            Pos2::new(db.center().x, host.max.y),
            Pos2::new(db.center().x, db.min.y),
            Stroke::new(theme.stroke_thin * 1.5, theme.outline),
        );
        Rect::from_min_max(
            Pos2::new(host.min.x + 10.0, used.max.y + 6.0),
            host.max - Vec2::splat(10.0),
        )
    } else {
        let net_y = rect.max.y - theme.small_size * 1.4;
        draw::dashed(
            painter,
            Pos2::new(rect.min.x, net_y),
            Pos2::new(rect.max.x, net_y),
            Stroke::new(theme.stroke_thin * 1.5, theme.line(Role::Network)),
            8.0,
            4.0,
        );
        painter.text(
            Pos2::new(rect.min.x, net_y + 2.0),
            Align2::LEFT_TOP,
            "the network: every call between services crosses it (HTTP or RPC)",
            theme.small(),
            theme.text,
        );
        let used = fit_text(
            painter,
            rect.min,
            Align2::LEFT_TOP,
            "microservices: one process per service, each with its own database",
            theme.body(),
            theme.text,
            rect.width(),
        );
        Rect::from_min_max(
            Pos2::new(rect.min.x, used.max.y + 6.0),
            Pos2::new(rect.max.x, net_y - 20.0),
        )
    };

    // Modules on a 3 x 3 grid.
    let gap = (grid.width() * 0.05).clamp(10.0, 40.0);
    let cell_w = (grid.width() - 2.0 * gap) / 3.0;
    // Badges wider than a service wrap (see `annotations_ui`): the bottom row's lines below
    // their first stay above the network line.
    let badge_extra = super::microservices_tradeoffs::badge_extra_height(
        painter,
        theme,
        step,
        cell_w * (1.0 - 2.0 * 0.06),
    );
    let cell_h = (grid.height() - badge_extra - 2.0 * gap) / 3.0;
    let module_rect = |module: Module| {
        let (col, row) = cell(module);
        let area = Rect::from_min_size(
            Pos2::new(
                grid.min.x + col as f32 * (cell_w + gap),
                grid.min.y + row as f32 * (cell_h + gap),
            ),
            Vec2::new(cell_w, cell_h),
        );
        area.shrink2(Vec2::new(area.width() * 0.06, area.height() * 0.08))
    };
    for module in Module::ALL {
        let area = module_rect(*module);
        let replicas = step
            .replicas
            .iter()
            .find(|(m, _)| m == module)
            .map_or(1, |(_, n)| *n);
        let down = step.failed == Some(*module) || (monolith && step.failed.is_some());
        if !monolith {
            for copy in (1..replicas.min(4)).rev() {
                let shadow = area.translate(Vec2::splat(copy as f32 * 5.0));
                painter.rect(
                    shadow,
                    5.0,
                    theme.surface,
                    theme.thin(),
                    egui::StrokeKind::Inside,
                );
            }
        }
        let fill = if down {
            theme.fill(Role::Bad)
        } else if monolith {
            theme.surface
        } else {
            theme.fill(Role::Container)
        };
        let on_path = path
            .iter()
            .any(|(hop, _)| hop.from == *module || hop.to == *module);
        let stroke = if on_path {
            theme.thick(theme.outline)
        } else {
            theme.thin()
        };
        let kind = if monolith { "module" } else { "service" };
        let state = if down {
            "✖ down".to_owned()
        } else if replicas > 1 {
            format!("×{replicas} instances")
        } else {
            kind.to_owned()
        };
        if monolith {
            draw::labelled_box(
                painter,
                theme,
                area,
                fill,
                stroke,
                module.name(),
                Some(&state),
            );
        } else {
            // A service owns its data: its database is drawn inside its box.
            painter.rect(area, 5.0, fill, stroke, egui::StrokeKind::Inside);
            let top = Rect::from_min_max(area.min, Pos2::new(area.max.x, area.center().y + 2.0));
            draw::labelled_box(
                painter,
                theme,
                top,
                fill,
                egui::Stroke::NONE,
                module.name(),
                Some(&state),
            );
            let db = Rect::from_min_max(
                Pos2::new(area.min.x + area.width() * 0.18, top.max.y),
                Pos2::new(area.max.x - area.width() * 0.18, area.max.y - 5.0),
            );
            database_ui(painter, theme, db, &format!("{} data", module.name()), down);
            painter.rect_stroke(area, 5.0, stroke, egui::StrokeKind::Inside);
        }
        let label = format!("{} {}: {state}", module.name(), kind);
        draw::hit_region(
            ui,
            area,
            egui::Id::unique(("containers-module", module.name())),
            &label,
        );
    }

    super::microservices_tradeoffs::annotations_ui(painter, theme, step, &module_rect);

    // The request path so far.
    for (index, (hop, is_current)) in path.iter().enumerate() {
        let (from, to) = (module_rect(hop.from), module_rect(hop.to));
        let (a, b) = border_points(from, to);
        let stroke = if *is_current {
            Stroke::new(theme.stroke_thick * 1.4, theme.accent)
        } else {
            Stroke::new(theme.stroke_thin * 1.5, theme.text_muted)
        };
        draw::arrow(painter, a, b, stroke);
        let mid = a + (b - a) * 0.5;
        // Each call is numbered on its arrow; the list beside the diagram says what it costs
        // (whole words on every arrow ran into each other where arrows meet).
        let text = (index + 1).to_string();
        let fill = if *is_current {
            theme.accent
        } else {
            theme.surface
        };
        let galley = painter.layout_no_wrap(text.clone(), theme.small(), theme.text);
        tag(
            painter,
            theme,
            mid - Vec2::new(galley.size().x / 2.0 + 4.0, 0.0),
            &text,
            fill,
        );
    }
}

/// Where the line between two box centres leaves `from` and enters `to`.
pub(super) fn border_points(from: Rect, to: Rect) -> (Pos2, Pos2) {
    let exit = |rect: Rect, toward: Pos2| {
        let d = toward - rect.center();
        let sx = if d.x.abs() > 1e-3 {
            rect.width() / 2.0 / d.x.abs()
        } else {
            f32::INFINITY
        };
        let sy = if d.y.abs() > 1e-3 {
            rect.height() / 2.0 / d.y.abs()
        } else {
            f32::INFINITY
        };
        rect.center() + d * sx.min(sy).min(1.0)
    };
    (exit(from, to.center()), exit(to, from.center()))
}

/// A database as a cylinder with its label.
fn database_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, label: &str, down: bool) {
    let fill = if down {
        theme.tint(Role::Bad)
    } else {
        theme.tint(Role::HostKernel)
    };
    let lid = (rect.height() * 0.18).min(8.0);
    let body = Rect::from_min_max(
        rect.min + Vec2::new(0.0, lid),
        rect.max - Vec2::new(0.0, lid),
    );
    painter.rect_filled(body, 0.0, fill);
    let radius = Vec2::new(rect.width() / 2.0, lid);
    let stroke = theme.thin();
    painter.add(Shape::ellipse_filled(
        Pos2::new(rect.center().x, body.max.y),
        radius,
        fill,
    ));
    painter.add(Shape::ellipse_stroke(
        Pos2::new(rect.center().x, body.max.y),
        radius,
        stroke,
    ));
    painter.line_segment([body.left_top(), body.left_bottom()], stroke);
    painter.line_segment([body.right_top(), body.right_bottom()], stroke);
    painter.add(Shape::ellipse_filled(
        Pos2::new(rect.center().x, body.min.y),
        radius,
        fill,
    ));
    painter.add(Shape::ellipse_stroke(
        Pos2::new(rect.center().x, body.min.y),
        radius,
        stroke,
    ));
    fit_text(
        painter,
        body.center() - Vec2::new(0.0, lid * 0.2),
        Align2::CENTER_CENTER,
        label,
        theme.small(),
        theme.text,
        rect.width() - 4.0,
    );
}

/// The hops so far with their cost, and both architectures' totals.
fn latency_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    step: &MicroStep,
    path: &[(Hop, bool)],
) {
    let request = Request::PlaceOrder;
    let inner = super::panel(
        painter,
        theme,
        rect,
        &format!(
            "Latency of \"{}\" (calls one after another)",
            request.name()
        ),
    );
    let call_kind = match step.architecture {
        Architecture::Monolith => "function call",
        Architecture::Microservices => "network round trip",
    };
    let row = theme.small_size * 1.45;
    let mut y = inner.min.y;
    let all = hops(request, step.architecture);
    for (index, hop) in all.iter().enumerate() {
        let reached = index < path.len();
        let current = path.get(index).is_some_and(|(_, c)| *c);
        let text = format!(
            "{}{} {} → {}: {call_kind} {} + query {}",
            if current { "▶ " } else { "" },
            index + 1,
            hop.from.name(),
            hop.to.name(),
            format_ns(hop.call_ns),
            format_ns(hop.db_ns)
        );
        fit_text(
            painter,
            Pos2::new(inner.min.x, y),
            Align2::LEFT_TOP,
            &text,
            theme.small(),
            if reached {
                theme.text
            } else {
                theme.text_muted
            },
            inner.width(),
        );
        y += row;
    }
    y += row * 0.4;
    fit_text(
        painter,
        Pos2::new(inner.min.x, y),
        Align2::LEFT_TOP,
        &format!("So far: {}", format_ns(step.elapsed_ns)),
        theme.body(),
        theme.text,
        inner.width(),
    );
    y += row * 1.5;

    // Both totals as bars, and the two call costs with their orders of magnitude.
    let monolith = latency_ns(request, Architecture::Monolith);
    let micro = latency_ns(request, Architecture::Microservices);
    let longest = monolith.max(micro) as f32;
    for (name, total, arch) in [
        ("monolith", monolith, Architecture::Monolith),
        ("microservices", micro, Architecture::Microservices),
    ] {
        if y + row * 1.2 > inner.max.y {
            break;
        }
        let label_width = theme.small_size * 8.0;
        let bar_max = inner.width() - label_width - theme.small_size * 5.0;
        let width = (bar_max * total as f32 / longest).max(2.0);
        let this = arch == step.architecture;
        painter.text(
            Pos2::new(inner.min.x, y + row * 0.5),
            Align2::LEFT_CENTER,
            if this {
                format!("▶ {name}")
            } else {
                name.to_owned()
            },
            theme.small(),
            theme.text,
        );
        let bar = Rect::from_min_size(
            Pos2::new(inner.min.x + label_width, y + 2.0),
            Vec2::new(width, row - 4.0),
        );
        let fill = theme.fill(if arch == Architecture::Monolith {
            Role::App
        } else {
            Role::Container
        });
        painter.rect(bar, 2.0, fill, theme.thin(), egui::StrokeKind::Inside);
        painter.text(
            Pos2::new(bar.max.x + 4.0, y + row * 0.5),
            Align2::LEFT_CENTER,
            format_ns(total),
            theme.small(),
            theme.text,
        );
        y += row * 1.2;
    }
    let note = format!(
        "A function call is about {} (order of a memory reference); a round trip inside a datacenter about {}: {}× more. The 1 ms query is the same both ways.",
        format_ns(FUNCTION_CALL_NS),
        format_ns(DATACENTER_ROUND_TRIP_NS),
        DATACENTER_ROUND_TRIP_NS / FUNCTION_CALL_NS
    );
    let note_rect = Rect::from_min_max(Pos2::new(inner.min.x, y + 4.0), inner.max);
    text_in_rect(painter, note_rect, &note, theme.small(), theme.text);
}

/// Memory for four catalog instances, both ways.
fn scaling_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, step: &MicroStep) {
    let inner = super::panel(painter, theme, rect, "Scaling the catalog to 4 instances");
    let replicas = 4;
    let rows = [
        (
            "monolith: 4 copies of everything",
            memory_to_scale_mib(Module::Catalog, replicas, Architecture::Monolith),
            Architecture::Monolith,
        ),
        (
            "microservices: 4 catalogs, 1 of the rest",
            memory_to_scale_mib(Module::Catalog, replicas, Architecture::Microservices),
            Architecture::Microservices,
        ),
    ];
    let longest = rows.iter().map(|r| r.1).max().unwrap_or(1) as f32;
    let row = theme.body_size * 2.4;
    let scaled = step.replicas.iter().any(|(_, n)| *n > 1);
    for (index, (label, mib, arch)) in rows.iter().enumerate() {
        let y = inner.min.y + index as f32 * (row + theme.small_size * 1.6);
        let this = scaled && *arch == step.architecture;
        let marker = if this { "▶ " } else { "" };
        painter.text(
            Pos2::new(inner.min.x, y),
            Align2::LEFT_TOP,
            format!("{marker}{label}"),
            theme.small(),
            theme.text,
        );
        let bar = Rect::from_min_size(
            Pos2::new(inner.min.x, y + theme.small_size * 1.4),
            Vec2::new(
                ((inner.width() - theme.body_size * 5.0) * *mib as f32 / longest).max(2.0),
                row * 0.55,
            ),
        );
        let stroke = if this {
            theme.thick(theme.outline)
        } else {
            theme.thin()
        };
        painter.rect(
            bar,
            2.0,
            theme.fill(Role::Runtime),
            stroke,
            egui::StrokeKind::Inside,
        );
        painter.text(
            bar.right_center() + Vec2::new(6.0, 0.0),
            Align2::LEFT_CENTER,
            format!("{mib} MiB"),
            theme.body(),
            theme.text,
        );
    }
    let note_y = inner.min.y + 2.0 * (row + theme.small_size * 1.6);
    let note_rect = Rect::from_min_max(Pos2::new(inner.min.x, note_y), inner.max);
    text_in_rect(
        painter,
        note_rect,
        "Memory per module is an illustrative assumption (catalog 300 MiB, the shop 1250 MiB in all).",
        theme.small(),
        theme.text_muted,
    );
}

/// Which requests still work with payments down, both ways.
fn failure_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, step: &MicroStep) {
    let Some(failed) = step.failed else {
        return;
    };
    let inner = super::panel(
        painter,
        theme,
        rect,
        &format!("{} is down: which requests still work?", failed.name()),
    );
    let row = theme.body_size * 1.6;
    let mut y = inner.min.y;
    for arch in [Architecture::Monolith, Architecture::Microservices] {
        let this = arch == step.architecture;
        let name = match arch {
            Architecture::Monolith => "Monolith",
            Architecture::Microservices => "Microservices",
        };
        painter.text(
            Pos2::new(inner.min.x, y),
            Align2::LEFT_TOP,
            if this {
                format!("▶ {name}")
            } else {
                name.to_owned()
            },
            theme.body(),
            theme.text,
        );
        y += row;
        for (request, works) in surviving_requests(failed, arch) {
            let (fill, word) = if works {
                (theme.fill(Role::Good), "✔ works")
            } else {
                (theme.fill(Role::Bad), "✖ fails")
            };
            let tag_rect = tag(
                painter,
                theme,
                Pos2::new(inner.min.x + 10.0, y + row * 0.4),
                word,
                fill,
            );
            painter.text(
                Pos2::new(tag_rect.max.x + 8.0, y + row * 0.4),
                Align2::LEFT_CENTER,
                request.name(),
                theme.small(),
                theme.text,
            );
            y += row * 0.9;
        }
        y += row * 0.4;
        if y > inner.max.y {
            break;
        }
    }
}
