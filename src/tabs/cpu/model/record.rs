//! Recording steps: each step is stored with a snapshot of the state after it.
//!
//! Snapshots are taken once, while running, so that reading step N later is a lookup.

use super::cpu::{CodeAddr, EVT_PENDING_ADDR, Space};
use super::isa::Instr;
use super::machine::Machine;
use super::modes::Mode;
use super::trace::{Cursor, Lane, Snapshot, Step, Transfer, TransferKind};
use super::vmm::ExitReason;

/// What a step records besides the snapshot.
pub(super) struct StepSpec {
    /// See [`Step::slug`].
    pub(super) slug: &'static str,
    /// See [`Step::label`].
    pub(super) label: String,
    /// See [`Step::lane`].
    pub(super) lane: Lane,
    /// See [`Step::cursor`].
    pub(super) cursor: Cursor,
    /// See [`Step::guest_at`].
    pub(super) guest_at: CodeAddr,
    /// See [`Step::transfer`].
    pub(super) transfer: Option<Transfer>,
    /// See [`Step::exit_reason`].
    pub(super) exit_reason: Option<ExitReason>,
}

impl Machine<'_> {
    /// Records step 0: the start of the run (VMLAUNCH under VT-x).
    pub(super) fn emit_start(&mut self) {
        let at = self.pc;
        let lane = Lane::of_space(at.space);
        let who = match at.space {
            Space::App => "the application starts at CPL 3 with interrupts enabled",
            Space::Kernel => {
                "the kernel starts at CPL 0 with interrupts disabled, as after a reset"
            }
        };
        let (slug, label, transfer) = match self.mode {
            Mode::VtX => (
                "vm-entry",
                format!("The VMM executes VMLAUNCH: the guest enters VMX non-root mode and {who}."),
                Some(Transfer {
                    from: Lane::Vmm,
                    to: lane,
                    kind: TransferKind::VmEntry,
                    cost_cycles: 0,
                }),
            ),
            Mode::Native => ("start", format!("The run begins: {who}."), None),
            _ => (
                "start",
                format!(
                    "The run begins under the {}: {who} (the guest's view; the real CPU runs it \
                     deprivileged).",
                    match self.mode {
                        Mode::Paravirt => "hypervisor",
                        _ => "VMM",
                    }
                ),
                None,
            ),
        };
        self.emit(StepSpec {
            slug,
            label,
            lane,
            cursor: Cursor::at(at),
            guest_at: at,
            transfer,
            exit_reason: None,
        });
    }

    /// Records a directly executed guest instruction.
    pub(super) fn emit_exec(&mut self, instr: &Instr, at: CodeAddr, label: String) {
        self.emit(StepSpec {
            slug: instr.mnemonic(),
            label,
            lane: Lane::of_space(at.space),
            cursor: Cursor::at(at),
            guest_at: at,
            transfer: None,
            exit_reason: None,
        });
    }

    /// Records a step with a snapshot of the state after it.
    pub(super) fn emit(&mut self, spec: StepSpec) {
        let irq_pending = match self.mode {
            Mode::Native => self.irq_line,
            Mode::Paravirt => self.read_word(EVT_PENDING_ADDR) != 0,
            _ => self.virq_pending,
        };
        let state = Snapshot {
            real: self.real,
            vmx: self.vmx,
            virt: self.mode.has_vmm().then_some(self.virt),
            regs: self.regs,
            pc: self.pc,
            memory: self.mem.clone(),
            counters: self.counters,
            disk_bytes: self.disk.len(),
            tc_blocks: self.blocks.len(),
            clock: self.clock,
            timer_deadline: self.timer_deadline,
            irq_pending,
            halted: self.halted,
        };
        self.steps.push(Step {
            slug: spec.slug,
            label: spec.label,
            lane: spec.lane,
            cursor: spec.cursor,
            guest_at: spec.guest_at,
            transfer: spec.transfer,
            exit_reason: spec.exit_reason,
            state,
        });
    }
}

/// Upper-cases the first letter and ends with a period.
pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}
