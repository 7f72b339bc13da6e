//! Card changes written into a hand-written deck file without disturbing the rest of it.
//!
//! People write decks by hand, with comments next to the cards and their own spacing
//! (decks/README.md, "Why TOML"). When the app saves a card it must not rewrite the whole file
//! in its own layout: [`rewrite_native`] changes only the `[[cards]]` tables of the cards that
//! were added, edited or deleted, through `toml_edit` (the maintained format-preserving TOML
//! editor), so every other byte of the file stays as it was. Within an edited card, only the
//! keys whose values changed get a new value (keeping the comment after it on the line); a
//! new card's table is laid out as [`write_native`] lays it out.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

use super::error::{DeckError, Location};
use super::model::{Card, Deck, DeckMeta};
use super::native::write_native;

/// The text of the deck file whose text was `original` (parsed into `before`) with the cards
/// of `after` in it: tables of unchanged cards and everything between them kept byte for byte,
/// changed cards updated key by key, new cards added in the canonical layout, removed cards'
/// tables dropped. An empty `original` (a new file) is written whole by [`write_native`].
pub fn rewrite_native(
    original: &str,
    source_name: &str,
    before: &Deck,
    after: &Deck,
) -> Result<String, DeckError> {
    if original.trim().is_empty() {
        return Ok(write_native(after));
    }
    let layout_error = |message: String| DeckError::Parse {
        at: Location::file(source_name),
        message,
    };
    let mut doc: DocumentMut = original.parse().map_err(|err: toml_edit::TomlError| {
        layout_error(format!("cannot keep the file's layout: {}", err.message()))
    })?;
    update_meta(&mut doc, &before.meta, &after.meta);
    let old_tables: Vec<Table> = match doc.get("cards") {
        Some(Item::ArrayOfTables(tables)) => tables.iter().cloned().collect(),
        _ => Vec::new(),
    };
    if old_tables.len() != before.cards.len() {
        return Err(layout_error(format!(
            "the file has {} [[cards]] tables but {} cards were read from it",
            old_tables.len(),
            before.cards.len()
        )));
    }
    let old: std::collections::HashMap<&str, (&Card, &Table)> = before
        .cards
        .iter()
        .zip(&old_tables)
        .map(|(card, table)| (card.id.as_str(), (card, table)))
        .collect();
    let mut positions: Vec<isize> = old_tables.iter().filter_map(Table::position).collect();
    positions.sort_unstable();
    let mut next_position = positions.last().map_or_else(
        || doc.iter().count().try_into().unwrap_or(isize::MAX),
        |last| last.saturating_add(1),
    );
    let mut tables = ArrayOfTables::new();
    for (index, card) in after.cards.iter().enumerate() {
        let mut table = match old.get(card.id.as_str()) {
            Some((old_card, old_table)) if *old_card == card => (*old_table).clone(),
            Some((old_card, old_table)) => {
                let mut table = (*old_table).clone();
                update_card(&mut table, old_card, card);
                table
            }
            None => canonical_table(card),
        };
        let position = positions.get(index).copied().unwrap_or_else(|| {
            let position = next_position;
            next_position = next_position.saturating_add(1);
            position
        });
        table.set_position(Some(position));
        tables.push(table);
    }
    if tables.is_empty() {
        doc.remove("cards");
    } else {
        doc.insert("cards", Item::ArrayOfTables(tables));
    }
    Ok(doc.to_string())
}

/// Sets the `[deck]` keys whose values differ between `before` and `after`.
fn update_meta(doc: &mut DocumentMut, before: &DeckMeta, after: &DeckMeta) {
    if before == after {
        return;
    }
    let Some(table) = doc.get_mut("deck").and_then(Item::as_table_mut) else {
        return;
    };
    let optional = |value: &str| (!value.is_empty()).then(|| value.to_owned());
    for (key, old, new) in [
        ("id", &before.id, &after.id),
        ("name", &before.name, &after.name),
        ("description", &before.description, &after.description),
        ("version", &before.version, &after.version),
        ("source", &before.source, &after.source),
    ] {
        if old != new {
            set_key(table, key, optional(new).map(|value| string_item(&value)));
        }
    }
}

/// Sets the keys of a card's table whose values differ between `old` and `new`.
fn update_card(table: &mut Table, old: &Card, new: &Card) {
    let canonical = canonical_table(new);
    let item = |key: &str| canonical.get(key).cloned();
    if old.id != new.id {
        set_key(table, "id", item("id"));
    }
    if old.front != new.front {
        set_key(table, "front", item("front"));
    }
    if old.back != new.back {
        set_key(table, "back", item("back"));
    }
    if old.tags != new.tags {
        set_key(table, "tags", item("tags"));
    }
    if old.scene != new.scene {
        set_key(table, "scene", item("scene"));
    }
    if old.note != new.note {
        set_key(table, "note", item("note"));
    }
    if old.shows != new.shows {
        set_key(table, "shows", item("shows"));
    }
}

/// Puts `item` under `key` in `table` (keeping the old value's surrounding spaces and trailing
/// comment), or removes the key when `item` is `None`.
fn set_key(table: &mut Table, key: &str, item: Option<Item>) {
    match (table.get_mut(key), item) {
        (Some(Item::Value(old)), Some(Item::Value(mut new))) => {
            *new.decor_mut() = old.decor().clone();
            *old = new;
        }
        (_, Some(item)) => {
            table.insert(key, item);
        }
        (_, None) => {
            table.remove(key);
        }
    }
}

/// A string value laid out as [`write_native`] lays it out (multi-line when it has line breaks).
fn string_item(value: &str) -> Item {
    let probe = Card {
        front: value.to_owned(),
        ..Card::default()
    };
    canonical_table(&probe)
        .get("front")
        .cloned()
        .unwrap_or_else(|| toml_edit::value(value))
}

/// `card`'s table as [`write_native`] writes it: a blank line, `[[cards]]`, its keys.
fn canonical_table(card: &Card) -> Table {
    let text = write_native(&Deck {
        cards: vec![card.clone()],
        ..Deck::default()
    });
    let parsed: Option<Table> = text.parse::<DocumentMut>().ok().and_then(|doc| {
        doc.get("cards")
            .and_then(Item::as_array_of_tables)
            .and_then(|tables| tables.get(0))
            .cloned()
    });
    // `write_native` writes valid TOML for every card (its round trip is tested); the fallback
    // builds the same keys with toml_edit's own string layout.
    parsed.unwrap_or_else(|| plain_table(card))
}

/// `card`'s keys with toml_edit's default layout.
fn plain_table(card: &Card) -> Table {
    let mut table = Table::new();
    table.insert("id", toml_edit::value(card.id.as_str()));
    table.insert("front", toml_edit::value(card.front.as_str()));
    table.insert("back", toml_edit::value(card.back.as_str()));
    let strings = |values: &[String]| {
        toml_edit::value(
            values
                .iter()
                .map(String::as_str)
                .collect::<toml_edit::Array>(),
        )
    };
    if !card.tags.is_empty() {
        table.insert("tags", strings(&card.tags));
    }
    for (key, value) in [("scene", &card.scene), ("note", &card.note)] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            table.insert(key, toml_edit::value(value));
        }
    }
    if !card.shows.is_empty() {
        table.insert("shows", strings(&card.shows));
    }
    table
}

#[cfg(test)]
mod tests {
    use super::super::native::parse_native;
    use super::*;

    /// A hand-written deck: comments before, inside and after cards, odd spacing, a literal
    /// multi-line string, keys in an unusual order.
    const HAND_WRITTEN: &str = r#"# My exam deck -- keep the comments!
format    = "virtscope-deck"
version = 1

[deck]
id = "exam"   # never change this
name = 'Exam cards'

# ---- CPU ----------------------------------------------------------
[[cards]]
front = "What is a trap?"      # asked every year
id = "trap"
back = '''
An exception the *guest* causes;
the hypervisor handles it.
'''
tags = [ "cpu",  "trap" ]

[[cards]]
  id   = "popf"
  # the classic one
  front = "Why is popf a problem?"
  back = "It fails silently in user mode."

# ---- containers ---------------------------------------------------

[[cards]]
id="ns"
front="How many namespaces?"
back="Eight."

# end of deck
"#;

    fn parse(text: &str) -> Deck {
        parse_native(text, "exam.toml").unwrap()
    }

    fn rewrite(before: &Deck, after: &Deck) -> String {
        let text = rewrite_native(HAND_WRITTEN, "exam.toml", before, after).unwrap();
        assert_eq!(parse(&text).cards, after.cards, "reads back as the change");
        text
    }

    #[test]
    fn an_unchanged_deck_is_written_back_byte_for_byte() {
        let deck = parse(HAND_WRITTEN);
        assert_eq!(rewrite(&deck, &deck), HAND_WRITTEN);
    }

    #[test]
    fn editing_one_card_changes_only_its_edited_values() {
        let before = parse(HAND_WRITTEN);
        let mut after = before.clone();
        after.cards[1].back = "It does not trap: the IF change is lost.".to_owned();
        let text = rewrite(&before, &after);
        let expected = HAND_WRITTEN.replace(
            r#"back = "It fails silently in user mode.""#,
            r#"back = "It does not trap: the IF change is lost.""#,
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn an_edited_front_keeps_its_trailing_comment_and_a_new_multiline_back_is_readable() {
        let before = parse(HAND_WRITTEN);
        let mut after = before.clone();
        after.cards[0].front = "What is a trap, exactly?".to_owned();
        after.cards[2].back = "Eight:\n- mount\n- uts".to_owned();
        after.cards[2].tags = vec!["namespaces".to_owned()];
        let text = rewrite(&before, &after);
        let expected = HAND_WRITTEN
            .replace(
                "front = \"What is a trap?\"      # asked every year",
                "front = \"What is a trap, exactly?\"      # asked every year",
            )
            .replace(
                "back=\"Eight.\"\n",
                "back=\"\"\"\nEight:\n- mount\n- uts\\\n\"\"\"\ntags = [\"namespaces\"]\n",
            );
        assert_eq!(text, expected);
    }

    #[test]
    fn deleting_a_card_removes_its_table_and_nothing_else() {
        let before = parse(HAND_WRITTEN);
        let mut after = before.clone();
        after.cards.remove(1);
        let text = rewrite(&before, &after);
        let popf = "[[cards]]\n  id   = \"popf\"\n  # the classic one\n  front = \"Why is popf a \
                    problem?\"\n  back = \"It fails silently in user mode.\"\n\n";
        assert!(HAND_WRITTEN.contains(popf));
        assert_eq!(text, HAND_WRITTEN.replace(popf, ""));
    }

    #[test]
    fn adding_a_card_appends_its_table_after_the_last_and_keeps_the_rest() {
        let before = parse(HAND_WRITTEN);
        let mut after = before.clone();
        after.cards.push(Card {
            id: "cgroup".to_owned(),
            front: "What limits memory?".to_owned(),
            back: "The memory controller:\n`memory.max`".to_owned(),
            scene: Some("cgroups".to_owned()),
            ..Card::default()
        });
        let text = rewrite(&before, &after);
        assert!(text.starts_with(HAND_WRITTEN.trim_end_matches("\n# end of deck\n")));
        assert!(text.contains("[[cards]]\nid = \"cgroup\"\n"), "{text}");
    }

    #[test]
    fn a_card_put_back_where_it_was_restores_the_file() {
        let before = parse(HAND_WRITTEN);
        let mut removed = before.clone();
        let card = removed.cards.remove(0);
        let without = rewrite(&before, &removed);
        let mut back = removed.clone();
        back.cards.insert(0, card);
        let again = rewrite_native(&without, "exam.toml", &removed, &back).unwrap();
        assert_eq!(parse(&again).cards, before.cards);
        assert!(again.contains("# ---- containers"), "{again}");
        assert!(
            !again.contains("# ---- CPU"),
            "a deleted table's comments go with it (the app's undo writes the old text back)"
        );
    }

    #[test]
    fn a_new_file_is_written_in_the_canonical_layout() {
        let deck = parse(HAND_WRITTEN);
        let text = rewrite_native("", "new.toml", &Deck::default(), &deck).unwrap();
        assert_eq!(text, write_native(&deck));
    }
}
