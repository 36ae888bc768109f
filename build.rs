//! Generates the C headers from the Rust sources with cbindgen.
//!
//! Headers go to `$OUT_DIR/include` on every build (so a broken annotation
//! fails the build), or to `$STEPUP_HEADER_DIR` when it is set: `make headers`
//! points it at `include/` to refresh the checked-in copies, and
//! `make check-headers` at a temporary directory to compare with them.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "build_support/api_headers.rs"]
mod api_headers;
#[path = "build_support/load_only.rs"]
mod load_only;
#[path = "build_support/suites.rs"]
mod suites;

/// One generated header: where it goes and which sources declare it.
struct Header {
    path: &'static str,
    guard: &'static str,
    sys_includes: &'static [&'static str],
    includes: &'static [&'static str],
    /// String constants cbindgen cannot emit: (macro name, file, Rust constant).
    string_constants: &'static [(&'static str, &'static str, &'static str)],
    /// Source files; cbindgen follows the `mod` declarations in them.
    sources: &'static [&'static str],
    /// Items the sources define that the header must not (another project's types).
    exclude: &'static [&'static str],
    /// Text after the includes (declarations cbindgen cannot write).
    preamble: &'static str,
    /// Text at the end (declarations that need cbindgen's types).
    trailer: &'static str,
}

const HEADERS: &[Header] = &[
    Header {
        path: "gnutls/gnutls.h",
        guard: "GNUTLS_GNUTLS_H",
        sys_includes: &["stddef.h", "sys/types.h", "sys/uio.h", "time.h"],
        includes: &[],
        string_constants: &[
            ("GNUTLS_VERSION", "src/gnutls/version.rs", "GNUTLS_VERSION"),
            (
                "GNUTLS_KP_TLS_WWW_SERVER",
                "src/ffi/gnutls/certs.rs",
                "GNUTLS_KP_TLS_WWW_SERVER",
            ),
            (
                "GNUTLS_KP_TLS_WWW_CLIENT",
                "src/ffi/gnutls/certs.rs",
                "GNUTLS_KP_TLS_WWW_CLIENT",
            ),
        ],
        sources: &[
            "src/gnutls/version.rs",
            "src/gnutls/error_codes.rs",
            "src/gnutls/random.rs",
            "src/ffi/gnutls/mod.rs",
        ],
        exclude: &[
            "gnutls_cert_retr_st",
            "ConstDatum",
            "ConstStr",
            "_gnutls_log_level",
            "_gnutls_global_version",
            "_gnutls_default_priority_string",
            "_gnutls_mpi_ops",
            // Exported by GnuTLS, declared by none of its headers.
            "gnutls_secure_malloc",
            // POSIX's, from <sys/uio.h> (the preamble names it giovec_t).
            "iovec",
            "giovec_t",
        ],
        preamble: GNUTLS_PREAMBLE,
        trailer: GNUTLS_TRAILER,
    },
    Header {
        path: "stepup/uia.h",
        guard: "STEPUP_UIA_H",
        sys_includes: &["stddef.h", "stdint.h"],
        // For gnutls_session_t (stepup_uia_complete_tls).
        includes: &["gnutls/gnutls.h"],
        string_constants: &[(
            "STEPUP_UIA_STAGE_TLS_CLIENT_CERT",
            "src/ffi/uia/tls.rs",
            "STEPUP_UIA_STAGE_TLS_CLIENT_CERT",
        )],
        sources: &[
            "src/ffi/errors.rs",
            "src/ffi/native.rs",
            "src/ffi/uia/mod.rs",
        ],
        exclude: &[],
        preamble: "",
        trailer: "",
    },
    Header {
        path: "telodendria/Uia.h",
        // Telodendria's own guard: whichever Uia.h comes first wins.
        guard: "TELODENDRIA_UIA_H",
        sys_includes: &["stddef.h", "stdint.h", "stdbool.h"],
        includes: &[],
        string_constants: &[],
        sources: &["src/ffi/telodendria/uia.rs"],
        exclude: &[
            "Config",
            "ConfigRunAs",
            "ConfigLogConfig",
            "MatrixHttpHandlerArgs",
        ],
        preamble: TELODENDRIA_PREAMBLE,
        trailer: "",
    },
];

/// GnuTLS's function-like macros (cbindgen writes no macros with arguments).
const GNUTLS_PREAMBLE: &str = "
/* A piece of a scattered buffer: POSIX's struct iovec, from <sys/uio.h>. */
typedef struct iovec giovec_t;

/* GnuTLS's convenience macros. */
#define gnutls_transport_set_int(s, i) gnutls_transport_set_int2(s, i, i)
#define gnutls_sign_algorithm_get_name gnutls_sign_get_name

/* The type of gnutls_certificate_set_verify_function's callback: a function
 * type, as in GnuTLS (cbindgen writes only pointer typedefs). */
struct gnutls_session_int;
typedef int gnutls_certificate_verify_function(struct gnutls_session_int *);

/* What gnutls_certificate_retrieve_function3 is told; a tagged struct, as in
 * GnuTLS, defined at the end of this header. */
struct gnutls_cert_retr_st;
typedef struct gnutls_cert_retr_st gnutls_cert_retr_st;
";

/// Declarations at the end of gnutls.h: they use types cbindgen defines.
/// cbindgen writes the trailer after the include guard, hence a guard of its own.
const GNUTLS_TRAILER: &str = "#ifndef GNUTLS_GNUTLS_H_TRAILER
#define GNUTLS_GNUTLS_H_TRAILER

#ifdef __cplusplus
extern \"C\" {
#endif

/* The Diffie-Hellman groups of RFC 7919 and RFC 5054, as data. */
extern const gnutls_datum_t gnutls_ffdhe_2048_group_prime;
extern const gnutls_datum_t gnutls_ffdhe_2048_group_q;
extern const gnutls_datum_t gnutls_ffdhe_2048_group_generator;
extern const gnutls_datum_t gnutls_ffdhe_3072_group_prime;
extern const gnutls_datum_t gnutls_ffdhe_3072_group_q;
extern const gnutls_datum_t gnutls_ffdhe_3072_group_generator;
extern const gnutls_datum_t gnutls_ffdhe_4096_group_prime;
extern const gnutls_datum_t gnutls_ffdhe_4096_group_q;
extern const gnutls_datum_t gnutls_ffdhe_4096_group_generator;
extern const gnutls_datum_t gnutls_ffdhe_6144_group_prime;
extern const gnutls_datum_t gnutls_ffdhe_6144_group_q;
extern const gnutls_datum_t gnutls_ffdhe_6144_group_generator;
extern const gnutls_datum_t gnutls_ffdhe_8192_group_prime;
extern const gnutls_datum_t gnutls_ffdhe_8192_group_q;
extern const gnutls_datum_t gnutls_ffdhe_8192_group_generator;
extern const gnutls_datum_t gnutls_srp_1024_group_prime;
extern const gnutls_datum_t gnutls_srp_1024_group_generator;
extern const gnutls_datum_t gnutls_srp_1536_group_prime;
extern const gnutls_datum_t gnutls_srp_1536_group_generator;
extern const gnutls_datum_t gnutls_srp_2048_group_prime;
extern const gnutls_datum_t gnutls_srp_2048_group_generator;
extern const gnutls_datum_t gnutls_srp_3072_group_prime;
extern const gnutls_datum_t gnutls_srp_3072_group_generator;
extern const gnutls_datum_t gnutls_srp_4096_group_prime;
extern const gnutls_datum_t gnutls_srp_4096_group_generator;
extern const gnutls_datum_t gnutls_srp_8192_group_prime;
extern const gnutls_datum_t gnutls_srp_8192_group_generator;

/* What gnutls_certificate_retrieve_function3 is told about the request
 * (see gnutls_certificate_set_retrieve_function3). */
struct gnutls_cert_retr_st {
    unsigned version; /* 0 from GnuTLS 3.7 and stepup */
    gnutls_certificate_credentials_t cred;
    const gnutls_datum_t *req_ca_rdn;
    unsigned nreqs;
    const gnutls_pk_algorithm_t *pk_algos;
    unsigned pk_algos_length;
    unsigned char padding[64];
};

/* The callback types of the certificate functions: function types, as in
 * GnuTLS (cbindgen writes only pointer typedefs). */
typedef int gnutls_certificate_retrieve_function(gnutls_session_t,
    const gnutls_datum_t *req_ca_rdn, int nreqs, const gnutls_pk_algorithm_t *pk_algos,
    int pk_algos_length, gnutls_retr2_st *);
typedef int gnutls_certificate_retrieve_function2(gnutls_session_t,
    const gnutls_datum_t *req_ca_rdn, int nreqs, const gnutls_pk_algorithm_t *pk_algos,
    int pk_algos_length, gnutls_pcert_st **, unsigned int *pcert_length,
    gnutls_privkey_t *privkey);
typedef int gnutls_certificate_retrieve_function3(gnutls_session_t,
    const struct gnutls_cert_retr_st *info, gnutls_pcert_st **certs,
    unsigned int *certs_length, gnutls_ocsp_data_st **ocsp, unsigned int *ocsp_length,
    gnutls_privkey_t *privkey, unsigned int *flags);
typedef int gnutls_verify_output_function(gnutls_x509_crt_t cert, gnutls_x509_crt_t issuer,
    gnutls_x509_crl_t crl, unsigned int verification_output);
typedef int gnutls_psk_server_credentials_function(gnutls_session_t,
    const char *username, gnutls_datum_t *key);

#ifdef __cplusplus
}
#endif

#endif /* GNUTLS_GNUTLS_H_TRAILER */
";

/// Telodendria's and Cytoplasm's types, opaque here. Each is declared only
/// if the project's own header has not been included (its guard), so this
/// header can follow Telodendria's headers under -std=c99.
const TELODENDRIA_PREAMBLE: &str = "
/*
 * stepup's drop-in for Telodendria's Uia.h (cargo feature `telodendria`).
 * Include it after Telodendria's and Cytoplasm's own headers, or alone; the
 * types below are theirs, declared opaque here. Config is passed by value:
 * the definition from Telodendria's generated Schema/Config.h must be in
 * scope to call UiaComplete.
 */
#ifndef CYTOPLASM_HASHMAP_H
typedef struct HashMap HashMap;
#endif
#ifndef CYTOPLASM_ARRAY_H
typedef struct Array Array;
#endif
#ifndef CYTOPLASM_DB_H
typedef struct Db Db;
#endif
#ifndef CYTOPLASM_HTTPSERVER_H
typedef struct HttpServerContext HttpServerContext;
#endif
#ifndef TELODENDRIA_MATRIX_H
typedef struct MatrixHttpHandlerArgs MatrixHttpHandlerArgs;
#endif
#ifndef TELODENDRIA_CONFIG_H
typedef struct Config Config;
#endif
";

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-env-changed=STEPUP_HEADER_DIR");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=src/gnutls");
    println!("cargo:rerun-if-changed=build_support");
    println!("cargo:rerun-if-changed=compat/gnutls.returns");
    println!("cargo:rerun-if-changed=compat/gnutls.groups");
    println!("cargo:rerun-if-changed=compat/gnutls.suites");
    println!("cargo:rerun-if-changed=compat/gnutls.api");
    let generated = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    load_only::generate(&root, &generated);
    suites::generate(&root, &generated);

    // The shared library's SONAME carries the ABI major version, so installed
    // copies get the usual libstepup.so.0 symlink chain (see `make install`).
    if env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libstepup.so.0");
    }

    let out_dir = match env::var_os("STEPUP_HEADER_DIR") {
        Some(dir) => root.join(dir),
        None => PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("include"),
    };
    let config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml is valid");

    for header in HEADERS {
        let mut header_config = config.clone();
        if !header.trailer.is_empty() {
            header_config.trailer = Some(header.trailer.to_string());
        }
        let mut builder = cbindgen::Builder::new()
            .with_config(header_config)
            .with_include_guard(header.guard);
        for include in header.sys_includes {
            builder = builder.with_sys_include(include);
        }
        for include in header.includes {
            builder = builder.with_include(include);
        }
        let mut defines = String::new();
        for (name, file, constant) in header.string_constants {
            let value = string_constant(&root.join(file), constant);
            defines.push_str(&format!("\n#define {name} \"{value}\"\n"));
        }
        defines.push_str(header.preamble);
        if !defines.is_empty() {
            builder = builder.with_after_include(defines);
        }
        for item in header.exclude {
            builder = builder.exclude_item(item);
        }
        for source in source_files(&root, header.sources) {
            builder = builder.with_src(source);
        }
        let mut bytes = Vec::new();
        builder
            .generate()
            .unwrap_or_else(|e| panic!("cbindgen failed for {}: {e}", header.path))
            .write(&mut bytes);
        let mut text = String::from_utf8(bytes).expect("cbindgen writes UTF-8");
        if header.path == "gnutls/gnutls.h" {
            // The rest of GnuTLS's documented API: the end of gnutls.h, and
            // its other headers.
            text = api_headers::generate(&root, &out_dir, &text, write_if_changed);
        }
        write_if_changed(&out_dir.join(header.path), &text);
    }
}

fn source_files(root: &Path, sources: &[&str]) -> Vec<PathBuf> {
    sources.iter().map(|source| root.join(source)).collect()
}

/// The value of `pub const NAME: &str = "...";` in `file`.
fn string_constant(file: &Path, name: &str) -> String {
    let text = fs::read_to_string(file).expect("read source of a string constant");
    let prefix = format!("pub const {name}: &str = \"");
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix)?.strip_suffix("\";"))
        .filter(|value| {
            value
                .chars()
                .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
        })
        .unwrap_or_else(|| panic!("{}: no plain `{prefix}...\";` line", file.display()))
        .to_string()
}

fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    fs::create_dir_all(path.parent().expect("header paths have a directory"))
        .expect("create header directory");
    fs::write(path, text).expect("write header");
}
