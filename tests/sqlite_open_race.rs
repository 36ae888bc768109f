//! Many processes opening one new SQLite database at once (issue 14, hole
//! 4): each must open it, whoever creates the schema. Sixteen child
//! processes start together on a fresh file, over several rounds; every
//! one must succeed, and the schema must come out once.
#![cfg(feature = "sqlite")]

use std::process::{Command, Stdio};

use stepup::uia::store::SqliteStore;

const CHILD_ENV: &str = "STEPUP_OPEN_RACE_DB";
const PROCESSES: usize = 16;
const ROUNDS: usize = 5;

/// The child: opens the database and exits; a failure panics (non-zero
/// exit). Ignored: only the race test runs it (with `--ignored`).
#[test]
#[ignore = "a child process of sixteen_processes_open_one_fresh_database, which runs it"]
fn open_child() {
    let path = std::env::var(CHILD_ENV)
        .expect("open_child is run by sixteen_processes_open_one_fresh_database");
    SqliteStore::open(&path).unwrap_or_else(|e| panic!("open {path}: {e}"));
}

#[test]
fn sixteen_processes_open_one_fresh_database() {
    let dir = std::env::temp_dir().join(format!("stepup-open-race-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for round in 0..ROUNDS {
        let db = dir.join(format!("fresh-{round}.db"));
        let path = db.to_str().unwrap().to_owned();
        let children: Vec<_> = (0..PROCESSES)
            .map(|_| {
                Command::new(std::env::current_exe().unwrap())
                    .args(["--exact", "open_child", "--ignored", "--test-threads=1"])
                    .env(CHILD_ENV, &path)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: a process failed to open the new database ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let store = SqliteStore::open(&path).unwrap();
        store.check_consistency().unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
