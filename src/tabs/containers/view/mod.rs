//! Drawing the Containers tab's views: one file per view, shared helpers here.

pub mod architecture;
pub mod cli;
mod host;
pub mod immutable;
pub mod layers;
pub mod microservices;
mod microservices_tradeoffs;
pub mod service_models;
mod terminal;

use egui::{Color32, FontId, Painter, Pos2, Rect, Ui, Vec2};

use super::docker::ContainerState;
use super::model::View;
use super::scene::stepped::{PresetScene, SteppedPreset};
use crate::draw;
use crate::theme::{Role, Theme};
use crate::timeline::Timeline;

/// The preset picker of a stepped diagram: picking another preset shows it from its first step.
pub fn preset_picker_ui<P: SteppedPreset>(ui: &mut Ui, label: &str, scene: &mut PresetScene<P>) {
    ui.label(label);
    for preset in P::presets() {
        if ui
            .selectable_label(scene.preset == *preset, preset.preset_title())
            .clicked()
            && scene.preset != *preset
        {
            *scene = PresetScene::new(*preset);
        }
    }
}

/// The short name of a view in the view picker.
pub fn view_name(view: View) -> &'static str {
    match view {
        View::Architecture => "Architecture",
        View::Cli => "CLI sandbox",
        View::Layers => "Images and layers",
        View::Immutable => "Immutable infrastructure",
        View::Microservices => "Monolith vs microservices",
        View::ServiceModels => "IaaS vs PaaS vs containers",
    }
}

/// The label of the timeline's current mark (the step's caption).
pub fn step_caption(timeline: &Timeline) -> &str {
    timeline
        .marks()
        .get(timeline.current_mark())
        .map_or("", |mark| mark.label.as_str())
}

/// The fill, the symbol and the word for a container state: colour is never the only cue.
pub fn container_state_style(theme: &Theme, state: ContainerState) -> (Color32, &'static str) {
    match state {
        ContainerState::Running => (theme.fill(Role::Good), "▶ running"),
        ContainerState::Paused => (theme.fill(Role::Network), "⏸ paused"),
        ContainerState::Exited => (theme.fill(Role::Neutral), "■ exited"),
        ContainerState::Created => (theme.fill(Role::App), "○ created"),
    }
}

/// A small rounded tag with its text; returns its rectangle. `pos` is the left centre.
pub fn tag(painter: &Painter, theme: &Theme, pos: Pos2, text: &str, fill: Color32) -> Rect {
    tag_within(painter, theme, pos, text, fill, f32::INFINITY)
}

/// [`tag`] at most `width` points wide: a longer text wraps at spaces onto more lines below
/// the first (the tag keeps its top where a one-line tag has it).
pub fn tag_within(
    painter: &Painter,
    theme: &Theme,
    pos: Pos2,
    text: &str,
    fill: Color32,
    width: f32,
) -> Rect {
    let color = theme.text_on(fill);
    let pad = Vec2::new(theme.small_size * 0.35, theme.small_size * 0.1);
    let line_height = painter
        .layout_no_wrap(text.to_owned(), theme.small(), color)
        .size()
        .y;
    let galley = painter.layout(
        text.to_owned(),
        theme.small(),
        color,
        (width - 2.0 * pad.x).max(1.0),
    );
    let pos = Pos2::new(pos.x, pos.y + (galley.size().y - line_height) / 2.0);
    let rect = Rect::from_min_size(
        Pos2::new(pos.x, pos.y - galley.size().y / 2.0 - pad.y),
        galley.size() + 2.0 * pad,
    );
    painter.rect(rect, 3.0, fill, theme.thin(), egui::StrokeKind::Inside);
    painter.galley(rect.min + pad, galley, color);
    rect
}

pub use crate::draw::dashed_rect;

pub use crate::draw::panel;

/// Splits `rect` into a left part of `fraction` of its width and the rest, with a gap.
pub fn split_h(rect: Rect, fraction: f32, gap: f32) -> (Rect, Rect) {
    let left_width = (rect.width() - gap) * fraction;
    let left = Rect::from_min_size(rect.min, Vec2::new(left_width, rect.height()));
    let right = Rect::from_min_max(Pos2::new(left.max.x + gap, rect.min.y), rect.max);
    (left, right)
}

/// Smooth start and stop for moving tokens.
pub fn ease(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// [`captioned_canvas`] for a stepped diagram: its preset's title, and the current step's label
/// as the caption.
pub fn preset_canvas<P: SteppedPreset>(
    ui: &mut egui::Ui,
    theme: &Theme,
    scene: &PresetScene<P>,
) -> (Painter, Rect) {
    captioned_canvas(
        ui,
        theme,
        scene.preset.preset_title(),
        step_caption(&scene.timeline),
    )
}

/// `text` wrapped to `rect`'s width from its top-left corner and clipped to `rect`: a text too
/// long for it is cut at the bottom instead of drawing over what lies below.
pub fn text_in_rect(painter: &Painter, rect: Rect, text: &str, font: FontId, color: Color32) {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    draw::text_wrapped(&clipped, rect.min, text, font, color, rect.width());
}

/// Claims the rest of the `ui` as the canvas (so nothing else lays out over it), paints `title`
/// and `caption` at its top, and returns the painter and the inset area below them.
pub fn captioned_canvas(
    ui: &mut egui::Ui,
    theme: &Theme,
    title: &str,
    caption: &str,
) -> (Painter, Rect) {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let body = draw::caption(&painter, theme, rect, title, caption).shrink2(Vec2::new(12.0, 4.0));
    (painter, body)
}
