#!/usr/bin/env python3
"""Records what each function of the system libgnutls.so.30 returns, as one of
five kinds, so that build.rs can give every function stepup does not implement
a load-only stub with the right "not available" answer:

  void    returns nothing
  error   int or ssize_t: GNUTLS_E_UNIMPLEMENTED_FEATURE
  zero    unsigned, size_t, or an enum: 0 (GnuTLS's "unknown"/"none")
  minus1  time_t: (time_t)-1
  null    a pointer, a handle or a function pointer: NULL

The kinds are read from the return types in the installed GnuTLS headers
(libgnutls28-dev); the few internal symbols no installed header declares are
listed below by hand, from GnuTLS's documentation and sources. These are ABI
facts of GnuTLS 3.7 (compare tools/gen-gnutls-symbols.sh). Run it by hand:

  tools/gen-gnutls-returns.py > compat/gnutls.returns
"""
import glob
import re
import subprocess
import sys

# Symbols no installed header declares: GnuTLS's internal exports (for its
# companion libraries and tests), removed compression calls, and the nettle
# FIPS helpers (nettle's convention: 1 for success, so 0 means failure).
BY_HAND = {
    "_dsa_generate_dss_g": "zero", "_dsa_generate_dss_pq": "zero",
    "_dsa_validate_dss_g": "zero", "_dsa_validate_dss_pq": "zero",
    "dsa_generate_dss_keypair": "zero", "_rsa_generate_fips186_4_keypair": "zero",
    "_gnutls13_psk_ext_iter_next_binder": "error", "_gnutls13_psk_ext_iter_next_identity": "error",
    "_gnutls13_psk_ext_parser_init": "error", "_gnutls_anti_replay_check": "error",
    "_gnutls_bin2hex": "null", "_gnutls_buffer_append_str": "error",
    "_gnutls_buffer_clear": "void", "_gnutls_buffer_init": "void",
    "_gnutls_buffer_pop_datum": "void", "_gnutls_buffer_to_datum": "error",
    "_gnutls_buffer_unescape": "error", "_gnutls_cidr_to_string": "null",
    "_gnutls_cipher_get_iv": "error", "_gnutls_cipher_to_entry": "null",
    "_gnutls_crypto_register_cipher": "error", "_gnutls_decode_ber_rs_raw": "error",
    "_gnutls_digest_exists": "zero", "_gnutls_ecc_curve_is_supported": "zero",
    "_gnutls_encode_ber_rs_raw": "error", "_gnutls_global_set_gettime_function": "void",
    "_gnutls_hello_set_default_version": "void", "_gnutls_iov_iter_init": "error",
    "_gnutls_iov_iter_next": "error", "_gnutls_iov_iter_sync": "error",
    "_gnutls_ip_to_string": "null", "_gnutls_lib_force_operational": "void",
    "_gnutls_lib_simulate_error": "void", "_gnutls_log": "void",
    "_gnutls_mac_to_entry": "null", "_gnutls_mpi_log": "void",
    "_gnutls_pkcs11_token_get_url": "error", "_gnutls_pkcs12_string_to_key": "error",
    "_gnutls_pkcs7_unpad": "error", "_gnutls_prf_raw": "error",
    "_gnutls_record_overhead": "zero", "_gnutls_record_set_default_version": "void",
    "_gnutls_resolve_priorities": "null", "_gnutls_rsa_pms_set_version": "void",
    "_gnutls_server_name_set_raw": "error",
    "_gnutls_set_session_ticket_key_rotation_callback": "void",
    "_gnutls_supplemental_deinit": "void", "_gnutls_ucs2_to_utf8": "error",
    "_gnutls_utcTime2gtime": "minus1", "_gnutls_utf8_to_ucs2": "error",
    "_gnutls_version_to_entry": "null", "_gnutls_x509_generalTime2gtime": "minus1",
    "_gnutls_x509_name_constraints_merge": "error",
    "gnutls_certificate_verification_profile_get_name": "null",
    "gnutls_compression_get_id": "zero", "gnutls_compression_get_name": "null",
    "gnutls_compression_list": "null", "gnutls_credentials_clear": "void",
    "gnutls_pkcs11_copy_x509_crt2": "error", "gnutls_pkcs11_copy_x509_privkey2": "error",
    "gnutls_pkcs11_privkey_generate3": "error", "gnutls_privkey_sign_hash": "error",
}

# Typedef'd return types that are pointers (handles, callbacks).
POINTER_TYPES = re.compile(r"(_hd_t|_ptr_t|_func|_function|_callback_t)$")


def kind_of(ret):
    ret = ret.replace("const ", "").strip()
    if "*" in ret or POINTER_TYPES.search(ret):
        return "null"
    if ret == "void":
        return "void"
    if ret in ("int", "ssize_t", "long"):
        return "error"
    if ret == "time_t":
        return "minus1"
    if ret in ("unsigned", "unsigned int", "size_t", "uint64_t") or ret.startswith("gnutls_"):
        return "zero"
    raise SystemExit(f"gen-gnutls-returns: no kind for return type `{ret}`")


def declarations():
    decl = {}
    for path in sorted(glob.glob("/usr/include/gnutls/*.h")):
        text = open(path, errors="replace").read()
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"^\s*#.*$", "", text, flags=re.M)
        for statement in re.split(r"[;{}]", text):
            statement = " ".join(statement.split())
            m = re.match(r"^(?:extern\s+)?(.*?)\b(\w+)\s*\((.*)\)\s*(?:_GNUTLS_GCC_ATTR\w*(?:\(.*\))?|__GNUTLS_\w+(?:\(.*\))?)?\s*$", statement)
            if not m or not m.group(1).strip() or "typedef" in m.group(1):
                continue
            decl.setdefault(m.group(2), m.group(1).strip())
    return decl


def main():
    lib = subprocess.run(["pkg-config", "--variable=libdir", "gnutls"], capture_output=True, text=True,
                         check=True).stdout.strip() + "/libgnutls.so.30"
    version = subprocess.run(["pkg-config", "--modversion", "gnutls"], capture_output=True, text=True,
                             check=True).stdout.strip()
    syms = subprocess.run(["readelf", "--dyn-syms", "-W", lib], capture_output=True, text=True, check=True).stdout
    functions = sorted({f[7].split("@")[0] for f in (l.split() for l in syms.splitlines())
                        if len(f) >= 8 and f[6] != "UND" and "@" in f[7] and f[3] == "FUNC"})
    decl = declarations()
    print(f"# symbol kind, for GnuTLS {version}'s functions, by tools/gen-gnutls-returns.py")
    for name in functions:
        if name in BY_HAND:
            print(name, BY_HAND[name])
        elif name in decl:
            print(name, kind_of(decl[name]))
        else:
            sys.exit(f"gen-gnutls-returns: {name} is declared nowhere; add it to BY_HAND")


main()
