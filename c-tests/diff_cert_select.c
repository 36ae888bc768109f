/* Differential: a server whose credentials hold several certificates
 * presents the one that fits the ClientHello: a certificate whose names
 * (subjectAltName DNS names, else the subject's common name) hold the
 * client's server name, if its key signs with one of the client's
 * signature algorithms; else the first certificate whose key does. The
 * client prints the subject of what it received and the signature
 * algorithm. Names are compared exactly: no wildcard, no case folding.
 * The output must be the same built against the system GnuTLS and against
 * stepup. FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <string.h>

#include <gnutls/x509.h>

#include "twoends.h"

#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define RSA_ONLY TLS13 ":-SIGN-ALL:+SIGN-RSA-PSS-RSAE-SHA256:+SIGN-RSA-PSS-RSAE-SHA384"
#define EDDSA_ONLY TLS13 ":-SIGN-ALL:+SIGN-EdDSA-Ed25519"

struct scenario {
    const char *what;
    const char *server_name; /* NULL: no SNI */
    const char *priority;    /* the client's */
};

static const struct scenario scenarios[] = {
    {"the second certificate by its DNS name", "www.example.org", TLS13},
    {"the second certificate by its other DNS name", "example.org", TLS13},
    {"the first certificate by its name", "localhost", TLS13},
    {"no server name: the first", NULL, TLS13},
    {"an unknown name: the first", "unknown.example.org", TLS13},
    {"names compare exactly", "WWW.example.org", TLS13},
    {"the name's key cannot sign for the client: the first that can", "www.example.org", RSA_ONLY},
    {"localhost with RSA only: the RSA certificate", "localhost", RSA_ONLY},
    {"Ed25519 only: the Ed25519 certificate", "www.example.org", EDDSA_ONLY},
};
#define SCENARIOS (int)(sizeof scenarios / sizeof scenarios[0])

static void add(gnutls_certificate_credentials_t cred, const char *kind)
{
    char cert[512], key[512];
    snprintf(cert, sizeof cert, FIXTURES "/server-%s.pem", kind);
    snprintf(key, sizeof key, FIXTURES "/server-%s.key", kind);
    int r = gnutls_certificate_set_x509_key_file2(cred, cert, key, GNUTLS_X509_FMT_PEM, NULL, 0);
    say("S add %s %s\n", kind, twoends_code(r));
}

static void server(int fd, int n)
{
    (void)n;
    gnutls_certificate_credentials_t cred = twoends_credentials("server", NULL);
    add(cred, "ecdsa");
    add(cred, "www");
    add(cred, "rsa");
    add(cred, "ed25519");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, TLS13, cred, fd);
    int r = gnutls_handshake(s);
    say("S handshake %s\n", twoends_code(r));
    if (r == 0) {
        const gnutls_datum_t *ours = gnutls_certificate_get_ours(s);
        say("S sent our certificate %s\n", ours != NULL && ours->size > 0 ? "yes" : "no");
        gnutls_bye(s, GNUTLS_SHUT_WR);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, sc->priority, cred, fd);
    say("C %s\n", sc->what);
    if (sc->server_name != NULL)
        gnutls_server_name_set(s, GNUTLS_NAME_DNS, sc->server_name, strlen(sc->server_name));
    int r = gnutls_handshake(s);
    say("C handshake %s\n", twoends_code(r));
    if (r == 0) {
        unsigned count = 0;
        const gnutls_datum_t *peers = gnutls_certificate_get_peers(s, &count);
        gnutls_x509_crt_t crt;
        gnutls_datum_t dn = {NULL, 0};
        if (count > 0 && gnutls_x509_crt_init(&crt) == 0) {
            if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) == 0 &&
                gnutls_x509_crt_get_dn3(crt, &dn, 0) == 0) {
                say("C server certificate %s\n", (const char *)dn.data);
                gnutls_free(dn.data);
            }
            gnutls_x509_crt_deinit(crt);
        }
        say("C signature %s\n", gnutls_sign_get_name(gnutls_sign_algorithm_get(s)));
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
