//! Shared by the benchmarks: drive the whole app headlessly, one frame at a time.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use virtscope::app::{Launch, Settings, VirtscopeApp};
use virtscope::scene::SceneLink;

/// The app on `link` in a 1920x1080 headless context, with its animation playing.
pub struct Frames {
    app: VirtscopeApp,
    ctx: egui::Context,
    time: f64,
}

impl Frames {
    /// Opens `link`, settles fonts and layout, and starts the scene's animation.
    pub fn new(link: &SceneLink) -> Self {
        let launch = Launch {
            open: Some(link.clone()),
            ..Launch::default()
        };
        let mut frames = Self {
            app: VirtscopeApp::new(Settings::default(), launch),
            ctx: egui::Context::default(),
            time: 0.0,
        };
        for _ in 0..3 {
            frames.frame(false);
        }
        frames.frame(true);
        frames
    }

    /// One frame: egui's pass and tessellation; `play` presses Space (the scene has the keyboard).
    pub fn frame(&mut self, play: bool) {
        self.time += 1.0 / 60.0;
        let mut input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1920.0, 1080.0),
            )),
            time: Some(self.time),
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
        let app = &mut self.app;
        let mut output = self.ctx.run_ui(input, |ui| app.ui_content(ui));
        output.textures_delta.clear();
        let primitives = self.ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
    }

    /// The next frame of a playing scene (restarting the animation when it has ended).
    pub fn next(&mut self) {
        if !self.app.is_animating() {
            self.frame(true);
        }
        self.frame(false);
    }
}
