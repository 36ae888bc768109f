//! The engine's behaviour, one test per promise (numbers refer to the UIA
//! engine issue's list).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use super::clock::ManualClock;
use super::hooks::{HookFailed, PasswordVerdict, ValidatorVerdict};
use super::store::MemoryStore;
use super::*;

pub(super) const REGISTER: &str = "/_matrix/client/v3/register";
pub(super) const DELETE: &str = "/_matrix/client/v3/delete_devices";

pub(super) struct Harness {
    pub(super) engine: Engine,
    pub(super) clock: Arc<ManualClock>,
}

pub(super) fn harness() -> Harness {
    harness_with(Config {
        store: "memory".into(),
        server_name: "example.org".into(),
        ..Config::default()
    })
}

pub(super) fn harness_with(config: Config) -> Harness {
    let clock = Arc::new(ManualClock::at(1_000_000));
    let engine = Engine::with_store(config, Box::new(MemoryStore::new()), clock.clone());
    engine.set_password_checker(Arc::new(|user: &str, password: &str| {
        let known = [
            ("@alice:example.org", "correct horse"),
            ("@bob:example.org", "bob's password"),
        ];
        Ok(if known.contains(&(user, password)) {
            PasswordVerdict::Correct
        } else {
            PasswordVerdict::Wrong
        })
    }));
    Harness { engine, clock }
}

pub(super) fn registration_flows() -> FlowSet {
    FlowSet::from_json(r#"{"flows":[{"stages":["m.login.registration_token","m.login.dummy"]}]}"#)
        .unwrap()
}

pub(super) fn password_flows() -> FlowSet {
    FlowSet::from_json(r#"{"flows":[{"stages":["m.login.password"]}]}"#).unwrap()
}

pub(super) fn call(
    h: &Harness,
    flows: &FlowSet,
    method: &str,
    path: &str,
    body: &Value,
    user: Option<&str>,
) -> Outcome {
    let text = body.to_string();
    h.engine
        .complete(
            flows,
            &Request {
                method,
                path,
                body: text.as_bytes(),
                user,
                client: None,
            },
        )
        .unwrap()
}

pub(super) fn respond(outcome: Outcome) -> (u16, Value) {
    match outcome {
        Outcome::Respond(r) => (r.status, r.body),
        other => panic!("expected a response, got {other:?}"),
    }
}

pub(super) fn done(outcome: Outcome) -> Completion {
    match outcome {
        Outcome::Done(c) => c,
        Outcome::Respond(r) => panic!("expected done, got {}: {}", r.status, r.body),
        Outcome::Reauthenticate => panic!("expected done, got Reauthenticate"),
    }
}

/// Starts a session with an empty body (it fixes no operation: the first
/// request with a body does).
pub(super) fn start(h: &Harness, flows: &FlowSet, path: &str, user: Option<&str>) -> String {
    let (status, body) = respond(call(h, flows, "POST", path, &json!({}), user));
    assert_eq!(status, 401);
    body["session"].as_str().unwrap().to_owned()
}

// 1. A request without auth gets the full state.
#[test]
fn first_request_gets_flows_params_and_session() {
    let h = harness();
    let (status, body) = respond(call(
        &h,
        &registration_flows(),
        "POST",
        REGISTER,
        &json!({}),
        None,
    ));
    assert_eq!(status, 401);
    assert_eq!(
        body["flows"],
        json!([{"stages": ["m.login.registration_token", "m.login.dummy"]}])
    );
    assert!(body["params"]["m.login.registration_token"].is_object());
    assert!(body["params"]["m.login.dummy"].is_object());
    assert!(body["session"].is_string());
    assert_eq!(body["completed"], json!([]));
}

// 2. auth without session on the first request is accepted.
#[test]
fn stage_without_session_on_first_request_starts_and_advances_a_session() {
    let h = harness();
    h.engine.put_token("tok-1", Some(1), None).unwrap();
    let body = json!({"auth": {"type": "m.login.registration_token", "token": "tok-1"}});
    let (status, state) = respond(call(
        &h,
        &registration_flows(),
        "POST",
        REGISTER,
        &body,
        None,
    ));
    assert_eq!(status, 401);
    assert_eq!(state["completed"], json!(["m.login.registration_token"]));
    assert!(state["session"].is_string());
}

// 2. auth with only the session reports the state, and 1 once complete.
#[test]
fn session_only_auth_polls_the_state() {
    let h = harness();
    let flows = FlowSet::dummy();
    let session = start(&h, &flows, REGISTER, None);
    let poll = json!({"auth": {"session": session}});
    let (status, state) = respond(call(&h, &flows, "POST", REGISTER, &poll, None));
    assert_eq!(status, 401);
    assert_eq!(state["session"], json!(session));
    let finish = json!({"auth": {"type": "m.login.dummy", "session": session}});
    done(call(&h, &flows, "POST", REGISTER, &finish, None));
}

// 3. Stages follow a flow in order; type matters, not count.
#[test]
fn out_of_order_stage_gets_the_state_and_does_not_advance() {
    let h = harness();
    let flows = registration_flows();
    let session = start(&h, &flows, REGISTER, None);
    let dummy_first = json!({"auth": {"type": "m.login.dummy", "session": session}});
    let (status, state) = respond(call(&h, &flows, "POST", REGISTER, &dummy_first, None));
    assert_eq!(status, 401);
    assert!(
        state["completed"] == json!([]),
        "nothing completed: {state}"
    );
    // A two-stage flow is not finished by two dummy submissions either.
    let (status, _) = respond(call(&h, &flows, "POST", REGISTER, &dummy_first, None));
    assert_eq!(status, 401);
}

// 4. Registration with [token, dummy]: the token's use is consumed; the
// result carries the completing request's body, and no token (the request
// did not carry it; the store kept only its digest).
#[test]
fn registration_with_token_then_dummy_consumes_the_token() {
    let h = harness();
    h.engine.put_token("tok-reg", Some(1), None).unwrap();
    let flows = registration_flows();
    let session = start(&h, &flows, REGISTER, None);
    let token = json!({"username": "carol", "auth": {"type": "m.login.registration_token", "token": "tok-reg", "session": session}});
    let (_, state) = respond(call(&h, &flows, "POST", REGISTER, &token, None));
    assert_eq!(state["completed"], json!(["m.login.registration_token"]));
    let record = h.engine.token("tok-reg").unwrap().unwrap();
    assert_eq!((record.pending, record.completed), (1, 0));
    let dummy = json!({"username": "carol", "auth": {"type": "m.login.dummy", "session": session}});
    let result = done(call(&h, &flows, "POST", REGISTER, &dummy, None));
    assert_eq!(result.flow, ["m.login.registration_token", "m.login.dummy"]);
    assert_eq!(result.token, None);
    assert_eq!(result.body, r#"{"username":"carol"}"#);
    assert!(!result.replayed);
    let record = h.engine.token("tok-reg").unwrap().unwrap();
    assert_eq!((record.pending, record.completed), (0, 1));
}

// 4. Wrong password: 401 with state and M_FORBIDDEN; right password: done.
#[test]
fn password_stage_checks_through_the_host() {
    let h = harness();
    let flows = password_flows();
    let alice = Some("@alice:example.org");
    let session = start(&h, &flows, DELETE, alice);
    let wrong = json!({"auth": {"type": "m.login.password", "session": session,
        "identifier": {"type": "m.id.user", "user": "alice"}, "password": "nope"}});
    let (status, state) = respond(call(&h, &flows, "POST", DELETE, &wrong, alice));
    assert_eq!(
        (status, state["errcode"].as_str()),
        (401, Some("M_FORBIDDEN"))
    );
    assert_eq!(state["session"], json!(session));
    assert!(state["flows"].is_array());
    let right = json!({"auth": {"type": "m.login.password", "session": session,
        "user": "@alice:example.org", "password": "correct horse"}});
    let result = done(call(&h, &flows, "POST", DELETE, &right, alice));
    assert_eq!(result.user.as_deref(), Some("@alice:example.org"));
}

// 4. Custom stages go through registered validators; none registered fails closed.
#[test]
fn custom_stage_uses_its_validator_and_fails_closed_without_one() {
    let h = harness();
    let flows = FlowSet::from_json(r#"{"flows":[{"stages":["org.example.otp"]}]}"#).unwrap();
    let session = start(&h, &flows, DELETE, None);
    let attempt =
        |code: &str| json!({"auth": {"type": "org.example.otp", "session": session, "code": code}});
    let err = h.engine.complete(
        &flows,
        &Request {
            method: "POST",
            path: DELETE,
            body: attempt("1").to_string().as_bytes(),
            user: None,
            client: None,
        },
    );
    assert!(matches!(err, Err(UiaError::MissingHook(_))));
    h.engine
        .register_validator(
            &StageKind::Custom("org.example.otp".into()),
            Arc::new(|input: &hooks::ValidatorInput<'_>| {
                let auth: Value = serde_json::from_str(input.auth_json).map_err(|_| HookFailed)?;
                Ok(if auth["code"] == "123456" {
                    ValidatorVerdict::Pass { user: None }
                } else {
                    ValidatorVerdict::Fail {
                        errcode: "M_FORBIDDEN".into(),
                        error: "bad code".into(),
                    }
                })
            }),
        )
        .unwrap();
    let (status, state) = respond(call(&h, &flows, "POST", DELETE, &attempt("000000"), None));
    assert_eq!((status, state["error"].as_str()), (401, Some("bad code")));
    done(call(&h, &flows, "POST", DELETE, &attempt("123456"), None));
}

#[test]
fn password_stage_without_checker_is_an_internal_error_not_a_pass() {
    let clock = Arc::new(ManualClock::at(0));
    let engine = Engine::with_store(
        Config {
            store: "memory".into(),
            ..Config::default()
        },
        Box::new(MemoryStore::new()),
        clock,
    );
    let body =
        json!({"auth": {"type": "m.login.password", "user": "a", "password": "p"}}).to_string();
    let result = engine.complete(
        &password_flows(),
        &Request {
            method: "POST",
            path: DELETE,
            body: body.as_bytes(),
            user: None,
            client: None,
        },
    );
    assert!(matches!(result, Err(UiaError::MissingHook(_))));
}

// 5. A session is bound to method, path and requesting user.
#[test]
fn session_is_refused_for_another_method_path_or_user() {
    let h = harness();
    let flows = FlowSet::dummy();
    let alice = Some("@alice:example.org");
    let session = start(&h, &flows, DELETE, alice);
    let attempt = json!({"auth": {"type": "m.login.dummy", "session": session}});
    for (method, path, user) in [
        ("PUT", DELETE, alice),
        ("POST", "/_matrix/client/v3/account/deactivate", alice),
        ("POST", DELETE, Some("@bob:example.org")),
        ("POST", DELETE, None),
    ] {
        let (status, body) = respond(call(&h, &flows, method, path, &attempt, user));
        assert_eq!(
            (status, body["errcode"].as_str()),
            (403, Some("M_FORBIDDEN")),
            "{method} {path} {user:?}"
        );
    }
    // None of that advanced it: the right request still completes.
    done(call(&h, &flows, "POST", DELETE, &attempt, alice));
}

// 5. The password stage may only authenticate the requesting user.
#[test]
fn password_for_another_user_is_refused() {
    let h = harness();
    let flows = password_flows();
    let alice = Some("@alice:example.org");
    let session = start(&h, &flows, DELETE, alice);
    let as_bob = json!({"auth": {"type": "m.login.password", "session": session,
        "user": "bob", "password": "bob's password"}});
    let (status, body) = respond(call(&h, &flows, "POST", DELETE, &as_bob, alice));
    assert_eq!(
        (status, body["errcode"].as_str()),
        (403, Some("M_FORBIDDEN"))
    );
}

// 6. One operation per completed session; an identical repeat replays.
#[test]
fn completed_session_replays_identical_request_and_refuses_others() {
    let h = harness();
    let flows = FlowSet::dummy();
    let session = start(&h, &flows, REGISTER, None);
    let finish =
        json!({"username": "carol", "auth": {"type": "m.login.dummy", "session": session}});
    let first = done(call(&h, &flows, "POST", REGISTER, &finish, None));
    let again = done(call(&h, &flows, "POST", REGISTER, &finish, None));
    assert!(again.replayed);
    assert_eq!(again.session, first.session);
    let other =
        json!({"username": "mallory", "auth": {"type": "m.login.dummy", "session": session}});
    let (status, body) = respond(call(&h, &flows, "POST", REGISTER, &other, None));
    assert_eq!(
        (status, body["errcode"].as_str()),
        (403, Some("M_FORBIDDEN"))
    );
}

// 6. A single-use token registers one account, however sessions interleave.
#[test]
fn single_use_token_cannot_serve_two_sessions() {
    let h = harness();
    h.engine.put_token("once", Some(1), None).unwrap();
    let flows = registration_flows();
    let (a, b) = (
        start(&h, &flows, REGISTER, None),
        start(&h, &flows, REGISTER, None),
    );
    let token = |s: &str| json!({"auth": {"type": "m.login.registration_token", "token": "once", "session": s}});
    let (_, state_a) = respond(call(&h, &flows, "POST", REGISTER, &token(&a), None));
    assert_eq!(state_a["completed"], json!(["m.login.registration_token"]));
    let (status, state_b) = respond(call(&h, &flows, "POST", REGISTER, &token(&b), None));
    assert_eq!(
        (status, state_b["errcode"].as_str()),
        (401, Some("M_UNAUTHORIZED"))
    );
    assert_eq!(state_b["completed"], json!([]));
}

// 7. Unknown or expired session: 400, never a fresh session.
#[test]
fn unknown_and_expired_sessions_get_400() {
    let h = harness();
    let flows = FlowSet::dummy();
    let unknown = json!({"auth": {"type": "m.login.dummy", "session": "nonexistent"}});
    let (status, body) = respond(call(&h, &flows, "POST", REGISTER, &unknown, None));
    assert_eq!((status, body["errcode"].as_str()), (400, Some("M_UNKNOWN")));
    assert!(body.get("session").is_none());
    let session = start(&h, &flows, REGISTER, None);
    h.clock.advance(15 * 60 * 1000 + 1);
    let late = json!({"auth": {"type": "m.login.dummy", "session": session}});
    let (status, _) = respond(call(&h, &flows, "POST", REGISTER, &late, None));
    assert_eq!(status, 400);
}

// 8. Malformed input: 4xx with an errcode, nothing stored.
#[test]
fn malformed_input_gets_4xx_and_changes_nothing() {
    let h = harness();
    let flows = password_flows();
    let session = start(&h, &flows, DELETE, None);
    let bodies: Vec<Vec<u8>> = vec![
        b"{not json".to_vec(),
        b"\xff\xff".to_vec(),
        b"[]".to_vec(),
        json!({"auth": "x"}).to_string().into_bytes(),
        json!({"auth": {"type": 1, "session": session}}).to_string().into_bytes(),
        json!({"auth": {"type": "m.login.password", "session": session}}).to_string().into_bytes(),
        json!({"auth": {"type": "m.login.password", "session": session, "user": "alice", "password": 5}}).to_string().into_bytes(),
        vec![b' '; 64 * 1024 + 1],
    ];
    for body in &bodies {
        let outcome = h
            .engine
            .complete(
                &flows,
                &Request {
                    method: "POST",
                    path: DELETE,
                    body,
                    user: None,
                    client: None,
                },
            )
            .unwrap();
        let (status, json) = respond(outcome);
        assert!(
            (400..500).contains(&status) && status != 401,
            "{status} for {:?}",
            String::from_utf8_lossy(&body[..body.len().min(60)])
        );
        assert!(
            json["errcode"]
                .as_str()
                .is_some_and(|e| e.starts_with("M_"))
        );
    }
    let poll = json!({"auth": {"session": session}});
    let (_, state) = respond(call(&h, &flows, "POST", DELETE, &poll, None));
    assert_eq!(state["completed"], json!([]));
}

// 9. Failed attempts are rate-limited per user and per session.
#[test]
fn repeated_wrong_passwords_hit_the_rate_limit() {
    let h = harness();
    let flows = password_flows();
    let session = start(&h, &flows, DELETE, None);
    let wrong = json!({"auth": {"type": "m.login.password", "session": session, "user": "alice", "password": "x"}});
    for _ in 0..5 {
        let (status, _) = respond(call(&h, &flows, "POST", DELETE, &wrong, None));
        assert_eq!(status, 401);
    }
    let (status, body) = respond(call(&h, &flows, "POST", DELETE, &wrong, None));
    assert_eq!(
        (status, body["errcode"].as_str()),
        (429, Some("M_LIMIT_EXCEEDED"))
    );
    assert!(body["retry_after_ms"].as_u64().is_some_and(|ms| ms > 0));
    // The limit is per user too: a fresh session for alice is limited as well.
    let other = start(&h, &flows, DELETE, None);
    let right = json!({"auth": {"type": "m.login.password", "session": other, "user": "alice", "password": "correct horse"}});
    let (status, _) = respond(call(&h, &flows, "POST", DELETE, &right, None));
    assert_eq!(status, 429);
    h.clock.advance(5 * 60 * 1000);
    done(call(&h, &flows, "POST", DELETE, &right, None));
}

// 10. Session ids: 160 bits from the CSPRNG, URL-safe, distinct.
#[test]
fn session_ids_are_long_random_and_url_safe() {
    let h = harness();
    let flows = FlowSet::dummy();
    let ids: Vec<String> = (0..50).map(|_| start(&h, &flows, REGISTER, None)).collect();
    for id in &ids {
        assert_eq!(id.len(), 40);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
}

// 11. Cleanup purges idle sessions and releases their token reservations.
#[test]
fn cleanup_purges_idle_sessions_and_releases_reserved_uses() {
    let h = harness();
    h.engine.put_token("held", Some(1), None).unwrap();
    let flows = registration_flows();
    let session = start(&h, &flows, REGISTER, None);
    let token = json!({"auth": {"type": "m.login.registration_token", "token": "held", "session": session}});
    respond(call(&h, &flows, "POST", REGISTER, &token, None));
    assert_eq!(h.engine.token("held").unwrap().unwrap().pending, 1);
    assert_eq!(h.engine.cleanup().unwrap(), 0, "nothing idle yet");
    h.clock.advance(15 * 60 * 1000 + 1);
    assert_eq!(h.engine.cleanup().unwrap(), 1);
    assert_eq!(h.engine.token("held").unwrap().unwrap().pending, 0);
    // The released use is available to a new registration.
    let again = start(&h, &flows, REGISTER, None);
    let token =
        json!({"auth": {"type": "m.login.registration_token", "token": "held", "session": again}});
    let (_, state) = respond(call(&h, &flows, "POST", REGISTER, &token, None));
    assert_eq!(state["completed"], json!(["m.login.registration_token"]));
}

// Concurrency: many threads finishing one session with different requests.
fn race_to_complete(engine: Arc<Engine>) {
    engine.put_token("race", Some(1), None).unwrap();
    let flows = Arc::new(registration_flows());
    let start_body = b"{}";
    let Outcome::Respond(r) = engine
        .complete(
            &flows,
            &Request {
                method: "POST",
                path: REGISTER,
                body: start_body,
                user: None,
                client: None,
            },
        )
        .unwrap()
    else {
        panic!("no session")
    };
    let session = r.body["session"].as_str().unwrap().to_owned();
    let token = json!({"auth": {"type": "m.login.registration_token", "token": "race", "session": session}}).to_string();
    engine
        .complete(
            &flows,
            &Request {
                method: "POST",
                path: REGISTER,
                body: token.as_bytes(),
                user: None,
                client: None,
            },
        )
        .unwrap();
    let wins = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..64)
        .map(|i| {
            let (engine, flows, wins, session) = (engine.clone(), flows.clone(), wins.clone(), session.clone());
            std::thread::spawn(move || {
                let body = json!({"username": format!("user{i}"), "auth": {"type": "m.login.dummy", "session": session}}).to_string();
                let outcome = engine.complete(&flows, &Request { method: "POST", path: REGISTER, body: body.as_bytes(), user: None , client: None }).unwrap();
                if let Outcome::Done(c) = outcome {
                    assert!(!c.replayed);
                    wins.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(
        wins.load(Ordering::SeqCst),
        1,
        "exactly one thread completes the session"
    );
    let record = engine.token("race").unwrap().unwrap();
    assert_eq!((record.pending, record.completed), (0, 1));
}

#[test]
fn sixty_four_threads_complete_one_session_once_in_memory() {
    let h = harness();
    race_to_complete(Arc::new(h.engine));
}

#[cfg(feature = "sqlite")]
#[test]
fn sixty_four_threads_complete_one_session_once_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("stepup-race-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("race.db");
    let config = Config {
        store: format!("sqlite:{}", path.display()),
        ..Config::default()
    };
    race_to_complete(Arc::new(Engine::new(config).unwrap()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "postgres")]
#[test]
fn sixty_four_threads_complete_one_session_once_on_postgres() {
    let Some(server) = super::store::postgres::tests::server_url() else {
        return;
    };
    let url = super::store::postgres::tests::fresh_database(&server);
    race_to_complete(Arc::new(
        Engine::new(Config {
            store: url,
            ..Config::default()
        })
        .unwrap(),
    ));
}

fn fallback(h: &Harness, stage: StageKind, body: &Value) -> Outcome {
    let path = format!("/_matrix/client/v3/auth/{stage}/fallback/web");
    let text = body.to_string();
    h.engine
        .complete_fallback(
            &stage,
            &Request {
                method: "POST",
                path: &path,
                body: text.as_bytes(),
                user: None,
                client: None,
            },
        )
        .unwrap()
}

// Fallback: the stage is checked against the session's own flows; the
// endpoint then finishes the session, with the next stage or a bare poll.
#[test]
fn fallback_advances_a_stage_and_the_endpoint_finishes_the_session() {
    let h = harness();
    h.engine.put_token("fb", Some(1), None).unwrap();
    let flows = registration_flows();
    let session = start(&h, &flows, REGISTER, None);
    let token =
        json!({"auth": {"type": "m.login.registration_token", "token": "fb", "session": session}});
    let (status, state) = respond(fallback(&h, StageKind::RegistrationToken, &token));
    assert_eq!(status, 401);
    assert_eq!(state["completed"], json!(["m.login.registration_token"]));
    let dummy = json!({"username": "carol", "auth": {"type": "m.login.dummy", "session": session}});
    let result = done(call(&h, &flows, "POST", REGISTER, &dummy, None));
    // The token came in an earlier request: the use is counted, the token
    // itself was not kept to hand back.
    assert_eq!(result.token, None);
    assert_eq!(result.body, r#"{"username":"carol"}"#);
    assert_eq!(h.engine.token("fb").unwrap().unwrap().completed, 1);
}

#[test]
fn a_flow_finished_through_the_fallback_completes_on_the_next_endpoint_request() {
    let h = harness();
    let flows = FlowSet::from_json(r#"{"flows":[{"stages":["m.login.terms"]}]}"#).unwrap();
    let session = start(&h, &flows, REGISTER, None);
    let (_, state) = respond(fallback(
        &h,
        StageKind::Terms,
        &json!({"auth": {"session": session}}),
    ));
    assert_eq!(state["completed"], json!(["m.login.terms"]));
    // The fallback itself never completes the session.
    let (status, _) = respond(fallback(
        &h,
        StageKind::Terms,
        &json!({"auth": {"session": session}}),
    ));
    assert_eq!(status, 401, "the stage is no longer next");
    let poll = json!({"username": "carol", "auth": {"session": session}});
    let result = done(call(&h, &flows, "POST", REGISTER, &poll, None));
    assert_eq!(result.flow, ["m.login.terms"]);
    assert!(!result.replayed);
    let (status, _) = respond(fallback(
        &h,
        StageKind::Terms,
        &json!({"auth": {"session": session}}),
    ));
    assert_eq!(
        status, 403,
        "a completed session takes no more fallback steps"
    );
}

#[test]
fn fallback_answers_always_carry_completed() {
    let h = harness();
    let unknown = json!({"auth": {"session": "no-such-session"}});
    let (status, body) = respond(fallback(&h, StageKind::Terms, &unknown));
    assert_eq!((status, body["completed"].clone()), (400, json!([])));
}

// Issue 14, hole 1: a completed session replays only an identical repeat,
// secrets included; any other repeat is refused and leaves the record as it was.
#[test]
fn completed_session_replays_only_with_identical_secrets() {
    let h = harness();
    let flows = password_flows();
    let alice = Some("@alice:example.org");
    let session = start(&h, &flows, DELETE, alice);
    let with = |password: Option<&str>, devices: &str| {
        let mut auth = json!({"type": "m.login.password", "session": session, "user": "alice"});
        if let Some(p) = password {
            auth["password"] = json!(p);
        }
        json!({"devices": [devices], "auth": auth})
    };
    let right = with(Some("correct horse"), "A");
    assert!(!done(call(&h, &flows, "POST", DELETE, &right, alice)).replayed);
    for refused in [
        with(Some("guess"), "A"),
        with(None, "A"),
        with(Some("correct horse"), "B"),
    ] {
        let (status, body) = respond(call(&h, &flows, "POST", DELETE, &refused, alice));
        assert_eq!(
            (status, body["errcode"].as_str()),
            (403, Some("M_FORBIDDEN")),
            "{refused}"
        );
    }
    // The refusals changed nothing: the identical repeat still replays.
    assert!(done(call(&h, &flows, "POST", DELETE, &right, alice)).replayed);

    // The same with a registration token as the last stage.
    let flows =
        FlowSet::from_json(r#"{"flows":[{"stages":["m.login.registration_token"]}]}"#).unwrap();
    h.engine.put_token("tok-replay", Some(1), None).unwrap();
    let session = start(&h, &flows, REGISTER, None);
    let token = |t: &str| json!({"username": "dave", "auth": {"type": "m.login.registration_token", "token": t, "session": session}});
    let first = done(call(
        &h,
        &flows,
        "POST",
        REGISTER,
        &token("tok-replay"),
        None,
    ));
    assert!(!first.replayed);
    let (status, _) = respond(call(&h, &flows, "POST", REGISTER, &token("wrong"), None));
    assert_eq!(status, 403);
    assert!(
        done(call(
            &h,
            &flows,
            "POST",
            REGISTER,
            &token("tok-replay"),
            None
        ))
        .replayed
    );
}

#[test]
fn fallback_refuses_stages_outside_the_sessions_flows_and_other_users() {
    let h = harness();
    let alice = Some("@alice:example.org");
    let flows = password_flows();
    let session = start(&h, &flows, DELETE, alice);
    // Dummy is not in the session's flows, whatever the fallback URL says.
    let (status, state) = respond(fallback(
        &h,
        StageKind::Dummy,
        &json!({"auth": {"session": session}}),
    ));
    assert_eq!(
        (status, state["errcode"].as_str()),
        (401, Some("M_FORBIDDEN"))
    );
    assert_eq!(state["completed"], json!([]));
    // Bob's password cannot advance alice's session.
    let bob = json!({"auth": {"session": session, "user": "bob", "password": "bob's password"}});
    let (status, _) = respond(fallback(&h, StageKind::Password, &bob));
    assert_eq!(status, 403);
    // A type that disagrees with the fallback's stage is refused outright.
    let mismatch = json!({"auth": {"session": session, "type": "m.login.dummy"}});
    let (status, body) = respond(fallback(&h, StageKind::Password, &mismatch));
    assert_eq!(
        (status, body["errcode"].as_str()),
        (400, Some("M_INVALID_PARAM"))
    );
    // Alice's password works, and the endpoint (with alice's token) finishes it.
    let right = json!({"auth": {"session": session, "user": "alice", "password": "correct horse"}});
    let (_, state) = respond(fallback(&h, StageKind::Password, &right));
    assert_eq!(state["completed"], json!(["m.login.password"]));
    let result = done(call(
        &h,
        &flows,
        "POST",
        DELETE,
        &json!({"auth": {"session": session}}),
        alice,
    ));
    assert_eq!(result.user.as_deref(), Some("@alice:example.org"));
}

// Issue 14, hole 2: guesses in flight count. 64 threads send a wrong
// password to one session at once, with a checker as slow as bcrypt: no
// more than `max_failures` of them reach it, whether the engine counts in
// memory or in the store (SQLite here; PostgreSQL across processes in
// tests/postgres_limit.rs).
fn parallel_guesses(h: &Harness) -> (usize, usize) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    h.engine
        .set_password_checker(Arc::new(move |_user: &str, _password: &str| {
            counted.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(50));
            Ok(PasswordVerdict::Wrong)
        }));
    let flows = password_flows();
    let alice = Some("@alice:example.org");
    let session = start(h, &flows, DELETE, alice);
    let guess = json!({"devices": ["A"], "auth": {"type": "m.login.password", "session": session, "user": "alice", "password": "guess"}});
    let limited = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..64 {
            scope.spawn(|| {
                let (status, _) = respond(call(h, &flows, "POST", DELETE, &guess, alice));
                if status == 429 {
                    limited.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    (calls.load(Ordering::SeqCst), limited.load(Ordering::SeqCst))
}

fn limited_config(store: String) -> Config {
    Config {
        store,
        server_name: "example.org".into(),
        max_failures: 3,
        ..Config::default()
    }
}

#[test]
fn parallel_guesses_reach_the_checker_at_most_max_failures_times() {
    let h = harness_with(limited_config("memory".into()));
    // The manual clock stands still: exactly the limit's worth ran.
    assert_eq!(parallel_guesses(&h), (3, 61), "(checker calls, 429s)");
}

#[test]
fn parallel_guesses_are_limited_by_a_store_that_keeps_attempts() {
    let dir = std::env::temp_dir().join(format!("stepup-limit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("limit.db");
    let store = super::store::SqliteStore::open(path.to_str().unwrap()).unwrap();
    let clock = Arc::new(ManualClock::at(1_000_000));
    let config = limited_config(format!("sqlite:{}", path.display()));
    let h = Harness {
        engine: Engine::with_store(config, Box::new(store), clock.clone()),
        clock,
    };
    assert_eq!(parallel_guesses(&h), (3, 61), "(checker calls, 429s)");
    // A second engine on the same file (another process, or a restart)
    // finds the limit reached; once the window passes, guesses go through.
    let clock = Arc::new(ManualClock::at(1_000_000));
    let store = super::store::SqliteStore::open(path.to_str().unwrap()).unwrap();
    let config = limited_config(format!("sqlite:{}", path.display()));
    let again = Harness {
        engine: Engine::with_store(config, Box::new(store), clock.clone()),
        clock,
    };
    again
        .engine
        .set_password_checker(Arc::new(|_: &str, _: &str| Ok(PasswordVerdict::Wrong)));
    let flows = password_flows();
    let alice = Some("@alice:example.org");
    let session = start(&again, &flows, DELETE, alice);
    let guess = json!({"devices": ["A"], "auth": {"type": "m.login.password", "session": session, "user": "alice", "password": "guess"}});
    let (status, _) = respond(call(&again, &flows, "POST", DELETE, &guess, alice));
    assert_eq!(status, 429, "the user's limit holds across engines");
    again.clock.advance(5 * 60 * 1000);
    let (status, _) = respond(call(&again, &flows, "POST", DELETE, &guess, alice));
    assert_eq!(
        status, 401,
        "a wrong guess after the window is checked again"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
