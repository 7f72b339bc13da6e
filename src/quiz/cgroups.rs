//! Cgroups tab families: the OOM killer's victim, CPU weights and `cpu.max`, `memory.high`
//! against `memory.max`, and the errnos of cgroup writes, computed by `tabs::cgroups::model`.
//!
//! Each question is a preset plus operations appended the way a link's `ops=` key appends them
//! (`load`, `set`, `mkdir`...), so the "why" link opens exactly the scene the answer was read
//! from. The rules are the model's (kernel cgroup-v2.rst, cgroups(7); domain.md section 3):
//! weights share among busy siblings, `cpu.max` caps, `memory.high` throttles and never calls
//! the OOM killer, `memory.max` does and the victim is the task with the most anonymous memory.

use super::{Dice, Family, GenError, Instance, Pick, choices, neighbours};
use crate::scene::{SceneLink, hiding_future};
use crate::tabs::cgroups::link::{SceneKey, View, base};
use crate::tabs::cgroups::model::sim::MemoryVerdict;
use crate::tabs::cgroups::model::{
    CgroupVersion, ERRNOS, Errno, Op, Preset, SimTrace, State, parse_ops,
};

/// "Which process does the OOM killer pick?"
pub const OOM_VICTIM: Family = Family {
    id: "cgroups.oom-victim",
    tab: "cgroups",
    title: "Which process does the OOM killer kill when the cgroup reaches memory.max?",
    cards: &["subsystems-limited-by-cgroups", "what-is-a-cgroup"],
    generate: oom_victim,
};

/// "What share of the CPU does this group get?"
pub const WEIGHT_SHARE: Family = Family {
    id: "cgroups.weight-share",
    tab: "cgroups",
    title: "What share of the CPU does a cgroup get from its cpu.weight?",
    cards: &[
        "characteristics-of-cgroups",
        "subsystems-limited-by-cgroups",
    ],
    generate: weight_share,
};

/// "How much CPU does the capped group use?"
pub const CPU_MAX_SHARE: Family = Family {
    id: "cgroups.cpu-max",
    tab: "cgroups",
    title: "How much CPU does a busy cgroup use under its cpu.max?",
    cards: &[
        "subsystems-limited-by-cgroups",
        "characteristics-of-cgroups",
    ],
    generate: cpu_max_share,
};

/// "memory.high or memory.max: what happens to the growing process?"
pub const MEMORY_LIMIT_OUTCOME: Family = Family {
    id: "cgroups.memory-limit",
    tab: "cgroups",
    title: "A process keeps allocating under memory.high or memory.max: what happens to it?",
    cards: &["subsystems-limited-by-cgroups", "what-is-a-cgroup"],
    generate: memory_limit_outcome,
};

/// "Which errno does this cgroup write return?"
pub const WRITE_ERRNO: Family = Family {
    id: "cgroups.write-errno",
    tab: "cgroups",
    title: "Does this cgroup mkdir, rmdir or file write succeed, and if not, with which errno?",
    cards: &["characteristics-of-cgroups", "what-is-a-cgroup"],
    generate: write_errno,
};

/// Operations drawn before the errno family gives up.
const ATTEMPTS: usize = 200;

/// A scene key: a preset in a version plus extra operations (text form).
fn key(preset: Preset, version: CgroupVersion, ops: &str) -> Result<SceneKey, GenError> {
    Ok(SceneKey {
        ops: parse_ops(ops).map_err(GenError::model)?,
        ..SceneKey::preset(preset, version)
    })
}

/// The simulation view's link of a scene key at `t` seconds.
pub(crate) fn sim_link(key: &SceneKey, select: Option<&str>, t_secs: f64) -> SceneLink {
    let mut link = base(View::Simulate);
    key.print(&mut link);
    if let Some(select) = select {
        link.set("select", select);
    }
    link.set("t", t_secs);
    link
}

/// The question's scene: the simulation at its start, showing nothing of the run ahead
/// (`hide=future`), so the chart cannot be read for the kill or the share asked about.
fn question_link(key: &SceneKey, select: Option<&str>) -> SceneLink {
    hiding_future(sim_link(key, select, 0.0))
}

fn simulate(key: &SceneKey) -> Result<SimTrace, GenError> {
    key.scene().simulate().map_err(GenError::model)
}

fn megabytes(dice: &mut Dice, choices: &[u64]) -> u64 {
    dice.pick(choices).unwrap_or(0)
}

/// The memory verdict of a scene: its simulation stepped only until the verdict is decided.
fn verdict(key: &SceneKey) -> Result<MemoryVerdict, GenError> {
    key.scene().memory_verdict().map_err(GenError::model)
}

/// The OOM outcome of a run: the first victim's words and time, if any.
pub(crate) fn first_victim(verdict: &MemoryVerdict) -> Option<(String, f64)> {
    verdict
        .first_oom_kill
        .as_ref()
        .map(|kill| (format!("PID {} ({})", kill.pid, kill.comm), kill.time_secs))
}

/// The memory-leak preset's `memory.max` on /leaky, in MiB (a test reads it off the preset).
pub(crate) const LEAKY_LIMIT_MIB: u64 = 100;

/// The simulation's length in seconds (`SimConfig::default`), which the "nobody" choice names.
const SHOWN_SECS: u64 = 10;

/// What the question offers when nobody is killed.
pub(crate) const NOBODY: &str = "Nobody: the cgroup never reaches memory.max in the 10 s shown";

fn oom_victim(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(OOM_VICTIM.id, seed);
    let version = if dice.coin() {
        CgroupVersion::V2
    } else {
        CgroupVersion::V1
    };
    // The memory-leak preset: leaky (301) and sidecar (302) share /leaky with a 100M limit.
    let rates = [0, 5, 10, 20, 30];
    let held = [0, 10, 30, 50, 70];
    let leak_a = megabytes(&mut dice, &rates);
    let hold_a = megabytes(&mut dice, &held);
    // The two start below the limit between them: a group's usage never stands above
    // memory.max, since the charge that would cross it reclaims or invokes the OOM killer first
    // (cgroup-v2.rst, memory.max; domain.md section 3). A scene starting above it would teach
    // "nobody is killed" of a group over its limit.
    let fits: Vec<u64> = held
        .iter()
        .copied()
        .filter(|mib| hold_a + mib < LEAKY_LIMIT_MIB)
        .collect();
    let hold_b = megabytes(&mut dice, &fits);
    // Nor may they end exactly at the limit when the run ends: usage that reaches memory.max
    // at the last sample is killed just after the scene, and "never reaches" would be untrue.
    let exact = |leak_b: u64| hold_a + hold_b + SHOWN_SECS * (leak_a + leak_b) == LEAKY_LIMIT_MIB;
    let rates_b: Vec<u64> = rates.iter().copied().filter(|leak| !exact(*leak)).collect();
    let leak_b = megabytes(&mut dice, &rates_b);
    let load = |pid: u32, leak: u64, hold: u64| {
        let mut words = format!("load {pid} idle");
        if leak > 0 {
            words.push_str(&format!(" anon={leak}M/s"));
        }
        if hold > 0 {
            words.push_str(&format!(" rss={hold}M"));
        }
        words
    };
    let ops = format!(
        "{}; {}",
        load(301, leak_a, hold_a),
        load(302, leak_b, hold_b)
    );
    let scene_key = key(Preset::MemoryLeak, version, &ops)?;
    let trace = verdict(&scene_key)?;
    let processes = [(301, "leaky"), (302, "sidecar")];
    let (answer, at_secs) =
        first_victim(&trace).map_or((NOBODY.to_owned(), None), |(w, t)| (w, Some(t)));
    let mut distractors: Vec<String> = processes
        .iter()
        .map(|(pid, comm)| format!("PID {pid} ({comm})"))
        .collect();
    distractors.push(NOBODY.to_owned());
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    // A click on a process in the simulation's table of groups sets `pid=`; "nobody" is not
    // in the picture.
    let values = choices
        .iter()
        .map(|choice| {
            processes
                .iter()
                .find(|(pid, comm)| *choice == format!("PID {pid} ({comm})"))
                .map(|(pid, _)| pid.to_string())
        })
        .collect();
    let describe = |pid: u32, comm: &str, leak: u64, hold: u64| {
        format!("{comm} (PID {pid}) starts holding {hold} MiB and allocates {leak} MiB/s more")
    };
    let select = if version == CgroupVersion::V2 {
        "/leaky"
    } else {
        "memory:/leaky"
    };
    let explanation = match first_victim(&trace) {
        Some((victim, t)) => format!(
            "At {t:.2} s the group reaches its limit and reclaim cannot free enough: the OOM \
             killer kills {victim}, the task with the most anonymous memory in the group."
        ),
        None => "The group's memory stays under its limit for the whole run.".to_owned(),
    };
    Ok(Instance {
        family: OOM_VICTIM.id,
        seed,
        question: format!(
            "Under cgroup v{}, /leaky has a {LEAKY_LIMIT_MIB} MiB memory limit. {}; {}. Which \
             process does the OOM killer kill first?",
            version.slug(),
            describe(301, "leaky", leak_a, hold_a),
            describe(302, "sidecar", leak_b, hold_b)
        ),
        choices,
        answer: answer_index,
        explanation,
        at: question_link(&scene_key, Some(select)),
        why: sim_link(&scene_key, Some(select), at_secs.unwrap_or(10.0)),
        pick: Some(Pick {
            key: "pid",
            values,
            what: "the process the OOM killer kills, in the table of groups",
        }),
    })
}

/// Mean CPU use (in CPUs) of a group between `from` and `to` seconds, rounded to hundredths.
pub(crate) fn mean_cpus(trace: &SimTrace, path: &str, from_secs: f64, to_secs: f64) -> Option<f64> {
    let group = trace.find_group(0, path)?;
    let first = trace.sample_index_at(from_secs) + 1;
    let last = trace.sample_index_at(to_secs);
    let samples: Vec<f64> = (first..=last)
        .map(|index| f64::from(trace.sample(index, group).cpu_usage_cpus))
        .collect();
    if samples.is_empty() {
        return None;
    }
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    Some((mean * 100.0).round() / 100.0)
}

fn percent(cpus: f64) -> String {
    format!("{:.0}% of the CPU", cpus * 100.0)
}

fn weight_share(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(WEIGHT_SHARE.id, seed);
    // The weights preset (v2, one CPU): job-a in /a, job-b in /b, job-c in /c busy until 5 s.
    let weights = [50, 100, 200, 300, 400];
    let [wa, wb, wc]: [u64; 3] = std::array::from_fn(|_| dice.pick(&weights).unwrap_or(100));
    let ops = format!("set /a cpu.weight {wa}; set /b cpu.weight {wb}; set /c cpu.weight {wc}");
    let scene_key = key(Preset::Weights, CgroupVersion::V2, &ops)?;
    let trace = simulate(&scene_key)?;
    let late = dice.coin();
    let (from, to) = if late { (6.0, 10.0) } else { (1.0, 5.0) };
    let groups = ["/a", "/b", "/c"];
    let asked = dice.pick(&groups).unwrap_or("/a");
    let share = |path: &str, from: f64, to: f64| mean_cpus(&trace, path, from, to).map(percent);
    let answer = share(asked, from, to).ok_or(GenError::Missing("samples"))?;
    let mut distractors: Vec<String> = groups
        .iter()
        .filter_map(|path| share(path, from, to))
        .collect();
    let (other_from, other_to) = if late { (1.0, 5.0) } else { (6.0, 10.0) };
    distractors.extend(share(asked, other_from, other_to));
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    let when = if late {
        "between 6 s and 10 s (job-c has gone idle at 5 s)"
    } else {
        "between 1 s and 5 s (all three busy)"
    };
    Ok(Instance {
        family: WEIGHT_SHARE.id,
        seed,
        question: format!(
            "One CPU, three CPU-bound jobs in sibling cgroups /a, /b and /c with cpu.weight {}, \
             {} and {}; job-c stops at 5 s. On average, how much CPU does {} get {when}?",
            wa, wb, wc, asked
        ),
        choices,
        answer: answer_index,
        explanation: format!(
            "Each busy sibling gets its weight over the sum of the busy siblings' weights \
             (cgroup-v2.rst, cpu.weight); an idle sibling's share goes to the others. Weights \
             {wa}/{wb}/{wc}."
        ),
        at: question_link(&scene_key, Some(asked)),
        why: sim_link(&scene_key, Some(asked), to),
        pick: None,
    })
}

fn cpus(value: f64) -> String {
    format!("{value:.2} CPUs")
}

fn cpu_max_share(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(CPU_MAX_SHARE.id, seed);
    // The cpu-max preset (v2, two CPUs): capped (201) in /capped and free (202) in /free.
    let periods = [100_000_u64, 50_000, 200_000];
    let period = dice.pick(&periods).unwrap_or(100_000);
    let quota = period * dice.range(1..=9) / 10;
    let ops = format!("set /capped cpu.max {quota} {period}");
    let scene_key = key(Preset::CpuMax, CgroupVersion::V2, &ops)?;
    let trace = simulate(&scene_key)?;
    let (from, to) = (0.5, 2.0);
    let answer = mean_cpus(&trace, "/capped", from, to).ok_or(GenError::Missing("samples"))?;
    let mut distractors = vec![cpus(
        mean_cpus(&trace, "/free", from, to).ok_or(GenError::Missing("samples"))?,
    )];
    // The other group, and the same scene without the limit.
    let uncapped = simulate(&key(
        Preset::CpuMax,
        CgroupVersion::V2,
        "set /capped cpu.max max",
    )?)?;
    distractors.extend(mean_cpus(&uncapped, "/capped", from, to).map(cpus));
    // The whole machine's use, which students confuse with the group's.
    distractors.extend(mean_cpus(&trace, "/", from, to).map(cpus));
    let (choices, answer_index) = choices(&mut dice, cpus(answer), distractors)?;
    Ok(Instance {
        family: CPU_MAX_SHARE.id,
        seed,
        question: format!(
            "Two CPUs. /capped has cpu.max \"{quota} {period}\" and one CPU-bound task; /free \
             has one CPU-bound task and no limit. How much CPU does /capped use on average?"
        ),
        choices,
        answer: answer_index,
        explanation: format!(
            "cpu.max \"$MAX $PERIOD\" lets the group run {quota} µs in every {period} µs, that is \
             {:.2} of one CPU, then throttles it until the next period (cgroup-v2.rst).",
            quota as f64 / period as f64
        ),
        at: question_link(&scene_key, Some("/capped")),
        why: sim_link(&scene_key, Some("/capped"), to),
        pick: None,
    })
}

/// The memory outcome of the cruncher in /batch (the only limited group): killed, throttled,
/// or neither.
pub(crate) fn memory_outcome(verdict: &MemoryVerdict) -> String {
    if let Some((_, t)) = first_victim(verdict) {
        format!("The OOM killer kills it at about {t:.0} s")
    } else if verdict.throttled {
        "It is throttled and reclaimed, and keeps running: no OOM kill".to_owned()
    } else {
        "Nothing: it stays under the limit for the 10 s shown".to_owned()
    }
}

/// cruncher's growth in the memory-limit questions: a leak of 40 MiB/s of anonymous memory
/// and 20 MiB/s of page cache (a batch job reading and building a large table), so that limits
/// of a few hundred MiB are met within seconds.
const CRUNCHER_LOAD: &str = "load 401 idle anon=40M/s cache=20M/s";

/// The memory-high preset's ops for one limit file set to `limit_mib`, the other lifted.
fn limit_ops(file: &str, limit_mib: u64) -> String {
    format!(
        "{CRUNCHER_LOAD}; set /batch {} max; set /batch {file} {limit_mib}M",
        other_limit(file)
    )
}

fn other_limit(file: &str) -> &'static str {
    if file == "memory.max" {
        "memory.high"
    } else {
        "memory.max"
    }
}

fn memory_limit_outcome(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(MEMORY_LIMIT_OUTCOME.id, seed);
    // The memory-high preset: cruncher (401) in /batch; the question sets one of the two
    // files and lifts the other.
    let file = if dice.coin() {
        "memory.max"
    } else {
        "memory.high"
    };
    let limit_mib = dice.pick(&[64_u64, 100, 128, 200, 1024]).unwrap_or(100);
    let scene_key = key(
        Preset::MemoryHigh,
        CgroupVersion::V2,
        &limit_ops(file, limit_mib),
    )?;
    let run = verdict(&scene_key)?;
    let answer = memory_outcome(&run);
    // Distractors: the same scene with the other file, and with other limits, run only until
    // three different ones are found.
    let mut distractors: Vec<String> = Vec::new();
    for (variant_file, variant_mib) in [
        (other_limit(file), limit_mib),
        (file, 64),
        (other_limit(file), 64),
        (file, 1024),
        (file, 200),
    ] {
        let variant = key(
            Preset::MemoryHigh,
            CgroupVersion::V2,
            &limit_ops(variant_file, variant_mib),
        )?;
        let words = memory_outcome(&verdict(&variant)?);
        if words != answer && !distractors.contains(&words) {
            distractors.push(words);
        }
        if distractors.len() == super::MAX_CHOICES - 1 {
            break;
        }
    }
    let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
    Ok(Instance {
        family: MEMORY_LIMIT_OUTCOME.id,
        seed,
        question: format!(
            "cruncher (PID 401) in /batch allocates 40 MiB/s of anonymous memory and fills \
             20 MiB/s of page cache. /batch has {file} = {limit_mib}M and no other memory \
             limit. What happens to cruncher within 10 s?"
        ),
        choices,
        answer: answer_index,
        explanation: "memory.high throttles and reclaims and never invokes the OOM killer; \
                      memory.max is the hard limit, and reaching it with nothing left to \
                      reclaim invokes the OOM killer in the cgroup (cgroup-v2.rst, domain.md \
                      section 3)."
            .to_owned(),
        at: question_link(&scene_key, Some("/batch")),
        why: sim_link(
            &scene_key,
            Some("/batch"),
            first_victim(&run).map_or(10.0, |(_, t)| t),
        ),
        pick: None,
    })
}

/// The words of a structural operation's outcome.
pub(crate) fn write_words(state: &State, op: &Op) -> Option<String> {
    let mut after = state.clone();
    match after.apply(op) {
        Ok(()) => Some("It succeeds".to_owned()),
        Err(error) => error.errno.map(errno_words),
    }
}

fn errno_words(errno: Errno) -> String {
    format!("It fails with {} ({})", errno.name(), errno.message())
}

/// Operation texts a student could type on a v2 state: mkdir, rmdir, moves, controller
/// writes and limit writes on its cgroups.
fn candidate_ops(state: &State) -> Vec<String> {
    let Some(tree) = state.hierarchies().first() else {
        return Vec::new();
    };
    let paths: Vec<String> = tree
        .cgroups()
        .map(|(path, _)| path.to_string())
        .filter(|path| path != "/")
        .collect();
    let pids: Vec<u32> = state.processes().map(|process| process.pid).collect();
    let mut ops = Vec::new();
    for path in &paths {
        ops.push(format!("rmdir {path}"));
        ops.push(format!("mkdir {path}"));
        ops.push(format!("mkdir {path}/new"));
        for controller in ["memory", "cpu", "pids"] {
            ops.push(format!("enable {path} {controller}"));
        }
        for (file, value) in [
            ("memory.max", "100M"),
            ("cpu.weight", "200"),
            ("cpu.max", "50000 100000"),
            ("pids.max", "10"),
        ] {
            ops.push(format!("set {path} {file} {value}"));
        }
        for pid in &pids {
            ops.push(format!("move {pid} {path}"));
        }
    }
    ops
}

fn write_errno(seed: u64) -> Result<Instance, GenError> {
    let mut dice = Dice::new(WRITE_ERRNO.id, seed);
    let presets = [Preset::V2Rules, Preset::V2Unified, Preset::DockerRun];
    let preset = dice.pick(&presets).unwrap_or(Preset::V2Rules);
    let base_key = SceneKey::preset(preset, CgroupVersion::V2);
    let trace = base_key.scene().trace();
    let state = trace.final_state().clone();
    let candidates = candidate_ops(&state);
    for _ in 0..ATTEMPTS {
        let Some(text) = dice.pick(&candidates.iter().map(String::as_str).collect::<Vec<_>>())
        else {
            break;
        };
        let ops = parse_ops(text).map_err(GenError::model)?;
        let Some(op) = ops.first() else { continue };
        let Some(answer) = write_words(&state, op) else {
            continue;
        };
        // Variants: the same kind of operation on the other cgroups, then the neighbouring
        // errnos in number order.
        let kind = op.slug();
        let mut distractors: Vec<String> = Vec::new();
        for candidate in &candidates {
            if let Ok(parsed) = parse_ops(candidate)
                && let Some(other) = parsed.first()
                && other.slug() == kind
                && let Some(words) = write_words(&state, other)
            {
                distractors.push(words);
            }
        }
        let answer_errno = ERRNOS
            .iter()
            .position(|errno| errno_words(*errno) == answer);
        distractors.extend(neighbours(ERRNOS, answer_errno, errno_words));
        let (choices, answer_index) = choices(&mut dice, answer, distractors)?;
        let scene_key = key(preset, CgroupVersion::V2, text)?;
        let steps = scene_key.scene().trace().steps().len();
        let structure = |step: usize| {
            let mut link = base(View::Structure);
            scene_key.print(&mut link);
            link.set("step", step);
            link
        };
        let shell = op.shell_command(&state).unwrap_or_else(|| text.to_owned());
        let why = scene_key.scene().trace();
        let label = why
            .steps()
            .last()
            .map(|step| step.label.clone())
            .unwrap_or_default();
        return Ok(Instance {
            family: WRITE_ERRNO.id,
            seed,
            question: format!(
                "At the end of the \"{}\" scene (cgroup v2), root runs `{shell}`. What happens?",
                preset.title()
            ),
            choices,
            answer: answer_index,
            explanation: label,
            at: hiding_future(structure(steps.saturating_sub(2))),
            why: structure(steps - 1),
            pick: None,
        });
    }
    Err(GenError::NoScenario("gave an errno or success"))
}
