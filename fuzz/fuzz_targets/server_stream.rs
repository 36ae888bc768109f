#![no_main]
//! cargo-fuzz target `server_stream`: see `stepup::fuzz`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| stepup::fuzz::streams::server(data));
