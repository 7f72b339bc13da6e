//! Error numbers the simulated kernel returns, and the failure of one operation.
//!
//! A failed operation is a normal outcome that a student should read ("unshare fails with EINVAL
//! because..."), so a failure carries the errno and a sentence naming the rule that produced it.

use std::fmt;

/// The errno values the model can return, with their Linux numbers and `strerror` texts.
///
/// Note: the nesting-limit error is ENOSPC on current kernels for both PID and user namespaces
/// (clone(2), unshare(2)); user_namespaces(7) still says EUSERS, which was returned only from
/// Linux 3.11 to 4.8. Checked on Linux 6.18: `unshare -r` at user-namespace level 34 and
/// `unshare --pid --fork` at PID-namespace level 33 both fail with "No space left on device".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Errno {
    /// Operation not permitted (1).
    Eperm,
    /// No such file or directory (2).
    Enoent,
    /// No such process (3).
    Esrch,
    /// Cannot allocate memory (12).
    Enomem,
    /// Permission denied (13).
    Eacces,
    /// Device or resource busy (16).
    Ebusy,
    /// File exists (17).
    Eexist,
    /// No such device (19).
    Enodev,
    /// Invalid argument (22).
    Einval,
    /// No space left on device (28).
    Enospc,
    /// Numerical result out of range (34).
    Erange,
}

impl Errno {
    /// Every errno the model returns, in number order (quiz distractors take the neighbours).
    pub const ALL: &'static [Self] = &[
        Self::Eperm,
        Self::Enoent,
        Self::Esrch,
        Self::Enomem,
        Self::Eacces,
        Self::Ebusy,
        Self::Eexist,
        Self::Enodev,
        Self::Einval,
        Self::Enospc,
        Self::Erange,
    ];

    /// The symbolic name, e.g. `EPERM`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Eperm => "EPERM",
            Self::Enoent => "ENOENT",
            Self::Esrch => "ESRCH",
            Self::Enomem => "ENOMEM",
            Self::Eacces => "EACCES",
            Self::Ebusy => "EBUSY",
            Self::Eexist => "EEXIST",
            Self::Enodev => "ENODEV",
            Self::Einval => "EINVAL",
            Self::Enospc => "ENOSPC",
            Self::Erange => "ERANGE",
        }
    }

    /// The number on Linux (asm-generic/errno-base.h).
    pub fn number(self) -> i32 {
        match self {
            Self::Eperm => 1,
            Self::Enoent => 2,
            Self::Esrch => 3,
            Self::Enomem => 12,
            Self::Eacces => 13,
            Self::Ebusy => 16,
            Self::Eexist => 17,
            Self::Enodev => 19,
            Self::Einval => 22,
            Self::Enospc => 28,
            Self::Erange => 34,
        }
    }

    /// The text `strerror` gives, as a shell would print it.
    pub fn message(self) -> &'static str {
        match self {
            Self::Eperm => "Operation not permitted",
            Self::Enoent => "No such file or directory",
            Self::Esrch => "No such process",
            Self::Enomem => "Cannot allocate memory",
            Self::Eacces => "Permission denied",
            Self::Ebusy => "Device or resource busy",
            Self::Eexist => "File exists",
            Self::Enodev => "No such device",
            Self::Einval => "Invalid argument",
            Self::Enospc => "No space left on device",
            Self::Erange => "Numerical result out of range",
        }
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.message())
    }
}

/// Why one operation did not happen.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The simulated system call returned an error.
    #[error("{errno}: {why}")]
    Errno {
        /// The error number.
        errno: Errno,
        /// The rule that produced it, one sentence.
        why: String,
    },

    /// The operation cannot be issued at all (the calling process does not exist, or the
    /// kernel would panic rather than return).
    #[error("not possible: {why}")]
    Impossible {
        /// Why, one sentence.
        why: String,
    },
}

impl Failure {
    /// A system call error.
    pub fn errno(errno: Errno, why: impl Into<String>) -> Self {
        Self::Errno {
            errno,
            why: why.into(),
        }
    }

    /// An operation that cannot be issued.
    pub fn impossible(why: impl Into<String>) -> Self {
        Self::Impossible { why: why.into() }
    }

    /// The errno, if the kernel returned one.
    pub fn errno_value(&self) -> Option<Errno> {
        match self {
            Self::Errno { errno, .. } => Some(*errno),
            Self::Impossible { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_linux_errno_base() {
        assert_eq!(Errno::Eperm.number(), 1);
        assert_eq!(Errno::Esrch.number(), 3);
        assert_eq!(Errno::Enomem.number(), 12);
        assert_eq!(Errno::Ebusy.number(), 16);
        assert_eq!(Errno::Einval.number(), 22);
        assert_eq!(Errno::Enospc.number(), 28);
    }

    #[test]
    fn failure_text_names_errno_and_rule() {
        let failure = Failure::errno(Errno::Enomem, "the init of the PID namespace has exited");
        assert_eq!(
            failure.to_string(),
            "ENOMEM (Cannot allocate memory): the init of the PID namespace has exited"
        );
        assert_eq!(failure.errno_value(), Some(Errno::Enomem));
        assert_eq!(Failure::impossible("no such process").errno_value(), None);
    }
}
