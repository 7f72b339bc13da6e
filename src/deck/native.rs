//! The native deck format: TOML with a versioned schema (documented in `decks/README.md`).
//!
//! TOML because people edit decks by hand: it has comments (the built-in deck explains its
//! corrections in them), multi-line strings for Markdown answers, no significant indentation,
//! and serde support, so parsing is one derive and fast. Every file starts with
//! `format = "virtscope-deck"` and `version = 1`; a file from a newer virtscope gets a clear
//! "unsupported version" error instead of a confusing one about an unknown field.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::error::{DeckError, Location};
use super::io::normalize_newlines;
use super::model::{Card, Deck, DeckMeta, Origin};
use super::toml_subset;

/// The value of the top-level `format` key.
pub const FORMAT_NAME: &str = "virtscope-deck";

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The file as serde sees it. Unknown keys are errors, so a typo (`fornt`) is caught.
#[derive(Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a deck file: `format`, `version`, a [deck] table and [[cards]] tables"
)]
struct RawFile {
    format: Option<Spanned<toml::Value>>,
    version: Option<Spanned<toml::Value>>,
    deck: Spanned<RawDeck>,
    #[serde(default)]
    cards: Vec<Spanned<RawCard>>,
}

/// The `[deck]` table as read.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, expecting = "a [deck] table with `id` and `name`")]
pub(super) struct RawDeck {
    pub(super) id: String,
    pub(super) name: String,
    #[serde(default)]
    pub(super) description: String,
    #[serde(default)]
    pub(super) version: String,
    #[serde(default)]
    pub(super) source: String,
}

/// One `[[cards]]` table as read.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(
    deny_unknown_fields,
    expecting = "a [[cards]] table with `id`, `front` and `back`"
)]
pub(super) struct RawCard {
    pub(super) id: String,
    pub(super) front: String,
    pub(super) back: String,
    #[serde(default)]
    pub(super) tags: Vec<String>,
    #[serde(default)]
    pub(super) note: Option<String>,
    #[serde(default)]
    pub(super) scene: Option<String>,
    /// The list with the byte range of its value (for messages naming its line).
    #[serde(default)]
    pub(super) shows: Option<Spanned<Vec<String>>>,
}

/// A deck file read by either reader: values with the byte range (header keys) or the byte
/// offset of their table header (`[deck]`, `[[cards]]`).
#[derive(Debug, PartialEq)]
pub(super) struct RawParts {
    pub(super) format: Option<(toml::Value, Range<usize>)>,
    pub(super) version: Option<(toml::Value, Range<usize>)>,
    pub(super) deck: RawDeck,
    pub(super) deck_offset: usize,
    pub(super) cards: Vec<(RawCard, usize)>,
}

/// Only the header keys, read leniently (other keys ignored) to explain why a strict parse
/// failed when the file is from another schema version.
#[derive(Deserialize)]
struct RawHeader {
    format: Option<Spanned<toml::Value>>,
    version: Option<Spanned<toml::Value>>,
}

/// Parses a native TOML deck. `source_name` (usually the file path) is used in error messages
/// and kept in [`Deck::origin`] with each card's line.
///
/// Checks the schema (format name, version, keys and their types, required keys); content
/// problems such as duplicate ids or empty sides are left to [`super::check::check`], which
/// reports all of them at once. Files in the subset of TOML that decks use are read by
/// [`super::toml_subset`]; anything else, and every error, goes through the `toml` crate.
pub fn parse_native(text: &str, source_name: &str) -> Result<Deck, DeckError> {
    let text = normalize_newlines(text);
    let text = text.as_ref();
    if text.trim().is_empty() {
        return Err(DeckError::Empty {
            at: Location::file(source_name),
        });
    }
    let parts = match toml_subset::read(text) {
        Some(parts) => parts,
        None => {
            parse_with_toml(text).map_err(|error| explain_failure(text, source_name, &error))?
        }
    };
    check_header(
        text,
        source_name,
        parts.format.as_ref().map(|(v, r)| (v, r.clone())),
        parts.version.as_ref().map(|(v, r)| (v, r.clone())),
    )?;
    let mut line_counter = LineCounter::new(text);
    let deck_line = line_counter.line_at(parts.deck_offset);
    let deck = parts.deck;
    let mut cards = Vec::with_capacity(parts.cards.len());
    let mut card_lines = Vec::with_capacity(parts.cards.len());
    let mut shows_lines = Vec::with_capacity(parts.cards.len());
    for (card, offset) in parts.cards {
        card_lines.push(line_counter.line_at(offset));
        shows_lines.push(
            card.shows
                .as_ref()
                .map(|shows| line_counter.line_at(shows.span().start)),
        );
        cards.push(Card {
            id: card.id,
            front: card.front,
            back: card.back,
            tags: card.tags,
            note: card.note.filter(|note| !note.is_empty()),
            scene: card.scene.filter(|scene| !scene.is_empty()),
            shows: card.shows.map(Spanned::into_inner).unwrap_or_default(),
        });
    }
    if deck.id.trim().is_empty() {
        return Err(DeckError::parse(
            Location::line(source_name, deck_line),
            "[deck] id is empty; it keys review progress, so give it a stable value",
        ));
    }
    Ok(Deck {
        meta: DeckMeta {
            id: deck.id,
            name: deck.name,
            description: deck.description,
            version: deck.version,
            source: deck.source,
        },
        cards,
        origin: Origin {
            source: source_name.to_owned(),
            card_lines,
            shows_lines,
        },
    })
}

/// Reads `text` with the `toml` crate (the authority on TOML and on the schema's types).
pub(super) fn parse_with_toml(text: &str) -> Result<RawParts, toml::de::Error> {
    let raw: RawFile = toml::from_str(text)?;
    let spanned = |s: Spanned<toml::Value>| {
        let span = s.span();
        (s.into_inner(), span)
    };
    Ok(RawParts {
        format: raw.format.map(spanned),
        version: raw.version.map(spanned),
        deck_offset: raw.deck.span().start,
        deck: raw.deck.into_inner(),
        cards: raw
            .cards
            .into_iter()
            .map(|card| {
                let offset = card.span().start;
                (card.into_inner(), offset)
            })
            .collect(),
    })
}

/// Checks `format = "virtscope-deck"` and `version = 1`.
fn check_header(
    text: &str,
    source_name: &str,
    format: Option<(&toml::Value, Range<usize>)>,
    version: Option<(&toml::Value, Range<usize>)>,
) -> Result<(), DeckError> {
    let Some((format, format_span)) = format else {
        return Err(DeckError::NotADeck {
            at: Location::file(source_name),
            problem: format!("missing `format = \"{FORMAT_NAME}\"` at the top of the file"),
        });
    };
    if format.as_str() != Some(FORMAT_NAME) {
        return Err(DeckError::NotADeck {
            at: Location::at_offset(source_name, text, format_span.start),
            problem: format!("`format` is {format}, expected {FORMAT_NAME:?}"),
        });
    }
    let Some((version, version_span)) = version else {
        return Err(DeckError::parse(
            Location::file(source_name),
            format!("missing `version = {SCHEMA_VERSION}` at the top of the file"),
        ));
    };
    let at = Location::at_offset(source_name, text, version_span.start);
    match version.as_integer() {
        Some(found) if found == i64::from(SCHEMA_VERSION) => Ok(()),
        Some(_) => Err(DeckError::UnsupportedVersion {
            at,
            found: version.to_string(),
            supported: SCHEMA_VERSION,
        }),
        // `version = "1"` is not an unknown version but a string where a number belongs.
        None => Err(DeckError::parse(
            at,
            format!(
                "`version` must be the integer {SCHEMA_VERSION}, without quotes (found {version})"
            ),
        )),
    }
}

fn header_part(value: Option<&Spanned<toml::Value>>) -> Option<(&toml::Value, Range<usize>)> {
    value.map(|v| (v.get_ref(), v.span()))
}

/// Turns a strict-parse failure into the most useful error: a wrong format or version if the
/// header says so, otherwise the TOML or schema error at its line and column.
fn explain_failure(text: &str, source_name: &str, error: &toml::de::Error) -> DeckError {
    if let Ok(header) = toml::from_str::<RawHeader>(text)
        && let Err(header_error) = check_header(
            text,
            source_name,
            header_part(header.format.as_ref()),
            header_part(header.version.as_ref()),
        )
    {
        return header_error;
    }
    let at = match error.span() {
        Some(span) => Location::at_offset(source_name, text, span.start),
        None => Location::file(source_name),
    };
    DeckError::parse(at, error.message().trim_end().to_owned())
}

/// Turns increasing byte offsets into line numbers in one pass over the text.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of `offset`. Cheap when offsets come in increasing order (as cards
    /// do); restarts from the top otherwise.
    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let newlines = self
            .text
            .as_bytes()
            .get(self.offset..offset)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines;
        self.offset = offset;
        self.line
    }
}

// ------------------------------------------------------------------------------------------------
// Writing

/// Writes `deck` in the native format: the header, `[deck]`, then one `[[cards]]` table per
/// card with multi-line strings for text containing line breaks. Empty optional fields are left
/// out. [`parse_native`] reads the result back to an equal deck.
pub fn write_native(deck: &Deck) -> String {
    let mut out = String::with_capacity(256 + deck.cards.len() * 256);
    out.push_str("# virtscope deck; the format is described in decks/README.md.\n");
    out.push_str(&format!(
        "format = \"{FORMAT_NAME}\"\nversion = {SCHEMA_VERSION}\n\n"
    ));
    out.push_str("[deck]\n");
    let meta = &deck.meta;
    push_key(&mut out, "id", &meta.id);
    push_key(&mut out, "name", &meta.name);
    for (key, value) in [
        ("description", &meta.description),
        ("version", &meta.version),
        ("source", &meta.source),
    ] {
        if !value.is_empty() {
            push_key(&mut out, key, value);
        }
    }
    for card in &deck.cards {
        out.push_str("\n[[cards]]\n");
        push_key(&mut out, "id", &card.id);
        push_key(&mut out, "front", &card.front);
        push_key(&mut out, "back", &card.back);
        if !card.tags.is_empty() {
            push_string_array(&mut out, "tags", &card.tags);
        }
        for (key, value) in [("scene", &card.scene), ("note", &card.note)] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                push_key(&mut out, key, value);
            }
        }
        if !card.shows.is_empty() {
            push_string_array(&mut out, "shows", &card.shows);
        }
    }
    out
}

/// Appends `key = ["a", "b"]` and a newline.
fn push_string_array(out: &mut String, key: &str, values: &[String]) {
    out.push_str(key);
    out.push_str(" = [");
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_basic_string(out, value);
    }
    out.push_str("]\n");
}

/// Appends `key = "value"` (multi-line when the value has line breaks) and a newline.
fn push_key(out: &mut String, key: &str, value: &str) {
    out.push_str(key);
    out.push_str(" = ");
    if value.contains('\n') {
        push_multiline_string(out, value);
    } else {
        push_basic_string(out, value);
    }
    out.push('\n');
}

/// Appends a TOML basic string (`"..."`).
fn push_basic_string(out: &mut String, value: &str) {
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            ch if needs_unicode_escape(ch) => push_unicode_escape(out, ch),
            ch => out.push(ch),
        }
    }
    out.push('"');
}

/// Appends a TOML multi-line basic string that starts on the next line and closes on a line
/// of its own. A value not ending in a line break ends with a line-ending backslash, which TOML
/// removes together with the line break after it.
fn push_multiline_string(out: &mut String, value: &str) {
    out.push_str("\"\"\"\n");
    let mut chars = value.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            // Escaping a quote followed by another keeps `"""` from ever appearing.
            '"' if chars.peek() == Some(&'"') => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\t' => out.push(ch),
            ch if needs_unicode_escape(ch) => push_unicode_escape(out, ch),
            ch => out.push(ch),
        }
    }
    if !value.ends_with('\n') {
        out.push_str("\\\n");
    }
    out.push_str("\"\"\"");
}

/// Control characters TOML strings may not hold literally (carriage return included, since a
/// lone one is not a TOML line break).
fn needs_unicode_escape(ch: char) -> bool {
    (ch.is_control() && ch != '\t' && ch != '\n') || ch == '\u{7f}'
}

fn push_unicode_escape(out: &mut String, ch: char) {
    out.push_str(&format!("\\u{:04X}", u32::from(ch)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MINIMAL: &str = r#"
format = "virtscope-deck"
version = 1

[deck]
id = "d"
name = "Demo"

[[cards]]
id = "a"
front = "Q?"
back = """
- one
- two
"""
tags = ["x"]
scene = "overview"
shows = ["Hypervisor", "Shared host kernel"]
"#;

    #[test]
    fn parses_a_minimal_deck_with_card_lines() {
        let deck = parse_native(MINIMAL, "demo.toml").expect("valid");
        assert_eq!(deck.meta.id, "d");
        assert_eq!(deck.meta.name, "Demo");
        assert_eq!(deck.cards.len(), 1);
        let card = &deck.cards[0];
        assert_eq!(card.back, "- one\n- two\n");
        assert_eq!(card.tags, ["x"]);
        assert_eq!(card.scene.as_deref(), Some("overview"));
        assert_eq!(card.note, None);
        assert_eq!(card.shows, ["Hypervisor", "Shared host kernel"]);
        assert_eq!(deck.origin.shows_lines, [Some(18)]);
        // `[[cards]]` is on line 9 of MINIMAL (which starts with a newline); the span of an
        // array-of-tables entry starts at its first key, line 10.
        let line = deck.origin.card_lines[0];
        assert!((9..=10).contains(&line), "card line {line}");
        assert_eq!(deck.origin.source, "demo.toml");
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let crlf = format!("\u{feff}{}", MINIMAL.replace('\n', "\r\n"));
        let deck = parse_native(&crlf, "win.toml").expect("valid");
        assert_eq!(deck.cards[0].back, "- one\n- two\n");
    }

    #[test]
    fn unknown_schema_version_is_named() {
        let text = MINIMAL.replace("version = 1", "version = 2");
        let error = parse_native(&text, "new.toml").expect_err("v2");
        assert!(matches!(&error, DeckError::UnsupportedVersion { found, .. } if found == "2"));
        assert!(error.to_string().starts_with("new.toml:3:11:"), "{error}");
        // A version-2 file with keys this build does not know still gets the version error.
        let text = text.replace("tags = [\"x\"]", "tags = [\"x\"]\ndifficulty = 3");
        assert!(matches!(
            parse_native(&text, "new.toml"),
            Err(DeckError::UnsupportedVersion { .. })
        ));
    }

    /// `version = "1"` said "version "1" is not supported; this virtscope reads version 1".
    #[test]
    fn a_quoted_version_says_it_must_be_the_integer() {
        for quoted in ["\"1\"", "1.0", "\"2\""] {
            let text = MINIMAL.replace("version = 1", &format!("version = {quoted}"));
            let error = parse_native(&text, "q.toml").expect_err("not an integer");
            assert_eq!(
                error.to_string(),
                format!(
                    "q.toml:3:11: `version` must be the integer 1, without quotes (found {quoted})"
                )
            );
        }
    }

    /// `deck = "x"` said "invalid type: string "x", expected struct RawDeck": a Rust type name.
    #[test]
    fn a_wrong_type_for_a_table_names_the_table_not_a_rust_type() {
        let text = "format = \"virtscope-deck\"\nversion = 1\ndeck = \"x\"\n";
        let error = parse_native(text, "t.toml").expect_err("not a table");
        let message = error.to_string();
        assert!(
            message.contains("expected a [deck] table with `id` and `name`")
                && !message.contains("Raw"),
            "{message}"
        );
        let text = MINIMAL.replace("[[cards]]", "cards = [\"x\"]\n[[oops]]");
        let message = parse_native(&text, "c.toml")
            .expect_err("bad cards")
            .to_string();
        assert!(!message.contains("Raw"), "{message}");
    }

    #[test]
    fn missing_or_wrong_format_is_not_a_deck() {
        let missing = MINIMAL.replace("format = \"virtscope-deck\"", "");
        assert!(matches!(
            parse_native(&missing, "m.toml"),
            Err(DeckError::NotADeck { .. })
        ));
        let wrong = MINIMAL.replace("virtscope-deck", "anki");
        let error = parse_native(&wrong, "w.toml").expect_err("wrong");
        assert!(error.to_string().contains("\"anki\""), "{error}");
    }

    #[test]
    fn schema_errors_name_line_and_column() {
        let typo = MINIMAL.replace("front = ", "fornt = ");
        let error = parse_native(&typo, "t.toml").expect_err("typo");
        let message = error.to_string();
        assert!(message.starts_with("t.toml:11:1:"), "{message}");
        assert!(message.contains("fornt"), "{message}");

        let missing_back = "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\nname = \"n\"\n[[cards]]\nid = \"a\"\nfront = \"q\"\n";
        let error = parse_native(missing_back, "b.toml").expect_err("no back");
        assert!(error.to_string().contains("back"), "{error}");
        assert!(error.to_string().starts_with("b.toml:"), "{error}");
    }

    #[test]
    fn syntax_errors_and_garbage_are_parse_errors() {
        let error = parse_native("format = \"virtscope-deck\nversion = 1", "s.toml")
            .expect_err("unterminated string");
        assert!(error.to_string().starts_with("s.toml:1:"), "{error}");
        assert!(matches!(
            parse_native("", "e.toml"),
            Err(DeckError::Empty { .. })
        ));
    }

    #[test]
    fn writer_escapes_what_toml_needs() {
        let deck = Deck {
            meta: DeckMeta {
                id: "d".into(),
                name: "Quotes \"here\" \\ and\ttab".into(),
                ..DeckMeta::default()
            },
            cards: vec![Card {
                id: "a".into(),
                front: "one line".into(),
                back: "ends with quotes\"\"\"\nand \\ back\rslash\u{1}".into(),
                ..Card::default()
            }],
            origin: Origin::default(),
        };
        let text = write_native(&deck);
        assert!(text.contains("back = \"\"\"\nends with quotes"), "{text}");
        let back = parse_native(&text, "w").expect("re-read");
        assert_eq!(back.meta, deck.meta);
        assert_eq!(back.cards, deck.cards);
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-zA-Z0-9 ?*`_\\-\n]{1,40}",
            any::<String>().prop_filter("non-empty", |s| !s.is_empty()),
        ]
    }

    fn card_strategy() -> impl Strategy<Value = Card> {
        (
            "[a-z0-9-]{1,12}",
            text_strategy(),
            text_strategy(),
            proptest::collection::vec("[a-z][a-z0-9-]{0,8}", 0..4),
            proptest::option::of(text_strategy()),
            proptest::option::of("[a-z/?=&-]{1,30}"),
            proptest::collection::vec(text_strategy(), 0..3),
        )
            .prop_map(|(id, front, back, tags, note, scene, shows)| Card {
                id,
                front,
                back,
                tags,
                note,
                scene,
                shows,
            })
    }

    proptest! {
        #![proptest_config(super::super::proptest_config(32))]

        #[test]
        fn native_round_trip_preserves_decks(
            name in text_strategy(),
            description in proptest::option::of(text_strategy()),
            cards in proptest::collection::vec(card_strategy(), 0..6),
        ) {
            let deck = Deck {
                meta: DeckMeta {
                    id: "deck".into(),
                    name,
                    description: description.unwrap_or_default(),
                    ..DeckMeta::default()
                },
                cards,
                origin: Origin::default(),
            };
            let text = write_native(&deck);
            // The fast reader accepts everything the writer writes, and agrees with `toml`.
            let fast = toml_subset::read(&text);
            prop_assert!(fast.is_some(), "declined {}", text);
            prop_assert_eq!(fast, parse_with_toml(&text).ok());
            let back = parse_native(&text, "rt").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(back.meta, deck.meta);
            prop_assert_eq!(back.cards, deck.cards);
        }

        #[test]
        fn arbitrary_input_never_panics(text in any::<String>()) {
            let _ = parse_native(&text, "fuzz");
        }

        #[test]
        fn near_valid_input_never_panics(cut in 0usize..400, insert in "[\"'\\[\\]={}\n#a-z0-9 ]{0,6}") {
            let mut text = MINIMAL.to_owned();
            let at = cut.min(text.len());
            text.insert_str(at, &insert);
            let _ = parse_native(&text, "fuzz");
        }
    }
}
