//! The trace a run produces: the steps a student walks through, each with a snapshot of the state.
//!
//! A scene is `(mode, program, step)`, and the state at step N must be a pure function of it, cheap to
//! read while scrubbing. So a run records every step once with its own small snapshot (memory is 128
//! words; traces are at most a few hundred steps). The two append-only logs, the disk's bytes and the
//! translation cache, are stored once and cut at the length each snapshot records.
//!
//! Each step's state is the state *after* the step. Step 0 is the start of the run.

use super::asm::Listing;
use super::bt::TranslatedBlock;
use super::cpu::{CodeAddr, CpuState, Registers, Space, VmxMode};
use super::modes::Mode;
use super::programs::Program;
use super::vmm::{ExitReason, VmmRoutine};

/// A swim lane of the view: who runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    /// The guest application (CPL 3).
    GuestApp,
    /// The guest kernel.
    GuestKernel,
    /// The VMM or hypervisor.
    Vmm,
    /// The hardware itself (interrupt delivery, a halted CPU).
    Hardware,
}

impl Lane {
    /// Every lane, top to bottom.
    pub const ALL: &[Self] = &[Self::GuestApp, Self::GuestKernel, Self::Vmm, Self::Hardware];

    /// Short stable id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::GuestApp => "guest-app",
            Self::GuestKernel => "guest-kernel",
            Self::Vmm => "vmm",
            Self::Hardware => "hardware",
        }
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::GuestApp => "Guest application",
            Self::GuestKernel => "Guest kernel",
            Self::Vmm => "VMM / hypervisor",
            Self::Hardware => "Hardware",
        }
    }

    /// The lane that runs code of a listing.
    pub fn of_space(space: Space) -> Self {
        match space {
            Space::App => Self::GuestApp,
            Space::Kernel => Self::GuestKernel,
        }
    }
}

/// The kind of a control transfer between lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferKind {
    /// A fault (#GP, #PF) taken by the VMM or the kernel.
    Trap,
    /// A VT-x VM exit to the VMM (root mode).
    VmExit,
    /// A VT-x VM entry into the guest (non-root mode).
    VmEntry,
    /// A paravirtual guest calls the hypervisor.
    Hypercall,
    /// An application enters the kernel, or the VMM forwards that entry into the guest kernel.
    Syscall,
    /// A return to the code that was running (iret, resume).
    Return,
    /// An interrupt delivered, or taken by the VMM.
    Interrupt,
    /// The binary translator translates a block.
    Translate,
    /// Translated code calls into the VMM.
    Callout,
}

impl TransferKind {
    /// Short stable id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Trap => "trap",
            Self::VmExit => "vm-exit",
            Self::VmEntry => "vm-entry",
            Self::Hypercall => "hypercall",
            Self::Syscall => "syscall",
            Self::Return => "return",
            Self::Interrupt => "interrupt",
            Self::Translate => "translate",
            Self::Callout => "callout",
        }
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Trap => "Trap",
            Self::VmExit => "VM exit",
            Self::VmEntry => "VM entry",
            Self::Hypercall => "Hypercall",
            Self::Syscall => "System call",
            Self::Return => "Return",
            Self::Interrupt => "Interrupt",
            Self::Translate => "Translate",
            Self::Callout => "Callout",
        }
    }
}

/// A control transfer drawn as an arrow between lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    /// Where control comes from.
    pub from: Lane,
    /// Where control goes.
    pub to: Lane,
    /// What kind of transfer.
    pub kind: TransferKind,
    /// Cycles charged for it by the cost model. Round trips are charged on the way in, so returns
    /// show 0.
    pub cost_cycles: u64,
}

/// Which listing a cursor points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListingRef {
    /// The guest application.
    App,
    /// The guest kernel the mode runs (the modified one under paravirtualization).
    Kernel,
    /// A translated block in the translation cache, by index.
    Translated(usize),
    /// A VMM routine's pseudo-code.
    Vmm(VmmRoutine),
}

/// The highlighted line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The listing.
    pub listing: ListingRef,
    /// Line index within it.
    pub line: usize,
}

impl Cursor {
    /// The cursor for a guest code address.
    pub fn at(addr: CodeAddr) -> Self {
        let listing = match addr.space {
            Space::App => ListingRef::App,
            Space::Kernel => ListingRef::Kernel,
        };
        Self {
            listing,
            line: addr.line,
        }
    }
}

/// Event counters, accumulated over the run. Every cost-bearing event increments exactly one of the
/// counters that [`super::cost::CostModel::cycles_for`] prices, so `cycles` is their priced sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counters {
    /// Guest instructions completed, whether run directly, from translated code or emulated.
    pub guest_instructions: u64,
    /// Hardware entries straight into the guest kernel through its own tables (system calls,
    /// interrupts and faults delivered without a VMM in between).
    pub mode_switches: u64,
    /// Guest-kernel instructions that faulted into the VMM to be emulated (#GP on privileged
    /// instructions, #PF on write-protected page tables).
    pub traps: u64,
    /// System calls, application faults and physical interrupts that entered the VMM or hypervisor
    /// first and were forwarded to the guest (or held pending for it).
    pub reflections: u64,
    /// VT-x VM exits (each followed by a VM entry).
    pub vm_exits: u64,
    /// Hypercalls.
    pub hypercalls: u64,
    /// Basic blocks translated (each after a translation-cache miss).
    pub translations: u64,
    /// Guest instructions translated.
    pub translated_instructions: u64,
    /// Translation-cache hits.
    pub tc_hits: u64,
    /// Sensitive instructions emulated inline by translated code.
    pub inline_emulations: u64,
    /// Calls from translated code into the VMM.
    pub callouts: u64,
    /// System calls made by the application.
    pub syscalls: u64,
    /// Interrupts delivered to the guest kernel.
    pub interrupts: u64,
    /// Cycles so far (idle time while halted is not counted).
    pub cycles: u64,
}

impl Counters {
    /// Translation-cache misses: every miss translates one block.
    pub fn tc_misses(&self) -> u64 {
        self.translations
    }
}

/// The machine state after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The real CPU's privilege state.
    pub real: CpuState,
    /// VT-x root or non-root (off in the other modes).
    pub vmx: VmxMode,
    /// The guest's virtual CPU as the VMM keeps it; `None` natively, where the real CPU is the
    /// guest's.
    pub virt: Option<CpuState>,
    /// The guest's registers.
    pub regs: Registers,
    /// The guest's next instruction.
    pub pc: CodeAddr,
    /// Guest memory, word by word.
    pub memory: Vec<u32>,
    /// Counters so far.
    pub counters: Counters,
    /// Bytes the disk has received so far (see [`Trace::disk_at`]).
    pub disk_bytes: usize,
    /// Blocks in the translation cache so far (see [`Trace::blocks_at`]).
    pub tc_blocks: usize,
    /// The timer's clock: guest instructions plus idle time.
    pub clock: u64,
    /// When the armed timer fires, on the same clock.
    pub timer_deadline: Option<u64>,
    /// An interrupt is waiting to be delivered to the guest.
    pub irq_pending: bool,
    /// The guest is halted, waiting for an interrupt.
    pub halted: bool,
}

/// One step a student steps through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Short id; repeats across a trace (see [`Trace::first_step`]). Executed guest instructions use
    /// their mnemonic (`popf`); VMM events use `trap`, `emulate`, `resume`, `translate`, `tc-hit`,
    /// `callout`, `hypercall`, `handle`, `vm-exit`, `vm-entry`, `syscall`, `reflect`, `timer`, `irq`,
    /// `irq-pending`, `irq-lost`, `gp`, `start`, `halt`.
    pub slug: &'static str,
    /// One sentence: what happens and why.
    pub label: String,
    /// Who runs during the step.
    pub lane: Lane,
    /// The highlighted line of the running lane's listing.
    pub cursor: Cursor,
    /// The guest instruction this step concerns (the faulting one while the VMM handles it).
    pub guest_at: CodeAddr,
    /// The control transfer, if the step moves control between lanes.
    pub transfer: Option<Transfer>,
    /// The VT-x exit reason of a `vm-exit` step.
    pub exit_reason: Option<ExitReason>,
    /// State after the step.
    pub state: Snapshot,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The guest halted with nothing left that could wake it.
    Halted,
    /// The guest halted while an interrupt it expected stayed undeliverable (virtual IF stuck at 0).
    IrqLost,
}

/// A complete, deterministic run of a program under a mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The mode.
    pub mode: Mode,
    /// The preset, if the run was of one.
    pub program: Option<Program>,
    /// The steps; never empty (step 0 is the start).
    pub steps: Vec<Step>,
    /// The translation cache at the end (binary translation only).
    pub blocks: Vec<TranslatedBlock>,
    /// Every byte the disk received.
    pub disk: Vec<u8>,
    /// The application listing, if any.
    pub app: Option<Listing>,
    /// The kernel listing that ran.
    pub kernel: Listing,
    /// How the run ended.
    pub ending: Ending,
}

impl Trace {
    /// The guest instruction at `addr`, in the listing that ran.
    pub fn instr_at(&self, addr: CodeAddr) -> Option<&super::isa::Instr> {
        let listing = match addr.space {
            Space::App => self.app.as_ref()?,
            Space::Kernel => &self.kernel,
        };
        listing.get(addr.line).map(|line| &line.instr)
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether there are no steps (never true for a finished run).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The step at an index.
    pub fn step(&self, index: usize) -> Option<&Step> {
        self.steps.get(index)
    }

    /// The last step.
    pub fn last(&self) -> Option<&Step> {
        self.steps.last()
    }

    /// Index of the first step with a slug.
    pub fn first_step(&self, slug: &str) -> Option<usize> {
        self.steps.iter().position(|step| step.slug == slug)
    }

    /// Indices of every step with a slug.
    pub fn steps_with(&self, slug: &str) -> Vec<usize> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, step)| step.slug == slug)
            .map(|(index, _)| index)
            .collect()
    }

    /// Resolves a scene link's `step=` value: a 0-based index or a slug (its first occurrence).
    pub fn resolve_step(&self, key: &str) -> Option<usize> {
        match key.parse::<usize>() {
            Ok(index) => (index < self.steps.len()).then_some(index),
            Err(_) => self.first_step(key),
        }
    }

    /// The bytes the disk had received after a step.
    pub fn disk_at(&self, index: usize) -> &[u8] {
        let len = self.step(index).map_or(0, |step| step.state.disk_bytes);
        self.disk.get(..len).unwrap_or(&self.disk)
    }

    /// The translation cache after a step.
    pub fn blocks_at(&self, index: usize) -> &[TranslatedBlock] {
        let len = self.step(index).map_or(0, |step| step.state.tc_blocks);
        self.blocks.get(..len).unwrap_or(&self.blocks)
    }

    /// The text lines of a listing, for display beside the cursor.
    pub fn listing_lines(&self, listing: ListingRef) -> Vec<String> {
        match listing {
            ListingRef::App => self
                .app
                .iter()
                .flat_map(|app| app.lines())
                .map(|line| line.text())
                .collect(),
            ListingRef::Kernel => self.kernel.lines().iter().map(|line| line.text()).collect(),
            ListingRef::Translated(block) => self
                .blocks
                .get(block)
                .map(|block| block.ops.iter().map(|op| op.text.clone()).collect())
                .unwrap_or_default(),
            ListingRef::Vmm(routine) => routine
                .lines()
                .iter()
                .map(|line| line.to_string())
                .collect(),
        }
    }
}

/// Aligns two traces of the same program for the side-by-side view.
///
/// Rows are grouped by guest instructions completed: group k holds, in each trace, the steps after the
/// one completing guest instruction k-1 up to the one completing instruction k. A group's rows pair
/// those steps one to one; the shorter side repeats its last step, so the trace with less work "waits"
/// while the other traps, exits or translates. Each row is `[index in a, index in b]`; rows are
/// monotone in both. Under paravirtualization the kernel differs, so its guest instructions are
/// counted in the modified kernel.
pub fn lockstep(a: &Trace, b: &Trace) -> Vec<[usize; 2]> {
    let groups_a = groups(a);
    let groups_b = groups(b);
    let mut rows = Vec::new();
    let count = groups_a.len().max(groups_b.len());
    let mut last = [0, 0];
    for group in 0..count {
        let side_a = groups_a.get(group).map(Vec::as_slice).unwrap_or_default();
        let side_b = groups_b.get(group).map(Vec::as_slice).unwrap_or_default();
        for row in 0..side_a.len().max(side_b.len()) {
            let index_a = side_a.get(row).copied().unwrap_or(last[0]);
            let index_b = side_b.get(row).copied().unwrap_or(last[1]);
            last = [index_a, index_b];
            rows.push(last);
        }
    }
    rows
}

/// Splits a trace's step indices into groups ending at each completed guest instruction.
fn groups(trace: &Trace) -> Vec<Vec<usize>> {
    let mut groups = vec![Vec::new()];
    let mut done = 0;
    for (index, step) in trace.steps.iter().enumerate() {
        if let Some(group) = groups.last_mut() {
            group.push(index);
        }
        if step.state.counters.guest_instructions > done {
            done = step.state.counters.guest_instructions;
            groups.push(Vec::new());
        }
    }
    groups.retain(|group| !group.is_empty());
    groups
}
