//! Fills, patterns and outlines of the chart's blocks, shared by the chart and its legend.
//!
//! Colour is never the only cue: suspended stretches are hatched, a lost VM is cross-hatched
//! with a thick outline, degraded running has a dashed outline, and every block that is wide
//! enough carries its label.

use egui::epaint::{RectShape, StrokeKind};
use egui::{Color32, Galley, Pos2, Rect, Shape, Stroke, Vec2};
use std::sync::Arc;

use super::chart::Look;
use crate::theme::{Role, Theme};

/// A fill pattern drawn over a block's fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Plain fill.
    None,
    /// Diagonal lines.
    Hatch,
    /// Diagonal lines both ways.
    CrossHatch,
    /// Short vertical ticks.
    Ticks,
}

/// How one look is painted.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Fill, if any.
    pub fill: Option<Color32>,
    /// Pattern over the fill.
    pub pattern: Pattern,
    /// Colour of the pattern's lines.
    pub pattern_color: Color32,
    /// Spacing of the pattern's lines, in multiples of the theme's base spacing.
    pub pattern_spacing: f32,
    /// Outline (width 0 for none).
    pub outline: Stroke,
    /// Whether the outline is dashed.
    pub dashed: bool,
    /// Colour of a label on the block.
    pub text: Color32,
    /// Whether a label needs its own background (over patterns or mixed fills).
    pub pill: bool,
}

/// The legend name of a look.
pub fn look_name(look: Look) -> &'static str {
    match look {
        Look::Running => "Running",
        Look::Degraded => "Running degraded (throttled or faulting)",
        Look::Suspended => "Suspended: downtime",
        Look::Lost => "VM lost",
        Look::Serving => "Source holds unsent pages",
        Look::Copy => "Bulk copy",
        Look::Prepage => "Pre-paging",
        Look::Faults => "Demand faults",
        Look::Transfer => "Round or transfer",
    }
}

/// The style of `look` in `theme`.
pub fn style(look: Look, theme: &Theme) -> Style {
    let plain = |role: Role| {
        let fill = theme.fill(role);
        Style {
            fill: Some(fill),
            pattern: Pattern::None,
            pattern_color: theme.outline,
            pattern_spacing: 1.0,
            outline: theme.thin(),
            dashed: false,
            text: theme.text_on(fill),
            pill: false,
        }
    };
    match look {
        Look::Running => plain(Role::Good),
        Look::Degraded => Style {
            outline: Stroke::new(theme.stroke_thick, theme.outline),
            dashed: true,
            ..plain(Role::Warn)
        },
        Look::Suspended => Style {
            fill: Some(theme.tint(Role::Bad)),
            pattern: Pattern::Hatch,
            pattern_color: theme.line(Role::Bad),
            text: theme.text,
            pill: true,
            ..plain(Role::Bad)
        },
        Look::Lost => Style {
            pattern: Pattern::CrossHatch,
            pattern_color: theme.outline,
            outline: Stroke::new(theme.stroke_thick, theme.line(Role::Bad)),
            pill: true,
            text: theme.text,
            ..plain(Role::Neutral)
        },
        Look::Serving => Style {
            fill: Some(theme.tint(Role::Neutral)),
            dashed: true,
            text: theme.text,
            ..plain(Role::Neutral)
        },
        Look::Copy => Style {
            outline: Stroke::NONE,
            ..plain(Role::Network)
        },
        Look::Prepage => Style {
            fill: Some(theme.tint(Role::Network)),
            pattern: Pattern::Hatch,
            pattern_color: theme.outline,
            pattern_spacing: 2.0,
            outline: Stroke::NONE,
            text: theme.text,
            ..plain(Role::Network)
        },
        Look::Faults => Style {
            pattern: Pattern::Ticks,
            pattern_color: theme.text_on(theme.fill(Role::Runtime)),
            outline: Stroke::NONE,
            ..plain(Role::Runtime)
        },
        Look::Transfer => Style {
            fill: None,
            pill: true,
            text: theme.text,
            ..plain(Role::Neutral)
        },
    }
}

/// Pushes the shapes of a block painted in `style` into `shapes`.
pub fn paint_block(shapes: &mut Vec<Shape>, rect: Rect, style: &Style, theme: &Theme) {
    if let Some(fill) = style.fill {
        shapes.push(Shape::rect_filled(rect, 0.0, fill));
    }
    // Long blocks get sparser patterns, so no block costs more than about 80 lines.
    let spacing = ((theme.body_size * 0.45).max(5.0) * style.pattern_spacing)
        .max((rect.width() + rect.height()) / 80.0);
    let pattern_stroke = Stroke::new(theme.stroke_thin, style.pattern_color);
    match style.pattern {
        Pattern::None => {}
        Pattern::Hatch => hatch(shapes, rect, spacing, pattern_stroke, false),
        Pattern::CrossHatch => {
            hatch(shapes, rect, spacing, pattern_stroke, false);
            hatch(shapes, rect, spacing, pattern_stroke, true);
        }
        Pattern::Ticks => {
            if rect.height() >= 4.0 {
                let mut x = rect.left() + spacing * 0.5;
                while x < rect.right() {
                    shapes.push(Shape::line_segment(
                        [
                            Pos2::new(x, rect.center().y - rect.height() * 0.3),
                            Pos2::new(x, rect.center().y + rect.height() * 0.3),
                        ],
                        pattern_stroke,
                    ));
                    x += spacing;
                }
            }
        }
    }
    outline(shapes, rect, style.outline, style.dashed, theme);
}

/// An outline, solid or dashed.
pub fn outline(shapes: &mut Vec<Shape>, rect: Rect, stroke: Stroke, dashed: bool, theme: &Theme) {
    if stroke.width <= 0.0 {
        return;
    }
    if dashed {
        // Dashes grow on long outlines so an outline is at most about 100 dashes.
        let (dash, gap) = theme.dash(1);
        let scale = (2.0 * (rect.width() + rect.height()) / (100.0 * (dash + gap))).max(1.0);
        let (dash, gap) = (dash * scale, gap * scale);
        let corners = [
            rect.left_top(),
            rect.right_top(),
            rect.right_bottom(),
            rect.left_bottom(),
            rect.left_top(),
        ];
        shapes.extend(Shape::dashed_line(&corners, stroke, dash, gap));
    } else {
        shapes.push(Shape::Rect(RectShape::stroke(
            rect,
            0.0,
            stroke,
            StrokeKind::Inside,
        )));
    }
}

/// 45-degree lines `spacing` apart, clipped to `rect`.
fn hatch(shapes: &mut Vec<Shape>, rect: Rect, spacing: f32, stroke: Stroke, mirrored: bool) {
    let h = rect.height();
    let mut k = rect.left() - h;
    while k < rect.right() {
        let u0 = (rect.left() - k).max(0.0);
        let u1 = (rect.right() - k).min(h);
        if u1 > u0 {
            let point = |u: f32| {
                let y = if mirrored {
                    rect.top() + u
                } else {
                    rect.bottom() - u
                };
                Pos2::new(k + u, y)
            };
            shapes.push(Shape::line_segment([point(u0), point(u1)], stroke));
        }
        k += spacing;
    }
}

/// A label centred in `rect` if it fits (with a background pill where the style asks for
/// one); tries `short` when `label` is too wide. Returns whether anything was drawn.
pub fn paint_label(
    shapes: &mut Vec<Shape>,
    painter: &egui::Painter,
    rect: Rect,
    texts: [&str; 2],
    style: &Style,
    theme: &Theme,
) -> bool {
    for text in texts {
        if text.is_empty() {
            continue;
        }
        let galley = painter.layout_no_wrap(text.to_owned(), theme.small(), style.text);
        if galley.size().x + 6.0 <= rect.width() && galley.size().y <= rect.height() {
            put_text(shapes, galley, rect.center(), style.pill, style.text, theme);
            return true;
        }
    }
    false
}

/// Places a galley centred on `center`, on a small background when `pill` is set.
pub fn put_text(
    shapes: &mut Vec<Shape>,
    galley: Arc<Galley>,
    center: Pos2,
    pill: bool,
    color: Color32,
    theme: &Theme,
) {
    let pos = center - galley.size() / 2.0;
    if pill {
        let back = Rect::from_min_size(pos, galley.size()).expand2(Vec2::new(3.0, 0.0));
        shapes.push(Shape::rect_filled(back, 3.0, theme.canvas));
    }
    shapes.push(Shape::galley(pos, galley, color));
}
