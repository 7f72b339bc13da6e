//! The sentences and number lines the Migration tab shows, as pure functions of the model's
//! output (so they are tested without drawing).

use super::link::short_title;
use super::model::{
    Bar, BarKind, CLARK_2005, Comparison, Outcome, Params, Preset, Summary, format_bytes,
    format_secs,
};

/// Bytes in one MiB.
const BYTES_PER_MIB: f64 = 1_048_576.0;

/// Data per pre-copy round, with runs of equal rounds folded:
/// `R0 4.000 GiB · R1-R28 256.0 MiB each · final 256.0 MiB`.
pub fn rounds_text(bars: &[Bar]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let rounds: Vec<(u32, String)> = bars
        .iter()
        .filter(|b| b.kind == BarKind::PreCopyRound)
        .map(|b| (b.round.unwrap_or(0), format_bytes(b.bytes)))
        .collect();
    let mut i = 0;
    while i < rounds.len() {
        let (first, size) = &rounds[i];
        let mut j = i;
        while j + 1 < rounds.len() && rounds[j + 1].1 == *size {
            j += 1;
        }
        if j > i + 1 {
            parts.push(format!("R{first}-R{} {size} each", rounds[j].0));
        } else {
            for (round, size) in &rounds[i..=j] {
                parts.push(format!("R{round} {size}"));
            }
        }
        i = j + 1;
    }
    if let Some(last) = bars.iter().find(|b| b.kind == BarKind::StopAndCopy) {
        parts.push(format!("final {}", format_bytes(last.bytes)));
    }
    parts.join(" · ")
}

/// The scenario's parameters in one line, for the canvas (the sliders are not exported).
pub fn params_line(params: &Params) -> String {
    let on_off = |on: bool| if on { "on" } else { "off" };
    let target = if params.downtime_ms > 0.0 {
        format!("{} ms", params.downtime_ms)
    } else {
        "none (Xen's rules)".to_owned()
    };
    format!(
        "Memory V = {} · working set {} · guest writes D = {} MiB/s · link R = {} MiB/s · downtime target {target} · auto-converge {} · pre-paging {} · destination fails: {}",
        format_bytes(params.memory_mib * BYTES_PER_MIB),
        format_bytes(params.wss_mib * BYTES_PER_MIB),
        params.dirty_mib_s,
        params.bandwidth_mib_s,
        on_off(params.autoconverge),
        on_off(params.prepaging),
        if params.dest_fails { "yes" } else { "no" },
    )
}

/// What the dirty-rate slider means and when pre-copy cannot converge.
pub fn dirty_rate_note(params: &Params) -> String {
    format!(
        "D = {} MiB/s counts every write, rewrites included. Pre-copy fails to converge only when new distinct dirty pages appear as fast as the link sends them, at R = {} MiB/s or more (D >= R in the textbook model, where every write dirties a new page)",
        params.dirty_mib_s, params.bandwidth_mib_s
    )
}

/// Where the preset's numbers come from; the Clark presets cite the paper and say that their
/// parameters are fitted approximations.
pub fn source_line(preset: Preset) -> String {
    match preset {
        Preset::ClarkSpecweb | Preset::ClarkQuake => format!(
            "Shaped after {CLARK_2005}. The parameters are fitted approximations that reproduce the paper's downtime, not its measurements"
        ),
        _ => format!("Source: {}", preset.source()),
    }
}

/// The degraded running time of a summary, or "none".
pub fn degraded_text(summary: &Summary) -> String {
    if summary.degraded_secs <= 0.0 {
        "none".to_owned()
    } else {
        format_secs(summary.degraded_secs)
    }
}

/// One sentence comparing the three methods on the same parameters.
pub fn compare_verdict(c: &Comparison) -> String {
    let rows = c.rows();
    let alive: Vec<&Summary> = rows
        .iter()
        .copied()
        .filter(|s| s.outcome != Outcome::Lost)
        .collect();
    let name = |s: &Summary| short_title(s.mode).to_lowercase();
    let mut clauses = Vec::new();
    if let Some(best) = alive
        .iter()
        .min_by(|a, b| a.downtime_secs.total_cmp(&b.downtime_secs))
    {
        clauses.push(format!(
            "{} has the shortest downtime ({}) against cold migration's {}",
            name(best),
            format_secs(best.downtime_secs),
            format_secs(c.cold.downtime_secs)
        ));
    }
    let completed: Vec<&Summary> = rows
        .iter()
        .copied()
        .filter(|s| s.outcome == Outcome::Completed)
        .collect();
    if let Some(fastest) = completed
        .iter()
        .map(|s| s.total_secs)
        .min_by(f64::total_cmp)
    {
        let first: Vec<String> = completed
            .iter()
            .filter(|s| s.total_secs <= fastest * 1.01)
            .map(|s| name(s))
            .collect();
        clauses.push(format!(
            "{} {} first ({})",
            first.join(" and "),
            if first.len() > 1 {
                "finish"
            } else {
                "finishes"
            },
            format_secs(fastest)
        ));
    }
    let pre = &c.pre_copy;
    if pre.outcome == Outcome::Completed && pre.total_bytes > 1.05 * c.cold.total_bytes {
        clauses.push(format!(
            "pre-copy sends {:.2}x the data of cold migration because it re-sends dirty pages",
            pre.total_bytes / c.cold.total_bytes
        ));
    }
    if let Some(stop) = pre.stop.filter(|stop| !stop.converged()) {
        clauses.push(format!(
            "pre-copy did not converge (stopped by the {}), so its downtime grew to {}",
            stop.title().to_lowercase(),
            format_secs(pre.downtime_secs)
        ));
    }
    let post = &c.post_copy;
    match post.outcome {
        Outcome::Completed => clauses.push(format!(
            "post-copy pays after resuming: {} degraded with {:.0} demand faults",
            format_secs(post.degraded_secs),
            post.faults
        )),
        Outcome::Lost => clauses.push(
            "post-copy lost the VM when the destination failed, while cold and pre-copy kept it on the source"
                .to_owned(),
        ),
        Outcome::Aborted => {}
    }
    let mut text = clauses.join("; ");
    if let Some(first) = text.get(0..1) {
        let upper = first.to_uppercase();
        text.replace_range(0..1, &upper);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::super::model::{Mode, compare, simulate};
    use super::*;

    #[test]
    fn rounds_fold_runs_of_equal_sizes() {
        let tl = simulate(&Params::default(), Mode::PreCopy).unwrap();
        assert_eq!(
            rounds_text(&tl.bars),
            "R0 4.000 GiB · R1 1.000 GiB · R2 256.0 MiB · R3 64.0 MiB · final 16.1 MiB"
        );
        let tl = simulate(&Preset::Adversarial.params(), Mode::PreCopy).unwrap();
        let text = rounds_text(&tl.bars);
        assert!(
            text.starts_with("R0 4.000 GiB · R1-R28 256.0 MiB each"),
            "{text}"
        );
        assert!(text.ends_with("final 256.2 MiB"), "{text}");
    }

    #[test]
    fn verdict_names_the_trade_offs() {
        let text = compare_verdict(&compare(&Params::default()).unwrap());
        assert!(
            text.starts_with(
                "Post-copy has the shortest downtime (1 ms) against cold migration's 32.0 s"
            ),
            "{text}"
        );
        assert!(text.contains("post-copy pays after resuming"), "{text}");
        assert!(
            text.contains("; cold and post-copy finish first (32.0 s)"),
            "{text}"
        );
        assert!(text.contains("re-sends dirty pages"), "{text}");
        let text = compare_verdict(&compare(&Preset::Adversarial.params()).unwrap());
        assert!(
            text.contains("did not converge (stopped by the round limit)"),
            "{text}"
        );
        let failing = Params {
            dest_fails: true,
            ..Params::default()
        };
        let text = compare_verdict(&compare(&failing).unwrap());
        assert!(text.contains("post-copy lost the VM"), "{text}");
        assert!(
            !text.starts_with("Post-copy"),
            "a lost VM has no downtime to win: {text}"
        );
    }

    #[test]
    fn clark_presets_cite_the_paper_and_say_approximation() {
        for preset in [Preset::ClarkSpecweb, Preset::ClarkQuake] {
            let line = source_line(preset);
            assert!(line.contains(CLARK_2005) && line.contains("fitted approximations"));
        }
        assert!(source_line(Preset::Quiet).starts_with("Source: Illustrative"));
    }

    #[test]
    fn params_line_states_every_slider() {
        let line = params_line(&Params::default());
        assert_eq!(
            line,
            "Memory V = 4.000 GiB · working set 4.000 GiB · guest writes D = 32 MiB/s · link R = 128 MiB/s · downtime target 300 ms · auto-converge off · pre-paging off · destination fails: no"
        );
        assert!(dirty_rate_note(&Params::default()).contains("D >= R"));
    }
}
