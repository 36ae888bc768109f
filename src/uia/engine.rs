//! The UIA engine: configuration, store, hooks, registration tokens,
//! cleanup, and the transaction that stores one step. Completion itself
//! (one call per request) is in `complete.rs`.

use std::sync::Arc;

use parking_lot::RwLock;
use ring::hmac;

use super::clock::{Clock, SystemClock};
use super::config::Config;
use super::enrolment::{self, EnrolledCert};
use super::hooks::{Hooks, PasswordChecker, Validator};
use super::outcome::Completion;
use super::ratelimit::Limits;
use super::registry::StageKind;
use super::request::Request;
use super::session::{Session, SessionState};
use super::store::{self, Store, Tx};
use super::token::{self, TokenRecord};
use super::{StoreError, UiaError};

/// Sessions purged per cleanup transaction.
const CLEANUP_BATCH: usize = 256;

/// A UIA engine: configuration, store, hooks and rate limits. Thread-safe.
pub struct Engine {
    pub(super) config: Config,
    pub(super) store: Box<dyn Store>,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) hooks: RwLock<Hooks>,
    pub(super) limits: Arc<Limits>,
    /// Keys the fingerprints of completed requests (see `request_fingerprint`).
    pub(super) replay_key: hmac::Key,
}

impl Engine {
    /// An engine with `config`, opening the store it names.
    pub fn new(config: Config) -> Result<Self, UiaError> {
        let store = store::open_with_mode(&config.store, config.store_file_mode)?;
        Ok(Self::with_store(config, store, Arc::new(SystemClock)))
    }

    /// An engine over a given store and clock (tests, embedding).
    pub fn with_store(config: Config, store: Box<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let limits = Arc::new(Limits::new(&config));
        Self::with_limits(config, store, clock, limits)
    }

    /// An engine sharing its in-memory counters (failures, new sessions)
    /// with others: an embedding that builds an engine per request keeps
    /// its limits across them.
    pub fn with_limits(
        config: Config,
        store: Box<dyn Store>,
        clock: Arc<dyn Clock>,
        limits: Arc<Limits>,
    ) -> Self {
        Self {
            config,
            store,
            clock,
            hooks: RwLock::new(Hooks::default()),
            limits,
            replay_key: replay_key(),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sets the checker for `m.login.password`.
    pub fn set_password_checker(&self, checker: PasswordChecker) {
        self.hooks.write().password = Some(checker);
    }

    /// Registers the validator for a custom stage type.
    pub fn register_validator(
        &self,
        kind: &StageKind,
        validator: Validator,
    ) -> Result<(), UiaError> {
        if !matches!(kind, StageKind::Custom(_)) {
            return Err(UiaError::Config(format!(
                "`{kind}` is built in and takes no validator"
            )));
        }
        self.hooks
            .write()
            .validators
            .insert(kind.wire().to_owned(), validator);
        Ok(())
    }

    /// Adds (or replaces) a registration token allowing `uses_allowed` uses
    /// (`None`: unlimited) until `expiry_ms` (`None`: never). Counters of an
    /// existing token are kept.
    pub fn put_token(
        &self,
        token: &str,
        uses_allowed: Option<u64>,
        expiry_ms: Option<u64>,
    ) -> Result<(), UiaError> {
        if !token::is_well_formed(token) {
            return Err(UiaError::Config(
                "a token is 1 to 64 characters of [A-Za-z0-9._~-]".into(),
            ));
        }
        let fresh = TokenRecord::new(token, uses_allowed, expiry_ms);
        self.store.transaction(&mut |tx| {
            let record = match tx.token(&fresh.key)? {
                Some(existing) => TokenRecord {
                    uses_allowed,
                    expiry_ms,
                    ..existing
                },
                None => fresh.clone(),
            };
            tx.put_token(&record)
        })?;
        Ok(())
    }

    /// A token's counters, if it exists.
    pub fn token(&self, token: &str) -> Result<Option<TokenRecord>, UiaError> {
        let key = token::key_of(token);
        let mut found = None;
        self.store.transaction(&mut |tx| {
            found = tx.token(&key)?;
            Ok(())
        })?;
        Ok(found)
    }

    /// Deletes a token; returns whether it existed. Sessions holding a use
    /// of it fail to complete.
    pub fn delete_token(&self, token: &str) -> Result<bool, UiaError> {
        let key = token::key_of(token);
        let mut existed = false;
        self.store.transaction(&mut |tx| {
            existed = tx.delete_token(&key)?;
            Ok(())
        })?;
        Ok(existed)
    }

    /// Enrols the key with SPKI fingerprint `fingerprint` (hex, see
    /// `enrolment`) for `user`, so the client-certificate stage maps it to
    /// them. Returns the normalised fingerprint. Enrolling a key again for
    /// its user is a no-op; a key enrolled for another user is refused
    /// (`Enrolment`), as is a malformed fingerprint or user id.
    pub fn enrol_certificate(&self, user: &str, fingerprint: &str) -> Result<String, UiaError> {
        let fingerprint = enrolment::normalise_fingerprint(fingerprint)
            .ok_or_else(|| UiaError::Enrolment("a fingerprint is 32 bytes of hex".into()))?;
        if !is_user_id(user) {
            return Err(UiaError::Enrolment(format!("`{user}` is not a user id")));
        }
        let record = EnrolledCert {
            fingerprint: fingerprint.clone(),
            user: user.to_owned(),
            enrolled_ms: self.clock.now_ms(),
        };
        let mut taken = false;
        self.store.transaction(&mut |tx| {
            taken = false;
            match tx.cert(&record.fingerprint)? {
                Some(existing) if existing.user == record.user => Ok(()),
                Some(_) => {
                    taken = true;
                    Ok(())
                }
                None => tx.insert_cert(&record),
            }
        })?;
        if taken {
            return Err(UiaError::Enrolment(
                "the key is enrolled for another user".into(),
            ));
        }
        Ok(fingerprint)
    }

    /// The keys enrolled for `user`, oldest first.
    pub fn enrolled_certificates(&self, user: &str) -> Result<Vec<EnrolledCert>, UiaError> {
        let mut found = Vec::new();
        self.store.transaction(&mut |tx| {
            found = tx.certs_of(user)?;
            Ok(())
        })?;
        Ok(found)
    }

    /// Revokes `user`'s enrolment of `fingerprint`; returns whether there
    /// was one. A revoked key no longer passes the stage (sessions already
    /// completed stay completed).
    pub fn revoke_certificate(&self, user: &str, fingerprint: &str) -> Result<bool, UiaError> {
        let Some(fingerprint) = enrolment::normalise_fingerprint(fingerprint) else {
            return Ok(false);
        };
        let mut existed = false;
        self.store.transaction(&mut |tx| {
            existed = tx.delete_cert(user, &fingerprint)?;
            Ok(())
        })?;
        Ok(existed)
    }

    /// The user a key is enrolled for.
    pub(super) fn enrolled_owner(&self, fingerprint: &str) -> Result<Option<String>, UiaError> {
        let mut owner = None;
        self.store.transaction(&mut |tx| {
            owner = tx.cert(fingerprint)?.map(|c| c.user);
            Ok(())
        })?;
        Ok(owner)
    }

    /// Purges sessions idle past their lifetime, releasing the token uses
    /// they held. Returns how many were purged.
    pub fn cleanup(&self) -> Result<usize, UiaError> {
        let cutoff = self
            .clock
            .now_ms()
            .saturating_sub(self.config.session_lifetime_ms);
        let mut total = 0;
        loop {
            let mut purged = 0;
            self.store.transaction(&mut |tx| {
                purged = 0;
                for session in tx.idle_sessions(cutoff, CLEANUP_BATCH)? {
                    if session.state == SessionState::InProgress {
                        release_held_token(tx, &session)?;
                    }
                    tx.delete_session(&session.id)?;
                    purged += 1;
                }
                Ok(())
            })?;
            total += purged;
            if purged < CLEANUP_BATCH {
                return Ok(total);
            }
        }
    }
}

/// `@localpart:server`, printable ASCII, at most 255 bytes.
fn is_user_id(user: &str) -> bool {
    user.len() <= 255
        && user.bytes().all(|b| b.is_ascii_graphic())
        && user
            .strip_prefix('@')
            .and_then(|rest| rest.split_once(':'))
            .is_some_and(|(local, server)| !local.is_empty() && !server.is_empty())
}

/// What storing a step came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stored {
    Yes,
    Raced,
    TokenInvalid,
}

/// The transaction of one step: reserve the token's use when the token stage
/// passes, consume it when the flow finishes, and update the session only if
/// it is still the version the step was decided on. Anything but `Yes` rolls
/// the transaction back (through `StoreError::Aborted`), so a token use is
/// never counted for a step that was not stored.
pub(super) fn store_in_tx(
    tx: &mut dyn Tx,
    next: &Session,
    reserving: Option<&str>,
    finishing: bool,
    now: u64,
    stored: &mut Stored,
) -> Result<(), StoreError> {
    *stored = Stored::TokenInvalid;
    if let Some(token) = reserving {
        if !tx.reserve_token(token, now)? {
            return Err(StoreError::Aborted);
        }
    }
    // A token deleted while the session held a use cannot complete it.
    if let Some(key) = next.token_key.as_deref().filter(|_| finishing) {
        if !tx.consume_token(key)? {
            return Err(StoreError::Aborted);
        }
    }
    if !tx.update_session(next)? {
        *stored = Stored::Raced;
        return Err(StoreError::Aborted);
    }
    *stored = Stored::Yes;
    Ok(())
}

/// Gives back the token use an unfinished session holds.
fn release_held_token(tx: &mut dyn Tx, session: &Session) -> Result<(), StoreError> {
    let holds_use = session.completed.contains(&StageKind::RegistrationToken);
    match session.token_key.as_deref() {
        Some(key) if holds_use => tx.release_token(key),
        _ => Ok(()),
    }
}

/// What the host learns of a completion: `body` is the completing
/// request's (without `auth` and secrets), `token` the registration token
/// it carried, if that is the one the session used.
pub(super) fn completion(
    session: &Session,
    flow: &[StageKind],
    replayed: bool,
    body: &str,
    token: Option<&str>,
) -> Completion {
    let token = token.filter(|t| session.token_key.as_deref() == Some(&token::key_of(t)));
    Completion {
        session: session.id.clone(),
        flow: flow.iter().map(|s| s.wire().to_owned()).collect(),
        user: session.auth_user.clone(),
        token: token.map(str::to_owned),
        body: body.to_owned(),
        replayed,
    }
}

impl Engine {
    /// HMAC-SHA256, under this engine's own random key, of the method, path
    /// and whole body (secrets included, JSON canonically encoded), each
    /// length-prefixed: what a completed session keeps of the request that
    /// completed it. Only an identical repeat, secrets included, matches;
    /// without the key the stored value confirms no guess of a secret.
    pub(super) fn request_fingerprint(&self, request: &Request<'_>) -> [u8; 32] {
        let body = super::request::canonical(request.body);
        let mut ctx = hmac::Context::with_key(&self.replay_key);
        for part in [
            request.method.as_bytes(),
            request.path.as_bytes(),
            body.as_slice(),
        ] {
            ctx.update(&u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
            ctx.update(part);
        }
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.sign().as_ref());
        out
    }
}

/// A fresh key for the fingerprints of completed requests.
fn replay_key() -> hmac::Key {
    let rng = ring::rand::SystemRandom::new();
    // A failing system generator leaves no safe key: panicking would abort
    // the host, so fall back to a key from the clock and address space,
    // which still keeps the store from confirming guesses of a secret.
    hmac::Key::generate(hmac::HMAC_SHA256, &rng).unwrap_or_else(|_| {
        let seed = format!("{:?}{:p}", std::time::SystemTime::now(), &rng);
        hmac::Key::new(hmac::HMAC_SHA256, seed.as_bytes())
    })
}
