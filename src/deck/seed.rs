//! The plain "question line, answer lines" format the user's own deck was written in.
//!
//! The format has no markers, so a question line has to be recognised by its shape. The rules
//! below were drawn from the seed deck (`shared/seeds/virtualization-flashcards.txt`), where
//! answers contain lines like `2. Consolidate ...`, `migration` or
//! `When a service (e.g., app, bin, others) is updated, OS or`, and some questions are bare
//! headings like `docker ps`, `clone()` or `OS-Level Virtualization vs. IaaS`:
//!
//! 1. The first non-blank line is the deck's title, unless it is itself a question.
//! 2. The first non-blank line after a question is always an answer line (every question has an
//!    answer, so nothing after a question can start a new card).
//! 3. Otherwise a line is a question when, after trimming, it
//!    - ends with `?`; or
//!    - starts with `What`, `How`, `Which` or `Why` and a space, and does not end with `.`, `,`,
//!      `;` or `:` (questions written without a question mark, like
//!      `What command to remove all containers`); or
//!    - is a command heading: a command-line tool from [`COMMAND_TOOLS`] and one sub-command word
//!      (`docker ps`, `Docker run`); or
//!    - is a function heading: an identifier followed by `()` (`clone()`); or
//!    - is a comparison heading: at most eight words with ` vs. ` or ` vs ` between them, not
//!      ending with a period.
//! 4. Every other non-blank line is an answer line of the current question. Blank lines are
//!    ignored. Answer lines keep their text (trailing white space removed) and are joined with
//!    line breaks, which the Markdown renderer shows as line breaks.

use super::error::{DeckError, Location};
use super::io::normalize_newlines;
use super::model::{Card, Deck, DeckMeta, Origin, assign_missing_ids, deck_id_from_name};

/// Command-line tools whose `tool subcommand` lines are question headings.
pub const COMMAND_TOOLS: &[&str] = &["docker", "podman", "kubectl", "git", "nerdctl", "runc"];

/// Words that start a question even without a question mark. `When` and `Where` are left out:
/// answers often start with them ("When a service is updated, ...").
const QUESTION_WORDS: &[&str] = &["What", "How", "Which", "Why"];

/// Parses the plain question/answer format. The deck is named after the title line (or
/// `source_name` when there is none); cards get ids derived from their fronts.
pub fn parse_seed(text: &str, source_name: &str) -> Result<Deck, DeckError> {
    let text = normalize_newlines(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim_end()))
        .filter(|(_, line)| !line.trim().is_empty())
        .peekable();
    let Some(&(_, first)) = lines.peek() else {
        return Err(DeckError::Empty {
            at: Location::file(source_name),
        });
    };
    let title = if is_question_line(first) {
        source_name.to_owned()
    } else {
        lines.next();
        first.trim().to_owned()
    };

    let mut cards: Vec<Card> = Vec::new();
    let mut card_lines = Vec::new();
    let mut previous_was_question = false;
    for (line_number, line) in lines {
        let is_question = !previous_was_question && is_question_line(line);
        if is_question {
            cards.push(Card {
                front: line.trim().to_owned(),
                ..Card::default()
            });
            card_lines.push(line_number);
        } else if let Some(card) = cards.last_mut() {
            if !card.back.is_empty() {
                card.back.push('\n');
            }
            card.back.push_str(line);
        } else {
            return Err(DeckError::parse(
                Location::line(source_name, line_number),
                format!(
                    "expected a question (a line ending in `?`) after the title, found {:?}",
                    line.trim()
                ),
            ));
        }
        previous_was_question = is_question;
    }
    if let (Some(card), Some(&line)) = (cards.last(), card_lines.last())
        && card.back.is_empty()
    {
        return Err(DeckError::parse(
            Location::line(source_name, line),
            format!("question {:?} has no answer lines", card.front),
        ));
    }
    assign_missing_ids(&mut cards);
    Ok(Deck {
        meta: DeckMeta {
            id: deck_id_from_name(&title),
            name: title,
            source: source_name.to_owned(),
            ..DeckMeta::default()
        },
        cards,
        origin: Origin {
            source: source_name.to_owned(),
            card_lines,
            shows_lines: Vec::new(),
        },
    })
}

/// Whether `line` looks like a question by rule 3 of the module docs (ignoring context).
pub fn is_question_line(line: &str) -> bool {
    let line = line.trim();
    if line.ends_with('?') {
        return true;
    }
    let sentence_end = line.ends_with(['.', ',', ';', ':']);
    let starts_with_question_word = QUESTION_WORDS.iter().any(|word| {
        line.strip_prefix(word)
            .is_some_and(|rest| rest.starts_with(' '))
    });
    (starts_with_question_word && !sentence_end)
        || is_command_heading(line)
        || is_function_heading(line)
        || is_comparison_heading(line)
}

/// `docker ps`, `Docker run`: a known tool and one lower-case sub-command word.
fn is_command_heading(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let (Some(tool), Some(sub), None) = (words.next(), words.next(), words.next()) else {
        return false;
    };
    COMMAND_TOOLS.iter().any(|t| t.eq_ignore_ascii_case(tool))
        && sub
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
}

/// `clone()`: an identifier followed by `()`.
fn is_function_heading(line: &str) -> bool {
    line.strip_suffix("()").is_some_and(|name| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// `OS-Level Virtualization vs. IaaS`: a short comparison, not a sentence.
fn is_comparison_heading(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let vs_inside = words
        .iter()
        .enumerate()
        .any(|(i, w)| (*w == "vs." || *w == "vs") && i > 0 && i + 1 < words.len());
    vs_inside && words.len() <= 8 && !line.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_yields_all_its_question_answer_pairs() {
        let Some(seed) = super::super::user_seed() else {
            return;
        };
        let deck = parse_seed(&seed, "virtualization-flashcards.txt").expect("seed parses");
        assert_eq!(deck.meta.name, "Test Flashcards");
        assert_eq!(deck.meta.id, "test-flashcards");
        // Counted by hand in the seed: 83 question lines (including the headings `docker ps`,
        // `clone()`, `OS-Level Virtualization vs. IaaS` ...), each followed by its answers.
        assert_eq!(deck.cards.len(), 83);
        // Every non-blank line after the title is a question or an answer line: 256 non-blank
        // lines = 1 title + 83 questions + 172 answer lines.
        let non_blank = seed.lines().filter(|l| !l.trim().is_empty()).count();
        let answer_lines: usize = deck.cards.iter().map(|c| c.back.lines().count()).sum();
        assert_eq!(non_blank, 256);
        assert_eq!(1 + deck.cards.len() + answer_lines, non_blank);
    }

    #[test]
    fn seed_cards_keep_their_text_and_structure() {
        let Some(seed) = super::super::user_seed() else {
            return;
        };
        let deck = parse_seed(&seed, "seed.txt").expect("seed parses");
        let by_front = |front: &str| {
            deck.cards
                .iter()
                .find(|c| c.front == front)
                .unwrap_or_else(|| panic!("no card {front:?}"))
        };
        assert_eq!(
            deck.cards[0].front,
            "What is Virtualization in cloud computing?"
        );
        assert_eq!(
            deck.cards[82].back,
            "Allows the calling process to join an existing namespace"
        );
        // Numbered answer lines belong to the answer.
        let steps = by_front("What is the 4 steps in trap and emulate?");
        assert_eq!(steps.back.lines().count(), 4);
        assert!(steps.back.starts_with("1 Privileged Instruction"));
        // A wrapped numbered line stays with its card.
        assert!(
            by_front("What are the Benefits of virtualization?")
                .back
                .contains("CAPEX and\nOPEX")
        );
        // Bare headings are questions.
        assert_eq!(
            by_front("docker ps").back,
            "Shows all docker containers running"
        );
        assert_eq!(by_front("Docker run").back, "Runs a docker image");
        assert_eq!(
            by_front("OS-Level Virtualization vs. IaaS")
                .back
                .lines()
                .count(),
            1
        );
        assert!(
            by_front("clone()")
                .back
                .starts_with("creates a new process")
        );
        // Questions without a question mark, and an answer that starts with "When".
        assert_eq!(
            by_front("What command to remove all containers").back,
            "docker stop $(docker ps -q)"
        );
        assert!(
            by_front("What is immutable infrastructure?")
                .back
                .starts_with("When a service")
        );
        assert_eq!(
            by_front("What are the characteristics of Cgroups")
                .back
                .lines()
                .count(),
            5
        );
        // Card lines point at the question lines of the file.
        assert_eq!(deck.origin.card_lines[0], 2);
        assert_eq!(deck.origin.card_lines[82], 255);
    }

    #[test]
    fn ids_are_stable_across_imports_and_unique() {
        let Some(seed) = super::super::user_seed() else {
            return;
        };
        let first = parse_seed(&seed, "a.txt").expect("parses");
        let again = parse_seed(&seed.replace('\n', "\r\n"), "b.txt").expect("parses");
        let ids: Vec<&str> = first.cards.iter().map(|c| c.id.as_str()).collect();
        let ids_again: Vec<&str> = again.cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ids_again);
        let unique: std::collections::HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len());
    }

    #[test]
    fn classification_rules() {
        for question in [
            "Is it?",
            "What are the characteristics of Cgroups",
            "docker compose",
            "kubectl apply",
            "setns()",
            "Pre-copy vs post-copy",
        ] {
            assert!(is_question_line(question), "{question}");
        }
        for answer in [
            "When a service is updated, OS or",
            "What if base OS needs a reboot.",
            "docker stop $(docker ps -q)",
            "Binary Translation",
            "2. Consolidate underutilized servers",
            "migration",
            "(aka Deathstar…)",
            "Docker container is a running version of an image",
            "vs. nothing",
            "f(x)",
        ] {
            assert!(!is_question_line(answer), "{answer}");
        }
    }

    #[test]
    fn a_question_right_after_a_question_is_its_answer() {
        let deck = parse_seed("T\nWhat is X?\nWhy not?\nWhat is Y?\ny\n", "s").expect("ok");
        assert_eq!(deck.cards.len(), 2);
        assert_eq!(deck.cards[0].back, "Why not?");
    }

    #[test]
    fn bad_input_gets_one_clear_error() {
        let error = parse_seed("Title\njust an answer\n", "s.txt").expect_err("no question");
        assert!(error.to_string().starts_with("s.txt:2:"), "{error}");
        let error = parse_seed("Title\nWhat?\nA\nDangling?\n", "s.txt").expect_err("no answer");
        assert!(error.to_string().starts_with("s.txt:4:"), "{error}");
        assert!(error.to_string().contains("no answer"), "{error}");
        assert!(matches!(
            parse_seed(" \n\n", "s"),
            Err(DeckError::Empty { .. })
        ));
        // A deck whose first line is a question has no title line.
        let deck = parse_seed("What?\nThat.\n", "untitled.txt").expect("ok");
        assert_eq!(deck.meta.name, "untitled.txt");
        assert_eq!(deck.cards.len(), 1);
    }

    proptest::proptest! {
        #![proptest_config(super::super::proptest_config(128))]

        #[test]
        fn arbitrary_input_never_panics(text in proptest::prelude::any::<String>()) {
            let _ = parse_seed(&text, "fuzz");
        }

        #[test]
        fn line_shaped_input_never_panics(lines in proptest::collection::vec("[A-Za-z ?().]{0,12}", 0..12)) {
            let _ = parse_seed(&lines.join("\n"), "fuzz");
        }
    }
}
