//! The numbers beside a method's timeline: the headline costs, the rounds, why pre-copy
//! stopped, and the state at the current moment. They are real labels, so screen readers
//! and the UI tests read them, and they update with every slider move. A quiz question's scene
//! (`hide`) shows only the state now and the rules: the rest is the outcome it asks about.

use crate::units::{bytes_approx, duration_secs};
use egui::{RichText, Ui};

use super::text::{
    degraded_text, dirty_rate_note, downtime_text, rounds_text, rules_line, source_line, total_text,
};
use crate::tabs::migration::model::{
    MigrationTimeline, Mode, PAGE_SIZE_BYTES, PhaseKind, Preset, VmState,
};
use crate::theme::Theme;

/// Fills `ui` (already sized and clipped by the caller) with the numbers of `tl` at `state`;
/// with `hide`, only the state now and the rules; `with_notes` adds the source and the note
/// after them, each where it fits whole.
pub fn numbers_ui(
    ui: &mut Ui,
    theme: &Theme,
    (tl, state): (&MigrationTimeline, &VmState),
    (preset, hide): (Preset, bool),
    with_notes: bool,
) {
    ui.spacing_mut().item_spacing.y = theme.small_size * 0.3;
    // Rows as tall as their text: these are labels, not controls sized for a pointer.
    ui.spacing_mut().interact_size.y = 0.0;
    let plain = |text: String| RichText::new(text).font(theme.small());
    if hide {
        ui.label(RichText::new(now_text(state)).font(theme.body()).strong());
        if tl.mode == Mode::PreCopy {
            ui.label(plain(rules_line(&tl.params)));
        }
    } else {
        outcome_ui(ui, theme, tl, state);
    }
    if !with_notes {
        return;
    }
    let small = |text: String| {
        RichText::new(text)
            .font(theme.small())
            .color(theme.text_muted)
    };
    // The source (the citation for the Clark presets) before the longer note, so a small
    // canvas (a projector at 1280x720) drops the note first; each shows whole or not at all.
    if label_if_it_fits(ui, small(source_line(preset, Some(tl.mode)))) && tl.mode == Mode::PreCopy {
        label_if_it_fits(ui, small(dirty_rate_note(&tl.params)));
    }
}

/// The headline numbers, the state now, the rounds and rules, and the verdict.
fn outcome_ui(ui: &mut Ui, theme: &Theme, tl: &MigrationTimeline, state: &VmState) {
    let s = &tl.summary;
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = theme.body_size * 1.1;
        let big = |text: String| {
            egui::Label::new(RichText::new(text).font(theme.body()).strong()).extend()
        };
        ui.add(big(format!("Outcome: {}", s.outcome.title())));
        ui.add(big(format!("Downtime: {}", downtime_text(s))));
        ui.add(big(format!("Total time: {}", total_text(s))));
        ui.add(big(format!("Data sent: {}", bytes_approx(s.total_bytes))));
        if tl.mode == Mode::PreCopy {
            ui.add(big(format!("Rounds: {}", s.rounds)));
            if let Some(stop) = s.stop {
                ui.add(big(format!("Stop condition: {}", stop.title())));
            }
        }
        if tl.mode != Mode::Cold {
            ui.add(big(format!("Degraded: {}", degraded_text(s))));
        }
        if tl.mode == Mode::PostCopy {
            ui.add(big(format!("Demand faults: {:.0}", s.faults)));
            ui.add(big(format!(
                "Stalled on faults: {}",
                duration_secs(s.stall_secs)
            )));
        }
    });
    ui.label(RichText::new(now_text(state)).font(theme.body()).strong());
    let plain = |text: String| RichText::new(text).font(theme.small());
    if tl.mode == Mode::PreCopy {
        ui.label(plain(format!("Data per round: {}", rounds_text(&tl.bars))));
        ui.label(plain(rules_line(&tl.params)));
    }
    ui.label(plain(s.verdict.clone()));
}

/// Adds `text` as a wrapped label if all of it fits above the bottom of `ui`; says whether it did.
fn label_if_it_fits(ui: &mut Ui, text: RichText) -> bool {
    let galley = egui::WidgetText::from(text).into_galley(
        ui,
        Some(egui::TextWrapMode::Wrap),
        ui.available_width(),
        egui::TextStyle::Body,
    );
    let fits = galley.size().y <= ui.available_height();
    if fits {
        ui.label(galley);
    }
    fits
}

/// The state at the timeline position in one line.
pub fn now_text(state: &VmState) -> String {
    let bytes = |pages: f64| bytes_approx(pages * PAGE_SIZE_BYTES as f64);
    let mut text = format!(
        "At {}: {}",
        duration_secs(state.t_secs),
        state.phase.title()
    );
    if let Some(round) = state
        .round
        .filter(|_| state.phase == PhaseKind::PreCopyRound)
    {
        text.push_str(&format!(" {round}"));
    }
    text.push_str(&format!(
        " · {} still to send · {} sent so far",
        bytes(state.pages_remaining),
        bytes_approx(state.bytes_sent)
    ));
    if state.faults >= 0.5 {
        text.push_str(&format!(" · {:.0} faults so far", state.faults));
    }
    if state.throttle_pct > 0 {
        text.push_str(&format!(" · guest throttled {}%", state.throttle_pct));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::migration::model::{Params, simulate};

    #[test]
    fn now_text_reads_the_state() {
        let tl = simulate(&Params::default(), Mode::PreCopy).unwrap();
        let text = now_text(&tl.state_at(16.0));
        assert_eq!(
            text,
            "At 16.0 s: Pre-copy round 0 · 2.25 GiB still to send · 2 GiB sent so far"
        );
        let tl = simulate(&Params::default(), Mode::PostCopy).unwrap();
        assert!(now_text(&tl.state_at(10.0)).contains("faults so far"));
    }
}
