//! Pre-copy against the geometric closed form, the worked example and Xen's and QEMU's rules.

use super::super::mode::Mode;
use super::super::params::{Params, WritePattern};
use super::super::presets::Preset;
use super::super::stop::StopCondition;
use super::super::timeline::{
    BarKind, MigrationTimeline, Outcome, PhaseKind, VmLocation, simulate,
};

/// A writer sweeping all of memory: the closed form's steady-rate assumption.
fn steady(memory_mib: f64, bandwidth_mib_s: f64, dirty_mib_s: f64, downtime_ms: f64) -> Params {
    Params {
        memory_mib,
        wss_mib: memory_mib,
        hot_write_share: 1.0,
        dirty_mib_s,
        write_pattern: WritePattern::Sequential,
        bandwidth_mib_s,
        downtime_ms,
        ..Params::default()
    }
}

fn pre_copy(params: &Params) -> MigrationTimeline {
    simulate(params, Mode::PreCopy).unwrap()
}

fn live_rounds(tl: &MigrationTimeline) -> Vec<f64> {
    tl.bars
        .iter()
        .filter(|b| b.kind == BarKind::PreCopyRound)
        .map(|b| b.pages)
        .collect()
}

fn precopy_secs(tl: &MigrationTimeline) -> f64 {
    tl.bars
        .iter()
        .filter(|b| b.kind == BarKind::PreCopyRound)
        .map(|b| b.duration_secs)
        .sum()
}

#[test]
fn steady_rate_rounds_follow_the_geometric_closed_form() {
    for lambda in [0.1, 0.25, 0.5, 0.8] {
        let params = steady(4096.0, 128.0, 128.0 * lambda, 300.0);
        let tl = pre_copy(&params);
        let v = params.memory_pages() as f64;
        let rounds = live_rounds(&tl);
        for (i, pages) in rounds.iter().enumerate() {
            let expected = v * f64::powi(lambda, i as i32);
            assert!(
                (pages - expected).abs() <= 1e-9 * expected,
                "lambda {lambda} round {i}: {pages} vs {expected}"
            );
        }
        // T = (V/R)(1 - lambda^(n+1)) / (1 - lambda), with n + 1 live rounds.
        let n_plus_1 = rounds.len() as i32;
        let v_over_r = 4096.0 / 128.0;
        let t = v_over_r * (1.0 - f64::powi(lambda, n_plus_1)) / (1.0 - lambda);
        assert!((precopy_secs(&tl) - t).abs() < 1e-9 * t, "lambda {lambda}");
        // Downtime = V_(n+1)/R + device state + resume.
        let downtime = v_over_r * f64::powi(lambda, n_plus_1)
            + params.device_state_secs()
            + params.resume_secs();
        assert!(
            (tl.summary.downtime_secs - downtime).abs() < 1e-9,
            "lambda {lambda}"
        );
        // At lambda = 0.8 the rounds add up to more than 3x memory (1 + 0.8 + ... + 0.8^4 > 3)
        // before the remainder fits 300 ms, so Xen's data limit ends iteration first.
        let expected_stop = if lambda < 0.8 {
            StopCondition::DowntimeTarget
        } else {
            StopCondition::DataLimit
        };
        assert_eq!(tl.summary.stop, Some(expected_stop), "lambda {lambda}");
    }
}

#[test]
fn worked_example_gives_four_rounds_42_5_s_and_125_ms() {
    // domain.md section 4: V = 4 GiB, R = 128 MiB/s, D = 32 MiB/s, 300 ms target.
    let params = Preset::WorkedExample.params();
    assert_eq!(
        (
            params.memory_mib,
            params.bandwidth_mib_s,
            params.dirty_mib_s,
            params.downtime_ms
        ),
        (4096.0, 128.0, 32.0, 300.0)
    );
    let tl = pre_copy(&params);
    assert_eq!(tl.summary.rounds, 4);
    assert!(
        (precopy_secs(&tl) - 42.5).abs() < 0.01,
        "{}",
        precopy_secs(&tl)
    );
    assert!(
        (tl.summary.downtime_secs - 0.125).abs() < 0.005,
        "{}",
        tl.summary.downtime_secs
    );
    assert!(tl.event("converged").is_some() && tl.event("limit-hit").is_none());
    let sizes_mib: Vec<f64> = tl.bars.iter().map(|b| b.pages / 256.0).collect();
    assert_eq!(sizes_mib, [4096.0, 1024.0, 256.0, 64.0, 16.0]);
}

#[test]
fn random_writes_approach_the_closed_form_when_the_working_set_is_large() {
    // lambda = 0.01: round 0 dirties D*t = 1% of the set, so few pages are hit twice.
    let params = Params {
        write_pattern: WritePattern::Random,
        ..steady(4096.0, 128.0, 1.28, 300.0)
    };
    let tl = pre_copy(&params);
    let v = params.memory_pages() as f64;
    let rounds = live_rounds(&tl);
    assert!(rounds.len() >= 2);
    for (i, pages) in rounds.iter().enumerate().skip(1) {
        let closed = v * f64::powi(0.01, i as i32);
        assert!(
            (pages - closed).abs() / closed < 0.01,
            "round {i}: {pages} vs {closed}"
        );
        assert!(*pages < closed, "pages written twice are sent once");
    }
}

#[test]
fn a_small_working_set_caps_each_round_and_saturates() {
    // 64 MiB hot set written at twice the link rate: every round re-sends most of it.
    let params = Params {
        memory_mib: 4096.0,
        wss_mib: 64.0,
        hot_write_share: 1.0,
        dirty_mib_s: 256.0,
        write_pattern: WritePattern::Random,
        bandwidth_mib_s: 128.0,
        ..Params::default()
    };
    let tl = pre_copy(&params);
    let w = params.wss_pages() as f64;
    let rounds = live_rounds(&tl);
    assert!(rounds.iter().skip(1).all(|&p| p <= w));
    // The rounds settle at the fixed point x = W(1 - exp(-(D/R) x / W)).
    let mut x: f64 = w;
    for _ in 0..200 {
        x = w * (1.0 - (-2.0 * x / w).exp());
    }
    let last = rounds.last().copied().unwrap();
    assert!((last - x).abs() / x < 1e-6, "{last} vs {x}");
    // 51 MiB takes 0.4 s > 300 ms, so it never converges: Xen's round limit ends it.
    assert_eq!(tl.summary.stop, Some(StopCondition::RoundLimit));
    assert_eq!(tl.summary.rounds, 29);
    // A sweeping writer fills the set exactly.
    let sweep = pre_copy(&Params {
        write_pattern: WritePattern::Sequential,
        ..params
    });
    assert!(
        live_rounds(&sweep)
            .iter()
            .skip(1)
            .all(|&p| (p - w).abs() < 1e-9)
    );
}

#[test]
fn dirty_rate_at_or_above_bandwidth_never_converges() {
    for dirty in [128.0, 256.0] {
        let params = steady(2048.0, 128.0, dirty, 300.0);
        let tl = pre_copy(&params);
        let s = &tl.summary;
        // Every round re-sends all of memory; Xen's 3x data limit stops it after 4 rounds.
        assert_eq!(s.stop, Some(StopCondition::DataLimit), "D = {dirty}");
        assert_eq!(s.rounds, 4);
        assert!(tl.event("limit-hit").is_some() && tl.event("converged").is_none());
        // The whole memory is left for the stop-and-copy: 16 s of downtime, not 300 ms.
        assert!(s.downtime_secs > 15.9, "{}", s.downtime_secs);
        assert!(s.verdict.starts_with("Limit hit"));
    }
}

#[test]
fn xen_limits_end_pre_copy() {
    // Round limit: a hot set that never drains, no data limit in the way.
    let params = Params {
        data_limit_factor: 1000.0,
        ..steady(1024.0, 128.0, 256.0, 300.0)
    };
    assert_eq!(pre_copy(&params).summary.rounds, 29);
    let ten = Params {
        max_rounds: 10,
        ..params
    };
    assert_eq!(pre_copy(&ten).summary.rounds, 10);
    // Data limit: stops after the round that pushes the total past 3x memory.
    let tl = pre_copy(&steady(1024.0, 128.0, 128.0, 300.0));
    let sent: f64 = live_rounds(&tl).iter().sum();
    let v = 1024.0 * 256.0;
    assert!(sent > 3.0 * v && sent - live_rounds(&tl).last().unwrap() <= 3.0 * v);
    // Too few pages: Xen's 50-page threshold with no downtime target.
    let quake = pre_copy(&Preset::ClarkQuake.params());
    assert_eq!(quake.summary.stop, Some(StopCondition::MinPages));
    assert!(live_rounds(&quake).last().unwrap() < &50.0);
}

#[test]
fn auto_converge_rescues_the_adversarial_writer() {
    let without = pre_copy(&Preset::Adversarial.params());
    assert_eq!(without.summary.stop, Some(StopCondition::RoundLimit));
    let with = pre_copy(&Params {
        autoconverge: true,
        ..Preset::Adversarial.params()
    });
    assert_eq!(with.summary.stop, Some(StopCondition::DowntimeTarget));
    assert!(with.summary.downtime_secs < 0.5 * without.summary.downtime_secs);
    assert!(with.summary.degraded_secs > 0.0 && without.summary.degraded_secs == 0.0);
    // The throttle follows QEMU's steps: 20%, then +10% at a time, never down.
    let pcts: Vec<u32> = with
        .bars
        .iter()
        .filter(|b| b.kind == BarKind::PreCopyRound)
        .map(|b| b.throttle_pct)
        .collect();
    assert!(
        pcts.windows(2)
            .all(|w| w[1] == w[0] || w[1] == if w[0] == 0 { 20 } else { w[0] + 10 })
    );
    assert!(pcts.iter().any(|&p| p >= 20));
    assert!(
        with.phases
            .iter()
            .any(|p| p.label.contains("auto-converge"))
    );
}

#[test]
fn downtime_never_falls_below_the_cpu_state_transfer() {
    let params = Params {
        dirty_mib_s: 0.0,
        device_state_bytes: 8 << 20,
        resume_ms: 0.0,
        ..steady(1024.0, 64.0, 0.0, 300.0)
    };
    let tl = pre_copy(&params);
    // Nothing is dirty after round 0, yet 8 MiB of state still takes 125 ms at 64 MiB/s.
    assert_eq!(tl.summary.rounds, 1);
    assert!((tl.summary.downtime_secs - 0.125).abs() < 1e-12);
}

#[test]
fn state_at_matches_the_rounds() {
    let tl = pre_copy(&Preset::WorkedExample.params());
    let v = tl.params.memory_pages() as f64;
    // Halfway through round 0: half the pages not yet sent, and what was sent may be dirty.
    let mid = tl.state_at(16.0);
    assert!((mid.pages.not_sent - v / 2.0).abs() < 1e-6 * v);
    assert_eq!(mid.location, VmLocation::Source);
    assert!(mid.running && mid.round == Some(0));
    // At the start of each round, the dirty pages are exactly what the round will send.
    for bar in tl
        .bars
        .iter()
        .skip(1)
        .filter(|b| b.kind == BarKind::PreCopyRound)
    {
        let s = tl.state_at(bar.start_secs);
        assert!(
            (s.pages.dirty - bar.pages).abs() < 1e-6 * bar.pages,
            "{} vs {}",
            s.pages.dirty,
            bar.pages
        );
    }
    // During the stop-and-copy the VM is paused on the source.
    let stop = tl.event("stop-and-copy").unwrap().at_secs;
    let paused = tl.state_at(stop + 0.01);
    assert_eq!(paused.phase, PhaseKind::StopAndCopy);
    assert!(!paused.running);
    let end = tl.state_at(tl.end_secs);
    assert_eq!(end.location, VmLocation::Destination);
    assert_eq!(end.pages.sent_clean, v);
    assert!((end.bytes_sent - tl.summary.total_bytes).abs() < 1e-6 * tl.summary.total_bytes);
}

#[test]
fn a_failed_destination_only_aborts_pre_copy() {
    let tl = pre_copy(&Params {
        dest_fails: true,
        ..Preset::BusyWeb.params()
    });
    let s = &tl.summary;
    assert_eq!(s.outcome, Outcome::Aborted);
    assert_eq!(s.downtime_secs, 0.0);
    let last = tl.phases.last().unwrap();
    assert_eq!(
        (last.kind, last.location),
        (PhaseKind::RunningOnSource, VmLocation::Source)
    );
    assert!(tl.event("dest-failed").is_some() && tl.event("resume").is_none());
    let after = tl.state_at(tl.end_secs);
    assert!(after.running);
    assert_eq!(after.pages.not_sent, tl.params.memory_pages() as f64);
}
