//! Namespace colours and the small labelled chips that tag processes with their namespaces.
//!
//! A namespace's colour comes from its slot (0 = the initial namespace of its type, then the
//! others in creation order) mapped onto theme roles; the chip always carries the namespace's
//! short id as text too, so colour is never the only cue.

use egui::{Align2, Color32, FontId, Painter, Rect, Stroke};

use crate::theme::{Role, Theme};

/// Roles for namespace slots: the host's namespaces first, then one per new namespace.
const SLOT_ROLES: [Role; 7] = [
    Role::HostKernel,
    Role::Container,
    Role::App,
    Role::Runtime,
    Role::Network,
    Role::GuestKernel,
    Role::Hypervisor,
];

/// The fill of a namespace slot.
pub fn slot_fill(theme: &Theme, slot: usize) -> Color32 {
    let [first, ..] = SLOT_ROLES;
    theme.fill(
        SLOT_ROLES
            .get(slot % SLOT_ROLES.len())
            .copied()
            .unwrap_or(first),
    )
}

/// How a chip is emphasised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Emphasis {
    /// Created by the current step: thick warning outline and a `+` before the text.
    pub new: bool,
    /// Belongs to the selection: thick accent outline.
    pub selected: bool,
}

/// The width a chip with `text` needs.
pub fn chip_width(painter: &Painter, text: &str, font: &FontId) -> f32 {
    painter
        .layout_no_wrap(text.to_owned(), font.clone(), Color32::PLACEHOLDER)
        .size()
        .x
        + 8.0
}

/// What a chip shows: its text, after a `+` when this step created it (measure this for the
/// chip's width).
pub fn chip_label(text: &str, new: bool) -> String {
    if new {
        format!("+{text}")
    } else {
        text.to_owned()
    }
}

/// A filled rounded chip with centred text; returns its rectangle.
pub fn chip(
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    fill: Color32,
    text: &str,
    emphasis: Emphasis,
) -> Rect {
    let stroke = if emphasis.selected {
        Stroke::new(theme.stroke_thick, theme.accent)
    } else if emphasis.new {
        Stroke::new(theme.stroke_thick, theme.line(Role::Warn))
    } else {
        theme.thin()
    };
    painter.rect(rect, 4.0, fill, stroke, egui::StrokeKind::Inside);
    let label = chip_label(text, emphasis.new);
    painter.text(
        rect.center(),
        Align2::CENTER_CENTER,
        label,
        theme.small(),
        theme.text_on(fill),
    );
    rect
}
