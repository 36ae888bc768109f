//! What a session record holds and how many there may be: no secret (a
//! digest of the registration token, a digest of the operation), a body
//! bound to the session, and bounds on new sessions per user, per client
//! address and in total (holes 5 and 7 of the UIA holes issue).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Value, json};

use super::clock::ManualClock;
use super::engine_tests::{
    DELETE, Harness, REGISTER, call, done, harness, harness_with, password_flows,
    registration_flows, respond, start,
};
use super::*;

/// A fresh directory for one test's database.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stepup-records-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An engine on a SQLite file in `dir`.
fn on_sqlite(dir: &Path, config: Config) -> Harness {
    let path = dir.join("uia.db");
    let store = store::SqliteStore::open(path.to_str().unwrap()).unwrap();
    let clock = Arc::new(ManualClock::at(1_000_000));
    let config = Config {
        store: format!("sqlite:{}", path.display()),
        server_name: "example.org".into(),
        ..config
    };
    let h = Harness {
        engine: Engine::with_store(config, Box::new(store), clock.clone()),
        clock,
    };
    h.engine
        .set_password_checker(Arc::new(|user: &str, password: &str| {
            Ok(
                if (user, password) == ("@alice:example.org", "correct horse") {
                    hooks::PasswordVerdict::Correct
                } else {
                    hooks::PasswordVerdict::Wrong
                },
            )
        }));
    h
}

/// Every byte the database holds on disk: the file and its WAL.
fn disk_bytes(dir: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    for name in ["uia.db", "uia.db-wal"] {
        if let Ok(mut b) = std::fs::read(dir.join(name)) {
            bytes.append(&mut b);
        }
    }
    bytes
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn disk_size(dir: &Path) -> u64 {
    ["uia.db", "uia.db-wal"]
        .iter()
        .filter_map(|n| std::fs::metadata(dir.join(n)).ok())
        .map(|m| m.len())
        .sum()
}

// Hole 5: neither the registration token nor a password from the body is
// stored, in progress or completed; the token's use is still counted.
#[test]
fn session_records_hold_no_secret_in_progress_or_completed() {
    let dir = scratch("secrets");
    let h = on_sqlite(&dir, Config::default());
    let token = "tok-Xq7-unique-secret";
    let password = "pw-Zr9-unique-secret";
    h.engine.put_token(token, Some(1), None).unwrap();
    let flows = registration_flows();
    let body = |auth: Value| json!({"username": "carol", "password": password, "auth": auth});
    let (status, state) = respond(call(&h, &flows, "POST", REGISTER, &body(json!({})), None));
    assert_eq!(status, 401);
    let session = state["session"].as_str().unwrap().to_owned();
    let (status, _) = respond(call(
        &h,
        &flows,
        "POST",
        REGISTER,
        &body(json!({"type": "m.login.registration_token", "token": token, "session": session})),
        None,
    ));
    assert_eq!(status, 401);
    let bytes = disk_bytes(&dir);
    assert!(!holds(&bytes, token), "the token is on disk in progress");
    assert!(
        !holds(&bytes, password),
        "the password is on disk in progress"
    );
    let dummy = body(json!({"type": "m.login.dummy", "session": session}));
    let result = done(call(&h, &flows, "POST", REGISTER, &dummy, None));
    assert_eq!(result.flow, ["m.login.registration_token", "m.login.dummy"]);
    let bytes = disk_bytes(&dir);
    assert!(!holds(&bytes, token), "the token is on disk once completed");
    assert!(
        !holds(&bytes, password),
        "the password is on disk once completed"
    );
    let record = h.engine.token(token).unwrap().unwrap();
    assert_eq!((record.pending, record.completed), (0, 1));
    // A replay is still recognised, from the keyed fingerprint alone.
    assert!(done(call(&h, &flows, "POST", REGISTER, &dummy, None)).replayed);
    let _ = std::fs::remove_dir_all(&dir);
}

// Hole 5: the host gets the token back when the completing request carried
// it, and not otherwise (the store has only its digest).
#[test]
fn the_result_names_the_token_only_when_the_completing_request_carried_it() {
    let h = harness();
    h.engine.put_token("last-stage", Some(1), None).unwrap();
    let flows =
        FlowSet::from_json(r#"{"flows":[{"stages":["m.login.registration_token"]}]}"#).unwrap();
    let session = start(&h, &flows, REGISTER, None);
    let request = json!({"username": "erin", "auth": {"type": "m.login.registration_token", "token": "last-stage", "session": session}});
    let result = done(call(&h, &flows, "POST", REGISTER, &request, None));
    assert_eq!(result.token.as_deref(), Some("last-stage"));
    assert_eq!(result.body, r#"{"username":"erin"}"#);
    let replay = done(call(&h, &flows, "POST", REGISTER, &request, None));
    assert!(replay.replayed);
    assert_eq!(replay.token.as_deref(), Some("last-stage"));
}

// Hole 7: a session keeps a fixed-size digest of its operation, not the
// body: two hundred sessions started with 60 KB bodies stay small on disk.
#[test]
fn session_records_keep_a_digest_of_the_operation_not_the_body() {
    let dir = scratch("flood");
    let config = Config {
        max_new_sessions_per_client: 0,
        ..Config::default()
    };
    let h = on_sqlite(&dir, config);
    let flows = registration_flows();
    let filler = "F".repeat(60 * 1000);
    for i in 0..200 {
        let body = json!({"username": format!("u{i}"), "filler": filler});
        let (status, _) = respond(call(&h, &flows, "POST", REGISTER, &body, None));
        assert_eq!(status, 401);
    }
    assert!(!holds(&disk_bytes(&dir), &filler[..64]));
    // Closing the store folds its WAL into the file.
    drop(h);
    let size = disk_size(&dir);
    // 12 MB of bodies went in; a record is a few hundred bytes.
    eprintln!("200 sessions with 60 KB bodies: {size} bytes on disk");
    assert!(size < 400_000, "200 sessions take {size} bytes on disk");
    let _ = std::fs::remove_dir_all(&dir);
}

// Hole 7: the session authorises the operation its first body asked for;
// another body is refused, an auth-only request passes stages but does not
// complete, and the repeated request with the body does.
#[test]
fn a_session_is_bound_to_the_operation_of_its_first_body() {
    let h = harness();
    let flows = password_flows();
    let alice = Some("@alice:example.org");
    let devices = |list: &[&str], auth: Value| json!({"devices": list, "auth": auth});
    let (status, state) = respond(call(
        &h,
        &flows,
        "POST",
        DELETE,
        &devices(&["A"], Value::Null),
        alice,
    ));
    assert_eq!(status, 401);
    let session = state["session"].as_str().unwrap().to_owned();
    let password = json!({"type": "m.login.password", "session": session, "user": "alice", "password": "correct horse"});
    let (status, body) = respond(call(
        &h,
        &flows,
        "POST",
        DELETE,
        &devices(&["B"], password.clone()),
        alice,
    ));
    assert_eq!(
        (status, body["errcode"].as_str()),
        (403, Some("M_FORBIDDEN")),
        "{body}"
    );
    // Only `auth`: the stage passes, the operation waits for its body.
    let (status, state) = respond(call(
        &h,
        &flows,
        "POST",
        DELETE,
        &json!({"auth": password}),
        alice,
    ));
    assert_eq!(status, 401);
    assert_eq!(state["completed"], json!(["m.login.password"]));
    let finish = devices(&["A"], json!({"session": session}));
    let result = done(call(&h, &flows, "POST", DELETE, &finish, alice));
    assert_eq!(result.body, r#"{"devices":["A"]}"#);
    assert_eq!(result.user.as_deref(), Some("@alice:example.org"));
}

/// Starts a session as `user` or from `client`; the status (401: started).
fn begin(h: &Harness, user: Option<&str>, client: Option<&str>) -> (u16, Value) {
    let flows = registration_flows();
    let text = json!({"username": "x"}).to_string();
    let request = Request {
        method: "POST",
        path: REGISTER,
        body: text.as_bytes(),
        user,
        client,
    };
    match h.engine.complete(&flows, &request).unwrap() {
        Outcome::Respond(r) => (r.status, r.body),
        other => panic!("expected a response, got {other:?}"),
    }
}

fn bounded_config() -> Config {
    Config {
        store: "memory".into(),
        server_name: "example.org".into(),
        max_new_sessions_per_client: 3,
        max_new_sessions: 5,
        ..Config::default()
    }
}

/// Checks the bounds of `bounded_config` on `h`.
fn check_bounds(h: &Harness) {
    let lifetime = h.engine.config().session_lifetime_ms;
    for _ in 0..3 {
        assert_eq!(begin(h, None, Some("192.0.2.1")).0, 401);
    }
    let (status, body) = begin(h, None, Some("192.0.2.1"));
    assert_eq!(
        (status, body["errcode"].as_str()),
        (429, Some("M_LIMIT_EXCEEDED"))
    );
    assert_eq!(body["retry_after_ms"], json!(lifetime));
    // Another address and a user each have their own bound...
    assert_eq!(begin(h, None, Some("192.0.2.2")).0, 401);
    assert_eq!(begin(h, Some("@alice:example.org"), None).0, 401);
    // ...under the total: five sessions started, the sixth waits.
    let (status, body) = begin(h, None, Some("192.0.2.3"));
    assert_eq!(
        (status, body["errcode"].as_str()),
        (429, Some("M_LIMIT_EXCEEDED"))
    );
    assert_eq!(begin(h, None, None).0, 429);
    // A session lifetime later, sessions may start again.
    h.clock.advance(lifetime);
    assert_eq!(begin(h, None, Some("192.0.2.1")).0, 401);
}

// Hole 7: new sessions are bounded per client address, per user and in
// total, with 429 and the time to wait; the bounds pass with the lifetime.
#[test]
fn new_sessions_are_bounded_per_client_and_in_total() {
    check_bounds(&harness_with(bounded_config()));
}

// Hole 7: with SQLite the bounds are kept in the store, so they hold
// across engines (processes) sharing the file.
#[test]
fn new_session_bounds_hold_across_engines_sharing_a_store() {
    let dir = scratch("bounds");
    check_bounds(&on_sqlite(&dir, bounded_config()));
    let second = on_sqlite(&dir, bounded_config());
    assert_eq!(begin(&second, None, Some("192.0.2.1")).0, 401);
    assert_eq!(begin(&second, None, Some("192.0.2.1")).0, 401);
    assert_eq!(
        begin(&second, None, Some("192.0.2.1")).0,
        429,
        "the first engine's session counts for the second"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// Hole 7: a bound of 0 is no bound.
#[test]
fn a_zero_bound_is_no_bound() {
    let h = harness_with(Config {
        max_new_sessions_per_client: 0,
        max_new_sessions: 0,
        ..bounded_config()
    });
    for _ in 0..20 {
        assert_eq!(begin(&h, None, Some("192.0.2.1")).0, 401);
    }
}
