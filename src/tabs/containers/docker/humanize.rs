//! Docker's human-readable durations, sizes and timestamps.
//!
//! `docker ps` says `Up 5 seconds` and `Exited (0) 3 seconds ago`; `docker images` says `188MB`. Those
//! strings come from the `github.com/docker/go-units` package (`HumanDuration`, `HumanSizeWithPrecision`),
//! whose rules are reproduced here so the sandbox prints what Docker prints. Timestamps are formatted
//! from the simulated clock, never the wall clock.

/// Unix time (seconds) of the simulated clock's zero: 2025-01-06 09:00:00 UTC.
pub(super) const EPOCH_UNIX_SECS: i64 = 1_736_154_000;

/// go-units `HumanDuration`: `Less than a second`, `1 second`, `5 seconds`, `About a minute`, ...
pub(crate) fn human_duration(duration_ms: u64) -> String {
    let seconds = duration_ms / 1000;
    let minutes = seconds / 60;
    let hours_rounded = (duration_ms as f64 / 3_600_000.0 + 0.5) as u64;
    if seconds < 1 {
        "Less than a second".to_owned()
    } else if seconds == 1 {
        "1 second".to_owned()
    } else if seconds < 60 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "About a minute".to_owned()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours_rounded == 1 {
        "About an hour".to_owned()
    } else if hours_rounded < 48 {
        format!("{hours_rounded} hours")
    } else if hours_rounded < 24 * 7 * 2 {
        format!("{} days", hours_rounded / 24)
    } else if hours_rounded < 24 * 30 * 2 {
        format!("{} weeks", hours_rounded / 24 / 7)
    } else if hours_rounded < 24 * 365 * 2 {
        format!("{} months", hours_rounded / 24 / 30)
    } else {
        format!("{} years", duration_ms / 3_600_000 / 24 / 365)
    }
}

/// `<duration> ago`, as in the CREATED column.
pub(super) fn ago(duration_ms: u64) -> String {
    format!("{} ago", human_duration(duration_ms))
}

/// Formats `value` like Go's `%.*g` with `precision` significant digits (no exponent form needed
/// for the magnitudes below 1000 that size formatting produces).
fn format_g(value: f64, precision: usize) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    let scientific = format!("{:.*e}", precision.saturating_sub(1), value);
    let exponent: i32 = scientific
        .split_once('e')
        .and_then(|(_, exp)| exp.parse().ok())
        .unwrap_or(0);
    if exponent < -4 || exponent >= precision as i32 {
        return scientific;
    }
    let decimals = (precision as i32 - 1 - exponent).max(0) as usize;
    let fixed = format!("{value:.decimals$}");
    if fixed.contains('.') {
        fixed.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        fixed
    }
}

/// docker's `stringutils.Ellipsis`: `text` when it has at most `max_chars` characters, else its
/// first `max_chars - 1` and `…` (`docker ps`'s COMMAND, `docker history`'s CREATED BY).
pub(super) fn ellipsis(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('\u{2026}');
    cut
}

/// go-units `HumanSizeWithPrecision`: decimal units (kB = 1000 B) and `precision` significant digits.
/// `docker images` uses precision 3 (`188MB`, `7.8MB`, `13.3kB`).
pub(crate) fn human_size(bytes: u64, precision: usize) -> String {
    let (size, unit) = size_and_unit(
        bytes,
        1000.0,
        "B",
        &["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"],
    );
    format!("{}{unit}", format_g(size, precision))
}

/// Binary sizes (`7.8GiB`) as `docker info` prints total memory (go-units `BytesSize`).
pub(super) fn binary_size(bytes: u64) -> String {
    let (size, unit) = size_and_unit(
        bytes,
        1024.0,
        "B",
        &["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"],
    );
    format!("{}{unit}", format_g(size, 4))
}

/// go-units' `getSizeAndUnit`: `bytes` divided by `base` while it is at least `base` and a
/// larger unit is left, with that unit (`base_unit`, then `larger` in order).
fn size_and_unit(
    bytes: u64,
    base: f64,
    base_unit: &'static str,
    larger: &[&'static str],
) -> (f64, &'static str) {
    let mut size = bytes as f64;
    let mut unit = base_unit;
    for next in larger {
        if size < base {
            break;
        }
        size /= base;
        unit = next;
    }
    (size, unit)
}

/// A calendar date and time (UTC) broken into fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct DateTime {
    /// Year, e.g. 2025.
    pub(super) year: i64,
    /// Month, 1..=12.
    pub(super) month: u32,
    /// Day of month, 1..=31.
    pub(super) day: u32,
    /// Hour, 0..=23.
    pub(super) hour: u32,
    /// Minute, 0..=59.
    pub(super) minute: u32,
    /// Second, 0..=59.
    pub(super) second: u32,
    /// Milliseconds, 0..=999.
    pub(super) millis: u32,
}

impl DateTime {
    /// The UTC date and time of simulated clock time `sim_ms` (may be negative: before the epoch).
    pub(super) fn from_sim_ms(sim_ms: i64) -> Self {
        let unix_ms = EPOCH_UNIX_SECS * 1000 + sim_ms;
        let secs = unix_ms.div_euclid(1000);
        let millis = unix_ms.rem_euclid(1000) as u32;
        let of_day = secs.rem_euclid(86_400);
        let (year, month, day) = crate::calendar::civil_from_days(secs.div_euclid(86_400));
        Self {
            year,
            month,
            day,
            hour: (of_day / 3600) as u32,
            minute: (of_day % 3600 / 60) as u32,
            second: (of_day % 60) as u32,
            millis,
        }
    }

    /// RFC 3339 with nanoseconds, as `docker inspect` prints (`2025-01-06T09:00:02.000000000Z`).
    pub(super) fn rfc3339_nanos(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}000000Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second, self.millis
        )
    }

    /// nginx's error-log timestamp (`2025/01/06 09:00:02`).
    pub(super) fn nginx(&self) -> String {
        format!(
            "{:04}/{:02}/{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// Redis's log timestamp (`06 Jan 2025 09:00:02.000`).
    pub(super) fn redis(&self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = MONTHS
            .get(self.month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("Jan");
        format!(
            "{:02} {} {:04} {:02}:{:02}:{:02}.{:03}",
            self.day, month, self.year, self.hour, self.minute, self.second, self.millis
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_follow_go_units() {
        assert_eq!(human_duration(400), "Less than a second");
        assert_eq!(human_duration(1_000), "1 second");
        assert_eq!(human_duration(5_900), "5 seconds");
        assert_eq!(human_duration(60_000), "About a minute");
        assert_eq!(human_duration(119_000), "About a minute");
        assert_eq!(human_duration(120_000), "2 minutes");
        assert_eq!(human_duration(3_600_000), "About an hour");
        assert_eq!(human_duration(5 * 3_600_000), "5 hours");
        assert_eq!(human_duration(3 * 86_400_000), "3 days");
        assert_eq!(human_duration(15 * 86_400_000), "2 weeks");
        assert_eq!(ago(3_000), "3 seconds ago");
    }

    #[test]
    fn sizes_use_three_significant_decimal_digits() {
        assert_eq!(human_size(13_256, 3), "13.3kB");
        assert_eq!(human_size(187_680_000, 3), "188MB");
        assert_eq!(human_size(7_800_000, 3), "7.8MB");
        assert_eq!(human_size(999, 3), "999B");
        assert_eq!(human_size(0, 3), "0B");
        assert_eq!(human_size(1_020_000_000, 3), "1.02GB");
        // Legacy `docker build` prints the context size with four digits: 2048 B -> 2.048kB.
        assert_eq!(human_size(2048, 4), "2.048kB");
        assert_eq!(binary_size(8 * 1024 * 1024 * 1024), "8GiB");
    }

    #[test]
    fn calendar_conversion() {
        let epoch = DateTime::from_sim_ms(0);
        assert_eq!(epoch.rfc3339_nanos(), "2025-01-06T09:00:00.000000000Z");
        assert_eq!(DateTime::from_sim_ms(2_500).nginx(), "2025/01/06 09:00:02");
        assert_eq!(
            DateTime::from_sim_ms(2_500).redis(),
            "06 Jan 2025 09:00:02.500"
        );
        // 2024 is a leap year: 6 Jan 2025 minus 7 days is 30 Dec 2024; minus 312 days is 29 Feb 2024.
        assert_eq!(DateTime::from_sim_ms(-7 * 86_400_000).day, 30);
        let leap = DateTime::from_sim_ms(-312 * 86_400_000);
        assert_eq!((leap.year, leap.month, leap.day), (2024, 2, 29));
    }
}
