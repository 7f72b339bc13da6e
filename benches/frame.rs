//! Per-frame CPU time of the whole app at 1920x1080 with each registered tab active and its
//! animation playing: egui's pass (`run_ui`) plus tessellation, the work a real frame does before
//! the GPU. Budget: median under 1 ms per tab (release).

use criterion::{Criterion, criterion_group, criterion_main};
use virtscope::app::{Launch, Settings, VirtscopeApp};
use virtscope::tabs;

fn frame_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame_1920x1080");
    for tab in tabs::all() {
        let link = tab.link();
        let launch = Launch {
            open: Some(link.clone()),
            ..Launch::default()
        };
        let mut app = VirtscopeApp::new(Settings::default(), launch);
        let ctx = egui::Context::default();
        let mut time = 0.0;
        let mut frame = |app: &mut VirtscopeApp, play: bool| {
            time += 1.0 / 60.0;
            let mut input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(
                    egui::Pos2::ZERO,
                    egui::vec2(1920.0, 1080.0),
                )),
                time: Some(time),
                predicted_dt: 1.0 / 60.0,
                ..Default::default()
            };
            if play {
                input.events.push(egui::Event::Key {
                    key: egui::Key::Space,
                    physical_key: None,
                    pressed: true,
                    repeat: false,
                    modifiers: egui::Modifiers::NONE,
                });
            }
            let mut output = ctx.run_ui(input, |ui| app.ui_content(ui));
            output.textures_delta.clear();
            let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
            std::hint::black_box(primitives);
        };
        // Settle fonts and layout, give the scene the keyboard, then start its animation.
        for _ in 0..3 {
            frame(&mut app, false);
        }
        frame(&mut app, true);
        group.bench_function(tab.id(), |b| {
            b.iter(|| {
                if !app.is_animating() {
                    frame(&mut app, true);
                }
                frame(&mut app, false);
            });
        });
    }
    group.finish();
}

criterion_group!(benches, frame_benches);
criterion_main!(benches);
