//! The toy instruction set and its classification.
//!
//! The CPU tab teaches *why* some instructions defeat trap-and-emulate, so every instruction carries
//! the class that decides how each execution mode treats it. The classes follow Popek and Goldberg
//! (privileged instructions trap outside supervisor mode; sensitive ones depend on or change the
//! privileged state) and the x86 facts in `domain.md` section 1:
//! - `cli`/`sti`/`in`/`out` raise #GP when CPL > IOPL; `hlt` and the table/page-table loads raise #GP
//!   outside CPL 0.
//! - `popf` at CPL > IOPL raises no exception and leaves IF unchanged; `pushf` exposes the real IF;
//!   `sgdt` reveals the real descriptor-table base (on a CPU without UMIP; with CR4.UMIP = 1 it
//!   faults at CPL > 0). These are *critical*: sensitive but unprivileged.
//!
//! Toy simplification, stated to students: `iret` is privileged here, so that only `popf`, `pushf`
//! and `sgdt` are critical. Real x86 IRET is not privileged (see the Intel SDM).

use std::fmt;

use super::cpu::{EVT_MASK_ADDR, EVT_PENDING_ADDR};

/// A general-purpose register of the toy CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reg {
    /// Register 0; also the system-call number.
    R0,
    /// Register 1; first argument of system calls and hypercalls.
    R1,
    /// Register 2; second argument of system calls and hypercalls.
    R2,
    /// Register 3.
    R3,
}

impl Reg {
    /// Every register, in index order.
    pub const ALL: &[Self] = &[Self::R0, Self::R1, Self::R2, Self::R3];

    /// Index into the register file.
    pub fn index(self) -> usize {
        match self {
            Self::R0 => 0,
            Self::R1 => 1,
            Self::R2 => 2,
            Self::R3 => 3,
        }
    }

    /// This register's slot of a register file (in index order); the file is taken apart by a
    /// pattern, so no index can be out of range.
    pub fn slot<T>(self, file: &[T; 4]) -> &T {
        let [r0, r1, r2, r3] = file;
        match self {
            Self::R0 => r0,
            Self::R1 => r1,
            Self::R2 => r2,
            Self::R3 => r3,
        }
    }

    /// This register's slot, to change (see [`Reg::slot`]).
    pub fn slot_mut<T>(self, file: &mut [T; 4]) -> &mut T {
        let [r0, r1, r2, r3] = file;
        match self {
            Self::R0 => r0,
            Self::R1 => r1,
            Self::R2 => r2,
            Self::R3 => r3,
        }
    }

    /// Assembly name (`r0` ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::R0 => "r0",
            Self::R1 => "r1",
            Self::R2 => "r2",
            Self::R3 => "r3",
        }
    }

    /// Parses an assembly register name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|reg| reg.name() == name)
    }
}

/// A source operand: a register or an immediate value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// The value of a register.
    Reg(Reg),
    /// A constant.
    Imm(u32),
}

/// A memory operand, written `[...]` in assembly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addr {
    /// A fixed word address.
    Abs(u32),
    /// The word address held in a register.
    Reg(Reg),
}

/// Named memory addresses the assembler accepts inside `[...]`.
///
/// `EVT_MASK`/`EVT_PENDING` stand for `evtchn_upcall_mask`/`evtchn_upcall_pending` in Xen's shared
/// `vcpu_info` page (Xen public header `xen.h`): the paravirtual guest's interrupt flag lives there.
pub const MEMORY_SYMBOLS: &[(&str, u32)] = &[
    ("EVT_MASK", EVT_MASK_ADDR),
    ("EVT_PENDING", EVT_PENDING_ADDR),
];

/// An I/O port of the toy machine.
///
/// The numbers are borrowed from the PC (ATA primary data port 0x1F0, PIT channel 0 at 0x40), but the
/// devices behind them are toys: the disk records every byte written, the timer takes a delay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Port {
    /// The disk's data port: `out` appends the low byte of the value; `in` reads how many bytes it holds.
    Disk,
    /// The timer: `out` arms it to interrupt after that many more guest instructions.
    Timer,
}

impl Port {
    /// Every port.
    pub const ALL: &[Self] = &[Self::Disk, Self::Timer];

    /// Port number.
    pub fn number(self) -> u16 {
        match self {
            Self::Disk => 0x1F0,
            Self::Timer => 0x40,
        }
    }

    /// Assembly name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Disk => "DISK",
            Self::Timer => "TIMER",
        }
    }

    /// Parses a port name or number.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|port| {
            port.name() == text || parse_number(text) == Some(u32::from(port.number()))
        })
    }
}

/// A hypercall of the paravirtual guest kernel, each named after the Xen hypercall it stands for.
///
/// Arguments go in `r1` and `r2` (Xen's x86-32 ABI uses ebx, ecx, ...). The semantics are simplified;
/// [`Hypercall::xen_name`] names the real interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hypercall {
    /// Arms the guest's timer: an event after `r1` more guest instructions.
    SetTimer,
    /// Notifies the disk backend: write `r2` bytes starting at word address `r1`.
    EvtchnSend,
    /// Batched page-table update: `r2` new entry values, read from address `r1`, for entries 0.. of
    /// the current page table.
    MmuUpdate,
    /// Switches the page-table base to `r1` after the hypervisor validated the table.
    NewBaseptr,
    /// Blocks the virtual CPU until an event arrives (the idle loop's `hlt`).
    Block,
    /// Returns from the kernel through the hypervisor, popping the frame `iret` would pop.
    Iret,
    /// Registers the guest's descriptor table at `r1`.
    SetGdt,
    /// Registers the guest's interrupt table at `r1`.
    SetTrapTable,
}

impl Hypercall {
    /// Every hypercall.
    pub const ALL: &[Self] = &[
        Self::SetTimer,
        Self::EvtchnSend,
        Self::MmuUpdate,
        Self::NewBaseptr,
        Self::Block,
        Self::Iret,
        Self::SetGdt,
        Self::SetTrapTable,
    ];

    /// Assembly name (`hcall NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Self::SetTimer => "set_timer",
            Self::EvtchnSend => "evtchn_send",
            Self::MmuUpdate => "mmu_update",
            Self::NewBaseptr => "new_baseptr",
            Self::Block => "block",
            Self::Iret => "iret",
            Self::SetGdt => "set_gdt",
            Self::SetTrapTable => "set_trap_table",
        }
    }

    /// The Xen interface this toy hypercall stands for (Xen public headers).
    pub fn xen_name(self) -> &'static str {
        match self {
            Self::SetTimer => "HYPERVISOR_set_timer_op",
            Self::EvtchnSend => "HYPERVISOR_event_channel_op(EVTCHNOP_send)",
            Self::MmuUpdate => "HYPERVISOR_mmu_update",
            Self::NewBaseptr => "HYPERVISOR_mmuext_op(MMUEXT_NEW_BASEPTR)",
            Self::Block => "HYPERVISOR_sched_op(SCHEDOP_block)",
            Self::Iret => "HYPERVISOR_iret",
            Self::SetGdt => "HYPERVISOR_set_gdt",
            Self::SetTrapTable => "HYPERVISOR_set_trap_table",
        }
    }

    /// Parses an assembly name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|call| call.name() == name)
    }
}

/// A jump or call target: a label resolved to a line of the same listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The label as written.
    pub label: String,
    /// Instruction index the label names.
    pub line: usize,
}

/// How the execution modes must treat an instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstrClass {
    /// Runs the same at every privilege level: mov, add, load, store, jumps, calls.
    Ordinary,
    /// Raises #GP outside kernel mode (CPL 0, or CPL <= IOPL for cli/sti/in/out).
    Privileged,
    /// Sensitive but unprivileged ("critical"): behaves differently outside CPL 0 without trapping.
    Critical,
    /// Enters the kernel on purpose (application to guest kernel).
    Syscall,
    /// Enters the hypervisor on purpose (paravirtual guest kernel to hypervisor).
    Hypercall,
}

impl InstrClass {
    /// Short stable id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Ordinary => "ordinary",
            Self::Privileged => "privileged",
            Self::Critical => "critical",
            Self::Syscall => "syscall",
            Self::Hypercall => "hypercall",
        }
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Ordinary => "Ordinary",
            Self::Privileged => "Privileged (traps outside kernel mode)",
            Self::Critical => "Critical (sensitive but unprivileged)",
            Self::Syscall => "System call",
            Self::Hypercall => "Hypercall",
        }
    }
}

/// Popek and Goldberg's sensitivity of an instruction ("Formal Requirements for Virtualizable
/// Third Generation Architectures", CACM 1974; domain.md section 1): *control-sensitive*
/// instructions change the machine's resource configuration (the processor mode, the
/// interrupt flag, the relocation and table registers, devices); *behaviour-sensitive* ones
/// give a result that depends on that configuration (the mode, or where memory really is).
/// Everything else is innocuous.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitivity {
    /// Neither: runs the same anywhere, so it may run directly on the CPU.
    Innocuous,
    /// Changes the resource configuration.
    Control,
    /// Its result depends on the resource configuration.
    Behaviour,
    /// Both (popf changes IF, and whether it does depends on CPL).
    ControlAndBehaviour,
}

impl Sensitivity {
    /// Whether the instruction is sensitive at all.
    pub fn is_sensitive(self) -> bool {
        self != Self::Innocuous
    }

    /// The class's name.
    pub fn title(self) -> &'static str {
        match self {
            Self::Innocuous => "no, innocuous",
            Self::Control => "control-sensitive",
            Self::Behaviour => "behaviour-sensitive",
            Self::ControlAndBehaviour => "control- and behaviour-sensitive",
        }
    }
}

/// One instruction of the toy ISA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Instr {
    /// `mov rD, src`.
    Mov(Reg, Operand),
    /// `add rD, src` (wrapping).
    Add(Reg, Operand),
    /// `sub rD, src` (wrapping).
    Sub(Reg, Operand),
    /// `load rD, [addr]`.
    Load(Reg, Addr),
    /// `store [addr], rS`.
    Store(Addr, Reg),
    /// `push rS`.
    Push(Reg),
    /// `pop rD`.
    Pop(Reg),
    /// `jmp label`.
    Jmp(Target),
    /// `jz rS, label`: jump if the register is zero.
    Jz(Reg, Target),
    /// `jnz rS, label`: jump if the register is not zero.
    Jnz(Reg, Target),
    /// `call label`: push the return address and jump.
    Call(Target),
    /// `ret`: pop the return address.
    Ret,
    /// `nop`.
    Nop,
    /// `cli`: clear IF. #GP if CPL > IOPL.
    Cli,
    /// `sti`: set IF. #GP if CPL > IOPL.
    Sti,
    /// `in rD, port`. #GP if CPL > IOPL.
    In(Reg, Port),
    /// `out port, rS`. #GP if CPL > IOPL.
    Out(Port, Reg),
    /// `hlt`: wait for an interrupt. #GP outside CPL 0.
    Hlt,
    /// `lpt rS`: load the page-table base register (like `mov cr3`). #GP outside CPL 0.
    Lpt(Reg),
    /// `lidt rS`: load the interrupt-table register. #GP outside CPL 0.
    Lidt(Reg),
    /// `lgdt rS`: load the descriptor-table register. #GP outside CPL 0.
    Lgdt(Reg),
    /// `iret`: pop pc, flags and CPL from the stack. Privileged in this toy ISA.
    Iret,
    /// `pushf`: push the flags word (real IF and IOPL). Never faults.
    Pushf,
    /// `popf`: pop the flags word; IF changes only if CPL <= IOPL, IOPL only at CPL 0. Never faults.
    Popf,
    /// `sgdt rD`: store the descriptor-table base register. Never faults on a CPU without UMIP;
    /// with CR4.UMIP = 1 it raises #GP at CPL > 0 (Intel SDM; handled in `exec`).
    Sgdt(Reg),
    /// `syscall`: enter the kernel at `sys_entry`, pushing a return frame (like x86-32 `int 0x80`).
    Syscall,
    /// `hcall name`: call the hypervisor.
    Hcall(Hypercall),
}

impl Instr {
    /// How execution modes must treat this instruction.
    pub fn class(&self) -> InstrClass {
        match self {
            Self::Cli
            | Self::Sti
            | Self::In(..)
            | Self::Out(..)
            | Self::Hlt
            | Self::Lpt(_)
            | Self::Lidt(_)
            | Self::Lgdt(_)
            | Self::Iret => InstrClass::Privileged,
            Self::Pushf | Self::Popf | Self::Sgdt(_) => InstrClass::Critical,
            Self::Syscall => InstrClass::Syscall,
            Self::Hcall(_) => InstrClass::Hypercall,
            _ => InstrClass::Ordinary,
        }
    }

    /// Whether CR4.UMIP makes the instruction fault outside ring 0: SGDT, SIDT, SLDT, SMSW and STR
    /// raise #GP at CPL > 0 with UMIP set (Intel SDM; domain.md section 1). Of those the toy ISA
    /// has SGDT. POPF is not among them: UMIP does not fix its silent IF.
    pub fn umip_protected(&self) -> bool {
        matches!(self, Self::Sgdt(_))
    }

    /// Popek and Goldberg's class of the instruction (see [`Sensitivity`]), with what makes it so.
    pub fn sensitivity(&self) -> (Sensitivity, &'static str) {
        match self {
            Self::Lpt(_) => (
                Sensitivity::Control,
                "it loads the page-table base, the relocation register",
            ),
            Self::Lidt(_) | Self::Lgdt(_) => (Sensitivity::Control, "it loads a table register"),
            Self::Cli | Self::Sti => (Sensitivity::Control, "it changes the interrupt flag"),
            Self::In(..) | Self::Out(..) => (Sensitivity::Control, "it drives a device"),
            Self::Hlt => (Sensitivity::Control, "it stops the processor"),
            Self::Iret | Self::Syscall | Self::Hcall(_) => {
                (Sensitivity::Control, "it changes the privilege level")
            }
            Self::Popf => (
                Sensitivity::ControlAndBehaviour,
                "it changes IF, but only when CPL <= IOPL",
            ),
            Self::Pushf => (Sensitivity::Behaviour, "it reveals the real IF and IOPL"),
            Self::Sgdt(_) => (
                Sensitivity::Behaviour,
                "it reads the real descriptor-table register",
            ),
            _ => (
                Sensitivity::Innocuous,
                "it works on registers and memory only",
            ),
        }
    }

    /// Whether the privilege check is against IOPL (true) rather than CPL 0 (false).
    pub fn iopl_sensitive(&self) -> bool {
        matches!(self, Self::Cli | Self::Sti | Self::In(..) | Self::Out(..))
    }

    /// Whether the instruction ends a basic block (a binary translator's translation unit).
    pub fn ends_block(&self) -> bool {
        matches!(
            self,
            Self::Jmp(_)
                | Self::Jz(..)
                | Self::Jnz(..)
                | Self::Call(_)
                | Self::Ret
                | Self::Iret
                | Self::Hlt
                | Self::Syscall
                | Self::Hcall(_)
        )
    }

    /// The address a `store` writes to, given the register file.
    pub fn store_address(&self, regs: &[u32; 4]) -> Option<u32> {
        match self {
            Self::Store(Addr::Abs(addr), _) => Some(*addr),
            Self::Store(Addr::Reg(reg), _) => Some(*reg.slot(regs)),
            _ => None,
        }
    }

    /// Mnemonic, also the slug of a step that executes this instruction.
    pub fn mnemonic(&self) -> &'static str {
        match self {
            Self::Mov(..) => "mov",
            Self::Add(..) => "add",
            Self::Sub(..) => "sub",
            Self::Load(..) => "load",
            Self::Store(..) => "store",
            Self::Push(_) => "push",
            Self::Pop(_) => "pop",
            Self::Jmp(_) => "jmp",
            Self::Jz(..) => "jz",
            Self::Jnz(..) => "jnz",
            Self::Call(_) => "call",
            Self::Ret => "ret",
            Self::Nop => "nop",
            Self::Cli => "cli",
            Self::Sti => "sti",
            Self::In(..) => "in",
            Self::Out(..) => "out",
            Self::Hlt => "hlt",
            Self::Lpt(_) => "lpt",
            Self::Lidt(_) => "lidt",
            Self::Lgdt(_) => "lgdt",
            Self::Iret => "iret",
            Self::Pushf => "pushf",
            Self::Popf => "popf",
            Self::Sgdt(_) => "sgdt",
            Self::Syscall => "syscall",
            Self::Hcall(_) => "hcall",
        }
    }
}

/// Parses a decimal or `0x` hexadecimal number.
pub fn parse_number(text: &str) -> Option<u32> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// Formats a constant the way the listings write it: small values in decimal, others in hex.
pub fn format_number(value: u32) -> String {
    if value < 10 {
        value.to_string()
    } else {
        format!("{value:#x}")
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Reg(reg) => f.write_str(reg.name()),
            Self::Imm(value) => f.write_str(&format_number(*value)),
        }
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Reg(reg) => write!(f, "[{}]", reg.name()),
            Self::Abs(addr) => match MEMORY_SYMBOLS.iter().find(|(_, value)| value == addr) {
                Some((name, _)) => write!(f, "[{name}]"),
                None => write!(f, "[{}]", format_number(*addr)),
            },
        }
    }
}

impl fmt::Display for Instr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = self.mnemonic();
        match self {
            Self::Mov(reg, src) | Self::Add(reg, src) | Self::Sub(reg, src) => {
                write!(f, "{op} {}, {src}", reg.name())
            }
            Self::Load(reg, addr) => write!(f, "{op} {}, {addr}", reg.name()),
            Self::Store(addr, reg) => write!(f, "{op} {addr}, {}", reg.name()),
            Self::Push(reg)
            | Self::Pop(reg)
            | Self::Lpt(reg)
            | Self::Lidt(reg)
            | Self::Lgdt(reg)
            | Self::Sgdt(reg) => write!(f, "{op} {}", reg.name()),
            Self::Jmp(target) | Self::Call(target) => write!(f, "{op} {}", target.label),
            Self::Jz(reg, target) | Self::Jnz(reg, target) => {
                write!(f, "{op} {}, {}", reg.name(), target.label)
            }
            Self::In(reg, port) => write!(f, "{op} {}, {}", reg.name(), port.name()),
            Self::Out(port, reg) => write!(f, "{op} {}, {}", port.name(), reg.name()),
            Self::Hcall(call) => write!(f, "{op} {}", call.name()),
            Self::Ret
            | Self::Nop
            | Self::Cli
            | Self::Sti
            | Self::Hlt
            | Self::Iret
            | Self::Pushf
            | Self::Popf
            | Self::Syscall => f.write_str(op),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_the_sdm_facts_in_domain_md() {
        // CLI/STI fault at CPL > IOPL; POPF/PUSHF never fault, SGDT not without UMIP (domain.md
        // section 1, [V] SDM).
        assert_eq!(Instr::Cli.class(), InstrClass::Privileged);
        assert_eq!(Instr::Sti.class(), InstrClass::Privileged);
        assert!(Instr::Cli.iopl_sensitive());
        assert_eq!(Instr::Popf.class(), InstrClass::Critical);
        assert_eq!(Instr::Pushf.class(), InstrClass::Critical);
        assert_eq!(Instr::Sgdt(Reg::R0).class(), InstrClass::Critical);
        assert_eq!(Instr::Hlt.class(), InstrClass::Privileged);
        assert!(!Instr::Hlt.iopl_sensitive());
        assert_eq!(
            Instr::Mov(Reg::R0, Operand::Imm(1)).class(),
            InstrClass::Ordinary
        );
    }

    /// Popek and Goldberg (CACM 1974): a critical instruction is one that is sensitive but not
    /// privileged; privileged ones are all sensitive here, and ordinary ones innocuous.
    #[test]
    fn critical_means_sensitive_but_not_privileged() {
        let samples = [
            Instr::Mov(Reg::R0, Operand::Imm(1)),
            Instr::Add(Reg::R0, Operand::Imm(1)),
            Instr::Load(Reg::R0, Addr::Abs(0x20)),
            Instr::Cli,
            Instr::Sti,
            Instr::Hlt,
            Instr::Out(Port::Disk, Reg::R3),
            Instr::Lgdt(Reg::R1),
            Instr::Lpt(Reg::R1),
            Instr::Iret,
            Instr::Pushf,
            Instr::Popf,
            Instr::Sgdt(Reg::R2),
        ];
        for instr in samples {
            let (sensitivity, why) = instr.sensitivity();
            assert!(!why.is_empty());
            match instr.class() {
                InstrClass::Critical => assert!(sensitivity.is_sensitive(), "{instr}"),
                InstrClass::Privileged => assert!(sensitivity.is_sensitive(), "{instr}"),
                InstrClass::Ordinary => {
                    assert_eq!(sensitivity, Sensitivity::Innocuous, "{instr}");
                }
                _ => {}
            }
        }
        assert_eq!(Instr::Sgdt(Reg::R2).sensitivity().0, Sensitivity::Behaviour);
        assert_eq!(Instr::Lgdt(Reg::R1).sensitivity().0, Sensitivity::Control);
        assert_eq!(
            Instr::Popf.sensitivity().0,
            Sensitivity::ControlAndBehaviour
        );
    }

    #[test]
    fn names_round_trip() {
        for reg in Reg::ALL {
            assert_eq!(Reg::from_name(reg.name()), Some(*reg));
        }
        for port in Port::ALL {
            assert_eq!(Port::parse(port.name()), Some(*port));
            assert_eq!(Port::parse(&format!("{:#x}", port.number())), Some(*port));
        }
        for call in Hypercall::ALL {
            assert_eq!(Hypercall::from_name(call.name()), Some(*call));
        }
    }

    #[test]
    fn numbers_parse_in_both_radixes() {
        assert_eq!(parse_number("42"), Some(42));
        assert_eq!(parse_number("0x2a"), Some(42));
        assert_eq!(parse_number("0xzz"), None);
        assert_eq!(format_number(9), "9");
        assert_eq!(format_number(0x40), "0x40");
    }

    #[test]
    fn display_uses_memory_symbols() {
        let store = Instr::Store(Addr::Abs(EVT_MASK_ADDR), Reg::R0);
        assert_eq!(store.to_string(), "store [EVT_MASK], r0");
        assert_eq!(Instr::Out(Port::Disk, Reg::R3).to_string(), "out DISK, r3");
    }
}
