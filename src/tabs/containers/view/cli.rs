//! The CLI sandbox view: a terminal beside a live diagram of the simulated host.
//!
//! The terminal runs what the student types in the sandbox at the step shown; the diagram shows the
//! registry, the local images as layer stacks and the containers on them (state by colour and by
//! word), marking what the command just changed.

use egui::{Align2, Pos2, Rect, Ui, Vec2};

use super::host::{self, Changes};
use super::{captioned_canvas, split_h, step_caption, terminal};
use crate::draw;
use crate::draw::fit_text;
use crate::tabs::containers::docker::CliPreset;
use crate::tabs::containers::docker::human_duration;
use crate::tabs::containers::scene::cli::{CliScene, CliSource};
use crate::theme::Theme;

/// Preset picker and a fresh sandbox.
pub fn controls_ui(ui: &mut Ui, scene: &mut CliScene) {
    ui.label("Script");
    for preset in CliPreset::ALL {
        let selected = scene.source == CliSource::Preset(*preset);
        if ui
            .selectable_label(selected, preset.slug())
            .on_hover_text(preset.title())
            .clicked()
            && !selected
        {
            let link =
                crate::tabs::containers::link::view_link(crate::tabs::containers::model::View::Cli)
                    .with("preset", preset.slug());
            if let Ok(fresh) = CliScene::from_link(&link) {
                *scene = fresh;
            }
        }
    }
    ui.separator();
    if ui
        .button("New empty sandbox")
        .on_hover_text("No images, no containers: type your own commands")
        .clicked()
    {
        *scene = CliScene::empty();
    }
}

/// Draws the view.
pub fn canvas_ui(ui: &mut Ui, theme: &Theme, scene: &mut CliScene) {
    let title = match scene.source {
        CliSource::Preset(preset) => format!("docker CLI sandbox: {}", preset.title()),
        CliSource::Script => "docker CLI sandbox: your session".to_owned(),
    };
    let caption = if scene.trace.steps.is_empty() {
        "A fresh Docker host with no images and no containers. Type a command in the terminal; `help` lists some to try."
    } else {
        step_caption(&scene.timeline)
    };
    let (painter, body) = captioned_canvas(ui, theme, &title, caption);
    let (left, right) = split_h(body, 0.47, 14.0);
    terminal::terminal_ui(ui, theme, left, scene);
    diagram_ui(ui, &painter, theme, right, scene);
}

fn diagram_ui(ui: &Ui, painter: &egui::Painter, theme: &Theme, rect: Rect, scene: &CliScene) {
    let sandbox = scene.sandbox();
    let engine = &sandbox.engine;
    let changes = Changes::from_events(
        scene
            .current()
            .map_or(&[][..], |(_, step)| step.events.as_slice()),
    );
    let registry_height = theme.body_size * 1.6 + theme.small_size * 2.0 + 16.0;
    let registry = Rect::from_min_size(rect.min, Vec2::new(rect.width(), registry_height));
    host::registry_ui(painter, theme, registry, engine);

    // Networks and the simulated clock, wrapped at the bottom.
    let networks: Vec<&str> = engine.networks.iter().map(|n| n.name.as_str()).collect();
    let footer = format!(
        "Networks: {}    Simulated time: {} since the sandbox started (each typed line takes 2 s)",
        networks.join(", "),
        human_duration(engine.now_ms).to_lowercase()
    );
    let footer_height = draw::text_height(painter, &footer, theme.small(), rect.width());
    let host_rect = Rect::from_min_max(
        Pos2::new(rect.min.x, registry.max.y + 8.0),
        Pos2::new(rect.max.x, rect.max.y - footer_height - 4.0),
    );
    let downloaded = changes.downloaded.len();
    let heading = if downloaded > 0 {
        let layers = if downloaded == 1 { "layer" } else { "layers" };
        format!(
            "This host: local images and containers  (↓ {downloaded} {layers} pulled from the registry now)"
        )
    } else {
        "This host: local images (read-only layers) and containers (writable layers)".to_owned()
    };
    let inner = super::panel(painter, theme, host_rect, &heading);
    let mut area = inner;
    if !changes.removed.is_empty() {
        let text = format!(
            "✖ removed now, with their writable layers: {}",
            changes.removed.join(", ")
        );
        let used = fit_text(
            painter,
            area.min,
            Align2::LEFT_TOP,
            &text,
            theme.small(),
            theme.text,
            area.width(),
        );
        area.min.y = used.max.y + 4.0;
    }
    let columns = host::columns(engine);
    if columns.is_empty() {
        draw::text_centered(
            painter,
            area,
            "No local images yet: docker pull or docker run downloads one from the registry.",
            theme.body(),
            theme.text_muted,
        );
    } else {
        host::columns_ui(
            ui,
            painter,
            theme,
            area,
            engine,
            &columns,
            &changes,
            &|_| None,
            false,
        );
    }

    draw::text_wrapped(
        painter,
        Pos2::new(rect.min.x, rect.max.y - footer_height),
        &footer,
        theme.small(),
        theme.text_muted,
        rect.width(),
    );
}
