#![no_main]
//! cargo-fuzz target `uia`: see `stepup::fuzz`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stepup::fuzz::uia::run(data));
