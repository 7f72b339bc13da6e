//! Card Markdown read with pulldown-cmark (the maintained CommonMark parser) and turned into the
//! deck's small block model ([`Block`], [`Inline`]).
//!
//! CommonMark decides what is a paragraph, a list, a code block, emphasis, a code span or an
//! image. Where the deck's subset (decks/README.md, "Text: light Markdown") differs, this module
//! keeps the subset's behaviour, because flashcard answers are written line by line:
//! - a line starting a list item ends the paragraph above it, whatever its number (CommonMark
//!   lets only `1.` interrupt a paragraph): a blank line is put in front of such a line before
//!   parsing;
//! - bullet items and numbered items each make one list whatever their marker (`-`, `*`, `+`;
//!   `.` or `)`), across one blank line; nested lists are flattened into their list's items;
//! - a line break inside a paragraph stays a line break ([`Inline::LineBreak`]);
//! - emphasis and strong hold their text as written (no nesting) and never cross a line;
//! - headings, block quotes, rules, HTML, links and indented code are shown as the text they
//!   were written as (lines trimmed), so nothing typed disappears;
//! - an entity (`&amp;`) and a backslash before a character the subset does not escape stay as
//!   written.

use std::iter::Peekable;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, OffsetIter, Options, Parser, Tag, TagEnd};

use super::{Block, Inline, is_fence, is_list_item};

/// The characters a backslash escapes in the deck's subset.
const ESCAPABLE: &str = "\\`*_#-+.![]()";

type Events<'a> = Peekable<OffsetIter<'a>>;

/// Parses a card side into blocks. Never fails: unrecognised syntax is text.
pub(super) fn parse(text: &str) -> Vec<Block> {
    let text = separate_list_starts(text);
    let mut events = Parser::new_ext(&text, Options::empty())
        .into_offset_iter()
        .peekable();
    let mut blocks = Vec::new();
    // Where the last list ended, while nothing else came after it.
    let mut list_end: Option<usize> = None;
    while let Some((event, range)) = events.next() {
        let block = match event {
            Event::Start(Tag::Paragraph) => Block::Paragraph(inlines(&mut events, &text)),
            Event::Start(Tag::List(start)) => {
                let items = list_items(&mut events, &text);
                let gap = list_end.and_then(|end| text.get(end..range.start));
                let joins =
                    gap.is_some_and(|gap| gap.trim().is_empty() && gap.matches('\n').count() <= 1);
                list_end = Some(range.end);
                if joins
                    && let Some(Block::List {
                        start: first,
                        items: before,
                    }) = blocks.last_mut()
                    && first.is_some() == start.is_some()
                {
                    before.extend(items);
                    continue;
                }
                blocks.push(Block::List { start, items });
                continue;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let code = code_text(&mut events);
                let language = info.trim();
                Block::CodeBlock {
                    language: (!language.is_empty()).then(|| language.to_owned()),
                    code,
                }
            }
            Event::Start(_) => {
                skip(&mut events);
                Block::Paragraph(as_written(slice(&text, &range)))
            }
            _ => Block::Paragraph(as_written(slice(&text, &range))),
        };
        list_end = None;
        if !matches!(&block, Block::Paragraph(inlines) if inlines.is_empty()) {
            blocks.push(block);
        }
    }
    blocks
}

/// `text` with a blank line in front of every line that starts a list item right under a line
/// of text (outside code fences), so the item starts a list as the subset reads it.
fn separate_list_starts(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    let mut previous: Option<&str> = None;
    for line in text.split_inclusive('\n') {
        if is_fence(line) {
            in_fence = !in_fence;
        } else if !in_fence
            && is_list_item(line)
            && previous.is_some_and(|p| !p.trim().is_empty() && !is_list_item(p))
        {
            out.push('\n');
        }
        out.push_str(line);
        previous = Some(line);
    }
    out
}

/// The items of a list whose start was just read, nested lists' items flattened into it.
fn list_items(events: &mut Events<'_>, text: &str) -> Vec<Vec<Inline>> {
    let mut items = Vec::new();
    while let Some((event, _)) = events.next() {
        match event {
            Event::Start(Tag::Item) => {
                let mut item = Vec::new();
                let mut nested = Vec::new();
                item_content(events, text, &mut item, &mut nested);
                items.push(item);
                items.extend(nested);
            }
            Event::End(TagEnd::List(_)) => break,
            _ => {}
        }
    }
    items
}

/// The content of a list item up to its end: its paragraphs joined by line breaks, nested
/// lists' items into `nested`, other blocks as written.
fn item_content(
    events: &mut Events<'_>,
    text: &str,
    item: &mut Vec<Inline>,
    nested: &mut Vec<Vec<Inline>>,
) {
    while let Some((event, range)) = events.next() {
        match event {
            Event::End(TagEnd::Item) => break,
            Event::Start(Tag::Paragraph) => {
                let spans = inlines(events, text);
                join_lines(item, spans);
            }
            Event::Start(Tag::List(_)) => nested.extend(list_items(events, text)),
            Event::Start(Tag::CodeBlock(_) | Tag::Heading { .. } | Tag::BlockQuote(_))
            | Event::Start(Tag::HtmlBlock) => {
                skip(events);
                join_lines(item, as_written(slice(text, &range)));
            }
            event => inline_event(event, range, events, text, item),
        }
    }
}

/// Appends `spans` to `item`, after a line break when it already has text.
fn join_lines(item: &mut Vec<Inline>, spans: Vec<Inline>) {
    if !item.is_empty() && !spans.is_empty() {
        item.push(Inline::LineBreak);
    }
    for span in spans {
        push(item, span);
    }
}

/// The inline spans up to the end of the container just started (a paragraph).
fn inlines(events: &mut Events<'_>, text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    while let Some((event, range)) = events.next() {
        if matches!(event, Event::End(_)) {
            break;
        }
        inline_event(event, range, events, text, &mut out);
    }
    out
}

/// Adds the span of one inline event (reading a started span's events up to its end).
fn inline_event(
    event: Event<'_>,
    range: Range<usize>,
    events: &mut Events<'_>,
    text: &str,
    out: &mut Vec<Inline>,
) {
    let source = slice(text, &range);
    match event {
        Event::Text(value) => {
            let after_backslash = text
                .get(..range.start)
                .is_some_and(|before| before.ends_with('\\'));
            push(
                out,
                Inline::Text(text_as_meant(&value, source, after_backslash)),
            );
        }
        Event::Code(code) => out.push(Inline::Code(code.into_string())),
        Event::SoftBreak | Event::HardBreak => out.push(Inline::LineBreak),
        Event::Start(tag @ (Tag::Emphasis | Tag::Strong)) => {
            skip(events);
            let width = if matches!(tag, Tag::Strong) { 2 } else { 1 };
            let inner = source
                .get(width..source.len().saturating_sub(width))
                .filter(|inner| !source.contains('\n') && !inner.is_empty());
            match inner {
                Some(inner) if width == 2 => out.push(Inline::Strong(inner.to_owned())),
                Some(inner) => out.push(Inline::Emphasis(inner.to_owned())),
                None => as_written(source)
                    .into_iter()
                    .for_each(|span| push(out, span)),
            }
        }
        Event::Start(Tag::Image { dest_url, .. }) => {
            let alt = alt_text(events);
            out.push(Inline::Image {
                alt,
                src: dest_url.into_string(),
            });
        }
        Event::Start(_) => {
            skip(events);
            as_written(source)
                .into_iter()
                .for_each(|span| push(out, span));
        }
        _ => as_written(source)
            .into_iter()
            .for_each(|span| push(out, span)),
    }
}

/// The text of an image's description, up to the image's end.
fn alt_text(events: &mut Events<'_>) -> String {
    let mut alt = String::new();
    skip_with(events, |event| {
        if let Event::Text(text) | Event::Code(text) = event {
            alt.push_str(&text);
        }
    });
    alt
}

/// A code block's text up to its end, without the line break after its last line.
fn code_text(events: &mut Events<'_>) -> String {
    let mut code = String::new();
    for (event, _) in events.by_ref() {
        match event {
            Event::Text(text) => code.push_str(&text),
            Event::End(_) => break,
            _ => {}
        }
    }
    if code.ends_with('\n') {
        code.pop();
    }
    code
}

/// Skips the events of the container just started, up to and including its end.
fn skip(events: &mut Events<'_>) {
    skip_with(events, |_| {});
}

/// Skips the events of the container just started, up to and including its end, showing each
/// one inside it to `inner`.
fn skip_with(events: &mut Events<'_>, mut inner: impl FnMut(Event<'_>)) {
    let mut depth = 1_usize;
    for (event, _) in events.by_ref() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            event => inner(event),
        }
    }
}

/// The part of `text` at `range` (empty if the parser gave a range outside it).
fn slice<'t>(text: &'t str, range: &Range<usize>) -> &'t str {
    text.get(range.clone()).unwrap_or_default()
}

/// Text as written: its lines trimmed, joined by line breaks.
fn as_written(source: &str) -> Vec<Inline> {
    let mut spans = Vec::new();
    for line in source.trim().lines() {
        join_lines(&mut spans, vec![Inline::Text(line.trim().to_owned())]);
    }
    spans.retain(|span| !matches!(span, Inline::Text(text) if text.is_empty()));
    spans
}

/// The text an event means: the parser's, except an entity, which stays as written, and a
/// character after a backslash (`after_backslash`) that the subset does not escape, which keeps
/// its backslash.
fn text_as_meant(value: &str, source: &str, after_backslash: bool) -> String {
    let entity = source.starts_with('&') && source.ends_with(';') && source.len() > 2;
    if entity {
        return source.to_owned();
    }
    let foreign_escape = after_backslash
        && value
            .chars()
            .next()
            .is_some_and(|ch| !ESCAPABLE.contains(ch));
    if foreign_escape {
        format!("\\{value}")
    } else {
        value.to_owned()
    }
}

/// Adds `span`, joining it to the text before it.
fn push(out: &mut Vec<Inline>, span: Inline) {
    match (out.last_mut(), span) {
        (Some(Inline::Text(before)), Inline::Text(text)) => before.push_str(&text),
        (_, Inline::Text(text)) if text.is_empty() => {}
        (_, span) => out.push(span),
    }
}
