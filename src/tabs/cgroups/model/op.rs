//! The operations a scene performs, one per timeline step, and the shell command each one is.
//!
//! Values stay as the text a student would type (controller names, file names, `set` values), so
//! that bad input reaches the kernel rules and fails with the kernel's errno instead of being
//! rejected by the parser. The text form lives in `text.rs`, the rules in `apply.rs`.

use super::path::{CgroupPath, PathError};
use super::state::{CGROUP_MOUNT_DIR, Pid, State};
use super::workload::Workload;

/// A cgroup addressed in an operation: `/app` in v2, `memory:/app` in v1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The v1 hierarchy (mount name or controller); `None` for the unified tree.
    pub hierarchy: Option<String>,
    /// The cgroup path inside it.
    pub path: CgroupPath,
}

/// Why a `select=` value or an operation's cgroup word is not a cgroup.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// `:/path` with nothing before the colon.
    #[error("the hierarchy before ':' is empty in {0:?}")]
    EmptyHierarchy(String),
    /// The path part is not a cgroup path.
    #[error(transparent)]
    Path(#[from] PathError),
}

impl Target {
    /// Parses `/path` (v2) or `hierarchy:/path` (v1), as in `select=memory:/web`.
    pub fn parse(text: &str) -> Result<Self, TargetError> {
        let (hierarchy, path_text) = match text.find(":/") {
            Some(at) => (Some(&text[..at]), &text[at + 1..]),
            None => (None, text),
        };
        if hierarchy.is_some_and(str::is_empty) {
            return Err(TargetError::EmptyHierarchy(text.to_owned()));
        }
        Ok(Self {
            hierarchy: hierarchy.map(str::to_owned),
            path: CgroupPath::parse(path_text)?,
        })
    }

    /// A cgroup of the unified (v2) tree.
    pub fn v2(path: CgroupPath) -> Self {
        Self {
            hierarchy: None,
            path,
        }
    }

    /// A cgroup of the v1 hierarchy called `hierarchy`.
    pub fn v1(hierarchy: &str, path: CgroupPath) -> Self {
        Self {
            hierarchy: Some(hierarchy.to_owned()),
            path,
        }
    }

    /// The directory this target names (even when it does not exist).
    pub fn dir(&self, state: &State) -> String {
        let tree = state
            .find_hierarchy(self.hierarchy.as_deref())
            .ok()
            .and_then(|h| state.hierarchies().get(h));
        match (tree, &self.hierarchy) {
            (Some(tree), _) => tree.dir_of(&self.path),
            (None, Some(name)) if self.path.is_root() => format!("{CGROUP_MOUNT_DIR}/{name}"),
            (None, Some(name)) => format!("{CGROUP_MOUNT_DIR}/{name}{}", self.path),
            (None, None) => format!("{CGROUP_MOUNT_DIR}{}", self.path),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.hierarchy {
            Some(hierarchy) => write!(f, "{hierarchy}:{}", self.path),
            None => write!(f, "{}", self.path),
        }
    }
}

/// One step of a scene.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// `mkdir`: create a cgroup.
    Mkdir(Target),
    /// `rmdir`: remove an empty cgroup.
    Rmdir(Target),
    /// Write a pid to `cgroup.procs`: move the whole process.
    Move {
        /// The process.
        pid: Pid,
        /// The destination cgroup.
        to: Target,
    },
    /// Write `+name ...` to `cgroup.subtree_control` (v2).
    Enable {
        /// The cgroup whose children get the controllers.
        target: Target,
        /// Controller names as typed.
        controllers: Vec<String>,
    },
    /// Write `-name ...` to `cgroup.subtree_control` (v2).
    Disable {
        /// The cgroup whose children lose the controllers.
        target: Target,
        /// Controller names as typed.
        controllers: Vec<String>,
    },
    /// Write `value` to a limit file.
    Set {
        /// The cgroup.
        target: Target,
        /// The file name as typed, e.g. `cpu.max`.
        file: String,
        /// The text written, e.g. `50000 100000`.
        value: String,
    },
    /// A process calls `fork()`; the child starts in the parent's cgroups.
    Fork {
        /// The forking process.
        parent: Pid,
        /// The child's command name; the parent's when `None`.
        comm: Option<String>,
    },
    /// A process exits.
    Exit {
        /// The exiting process.
        pid: Pid,
    },
    /// Mount a v1 hierarchy with these options (`cpu`, `cpuacct`, `name=systemd`).
    Mount {
        /// Mount options as typed.
        options: Vec<String>,
    },
    /// Set what a process does in the resource simulation.
    Load {
        /// The process.
        pid: Pid,
        /// Its new workload.
        workload: Workload,
    },
}

impl Op {
    /// The step slug of this kind of operation.
    pub fn slug(&self) -> &'static str {
        match self {
            Self::Mkdir(_) => "mkdir",
            Self::Rmdir(_) => "rmdir",
            Self::Move { .. } => "move",
            Self::Enable { .. } => "enable",
            Self::Disable { .. } => "disable",
            Self::Set { .. } => "set",
            Self::Fork { .. } => "fork",
            Self::Exit { .. } => "exit",
            Self::Mount { .. } => "mount",
            Self::Load { .. } => "load",
        }
    }

    /// The shell command that performs the operation on a real system, if there is one.
    pub fn shell_command(&self, state: &State) -> Option<String> {
        match self {
            Self::Mkdir(target) => Some(format!("mkdir {}", target.dir(state))),
            Self::Rmdir(target) => Some(format!("rmdir {}", target.dir(state))),
            Self::Move { pid, to } => Some(echo(&pid.to_string(), &to.dir(state), "cgroup.procs")),
            Self::Enable {
                target,
                controllers,
            } => Some(echo(
                &prefixed('+', controllers),
                &target.dir(state),
                "cgroup.subtree_control",
            )),
            Self::Disable {
                target,
                controllers,
            } => Some(echo(
                &prefixed('-', controllers),
                &target.dir(state),
                "cgroup.subtree_control",
            )),
            Self::Set {
                target,
                file,
                value,
            } => Some(echo(value, &target.dir(state), file)),
            Self::Mount { options } => {
                let joined = options.join(",");
                Some(format!(
                    "mount -t cgroup -o {joined} cgroup {CGROUP_MOUNT_DIR}/{joined}"
                ))
            }
            Self::Fork { .. } | Self::Exit { .. } | Self::Load { .. } => None,
        }
    }
}

fn prefixed(sign: char, names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{sign}{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `echo VALUE > DIR/FILE`, quoting the value when it has spaces or is empty.
pub fn echo(value: &str, dir: &str, file: &str) -> String {
    let quoted = if value.is_empty() || value.contains(char::is_whitespace) {
        format!("\"{value}\"")
    } else {
        value.to_owned()
    };
    format!("echo {quoted} > {dir}/{file}")
}

#[cfg(test)]
mod tests {
    use super::super::version::CgroupVersion;
    use super::*;

    #[test]
    fn shell_commands() {
        let state = State::default_for(CgroupVersion::V2);
        let app = Target::v2(CgroupPath::parse("/app").unwrap());
        let set = Op::Set {
            target: app.clone(),
            file: "cpu.max".to_owned(),
            value: "50000 100000".to_owned(),
        };
        assert_eq!(
            set.shell_command(&state).unwrap(),
            "echo \"50000 100000\" > /sys/fs/cgroup/app/cpu.max"
        );
        let enable = Op::Enable {
            target: Target::v2(CgroupPath::root()),
            controllers: vec!["cpu".to_owned(), "memory".to_owned()],
        };
        assert_eq!(
            enable.shell_command(&state).unwrap(),
            "echo \"+cpu +memory\" > /sys/fs/cgroup/cgroup.subtree_control"
        );
        let moved = Op::Move { pid: 100, to: app };
        assert_eq!(
            moved.shell_command(&state).unwrap(),
            "echo 100 > /sys/fs/cgroup/app/cgroup.procs"
        );
        let v1 = State::default_for(CgroupVersion::V1);
        let mkdir = Op::Mkdir(Target::v1("cpu", CgroupPath::parse("/db").unwrap()));
        assert_eq!(
            mkdir.shell_command(&v1).unwrap(),
            "mkdir /sys/fs/cgroup/cpu,cpuacct/db"
        );
    }
}
