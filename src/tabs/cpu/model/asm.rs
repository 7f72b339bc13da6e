//! A tiny assembler, so that the listing a student reads is exactly the code the machine runs.
//!
//! Syntax, one instruction per line: `[label:] mnemonic operands [; comment]`. Blank and comment-only
//! lines are skipped. Operands are registers `r0`-`r3`, numbers (`42`, `0x2a`), memory `[0x10]`,
//! `[r1]` or `[EVT_MASK]`, ports `DISK`/`TIMER`, labels, and hypercall names.

use std::collections::HashMap;

use super::error::AsmError;
use super::isa::{
    Addr, Hypercall, Instr, MEMORY_SYMBOLS, Operand, Port, Reg, Target, parse_number,
};

/// One assembled instruction with the label and comment written beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// The label defined on this line, if any.
    pub label: Option<String>,
    /// The instruction.
    pub instr: Instr,
    /// The comment after `;` (may be empty).
    pub comment: String,
}

impl SourceLine {
    /// The line as shown to students: label column, instruction, comment.
    pub fn text(&self) -> String {
        let label = self
            .label
            .as_ref()
            .map(|label| format!("{label}:"))
            .unwrap_or_default();
        let instr = self.instr.to_string();
        let (mnemonic, operands) = instr.split_once(' ').unwrap_or((&instr, ""));
        let code = format!("{label:<12}{mnemonic:<6}{operands}");
        if self.comment.is_empty() {
            code.trim_end().to_string()
        } else {
            format!("{code:<36}; {}", self.comment)
        }
    }
}

/// An assembled listing: instructions indexed from 0, labels resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    lines: Vec<SourceLine>,
}

impl Listing {
    /// The instructions in order.
    pub fn lines(&self) -> &[SourceLine] {
        &self.lines
    }

    /// The instruction at an index.
    pub fn get(&self, line: usize) -> Option<&SourceLine> {
        self.lines.get(line)
    }

    /// Number of instructions.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the listing is empty (never true for an assembled listing).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The instruction index a label names.
    pub fn line_of(&self, label: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|line| line.label.as_deref() == Some(label))
    }
}

/// Assembles source text into a listing.
pub fn assemble(source: &str) -> Result<Listing, AsmError> {
    let parsed = split_lines(source)?;
    let mut labels = HashMap::new();
    for (index, raw) in parsed.iter().enumerate() {
        if let Some(label) = &raw.label
            && labels.insert(label.clone(), index).is_some()
        {
            return Err(AsmError::DuplicateLabel {
                line: raw.source_line,
                label: label.clone(),
            });
        }
    }
    let lines = parsed
        .into_iter()
        .map(|raw| {
            let instr = parse_instr(&raw, &labels)?;
            Ok(SourceLine {
                label: raw.label,
                instr,
                comment: raw.comment,
            })
        })
        .collect::<Result<Vec<_>, AsmError>>()?;
    if lines.is_empty() {
        return Err(AsmError::Empty);
    }
    Ok(Listing { lines })
}

/// A source line split into its parts, before operands are parsed.
struct RawLine {
    source_line: usize,
    label: Option<String>,
    mnemonic: String,
    operands: String,
    comment: String,
}

fn split_lines(source: &str) -> Result<Vec<RawLine>, AsmError> {
    let mut out = Vec::new();
    for (index, text) in source.lines().enumerate() {
        let source_line = index + 1;
        let (code, comment) = match text.split_once(';') {
            Some((code, comment)) => (code, comment.trim()),
            None => (text, ""),
        };
        let mut code = code.trim();
        if code.is_empty() {
            continue;
        }
        let mut label = None;
        if let Some((head, rest)) = code.split_once(':')
            && is_identifier(head.trim())
        {
            label = Some(head.trim().to_string());
            code = rest.trim();
        }
        if code.is_empty() {
            return Err(AsmError::LabelWithoutInstruction {
                line: source_line,
                label: label.unwrap_or_default(),
            });
        }
        let (mnemonic, operands) = match code.split_once(char::is_whitespace) {
            Some((mnemonic, operands)) => (mnemonic, operands.trim()),
            None => (code, ""),
        };
        out.push(RawLine {
            source_line,
            label,
            mnemonic: mnemonic.to_ascii_lowercase(),
            operands: operands.to_string(),
            comment: comment.to_string(),
        });
    }
    Ok(out)
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !text.starts_with(|c: char| c.is_ascii_digit())
}

fn parse_instr(raw: &RawLine, labels: &HashMap<String, usize>) -> Result<Instr, AsmError> {
    let ops: Vec<&str> = if raw.operands.is_empty() {
        Vec::new()
    } else {
        raw.operands.split(',').map(str::trim).collect()
    };
    let bad = || AsmError::BadOperands {
        line: raw.source_line,
        mnemonic: raw.mnemonic.clone(),
        operands: raw.operands.clone(),
    };
    let target = |text: &str| match labels.get(text) {
        Some(line) => Ok(Target {
            label: text.to_string(),
            line: *line,
        }),
        None => Err(AsmError::UnknownLabel {
            line: raw.source_line,
            label: text.to_string(),
        }),
    };
    let reg = |text: &str| Reg::from_name(text).ok_or_else(bad);
    let operand = |text: &str| match Reg::from_name(text) {
        Some(reg) => Ok(Operand::Reg(reg)),
        None => parse_number(text).map(Operand::Imm).ok_or_else(bad),
    };
    let addr = |text: &str| {
        let inner = text
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
            .map(str::trim)
            .ok_or_else(bad)?;
        if let Some(reg) = Reg::from_name(inner) {
            return Ok(Addr::Reg(reg));
        }
        if let Some((_, value)) = MEMORY_SYMBOLS.iter().find(|(name, _)| *name == inner) {
            return Ok(Addr::Abs(*value));
        }
        parse_number(inner).map(Addr::Abs).ok_or_else(bad)
    };
    let port = |text: &str| Port::parse(text).ok_or_else(bad);

    let instr = match (raw.mnemonic.as_str(), ops.as_slice()) {
        ("mov", [d, s]) => Instr::Mov(reg(d)?, operand(s)?),
        ("add", [d, s]) => Instr::Add(reg(d)?, operand(s)?),
        ("sub", [d, s]) => Instr::Sub(reg(d)?, operand(s)?),
        ("load", [d, a]) => Instr::Load(reg(d)?, addr(a)?),
        ("store", [a, s]) => Instr::Store(addr(a)?, reg(s)?),
        ("push", [s]) => Instr::Push(reg(s)?),
        ("pop", [d]) => Instr::Pop(reg(d)?),
        ("jmp", [t]) => Instr::Jmp(target(t)?),
        ("jz", [r, t]) => Instr::Jz(reg(r)?, target(t)?),
        ("jnz", [r, t]) => Instr::Jnz(reg(r)?, target(t)?),
        ("call", [t]) => Instr::Call(target(t)?),
        ("ret", []) => Instr::Ret,
        ("nop", []) => Instr::Nop,
        ("cli", []) => Instr::Cli,
        ("sti", []) => Instr::Sti,
        ("in", [d, p]) => Instr::In(reg(d)?, port(p)?),
        ("out", [p, s]) => Instr::Out(port(p)?, reg(s)?),
        ("hlt", []) => Instr::Hlt,
        ("lpt", [s]) => Instr::Lpt(reg(s)?),
        ("lidt", [s]) => Instr::Lidt(reg(s)?),
        ("lgdt", [s]) => Instr::Lgdt(reg(s)?),
        ("iret", []) => Instr::Iret,
        ("pushf", []) => Instr::Pushf,
        ("popf", []) => Instr::Popf,
        ("sgdt", [d]) => Instr::Sgdt(reg(d)?),
        ("syscall", []) => Instr::Syscall,
        ("hcall", [name]) => Instr::Hcall(Hypercall::from_name(name).ok_or_else(bad)?),
        (
            "mov" | "add" | "sub" | "load" | "store" | "push" | "pop" | "jmp" | "jz" | "jnz"
            | "call" | "ret" | "nop" | "cli" | "sti" | "in" | "out" | "hlt" | "lpt" | "lidt"
            | "lgdt" | "iret" | "pushf" | "popf" | "sgdt" | "syscall" | "hcall",
            _,
        ) => return Err(bad()),
        (other, _) => {
            return Err(AsmError::UnknownMnemonic {
                line: raw.source_line,
                mnemonic: other.to_string(),
            });
        }
    };
    Ok(instr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assembles_labels_operands_and_comments() {
        let listing = assemble(
            "; header comment\n\
             start: mov r0, 0x10   ; load\n\
             \n\
             loop:  sub r0, 1\n\
                    jnz r0, loop\n\
                    store [EVT_MASK], r0\n\
                    out DISK, r3\n\
                    hcall mmu_update\n",
        )
        .expect("valid listing");
        assert_eq!(listing.len(), 6);
        assert_eq!(listing.line_of("loop"), Some(1));
        assert_eq!(listing.lines()[0].comment, "load");
        assert_eq!(
            listing.lines()[2].instr,
            Instr::Jnz(
                Reg::R0,
                Target {
                    label: "loop".into(),
                    line: 1
                }
            )
        );
        assert_eq!(listing.lines()[5].instr, Instr::Hcall(Hypercall::MmuUpdate));
    }

    #[test]
    fn displayed_text_reassembles_to_the_same_instruction() {
        let source = "a: load r3, [r1] ; x\n   store [0x40], r1\n   jz r0, a\n   sgdt r2\n";
        let listing = assemble(source).expect("valid listing");
        let shown: String = listing
            .lines()
            .iter()
            .map(|line| line.text() + "\n")
            .collect();
        assert_eq!(assemble(&shown).expect("shown text assembles"), listing);
    }

    #[test]
    fn reports_errors_with_line_numbers() {
        assert_eq!(
            assemble("frob r0"),
            Err(AsmError::UnknownMnemonic {
                line: 1,
                mnemonic: "frob".into()
            })
        );
        assert!(matches!(
            assemble("mov r0"),
            Err(AsmError::BadOperands { line: 1, .. })
        ));
        assert!(matches!(
            assemble("jmp nowhere"),
            Err(AsmError::UnknownLabel { line: 1, .. })
        ));
        assert!(matches!(
            assemble("a: nop\na: nop"),
            Err(AsmError::DuplicateLabel { line: 2, .. })
        ));
        assert!(matches!(
            assemble("a:\nnop"),
            Err(AsmError::LabelWithoutInstruction { line: 1, .. })
        ));
        assert_eq!(assemble("; nothing"), Err(AsmError::Empty));
        assert!(matches!(
            assemble("out SERIAL, r0"),
            Err(AsmError::BadOperands { .. })
        ));
    }
}
