//! The failure of one operation: the errno the simulated kernel returns (the one
//! [`crate::errno::Errno`] type, shared with the cgroups model) and the rule behind it.
//!
//! A failed operation is a normal outcome that a student should read ("unshare fails with EINVAL
//! because..."), so a failure carries the errno and a sentence naming the rule that produced it.

pub use crate::errno::Errno;

/// Every errno the namespaces model returns, in number order (quiz distractors take the
/// neighbours).
///
/// Note: the nesting-limit error is ENOSPC on current kernels for both PID and user namespaces
/// (clone(2), unshare(2)); user_namespaces(7) still says EUSERS, which was returned only from
/// Linux 3.11 to 4.8. Checked on Linux 6.18: `unshare -r` at user-namespace level 34 and
/// `unshare --pid --fork` at PID-namespace level 33 both fail with "No space left on device".
pub const ERRNOS: &[Errno] = &[
    Errno::Eperm,
    Errno::Enoent,
    Errno::Esrch,
    Errno::Enomem,
    Errno::Eacces,
    Errno::Ebusy,
    Errno::Eexist,
    Errno::Enodev,
    Errno::Einval,
    Errno::Enospc,
    Errno::Erange,
];

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
    fn the_list_is_in_number_order() {
        assert!(ERRNOS.windows(2).all(|w| w[0].number() < w[1].number()));
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
