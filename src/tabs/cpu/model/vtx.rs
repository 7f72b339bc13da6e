//! Hardware-assisted virtualization, VT-x style: VM exits, VM entries and interrupt injection.
//!
//! In VMX non-root mode the guest kernel runs at its own CPL 0, so `popf`, `pushf`, `sgdt`, `cli` and
//! `sti` simply work on the guest's state (the SDM's VMCS guest-state area holds it across exits).
//! Only what the VMM configured exits: I/O, HLT, CR3 loads and page faults on write-protected guest
//! page tables (first-generation VT-x had no EPT, so the VMM kept shadow page tables), plus external
//! interrupts. An interrupt the guest cannot take yet (IF = 0) is held with interrupt-window exiting
//! and injected on the VM entry after the guest sets IF (Intel Technology Journal, 2006).

use super::cost::Charge;
use super::cpu::CodeAddr;
use super::cpu::VmxMode;
use super::emulate::vmm_cursor;
use super::error::RunError;
use super::isa::Instr;
use super::machine::{Machine, Vector};
use super::record::StepSpec;
use super::trace::{Cursor, Lane, Transfer, TransferKind};
use super::vmm::{ExitReason, VmmRoutine};

impl Machine<'_> {
    /// Copies the guest's live state into the guest-state area (the virtual CPU).
    pub(super) fn save_vtx_guest(&mut self) {
        if self.vmx != VmxMode::NonRoot {
            return;
        }
        self.virt.cpl = self.real.cpl;
        self.virt.if_flag = self.real.if_flag;
        self.virt.iopl = self.real.iopl;
        self.virt.idtr = self.real.idtr;
        self.virt.gdtr = self.real.gdtr;
    }

    /// VM entry: loads the guest-state area into the real CPU and enters non-root mode.
    pub(super) fn load_vtx_guest(&mut self) {
        self.real.cpl = self.virt.cpl;
        self.real.if_flag = self.virt.if_flag;
        self.real.iopl = self.virt.iopl;
        self.real.idtr = self.virt.idtr;
        self.real.gdtr = self.virt.gdtr;
        self.real.ptbr = self.real_page_table();
        self.vmx = VmxMode::NonRoot;
    }

    /// A configured instruction exited: exit, emulate, re-enter.
    pub(super) fn vm_exit(
        &mut self,
        instr: &Instr,
        at: CodeAddr,
        reason: ExitReason,
    ) -> Result<(), RunError> {
        let cost = self.charge(Charge::VmExit);
        self.enter_vmm();
        let why = match reason {
            ExitReason::ExceptionNmi => {
                "the store hits a guest page table that the VMM write-protects for its shadow page \
                 table (no EPT in first-generation VT-x), and the #PF is set to exit"
                    .to_string()
            }
            _ => format!("the VMM configured {instr} to exit"),
        };
        let label = format!(
            "VM exit, reason {} ({}): {why}; the CPU saves the guest state in the VMCS and \
             switches to root mode.",
            reason.name(),
            reason.number()
        );
        self.emit_exit(at, reason, cost, label);
        let effect = self.emulate(instr)?;
        self.retire();
        self.emit(StepSpec {
            slug: "emulate",
            label: format!("The VMM handles the exit and emulates {instr}: {effect}."),
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::ExitHandler, 2),
            guest_at: at,
            transfer: None,
            exit_reason: None,
        });
        if !self.halted {
            self.vm_entry()?;
        }
        Ok(())
    }

    fn emit_exit(&mut self, at: CodeAddr, reason: ExitReason, cost: u64, label: String) {
        self.emit(StepSpec {
            slug: "vm-exit",
            label,
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::ExitHandler, 1),
            guest_at: at,
            transfer: Some(Transfer {
                from: Lane::of_space(at.space),
                to: Lane::Vmm,
                kind: TransferKind::VmExit,
                cost_cycles: cost,
            }),
            exit_reason: Some(reason),
        });
    }

    /// VMRESUME, injecting the held interrupt if the guest can now take it.
    pub(super) fn vm_entry(&mut self) -> Result<(), RunError> {
        let inject = self.virq_pending && self.virt.if_flag;
        self.load_vtx_guest();
        let lane = Lane::of_space(self.pc.space);
        let label = if inject {
            "VMRESUME with an injected event: VM entry loads the guest state and delivers the timer \
             interrupt through the guest's own interrupt table."
        } else {
            "VMRESUME: VM entry reloads the guest state from the VMCS and the guest continues in \
             non-root mode."
        };
        self.emit(StepSpec {
            slug: "vm-entry",
            label: label.to_string(),
            lane,
            cursor: Cursor::at(self.pc),
            guest_at: self.pc,
            transfer: Some(Transfer {
                from: Lane::Vmm,
                to: lane,
                kind: TransferKind::VmEntry,
                cost_cycles: 0,
            }),
            exit_reason: None,
        });
        if !inject {
            return Ok(());
        }
        self.virq_pending = false;
        self.halted = false;
        self.deliver_hw(Vector::Timer, self.pc)?;
        self.counters.interrupts += 1;
        let cost = self.charge(Charge::ModeSwitch);
        self.emit(StepSpec {
            slug: "irq",
            label: "The guest's timer handler starts at its own CPL 0 in non-root mode, with IF \
                    cleared by the interrupt gate."
                .to_string(),
            lane: Lane::GuestKernel,
            cursor: Cursor::at(self.pc),
            guest_at: self.pc,
            transfer: Some(Transfer {
                from: Lane::Hardware,
                to: Lane::GuestKernel,
                kind: TransferKind::Interrupt,
                cost_cycles: cost,
            }),
            exit_reason: None,
        });
        Ok(())
    }

    /// External interrupts and the interrupt window.
    pub(super) fn vtx_events(&mut self) -> Result<bool, RunError> {
        let at = self.pc;
        if self.irq_line {
            self.irq_line = false;
            self.virq_pending = true;
            if self.halted {
                self.emit(StepSpec {
                    slug: "timer",
                    label: "The timer fires while the guest is halted after its HLT exit: the VMM \
                            takes the interrupt in root mode."
                        .to_string(),
                    lane: Lane::Vmm,
                    cursor: vmm_cursor(VmmRoutine::ExitHandler, 2),
                    guest_at: at,
                    transfer: Some(Transfer {
                        from: Lane::Hardware,
                        to: Lane::Vmm,
                        kind: TransferKind::Interrupt,
                        cost_cycles: 0,
                    }),
                    exit_reason: None,
                });
            } else {
                let cost = self.charge(Charge::VmExit);
                self.enter_vmm();
                self.emit_exit(
                    at,
                    ExitReason::ExternalInterrupt,
                    cost,
                    "VM exit, reason EXTERNAL_INTERRUPT (1): the timer interrupt arrived while the \
                     guest ran, so the CPU leaves non-root mode for the VMM."
                        .to_string(),
                );
            }
            if self.virt.if_flag {
                self.vm_entry()?;
                return Ok(true);
            }
            self.interrupt_window = true;
            self.emit(StepSpec {
                slug: "irq-pending",
                label: "The guest's IF is 0, so the VMM holds the interrupt and turns on \
                        interrupt-window exiting: the CPU will exit as soon as the guest sets IF."
                    .to_string(),
                lane: Lane::Vmm,
                cursor: vmm_cursor(VmmRoutine::ExitHandler, 2),
                guest_at: at,
                transfer: None,
                exit_reason: None,
            });
            if !self.halted {
                self.vm_entry()?;
            }
            return Ok(true);
        }
        if self.interrupt_window
            && !self.halted
            && self.vmx == VmxMode::NonRoot
            && self.real.if_flag
        {
            self.interrupt_window = false;
            let cost = self.charge(Charge::VmExit);
            self.enter_vmm();
            self.emit_exit(
                at,
                ExitReason::InterruptWindow,
                cost,
                "VM exit, reason INTERRUPT_WINDOW (7): the guest has just set IF, so the VMM can \
                 inject the held interrupt."
                    .to_string(),
            );
            self.vm_entry()?;
            return Ok(true);
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::super::machine::tests::{final_state, trace_of};
    use super::super::modes::Mode;
    use super::super::programs::Program;
    use super::*;

    fn exit_reasons(program: Program) -> Vec<ExitReason> {
        let trace = trace_of(Mode::VtX, program);
        let reasons: Vec<ExitReason> = trace
            .steps
            .iter()
            .filter_map(|step| step.exit_reason)
            .collect();
        assert_eq!(reasons.len() as u64, final_state(&trace).counters.vm_exits);
        reasons
    }

    #[test]
    fn only_configured_instructions_and_events_exit() {
        use ExitReason::*;
        assert_eq!(
            exit_reasons(Program::DiskWrite),
            [IoInstruction, IoInstruction, Hlt]
        );
        assert_eq!(
            exit_reasons(Program::PageTable),
            [CrAccess, ExceptionNmi, ExceptionNmi, ExceptionNmi, Hlt]
        );
        // System calls, sgdt, lgdt and lidt need no exit at all.
        assert_eq!(exit_reasons(Program::SyscallLoop), [Hlt]);
        assert_eq!(exit_reasons(Program::Sgdt), [Hlt]);
        assert_eq!(exit_reasons(Program::Timer), [IoInstruction, Hlt, Hlt]);
    }

    #[test]
    fn a_held_interrupt_waits_for_the_interrupt_window() {
        use ExitReason::*;
        assert_eq!(
            exit_reasons(Program::Popf),
            [IoInstruction, ExternalInterrupt, InterruptWindow, Hlt]
        );
        let trace = trace_of(Mode::VtX, Program::Popf);
        let popf = trace
            .first_step("popf")
            .expect("popf runs in non-root mode");
        assert!(trace.steps[popf].state.real.if_flag);
        assert_eq!(trace.steps[popf + 1].exit_reason, Some(InterruptWindow));
        assert_eq!(trace.steps[popf + 2].slug, "vm-entry");
        assert_eq!(trace.steps[popf + 3].slug, "irq");
    }
}
