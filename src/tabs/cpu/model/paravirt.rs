//! Paravirtualization: the modified guest kernel calls the hypervisor instead of trapping.
//!
//! Modelled on Xen as `domain.md` describes it (Barham et al., SOSP 2003): the ported kernel runs in
//! ring 1, calls the hypervisor through hypercalls, and has page-table updates validated and batched.
//! Its interrupt flag is the `evtchn_upcall_mask` byte in the shared `vcpu_info` page, set and cleared
//! with plain stores; the hypervisor reads it before making an event upcall, records a masked event in
//! `evtchn_upcall_pending`, and clears the mask when the vCPU blocks (Xen public header `xen.h`).
//! System calls go straight to the guest kernel through a "fast" handler registered with Xen
//! (Barham et al. section 2.1).

use super::cost::Charge;
use super::cpu::{CodeAddr, PAGE_TABLE_ENTRIES, Space};
use super::emulate::vmm_cursor;
use super::error::RunError;
use super::hw::describe_byte;
use super::isa::{Hypercall, Port, Reg};
use super::machine::Machine;
use super::record::StepSpec;
use super::trace::{Lane, Transfer, TransferKind};
use super::vmm::VmmRoutine;

impl Machine<'_> {
    /// A hypercall: enter the hypervisor, let it do the work, return (or deliver an event).
    pub(super) fn hypercall(&mut self, call: Hypercall, at: CodeAddr) -> Result<(), RunError> {
        let cost = self.charge(Charge::Hypercall);
        self.enter_vmm();
        self.emit(StepSpec {
            slug: "hypercall",
            label: format!(
                "The modified kernel calls the hypervisor with hcall {} (Xen's {}) instead of \
                 running a privileged instruction.",
                call.name(),
                call.xen_name()
            ),
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::Hypercall, 0),
            guest_at: at,
            transfer: Some(Transfer {
                from: Lane::of_space(at.space),
                to: Lane::Vmm,
                kind: TransferKind::Hypercall,
                cost_cycles: cost,
            }),
            exit_reason: None,
        });
        let effect = self.handle_hypercall(call)?;
        self.retire();
        self.sync_pv_flags();
        if self.halted && self.virtual_irq_deliverable() {
            self.halted = false;
        }
        self.emit(StepSpec {
            slug: "handle",
            label: format!("The hypervisor validates the request and {effect}."),
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::Hypercall, 2),
            guest_at: at,
            transfer: None,
            exit_reason: None,
        });
        if !self.halted {
            self.return_to_guest()?;
        }
        Ok(())
    }

    /// Performs a hypercall's operation and moves the program counter; returns what it did.
    fn handle_hypercall(&mut self, call: Hypercall) -> Result<String, RunError> {
        let next = self.pc.next();
        let (arg1, arg2) = (self.reg(Reg::R1), self.reg(Reg::R2));
        let effect = match call {
            Hypercall::SetTimer => {
                format!(
                    "arms the guest's timer: {}",
                    self.device_out(Port::Timer, arg1)
                )
            }
            Hypercall::EvtchnSend => {
                let mut bytes = Vec::new();
                for offset in 0..arg2 {
                    let byte = self.load(arg1.wrapping_add(offset))?.to_le_bytes()[0];
                    self.disk.push(byte);
                    bytes.push(describe_byte(byte));
                }
                format!(
                    // The event channel only signals; the request lies in memory the guest shares with the
                    // backend (a ring in Xen's split drivers: Barham et al., SOSP 2003; xen io/ring.h).
                    "notifies the disk backend, which reads the request from memory the guest shares with it and writes {} in one go",
                    bytes.join(", ")
                )
            }
            Hypercall::MmuUpdate => {
                let base = self.virt.ptbr;
                if base == 0 || arg2 > PAGE_TABLE_ENTRIES {
                    format!("rejects the batch of {arg2} updates: it would leave the page table")
                } else {
                    for index in 0..arg2 {
                        let value = self.load(arg1.wrapping_add(index))?;
                        self.store(base + index, value)?;
                    }
                    format!(
                        "applies all {arg2} page-table updates in one hypercall (entries {base:#x} \
                         onwards)"
                    )
                }
            }
            Hypercall::NewBaseptr => {
                self.virt.ptbr = arg1;
                format!(
                    "loads page-table base {arg1:#x}: the guest's own table, now mapped read-only \
                     to the guest"
                )
            }
            Hypercall::Block => {
                self.set_virtual_if(true)?;
                self.halted = true;
                "blocks the guest's vCPU, clearing its event mask, until an event is due"
                    .to_string()
            }
            Hypercall::Iret => {
                let (ret, flags, cpl) = self.pop_frame()?;
                self.set_virtual_flags(flags)?;
                self.virt.cpl = cpl;
                self.pc = ret;
                let whom = match ret.space {
                    Space::App => "application",
                    Space::Kernel => "kernel",
                };
                return Ok(format!(
                    "pops the guest's return frame: back to the {whom}, event mask {}",
                    u8::from(!self.virt.if_flag)
                ));
            }
            Hypercall::SetGdt => {
                self.virt.gdtr = arg1;
                format!("installs the guest's descriptor table at {arg1:#x}")
            }
            Hypercall::SetTrapTable => {
                self.virt.idtr = arg1;
                format!("records the guest's exception handlers (table at {arg1:#x})")
            }
        };
        self.pc = next;
        Ok(effect)
    }
}

#[cfg(test)]
mod tests {
    use super::super::cpu::Space;
    use super::super::isa::Instr;
    use super::super::machine::tests::{final_state, kernel_instructions, trace_of};
    use super::super::modes::Mode;
    use super::super::programs::Program;
    use super::super::trace::{Lane, TransferKind};

    #[test]
    fn the_modified_kernel_never_traps() {
        for program in Program::ALL {
            let trace = trace_of(Mode::Paravirt, *program);
            let counters = final_state(&trace).counters;
            assert_eq!(counters.traps, 0, "{}", program.slug());
            let hypercalls = kernel_instructions(&trace)
                .iter()
                .filter(|instr| matches!(instr, Instr::Hcall(_)))
                .count();
            assert_eq!(counters.hypercalls, hypercalls as u64);
        }
    }

    #[test]
    fn page_table_updates_are_batched_in_one_hypercall() {
        let pv = trace_of(Mode::Paravirt, Program::PageTable);
        // new_baseptr, one mmu_update for all three entries, block.
        assert_eq!(final_state(&pv).counters.hypercalls, 3);
        let update = pv
            .steps_with("handle")
            .into_iter()
            .find(|index| pv.steps[*index].label.contains("all 3"))
            .expect("the batched update");
        assert_eq!(
            &pv.steps[update].state.memory[0x40..0x43],
            &[0x15, 0x25, 0x35]
        );
        assert_eq!(&pv.steps[update - 1].state.memory[0x40..0x43], &[0, 0, 0]);
        let unmodified = trace_of(Mode::TrapEmulate, Program::PageTable);
        assert_eq!(final_state(&unmodified).counters.traps, 5);
    }

    #[test]
    fn applications_run_unchanged() {
        for program in Program::ALL {
            let native = trace_of(Mode::Native, *program);
            let pv = trace_of(Mode::Paravirt, *program);
            assert_eq!(native.app, pv.app, "the ABI is unchanged");
            // The application instructions completed, in order.
            let app_steps = |trace: &super::super::trace::Trace| -> Vec<usize> {
                trace
                    .steps
                    .windows(2)
                    .filter(|pair| {
                        pair[1].state.counters.guest_instructions
                            > pair[0].state.counters.guest_instructions
                            && pair[1].guest_at.space == Space::App
                    })
                    .map(|pair| pair[1].guest_at.line)
                    .collect()
            };
            assert_eq!(app_steps(&native), app_steps(&pv), "{}", program.slug());
        }
    }

    #[test]
    fn system_calls_go_straight_to_the_guest_kernel() {
        let trace = trace_of(Mode::Paravirt, Program::SyscallLoop);
        for index in trace.steps_with("syscall") {
            let arrow = trace.steps[index].transfer.expect("syscall arrow");
            assert_eq!((arrow.from, arrow.to), (Lane::GuestApp, Lane::GuestKernel));
            assert_eq!(arrow.kind, TransferKind::Syscall);
        }
        assert_eq!(final_state(&trace).counters.reflections, 0);
    }
}
