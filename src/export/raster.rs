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

/// An RGBA framebuffer in premultiplied gamma space.
pub struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<[u8; 4]>,
}

impl Canvas {
    /// A canvas filled with `background` (transparent for a transparent export).
    pub fn new(width: usize, height: usize, background: Color32) -> Self {
        Self {
            width,
            height,
            pixels: vec![background.to_array(); width * height],
        }
    }

    /// Draws every mesh (in points, scaled by `pixels_per_point`) with the font atlas.
    pub fn draw(&mut self, primitives: &[ClippedPrimitive], atlas: &ColorImage, pixels_per_point: f32) {
        for primitive in primitives {
            let Primitive::Mesh(mesh) = &primitive.primitive else {
                continue;
            };
            let clip = pixel_clip(primitive.clip_rect, pixels_per_point, self.width, self.height);
            if clip.is_empty() {
                continue;
            }
            for triangle in mesh.indices.chunks_exact(3) {
                let get = |i: u32| mesh.vertices.get(i as usize).copied();
                if let (Some(a), Some(b), Some(c)) = (get(triangle[0]), get(triangle[1]), get(triangle[2])) {
                    self.triangle([a, b, c], pixels_per_point, clip, atlas);
                }
            }
        }
    }

    /// The picture as straight (not premultiplied) RGBA bytes, row by row.
    pub fn into_rgba(self, premultiplied_background: bool) -> Vec<u8> {
        if premultiplied_background {
            return self.pixels.into_iter().flatten().collect();
        }
        self.pixels
            .into_iter()
            .flat_map(|[r, g, b, a]| Color32::from_rgba_premultiplied(r, g, b, a).to_srgba_unmultiplied())
            .collect()
    }

    fn triangle(&mut self, vertices: [Vertex; 3], ppp: f32, clip: PixelRect, atlas: &ColorImage) {
        let mut p = vertices.map(|v| Pos2::new(v.pos.x * ppp, v.pos.y * ppp));
        let mut v = vertices;
        let mut area = edge(p[0], p[1], p[2]);
        if area == 0.0 || !area.is_finite() {
            return;
        }
        if area < 0.0 {
            p.swap(1, 2);
            v.swap(1, 2);
            area = -area;
        }
        let min_y = p.iter().map(|q| q.y).fold(f32::INFINITY, f32::min);
        let max_y = p.iter().map(|q| q.y).fold(f32::NEG_INFINITY, f32::max);
        let row_start = ((min_y - 0.5).ceil().max(clip.top as f32)) as usize;
        let row_end = ((max_y - 0.5).floor().min(clip.bottom as f32 - 1.0)).max(-1.0);
        if row_end < row_start as f32 {
            return;
        }
        let solid = v[0].color == v[1].color
            && v[1].color == v[2].color
            && v.iter().all(|vertex| vertex.uv == egui::epaint::WHITE_UV);
        let edges = [(p[1], p[2]), (p[2], p[0]), (p[0], p[1])];
        let top_left = edges.map(|(a, b)| is_top_left(a, b));
        for y in row_start..=row_end as usize {
            let yc = y as f32 + 0.5;
            let Some((x0, x1)) = span(&edges, yc, clip) else {
                continue;
            };
            let row = y * self.width;
            for x in x0..=x1 {
                let point = Pos2::new(x as f32 + 0.5, yc);
                let w = edges.map(|(a, b)| edge(a, b, point));
                let inside = w
                    .iter()
                    .zip(top_left)
                    .all(|(&w, top_left)| w > 0.0 || (w == 0.0 && top_left));
                if !inside {
                    continue;
                }
                let source = if solid {
                    v[0].color.to_array()
                } else {
                    shade(&v, w.map(|w| w / area), atlas)
                };
                blend(&mut self.pixels[row + x], source);
            }
        }
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

/// The pixel columns on row centre `yc` where all three edge functions can be non-negative,
/// widened by one pixel each side (the exact test is done per pixel), clipped.
fn span(edges: &[(Pos2, Pos2); 3], yc: f32, clip: PixelRect) -> Option<(usize, usize)> {
    let mut left = clip.left as f32 - 0.5;
    let mut right = clip.right as f32 - 0.5;
    for &(a, b) in edges {
        // edge(a, b, (x, yc)) = slope * x + offset, with slope = -(b.y - a.y).
        let slope = -(b.y - a.y);
        let offset = (b.x - a.x) * (yc - a.y) + (b.y - a.y) * a.x;
        if slope == 0.0 {
            if offset < 0.0 {
                return None;
            }
        } else {
            let crossing = -offset / slope;
            if slope > 0.0 {
                left = left.max(crossing);
            } else {
                right = right.min(crossing);
            }
        }
    }
    let first = (left - 0.5).floor().max(clip.left as f32);
    let last = (right - 0.5).ceil().min(clip.right as f32 - 1.0);
    (first <= last).then_some((first as usize, last as usize))
}

/// The premultiplied colour at barycentric `weights`: vertex colour times the atlas texel.
fn shade(v: &[Vertex; 3], weights: [f32; 3], atlas: &ColorImage) -> [u8; 4] {
    let mix = |f: &dyn Fn(&Vertex) -> f32| weights[0] * f(&v[0]) + weights[1] * f(&v[1]) + weights[2] * f(&v[2]);
    let color = [
        mix(&|q| f32::from(q.color.r())),
        mix(&|q| f32::from(q.color.g())),
        mix(&|q| f32::from(q.color.b())),
        mix(&|q| f32::from(q.color.a())),
    ];
    let texel = sample(atlas, mix(&|q| q.uv.x), mix(&|q| q.uv.y));
    std::array::from_fn(|i| (color[i] * texel[i] / 255.0).round().clamp(0.0, 255.0) as u8)
}

/// Bilinear sample of the atlas at normalized `(u, v)`, premultiplied, 0-255 per channel.
fn sample(atlas: &ColorImage, u: f32, v: f32) -> [f32; 4] {
    let [width, height] = atlas.size;
    if width == 0 || height == 0 {
        return [255.0; 4];
    }
    let x = u * width as f32 - 0.5;
    let y = v * height as f32 - 0.5;
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let texel = |tx: f32, ty: f32| {
        let tx = tx.clamp(0.0, width as f32 - 1.0) as usize;
        let ty = ty.clamp(0.0, height as f32 - 1.0) as usize;
        atlas.pixels[ty * width + tx].to_array().map(f32::from)
    };
    let (a, b, c, d) = (texel(x0, y0), texel(x0 + 1.0, y0), texel(x0, y0 + 1.0), texel(x0 + 1.0, y0 + 1.0));
    std::array::from_fn(|i| {
        let top = a[i] + (b[i] - a[i]) * fx;
        let bottom = c[i] + (d[i] - c[i]) * fx;
        top + (bottom - top) * fy
    })
}

/// Source-over blending of premultiplied colours.
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
        for pixel in &canvas.pixels {
            assert_eq!(*pixel, [0, 0, 100, 128], "one blend per pixel, none missed");
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
        let at = |x: usize, y: usize| canvas.pixels[y * 10 + x];
        assert_eq!(at(1, 1), Color32::RED.to_array(), "counter-clockwise triangles fill too");
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
    }

    #[test]
    fn the_atlas_tints_textured_triangles() {
        let texture = ColorImage::new(
            [2, 1],
            vec![Color32::WHITE, Color32::from_rgba_premultiplied(128, 128, 128, 128)],
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
        assert_eq!(canvas.pixels[5], [0, 0, 128, 128], "blue times a half-covered texel");
    }
}
