//! What the real CPU does with one instruction at its current privilege: run it, fault, or exit.
//!
//! This is the hardware's half of every mode. The checks come in the order the lesson needs:
//! in VMX non-root mode, configured instructions exit first; then privileged instructions fault if
//! the real CPL is too high; then writes to a write-protected page table fault. Critical instructions
//! do not fault (`sgdt` only on a CPU without UMIP), so they run here against the *real* state,
//! which is exactly the Popek-Goldberg problem: `popf` at CPL 1 quietly keeps IF, `pushf` shows the
//! real IF, `sgdt` shows the host's table.

use super::cpu::{
    CodeAddr, CpuState, EVT_MASK_ADDR, PAGE_TABLE_ENTRIES, Space, VmxMode, flags_if, flags_iopl,
};
use super::error::RunError;
use super::hw::describe_byte;
use super::isa::{Hypercall, Instr, InstrClass};
use super::machine::Machine;
use super::modes::Mode;
use super::vmm::ExitReason;

/// A fault the real CPU raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FaultKind {
    /// #GP: a privileged instruction above its privilege level.
    GeneralProtection,
    /// #PF: a write to a write-protected page (a guest page table the VMM shadows).
    PageFault,
}

/// The hardware's outcome of one instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hw {
    /// It ran; the program counter points at the next instruction.
    Retired,
    /// `hlt` ran; the CPU waits for an interrupt.
    Halt,
    /// It faulted; nothing changed.
    Fault(FaultKind),
    /// A system call was requested; nothing changed yet.
    Syscall,
    /// A hypercall was requested; nothing changed yet.
    Hypercall(Hypercall),
    /// VMX non-root mode: a VM exit with this reason; nothing changed.
    Exit(ExitReason),
}

impl Machine<'_> {
    /// Executes an instruction on the real CPU.
    pub(super) fn hw_exec(&mut self, instr: &Instr) -> Result<Hw, RunError> {
        let non_root = self.vmx == VmxMode::NonRoot;
        if non_root && let Some(reason) = configured_exit(instr) {
            return Ok(Hw::Exit(reason));
        }
        if !privilege_allows(instr, &self.real) || umip_blocks(instr, &self.real, self.umip) {
            return Ok(Hw::Fault(FaultKind::GeneralProtection));
        }
        if let Some(addr) = instr.store_address(&self.regs.general)
            && self.write_protected(addr)
        {
            return Ok(if non_root {
                Hw::Exit(ExitReason::ExceptionNmi)
            } else {
                Hw::Fault(FaultKind::PageFault)
            });
        }
        let next = self.pc.next();
        match instr {
            Instr::Cli => self.real.if_flag = false,
            Instr::Sti => self.real.if_flag = true,
            Instr::In(reg, port) => self.set_reg(*reg, self.device_in(*port)),
            Instr::Out(port, reg) => {
                self.device_out(*port, self.reg(*reg));
            }
            Instr::Hlt => {
                self.pc = next;
                return Ok(Hw::Halt);
            }
            Instr::Lpt(reg) => self.real.ptbr = self.reg(*reg),
            Instr::Lidt(reg) => self.real.idtr = self.reg(*reg),
            Instr::Lgdt(reg) => self.real.gdtr = self.reg(*reg),
            Instr::Iret => {
                let (ret, flags, cpl) = self.pop_frame()?;
                self.real.if_flag = flags_if(flags);
                self.real.iopl = flags_iopl(flags);
                self.real.cpl = cpl;
                self.pc = ret;
                return Ok(Hw::Retired);
            }
            Instr::Pushf => self.push(self.real.flags_word())?,
            Instr::Popf => {
                let word = self.pop()?;
                if self.real.cpl <= self.real.iopl {
                    self.real.if_flag = flags_if(word);
                }
                if self.real.cpl == 0 {
                    self.real.iopl = flags_iopl(word);
                }
            }
            Instr::Sgdt(reg) => self.set_reg(*reg, self.real.gdtr),
            Instr::Syscall => return Ok(Hw::Syscall),
            Instr::Hcall(call) => return Ok(Hw::Hypercall(*call)),
            ordinary => {
                self.exec_ordinary(ordinary)?;
                return Ok(Hw::Retired);
            }
        }
        self.pc = next;
        Ok(Hw::Retired)
    }

    /// Runs an ordinary instruction (same at every privilege level) and moves the program counter.
    pub(super) fn exec_ordinary(&mut self, instr: &Instr) -> Result<(), RunError> {
        let next = self.pc.next();
        let mut target = next;
        match instr {
            Instr::Mov(reg, src) => self.set_reg(*reg, self.operand(*src)),
            Instr::Add(reg, src) => {
                self.set_reg(*reg, self.reg(*reg).wrapping_add(self.operand(*src)))
            }
            Instr::Sub(reg, src) => {
                self.set_reg(*reg, self.reg(*reg).wrapping_sub(self.operand(*src)))
            }
            Instr::Load(reg, addr) => {
                let value = self.load(self.address(*addr))?;
                self.set_reg(*reg, value);
            }
            Instr::Store(addr, reg) => self.store(self.address(*addr), self.reg(*reg))?,
            Instr::Push(reg) => self.push(self.reg(*reg))?,
            Instr::Pop(reg) => {
                let value = self.pop()?;
                self.set_reg(*reg, value);
            }
            Instr::Jmp(to) => target = self.pc.with_line(to.line),
            Instr::Jz(reg, to) if self.reg(*reg) == 0 => target = self.pc.with_line(to.line),
            Instr::Jnz(reg, to) if self.reg(*reg) != 0 => target = self.pc.with_line(to.line),
            Instr::Call(to) => {
                self.push(next.encode())?;
                target = self.pc.with_line(to.line);
            }
            Instr::Ret => target = CodeAddr::decode(self.pop()?),
            _ => {}
        }
        self.pc = target;
        Ok(())
    }

    /// Whether a store to `addr` hits a guest page table the VMM write-protects (shadow paging;
    /// under Xen the guest's page tables are mapped read-only too).
    pub(super) fn write_protected(&self, addr: u32) -> bool {
        let base = self.virt.ptbr;
        self.mode != Mode::Native
            && base != 0
            && addr >= base
            && addr < base.saturating_add(PAGE_TABLE_ENTRIES)
    }

    /// The sentence for an instruction the real CPU ran directly.
    pub(super) fn direct_label(
        &self,
        instr: &Instr,
        at: CodeAddr,
        before: &CpuState,
        before_virt: &CpuState,
    ) -> String {
        let who = match at.space {
            Space::App => "The application",
            Space::Kernel => "The guest kernel",
        };
        let place = match (self.mode, at.space) {
            (Mode::Native, _) => format!("at CPL {}", before.cpl),
            (Mode::VtX, _) => format!("natively in VMX non-root mode at its CPL {}", before.cpl),
            (_, Space::Kernel) => format!("directly at real CPL {} (deprivileged)", before.cpl),
            (_, Space::App) => "directly at CPL 3".to_string(),
        };
        let vmm = self.mode.has_vmm() && self.mode != Mode::VtX;
        match instr {
            Instr::Popf if before.cpl > before.iopl && vmm && at.space == Space::Kernel => format!(
                "popf at CPL {} > IOPL {} raises no exception and silently leaves IF unchanged: \
                 the VMM never sees the guest re-enable interrupts, so its virtual IF stays {}.",
                before.cpl,
                before.iopl,
                u8::from(before_virt.if_flag)
            ),
            Instr::Popf if before.cpl > before.iopl => format!(
                "popf at CPL {} > IOPL {} raises no exception and leaves IF unchanged.",
                before.cpl, before.iopl
            ),
            Instr::Popf => format!(
                "{who} runs popf {place}: IF is restored to {}{}.",
                u8::from(self.real.if_flag),
                if self.mode == Mode::VtX {
                    ", and no VM exit is needed"
                } else {
                    ""
                }
            ),
            Instr::Pushf if vmm && before.if_flag != before_virt.if_flag => format!(
                "pushf is not privileged: it pushes the real flags (IF = {}), not the guest's \
                 virtual IF = {}.",
                u8::from(before.if_flag),
                u8::from(before_virt.if_flag)
            ),
            Instr::Pushf => format!(
                "{who} runs pushf {place}, saving the flags (IF = {}).",
                u8::from(before.if_flag)
            ),
            Instr::Sgdt(_) if vmm && before.gdtr != before_virt.gdtr => format!(
                "sgdt is not privileged and, without UMIP, does not fault at CPL {}: the guest \
                 reads the real descriptor-table base {:#x}, the VMM's own table, instead of its \
                 own {:#x}.",
                before.cpl, before.gdtr, before_virt.gdtr
            ),
            Instr::Sgdt(_) => format!(
                "{who} runs sgdt {place} and reads its descriptor-table base {:#x}.",
                before.gdtr
            ),
            Instr::Store(..)
                if self.mode == Mode::Paravirt
                    && instr.store_address(&self.regs.general) == Some(EVT_MASK_ADDR) =>
            {
                format!(
                    "A plain store sets the event mask in the shared vcpu_info page to {}: the \
                     modified kernel's way to {} interrupts, with no trap.",
                    self.read_word(EVT_MASK_ADDR),
                    if self.read_word(EVT_MASK_ADDR) == 0 {
                        "enable"
                    } else {
                        "disable"
                    }
                )
            }
            Instr::Out(port, reg) if *port == super::isa::Port::Disk => format!(
                "{who} runs {instr} {place}: the disk receives {}.",
                describe_byte(self.reg(*reg).to_le_bytes()[0])
            ),
            privileged if privileged.class() == InstrClass::Privileged => format!(
                "{who} runs {instr} {place}: it is privileged, and this code holds the privilege."
            ),
            _ => format!("{who} runs {instr} {place}."),
        }
    }
}

/// The instructions the VT-x VMM configured to exit (unconditional I/O exiting, HLT exiting, CR3-load
/// exiting for shadow paging). CLI, STI, PUSHF, POPF, SGDT, LGDT, LIDT and IRET run in non-root mode
/// without an exit (descriptor-table exiting is left off).
fn configured_exit(instr: &Instr) -> Option<ExitReason> {
    match instr {
        Instr::In(..) | Instr::Out(..) => Some(ExitReason::IoInstruction),
        Instr::Hlt => Some(ExitReason::Hlt),
        Instr::Lpt(_) => Some(ExitReason::CrAccess),
        _ => None,
    }
}

/// Whether UMIP stops the instruction: with CR4.UMIP = 1 the instructions it protects raise #GP
/// at CPL > 0 ([`Instr::umip_protected`]).
fn umip_blocks(instr: &Instr, real: &CpuState, umip: bool) -> bool {
    umip && real.cpl > 0 && instr.umip_protected()
}

/// Whether the real CPU lets the instruction run at its privilege (SDM: CLI/STI/IN/OUT need
/// CPL <= IOPL; the other privileged instructions need CPL 0).
fn privilege_allows(instr: &Instr, real: &CpuState) -> bool {
    if instr.class() != InstrClass::Privileged {
        return true;
    }
    if instr.iopl_sensitive() {
        real.cpl <= real.iopl
    } else {
        real.cpl == 0
    }
}

#[cfg(test)]
mod tests {
    use super::super::cost::CostModel;
    use super::super::isa::{Port, Reg};
    use super::super::machine::run_code;
    use super::super::programs::ProgramCode;
    use super::*;

    #[test]
    fn port_reads_and_the_stack_work_the_same_in_every_mode() {
        let kernel = "mov r0, 0x41\n out DISK, r0\n in r1, DISK\n push r1\n pop r2\n \
                      store [0x20], r2\n hlt\n";
        let code = ProgramCode::assemble(None, kernel, kernel).expect("valid");
        for mode in Mode::ALL {
            let trace = run_code(*mode, &code, &CostModel::default()).expect("runs");
            let last = &trace.last().expect("steps").state;
            assert_eq!(trace.disk, b"A");
            assert_eq!(last.memory[0x20], 1, "in reads the disk's byte count");
            // An unmodified kernel under a software VMM or hypervisor traps on out, in and hlt.
            let deprivileged = matches!(mode, Mode::TrapEmulate | Mode::Paravirt);
            let expected_traps = if deprivileged { 3 } else { 0 };
            assert_eq!(last.counters.traps, expected_traps, "{}", mode.slug());
            let expected_exits = if *mode == Mode::VtX { 3 } else { 0 };
            assert_eq!(last.counters.vm_exits, expected_exits);
        }
    }

    #[test]
    fn cli_faults_above_iopl_but_popf_never_does() {
        let user = CpuState {
            cpl: 3,
            iopl: 0,
            ..CpuState::default()
        };
        let kernel = CpuState::default();
        let relaxed = CpuState {
            cpl: 3,
            iopl: 3,
            ..CpuState::default()
        };
        assert!(!privilege_allows(&Instr::Cli, &user));
        assert!(privilege_allows(&Instr::Cli, &kernel));
        assert!(privilege_allows(&Instr::Cli, &relaxed));
        assert!(privilege_allows(&Instr::Out(Port::Disk, Reg::R0), &relaxed));
        assert!(!privilege_allows(&Instr::Hlt, &relaxed));
        assert!(privilege_allows(&Instr::Popf, &user));
        assert!(privilege_allows(&Instr::Sgdt(Reg::R0), &user));
    }

    #[test]
    fn only_configured_instructions_exit_in_non_root_mode() {
        assert_eq!(
            configured_exit(&Instr::Out(Port::Disk, Reg::R0)),
            Some(ExitReason::IoInstruction)
        );
        assert_eq!(configured_exit(&Instr::Hlt), Some(ExitReason::Hlt));
        assert_eq!(
            configured_exit(&Instr::Lpt(Reg::R0)),
            Some(ExitReason::CrAccess)
        );
        for quiet in [
            Instr::Cli,
            Instr::Sti,
            Instr::Popf,
            Instr::Pushf,
            Instr::Iret,
        ] {
            assert_eq!(configured_exit(&quiet), None);
        }
    }
}
