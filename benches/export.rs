//! Export speed: capturing a scene and writing SVG, and a 4x PNG (capture, SVG, rasterize,
//! encode). Budgets: SVG under 20 ms, 4x PNG under 300 ms (release).

use criterion::{Criterion, criterion_group, criterion_main};
use virtscope::export::{self, ExportOptions};
use virtscope::scene::SceneLink;

fn export_benches(c: &mut Criterion) {
    let link = SceneLink::parse("overview?select=type2.hypervisor&step=3").expect("valid link");
    let options = ExportOptions::default();
    let mut group = c.benchmark_group("export_overview_1280x720");
    group.bench_function("svg", |b| {
        b.iter(|| {
            let picture = export::capture(&link, &options).expect("captures");
            std::hint::black_box(export::svg::to_svg(&picture))
        });
    });
    group.sample_size(10);
    group.bench_function("png_4x", |b| {
        b.iter(|| {
            let picture = export::capture(&link, &options).expect("captures");
            let image = export::png::to_png(&picture, 4.0).expect("rasterizes");
            let mut bytes = Vec::new();
            export::png::encode(&image, &mut bytes).expect("encodes");
            std::hint::black_box(bytes)
        });
    });
    group.finish();
}

criterion_group!(benches, export_benches);
criterion_main!(benches);
