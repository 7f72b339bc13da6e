//! The `sha256:<hex>` digests Docker prints, hashed by the `sha2` crate (FIPS 180-4 SHA-256).
//!
//! Docker names layers, images and containers by SHA-256 digests. The simulated engine computes real
//! digests of its own (stand-in) content so every id looks and behaves like Docker's: 64 hex digits,
//! shown shortened to 12, deterministic for the same content.

use std::fmt;

/// A content digest as Docker prints it: `sha256:` and 64 lower-case hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Digest([u8; 32]);

impl Digest {
    /// The digest of `bytes`.
    pub(super) fn of(bytes: &[u8]) -> Self {
        Self(<sha2::Sha256 as sha2::Digest>::digest(bytes).into())
    }

    /// The digest of several parts, each length-prefixed so that different splits never collide.
    pub(super) fn of_parts(parts: &[&[u8]]) -> Self {
        let mut joined = Vec::new();
        for part in parts {
            joined.extend_from_slice(&(part.len() as u64).to_be_bytes());
            joined.extend_from_slice(part);
        }
        Self::of(&joined)
    }

    /// The 64 hex digits without the `sha256:` prefix (container ids are shown this way).
    pub(super) fn hex(&self) -> String {
        let mut out = String::with_capacity(64);
        for byte in self.0 {
            out.push_str(&format!("{byte:02x}"));
        }
        out
    }

    /// The first 12 hex digits, Docker's short id.
    pub(crate) fn short(&self) -> String {
        let mut hex = self.hex();
        hex.truncate(12);
        hex
    }

    /// The first 8 bytes as a number, a deterministic seed derived from the digest.
    pub(super) fn seed(&self) -> u64 {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&self.0[..8]);
        u64::from_be_bytes(bytes)
    }

    /// Whether `prefix` (hex, optionally with `sha256:`) is a prefix of this digest.
    pub(super) fn matches_prefix(&self, prefix: &str) -> bool {
        let bare = prefix.strip_prefix("sha256:").unwrap_or(prefix);
        !bare.is_empty()
            && bare.chars().all(|c| c.is_ascii_hexdigit())
            && self.hex().starts_with(&bare.to_ascii_lowercase())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test vectors from FIPS 180-4's examples (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
    #[test]
    fn known_answers() {
        assert_eq!(
            Digest::of(b"").hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            Digest::of(b"abc").hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            Digest::of(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex(),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        let million_a = vec![b'a'; 1_000_000];
        assert_eq!(
            Digest::of(&million_a).hex(),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        );
    }

    #[test]
    fn short_and_prefix() {
        let digest = Digest::of(b"abc");
        assert_eq!(digest.short(), "ba7816bf8f01");
        assert!(digest.matches_prefix("ba78"));
        assert!(digest.matches_prefix("sha256:BA78"));
        assert!(!digest.matches_prefix(""));
        assert!(!digest.matches_prefix("zz"));
        assert_eq!(digest.to_string().len(), 71);
    }

    #[test]
    fn parts_are_length_prefixed() {
        assert_ne!(
            Digest::of_parts(&[b"ab", b"c"]),
            Digest::of_parts(&[b"a", b"bc"])
        );
    }
}
