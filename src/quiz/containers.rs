//! Containers tab families: what the layer cache keeps after an edit, and what `docker ps` lists
//! after a session, computed by the Docker sandbox in `tabs::containers::model`.
//!
//! The layer questions open the layers view's own scene (`LayersScene::from_link`) with an edited
//! Dockerfile and read which lines the rebuild took from the cache: the same code draws the
//! picture. The rule is the model's (Docker docs, "Docker build cache": a changed instruction
//! invalidates it and every later step; the sources in `tabs::containers::docker::builder`). The `ps`
//! questions replay a drawn command script in the sandbox (`docker stop` only stops, `docker rm`
//! removes; domain.md section 6, item 3).

use super::containers_cli::cli_link;
use super::{Dice, Family, GenError, Instance, choices};
use std::sync::OnceLock;

use crate::scene::SceneLink;
use crate::tabs::containers::docker::CliTrace;
use crate::tabs::containers::docker::DEFAULT_DOCKERFILE;
use crate::tabs::containers::docker::LayersPreset;
use crate::tabs::containers::docker::Sandbox;
use crate::tabs::containers::docker::{DEFAULT_SEED, replay};
use crate::tabs::containers::link::view_link;
use crate::tabs::containers::model::View;
use crate::tabs::containers::scene::layers::{BuildSummary, rebuild_summary};

/// "After this edit, which is the first step the cache cannot give?"
pub const FIRST_REBUILT: Family = Family {
    id: "containers.first-rebuilt",
    tab: "containers",
    title: "After editing the Dockerfile, which is the first line docker build runs again?",
    cards: &["how-docker-images-are-built", "docker-image"],
    generate: first_rebuilt,
};

/// "How many steps come from the cache?"
pub const CACHED_STEPS: Family = Family {
    id: "containers.cached-steps",
    tab: "containers",
    title: "After editing the Dockerfile, how many build steps come from the layer cache?",
    cards: &["how-docker-images-are-built", "docker-image"],
    generate: cached_steps,
};

/// "How many containers does docker ps list?"
pub const PS_COUNT: Family = Family {
    id: "containers.ps-count",
    tab: "containers",
    title: "After these commands, how many containers does docker ps (or ps -a) list?",
    cards: &[
        "docker-ps",
        "docker-stop",
        "docker-rm",
        "stop-all-containers",
    ],
    generate: ps_count,
};

/// The edit a layers question makes: the Dockerfile text and what changed, in words.
struct Edit {
    dockerfile: String,
    words: String,
}

/// Draws an edit of the example Dockerfile that keeps it buildable in the sandbox: a new
/// `ENV` line somewhere after `FROM`, another `EXPOSE` port, or another `CMD`.
fn draw_edit(dice: &mut Dice) -> Edit {
    let lines: Vec<&str> = DEFAULT_DOCKERFILE.lines().collect();
    let mut edited: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
    let words = match dice.index(3) {
        0 => {
            let at = 1 + dice.index(lines.len() - 1);
            let value = dice.range(1..=99);
            edited.insert(at, format!("ENV RELEASE={value}"));
            format!("inserts `ENV RELEASE={value}` as line {}", at + 1)
        }
        1 => {
            let port = dice.pick(&[8000_u64, 8080, 5001]).unwrap_or(8000);
            replace(&mut edited, "EXPOSE", &format!("EXPOSE {port}"))
        }
        _ => replace(&mut edited, "CMD", "CMD [\"python\", \"-u\", \"app.py\"]"),
    };
    Edit {
        dockerfile: edited.join("\n") + "\n",
        words,
    }
}

/// Replaces the line starting with `keyword` and says so.
fn replace(lines: &mut [String], keyword: &str, new: &str) -> String {
    match lines.iter().position(|line| line.starts_with(keyword)) {
        Some(at) => {
            let old = lines
                .get_mut(at)
                .map(|line| std::mem::replace(line, new.to_owned()))
                .unwrap_or_default();
            format!("changes line {} from `{old}` to `{new}`", at + 1)
        }
        None => "changes nothing".to_owned(),
    }
}

/// The layers view's link: a preset at a step, with an edited Dockerfile rebuilt after it.
pub(crate) fn layers_link(
    preset: LayersPreset,
    step: usize,
    dockerfile: Option<&str>,
) -> SceneLink {
    let mut link = view_link(View::Layers).with("preset", preset.slug());
    if let Some(text) = dockerfile {
        link.set("dockerfile", text);
    }
    link.with("step", step)
}

/// The cache-rebuild preset's replay, made once: every layers question rebuilds after one of its
/// steps, and replaying it (three builds) is most of a question's cost.
fn preset_trace() -> &'static CliTrace {
    static TRACE: OnceLock<CliTrace> = OnceLock::new();
    TRACE.get_or_init(|| LayersPreset::CacheRebuild.replay())
}

/// The rebuild of `dockerfile` after `step` of the cache-rebuild preset: the build the layers
/// view shows for [`layers_link`] of the same step and text (the property tests open that link
/// in the tab and compare).
pub(crate) fn rebuild(step: usize, dockerfile: &str) -> Result<BuildSummary, GenError> {
    let summary = rebuild_summary(preset_trace(), step, dockerfile);
    if let Some((_, error)) = &summary.error {
        return Err(GenError::Model(format!("the rebuild failed: {error}")));
    }
    Ok(summary)
}

/// "line 4: RUN pip install -r requirements.txt".
fn line_words(dockerfile: &str, line: usize) -> String {
    let text = dockerfile
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or_default();
    format!("line {line}: {text}")
}

/// Words for "every step came from the cache".
const ALL_CACHED: &str = "None: every step comes from the cache";

/// The first line the rebuild ran again, in words.
pub(crate) fn first_rebuilt_words(summary: &BuildSummary) -> String {
    summary
        .lines
        .iter()
        .find(|line| !line.cached)
        .map_or(ALL_CACHED.to_owned(), |line| {
            line_words(&summary.dockerfile, line.line)
        })
}

/// A drawn rebuild: the preset's step after which the edit is built.
fn draw_step(dice: &mut Dice) -> usize {
    // cache-rebuild's steps: build, build again, edit app.py, build, edit requirements, build.
    dice.index(LayersPreset::CacheRebuild.script().len())
}

fn first_rebuilt(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(FIRST_REBUILT.id, seed);
    let step = draw_step(&mut dice);
    let edit = draw_edit(&mut dice);
    let preset = LayersPreset::CacheRebuild;
    let why = layers_link(preset, step, Some(&edit.dockerfile));
    let summary = rebuild(step, &edit.dockerfile)?;
    let answer = first_rebuilt_words(&summary);
    let mut distractors: Vec<String> = summary
        .lines
        .iter()
        .map(|line| line_words(&summary.dockerfile, line.line))
        .collect();
    distractors.push(ALL_CACHED.to_owned());
    // Prefer the lines next to the answer: the instructive confusions.
    let answer_at = line_index(&summary, &answer);
    distractors.sort_by_key(|words| line_index(&summary, words).abs_diff(answer_at));
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    Ok(Instance {
        family: FIRST_REBUILT.id,
        seed,
        question: format!(
            "In \"{}\", after step {} (`{}`), the student {} and runs docker build again. Which \
             is the first line that is not taken from the layer cache?",
            preset.title(),
            step,
            preset.script().get(step).copied().unwrap_or_default(),
            edit.words
        ),
        choices,
        answer: answer_index,
        explanation: "A step is reused only if the same instruction ran on the same parent image \
                      (and, for COPY and ADD, copied the same content); a changed line changes \
                      the parent of every later step, so all of them run again (Docker docs, \
                      \"Docker build cache\")."
            .to_owned(),
        at: layers_link(preset, step, None),
        why,
        pick: None,
    })
}

/// The position of a choice among the build's lines (the "all cached" choice comes last).
fn line_index(summary: &BuildSummary, words: &str) -> usize {
    summary
        .lines
        .iter()
        .position(|line| line_words(&summary.dockerfile, line.line) == words)
        .unwrap_or(summary.lines.len())
}

/// Cached steps of a rebuild.
pub(crate) fn cached_count(summary: &BuildSummary) -> usize {
    summary.lines.iter().filter(|line| line.cached).count()
}

fn cached_steps(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(CACHED_STEPS.id, seed);
    let step = draw_step(&mut dice);
    let edit = draw_edit(&mut dice);
    let preset = LayersPreset::CacheRebuild;
    let why = layers_link(preset, step, Some(&edit.dockerfile));
    let summary = rebuild(step, &edit.dockerfile)?;
    let count = cached_count(&summary);
    // Distractors: the same edit built after the neighbouring steps, then the neighbours.
    let mut distractors = Vec::new();
    for other in [step.checked_sub(1), Some(step + 1)].into_iter().flatten() {
        if other < preset.script().len() {
            let other_summary = rebuild(other, &edit.dockerfile)?;
            distractors.push(cached_count(&other_summary).to_string());
        }
    }
    distractors.extend(
        [count + 1, count.saturating_sub(1), summary.lines.len()]
            .iter()
            .map(ToString::to_string),
    );
    let (choices, answer_index) = choices(&mut dice, count.to_string(), distractors)?;
    Ok(Instance {
        family: CACHED_STEPS.id,
        seed,
        question: format!(
            "In \"{}\", after step {} (`{}`), the student {} and runs docker build again. How \
             many of the {} build steps are taken from the layer cache?",
            preset.title(),
            step,
            preset.script().get(step).copied().unwrap_or_default(),
            edit.words,
            summary.lines.len()
        ),
        choices,
        answer: answer_index,
        explanation: format!(
            "The cache keeps every step before the first changed one whose parent image and \
             instruction match an earlier build; here {count} of {}.",
            summary.lines.len()
        ),
        at: layers_link(preset, step, None),
        why,
        pick: None,
    })
}

/// Names of the containers a `ps` script plays with.
const NAMES: [&str; 3] = ["web1", "web2", "db"];

/// Draws a session: runs, stops, starts and removals of three containers.
fn draw_session(dice: &mut Dice) -> Vec<String> {
    let mut lines = Vec::new();
    for name in NAMES {
        if dice.coin() || lines.is_empty() {
            lines.push(format!("docker run -d --name {name} nginx"));
        }
    }
    let started: Vec<String> = lines
        .iter()
        .filter_map(|line| line.split_whitespace().nth(4).map(str::to_owned))
        .collect();
    for _ in 0..dice.range(1..=4) {
        let Some(name) = started.get(dice.index(started.len())) else {
            break;
        };
        let command = match dice.index(4) {
            0 => format!("docker stop {name}"),
            1 => format!("docker rm {name}"),
            2 => format!("docker rm -f {name}"),
            _ => format!("docker start {name}"),
        };
        lines.push(command);
    }
    lines
}

/// The rows `ps` prints (its output lines after the header) when run on a copy of `sandbox`.
fn ps_rows(sandbox: &Sandbox, ps: &str) -> usize {
    let mut sandbox = sandbox.clone();
    sandbox.run_line(ps).output.lines.len().saturating_sub(1)
}

fn ps_count(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(PS_COUNT.id, seed);
    let mut lines = draw_session(&mut dice);
    let all = dice.coin();
    let (asked, other) = if all {
        ("docker ps -a", "docker ps")
    } else {
        ("docker ps", "docker ps -a")
    };
    // One replay of the session; each ps runs on a copy of the sandbox it leaves.
    let session = replay(DEFAULT_SEED, &lines).map_err(GenError::model)?;
    let after = session.last_state();
    let count = ps_rows(after, asked);
    let mut distractors = vec![ps_rows(after, other).to_string()];
    // The session without its last command, read with the same ps.
    if lines.len() > 1 {
        distractors.push(ps_rows(session.state_at(lines.len() - 2), asked).to_string());
    }
    lines.push(asked.to_owned());
    distractors.extend(
        [count + 1, count.saturating_sub(1), count + 2]
            .iter()
            .map(ToString::to_string),
    );
    let (choices, answer_index) = choices(&mut dice, count.to_string(), distractors)?;
    let script = lines.join("\n");
    let link = |step: usize| cli_link(&script, step);
    // The question shows the sandbox before the session's last command: after it, the
    // picture's list of containers is what ps prints.
    let (session, last) = match lines.as_slice() {
        [before @ .., last, _ps] => (before.join("`, `"), last.as_str()),
        _ => return Err(GenError::Missing("session")),
    };
    Ok(Instance {
        family: PS_COUNT.id,
        seed,
        question: format!(
            "In a fresh Docker sandbox the student runs `{session}` (the sandbox as the picture \
             shows it), then `{last}`. How many containers does `{asked}` then list?"
        ),
        choices,
        answer: answer_index,
        explanation: "docker ps lists running containers and docker ps -a all of them; docker \
                      stop only stops a container (SIGTERM, then SIGKILL after the grace \
                      period), docker rm removes a stopped one and docker rm -f a running one."
            .to_owned(),
        at: link(lines.len().saturating_sub(3)),
        why: link(lines.len() - 1),
        pick: None,
    })
}
