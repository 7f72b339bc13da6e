//! Walks one mounted hierarchy directory by directory and reads each cgroup's files.
//!
//! A missing file means the controller is not there and is not an error; a file or directory
//! that exists but cannot be read (or holds something unexpected) is recorded in
//! [`LiveCgroup::unreadable`], so nothing disappears silently. Plain `std::fs`, so it also runs
//! on a fake tree in a temporary directory.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use super::types::{Limit, LiveCgroup, LiveProcess, LiveUsage, Unreadable};

/// Stop after this many cgroups per hierarchy (hosts with thousands of containers stay bounded).
pub const MAX_CGROUPS: usize = 20_000;

/// State shared by one walk.
pub struct Walk<'a> {
    /// Looks up a process's command name.
    pub comm_of: &'a mut dyn FnMut(u32) -> Option<String>,
    /// Cgroups read so far.
    pub count: usize,
    /// Whether [`MAX_CGROUPS`] was reached.
    pub truncated: bool,
}

impl Walk<'_> {
    /// Reads the cgroup at `dir` (shown as `path`) and everything below it.
    pub fn cgroup(&mut self, dir: &Path, path: &str) -> LiveCgroup {
        self.count += 1;
        let mut unreadable = Vec::new();
        let processes = self.processes(dir, &mut unreadable);
        let words = |name: &str, unreadable: &mut Vec<Unreadable>| {
            read_optional(dir, name, unreadable)
                .map(|text| text.split_whitespace().map(str::to_owned).collect())
        };
        let controllers = words("cgroup.controllers", &mut unreadable);
        let subtree_control = words("cgroup.subtree_control", &mut unreadable);
        let usage = usage(dir, &mut unreadable);
        let mut children = Vec::new();
        match child_dirs(dir) {
            Ok(names) => {
                for name in names {
                    if self.count >= MAX_CGROUPS {
                        self.truncated = true;
                        break;
                    }
                    let child_path = if path == "/" {
                        format!("/{name}")
                    } else {
                        format!("{path}/{name}")
                    };
                    children.push(self.cgroup(&dir.join(&name), &child_path));
                }
            }
            Err(error) => unreadable.push(Unreadable {
                path: dir.display().to_string(),
                error: error.to_string(),
            }),
        }
        LiveCgroup {
            path: path.to_owned(),
            processes,
            controllers,
            subtree_control,
            usage,
            unreadable,
            children,
        }
    }

    fn processes(&mut self, dir: &Path, unreadable: &mut Vec<Unreadable>) -> Vec<LiveProcess> {
        let file = dir.join("cgroup.procs");
        let text = match fs::read_to_string(&file) {
            Ok(text) => text,
            Err(error) => {
                unreadable.push(Unreadable {
                    path: file.display().to_string(),
                    error: error.to_string(),
                });
                return Vec::new();
            }
        };
        let mut pids: Vec<u32> = Vec::new();
        for word in text.split_whitespace() {
            match word.parse() {
                Ok(pid) => pids.push(pid),
                Err(_) => unreadable.push(Unreadable {
                    path: file.display().to_string(),
                    error: format!("not a pid: {word:?}"),
                }),
            }
        }
        pids.sort_unstable();
        pids.dedup();
        pids.into_iter()
            .map(|pid| LiveProcess {
                pid,
                comm: (self.comm_of)(pid),
            })
            .collect()
    }
}

/// The names of the subdirectories of `dir`, sorted.
fn child_dirs(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// The file's text, `None` if it does not exist; other errors are recorded.
fn read_optional(dir: &Path, name: &str, unreadable: &mut Vec<Unreadable>) -> Option<String> {
    let file = dir.join(name);
    match fs::read_to_string(&file) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == ErrorKind::NotFound => None,
        Err(error) => {
            unreadable.push(Unreadable {
                path: file.display().to_string(),
                error: error.to_string(),
            });
            None
        }
    }
}

/// Reads and parses one value; a file with unexpected content is recorded as unreadable.
fn value<T>(
    dir: &Path,
    name: &str,
    unreadable: &mut Vec<Unreadable>,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let text = read_optional(dir, name, unreadable)?;
    let trimmed = text.trim();
    let parsed = parse(trimmed);
    if parsed.is_none() {
        unreadable.push(Unreadable {
            path: dir.join(name).display().to_string(),
            error: format!("unexpected content {trimmed:?}"),
        });
    }
    parsed
}

fn number(text: &str) -> Option<u64> {
    text.parse().ok()
}

/// v1 `memory.limit_in_bytes` shows "no limit" as `PAGE_COUNTER_MAX` pages in bytes.
const V1_UNLIMITED_BYTES: u64 = (i64::MAX as u64 / 4096) * 4096;

fn limit(text: &str) -> Option<Limit> {
    match text {
        "max" => Some(Limit::Max),
        _ => match text.parse().ok()? {
            V1_UNLIMITED_BYTES => Some(Limit::Max),
            value => Some(Limit::Value(value)),
        },
    }
}

fn usage(dir: &Path, unreadable: &mut Vec<Unreadable>) -> LiveUsage {
    let memory_bytes = value(dir, "memory.current", unreadable, number)
        .or_else(|| value(dir, "memory.usage_in_bytes", unreadable, number));
    let memory_max = value(dir, "memory.max", unreadable, limit)
        .or_else(|| value(dir, "memory.limit_in_bytes", unreadable, limit));
    LiveUsage {
        cpu_weight: value(dir, "cpu.weight", unreadable, number),
        cpu_shares: value(dir, "cpu.shares", unreadable, number),
        cpu_max: value(dir, "cpu.max", unreadable, |t| Some(t.to_owned())),
        cpu_quota_usec: value(dir, "cpu.cfs_quota_us", unreadable, |t| t.parse().ok()),
        cpu_period_usec: value(dir, "cpu.cfs_period_us", unreadable, number),
        memory_bytes,
        memory_max,
        memory_high: value(dir, "memory.high", unreadable, limit),
        pids_current: value(dir, "pids.current", unreadable, number),
        pids_max: value(dir, "pids.max", unreadable, limit),
    }
}
