//! Anki's text format ("Notes in Plain Text", Anki 2.1.54 and later), both directions.
//!
//! Reading follows Anki's own importer (`rslib/src/import_export/text/csv/`): header lines
//! `#key:value` at the top (`separator`, `html`, `tags`, `columns`, `deck`, `notetype`,
//! `deck column`, `notetype column`, `tags column`, `guid column`; other `#` lines are comments),
//! a legacy first line `tags:...`, then CSV records. Column numbers are 1-based. Without a
//! `#separator:` line the separator is the first of Tab, Pipe, Semicolon, Colon, Comma, Space found
//! in the first 8 KiB of records (Anki's order), and without a `tags column` a column right after
//! the back becomes the tags, as Anki does for its two-field Basic note type.
//!
//! Writing produces what Anki's note export produces (`#separator:tab`, `#html:true`,
//! `#guid column:1`, `#tags column:4`), with the card id as the note's guid, so a deck goes to
//! Anki and comes back with the same ids, fronts, backs and tags. Anki's Basic note type has only
//! Front and Back, so a card's `note` and `scene` are not exported.

use super::csv::{push_field, read_records};
use super::error::{DeckError, Location, Warning};
use super::html::{html_to_text, text_to_html};
use super::io::normalize_newlines;
use super::model::{Card, Deck, DeckMeta, Imported, Origin, assign_missing_ids, deck_id_from_name};

/// Separators in the order Anki tries them when a file does not name one.
const DETECT_ORDER: [char; 6] = ['\t', '|', ';', ':', ',', ' '];

/// How much of the records is searched for a separator, as Anki does.
const DETECT_WINDOW_BYTES: usize = 8 * 1024;

/// What the header lines said.
#[derive(Default)]
struct Header {
    separator: Option<char>,
    html: Option<bool>,
    global_tags: Vec<String>,
    column_labels: Option<Vec<String>>,
    deck: Option<String>,
    deck_column: Option<usize>,
    notetype_column: Option<usize>,
    tags_column: Option<usize>,
    guid_column: Option<usize>,
}

/// Reads an Anki text file. Cards without a guid column get ids derived from their fronts;
/// recoverable problems (ragged rows, unknown header values) come back as warnings.
pub fn parse_anki(text: &str, source_name: &str) -> Result<Imported, DeckError> {
    let text = normalize_newlines(text);
    let text = text.as_ref();
    if text.trim().is_empty() {
        return Err(DeckError::Empty {
            at: Location::file(source_name),
        });
    }
    let mut warnings = Vec::new();
    let (header, body, body_first_line) = read_header(text, source_name, &mut warnings);
    let separator = header.separator.unwrap_or_else(|| detect_separator(body));
    let records = read_records(body, body_first_line, separator, source_name)?;
    let html = header.html.unwrap_or(false);

    let expected_columns = header
        .column_labels
        .as_ref()
        .map(Vec::len)
        .or_else(|| records.first().map(|r| r.fields.len()))
        .unwrap_or(0);
    let meta_columns: Vec<usize> = [
        header.guid_column,
        header.deck_column,
        header.notetype_column,
        header.tags_column,
    ]
    .into_iter()
    .flatten()
    .collect();
    let (front_column, back_column) = field_columns(&header, &meta_columns, expected_columns);
    let tags_column = header.tags_column.or_else(|| {
        let next = back_column + 1;
        (next <= expected_columns && !meta_columns.contains(&next)).then_some(next)
    });

    let mut cards = Vec::with_capacity(records.len());
    let mut card_lines = Vec::with_capacity(records.len());
    let mut deck_from_column = None;
    for record in &records {
        let at = Location::line(source_name, record.line);
        let count = record.fields.len();
        let field = |column: usize| column.checked_sub(1).and_then(|i| record.fields.get(i));
        if field(front_column).is_none() || field(back_column).is_none() {
            warnings.push(Warning {
                at,
                message: format!(
                    "{count} {}, but a card needs a front (column {front_column}) and a back \
                     (column {back_column}); row skipped",
                    fields_word(count)
                ),
            });
            continue;
        }
        if count != expected_columns {
            let what = if count > expected_columns {
                "extra fields ignored"
            } else {
                "missing fields left empty"
            };
            warnings.push(Warning {
                at: at.clone(),
                message: format!(
                    "{count} {}, expected {expected_columns}; {what}",
                    fields_word(count)
                ),
            });
        }
        let convert = |s: &String| if html { html_to_text(s) } else { s.clone() };
        let front = field(front_column).map(convert).unwrap_or_default();
        if front.trim().is_empty() {
            warnings.push(Warning {
                at,
                message: "the front is empty; row skipped".into(),
            });
            continue;
        }
        let mut tags: Vec<String> = header.global_tags.clone();
        if let Some(cell) = tags_column.and_then(field) {
            tags.extend(cell.split_whitespace().map(str::to_owned));
        }
        if deck_from_column.is_none() {
            deck_from_column = header.deck_column.and_then(field).cloned();
        }
        cards.push(Card {
            id: header
                .guid_column
                .and_then(field)
                .map(|g| g.trim().to_owned())
                .unwrap_or_default(),
            front,
            back: field(back_column).map(convert).unwrap_or_default(),
            tags,
            note: None,
            scene: None,
            shows: Vec::new(),
        });
        card_lines.push(record.line);
    }
    assign_missing_ids(&mut cards);

    let name = header
        .deck
        .or(deck_from_column)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| file_stem(source_name));
    Ok(Imported {
        deck: Deck {
            meta: DeckMeta {
                id: deck_id_from_name(&name),
                name,
                source: source_name.to_owned(),
                ..DeckMeta::default()
            },
            cards,
            origin: Origin {
                source: source_name.to_owned(),
                card_lines,
                shows_lines: Vec::new(),
            },
        },
        warnings,
    })
}

fn fields_word(count: usize) -> &'static str {
    if count == 1 { "field" } else { "fields" }
}

/// The 1-based columns of the front and back: by `#columns:` labels `Front` and `Back` when
/// present, otherwise the first two columns that are not guid, deck, notetype or tags columns.
fn field_columns(header: &Header, meta_columns: &[usize], columns: usize) -> (usize, usize) {
    let labelled = |name: &str| {
        header.column_labels.as_ref().and_then(|labels| {
            labels
                .iter()
                .position(|l| l.trim().eq_ignore_ascii_case(name))
                .map(|i| i + 1)
                .filter(|c| !meta_columns.contains(c))
        })
    };
    let mut free = (1..=columns.max(2) + meta_columns.len()).filter(|c| !meta_columns.contains(c));
    let first = free.next().unwrap_or(1);
    let second = free.next().unwrap_or(first + 1);
    match (labelled("front"), labelled("back")) {
        (Some(front), Some(back)) => (front, back),
        _ => (first, second),
    }
}

/// Reads the header lines at the top: returns what they said, the rest of the text, and the
/// line number the rest starts on.
fn read_header<'t>(
    text: &'t str,
    source_name: &str,
    warnings: &mut Vec<Warning>,
) -> (Header, &'t str, usize) {
    let mut header = Header::default();
    let mut rest = text;
    let mut line_number = 1;
    while let Some(line) = rest.split('\n').next() {
        let is_legacy_tags = line_number == 1 && line.starts_with("tags:");
        if !line.starts_with('#') && !is_legacy_tags {
            break;
        }
        if is_legacy_tags {
            header.global_tags = split_tags(&line["tags:".len()..]);
        } else if let Some((key, value)) = line[1..].split_once(':') {
            let at = Location::line(source_name, line_number);
            apply_header_line(&mut header, key, value, at, warnings);
        }
        rest = rest.get(line.len() + 1..).unwrap_or("");
        line_number += 1;
    }
    (header, rest, line_number)
}

fn apply_header_line(
    header: &mut Header,
    key: &str,
    value: &str,
    at: Location,
    warnings: &mut Vec<Warning>,
) {
    let warn = |message: String| warnings.push(Warning { at, message });
    let column = |value: &str| value.trim().parse::<usize>().ok().filter(|&c| c > 0);
    let key = key.trim().to_ascii_lowercase();
    match key.as_str() {
        "separator" => match separator_from_value(value) {
            Some(separator) => header.separator = Some(separator),
            None => warn(format!(
                "unknown separator {value:?} (expected Tab, Comma, Semicolon, Space, Pipe, Colon or one character); detecting it instead"
            )),
        },
        "html" => match value.trim().to_ascii_lowercase().as_str() {
            "true" => header.html = Some(true),
            "false" => header.html = Some(false),
            _ => warn(format!(
                "#html: expects true or false, found {value:?}; using false"
            )),
        },
        "tags" => header.global_tags = split_tags(value),
        "columns" => {
            let separator = header.separator.unwrap_or('\t');
            header.column_labels = Some(value.split(separator).map(str::to_owned).collect());
        }
        "deck" => header.deck = Some(value.trim().to_owned()),
        "notetype" => {}
        "deck column" | "notetype column" | "tags column" | "guid column" => {
            let Some(n) = column(value) else {
                warn(format!(
                    "#{key}: expects a column number from 1, found {value:?}; ignored"
                ));
                return;
            };
            let slot = match key.as_str() {
                "deck column" => &mut header.deck_column,
                "notetype column" => &mut header.notetype_column,
                "tags column" => &mut header.tags_column,
                _ => &mut header.guid_column,
            };
            *slot = Some(n);
        }
        // Any other `#...:...` line is a comment.
        _ => {}
    }
}

/// `Tab`, `comma`, ... (case-insensitive) or one literal character other than a quote or a line
/// break.
fn separator_from_value(value: &str) -> Option<char> {
    let named = match value.trim().to_ascii_lowercase().as_str() {
        "tab" => Some('\t'),
        "comma" => Some(','),
        "semicolon" => Some(';'),
        "space" => Some(' '),
        "pipe" => Some('|'),
        "colon" => Some(':'),
        _ => None,
    };
    named.or_else(|| {
        let mut chars = value.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c != '"' && c != '\n' && c != '\r' => Some(c),
            _ => None,
        }
    })
}

fn detect_separator(body: &str) -> char {
    let mut end = body.len().min(DETECT_WINDOW_BYTES);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let window = &body[..end];
    DETECT_ORDER
        .into_iter()
        .find(|&c| window.contains(c))
        .unwrap_or(' ')
}

fn split_tags(value: &str) -> Vec<String> {
    value.split_whitespace().map(str::to_owned).collect()
}

/// The file name without folders or extension, as a fallback deck name.
fn file_stem(source_name: &str) -> String {
    std::path::Path::new(source_name).file_stem().map_or_else(
        || source_name.to_owned(),
        |s| s.to_string_lossy().into_owned(),
    )
}

/// Writes `deck` in Anki's text format: guid (the card id), front, back and space-separated
/// tags, fields as HTML (see [`text_to_html`]), tab-separated with CSV quoting where needed.
pub fn write_anki(deck: &Deck) -> String {
    const SEPARATOR: char = '\t';
    let mut out = String::with_capacity(128 + deck.cards.len() * 200);
    out.push_str("#separator:tab\n#html:true\n#guid column:1\n#tags column:4\n");
    out.push_str("#notetype:Basic\n");
    let name: String = deck
        .meta
        .name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !name.is_empty() {
        out.push_str(&format!("#deck:{name}\n"));
    }
    for card in &deck.cards {
        push_field(&mut out, &card.id, SEPARATOR);
        out.push(SEPARATOR);
        push_field(&mut out, &text_to_html(&card.front), SEPARATOR);
        out.push(SEPARATOR);
        push_field(&mut out, &text_to_html(&card.back), SEPARATOR);
        out.push(SEPARATOR);
        push_field(&mut out, &card.tags.join(" "), SEPARATOR);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn import(text: &str) -> Imported {
        parse_anki(text, "cards.txt").expect("valid")
    }

    #[test]
    fn headers_columns_quoting_and_tags() {
        let text = "#separator:Semicolon\n#html:false\n#deck:Virt\n#guid column:1\n#tags column:4\n# a comment\nid-1;\"Front; with separator\";\"two\nlines\";tag1 tag2\nid-2;Q2;A2;\n";
        let imported = import(text);
        assert_eq!(imported.warnings, []);
        let deck = &imported.deck;
        assert_eq!(deck.meta.name, "Virt");
        assert_eq!(deck.meta.id, "virt");
        assert_eq!(deck.cards.len(), 2);
        assert_eq!(deck.cards[0].id, "id-1");
        assert_eq!(deck.cards[0].front, "Front; with separator");
        assert_eq!(deck.cards[0].back, "two\nlines");
        assert_eq!(deck.cards[0].tags, ["tag1", "tag2"]);
        assert_eq!(deck.cards[1].tags, Vec::<String>::new());
        assert_eq!(deck.origin.card_lines, [7, 9]);
    }

    #[test]
    fn separators_by_name_literal_and_detection() {
        for (header, row) in [
            ("#separator:Tab\n", "q\ta"),
            ("#separator:comma\n", "q,a"),
            ("#separator:Pipe\n", "q|a"),
            ("#separator:colon\n", "q:a"),
            ("#separator:space\n", "q a"),
            ("#separator:|\n", "q|a"),
            ("#separator:~\n", "q~a"),
            ("", "q\ta"),
            ("", "q;a"),
            ("", "q,a"),
        ] {
            let deck = import(&format!("{header}{row}\n")).deck;
            assert_eq!(
                (deck.cards[0].front.as_str(), deck.cards[0].back.as_str()),
                ("q", "a"),
                "{header:?} {row:?}"
            );
        }
    }

    #[test]
    fn html_fields_become_text_and_plain_fields_stay_raw() {
        let html = import("#html:true\nA &amp; B<br>C\t<b>x</b>&lt;y&gt;\n").deck;
        assert_eq!(html.cards[0].front, "A & B\nC");
        assert_eq!(html.cards[0].back, "**x**<y>");
        let plain = import("#html:false\nA &amp; B\t<b>x</b>\n").deck;
        assert_eq!(plain.cards[0].front, "A &amp; B");
        assert_eq!(plain.cards[0].back, "<b>x</b>");
    }

    #[test]
    fn a_third_column_is_tags_and_global_tags_are_added() {
        let deck = import("tags:course\nq\ta\tcpu hw\n").deck;
        assert_eq!(deck.cards[0].tags, ["course", "cpu", "hw"]);
        let deck = import("#tags:g1 g2\nq\ta\n").deck;
        assert_eq!(deck.cards[0].tags, ["g1", "g2"]);
    }

    #[test]
    fn columns_header_maps_front_and_back_by_name() {
        let deck = import("#separator:tab\n#columns:Back\tFront\nthe answer\tthe question\n").deck;
        assert_eq!(deck.cards[0].front, "the question");
        assert_eq!(deck.cards[0].back, "the answer");
    }

    #[test]
    fn anki_export_with_notetype_and_deck_columns() {
        // The layout Anki writes with guid, notetype, deck and tags all selected.
        let text = "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\nAb1|x\tBasic\tVirt::CPU\tWhat traps?\tPrivileged<div>instructions</div>\tcpu\n";
        let deck = import(text).deck;
        assert_eq!(deck.meta.name, "Virt::CPU");
        assert_eq!(deck.cards[0].id, "Ab1|x");
        assert_eq!(deck.cards[0].front, "What traps?");
        assert_eq!(deck.cards[0].back, "Privileged\ninstructions");
        assert_eq!(deck.cards[0].tags, ["cpu"]);
    }

    #[test]
    fn ragged_rows_are_warnings_naming_the_line() {
        let imported = import("#separator:comma\nq1,a1,t\nq2,a2\nq3,a3,t,extra,more\nonly-front\n");
        let deck = &imported.deck;
        assert_eq!(deck.cards.len(), 3);
        let messages: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "cards.txt:3: warning: 2 fields, expected 3; missing fields left empty",
                "cards.txt:4: warning: 5 fields, expected 3; extra fields ignored",
                "cards.txt:5: warning: 1 field, but a card needs a front (column 1) and a back (column 2); row skipped",
            ]
        );
    }

    #[test]
    fn unterminated_quote_is_an_error_naming_the_line() {
        let error = parse_anki("#separator:tab\nq\ta\n\"open\tb\nc\n", "bad.txt").expect_err("bad");
        assert!(
            error.to_string().starts_with("bad.txt:3: a quoted field"),
            "{error}"
        );
    }

    #[test]
    fn bad_header_values_warn() {
        let imported = import("#separator:Banana\n#html:maybe\n#tags column:zero\nq\ta\n");
        assert_eq!(imported.warnings.len(), 3);
        assert_eq!(imported.warnings[0].at.line, Some(1));
        assert_eq!(imported.deck.cards.len(), 1);
    }

    #[test]
    fn ids_are_derived_when_there_is_no_guid_and_stable_across_imports() {
        let a = import("q1\ta1\nq2\ta2\n").deck;
        let b = import("q1\tchanged answer\nq2\ta2\n").deck;
        assert_eq!(a.cards[0].id, b.cards[0].id);
        assert_ne!(a.cards[0].id, a.cards[1].id);
        assert_eq!(a.meta.name, "cards");
    }

    #[test]
    fn empty_front_rows_are_skipped_with_a_warning() {
        let imported = import("q\ta\n\tno front\n");
        assert_eq!(imported.deck.cards.len(), 1);
        assert_eq!(imported.warnings[0].at.line, Some(2));
    }

    #[test]
    fn export_layout_is_what_anki_reads() {
        let deck = Deck {
            meta: DeckMeta {
                id: "d".into(),
                name: "My\ndeck".into(),
                ..DeckMeta::default()
            },
            cards: vec![Card {
                id: "trap".into(),
                front: "#1 \"quoted\"".into(),
                back: "a\tb\nc & <d>".into(),
                tags: vec!["cpu".into(), "x".into()],
                note: Some("not exported".into()),
                scene: Some("cpu".into()),
                shows: vec!["not exported".into()],
            }],
            origin: Origin::default(),
        };
        let text = write_anki(&deck);
        assert_eq!(
            text,
            "#separator:tab\n#html:true\n#guid column:1\n#tags column:4\n#notetype:Basic\n#deck:My deck\n\
             trap\t\"#1 \"\"quoted\"\"\"\t\"a\tb<br>c &amp; &lt;d&gt;\"\tcpu x\n"
        );
    }

    fn card_strategy() -> impl Strategy<Value = Card> {
        // Anki guids and tags have no white space; card text has `\n` line breaks (`\r\n` is
        // normalized on import) and a front with some non-space character.
        let text = "[^\r]{0,30}";
        (
            "[!-~]{1,12}",
            text.prop_map(|t| format!("q{t}")),
            text,
            proptest::collection::vec("[!-~]{1,8}", 0..4),
        )
            .prop_map(|(id, front, back, tags)| Card {
                id,
                front,
                back,
                tags,
                note: None,
                scene: None,
                shows: Vec::new(),
            })
    }

    proptest! {
        #![proptest_config(super::super::proptest_config(48))]

        #[test]
        fn anki_round_trip_preserves_id_front_back_and_tags(
            cards in proptest::collection::vec(card_strategy(), 1..6),
            name in "[a-zA-Z][a-zA-Z0-9 :]{0,20}",
        ) {
            let deck = Deck {
                meta: DeckMeta { id: deck_id_from_name(&name), name: name.trim().to_owned(), ..DeckMeta::default() },
                cards,
                origin: Origin::default(),
            };
            let text = write_anki(&deck);
            let imported = parse_anki(&text, "rt.txt").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
            prop_assert_eq!(imported.warnings, vec![]);
            prop_assert_eq!(&imported.deck.cards, &deck.cards);
        }

        #[test]
        fn arbitrary_input_never_panics(text in any::<String>()) {
            let _ = parse_anki(&text, "fuzz");
        }

        #[test]
        fn header_shaped_input_never_panics(
            lines in proptest::collection::vec("#?[a-z ]{0,12}:?[a-zA-Z0-9\t,;|\" ]{0,12}", 0..8)
        ) {
            let _ = parse_anki(&lines.join("\n"), "fuzz");
        }
    }
}
