#![no_main]
//! cargo-fuzz target `credentials`: see `stepup::fuzz`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stepup::fuzz::credentials::run(data));
