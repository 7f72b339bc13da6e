//! The sandbox terminal: a shell line runs against the simulated host.
//!
//! It expands words (running `$(...)` substitutions first, capturing their standard output), runs each
//! command of the line with `;`, `&&` and `||` semantics, sends `>`/`>>` output into the workspace, and
//! offers `docker` plus a few built-ins (`echo`, `cat`, `ls`, `pwd`, `cd`, `clear`, `help`). Any other
//! program is `command not found`, as bash says. Every line first advances the simulated clock by a
//! fixed "typing time", so `docker ps` right after `docker run` says `Up 2 seconds`.

use super::cli;
use super::engine::Engine;
use super::events::TimedEvent;
use super::output::{Output, Stream};
use super::shell::{self, Connector, Expander, Script, SimpleCommand};
use super::workspace::{HOME_DIR, Workspace};

/// Simulated time between two typed lines.
pub(super) const THINK_TIME_MS: u64 = 2_000;

/// The simulated host as the terminal sees it.
#[derive(Clone, Debug)]
pub(crate) struct Sandbox {
    /// The daemon and its clock.
    pub(crate) engine: Engine,
    /// The student's directory.
    pub(crate) workspace: Workspace,
    /// `$?`.
    pub(super) last_status: i32,
}

/// What one typed line did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct LineResult {
    /// Terminal output.
    pub(crate) output: Output,
    /// Engine events in order.
    pub(crate) events: Vec<TimedEvent>,
    /// `clear` was run: the terminal should be cleared before showing `output`.
    pub(super) clear: bool,
}

impl Sandbox {
    /// A fresh sandbox: no images, no containers, the example workspace.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            engine: Engine::new(seed),
            workspace: Workspace::default(),
            last_status: 0,
        }
    }

    /// Runs one typed line.
    pub(crate) fn run_line(&mut self, line: &str) -> LineResult {
        let mut result = LineResult::default();
        if line.trim().is_empty() {
            return result;
        }
        self.engine.advance(THINK_TIME_MS);
        match shell::parse(line) {
            Ok(script) => {
                let mut clear = false;
                result.output = self.run_script(&script, &mut clear);
                result.clear = clear;
            }
            Err(error) => {
                result.output.err(format!("bash: {error}"));
                result.output.exit_code = 2;
                self.last_status = 2;
            }
        }
        result.events = self.engine.take_events();
        result
    }

    fn run_script(&mut self, script: &Script, clear: &mut bool) -> Output {
        let mut output = Output::default();
        let mut status = self.last_status;
        let mut ran_any = false;
        for (connector, command) in &script.commands {
            let skip = ran_any
                && match connector {
                    Connector::Always => false,
                    Connector::And => status != 0,
                    Connector::Or => status == 0,
                };
            if skip {
                continue;
            }
            let result = self.run_command(command, clear);
            status = result.exit_code;
            self.last_status = status;
            output.lines.extend(result.lines);
            ran_any = true;
        }
        output.exit_code = status;
        output
    }

    fn run_command(&mut self, command: &SimpleCommand, clear: &mut bool) -> Output {
        let mut expander = SandboxExpander {
            sandbox: self,
            side_output: Vec::new(),
        };
        let expanded = command.expand(&mut expander);
        let mut output = Output {
            lines: std::mem::take(&mut expander.side_output),
            exit_code: 0,
        };
        let result = self.builtin(&expanded.words, clear);
        if expanded.redirects.is_empty() {
            output.extend(result);
        } else {
            let captured = result.stdout_text();
            output.lines.extend(
                result
                    .lines
                    .into_iter()
                    .filter(|line| line.stream != Stream::Stdout),
            );
            output.exit_code = result.exit_code;
            let workspace = &mut self.workspace;
            expanded.write_stdout(&captured, |file, text, append| {
                if let Err(error) = workspace.write(file, text, append) {
                    output.err(format!("bash: {error}"));
                    output.exit_code = 1;
                }
            });
        }
        output
    }

    fn builtin(&mut self, words: &[String], clear: &mut bool) -> Output {
        let mut output = Output::default();
        let Some((name, args)) = words.split_first() else {
            return output;
        };
        match name.as_str() {
            "docker" => return cli::run(&mut self.engine, &self.workspace, args),
            "echo" => {
                let (newline, rest) = match args.split_first() {
                    Some((flag, rest)) if flag == "-n" => (false, rest),
                    _ => (true, args),
                };
                let text = rest.join(" ");
                if newline || !text.is_empty() {
                    output.out(text);
                }
            }
            "cat" => {
                for file in args {
                    match self.workspace.read(file) {
                        Ok(text) => {
                            for line in text.lines() {
                                output.out(line.to_owned());
                            }
                        }
                        Err(error) => {
                            output.err(format!("cat: {error}"));
                            output.exit_code = 1;
                        }
                    }
                }
            }
            "ls" => {
                for name in self.workspace.files.keys() {
                    let hidden = name.starts_with('.');
                    if !hidden || args.iter().any(|a| a.starts_with('-') && a.contains('a')) {
                        output.out(name.clone());
                    }
                }
            }
            "pwd" => output.out(HOME_DIR),
            "cd" => {
                let target = args.first().map_or(HOME_DIR, String::as_str);
                if !matches!(target, "." | "~" | HOME_DIR) {
                    output.err(format!(
                        "bash: cd: {target}: No such file or directory (the sandbox has one directory)"
                    ));
                    output.exit_code = 1;
                }
            }
            "true" => {}
            "false" => output.exit_code = 1,
            "clear" => *clear = true,
            "help" => {
                output.out("This sandbox simulates a Docker host. Try:");
                for example in [
                    "docker run -d --name web -p 8080:80 nginx",
                    "docker ps        docker ps -a",
                    "docker stop $(docker ps -q)",
                    "docker rm $(docker ps -aq)",
                    "docker images    docker pull redis    docker rmi nginx",
                    "docker logs web  docker exec web ls /usr/share/nginx/html",
                    "docker build -t myapp .    docker compose up -d",
                    "cat Dockerfile   echo 'print(\"hi\")' >> app.py",
                ] {
                    output.out(format!("  {example}"));
                }
                output.out("docker --help lists every docker command.");
            }
            other => {
                output.err(format!("bash: {other}: command not found"));
                output.exit_code = 127;
            }
        }
        output
    }
}

/// Runs substitutions against the sandbox; their standard error goes to the terminal.
struct SandboxExpander<'a> {
    sandbox: &'a mut Sandbox,
    side_output: Vec<super::output::OutputLine>,
}

impl Expander for SandboxExpander<'_> {
    fn substitute(&mut self, script: &Script) -> String {
        let mut clear = false;
        let output = self.sandbox.run_script(script, &mut clear);
        self.side_output.extend(
            output
                .lines
                .iter()
                .filter(|line| line.stream != Stream::Stdout)
                .cloned(),
        );
        output.stdout_text()
    }

    fn variable(&mut self, name: &str) -> String {
        match name {
            "?" => self.sandbox.last_status.to_string(),
            "HOME" => "/home/student".to_owned(),
            "PWD" => HOME_DIR.to_owned(),
            "USER" => "student".to_owned(),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::container::ContainerState;
    use super::super::events::Event;
    use super::*;
    use proptest::prelude::*;

    /// Words that make random lines reach deep into the CLI.
    const WORDS: &[&str] = &[
        "docker",
        "run",
        "-d",
        "--name",
        "web",
        "nginx",
        "alpine",
        "sleep",
        "5",
        "ps",
        "-a",
        "-q",
        "stop",
        "rm",
        "-f",
        "$(docker ps -q)",
        "$(docker ps -aq)",
        "exec",
        "sh",
        "-c",
        "'echo x > /f'",
        "logs",
        "pull",
        "rmi",
        "images",
        "build",
        "-t",
        "app",
        ".",
        "compose",
        "up",
        "down",
        "kill",
        "pause",
        "unpause",
        "start",
        "restart",
        "inspect",
        "network",
        "create",
        "&&",
        ";",
        "||",
        "\"",
        "'",
        "$(",
        ")",
        "--bogus",
        "-p",
        "8080:80",
        "echo",
        ">",
        "Dockerfile",
        "cat",
        "#",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn random_command_lines_never_panic_and_stay_deterministic(
            picks in proptest::collection::vec(proptest::collection::vec(0..WORDS.len(), 0..10), 1..6)
        ) {
            let lines: Vec<String> = picks
                .iter()
                .map(|line| line.iter().map(|i| WORDS[*i]).collect::<Vec<_>>().join(" "))
                .collect();
            let mut a = Sandbox::new(9);
            let mut b = Sandbox::new(9);
            for line in &lines {
                let x = a.run_line(line);
                let y = b.run_line(line);
                prop_assert_eq!(x, y);
            }
        }
    }

    fn sandbox() -> Sandbox {
        Sandbox::new(42)
    }

    fn run(sandbox: &mut Sandbox, line: &str) -> Output {
        sandbox.run_line(line).output
    }

    #[test]
    fn stop_all_only_stops_and_rm_all_removes() {
        let mut sb = sandbox();
        run(&mut sb, "docker run -d --name web nginx");
        run(&mut sb, "docker run -d --name cache redis");
        run(&mut sb, "docker run --name hello hello-world");
        let stopped = run(&mut sb, "docker stop $(docker ps -q)");
        assert_eq!(stopped.exit_code, 0);
        assert_eq!(stopped.texts().len(), 2, "only the two running ones");
        assert_eq!(sb.engine.containers.len(), 3, "stop removes nothing");
        assert!(
            sb.engine
                .containers
                .iter()
                .all(|c| c.state == ContainerState::Exited)
        );
        assert!(run(&mut sb, "docker ps -q").texts().is_empty());
        assert_eq!(run(&mut sb, "docker ps -aq").texts().len(), 3);
        let removed = run(&mut sb, "docker rm $(docker ps -aq)");
        assert_eq!(removed.texts().len(), 3);
        assert!(sb.engine.containers.is_empty());
    }

    #[test]
    fn stop_all_with_nothing_running_shows_the_usage_error() {
        let mut sb = sandbox();
        let output = run(&mut sb, "docker stop $(docker ps -q)");
        assert_eq!(output.exit_code, 1);
        assert_eq!(
            output.texts()[0],
            "\"docker stop\" requires at least 1 argument."
        );
    }

    #[test]
    fn sequences_and_status() {
        let mut sb = sandbox();
        let output = run(&mut sb, "false && echo no; echo yes || echo never; echo $?");
        assert_eq!(output.texts(), ["yes", "0"]);
        let output = run(&mut sb, "foo");
        assert_eq!(output.texts(), ["bash: foo: command not found"]);
        assert_eq!(output.exit_code, 127);
        assert_eq!(run(&mut sb, "echo $?").texts(), ["127"]);
        let output = run(&mut sb, "echo 'unterminated");
        assert_eq!(
            output.texts(),
            ["bash: unexpected EOF while looking for matching `''"]
        );
        assert!(sb.run_line("clear").clear);
    }

    #[test]
    fn redirection_edits_the_workspace() {
        let mut sb = sandbox();
        run(&mut sb, "echo hello > notes.txt; echo again >> notes.txt");
        assert_eq!(run(&mut sb, "cat notes.txt").texts(), ["hello", "again"]);
        assert!(run(&mut sb, "ls").texts().contains(&"notes.txt"));
    }

    #[test]
    fn very_long_input_is_refused_without_running_anything() {
        let mut sb = sandbox();
        let line = format!("docker run {}", "x".repeat(5000));
        let result = sb.run_line(&line);
        assert!(result.output.texts()[0].contains("input too long"));
        assert!(result.events.is_empty());
    }

    #[test]
    fn each_line_advances_the_clock_for_status_columns() {
        let mut sb = sandbox();
        run(&mut sb, "docker pull nginx");
        run(&mut sb, "docker run -d --name web nginx");
        let ps = run(&mut sb, "docker ps");
        assert!(ps.texts()[1].contains("Up 2 seconds"), "{:?}", ps.texts());
        let events = sb.run_line("docker stop web").events;
        assert!(
            events.iter().any(
                |e| matches!(&e.event, Event::SignalSent { signal, .. } if signal == "SIGQUIT")
            )
        );
        let ps = run(&mut sb, "docker ps -a");
        assert!(
            ps.texts()[1].contains("Exited (0) 2 seconds ago"),
            "{:?}",
            ps.texts()
        );
    }
}
