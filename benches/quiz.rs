//! Generating one quiz question per family, against issue 18's budget of 1 ms (release).
//!
//! Each iteration generates a new seed's instance, so the figure includes the model runs the
//! family needs (traces, simulations, rebuilds) for the question and its distractors.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use virtscope::quiz::FAMILIES;

fn generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("quiz");
    for family in FAMILIES {
        let mut seed = 0_u64;
        group.bench_function(family.id, |b| {
            b.iter(|| {
                seed = seed.wrapping_add(1);
                family.instance(seed).expect("generates")
            });
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = generate
}
criterion_main!(benches);
