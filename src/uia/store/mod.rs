//! Where sessions and registration tokens live. Every back end implements
//! [`Store`]; the engine only ever changes state inside one transaction, so
//! each completion is all-or-nothing, and session updates are conditional on
//! the version read (two completions of one session cannot both win).

mod memory;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
mod sqlite_checkpoint;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use super::StoreError;
use super::enrolment::EnrolledCert;
use super::session::Session;
use super::token::{self, TokenRecord};

/// Operations inside one transaction.
pub trait Tx {
    /// The session with `id`, if stored.
    fn session(&mut self, id: &str) -> Result<Option<Session>, StoreError>;
    /// Stores a new session (its version is stored as given).
    fn insert_session(&mut self, session: &Session) -> Result<(), StoreError>;
    /// Replaces the session if its stored version is still `session.version`,
    /// storing it with version + 1. Returns false (and changes nothing) when
    /// the stored version differs or the session is gone.
    fn update_session(&mut self, session: &Session) -> Result<bool, StoreError>;
    /// Deletes a session; deleting a missing one is not an error.
    fn delete_session(&mut self, id: &str) -> Result<(), StoreError>;
    /// Up to `limit` sessions idle since before `cutoff_ms`.
    fn idle_sessions(&mut self, cutoff_ms: u64, limit: usize) -> Result<Vec<Session>, StoreError>;
    /// A registration token's counters, by key (`token::key_of`). Stores
    /// that take tokens from elsewhere override the `*_token` operations
    /// below instead and may refuse these.
    fn token(&mut self, key: &str) -> Result<Option<TokenRecord>, StoreError>;
    /// Inserts or replaces a token's counters.
    fn put_token(&mut self, token: &TokenRecord) -> Result<(), StoreError>;
    /// Deletes a token; returns whether it existed.
    fn delete_token(&mut self, key: &str) -> Result<bool, StoreError>;

    /// Reserves one use of registration token `token` for a session in
    /// progress, if the token exists, is unexpired and has a use left
    /// (pending uses count). Returns whether it did.
    fn reserve_token(&mut self, token: &str, now_ms: u64) -> Result<bool, StoreError> {
        match self.token(&token::key_of(token))? {
            Some(mut record) if record.can_reserve(now_ms) => {
                record.pending = record.pending.saturating_add(1);
                self.put_token(&record)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Turns a reserved use of the token with key `key` into a completed
    /// one. Returns false when the token no longer exists (the session
    /// cannot complete).
    fn consume_token(&mut self, key: &str) -> Result<bool, StoreError> {
        let Some(mut record) = self.token(key)? else {
            return Ok(false);
        };
        record.pending = record.pending.saturating_sub(1);
        record.completed = record.completed.saturating_add(1);
        self.put_token(&record)?;
        Ok(true)
    }

    /// The enrolled certificate with `fingerprint`, if any. Stores without
    /// enrolment (the Telodendria drop-in's) keep the default, which fails.
    fn cert(&mut self, fingerprint: &str) -> Result<Option<EnrolledCert>, StoreError> {
        let _ = fingerprint;
        Err(no_enrolment())
    }

    /// Stores a new enrolment (the caller checked the fingerprint is free).
    fn insert_cert(&mut self, cert: &EnrolledCert) -> Result<(), StoreError> {
        let _ = cert;
        Err(no_enrolment())
    }

    /// The certificates enrolled for `user`, oldest first.
    fn certs_of(&mut self, user: &str) -> Result<Vec<EnrolledCert>, StoreError> {
        let _ = user;
        Err(no_enrolment())
    }

    /// Removes `user`'s enrolment of `fingerprint`; returns whether it existed.
    fn delete_cert(&mut self, user: &str, fingerprint: &str) -> Result<bool, StoreError> {
        let _ = (user, fingerprint);
        Err(no_enrolment())
    }

    /// Takes the places of `claim` (a password or token attempt, or a new
    /// session) under each of its keys, unless one of them already holds
    /// `claim.max` places taken less than `claim.window_ms` before
    /// `claim.now_ms`: then nothing is taken and the milliseconds until a
    /// place frees are returned. Places older than `claim.keep_ms`, of any
    /// key, are dropped. Stores that keep no attempts (see
    /// [`Store::keeps_attempts`]) keep this default, which fails.
    fn take_attempt(&mut self, claim: &Claim<'_>) -> Result<Option<u64>, StoreError> {
        let _ = claim;
        Err(StoreError::Backend("this store keeps no attempts".into()))
    }

    /// Gives back the places of attempt `id` (its check passed).
    fn drop_attempt(&mut self, id: &str) -> Result<(), StoreError> {
        let _ = id;
        Err(StoreError::Backend("this store keeps no attempts".into()))
    }

    /// Gives back a reserved use of the token with key `key` (the session
    /// expired before completing).
    fn release_token(&mut self, key: &str) -> Result<(), StoreError> {
        if let Some(mut record) = self.token(key)? {
            record.pending = record.pending.saturating_sub(1);
            self.put_token(&record)?;
        }
        Ok(())
    }
}

/// Places claimed under limits: see [`Tx::take_attempt`].
#[derive(Debug, Clone, Copy)]
pub struct Claim<'a> {
    /// What the places count against (`session:…`, `user:…`, `new:…`).
    pub keys: &'a [String],
    /// The claim's id, to give its places back by.
    pub id: &'a str,
    /// When the places are taken.
    pub now_ms: u64,
    /// How long a place counts...
    pub window_ms: u64,
    /// ...and how many may count at once under one key.
    pub max: u32,
    /// Places older than this are dropped, whatever their key: the longest
    /// window the engine uses.
    pub keep_ms: u64,
}

impl Claim<'_> {
    /// Places taken at or before this are dropped, of every key.
    pub fn stale_ms(&self) -> u64 {
        self.now_ms.saturating_sub(self.keep_ms.max(self.window_ms))
    }

    /// Places taken after this count against the limit.
    pub fn counted_after_ms(&self) -> u64 {
        self.now_ms.saturating_sub(self.window_ms)
    }

    /// Whether the claim is refused, given each key's count of places in
    /// the window and the time of its oldest (see [`refusal`]).
    pub fn refusal(&self, counts: impl IntoIterator<Item = (u64, Option<u64>)>) -> Option<u64> {
        refusal(counts, self.now_ms, self.window_ms, self.max)
    }
}

fn no_enrolment() -> StoreError {
    StoreError::Backend("this store keeps no enrolled certificates".into())
}

/// The body of a transaction: commits when it returns `Ok`, rolls back on `Err`.
pub type TxBody<'a> = dyn FnMut(&mut dyn Tx) -> Result<(), StoreError> + 'a;

/// A session store.
pub trait Store: Send + Sync {
    /// Runs `body` in one transaction.
    fn transaction(&self, body: &mut TxBody<'_>) -> Result<(), StoreError>;

    /// The session with `id`, if stored, as last committed. A completion
    /// reads the session, decides (perhaps slowly: a password check), and
    /// stores its step in one transaction that checks the version it read;
    /// so the read needs no transaction of its own, and stores that can
    /// read more cheaply outside one override this.
    fn read_session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        let mut found = None;
        self.transaction(&mut |tx| {
            found = tx.session(id)?;
            Ok(())
        })?;
        Ok(found)
    }

    /// Whether the store keeps the failure limit's attempts
    /// (`Tx::take_attempt`), so that it holds across the processes sharing
    /// the store and across restarts; otherwise the engine counts in memory.
    fn keeps_attempts(&self) -> bool {
        false
    }
}

/// Whether an attempt may take its places, given each key's count of
/// places in the window and the time of its oldest: `Some(ms)` until a
/// place frees when a key holds `max` already, `None` when it may.
pub(crate) fn refusal(
    counts: impl IntoIterator<Item = (u64, Option<u64>)>,
    now_ms: u64,
    window_ms: u64,
    max: u32,
) -> Option<u64> {
    counts
        .into_iter()
        .filter(|(count, _)| *count >= u64::from(max))
        .map(|(_, oldest)| {
            oldest
                .unwrap_or(now_ms)
                .saturating_add(window_ms)
                .saturating_sub(now_ms)
                .max(1)
        })
        .max()
}

/// Opens the store a configuration names: `memory`, `sqlite:PATH`,
/// `postgres://...`; a SQLite file it creates gets the owner's permissions only.
pub fn open(spec: &str) -> Result<Box<dyn Store>, StoreError> {
    open_with_mode(spec, 0o600)
}

/// As `open`, a SQLite file it creates getting permissions `file_mode`.
pub fn open_with_mode(spec: &str, file_mode: u32) -> Result<Box<dyn Store>, StoreError> {
    if spec == "memory" {
        return Ok(Box::new(MemoryStore::new()));
    }
    if let Some(path) = spec.strip_prefix("sqlite:") {
        #[cfg(feature = "sqlite")]
        return Ok(Box::new(SqliteStore::open_with_mode(path, file_mode)?));
        #[cfg(not(feature = "sqlite"))]
        return Err(StoreError::Open(format!(
            "sqlite store `{path}` (mode {file_mode:o}): built without the `sqlite` feature"
        )));
    }
    if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        return Ok(Box::new(PostgresStore::open(spec)?));
        #[cfg(not(feature = "postgres"))]
        return Err(StoreError::Open(
            "built without the `postgres` feature".to_owned(),
        ));
    }
    Err(StoreError::Open(format!("unknown store `{spec}`")))
}

#[cfg(test)]
pub(crate) mod shared_tests;
