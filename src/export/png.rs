//! PNG encoding of exported pictures.
//!
//! The pixels come from [`super::render`]: egui's own tessellation rasterized on the CPU at the
//! export's pixel density, so a 2x or 4x PNG has text rasterized at 2x or 4x, not scaled up.

use std::io::Write;

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
