//! Start-up time to the first rendered frame of the real window: the release binary is started
//! under the X display in `$DISPLAY` (Xvfb in CI) with `--quit-after-frames 1`, and the wall time
//! until it exits is measured (so it includes opening the window, the GPU surface on the software
//! rasterizer, the first frame and shutting down). Without a display the benchmark is skipped.

// Test code: an unwrap, expect or index that fails is a failed test, which is what it should be.
#![allow(clippy::expect_used, clippy::indexing_slicing, clippy::unwrap_used)]

use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};

fn startup_benches(c: &mut Criterion) {
    if std::env::var_os("DISPLAY").is_none() {
        eprintln!("startup: skipped, no DISPLAY (run under Xvfb: see BENCHMARKS.md)");
        return;
    }
    let binary = env!("CARGO_BIN_EXE_virtscope");
    let data = tempfile::tempdir().expect("temp dir");
    let mut group = c.benchmark_group("startup");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("first_frame", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let start = Instant::now();
                let status = Command::new(binary)
                    .args(["--quit-after-frames", "1", "--data-dir"])
                    .arg(data.path())
                    .status()
                    .expect("the binary starts");
                total += start.elapsed();
                assert!(status.success(), "virtscope exited with {status}");
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, startup_benches);
criterion_main!(benches);
