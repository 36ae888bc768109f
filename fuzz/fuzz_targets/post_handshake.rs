#![no_main]
//! cargo-fuzz target `post_handshake`: see `stepup::fuzz`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stepup::fuzz::post_handshake::run(data));
