//! The four swim lanes (guest application, guest kernel, VMM, hardware) with the code each one runs,
//! the current instruction highlighted, and the step's control transfer as an arrow between lanes.
//!
//! Lanes are horizontal bands sized by how many lines they need. Listings are set in the largest
//! monospace size (down to the theme's legible minimum) at which every lane fits, with the aligned
//! columns when they fit the width and the compact form otherwise; a line still too long wraps
//! at a space onto an indented row instead of being cut. Only when even that does not fit (a
//! small window, the two columns of a comparison) does a listing show an excerpt around the
//! highlighted line, with a note naming its lines. The arrow lives in a
//! gutter at the right of the bands so it never covers code; its token slides along it as the
//! timeline plays.
//!
//! This file lays the bands out and draws their headers; [`fit`] sizes them, [`contents`] fills
//! each lane, [`listing`] draws one listing and [`transfer`] the arrow.

mod contents;
mod fit;
mod listing;
mod transfer;

use egui::{Painter, Pos2, Rect, Stroke, Ui, Vec2};

use super::super::model::Mode;
use super::super::model::trace::Lane;
use super::super::scene::RunData;
use super::{label_region, lane_privilege, lane_role, lane_title};
use crate::draw;
use crate::theme::Theme;
use contents::{app_ui, hardware_ui, kernel_ui, vmm_ui};
use fit::{header_font, header_heights, lane_heights, listing_fit, row_height};
use listing::Shown;
use transfer::transfer_ui;

/// Vertical gap between lanes.
const GAP: f32 = 4.0;

/// Draws the lanes of `data` at `step` into `rect`. `prefix` starts every accessible label (empty in
/// the run view, the mode's title when comparing).
#[expect(clippy::too_many_arguments)]
pub fn lanes_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    data: &RunData,
    step_index: usize,
    fraction: f64,
    prefix: &str,
) {
    let Some(step) = data.trace.step(step_index) else {
        return;
    };
    let mode = data.mode();
    let gutter_width = (rect.width() * 0.12).clamp(theme.small_size * 5.5, theme.small_size * 9.0);
    let bands = Rect::from_min_max(rect.min, Pos2::new(rect.max.x - gutter_width, rect.max.y));
    let gutter = Rect::from_min_max(Pos2::new(bands.max.x, rect.min.y), rect.max);
    let header_width = (bands.width() * 0.2).clamp(theme.small_size * 9.5, theme.body_size * 11.0);
    let header_min = header_heights(painter, theme, header_width, mode);
    let body_width = bands.width() - header_width - 10.0;
    let (listing_theme, wanted) =
        listing_fit(painter, theme, data, body_width, header_min, bands.height());
    let theme = &listing_theme;
    let row = row_height(theme);

    let heights = lane_heights(wanted, row, header_min, bands.height());
    let mut y = bands.min.y;
    let mut anchors = [0.0; 4];
    for ((lane, height), anchor) in Lane::ALL.iter().zip(heights).zip(&mut anchors) {
        let band = Rect::from_min_size(Pos2::new(bands.min.x, y), Vec2::new(bands.width(), height));
        *anchor = band.center().y;
        y += height + GAP;
        let running = step.lane == *lane;
        let header = Rect::from_min_max(band.min, Pos2::new(band.min.x + header_width, band.max.y));
        let body = Rect::from_min_max(
            Pos2::new(header.max.x + 6.0, band.min.y + 3.0),
            band.max - Vec2::new(4.0, 3.0),
        );
        let role = lane_role(*lane);
        painter.rect(
            band,
            6.0,
            theme.tint(role),
            theme.thin(),
            egui::StrokeKind::Inside,
        );
        header_ui(painter, theme, header, *lane, mode, running);
        if running {
            painter.rect_stroke(
                band,
                6.0,
                theme.thick(theme.accent),
                egui::StrokeKind::Inside,
            );
        }
        let state = if running { ", running" } else { "" };
        label_region(ui, header, (prefix, lane.slug()), || {
            format!("{prefix}{} lane{state}", lane_title(*lane, mode))
        });
        let shown = match lane {
            Lane::GuestApp => app_ui(painter, theme, body, data, step, row),
            Lane::GuestKernel => kernel_ui(painter, theme, body, data, step_index, row),
            Lane::Vmm => vmm_ui(painter, theme, body, mode, step, row),
            Lane::Hardware => {
                hardware_ui(painter, theme, body, data, step_index);
                Shown::default()
            }
        };
        if let Some(y) = shown.anchor_y {
            *anchor = y;
        }
        if let Some((line_rect, text)) = shown.current {
            label_region(ui, line_rect, (prefix, "current"), || {
                format!("{prefix}Current line: {}", text.trim())
            });
        }
    }
    if let Some(transfer) = step.transfer {
        let lane_y = |lane: Lane| {
            (Lane::ALL.iter().zip(anchors))
                .find(|(l, _)| **l == lane)
                .map_or(gutter.center().y, |(_, y)| y)
        };
        transfer_ui(
            ui,
            painter,
            theme,
            gutter,
            step,
            transfer,
            lane_y(transfer.from),
            lane_y(transfer.to),
            fraction,
            prefix,
        );
    }
}

fn header_ui(
    painter: &Painter,
    theme: &Theme,
    header: Rect,
    lane: Lane,
    mode: Mode,
    running: bool,
) {
    let fill = theme.fill(lane_role(lane));
    painter.rect(header, 6.0, fill, Stroke::NONE, egui::StrokeKind::Inside);
    let color = theme.text_on(fill);
    let inner = header.shrink(6.0);
    let clipped = painter.with_clip_rect(header.intersect(painter.clip_rect()));
    // The running lane's title starts with "▸" (besides the accent outline): the same width
    // is measured for every lane, so titles do not rewrap from step to step.
    let name = running_title(lane, mode);
    let shown = if running {
        name.clone()
    } else {
        name.replacen(RUNNING_MARK, "", 1)
    };
    let font = header_font(painter, theme, &name, inner.width());
    let title = draw::text_wrapped(&clipped, inner.min, &shown, font, color, inner.width());
    draw::text_wrapped(
        &clipped,
        Pos2::new(inner.min.x, title.max.y),
        lane_privilege(lane, mode),
        theme.small(),
        color,
        inner.width(),
    );
}

/// What starts the running lane's title.
const RUNNING_MARK: &str = "▸ ";

/// A lane's title as the running lane shows it.
fn running_title(lane: Lane, mode: Mode) -> String {
    format!("{RUNNING_MARK}{}", lane_title(lane, mode))
}
