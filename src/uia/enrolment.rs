//! Client certificates enrolled for users, by SPKI fingerprint: what lets
//! the TLS client-certificate stage map a certificate to a user without any
//! naming convention. A fingerprint belongs to at most one user.

use ring::digest;

/// One enrolled certificate key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolledCert {
    /// SHA-256 of the DER SubjectPublicKeyInfo, 64 lowercase hex digits.
    pub fingerprint: String,
    /// The full user id it authenticates.
    pub user: String,
    /// When it was enrolled (ms since the Unix epoch).
    pub enrolled_ms: u64,
}

/// The fingerprint of a DER SubjectPublicKeyInfo.
pub fn fingerprint_of_spki(spki: &[u8]) -> String {
    let digest = digest::digest(&digest::SHA256, spki);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A fingerprint as given by a host (hex, either case, optional `:`
/// separators), normalised; `None` if it is not 32 bytes of hex.
pub fn normalise_fingerprint(text: &str) -> Option<String> {
    let hex: String = text
        .chars()
        .filter(|c| *c != ':')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_hex_fingerprints() {
        let fp = "AB:".repeat(31) + "AB";
        assert_eq!(normalise_fingerprint(&fp), Some("ab".repeat(32)));
        assert_eq!(normalise_fingerprint("abcd"), None);
        assert_eq!(normalise_fingerprint(&"zz".repeat(32)), None);
        assert_eq!(fingerprint_of_spki(b"").len(), 64);
    }
}
