//! The kernel's own parsers for cgroup file values, re-implemented so the model accepts and rejects
//! exactly what a real `echo VALUE > file` would.
//!
//! Sources (Linux 6.x): `lib/kstrtox.c` (`kstrtoull`, `kstrtoll`, radix detection), `lib/cmdline.c`
//! (`memparse`), `mm/page_counter.c` (`page_counter_memparse`), `lib/vsprintf.c` (`vsscanf`'s
//! `%llu`: the first character must be a digit), `lib/string.c` (`strstrip`).

use super::errno::Errno;

/// The page size the model assumes (x86-64 and most arm64 kernels).
pub const PAGE_SIZE_BYTES: u64 = 4096;

/// `PAGE_COUNTER_MAX` on 64-bit: `LONG_MAX / PAGE_SIZE` pages, shown as `max`.
pub const PAGE_COUNTER_MAX_PAGES: u64 = (i64::MAX as u64) / PAGE_SIZE_BYTES;

/// Radix detection of `_parse_integer_fixup_radix` with base 0: `0x1f` is hex, `017` octal.
fn radix_and_digits(text: &str) -> (u32, &str) {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b'0') {
        let hex = bytes.get(1).map(u8::to_ascii_lowercase) == Some(b'x')
            && bytes.get(2).is_some_and(u8::is_ascii_hexdigit);
        if hex { (16, &text[2..]) } else { (8, text) }
    } else {
        (10, text)
    }
}

/// Parses the longest prefix of digits in `radix`; returns (value, digits used, overflowed).
fn parse_prefix(text: &str, radix: u32) -> (u64, usize, bool) {
    let mut value: u64 = 0;
    let mut overflow = false;
    let mut used = 0;
    for ch in text.chars() {
        let Some(digit) = ch.to_digit(radix) else {
            break;
        };
        match value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(digit)))
        {
            Some(next) => value = next,
            None => {
                overflow = true;
                value = value
                    .wrapping_mul(u64::from(radix))
                    .wrapping_add(u64::from(digit));
            }
        }
        used += ch.len_utf8();
    }
    (value, used, overflow)
}

fn kstrtoull_unsigned(text: &str) -> Result<u64, Errno> {
    let (radix, digits) = radix_and_digits(text);
    let (value, used, overflow) = parse_prefix(digits, radix);
    if overflow {
        return Err(Errno::Erange);
    }
    if used == 0 {
        return Err(Errno::Einval);
    }
    let rest = &digits[used..];
    if rest.is_empty() || rest == "\n" {
        Ok(value)
    } else {
        Err(Errno::Einval)
    }
}

/// `kstrtoull(s, 0, &v)`: an optional `+`, then digits in base 0, then at most one newline.
pub fn kstrtoull(text: &str) -> Result<u64, Errno> {
    kstrtoull_unsigned(text.strip_prefix('+').unwrap_or(text))
}

/// `kstrtoll(s, 0, &v)`: like [`kstrtoull`] with an optional leading `-`.
pub fn kstrtoll(text: &str) -> Result<i64, Errno> {
    if let Some(magnitude) = text.strip_prefix('-') {
        let value = kstrtoull_unsigned(magnitude)?;
        if value > i64::MAX as u64 + 1 {
            return Err(Errno::Erange);
        }
        Ok((value as i128).wrapping_neg() as i64)
    } else {
        let value = kstrtoull(text)?;
        i64::try_from(value).map_err(|_| Errno::Erange)
    }
}

/// `strstrip`: removes leading and trailing whitespace.
pub fn strstrip(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_ascii_whitespace())
}

/// `memparse`: a number in base 0 and an optional K/M/G/T/P/E suffix (any case, powers of 1024).
/// Returns the bytes and the unparsed rest; like the kernel, overflow wraps silently.
pub fn memparse(text: &str) -> (u64, &str) {
    let (radix, digits) = radix_and_digits(text);
    let (mut value, used, _) = parse_prefix(digits, radix);
    let rest = &digits[used..];
    let shift = match rest.chars().next().map(|c| c.to_ascii_uppercase()) {
        Some('K') => 10,
        Some('M') => 20,
        Some('G') => 30,
        Some('T') => 40,
        Some('P') => 50,
        Some('E') => 60,
        _ => return (value, rest),
    };
    value = value.wrapping_shl(shift);
    (value, &rest[1..])
}

/// `page_counter_memparse` after `strstrip`: `max_token` means no limit (`None`); otherwise the
/// bytes rounded down to whole pages. Trailing garbage is EINVAL.
pub fn page_counter_memparse(text: &str, max_token: &str) -> Result<Option<u64>, Errno> {
    let text = strstrip(text);
    if text == max_token {
        return Ok(None);
    }
    let (bytes, rest) = memparse(text);
    if !rest.is_empty() {
        return Err(Errno::Einval);
    }
    let pages = (bytes / PAGE_SIZE_BYTES).min(PAGE_COUNTER_MAX_PAGES);
    if pages >= PAGE_COUNTER_MAX_PAGES {
        Ok(None)
    } else {
        Ok(Some(pages * PAGE_SIZE_BYTES))
    }
}

/// `vsscanf("%llu")` on one token: `None` unless it starts with a digit; leading digits only.
pub fn scanf_u64(token: &str) -> Option<u64> {
    if !token.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let (value, _, _) = parse_prefix(token, 10);
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kstrtoull_accepts_what_the_kernel_accepts() {
        assert_eq!(kstrtoull("100"), Ok(100));
        assert_eq!(kstrtoull("+7"), Ok(7));
        assert_eq!(kstrtoull("0x10"), Ok(16));
        assert_eq!(kstrtoull("010"), Ok(8));
        assert_eq!(kstrtoull("5\n"), Ok(5));
        assert_eq!(kstrtoull(""), Err(Errno::Einval));
        assert_eq!(kstrtoull(" 5"), Err(Errno::Einval));
        assert_eq!(kstrtoull("5x"), Err(Errno::Einval));
        assert_eq!(kstrtoull("-1"), Err(Errno::Einval));
        assert_eq!(kstrtoull("99999999999999999999"), Err(Errno::Erange));
    }

    #[test]
    fn kstrtoll_handles_sign_and_range() {
        assert_eq!(kstrtoll("-1"), Ok(-1));
        assert_eq!(kstrtoll("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(kstrtoll("9223372036854775808"), Err(Errno::Erange));
        assert_eq!(kstrtoll("abc"), Err(Errno::Einval));
    }

    #[test]
    fn memparse_suffixes_are_powers_of_1024() {
        assert_eq!(page_counter_memparse("256M", "max"), Ok(Some(268_435_456)));
        assert_eq!(page_counter_memparse("256m", "max"), Ok(Some(268_435_456)));
        assert_eq!(page_counter_memparse("1G\n", "max"), Ok(Some(1 << 30)));
        assert_eq!(page_counter_memparse("max", "max"), Ok(None));
        assert_eq!(page_counter_memparse("-1", "-1"), Ok(None));
        assert_eq!(page_counter_memparse("256MB", "max"), Err(Errno::Einval));
        assert_eq!(page_counter_memparse("-1", "max"), Err(Errno::Einval));
        // Rounded down to whole 4 KiB pages.
        assert_eq!(page_counter_memparse("5000", "max"), Ok(Some(4096)));
        assert_eq!(page_counter_memparse("1000", "max"), Ok(Some(0)));
    }

    #[test]
    fn scanf_needs_a_leading_digit() {
        assert_eq!(scanf_u64("50000"), Some(50_000));
        assert_eq!(scanf_u64("50000abc"), Some(50_000));
        assert_eq!(scanf_u64("max"), None);
        assert_eq!(scanf_u64("-5"), None);
    }

    proptest! {
        #![proptest_config(super::super::proptest_config(256))]

        #[test]
        fn kstrtoull_round_trips_decimal(value in 1u64..u64::MAX) {
            prop_assert_eq!(kstrtoull(&value.to_string()), Ok(value));
            prop_assert_eq!(kstrtoull(&format!("{value:#x}")), Ok(value));
        }

        #[test]
        fn memparse_is_page_aligned(bytes in 0u64..(1 << 50)) {
            let parsed = page_counter_memparse(&bytes.to_string(), "max").unwrap().unwrap();
            prop_assert_eq!(parsed % PAGE_SIZE_BYTES, 0);
            prop_assert!(parsed <= bytes && bytes - parsed < PAGE_SIZE_BYTES);
        }
    }
}
