//! The counters after a step (instructions, traps, exits, hypercalls, translations...), each
//! with what the step added: a grid for the side column, one wrapped line for the comparison.

use egui::{Align2, Painter, Pos2, Rect, Stroke, Ui, Vec2};

use crate::draw;
use crate::tabs::cpu::model::trace::Counters;
use crate::tabs::cpu::scene::RunData;
use crate::tabs::cpu::view::{label_region, thousands};
use crate::theme::{Role, Theme};

/// The counters after a step, with what this step added; `with_cycles` adds the cycles line (the
/// comparison shows cycles as bars instead).
#[expect(clippy::too_many_arguments)]
pub fn counters_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    data: &RunData,
    step_index: usize,
    with_cycles: bool,
    prefix: &str,
) -> f32 {
    let Some((now, before, items)) = counter_items(data, step_index) else {
        return rect.min.y;
    };
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let row_height = theme.small_size * 1.5;
    let mut y = rect.min.y;
    let heading = draw::text_wrapped(
        &clipped,
        Pos2::new(rect.min.x, y),
        "Counters",
        theme.body(),
        theme.text,
        rect.width(),
    );
    y = heading.max.y + 2.0;
    // Two columns in the side column; more across a wide strip (under the lanes), each cell
    // wide enough for the longest name and a value with what the step added.
    let columns = ((rect.width() / (theme.small_size * 11.0)).floor() as usize).clamp(2, 5);
    let column_width = rect.width() / columns as f32;
    for (index, (name, value, previous)) in items.iter().enumerate() {
        let column = (index % columns) as f32;
        let row = (index / columns) as f32;
        let cell = Rect::from_min_size(
            Pos2::new(rect.min.x + column * column_width, y + row * row_height),
            Vec2::new(column_width - 8.0, row_height),
        );
        let delta = value.saturating_sub(*previous);
        counter_cell(&clipped, theme, cell, name, *value, delta);
        label_region(ui, cell, (prefix, *name), || {
            format!("{prefix}{name}: {value}")
        });
    }
    y += (items.len().div_ceil(columns)) as f32 * row_height + 2.0;
    if !with_cycles {
        return y;
    }
    let total = data.total_cycles();
    let delta = now.cycles.saturating_sub(before.cycles);
    let added = if delta > 0 {
        format!(" (+{})", thousands(delta))
    } else {
        String::new()
    };
    let text = format!(
        "Cycles so far: {}{added} of {} for the whole run",
        thousands(now.cycles),
        thousands(total)
    );
    let cycles = draw::text_wrapped(
        &clipped,
        Pos2::new(rect.min.x, y),
        &text,
        theme.body(),
        theme.text,
        rect.width(),
    );
    label_region(ui, cycles, (prefix, "cycles"), || {
        format!("{prefix}Cycles: {}", now.cycles)
    });
    cycles.max.y
}

/// What the counters hold after a step and before it.
type CounterItems = (Counters, Counters, [(&'static str, u64, u64); 10]);

/// The counters after step `step_index`, before it, and each counter's name, value and value
/// before.
fn counter_items(data: &RunData, step_index: usize) -> Option<CounterItems> {
    let now = data.trace.step(step_index)?.state.counters;
    let before = step_index
        .checked_sub(1)
        .and_then(|index| data.trace.step(index))
        .map(|step| step.state.counters)
        .unwrap_or_default();
    let items = [
        (
            "Instructions",
            now.guest_instructions,
            before.guest_instructions,
        ),
        ("Traps", now.traps, before.traps),
        ("Reflections", now.reflections, before.reflections),
        ("VM exits", now.vm_exits, before.vm_exits),
        ("Hypercalls", now.hypercalls, before.hypercalls),
        ("Translations", now.translations, before.translations),
        ("TC hits", now.tc_hits, before.tc_hits),
        ("Callouts", now.callouts, before.callouts),
        ("System calls", now.syscalls, before.syscalls),
        ("Interrupts", now.interrupts, before.interrupts),
    ];
    Some((now, before, items))
}

/// The counters as one wrapped line, for the narrow comparison columns: guest instructions and
/// every counter this run ever moves (the same ones at every step), with what this step added.
pub fn counters_line_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    data: &RunData,
    step_index: usize,
    prefix: &str,
) -> f32 {
    let Some((_, _, items)) = counter_items(data, step_index) else {
        return rect.min.y;
    };
    let last = counter_items(data, data.trace.len().saturating_sub(1)).map(|(_, _, items)| items);
    let parts: Vec<String> = items
        .iter()
        .enumerate()
        .filter(|(index, _)| {
            *index == 0 || last.is_some_and(|last| last.get(*index).is_some_and(|item| item.1 > 0))
        })
        .map(|(_, (name, value, before))| {
            let delta = value.saturating_sub(*before);
            if delta > 0 {
                format!("{name} {value} (+{delta})")
            } else {
                format!("{name} {value}")
            }
        })
        .collect();
    let text = format!("Counters: {}", parts.join(" · "));
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let line = draw::text_wrapped(
        &clipped,
        rect.min,
        &text,
        theme.small(),
        theme.text,
        rect.width(),
    );
    for (name, value, _) in items {
        label_region(ui, line, (prefix, name), || {
            format!("{prefix}{name}: {value}")
        });
    }
    line.max.y
}

fn counter_cell(painter: &Painter, theme: &Theme, cell: Rect, name: &str, value: u64, delta: u64) {
    let center = cell.center().y;
    let changed = delta > 0;
    if changed {
        painter.rect(
            cell,
            3.0,
            theme.tint(Role::Warn),
            Stroke::NONE,
            egui::StrokeKind::Inside,
        );
    }
    let name_rect = Rect::from_min_max(
        cell.min,
        Pos2::new(cell.max.x - theme.small_size * 5.0, cell.max.y),
    );
    painter
        .with_clip_rect(name_rect.intersect(painter.clip_rect()))
        .text(
            Pos2::new(cell.min.x + 3.0, center),
            Align2::LEFT_CENTER,
            name,
            theme.small(),
            theme.text,
        );
    let shown = if changed {
        format!("{value} (+{delta})")
    } else {
        value.to_string()
    };
    painter.text(
        Pos2::new(cell.max.x - 3.0, center),
        Align2::RIGHT_CENTER,
        shown,
        theme.small(),
        theme.text,
    );
}
