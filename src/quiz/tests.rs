//! Property tests for every family: over many seeds, the choice marked right is what the model
//! does at the "why" link when that link is opened and stepped afresh, the choices are distinct,
//! the same seed gives the same instance, and both links open in a fresh tab.

use crate::units::bytes_approx;
use proptest::prelude::*;

use super::*;
use crate::scene::SceneLink;
use crate::tabs;

/// Re-derives the right answer from the instance's "why" link alone, by opening the scene's
/// model the way the tab does and reading what it shows there.
fn model_answer(instance: &Instance) -> String {
    let why = &instance.why;
    let step = |link: &SceneLink| -> usize {
        link.get("step")
            .and_then(|value| value.parse().ok())
            .expect("a numeric step")
    };
    match instance.family {
        "overview.next-hop" | "overview.crossings" => overview_answer(instance, step(why)),
        id if id.starts_with("cpu.") => cpu_answer(instance, step(why)),
        id if id.starts_with("namespaces.") => namespaces_answer(instance, step(why)),
        id if id.starts_with("cgroups.") => cgroups_answer(instance),
        id if id.starts_with("migration.") => migration_answer(instance),
        id if id.starts_with("containers.") => containers_answer(instance),
        other => panic!("no check for {other}"),
    }
}

fn overview_answer(instance: &Instance, step: usize) -> String {
    use crate::tabs::overview::model::{StackKind, stack};
    let kind = instance
        .why
        .get("select")
        .and_then(StackKind::from_slug)
        .expect("a stack");
    let stack = stack(kind);
    if instance.family == "overview.next-hop" {
        // On the picture: the right choice is the click on the layer the hop reaches, in the
        // asked stack, and that click picks no other choice; every pick opens as a selection.
        let hop = &stack.hops[step - 1];
        let layer = stack.layers[hop.to].kind;
        let pick = instance.pick.as_ref().expect("answered on the picture");
        let value = format!("{}.{}", kind.slug(), layer.slug());
        assert_eq!(
            pick.values[instance.answer].as_deref(),
            Some(value.as_str())
        );
        assert_eq!(pick.choice_for(&value), Some(instance.answer));
        // No choice goes to the layer the write is at: a hop always leaves its layer.
        let at = stack.layers[hop.from].kind;
        for (index, choice) in instance.choices.iter().enumerate() {
            let reaches_at = StackKind::ALL.iter().any(|other| {
                let other = crate::tabs::overview::model::stack(*other);
                (0..other.hops.len()).any(|i| {
                    super::overview::hop_words(&other, i).as_deref() == Some(choice.as_str())
                        && other.layers[other.hops[i].to].kind == at
                })
            });
            assert!(
                index == instance.answer || !reaches_at,
                "{} seed {}: {choice:?} is where the write already is",
                instance.family,
                instance.seed
            );
        }
        for value in pick.values.iter().flatten() {
            let mut clicked = instance.at.clone();
            clicked.set("select", value);
            tabs::open_fresh(&clicked).unwrap_or_else(|err| panic!("{clicked}: {err}"));
        }
        super::overview::hop_words(&stack, step - 1).expect("a hop")
    } else {
        assert_eq!(step, stack.hops.len() + 1, "why shows the write done");
        stack.crossings_after(stack.hops.len()).to_string()
    }
}

fn cpu_answer(instance: &Instance, step: usize) -> String {
    use crate::tabs::cpu::link::CpuScene;
    use crate::tabs::cpu::model::machine::run_on_cpu;
    let CpuScene::Run {
        mode,
        program,
        umip,
    } = CpuScene::parse(&instance.why).expect("a cpu link")
    else {
        panic!("{}: not a run", instance.why);
    };
    let trace = run_on_cpu(mode, program, umip).expect("runs");
    match instance.family {
        "cpu.next-event" => super::cpu::handling(&trace.steps[step], &trace.steps[step - 1]),
        "cpu.popf-tick" => {
            let (index, words) = super::cpu::popf_outcome(&trace).expect("an outcome");
            assert_eq!(index, step, "why shows the tick's fate");
            words
        }
        "cpu.sgdt-value" => {
            let (index, words) = super::cpu::sgdt_outcome(&trace).expect("an outcome");
            assert_eq!(index, step, "why shows r2 being set");
            words
        }
        "cpu.exit-reason" => {
            let reason = trace.steps[step].exit_reason.expect("why is a VM exit");
            format!("{} ({})", reason.name(), reason.number())
        }
        "cpu.vmm-entries" => {
            assert_eq!(step, trace.len() - 1, "why shows the end of the run");
            super::cpu::vmm_entries_of(&trace).to_string()
        }
        other => panic!("no check for {other}"),
    }
}

fn namespaces_answer(instance: &Instance, step: usize) -> String {
    use crate::tabs::namespaces::link::{Spec, parse};
    use crate::tabs::namespaces::model::{Scene, ScriptStep};
    let Spec::Sim(spec) = parse(&instance.why).expect("a namespaces link") else {
        panic!("not the simulator");
    };
    let mut scene: Scene = spec.preset.scene();
    scene
        .steps
        .extend(spec.ops.iter().cloned().map(ScriptStep::new));
    let trace = scene.run();
    let select = spec.select.expect("a selected process");
    match instance.family {
        "namespaces.own-pid" => trace
            .world_after(step)
            .process(select)
            .expect("the process")
            .own_pid()
            .to_string(),
        "namespaces.shares-ns" => {
            let kind = spec.filter.expect("a filter");
            let world = trace.world_after(step);
            let ns = world.process(select).expect("asked").ns(kind);
            let sharing: Vec<String> = world
                .live_processes()
                .filter(|p| p.pid != select && p.ns(kind) == ns)
                .map(|p| format!("PID {} ({})", p.pid, p.command))
                .collect();
            let right = instance.right().to_owned();
            assert!(sharing.contains(&right), "{right} shares {}", kind.slug());
            for (index, choice) in instance.choices.iter().enumerate() {
                if index != instance.answer {
                    assert!(!sharing.contains(choice), "{choice} must not share");
                }
            }
            right
        }
        _ => {
            assert_eq!(step, trace.len() - 1, "why shows the appended call");
            let outcome = &trace.steps()[step].outcome;
            match outcome {
                Ok(_) => "It succeeds".to_owned(),
                Err(failure) => {
                    let errno = failure.errno_value().expect("an errno");
                    format!("It fails with {} ({})", errno.name(), errno.message())
                }
            }
        }
    }
}

/// The verdict the whole simulation shows: its first kill, and any `memory.high` event by its
/// end.
fn full_verdict(
    trace: &crate::tabs::cgroups::model::SimTrace,
) -> crate::tabs::cgroups::model::sim::MemoryVerdict {
    let last = trace.sample_count().saturating_sub(1);
    crate::tabs::cgroups::model::sim::MemoryVerdict {
        first_oom_kill: trace.oom_kills().first().cloned(),
        throttled: (0..trace.groups().len())
            .any(|group| trace.sample(last, group).memory_events.high > 0),
    }
}

/// "Nobody is killed" is true only of a group whose `memory.current` stays below its
/// `memory.max` in every sample (domain.md section 3: reaching memory.max invokes the OOM killer).
fn never_reaches_max(trace: &crate::tabs::cgroups::model::SimTrace, select: &str) {
    let path = select.rsplit(':').next().unwrap_or(select);
    let group = (0..trace.groups().len())
        .find(|&group| {
            let g = &trace.groups()[group];
            g.path.as_str() == path && g.memory_max_bytes.is_some()
        })
        .expect("the limited group");
    let max = trace.groups()[group].memory_max_bytes.expect("a limit");
    for index in 0..trace.sample_count() {
        let used = trace.sample(index, group).memory_bytes;
        assert!(
            used < max,
            "{select} holds {used} B of its {max} B limit at {:.2} s, yet nobody is killed",
            trace.sample_time_secs(index)
        );
    }
}

fn cgroups_answer(instance: &Instance) -> String {
    use crate::tabs::cgroups::link::SceneKey;
    let key = SceneKey::parse(&instance.why).expect("a cgroups link");
    let scene = key.scene();
    if instance.family == "cgroups.write-errno" {
        let trace = scene.trace();
        let last = trace.steps().last().expect("a step");
        return match &last.result {
            Ok(()) => "It succeeds".to_owned(),
            Err(error) => {
                let errno = error.errno.expect("an errno");
                format!("It fails with {} ({})", errno.name(), errno.message())
            }
        };
    }
    let sim = scene.simulate().expect("simulates");
    let select = instance.why.get("select").expect("a selection");
    let t: f64 = instance
        .why
        .get("t")
        .and_then(|t| t.parse().ok())
        .expect("a time");
    match instance.family {
        "cgroups.oom-victim" => match super::cgroups::first_victim(&full_verdict(&sim)) {
            Some((victim, at)) => {
                assert!((at - t).abs() < 1e-6, "why shows the kill");
                victim
            }
            None => {
                never_reaches_max(&sim, select);
                super::cgroups::NOBODY.to_owned()
            }
        },
        "cgroups.weight-share" => {
            let from = if t > 5.0 { 6.0 } else { 1.0 };
            let cpus = super::cgroups::mean_cpus(&sim, select, from, t).expect("samples");
            format!("{:.0}% of the CPU", cpus * 100.0)
        }
        "cgroups.cpu-max" => {
            let cpus = super::cgroups::mean_cpus(&sim, select, 0.5, t).expect("samples");
            format!("{cpus:.2} CPUs")
        }
        "cgroups.memory-limit" => super::cgroups::memory_outcome(&full_verdict(&sim)),
        other => panic!("no check for {other}"),
    }
}

fn migration_answer(instance: &Instance) -> String {
    use crate::tabs::migration::link::{Scene, View};
    use crate::tabs::migration::model::{Mode, compare, simulate};
    let scene = Scene::from_link(&instance.why).expect("a migration link");
    if instance.family == "migration.fastest" {
        assert_eq!(scene.view, View::Compare);
        let rows = compare(&scene.params).expect("compares");
        let by_downtime = instance.question.contains("downtime");
        let best = rows
            .rows()
            .into_iter()
            .min_by(|a, b| {
                let key = |s: &crate::tabs::migration::model::Summary| {
                    if by_downtime {
                        s.downtime_secs
                    } else {
                        s.total_secs
                    }
                };
                key(a).total_cmp(&key(b))
            })
            .expect("three rows");
        return best.mode.title().to_owned();
    }
    let timeline = simulate(&scene.params, Mode::PreCopy).expect("simulates");
    match instance.family {
        "migration.rounds" => super::migration::rounds_words(&timeline),
        "migration.downtime" => format!("{:.0} ms", timeline.summary.downtime_secs * 1000.0),
        "migration.stop-reason" => super::migration::stop_words(&timeline).expect("stops"),
        "migration.total-data" => bytes_approx(timeline.summary.total_bytes),
        other => panic!("no check for {other}"),
    }
}

/// The build the layers view shows for a link, opened the way the tab opens it (a fresh replay
/// of the preset, not the generators' cached one).
fn layers_view_build(link: &SceneLink) -> crate::tabs::containers::scene::layers::BuildSummary {
    let mut scene = crate::tabs::containers::scene::layers::LayersScene::from_link(link)
        .unwrap_or_else(|err| panic!("{link}: {err}"));
    let (_, summary, _) = scene.frame();
    let summary = summary.cloned().expect("the link shows a build");
    assert!(summary.error.is_none(), "{link}: {:?}", summary.error);
    summary
}

fn containers_answer(instance: &Instance) -> String {
    use crate::tabs::containers::docker::{DEFAULT_SEED, replay, split_script};
    match instance.family {
        "containers.first-rebuilt" => {
            super::containers::first_rebuilt_words(&layers_view_build(&instance.why))
        }
        "containers.cached-steps" => {
            super::containers::cached_count(&layers_view_build(&instance.why)).to_string()
        }
        "containers.ps-count" => {
            let script = instance.why.get("script").expect("a script");
            let trace = replay(DEFAULT_SEED, &split_script(script)).expect("replays");
            let last = trace.steps.last().expect("a step");
            assert!(last.line.starts_with("docker ps"), "{}", last.line);
            last.output.lines.len().saturating_sub(1).to_string()
        }
        "containers.stop-outcome" => {
            let script = instance.why.get("script").expect("a script");
            let trace = replay(DEFAULT_SEED, &split_script(script)).expect("replays");
            let last = trace.steps.last().expect("a step");
            let words =
                super::containers_cli::stop_words(&last.line, &last.events).expect("a signal");
            // The state the sandbox is left in agrees with the words: a running container, or
            // an exited one with that status.
            let app = trace
                .last_state()
                .engine
                .containers
                .iter()
                .find(|c| c.name == "app")
                .expect("app is kept");
            if app.state.has_process() {
                assert!(words.starts_with("Still running"), "{words}");
            } else {
                assert!(
                    words.starts_with(&format!("Exited ({})", app.exit_code)),
                    "{words}"
                );
            }
            words
        }
        "containers.pull-shared" => {
            // Counted off the terminal, not the engine's report the generator read.
            let script = instance.why.get("script").expect("a script");
            let trace = replay(DEFAULT_SEED, &split_script(script)).expect("replays");
            let last = trace.steps.last().expect("a step");
            assert!(last.line.starts_with("docker pull"), "{}", last.line);
            last.output
                .texts()
                .iter()
                .filter(|line| line.ends_with(": Already exists"))
                .count()
                .to_string()
        }
        other => panic!("no check for {other}"),
    }
}

/// Everything every instance must satisfy.
fn check_instance(family: &Family, seed: u64) {
    let instance = family
        .instance(seed)
        .unwrap_or_else(|err| panic!("{} seed {seed}: {err}", family.id));
    assert_eq!(instance.family, family.id);
    assert_eq!(
        family.instance(seed).expect("again"),
        instance,
        "{} seed {seed} is deterministic",
        family.id
    );
    assert!(
        (2..=MAX_CHOICES).contains(&instance.choices.len()),
        "{} seed {seed}: {:?}",
        family.id,
        instance.choices
    );
    assert!(instance.answer < instance.choices.len());
    let mut sorted = instance.choices.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        sorted.len(),
        instance.choices.len(),
        "{} seed {seed}: choices are distinct: {:?}",
        family.id,
        instance.choices
    );
    assert!(!instance.question.is_empty() && !instance.explanation.is_empty());
    for link in [&instance.at, &instance.why] {
        assert_eq!(link.tab, family.tab, "{link}");
        let text = link.to_string();
        let parsed = SceneLink::parse(&text).unwrap_or_else(|err| panic!("{text}: {err}"));
        let tab = tabs::open_fresh(&parsed).unwrap_or_else(|err| panic!("{text}: {err}"));
        assert_eq!(tab.link(), parsed, "{text} opens and reports itself");
    }
    assert_eq!(
        model_answer(&instance),
        instance.right(),
        "{} seed {seed}: the model at {} says otherwise",
        family.id,
        instance.why
    );
}

/// Families whose generator runs several simulations get fewer cases (each is a few ms in a
/// debug build); the rest get many.
fn cases(family: &Family) -> u32 {
    match family.tab {
        "containers" => 12,
        "cgroups" | "migration" => 24,
        _ => 64,
    }
}

#[test]
fn every_family_holds_over_many_seeds() {
    for family in FAMILIES {
        let config = ProptestConfig {
            cases: cases(family),
            failure_persistence: None,
            ..ProptestConfig::default()
        };
        proptest!(config, |(seed in any::<u64>())| {
            check_instance(family, seed);
        });
    }
}

#[test]
fn small_seeds_hold_too() {
    for family in FAMILIES {
        for seed in 0..4 {
            check_instance(family, seed);
        }
    }
}

#[test]
fn ids_are_unique_and_tabs_registered_and_cards_exist() {
    let deck = crate::deck::builtin().expect("the built-in deck parses");
    let mut ids: Vec<&str> = FAMILIES.iter().map(|family| family.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), FAMILIES.len(), "family ids are unique");
    for family in FAMILIES {
        assert!(
            family.id.starts_with(&format!("{}.", family.tab)),
            "{} is named after its tab",
            family.id
        );
        assert!(tabs::REGISTRY.iter().any(|(id, _)| *id == family.tab));
        assert!(!family.cards.is_empty(), "{} names its cards", family.id);
        for card in family.cards {
            assert!(
                deck.cards.iter().any(|c| c.id == *card),
                "{}: no card {card}",
                family.id
            );
            assert!(families_for_card(card).iter().any(|f| f.id == family.id));
        }
    }
    assert!(matches!(
        family("nope"),
        Err(QuizError::UnknownFamily { .. })
    ));
}

/// domain.md section 1 (Intel SDM, POPF): at CPL > IOPL popf leaves IF unchanged without an
/// exception, so under trap-and-emulate the guest's virtual IF stays 0 and the held tick is lost;
/// every other mode delivers it.
#[test]
fn popf_answers_teach_the_sdm_rule() {
    for seed in 0..64 {
        let instance = POPF_FAMILY.instance(seed).expect("generates");
        let lost = instance.right().contains("never delivered");
        assert_eq!(
            lost,
            instance.question.starts_with("Trap-and-emulate"),
            "{}",
            instance.question
        );
    }
}

/// domain.md section 1 (Intel SDM, CR4.UMIP): without UMIP sgdt at CPL > 0 reads the real
/// (host's) register silently; with UMIP it raises #GP, so trap-and-emulate emulates it.
#[test]
fn sgdt_answers_teach_umip() {
    for seed in 0..64 {
        let instance = SGDT_FAMILY.instance(seed).expect("generates");
        if instance.question.starts_with("Trap-and-emulate") {
            let umip = instance.question.contains("with UMIP");
            assert_eq!(instance.right().contains("host's table"), !umip);
            assert_eq!(instance.right().contains("#GP"), umip);
        } else {
            assert!(instance.right().contains("its own table"), "{instance:?}");
        }
    }
}

/// domain.md section 3: memory.high never invokes the OOM killer.
#[test]
fn memory_high_never_kills() {
    for seed in 0..24 {
        let instance = MEMORY_FAMILY.instance(seed).expect("generates");
        if instance.question.contains("memory.high =") {
            assert!(
                !instance.right().contains("OOM killer kills"),
                "{instance:?}"
            );
        }
    }
}

const POPF_FAMILY: Family = super::cpu::POPF_TICK;
const SGDT_FAMILY: Family = super::cpu::SGDT_VALUE;
const MEMORY_FAMILY: Family = super::cgroups::MEMORY_LIMIT_OUTCOME;

#[test]
fn quiz_cards_follow_their_last_card_and_round_trip() {
    let deck = crate::deck::builtin().expect("the built-in deck parses");
    let deck_ids: Vec<&str> = deck.cards.iter().map(|card| card.id.as_str()).collect();
    let ids = with_quizzes(&deck_ids);
    assert_eq!(ids.len(), deck_ids.len() + FAMILIES.len());
    let deck_only: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| !id.starts_with(CARD_PREFIX))
        .collect();
    assert_eq!(deck_only, deck_ids, "the deck's order is kept");
    for family in FAMILIES {
        let id = card_id(family);
        assert_eq!(family_of_card(&id).map(|f| f.id), Some(family.id));
        let at = ids.iter().position(|x| *x == id).expect("placed");
        let last = ids
            .iter()
            .rposition(|x| family.cards.contains(&x.as_str()))
            .expect("a card");
        assert_eq!(last + 1, at - ids[last + 1..at].len(), "{}", family.id);
        assert!(
            ids[last + 1..at].iter().all(|x| x.starts_with(CARD_PREFIX)),
            "{} comes right after its last card",
            family.id
        );
    }
    assert!(family_of_card("what-is-trap-and-emulate").is_none());
    assert!(with_quizzes(&["someone-elses-card"]).len() == 1);
}

#[test]
fn ratings_follow_right_and_time() {
    use crate::review::rating::Rating;
    let timing = Timing::default();
    assert_eq!(rating_for(false, 1, timing), Rating::Again);
    assert_eq!(rating_for(true, 3, timing), Rating::Easy);
    assert_eq!(rating_for(true, 30, timing), Rating::Good);
    assert_eq!(rating_for(true, 90, timing), Rating::Hard);
}

#[test]
fn quiz_me_prefers_the_scene_on_screen() {
    let scene = SceneLink::parse("cpu/vt-x?program=page-table&step=3").expect("a link");
    let instance = about_scene(&scene, 5).expect("the cpu tab has families");
    assert_eq!(instance.at.tab, "cpu");
    assert_eq!(instance.at.view.as_deref(), Some("vt-x"), "{}", instance.at);
    let migration = SceneLink::parse("migration?mode=compare&preset=quiet&t=0").expect("a link");
    let instance = about_scene(&migration, 9).expect("the migration tab has families");
    assert_eq!(instance.at.get("mode"), Some("compare"), "{}", instance.at);
    assert!(about_scene(&SceneLink::parse("memory").expect("a link"), 1).is_none());
}

/// The stop and kill outcomes the stop-outcome family teaches (domain.md section 6, item 3;
/// Docker docs, "docker container stop"; pid_namespaces(7); signal(7)): a process without a
/// handler for SIGTERM waits out the grace period and dies by SIGKILL (137 = 128 + 9); nginx and
/// redis handle their stop signal and exit 0 at once; docker kill is SIGKILL at once; a signal PID
/// 1 has no handler for changes nothing.
#[test]
fn stop_outcomes_follow_signal_handling() {
    use crate::tabs::containers::docker::{DEFAULT_SEED, replay};
    let outcome = |run: &str, command: &str| {
        let lines = [
            format!("docker run -d --name app {run}"),
            command.to_owned(),
        ];
        let trace = replay(DEFAULT_SEED, &lines).expect("replays");
        let last = trace.steps.last().expect("a step");
        super::containers_cli::stop_words(&last.line, &last.events).expect("a signal")
    };
    assert_eq!(
        outcome("alpine sleep 3600", "docker stop app"),
        "Exited (137) after the 10 s grace period, by SIGKILL"
    );
    assert_eq!(
        outcome("alpine sleep 3600", "docker stop -t 3 app"),
        "Exited (137) after the 3 s grace period, by SIGKILL"
    );
    assert_eq!(
        outcome("nginx", "docker stop app"),
        "Exited (0) within a second"
    );
    assert_eq!(
        outcome("redis", "docker stop app"),
        "Exited (0) within a second"
    );
    assert_eq!(
        outcome("nginx", "docker kill app"),
        "Exited (137) within a second"
    );
    assert!(
        outcome("alpine sleep 3600", "docker kill -s SIGTERM app").starts_with("Still running")
    );
    assert!(outcome("nginx", "docker kill -s SIGHUP app").starts_with("Still running"));
}

/// nginx, redis and python's slim image stand on one Debian bookworm-slim base layer, so a pull
/// of one after another finds that layer present; Alpine-based and Debian-based images share
/// none (docker-library/official-images Dockerfiles; `model::registry`).
#[test]
fn pulls_find_shared_base_layers() {
    use super::containers_cli::shared_layers;
    for (first, second) in [("nginx", "redis"), ("redis", "python:slim")] {
        let (present, total) = shared_layers(first, second).expect("pulls");
        assert_eq!(present, 1, "{second} after {first}: the Debian base");
        assert!(total > 1);
    }
    assert_eq!(shared_layers("alpine", "redis").expect("pulls").0, 0);
    assert_eq!(shared_layers("hello-world", "busybox").expect("pulls").0, 0);
}

/// The oom-victim question states the memory-leak preset's limit: the figure it quotes is the
/// preset's `memory.max` on /leaky, in both versions.
#[test]
fn the_oom_question_quotes_the_presets_limit() {
    use crate::tabs::cgroups::link::SceneKey;
    use crate::tabs::cgroups::model::{CgroupVersion, Preset};
    for version in [CgroupVersion::V2, CgroupVersion::V1] {
        let trace = SceneKey::preset(Preset::MemoryLeak, version)
            .scene()
            .simulate()
            .expect("simulates");
        let limits: Vec<u64> = trace
            .groups()
            .iter()
            .filter(|g| g.path.as_str() == "/leaky")
            .filter_map(|g| g.memory_max_bytes)
            .collect();
        assert_eq!(
            limits,
            [super::cgroups::LEAKY_LIMIT_MIB * 1024 * 1024],
            "{version:?}"
        );
    }
}

/// "Nobody is killed" only of a group that stays under its limit: over many seeds (enough that
/// every pair of starting sizes comes up with no leak), each such answer is checked against the
/// whole simulation.
#[test]
fn oom_nobody_only_under_the_limit() {
    let family = super::cgroups::OOM_VICTIM;
    let mut nobody = 0;
    for seed in 0..400 {
        let instance = family.instance(seed).expect("generates");
        if instance.right() != super::cgroups::NOBODY {
            continue;
        }
        nobody += 1;
        let key = crate::tabs::cgroups::link::SceneKey::parse(&instance.why).expect("a link");
        let trace = key.scene().simulate().expect("simulates");
        never_reaches_max(&trace, instance.why.get("select").expect("a selection"));
    }
    assert!(nobody > 0, "some seeds kill nobody");
}
