//! The microservices view's principles, pros and cons: the calls and words each step marks on
//! the services, and the list beside the diagram with the model's outcome for every item, the
//! current one emphasised.

use egui::{Pos2, Rect, Stroke};

use super::microservices::border_points;
use super::tag_within;
use crate::draw;
use crate::tabs::containers::model::microservices::{MicroStep, Module};
use crate::tabs::containers::model::microservices_tradeoffs::{Tradeoffs, items};
use crate::theme::{Role, Theme};

/// The step's extra calls (arrows between services) and its words on the services.
pub fn annotations_ui(
    painter: &egui::Painter,
    theme: &Theme,
    step: &MicroStep,
    module_rect: &dyn Fn(Module) -> Rect,
) {
    for module in &step.focus {
        painter.rect_stroke(
            module_rect(*module).expand(3.0),
            6.0,
            theme.thick(theme.accent),
            egui::StrokeKind::Outside,
        );
    }
    let stroke = Stroke::new(theme.stroke_thick, theme.accent);
    for (from, to) in &step.edges {
        let (from, to) = (module_rect(*from), module_rect(*to));
        let above_each_other = (from.center().x - to.center().x).abs() < 1.0;
        if above_each_other && (from.center().y - to.center().y).abs() > from.height() * 2.0 {
            // Around the box between them, on the left.
            let x = from.min.x - theme.small_size;
            let (a, b) = (from.left_center(), to.left_center());
            painter.line_segment([a, Pos2::new(x, a.y)], stroke);
            painter.line_segment([Pos2::new(x, a.y), Pos2::new(x, b.y)], stroke);
            draw::arrow(painter, Pos2::new(x, b.y), b, stroke);
        } else {
            let (a, b) = border_points(from, to);
            draw::arrow(painter, a, b, stroke);
        }
    }
    for (module, badge) in &step.badges {
        let area = module_rect(*module);
        let fill = if badge.starts_with('✖') {
            theme.fill(Role::Bad)
        } else if badge.starts_with('⏱') {
            theme.fill(Role::Warn)
        } else {
            theme.surface
        };
        // A badge wider than its service (plus a little of the gap) wraps rather than reaching
        // under its neighbours' badges.
        let room = badge_room(theme, area.width());
        let pad = theme.small_size * 0.7;
        let galley = painter.layout(badge.clone(), theme.small(), theme.text, room - pad);
        let width = galley.size().x + pad;
        tag_within(
            painter,
            theme,
            Pos2::new(
                area.center().x - width / 2.0,
                area.max.y + theme.small_size * 0.2,
            ),
            badge,
            fill,
            room,
        );
    }
}

/// The widest a badge under a service `service_width` wide may be.
fn badge_room(theme: &Theme, service_width: f32) -> f32 {
    service_width + theme.small_size
}

/// How much taller than one line the step's tallest badge is under services `service_width`
/// wide (0 when every badge fits on one line).
pub fn badge_extra_height(
    painter: &egui::Painter,
    theme: &Theme,
    step: &MicroStep,
    service_width: f32,
) -> f32 {
    let width = badge_room(theme, service_width) - theme.small_size * 0.7;
    step.badges
        .iter()
        .map(|(_, badge)| {
            draw::text_height(painter, badge, theme.small(), width)
                - draw::text_height(painter, badge, theme.small(), f32::INFINITY)
        })
        .fold(0.0, f32::max)
}

/// The list of the preset: each item with the model's outcome, the step's item emphasised.
pub fn items_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    list: Tradeoffs,
    step: &MicroStep,
) {
    let heading = match list {
        Tradeoffs::Principles => "Design principles, as the shop shows them",
        Tradeoffs::Pros => "Pros, as the shop shows them",
        Tradeoffs::Cons => "Cons, as the shop shows them",
    };
    let inner = super::panel(painter, theme, rect, heading);
    let all = items(list);
    let entries: Vec<draw::ListItem<'_>> = all
        .iter()
        .enumerate()
        .map(|(index, item)| draw::ListItem {
            title: item.title,
            detail: &item.outcome,
            current: step.item == Some(index),
            pending: false,
        })
        .collect();
    draw::item_list_ui(painter, theme, inner, &entries, theme.body_size * 4.2);
}
