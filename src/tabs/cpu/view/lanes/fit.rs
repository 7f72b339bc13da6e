//! How big the lanes' listings are set and how tall each lane is: the largest monospace size at
//! which every lane fits, the aligned or compact listing for the width, lines wrapped at spaces,
//! and the heights that share the room when they do not fit.

use egui::{FontId, Painter};

use super::contents::{NARROWEST_LISTING, SOURCE_TITLE, block_title};
use super::{GAP, running_title};
use crate::draw;
use crate::tabs::cpu::model::Mode;
use crate::tabs::cpu::model::trace::{Lane, ListingRef};
use crate::tabs::cpu::scene::RunData;
use crate::tabs::cpu::view::lane_privilege;
use crate::theme::Theme;

/// Height of one listing line.
pub(super) fn row_height(theme: &Theme) -> f32 {
    theme.mono_size * 1.32
}

/// Advance of a Hack glyph per point of font size (1233 of its 2048 units per em).
const MONO_ADVANCE: f32 = 0.602;

/// How many monospace characters fit in `width` points at `theme`'s listing size, after the
/// room for the `▸` marker.
pub(super) fn columns(theme: &Theme, width: f32) -> usize {
    let marker = row_height(theme) * 0.9 + 4.0;
    ((width - marker) / (theme.mono_size * MONO_ADVANCE))
        .floor()
        .max(8.0) as usize
}

/// `text` cut into rows of at most `columns` characters, at spaces where possible; rows after the
/// first are indented by two spaces so they read as the same line.
pub(super) fn wrap_line(text: &str, columns: usize) -> Vec<String> {
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
pub(super) fn fitting<'a>(
    columns: usize,
    full: &'a [String],
    compact: &'a [String],
) -> &'a [String] {
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
pub(super) fn split_widths(theme: &Theme, data: &RunData, body_width: f32) -> (f32, f32) {
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
pub(super) fn listing_fit(
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
pub(super) fn header_heights(
    painter: &Painter,
    theme: &Theme,
    header_width: f32,
    mode: Mode,
) -> [f32; 4] {
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
pub(super) fn header_font(
    painter: &Painter,
    theme: &Theme,
    name: &str,
    inner_width: f32,
) -> FontId {
    let fits = draw::text_height(painter, name, theme.body(), inner_width) < theme.body_size * 1.6;
    if fits { theme.body() } else { theme.small() }
}

/// Lane heights that fill `available`: as wanted when they fit, else the tallest are cut first
/// (never below a lane's header).
pub(super) fn lane_heights(
    wanted_rows: [f32; 4],
    row: f32,
    header_min: [f32; 4],
    available: f32,
) -> [f32; 4] {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::cpu::model::Program;
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
}
