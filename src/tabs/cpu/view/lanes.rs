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

use egui::{Align2, FontId, Painter, Pos2, Rect, Stroke, Ui, Vec2};

use super::super::model::Mode;
use super::super::model::trace::{Lane, ListingRef, Step, Transfer};
use super::super::scene::RunData;
use super::{ease, label_region, lane_privilege, lane_role, lane_title, thousands};
use crate::draw;
use crate::theme::{Role, Theme};

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

/// Height of one listing line.
fn row_height(theme: &Theme) -> f32 {
    theme.mono_size * 1.32
}

/// Advance of a Hack glyph per point of font size (1233 of its 2048 units per em).
const MONO_ADVANCE: f32 = 0.602;

/// How many monospace characters fit in `width` points at `theme`'s listing size, after the
/// room for the `▸` marker.
fn columns(theme: &Theme, width: f32) -> usize {
    let marker = row_height(theme) * 0.9 + 4.0;
    ((width - marker) / (theme.mono_size * MONO_ADVANCE))
        .floor()
        .max(8.0) as usize
}

/// `text` cut into rows of at most `columns` characters, at spaces where possible; rows after the
/// first are indented by two spaces so they read as the same line.
fn wrap_line(text: &str, columns: usize) -> Vec<String> {
    let indent = "  ";
    let rest = columns.saturating_sub(indent.len()).max(4);
    draw::wrap_monospace(text, columns, rest)
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            if index == 0 {
                row
            } else {
                format!("{indent}{row}")
            }
        })
        .collect()
}

/// The rows a listing takes at `columns` characters per row.
fn wrapped_rows(lines: &[String], columns: usize) -> usize {
    lines
        .iter()
        .map(|line| wrap_line(line, columns).len())
        .sum()
}

/// The listing to show at `columns` characters: the aligned one when every line fits, else the
/// compact one (which wraps where it must).
fn fitting<'a>(columns: usize, full: &'a [String], compact: &'a [String]) -> &'a [String] {
    if full
        .iter()
        .all(|line| line.trim_end().chars().count() <= columns)
    {
        full
    } else {
        compact
    }
}

/// The width of the guest kernel's source column and of its translated block (binary
/// translation splits the kernel lane in two).
///
/// Translated blocks are short; the block column is as wide as their longest line (between 30 %
/// and 54 % of the lane), and the source, whose lines are longer, takes the rest.
fn split_widths(theme: &Theme, data: &RunData, body_width: f32) -> (f32, f32) {
    let longest = data
        .blocks
        .iter()
        .flatten()
        .map(|line| line.trim_end().chars().count())
        .max()
        .unwrap_or(0);
    let wanted = (longest + 1) as f32 * theme.mono_size * MONO_ADVANCE + row_height(theme) + 8.0;
    let block = draw::clamp_into(wanted, body_width * 0.3, body_width * 0.54);
    (body_width - block - 6.0, block - 6.0)
}

/// How many rows each lane would like at `theme`'s listing size in a body `body_width` wide.
fn wanted_rows(painter: &Painter, theme: &Theme, data: &RunData, body_width: f32) -> [f32; 4] {
    let app_columns = columns(theme, body_width);
    let app = fitting(app_columns, &data.app, &data.app_compact);
    let kernel = if data.mode() == Mode::BinaryTranslation {
        let (source, block) = split_widths(theme, data, body_width);
        let (source, block) = if columns(theme, source) >= NARROWEST_LISTING {
            (source, block)
        } else {
            (body_width, body_width)
        };
        let source_columns = columns(theme, source);
        let row = row_height(theme);
        // Each column's heading (the longest the block column shows), in rows.
        let heading_rows = |text: &str, width: f32| {
            (draw::text_height(painter, text, theme.small(), width) / row).max(1.0)
        };
        let source_rows = wrapped_rows(
            fitting(source_columns, &data.kernel, &data.kernel_compact),
            source_columns,
        ) as f32
            + heading_rows(SOURCE_TITLE, source);
        // The tallest heading the column shows: empty, or any block's (a long start label).
        let block_heading = (0..data.trace.blocks.len())
            .map(Some)
            .chain([None])
            .map(|shown| heading_rows(&block_title(data, shown), block))
            .fold(1.0, f32::max);
        let block_rows = data
            .blocks
            .iter()
            .map(|lines| wrapped_rows(lines, columns(theme, block)))
            .max()
            .unwrap_or(0) as f32
            + block_heading;
        source_rows.max(block_rows)
    } else {
        let kernel_columns = columns(theme, body_width);
        wrapped_rows(
            fitting(kernel_columns, &data.kernel, &data.kernel_compact),
            kernel_columns,
        ) as f32
    };
    let vmm = vmm_rows(painter, theme, data, body_width);
    [
        wrapped_rows(app, app_columns).max(1) as f32,
        kernel,
        vmm,
        2.0,
    ]
}

/// The theme with the largest listing size (from the theme's own down to its legible minimum)
/// at which every lane fits `available` points, and the rows each lane then wants.
fn listing_fit(
    painter: &Painter,
    theme: &Theme,
    data: &RunData,
    body_width: f32,
    header_min: [f32; 4],
    available: f32,
) -> (Theme, [f32; 4]) {
    let mut size = theme.mono_size;
    loop {
        let candidate = Theme {
            mono_size: size,
            ..theme.clone()
        };
        let wanted = wanted_rows(painter, &candidate, data, body_width);
        let row = row_height(&candidate);
        let height: f32 = wanted
            .iter()
            .zip(header_min)
            .map(|(rows, header)| (rows * row + 8.0).max(header))
            .sum::<f32>()
            + GAP * 3.0;
        let smaller = (size * 0.94).max(theme.min_text_size);
        if height <= available || smaller >= size {
            return (candidate, wanted);
        }
        size = smaller;
    }
}

/// The height each lane's header needs: its title (as the running lane shows it) and where the
/// code really runs.
fn header_heights(painter: &Painter, theme: &Theme, header_width: f32, mode: Mode) -> [f32; 4] {
    let inner = header_width - 12.0;
    let mut heights = [0.0; 4];
    for (height, lane) in heights.iter_mut().zip(Lane::ALL) {
        let name = running_title(*lane, mode);
        let title = header_font(painter, theme, &name, inner);
        *height = draw::text_height(painter, &name, title, inner)
            + draw::text_height(painter, lane_privilege(*lane, mode), theme.small(), inner)
            + 14.0;
    }
    heights
}

/// Narrow headers (the comparison) take the small font rather than wrapping the title.
fn header_font(painter: &Painter, theme: &Theme, name: &str, inner_width: f32) -> FontId {
    let fits = draw::text_height(painter, name, theme.body(), inner_width) < theme.body_size * 1.6;
    if fits { theme.body() } else { theme.small() }
}

/// Lane heights that fill `available`: as wanted when they fit, else the tallest are cut first
/// (never below a lane's header).
fn lane_heights(wanted_rows: [f32; 4], row: f32, header_min: [f32; 4], available: f32) -> [f32; 4] {
    let wanted = per_lane(wanted_rows, header_min, |rows, header| {
        (rows * row + 8.0).max(header)
    });
    let room = available - GAP * 3.0;
    let total: f32 = wanted.iter().sum();
    if total <= room {
        // Spare room goes to the lanes in proportion to what they hold, up to half as much again;
        // beyond that the bands would only add empty space (large exports).
        let scale = (room / total.max(1.0)).min(1.5);
        return wanted.map(|height| height * scale);
    }
    // Water-filling: the largest cap such that the capped heights fit; a lane keeps its header
    // (a tiny canvas may then overflow, and clips).
    let floors = header_min.map(|header| header.min(room.max(0.0) / 4.0));
    let (mut low, mut high) = (0.0, wanted.iter().copied().fold(0.0, f32::max));
    for _ in 0..30 {
        let cap = (low + high) / 2.0;
        let used: f32 = per_lane(wanted, floors, |want, floor| want.min(cap).max(floor))
            .iter()
            .sum();
        if used > room {
            high = cap;
        } else {
            low = cap;
        }
    }
    let capped = per_lane(wanted, floors, |want, floor| want.min(low).max(floor));
    let extra = ((room - capped.iter().sum::<f32>()) / 4.0).max(0.0);
    capped.map(|height| height + extra)
}

/// `combine` applied lane by lane to two per-lane arrays.
fn per_lane(a: [f32; 4], b: [f32; 4], combine: impl Fn(f32, f32) -> f32) -> [f32; 4] {
    let mut out = [0.0; 4];
    for ((out, a), b) in out.iter_mut().zip(a).zip(b) {
        *out = combine(a, b);
    }
    out
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

/// Which lines of a listing stand out.
#[derive(Clone, Copy, Debug, Default)]
struct Marks {
    /// The line running now: accent outline and a `▸`.
    primary: Option<usize>,
    /// The guest line a VMM step is about: thin outline.
    secondary: Option<usize>,
    /// An earlier line to blame, with a short tag: thick fault outline.
    flagged: Option<(usize, &'static str)>,
}

/// What a lane showed: the running line (rect and text) and where an arrow should attach.
#[derive(Clone, Copy, Debug, Default)]
struct Shown<'a> {
    current: Option<(Rect, &'a str)>,
    anchor_y: Option<f32>,
}

/// Paints a listing, wrapping long lines, with a window around the highlighted line when it
/// does not fit.
fn listing_ui<'a>(
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    lines: &'a [String],
    font: &FontId,
    row: f32,
    marks: Marks,
) -> Shown<'a> {
    let Marks {
        primary,
        secondary,
        flagged,
    } = marks;
    let mut shown = Shown::default();
    if lines.is_empty() || rect.height() < 1.0 {
        return shown;
    }
    let columns = columns(theme, rect.width());
    // The blamed line shows its code and the blame instead of its comment.
    let texts: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(index, text)| match flagged {
            Some((line, tag)) if line == index => {
                let code = text.split(';').next().unwrap_or(text).trim_end();
                format!("{code}  ◀ {tag}")
            }
            _ => text.clone(),
        })
        .collect();
    // Every row on screen: the line it belongs to and its text.
    let rows: Vec<(usize, String)> = texts
        .iter()
        .enumerate()
        .flat_map(|(index, text)| {
            wrap_line(text, columns)
                .into_iter()
                .map(move |piece| (index, piece))
        })
        .collect();
    // A listing that does not fit shows a window around the focus and says which lines, in its
    // last row (an excerpt, like a quoted listing, rather than a control to scroll).
    let fits = rows.len() as f32 * row <= rect.height() + 0.5;
    let visible = ((rect.height() / row).floor() as usize).max(1) - usize::from(!fits).min(1);
    let visible = visible.max(1);
    let focus_line = primary
        .or(secondary)
        .or(flagged.map(|(line, _)| line))
        .unwrap_or(0);
    let focus = rows
        .iter()
        .position(|(line, _)| *line == focus_line)
        .unwrap_or(0);
    let start = if fits {
        0
    } else {
        focus
            .saturating_sub(visible / 2)
            .min(rows.len().saturating_sub(visible))
    };
    let end = (start + visible).min(rows.len());
    let clipped = painter.with_clip_rect(rect.expand(2.0).intersect(painter.clip_rect()));
    let marker_width = row * 0.9;
    let row_rect = |offset: usize| {
        Rect::from_min_size(
            Pos2::new(rect.min.x, rect.min.y + (offset - start) as f32 * row),
            Vec2::new(rect.width(), row),
        )
    };
    // Outlines first, one per line over all of its rows on screen.
    let mut offset = start;
    while offset < end {
        let Some(line) = rows.get(offset).map(|row| row.0) else {
            break;
        };
        let last = (offset..end)
            .take_while(|at| rows.get(*at).is_some_and(|row| row.0 == line))
            .last()
            .unwrap_or(offset);
        let line_rect = row_rect(offset).union(row_rect(last));
        if Some(line) == primary {
            clipped.rect(
                line_rect,
                3.0,
                theme.canvas,
                theme.thick(theme.accent),
                egui::StrokeKind::Inside,
            );
            clipped.text(
                Pos2::new(line_rect.min.x + 3.0, row_rect(offset).center().y),
                Align2::LEFT_CENTER,
                "▸",
                font.clone(),
                theme.text,
            );
            shown.current = lines.get(line).map(|text| (line_rect, text.as_str()));
            shown.anchor_y = Some(line_rect.center().y);
        } else if Some(line) == secondary {
            clipped.rect(
                line_rect,
                3.0,
                theme.canvas,
                theme.thin(),
                egui::StrokeKind::Inside,
            );
            shown.anchor_y = Some(line_rect.center().y);
        }
        if flagged.is_some_and(|(flag, _)| flag == line) {
            clipped.rect(
                line_rect,
                3.0,
                theme.tint(Role::Bad),
                theme.thick(theme.line(Role::Bad)),
                egui::StrokeKind::Inside,
            );
            shown.anchor_y = shown.anchor_y.or(Some(line_rect.center().y));
        }
        offset = last + 1;
    }
    for (offset, (_, text)) in rows.iter().enumerate().take(end).skip(start) {
        clipped.text(
            Pos2::new(rect.min.x + marker_width, row_rect(offset).center().y),
            Align2::LEFT_CENTER,
            text,
            font.clone(),
            theme.text,
        );
    }
    if !fits && rect.height() >= 2.0 * row {
        let first = rows.get(start).map_or(0, |(line, _)| *line) + 1;
        let last = rows.get(end.saturating_sub(1)).map_or(0, |(line, _)| *line) + 1;
        clipped.text(
            Pos2::new(
                rect.max.x - 4.0,
                rect.min.y + visible as f32 * row + row / 2.0,
            ),
            Align2::RIGHT_CENTER,
            format!("lines {first}–{last} of {}", lines.len()),
            theme.small(),
            theme.text_muted,
        );
    }
    shown
}

fn app_ui<'a>(
    painter: &Painter,
    theme: &Theme,
    body: Rect,
    data: &'a RunData,
    step: &Step,
    row: f32,
) -> Shown<'a> {
    if data.app.is_empty() {
        painter.text(
            body.left_center(),
            Align2::LEFT_CENTER,
            "No application: this program runs in the kernel only.",
            theme.small(),
            theme.text_muted,
        );
        return Shown::default();
    }
    let running = step.lane == Lane::GuestApp && step.cursor.listing == ListingRef::App;
    let primary = running.then_some(step.cursor.line);
    let waiting = (!running && step.state.pc.space == super::super::model::cpu::Space::App)
        .then_some(step.state.pc.line);
    let marks = Marks {
        primary,
        secondary: waiting,
        flagged: None,
    };
    let lines = fitting(columns(theme, body.width()), &data.app, &data.app_compact);
    listing_ui(painter, theme, body, lines, &theme.mono(), row, marks)
}

fn kernel_ui<'a>(
    painter: &Painter,
    theme: &Theme,
    body: Rect,
    data: &'a RunData,
    step_index: usize,
    row: f32,
) -> Shown<'a> {
    let Some(step) = data.trace.steps.get(step_index) else {
        return Shown::default();
    };
    let in_kernel = step.guest_at.space == super::super::model::cpu::Space::Kernel;
    let runs_source = step.lane == Lane::GuestKernel && step.cursor.listing == ListingRef::Kernel;
    if data.mode() != Mode::BinaryTranslation {
        let marks = Marks {
            primary: runs_source.then_some(step.cursor.line),
            secondary: (!runs_source && in_kernel).then_some(step.guest_at.line),
            flagged: culprit(data, step_index),
        };
        return listing_ui(
            painter,
            theme,
            body,
            fitting(
                columns(theme, body.width()),
                &data.kernel,
                &data.kernel_compact,
            ),
            &theme.mono(),
            row,
            marks,
        );
    }
    // Binary translation: the guest's source on the left, the translated block on the right; a
    // lane too narrow for two listings shows the one that runs (the block once there is one).
    let (source_width, _) = split_widths(theme, data, body.width());
    let shown_block = data.shown_block.get(step_index).copied().flatten();
    let two_columns = columns(theme, source_width) >= NARROWEST_LISTING;
    let (source, translated) = if two_columns {
        let split = body.min.x + source_width + 6.0;
        painter.line_segment(
            [Pos2::new(split, body.min.y), Pos2::new(split, body.max.y)],
            Stroke::new(theme.stroke_thin, theme.outline),
        );
        (
            Some(Rect::from_min_max(
                body.min,
                Pos2::new(split - 6.0, body.max.y),
            )),
            Some(Rect::from_min_max(
                Pos2::new(split + 6.0, body.min.y),
                body.max,
            )),
        )
    } else if shown_block.is_some() {
        (None, Some(body))
    } else {
        (Some(body), None)
    };
    // Both headings wrap to their column; both listings start below the taller one.
    let block_title = block_title(data, shown_block.map(|(block, _)| block));
    let source_title = SOURCE_TITLE;
    let headings = [(source, source_title), (translated, block_title.as_str())];
    for (rect, text) in headings {
        if let Some(rect) = rect {
            draw::text_wrapped(
                &painter.with_clip_rect(rect.intersect(painter.clip_rect())),
                rect.min,
                text,
                theme.small(),
                theme.text_muted,
                rect.width(),
            );
        }
    }
    // Each listing starts below its own heading.
    let below_heading = |rect: Rect, text: &str| {
        let height = draw::text_height(painter, text, theme.small(), rect.width()).max(row);
        Rect::from_min_max(Pos2::new(rect.min.x, rect.min.y + height), rect.max)
    };
    let source_line = source.map(|source| {
        let source_body = below_heading(source, source_title);
        let source_marks = Marks {
            primary: runs_source.then_some(step.cursor.line),
            secondary: (!runs_source && in_kernel).then_some(step.guest_at.line),
            flagged: None,
        };
        listing_ui(
            painter,
            theme,
            source_body,
            fitting(
                columns(theme, source_body.width()),
                &data.kernel,
                &data.kernel_compact,
            ),
            &theme.mono(),
            row,
            source_marks,
        )
    });
    let block_line = match (shown_block, translated) {
        (Some((block, op)), Some(translated)) => {
            let lines = data.blocks.get(block).map_or(&[][..], Vec::as_slice);
            let running = step.lane == Lane::GuestKernel;
            let block_marks = Marks {
                primary: op.filter(|_| running),
                secondary: op.filter(|_| !running),
                flagged: None,
            };
            Some(listing_ui(
                painter,
                theme,
                below_heading(translated, &block_title),
                lines,
                &theme.mono(),
                row,
                block_marks,
            ))
        }
        _ => None,
    };
    let (block_line, source_line) = (
        block_line.unwrap_or_default(),
        source_line.unwrap_or_default(),
    );
    Shown {
        current: block_line.current.or(source_line.current),
        anchor_y: block_line.anchor_y.or(source_line.anchor_y),
    }
}

/// The heading of binary translation's source column.
const SOURCE_TITLE: &str = "Guest kernel source (never runs as is)";

/// The heading of the translated-block column before anything is translated (its longest).
const EMPTY_CACHE_TITLE: &str = "Translation cache: empty (nothing translated yet)";

/// The heading of the translated-block column while it shows block `block` (or none yet).
fn block_title(data: &RunData, block: Option<usize>) -> String {
    match block {
        Some(block) => {
            let start = data.trace.blocks.get(block).map_or(0, |b| b.guest_start);
            let label = super::block_start_name(data, start);
            format!("Translated block #{block} (from {label}), in the cache")
        }
        None => EMPTY_CACHE_TITLE.to_owned(),
    }
}

/// Fewer monospace columns than this and binary translation's kernel lane shows one listing.
const NARROWEST_LISTING: usize = 24;

/// At the lost tick, the popf that never trapped is to blame.
fn culprit(data: &RunData, step_index: usize) -> Option<(usize, &'static str)> {
    let step = data.trace.step(step_index)?;
    if step.slug != "irq-lost" {
        return None;
    }
    let popf = data.last_before(step_index, "popf")?;
    Some((
        data.trace.steps.get(popf)?.guest_at.line,
        "popf: no trap, IF never restored",
    ))
}

fn vmm_ui<'a>(
    painter: &Painter,
    theme: &Theme,
    body: Rect,
    mode: Mode,
    step: &Step,
    row: f32,
) -> Shown<'a> {
    if mode == Mode::Native {
        painter.text(
            body.left_center(),
            Align2::LEFT_CENTER,
            "No VMM in this mode: the kernel runs on the bare machine.",
            theme.small(),
            theme.text_muted,
        );
        return Shown::default();
    }
    let routine = match step.cursor.listing {
        ListingRef::Vmm(routine) if step.lane == Lane::Vmm => routine,
        _ => {
            let text = if step.lane == Lane::Vmm {
                "Idle: the guest is halted, so the VMM waits for an interrupt to wake it."
            } else {
                "Not running: the guest runs directly on the CPU until something hands control over."
            };
            let clipped = painter.with_clip_rect(body.intersect(painter.clip_rect()));
            draw::text_wrapped(
                &clipped,
                body.min,
                text,
                theme.small(),
                theme.text_muted,
                body.width(),
            );
            return Shown::default();
        }
    };
    let clipped = painter.with_clip_rect(body.intersect(painter.clip_rect()));
    let title = draw::text_wrapped(
        &clipped,
        body.min,
        routine.title(),
        theme.small(),
        theme.text_muted,
        body.width(),
    );
    // Each line wraps to the lane; from the line before the current one, as many as fit.
    let marker = row * 0.9;
    let width = (body.width() - marker - 4.0).max(8.0);
    let galleys: Vec<_> = routine
        .lines()
        .iter()
        .map(|text| painter.layout((*text).to_owned(), theme.small(), theme.text, width))
        .collect();
    let current = step.cursor.line.min(galleys.len().saturating_sub(1));
    let room = body.max.y - title.max.y;
    let total: f32 = galleys.iter().map(|galley| galley.size().y).sum();
    let mut start = 0;
    let above = |start: usize| galleys.iter().take(start).map(|g| g.size().y).sum::<f32>();
    while total - above(start) > room && start < current {
        start += 1;
    }
    let mut shown = Shown::default();
    let mut y = title.max.y;
    for (offset, galley) in galleys.iter().enumerate().skip(start) {
        let line_rect = Rect::from_min_size(
            Pos2::new(body.min.x, y),
            Vec2::new(body.width(), galley.size().y.max(row)),
        );
        if line_rect.max.y > body.max.y + 0.5 {
            break;
        }
        if offset == current {
            clipped.rect(
                line_rect,
                3.0,
                theme.canvas,
                theme.thick(theme.accent),
                egui::StrokeKind::Inside,
            );
            clipped.text(
                Pos2::new(
                    line_rect.min.x + 3.0,
                    line_rect.min.y + galley.size().y / 2.0,
                ),
                Align2::LEFT_CENTER,
                "▸",
                theme.small(),
                theme.text,
            );
            shown.current = routine.lines().get(offset).map(|text| (line_rect, *text));
            shown.anchor_y = Some(line_rect.center().y);
        }
        let top = line_rect.center().y - galley.size().y / 2.0;
        clipped.galley(
            Pos2::new(body.min.x + marker, top),
            galley.clone(),
            theme.text,
        );
        y = line_rect.max.y;
    }
    shown
}

/// The rows (of `row` points) the VMM lane needs for the longest routine this run shows.
fn vmm_rows(painter: &Painter, theme: &Theme, data: &RunData, body_width: f32) -> f32 {
    if data.mode() == Mode::Native {
        return 1.0;
    }
    let row = row_height(theme);
    let width = (body_width - row * 0.9 - 4.0).max(8.0);
    let mut routines: Vec<_> = data
        .trace
        .steps
        .iter()
        .filter_map(|step| match step.cursor.listing {
            ListingRef::Vmm(routine) => Some(routine),
            _ => None,
        })
        .collect();
    routines.dedup();
    let height = routines
        .iter()
        .map(|routine| {
            draw::text_height(painter, routine.title(), theme.small(), body_width)
                + routine
                    .lines()
                    .iter()
                    .map(|text| draw::text_height(painter, text, theme.small(), width).max(row))
                    .sum::<f32>()
        })
        .fold(0.0, f32::max);
    (height / row).max(2.0)
}

/// The devices and the CPU's run state, in words.
pub fn hardware_text(data: &RunData, step_index: usize) -> String {
    let Some(step) = data.trace.step(step_index) else {
        return String::new();
    };
    let state = &step.state;
    let cpu = if state.halted {
        "CPU halted"
    } else {
        "CPU running"
    };
    let timer = match state.timer_deadline {
        Some(deadline) => format!("timer fires at t={deadline}"),
        None => "timer off".to_owned(),
    };
    let irq = if state.irq_pending {
        "interrupt pending"
    } else {
        "no interrupt pending"
    };
    let disk: String = data
        .trace
        .disk_at(step_index)
        .iter()
        .map(|byte| {
            if byte.is_ascii_graphic() {
                char::from(*byte).to_string()
            } else {
                format!("\\x{byte:02x}")
            }
        })
        .collect();
    format!(
        "{cpu} · clock t={} · {timer} · {irq} · disk received \"{disk}\"",
        state.clock
    )
}

fn hardware_ui(painter: &Painter, theme: &Theme, body: Rect, data: &RunData, step_index: usize) {
    let clipped = painter.with_clip_rect(body.intersect(painter.clip_rect()));
    let text = hardware_text(data, step_index);
    draw::text_wrapped(
        &clipped,
        body.min,
        &text,
        theme.small(),
        theme.text,
        body.width(),
    );
}

/// The arrow of a control transfer in the gutter, with its label and cost; the token slides along
/// it while the timeline plays and rests at the destination when paused.
#[expect(clippy::too_many_arguments)]
fn transfer_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    gutter: Rect,
    step: &Step,
    transfer: Transfer,
    from_y: f32,
    to_y: f32,
    fraction: f64,
    prefix: &str,
) {
    let x = gutter.min.x + theme.small_size * 1.2;
    let from = Pos2::new(x, from_y);
    let to = Pos2::new(x, to_y);
    let costly = transfer.cost_cycles > 0;
    let color = if costly {
        theme.line(Role::Warn)
    } else {
        theme.outline
    };
    let stroke = theme.thick(color);
    // Stubs from the lane edges to the arrow.
    for y in [from_y, to_y] {
        painter.line_segment(
            [Pos2::new(gutter.min.x, y), Pos2::new(x, y)],
            Stroke::new(theme.stroke_thin, color),
        );
    }
    if (to_y - from_y).abs() > 1.0 {
        if costly {
            draw::arrow(painter, from, to, stroke);
        } else {
            let dir = if to_y > from_y { 1.0 } else { -1.0 };
            let head_start = Pos2::new(x, to_y - dir * theme.stroke_thick * 5.0);
            let (dash, gap) = theme.dash(1);
            draw::dashed(painter, from, head_start, stroke, dash, gap);
            draw::arrow(painter, head_start, to, stroke);
        }
    }
    let t = if fraction <= 0.0 {
        1.0
    } else {
        ease(fraction as f32 / 0.6)
    };
    let token = from + (to - from) * t;
    painter.circle(
        token,
        (theme.small_size * 0.45).max(5.0),
        theme.fill(Role::Warn),
        Stroke::new(theme.stroke_thin, theme.outline),
    );
    let mut words = vec![transfer.kind.title().to_owned()];
    if let Some(reason) = step.exit_reason {
        words.push(format!("reason {} ({})", reason.name(), reason.number()));
    }
    words.push(if costly {
        format!("{} cycles", thousands(transfer.cost_cycles))
    } else {
        "no extra cost".to_owned()
    });
    let text = words.join("\n");
    let label_x = x + theme.small_size * 0.9;
    let width = (gutter.max.x - label_x - 2.0).max(20.0);
    let galley = painter.layout(text.clone(), theme.small(), theme.text, width);
    let mid = (from_y + to_y) / 2.0;
    let top = (mid - galley.size().y / 2.0).clamp(
        gutter.min.y,
        (gutter.max.y - galley.size().y).max(gutter.min.y),
    );
    let label_rect = Rect::from_min_size(Pos2::new(label_x, top), galley.size());
    painter.rect_filled(label_rect.expand(2.0), 3.0, theme.canvas);
    painter.galley(label_rect.min, galley, theme.text);
    label_region(ui, label_rect, (prefix, "transfer"), || {
        format!(
            "{prefix}Transfer: {} from {} to {}, {}",
            transfer.kind.title(),
            transfer.from.title(),
            transfer.to.title(),
            text.lines().last().unwrap_or_default()
        )
    });
}

#[cfg(test)]
mod tests {
    use super::super::super::model::Program;
    use super::*;
    use crate::theme::ThemeKind;

    /// Runs `measure` with the painter of a headless frame.
    fn with_painter<R>(measure: impl FnOnce(&Painter) -> R) -> R {
        let ctx = egui::Context::default();
        crate::fonts::install(&ctx);
        let mut result = None;
        let mut measure = Some(measure);
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            if let Some(measure) = measure.take() {
                result = Some(measure(ui.painter()));
            }
        });
        output.textures_delta.clear();
        result.expect("the frame ran")
    }

    #[test]
    fn lanes_fit_or_share_the_room() {
        let theme = Theme::new(ThemeKind::Projector);
        let data = RunData::new(Mode::BinaryTranslation, Program::DiskWrite).expect("runs");
        let wanted = with_painter(|painter| wanted_rows(painter, &theme, &data, 500.0));
        let row = row_height(&theme);
        for available in [200.0, 400.0, 900.0] {
            let heights = lane_heights(wanted, row, [70.0; 4], available);
            let used: f32 = heights.iter().sum::<f32>() + GAP * 3.0;
            assert!(
                used <= available.max(4.0 * 70.0) + 1.0,
                "{available}: {used}"
            );
            assert!(heights.iter().all(|h| *h > 0.0));
        }
    }

    #[test]
    fn long_lines_wrap_at_spaces_onto_indented_rows() {
        let line = "out DISK, r3 ; driver: write it to the disk's data port";
        let rows = wrap_line(line, 24);
        assert_eq!(rows[0], "out DISK, r3 ; driver:");
        assert!(
            rows[1..]
                .iter()
                .all(|row| row.starts_with("  ") && row.len() <= 24)
        );
        let joined: Vec<&str> = rows.iter().flat_map(|row| row.split_whitespace()).collect();
        assert_eq!(joined.join(" "), line, "nothing is lost");
        assert_eq!(wrap_line("short", 24), vec!["short".to_owned()]);
        assert_eq!(
            wrap_line("abcdefghij", 4).concat().replace(' ', ""),
            "abcdefghij"
        );
    }

    #[test]
    fn listings_shrink_to_the_legible_minimum_before_they_scroll() {
        let theme = Theme::new(ThemeKind::Projector);
        let data = RunData::new(Mode::TrapEmulate, Program::Popf).expect("runs");
        let fit = |width, available| {
            with_painter(|painter| listing_fit(painter, &theme, &data, width, [70.0; 4], available))
        };
        let (roomy, _) = fit(900.0, 2000.0);
        assert_eq!(
            roomy.mono_size, theme.mono_size,
            "room: the theme's own size"
        );
        let (tight, wanted) = fit(500.0, 560.0);
        assert!(tight.mono_size < theme.mono_size && tight.mono_size >= theme.min_text_size);
        assert!(
            wanted[1] >= data.kernel.len() as f32,
            "every kernel line has a row"
        );
    }

    #[test]
    fn hardware_text_names_the_disk_bytes() {
        let data = RunData::new(Mode::Native, Program::DiskWrite).expect("runs");
        let text = hardware_text(&data, data.trace.len() - 1);
        assert!(text.contains("disk received \"Hi\""), "{text}");
        assert!(text.contains("CPU halted"), "{text}");
    }
}
