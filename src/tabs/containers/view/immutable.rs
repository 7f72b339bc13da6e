//! The immutable-infrastructure view: a fleet being replaced or patched, and what a small fix costs.
//!
//! Every server box says its version, its hand-applied patches and its configuration letter, so
//! drift shows as letters multiplying, not only as colours. The cost bars add up the model's
//! (illustrative) durations for one small fix done both ways.

use egui::{Align2, Color32, Pos2, Rect, Stroke, Ui, Vec2};

use super::{preset_canvas, tag, text_in_rect};
use crate::draw;
use crate::draw::fit_text;
use crate::tabs::containers::model::immutable::{
    FleetParams, FleetStep, ImmutablePreset, LOAD_CURVE_RPS, SOURCES, replicas_for,
    small_fix_cost_secs,
};
use crate::tabs::containers::scene::stepped::PresetScene;
use crate::theme::{Role, Theme};

/// Fills for configurations A, B, C, ... (the letter is always written too).
const CONFIG_ROLES: [Role; 6] = [
    Role::Container,
    Role::App,
    Role::Warn,
    Role::Runtime,
    Role::Network,
    Role::Hypervisor,
];

/// The fill of configuration `config` (the fills repeat after six; the letter tells them apart).
fn config_fill(theme: &Theme, config: usize) -> Color32 {
    // In range: an index modulo the array's length is below that length.
    #[allow(clippy::indexing_slicing)]
    let role = CONFIG_ROLES[config % CONFIG_ROLES.len()];
    theme.fill(role)
}

/// The preset picker.
pub fn controls_ui(ui: &mut Ui, scene: &mut PresetScene<ImmutablePreset>) {
    super::preset_picker_ui(ui, "Scenario", scene);
}

/// Draws the view.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, scene: &PresetScene<ImmutablePreset>) {
    let (painter, body) = preset_canvas(ui, theme, scene);
    let Some(step) = scene.current() else {
        return;
    };
    // The largest type at which the fleet, the cost bars and every step of the history fit.
    let theme = &draw::fitted_theme(&painter, theme, |theme, painter| {
        let layout = Layout::new(painter, theme, body, scene, step);
        layout.needed <= body.height()
    });
    let layout = Layout::new(&painter, theme, body, scene, step);
    fleet_ui(ui, &painter, theme, layout.fleet, scene, step);
    let rest = Rect::from_min_max(
        Pos2::new(body.min.x, layout.fleet.max.y + GAP),
        Pos2::new(body.max.x, layout.sources.min.y - GAP),
    );
    match scene.preset {
        ImmutablePreset::Autoscale => load_ui(&painter, theme, rest, scene),
        _ => {
            let cost = Rect::from_min_size(rest.min, Vec2::new(rest.width(), layout.cost_height));
            let history = Rect::from_min_max(Pos2::new(rest.min.x, cost.max.y + GAP), rest.max);
            cost_ui(&painter, theme, cost, &FleetParams::default(), scene.preset);
            history_ui(&painter, theme, history, scene);
        }
    }
    draw::text_wrapped(
        &painter,
        layout.sources.min,
        &sources_text(),
        theme.small(),
        theme.text_muted,
        body.width(),
    );
}

/// Space between the panels.
const GAP: f32 = 10.0;

fn sources_text() -> String {
    let [morris, _, _, illustrative] = SOURCES;
    format!("Sources: {morris}; {illustrative}")
}

/// Where the view's parts go, and how much height they need in all.
struct Layout {
    fleet: Rect,
    cost_height: f32,
    sources: Rect,
    needed: f32,
}

impl Layout {
    fn new(
        painter: &egui::Painter,
        theme: &Theme,
        body: Rect,
        scene: &PresetScene<ImmutablePreset>,
        step: &FleetStep,
    ) -> Self {
        let panel_chrome = theme.body_size * 1.4 + 20.0;
        let sources_height =
            draw::text_height(painter, &sources_text(), theme.small(), body.width());
        let sources =
            Rect::from_min_max(Pos2::new(body.min.x, body.max.y - sources_height), body.max);
        // The fleet's boxes: a name, a version, the most patches any server carries, the tag.
        let count = step.servers.len().max(1);
        let per_row = count.min(((body.width() / (theme.body_size * 9.0)).floor() as usize).max(1));
        let rows = count.div_ceil(per_row) as f32;
        let patches = scene
            .steps
            .iter()
            .flat_map(|step| step.servers.iter().map(|server| server.patches.len()))
            .max()
            .unwrap_or(0) as f32;
        let box_height =
            theme.body_size * 1.4 + theme.small_size * (1.35 * (1.0 + patches) + 1.8) + 12.0;
        let fleet_height = panel_chrome + rows * box_height + (rows - 1.0) * GAP;
        let fleet = Rect::from_min_size(body.min, Vec2::new(body.width(), fleet_height));
        let (cost_height, rest_needed) = match scene.preset {
            ImmutablePreset::Autoscale => (0.0, theme.small_size * 12.0),
            _ => {
                let note_height = draw::text_height(
                    painter,
                    &cost_note(&FleetParams::default()),
                    theme.small(),
                    body.width() - 16.0,
                );
                let cost = panel_chrome + 2.0 * (theme.body_size * 2.2 + 8.0) + note_height;
                let history = panel_chrome + scene.steps.len() as f32 * history_row(theme);
                (cost, cost + GAP + history)
            }
        };
        Self {
            fleet,
            cost_height,
            sources,
            needed: fleet_height + GAP + rest_needed + GAP + sources_height,
        }
    }
}

/// The height of one row of the history.
fn history_row(theme: &Theme) -> f32 {
    theme.small_size * 1.4
}

fn fleet_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    scene: &PresetScene<ImmutablePreset>,
    step: &FleetStep,
) {
    let distinct = step.distinct_configurations();
    let heading = format!(
        "The fleet: {} {}, {} configuration{}{}   ·   {} s since the change began (this step {} s)",
        step.servers.len(),
        if scene.preset == ImmutablePreset::PatchInPlace {
            "servers"
        } else {
            "replicas"
        },
        distinct,
        if distinct == 1 { "" } else { "s" },
        if distinct > 2 { " (drift)" } else { "" },
        step.elapsed_secs,
        step.step_secs
    );
    let inner = super::panel(painter, theme, rect, &heading);
    let count = step.servers.len().max(1);
    let per_row = count.min(((inner.width() / (theme.body_size * 9.0)).floor() as usize).max(1));
    let rows = count.div_ceil(per_row);
    let gap = 10.0;
    let width = (inner.width() - gap * (per_row as f32 - 1.0)) / per_row as f32;
    let height = (inner.height() - gap * (rows as f32 - 1.0)) / rows as f32;
    let previous = scene
        .steps
        .get(scene.timeline.step().wrapping_sub(1))
        .filter(|_| scene.timeline.step() > 0);
    for (index, server) in step.servers.iter().enumerate() {
        let (row, col) = (index / per_row, index % per_row);
        let cell = Rect::from_min_size(
            Pos2::new(
                inner.min.x + col as f32 * (width + gap),
                inner.min.y + row as f32 * (height + gap),
            ),
            Vec2::new(width, height),
        );
        let (config, letter) = (server.config, server.letter());
        let fill = config_fill(theme, config);
        let changed = previous.is_none_or(|p| {
            p.servers
                .iter()
                .find(|s| s.name == server.name)
                .is_none_or(|s| s.config != server.config)
        }) && scene.timeline.step() > 0;
        let stroke = if changed {
            theme.thick(theme.accent)
        } else {
            theme.thin()
        };
        painter.rect(cell, 6.0, fill, stroke, egui::StrokeKind::Inside);
        let color = theme.text_on(fill);
        let label = format!(
            "{}: {} configuration {letter}{}",
            server.name,
            server.version,
            if server.patches.is_empty() {
                String::new()
            } else {
                format!(", patched with {}", server.patches.join(", "))
            }
        );
        draw::hit_region(
            ui,
            cell,
            egui::Id::unique(("containers-server", index)),
            &label,
        );
        let text_rect = cell.shrink(6.0);
        let name = fit_text(
            painter,
            text_rect.min,
            Align2::LEFT_TOP,
            &server.name,
            theme.body(),
            color,
            text_rect.width(),
        );
        let version = fit_text(
            painter,
            Pos2::new(text_rect.min.x, name.max.y),
            Align2::LEFT_TOP,
            &server.version,
            theme.small(),
            color,
            text_rect.width(),
        );
        let mut y = version.max.y + 2.0;
        for patch in &server.patches {
            if y + theme.small_size > text_rect.max.y - theme.small_size * 1.4 {
                break;
            }
            let used = fit_text(
                painter,
                Pos2::new(text_rect.min.x, y),
                Align2::LEFT_TOP,
                &format!("+ {patch}"),
                theme.small(),
                color,
                text_rect.width(),
            );
            y = used.max.y;
        }
        tag(
            painter,
            theme,
            Pos2::new(text_rect.min.x, text_rect.max.y - theme.small_size * 0.6),
            &format!("config {letter}"),
            theme.surface,
        );
        if changed {
            tag(
                painter,
                theme,
                Pos2::new(
                    cell.max.x - theme.small_size * 5.0,
                    cell.min.y + theme.small_size,
                ),
                "changed",
                theme.accent,
            );
        }
    }
}

/// A cost bar: its title, whether it is the scenario shown, and its (label, seconds, fill) parts.
type Bar<'a> = (&'a str, bool, Vec<(String, u32, Role)>);

/// One small fix both ways, as stacked bars of the model's durations.
fn cost_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    params: &FleetParams,
    preset: ImmutablePreset,
) {
    let (immutable, in_place) = small_fix_cost_secs(params);
    let inner = super::panel(
        painter,
        theme,
        rect,
        "One small fix: a full redeploy (immutable) versus a patch in place",
    );
    let rollout = params.servers as u32 * (params.start_secs + params.health_check_secs);
    let bars: [Bar<'_>; 2] = [
        (
            "Immutable: new image, replace every replica",
            preset == ImmutablePreset::ReplaceFleet,
            vec![
                (
                    format!("build {} s", params.build_secs),
                    params.build_secs,
                    Role::Runtime,
                ),
                (
                    format!("push {} s", params.push_secs),
                    params.push_secs,
                    Role::Network,
                ),
                (format!("roll out {rollout} s"), rollout, Role::Container),
            ],
        ),
        (
            "Mutable: log in and patch each server",
            preset == ImmutablePreset::PatchInPlace,
            vec![(
                format!(
                    "{} × patch {} s = {in_place} s",
                    params.servers, params.patch_secs
                ),
                in_place,
                Role::Warn,
            )],
        ),
    ];
    let longest = immutable.max(in_place).max(1) as f32;
    let label_width = (inner.width() * 0.28).max(theme.body_size * 10.0);
    let total_width = theme.body_size * 5.0;
    let bar_width = (inner.width() - label_width - total_width - 16.0).max(40.0);
    let row_height = theme.body_size * 2.2;
    for (index, (title, this_preset, segments)) in bars.iter().enumerate() {
        let y = inner.min.y + index as f32 * (row_height + 8.0);
        let label_rect = Rect::from_min_size(
            Pos2::new(inner.min.x, y),
            Vec2::new(label_width, row_height),
        );
        let title = if *this_preset {
            format!("▶ {title}")
        } else {
            (*title).to_owned()
        };
        let clipped = painter.with_clip_rect(label_rect);
        draw::text_wrapped(
            &clipped,
            label_rect.min,
            &title,
            theme.small(),
            theme.text,
            label_width - 6.0,
        );
        let mut x = label_rect.max.x + 6.0;
        let mut total = 0;
        for (text, secs, role) in segments {
            let width = bar_width * (*secs as f32 / longest);
            let segment =
                Rect::from_min_size(Pos2::new(x, y), Vec2::new(width.max(2.0), row_height));
            let fill = theme.fill(*role);
            let stroke = if *this_preset {
                Stroke::new(theme.stroke_thick, theme.outline)
            } else {
                theme.thin()
            };
            painter.rect(segment, 2.0, fill, stroke, egui::StrokeKind::Inside);
            fit_text(
                painter,
                segment.left_center() + Vec2::new(4.0, 0.0),
                Align2::LEFT_CENTER,
                text,
                theme.small(),
                theme.text_on(fill),
                segment.width() - 8.0,
            );
            x += width;
            total += secs;
        }
        painter.text(
            Pos2::new(x + 6.0, y + row_height / 2.0),
            Align2::LEFT_CENTER,
            format!("{total} s"),
            theme.body(),
            theme.text,
        );
    }
    let note = cost_note(params);
    let note_rect = Rect::from_min_max(
        Pos2::new(inner.min.x, inner.min.y + 2.0 * (row_height + 8.0)),
        inner.max,
    );
    text_in_rect(painter, note_rect, &note, theme.small(), theme.text);
}

/// What the cost bars add up, in words.
fn cost_note(params: &FleetParams) -> String {
    let (immutable, in_place) = small_fix_cost_secs(params);
    format!(
        "Roll out = {} replicas × ({} s start + {} s health check), one after another. The fix itself is one line either way: immutable takes {immutable} s and keeps every replica identical (scaling out is starting more copies); in place takes {in_place} s, but servers that miss a patch or get hand edits drift apart.",
        params.servers, params.start_secs, params.health_check_secs
    )
}

/// The autoscaler's load curve: one bar per step, the replicas it needs written above.
fn load_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    scene: &PresetScene<ImmutablePreset>,
) {
    let params = &FleetParams::default();
    let heading = format!(
        "Load and replicas: one replica handles {} requests/s; the autoscaler keeps {} to {}",
        params.replica_capacity_rps, params.min_replicas, params.max_replicas
    );
    let inner = super::panel(painter, theme, rect, &heading);
    let current = scene.timeline.step();
    let max_load = LOAD_CURVE_RPS.iter().copied().max().unwrap_or(1) as f32;
    let count = LOAD_CURVE_RPS.len() as f32;
    let gap = 8.0;
    let width = (inner.width() - gap * (count - 1.0)) / count;
    let label_height = theme.small_size * 2.6;
    let plot_height = (inner.height() - label_height).max(10.0);
    for (index, load) in LOAD_CURVE_RPS.iter().enumerate() {
        let height = plot_height * (*load as f32 / max_load);
        let x = inner.min.x + index as f32 * (width + gap);
        let bar = Rect::from_min_max(
            Pos2::new(
                x,
                inner.min.y + plot_height - height + theme.small_size * 1.3,
            ),
            Pos2::new(
                x + width,
                inner.min.y + plot_height + theme.small_size * 1.3,
            ),
        );
        let is_current = index == current;
        let fill = if is_current {
            theme.fill(Role::Warn)
        } else {
            theme.tint(Role::Warn)
        };
        let stroke = if is_current {
            theme.thick(theme.accent)
        } else {
            theme.thin()
        };
        painter.rect(bar, 2.0, fill, stroke, egui::StrokeKind::Inside);
        let replicas = replicas_for(*load, params);
        painter.text(
            bar.center_top() - Vec2::new(0.0, 2.0),
            Align2::CENTER_BOTTOM,
            format!("{replicas} replicas"),
            theme.small(),
            theme.text,
        );
        painter.text(
            bar.center_bottom() + Vec2::new(0.0, 2.0),
            Align2::CENTER_TOP,
            format!("{}{load} req/s", if is_current { "▶ " } else { "" }),
            theme.small(),
            theme.text,
        );
    }
}

/// The fleet's configurations step by step, up to the step shown: drift reads as letters spreading.
fn history_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    scene: &PresetScene<ImmutablePreset>,
) {
    if rect.height() < theme.body_size * 3.0 {
        return;
    }
    let inner = super::panel(painter, theme, rect, "Configurations step by step");
    let current = scene.timeline.step();
    let row = history_row(theme);
    let name_width = theme.small_size * 7.0;
    let time_width = theme.small_size * 4.5;
    for (index, step) in scene.steps.iter().enumerate().take(current + 1) {
        let y = inner.min.y + index as f32 * row;
        if y + row > inner.max.y + 1.0 {
            break;
        }
        let is_current = index == current;
        let name = format!("{}{}", if is_current { "▶ " } else { "" }, step.slug);
        fit_text(
            painter,
            Pos2::new(inner.min.x, y + row / 2.0),
            Align2::LEFT_CENTER,
            &name,
            theme.small(),
            theme.text,
            name_width - 4.0,
        );
        painter.text(
            Pos2::new(inner.min.x + name_width + time_width - 6.0, y + row / 2.0),
            Align2::RIGHT_CENTER,
            format!("{} s", step.elapsed_secs),
            theme.small(),
            theme.text,
        );
        let size = row - 3.0;
        let mut x = inner.min.x + name_width + time_width;
        for server in &step.servers {
            let (config, letter) = (server.config, server.letter());
            let fill = config_fill(theme, config);
            let square = Rect::from_min_size(Pos2::new(x, y + 1.0), Vec2::new(size * 1.4, size));
            let stroke = if is_current {
                theme.thick(theme.outline)
            } else {
                theme.thin()
            };
            painter.rect(square, 2.0, fill, stroke, egui::StrokeKind::Inside);
            painter.text(
                square.center(),
                Align2::CENTER_CENTER,
                letter.to_string(),
                theme.small(),
                theme.text_on(fill),
            );
            x += size * 1.4 + 3.0;
        }
        let distinct = step.distinct_configurations();
        fit_text(
            painter,
            Pos2::new(x + 8.0, y + row / 2.0),
            Align2::LEFT_CENTER,
            &format!(
                "{distinct} configuration{}",
                if distinct == 1 { "" } else { "s" }
            ),
            theme.small(),
            theme.text,
            (inner.max.x - x - 8.0).max(0.0),
        );
    }
}
