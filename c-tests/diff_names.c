/* Differential: the algorithm, alert and protocol names; the verification
 * status texts; the DNs of certificates; priority objects and their error
 * positions; and what a session reports after a TLS 1.3 handshake between
 * two processes over a socketpair (description, key exchange, MAC, group,
 * cipher, protocol, verification status, peer verification callback, last
 * alert). Built against the system GnuTLS and against stepup, the outputs
 * must be identical. FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "twoends.h"

#ifndef FIXTURES
#error "build with -DFIXTURES=\"path/to/tests/fixtures\""
#endif

/* A certificate with a many-attribute subject: multi-valued RDN, UTF-8, and
 * characters RFC 4514 escapes. */
static const char dn_pem[] =
"-----BEGIN CERTIFICATE-----\n"
"MIIEDzCCA7WgAwIBAgIUKV5WMipsfL89bGnptIhyqD5rm8UwCgYIKoZIzj0EAwIw\n"
"ggFaMRMwEQYKCZImiZPyLGQBGRYDb3JnMRcwFQYKCZImiZPyLGQBGRYHZXhhbXBs\n"
"ZTELMAkGA1UEBhMCR0IxFDASBgNVBAgMC1NvbWUsIFN0YXRlMSMwDgYDVQQHDAda\n"
"w7xyaWNoMBEGA1UECwwKTXVsdGkgVW5pdDEcMBoGA1UECgwTT3JnICJRdW90ZWQi\n"
"IDx4Pjs9eTElMCMGA1UEAwwcI2xlYWRpbmcgc3BhY2UgYW5kIHRyYWlsaW5nIDEe\n"
"MBwGCSqGSIb3DQEJARYPd2hvQGV4YW1wbGUub3JnMQswCQYDVQQFEwI0MjEUMBIG\n"
"CgmSJomT8ixkAQEMBHVpZDExDDAKBgNVBAwMA0RyLjEMMAoGA1UEKgwDQWRhMREw\n"
"DwYDVQQEDAhMb3ZlbGFjZTEMMAoGA1UEDwwDYml6MRAwDgYDVQQRDAdBQjEgMkNE\n"
"MQswCQYDVQRBDAJwczAgFw0yNjExMjMxNzE1NDNaGA8yMTI2MTAzMDE3MTU0M1ow\n"
"ggFaMRMwEQYKCZImiZPyLGQBGRYDb3JnMRcwFQYKCZImiZPyLGQBGRYHZXhhbXBs\n"
"ZTELMAkGA1UEBhMCR0IxFDASBgNVBAgMC1NvbWUsIFN0YXRlMSMwDgYDVQQHDAda\n"
"w7xyaWNoMBEGA1UECwwKTXVsdGkgVW5pdDEcMBoGA1UECgwTT3JnICJRdW90ZWQi\n"
"IDx4Pjs9eTElMCMGA1UEAwwcI2xlYWRpbmcgc3BhY2UgYW5kIHRyYWlsaW5nIDEe\n"
"MBwGCSqGSIb3DQEJARYPd2hvQGV4YW1wbGUub3JnMQswCQYDVQQFEwI0MjEUMBIG\n"
"CgmSJomT8ixkAQEMBHVpZDExDDAKBgNVBAwMA0RyLjEMMAoGA1UEKgwDQWRhMREw\n"
"DwYDVQQEDAhMb3ZlbGFjZTEMMAoGA1UEDwwDYml6MRAwDgYDVQQRDAdBQjEgMkNE\n"
"MQswCQYDVQRBDAJwczBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABPa7C8oTDGV+\n"
"Snt2iNpXKf67m6o/mgCJQqvfI1C94HIlfIeex5w4I9xFlbARLZONa8IQioKktdc3\n"
"6oi7X1HCSEejUzBRMB0GA1UdDgQWBBSrRTYp7I2W65ZPA3r6qKUP/1jutDAfBgNV\n"
"HSMEGDAWgBSrRTYp7I2W65ZPA3r6qKUP/1jutDAPBgNVHRMBAf8EBTADAQH/MAoG\n"
"CCqGSM49BAMCA0gAMEUCIFDGrYv//+I4KA7caVZ1ZNsX7BdgbPtimLH5QI58HJIC\n"
"AiEAghlEpyDKBCFXIrvAuxvdDVfnA11SZiWCxsYnx1H2eD8=\n"
"-----END CERTIFICATE-----\n"
    ;

static const char *str(const char *s)
{
    return s ? s : "(null)";
}

static void names(void)
{
    for (int v = 0; v <= 256; v++)
        printf("protocol %d %s\n", v, str(gnutls_protocol_get_name((gnutls_protocol_t)v)));
    for (int v = 0; v <= 256; v++)
        printf("cipher %d %s\n", v, str(gnutls_cipher_get_name((gnutls_cipher_algorithm_t)v)));
    for (int v = 0; v <= 256; v++)
        printf("mac %d %s\n", v, str(gnutls_mac_get_name((gnutls_mac_algorithm_t)v)));
    for (int v = 0; v <= 256; v++)
        printf("digest %d %s\n", v, str(gnutls_digest_get_name((gnutls_digest_algorithm_t)v)));
    for (int v = 0; v <= 64; v++)
        printf("sign %d %s\n", v, str(gnutls_sign_get_name((gnutls_sign_algorithm_t)v)));
    for (int v = 0; v <= 300; v++)
        printf("group %d %s\n", v, str(gnutls_group_get_name((gnutls_group_t)v)));
    for (int v = 0; v <= 32; v++)
        printf("kx %d %s\n", v, str(gnutls_kx_get_name((gnutls_kx_algorithm_t)v)));
    for (int v = 0; v <= 255; v++)
        printf("alert %d %s\n", v, str(gnutls_alert_get_name((gnutls_alert_description_t)v)));
}

static void status_print(unsigned status)
{
    gnutls_datum_t out = {NULL, 0};
    int r = gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0);
    printf("status %#x -> %d '%s' (%u)\n", status, r, out.data ? (char *)out.data : "(null)",
           out.size);
    gnutls_free(out.data);
}

static void statuses(void)
{
    status_print(0);
    for (int bit = 0; bit < 24; bit++)
        status_print(1u << bit);
    status_print(GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND);
    status_print(GNUTLS_CERT_INVALID | GNUTLS_CERT_EXPIRED | GNUTLS_CERT_UNEXPECTED_OWNER);
    status_print(GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_NOT_ACTIVATED |
                 GNUTLS_CERT_INSECURE_ALGORITHM);
    status_print(GNUTLS_CERT_INVALID | GNUTLS_CERT_REVOKED | GNUTLS_CERT_SIGNER_NOT_CA |
                 GNUTLS_CERT_PURPOSE_MISMATCH | GNUTLS_CERT_MISMATCH);
    status_print(0xffffffffu);
}

static void print_dns(const char *label, gnutls_x509_crt_t crt)
{
    for (unsigned flags = 0; flags <= GNUTLS_X509_DN_FLAG_COMPAT; flags++) {
        gnutls_datum_t dn = {NULL, 0}, issuer = {NULL, 0};
        int r = gnutls_x509_crt_get_dn3(crt, &dn, flags);
        int q = gnutls_x509_crt_get_issuer_dn3(crt, &issuer, flags);
        printf("%s flags=%u dn %d '%s'\n", label, flags, r, dn.data ? (char *)dn.data : "(null)");
        printf("%s flags=%u issuer %d '%s'\n", label, flags, q,
               issuer.data ? (char *)issuer.data : "(null)");
        gnutls_free(dn.data);
        gnutls_free(issuer.data);
    }
}

static int read_file(const char *path, gnutls_datum_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    static unsigned char buf[16384];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    out->data = buf;
    out->size = (unsigned)n;
    return 0;
}

static void certificates(void)
{
    static const char *const files[] = {"ca", "server-ecdsa", "server-rsa", "server-ed25519",
                                        "server-p384", "client-ecdsa", "client-rsa",
                                        "other-ca", "stranger"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        gnutls_datum_t pem;
        snprintf(path, sizeof path, FIXTURES "/%s.pem", files[i]);
        if (read_file(path, &pem) != 0) {
            printf("%s unreadable\n", files[i]);
            continue;
        }
        gnutls_x509_crt_t crt;
        printf("%s init %d\n", files[i], gnutls_x509_crt_init(&crt));
        printf("%s import %d\n", files[i], gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM));
        print_dns(files[i], crt);
        gnutls_x509_crt_deinit(crt);
    }

    gnutls_datum_t pem = {(unsigned char *)dn_pem, sizeof dn_pem - 1};
    gnutls_x509_crt_t crt;
    gnutls_x509_crt_init(&crt);
    printf("dn import %d\n", gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM));
    print_dns("dn", crt);
    gnutls_x509_crt_deinit(crt);

    /* DER: decode the PEM body by hand (base64). */
    static unsigned char der[4096];
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0;
    const char *p = strstr(dn_pem, "\n") + 1;
    const char *end = strstr(dn_pem, "-----END");
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (; p < end; p++) {
        const char *c = strchr(b64, *p);
        if (*p == '\n' || *p == '=' || !c)
            continue;
        acc = (acc << 6) | (unsigned)(c - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            der[n++] = (unsigned char)(acc >> bits);
        }
    }
    gnutls_datum_t d = {der, (unsigned)n};
    gnutls_x509_crt_init(&crt);
    printf("der import %d\n", gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER));
    print_dns("der", crt);
    printf("der as pem %d\n", gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM) < 0);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_crt_init(&crt);
    d.size = 10;
    printf("truncated der %d\n", gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0);
    gnutls_x509_crt_deinit(crt);

    /* A list: two PEM certificates in one buffer. */
    static char two[8192];
    gnutls_datum_t a, b;
    read_file(FIXTURES "/server-ecdsa.pem", &a);
    memcpy(two, a.data, a.size);
    size_t used = a.size;
    read_file(FIXTURES "/ca.pem", &b);
    memcpy(two + used, b.data, b.size);
    used += b.size;
    gnutls_datum_t list = {(unsigned char *)two, (unsigned)used};
    gnutls_x509_crt_t *crts = NULL;
    unsigned count = 0;
    int r = gnutls_x509_crt_list_import2(&crts, &count, &list, GNUTLS_X509_FMT_PEM, 0);
    printf("list import %d count %u\n", r, count);
    for (unsigned i = 0; r >= 0 && i < count; i++) {
        char label[32];
        snprintf(label, sizeof label, "list[%u]", i);
        print_dns(label, crts[i]);
        gnutls_x509_crt_deinit(crts[i]);
    }
    gnutls_free(crts);
}

static void priorities(void)
{
    static const char *const strings[] = {
        "NORMAL", "NORMAL:-VERS-ALL:+VERS-TLS1.3", "NORMAL:+BOGUS", "NORMAL:-VERS-ALL:+NOPE-1",
        "WHATEVER", "NONE:+VERS-TLS1.3:+AES-256-GCM:+GROUP-SECP384R1:+SIGN-ALL:+KX-ALL",
        "NORMAL:%SERVER_PRECEDENCE"};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        gnutls_priority_t prio = NULL;
        const char *err = NULL;
        int r = gnutls_priority_init(&prio, strings[i], &err);
        printf("priority_init '%s' -> %d err_pos %ld\n", strings[i], r,
               err ? (long)(err - strings[i]) : -1L);
        if (r == 0)
            gnutls_priority_deinit(prio);
        prio = NULL;
        err = NULL;
        r = gnutls_priority_init2(&prio, strings[i], &err, 0);
        printf("priority_init2 '%s' -> %d err_pos %ld\n", strings[i], r,
               err ? (long)(err - strings[i]) : -1L);
        if (r == 0)
            gnutls_priority_deinit(prio);
    }
    gnutls_priority_t prio = NULL;
    printf("priority_init NULL -> %d\n", gnutls_priority_init(&prio, NULL, NULL));
    gnutls_priority_deinit(prio);
    /* The suites and ciphers of priorities within what both libraries
     * negotiate; the loop ends as GnuTLS's documentation shows. */
    static const char *const listed[] = {
        "NONE:+VERS-TLS1.3:+AES-256-GCM:+AES-128-GCM:+AEAD:+GROUP-ALL:+SIGN-ALL",
        "NONE:+VERS-TLS1.2:+CHACHA20-POLY1305:+AES-128-GCM:+AEAD:+ECDHE-RSA:+ECDHE-ECDSA:+GROUP-ALL:+SIGN-ALL:+CTYPE-X509",
        "NONE:+VERS-TLS1.3:+VERS-TLS1.2:+AES-256-GCM:+AEAD:+ECDHE-RSA:+GROUP-ALL:+SIGN-ALL"};
    for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++) {
        prio = NULL;
        if (gnutls_priority_init(&prio, listed[i], NULL) != 0) {
            printf("priority_init '%s' failed\n", listed[i]);
            continue;
        }
        printf("suites of '%s':", listed[i]);
        unsigned sidx = 0;
        int r;
        for (unsigned idx = 0; (r = gnutls_priority_get_cipher_suite_index(prio, idx, &sidx)) != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE && idx < 100; idx++) {
            if (r == 0)
                printf(" %s", gnutls_cipher_suite_info(sidx, NULL, NULL, NULL, NULL, NULL));
            else
                printf(" (%d)", r);
        }
        const unsigned *ciphers = NULL;
        r = gnutls_priority_cipher_list(prio, &ciphers);
        printf("\n  %d ciphers:", r);
        for (int c = 0; c < r; c++)
            printf(" %s", gnutls_cipher_get_name((gnutls_cipher_algorithm_t)ciphers[c]));
        printf("\n");
        gnutls_priority_deinit(prio);
    }
}

/* The handshake scenarios. */
struct scenario {
    const char *kind;     /* server key type */
    const char *priority; /* both sides */
    int client_cert;      /* the server requires a client certificate */
    int callback_fails;   /* the client's verify callback returns nonzero */
    const char *hostname; /* for verify_peers3 */
    int reauth;           /* post-handshake authentication after the handshake */
};

static const struct scenario scenarios[] = {
    {"ecdsa", "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP256R1", 0, 0, "localhost", 0},
    {"rsa", "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519:-CIPHER-ALL:+AES-128-GCM", 1,
     0, "wrong.example", 0},
    {"ed25519",
     "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP384R1:-CIPHER-ALL:+CHACHA20-POLY1305",
     0, 0, "localhost", 0},
    {"p384", "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519", 1, 0, "localhost", 0},
    {"ecdsa", "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP256R1", 0, 1, "localhost", 0},
    {"ecdsa", "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519", 0, 0, "localhost", 1},
};

static int callback_calls;
static int callback_result;

static int verify_callback(gnutls_session_t session)
{
    callback_calls++;
    unsigned status = 99;
    int r = gnutls_certificate_verify_peers2(session, &status);
    say("  callback verify %d status %#x\n", r, status);
    return callback_result;
}

static gnutls_certificate_credentials_t credentials(const char *role, const char *kind)
{
    gnutls_certificate_credentials_t cred = twoends_credentials(role, kind);
    gnutls_certificate_set_verify_flags(cred, 0);
    gnutls_certificate_set_verify_function(cred, verify_callback);
    return cred;
}

static void report(const char *side, gnutls_session_t s, const struct scenario *sc)
{
    char *desc = gnutls_session_get_desc(s);
    say("%s desc %s\n", side, str(desc));
    gnutls_free(desc);
    say("%s protocol %s\n", side, str(gnutls_protocol_get_name(gnutls_protocol_get_version(s))));
    say("%s cipher %s\n", side, str(gnutls_cipher_get_name(gnutls_cipher_get(s))));
    say("%s mac %s\n", side, str(gnutls_mac_get_name(gnutls_mac_get(s))));
    say("%s kx %d %s\n", side, gnutls_kx_get(s), str(gnutls_kx_get_name(gnutls_kx_get(s))));
    say("%s group %d %s\n", side, gnutls_group_get(s), str(gnutls_group_get_name(gnutls_group_get(s))));
    say("%s certificate type %d\n", side, gnutls_certificate_type_get(s));
    unsigned status = 99;
    int r = gnutls_certificate_verify_peers3(s, sc->hostname, &status);
    say("%s verify_peers3 %s %d status %#x\n", side, sc->hostname, r, status);
    status = 99;
    r = gnutls_certificate_verify_peers3(s, NULL, &status);
    say("%s verify_peers3 NULL %d status %#x\n", side, r, status);
    say("%s verify_cert_status %#x\n", side, gnutls_session_get_verify_cert_status(s));
    char name[64];
    size_t len = 3;
    unsigned type = 99;
    r = gnutls_server_name_get(s, name, &len, &type, 0);
    say("%s server_name short buffer %d len %zu\n", side, r, len);
    len = sizeof name;
    r = gnutls_server_name_get(s, name, &len, &type, 0);
    say("%s server_name %d '%s' len %zu type %u\n", side, r, r == 0 ? name : "", len, type);
    len = sizeof name;
    say("%s server_name index 1 %d\n", side, gnutls_server_name_get(s, name, &len, &type, 1));
}

static void server(int fd, const struct scenario *sc)
{
    gnutls_certificate_credentials_t cred = credentials("server", sc->kind);
    gnutls_session_t s;
    gnutls_init(&s, GNUTLS_SERVER | (sc->reauth ? GNUTLS_POST_HANDSHAKE_AUTH : 0));
    gnutls_priority_t prio;
    gnutls_priority_init(&prio, sc->priority, NULL);
    gnutls_priority_set(s, prio);
    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    void *got = NULL;
    int r0 = gnutls_credentials_get(s, GNUTLS_CRD_CERTIFICATE, &got);
    say("S credentials_get certificate %d same %d\n", r0, got == (void *)cred);
    say("S credentials_get psk %d\n", gnutls_credentials_get(s, GNUTLS_CRD_PSK, &got));
    gnutls_certificate_server_set_request(s, sc->client_cert ? GNUTLS_CERT_REQUIRE : GNUTLS_CERT_IGNORE);
    gnutls_handshake_set_timeout(s, 20000);
    gnutls_record_set_timeout(s, 20000);
    gnutls_transport_set_int(s, fd);
    callback_result = 0;
    callback_calls = 0;
    int r = gnutls_handshake(s);
    /* When the client's verify function refuses, the client stops before its
     * Finished and closes: how the server sees that (PULL_ERROR,
     * PREMATURE_TERMINATION) is timing, not semantics. */
    if (sc->callback_fails)
        say("S handshake %s callback calls %d\n", r < 0 ? "failed" : "ok", callback_calls);
    else
        say("S handshake %d callback calls %d\n", r, callback_calls);
    if (r == 0 && sc->reauth) {
        gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
        int a;
        do {
            a = gnutls_reauth(s, 0);
        } while (a == GNUTLS_E_AGAIN || a == GNUTLS_E_INTERRUPTED);
        say("S reauth %d callback calls %d\n", a, callback_calls);
    }
    if (r == 0) {
        report("S", s, sc);
        char buf[64];
        int n = (int)gnutls_record_recv(s, buf, sizeof buf);
        say("S recv %d alert %s\n", n, str(gnutls_alert_get_name(gnutls_alert_get(s))));
        gnutls_bye(s, GNUTLS_SHUT_WR);
    } else {
        say("S alert %d %s\n", (int)gnutls_alert_get(s), str(gnutls_alert_get_name(gnutls_alert_get(s))));
    }
    gnutls_deinit(s);
    gnutls_priority_deinit(prio);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, const struct scenario *sc)
{
    gnutls_certificate_credentials_t cred = credentials("client", "ecdsa");
    gnutls_session_t s;
    gnutls_init(&s, GNUTLS_CLIENT | (sc->reauth ? GNUTLS_POST_HANDSHAKE_AUTH : 0));
    const char *err = NULL;
    gnutls_priority_set_direct(s, sc->priority, &err);
    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    gnutls_transport_set_int(s, fd);
    callback_result = sc->callback_fails;
    callback_calls = 0;
    int r = gnutls_handshake(s);
    say("C handshake %d callback calls %d\n", r, callback_calls);
    if (r == 0 && sc->reauth) {
        char buf[64];
        int n = (int)gnutls_record_recv(s, buf, sizeof buf);
        say("C recv %d\n", n);
        if (n == GNUTLS_E_REAUTH_REQUEST)
            say("C reauth %d\n", gnutls_reauth(s, 0));
    }
    if (r == 0) {
        report("C", s, sc);
        gnutls_bye(s, GNUTLS_SHUT_WR);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static int log_calls;
static void log_func(int level, const char *text)
{
    (void)level;
    (void)text;
    log_calls++;
}

/* The sides of scenario i, for the two-ends runner. */
static void server_at(int fd, int i)
{
    callback_calls = 0;
    say("S with %s %s\n", scenarios[i].kind, scenarios[i].priority);
    server(fd, &scenarios[i]);
}

static void client_at(int fd, int i)
{
    client(fd, &scenarios[i]);
}

int main(void)
{
    gnutls_global_init();
    gnutls_global_set_log_function(log_func);
    gnutls_global_set_log_level(0);
    names();
    statuses();
    certificates();
    priorities();
    fflush(stdout);
    twoends_run((int)(sizeof scenarios / sizeof scenarios[0]), server_at, client_at);
    printf("log calls at level 0: %d\n", log_calls);
    gnutls_global_deinit();
    return 0;
}
