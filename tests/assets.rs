//! The files in `assets/` that a package installs: the icon PNGs are the renders of their SVG
//! sources (so the two cannot drift apart), and the desktop entry, the AppStream metainfo and the
//! window icon all name the same application id.
//!
//! `UPDATE_ASSETS=1 cargo test --test assets` rewrites the PNGs from the SVGs.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use virtscope::assets::APP_ID;

/// Every size a hicolor theme commonly asks for, 16 to 512 px.
const SIZES_PX: [u32; 8] = [16, 24, 32, 48, 64, 128, 256, 512];

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets")
}

/// The SVG drawn for `size_px`: the 16 and 24 px icons are drawn on their own pixel grid
/// without the lens, which does not read that small.
fn source_svg(size_px: u32) -> PathBuf {
    let name = match size_px {
        16 | 24 => format!("{APP_ID}-{size_px}.svg"),
        _ => format!("{APP_ID}.svg"),
    };
    assets().join("icons").join(name)
}

fn installed_png(size_px: u32) -> PathBuf {
    assets().join(format!(
        "icons/hicolor/{size_px}x{size_px}/apps/{APP_ID}.png"
    ))
}

fn render(svg: &Path, size_px: u32) -> resvg::tiny_skia::Pixmap {
    let data = std::fs::read(svg).unwrap_or_else(|err| panic!("{}: {err}", svg.display()));
    let tree = resvg::usvg::Tree::from_data(&data, &resvg::usvg::Options::default())
        .unwrap_or_else(|err| panic!("{}: {err}", svg.display()));
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size_px, size_px).expect("a non-empty icon");
    let scale = size_px as f32 / tree.size().width();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
}

#[test]
fn icon_pngs_are_the_renders_of_their_svgs() {
    let update = std::env::var_os("UPDATE_ASSETS").is_some();
    for size_px in SIZES_PX {
        let rendered = render(&source_svg(size_px), size_px);
        let path = installed_png(size_px);
        if update {
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
            rendered.save_png(&path).expect("write the PNG");
            continue;
        }
        let committed = image::open(&path)
            .unwrap_or_else(|err| panic!("{}: {err} (UPDATE_ASSETS=1 writes it)", path.display()))
            .to_rgba8();
        assert_eq!(
            committed.dimensions(),
            (size_px, size_px),
            "{}",
            path.display()
        );
        // Premultiplied (tiny-skia) against straight (PNG) alpha differ by rounding on edges.
        let demultiplied = rendered.pixels().iter().map(|pixel| pixel.demultiply());
        for (index, (want, have)) in demultiplied.zip(committed.pixels()).enumerate() {
            let want = [want.red(), want.green(), want.blue(), want.alpha()];
            let close = want.iter().zip(have.0).all(|(a, b)| a.abs_diff(b) <= 2);
            assert!(
                close,
                "{} differs from its SVG at pixel {index}: {want:?} vs {:?} (UPDATE_ASSETS=1 rewrites it)",
                path.display(),
                have.0
            );
        }
    }
}

#[test]
fn the_small_icons_are_legible_with_four_distinct_layers() {
    // At 16 px the icon must still show its idea: two guests over a hypervisor over hardware,
    // each layer its own colour on whole pixels. Sample the centre of each layer.
    let icon = render(&source_svg(16), 16);
    let at = |x: u32, y: u32| icon.pixel(x, y).expect("inside the icon").demultiply();
    let samples = [at(4, 4), at(11, 4), at(8, 9), at(8, 12)];
    for (i, a) in samples.iter().enumerate() {
        assert_eq!(a.alpha(), 255, "layer {i} is opaque");
        for b in &samples[i + 1..] {
            assert_ne!(
                (a.red(), a.green(), a.blue()),
                (b.red(), b.green(), b.blue()),
                "two layers share a colour"
            );
        }
    }
}

#[test]
fn desktop_entry_and_metainfo_name_the_same_app() {
    let desktop_path = assets().join(format!("{APP_ID}.desktop"));
    let desktop = std::fs::read_to_string(&desktop_path).expect("the desktop entry");
    assert!(desktop.lines().any(|line| line == format!("Icon={APP_ID}")));
    assert!(desktop.lines().any(|line| line == "Exec=virtscope"));
    // X11 matches windows to the entry by WM_CLASS, Wayland by the app id: the window gives both
    // as the app id.
    assert!(
        desktop
            .lines()
            .any(|line| line == format!("StartupWMClass={APP_ID}"))
    );

    let metainfo_path = assets().join(format!("{APP_ID}.metainfo.xml"));
    let metainfo = std::fs::read_to_string(&metainfo_path).expect("the metainfo");
    assert!(metainfo.contains(&format!("<id>{APP_ID}</id>")));
    assert!(metainfo.contains(&format!(
        "<launchable type=\"desktop-id\">{APP_ID}.desktop</launchable>"
    )));
    // The metainfo shows the README's screenshots, all of them and only those.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("the README");
    let in_readme = screenshot_files(&readme, "](screenshots/", ")");
    let in_metainfo = screenshot_files(&metainfo, "/screenshots/", "</image>");
    assert!(!in_readme.is_empty(), "the README shows screenshots");
    assert_eq!(in_metainfo, in_readme);
    for file in &in_readme {
        assert!(
            root.join("screenshots").join(file).is_file(),
            "{file} exists"
        );
    }
}

/// The sorted file names that follow `start` up to `end` in `text`.
fn screenshot_files(text: &str, start: &str, end: &str) -> Vec<String> {
    let mut files: Vec<String> = text
        .split(start)
        .skip(1)
        .filter_map(|rest| rest.split(end).next())
        .map(ToOwned::to_owned)
        .collect();
    files.sort();
    files.dedup();
    files
}

#[test]
fn the_window_icon_is_the_128_px_png() {
    let icon = virtscope::assets::window_icon().expect("the embedded icon decodes");
    assert_eq!((icon.width, icon.height), (128, 128));
    let committed = image::open(installed_png(128)).expect("the PNG").to_rgba8();
    assert_eq!(icon.rgba, committed.into_raw());
}
