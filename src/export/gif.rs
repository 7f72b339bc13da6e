//! Animated GIF export of a step range or a time range.
//!
//! Frames are painted at in-between timeline positions (so moving tokens and arrows move), played
//! back at the timeline's 1x speed. GIFs allow 256 colours: one palette is built for the whole
//! animation with NeuQuant over samples of every frame (no flicker between frames), and pixels are
//! mapped to it with Floyd-Steinberg dithering so gradients and anti-aliased text keep their look
//! (the manim complaint about poor GIF colours). Frames are rasterized on all cores.

use std::io::Write;

use super::{Capturer, ExportError, ExportOptions};
use crate::scene::SceneLink;
use crate::timeline::Unit;

/// What to animate.
#[derive(Clone, Debug, PartialEq)]
pub struct GifOptions {
    /// Where to start: a step number or slug, or seconds; `None` for the scene's start.
    pub from: Option<String>,
    /// Where to stop (inclusive); `None` for the scene's end.
    pub to: Option<String>,
    /// Frames per second of the GIF.
    pub fps: f32,
}

impl Default for GifOptions {
    fn default() -> Self {
        Self {
            from: None,
            to: None,
            fps: 10.0,
        }
    }
}

/// The largest number of frames one GIF may have (a minute at 10 fps).
pub const MAX_FRAMES: usize = 600;

/// Renders the animation of `link` between `gif.from` and `gif.to` and writes it as a GIF.
pub fn write_gif(
    link: &SceneLink,
    options: &ExportOptions,
    gif: &GifOptions,
    out: &mut impl Write,
) -> Result<usize, ExportError> {
    if !gif.fps.is_finite() || !(1.0..=50.0).contains(&gif.fps) {
        return Err(ExportError::BadOption(format!(
            "fps {}: must be between 1 and 50",
            gif.fps
        )));
    }
    // Any capturer can read the timeline's range; this one never paints.
    let mut capturer = Capturer::new(link, options, options.scale)?;
    let positions = positions(&mut capturer, gif)?;
    let frames = render_frames(link, options, &positions)?;
    encode(&frames, gif.fps, out)?;
    Ok(frames.len())
}

/// The timeline positions of the frames: the range played at 1x, `fps` frames a second.
fn positions(capturer: &mut Capturer, gif: &GifOptions) -> Result<Vec<f64>, ExportError> {
    let timeline = capturer.timeline().ok_or_else(|| {
        ExportError::BadOption("this scene has no timeline to animate".to_owned())
    })?;
    let mut probe = timeline.clone();
    let mut resolve =
        |value: &Option<String>, default: f64, key: &str| -> Result<f64, ExportError> {
            let Some(value) = value else {
                return Ok(default);
            };
            let link_key = match probe.unit() {
                Unit::Steps => "step",
                Unit::Seconds => "t",
            };
            probe
                .apply_link_value(link_key, value)
                .map_err(|reason| ExportError::BadOption(format!("--{key} {value:?}: {reason}")))?;
            Ok(probe.position())
        };
    let start = resolve(&gif.from, 0.0, "from")?;
    let end = resolve(&gif.to, timeline.end(), "to")?;
    if end < start {
        return Err(ExportError::BadOption(
            "--to comes before --from".to_owned(),
        ));
    }
    let mut playing = timeline.clone();
    playing.seek(start);
    playing.toggle_play();
    let dt = 1.0 / f64::from(gif.fps);
    let mut positions = vec![start];
    let units_per_frame = {
        let mut one = playing.clone();
        one.advance(dt);
        (one.position() - start).max(1e-9)
    };
    let count = ((end - start) / units_per_frame - 1e-6).ceil().max(0.0) as usize + 1;
    if count > MAX_FRAMES {
        return Err(ExportError::BadOption(format!(
            "{count} frames is more than {MAX_FRAMES}: shorten the range or lower --fps"
        )));
    }
    for i in 1..count {
        positions.push((start + i as f64 * units_per_frame).min(end));
    }
    Ok(positions)
}

/// Renders the frames on all cores: each worker paints a contiguous share of the positions with
/// its own egui context.
fn render_frames(
    link: &SceneLink,
    options: &ExportOptions,
    positions: &[f64],
) -> Result<Vec<image::RgbaImage>, ExportError> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = positions.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = positions
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut capturer = Capturer::new(link, options, options.scale)?;
                    part.iter()
                        .map(|&position| capturer.image(Some(position)))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut frames = Vec::with_capacity(positions.len());
        for handle in handles {
            let part = handle
                .join()
                .map_err(|_| ExportError::Render("a frame renderer crashed".to_owned()))??;
            frames.extend(part);
        }
        Ok(frames)
    })
}

/// A 256-colour palette: the picture's most frequent exact colours (backgrounds, fills, text: they
/// stay exact and undithered) plus NeuQuant's choice for the rest, with a 32x32x32 lookup cache.
struct Palette {
    /// The palette as the GIF stores it: red, green, blue per entry.
    rgb: Vec<u8>,
    exact: std::collections::HashMap<[u8; 3], u8>,
    /// The nearest entry per colour at 5 bits a channel, `u16::MAX` until first asked.
    cache: Vec<u16>,
}

/// How many palette entries go to exact frequent colours.
const EXACT_COLOURS: usize = 96;

impl Palette {
    fn build(frames: &[image::RgbaImage]) -> Self {
        // Sample every frame so colours that appear late (a red "lost" label) get an entry.
        let total: usize = frames.iter().map(|f| f.as_raw().len() / 4).sum();
        let stride = (total / 400_000).max(1);
        let mut samples = Vec::with_capacity(total / stride * 4 + 4);
        let mut counts: std::collections::HashMap<[u8; 3], u32> = std::collections::HashMap::new();
        for frame in frames {
            for &[r, g, b, _] in frame.as_raw().as_chunks::<4>().0.iter().step_by(stride) {
                samples.extend_from_slice(&[r, g, b, 255]);
                *counts.entry([r, g, b]).or_default() += 1;
            }
        }
        let mut frequent: Vec<([u8; 3], u32)> = counts.into_iter().collect();
        frequent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let exact_colours: Vec<[u8; 3]> = frequent
            .iter()
            .take(EXACT_COLOURS)
            .filter(|(_, count)| *count >= 16)
            .map(|(color, _)| *color)
            .collect();
        let learned = color_quant::NeuQuant::new(10, 256 - exact_colours.len(), &samples);
        let learned_rgba = learned.color_map_rgba();
        let mut rgb: Vec<u8> = exact_colours.iter().flatten().copied().collect();
        rgb.extend(
            learned_rgba
                .as_chunks::<4>()
                .0
                .iter()
                .flat_map(|&[r, g, b, _]| [r, g, b]),
        );
        rgb.truncate(256 * 3);
        let exact = exact_colours
            .iter()
            .enumerate()
            .map(|(i, color)| (*color, u8::try_from(i).unwrap_or(0)))
            .collect();
        Self {
            rgb,
            exact,
            cache: vec![u16::MAX; 32 * 32 * 32],
        }
    }

    fn entries(&self) -> &[[u8; 3]] {
        self.rgb.as_chunks::<3>().0
    }

    fn index(&mut self, [r, g, b]: [u8; 3]) -> u8 {
        if let Some(&index) = self.exact.get(&[r, g, b]) {
            return index;
        }
        let key = (usize::from(r >> 3) << 10) | (usize::from(g >> 3) << 5) | usize::from(b >> 3);
        let cached = self.cache.get(key).copied().unwrap_or(u16::MAX);
        let nearest = if cached == u16::MAX {
            let nearest = self.nearest([r, g, b]);
            if let Some(slot) = self.cache.get_mut(key) {
                *slot = nearest;
            }
            nearest
        } else {
            cached
        };
        u8::try_from(nearest).unwrap_or(0)
    }

    /// The palette entry closest to `target` in squared RGB distance.
    fn nearest(&self, target: [u8; 3]) -> u16 {
        self.entries()
            .iter()
            .enumerate()
            .min_by_key(|(_, entry)| {
                entry
                    .iter()
                    .zip(target)
                    .map(|(&have, want)| (i32::from(have) - i32::from(want)).pow(2))
                    .sum::<i32>()
            })
            .map_or(0, |(i, _)| u16::try_from(i).unwrap_or(0))
    }

    fn color(&self, index: u8) -> [i32; 3] {
        let entry = self.entries().get(usize::from(index)).copied();
        entry.unwrap_or_default().map(i32::from)
    }

    /// Maps a frame to palette indices with Floyd-Steinberg error diffusion.
    fn dither(&mut self, frame: &image::RgbaImage) -> Vec<u8> {
        let width = frame.width() as usize;
        let pixels = frame.as_raw().as_chunks::<4>().0;
        // Rows padded by one cell each side: pixel x's carried error sits at x + 1.
        let mut error_row = vec![[0i32; 3]; width + 2];
        let mut next_row = vec![[0i32; 3]; width + 2];
        let mut indices = Vec::with_capacity(pixels.len());
        for row in pixels.chunks(width.max(1)) {
            for (x, &[r, g, b, _]) in row.iter().enumerate() {
                if let Some(&index) = self.exact.get(&[r, g, b]) {
                    // Flat areas in an exact colour stay clean: no error in, none out.
                    indices.push(index);
                    continue;
                }
                let carried = error_row.get(x + 1).copied().unwrap_or_default();
                let mut wanted = [0i32; 3];
                for ((want, have), error) in wanted.iter_mut().zip([r, g, b]).zip(carried) {
                    *want = (i32::from(have) + error / 16).clamp(0, 255);
                }
                let index = self.index(wanted.map(|c| c as u8));
                let got = self.color(index);
                let mut error = [0i32; 3];
                for ((e, want), got) in error.iter_mut().zip(wanted).zip(got) {
                    *e = want - got;
                }
                if let Some(right) = error_row.get_mut(x + 2) {
                    diffuse(right, error, 7);
                }
                if let Some(below) = next_row.get_mut(x..x + 3) {
                    for (cell, weight) in below.iter_mut().zip([3, 5, 1]) {
                        diffuse(cell, error, weight);
                    }
                }
                indices.push(index);
            }
            std::mem::swap(&mut error_row, &mut next_row);
            next_row.iter_mut().for_each(|e| *e = [0; 3]);
        }
        indices
    }
}

/// Adds `weight` sixteenths (divided out when the error is used) of `error` to `cell`.
fn diffuse(cell: &mut [i32; 3], error: [i32; 3], weight: i32) {
    for (c, e) in cell.iter_mut().zip(error) {
        *c += e * weight;
    }
}

fn encode(frames: &[image::RgbaImage], fps: f32, out: &mut impl Write) -> Result<(), ExportError> {
    let Some(first) = frames.first() else {
        return Err(ExportError::Render("no frames to encode".to_owned()));
    };
    let too_big =
        || ExportError::BadOption("GIF frames are limited to 65535 pixels a side".to_owned());
    let width = u16::try_from(first.width()).map_err(|_| too_big())?;
    let height = u16::try_from(first.height()).map_err(|_| too_big())?;
    let mut palette = Palette::build(frames);
    let io = |err: gif::EncodingError| ExportError::Render(format!("GIF encoding failed: {err}"));
    let mut encoder = gif::Encoder::new(out, width, height, &palette.rgb).map_err(io)?;
    encoder.set_repeat(gif::Repeat::Infinite).map_err(io)?;
    let delay_centis = (100.0 / fps).round() as u16;
    let mut previous: Option<Vec<u8>> = None;
    for frame in frames {
        let indices = palette.dither(frame);
        // Only the rectangle that changed since the last frame is stored (GIF frames may cover
        // part of the canvas and keep the rest): a moving token costs a few hundred bytes.
        let (left, top, sub_width, sub_height) = match &previous {
            Some(before) => changed_rect(before, &indices, usize::from(width)),
            None => (0, 0, width, height),
        };
        let mut pixels = Vec::with_capacity(usize::from(sub_width) * usize::from(sub_height));
        for y in top..top + sub_height {
            let row = usize::from(y) * usize::from(width);
            if let Some(run) =
                indices.get(row + usize::from(left)..row + usize::from(left + sub_width))
            {
                pixels.extend_from_slice(run);
            }
        }
        let mut gif_frame = gif::Frame::from_indexed_pixels(sub_width, sub_height, pixels, None);
        gif_frame.left = left;
        gif_frame.top = top;
        gif_frame.delay = delay_centis;
        encoder.write_frame(&gif_frame).map_err(io)?;
        previous = Some(indices);
    }
    Ok(())
}

/// The bounding rectangle `(left, top, width, height)` of the pixels that differ (1x1 when none).
fn changed_rect(before: &[u8], after: &[u8], width: usize) -> (u16, u16, u16, u16) {
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (usize::MAX, usize::MAX, 0, 0);
    for (i, (a, b)) in before.iter().zip(after).enumerate() {
        if a != b {
            let (x, y) = (i % width, i / width);
            min_x = min_x.min(x);
            max_x = max_x.max(x);
            min_y = min_y.min(y);
            max_y = max_y.max(y);
        }
    }
    if min_x == usize::MAX {
        return (0, 0, 1, 1);
    }
    let to16 = |v: usize| u16::try_from(v).unwrap_or(u16::MAX);
    (
        to16(min_x),
        to16(min_y),
        to16(max_x - min_x + 1),
        to16(max_y - min_y + 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> ExportOptions {
        ExportOptions {
            width: 320.0,
            height: 200.0,
            ..ExportOptions::default()
        }
    }

    #[test]
    fn a_step_range_plays_at_1x_and_decodes_with_the_right_frame_count() {
        let link = SceneLink::parse("overview").unwrap();
        let gif = GifOptions {
            from: Some("1".to_owned()),
            to: Some("3".to_owned()),
            fps: 4.0,
        };
        let mut bytes = Vec::new();
        let written = write_gif(&link, &small(), &gif, &mut bytes).unwrap();
        // Two steps at 0.8 steps per second take 2.5 s: 10 frames at 4 fps, plus the last.
        assert_eq!(written, 11);
        let mut decoder = gif::DecodeOptions::new();
        decoder.set_color_output(gif::ColorOutput::RGBA);
        let mut decoder = decoder.read_info(bytes.as_slice()).unwrap();
        let mut decoded = 0;
        while let Some(frame) = decoder.read_next_frame().unwrap() {
            if decoded == 0 {
                assert_eq!(
                    (frame.width, frame.height),
                    (320, 200),
                    "the first frame is whole"
                );
            }
            assert!(frame.left + frame.width <= 320 && frame.top + frame.height <= 200);
            assert_eq!(frame.delay, 25);
            decoded += 1;
        }
        assert_eq!(decoded, written);
    }

    #[test]
    fn bad_ranges_and_rates_are_errors() {
        let link = SceneLink::parse("overview").unwrap();
        let mut sink = Vec::new();
        let backwards = GifOptions {
            from: Some("5".to_owned()),
            to: Some("2".to_owned()),
            fps: 10.0,
        };
        let err = write_gif(&link, &small(), &backwards, &mut sink).unwrap_err();
        assert!(
            err.to_string().contains("--to comes before --from"),
            "{err}"
        );
        let unknown = GifOptions {
            from: Some("nowhere".to_owned()),
            ..GifOptions::default()
        };
        let err = write_gif(&link, &small(), &unknown, &mut sink).unwrap_err();
        assert!(err.to_string().contains("--from \"nowhere\""), "{err}");
        let fast = GifOptions {
            fps: 500.0,
            ..GifOptions::default()
        };
        assert!(write_gif(&link, &small(), &fast, &mut sink).is_err());
    }

    #[test]
    fn only_the_changed_rectangle_is_stored() {
        let before = vec![0u8; 20];
        let mut after = before.clone();
        after[7] = 1; // x 2, y 1 in a 5-wide image
        after[13] = 1; // x 3, y 2
        assert_eq!(changed_rect(&before, &after, 5), (2, 1, 2, 2));
        assert_eq!(changed_rect(&before, &before, 5), (0, 0, 1, 1));
    }

    #[test]
    fn dithering_keeps_flat_palette_colours_exact() {
        let mut frame = image::RgbaImage::new(8, 8);
        for (x, _, pixel) in frame.enumerate_pixels_mut() {
            *pixel = if x < 4 {
                image::Rgba([255, 255, 255, 255])
            } else {
                image::Rgba([0, 114, 178, 255])
            };
        }
        let mut palette = Palette::build(std::slice::from_ref(&frame));
        let indices = palette.dither(&frame);
        let white = palette.color(indices[0]);
        let blue = palette.color(indices[7]);
        assert!(white.iter().all(|c| *c >= 250), "{white:?}");
        assert!((blue[2] - 178).abs() <= 4 && blue[0] <= 4, "{blue:?}");
    }
}
