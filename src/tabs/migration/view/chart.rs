//! What the timeline chart shows, built once per simulation: lanes of labelled blocks.
//!
//! A method's chart has three lanes (the source VM, the network, the destination VM); the
//! comparison has one lane per method. Blocks carry their look (running, degraded, suspended,
//! lost, traffic), a label for the bar, a shorter one for narrow bars and a sentence for hover.
//! Drawing them is [`super::lanes`]'s job; this module only decides what is where.

use crate::tabs::migration::link::short_title;
use crate::tabs::migration::model::{
    BYTES_PER_MIB, Bar, BarKind, MigrationTimeline, Mode, NetSample, Outcome, Phase, PhaseKind,
    VmLocation,
};
use crate::units::{self, bytes_approx, duration_secs};

/// How a block is drawn. Every look differs by more than colour (pattern, outline or label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    /// The guest runs at full speed: solid fill.
    Running,
    /// The guest runs slower (auto-converge throttle, post-copy faults): dashed outline.
    Degraded,
    /// The guest does not run (downtime): hatched.
    Suspended,
    /// No host has a consistent VM: cross-hatched, thick outline.
    Lost,
    /// The source still holds memory the destination has not received: dashed, pale.
    Serving,
    /// Bulk copy traffic: solid.
    Copy,
    /// Pre-paging traffic: pale, hatched.
    Prepage,
    /// Demand-fault traffic: solid, dotted.
    Faults,
    /// The outline and label of one round or transfer on the network lane.
    Transfer,
}

/// One labelled stretch of a lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Start, in seconds.
    pub start_secs: f64,
    /// End, in seconds.
    pub end_secs: f64,
    /// How it is drawn.
    pub look: Look,
    /// Text on the block when it fits.
    pub label: String,
    /// Shorter text tried when `label` does not fit.
    pub short: String,
    /// The sentence shown on hover.
    pub detail: String,
    /// Bottom of the block as a fraction of the lane's bar row (0 = bottom).
    pub bottom: f32,
    /// Top of the block as a fraction of the lane's bar row (1 = top).
    pub top: f32,
    /// Whether it is outlined as the current subject while `t` is inside it.
    pub highlight: bool,
}

impl Block {
    fn new(start_secs: f64, end_secs: f64, look: Look, label: String, short: &str) -> Self {
        Self {
            start_secs,
            end_secs,
            look,
            detail: label.clone(),
            label,
            short: short.to_owned(),
            bottom: 0.0,
            top: 1.0,
            highlight: true,
        }
    }

    fn detail(mut self, detail: &str) -> Self {
        detail.clone_into(&mut self.detail);
        self
    }

    /// Whether `t_secs` falls inside the block (the last instant counts for the block that
    /// ends the chart).
    pub fn contains(&self, t_secs: f64, chart_end_secs: f64) -> bool {
        self.start_secs <= t_secs
            && (t_secs < self.end_secs || (t_secs >= chart_end_secs && self.end_secs >= t_secs))
    }
}

/// A row of the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// The lane's heading, drawn above its bars.
    pub title: String,
    /// The heading without the run's outcome (the method's name in the comparison), for a
    /// chart shown only up to a moment ([`LaneChart::until`]).
    pub plain_title: String,
    /// Its blocks, in time order (traffic mix first, transfers on top).
    pub blocks: Vec<Block>,
}

impl Lane {
    /// A lane whose heading says nothing of the outcome.
    fn new(title: String, blocks: Vec<Block>) -> Self {
        Self {
            plain_title: title.clone(),
            title,
            blocks,
        }
    }
}

/// A stretch of downtime, marked across the chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Downtime {
    /// Start, in seconds.
    pub start_secs: f64,
    /// End, in seconds.
    pub end_secs: f64,
    /// The annotation, e.g. "downtime 153 ms".
    pub text: String,
}

/// Everything the timeline chart draws.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneChart {
    /// Lanes from top to bottom.
    pub lanes: Vec<Lane>,
    /// Downtime marks, drawn in a band above the lanes (method charts only).
    pub downtimes: Vec<Downtime>,
    /// End of the time axis.
    pub end_secs: f64,
}

impl LaneChart {
    /// Source VM, network and destination VM lanes for one method.
    pub fn method(tl: &MigrationTimeline) -> Self {
        let mut source = Vec::new();
        let mut destination = Vec::new();
        for phase in &tl.phases {
            if phase.end_secs <= phase.start_secs {
                continue;
            }
            let block = phase_block(phase, &tl.bars, Some(phase.location));
            match phase.location {
                VmLocation::Source => source.push(block),
                VmLocation::Destination => destination.push(block),
                VmLocation::Nowhere => {
                    source.push(block.clone());
                    destination.push(block);
                }
            }
            if phase.kind == PhaseKind::RunningDegraded {
                source.push(
                    Block::new(
                        phase.start_secs,
                        phase.end_secs,
                        Look::Serving,
                        "Holds the pages not yet pushed".to_owned(),
                        "Holds pages",
                    )
                    .detail("The source keeps the memory the destination has not received yet; it pushes pages and answers demand faults until the last page has crossed"),
                );
            }
        }
        source.sort_by(|a, b| a.start_secs.total_cmp(&b.start_secs));
        let mut network = traffic_blocks(&tl.network, tl.params.bandwidth_mib_s);
        network.extend(tl.bars.iter().map(|bar| transfer_block(bar, tl)));
        Self {
            lanes: vec![
                Lane::new("Source VM".to_owned(), source),
                Lane::new(
                    format!(
                        "Network ({} MiB/s link; bar width is data sent)",
                        tl.params.bandwidth_mib_s
                    ),
                    network,
                ),
                Lane::new("Destination VM".to_owned(), destination),
            ],
            downtimes: downtimes(&tl.phases),
            end_secs: tl.end_secs,
        }
    }

    /// One lane per method, on a shared time axis.
    pub fn compare(timelines: &[MigrationTimeline]) -> Self {
        let lanes = timelines
            .iter()
            .map(|tl| {
                let s = &tl.summary;
                let title = if s.outcome == Outcome::NotConverged {
                    format!(
                        "{}: never converges, still iterating at {}, {} sent",
                        short_title(tl.mode),
                        duration_secs(s.total_secs),
                        bytes_approx(s.total_bytes)
                    )
                } else {
                    format!(
                        "{}: downtime {}, total {}, {} sent",
                        short_title(tl.mode),
                        duration_secs(s.downtime_secs),
                        duration_secs(s.total_secs),
                        bytes_approx(s.total_bytes)
                    )
                };
                Lane {
                    title,
                    plain_title: short_title(tl.mode).to_owned(),
                    blocks: tl
                        .phases
                        .iter()
                        .filter(|p| p.end_secs > p.start_secs)
                        .map(|p| phase_block(p, &tl.bars, None))
                        .collect(),
                }
            })
            .collect();
        Self {
            lanes,
            downtimes: Vec::new(),
            end_secs: timelines.iter().map(|tl| tl.end_secs).fold(0.0, f64::max),
        }
    }
}

impl LaneChart {
    /// The chart as far as `now_secs`, on an axis to `end_secs` (a quiz question's scene,
    /// `hide=future`): blocks that have not begun are left out, the one under way ends at now
    /// with only its short label (its full label and sentence may give its length, the final
    /// copy's downtime or the faults to come), downtimes are marked once over, and lane
    /// headings lose the outcome.
    pub fn until(&self, now_secs: f64, end_secs: f64) -> Self {
        let cut = |block: &Block| {
            if block.end_secs <= now_secs {
                return block.clone();
            }
            Block {
                end_secs: now_secs,
                label: block.short.clone(),
                detail: block.short.clone(),
                ..block.clone()
            }
        };
        let lanes = self
            .lanes
            .iter()
            .map(|lane| Lane {
                title: lane.plain_title.clone(),
                plain_title: lane.plain_title.clone(),
                blocks: lane
                    .blocks
                    .iter()
                    .filter(|block| block.start_secs < now_secs)
                    .map(cut)
                    .collect(),
            })
            .collect();
        Self {
            lanes,
            downtimes: self
                .downtimes
                .iter()
                .filter(|downtime| downtime.end_secs <= now_secs)
                .cloned()
                .collect(),
            end_secs,
        }
    }
}

/// The block of a VM phase. `location` is given in method charts (the lane says where the VM
/// is) and `None` in the comparison (the label says it).
fn phase_block(phase: &Phase, bars: &[Bar], location: Option<VmLocation>) -> Block {
    let (start, end) = (phase.start_secs, phase.end_secs);
    let on = |host: &str| {
        if location.is_some() {
            String::new()
        } else {
            format!(" on {host}")
        }
    };
    let block = match phase.kind {
        PhaseKind::PreCopyRound => {
            let round = phase.round.unwrap_or(0);
            let throttle = bars
                .iter()
                .find(|b| b.kind == BarKind::PreCopyRound && b.round == phase.round)
                .map_or(0, |b| b.throttle_pct);
            if throttle > 0 {
                Block::new(
                    start,
                    end,
                    Look::Degraded,
                    format!("Throttled {throttle}%, round {round}"),
                    &format!("R{round} -{throttle}%"),
                )
            } else {
                Block::new(
                    start,
                    end,
                    Look::Running,
                    format!("Running{}, round {round}", on("source")),
                    &format!("R{round}"),
                )
            }
        }
        PhaseKind::RunningOnSource => Block::new(
            start,
            end,
            Look::Running,
            format!("Running{}", on("source")),
            "Run",
        ),
        PhaseKind::StopAndCopy => Block::new(
            start,
            end,
            Look::Suspended,
            "Suspended: stop-and-copy".to_owned(),
            "Stop",
        ),
        PhaseKind::Suspended => {
            Block::new(start, end, Look::Suspended, "Suspended".to_owned(), "Susp.")
        }
        PhaseKind::Resuming => {
            Block::new(start, end, Look::Suspended, "Resuming".to_owned(), "Res.")
        }
        PhaseKind::RunningDegraded => Block::new(
            start,
            end,
            Look::Degraded,
            format!("Running degraded{}: demand faults", on("destination")),
            "Degraded",
        ),
        PhaseKind::RunningOnDestination => Block::new(
            start,
            end,
            Look::Running,
            format!("Running{}", on("destination")),
            "Run",
        ),
        PhaseKind::Lost => Block::new(start, end, Look::Lost, "VM lost".to_owned(), "Lost"),
    };
    block.detail(&phase.label)
}

/// The outline and label of one bar on the network lane.
fn transfer_block(bar: &Bar, tl: &MigrationTimeline) -> Block {
    let size = bytes_approx(bar.bytes);
    let (label, short) = match bar.kind {
        BarKind::PreCopyRound => {
            let round = bar.round.unwrap_or(0);
            (format!("Round {round}: {size}"), format!("R{round}"))
        }
        BarKind::StopAndCopy => (format!("Final copy: {size}"), "Final".to_owned()),
        BarKind::ColdCopy => (format!("Copy all memory: {size}"), "Copy".to_owned()),
        BarKind::PostCopyTransfer => (
            format!(
                "Push and demand faults: {size}, {:.0} faults",
                tl.summary.faults
            ),
            "Push".to_owned(),
        ),
    };
    let detail = format!(
        "{label} in {} ({:.0} pages{})",
        duration_secs(bar.duration_secs),
        bar.pages,
        if bar.throttle_pct > 0 {
            format!(", guest throttled {}%", bar.throttle_pct)
        } else {
            String::new()
        }
    );
    let mut block = Block::new(
        bar.start_secs,
        bar.start_secs + bar.duration_secs,
        Look::Transfer,
        label,
        &short,
    )
    .detail(&detail);
    if tl.mode == Mode::PostCopy {
        // The post-copy transfer spans the whole degraded phase; the VM lane already marks it.
        block.highlight = false;
    }
    block
}

/// The traffic on the link as stacked blocks (copy at the bottom, pre-paging, then faults).
/// Neighbouring samples are merged (time-weighted) when their rates differ by less than 1% of
/// the link or while a merged block is shorter than 1/48 of the traffic, so a chart has at
/// most about fifty columns whatever the model's sampling.
fn traffic_blocks(samples: &[NetSample], bandwidth_mib_s: f64) -> Vec<Block> {
    let tolerance = 0.01 * bandwidth_mib_s;
    let min_span_secs = match (samples.first(), samples.last()) {
        (Some(first), Some(last)) => (last.end_secs - first.start_secs) / 48.0,
        _ => 0.0,
    };
    let mut merged: Vec<NetSample> = Vec::new();
    for sample in samples {
        if let Some(last) = merged.last_mut()
            && (last.end_secs - sample.start_secs).abs() < 1e-9
        {
            let close = (last.copy_mib_s - sample.copy_mib_s).abs() <= tolerance
                && (last.fault_mib_s - sample.fault_mib_s).abs() <= tolerance
                && (last.prepage_mib_s - sample.prepage_mib_s).abs() <= tolerance;
            let (a, b) = (
                last.end_secs - last.start_secs,
                sample.end_secs - sample.start_secs,
            );
            if (close || a < min_span_secs) && a + b > 0.0 {
                let mix = |x: f64, y: f64| (x * a + y * b) / (a + b);
                last.copy_mib_s = mix(last.copy_mib_s, sample.copy_mib_s);
                last.fault_mib_s = mix(last.fault_mib_s, sample.fault_mib_s);
                last.prepage_mib_s = mix(last.prepage_mib_s, sample.prepage_mib_s);
                last.end_secs = sample.end_secs;
                continue;
            }
        }
        merged.push(sample.clone());
    }
    let mut blocks = Vec::new();
    for sample in &merged {
        let mut level = 0.0_f32;
        for (rate, look, name) in [
            (sample.copy_mib_s, Look::Copy, "bulk copy"),
            (sample.prepage_mib_s, Look::Prepage, "pre-paging"),
            (sample.fault_mib_s, Look::Faults, "demand faults"),
        ] {
            let share = (rate / bandwidth_mib_s).clamp(0.0, 1.0) as f32;
            if share <= 0.0 {
                continue;
            }
            let mut block = Block::new(sample.start_secs, sample.end_secs, look, String::new(), "")
                .detail(&format!("{name}: {}", units::rate(rate * BYTES_PER_MIB)));
            block.bottom = level;
            block.top = (level + share).min(1.0);
            block.highlight = false;
            level = block.top;
            blocks.push(block);
        }
    }
    blocks
}

/// Contiguous stretches where the VM does not run (but still exists).
fn downtimes(phases: &[Phase]) -> Vec<Downtime> {
    let mut spans: Vec<(f64, f64)> = Vec::new();
    for phase in phases {
        let down = !phase.kind.running() && phase.kind != PhaseKind::Lost;
        if !down || phase.end_secs <= phase.start_secs {
            continue;
        }
        match spans.last_mut() {
            Some(last) if (last.1 - phase.start_secs).abs() < 1e-12 => last.1 = phase.end_secs,
            _ => spans.push((phase.start_secs, phase.end_secs)),
        }
    }
    spans
        .into_iter()
        .map(|(start_secs, end_secs)| Downtime {
            start_secs,
            end_secs,
            text: format!("downtime {}", duration_secs(end_secs - start_secs)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabs::migration::model::{Params, Preset, simulate};

    #[test]
    fn pre_copy_chart_has_rounds_on_the_network_and_downtime_marked() {
        let tl = simulate(&Params::default(), Mode::PreCopy).unwrap();
        let chart = LaneChart::method(&tl);
        assert_eq!(chart.lanes.len(), 3);
        let transfers: Vec<&str> = chart.lanes[1]
            .blocks
            .iter()
            .filter(|b| b.look == Look::Transfer)
            .map(|b| b.label.as_str())
            .collect();
        assert_eq!(
            transfers,
            [
                "Round 0: 4 GiB",
                "Round 1: 1 GiB",
                "Round 2: 256 MiB",
                "Round 3: 64 MiB",
                "Final copy: 17 MiB"
            ]
        );
        assert_eq!(chart.downtimes.len(), 1);
        assert_eq!(chart.downtimes[0].text, "downtime 153 ms");
        assert_eq!(chart.downtimes[0].start_secs, 42.5);
        // The stop-and-copy is hatched on the source; the destination runs afterwards.
        assert!(
            chart.lanes[0]
                .blocks
                .iter()
                .any(|b| b.look == Look::Suspended && b.label.contains("stop-and-copy"))
        );
        // On the destination the VM is paused while it resumes (20 ms), then runs.
        let looks: Vec<(Look, &str)> = chart.lanes[2]
            .blocks
            .iter()
            .map(|b| (b.look, b.label.as_str()))
            .collect();
        assert_eq!(looks[0], (Look::Suspended, "Resuming"));
        assert!(looks[1..].iter().all(|(look, _)| *look == Look::Running));
    }

    #[test]
    fn post_copy_traffic_is_merged_and_stacked_below_the_link_rate() {
        let mut params = Preset::BusyWeb.params();
        params.prepaging = true;
        let tl = simulate(&params, Mode::PostCopy).unwrap();
        let chart = LaneChart::method(&tl);
        let traffic: Vec<&Block> = chart.lanes[1]
            .blocks
            .iter()
            .filter(|b| matches!(b.look, Look::Copy | Look::Prepage | Look::Faults))
            .collect();
        assert!(
            traffic.len() <= 3 * 50,
            "samples are merged: {}",
            traffic.len()
        );
        assert!(traffic.iter().any(|b| b.look == Look::Faults));
        assert!(traffic.iter().all(|b| b.bottom < b.top && b.top <= 1.0));
        // The source holds the memory while the VM runs degraded on the destination.
        assert!(
            chart.lanes[0]
                .blocks
                .iter()
                .any(|b| b.look == Look::Serving)
        );
        assert!(
            chart.lanes[2]
                .blocks
                .iter()
                .any(|b| b.look == Look::Degraded)
        );
    }

    #[test]
    fn a_lost_vm_shows_in_both_vm_lanes_and_throttled_rounds_look_degraded() {
        let params = Params {
            dest_fails: true,
            ..Params::default()
        };
        let chart = LaneChart::method(&simulate(&params, Mode::PostCopy).unwrap());
        for lane in [0, 2] {
            assert!(
                chart.lanes[lane]
                    .blocks
                    .iter()
                    .any(|b| b.look == Look::Lost)
            );
        }
        let mut params = Preset::Adversarial.params();
        params.autoconverge = true;
        let chart = LaneChart::method(&simulate(&params, Mode::PreCopy).unwrap());
        assert!(
            chart.lanes[0]
                .blocks
                .iter()
                .any(|b| b.look == Look::Degraded && b.label.starts_with("Throttled"))
        );
    }

    #[test]
    fn comparison_has_a_lane_per_method_with_its_numbers() {
        let timelines: Vec<_> = Mode::ALL
            .iter()
            .map(|m| simulate(&Params::default(), *m).unwrap())
            .collect();
        let chart = LaneChart::compare(&timelines);
        assert_eq!(chart.lanes.len(), 3);
        assert!(chart.lanes[0].title.starts_with("Cold: downtime 32.0 s"));
        assert!(chart.lanes[1].title.contains("downtime 153 ms"));
        assert!(chart.end_secs >= 46.0);
    }

    #[test]
    fn the_block_at_the_very_end_contains_the_end() {
        let block = Block::new(1.0, 2.0, Look::Running, "x".into(), "x");
        assert!(block.contains(1.0, 2.0) && block.contains(2.0, 2.0));
        assert!(!block.contains(2.0, 3.0) && !block.contains(0.5, 2.0));
    }
}
