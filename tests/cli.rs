//! The real `virtscope` binary: subcommands, exit codes and one-line errors.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

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

/// Runs the binary with `args`, killing it if it has not finished within 10 s (a FIFO opened for
/// reading blocks until a writer comes, which never happens here).
#[cfg(unix)]
fn virtscope_within_10_s(args: &[&str], data_dir: &Path) -> Output {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_virtscope"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let started = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if started.elapsed() > Duration::from_secs(10) {
            child.kill().ok();
            panic!("virtscope {args:?} was still running after 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// Every command that reads a user's file refuses a FIFO and /dev/zero at once, in one line:
/// before, a FIFO blocked forever and `--lecture /dev/zero` grew to 4 GB.
#[cfg(unix)]
#[test]
fn special_files_are_refused_at_once_by_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let out_toml = dir.path().join("out.toml");
    let out_dir = dir.path().join("handout");
    let (fifo, out_toml, out_dir) = (
        fifo.to_str().unwrap(),
        out_toml.to_str().unwrap(),
        out_dir.to_str().unwrap(),
    );
    for (path, kind) in [
        (fifo, "a named pipe (FIFO)"),
        ("/dev/zero", "a character device"),
    ] {
        let commands: [Vec<&str>; 5] = [
            vec!["deck", "check", path],
            vec!["deck", "import", path, "-o", out_toml],
            vec!["deck", "export", path, "-o", out_toml],
            vec!["export", "--lecture", path, out_dir],
            vec!["--lecture", path],
        ];
        for args in commands {
            let output = virtscope_within_10_s(&args, &dir.path().join("data"));
            assert_one_line_error(
                &output,
                &format!("{path}: this is {kind}, not a regular file"),
            );
        }
    }
    assert!(!Path::new(out_toml).exists() && !Path::new(out_dir).exists());
}

/// A window that cannot open (no display here) is an error like any other: one line, exit code
/// 2 as the README says (it was 1).
#[cfg(target_os = "linux")]
#[test]
fn a_window_that_cannot_open_exits_with_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = virtscope_within_10_s(&[], &dir.path().join("data"));
    assert_one_line_error(&output, "cannot open the window");
}

#[test]
fn quiz_lists_families_one_a_line() {
    let output = virtscope(&["quiz", "--list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), virtscope::quiz::FAMILIES.len());
    for (row, family) in rows.iter().zip(virtscope::quiz::FAMILIES) {
        assert_eq!(row, &[family.id, family.tab, family.title]);
    }
}

#[test]
fn quiz_prints_an_instance_with_the_models_answer_and_a_scene_that_opens() {
    let output = virtscope(&["quiz", "cpu.popf-tick", "--seed", "7"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    let instance = virtscope::quiz::family("cpu.popf-tick")
        .unwrap()
        .instance(7)
        .unwrap();
    assert!(text.contains(&instance.question), "{text}");
    let letter = virtscope::quiz::cli::letter(instance.answer);
    assert!(
        text.contains(&format!("Answer: {letter}. {}", instance.right())),
        "{text}"
    );
    let scene = text
        .lines()
        .find_map(|line| line.strip_prefix("Scene: "))
        .expect("a Scene line");
    assert_eq!(
        virtscope::tabs::check_link(scene),
        virtscope::tabs::LinkStatus::Valid
    );
    let again = virtscope(&["quiz", "cpu.popf-tick", "--seed", "7"]);
    assert_eq!(
        again.stdout,
        text.as_bytes(),
        "the same seed, the same question"
    );
}

#[test]
fn quiz_json_and_errors() {
    let output = virtscope(&["quiz", "migration.rounds", "--seed", "3", "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let choices = json["choices"].as_array().unwrap();
    let answer = usize::try_from(json["answer"].as_u64().unwrap()).unwrap();
    assert!(answer < choices.len());
    assert!(json["why"].as_str().unwrap().starts_with("migration?"));
    assert!(json["pick"].is_null(), "answered by choices only");
    let output = virtscope(&["quiz", "overview.next-hop", "--seed", "3", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let instance = virtscope::quiz::family("overview.next-hop")
        .unwrap()
        .instance(3)
        .unwrap();
    let pick = instance.pick.unwrap();
    assert_eq!(json["pick"]["key"], "select");
    assert_eq!(
        json["pick"]["values"][instance.answer],
        pick.values[instance.answer].clone().unwrap().as_str(),
        "the right choice's click"
    );
    assert_one_line_error(&virtscope(&["quiz", "nope", "--seed", "1"]), "\"nope\"");
}

/// `--practise FAMILY[:SEED]` is checked before the window opens: an unknown family or a seed that
/// is not a number is one line and code 2; a good one gets as far as the window (none here).
#[test]
fn practise_is_checked_before_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert_one_line_error(
        &virtscope_within_10_s(&["--practise", "nope"], &data),
        "\"nope\"",
    );
    assert_one_line_error(
        &virtscope_within_10_s(&["--practise", "cgroups.oom-victim:soon"], &data),
        "whole number",
    );
    assert_one_line_error(
        &virtscope_within_10_s(&["--practise", "cgroups.oom-victim:7"], &data),
        "cannot open the window",
    );
}

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/anki");

#[test]
fn deck_import_and_export_anki_packages() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let deck = dir.path().join("shared.toml");
    let output = virtscope(&[
        "--data-dir",
        data.to_str().unwrap(),
        "deck",
        "import",
        &format!("{FIXTURES}/fixture-latest.apkg"),
        "-o",
        deck.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("(7 cards; 1 media files"), "{text}");
    assert!(text.contains("1 cards with FSRS memory states"), "{text}");
    assert!(
        text.contains("\"Cloze\""),
        "the import says which note type was not Basic: {text}"
    );
    assert!(dir.path().join("shared.media/ring.png").is_file());
    let check = virtscope(&["deck", "check", deck.to_str().unwrap()]);
    assert!(check.status.success(), "{}", stderr(&check));

    let package = dir.path().join("again.apkg");
    let output = virtscope(&[
        "deck",
        "export",
        deck.to_str().unwrap(),
        "-o",
        package.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("(7 notes, 1 media files)"), "{text}");
    assert!(std::fs::read(&package).unwrap().starts_with(b"PK\x03\x04"));
}

#[test]
fn a_bad_package_is_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.apkg");
    std::fs::write(&bad, b"PK\x03\x04 but not really a zip").unwrap();
    let deck = dir.path().join("out.toml");
    std::fs::write(&deck, "kept").unwrap();
    assert_one_line_error(
        &virtscope(&[
            "deck",
            "import",
            bad.to_str().unwrap(),
            "-o",
            deck.to_str().unwrap(),
        ]),
        "broken.apkg: not an Anki package",
    );
    assert_eq!(
        std::fs::read_to_string(&deck).unwrap(),
        "kept",
        "nothing already saved changed"
    );
    assert!(!dir.path().join("out.media").exists());
}
