//! Property tests over random scenarios: invariants every timeline must keep.

use proptest::prelude::*;

use super::grid::page_grid_at;
use super::mode::Mode;
use super::params::{PAGE_SIZE_BYTES, Params, WritePattern};
use super::rules::{QEMU_MAX_SIMULATED_ROUNDS, Rules, XEN_LEGACY_MAX_ROUNDS, XEN_MAX_ITERATIONS};
use super::timeline::{Outcome, simulate};

/// Valid scenarios over every parameter's whole range (postcopy's tests draw them too).
pub(super) fn params_strategy() -> impl Strategy<Value = Params> {
    (
        (
            1_u32..=65_536,
            0.0..=1.0_f64,
            0.0..=1.0_f64,
            0.0..=2000.0_f64,
            any::<bool>(),
            0.5..=2000.0_f64,
        ),
        (
            0.0..=2000.0_f64,
            0_usize..3,
            0_u64..=(64 << 20),
            0.0..=100.0_f64,
        ),
        (
            any::<bool>(),
            0.0..=10.0_f64,
            any::<bool>(),
            0_u32..=64,
            any::<bool>(),
            any::<u64>(),
        ),
    )
        .prop_map(
            |(
                (memory, wss_share, hot_write_share, dirty_mib_s, sequential, bandwidth_mib_s),
                (downtime_ms, rules, device_state_bytes, resume_ms),
                (autoconverge, fault_latency_ms, prepaging, prepage_pages, dest_fails, seed),
            )| {
                let memory_mib = f64::from(memory);
                let rules = Rules::ALL[rules];
                Params {
                    memory_mib,
                    wss_mib: memory_mib * wss_share,
                    hot_write_share,
                    dirty_mib_s,
                    write_pattern: if sequential {
                        WritePattern::Sequential
                    } else {
                        WritePattern::Random
                    },
                    bandwidth_mib_s,
                    rules,
                    downtime_ms,
                    device_state_bytes,
                    resume_ms,
                    autoconverge: autoconverge && rules.has_autoconverge(),
                    fault_latency_ms,
                    prepaging,
                    prepage_pages,
                    dest_fails,
                    seed,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn timelines_keep_their_invariants(params in params_strategy()) {
        prop_assert_eq!(params.validate(), Ok(()));
        let memory_bytes = (params.memory_pages() * PAGE_SIZE_BYTES) as f64;
        let state_bytes = params.device_state_bytes as f64;
        let v = params.memory_pages() as f64;
        for mode in Mode::ALL {
            let tl = simulate(&params, *mode).unwrap();
            prop_assert_eq!(&tl, &simulate(&params, *mode).unwrap(), "deterministic");

            // Phases tile [0, end] in order; events are unique, ordered and inside it.
            prop_assert_eq!(tl.phases[0].start_secs, 0.0);
            for pair in tl.phases.windows(2) {
                prop_assert_eq!(pair[0].end_secs, pair[1].start_secs);
            }
            for phase in &tl.phases {
                prop_assert!(phase.end_secs >= phase.start_secs);
            }
            prop_assert!(tl.end_secs.is_finite());
            for pair in tl.events.windows(2) {
                prop_assert!(pair[0].at_secs <= pair[1].at_secs);
            }
            for event in &tl.events {
                prop_assert_eq!(tl.events.iter().filter(|e| e.slug == event.slug).count(), 1);
            }

            // Headline numbers.
            let s = &tl.summary;
            prop_assert!(s.downtime_secs >= 0.0 && s.downtime_secs <= s.total_secs + 1e-9);
            prop_assert!(s.faults >= 0.0 && s.stall_secs >= 0.0 && s.degraded_secs >= 0.0);
            if s.outcome == Outcome::Completed {
                prop_assert!(s.total_bytes >= memory_bytes + state_bytes - 1e-6 * memory_bytes);
                // Never below the time to send the CPU state.
                prop_assert!(s.downtime_secs >= params.device_state_secs() - 1e-12);
            }
            match mode {
                Mode::Cold => prop_assert_eq!(s.downtime_secs, s.total_secs),
                Mode::PreCopy => {
                    // Each rule set's round cap (rules.rs); QEMU's is only the model's guard.
                    let max_rounds = match params.rules {
                        Rules::Qemu => QEMU_MAX_SIMULATED_ROUNDS,
                        Rules::Xen => XEN_MAX_ITERATIONS,
                        Rules::XenLegacy => XEN_LEGACY_MAX_ROUNDS,
                    };
                    prop_assert!(s.rounds <= max_rounds);
                    if params.rules == Rules::XenLegacy {
                        // The 3x cap can be overshot by one round (at most V) plus the final copy.
                        let cap = 5.0 * memory_bytes + state_bytes;
                        prop_assert!(s.total_bytes <= cap * (1.0 + 1e-9));
                    }
                    if s.outcome == Outcome::NotConverged {
                        prop_assert_eq!(params.rules, Rules::Qemu);
                        prop_assert_eq!(s.downtime_secs, 0.0);
                    }
                }
                Mode::PostCopy => {
                    if s.outcome == Outcome::Completed {
                        prop_assert_eq!(s.total_bytes, memory_bytes + state_bytes);
                    }
                }
            }

            // State over time: counts add up, transfers only grow.
            let mut last = tl.state_at(0.0);
            for k in 1..=24 {
                let state = tl.state_at(tl.end_secs * f64::from(k) / 24.0);
                prop_assert!((state.pages.total() - v).abs() <= 1e-6 * v);
                prop_assert!(state.pages_sent >= last.pages_sent - 1e-9 * v);
                prop_assert!(state.bytes_sent >= last.bytes_sent - 1e-9 * memory_bytes);
                prop_assert!(state.bytes_sent <= s.total_bytes * (1.0 + 1e-9) + 1.0);
                last = state;
            }

            // The page grid accounts for every page.
            for k in 0..=4 {
                let grid = page_grid_at(&tl, tl.end_secs * f64::from(k) / 4.0, 64);
                let pages: u64 = grid.iter().map(|c| c.pages).sum();
                prop_assert_eq!(pages, params.memory_pages());
                for cell in &grid {
                    prop_assert_eq!(cell.not_sent + cell.sent_clean + cell.dirty + cell.faulted_in, cell.pages);
                }
            }
        }
    }
}
