//! The compact text form of operations, for custom scenes in links and for the CLI.
//!
//! One operation per line or per `;`:
//!
//! ```text
//! mkdir /app; enable / cpu memory; set /app cpu.max 50000 100000; move 100 /app
//! mkdir memory:/web; set memory:/web memory.limit_in_bytes 256M; mount cpu,cpuacct
//! fork 100 nginx; exit 101; load 100 busy until=5s anon=10M/s fork=0.5s
//! ```
//!
//! Printing and parsing round-trip (`parse(print(ops)) == ops`), and a parse error names the
//! operation and the word that is wrong.

use super::kparse;
use super::op::{Op, Target};
use super::state::Pid;
use super::workload::Workload;

/// Why a text form does not parse; the message names the operation and the bad part.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("operation {number} ({text:?}): {reason} (at {part:?})")]
pub struct ParseError {
    /// 1-based position of the operation.
    pub number: usize,
    /// The operation's text.
    pub text: String,
    /// The word that is wrong (or the whole operation when a word is missing).
    pub part: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Parses operations separated by `;` or newlines; blank ones are skipped.
pub fn parse_ops(text: &str) -> Result<Vec<Op>, ParseError> {
    text.split([';', '\n'])
        .map(str::trim)
        .filter(|op| !op.is_empty())
        .enumerate()
        .map(|(i, op)| {
            parse_op(op).map_err(|(part, reason)| ParseError {
                number: i + 1,
                text: op.to_owned(),
                part,
                reason,
            })
        })
        .collect()
}

/// Prints operations in the text form, separated by `"; "`.
pub fn format_ops(ops: &[Op]) -> String {
    ops.iter().map(Op::to_string).collect::<Vec<_>>().join("; ")
}

type Bad = (String, String);

fn bad(part: &str, reason: impl Into<String>) -> Bad {
    (part.to_owned(), reason.into())
}

fn parse_target(word: &str) -> Result<Target, Bad> {
    Target::parse(word).map_err(|e| bad(word, e.to_string()))
}

fn parse_pid(word: &str) -> Result<Pid, Bad> {
    word.parse::<Pid>()
        .ok()
        .filter(|pid| *pid > 0)
        .ok_or_else(|| bad(word, "expected a positive pid"))
}

fn parse_secs(word: &str, value: &str) -> Result<f64, Bad> {
    value
        .strip_suffix('s')
        .unwrap_or(value)
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .ok_or_else(|| bad(word, "expected seconds such as 5s or 0.5s"))
}

fn parse_size(word: &str, value: &str) -> Result<u64, Bad> {
    let (bytes, rest) = kparse::memparse(value);
    if value.is_empty() || !rest.is_empty() {
        return Err(bad(word, "expected a size such as 10M or 4096"));
    }
    Ok(bytes)
}

fn parse_workload(words: &[&str]) -> Result<Workload, Bad> {
    let mut workload = Workload::idle();
    for word in words {
        match word.split_once('=') {
            None if *word == "busy" => workload.cpu_busy = true,
            None if *word == "idle" => workload.cpu_busy = false,
            None => return Err(bad(word, "expected busy, idle or key=value")),
            Some((key, value)) => match key {
                "from" => workload.busy_from_secs = parse_secs(word, value)?,
                "until" => workload.busy_until_secs = Some(parse_secs(word, value)?),
                "anon" | "cache" => {
                    let rate = value
                        .strip_suffix("/s")
                        .ok_or_else(|| bad(word, "a rate ends in /s, such as 10M/s"))?;
                    let bytes = parse_size(word, rate)?;
                    if key == "anon" {
                        workload.anon_bytes_per_sec = bytes;
                    } else {
                        workload.cache_bytes_per_sec = bytes;
                    }
                }
                "rss" => workload.initial_anon_bytes = parse_size(word, value)?,
                "fork" => {
                    let every = parse_secs(word, value)?;
                    if every <= 0.0 {
                        return Err(bad(word, "the fork interval must be above 0"));
                    }
                    workload.fork_every_secs = Some(every);
                }
                _ => {
                    return Err(bad(
                        word,
                        "unknown key; use from=, until=, anon=, cache=, rss= or fork=",
                    ));
                }
            },
        }
    }
    Ok(workload)
}

/// Splits off the first `n` whitespace-separated words and returns them with the rest (trimmed).
fn split_words(text: &str, n: usize) -> (Vec<&str>, &str) {
    let mut words = Vec::new();
    let mut rest = text.trim_start();
    while words.len() < n && !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        words.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    (words, rest.trim_end())
}

fn parse_op(text: &str) -> Result<Op, Bad> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some((&verb, args)) = words.split_first() else {
        return Err(bad(text, "empty operation"));
    };
    let usage = |usage: &str| bad(text, format!("usage: {usage}"));
    let names = |list: &[&str], sign: char| -> Vec<String> {
        list.iter()
            .map(|n| n.strip_prefix(sign).unwrap_or(n).to_owned())
            .collect()
    };
    match (verb, args) {
        ("mkdir", [path]) => Ok(Op::Mkdir(parse_target(path)?)),
        ("mkdir", _) => Err(usage("mkdir [HIERARCHY:]PATH")),
        ("rmdir", [path]) => Ok(Op::Rmdir(parse_target(path)?)),
        ("rmdir", _) => Err(usage("rmdir [HIERARCHY:]PATH")),
        ("move", [pid, path]) => Ok(Op::Move {
            pid: parse_pid(pid)?,
            to: parse_target(path)?,
        }),
        ("move", _) => Err(usage("move PID [HIERARCHY:]PATH")),
        ("enable", [path, controllers @ ..]) if !controllers.is_empty() => Ok(Op::Enable {
            target: parse_target(path)?,
            controllers: names(controllers, '+'),
        }),
        ("disable", [path, controllers @ ..]) if !controllers.is_empty() => Ok(Op::Disable {
            target: parse_target(path)?,
            controllers: names(controllers, '-'),
        }),
        ("enable" | "disable", _) => Err(usage(&format!("{verb} [HIERARCHY:]PATH CONTROLLER..."))),
        ("set", _) => {
            let (head, value) = split_words(text, 3);
            match head.as_slice() {
                [_, path, file, ..] => Ok(Op::Set {
                    target: parse_target(path)?,
                    file: (*file).to_owned(),
                    value: value.to_owned(),
                }),
                _ => Err(usage("set [HIERARCHY:]PATH FILE VALUE")),
            }
        }
        ("fork", [pid, comm @ ..]) if comm.len() <= 1 => Ok(Op::Fork {
            parent: parse_pid(pid)?,
            comm: comm.first().map(|c| (*c).to_owned()),
        }),
        ("fork", _) => Err(usage("fork PID [COMM]")),
        ("exit", [pid]) => Ok(Op::Exit {
            pid: parse_pid(pid)?,
        }),
        ("exit", _) => Err(usage("exit PID")),
        ("mount", [list]) => {
            let options: Vec<String> = list.split(',').map(str::to_owned).collect();
            if options.iter().any(String::is_empty) {
                return Err(bad(list, "empty mount option"));
            }
            Ok(Op::Mount { options })
        }
        ("mount", _) => Err(usage("mount CONTROLLER[,CONTROLLER...][,name=NAME]")),
        ("load", [pid, rest @ ..]) => Ok(Op::Load {
            pid: parse_pid(pid)?,
            workload: parse_workload(rest)?,
        }),
        ("load", []) => Err(usage(
            "load PID [busy|idle] [from=Ts] [until=Ts] [anon=SIZE/s] [cache=SIZE/s] [rss=SIZE] [fork=Ts]",
        )),
        (other, _) => Err(bad(
            other,
            "unknown operation; use mkdir, rmdir, move, enable, disable, set, fork, exit, mount or load",
        )),
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Mkdir(target) => write!(f, "mkdir {target}"),
            Self::Rmdir(target) => write!(f, "rmdir {target}"),
            Self::Move { pid, to } => write!(f, "move {pid} {to}"),
            Self::Enable {
                target,
                controllers,
            } => write!(f, "enable {target} {}", controllers.join(" ")),
            Self::Disable {
                target,
                controllers,
            } => write!(f, "disable {target} {}", controllers.join(" ")),
            Self::Set {
                target,
                file,
                value,
            } => write!(f, "set {target} {file} {value}"),
            Self::Fork { parent, comm } => match comm {
                Some(comm) => write!(f, "fork {parent} {comm}"),
                None => write!(f, "fork {parent}"),
            },
            Self::Exit { pid } => write!(f, "exit {pid}"),
            Self::Mount { options } => write!(f, "mount {}", options.join(",")),
            Self::Load { pid, workload } => write!(f, "load {pid} {}", workload.words().join(" ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::path::CgroupPath;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_every_kind() {
        let ops = parse_ops(
            "mkdir /app; enable / +cpu +memory\nset /app cpu.max 50000 100000; move 100 /app; \
             mkdir memory:/web; fork 100 nginx; exit 101; mount cpu,cpuacct; \
             load 100 busy until=5s anon=10M/s fork=0.5s; disable / -memory; rmdir /app",
        )
        .unwrap();
        assert_eq!(ops.len(), 11);
        assert_eq!(
            ops[1],
            Op::Enable {
                target: Target::v2(CgroupPath::root()),
                controllers: vec!["cpu".to_owned(), "memory".to_owned()],
            }
        );
        match &ops[2] {
            Op::Set { file, value, .. } => {
                assert_eq!(file, "cpu.max");
                assert_eq!(value, "50000 100000");
            }
            other => panic!("{other:?}"),
        }
        match &ops[4] {
            Op::Mkdir(target) => assert_eq!(target.hierarchy.as_deref(), Some("memory")),
            other => panic!("{other:?}"),
        }
        match &ops[8] {
            Op::Load { workload, .. } => {
                assert_eq!(
                    *workload,
                    Workload::busy().until(5.0).leaking(10 << 20).forking(0.5)
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(parse_ops(&format_ops(&ops)).unwrap(), ops);
    }

    #[test]
    fn errors_name_the_bad_part() {
        let error = parse_ops("mkdir /a; move x /a").unwrap_err();
        assert_eq!(error.number, 2);
        assert_eq!(error.part, "x");
        let error = parse_ops("frobnicate /a").unwrap_err();
        assert_eq!(error.part, "frobnicate");
        let error = parse_ops("mkdir app").unwrap_err();
        assert_eq!(error.part, "app");
        let error = parse_ops("load 5 anon=10M").unwrap_err();
        assert_eq!(error.part, "anon=10M");
        assert!(error.to_string().contains("operation 1"), "{error}");
        assert!(
            parse_ops("set /a cpu.max").is_ok(),
            "an empty value reaches the kernel rules"
        );
        assert!(parse_ops("set /a").is_err());
    }

    fn target_strategy() -> impl Strategy<Value = Target> {
        let path = proptest::collection::vec("[a-z][a-z0-9._-]{0,6}", 0..3).prop_map(|names| {
            names
                .iter()
                .fold(CgroupPath::root(), |path, name| path.join(name))
        });
        (proptest::option::of("[a-z]{1,6}(,[a-z]{1,6})?"), path)
            .prop_map(|(hierarchy, path)| Target { hierarchy, path })
    }

    fn workload_strategy() -> impl Strategy<Value = Workload> {
        (
            any::<bool>(),
            0u32..100,
            proptest::option::of(1u32..100),
            0u64..(1 << 40),
            0u64..(1 << 40),
            proptest::option::of(1u32..1000),
        )
            .prop_map(|(busy, from, until, anon, cache, fork)| Workload {
                cpu_busy: busy,
                busy_from_secs: f64::from(from) / 4.0,
                busy_until_secs: until.map(|u| f64::from(u) / 8.0),
                anon_bytes_per_sec: anon,
                cache_bytes_per_sec: cache,
                initial_anon_bytes: anon / 3,
                fork_every_secs: fork.map(|f| f64::from(f) / 100.0),
            })
    }

    fn op_strategy() -> impl Strategy<Value = Op> {
        let name = "[a-z_]{1,8}";
        prop_oneof![
            target_strategy().prop_map(Op::Mkdir),
            target_strategy().prop_map(Op::Rmdir),
            (1u32..100_000, target_strategy()).prop_map(|(pid, to)| Op::Move { pid, to }),
            (target_strategy(), proptest::collection::vec(name, 1..4)).prop_map(
                |(target, controllers)| Op::Enable {
                    target,
                    controllers
                }
            ),
            (target_strategy(), proptest::collection::vec(name, 1..4)).prop_map(
                |(target, controllers)| Op::Disable {
                    target,
                    controllers
                }
            ),
            (
                target_strategy(),
                "[a-z]{1,6}\\.[a-z_]{1,8}",
                "([a-z0-9:=]{1,8}( [a-z0-9:=]{1,8}){0,2})?"
            )
                .prop_map(|(target, file, value)| Op::Set {
                    target,
                    file,
                    value
                }),
            (1u32..100_000, proptest::option::of("[a-z]{1,8}"))
                .prop_map(|(parent, comm)| Op::Fork { parent, comm }),
            (1u32..100_000).prop_map(|pid| Op::Exit { pid }),
            proptest::collection::vec("[a-z_]{1,8}", 1..3)
                .prop_map(|options| Op::Mount { options }),
            (1u32..100_000, workload_strategy())
                .prop_map(|(pid, workload)| Op::Load { pid, workload }),
        ]
    }

    proptest! {
        #![proptest_config(super::super::proptest_config(128))]

        #[test]
        fn text_form_round_trips(ops in proptest::collection::vec(op_strategy(), 0..8)) {
            let text = format_ops(&ops);
            prop_assert_eq!(parse_ops(&text).unwrap(), ops);
        }
    }
}
