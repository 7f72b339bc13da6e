//! Draws presentation mode's overlay on top of the scene (a foreground layer): the blanked
//! screen, the pen's ink and the laser pointer; and turns pointer input into ink and laser
//! positions. Nothing here is part of the scene, so exports never contain it.

use egui::{Id, LayerId, Order, Rect, Sense, Stroke};

use super::{Blank, InkStroke, LASER_TRAIL_SECS, Presentation, Tool};
use crate::theme::Theme;

/// Handles the pen and laser over `rect` and paints the overlay.
pub fn overlay_ui(ctx: &egui::Context, theme: &Theme, rect: Rect, presentation: &mut Presentation) {
    let now = ctx.input(|input| input.time);
    if presentation.tool != Tool::Pointer {
        // Catch the pointer so the scene underneath does not react to drawing.
        egui::Area::new(Id::unique("presentation-input"))
            .order(Order::Foreground)
            .fixed_pos(rect.min)
            .show(ctx, |ui| {
                let response = ui.allocate_response(rect.size(), Sense::drag());
                let pointer = response.hover_pos().or(response.interact_pointer_pos());
                match presentation.tool {
                    Tool::Pen => pen_input(&response, presentation),
                    Tool::Laser => {
                        if let Some(pos) = pointer {
                            presentation.laser_to(pos, now);
                        }
                    }
                    Tool::Pointer => {}
                }
            });
    }

    let painter = ctx.layer_painter(LayerId::new(
        Order::Foreground,
        Id::unique("presentation-ink"),
    ));
    if let Some(blank) = presentation.blank {
        painter.rect_filled(rect, 0.0, Theme::blank_screen(blank == Blank::Black));
        return;
    }
    let width = (theme.stroke_thick * 1.6).max(3.0);
    for stroke in &presentation.ink {
        painter.add(egui::Shape::line(
            stroke.points.clone(),
            Stroke::new(width, theme.ink(stroke.colour)),
        ));
    }
    if presentation.tool == Tool::Laser {
        laser_ui(&painter, theme, presentation, now);
    }
}

fn pen_input(response: &egui::Response, presentation: &mut Presentation) {
    if response.drag_started() {
        presentation.ink.push(InkStroke {
            colour: presentation.pen_colour,
            points: Vec::new(),
        });
    }
    if response.dragged()
        && let Some(pos) = response.interact_pointer_pos()
        && let Some(stroke) = presentation.ink.last_mut()
        && stroke.points.last() != Some(&pos)
    {
        stroke.points.push(pos);
    }
}

fn laser_ui(painter: &egui::Painter, theme: &Theme, presentation: &Presentation, now: f64) {
    let color = theme.laser();
    let trail = &presentation.trail;
    for ((from, _), (to, drawn_at)) in trail.iter().zip(trail.iter().skip(1)) {
        let age = (now - drawn_at) / LASER_TRAIL_SECS;
        let alpha = (1.0 - age).clamp(0.0, 1.0) as f32;
        painter.line_segment(
            [*from, *to],
            Stroke::new(
                theme.stroke_thick * 2.0 * alpha,
                color.gamma_multiply(alpha),
            ),
        );
    }
    if let Some((pos, _)) = presentation.trail.last() {
        let radius = theme.body_size * 0.45;
        painter.circle_filled(*pos, radius * 1.8, color.gamma_multiply(0.25));
        painter.circle(*pos, radius, color, Stroke::new(1.5, theme.text_on(color)));
    }
}
