//! Validating a parsed deck: ids, sides, tags and scene links, all reported at once.
//!
//! Parsing stops at the first syntax error because nothing after it can be trusted; checking a
//! well-formed deck instead collects every problem, so an author fixes them in one pass. Scene
//! links are checked by a validator the caller provides (the app's tab registry).

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::error::Location;
use super::model::Deck;

/// What the scene-link validator says about one link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkStatus {
    /// The link parses and its tab accepts it.
    Valid,
    /// The link is wrong; the message names the bad part.
    Invalid {
        /// What is wrong, e.g. `unknown tab "cpux"`.
        message: String,
    },
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth a look; the deck still loads.
    Warning,
    /// The deck should not be loaded until it is fixed.
    Error,
}

/// One problem found in a deck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// The file and line of the card (or the file, for deck-level problems).
    pub at: Location,
    /// The card's id, when the problem is in a card.
    pub card_id: Option<String>,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{}: {level}: ", self.at)?;
        if let Some(id) = &self.card_id {
            write!(f, "card {id:?}: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// The result of [`check`]: counts and every finding, in card order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// The deck's source name.
    pub source: String,
    /// Number of cards.
    pub cards: usize,
    /// Cards with a scene link.
    pub links: usize,
    /// Links the validator accepted.
    pub links_valid: usize,
    /// `shows` terms whose painting was checked (0 when only the links were checked).
    pub shows_terms: usize,
    /// Errors and warnings, in card order.
    pub findings: Vec<Finding>,
}

impl CheckReport {
    /// Number of findings with [`Severity::Error`].
    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of findings with [`Severity::Warning`].
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// Whether the deck is fit to load (no errors; warnings are fine).
    pub fn is_ok(&self) -> bool {
        self.error_count() == 0
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The one-line summary, e.g.
    /// `deck.toml: 83 cards, 83 scene links (83 valid), 0 errors, 0 warnings`.
    pub fn summary_line(&self) -> String {
        let mut line = format!(
            "{}: {} cards, {} scene links ({} valid",
            self.source, self.cards, self.links, self.links_valid
        );
        line.push(')');
        if self.shows_terms > 0 {
            line.push_str(&format!(
                ", {} shows {}",
                self.shows_terms,
                plural(self.shows_terms, "term", "terms")
            ));
        }
        line.push_str(&format!(
            ", {} {}, {} {}",
            self.error_count(),
            plural(self.error_count(), "error", "errors"),
            self.warning_count(),
            plural(self.warning_count(), "warning", "warnings"),
        ));
        line
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The findings, one per line, then the summary line: what `virtscope deck check` prints.
impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        write!(f, "{}", self.summary_line())
    }
}

/// Up to this many tags on a card, repeats are found by comparing each with the ones before it.
const FEW_TAGS: usize = 16;

/// Checks a deck: deck id and name, card ids (present, unique, no white space), non-empty
/// sides, tags (non-empty, no white space, not repeated), and every scene link through
/// `validate_link`.
pub fn check(deck: &Deck, mut validate_link: impl FnMut(&str) -> LinkStatus) -> CheckReport {
    let mut report = CheckReport {
        source: deck.origin.source.clone(),
        cards: deck.cards.len(),
        ..CheckReport::default()
    };
    let deck_at = Location::file(&deck.origin.source);
    if deck.meta.id.trim().is_empty() {
        report.findings.push(Finding {
            severity: Severity::Error,
            at: deck_at.clone(),
            card_id: None,
            message: "the deck has no id; progress is stored under it".into(),
        });
    }
    if deck.meta.name.trim().is_empty() {
        report.findings.push(Finding {
            severity: Severity::Warning,
            at: deck_at,
            card_id: None,
            message: "the deck has no name".into(),
        });
    }

    let mut first_index_of_id: HashMap<&str, usize> = HashMap::with_capacity(deck.cards.len());
    // Validating a link can mean running a scene's model; cards often share links, so each
    // distinct link is validated once.
    let mut link_status: HashMap<&str, LinkStatus> = HashMap::new();
    for (index, card) in deck.cards.iter().enumerate() {
        let mut add = |severity, message: String| {
            report.findings.push(Finding {
                severity,
                at: deck.card_location(index),
                card_id: (!card.id.is_empty()).then(|| card.id.clone()),
                message,
            });
        };
        if card.id.trim().is_empty() {
            add(Severity::Error, format!("card {} has no id", index + 1));
        } else if card.id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            add(
                Severity::Error,
                "the id contains white space or control characters".into(),
            );
        }
        if !card.id.is_empty() {
            if let Some(&first) = first_index_of_id.get(card.id.as_str()) {
                let first_at = deck.card_location(first);
                let where_first = first_at
                    .line
                    .map_or_else(|| format!("card {}", first + 1), |l| format!("line {l}"));
                add(
                    Severity::Error,
                    format!("duplicate id: already used by the card at {where_first}"),
                );
            } else {
                first_index_of_id.insert(&card.id, index);
            }
        }
        if card.front.trim().is_empty() {
            add(Severity::Error, "the front is empty".into());
        }
        if card.back.trim().is_empty() {
            add(Severity::Error, "the back is empty".into());
        }
        // A few tags (the usual case) are compared directly, faster than hashing; beyond that
        // a set keeps the check linear (200,000 tags on one card took 27 s comparing pairs).
        // Sized for this card (a set reused across cards would be cleared at the size of the
        // largest card, for every card).
        let mut seen_tags: Option<HashSet<&str>> =
            (card.tags.len() > FEW_TAGS).then(|| HashSet::with_capacity(card.tags.len()));
        for (i, tag) in card.tags.iter().enumerate() {
            let repeated = if let Some(seen) = &mut seen_tags {
                !seen.insert(tag.as_str())
            } else {
                card.tags.iter().take(i).any(|earlier| earlier == tag)
            };
            if tag.is_empty() || tag.chars().any(char::is_whitespace) {
                add(
                    Severity::Error,
                    format!("tag {tag:?} is empty or contains white space"),
                );
            } else if repeated {
                add(Severity::Warning, format!("tag {tag:?} is repeated"));
            }
        }
        if let Some(link) = &card.scene {
            report.links += 1;
            let status = link_status
                .entry(link.as_str())
                .or_insert_with(|| validate_link(link))
                .clone();
            match status {
                LinkStatus::Valid => report.links_valid += 1,
                LinkStatus::Invalid { message } => {
                    add(Severity::Error, format!("scene link {link:?}: {message}"));
                }
            }
        }
        for problem in shows_problems(&card.shows, card.scene.is_some()) {
            report.findings.push(Finding {
                severity: problem.0,
                at: deck.shows_location(index),
                card_id: (!card.id.is_empty()).then(|| card.id.clone()),
                message: problem.1,
            });
        }
    }
    report
}

/// The longest `shows` term: terms are labels and values a scene paints, not sentences.
pub const MAX_SHOWS_TERM_CHARS: usize = 60;

/// What is wrong with a card's `shows` list on its own (whether the scene paints the terms is
/// [`super::shows`]' question): a list without a scene, empty, multi-line or sentence-long
/// terms, and repeats.
fn shows_problems(shows: &[String], has_scene: bool) -> Vec<(Severity, String)> {
    let mut problems = Vec::new();
    if !shows.is_empty() && !has_scene {
        problems.push((
            Severity::Error,
            "`shows` lists what the scene paints, but the card has no `scene`".to_owned(),
        ));
    }
    for (i, term) in shows.iter().enumerate() {
        if term.trim().is_empty() {
            problems.push((Severity::Error, "a `shows` term is empty".to_owned()));
        } else if term.contains('\n') || term.trim() != term {
            problems.push((
                Severity::Error,
                format!("`shows` term {term:?} has a line break or spaces at its ends"),
            ));
        } else if term.chars().count() > MAX_SHOWS_TERM_CHARS {
            problems.push((
                Severity::Error,
                format!(
                    "`shows` term {term:?} is longer than {MAX_SHOWS_TERM_CHARS} characters: list the labels and values the scene paints, not sentences"
                ),
            ));
        } else if shows.iter().take(i).any(|earlier| earlier == term) {
            problems.push((
                Severity::Warning,
                format!("`shows` term {term:?} is repeated"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::super::model::{Card, DeckMeta, Origin};
    use super::*;

    fn card(id: &str, front: &str, back: &str, scene: Option<&str>) -> Card {
        Card {
            id: id.into(),
            front: front.into(),
            back: back.into(),
            tags: vec!["t".into()],
            note: None,
            scene: scene.map(str::to_owned),
            shows: Vec::new(),
        }
    }

    fn deck(cards: Vec<Card>) -> Deck {
        let card_lines = (0..cards.len()).map(|i| 10 + 5 * i).collect();
        Deck {
            meta: DeckMeta {
                id: "d".into(),
                name: "D".into(),
                ..DeckMeta::default()
            },
            cards,
            origin: Origin {
                source: "d.toml".into(),
                card_lines,
                shows_lines: Vec::new(),
            },
        }
    }

    /// A stand-in for the app's registry: `overview` and `cpu` are registered, anything else is
    /// unknown.
    fn validator(link: &str) -> LinkStatus {
        let tab = link.split(['/', '?']).next().unwrap_or_default();
        match tab {
            "overview" | "cpu" => LinkStatus::Valid,
            other => LinkStatus::Invalid {
                message: format!("unknown tab {other:?}"),
            },
        }
    }

    #[test]
    fn a_clean_deck_has_no_findings_and_counts_links() {
        let report = check(
            &deck(vec![
                card("a", "Q1", "A1", Some("overview")),
                card("b", "Q2", "A2", Some("cpu?program=popf")),
                card("c", "Q3", "A3", Some("cpu")),
                card("d", "Q4", "A4", None),
            ]),
            validator,
        );
        assert!(report.is_ok());
        assert_eq!(report.findings, []);
        assert_eq!((report.cards, report.links, report.links_valid), (4, 3, 3));
        assert_eq!(
            report.summary_line(),
            "d.toml: 4 cards, 3 scene links (3 valid), 0 errors, 0 warnings"
        );
    }

    #[test]
    fn duplicate_ids_name_both_lines() {
        let report = check(
            &deck(vec![card("a", "Q", "A", None), card("a", "Q2", "A2", None)]),
            validator,
        );
        assert_eq!(report.error_count(), 1);
        assert_eq!(
            report.findings[0].to_string(),
            "d.toml:15: error: card \"a\": duplicate id: already used by the card at line 10"
        );
    }

    #[test]
    fn empty_sides_bad_ids_and_tags_are_reported() {
        let mut bad_tags = card("t", "Q", "A", None);
        bad_tags.tags = vec!["two words".into(), "x".into(), "x".into()];
        let report = check(
            &deck(vec![
                card("", "Q", "A", None),
                card("has space", "Q", "A", None),
                card("e", " ", "\n", None),
                bad_tags,
            ]),
            validator,
        );
        let messages: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
        assert_eq!(report.error_count(), 5, "{messages:#?}");
        assert_eq!(report.warning_count(), 1, "{messages:#?}");
        assert!(messages[0].contains("card 1 has no id"));
        assert!(messages[1].contains("white space"));
        assert!(messages[2].contains("front is empty"));
        assert!(messages[3].contains("back is empty"));
        assert!(messages[4].contains("\"two words\""));
        assert!(messages[5].contains("repeated"));
    }

    /// Checking is linear in a card's tags: 50,000 tags (every tenth repeated) read and checked
    /// well within a second even unoptimized. Comparing each tag with those before it took
    /// 27 s for 200,000 tags in a release build, and longer than this bound for 50,000 here.
    #[test]
    fn many_tags_on_one_card_are_checked_in_linear_time() {
        let tags: Vec<String> = (0..50_000)
            .map(|i| format!("\"t{}\"", if i % 10 == 9 { i - 1 } else { i }))
            .collect();
        let text = format!(
            "format = \"virtscope-deck\"\nversion = 1\n[deck]\nid = \"d\"\nname = \"n\"\n\
             [[cards]]\nid = \"a\"\nfront = \"q\"\nback = \"a\"\ntags = [{}]\n",
            tags.join(", ")
        );
        let started = std::time::Instant::now();
        let deck = super::super::native::parse_native(&text, "tags.toml").unwrap();
        let report = check(&deck, validator);
        let elapsed = started.elapsed();
        assert_eq!(report.warning_count(), 5_000);
        assert_eq!(report.error_count(), 0);
        assert!(elapsed.as_secs_f64() < 1.0, "{elapsed:?} for 50,000 tags");
    }

    #[test]
    fn a_link_to_an_unknown_tab_is_an_error_naming_the_tab() {
        let report = check(
            &deck(vec![card("a", "Q", "A", Some("cpux/trap?step=1"))]),
            validator,
        );
        assert!(!report.is_ok());
        assert_eq!(
            report.findings[0].to_string(),
            "d.toml:10: error: card \"a\": scene link \"cpux/trap?step=1\": unknown tab \"cpux\""
        );
        assert!(report.to_string().ends_with("1 error, 0 warnings"));
    }

    #[test]
    fn shows_terms_are_short_single_line_and_need_a_scene() {
        let mut listed = card("a", "Q", "A", Some("overview"));
        listed.shows = vec![
            "PUE".into(),
            " padded".into(),
            "two\nlines".into(),
            "x".repeat(MAX_SHOWS_TERM_CHARS + 1),
            "PUE".into(),
            String::new(),
        ];
        let mut unlinked = card("b", "Q", "A", None);
        unlinked.shows = vec!["IT load".into()];
        let mut d = deck(vec![listed, unlinked]);
        d.origin.shows_lines = vec![Some(14), None];
        let report = check(&d, validator);
        let messages: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
        assert_eq!(report.error_count(), 5, "{messages:#?}");
        assert_eq!(report.warning_count(), 1, "{messages:#?}");
        assert!(
            messages[0].starts_with("d.toml:14: error: card \"a\""),
            "{messages:#?}"
        );
        assert!(messages[0].contains("\" padded\""), "{messages:#?}");
        assert!(messages[2].contains("longer than 60"), "{messages:#?}");
        assert!(messages[3].contains("repeated"), "{messages:#?}");
        assert!(messages[4].contains("empty"), "{messages:#?}");
        assert!(
            messages[5].starts_with("d.toml:15: error: card \"b\"")
                && messages[5].contains("no `scene`"),
            "the card's own line when the list's is unknown: {messages:#?}"
        );
    }

    #[test]
    fn deck_without_id_or_name() {
        let mut d = deck(vec![]);
        d.meta = DeckMeta::default();
        let report = check(&d, validator);
        assert_eq!((report.error_count(), report.warning_count()), (1, 1));
    }
}
