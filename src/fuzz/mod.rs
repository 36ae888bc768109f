//! Fuzz entry points: one module per target, each with `run(&[u8])`,
//! which must never panic, hang or grow without bound whatever the input.
//! cargo-fuzz's targets in `fuzz/` call them (nightly, libFuzzer), and
//! `tests/fuzz_corpus.rs` replays the saved corpus and crash reproducers
//! through the same functions on stable, in `make test`.

pub mod credentials;
pub mod handshake_decoders;
pub mod handshake_mutation;
pub mod peers;
pub mod post_handshake;
pub mod priority;
pub mod record_layer;
pub mod streams;
pub mod uia;

/// A target's entry point.
pub type Entry = fn(&[u8]);

/// The names of the targets, as `fuzz/fuzz_targets/` and the corpus
/// folders call them, with their entry points.
pub const TARGETS: &[(&str, Entry)] = &[
    ("record_layer", record_layer::run),
    ("handshake_decoders", handshake_decoders::run),
    ("server_stream", streams::server),
    ("client_stream", streams::client),
    ("handshake_mutation", handshake_mutation::run),
    ("post_handshake", post_handshake::run),
    ("credentials", credentials::run),
    ("priority", priority::run),
    ("uia", uia::run),
];
