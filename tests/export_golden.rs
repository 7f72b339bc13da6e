//! Golden tests of the export core on a fixed scene: the SVG's structure and the PNG's pixels;
//! and the SVG drawn by resvg against the PNG on one scene of every view of every tab.
//!
//! Run with `UPDATE_GOLDEN=1 cargo test --test export_golden` to rewrite the files after an
//! intended visual change, then look at the new PNG before committing it.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use virtscope::export::{self, ExportOptions};
use virtscope::scene::SceneLink;

const SCENE: &str = "overview?select=type1.hypervisor&step=3";

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some()
}

fn picture() -> export::Picture {
    let link = SceneLink::parse(SCENE).unwrap();
    export::capture(&link, &ExportOptions::default()).unwrap()
}

/// The SVG reduced to its element names and text contents, one per line: coordinates may move by
/// a pixel without failing, but a missing box, label or font does fail.
fn structure(svg: &str) -> String {
    let mut lines = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(0);
        let name = &rest[..end];
        if name.is_empty() || name.starts_with('/') {
            continue;
        }
        if name == "text" {
            let content_start = rest.find('>').unwrap() + 1;
            let content_end = rest[content_start..].find("</text>").unwrap() + content_start;
            // The embedded family; the generic fallbacks after it are checked below.
            let family = rest
                .split("font-family=\"")
                .nth(1)
                .and_then(|s| s.split(['"', ',']).next())
                .unwrap_or("");
            lines.push(format!(
                "text [{family}] {}",
                &rest[content_start..content_end]
            ));
        } else {
            lines.push(name.to_owned());
        }
    }
    lines.join("\n") + "\n"
}

#[test]
fn svg_structure_matches_the_golden_file() {
    let svg = export::svg::to_svg(&picture());
    assert!(!svg.contains("foreignObject"));
    let actual = structure(&svg);
    let path = golden("overview.structure.txt");
    if updating() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected =
        std::fs::read_to_string(&path).expect("golden file exists (UPDATE_GOLDEN=1 writes it)");
    if actual != expected {
        let first_difference = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(actual.lines().count().min(expected.lines().count()));
        panic!(
            "SVG structure changed at line {}: got {:?}, expected {:?}",
            first_difference + 1,
            actual.lines().nth(first_difference),
            expected.lines().nth(first_difference)
        );
    }
    for needle in [
        "text [vs-Ubuntu-Light] One disk write, six ways to run software",
        "text [vs-Ubuntu-Light] Hypervisor",
    ] {
        assert!(actual.contains(needle), "{needle}");
    }
    assert!(
        svg.contains(
            r#"font-family="vs-Ubuntu-Light, Ubuntu, 'DejaVu Sans', 'Liberation Sans', sans-serif""#
        ),
        "text names generic fallbacks for renderers that ignore embedded fonts"
    );
}

fn png(scale: f32, transparent: bool) -> image::RgbaImage {
    let link = SceneLink::parse(SCENE).unwrap();
    let options = ExportOptions {
        scale,
        transparent,
        ..ExportOptions::default()
    };
    export::render(&link, &options).unwrap()
}

/// The SVG drawn by an independent renderer (resvg) with the fonts it embeds.
fn svg_rasterized(scale: f32) -> image::RgbaImage {
    rasterize_svg(&picture(), scale)
}

/// `picture` written as SVG and drawn by resvg at `scale` pixels per point.
fn rasterize_svg(picture: &export::Picture, scale: f32) -> image::RgbaImage {
    let document = export::svg::render(picture);
    let mut options = resvg::usvg::Options::default();
    let database = options.fontdb_mut();
    for (family, bytes) in &document.fonts {
        let source = resvg::usvg::fontdb::Source::Binary(std::sync::Arc::new(bytes.clone()));
        for id in database.load_font_source(source) {
            if let Some(mut info) = database.face(id).cloned() {
                database.remove_face(id);
                info.families = vec![(
                    family.clone(),
                    resvg::usvg::fontdb::Language::English_UnitedStates,
                )];
                database.push_face_info(info);
            }
        }
    }
    let tree = resvg::usvg::Tree::from_str(&document.text, &options).unwrap();
    let size = tree.size();
    let (width, height) = (
        (size.width() * scale) as u32,
        (size.height() * scale) as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width, height).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    image::RgbaImage::from_raw(width, height, pixmap.take_demultiplied()).unwrap()
}

#[test]
fn png_matches_the_golden_image_within_tolerance() {
    let image = png(1.0, false);
    let path = golden("overview.png");
    if updating() {
        image.save(&path).unwrap();
    }
    let expected = image::open(&path).expect("golden image exists").to_rgba8();
    assert_eq!(image.dimensions(), expected.dimensions());
    let differing = image
        .pixels()
        .zip(expected.pixels())
        .filter(|(a, b)| a.0.iter().zip(b.0.iter()).any(|(x, y)| x.abs_diff(*y) > 24))
        .count();
    let fraction = differing as f64 / f64::from(image.width() * image.height());
    assert!(
        fraction < 0.002,
        "{:.3}% of pixels differ",
        fraction * 100.0
    );
}

/// Mean colour of each `block`x`block` square: small offsets of glyph and edge anti-aliasing
/// average out, missing or misplaced content does not.
fn block_means(image: &image::RgbaImage, block: u32) -> Vec<[u32; 3]> {
    let (width, height) = (image.width() / block, image.height() / block);
    let mut means = Vec::with_capacity((width * height) as usize);
    for by in 0..height {
        for bx in 0..width {
            let mut sum = [0u32; 3];
            for y in 0..block {
                for x in 0..block {
                    let pixel = image.get_pixel(bx * block + x, by * block + y).0;
                    for channel in 0..3 {
                        sum[channel] += u32::from(pixel[channel]);
                    }
                }
            }
            means.push(sum.map(|total| total / (block * block)));
        }
    }
    means
}

/// The share of 8x8-pixel blocks whose mean colours differ by more than 40 levels in a channel.
fn differing_blocks(raster: &image::RgbaImage, vector: &image::RgbaImage) -> f64 {
    assert_eq!(raster.dimensions(), vector.dimensions());
    let (a, b) = (block_means(raster, 8), block_means(vector, 8));
    let differing = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x.iter().zip(y.iter()).any(|(p, q)| p.abs_diff(*q) > 40))
        .count();
    differing as f64 / a.len() as f64
}

#[test]
fn the_png_and_the_svg_show_the_same_picture() {
    // The PNG is egui's own rendering; the SVG, drawn by an independent renderer (resvg), must
    // show the same boxes, colours and text in the same places. Glyph hinting and edge
    // anti-aliasing differ pixel by pixel, so the pictures are compared in 8x8-pixel blocks.
    let fraction = differing_blocks(&png(2.0, false), &svg_rasterized(2.0));
    assert!(
        fraction < 0.01,
        "{:.2}% of 8x8 blocks differ",
        fraction * 100.0
    );
}

/// The shape kinds a picture paints, by name (`Vec`s opened): what the parity test over every
/// view must have compared.
fn shape_kinds(picture: &export::Picture) -> BTreeSet<&'static str> {
    fn collect(shape: &egui::Shape, kinds: &mut BTreeSet<&'static str>) {
        let kind = match shape {
            egui::Shape::Vec(shapes) => {
                shapes.iter().for_each(|shape| collect(shape, kinds));
                return;
            }
            egui::Shape::Noop | egui::Shape::Callback(_) => return,
            egui::Shape::Circle(_) => "circle",
            egui::Shape::Ellipse(_) => "ellipse",
            egui::Shape::LineSegment { .. } => "line",
            egui::Shape::Path(_) => "path",
            egui::Shape::Band(_) => "band",
            egui::Shape::Rect(_) => "rect",
            egui::Shape::Text(_) => "text",
            egui::Shape::Mesh(_) => "mesh",
            egui::Shape::QuadraticBezier(_) | egui::Shape::CubicBezier(_) => "curve",
        };
        kinds.insert(kind);
    }
    let mut kinds = BTreeSet::new();
    for clipped in &picture.shapes {
        collect(&clipped.shape, &mut kinds);
    }
    kinds
}

/// Plots with more samples than pixel columns at 300x300 (a long simulation), which egui_plot
/// draws as bands: the scenes compared for their views.
const BAND_SCENES: &[&str] = &["cgroups/simulate?version=1&preset=memory-leak&t=4.2"];

fn same_view(a: &SceneLink, b: &SceneLink) -> bool {
    a.tab == b.tab && a.view == b.view
}

/// One scene of every view of every tab, as the tabs list them (`virtscope scenes`): the last
/// listed scene of each view, usually the last step of its last preset, where most is drawn
/// (the [`BAND_SCENES`] for theirs).
fn one_scene_per_view() -> Vec<SceneLink> {
    let mut chosen: Vec<SceneLink> = Vec::new();
    for link in virtscope::tabs::all_scenes() {
        match chosen.iter_mut().find(|seen| same_view(seen, &link)) {
            Some(seen) => *seen = link,
            None => chosen.push(link),
        }
    }
    for text in BAND_SCENES {
        let band = SceneLink::parse(text).unwrap();
        let seen = chosen
            .iter_mut()
            .find(|seen| same_view(seen, &band))
            .expect("a listed view");
        *seen = band;
    }
    chosen
}

#[test]
fn every_view_shows_the_same_picture_in_svg_and_png() {
    // One painting per scene gives both files (as a batch export does), so even the live views,
    // which read this machine, are compared with themselves. At the default 1280x720 the plots
    // draw their lines as paths and meshes; at 300x300 several samples share a pixel column and
    // egui_plot draws them as bands, so both sizes are compared.
    let scenes = one_scene_per_view();
    let tabs: BTreeSet<&str> = scenes.iter().map(|link| link.tab.as_str()).collect();
    assert_eq!(
        tabs.len(),
        virtscope::tabs::REGISTRY.len(),
        "every tab: {tabs:?}"
    );
    let mut kinds = BTreeSet::new();
    let mut failures = Vec::new();
    for (width, height) in [(1280.0, 720.0), (300.0, 300.0)] {
        let options = ExportOptions {
            width,
            height,
            ..ExportOptions::default()
        };
        for link in &scenes {
            let mut capturer = export::Capturer::new(link, &options, 2.0)
                .unwrap_or_else(|err| panic!("{link}: {err}"));
            let (picture, raster) = capturer
                .picture_and_image(None)
                .unwrap_or_else(|err| panic!("{link}: {err}"));
            kinds.extend(shape_kinds(&picture));
            let fraction = differing_blocks(&raster, &rasterize_svg(&picture, 2.0));
            if fraction >= 0.01 {
                failures.push(format!(
                    "{link} at {width}x{height}: {:.2}% of 8x8 blocks differ",
                    fraction * 100.0
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // App scenes paint no Bézier shapes; their curves are plot lines (paths, bands).
    for kind in [
        "band", "circle", "ellipse", "line", "mesh", "path", "rect", "text",
    ] {
        assert!(kinds.contains(kind), "no view painted a {kind}: {kinds:?}");
    }
}

#[test]
fn a_4x_png_is_the_same_picture_with_finer_detail() {
    let one = png(1.0, false);
    let four = png(4.0, false);
    assert_eq!(four.dimensions(), (one.width() * 4, one.height() * 4));
    // Averaging each 4x4 block gives back the 1x picture...
    let mut total_difference = 0u64;
    for (x, y, pixel) in one.enumerate_pixels() {
        for channel in 0..3 {
            let mut sum = 0u32;
            for dy in 0..4 {
                for dx in 0..4 {
                    sum += u32::from(four.get_pixel(x * 4 + dx, y * 4 + dy).0[channel]);
                }
            }
            total_difference += u64::from((sum / 16).abs_diff(u32::from(pixel.0[channel])));
        }
    }
    let mean = total_difference as f64 / f64::from(one.width() * one.height() * 3);
    // Glyph edges are rasterized per pixel size, so a text-dense picture differs by about 4
    // levels on average (4.07 for this one); a different layout or a missing element differs by
    // tens.
    assert!(mean < 5.0, "mean difference {mean:.2}");
    // ...while blowing the 1x picture up does not give the 4x one: it has real detail.
    let blurry_pixels = four
        .enumerate_pixels()
        .filter(|(x, y, pixel)| {
            let coarse = one.get_pixel(x / 4, y / 4);
            pixel
                .0
                .iter()
                .zip(coarse.0.iter())
                .any(|(a, b)| a.abs_diff(*b) > 40)
        })
        .count();
    assert!(
        blurry_pixels > (four.width() * four.height() / 100) as usize,
        "{blurry_pixels}"
    );
}

#[test]
fn transparent_export_has_no_background() {
    let image = png(1.0, true);
    assert_eq!(image.get_pixel(1, 1).0[3], 0, "corner is transparent");
    let svg = export::svg::to_svg(
        &export::capture(
            &SceneLink::parse(SCENE).unwrap(),
            &ExportOptions {
                transparent: true,
                ..ExportOptions::default()
            },
        )
        .unwrap(),
    );
    assert!(
        !svg.contains("<rect width=\"1280\" height=\"720\""),
        "no background rect"
    );
}
