//! Review progress survives SIGKILL at any moment.
//!
//! The test binary re-executes itself: the child (`child_process_entry`, selected by an
//! environment variable) answers a stream of cards and prints each answer's log id only after
//! `Store::answer` returned. The parent kills it with SIGKILL (`Child::kill`) at a random moment
//! (seeded), 30 times on the same database, and after each kill checks that every printed answer
//! is in the database, that each card's state is the one its newest log row says (the state and
//! its log row were written together), and that `PRAGMA integrity_check` finds nothing.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use virtscope::review::config::SchedulerConfig;
use virtscope::review::rating::Rating;
use virtscope::review::scheduler::Scheduler;
use virtscope::review::store::Store;

/// Selects the child role and names its data directory.
const CHILD_DIR_ENV: &str = "VIRTSCOPE_REVIEW_CRASH_CHILD_DIR";
/// The child's iteration number (spreads answer times apart).
const CHILD_ITERATION_ENV: &str = "VIRTSCOPE_REVIEW_CRASH_ITERATION";
const ITERATIONS: u64 = 30;
const DECK: &str = "crash";
const CARDS: usize = 40;
/// 2024-01-01T10:00:00Z.
const START_SECS: i64 = 1_704_103_200;

/// SplitMix64, for seeded kill delays and ratings.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn card_ids() -> Vec<String> {
    (0..CARDS).map(|i| format!("card-{i:02}")).collect()
}

fn scheduler() -> Scheduler {
    Scheduler::new(SchedulerConfig::default(), 0).expect("default settings are valid")
}

/// The child: answer cards forever, announcing each committed answer.
fn answer_forever(dir: &Path, iteration: u64) {
    let now = START_SECS + i64::try_from(iteration).unwrap_or(0) * 86_400;
    let mut store = Store::open(dir, now).expect("open").store;
    store.sync_deck(DECK, &card_ids()).expect("sync");
    let scheduler = scheduler();
    let ids = card_ids();
    let mut rng = Rng(iteration);
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "READY").expect("stdout");
    stdout.flush().expect("stdout");
    for i in 0.. {
        let card = &ids[(rng.next() % CARDS as u64) as usize];
        let rating = Rating::ALL[(rng.next() % 4) as usize];
        let answered = store
            .answer(&scheduler, DECK, card, rating, now + i * 30, 1_000)
            .expect("answer");
        writeln!(stdout, "ANSWERED {}", answered.log_id).expect("stdout");
        stdout.flush().expect("stdout");
    }
}

/// Entry point of the child process; does nothing unless started by `answers_survive_sigkill`.
#[test]
#[ignore = "the child process of answers_survive_sigkill"]
fn child_process_entry() {
    if let Some(dir) = std::env::var_os(CHILD_DIR_ENV) {
        let iteration = std::env::var(CHILD_ITERATION_ENV)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        answer_forever(Path::new(&dir), iteration);
    }
}

fn assert_all_present(store: &Store, log_ids: &[i64]) {
    for &log_id in log_ids {
        assert!(
            store.log_entry(log_id).expect("read log").is_some(),
            "answer {log_id} was confirmed but is missing"
        );
    }
}

#[test]
fn answers_survive_sigkill() {
    let dir = tempfile::tempdir().expect("temp dir");
    let exe = std::env::current_exe().expect("test binary path");
    let mut rng = Rng(0x5eed);
    let mut confirmed = Vec::new();
    for iteration in 0..ITERATIONS {
        let mut child = Command::new(&exe)
            .args(["--ignored", "--exact", "child_process_entry", "--nocapture"])
            .env(CHILD_DIR_ENV, dir.path())
            .env(CHILD_ITERATION_ENV, iteration.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("piped stdout");
        let (lines_tx, lines_rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Wait until the child is answering, then kill it 0 to 40 ms later.
        loop {
            let line = lines_rx
                .recv_timeout(Duration::from_secs(20))
                .expect("the child must start");
            if line == "READY" {
                break;
            }
        }
        std::thread::sleep(Duration::from_micros(rng.next() % 40_000));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap child");
        reader.join().expect("reader thread");
        let printed: Vec<i64> = lines_rx
            .try_iter()
            .filter_map(|line| line.strip_prefix("ANSWERED ")?.parse().ok())
            .collect();

        let store = Store::open(dir.path(), START_SECS).expect("reopen").store;
        assert_eq!(
            store.integrity_check().expect("check"),
            Vec::<String>::new()
        );
        assert_all_present(&store, &printed);
        confirmed.extend(printed);
        for card in card_ids() {
            let history = store.card_history(DECK, &card).expect("history");
            let state = store.card_schedule(DECK, &card).expect("state").state;
            if let Some(last) = history.last() {
                assert_eq!(
                    state.phase(),
                    last.phase_after,
                    "{card}: state and log disagree"
                );
                assert_eq!(
                    state.memory(),
                    last.memory_after,
                    "{card}: state and log disagree"
                );
            }
        }
        store.close().expect("close");
    }
    // Nothing confirmed in an earlier round was lost in a later one.
    let store = Store::open(dir.path(), START_SECS).expect("reopen").store;
    assert_all_present(&store, &confirmed);
    assert!(
        confirmed.len() > ITERATIONS as usize,
        "the children must have answered ({} answers)",
        confirmed.len()
    );
}
