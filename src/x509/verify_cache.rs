//! A small memory of chains a trust store has verified, so that the same
//! chain met again (the same server on every connection, a client
//! reconnecting, a resumed session's restored chain, the GnuTLS layer
//! checking what the engine has just checked) costs one hash instead of a
//! path build and its signature checks.
//!
//! Only successes are kept, and only while the clock stays inside every
//! presented certificate's validity: what else decides the outcome (anchors
//! and CRLs) is fixed for the life of a `TrustStore`, which owns its cache.

use parking_lot::Mutex;

use super::fields;
use super::verify::{NameCheck, Role};
use crate::crypto::hash::{HashAlgorithm, Transcript};

/// How many verified chains are kept; the oldest goes first.
const CAPACITY: usize = 64;

/// What a verification was asked, as a digest.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Question([u8; 32]);

impl Question {
    pub(super) fn new(chain: &[Vec<u8>], role: Role, name: Option<&str>, check: NameCheck) -> Self {
        // Hashed part by part, not copied first: this runs on every handshake.
        // Each part is length-prefixed, so no two questions encode alike.
        let mut digest = Transcript::new(HashAlgorithm::Sha256);
        digest.update(&[
            match role {
                Role::Server => 1,
                Role::Client => 2,
            },
            match check {
                NameCheck::Any => 1,
                NameCheck::DnsOnly => 2,
            },
        ]);
        match name {
            None => digest.update(&[0]),
            Some(name) => {
                digest.update(&[1]);
                push_prefixed(&mut digest, name.as_bytes());
            }
        }
        for cert in chain {
            push_prefixed(&mut digest, cert);
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(&digest.current());
        Self(out)
    }
}

fn push_prefixed(digest: &mut Transcript, data: &[u8]) {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    digest.update(&len.to_be_bytes());
    digest.update(data);
}

/// The Unix times between which every certificate of `chain` is valid, if
/// all their validities parse.
pub(super) fn common_validity(chain: &[Vec<u8>]) -> Option<(i64, i64)> {
    chain
        .iter()
        .try_fold((i64::MIN, i64::MAX), |(from, until), cert| {
            let (not_before, not_after) = fields::validity(cert).ok()?;
            Some((from.max(not_before), until.min(not_after)))
        })
}

struct Entry {
    question: Question,
    from: i64,
    until: i64,
}

/// Verified chains with the window in which the verdict holds.
#[derive(Default)]
pub(super) struct VerifyCache {
    entries: Mutex<Vec<Entry>>,
}

impl VerifyCache {
    /// Whether `question` was verified and `now` is still inside its window.
    pub(super) fn verified(&self, question: &Question, now: u64) -> bool {
        let Ok(now) = i64::try_from(now) else {
            return false;
        };
        self.entries
            .lock()
            .iter()
            .any(|e| e.question == *question && e.from <= now && now < e.until)
    }

    /// Remembers that `question` verified; it holds between `from` and `until`.
    pub(super) fn remember(&self, question: Question, (from, until): (i64, i64)) {
        if from >= until {
            return;
        }
        let mut entries = self.entries.lock();
        if entries.iter().any(|e| e.question == question) {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.remove(0);
        }
        entries.push(Entry {
            question,
            from,
            until,
        });
    }
}
