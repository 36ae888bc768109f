//! The completion engine: one call per request, returning a response to send
//! or that a flow is complete (the `UiaComplete` contract).
//!
//! A step is decided from the session as read, then stored in one
//! transaction that updates the session only if nobody else did meanwhile;
//! if somebody did, the step is decided again from the new state. So a
//! session completes exactly once, and a registration token's uses are
//! counted exactly, whatever the interleaving of threads or processes.

use std::sync::Arc;

use parking_lot::RwLock;
use ring::digest;
use subtle::ConstantTimeEq;

use super::clock::{Clock, SystemClock};
use super::config::Config;
use super::flows::FlowSet;
use super::hooks::{Hooks, PasswordChecker, Validator};
use super::outcome::{self, Completion, Failure, Outcome, Response};
use super::ratelimit::RateLimiter;
use super::registry::StageKind;
use super::request::{self, Auth, Request};
use super::session::{Session, SessionState, hex};
use super::stages::{self, StageInput, Verdict};
use super::store::{self, Store, Tx};
use super::token::{self, TokenRecord};
use super::{StoreError, UiaError};

/// Attempts at storing one step before giving up on a hot session.
const MAX_ATTEMPTS: usize = 32;
/// Sessions purged per cleanup transaction.
const CLEANUP_BATCH: usize = 256;
/// Bytes of CSPRNG output in a session id (160 bits).
const SESSION_ID_BYTES: usize = 20;

/// A UIA engine: configuration, store, hooks and rate limits. Thread-safe.
pub struct Engine {
    config: Config,
    store: Box<dyn Store>,
    clock: Arc<dyn Clock>,
    hooks: RwLock<Hooks>,
    limiter: RateLimiter,
}

/// The result of trying to store one step.
enum Step {
    Decided(Outcome),
    /// The session changed under us: decide again.
    Raced,
}

impl Engine {
    /// An engine with `config`, opening the store it names.
    pub fn new(config: Config) -> Result<Self, UiaError> {
        let store = store::open(&config.store)?;
        Ok(Self::with_store(config, store, Arc::new(SystemClock)))
    }

    /// An engine over a given store and clock (tests, embedding).
    pub fn with_store(config: Config, store: Box<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        let limiter = RateLimiter::new(config.max_failures, config.failure_window_ms);
        Self {
            config,
            store,
            clock,
            hooks: RwLock::new(Hooks::default()),
            limiter,
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

    /// Handles one request to an endpoint protected by `flows`.
    pub fn complete(&self, flows: &FlowSet, request: &Request<'_>) -> Result<Outcome, UiaError> {
        flows.validate()?;
        let parsed = match request::parse(request, self.config.max_body_bytes) {
            Ok(parsed) => parsed,
            Err(failure) => return Ok(Outcome::Respond(failure.into_response())),
        };
        let hooks = self.hooks.read().clone();
        let (session_id, auth) = match parsed.auth {
            Some(auth) if auth.session.is_some() => {
                (auth.session.clone().unwrap_or_default(), auth)
            }
            auth => {
                // No session named: start one (clients may send a stage with it).
                let session = self.create_session(request, parsed.body_without_auth)?;
                match auth {
                    Some(auth) if auth.kind.is_some() => (session.id, auth),
                    _ => {
                        return Ok(Outcome::Respond(outcome::state(
                            flows,
                            &session.id,
                            &[],
                            None,
                        )));
                    }
                }
            }
        };
        for _ in 0..MAX_ATTEMPTS {
            if let Step::Decided(outcome) =
                self.attempt(flows, request, &session_id, &auth, &hooks)?
            {
                return Ok(outcome);
            }
        }
        Err(UiaError::Contention)
    }

    fn create_session(
        &self,
        request: &Request<'_>,
        created_body: String,
    ) -> Result<Session, UiaError> {
        let mut id_bytes = [0u8; SESSION_ID_BYTES];
        crate::crypto::fill_random(&mut id_bytes).map_err(|_| UiaError::Random)?;
        let now = self.clock.now_ms();
        let session = Session {
            id: hex(&id_bytes),
            method: request.method.to_owned(),
            path: request.path.to_owned(),
            bound_user: request.user.map(str::to_owned),
            auth_user: None,
            completed: Vec::new(),
            created_body,
            token: None,
            state: SessionState::InProgress,
            created_ms: now,
            last_access_ms: now,
            version: 0,
        };
        self.store
            .transaction(&mut |tx| tx.insert_session(&session))?;
        Ok(session)
    }

    fn load(&self, id: &str) -> Result<Option<Session>, UiaError> {
        let mut found = None;
        self.store.transaction(&mut |tx| {
            found = tx.session(id)?;
            Ok(())
        })?;
        Ok(found)
    }

    /// Decides one attempt from the session as stored now.
    fn attempt(
        &self,
        flows: &FlowSet,
        request: &Request<'_>,
        session_id: &str,
        auth: &Auth,
        hooks: &Hooks,
    ) -> Result<Step, UiaError> {
        let now = self.clock.now_ms();
        let session = match self.load(session_id)? {
            Some(s) if !s.is_expired(now, self.config.session_lifetime_ms) => s,
            _ => {
                return Ok(respond(Failure::new(
                    400,
                    "M_UNKNOWN",
                    "Unknown or expired UIA session",
                )));
            }
        };
        // The session authorises the operation it was created for, by the user who created it.
        if session.method != request.method || session.path != request.path {
            return Ok(respond(Failure::new(
                403,
                "M_FORBIDDEN",
                "The UIA session belongs to another operation",
            )));
        }
        if session.bound_user.as_deref() != request.user {
            return Ok(respond(Failure::new(
                403,
                "M_FORBIDDEN",
                "The UIA session belongs to another user",
            )));
        }
        if let SessionState::Completed { fingerprint } = &session.state {
            let repeat: bool = fingerprint.ct_eq(&request_fingerprint(request)).into();
            if !repeat {
                return Ok(respond(Failure::new(
                    403,
                    "M_FORBIDDEN",
                    "The UIA session has already been used",
                )));
            }
            let flow = flows
                .finished_flow(&session.completed)
                .map(|f| f.stages().to_vec())
                .unwrap_or_default();
            return Ok(Step::Decided(Outcome::Done(completion(
                &session, &flow, true,
            ))));
        }
        let Some(kind) = auth.kind.as_ref() else {
            // Only the session: report where it stands (clients poll after fallback auth).
            self.touch(&session, now)?;
            return Ok(Step::Decided(Outcome::Respond(outcome::state(
                flows,
                &session.id,
                &session.completed,
                None,
            ))));
        };
        if !flows.allows_next(&session.completed, kind) {
            let failure = Failure::new(
                401,
                "M_FORBIDDEN",
                format!("Stage `{kind}` is not next in any flow"),
            );
            return Ok(Step::Decided(Outcome::Respond(outcome::state(
                flows,
                &session.id,
                &session.completed,
                Some(&failure),
            ))));
        }
        let stage = stages::stage_for(kind);
        let input = StageInput {
            kind,
            auth: &auth.fields,
            session: &session.id,
            requesting_user: request.user,
            server_name: &self.config.server_name,
        };
        let limit_keys = self.limit_keys(&session, request, stage.subject(&input), kind);
        if let Some(wait) = self.limiter.retry_after(&limit_keys, now) {
            let body = serde_json::json!({
                "errcode": "M_LIMIT_EXCEEDED",
                "error": "Too many failed attempts",
                "retry_after_ms": wait,
            });
            return Ok(Step::Decided(Outcome::Respond(Response {
                status: 429,
                body,
            })));
        }
        match stage.check(&input, hooks)? {
            Verdict::Fail(failure) => {
                self.limiter.record_failure(&limit_keys, now);
                Ok(Step::Decided(self.failed(flows, &session, failure)))
            }
            Verdict::Pass { user, token } => {
                // A stage may only prove the user the session is for.
                if let Some(user) = user.as_deref() {
                    let bound = session
                        .bound_user
                        .as_deref()
                        .or(session.auth_user.as_deref());
                    if bound.is_some_and(|b| b != user) {
                        return Ok(respond(Failure::new(
                            403,
                            "M_FORBIDDEN",
                            "Authenticated as a different user",
                        )));
                    }
                }
                let step = self.store_step(flows, request, session, kind, user, token, now)?;
                if let Step::Decided(Outcome::Respond(response)) = &step {
                    if response.body.get("errcode").is_some() {
                        self.limiter.record_failure(&limit_keys, now);
                    }
                }
                Ok(step)
            }
        }
    }

    /// A failed stage: 401 with the state for stage failures, the bare
    /// failure for malformed input (400).
    fn failed(&self, flows: &FlowSet, session: &Session, failure: Failure) -> Outcome {
        if failure.status == 401 {
            Outcome::Respond(outcome::state(
                flows,
                &session.id,
                &session.completed,
                Some(&failure),
            ))
        } else {
            Outcome::Respond(failure.into_response())
        }
    }

    fn limit_keys(
        &self,
        session: &Session,
        request: &Request<'_>,
        subject: Option<String>,
        kind: &StageKind,
    ) -> Vec<String> {
        if !kind.is_rate_limited() {
            return Vec::new();
        }
        let mut keys = vec![format!("session:{}", session.id)];
        let user = subject
            .or_else(|| request.user.map(str::to_owned))
            .or_else(|| session.bound_user.clone());
        if let Some(user) = user {
            keys.push(format!("user:{user}"));
        }
        keys
    }

    /// Records an access without other change (best effort: a concurrent
    /// step already refreshed it).
    fn touch(&self, session: &Session, now: u64) -> Result<(), UiaError> {
        let mut touched = session.clone();
        touched.last_access_ms = now;
        self.store
            .transaction(&mut |tx| tx.update_session(&touched).map(|_| ()))?;
        Ok(())
    }

    /// Stores a passed stage in one transaction, reserving and consuming the
    /// registration token's use as needed.
    #[allow(clippy::too_many_arguments)]
    fn store_step(
        &self,
        flows: &FlowSet,
        request: &Request<'_>,
        session: Session,
        kind: &StageKind,
        user: Option<String>,
        token: Option<String>,
        now: u64,
    ) -> Result<Step, UiaError> {
        let mut next = session.clone();
        next.completed.push(kind.clone());
        next.last_access_ms = now;
        if user.is_some() {
            next.auth_user = user;
        }
        if token.is_some() {
            next.token = token;
        }
        let finished = flows
            .finished_flow(&next.completed)
            .map(|f| f.stages().to_vec());
        if finished.is_some() {
            next.state = SessionState::Completed {
                fingerprint: request_fingerprint(request),
            };
        }
        let reserving = kind == &StageKind::RegistrationToken;
        let mut stored = Stored::Raced;
        self.store.transaction(&mut |tx| {
            stored = store_in_tx(tx, &next, reserving, finished.is_some(), now)?;
            Ok(())
        })?;
        Ok(match stored {
            Stored::Raced => Step::Raced,
            Stored::TokenInvalid => {
                let failure = stages::registration_token_invalid();
                Step::Decided(Outcome::Respond(outcome::state(
                    flows,
                    &session.id,
                    &session.completed,
                    Some(&failure),
                )))
            }
            Stored::Yes => match finished {
                Some(flow) => Step::Decided(Outcome::Done(completion(&next, &flow, false))),
                None => Step::Decided(Outcome::Respond(outcome::state(
                    flows,
                    &next.id,
                    &next.completed,
                    None,
                ))),
            },
        })
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
                        release_token(tx, &session)?;
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

/// What storing a step came to.
enum Stored {
    Yes,
    Raced,
    TokenInvalid,
}

/// The transaction of one step: reserve or consume the token's use, then
/// update the session only if it is still the version the step was decided on.
fn store_in_tx(
    tx: &mut dyn Tx,
    next: &Session,
    reserving: bool,
    finishing: bool,
    now: u64,
) -> Result<Stored, StoreError> {
    let mut record = match next.token.as_deref() {
        Some(t) if reserving || finishing => tx.token(&token::key_of(t))?,
        _ => None,
    };
    if reserving && !record.as_ref().is_some_and(|r| r.can_reserve(now)) {
        return Ok(Stored::TokenInvalid);
    }
    if finishing && next.token.is_some() && record.is_none() {
        // The token was deleted while the session held a use.
        return Ok(Stored::TokenInvalid);
    }
    if !tx.update_session(next)? {
        return Ok(Stored::Raced);
    }
    if let Some(record) = record.as_mut() {
        if reserving {
            record.pending = record.pending.saturating_add(1);
        }
        if finishing {
            record.pending = record.pending.saturating_sub(1);
            record.completed = record.completed.saturating_add(1);
        }
        tx.put_token(record)?;
    }
    Ok(Stored::Yes)
}

fn release_token(tx: &mut dyn Tx, session: &Session) -> Result<(), StoreError> {
    let holds_use = session.completed.contains(&StageKind::RegistrationToken);
    let Some(token) = session.token.as_deref().filter(|_| holds_use) else {
        return Ok(());
    };
    if let Some(mut record) = tx.token(&token::key_of(token))? {
        record.pending = record.pending.saturating_sub(1);
        tx.put_token(&record)?;
    }
    Ok(())
}

fn respond(failure: Failure) -> Step {
    Step::Decided(Outcome::Respond(failure.into_response()))
}

fn completion(session: &Session, flow: &[StageKind], replayed: bool) -> Completion {
    Completion {
        session: session.id.clone(),
        flow: flow.iter().map(|s| s.wire().to_owned()).collect(),
        user: session.auth_user.clone(),
        token: session.token.clone(),
        created_body: session.created_body.clone(),
        replayed,
    }
}

/// SHA-256 over the method, path and body, each length-prefixed.
fn request_fingerprint(request: &Request<'_>) -> [u8; 32] {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for part in [
        request.method.as_bytes(),
        request.path.as_bytes(),
        request.body,
    ] {
        ctx.update(&u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
        ctx.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}
