//! A fast reader for the subset of TOML that deck files use, with the `toml` crate as the
//! authority.
//!
//! The `toml` crate reads about 25-30 MiB/s (it lexes into token and event vectors, builds a
//! spanned document, then deserializes), so a generated 100,000-card deck (23 MiB) took about
//! 900 ms, over the 200 ms budget. Deck files use a small part of TOML: comments, `[deck]`,
//! `[[cards]]`, `bare_key = value` where the value is a string (basic, literal, or their
//! multi-line forms), an integer, or an array of strings. This reader handles exactly that in one
//! pass.
//!
//! It never decides anything on its own: anything outside the subset or wrong in any way (a
//! syntax error, an unknown or repeated key, a missing field, an escape it does not know) makes it
//! return `None`, and the caller parses with the `toml` crate, which then produces the result or
//! the error message. So for every input it accepts it must produce what the `toml` crate would;
//! a differential property test checks that.

use std::ops::Range;

use toml::Spanned;

use super::native::{RawCard, RawDeck, RawParts};

/// Reads a deck in the subset, or `None` to let the `toml` crate handle the input.
/// `text` must already have `\r\n` turned into `\n`.
pub fn read(text: &str) -> Option<RawParts> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    reader.document()
}

/// Which table the following keys belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Root,
    Deck,
    Card,
}

/// A parsed value of one of the subset's types.
enum Value {
    String(String),
    Integer(i64),
    Strings(Vec<String>),
}

/// Fields of a table as they are read, before the required ones are checked.
#[derive(Default)]
struct CardFields {
    id: Option<String>,
    front: Option<String>,
    back: Option<String>,
    tags: Option<Vec<String>>,
    note: Option<String>,
    scene: Option<String>,
    shows: Option<(Vec<String>, Range<usize>)>,
}

#[derive(Default)]
struct DeckFields {
    id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    version: Option<String>,
    source: Option<String>,
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

/// Stores `value` in `slot` unless the key was already set (a TOML error: let `toml` report it).
fn set<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

fn string(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        Value::Integer(_) | Value::Strings(_) => None,
    }
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn rest(&self) -> &[u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    fn document(&mut self) -> Option<RawParts> {
        let mut format = None;
        let mut version = None;
        let mut deck: Option<(DeckFields, usize)> = None;
        let mut cards: Vec<(CardFields, usize)> = Vec::new();
        let mut section = Section::Root;
        loop {
            self.skip_blank_lines()?;
            let Some(byte) = self.peek() else { break };
            let start = self.pos;
            if byte == b'[' {
                if self.rest().starts_with(b"[[cards]]") {
                    self.pos += "[[cards]]".len();
                    cards.push((CardFields::default(), start));
                    section = Section::Card;
                } else if self.rest().starts_with(b"[deck]") && deck.is_none() {
                    self.pos += "[deck]".len();
                    deck = Some((DeckFields::default(), start));
                    section = Section::Deck;
                } else {
                    return None;
                }
                self.line_end()?;
                continue;
            }
            let key = self.bare_key()?;
            self.skip_spaces();
            if self.peek() != Some(b'=') {
                return None;
            }
            self.pos += 1;
            self.skip_spaces();
            let value_start = self.pos;
            let value = self.value()?;
            let value_range = value_start..self.pos;
            self.line_end()?;
            match section {
                Section::Root => match (key, value) {
                    ("format", Value::String(s)) => set(&mut format, (s, value_range))?,
                    ("version", Value::Integer(n)) => set(&mut version, (n, value_range))?,
                    _ => return None,
                },
                Section::Deck => {
                    let fields = &mut deck.as_mut()?.0;
                    let value = string(value)?;
                    match key {
                        "id" => set(&mut fields.id, value)?,
                        "name" => set(&mut fields.name, value)?,
                        "description" => set(&mut fields.description, value)?,
                        "version" => set(&mut fields.version, value)?,
                        "source" => set(&mut fields.source, value)?,
                        _ => return None,
                    }
                }
                Section::Card => {
                    let fields = &mut cards.last_mut()?.0;
                    match (key, value) {
                        ("tags", Value::Strings(tags)) => set(&mut fields.tags, tags)?,
                        ("shows", Value::Strings(shows)) => {
                            set(&mut fields.shows, (shows, value_range))?;
                        }
                        ("id", value) => set(&mut fields.id, string(value)?)?,
                        ("front", value) => set(&mut fields.front, string(value)?)?,
                        ("back", value) => set(&mut fields.back, string(value)?)?,
                        ("note", value) => set(&mut fields.note, string(value)?)?,
                        ("scene", value) => set(&mut fields.scene, string(value)?)?,
                        _ => return None,
                    }
                }
            }
        }
        let (deck, deck_offset) = deck?;
        let deck = RawDeck {
            id: deck.id?,
            name: deck.name?,
            description: deck.description.unwrap_or_default(),
            version: deck.version.unwrap_or_default(),
            source: deck.source.unwrap_or_default(),
        };
        let cards = cards
            .into_iter()
            .map(|(card, offset)| {
                Some((
                    RawCard {
                        id: card.id?,
                        front: card.front?,
                        back: card.back?,
                        tags: card.tags.unwrap_or_default(),
                        note: card.note,
                        scene: card.scene,
                        shows: card.shows.map(|(shows, range)| Spanned::new(range, shows)),
                    },
                    offset,
                ))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(RawParts {
            format: format.map(|(s, range)| (toml::Value::String(s), range)),
            version: version.map(|(n, range)| (toml::Value::Integer(n), range)),
            deck,
            deck_offset,
            cards,
        })
    }

    /// Advances past the bytes that satisfy `keep` (to the end if all do).
    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) {
        self.pos += self
            .rest()
            .iter()
            .position(|&b| !keep(b))
            .unwrap_or(self.bytes.len() - self.pos);
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Skips white space, line breaks and comments between items.
    fn skip_blank_lines(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n') => self.pos += 1,
                Some(b'#') => self.comment()?,
                _ => return Some(()),
            }
        }
    }

    /// A comment up to (not including) the line break; control characters are not allowed.
    fn comment(&mut self) -> Option<()> {
        while let Some(byte) = self.peek() {
            if byte == b'\n' {
                break;
            }
            if is_forbidden_control(byte) {
                return None;
            }
            self.pos += 1;
        }
        Some(())
    }

    /// After an item: spaces, an optional comment, then a line break or the end.
    fn line_end(&mut self) -> Option<()> {
        self.skip_spaces();
        if self.peek() == Some(b'#') {
            self.comment()?;
        }
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.pos += 1;
                Some(())
            }
            Some(_) => None,
        }
    }

    fn bare_key(&mut self) -> Option<&'a str> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            self.pos += 1;
        }
        let text = self.text;
        (self.pos > start).then(|| &text[start..self.pos])
    }

    fn value(&mut self) -> Option<Value> {
        let rest = self.rest();
        if rest.starts_with(b"\"\"\"") {
            self.pos += 3;
            self.multiline_basic().map(Value::String)
        } else if rest.starts_with(b"'''") {
            self.pos += 3;
            self.multiline_literal().map(Value::String)
        } else {
            match rest.first()? {
                b'"' => {
                    self.pos += 1;
                    self.basic().map(Value::String)
                }
                b'\'' => {
                    self.pos += 1;
                    self.literal().map(Value::String)
                }
                b'[' => {
                    self.pos += 1;
                    self.string_array().map(Value::Strings)
                }
                b'0'..=b'9' => self.integer().map(Value::Integer),
                _ => None,
            }
        }
    }

    /// A plain decimal integer without sign, underscores or leading zeros.
    fn integer(&mut self) -> Option<i64> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits = &self.text[start..self.pos];
        if digits.len() > 1 && digits.starts_with('0') {
            return None;
        }
        // Anything glued to the digits (`1.5`, `1_000`, `1979-05-27`) is outside the subset.
        if !matches!(self.peek(), None | Some(b' ' | b'\t' | b'\n' | b'#')) {
            return None;
        }
        digits.parse().ok()
    }

    /// `[ "a", 'b', ]` over any number of lines, with comments.
    fn string_array(&mut self) -> Option<Vec<String>> {
        let mut items = Vec::new();
        loop {
            self.skip_blank_lines()?;
            match self.peek()? {
                b']' => break,
                b'"' if !self.rest().starts_with(b"\"\"\"") => {
                    self.pos += 1;
                    items.push(self.basic()?);
                }
                b'\'' if !self.rest().starts_with(b"'''") => {
                    self.pos += 1;
                    items.push(self.literal()?);
                }
                _ => return None,
            }
            self.skip_blank_lines()?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.pos += 1;
        Some(items)
    }

    /// A basic string after its opening `"`.
    fn basic(&mut self) -> Option<String> {
        let mut out = String::new();
        loop {
            let start = self.pos;
            self.skip_while(|b| b != b'"' && b != b'\\' && b != b'\n' && !is_forbidden_control(b));
            out.push_str(&self.text[start..self.pos]);
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.pos += 1;
                    out.push(self.escape()?);
                }
                _ => return None,
            }
        }
    }

    /// A multi-line basic string after its opening `"""`.
    fn multiline_basic(&mut self) -> Option<String> {
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        let mut out = String::new();
        loop {
            let start = self.pos;
            self.skip_while(|b| {
                b != b'"' && b != b'\\' && (b == b'\n' || !is_forbidden_control(b))
            });
            out.push_str(&self.text[start..self.pos]);
            match self.peek()? {
                b'"' => {
                    if self.closing_run(b'"', &mut out)? {
                        return Some(out);
                    }
                }
                b'\\' => {
                    self.pos += 1;
                    if self.line_ending_backslash() {
                        continue;
                    }
                    out.push(self.escape()?);
                }
                _ => return None,
            }
        }
    }

    /// At a run of `quote` characters inside a multi-line string: appends the ones that are
    /// content and says whether the string closed (a run of 3 to 5 closes it, the first 0 to 2
    /// being content; more is an error).
    fn closing_run(&mut self, quote: u8, out: &mut String) -> Option<bool> {
        let run = self.rest().iter().take_while(|&&b| b == quote).count();
        self.pos += run;
        let quote = char::from(quote);
        match run {
            1 | 2 => {
                out.extend(std::iter::repeat_n(quote, run));
                Some(false)
            }
            3..=5 => {
                out.extend(std::iter::repeat_n(quote, run - 3));
                Some(true)
            }
            _ => None,
        }
    }

    /// After a `\` in a multi-line basic string: if only spaces follow on the line, skips them,
    /// the line break and all white space after it, and says so.
    fn line_ending_backslash(&mut self) -> bool {
        let mut look = self.pos;
        while matches!(self.bytes.get(look), Some(b' ' | b'\t')) {
            look += 1;
        }
        if self.bytes.get(look) != Some(&b'\n') {
            return false;
        }
        self.pos = look;
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n')) {
            self.pos += 1;
        }
        true
    }

    /// An escape after its `\`: the TOML 1.0 ones. TOML 1.1's `\e` and `\x` are left to `toml`.
    fn escape(&mut self) -> Option<char> {
        let byte = self.peek()?;
        self.pos += 1;
        match byte {
            b'b' => Some('\u{8}'),
            b't' => Some('\t'),
            b'n' => Some('\n'),
            b'f' => Some('\u{c}'),
            b'r' => Some('\r'),
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'u' => self.hex_escape(4),
            b'U' => self.hex_escape(8),
            _ => None,
        }
    }

    fn hex_escape(&mut self, digits: usize) -> Option<char> {
        let hex = self.text.get(self.pos..self.pos + digits)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += digits;
        char::from_u32(u32::from_str_radix(hex, 16).ok()?)
    }

    /// A literal string after its opening `'`.
    fn literal(&mut self) -> Option<String> {
        let start = self.pos;
        self.skip_while(|b| b != b'\'' && b != b'\n' && !is_forbidden_control(b));
        if self.peek()? != b'\'' {
            return None;
        }
        let value = self.text[start..self.pos].to_owned();
        self.pos += 1;
        Some(value)
    }

    /// A multi-line literal string after its opening `'''`.
    fn multiline_literal(&mut self) -> Option<String> {
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        let mut out = String::new();
        loop {
            let start = self.pos;
            self.skip_while(|b| b != b'\'' && (b == b'\n' || !is_forbidden_control(b)));
            out.push_str(&self.text[start..self.pos]);
            if self.peek()? != b'\'' {
                return None;
            }
            if self.closing_run(b'\'', &mut out)? {
                return Some(out);
            }
        }
    }
}

/// Control characters TOML allows in no string or comment (tab is allowed; line breaks are
/// handled by the callers). A lone `\r` is included: only `\r\n` is a TOML line break.
fn is_forbidden_control(byte: u8) -> bool {
    (byte < 0x20 && byte != b'\t') || byte == 0x7f
}

#[cfg(test)]
mod tests {
    use super::super::native::{RawParts, parse_with_toml};
    use super::*;
    use proptest::prelude::*;

    /// Equal parts, and the `shows` lists at the same byte ranges (`Spanned` compares only
    /// values).
    fn same(fast: &RawParts, slow: &RawParts) -> bool {
        let spans = |parts: &RawParts| -> Vec<Option<Range<usize>>> {
            parts
                .cards
                .iter()
                .map(|(card, _)| card.shows.as_ref().map(Spanned::span))
                .collect()
        };
        fast == slow && spans(fast) == spans(slow)
    }

    /// Inputs the subset reader handles, each agreeing with the `toml` crate.
    const ACCEPTED: &[&str] = &[
        "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\nname = \"n\"\n",
        "# c\n  format='virtscope-deck' # c\nversion=1\n\n[deck] # c\nid = 'd'\nname = \"\\u00e9\\t\\\"q\\\"\"\ndescription = '''\nline '' one\nline two'''\n\n[[cards]]\nid = \"a\"\nfront = \"\"\"\n  x \\\n   y \"\" z\"\"\"\"\nback = \"\"\"\"quoted\" at start\"\"\"\ntags = [ \"t1\" , 't2', # c\n  \"t3\", ]\nnote = ''\nshows = [\"PUE\", '1.58' ]\n",
        "format = \"virtscope-deck\"\nversion = 1\n[[cards]]\nid = \"a\"\nfront = \"f\"\nback = \"b\"\ntags = []\n[deck]\nid = \"d\"\nname = \"n\"\n",
    ];

    /// Inputs outside the subset or wrong: the reader must decline them.
    const DECLINED: &[&str] = &[
        "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\n",
        "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\nname = \"n\"\nname = \"m\"\n",
        "format = \"virtscope-deck\"\nversion = 1.0\n[deck]\nid = \"d\"\nname = \"n\"\n",
        "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\nname = \"\\e\"\n",
        "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\nname = { x = 1 }\n",
        "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\nname = \"n\"\n[[cards]]\nid = \"a\"\n",
        "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\nname = \"n\" x\n",
        "format = \"virtscope-deck\"\nversion = 1\n[ deck ]\nid = \"d\"\nname = \"n\"\n",
        "format = \"virtscope-deck\"\nversion = 01\n[deck]\nid = \"d\"\nname = \"n\"\n",
        "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\nname = \"\"\"a\"\"\"\"\"\"\n",
        "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\nname = \"a\rb\"\n",
    ];

    #[test]
    fn accepted_inputs_agree_with_the_toml_crate() {
        for text in ACCEPTED {
            let fast = read(text).unwrap_or_else(|| panic!("declined {text:?}"));
            let slow = parse_with_toml(text).expect("toml accepts");
            assert!(same(&fast, &slow), "{text:?}");
        }
        let parts = read(ACCEPTED[1]).expect("accepted");
        assert_eq!(parts.cards[0].0.front, "  x y \"\" z\"");
        assert_eq!(parts.cards[0].0.back, "\"quoted\" at start");
        assert_eq!(parts.cards[0].0.tags, ["t1", "t2", "t3"]);
        assert_eq!(parts.deck.description, "line '' one\nline two");
        let shows = parts.cards[0].0.shows.as_ref().expect("shows");
        assert_eq!(shows.get_ref(), &["PUE", "1.58"]);
        assert!(ACCEPTED[1][shows.span()].starts_with("[\"PUE\""));
    }

    #[test]
    fn inputs_outside_the_subset_are_declined() {
        for text in DECLINED {
            assert!(read(text).is_none(), "accepted {text:?}");
        }
    }

    /// Every single-character insertion into the richest fixture: whatever the reader accepts,
    /// `toml` reads the same; and both outcomes occur, so the comparison is not vacuous.
    #[test]
    fn every_one_character_edit_is_accepted_identically_or_declined() {
        let base = ACCEPTED[1];
        let (mut accepted, mut declined) = (0, 0);
        for at in (0..=base.len()).filter(|&i| base.is_char_boundary(i)) {
            for insert in [
                " ", "\"", "'", "\\", "\n", "#", "=", "[", "]", ",", "x", "\t", "1",
            ] {
                let mut text = base.to_owned();
                text.insert_str(at, insert);
                match read(&text) {
                    Some(fast) => {
                        accepted += 1;
                        let slow = parse_with_toml(&text);
                        assert!(slow.is_ok_and(|slow| same(&fast, &slow)), "{text:?}");
                    }
                    None => declined += 1,
                }
            }
        }
        assert!(
            accepted > 100 && declined > 100,
            "{accepted} accepted, {declined} declined"
        );
    }

    proptest! {
        #![proptest_config(super::super::proptest_config(256))]

        /// Whatever the reader accepts, the `toml` crate reads to the same parts.
        #[test]
        fn the_reader_agrees_with_toml_whenever_it_accepts(
            base in proptest::sample::select(ACCEPTED.to_vec()),
            cut in 0usize..400,
            insert in "[\"'\\\\\\[\\]={}\n#a-z0-9 \t,.\u{e9}]{0,6}",
        ) {
            let mut text = base.to_owned();
            let mut at = cut.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, &insert);
            if let Some(fast) = read(&text) {
                let slow = parse_with_toml(&text);
                prop_assert!(slow.is_ok(), "toml rejects what the reader accepted: {text:?}");
                if let Ok(slow) = slow {
                    prop_assert!(same(&fast, &slow), "{text:?}");
                }
            }
        }

        #[test]
        fn arbitrary_input_never_panics(text in any::<String>()) {
            if let Some(fast) = read(&text) {
                prop_assert!(parse_with_toml(&text).is_ok_and(|slow| same(&fast, &slow)));
            }
        }
    }
}
