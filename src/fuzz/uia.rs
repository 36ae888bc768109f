//! The UIA completion path on the memory store: up to eight requests of one
//! conversation, each a body the input gives (JSON or not), on password,
//! registration-token and dummy flows. `$S` in a body becomes the session
//! id the last response gave, so the fuzzer reaches sessions in progress.

use std::sync::Arc;

use crate::uia::clock::ManualClock;
use crate::uia::hooks::PasswordVerdict;
use crate::uia::store::MemoryStore;
use crate::uia::{Config, Engine, FlowSet, Outcome, Request, StageKind};

const FLOWS: &str = r#"{"flows":[{"stages":["m.login.password"]},{"stages":["m.login.registration_token","m.login.dummy"]},{"stages":["m.login.dummy","m.login.password"]}]}"#;

fn engine() -> Engine {
    let config = Config {
        store: "memory".into(),
        server_name: "example.org".into(),
        ..Config::default()
    };
    let clock = Arc::new(ManualClock::at(1_000_000));
    let engine = Engine::with_store(config, Box::new(MemoryStore::new()), clock);
    engine.set_password_checker(Arc::new(|user: &str, password: &str| {
        Ok(if (user, password) == ("@alice:example.org", "pw") {
            PasswordVerdict::Correct
        } else {
            PasswordVerdict::Wrong
        })
    }));
    engine
        .put_token("tok", Some(2), None)
        .expect("well-formed token");
    engine
}

/// Requests separated by 0xff bytes; the first byte of each picks the
/// method, the path, the user, and whether it goes to a fallback page.
pub fn run(data: &[u8]) {
    let engine = engine();
    let flows = FlowSet::from_json(FLOWS).expect("flows");
    let mut session = String::new();
    for piece in data.split(|b| *b == 0xff).take(8) {
        let Some((&shape, body)) = piece.split_first() else {
            continue;
        };
        let body = String::from_utf8_lossy(body).replace("$S", &session);
        let request = Request {
            method: if shape & 1 == 0 { "POST" } else { "DELETE" },
            path: if shape & 2 == 0 {
                "/_matrix/client/v3/register"
            } else {
                "/_matrix/client/v3/delete_devices"
            },
            body: body.as_bytes(),
            user: (shape & 4 != 0).then_some("@alice:example.org"),
            client: (shape & 8 != 0).then_some("192.0.2.1"),
        };
        let outcome = if shape & 16 != 0 {
            let stage = if shape & 32 == 0 {
                StageKind::from_wire("m.login.password").expect("known stage")
            } else {
                StageKind::from_wire("m.login.registration_token").expect("known stage")
            };
            engine.complete_fallback(&stage, &request)
        } else {
            engine.complete(&flows, &request)
        };
        match outcome {
            Ok(Outcome::Respond(response)) => {
                if let Some(id) = response.body.get("session").and_then(|v| v.as_str()) {
                    session = id.to_owned();
                }
            }
            Ok(Outcome::Done(completion)) => session = completion.session,
            Ok(Outcome::Reauthenticate) | Err(_) => {}
        }
    }
}
