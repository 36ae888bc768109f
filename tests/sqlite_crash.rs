//! Crash safety of the SQLite store: a child process runs registrations
//! ([registration_token, dummy]) and is killed with SIGKILL at random points,
//! over and over, until 10,000 completions have run. After every kill the
//! store must open and pass its consistency check (integrity, decodable
//! sessions, token counters equal to what the sessions hold).
#![cfg(feature = "sqlite")]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use stepup::uia::store::SqliteStore;
use stepup::uia::{Config, Engine, FlowSet, Outcome, Request};

const CHILD_ENV: &str = "STEPUP_CRASH_CHILD_DB";
const TARGET_COMPLETIONS: u64 = 10_000;
const TOKEN: &str = "crash-test";

fn flows() -> FlowSet {
    FlowSet::from_json(r#"{"flows":[{"stages":["m.login.registration_token","m.login.dummy"]}]}"#)
        .unwrap()
}

/// The child: registrations as fast as it can until it is killed; every
/// fifth one is abandoned after the token stage, so pending uses exist.
/// Ignored: only the crash test runs it (with `--ignored`), in a process of
/// its own; run any other way it fails, so it can never pass unrun.
#[test]
#[ignore = "a child process of sigkill_at_random_points_leaves_a_consistent_store, which runs it"]
fn crash_child() {
    let path = std::env::var(CHILD_ENV)
        .expect("crash_child is run by sigkill_at_random_points_leaves_a_consistent_store");
    let engine = Engine::new(Config {
        store: format!("sqlite:{path}"),
        ..Config::default()
    })
    .unwrap();
    let flows = flows();
    let complete = |body: &str| {
        engine
            .complete(
                &flows,
                &Request {
                    method: "POST",
                    path: "/register",
                    body: body.as_bytes(),
                    user: None,
                    client: None,
                },
            )
            .unwrap()
    };
    for n in 0u64.. {
        let Outcome::Respond(first) = complete("{}") else {
            panic!("no session")
        };
        let session = first.body["session"].as_str().unwrap().to_owned();
        let token = format!(
            r#"{{"auth":{{"type":"m.login.registration_token","token":"{TOKEN}","session":"{session}"}}}}"#
        );
        complete(&token);
        if n % 5 != 4 {
            let dummy = format!(r#"{{"auth":{{"type":"m.login.dummy","session":"{session}"}}}}"#);
            assert!(matches!(complete(&dummy), Outcome::Done(_)));
        }
    }
}

/// A small xorshift generator: the kill points need variety, not secrecy.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn sigkill_at_random_points_leaves_a_consistent_store() {
    let dir = std::env::temp_dir().join(format!("stepup-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("uia.db");
    let db_path = db.to_str().unwrap().to_owned();
    {
        let engine = Engine::new(Config {
            store: format!("sqlite:{db_path}"),
            ..Config::default()
        })
        .unwrap();
        engine.put_token(TOKEN, Some(1_000_000), None).unwrap();
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let mut rng = Rng(u64::try_from(seed % u128::from(u64::MAX)).unwrap() | 1);
    println!("seed {}", rng.0);
    let started = Instant::now();
    let (mut kills, mut completions) = (0u32, 0u64);
    while completions < TARGET_COMPLETIONS {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the crash test is taking too long"
        );
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &db_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1 + rng.below(25)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        let store = SqliteStore::open(&db_path).expect("the store opens after SIGKILL");
        store
            .check_consistency()
            .unwrap_or_else(|e| panic!("after kill {kills}: {e}"));
        drop(store);
        let engine = Engine::new(Config {
            store: format!("sqlite:{db_path}"),
            ..Config::default()
        })
        .unwrap();
        let record = engine.token(TOKEN).unwrap().unwrap();
        // Each registration is three completions, an abandoned one two.
        completions = record.completed * 3 + record.pending * 2;
    }
    println!("{kills} SIGKILLs, about {completions} completions, store consistent after each");
    assert!(kills >= 20, "too few kills ({kills}) to mean anything");
    std::fs::remove_dir_all(&dir).unwrap();
}
