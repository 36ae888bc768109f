//! Registration tokens: a limited number of uses, counted as pending (held by
//! a session that passed the token stage) and completed (a finished flow).
//! Stores key tokens by a SHA-256 digest, so the token itself is never
//! stored and lookups by key reveal nothing useful through timing.

use ring::digest;

use super::session::hex;

/// One registration token's counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Hex SHA-256 of the token.
    pub key: String,
    /// How many registrations it allows; `None` for unlimited.
    pub uses_allowed: Option<u64>,
    /// Uses held by sessions in progress.
    pub pending: u64,
    /// Uses by completed flows.
    pub completed: u64,
    /// Expiry in milliseconds since the Unix epoch; `None` for never.
    pub expiry_ms: Option<u64>,
}

impl TokenRecord {
    /// A fresh token allowing `uses_allowed` uses until `expiry_ms`.
    pub fn new(token: &str, uses_allowed: Option<u64>, expiry_ms: Option<u64>) -> Self {
        Self {
            key: key_of(token),
            uses_allowed,
            pending: 0,
            completed: 0,
            expiry_ms,
        }
    }

    /// Whether one more session may reserve a use at `now_ms`.
    pub fn can_reserve(&self, now_ms: u64) -> bool {
        let unexpired = self.expiry_ms.is_none_or(|expiry| now_ms < expiry);
        let has_room = self
            .uses_allowed
            .is_none_or(|allowed| self.pending.saturating_add(self.completed) < allowed);
        unexpired && has_room
    }
}

/// The store key of a token.
pub fn key_of(token: &str) -> String {
    hex(digest::digest(&digest::SHA256, token.as_bytes()).as_ref())
}

/// Whether `token` has the form the Matrix spec allows: 1 to 64 characters
/// from `[A-Za-z0-9._~-]`.
pub fn is_well_formed(token: &str) -> bool {
    (1..=64).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pending_and_completed_against_uses() {
        let mut t = TokenRecord::new("abc", Some(2), None);
        assert!(t.can_reserve(0));
        t.pending = 1;
        t.completed = 1;
        assert!(!t.can_reserve(0));
        t.completed = 0;
        assert!(t.can_reserve(0));
    }

    #[test]
    fn expires() {
        let t = TokenRecord::new("abc", None, Some(100));
        assert!(t.can_reserve(99));
        assert!(!t.can_reserve(100));
    }

    #[test]
    fn keys_are_digests_not_tokens() {
        let key = key_of("secret-token");
        assert_eq!(key.len(), 64);
        assert!(!key.contains("secret"));
        assert_ne!(key, key_of("secret-token2"));
    }

    #[test]
    fn checks_token_syntax() {
        assert!(is_well_formed("a-Z_0.9~"));
        for bad in ["", "has space", "é", &"a".repeat(65)] {
            assert!(!is_well_formed(bad), "{bad:?}");
        }
    }
}
