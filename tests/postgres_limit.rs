//! The failure limit across processes (issue 14, hole 3): two server
//! processes sharing one PostgreSQL database each send 32 wrong passwords
//! at once to the same session, through a checker as slow as bcrypt. The
//! attempts are counted in the database, so the checker runs at most
//! `max_failures` times in all, not once per process.
#![cfg(feature = "postgres")]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use stepup::uia::hooks::PasswordVerdict;
use stepup::uia::{Config, Engine, FlowSet, Outcome, Request};

const CHILD_URL: &str = "STEPUP_LIMIT_CHILD_URL";
const CHILD_SESSION: &str = "STEPUP_LIMIT_CHILD_SESSION";
const MAX_FAILURES: u32 = 3;
const PATH: &str = "/_matrix/client/v3/delete_devices";
const ALICE: &str = "@alice:example.org";

fn engine(url: String) -> Engine {
    Engine::new(Config {
        store: url,
        server_name: "example.org".into(),
        max_failures: MAX_FAILURES,
        ..Config::default()
    })
    .unwrap()
}

fn flows() -> FlowSet {
    FlowSet::from_json(r#"{"flows":[{"stages":["m.login.password"]}]}"#).unwrap()
}

fn complete(engine: &Engine, flows: &FlowSet, body: &str) -> Outcome {
    engine
        .complete(
            flows,
            &Request {
                method: "POST",
                path: PATH,
                body: body.as_bytes(),
                user: Some(ALICE),
                client: None,
            },
        )
        .unwrap()
}

/// A child process: 32 threads each send a wrong password; prints how many
/// reached its checker. Ignored: only the limit test runs it (with
/// `--ignored`); run any other way it fails.
#[test]
#[ignore = "a child process of two_processes_share_one_failure_limit, which runs it"]
fn limit_child() {
    let (Ok(url), Ok(session)) = (std::env::var(CHILD_URL), std::env::var(CHILD_SESSION)) else {
        panic!("limit_child is run by two_processes_share_one_failure_limit");
    };
    let engine = Arc::new(engine(url));
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    engine.set_password_checker(Arc::new(move |_: &str, _: &str| {
        counted.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(50));
        Ok(PasswordVerdict::Wrong)
    }));
    let flows = Arc::new(flows());
    let threads: Vec<_> = (0..32)
        .map(|_| {
            let (engine, flows, session) = (engine.clone(), flows.clone(), session.clone());
            std::thread::spawn(move || {
                let body = format!(
                    r#"{{"devices":["A"],"auth":{{"type":"m.login.password","session":"{session}","user":"alice","password":"guess"}}}}"#
                );
                complete(&engine, &flows, &body);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    println!("\nLIMIT-CALLS={}", calls.load(Ordering::SeqCst));
}

#[test]
fn two_processes_share_one_failure_limit() {
    let Some(server) = common::server_url("two-process PostgreSQL failure limit") else {
        return;
    };
    let name = format!("stepup_limit_{}", std::process::id());
    let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    let parent = engine(url.clone());
    let Outcome::Respond(first) = complete(&parent, &flows(), r#"{"devices":["A"]}"#) else {
        panic!("no session")
    };
    let session = first.body["session"].as_str().unwrap().to_owned();
    let env = vec![(CHILD_URL, url.clone()), (CHILD_SESSION, session.clone())];
    let outputs = common::run_children("limit_child", &[env.clone(), env]);
    let calls: usize = outputs
        .iter()
        .map(|o| common::reported(o, "LIMIT-CALLS="))
        .sum();
    assert_eq!(
        calls,
        usize::try_from(MAX_FAILURES).unwrap(),
        "checker calls across both processes"
    );
}
