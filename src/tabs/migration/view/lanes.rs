//! Draws a [`LaneChart`] as an egui_plot timeline: the plot gives the time axis, its grid and
//! the pointer; one custom plot item paints the lanes in screen space (so hatching, minimum
//! widths and labels stay crisp at any zoom), the downtime marks and the "now" line.

use crate::units::duration_secs;
use std::ops::RangeInclusive;

use egui::{Color32, Pos2, Rect, Shape, Stroke, Ui, Vec2};
use egui_plot::{Plot, PlotBounds, PlotGeometry, PlotItem, PlotItemBase, PlotTransform};

use super::chart::{Block, LaneChart, Look};
use super::looks::{self, paint_block, paint_label, put_text, style};
use crate::draw;
use crate::theme::{Role, Theme};

/// Narrowest a block is drawn, in points, so a 1 ms downtime on a 40 s axis stays visible.
const MIN_BLOCK_PX: f32 = 4.0;

/// The rows of the chart inside the plot frame.
struct Rows {
    /// The band above the lanes for downtime marks (method charts only).
    band: Option<Rect>,
    /// Per lane: its heading line and its bar row.
    lanes: Vec<(Rect, Rect)>,
    /// The band under the lanes for the "now" label.
    now_band: Rect,
}

fn rows(frame: Rect, theme: &Theme, lanes: usize, with_band: bool) -> Rows {
    let line = theme.small_size * 1.35;
    let (left, right) = (frame.left(), frame.right());
    let mut top = frame.top() + 2.0;
    let band = with_band.then(|| {
        let band = Rect::from_x_y_ranges(left..=right, top..=top + line);
        top += line;
        band
    });
    let now_band = Rect::from_x_y_ranges(left..=right, frame.bottom() - line..=frame.bottom());
    let lane_height = ((now_band.top() - top - 2.0) / lanes.max(1) as f32).max(line + 6.0);
    let lanes = (0..lanes)
        .map(|i| {
            let lane_top = top + i as f32 * lane_height;
            let header = Rect::from_x_y_ranges(left..=right, lane_top..=lane_top + line);
            let bars =
                Rect::from_x_y_ranges(left..=right, header.bottom()..=lane_top + lane_height - 4.0);
            (header, bars)
        })
        .collect();
    Rows {
        band,
        lanes,
        now_band,
    }
}

/// The horizontal extent of a block, at least [`MIN_BLOCK_PX`] wide, inside the frame.
fn block_x(transform: &PlotTransform, start: f64, end: f64) -> (f32, f32) {
    let frame = transform.frame();
    let x0 = transform.position_from_point_x(start).max(frame.left());
    let x1 = transform.position_from_point_x(end).min(frame.right());
    if x1 - x0 >= MIN_BLOCK_PX {
        (x0, x1)
    } else {
        let x0 = x0.min(frame.right() - MIN_BLOCK_PX);
        (x0, x0 + MIN_BLOCK_PX)
    }
}

fn block_rect(transform: &PlotTransform, row: Rect, block: &Block) -> Rect {
    let (x0, x1) = block_x(transform, block.start_secs, block.end_secs);
    let y1 = row.bottom() - block.bottom * row.height();
    // A thin share of the link (demand faults) still gets two points.
    let y0 = (row.bottom() - block.top * row.height()).min(y1 - 2.0);
    Rect::from_x_y_ranges(x0..=x1, y0..=y1)
}

/// The plot item that paints the whole chart.
struct LanesItem<'a> {
    chart: &'a LaneChart,
    now_secs: f64,
    theme: &'a Theme,
    base: PlotItemBase,
}

impl PlotItem for LanesItem<'_> {
    fn shapes(&self, ui: &Ui, transform: &PlotTransform, shapes: &mut Vec<Shape>) {
        let theme = self.theme;
        let chart = self.chart;
        let painter = ui.painter();
        let rows = rows(
            *transform.frame(),
            theme,
            chart.lanes.len(),
            !chart.downtimes.is_empty(),
        );
        let mut current = Vec::new();
        for (lane, (header, row)) in chart.lanes.iter().zip(&rows.lanes) {
            let galley = painter.layout_no_wrap(lane.title.clone(), theme.small(), theme.text);
            shapes.push(Shape::galley(
                header.left_top() + Vec2::new(4.0, 0.0),
                galley,
                theme.text,
            ));
            shapes.push(Shape::line_segment(
                [row.left_bottom(), row.right_bottom()],
                Stroke::new(theme.stroke_thin, theme.faint),
            ));
            for block in &lane.blocks {
                let rect = block_rect(transform, *row, block);
                let block_style = style(block.look, theme);
                paint_block(shapes, rect, &block_style, theme);
                paint_label(
                    shapes,
                    painter,
                    rect,
                    [&block.label, &block.short],
                    &block_style,
                    theme,
                );
                if block.highlight && block.contains(self.now_secs, chart.end_secs) {
                    current.push(rect);
                }
            }
        }
        for rect in current {
            shapes.push(Shape::rect_stroke(
                rect.expand(1.0),
                2.0,
                theme.thick(theme.accent),
                egui::StrokeKind::Outside,
            ));
        }
        let lanes_top = rows
            .lanes
            .first()
            .map_or(rows.now_band.top(), |l| l.0.top());
        let lanes_bottom = rows.lanes.last().map_or(lanes_top, |l| l.1.bottom());
        if let Some(band) = rows.band {
            downtime_marks(shapes, painter, transform, chart, band, lanes_bottom, theme);
        }
        now_line(
            shapes,
            painter,
            transform,
            self.now_secs,
            lanes_top,
            rows.now_band,
            theme,
        );
    }

    fn initialize(&mut self, _x_range: RangeInclusive<f64>) {}

    fn color(&self) -> Color32 {
        self.theme.accent
    }

    fn geometry(&self) -> PlotGeometry<'_> {
        PlotGeometry::None
    }

    fn bounds(&self) -> PlotBounds {
        PlotBounds::from_min_max([0.0, 0.0], [self.chart.end_secs.max(1e-3), 1.0])
    }

    fn base(&self) -> &PlotItemBase {
        &self.base
    }

    fn base_mut(&mut self) -> &mut PlotItemBase {
        &mut self.base
    }
}

/// A bracket and its value over each downtime, with dashed edges down through the lanes.
fn downtime_marks(
    shapes: &mut Vec<Shape>,
    painter: &egui::Painter,
    transform: &PlotTransform,
    chart: &LaneChart,
    band: Rect,
    lanes_bottom: f32,
    theme: &Theme,
) {
    let color = theme.line(Role::Bad);
    let stroke = Stroke::new(theme.stroke_thick, color);
    for downtime in &chart.downtimes {
        let (x0, x1) = block_x(transform, downtime.start_secs, downtime.end_secs);
        let y = band.bottom() - 2.0;
        shapes.push(Shape::line_segment(
            [Pos2::new(x0, y), Pos2::new(x1, y)],
            stroke,
        ));
        let (dash, gap) = theme.dash(2);
        for x in [x0, x1] {
            shapes.extend(Shape::dashed_line(
                &[Pos2::new(x, y), Pos2::new(x, lanes_bottom)],
                Stroke::new(theme.stroke_thin, color),
                dash,
                gap,
            ));
        }
        let galley = painter.layout_no_wrap(downtime.text.clone(), theme.small(), theme.text);
        let half = galley.size().x / 2.0 + 4.0;
        let center_x = draw::clamp_into((x0 + x1) / 2.0, band.left() + half, band.right() - half);
        put_text(
            shapes,
            galley,
            Pos2::new(center_x, band.center().y - 2.0),
            true,
            theme.text,
            theme,
        );
    }
}

/// The vertical line at the timeline position and its label under the lanes.
fn now_line(
    shapes: &mut Vec<Shape>,
    painter: &egui::Painter,
    transform: &PlotTransform,
    now_secs: f64,
    top: f32,
    band: Rect,
    theme: &Theme,
) {
    let x = draw::clamp_into(
        transform.position_from_point_x(now_secs),
        band.left() + 1.0,
        band.right() - 1.0,
    );
    shapes.push(Shape::line_segment(
        [Pos2::new(x, top), Pos2::new(x, band.top() + 2.0)],
        theme.thick(theme.accent),
    ));
    let galley = painter.layout_no_wrap(
        format!("now {}", duration_secs(now_secs)),
        theme.small(),
        theme.text,
    );
    let half = galley.size().x / 2.0 + 4.0;
    let center = Pos2::new(
        draw::clamp_into(x, band.left() + half, band.right() - half),
        band.center().y,
    );
    put_text(shapes, galley, center, true, theme.text, theme);
}

/// How far a plot of `chart` must stay inside its room on each side so that the time axis's
/// labels, centred on their ticks, end inside it too (the last tick can sit at the plot's
/// right edge: "130 s"); `margin` is what the caller's clip already allows beyond the room.
pub fn axis_inset(ui: &Ui, chart: &LaneChart, margin: f32) -> f32 {
    // The plot labels its axis in the Body style; one decimal covers the widest tick label.
    let widest = format!("{:.1} s", chart.end_secs.max(0.0));
    let font = egui::TextStyle::Body.resolve(ui.style());
    let width = ui
        .painter()
        .layout_no_wrap(widest, font, egui::Color32::PLACEHOLDER)
        .size()
        .x;
    (width / 2.0 + 2.0 - margin).max(0.0)
}

/// Draws `chart` in a plot of `size` with the "now" line at `now_secs`; returns the time the
/// student clicked or dragged to, if any.
pub fn lanes_ui(
    ui: &mut Ui,
    theme: &Theme,
    id: &str,
    chart: &LaneChart,
    now_secs: f64,
    size: Vec2,
) -> Option<f64> {
    let end = chart.end_secs.max(1e-3);
    let response = Plot::new(id)
        .width(size.x)
        .height(size.y)
        .show_axes([true, false])
        .show_grid([true, false])
        .show_x(false)
        .show_y(false)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .set_margin_fraction(Vec2::ZERO)
        .x_axis_formatter(|mark, _| format!("{} s", mark.value))
        .show(ui, |plot_ui| {
            plot_ui.set_plot_bounds(PlotBounds::from_min_max([0.0, 0.0], [end, 1.0]));
            plot_ui.add(LanesItem {
                chart,
                now_secs,
                theme,
                base: PlotItemBase::new(format!("{id}-lanes")),
            });
        });
    let transform = response.transform;
    let plot = response.response;
    plot.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Figure,
            true,
            "Timeline chart: click or drag to move in time",
        )
    });
    if let Some(pos) = plot.hover_pos()
        && let Some(detail) = hovered_detail(&transform, chart, theme, pos)
    {
        plot.clone().on_hover_ui_at_pointer(|ui| {
            ui.set_max_width(theme.body_size * 24.0);
            ui.label(detail);
        });
    }
    if (plot.is_pointer_button_down_on() || plot.clicked())
        && let Some(pos) = plot.interact_pointer_pos()
    {
        return Some(transform.value_from_position(pos).x.clamp(0.0, end));
    }
    None
}

/// The hover sentence of the block under the pointer (transfers, listed last, win over the
/// traffic under them).
fn hovered_detail(
    transform: &PlotTransform,
    chart: &LaneChart,
    theme: &Theme,
    pos: Pos2,
) -> Option<String> {
    let rows = rows(
        *transform.frame(),
        theme,
        chart.lanes.len(),
        !chart.downtimes.is_empty(),
    );
    let (lane, (_, row)) = chart
        .lanes
        .iter()
        .zip(&rows.lanes)
        .find(|(_, (header, row))| header.union(*row).contains(pos))?;
    lane.blocks
        .iter()
        .rev()
        .find(|b| {
            block_rect(transform, *row, b)
                .expand2(Vec2::new(0.0, 2.0))
                .contains(pos)
        })
        .map(|b| b.detail.clone())
}

/// The looks a chart uses, in legend order.
pub fn looks_in(chart: &LaneChart) -> Vec<Look> {
    let order = [
        Look::Running,
        Look::Degraded,
        Look::Suspended,
        Look::Lost,
        Look::Serving,
        Look::Copy,
        Look::Prepage,
        Look::Faults,
    ];
    order
        .into_iter()
        .filter(|look| {
            chart
                .lanes
                .iter()
                .any(|lane| lane.blocks.iter().any(|b| b.look == *look))
        })
        .collect()
}

/// A one-line legend of `looks` from `pos`, wrapping within `width`; returns its height.
pub fn legend_ui(
    painter: &egui::Painter,
    theme: &Theme,
    pos: Pos2,
    width: f32,
    looks_shown: &[Look],
) -> f32 {
    let swatch = Vec2::new(theme.small_size * 2.0, theme.small_size);
    let line = theme.small_size * 1.5;
    let mut x = pos.x;
    let mut y = pos.y;
    let mut shapes = Vec::new();
    for look in looks_shown {
        let galley = painter.layout_no_wrap(
            looks::look_name(*look).to_owned(),
            theme.small(),
            theme.text,
        );
        let item_width = swatch.x + 6.0 + galley.size().x + 16.0;
        if x > pos.x && x + item_width > pos.x + width {
            x = pos.x;
            y += line;
        }
        let rect = Rect::from_min_size(Pos2::new(x, y + (line - swatch.y) / 2.0), swatch);
        let look_style = style(*look, theme);
        paint_block(&mut shapes, rect, &look_style, theme);
        if look_style.outline.width <= 0.0 {
            looks::outline(&mut shapes, rect, theme.thin(), false, theme);
        }
        shapes.push(Shape::galley(
            Pos2::new(rect.right() + 6.0, y + (line - galley.size().y) / 2.0),
            galley,
            theme.text,
        ));
        x += item_width;
    }
    painter.extend(shapes);
    y + line - pos.y
}
