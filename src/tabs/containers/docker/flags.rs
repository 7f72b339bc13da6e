//! Command-line flag parsing with the rules and error texts of spf13/pflag, which the docker CLI uses.
//!
//! `--name web`, `--name=web`, `-p8080:80`, `-p 8080:80`, combined short booleans (`-aq`, `-it`,
//! `-dit`), and `--` all work as they do in Docker. For `run`, `create` and `exec` parsing stops at the
//! first positional argument (cobra's `SetInterspersed(false)`), so `docker run alpine ls -la` passes
//! `-la` to `ls` instead of rejecting it.

use std::collections::BTreeMap;

/// One flag a command accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct FlagSpec {
    /// Long name without dashes (`name`).
    pub(super) long: &'static str,
    /// One-letter short name (`p` for `-p`).
    pub(super) short: Option<char>,
    /// Whether it takes a value (else it is a boolean switch).
    pub(super) takes_value: bool,
}

impl FlagSpec {
    /// A boolean switch.
    pub(super) const fn switch(long: &'static str, short: Option<char>) -> Self {
        Self {
            long,
            short,
            takes_value: false,
        }
    }

    /// A flag with a value.
    pub(super) const fn value(long: &'static str, short: Option<char>) -> Self {
        Self {
            long,
            short,
            takes_value: true,
        }
    }
}

/// A pflag parse error (docker prints it, then `See 'docker <cmd> --help'.`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum FlagError {
    /// `--bogus`.
    #[error("unknown flag: --{0}")]
    UnknownLong(String),
    /// `-z` inside a group.
    #[error("unknown shorthand flag: '{letter}' in -{group}")]
    UnknownShort {
        /// The unknown letter.
        letter: char,
        /// The group it appeared in.
        group: String,
    },
    /// `--name` at the end.
    #[error("flag needs an argument: --{0}")]
    LongNeedsValue(String),
    /// `-p` at the end.
    #[error("flag needs an argument: '{letter}' in -{group}")]
    ShortNeedsValue {
        /// The letter.
        letter: char,
        /// Its group.
        group: String,
    },
    /// `--rm=maybe`.
    #[error(
        "invalid argument \"{value}\" for \"--{flag}\" flag: strconv.ParseBool: parsing \"{value}\": invalid syntax"
    )]
    BadBool {
        /// Flag.
        flag: String,
        /// Value.
        value: String,
    },
    /// `---x` or `--=x`.
    #[error("bad flag syntax: {0}")]
    BadSyntax(String),
}

/// Parsed flags and positional arguments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Parsed {
    /// Values by long name, in the order given (repeatable flags keep all).
    pub(super) values: BTreeMap<&'static str, Vec<String>>,
    /// Boolean switches that were set (to true).
    pub(super) switches: Vec<&'static str>,
    /// Positional arguments.
    pub(super) positionals: Vec<String>,
    /// `--help` / `-h` was given.
    pub(super) help: bool,
}

impl Parsed {
    /// Whether a switch is on.
    pub(super) fn on(&self, long: &str) -> bool {
        self.switches.contains(&long)
    }

    /// The last value of a flag.
    pub(super) fn last(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|values| values.last())
            .map(String::as_str)
    }

    /// All values of a repeatable flag.
    pub(super) fn all(&self, long: &str) -> &[String] {
        self.values.get(long).map_or(&[], Vec::as_slice)
    }
}

/// Parses `args` against `specs`. With `interspersed == false`, everything from the first
/// positional argument on is positional.
pub(super) fn parse(
    specs: &[FlagSpec],
    args: &[String],
    interspersed: bool,
) -> Result<Parsed, FlagError> {
    let mut parsed = Parsed::default();
    let mut args = args.iter();
    let set_switch = |parsed: &mut Parsed, spec: &FlagSpec, value: Option<&str>| {
        let on = match value {
            None | Some("true" | "1" | "t" | "T" | "TRUE" | "True") => true,
            Some("false" | "0" | "f" | "F" | "FALSE" | "False") => false,
            Some(other) => {
                return Err(FlagError::BadBool {
                    flag: spec.long.to_owned(),
                    value: other.to_owned(),
                });
            }
        };
        parsed.switches.retain(|s| *s != spec.long);
        if on {
            parsed.switches.push(spec.long);
        }
        Ok(())
    };
    while let Some(arg) = args.next() {
        if arg == "--" {
            parsed.positionals.extend(args.cloned());
            break;
        }
        if let Some(body) = arg.strip_prefix("--") {
            if body.starts_with('-') || body.starts_with('=') {
                return Err(FlagError::BadSyntax(arg.clone()));
            }
            let (name, inline) = match body.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (body, None),
            };
            if name == "help" {
                parsed.help = true;
                continue;
            }
            let spec = specs
                .iter()
                .find(|s| s.long == name)
                .ok_or_else(|| FlagError::UnknownLong(name.to_owned()))?;
            if spec.takes_value {
                let value = match inline {
                    Some(value) => value.to_owned(),
                    None => args
                        .next()
                        .ok_or_else(|| FlagError::LongNeedsValue(name.to_owned()))?
                        .clone(),
                };
                parsed.values.entry(spec.long).or_default().push(value);
            } else {
                set_switch(&mut parsed, spec, inline)?;
            }
            continue;
        }
        if let Some(group) = arg.strip_prefix('-')
            && !group.is_empty()
        {
            let mut letters = group.chars();
            while let Some(letter) = letters.next() {
                if letter == 'h' && !specs.iter().any(|s| s.short == Some('h')) {
                    parsed.help = true;
                    continue;
                }
                let spec = specs
                    .iter()
                    .find(|s| s.short == Some(letter))
                    .ok_or_else(|| FlagError::UnknownShort {
                        letter,
                        group: group.to_owned(),
                    })?;
                if spec.takes_value {
                    // The rest of the group is the value (`-p8080:80`), else the next argument.
                    let rest = letters.as_str();
                    let value = if !rest.is_empty() {
                        rest.strip_prefix('=').unwrap_or(rest).to_owned()
                    } else {
                        args.next()
                            .ok_or_else(|| FlagError::ShortNeedsValue {
                                letter,
                                group: group.to_owned(),
                            })?
                            .clone()
                    };
                    parsed.values.entry(spec.long).or_default().push(value);
                    break;
                }
                set_switch(&mut parsed, spec, None)?;
            }
            continue;
        }
        parsed.positionals.push(arg.clone());
        if !interspersed {
            parsed.positionals.extend(args.cloned());
            break;
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[FlagSpec] = &[
        FlagSpec::switch("all", Some('a')),
        FlagSpec::switch("quiet", Some('q')),
        FlagSpec::value("name", None),
        FlagSpec::value("publish", Some('p')),
    ];

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn combined_and_inline_forms() {
        let parsed = parse(SPECS, &args("-aq --name=web -p8080:80 -p 9090:90 x"), true).unwrap();
        assert!(parsed.on("all") && parsed.on("quiet"));
        assert_eq!(parsed.last("name"), Some("web"));
        assert_eq!(parsed.all("publish"), ["8080:80", "9090:90"]);
        assert_eq!(parsed.positionals, ["x"]);
        let parsed = parse(SPECS, &args("--all=false -- -q"), true).unwrap();
        assert!(!parsed.on("all"));
        assert_eq!(parsed.positionals, ["-q"]);
    }

    #[test]
    fn non_interspersed_stops_at_the_first_positional() {
        let parsed = parse(SPECS, &args("-a alpine ls -la"), false).unwrap();
        assert_eq!(parsed.positionals, ["alpine", "ls", "-la"]);
        let parsed = parse(SPECS, &args("x -a"), true).unwrap();
        assert!(parsed.on("all"));
    }

    #[test]
    fn errors_use_pflag_wording() {
        assert_eq!(
            parse(SPECS, &args("--bogus"), true)
                .unwrap_err()
                .to_string(),
            "unknown flag: --bogus"
        );
        assert_eq!(
            parse(SPECS, &args("-az"), true).unwrap_err().to_string(),
            "unknown shorthand flag: 'z' in -az"
        );
        assert_eq!(
            parse(SPECS, &args("--name"), true).unwrap_err().to_string(),
            "flag needs an argument: --name"
        );
        assert_eq!(
            parse(SPECS, &args("-p"), true).unwrap_err().to_string(),
            "flag needs an argument: 'p' in -p"
        );
        assert!(parse(SPECS, &args("--help"), true).unwrap().help);
        assert!(matches!(
            parse(SPECS, &args("--all=maybe"), true),
            Err(FlagError::BadBool { .. })
        ));
    }
}
