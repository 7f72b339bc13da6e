//! The guest programs students step through, written in the toy ISA and shown as source.
//!
//! Each preset has a kernel listing, an optional application listing, and the *modified* kernel a
//! paravirtualized guest runs instead (its comments say which instruction each hypercall replaces).
//! The application is the same in every mode: paravirtualization changes the kernel, not the ABI.
//!
//! Programs with an application start in it at CPL 3 with interrupts enabled (the kernel has already
//! booted); kernel-only programs start at kernel line 0 at CPL 0 with IF = 0, as after a reset.
//! Kernel entry points are the labels `sys_entry` (system calls), `timer_irq` (timer interrupt or
//! event upcall) and `gp_fault` (a general-protection fault from the application).

use super::asm::{Listing, assemble};
use super::error::AsmError;
use super::modes::Mode;

/// A preset guest program (`program=<slug>` in scene links).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Program {
    /// An application writes two bytes to disk through a system call and the kernel's driver.
    DiskWrite,
    /// An interrupt-critical section `pushf; cli; ...; popf`, then the kernel waits for a timer tick.
    Popf,
    /// The kernel switches to a new page table and maps three pages in it.
    PageTable,
    /// The kernel loads its interrupt table, arms the timer and sleeps until the tick.
    Timer,
    /// An application makes system calls in a loop.
    SyscallLoop,
    /// An application computes a sum without the kernel until it exits.
    Compute,
    /// The kernel loads its descriptor table and reads the register back with `sgdt`.
    Sgdt,
}

/// The source texts of a preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgramSource {
    /// The application, if the program has one.
    pub app: Option<&'static str>,
    /// The unmodified guest kernel (native, trap-and-emulate, binary translation, VT-x).
    pub kernel: &'static str,
    /// The modified guest kernel a paravirtualized guest runs.
    pub pv_kernel: &'static str,
}

/// Assembled listings of a program, ready to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramCode {
    /// The application, if any.
    pub app: Option<Listing>,
    /// The unmodified guest kernel.
    pub kernel: Listing,
    /// The paravirtualized guest kernel.
    pub pv_kernel: Listing,
}

impl ProgramCode {
    /// Assembles a program from source texts (presets or custom code).
    pub fn assemble(app: Option<&str>, kernel: &str, pv_kernel: &str) -> Result<Self, AsmError> {
        Ok(Self {
            app: app.map(assemble).transpose()?,
            kernel: assemble(kernel)?,
            pv_kernel: assemble(pv_kernel)?,
        })
    }

    /// The kernel listing a mode runs.
    pub fn kernel_for(&self, mode: Mode) -> &Listing {
        if mode == Mode::Paravirt {
            &self.pv_kernel
        } else {
            &self.kernel
        }
    }
}

impl Program {
    /// Every preset, in teaching order.
    pub const ALL: &[Self] = &[
        Self::DiskWrite,
        Self::Popf,
        Self::PageTable,
        Self::Timer,
        Self::SyscallLoop,
        Self::Compute,
        Self::Sgdt,
    ];

    /// Scene-link id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::DiskWrite => "disk-write",
            Self::Popf => "popf",
            Self::PageTable => "page-table",
            Self::Timer => "timer",
            Self::SyscallLoop => "syscall-loop",
            Self::Compute => "compute",
            Self::Sgdt => "sgdt",
        }
    }

    /// Parses a scene-link id.
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|program| program.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::DiskWrite => "Disk write",
            Self::Popf => "Interrupt-critical section (popf)",
            Self::PageTable => "Page-table switch",
            Self::Timer => "Timer interrupt",
            Self::SyscallLoop => "System-call loop",
            Self::Compute => "Compute loop",
            Self::Sgdt => "Reading the descriptor table (sgdt)",
        }
    }

    /// What the program shows, in one or two sentences.
    pub fn description(self) -> &'static str {
        match self {
            Self::DiskWrite => {
                "The application asks the kernel to write \"Hi\"; the kernel's driver writes each byte \
                 to the disk's I/O port and returns."
            }
            Self::Popf => {
                "The kernel protects a counter with pushf; cli; ...; popf while a timer tick arrives. \
                 The tick must be delivered once popf re-enables interrupts."
            }
            Self::PageTable => {
                "The kernel loads a new page-table base and writes three entries into the live table \
                 (toy entry format: frame number times 16, plus flags)."
            }
            Self::Timer => {
                "The kernel loads its interrupt table, enables interrupts, arms the timer and sleeps; \
                 the tick runs its handler once."
            }
            Self::SyscallLoop => {
                "The application makes four getpid system calls and exits: every call crosses into the \
                 kernel and back."
            }
            Self::Compute => {
                "The application sums 5+4+3+2+1 with a helper function: ordinary instructions only, \
                 until it exits."
            }
            Self::Sgdt => {
                "The kernel loads its descriptor table at 0x2000 and reads the register back: on a \
                 CPU without UMIP a deprivileged kernel sees the host's table instead."
            }
        }
    }

    /// The source texts.
    pub fn source(self) -> ProgramSource {
        match self {
            Self::DiskWrite => ProgramSource {
                app: Some(DISK_WRITE_APP),
                kernel: DISK_WRITE_KERNEL,
                pv_kernel: DISK_WRITE_PV_KERNEL,
            },
            Self::Popf => ProgramSource {
                app: None,
                kernel: POPF_KERNEL,
                pv_kernel: POPF_PV_KERNEL,
            },
            Self::PageTable => ProgramSource {
                app: None,
                kernel: PAGE_TABLE_KERNEL,
                pv_kernel: PAGE_TABLE_PV_KERNEL,
            },
            Self::Timer => ProgramSource {
                app: None,
                kernel: TIMER_KERNEL,
                pv_kernel: TIMER_PV_KERNEL,
            },
            Self::SyscallLoop => ProgramSource {
                app: Some(SYSCALL_LOOP_APP),
                kernel: SYSCALL_LOOP_KERNEL,
                pv_kernel: SYSCALL_LOOP_PV_KERNEL,
            },
            Self::Compute => ProgramSource {
                app: Some(COMPUTE_APP),
                kernel: COMPUTE_KERNEL,
                pv_kernel: COMPUTE_PV_KERNEL,
            },
            Self::Sgdt => ProgramSource {
                app: None,
                kernel: SGDT_KERNEL,
                pv_kernel: SGDT_PV_KERNEL,
            },
        }
    }

    /// Assembles the program.
    pub fn code(self) -> Result<ProgramCode, AsmError> {
        let source = self.source();
        ProgramCode::assemble(source.app, source.kernel, source.pv_kernel)
    }
}

const DISK_WRITE_APP: &str = "\
start:      mov   r0, 0x48        ; 'H'
            store [0x10], r0      ; buffer[0] = 'H'
            mov   r0, 0x69        ; 'i'
            store [0x11], r0      ; buffer[1] = 'i'
            mov   r0, 1           ; system call 1: write(buffer, length)
            mov   r1, 0x10        ; r1 = buffer address
            mov   r2, 2           ; r2 = length in bytes
            syscall               ; enter the guest kernel
            mov   r0, 0           ; system call 0: exit
            syscall
";

const DISK_WRITE_KERNEL: &str = "\
sys_entry:  jz    r0, exit        ; call 0 is exit
loop:       load  r3, [r1]        ; next byte of the buffer
            out   DISK, r3        ; driver: write it to the disk's data port
            add   r1, 1
            sub   r2, 1
            jnz   r2, loop        ; until every byte is written
            iret                  ; return to the application
exit:       hlt                   ; nothing left to run: idle
            jmp   exit
";

const DISK_WRITE_PV_KERNEL: &str = "\
sys_entry:  jz    r0, exit        ; call 0 is exit
            hcall evtchn_send     ; was the out loop: hand the buffer (r1, r2) to the disk backend
            hcall iret            ; was: iret
exit:       hcall block           ; was: hlt
            jmp   exit
";

const POPF_KERNEL: &str = "\
start:      sti                   ; enable interrupts
            mov   r1, 3
            out   TIMER, r1       ; arm the timer: a tick after 3 more instructions
            pushf                 ; save the flags (IF = 1)
            cli                   ; critical section: interrupts off
            load  r0, [0x20]
            add   r0, 1           ; (the tick fires about here and must wait)
            store [0x20], r0      ; counter += 1
            popf                  ; restore the flags: IF = 1, the held tick may arrive
idle:       hlt                   ; wait for interrupts
            jmp   idle
timer_irq:  load  r2, [0x21]
            add   r2, 1
            store [0x21], r2      ; ticks += 1
            iret
";

const POPF_PV_KERNEL: &str = "\
start:      mov   r0, 0
            store [EVT_MASK], r0  ; was: sti (unmask events in the shared vcpu_info page)
            mov   r1, 3
            hcall set_timer       ; was: out TIMER, r1
            load  r3, [EVT_MASK]  ; was: pushf (save the event mask)
            mov   r0, 1
            store [EVT_MASK], r0  ; was: cli (mask events: a plain store, no trap)
            load  r0, [0x20]      ; (the tick fires about here and must wait)
            add   r0, 1
            store [0x20], r0      ; counter += 1
            store [EVT_MASK], r3  ; was: popf (restore the saved mask)
idle:       hcall block           ; was: hlt (Xen delivers pending events, or idles)
            jmp   idle
timer_irq:  load  r2, [0x21]
            add   r2, 1
            store [0x21], r2      ; ticks += 1
            hcall iret            ; was: iret
";

const PAGE_TABLE_KERNEL: &str = "\
start:      mov   r0, 0x40        ; base of the new page table
            lpt   r0              ; load the page-table base (like mov cr3)
            mov   r1, 0x15        ; entry: frame 1, flags 5
            store [0x40], r1      ; map page 0 in the live table
            mov   r1, 0x25        ; entry: frame 2, flags 5
            store [0x41], r1      ; map page 1
            mov   r1, 0x35        ; entry: frame 3, flags 5
            store [0x42], r1      ; map page 2
idle:       hlt
            jmp   idle
";

const PAGE_TABLE_PV_KERNEL: &str = "\
start:      mov   r1, 0x40        ; base of the new page table
            hcall new_baseptr     ; was: lpt (Xen validates the table, then loads it)
            mov   r0, 0x15
            store [0x50], r0      ; queue entry 0 in a request list (plain memory)
            mov   r0, 0x25
            store [0x51], r0      ; queue entry 1
            mov   r0, 0x35
            store [0x52], r0      ; queue entry 2
            mov   r1, 0x50        ; r1 = request list
            mov   r2, 3           ; r2 = number of updates
            hcall mmu_update      ; was: three stores; one hypercall applies the batch
idle:       hcall block           ; was: hlt
            jmp   idle
";

const TIMER_KERNEL: &str = "\
start:      mov   r1, 0x800       ; where the guest's interrupt table lives
            lidt  r1              ; load the interrupt-table register
            sti                   ; enable interrupts
            mov   r1, 4
            out   TIMER, r1       ; arm the timer: a tick after 4 more instructions
idle:       hlt                   ; sleep until the tick
            jmp   idle
timer_irq:  load  r2, [0x21]
            add   r2, 1
            store [0x21], r2      ; ticks += 1
            iret
";

const TIMER_PV_KERNEL: &str = "\
start:      mov   r1, 0x800       ; where the guest's interrupt table lives
            hcall set_trap_table  ; was: lidt r1 (register its handlers with Xen)
            mov   r0, 0
            store [EVT_MASK], r0  ; was: sti
            mov   r1, 4
            hcall set_timer       ; was: out TIMER, r1
idle:       hcall block           ; was: hlt
            jmp   idle
timer_irq:  load  r2, [0x21]
            add   r2, 1
            store [0x21], r2      ; ticks += 1
            hcall iret            ; was: iret
";

const SYSCALL_LOOP_APP: &str = "\
start:      mov   r1, 4           ; make four system calls
loop:       mov   r0, 2           ; system call 2: getpid
            syscall               ; the kernel returns the process id in r0
            sub   r1, 1
            jnz   r1, loop
            mov   r0, 0           ; system call 0: exit
            syscall
";

const SYSCALL_LOOP_KERNEL: &str = "\
sys_entry:  jz    r0, exit        ; call 0 is exit
            mov   r0, 7           ; getpid: this process is number 7
            iret                  ; return to the application
exit:       hlt
            jmp   exit
";

const SYSCALL_LOOP_PV_KERNEL: &str = "\
sys_entry:  jz    r0, exit        ; call 0 is exit
            mov   r0, 7           ; getpid: this process is number 7
            hcall iret            ; was: iret
exit:       hcall block           ; was: hlt
            jmp   exit
";

const COMPUTE_APP: &str = "\
start:      mov   r2, 0           ; sum = 0
            mov   r1, 5           ; n = 5
loop:       call  accumulate      ; sum += n
            sub   r1, 1
            jnz   r1, loop        ; repeat until n = 0
            store [0x12], r2      ; keep the result: 15
            mov   r0, 0           ; system call 0: exit
            syscall
accumulate: add   r2, r1
            ret
";

const COMPUTE_KERNEL: &str = "\
sys_entry:  hlt                   ; the only call is exit: idle
            jmp   sys_entry
";

const COMPUTE_PV_KERNEL: &str = "\
sys_entry:  hcall block           ; was: hlt
            jmp   sys_entry
";

const SGDT_KERNEL: &str = "\
start:      mov   r1, 0x2000      ; the guest's descriptor table
            lgdt  r1              ; load the descriptor-table register
            sgdt  r2              ; read it back: traps only with UMIP
            store [0x22], r2      ; remember what the kernel saw
idle:       hlt
            jmp   idle
";

const SGDT_PV_KERNEL: &str = "\
start:      mov   r1, 0x2000      ; the guest's descriptor table
            hcall set_gdt         ; was: lgdt r1 (Xen validates and installs it)
            store [0x24], r1      ; the modified kernel keeps its own copy of the base
            load  r2, [0x24]      ; was: sgdt r2 (read the copy, not the CPU register)
            store [0x22], r2      ; remember what the kernel saw
idle:       hcall block           ; was: hlt
            jmp   idle
";

#[cfg(test)]
mod tests {
    use super::super::isa::InstrClass;
    use super::*;

    #[test]
    fn slugs_round_trip_and_match_the_scene_contract() {
        let slugs: Vec<_> = Program::ALL.iter().map(|program| program.slug()).collect();
        assert_eq!(
            slugs,
            [
                "disk-write",
                "popf",
                "page-table",
                "timer",
                "syscall-loop",
                "compute",
                "sgdt"
            ]
        );
        for program in Program::ALL {
            assert_eq!(Program::from_slug(program.slug()), Some(*program));
        }
        assert_eq!(Program::from_slug("fork"), None);
    }

    #[test]
    fn every_preset_assembles_and_stays_short() {
        for program in Program::ALL {
            let code = program.code().expect("preset assembles");
            for listing in code.app.iter().chain([&code.kernel, &code.pv_kernel]) {
                assert!(
                    (2..=25).contains(&listing.len()),
                    "{} has {} instructions",
                    program.slug(),
                    listing.len()
                );
            }
        }
    }

    #[test]
    fn paravirtual_kernels_use_no_privileged_or_critical_instruction() {
        for program in Program::ALL {
            let code = program.code().expect("preset assembles");
            for line in code.pv_kernel.lines() {
                let class = line.instr.class();
                assert!(
                    class != InstrClass::Privileged && class != InstrClass::Critical,
                    "{}: {}",
                    program.slug(),
                    line.text()
                );
            }
        }
    }

    #[test]
    fn applications_are_unprivileged() {
        for program in Program::ALL {
            let code = program.code().expect("preset assembles");
            for line in code.app.iter().flat_map(|app| app.lines()) {
                assert!(matches!(
                    line.instr.class(),
                    InstrClass::Ordinary | InstrClass::Syscall
                ));
            }
        }
    }
}
