//! Scene links: one short text address for every state a card, a lecture step, the CLI or an export
//! can point at.
//!
//! The grammar is `TAB[/VIEW][?key=value&key=value...]`, for example
//! `cpu/trap-emulate?program=popf&step=3`. This module only parses and prints links; what a tab, view,
//! key or value *means* is decided by the tab that owns the link (see [`crate::tabs::Tab::open`]),
//! which is also where an unknown key or a bad value is reported.
//!
//! Values are percent-encoded where they would otherwise break the grammar, so any text (a shell
//! script for the container sandbox, say) fits in a value and `parse(print(link)) == link`.

use std::fmt;

/// A parsed scene link: `tab[/view][?key=value&...]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SceneLink {
    /// The tab id, e.g. `cpu`.
    pub tab: String,

    /// The view inside the tab, e.g. `trap-emulate`; `None` for the tab's default view.
    pub view: Option<String>,

    /// Parameters in the order they were written (and are printed).
    pub params: Vec<(String, String)>,
}

/// Why a link could not be parsed or applied. Every variant names the bad part.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The link text is empty.
    #[error("empty scene link")]
    Empty,

    /// The text does not follow `TAB[/VIEW][?key=value&...]`.
    #[error("malformed scene link {link:?}: {reason}")]
    Malformed {
        /// The whole link as given.
        link: String,
        /// What is wrong, in a few words.
        reason: String,
    },

    /// No registered tab has this id.
    #[error("unknown tab {tab:?} (known tabs: {known})")]
    UnknownTab {
        /// The tab that was asked for.
        tab: String,
        /// The registered tab ids, comma separated.
        known: String,
    },

    /// The tab has no such view.
    #[error("unknown view {view:?} in tab {tab:?} (views: {known})")]
    UnknownView {
        /// The tab.
        tab: String,
        /// The view that was asked for.
        view: String,
        /// The views the tab offers.
        known: String,
    },

    /// The key is not one the tab (or view) accepts.
    #[error("unknown key {key:?} for {scope:?} (keys: {known})")]
    UnknownKey {
        /// `tab` or `tab/view`.
        scope: String,
        /// The key that was given.
        key: String,
        /// The keys the scope accepts.
        known: String,
    },

    /// The value of a known key is not valid.
    #[error("bad value {value:?} for key {key:?}: {reason}")]
    BadValue {
        /// The key.
        key: String,
        /// The value that was given.
        value: String,
        /// Why it is not valid, e.g. the accepted range or choices.
        reason: String,
    },
}

impl SceneLink {
    /// A link to a tab's default view with no parameters.
    pub fn tab(tab: &str) -> Self {
        Self {
            tab: tab.to_owned(),
            view: None,
            params: Vec::new(),
        }
    }

    /// A link to a view of a tab.
    pub fn view(tab: &str, view: &str) -> Self {
        Self {
            tab: tab.to_owned(),
            view: Some(view.to_owned()),
            params: Vec::new(),
        }
    }

    /// Builder: appends `key=value`.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.push((key.to_owned(), value.to_string()));
        self
    }

    /// Sets `key` to `value`, replacing an earlier value of the same key.
    pub fn set(&mut self, key: &str, value: impl ToString) {
        let value = value.to_string();
        match self.params.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.params.push((key.to_owned(), value)),
        }
    }

    /// The value of `key`, if present (the last one wins when a key repeats).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Removes every `key=...`.
    pub fn remove(&mut self, key: &str) {
        self.params.retain(|(k, _)| k != key);
    }

    /// `tab` or `tab/view`: the scope that keys belong to, used in error messages.
    pub fn scope(&self) -> String {
        match &self.view {
            Some(view) => format!("{}/{view}", self.tab),
            None => self.tab.clone(),
        }
    }

    /// The same link without its position keys (`step`, `t`): two links with the same
    /// `place()` show the same scene, possibly at different moments.
    pub fn place(&self) -> Self {
        let mut place = self.clone();
        place.remove("step");
        place.remove("t");
        place
    }

    /// Parses `TAB[/VIEW][?key=value&...]`.
    pub fn parse(text: &str) -> Result<Self, LinkError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(LinkError::Empty);
        }
        let malformed = |reason: &str| LinkError::Malformed {
            link: text.to_owned(),
            reason: reason.to_owned(),
        };
        let (path, query) = match text.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (text, None),
        };
        let (tab, view) = match path.split_once('/') {
            Some((tab, view)) => (tab, Some(view)),
            None => (path, None),
        };
        if tab.is_empty() {
            return Err(malformed("the tab name is missing"));
        }
        if !is_name(tab) {
            return Err(malformed(&format!(
                "the tab name {tab:?} may only use a-z, 0-9 and '-'"
            )));
        }
        let view = match view {
            Some("") => return Err(malformed("the view after '/' is empty")),
            Some(view) if !is_name(view) => {
                return Err(malformed(&format!(
                    "the view name {view:?} may only use a-z, 0-9 and '-'"
                )));
            }
            Some(view) => Some(view.to_owned()),
            None => None,
        };
        let mut params = Vec::new();
        if let Some(query) = query {
            for pair in query.split('&').filter(|pair| !pair.is_empty()) {
                let Some((key, value)) = pair.split_once('=') else {
                    return Err(malformed(&format!("{pair:?} has no '=value'")));
                };
                let key = decode(key).map_err(|err| malformed(&err.to_string()))?;
                if key.is_empty() {
                    return Err(malformed(&format!("{pair:?} has an empty key")));
                }
                let value = decode(value).map_err(|err| malformed(&err.to_string()))?;
                params.push((key, value));
            }
        }
        Ok(Self {
            tab: tab.to_owned(),
            view,
            params,
        })
    }
}

impl fmt::Display for SceneLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tab)?;
        if let Some(view) = &self.view {
            write!(f, "/{view}")?;
        }
        for (i, (key, value)) in self.params.iter().enumerate() {
            let sep = if i == 0 { '?' } else { '&' };
            write!(f, "{sep}{}={}", encode(key), encode(value))?;
        }
        Ok(())
    }
}

impl std::str::FromStr for SceneLink {
    type Err = LinkError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Tab and view names: lower-case ASCII letters, digits and dashes.
fn is_name(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Characters printed as they are; everything else is `%XX` (UTF-8 bytes).
fn is_plain(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"-_.~:,/!$'()*@;".contains(&byte)
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if is_plain(byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Why a percent-encoded part of a link does not decode.
#[derive(Debug, thiserror::Error)]
enum DecodeError {
    /// `%` not followed by two hex digits; the text from the `%` on.
    #[error("bad percent escape at {0:?}")]
    BadEscape(String),
    /// The decoded bytes are not UTF-8; the encoded text.
    #[error("{0:?} decodes to invalid UTF-8")]
    NotUtf8(String),
}

fn decode(text: &str) -> Result<String, DecodeError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        if byte == b'%' {
            // Two hex digits exactly: `u8::from_str_radix` alone would also take a sign (`%+f`).
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|pair| pair.iter().all(u8::is_ascii_hexdigit))
                .and_then(|pair| std::str::from_utf8(pair).ok())
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| DecodeError::BadEscape(text[i..].to_owned()))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(byte);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| DecodeError::NotUtf8(text.to_owned()))
}

// ----------------------------------------------------------------------------
// Helpers that tabs use to validate their keys and values.

/// Checks that every key of `link` is in `known`; the error lists the known keys.
pub fn check_keys(link: &SceneLink, known: &[&str]) -> Result<(), LinkError> {
    for (key, _) in &link.params {
        if !known.contains(&key.as_str()) {
            return Err(LinkError::UnknownKey {
                scope: link.scope(),
                key: key.clone(),
                known: known.join(", "),
            });
        }
    }
    Ok(())
}

/// The key of a quiz question's scene (`hide=future`): the scene shows only what has happened up
/// to its position, not the rest of the run that holds the answer (the whole chart of a
/// simulation with its kills, an outcome table, the verdict on the next instruction). The tabs
/// whose pictures would give answers away read it; after the answer the app opens the scene
/// without it.
pub const HIDE_KEY: &str = "hide";

/// Reads `hide=future` (false when absent); another value is an error naming the key.
pub fn hide_future_param(link: &SceneLink) -> Result<bool, LinkError> {
    choice_param(link, HIDE_KEY, &[("future", true)], false)
}

/// Adds `hide=future` to `link` when `hidden` (the tabs print it just before the position).
pub fn print_hide_future(link: &mut SceneLink, hidden: bool) {
    if hidden {
        link.set(HIDE_KEY, "future");
    }
}

/// `link` as a quiz question's scene: with `hide=future` before its position key (`step`, `t`),
/// where the tabs print it.
pub fn hiding_future(mut link: SceneLink) -> SceneLink {
    link.remove(HIDE_KEY);
    let at = link
        .params
        .iter()
        .position(|(key, _)| key == "step" || key == "t")
        .unwrap_or(link.params.len());
    link.params
        .insert(at, (HIDE_KEY.to_owned(), "future".to_owned()));
    link
}

/// Parses a number in `min..=max` from `link[key]`, or returns `default` when the key is absent.
pub fn number_param(
    link: &SceneLink,
    key: &str,
    min: f64,
    max: f64,
    default: f64,
) -> Result<f64, LinkError> {
    let Some(value) = link.get(key) else {
        return Ok(default);
    };
    let bad = |reason: String| LinkError::BadValue {
        key: key.to_owned(),
        value: value.to_owned(),
        reason,
    };
    let number: f64 = value.parse().map_err(|_| bad("not a number".to_owned()))?;
    if !number.is_finite() || number < min || number > max {
        return Err(bad(format!("must be between {min} and {max}")));
    }
    Ok(number)
}

/// Parses `true`/`false` (also `1`/`0`, `yes`/`no`) from `link[key]`.
pub fn bool_param(link: &SceneLink, key: &str, default: bool) -> Result<bool, LinkError> {
    match link.get(key) {
        None => Ok(default),
        Some("true" | "1" | "yes" | "on") => Ok(true),
        Some("false" | "0" | "no" | "off") => Ok(false),
        Some(value) => Err(LinkError::BadValue {
            key: key.to_owned(),
            value: value.to_owned(),
            reason: "expected true or false".to_owned(),
        }),
    }
}

/// Looks `link[key]` up among `choices` (slug, value) or returns `default` when absent.
pub fn choice_param<T: Copy>(
    link: &SceneLink,
    key: &str,
    choices: &[(&str, T)],
    default: T,
) -> Result<T, LinkError> {
    let Some(value) = link.get(key) else {
        return Ok(default);
    };
    choices
        .iter()
        .find(|(slug, _)| *slug == value)
        .map(|(_, choice)| *choice)
        .ok_or_else(|| LinkError::BadValue {
            key: key.to_owned(),
            value: value.to_owned(),
            reason: format!(
                "expected one of {}",
                choices
                    .iter()
                    .map(|(slug, _)| *slug)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_documented_examples() {
        let link = SceneLink::parse("cpu/trap-emulate?program=popf&step=3").unwrap();
        assert_eq!(link.tab, "cpu");
        assert_eq!(link.view.as_deref(), Some("trap-emulate"));
        assert_eq!(link.get("program"), Some("popf"));
        assert_eq!(link.get("step"), Some("3"));

        let link = SceneLink::parse("migration?mode=pre-copy&preset=clark-specweb&t=12.5").unwrap();
        assert_eq!(link.view, None);
        assert_eq!(link.params.len(), 3);
        assert_eq!(link.get("t"), Some("12.5"));
        assert_eq!(
            link.to_string(),
            "migration?mode=pre-copy&preset=clark-specweb&t=12.5"
        );
    }

    #[test]
    fn values_with_reserved_characters_round_trip() {
        let link = SceneLink::view("containers", "cli").with(
            "script",
            "docker stop $(docker ps -q)\ndocker rm a&b=c?d#e%f+g",
        );
        let text = link.to_string();
        assert!(!text.contains(' '), "{text}");
        assert!(!text.contains('\n'), "{text}");
        assert_eq!(SceneLink::parse(&text).unwrap(), link);
    }

    #[test]
    fn errors_name_the_bad_part() {
        assert_eq!(SceneLink::parse("  "), Err(LinkError::Empty));
        let err = SceneLink::parse("cpu?step").unwrap_err().to_string();
        assert!(err.contains("\"step\" has no '=value'"), "{err}");
        let err = SceneLink::parse("CPU").unwrap_err().to_string();
        assert!(err.contains("\"CPU\""), "{err}");
        let err = SceneLink::parse("cpu/").unwrap_err().to_string();
        assert!(err.contains("view after '/' is empty"), "{err}");
        let err = SceneLink::parse("cpu?a=%zz").unwrap_err().to_string();
        assert!(err.contains("bad percent escape"), "{err}");
        // A sign is not a hex digit: `%+f` was decoded as the byte 0x0f.
        for escape in ["%+f", "%-1", "%+0"] {
            let err = SceneLink::parse(&format!("overview?step={escape}"))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("bad percent escape at \"{escape}\"")),
                "{err}"
            );
        }
        let err = SceneLink::parse("?a=1").unwrap_err().to_string();
        assert!(err.contains("tab name is missing"), "{err}");
    }

    #[test]
    fn param_helpers_validate() {
        let link = SceneLink::parse("x?n=5&b=yes&c=two&bad=abc").unwrap();
        assert_eq!(number_param(&link, "n", 0.0, 10.0, 1.0), Ok(5.0));
        assert_eq!(number_param(&link, "missing", 0.0, 10.0, 1.0), Ok(1.0));
        let err = number_param(&link, "n", 0.0, 4.0, 1.0).unwrap_err();
        assert!(err.to_string().contains("between 0 and 4"), "{err}");
        assert!(number_param(&link, "bad", 0.0, 4.0, 1.0).is_err());
        assert_eq!(bool_param(&link, "b", false), Ok(true));
        assert!(bool_param(&link, "c", false).is_err());
        assert_eq!(
            choice_param(&link, "c", &[("one", 1), ("two", 2)], 0),
            Ok(2)
        );
        let err = choice_param(&link, "bad", &[("one", 1)], 0).unwrap_err();
        assert!(err.to_string().contains("expected one of one"), "{err}");
        let err = check_keys(&link, &["n", "b"]).unwrap_err().to_string();
        assert!(err.contains("unknown key \"c\""), "{err}");
    }

    #[test]
    fn place_drops_only_position_keys() {
        let link = SceneLink::parse("cpu/vt-x?program=popf&step=4").unwrap();
        assert_eq!(link.place().to_string(), "cpu/vt-x?program=popf");
    }

    fn name() -> impl Strategy<Value = String> {
        "[a-z0-9-]{1,12}"
    }

    proptest! {
        #[test]
        fn print_then_parse_is_identity(
            tab in name(),
            view in proptest::option::of(name()),
            params in proptest::collection::vec(("[a-z_]{1,8}", any::<String>()), 0..5),
        ) {
            let link = SceneLink { tab, view, params };
            prop_assert_eq!(SceneLink::parse(&link.to_string()).unwrap(), link);
        }

        #[test]
        fn parse_never_panics(text in any::<String>()) {
            let _ = SceneLink::parse(&text);
        }
    }
}
