//! Pure parsers for the `/proc` and `/etc` text the live reader consumes.
//!
//! Kept free of I/O so they are tested on fixed text and so the reader's per-process work is
//! one read and one pass per file.

use std::collections::BTreeMap;

use super::super::model::NsType;

/// The fields of `/proc/PID/status` the reader needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    /// `Name:`.
    pub name: String,
    /// `PPid:`.
    pub ppid: u32,
    /// Effective UID: the second field of `Uid:`.
    pub uid: u32,
    /// `NSpid:` (absent before Linux 4.1; then empty).
    pub nspid: Vec<u32>,
    /// `Kthread:` (Linux 6.x); None when the line is absent.
    pub kthread: Option<bool>,
    /// `State: Z (zombie)`.
    pub zombie: bool,
}

/// Parses `/proc/PID/status`. Unknown lines are ignored; missing numbers become 0.
pub fn parse_status(text: &str) -> Status {
    let mut status = Status::default();
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key {
            "Name" => status.name = value.to_owned(),
            "PPid" => status.ppid = value.parse().unwrap_or(0),
            "Uid" => {
                status.uid = value
                    .split_whitespace()
                    .nth(1)
                    .and_then(|euid| euid.parse().ok())
                    .unwrap_or(0);
            }
            "NSpid" => {
                status.nspid = value
                    .split_whitespace()
                    .filter_map(|pid| pid.parse().ok())
                    .collect();
            }
            "Kthread" => status.kthread = Some(value == "1"),
            "State" => status.zombie = value.starts_with('Z'),
            _ => {}
        }
    }
    status
}

/// Parses a namespace link text such as `net:[4026531833]`.
pub fn parse_ns_link(text: &str) -> Option<(NsType, u64)> {
    let (kind, rest) = text.split_once(":[")?;
    let id = rest.strip_suffix(']')?.parse().ok()?;
    Some((NsType::from_slug(kind)?, id))
}

/// The command lsns shows: the NUL-separated command line joined by spaces, or `name` when the
/// command line is empty (kernel threads, zombies).
pub fn command_line(cmdline: &[u8], name: &str) -> String {
    let joined = cmdline
        .split(|byte| *byte == 0)
        .filter(|argument| !argument.is_empty())
        .map(String::from_utf8_lossy)
        .collect::<Vec<_>>()
        .join(" ");
    if joined.is_empty() {
        name.to_owned()
    } else {
        joined
    }
}

/// User names by UID from `/etc/passwd` text (`name:x:uid:...`).
pub fn parse_passwd(text: &str) -> BTreeMap<u32, String> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let uid = fields.nth(1)?.parse().ok()?;
            Some((uid, name.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields_from_a_real_layout() {
        let text = "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t5371\nNgid:\t0\n\
                    Pid:\t5371\nPPid:\t5370\nTracerPid:\t0\nUid:\t1000\t1001\t1000\t1000\n\
                    Gid:\t1000\t1000\t1000\t1000\nNStgid:\t5371\t4\t1\nNSpid:\t5371\t4\t1\n\
                    NSpgid:\t5371\t4\t1\nKthread:\t0\n";
        let status = parse_status(text);
        assert_eq!(status.name, "bash");
        assert_eq!(status.ppid, 5370);
        assert_eq!(status.uid, 1001, "effective UID is the second field");
        assert_eq!(status.nspid, [5371, 4, 1]);
        assert_eq!(status.kthread, Some(false));
        assert_eq!(
            parse_status("Name:\tkthreadd\nKthread:\t1\n").kthread,
            Some(true)
        );
        assert_eq!(parse_status("Name:\tx\n").kthread, None);
        assert!(!status.zombie);
        assert!(parse_status("State:\tZ (zombie)\n").zombie);
    }

    #[test]
    fn namespace_links() {
        assert_eq!(
            parse_ns_link("net:[4026531833]"),
            Some((NsType::Net, 4_026_531_833))
        );
        assert_eq!(
            parse_ns_link("pid:[4026531836]"),
            Some((NsType::Pid, 4_026_531_836))
        );
        assert_eq!(parse_ns_link("pid_for_children:[1]"), None);
        assert_eq!(parse_ns_link("net:4026531833"), None);
        assert_eq!(parse_ns_link("net:[x]"), None);
    }

    #[test]
    fn command_lines() {
        assert_eq!(command_line(b"sleep\x0030\x00", "sleep"), "sleep 30");
        assert_eq!(command_line(b"", "kthreadd"), "kthreadd");
        assert_eq!(command_line(b"a\x00\x00b\x00", "a"), "a b");
    }

    #[test]
    fn passwd_names() {
        let users = parse_passwd(
            "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\nbroken\n",
        );
        assert_eq!(users.get(&0).map(String::as_str), Some("root"));
        assert_eq!(users.get(&1000).map(String::as_str), Some("alice"));
        assert_eq!(users.len(), 2);
    }
}
