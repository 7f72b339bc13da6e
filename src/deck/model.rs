//! The in-memory deck: metadata, cards, and where each card came from.
//!
//! Review progress is keyed by `(deck id, card id)`, so ids are the one thing that must stay
//! stable across edits and re-imports. Cards imported without an id get one derived from their
//! front text ([`derived_card_id`]): fixing a typo in the answer keeps the card's progress, and
//! importing the same file twice yields the same ids.

use std::collections::HashSet;

use super::error::{Location, Warning};

/// A deck: its metadata and its cards, in order.
#[derive(Clone, Debug, Default)]
pub struct Deck {
    /// Name, id and provenance of the deck.
    pub meta: DeckMeta,
    /// The cards, in the order the author wrote them.
    pub cards: Vec<Card>,
    /// Where the deck was read from, for error messages. Not part of the deck's content.
    pub origin: Origin,
}

/// The deck's metadata. Empty strings mean "not given".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeckMeta {
    /// Stable id of the deck; review progress is stored under it.
    pub id: String,
    /// Human name shown in the app.
    pub name: String,
    /// One or two sentences about the deck.
    pub description: String,
    /// The content version of the deck (free text, e.g. `1.2`); not the schema version.
    pub version: String,
    /// Where the cards came from (an author, a course, a file).
    pub source: String,
}

/// One flashcard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Card {
    /// Stable id, unique in the deck; review progress is stored under it.
    pub id: String,
    /// The question side, light Markdown (see [`super::markdown`]).
    pub front: String,
    /// The answer side, light Markdown.
    pub back: String,
    /// Tags, each without white space.
    pub tags: Vec<String>,
    /// A remark for the author or the curious, e.g. what an imported deck said and why it was
    /// corrected.
    pub note: Option<String>,
    /// The scene link that shows the answer (see `SCENES.md`), e.g. `cpu/trap-emulate?step=trap`.
    pub scene: Option<String>,
    /// Labels and values the scene paints at its link that demonstrate the answer (e.g.
    /// `["PUE", "1.58"]`): `deck check` captures the scene and reports any it does not paint, and
    /// "Show me" emphasises them.
    pub shows: Vec<String>,
}

/// A deck read from a file, with the problems that did not stop the import (e.g. an Anki row
/// with extra columns).
#[derive(Clone, Debug, Default)]
pub struct Imported {
    /// The deck.
    pub deck: Deck,
    /// Problems worth showing, in file order.
    pub warnings: Vec<Warning>,
}

/// Where a deck was read from: the source name and the line each card starts on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The input's name, usually a file path; `""` for a deck built in code.
    pub source: String,
    /// `card_lines[i]` is the 1-based line where card `i` starts; empty when unknown.
    pub card_lines: Vec<usize>,
    /// `shows_lines[i]` is the 1-based line of card `i`'s `shows` list, when it has one; empty
    /// when unknown.
    pub shows_lines: Vec<Option<usize>>,
}

impl Deck {
    /// The location of card `index` for messages: the source and, when known, its line.
    pub fn card_location(&self, index: usize) -> Location {
        Location {
            source: self.origin.source.clone(),
            line: self.origin.card_lines.get(index).copied(),
            column: None,
        }
    }

    /// The location of card `index`'s `shows` list for messages: its own line when known, else
    /// the card's.
    pub fn shows_location(&self, index: usize) -> Location {
        match self.origin.shows_lines.get(index).copied().flatten() {
            Some(line) => Location {
                source: self.origin.source.clone(),
                line: Some(line),
                column: None,
            },
            None => self.card_location(index),
        }
    }
}

/// 64-bit FNV-1a hash of `bytes` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
///
/// Chosen because it is tiny, fixed by its published constants (so ids never change with a
/// library upgrade), and good enough to tell card fronts apart; collisions are handled by
/// [`assign_missing_ids`].
pub fn fnv1a_64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

/// The id a card without one gets: `c` followed by the 16 lower-case hex digits of
/// [`fnv1a_64`] over the front text with leading and trailing white space removed and every
/// run of inner white space replaced by one space.
pub fn derived_card_id(front: &str) -> String {
    let normalized = front.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("c{:016x}", fnv1a_64(normalized.as_bytes()))
}

/// Gives every card with an empty id a derived one, unique in the deck.
///
/// Explicit ids are kept as they are (duplicates among them are reported by the check, not
/// changed here). A derived id already taken gets `-2`, `-3`, ... appended, in card order, so
/// the result depends only on the cards and their order.
pub fn assign_missing_ids(cards: &mut [Card]) {
    let mut taken: HashSet<String> = cards
        .iter()
        .filter(|card| !card.id.is_empty())
        .map(|card| card.id.clone())
        .collect();
    for card in cards.iter_mut().filter(|card| card.id.is_empty()) {
        let base = derived_card_id(&card.front);
        let mut id = base.clone();
        let mut suffix = 2_u32;
        while taken.contains(&id) {
            id = format!("{base}-{suffix}");
            suffix += 1;
        }
        taken.insert(id.clone());
        card.id = id;
    }
}

/// A deck id made from a name: lower-case ASCII letters and digits, other runs of characters
/// turned into one `-`; `deck` plus the name's hash when nothing is left (e.g. a name in
/// another script).
pub fn deck_id_from_name(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            slug.push(ch.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        format!("deck-{:016x}", fnv1a_64(name.as_bytes()))
    } else {
        slug
    }
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
    fn fnv1a_matches_published_test_vectors() {
        // Test vectors from the FNV reference (Fowler, Noll, Vo; IETF draft-eastlake-fnv).
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn derived_ids_ignore_white_space_differences_only() {
        assert_eq!(
            derived_card_id("What is  a VM?"),
            derived_card_id(" What is a VM?\n")
        );
        assert_ne!(
            derived_card_id("What is a VM?"),
            derived_card_id("What is a vm?")
        );
        let id = derived_card_id("x");
        assert_eq!(id.len(), 17);
        assert!(id.starts_with('c'));
    }

    #[test]
    fn missing_ids_are_derived_and_collisions_get_suffixes_in_order() {
        let front = "Same question?";
        let base = derived_card_id(front);
        let mut cards = vec![
            card("", front),
            card("", front),
            card(&format!("{base}-3"), "taken explicitly"),
            card("", front),
        ];
        assign_missing_ids(&mut cards);
        let ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                base.clone(),
                format!("{base}-2"),
                format!("{base}-3"),
                format!("{base}-4")
            ]
        );
    }

    #[test]
    fn deck_ids_are_slugs() {
        assert_eq!(deck_id_from_name("Test Flashcards"), "test-flashcards");
        assert_eq!(deck_id_from_name("  C++ & Rust!! "), "c-rust");
        assert!(deck_id_from_name("日本語").starts_with("deck-"));
    }
}
