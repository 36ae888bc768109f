//! What the multi-process tests share: the PostgreSQL server of the run, and
//! child processes that are ignored tests of the same binary.
#![allow(dead_code)] // each test binary uses its part

use std::process::{Command, Output, Stdio};

/// The server scripts/with-postgres.sh started, or `None` (the caller then
/// skips, loudly, naming `what`), unless STEPUP_REQUIRE_POSTGRES=1 demands one.
pub fn server_url(what: &str) -> Option<String> {
    match std::env::var("STEPUP_TEST_POSTGRES") {
        Ok(url) => Some(url),
        Err(_) if std::env::var("STEPUP_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
            panic!("STEPUP_REQUIRE_POSTGRES=1 but no server; run under scripts/with-postgres.sh")
        }
        Err(_) => {
            eprintln!("!!! SKIPPED: {what}: no server (run under scripts/with-postgres.sh)");
            None
        }
    }
}

/// Starts one process per entry of `envs`, each running the ignored test
/// `child` of this test binary with those variables set, all at once, and
/// returns what each printed; a child that fails fails the caller.
pub fn run_children(child: &str, envs: &[Vec<(&str, String)>]) -> Vec<String> {
    let children: Vec<_> = envs
        .iter()
        .map(|env| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    child,
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let Output {
                status,
                stdout,
                stderr,
            } = c.wait_with_output().unwrap();
            assert!(
                status.success(),
                "{child} failed: {}",
                String::from_utf8_lossy(&stderr)
            );
            String::from_utf8(stdout).unwrap()
        })
        .collect()
}

/// The value a child printed on a line `PREFIX=value`.
pub fn reported(output: &str, prefix: &str) -> usize {
    output
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .expect("the child reported")
        .trim()
        .parse()
        .unwrap()
}
