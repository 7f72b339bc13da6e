//! The canvas of one method: title and caption, the parameters, the timeline with its legend,
//! the page grid and the numbers.
//!
//! Layout comes from the available rectangle and the theme's text sizes, so it holds from
//! 1280x720 in the app (with the controls above) to 1920x1080 exports and the projector theme.

use egui::{Pos2, Rect, Ui, UiBuilder, Vec2};

use super::grid_ui::{self, GridCache, GridLayout, MAX_CELLS};
use super::lanes_ui::{self, lanes_ui, looks_in};
use super::link::Scene;
use super::model::{MigrationTimeline, PAGE_SIZE_BYTES, format_bytes};
use super::numbers_ui::numbers_ui;
use super::sim::Simulation;
use super::text::params_line;
use crate::draw;
use crate::theme::Theme;

/// Space around the canvas content, in points.
pub const MARGIN: f32 = 12.0;

/// The title of a scene: the view and the preset, flagged when sliders changed it.
pub fn title(scene: &Scene, view_title: &str) -> String {
    format!(
        "{view_title}: {}{}",
        scene.preset.title(),
        if scene.is_customized() {
            " (parameters changed)"
        } else {
            ""
        }
    )
}

/// Runs `add` in a child Ui confined to `rect` and clipped to it plus the canvas margin (so
/// axis labels at the edges are not cut).
pub fn in_rect<R>(ui: &mut Ui, rect: Rect, add: impl FnOnce(&mut Ui) -> R) -> R {
    let mut child = ui.new_child(UiBuilder::new().max_rect(rect));
    child.set_clip_rect(rect.expand(MARGIN).intersect(ui.clip_rect()));
    add(&mut child)
}

/// The title, caption and parameter line; returns the rectangle left for the content.
pub fn header_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    title: &str,
    caption: &str,
    scene: &Scene,
) -> Rect {
    let body = draw::caption(painter, theme, rect, title, caption);
    let params = draw::text_wrapped(
        painter,
        Pos2::new(body.min.x + MARGIN, body.min.y - 4.0),
        &params_line(&scene.params),
        theme.small(),
        theme.text_muted,
        body.width() - 2.0 * MARGIN,
    );
    Rect::from_min_max(
        Pos2::new(body.min.x + MARGIN, params.max.y + 6.0),
        Pos2::new(body.max.x - MARGIN, body.max.y - 6.0),
    )
}

/// The height a chart of `lanes` lanes needs to keep its bars tall enough for a label: the
/// bands, each lane's heading and bar, and the time axis.
pub fn plot_min_height(theme: &Theme, lanes: usize) -> f32 {
    let line = theme.small_size * 1.35;
    let axis = theme.body_size * 1.6;
    2.0 * line + lanes as f32 * (line + theme.small_size * 1.8) + axis + 8.0
}

/// Draws one method's scene at `now_secs`; returns a time the student clicked on the chart.
pub fn method_canvas_ui(
    ui: &mut Ui,
    theme: &Theme,
    scene: &Scene,
    sim: &Simulation,
    grid: &mut GridCache,
    generation: u64,
    now_secs: f64,
) -> Option<f64> {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let tl = &sim.timelines[0];
    let state = tl.state_at(now_secs);
    let caption = &tl.phase_at(now_secs).label;
    let content = header_ui(
        &painter,
        theme,
        rect,
        &title(scene, tl.mode.title()),
        caption,
        scene,
    );

    // The timeline and its legend across the top.
    let plot_height = (content.height() * 0.44)
        .max(plot_min_height(theme, 3))
        .min(420.0_f32.max(content.height() * 0.44))
        .min(content.height() * 0.62);
    let plot_rect = Rect::from_min_size(content.min, Vec2::new(content.width(), plot_height));
    let seek = in_rect(ui, plot_rect, |ui| {
        lanes_ui(
            ui,
            theme,
            "migration-lanes",
            &sim.chart,
            now_secs,
            plot_rect.size(),
        )
    });
    let legend_height = lanes_ui::legend_ui(
        &painter,
        theme,
        Pos2::new(content.min.x, plot_rect.max.y + 4.0),
        content.width(),
        &looks_in(&sim.chart),
    );

    // The page grid (left) and the numbers (right) below.
    let lower = Rect::from_min_max(
        Pos2::new(content.min.x, plot_rect.max.y + legend_height + 10.0),
        content.max,
    );
    let grid_width = (lower.width() * 0.32).max(theme.body_size * 12.0);
    let grid_rect = Rect::from_min_max(lower.min, Pos2::new(lower.min.x + grid_width, lower.max.y));
    let steps_width = (lower.width() * 0.22).max(theme.body_size * 11.0);
    let steps_rect = Rect::from_min_max(
        Pos2::new(grid_rect.max.x + 2.0 * MARGIN, lower.min.y),
        Pos2::new(grid_rect.max.x + 2.0 * MARGIN + steps_width, lower.max.y),
    );
    super::steps_ui::steps_ui(ui, theme, steps_rect, tl, now_secs);
    grid_area_ui(
        ui, &painter, theme, grid_rect, tl, &state, grid, generation, now_secs,
    );
    let numbers_rect = Rect::from_min_max(
        Pos2::new(steps_rect.max.x + 2.0 * MARGIN, lower.min.y),
        lower.max,
    );
    in_rect(ui, numbers_rect, |ui| {
        numbers_ui(ui, theme, tl, &state, scene.preset);
    });
    seek
}

/// The page grid with its heading and legend in `rect`.
#[expect(clippy::too_many_arguments)]
fn grid_area_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    tl: &MigrationTimeline,
    state: &super::model::VmState,
    cache: &mut GridCache,
    generation: u64,
    now_secs: f64,
) {
    let heading = painter.text(
        rect.min,
        egui::Align2::LEFT_TOP,
        "Guest memory, page by page",
        theme.body(),
        theme.text,
    );
    let min_cell = (theme.small_size * 0.55).max(6.0);
    let pages = tl.params.memory_pages();
    let mark_hot = tl.params.wss_pages() < pages;
    // The legend and its scale wrap to the width: measure them (at a first guess of the grid),
    // then give the grid the rest, so the scale is never cut at the bottom.
    let cells_area = |reserve: f32| {
        Rect::from_min_max(
            Pos2::new(rect.min.x, heading.max.y + 4.0),
            Pos2::new(rect.max.x, rect.max.y - reserve),
        )
    };
    let guess = grid_ui::grid_layout(
        cells_area(theme.small_size * 1.5 * 4.2).size(),
        pages,
        min_cell,
        MAX_CELLS,
    );
    let legend_reserve = draw::measuring(painter, |invisible| {
        grid_ui::legend_ui(
            invisible,
            theme,
            rect.min,
            rect.width(),
            tl,
            state,
            &guess,
            mark_hot,
        )
    }) + 10.0;
    let cells_area = cells_area(legend_reserve);
    let layout: GridLayout = grid_ui::grid_layout(cells_area.size(), pages, min_cell, MAX_CELLS);
    let cells = cache.cells(generation, 0, tl, now_secs, layout.cells);
    let used = grid_ui::grid_ui(painter, theme, cells_area, &layout, cells, mark_hot);
    let pages_left = state.pages_remaining;
    draw::hit_region(
        ui,
        used,
        egui::Id::unique("migration-page-grid"),
        &format!(
            "Memory page grid: {} still to send",
            format_bytes(pages_left * PAGE_SIZE_BYTES as f64)
        ),
    );
    grid_ui::legend_ui(
        painter,
        theme,
        Pos2::new(rect.min.x, used.max.y + 6.0),
        rect.width(),
        tl,
        state,
        &layout,
        mark_hot,
    );
}
