//! Export speed: capturing a scene and writing SVG; a 4x PNG (capture at 4 pixels per point,
//! tessellate, rasterize, encode); a 60-frame GIF at 1280x720; and every listed scene as SVG and
//! 2x PNG (`virtscope export --all`). Budgets: SVG under 20 ms, 4x PNG under 300 ms, the GIF
//! under 5 s, all scenes under 10 s (release, 2 cores).

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use virtscope::export::{self, ExportOptions};
use virtscope::scene::SceneLink;

fn export_benches(c: &mut Criterion) {
    let link = SceneLink::parse("overview?select=type2.hypervisor&step=3").expect("valid link");
    let options = ExportOptions::default();
    let mut group = c.benchmark_group("export_1280x720");
    group.bench_function("svg", |b| {
        b.iter(|| {
            let picture = export::capture(&link, &options).expect("captures");
            std::hint::black_box(export::svg::to_svg(&picture))
        });
    });
    group.sample_size(10);
    let four = ExportOptions {
        scale: 4.0,
        ..ExportOptions::default()
    };
    group.bench_function("png_4x", |b| {
        b.iter(|| {
            let image = export::render(&link, &four).expect("renders");
            let mut bytes = Vec::new();
            export::png::encode(&image, &mut bytes).expect("encodes");
            std::hint::black_box(bytes)
        });
    });
    let animation = export::gif::GifOptions {
        from: Some("0".to_owned()),
        to: Some("6".to_owned()),
        fps: 8.0,
    };
    group.bench_function("gif_60_frames", |b| {
        b.iter(|| {
            let mut bytes = Vec::new();
            let frames =
                export::gif::write_gif(&link, &options, &animation, &mut bytes).expect("encodes");
            assert_eq!(
                frames, 61,
                "0.8 steps per second: 6 steps at 8 fps is 60 frames apart"
            );
            std::hint::black_box(bytes)
        });
    });
    group.finish();

    let mut all = c.benchmark_group("export_all_scenes");
    all.sample_size(10);
    let batch = ExportOptions {
        scale: 2.0,
        ..ExportOptions::default()
    };
    all.bench_function("svg_and_png_2x", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            std::hint::black_box(export::batch::export_all(dir.path(), &batch).expect("exports"))
        });
    });
    all.finish();
}

criterion_group!(benches, export_benches);
criterion_main!(benches);
