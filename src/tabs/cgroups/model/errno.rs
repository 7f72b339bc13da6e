//! How a cgroup operation fails: the errno that cgroup file writes, `mkdir`, `rmdir` and `fork`
//! return (the one [`crate::errno::Errno`] type, shared with the namespaces model) and the
//! sentence that explains it.

use serde::Serialize;

pub use crate::errno::Errno;

/// Every errno the cgroups model returns, in number order (quiz distractors take the
/// neighbours).
pub const ERRNOS: &[Errno] = &[
    Errno::Enoent,
    Errno::Esrch,
    Errno::Eagain,
    Errno::Eacces,
    Errno::Ebusy,
    Errno::Eexist,
    Errno::Enodev,
    Errno::Einval,
    Errno::Erange,
];

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
    fn the_list_is_in_number_order() {
        assert!(ERRNOS.windows(2).all(|w| w[0].number() < w[1].number()));
        let refused = OpError::kernel(Errno::Ebusy, "the cgroup has processes");
        assert_eq!(
            refused.to_string(),
            "EBUSY (Device or resource busy): the cgroup has processes"
        );
    }
}
