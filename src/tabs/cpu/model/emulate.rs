//! The software VMM's work: emulating guest instructions on the virtual CPU, reflecting system calls
//! and faults into the guest kernel, and turning physical interrupts into virtual ones.
//!
//! Trap-and-emulate's named steps live here: `trap` (the fault enters the VMM), `emulate` (the VMM
//! applies the instruction to the virtual CPU) and `resume` (the guest continues after it). The same
//! emulation serves binary translation's callouts, the VT-x exit handler and the paravirtual
//! hypervisor, so one instruction means the same thing to every VMM.

use super::cost::Charge;
use super::cpu::{CodeAddr, EVT_PENDING_ADDR, Space};
use super::error::RunError;
use super::exec::FaultKind;
use super::isa::{Instr, Port};
use super::machine::{Machine, Vector};
use super::modes::Mode;
use super::record::StepSpec;
use super::trace::{Cursor, Lane, ListingRef, Transfer, TransferKind};
use super::vmm::VmmRoutine;

impl Machine<'_> {
    /// What the lesson calls the VMM in this mode.
    pub(super) fn vmm_name(&self) -> &'static str {
        if self.mode == Mode::Paravirt {
            "hypervisor"
        } else {
            "VMM"
        }
    }

    /// The three named steps of trap-and-emulate for a faulting guest-kernel instruction.
    pub(super) fn trap_and_emulate(
        &mut self,
        instr: &Instr,
        at: CodeAddr,
        kind: FaultKind,
    ) -> Result<(), RunError> {
        let real_cpl = self.real.cpl;
        let cost = self.charge(Charge::Trap);
        self.enter_vmm();
        let why = match kind {
            FaultKind::GeneralProtection => format!(
                "{instr} is privileged and the guest kernel runs deprivileged at real CPL \
                 {real_cpl}: the CPU raises #GP and traps to the {}.",
                self.vmm_name()
            ),
            FaultKind::PageFault => format!(
                "The store hits the guest's page table, which the {} write-protects to keep its \
                 own copy in sync: the CPU raises #PF and traps.",
                self.vmm_name()
            ),
        };
        self.emit(StepSpec {
            slug: "trap",
            label: why,
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::TrapHandler, 0),
            guest_at: at,
            transfer: Some(Transfer {
                from: Lane::of_space(at.space),
                to: Lane::Vmm,
                kind: TransferKind::Trap,
                cost_cycles: cost,
            }),
            exit_reason: None,
        });
        let effect = self.emulate(instr)?;
        self.retire();
        self.emit(StepSpec {
            slug: "emulate",
            label: format!(
                "The {} decodes {instr} and emulates it on the virtual CPU: {effect}.",
                self.vmm_name()
            ),
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::TrapHandler, 2),
            guest_at: at,
            transfer: None,
            exit_reason: None,
        });
        if !self.halted {
            self.return_to_guest()?;
        }
        Ok(())
    }

    /// Applies an instruction to the virtual CPU, memory and devices, moving the program counter.
    /// Returns what changed, for the step's label. The caller counts the instruction.
    pub(super) fn emulate(&mut self, instr: &Instr) -> Result<String, RunError> {
        let next = self.pc.next();
        let effect = match instr {
            Instr::Cli => {
                self.set_virtual_if(false)?;
                "virtual IF = 0, while the real IF stays 1 so the VMM still receives interrupts"
                    .to_string()
            }
            Instr::Sti => {
                self.set_virtual_if(true)?;
                "virtual IF = 1".to_string()
            }
            Instr::Out(port, reg) => {
                let effect = self.device_out(*port, self.reg(*reg));
                match port {
                    Port::Disk => format!("its virtual disk passes the byte on, and {effect}"),
                    Port::Timer => effect,
                }
            }
            Instr::In(reg, port) => {
                let value = self.device_in(*port);
                self.set_reg(*reg, value);
                format!("{} = {value}", reg.name())
            }
            Instr::Hlt => {
                self.halted = true;
                "the guest halts, so the VMM idles until a virtual interrupt is due".to_string()
            }
            Instr::Lpt(reg) => {
                self.virt.ptbr = self.reg(*reg);
                format!(
                    "virtual page-table base = {:#x}; the VMM builds a shadow page table from it \
                     and write-protects the guest's table",
                    self.virt.ptbr
                )
            }
            Instr::Lidt(reg) => {
                self.virt.idtr = self.reg(*reg);
                format!(
                    "virtual interrupt-table base = {:#x}, while the real register keeps the VMM's \
                     own table",
                    self.virt.idtr
                )
            }
            Instr::Lgdt(reg) => {
                self.virt.gdtr = self.reg(*reg);
                format!(
                    "virtual descriptor-table base = {:#x}, while the real register keeps the \
                     VMM's own table",
                    self.virt.gdtr
                )
            }
            Instr::Iret => {
                let (ret, flags, cpl) = self.pop_frame()?;
                self.set_virtual_flags(flags)?;
                self.virt.cpl = cpl;
                self.pc = ret;
                return Ok(format!(
                    "it pops the guest's return frame (virtual CPL {cpl}, virtual IF {})",
                    u8::from(self.virt.if_flag)
                ));
            }
            Instr::Pushf => {
                self.push(self.virtual_flags_word())?;
                format!(
                    "it pushes the virtual flags (IF = {})",
                    u8::from(self.virt.if_flag)
                )
            }
            Instr::Popf => {
                let word = self.pop()?;
                self.set_virtual_flags(word)?;
                format!("virtual IF = {}", u8::from(self.virt.if_flag))
            }
            Instr::Sgdt(reg) => {
                self.set_reg(*reg, self.virt.gdtr);
                format!(
                    "{} = {:#x}, the guest's own table",
                    reg.name(),
                    self.virt.gdtr
                )
            }
            Instr::Syscall => return Err(RunError::SyscallFromKernel),
            Instr::Hcall(call) => {
                return Err(RunError::HypercallWithoutHypervisor {
                    call: call.name(),
                    mode: self.mode.slug(),
                });
            }
            Instr::Store(addr, reg) => {
                let (addr, value) = (self.address(*addr), self.reg(*reg));
                self.exec_ordinary(instr)?;
                return Ok(format!(
                    "it performs the guest's page-table write ({value:#x} at {addr:#x}) and \
                     updates its own copy of the entry"
                ));
            }
            ordinary => {
                self.exec_ordinary(ordinary)?;
                return Ok(format!("it runs {ordinary} for the guest"));
            }
        };
        self.pc = next;
        Ok(effect)
    }

    /// The VMM hands the CPU back: injecting a deliverable virtual interrupt, else resuming.
    pub(super) fn return_to_guest(&mut self) -> Result<(), RunError> {
        if self.mode == Mode::VtX {
            return self.vm_entry();
        }
        if self.virtual_irq_deliverable() {
            return self.inject_virtual_irq();
        }
        self.emit_resume();
        Ok(())
    }

    /// Records the VMM resuming the guest.
    pub(super) fn emit_resume(&mut self) {
        self.leave_vmm();
        let lane = Lane::of_space(self.pc.space);
        let whom = match self.pc.space {
            Space::App => "application",
            Space::Kernel => "kernel",
        };
        let label = format!(
            "The {} resumes the guest {whom} at real CPL {}, which continues after the instruction.",
            self.vmm_name(),
            self.real.cpl
        );
        self.emit(StepSpec {
            slug: "resume",
            label,
            lane,
            cursor: self.guest_cursor(),
            guest_at: self.pc,
            transfer: Some(Transfer {
                from: Lane::Vmm,
                to: lane,
                kind: TransferKind::Return,
                cost_cycles: 0,
            }),
            exit_reason: None,
        });
    }

    /// Where the guest's next instruction is shown: in the translation cache if it runs from there.
    pub(super) fn guest_cursor(&self) -> Cursor {
        match self.bt_position() {
            Some((block, op, _)) if self.mode == Mode::BinaryTranslation => Cursor {
                listing: ListingRef::Translated(block),
                line: op,
            },
            _ => Cursor::at(self.pc),
        }
    }

    /// Whether a virtual interrupt waits and the guest would accept it.
    pub(super) fn virtual_irq_deliverable(&self) -> bool {
        let pending = match self.mode {
            Mode::Paravirt => self.read_word(EVT_PENDING_ADDR) != 0,
            _ => self.virq_pending,
        };
        pending && self.virt.if_flag
    }

    fn set_virtual_irq_pending(&mut self, pending: bool) -> Result<(), RunError> {
        self.virq_pending = pending;
        if self.mode == Mode::Paravirt {
            self.store(EVT_PENDING_ADDR, u32::from(pending))?;
        }
        Ok(())
    }

    /// Pushes a frame with the guest's virtual flags and enters a guest-kernel handler at virtual
    /// CPL 0, as the hardware would have done for the guest.
    pub(super) fn inject_virtual(&mut self, vector: Vector, ret: CodeAddr) -> Result<(), RunError> {
        let handler = self.handler(vector)?;
        self.push_frame(ret, self.virtual_flags_word(), self.virt.cpl)?;
        self.virt.cpl = 0;
        if vector.masks_interrupts() {
            self.set_virtual_if(false)?;
        }
        self.pc = handler;
        self.halted = false;
        self.leave_vmm();
        Ok(())
    }

    /// Delivers the pending virtual timer interrupt into the guest kernel's handler.
    pub(super) fn inject_virtual_irq(&mut self) -> Result<(), RunError> {
        self.set_virtual_irq_pending(false)?;
        self.inject_virtual(Vector::Timer, self.pc)?;
        self.counters.interrupts += 1;
        let label = if self.mode == Mode::Paravirt {
            "The hypervisor makes an event upcall: it pushes a return frame, sets the event mask and \
             enters the guest's handler."
        } else {
            "The VMM injects a virtual timer interrupt: it pushes a frame with the guest's virtual \
             flags, sets virtual IF = 0 and enters the guest's handler."
        };
        self.emit(StepSpec {
            slug: "irq",
            label: label.to_string(),
            lane: Lane::GuestKernel,
            cursor: Cursor::at(self.pc),
            guest_at: self.pc,
            transfer: Some(Transfer {
                from: Lane::Vmm,
                to: Lane::GuestKernel,
                kind: TransferKind::Interrupt,
                cost_cycles: 0,
            }),
            exit_reason: None,
        });
        Ok(())
    }

    /// A system call under a software VMM: the VMM owns the real entry point and forwards it.
    pub(super) fn reflect_syscall(&mut self, at: CodeAddr) -> Result<(), RunError> {
        let cost = self.charge(Charge::Reflection);
        self.retire();
        self.enter_vmm();
        self.emit(StepSpec {
            slug: "syscall",
            label: "The system call enters the VMM first: the VMM, not the guest kernel, owns the \
                    real system-call entry."
                .to_string(),
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::Reflect, 0),
            guest_at: at,
            transfer: Some(Transfer {
                from: Lane::GuestApp,
                to: Lane::Vmm,
                kind: TransferKind::Syscall,
                cost_cycles: cost,
            }),
            exit_reason: None,
        });
        self.inject_virtual(Vector::Syscall, at.next())?;
        self.emit_reflect(
            "The VMM reflects the call into the guest kernel: it pushes a return frame on the \
             guest's stack and continues at sys_entry with virtual CPL 0.",
        );
        Ok(())
    }

    /// A privileged instruction in the guest application under a software VMM: the VMM gets the
    /// #GP and reflects it to the guest kernel, as real hardware would have delivered it.
    pub(super) fn reflect_fault(&mut self, instr: &Instr, at: CodeAddr) -> Result<(), RunError> {
        let cost = self.charge(Charge::Reflection);
        self.enter_vmm();
        self.emit(StepSpec {
            slug: "gp",
            label: format!(
                "{instr} is privileged and the application runs at CPL 3: #GP traps to the {}, \
                 which sees the fault came from guest user mode.",
                self.vmm_name()
            ),
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::Reflect, 0),
            guest_at: at,
            transfer: Some(Transfer {
                from: Lane::GuestApp,
                to: Lane::Vmm,
                kind: TransferKind::Trap,
                cost_cycles: cost,
            }),
            exit_reason: None,
        });
        self.inject_virtual(Vector::GeneralProtection, at)?;
        self.emit_reflect(
            "The fault is reflected into the guest kernel's fault handler, as real hardware would \
             have delivered it.",
        );
        Ok(())
    }

    fn emit_reflect(&mut self, label: &str) {
        self.emit(StepSpec {
            slug: "reflect",
            label: label.to_string(),
            lane: Lane::GuestKernel,
            cursor: Cursor::at(self.pc),
            guest_at: self.pc,
            transfer: Some(Transfer {
                from: Lane::Vmm,
                to: Lane::GuestKernel,
                kind: TransferKind::Syscall,
                cost_cycles: 0,
            }),
            exit_reason: None,
        });
    }

    /// Physical interrupts under a software VMM or hypervisor: they always reach it first.
    pub(super) fn software_vmm_events(&mut self) -> Result<bool, RunError> {
        if !self.irq_line {
            return Ok(false);
        }
        self.irq_line = false;
        let at = self.pc;
        let transfer = if self.halted {
            Transfer {
                from: Lane::Hardware,
                to: Lane::Vmm,
                kind: TransferKind::Interrupt,
                cost_cycles: 0,
            }
        } else {
            let cost = self.charge(Charge::Reflection);
            self.enter_vmm();
            Transfer {
                from: Lane::of_space(at.space),
                to: Lane::Vmm,
                kind: TransferKind::Interrupt,
                cost_cycles: cost,
            }
        };
        let label = if self.halted {
            format!(
                "The timer fires while the guest is idle: the {} takes the physical interrupt.",
                self.vmm_name()
            )
        } else {
            format!(
                "The timer fires: the physical interrupt goes to the {}, which owns the real \
                 interrupt table (the real IF is 1 while the guest runs).",
                self.vmm_name()
            )
        };
        self.emit(StepSpec {
            slug: "timer",
            label,
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::Interrupt, 0),
            guest_at: at,
            transfer: Some(transfer),
            exit_reason: None,
        });
        self.set_virtual_irq_pending(true)?;
        if self.virtual_irq_deliverable() {
            self.inject_virtual_irq()?;
            return Ok(true);
        }
        let label = if self.mode == Mode::Paravirt {
            "The guest's event mask is set, so the hypervisor only marks the event pending in the \
             shared vcpu_info page."
        } else {
            "The guest's virtual IF is 0, so the VMM holds the interrupt pending until the guest \
             re-enables interrupts."
        };
        self.emit(StepSpec {
            slug: "irq-pending",
            label: label.to_string(),
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::Interrupt, 2),
            guest_at: at,
            transfer: None,
            exit_reason: None,
        });
        if !self.halted {
            self.emit_resume();
        }
        Ok(true)
    }
}

/// A cursor on a VMM routine's line.
pub(super) fn vmm_cursor(routine: VmmRoutine, line: usize) -> Cursor {
    Cursor {
        listing: ListingRef::Vmm(routine),
        line,
    }
}
