//! Compiles the C side of the `telodendria` target: the drop-in's fuzz
//! harness and the fake Cytoplasm it runs on, both from c-tests/.
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the repository");
    let dir = root.join("c-tests/telodendria");
    for file in ["fuzz_drop_in.c", "fuzz_drop_in.h", "fake_cytoplasm.c", "fake.h"] {
        println!("cargo:rerun-if-changed={}", dir.join(file).display());
    }
    cc::Build::new()
        .std("c11")
        .define("_GNU_SOURCE", None)
        .include(root.join("include"))
        .include(&dir)
        .file(dir.join("fuzz_drop_in.c"))
        .file(dir.join("fake_cytoplasm.c"))
        .compile("fuzz_drop_in");
}
