//! The panels beside the lanes: real versus virtual CPU state, counters, the translation cache, a
//! mode's round-trip steps, and the banner for the moments that carry the lesson (popf not
//! trapping, the tick that is never delivered).
//!
//! Each panel draws from the top of the rectangle it is given and returns the y where it ended, so
//! the caller can stack them and drop what does not fit.

use egui::{Align2, Painter, Pos2, Rect, Stroke, Ui, Vec2};

use super::super::model::cpu::{CpuState, Space, VmxMode};
use super::super::model::isa::Instr;
use super::super::model::trace::Counters;
use super::super::model::trace::Step;
use super::super::model::{Mode, Program, ROBIN_IRVINE_COUNT, ROBIN_IRVINE_LIST};
use super::super::scene::RunData;
use super::{label_region, thousands};
use crate::draw;
use crate::theme::{Role, Theme};

/// Gap between stacked panels.
pub const PANEL_GAP: f32 = 8.0;

/// One row of the state table.
struct StateRow {
    name: &'static str,
    real: String,
    virt: Option<String>,
}

impl StateRow {
    fn differs(&self) -> bool {
        self.virt.as_ref().is_some_and(|virt| *virt != self.real)
    }
}

fn hex(value: u32) -> String {
    format!("0x{value:X}")
}

fn flag(value: bool) -> String {
    u8::from(value).to_string()
}

fn state_rows(real: &CpuState, virt: Option<&CpuState>, vmx: VmxMode) -> Vec<StateRow> {
    let row = |name, get: &dyn Fn(&CpuState) -> String| StateRow {
        name,
        real: get(real),
        virt: virt.map(get),
    };
    vec![
        row("CPL", &|state| state.cpl.to_string()),
        row("IF", &|state| flag(state.if_flag)),
        row("IOPL", &|state| state.iopl.to_string()),
        StateRow {
            name: "VMX mode",
            real: vmx.title().to_owned(),
            virt: None,
        },
        row("Page table", &|state| hex(state.ptbr)),
        row("Interrupt table", &|state| hex(state.idtr)),
        row("Descriptor table", &|state| hex(state.gdtr)),
    ]
}

/// The real CPU beside the guest's virtual CPU, differences marked with a tint, an outline and `≠`.
/// `if_gap` draws a differing IF row as a fault (the popf moments) instead of a plain difference.
pub fn state_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    step: &Step,
    if_gap: bool,
    prefix: &str,
) -> f32 {
    let state = &step.state;
    // Narrow tables (the comparison) use the small proportional font so hex values fit.
    let value_font = if rect.width() > theme.body_size * 26.0 {
        theme.mono()
    } else {
        theme.small()
    };
    let rows = state_rows(&state.real, state.virt.as_ref(), state.vmx);
    let row_height = theme.small_size * 1.65;
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let columns = [0.0, 0.36, 0.64, 0.72];
    let x = |index: usize| rect.min.x + rect.width() * columns.get(index).copied().unwrap_or(0.0);
    let mut y = rect.min.y;
    let heading = draw::text_wrapped(
        &clipped,
        Pos2::new(rect.min.x, y),
        "CPU state after this step",
        theme.body(),
        theme.text,
        rect.width(),
    );
    y = heading.max.y + 2.0;
    let virt_title = if state.virt.is_some() {
        "Virtual CPU"
    } else {
        "Virtual: none"
    };
    for (column, text) in [(1, "Real CPU"), (3, virt_title)] {
        clipped.text(
            Pos2::new(x(column) + 4.0, y),
            Align2::LEFT_TOP,
            text,
            theme.small(),
            theme.text_muted,
        );
    }
    y += row_height;
    for row in &rows {
        let row_rect = Rect::from_min_size(
            Pos2::new(rect.min.x, y),
            Vec2::new(rect.width(), row_height),
        );
        if row.differs() {
            // The interrupt flag is the lesson of the popf program: its gap is drawn as a fault.
            let role = if if_gap && row.name == "IF" {
                Role::Bad
            } else {
                Role::Warn
            };
            clipped.rect(
                row_rect,
                3.0,
                theme.tint(role),
                theme.thick(theme.line(role)),
                egui::StrokeKind::Inside,
            );
            clipped.text(
                Pos2::new(x(2) + 4.0, row_rect.center().y),
                Align2::LEFT_CENTER,
                "≠",
                theme.body(),
                theme.text,
            );
        } else {
            clipped.line_segment(
                [row_rect.left_bottom(), row_rect.right_bottom()],
                Stroke::new(theme.stroke_thin, theme.faint),
            );
        }
        let center = row_rect.center().y;
        clipped.text(
            Pos2::new(x(0) + 4.0, center),
            Align2::LEFT_CENTER,
            row.name,
            theme.small(),
            theme.text,
        );
        clipped.text(
            Pos2::new(x(1) + 4.0, center),
            Align2::LEFT_CENTER,
            &row.real,
            value_font.clone(),
            theme.text,
        );
        let real_rect = Rect::from_min_max(Pos2::new(x(1), y), Pos2::new(x(2), y + row_height));
        label_region(ui, real_rect, (prefix, row.name, "real"), || {
            format!("{prefix}Real {}: {}", row.name, row.real)
        });
        let virt_rect =
            Rect::from_min_max(Pos2::new(x(3), y), Pos2::new(rect.max.x, y + row_height));
        match &row.virt {
            Some(virt) => {
                clipped.text(
                    Pos2::new(x(3) + 4.0, center),
                    Align2::LEFT_CENTER,
                    virt,
                    value_font.clone(),
                    theme.text,
                );
                let differs = if row.differs() {
                    " (differs from real)"
                } else {
                    ""
                };
                label_region(ui, virt_rect, (prefix, row.name, "virtual"), || {
                    format!("{prefix}Virtual {}: {virt}{differs}", row.name)
                });
            }
            None => {
                clipped.text(
                    Pos2::new(x(3) + 4.0, center),
                    Align2::LEFT_CENTER,
                    "-",
                    theme.small(),
                    theme.text_muted,
                );
            }
        }
        y += row_height;
    }
    let note = if state.virt.is_some() && step.lane == super::super::model::trace::Lane::Vmm {
        "The VMM runs now, so the real CPU holds its state. The virtual CPU is the guest's view, kept \
         by the VMM; ≠ marks where they differ."
    } else if state.virt.is_some() {
        "The virtual CPU is the guest's view, kept by the VMM; ≠ marks where it differs from the real CPU."
    } else {
        "Natively there is no VMM: the real CPU is the kernel's own."
    };
    let note_rect = draw::text_wrapped(
        &clipped,
        Pos2::new(rect.min.x, y + 2.0),
        note,
        theme.small(),
        theme.text_muted,
        rect.width(),
    );
    note_rect.max.y
}

/// The state in one line for narrow columns: real and virtual CPL and IF (and the VMX mode).
pub fn state_line_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    step: &Step,
    if_gap: bool,
    prefix: &str,
) -> f32 {
    let state = &step.state;
    let real = &state.real;
    let mut text = format!("Real CPU: CPL {}, IF {}", real.cpl, flag(real.if_flag));
    if state.vmx != VmxMode::Off {
        text.push_str(&format!(", {}", state.vmx.title()));
    }
    let differs = state
        .virt
        .is_some_and(|virt| virt.if_flag != real.if_flag || virt.cpl != real.cpl);
    match state.virt {
        Some(virt) => {
            let mark = if differs { " ≠ " } else { " · " };
            text.push_str(&format!(
                "{mark}Virtual CPU: CPL {}, IF {}",
                virt.cpl,
                flag(virt.if_flag)
            ));
        }
        None => text.push_str(" · no virtual CPU (native)"),
    }
    let inner_width = rect.width() - 12.0;
    let height = draw::text_height(painter, &text, theme.small(), inner_width) + 8.0;
    let line = Rect::from_min_size(rect.min, Vec2::new(rect.width(), height)).intersect(rect);
    let if_differs = state.virt.is_some_and(|virt| virt.if_flag != real.if_flag);
    let role = if if_gap && if_differs {
        Role::Bad
    } else {
        Role::Warn
    };
    let stroke = if differs {
        theme.thick(theme.line(role))
    } else {
        theme.thin()
    };
    let fill = if differs {
        theme.tint(role)
    } else {
        theme.surface
    };
    painter.rect(line, 4.0, fill, stroke, egui::StrokeKind::Inside);
    let clipped = painter.with_clip_rect(line.intersect(painter.clip_rect()));
    draw::text_wrapped(
        &clipped,
        line.min + Vec2::new(6.0, 4.0),
        &text,
        theme.small(),
        theme.text,
        inner_width,
    );
    let half = Rect::from_min_max(line.min, Pos2::new(line.center().x, line.max.y));
    label_region(ui, half, (prefix, "IF", "real"), || {
        format!("{prefix}Real IF: {}", flag(real.if_flag))
    });
    if let Some(virt) = state.virt {
        let other = Rect::from_min_max(Pos2::new(line.center().x, line.min.y), line.max);
        let note = if if_differs {
            " (differs from real)"
        } else {
            ""
        };
        label_region(ui, other, (prefix, "IF", "virtual"), || {
            format!("{prefix}Virtual IF: {}{note}", flag(virt.if_flag))
        });
    }
    line.max.y
}

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

/// The translation cache at a step (binary translation only).
pub fn cache_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    data: &RunData,
    step_index: usize,
    prefix: &str,
) -> f32 {
    let blocks = data.trace.blocks_at(step_index);
    let counters = data
        .trace
        .step(step_index)
        .map(|step| step.state.counters)
        .unwrap_or_default();
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let heading = format!(
        "Translation cache: {} block(s), {} hit(s), {} miss(es)",
        blocks.len(),
        counters.tc_hits,
        counters.tc_misses()
    );
    let heading_rect = draw::text_wrapped(
        &clipped,
        rect.min,
        &heading,
        theme.body(),
        theme.text,
        rect.width(),
    );
    label_region(ui, heading_rect, (prefix, "cache"), || {
        format!("{prefix}{heading}")
    });
    let mut y = heading_rect.max.y + 2.0;
    let shown = data
        .shown_block
        .get(step_index)
        .copied()
        .flatten()
        .map(|(block, _)| block);
    let row_height = theme.small_size * 1.5;
    for (index, block) in blocks.iter().enumerate() {
        let start = super::block_start_name(data, block.guest_start);
        let rewritten = block
            .ops
            .iter()
            .filter(|op| op.kind != super::super::model::bt::OpKind::Ident)
            .count();
        let text = format!(
            "#{index} at {start}: {} instructions, {rewritten} rewritten",
            block.ops.len()
        );
        let row = Rect::from_min_size(
            Pos2::new(rect.min.x, y),
            Vec2::new(rect.width(), row_height),
        );
        let stroke = if shown == Some(index) {
            theme.thick(theme.accent)
        } else {
            theme.thin()
        };
        clipped.rect(row, 3.0, theme.surface, stroke, egui::StrokeKind::Inside);
        clipped.text(
            Pos2::new(row.min.x + 6.0, row.center().y),
            Align2::LEFT_CENTER,
            &text,
            theme.small(),
            theme.text,
        );
        y += row_height + 2.0;
    }
    if blocks.is_empty() {
        let empty = draw::text_wrapped(
            &clipped,
            Pos2::new(rect.min.x, y),
            "Empty: each kernel block is translated on first use.",
            theme.small(),
            theme.text_muted,
            rect.width(),
        );
        y = empty.max.y;
    }
    y
}

/// A mode's round trip into the VMM, as numbered steps (trap-and-emulate: trap, emulate, resume).
pub fn round_trip(mode: Mode) -> Option<(&'static str, &'static [(&'static str, &'static str)])> {
    match mode {
        Mode::Native => None,
        Mode::TrapEmulate => Some((
            "The steps of trap-and-emulate",
            &[
                ("trap", "Trap"),
                ("emulate", "Emulate"),
                ("resume", "Resume"),
            ],
        )),
        Mode::BinaryTranslation => Some((
            "Binary translation's steps",
            &[
                ("translate", "Translate"),
                ("tc-hit", "Cache hit"),
                ("callout", "Callout"),
                ("emulate", "Emulate"),
                ("resume", "Resume"),
            ],
        )),
        Mode::Paravirt => Some((
            "A hypercall's steps",
            &[
                ("hypercall", "Hypercall"),
                ("handle", "Handle"),
                ("resume", "Resume"),
            ],
        )),
        Mode::VtX => Some((
            "A VM exit's steps",
            &[
                ("vm-exit", "VM exit"),
                ("emulate", "Handle"),
                ("vm-entry", "VM entry"),
            ],
        )),
    }
}

/// The round-trip steps as chips, the current one filled and outlined.
pub fn round_trip_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    mode: Mode,
    step: &Step,
    prefix: &str,
) -> f32 {
    let Some((title, chips)) = round_trip(mode) else {
        return rect.min.y;
    };
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let heading = draw::text_wrapped(
        &clipped,
        rect.min,
        title,
        theme.small(),
        theme.text_muted,
        rect.width(),
    );
    let height = theme.small_size * 1.8;
    let gap = 6.0;
    // Equal widths when they fit in one row; otherwise each chip as wide as its words, wrapping.
    let texts: Vec<String> = chips
        .iter()
        .enumerate()
        .map(|(index, (slug, name))| {
            let marker = if step.slug == *slug { "▸ " } else { "" };
            format!("{marker}{} {name}", index + 1)
        })
        .collect();
    let widths: Vec<f32> = texts
        .iter()
        .map(|text| {
            painter
                .layout_no_wrap(text.clone(), theme.small(), theme.text)
                .size()
                .x
                + 16.0
        })
        .collect();
    let equal = (rect.width() - gap * (chips.len() as f32 - 1.0)) / chips.len() as f32;
    let uniform = widths.iter().all(|width| *width <= equal);
    let mut x = rect.min.x;
    let mut y = heading.max.y + 2.0;
    let numbered = chips.iter().enumerate().zip(&widths).zip(&texts);
    for (((index, (slug, name)), &own_width), text) in numbered {
        let width = if uniform { equal } else { own_width };
        if x + width > rect.max.x + 0.5 && x > rect.min.x {
            x = rect.min.x;
            y += height + gap;
        }
        let chip = Rect::from_min_size(Pos2::new(x, y), Vec2::new(width, height));
        x += width + gap;
        let current = step.slug == *slug;
        let (fill, stroke) = if current {
            (theme.accent, theme.thick(theme.outline))
        } else {
            (theme.surface, theme.thin())
        };
        clipped.rect(chip, 4.0, fill, stroke, egui::StrokeKind::Inside);
        clipped.text(
            chip.center(),
            Align2::CENTER_CENTER,
            text,
            theme.small(),
            theme.text_on(fill),
        );
        let now = if current { " (this step)" } else { "" };
        label_region(ui, chip, (prefix, *slug), || {
            format!("{prefix}{title}: {} {name}{now}", index + 1)
        });
    }
    y + height
}

/// A moment of the run that carries the lesson, shown as a banner.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    /// Bad (a lost interrupt), Warn (a critical instruction not trapping) or Good.
    pub role: Role,
    /// A few words.
    pub title: &'static str,
    /// Why, in a sentence or two.
    pub text: String,
    /// Whether the moment is about the gap between real and virtual IF.
    pub if_gap: bool,
}

/// The moment at a step, if the step is one.
pub fn moment(data: &RunData, step_index: usize) -> Option<Moment> {
    let step = data.trace.step(step_index)?;
    let state = &step.state;
    let virt = state.virt?;
    let mode = data.mode();
    match step.slug {
        "irq-lost" => {
            let pending = data.last_before(step_index, "irq-pending");
            let popf = data.last_before(step_index, "popf");
            let since = pending.map_or(String::new(), |index| format!(" since step {}", index + 1));
            let why = popf.map_or(String::new(), |index| {
                format!(" Its popf at step {} ran without trapping.", index + 1)
            });
            Some(Moment {
                role: Role::Bad,
                title: "Interrupt lost",
                text: format!(
                    "The timer tick has waited{since}, but the guest's virtual IF is still {} while the \
                     real IF is {}.{why} The VMM never learnt that the guest re-enabled interrupts, so \
                     the tick is never delivered.",
                    flag(virt.if_flag),
                    flag(state.real.if_flag)
                ),
                if_gap: true,
            })
        }
        "popf" if mode == Mode::TrapEmulate && virt.if_flag != state.real.if_flag => Some(Moment {
            role: Role::Warn,
            title: "popf did not trap",
            text: format!(
                "The guest popped flags with IF = 1, but popf at real CPL {} > IOPL {} silently leaves \
                 IF alone and raises no exception, with or without UMIP. The VMM never runs, so the \
                 virtual IF stays {} (real IF {}).",
                state.real.cpl,
                state.real.iopl,
                flag(virt.if_flag),
                flag(state.real.if_flag)
            ),
            if_gap: true,
        }),
        "sgdt" if mode == Mode::TrapEmulate && virt.gdtr != state.real.gdtr => Some(Moment {
            role: Role::Warn,
            title: "sgdt did not trap",
            text: format!(
                "Without UMIP, sgdt is sensitive but not privileged: it read the real register, the \
                 VMM's table at {}, instead of the guest's {}. Robin and Irvine (2000) list such x86 \
                 instructions ({ROBIN_IRVINE_COUNT}): {ROBIN_IRVINE_LIST}. UMIP makes sgdt fault \
                 outside ring 0; popf stays silent.",
                hex(state.real.gdtr),
                hex(virt.gdtr)
            ),
            if_gap: false,
        }),
        "emulate"
            if data.umip
                && mode == Mode::TrapEmulate
                && matches!(guest_instr(data, step), Some(Instr::Sgdt(_))) =>
        {
            Some(Moment {
                role: Role::Good,
                title: "sgdt trapped: the CPU has UMIP",
                text: format!(
                    "With CR4.UMIP = 1, sgdt in the deprivileged guest kernel (CPL > 0) raises #GP, \
                     so the VMM emulates it and the guest reads its own table, {}. UMIP covers \
                     SGDT, SIDT, SLDT, SMSW and STR; popf's silent IF is not fixed by it.",
                    hex(virt.gdtr)
                ),
                if_gap: false,
            })
        }
        "irq" if data.program() == Program::Popf => Some(Moment {
            role: Role::Good,
            title: "Tick delivered",
            text: "The held timer tick reaches the guest's handler once its virtual IF is 1 again."
                .to_owned(),
            if_gap: false,
        }),
        _ => None,
    }
}

/// The guest instruction a step concerns (the faulting one while the VMM handles it).
fn guest_instr<'a>(data: &'a RunData, step: &Step) -> Option<&'a Instr> {
    let listing = match step.guest_at.space {
        Space::Kernel => Some(&data.trace.kernel),
        Space::App => data.trace.app.as_ref(),
    };
    listing
        .and_then(|listing| listing.get(step.guest_at.line))
        .map(|line| &line.instr)
}

/// Draws a moment as a banner: tinted, outlined, titled.
pub fn moment_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    moment: &Moment,
    prefix: &str,
) -> f32 {
    let inner_width = rect.width() - 16.0;
    let title_height = draw::text_height(painter, moment.title, theme.body(), inner_width);
    let text_height = draw::text_height(painter, &moment.text, theme.small(), inner_width);
    let banner = Rect::from_min_size(
        rect.min,
        Vec2::new(rect.width(), title_height + text_height + 16.0),
    );
    let banner = banner.intersect(rect);
    painter.rect(
        banner,
        6.0,
        theme.tint(moment.role),
        theme.thick(theme.line(moment.role)),
        egui::StrokeKind::Inside,
    );
    let clipped = painter.with_clip_rect(banner.intersect(painter.clip_rect()));
    let title = draw::text_wrapped(
        &clipped,
        banner.min + Vec2::splat(8.0),
        moment.title,
        theme.body(),
        theme.text,
        inner_width,
    );
    draw::text_wrapped(
        &clipped,
        Pos2::new(title.min.x, title.max.y),
        &moment.text,
        theme.small(),
        theme.text,
        inner_width,
    );
    label_region(ui, banner, (prefix, "moment"), || {
        format!("{prefix}{}: {}", moment.title, moment.text)
    });
    banner.max.y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_popf_moments_appear_only_under_trap_and_emulate() {
        let data = RunData::new(Mode::TrapEmulate, Program::Popf).expect("runs");
        let popf = data.trace.first_step("popf").expect("popf");
        assert_eq!(
            moment(&data, popf).map(|m| m.title),
            Some("popf did not trap")
        );
        let lost = moment(&data, data.trace.len() - 1).expect("the lost tick");
        assert_eq!(lost.role, Role::Bad);
        assert!(
            lost.text
                .contains("virtual IF is still 0 while the real IF is 1"),
            "{}",
            lost.text
        );
        for mode in [Mode::BinaryTranslation, Mode::Paravirt, Mode::VtX] {
            let data = RunData::new(mode, Program::Popf).expect("runs");
            let irq = data.trace.first_step("irq").expect("delivered");
            assert_eq!(moment(&data, irq).map(|m| m.title), Some("Tick delivered"));
            assert!(
                (0..data.trace.len())
                    .all(|index| moment(&data, index).is_none_or(|m| m.role != Role::Bad)),
                "{}",
                mode.slug()
            );
        }
    }

    #[test]
    fn sgdt_says_without_umip_lists_robin_and_irvine_and_the_umip_case_traps() {
        // domain.md section 1: SGDT "never faults" only without UMIP (CR4.UMIP = 1 makes it #GP
        // at CPL > 0, Intel SDM); Robin and Irvine's count is quoted as 17 or 18, so the moment
        // shows the list of 18 mnemonics and both counts.
        let data = RunData::new(Mode::TrapEmulate, Program::Sgdt).expect("runs");
        let sgdt = data
            .trace
            .first_step("sgdt")
            .expect("sgdt runs unprivileged");
        let warn = moment(&data, sgdt).expect("a moment");
        assert!(warn.text.starts_with("Without UMIP"), "{}", warn.text);
        assert!(warn.text.contains("quoted as 17 or 18"), "{}", warn.text);
        let listed = ROBIN_IRVINE_LIST.split(", ").count();
        assert_eq!(listed, 18, "{ROBIN_IRVINE_LIST}");
        assert!(warn.text.contains(ROBIN_IRVINE_LIST));
        let umip = RunData::on_cpu(Mode::TrapEmulate, Program::Sgdt, true).expect("runs");
        let trapped: Vec<Moment> = (0..umip.trace.len())
            .filter_map(|index| moment(&umip, index))
            .collect();
        assert_eq!(trapped.len(), 1, "{trapped:?}");
        assert_eq!(trapped[0].role, Role::Good);
        assert!(trapped[0].text.contains("0x2000"), "{}", trapped[0].text);
        assert_eq!(umip.cpu_note(), " (CPU with UMIP)");
        // POPF stays the example UMIP does not fix.
        let popf = RunData::on_cpu(Mode::TrapEmulate, Program::Popf, true).expect("runs");
        let lost = moment(&popf, popf.trace.len() - 1).expect("the lost tick");
        assert_eq!(lost.role, Role::Bad);
    }

    #[test]
    fn state_rows_mark_the_if_gap_after_popf() {
        let data = RunData::new(Mode::TrapEmulate, Program::Popf).expect("runs");
        let popf = data.trace.first_step("popf").expect("popf");
        let state = &data.trace.steps[popf].state;
        let rows = state_rows(&state.real, state.virt.as_ref(), state.vmx);
        let if_row = rows.iter().find(|row| row.name == "IF").expect("IF row");
        assert_eq!(
            (if_row.real.as_str(), if_row.virt.as_deref()),
            ("1", Some("0"))
        );
        assert!(if_row.differs());
        assert!(
            !rows
                .iter()
                .find(|row| row.name == "VMX mode")
                .expect("row")
                .differs()
        );
    }

    #[test]
    fn every_mode_with_a_vmm_names_its_round_trip() {
        assert!(round_trip(Mode::Native).is_none());
        let (_, steps) = round_trip(Mode::TrapEmulate).expect("steps");
        assert_eq!(
            steps.iter().map(|(slug, _)| *slug).collect::<Vec<_>>(),
            ["trap", "emulate", "resume"]
        );
        for mode in &Mode::ALL[1..] {
            assert!(round_trip(*mode).is_some());
        }
    }
}
