//! Byte and time formatting in the kernel's own notation (`256M`, seconds without trailing
//! zeros), shared by limit editors and the text form of operations; sizes for people are
//! [`crate::units::bytes`].

/// Formats `bytes` with the largest binary suffix that divides it exactly, as the kernel's
/// `memparse` reads it back: `268435456` gives `"256M"`, `1000` gives `"1000"`.
pub fn bytes_suffix(bytes: u64) -> String {
    const SUFFIXES: [(u32, &str); 6] = [
        (60, "E"),
        (50, "P"),
        (40, "T"),
        (30, "G"),
        (20, "M"),
        (10, "K"),
    ];
    if bytes == 0 {
        return "0".to_owned();
    }
    for (shift, suffix) in SUFFIXES {
        if bytes.is_multiple_of(1u64 << shift) {
            return format!("{}{suffix}", bytes >> shift);
        }
    }
    bytes.to_string()
}

/// Formats seconds without trailing zeros: `0.5` gives `"0.5"`, `5` gives `"5"`.
pub fn secs_text(secs: f64) -> String {
    format!("{secs}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes() {
        assert_eq!(bytes_suffix(268_435_456), "256M");
        assert_eq!(bytes_suffix(1 << 30), "1G");
        assert_eq!(bytes_suffix(3072), "3K");
        assert_eq!(bytes_suffix(1536), "1536");
        assert_eq!(bytes_suffix(1000), "1000");
        assert_eq!(secs_text(0.5), "0.5");
        assert_eq!(secs_text(5.0), "5");
    }
}
