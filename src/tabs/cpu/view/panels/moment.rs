//! The moments of a run that carry the lesson (popf not trapping, the tick never delivered,
//! sgdt reading the real table, UMIP making it trap) and the banner that shows them.

use egui::{Painter, Pos2, Rect, Ui, Vec2};

use super::{flag, hex};
use crate::draw;
use crate::tabs::cpu::model::cpu::Space;
use crate::tabs::cpu::model::isa::Instr;
use crate::tabs::cpu::model::trace::Step;
use crate::tabs::cpu::model::{Mode, Program, ROBIN_IRVINE_COUNT, ROBIN_IRVINE_LIST};
use crate::tabs::cpu::scene::RunData;
use crate::tabs::cpu::view::label_region;
use crate::theme::{Role, Theme};

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
}
