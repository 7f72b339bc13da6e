//! Drawing the cpu tab: the run view, the side-by-side comparison and the cost chart, plus the
//! pieces they share (lanes with listings, the real-versus-virtual state panel, counters).
//!
//! Everything is painted with plain shapes (export turns them into SVG) and every fact a test or a
//! screen reader needs also gets an accessible label through [`label_region`].

mod classes;
pub mod compare;
pub(super) mod controls;
pub mod cost;
mod lanes;
mod panels;
pub mod run;

use super::model::Mode;
use super::model::trace::Lane;
use crate::theme::Role;

pub(crate) use crate::draw::label_region;

/// The theme role of a lane.
pub(crate) fn lane_role(lane: Lane) -> Role {
    match lane {
        Lane::GuestApp => Role::App,
        Lane::GuestKernel => Role::GuestKernel,
        Lane::Vmm => Role::Hypervisor,
        Lane::Hardware => Role::Hardware,
    }
}

/// A lane's title under a mode (the paravirtual kernel is the modified one).
pub(crate) fn lane_title(lane: Lane, mode: Mode) -> &'static str {
    match (lane, mode) {
        (Lane::GuestKernel, Mode::Native) => "Kernel",
        (Lane::GuestKernel, Mode::Paravirt) => "Guest kernel (modified)",
        // Full virtualization: the same kernel binary as on a real machine.
        (Lane::GuestKernel, Mode::TrapEmulate | Mode::BinaryTranslation | Mode::VtX) => {
            "Guest kernel (unmodified)"
        }
        (Lane::Vmm, Mode::Paravirt) => "Hypervisor",
        (Lane::GuestApp, Mode::Native) => "Application",
        _ => lane.title(),
    }
}

/// Where a lane's code really runs under a mode, in a few words.
pub(crate) fn lane_privilege(lane: Lane, mode: Mode) -> &'static str {
    match (lane, mode) {
        (Lane::GuestApp, Mode::VtX) => "non-root CPL 3",
        (Lane::GuestApp, _) => "CPL 3",
        (Lane::GuestKernel, Mode::Native) => "CPL 0",
        (Lane::GuestKernel, Mode::TrapEmulate) => "real CPL 1, thinks 0",
        (Lane::GuestKernel, Mode::BinaryTranslation) => "real CPL 1, translated",
        (Lane::GuestKernel, Mode::Paravirt) => "ring 1, hypercalls",
        (Lane::GuestKernel, Mode::VtX) => "non-root CPL 0",
        (Lane::Vmm, Mode::Native) => "none",
        (Lane::Vmm, Mode::VtX) => "VMX root, CPL 0",
        (Lane::Vmm, _) => "CPL 0",
        (Lane::Hardware, _) => "CPU, timer, disk",
    }
}

/// What names the kernel line where a translated block starts: its label (`loop`), or its
/// instruction when the line has none (`iret`).
pub(crate) fn block_start_name(data: &super::scene::RunData, guest_start: usize) -> String {
    let Some(line) = data.kernel.get(guest_start) else {
        return "?".to_owned();
    };
    let code = line.split(';').next().unwrap_or(line).trim();
    match code.split_once(':') {
        Some((label, _)) if !label.contains(char::is_whitespace) => label.to_owned(),
        _ => code.split_whitespace().next().unwrap_or("?").to_owned(),
    }
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, ch) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A slowdown factor as students read it: `1.0x`, `26.9x`, `557x`.
pub(crate) fn factor(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}x")
    } else {
        format!("{value:.1}x")
    }
}

/// Smooth start and stop for moving tokens.
pub(crate) fn ease(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(factor(1.0), "1.0x");
        assert_eq!(factor(26.89), "26.9x");
        assert_eq!(factor(556.6), "557x");
    }

    #[test]
    fn blocks_are_named_by_label_or_instruction() {
        use super::super::model::{Mode, Program};
        let data = super::super::scene::RunData::new(Mode::BinaryTranslation, Program::DiskWrite)
            .expect("runs");
        let names: Vec<String> = (0..data.kernel.len())
            .map(|line| block_start_name(&data, line))
            .collect();
        assert!(names.contains(&"sys_entry".to_owned()), "{names:?}");
        assert!(names.contains(&"iret".to_owned()), "{names:?}");
        assert!(names.iter().all(|name| !name.contains(' ')), "{names:?}");
    }

    #[test]
    fn every_lane_has_words_in_every_mode() {
        for mode in Mode::ALL {
            for lane in Lane::ALL {
                assert!(!lane_title(*lane, *mode).is_empty());
                assert!(!lane_privilege(*lane, *mode).is_empty());
            }
        }
    }
}
