//! Terminal output of a command: lines tagged with their stream, and an exit status.
//!
//! The sandbox terminal colours standard error and marks the sandbox's own notes (where it departs
//! from a real terminal, e.g. it does not attach to a container), so each line carries its stream.
//! Command substitution captures only standard output, as a shell does.

use serde::Serialize;

/// Which stream a line went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
    /// A note from the sandbox itself (not something Docker prints).
    Note,
}

/// One line of output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct OutputLine {
    /// Stream.
    pub(crate) stream: Stream,
    /// Text without the newline.
    pub(crate) text: String,
}

/// The output and exit status of a command.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Output {
    /// Lines in order.
    pub(crate) lines: Vec<OutputLine>,
    /// Exit status (0 = success).
    pub(crate) exit_code: i32,
}

impl Output {
    /// Appends a standard-output line.
    pub(super) fn out(&mut self, text: impl Into<String>) {
        self.push(Stream::Stdout, text);
    }

    /// Appends a standard-error line.
    pub(super) fn err(&mut self, text: impl Into<String>) {
        self.push(Stream::Stderr, text);
    }

    /// Appends a sandbox note.
    pub(super) fn note(&mut self, text: impl Into<String>) {
        self.push(Stream::Note, text);
    }

    /// Appends a line to `stream`.
    pub(super) fn push(&mut self, stream: Stream, text: impl Into<String>) {
        self.lines.push(OutputLine {
            stream,
            text: text.into(),
        });
    }

    /// Appends every line of `other` and takes its status.
    pub(super) fn extend(&mut self, other: Output) {
        self.lines.extend(other.lines);
        self.exit_code = other.exit_code;
    }

    /// Standard output joined with newlines (what `$(...)` captures).
    pub(super) fn stdout_text(&self) -> String {
        self.lines
            .iter()
            .filter(|line| line.stream == Stream::Stdout)
            .map(|line| format!("{}\n", line.text))
            .collect()
    }

    #[cfg(test)]
    /// Every line's text, for tests.
    pub(crate) fn texts(&self) -> Vec<&str> {
        self.lines.iter().map(|line| line.text.as_str()).collect()
    }
}

/// Formats rows like Go's `text/tabwriter` as docker uses it (minimum cell width 10, padding 3,
/// the last column unpadded).
pub(super) fn table(header: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let all_rows: Vec<&[String]> = std::iter::once(header.as_slice())
        .chain(rows.iter().map(Vec::as_slice))
        .collect();
    // One width for every column but the last.
    let mut widths = vec![0usize; header.len().saturating_sub(1)];
    for row in &all_rows {
        for (width, cell) in widths.iter_mut().zip(row.iter()) {
            *width = (*width).max((cell.chars().count() + 3).max(10));
        }
    }
    all_rows
        .iter()
        .map(|row| {
            let mut line = String::new();
            let mut widths = widths.iter();
            for cell in row.iter() {
                line.push_str(cell);
                if let Some(width) = widths.next() {
                    let pad = width.saturating_sub(cell.chars().count());
                    line.push_str(&" ".repeat(pad));
                }
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabwriter_layout_matches_docker_network_ls() {
        let rows = vec![vec![
            "7fca4eb8c647".to_owned(),
            "bridge".to_owned(),
            "bridge".to_owned(),
            "local".to_owned(),
        ]];
        let lines = table(&["NETWORK ID", "NAME", "DRIVER", "SCOPE"], &rows);
        assert_eq!(lines[0], "NETWORK ID     NAME      DRIVER    SCOPE");
        assert_eq!(lines[1], "7fca4eb8c647   bridge    bridge    local");
    }

    #[test]
    fn stdout_text_skips_other_streams() {
        let mut output = Output::default();
        output.out("a");
        output.err("b");
        output.note("c");
        output.out("d");
        assert_eq!(output.stdout_text(), "a\nd\n");
    }
}
