//! `virtscope quiz`: the families without a window, for checking questions and for handouts.
//!
//! `--list` prints one family a line (id, tab, title, tab-separated); `FAMILY --seed N` prints
//! the question, lettered choices, the model's answer, why, and the scene links (`--json` prints
//! the same as one JSON object).

use std::io::Write;

use clap::Args;
use serde::Serialize;

use super::{FAMILIES, Instance, QuizError, family};

/// `virtscope quiz [--list | FAMILY --seed N [--json]]`.
#[derive(Debug, Args)]
pub struct QuizArgs {
    /// The family id (see --list).
    #[arg(value_name = "FAMILY", required_unless_present = "list")]
    pub family: Option<String>,

    /// List the families: id, tab and title, one a line.
    #[arg(long, conflicts_with_all = ["seed", "json"])]
    pub list: bool,

    /// Which instance: the same seed always gives the same question.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,

    /// Print the instance as JSON.
    #[arg(long)]
    pub json: bool,
}

/// An instance as `--json` prints it.
#[derive(Serialize)]
struct JsonInstance<'a> {
    family: &'a str,
    seed: u64,
    question: &'a str,
    choices: &'a [String],
    answer: usize,
    explanation: &'a str,
    at: String,
    why: String,
    /// Answering on the picture: the link key a click sets and each choice's value (`null`
    /// for a family answered only by choices).
    pick: Option<JsonPick<'a>>,
}

/// An instance's [`super::Pick`] as `--json` prints it.
#[derive(Serialize)]
struct JsonPick<'a> {
    key: &'a str,
    values: &'a [Option<String>],
    what: &'a str,
}

/// The letter of choice `index` (A, B, C, D).
pub fn letter(index: usize) -> char {
    char::from(b'A' + u8::try_from(index % 26).unwrap_or(0))
}

/// Why `virtscope quiz` failed; each is one line.
#[derive(Debug, thiserror::Error)]
pub enum QuizCliError {
    /// Neither a family nor `--list`.
    #[error("quiz needs a family id or --list")]
    NoFamily,
    /// The family is unknown or its generator failed.
    #[error(transparent)]
    Quiz(#[from] QuizError),
    /// The instance could not be written as JSON.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// Writing the output failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Runs the subcommand.
pub fn run(args: &QuizArgs, out: &mut impl Write) -> Result<(), QuizCliError> {
    if args.list {
        for family in FAMILIES {
            writeln!(out, "{}\t{}\t{}", family.id, family.tab, family.title)?;
        }
        return Ok(());
    }
    let id = args.family.as_deref().ok_or(QuizCliError::NoFamily)?;
    let instance = family(id).and_then(|family| family.instance(args.seed))?;
    if args.json {
        let json = serde_json::to_string_pretty(&JsonInstance {
            family: instance.family,
            seed: instance.seed,
            question: &instance.question,
            choices: &instance.choices,
            answer: instance.answer,
            explanation: &instance.explanation,
            at: instance.at.to_string(),
            why: instance.why.to_string(),
            pick: instance.pick.as_ref().map(|pick| JsonPick {
                key: pick.key,
                values: &pick.values,
                what: pick.what,
            }),
        })?;
        writeln!(out, "{json}")?;
        return Ok(());
    }
    Ok(write_text(&instance, out)?)
}

fn write_text(instance: &Instance, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{} (seed {})", instance.family, instance.seed)?;
    writeln!(out, "{}", instance.question)?;
    for (index, choice) in instance.choices.iter().enumerate() {
        writeln!(out, "  {}. {choice}", letter(index))?;
    }
    writeln!(
        out,
        "Answer: {}. {}",
        letter(instance.answer),
        instance.right()
    )?;
    if let Some(pick) = &instance.pick {
        writeln!(
            out,
            "On the picture: click {} (link key {})",
            pick.what, pick.key
        )?;
    }
    writeln!(out, "Why: {}", instance.explanation)?;
    writeln!(out, "Scene: {}", instance.why)?;
    writeln!(out, "Asked at: {}", instance.at)
}
