//! Tests of the built-in deck (`decks/virtualization.toml`) against the user's seed deck, the
//! facts in `domain.md` section 6, and the registered tabs (every card's scene must open).

use std::collections::HashSet;

use super::anki::{parse_anki, write_anki};
use super::check::check;
use super::markdown::{self, Block};
use super::model::Deck;
use super::native::{parse_native, write_native};
use super::seed::parse_seed;

const DECK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/decks/virtualization.toml"
));
const README: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/decks/README.md"));

/// Words too common to show that two questions are the same question.
const STOP_WORDS: &[&str] = &[
    "what", "does", "with", "which", "would", "the", "are", "and", "how", "can", "for", "has",
];

fn deck() -> Deck {
    parse_native(DECK, "decks/virtualization.toml").expect("the built-in deck parses")
}

fn card<'d>(deck: &'d Deck, id: &str) -> &'d super::model::Card {
    deck.cards
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no card {id:?}"))
}

#[test]
fn every_link_of_the_built_in_deck_opens_its_scene() {
    let deck = deck();
    let report = check(&deck, crate::tabs::check_link);
    assert!(report.findings.is_empty(), "{report}");
    assert_eq!(
        report.links,
        deck.cards.len(),
        "every card has a scene link"
    );
    assert_eq!(
        report.links_valid,
        deck.cards.len(),
        "{}",
        report.summary_line()
    );
    assert_eq!(deck.meta.id, "virtualization");
}

/// The deck's promise: every card's scene demonstrates its answer. Each card lists the labels and
/// values its scene paints at its link (`shows`), and the scene, rendered headlessly at the
/// export's default size, paints every one of them and does not paint the answer as a caption.
#[test]
fn every_card_s_scene_paints_what_the_card_shows() {
    let deck = deck();
    let unlisted: Vec<&str> = deck
        .cards
        .iter()
        .filter(|card| card.shows.is_empty())
        .map(|card| card.id.as_str())
        .collect();
    assert!(unlisted.is_empty(), "cards without `shows`: {unlisted:?}");
    let findings = super::shows::painted_findings(&deck);
    let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert!(lines.is_empty(), "{}", lines.join("\n"));
}

#[test]
fn the_built_in_deck_has_every_seed_card_in_order() {
    let Some(seed) = super::user_seed() else {
        return;
    };
    let deck = deck();
    let seed = parse_seed(&seed, "seed").expect("seed parses");
    assert_eq!(seed.cards.len(), 83);
    // The user's 83 come first; cards virtscope added follow, each tagged and noted as added.
    let (users, added) = deck.cards.split_at(seed.cards.len());
    assert!(
        users
            .iter()
            .all(|card| !card.tags.iter().any(|tag| tag == "added"))
    );
    for card in added {
        assert!(card.tags.iter().any(|tag| tag == "added"), "{}", card.id);
        let note = card.note.as_deref().unwrap_or_default();
        assert!(note.contains("Added to the user's 83"), "{}", card.id);
    }
    // Each card shares a content word with the seed card at the same position, so no card was
    // dropped, merged or moved (a shift would misalign some pair).
    let words = |text: &str| -> HashSet<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .map(|w| {
                w.replace("virulization", "virtualization")
                    .replace("virualization", "virtualization")
            })
            .filter(|w| w.len() >= 3 && !STOP_WORDS.contains(&w.as_str()))
            .collect()
    };
    for (index, (ours, theirs)) in users.iter().zip(&seed.cards).enumerate() {
        let shared = words(&ours.front)
            .intersection(&words(&theirs.front))
            .count();
        let short_heading = theirs.front.split_whitespace().count() <= 2;
        let same_heading = short_heading
            && ours
                .front
                .trim_matches('`')
                .eq_ignore_ascii_case(&theirs.front);
        assert!(
            shared > 0 || same_heading,
            "card {index}: {:?} does not match the seed's {:?}",
            ours.front,
            theirs.front
        );
    }
}

#[test]
fn ids_are_unique_slugs_and_every_card_is_tagged() {
    let deck = deck();
    let mut ids = HashSet::new();
    for card in &deck.cards {
        assert!(ids.insert(card.id.as_str()), "duplicate {}", card.id);
        assert!(
            card.id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{} is not a slug",
            card.id
        );
        assert!(!card.tags.is_empty(), "{} has no tags", card.id);
    }
}

#[test]
fn every_side_renders_as_markdown() {
    for card in &deck().cards {
        for side in [&card.front, &card.back] {
            assert!(!markdown::parse(side).is_empty(), "{}", card.id);
        }
    }
    let deck = deck();
    let blocks = markdown::parse(&card(&deck, "remove-all-containers").back);
    assert!(
        matches!(&blocks[0], Block::CodeBlock { code, .. } if code == "docker rm $(docker ps -aq)")
    );
    let steps = markdown::parse(&card(&deck, "trap-and-emulate-steps").back);
    assert!(matches!(&steps[..], [Block::List { start: Some(1), items }] if items.len() == 3));
}

/// The known errors of domain.md section 6 that the seed contains are corrected, and the note
/// keeps what the seed said.
#[test]
fn the_seed_errors_of_domain_md_are_corrected() {
    let deck = deck();

    let namespaces = card(&deck, "the-eight-namespaces");
    assert!(namespaces.front.contains("eight"));
    let listed = markdown::parse(&namespaces.back);
    assert!(matches!(&listed[..], [Block::List { items, .. }] if items.len() == 8));
    for name in ["Cgroup", "Time", "PID", "NET", "MNT", "IPC", "UTS", "User"] {
        assert!(namespaces.back.contains(name), "{name}");
    }
    assert!(
        namespaces
            .note
            .as_deref()
            .is_some_and(|n| n.contains("six"))
    );

    let example = card(&deck, "example-of-a-critical-instruction");
    assert!(example.back.contains("POPF"));
    assert!(!example.back.to_lowercase().contains("file"));
    assert!(
        example
            .note
            .as_deref()
            .is_some_and(|n| n.contains("File Writing"))
    );

    let remove_all = card(&deck, "remove-all-containers");
    assert!(remove_all.back.contains("docker rm $(docker ps -aq)"));
    assert!(remove_all.back.contains("docker container prune"));
    assert!(
        remove_all
            .note
            .as_deref()
            .is_some_and(|n| n.contains("docker stop $(docker ps -q)"))
    );

    let stop = card(&deck, "docker-stop");
    assert!(
        stop.back.contains("SIGTERM")
            && stop.back.contains("SIGKILL")
            && stop.back.contains("10 s")
    );
    assert!(stop.back.contains("docker pause"));

    let post_copy_cons = card(&deck, "cons-of-post-copy");
    assert!(!post_copy_cons.back.contains("Longer Downtime"));
    assert!(post_copy_cons.back.contains("lost"));
    assert!(
        post_copy_cons
            .scene
            .as_deref()
            .is_some_and(|s| s.contains("dest_fails=true"))
    );

    let unshare = card(&deck, "unshare-syscall");
    assert!(unshare.back.contains("CLONE_NEWPID") && unshare.back.contains("children"));

    let binary_translation = card(&deck, "purpose-of-binary-translation");
    assert!(
        !binary_translation
            .back
            .contains("privileged instructions which will be trapped")
    );
}

#[test]
fn the_built_in_deck_survives_native_and_anki_round_trips() {
    let deck = deck();
    let native = parse_native(&write_native(&deck), "rt.toml").expect("native re-read");
    assert_eq!(native.meta, deck.meta);
    assert_eq!(native.cards, deck.cards);

    let imported = parse_anki(&write_anki(&deck), "rt.txt").expect("anki re-read");
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    assert_eq!(imported.deck.meta.name, deck.meta.name);
    assert_eq!(imported.deck.cards.len(), deck.cards.len());
    for (back, original) in imported.deck.cards.iter().zip(&deck.cards) {
        assert_eq!(
            (&back.id, &back.front, &back.back, &back.tags),
            (
                &original.id,
                &original.front,
                &original.back,
                &original.tags
            )
        );
    }
}

#[test]
fn card_lines_point_at_the_cards_in_the_file() {
    let deck = deck();
    let lines: Vec<&str> = DECK.lines().collect();
    for (card, &line) in deck.cards.iter().zip(&deck.origin.card_lines) {
        let window = lines[line.saturating_sub(2)..(line + 1).min(lines.len())].join("\n");
        assert!(
            window.contains(&format!("id = \"{}\"", card.id)),
            "line {line} for {}: {window}",
            card.id
        );
    }
}

#[test]
fn the_readme_example_is_a_valid_deck_and_its_id_example_is_real() {
    let start = README.find("````toml\n").expect("example start") + "````toml\n".len();
    let end = start + README[start..].find("````\n").expect("example end");
    let example = parse_native(&README[start..end], "README.md example").expect("example parses");
    assert_eq!(example.cards.len(), 2);
    let report = check(&example, crate::tabs::check_link);
    assert!(report.findings.is_empty(), "{report}");
    assert!(README.contains(&format!(
        "`What is a hypervisor?` gets `{}`",
        super::model::derived_card_id("What is a hypervisor?")
    )));
}

/// Issue 19: 5 to 8 memory-virtualization cards, each opening the Memory tab's (or the cost
/// chart's) step that shows its answer, with the facts of domain.md and Bhargava et al. 2008.
#[test]
fn the_memory_cards_are_added_at_the_end_and_link_to_their_steps() {
    let deck = deck();
    let memory: Vec<_> = deck
        .cards
        .iter()
        .filter(|card| card.tags.iter().any(|tag| tag == "memory"))
        .collect();
    assert!(
        (5..=8).contains(&memory.len()),
        "{} memory cards",
        memory.len()
    );
    let first = deck
        .cards
        .iter()
        .position(|card| card.tags.iter().any(|tag| tag == "memory"))
        .expect("memory cards");
    assert_eq!(
        first + memory.len(),
        deck.cards.len(),
        "in their own section at the end"
    );
    for card in &memory {
        let scene = card.scene.as_deref().unwrap_or_default();
        assert!(
            scene.starts_with("memory/") || scene.starts_with("cpu/cost"),
            "{}: {scene}",
            card.id
        );
        assert!(
            scene.contains("step=") || scene.starts_with("cpu/cost"),
            "{}",
            card.id
        );
    }
    let walk = card(&deck, "memory-two-dimensional-walk");
    assert!(walk.back.contains("**24**") && walk.back.contains("**35**"));
    let lost = card(&deck, "memory-why-first-vt-x-lost");
    for fact in ["6.0 s", "36.9 s", "106.4 s"] {
        assert!(lost.back.contains(fact), "{fact}");
    }
}

/// The blocks every Markdown side of the built-in deck and of the example in decks/README.md
/// parses into, one card side a line, as the reviewer and the Anki export receive them.
fn rendered_sides() -> String {
    let mut decks = vec![deck()];
    let example = README
        .split("````toml\n")
        .nth(1)
        .and_then(|rest| rest.split("````").next())
        .expect("decks/README.md has the example deck");
    decks.push(parse_native(example, "decks/README.md").expect("the example parses"));
    let mut out = String::new();
    for deck in &decks {
        for card in &deck.cards {
            for (side, text) in [("front", &card.front), ("back", &card.back)] {
                out.push_str(&format!(
                    "{} {} {side}: {:?}\n",
                    deck.meta.id,
                    card.id,
                    markdown::parse(text)
                ));
            }
        }
    }
    out
}

/// Parsing with pulldown-cmark replaced a hand-written parser: every card side the project
/// ships parses to the same blocks as before (`tests/golden/markdown-blocks.txt` was written by
/// the hand-written parser). `UPDATE_GOLDEN=1` rewrites it after an intended change.
#[test]
fn every_shipped_card_side_parses_to_the_recorded_blocks() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/markdown-blocks.txt"
    );
    let rendered = rendered_sides();
    assert_eq!(
        rendered.lines().count(),
        2 * (deck().cards.len() + 2),
        "every side of the 90 cards and the example's two"
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &rendered).unwrap();
    }
    let recorded = std::fs::read_to_string(path).unwrap();
    for (now, before) in rendered.lines().zip(recorded.lines()) {
        assert_eq!(now, before);
    }
    assert_eq!(rendered.lines().count(), recorded.lines().count());
}
