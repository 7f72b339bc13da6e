//! CPU tab families: what the toy CPU and its VMM do next, run by `tabs::cpu::model`.
//!
//! Every answer is read off a [`Trace`] of the preset program under the asked mode; every
//! distractor is the same reading under another mode or another CPU (with or without UMIP). The
//! facts the traces embody (POPF's silent IF at CPL > IOPL, SGDT without UMIP, VT-x exit reasons)
//! carry their sources in the CPU model (`tabs::cpu::model::SOURCES`, domain.md section 1).

use super::{Dice, Family, GenError, Instance, choices};
use crate::scene::{SceneLink, hiding_future};
use crate::tabs::cpu::link::CpuScene;
use crate::tabs::cpu::model::cpu::Space;
use crate::tabs::cpu::model::isa::InstrClass;
use crate::tabs::cpu::model::machine::run_on_cpu;
use crate::tabs::cpu::model::trace::Lane;
use crate::tabs::cpu::model::{Mode, Program, Step, Trace};

/// "The guest kernel reaches a privileged or critical instruction: what happens next?"
pub const NEXT_EVENT: Family = Family {
    id: "cpu.next-event",
    tab: "cpu",
    title: "What happens when the guest kernel reaches a privileged or critical instruction?",
    cards: &[
        "what-is-trap-and-emulate",
        "trap-and-emulate-steps",
        "what-is-a-critical-instruction",
        "purpose-of-binary-translation",
    ],
    generate: next_event,
};

/// "popf restores IF = 1 while a tick is held: is it delivered?"
pub const POPF_TICK: Family = Family {
    id: "cpu.popf-tick",
    tab: "cpu",
    title: "After pushf; cli; ...; popf, does the held timer tick reach the guest?",
    cards: &[
        "example-of-a-critical-instruction",
        "what-is-a-critical-instruction",
        "what-is-a-sensitive-instruction",
    ],
    generate: popf_tick,
};

/// "What does sgdt read back, and how?"
pub const SGDT_VALUE: Family = Family {
    id: "cpu.sgdt-value",
    tab: "cpu",
    title: "What does the guest kernel's sgdt read back, with and without UMIP?",
    cards: &[
        "example-of-a-critical-instruction",
        "what-is-a-sensitive-instruction",
    ],
    generate: sgdt_value,
};

/// "Which exit reason does this VM exit carry?"
pub const EXIT_REASON: Family = Family {
    id: "cpu.exit-reason",
    tab: "cpu",
    title: "Which exit reason does the next VT-x VM exit carry?",
    cards: &[
        "bare-metal-virtualization",
        "key-techniques-full-virtualization",
    ],
    generate: exit_reason,
};

/// "How often does the VMM get control in this run?"
pub const VMM_ENTRIES: Family = Family {
    id: "cpu.vmm-entries",
    tab: "cpu",
    title: "How many times does the VMM or hypervisor take control during this program?",
    cards: &[
        "trap-and-emulate-speed",
        "what-is-paravirtualization",
        "pros-of-paravirtualization",
    ],
    generate: vmm_entries,
};

/// The modes that run the unmodified kernel (paravirtualization runs a modified one, so its
/// lines are not the same instructions).
const UNMODIFIED: [Mode; 4] = [
    Mode::Native,
    Mode::TrapEmulate,
    Mode::BinaryTranslation,
    Mode::VtX,
];

/// The modes with a VMM or hypervisor.
const WITH_VMM: [Mode; 4] = [
    Mode::TrapEmulate,
    Mode::BinaryTranslation,
    Mode::Paravirt,
    Mode::VtX,
];

fn trace(mode: Mode, program: Program, umip: bool) -> Result<Trace, GenError> {
    run_on_cpu(mode, program, umip).map_err(GenError::model)
}

/// The scene link of a run at a step.
pub(crate) fn step_link(mode: Mode, program: Program, umip: bool, step: usize) -> SceneLink {
    CpuScene::Run {
        mode,
        program,
        umip,
    }
    .link()
    .with("step", step)
}

/// The question's scene: the run at `step` without what lies ahead (`hide=future`): the
/// timeline shows no later steps and the instruction at hand is not classified, since its class
/// says what it does next.
fn question_link(mode: Mode, program: Program, umip: bool, step: usize) -> SceneLink {
    hiding_future(step_link(mode, program, umip, step))
}

/// "on a CPU with UMIP" / "on a CPU without UMIP".
fn cpu_words(umip: bool) -> &'static str {
    if umip {
        "on a CPU with UMIP"
    } else {
        "on a CPU without UMIP"
    }
}

/// What the step that handles a guest instruction does, in words that do not depend on the
/// instruction (so the other modes' readings are comparable).
pub(crate) fn handling(step: &Step, before: &Step) -> String {
    let grew = |f: fn(&crate::tabs::cpu::model::trace::Counters) -> u64| {
        f(&step.state.counters) > f(&before.state.counters)
    };
    match step.slug {
        "trap" => "It faults (#GP) into the VMM, which emulates it".to_owned(),
        "callout" => "Translated code calls the VMM in its place, with no fault".to_owned(),
        "translate" => "The VMM first translates the block it is in (cache miss)".to_owned(),
        "hypercall" => "The modified kernel makes a hypercall instead".to_owned(),
        "vm-exit" => match step.exit_reason {
            Some(reason) => format!("A VM exit to the VMM, reason {}", reason.name()),
            None => "A VM exit to the VMM".to_owned(),
        },
        _ if grew(|c| c.inline_emulations) => {
            "Translated code emulates it inline, with no fault".to_owned()
        }
        _ => "It runs directly on the CPU, with no fault and no VMM".to_owned(),
    }
}

/// Index of the first step that handles the kernel instruction at `line`: the instruction itself
/// (run directly or emulated inline), or the VMM event it causes. Steps that merely point at it
/// (a resume before it, a timer tick that interrupts it) do not count.
fn first_at(trace: &Trace, line: usize) -> Option<usize> {
    let mnemonic = trace.kernel.get(line)?.instr.mnemonic();
    trace.steps.iter().position(|step| {
        step.guest_at.space == Space::Kernel
            && step.guest_at.line == line
            && (step.slug == mnemonic
                || matches!(
                    step.slug,
                    "trap" | "callout" | "translate" | "hypercall" | "vm-exit"
                ))
    })
}

/// The label of step `index` (empty past the end).
fn label_at(trace: &Trace, index: usize) -> String {
    trace
        .steps
        .get(index)
        .map(|step| step.label.clone())
        .unwrap_or_default()
}

/// Handling of kernel line `line` in a trace: (index of the step, words).
fn handling_of(trace: &Trace, line: usize) -> Option<(usize, String)> {
    let index = first_at(trace, line)?;
    let before = trace.steps.get(index.checked_sub(1)?)?;
    Some((index, handling(trace.steps.get(index)?, before)))
}

fn next_event(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(NEXT_EVENT.id, seed);
    let mode = dice.pick(&UNMODIFIED).unwrap_or(Mode::TrapEmulate);
    let umip = dice.coin();
    let program = dice.pick(Program::ALL).unwrap_or(Program::Popf);
    let asked = trace(mode, program, umip)?;
    // Kernel lines that are privileged or critical and that this run reaches.
    let lines: Vec<usize> = asked
        .kernel
        .lines()
        .iter()
        .enumerate()
        .filter(|(_, line)| {
            matches!(
                line.instr.class(),
                InstrClass::Privileged | InstrClass::Critical
            )
        })
        .map(|(index, _)| index)
        .filter(|line| first_at(&asked, *line).is_some_and(|index| index > 0))
        .collect();
    let line = dice
        .pick(&lines)
        .ok_or(GenError::Missing("privileged line in the program"))?;
    let (index, answer) =
        handling_of(&asked, line).ok_or(GenError::Missing("handling of the line"))?;
    let mut distractors = Vec::new();
    for other in UNMODIFIED {
        for other_umip in [umip, !umip] {
            if (other, other_umip) != (mode, umip)
                && let Some((_, words)) = handling_of(&trace(other, program, other_umip)?, line)
            {
                distractors.push(words);
            }
        }
    }
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    let text = asked
        .kernel
        .get(line)
        .map(|line| line.instr.to_string())
        .unwrap_or_default();
    Ok(Instance {
        family: NEXT_EVENT.id,
        seed,
        question: format!(
            "{} runs the {} program {}. The guest kernel is about to run `{text}` \
             (kernel line {}). What happens next?",
            mode.title(),
            program.title(),
            cpu_words(umip),
            line + 1
        ),
        choices,
        answer: answer_index,
        explanation: label_at(&asked, index),
        at: question_link(mode, program, umip, index - 1),
        why: step_link(mode, program, umip, index),
        pick: None,
    })
}

/// The guest's IF as the guest sees it: the virtual CPU's under a VMM, the real one natively.
pub(crate) fn guest_if(step: &Step) -> bool {
    step.state
        .virt
        .map_or(step.state.real.if_flag, |virt| virt.if_flag)
}

/// The popf program's outcome: (index of the step where the tick is delivered or lost, words).
pub(crate) fn popf_outcome(trace: &Trace) -> Option<(usize, String)> {
    let index = trace
        .steps
        .iter()
        .position(|step| step.slug == "irq" || step.slug == "irq-lost")?;
    let before = trace.steps.get(index.checked_sub(1)?)?;
    let delivered = trace.steps.get(index)?.slug == "irq";
    Some((
        index,
        format!(
            "The guest's IF is {} and the held tick is {}",
            u8::from(guest_if(before)),
            if delivered {
                "delivered"
            } else {
                "never delivered: the guest halts for good"
            }
        ),
    ))
}

fn popf_tick(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(POPF_TICK.id, seed);
    let mode = dice.pick(Mode::ALL).unwrap_or(Mode::TrapEmulate);
    let umip = dice.coin();
    let program = Program::Popf;
    let asked = trace(mode, program, umip)?;
    let (index, answer) =
        popf_outcome(&asked).ok_or(GenError::Missing("delivery or loss of the tick"))?;
    let held = asked
        .first_step("irq-pending")
        .ok_or(GenError::Missing("held tick"))?;
    let mut distractors = Vec::new();
    for other in Mode::ALL {
        for other_umip in [false, true] {
            if let Some((_, words)) = popf_outcome(&trace(*other, program, other_umip)?) {
                distractors.push(words);
            }
        }
    }
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    let kernel = if mode == Mode::Paravirt {
        "its modified kernel masks events around the critical section (the paravirtual form of \
         pushf; cli; ...; popf)"
    } else {
        "the guest kernel runs pushf (IF = 1 saved); cli; ...; popf"
    };
    Ok(Instance {
        family: POPF_TICK.id,
        seed,
        question: format!(
            "{} {}: {kernel}. A timer tick arrives inside the critical section and is held. \
             Once the saved flags are restored, what is the guest's IF and what happens to the tick?",
            mode.title(),
            cpu_words(umip)
        ),
        choices,
        answer: answer_index,
        explanation: label_at(&asked, index),
        at: question_link(mode, program, umip, held),
        why: step_link(mode, program, umip, index),
        pick: None,
    })
}

/// The sgdt program's outcome: (index of the step that set r2, words).
pub(crate) fn sgdt_outcome(trace: &Trace) -> Option<(usize, String)> {
    let index = trace
        .steps
        .iter()
        .enumerate()
        .skip(1)
        .find_map(|(i, step)| {
            let before = trace.steps.get(i.checked_sub(1)?)?;
            (step.state.regs.general[2] != before.state.regs.general[2]).then_some(i)
        })?;
    let at = trace.steps.get(index)?;
    let value = at.state.regs.general[2];
    let whose = if value == GUEST_GDT_BASE {
        "its own table"
    } else {
        "the host's table, not its own"
    };
    let line = at.guest_at.line;
    let how = handling_of(trace, line)
        .map(|(_, words)| words)
        .unwrap_or_default();
    Some((index, format!("r2 = {value:#x}, {whose}. {how}")))
}

/// Where the sgdt program's guest kernel puts its descriptor table (`mov r1, 0x2000; lgdt r1` in
/// the program's source, `tabs::cpu::model::programs`).
const GUEST_GDT_BASE: u32 = 0x2000;

fn sgdt_value(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(SGDT_VALUE.id, seed);
    let mode = dice.pick(Mode::ALL).unwrap_or(Mode::TrapEmulate);
    let umip = dice.coin();
    let program = Program::Sgdt;
    let asked = trace(mode, program, umip)?;
    let (index, answer) = sgdt_outcome(&asked).ok_or(GenError::Missing("change of r2"))?;
    let mut distractors = Vec::new();
    for other in Mode::ALL {
        for other_umip in [umip, !umip] {
            if let Some((_, words)) = sgdt_outcome(&trace(*other, program, other_umip)?) {
                distractors.push(words);
            }
        }
    }
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    let reads = if mode == Mode::Paravirt {
        "its modified kernel asks the hypervisor to install its table and then reads the base back"
    } else {
        "the guest kernel loads its descriptor table at 0x2000 with lgdt, then reads the register \
         back with sgdt r2"
    };
    Ok(Instance {
        family: SGDT_VALUE.id,
        seed,
        question: format!(
            "{} {}: {reads}. What does it read, and how?",
            mode.title(),
            cpu_words(umip)
        ),
        choices,
        answer: answer_index,
        explanation: label_at(&asked, index),
        at: question_link(mode, program, umip, index.saturating_sub(1)),
        why: step_link(mode, program, umip, index),
        pick: None,
    })
}

/// The exit reasons of every VM exit in a trace, in order: (step index, "NAME (number)").
pub(crate) fn exits(trace: &Trace) -> Vec<(usize, String)> {
    trace
        .steps
        .iter()
        .enumerate()
        .filter_map(|(index, step)| {
            step.exit_reason
                .map(|reason| (index, format!("{} ({})", reason.name(), reason.number())))
        })
        .collect()
}

fn exit_reason(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(EXIT_REASON.id, seed);
    let umip = dice.coin();
    let mut runs = Vec::new();
    for program in Program::ALL {
        runs.push((*program, trace(Mode::VtX, *program, umip)?));
    }
    let with_exits: Vec<usize> = runs
        .iter()
        .enumerate()
        .filter(|(_, (_, trace))| !exits(trace).is_empty())
        .map(|(run, _)| run)
        .collect();
    let run = dice
        .pick(&with_exits)
        .ok_or(GenError::Missing("program exits"))?;
    let (program, asked) = runs.get(run).ok_or(GenError::Missing("program exits"))?;
    let asked_exits = exits(asked);
    let (index, answer) = asked_exits
        .get(dice.index(asked_exits.len()))
        .cloned()
        .ok_or(GenError::Missing("VM exit"))?;
    // Distractors: the other reasons this CPU's VT-x runs really exit with.
    let distractors: Vec<String> = runs
        .iter()
        .flat_map(|(_, other)| exits(other).into_iter().map(|(_, words)| words))
        .collect();
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    let (before, exit) = index
        .checked_sub(1)
        .and_then(|previous| Some((asked.steps.get(previous)?, asked.steps.get(index)?)))
        .ok_or(GenError::Missing("step before the VM exit"))?;
    let guest = match exit.guest_at.space {
        Space::Kernel => asked.kernel.get(exit.guest_at.line),
        Space::App => asked
            .app
            .as_ref()
            .and_then(|app| app.get(exit.guest_at.line)),
    }
    .map(|line| line.instr.to_string())
    .unwrap_or_default();
    Ok(Instance {
        family: EXIT_REASON.id,
        seed,
        question: format!(
            "Hardware-assisted (VT-x) runs the {} program. The guest's next instruction is \
             `{guest}` ({}). The next step is a VM exit: which exit reason does the CPU record?",
            program.title(),
            before.label.trim_end_matches('.')
        ),
        choices,
        answer: answer_index,
        explanation: label_at(asked, index),
        at: question_link(Mode::VtX, *program, umip, index - 1),
        why: step_link(Mode::VtX, *program, umip, index),
        pick: None,
    })
}

/// How many times control enters the VMM lane in a run.
pub(crate) fn vmm_entries_of(trace: &Trace) -> usize {
    trace
        .steps
        .windows(2)
        .filter(|pair| matches!(pair, [a, b] if a.lane != Lane::Vmm && b.lane == Lane::Vmm))
        .count()
}

fn vmm_entries(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(VMM_ENTRIES.id, seed);
    let mode = dice.pick(&WITH_VMM).unwrap_or(Mode::TrapEmulate);
    let program = dice.pick(Program::ALL).unwrap_or(Program::DiskWrite);
    let umip = dice.coin();
    let mut counts = Vec::new();
    for other in WITH_VMM {
        counts.push((other, vmm_entries_of(&trace(other, program, umip)?)));
    }
    let asked = trace(mode, program, umip)?;
    let count = vmm_entries_of(&asked);
    let mut distractors: Vec<String> = counts.iter().map(|(_, other)| other.to_string()).collect();
    distractors.extend(
        [count + 1, count.saturating_sub(1), count + 2]
            .iter()
            .map(ToString::to_string),
    );
    let (choices, answer_index) = choices(&mut dice, count.to_string(), distractors)?;
    let all: Vec<String> = counts
        .iter()
        .map(|(other, n)| format!("{}: {n}", other.title()))
        .collect();
    let last = asked.len() - 1;
    Ok(Instance {
        family: VMM_ENTRIES.id,
        seed,
        question: format!(
            "{} runs the {} program {} to the end. How many times does control pass from the \
             guest (or the hardware) to the VMM or hypervisor?",
            mode.title(),
            program.title(),
            cpu_words(umip)
        ),
        choices,
        answer: answer_index,
        explanation: format!(
            "Counted on the trace's lanes: {}. {}",
            all.join(", "),
            mode.description()
        ),
        at: question_link(mode, program, umip, 0),
        why: step_link(mode, program, umip, last),
        pick: None,
    })
}
