//! Migration tab families: rounds, downtime, why pre-copy stops, which method wins and how much
//! data moves, computed by `tabs::migration::model::simulate`.
//!
//! Every question is the worked-example preset (the geometric model: the whole memory is the
//! writable working set) with a drawn memory size, link rate, dirty rate, downtime limit and
//! rule set, printed as the migration tab's own link. The rules are the model's: QEMU iterates
//! until the rest fits the downtime limit and has no caps; Xen 4.6+ stops after 5 rounds or under
//! 50 dirty pages; legacy Xen after 29 rounds, 3x memory, or a rate cap (domain.md section 4,
//! `tabs::migration::model::SOURCES`).

use super::{Dice, Family, GenError, Instance, choices};
use crate::scene::{SceneLink, hiding_future};
use crate::tabs::migration::link::{Scene, View};
use crate::tabs::migration::model::{
    MigrationTimeline, Mode, Outcome, Params, Preset, Rules, Summary, simulate,
};
use crate::units::bytes_approx;

/// "How many pre-copy rounds before the switchover?"
pub const ROUNDS: Family = Family {
    id: "migration.rounds",
    tab: "migration",
    title: "How many pre-copy rounds run before the switchover?",
    cards: &["pre-copy-steps", "cons-of-pre-copy"],
    generate: rounds,
};

/// "How long is the VM paused?"
pub const DOWNTIME: Family = Family {
    id: "migration.downtime",
    tab: "migration",
    title: "How long is the VM paused (downtime) in this pre-copy migration?",
    cards: &["pros-of-pre-copy", "pre-copy-steps"],
    generate: downtime,
};

/// "Why does pre-copy stop iterating?"
pub const STOP_REASON: Family = Family {
    id: "migration.stop-reason",
    tab: "migration",
    title: "Why does pre-copy stop iterating here (QEMU, Xen 4.6+, legacy Xen rules)?",
    cards: &["pre-copy-steps", "cons-of-pre-copy"],
    generate: stop_reason,
};

/// "Which method has the shortest downtime or total time?"
pub const FASTEST: Family = Family {
    id: "migration.fastest",
    tab: "migration",
    title: "Which method (cold, pre-copy, post-copy) has the shortest downtime or total time?",
    cards: &[
        "two-types-of-migration",
        "pros-of-post-copy",
        "cons-of-post-copy",
    ],
    generate: fastest,
};

/// "How much data crosses the link?"
pub const TOTAL_DATA: Family = Family {
    id: "migration.total-data",
    tab: "migration",
    title: "How much data does this pre-copy migration send in all?",
    cards: &["cons-of-pre-copy", "pros-of-post-copy"],
    generate: total_data,
};

/// Draws before a generator gives up.
const ATTEMPTS: usize = 100;

/// A drawn scenario: the worked example with other numbers.
fn draw(dice: &mut Dice) -> Params {
    let mut params = Preset::WorkedExample.params();
    params.memory_mib = dice
        .pick(&[1024.0, 2048.0, 4096.0, 8192.0])
        .unwrap_or(4096.0);
    params.wss_mib = params.memory_mib;
    params.bandwidth_mib_s = dice.pick(&[64.0, 128.0, 256.0]).unwrap_or(128.0);
    params.dirty_mib_s = dice
        .pick(&[4.0, 8.0, 16.0, 32.0, 48.0, 64.0, 96.0])
        .unwrap_or(32.0);
    params.downtime_ms = dice.pick(&[100.0, 300.0, 500.0]).unwrap_or(300.0);
    params.rules = dice.pick(Rules::ALL).unwrap_or(Rules::Qemu);
    params
}

/// The link of a scenario in a view at `t` seconds (rounded to the millisecond).
pub(crate) fn scene_link(view: View, params: &Params, t_secs: f64) -> SceneLink {
    Scene {
        view,
        preset: Preset::WorkedExample,
        params: params.clone(),
        hide_future: false,
    }
    .to_link()
    .with("t", (t_secs * 1000.0).round() / 1000.0)
}

/// The question's scene: the scenario at its start, showing nothing of the migration ahead
/// (`hide=future`), so no outcome, total or round count can be read off the picture.
fn question_link(view: View, params: &Params) -> SceneLink {
    hiding_future(scene_link(view, params, 0.0))
}

fn run(params: &Params, mode: Mode) -> Result<MigrationTimeline, GenError> {
    simulate(params, mode).map_err(GenError::model)
}

/// The same scenario under another rule set.
fn with_rules(params: &Params, rules: Rules) -> Params {
    Params {
        rules,
        ..params.clone()
    }
}

/// The scenario in words.
fn scenario(params: &Params) -> String {
    format!(
        "A {} MiB VM whose whole memory is written at {} MiB/s migrates over a {} MiB/s link \
         under {} rules (downtime limit {} ms where the rules have one)",
        params.memory_mib,
        params.dirty_mib_s,
        params.bandwidth_mib_s,
        params.rules.title(),
        params.downtime_ms
    )
}

/// When the VM resumes (or the end of the drawn timeline).
fn resume_secs(timeline: &MigrationTimeline) -> f64 {
    timeline
        .event("resume")
        .map_or(timeline.end_secs, |event| event.at_secs)
}

/// Pre-copy rounds in words.
pub(crate) fn rounds_words(timeline: &MigrationTimeline) -> String {
    match timeline.summary.outcome {
        Outcome::NotConverged => "It never switches over: the dirty set stops shrinking".to_owned(),
        _ => format!("{} rounds", timeline.summary.rounds),
    }
}

fn rounds(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(ROUNDS.id, seed);
    let params = draw(&mut dice);
    let timeline = run(&params, Mode::PreCopy)?;
    let answer = rounds_words(&timeline);
    let mut distractors = Vec::new();
    for rules in Rules::ALL {
        distractors.push(rounds_words(&run(
            &with_rules(&params, *rules),
            Mode::PreCopy,
        )?));
    }
    let n = timeline.summary.rounds;
    distractors.extend([n + 1, n.saturating_sub(1), n + 2].map(|r| format!("{r} rounds")));
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    let view = View::Method(Mode::PreCopy);
    Ok(Instance {
        family: ROUNDS.id,
        seed,
        question: format!(
            "{}. How many pre-copy rounds run before the VM is paused for the stop-and-copy?",
            scenario(&params)
        ),
        choices,
        answer: answer_index,
        explanation: timeline.summary.verdict.clone(),
        at: question_link(view, &params),
        why: scene_link(view, &params, resume_secs(&timeline)),
        pick: None,
    })
}

fn millis(secs: f64) -> String {
    format!("{:.0} ms", secs * 1000.0)
}

/// A figure of a completed pre-copy migration, asked about across the rule sets and against
/// cold and post-copy migration of the same VM (the downtime and total-data families).
struct Figure {
    family: &'static Family,
    /// The figure in words, from a summary.
    words: fn(&Summary) -> String,
    /// What the question asks, after the scenario.
    ask: &'static str,
    /// A sentence added to the model's verdict.
    why: &'static str,
}

fn figure(seed: u64, figure: &Figure) -> Result<Instance, GenError> {
    let mut dice = Dice::new(figure.family.id, seed);
    for _ in 0..ATTEMPTS {
        let params = draw(&mut dice);
        let timeline = run(&params, Mode::PreCopy)?;
        if timeline.summary.outcome != Outcome::Completed {
            continue;
        }
        let answer = (figure.words)(&timeline.summary);
        let mut distractors = Vec::new();
        for rules in Rules::ALL {
            let other = run(&with_rules(&params, *rules), Mode::PreCopy)?;
            if other.summary.outcome == Outcome::Completed {
                distractors.push((figure.words)(&other.summary));
            }
        }
        // Then the other methods on the same VM, cold first: post-copy's simulation (a fault
        // per page) costs more than the rest together, so it runs only when still needed.
        for mode in [Mode::Cold, Mode::PostCopy] {
            let mut distinct: Vec<&String> = distractors
                .iter()
                .filter(|words| **words != answer)
                .collect();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() >= super::MAX_CHOICES - 1 {
                break;
            }
            distractors.push((figure.words)(&run(&params, mode)?.summary));
        }
        let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
        let view = View::Method(Mode::PreCopy);
        return Ok(Instance {
            family: figure.family.id,
            seed,
            question: format!("{}. {}", scenario(&params), figure.ask),
            choices,
            answer: answer_index,
            explanation: format!("{} {}", timeline.summary.verdict, figure.why)
                .trim_end()
                .to_owned(),
            at: question_link(view, &params),
            why: scene_link(view, &params, resume_secs(&timeline)),
            pick: None,
        });
    }
    Err(GenError::NoScenario("completed"))
}

fn downtime(seed: u64) -> Result<Instance, GenError> {
    figure(
        seed,
        &Figure {
            family: &DOWNTIME,
            words: |summary| millis(summary.downtime_secs),
            ask: "With pre-copy, how long is the VM paused (stop-and-copy, device state and \
                  resume)?",
            why: "",
        },
    )
}

/// Why pre-copy stopped, in words.
pub(crate) fn stop_words(timeline: &MigrationTimeline) -> Option<String> {
    timeline.summary.stop.map(|stop| stop.title().to_owned())
}

fn stop_reason(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(STOP_REASON.id, seed);
    for _ in 0..ATTEMPTS {
        let params = draw(&mut dice);
        let timeline = run(&params, Mode::PreCopy)?;
        let Some(answer) = stop_words(&timeline) else {
            continue;
        };
        let mut distractors = Vec::new();
        for rules in Rules::ALL {
            for dirty in [4.0, 32.0, 96.0] {
                let variant = Params {
                    dirty_mib_s: dirty,
                    ..with_rules(&params, *rules)
                };
                distractors.extend(stop_words(&run(&variant, Mode::PreCopy)?));
            }
        }
        let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
        let view = View::Method(Mode::PreCopy);
        return Ok(Instance {
            family: STOP_REASON.id,
            seed,
            question: format!("{}. Why does pre-copy stop iterating?", scenario(&params)),
            choices,
            answer: answer_index,
            explanation: format!("{} {}", timeline.summary.verdict, params.rules.summary()),
            at: question_link(view, &params),
            why: scene_link(view, &params, resume_secs(&timeline)),
            pick: None,
        });
    }
    Err(GenError::NoScenario("stopped"))
}

fn fastest(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(FASTEST.id, seed);
    for _ in 0..ATTEMPTS {
        let params = draw(&mut dice);
        // The three methods as `compare` runs them, pre-copy first: a scenario it does not
        // complete is drawn again before the other two are simulated.
        let pre_copy = run(&params, Mode::PreCopy)?.summary;
        if pre_copy.outcome != Outcome::Completed {
            continue;
        }
        let cold = run(&params, Mode::Cold)?.summary;
        let post_copy = run(&params, Mode::PostCopy)?.summary;
        let rows = [&cold, &pre_copy, &post_copy];
        if rows.iter().any(|row| row.outcome != Outcome::Completed) {
            continue;
        }
        let by_downtime = dice.coin();
        let value = |summary: &Summary| {
            if by_downtime {
                summary.downtime_secs
            } else {
                summary.total_secs
            }
        };
        let mut order = rows;
        order.sort_by(|a, b| value(a).total_cmp(&value(b)));
        let [best, second, third] = order;
        // A near tie teaches nothing: ask again.
        if value(second) - value(best) < 0.01 * value(second).max(1e-9) {
            continue;
        }
        let title = |summary: &Summary| summary.mode.title().to_owned();
        let answer = title(best);
        let distractors = [second, third].into_iter().map(title);
        let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
        let what = if by_downtime {
            "the shortest downtime (VM paused)"
        } else {
            "the shortest total migration time"
        };
        let figures: Vec<String> = rows
            .iter()
            .map(|row| {
                format!(
                    "{}: downtime {}, total {:.1} s",
                    row.mode.title(),
                    millis(row.downtime_secs),
                    row.total_secs
                )
            })
            .collect();
        return Ok(Instance {
            family: FASTEST.id,
            seed,
            question: format!("{}. Which method has {what}?", scenario(&params)),
            choices,
            answer: answer_index,
            explanation: format!("The simulation gives {}.", figures.join("; ")),
            at: question_link(View::Compare, &params),
            why: scene_link(View::Compare, &params, value(third).max(value(second))),
            pick: None,
        });
    }
    Err(GenError::NoScenario("separated the methods"))
}

fn total_data(seed: u64) -> Result<Instance, GenError> {
    figure(
        seed,
        &Figure {
            family: &TOTAL_DATA,
            words: |summary| bytes_approx(summary.total_bytes),
            ask: "How much data does pre-copy send over the link in all (memory rounds, the \
                  stop-and-copy and device state)?",
            why: "Pages rewritten during a round are sent again in the next; cold and post-copy \
                  send each page once.",
        },
    )
}
