//! Every listed scene painted at sizes from the smallest to the largest the export allows
//! (64-8192 points a side), in every theme: no scene may panic. A scene narrower than its design
//! degrades (scales, wraps, centres what does not fit); before, 450 of these paintings panicked
//! in `f32::clamp` with crossed bounds (migration lanes, containers architecture).
//!
//! The painting is export's headless one (`Capturer`, the shapes of egui's passes without
//! rasterizing), so this is also what `virtscope export` and the window draw. One test per size
//! lets the test harness spread them over the cores.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::time::Instant;

use virtscope::export::{Capturer, ExportOptions, VECTOR_PIXELS_PER_POINT};
use virtscope::scene::SceneLink;
use virtscope::theme::ThemeKind;

/// Paints every scene `virtscope scenes` lists at `width` x `height` points and fails naming
/// each scene that could not be drawn, with the panic's message.
fn paint_every_scene(width: f32, height: f32, theme: ThemeKind) {
    let started = Instant::now();
    let scenes = virtscope::tabs::all_scenes();
    let options = ExportOptions {
        width,
        height,
        theme,
        ..ExportOptions::default()
    };
    let mut capturer: Option<Capturer> = None;
    let mut failures = Vec::new();
    for link in &scenes {
        if let Err(err) = paint(&mut capturer, link, &options) {
            failures.push(format!("{link}: {err}"));
        }
    }
    eprintln!(
        "{} scenes at {width}x{height} ({theme:?}) in {:.1} s",
        scenes.len(),
        started.elapsed().as_secs_f32()
    );
    assert!(scenes.len() > 500, "every tab lists its scenes");
    assert!(
        failures.is_empty(),
        "{} of {} scenes failed at {width}x{height}:\n{}",
        failures.len(),
        scenes.len(),
        failures.join("\n")
    );
}

/// Paints `link`, reusing the capturer while the tab stays the same (as a batch export does).
fn paint(
    slot: &mut Option<Capturer>,
    link: &SceneLink,
    options: &ExportOptions,
) -> Result<(), virtscope::export::ExportError> {
    match slot {
        Some(capturer) if capturer.tab_id() == link.tab => capturer.reopen(link)?,
        _ => *slot = Some(Capturer::new(link, options, VECTOR_PIXELS_PER_POINT)?),
    }
    if let Some(capturer) = slot {
        let picture = capturer.picture(None)?;
        assert!(!picture.shapes.is_empty(), "{link} painted nothing");
    }
    Ok(())
}

#[test]
fn the_smallest_square() {
    paint_every_scene(64.0, 64.0, ThemeKind::Projector);
}

#[test]
fn a_narrow_strip() {
    // `migration?...&t=20 --width 100` panicked in the lanes' labels.
    paint_every_scene(100.0, 720.0, ThemeKind::Projector);
}

#[test]
fn a_small_square() {
    // `containers/architecture?...&step=3 --width 300 --height 300` panicked in its arrows.
    paint_every_scene(300.0, 300.0, ThemeKind::Light);
}

#[test]
fn a_small_screen() {
    paint_every_scene(640.0, 360.0, ThemeKind::Dark);
}

#[test]
fn a_projector() {
    paint_every_scene(1280.0, 720.0, ThemeKind::Projector);
}

#[test]
fn a_large_screen() {
    paint_every_scene(4096.0, 2304.0, ThemeKind::Light);
}

#[test]
fn the_largest_square() {
    paint_every_scene(8192.0, 8192.0, ThemeKind::Dark);
}

#[test]
fn extreme_aspect_ratios() {
    paint_every_scene(64.0, 8192.0, ThemeKind::Projector);
    paint_every_scene(8192.0, 64.0, ThemeKind::Light);
}
