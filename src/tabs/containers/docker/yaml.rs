//! A YAML subset, enough for compose files: block maps and lists by indentation, flow lists of
//! scalars, quoted scalars and comments.
//!
//! Hand-written because a compose file a student edits needs only this much and every error must
//! name its line; anything outside the subset (anchors, multi-line strings, flow maps) is such an
//! error. serde_yaml, the usual crate, is deprecated and keeps no positions.
//!
//! `marked-yaml` 0.8.0 (the newest on crates.io, on `yaml-rust2` 0.10.4; a mark on every node)
//! was tried and builds here, but cannot take this parser's place, for two reasons found in the
//! trial:
//! - It aborts the app on a short input. It loads through `yaml_rust2::parser::Parser::load`,
//!   which recurses once per nested block collection with no depth bound (its recursion limit
//!   covers flow collections only), so one typed line such as `echo '- - - … - x' > compose.yaml`
//!   overflows the stack: 1,000 levels (a 2 KB line) did in a debug build on a 2 MiB thread.
//!   A stack overflow is not a panic and cannot be caught; here such a line parses as one scalar.
//! - Its errors name the line where the scanner gave up, not the line of the mistake: for
//!   `a: 1` / `not a pair` it reports line 3 ("simple key expect ':'") of a two-line file, and
//!   for `a: [1, 2` line 2; this parser names line 2 and line 1, which a student can act on.

/// A parsed YAML value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Value {
    /// A mapping in file order.
    Map(Vec<(String, Value)>),
    /// A sequence.
    List(Vec<Value>),
    /// A scalar (quotes removed).
    Scalar(String),
    /// An empty value (`key:` with nothing below).
    Null,
}

impl Value {
    /// The value under `key`, for maps.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Self::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The scalar text, if a scalar.
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Self::Scalar(text) => Some(text),
            _ => None,
        }
    }
}

/// A YAML error with its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("yaml: line {line}: {message}")]
pub(super) struct YamlError {
    /// Line.
    pub(super) line: usize,
    /// What is wrong.
    pub(super) message: String,
}

struct Line {
    number: usize,
    indent: usize,
    text: String,
}

/// Removes a trailing comment (a `#` at the start or after a blank, outside quotes).
fn strip_comment(text: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut previous_blank = true;
    for (index, c) in text.char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && previous_blank => return &text[..index],
            None => {}
        }
        previous_blank = c == ' ' || c == '\t';
    }
    text
}

/// Parses a document.
pub(super) fn parse(text: &str) -> Result<Value, YamlError> {
    let mut lines = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        if raw.contains('\t') && raw.trim_start().len() != raw.len() && raw.starts_with('\t') {
            return Err(YamlError {
                line: number,
                message: "found character that cannot start any token (a tab in indentation)"
                    .to_owned(),
            });
        }
        let content = strip_comment(raw).trim_end();
        if content.trim().is_empty() || content.trim() == "---" {
            continue;
        }
        let indent = content.len() - content.trim_start().len();
        lines.push(Line {
            number,
            indent,
            text: content.trim_start().to_owned(),
        });
    }
    let Some(first) = lines.first() else {
        return Ok(Value::Null);
    };
    let mut position = 0;
    let value = block(&lines, &mut position, first.indent)?;
    if let Some(extra) = lines.get(position) {
        return Err(YamlError {
            line: extra.number,
            message: "did not find expected key (check the indentation)".to_owned(),
        });
    }
    Ok(value)
}

/// Parses the block starting at `lines[*position]` whose items sit at `indent`.
fn block(lines: &[Line], position: &mut usize, indent: usize) -> Result<Value, YamlError> {
    let Some(first) = lines.get(*position) else {
        return Ok(Value::Null);
    };
    if first.text.starts_with("- ") || first.text == "-" {
        let mut items = Vec::new();
        while let Some(line) = lines.get(*position) {
            if line.indent < indent {
                break;
            }
            let item = line
                .text
                .strip_prefix('-')
                .filter(|rest| line.indent == indent && (rest.is_empty() || rest.starts_with(' ')));
            let Some(rest) = item.map(str::trim_start) else {
                return Err(YamlError {
                    line: line.number,
                    message: "did not find expected '-' indicator".to_owned(),
                });
            };
            *position += 1;
            if rest.is_empty() {
                let child_indent = lines.get(*position).map_or(0, |l| l.indent);
                if child_indent > indent {
                    items.push(block(lines, position, child_indent)?);
                } else {
                    items.push(Value::Null);
                }
            } else if key_value(rest).is_some() {
                return Err(YamlError {
                    line: line.number,
                    message: "maps inside lists are not supported in this sandbox".to_owned(),
                });
            } else {
                items.push(scalar_or_flow(rest, line.number)?);
            }
        }
        return Ok(Value::List(items));
    }
    let mut entries: Vec<(String, Value)> = Vec::new();
    while let Some(line) = lines.get(*position) {
        if line.indent < indent {
            break;
        }
        if line.indent > indent {
            return Err(YamlError {
                line: line.number,
                message: "mapping values are not allowed in this context (unexpected indentation)"
                    .to_owned(),
            });
        }
        let Some((key, rest)) = key_value(&line.text) else {
            return Err(YamlError {
                line: line.number,
                message: "could not find expected ':'".to_owned(),
            });
        };
        if entries.iter().any(|(k, _)| *k == key) {
            return Err(YamlError {
                line: line.number,
                message: format!("mapping key \"{key}\" already defined"),
            });
        }
        *position += 1;
        let value = if rest.is_empty() {
            match lines.get(*position) {
                Some(next) if next.indent > indent => block(lines, position, next.indent)?,
                Some(next) if next.indent == indent && next.text.starts_with('-') => {
                    block(lines, position, indent)?
                }
                _ => Value::Null,
            }
        } else {
            scalar_or_flow(rest, line.number)?
        };
        entries.push((key, value));
    }
    Ok(Value::Map(entries))
}

/// Splits `key: value` (the colon must be followed by a blank or the end).
fn key_value(text: &str) -> Option<(String, &str)> {
    let mut quote: Option<char> = None;
    for (index, c) in text.char_indices() {
        match quote {
            Some(open) if c == open => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && index == 0 => quote = Some(c),
            None if c == ':' => {
                let after = &text[index + 1..];
                if after.is_empty() || after.starts_with(' ') {
                    let key = unquote(text[..index].trim());
                    return Some((key, after.trim()));
                }
            }
            None => {}
        }
    }
    None
}

fn unquote(text: &str) -> String {
    ['"', '\'']
        .into_iter()
        .find_map(|q| text.strip_prefix(q)?.strip_suffix(q))
        .unwrap_or(text)
        .to_owned()
}

fn scalar_or_flow(text: &str, line: usize) -> Result<Value, YamlError> {
    if let Some(inner) = text.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return Err(YamlError {
                line,
                message: "did not find expected ',' or ']'".to_owned(),
            });
        };
        if inner.trim().is_empty() {
            return Ok(Value::List(Vec::new()));
        }
        return Ok(Value::List(
            inner
                .split(',')
                .map(|item| Value::Scalar(unquote(item.trim())))
                .collect(),
        ));
    }
    if text.starts_with('{')
        || text.starts_with('&')
        || text.starts_with('*')
        || text.starts_with('|')
        || text.starts_with('>')
    {
        return Err(YamlError {
            line,
            message: "flow maps, anchors and block scalars are not supported in this sandbox"
                .to_owned(),
        });
    }
    Ok(Value::Scalar(unquote(text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_compose_shape() {
        let text = "services:\n  web:\n    image: \"nginx:latest\"  # comment\n    ports:\n      - \"8080:80\"\n    command: [\"sleep\", \"5\"]\n  cache:\n    image: redis\n";
        let doc = parse(text).unwrap();
        let web = doc.get("services").and_then(|s| s.get("web")).unwrap();
        assert_eq!(
            web.get("image").and_then(Value::as_str),
            Some("nginx:latest")
        );
        assert_eq!(
            web.get("ports"),
            Some(&Value::List(vec![Value::Scalar("8080:80".into())]))
        );
        assert_eq!(
            web.get("command"),
            Some(&Value::List(vec![
                Value::Scalar("sleep".into()),
                Value::Scalar("5".into())
            ]))
        );
        let list_at_same_indent = parse("a:\n- x\n- y\n").unwrap();
        assert_eq!(
            list_at_same_indent.get("a"),
            Some(&Value::List(vec![
                Value::Scalar("x".into()),
                Value::Scalar("y".into())
            ]))
        );
        assert_eq!(
            parse("url: http://x#y\n")
                .unwrap()
                .get("url")
                .and_then(Value::as_str),
            Some("http://x#y")
        );
    }

    /// The reason the module doc gives for not using `marked-yaml`: block collections nested
    /// on one typed line do not recurse here (yaml-rust2's loader overflowed the stack at 1,000).
    #[test]
    fn deeply_nested_dashes_on_one_line_are_one_scalar() {
        let line = format!("a:\n  - {}x\n", "- ".repeat(50_000));
        let doc = parse(&line).unwrap();
        let Some(Value::List(items)) = doc.get("a") else {
            panic!("a is not a list: {doc:?}");
        };
        assert_eq!(items.len(), 1);
        assert!(items[0].as_str().is_some_and(|s| s.ends_with("- x")));
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(parse("a: 1\n   b: 2\n").unwrap_err().line, 2);
        assert_eq!(parse("a: 1\nnot a pair\n").unwrap_err().line, 2);
        assert_eq!(parse("a: 1\na: 2\n").unwrap_err().line, 2);
        assert_eq!(parse("a: [1, 2\n").unwrap_err().line, 1);
    }
}
