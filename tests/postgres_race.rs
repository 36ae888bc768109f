//! Two server processes sharing one PostgreSQL database race to finish the
//! same UIA session (32 threads each, each with a different request body):
//! exactly one request in one process completes it, and the registration
//! token's counters are exact.
#![cfg(feature = "postgres")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use stepup::uia::{Config, Engine, FlowSet, Outcome, Request};

const CHILD_URL: &str = "STEPUP_RACE_CHILD_URL";
const CHILD_SESSION: &str = "STEPUP_RACE_CHILD_SESSION";
const CHILD_INDEX: &str = "STEPUP_RACE_CHILD_INDEX";

fn flows() -> FlowSet {
    FlowSet::from_json(r#"{"flows":[{"stages":["m.login.registration_token","m.login.dummy"]}]}"#)
        .unwrap()
}

fn complete(engine: &Engine, flows: &FlowSet, body: &str) -> Outcome {
    engine
        .complete(
            flows,
            &Request {
                method: "POST",
                path: "/register",
                body: body.as_bytes(),
                user: None,
                client: None,
            },
        )
        .unwrap()
}

/// A child process: 32 threads each try to finish the session; prints its wins.
/// Ignored: only the race test runs it (with `--ignored`), in processes of
/// its own; run any other way it fails, so it can never pass unrun.
#[test]
#[ignore = "a child process of the PostgreSQL race test, which runs it"]
fn race_child() {
    let (Ok(url), Ok(session), Ok(index)) = (
        std::env::var(CHILD_URL),
        std::env::var(CHILD_SESSION),
        std::env::var(CHILD_INDEX),
    ) else {
        panic!("race_child is run by the PostgreSQL race test, which sets its environment");
    };
    let engine = Arc::new(
        Engine::new(Config {
            store: url,
            ..Config::default()
        })
        .unwrap(),
    );
    let flows = Arc::new(flows());
    let wins = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..32)
        .map(|t| {
            let (engine, flows, wins, session, index) =
                (engine.clone(), flows.clone(), wins.clone(), session.clone(), index.clone());
            std::thread::spawn(move || {
                let body = format!(
                    r#"{{"username":"p{index}t{t}","auth":{{"type":"m.login.dummy","session":"{session}"}}}}"#
                );
                if let Outcome::Done(done) = complete(&engine, &flows, &body) {
                    assert!(!done.replayed);
                    wins.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    println!("\nRACE-WINS={}", wins.load(Ordering::SeqCst));
}

#[test]
fn two_processes_complete_one_session_exactly_once() {
    let Some(server) = common::server_url("two-process PostgreSQL race") else {
        return;
    };
    let name = format!("stepup_race_{}", std::process::id());
    let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);

    let engine = Engine::new(Config {
        store: url.clone(),
        ..Config::default()
    })
    .unwrap();
    engine.put_token("race", Some(1), None).unwrap();
    let flows = flows();
    let Outcome::Respond(first) = complete(&engine, &flows, "{}") else {
        panic!("no session")
    };
    let session = first.body["session"].as_str().unwrap().to_owned();
    let token = format!(
        r#"{{"auth":{{"type":"m.login.registration_token","token":"race","session":"{session}"}}}}"#
    );
    complete(&engine, &flows, &token);

    let envs: Vec<_> = (0..2)
        .map(|i| {
            vec![
                (CHILD_URL, url.clone()),
                (CHILD_SESSION, session.clone()),
                (CHILD_INDEX, i.to_string()),
            ]
        })
        .collect();
    let outputs = common::run_children("race_child", &envs);
    let wins: usize = outputs
        .iter()
        .map(|o| common::reported(o, "RACE-WINS="))
        .sum();
    assert_eq!(
        wins, 1,
        "exactly one request across both processes completes the session"
    );
    let record = engine.token("race").unwrap().unwrap();
    assert_eq!((record.pending, record.completed), (0, 1));
}
