/* Differential: private keys in the encodings GnuTLS reads. Each key is
 * loaded with gnutls_certificate_set_x509_key_file2 (and imported with
 * gnutls_x509_privkey_import), then the server handshakes with it and the
 * client verifies the server: PKCS#8 PEM, SEC 1 (BEGIN EC PRIVATE KEY) on
 * P-256 and P-384, SEC 1 whose scalar is written with a leading zero byte
 * (as in GnuTLS's own test keys), DER key and certificate, and mismatched
 * formats (DER read as PEM, PEM read as DER). The output must be the same
 * built against the system GnuTLS and against stepup. FIXTURES is the test
 * PKI directory. */
#include <stdio.h>
#include <stdlib.h>

#include <gnutls/x509.h>

#include "twoends.h"

#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

struct scenario {
    const char *what;
    const char *cert;
    const char *key;
    gnutls_x509_crt_fmt_t format;
};

static const struct scenario scenarios[] = {
    {"PKCS#8 PEM", "server-ecdsa.pem", "server-ecdsa.key", GNUTLS_X509_FMT_PEM},
    {"SEC 1 PEM, P-256", "server-ecdsa.pem", "server-ecdsa-sec1.key", GNUTLS_X509_FMT_PEM},
    {"SEC 1 PEM, P-384", "server-p384.pem", "server-p384-sec1.key", GNUTLS_X509_FMT_PEM},
    {"SEC 1 PEM, scalar with a leading zero byte", "server-ecdsa.pem", "server-ecdsa-padded.key", GNUTLS_X509_FMT_PEM},
    {"DER key and certificate", "server-ecdsa.der", "server-ecdsa-key.der", GNUTLS_X509_FMT_DER},
    {"DER read as PEM", "server-ecdsa.der", "server-ecdsa-key.der", GNUTLS_X509_FMT_PEM},
    {"PEM read as DER", "server-ecdsa.pem", "server-ecdsa.key", GNUTLS_X509_FMT_DER},
    {"RSA PKCS#8 PEM", "server-rsa.pem", "server-rsa.key", GNUTLS_X509_FMT_PEM},
};
#define SCENARIOS (int)(sizeof scenarios / sizeof scenarios[0])

static int import_key(const char *path, gnutls_x509_crt_fmt_t format)
{
    gnutls_datum_t data = {NULL, 0};
    int r = gnutls_load_file(path, &data);
    if (r < 0)
        return r;
    gnutls_x509_privkey_t key;
    r = gnutls_x509_privkey_init(&key);
    if (r == 0) {
        r = gnutls_x509_privkey_import(key, &data, format);
        gnutls_x509_privkey_deinit(key);
    }
    gnutls_free(data.data);
    return r;
}

static void server(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    char cert[512], key[512];
    snprintf(cert, sizeof cert, FIXTURES "/%s", sc->cert);
    snprintf(key, sizeof key, FIXTURES "/%s", sc->key);
    say("S %s\n", sc->what);
    say("S import %s\n", twoends_code(import_key(key, sc->format)));
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    int r = gnutls_certificate_set_x509_key_file2(cred, cert, key, sc->format, NULL, 0);
    say("S load %s\n", twoends_code(r));
    if (r < 0) {
        /* Nothing to serve with: the client sees the connection close. */
        gnutls_certificate_free_credentials(cred);
        return;
    }
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, TLS13, cred, fd);
    r = gnutls_handshake(s);
    say("S handshake %s\n", twoends_code(r));
    if (r == 0)
        gnutls_bye(s, GNUTLS_SHUT_WR);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    (void)n;
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, TLS13, cred, fd);
    gnutls_session_set_verify_cert(s, "localhost", 0);
    int r = gnutls_handshake(s);
    say("C handshake %s\n", r == 0 ? "ok" : "failed");
    if (r == 0) {
        char buf[8];
        gnutls_record_recv(s, buf, sizeof buf);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    return twoends_main(SCENARIOS, server, client);
}
