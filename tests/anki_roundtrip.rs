//! Round trips through real Anki: a package `virtscope deck export` wrote is imported by Anki's
//! own backend (the `anki` package on PyPI, driven by tests/fixtures/anki/roundtrip.py), which
//! must find every note with its fields, tags and media; Anki then exports everything as a
//! current package, which virtscope imports back to the same cards.
//!
//! Without `anki` installed (`pip install anki`) the test says so and passes, so `cargo test`
//! needs nothing outside Cargo; CI installs it (.ci/run).

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use virtscope::deck::{self, Card};

const ROUNDTRIP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/anki/roundtrip.py"
);

fn anki_available() -> bool {
    Command::new("python3")
        .args(["-c", "import anki"])
        .output()
        .is_ok_and(|output| output.status.success())
}

fn virtscope(args: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_virtscope"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "virtscope {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs roundtrip.py: Anki imports `package`, reports its notes, exports them to `back`.
fn through_anki(package: &Path, back: &Path) -> serde_json::Value {
    let output = Command::new("python3")
        .arg(ROUNDTRIP)
        .arg(package)
        .arg(back)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "roundtrip.py: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("roundtrip.py prints JSON")
}

fn note_for<'a>(report: &'a serde_json::Value, guid: &str) -> &'a serde_json::Value {
    report["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .find(|note| note["guid"] == guid)
        .unwrap_or_else(|| panic!("Anki has no note with guid {guid:?}"))
}

fn card(id: &str, front: &str, back: &str) -> Card {
    Card {
        id: id.to_owned(),
        front: front.to_owned(),
        back: back.to_owned(),
        ..Card::default()
    }
}

#[test]
fn anki_imports_what_virtscope_exports_and_virtscope_reads_what_anki_exports() {
    if !anki_available() {
        eprintln!(
            "skipped: Anki's Python package is not installed (`pip install anki`), so the \
             round trip through real Anki cannot run"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path();
    std::fs::create_dir(folder.join("mine.media")).expect("media folder");
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/icons/hicolor/16x16/apps/io.github.virtscope.virtscope.png"
    ))
    .expect("a PNG from assets/");
    std::fs::write(folder.join("mine.media/icon 16.png"), &png).expect("image");
    let mut first = card(
        "trap-steps",
        "What are the steps of **trap and emulate**?",
        "1. trap\n2. emulate\n3. resume",
    );
    first.tags = vec!["cpu".into(), "week4".into()];
    first.scene = Some("cpu/trap-emulate?program=popf&step=irq-lost".into());
    first.note = Some("From the *lecture*".into());
    let deck = deck::Deck {
        meta: deck::DeckMeta {
            id: "mine".into(),
            name: "My virtualization cards".into(),
            ..deck::DeckMeta::default()
        },
        cards: vec![
            first,
            card(
                "icon",
                "Which icon?",
                "This one:\n\n![the icon](mine.media/icon%2016.png)",
            ),
            card(
                "rm-all",
                "Remove all containers",
                "```sh\ndocker rm $(docker ps -aq)\n```",
            ),
        ],
        origin: deck::Origin::default(),
    };
    let deck_file = folder.join("mine.toml");
    deck::save_file(&deck, &deck_file, deck::ExportFormat::Native).expect("deck saved");

    // virtscope -> Anki.
    let package = folder.join("mine.apkg");
    virtscope(&[
        "deck",
        "export",
        deck_file.to_str().unwrap(),
        "-o",
        package.to_str().unwrap(),
    ]);
    let back = folder.join("back.apkg");
    let report = through_anki(&package, &back);
    assert_eq!(report["new"], 3, "Anki added every note: {report}");
    let trap = note_for(&report, "trap-steps");
    assert_eq!(trap["notetype"], "virtscope");
    assert_eq!(trap["deck"], "My virtualization cards");
    assert_eq!(
        trap["fields"]["scene"],
        "cpu/trap-emulate?program=popf&step=irq-lost"
    );
    assert_eq!(trap["tags"], serde_json::json!(["cpu", "week4"]));
    assert!(
        trap["fields"]["Front"]
            .as_str()
            .is_some_and(|f| f.contains("<b>trap and emulate</b>")),
        "{trap}"
    );
    assert_eq!(
        report["media"],
        serde_json::json!(["icon 16.png"]),
        "{report}"
    );
    assert!(
        note_for(&report, "icon")["fields"]["Back"]
            .as_str()
            .is_some_and(|b| b.contains("<img src=\"icon 16.png\"")),
        "{report}"
    );

    // Anki -> virtscope: Anki's current format, media included.
    let mut again =
        deck::read_apkg(&back, &folder.join("again.toml")).expect("Anki's export reads");
    assert!(
        again.imported.warnings.is_empty(),
        "{:?}",
        again.imported.warnings
    );
    assert_eq!(again.write_media(folder).expect("media copied"), 1);
    assert_eq!(
        std::fs::read(folder.join("again.media/icon 16.png")).expect("icon"),
        png
    );
    let cards = &again.imported.deck.cards;
    let mut ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["icon", "rm-all", "trap-steps"]);
    for original in &deck.cards {
        let read = cards.iter().find(|c| c.id == original.id).expect("same id");
        assert_eq!(read.front, original.front);
        assert_eq!(read.tags, original.tags);
        assert_eq!(read.scene, original.scene);
        assert_eq!(read.note, original.note);
        let expected_back = original.back.replace("mine.media/", "again.media/");
        assert_eq!(read.back, expected_back);
    }

    // The built-in deck goes to Anki whole.
    let builtin = folder.join("builtin.apkg");
    virtscope(&["deck", "export", "builtin", "-o", builtin.to_str().unwrap()]);
    let report = through_anki(&builtin, &folder.join("builtin-back.apkg"));
    let expected = deck::builtin().expect("built-in deck").cards.len();
    assert_eq!(
        report["new"], expected,
        "every built-in card became an Anki note"
    );
}
