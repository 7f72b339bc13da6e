//! The four swim lanes (guest application, guest kernel, VMM, hardware) with the code each one runs,
//! the current instruction highlighted, and the step's control transfer as an arrow between lanes.
//!
//! Lanes are horizontal bands sized by how many lines they need; when a listing does not fit, it
//! shows a window around the highlighted line. The arrow lives in a gutter at the right of the bands
//! so it never covers code; its token slides along it as the timeline plays.

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
    let gutter_width = (rect.width() * 0.14).clamp(theme.small_size * 7.0, theme.small_size * 11.0);
    let bands = Rect::from_min_max(rect.min, Pos2::new(rect.max.x - gutter_width, rect.max.y));
    let gutter = Rect::from_min_max(Pos2::new(bands.max.x, rect.min.y), rect.max);
    let header_width = (bands.width() * 0.2).clamp(theme.small_size * 9.5, theme.body_size * 11.0);
    let row = row_height(theme);

    let heights = lane_heights(theme, data, bands.height());
    let mut y = bands.min.y;
    let mut anchors = [0.0; 4];
    for (index, lane) in Lane::ALL.iter().enumerate() {
        let band = Rect::from_min_size(
            Pos2::new(bands.min.x, y),
            Vec2::new(bands.width(), heights[index]),
        );
        anchors[index] = band.center().y;
        y += heights[index] + GAP;
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
            anchors[index] = y;
        }
        if let Some((line_rect, text)) = shown.current {
            label_region(ui, line_rect, (prefix, "current"), || {
                format!("{prefix}Current line: {}", text.trim())
            });
        }
    }
    if let Some(transfer) = step.transfer {
        let lane_y = |lane: Lane| {
            Lane::ALL
                .iter()
                .position(|l| *l == lane)
                .map_or(gutter.center().y, |index| anchors[index])
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
    theme.mono_size * 1.45
}

/// How many rows each lane would like.
fn wanted_rows(data: &RunData, lane: Lane) -> f32 {
    match lane {
        Lane::GuestApp => data.app.len().max(1) as f32,
        Lane::GuestKernel => {
            let block = data.blocks.iter().map(Vec::len).max().unwrap_or(0);
            let heading = if data.mode() == Mode::BinaryTranslation {
                1.0
            } else {
                0.0
            };
            data.kernel.len().max(block) as f32 + heading
        }
        Lane::Vmm if data.mode() == Mode::Native => 1.0,
        Lane::Vmm => 4.0,
        Lane::Hardware => 2.0,
    }
}

/// Lane heights that fill `available`: as wanted when they fit, else the tallest are cut first.
fn lane_heights(theme: &Theme, data: &RunData, available: f32) -> [f32; 4] {
    let row = row_height(theme);
    let header_min = theme.body_size * 1.3 + theme.small_size * 1.3 + 10.0;
    let mut wanted = [0.0; 4];
    for (index, lane) in Lane::ALL.iter().enumerate() {
        wanted[index] = (wanted_rows(data, *lane) * row + 8.0).max(header_min);
    }
    let room = (available - GAP * 3.0).max(4.0 * header_min.min(available / 4.0));
    let total: f32 = wanted.iter().sum();
    if total <= room {
        // Spare room goes to the lanes in proportion to what they hold, up to half as much again;
        // beyond that the bands would only add empty space (large exports).
        let scale = (room / total.max(1.0)).min(1.5);
        return wanted.map(|height| height * scale);
    }
    // Water-filling: the largest cap such that the capped heights fit.
    let floor = header_min.min(room / 4.0);
    let (mut low, mut high) = (floor, wanted.iter().copied().fold(floor, f32::max));
    for _ in 0..30 {
        let cap = (low + high) / 2.0;
        let used: f32 = wanted.iter().map(|height| height.min(cap).max(floor)).sum();
        if used > room {
            high = cap;
        } else {
            low = cap;
        }
    }
    let capped = wanted.map(|height| height.min(low).max(floor));
    let extra = ((room - capped.iter().sum::<f32>()) / 4.0).max(0.0);
    capped.map(|height| height + extra)
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
    let name = lane_title(lane, mode);
    // Narrow headers (the comparison) take the small font rather than wrapping the title.
    let fits =
        draw::text_height(painter, name, theme.body(), inner.width()) < theme.body_size * 1.6;
    let font = if fits { theme.body() } else { theme.small() };
    let title = draw::text_wrapped(&clipped, inner.min, name, font, color, inner.width());
    let privilege = draw::text_wrapped(
        &clipped,
        Pos2::new(inner.min.x, title.max.y),
        lane_privilege(lane, mode),
        theme.small(),
        color,
        inner.width(),
    );
    if running {
        clipped.text(
            Pos2::new(inner.min.x, privilege.max.y + 1.0),
            Align2::LEFT_TOP,
            "▸ running now",
            theme.small(),
            color,
        );
    }
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

/// The full listing, or its compact form when the lane is too narrow for the aligned columns.
fn fitting<'a>(
    theme: &Theme,
    width: f32,
    full: &'a [String],
    compact: &'a [String],
) -> &'a [String] {
    // Aligned listings need about 44 monospace characters before their comments.
    if width >= theme.mono_size * 0.62 * 44.0 {
        full
    } else {
        compact
    }
}

/// What a lane showed: the running line (rect and text) and where an arrow should attach.
#[derive(Clone, Copy, Debug, Default)]
struct Shown<'a> {
    current: Option<(Rect, &'a str)>,
    anchor_y: Option<f32>,
}

/// Paints lines with a window around the highlighted one.
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
    let visible = ((rect.height() / row).floor() as usize).max(1);
    let focus = primary
        .or(secondary)
        .or(flagged.map(|(line, _)| line))
        .unwrap_or(0);
    let start = if lines.len() <= visible {
        0
    } else {
        focus.saturating_sub(visible / 2).min(lines.len() - visible)
    };
    let clipped = painter.with_clip_rect(rect.expand(2.0).intersect(painter.clip_rect()));
    let marker_width = row * 0.9;
    for (offset, text) in lines.iter().enumerate().skip(start).take(visible) {
        let y = rect.min.y + (offset - start) as f32 * row;
        let line_rect = Rect::from_min_size(Pos2::new(rect.min.x, y), Vec2::new(rect.width(), row));
        if Some(offset) == primary {
            clipped.rect(
                line_rect,
                3.0,
                theme.canvas,
                theme.thick(theme.accent),
                egui::StrokeKind::Inside,
            );
            clipped.text(
                Pos2::new(line_rect.min.x + 3.0, line_rect.center().y),
                Align2::LEFT_CENTER,
                "▸",
                font.clone(),
                theme.text,
            );
            shown.current = Some((line_rect, text.as_str()));
            shown.anchor_y = Some(line_rect.center().y);
        } else if Some(offset) == secondary {
            clipped.rect(
                line_rect,
                3.0,
                theme.canvas,
                theme.thin(),
                egui::StrokeKind::Inside,
            );
        }
        let flag = flagged
            .filter(|(line, _)| *line == offset)
            .map(|(_, tag)| tag);
        if flag.is_some() {
            clipped.rect(
                line_rect,
                3.0,
                theme.tint(Role::Bad),
                theme.thick(theme.line(Role::Bad)),
                egui::StrokeKind::Inside,
            );
        }
        // A comment that does not fit ends in `…` rather than in half a letter.
        draw::fit_text(
            &clipped,
            Pos2::new(line_rect.min.x + marker_width, line_rect.center().y),
            Align2::LEFT_CENTER,
            text,
            font.clone(),
            theme.text,
            line_rect.width() - marker_width - 4.0,
        );
        if let Some(tag) = flag {
            // Over the comment, on its own background, so the blame reads first.
            let galley = painter.layout_no_wrap(tag.to_owned(), theme.small(), theme.text);
            let tag_rect = Rect::from_min_size(
                Pos2::new(
                    line_rect.max.x - galley.size().x - 8.0,
                    line_rect.center().y - galley.size().y / 2.0,
                ),
                galley.size(),
            );
            clipped.rect(
                tag_rect.expand(3.0),
                3.0,
                theme.canvas,
                theme.thick(theme.line(Role::Bad)),
                egui::StrokeKind::Inside,
            );
            clipped.galley(tag_rect.min, galley, theme.text);
            shown.anchor_y = shown.anchor_y.or(Some(line_rect.center().y));
        }
        if Some(offset) == secondary {
            shown.anchor_y = Some(line_rect.center().y);
        }
    }
    // Small triangles in the right margin say that the listing goes on above or below.
    let more_x = rect.max.x - 4.0;
    let more = |pos: Pos2, align: Align2, text: &str| {
        let galley = painter.layout_no_wrap(text.to_owned(), theme.small(), theme.text_muted);
        let at = align.anchor_size(pos, galley.size());
        clipped.rect_filled(at.expand(1.0), 2.0, theme.canvas);
        clipped.galley(at.min, galley, theme.text_muted);
    };
    if start > 0 {
        more(Pos2::new(more_x, rect.min.y), Align2::RIGHT_TOP, "▲");
    }
    if start + visible < lines.len() {
        more(
            Pos2::new(more_x, rect.min.y + visible as f32 * row),
            Align2::RIGHT_BOTTOM,
            "▼",
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
    let lines = fitting(theme, body.width(), &data.app, &data.app_compact);
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
    let step = &data.trace.steps[step_index];
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
            fitting(theme, body.width(), &data.kernel, &data.kernel_compact),
            &theme.mono(),
            row,
            marks,
        );
    }
    // Binary translation: the guest's source on the left, the translated block on the right.
    let split = body.min.x + body.width() * 0.46;
    let source = Rect::from_min_max(body.min, Pos2::new(split - 6.0, body.max.y));
    let translated = Rect::from_min_max(Pos2::new(split + 6.0, body.min.y), body.max);
    painter.line_segment(
        [Pos2::new(split, body.min.y), Pos2::new(split, body.max.y)],
        Stroke::new(theme.stroke_thin, theme.outline),
    );
    let heading = |rect: Rect, text: &str| {
        painter.with_clip_rect(rect).text(
            rect.left_top(),
            Align2::LEFT_TOP,
            text,
            theme.small(),
            theme.text_muted,
        );
        Rect::from_min_max(Pos2::new(rect.min.x, rect.min.y + row), rect.max)
    };
    let source_body = heading(source, "Guest kernel source (never runs as is)");
    let source_marks = Marks {
        primary: runs_source.then_some(step.cursor.line),
        secondary: (!runs_source && in_kernel).then_some(step.guest_at.line),
        flagged: None,
    };
    let source_line = listing_ui(
        painter,
        theme,
        source_body,
        fitting(
            theme,
            source_body.width(),
            &data.kernel,
            &data.kernel_compact,
        ),
        &theme.mono(),
        row,
        source_marks,
    );
    match data.shown_block.get(step_index).copied().flatten() {
        Some((block, op)) => {
            let start = data.trace.blocks.get(block).map_or(0, |b| b.guest_start);
            let label = data
                .kernel
                .get(start)
                .map_or("", |line| line.split(':').next().unwrap_or(""));
            let title =
                format!("Translated block #{block} (from {label}), in the translation cache");
            let block_body = heading(translated, &title);
            let lines = data.blocks.get(block).map_or(&[][..], Vec::as_slice);
            let running = step.lane == Lane::GuestKernel;
            let block_marks = Marks {
                primary: op.filter(|_| running),
                secondary: op.filter(|_| !running),
                flagged: None,
            };
            let block_line = listing_ui(
                painter,
                theme,
                block_body,
                lines,
                &theme.mono(),
                row,
                block_marks,
            );
            Shown {
                current: block_line.current.or(source_line.current),
                anchor_y: block_line.anchor_y.or(source_line.anchor_y),
            }
        }
        None => {
            heading(
                translated,
                "Translation cache: empty (nothing translated yet)",
            );
            source_line
        }
    }
}

/// At the lost tick, the popf that never trapped is to blame.
fn culprit(data: &RunData, step_index: usize) -> Option<(usize, &'static str)> {
    let step = data.trace.step(step_index)?;
    if step.slug != "irq-lost" {
        return None;
    }
    let popf = data.last_before(step_index, "popf")?;
    Some((
        data.trace.steps[popf].guest_at.line,
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
    clipped.text(
        body.left_top(),
        Align2::LEFT_TOP,
        routine.title(),
        theme.small(),
        theme.text_muted,
    );
    let lines = Rect::from_min_max(Pos2::new(body.min.x, body.min.y + row), body.max);
    let routine_lines = routine.lines();
    let visible = ((lines.height() / row).floor() as usize).max(1);
    let start = step
        .cursor
        .line
        .saturating_sub(visible.saturating_sub(1))
        .min(routine_lines.len().saturating_sub(visible));
    let mut shown = Shown::default();
    for (offset, text) in routine_lines.iter().enumerate().skip(start).take(visible) {
        let y = lines.min.y + (offset - start) as f32 * row;
        let line_rect =
            Rect::from_min_size(Pos2::new(lines.min.x, y), Vec2::new(lines.width(), row));
        if offset == step.cursor.line {
            clipped.rect(
                line_rect,
                3.0,
                theme.canvas,
                theme.thick(theme.accent),
                egui::StrokeKind::Inside,
            );
            clipped.text(
                Pos2::new(line_rect.min.x + 3.0, line_rect.center().y),
                Align2::LEFT_CENTER,
                "▸",
                theme.small(),
                theme.text,
            );
            shown.current = Some((line_rect, *text));
            shown.anchor_y = Some(line_rect.center().y);
        }
        clipped.text(
            Pos2::new(line_rect.min.x + row * 0.9, line_rect.center().y),
            Align2::LEFT_CENTER,
            *text,
            theme.small(),
            theme.text,
        );
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

    #[test]
    fn lanes_fit_or_share_the_room() {
        let theme = Theme::new(ThemeKind::Projector);
        let data = RunData::new(Mode::BinaryTranslation, Program::DiskWrite).expect("runs");
        for available in [200.0, 400.0, 900.0] {
            let heights = lane_heights(&theme, &data, available);
            let used: f32 = heights.iter().sum::<f32>() + GAP * 3.0;
            assert!(
                used <= available.max(4.0 * 70.0) + 1.0,
                "{available}: {used}"
            );
            assert!(heights.iter().all(|h| *h > 0.0));
        }
    }

    #[test]
    fn hardware_text_names_the_disk_bytes() {
        let data = RunData::new(Mode::Native, Program::DiskWrite).expect("runs");
        let text = hardware_text(&data, data.trace.len() - 1);
        assert!(text.contains("disk received \"Hi\""), "{text}");
        assert!(text.contains("CPU halted"), "{text}");
    }
}
