//! What a scene painted, read back from egui's shapes: the text a reader can see and where.
//!
//! A card says which labels and values its scene shows (`shows = [...]`), and three places need
//! to find them among the painted shapes: `deck check` (is each term painted?), the built-in
//! deck's tests (the same, for every card) and "Show me" (outline each term on screen). They all
//! read the shapes through this module, so "painted" means the same thing everywhere: glyphs
//! egui laid out in a row that is not clipped away, so a label cut with `…` or wrapped off the
//! canvas does not count as shown.

use egui::epaint::ClippedShape;
use egui::{Pos2, Rect, Shape};

/// One painted text as a reader sees it: its visible rows joined with single spaces (runs of
/// white space collapsed), with each character's rectangle on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct PaintedText {
    /// The visible characters.
    pub text: String,
    /// One rectangle per `char` of `text` (empty for the spaces that join rows).
    rects: Vec<Rect>,
}

impl PaintedText {
    /// The rectangles covering each place where `term` appears as a whole word or phrase (not
    /// inside a longer word or number: `PUE` is not found in `PUEBLO`, nor `1` in `10`).
    pub fn find(&self, term: &str) -> Vec<Rect> {
        let term = term.trim();
        if term.is_empty() {
            return Vec::new();
        }
        let mut found = Vec::new();
        for (byte, _) in self.text.match_indices(term) {
            let end = byte + term.len();
            let before = self.text[..byte].chars().next_back();
            let after = self.text[end..].chars().next();
            let joins = |edge: Option<char>, inner: Option<char>| {
                edge.is_some_and(char::is_alphanumeric) && inner.is_some_and(char::is_alphanumeric)
            };
            if joins(before, term.chars().next()) || joins(after, term.chars().next_back()) {
                continue;
            }
            let first = self.text[..byte].chars().count();
            let count = term.chars().count();
            let rect = (self.rects.get(first..first + count).unwrap_or_default())
                .iter()
                .filter(|rect| rect.is_positive())
                .fold(Rect::NOTHING, |all, rect| all.union(*rect));
            if rect.is_positive() {
                found.push(rect);
            }
        }
        found
    }

    /// Whether `term` appears as a whole word or phrase.
    pub fn contains(&self, term: &str) -> bool {
        !self.find(term).is_empty()
    }
}

/// Every text in `shapes` that has at least one visible row, in paint order. Rows entirely
/// outside their clip rectangle are left out; `…` from an elided label is part of the text.
pub fn visible_texts<'a>(shapes: impl IntoIterator<Item = &'a ClippedShape>) -> Vec<PaintedText> {
    let mut texts = Vec::new();
    for clipped in shapes {
        collect(&clipped.shape, clipped.clip_rect, &mut texts);
    }
    texts
}

fn collect(shape: &Shape, clip: Rect, texts: &mut Vec<PaintedText>) {
    match shape {
        Shape::Vec(shapes) => shapes.iter().for_each(|shape| collect(shape, clip, texts)),
        Shape::Text(text) => {
            if let Some(painted) = read(text, clip) {
                texts.push(painted);
            }
        }
        _ => {}
    }
}

/// The visible part of one text shape.
fn read(shape: &egui::epaint::TextShape, clip: Rect) -> Option<PaintedText> {
    let mut text = String::new();
    let mut rects = Vec::new();
    let push_space = |text: &mut String, rects: &mut Vec<Rect>| {
        if !text.is_empty() && !text.ends_with(' ') {
            text.push(' ');
            rects.push(Rect::NOTHING);
        }
    };
    for row in &shape.galley.rows {
        let origin = shape.pos + row.pos.to_vec2();
        let row_rect = Rect::from_min_size(origin, row.size);
        if !row_rect.intersects(clip) || row.glyphs.is_empty() {
            continue;
        }
        push_space(&mut text, &mut rects);
        let mut previous_end: Option<f32> = None;
        for glyph in &row.glyphs {
            if glyph.chr.is_whitespace() {
                push_space(&mut text, &mut rects);
                previous_end = None;
                continue;
            }
            // Sections laid out with a gap between them (a leading space) read as separate words.
            if previous_end.is_some_and(|end| glyph.pos.x - end > glyph.font_height * 0.25) {
                push_space(&mut text, &mut rects);
            }
            previous_end = Some(glyph.pos.x + glyph.advance_width);
            let min = Pos2::new(origin.x + glyph.pos.x, origin.y);
            let rect = Rect::from_min_size(min, egui::vec2(glyph.advance_width, row.size.y));
            text.push(glyph.chr);
            rects.push(rect.intersect(clip));
        }
    }
    while text.ends_with(' ') {
        text.pop();
        rects.pop();
    }
    (!text.is_empty()).then_some(PaintedText { text, rects })
}

/// The terms of `terms` that no text in `texts` contains, in order.
pub fn missing<'t>(texts: &[PaintedText], terms: &'t [String]) -> Vec<&'t str> {
    terms
        .iter()
        .map(String::as_str)
        .filter(|term| !texts.iter().any(|text| text.contains(term)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::{Align2, Color32, FontId};

    /// Paints `texts` (position, string, wrap width) in a headless context and returns what is
    /// visible inside `clip`.
    fn painted(items: &[(Pos2, &str, f32)], clip: Rect) -> Vec<PaintedText> {
        let ctx = egui::Context::default();
        crate::fonts::install(&ctx);
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let painter = ui.painter().with_clip_rect(clip);
            for (pos, text, width) in items {
                let galley = painter.layout(
                    (*text).to_owned(),
                    FontId::proportional(14.0),
                    Color32::BLACK,
                    *width,
                );
                painter.galley(*pos, galley, Color32::BLACK);
            }
            painter.text(
                Pos2::new(5.0, 400.0),
                Align2::LEFT_TOP,
                "outside the clip",
                FontId::proportional(14.0),
                Color32::BLACK,
            );
        });
        output.textures_delta.clear();
        visible_texts(&output.shapes)
    }

    #[test]
    fn whole_words_and_phrases_are_found_with_their_place() {
        let clip = Rect::from_min_size(Pos2::ZERO, egui::vec2(600.0, 300.0));
        let texts = painted(
            &[
                (Pos2::new(10.0, 10.0), "PUE = 1.58 at 10 % load", 500.0),
                (Pos2::new(10.0, 50.0), "PUEBLO 110", 500.0),
            ],
            clip,
        );
        assert_eq!(texts.len(), 2, "the text outside the clip is not visible");
        assert_eq!(texts[0].text, "PUE = 1.58 at 10 % load");
        let pue = texts[0].find("PUE");
        assert_eq!(pue.len(), 1);
        assert!(pue[0].min.x >= 10.0 && pue[0].max.x < 60.0, "{:?}", pue[0]);
        assert!(texts[0].contains("1.58"));
        assert!(texts[0].contains("10 % load"));
        assert!(!texts[1].contains("PUE"), "not inside a longer word");
        assert!(!texts[1].contains("10"), "not inside a longer number");
        assert_eq!(
            missing(&texts, &["PUE".into(), "IT load".into(), "110".into()]),
            ["IT load"]
        );
    }

    #[test]
    fn wrapped_rows_join_with_one_space_and_clipped_rows_drop_out() {
        let clip = Rect::from_min_size(Pos2::ZERO, egui::vec2(600.0, 40.0));
        let texts = painted(
            &[(
                Pos2::new(10.0, 10.0),
                "one two three four five six seven eight nine ten",
                60.0,
            )],
            clip,
        );
        let text = &texts[0].text;
        assert!(text.starts_with("one two"), "{text}");
        assert!(
            !text.contains("ten"),
            "rows below the clip are not visible: {text}"
        );
        assert!(!text.contains("  "), "{text}");
    }
}
