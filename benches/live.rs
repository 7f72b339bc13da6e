//! Reading this machine's namespaces and cgroups with at least 1,000 processes running (the
//! benchmark starts 1,000 `sleep` processes first and stops them at the end), and drawing the
//! live views of such a machine. Budgets: reading the namespaces of 1,000 processes under 100 ms;
//! a frame of the live view under 1 ms.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

mod support;

use std::process::{Child, Command};

use criterion::{Criterion, criterion_group, criterion_main};
use virtscope::scene::SceneLink;

/// Processes started for the measurement, stopped when dropped.
struct Sleepers(Vec<Child>);

impl Drop for Sleepers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            child.kill().ok();
            child.wait().ok();
        }
    }
}

fn live_benches(c: &mut Criterion) {
    let sleepers = Sleepers(
        (0..1000)
            .filter_map(|_| Command::new("sleep").arg("120").spawn().ok())
            .collect(),
    );
    eprintln!("live: {} extra processes running", sleepers.0.len());
    let mut group = c.benchmark_group("live_1000_processes");
    group.sample_size(20);
    group.bench_function("read_namespaces", |b| {
        b.iter(|| std::hint::black_box(virtscope::tabs::namespaces::live::read_live()));
    });
    group.bench_function("read_cgroups", |b| {
        b.iter(|| std::hint::black_box(virtscope::tabs::cgroups::live::read_system()));
    });
    for text in ["namespaces/live", "cgroups/live"] {
        let Ok(link) = SceneLink::parse(text) else {
            continue;
        };
        let mut frames = support::Frames::new(&link);
        group.bench_function(format!("frame_{}", text.replace('/', "_")), |b| {
            b.iter(|| frames.next());
        });
    }
    group.finish();
    drop(sleepers);
}

criterion_group!(benches, live_benches);
criterion_main!(benches);
