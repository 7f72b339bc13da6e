//! The small piece of HTML that Anki fields need, in both directions.
//!
//! Anki stores fields as HTML. virtscope exports card text escaped (`&`, `<`, `>`) with line
//! breaks as `<br>`, so Anki shows the Markdown source line by line, and [`html_to_text`] undoes
//! exactly that, which makes virtscope → Anki → virtscope lossless. Fields written in Anki's
//! editor also use `<div>` per line, `<b>`, `<i>`, `<code>`, lists and `&nbsp;`; those become
//! line breaks, Markdown markers and spaces, and other tags are dropped.

/// Escapes `text` for an Anki HTML field: `&`, `<`, `>` as entities and `\n` as `<br>`.
pub fn text_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            ch => out.push(ch),
        }
    }
    out
}

/// Turns an Anki HTML field into card text (light Markdown); the inverse of [`text_to_html`].
/// Linear in the input: a `<` or `&` that starts nothing is kept as text without rescanning.
pub fn html_to_text(html: &str) -> String {
    convert(html, &mut Source)
}

/// Turns a field of an Anki package (HTML written in Anki's editor) into a card side in the
/// deck's Markdown: text is escaped where Markdown would read it as markup (`*`, `` ` ``, `\`,
/// `_` at a word's edge), line breaks, blocks, lists, bold, italics and code become Markdown,
/// `<pre>` a fenced code block, and `<img src="NAME">` an image whose path is `image_path(NAME)`
/// (the media file's place beside the deck). Other tags are dropped; their text stays.
pub fn html_to_markdown(html: &str, image_path: &dyn Fn(&str) -> String) -> String {
    let mut sink = Markdown {
        image_path,
        in_pre: false,
        fence_open: false,
        lists: Vec::new(),
    };
    let text = convert(html, &mut sink);
    // HTML collapses runs of white space (outside `<pre>`); one blank line separates blocks.
    let mut in_code = false;
    let mut lines: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let line = if line.starts_with("```") {
            in_code = !in_code;
            line.to_owned()
        } else if in_code {
            line.to_owned()
        } else {
            line.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        let repeated_blank = line.is_empty() && lines.last().is_some_and(String::is_empty);
        if !repeated_blank || in_code {
            lines.push(line);
        }
    }
    lines.join("\n").trim().to_owned()
}

/// What a conversion does with the text between tags and with each tag.
trait Sink {
    /// Appends literal text (entities already decoded).
    fn text(&mut self, text: &str, out: &mut String);
    /// Appends what the tag means; `raw` is the whole tag, `<` to `>`.
    fn tag(&mut self, name: &str, raw: &str, out: &mut String);
}

/// [`html_to_text`]: text as it is (it is Markdown source already), tags as Markdown markers.
struct Source;

impl Sink for Source {
    fn text(&mut self, text: &str, out: &mut String) {
        out.push_str(text);
    }

    fn tag(&mut self, name: &str, _raw: &str, out: &mut String) {
        apply_tag(name, out);
    }
}

/// [`html_to_markdown`]: text escaped for Markdown, images and preformatted blocks too.
struct Markdown<'a> {
    image_path: &'a dyn Fn(&str) -> String,
    in_pre: bool,
    /// A code fence was opened and its line is not ended yet: a `<code class="language-X">`
    /// may still name its language.
    fence_open: bool,
    /// The open lists, innermost last: the next number of a numbered list, `None` for bullets.
    lists: Vec<Option<u64>>,
}

impl Markdown<'_> {
    fn end_fence_line(&mut self, out: &mut String) {
        if self.fence_open {
            out.push('\n');
            self.fence_open = false;
        }
    }
}

impl Sink for Markdown<'_> {
    fn text(&mut self, text: &str, out: &mut String) {
        if text.is_empty() {
            return;
        }
        self.end_fence_line(out);
        if self.in_pre {
            out.push_str(text);
            return;
        }
        let chars: Vec<char> = text.chars().collect();
        for (i, &ch) in chars.iter().enumerate() {
            match ch {
                '\\' | '*' | '`' => {
                    out.push('\\');
                    out.push(ch);
                }
                '_' => {
                    let before = out.chars().next_back().is_some_and(char::is_alphanumeric);
                    let after = chars.get(i + 1).is_some_and(|c| c.is_alphanumeric());
                    if !(before && after) {
                        out.push('\\');
                    }
                    out.push('_');
                }
                '!' if chars.get(i + 1) == Some(&'[') => out.push_str("\\!"),
                '\n' | '\r' | '\t' => out.push(' '),
                ch => out.push(ch),
            }
        }
    }

    fn tag(&mut self, name: &str, raw: &str, out: &mut String) {
        if name == "code" && self.fence_open {
            let class = attribute(raw, "class").unwrap_or_default();
            if let Some(language) = class
                .split_whitespace()
                .find_map(|c| c.strip_prefix("language-"))
            {
                out.push_str(language);
            }
            return;
        }
        self.end_fence_line(out);
        match name {
            "pre" => {
                new_line(out);
                out.push_str("```");
                self.in_pre = true;
                self.fence_open = true;
            }
            "/pre" => {
                new_line(out);
                out.push_str("```\n");
                self.in_pre = false;
            }
            "code" | "/code" if self.in_pre => {}
            "ol" => {
                let start = attribute(raw, "start").and_then(|s| s.trim().parse().ok());
                self.lists.push(Some(start.unwrap_or(1)));
            }
            "ul" => self.lists.push(None),
            "/ol" | "/ul" => {
                self.lists.pop();
                new_line(out);
                if self.lists.is_empty() {
                    // A blank line ends the list, so the text after it is not part of its last item.
                    out.push('\n');
                }
            }
            "li" => {
                new_line(out);
                match self.lists.last_mut() {
                    Some(Some(number)) => {
                        out.push_str(&format!("{number}. "));
                        *number += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            "br" if self.in_pre => out.push('\n'),
            "/p" => {
                // A paragraph ends with a blank line, as in Markdown (Anki's editor writes
                // `<div>` per line instead, which stays one line break).
                new_line(out);
                out.push('\n');
            }
            "img" => {
                if let Some(src) = attribute(raw, "src") {
                    let alt = attribute(raw, "alt").unwrap_or_default();
                    let alt: String = alt.chars().filter(|c| !matches!(c, '[' | ']')).collect();
                    out.push_str(&format!("![{alt}]({})", (self.image_path)(&src)));
                }
            }
            _ => apply_tag(name, out),
        }
    }
}

/// Runs the scanner over `html`, giving text and tags to `sink`.
fn convert(html: &str, sink: &mut dyn Sink) -> String {
    let mut out = String::with_capacity(html.len());
    // Past the last `>` (or `-->`) no tag (or comment) can close, so none is searched for.
    let last_gt = html.rfind('>');
    let last_comment_end = html.rfind("-->");
    let mut i = 0;
    let mut decoded = [0_u8; 4];
    while i < html.len() {
        let plain = html[i..].find(['<', '&']).unwrap_or(html.len() - i);
        sink.text(&html[i..i + plain], &mut out);
        i += plain;
        let rest = &html[i..];
        if rest.starts_with('<') {
            match split_tag(rest, i, last_gt, last_comment_end) {
                Some((tag, consumed)) => {
                    sink.tag(&tag, &rest[..consumed], &mut out);
                    i += consumed;
                }
                None => {
                    sink.text("<", &mut out);
                    i += 1;
                }
            }
        } else if rest.starts_with('&') {
            match split_entity(rest) {
                Some((ch, consumed)) => {
                    sink.text(ch.encode_utf8(&mut decoded), &mut out);
                    i += consumed;
                }
                None => {
                    sink.text("&", &mut out);
                    i += 1;
                }
            }
        }
    }
    out
}

/// The value of attribute `name` in the tag `raw` (`<img src="a.png">`), quoted with `"` or `'`
/// or unquoted, with its entities decoded.
fn attribute(raw: &str, name: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(name) {
        let start = from + found;
        from = start + name.len();
        let boundary = lower[..start].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = lower[from..].trim_start();
        if !boundary || !rest.starts_with('=') {
            continue;
        }
        let value_start = raw.len() - rest.len() + 1;
        let value = raw[value_start..].trim_start();
        let value = match value.chars().next()? {
            quote @ ('"' | '\'') => {
                let inner = &value[1..];
                &inner[..inner.find(quote)?]
            }
            _ => {
                let end = value
                    .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
                    .unwrap_or(value.len());
                &value[..end]
            }
        };
        return Some(html_to_text(value));
    }
    None
}

/// Ends the line being written, unless it is empty.
fn new_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Renders a card side (the deck's Markdown, see [`super::markdown`]) as HTML for an Anki field:
/// paragraphs as `<p>`, lists as `<ul>`/`<ol>`, code blocks as `<pre><code>`, emphasis, strong,
/// code and line breaks as `<i>`, `<b>`, `<code>`, `<br>`, and images as `<img>` whose `src` is
/// `image_src(path)` (the media file's name in the package). [`html_to_markdown`] reads it back.
pub fn markdown_to_html(text: &str, image_src: &dyn Fn(&str) -> String) -> String {
    use super::markdown::{Block, parse};
    let mut out = String::with_capacity(text.len() + 32);
    for block in parse(text) {
        match block {
            Block::Paragraph(inlines) => {
                out.push_str("<p>");
                push_inlines(&inlines, image_src, &mut out);
                out.push_str("</p>");
            }
            Block::List { start, items } => {
                let (open, close) = match start {
                    Some(1) => ("<ol>".to_owned(), "</ol>"),
                    Some(n) => (format!("<ol start=\"{n}\">"), "</ol>"),
                    None => ("<ul>".to_owned(), "</ul>"),
                };
                out.push_str(&open);
                for item in items {
                    out.push_str("<li>");
                    push_inlines(&item, image_src, &mut out);
                    out.push_str("</li>");
                }
                out.push_str(close);
            }
            Block::CodeBlock { code, language } => {
                match language {
                    Some(language) => {
                        out.push_str(&format!(
                            "<pre><code class=\"language-{}\">",
                            escape(&language)
                        ));
                    }
                    None => out.push_str("<pre><code>"),
                }
                out.push_str(&escape(&code).replace('\n', "<br>"));
                out.push_str("</code></pre>");
            }
        }
    }
    out
}

fn push_inlines(
    inlines: &[super::markdown::Inline],
    image_src: &dyn Fn(&str) -> String,
    out: &mut String,
) {
    use super::markdown::Inline;
    for inline in inlines {
        match inline {
            Inline::Text(text) => out.push_str(&escape(text)),
            Inline::Emphasis(text) => out.push_str(&format!("<i>{}</i>", escape(text))),
            Inline::Strong(text) => out.push_str(&format!("<b>{}</b>", escape(text))),
            Inline::Code(text) => out.push_str(&format!("<code>{}</code>", escape(text))),
            Inline::LineBreak => out.push_str("<br>"),
            Inline::Image { alt, src } => out.push_str(&format!(
                "<img src=\"{}\" alt=\"{}\">",
                escape(&image_src(src)),
                escape(alt)
            )),
        }
    }
}

/// Escapes `text` for HTML text or a quoted attribute: `&`, `<`, `>` and `"`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            ch => out.push(ch),
        }
    }
    out
}

/// A tag at the start of `text` (`<name ...>`, `</name>`, `<!-- ... -->`), which is at byte
/// `offset` of the field: its lower-case name with a leading `/` for closing tags, and the bytes
/// it takes. `None` if `<` does not start a tag.
fn split_tag(
    text: &str,
    offset: usize,
    last_gt: Option<usize>,
    last_comment_end: Option<usize>,
) -> Option<(String, usize)> {
    if let Some(comment) = text.strip_prefix("<!--") {
        if last_comment_end? < offset + 4 {
            return None;
        }
        let end = comment.find("-->")?;
        return Some((String::from("!"), 4 + end + 3));
    }
    if last_gt? < offset {
        return None;
    }
    let inner = &text[1..];
    let name_start = inner.strip_prefix('/').unwrap_or(inner);
    if !name_start.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let end = inner.find('>')?;
    let closing = inner.starts_with('/');
    let name: String = name_start
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let name = if closing { format!("/{name}") } else { name };
    Some((name, 1 + end + 1))
}

/// Appends what a tag means in card text.
fn apply_tag(tag: &str, out: &mut String) {
    match tag {
        "br" => out.push('\n'),
        "div" | "p" | "/p" | "/ul" | "/ol" | "tr" => new_line(out),
        "li" => {
            new_line(out);
            out.push_str("- ");
        }
        "b" | "/b" | "strong" | "/strong" => out.push_str("**"),
        "i" | "/i" | "em" | "/em" => out.push('*'),
        "code" | "/code" => out.push('`'),
        _ => {}
    }
}

/// An entity at the start of `text` (`&amp;`, `&#39;`, `&#x2014;`, ...): the character and the
/// bytes it takes. `None` for anything else, which then stays literal.
fn split_entity(text: &str) -> Option<(char, usize)> {
    // The longest entity read is `&#x10FFFF;` (10 bytes); look no further for the `;`.
    let end = text.bytes().take(11).position(|b| b == b';')?;
    let name = &text[1..end];
    let ch = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((ch, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_and_unescape_are_inverse() {
        let text = "a < b && c > d\n- `<br>` is literal &amp; too\n";
        let html = text_to_html(text);
        assert_eq!(
            html,
            "a &lt; b &amp;&amp; c &gt; d<br>- `&lt;br&gt;` is literal &amp;amp; too<br>"
        );
        assert_eq!(html_to_text(&html), text);
    }

    #[test]
    fn anki_editor_markup_becomes_markdown() {
        assert_eq!(
            html_to_text("Trap<div>then <b>emulate</b></div><div>then <i>resume</i>&nbsp;it</div>"),
            "Trap\nthen **emulate**\nthen *resume* it"
        );
        assert_eq!(
            html_to_text("Steps:<ul><li>trap</li><li>emulate</li></ul>done"),
            "Steps:\n- trap\n- emulate\ndone"
        );
        assert_eq!(
            html_to_text("<span style=\"color: red\">x</span><!-- c --> &#8212; &#x41;"),
            "x — A"
        );
    }

    #[test]
    fn stray_ampersands_and_angles_stay_literal() {
        for literal in [
            "a & b",
            "x < 3",
            "&unknown; &#xZZ;",
            "<3 and <>",
            "a &#1114112;",
        ] {
            assert_eq!(html_to_text(literal), literal);
        }
    }

    fn media(name: &str) -> String {
        format!("deck.media/{}", crate::deck::markdown::image_path(name))
    }

    #[test]
    fn anki_fields_become_markdown_with_markup_characters_escaped() {
        assert_eq!(
            html_to_markdown("2 * 3 = 6, `x`, a\\b, cpu_max, _under_", &media),
            "2 \\* 3 = 6, \\`x\\`, a\\\\b, cpu_max, \\_under\\_"
        );
        assert_eq!(
            html_to_markdown("<b>bold</b>   and\n<i>it</i><br>next&nbsp;line", &media),
            "**bold** and *it*\nnext line"
        );
        assert_eq!(
            html_to_markdown("<img src=\"my pic (1).png\" alt=\"a [ring]\">", &media),
            "![a ring](deck.media/my%20pic%20%281%29.png)"
        );
        assert_eq!(
            html_to_markdown(
                "<ol start=\"3\"><li>c</li><li>d</li></ol><ul><li>e</li></ul>",
                &media
            ),
            "3. c\n4. d\n\n- e"
        );
        assert_eq!(
            html_to_markdown(
                "<pre><code class=\"language-sh\">ls  -l<br>echo *</code></pre>",
                &media
            ),
            "```sh\nls  -l\necho *\n```"
        );
    }

    #[test]
    fn markdown_renders_as_html_that_reads_back() {
        let text = "Intro **bold** *it* `code`\n\n- one\n- two\n\n2. second\n3. third\n\n```sh\nls -l\n```\n![alt](deck.media/a%20b.png)";
        let html = markdown_to_html(text, &|src| crate::deck::markdown::decode_image_path(src));
        assert_eq!(
            html,
            "<p>Intro <b>bold</b> <i>it</i> <code>code</code></p><ul><li>one</li><li>two</li></ul>\
             <ol start=\"2\"><li>second</li><li>third</li></ol>\
             <pre><code class=\"language-sh\">ls -l</code></pre>\
             <p><img src=\"deck.media/a b.png\" alt=\"alt\"></p>"
        );
        let back = html_to_markdown(&html, &|name| crate::deck::markdown::image_path(name));
        assert_eq!(
            back,
            "Intro **bold** *it* `code`\n\n- one\n- two\n\n2. second\n3. third\n\n```sh\nls -l\n```\n![alt](deck.media/a%20b.png)"
        );
    }

    proptest::proptest! {
        #[test]
        fn plain_words_survive_markdown_to_html_and_back(text in "[a-zA-Z0-9 ,.?]{1,60}") {
            let html = markdown_to_html(&text, &|s| s.to_owned());
            let back = html_to_markdown(&html, &|s| s.to_owned());
            let words: Vec<&str> = text.split_whitespace().collect();
            proptest::prop_assert_eq!(back, words.join(" "));
        }

        #[test]
        fn any_field_converts_without_panicking(html in proptest::prelude::any::<String>()) {
            let _ = html_to_markdown(&html, &|s| s.to_owned());
        }
    }

    proptest::proptest! {
        #![proptest_config(super::super::proptest_config(128))]

        #[test]
        fn any_text_survives_the_html_round_trip(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(html_to_text(&text_to_html(&text)), text);
        }

        #[test]
        fn arbitrary_html_never_panics(html in proptest::prelude::any::<String>()) {
            let _ = html_to_text(&html);
        }

        #[test]
        fn tag_shaped_html_never_panics(html in "[<>/&#;!a-z0-9x -]{0,40}") {
            let _ = html_to_text(&html);
        }
    }
}
