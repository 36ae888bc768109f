//! Replays the saved fuzz corpus (`fuzz/corpus/<target>/`) and the crash
//! reproducers (`fuzz/regressions/<target>/`) through the same entry
//! points the fuzzers call, on stable: what once crashed stays fixed, and
//! what the fuzzers reached stays reachable without a panic.

use std::path::Path;

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

#[test]
fn every_target_replays_its_corpus_and_reproducers_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut missing = Vec::new();
    for (name, run) in stepup::fuzz::TARGETS {
        let corpus = files(&root.join("corpus").join(name));
        let reproducers = files(&root.join("regressions").join(name));
        if corpus.is_empty() {
            missing.push(*name);
        }
        for path in corpus.iter().chain(&reproducers) {
            let data = std::fs::read(path).expect("corpus file");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{name}: {} panicked", path.display());
        }
        eprintln!(
            "{name}: {} corpus inputs, {} reproducers",
            corpus.len(),
            reproducers.len()
        );
    }
    assert!(missing.is_empty(), "targets without a corpus: {missing:?}");
}

#[test]
fn every_target_has_a_cargo_fuzz_entry() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("fuzz/Cargo.toml");
    for (name, _) in stepup::fuzz::TARGETS {
        let source = root.join("fuzz_targets").join(format!("{name}.rs"));
        let text = std::fs::read_to_string(&source).expect("fuzz target source");
        assert!(text.contains("stepup::fuzz::"), "{name}");
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "{name} in fuzz/Cargo.toml"
        );
    }
}

#[test]
fn the_tls_targets_start_from_a_working_conversation() {
    // A target whose starting point fails would fuzz nothing past it.
    let (mut c, mut s) = stepup::fuzz::peers::established().expect("handshake");
    c.write(b"ping").unwrap();
    s.read_tls(&c.take_tls()).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(s.read(&mut buf), 4);
    s.request_client_auth(true).unwrap();
    c.read_tls(&s.take_tls()).unwrap();
    assert!(c.has_certificate_request());
}
