#![no_main]
//! cargo-fuzz target `record_layer`: see `stepup::fuzz`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stepup::fuzz::record_layer::run(data));
