//! The compact text form of operations, so custom scenes fit in a scene link.
//!
//! One operation per line (or separated by `;`), words separated by spaces, PIDs are host PIDs:
//!
//! ```text
//! clone PID TYPES [COMMAND]        clone 1 pid,net sh
//! fork PID [COMMAND]               fork 1201 ls
//! unshare PID TYPES                unshare 1 pid,mnt
//! setns PID TYPES TARGET           setns 1400 net,uts 1302   |   setns 9 net /run/netns/red
//! exit PID                         exec PID COMMAND          sethostname PID NAME
//! ip-link-up PID IFNAME            veth PID NAME PEER PEER_PID
//! mount PID FSTYPE TARGET          ip-netns-add PID NAME     timens-offset PID CLOCK SECS
//! pivot-root PID NEW_ROOT
//! ```
//!
//! Printing then parsing gives back the same operations; parse errors name the bad word.

use std::fmt;

use super::ns_type::{NsType, NsTypeSet};
use super::op::{Clock, Op, SetnsTarget};

/// What is wrong with one operation's text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// The first word is not an operation.
    #[error("unknown operation {0:?}; expected one of {ops}", ops = Op::SLUGS.join(", "))]
    UnknownOp(String),
    /// A required word is missing.
    #[error("missing {0}")]
    Missing(&'static str),
    /// A word that should be a number is not one.
    #[error("{text:?} is not a valid {what}")]
    BadNumber {
        /// The word.
        text: String,
        /// What it should be.
        what: &'static str,
    },
    /// An unknown namespace type in a type list.
    #[error("unknown namespace type {0:?}; expected {types}", types = type_list())]
    UnknownType(String),
    /// A type listed twice.
    #[error("namespace type {0:?} is listed twice")]
    DuplicateType(String),
    /// An unknown clock name.
    #[error("unknown clock {0:?}; expected monotonic or boottime")]
    UnknownClock(String),
    /// A setns target that is neither a PID nor `/run/netns/NAME`.
    #[error("{0:?} is neither a PID nor a /run/netns/NAME path")]
    BadTarget(String),
    /// A mount point that is not an absolute path.
    #[error("mount point {0:?} is not an absolute path")]
    BadPath(String),
    /// Words left over.
    #[error("unexpected {0:?} after the operation")]
    Extra(String),
}

/// A parse error in a script, naming the operation and the bad part.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("operation {index} `{op_text}`: {kind}")]
pub struct ParseError {
    /// 1-based position of the operation in the script.
    pub index: usize,
    /// The operation's text.
    pub op_text: String,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

fn type_list() -> String {
    NsType::ALL
        .iter()
        .map(|kind| kind.slug())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses a script: operations separated by newlines or `;`; blank entries are skipped.
pub fn parse_script(text: &str) -> Result<Vec<Op>, ParseError> {
    text.split(['\n', ';'])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .enumerate()
        .map(|(position, entry)| {
            parse_op(entry).map_err(|kind| ParseError {
                index: position + 1,
                op_text: entry.to_owned(),
                kind,
            })
        })
        .collect()
}

/// Prints a script, one operation per line.
pub fn print_script(ops: &[Op]) -> String {
    ops.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses one operation.
pub fn parse_op(text: &str) -> Result<Op, ParseErrorKind> {
    let mut words = Words(text.split_whitespace());
    let slug = words.next("an operation")?;
    let op = match slug {
        "clone" => Op::Clone {
            pid: words.pid()?,
            flags: words.types()?,
            command: words.optional(),
        },
        "fork" => Op::Fork {
            pid: words.pid()?,
            command: words.optional(),
        },
        "unshare" => Op::Unshare {
            pid: words.pid()?,
            flags: words.types()?,
        },
        "setns" => Op::Setns {
            pid: words.pid()?,
            kinds: words.types()?,
            target: words.target()?,
        },
        "exit" => Op::Exit { pid: words.pid()? },
        "exec" => Op::Exec {
            pid: words.pid()?,
            command: words.word("a command")?,
        },
        "sethostname" => Op::Sethostname {
            pid: words.pid()?,
            hostname: words.word("a hostname")?,
        },
        "ip-link-up" => Op::IpLinkUp {
            pid: words.pid()?,
            link: words.word("an interface name")?,
        },
        "veth" => Op::Veth {
            pid: words.pid()?,
            name: words.word("an interface name")?,
            peer: words.word("the peer's interface name")?,
            peer_pid: words.number("the peer's PID")?,
        },
        "mount" => Op::Mount {
            pid: words.pid()?,
            fstype: words.word("a filesystem type")?,
            target: words.path()?,
        },
        "pivot-root" => Op::PivotRoot {
            pid: words.pid()?,
            new_root: words.path()?,
        },
        "ip-netns-add" => Op::IpNetnsAdd {
            pid: words.pid()?,
            name: words.word("a namespace name")?,
        },
        "timens-offset" => Op::TimensOffset {
            pid: words.pid()?,
            clock: words.clock()?,
            offset_secs: words.number("offset in seconds")?,
        },
        other => return Err(ParseErrorKind::UnknownOp(other.to_owned())),
    };
    match words.optional() {
        Some(extra) => Err(ParseErrorKind::Extra(extra)),
        None => Ok(op),
    }
}

/// The words of one operation, consumed left to right.
struct Words<'a>(std::str::SplitWhitespace<'a>);

impl Words<'_> {
    fn next(&mut self, what: &'static str) -> Result<&str, ParseErrorKind> {
        self.0.next().ok_or(ParseErrorKind::Missing(what))
    }

    fn word(&mut self, what: &'static str) -> Result<String, ParseErrorKind> {
        self.next(what).map(str::to_owned)
    }

    fn optional(&mut self) -> Option<String> {
        self.0.next().map(str::to_owned)
    }

    fn number<T: std::str::FromStr>(&mut self, what: &'static str) -> Result<T, ParseErrorKind> {
        let text = self.next(what)?;
        text.parse().map_err(|_| ParseErrorKind::BadNumber {
            text: text.to_owned(),
            what,
        })
    }

    fn pid(&mut self) -> Result<u32, ParseErrorKind> {
        self.number("PID")
    }

    fn types(&mut self) -> Result<NsTypeSet, ParseErrorKind> {
        let text = self.next("namespace types (e.g. pid,mnt)")?;
        let mut set = NsTypeSet::EMPTY;
        for slug in text.split(',') {
            let kind = NsType::from_slug(slug)
                .ok_or_else(|| ParseErrorKind::UnknownType(slug.to_owned()))?;
            if set.contains(kind) {
                return Err(ParseErrorKind::DuplicateType(slug.to_owned()));
            }
            set = set.with(kind);
        }
        Ok(set)
    }

    fn target(&mut self) -> Result<SetnsTarget, ParseErrorKind> {
        let text = self.next("a target PID or /run/netns/NAME")?;
        if let Some(name) = text.strip_prefix("/run/netns/")
            && !name.is_empty()
            && !name.contains('/')
        {
            return Ok(SetnsTarget::NetnsPath(name.to_owned()));
        }
        text.parse()
            .map(SetnsTarget::Process)
            .map_err(|_| ParseErrorKind::BadTarget(text.to_owned()))
    }

    fn path(&mut self) -> Result<String, ParseErrorKind> {
        let text = self.next("a mount point")?;
        if text.starts_with('/') {
            Ok(text.to_owned())
        } else {
            Err(ParseErrorKind::BadPath(text.to_owned()))
        }
    }

    fn clock(&mut self) -> Result<Clock, ParseErrorKind> {
        let text = self.next("a clock (monotonic or boottime)")?;
        Clock::from_slug(text).ok_or_else(|| ParseErrorKind::UnknownClock(text.to_owned()))
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let slug = self.slug();
        match self {
            Self::Clone {
                pid,
                flags,
                command,
            } => {
                write!(f, "{slug} {pid} {}", flags.slugs())?;
                match command {
                    Some(command) => write!(f, " {command}"),
                    None => Ok(()),
                }
            }
            Self::Fork { pid, command } => match command {
                Some(command) => write!(f, "{slug} {pid} {command}"),
                None => write!(f, "{slug} {pid}"),
            },
            Self::Unshare { pid, flags } => write!(f, "{slug} {pid} {}", flags.slugs()),
            Self::Setns { pid, kinds, target } => {
                write!(f, "{slug} {pid} {} ", kinds.slugs())?;
                match target {
                    SetnsTarget::Process(target) => write!(f, "{target}"),
                    SetnsTarget::NetnsPath(name) => write!(f, "/run/netns/{name}"),
                }
            }
            Self::Exit { pid } => write!(f, "{slug} {pid}"),
            Self::Exec { pid, command } => write!(f, "{slug} {pid} {command}"),
            Self::Sethostname { pid, hostname } => write!(f, "{slug} {pid} {hostname}"),
            Self::IpLinkUp { pid, link } => write!(f, "{slug} {pid} {link}"),
            Self::Veth {
                pid,
                name,
                peer,
                peer_pid,
            } => write!(f, "{slug} {pid} {name} {peer} {peer_pid}"),
            Self::Mount {
                pid,
                fstype,
                target,
            } => write!(f, "{slug} {pid} {fstype} {target}"),
            Self::PivotRoot { pid, new_root } => write!(f, "{slug} {pid} {new_root}"),
            Self::IpNetnsAdd { pid, name } => write!(f, "{slug} {pid} {name}"),
            Self::TimensOffset {
                pid,
                clock,
                offset_secs,
            } => write!(f, "{slug} {pid} {} {offset_secs}", clock.slug()),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn parses_the_examples() {
        let ops = parse_script("unshare 1 pid,mnt; clone 1 net,uts\nsetns 9 net /run/netns/red")
            .expect("valid");
        assert_eq!(
            ops,
            [
                Op::Unshare {
                    pid: 1,
                    flags: NsTypeSet::of(&[NsType::Pid, NsType::Mnt]),
                },
                Op::Clone {
                    pid: 1,
                    flags: NsTypeSet::of(&[NsType::Net, NsType::Uts]),
                    command: None,
                },
                Op::Setns {
                    pid: 9,
                    kinds: NsTypeSet::of(&[NsType::Net]),
                    target: SetnsTarget::NetnsPath("red".to_owned()),
                },
            ]
        );
    }

    #[test]
    fn errors_name_the_bad_part_and_the_operation() {
        let error = parse_script("fork 1\nunshare 1 pid,mnnt").expect_err("bad type");
        assert_eq!(error.index, 2);
        assert_eq!(error.kind, ParseErrorKind::UnknownType("mnnt".to_owned()));
        assert!(error.to_string().contains("\"mnnt\""), "{error}");
        assert!(
            error
                .to_string()
                .contains("operation 2 `unshare 1 pid,mnnt`")
        );

        let cases = [
            ("spawn 1", ParseErrorKind::UnknownOp("spawn".to_owned())),
            ("exit", ParseErrorKind::Missing("PID")),
            (
                "exit one",
                ParseErrorKind::BadNumber {
                    text: "one".to_owned(),
                    what: "PID",
                },
            ),
            ("exit 1 2", ParseErrorKind::Extra("2".to_owned())),
            (
                "unshare 1 pid,pid",
                ParseErrorKind::DuplicateType("pid".to_owned()),
            ),
            (
                "setns 1 net red",
                ParseErrorKind::BadTarget("red".to_owned()),
            ),
            (
                "mount 1 proc proc",
                ParseErrorKind::BadPath("proc".to_owned()),
            ),
            (
                "timens-offset 1 realtime 5",
                ParseErrorKind::UnknownClock("realtime".to_owned()),
            ),
            (
                "unshare 1 ",
                ParseErrorKind::Missing("namespace types (e.g. pid,mnt)"),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_op(text), Err(expected), "{text}");
        }
    }

    fn token() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9._:-]{0,11}"
    }

    fn types() -> impl Strategy<Value = NsTypeSet> {
        (1_u8..=255).prop_map(|bits| {
            NsType::ALL
                .iter()
                .filter(|kind| bits & (1 << kind.index()) != 0)
                .fold(NsTypeSet::EMPTY, |set, kind| set.with(*kind))
        })
    }

    fn op() -> impl Strategy<Value = Op> {
        let pid = 0_u32..100_000;
        prop_oneof![
            (pid.clone(), types(), proptest::option::of(token())).prop_map(
                |(pid, flags, command)| Op::Clone {
                    pid,
                    flags,
                    command
                }
            ),
            (pid.clone(), proptest::option::of(token()))
                .prop_map(|(pid, command)| Op::Fork { pid, command }),
            (pid.clone(), types()).prop_map(|(pid, flags)| Op::Unshare { pid, flags }),
            (pid.clone(), types(), pid.clone()).prop_map(|(pid, kinds, target)| Op::Setns {
                pid,
                kinds,
                target: SetnsTarget::Process(target),
            }),
            (pid.clone(), types(), token()).prop_map(|(pid, kinds, name)| Op::Setns {
                pid,
                kinds,
                target: SetnsTarget::NetnsPath(name),
            }),
            pid.clone().prop_map(|pid| Op::Exit { pid }),
            (pid.clone(), token()).prop_map(|(pid, command)| Op::Exec { pid, command }),
            (pid.clone(), token()).prop_map(|(pid, hostname)| Op::Sethostname { pid, hostname }),
            (pid.clone(), token()).prop_map(|(pid, link)| Op::IpLinkUp { pid, link }),
            (pid.clone(), token(), token(), pid.clone()).prop_map(|(pid, name, peer, peer_pid)| {
                Op::Veth {
                    pid,
                    name,
                    peer,
                    peer_pid,
                }
            }),
            (pid.clone(), token(), token()).prop_map(|(pid, fstype, target)| Op::Mount {
                pid,
                fstype,
                target: format!("/{target}"),
            }),
            (pid.clone(), token()).prop_map(|(pid, root)| Op::PivotRoot {
                pid,
                new_root: format!("/{root}"),
            }),
            (pid.clone(), token()).prop_map(|(pid, name)| Op::IpNetnsAdd { pid, name }),
            (pid, any::<bool>(), any::<i64>()).prop_map(|(pid, boot, offset_secs)| {
                Op::TimensOffset {
                    pid,
                    clock: if boot {
                        Clock::Boottime
                    } else {
                        Clock::Monotonic
                    },
                    offset_secs,
                }
            }),
        ]
    }

    proptest! {
        #[test]
        fn script_text_round_trips(ops in proptest::collection::vec(op(), 0..8)) {
            let text = print_script(&ops);
            prop_assert_eq!(parse_script(&text), Ok(ops.clone()));
            let joined = ops.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
            prop_assert_eq!(parse_script(&joined), Ok(ops));
        }
    }
}
