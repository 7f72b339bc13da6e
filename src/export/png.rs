//! PNG export: the SVG of a picture rasterized on the CPU by resvg at any scale.
//!
//! Rasterizing the SVG (rather than egui's own triangles) makes the PNG exactly the SVG's picture,
//! and text is drawn from the font outlines at the target resolution, so a 4x PNG is as crisp as
//! the vector file. resvg is given the same subsetted fonts the SVG embeds.

use std::io::Write;
use std::sync::Arc;

use resvg::tiny_skia;
use resvg::usvg;

use super::{ExportError, Picture, svg};

/// Renders `picture` at `scale` pixels per point.
pub fn to_png(picture: &Picture, scale: f32) -> Result<image::RgbaImage, ExportError> {
    let document = svg::render(picture);
    rasterize(&document, scale, picture.background.is_some())
}

/// Rasterizes an SVG document with its fonts. `opaque` (a solid background) skips the
/// un-premultiplying of alpha, which changes nothing when every pixel is opaque.
pub fn rasterize(
    document: &svg::SvgDocument,
    scale: f32,
    opaque: bool,
) -> Result<image::RgbaImage, ExportError> {
    let mut options = usvg::Options::default();
    let database = options.fontdb_mut();
    for (family, bytes) in &document.fonts {
        let source = usvg::fontdb::Source::Binary(Arc::new(bytes.clone()));
        for id in database.load_font_source(source) {
            if let Some(mut info) = database.face(id).cloned() {
                database.remove_face(id);
                info.families =
                    vec![(family.clone(), usvg::fontdb::Language::English_UnitedStates)];
                database.push_face_info(info);
            }
        }
    }
    let tree = usvg::Tree::from_str(&document.text, &options)
        .map_err(|err| ExportError::Render(err.to_string()))?;
    let size = tree.size();
    let width = (size.width() * scale).round().max(1.0) as u32;
    let height = (size.height() * scale).round().max(1.0) as u32;
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| ExportError::Render(format!("cannot allocate a {width}x{height} image")))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let pixels = if opaque {
        pixmap.take()
    } else {
        pixmap.take_demultiplied()
    };
    image::RgbaImage::from_raw(width, height, pixels)
        .ok_or_else(|| ExportError::Render("the rasterizer returned the wrong size".to_owned()))
}

/// Encodes an image as PNG with fast compression and the cheap Sub filter, which suits flat UI
/// pictures (exports of 4K images stay well under a second).
pub fn encode(image: &image::RgbaImage, out: &mut impl Write) -> std::io::Result<()> {
    use image::ImageEncoder as _;
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Sub,
    );
    encoder
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgba8,
        )
        .map_err(std::io::Error::other)
}
