//! The real `virtscope` binary: subcommands, exit codes and one-line errors.

use std::path::Path;
use std::process::{Command, Output};

fn virtscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_virtscope"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A failure is exactly one line on stderr and exit code 2.
fn assert_one_line_error(output: &Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", stderr(output));
    let text = stderr(output);
    assert_eq!(text.lines().count(), 1, "one line: {text}");
    assert!(text.contains(needle), "{needle:?} in {text}");
}

#[test]
fn scenes_lists_links_that_all_open() {
    let output = virtscope(&["scenes"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let links: Vec<&str> = text.lines().collect();
    assert!(links.contains(&"overview?step=0"));
    assert!(links.len() > 10);
    for link in links {
        assert_eq!(
            virtscope::tabs::check_link(link),
            virtscope::tabs::LinkStatus::Valid,
            "{link}"
        );
    }
}

#[test]
fn export_writes_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("scene.svg");
    let png = dir.path().join("scene.png");
    let output = virtscope(&["export", "overview?step=2", "-o", svg.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"));
    assert!(text.contains("<text"));
    let output = virtscope(&[
        "export",
        "overview?step=2",
        "-o",
        png.to_str().unwrap(),
        "--scale",
        "2",
        "--width",
        "640",
        "--height",
        "360",
        "--theme",
        "dark",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let image = image::open(&png).unwrap();
    assert_eq!((image.width(), image.height()), (1280, 720));
}

#[test]
fn bad_links_formats_themes_and_paths_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.svg");
    let out = out.to_str().unwrap();
    assert_one_line_error(
        &virtscope(&["export", "nosuchtab", "-o", out]),
        "unknown tab \"nosuchtab\"",
    );
    assert_one_line_error(
        &virtscope(&["export", "overview?zoom=3", "-o", out]),
        "unknown key \"zoom\"",
    );
    assert_one_line_error(
        &virtscope(&["export", "overview?step=77", "-o", out]),
        "bad value \"77\"",
    );
    assert_one_line_error(
        &virtscope(&["export", "overview", "-o", &format!("{out}.bmp")]),
        "unknown export format",
    );
    assert_one_line_error(
        &virtscope(&["export", "overview", "-o", out, "--theme", "sepia"]),
        "unknown theme",
    );
    assert_one_line_error(
        &virtscope(&["export", "overview", "-o", "/nonexistent-dir/x.png"]),
        "cannot write",
    );
    assert_one_line_error(
        &virtscope(&["export", "overview", "-o", out, "--scale", "100"]),
        "scale",
    );
    assert!(!Path::new(out).exists(), "nothing half-written");
    assert_one_line_error(
        &virtscope(&["--open", "overview?select=nothing"]),
        "unknown stack",
    );
}
