//! The models and data layers against their issues' budgets (release):
//! - a generated 100,000-card deck parsed and checked (scene links through the real tabs): < 200 ms
//! - a generated 100,000-note Anki package imported (unzipped, its collection read, HTML turned
//!   into Markdown, scene links checked, the deck written as TOML): < 2 s
//! - answering a card (schedule + one SQLite transaction): < 5 ms median
//! - opening a collection of 100,000 cards and 1,000,000 review-log rows and computing today's
//!   queue: < 300 ms (the collection is generated once into `target/bench-data`)
//! - simulating 100 cgroups with 1,000 tasks for 10,000 steps: < 100 ms
//! - simulating the migration of a 64 GiB VM (16 M pages), each method: < 200 ms

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use virtscope::deck::{self, Card, Deck, DeckMeta};
use virtscope::review::config::SchedulerConfig;
use virtscope::review::rating::Rating;
use virtscope::review::scheduler::Scheduler;
use virtscope::review::store::Store;
use virtscope::review::synthetic::{SyntheticSpec, generate_collection, synthetic_card_ids};
use virtscope::tabs::cgroups::model::{CgroupVersion, Scene, SimConfig, simulate};
use virtscope::tabs::migration::model::{self as migration, Mode, Preset};

/// 2024-01-01 10:00 UTC: "now" for the review collection.
const NOW: i64 = 1_704_103_200;

/// A deck of `count` generated cards, each linked to one of the built-in deck's scenes.
fn generated_deck(count: usize) -> Deck {
    let builtin = deck::builtin().expect("the built-in deck parses");
    let links: Vec<String> = builtin
        .cards
        .iter()
        .filter_map(|c| c.scene.clone())
        .collect();
    let cards = (0..count)
        .map(|i| Card {
            id: format!("card-{i}"),
            front: format!("What is question number {i} about trap and emulate?"),
            back: format!("- The answer {i}\n- has **two** lines with `code`\n"),
            tags: vec!["virtualization".into(), "cpu".into()],
            note: (i % 3 == 0).then(|| format!("note {i}")),
            scene: Some(links[i % links.len()].clone()),
            shows: Vec::new(),
        })
        .collect();
    Deck {
        meta: DeckMeta {
            id: "big".into(),
            name: "Big".into(),
            ..DeckMeta::default()
        },
        cards,
        origin: deck::Origin::default(),
    }
}

fn deck_benches(c: &mut Criterion) {
    let generated = generated_deck(100_000);
    let text = deck::write_native(&generated);
    c.bench_function("deck_parse_and_check_100k_cards", |b| {
        b.iter(|| {
            let parsed = deck::parse_native(&text, "big.toml").expect("parses");
            let report = deck::check_with_tabs(&parsed);
            assert!(report.is_ok(), "{}", report.summary_line());
            std::hint::black_box(report)
        });
    });
    // The two halves of the budget, to see where the time goes.
    c.bench_function("deck_parse_100k_cards", |b| {
        b.iter(|| deck::parse_native(&text, "big.toml").expect("parses"));
    });
    let parsed = deck::parse_native(&text, "big.toml").expect("parses");
    c.bench_function("deck_check_100k_cards", |b| {
        b.iter(|| deck::check_with_tabs(&parsed));
    });
}

fn apkg_benches(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/apkg");
    std::fs::create_dir_all(&dir).expect("bench folder");
    let package = dir.join("100k-notes.apkg");
    if !package.exists() {
        deck::apkg::export_apkg(&generated_deck(100_000), None, &package, NOW)
            .expect("the generated package is written");
    }
    let deck_file = dir.join("imported.toml");
    let mut group = c.benchmark_group("apkg");
    group.sample_size(10);
    group.bench_function("import_100k_notes", |b| {
        b.iter(|| {
            let import = deck::read_apkg(&package, &deck_file).expect("imports");
            assert_eq!(import.imported.deck.cards.len(), 100_000);
            std::hint::black_box(deck::write_native(&import.imported.deck))
        });
    });
    group.finish();
}

fn review_benches(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/review");
    let scheduler = Scheduler::new(SchedulerConfig::default(), 0).expect("valid settings");
    let spec = SyntheticSpec {
        deck_id: "big".into(),
        cards: 100_000,
        log_rows: 1_000_000,
        now_secs: NOW,
        seed: 7,
    };
    let ready = dir.join("ready");
    if !ready.exists() {
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).expect("bench data folder");
        let mut store = Store::open(&dir, NOW).expect("opens").store;
        generate_collection(&mut store, scheduler.clock(), &spec).expect("generates");
        store.close().expect("closes");
        std::fs::write(&ready, "").expect("marker");
    }
    let ids = synthetic_card_ids(spec.cards);
    let mut group = c.benchmark_group("review_100k_cards_1m_log_rows");
    group.sample_size(10);
    group.bench_function("open_and_todays_queue", |b| {
        b.iter(|| {
            let mut store = Store::open(&dir, NOW).expect("opens").store;
            store.sync_deck("big", &ids).expect("syncs");
            let queue = store.today_queue(&scheduler, "big", NOW).expect("queue");
            std::hint::black_box(queue.counts)
        });
    });
    group.finish();

    // Answers go into a copy, so the big collection stays as generated for the next run.
    let answers = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(answers.path(), NOW).expect("opens").store;
    let small: Vec<String> = (0..2_000).map(|i| format!("c{i}")).collect();
    store.sync_deck("small", &small).expect("syncs");
    let mut now = NOW;
    let mut index = 0;
    c.bench_function("review_answer_a_card", |b| {
        b.iter(|| {
            now += 5;
            index = (index + 1) % small.len();
            let rating = Rating::ALL[index % 4];
            std::hint::black_box(
                store
                    .answer(&scheduler, "small", &small[index], rating, now, 1_000)
                    .expect("answers"),
            )
        });
    });
}

fn cgroups_benches(c: &mut Criterion) {
    // 10 top-level groups with 9 children each (100 cgroups with the root), 1,000 tasks.
    let mut ops = String::from("enable / cpu memory pids");
    for top in 0..10 {
        ops.push_str(&format!(
            "; mkdir /t{top}; set /t{top} cpu.weight {}",
            50 + top * 20
        ));
        if top % 3 == 0 {
            ops.push_str(&format!(
                "; set /t{top} cpu.max 200000 100000; set /t{top} memory.max 2G"
            ));
        }
        ops.push_str(&format!("; enable /t{top} cpu memory pids"));
        for leaf in 0..9 {
            ops.push_str(&format!("; mkdir /t{top}/l{leaf}"));
            if leaf % 2 == 0 {
                ops.push_str(&format!(
                    "; set /t{top}/l{leaf} memory.high 64M; set /t{top}/l{leaf} pids.max 50"
                ));
            }
        }
    }
    for (pid, task) in (101..).zip(0..1000) {
        let (top, leaf) = (task % 10, (task / 10) % 9);
        let load = match task {
            t if t % 2 == 0 => "busy anon=1M/s",
            t if t % 7 == 0 => "busy until=5s cache=512K/s",
            _ => "busy",
        };
        ops.push_str(&format!(
            "; fork 100 w; move {pid} /t{top}/l{leaf}; load {pid} {load}"
        ));
    }
    let scene = Scene::custom(CgroupVersion::V2, &ops).expect("ops parse");
    let trace = scene.trace();
    let state = trace.final_state().clone();
    let config = SimConfig {
        cpus: 8,
        duration_usec: 10_000_000,
        sample_every_steps: 50,
        ..SimConfig::default()
    };
    assert_eq!(config.steps(), 10_000, "10,000 simulated steps");
    c.bench_function("cgroups_simulate_100_groups_1000_tasks_10000_steps", |b| {
        b.iter(|| std::hint::black_box(simulate(&state, &config).expect("simulates")));
    });
}

fn migration_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("migration_64_gib_vm");
    let mut params = Preset::BusyWeb.params();
    params.memory_mib = 65_536.0;
    for mode in Mode::ALL {
        group.bench_function(mode.slug(), |b| {
            b.iter(|| {
                std::hint::black_box(migration::simulate(&params, *mode).expect("simulates"))
            });
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    deck_benches,
    apkg_benches,
    review_benches,
    cgroups_benches,
    migration_benches
);
criterion_main!(benches);
