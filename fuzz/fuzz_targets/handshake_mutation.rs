#![no_main]
//! cargo-fuzz target `handshake_mutation`: see `stepup::fuzz`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stepup::fuzz::handshake_mutation::run(data));
