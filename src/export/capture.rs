//! Runs a scene's canvas in a headless egui context and keeps what it painted: the shapes (for
//! SVG) or, tessellated and rasterized on the CPU, the pixels (for PNG and GIF).

use egui::epaint::{ClippedShape, ColorImage, ImageDelta, TextureId};
use egui::{Color32, Pos2, Rect, Vec2};

use super::raster::Canvas;
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
    /// Machine strings the scene cut on purpose ([`crate::draw::excerpt`]), by their full text.
    pub excerpts: std::collections::BTreeSet<String>,
}

impl Picture {
    /// Every text painted, in paint order, with the size of its first section's font in points:
    /// what tests read to check a layout shows its words, and at a legible size.
    pub fn texts(&self) -> Vec<(String, f32)> {
        fn collect(shape: &egui::Shape, texts: &mut Vec<(String, f32)>) {
            match shape {
                egui::Shape::Vec(shapes) => shapes.iter().for_each(|shape| collect(shape, texts)),
                egui::Shape::Text(text) => {
                    let size = text
                        .galley
                        .job
                        .sections
                        .first()
                        .map_or(0.0, |section| section.format.font_id.size);
                    texts.push((text.galley.text().to_owned(), size));
                }
                _ => {}
            }
        }
        let mut texts = Vec::new();
        for clipped in &self.shapes {
            collect(&clipped.shape, &mut texts);
        }
        texts
    }
}

/// What `link` paints on a 1280x720 projector (the export's default canvas in the projector
/// theme), as [`Picture::texts`]: for tests of projector layouts.
#[cfg(test)]
pub(crate) fn projector_texts(link: &str) -> Vec<(String, f32)> {
    let options = ExportOptions {
        theme: crate::theme::ThemeKind::Projector,
        ..ExportOptions::default()
    };
    let link = SceneLink::parse(link).expect("a valid link");
    capture(&link, &options).expect("the scene renders").texts()
}

/// egui lays some things out over two passes (sizes measured in the first); three is enough for
/// every scene and keeps the result independent of the first pass's guesses.
const PASSES: usize = 3;

/// The pixel density vector pictures are laid out at: egui rounds glyph positions to pixels, so
/// SVG text sits on a half-point grid, and a batch export at 2x paints once for both files.
pub const VECTOR_PIXELS_PER_POINT: f32 = 2.0;

/// Opens `link` in a fresh tab and paints its canvas at the requested size and theme.
pub fn capture(link: &SceneLink, options: &ExportOptions) -> Result<Picture, ExportError> {
    Capturer::new(link, options, VECTOR_PIXELS_PER_POINT)?.picture(None)
}

/// Opens `link` and renders it to pixels at `options.scale` pixels per point.
pub fn render(link: &SceneLink, options: &ExportOptions) -> Result<image::RgbaImage, ExportError> {
    Capturer::new(link, options, options.scale)?.image(None)
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
    pixels_per_point: f32,
    atlas: ColorImage,
}

impl Capturer {
    /// Opens `link` in a fresh tab for painting with `options` at `pixels_per_point` (1 for
    /// shapes in points; the export scale for pixels, so glyphs are rasterized at that density).
    pub fn new(
        link: &SceneLink,
        options: &ExportOptions,
        pixels_per_point: f32,
    ) -> Result<Self, ExportError> {
        options.validate()?;
        let tab = tabs::open_fresh(link)?;
        let theme = Theme::new(options.theme);
        let ctx = new_context(&theme);
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
            .native_pixels_per_point = Some(pixels_per_point);
        Ok(Self {
            tab,
            theme,
            ctx,
            input,
            size,
            transparent: options.transparent,
            pixels_per_point,
            atlas: ColorImage::new([0, 0], Vec::new()),
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

    /// Runs the scene's canvas (its timeline moved to `position` if given; fractional positions
    /// show the in-between frames of an animation) and returns the painted shapes.
    ///
    /// A scene whose drawing code panics is an error naming the panic, not a crashed export: a
    /// batch reports the scene and goes on. The egui context it panicked in is replaced (it was
    /// left in the middle of a pass).
    fn shapes(&mut self, position: Option<f64>) -> Result<Vec<ClippedShape>, ExportError> {
        let painted =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.paint(position)));
        painted.map_err(|payload| {
            self.ctx = new_context(&self.theme);
            self.atlas = ColorImage::new([0, 0], Vec::new());
            ExportError::Panicked(panic_message(payload.as_ref()))
        })
    }

    fn paint(&mut self, position: Option<f64>) -> Vec<ClippedShape> {
        if let (Some(position), Some(timeline)) = (position, self.tab.timeline()) {
            timeline.seek(position);
        }
        let mut shapes = Vec::new();
        crate::draw::take_excerpts(&self.ctx);
        for _ in 0..PASSES {
            let tab = &mut self.tab;
            let theme = &self.theme;
            let mut output = self.ctx.run_ui(self.input.clone(), |ui| {
                egui::CentralPanel::default()
                    .frame(egui::Frame::NONE)
                    .show(ui, |ui| tab.canvas_ui(ui, theme));
            });
            // Keep the font atlas up to date, as a GPU renderer would.
            if let Some(deltas) = output.textures_delta.set.get(&TextureId::default()) {
                for delta in deltas {
                    apply_delta(&mut self.atlas, delta);
                }
            }
            output.textures_delta.clear();
            shapes = output.shapes;
        }
        shapes
    }

    /// The painted shapes, in points (for SVG).
    pub fn picture(&mut self, position: Option<f64>) -> Result<Picture, ExportError> {
        let shapes = self.shapes(position)?;
        Ok(Picture {
            size: self.size,
            background: (!self.transparent).then_some(self.theme.canvas),
            shapes,
            excerpts: crate::draw::take_excerpts(&self.ctx),
        })
    }

    /// The painted pixels: egui's tessellation rasterized on the CPU at this capturer's pixel
    /// density (straight RGBA).
    pub fn image(&mut self, position: Option<f64>) -> Result<image::RgbaImage, ExportError> {
        let shapes = self.shapes(position)?;
        self.rasterize(shapes)
    }

    /// Both the shapes and the pixels of one painting (a batch export's SVG and PNG).
    pub fn picture_and_image(
        &mut self,
        position: Option<f64>,
    ) -> Result<(Picture, image::RgbaImage), ExportError> {
        let shapes = self.shapes(position)?;
        let image = self.rasterize(shapes.clone())?;
        let picture = Picture {
            size: self.size,
            background: (!self.transparent).then_some(self.theme.canvas),
            shapes,
            excerpts: crate::draw::take_excerpts(&self.ctx),
        };
        Ok((picture, image))
    }

    fn rasterize(&mut self, shapes: Vec<ClippedShape>) -> Result<image::RgbaImage, ExportError> {
        let primitives = self.ctx.tessellate(shapes, self.pixels_per_point);
        let width = (self.size.x * self.pixels_per_point).round().max(1.0) as usize;
        let height = (self.size.y * self.pixels_per_point).round().max(1.0) as usize;
        let background = if self.transparent {
            Color32::TRANSPARENT
        } else {
            self.theme.canvas
        };
        let mut canvas = Canvas::new(width, height, background);
        canvas.draw(&primitives, &self.atlas, self.pixels_per_point);
        let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        image::RgbaImage::from_raw(
            to_u32(width),
            to_u32(height),
            canvas.into_rgba(!self.transparent),
        )
        .ok_or_else(|| ExportError::Render("the rasterizer returned the wrong size".to_owned()))
    }
}

/// A headless egui context with the app's fonts and `theme`.
fn new_context(theme: &Theme) -> egui::Context {
    let ctx = egui::Context::default();
    crate::fonts::install(&ctx);
    theme.apply(&ctx);
    crate::draw::set_static_picture(&ctx);
    ctx
}

/// The text a panic was raised with (`panic!` and the standard library give a `String` or a
/// `&str`).
pub(super) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
        })
        .unwrap_or_else(|| "an unknown panic".to_owned())
}

/// Applies a full or partial update to the font atlas copy.
fn apply_delta(atlas: &mut ColorImage, delta: &ImageDelta) {
    let egui::ImageData::Color(image) = &delta.image;
    match delta.pos {
        None => *atlas = (**image).clone(),
        Some([x, y]) => {
            // Row by row; the zips clip a patch that would reach past the atlas.
            let [atlas_width, _] = atlas.size;
            let [width, _] = image.size;
            let targets = atlas.pixels.chunks_mut(atlas_width.max(1)).skip(y);
            for (target, source) in targets.zip(image.pixels.chunks(width.max(1))) {
                for (pixel, new) in target.iter_mut().skip(x).zip(source) {
                    *pixel = *new;
                }
            }
        }
    }
}
