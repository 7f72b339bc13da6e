//! The interval an answer gives, and its short label above the answer button.
//!
//! Why Anki's format (`rslib/src/scheduler/timespan.rs`, `answer_button_time_collapsible`): the
//! student's eyes know it. The largest unit that fits is used (s, m, h, d, mo, y, with a month of
//! 365/12 days); seconds, minutes and days are whole numbers, hours, months and years have one
//! decimal ("2.3mo"); delays shorter than the learn-ahead limit get a `<` prefix ("<1m", "<10m"),
//! because such a card may be shown a little early.

/// Seconds per unit, for labels.
const MINUTE_SECS: f64 = 60.0;
/// One hour.
const HOUR_SECS: f64 = 3_600.0;
/// One day.
const DAY_SECS: f64 = 86_400.0;
/// One month, as Anki counts it: 365 / 12 days.
const MONTH_SECS: f64 = 30.417 * DAY_SECS;
/// One year of 365 days.
const YEAR_SECS: f64 = 365.0 * DAY_SECS;

/// How long until a card is shown again after an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interval {
    /// A (re)learning delay, counted from the answer.
    Secs(u32),
    /// A review interval in whole review days, counted from today.
    Days(u32),
}

impl Interval {
    /// The interval in seconds (days count as 86 400 s).
    pub fn secs(self) -> u64 {
        match self {
            Self::Secs(secs) => u64::from(secs),
            Self::Days(days) => u64::from(days) * 86_400,
        }
    }

    /// The button label, e.g. `"<1m"`, `"10m"`, `"1d"`, `"2.3mo"`; `collapse_secs` is the
    /// learn-ahead limit below which the label gets a `<` prefix (0 disables it).
    pub fn label(self, collapse_secs: u32) -> String {
        let secs = self.secs();
        let text = span_label(secs as f64);
        if matches!(self, Self::Secs(_)) && secs < u64::from(collapse_secs) {
            format!("<{text}")
        } else {
            text
        }
    }
}

/// A span in its largest fitting unit, like Anki's answer buttons.
fn span_label(secs: f64) -> String {
    let (amount, unit, whole) = if secs < MINUTE_SECS {
        (secs, "s", true)
    } else if secs < HOUR_SECS {
        (secs / MINUTE_SECS, "m", true)
    } else if secs < DAY_SECS {
        (secs / HOUR_SECS, "h", false)
    } else if secs < MONTH_SECS {
        (secs / DAY_SECS, "d", true)
    } else if secs < YEAR_SECS {
        (secs / MONTH_SECS, "mo", false)
    } else {
        (secs / YEAR_SECS, "y", false)
    };
    let rounded = if whole {
        amount.round()
    } else {
        (amount * 10.0).round() / 10.0
    };
    // `{}` prints 2.0 as "2", matching Anki's "2h" rather than "2.0h".
    format!("{rounded}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_ankis_buttons() {
        let learn_ahead = 1_200;
        assert_eq!(Interval::Secs(60).label(learn_ahead), "<1m");
        assert_eq!(Interval::Secs(330).label(learn_ahead), "<6m");
        assert_eq!(Interval::Secs(600).label(learn_ahead), "<10m");
        assert_eq!(Interval::Secs(600).label(0), "10m");
        assert_eq!(Interval::Secs(30).label(0), "30s");
        assert_eq!(Interval::Secs(70).label(0), "1m");
        assert_eq!(Interval::Secs(5_400).label(0), "1.5h");
        assert_eq!(Interval::Secs(7_200).label(0), "2h");
        assert_eq!(Interval::Days(1).label(learn_ahead), "1d");
        assert_eq!(Interval::Days(30).label(0), "30d");
        // 70 days / 30.417 = 2.30 months.
        assert_eq!(Interval::Days(70).label(0), "2.3mo");
        assert_eq!(Interval::Days(365).label(0), "1y");
        assert_eq!(Interval::Days(548).label(0), "1.5y");
    }
}
