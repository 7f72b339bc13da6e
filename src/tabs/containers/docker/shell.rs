//! A small POSIX-shell subset: quoting, `$(...)` substitution, `;`/`&&`/`||`, `>`/`>>`, comments.
//!
//! The point of the sandbox is that a student can type `docker stop $(docker ps -q)` and
//! `docker rm $(docker ps -aq)` and see them differ, so command substitution must work the way bash's
//! does: the inner command's output is split on whitespace into separate arguments unless quoted.
//! Parsing yields a tree; expansion (running substitutions, reading variables) is left to the caller
//! through [`Expander`], so the host sandbox and `sh -c` inside a container share this parser.
//! Input is bounded (length and nesting) so arbitrary text can never blow up.

/// Longest line the sandbox accepts.
pub(super) const MAX_LINE_CHARS: usize = 4096;

/// Deepest `$(...)` nesting accepted.
pub(super) const MAX_NESTING: usize = 8;

/// A parse error, worded like bash's where bash has a message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ParseError {
    /// The line is longer than [`MAX_LINE_CHARS`].
    #[error("input too long: {chars} characters (the sandbox accepts at most {MAX_LINE_CHARS})")]
    TooLong {
        /// Length of the rejected input.
        chars: usize,
    },
    /// A quote or `$(` was not closed.
    #[error("unexpected EOF while looking for matching `{0}'")]
    Unterminated(char),
    /// An operator where a command was expected, or a line ending in an operator.
    #[error("syntax error near unexpected token `{0}'")]
    UnexpectedToken(String),
    /// A trailing backslash (bash would wait for a continuation line).
    #[error("unexpected end of input after `\\' (line continuation is not supported)")]
    TrailingBackslash,
    /// `$(...)` nested too deeply.
    #[error("command substitution nested more than {MAX_NESTING} levels deep")]
    TooDeep,
    /// A shell feature the sandbox does not model.
    #[error("{0} not supported in this sandbox")]
    Unsupported(&'static str),
}

/// One piece of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum WordPart {
    /// Literal text.
    Literal(String),
    /// `$(...)`, with whether it stood inside double quotes (then it is not split).
    Substitution {
        /// The inner script.
        script: Script,
        /// Inside double quotes.
        quoted: bool,
    },
    /// `$NAME`, `${NAME}` or `$?`.
    Variable {
        /// Variable name (`?` for the last exit status).
        name: String,
        /// Inside double quotes.
        quoted: bool,
    },
}

/// A word: parts that expand and join into zero or more arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Word {
    /// The parts in order.
    pub(super) parts: Vec<WordPart>,
}

/// An output redirection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Redirect {
    /// `>>` rather than `>`.
    pub(super) append: bool,
    /// The file.
    pub(super) target: Word,
}

/// A command: words and redirections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct SimpleCommand {
    /// Command name and arguments, unexpanded.
    pub(super) words: Vec<Word>,
    /// Output redirections, in order.
    pub(super) redirects: Vec<Redirect>,
}

/// How a command is joined to the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Connector {
    /// First command, or after `;`: always runs.
    Always,
    /// After `&&`: runs if the previous one succeeded.
    And,
    /// After `||`: runs if the previous one failed.
    Or,
}

/// A parsed line: commands joined by connectors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Script {
    /// `(connector to previous, command)` pairs.
    pub(super) commands: Vec<(Connector, SimpleCommand)>,
}

/// The error [`parse`] gives a line longer than [`MAX_LINE_CHARS`], before reading it.
pub(crate) fn too_long(line: &str) -> Option<ParseError> {
    let chars = line.chars().count();
    (chars > MAX_LINE_CHARS).then_some(ParseError::TooLong { chars })
}

/// Parses one line.
pub(super) fn parse(line: &str) -> Result<Script, ParseError> {
    if let Some(err) = too_long(line) {
        return Err(err);
    }
    let input: Vec<char> = line.chars().collect();
    let mut parser = Parser {
        input: &input,
        pos: 0,
    };
    let script = parser.script(0)?;
    if parser.pos < input.len() {
        return Err(ParseError::UnexpectedToken(")".to_owned()));
    }
    Ok(script)
}

struct Parser<'a> {
    input: &'a [char],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.input.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.input.get(self.pos + offset).copied()
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\r')) {
            self.pos += 1;
        }
    }

    /// Parses commands until end of input or, when `depth > 0`, a closing `)`.
    fn script(&mut self, depth: usize) -> Result<Script, ParseError> {
        let mut script = Script::default();
        let mut connector = Connector::Always;
        let mut pending_operator: Option<&'static str> = None;
        loop {
            self.skip_blanks();
            match self.peek() {
                None => break,
                Some(')') if depth > 0 => break,
                Some('\n') => {
                    self.pos += 1;
                    continue;
                }
                Some('#') => {
                    // A comment runs to the end of the line, or of the substitution's line.
                    while let Some(c) = self.peek() {
                        if c == '\n' || (c == ')' && depth > 0) {
                            break;
                        }
                        self.pos += 1;
                    }
                    continue;
                }
                _ => {}
            }
            if let Some(op) = self.operator()? {
                return Err(ParseError::UnexpectedToken(op.to_owned()));
            }
            let command = self.command(depth)?;
            script.commands.push((connector, command));
            pending_operator = None;
            self.skip_blanks();
            match self.operator()? {
                Some(";") => {
                    connector = Connector::Always;
                    pending_operator = Some(";");
                }
                Some("&&") => {
                    connector = Connector::And;
                    pending_operator = Some("&&");
                }
                Some("||") => {
                    connector = Connector::Or;
                    pending_operator = Some("||");
                }
                Some(other) => return Err(ParseError::UnexpectedToken(other.to_owned())),
                None => {}
            }
        }
        if let Some(op @ ("&&" | "||")) = pending_operator {
            return Err(ParseError::UnexpectedToken(op.to_owned()));
        }
        Ok(script)
    }

    /// Consumes a control operator if one starts here.
    fn operator(&mut self) -> Result<Option<&'static str>, ParseError> {
        let op = match (self.peek(), self.peek_at(1)) {
            (Some('&'), Some('&')) => "&&",
            (Some('|'), Some('|')) => "||",
            (Some(';'), Some(';')) => ";;",
            (Some(';' | '\n'), _) => ";",
            (Some('|'), _) => return Err(ParseError::Unsupported("pipes (|) are")),
            (Some('&'), _) => return Err(ParseError::Unsupported("background jobs (&) are")),
            _ => return Ok(None),
        };
        self.pos += op.len();
        Ok(Some(op))
    }

    fn command(&mut self, depth: usize) -> Result<SimpleCommand, ParseError> {
        let mut command = SimpleCommand::default();
        loop {
            self.skip_blanks();
            match self.peek() {
                None | Some(';' | '&' | '|' | '\n') => break,
                Some(')') if depth > 0 => break,
                Some('>') => {
                    self.pos += 1;
                    let append = self.peek() == Some('>');
                    if append {
                        self.pos += 1;
                    }
                    self.skip_blanks();
                    let target = self.word(depth)?;
                    if target.parts.is_empty() {
                        let token = match self.peek() {
                            None => "newline".to_owned(),
                            Some(c) => c.to_string(),
                        };
                        return Err(ParseError::UnexpectedToken(token));
                    }
                    command.redirects.push(Redirect { append, target });
                }
                Some('<') => return Err(ParseError::Unsupported("input redirection (<) is")),
                Some('(') => return Err(ParseError::Unsupported("subshells ( ... ) are")),
                Some(')') => return Err(ParseError::UnexpectedToken(")".to_owned())),
                _ => {
                    let word = self.word(depth)?;
                    if word.parts.is_empty() {
                        break;
                    }
                    command.words.push(word);
                }
            }
        }
        if command.words.is_empty() && command.redirects.is_empty() {
            let token = match self.peek() {
                None => "newline".to_owned(),
                Some(c) => c.to_string(),
            };
            return Err(ParseError::UnexpectedToken(token));
        }
        Ok(command)
    }

    /// Parses one word; an empty result means no word starts here.
    fn word(&mut self, depth: usize) -> Result<Word, ParseError> {
        let mut word = Word::default();
        let mut literal = String::new();
        let mut started = false;
        let flush = |literal: &mut String, word: &mut Word| {
            if !literal.is_empty() {
                word.parts.push(WordPart::Literal(std::mem::take(literal)));
            }
        };
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\n' | '\r' | ';' | '&' | '|' | '<' | '>' | '(' => break,
                ')' => break,
                '#' if !started => break,
                '\'' => {
                    self.pos += 1;
                    started = true;
                    loop {
                        match self.peek() {
                            None => return Err(ParseError::Unterminated('\'')),
                            Some('\'') => {
                                self.pos += 1;
                                break;
                            }
                            Some(other) => {
                                literal.push(other);
                                self.pos += 1;
                            }
                        }
                    }
                    if literal.is_empty() {
                        word.parts.push(WordPart::Literal(String::new()));
                    }
                }
                '"' => {
                    self.pos += 1;
                    started = true;
                    let before = word.parts.len();
                    self.double_quoted(depth, &mut literal, &mut word)?;
                    if literal.is_empty() && word.parts.len() == before {
                        word.parts.push(WordPart::Literal(String::new()));
                    }
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        None => return Err(ParseError::TrailingBackslash),
                        Some(escaped) => {
                            literal.push(escaped);
                            self.pos += 1;
                            started = true;
                        }
                    }
                }
                '`' => {
                    return Err(ParseError::Unsupported(
                        "backtick substitution (use $(...)) is",
                    ));
                }
                '$' => {
                    started = true;
                    if let Some(part) = self.dollar(depth, false)? {
                        flush(&mut literal, &mut word);
                        word.parts.push(part);
                    } else {
                        literal.push('$');
                    }
                }
                other => {
                    literal.push(other);
                    self.pos += 1;
                    started = true;
                }
            }
        }
        flush(&mut literal, &mut word);
        Ok(word)
    }

    /// Parses the inside of `"..."` (the opening quote already consumed).
    fn double_quoted(
        &mut self,
        depth: usize,
        literal: &mut String,
        word: &mut Word,
    ) -> Result<(), ParseError> {
        loop {
            match self.peek() {
                None => return Err(ParseError::Unterminated('"')),
                Some('"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        None => return Err(ParseError::Unterminated('"')),
                        Some(escaped @ ('$' | '`' | '"' | '\\')) => {
                            literal.push(escaped);
                            self.pos += 1;
                        }
                        Some('\n') => self.pos += 1,
                        Some(other) => {
                            literal.push('\\');
                            literal.push(other);
                            self.pos += 1;
                        }
                    }
                }
                Some('`') => {
                    return Err(ParseError::Unsupported(
                        "backtick substitution (use $(...)) is",
                    ));
                }
                Some('$') => {
                    if let Some(part) = self.dollar(depth, true)? {
                        if !literal.is_empty() {
                            word.parts.push(WordPart::Literal(std::mem::take(literal)));
                        }
                        word.parts.push(part);
                    } else {
                        literal.push('$');
                    }
                }
                Some(other) => {
                    literal.push(other);
                    self.pos += 1;
                }
            }
        }
    }

    /// Parses `$(...)`, `${NAME}`, `$NAME` or `$?` at a `$`; `None` (with `$` consumed) if plain `$`.
    fn dollar(&mut self, depth: usize, quoted: bool) -> Result<Option<WordPart>, ParseError> {
        self.pos += 1;
        match self.peek() {
            Some('(') => {
                if self.peek_at(1) == Some('(') {
                    return Err(ParseError::Unsupported("arithmetic expansion $((...)) is"));
                }
                if depth + 1 > MAX_NESTING {
                    return Err(ParseError::TooDeep);
                }
                self.pos += 1;
                let script = self.script(depth + 1)?;
                if self.peek() != Some(')') {
                    return Err(ParseError::Unterminated(')'));
                }
                self.pos += 1;
                Ok(Some(WordPart::Substitution { script, quoted }))
            }
            Some('{') => {
                self.pos += 1;
                let mut name = String::new();
                loop {
                    match self.peek() {
                        None => return Err(ParseError::Unterminated('}')),
                        Some('}') => {
                            self.pos += 1;
                            break;
                        }
                        Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '?' => {
                            name.push(c);
                            self.pos += 1;
                        }
                        Some(_) => return Err(ParseError::Unsupported("this ${...} form is")),
                    }
                }
                Ok(Some(WordPart::Variable { name, quoted }))
            }
            Some('?') => {
                self.pos += 1;
                Ok(Some(WordPart::Variable {
                    name: "?".to_owned(),
                    quoted,
                }))
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let mut name = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        name.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Ok(Some(WordPart::Variable { name, quoted }))
            }
            _ => Ok(None),
        }
    }
}

/// Supplies what expansion needs: the output of substitutions and the values of variables.
pub(super) trait Expander {
    /// Runs an inner script and returns its standard output.
    fn substitute(&mut self, script: &Script) -> String;
    /// The value of a variable (empty when unset).
    fn variable(&mut self, name: &str) -> String;
}

/// A command after expansion: its arguments, and its redirections as `(append, file)` in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Expanded {
    /// Command name and arguments.
    pub(super) words: Vec<String>,
    /// `(>> rather than >, file)` per redirection.
    pub(super) redirects: Vec<(bool, String)>,
}

impl SimpleCommand {
    /// Expands the words, then the redirection targets (a target that splits into several words
    /// is joined by spaces: the simulated file systems have no "ambiguous redirect").
    pub(super) fn expand(&self, expander: &mut dyn Expander) -> Expanded {
        let words = self
            .words
            .iter()
            .flat_map(|word| expand_word(word, expander))
            .collect();
        let redirects = self
            .redirects
            .iter()
            .map(|r| (r.append, expand_word(&r.target, expander).join(" ")))
            .collect();
        Expanded { words, redirects }
    }
}

impl Expanded {
    /// Sends `stdout` where the redirections say, through `write(file, text, append)`: like bash,
    /// every redirection creates (or truncates) its file in order and only the last one receives
    /// the output. Writes nothing when the command has no redirection.
    pub(super) fn write_stdout(&self, stdout: &str, mut write: impl FnMut(&str, &str, bool)) {
        if let Some(((append, target), earlier)) = self.redirects.split_last() {
            for (earlier_append, earlier_target) in earlier {
                write(earlier_target, "", *earlier_append);
            }
            write(target, stdout, *append);
        }
    }
}

/// Expands a word into arguments: quoted parts stay whole, unquoted substitutions and variables are
/// split on whitespace (bash's field splitting with the default IFS).
fn expand_word(word: &Word, expander: &mut dyn Expander) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut started = false;
    for part in &word.parts {
        let (value, split) = match part {
            WordPart::Literal(text) => (text.clone(), false),
            WordPart::Substitution { script, quoted } => {
                let output = expander.substitute(script);
                let trimmed = output.trim_end_matches('\n').to_owned();
                (trimmed, !quoted)
            }
            WordPart::Variable { name, quoted } => (expander.variable(name), !quoted),
        };
        if !split {
            current.push_str(&value);
            started = true;
            continue;
        }
        let starts_blank = value.starts_with(char::is_whitespace);
        let ends_blank = value.ends_with(char::is_whitespace);
        let mut pieces = value.split_whitespace().peekable();
        if pieces.peek().is_none() {
            if starts_blank && started {
                fields.push(std::mem::take(&mut current));
                started = false;
            }
            continue;
        }
        if starts_blank && started {
            fields.push(std::mem::take(&mut current));
        }
        let mut first = true;
        for piece in pieces {
            if !first {
                fields.push(std::mem::take(&mut current));
            }
            current.push_str(piece);
            started = true;
            first = false;
        }
        if ends_blank {
            fields.push(std::mem::take(&mut current));
            started = false;
        }
    }
    if started {
        fields.push(current);
    }
    fields
}

#[cfg(test)]
/// Quotes an argument so that [`parse`] reads it back as exactly one word with this text.
pub(super) fn quote(argument: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !argument.is_empty() && argument.chars().all(safe) {
        argument.to_owned()
    } else {
        format!("'{}'", argument.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An expander for tests: substitutions print their first word list joined, variables are fixed.
    struct Fake;

    impl Expander for Fake {
        fn substitute(&mut self, script: &Script) -> String {
            let words: Vec<String> = script
                .commands
                .iter()
                .flat_map(|(_, command)| command.words.iter())
                .flat_map(|word| expand_word(word, &mut Fake))
                .collect();
            match words.split_first() {
                Some((first, _)) if first == "ids" => "a1\nb2\nc3\n".to_owned(),
                Some((first, rest)) if first == "echo" => format!("{}\n", rest.join(" ")),
                _ => format!("{}\n", words.join(" ")),
            }
        }

        fn variable(&mut self, name: &str) -> String {
            match name {
                "?" => "0".to_owned(),
                "SPACED" => " x  y ".to_owned(),
                _ => String::new(),
            }
        }
    }

    fn words(line: &str) -> Vec<Vec<String>> {
        parse(line)
            .unwrap()
            .commands
            .iter()
            .map(|(_, command)| command.expand(&mut Fake).words)
            .collect()
    }

    #[test]
    fn commands_expand_their_redirections_and_only_the_last_gets_stdout() {
        let script = parse("echo hi > $(echo a b) >> \"$SPACED\" > last").unwrap();
        let (_, command) = &script.commands[0];
        let expanded = command.expand(&mut Fake);
        assert_eq!(expanded.words, ["echo", "hi"]);
        assert_eq!(
            expanded.redirects,
            [
                (false, "a b".to_owned()),
                (true, " x  y ".to_owned()),
                (false, "last".to_owned())
            ]
        );
        let mut writes = Vec::new();
        expanded.write_stdout("hi\n", |file, text, append| {
            writes.push((file.to_owned(), text.to_owned(), append));
        });
        assert_eq!(
            writes,
            [
                ("a b".to_owned(), String::new(), false),
                (" x  y ".to_owned(), String::new(), true),
                ("last".to_owned(), "hi\n".to_owned(), false)
            ]
        );
        let plain = parse("echo hi").unwrap().commands[0].1.expand(&mut Fake);
        plain.write_stdout("hi\n", |_, _, _| panic!("no redirection, no write"));
    }

    #[test]
    fn quoting_rules() {
        assert_eq!(
            words(r#"echo 'a b' "c d" e\ f "q\"x" 'it'\''s'"#),
            [["echo", "a b", "c d", "e f", "q\"x", "it's"]]
        );
        assert_eq!(words(r#"echo "" '' x"#), [["echo", "", "", "x"]]);
        assert_eq!(words(r#"echo "a\nb""#), [["echo", "a\\nb"]]);
    }

    #[test]
    fn substitution_splits_unless_quoted() {
        assert_eq!(
            words("docker stop $(ids)"),
            [["docker", "stop", "a1", "b2", "c3"]]
        );
        assert_eq!(words(r#"echo "$(ids)""#), [["echo", "a1\nb2\nc3"]]);
        assert_eq!(words("echo x$(echo y)z"), [["echo", "xyz"]]);
        assert_eq!(words("echo $SPACED."), [["echo", "x", "y", "."]]);
        assert_eq!(words("echo $UNSET"), [["echo"]]);
        assert_eq!(words("echo $? ${?}"), [["echo", "0", "0"]]);
        assert_eq!(words("echo $(echo $(echo deep))"), [["echo", "deep"]]);
        assert_eq!(words("echo a$"), [["echo", "a$"]]);
    }

    #[test]
    fn sequences_connectors_and_comments() {
        let script = parse("a; b && c || d # e ; f").unwrap();
        let connectors: Vec<Connector> = script.commands.iter().map(|(c, _)| *c).collect();
        assert_eq!(
            connectors,
            [
                Connector::Always,
                Connector::Always,
                Connector::And,
                Connector::Or
            ]
        );
        assert_eq!(words("# only a comment"), Vec::<Vec<String>>::new());
        assert_eq!(words("echo a#b"), [["echo", "a#b"]]);
        assert_eq!(words("a;"), [["a"]]);
    }

    #[test]
    fn redirections() {
        let script = parse("echo hi > out.txt; echo more >>out.txt").unwrap();
        assert_eq!(script.commands[0].1.redirects.len(), 1);
        assert!(!script.commands[0].1.redirects[0].append);
        assert!(script.commands[1].1.redirects[0].append);
        assert_eq!(
            parse("echo >"),
            Err(ParseError::UnexpectedToken("newline".into()))
        );
    }

    #[test]
    fn errors_name_the_problem() {
        assert_eq!(parse("echo 'abc"), Err(ParseError::Unterminated('\'')));
        assert_eq!(parse("echo \"abc"), Err(ParseError::Unterminated('"')));
        assert_eq!(
            parse("echo $(docker ps"),
            Err(ParseError::Unterminated(')'))
        );
        assert_eq!(parse("echo ${X"), Err(ParseError::Unterminated('}')));
        assert_eq!(
            parse("&& echo"),
            Err(ParseError::UnexpectedToken("&&".into()))
        );
        assert_eq!(
            parse("echo a &&"),
            Err(ParseError::UnexpectedToken("&&".into()))
        );
        assert_eq!(
            parse("echo a )"),
            Err(ParseError::UnexpectedToken(")".into()))
        );
        assert_eq!(parse("echo \\"), Err(ParseError::TrailingBackslash));
        assert!(matches!(
            parse("docker ps | grep x"),
            Err(ParseError::Unsupported(_))
        ));
        assert!(matches!(parse("echo `x`"), Err(ParseError::Unsupported(_))));
        let long = "x".repeat(MAX_LINE_CHARS + 1);
        assert_eq!(
            parse(&long),
            Err(ParseError::TooLong {
                chars: MAX_LINE_CHARS + 1
            })
        );
        let deep = format!(
            "{}x{}",
            "$(".repeat(MAX_NESTING + 1),
            ")".repeat(MAX_NESTING + 1)
        );
        assert_eq!(parse(&deep), Err(ParseError::TooDeep));
        let ok_deep = format!(
            "echo {}x{}",
            "$(echo ".repeat(MAX_NESTING),
            ")".repeat(MAX_NESTING)
        );
        assert!(parse(&ok_deep).is_ok());
    }

    proptest! {
        #[test]
        fn quoted_words_round_trip(args in proptest::collection::vec(".{0,12}", 1..6)) {
            let line = args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ");
            let parsed = words(&line);
            prop_assert_eq!(parsed.len(), 1);
            prop_assert_eq!(&parsed[0], &args);
        }

        #[test]
        fn arbitrary_input_never_panics(line in ".{0,200}") {
            let _ = parse(&line).map(|script| {
                for (_, command) in &script.commands {
                    for word in &command.words {
                        expand_word(word, &mut Fake);
                    }
                }
            });
        }

        #[test]
        fn shell_like_input_never_panics(line in "[a-z $()'\"\\\\;&|#>{}?]{0,80}") {
            let _ = parse(&line);
        }
    }
}
