//! Pre-copy against the geometric closed form, the worked example and each rule set (QEMU,
//! Xen 4.6+, legacy Xen), each checked against a case computed by hand.

use super::super::mode::Mode;
use super::super::params::{Params, WritePattern};
use super::super::presets::Preset;
use super::super::rules::Rules;
use super::super::stop::StopCondition;
use super::super::timeline::{
    BarKind, MigrationTimeline, Outcome, PhaseKind, VmLocation, simulate,
};

/// A writer sweeping all of memory: the closed form's steady-rate assumption (QEMU's rules).
fn steady(memory_mib: f64, bandwidth_mib_s: f64, dirty_mib_s: f64, downtime_ms: f64) -> Params {
    Params {
        rules: Rules::Qemu,
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
        // QEMU has no data cap: even at lambda = 0.8 (more than 3x memory sent before the
        // remainder fits) it iterates on to the switchover.
        assert_eq!(
            tl.summary.stop,
            Some(StopCondition::DowntimeTarget),
            "lambda {lambda}"
        );
    }
}

/// The worked example with the dirty rate raised to 100 MiB/s (issue 14).
fn worked_example_at_100(rules: Rules) -> Params {
    Params {
        dirty_mib_s: 100.0,
        rules,
        ..Preset::WorkedExample.params()
    }
}

#[test]
fn qemu_switches_over_after_19_rounds_at_100_mib_s() {
    // By hand (QEMU's rule alone: switch over when remaining / R <= 300 ms; no caps).
    // lambda = 100/128 = 0.78125. Round i sends 4096 * lambda^i MiB; the switchover needs
    // 4096 * lambda^(n+1) <= 0.3 s * 128 MiB/s = 38.4 MiB, i.e. lambda^(n+1) <= 0.009375,
    // n + 1 >= ln 0.009375 / ln 0.78125 = 18.92, so 19 rounds. The remainder is
    // 4096 * 0.78125^19 = 37.62 MiB = 0.2939 s at 128 MiB/s; pre-copy takes
    // 32 s * (1 - 0.78125^19) / (1 - 0.78125) = 144.94 s. Downtime adds the 1 MiB of device
    // state (7.8 ms) and the 20 ms resume: 0.3217 s.
    let tl = pre_copy(&worked_example_at_100(Rules::Qemu));
    let s = &tl.summary;
    assert_eq!(s.stop, Some(StopCondition::DowntimeTarget));
    assert_eq!(s.rounds, 19);
    assert!(
        (precopy_secs(&tl) - 144.94).abs() < 0.01,
        "{}",
        precopy_secs(&tl)
    );
    let final_secs = tl.bars.last().unwrap().pages / 256.0 / 128.0;
    assert!((final_secs - 0.2939).abs() < 0.0005, "{final_secs}");
    assert!(
        (s.downtime_secs - 0.3217).abs() < 0.0005,
        "{}",
        s.downtime_secs
    );
}

#[test]
fn xen_4_6_stops_after_5_rounds_at_100_mib_s() {
    // By hand (xg_sr_save.c: at most 5 rounds, or fewer than 50 dirty pages; no data cap).
    // The 5 rounds send 4096 * (1 - lambda^5) / (1 - lambda) = 13275 MiB in 103.71 s, all well
    // over 50 pages, so the round limit fires with 4096 * 0.78125^5 = 1192.09 MiB still dirty:
    // 9.313 s at 128 MiB/s, plus 27.8 ms of state and resume.
    let tl = pre_copy(&worked_example_at_100(Rules::Xen));
    let s = &tl.summary;
    assert_eq!(s.stop, Some(StopCondition::RoundLimit));
    assert_eq!(s.rounds, 5);
    assert!(
        (precopy_secs(&tl) - 103.71).abs() < 0.01,
        "{}",
        precopy_secs(&tl)
    );
    assert!(
        (s.downtime_secs - 9.341).abs() < 0.001,
        "{}",
        s.downtime_secs
    );
    // Mixing in a QEMU switchover changes nothing here: the remainder never fits 300 ms.
    assert!(tl.event("limit-hit").is_some());
}

#[test]
fn legacy_xen_rate_limits_rounds_and_stops_below_50_pages() {
    // By hand (xc_domain_save.c and Clark et al. 4.2.1): rounds run at 100 Mbit/s =
    // 12.5e6 B/s = 11.9209 MiB/s. A 1 GiB VM swept at 4 MiB/s: lambda = 4 / 11.9209 = 0.33554,
    // round k sends 1024 * lambda^k MiB. The dirtying rate (4 MiB/s = 33.6 Mbit/s) stays under
    // the limit, which so stays at 100 Mbit/s. Round 8 sends 1024 * lambda^8 = 0.1646 MiB =
    // 42.1 pages < 50, so the last round begins after 9 rounds, which took
    // 85.899 s * (1 - lambda^9) / (1 - lambda) = 129.27 s. The 0.0552 MiB left then goes at
    // the link's full 128 MiB/s.
    let params = Params {
        rules: Rules::XenLegacy,
        ..steady(1024.0, 128.0, 4.0, 300.0)
    };
    let tl = pre_copy(&params);
    let s = &tl.summary;
    assert_eq!(s.stop, Some(StopCondition::MinPages));
    assert_eq!(s.rounds, 9);
    assert!(
        (precopy_secs(&tl) - 129.27).abs() < 0.01,
        "{}",
        precopy_secs(&tl)
    );
    let round_mib_s: Vec<f64> = tl
        .bars
        .iter()
        .filter(|b| b.kind == BarKind::PreCopyRound)
        .map(|b| b.pages / 256.0 / b.duration_secs)
        .collect();
    assert!(
        round_mib_s.iter().all(|r| (r - 11.9209).abs() < 1e-3),
        "{round_mib_s:?}"
    );
    let last = tl.bars.last().unwrap();
    assert_eq!(last.kind, BarKind::StopAndCopy);
    assert!((last.pages / 256.0 - 0.0552).abs() < 1e-3, "{}", last.pages);
    assert!(
        tl.phases.iter().any(|p| p.label.contains("100 Mbit/s")),
        "the rate limit is named"
    );
}

#[test]
fn legacy_xen_data_cap_ends_the_100_mib_s_case_after_4_rounds() {
    // By hand: under legacy Xen the worked example at 100 MiB/s dirties all 4 GiB in every
    // 100 Mbit/s round (each takes 343.6 s), so every round re-sends 4 GiB; after round 3 the
    // total, 16 GiB, exceeds 3x memory (12 GiB), and the whole 4 GiB is left for the
    // stop-and-copy: 32 s at 128 MiB/s.
    let tl = pre_copy(&worked_example_at_100(Rules::XenLegacy));
    let s = &tl.summary;
    assert_eq!(s.stop, Some(StopCondition::DataLimit));
    assert_eq!(s.rounds, 4);
    assert!(
        (s.downtime_secs - 32.028).abs() < 0.001,
        "{}",
        s.downtime_secs
    );
}

#[test]
fn worked_example_gives_four_rounds_42_5_s_and_125_ms_of_dirty_pages() {
    // domain.md section 4: V = 4 GiB, R = 128 MiB/s, D = 32 MiB/s, 300 ms limit gives 4 rounds,
    // 42.5 s and 125 ms for the last 16 MiB; the downtime adds the device state (1 MiB, 7.8 ms)
    // and the resume (20 ms): 152.8 ms.
    let params = Preset::WorkedExample.params();
    assert_eq!(
        (
            params.memory_mib,
            params.bandwidth_mib_s,
            params.dirty_mib_s,
            params.downtime_ms,
            params.rules
        ),
        (4096.0, 128.0, 32.0, 300.0, Rules::Qemu)
    );
    let tl = pre_copy(&params);
    assert_eq!(tl.summary.rounds, 4);
    assert!(
        (precopy_secs(&tl) - 42.5).abs() < 0.01,
        "{}",
        precopy_secs(&tl)
    );
    let expected = 0.125 + params.device_state_secs() + params.resume_secs();
    assert!((expected - 0.1528).abs() < 1e-4);
    assert!(
        (tl.summary.downtime_secs - expected).abs() < 1e-9,
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
    assert!((last - x).abs() / x < 1e-5, "{last} vs {x}");
    // 51 MiB takes 0.4 s > 300 ms, so it never converges: QEMU would go on forever, and the
    // model stops once five rounds have not shrunk the set.
    assert_eq!(tl.summary.stop, Some(StopCondition::NotConverging));
    assert_eq!(tl.summary.outcome, Outcome::NotConverged);
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
        // Every round re-sends all of memory. QEMU has no cap: it never switches over, the VM
        // stays on the source and nothing is paused.
        let tl = pre_copy(&steady(2048.0, 128.0, dirty, 300.0));
        let s = &tl.summary;
        assert_eq!(s.stop, Some(StopCondition::NotConverging), "D = {dirty}");
        assert_eq!(s.outcome, Outcome::NotConverged);
        assert_eq!(s.downtime_secs, 0.0);
        assert!(tl.event("not-converging").is_some() && tl.event("resume").is_none());
        assert!(s.verdict.starts_with("Not converging"), "{}", s.verdict);
        let end = tl.state_at(tl.end_secs);
        assert_eq!(end.location, VmLocation::Source);
        assert!(end.running);
        // Legacy Xen's 3x data cap stops the same migration after 4 rounds; the whole memory
        // is left for the stop-and-copy: 16 s of downtime, not 300 ms.
        let xen = pre_copy(&Params {
            rules: Rules::XenLegacy,
            ..steady(2048.0, 128.0, dirty, 300.0)
        });
        assert_eq!(
            xen.summary.stop,
            Some(StopCondition::DataLimit),
            "D = {dirty}"
        );
        assert_eq!(xen.summary.rounds, 4);
        assert!(
            xen.summary.downtime_secs > 15.9,
            "{}",
            xen.summary.downtime_secs
        );
        assert!(xen.summary.verdict.starts_with("Limit hit"));
    }
}

#[test]
fn xen_limits_end_pre_copy() {
    // Legacy round limit: a hot set that never drains and never reaches 3x memory.
    let params = Params {
        rules: Rules::XenLegacy,
        memory_mib: 1024.0,
        wss_mib: 16.0,
        hot_write_share: 1.0,
        ..steady(1024.0, 128.0, 256.0, 300.0)
    };
    assert_eq!(pre_copy(&params).summary.rounds, 29);
    assert_eq!(
        pre_copy(&params).summary.stop,
        Some(StopCondition::RoundLimit)
    );
    // Xen 4.6+: five rounds.
    let xen = Params {
        rules: Rules::Xen,
        ..params
    };
    assert_eq!(pre_copy(&xen).summary.rounds, 5);
    // Too few pages: Xen's 50-page threshold (Clark's Quake 3 server).
    let quake = pre_copy(&Preset::ClarkQuake.params());
    assert_eq!(quake.summary.stop, Some(StopCondition::MinPages));
    assert!(live_rounds(&quake).last().unwrap() < &50.0);
}

#[test]
fn auto_converge_rescues_the_adversarial_writer() {
    let without = pre_copy(&Preset::Adversarial.params());
    assert_eq!(without.summary.stop, Some(StopCondition::NotConverging));
    let with = pre_copy(&Params {
        autoconverge: true,
        ..Preset::Adversarial.params()
    });
    assert_eq!(with.summary.stop, Some(StopCondition::DowntimeTarget));
    assert_eq!(with.summary.outcome, Outcome::Completed);
    assert!(with.summary.downtime_secs < 0.5);
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
