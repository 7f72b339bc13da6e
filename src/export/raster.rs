//! A CPU rasterizer for egui's tessellated meshes: the PNG and GIF exports draw exactly the
//! triangles egui would send to the GPU, with the glyphs egui rasterized at the export's pixel
//! density, so a 4x PNG has 4x-sharp text.
//!
//! Like egui's own renderers it works in gamma space with premultiplied alpha: a vertex colour
//! times a texel of the font atlas, blended source-over. Triangles are filled by row spans (a
//! triangle's span on a row is where its three edge functions are non-negative) with a top-left
//! rule, so triangles that share an edge never cover a pixel twice; the anti-aliasing is egui's
//! own feathering. Solid untextured spans (most of every picture) take a fast path.

use egui::epaint::{ClippedPrimitive, ColorImage, Primitive, Vertex};
use egui::{Color32, Pos2, Rect};

/// An RGBA framebuffer in premultiplied gamma space, four bytes a pixel, row by row.
pub struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Canvas {
    /// A canvas filled with `background` (transparent for a transparent export).
    pub fn new(width: usize, height: usize, background: Color32) -> Self {
        let color = background.to_array();
        let pixels = if color.iter().all(|&c| c == color[0]) {
            vec![color[0]; width * height * 4]
        } else {
            color.repeat(width * height)
        };
        Self {
            width,
            height,
            pixels,
        }
    }

    /// Draws every mesh (in points, scaled by `pixels_per_point`) with the font atlas.
    pub fn draw(
        &mut self,
        primitives: &[ClippedPrimitive],
        atlas: &ColorImage,
        pixels_per_point: f32,
    ) {
        for primitive in primitives {
            let Primitive::Mesh(mesh) = &primitive.primitive else {
                continue;
            };
            let clip = pixel_clip(
                primitive.clip_rect,
                pixels_per_point,
                self.width,
                self.height,
            );
            if clip.is_empty() {
                continue;
            }
            for &[a, b, c] in mesh.indices.as_chunks::<3>().0 {
                let get = |i: u32| mesh.vertices.get(i as usize).copied();
                if let (Some(a), Some(b), Some(c)) = (get(a), get(b), get(c)) {
                    self.triangle([a, b, c], pixels_per_point, clip, atlas);
                }
            }
        }
    }

    /// The picture as straight (not premultiplied) RGBA bytes, row by row. An `opaque` picture
    /// (solid background) is the same either way and is returned as it is.
    pub fn into_rgba(mut self, opaque: bool) -> Vec<u8> {
        if !opaque {
            for pixel in self.pixels.as_chunks_mut::<4>().0 {
                let [r, g, b, a] = *pixel;
                // Not a colour of the picture: the pixel the rasterizer wrote, converted from
                // premultiplied to straight alpha through egui's own conversion.
                #[allow(clippy::disallowed_methods)]
                let straight = Color32::from_rgba_premultiplied(r, g, b, a).to_srgba_unmultiplied();
                *pixel = straight;
            }
        }
        self.pixels
    }

    fn triangle(&mut self, vertices: [Vertex; 3], ppp: f32, clip: PixelRect, atlas: &ColorImage) {
        let mut p = vertices.map(|v| Pos2::new(v.pos.x * ppp, v.pos.y * ppp));
        let mut v = vertices;
        let area = edge(p[0], p[1], p[2]);
        if area == 0.0 || !area.is_finite() {
            return;
        }
        if area < 0.0 {
            p.swap(1, 2);
            v.swap(1, 2);
        }
        let min_y = p.iter().map(|q| q.y).fold(f32::INFINITY, f32::min);
        let max_y = p.iter().map(|q| q.y).fold(f32::NEG_INFINITY, f32::max);
        let row_start = (min_y - 0.5).ceil().max(clip.top as f32);
        let row_end = (max_y - 0.5).floor().min(clip.bottom as f32 - 1.0);
        if row_end < row_start {
            return;
        }
        let solid = v[0].color == v[1].color
            && v[1].color == v[2].color
            && v.iter().all(|vertex| vertex.uv == egui::epaint::WHITE_UV);
        let edges = [(p[1], p[2]), (p[2], p[0]), (p[0], p[1])].map(|(a, b)| Edge::new(a, b));
        let shading = (!solid).then(|| Gradients::new(&p, &v, atlas));
        for y in row_start as usize..=row_end as usize {
            let yc = y as f32 + 0.5;
            let Some((x0, x1)) = span(&edges, yc, clip) else {
                continue;
            };
            let start = (y * self.width + x0) * 4;
            // `span` clips to the canvas, so the row is always inside the picture.
            let Some(row) = self.pixels.get_mut(start..start + (x1 - x0 + 1) * 4) else {
                continue;
            };
            let row = row.as_chunks_mut::<4>().0;
            match &shading {
                None => {
                    let color = v[0].color.to_array();
                    if color[3] == 255 {
                        row.fill(color);
                    } else {
                        row.iter_mut().for_each(|pixel| blend(pixel, color));
                    }
                }
                Some(gradients) => {
                    let attrs = gradients.at(x0 as f32 + 0.5, yc);
                    match gradients.texel_run(&attrs, atlas, x1 - x0 + 1) {
                        Some((color, first)) => {
                            // A glyph drawn pixel for texel: integer texel reads, no filtering.
                            let texels = atlas.pixels.get(first..).unwrap_or_default();
                            for (pixel, texel) in row.iter_mut().zip(texels) {
                                blend(pixel, tint(color, texel.to_array()));
                            }
                        }
                        None => {
                            let mut attrs = attrs;
                            for pixel in row.iter_mut() {
                                blend(pixel, gradients.shade(&attrs, atlas));
                                for (value, step) in attrs.iter_mut().zip(gradients.dx) {
                                    *value += step;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Colour (r, g, b, a, 0-255) and texel coordinates (u, v) as planes over the triangle.
struct Gradients {
    origin: Pos2,
    base: [f32; 6],
    dx: [f32; 6],
    dy: [f32; 6],
}

impl Gradients {
    fn new(p: &[Pos2; 3], v: &[Vertex; 3], atlas: &ColorImage) -> Self {
        let [width, height] = atlas.size.map(|n| n as f32);
        let attrs = v.map(|vertex| {
            let [r, g, b, a] = vertex.color.to_array().map(f32::from);
            [r, g, b, a, vertex.uv.x * width, vertex.uv.y * height]
        });
        let (e1, e2) = (p[1] - p[0], p[2] - p[0]);
        let det = e1.x * e2.y - e2.x * e1.y;
        let mut dx = [0.0; 6];
        let mut dy = [0.0; 6];
        let [a0, a1, a2] = attrs;
        for (((x, y), v0), (v1, v2)) in dx
            .iter_mut()
            .zip(&mut dy)
            .zip(a0)
            .zip(a1.into_iter().zip(a2))
        {
            let (d1, d2) = (v1 - v0, v2 - v0);
            *x = (d1 * e2.y - d2 * e1.y) / det;
            *y = (d2 * e1.x - d1 * e2.x) / det;
        }
        Self {
            origin: p[0],
            base: attrs[0],
            dx,
            dy,
        }
    }

    fn at(&self, x: f32, y: f32) -> [f32; 6] {
        let (ox, oy) = (x - self.origin.x, y - self.origin.y);
        let mut attrs = self.base;
        for ((value, dx), dy) in attrs.iter_mut().zip(self.dx).zip(self.dy) {
            // Summed left to right, as before: `base + (dx * ox + dy * oy)` rounds differently.
            *value = *value + dx * ox + dy * oy;
        }
        attrs
    }

    /// When the colour is constant and one pixel steps exactly one texel along a row of `len`
    /// pixels with the samples on texel centres (text drawn at the atlas's density), the colour
    /// and the atlas index of the row's first texel; the row then reads consecutive texels.
    fn texel_run(
        &self,
        attrs: &[f32; 6],
        atlas: &ColorImage,
        len: usize,
    ) -> Option<([u8; 4], usize)> {
        const EPSILON: f32 = 1e-3;
        let flat_color = (self.dx.iter().zip(&self.dy).take(4))
            .all(|(dx, dy)| dx.abs() < EPSILON && dy.abs() < EPSILON);
        let unit = (self.dx[4] - 1.0).abs() < EPSILON && self.dx[5].abs() < EPSILON;
        let (u, v) = (attrs[4] - 0.5, attrs[5] - 0.5);
        let centred = (u - u.round()).abs() < EPSILON && (v - v.round()).abs() < EPSILON;
        if !(flat_color && unit && centred) || u < -EPSILON || v < -EPSILON {
            return None;
        }
        let [width, height] = atlas.size;
        let (x, y) = (u.round() as usize, v.round() as usize);
        if y >= height || x + len > width {
            return None;
        }
        let [r, g, b, a, ..] = *attrs;
        let color = [r, g, b, a].map(|c| c.round().clamp(0.0, 255.0) as u8);
        Some((color, y * width + x))
    }

    /// The premultiplied colour for `attrs`: the vertex colour times the atlas texel.
    fn shade(&self, attrs: &[f32; 6], atlas: &ColorImage) -> [u8; 4] {
        let [r, g, b, a, u, v] = *attrs;
        let mut shaded = [0; 4];
        for ((out, color), texel) in shaded.iter_mut().zip([r, g, b, a]).zip(sample(atlas, u, v)) {
            *out = (color.clamp(0.0, 255.0) * texel / 255.0 + 0.5).min(255.0) as u8;
        }
        shaded
    }
}

/// A clip rectangle in whole pixels (right and bottom exclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PixelRect {
    left: usize,
    top: usize,
    right: usize,
    bottom: usize,
}

impl PixelRect {
    fn is_empty(self) -> bool {
        self.left >= self.right || self.top >= self.bottom
    }
}

/// egui's renderers round the clip rectangle to whole pixels.
fn pixel_clip(clip: Rect, ppp: f32, width: usize, height: usize) -> PixelRect {
    let to = |value: f32, max: usize| (value * ppp).round().clamp(0.0, max as f32) as usize;
    PixelRect {
        left: to(clip.min.x, width),
        top: to(clip.min.y, height),
        right: to(clip.max.x, width),
        bottom: to(clip.max.y, height),
    }
}

/// Twice the signed area of (a, b, p): positive when p is on the inner side of a → b for a
/// triangle whose total area is positive.
fn edge(a: Pos2, b: Pos2, p: Pos2) -> f32 {
    (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
}

/// The top-left rule: a pixel centre exactly on an edge belongs to the triangle only for its top
/// and left edges, so two triangles sharing an edge never both cover it.
fn is_top_left(a: Pos2, b: Pos2) -> bool {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    dy < 0.0 || (dy == 0.0 && dx > 0.0)
}

/// One edge of a triangle, prepared for finding row spans quickly: where the edge's line crosses
/// a row is computed from the edge's endpoints in a canonical order, so the two triangles that
/// share an edge get exactly the same crossing and the top-left rule puts every pixel centre on
/// it in exactly one of them.
struct Edge {
    /// The canonical first endpoint and the line's x step per unit of y.
    origin: Pos2,
    x_per_y: f32,
    /// Horizontal edges bound no columns: the row is inside or outside entirely.
    horizontal: bool,
    /// Whether the inside lies right of the line (a left bound) rather than left of it.
    left_bound: bool,
    /// Whether centres exactly on the line belong to this triangle.
    top_left: bool,
    /// For a horizontal edge: whether rows below it (greater y) are inside.
    inside_below: bool,
}

impl Edge {
    fn new(a: Pos2, b: Pos2) -> Self {
        let (dy, dx) = (b.y - a.y, b.x - a.x);
        let (first, second) = if (a.y, a.x) <= (b.y, b.x) {
            (a, b)
        } else {
            (b, a)
        };
        Self {
            origin: first,
            x_per_y: if dy == 0.0 {
                0.0
            } else {
                (second.x - first.x) / (second.y - first.y)
            },
            horizontal: dy == 0.0,
            // edge(a, b, p) grows with p.x when dy < 0: inside is to the right.
            left_bound: dy < 0.0,
            top_left: is_top_left(a, b),
            inside_below: dx > 0.0,
        }
    }

    /// Narrows `[first, last]` (pixel columns) to this edge's inside on row centre `yc`;
    /// `false` when the whole row is outside.
    fn clip_row(&self, yc: f32, first: &mut f32, last: &mut f32) -> bool {
        if self.horizontal {
            let below = yc > self.origin.y;
            let on = yc == self.origin.y;
            return (below == self.inside_below && !on) || (on && self.top_left);
        }
        // Pixel x is inside when its centre x + 0.5 is on the inner side of the crossing.
        let at = self.origin.x + (yc - self.origin.y) * self.x_per_y - 0.5;
        if self.left_bound {
            let from = if self.top_left {
                ceil(at)
            } else {
                floor(at) + 1.0
            };
            *first = first.max(from);
        } else {
            let to = if self.top_left {
                floor(at)
            } else {
                ceil(at) - 1.0
            };
            *last = last.min(to);
        }
        true
    }
}

fn floor(x: f32) -> f32 {
    let t = x as i64 as f32;
    if t > x { t - 1.0 } else { t }
}

fn ceil(x: f32) -> f32 {
    let t = x as i64 as f32;
    if t < x { t + 1.0 } else { t }
}

/// The pixel columns whose centres on row `yc` are inside the triangle, clipped.
fn span(edges: &[Edge; 3], yc: f32, clip: PixelRect) -> Option<(usize, usize)> {
    let mut first = clip.left as f32;
    let mut last = clip.right as f32 - 1.0;
    for edge in edges {
        if !edge.clip_row(yc, &mut first, &mut last) {
            return None;
        }
    }
    (first <= last && last >= 0.0).then_some((first.max(0.0) as usize, last as usize))
}

/// Bilinear sample of the atlas at texel coordinates `(u, v)`, premultiplied, 0-255 per
/// channel.
fn sample(atlas: &ColorImage, u: f32, v: f32) -> [f32; 4] {
    let [width, height] = atlas.size;
    if width == 0 || height == 0 {
        return [255.0; 4];
    }
    let x = u - 0.5;
    let y = v - 0.5;
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let max_x = width as f32 - 1.0;
    let max_y = height as f32 - 1.0;
    let texel = |tx: f32, ty: f32| {
        let tx = tx.clamp(0.0, max_x) as usize;
        let ty = ty.clamp(0.0, max_y) as usize;
        (atlas.pixels.get(ty * width + tx)).map_or([0.0; 4], |p| p.to_array().map(f32::from))
    };
    // Glyphs are rasterized at the export's density and placed on whole pixels, so most samples
    // fall on a texel centre: no blending needed.
    if fx < 1e-3 && fy < 1e-3 {
        return texel(x0, y0);
    }
    let (a, b, c, d) = (
        texel(x0, y0),
        texel(x0 + 1.0, y0),
        texel(x0, y0 + 1.0),
        texel(x0 + 1.0, y0 + 1.0),
    );
    let mut mixed = [0.0; 4];
    for ((out, (a, b)), (c, d)) in mixed
        .iter_mut()
        .zip(a.into_iter().zip(b))
        .zip(c.into_iter().zip(d))
    {
        let top = a + (b - a) * fx;
        let bottom = c + (d - c) * fx;
        *out = top + (bottom - top) * fy;
    }
    mixed
}

/// A premultiplied colour times a premultiplied texel, per channel.
fn tint(color: [u8; 4], texel: [u8; 4]) -> [u8; 4] {
    let mut tinted = [0; 4];
    for ((out, c), t) in tinted.iter_mut().zip(color).zip(texel) {
        *out = ((u16::from(c) * u16::from(t) + 127) / 255) as u8;
    }
    tinted
}

/// Source-over blending of premultiplied colours into one pixel (4 bytes).
fn blend(destination: &mut [u8; 4], source: [u8; 4]) {
    match source[3] {
        255 => *destination = source,
        0 if source == [0; 4] => {}
        alpha => {
            let keep = 255 - u16::from(alpha);
            for (d, s) in destination.iter_mut().zip(source) {
                *d = (u16::from(s) + (u16::from(*d) * keep + 127) / 255).min(255) as u8;
            }
        }
    }
}

#[cfg(test)]
// Tests paint fixed colours to check the rasterizer against them.
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;
    use egui::epaint::Mesh;

    fn atlas() -> ColorImage {
        ColorImage::new([1, 1], vec![Color32::WHITE])
    }

    fn draw(mesh: Mesh, size: usize) -> Canvas {
        let mut canvas = Canvas::new(size, size, Color32::TRANSPARENT);
        let clip = Rect::from_min_size(Pos2::ZERO, egui::vec2(size as f32, size as f32));
        canvas.draw(
            &[ClippedPrimitive {
                clip_rect: clip,
                primitive: Primitive::Mesh(mesh),
            }],
            &atlas(),
            1.0,
        );
        canvas
    }

    #[test]
    fn two_triangles_sharing_a_diagonal_cover_every_pixel_exactly_once() {
        let mut mesh = Mesh::default();
        let half = Color32::from_rgba_premultiplied(0, 0, 100, 128);
        for (x, y) in [(0.0, 0.0), (8.0, 0.0), (8.0, 8.0), (0.0, 8.0)] {
            mesh.colored_vertex(Pos2::new(x, y), half);
        }
        mesh.add_triangle(0, 1, 2);
        mesh.add_triangle(0, 2, 3);
        let canvas = draw(mesh, 8);
        for pixel in canvas.pixels.chunks_exact(4) {
            assert_eq!(pixel, [0, 0, 100, 128], "one blend per pixel, none missed");
        }
    }

    #[test]
    fn clip_rectangles_and_winding_are_respected() {
        let mut mesh = Mesh::default();
        for (x, y) in [(0.0, 0.0), (0.0, 10.0), (10.0, 0.0)] {
            mesh.colored_vertex(Pos2::new(x, y), Color32::RED);
        }
        mesh.add_triangle(0, 1, 2);
        let mut canvas = Canvas::new(10, 10, Color32::TRANSPARENT);
        canvas.draw(
            &[ClippedPrimitive {
                clip_rect: Rect::from_min_max(Pos2::ZERO, Pos2::new(4.0, 4.0)),
                primitive: Primitive::Mesh(mesh),
            }],
            &atlas(),
            1.0,
        );
        let at = |x: usize, y: usize| &canvas.pixels[(y * 10 + x) * 4..(y * 10 + x) * 4 + 4];
        assert_eq!(
            at(1, 1),
            Color32::RED.to_array(),
            "counter-clockwise triangles fill too"
        );
        assert_eq!(at(5, 1), [0; 4], "outside the clip");
        assert_eq!(at(3, 3), Color32::RED.to_array());
    }

    #[test]
    fn blending_is_source_over_in_premultiplied_alpha() {
        let mut pixel = [200, 200, 200, 255];
        blend(&mut pixel, [0, 0, 100, 128]);
        assert_eq!(pixel, [100, 100, 200, 255]);
        let mut untouched = [1, 2, 3, 4];
        blend(&mut untouched, [0; 4]);
        assert_eq!(untouched, [1, 2, 3, 4]);
        assert_eq!(
            tint([0, 0, 255, 255], [128, 128, 128, 128]),
            [0, 0, 128, 128]
        );
    }

    #[test]
    fn the_atlas_tints_textured_triangles() {
        let texture = ColorImage::new(
            [2, 1],
            vec![
                Color32::WHITE,
                Color32::from_rgba_premultiplied(128, 128, 128, 128),
            ],
        );
        let mut mesh = Mesh::default();
        let uv = Pos2::new(0.75, 0.5);
        for (x, y) in [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)] {
            mesh.vertices.push(Vertex {
                pos: Pos2::new(x, y),
                uv,
                color: Color32::from_rgb(0, 0, 255),
            });
        }
        mesh.add_triangle(0, 1, 2);
        mesh.add_triangle(0, 2, 3);
        let mut canvas = Canvas::new(4, 4, Color32::TRANSPARENT);
        canvas.draw(
            &[ClippedPrimitive {
                clip_rect: Rect::from_min_size(Pos2::ZERO, egui::vec2(4.0, 4.0)),
                primitive: Primitive::Mesh(mesh),
            }],
            &texture,
            1.0,
        );
        assert_eq!(
            &canvas.pixels[20..24],
            [0, 0, 128, 128],
            "blue times a half-covered texel"
        );
    }
}
