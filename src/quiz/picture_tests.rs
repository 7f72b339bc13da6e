//! The question's picture does not give the answer away: each family's scene sits at the
//! question's moment with the answer ahead of it, the tabs that can draw a whole run draw it
//! only up to that moment (`hide=future`), and the words that state an answer (an OOM kill, a
//! migration's outcome and figures, the class of the instruction about to run) are painted in
//! the scene that shows why and not in the question's.

use super::*;
use crate::deck::shows::painted_texts;
use crate::painted::PaintedText;
use crate::scene::{HIDE_KEY, SceneLink};
use crate::tabs;

/// The tabs whose question scenes carry `hide=future`: their timelines (and, for cpu, cgroups
/// and migration, their pictures) would otherwise show what comes after the question.
const HIDING_TABS: &[&str] = &["cpu", "namespaces", "cgroups", "migration"];

/// Seeds per family.
const SEEDS: u64 = 6;

/// The timeline of `link`'s scene, opened in a fresh tab.
fn opened(link: &SceneLink) -> crate::timeline::Timeline {
    let mut tab = tabs::open_fresh(link).unwrap_or_else(|err| panic!("{link}: {err}"));
    tab.timeline()
        .unwrap_or_else(|| panic!("{link} is on a timeline"))
        .clone()
}

/// The link without `hide` and its position: the scene itself.
fn scene_of(link: &SceneLink) -> SceneLink {
    let mut place = link.place();
    place.remove(HIDE_KEY);
    place
}

#[test]
fn every_question_sits_at_its_moment_with_the_answer_ahead() {
    for family in FAMILIES {
        for seed in 0..SEEDS {
            let instance = family.instance(seed).expect("generates");
            let (at, why) = (&instance.at, &instance.why);
            let question = opened(at);
            let (key, value) = question.link_value();
            assert_eq!(
                at.get(key),
                Some(value.as_str()),
                "{} seed {seed}: {at} opens at the question's position",
                family.id
            );
            let answer = opened(why);
            if scene_of(at) == scene_of(why) {
                // The same scene: the step or time that shows why lies ahead of the question,
                // so the question's scene is not at its end.
                assert!(
                    question.position() < answer.position(),
                    "{} seed {seed}: {at} is not before {why}",
                    family.id
                );
                assert!(
                    question.position() < question.end(),
                    "{}: at the end",
                    family.id
                );
            } else {
                // The question's scene lacks what is asked about (the call, the edit, the
                // command is appended in the why scene), at a moment no later than why's.
                assert!(question.position() <= answer.position(), "{}", family.id);
            }
            if HIDING_TABS.contains(&family.tab) {
                assert_eq!(at.get(HIDE_KEY), Some("future"), "{}: {at}", family.id);
                assert!(question.ahead_hidden(), "{}: {at}", family.id);
                assert!(
                    question
                        .visible_marks()
                        .iter()
                        .all(|mark| mark.at <= question.position() + 1e-9),
                    "{}: no mark ahead is shown",
                    family.id
                );
                assert_eq!(
                    why.get(HIDE_KEY),
                    None,
                    "{}: why shows everything",
                    family.id
                );
            }
        }
    }
}

fn painted(link: &SceneLink) -> Vec<PaintedText> {
    painted_texts(&link.to_string()).unwrap_or_else(|err| panic!("{link}: {err}"))
}

fn shows(texts: &[PaintedText], term: &str) -> bool {
    texts.iter().any(|text| text.contains(term))
}

/// Words that state the answer of a family's question, when its answer is of that kind: the
/// question's picture must not paint them, the why picture must (so the check is not vacuous).
fn telling_words(instance: &Instance) -> Vec<&'static str> {
    match instance.family {
        "cgroups.oom-victim" if instance.right().starts_with("PID") => vec!["OOM kill"],
        "cgroups.memory-limit" if instance.right().starts_with("The OOM killer") => {
            vec!["OOM kill"]
        }
        "migration.rounds"
        | "migration.downtime"
        | "migration.stop-reason"
        | "migration.total-data" => vec!["Outcome:", "Downtime:", "Data sent:"],
        "migration.fastest" => vec!["Downtime", "Total time", "Side by side"],
        "cpu.next-event" => vec!["→ "],
        _ => Vec::new(),
    }
}

#[test]
fn question_pictures_do_not_paint_the_answer() {
    let mut checked = 0;
    for family in FAMILIES {
        for seed in 0..SEEDS {
            let instance = family.instance(seed).expect("generates");
            let words = telling_words(&instance);
            if words.is_empty() {
                continue;
            }
            let (question, answer) = (painted(&instance.at), painted(&instance.why));
            for word in words {
                assert!(
                    !shows(&question, word),
                    "{} seed {seed}: {} paints {word:?}",
                    family.id,
                    instance.at
                );
                assert!(
                    shows(&answer, word),
                    "{} seed {seed}: {} should paint {word:?}",
                    family.id,
                    instance.why
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "only {checked} checks ran");
}

/// Which charts the simulation draws is decided by the run up to the question's moment: a tasks
/// chart drawn because a task will die would tell that someone is killed (v2 counts tasks in
/// /leaky; nobody's limit is on them).
#[test]
fn the_oom_question_draws_no_chart_of_tasks_about_to_die() {
    let family = super::cgroups::OOM_VICTIM;
    let mut answers_show_it = 0;
    for seed in 0..24 {
        let instance = family.instance(seed).expect("generates");
        assert!(
            !shows(&painted(&instance.at), "pids.current"),
            "seed {seed}: {}",
            instance.at
        );
        if instance.right().starts_with("PID") && shows(&painted(&instance.why), "pids.current") {
            answers_show_it += 1;
        }
    }
    assert!(answers_show_it > 0, "some why scene charts the tasks");
}
