//! The Linux error numbers that cgroup file writes, `mkdir`, `rmdir` and `fork` return.
//!
//! Students meet these as the shell's "write error: Device or resource busy", so each errno carries
//! its symbolic name, its number and the C library's message. Numbers are the generic Linux ones
//! (`include/uapi/asm-generic/errno-base.h`, `errno.h`), which x86-64 and arm64 share.

use serde::Serialize;

/// An errno that a cgroup operation can fail with in this model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Errno {
    /// No such file or directory: the cgroup does not exist, or a controller is not available.
    Enoent,
    /// No such process: the pid written to `cgroup.procs` does not exist.
    Esrch,
    /// Try again: `fork()` refused by `pids.max`.
    Eagain,
    /// Permission denied: the shell's `>` tried to create a file that cgroupfs does not have.
    Eacces,
    /// Device or resource busy: a rule forbids the change while the cgroup is in use.
    Ebusy,
    /// File exists: `mkdir` of a name that is already taken.
    Eexist,
    /// No such device: `io.max` names a device that is not a whole disk.
    Enodev,
    /// Invalid argument: the value is malformed or out of the kernel's accepted bounds.
    Einval,
    /// Numerical result out of range: e.g. `cpu.weight` outside 1..=10000.
    Erange,
}

impl Errno {
    /// Every errno the model returns, in number order (quiz distractors take the neighbours).
    pub const ALL: &'static [Self] = &[
        Self::Enoent,
        Self::Esrch,
        Self::Eagain,
        Self::Eacces,
        Self::Ebusy,
        Self::Eexist,
        Self::Enodev,
        Self::Einval,
        Self::Erange,
    ];

    /// The symbolic name, e.g. `"EBUSY"`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Enoent => "ENOENT",
            Self::Esrch => "ESRCH",
            Self::Eagain => "EAGAIN",
            Self::Eacces => "EACCES",
            Self::Ebusy => "EBUSY",
            Self::Eexist => "EEXIST",
            Self::Enodev => "ENODEV",
            Self::Einval => "EINVAL",
            Self::Erange => "ERANGE",
        }
    }

    /// The number the system call returns negated (asm-generic values).
    pub fn number(self) -> i32 {
        match self {
            Self::Enoent => 2,
            Self::Esrch => 3,
            Self::Eagain => 11,
            Self::Eacces => 13,
            Self::Ebusy => 16,
            Self::Eexist => 17,
            Self::Enodev => 19,
            Self::Einval => 22,
            Self::Erange => 34,
        }
    }

    /// The message `strerror()` prints (glibc), which is what the shell shows.
    pub fn message(self) -> &'static str {
        match self {
            Self::Enoent => "No such file or directory",
            Self::Esrch => "No such process",
            Self::Eagain => "Resource temporarily unavailable",
            Self::Eacces => "Permission denied",
            Self::Ebusy => "Device or resource busy",
            Self::Eexist => "File exists",
            Self::Enodev => "No such device",
            Self::Einval => "Invalid argument",
            Self::Erange => "Numerical result out of range",
        }
    }

    /// The lower-case name used in step slugs, e.g. `"ebusy"`.
    pub fn slug(self) -> String {
        self.name().to_ascii_lowercase()
    }
}

impl std::fmt::Display for Errno {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name(), self.message())
    }
}

/// A failed operation: the errno the kernel returns (or `None` when the model itself refuses,
/// e.g. an unknown pid in a `fork` step), plus one sentence that explains it to a student.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OpError {
    /// The kernel's errno, or `None` for a refusal of the model.
    pub errno: Option<Errno>,
    /// One sentence: why the kernel (or the model) refuses.
    pub explanation: String,
}

impl OpError {
    /// A failure the kernel reports with `errno`.
    pub fn kernel(errno: Errno, explanation: impl Into<String>) -> Self {
        Self {
            errno: Some(errno),
            explanation: explanation.into(),
        }
    }

    /// A step the model cannot perform (no kernel errno applies).
    pub fn model(explanation: impl Into<String>) -> Self {
        Self {
            errno: None,
            explanation: explanation.into(),
        }
    }
}

impl std::fmt::Display for OpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.errno {
            Some(errno) => write!(f, "{errno}: {}", self.explanation),
            None => f.write_str(&self.explanation),
        }
    }
}

impl std::error::Error for OpError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_asm_generic() {
        assert_eq!(Errno::Ebusy.number(), 16);
        assert_eq!(Errno::Einval.number(), 22);
        assert_eq!(Errno::Erange.number(), 34);
        assert_eq!(Errno::Eagain.number(), 11);
        assert_eq!(Errno::Ebusy.to_string(), "EBUSY (Device or resource busy)");
        assert_eq!(Errno::Enoent.slug(), "enoent");
    }
}
