//! Adding, editing, deleting and undoing cards through the reviewer, with the files on disk.

use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::review::config::SchedulerConfig;
use crate::review::rating::Rating;

/// 2025-03-10 10:00 UTC.
const NOW: i64 = 1_741_600_800;

fn reviewer_in(dir: &Path) -> Reviewer {
    Reviewer::new(
        Arc::new(|| NOW),
        Some(dir),
        None,
        SchedulerConfig::default(),
    )
}

/// The id of the deck the reviewer shows.
fn loaded_id(reviewer: &Reviewer) -> String {
    reviewer.deck().meta.id.clone()
}

fn new_card(front: &str, back: &str) -> Card {
    Card {
        front: front.to_owned(),
        back: back.to_owned(),
        tags: vec!["mine".to_owned()],
        scene: Some("cpu/trap-emulate?step=trap".to_owned()),
        ..Card::default()
    }
}

/// The review log's rows for `card_id` in any deck.
fn log_rows(dir: &Path, card_id: &str) -> i64 {
    let conn = rusqlite::Connection::open(dir.join(crate::review::store::DATABASE_FILE)).unwrap();
    conn.query_row(
        "SELECT count(*) FROM revlog JOIN cards ON cards.id = revlog.card WHERE cards.card_id = ?1",
        [card_id],
        |row| row.get(0),
    )
    .unwrap()
}

#[test]
fn a_card_added_to_a_new_deck_is_reviewed_edited_undone_and_deleted_with_its_log_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mut reviewer = reviewer_in(dir.path());
    let path = reviewer.default_add_deck().unwrap();
    assert!(path.ends_with("decks/my-cards.toml"));
    let id = reviewer
        .add_card(&path, new_card("What does **VT-x** add?", "Root mode."))
        .unwrap();
    assert!(
        reviewer.is_builtin(),
        "adding does not switch the reviewed deck"
    );
    let (decks, _) = reviewer.user_decks();
    assert_eq!(decks.len(), 1);
    assert_eq!((decks[0].name.as_str(), decks[0].cards), ("My cards", 1));

    reviewer.open_deck(&path).unwrap();
    assert_eq!(reviewer.current().unwrap().card_id, id);
    reviewer.reveal();
    reviewer.answer(Rating::Good);
    assert_eq!(log_rows(dir.path(), &id), 1);

    let mut edited = reviewer.card(&id).unwrap().clone();
    edited.back = "Root and non-root operation.".to_owned();
    reviewer.save_card(&loaded_id(&reviewer), edited).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("Root and non-root operation."), "{text}");
    assert_eq!(
        reviewer.card(&id).unwrap().back,
        "Root and non-root operation."
    );

    assert!(reviewer.undo_is_card_change());
    reviewer.undo();
    assert_eq!(
        reviewer.card(&id).unwrap().back,
        "Root mode.",
        "undo of the edit"
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("Root mode.")
    );
    assert_eq!(
        log_rows(dir.path(), &id),
        1,
        "undoing an edit leaves the answer"
    );

    reviewer.delete_card(&loaded_id(&reviewer), &id).unwrap();
    assert!(reviewer.card(&id).is_none());
    assert_eq!(log_rows(dir.path(), &id), 1, "the review log is kept");
    reviewer.undo();
    assert!(reviewer.card(&id).is_some(), "undo of the delete");
    reviewer.undo();
    assert_eq!(log_rows(dir.path(), &id), 0, "then the answer is undone");
    reviewer.undo();
    assert!(reviewer.card(&id).is_none(), "undo of the add");
    assert!(!std::fs::read_to_string(&path).unwrap().contains("VT-x"));
}

#[test]
fn a_built_in_card_edit_is_an_override_that_keeps_id_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut reviewer = reviewer_in(dir.path());
    let id = reviewer.current().unwrap().card_id.clone();
    reviewer.reveal();
    reviewer.answer(Rating::Good);
    let mut card = reviewer.card(&id).unwrap().clone();
    let note = card.note.clone();
    card.back = format!("{}\n\nMy own words.", card.back);
    reviewer
        .save_card(&loaded_id(&reviewer), card.clone())
        .unwrap();
    assert_eq!(reviewer.card(&id).unwrap(), &card);
    assert_eq!(reviewer.card(&id).unwrap().note, note, "the note is kept");
    assert_eq!(reviewer.deck().meta.id, deck::builtin().unwrap().meta.id);
    assert_eq!(log_rows(dir.path(), &id), 1, "the history stays");
    let overrides = dir.path().join(user::BUILTIN_OVERRIDES_FILE);
    assert!(
        std::fs::read_to_string(&overrides)
            .unwrap()
            .contains("My own words.")
    );

    let again = reviewer_in(dir.path());
    assert_eq!(
        again.card(&id).unwrap().back,
        card.back,
        "the override loads"
    );
    assert!(
        reviewer
            .delete_card(&loaded_id(&reviewer), &id)
            .unwrap_err()
            .to_string()
            .contains("suspend"),
        "built-in cards are not deleted"
    );
    reviewer.undo();
    assert!(!reviewer.card(&id).unwrap().back.contains("My own words."));
}

#[test]
fn a_deck_file_changed_on_disk_is_not_overwritten_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut reviewer = reviewer_in(dir.path());
    let path = reviewer.create_deck("Course").unwrap();
    let id = reviewer.add_card(&path, new_card("Q?", "A.")).unwrap();
    reviewer.open_deck(&path).unwrap();
    let theirs = std::fs::read_to_string(&path)
        .unwrap()
        .replace("A.", "Their answer.");
    std::fs::write(&path, &theirs).unwrap();
    assert!(reviewer.deck_changed_on_disk(&loaded_id(&reviewer)));
    let mut card = reviewer.card(&id).unwrap().clone();
    card.back = "Mine.".to_owned();
    let message = reviewer
        .save_card(&loaded_id(&reviewer), card.clone())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("course.toml") && message.contains("changed on disk"),
        "{message}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        theirs,
        "their change stays"
    );
    reviewer.reload_deck().unwrap();
    assert_eq!(reviewer.card(&id).unwrap().back, "Their answer.");
    reviewer.save_card(&loaded_id(&reviewer), card).unwrap();
    assert_eq!(reviewer.card(&id).unwrap().back, "Mine.");
}

#[test]
fn a_card_the_deck_check_would_refuse_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut reviewer = reviewer_in(dir.path());
    let path = reviewer.default_add_deck().unwrap();
    let message = reviewer
        .add_card(&path, new_card("  ", "A."))
        .unwrap_err()
        .to_string();
    assert!(message.contains("front is empty"), "{message}");
    let mut bad_link = new_card("Q?", "A.");
    bad_link.scene = Some("nosuchtab/view".to_owned());
    assert!(reviewer.add_card(&path, bad_link).is_err());
    assert!(!path.exists(), "nothing was written");
}

#[test]
fn without_a_data_folder_edits_say_why_they_cannot_be_saved() {
    let mut reviewer = Reviewer::new(Arc::new(|| NOW), None, None, SchedulerConfig::default());
    assert_eq!(reviewer.default_add_deck(), None);
    let card = reviewer.deck().cards[0].clone();
    assert!(
        reviewer
            .save_card(&loaded_id(&reviewer), card)
            .unwrap_err()
            .to_string()
            .contains("no data folder")
    );
}

#[test]
fn a_deck_read_from_anki_text_is_not_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let mut reviewer = reviewer_in(dir.path());
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "#separator:tab\nQ?\tA.\n").unwrap();
    reviewer.open_deck(&text).unwrap();
    let card = reviewer.deck().cards[0].clone();
    let message = reviewer
        .save_card(&loaded_id(&reviewer), card)
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("notes.txt") && message.contains("deck import"),
        "{message}"
    );
}
