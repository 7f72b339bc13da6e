//! The controls above the canvas: the method, the preset, the sliders and the toggles.
//!
//! Slider values are rounded to what a scene link prints cleanly (whole MiB of memory, a
//! tenth of a MiB/s, whole milliseconds), and the sliders never clamp a value a link set
//! outside their range, so opening a link never changes it by itself.

use egui::{RichText, Slider, SliderClamping, Ui};

use crate::tabs::migration::link::{Scene, View};
use crate::tabs::migration::model::{Params, Preset, Rules};
use crate::theme::Theme;

/// What the student changed.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Another view.
    View(View),
    /// Another preset (its parameters replace the current ones).
    Preset(Preset),
    /// New parameters.
    Params(Params),
}

/// Rounds to `decimals` decimal places, so the link prints the value short and exact.
pub fn round_to(value: f64, decimals: i32) -> f64 {
    format!("{value:.prec$}", prec = decimals.max(0) as usize)
        .parse()
        .unwrap_or(value)
}

/// Draws the controls; returns what changed this frame.
pub fn controls_ui(ui: &mut Ui, theme: &Theme, scene: &Scene) -> Option<Change> {
    let mut change = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Method").strong());
        for view in View::ALL {
            if ui
                .selectable_label(scene.view == view, view.short_title())
                .clicked()
                && scene.view != view
            {
                change = Some(Change::View(view));
            }
        }
        ui.separator();
        ui.label(RichText::new("Preset").strong());
        egui::ComboBox::from_id_salt("migration-preset")
            .selected_text(scene.preset.title())
            .width(theme.body_size * 16.0)
            .show_ui(ui, |ui| {
                for preset in Preset::ALL {
                    if ui
                        .selectable_label(scene.preset == *preset, preset.title())
                        .on_hover_text(preset.description())
                        .clicked()
                    {
                        change = Some(Change::Preset(*preset));
                    }
                }
            })
            .response
            .on_hover_text(scene.preset.description());
        ui.separator();
        ui.label(RichText::new("Rules").strong());
        egui::ComboBox::from_id_salt("migration-rules")
            .selected_text(scene.params.rules.title())
            .width(theme.body_size * 12.0)
            .show_ui(ui, |ui| {
                for rules in Rules::ALL {
                    if ui
                        .selectable_label(scene.params.rules == *rules, rules.title())
                        .on_hover_text(rules.summary())
                        .clicked()
                        && scene.params.rules != *rules
                    {
                        let mut params = scene.params.clone();
                        params.rules = *rules;
                        // Auto-converge is QEMU's; Xen's rules have no such switch.
                        params.autoconverge &= rules.has_autoconverge();
                        change = Some(Change::Params(params));
                    }
                }
            })
            .response
            .on_hover_text(scene.params.rules.summary());
        if ui
            .add_enabled(scene.is_customized(), egui::Button::new("Reset parameters"))
            .on_hover_text("Back to the preset's parameters")
            .clicked()
        {
            change = Some(Change::Preset(scene.preset));
        }
    });
    let mut params = scene.params.clone();
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        // Long enough that a short drag is a small change: a logarithmic slider spreads its
        // decades over this width (a third as long, 20 points crossed two decades).
        ui.spacing_mut().slider_width = theme.body_size * 9.0;
        let mut slider = |ui: &mut Ui,
                          enabled: bool,
                          value: &mut f64,
                          range: std::ops::RangeInclusive<f64>,
                          text: &str,
                          suffix: &str,
                          decimals: i32,
                          hint: &str| {
            let mut edited = *value;
            // The name comes first, then the slider and its value, as one group of a fixed
            // width (measured at the widest value the range allows), so the row wraps at the same
            // places whatever the values and a name never reads as the next slider's.
            let text_width = |text: &str| {
                ui.painter()
                    .layout_no_wrap(text.to_owned(), theme.body(), theme.text)
                    .size()
                    .x
            };
            let widest = format!(
                "{:.prec$}{suffix}",
                range.end(),
                prec = decimals.max(0) as usize
            );
            let spacing = ui.spacing().item_spacing.x;
            let value_width = text_width(&widest) + 2.0 * ui.spacing().button_padding.x;
            let width = text_width(text)
                + ui.spacing().slider_width
                + value_width
                + 3.0 * spacing;
            let height = ui.spacing().interact_size.y;
            let smallest = (10f64.powi(-decimals.max(0))).max(*range.start()).max(1.0);
            let response = ui
                .allocate_ui_with_layout(
                    egui::vec2(width, height),
                    egui::Layout::left_to_right(egui::Align::Center),
                    |ui| {
                        ui.set_min_width(width);
                        let label = ui.add_enabled(enabled, egui::Label::new(text));
                        ui.add_enabled(
                            enabled,
                            Slider::new(&mut edited, range)
                                .logarithmic(true)
                                .smallest_positive(smallest)
                                .clamping(SliderClamping::Never)
                                .max_decimals(decimals.max(0) as usize)
                                .suffix(suffix),
                        )
                        .labelled_by(label.id)
                    },
                )
                .inner
                .on_hover_text(hint);
            if response.changed() {
                let rounded = round_to(edited, decimals);
                if rounded != *value {
                    *value = rounded;
                    changed = true;
                }
            }
        };
        slider(
            ui,
            true,
            &mut params.memory_mib,
            16.0..=65_536.0,
            "Memory",
            " MiB",
            0,
            "Guest memory V: every page must cross the link at least once",
        );
        let memory = params.memory_mib;
        slider(
            ui,
            true,
            &mut params.wss_mib,
            0.0..=memory,
            "Working set",
            " MiB",
            3,
            "The writable working set: the hot pages that take most of the writes",
        );
        slider(
            ui,
            true,
            &mut params.dirty_mib_s,
            0.0..=4096.0,
            "Dirty rate",
            " MiB/s",
            1,
            "D: how fast the guest writes memory, rewrites of the same page included",
        );
        slider(
            ui,
            true,
            &mut params.bandwidth_mib_s,
            1.0..=10_000.0,
            "Bandwidth",
            " MiB/s",
            1,
            "R: the link rate available to the migration (QEMU's default max-bandwidth is 128 MiB/s)",
        );
        // Xen has no downtime target and no auto-converge: both stay visible but disabled.
        let qemu = params.rules == Rules::Qemu;
        slider(
            ui,
            qemu,
            &mut params.downtime_ms,
            0.0..=10_000.0,
            "Downtime limit",
            " ms",
            0,
            "QEMU's downtime-limit: pre-copy switches over once the rest fits in this time (default 300 ms, a target, not a guarantee); Xen has no such target",
        );
        if ui
            .add_enabled(
                qemu,
                egui::Checkbox::new(&mut params.autoconverge, "Auto-converge"),
            )
            .on_hover_text(
                "QEMU only: throttle the guest CPU when it dirties memory faster than pre-copy can send it",
            )
            .on_disabled_hover_text("Auto-converge is a QEMU capability; Xen has none")
            .changed()
        {
            changed = true;
        }
        for (value, text, hint) in [
            (
                &mut params.prepaging,
                "Pre-paging",
                "Post-copy: after a fault, push the pages around it next",
            ),
            (
                &mut params.dest_fails,
                "Destination fails",
                "The destination host fails halfway through the memory transfer",
            ),
        ] {
            if ui.checkbox(value, text).on_hover_text(hint).changed() {
                changed = true;
            }
        }
    });
    if changed {
        params.wss_mib = params.wss_mib.min(params.memory_mib);
        change = Some(Change::Params(params));
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_gives_short_exact_values() {
        assert_eq!(round_to(3127.43, 0), 3127.0);
        assert_eq!(round_to(12.349_999, 1), 12.3);
        assert_eq!(round_to(0.1 + 0.2, 1).to_string(), "0.3");
        assert_eq!(round_to(0.144_4, 3).to_string(), "0.144");
    }
}
