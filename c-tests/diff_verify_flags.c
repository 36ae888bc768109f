/* Differential: GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES. The server's
 * certificate names localhost (dNSName) and 127.0.0.1 (iPAddress). A
 * client checks the name 127.0.0.1 or localhost with
 * gnutls_session_set_verify_cert, with and without the flag there or on
 * the credentials (gnutls_certificate_set_verify_flags); with the flag an
 * address is matched as a DNS name, so nothing matches it. After the
 * handshake gnutls_certificate_verify_peers3 checks the same name. The
 * output must be the same built against the system GnuTLS and against
 * stepup. FIXTURES is the test PKI directory. */
#include <stdio.h>

#include <gnutls/x509.h>

#include "twoends.h"

#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

struct scenario {
    const char *name;
    unsigned session_flags;    /* given to gnutls_session_set_verify_cert */
    unsigned credential_flags; /* gnutls_certificate_set_verify_flags */
};

static const struct scenario scenarios[] = {
    {"127.0.0.1", 0, 0},
    {"127.0.0.1", GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES, 0},
    {"127.0.0.1", 0, GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES},
    {"localhost", GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES, 0},
    {"localhost", 0, GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES},
};
#define SCENARIOS (int)(sizeof scenarios / sizeof scenarios[0])

static void server(int fd, int n)
{
    (void)n;
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, TLS13, cred, fd);
    int r = gnutls_handshake(s);
    say("S handshake %s\n", r == 0 ? "ok" : "failed");
    if (r == 0)
        gnutls_bye(s, GNUTLS_SHUT_WR);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_certificate_set_verify_flags(cred, sc->credential_flags);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, TLS13, cred, fd);
    say("C %s, flag on the session %d, on the credentials %d\n", sc->name, sc->session_flags != 0,
        sc->credential_flags != 0);
    gnutls_session_set_verify_cert(s, sc->name, sc->session_flags);
    int r = gnutls_handshake(s);
    say("C handshake %s\n", twoends_code(r));
    say("C verify cert status %#x\n", gnutls_session_get_verify_cert_status(s));
    unsigned status = 99;
    r = gnutls_certificate_verify_peers3(s, sc->name, &status);
    say("C verify_peers3 %s status %#x\n", twoends_code(r), status);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    return twoends_main(SCENARIOS, server, client);
}
