/* Differential: trust lists, abstract keys and parsed certificates, the
 * families gnutls-cli, wget, curl and msmtp call (issue 15, part 2):
 * - key algorithm and certificate type names; gnutls_idna_map on ASCII;
 * - per certificate of the test PKI: its key algorithm and size, key IDs
 *   (SHA-1, SHA-256, SHA-512, short buffers), gnutls_x509_crt_print in the
 *   one-line and compact forms, its public key exported in DER and PEM,
 *   and a pcert made from it;
 * - gnutls_x509_crt_list_import and gnutls_pcert_list_import_x509_raw with
 *   room for all, for fewer, and with FAIL_IF_EXCEED;
 * - private keys imported raw (each key of the PKI) and their algorithm;
 * - trust lists: anchors from files, memory and certificate objects,
 *   chains verified with and without a host name and purpose;
 * - and in two handshakes: a server whose chain and key come from
 *   gnutls_certificate_set_key, a client trusting a list handed to its
 *   credentials (gnutls_certificate_set_trust_list) that verifies it, and a
 *   client answering the server's certificate request from a retrieve
 *   function with pcerts and an abstract key; both print the session's
 *   authentication type, whether a certificate was asked for, and its
 *   channel bindings (tls-unique, tls-server-end-point, tls-exporter).
 * The output must be the same built against the system GnuTLS and against
 * stepup. FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "twoends.h"

#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

static const char *const certs[] = {"ca.pem", "server-rsa.pem", "server-ecdsa.pem", "server-p384.pem",
                                    "server-ed25519.pem", "server-www.pem", "client-rsa.pem", "stranger.pem"};
static const char *const keys[] = {"server-rsa.key", "server-ecdsa.key", "server-p384.key", "server-ed25519.key",
                                   "client-rsa.key", "client-ecdsa.key", "server-ecdsa-sec1.key"};

static void hex(const unsigned char *data, size_t size)
{
    for (size_t i = 0; i < size; i++)
        printf("%02x", data[i]);
}

static unsigned long checksum(const unsigned char *data, size_t size)
{
    unsigned long sum = 0;
    for (size_t i = 0; i < size; i++)
        sum = (sum * 31 + data[i]) % 4294967291UL;
    return sum;
}

static gnutls_datum_t load(const char *name)
{
    char path[512];
    gnutls_datum_t d = {NULL, 0};
    snprintf(path, sizeof path, FIXTURES "/%s", name);
    if (gnutls_load_file(path, &d) < 0)
        printf("cannot load %s\n", name);
    return d;
}

static void names(void)
{
    for (int i = -1; i < 14; i++) {
        const char *a = gnutls_pk_algorithm_get_name(i);
        printf("pk %d: %s | %s\n", i, a ? a : "(null)", gnutls_pk_get_name(i));
    }
    for (int i = 0; i < 5; i++) {
        const char *n = gnutls_certificate_type_get_name(i);
        printf("certificate type %d: %s\n", i, n ? n : "(null)");
    }
    const char *ids[] = {"X.509", "x509", "RAWPK", "RawPublicKey", "OpenPGP", ""};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        printf("certificate type id '%s': %d\n", ids[i], gnutls_certificate_type_get_id(ids[i]));
    const char *hosts[] = {"localhost", "Example.COM", "a-b.example.org"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        gnutls_datum_t out;
        int r = gnutls_idna_map(hosts[i], strlen(hosts[i]), &out, 0);
        printf("idna '%s': %s %s\n", hosts[i], twoends_code(r), r == 0 ? (char *)out.data : "");
        if (r == 0)
            gnutls_free(out.data);
    }
}

static void key_ids(const char *what, gnutls_x509_crt_t crt, gnutls_pubkey_t pub)
{
    const unsigned flags[] = {0, GNUTLS_KEYID_USE_SHA256, GNUTLS_KEYID_USE_SHA512};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        unsigned char buf[64];
        size_t size = sizeof buf;
        int r = crt ? gnutls_x509_crt_get_key_id(crt, flags[i], buf, &size)
                    : gnutls_pubkey_get_key_id(pub, flags[i], buf, &size);
        printf("  %s key id %u: %s %zu ", what, flags[i], twoends_code(r), size);
        if (r == 0)
            hex(buf, size);
        size = 4;
        r = crt ? gnutls_x509_crt_get_key_id(crt, flags[i], buf, &size)
                : gnutls_pubkey_get_key_id(pub, flags[i], buf, &size);
        printf(" short: %s %zu\n", twoends_code(r), size);
    }
}

static void public_key(gnutls_x509_crt_t crt)
{
    gnutls_pubkey_t pub;
    gnutls_pubkey_init(&pub);
    unsigned bits = 0;
    int r = gnutls_pubkey_get_pk_algorithm(pub, &bits);
    printf("  empty pubkey algorithm: %s\n", twoends_code(r));
    r = gnutls_pubkey_import_x509(pub, crt, 0);
    printf("  pubkey import: %s\n", twoends_code(r));
    r = gnutls_pubkey_get_pk_algorithm(pub, &bits);
    printf("  pubkey algorithm: %d %u\n", r, bits);
    key_ids("pubkey", NULL, pub);
    unsigned char buf[4096];
    size_t size = sizeof buf;
    r = gnutls_pubkey_export(pub, GNUTLS_X509_FMT_DER, buf, &size);
    printf("  pubkey DER: %s %zu %lu\n", twoends_code(r), size, r == 0 ? checksum(buf, size) : 0);
    size = 10;
    r = gnutls_pubkey_export(pub, GNUTLS_X509_FMT_PEM, buf, &size);
    printf("  pubkey PEM short: %s %zu\n", twoends_code(r), size);
    size = sizeof buf;
    r = gnutls_pubkey_export(pub, GNUTLS_X509_FMT_PEM, buf, &size);
    printf("  pubkey PEM: %s %zu\n%s", twoends_code(r), size, r == 0 ? (char *)buf : "");
    gnutls_datum_t out;
    r = gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &out);
    printf("  pubkey export2 DER: %s %u %lu\n", twoends_code(r), r == 0 ? out.size : 0,
           r == 0 ? checksum(out.data, out.size) : 0);
    if (r == 0)
        gnutls_free(out.data);
    gnutls_pubkey_deinit(pub);
}

static void one_certificate(const char *name)
{
    gnutls_datum_t pem = load(name);
    gnutls_x509_crt_t crt;
    gnutls_x509_crt_init(&crt);
    int r = gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM);
    printf("%s: import %s\n", name, twoends_code(r));
    unsigned bits = 0;
    r = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
    printf("  algorithm: %d %u (NULL bits: %d)\n", r, bits, gnutls_x509_crt_get_pk_algorithm(crt, NULL));
    key_ids("crt", crt, NULL);
    const int formats[] = {GNUTLS_CRT_PRINT_ONELINE, GNUTLS_CRT_PRINT_COMPACT};
    for (size_t i = 0; i < 2; i++) {
        gnutls_datum_t out;
        r = gnutls_x509_crt_print(crt, formats[i], &out);
        printf("  print %d: %s\n%s\n", formats[i], twoends_code(r), r == 0 ? (char *)out.data : "");
        if (r == 0)
            gnutls_free(out.data);
    }
    public_key(crt);
    gnutls_pcert_st pcert;
    r = gnutls_pcert_import_x509(&pcert, crt, 0);
    printf("  pcert: %s", twoends_code(r));
    if (r == 0) {
        unsigned pbits = 0;
        printf(" type %d size %u same DER %d key %d", pcert.type, pcert.cert.size,
               pcert.cert.size > 0 && checksum(pcert.cert.data, pcert.cert.size) > 0,
               gnutls_pubkey_get_pk_algorithm(pcert.pubkey, &pbits));
        printf(" %u", pbits);
        gnutls_pcert_deinit(&pcert);
    }
    printf("\n");
    r = gnutls_pcert_import_x509_raw(&pcert, &pem, GNUTLS_X509_FMT_PEM, 0);
    printf("  pcert raw: %s\n", twoends_code(r));
    if (r == 0)
        gnutls_pcert_deinit(&pcert);
    gnutls_x509_crt_deinit(crt);
    gnutls_free(pem.data);
}

static gnutls_datum_t chain_pem(void)
{
    gnutls_datum_t a = load("server-rsa.pem"), b = load("ca.pem");
    gnutls_datum_t both;
    both.size = a.size + b.size;
    both.data = gnutls_malloc(both.size + 1);
    memcpy(both.data, a.data, a.size);
    memcpy(both.data + a.size, b.data, b.size);
    both.data[both.size] = 0;
    gnutls_free(a.data);
    gnutls_free(b.data);
    return both;
}

static void list_imports(void)
{
    gnutls_datum_t both = chain_pem();
    const unsigned rooms[] = {4, 2, 1};
    for (size_t i = 0; i < 3; i++) {
        for (int exceed = 0; exceed < 2; exceed++) {
            unsigned flags = exceed ? GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED : 0;
            gnutls_x509_crt_t list[4];
            unsigned max = rooms[i];
            int r = gnutls_x509_crt_list_import(list, &max, &both, GNUTLS_X509_FMT_PEM, flags);
            printf("list_import room %u flags %u: %s max %u\n", rooms[i], flags, twoends_code(r), max);
            for (int j = 0; j < r; j++)
                gnutls_x509_crt_deinit(list[j]);
            gnutls_pcert_st pcerts[4];
            max = rooms[i];
            r = gnutls_pcert_list_import_x509_raw(pcerts, &max, &both, GNUTLS_X509_FMT_PEM, flags);
            printf("pcert_list_import room %u flags %u: %s max %u\n", rooms[i], flags, twoends_code(r), max);
            if (r == 0)
                for (unsigned j = 0; j < max; j++)
                    gnutls_pcert_deinit(&pcerts[j]);
        }
    }
    gnutls_x509_crt_t list[4];
    unsigned max = 4;
    gnutls_datum_t junk = {(unsigned char *)"junk", 4};
    int r = gnutls_x509_crt_list_import(list, &max, &junk, GNUTLS_X509_FMT_PEM, 0);
    printf("list_import junk: %s\n", twoends_code(r));
    gnutls_free(both.data);
}

static void private_keys(void)
{
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        gnutls_datum_t pem = load(keys[i]);
        gnutls_privkey_t key;
        gnutls_privkey_init(&key);
        unsigned bits = 0;
        /* (GnuTLS crashes asking an empty key its algorithm: not asked.) */
        int r = gnutls_privkey_import_x509_raw(key, &pem, GNUTLS_X509_FMT_PEM, NULL, 0);
        printf("%s: import %s", keys[i], twoends_code(r));
        r = gnutls_privkey_get_pk_algorithm(key, &bits);
        printf(" algorithm %d %u\n", r, bits);
        gnutls_privkey_deinit(key);
        gnutls_free(pem.data);
    }
}

static gnutls_x509_crt_t crt_of(const char *name)
{
    gnutls_datum_t pem = load(name);
    gnutls_x509_crt_t crt;
    gnutls_x509_crt_init(&crt);
    gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM);
    gnutls_free(pem.data);
    return crt;
}

static void verify(gnutls_x509_trust_list_t tl, const char *what, const char *leaf, const char *host,
                   const char *purpose)
{
    gnutls_x509_crt_t chain[1] = {crt_of(leaf)};
    gnutls_typed_vdata_st data[2];
    unsigned n = 0;
    if (host != NULL) {
        data[n].type = GNUTLS_DT_DNS_HOSTNAME;
        data[n].data = (unsigned char *)host;
        data[n].size = 0;
        n++;
    }
    if (purpose != NULL) {
        data[n].type = GNUTLS_DT_KEY_PURPOSE_OID;
        data[n].data = (unsigned char *)purpose;
        data[n].size = 0;
        n++;
    }
    unsigned status = 12345;
    int r = n == 0 ? gnutls_x509_trust_list_verify_crt(tl, chain, 1, 0, &status, NULL)
                   : gnutls_x509_trust_list_verify_crt2(tl, chain, 1, data, n, 0, &status, NULL);
    printf("  verify %s: %s status 0x%x\n", what, twoends_code(r), status);
    gnutls_x509_crt_deinit(chain[0]);
}

static void print_dn(const char *what, int r, gnutls_x509_crt_t crt)
{
    gnutls_datum_t dn = {NULL, 0};
    if (r == 0)
        gnutls_x509_crt_get_dn3(crt, &dn, 0);
    printf("  %s: %s %s\n", what, twoends_code(r), r == 0 ? (char *)dn.data : "");
    if (r == 0)
        gnutls_free(dn.data);
}

/* The issuer of each certificate among a list's anchors, kept by the list
 * or copied; and the same through credentials trusting the test CA. */
static void issuers(gnutls_x509_trust_list_t tl)
{
    const char *leaves[] = {"server-rsa.pem", "stranger.pem", "ca.pem"};
    for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
        gnutls_x509_crt_t leaf = crt_of(leaves[i]), issuer = NULL;
        int r = gnutls_x509_trust_list_get_issuer(tl, leaf, &issuer, 0);
        char what[128];
        snprintf(what, sizeof what, "issuer of %s (kept)", leaves[i]);
        print_dn(what, r, issuer);
        r = gnutls_x509_trust_list_get_issuer(tl, leaf, &issuer, GNUTLS_TL_GET_COPY);
        snprintf(what, sizeof what, "issuer of %s (copy)", leaves[i]);
        print_dn(what, r, issuer);
        if (r == 0)
            gnutls_x509_crt_deinit(issuer);
        gnutls_certificate_credentials_t cred;
        gnutls_certificate_allocate_credentials(&cred);
        gnutls_certificate_set_x509_trust_file(cred, FIXTURES "/ca.pem", GNUTLS_X509_FMT_PEM);
        r = gnutls_certificate_get_issuer(cred, leaf, &issuer, 0);
        snprintf(what, sizeof what, "issuer of %s (credentials)", leaves[i]);
        print_dn(what, r, issuer);
        gnutls_certificate_free_credentials(cred);
        gnutls_x509_crt_deinit(leaf);
    }
}

static void trust_lists(void)
{
    gnutls_x509_trust_list_t tl;
    int r = gnutls_x509_trust_list_init(&tl, 0);
    printf("trust list init: %s\n", twoends_code(r));
    verify(tl, "empty list", "server-rsa.pem", NULL, NULL);
    r = gnutls_x509_trust_list_add_trust_file(tl, FIXTURES "/ca.pem", NULL, GNUTLS_X509_FMT_PEM,
                                              GNUTLS_TL_USE_IN_TLS, 0);
    printf("  add ca.pem: %s\n", twoends_code(r));
    r = gnutls_x509_trust_list_add_trust_file(tl, FIXTURES "/missing.pem", NULL, GNUTLS_X509_FMT_PEM, 0, 0);
    printf("  add missing file: %s\n", twoends_code(r));
    r = gnutls_x509_trust_list_add_trust_file(tl, NULL, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
    printf("  add NULL file: %s\n", twoends_code(r));
    verify(tl, "server-rsa", "server-rsa.pem", NULL, NULL);
    verify(tl, "server-rsa as localhost", "server-rsa.pem", "localhost", NULL);
    verify(tl, "server-rsa as another name", "server-rsa.pem", "wrong.example.org", NULL);
    verify(tl, "server-www as www.example.org", "server-www.pem", "www.example.org", GNUTLS_KP_TLS_WWW_SERVER);
    verify(tl, "client-rsa for a client", "client-rsa.pem", NULL, GNUTLS_KP_TLS_WWW_CLIENT);
    verify(tl, "stranger", "stranger.pem", NULL, NULL);
    gnutls_datum_t other = load("other-ca.pem");
    r = gnutls_x509_trust_list_add_trust_mem(tl, &other, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
    printf("  add other-ca from memory: %s\n", twoends_code(r));
    gnutls_free(other.data);
    verify(tl, "stranger after other-ca", "stranger.pem", NULL, NULL);
    issuers(tl);
    gnutls_x509_trust_list_deinit(tl, 1);

    gnutls_x509_trust_list_init(&tl, 0);
    gnutls_x509_crt_t cas[2] = {crt_of("ca.pem"), crt_of("other-ca.pem")};
    r = gnutls_x509_trust_list_add_cas(tl, cas, 2, 0);
    printf("trust list add_cas: %s\n", twoends_code(r));
    verify(tl, "stranger (CA objects)", "stranger.pem", NULL, NULL);
    verify(tl, "server-ecdsa (CA objects)", "server-ecdsa.pem", "127.0.0.1", NULL);
    gnutls_x509_trust_list_deinit(tl, 1); /* frees the CA objects too */

    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_x509_trust_list_t got = NULL;
    gnutls_x509_trust_list_init(&tl, 0);
    gnutls_certificate_set_trust_list(cred, tl, 0);
    gnutls_certificate_get_trust_list(cred, &got);
    printf("credentials hand back the list they own: %d\n", got == tl);
    gnutls_certificate_free_credentials(cred); /* frees the list */
}

/* The handshakes. */

static gnutls_pcert_st client_pcert;
static gnutls_privkey_t client_key;

static int retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_rdn, int nreqs,
                    const gnutls_pk_algorithm_t *algos, int algos_length, gnutls_pcert_st **pcert,
                    unsigned int *pcert_length, gnutls_privkey_t *key)
{
    (void)session; (void)req_ca_rdn; (void)algos; (void)algos_length;
    say("C retrieve: %d CA names\n", nreqs);
    *pcert = &client_pcert;
    *pcert_length = 1;
    *key = client_key;
    return 0;
}

static void bindings(const char *side, gnutls_session_t s)
{
    for (int kind = 0; kind < 4; kind++) {
        gnutls_datum_t cb = {NULL, 0};
        int r = gnutls_session_channel_binding(s, kind, &cb);
        char text[160] = "";
        if (r == 0 && kind == GNUTLS_CB_TLS_SERVER_END_POINT)
            for (unsigned i = 0; i < cb.size && i < 64; i++)
                snprintf(text + 2 * i, sizeof text - 2 * i, "%02x", cb.data[i]);
        if (r == 0 && kind == GNUTLS_CB_TLS_EXPORTER) {
            char out[32];
            int e = gnutls_prf_rfc5705(s, 24, "EXPORTER-Channel-Binding", 0, "", sizeof out, out);
            snprintf(text, sizeof text, "same as the exporter: %d", e == 0 && cb.size == 32 && !memcmp(out, cb.data, 32));
        }
        say("%s channel binding %d: %s %u %s\n", side, kind, twoends_code(r), cb.size, text);
        if (r == 0)
            gnutls_free(cb.data);
    }
}

static void report(const char *side, gnutls_session_t s)
{
    say("%s auth type %d, certificate type %d/%d, certificate asked for %u\n", side, gnutls_auth_get_type(s),
        gnutls_certificate_type_get2(s, GNUTLS_CTYPE_CLIENT), gnutls_certificate_type_get2(s, GNUTLS_CTYPE_SERVER),
        gnutls_certificate_client_get_request_status(s));
    say("%s safe renegotiation %u, EtM %u, OCSP checked %u\n", side, gnutls_safe_renegotiation_status(s),
        gnutls_session_etm_status(s), gnutls_ocsp_status_request_is_checked(s, 0));
    say("%s signatures: server %d, client %d\n", side, gnutls_sign_algorithm_get(s),
        gnutls_sign_algorithm_get_client(s));
}

static void server(int fd, int n)
{
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_certificate_set_x509_trust_file(cred, FIXTURES "/ca.pem", GNUTLS_X509_FMT_PEM);
    /* The chain and key as gnutls_certificate_set_key takes them: the
     * credentials own the pcerts' contents and the key from here on. */
    gnutls_datum_t pem = load("server-ecdsa.pem"), key_pem = load("server-ecdsa.key");
    gnutls_pcert_st *chain = gnutls_malloc(sizeof *chain);
    unsigned count = 1;
    int r = gnutls_pcert_list_import_x509_raw(chain, &count, &pem, GNUTLS_X509_FMT_PEM, 0);
    gnutls_privkey_t key;
    gnutls_privkey_init(&key);
    int k = gnutls_privkey_import_x509_raw(key, &key_pem, GNUTLS_X509_FMT_PEM, NULL, 0);
    r = r < 0 ? r : k < 0 ? k : gnutls_certificate_set_key(cred, NULL, 0, chain, 1, key);
    say("S set_key %s\n", twoends_code(r));
    gnutls_free(chain); /* the array stays ours */
    gnutls_free(pem.data);
    gnutls_free(key_pem.data);
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, TLS13, cred, fd);
    if (n == 1)
        gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
    report("S before", s);
    bindings("S before", s);
    r = gnutls_handshake(s);
    say("S handshake %s\n", twoends_code(r));
    if (r == 0) {
        report("S", s);
        bindings("S", s);
        unsigned size = 0;
        const gnutls_datum_t *peer = gnutls_certificate_get_peers(s, &size);
        say("S client sent %u certificate(s)\n", size);
        if (size > 0) {
            gnutls_x509_crt_t crt;
            gnutls_x509_crt_init(&crt);
            gnutls_x509_crt_import(crt, &peer[0], GNUTLS_X509_FMT_DER);
            gnutls_datum_t dn;
            if (gnutls_x509_crt_get_dn3(crt, &dn, 0) == 0) {
                say("S client: %s\n", dn.data);
                gnutls_free(dn.data);
            }
            gnutls_x509_crt_deinit(crt);
        }
        gnutls_bye(s, GNUTLS_SHUT_WR);
    }
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_x509_trust_list_t tl;
    gnutls_x509_trust_list_init(&tl, 0);
    gnutls_certificate_set_trust_list(cred, tl, 0);
    /* Anchors added after the list was handed over count. */
    int r = gnutls_x509_trust_list_add_trust_file(tl, FIXTURES "/ca.pem", NULL, GNUTLS_X509_FMT_PEM, 0, 0);
    say("C anchors %s\n", twoends_code(r));
    if (n == 1) {
        gnutls_datum_t pem = load("client-rsa.pem"), key_pem = load("client-rsa.key");
        gnutls_pcert_import_x509_raw(&client_pcert, &pem, GNUTLS_X509_FMT_PEM, 0);
        gnutls_privkey_init(&client_key);
        gnutls_privkey_import_x509_raw(client_key, &key_pem, GNUTLS_X509_FMT_PEM, NULL, 0);
        gnutls_free(pem.data);
        gnutls_free(key_pem.data);
        gnutls_certificate_set_retrieve_function2(cred, retrieve);
    }
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, TLS13, cred, fd);
    gnutls_session_set_verify_cert(s, "localhost", 0);
    r = gnutls_handshake(s);
    say("C handshake %s\n", twoends_code(r));
    if (r == 0) {
        report("C", s);
        bindings("C", s);
        say("C verify status %u\n", gnutls_session_get_verify_cert_status(s));
        gnutls_bye(s, GNUTLS_SHUT_WR);
    }
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
    if (n == 1) {
        /* A retrieve_function2 answer stays the application's. */
        gnutls_pcert_deinit(&client_pcert);
        gnutls_privkey_deinit(client_key);
    }
}

int main(void)
{
    gnutls_global_init();
    names();
    for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++)
        one_certificate(certs[i]);
    list_imports();
    private_keys();
    trust_lists();
    fflush(stdout);
    twoends_run(2, server, client);
    gnutls_global_deinit();
    return 0;
}
