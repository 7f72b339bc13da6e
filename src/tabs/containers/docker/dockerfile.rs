//! Dockerfile parsing: instructions with their line numbers.
//!
//! The builder needs each instruction's keyword, arguments and 1-based line (errors and the layer-cache
//! view refer to lines). Continuation lines (`\` at the end) join onto the instruction's first line and
//! `#` comment lines are skipped, as in Docker's parser. Exec form (`["python", "app.py"]`) is JSON;
//! anything else is shell form, run as `/bin/sh -c "..."`.

/// Instructions the builder knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Keyword {
    /// `FROM image`: the base image.
    From,
    /// `RUN cmd`: runs a command; its file changes become a layer.
    Run,
    /// `COPY src... dest`: files from the build context become a layer.
    Copy,
    /// `ADD src... dest`: like COPY (URL and archive extraction are not simulated).
    Add,
    /// `CMD`: default command (config only).
    Cmd,
    /// `ENTRYPOINT`: executable (config only).
    Entrypoint,
    /// `ENV`: environment (config only).
    Env,
    /// `WORKDIR`: working directory (config only in this model).
    Workdir,
    /// `EXPOSE`: documents ports (config only).
    Expose,
    /// `LABEL`: metadata (config only).
    Label,
    /// `USER`: user to run as (config only).
    User,
    /// `ARG`: build-time variable (config only).
    Arg,
    /// `STOPSIGNAL`: the signal `docker stop` sends (config only).
    Stopsignal,
    /// `VOLUME`: declares a mount point (config only).
    Volume,
}

impl Keyword {
    /// Every keyword.
    pub(crate) const ALL: &[Self] = &[
        Self::From,
        Self::Run,
        Self::Copy,
        Self::Add,
        Self::Cmd,
        Self::Entrypoint,
        Self::Env,
        Self::Workdir,
        Self::Expose,
        Self::Label,
        Self::User,
        Self::Arg,
        Self::Stopsignal,
        Self::Volume,
    ];

    /// Upper-case spelling.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::From => "FROM",
            Self::Run => "RUN",
            Self::Copy => "COPY",
            Self::Add => "ADD",
            Self::Cmd => "CMD",
            Self::Entrypoint => "ENTRYPOINT",
            Self::Env => "ENV",
            Self::Workdir => "WORKDIR",
            Self::Expose => "EXPOSE",
            Self::Label => "LABEL",
            Self::User => "USER",
            Self::Arg => "ARG",
            Self::Stopsignal => "STOPSIGNAL",
            Self::Volume => "VOLUME",
        }
    }

    #[cfg(test)]
    /// Whether the instruction changes the filesystem (and so adds a layer).
    pub(super) fn adds_layer(self) -> bool {
        matches!(self, Self::Run | Self::Copy | Self::Add)
    }
}

/// One instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Instruction {
    /// 1-based line where it starts.
    pub(super) line: usize,
    /// Keyword.
    pub(super) keyword: Keyword,
    /// Arguments as written (continuations joined with a space).
    pub(super) args: String,
}

impl Instruction {
    /// The instruction as Docker echoes it in `Step n/m : ...`.
    pub(super) fn text(&self) -> String {
        format!("{} {}", self.keyword.name(), self.args)
    }

    /// Exec-form arguments if the arguments are a JSON array of strings.
    pub(super) fn exec_form(&self) -> Option<Vec<String>> {
        let trimmed = self.args.trim();
        if !trimmed.starts_with('[') {
            return None;
        }
        serde_json::from_str::<Vec<String>>(trimmed).ok()
    }

    /// The command as the runtime gets it: exec form as is, shell form via `/bin/sh -c`.
    pub(super) fn command(&self) -> Vec<String> {
        self.exec_form().unwrap_or_else(|| {
            vec![
                "/bin/sh".to_owned(),
                "-c".to_owned(),
                self.args.trim().to_owned(),
            ]
        })
    }
}

/// A Dockerfile error, with the line it is on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum DockerfileError {
    /// An instruction Docker does not know.
    #[error("dockerfile parse error line {line}: unknown instruction: {word}")]
    UnknownInstruction {
        /// Line.
        line: usize,
        /// The word as written.
        word: String,
    },
    /// An instruction Docker knows but this sandbox does not model.
    #[error("dockerfile parse error line {line}: {word} is not supported in this sandbox")]
    Unsupported {
        /// Line.
        line: usize,
        /// The instruction.
        word: String,
    },
    /// Too few arguments.
    #[error("dockerfile parse error line {line}: {keyword} requires {requirement}")]
    MissingArguments {
        /// Line.
        line: usize,
        /// Instruction.
        keyword: &'static str,
        /// e.g. "at least one argument".
        requirement: &'static str,
    },
    /// An instruction before the first FROM.
    #[error(
        "dockerfile parse error line {line}: {keyword} before FROM: a Dockerfile must start with FROM (only ARG may precede it)"
    )]
    NoBaseImage {
        /// Line.
        line: usize,
        /// Instruction.
        keyword: &'static str,
    },
    /// Nothing to build.
    #[error("the Dockerfile (Dockerfile) cannot be empty")]
    Empty,
}

impl DockerfileError {
    /// The line the error is on, if any.
    pub(crate) fn line(&self) -> Option<usize> {
        match self {
            Self::UnknownInstruction { line, .. }
            | Self::Unsupported { line, .. }
            | Self::MissingArguments { line, .. }
            | Self::NoBaseImage { line, .. } => Some(*line),
            Self::Empty => None,
        }
    }
}

/// Parses a Dockerfile.
pub(super) fn parse(text: &str) -> Result<Vec<Instruction>, DockerfileError> {
    let mut instructions = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = raw.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && pending.is_none()) {
            continue;
        }
        let (content, continues) = match trimmed.strip_suffix('\\') {
            Some(body) => (body.trim_end(), true),
            None => (trimmed, false),
        };
        let (start, mut joined) = pending.take().unwrap_or((line_no, String::new()));
        if !joined.is_empty() && !content.is_empty() {
            joined.push(' ');
        }
        joined.push_str(content);
        if continues {
            pending = Some((start, joined));
        } else if !joined.is_empty() {
            instructions.push(instruction(start, &joined)?);
        }
    }
    if let Some((start, joined)) = pending
        && !joined.is_empty()
    {
        instructions.push(instruction(start, &joined)?);
    }
    if instructions.is_empty() {
        return Err(DockerfileError::Empty);
    }
    if let Some(first) = instructions
        .iter()
        .find(|i| i.keyword != Keyword::Arg)
        .filter(|i| i.keyword != Keyword::From)
    {
        return Err(DockerfileError::NoBaseImage {
            line: first.line,
            keyword: first.keyword.name(),
        });
    }
    Ok(instructions)
}

fn instruction(line: usize, text: &str) -> Result<Instruction, DockerfileError> {
    let (word, args) = text
        .split_once(char::is_whitespace)
        .map_or((text, ""), |(w, a)| (w, a.trim()));
    let upper = word.to_ascii_uppercase();
    let Some(keyword) = Keyword::ALL.iter().copied().find(|k| k.name() == upper) else {
        let known_elsewhere = matches!(
            upper.as_str(),
            "HEALTHCHECK" | "SHELL" | "ONBUILD" | "MAINTAINER"
        );
        return Err(if known_elsewhere {
            DockerfileError::Unsupported { line, word: upper }
        } else {
            DockerfileError::UnknownInstruction {
                line,
                word: word.to_owned(),
            }
        });
    };
    let words = args.split_whitespace().count();
    let requirement = match keyword {
        Keyword::Copy | Keyword::Add if words < 2 => Some("at least two arguments"),
        _ if words == 0 => Some("at least one argument"),
        _ => None,
    };
    if let Some(requirement) = requirement {
        return Err(DockerfileError::MissingArguments {
            line,
            keyword: keyword.name(),
            requirement,
        });
    }
    Ok(Instruction {
        line,
        keyword,
        args: args.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_comments_and_continuations() {
        let text = "# syntax comment\nFROM alpine\n\nRUN apk add \\\n    curl\ncmd [\"sh\"]\n";
        let instructions = parse(text).unwrap();
        assert_eq!(instructions.len(), 3);
        assert_eq!(instructions[1].line, 4);
        assert_eq!(instructions[1].args, "apk add curl");
        assert_eq!(instructions[2].keyword, Keyword::Cmd);
        assert_eq!(instructions[2].exec_form(), Some(vec!["sh".to_owned()]));
        assert_eq!(instructions[1].command(), ["/bin/sh", "-c", "apk add curl"]);
    }

    #[test]
    fn errors_carry_line_numbers() {
        let error = parse("FROM alpine\nRUN true\nFOO bar\n").unwrap_err();
        assert_eq!(error.line(), Some(3));
        assert_eq!(
            error.to_string(),
            "dockerfile parse error line 3: unknown instruction: FOO"
        );
        assert_eq!(
            parse("FROM alpine\nCOPY onlyone\n").unwrap_err().line(),
            Some(2)
        );
        assert!(matches!(
            parse("RUN echo\nFROM alpine\n"),
            Err(DockerfileError::NoBaseImage { line: 1, .. })
        ));
        assert!(parse("ARG V=1\nFROM alpine\n").is_ok());
        assert_eq!(parse("# nothing\n"), Err(DockerfileError::Empty));
        assert!(matches!(
            parse("FROM alpine\nHEALTHCHECK CMD true\n"),
            Err(DockerfileError::Unsupported { line: 2, .. })
        ));
    }
}
