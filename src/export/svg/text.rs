//! Text as SVG: egui's glyphs grouped into runs (same font, size, colour and baseline), each
//! written as one `<text>` with every glyph's x, or as glyph outlines placed one by one.

use std::fmt::Write as _;

use egui::epaint::TextShape;
use egui::{Color32, Pos2, Stroke};

use super::Writer;
use super::attrs::{escape, fill, num};
use super::rotate;
use crate::export::glyphs::{TextMode, advance_units, units_per_em};

impl Writer {
    pub(super) fn text(&mut self, shape: &TextShape) {
        let galley = &shape.galley;
        let job = &galley.job;
        let char_starts: Vec<usize> = job.text.char_indices().map(|(byte, _)| byte).collect();
        let section_at = |char_index: usize| -> usize {
            let byte = char_starts
                .get(char_index)
                .copied()
                .unwrap_or(job.text.len());
            job.sections
                .iter()
                .position(|section| {
                    section
                        .byte_range
                        .contains(&egui::epaint::text::ByteIndex(byte))
                })
                .unwrap_or(job.sections.len().saturating_sub(1))
        };
        let transform = rotate(shape.angle, shape.pos);
        let rotated = !transform.is_empty();
        if rotated {
            let _ = writeln!(self.body, "<g{transform}>");
        }
        let mut char_index = 0;
        for placed in &galley.rows {
            let origin = shape.pos + placed.pos.to_vec2();
            let mut run = Run::default();
            for glyph in &placed.row.glyphs {
                let section_index = section_at(char_index);
                char_index += 1;
                let Some(section) = job.sections.get(section_index) else {
                    continue;
                };
                let format = &section.format;
                let choice = self.fonts.choose(&format.font_id.family, glyph.chr);
                let color = text_color(shape, format.color);
                let size = format.font_id.size * choice.scale;
                let baseline = origin.y
                    + glyph.pos.y
                    + format.font_id.size * choice.scale * choice.y_offset_factor
                    + choice.y_offset;
                let key = RunKey {
                    face: choice.face,
                    size_centi: (size * 100.0).round() as i32,
                    color,
                    baseline_centi: (baseline * 100.0).round() as i32,
                    italics: format.italics,
                };
                // egui gives the extra characters of a ligature or a cluster zero-width
                // continuation glyphs; they follow their base character naturally, so the run
                // ends after them (SVG positions the characters after an x list naturally).
                let continuation = glyph.advance_width == 0.0
                    && !run.chars.is_empty()
                    && !glyph.chr.is_whitespace();
                if run.key != Some(key) || (run.sealed && !continuation) {
                    self.flush_run(&mut run);
                    run.key = Some(key);
                }
                run.chars.push(glyph.chr);
                run.placed
                    .push((glyph.chr, origin.x + glyph.pos.x, continuation));
                if continuation {
                    run.sealed = true;
                } else {
                    run.xs.push(origin.x + glyph.pos.x);
                }
                run.underline = format.underline;
                run.background = format.background;
                run.extent = (
                    run.extent.0.min(origin.x + glyph.pos.x),
                    run.extent.1.max(origin.x + glyph.max_x()),
                );
                run.top = baseline - glyph.font_ascent;
                run.height = glyph.line_height;
            }
            self.flush_run(&mut run);
            if placed.ends_with_newline {
                char_index += 1;
            }
        }
        if rotated {
            self.body.push_str("</g>\n");
        }
    }

    fn flush_run(&mut self, run: &mut Run) {
        let Some(key) = run.key.take() else {
            run.clear();
            return;
        };
        let (left, right) = run.extent;
        if run.background != Color32::TRANSPARENT && right > left {
            let _ = writeln!(
                self.body,
                r#"<rect x="{}" y="{}" width="{}" height="{}"{}/>"#,
                num(left),
                num(run.top),
                num(right - left),
                num(run.height),
                fill(run.background)
            );
        }
        if self.mode == TextMode::Outlines {
            self.outline_run(run, key);
        } else if run.chars.iter().any(|c| !c.is_whitespace()) {
            let xs: Vec<String> = run.xs.iter().map(|x| num(*x)).collect();
            let text: String = run.chars.iter().collect();
            let _ = writeln!(
                self.body,
                r#"<text x="{}" y="{}" font-family="{}" font-size="{}"{}{}>{}</text>"#,
                xs.join(" "),
                num(key.baseline_centi as f32 / 100.0),
                self.fonts.family_list(key.face),
                num(key.size_centi as f32 / 100.0),
                if key.italics {
                    r#" font-style="italic""#
                } else {
                    ""
                },
                fill(key.color),
                escape(&text)
            );
        }
        if !run.underline.is_empty() && right > left {
            let y = key.baseline_centi as f32 / 100.0 + key.size_centi as f32 / 100.0 * 0.12;
            self.line([Pos2::new(left, y), Pos2::new(right, y)], run.underline);
        }
        run.clear();
    }
}

impl Writer {
    /// A run as glyph outlines: each glyph's path (defined once) placed at its position and size.
    fn outline_run(&mut self, run: &Run, key: RunKey) {
        let Some((font, index)) = self.fonts.font(key.face) else {
            return;
        };
        let scale = key.size_centi as f32 / 100.0 / units_per_em(font, index);
        // egui's italics lean about 12 degrees; font units point up, hence the positive shear.
        let shear = if key.italics { scale * 0.21 } else { 0.0 };
        let baseline = key.baseline_centi as f32 / 100.0;
        let mut uses = String::new();
        // A ligature's later characters have no glyph of their own in egui's layout (it drew
        // the ligature glyph for the first); outlines are looked up per character, so each
        // continuation is drawn as its own glyph after the previous one's advance.
        let mut previous: Option<(char, f32)> = None;
        for &(ch, placed_x, continuation) in &run.placed {
            let x = match previous {
                Some((before, before_x)) if continuation => {
                    before_x + advance_units(font, index, before).unwrap_or(0.0) * scale
                }
                _ => placed_x,
            };
            previous = Some((ch, x));
            if ch.is_whitespace() {
                continue;
            }
            if let Some(id) = self.outlines.glyph(key.face, font, index, ch) {
                let _ = write!(
                    uses,
                    r##"<use xlink:href="#g{id}" transform="matrix({scale:.6} 0 {shear:.6} {:.6} {} {})"/>"##,
                    -scale,
                    num(x),
                    num(baseline)
                );
            }
        }
        if !uses.is_empty() {
            let _ = writeln!(self.body, "<g{}>{uses}</g>", fill(key.color));
        }
    }
}

/// Glyphs that share a font, size, colour and baseline: one `<text>` element.
#[derive(Default)]
struct Run {
    key: Option<RunKey>,
    sealed: bool,
    chars: Vec<char>,
    xs: Vec<f32>,
    /// Every character with its own x and whether it continues a ligature, for outlines.
    placed: Vec<(char, f32, bool)>,
    extent: (f32, f32),
    top: f32,
    height: f32,
    underline: Stroke,
    background: Color32,
}

impl Run {
    fn clear(&mut self) {
        *self = Self {
            extent: (f32::INFINITY, f32::NEG_INFINITY),
            ..Self::default()
        };
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct RunKey {
    face: usize,
    size_centi: i32,
    color: Color32,
    baseline_centi: i32,
    italics: bool,
}

fn text_color(shape: &TextShape, section_color: Color32) -> Color32 {
    let color = match shape.override_text_color {
        Some(color) => color,
        None if section_color == Color32::PLACEHOLDER => shape.fallback_color,
        None => section_color,
    };
    if shape.opacity_factor < 1.0 {
        color.gamma_multiply(shape.opacity_factor.max(0.0))
    } else {
        color
    }
}
