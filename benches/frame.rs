//! Per-frame CPU time of the whole app at 1920x1080 with each registered tab active and its
//! animation playing: egui's pass (`run_ui`) plus tessellation, the work a real frame does before
//! the GPU. Budget: median under 1 ms per tab (release). Every tab is measured on its default
//! scene and on its heaviest views (charts, comparisons, the live view of this machine).

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use virtscope::scene::SceneLink;
use virtscope::tabs;

/// The heaviest scenes, by what they draw.
const HEAVY: &[&str] = &[
    "cpu/compare?program=syscall-loop&a=binary-translation&b=vt-x",
    "cpu/cost?sensitive=0.001&workload=fork",
    "memory/ept?preset=tlb-miss&step=walk",
    "memory/shadow?preset=fork",
    "memory/ept?preset=scan&pwc=on",
    "namespaces?preset=pod",
    "cgroups/simulate?version=2&preset=memory-leak",
    "cgroups?version=1&preset=v1-hierarchies",
    "containers/cli?preset=compose",
    "containers/layers?preset=copy-on-write",
    "migration?mode=pre-copy&preset=clark-specweb",
    "migration?mode=post-copy&preset=adversarial&memory_mib=65536",
    "migration?mode=compare&preset=busy-web",
    // The scenes that show the deck's list answers (issue 13).
    "overview/power?step=2",
    "overview/consolidation?step=7",
    "migration/cluster?preset=failing-hardware&step=5",
    "containers/microservices?preset=principles&step=0",
    // QEMU's rules have no round cap: lambda = 127/128 converges after about 600 rounds.
    "migration?mode=pre-copy&preset=worked-example&dirty_mib_s=127",
];

fn frame_benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("frame_1920x1080");
    let defaults = tabs::all().iter().map(|tab| tab.link()).collect::<Vec<_>>();
    let heavy = HEAVY.iter().filter_map(|text| SceneLink::parse(text).ok());
    for link in defaults.into_iter().chain(heavy) {
        // Scenes of tabs this build does not have are skipped.
        if tabs::open_fresh(&link).is_err() {
            continue;
        }
        let name = link.to_string().replace(['/', '?', '&', '='], "_");
        // Built on first use, so a filtered run (`cargo bench -- cpu_cost`) sets up only its scenes.
        let mut frames = None;
        group.bench_function(name, |b| {
            let frames = frames.get_or_insert_with(|| support::Frames::new(&link));
            b.iter(|| frames.next());
        });
    }
    group.finish();
}

criterion_group!(benches, frame_benches);
criterion_main!(benches);
