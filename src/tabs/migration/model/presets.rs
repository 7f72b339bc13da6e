//! Named scenarios for scene links (`preset=`) and the tab's preset menu.
//!
//! Each preset says where its numbers come from. The worked example and the Clark-shaped
//! presets are checked against their sources by tests; the others are illustrative workloads.

use super::params::{
    DEFAULT_SEED, Params, QEMU_DOWNTIME_LIMIT_MS, QEMU_MAX_BANDWIDTH_MIB_S, WritePattern,
    XEN_DATA_LIMIT_FACTOR, XEN_MAX_ROUNDS, XEN_MIN_PAGES,
};

/// Clark et al.'s paper, cited wherever a preset is shaped after it.
pub const CLARK_2005: &str = "Clark et al., Live Migration of Virtual Machines, NSDI 2005";

/// A named scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// An idle VM with a small working set.
    Quiet,
    /// A busy web server.
    BusyWeb,
    /// A memory writer that dirties faster than the link drains.
    Adversarial,
    /// Shaped after Clark et al.'s SPECweb99 migration (210 ms downtime).
    ClarkSpecweb,
    /// Shaped after Clark et al.'s Quake 3 server migration (60 ms downtime).
    ClarkQuake,
    /// The closed-form worked example: 4 GiB, 128 MiB/s, 32 MiB/s, 300 ms.
    WorkedExample,
}

impl Preset {
    /// Every preset, in menu order.
    pub const ALL: &[Self] = &[
        Self::Quiet,
        Self::BusyWeb,
        Self::Adversarial,
        Self::ClarkSpecweb,
        Self::ClarkQuake,
        Self::WorkedExample,
    ];

    /// Scene-link id (SCENES.md).
    pub fn slug(self) -> &'static str {
        match self {
            Self::Quiet => "quiet",
            Self::BusyWeb => "busy-web",
            Self::Adversarial => "adversarial",
            Self::ClarkSpecweb => "clark-specweb",
            Self::ClarkQuake => "clark-quake",
            Self::WorkedExample => "worked-example",
        }
    }

    /// Parses [`Self::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.slug() == slug)
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Quiet => "Quiet VM",
            Self::BusyWeb => "Busy web server",
            Self::Adversarial => "Adversarial memory writer",
            Self::ClarkSpecweb => "SPECweb99 server (Clark et al.)",
            Self::ClarkQuake => "Quake 3 server (Clark et al.)",
            Self::WorkedExample => "Worked example",
        }
    }

    /// A few sentences for students: what the scenario shows.
    pub fn description(self) -> &'static str {
        match self {
            Self::Quiet => {
                "An idle 2 GiB VM that slowly rewrites a 64 MiB working set. After the first full copy so little is dirty that pre-copy switches over at once, with tens of milliseconds of downtime. The numbers are illustrative."
            }
            Self::BusyWeb => {
                "A 4 GiB web server writing 48 MiB/s, mostly into a 512 MiB working set, over QEMU's default 128 MiB/s. Pre-copy needs a few rounds; post-copy resumes at once but faults on its working set. The numbers are illustrative."
            }
            Self::Adversarial => {
                "A program sweeping through a 256 MiB buffer at 192 MiB/s, faster than the 128 MiB/s link: every round re-sends the whole buffer, so pre-copy never converges and stops only at the round limit, with seconds of downtime instead of 300 ms. Turn on auto-converge to see QEMU throttle the guest until it does. The numbers are illustrative."
            }
            Self::ClarkSpecweb => {
                "An 800 MiB VM serving SPECweb99. Its 17 MiB of hot pages are rewritten about ten times a second, faster than they can be sent, so they are dirty again after every round: the writable working set, sent in the final stop-and-copy. Clark et al. measured 210 ms of downtime. These parameters are an approximation shaped after the paper (Clark et al., Live Migration of Virtual Machines, NSDI 2005), not its measurements; the paper's adaptive rate limiting, which lengthened its total time, is not modelled."
            }
            Self::ClarkQuake => {
                "A 64 MiB VM running a Quake 3 server whose game state, a writable working set of under 40 pages, is rewritten hundreds of times a second. Clark et al. measured 60 ms of downtime. These parameters are an approximation shaped after the paper (Clark et al., Live Migration of Virtual Machines, NSDI 2005), not its measurements; Xen's rules (no downtime target) decide when to stop."
            }
            Self::WorkedExample => {
                "V = 4 GiB, R = 128 MiB/s, D = 32 MiB/s (lambda = 1/4) and a 300 ms target, with a writer sweeping all of memory so the geometric closed form holds exactly: 4 rounds (4 GiB, 1 GiB, 256 MiB, 64 MiB) take 42.5 s, then 16 MiB remain, about 125 ms of downtime."
            }
        }
    }

    /// Where the preset's numbers come from.
    pub fn source(self) -> &'static str {
        match self {
            Self::Quiet | Self::BusyWeb | Self::Adversarial => {
                "Illustrative workload; link speed is QEMU's default max-bandwidth (128 MiB/s) and limits are QEMU's 300 ms downtime target with Xen's round and data limits"
            }
            Self::ClarkSpecweb | Self::ClarkQuake => CLARK_2005,
            Self::WorkedExample => {
                "Geometric pre-copy model (lambda = D/R) as used by Liu et al., HPDC 2011 and Akoush et al., MASCOTS 2010"
            }
        }
    }

    /// The preset's parameters.
    pub fn params(self) -> Params {
        let base = Params {
            memory_mib: 4096.0,
            wss_mib: 512.0,
            hot_write_share: 0.9,
            dirty_mib_s: 32.0,
            write_pattern: WritePattern::Random,
            bandwidth_mib_s: QEMU_MAX_BANDWIDTH_MIB_S,
            downtime_ms: QEMU_DOWNTIME_LIMIT_MS,
            max_rounds: XEN_MAX_ROUNDS,
            data_limit_factor: XEN_DATA_LIMIT_FACTOR,
            min_pages: XEN_MIN_PAGES,
            device_state_bytes: 256 * 1024,
            resume_ms: 10.0,
            autoconverge: false,
            fault_latency_ms: 1.0,
            prepaging: false,
            prepage_pages: 32,
            dest_fails: false,
            seed: DEFAULT_SEED,
        };
        match self {
            Self::Quiet => Params {
                memory_mib: 2048.0,
                wss_mib: 64.0,
                dirty_mib_s: 0.5,
                ..base
            },
            Self::BusyWeb => Params {
                dirty_mib_s: 48.0,
                ..base
            },
            Self::Adversarial => Params {
                wss_mib: 256.0,
                hot_write_share: 1.0,
                dirty_mib_s: 192.0,
                write_pattern: WritePattern::Sequential,
                ..base
            },
            Self::ClarkSpecweb => Params {
                memory_mib: 800.0,
                wss_mib: 17.0,
                hot_write_share: 0.99,
                dirty_mib_s: 170.0,
                bandwidth_mib_s: 90.0,
                resume_ms: 9.0,
                ..base
            },
            Self::ClarkQuake => Params {
                memory_mib: 64.0,
                wss_mib: 0.144,
                hot_write_share: 0.999,
                dirty_mib_s: 40.0,
                bandwidth_mib_s: 7.5,
                downtime_ms: 0.0,
                resume_ms: 40.0,
                device_state_bytes: 4096,
                ..base
            },
            Self::WorkedExample => Params {
                wss_mib: 4096.0,
                hot_write_share: 1.0,
                write_pattern: WritePattern::Sequential,
                device_state_bytes: 128 * 1024,
                resume_ms: 0.0,
                ..base
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::mode::Mode;
    use super::super::stop::StopCondition;
    use super::super::timeline::simulate;
    use super::*;

    #[test]
    fn slugs_round_trip_and_match_scenes_md() {
        let slugs: Vec<&str> = Preset::ALL.iter().map(|p| p.slug()).collect();
        assert_eq!(
            slugs,
            [
                "quiet",
                "busy-web",
                "adversarial",
                "clark-specweb",
                "clark-quake",
                "worked-example"
            ]
        );
        for preset in Preset::ALL {
            assert_eq!(Preset::from_slug(preset.slug()), Some(*preset));
            assert!(!preset.title().is_empty() && !preset.source().is_empty());
        }
        assert_eq!(Preset::from_slug("specweb"), None);
    }

    #[test]
    fn every_preset_is_valid() {
        for preset in Preset::ALL {
            assert_eq!(preset.params().validate(), Ok(()), "{preset:?}");
        }
    }

    #[test]
    fn clark_presets_cite_the_paper_and_reproduce_its_downtimes() {
        // Clark et al. NSDI 2005 [V]: 210 ms for SPECweb, 60 ms for Quake 3.
        for (preset, measured_secs) in [(Preset::ClarkSpecweb, 0.210), (Preset::ClarkQuake, 0.060)]
        {
            assert!(preset.description().contains(CLARK_2005));
            assert!(preset.description().contains("approximation"));
            let downtime = simulate(&preset.params(), Mode::PreCopy)
                .unwrap()
                .summary
                .downtime_secs;
            assert!(
                (downtime - measured_secs).abs() / measured_secs < 0.1,
                "{preset:?}: {downtime} s vs {measured_secs} s"
            );
        }
    }

    #[test]
    fn descriptions_tell_the_truth_about_their_presets() {
        let quiet = simulate(&Preset::Quiet.params(), Mode::PreCopy)
            .unwrap()
            .summary;
        assert_eq!(quiet.rounds, 1);
        assert!(quiet.downtime_secs < 0.1);
        let adversarial = simulate(&Preset::Adversarial.params(), Mode::PreCopy)
            .unwrap()
            .summary;
        assert_eq!(adversarial.stop, Some(StopCondition::RoundLimit));
        assert!(adversarial.downtime_secs > 1.0);
        let example = simulate(&Preset::WorkedExample.params(), Mode::PreCopy)
            .unwrap()
            .summary;
        assert_eq!(example.rounds, 4);
    }

    #[test]
    fn quiet_and_busy_presets_converge() {
        for preset in [Preset::Quiet, Preset::BusyWeb] {
            let s = simulate(&preset.params(), Mode::PreCopy).unwrap().summary;
            assert_eq!(s.stop, Some(StopCondition::DowntimeTarget), "{preset:?}");
            assert!(s.downtime_secs < 0.3 + 0.05, "{preset:?}");
        }
    }
}
