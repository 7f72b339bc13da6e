//! Sizes, rates and durations as the app shows them, one way everywhere: the deck's error
//! messages, the cgroups tab's limits and the migration tab's timelines all print a byte count
//! through [`bytes`], so "256 MiB" never reads "0.250 GiB" on another tab.
//!
//! The convention: IEC binary units (B, KiB, MiB, GiB, TiB, PiB, EiB; IEC 80000-13, the units
//! the kernel's cgroup files and QEMU's migration parameters count in); the largest unit in which
//! the value is at least 1; at most three significant digits, trailing zeros dropped (`1.5 GiB`,
//! `16 MiB`, `4 GiB`, `12.3 MiB`), whole numbers from 100 up (`148 KiB`, `1023 KiB`), and exact
//! bytes below 1 KiB (`512 B`). A value that rounds to 1024 of a unit moves to the next
//! (`1 MiB`, not `1024 KiB`).
//!
//! Hand-written rather than a crate (humansize, bytesize): those print a fixed number of
//! decimals (`4.00 GiB`) or SI units by default, and the rule above is a dozen lines.

/// The units, each 1024 times the one before.
const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/// An exact byte count for people: `"512 B"`, `"256 MiB"`, `"1.5 GiB"`, `"16 EiB"` for
/// `u64::MAX` (the value rounded to three significant digits).
pub fn bytes(count: u64) -> String {
    // Exact below 2^53; above, the rounding to three digits hides the conversion's error.
    bytes_approx(count as f64)
}

/// A byte count that a model computes as a real number (fluid pages, a rate times a time), in
/// the same form as [`bytes`]; negative and NaN values read as zero, an infinite one as `∞`.
pub fn bytes_approx(count: f64) -> String {
    let count = if count.is_nan() { 0.0 } else { count.max(0.0) };
    if count.is_infinite() {
        return "∞".to_owned();
    }
    if count.round() < 1024.0 {
        return format!("{} B", count.round());
    }
    let mut value = count;
    let mut unit = 0;
    while unit + 1 < UNITS.len() && round_3(value) >= 1024.0 {
        value /= 1024.0;
        unit += 1;
    }
    let unit_name = UNITS.get(unit).copied().unwrap_or("EiB");
    format!("{} {unit_name}", three_digits(value))
}

/// A transfer rate: [`bytes_approx`] per second, `"128 MiB/s"`, `"12.5 MiB/s"`.
pub fn rate(bytes_per_sec: f64) -> String {
    format!("{}/s", bytes_approx(bytes_per_sec))
}

/// A duration for labels: whole milliseconds below a second (`"125 ms"`), tenths of a second
/// from one second up (`"42.5 s"`).
pub fn duration_secs(secs: f64) -> String {
    if secs < 1.0 {
        format!("{:.0} ms", secs * 1000.0)
    } else {
        format!("{secs:.1} s")
    }
}

/// `value` rounded to three significant digits (or to a whole number from 100 up).
fn round_3(value: f64) -> f64 {
    let scale = decimals_for(value);
    let factor = 10f64.powi(scale);
    (value * factor).round() / factor
}

/// How many decimals three significant digits need for a value of at least 1.
fn decimals_for(value: f64) -> i32 {
    if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    }
}

/// `value` with three significant digits, trailing zeros and a bare point dropped.
fn three_digits(value: f64) -> String {
    // Round first: 9.996 becomes 10, which needs one decimal less.
    let rounded = round_3(value);
    let text = format!(
        "{rounded:.*}",
        usize::try_from(decimals_for(rounded)).unwrap_or(0)
    );
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    const GIB: u64 = 1024 * MIB;

    #[test]
    fn zero_and_exact_bytes_below_a_kib() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1), "1 B");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1023), "1023 B");
    }

    #[test]
    fn unit_boundaries() {
        assert_eq!(bytes(KIB), "1 KiB");
        assert_eq!(
            bytes(MIB - 1),
            "1 MiB",
            "1023.999 KiB rounds up into the next unit"
        );
        assert_eq!(bytes(MIB), "1 MiB");
        assert_eq!(bytes(GIB), "1 GiB");
        assert_eq!(bytes(1023 * MIB), "1023 MiB");
        assert_eq!(bytes(1 << 40), "1 TiB");
        assert_eq!(bytes(1 << 50), "1 PiB");
        assert_eq!(bytes(1 << 60), "1 EiB");
    }

    #[test]
    fn the_largest_unit_that_reads_at_least_one() {
        assert_eq!(bytes(256 * MIB), "256 MiB", "never 0.250 GiB");
        assert_eq!(bytes(148 * KIB), "148 KiB");
        assert_eq!(bytes(16 * MIB), "16 MiB");
        assert_eq!(bytes(4 * GIB), "4 GiB");
    }

    #[test]
    fn three_significant_digits_trailing_zeros_dropped() {
        assert_eq!(bytes(1536 * MIB), "1.5 GiB");
        assert_eq!(bytes(2304 * MIB), "2.25 GiB");
        assert_eq!(bytes(GIB + GIB / 3), "1.33 GiB");
        assert_eq!(bytes(12 * MIB + 300 * KIB), "12.3 MiB");
        assert_eq!(bytes(1_000_000), "977 KiB");
        assert_eq!(
            bytes(10 * KIB - 4),
            "10 KiB",
            "9.996 rounds to 10, not 10.0"
        );
        assert_eq!(
            bytes(100 * KIB - 40),
            "100 KiB",
            "99.96 rounds to 100, not 100.0"
        );
    }

    #[test]
    fn u64_max_does_not_overflow() {
        assert_eq!(bytes(u64::MAX), "16 EiB");
    }

    #[test]
    fn approximate_counts_are_clamped_and_rounded() {
        assert_eq!(bytes_approx(-5.0), "0 B");
        assert_eq!(bytes_approx(f64::NAN), "0 B");
        assert_eq!(bytes_approx(511.6), "512 B");
        assert_eq!(
            bytes_approx(1023.7),
            "1 KiB",
            "rounds into the next unit, not 1024 B"
        );
        assert_eq!(bytes_approx(f64::INFINITY), "∞");
        assert_eq!(bytes_approx(2.5 * MIB as f64), "2.5 MiB");
    }

    #[test]
    fn rates_and_durations() {
        assert_eq!(rate(128.0 * MIB as f64), "128 MiB/s");
        assert_eq!(rate(12.5 * MIB as f64), "12.5 MiB/s");
        assert_eq!(duration_secs(0.125), "125 ms");
        assert_eq!(duration_secs(0.0), "0 ms");
        assert_eq!(duration_secs(1.0), "1.0 s");
        assert_eq!(duration_secs(42.5), "42.5 s");
    }
}
