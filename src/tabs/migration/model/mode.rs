//! The three ways to move a VM that the tab compares.

use serde::{Deserialize, Serialize};

/// A migration method. Scene links also accept `mode=compare`, which is a view over all three
/// (see [`super::compare`]), not a method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    /// Suspend, copy everything, resume: the VM is down for the whole copy.
    Cold,
    /// Copy memory in rounds while the VM runs, then stop and copy what is still dirty
    /// (Clark et al., NSDI 2005; QEMU's default).
    PreCopy,
    /// Move the CPU state first and run on the destination at once; memory follows by active
    /// push and demand faults (Hines and Gopalan, VEE 2009; QEMU `postcopy-ram`).
    PostCopy,
}

impl Mode {
    /// Every mode, in the order the comparison lists them.
    pub const ALL: &[Self] = &[Self::Cold, Self::PreCopy, Self::PostCopy];

    /// Scene-link id (`mode=` in SCENES.md).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Cold => "cold",
            Self::PreCopy => "pre-copy",
            Self::PostCopy => "post-copy",
        }
    }

    /// Parses [`Self::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|m| m.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Cold => "Cold migration",
            Self::PreCopy => "Pre-copy live migration",
            Self::PostCopy => "Post-copy live migration",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for mode in Mode::ALL {
            assert_eq!(Mode::from_slug(mode.slug()), Some(*mode));
        }
        assert_eq!(Mode::from_slug("compare"), None);
    }
}
