//! Runs a scene's canvas in a headless egui context and keeps the shapes it painted.

use egui::epaint::ClippedShape;
use egui::{Color32, Pos2, Rect, Vec2};

use super::{ExportError, ExportOptions};
use crate::scene::SceneLink;
use crate::tabs::{self, Tab};
use crate::theme::Theme;

/// What a scene painted, in points, ready to be written as SVG.
pub struct Picture {
    /// Size of the canvas in points.
    pub size: Vec2,
    /// The background colour, or `None` for a transparent export.
    pub background: Option<Color32>,
    /// Everything painted, in paint order, with its clip rectangle.
    pub shapes: Vec<ClippedShape>,
}

/// egui lays some things out over two passes (sizes measured in the first); three is enough for
/// every scene and keeps the result independent of the first pass's guesses.
const PASSES: usize = 3;

/// Opens `link` in a fresh tab and paints its canvas at the requested size and theme.
pub fn capture(link: &SceneLink, options: &ExportOptions) -> Result<Picture, ExportError> {
    Ok(Capturer::new(link, options)?.picture(None))
}

/// One scene, ready to be painted at several timeline positions with one egui context (an
/// animation's frames share fonts and layout caches).
pub struct Capturer {
    tab: Box<dyn Tab>,
    theme: Theme,
    ctx: egui::Context,
    input: egui::RawInput,
    size: Vec2,
    transparent: bool,
}

impl Capturer {
    /// Opens `link` in a fresh tab for painting with `options`.
    pub fn new(link: &SceneLink, options: &ExportOptions) -> Result<Self, ExportError> {
        options.validate()?;
        let tab = tabs::open_fresh(link)?;
        let theme = Theme::new(options.theme);
        let ctx = egui::Context::default();
        crate::fonts::install(&ctx);
        theme.apply(&ctx);
        let size = Vec2::new(options.width, options.height);
        let mut input = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, size)),
            time: Some(0.0),
            ..Default::default()
        };
        input
            .viewports
            .entry(egui::ViewportId::ROOT)
            .or_default()
            .native_pixels_per_point = Some(1.0);
        Ok(Self {
            tab,
            theme,
            ctx,
            input,
            size,
            transparent: options.transparent,
        })
    }

    /// The id of the tab being painted.
    pub fn tab_id(&self) -> &'static str {
        self.tab.id()
    }

    /// Shows another scene of the same tab, keeping the egui context and its caches.
    pub fn reopen(&mut self, link: &SceneLink) -> Result<(), ExportError> {
        if link.tab == self.tab.id() {
            self.tab.open(link)?;
        } else {
            self.tab = tabs::open_fresh(link)?;
        }
        Ok(())
    }

    /// The scene's timeline (to read its range and marks).
    pub fn timeline(&mut self) -> Option<&mut crate::timeline::Timeline> {
        self.tab.timeline()
    }

    /// Paints the scene, first moving its timeline to `position` if given (fractional positions
    /// show the in-between frames of an animation).
    pub fn picture(&mut self, position: Option<f64>) -> Picture {
        if let (Some(position), Some(timeline)) = (position, self.tab.timeline()) {
            timeline.seek(position);
        }
        let mut shapes = Vec::new();
        for _ in 0..PASSES {
            let tab = &mut self.tab;
            let theme = &self.theme;
            let mut output = self.ctx.run_ui(self.input.clone(), |ui| {
                egui::CentralPanel::default()
                    .frame(egui::Frame::NONE)
                    .show(ui, |ui| tab.canvas_ui(ui, theme));
            });
            // No renderer consumes the font atlas updates headlessly.
            output.textures_delta.clear();
            shapes = output.shapes;
        }
        Picture {
            size: self.size,
            background: (!self.transparent).then_some(self.theme.canvas),
            shapes,
        }
    }
}
