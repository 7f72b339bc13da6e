//! Light Markdown for card sides: paragraphs, bullet and numbered lists, fenced code blocks, and
//! inline emphasis, strong, code and images (`![alt](path)`, a file beside the deck).
//!
//! The text is parsed by pulldown-cmark, the maintained CommonMark parser ([`cmark`] turns its
//! events into these blocks); the reviewer (`reviewer/markdown_ui.rs`) and the Anki export
//! (`deck/html.rs`) draw the blocks. The subset shown is the one decks/README.md documents:
//! paragraphs, bullet and numbered lists, fenced code blocks, `*emphasis*`, `**strong**`,
//! `` `code` `` and images. Two deliberate differences from CommonMark, because flashcard
//! answers are written line by line: a single line break inside a paragraph or list item is
//! kept as [`Inline::LineBreak`] (as GitHub comments do) instead of becoming a space, and
//! emphasis does not nest (the text between `**` and `**` is shown as written). Everything else
//! CommonMark knows (headings, block quotes, rules, links, HTML, indented code) is shown as the
//! plain text it was written as, so parsing never fails and nothing typed disappears.

mod cmark;

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
    cmark::parse(text)
}

/// Whether `line` opens or closes a code fence (```` ``` ```` with optional indentation).
fn is_fence(line: &str) -> bool {
    line.trim_start().starts_with("```")
}

/// Whether `line` starts a list item: `- `, `* `, `+ `, or up to nine digits and `. ` or `) `,
/// after optional indentation.
fn is_list_item(line: &str) -> bool {
    let trimmed = line.trim_start();
    if ["- ", "* ", "+ "]
        .iter()
        .any(|bullet| trimmed.starts_with(bullet))
    {
        return true;
    }
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let rest = trimmed.get(digits..).unwrap_or_default();
    (1..=9).contains(&digits) && (rest.starts_with(". ") || rest.starts_with(") "))
}

/// Parses inline spans (code, strong, emphasis, images, escapes, line breaks) of a text, its
/// blocks joined by line breaks.
pub fn parse_inline(text: &str) -> Vec<Inline> {
    let mut spans = Vec::new();
    // Paragraphs are trimmed; the white space at the text's ends is kept as written.
    let first_line = text.lines().next().unwrap_or_default();
    let lead = first_line
        .strip_suffix(first_line.trim_start())
        .unwrap_or_default();
    let last_line = text.lines().last().unwrap_or_default();
    let trail = last_line
        .strip_prefix(last_line.trim_end())
        .unwrap_or_default();
    for block in parse(text) {
        let inlines = match block {
            Block::Paragraph(inlines) => inlines,
            Block::List { items, .. } => items.into_iter().flatten().collect(),
            Block::CodeBlock { code, .. } => vec![Inline::Text(code)],
        };
        if !spans.is_empty() {
            spans.push(Inline::LineBreak);
        }
        spans.extend(inlines);
    }
    if !lead.is_empty() {
        match spans.first_mut() {
            Some(Inline::Text(text)) => text.insert_str(0, lead),
            _ => spans.insert(0, Inline::Text(lead.to_owned())),
        }
    }
    if !trail.is_empty() && lead != text {
        match spans.last_mut() {
            Some(Inline::Text(text)) => text.push_str(trail),
            _ => spans.push(Inline::Text(trail.to_owned())),
        }
    }
    spans
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
    while let Some(&here) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (here, hex) {
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

    /// What CommonMark reads as other blocks or links is shown as written; a numbered item of
    /// any number ends the paragraph above it; different list markers make one list.
    #[test]
    fn what_the_subset_does_not_show_stays_as_written() {
        assert_eq!(
            parse("# Title\n\n> quoted\n\nsee [the docs](https://x.org) &amp; more\n\n---"),
            [
                Block::Paragraph(vec![text("# Title")]),
                Block::Paragraph(vec![text("> quoted")]),
                Block::Paragraph(vec![text("see [the docs](https://x.org) &amp; more")]),
                Block::Paragraph(vec![text("---")]),
            ]
        );
        assert_eq!(
            parse("Steps:\n2. second\n3) third\n- a\n* b"),
            [
                Block::Paragraph(vec![text("Steps:")]),
                Block::List {
                    start: Some(2),
                    items: vec![vec![text("second")], vec![text("third")]],
                },
                Block::List {
                    start: None,
                    items: vec![vec![text("a")], vec![text("b")]],
                },
            ]
        );
        assert_eq!(
            parse("- a\n  - nested\n- b"),
            [Block::List {
                start: None,
                items: vec![vec![text("a")], vec![text("nested")], vec![text("b")]],
            }]
        );
        assert_eq!(parse_inline(r"C:\\Users \$5"), [text(r"C:\Users \$5")]);
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
