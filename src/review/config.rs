//! Scheduler settings, with Anki's defaults.
//!
//! Why these defaults: students arrive with Anki habits, so a card behaves as it would in Anki with
//! FSRS on. Sources: the Anki manual's deck options (learning steps `1m 10m`, relearning step `10m`,
//! 20 new cards and 200 reviews per day, the next day starting at 4 am, learn-ahead limit 20
//! minutes, maximum interval 36500 days) and the FSRS default desired retention 0.9
//! (../shared/reference/flashcards.md; py-fsrs `Scheduler` uses the same values).

use super::error::ConfigError;

/// Seconds in a minute, hour and day, for step parsing.
const STEP_UNITS_SECS: [(char, u32); 4] = [('s', 1), ('m', 60), ('h', 3_600), ('d', 86_400)];

/// Everything the state machine and the queue need to know about a deck's options.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SchedulerConfig {
    /// Delays of the learning steps a new card goes through before it graduates.
    pub learning_steps_secs: Vec<u32>,
    /// Delays of the relearning steps after a lapse (Again on a review card).
    pub relearning_steps_secs: Vec<u32>,
    /// New cards introduced per review day.
    pub new_cards_per_day: u32,
    /// Review-state cards answered per review day.
    pub reviews_per_day: u32,
    /// The probability of recall FSRS aims for when a card comes due.
    pub desired_retention: f32,
    /// Intervals are capped at this many days.
    pub maximum_interval_days: u32,
    /// Spread review intervals a little so cards learned together do not stay together.
    pub fuzz: bool,
    /// Local hour at which the next review day starts.
    pub rollover_hour: u8,
    /// Learning cards due within this many seconds are shown early when nothing else is left, and
    /// button labels below it get a `<` prefix (Anki's "learn ahead limit").
    pub learn_ahead_secs: u32,
    /// FSRS parameters (21 for FSRS-6); empty means the crate's FSRS-6 defaults.
    pub fsrs_parameters: Vec<f32>,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            learning_steps_secs: vec![60, 600],
            relearning_steps_secs: vec![600],
            new_cards_per_day: 20,
            reviews_per_day: 200,
            desired_retention: 0.9,
            maximum_interval_days: 36_500,
            fuzz: true,
            rollover_hour: 4,
            learn_ahead_secs: 1_200,
            fsrs_parameters: Vec::new(),
        }
    }
}

impl SchedulerConfig {
    /// Checks every setting; the FSRS parameters are checked by [`super::scheduler::Scheduler::new`].
    pub fn validate(&self) -> Result<(), ConfigError> {
        let steps = self
            .learning_steps_secs
            .iter()
            .chain(&self.relearning_steps_secs);
        if steps.into_iter().any(|&secs| secs == 0) {
            return Err(ConfigError::ZeroStep);
        }
        let retention = self.desired_retention;
        if !(retention > 0.0 && retention < 1.0) {
            return Err(ConfigError::Retention(retention));
        }
        if self.maximum_interval_days == 0 {
            return Err(ConfigError::MaximumInterval);
        }
        if self.rollover_hour > 23 {
            return Err(ConfigError::RolloverHour(self.rollover_hour));
        }
        Ok(())
    }
}

/// Parses Anki-style steps such as `"1m 10m"`, `"30s 1h 2d"` or `"1.5m"` into seconds. A bare
/// number means minutes.
pub fn parse_steps(text: &str) -> Result<Vec<u32>, ConfigError> {
    text.split_whitespace()
        .map(|piece| {
            let bad = || ConfigError::BadStep {
                text: piece.to_owned(),
            };
            let (number, unit_secs) = match STEP_UNITS_SECS
                .iter()
                .find(|(unit, _)| piece.ends_with(*unit))
            {
                Some(&(_, unit_secs)) => (&piece[..piece.len() - 1], unit_secs),
                None => (piece, 60),
            };
            let value: f64 = number.parse().map_err(|_| bad())?;
            let secs = (value * f64::from(unit_secs)).round();
            if !secs.is_finite() || secs < 0.0 || secs > f64::from(u32::MAX) {
                return Err(bad());
            }
            if secs == 0.0 {
                return Err(ConfigError::ZeroStep);
            }
            // In range and integral, checked above.
            Ok(secs as u32)
        })
        .collect()
}

/// Writes steps back in the shortest exact unit, e.g. `[60, 600, 86400]` -> `"1m 10m 1d"`.
pub fn format_steps(steps_secs: &[u32]) -> String {
    let one = |secs: u32| {
        let (unit, unit_secs) = STEP_UNITS_SECS
            .iter()
            .rev()
            .find(|(_, unit_secs)| secs.is_multiple_of(*unit_secs))
            .copied()
            .unwrap_or(('s', 1));
        format!("{}{unit}", secs / unit_secs)
    };
    steps_secs
        .iter()
        .map(|&secs| one(secs))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn defaults_are_ankis() {
        let config = SchedulerConfig::default();
        assert_eq!(format_steps(&config.learning_steps_secs), "1m 10m");
        assert_eq!(format_steps(&config.relearning_steps_secs), "10m");
        assert_eq!(
            (config.new_cards_per_day, config.reviews_per_day),
            (20, 200)
        );
        assert_eq!(config.rollover_hour, 4);
        assert!(config.validate().is_ok());
    }

    #[test]
    fn steps_parse_like_anki() {
        assert_eq!(parse_steps("1m 10m"), Ok(vec![60, 600]));
        assert_eq!(
            parse_steps("  30s 1.5m 1h 2d "),
            Ok(vec![30, 90, 3600, 172_800])
        );
        assert_eq!(parse_steps("10"), Ok(vec![600]));
        assert_eq!(parse_steps(""), Ok(vec![]));
        assert!(matches!(
            parse_steps("10x"),
            Err(ConfigError::BadStep { .. })
        ));
        assert!(matches!(
            parse_steps("-1m"),
            Err(ConfigError::BadStep { .. })
        ));
        assert_eq!(parse_steps("0m"), Err(ConfigError::ZeroStep));
        assert_eq!(format_steps(&[90, 7200, 86_400]), "90s 2h 1d");
    }

    #[test]
    fn invalid_settings_are_named() {
        let retention = SchedulerConfig {
            desired_retention: 1.0,
            ..SchedulerConfig::default()
        };
        assert_eq!(retention.validate(), Err(ConfigError::Retention(1.0)));
        let zero = SchedulerConfig {
            relearning_steps_secs: vec![0],
            ..SchedulerConfig::default()
        };
        assert_eq!(zero.validate(), Err(ConfigError::ZeroStep));
        let rollover = SchedulerConfig {
            rollover_hour: 24,
            ..SchedulerConfig::default()
        };
        assert_eq!(rollover.validate(), Err(ConfigError::RolloverHour(24)));
    }

    #[test]
    fn missing_fields_take_defaults_when_deserialized() {
        let config: SchedulerConfig = serde_json::from_str(r#"{"new_cards_per_day": 5}"#).unwrap();
        assert_eq!(config.new_cards_per_day, 5);
        assert_eq!(config.learning_steps_secs, vec![60, 600]);
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(steps in prop::collection::vec(1u32..10_000_000, 0..6)) {
            prop_assert_eq!(parse_steps(&format_steps(&steps)), Ok(steps));
        }
    }
}
