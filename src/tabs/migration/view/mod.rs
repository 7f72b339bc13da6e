//! The canvas of one method: title and caption, the parameters, the timeline with its legend,
//! the page grid and the numbers.
//!
//! Layout comes from the available rectangle and the theme's text sizes, so it holds from
//! 1280x720 in the app (with the controls above) to 1920x1080 exports and the projector theme.
//!
//! A quiz question's scene (`hide=future`) shows the migration only as far as the position: the
//! chart up to now on an axis that does not reveal the end ([`hidden_axis_end`]), the state now
//! and the rules, but no outcome, totals, rounds or verdict: those are what the questions ask.

pub(super) mod chart;
pub(super) mod cluster;
pub(super) mod compare;
pub(super) mod controls;
pub(super) mod grid;
pub(super) mod lanes;
pub(super) mod looks;
pub(super) mod numbers;
pub(super) mod steps;
pub(super) mod text;

use crate::units::bytes_approx;
use egui::{Pos2, Rect, Ui, UiBuilder, Vec2};

use super::link::Scene;
use super::model::{MigrationTimeline, PAGE_SIZE_BYTES, Params};
use super::scene::method::Simulation;
use crate::draw;
use crate::theme::Theme;
use grid::{GridCache, GridLayout, MAX_CELLS};
use lanes::{lanes_ui, looks_in};
use numbers::numbers_ui;
use text::params_line;

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
    in_room(ui, rect, rect, add)
}

/// [`in_rect`] for content placed inside a larger `room` (a plot kept clear of the edges for
/// its axis labels): clipped to the room plus the canvas margin.
pub fn in_room<R>(ui: &mut Ui, rect: Rect, room: Rect, add: impl FnOnce(&mut Ui) -> R) -> R {
    let mut child = ui.new_child(UiBuilder::new().max_rect(rect));
    child.set_clip_rect(room.expand(MARGIN).intersect(ui.clip_rect()));
    add(&mut child)
}

/// `room` narrowed on both sides so that a timeline plot of `chart` in it keeps its axis
/// labels inside the room plus the canvas margin.
pub fn plot_in(ui: &Ui, chart: &chart::LaneChart, room: Rect) -> Rect {
    let inset = lanes::axis_inset(ui, chart, MARGIN);
    Rect::from_min_max(
        room.min + Vec2::new(inset, 0.0),
        room.max - Vec2::new(inset, 0.0),
    )
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

/// The end of the time axis of a chart shown only up to `now_secs`: twice the time one copy of
/// memory takes at the link's full rate, doubled as often as the position needs, so the axis
/// says nothing of when the migration ends.
pub fn hidden_axis_end(params: &Params, now_secs: f64) -> f64 {
    let one_copy = params.memory_pages() as f64 / params.bandwidth_pages_s();
    let mut end = (2.0 * one_copy).max(1e-3);
    while end < 1.1 * now_secs {
        end *= 2.0;
    }
    end
}

/// The chart a scene shows at `now_secs`: the whole run's, or the part up to now when the
/// scene hides what lies ahead (`None`: draw `sim.chart` itself).
pub fn shown_chart(scene: &Scene, sim: &Simulation, now_secs: f64) -> Option<chart::LaneChart> {
    scene.hide_future.then(|| {
        sim.chart
            .until(now_secs, hidden_axis_end(&scene.params, now_secs))
    })
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
    // A method's simulation holds exactly its one timeline.
    let tl = sim.timelines.first()?;
    let state = tl.state_at(now_secs);
    let cut = shown_chart(scene, sim, now_secs);
    let chart = cut.as_ref().unwrap_or(&sim.chart);
    let hide = scene.hide_future;
    let caption = &tl.phase_at(now_secs).label;
    let content = header_ui(
        &painter,
        theme,
        rect,
        &title(scene, tl.mode.title()),
        caption,
        scene,
    );

    // The timeline and its legend across the top, the page grid, the steps and the numbers
    // below. The lower row gets the height its texts need, from the plot down to the plot's
    // minimum, then by type shrunk towards the legible minimum (a 1280x720 projector).
    let preferred_plot = (content.height() * 0.44)
        .max(plot_min_height(theme, 3))
        .min(420.0_f32.max(content.height() * 0.44))
        .min(content.height() * 0.62);
    let min_plot = plot_min_height(theme, 3).min(preferred_plot);
    let looks = looks_in(chart);
    let legend_height = draw::measuring(&painter, |invisible| {
        lanes::legend_ui(invisible, theme, content.min, content.width(), &looks)
    });
    let grid_width = (content.width() * 0.32).max(theme.body_size * 12.0);
    let steps_width = (content.width() * 0.22).max(theme.body_size * 11.0);
    let steps_left = content.min.x + grid_width + 2.0 * MARGIN;
    let numbers_left = steps_left + steps_width + 2.0 * MARGIN;
    let columns = |top: f32| {
        let steps = Rect::from_min_max(
            Pos2::new(steps_left, top),
            Pos2::new(steps_left + steps_width, content.max.y),
        );
        let numbers = Rect::from_min_max(Pos2::new(numbers_left, top), content.max);
        (steps, numbers)
    };
    let lower_top = |plot: f32| content.min.y + plot + legend_height + 10.0;
    // The height the steps and the numbers need at `theme` (the numbers without the source
    // and the note, which show whole when there is room and are left out when not).
    let mut needed = |lower_theme: &Theme, painter: &egui::Painter, with_notes: bool| {
        let (steps, numbers) = columns(content.min.y);
        let steps_end = steps::steps_ui(ui, painter, lower_theme, steps, tl, now_secs);
        let numbers_end = numbers_end(ui, lower_theme, numbers, (tl, &state), scene, with_notes);
        steps_end.max(numbers_end) - content.min.y
    };
    let full = draw::measuring(&painter, |invisible| needed(theme, invisible, true));
    let plot_height = draw::clamp_into(
        content.max.y - full - legend_height - 10.0 - content.min.y,
        min_plot,
        preferred_plot,
    );
    let room = content.max.y - lower_top(min_plot);
    let lower_theme = draw::fitted_theme(&painter, theme, |candidate, invisible| {
        needed(candidate, invisible, false) <= room
    });
    let plot_room = Rect::from_min_size(content.min, Vec2::new(content.width(), plot_height));
    let plot_rect = plot_in(ui, chart, plot_room);
    let seek = in_room(ui, plot_rect, plot_room, |ui| {
        lanes_ui(
            ui,
            theme,
            "migration-lanes",
            chart,
            now_secs,
            plot_rect.size(),
        )
    });
    lanes::legend_ui(
        &painter,
        theme,
        Pos2::new(content.min.x, plot_room.max.y + 4.0),
        content.width(),
        &looks,
    );

    let lower = Rect::from_min_max(
        Pos2::new(content.min.x, lower_top(plot_height)),
        content.max,
    );
    let grid_rect = Rect::from_min_max(lower.min, Pos2::new(lower.min.x + grid_width, lower.max.y));
    let (steps_rect, numbers_rect) = columns(lower.min.y);
    steps::steps_ui(
        ui,
        &ui.painter_at(steps_rect),
        &lower_theme,
        steps_rect,
        tl,
        now_secs,
    );
    grid_area_ui(
        ui, &painter, theme, grid_rect, tl, &state, grid, generation, now_secs,
    );
    in_rect(ui, numbers_rect, |ui| {
        numbers_ui(ui, &lower_theme, (tl, &state), (scene.preset, hide), true);
    });
    seek
}

/// Where the numbers of `tl` end when laid out in `rect` (measured in an invisible child, as
/// they are real labels); `with_notes` counts the source line and the note too.
fn numbers_end(
    ui: &mut Ui,
    theme: &Theme,
    rect: Rect,
    (tl, state): (&MigrationTimeline, &super::model::VmState),
    scene: &Scene,
    with_notes: bool,
) -> f32 {
    let unbounded = Rect::from_min_size(rect.min, Vec2::new(rect.width(), 100_000.0));
    let mut child = ui.new_child(
        UiBuilder::new()
            .max_rect(unbounded)
            .invisible()
            .id_salt("migration-numbers-measure"),
    );
    numbers_ui(
        &mut child,
        theme,
        (tl, state),
        (scene.preset, scene.hide_future),
        with_notes,
    );
    child.min_rect().max.y
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
    let guess = grid::grid_layout(
        cells_area(theme.small_size * 1.5 * 4.2).size(),
        pages,
        min_cell,
        MAX_CELLS,
    );
    let legend_reserve = draw::measuring(painter, |invisible| {
        grid::legend_ui(
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
    let layout: GridLayout = grid::grid_layout(cells_area.size(), pages, min_cell, MAX_CELLS);
    let cells = cache.cells(generation, 0, tl, now_secs, layout.cells);
    let used = grid::grid_ui(painter, theme, cells_area, &layout, cells, mark_hot);
    let pages_left = state.pages_remaining;
    draw::hit_region(
        ui,
        used,
        egui::Id::unique("migration-page-grid"),
        &format!(
            "Memory page grid: {} still to send",
            bytes_approx(pages_left * PAGE_SIZE_BYTES as f64)
        ),
    );
    grid::legend_ui(
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
