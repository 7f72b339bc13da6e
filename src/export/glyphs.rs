//! How an SVG carries its text's fonts: embedded (the default: one self-contained file), linked
//! to font files a batch writes once beside its pictures, or not at all, with every glyph drawn
//! as its outline for tools that ignore SVG fonts (Inkscape's older importers, some PDF
//! converters).
//!
//! Real text also names generic fallbacks after the embedded font (`vs-Hack, 'DejaVu Sans Mono',
//! monospace`), so a renderer that ignores `@font-face` (librsvg) still sets code in a monospace
//! font of the same metrics and prose in a sans-serif one.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use skrifa::MetadataProvider as _;
use skrifa::outline::DrawSettings;
use skrifa::outline::pen::SvgPen;

/// How text is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TextMode {
    /// `<text>` with the used glyphs of each font subsetted and embedded.
    #[default]
    Embedded,
    /// `<text>` whose fonts are files at `{prefix}{family}.ttf` (a batch's shared `fonts/`).
    Linked {
        /// The path of the font folder relative to the SVG, ending in `/`.
        prefix: String,
    },
    /// Every glyph as a filled path: no fonts needed, text no longer selectable.
    Outlines,
}

/// The generic families a renderer falls back to when it cannot use a face's embedded font,
/// chosen by the face's kind (the app's faces: Hack, Ubuntu Light and two emoji fonts).
pub fn fallbacks(face_key: &str) -> &'static str {
    let key = face_key.to_ascii_lowercase();
    if key.contains("hack") || key.contains("mono") {
        "'DejaVu Sans Mono', 'Liberation Mono', monospace"
    } else if key.contains("emoji") {
        "'Noto Emoji', 'DejaVu Sans', sans-serif"
    } else {
        "Ubuntu, 'DejaVu Sans', 'Liberation Sans', sans-serif"
    }
}

/// Characters used per CSS family, merged over many pictures (a batch subsets each font once).
pub type UsedChars = BTreeMap<String, BTreeSet<char>>;

/// Glyph outlines in font units, each defined once per picture and placed with `<use>`.
#[derive(Default)]
pub struct Outlines {
    ids: HashMap<(usize, u32), Option<usize>>,
    /// `<path id=…>` definitions for the `<defs>` section.
    pub defs: String,
}

impl Outlines {
    /// The id of `ch`'s outline in `font` (drawn once, in font units, y up), or `None` for a
    /// character without ink (a space) or missing from the font.
    pub fn glyph(&mut self, face: usize, font: &[u8], index: u32, ch: char) -> Option<usize> {
        let Ok(font_ref) = skrifa::FontRef::from_index(font, index) else {
            return None;
        };
        let glyph_id = font_ref.charmap().map(ch)?;
        let key = (face, glyph_id.to_u32());
        if let Some(id) = self.ids.get(&key) {
            return *id;
        }
        let mut pen = SvgPen::with_precision(1);
        let drawn = font_ref
            .outline_glyphs()
            .get(glyph_id)
            .and_then(|glyph| {
                glyph
                    .draw(
                        DrawSettings::unhinted(
                            skrifa::instance::Size::unscaled(),
                            skrifa::instance::LocationRef::default(),
                        ),
                        &mut pen,
                    )
                    .ok()
            })
            .is_some();
        let id = (drawn && !pen.is_empty()).then(|| {
            let id = self.ids.len();
            let _ = write!(self.defs, r#"<path id="g{id}" d="{}"/>"#, &*pen);
            id
        });
        self.ids.insert(key, id);
        id
    }
}

/// How far `ch`'s own glyph advances the pen, in font units (`None` when the font lacks it).
pub fn advance_units(font: &[u8], index: u32, ch: char) -> Option<f32> {
    let font_ref = skrifa::FontRef::from_index(font, index).ok()?;
    let glyph_id = font_ref.charmap().map(ch)?;
    font_ref
        .glyph_metrics(
            skrifa::instance::Size::unscaled(),
            skrifa::instance::LocationRef::default(),
        )
        .advance_width(glyph_id)
}

/// A font's units per em (for scaling outlines to a font size).
pub fn units_per_em(font: &[u8], index: u32) -> f32 {
    skrifa::FontRef::from_index(font, index)
        .ok()
        .map_or(1000.0, |font| {
            let metrics = font.metrics(
                skrifa::instance::Size::unscaled(),
                skrifa::instance::LocationRef::default(),
            );
            f32::from(metrics.units_per_em.max(1))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_falls_back_to_a_monospace_font_and_prose_to_sans_serif() {
        assert_eq!(
            fallbacks("Hack"),
            "'DejaVu Sans Mono', 'Liberation Mono', monospace"
        );
        assert!(fallbacks("Ubuntu-Light").ends_with("sans-serif"));
        assert!(fallbacks("NotoEmoji-Regular").contains("Noto Emoji"));
    }
}
