#![no_main]
//! cargo-fuzz target `priority`: see `stepup::fuzz`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stepup::fuzz::priority::run(data));
