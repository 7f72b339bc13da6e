//! Import and export against packages real Anki wrote (`tests/fixtures/anki/`, made by
//! `make_fixtures.py` with Anki's own backend from the `anki` package on PyPI), and against
//! broken ones built here.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::*;
use crate::deck::model::Card;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/anki");
const SCENE_FIELD: &str = "cpu/trap-emulate?program=popf&step=irq-lost";
const SCENE_TAG: &str = "overview?step=3";

/// What make_fixtures.py put into every fixture (expected.json, written beside them).
fn expected() -> serde_json::Value {
    let text = std::fs::read_to_string(fixture("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json is JSON")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn import(path: &Path) -> ApkgImport {
    read_apkg(path, Path::new("deck.toml"), Limits::default())
        .unwrap_or_else(|err| panic!("{} imports: {err}", path.display()))
}

fn by_front<'a>(cards: &'a [Card], front: &str) -> &'a Card {
    cards
        .iter()
        .find(|card| card.front == front)
        .unwrap_or_else(|| panic!("no card with front {front:?} in {cards:#?}"))
}

fn warnings(import: &ApkgImport) -> Vec<String> {
    import
        .imported
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the test package");
    path
}

/// A zip of `entries` (name, bytes, compression).
fn zip_of(entries: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes, method) in entries {
        zip.start_file(
            *name,
            SimpleFileOptions::default().compression_method(*method),
        )
        .expect("start entry");
        zip.write_all(bytes).expect("write entry");
    }
    zip.finish().expect("finish zip").into_inner()
}

fn error_of(path: &Path, limits: Limits) -> String {
    match read_apkg(path, Path::new("deck.toml"), limits) {
        Ok(_) => panic!("{} must be refused", path.display()),
        Err(err) => err.to_string(),
    }
}

#[test]
fn every_layout_anki_writes_imports_with_every_note() {
    for (name, version) in [
        ("fixture-latest.apkg", Version::Latest),
        ("fixture-legacy2.apkg", Version::Legacy2),
        ("fixture-legacy1.apkg", Version::Legacy1),
    ] {
        let import = import(&fixture(name));
        assert_eq!(import.version, version, "{name}");
        let deck = &import.imported.deck;
        assert_eq!(deck.meta.name, "virtscope fixture", "{name}");
        assert_eq!(deck.meta.id, "virtscope-fixture");
        // Six notes: two Basic, one reversed (two cards), one Cloze, one with a scene field,
        // one with a scene tag.
        let expected = expected();
        assert_eq!(expected["notes"], 6);
        assert_eq!(deck.cards.len(), 7, "{name}: {:#?}", deck.cards);
        assert_eq!(expected["cards"], 7);
        let scenes: Vec<&str> = deck
            .cards
            .iter()
            .filter_map(|c| c.scene.as_deref())
            .collect();
        assert_eq!(scenes, [&expected["scene_field"], &expected["scene_tag"]]);
        let report = crate::deck::check_with_tabs(deck);
        assert!(report.is_ok(), "{name}: {report}");
    }
}

#[test]
fn fields_become_markdown_and_reversed_notes_both_directions() {
    let import = import(&fixture("fixture-latest.apkg"));
    let cards = &import.imported.deck.cards;
    let hypervisor = by_front(cards, "What is a **hypervisor**?");
    assert_eq!(
        hypervisor.back,
        "Software that runs virtual machines\nTwo kinds:\n- type 1 (bare metal)\n- type 2 (hosted)\n\nPopek & Goldberg"
    );
    assert_eq!(hypervisor.tags, ["cpu", "virt"]);
    assert_eq!(by_front(cards, "VMM").back, "virtual machine monitor");
    assert_eq!(by_front(cards, "virtual machine monitor").back, "VMM");
    let forward = by_front(cards, "VMM");
    let backward = by_front(cards, "virtual machine monitor");
    assert_eq!(backward.id, format!("{}-card2", forward.id));
    let image = by_front(cards, "Which ring does the guest kernel run in?");
    assert_eq!(image.back, "![](deck.media/ring.png)");
}

#[test]
fn other_note_types_are_first_field_front_and_the_import_says_so() {
    let import = import(&fixture("fixture-legacy2.apkg"));
    let cloze = by_front(
        &import.imported.deck.cards,
        "A {{c1::container}} shares the host kernel.",
    );
    assert_eq!(cloze.back, "namespaces");
    let messages = warnings(&import);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("\"Cloze\"") && m.contains("first field became the front")),
        "{messages:?}"
    );
}

#[test]
fn a_scene_field_or_a_virtscope_tag_becomes_the_scene_link() {
    for name in ["fixture-latest.apkg", "fixture-legacy1.apkg"] {
        let import = import(&fixture(name));
        let cards = &import.imported.deck.cards;
        let field = by_front(cards, "What does popf do in user mode?");
        assert_eq!(field.scene.as_deref(), Some(SCENE_FIELD));
        assert_eq!(
            field.back, "Drops the IF change silently",
            "the scene is not in the back"
        );
        let tag = by_front(cards, "What are the four approaches?");
        assert_eq!(tag.scene.as_deref(), Some(SCENE_TAG));
        assert!(
            tag.tags.is_empty(),
            "the virtscope:: tag is consumed: {:?}",
            tag.tags
        );
    }
}

#[test]
fn fsrs_memory_states_come_in_and_unanswered_cards_stay_new() {
    for name in ["fixture-latest.apkg", "fixture-legacy2.apkg"] {
        let import = import(&fixture(name));
        let hypervisor = by_front(&import.imported.deck.cards, "What is a **hypervisor**?");
        assert_eq!(
            import.progress.len(),
            1,
            "{name}: only one card was answered"
        );
        let progress = &import.progress[0];
        assert_eq!(progress.card_id, hypervisor.id);
        // The memory state Anki's FSRS stored in the card's data after one Good answer
        // (make_fixtures.py); checked against the fixture with sqlite3.
        let (stability, difficulty) = progress.memory.expect("a memory state");
        assert!((stability - 2.3065).abs() < 1e-4, "{stability}");
        assert!((difficulty - 2.118).abs() < 1e-3, "{difficulty}");
        assert!(matches!(
            progress.phase,
            AnkiPhase::Learning {
                relearning: false,
                remaining_steps: 1,
                ..
            }
        ));
        assert_eq!(progress.reps, 1);
        assert!(progress.last_review_secs.is_some());
    }
}

#[test]
fn media_are_copied_beside_the_deck_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["fixture-latest.apkg", "fixture-legacy1.apkg"] {
        let mut import = import(&fixture(name));
        assert_eq!(import.write_media(dir.path()).expect("media copied"), 1);
        let png = std::fs::read(dir.path().join("deck.media/ring.png")).expect("ring.png");
        assert!(
            png.starts_with(b"\x89PNG"),
            "{name}: the file is the PNG, decompressed"
        );
    }
}

#[test]
fn a_corrupt_or_truncated_zip_is_one_message_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let garbage = write(dir.path(), "garbage.apkg", b"this is not a zip file at all");
    let message = error_of(&garbage, Limits::default());
    assert!(
        message.starts_with(&garbage.display().to_string()),
        "{message}"
    );
    assert!(message.contains("not a readable zip"), "{message}");

    let real = std::fs::read(fixture("fixture-legacy2.apkg")).expect("fixture");
    let cut = write(dir.path(), "cut.apkg", &real[..real.len() / 2]);
    let message = error_of(&cut, Limits::default());
    assert!(message.contains("cut.apkg"), "{message}");
}

#[test]
fn an_entry_declaring_more_than_the_limit_is_refused_unread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let zeros = vec![0_u8; 2 * 1024 * 1024];
    let bomb = write(
        dir.path(),
        "bomb.apkg",
        &zip_of(&[("collection.anki2", &zeros, CompressionMethod::Deflated)]),
    );
    let limits = Limits {
        collection_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let message = error_of(&bomb, limits);
    assert!(message.contains("expands to 2 MiB"), "{message}");
    assert!(message.contains("zip bomb"), "{message}");
}

#[test]
fn an_entry_lying_about_its_size_is_stopped_at_the_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let zeros = vec![0_u8; 2 * 1024 * 1024];
    let mut bytes = zip_of(&[("collection.anki2", &zeros, CompressionMethod::Deflated)]);
    // Declare 100 bytes in the local header (offset 22) and the central directory (offset 24).
    for (signature, offset) in [(&b"PK\x03\x04"[..], 22), (&b"PK\x01\x02"[..], 24)] {
        let at = bytes
            .windows(4)
            .position(|w| w == signature)
            .expect("zip header");
        bytes[at + offset..at + offset + 4].copy_from_slice(&100_u32.to_le_bytes());
    }
    let liar = write(dir.path(), "liar.apkg", &bytes);
    let limits = Limits {
        collection_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let message = error_of(&liar, limits);
    assert!(message.contains("liar.apkg"), "{message}");
    assert!(
        message.contains("zip bomb") || message.contains("corrupt"),
        "{message}"
    );
}

#[test]
fn a_zstd_collection_expanding_past_the_limit_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let zeros = vec![0_u8; 2 * 1024 * 1024];
    let compressed = zstd::encode_all(zeros.as_slice(), 3).expect("zstd");
    let bomb = write(
        dir.path(),
        "zstd-bomb.apkg",
        &zip_of(&[
            ("meta", b"\x08\x03", CompressionMethod::Stored),
            ("collection.anki21b", &compressed, CompressionMethod::Stored),
        ]),
    );
    let limits = Limits {
        collection_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let message = error_of(&bomb, limits);
    assert!(
        message.contains("expands past the 1 MiB limit"),
        "{message}"
    );
}

#[test]
fn unknown_package_and_schema_versions_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let future = write(
        dir.path(),
        "future.apkg",
        &zip_of(&[("meta", b"\x08\x07", CompressionMethod::Stored)]),
    );
    let message = error_of(&future, Limits::default());
    assert!(
        message.contains("package version 7 is not supported"),
        "{message}"
    );

    let conn = rusqlite::Connection::open_in_memory().expect("sqlite");
    conn.execute_batch(
        "CREATE TABLE col (ver INTEGER, crt INTEGER); INSERT INTO col VALUES (99, 0);",
    )
    .expect("schema");
    let mut conn = conn;
    let collection = conn
        .serialize(rusqlite::MAIN_DB)
        .expect("serialize")
        .to_vec();
    let schema = write(
        dir.path(),
        "schema99.apkg",
        &zip_of(&[("collection.anki2", &collection, CompressionMethod::Deflated)]),
    );
    let message = error_of(&schema, Limits::default());
    assert!(message.contains("schema version 99"), "{message}");

    let not_sqlite = write(
        dir.path(),
        "text.apkg",
        &zip_of(&[("collection.anki2", b"hello", CompressionMethod::Deflated)]),
    );
    let message = error_of(&not_sqlite, Limits::default());
    assert!(message.contains("not an SQLite database"), "{message}");
}

#[test]
fn a_media_file_missing_from_the_package_is_a_warning_and_the_rest_imports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let source = std::fs::read(fixture("fixture-legacy1.apkg")).expect("fixture");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(source)).expect("zip");
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).expect("entry");
        let name = entry.name().expect("entry name").into_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).expect("read entry");
        if name != "0" {
            entries.push((name, bytes));
        }
    }
    let listed: Vec<(&str, &[u8], CompressionMethod)> = entries
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice(), CompressionMethod::Deflated))
        .collect();
    let path = write(dir.path(), "no-media.apkg", &zip_of(&listed));
    let mut import = import(&path);
    assert_eq!(import.imported.deck.cards.len(), 7);
    let messages = warnings(&import);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("\"ring.png\"") && m.contains("missing from the package")),
        "{messages:?}"
    );
    assert_eq!(import.write_media(dir.path()).expect("nothing to copy"), 0);
}

#[test]
fn an_exported_deck_reads_back_with_its_text_tags_scene_note_shows_and_images() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("mine.media")).expect("media folder");
    std::fs::write(dir.path().join("mine.media/pic one.png"), b"\x89PNGfake").expect("image");
    let deck = Deck {
        meta: DeckMeta {
            id: "mine".into(),
            name: "My cards".into(),
            ..DeckMeta::default()
        },
        cards: vec![
            Card {
                id: "trap".into(),
                front: "What are the steps of **trap and emulate**?".into(),
                back: "1. trap\n2. emulate\n3. resume".into(),
                tags: vec!["cpu".into(), "exam::week4".into()],
                scene: Some(SCENE_FIELD.into()),
                note: Some("From the lecture, *week 4*".into()),
                shows: vec!["Trap <1>".into(), "Emulate & resume".into()],
            },
            Card {
                id: "pic".into(),
                front: "Which picture?".into(),
                back: "This one:\n![ring](mine.media/pic%20one.png)".into(),
                ..Card::default()
            },
            Card {
                id: "code".into(),
                front: "List all containers".into(),
                back: "```sh\ndocker ps -a\n```".into(),
                ..Card::default()
            },
        ],
        origin: Origin::default(),
    };
    let out = dir.path().join("out.apkg");
    let report = export_apkg(&deck, Some(dir.path()), &out, 1_741_600_800).expect("export");
    assert_eq!((report.notes, report.media), (3, 1));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    let back = read_apkg(&out, &dir.path().join("again.toml"), Limits::default()).expect("reads");
    assert_eq!(back.version, Version::Legacy2);
    let cards = &back.imported.deck.cards;
    assert_eq!(back.imported.deck.meta.name, "My cards");
    let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        ["trap", "pic", "code"],
        "the card id is the note's guid"
    );
    assert_eq!(cards[0].front, deck.cards[0].front);
    assert_eq!(cards[0].back, deck.cards[0].back);
    assert_eq!(cards[0].tags, deck.cards[0].tags);
    assert_eq!(cards[0].scene, deck.cards[0].scene);
    assert_eq!(cards[0].note, deck.cards[0].note);
    assert_eq!(
        cards[0].shows, deck.cards[0].shows,
        "shows keep their own field"
    );
    assert_eq!(
        cards[1].back,
        "This one:\n![ring](again.media/pic%20one.png)"
    );
    assert_eq!(cards[2].back, deck.cards[2].back);
    assert!(
        back.imported.warnings.is_empty(),
        "{:?}",
        back.imported.warnings
    );
}
