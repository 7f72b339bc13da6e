//! What each lane shows at a step: the application's and the kernel's listings (binary
//! translation's source beside its translated block), the VMM routine that runs, and the
//! hardware's state in words.

use egui::{Align2, Painter, Pos2, Rect, Stroke, Vec2};

use super::fit::{columns, fitting, split_widths};
use super::listing::{Marks, Shown, listing_ui, running_line_ui};
use crate::draw;
use crate::tabs::cpu::model::Mode;
use crate::tabs::cpu::model::trace::{Lane, ListingRef, Step};
use crate::tabs::cpu::scene::RunData;
use crate::theme::Theme;

pub(super) fn app_ui<'a>(
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
    let waiting = (!running && step.state.pc.space == crate::tabs::cpu::model::cpu::Space::App)
        .then_some(step.state.pc.line);
    let marks = Marks {
        primary,
        secondary: waiting,
        flagged: None,
    };
    let lines = fitting(columns(theme, body.width()), &data.app, &data.app_compact);
    listing_ui(painter, theme, body, lines, &theme.mono(), row, marks)
}

pub(super) fn kernel_ui<'a>(
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
    let in_kernel = step.guest_at.space == crate::tabs::cpu::model::cpu::Space::Kernel;
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
pub(super) const SOURCE_TITLE: &str = "Guest kernel source (never runs as is)";

/// The heading of the translated-block column before anything is translated (its longest).
const EMPTY_CACHE_TITLE: &str = "Translation cache: empty (nothing translated yet)";

/// The heading of the translated-block column while it shows block `block` (or none yet).
pub(super) fn block_title(data: &RunData, block: Option<usize>) -> String {
    match block {
        Some(block) => {
            let start = data.trace.blocks.get(block).map_or(0, |b| b.guest_start);
            let label = crate::tabs::cpu::view::block_start_name(data, start);
            format!("Translated block #{block} (from {label}), in the cache")
        }
        None => EMPTY_CACHE_TITLE.to_owned(),
    }
}

/// Fewer monospace columns than this and binary translation's kernel lane shows one listing.
pub(super) const NARROWEST_LISTING: usize = 24;

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

pub(super) fn vmm_ui<'a>(
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
            running_line_ui(
                &clipped,
                theme,
                line_rect,
                line_rect.min.y + galley.size().y / 2.0,
                theme.small(),
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

pub(super) fn hardware_ui(
    painter: &Painter,
    theme: &Theme,
    body: Rect,
    data: &RunData,
    step_index: usize,
) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::cpu::model::Program;

    #[test]
    fn hardware_text_names_the_disk_bytes() {
        let data = RunData::new(Mode::Native, Program::DiskWrite).expect("runs");
        let text = hardware_text(&data, data.trace.len() - 1);
        assert!(text.contains("disk received \"Hi\""), "{text}");
        assert!(text.contains("CPU halted"), "{text}");
    }
}
