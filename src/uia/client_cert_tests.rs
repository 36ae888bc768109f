//! The `io.stepup.tls_client_cert` stage through the engine: re-authentication
//! asked for before anything is decided, each refusal with its errcode, the
//! user proved by an enrolled key or a configured field, and enrolment.

use std::sync::Arc;

use serde_json::{Value, json};

use super::client_cert::{CertFacts, CertMapping, ClientCert};
use super::clock::ManualClock;
use super::hooks::PasswordVerdict;
use super::store::MemoryStore;
use super::*;

const DELETE: &str = "/_matrix/client/v3/delete_devices";
const REGISTER: &str = "/_matrix/client/v3/register";
const ALICE: &str = "@alice:example.org";

fn engine() -> Engine {
    let config = Config {
        store: "memory".into(),
        server_name: "example.org".into(),
        cert_mapping: CertMapping::from_json(&json!({"subject_cn": "{localpart}"})).unwrap(),
        ..Config::default()
    };
    let engine = Engine::with_store(
        config,
        Box::new(MemoryStore::new()),
        Arc::new(ManualClock::at(5_000)),
    );
    engine.set_password_checker(Arc::new(|_: &str, _: &str| Ok(PasswordVerdict::Wrong)));
    engine
}

fn flows() -> FlowSet {
    FlowSet::from_json(
        r#"{"flows":[{"stages":["m.login.password"]},{"stages":["io.stepup.tls_client_cert"]}]}"#,
    )
    .unwrap()
}

fn facts(cn: &str, verified: bool) -> CertFacts {
    CertFacts {
        fingerprint: "0f".repeat(32),
        common_names: vec![cn.to_owned()],
        emails: Vec::new(),
        uris: Vec::new(),
        verified: if verified {
            Ok(())
        } else {
            Err("unknown issuer".into())
        },
    }
}

fn attempt(
    engine: &Engine,
    flows: &FlowSet,
    path: &str,
    user: Option<&str>,
    session: Option<&str>,
    cert: &ClientCert,
) -> Outcome {
    let mut auth = json!({"type": "io.stepup.tls_client_cert"});
    if let Some(session) = session {
        auth["session"] = json!(session);
    }
    let body = json!({"auth": auth}).to_string();
    let request = Request {
        method: "POST",
        path,
        body: body.as_bytes(),
        user,
        client: None,
    };
    engine.complete_with_cert(flows, &request, cert).unwrap()
}

fn refusal(outcome: Outcome) -> (u16, String) {
    match outcome {
        Outcome::Respond(r) => (
            r.status,
            r.body["errcode"].as_str().unwrap_or_default().to_owned(),
        ),
        other => panic!("not a response: {other:?}"),
    }
}

fn session_of(outcome: Outcome) -> String {
    match outcome {
        Outcome::Respond(r) => r.body["session"].as_str().unwrap().to_owned(),
        other => panic!("not a response: {other:?}"),
    }
}

#[test]
fn asks_for_reauthentication_then_passes_with_a_matching_certificate() {
    let engine = engine();
    let flows = flows();
    let first = attempt(
        &engine,
        &flows,
        DELETE,
        Some(ALICE),
        None,
        &ClientCert::NotYet,
    );
    assert_eq!(
        first,
        Outcome::Reauthenticate,
        "nothing decided before the client is asked"
    );
    // The session exists, untouched: the same attempt after reauth passes.
    let session = session_of(attempt(
        &engine,
        &flows,
        DELETE,
        Some(ALICE),
        None,
        &ClientCert::Unavailable,
    ));
    let again = attempt(
        &engine,
        &flows,
        DELETE,
        Some(ALICE),
        Some(&session),
        &ClientCert::NotYet,
    );
    assert_eq!(again, Outcome::Reauthenticate);
    let cert = ClientCert::Presented(facts("alice", true));
    match attempt(&engine, &flows, DELETE, Some(ALICE), Some(&session), &cert) {
        Outcome::Done(done) => {
            assert_eq!(done.user.as_deref(), Some(ALICE));
            assert_eq!(done.flow, ["io.stepup.tls_client_cert"]);
        }
        other => panic!("not done: {other:?}"),
    }
}

#[test]
fn each_refusal_has_its_errcode() {
    let engine = engine();
    let flows = flows();
    let cases = [
        (ClientCert::Refused, "IO.STEPUP.CERT_MISSING"),
        (ClientCert::Unavailable, "IO.STEPUP.CERT_UNAVAILABLE"),
        (
            ClientCert::Presented(facts("alice", false)),
            "IO.STEPUP.CERT_UNTRUSTED",
        ),
        (
            ClientCert::Presented(facts("Alice Smith", true)),
            "IO.STEPUP.CERT_UNKNOWN",
        ),
        (
            ClientCert::Presented(facts("bob", true)),
            "IO.STEPUP.CERT_WRONG_USER",
        ),
    ];
    for (cert, errcode) in cases {
        let outcome = attempt(&engine, &flows, DELETE, Some(ALICE), None, &cert);
        assert_eq!(refusal(outcome), (401, errcode.to_owned()), "{cert:?}");
    }
}

#[test]
fn an_enrolled_key_maps_to_its_user_whatever_the_names() {
    let engine = engine();
    let flows = flows();
    let cert = ClientCert::Presented(facts("laptop of bob", true));
    let fingerprint = "0F:".repeat(31) + "0F";
    assert_eq!(
        engine.enrol_certificate(ALICE, &fingerprint).unwrap(),
        "0f".repeat(32)
    );
    // Again for the same user: a no-op; for another: refused.
    engine.enrol_certificate(ALICE, &fingerprint).unwrap();
    assert!(matches!(
        engine.enrol_certificate("@bob:example.org", &fingerprint),
        Err(UiaError::Enrolment(_))
    ));
    assert!(engine.enrol_certificate("alice", &"11".repeat(32)).is_err());
    assert_eq!(engine.enrolled_certificates(ALICE).unwrap().len(), 1);
    assert!(matches!(
        attempt(&engine, &flows, DELETE, Some(ALICE), None, &cert),
        Outcome::Done(_)
    ));
    // Revoked, it maps to nobody.
    assert!(engine.revoke_certificate(ALICE, &"0f".repeat(32)).unwrap());
    assert!(!engine.revoke_certificate(ALICE, &"0f".repeat(32)).unwrap());
    let (_, errcode) = refusal(attempt(&engine, &flows, DELETE, Some(ALICE), None, &cert));
    assert_eq!(errcode, "IO.STEPUP.CERT_UNKNOWN");
}

#[test]
fn without_a_user_the_stage_proves_the_one_the_certificate_names() {
    let engine = engine();
    let flows = FlowSet::from_json(
        r#"{"flows":[{"stages":["io.stepup.tls_client_cert","m.login.dummy"]}]}"#,
    )
    .unwrap();
    let cert = ClientCert::Presented(facts("carol", true));
    let session = session_of(attempt(&engine, &flows, REGISTER, None, None, &cert));
    let dummy = json!({"auth": {"type": "m.login.dummy", "session": session}}).to_string();
    let request = Request {
        method: "POST",
        path: REGISTER,
        body: dummy.as_bytes(),
        user: None,
        client: None,
    };
    match engine.complete(&flows, &request).unwrap() {
        Outcome::Done(done) => assert_eq!(done.user.as_deref(), Some("@carol:example.org")),
        other => panic!("not done: {other:?}"),
    }
    // Plain `complete` has no connection: the stage cannot pass.
    let plain: Value = json!({"auth": {"type": "io.stepup.tls_client_cert"}});
    let text = plain.to_string();
    let request = Request {
        method: "POST",
        path: REGISTER,
        body: text.as_bytes(),
        user: None,
        client: None,
    };
    let (_, errcode) = refusal(engine.complete(&flows, &request).unwrap());
    assert_eq!(errcode, "IO.STEPUP.CERT_UNAVAILABLE");
}
