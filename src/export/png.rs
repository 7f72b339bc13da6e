//! PNG encoding of exported pictures.
//!
//! The pixels come from [`super::render`]: egui's own tessellation rasterized on the CPU at the
//! export's pixel density, so a 2x or 4x PNG has text rasterized at 2x or 4x, not scaled up.

use std::io::Write;

/// Encodes an image as PNG with fast compression and the cheap Sub filter, which suits flat UI
/// pictures (exports of 4K images stay well under a second). An opaque picture is written as RGB:
/// a constant alpha channel is a quarter of the data for nothing.
pub fn encode(image: &image::RgbaImage, out: &mut impl Write) -> std::io::Result<()> {
    use image::ImageEncoder as _;
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Sub,
    );
    let opaque = image
        .as_raw()
        .as_chunks::<4>()
        .0
        .iter()
        .all(|&[.., alpha]| alpha == u8::MAX);
    let (bytes, color) = if opaque {
        // Filled by slices into a buffer of the right size: collecting a flat_map of three
        // bytes a pixel grew the vector byte by byte (a tenth of `export --all`'s time).
        let mut rgb = Vec::with_capacity(image.as_raw().len() / 4 * 3);
        for [r, g, b, _] in image.as_raw().as_chunks::<4>().0 {
            rgb.extend_from_slice(&[*r, *g, *b]);
        }
        (std::borrow::Cow::Owned(rgb), image::ExtendedColorType::Rgb8)
    } else {
        (
            std::borrow::Cow::Borrowed(image.as_raw().as_slice()),
            image::ExtendedColorType::Rgba8,
        )
    };
    encoder
        .write_image(&bytes, image.width(), image.height(), color)
        .map_err(std::io::Error::other)
}
