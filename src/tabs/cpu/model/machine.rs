//! The interpreter core shared by every mode, and the entry points `run`/`run_code`.
//!
//! One machine runs the guest; the modes differ only in who handles the events the hardware raises
//! (faults, system calls, hypercalls, VM exits, interrupts). Keeping one interpreter means the same
//! instruction semantics hold in every mode, so differences in a trace come from the mode alone.
//!
//! The loop, once per step: fire the timer if due, let the mode handle pending interrupts, idle if the
//! guest is halted, else run the next guest instruction. Every step is recorded with a snapshot.

use super::asm::Listing;
use super::bt::TranslatedBlock;
use super::cost::{Charge, CostModel};
use super::cpu::{
    CodeAddr, CpuState, EVT_MASK_ADDR, EVT_PENDING_ADDR, HOST_GDT_BASE, HOST_IDT_BASE,
    MEMORY_WORDS, Registers, SHADOW_PT_BASE, STACK_TOP, Space, VmxMode, flags_if, flags_iopl,
};
use super::error::RunError;
use super::exec::Hw;
use super::isa::Instr;
use super::modes::Mode;
use super::programs::{Program, ProgramCode};
use super::record::{StepSpec, capitalise};
use super::trace::{Counters, Cursor, Ending, Lane, Step, Trace, Transfer, TransferKind};

/// The most steps a run may take. Presets need well under 200; the guard stops endless loops.
pub const MAX_STEPS: usize = 2_000;

/// Runs a preset under a mode with the default cost model, on a CPU without UMIP.
pub fn run(mode: Mode, program: Program) -> Result<Trace, RunError> {
    run_with_costs(mode, program, &CostModel::default())
}

/// Runs a preset under a mode with the default cost model on a CPU with or without UMIP
/// (CR4.UMIP = 1: SGDT and its kin raise #GP at CPL > 0; Intel SDM, domain.md section 1).
pub fn run_on_cpu(mode: Mode, program: Program, umip: bool) -> Result<Trace, RunError> {
    run_preset(mode, program, &CostModel::default(), umip)
}

/// Runs a preset under a mode with a given cost model.
pub fn run_with_costs(mode: Mode, program: Program, costs: &CostModel) -> Result<Trace, RunError> {
    run_preset(mode, program, costs, false)
}

fn run_preset(
    mode: Mode,
    program: Program,
    costs: &CostModel,
    umip: bool,
) -> Result<Trace, RunError> {
    let code = program.code()?;
    let mut trace = Machine::new(mode, &code, *costs, umip).run()?;
    trace.program = Some(program);
    Ok(trace)
}

/// Runs assembled code (a preset's or a custom program) under a mode.
pub fn run_code(mode: Mode, code: &ProgramCode, costs: &CostModel) -> Result<Trace, RunError> {
    Machine::new(mode, code, *costs, false).run()
}

/// Interrupts and exceptions the kernel handles, with the label of the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Vector {
    /// The timer interrupt (or the paravirtual timer event).
    Timer,
    /// A general-protection fault from the application.
    GeneralProtection,
    /// A system call.
    Syscall,
}

impl Vector {
    /// The kernel label of the handler.
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Timer => "timer_irq",
            Self::GeneralProtection => "gp_fault",
            Self::Syscall => "sys_entry",
        }
    }

    /// The event, for error messages.
    pub(super) fn event(self) -> &'static str {
        match self {
            Self::Timer => "the timer interrupt",
            Self::GeneralProtection => "a general-protection fault",
            Self::Syscall => "a system call",
        }
    }

    /// Whether entry clears IF (interrupt gates do; the toy's system-call gate does not, like the
    /// trap gate x86-32 Linux used for `int 0x80`).
    pub(super) fn masks_interrupts(self) -> bool {
        self != Self::Syscall
    }
}

/// The running machine: real CPU, the VMM's virtual CPU, memory, devices and the step log.
pub(super) struct Machine<'c> {
    pub(super) mode: Mode,
    pub(super) costs: CostModel,
    pub(super) app: Option<&'c Listing>,
    pub(super) kernel: &'c Listing,
    pub(super) regs: Registers,
    pub(super) pc: CodeAddr,
    pub(super) real: CpuState,
    pub(super) vmx: VmxMode,
    /// The guest's view kept by the VMM (unused natively; under VT-x the guest-state area).
    pub(super) virt: CpuState,
    pub(super) mem: Vec<u32>,
    pub(super) clock: u64,
    pub(super) timer_deadline: Option<u64>,
    /// A physical timer interrupt is asserted and not yet taken.
    pub(super) irq_line: bool,
    /// Natively: the held interrupt was already shown as pending.
    irq_line_shown: bool,
    /// A virtual interrupt waits for the guest (trap-and-emulate, binary translation, VT-x).
    pub(super) virq_pending: bool,
    /// VT-x interrupt-window exiting is on.
    pub(super) interrupt_window: bool,
    pub(super) halted: bool,
    pub(super) disk: Vec<u8>,
    pub(super) blocks: Vec<TranslatedBlock>,
    /// Binary translation: the block and op expected next.
    pub(super) bt_at: Option<(usize, usize)>,
    pub(super) counters: Counters,
    pub(super) steps: Vec<Step>,
    ending: Option<Ending>,
    /// CR4.UMIP of the real CPU: SGDT raises #GP outside CPL 0 (Intel since about 2018, AMD
    /// Zen 2). Without it SGDT is one of x86's critical instructions.
    pub(super) umip: bool,
}

impl<'c> Machine<'c> {
    fn new(mode: Mode, code: &'c ProgramCode, costs: CostModel, umip: bool) -> Self {
        let app = code.app.as_ref();
        let starts_in_app = app.is_some();
        let pc = CodeAddr {
            space: if starts_in_app {
                Space::App
            } else {
                Space::Kernel
            },
            line: 0,
        };
        let guest = CpuState {
            cpl: if starts_in_app { 3 } else { 0 },
            if_flag: starts_in_app,
            ..CpuState::default()
        };
        let mut machine = Self {
            mode,
            costs,
            app,
            kernel: code.kernel_for(mode),
            regs: Registers {
                general: [0; 4],
                sp: STACK_TOP,
            },
            pc,
            real: guest,
            vmx: VmxMode::Off,
            virt: guest,
            mem: vec![0; MEMORY_WORDS],
            clock: 0,
            timer_deadline: None,
            irq_line: false,
            irq_line_shown: false,
            virq_pending: false,
            interrupt_window: false,
            halted: false,
            disk: Vec::new(),
            blocks: Vec::new(),
            bt_at: None,
            counters: Counters::default(),
            steps: Vec::new(),
            ending: None,
            umip,
        };
        if mode == Mode::Paravirt {
            // The shared-info page's event mask word: inside the memory the machine was built with.
            if let Some(mask) = machine.mem.get_mut(EVT_MASK_ADDR as usize) {
                *mask = u32::from(!guest.if_flag);
            }
        }
        machine.leave_vmm();
        machine
    }

    fn run(mut self) -> Result<Trace, RunError> {
        self.emit_start();
        while self.ending.is_none() {
            if self.steps.len() >= MAX_STEPS {
                return Err(RunError::StepLimit { limit: MAX_STEPS });
            }
            if let Some(deadline) = self.timer_deadline
                && self.clock >= deadline
            {
                self.timer_deadline = None;
                self.irq_line = true;
            }
            if self.handle_events()? {
                continue;
            }
            if self.halted {
                self.idle();
                continue;
            }
            self.step()?;
        }
        Ok(Trace {
            mode: self.mode,
            program: None,
            steps: self.steps,
            blocks: self.blocks,
            disk: self.disk,
            app: self.app.cloned(),
            kernel: self.kernel.clone(),
            ending: self.ending.unwrap_or(Ending::Halted),
        })
    }

    /// Lets the mode react to interrupts; true if it recorded a step.
    fn handle_events(&mut self) -> Result<bool, RunError> {
        match self.mode {
            Mode::Native => self.native_events(),
            Mode::TrapEmulate | Mode::BinaryTranslation | Mode::Paravirt => {
                self.software_vmm_events()
            }
            Mode::VtX => self.vtx_events(),
        }
    }

    /// Runs one guest step.
    fn step(&mut self) -> Result<(), RunError> {
        if self.mode == Mode::BinaryTranslation && self.pc.space == Space::Kernel {
            self.bt_step()
        } else {
            self.step_guest()
        }
    }

    /// Time passes while halted: jump to the timer's deadline, or end the run.
    fn idle(&mut self) {
        if let Some(deadline) = self.timer_deadline {
            self.clock = self.clock.max(deadline);
            return;
        }
        let lost = match self.mode {
            Mode::Native => self.irq_line && !self.real.if_flag,
            Mode::Paravirt => self.read_word(EVT_PENDING_ADDR) != 0,
            _ => self.virq_pending,
        };
        let at = self.pc;
        let (slug, label, ending) = if lost {
            let why = match self.mode {
                Mode::TrapEmulate => {
                    "the guest halts waiting for its tick, but its virtual IF is still 0 because its \
                     popf never trapped: the VMM must hold the interrupt forever and the guest never \
                     receives it"
                }
                Mode::Paravirt => {
                    "the guest blocks with its event mask set, so the pending event is never delivered"
                }
                _ => "the guest halts with IF = 0, so the pending interrupt can never be delivered",
            };
            ("irq-lost", capitalise(why), Ending::IrqLost)
        } else {
            let who = if self.mode.has_vmm() { "guest" } else { "CPU" };
            (
                "halt",
                format!("The {who} is halted and no interrupt is coming: the run ends."),
                Ending::Halted,
            )
        };
        let lane = if self.mode.has_vmm() {
            // The VMM idles on the real CPU at CPL 0 with interrupts enabled: it must accept
            // physical interrupts to ever wake the guest, whatever the guest's virtual IF says.
            self.real.cpl = 0;
            self.real.if_flag = true;
            Lane::Vmm
        } else {
            Lane::Hardware
        };
        self.emit(StepSpec {
            slug,
            label,
            lane,
            cursor: Cursor::at(at),
            guest_at: at,
            transfer: None,
            exit_reason: None,
        });
        self.ending = Some(ending);
    }

    /// Runs the next guest instruction on the real CPU and hands what the hardware raised to the mode.
    pub(super) fn step_guest(&mut self) -> Result<(), RunError> {
        let at = self.pc;
        let instr = self.fetch()?;
        let before = self.real;
        let before_virt = self.virt;
        match self.hw_exec(&instr)? {
            Hw::Retired => {
                self.retire();
                self.sync_after_direct();
                let label = self.direct_label(&instr, at, &before, &before_virt);
                self.emit_exec(&instr, at, label);
            }
            Hw::Halt => {
                self.halted = true;
                self.retire();
                let label = format!(
                    "The kernel executes hlt at CPL {}: the CPU stops until an interrupt arrives.",
                    before.cpl
                );
                self.emit_exec(&instr, at, label);
            }
            Hw::Fault(kind) => self.on_fault(&instr, at, kind)?,
            Hw::Syscall => self.on_syscall(at)?,
            Hw::Hypercall(call) => {
                if self.mode != Mode::Paravirt {
                    return Err(RunError::HypercallWithoutHypervisor {
                        call: call.name(),
                        mode: self.mode.slug(),
                    });
                }
                self.hypercall(call, at)?;
            }
            Hw::Exit(reason) => self.vm_exit(&instr, at, reason)?,
        }
        Ok(())
    }

    /// Keeps the virtual CPU in step after an instruction ran directly.
    pub(super) fn sync_after_direct(&mut self) {
        match self.mode {
            Mode::Paravirt => self.sync_pv_flags(),
            Mode::VtX => self.save_vtx_guest(),
            _ => {}
        }
    }

    fn native_events(&mut self) -> Result<bool, RunError> {
        if !self.irq_line {
            return Ok(false);
        }
        let at = self.pc;
        if self.real.if_flag {
            self.irq_line = false;
            self.irq_line_shown = false;
            self.halted = false;
            self.deliver_hw(Vector::Timer, at)?;
            self.counters.interrupts += 1;
            let cost = self.charge(Charge::ModeSwitch);
            self.emit(StepSpec {
                slug: "irq",
                label:
                    "The timer interrupt is delivered: the CPU pushes a return frame, clears IF \
                        and enters the kernel's handler."
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
            return Ok(true);
        }
        if self.irq_line_shown {
            return Ok(false);
        }
        self.irq_line_shown = true;
        self.emit(StepSpec {
            slug: "irq-pending",
            label:
                "The timer fires, but IF = 0: the CPU holds the interrupt until IF is set again."
                    .to_string(),
            lane: Lane::Hardware,
            cursor: Cursor::at(at),
            guest_at: at,
            transfer: None,
            exit_reason: None,
        });
        Ok(true)
    }

    /// Natively or under VT-x the guest's faults go to its own kernel; with a software VMM the VMM
    /// takes them first.
    fn on_fault(
        &mut self,
        instr: &Instr,
        at: CodeAddr,
        kind: super::exec::FaultKind,
    ) -> Result<(), RunError> {
        match self.mode {
            Mode::Native | Mode::VtX => {
                self.deliver_hw(Vector::GeneralProtection, at)?;
                let cost = self.charge(Charge::ModeSwitch);
                let label = format!(
                    "`{instr}` is privileged and the application runs at CPL 3: the CPU raises #GP \
                     and enters the kernel's fault handler."
                );
                self.emit(StepSpec {
                    slug: "gp",
                    label,
                    lane: Lane::GuestKernel,
                    cursor: Cursor::at(self.pc),
                    guest_at: at,
                    transfer: Some(Transfer {
                        from: Lane::of_space(at.space),
                        to: Lane::GuestKernel,
                        kind: TransferKind::Trap,
                        cost_cycles: cost,
                    }),
                    exit_reason: None,
                });
                Ok(())
            }
            _ if at.space == Space::App => self.reflect_fault(instr, at),
            _ => self.trap_and_emulate(instr, at, kind),
        }
    }

    fn on_syscall(&mut self, at: CodeAddr) -> Result<(), RunError> {
        if at.space == Space::Kernel {
            return Err(RunError::SyscallFromKernel);
        }
        self.counters.syscalls += 1;
        match self.mode {
            Mode::TrapEmulate | Mode::BinaryTranslation => self.reflect_syscall(at),
            Mode::Native | Mode::Paravirt | Mode::VtX => {
                self.deliver_hw(Vector::Syscall, at.next())?;
                self.retire();
                let cost = self.charge(Charge::ModeSwitch);
                let how = match self.mode {
                    Mode::Paravirt => {
                        "The system call goes straight to the guest kernel in ring 1 through the \
                         fast handler it registered with Xen, without entering the hypervisor."
                    }
                    Mode::VtX => {
                        "The system call goes straight to the guest kernel through its own tables, \
                         in non-root mode: no VM exit."
                    }
                    _ => "The application enters the kernel at sys_entry with a return frame.",
                };
                self.emit(StepSpec {
                    slug: "syscall",
                    label: how.to_string(),
                    lane: Lane::GuestKernel,
                    cursor: Cursor::at(self.pc),
                    guest_at: at,
                    transfer: Some(Transfer {
                        from: Lane::GuestApp,
                        to: Lane::GuestKernel,
                        kind: TransferKind::Syscall,
                        cost_cycles: cost,
                    }),
                    exit_reason: None,
                });
                Ok(())
            }
        }
    }

    /// Paravirtualization: the guest's IF is the shared-page event mask.
    pub(super) fn sync_pv_flags(&mut self) {
        self.virt.if_flag = self.read_word(EVT_MASK_ADDR) == 0;
    }

    /// Gives the real CPU to the VMM.
    pub(super) fn enter_vmm(&mut self) {
        if self.mode == Mode::VtX {
            self.save_vtx_guest();
            self.vmx = VmxMode::Root;
            self.real.gdtr = HOST_GDT_BASE;
            self.real.idtr = HOST_IDT_BASE;
            self.real.iopl = 0;
        }
        self.real.cpl = 0;
        self.real.if_flag = false;
    }

    /// Gives the real CPU back to the guest, with the privilege state the mode runs it in.
    pub(super) fn leave_vmm(&mut self) {
        match self.mode {
            Mode::Native => {}
            Mode::VtX => self.load_vtx_guest(),
            Mode::TrapEmulate | Mode::BinaryTranslation | Mode::Paravirt => {
                self.real.cpl = if self.virt.cpl == 0 { 1 } else { self.virt.cpl };
                self.real.if_flag = true;
                self.real.iopl = 0;
                self.real.gdtr = HOST_GDT_BASE;
                self.real.idtr = HOST_IDT_BASE;
                self.real.ptbr = self.real_page_table();
            }
        }
    }

    /// The page-table base the real CPU uses for the guest: the guest's own under paravirtualization
    /// (Xen validates it and then uses it directly), a shadow table elsewhere once the guest set one.
    pub(super) fn real_page_table(&self) -> u32 {
        match self.mode {
            Mode::Native | Mode::Paravirt => self.virt.ptbr,
            _ if self.virt.ptbr == 0 => 0,
            _ => SHADOW_PT_BASE,
        }
    }

    /// The flags word the guest believes it has.
    pub(super) fn virtual_flags_word(&self) -> u32 {
        self.virt.flags_word()
    }

    /// Applies a popped flags word to the virtual CPU (at virtual CPL 0, both IF and IOPL change).
    pub(super) fn set_virtual_flags(&mut self, word: u32) -> Result<(), RunError> {
        self.set_virtual_if(flags_if(word))?;
        self.virt.iopl = flags_iopl(word);
        Ok(())
    }

    /// Sets the guest's virtual IF (under paravirtualization: the event mask in memory).
    pub(super) fn set_virtual_if(&mut self, enabled: bool) -> Result<(), RunError> {
        self.virt.if_flag = enabled;
        if self.mode == Mode::Paravirt {
            self.store(EVT_MASK_ADDR, u32::from(!enabled))?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::cpu::{HOST_GDT_BASE, SHADOW_PT_BASE};
    use super::super::isa::InstrClass;
    use super::super::trace::{Snapshot, lockstep};
    use super::*;
    use proptest::prelude::*;

    /// Runs a preset; presets must always run.
    pub(in super::super) fn trace_of(mode: Mode, program: Program) -> Trace {
        run(mode, program).expect("preset runs")
    }

    /// The guest-kernel instructions a trace completed, in order.
    pub(in super::super) fn kernel_instructions(trace: &Trace) -> Vec<Instr> {
        let mut done = 0;
        let mut out = Vec::new();
        for step in &trace.steps {
            let now = step.state.counters.guest_instructions;
            if now > done && step.guest_at.space == Space::Kernel {
                let line = trace.kernel.get(step.guest_at.line).expect("kernel line");
                out.push(line.instr.clone());
            }
            done = now;
        }
        out
    }

    /// The state after the last step.
    pub(in super::super) fn final_state(trace: &Trace) -> &Snapshot {
        &trace.last().expect("a finished trace has steps").state
    }

    fn word(trace: &Trace, addr: usize) -> u32 {
        final_state(trace).memory[addr]
    }

    #[test]
    fn every_mode_runs_every_preset_to_completion() {
        for mode in Mode::ALL {
            for program in Program::ALL {
                let trace = trace_of(*mode, *program);
                let lost = *mode == Mode::TrapEmulate && *program == Program::Popf;
                let expected = if lost {
                    Ending::IrqLost
                } else {
                    Ending::Halted
                };
                assert_eq!(trace.ending, expected, "{} {}", mode.slug(), program.slug());
                let last = trace.last().expect("steps");
                assert_eq!(last.slug, if lost { "irq-lost" } else { "halt" });
                assert!(last.state.halted);
                assert_eq!(trace.program, Some(*program));
                assert_eq!(run(*mode, *program), Ok(trace), "runs are deterministic");
            }
        }
    }

    #[test]
    fn programs_compute_the_same_results_in_every_mode() {
        for mode in Mode::ALL {
            let disk = trace_of(*mode, Program::DiskWrite);
            assert_eq!(disk.disk, b"Hi", "{}", mode.slug());
            assert_eq!(final_state(&disk).counters.syscalls, 2);

            let compute = trace_of(*mode, Program::Compute);
            assert_eq!(word(&compute, 0x12), 5 + 4 + 3 + 2 + 1);

            let calls = trace_of(*mode, Program::SyscallLoop);
            assert_eq!(final_state(&calls).counters.syscalls, 5);

            let pages = trace_of(*mode, Program::PageTable);
            assert_eq!(&final_state(&pages).memory[0x40..0x43], &[0x15, 0x25, 0x35]);
            let guest_view = final_state(&pages).virt.unwrap_or(final_state(&pages).real);
            assert_eq!(guest_view.ptbr, 0x40);

            let timer = trace_of(*mode, Program::Timer);
            assert_eq!(word(&timer, 0x21), 1, "one tick in {}", mode.slug());

            let popf = trace_of(*mode, Program::Popf);
            assert_eq!(word(&popf, 0x20), 1, "the critical section ran");
        }
    }

    #[test]
    fn disk_receives_bytes_step_by_step() {
        let trace = trace_of(Mode::Native, Program::DiskWrite);
        let outs = trace.steps_with("out");
        assert_eq!(outs.len(), 2);
        assert_eq!(trace.disk_at(outs[0]), b"H");
        assert_eq!(trace.disk_at(outs[0] - 1), b"");
        assert_eq!(trace.disk_at(outs[1]), b"Hi");
    }

    #[test]
    fn popf_under_trap_and_emulate_loses_the_tick() {
        let trace = trace_of(Mode::TrapEmulate, Program::Popf);
        let popf = trace.first_step("popf").expect("popf runs directly");
        let at_popf = &trace.steps[popf].state;
        let virt = at_popf.virt.expect("a VMM keeps a virtual CPU");
        // POPF at CPL 1 > IOPL 0: no exception, IF unchanged (SDM); the VMM never saw it.
        assert_eq!(at_popf.real.cpl, 1);
        assert!(at_popf.real.if_flag);
        assert!(!virt.if_flag, "the guest's virtual IF wrongly stays 0");
        assert_eq!(
            at_popf.counters.traps,
            trace.steps[popf - 1].state.counters.traps
        );
        assert!(
            trace
                .first_step("irq-pending")
                .is_some_and(|pending| pending < popf)
        );
        assert_eq!(trace.first_step("irq"), None, "the tick is never delivered");
        assert_eq!(trace.last().map(|step| step.slug), Some("irq-lost"));
        assert_eq!(word(&trace, 0x21), 0, "the handler never ran");
        assert!(!final_state(&trace).virt.expect("virtual CPU").if_flag);
        // The VMM idles with real interrupts on, so the gap shows at the end too: real IF 1,
        // virtual IF 0.
        assert!(final_state(&trace).real.if_flag);
    }

    #[test]
    fn popf_is_correct_in_every_other_mode() {
        for mode in [
            Mode::Native,
            Mode::BinaryTranslation,
            Mode::Paravirt,
            Mode::VtX,
        ] {
            let trace = trace_of(mode, Program::Popf);
            let irq = trace.first_step("irq").expect("the tick arrives");
            let held = trace
                .first_step("irq-pending")
                .expect("the tick waits first");
            assert!(held < irq, "{}", mode.slug());
            assert_eq!(trace.steps_with("irq").len(), 1);
            assert_eq!(word(&trace, 0x21), 1);
            assert_eq!(trace.ending, Ending::Halted);
            assert_eq!(final_state(&trace).counters.interrupts, 1);
        }
    }

    #[test]
    fn trap_and_emulate_traps_once_per_privileged_kernel_instruction() {
        for program in Program::ALL {
            let trace = trace_of(Mode::TrapEmulate, *program);
            let executed = kernel_instructions(&trace);
            let privileged = executed
                .iter()
                .filter(|instr| instr.class() == InstrClass::Privileged)
                .count();
            let table_writes = if *program == Program::PageTable { 3 } else { 0 };
            let traps = final_state(&trace).counters.traps;
            assert_eq!(
                traps,
                (privileged + table_writes) as u64,
                "{}",
                program.slug()
            );
            assert_eq!(trace.steps_with("trap").len() as u64, traps);
            assert_eq!(trace.steps_with("emulate").len() as u64, traps);
        }
        // Where the guest follows the same path as natively, the deprivileged kernel runs exactly
        // the native kernel's instructions, each privileged one through a trap.
        for program in Program::ALL
            .iter()
            .filter(|program| **program != Program::Popf)
        {
            let native = kernel_instructions(&trace_of(Mode::Native, *program));
            let deprivileged = kernel_instructions(&trace_of(Mode::TrapEmulate, *program));
            assert_eq!(native, deprivileged, "{}", program.slug());
        }
        let disk = trace_of(Mode::TrapEmulate, Program::DiskWrite);
        // out, out, iret (first call); hlt (exit).
        assert_eq!(final_state(&disk).counters.traps, 4);
        assert_eq!(final_state(&disk).counters.reflections, 2);
    }

    #[test]
    fn trap_and_emulate_names_its_steps_in_order() {
        let trace = trace_of(Mode::TrapEmulate, Program::DiskWrite);
        let trap = trace.first_step("trap").expect("trap");
        assert_eq!(trace.steps[trap + 1].slug, "emulate");
        assert_eq!(trace.steps[trap + 2].slug, "resume");
        let arrow = trace.steps[trap].transfer.expect("a trap moves control");
        assert_eq!((arrow.from, arrow.to), (Lane::GuestKernel, Lane::Vmm));
        assert_eq!(arrow.kind, TransferKind::Trap);
        assert_eq!(
            arrow.cost_cycles,
            CostModel::default().trap_round_trip_cycles
        );
        assert_eq!(trace.steps[trap + 2].lane, Lane::GuestKernel);
        assert_eq!(
            trace.steps[trap + 2].state.pc,
            trace.steps[trap].guest_at.next(),
            "the guest resumes after the emulated instruction"
        );
    }

    #[test]
    fn umip_makes_sgdt_trap_but_leaves_popf_silent() {
        // Intel SDM, CR4.UMIP (domain.md section 1): with UMIP = 1, SGDT at CPL > 0 raises #GP,
        // so trap-and-emulate now traps and hands the guest its own table; POPF's IF update is
        // still silently dropped at CPL > IOPL, the example UMIP does not fix.
        let umip = run_on_cpu(Mode::TrapEmulate, Program::Sgdt, true).expect("runs");
        assert_eq!(word(&umip, 0x22), 0x2000, "the guest's own table");
        let traps = |trace: &Trace| trace.last().expect("steps").state.counters.traps;
        let plain = trace_of(Mode::TrapEmulate, Program::Sgdt);
        assert_eq!(traps(&umip), traps(&plain) + 1, "sgdt now traps");
        assert!(
            umip.first_step("sgdt").is_none(),
            "it never runs unprivileged"
        );
        for mode in Mode::ALL {
            let seen = word(&run_on_cpu(*mode, Program::Sgdt, true).expect("runs"), 0x22);
            assert_eq!(seen, 0x2000, "{}", mode.slug());
            let popf = run_on_cpu(*mode, Program::Popf, true).expect("runs");
            assert_eq!(
                popf.first_step("irq-lost").is_some(),
                *mode == Mode::TrapEmulate,
                "{}: UMIP does not fix popf",
                mode.slug()
            );
        }
    }

    #[test]
    fn sgdt_reveals_the_host_table_only_under_trap_and_emulate() {
        for mode in Mode::ALL {
            let seen = word(&trace_of(*mode, Program::Sgdt), 0x22);
            let expected = if *mode == Mode::TrapEmulate {
                HOST_GDT_BASE
            } else {
                0x2000
            };
            assert_eq!(seen, expected, "{}", mode.slug());
        }
    }

    #[test]
    fn the_real_cpu_runs_the_guest_deprivileged_and_the_vmm_privileged() {
        for mode in Mode::ALL {
            for program in Program::ALL {
                let trace = trace_of(*mode, *program);
                for step in &trace.steps {
                    let state = &step.state;
                    match (mode, step.lane) {
                        (Mode::Native, _) => assert_eq!(state.virt, None),
                        (Mode::VtX, Lane::Vmm) => assert_eq!(state.vmx, VmxMode::Root),
                        (Mode::VtX, _) => {
                            assert_eq!(state.vmx, VmxMode::NonRoot);
                            assert_eq!(Some(state.real.cpl), state.virt.map(|v| v.cpl));
                        }
                        (_, Lane::Vmm) => assert_eq!(state.real.cpl, 0),
                        (_, _) => {
                            assert!(state.real.cpl >= 1, "{} {}", mode.slug(), step.slug);
                            assert!(state.real.if_flag);
                            assert_eq!(state.real.gdtr, HOST_GDT_BASE);
                        }
                    }
                }
            }
        }
        let shadowed = trace_of(Mode::TrapEmulate, Program::PageTable);
        assert_eq!(final_state(&shadowed).real.ptbr, SHADOW_PT_BASE);
        let direct = trace_of(Mode::Paravirt, Program::PageTable);
        assert_eq!(final_state(&direct).real.ptbr, 0x40);
    }

    #[test]
    fn transfer_costs_and_counters_add_up_to_the_cycles() {
        let costs = CostModel::default();
        for mode in Mode::ALL {
            for program in Program::ALL {
                let trace = trace_of(*mode, *program);
                let counters = final_state(&trace).counters;
                assert_eq!(costs.cycles_for(&counters), counters.cycles);
                // Every charge except instructions, inline emulations and cache hits is drawn as
                // an arrow, so the arrows plus those three must give the same total.
                let arrows: u64 = trace
                    .steps
                    .iter()
                    .filter_map(|step| step.transfer.map(|t| t.cost_cycles))
                    .sum();
                let off_arrow = counters.guest_instructions * costs.instruction_cycles
                    + counters.inline_emulations * costs.bt_inline_cycles
                    + counters.tc_hits * costs.tc_hit_cycles;
                assert_eq!(arrows + off_arrow, counters.cycles, "{}", mode.slug());
                let cycles: Vec<u64> = trace
                    .steps
                    .iter()
                    .map(|step| step.state.counters.cycles)
                    .collect();
                assert!(cycles.windows(2).all(|pair| pair[0] <= pair[1]));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn cycles_follow_any_cost_model(
            instruction in 1u64..4,
            trap in 1u64..5000,
            exit in 1u64..5000,
            hypercall in 1u64..1000,
            translate in 1u64..500,
            callout in 1u64..1000,
        ) {
            let costs = CostModel {
                instruction_cycles: instruction,
                trap_round_trip_cycles: trap,
                vm_exit_round_trip_cycles: exit,
                hypercall_cycles: hypercall,
                translate_cycles_per_instruction: translate,
                bt_callout_cycles: callout,
                ..CostModel::default()
            };
            for mode in Mode::ALL {
                let trace = run_with_costs(*mode, Program::DiskWrite, &costs).expect("runs");
                let counters = final_state(&trace).counters;
                prop_assert_eq!(costs.cycles_for(&counters), counters.cycles);
                // The events do not depend on the prices.
                let default = trace_of(*mode, Program::DiskWrite);
                let base = final_state(&default).counters;
                prop_assert_eq!(counters.traps, base.traps);
                prop_assert_eq!(counters.vm_exits, base.vm_exits);
                prop_assert_eq!(counters.guest_instructions, base.guest_instructions);
            }
        }
    }

    #[test]
    fn step_keys_resolve_by_index_or_slug() {
        let trace = trace_of(Mode::TrapEmulate, Program::DiskWrite);
        for index in 0..trace.len() {
            assert_eq!(trace.resolve_step(&index.to_string()), Some(index));
            let slug = trace.steps[index].slug;
            let first = trace.resolve_step(slug).expect("slug resolves");
            assert!(first <= index);
            assert_eq!(trace.steps[first].slug, slug);
        }
        assert_eq!(trace.resolve_step(&trace.len().to_string()), None);
        assert_eq!(trace.resolve_step("no-such-step"), None);
    }

    #[test]
    fn the_scene_contract_slugs_occur() {
        let find = |mode, program, slug: &str| trace_of(mode, program).first_step(slug).is_some();
        for slug in ["trap", "emulate", "resume", "syscall", "reflect"] {
            assert!(find(Mode::TrapEmulate, Program::DiskWrite, slug), "{slug}");
        }
        assert!(find(
            Mode::BinaryTranslation,
            Program::DiskWrite,
            "translate"
        ));
        assert!(find(Mode::BinaryTranslation, Program::DiskWrite, "tc-hit"));
        assert!(find(Mode::Paravirt, Program::DiskWrite, "hypercall"));
        assert!(find(Mode::VtX, Program::DiskWrite, "vm-exit"));
        assert!(find(Mode::VtX, Program::DiskWrite, "vm-entry"));
        assert!(find(Mode::Native, Program::Timer, "irq"));
        assert!(find(Mode::TrapEmulate, Program::Popf, "irq-lost"));
    }

    #[test]
    fn native_user_privileged_instruction_faults_into_the_kernel() {
        let code = ProgramCode::assemble(
            Some("start: cli ; not allowed at CPL 3\n mov r0, 0\n syscall\n"),
            "sys_entry: hlt\ngp_fault: mov r3, 13\n hlt\n",
            "sys_entry: hcall block\ngp_fault: mov r3, 13\n hcall block\n",
        )
        .expect("valid");
        let trace = run_code(Mode::Native, &code, &CostModel::default()).expect("runs");
        let gp = trace.first_step("gp").expect("#GP");
        let step = &trace.steps[gp];
        let arrow = step.transfer.expect("fault transfer");
        assert_eq!((arrow.from, arrow.to), (Lane::GuestApp, Lane::GuestKernel));
        assert_eq!(arrow.kind, TransferKind::Trap);
        assert_eq!(step.state.real.cpl, 0);
        assert!(!step.state.real.if_flag);
        assert_eq!(
            step.state.pc,
            CodeAddr {
                space: Space::Kernel,
                line: 1
            }
        );
        assert_eq!(step.state.counters.traps, 0, "no VMM is involved");
        assert_eq!(final_state(&trace).regs.general[3], 13);
        // Under every VMM the guest kernel's own handler still gets the fault.
        for mode in [
            Mode::TrapEmulate,
            Mode::BinaryTranslation,
            Mode::Paravirt,
            Mode::VtX,
        ] {
            let trace = run_code(mode, &code, &CostModel::default()).expect("runs");
            assert!(trace.first_step("gp").is_some(), "{}", mode.slug());
            assert_eq!(final_state(&trace).regs.general[3], 13, "{}", mode.slug());
        }
    }

    #[test]
    fn errors_name_what_went_wrong() {
        let costs = CostModel::default();
        let endless =
            ProgramCode::assemble(Some("a: jmp a"), "k: hlt", "k: hcall block").expect("valid");
        assert_eq!(
            run_code(Mode::Native, &endless, &costs),
            Err(RunError::StepLimit { limit: MAX_STEPS })
        );
        let wild =
            ProgramCode::assemble(Some("load r0, [0x1000]"), "k: hlt", "k: hlt").expect("valid");
        assert_eq!(
            run_code(Mode::Native, &wild, &costs),
            Err(RunError::BadAddress {
                addr: 0x1000,
                words: MEMORY_WORDS
            })
        );
        let no_handler = ProgramCode::assemble(Some("cli"), "k: hlt", "k: hlt").expect("valid");
        assert!(matches!(
            run_code(Mode::Native, &no_handler, &costs),
            Err(RunError::MissingHandler {
                label: "gp_fault",
                ..
            })
        ));
        let hcall = ProgramCode::assemble(None, "hcall block", "hcall block").expect("valid");
        assert!(matches!(
            run_code(Mode::Native, &hcall, &costs),
            Err(RunError::HypercallWithoutHypervisor { .. })
        ));
        let off_end = ProgramCode::assemble(None, "nop", "nop").expect("valid");
        assert_eq!(
            run_code(Mode::Native, &off_end, &costs),
            Err(RunError::PcOutOfRange {
                listing: "kernel",
                line: 1
            })
        );
    }

    #[test]
    fn lockstep_rows_cover_both_traces_in_order() {
        for program in Program::ALL {
            let native = trace_of(Mode::Native, *program);
            for mode in Mode::ALL {
                let other = trace_of(*mode, *program);
                let rows = lockstep(&native, &other);
                assert_eq!(rows.first(), Some(&[0, 0]));
                assert_eq!(rows.last(), Some(&[native.len() - 1, other.len() - 1]));
                assert!(rows.windows(2).all(|pair| {
                    pair[0][0] <= pair[1][0] && pair[0][1] <= pair[1][1] && pair[0] != pair[1]
                }));
                for index in 0..native.len() {
                    assert!(rows.iter().any(|row| row[0] == index));
                }
                for index in 0..other.len() {
                    assert!(rows.iter().any(|row| row[1] == index));
                }
            }
            let same = lockstep(&native, &native);
            assert!(same.iter().all(|row| row[0] == row[1]));
            assert_eq!(same.len(), native.len());
        }
    }

    #[test]
    fn lockstep_rows_pair_equal_progress() {
        let native = trace_of(Mode::Native, Program::DiskWrite);
        let vmm = trace_of(Mode::TrapEmulate, Program::DiskWrite);
        for [a, b] in lockstep(&native, &vmm) {
            let done_a = native.steps[a].state.counters.guest_instructions;
            let done_b = vmm.steps[b].state.counters.guest_instructions;
            assert!(
                done_a.abs_diff(done_b) <= 1,
                "rows stay within one instruction"
            );
        }
    }
}
