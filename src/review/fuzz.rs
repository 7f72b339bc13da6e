//! Interval fuzz: a small, deterministic spread of review intervals.
//!
//! Why: cards learned together would otherwise stay together forever and arrive in lumps. Anki's
//! rule (`rslib/src/scheduler/states/fuzz.rs`, the same ranges as py-fsrs `FUZZ_RANGES`): intervals
//! under 2.5 days are not fuzzed; longer ones may move by 1 day plus 15% of the part between 2.5
//! and 7 days, 10% of the part between 7 and 20 days and 5% of the part above 20 days, within the
//! minimum and maximum allowed. Where in that range a card lands comes from a factor in [0, 1)
//! seeded by the card and its review count, as in Anki, so showing the buttons twice gives the same
//! labels and replaying a history gives the same result (no global random state).

/// One band of interval lengths and how much of it adds to the fuzz.
struct FuzzRange {
    /// Start of the band, in days.
    start_days: f32,
    /// End of the band, in days.
    end_days: f32,
    /// Fraction of the days inside the band that adds to the fuzz delta.
    factor: f32,
}

/// Anki's fuzz bands.
const FUZZ_RANGES: [FuzzRange; 3] = [
    FuzzRange {
        start_days: 2.5,
        end_days: 7.0,
        factor: 0.15,
    },
    FuzzRange {
        start_days: 7.0,
        end_days: 20.0,
        factor: 0.1,
    },
    FuzzRange {
        start_days: 20.0,
        end_days: f32::MAX,
        factor: 0.05,
    },
];

/// A stable 64-bit seed for a card (FNV-1a over the deck id, a separator and the card id), so the
/// fuzz of a card does not change between runs or platforms.
pub fn card_seed(deck_id: &str, card_id: &str) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    deck_id
        .bytes()
        .chain([0x1f])
        .chain(card_id.bytes())
        .fold(OFFSET_BASIS, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(PRIME)
        })
}

/// The fuzz factor in [0, 1) for a card at its `reps`-th answer (SplitMix64 of the seed and reps).
pub fn fuzz_factor(card_seed: u64, reps: u32) -> f32 {
    let mut z = card_seed
        .wrapping_add(u64::from(reps).wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    // The top 24 bits fit an f32 mantissa exactly, so the result is strictly below 1.
    (z >> 40) as f32 / (1u64 << 24) as f32
}

/// How far a fuzzed interval may move in each direction, in days.
fn fuzz_delta_days(interval_days: f32) -> f32 {
    if interval_days < 2.5 {
        return 0.0;
    }
    FUZZ_RANGES.iter().fold(1.0, |delta, range| {
        delta + range.factor * (interval_days.min(range.end_days) - range.start_days).max(0.0)
    })
}

/// The smallest and largest fuzzed interval, within `minimum_days..=maximum_days`. The range is
/// widened to two values when it collapsed to one above 2 days and the maximum allows it.
pub fn fuzz_bounds_days(interval_days: f32, minimum_days: u32, maximum_days: u32) -> (u32, u32) {
    let minimum_days = minimum_days.min(maximum_days);
    let interval_days = interval_days.clamp(minimum_days as f32, maximum_days as f32);
    let delta = fuzz_delta_days(interval_days);
    let clamp = |days: f32| (days.round() as u32).clamp(minimum_days, maximum_days);
    let lower = clamp(interval_days - delta);
    let mut upper = clamp(interval_days + delta);
    if upper == lower && upper > 2 && upper < maximum_days {
        upper = lower + 1;
    }
    (lower, upper)
}

/// The review interval in whole days: fuzzed with `factor` when it is `Some`, else rounded; always
/// within `minimum_days..=maximum_days` (the maximum wins if they conflict).
pub fn review_interval_days(
    factor: Option<f32>,
    interval_days: f32,
    minimum_days: u32,
    maximum_days: u32,
) -> u32 {
    match factor {
        Some(factor) => {
            let (lower, upper) = fuzz_bounds_days(interval_days, minimum_days, maximum_days);
            let spread = (1 + upper - lower) as f32;
            ((lower as f32 + factor * spread).floor() as u32).min(upper)
        }
        None => {
            let minimum_days = minimum_days.min(maximum_days);
            (interval_days.round().max(0.0) as u32).clamp(minimum_days, maximum_days)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (lowest, middle, highest) result for factors 0, 0.5 and 0.99.
    fn spread(interval_days: f32, minimum_days: u32, maximum_days: u32) -> (u32, u32, u32) {
        let at =
            |factor| review_interval_days(Some(factor), interval_days, minimum_days, maximum_days);
        (at(0.0), at(0.5), at(0.99))
    }

    #[test]
    fn fuzz_ranges_follow_the_closed_form() {
        // Below 2.5 days: no fuzz.
        assert_eq!(spread(1.0, 1, 1000), (1, 1, 1));
        assert_eq!(spread(2.49, 1, 1000), (2, 2, 2));
        // 2.5 days: delta 1 -> 1.5..3.5 -> rounds to 2..4.
        assert_eq!(spread(2.5, 1, 1000), (2, 3, 4));
        // 7 days: delta 1 + 0.15 * 4.5 = 1.675 -> 5.325..8.675 -> 5..9.
        assert_eq!(spread(7.0, 1, 1000), (5, 7, 9));
        // 17 days: delta 1.675 + 0.1 * 10 = 2.675 -> 14.325..19.675 -> 14..20.
        assert_eq!(spread(17.0, 1, 1000), (14, 17, 20));
        // 37 days: delta 1.675 + 1.3 + 0.05 * 17 = 3.825 -> 33.175..40.825 -> 33..41.
        assert_eq!(spread(37.0, 1, 1000), (33, 37, 41));
    }

    #[test]
    fn limits_are_respected() {
        // 100 days, delta 7.825 -> 92..108, then clamped.
        assert_eq!(spread(100.0, 101, 1000), (101, 105, 108));
        assert_eq!(spread(100.0, 1, 99), (92, 96, 99));
        // A collapsed range is widened to two days when allowed.
        assert_eq!(spread(2.0, 3, 1000), (3, 4, 4));
        assert_eq!(spread(2.0, 3, 3), (3, 3, 3));
        // Without fuzz: plain rounding within the limits.
        assert_eq!(review_interval_days(None, 1.5, 1, 100), 2);
        assert_eq!(review_interval_days(None, 0.1, 1, 100), 1);
        assert_eq!(review_interval_days(None, 101.0, 1, 100), 100);
    }

    #[test]
    fn factors_are_deterministic_and_spread_out() {
        let seed = card_seed("virtualization", "vmm-01");
        assert_eq!(seed, card_seed("virtualization", "vmm-01"));
        assert_ne!(seed, card_seed("virtualization", "vmm-02"));
        // The separator keeps ("ab", "c") and ("a", "bc") apart.
        assert_ne!(card_seed("ab", "c"), card_seed("a", "bc"));
        assert_eq!(fuzz_factor(seed, 3), fuzz_factor(seed, 3));
        // Over many reps the factors cover [0, 1) roughly evenly.
        let mut buckets = [0u32; 10];
        for reps in 0..10_000 {
            buckets[(fuzz_factor(seed, reps) * 10.0) as usize] += 1;
        }
        assert!(
            buckets.iter().all(|&count| (850..1150).contains(&count)),
            "{buckets:?}"
        );
    }

    proptest! {
        #[test]
        fn fuzzed_interval_stays_in_bounds(
            interval in 0.0f32..40_000.0,
            minimum in 1u32..500,
            maximum in 1u32..40_000,
            factor in 0.0f32..1.0,
        ) {
            let days = review_interval_days(Some(factor), interval, minimum, maximum);
            let (lower, upper) = fuzz_bounds_days(interval, minimum, maximum);
            prop_assert!(lower <= days && days <= upper);
            prop_assert!(days <= maximum);
            prop_assert!(days >= minimum.min(maximum));
        }

        #[test]
        fn factor_is_in_unit_interval(seed: u64, reps: u32) {
            let factor = fuzz_factor(seed, reps);
            prop_assert!((0.0..1.0).contains(&factor));
        }
    }
}
