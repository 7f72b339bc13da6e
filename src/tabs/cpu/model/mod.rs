//! The pure model of the CPU virtualization tab (issue 5): a toy CPU running real guest code under
//! five execution modes.
//!
//! Why a machine and not an animation: the deck's questions (what trap-and-emulate's steps are, why it
//! is slower, what a critical instruction is, why binary translation and paravirtualization exist) all
//! have answers that *follow* from instruction semantics. Running the same guest program under each
//! mode lets the differences fall out of the rules, including the Popek-Goldberg failure: under plain
//! trap-and-emulate the `popf` program ends with the guest's virtual IF wrongly 0 and its timer tick
//! never delivered (step `irq-lost`), while every other mode delivers it (step `irq`).
//!
//! How the lead drives it: `run(mode, program)` returns a [`trace::Trace`] once; the view reads
//! `trace.steps[n]` (slug, label, lane, cursor, transfer, snapshot of real and virtual CPU, counters)
//! for any step `n`, resolves `step=` values with [`trace::Trace::resolve_step`], shows listings with
//! [`trace::Trace::listing_lines`], and aligns two traces with [`trace::lockstep`]. The cost view uses
//! [`slowdown::curve`] and [`cost::program_totals`].
//!
//! Layout: `isa` (instructions and classes), `asm` (source text to listings), `cpu` (state and memory
//! map), `programs` and `modes` (scene-link presets), `machine` (the interpreter loop), `hw` (memory, stack,
//! devices), `record` (steps and snapshots), `exec` (what the real CPU does), `emulate` (the software VMM), `bt`, `paravirt`, `vtx` (the other VMMs), `vmm`
//! (VMM routines and exit reasons), `trace` (steps and alignment), `cost` (cycles per event), `slowdown` (the cost chart's curves,
//! with memory costs from the Memory tab's model).

pub mod asm;
pub mod bt;
pub mod cost;
pub mod cpu;
mod emulate;
pub mod error;
mod exec;
mod hw;
pub mod isa;
pub mod machine;
pub mod modes;
mod paravirt;
pub mod programs;
mod record;
pub mod slowdown;
pub mod trace;
pub mod vmm;
mod vtx;

pub use cost::{CostModel, program_totals};
pub use error::{AsmError, RunError};
pub use machine::{run, run_code, run_on_cpu, run_with_costs};
pub use modes::Mode;
pub use programs::Program;
pub use trace::{Step, Trace, lockstep};

/// The x86 instructions Robin and Irvine (USENIX Security 2000) found to break Popek and
/// Goldberg's condition, as secondary sources group them (domain.md section 1). The count is
/// quoted as 17 (the usual figure) or 18 (Hennessy and Patterson's table; these are 18
/// mnemonics), so the app shows the list and both counts, never one number as fact.
pub const ROBIN_IRVINE_LIST: &str = "SGDT, SIDT, SLDT, SMSW, PUSHF, POPF, LAR, LSL, VERR, VERW, \
     POP, PUSH, CALL, JMP, INT n, RET, STR, MOV (segment registers)";

/// How the count of that list is quoted.
pub const ROBIN_IRVINE_COUNT: &str = "quoted as 17 or 18";

/// Where the model's facts come from (beyond the cost model's own [`cost::COST_SOURCES`]).
pub const SOURCES: &[&str] = &[
    "Popek and Goldberg, \"Formal Requirements for Virtualizable Third Generation Architectures\", \
     CACM 17(7), July 1974: privileged and sensitive instructions; a VMM can be built if sensitive \
     instructions are a subset of privileged ones (sufficient, not necessary).",
    "Intel 64 and IA-32 Architectures Software Developer's Manual: POPF changes IF only if \
     CPL <= IOPL and raises no exception otherwise; CLI and STI raise #GP at CPL > IOPL; VMX root and \
     non-root operation, VM exits and entries, basic exit reasons (Appendix C).",
    "Robin and Irvine, USENIX Security 2000: about 250 Pentium instructions examined; the problem \
     ones, quoted as 17 or 18 (see ROBIN_IRVINE_LIST), include SGDT, SIDT, SLDT, SMSW, PUSHF and \
     POPF, which are sensitive but unprivileged.",
    "Intel SDM, CR4.UMIP: with UMIP set (Intel since about 2018, AMD Zen 2) SGDT, SIDT, SLDT, SMSW \
     and STR raise #GP at CPL > 0; POPF's silent IF is unchanged.",
    "Adams and Agesen, ASPLOS 2006: VMware's binary translator translates guest kernel code on demand \
     into a translation cache; user code runs directly; first-generation VT-x lacked MMU \
     virtualization.",
    "Barham et al., \"Xen and the Art of Virtualization\", SOSP 2003: paravirtualized kernel in \
     ring 1, hypercalls, batched and validated page-table updates, fast system-call handlers.",
    "Xen public header xen.h: vcpu_info.evtchn_upcall_mask / evtchn_upcall_pending; the mask is read \
     before an event upcall and cleared when the vCPU blocks; hypercall names.",
    "Intel Technology Journal 10(3), 2006: interrupt-window exiting lets a VMM deliver an interrupt \
     as soon as the guest is ready for it.",
    "Toy simplifications (not x86): iret is privileged here; port numbers 0x1F0 and 0x40 are borrowed \
     from the PC but the devices are toys; page-table entries and hypercall arguments use toy formats.",
];
