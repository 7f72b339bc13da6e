//! Drawing the Memory tab: the walk grid (one cell per memory reference, numbered in the order
//! the hardware makes them), the tables on the walk's path drawn as a tree, the TLB, the counters
//! with the exits to the VMM, the guest's operations, and the same run's totals in every mode.
//!
//! The grid is Bhargava et al.'s picture of a two-dimensional walk (ASPLOS 2008, figure 2): a
//! row per guest level plus the data address, a column per nested level plus the guest entry, so
//! 24 cells for 4 + 4. Cells carry numbers and words (cached, skipped), never colour alone.

use egui::{Align2, Pos2, Rect, Sense, Stroke, Ui, Vec2};

use super::link::MemoryScene;
use super::model::presets::{CHILD, PteChange};
use super::model::{Cell, Config, Counters, Dim, Lane, Mode, Op, Preset, TLB_ENTRIES, Trace, Walk};
use crate::draw::{self, label_region};
use crate::theme::{Role, Theme};

/// Draws the scene at `step`.
pub fn canvas_ui(
    ui: &mut Ui,
    theme: &Theme,
    trace: &Trace,
    totals: &[(Mode, Counters)],
    step: usize,
) {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, Sense::hover());
    let painter = ui.painter_at(rect);
    let last = trace.len().saturating_sub(1);
    let Some(now) = trace.steps.get(step.min(last)) else {
        return;
    };
    let title = format!("{}: {}", trace.mode.title(), trace.preset.title());
    let body = draw::caption(&painter, theme, rect, &title, &now.label);
    label_region(ui, body.intersect(rect), "step", || {
        format!("Step: {}", now.label)
    });
    let body = body.shrink2(Vec2::new(12.0, 4.0));
    if body.width() < 40.0 || body.height() < 40.0 {
        return;
    }
    let gap = theme.body_size;
    let shown = shown_walk(trace, step.min(last));
    // A narrow canvas keeps the walk and the counters; the rest needs room to be read.
    if body.width() < theme.body_size * 45.0 {
        let split = body.min.y + body.height() * 0.6;
        let grid_rect = Rect::from_min_max(body.min, Pos2::new(body.max.x, split));
        let counters_rect = Rect::from_min_max(Pos2::new(body.min.x, split + gap / 2.0), body.max);
        grid_ui(ui, &painter, theme, grid_rect, trace, shown);
        counters_ui(
            ui,
            &painter,
            theme,
            counters_rect,
            trace.mode,
            now.counters,
            now.lane,
        );
        return;
    }
    let wide = body.width() > body.height() * 1.25;
    let (left, right) = if wide {
        let split = body.min.x + body.width() * 0.42;
        (
            Rect::from_min_max(body.min, Pos2::new(split - gap / 2.0, body.max.y)),
            Rect::from_min_max(Pos2::new(split + gap / 2.0, body.min.y), body.max),
        )
    } else {
        let split = body.min.y + body.height() * 0.5;
        (
            Rect::from_min_max(body.min, Pos2::new(body.max.x, split - gap / 2.0)),
            Rect::from_min_max(Pos2::new(body.min.x, split + gap / 2.0), body.max),
        )
    };
    // The grid takes what its rows need (cells up to three lines of body text high), at most
    // two thirds of the column; the tree gets the rest.
    let rows = shown.map_or(1.0, |(walk, _)| f32::from(walk.rows));
    let wanted = theme.body_size * (3.0 + rows * 3.0);
    let grid_height = wanted.min(left.height() * 0.66);
    let grid_rect = Rect::from_min_max(left.min, Pos2::new(left.max.x, left.min.y + grid_height));
    let tree_rect =
        Rect::from_min_max(Pos2::new(left.min.x, grid_rect.max.y + gap / 2.0), left.max);
    grid_ui(ui, &painter, theme, grid_rect, trace, shown);
    tree_ui(&painter, theme, tree_rect, trace, shown);

    let column = (right.width() - gap) / 2.0;
    let first = Rect::from_min_size(right.min, Vec2::new(column.max(1.0), right.height()));
    let second = Rect::from_min_max(Pos2::new(first.max.x + gap, right.min.y), right.max);
    let tlb_bottom = tlb_ui(ui, &painter, theme, first, trace, step.min(last));
    let counters_rect =
        Rect::from_min_max(Pos2::new(first.min.x, tlb_bottom + gap / 2.0), first.max);
    counters_ui(
        ui,
        &painter,
        theme,
        counters_rect,
        trace.mode,
        now.counters,
        now.lane,
    );
    let ops_bottom = ops_ui(ui, &painter, theme, second, trace, now.op);
    let compare_rect =
        Rect::from_min_max(Pos2::new(second.min.x, ops_bottom + gap / 2.0), second.max);
    compare_ui(ui, &painter, theme, compare_rect, trace.mode, totals);
}

/// The walk to draw at `step` and how many of its references are done: the walk in progress, or
/// the last one finished.
fn shown_walk(trace: &Trace, step: usize) -> Option<(&Walk, usize)> {
    trace
        .steps
        .iter()
        .take(step.saturating_add(1))
        .rev()
        .find_map(|step| step.walk)
        .and_then(|(index, done)| trace.walks.get(index).map(|walk| (walk, done)))
}

/// A heading at the top of `rect`; returns the y below it.
fn heading(painter: &egui::Painter, theme: &Theme, rect: Rect, text: &str) -> f32 {
    draw::text_wrapped(
        painter,
        rect.min,
        text,
        theme.body(),
        theme.text_strong,
        rect.width(),
    )
    .max
    .y + 4.0
}

/// Monospace at the small size, for addresses in lists.
fn mono_small(theme: &Theme) -> egui::FontId {
    egui::FontId::monospace(theme.small_size)
}

fn row_name(trace: &Trace, walk: &Walk, row: u8) -> String {
    let levels = trace.config.levels;
    if walk.rows == 1 {
        return match walk.dim {
            Dim::Shadow => "shadow".to_owned(),
            _ => "table".to_owned(),
        };
    }
    if row + 1 == walk.rows {
        "data".to_owned()
    } else {
        format!("guest L{}", levels - row)
    }
}

fn column_name(walk: &Walk, col: u8) -> String {
    if walk.rows == 1 {
        format!("L{}", walk.cols - col)
    } else if col + 1 == walk.cols {
        "guest".to_owned()
    } else {
        format!("EPT L{}", walk.cols - 1 - col)
    }
}

/// The walk grid.
fn grid_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    trace: &Trace,
    shown: Option<(&Walk, usize)>,
) {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let Some((walk, done)) = shown else {
        let y = heading(&clipped, theme, rect, "Page walk");
        draw::text_wrapped(
            &clipped,
            Pos2::new(rect.min.x, y),
            "No TLB miss yet: nothing has been walked.",
            theme.small(),
            theme.text_muted,
            rect.width(),
        );
        return;
    };
    let total = walk.refs.len();
    let formula = match trace.mode {
        Mode::Ept => {
            let n = trace.config.levels;
            format!(
                "; at most ({n}+1)({n}+1) - 1 = {}",
                super::model::refs_two_d(n, n)
            )
        }
        _ => format!("; at most {}", trace.config.levels),
    };
    let title = format!("Page walk: {done} of {total} memory references{formula}");
    let y = heading(&clipped, theme, rect, &title);
    label_region(
        ui,
        Rect::from_min_max(rect.min, Pos2::new(rect.max.x, y)),
        "walk",
        || format!("Walk: {done} of {total} references"),
    );
    let label_width = theme.small_size * 6.0;
    let header = theme.small_size * 1.5;
    let cols = f32::from(walk.cols.max(1));
    let rows = f32::from(walk.rows.max(1));
    let cell_w = ((rect.width() - label_width) / cols).max(1.0);
    let cell_h = ((rect.max.y - y - header) / rows)
        .min(theme.body_size * 3.0)
        .max(1.0);
    let origin = Pos2::new(rect.min.x + label_width, y + header);
    for col in 0..walk.cols {
        let center = Pos2::new(origin.x + (f32::from(col) + 0.5) * cell_w, y + header / 2.0);
        draw::fit_text(
            &clipped,
            center,
            Align2::CENTER_CENTER,
            &column_name(walk, col),
            theme.small(),
            theme.text_muted,
            cell_w - 2.0,
        );
    }
    for row in 0..walk.rows {
        let top = origin.y + f32::from(row) * cell_h;
        draw::fit_text(
            &clipped,
            Pos2::new(rect.min.x, top + cell_h / 2.0),
            Align2::LEFT_CENTER,
            &row_name(trace, walk, row),
            theme.small(),
            theme.text_muted,
            label_width - 4.0,
        );
        for col in 0..walk.cols {
            let cell = Rect::from_min_size(
                Pos2::new(origin.x + f32::from(col) * cell_w, top),
                Vec2::new(cell_w, cell_h),
            )
            .shrink(2.0);
            cell_ui(&clipped, theme, cell, walk.cell(row, col), done);
        }
    }
}

fn cell_ui(painter: &egui::Painter, theme: &Theme, rect: Rect, cell: Cell, done: usize) {
    match cell {
        Cell::Unused => {}
        Cell::Read(number) => {
            let number = usize::from(number);
            let (fill, stroke, color) = if number < done {
                (theme.tint(Role::Hardware), theme.thin(), theme.text)
            } else if number == done {
                (
                    theme.fill(Role::Warn),
                    theme.thick(theme.accent),
                    theme.text_on(theme.fill(Role::Warn)),
                )
            } else {
                (
                    theme.surface,
                    Stroke::new(theme.stroke_thin, theme.faint),
                    theme.text_muted,
                )
            };
            painter.rect(rect, 3.0, fill, stroke, egui::StrokeKind::Inside);
            if rect.height() >= theme.small_size {
                draw::text_centered(painter, rect, &number.to_string(), theme.small(), color);
            }
        }
        Cell::Cached => {
            let stroke = Stroke::new(theme.stroke_thin, theme.outline);
            draw::dashed_rect(painter, rect, stroke, (4.0, 3.0));
            if rect.height() >= theme.small_size {
                draw::text_centered(painter, rect, "cached", theme.small(), theme.text_muted);
            }
        }
        Cell::Skipped => {
            draw::text_centered(painter, rect, "—", theme.small(), theme.text_muted);
        }
    }
}

/// The tables on the walk's path, root at the top: the hardware's dimension(s) as chains of
/// tables, the entry read in each, the one being read now marked.
fn tree_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    trace: &Trace,
    shown: Option<(&Walk, usize)>,
) {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let y = heading(
        &clipped,
        theme,
        rect,
        "Tables on the walk's path (root at the top)",
    );
    let Some((walk, done)) = shown else {
        return;
    };
    let current = walk.refs.get(done.saturating_sub(1)).copied();
    let chains: Vec<(&str, Vec<(usize, super::model::walk::Ref)>)> = match trace.mode {
        Mode::Ept => {
            let row = current.map_or(0, |r| r.row);
            let guest = walk
                .refs
                .iter()
                .copied()
                .enumerate()
                .filter(|(_, r)| r.dim == Dim::Guest)
                .collect();
            let nested = walk
                .refs
                .iter()
                .copied()
                .enumerate()
                .filter(|(_, r)| r.dim == Dim::Nested && r.row == row)
                .collect();
            vec![
                ("Guest tables", guest),
                ("Nested (EPT) tables, this row", nested),
            ]
        }
        _ => {
            let title = if trace.mode == Mode::Shadow {
                "Shadow tables (the guest's own are write-protected)"
            } else {
                "Page tables"
            };
            vec![(title, walk.refs.iter().copied().enumerate().collect())]
        }
    };
    let column = (rect.width() - theme.body_size) / chains.len() as f32;
    for (index, (title, refs)) in chains.iter().enumerate() {
        let x = rect.min.x + index as f32 * (column + theme.body_size);
        let area = Rect::from_min_max(Pos2::new(x, y), Pos2::new(x + column.max(1.0), rect.max.y));
        let mut top = draw::fit_text(
            &clipped,
            area.min,
            Align2::LEFT_TOP,
            title,
            theme.small(),
            theme.text_muted,
            area.width(),
        )
        .max
        .y + 4.0;
        let count = refs.len().max(1) as f32;
        let box_h = ((area.max.y - top) / count - 6.0)
            .min(theme.body_size * 2.0)
            .max(theme.small_size);
        let indent = (theme.small_size * 1.2).min(area.width() / (count * 3.0));
        for (depth, (number, reference)) in refs.iter().enumerate() {
            if top + box_h > area.max.y + 0.5 {
                break;
            }
            let left = area.min.x + depth as f32 * indent;
            let node = Rect::from_min_max(Pos2::new(left, top), Pos2::new(area.max.x, top + box_h));
            let read = *number < done;
            let now = number + 1 == done;
            let stroke = if now {
                theme.thick(theme.accent)
            } else {
                theme.thin()
            };
            let fill = if read {
                theme.tint(Role::Hardware)
            } else {
                theme.surface
            };
            clipped.rect(node, 3.0, fill, stroke, egui::StrokeKind::Inside);
            let now_mark = if now { "  ◀ now" } else { "" };
            let long = format!(
                "L{} table at {:#x}: entry {}{now_mark}",
                reference.level, reference.table_addr, reference.index
            );
            let room = node.width() - 8.0;
            // The address goes first when the box is too narrow for it.
            let wide = clipped.layout_no_wrap(long.clone(), theme.small(), theme.text);
            let text = if wide.size().x > room {
                format!("L{}: entry {}{now_mark}", reference.level, reference.index)
            } else {
                long
            };
            let color = if read { theme.text } else { theme.text_muted };
            draw::fit_text(
                &clipped,
                Pos2::new(node.min.x + 4.0, node.center().y),
                Align2::LEFT_CENTER,
                &text,
                theme.small(),
                color,
                room,
            );
            top = node.max.y + 6.0;
        }
    }
}

/// The TLB; returns the y below it.
fn tlb_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    trace: &Trace,
    step: usize,
) -> f32 {
    let Some(now) = trace.steps.get(step) else {
        return rect.top();
    };
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let mut y = heading(
        &clipped,
        theme,
        rect,
        &format!("TLB ({TLB_ENTRIES} entries, most recent first)"),
    );
    let row = theme.small_size * 1.45;
    let fresh = matches!(now.slug, "tlb-hit" | "tlb-fill");
    for slot in 0..TLB_ENTRIES {
        let line = Rect::from_min_size(Pos2::new(rect.min.x, y), Vec2::new(rect.width(), row));
        let text = match now.tlb.get(slot) {
            Some(entry) => format!(
                "{:#x} → {:#x} {}",
                entry.page,
                entry.frame,
                if entry.large { "2M" } else { "4K" }
            ),
            None => "empty".to_owned(),
        };
        if slot == 0 && fresh && !now.tlb.is_empty() {
            clipped.rect(
                line,
                2.0,
                theme.tint(Role::Good),
                theme.thin(),
                egui::StrokeKind::Inside,
            );
        }
        let color = if now.tlb.get(slot).is_some() {
            theme.text
        } else {
            theme.text_muted
        };
        draw::fit_text(
            &clipped,
            Pos2::new(line.min.x + 4.0, line.center().y),
            Align2::LEFT_CENTER,
            &text,
            mono_small(theme),
            color,
            line.width() - 8.0,
        );
        label_region(ui, line, ("tlb", slot), || {
            format!("TLB entry {}: {text}", slot + 1)
        });
        y += row;
    }
    y
}

/// What has been counted, exits first.
fn counters_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    mode: Mode,
    c: Counters,
    lane: Lane,
) {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let mut y = heading(&clipped, theme, rect, "Counted so far");
    let who = match lane {
        Lane::Guest => "the guest",
        Lane::Hardware => "the hardware (MMU)",
        Lane::Vmm => "the VMM, after an exit",
    };
    let exits = if mode == Mode::Shadow {
        format!(
            "Exits to the VMM: {} ({} page-table writes, {} CR3 writes, {} hidden faults)",
            c.exits, c.exits_pte, c.exits_cr3, c.exits_hidden
        )
    } else {
        format!("Exits to the VMM: {}", c.exits)
    };
    let lines = [
        (format!("Now acting: {who}"), "acting"),
        (exits, "exits"),
        (
            format!(
                "Reads: {} (TLB hits {}, misses {})",
                c.accesses, c.tlb_hits, c.tlb_misses
            ),
            "reads",
        ),
        (format!("Walk references: {}", c.walk_refs), "refs"),
        (
            format!(
                "Page-table writes: {}; CR3 writes: {}",
                c.pte_writes, c.cr3_writes
            ),
            "writes",
        ),
        (
            format!("Guest entries the VMM read in software: {}", c.vmm_refs),
            "vmm",
        ),
    ];
    for (index, (text, id)) in lines.iter().enumerate() {
        let color = if index == 1 && c.exits > 0 {
            theme.text_strong
        } else {
            theme.text
        };
        // Whole lines or none: a short canvas keeps the first (who acts, the exits).
        if y + draw::text_height(&clipped, text, theme.small(), rect.width()) > rect.max.y {
            break;
        }
        let area = draw::text_wrapped(
            &clipped,
            Pos2::new(rect.min.x, y),
            text,
            theme.small(),
            color,
            rect.width(),
        );
        label_region(ui, area, ("counter", *id), || text.clone());
        y = area.max.y + 3.0;
    }
}

/// A guest operation in a few words.
fn op_text(op: Op) -> String {
    let whose = |space: u8| if space == CHILD { "child" } else { "parent" };
    match op {
        Op::Read(addr) => format!("read {addr:#x}"),
        Op::WritePte {
            space,
            addr,
            change,
        } => {
            let what = match change {
                PteChange::Map(_) => "map",
                PteChange::Protect => "protect",
                PteChange::Unmap => "clear",
            };
            format!("PTE write ({}): {what} {addr:#x}", whose(space))
        }
        Op::SwitchCr3(space) => format!("CR3 ← {}", whose(space)),
    }
}

/// The guest's operations, the current one marked; returns the y below the list.
fn ops_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    trace: &Trace,
    current: Option<usize>,
) -> f32 {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let mut y = heading(&clipped, theme, rect, "The guest's operations");
    let row = theme.small_size * 1.45;
    let room = ((rect.height() * 0.55 - (y - rect.min.y)) / row)
        .floor()
        .max(1.0) as usize;
    let total = trace.ops.len();
    let first = match current {
        Some(at) if total > room => at.saturating_sub(room / 2).min(total - room),
        _ => 0,
    };
    for (index, op) in trace.ops.iter().enumerate().skip(first).take(room) {
        let line = Rect::from_min_size(Pos2::new(rect.min.x, y), Vec2::new(rect.width(), row));
        let (marker, color) = match current {
            Some(at) if at == index => ("▶ ", theme.text_strong),
            Some(at) if at > index => ("  ", theme.text),
            _ => ("  ", theme.text_muted),
        };
        if current == Some(index) {
            clipped.rect(
                line,
                2.0,
                theme.tint(Role::GuestKernel),
                theme.thin(),
                egui::StrokeKind::Inside,
            );
        }
        let text = format!("{marker}{}", op_text(*op));
        draw::fit_text(
            &clipped,
            Pos2::new(line.min.x + 2.0, line.center().y),
            Align2::LEFT_CENTER,
            &text,
            theme.small(),
            color,
            line.width() - 4.0,
        );
        if current == Some(index) {
            label_region(ui, line, "op", || {
                format!("Current operation: {}", op_text(*op))
            });
        }
        y += row;
    }
    if total > room {
        let more = format!("({total} operations; the list follows the current one)");
        y = draw::text_wrapped(
            &clipped,
            Pos2::new(rect.min.x, y),
            &more,
            theme.small(),
            theme.text_muted,
            rect.width(),
        )
        .max
        .y;
    }
    y
}

/// The same operations' totals in every mode.
fn compare_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    mode: Mode,
    totals: &[(Mode, Counters)],
) {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let mut y = heading(&clipped, theme, rect, "The same operations in every mode");
    for (other, c) in totals {
        let text = format!(
            "{}: {} walk references, {} exits{}",
            other.title(),
            c.walk_refs,
            c.exits,
            if *other == mode { "  ◀ shown" } else { "" }
        );
        let color = if *other == mode {
            theme.text_strong
        } else {
            theme.text
        };
        let area = draw::text_wrapped(
            &clipped,
            Pos2::new(rect.min.x, y),
            &text,
            theme.small(),
            color,
            rect.width(),
        );
        label_region(ui, area, ("total", other.slug()), || {
            format!("Whole run, {text}")
        });
        y = area.max.y + 3.0;
    }
}

/// A row of selectable labels, one per choice; returns the clicked one.
fn choice_row<T: Copy + PartialEq>(
    ui: &mut Ui,
    title: &str,
    choices: &[T],
    current: T,
    name: impl Fn(T) -> String,
    hover: impl Fn(T) -> &'static str,
) -> Option<T> {
    ui.label(title);
    let mut picked = None;
    for choice in choices {
        if ui
            .selectable_label(current == *choice, name(*choice))
            .on_hover_text(hover(*choice))
            .clicked()
        {
            picked = Some(*choice);
        }
    }
    picked
}

/// The tab's controls: mode, preset, levels and walk caches (not exported).
pub fn controls_ui(ui: &mut Ui, theme: &Theme, scene: MemoryScene) -> Option<MemoryScene> {
    let mut picked = None;
    ui.horizontal_wrapped(|ui| {
        let mode = choice_row(
            ui,
            "Mode",
            Mode::ALL,
            scene.mode,
            |m| m.title().to_owned(),
            Mode::description,
        );
        ui.separator();
        let preset = choice_row(
            ui,
            "Scene",
            Preset::ALL,
            scene.preset,
            |p| p.title().to_owned(),
            Preset::description,
        );
        if let Some(mode) = mode {
            picked = Some(MemoryScene { mode, ..scene });
        }
        if let Some(preset) = preset {
            picked = Some(MemoryScene { preset, ..scene });
        }
    });
    ui.horizontal_wrapped(|ui| {
        let levels = choice_row(
            ui,
            "Paging levels",
            &[4u8, 5],
            scene.config.levels,
            |levels| format!("{levels} levels"),
            |levels| {
                if levels == 5 {
                    "5-level paging (LA57) in the guest and the nested tables"
                } else {
                    "4-level paging"
                }
            },
        );
        if let Some(levels) = levels {
            picked = Some(MemoryScene {
                config: Config {
                    levels,
                    ..scene.config
                },
                ..scene
            });
        }
        ui.separator();
        let mut pwc = scene.config.pwc;
        if ui.checkbox(&mut pwc, "Page-walk caches").changed() {
            picked = Some(MemoryScene {
                config: Config {
                    pwc,
                    ..scene.config
                },
                ..scene
            });
        }
    });
    ui.label(
        egui::RichText::new(format!(
            "{} {}",
            scene.preset.description(),
            scene.mode.description()
        ))
        .font(theme.small()),
    );
    picked
}
