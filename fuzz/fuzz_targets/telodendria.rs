#![no_main]
//! cargo-fuzz target `telodendria`: the Telodendria `Uia.h` drop-in over the
//! fake Cytoplasm, through the C harness in c-tests/telodendria/fuzz_drop_in.c
//! (which `make test` also replays over the saved corpus).

use stepup::ffi::telodendria::uia;

unsafe extern "C" {
    fn stepup_fuzz_drop_in(data: *const u8, len: usize);
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The harness calls these from C: name them here so the linker keeps them.
    std::hint::black_box([
        uia::UiaComplete as *const (),
        uia::UiaStageBuild as *const (),
        uia::UiaDummyFlow as *const (),
        uia::UiaFlowsFree as *const (),
    ]);
    // SAFETY: the harness reads exactly `len` bytes from `data`.
    unsafe { stepup_fuzz_drop_in(data.as_ptr(), data.len()) }
});
