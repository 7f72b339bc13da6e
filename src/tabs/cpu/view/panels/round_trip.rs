//! A mode's round trip into the VMM as numbered chips (trap-and-emulate: trap, emulate,
//! resume), the step running now filled and outlined.

use egui::{Align2, Painter, Pos2, Rect, Ui, Vec2};

use crate::draw;
use crate::tabs::cpu::model::Mode;
use crate::tabs::cpu::model::trace::Step;
use crate::tabs::cpu::view::label_region;
use crate::theme::Theme;

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

#[cfg(test)]
mod tests {
    use super::*;

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
