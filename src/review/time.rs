//! Day numbers with a local rollover hour, and UTC timestamps for file names.
//!
//! Why: a review "day" does not start at midnight. Anki starts the next day at 4 am local time by
//! default, so a student who studies past midnight still sees the same day's cards. All times in
//! the reviewer are Unix seconds (`*_secs`); a [`DayClock`] turns them into day numbers, and the
//! scheduler and the queue compare day numbers only. The clock takes the UTC offset as a value, so
//! every function here is pure and tests use fixed dates; the store asks SQLite for the real local
//! offset, read again at each new review day ([`super::zone`]).
//!
//! Dates come from the one calendar, [`crate::calendar`].

use crate::calendar::{civil_from_days, days_from_civil};

/// Seconds in one day.
pub const SECS_PER_DAY: i64 = 86_400;

/// Seconds in one hour.
const SECS_PER_HOUR: i64 = 3_600;

/// Turns Unix seconds into review-day numbers: day 0 is the review day that contains the Unix epoch
/// when the offset is 0 and the rollover hour is 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayClock {
    /// Local hour (0..=23) at which a new review day starts (Anki's default is 4).
    rollover_hour: u8,
    /// Local time minus UTC, in seconds (e.g. 7200 for UTC+2).
    utc_offset_secs: i32,
}

impl DayClock {
    /// A clock whose days start at `rollover_hour` local time (values above 23 are clamped to 23),
    /// in a zone `utc_offset_secs` ahead of UTC.
    pub fn new(rollover_hour: u8, utc_offset_secs: i32) -> Self {
        Self {
            rollover_hour: rollover_hour.min(23),
            utc_offset_secs,
        }
    }

    /// The local hour at which a new review day starts.
    pub fn rollover_hour(&self) -> u8 {
        self.rollover_hour
    }

    /// Local time minus UTC, in seconds.
    pub fn utc_offset_secs(&self) -> i32 {
        self.utc_offset_secs
    }

    /// Seconds to add to a Unix time so that day boundaries fall on multiples of a day.
    fn shift_secs(&self) -> i64 {
        i64::from(self.utc_offset_secs) - i64::from(self.rollover_hour) * SECS_PER_HOUR
    }

    /// The review day that contains `unix_secs`.
    pub fn day(&self, unix_secs: i64) -> i64 {
        (unix_secs + self.shift_secs()).div_euclid(SECS_PER_DAY)
    }

    /// The first second of review day `day`.
    pub fn day_start_secs(&self, day: i64) -> i64 {
        day * SECS_PER_DAY - self.shift_secs()
    }

    /// The first second of the review day after the one containing `unix_secs`.
    pub fn next_day_start_secs(&self, unix_secs: i64) -> i64 {
        self.day_start_secs(self.day(unix_secs) + 1)
    }

    /// Whole review days from `earlier_secs` to `later_secs` (0 if `later_secs` is not later).
    /// This is the "elapsed days" FSRS sees: two reviews on the same review day are 0 days apart,
    /// one at 23:00 and one at 05:00 the next morning are 1 day apart.
    pub fn days_between(&self, earlier_secs: i64, later_secs: i64) -> u32 {
        let days = self.day(later_secs) - self.day(earlier_secs);
        u32::try_from(days.max(0)).unwrap_or(u32::MAX)
    }
}

/// A UTC timestamp usable in file names, e.g. `2024-05-01T10-00-00Z` (no `:` so it is valid on
/// every file system, and names sort by time).
pub fn utc_file_stamp(unix_secs: i64) -> String {
    let (year, month, day) = civil_from_days(unix_secs.div_euclid(SECS_PER_DAY));
    let secs_of_day = unix_secs.rem_euclid(SECS_PER_DAY);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}-{:02}-{:02}Z",
        secs_of_day / SECS_PER_HOUR,
        secs_of_day % SECS_PER_HOUR / 60,
        secs_of_day % 60
    )
}

/// Parses a stamp written by [`utc_file_stamp`] back into Unix seconds.
pub fn parse_utc_file_stamp(stamp: &str) -> Option<i64> {
    let bytes = stamp.as_bytes();
    let separators = [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b'-'),
        (16, b'-'),
        (19, b'Z'),
    ];
    if bytes.len() != 20
        || separators
            .iter()
            .any(|&(at, byte)| bytes.get(at) != Some(&byte))
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| stamp.get(range)?.parse::<u32>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 59 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    Some(
        days * SECS_PER_DAY
            + i64::from(hour) * SECS_PER_HOUR
            + i64::from(minute) * 60
            + i64::from(second),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// 2024-01-01T00:00:00Z, from `date -u -d 2024-01-01 +%s`.
    const JAN_1_2024_SECS: i64 = 1_704_067_200;

    #[test]
    fn rollover_hour_moves_the_day_boundary() {
        let utc = DayClock::new(4, 0);
        let day = JAN_1_2024_SECS / SECS_PER_DAY;
        // 03:59 UTC on Jan 1 still belongs to Dec 31's review day; 04:00 starts Jan 1's.
        assert_eq!(utc.day(JAN_1_2024_SECS + 3 * 3600 + 3599), day - 1);
        assert_eq!(utc.day(JAN_1_2024_SECS + 4 * 3600), day);
        assert_eq!(utc.day_start_secs(day), JAN_1_2024_SECS + 4 * 3600);

        // UTC+2: 04:00 local is 02:00 UTC.
        let east = DayClock::new(4, 7200);
        assert_eq!(east.day_start_secs(day), JAN_1_2024_SECS + 2 * 3600);
        assert_eq!(east.day(JAN_1_2024_SECS + 2 * 3600 - 1), day - 1);

        // A late-night session: 23:00 and 02:00 the next night are the same review day.
        let late = JAN_1_2024_SECS + 23 * 3600;
        assert_eq!(utc.days_between(late, late + 3 * 3600), 0);
        assert_eq!(utc.days_between(late, late + 6 * 3600), 1);
        assert_eq!(utc.days_between(late + 100, late), 0);
    }

    #[test]
    fn file_stamps_round_trip_and_sort() {
        let secs = JAN_1_2024_SECS + 10 * 3600 + 5 * 60 + 7;
        assert_eq!(utc_file_stamp(secs), "2024-01-01T10-05-07Z");
        assert_eq!(parse_utc_file_stamp("2024-01-01T10-05-07Z"), Some(secs));
        assert_eq!(parse_utc_file_stamp("2024-13-01T10-05-07Z"), None);
        assert_eq!(parse_utc_file_stamp("backup.sqlite3"), None);
        assert_eq!(parse_utc_file_stamp("2024-01-01T10-05-0\u{e9}"), None);
        assert!(utc_file_stamp(secs) < utc_file_stamp(secs + 1));
    }

    proptest! {
        #[test]
        fn every_time_lies_in_its_day(
            secs in -10_000_000_000i64..10_000_000_000,
            hour in 0u8..24,
            offset_quarters in -56i32..=56,
        ) {
            let clock = DayClock::new(hour, offset_quarters * 900);
            let day = clock.day(secs);
            prop_assert!(clock.day_start_secs(day) <= secs);
            prop_assert!(secs < clock.next_day_start_secs(secs));
            prop_assert_eq!(clock.next_day_start_secs(secs) - clock.day_start_secs(day), SECS_PER_DAY);
        }

        #[test]
        fn stamps_round_trip(secs in 0i64..250_000_000_000) {
            prop_assert_eq!(parse_utc_file_stamp(&utc_file_stamp(secs)), Some(secs));
        }
    }
}
