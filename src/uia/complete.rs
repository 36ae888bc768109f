//! Completion: one call per request, answering with a response to send or
//! that a flow is complete (the `UiaComplete` contract).
//!
//! A step is decided from the session as read, then stored in one
//! transaction that updates the session only if nobody else did meanwhile;
//! if somebody did, the step is decided again from the new state. So a
//! session completes exactly once, and a registration token's uses are
//! counted exactly, whatever the interleaving of threads or processes.
//!
//! The same steps serve the fallback page (`complete_fallback`): there the
//! session's own flows decide which stage is next, the request is not the
//! operation the session authorises, and the session is never completed;
//! the client finishes it by repeating its original request.

use serde_json::json;
use subtle::ConstantTimeEq;

use super::attempts::Limit;
use super::client_cert::ClientCert;
use super::engine::{Engine, Stored, completion, store_in_tx};
use super::flows::FlowSet;
use super::hooks::Hooks;
use super::outcome::{self, Failure, Outcome, Response};
use super::registry::StageKind;
use super::request::{self, Auth, Request, operation_of};
use super::session::{Session, SessionState, hex};
use super::stages::{self, StageInput, TlsInput, Verdict};
use super::{StoreError, UiaError, token};

/// Attempts at storing one step before giving up on a hot session.
const MAX_ATTEMPTS: usize = 32;
/// Bytes of CSPRNG output in a session id (160 bits).
const SESSION_ID_BYTES: usize = 20;

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The endpoint the session protects.
    Endpoint,
    /// The fallback page for one stage.
    Fallback,
}

/// The result of deciding one attempt.
enum Step {
    Decided(Outcome),
    /// The session changed under us: decide again.
    Raced,
}

fn respond(failure: Failure) -> Step {
    Step::Decided(Outcome::Respond(failure.into_response()))
}

/// What a request asks for, beyond its `auth`.
struct Asked<'a> {
    /// The body without `auth` and secret fields.
    body: &'a str,
    /// Its digest; `None` for an empty body (a stage-only request).
    operation: Option<[u8; 32]>,
}

/// What a passed stage adds to a session.
struct Passed {
    kind: Option<StageKind>,
    user: Option<String>,
    token: Option<String>,
}

impl Engine {
    /// Handles one request to an endpoint protected by `flows`, with no TLS
    /// connection to go with it (the client-certificate stage cannot pass).
    pub fn complete(&self, flows: &FlowSet, request: &Request<'_>) -> Result<Outcome, UiaError> {
        self.complete_with_cert(flows, request, &ClientCert::Unavailable)
    }

    /// Handles one request that arrived on a TLS connection whose client
    /// certificate is `cert`. Answers `Outcome::Reauthenticate` when the
    /// client attempts the certificate stage and the connection can still
    /// be asked for one.
    pub fn complete_with_cert(
        &self,
        flows: &FlowSet,
        request: &Request<'_>,
        cert: &ClientCert,
    ) -> Result<Outcome, UiaError> {
        flows.validate()?;
        let parsed = match request::parse(request, self.config.max_body_bytes) {
            Ok(parsed) => parsed,
            Err(failure) => return Ok(Outcome::Respond(failure.into_response())),
        };
        let asked = Asked {
            body: &parsed.body_without_auth,
            operation: operation_of(&parsed.body_without_auth),
        };
        let (session_id, auth) = match parsed.auth {
            Some(auth) if auth.session.is_some() => {
                (auth.session.clone().unwrap_or_default(), auth)
            }
            auth => {
                // No session named: start one (clients may send a stage with it).
                let session = match self.create_session(request, flows, asked.operation)? {
                    Ok(session) => session,
                    Err(wait) => return Ok(Outcome::Respond(too_many(wait, "UIA sessions"))),
                };
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
        let call = Call {
            request,
            asked: &asked,
            auth: &auth,
            mode: Mode::Endpoint,
            cert,
        };
        self.settle(flows, &session_id, &call)
    }

    /// Handles a POST from the fallback page of `stage`: checks the stage
    /// against the session's own flows and user and records it, without
    /// completing the session. Answers with the session's state (401, with
    /// the stage in `completed` once it passed) or a failure.
    pub fn complete_fallback(
        &self,
        stage: &StageKind,
        request: &Request<'_>,
    ) -> Result<Outcome, UiaError> {
        let parsed = match request::parse(request, self.config.max_body_bytes) {
            Ok(parsed) => parsed,
            Err(failure) => return Ok(Outcome::Respond(failure.into_response())),
        };
        let Some(mut auth) = parsed.auth.filter(|a| a.session.is_some()) else {
            return Ok(Outcome::Respond(
                Failure::new(400, "M_MISSING_PARAM", "The fallback needs `auth.session`")
                    .into_response(),
            ));
        };
        if auth.kind.as_ref().is_some_and(|k| k != stage) {
            return Ok(Outcome::Respond(
                Failure::new(
                    400,
                    "M_INVALID_PARAM",
                    "`auth.type` differs from the fallback's stage",
                )
                .into_response(),
            ));
        }
        auth.kind = Some(stage.clone());
        let session_id = auth.session.clone().unwrap_or_default();
        // The flows come from the session itself; these stand in until it is loaded.
        let mut flows = FlowSet::new();
        flows.add_flow(vec![stage.clone()])?;
        let asked = Asked {
            body: &parsed.body_without_auth,
            operation: None,
        };
        let call = Call {
            request,
            asked: &asked,
            auth: &auth,
            mode: Mode::Fallback,
            cert: &ClientCert::Unavailable,
        };
        let mut outcome = self.settle(&flows, &session_id, &call)?;
        // Fallback pages read `completed` from every answer (Telodendria's does).
        if let Outcome::Respond(Response {
            body: serde_json::Value::Object(body),
            ..
        }) = &mut outcome
        {
            body.entry("completed")
                .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        }
        Ok(outcome)
    }

    /// Decides and stores one attempt, again while other requests race it.
    fn settle(
        &self,
        flows: &FlowSet,
        session_id: &str,
        call: &Call<'_>,
    ) -> Result<Outcome, UiaError> {
        let hooks = self.hooks.read().clone();
        for _ in 0..MAX_ATTEMPTS {
            if let Step::Decided(outcome) = self.attempt(flows, session_id, call, &hooks)? {
                return Ok(outcome);
            }
        }
        Err(UiaError::Contention)
    }

    /// Stores a new session, unless its creator (the requesting user, else
    /// the client address) or everyone together created as many as the
    /// bounds allow in the last session lifetime: then the milliseconds
    /// until one may (`Ok(Err(wait))`).
    fn create_session(
        &self,
        request: &Request<'_>,
        flows: &FlowSet,
        operation: Option<[u8; 32]>,
    ) -> Result<Result<Session, u64>, UiaError> {
        let now = self.clock.now_ms();
        let creator = match (request.user, request.client) {
            (Some(user), _) => vec![format!("new:user:{user}")],
            (None, Some(client)) => vec![format!("new:client:{client}")],
            (None, None) => Vec::new(),
        };
        let per_client = match self.take_place(Limit::NewPerClient, &creator, now)? {
            Ok(place) => place,
            Err(wait) => return Ok(Err(wait)),
        };
        let total = match self.take_place(Limit::NewTotal, &["new:*".to_owned()], now)? {
            Ok(place) => place,
            Err(wait) => return Ok(Err(wait)),
        };
        let mut id_bytes = [0u8; SESSION_ID_BYTES];
        crate::crypto::fill_random(&mut id_bytes).map_err(|_| UiaError::Random)?;
        let session = Session {
            id: hex(&id_bytes),
            method: request.method.to_owned(),
            path: request.path.to_owned(),
            bound_user: request.user.map(str::to_owned),
            auth_user: None,
            flows: flows.stage_lists(),
            completed: Vec::new(),
            operation,
            token_key: None,
            state: SessionState::InProgress,
            created_ms: now,
            last_access_ms: now,
            version: 0,
        };
        self.store
            .transaction(&mut |tx| tx.insert_session(&session))?;
        per_client.keep();
        total.keep();
        Ok(Ok(session))
    }

    fn load(&self, id: &str) -> Result<Option<Session>, UiaError> {
        Ok(self.store.read_session(id)?)
    }

    /// Decides one attempt from the session as stored now.
    fn attempt(
        &self,
        endpoint_flows: &FlowSet,
        session_id: &str,
        call: &Call<'_>,
        hooks: &Hooks,
    ) -> Result<Step, UiaError> {
        let Call {
            request,
            asked,
            auth,
            mode,
            cert,
        } = *call;
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
        let session_flows;
        let flows = match mode {
            Mode::Endpoint => {
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
                // A body, when there is one, must ask for the same operation.
                if let (Some(asked), Some(bound)) = (&asked.operation, &session.operation) {
                    if !bool::from(asked.ct_eq(bound)) {
                        return Ok(respond(Failure::new(
                            403,
                            "M_FORBIDDEN",
                            "The request differs from the one that started the UIA session",
                        )));
                    }
                }
                endpoint_flows
            }
            Mode::Fallback => {
                session_flows = FlowSet::from_stage_lists(&session.flows)?;
                &session_flows
            }
        };
        if let SessionState::Completed { fingerprint } = &session.state {
            // A repeat replays only when identical, secrets included: a
            // repeat with another password or token learns nothing.
            let repeat: bool = fingerprint.ct_eq(&self.request_fingerprint(request)).into();
            if mode == Mode::Fallback || !repeat {
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
                &session,
                &flow,
                true,
                asked.body,
                carried_token(auth),
            ))));
        }
        // Every stage is done (on the fallback page, or by a request without
        // the operation's body): this request finishes the session.
        if mode == Mode::Endpoint && flows.finished_flow(&session.completed).is_some() {
            let passed = Passed {
                kind: None,
                user: None,
                token: None,
            };
            return self.store_step(flows, call, session, passed, now);
        }
        let Some(kind) = auth.kind.as_ref() else {
            // Only the session: report where it stands (clients poll after
            // fallback auth).
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
        let mut tls = TlsInput {
            cert,
            enrolled_owner: None,
            mapping: &self.config.cert_mapping,
        };
        if *kind == StageKind::TlsClientCert {
            match cert {
                // Nothing is decided until the client has been asked.
                ClientCert::NotYet => return Ok(Step::Decided(Outcome::Reauthenticate)),
                ClientCert::Presented(facts) => {
                    tls.enrolled_owner = self.enrolled_owner(&facts.fingerprint)?;
                }
                ClientCert::Refused | ClientCert::Unavailable => {}
            }
        }
        let stage = stages::stage_for(kind);
        let input = StageInput {
            kind,
            auth: &auth.fields,
            session: &session.id,
            requesting_user: request.user,
            server_name: &self.config.server_name,
            session_user: session.user(),
            tls: &tls,
        };
        let limit_keys = self.limit_keys(&session, request, stage.subject(&input), kind);
        // The attempt holds its place from before the check, so concurrent
        // guesses cannot all reach a slow checker (it is a failure until it
        // is known to have passed).
        let attempt = match self.take_place(Limit::Failures, &limit_keys, now)? {
            Ok(place) => place,
            Err(wait) => {
                return Ok(Step::Decided(Outcome::Respond(too_many(
                    wait,
                    "failed attempts",
                ))));
            }
        };
        match stage.check(&input, hooks)? {
            Verdict::Fail(failure) => {
                attempt.keep();
                Ok(Step::Decided(failed(flows, &session, failure)))
            }
            Verdict::Pass { user, token } => {
                // A stage may only prove the user the session is for.
                if let Some(user) = user.as_deref() {
                    if session.user().is_some_and(|b| b != user) {
                        return Ok(respond(Failure::new(
                            403,
                            "M_FORBIDDEN",
                            "Authenticated as a different user",
                        )));
                    }
                }
                let passed = Passed {
                    kind: Some(kind.clone()),
                    user,
                    token,
                };
                let step = self.store_step(flows, call, session, passed, now)?;
                if let Step::Decided(Outcome::Respond(response)) = &step {
                    if response.body.get("errcode").is_some() {
                        attempt.keep();
                    }
                }
                Ok(step)
            }
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
        match self
            .store
            .transaction(&mut |tx| tx.update_session(&touched).map(|_| ()))
        {
            Ok(()) | Err(StoreError::Aborted) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Stores a passed stage (or, with no stage, the finishing of a flow the
    /// fallback page completed) in one transaction, with the registration
    /// token's use reserved or consumed as needed.
    fn store_step(
        &self,
        flows: &FlowSet,
        call: &Call<'_>,
        session: Session,
        passed: Passed,
        now: u64,
    ) -> Result<Step, UiaError> {
        let mut next = session.clone();
        next.last_access_ms = now;
        let reserving = passed
            .token
            .as_deref()
            .filter(|_| passed.kind.as_ref() == Some(&StageKind::RegistrationToken));
        if let Some(kind) = passed.kind.clone() {
            next.completed.push(kind);
        }
        if passed.user.is_some() {
            next.auth_user.clone_from(&passed.user);
        }
        if let Some(token) = passed.token.as_deref() {
            next.token_key = Some(token::key_of(token));
        }
        // The first body sent on a session fixes its operation.
        if call.mode == Mode::Endpoint && next.operation.is_none() {
            next.operation = call.asked.operation;
        }
        // The host performs the operation on the completing request's body,
        // so a request without one (when the operation has one) cannot complete.
        let carries_operation = next.operation.is_none() || call.asked.operation.is_some();
        let finished = match call.mode {
            Mode::Endpoint if carries_operation => flows
                .finished_flow(&next.completed)
                .map(|f| f.stages().to_vec()),
            Mode::Endpoint | Mode::Fallback => None,
        };
        if finished.is_some() {
            next.state = SessionState::Completed {
                fingerprint: self.request_fingerprint(call.request),
            };
        }
        let mut stored = Stored::Raced;
        match self.store.transaction(&mut |tx| {
            store_in_tx(tx, &next, reserving, finished.is_some(), now, &mut stored)
        }) {
            Ok(()) | Err(StoreError::Aborted) => {}
            Err(e) => return Err(e.into()),
        }
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
                Some(flow) => Step::Decided(Outcome::Done(completion(
                    &next,
                    &flow,
                    false,
                    call.asked.body,
                    passed.token.as_deref().or(carried_token(call.auth)),
                ))),
                None => Step::Decided(Outcome::Respond(outcome::state(
                    flows,
                    &next.id,
                    &next.completed,
                    None,
                ))),
            },
        })
    }
}

/// One request as `settle` and `attempt` see it.
#[derive(Clone, Copy)]
struct Call<'a> {
    request: &'a Request<'a>,
    asked: &'a Asked<'a>,
    auth: &'a Auth,
    mode: Mode,
    cert: &'a ClientCert,
}

/// The registration token the request's `auth` carries, if it attempts
/// that stage.
fn carried_token(auth: &Auth) -> Option<&str> {
    if auth.kind.as_ref() != Some(&StageKind::RegistrationToken) {
        return None;
    }
    auth.fields.get("token").and_then(serde_json::Value::as_str)
}

/// 429 with the time until the client may try again.
fn too_many(wait_ms: u64, what: &str) -> Response {
    Response {
        status: 429,
        body: json!({
            "errcode": "M_LIMIT_EXCEEDED",
            "error": format!("Too many {what}"),
            "retry_after_ms": wait_ms,
        }),
    }
}

/// A failed stage: 401 with the state for stage failures, the bare failure
/// for malformed input (400).
fn failed(flows: &FlowSet, session: &Session, failure: Failure) -> Outcome {
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
