//! Golden tests of the export core on a fixed scene: the SVG's structure and the PNG's pixels.
//!
//! Run with `UPDATE_GOLDEN=1 cargo test --test export_golden` to rewrite the files after an
//! intended visual change, then look at the new PNG before committing it.

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
            let family = rest
                .split("font-family=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
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
}

#[test]
fn png_matches_the_golden_image_within_tolerance() {
    let image = export::png::to_png(&picture(), 1.0).unwrap();
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

#[test]
fn a_4x_png_is_the_same_picture_with_finer_detail() {
    let picture = picture();
    let one = export::png::to_png(&picture, 1.0).unwrap();
    let four = export::png::to_png(&picture, 4.0).unwrap();
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
    assert!(mean < 2.0, "mean difference {mean:.2}");
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
    let link = SceneLink::parse(SCENE).unwrap();
    let options = ExportOptions {
        transparent: true,
        ..ExportOptions::default()
    };
    let picture = export::capture(&link, &options).unwrap();
    let image = export::png::to_png(&picture, 1.0).unwrap();
    assert_eq!(image.get_pixel(1, 1).0[3], 0, "corner is transparent");
}
