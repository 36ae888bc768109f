//! Sealing of session tickets (RFC 8446 §4.6.1 leaves their format to the
//! server). A ticket carries the state a resumption needs, encrypted and
//! authenticated under a key derived from the operator's master ticket key,
//! so every server holding the same master key opens the tickets any of them
//! issued. The derived key changes every rotation period; a ticket opens in
//! the period it was sealed and the next one, so it stays usable for at least
//! one whole period.
//!
//! Layout: key name (16) || nonce (12) || AES-256-GCM(state) || tag (16),
//! with the key name as associated data. Anything that does not open yields
//! `None`: the caller falls back to a full handshake.

use std::sync::Arc;

use parking_lot::Mutex;
use zeroize::Zeroizing;

use crate::crypto::aead::{AeadAlgorithm, AeadKey, NONCE_LEN, TAG_LEN};
use crate::crypto::fill_random;
use crate::crypto::hash::HashAlgorithm;
use crate::crypto::hkdf::{expand_label, extract};

/// The length of a master ticket key (as `gnutls_session_ticket_key_generate`
/// makes them).
pub const MASTER_KEY_LEN: usize = 64;
const NAME_LEN: usize = 16;
const KEY_LEN: usize = 32;
/// The smallest ticket that can open: name, nonce, an empty state's tag.
const OVERHEAD: usize = NAME_LEN + NONCE_LEN + TAG_LEN;

/// A master key of the wrong length, or a zero rotation period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a ticket master key has {MASTER_KEY_LEN} bytes and the rotation period is positive")]
pub struct TicketKeyError;

/// The server's ticket sealer.
pub struct TicketKeys {
    /// HKDF-Extract of the master key; every period's key is expanded from it.
    prk: Zeroizing<Vec<u8>>,
    period_secs: u64,
    /// The keys of the periods used last (at most two: a ticket opens in
    /// its period and the next), so that sealing or opening a ticket costs
    /// one AEAD call, not a key derivation and a key setup as well.
    recent: Mutex<Vec<PeriodKey>>,
}

/// One period's key name and key.
struct PeriodKey {
    period: u64,
    name: [u8; NAME_LEN],
    key: Arc<AeadKey>,
}

impl TicketKeys {
    /// Keys from a master key, rotating every `period_secs` seconds.
    pub fn new(master: &[u8], period_secs: u64) -> Result<Self, TicketKeyError> {
        if master.len() != MASTER_KEY_LEN || period_secs == 0 {
            return Err(TicketKeyError);
        }
        Ok(Self {
            prk: extract(HashAlgorithm::Sha256, b"stepup session tickets", master),
            period_secs,
            recent: Mutex::new(Vec::new()),
        })
    }

    /// The name and the AEAD key of one period, remembered.
    fn period_key(&self, period: u64) -> ([u8; NAME_LEN], Arc<AeadKey>) {
        let mut recent = self.recent.lock();
        if let Some(p) = recent.iter().find(|p| p.period == period) {
            return (p.name, p.key.clone());
        }
        let (name, key) = self.derive_period_key(period);
        let key = Arc::new(key);
        if recent.len() >= 2 {
            recent.remove(0);
        }
        recent.push(PeriodKey {
            period,
            name,
            key: key.clone(),
        });
        (name, key)
    }

    /// The name and the AEAD key of one period, derived.
    fn derive_period_key(&self, period: u64) -> ([u8; NAME_LEN], AeadKey) {
        let okm = expand_label(
            HashAlgorithm::Sha256,
            &self.prk,
            b"ticket key",
            &period.to_be_bytes(),
            NAME_LEN + KEY_LEN,
        );
        let mut name = [0u8; NAME_LEN];
        name.copy_from_slice(&okm[..NAME_LEN]);
        let key = AeadKey::new(AeadAlgorithm::Aes256Gcm, &okm[NAME_LEN..])
            .expect("32 bytes make an AES-256-GCM key");
        (name, key)
    }

    /// Seals `state` at time `now` (seconds since the epoch). Fails only when
    /// the system's random generator does.
    pub fn seal(&self, now: u64, state: &[u8]) -> Option<Vec<u8>> {
        let (name, key) = self.period_key(now / self.period_secs);
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut nonce).ok()?;
        let mut ticket = Vec::with_capacity(OVERHEAD + state.len());
        ticket.extend_from_slice(&name);
        ticket.extend_from_slice(&nonce);
        let start = ticket.len();
        ticket.extend_from_slice(state);
        let tag = key.seal_in_place(nonce, &name, &mut ticket[start..]);
        ticket.extend_from_slice(&tag);
        Some(ticket)
    }

    /// Opens a ticket sealed in this period or the previous one; `None` for
    /// anything else (foreign, forged, truncated, too old).
    /// The opened state holds the resumption PSK: wiped on drop.
    pub fn open(&self, now: u64, ticket: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if ticket.len() < OVERHEAD {
            return None;
        }
        let (name, rest) = ticket.split_at(NAME_LEN);
        let (nonce, sealed) = rest.split_at(NONCE_LEN);
        let current = now / self.period_secs;
        let (name, key) = [current, current.checked_sub(1)?]
            .into_iter()
            .map(|p| self.period_key(p))
            .find(|(n, _)| n == name)?;
        let mut nonce_bytes = [0u8; NONCE_LEN];
        nonce_bytes.copy_from_slice(nonce);
        let mut state = Zeroizing::new(sealed.to_vec());
        let len = key.open_in_place(nonce_bytes, &name, &mut state).ok()?;
        state.truncate(len);
        Some(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 3600;

    fn keys(byte: u8) -> TicketKeys {
        TicketKeys::new(&[byte; MASTER_KEY_LEN], HOUR).unwrap()
    }

    #[test]
    fn a_ticket_opens_on_any_server_with_the_same_master_key() {
        let now = 1_800_000_000;
        let ticket = keys(7).seal(now, b"resumption state").unwrap();
        assert_eq!(
            keys(7)
                .open(now + 10, &ticket)
                .as_deref()
                .map(Vec::as_slice),
            Some(&b"resumption state"[..])
        );
        assert_eq!(keys(8).open(now + 10, &ticket), None, "another farm's key");
    }

    #[test]
    fn keys_rotate_and_the_previous_period_still_opens() {
        let k = keys(1);
        let start = 1_800_000_000 / HOUR * HOUR;
        let ticket = k.seal(start + 5, b"s").unwrap();
        assert!(k.open(start + HOUR + 5, &ticket).is_some(), "next period");
        assert!(
            k.open(start + 2 * HOUR + 5, &ticket).is_none(),
            "two periods on"
        );
        let later = k.seal(start + HOUR + 5, b"s").unwrap();
        assert_ne!(
            ticket[..NAME_LEN],
            later[..NAME_LEN],
            "the key name changed"
        );
    }

    #[test]
    fn forged_truncated_and_empty_tickets_do_not_open() {
        let k = keys(2);
        let now = 1_800_000_000;
        let ticket = k.seal(now, b"state").unwrap();
        for i in 0..ticket.len() {
            let mut forged = ticket.clone();
            forged[i] ^= 0x40;
            assert_eq!(k.open(now, &forged), None, "byte {i} flipped");
        }
        for len in 0..ticket.len() {
            assert_eq!(k.open(now, &ticket[..len]), None, "truncated to {len}");
        }
        assert!(
            k.open(0, &ticket).is_none(),
            "before the epoch of its period"
        );
    }

    #[test]
    fn master_keys_must_have_64_bytes_and_periods_must_be_positive() {
        assert!(TicketKeys::new(&[0; 32], HOUR).is_err());
        assert!(TicketKeys::new(&[0; MASTER_KEY_LEN], 0).is_err());
    }
}
