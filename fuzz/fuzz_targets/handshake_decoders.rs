#![no_main]
//! cargo-fuzz target `handshake_decoders`: see `stepup::fuzz`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stepup::fuzz::handshake_decoders::run(data));
