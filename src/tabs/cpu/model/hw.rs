//! The toy machine's memory, stack, return frames and devices, and the counting of work done.
//!
//! These are the mechanics every mode shares; keeping them apart from the interpreter loop leaves
//! `machine.rs` about *who handles what*, and this file about *what the hardware does*.

use super::cost::Charge;
use super::cpu::{CodeAddr, MEMORY_WORDS, STACK_LIMIT, Space};
use super::error::RunError;
use super::isa::{Addr, Instr, Operand, Port, Reg};
use super::machine::{Machine, Vector};
use super::modes::Mode;

impl Machine<'_> {
    /// The instruction at the program counter.
    pub(super) fn fetch(&self) -> Result<Instr, RunError> {
        let (listing, name) = match self.pc.space {
            Space::App => (self.app, "application"),
            Space::Kernel => (Some(self.kernel), "kernel"),
        };
        listing
            .and_then(|listing| listing.get(self.pc.line))
            .map(|line| line.instr.clone())
            .ok_or(RunError::PcOutOfRange {
                listing: name,
                line: self.pc.line,
            })
    }

    /// A kernel handler's address.
    pub(super) fn handler(&self, vector: Vector) -> Result<CodeAddr, RunError> {
        self.kernel
            .line_of(vector.label())
            .map(|line| CodeAddr {
                space: Space::Kernel,
                line,
            })
            .ok_or(RunError::MissingHandler {
                label: vector.label(),
                event: vector.event(),
            })
    }

    /// A register's value.
    pub(super) fn reg(&self, reg: Reg) -> u32 {
        *reg.slot(&self.regs.general)
    }

    /// Sets a register.
    pub(super) fn set_reg(&mut self, reg: Reg, value: u32) {
        *reg.slot_mut(&mut self.regs.general) = value;
    }

    /// A source operand's value.
    pub(super) fn operand(&self, operand: Operand) -> u32 {
        match operand {
            Operand::Reg(reg) => self.reg(reg),
            Operand::Imm(value) => value,
        }
    }

    /// The word address a memory operand names.
    pub(super) fn address(&self, addr: Addr) -> u32 {
        match addr {
            Addr::Abs(value) => value,
            Addr::Reg(reg) => self.reg(reg),
        }
    }

    /// Reads a word at an address the model itself uses (the paravirtual event flags); 0 outside
    /// memory.
    pub(super) fn read_word(&self, addr: u32) -> u32 {
        self.mem.get(addr as usize).copied().unwrap_or(0)
    }

    /// Reads a word, failing outside memory.
    pub(super) fn load(&self, addr: u32) -> Result<u32, RunError> {
        self.mem
            .get(addr as usize)
            .copied()
            .ok_or(RunError::BadAddress {
                addr,
                words: MEMORY_WORDS,
            })
    }

    /// Writes a word, failing outside memory.
    pub(super) fn store(&mut self, addr: u32, value: u32) -> Result<(), RunError> {
        let slot = self
            .mem
            .get_mut(addr as usize)
            .ok_or(RunError::BadAddress {
                addr,
                words: MEMORY_WORDS,
            })?;
        *slot = value;
        Ok(())
    }

    /// Pushes a word on the stack, failing below the stack limit.
    pub(super) fn push(&mut self, value: u32) -> Result<(), RunError> {
        let sp = self.regs.sp.wrapping_sub(1);
        if sp < STACK_LIMIT {
            return Err(RunError::StackOverflow { sp });
        }
        self.store(sp, value)?;
        self.regs.sp = sp;
        Ok(())
    }

    /// Pops a word from the stack.
    pub(super) fn pop(&mut self) -> Result<u32, RunError> {
        let value = self.load(self.regs.sp)?;
        self.regs.sp += 1;
        Ok(value)
    }

    /// Pushes a return frame: CPL, flags, then the return address on top.
    pub(super) fn push_frame(
        &mut self,
        ret: CodeAddr,
        flags: u32,
        cpl: u8,
    ) -> Result<(), RunError> {
        self.push(u32::from(cpl))?;
        self.push(flags)?;
        self.push(ret.encode())
    }

    /// Pops a return frame: (return address, flags, CPL).
    pub(super) fn pop_frame(&mut self) -> Result<(CodeAddr, u32, u8), RunError> {
        let ret = CodeAddr::decode(self.pop()?);
        let flags = self.pop()?;
        let cpl = u8::try_from(self.pop()? & 3).unwrap_or(3);
        Ok((ret, flags, cpl))
    }

    /// A write to an I/O port, by whoever performs it (the CPU natively, the VMM when emulating).
    pub(super) fn device_out(&mut self, port: Port, value: u32) -> String {
        match port {
            Port::Disk => {
                let byte = value.to_le_bytes()[0];
                self.disk.push(byte);
                format!("the disk receives {}", describe_byte(byte))
            }
            Port::Timer => {
                // Counted from the end of the arming instruction.
                self.timer_deadline = Some(self.clock + 1 + u64::from(value));
                format!("the timer will tick after {value} more instructions")
            }
        }
    }

    /// A read from an I/O port.
    pub(super) fn device_in(&self, port: Port) -> u32 {
        match port {
            Port::Disk => u32::try_from(self.disk.len()).unwrap_or(u32::MAX),
            Port::Timer => self.timer_deadline.map_or(0, |deadline| {
                u32::try_from(deadline.saturating_sub(self.clock)).unwrap_or(u32::MAX)
            }),
        }
    }

    /// Counts one completed guest instruction.
    pub(super) fn retire(&mut self) {
        self.clock += 1;
        self.charge(Charge::Instruction);
    }

    /// Counts a priced event and returns its cycles.
    pub(super) fn charge(&mut self, charge: Charge) -> u64 {
        self.costs.charge(&mut self.counters, charge)
    }

    /// Delivers a vector through the guest's own table with the real CPU (natively, in VT-x non-root
    /// mode, and the paravirtual fast system-call path). `ret` is the return address.
    pub(super) fn deliver_hw(&mut self, vector: Vector, ret: CodeAddr) -> Result<(), RunError> {
        let handler = self.handler(vector)?;
        self.push_frame(ret, self.real.flags_word(), self.real.cpl)?;
        match self.mode {
            Mode::Paravirt => {
                self.virt.cpl = 0;
                self.real.cpl = 1;
            }
            _ => self.real.cpl = 0,
        }
        if vector.masks_interrupts() {
            self.real.if_flag = false;
        }
        self.pc = handler;
        self.sync_after_direct();
        Ok(())
    }
}

/// A byte as shown in labels: hex, with the character if printable.
pub(super) fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("{byte:#04x} ('{}')", char::from(byte))
    } else {
        format!("{byte:#04x}")
    }
}
