//! The instruction a step concerns, classified as Popek and Goldberg did: sensitive or not
//! (control- or behaviour-sensitive, and why), privileged or not, and what that means for a
//! trap-and-emulate VMM: innocuous instructions run directly, privileged ones trap and can be
//! emulated, critical ones (sensitive but unprivileged) escape it. A quiz question's scene
//! names the instruction without its class: "what happens when it runs?" is the question.

use egui::{Painter, Rect, Ui};

use super::super::model::isa::{Instr, InstrClass};
use super::label_region;
use crate::draw;
use crate::theme::Theme;

/// What the instruction's class means for a VMM, in a line, on a CPU with or without UMIP.
fn verdict(instr: &Instr, umip: bool) -> &'static str {
    if umip && instr.umip_protected() {
        return "→ sensitive, and UMIP makes it trap, so a VMM can emulate it";
    }
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

/// The lines the panel shows for `instr`, on a CPU with CR4.UMIP set or not.
pub fn lines(instr: &Instr, umip: bool) -> [String; 3] {
    let (sensitivity, why) = instr.sensitivity();
    let privileged = match instr.class() {
        // The toy CPU makes IRET privileged to keep its kernel return simple; on x86 IRET runs at
        // any CPL but cannot return to a more privileged ring (Intel SDM, IRET).
        InstrClass::Privileged if matches!(instr, Instr::Iret) => {
            "privileged in this toy CPU (x86's IRET is not, but cannot raise the privilege)"
        }
        InstrClass::Privileged => "privileged: yes, #GP outside kernel mode",
        // SGDT and the other UMIP instructions: #GP at CPL > 0 only with CR4.UMIP (Intel SDM;
        // domain.md section 1).
        _ if instr.umip_protected() && umip => {
            "privileged: no, but with CR4.UMIP it raises #GP at CPL > 0"
        }
        _ if instr.umip_protected() => "privileged: no; without UMIP it runs at any CPL, no trap",
        InstrClass::Syscall | InstrClass::Hypercall => {
            "privileged: no, it is the guest's deliberate way in"
        }
        _ => "privileged: no, it runs at any CPL without a trap",
    };
    [
        format!("sensitive: {} ({why})", sensitivity.title()),
        privileged.to_owned(),
        verdict(instr, umip).to_owned(),
    ]
}

/// How the panel classifies its instruction.
#[derive(Clone, Copy, Debug)]
pub struct Classify {
    /// Whether the CPU has CR4.UMIP set.
    pub umip: bool,
    /// Whether the class is shown (not while a quiz question asks what the instruction does).
    pub shown: bool,
}

/// What the panel says instead of the class while a question is open.
const CLASS_HIDDEN: &str = "(its class shows once the question is answered)";

/// Draws the panel for `instr` from the top of `rect`; returns where it ended.
pub fn instruction_ui(
    ui: &Ui,
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    instr: &Instr,
    classify: Classify,
    prefix: &str,
) -> f32 {
    let Classify { umip, shown } = classify;
    let lines = if shown {
        lines(instr, umip).to_vec()
    } else {
        vec![CLASS_HIDDEN.to_owned()]
    };
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
    for line in &lines {
        let used = draw::text_wrapped(
            &clipped,
            egui::pos2(rect.min.x + 8.0, y),
            line,
            theme.small(),
            theme.text,
            rect.width() - 8.0,
        );
        y = used.max.y + 1.0;
    }
    let area = Rect::from_min_max(rect.min, egui::pos2(rect.max.x, y));
    label_region(ui, area, ("cpu-instruction-class", prefix), || {
        format!("{prefix}{instr}: {}", lines.join("; "))
    });
    y
}

#[cfg(test)]
mod tests {
    use super::super::super::model::isa::{Instr, Reg};
    use super::lines;

    /// With CR4.UMIP set, SGDT raises #GP at CPL > 0, so a trap-and-emulate VMM sees it; without
    /// UMIP it runs at any CPL. POPF's silent IF is not fixed by UMIP (Intel SDM; domain.md
    /// section 1, "UMIP").
    #[test]
    fn sgdt_is_critical_only_without_umip_and_popf_stays_critical() {
        let sgdt = Instr::Sgdt(Reg::R0);
        let [_, privileged, verdict] = lines(&sgdt, true);
        assert!(
            privileged.contains("with CR4.UMIP it raises #GP"),
            "{privileged}"
        );
        assert!(verdict.contains("UMIP makes it trap"), "{verdict}");
        let [_, privileged, verdict] = lines(&sgdt, false);
        assert!(privileged.contains("without UMIP"), "{privileged}");
        assert!(verdict.contains("critical"), "{verdict}");
        for umip in [false, true] {
            let [_, privileged, verdict] = lines(&Instr::Popf, umip);
            assert!(privileged.contains("without a trap"), "{privileged}");
            assert!(verdict.contains("never traps"), "{verdict}");
        }
    }

    /// x86's IRET is not a privileged instruction (Intel SDM, IRET: it runs at any CPL and
    /// faults only on a return to a more privileged level); the toy CPU's is, and says so.
    #[test]
    fn iret_is_named_privileged_only_in_the_toy_cpu() {
        let [_, privileged, _] = lines(&Instr::Iret, false);
        assert!(privileged.contains("toy CPU"), "{privileged}");
        assert!(privileged.contains("x86's IRET is not"), "{privileged}");
    }
}
