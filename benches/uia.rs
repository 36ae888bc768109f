//! UIA completion throughput and latency per store. A "flow" is one client
//! going through a two-stage flow ([m.login.dummy, m.login.terms]): three
//! `complete` calls (start, first stage, second stage). Prints a table and
//! writes target/bench/uia.md.

use std::sync::Arc;
use std::time::{Duration, Instant};

use stepup::uia::{Config, Engine, FlowSet, Outcome, Request};

const RUN_FOR: Duration = Duration::from_secs(3);

struct Measurement {
    store: &'static str,
    threads: usize,
    calls: usize,
    flows: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

fn one_flow(engine: &Engine, flows: &FlowSet, latencies: &mut Vec<Duration>) {
    let call = |body: &str, latencies: &mut Vec<Duration>| {
        let start = Instant::now();
        let outcome = engine
            .complete(
                flows,
                &Request {
                    method: "POST",
                    path: "/bench",
                    body: body.as_bytes(),
                    user: None,
                    client: None,
                },
            )
            .expect("completion");
        latencies.push(start.elapsed());
        outcome
    };
    let Outcome::Respond(first) = call("{}", latencies) else {
        panic!("no session")
    };
    let session = first.body["session"].as_str().expect("session").to_owned();
    call(
        &format!(r#"{{"auth":{{"type":"m.login.dummy","session":"{session}"}}}}"#),
        latencies,
    );
    let last = call(
        &format!(r#"{{"auth":{{"type":"m.login.terms","session":"{session}"}}}}"#),
        latencies,
    );
    assert!(matches!(last, Outcome::Done(_)));
}

fn measure(store: &'static str, spec: &str, threads: usize) -> Measurement {
    let engine = Arc::new(
        Engine::new(Config {
            store: spec.to_owned(),
            // The bench starts sessions as fast as it can: unbounded, so it
            // measures completion, not the 429s of the bound.
            max_new_sessions: 0,
            ..Config::default()
        })
        .expect("engine"),
    );
    let flows = Arc::new(
        FlowSet::from_json(r#"{"flows":[{"stages":["m.login.dummy","m.login.terms"]}]}"#)
            .expect("flows"),
    );
    let start = Instant::now();
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (engine, flows) = (engine.clone(), flows.clone());
            std::thread::spawn(move || {
                let mut latencies = Vec::with_capacity(1 << 20);
                let mut flows_done = 0;
                while start.elapsed() < RUN_FOR {
                    one_flow(&engine, &flows, &mut latencies);
                    flows_done += 1;
                }
                (flows_done, latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut flows_done = 0;
    for worker in workers {
        let (n, latencies) = worker.join().expect("worker");
        flows_done += n;
        all.extend(latencies);
    }
    let elapsed = start.elapsed();
    all.sort();
    let at = |q: usize| {
        all.get(all.len().saturating_sub(1) * q / 100)
            .copied()
            .unwrap_or_default()
    };
    Measurement {
        store,
        threads,
        calls: all.len(),
        flows: flows_done,
        elapsed,
        p50: at(50),
        p99: at(99),
    }
}

/// The PostgreSQL server of scripts/with-postgres.sh, when built with the store.
fn postgres_url() -> Option<String> {
    if !cfg!(feature = "postgres") {
        return None;
    }
    std::env::var("STEPUP_TEST_POSTGRES").ok()
}

fn per_second(n: usize, elapsed: Duration) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX)) / elapsed.as_secs_f64()
}

fn main() {
    // `cargo bench` passes --bench; no other arguments are taken.
    let dir = std::env::temp_dir().join(format!("stepup-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sqlite = |name: &str| format!("sqlite:{}", dir.join(name).display());
    // STEPUP_BENCH_STORES (comma-separated: memory, sqlite, postgres)
    // narrows the run, for profiling one store.
    let only = std::env::var("STEPUP_BENCH_STORES").ok();
    let wanted = |store: &str| {
        only.as_deref()
            .is_none_or(|o| o.split(',').any(|s| s == store))
    };
    let mut runs = Vec::new();
    if wanted("memory") {
        runs.push(measure("memory", "memory", 1));
        runs.push(measure("memory", "memory", 4));
    }
    if wanted("sqlite") {
        runs.push(measure("sqlite", &sqlite("one.db"), 1));
        runs.push(measure("sqlite", &sqlite("four.db"), 4));
    }
    let postgres = postgres_url().filter(|_| wanted("postgres"));
    if let Some(url) = &postgres {
        runs.push(measure("postgres", url, 4));
    }
    std::fs::remove_dir_all(&dir).ok();

    let mut report = String::from(
        "## UIA completion (two-stage flow: 3 calls per flow)\n\n\
         | store | threads | calls/s | flows/s | p50 per call | p99 per call |\n\
         | --- | --- | --- | --- | --- | --- |\n",
    );
    for m in &runs {
        report.push_str(&format!(
            "| {} | {} | {:.0} | {:.0} | {:.1} µs | {:.1} µs |\n",
            m.store,
            m.threads,
            per_second(m.calls, m.elapsed),
            per_second(m.flows, m.elapsed),
            m.p50.as_secs_f64() * 1e6,
            m.p99.as_secs_f64() * 1e6,
        ));
    }
    if postgres.is_none() {
        report.push_str(
            "\nPostgreSQL: not measured (build with `--features postgres` under scripts/with-postgres.sh; `make bench` does).\n",
        );
    }
    print!("{report}");
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&out).expect("target/bench");
    std::fs::write(out.join("uia.md"), report).expect("write report");
    // The same figures for scripts/bench-report.py, which checks the targets.
    let mut tsv = String::from("store\tthreads\tflows_per_s\tp99_us\n");
    for m in &runs {
        tsv.push_str(&format!(
            "{}\t{}\t{:.0}\t{:.1}\n",
            m.store,
            m.threads,
            per_second(m.flows, m.elapsed),
            m.p99.as_secs_f64() * 1e6
        ));
    }
    std::fs::write(out.join("uia.tsv"), tsv).expect("write uia.tsv");
}
