//! The user's own decks and edits: deck files in the data folder's `decks/`, the overrides that
//! change built-in cards, and card changes applied to a deck file.
//!
//! The built-in deck is embedded in the binary and never rewritten. Editing one of its cards
//! writes the edited copy, with the same id, into [`BUILTIN_OVERRIDES_FILE`]; the app lays the
//! overrides over the built-in cards ([`apply_overrides`]), so the card keeps its review history
//! (progress is keyed by deck id and card id).
//!
//! A change is made to the file as it is on disk now, and only when the file is still what the
//! app loaded ([`fingerprint`]): a file another program or window changed meanwhile is refused
//! with a message naming it, so neither side's work is overwritten.

use std::path::{Path, PathBuf};

use super::error::DeckError;
use super::model::{Card, Deck, DeckMeta, assign_missing_ids, deck_id_from_name, fnv1a_64};
use super::native::{parse_native, write_native};

/// The folder under the data folder that holds the user's decks, one `.toml` file each.
pub const DECKS_DIR: &str = "decks";

/// The file under the data folder that holds the user's edits of built-in cards.
pub const BUILTIN_OVERRIDES_FILE: &str = "builtin-overrides.toml";

/// The name of the deck that new cards go to when the user has none yet.
pub const DEFAULT_DECK_NAME: &str = "My cards";

/// A deck file of the user's, as listed in the deck chooser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserDeck {
    /// The file.
    pub path: PathBuf,
    /// The deck's id (progress is stored under it).
    pub id: String,
    /// The deck's name.
    pub name: String,
    /// How many cards it has.
    pub cards: usize,
}

/// A fingerprint of a file's bytes: [`fnv1a_64`] of them, that of no bytes for a missing file.
/// Compared before every write, so a file changed on disk since it was loaded is not overwritten.
pub fn fingerprint(path: &Path) -> Result<u64, DeckError> {
    match std::fs::metadata(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(fnv1a_64(b"")),
        _ => Ok(fnv1a_64(super::io::read_deck_file(path)?.as_bytes())),
    }
}

/// The user's deck files in `data_dir/decks/`, sorted by name; files that do not parse are
/// listed in the second vector with the reason, so the chooser can say why one is missing.
pub fn list_user_decks(data_dir: &Path) -> (Vec<UserDeck>, Vec<String>) {
    let mut decks = Vec::new();
    let mut problems = Vec::new();
    let Ok(entries) = std::fs::read_dir(data_dir.join(DECKS_DIR)) else {
        return (decks, problems);
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let parsed = super::io::read_deck_file(&path)
            .and_then(|text| parse_native(&text, &path.display().to_string()));
        match parsed {
            Ok(deck) => decks.push(UserDeck {
                id: deck.meta.id,
                name: deck.meta.name,
                cards: deck.cards.len(),
                path,
            }),
            Err(err) => problems.push(err.to_string()),
        }
    }
    decks.sort_by_key(|deck| (deck.name.to_lowercase(), deck.path.clone()));
    (decks, problems)
}

/// Creates an empty deck named `name` in `data_dir/decks/` and returns its file. Its id is made
/// from the name and differs from every id in `taken_ids` (the built-in deck's and the other
/// decks'), so two decks never share review progress.
pub fn create_deck(data_dir: &Path, name: &str, taken_ids: &[&str]) -> Result<PathBuf, DeckError> {
    let name = name.trim();
    let base = deck_id_from_name(name);
    let dir = data_dir.join(DECKS_DIR);
    let mut id = base.clone();
    let mut suffix = 2_u32;
    while taken_ids.contains(&id.as_str()) || dir.join(format!("{id}.toml")).exists() {
        id = format!("{base}-{suffix}");
        suffix += 1;
    }
    std::fs::create_dir_all(&dir).map_err(|source| DeckError::Write {
        path: dir.clone(),
        source,
    })?;
    let path = dir.join(format!("{id}.toml"));
    let deck = Deck {
        meta: DeckMeta {
            id,
            name: name.to_owned(),
            ..DeckMeta::default()
        },
        ..Deck::default()
    };
    super::io::write_atomic(&path, write_native(&deck).as_bytes())?;
    Ok(path)
}

/// Reads the deck at `path` for a change, with the file's text (for [`write_change`]); a missing
/// or empty file is `empty` (a new deck or no overrides yet).
pub fn read_for_change(path: &Path, empty: &DeckMeta) -> Result<(Deck, String), DeckError> {
    let text = match std::fs::metadata(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        _ => super::io::read_deck_file(path)?,
    };
    if text.trim().is_empty() {
        let deck = Deck {
            meta: empty.clone(),
            ..Deck::default()
        };
        return Ok((deck, text));
    }
    let deck = parse_native(&text, &path.display().to_string())?;
    Ok((deck, text))
}

/// Writes the change from `before` to `after` into the deck file at `path`, whose text was
/// `original` ([`read_for_change`]), atomically: only the changed cards' tables change, so the
/// file's comments and layout stay ([`super::edit::rewrite_native`]). Returns the new file's
/// [`fingerprint`].
pub fn write_change(
    path: &Path,
    original: &str,
    before: &Deck,
    after: &Deck,
) -> Result<u64, DeckError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| DeckError::Write {
            path: dir.to_owned(),
            source,
        })?;
    }
    let text = super::edit::rewrite_native(original, &path.display().to_string(), before, after)?;
    super::io::write_atomic(path, text.as_bytes())?;
    Ok(fnv1a_64(text.as_bytes()))
}

/// The built-in cards with the user's edited copies in place of the originals (matched by id);
/// an override whose card the built-in deck no longer has is left out.
pub fn apply_overrides(builtin: &mut Deck, overrides: &Deck) {
    if overrides.cards.is_empty() {
        return;
    }
    let by_id: std::collections::HashMap<&str, &Card> = overrides
        .cards
        .iter()
        .map(|card| (card.id.as_str(), card))
        .collect();
    for card in &mut builtin.cards {
        if let Some(edited) = by_id.get(card.id.as_str()) {
            *card = (*edited).clone();
        }
    }
}

/// An id for a new card with `front` in `deck`: derived from the front
/// ([`super::model::derived_card_id`]), with a suffix when the deck already has it.
pub fn new_card_id(deck: &Deck, front: &str) -> String {
    let mut cards: Vec<Card> = deck
        .cards
        .iter()
        .map(|card| Card {
            id: card.id.clone(),
            ..Card::default()
        })
        .collect();
    cards.push(Card {
        front: front.to_owned(),
        ..Card::default()
    });
    assign_missing_ids(&mut cards);
    cards.pop().map(|card| card.id).unwrap_or_default()
}

/// Puts `card` in `deck`: in place of the card with its id, or at `position` (clamped to the end)
/// when the deck has none. Returns the replaced card and its index, if there was one.
pub fn put_card(deck: &mut Deck, card: Card, position: usize) -> Option<(usize, Card)> {
    match deck.cards.iter().position(|c| c.id == card.id) {
        Some(index) => deck
            .cards
            .get_mut(index)
            .map(|old| (index, std::mem::replace(old, card))),
        None => {
            let at = position.min(deck.cards.len());
            deck.cards.insert(at, card);
            None
        }
    }
}

/// Removes the card with `card_id` from `deck`; returns it and its index, if it was there.
pub fn remove_card(deck: &mut Deck, card_id: &str) -> Option<(usize, Card)> {
    let index = deck.cards.iter().position(|c| c.id == card_id)?;
    Some((index, deck.cards.remove(index)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(id: &str, front: &str) -> Card {
        Card {
            id: id.to_owned(),
            front: front.to_owned(),
            back: "b".to_owned(),
            ..Card::default()
        }
    }

    #[test]
    fn created_decks_get_ids_no_other_deck_has() {
        let dir = tempfile::tempdir().unwrap();
        let first = create_deck(dir.path(), "My cards", &["virtualization"]).unwrap();
        let second = create_deck(dir.path(), "My  cards!", &["virtualization"]).unwrap();
        let taken = create_deck(dir.path(), "Virtualization", &["virtualization"]).unwrap();
        let (decks, problems) = list_user_decks(dir.path());
        assert!(problems.is_empty(), "{problems:?}");
        let mut ids: Vec<&str> = decks.iter().map(|d| d.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["my-cards", "my-cards-2", "virtualization-2"]);
        assert_eq!(first.file_name().unwrap(), "my-cards.toml");
        assert_eq!(second.file_name().unwrap(), "my-cards-2.toml");
        assert_eq!(taken.file_name().unwrap(), "virtualization-2.toml");
        assert_eq!(decks[0].cards, 0, "a new deck is empty and still parses");
    }

    #[test]
    fn a_broken_deck_file_is_named_and_the_others_listed() {
        let dir = tempfile::tempdir().unwrap();
        create_deck(dir.path(), "Good", &[]).unwrap();
        std::fs::write(dir.path().join(DECKS_DIR).join("bad.toml"), "[deck\n").unwrap();
        let (decks, problems) = list_user_decks(dir.path());
        assert_eq!(decks.len(), 1);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("bad.toml"), "{}", problems[0]);
    }

    #[test]
    fn the_fingerprint_changes_with_the_bytes_and_a_missing_file_has_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.toml");
        let missing = fingerprint(&path).unwrap();
        std::fs::write(&path, "a").unwrap();
        let one = fingerprint(&path).unwrap();
        std::fs::write(&path, "b").unwrap();
        assert_ne!(one, fingerprint(&path).unwrap());
        assert_ne!(missing, one);
    }

    #[test]
    fn overrides_replace_built_in_cards_by_id_and_keep_the_order() {
        let mut deck = Deck {
            cards: vec![card("a", "A"), card("b", "B"), card("c", "C")],
            ..Deck::default()
        };
        let overrides = Deck {
            cards: vec![card("c", "C edited"), card("gone", "not built in")],
            ..Deck::default()
        };
        apply_overrides(&mut deck, &overrides);
        let fronts: Vec<&str> = deck.cards.iter().map(|c| c.front.as_str()).collect();
        assert_eq!(fronts, ["A", "B", "C edited"]);
    }

    #[test]
    fn put_and_remove_are_inverse_and_keep_positions() {
        let mut deck = Deck {
            cards: vec![card("a", "A"), card("b", "B")],
            ..Deck::default()
        };
        let before = deck.cards.clone();
        let removed = remove_card(&mut deck, "a").unwrap();
        assert_eq!(removed.0, 0);
        assert_eq!(put_card(&mut deck, removed.1, removed.0), None);
        assert_eq!(deck.cards, before);
        let old = put_card(&mut deck, card("b", "B2"), 0).unwrap();
        assert_eq!(old, (1, card("b", "B")));
        assert_eq!(deck.cards[1].front, "B2");
    }

    #[test]
    fn new_ids_come_from_the_front_and_never_repeat_in_a_deck() {
        let mut deck = Deck::default();
        let id = new_card_id(&deck, "What is a VM?");
        assert_eq!(id, super::super::model::derived_card_id("What is a VM?"));
        deck.cards.push(card(&id, "What is a VM?"));
        assert_eq!(new_card_id(&deck, "What is a VM?"), format!("{id}-2"));
    }

    #[test]
    fn a_changed_deck_is_written_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(BUILTIN_OVERRIDES_FILE);
        let meta = DeckMeta {
            id: "virtualization".to_owned(),
            name: "Edits".to_owned(),
            ..DeckMeta::default()
        };
        let (before, text) = read_for_change(&path, &meta).unwrap();
        assert!(before.cards.is_empty(), "no file yet: no overrides");
        let mut deck = before.clone();
        let mut edited = card("x", "Front");
        edited.note = Some("kept".to_owned());
        put_card(&mut deck, edited.clone(), 0);
        let print = write_change(&path, &text, &before, &deck).unwrap();
        assert_eq!(print, fingerprint(&path).unwrap());
        assert_eq!(read_for_change(&path, &meta).unwrap().0.cards, vec![edited]);
    }
}
