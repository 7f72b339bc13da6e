//! The sandbox terminal's text: scrollback rows and the command history (no drawing here).
//!
//! The scrollback is a pure function of the trace and the step: every line up to the step is echoed
//! after a `$` prompt and followed by its output, and `clear` drops what came before. Rows are
//! wrapped to the terminal's width in characters (the font is monospace), at spaces, so every row
//! has the same height and the view only lays out the rows that are on screen. Streams are told apart by a gutter
//! mark as well as by colour: `!` for standard error, `#` for the sandbox's own notes.

use crate::tabs::containers::docker::CliTrace;
use crate::tabs::containers::docker::{OutputLine, Stream};

/// What a row shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    /// A typed line after the prompt.
    Prompt,
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
    /// A note from the sandbox (not something a real terminal prints).
    Note,
}

impl RowKind {
    /// The gutter mark of the first row of a line (continuation rows are indented instead).
    pub fn mark(self) -> &'static str {
        match self {
            Self::Prompt => "$ ",
            Self::Stdout => "  ",
            Self::Stderr => "! ",
            Self::Note => "# ",
        }
    }

    fn of(stream: Stream) -> Self {
        match stream {
            Stream::Stdout => Self::Stdout,
            Stream::Stderr => Self::Stderr,
            Stream::Note => Self::Note,
        }
    }
}

/// One screen row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermRow {
    /// Stream or prompt.
    pub kind: RowKind,
    /// The text (without the gutter mark).
    pub text: String,
    /// The first row of its line (continuation rows show no mark).
    pub first: bool,
    /// The step that printed it (`None` for rows outside the script, such as a refused line).
    pub step: Option<usize>,
}

impl TermRow {
    /// The gutter mark this row shows: the kind's mark on a line's first row, blank after.
    pub fn mark(&self) -> &'static str {
        if self.first { self.kind.mark() } else { "  " }
    }

    /// The mark and the text, as the row reads.
    #[cfg(test)]
    pub fn full_text(&self) -> String {
        format!("{}{}", self.mark(), self.text)
    }
}

/// Characters of a row after the two-character gutter.
pub const GUTTER_CHARS: usize = 2;

/// The scrollback after step `upto` (`None`: before the first line), wrapped to `columns`
/// characters, followed by `extra` lines (a refused input and its message).
pub fn rows(
    trace: &CliTrace,
    upto: Option<usize>,
    columns: usize,
    extra: &[OutputLine],
) -> Vec<TermRow> {
    let width = columns.saturating_sub(GUTTER_CHARS).max(8);
    let mut rows = Vec::new();
    let last = upto.map_or(0, |step| (step + 1).min(trace.steps.len()));
    for (index, step) in trace.steps.iter().take(last).enumerate() {
        if step.clear {
            rows.clear();
            continue;
        }
        push_wrapped(&mut rows, RowKind::Prompt, &step.line, Some(index), width);
        for line in &step.output.lines {
            push_wrapped(
                &mut rows,
                RowKind::of(line.stream),
                &line.text,
                Some(index),
                width,
            );
        }
    }
    for line in extra {
        push_wrapped(&mut rows, RowKind::of(line.stream), &line.text, None, width);
    }
    rows
}

fn push_wrapped(
    rows: &mut Vec<TermRow>,
    kind: RowKind,
    text: &str,
    step: Option<usize>,
    width: usize,
) {
    if text.trim_end().is_empty() {
        rows.push(TermRow {
            kind,
            text: String::new(),
            first: true,
            step,
        });
        return;
    }
    // Lines break at spaces, as a reader expects (a hash longer than a row is cut).
    for (index, piece) in crate::draw::wrap_monospace(text, width, width)
        .into_iter()
        .enumerate()
    {
        rows.push(TermRow {
            kind,
            text: piece,
            first: index == 0,
            step,
        });
    }
}

/// The lines typed so far, recalled with Up and Down as in bash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    entries: Vec<String>,
    /// Index into `entries` while browsing; `None` at the fresh prompt.
    cursor: Option<usize>,
    /// What was typed at the fresh prompt before browsing started.
    stash: String,
}

/// History entries kept (bash's default HISTSIZE).
pub const HISTORY_LEN: usize = 500;

impl History {
    /// A history holding `lines`, oldest first.
    pub fn from_lines(lines: &[String]) -> Self {
        let mut history = Self::default();
        for line in lines {
            history.push(line);
        }
        history
    }

    /// Records a typed line (repeats of the last one are kept once) and leaves browsing.
    pub fn push(&mut self, line: &str) {
        self.cursor = None;
        self.stash.clear();
        if line.trim().is_empty() || self.entries.last().is_some_and(|last| last == line) {
            return;
        }
        self.entries.push(line.to_owned());
        if self.entries.len() > HISTORY_LEN {
            self.entries.remove(0);
        }
    }

    /// Up: the previous entry (stashing `current` when leaving the fresh prompt).
    pub fn older(&mut self, current: &str) -> Option<String> {
        let next = match self.cursor {
            None => {
                self.stash = current.to_owned();
                self.entries.len().checked_sub(1)?
            }
            Some(0) => return None,
            Some(index) => index - 1,
        };
        self.cursor = Some(next);
        self.entries.get(next).cloned()
    }

    /// Down: the next entry, or the stashed input after the newest one.
    pub fn newer(&mut self) -> Option<String> {
        let index = self.cursor?;
        if index + 1 < self.entries.len() {
            self.cursor = Some(index + 1);
            self.entries.get(index + 1).cloned()
        } else {
            self.cursor = None;
            Some(std::mem::take(&mut self.stash))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::containers::docker::{CliPreset, replay};

    #[test]
    fn rows_echo_lines_mark_streams_and_wrap() {
        let lines = vec![
            "docker frobnicate".to_owned(),
            "echo 0123456789abcdef".to_owned(),
        ];
        let trace = replay(1, &lines).unwrap();
        let rows = rows(&trace, Some(1), 12, &[]);
        assert_eq!(rows[0].full_text(), "$ docker", "breaks at the space");
        assert_eq!(rows[1].full_text(), "  frobnicate");
        assert!(!rows[1].first);
        let stderr: Vec<&TermRow> = rows.iter().filter(|r| r.kind == RowKind::Stderr).collect();
        assert!(!stderr.is_empty());
        assert!(stderr[0].full_text().starts_with("! docker:"), "{stderr:?}");
        assert_eq!(rows.last().unwrap().full_text(), "  abcdef");
        assert!(rows.iter().all(|r| r.text.chars().count() <= 10));
    }

    #[test]
    fn rows_stop_at_the_step_and_clear_drops_earlier_ones() {
        let trace = CliPreset::StopVsRm.replay();
        assert!(rows(&trace, None, 80, &[]).is_empty());
        let first = rows(&trace, Some(0), 80, &[]);
        assert_eq!(first[0].text, trace.steps[0].line);
        assert!(first.iter().all(|r| r.step == Some(0)));
        let lines = vec!["echo a".to_owned(), "clear".to_owned(), "echo b".to_owned()];
        let trace = replay(1, &lines).unwrap();
        let texts: Vec<String> = rows(&trace, Some(2), 80, &[])
            .iter()
            .map(TermRow::full_text)
            .collect();
        assert_eq!(texts, ["$ echo b", "  b"]);
    }

    #[test]
    fn history_browses_like_bash() {
        let mut history = History::from_lines(&["a".to_owned(), "b".to_owned()]);
        history.push("b");
        assert_eq!(history.older("typing"), Some("b".to_owned()));
        assert_eq!(history.older(""), Some("a".to_owned()));
        assert_eq!(history.older(""), None, "no older entry");
        assert_eq!(history.newer(), Some("b".to_owned()));
        assert_eq!(
            history.newer(),
            Some("typing".to_owned()),
            "back to the input"
        );
        assert_eq!(history.newer(), None);
        history.push("c");
        assert_eq!(history.older(""), Some("c".to_owned()));
    }
}
