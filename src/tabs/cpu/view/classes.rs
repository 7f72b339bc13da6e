//! The instruction a step concerns, classified as Popek and Goldberg did: sensitive or not
//! (control- or behaviour-sensitive, and why), privileged or not, and what that means for a
//! trap-and-emulate VMM: innocuous instructions run directly, privileged ones trap and can be
//! emulated, critical ones (sensitive but unprivileged) escape it.

use egui::{Painter, Rect, Ui};

use super::super::model::isa::{Instr, InstrClass};
use super::label_region;
use crate::draw;
use crate::theme::Theme;

/// What the instruction's class means for a VMM, in a line.
fn verdict(instr: &Instr) -> &'static str {
    match instr.class() {
        InstrClass::Ordinary => "→ innocuous: runs directly on the CPU, at native speed",
        InstrClass::Privileged => "→ privileged and sensitive: traps, so a VMM can emulate it",
        InstrClass::Critical => {
            "→ critical: sensitive but not privileged, so it never traps and the VMM never sees it"
        }
        InstrClass::Syscall => "→ enters the kernel on purpose",
        InstrClass::Hypercall => "→ enters the hypervisor on purpose",
    }
}

/// The lines the panel shows for `instr`.
pub fn lines(instr: &Instr) -> [String; 3] {
    let (sensitivity, why) = instr.sensitivity();
    let privileged = match instr.class() {
        InstrClass::Privileged => "privileged: yes, #GP outside kernel mode",
        InstrClass::Syscall | InstrClass::Hypercall => {
            "privileged: no, it is the guest's deliberate way in"
        }
        _ => "privileged: no, it runs at any CPL without a trap",
    };
    [
        format!("sensitive: {} ({why})", sensitivity.title()),
        privileged.to_owned(),
        verdict(instr).to_owned(),
    ]
}

/// Draws the panel for `instr` from the top of `rect`; returns where it ended.
pub fn instruction_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    instr: &Instr,
    prefix: &str,
) -> f32 {
    let clipped = painter.with_clip_rect(rect.intersect(painter.clip_rect()));
    let heading = draw::text_wrapped(
        &clipped,
        rect.min,
        &format!("Popek and Goldberg: {instr}"),
        theme.small(),
        theme.text_muted,
        rect.width(),
    );
    let mut y = heading.max.y + 2.0;
    for line in lines(instr) {
        let used = draw::text_wrapped(
            &clipped,
            egui::pos2(rect.min.x + 8.0, y),
            &line,
            theme.small(),
            theme.text,
            rect.width() - 8.0,
        );
        y = used.max.y + 1.0;
    }
    let area = Rect::from_min_max(rect.min, egui::pos2(rect.max.x, y));
    label_region(ui, area, ("cpu-instruction-class", prefix), || {
        format!("{prefix}{instr}: {}", lines(instr).join("; "))
    });
    y
}
