//! Light Markdown for card sides: paragraphs, bullet and numbered lists, fenced code blocks, and
//! inline emphasis, strong and code.
//!
//! Cards are short, so a full CommonMark parser would be weight without benefit; this covers what
//! flashcards use, never fails (anything it does not recognise is text), and hands the renderer
//! a flat list of blocks. Two deliberate differences from CommonMark, both because flashcard
//! answers are written line by line:
//! - a single line break inside a paragraph or list item is kept as [`Inline::LineBreak`]
//!   (as GitHub comments do) instead of becoming a space;
//! - emphasis does not nest: the text between `**` and `**` is plain text.

/// A block of a card side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// Lines of text, separated from other blocks by blank lines.
    Paragraph(Vec<Inline>),
    /// A bullet (`- `, `* `, `+ `) or numbered (`1. `, `1) `) list.
    List {
        /// For a numbered list, the first item's number; `None` for a bullet list.
        start: Option<u64>,
        /// Each item's text (continuation lines joined with [`Inline::LineBreak`]).
        items: Vec<Vec<Inline>>,
    },
    /// A fenced code block (```` ``` ```` lines), shown verbatim in a monospace font.
    CodeBlock {
        /// The word after the opening fence (e.g. `sh`), if any.
        language: Option<String>,
        /// The lines between the fences, joined with `\n`.
        code: String,
    },
}

/// A run of text with one style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// `*text*` or `_text_`, shown in italics.
    Emphasis(String),
    /// `**text**` or `__text__`, shown in bold.
    Strong(String),
    /// `` `code` ``, shown in a monospace font.
    Code(String),
    /// A line break inside a paragraph or list item.
    LineBreak,
}

/// Parses a card side into blocks. Never fails: unrecognised syntax is text.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() {
            continue;
        }
        if let Some(language) = fence_language(line) {
            let mut code = Vec::new();
            for code_line in lines.by_ref() {
                if fence_language(code_line).is_some() {
                    break;
                }
                code.push(code_line);
            }
            blocks.push(Block::CodeBlock {
                language: (!language.is_empty()).then(|| language.to_owned()),
                code: code.join("\n"),
            });
        } else if let Some(first) = list_marker(line) {
            let kind_is_numbered = first.number.is_some();
            let mut items = vec![first.rest.to_owned()];
            while let Some(&next) = lines.peek() {
                if next.trim().is_empty() {
                    // A blank line ends the list unless another item of the same kind follows.
                    let mut ahead = lines.clone();
                    ahead.next();
                    let continues = ahead
                        .peek()
                        .and_then(|l| list_marker(l))
                        .is_some_and(|m| m.number.is_some() == kind_is_numbered);
                    if !continues {
                        break;
                    }
                    lines.next();
                } else if fence_language(next).is_some() {
                    break;
                } else if let Some(marker) = list_marker(next) {
                    if marker.number.is_some() != kind_is_numbered {
                        break;
                    }
                    items.push(marker.rest.to_owned());
                    lines.next();
                } else {
                    // A continuation line of the current item.
                    if let Some(item) = items.last_mut() {
                        item.push('\n');
                        item.push_str(next.trim());
                    }
                    lines.next();
                }
            }
            blocks.push(Block::List {
                start: first.number,
                items: items.iter().map(|item| parse_inline(item)).collect(),
            });
        } else {
            let mut paragraph = vec![line.trim()];
            while let Some(&next) = lines.peek() {
                if next.trim().is_empty()
                    || fence_language(next).is_some()
                    || list_marker(next).is_some()
                {
                    break;
                }
                paragraph.push(next.trim());
                lines.next();
            }
            blocks.push(Block::Paragraph(parse_inline(&paragraph.join("\n"))));
        }
    }
    blocks
}

/// The language after an opening or closing code fence (```` ``` ```` with optional
/// indentation), or `None` when the line is not a fence.
fn fence_language(line: &str) -> Option<&str> {
    line.trim_start().strip_prefix("```").map(str::trim)
}

/// A list item's marker: its number (for numbered lists) and the text after the marker.
struct ListMarker<'a> {
    number: Option<u64>,
    rest: &'a str,
}

fn list_marker(line: &str) -> Option<ListMarker<'_>> {
    let trimmed = line.trim_start();
    for bullet in ["- ", "* ", "+ "] {
        if let Some(rest) = trimmed.strip_prefix(bullet) {
            return Some(ListMarker {
                number: None,
                rest: rest.trim(),
            });
        }
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let rest = &trimmed[digits..];
    let rest = rest
        .strip_prefix(". ")
        .or_else(|| rest.strip_prefix(") "))?;
    Some(ListMarker {
        number: trimmed[..digits].parse().ok(),
        rest: rest.trim(),
    })
}

/// Parses inline spans: code, strong, emphasis, backslash escapes and line breaks.
pub fn parse_inline(text: &str) -> Vec<Inline> {
    let mut spans = Vec::new();
    let mut plain = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        match ch {
            '\\' if chars.get(i + 1).is_some_and(|c| is_escapable(*c)) => {
                plain.push(chars[i + 1]);
                i += 2;
            }
            '\n' => {
                flush(&mut plain, &mut spans);
                spans.push(Inline::LineBreak);
                i += 1;
            }
            '`' => match find_run(&chars, i + 1, &['`']) {
                Some(end) => {
                    flush(&mut plain, &mut spans);
                    spans.push(Inline::Code(chars[i + 1..end].iter().collect()));
                    i = end + 1;
                }
                None => {
                    plain.push(ch);
                    i += 1;
                }
            },
            '*' | '_' => match delimited(&chars, i) {
                Some((span, next)) => {
                    flush(&mut plain, &mut spans);
                    spans.push(span);
                    i = next;
                }
                None => {
                    plain.push(ch);
                    i += 1;
                }
            },
            _ => {
                plain.push(ch);
                i += 1;
            }
        }
    }
    flush(&mut plain, &mut spans);
    spans
}

fn is_escapable(ch: char) -> bool {
    matches!(
        ch,
        '\\' | '`' | '*' | '_' | '#' | '-' | '+' | '.' | '!' | '[' | ']' | '(' | ')'
    )
}

fn flush(plain: &mut String, spans: &mut Vec<Inline>) {
    if !plain.is_empty() {
        spans.push(Inline::Text(std::mem::take(plain)));
    }
}

/// The index of the next occurrence of `pattern` at or after `from`, on the same line.
fn find_run(chars: &[char], from: usize, pattern: &[char]) -> Option<usize> {
    let mut j = from;
    while j + pattern.len() <= chars.len() {
        if chars[j] == '\n' {
            return None;
        }
        if chars[j..j + pattern.len()] == *pattern {
            return Some(j);
        }
        j += 1;
    }
    None
}

/// Emphasis or strong starting at `start` (a `*` or `_`): the span and the index after its
/// closing delimiter, or `None` when the delimiter is literal (unmatched, followed by white space,
/// or an `_` inside a word such as `cpu_max`).
fn delimited(chars: &[char], start: usize) -> Option<(Inline, usize)> {
    let mark = chars[start];
    let double = chars.get(start + 1) == Some(&mark);
    let width = if double { 2 } else { 1 };
    let open_end = start + width;
    let first_inner = *chars.get(open_end)?;
    if first_inner.is_whitespace() || first_inner == mark {
        return None;
    }
    let word_before = start > 0 && chars[start - 1].is_alphanumeric();
    if mark == '_' && word_before {
        return None;
    }
    let closing: Vec<char> = vec![mark; width];
    let mut search = open_end;
    loop {
        let end = find_run(chars, search, &closing)?;
        let before_close = chars[end - 1];
        let after_close = chars.get(end + width).copied();
        let word_after = after_close.is_some_and(char::is_alphanumeric);
        let closes = end > open_end
            && !before_close.is_whitespace()
            && after_close != Some(mark)
            && !(mark == '_' && word_after);
        if closes {
            let inner: String = chars[open_end..end].iter().collect();
            let span = if double {
                Inline::Strong(inner)
            } else {
                Inline::Emphasis(inner)
            };
            return Some((span, end + width));
        }
        search = end + 1;
    }
}

/// A card side as one line of plain text, for lists and tables: the Markdown markers go, the
/// words stay, and line and block breaks become spaces.
pub fn plain_text(text: &str) -> String {
    fn push_inlines(inlines: &[Inline], words: &mut Vec<String>) {
        for inline in inlines {
            match inline {
                Inline::Text(text)
                | Inline::Emphasis(text)
                | Inline::Strong(text)
                | Inline::Code(text) => words.push(text.clone()),
                Inline::LineBreak => words.push(" ".to_owned()),
            }
        }
        words.push(" ".to_owned());
    }
    let mut words: Vec<String> = Vec::new();
    for block in parse(text) {
        match block {
            Block::Paragraph(inlines) => push_inlines(&inlines, &mut words),
            Block::List { items, .. } => {
                for item in items {
                    push_inlines(&item, &mut words);
                }
            }
            Block::CodeBlock { code, .. } => {
                words.push(code);
                words.push(" ".to_owned());
            }
        }
    }
    words
        .concat()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_owned())
    }

    #[test]
    fn paragraphs_keep_line_breaks_and_split_on_blank_lines() {
        let blocks = parse("first line\nsecond line\n\nnext paragraph");
        assert_eq!(
            blocks,
            [
                Block::Paragraph(vec![
                    text("first line"),
                    Inline::LineBreak,
                    text("second line")
                ]),
                Block::Paragraph(vec![text("next paragraph")]),
            ]
        );
    }

    #[test]
    fn bullet_and_numbered_lists() {
        let blocks = parse("Intro:\n- one\n- two\n  continued\n\n3. three\n4) four");
        assert_eq!(
            blocks,
            [
                Block::Paragraph(vec![text("Intro:")]),
                Block::List {
                    start: None,
                    items: vec![
                        vec![text("one")],
                        vec![text("two"), Inline::LineBreak, text("continued")],
                    ],
                },
                Block::List {
                    start: Some(3),
                    items: vec![vec![text("three")], vec![text("four")]],
                },
            ]
        );
    }

    #[test]
    fn a_blank_line_between_items_of_one_list_keeps_the_list() {
        let blocks = parse("- a\n\n- b");
        assert_eq!(
            blocks,
            [Block::List {
                start: None,
                items: vec![vec![text("a")], vec![text("b")]],
            }]
        );
    }

    #[test]
    fn code_blocks_are_verbatim_and_may_be_unterminated() {
        let blocks = parse("Run:\n```sh\ndocker rm $(docker ps -aq)\n  *not emphasis*\n```\nafter");
        assert_eq!(
            blocks,
            [
                Block::Paragraph(vec![text("Run:")]),
                Block::CodeBlock {
                    language: Some("sh".into()),
                    code: "docker rm $(docker ps -aq)\n  *not emphasis*".into(),
                },
                Block::Paragraph(vec![text("after")]),
            ]
        );
        assert_eq!(
            parse("```\nopen"),
            [Block::CodeBlock {
                language: None,
                code: "open".into()
            }]
        );
    }

    #[test]
    fn inline_spans() {
        assert_eq!(
            parse_inline("a *em* b **strong** c `co*de*` d _u_ e __U__"),
            [
                text("a "),
                Inline::Emphasis("em".into()),
                text(" b "),
                Inline::Strong("strong".into()),
                text(" c "),
                Inline::Code("co*de*".into()),
                text(" d "),
                Inline::Emphasis("u".into()),
                text(" e "),
                Inline::Strong("U".into()),
            ]
        );
    }

    #[test]
    fn literal_delimiters_stay_text() {
        for literal in [
            "2 * 3 * 4",
            "Devices (/dev/*)",
            "cpu_max and memory_high",
            "an ` alone",
            "**unclosed",
            "\\*escaped\\*",
        ] {
            let spans = parse_inline(literal);
            assert!(
                spans.iter().all(|s| matches!(s, Inline::Text(_))),
                "{literal}: {spans:?}"
            );
        }
        assert_eq!(parse_inline("\\*escaped\\*"), [text("*escaped*")]);
    }

    #[test]
    fn emphasis_does_not_cross_lines() {
        assert_eq!(
            parse_inline("*a\nb*"),
            [text("*a"), Inline::LineBreak, text("b*")]
        );
    }

    proptest::proptest! {
        #![proptest_config(super::super::proptest_config(128))]

        #[test]
        fn arbitrary_input_never_panics(input in proptest::prelude::any::<String>()) {
            let _ = parse(&input);
        }

        #[test]
        fn markdown_shaped_input_never_panics(input in "[-*_`\\\\ 1.)a\n]{0,40}") {
            let blocks = parse(&input);
            // Every non-blank input yields at least one block.
            proptest::prop_assert_eq!(blocks.is_empty(), input.trim().is_empty());
        }

        #[test]
        fn plain_words_are_one_text_span(words in "[a-zA-Z ,]{1,40}") {
            let spans = parse_inline(&words);
            proptest::prop_assert_eq!(spans, vec![Inline::Text(words.clone())]);
        }
    }

    #[test]
    fn plain_text_keeps_the_words_and_drops_the_markers() {
        assert_eq!(plain_text("`docker rm`"), "docker rm");
        assert_eq!(
            plain_text("What does `docker ps -a` **show**?\nIt *lists*:\n\n- running\n- stopped"),
            "What does docker ps -a show? It lists: running stopped"
        );
        assert_eq!(plain_text("```sh\nls -l\n```"), "ls -l");
        assert_eq!(plain_text(r"a \* b"), "a * b");
    }
}
