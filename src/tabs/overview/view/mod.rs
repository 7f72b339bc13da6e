//! Draws the Overview: six stacks, the write's token and arrows, crossings, ratings and the
//! explanation of the hovered or selected layer.

pub(super) mod consolidation;
pub(super) mod power;

use egui::{Align2, Pos2, Rect, Stroke, Ui, Vec2};

use super::Selection;
use super::model::{Boundary, Layer, LayerKind, Position, Rating, Stack};
use crate::draw;
use crate::theme::{Role, Theme};
use crate::timeline::Timeline;

/// The most layers any stack has; every stack is drawn on this grid so hardware lines up.
const MAX_LAYERS: usize = 5;

fn role(kind: LayerKind) -> Role {
    match kind {
        LayerKind::App | LayerKind::Bytecode => Role::App,
        LayerKind::GuestOs => Role::GuestKernel,
        LayerKind::Hypervisor => Role::Hypervisor,
        LayerKind::HostOs | LayerKind::Kernel => Role::HostKernel,
        LayerKind::Hardware => Role::Hardware,
        LayerKind::LanguageVm => Role::Runtime,
        LayerKind::Container => Role::Container,
    }
}

/// Draws the scene into the whole available rectangle; returns a layer the student clicked.
pub fn canvas_ui(
    ui: &mut Ui,
    theme: &Theme,
    stacks: &[Stack],
    timeline: &Timeline,
    selection: Option<Selection>,
) -> Option<Selection> {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let design = Vec2::new(theme.body_size * 78.0, theme.body_size * 45.0);
    let theme = &theme.fit(rect.size(), design);

    let step = timeline.step();
    let caption = timeline
        .marks()
        .get(timeline.current_mark())
        .map_or("", |mark| mark.label.as_str());
    let body = draw::caption(
        &painter,
        theme,
        rect,
        "One disk write, six ways to run software",
        caption,
    );

    // Reserve the explanation strip at the bottom.
    let info_height = theme.body_size * 3.4;
    let info_rect = Rect::from_min_max(
        Pos2::new(body.min.x + 12.0, body.max.y - info_height - 8.0),
        Pos2::new(body.max.x - 12.0, body.max.y - 8.0),
    );
    let columns = Rect::from_min_max(
        Pos2::new(body.min.x + 12.0, body.min.y),
        Pos2::new(body.max.x - 12.0, info_rect.min.y - 8.0),
    );

    let gap = 10.0;
    let count = stacks.len().max(1) as f32;
    let column_width = (columns.width() - gap * (count - 1.0)) / count;
    let hop_height = hop_height(&painter, theme, stacks, column_width);
    let mut clicked = None;
    let mut hovered = None;
    for (i, stack) in stacks.iter().enumerate() {
        let x = columns.min.x + i as f32 * (column_width + gap);
        let column = Rect::from_min_size(
            Pos2::new(x, columns.min.y),
            Vec2::new(column_width, columns.height()),
        );
        let outcome = stack_ui(
            ui, &painter, theme, column, hop_height, stack, timeline, step, selection,
        );
        clicked = clicked.or(outcome.clicked);
        hovered = hovered.or(outcome.hovered);
    }

    info_ui(&painter, theme, info_rect, stacks, hovered.or(selection));
    clicked
}

struct StackOutcome {
    clicked: Option<Selection>,
    hovered: Option<Selection>,
}

/// What happens in `stack` at `position`: a headline and a sentence.
fn hop_caption(stack: &Stack, position: Position) -> (String, String) {
    match position {
        Position::Start => (
            "write()".to_owned(),
            "The application calls write().".to_owned(),
        ),
        Position::Hop(index) => stack.hops.get(index).map_or_else(
            || (String::new(), String::new()),
            |hop| {
                (
                    format!("{}. {}", index + 1, hop.mechanism),
                    hop.text.to_owned(),
                )
            },
        ),
        Position::Done => (
            "returned".to_owned(),
            format!("Done in {} hops.", stack.hops.len()),
        ),
    }
}

/// The height the hop texts need in a column `width` wide: the most lines a headline and its
/// sentence take in any stack at any step, and the crossings line (the same for every step, so
/// the layers do not jump as the write moves). Counted in lines of a fixed height rather than
/// measured in pixels, so a 4x export lays the layers out exactly as the 1x one.
fn hop_height(painter: &egui::Painter, theme: &Theme, stacks: &[Stack], width: f32) -> f32 {
    let lines = |text: &str| {
        painter
            .layout(text.to_owned(), theme.small(), theme.text, width.max(1.0))
            .rows
            .len()
    };
    let most = stacks
        .iter()
        .flat_map(|stack| {
            [Position::Start, Position::Done]
                .into_iter()
                .chain((0..stack.hops.len()).map(Position::Hop))
                .map(move |position| hop_caption(stack, position))
        })
        .map(|(headline, text)| lines(&headline) + lines(&text))
        .max()
        .unwrap_or(0);
    // A line of small text is at most 1.25 of its size high; the crossings line and gaps below.
    (most as f32 * theme.small_size * 1.25 + theme.small_size * 2.2).max(theme.small_size * 8.2)
}

#[expect(clippy::too_many_arguments)]
fn stack_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    column: Rect,
    hop_height: f32,
    stack: &Stack,
    timeline: &Timeline,
    step: usize,
    selection: Option<Selection>,
) -> StackOutcome {
    let mut outcome = StackOutcome {
        clicked: None,
        hovered: None,
    };
    let stack_selected = selection.is_some_and(|s| s.stack == stack.kind);

    // Column heading, clickable to select the whole stack.
    let heading_height = theme.body_size * 2.6;
    let heading = Rect::from_min_size(column.min, Vec2::new(column.width(), heading_height));
    let title_galley = painter.layout(
        stack.kind.title().to_owned(),
        theme.body(),
        theme.text,
        column.width(),
    );
    painter.galley(
        Pos2::new(
            heading.center().x - title_galley.size().x / 2.0,
            heading.min.y,
        ),
        title_galley,
        theme.text,
    );
    let response = draw::hit_region(
        ui,
        heading,
        egui::Id::unique(("overview-stack", stack.kind.slug())),
        stack.kind.title(),
    );
    if response.clicked() {
        outcome.clicked = Some(Selection {
            stack: stack.kind,
            layer: None,
        });
    }
    if response.hovered() {
        outcome.hovered = Some(Selection {
            stack: stack.kind,
            layer: None,
        });
    }

    // Ratings at the bottom of the column: one compact row per criterion.
    let rating_row = theme.small_size * 1.45;
    let ratings_height = rating_row * stack.assessments.len() as f32;
    let ratings_rect = Rect::from_min_max(
        Pos2::new(column.min.x, column.max.y - ratings_height),
        column.max,
    );
    // The hop text and crossings above the ratings.
    let hop_rect = Rect::from_min_max(
        Pos2::new(column.min.x, ratings_rect.min.y - hop_height - 6.0),
        Pos2::new(column.max.x, ratings_rect.min.y - 6.0),
    );
    let stack_area = Rect::from_min_max(
        Pos2::new(column.min.x, heading.max.y + 4.0),
        Pos2::new(column.max.x, hop_rect.min.y - 6.0),
    );

    if stack_selected {
        painter.rect_stroke(
            column.expand(4.0),
            8.0,
            theme.thick(theme.accent),
            egui::StrokeKind::Inside,
        );
    }

    // Layers, bottom-aligned on a common grid.
    let slot_gap = (stack_area.height() * 0.06).clamp(8.0, 22.0);
    let slot = (stack_area.height() - slot_gap * (MAX_LAYERS as f32 - 1.0)) / MAX_LAYERS as f32;
    let layer_height = slot.max(theme.body_size * 1.6);
    let arrow_lane = (column.width() * 0.2).clamp(18.0, 40.0);
    let boxes_left = column.min.x + arrow_lane;
    let mut layer_rects = Vec::with_capacity(stack.layers.len());
    let first_slot = MAX_LAYERS - stack.layers.len();
    for (i, layer) in stack.layers.iter().enumerate() {
        let top = stack_area.min.y + (first_slot + i) as f32 * (layer_height + slot_gap);
        let rect = Rect::from_min_max(
            Pos2::new(boxes_left, top),
            Pos2::new(column.max.x, top + layer_height),
        );
        layer_rects.push(rect);
        layer_ui(
            ui,
            painter,
            theme,
            rect,
            stack,
            layer,
            selection,
            &mut outcome,
        );
    }

    // Boundaries between layers.
    for (i, boundary) in stack.boundaries.iter().enumerate() {
        let (Some(above), Some(below)) = (layer_rects.get(i), layer_rects.get(i + 1)) else {
            continue;
        };
        let y = (above.max.y + below.min.y) / 2.0;
        boundary_ui(painter, theme, column.min.x, column.max.x, y, *boundary);
    }

    // The write's path: the current hop as an arrow and the token moving along it.
    let position = stack.position(step);
    let center = |index: usize| {
        layer_rects.get(index).map_or(stack_area.center(), |rect| {
            Pos2::new(boxes_left - arrow_lane * 0.5, rect.center().y)
        })
    };
    let hop = match position {
        Position::Hop(index) => stack.hops.get(index).copied(),
        Position::Start | Position::Done => None,
    };
    let token_at = match hop {
        None => center(0),
        Some(hop) => {
            let (from, to) = (center(hop.from), center(hop.to));
            let stroke = theme.thick(theme.line(Role::Warn));
            let offset = if hop.to > hop.from { -4.0 } else { 4.0 };
            draw::arrow(
                painter,
                from + Vec2::new(offset, 0.0),
                to + Vec2::new(offset, 0.0),
                stroke,
            );
            let t = ease(timeline.fraction() as f32);
            from + (to - from) * t
        }
    };
    let radius = (theme.small_size * 0.6).max(6.0);
    painter.circle(
        token_at,
        radius,
        theme.fill(Role::Warn),
        Stroke::new(theme.stroke_thin, theme.outline),
    );
    painter.text(
        token_at,
        Align2::CENTER_CENTER,
        "w",
        theme.small(),
        theme.text_on(theme.fill(Role::Warn)),
    );

    // What happens in this stack now, and the boundaries crossed so far.
    let hops_done = match position {
        Position::Start => 0,
        Position::Hop(index) => index + 1,
        Position::Done => stack.hops.len(),
    };
    let (headline, text) = hop_caption(stack, position);
    let headline_rect = draw::text_wrapped(
        painter,
        hop_rect.min,
        &headline,
        theme.small(),
        theme.text,
        hop_rect.width(),
    );
    let crossings = stack.crossings_after(hops_done);
    let crossing_text = format!("boundary crossings: {crossings}");
    let crossing_rect = painter.text(
        Pos2::new(hop_rect.min.x, hop_rect.max.y),
        Align2::LEFT_BOTTOM,
        crossing_text,
        theme.small(),
        theme.text,
    );
    let text_area = Rect::from_min_max(
        Pos2::new(hop_rect.min.x, headline_rect.max.y + 1.0),
        Pos2::new(hop_rect.max.x, crossing_rect.min.y - 1.0),
    );
    let galley = painter.layout(
        text,
        theme.small(),
        theme.text_muted,
        text_area.width().max(1.0),
    );
    let clipped = painter.with_clip_rect(text_area.intersect(painter.clip_rect()));
    clipped.galley(text_area.min, galley, theme.text_muted);

    // Pros and cons: the criterion, dots and a word; the reasons are in the explanation strip.
    let mut y = ratings_rect.min.y;
    for assessment in &stack.assessments {
        let fill = match assessment.rating {
            Rating::High => theme.fill(Role::Good),
            Rating::Medium => theme.fill(Role::Warn),
            Rating::Low => theme.fill(Role::Bad),
        };
        let dots_width = theme.small_size * 7.2;
        let label_rect = Rect::from_min_max(
            Pos2::new(ratings_rect.min.x, y),
            Pos2::new(ratings_rect.max.x - dots_width, y + rating_row),
        );
        painter.with_clip_rect(label_rect).text(
            label_rect.left_top(),
            Align2::LEFT_TOP,
            assessment.criterion.short_title(),
            theme.small(),
            theme.text_muted,
        );
        draw::rating_dots(
            painter,
            theme,
            Pos2::new(ratings_rect.max.x - dots_width, y),
            assessment.rating.dots(),
            3,
            assessment.rating.word(),
            fill,
        );
        y += rating_row;
    }
    outcome
}

#[expect(clippy::too_many_arguments)]
fn layer_ui(
    ui: &Ui,
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    stack: &Stack,
    layer: &Layer,
    selection: Option<Selection>,
    outcome: &mut StackOutcome,
) {
    let this = Selection {
        stack: stack.kind,
        layer: Some(layer.kind),
    };
    let selected = selection == Some(this);
    let fill = theme.fill(role(layer.kind));
    let stroke = if selected {
        theme.thick(theme.outline)
    } else {
        theme.thin()
    };
    let label = format!("{}: {}", stack.kind.title(), layer.title);
    let response = draw::hit_region(
        ui,
        rect,
        egui::Id::unique(("overview-layer", stack.kind.slug(), layer.kind.slug())),
        &label,
    );
    let stroke = if response.hovered() && !selected {
        Stroke::new(theme.stroke_thick, theme.outline)
    } else {
        stroke
    };
    draw::labelled_box(
        painter,
        theme,
        rect,
        fill,
        stroke,
        layer.title,
        Some(layer.privilege),
    );
    if response.clicked() {
        outcome.clicked = Some(this);
    }
    if response.hovered() {
        outcome.hovered = Some(this);
    }
}

fn boundary_ui(
    painter: &egui::Painter,
    theme: &Theme,
    left: f32,
    right: f32,
    y: f32,
    boundary: Boundary,
) {
    match boundary {
        Boundary::None => {}
        Boundary::Hardware => {
            painter.line_segment(
                [Pos2::new(left, y), Pos2::new(right, y)],
                Stroke::new(theme.stroke_thin, theme.faint),
            );
        }
        Boundary::UserKernel | Boundary::GuestHost => {
            let (dash, gap) = if boundary == Boundary::GuestHost {
                theme.dash(1)
            } else {
                theme.dash(2)
            };
            let color = if boundary == Boundary::GuestHost {
                theme.line(Role::Hypervisor)
            } else {
                theme.outline
            };
            draw::dashed(
                painter,
                Pos2::new(left, y),
                Pos2::new(right, y),
                Stroke::new(theme.stroke_thin * 1.5, color),
                dash,
                gap,
            );
        }
    }
}

fn info_ui(
    painter: &egui::Painter,
    theme: &Theme,
    rect: Rect,
    stacks: &[Stack],
    focus: Option<Selection>,
) {
    painter.rect(
        rect,
        6.0,
        theme.surface,
        theme.thin(),
        egui::StrokeKind::Inside,
    );
    let inner = rect.shrink(8.0);
    let text = match focus {
        None => "Hover or click a layer to see what it does. Dashed lines are protection boundaries: \
                 short dashes between user and kernel mode, long dashes between a guest and the hypervisor."
            .to_owned(),
        Some(selection) => {
            let Some(stack) = stacks.iter().find(|s| s.kind == selection.stack) else {
                return;
            };
            match selection.layer.and_then(|kind| stack.layers.iter().find(|l| l.kind == kind)) {
                Some(layer) => format!(
                    "{} · {} ({}): {}",
                    stack.kind.title(),
                    layer.title,
                    layer.privilege,
                    layer.explanation
                ),
                None => {
                    let reasons: Vec<String> = stack
                        .assessments
                        .iter()
                        .map(|a| format!("{}: {} ({})", a.criterion.title(), a.rating.word(), a.reason))
                        .collect();
                    format!(
                        "{}, e.g. {}. {}.",
                        stack.kind.title(),
                        stack.kind.examples(),
                        reasons.join("; ")
                    )
                }
            }
        }
    };
    let clipped = painter.with_clip_rect(inner);
    draw::text_wrapped(
        &clipped,
        inner.min,
        &text,
        theme.body(),
        theme.text,
        inner.width(),
    );
}

/// Smooth start and stop for the moving token.
fn ease(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}
