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
    let mut out = String::with_capacity(html.len());
    // Past the last `>` (or `-->`) no tag (or comment) can close, so none is searched for.
    let last_gt = html.rfind('>');
    let last_comment_end = html.rfind("-->");
    let mut i = 0;
    while i < html.len() {
        let plain = html[i..].find(['<', '&']).unwrap_or(html.len() - i);
        out.push_str(&html[i..i + plain]);
        i += plain;
        let rest = &html[i..];
        if rest.starts_with('<') {
            match split_tag(rest, i, last_gt, last_comment_end) {
                Some((tag, consumed)) => {
                    apply_tag(&tag, &mut out);
                    i += consumed;
                }
                None => {
                    out.push('<');
                    i += 1;
                }
            }
        } else if rest.starts_with('&') {
            match split_entity(rest) {
                Some((decoded, consumed)) => {
                    out.push(decoded);
                    i += consumed;
                }
                None => {
                    out.push('&');
                    i += 1;
                }
            }
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
    let new_line = |out: &mut String| {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
    };
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
