//! The layout pieces several scenes share: a canvas with a title, a caption, a main area, a side
//! panel and a sources note; raised panels; and a list of items with the current one
//! emphasised (the benefits, reasons, principles, pros and cons that views walk step by step).

use egui::{Align2, Painter, Pos2, Rect, Ui, Vec2};

use crate::theme::Theme;

/// A scene canvas split into a main area and a side panel, below a title and caption.
pub struct SplitCanvas {
    /// Paints on the canvas (clipped to it).
    pub painter: Painter,
    /// The theme fitted to the canvas size.
    pub theme: Theme,
    /// The main area, on the left.
    pub main: Rect,
    /// The side panel's area, on the right.
    pub side: Rect,
}

/// Claims the rest of `ui` as the canvas, paints `title` and `caption` at its top and `sources`
/// (muted, wrapped, at most five lines) at its bottom, and splits what is left: `main_share`
/// of the width for the main area, the rest for a side panel. Text scales down on canvases
/// smaller than 70 x 40 body lines.
pub fn split_canvas(
    ui: &mut Ui,
    theme: &Theme,
    title: &str,
    caption: &str,
    sources: &str,
    main_share: f32,
) -> SplitCanvas {
    let rect = ui.available_rect_before_wrap();
    ui.allocate_rect(rect, egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let theme = theme.fit(
        rect.size(),
        Vec2::new(theme.body_size * 70.0, theme.body_size * 40.0),
    );
    let body = super::caption(&painter, &theme, rect, title, caption).shrink2(Vec2::new(12.0, 4.0));
    // The sources note as tall as its wrapped lines need (at most five), so none is cut.
    let sources_height = (super::text_height(&painter, sources, theme.small(), body.width()) + 4.0)
        .min(theme.small_size * 1.3 * 5.0);
    let content = Rect::from_min_max(body.min, Pos2::new(body.max.x, body.max.y - sources_height));
    let notes = Rect::from_min_max(Pos2::new(body.min.x, content.max.y + 4.0), body.max);
    let clipped = painter.with_clip_rect(notes.intersect(painter.clip_rect()));
    super::text_wrapped(
        &clipped,
        notes.min,
        sources,
        theme.small(),
        theme.text_muted,
        notes.width(),
    );
    let gap = 16.0;
    let main = Rect::from_min_size(
        content.min,
        Vec2::new((content.width() - gap) * main_share, content.height()),
    );
    let side = Rect::from_min_max(Pos2::new(main.max.x + gap, content.min.y), content.max);
    SplitCanvas {
        painter,
        theme,
        main,
        side,
    }
}

/// A raised surface with a thin outline; returns its inside, `margin` points in.
pub fn surface(painter: &Painter, theme: &Theme, rect: Rect, margin: f32) -> Rect {
    painter.rect(
        rect,
        6.0,
        theme.surface,
        theme.thin(),
        egui::StrokeKind::Inside,
    );
    rect.shrink(margin)
}

/// A panel with a thin outline on the surface colour and a heading; returns the inner area.
pub fn panel(painter: &Painter, theme: &Theme, rect: Rect, heading: &str) -> Rect {
    let inner = surface(painter, theme, rect, 8.0);
    // Wrapped, not shrunk or cut: a projector's narrow panel gets a two-line heading.
    let heading_rect = super::text_wrapped(
        painter,
        inner.min,
        heading,
        theme.body(),
        theme.text,
        inner.width(),
    );
    Rect::from_min_max(Pos2::new(inner.min.x, heading_rect.max.y + 4.0), inner.max)
}

/// One entry of an [`item_list_ui`].
pub struct ListItem<'a> {
    /// The item's name.
    pub title: &'a str,
    /// What the model shows for it (wrapped under the name, clipped to the entry).
    pub detail: &'a str,
    /// Whether the step shows this item: outlined and marked with ▶.
    pub current: bool,
    /// Whether the detail is still to come (drawn muted).
    pub pending: bool,
}

/// Items stacked from the top of `rect`, each `entry_height` tall (at most), the current one
/// outlined in the accent colour and marked ▶ so colour is not the only cue. Returns where the
/// list ends.
pub fn item_list_ui(
    painter: &Painter,
    theme: &Theme,
    rect: Rect,
    items: &[ListItem<'_>],
    entry_height: f32,
) -> f32 {
    let entry = entry_height.min(rect.height() / items.len().max(1) as f32);
    let mut y = rect.min.y;
    for (index, item) in items.iter().enumerate() {
        let box_rect = Rect::from_min_size(
            Pos2::new(rect.min.x, y),
            Vec2::new(rect.width(), entry - 4.0),
        );
        if item.current {
            painter.rect_stroke(
                box_rect,
                4.0,
                theme.thick(theme.accent),
                egui::StrokeKind::Inside,
            );
        }
        let text = box_rect.shrink2(Vec2::new(6.0, 3.0));
        let title = super::fit_text(
            painter,
            text.min,
            Align2::LEFT_TOP,
            &format!(
                "{}{}. {}",
                if item.current { "▶ " } else { "" },
                index + 1,
                item.title
            ),
            theme.small(),
            theme.text,
            text.width(),
        );
        let clipped = painter.with_clip_rect(text.intersect(painter.clip_rect()));
        super::text_wrapped(
            &clipped,
            Pos2::new(text.min.x + 10.0, title.max.y + 1.0),
            item.detail,
            theme.small(),
            if item.pending {
                theme.text_muted
            } else {
                theme.text
            },
            text.width() - 10.0,
        );
        y += entry;
    }
    y
}
