//! Writes a captured [`Picture`] as SVG: every epaint shape kind the app produces, text as real
//! `<text>` with egui's own per-glyph positions, fonts subsetted and embedded, no `foreignObject`.
//!
//! Shapes keep their paint order. A clip rectangle becomes a `clipPath` only where it actually cuts
//! a shape, so the file stays easy to take apart in slide software.
//!
//! This file writes the document and the shapes; `text.rs` writes text (runs of glyphs as
//! `<text>`, or outlines), `attrs.rs` the attribute values (numbers, colours, points, escaping).

mod attrs;
mod text;

use std::collections::HashMap;
use std::fmt::Write as _;

use base64::Engine as _;
use egui::emath::TSTransform;
use egui::epaint::{
    BandShape, CircleShape, ColorMode, CubicBezierShape, EllipseShape, Mesh, PathShape,
    QuadraticBezierShape, RectShape,
};
use egui::{Color32, Pos2, Rect, Shape, Stroke, StrokeKind};

use super::fonts::FontBook;
use super::glyphs::Outlines;
pub use super::glyphs::{TextMode, UsedChars};
use super::{Picture, VECTOR_PIXELS_PER_POINT};
use attrs::{fill, num, paint, points, stroke};

/// The anti-aliasing fringe egui's tessellator adds at the density vector pictures are laid out
/// at (one pixel), in points.
const FEATHERING_POINTS: f32 = 1.0 / VECTOR_PIXELS_PER_POINT;

/// An SVG document and the font files it embeds (the rasterizer loads the same files).
pub struct SvgDocument {
    /// The SVG text.
    pub text: String,
    /// `(css family, font bytes)` of every embedded font.
    pub fonts: Vec<(String, Vec<u8>)>,
    /// The characters each font family drew (for a batch's shared font files).
    pub used: UsedChars,
}

/// Converts the picture to SVG text, with its fonts embedded.
pub fn to_svg(picture: &Picture) -> String {
    render(picture).text
}

/// Converts the picture to an SVG document with its fonts embedded.
pub fn render(picture: &Picture) -> SvgDocument {
    render_with(picture, &TextMode::Embedded)
}

/// Converts the picture to an SVG document, writing text as `mode` says.
pub fn render_with(picture: &Picture, mode: &TextMode) -> SvgDocument {
    let mut writer = Writer {
        canvas: Rect::from_min_size(Pos2::ZERO, picture.size),
        body: String::with_capacity(64 * 1024),
        clips: HashMap::new(),
        clip_defs: String::new(),
        open_clip: None,
        fonts: FontBook::new(),
        mode: mode.clone(),
        outlines: Outlines::default(),
    };
    for clipped in &picture.shapes {
        let transform = clipped.transform_after_tessellation;
        if transform == TSTransform::IDENTITY {
            writer.shape(&clipped.shape, clipped.clip_rect);
        } else {
            writer.transformed(&clipped.shape, clipped.clip_rect, transform);
        }
    }
    writer.close_clip();
    writer.finish(picture)
}

struct Writer {
    canvas: Rect,
    body: String,
    clips: HashMap<[i64; 4], usize>,
    clip_defs: String,
    open_clip: Option<usize>,
    fonts: FontBook,
    mode: TextMode,
    outlines: Outlines,
}

impl Writer {
    fn finish(self, picture: &Picture) -> SvgDocument {
        let used = self.fonts.used_chars();
        let fonts = match self.mode {
            TextMode::Embedded => self.fonts.used_subsets(),
            TextMode::Linked { .. } | TextMode::Outlines => Vec::new(),
        };
        let (width, height) = (num(picture.size.x), num(picture.size.y));
        let mut out = String::with_capacity(self.body.len() + 32 * 1024);
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{width}" height="{height}" viewBox="0 0 {width} {height}" xml:space="preserve">"#
        );
        out.push_str("<defs><style>");
        for (family, bytes) in &fonts {
            let data = base64::engine::general_purpose::STANDARD.encode(bytes);
            let _ = write!(
                out,
                r#"@font-face{{font-family:"{family}";src:url(data:font/ttf;base64,{data}) format("truetype");}}"#
            );
        }
        if let TextMode::Linked { prefix } = &self.mode {
            for family in used.keys() {
                let _ = write!(
                    out,
                    r#"@font-face{{font-family:"{family}";src:url("{prefix}{family}.ttf") format("truetype");}}"#
                );
            }
        }
        out.push_str("text{font-kerning:none;font-variant-ligatures:none;white-space:pre;}");
        out.push_str("</style>");
        out.push_str(&self.outlines.defs);
        out.push_str(&self.clip_defs);
        out.push_str("</defs>\n");
        if let Some(background) = picture.background {
            let _ = writeln!(
                out,
                r#"<rect width="{width}" height="{height}"{}/>"#,
                paint("fill", background)
            );
        }
        out.push_str(&self.body);
        out.push_str("</svg>\n");
        SvgDocument {
            text: out,
            fonts,
            used,
        }
    }

    /// Opens (or keeps open) the clip group for `clip`, or closes it when `clip` cuts nothing.
    fn use_clip(&mut self, clip: Rect, bounds: Rect) {
        let needs_clip = !clip.contains_rect(bounds) && clip.intersects(self.canvas);
        let wanted = needs_clip.then(|| {
            let key = [clip.min.x, clip.min.y, clip.max.x, clip.max.y]
                .map(|v| (f64::from(v) * 100.0).round() as i64);
            let next = self.clips.len();
            let id = *self.clips.entry(key).or_insert(next);
            if id == next {
                let _ = write!(
                    self.clip_defs,
                    r#"<clipPath id="c{id}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath>"#,
                    num(clip.min.x),
                    num(clip.min.y),
                    num(clip.width().max(0.0)),
                    num(clip.height().max(0.0))
                );
            }
            id
        });
        if wanted != self.open_clip {
            self.close_clip();
            if let Some(id) = wanted {
                let _ = writeln!(self.body, r#"<g clip-path="url(#c{id})">"#);
            }
            self.open_clip = wanted;
        }
    }

    fn close_clip(&mut self) {
        if self.open_clip.take().is_some() {
            self.body.push_str("</g>\n");
        }
    }

    /// A shape moved and scaled after tessellation (e.g. a popup easing into place).
    fn transformed(&mut self, shape: &Shape, clip: Rect, transform: TSTransform) {
        let bounds = transform.mul_rect(shape.visual_bounding_rect());
        if !bounds.is_finite() || !bounds.intersects(clip) {
            return;
        }
        self.use_clip(clip, bounds);
        let _ = writeln!(
            self.body,
            r#"<g transform="translate({} {}) scale({})">"#,
            num(transform.translation.x),
            num(transform.translation.y),
            num(transform.scaling)
        );
        let canvas = self.canvas;
        self.canvas = transform.inverse().mul_rect(canvas);
        let inner_clip = transform.inverse().mul_rect(clip);
        let open = self.open_clip;
        self.shape(shape, inner_clip.expand(1e6));
        self.close_clip();
        self.open_clip = open;
        self.canvas = canvas;
        self.body.push_str("</g>\n");
    }

    fn shape(&mut self, shape: &Shape, clip: Rect) {
        if let Shape::Vec(shapes) = shape {
            for shape in shapes {
                self.shape(shape, clip);
            }
            return;
        }
        let bounds = shape.visual_bounding_rect();
        if !bounds.is_finite() || !bounds.intersects(clip) {
            return;
        }
        self.use_clip(clip, bounds);
        match shape {
            Shape::Noop | Shape::Vec(_) | Shape::Callback(_) => {}
            Shape::Circle(circle) => self.circle(circle),
            Shape::Ellipse(ellipse) => self.ellipse(ellipse),
            Shape::LineSegment { points, stroke } => self.line(*points, *stroke),
            Shape::Path(path) => self.path(path),
            Shape::Band(band) => self.band(band),
            Shape::Rect(rect) => self.rect(rect),
            Shape::Text(text) => self.text(text),
            Shape::Mesh(mesh) => self.mesh(mesh),
            Shape::QuadraticBezier(bezier) => self.quadratic(bezier),
            Shape::CubicBezier(bezier) => self.cubic(bezier),
        }
    }

    fn circle(&mut self, circle: &CircleShape) {
        let _ = writeln!(
            self.body,
            r#"<circle cx="{}" cy="{}" r="{}"{}{}/>"#,
            num(circle.center.x),
            num(circle.center.y),
            num(circle.radius),
            fill(circle.fill),
            stroke(circle.stroke)
        );
    }

    fn ellipse(&mut self, ellipse: &EllipseShape) {
        let _ = writeln!(
            self.body,
            r#"<ellipse cx="{}" cy="{}" rx="{}" ry="{}"{}{}{}/>"#,
            num(ellipse.center.x),
            num(ellipse.center.y),
            num(ellipse.radius.x),
            num(ellipse.radius.y),
            rotate(ellipse.angle, ellipse.center),
            fill(ellipse.fill),
            stroke(ellipse.stroke)
        );
    }

    fn line(&mut self, [a, b]: [Pos2; 2], line: Stroke) {
        if line.is_empty() {
            return;
        }
        let _ = writeln!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}"{}/>"#,
            num(a.x),
            num(a.y),
            num(b.x),
            num(b.y),
            stroke(line)
        );
    }

    fn path(&mut self, path: &PathShape) {
        if path.points.len() < 2 {
            return;
        }
        let line = path_stroke(
            &path.stroke.color,
            path.stroke.width,
            path.visual_bounding_rect(),
        );
        let tag = if path.closed { "polygon" } else { "polyline" };
        let area = if path.closed {
            fill(path.fill)
        } else {
            r#" fill="none""#.to_owned()
        };
        let _ = writeln!(
            self.body,
            r#"<{tag} points="{}"{area}{}/>"#,
            points(&path.points),
            stroke(line)
        );
    }

    fn band(&mut self, band: &BandShape) {
        if band.points.len() < 2 {
            return;
        }
        let upper = band.points.iter().map(|p| Pos2::new(p.x, p.y.min));
        let lower = band.points.iter().rev().map(|p| Pos2::new(p.x, p.y.max));
        let outline: Vec<Pos2> = upper.chain(lower).collect();
        let _ = writeln!(
            self.body,
            r#"<polygon points="{}"{}{}{}/>"#,
            points(&outline),
            rotate(band.angle, Pos2::ZERO),
            fill(band.fill),
            stroke(band.stroke)
        );
    }

    fn rect(&mut self, shape: &RectShape) {
        let rect = shape.rect;
        if !rect.is_finite() {
            return;
        }
        let transform = rotate(shape.angle, rect.center());
        if !shape.stroke.is_empty() {
            // egui's tessellator (`Tessellator::tessellate_rect`) fills a rectangle its stroke
            // would cover in the stroke's colour; drawn as an outline, such a rectangle would have
            // a negative size, which SVG renderers skip.
            let width = shape.stroke.width;
            let with_stroke = match shape.stroke_kind {
                StrokeKind::Inside => rect,
                StrokeKind::Middle => rect.expand(width / 2.0),
                StrokeKind::Outside => rect.expand(width),
            };
            if with_stroke.size().min_elem() <= 2.0 * width + 0.5 * FEATHERING_POINTS {
                if with_stroke.width() > 0.0 && with_stroke.height() > 0.0 {
                    let _ = writeln!(
                        self.body,
                        "{}",
                        rounded_rect(
                            with_stroke,
                            shape.corner_radius,
                            &transform,
                            &fill(shape.stroke.color)
                        )
                    );
                }
                return;
            }
        }
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return;
        }
        if shape.fill != Color32::TRANSPARENT {
            let _ = writeln!(
                self.body,
                "{}",
                rounded_rect(rect, shape.corner_radius, &transform, &fill(shape.fill))
            );
        }
        if !shape.stroke.is_empty() {
            let half = shape.stroke.width / 2.0;
            let outline = match shape.stroke_kind {
                StrokeKind::Inside => rect.shrink(half),
                StrokeKind::Middle => rect,
                StrokeKind::Outside => rect.expand(half),
            };
            let radius = match shape.stroke_kind {
                StrokeKind::Inside => shape.corner_radius - half.round() as u8,
                StrokeKind::Middle => shape.corner_radius,
                StrokeKind::Outside => shape.corner_radius + half.round() as u8,
            };
            let attrs = format!(r#" fill="none"{}"#, stroke(shape.stroke));
            let _ = writeln!(
                self.body,
                "{}",
                rounded_rect(outline, radius, &transform, &attrs)
            );
        }
    }

    fn quadratic(&mut self, bezier: &QuadraticBezierShape) {
        let [a, b, c] = bezier.points;
        let bounds = bezier.visual_bounding_rect();
        let line = path_stroke(&bezier.stroke.color, bezier.stroke.width, bounds);
        self.curve('Q', a, &[b, c], bezier.closed, bezier.fill, line);
    }

    fn cubic(&mut self, bezier: &CubicBezierShape) {
        let [a, b, c, d] = bezier.points;
        let bounds = bezier.visual_bounding_rect();
        let line = path_stroke(&bezier.stroke.color, bezier.stroke.width, bounds);
        self.curve('C', a, &[b, c, d], bezier.closed, bezier.fill, line);
    }

    /// A bezier from `start` through the control points, as `M x y Q|C ...`.
    fn curve(
        &mut self,
        command: char,
        start: Pos2,
        controls: &[Pos2],
        closed: bool,
        area: Color32,
        line: Stroke,
    ) {
        let mut data = format!("M{} {}{command}", num(start.x), num(start.y));
        let coordinates: Vec<String> = controls.iter().flat_map(|p| [num(p.x), num(p.y)]).collect();
        data.push_str(&coordinates.join(" "));
        if closed {
            data.push('Z');
        }
        let area = if closed {
            fill(area)
        } else {
            r#" fill="none""#.to_owned()
        };
        let _ = writeln!(self.body, r#"<path d="{data}"{area}{}/>"#, stroke(line));
    }

    /// Meshes have per-vertex colours; SVG gets one flat colour per triangle (their mean),
    /// with triangles of the same colour merged into one path.
    fn mesh(&mut self, mesh: &Mesh) {
        let mut by_color: Vec<(Color32, String)> = Vec::new();
        for &[a, b, c] in mesh.indices.as_chunks::<3>().0 {
            let get = |index: u32| mesh.vertices.get(index as usize);
            let (Some(a), Some(b), Some(c)) = (get(a), get(b), get(c)) else {
                continue;
            };
            let color = mean_color([a, b, c].iter().map(|v| v.color));
            if color.a() == 0 {
                continue;
            }
            let data = format!(
                "M{} {}L{} {}L{} {}Z",
                num(a.pos.x),
                num(a.pos.y),
                num(b.pos.x),
                num(b.pos.y),
                num(c.pos.x),
                num(c.pos.y)
            );
            match by_color.last_mut() {
                Some((last, path)) if *last == color => path.push_str(&data),
                _ => by_color.push((color, data)),
            }
        }
        for (color, data) in by_color {
            let _ = writeln!(self.body, r#"<path d="{data}"{}/>"#, fill(color));
        }
    }
}

fn rounded_rect(rect: Rect, radius: egui::CornerRadius, transform: &str, attrs: &str) -> String {
    let max = rect.width().min(rect.height()) / 2.0;
    let [nw, ne, sw, se] =
        [radius.nw, radius.ne, radius.sw, radius.se].map(|r| f32::from(r).min(max));
    if nw == ne && ne == sw && sw == se {
        let rx = if nw > 0.0 {
            format!(r#" rx="{}""#, num(nw))
        } else {
            String::new()
        };
        return format!(
            r#"<rect x="{}" y="{}" width="{}" height="{}"{rx}{transform}{attrs}/>"#,
            num(rect.min.x),
            num(rect.min.y),
            num(rect.width()),
            num(rect.height())
        );
    }
    let (l, t, r, b) = (rect.min.x, rect.min.y, rect.max.x, rect.max.y);
    let arc = |radius: f32, x: f32, y: f32| {
        if radius > 0.0 {
            format!(
                "A{} {} 0 0 1 {} {}",
                num(radius),
                num(radius),
                num(x),
                num(y)
            )
        } else {
            String::new()
        }
    };
    let data = format!(
        "M{} {}H{}{}V{}{}H{}{}V{}{}Z",
        num(l + nw),
        num(t),
        num(r - ne),
        arc(ne, r, t + ne),
        num(b - se),
        arc(se, r - se, b),
        num(l + sw),
        arc(sw, l, b - sw),
        num(t + nw),
        arc(nw, l + nw, t),
    );
    format!(r#"<path d="{data}"{transform}{attrs}/>"#)
}

fn path_stroke(color: &ColorMode, width: f32, bounds: Rect) -> Stroke {
    match color {
        ColorMode::Solid(color) => Stroke::new(width, *color),
        ColorMode::UV(function) => Stroke::new(width, function(bounds, bounds.center())),
    }
}

// Not a new colour: the average of colours egui painted (a mesh's vertices), rebuilt from its
// premultiplied channels.
#[allow(clippy::disallowed_methods)]
fn mean_color(colors: impl Iterator<Item = Color32>) -> Color32 {
    let mut sum = [0u32; 4];
    let mut count = 0u32;
    for color in colors {
        for (total, channel) in sum.iter_mut().zip(color.to_array()) {
            *total += u32::from(channel);
        }
        count += 1;
    }
    if count == 0 {
        return Color32::TRANSPARENT;
    }
    let [r, g, b, a] = sum.map(|total| (total / count) as u8);
    Color32::from_rgba_premultiplied(r, g, b, a)
}

fn rotate(angle: f32, around: Pos2) -> String {
    if angle == 0.0 || !angle.is_finite() {
        return String::new();
    }
    format!(
        r#" transform="rotate({} {} {})""#,
        num(angle.to_degrees()),
        num(around.x),
        num(around.y)
    )
}

#[cfg(test)]
// Tests paint fixed colours to check the SVG writer against them.
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;
    use egui::epaint::ClippedShape;
    use egui::vec2;

    fn picture(shapes: Vec<Shape>) -> Picture {
        let canvas = Rect::from_min_size(Pos2::ZERO, vec2(200.0, 100.0));
        Picture {
            size: canvas.size(),
            background: Some(Color32::WHITE),
            shapes: shapes
                .into_iter()
                .map(|shape| ClippedShape::new(canvas, shape))
                .collect(),
            excerpts: Default::default(),
        }
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f32::NAN), "0");
    }

    #[test]
    fn every_geometric_shape_kind_is_written() {
        let stroke = Stroke::new(2.0, Color32::BLACK);
        let shapes = vec![
            Shape::rect_filled(
                Rect::from_min_size(Pos2::new(1.0, 1.0), vec2(20.0, 10.0)),
                4.0,
                Color32::RED,
            ),
            Shape::circle_filled(Pos2::new(50.0, 50.0), 5.0, Color32::BLUE),
            Shape::Ellipse(EllipseShape::filled(
                Pos2::new(60.0, 50.0),
                vec2(5.0, 3.0),
                Color32::GREEN,
            )),
            Shape::line_segment([Pos2::new(0.0, 0.0), Pos2::new(10.0, 10.0)], stroke),
            Shape::closed_line(
                vec![
                    Pos2::new(0.0, 0.0),
                    Pos2::new(10.0, 0.0),
                    Pos2::new(5.0, 5.0),
                ],
                stroke,
            ),
            Shape::QuadraticBezier(QuadraticBezierShape::from_points_stroke(
                [Pos2::ZERO, Pos2::new(5.0, 9.0), Pos2::new(10.0, 0.0)],
                false,
                Color32::TRANSPARENT,
                stroke,
            )),
            Shape::CubicBezier(CubicBezierShape::from_points_stroke(
                [
                    Pos2::ZERO,
                    Pos2::new(3.0, 9.0),
                    Pos2::new(7.0, 9.0),
                    Pos2::new(10.0, 0.0),
                ],
                false,
                Color32::TRANSPARENT,
                stroke,
            )),
            Shape::Band(BandShape {
                points: vec![
                    egui::epaint::BandPoint::new(0.0, 10.0..=12.0),
                    egui::epaint::BandPoint::new(5.0, 11.0..=14.0),
                ],
                fill: Color32::GRAY,
                stroke: Stroke::NONE,
                stroke_kind: StrokeKind::Middle,
                angle: 0.0,
            }),
            Shape::mesh({
                let mut mesh = Mesh::default();
                mesh.colored_vertex(Pos2::new(0.0, 0.0), Color32::YELLOW);
                mesh.colored_vertex(Pos2::new(9.0, 0.0), Color32::YELLOW);
                mesh.colored_vertex(Pos2::new(0.0, 9.0), Color32::YELLOW);
                mesh.add_triangle(0, 1, 2);
                mesh
            }),
        ];
        let svg = to_svg(&picture(shapes));
        for needle in [
            "<rect x=\"1\" y=\"1\" width=\"20\" height=\"10\" rx=\"4\" fill=\"#ff0000\"",
            "<circle cx=\"50\" cy=\"50\" r=\"5\"",
            "<ellipse",
            "<line x1=\"0\" y1=\"0\" x2=\"10\" y2=\"10\" stroke=\"#000000\" stroke-width=\"2\"",
            "<polygon points=\"0,0 10,0 5,5\"",
            "Q5 9 10 0",
            "C3 9 7 9 10 0",
            "<polygon points=\"0,10 5,11 5,14 0,12\"",
            "M0 0L9 0L0 9Z",
        ] {
            assert!(svg.contains(needle), "missing {needle} in\n{svg}");
        }
        assert!(!svg.contains("foreignObject"));
    }

    /// A rectangle thinner than its stroke is painted by egui as a bar in the stroke's colour
    /// (the `item_list_ui` outline of a list squeezed to a few points); written as an outline it
    /// would have a negative height, which renderers skip.
    #[test]
    fn a_rectangle_its_stroke_covers_is_filled_with_the_stroke_colour() {
        let blue = Color32::from_rgb(0, 0x72, 0xb2);
        let outline = |height: f32, stroke_width: f32| {
            let rect = Rect::from_min_size(Pos2::new(10.0, 20.0), vec2(80.0, height));
            let stroke = Stroke::new(stroke_width, blue);
            to_svg(&picture(vec![Shape::rect_stroke(
                rect,
                4.0,
                stroke,
                StrokeKind::Inside,
            )]))
        };
        let svg = outline(1.5, 1.875);
        assert!(
            svg.contains(
                r##"<rect x="10" y="20" width="80" height="1.5" rx="0.75" fill="#0072b2"/>"##
            ),
            "{svg}"
        );
        assert!(!svg.contains("height=\"-"), "{svg}");
        let svg = outline(20.0, 2.0);
        assert!(
            svg.contains(r#"<rect x="11" y="21" width="78" height="18" rx="3" fill="none""#),
            "an outline where the stroke leaves room: {svg}"
        );
    }

    #[test]
    fn translucent_colours_get_an_opacity() {
        let color = Color32::from_rgba_unmultiplied(255, 0, 0, 128);
        assert!(paint("fill", color).contains("fill-opacity=\"0.5\""));
    }

    #[test]
    fn clips_are_emitted_only_where_they_cut() {
        let canvas = Rect::from_min_size(Pos2::ZERO, vec2(200.0, 100.0));
        let small_clip = Rect::from_min_size(Pos2::ZERO, vec2(10.0, 10.0));
        let shape = Shape::rect_filled(
            Rect::from_min_size(Pos2::ZERO, vec2(50.0, 50.0)),
            0.0,
            Color32::RED,
        );
        let mut picture = picture(vec![]);
        picture.shapes = vec![
            ClippedShape::new(canvas, shape.clone()),
            ClippedShape::new(small_clip, shape),
        ];
        let svg = to_svg(&picture);
        assert_eq!(svg.matches("<clipPath").count(), 1, "{svg}");
        assert_eq!(svg.matches("clip-path=\"url(#c0)\"").count(), 1);
    }

    /// `text` laid out in the app's fonts at 20 points, as a picture to write.
    fn picture_of_text(text: &str) -> Picture {
        let ctx = egui::Context::default();
        crate::fonts::install(&ctx);
        let mut shapes = Vec::new();
        for _ in 0..2 {
            shapes.clear();
            let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
                let galley = ui.painter().layout_no_wrap(
                    text.to_owned(),
                    egui::FontId::proportional(20.0),
                    Color32::BLACK,
                );
                shapes.push(Shape::galley(Pos2::new(10.0, 10.0), galley, Color32::BLACK));
            });
            output.textures_delta.clear();
        }
        picture(shapes)
    }

    fn svg_of_text(text: &str) -> String {
        to_svg(&picture_of_text(text))
    }

    #[test]
    fn ligature_continuations_follow_their_base_character() {
        let svg = svg_of_text("Modified");
        let open = svg
            .find(">Modifi</text>")
            .unwrap_or_else(|| panic!("{svg}"));
        let start = svg[..open].rfind("<text x=\"").unwrap() + 9;
        let xs = &svg[start..];
        let xs = &xs[..xs.find('"').unwrap()];
        assert_eq!(
            xs.split(' ').count(),
            5,
            "no x for the continuation 'i': {xs}"
        );
        assert!(svg.contains(">ed</text>"), "{svg}");
    }

    #[test]
    fn text_can_be_written_as_glyph_outlines() {
        let ctx = egui::Context::default();
        let mut shapes = Vec::new();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let galley = ui.painter().layout_no_wrap(
                "popf → trap".to_owned(),
                egui::FontId::proportional(20.0),
                Color32::BLACK,
            );
            shapes.push(Shape::galley(Pos2::new(10.0, 10.0), galley, Color32::BLACK));
        });
        output.textures_delta.clear();
        let svg = render_with(&picture(shapes), &TextMode::Outlines).text;
        assert!(!svg.contains("<text"), "no text elements: {svg}");
        assert!(!svg.contains("@font-face"), "no fonts: {svg}");
        assert!(
            svg.contains(r#"<path id="g0" d="M"#),
            "glyphs defined once: {svg}"
        );
        let uses = svg.matches("<use xlink:href=").count();
        assert_eq!(uses, 9, "one use per visible glyph: {svg}");
        assert!(
            svg.contains(r##"xlink:href="#g0""##) && svg.contains("xmlns:xlink"),
            "{svg}"
        );
    }

    /// The x of every `<use>` in an outline SVG, in order.
    fn use_xs(svg: &str) -> Vec<f32> {
        svg.split("<use xlink:href=")
            .skip(1)
            .filter_map(|tail| {
                let matrix = tail.split("matrix(").nth(1)?.split(')').next()?;
                matrix.split(' ').nth(4)?.parse().ok()
            })
            .collect()
    }

    #[test]
    fn outline_ligatures_draw_every_character_in_order() {
        // "fl" and "fi" are ligatures in the app's sans font: egui lays out one glyph for the
        // pair; outlines are drawn per character, so the "l" must come after the "f", not
        // on it (seen as "f ags" for "flags" in an exported CPU scene).
        let svg = render_with(&picture_of_text("flags"), &TextMode::Outlines).text;
        let xs = use_xs(&svg);
        assert_eq!(xs.len(), 5, "one glyph per character: {svg}");
        for pair in xs.windows(2) {
            assert!(pair[1] > pair[0] + 2.0, "each glyph after the last: {xs:?}");
        }
    }

    #[test]
    fn text_is_real_text_with_glyph_positions_and_an_embedded_font() {
        let svg = svg_of_text("VM exit → <1&2>");
        assert!(svg.contains(">VM exit </text>"), "{svg}");
        assert!(
            svg.contains(
                "font-family=\"vs-Hack, 'DejaVu Sans Mono', 'Liberation Mono', monospace\""
            ),
            "the arrow comes from Hack, with monospace fallbacks for renderers without SVG fonts"
        );
        assert!(svg.contains("&lt;1&amp;2&gt;"), "text is escaped");
        assert!(
            svg.contains(
                "@font-face{font-family:\"vs-Ubuntu-Light\";src:url(data:font/ttf;base64,"
            )
        );
        let text_open = svg.find("<text x=\"").unwrap();
        let xs = &svg[text_open + 9..];
        let xs = &xs[..xs.find('"').unwrap()];
        assert_eq!(
            xs.split(' ').count(),
            "VM exit ".chars().count(),
            "one x per character"
        );
        assert!(svg.contains("font-size=\"20\""));
    }
}
