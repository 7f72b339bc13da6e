//! CSV records as Anki's text importer reads them (it uses the `csv` crate with `#` comments):
//! fields split by one separator character, a field starting with `"` is quoted (`""` inside is
//! one `"`, and it may span lines), blank lines are skipped, and a line starting with `#` where a
//! record would start is a comment.
//!
//! Written here rather than taken from a crate because it is small and the errors must name the
//! file and line where, e.g., an unterminated quote was opened.

use super::error::{DeckError, Location};

/// One row of fields and the line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// 1-based line of the record's first character.
    pub line: usize,
    /// The fields, unquoted.
    pub fields: Vec<String>,
}

/// Splits `text` into records. `first_line` is the line number of `text`'s first line in the
/// file (header lines come before it); `source` names the file in errors.
pub fn read_records(
    text: &str,
    first_line: usize,
    separator: char,
    source: &str,
) -> Result<Vec<Record>, DeckError> {
    let mut records = Vec::new();
    let mut pos = 0;
    let mut line = first_line;
    while pos < text.len() {
        let rest = &text[pos..];
        if rest.starts_with('\n') {
            pos += 1;
            line += 1;
            continue;
        }
        if rest.starts_with('#') {
            match rest.find('\n') {
                Some(end) => {
                    pos += end + 1;
                    line += 1;
                }
                None => pos = text.len(),
            }
            continue;
        }
        let record_line = line;
        let mut fields = Vec::new();
        loop {
            let mut field = String::new();
            if text[pos..].starts_with('"') {
                let opened_at = line;
                pos += 1;
                loop {
                    let Some(quote) = text[pos..].find('"') else {
                        return Err(DeckError::parse(
                            Location::line(source, opened_at),
                            "a quoted field opened on this line is never closed (missing `\"`)",
                        ));
                    };
                    let chunk = &text[pos..pos + quote];
                    line += chunk.bytes().filter(|&b| b == b'\n').count();
                    field.push_str(chunk);
                    pos += quote + 1;
                    if text[pos..].starts_with('"') {
                        field.push('"');
                        pos += 1;
                    } else {
                        break;
                    }
                }
            }
            // Unquoted text, or text after a closing quote (kept, as the csv crate does).
            let end = text[pos..]
                .find([separator, '\n'])
                .map_or(text.len(), |i| pos + i);
            field.push_str(&text[pos..end]);
            fields.push(field);
            pos = end;
            match text[pos..].chars().next() {
                Some('\n') => {
                    pos += 1;
                    line += 1;
                    break;
                }
                Some(c) => pos += c.len_utf8(),
                None => break,
            }
        }
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(records)
}

/// Appends `field` to `out`, quoted when it holds the separator, a quote, a line break, or
/// starts with `#` or white space (so readers neither split, comment out nor trim it).
pub fn push_field(out: &mut String, field: &str, separator: char) {
    let needs_quotes = field.contains([separator, '"', '\n', '\r'])
        || field.starts_with('#')
        || field.starts_with(char::is_whitespace)
        || field.ends_with(char::is_whitespace);
    if needs_quotes {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str, separator: char) -> Vec<Vec<String>> {
        read_records(text, 1, separator, "t")
            .expect("valid")
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    #[test]
    fn quoting_escapes_and_multi_line_fields() {
        let text = "a,\"b, with comma\",\"say \"\"hi\"\"\"\n\"two\nlines\",x,\n";
        assert_eq!(
            fields(text, ','),
            [
                vec!["a", "b, with comma", "say \"hi\""],
                vec!["two\nlines", "x", ""],
            ]
        );
        let records = read_records(text, 5, ',', "t").expect("valid");
        assert_eq!(records[1].line, 6);
    }

    #[test]
    fn comments_and_blank_lines_are_skipped_and_lines_counted() {
        let records = read_records("#c\n\na\tb\n# not a field\nc\td", 1, '\t', "t").expect("ok");
        assert_eq!(records.len(), 2);
        assert_eq!((records[0].line, records[1].line), (3, 5));
        // A `#` inside a record is text.
        assert_eq!(fields("a;#b", ';'), [vec!["a", "#b"]]);
    }

    #[test]
    fn unterminated_quote_names_the_line_it_opened_on() {
        let error =
            read_records("ok,fine\nx,\"never\nclosed", 1, ',', "u.csv").expect_err("unterminated");
        assert_eq!(
            error.to_string(),
            "u.csv:2: a quoted field opened on this line is never closed (missing `\"`)"
        );
    }

    #[test]
    fn text_after_a_closing_quote_is_kept_like_the_csv_crate() {
        assert_eq!(fields("\"a\"b,c", ','), [vec!["ab", "c"]]);
    }

    proptest::proptest! {
        #![proptest_config(super::super::proptest_config(64))]

        #[test]
        fn written_fields_read_back(
            rows in proptest::collection::vec(
                proptest::collection::vec(proptest::prelude::any::<String>(), 2..4), 1..5),
            separator in proptest::sample::select(vec!['\t', ',', ';', '|', ':', ' ']),
        ) {
            // A record's fields must not all be empty, or the row is a blank line.
            let rows: Vec<Vec<String>> = rows
                .into_iter()
                .map(|r| r.into_iter().map(|f| format!("x{f}")).collect())
                .collect();
            let mut text = String::new();
            for row in &rows {
                for (i, field) in row.iter().enumerate() {
                    if i > 0 {
                        text.push(separator);
                    }
                    push_field(&mut text, field, separator);
                }
                text.push('\n');
            }
            let back = fields(&text, separator);
            proptest::prop_assert_eq!(back, rows);
        }

        #[test]
        fn arbitrary_input_never_panics(text in proptest::prelude::any::<String>()) {
            let _ = read_records(&text, 1, ',', "fuzz");
        }
    }
}
