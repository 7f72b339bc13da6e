//! Whether each card's scene paints what the card says it shows.
//!
//! A card's `shows` list names the labels and values its scene paints at its link (`PUE`,
//! `1.58`, `#GP`, `ENOENT`). Checking them means rendering the scene: each distinct link is
//! captured once, headlessly, at the export's default size (1280x720 points, light theme), and
//! every term is looked up among the visible texts ([`crate::painted`]). So a change to a scene
//! that drops a label a card relies on shows up in `deck check` and in the built-in deck's
//! tests, not in front of a student.
//!
//! A scene that paints the card's own answer as a caption demonstrates nothing, so a painted run
//! of [`COPIED_WORDS`] or more of the answer's words in a row is reported too, as a warning.

use std::collections::{HashMap, HashSet};

use super::check::{CheckReport, Finding, Severity};
use super::markdown::plain_text;
use super::model::Deck;
use crate::export::{ExportError, ExportOptions, capture};
use crate::painted::{PaintedText, missing, visible_texts};
use crate::scene::SceneLink;

/// A painted run of this many of the answer's words in a row is the answer used as a caption.
pub const COPIED_WORDS: usize = 8;

/// What one capture found: the visible texts, or why the scene could not be rendered.
type Captured = Result<Vec<PaintedText>, ExportError>;

/// The visible texts of `link` at the export's default size and theme.
pub fn painted_texts(link: &str) -> Captured {
    let link = SceneLink::parse(link)?;
    let picture = capture(&link, &ExportOptions::default())?;
    Ok(visible_texts(&picture.shapes))
}

/// Renders the scene of every card with a `shows` list (each distinct link once) and reports the
/// terms it does not paint (errors) and answers painted as captions (warnings). Cards whose link
/// does not open are left to [`super::check`], which reports the link.
pub fn painted_findings(deck: &Deck) -> Vec<Finding> {
    let mut captures: HashMap<&str, Captured> = HashMap::new();
    let mut findings = Vec::new();
    for (index, card) in deck.cards.iter().enumerate() {
        let Some(link) = card.scene.as_deref().filter(|_| !card.shows.is_empty()) else {
            continue;
        };
        let Ok(texts) = captures.entry(link).or_insert_with(|| painted_texts(link)) else {
            continue;
        };
        let finding = |severity, message| Finding {
            severity,
            at: deck.shows_location(index),
            card_id: (!card.id.is_empty()).then(|| card.id.clone()),
            message,
        };
        let absent = missing(texts, &card.shows);
        if !absent.is_empty() {
            findings.push(finding(
                Severity::Error,
                format!(
                    "scene {link:?} does not paint {}",
                    absent
                        .iter()
                        .map(|term| format!("{term:?}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        if let Some(run) = copied_run(&card.back, texts) {
            findings.push(finding(
                Severity::Warning,
                format!(
                    "scene {link:?} paints the answer's words \"{run}\": list the model's labels and values, not the answer as a caption"
                ),
            ));
        }
    }
    findings
}

/// [`super::check_with_tabs`] plus [`painted_findings`]: everything `virtscope deck check`
/// reports.
pub fn check_with_scenes(deck: &Deck) -> CheckReport {
    let mut report = super::check_with_tabs(deck);
    report.shows_terms = deck
        .cards
        .iter()
        .filter(|card| card.scene.is_some())
        .map(|card| card.shows.len())
        .sum();
    report.findings.extend(painted_findings(deck));
    report
}

/// Lower-case words of `text` (letters and digits).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether a run of words is prose rather than the model's numbers: a run with two or more
/// numbers (`native 6.0 s, BT 36.9 s`) is values the scene computed, which a card may quote.
fn is_prose(run: &[String]) -> bool {
    run.iter()
        .filter(|word| word.chars().all(|c| c.is_ascii_digit()))
        .count()
        < 2
}

/// The first run of [`COPIED_WORDS`] words of `back` (prose, not numbers) that a painted text
/// also has in a row.
fn copied_run(back: &str, texts: &[PaintedText]) -> Option<String> {
    let answer = words(&plain_text(back));
    let runs: HashSet<&[String]> = answer
        .windows(COPIED_WORDS)
        .filter(|run| is_prose(run))
        .collect();
    if runs.is_empty() {
        return None;
    }
    texts.iter().find_map(|text| {
        words(&text.text)
            .windows(COPIED_WORDS)
            .find(|window| runs.contains(window))
            .map(|window| window.join(" "))
    })
}

#[cfg(test)]
mod tests {
    use super::super::model::{Card, DeckMeta, Origin};
    use super::*;

    fn card(id: &str, back: &str, scene: &str, shows: &[&str]) -> Card {
        Card {
            id: id.into(),
            front: "Q?".into(),
            back: back.into(),
            tags: Vec::new(),
            note: None,
            scene: Some(scene.into()),
            shows: shows.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn deck(cards: Vec<Card>) -> Deck {
        Deck {
            meta: DeckMeta {
                id: "d".into(),
                name: "D".into(),
                ..DeckMeta::default()
            },
            origin: Origin {
                source: "d.toml".into(),
                card_lines: (0..cards.len()).map(|i| 10 + 10 * i).collect(),
                shows_lines: (0..cards.len()).map(|i| Some(15 + 10 * i)).collect(),
            },
            cards,
        }
    }

    #[test]
    fn painted_terms_pass_and_missing_ones_are_named_at_the_shows_line() {
        let report = painted_findings(&deck(vec![
            card(
                "ok",
                "a",
                "overview?step=0",
                &["Hypervisor", "Shared host kernel"],
            ),
            card(
                "bad",
                "b",
                "overview?step=0",
                &["Hypervisor", "PUE", "1.58"],
            ),
        ]));
        assert_eq!(report.len(), 1, "{report:#?}");
        assert_eq!(
            report[0].to_string(),
            "d.toml:25: error: card \"bad\": scene \"overview?step=0\" does not paint \"PUE\", \"1.58\""
        );
    }

    #[test]
    fn an_answer_painted_as_a_caption_is_a_warning() {
        let caption = "An application in every stack calls write() to save a file to disk";
        let report = painted_findings(&deck(vec![card(
            "copy",
            caption,
            "overview?step=0",
            &["write()"],
        )]));
        assert_eq!(report.len(), 1, "{report:#?}");
        assert_eq!(report[0].severity, Severity::Warning);
        assert!(
            report[0]
                .message
                .contains("an application in every stack calls write to"),
            "{}",
            report[0].message
        );
    }
}
