//! The three methods side by side on the same scenario (`mode=compare`).
//!
//! The deck claims pre-copy has shorter downtime and post-copy shorter total time and less
//! network use; the comparison lets students check those claims on any parameters.

use serde::Serialize;

use super::mode::Mode;
use super::params::{ParamError, Params};
use super::timeline::{Summary, simulate};

/// Headline numbers of each method on one scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// Cold migration.
    pub cold: Summary,
    /// Pre-copy live migration.
    pub pre_copy: Summary,
    /// Post-copy live migration.
    pub post_copy: Summary,
}

impl Comparison {
    /// The rows in [`Mode::ALL`] order.
    pub fn rows(&self) -> [&Summary; 3] {
        [&self.cold, &self.pre_copy, &self.post_copy]
    }
}

/// Simulates all three methods on `params`.
pub fn compare(params: &Params) -> Result<Comparison, ParamError> {
    Ok(Comparison {
        cold: simulate(params, Mode::Cold)?.summary,
        pre_copy: simulate(params, Mode::PreCopy)?.summary,
        post_copy: simulate(params, Mode::PostCopy)?.summary,
    })
}

#[cfg(test)]
mod tests {
    use super::super::presets::Preset;
    use super::*;

    #[test]
    fn rows_follow_mode_order() {
        let c = compare(&Params::default()).unwrap();
        let modes: Vec<Mode> = c.rows().iter().map(|s| s.mode).collect();
        assert_eq!(modes, Mode::ALL);
    }

    #[test]
    fn the_textbook_trade_offs_hold_on_a_busy_web_server() {
        let c = compare(&Preset::BusyWeb.params()).unwrap();
        // Live methods cut downtime far below cold migration's.
        assert!(c.pre_copy.downtime_secs < 0.01 * c.cold.downtime_secs);
        assert!(c.post_copy.downtime_secs < c.pre_copy.downtime_secs);
        // Post-copy sends each page once, like cold; pre-copy re-sends dirty pages.
        assert_eq!(c.post_copy.total_bytes, c.cold.total_bytes);
        assert!(c.pre_copy.total_bytes > c.post_copy.total_bytes);
        assert!(c.pre_copy.total_secs > c.post_copy.total_secs);
        // Post-copy pays after resuming: faults while memory arrives.
        assert!(c.post_copy.faults > 0.0 && c.post_copy.degraded_secs > 0.0);
        assert_eq!(c.cold.degraded_secs, 0.0);
    }

    #[test]
    fn invalid_parameters_are_reported() {
        let bad = Params {
            bandwidth_mib_s: -1.0,
            ..Params::default()
        };
        assert!(compare(&bad).is_err());
    }
}
