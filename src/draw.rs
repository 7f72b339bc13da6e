//! Small drawing helpers shared by the scene canvases: labelled boxes, arrows, captions and
//! hit regions with accessible names.
//!
//! Everything here paints plain epaint shapes (rects, lines, paths, text) so that export can turn
//! them into SVG; nothing uses paint callbacks or textures.

use std::sync::Arc;

use egui::text::{LayoutJob, TextWrapping};
use egui::{
    Align2, Color32, FontId, Galley, Painter, Pos2, Rect, Response, Sense, Shape, Stroke, Ui, Vec2,
};

use crate::theme::Theme;

mod panels;
mod route;

pub use panels::{ListItem, SplitCanvas, item_list_ui, panel, split_canvas, surface};
pub use route::HostMove;
/// `value` kept within `min..=max`, for layout bounds computed from the space a scene was given.
/// Unlike `f32::clamp`, which panics when `min > max`, a range that has crossed (a label wider
/// than its band, a box narrower than its margins) gives its middle: the thing is centred on the
/// room there is, which is how a scene narrower than its design degrades.
pub fn clamp_into(value: f32, min: f32, max: f32) -> f32 {
    if min <= max {
        value.max(min).min(max)
    } else {
        (min + max) / 2.0
    }
}

/// Lays out `text` wrapped to `width` and paints it with its top-left corner at `pos`; returns the
/// rectangle it took.
pub fn text_wrapped(
    painter: &Painter,
    pos: Pos2,
    text: &str,
    font: FontId,
    color: Color32,
    width: f32,
) -> Rect {
    let galley = painter.layout(text.to_owned(), font, color, width.max(1.0));
    let rect = Rect::from_min_size(pos, galley.size());
    painter.galley(pos, galley, color);
    rect
}

/// Paints `text` centred in `rect`, wrapped to its width.
pub fn text_centered(painter: &Painter, rect: Rect, text: &str, font: FontId, color: Color32) {
    let galley = painter.layout(text.to_owned(), font, color, (rect.width() - 8.0).max(1.0));
    let size = galley.size();
    let pos = rect.center() - size / 2.0;
    painter.galley(pos, galley, color);
}

/// Text on one line in `width`: shrunk towards the theme's legible minimum when that makes it
/// fit, else cut with `…`.
pub fn fit_text(
    painter: &Painter,
    pos: Pos2,
    align: Align2,
    text: &str,
    font: FontId,
    color: Color32,
    width: f32,
) -> Rect {
    paint_anchored(
        painter,
        pos,
        align,
        elided(painter, text, font, color, width),
        color,
    )
}

/// Paints `galley` anchored at `pos` by `align`; returns where it went.
fn paint_anchored(
    painter: &Painter,
    pos: Pos2,
    align: Align2,
    galley: Arc<Galley>,
    color: Color32,
) -> Rect {
    let rect = align.anchor_size(pos, galley.size());
    painter.galley(rect.min, galley, color);
    rect
}

/// `text` laid out on one line in `width` points: at `font`'s size if it fits, else at the
/// largest smaller size down to the theme's legible minimum (and not below 80 % of the size, so
/// a line stays in proportion to its neighbours) that fits, else cut with `…` at its own size.
pub fn elided(
    painter: &Painter,
    text: &str,
    font: FontId,
    color: Color32,
    width: f32,
) -> Arc<Galley> {
    let width = width.max(8.0);
    let full = painter.layout_no_wrap(text.to_owned(), font.clone(), color);
    if full.size().x <= width {
        return full;
    }
    let floor = min_text_size(painter.ctx())
        .min(font.size)
        .max(font.size * 0.8);
    let fitting = font.size * width / full.size().x * 0.98;
    // Shrinking that does not save the text from the cut only makes it harder to read.
    let size = if fitting >= floor { fitting } else { font.size };
    let font = FontId::new(size, font.family);
    let mut job = LayoutJob::simple_singleline(text.to_owned(), font, color);
    job.wrap = TextWrapping::truncate_at_width(width);
    painter.layout_job(job)
}

/// [`fit_text`] for a machine string that is cut on purpose when it does not fit, as the tool it
/// shows cuts it (`docker history` shortens CREATED BY to 45 characters): it is recorded as an
/// excerpt (see [`take_excerpts`]), which the layout audit accepts.
pub fn excerpt(
    painter: &Painter,
    pos: Pos2,
    align: Align2,
    text: &str,
    font: FontId,
    color: Color32,
    width: f32,
) -> Rect {
    let galley = elided(painter, text, font, color, width);
    if galley.elided {
        painter.ctx().data_mut(|data| {
            data.get_temp_mut_or_default::<std::collections::BTreeSet<String>>(excerpts_id())
                .insert(text.to_owned());
        });
    }
    paint_anchored(painter, pos, align, galley, color)
}

fn excerpts_id() -> egui::Id {
    egui::Id::unique("virtscope-excerpts")
}

/// The texts painted as [`excerpt`]s that were cut, since the last call.
pub fn take_excerpts(ctx: &egui::Context) -> std::collections::BTreeSet<String> {
    ctx.data_mut(|data| {
        std::mem::take(
            data.get_temp_mut_or_default::<std::collections::BTreeSet<String>>(excerpts_id()),
        )
    })
}

fn min_text_size_id() -> egui::Id {
    egui::Id::unique("virtscope-min-text-size")
}

/// Records the theme's legible minimum text size in `ctx` (done by [`Theme::apply`]), for
/// helpers that shrink text to fit without a theme at hand.
pub fn set_min_text_size(ctx: &egui::Context, points: f32) {
    ctx.data_mut(|data| data.insert_temp(min_text_size_id(), points));
}

/// The legible minimum text size `ctx`'s theme allows (10 points when none was applied).
pub fn min_text_size(ctx: &egui::Context) -> f32 {
    ctx.data(|data| data.get_temp::<f32>(min_text_size_id()))
        .unwrap_or(10.0)
}

/// Cuts `text` (monospace) into rows of at most `first` characters, then `rest`, at spaces where
/// a row can end on one (a word longer than a row is cut where the row ends). Spaces at a break
/// are dropped; leading spaces of the first row are kept (indentation).
pub fn wrap_monospace(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut rows = Vec::new();
    let mut left: Vec<char> = text.trim_end().chars().collect();
    let mut room = first.max(1);
    loop {
        if left.len() <= room {
            rows.push(left.iter().collect());
            return rows;
        }
        // The last space that leaves some text before it on this row; else mid-word.
        let head = left.get(..=room).unwrap_or(&left);
        let cut = head
            .iter()
            .rposition(|c| *c == ' ')
            .filter(|&at| head.iter().take(at).any(|c| *c != ' '))
            .unwrap_or(room);
        let (row, after) = left.split_at_checked(cut).unwrap_or((&left, &[]));
        rows.push(row.iter().collect::<String>().trim_end().to_owned());
        left = after.iter().copied().skip_while(|c| *c == ' ').collect();
        room = rest.max(1);
        if left.is_empty() {
            return rows;
        }
    }
}

/// Height that `text` takes when wrapped to `width`.
pub fn text_height(painter: &Painter, text: &str, font: FontId, width: f32) -> f32 {
    painter
        .layout(text.to_owned(), font, Color32::PLACEHOLDER, width.max(1.0))
        .size()
        .y
}

/// A rounded box with an outline and a centred, wrapped title (and an optional second line).
pub fn labelled_box(
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    fill: Color32,
    stroke: Stroke,
    title: &str,
    subtitle: Option<&str>,
) {
    painter.rect(rect, 6.0, fill, stroke, egui::StrokeKind::Inside);
    let color = theme.text_on(fill);
    match subtitle {
        Some(subtitle) if rect.height() >= theme.body_size + theme.small_size + 8.0 => {
            let width = (rect.width() - 8.0).max(1.0);
            let layout = |scale: f32| {
                // Never below the theme's legible minimum.
                let font =
                    |size: f32| egui::FontId::proportional(theme.legible(size * scale).min(size));
                let title = painter.layout(title.to_owned(), font(theme.body_size), color, width);
                let sub = painter.layout(subtitle.to_owned(), font(theme.small_size), color, width);
                (title, sub)
            };
            let (mut title_galley, mut sub_galley) = layout(1.0);
            let mut total = title_galley.size().y + sub_galley.size().y;
            // A long title that wraps to two lines would push the subtitle out of the box: the
            // text shrinks to fit (at most to three quarters) rather than crossing the edge.
            let room = rect.height() - 4.0;
            if total > room {
                (title_galley, sub_galley) = layout((room / total).max(0.75));
                total = title_galley.size().y + sub_galley.size().y;
            }
            if total > room {
                // Still too tall at the smallest legible size: the subtitle runs on after the
                // title in one paragraph, which saves the line the title's wrap left half empty.
                let mut job = LayoutJob::default();
                let format = |size: f32| egui::TextFormat {
                    font_id: egui::FontId::proportional(theme.legible(size * 0.75).min(size)),
                    color,
                    ..Default::default()
                };
                job.append(title, 0.0, format(theme.body_size));
                job.append(&format!(" · {subtitle}"), 0.0, format(theme.small_size));
                job.wrap.max_width = width;
                job.halign = egui::Align::Center;
                let galley = painter.layout_job(job);
                let pos = Pos2::new(rect.center().x, rect.center().y - galley.size().y / 2.0);
                painter.galley(pos, galley, color);
                return;
            }
            let top = rect.center().y - total / 2.0;
            let title_pos = Pos2::new(rect.center().x - title_galley.size().x / 2.0, top);
            let sub_pos = Pos2::new(
                rect.center().x - sub_galley.size().x / 2.0,
                top + title_galley.size().y,
            );
            painter.galley(title_pos, title_galley, color);
            painter.galley(sub_pos, sub_galley, color);
        }
        _ => text_centered(painter, rect, title, theme.body(), color),
    }
}

/// A straight arrow from `from` to `to` with a filled head.
pub fn arrow(painter: &Painter, from: Pos2, to: Pos2, stroke: Stroke) {
    let delta = to - from;
    let length = delta.length();
    if length < 1.0 {
        return;
    }
    let dir = delta / length;
    let head = (stroke.width * 3.0 + 5.0).min(length * 0.5);
    let base = to - dir * head;
    let normal = Vec2::new(-dir.y, dir.x) * head * 0.55;
    painter.line_segment([from, base], stroke);
    painter.add(Shape::convex_polygon(
        vec![to, base + normal, base - normal],
        stroke.color,
        Stroke::NONE,
    ));
}

/// A dashed horizontal or slanted line.
pub fn dashed(painter: &Painter, from: Pos2, to: Pos2, stroke: Stroke, dash: f32, gap: f32) {
    painter.extend(Shape::dashed_line(&[from, to], stroke, dash, gap));
}

/// A dashed rectangle outline.
pub fn dashed_rect(painter: &Painter, rect: Rect, stroke: Stroke, dash: (f32, f32)) {
    let corners = [
        rect.left_top(),
        rect.right_top(),
        rect.right_bottom(),
        rect.left_bottom(),
        rect.left_top(),
    ];
    for (&from, &to) in corners.iter().zip(corners.iter().skip(1)) {
        dashed(painter, from, to, stroke, dash.0, dash.1);
    }
}

/// A title and a caption across the top of a canvas; returns the rest of the rectangle.
pub fn caption(painter: &Painter, theme: &Theme, rect: Rect, title: &str, caption: &str) -> Rect {
    let margin = 12.0;
    let width = rect.width() - 2.0 * margin;
    let title_rect = text_wrapped(
        painter,
        rect.min + Vec2::splat(margin),
        title,
        theme.heading(),
        theme.text,
        width,
    );
    let caption_rect = text_wrapped(
        painter,
        Pos2::new(rect.min.x + margin, title_rect.max.y + 2.0),
        caption,
        theme.body(),
        theme.text_muted,
        width,
    );
    Rect::from_min_max(Pos2::new(rect.min.x, caption_rect.max.y + 8.0), rect.max)
}

/// Scales tried, largest first, when a layout shrinks its type to fit (each step about 8 %).
const FIT_SCALES: [f32; 9] = [1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6, 0.55, 0.5];

fn measuring_id() -> egui::Id {
    egui::Id::unique("virtscope-measuring")
}

/// Whether the current drawing only measures (see [`fitted_theme`]): accessible regions and
/// other interactions are skipped, as the real drawing follows.
pub fn is_measuring(ctx: &egui::Context) -> bool {
    ctx.data(|data| data.get_temp::<bool>(measuring_id()).unwrap_or(false))
}

/// The largest scaling of `theme` (down to its legible minimum, see [`Theme::scaled`]) at which
/// `fits` says a layout fits. `fits` draws the layout with the painter it is given, which paints
/// nothing, and returns whether it ended inside its rectangle. When no scale fits, the smallest.
pub fn fitted_theme(
    painter: &Painter,
    theme: &Theme,
    fits: impl FnMut(&Theme, &Painter) -> bool,
) -> Theme {
    fitting_theme(painter, theme, fits).unwrap_or_else(|| smallest_theme(theme))
}

/// `theme` at the smallest scale [`fitted_theme`] tries.
pub fn smallest_theme(theme: &Theme) -> Theme {
    let [.., smallest] = FIT_SCALES;
    theme.scaled(smallest)
}

/// [`fitted_theme`] that says when no scale fits (`None`), for a layout that has another way
/// to make room (a wider column) before it settles for the smallest type.
pub fn fitting_theme(
    painter: &Painter,
    theme: &Theme,
    mut fits: impl FnMut(&Theme, &Painter) -> bool,
) -> Option<Theme> {
    measuring(painter, |invisible| {
        FIT_SCALES
            .iter()
            .map(|scale| theme.scaled(*scale))
            .find(|candidate| fits(candidate, invisible))
    })
}

/// Runs `measure` with a copy of `painter` that paints nothing, while [`is_measuring`] is true:
/// for drawing code that returns where it ended.
pub fn measuring<R>(painter: &Painter, measure: impl FnOnce(&Painter) -> R) -> R {
    let mut invisible = painter.clone();
    invisible.set_invisible();
    let ctx = painter.ctx();
    let outer = is_measuring(ctx);
    ctx.data_mut(|data| data.insert_temp(measuring_id(), true));
    let result = measure(&invisible);
    ctx.data_mut(|data| data.insert_temp(measuring_id(), outer));
    result
}

fn static_picture_id() -> egui::Id {
    egui::Id::unique("virtscope-static-picture")
}

/// Marks `ctx` as painting a static picture (an export): scenes leave out what only a live
/// window needs, such as a text field to type into.
pub fn set_static_picture(ctx: &egui::Context) {
    ctx.data_mut(|data| data.insert_temp(static_picture_id(), true));
}

/// Whether `ctx` paints a static picture (see [`set_static_picture`]).
pub fn is_static_picture(ctx: &egui::Context) -> bool {
    ctx.data(|data| data.get_temp::<bool>(static_picture_id()).unwrap_or(false))
}

/// Makes `rect` clickable and hoverable, with an accessible name so that screen readers (and the
/// UI tests) find it by label.
pub fn hit_region(ui: &Ui, rect: Rect, id: egui::Id, label: &str) -> Response {
    let response = ui.interact(rect, id, Sense::click());
    let label = label.to_owned();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    response
}

/// Gives `rect` an accessible name (role Label) without making it clickable, so screen readers and
/// the UI tests find what a canvas shows. The name is built only when asked for (AccessKit on, or
/// an event), so formatting it costs nothing in an ordinary frame.
pub fn label_region(
    ui: &Ui,
    rect: Rect,
    id: impl std::hash::Hash + std::fmt::Debug,
    label: impl Fn() -> String,
) {
    if is_measuring(ui.ctx()) {
        return;
    }
    let response = ui.interact(rect, egui::Id::unique(("scene-label", id)), Sense::hover());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, label()));
}

/// Paints a rating as filled and hollow dots plus its word, e.g. "●●○ medium".
pub fn rating_dots(
    painter: &Painter,
    theme: &Theme,
    pos: Pos2,
    filled: usize,
    total: usize,
    word: &str,
    fill: Color32,
) -> Rect {
    let radius = (theme.small_size * 0.32).max(3.0);
    let mut x = pos.x + radius;
    let y = pos.y + theme.small_size * 0.6;
    for i in 0..total {
        let stroke = Stroke::new(theme.stroke_thin, theme.outline);
        let color = if i < filled {
            fill
        } else {
            Color32::TRANSPARENT
        };
        painter.circle(Pos2::new(x, y), radius, color, stroke);
        x += radius * 2.6;
    }
    let text_rect = painter.text(
        Pos2::new(x + 2.0, y),
        Align2::LEFT_CENTER,
        word,
        theme.small(),
        theme.text,
    );
    Rect::from_min_max(
        pos,
        Pos2::new(text_rect.max.x, pos.y + theme.small_size * 1.2),
    )
}

#[cfg(test)]
mod tests {
    use super::clamp_into;

    #[test]
    fn clamp_into_keeps_a_value_in_range_and_centres_it_when_the_range_crossed() {
        assert_eq!(clamp_into(5.0, 0.0, 10.0), 5.0);
        assert_eq!(clamp_into(-1.0, 0.0, 10.0), 0.0);
        assert_eq!(clamp_into(11.0, 0.0, 10.0), 10.0);
        // A 20-point label in a 10-point band (bounds 10 + half..20 - half crossed): centred.
        assert_eq!(clamp_into(3.0, 20.0, 10.0), 15.0);
        assert!(!clamp_into(f32::NAN, 0.0, 1.0).is_nan());
        let _ = clamp_into(1.0, f32::NAN, 0.0);
    }
}
