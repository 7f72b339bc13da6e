//! The real CPU beside the guest's virtual CPU: a table for the side column, one line for the
//! narrow comparison columns, differences marked with a tint, an outline and `≠`.

use egui::{Align2, Painter, Pos2, Rect, Stroke, Ui, Vec2};

use super::{flag, hex};
use crate::draw;
use crate::tabs::cpu::model::cpu::{CpuState, VmxMode};
use crate::tabs::cpu::model::trace::Step;
use crate::tabs::cpu::view::label_region;
use crate::theme::{Role, Theme};

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
    let note = if state.virt.is_some() && step.lane == crate::tabs::cpu::model::trace::Lane::Vmm {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::cpu::model::{Mode, Program};
    use crate::tabs::cpu::scene::RunData;

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
}
