//! What the VMM or hypervisor runs when it gets control, shown as short pseudo-code listings.
//!
//! A step in the VMM lane points at a line of one of these routines, so the student sees *which part*
//! of the VMM's work a step is: the trap entry, the emulation on the virtual CPU, the return.
//! VT-x exit reasons use the basic exit-reason numbers of the Intel SDM (Appendix C), with the names
//! Linux uses in `arch/x86/include/uapi/asm/vmx.h`.

/// A routine of the VMM or hypervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VmmRoutine {
    /// Trap-and-emulate's fault handler (also used for page-table write faults in other modes).
    TrapHandler,
    /// Forwarding a system call or fault that entered the VMM into the guest kernel.
    Reflect,
    /// Taking a physical interrupt and turning it into a virtual one.
    Interrupt,
    /// Binary translation's translator and translation-cache lookup.
    Translator,
    /// Binary translation's callout, entered from translated code.
    Callout,
    /// The paravirtual hypervisor's hypercall handler.
    Hypercall,
    /// The VT-x VMM's exit handler.
    ExitHandler,
}

impl VmmRoutine {
    /// Every routine.
    pub const ALL: &[Self] = &[
        Self::TrapHandler,
        Self::Reflect,
        Self::Interrupt,
        Self::Translator,
        Self::Callout,
        Self::Hypercall,
        Self::ExitHandler,
    ];

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::TrapHandler => "VMM trap handler",
            Self::Reflect => "VMM reflection to the guest kernel",
            Self::Interrupt => "VMM interrupt handler",
            Self::Translator => "Binary translator",
            Self::Callout => "VMM callout from translated code",
            Self::Hypercall => "Hypervisor hypercall handler",
            Self::ExitHandler => "VMM VM-exit handler",
        }
    }

    /// The routine's pseudo-code, one line per entry.
    pub fn lines(self) -> &'static [&'static str] {
        match self {
            Self::TrapHandler => &[
                "fault entry (#GP or #PF): save the guest's registers",
                "decode the guest instruction at the faulting PC",
                "emulate it on the virtual CPU and virtual devices",
                "advance the guest PC; return to the deprivileged guest",
            ],
            Self::Reflect => &[
                "entry from the guest: save its registers",
                "push a frame on the guest's stack with its virtual flags and CPL",
                "continue in the guest kernel's handler at virtual CPL 0",
            ],
            Self::Interrupt => &[
                "take the physical timer interrupt",
                "virtual IF = 1: inject a virtual interrupt into the guest's handler",
                "virtual IF = 0: mark it pending and resume the guest",
            ],
            Self::Translator => &[
                "look up the guest PC in the translation cache",
                "miss: decode the guest basic block up to its next jump",
                "copy ordinary instructions; rewrite privileged and sensitive ones",
                "store the block in the cache and jump to it",
            ],
            Self::Callout => &[
                "entered from translated code with the guest instruction's operands",
                "emulate the instruction on the virtual CPU and virtual devices",
                "return into the translation cache",
            ],
            Self::Hypercall => &[
                "hypercall entry (int 0x82 on x86-32 Xen)",
                "validate the arguments",
                "perform the operation for the guest",
                "return to the guest kernel",
            ],
            Self::ExitHandler => &[
                "VM exit: the CPU saved guest state in the VMCS and loaded host state",
                "read the exit reason from the VMCS",
                "emulate or handle the cause",
                "VMRESUME: VM entry loads the guest state again",
            ],
        }
    }
}

/// A VT-x basic exit reason (Intel SDM Appendix C).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExitReason {
    /// An exception selected by the exception bitmap, here a page fault on a write-protected
    /// guest page table (shadow paging).
    ExceptionNmi,
    /// A physical interrupt arrived while the guest ran ("external-interrupt exiting").
    ExternalInterrupt,
    /// The guest became ready to take interrupts ("interrupt-window exiting").
    InterruptWindow,
    /// The guest executed HLT ("HLT exiting").
    Hlt,
    /// The guest loaded CR3 ("CR3-load exiting", needed for shadow page tables).
    CrAccess,
    /// The guest executed IN or OUT ("unconditional I/O exiting").
    IoInstruction,
}

impl ExitReason {
    /// Every exit reason the model uses.
    pub const ALL: &[Self] = &[
        Self::ExceptionNmi,
        Self::ExternalInterrupt,
        Self::InterruptWindow,
        Self::Hlt,
        Self::CrAccess,
        Self::IoInstruction,
    ];

    /// The basic exit-reason number.
    pub fn number(self) -> u16 {
        match self {
            Self::ExceptionNmi => 0,
            Self::ExternalInterrupt => 1,
            Self::InterruptWindow => 7,
            Self::Hlt => 12,
            Self::CrAccess => 28,
            Self::IoInstruction => 30,
        }
    }

    /// The name as Linux's `EXIT_REASON_*` constants spell it, without the prefix.
    pub fn name(self) -> &'static str {
        match self {
            Self::ExceptionNmi => "EXCEPTION_NMI",
            Self::ExternalInterrupt => "EXTERNAL_INTERRUPT",
            Self::InterruptWindow => "INTERRUPT_WINDOW",
            Self::Hlt => "HLT",
            Self::CrAccess => "CR_ACCESS",
            Self::IoInstruction => "IO_INSTRUCTION",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routines_have_pseudo_code() {
        for routine in VmmRoutine::ALL {
            assert!(routine.lines().len() >= 3, "{}", routine.title());
        }
    }

    #[test]
    fn exit_reason_numbers_are_distinct() {
        let mut numbers: Vec<_> = ExitReason::ALL.iter().map(|r| r.number()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), ExitReason::ALL.len());
        assert_eq!(ExitReason::IoInstruction.number(), 30);
        assert_eq!(ExitReason::Hlt.number(), 12);
    }
}
