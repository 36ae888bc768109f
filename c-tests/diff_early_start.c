/* Differential: early start (GNUTLS_ENABLE_EARLY_START). A server that
 * asks no client certificate completes its handshake once its Finished is
 * out (GNUTLS_SFLAGS_EARLY_START on the server, never on the client), sends
 * at once, and handles the client's Finished with the data that follows.
 * A certificate request (REQUEST or REQUIRE) or no flag means no early
 * start. Each end then sends a message and reads the other's. The output
 * must be the same built against the system GnuTLS and against stepup.
 * FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <string.h>

#include "twoends.h"

#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

struct scenario {
    const char *what;
    unsigned server_flags;
    gnutls_certificate_request_t request;
    const char *client_cert;
};

static const struct scenario scenarios[] = {
    {"early start", GNUTLS_ENABLE_EARLY_START, GNUTLS_CERT_IGNORE, NULL},
    {"early start, certificate required", GNUTLS_ENABLE_EARLY_START, GNUTLS_CERT_REQUIRE, "ecdsa"},
    {"early start, certificate requested, none sent", GNUTLS_ENABLE_EARLY_START, GNUTLS_CERT_REQUEST, NULL},
    {"no early start flag", 0, GNUTLS_CERT_IGNORE, NULL},
};
#define SCENARIOS (int)(sizeof scenarios / sizeof scenarios[0])

static void exchange(gnutls_session_t s, char side, int send_first)
{
    char buf[64];
    const char *msg = side == 'S' ? "from the server" : "from the client";
    if (send_first)
        say("%c send %d\n", side, (int)gnutls_record_send(s, msg, strlen(msg)));
    ssize_t n;
    do
        n = gnutls_record_recv(s, buf, sizeof buf - 1);
    while (n == GNUTLS_E_AGAIN);
    buf[n > 0 ? n : 0] = '\0';
    say("%c recv %d '%s'\n", side, (int)n, buf);
    if (!send_first)
        say("%c send %d\n", side, (int)gnutls_record_send(s, msg, strlen(msg)));
}

static void server(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER | sc->server_flags, TLS13, cred, fd);
    gnutls_certificate_server_set_request(s, sc->request);
    say("S %s\n", sc->what);
    int r = gnutls_handshake(s);
    say("S handshake %s\n", twoends_code(r));
    say("S early start %d\n", !!(gnutls_session_get_flags(s) & GNUTLS_SFLAGS_EARLY_START));
    if (r == 0) {
        exchange(s, 'S', 1);
        say("S early start after the exchange %d\n", !!(gnutls_session_get_flags(s) & GNUTLS_SFLAGS_EARLY_START));
        gnutls_bye(s, GNUTLS_SHUT_WR);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    gnutls_certificate_credentials_t cred = twoends_credentials("client", sc->client_cert);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, TLS13, cred, fd);
    int r = gnutls_handshake(s);
    say("C handshake %s\n", twoends_code(r));
    say("C early start %d\n", !!(gnutls_session_get_flags(s) & GNUTLS_SFLAGS_EARLY_START));
    if (r == 0) {
        exchange(s, 'C', 0);
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
