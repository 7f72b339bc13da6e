//! The five ways the same guest program can run, as scene-link presets.
//!
//! Each mode is a different answer to one question: who notices when the guest kernel touches
//! privileged state, and at what cost?

/// An execution mode of the CPU tab (`cpu/<mode>` in scene links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The guest kernel runs at CPL 0 on the bare machine; there is no VMM.
    Native,
    /// Classic trap-and-emulate: the deprivileged guest kernel traps on privileged instructions.
    TrapEmulate,
    /// The VMM translates guest-kernel basic blocks, rewriting sensitive instructions.
    BinaryTranslation,
    /// A modified guest kernel calls the hypervisor instead of running privileged instructions.
    Paravirt,
    /// Hardware-assisted (VT-x style): the guest kernel runs at its own CPL 0 in VMX non-root mode.
    VtX,
}

impl Mode {
    /// Every mode, in teaching order.
    pub const ALL: &[Self] = &[
        Self::Native,
        Self::TrapEmulate,
        Self::BinaryTranslation,
        Self::Paravirt,
        Self::VtX,
    ];

    /// Scene-link id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Native => "native",
            Self::TrapEmulate => "trap-emulate",
            Self::BinaryTranslation => "binary-translation",
            Self::Paravirt => "paravirt",
            Self::VtX => "vt-x",
        }
    }

    /// Parses a scene-link id.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|mode| mode.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Native => "Native",
            Self::TrapEmulate => "Trap-and-emulate",
            Self::BinaryTranslation => "Binary translation",
            Self::Paravirt => "Paravirtualization",
            Self::VtX => "Hardware-assisted (VT-x)",
        }
    }

    /// One sentence on how the mode runs the guest kernel.
    pub fn description(self) -> &'static str {
        match self {
            Self::Native => {
                "The kernel runs at CPL 0 on the real CPU: privileged instructions simply execute."
            }
            Self::TrapEmulate => {
                "The guest kernel runs deprivileged at CPL 1; each privileged instruction traps to the \
                 VMM, which emulates it on the virtual CPU and resumes the guest, but critical \
                 instructions such as popf (and sgdt on a CPU without UMIP) do not trap."
            }
            Self::BinaryTranslation => {
                "The VMM translates guest-kernel basic blocks on first use into a translation cache, \
                 replacing privileged and sensitive instructions with inline code or calls into the \
                 VMM; application code runs directly."
            }
            Self::Paravirt => {
                "The guest kernel is modified to call the hypervisor (hypercalls) instead of running \
                 privileged instructions, and batches page-table updates; applications run unchanged."
            }
            Self::VtX => {
                "The guest kernel runs at its own CPL 0 in VMX non-root mode; configured instructions \
                 and events cause VM exits with an exit reason, and the VMM re-enters with VMRESUME."
            }
        }
    }

    /// Whether a VMM or hypervisor keeps a virtual CPU beside the real one.
    pub fn has_vmm(self) -> bool {
        self != Self::Native
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_and_match_the_scene_contract() {
        let slugs: Vec<_> = Mode::ALL.iter().map(|mode| mode.slug()).collect();
        assert_eq!(
            slugs,
            [
                "native",
                "trap-emulate",
                "binary-translation",
                "paravirt",
                "vt-x"
            ]
        );
        for mode in Mode::ALL {
            assert_eq!(Mode::from_slug(mode.slug()), Some(*mode));
            assert!(!mode.title().is_empty());
            assert!(!mode.description().is_empty());
        }
        assert_eq!(Mode::from_slug("vmx"), None);
    }
}
