//! The microservices view's principles, pros and cons: the calls and words each step marks on
//! the services, and the list beside the diagram with the model's outcome for every item, the
//! current one emphasised.

use egui::{Pos2, Rect, Stroke};

use super::microservices::border_points;
use super::tag;
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
        let galley = painter.layout_no_wrap(badge.clone(), theme.small(), theme.text);
        let width = galley.size().x.min(area.width() + 40.0);
        tag(
            painter,
            theme,
            Pos2::new(
                area.center().x - width / 2.0,
                area.max.y + theme.small_size * 0.2,
            ),
            badge,
            fill,
        );
    }
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
