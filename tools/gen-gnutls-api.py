#!/usr/bin/env python3
"""Records GnuTLS 3.7.9's documented C API, header by header, so that build.rs
can give include/gnutls/ every public header GnuTLS installs, with every
documented function, type and constant.

The facts come from GnuTLS's documentation as Debian's gnutls-doc installs it:
  - the section 3 man pages: each function's prototype and the header that
    declares it;
  - the API reference (gtk-doc): per header, the callback types, handle types,
    public structures, enumerations with their members, and macros;
  - the manual: the prototypes of the few exported functions without a man
    page (OpenPGP stubs, self-tests).
The numeric value of every documented constant is read from the system
GnuTLS (libgnutls28-dev) by compiling a probe that prints it. Nothing is
copied from the headers' text: each line below is a fact (a name, a kind, a
value, a member list), and build.rs writes the C in stepup's own layout.

Output (compat/gnutls.api), one fact per line, tab-separated:
  fn      HEADER NAME RETURN PARAMS       a function
  cb      HEADER NAME RETURN PARAMS       a pointer-to-function type
  handle  HEADER NAME TAG [const]         typedef [const] struct TAG *NAME
  alias   HEADER NAME TYPE                typedef TYPE NAME
  struct  HEADER NAME MEMBERS [TAG]       typedef struct [TAG] {MEMBERS} NAME
  tagged  HEADER TAG MEMBERS              struct TAG {MEMBERS}
  enum    HEADER NAME MEMBER=VALUE,...    typedef enum {...} NAME
  const   HEADER NAME VALUE               #define NAME VALUE
  fntype  HEADER NAME RETURN PARAMS       a function type (not a pointer)
  macro   HEADER NAME(ARGS) BODY          a function-like macro (by hand)

Run it by hand after `apt-get install gnutls-doc libgnutls28-dev`:
  tools/gen-gnutls-api.py > compat/gnutls.api
"""
import glob
import gzip
import html
import os
import re
import subprocess
import sys
import tempfile

DOC = "/usr/share/doc/gnutls-doc"
MAN = "/usr/share/man/man3"
# The gtk-doc pages, and the header each documents.
PAGES = {
    "gnutls": "gnutls.h", "x509": "x509.h", "abstract": "abstract.h",
    "crypto": "crypto.h", "pkcs11": "pkcs11.h", "pkcs12": "pkcs12.h",
    "dtls": "dtls.h", "ocsp": "ocsp.h", "tpm": "tpm.h", "openpgp": "openpgp.h",
}
# Every header GnuTLS 3.7.9 installs for libgnutls (dane.h, openssl.h and
# gnutlsxx.h belong to other libraries).
HEADERS = ["gnutls.h", "x509.h", "x509-ext.h", "abstract.h", "crypto.h",
           "pkcs11.h", "pkcs12.h", "pkcs7.h", "dtls.h", "ocsp.h", "socket.h",
           "self-test.h", "system-keys.h", "tpm.h", "urls.h", "compat.h",
           "openpgp.h"]

# Function-like macros, written from what the documentation says each does.
MACROS = [
    ("gnutls.h", "GNUTLS_CURVE_TO_BITS(curve)", "(unsigned int)((1U << 31) | (unsigned int)(curve))"),
    ("gnutls.h", "GNUTLS_BITS_TO_CURVE(bits)", "(((unsigned int)(bits)) & 0x7FFFFFFFU)"),
    ("gnutls.h", "GNUTLS_BITS_ARE_CURVE(bits)", "(((unsigned int)(bits)) & 0x80000000U)"),
    ("gnutls.h", "gnutls_record_set_max_empty_records(session, x)", "((void)(session), (void)(x))"),
    ("gnutls.h", "GNUTLS_FIPS140_SET_LAX_MODE()", "gnutls_fips140_set_mode(GNUTLS_FIPS140_LAX, GNUTLS_FIPS140_SET_MODE_THREAD)"),
    ("gnutls.h", "GNUTLS_FIPS140_SET_STRICT_MODE()", "gnutls_fips140_set_mode(GNUTLS_FIPS140_STRICT, GNUTLS_FIPS140_SET_MODE_THREAD)"),
    ("gnutls.h", "gnutls_transport_set_int(session, fd)", "gnutls_transport_set_int2((session), (fd), (fd))"),
    ("x509.h", "GNUTLS_PROFILE_TO_VFLAGS(x)", "(((unsigned)(x)) << 24)"),
    ("x509.h", "GNUTLS_VFLAGS_TO_PROFILE(x)", "((((unsigned)(x)) >> 24) & 0xff)"),
    ("x509.h", "GNUTLS_PKCS_CIPHER_MASK(x)", "((x) & (~(GNUTLS_PKCS_NULL_PASSWORD)))"),
    ("abstract.h", "GNUTLS_SIGN_ALGO_TO_FLAGS(sig)", "(unsigned int)((sig) << 20)"),
    ("abstract.h", "GNUTLS_FLAGS_TO_SIGN_ALGO(flags)", "(unsigned int)((flags) >> 20)"),
    ("abstract.h", "GNUTLS_SUBGROUP_TO_BITS(group, subgroup)", "(unsigned int)(((subgroup) << 16) | (group))"),
    ("abstract.h", "GNUTLS_BITS_TO_SUBGROUP(bits)", "(((bits) >> 16) & 0xFFFF)"),
    ("abstract.h", "GNUTLS_BITS_TO_GROUP(bits)", "((bits) & 0xFFFF)"),
    ("abstract.h", "GNUTLS_BITS_HAVE_SUBGROUP(bits)", "((bits) & 0xFFFF0000)"),
    ("abstract.h", "gnutls_pubkey_import_pkcs11_url(key, url, flags)", "gnutls_pubkey_import_url((key), (url), (flags))"),
    ("abstract.h", "gnutls_privkey_sign_raw_data(key, flags, data, sig)", "gnutls_privkey_sign_hash((key), 0, GNUTLS_PRIVKEY_SIGN_FLAG_TLS1_RSA, (data), (sig))"),
    ("pkcs11.h", "gnutls_pkcs11_obj_list_import_url(p_list, n_list, url, attrs, flags)", "gnutls_pkcs11_obj_list_import_url3((p_list), (n_list), (url), (attrs) | (flags))"),
    ("pkcs11.h", "gnutls_pkcs11_obj_list_import_url2(p_list, n_list, url, attrs, flags)", "gnutls_pkcs11_obj_list_import_url4((p_list), (n_list), (url), (attrs) | (flags))"),
    ("pkcs11.h", "gnutls_pkcs11_copy_x509_crt(url, crt, label, flags)", "gnutls_pkcs11_copy_x509_crt2((url), (crt), (label), NULL, (flags))"),
    ("pkcs11.h", "gnutls_pkcs11_copy_x509_privkey(url, key, label, usage, flags)", "gnutls_pkcs11_copy_x509_privkey2((url), (key), (label), NULL, (usage), (flags))"),
    ("pkcs11.h", "gnutls_pkcs11_privkey_generate(url, pk, bits, label, flags)", "gnutls_pkcs11_privkey_generate3((url), (pk), (bits), (label), NULL, 0, NULL, 0, (flags))"),
    ("pkcs11.h", "gnutls_pkcs11_privkey_generate2(url, pk, bits, label, fmt, pubkey, flags)", "gnutls_pkcs11_privkey_generate3((url), (pk), (bits), (label), NULL, (fmt), (pubkey), 0, (flags))"),
    ("abstract.h", "gnutls_privkey_import_pkcs11_url(key, url)", "gnutls_privkey_import_url((key), (url), 0)"),
]

# Declarations the API reference leaves out (the types of headers it has no
# page for, and callback types it names without a prototype), written from
# the manual's and the man pages' descriptions of the functions using them.
HAND = [
    ("handle", "gnutls.h", "gnutls_certificate_credentials_t", "gnutls_certificate_credentials_st", ""),
    ("handle", "gnutls.h", "gnutls_anon_client_credentials_t", "gnutls_anon_client_credentials_st", ""),
    ("handle", "gnutls.h", "gnutls_anon_server_credentials_t", "gnutls_anon_server_credentials_st", ""),
    ("handle", "gnutls.h", "gnutls_psk_client_credentials_t", "gnutls_psk_client_credentials_st", ""),
    ("handle", "gnutls.h", "gnutls_psk_server_credentials_t", "gnutls_psk_server_credentials_st", ""),
    ("handle", "gnutls.h", "gnutls_srp_client_credentials_t", "gnutls_srp_client_credentials_st", ""),
    ("handle", "gnutls.h", "gnutls_srp_server_credentials_t", "gnutls_srp_server_credentials_st", ""),
    ("alias", "gnutls.h", "gnutls_openpgp_keyid_t", "unsigned char[8]"),
    ("fntype", "gnutls.h", "gnutls_certificate_verify_function", "int", "gnutls_session_t session"),
    ("fntype", "gnutls.h", "gnutls_params_function", "int", "gnutls_session_t session, gnutls_params_type_t type, gnutls_params_st *params"),
    ("fntype", "gnutls.h", "gnutls_certificate_retrieve_function", "int", "gnutls_session_t session, const gnutls_datum_t *req_ca_rdn, int nreqs, const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_retr2_st *st"),
    ("fntype", "gnutls.h", "gnutls_psk_client_credentials_function", "int", "gnutls_session_t session, char **username, gnutls_datum_t *key"),
    ("fntype", "gnutls.h", "gnutls_psk_client_credentials_function2", "int", "gnutls_session_t session, gnutls_datum_t *username, gnutls_datum_t *key"),
    ("fntype", "gnutls.h", "gnutls_psk_server_credentials_function2", "int", "gnutls_session_t session, const gnutls_datum_t *username, gnutls_datum_t *key"),
    ("fntype", "gnutls.h", "gnutls_psk_server_credentials_function", "int", "gnutls_session_t session, const char *username, gnutls_datum_t *key"),
    ("fntype", "gnutls.h", "gnutls_srp_client_credentials_function", "int", "gnutls_session_t session, char **username, char **password"),
    ("fntype", "gnutls.h", "gnutls_srp_server_credentials_function", "int", "gnutls_session_t session, const char *username, gnutls_datum_t *salt, gnutls_datum_t *verifier, gnutls_datum_t *generator, gnutls_datum_t *prime"),
    ("cb", "gnutls.h", "gnutls_status_request_ocsp_func", "int", "gnutls_session_t session, void *ptr, gnutls_datum_t *ocsp_response"),
    ("fntype", "x509.h", "gnutls_verify_output_function", "int", "gnutls_x509_crt_t cert, gnutls_x509_crt_t issuer, gnutls_x509_crl_t crl, unsigned int verification_output"),
    ("fntype", "x509.h", "gnutls_x509_trust_list_getissuer_function", "int", "gnutls_x509_trust_list_t list, const gnutls_x509_crt_t cert, gnutls_x509_crt_t **issuers, unsigned int *issuers_size"),
    ("handle", "crypto.h", "gnutls_aead_cipher_hd_t", "api_aead_cipher_hd_st", ""),
    ("handle", "x509-ext.h", "gnutls_subject_alt_names_t", "gnutls_subject_alt_names_st", ""),
    ("handle", "x509-ext.h", "gnutls_x509_crl_dist_points_t", "gnutls_x509_crl_dist_points_st", ""),
    ("handle", "x509-ext.h", "gnutls_x509_aia_t", "gnutls_x509_aia_st", ""),
    ("handle", "x509-ext.h", "gnutls_x509_aki_t", "gnutls_x509_aki_st", ""),
    ("handle", "x509-ext.h", "gnutls_x509_key_purposes_t", "gnutls_x509_key_purposes_st", ""),
    ("handle", "x509-ext.h", "gnutls_x509_policies_t", "gnutls_x509_policies_st", ""),
    ("handle", "x509-ext.h", "gnutls_x509_ct_scts_t", "gnutls_x509_ct_scts_st", ""),
    ("handle", "ocsp.h", "gnutls_ocsp_req_t", "gnutls_ocsp_req_int", ""),
    ("handle", "ocsp.h", "gnutls_ocsp_req_const_t", "gnutls_ocsp_req_int", "const"),
    ("handle", "ocsp.h", "gnutls_ocsp_resp_t", "gnutls_ocsp_resp_int", ""),
    ("handle", "ocsp.h", "gnutls_ocsp_resp_const_t", "gnutls_ocsp_resp_int", "const"),
    ("enum", "ocsp.h", "gnutls_ocsp_print_formats_t", "GNUTLS_OCSP_PRINT_FULL,GNUTLS_OCSP_PRINT_COMPACT"),
    ("enum", "ocsp.h", "gnutls_ocsp_resp_status_t", "GNUTLS_OCSP_RESP_SUCCESSFUL,GNUTLS_OCSP_RESP_MALFORMEDREQUEST,GNUTLS_OCSP_RESP_INTERNALERROR,GNUTLS_OCSP_RESP_TRYLATER,GNUTLS_OCSP_RESP_SIGREQUIRED,GNUTLS_OCSP_RESP_UNAUTHORIZED"),
    ("enum", "ocsp.h", "gnutls_ocsp_cert_status_t", "GNUTLS_OCSP_CERT_GOOD,GNUTLS_OCSP_CERT_REVOKED,GNUTLS_OCSP_CERT_UNKNOWN"),
    ("enum", "ocsp.h", "gnutls_x509_crl_reason_t", "GNUTLS_X509_CRLREASON_UNSPECIFIED,GNUTLS_X509_CRLREASON_KEYCOMPROMISE,GNUTLS_X509_CRLREASON_CACOMPROMISE,GNUTLS_X509_CRLREASON_AFFILIATIONCHANGED,GNUTLS_X509_CRLREASON_SUPERSEDED,GNUTLS_X509_CRLREASON_CESSATIONOFOPERATION,GNUTLS_X509_CRLREASON_CERTIFICATEHOLD,GNUTLS_X509_CRLREASON_REMOVEFROMCRL,GNUTLS_X509_CRLREASON_PRIVILEGEWITHDRAWN,GNUTLS_X509_CRLREASON_AACOMPROMISE"),
    ("enum", "ocsp.h", "gnutls_ocsp_verify_reason_t", "GNUTLS_OCSP_VERIFY_SIGNER_NOT_FOUND,GNUTLS_OCSP_VERIFY_SIGNER_KEYUSAGE_ERROR,GNUTLS_OCSP_VERIFY_UNTRUSTED_SIGNER,GNUTLS_OCSP_VERIFY_INSECURE_ALGORITHM,GNUTLS_OCSP_VERIFY_SIGNATURE_FAILURE,GNUTLS_OCSP_VERIFY_CERT_NOT_ACTIVATED,GNUTLS_OCSP_VERIFY_CERT_EXPIRED"),
    ("handle", "pkcs7.h", "gnutls_pkcs7_t", "gnutls_pkcs7_int", ""),
    ("handle", "pkcs7.h", "gnutls_pkcs7_attrs_t", "gnutls_pkcs7_attrs_st", ""),
    ("struct", "pkcs7.h", "gnutls_pkcs7_signature_info_st", "gnutls_sign_algorithm_t algo; gnutls_datum_t sig; gnutls_datum_t issuer_dn; gnutls_datum_t signer_serial; gnutls_datum_t issuer_keyid; time_t signing_time; gnutls_pkcs7_attrs_t signed_attrs; gnutls_pkcs7_attrs_t unsigned_attrs; char pad[64];"),
    ("enum", "pkcs7.h", "gnutls_pkcs7_sign_flags", "GNUTLS_PKCS7_EMBED_DATA,GNUTLS_PKCS7_INCLUDE_TIME,GNUTLS_PKCS7_INCLUDE_CERT,GNUTLS_PKCS7_WRITE_SPKI"),
    ("enum", "socket.h", "gnutls_transport_ktls_enable_flags_t", "GNUTLS_KTLS_RECV,GNUTLS_KTLS_SEND,GNUTLS_KTLS_DUPLEX"),
    ("handle", "system-keys.h", "gnutls_system_key_iter_t", "system_key_iter_st", ""),
    ("cb", "urls.h", "gnutls_privkey_import_url_func", "int", "gnutls_privkey_t pkey, const char *url, unsigned flags"),
    ("cb", "urls.h", "gnutls_x509_crt_import_url_func", "int", "gnutls_x509_crt_t pkey, const char *url, unsigned flags"),
    ("cb", "urls.h", "gnutls_pubkey_import_url_func", "int", "gnutls_pubkey_t pkey, const char *url, unsigned flags"),
    ("cb", "urls.h", "gnutls_get_raw_issuer_func", "int", "const char *url, gnutls_x509_crt_t crt, gnutls_datum_t *issuer_der, unsigned flags"),
    ("struct", "urls.h", "gnutls_custom_url_st", "const char *name; unsigned name_size; gnutls_privkey_import_url_func import_key; gnutls_x509_crt_import_url_func import_crt; gnutls_pubkey_import_url_func import_pubkey; gnutls_get_raw_issuer_func get_issuer; void *future1; void *future2;"),
    ("fn", "self-test.h", "gnutls_cipher_self_test", "int", "unsigned flags, gnutls_cipher_algorithm_t cipher"),
    ("fn", "self-test.h", "gnutls_mac_self_test", "int", "unsigned flags, gnutls_mac_algorithm_t mac"),
    ("fn", "self-test.h", "gnutls_digest_self_test", "int", "unsigned flags, gnutls_digest_algorithm_t digest"),
    ("fn", "self-test.h", "gnutls_pk_self_test", "int", "unsigned flags, gnutls_pk_algorithm_t pk"),
    ("fn", "self-test.h", "gnutls_hkdf_self_test", "int", "unsigned flags, gnutls_mac_algorithm_t mac"),
    ("fn", "self-test.h", "gnutls_pbkdf2_self_test", "int", "unsigned flags, gnutls_mac_algorithm_t mac"),
    ("fn", "self-test.h", "gnutls_tlsprf_self_test", "int", "unsigned flags, gnutls_mac_algorithm_t mac"),
]
# Constants of headers the API reference has no page for, named by the
# manual and the man pages; their values come from the probe.
HAND_CONSTANTS = [
    ("self-test.h", "GNUTLS_SELF_TEST_FLAG_ALL"), ("self-test.h", "GNUTLS_SELF_TEST_FLAG_NO_COMPAT"),
    ("pkcs7.h", "GNUTLS_PKCS7_ATTR_ENCODE_OCTET_STRING"),
]
# Older names GnuTLS 3.7 still defines, neither in the API reference nor
# named by a man page; their home header and value come from the probe.
OLD_CONSTANTS = [
    "GNUTLS_A_MISSING_SRP_USERNAME", "GNUTLS_A_UNKNOWN_SRP_USERNAME", "GNUTLS_OCSP_NONCE",
    "GNUTLS_OPENPGP_KEY", "GNUTLS_OPENPGP_KEY_FINGERPRINT", "GNUTLS_SUPPLEMENTAL_USER_MAPPING_DATA",
    "GNUTLS_VERIFY_ALLOW_X509_V1_CA_CRT", "GNUTLS_X509_CRT_FULL", "GNUTLS_X509_CRT_ONELINE",
    "GNUTLS_X509_CRT_UNSIGNED_FULL",
]
# The pre-3.0 names of types and functions (compat.h), each standing for its
# current name; the probe checks that each pair is the same type or function
# in the system GnuTLS before it is written.
OLD_NAMES = [(old, old + "_t") for old in [
    "gnutls_alert_description", "gnutls_alert_level", "gnutls_anon_client_credentials",
    "gnutls_anon_server_credentials", "gnutls_certificate_credentials", "gnutls_certificate_request",
    "gnutls_certificate_status", "gnutls_certificate_type", "gnutls_cipher_algorithm",
    "gnutls_close_request", "gnutls_compression_method", "gnutls_connection_end",
    "gnutls_credentials_type", "gnutls_datum", "gnutls_dh_params", "gnutls_digest_algorithm",
    "gnutls_kx_algorithm", "gnutls_mac_algorithm", "gnutls_openpgp_keyring", "gnutls_openpgp_privkey",
    "gnutls_params_type", "gnutls_pk_algorithm", "gnutls_rsa_params", "gnutls_session",
    "gnutls_sign_algorithm", "gnutls_srp_client_credentials", "gnutls_srp_server_credentials",
    "gnutls_transport_ptr", "gnutls_x509_crl", "gnutls_x509_crq", "gnutls_x509_crt",
    "gnutls_x509_crt_fmt", "gnutls_x509_privkey", "gnutls_x509_subject_alt_name"]] + [
    ("gnutls_certificate_client_credentials", "gnutls_certificate_credentials_t"),
    ("gnutls_certificate_server_credentials", "gnutls_certificate_credentials_t"),
    ("gnutls_connection_end_t", "unsigned int"),
    ("gnutls_openpgp_key_t", "gnutls_openpgp_crt_t"),
    ("gnutls_openpgp_key_status_t", "gnutls_openpgp_crt_status_t"),
    ("gnutls_openpgp_send_key", "gnutls_openpgp_send_cert"),
    ("gnutls_openpgp_crt_get_id", "gnutls_openpgp_crt_get_key_id"),
] + [("gnutls_openpgp_key_" + rest, "gnutls_openpgp_crt_" + rest) for rest in [
    "check_hostname", "deinit", "export", "get_creation_time", "get_expiration_time",
    "get_fingerprint", "get_key_usage", "get_name", "get_pk_algorithm", "get_version", "import",
    "init"]] + [("gnutls_openpgp_key_get_id", "gnutls_openpgp_crt_get_key_id")]
# gnutls_free is a data object (a function pointer) and, in GnuTLS's header,
# also a macro that clears its argument; stepup's gnutls.h already declares it.
SKIP_MACROS = {"gnutls_free"}


def text(fragment):
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def squash(s):
    return re.sub(r"\s+", " ", s.replace("\u00a0", " ")).strip()


def split_prototype(decl):
    """'RET name(PARAMS);' -> (RET, name, PARAMS), or None."""
    decl = squash(re.sub(r"/\*.*?\*/", "", decl, flags=re.S))
    m = re.match(r"^(.*?)\b(\w+)\s*\((.*)\)\s*;?$", decl)
    if not m:
        return None
    ret = squash(m.group(1).replace(" *", "*").replace("*", " *")).replace("* ", "*")
    return ret, m.group(2), tidy_params(m.group(3)) or "void"


def tidy_params(params):
    """One spelling for a parameter list: 'T *name, U name[8]'."""
    params = squash(params)
    params = re.sub(r"\s*,\s*", ", ", params)
    params = re.sub(r"\s*\*\s*", " *", params).replace("* *", "**").replace("* *", "**")
    params = re.sub(r"\(\s+", "(", params)
    # 'unsigned char [8] seq' is how the man pages write an array parameter.
    params = re.sub(r"(\w) \[(\d+)\] (\w+)", r"\1 \3[\2]", params)
    return params.strip()


def man_functions():
    out = {}
    for path in glob.glob(f"{MAN}/gnutls_*.3.gz"):
        t = gzip.open(path, "rt", errors="replace").read()
        inc = re.search(r"#include <gnutls/([\w.-]+)>", t)
        bi = re.search(r'^\.BI "(.*)"$', t, re.M)
        if not inc or not bi:
            continue
        decl = bi.group(1).replace('" ', "").replace(' "', " ").replace('"', "")
        parts = split_prototype(decl)
        if parts:
            out[parts[1]] = (inc.group(1), parts[0], parts[2])
    return out


def man_constants():
    """Every GNUTLS_ constant a man page names (\\fBGNUTLS_...\\fP)."""
    out = set()
    for path in sorted(glob.glob(f"{MAN}/gnutls_*.3.gz")):
        t = gzip.open(path, "rt", errors="replace").read()
        out.update(re.findall(r"\\fB(GNUTLS_[A-Z0-9_]+)\\fP", t))
    return out


def gtkdoc_items():
    for page, header in PAGES.items():
        t = open(f"{DOC}/api-reference/gnutls-{page}.html", encoding="utf-8").read()
        for m in re.finditer(r'<div class="refsect2">\s*<a name="[^"]+"></a><h3>(.*?)</h3>(.*?)(?=<hr>|<div class="refsect2">|</div>\s*</div>\s*<div class="refsect1")', t, re.S):
            title = squash(text(m.group(1)))
            body = m.group(2)
            pre = re.search(r'<pre class="programlisting">(.*?)</pre>', body, re.S)
            decl = text(pre.group(1)) if pre else ""
            members = [squash(text(x)) for x in re.findall(r'<td class="enum_member_name">(.*?)</td>', body, re.S)]
            yield header, title, decl, members


def split_members(body):
    """The members of a struct body, each 'TYPE NAME' (unions kept whole)."""
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    out, depth, cur = [], 0, ""
    for ch in body:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == ";" and depth == 0:
            if squash(cur):
                out.append(squash(cur))
            cur = ""
        else:
            cur += ch
    return [re.sub(r"\s*;\s*", "; ", m).replace("{ ", "{ ") for m in out]


def manual_functions():
    """'Function: RET NAME (PARAMS)' lines of the manual, for the exported
    functions without a man page."""
    out = {}
    t = squash(text(open(f"{DOC}/html/gnutls.html", encoding="utf-8").read()))
    for m in re.finditer(r"Function: (.*?\)) ¶", t):
        parts = split_prototype(m.group(1))
        if parts:
            out[parts[1]] = (parts[0], parts[2])
    return out


def defined_by(names, headers, tmp):
    """The names that compile as values after including `headers`."""
    incs = "".join(f"#include <gnutls/{h}>\n" for h in headers)

    def compiles(batch):
        src = incs + "void f(void){\n" + "".join(f"(void)({n});\n" for n in batch) + "}\n"
        path = os.path.join(tmp, "c.c")
        open(path, "w").write(src)
        return subprocess.run(["gcc", "-w", "-fsyntax-only", path], capture_output=True).returncode == 0

    def good(batch):
        if not batch:
            return []
        if compiles(batch):
            return batch
        if len(batch) == 1:
            return []
        mid = len(batch) // 2
        return good(batch[:mid]) + good(batch[mid:])
    return good(sorted(names))


def home_headers(names):
    """name -> the first header (in HEADERS order) that defines it alone."""
    home = {}
    with tempfile.TemporaryDirectory() as tmp:
        for header in HEADERS:
            for name in defined_by([n for n in names if n not in home], [header], tmp):
                home[name] = header
    return home


def verified_old_names():
    """The OLD_NAMES pairs the system GnuTLS agrees with: the same type, or
    the same function."""
    incs = "".join(f"#include <gnutls/{h}>\n" for h in HEADERS)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "o.c")
        for old, current in OLD_NAMES:
            if current.endswith("_t") or " " in current:
                check = f"_Static_assert(__builtin_types_compatible_p({old}, {current}), \"\");\n"
            else:
                check = f"int same(void); int same(void) {{ return (void *)&{old} == (void *)&{current}; }}\n"
                check += f"_Static_assert(__builtin_types_compatible_p(__typeof__({old}), __typeof__({current})), \"\");\n"
            open(path, "w").write(incs + check)
            if subprocess.run(["gcc", "-w", "-fsyntax-only", path], capture_output=True).returncode == 0:
                out.append((old, current))
            else:
                print(f"old name {old} is not {current} in the system GnuTLS", file=sys.stderr)
    return out


def probe_values(names, headers):
    """name -> value as C text, for each integer or string constant the
    system GnuTLS defines; names it does not define are left out."""
    values = {}
    incs = "".join(f"#include <gnutls/{h}>\n" for h in headers)
    with tempfile.TemporaryDirectory() as tmp:
        ok = defined_by(names, headers, tmp)
        src = incs + "#include <stdio.h>\nint main(void){\n"
        for n in ok:
            src += (f'_Generic(({n}), char *: printf("{n}\\t\\"%s\\"\\n", (const char *)(uintptr_t)({n})), '
                    f'const char *: printf("{n}\\t\\"%s\\"\\n", (const char *)(uintptr_t)({n})), '
                    f'default: printf("{n}\\t%lld\\n", (long long)({n})));\n')
        src += "return 0;}\n"
        src = "#include <stdint.h>\n" + src
        path = os.path.join(tmp, "p.c")
        open(path, "w").write(src)
        exe = os.path.join(tmp, "p")
        subprocess.run(["gcc", "-w", "-o", exe, path], check=True)
        for line in subprocess.run([exe], capture_output=True, text=True, check=True).stdout.splitlines():
            n, v = line.split("\t", 1)
            values[n] = v
    return values


def main():
    exported = [l.split()[0] for l in open("compat/gnutls.returns") if not l.startswith("#")]
    facts = []  # (kind, header, name, rest...)
    seen = set()

    def add(kind, header, name, *rest):
        if name in seen:
            return
        seen.add(name)
        facts.append((kind, header, name) + rest)

    man = man_functions()
    manual = manual_functions()
    gtk = list(gtkdoc_items())
    gtk_fns = {}
    for header, title, decl, members in gtk:
        if title.endswith("()") and "(*" not in decl:
            parts = split_prototype(decl)
            if parts:
                gtk_fns[parts[1]] = (header, parts[0], parts[2])
    # Functions: every documented one, and every exported one documented anywhere.
    for name, (header, ret, params) in sorted(man.items()):
        add("fn", header, name, ret, params)
    for name in exported:
        if name in man or name.startswith("_") or name not in gtk_fns and name not in manual:
            continue
        if name in gtk_fns:
            add("fn", gtk_fns[name][0], name, gtk_fns[name][1], gtk_fns[name][2])
        else:
            header = "self-test.h" if name.endswith("_self_test") else "gnutls.h"
            add("fn", header, name, manual[name][0], manual[name][1])

    constants = {}  # name -> header, in documentation order
    enums = []
    for header, title, decl, members in gtk:
        if title.endswith("()") and "(*" in decl:
            m = re.match(r"^(.*?)\(\s*\*\s*(\w+)\s*\)\s*\((.*)\)\s*;?$", squash(decl), re.S)
            if m:
                ret = squash(m.group(1))
                add("cb", header, m.group(2), ret, tidy_params(m.group(3)) or "void")
        elif title.startswith("enum "):
            enums.append((header, title[5:].strip(), members))
            for mem in members:
                constants.setdefault(mem, header)
        elif title.startswith("struct "):
            tag = title[7:].strip()
            body = re.search(r"\{(.*)\}", decl, re.S)
            if body and tag in ("gnutls_cert_retr_st",):
                add("tagged", header, tag, " ".join(f"{m};" for m in split_members(body.group(1))))
        elif decl.startswith("#define"):
            m = re.match(r"#define\s+(\w+)(\()?\s*(\w*)\s*$", squash(decl))
            if m and not m.group(2) and m.group(1) not in SKIP_MACROS:
                if m.group(1).islower():
                    # An older name of a function or type: the name it stands for.
                    add("const", header, m.group(1), m.group(3))
                else:
                    constants.setdefault(m.group(1), header)
            elif m is None and not re.match(r"#define\s+\w+\(", decl):
                m = re.match(r"#define\s+([A-Z0-9_]+)", decl)
                if m:
                    constants.setdefault(m.group(1), header)
        elif decl.startswith("typedef"):
            d = squash(re.sub(r"/\*.*?\*/", "", decl, flags=re.S))
            h = re.match(r"^typedef (const )?struct (\w+) \*\s*(\w+);$", d)
            body = re.match(r"^typedef struct (\w+ )?\{(.*)\} (\w+);$", d)
            alias = re.match(r"^typedef ([\w ]+?\s*\**)\s*(\w+);$", d)
            if h:
                add("handle", header, h.group(3), h.group(2), "const" if h.group(1) else "")
            elif body:
                name = body.group(3)
                if name.endswith("_int"):
                    continue  # GnuTLS's private structures, opaque to programs
                tag = (body.group(1) or "").strip()
                add("struct", header, name, " ".join(f"{m};" for m in split_members(body.group(2))), tag)
            elif alias:
                add("alias", header, alias.group(2), squash(alias.group(1)))
            else:
                print(f"unparsed typedef on {header}: {d[:80]}", file=sys.stderr)

    for fact in HAND:
        if fact[0] == "enum":
            enums.append((fact[1], fact[2], fact[3].split(",")))
            for mem in fact[3].split(","):
                constants.setdefault(mem, fact[1])
        elif fact[0] == "fntype":
            add("fntype", *fact[1:])
        else:
            add(*fact)
    for header, name in HAND_CONSTANTS:
        constants.setdefault(name, header)
    # The constants the man pages name, in the header that defines them
    # (error codes and the like are left to the headers cbindgen writes).
    named = [n for n in sorted(man_constants()) + OLD_CONSTANTS if n not in constants]
    for name, header in home_headers(named).items():
        constants[name] = header

    values = probe_values(list(constants), HEADERS)
    for header, name, members in enums:
        pairs = [f"{m}={values[m]}" for m in members if m in values]
        add("enum", header, name, ",".join(pairs))
    for name, header in constants.items():
        if name in values and name not in {m for _, _, ms in enums for m in ms}:
            add("const", header, name, values[name])
    for old, current in verified_old_names():
        # A name for a built-in type is a typedef; the others stand for a name.
        add("alias" if " " in current else "const", "compat.h", old, current)
    # A documented "function" GnuTLS defines as a macro is only the macro.
    macro_names = {sig.split("(")[0] for _, sig, _ in MACROS}
    facts[:] = [f for f in facts if not (f[0] == "fn" and f[2] in macro_names)]
    for header, sig, body in MACROS:
        add("macro", header, sig, body)

    print("# GnuTLS 3.7.9's documented C API, by tools/gen-gnutls-api.py; see there.")
    for f in facts:
        print("\t".join(f))


if __name__ == "__main__":
    main()
