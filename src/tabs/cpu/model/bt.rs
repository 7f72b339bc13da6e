//! Binary translation: guest-kernel basic blocks translated on first use into a translation cache.
//!
//! Following VMware's translator as Adams and Agesen (ASPLOS 2006) describe it: translation is on
//! demand, one basic block at a time (up to the next control transfer); ordinary instructions are
//! copied unchanged; instructions that only touch the virtual CPU (cli, sti, pushf, popf, sgdt) become
//! inline code on the in-memory virtual CPU; the rest (I/O, hlt, table loads, iret) become calls into
//! the VMM. Guest *user* code runs directly. Writes to a shadowed page table still fault, since the
//! translator cannot know in advance which stores hit one.

use super::asm::Listing;
use super::cost::Charge;
use super::emulate::vmm_cursor;
use super::error::RunError;
use super::exec::Hw;
use super::isa::{Instr, InstrClass};
use super::machine::Machine;
use super::record::StepSpec;
use super::trace::{Cursor, Lane, ListingRef, Transfer, TransferKind};
use super::vmm::VmmRoutine;

/// How a guest instruction was translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// Copied unchanged.
    Ident,
    /// Replaced by inline code on the virtual CPU (no trap, no call).
    Inline,
    /// Replaced by a call into the VMM.
    Callout,
}

impl OpKind {
    /// Short stable id.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Ident => "ident",
            Self::Inline => "inline",
            Self::Callout => "callout",
        }
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Ident => "Copied unchanged",
            Self::Inline => "Emulated inline",
            Self::Callout => "Call into the VMM",
        }
    }
}

/// One translated instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslatedOp {
    /// The guest-kernel line it came from.
    pub guest_line: usize,
    /// How it was translated.
    pub kind: OpKind,
    /// The translated code as shown.
    pub text: String,
}

/// A translated basic block in the translation cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslatedBlock {
    /// The guest-kernel line where the block starts (its cache key).
    pub guest_start: usize,
    /// One op per guest instruction, ending with the block's control transfer.
    pub ops: Vec<TranslatedOp>,
}

/// Translates the basic block of `kernel` starting at `start`.
pub fn translate(kernel: &Listing, start: usize) -> TranslatedBlock {
    let mut ops = Vec::new();
    for (line, source) in kernel.lines().iter().enumerate().skip(start) {
        let (kind, text) = translate_instr(&source.instr);
        ops.push(TranslatedOp {
            guest_line: line,
            kind,
            text,
        });
        if source.instr.ends_block() {
            break;
        }
    }
    TranslatedBlock {
        guest_start: start,
        ops,
    }
}

fn translate_instr(instr: &Instr) -> (OpKind, String) {
    let inline = match instr {
        Instr::Cli => Some("vcpu.if = 0".to_string()),
        Instr::Sti => Some("vcpu.if = 1; deliver pending".to_string()),
        Instr::Pushf => Some("push vcpu.flags".to_string()),
        Instr::Popf => Some("pop vcpu.flags; deliver pending".to_string()),
        Instr::Sgdt(reg) => Some(format!("{} = vcpu.gdtr", reg.name())),
        _ => None,
    };
    if let Some(code) = inline {
        return (OpKind::Inline, format!("{code:<32}; was {instr}"));
    }
    match instr.class() {
        InstrClass::Ordinary => (OpKind::Ident, instr.to_string()),
        _ => (
            OpKind::Callout,
            format!(
                "{:<32}; was {instr}",
                format!("call vmm_{}", instr.mnemonic())
            ),
        ),
    }
}

impl Machine<'_> {
    /// The translated block and op (with its kind) the guest's next kernel instruction runs
    /// from, if it is the one expected after the previous op.
    pub(super) fn bt_position(&self) -> Option<(usize, usize, OpKind)> {
        let (block, op) = self.bt_at?;
        let translated = self.blocks.get(block)?.ops.get(op)?;
        (translated.guest_line == self.pc.line).then_some((block, op, translated.kind))
    }

    /// One binary-translation step in guest-kernel code.
    pub(super) fn bt_step(&mut self) -> Result<(), RunError> {
        let Some((block, op, kind)) = self.bt_position() else {
            self.bt_enter_block();
            return Ok(());
        };
        let at = self.pc;
        let instr = self.fetch()?;
        self.bt_at = Some((block, op + 1));
        let cursor = Cursor {
            listing: ListingRef::Translated(block),
            line: op,
        };
        match kind {
            OpKind::Ident => {
                if let Hw::Fault(fault) = self.hw_exec(&instr)? {
                    return self.trap_and_emulate(&instr, at, fault);
                }
                self.retire();
                self.emit_translated(
                    &instr,
                    cursor,
                    at,
                    format!("Translated code runs {instr} unchanged, at real CPL 1."),
                );
            }
            OpKind::Inline => {
                let effect = self.emulate(&instr)?;
                self.charge(Charge::Inline);
                self.retire();
                self.emit_translated(
                    &instr,
                    cursor,
                    at,
                    format!("Translated code emulates {instr} inline, with no trap: {effect}."),
                );
                if self.virtual_irq_deliverable() {
                    let cost = self.charge(Charge::Callout);
                    self.enter_vmm();
                    self.emit(StepSpec {
                        slug: "callout",
                        label: "The translated code finds a pending virtual interrupt now that \
                                virtual IF = 1, and calls the VMM to deliver it."
                            .to_string(),
                        lane: Lane::Vmm,
                        cursor: vmm_cursor(VmmRoutine::Callout, 0),
                        guest_at: self.pc,
                        transfer: Some(Transfer {
                            from: Lane::GuestKernel,
                            to: Lane::Vmm,
                            kind: TransferKind::Callout,
                            cost_cycles: cost,
                        }),
                        exit_reason: None,
                    });
                    self.inject_virtual_irq()?;
                }
            }
            OpKind::Callout => {
                let cost = self.charge(Charge::Callout);
                self.enter_vmm();
                self.emit(StepSpec {
                    slug: "callout",
                    label: format!(
                        "In place of {instr}, the translated code calls the VMM directly: no fault \
                         is taken."
                    ),
                    lane: Lane::Vmm,
                    cursor: vmm_cursor(VmmRoutine::Callout, 0),
                    guest_at: at,
                    transfer: Some(Transfer {
                        from: Lane::GuestKernel,
                        to: Lane::Vmm,
                        kind: TransferKind::Callout,
                        cost_cycles: cost,
                    }),
                    exit_reason: None,
                });
                let effect = self.emulate(&instr)?;
                self.retire();
                self.emit(StepSpec {
                    slug: "emulate",
                    label: format!("The VMM emulates {instr} on the virtual CPU: {effect}."),
                    lane: Lane::Vmm,
                    cursor: vmm_cursor(VmmRoutine::Callout, 1),
                    guest_at: at,
                    transfer: None,
                    exit_reason: None,
                });
                if !self.halted {
                    self.return_to_guest()?;
                }
            }
        }
        Ok(())
    }

    fn emit_translated(
        &mut self,
        instr: &Instr,
        cursor: Cursor,
        at: super::cpu::CodeAddr,
        label: String,
    ) {
        self.emit(StepSpec {
            slug: instr.mnemonic(),
            label,
            lane: Lane::GuestKernel,
            cursor,
            guest_at: at,
            transfer: None,
            exit_reason: None,
        });
    }

    /// Enters the block at the program counter: a cache hit, or a miss that translates it.
    fn bt_enter_block(&mut self) {
        let at = self.pc;
        let name = self
            .kernel
            .get(at.line)
            .and_then(|line| line.label.clone())
            .unwrap_or_else(|| format!("kernel line {}", at.line + 1));
        if let Some(index) = self
            .blocks
            .iter()
            .position(|block| block.guest_start == at.line)
        {
            let cost = self.charge(Charge::TcHit);
            self.bt_at = Some((index, 0));
            self.emit(StepSpec {
                slug: "tc-hit",
                label: format!(
                    "Translation-cache hit: the block at {name} was translated before, so it runs \
                     straight from the cache ({cost} cycles to find it)."
                ),
                lane: Lane::GuestKernel,
                cursor: Cursor {
                    listing: ListingRef::Translated(index),
                    line: 0,
                },
                guest_at: at,
                transfer: None,
                exit_reason: None,
            });
            return;
        }
        let block = translate(self.kernel, at.line);
        let size = block.ops.len();
        let rewritten = block
            .ops
            .iter()
            .filter(|op| op.kind != OpKind::Ident)
            .count();
        self.blocks.push(block);
        let index = self.blocks.len() - 1;
        self.bt_at = Some((index, 0));
        let cost = self.charge(Charge::Translation {
            instructions: u64::try_from(size).unwrap_or(u64::MAX),
        });
        self.enter_vmm();
        self.emit(StepSpec {
            slug: "translate",
            label: format!(
                "Translation-cache miss: the VMM translates the {size}-instruction block at {name}, \
                 rewriting {rewritten} privileged or sensitive instruction(s)."
            ),
            lane: Lane::Vmm,
            cursor: vmm_cursor(VmmRoutine::Translator, 2),
            guest_at: at,
            transfer: Some(Transfer {
                from: Lane::GuestKernel,
                to: Lane::Vmm,
                kind: TransferKind::Translate,
                cost_cycles: cost,
            }),
            exit_reason: None,
        });
        self.leave_vmm();
    }
}

#[cfg(test)]
mod tests {
    use super::super::asm::assemble;
    use super::super::machine::tests::{final_state, trace_of};
    use super::super::modes::Mode;
    use super::super::programs::Program;
    use super::super::trace::Lane;
    use super::*;

    #[test]
    fn the_disk_driver_is_translated_once_and_then_hit() {
        let trace = trace_of(Mode::BinaryTranslation, Program::DiskWrite);
        let counters = final_state(&trace).counters;
        // First write: sys_entry, loop, the iret after the loop: three misses; the loop's second
        // pass hits. Exit: sys_entry hits, the hlt at `exit` misses.
        assert_eq!(counters.tc_misses(), 4);
        assert_eq!(counters.tc_hits, 2);
        assert_eq!(trace.blocks.len(), 4);
        assert_eq!(
            trace.blocks.iter().map(|b| b.ops.len() as u64).sum::<u64>(),
            counters.translated_instructions
        );
        // out, out, iret, hlt become callouts; nothing traps.
        assert_eq!(counters.callouts, 4);
        assert_eq!(counters.traps, 0);
        assert_eq!(trace.disk, b"Hi");
    }

    #[test]
    fn user_code_runs_directly_and_only_kernel_code_is_translated() {
        for program in Program::ALL {
            let trace = trace_of(Mode::BinaryTranslation, *program);
            for step in &trace.steps {
                if step.lane == Lane::GuestApp {
                    assert_eq!(step.cursor.listing, ListingRef::App);
                }
                if let ListingRef::Translated(block) = step.cursor.listing {
                    let op = &trace.blocks[block].ops[step.cursor.line];
                    assert_eq!(op.guest_line, step.guest_at.line);
                }
            }
            for (index, step) in trace.steps.iter().enumerate() {
                assert!(trace.blocks_at(index).len() <= trace.blocks.len());
                assert_eq!(trace.blocks_at(index).len(), step.state.tc_blocks);
            }
        }
    }

    #[test]
    fn critical_instructions_become_inline_code_and_page_table_writes_still_fault() {
        let popf = trace_of(Mode::BinaryTranslation, Program::Popf);
        // sti, pushf, cli, popf are emulated inline; none of them traps.
        assert_eq!(final_state(&popf).counters.inline_emulations, 4);
        assert_eq!(final_state(&popf).counters.traps, 0);
        let pages = trace_of(Mode::BinaryTranslation, Program::PageTable);
        assert_eq!(final_state(&pages).counters.traps, 3);
    }

    #[test]
    fn blocks_end_at_control_transfers_and_rewrite_sensitive_instructions() {
        let kernel =
            assemble("start: cli\n pushf\n mov r0, 1\n out DISK, r0\n popf\n jmp start\n hlt\n")
                .expect("valid listing");
        let block = translate(&kernel, 0);
        let kinds: Vec<OpKind> = block.ops.iter().map(|op| op.kind).collect();
        assert_eq!(
            kinds,
            [
                OpKind::Inline,
                OpKind::Inline,
                OpKind::Ident,
                OpKind::Callout,
                OpKind::Inline,
                OpKind::Ident
            ]
        );
        assert_eq!(block.ops.last().map(|op| op.guest_line), Some(5));
        assert!(block.ops[3].text.contains("call vmm_out"));
        assert_eq!(translate(&kernel, 6).ops.len(), 1);
    }
}
