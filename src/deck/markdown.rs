//! Light Markdown for card sides: paragraphs, bullet and numbered lists, fenced code blocks, and
//! inline emphasis, strong, code and images (`![alt](path)`, a file beside the deck).
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
    /// `![alt](path)`: an image file, its path relative to the deck file's folder with `%`
    /// escapes for characters a link cannot hold (see [`image_path`]).
    Image {
        /// The text shown when the image cannot be (and read aloud).
        alt: String,
        /// The path as written.
        src: String,
    },
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
            '!' | '*' | '_' => match if ch == '!' {
                image(&chars, i)
            } else {
                delimited(&chars, i)
            } {
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

/// An image `![alt](src)` starting at `start` (the `!`), on one line, with no white space in
/// `src`: the span and the index after its `)`.
fn image(chars: &[char], start: usize) -> Option<(Inline, usize)> {
    if chars.get(start + 1) != Some(&'[') {
        return None;
    }
    let close_alt = find_run(chars, start + 2, &[']', '('])?;
    let close = find_run(chars, close_alt + 2, &[')'])?;
    let src: String = chars[close_alt + 2..close].iter().collect();
    if src.is_empty() || src.contains(char::is_whitespace) {
        return None;
    }
    let alt = chars[start + 2..close_alt].iter().collect();
    Some((Inline::Image { alt, src }, close + 1))
}

/// The `src` of every image a card side shows, in order.
pub fn image_sources(text: &str) -> Vec<String> {
    let mut sources = Vec::new();
    let mut take = |inlines: &[Inline]| {
        for inline in inlines {
            if let Inline::Image { src, .. } = inline {
                sources.push(src.clone());
            }
        }
    };
    for block in parse(text) {
        match block {
            Block::Paragraph(inlines) => take(&inlines),
            Block::List { items, .. } => items.iter().for_each(|item| take(item)),
            Block::CodeBlock { .. } => {}
        }
    }
    sources
}

/// The link text for a file name: `%`, white space, `(`, `)`, `[`, `]` and control characters
/// written as `%XX`, so any file name fits in `![alt](...)`. [`decode_image_path`] undoes it.
pub fn image_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.chars() {
        if ch == '%' || ch.is_whitespace() || ch.is_control() || "()[]<>".contains(ch) {
            let mut bytes = [0_u8; 4];
            for byte in ch.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// The file path an image link names: `%XX` escapes decoded (a malformed escape stays as
/// written).
pub fn decode_image_path(src: &str) -> String {
    let bytes = src.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
                Inline::Image { alt, .. } => words.push(if alt.is_empty() {
                    "[image]".to_owned()
                } else {
                    alt.clone()
                }),
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
    fn images_are_inline_spans_with_percent_escaped_paths() {
        assert_eq!(
            parse_inline("see ![a ring](deck.media/ring%201.png) here"),
            [
                text("see "),
                Inline::Image {
                    alt: "a ring".into(),
                    src: "deck.media/ring%201.png".into()
                },
                text(" here")
            ]
        );
        assert_eq!(
            parse_inline("![x](has space.png)"),
            [text("![x](has space.png)")]
        );
        assert_eq!(parse_inline("\\![x](a.png)"), [text("![x](a.png)")]);
        assert_eq!(
            image_sources("a\n- ![](b.png)\n\n![](c%28d%29.png)"),
            ["b.png", "c%28d%29.png"]
        );
        for name in [
            "ring.png",
            "my pic (1).png",
            "100%.png",
            "日本.jpg",
            "a[b].gif",
        ] {
            let path = image_path(name);
            assert!(!path.contains([' ', '(', ')', '[', ']']), "{path}");
            assert_eq!(decode_image_path(&path), name);
        }
        assert_eq!(decode_image_path("bad%zz%4"), "bad%zz%4");
        assert_eq!(plain_text("x ![ring](r.png) ![](s.png)"), "x ring [image]");
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
