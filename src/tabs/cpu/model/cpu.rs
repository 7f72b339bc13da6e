//! The toy CPU's architectural state and memory map.
//!
//! The same [`CpuState`] describes the *real* CPU and the *virtual* CPU that a VMM keeps for its
//! guest, because the whole lesson is the gap between the two: a deprivileged guest kernel runs with
//! real CPL 1 and real IF 1 while believing it has CPL 0 and IF 0.

/// Words of guest memory (one word = 32 bits; addresses count words).
pub const MEMORY_WORDS: usize = 128;

/// Initial stack pointer: the stack grows down from the top of memory.
pub const STACK_TOP: u32 = 0x80;

/// Lowest word the stack may use; pushing below it is a stack overflow.
pub const STACK_LIMIT: u32 = 0x60;

/// Where the paravirtual guest's event mask lives (Xen's `evtchn_upcall_mask`): 1 = events masked.
pub const EVT_MASK_ADDR: u32 = 0x30;

/// Where the hypervisor records an event that arrived while masked (Xen's `evtchn_upcall_pending`).
pub const EVT_PENDING_ADDR: u32 = 0x31;

/// Entries in one toy page table, starting at the page-table base.
pub const PAGE_TABLE_ENTRIES: u32 = 4;

/// The VMM's own descriptor-table base, loaded in the real register while a guest runs deprivileged.
/// An arbitrary toy value, chosen to look nothing like a guest's.
pub const HOST_GDT_BASE: u32 = 0xFFC0_0000;

/// The VMM's own interrupt-table base (toy value).
pub const HOST_IDT_BASE: u32 = 0xFFC0_1000;

/// Where a VMM keeps the shadow page table it builds from the guest's (toy value).
pub const SHADOW_PT_BASE: u32 = 0xFFC0_2000;

/// The IF bit of the flags word (bit 9, as in x86 EFLAGS).
pub const FLAG_IF: u32 = 1 << 9;

/// Shift of the two-bit IOPL field in the flags word (bits 12-13, as in x86 EFLAGS).
pub const IOPL_SHIFT: u32 = 12;

/// Tag bit that marks a kernel code address in return frames.
const KERNEL_CODE_TAG: u32 = 0x1000;

/// Which listing a code address points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Space {
    /// The guest application.
    App,
    /// The guest kernel (the modified one under paravirtualization).
    Kernel,
}

/// A code address: a line of the application or kernel listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CodeAddr {
    /// The listing.
    pub space: Space,
    /// Instruction index in that listing.
    pub line: usize,
}

impl CodeAddr {
    /// The following instruction.
    pub fn next(self) -> Self {
        Self {
            space: self.space,
            line: self.line + 1,
        }
    }

    /// Another line of the same listing.
    pub fn with_line(self, line: usize) -> Self {
        Self {
            space: self.space,
            line,
        }
    }

    /// The word pushed in return frames.
    pub fn encode(self) -> u32 {
        // Listings are a few dozen lines, far below the tag bit.
        let line = u32::try_from(self.line).unwrap_or(KERNEL_CODE_TAG - 1);
        match self.space {
            Space::App => line,
            Space::Kernel => KERNEL_CODE_TAG | line,
        }
    }

    /// Decodes a word from a return frame.
    pub fn decode(word: u32) -> Self {
        let line = (word & !KERNEL_CODE_TAG) as usize;
        let space = if word & KERNEL_CODE_TAG == 0 {
            Space::App
        } else {
            Space::Kernel
        };
        Self { space, line }
    }
}

/// The register file the guest sees (the same physical registers while the guest runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Registers {
    /// r0..r3.
    pub general: [u32; 4],
    /// Stack pointer (a word address).
    pub sp: u32,
}

/// Privilege-relevant CPU state: what differs between the real CPU and the guest's virtual CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CpuState {
    /// Current privilege level, 0 (kernel) to 3 (user).
    pub cpl: u8,
    /// Interrupt flag: maskable interrupts are delivered only when set.
    pub if_flag: bool,
    /// I/O privilege level: cli/sti/in/out and popf's IF update need CPL <= IOPL.
    pub iopl: u8,
    /// Page-table base register (like CR3).
    pub ptbr: u32,
    /// Interrupt-table register (like IDTR's base).
    pub idtr: u32,
    /// Descriptor-table register (like GDTR's base).
    pub gdtr: u32,
}

impl CpuState {
    /// The flags word `pushf` pushes.
    pub fn flags_word(&self) -> u32 {
        let if_bit = if self.if_flag { FLAG_IF } else { 0 };
        if_bit | (u32::from(self.iopl & 3) << IOPL_SHIFT)
    }
}

/// Reads IF from a flags word.
pub fn flags_if(word: u32) -> bool {
    word & FLAG_IF != 0
}

/// Reads IOPL from a flags word.
pub fn flags_iopl(word: u32) -> u8 {
    // Masked to two bits, so the cast cannot truncate.
    ((word >> IOPL_SHIFT) & 3) as u8
}

/// VT-x operating mode of the real CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VmxMode {
    /// No VMX operation (every mode but VT-x).
    Off,
    /// VMX root operation: the VMM runs.
    Root,
    /// VMX non-root operation: the guest runs, with its own rings 0-3.
    NonRoot,
}

impl VmxMode {
    /// Short stable id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Root => "root",
            Self::NonRoot => "non-root",
        }
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Off => "VMX off",
            Self::Root => "VMX root",
            Self::NonRoot => "VMX non-root",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn flags_word_uses_the_x86_bit_positions() {
        let state = CpuState {
            if_flag: true,
            iopl: 3,
            ..CpuState::default()
        };
        assert_eq!(state.flags_word(), 0x200 | 0x3000);
        assert!(flags_if(state.flags_word()));
        assert_eq!(flags_iopl(state.flags_word()), 3);
    }

    proptest! {
        #[test]
        fn code_addresses_round_trip(line in 0usize..0x1000, kernel in any::<bool>()) {
            let space = if kernel { Space::Kernel } else { Space::App };
            let addr = CodeAddr { space, line };
            prop_assert_eq!(CodeAddr::decode(addr.encode()), addr);
        }
    }
}
