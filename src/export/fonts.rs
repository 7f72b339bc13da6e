//! Which font egui drew each character with, and those fonts as subsetted files for embedding.
//!
//! egui walks a family's font list and takes the first font that has the character; [`FontBook`]
//! makes the same choice, so the SVG names the font that really drew each glyph, at the size egui
//! drew it (the font size times the font's [`egui::epaint::text::FontTweak`] scale).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use egui::FontFamily;
use egui::epaint::text::FontData;
use skrifa::MetadataProvider as _;

/// One font file of the app's font definitions.
struct Face {
    key: String,
    data: Arc<FontData>,
}

impl Face {
    fn bytes(&self) -> &[u8] {
        (*self.data.font).as_ref()
    }

    fn has_char(&self, ch: char) -> bool {
        skrifa::FontRef::from_index(self.bytes(), self.data.index)
            .is_ok_and(|font| font.charmap().map(ch).is_some())
    }
}

/// A face chosen for a character, with how it is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FaceChoice {
    /// Index of the face in the book.
    pub face: usize,
    /// The factor egui applies to the font size for this face.
    pub scale: f32,
    /// Downward shift as a fraction of the font size.
    pub y_offset_factor: f32,
    /// Downward shift in points.
    pub y_offset: f32,
}

/// The fonts of the app, with egui's fallback order per family.
pub struct FontBook {
    faces: Vec<Face>,
    families: BTreeMap<FontFamily, Vec<usize>>,
    cache: HashMap<(FontFamily, char), FaceChoice>,
    used: BTreeMap<usize, BTreeSet<char>>,
}

impl FontBook {
    /// The book for the app's font definitions.
    pub fn new() -> Self {
        let definitions = crate::fonts::definitions();
        let faces: Vec<Face> = definitions
            .font_data
            .iter()
            .map(|(key, data)| Face {
                key: key.clone(),
                data: Arc::clone(data),
            })
            .collect();
        let families = definitions
            .families
            .iter()
            .map(|(family, names)| {
                let indices = names
                    .iter()
                    .filter_map(|name| faces.iter().position(|face| &face.key == name))
                    .collect();
                (family.clone(), indices)
            })
            .collect();
        Self {
            faces,
            families,
            cache: HashMap::new(),
            used: BTreeMap::new(),
        }
    }

    /// The face egui uses for `ch` in `family` (the family's first font if none has it), and
    /// records the character as used for subsetting.
    pub fn choose(&mut self, family: &FontFamily, ch: char) -> FaceChoice {
        let key = (family.clone(), ch);
        let choice = match self.cache.get(&key) {
            Some(choice) => *choice,
            None => {
                let chain = self
                    .families
                    .get(family)
                    .or_else(|| self.families.get(&FontFamily::Proportional))
                    .cloned()
                    .unwrap_or_default();
                let face = chain
                    .iter()
                    .copied()
                    .find(|&index| self.faces.get(index).is_some_and(|f| f.has_char(ch)))
                    .or_else(|| chain.first().copied())
                    .unwrap_or(0);
                let tweak = self.faces.get(face).map(|f| &f.data.tweak);
                let choice = FaceChoice {
                    face,
                    scale: tweak.map_or(1.0, |t| t.scale),
                    y_offset_factor: tweak.map_or(0.0, |t| t.y_offset_factor),
                    y_offset: tweak.map_or(0.0, |t| t.y_offset),
                };
                self.cache.insert(key, choice);
                choice
            }
        };
        if !ch.is_whitespace() {
            self.used.entry(choice.face).or_default().insert(ch);
        }
        choice
    }

    /// The CSS family name an SVG uses for a face.
    pub fn css_family(&self, face: usize) -> String {
        let key = self
            .faces
            .get(face)
            .map_or("font", |face| face.key.as_str());
        let safe: String = key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("vs-{safe}")
    }

    /// The `font-family` value for a face: its embedded family, then generic fallbacks for
    /// renderers that ignore embedded fonts.
    pub fn family_list(&self, face: usize) -> String {
        let key = self.faces.get(face).map_or("", |face| face.key.as_str());
        format!(
            "{}, {}",
            self.css_family(face),
            super::glyphs::fallbacks(key)
        )
    }

    /// A face's font file and its index in it.
    pub fn font(&self, face: usize) -> Option<(&[u8], u32)> {
        self.faces
            .get(face)
            .map(|face| (face.bytes(), face.data.index))
    }

    /// The faces that drew at least one visible character, each subsetted to its characters:
    /// `(css family, font file bytes)`.
    pub fn used_subsets(&self) -> Vec<(String, Vec<u8>)> {
        self.subsets_for(&self.used_chars())
    }

    /// The characters each face drew, by CSS family.
    pub fn used_chars(&self) -> super::glyphs::UsedChars {
        self.used
            .iter()
            .map(|(&face, chars)| (self.css_family(face), chars.clone()))
            .collect()
    }

    /// Each family of `used` subsetted to its characters (a batch's fonts, written once).
    pub fn subsets_for(&self, used: &super::glyphs::UsedChars) -> Vec<(String, Vec<u8>)> {
        used.iter()
            .filter_map(|(family, chars)| {
                let face = (0..self.faces.len()).find(|&face| &self.css_family(face) == family)?;
                let bytes = self.faces.get(face)?.bytes();
                let subset = super::subset::subset(bytes, chars).unwrap_or_else(|_| bytes.to_vec());
                Some((family.clone(), subset))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_use_ubuntu_and_arrows_fall_back_to_hack() {
        let mut book = FontBook::new();
        let letter = book.choose(&FontFamily::Proportional, 'a');
        assert_eq!(book.css_family(letter.face), "vs-Ubuntu-Light");
        let arrow = book.choose(&FontFamily::Proportional, '→');
        assert_eq!(book.css_family(arrow.face), "vs-Hack");
        let code = book.choose(&FontFamily::Monospace, 'a');
        assert_eq!(book.css_family(code.face), "vs-Hack");
        let emoji = book.choose(&FontFamily::Proportional, '⏸');
        assert!(
            emoji.scale < 1.0,
            "emoji fonts are drawn smaller: {emoji:?}"
        );
        let used: Vec<String> = book
            .used_subsets()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert!(used.contains(&"vs-Ubuntu-Light".to_owned()));
        assert!(used.contains(&"vs-Hack".to_owned()));
    }
}
