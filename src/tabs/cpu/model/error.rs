//! Errors of the CPU model: assembling a listing and running a program.
//!
//! The presets are known to assemble and finish (their tests say so), so these errors reach a user only
//! through custom programs or a changed preset; each message names what went wrong and where.

use thiserror::Error;

/// A listing could not be assembled.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AsmError {
    /// The mnemonic is not part of the toy ISA.
    #[error("line {line}: unknown mnemonic {mnemonic:?}")]
    UnknownMnemonic {
        /// 1-based source line.
        line: usize,
        /// What was written.
        mnemonic: String,
    },
    /// An operand is missing, extra or malformed.
    #[error("line {line}: bad operands {operands:?} for {mnemonic:?}")]
    BadOperands {
        /// 1-based source line.
        line: usize,
        /// The instruction's mnemonic.
        mnemonic: String,
        /// The operand text as written.
        operands: String,
    },
    /// A jump or call names a label the listing does not define.
    #[error("line {line}: unknown label {label:?}")]
    UnknownLabel {
        /// 1-based source line.
        line: usize,
        /// The label.
        label: String,
    },
    /// The same label is defined twice.
    #[error("line {line}: label {label:?} is defined twice")]
    DuplicateLabel {
        /// 1-based source line of the second definition.
        line: usize,
        /// The label.
        label: String,
    },
    /// A label is not followed by an instruction on its line.
    #[error("line {line}: label {label:?} must be followed by an instruction on the same line")]
    LabelWithoutInstruction {
        /// 1-based source line.
        line: usize,
        /// The label.
        label: String,
    },
    /// The listing has no instructions.
    #[error("the listing has no instructions")]
    Empty,
}

/// A program could not be run to completion.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RunError {
    /// A preset's or custom listing failed to assemble.
    #[error("assembling the program failed: {0}")]
    Asm(#[from] AsmError),
    /// The run took more steps than the guard allows (an endless loop).
    #[error("the program did not finish within {limit} steps")]
    StepLimit {
        /// The guard.
        limit: usize,
    },
    /// A load, store or stack access outside memory.
    #[error("memory address {addr:#x} is outside the {words}-word memory")]
    BadAddress {
        /// The word address.
        addr: u32,
        /// Memory size in words.
        words: usize,
    },
    /// A push went below the stack limit.
    #[error("stack overflow: the stack pointer reached {sp:#x}")]
    StackOverflow {
        /// The stack pointer.
        sp: u32,
    },
    /// Execution ran past the end of a listing.
    #[error("execution ran off the end of the {listing} listing at line {line}")]
    PcOutOfRange {
        /// "application" or "kernel".
        listing: &'static str,
        /// The instruction index.
        line: usize,
    },
    /// An event needs a kernel handler label that the kernel does not define.
    #[error("the guest kernel has no {label:?} label to handle {event}")]
    MissingHandler {
        /// The label looked for.
        label: &'static str,
        /// What needed it.
        event: &'static str,
    },
    /// A hypercall outside paravirtualization, where there is no hypervisor interface.
    #[error(
        "hypercall {call:?} in mode {mode:?}: only a paravirtualized guest can call the hypervisor"
    )]
    HypercallWithoutHypervisor {
        /// The hypercall's name.
        call: &'static str,
        /// The mode's slug.
        mode: &'static str,
    },
    /// A system call issued from kernel code.
    #[error("syscall from kernel mode is not supported by the toy machine")]
    SyscallFromKernel,
}
