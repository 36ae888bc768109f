/* Differential: gnutls_session_set_verify_cert on a server. Nothing asked
 * at connect time (IGNORE) must not fail the handshake: the check applies
 * to what a later gnutls_reauth brings. With REQUEST or REQUIRE the check
 * runs on the handshake's client certificate, an empty one included, and
 * before the server answers the client's Finished (no tickets reach the
 * client of a failed check). A client sends its certificate only when the
 * request's CA list names an issuer of it, unless initialised with
 * GNUTLS_FORCE_CLIENT_CERT. The side that fails shuts its writing half
 * and drains until the other has finished, so no write meets a closed
 * socket and the output never depends on timing. The output must be the
 * same built against the system GnuTLS and against stepup. */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "twoends.h"

#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"

struct scenario {
    const char *what;
    unsigned handshake_request; /* GNUTLS_CERT_* at connect time */
    int reauth;                 /* 1: the server re-authenticates with REQUEST */
    const char *client_cert;    /* "ecdsa" (trusted), "stranger" (untrusted), NULL */
    int no_ca_list;             /* gnutls_certificate_send_x509_rdn_sequence(s, 1) */
    unsigned client_flags;      /* more gnutls_init flags for the client */
};

static const struct scenario scenarios[] = {
    {"ignore, then reauth with a trusted certificate", GNUTLS_CERT_IGNORE, 1, "ecdsa", 0, 0},
    /* The CA list names only the test CA: the stranger's client sends nothing. */
    {"ignore, then reauth with an untrusted certificate", GNUTLS_CERT_IGNORE, 1, "stranger", 0, 0},
    {"ignore, then reauth declined", GNUTLS_CERT_IGNORE, 1, NULL, 0, 0},
    {"ignore, no reauth", GNUTLS_CERT_IGNORE, 0, "ecdsa", 0, 0},
    {"request, trusted certificate", GNUTLS_CERT_REQUEST, 0, "ecdsa", 0, 0},
    {"request, no certificate", GNUTLS_CERT_REQUEST, 0, NULL, 0, 0},
    {"request, untrusted certificate", GNUTLS_CERT_REQUEST, 0, "stranger", 0, 0},
    {"require, untrusted certificate", GNUTLS_CERT_REQUIRE, 0, "stranger", 0, 0},
    /* With no CA list the client sends what it has, and the check refuses it. */
    {"request, no CA list, untrusted certificate", GNUTLS_CERT_REQUEST, 0, "stranger", 1, 0},
    {"ignore, no CA list, reauth with an untrusted certificate", GNUTLS_CERT_IGNORE, 1, "stranger", 1, 0},
    /* GNUTLS_FORCE_CLIENT_CERT: the client sends it though the list names
     * none of its issuers, and the check refuses it. */
    {"request, forced untrusted certificate", GNUTLS_CERT_REQUEST, 0, "stranger", 0, GNUTLS_FORCE_CLIENT_CERT},
    {"ignore, then reauth with a forced untrusted certificate", GNUTLS_CERT_IGNORE, 1, "stranger", 0,
     GNUTLS_FORCE_CLIENT_CERT},
};
#define SCENARIOS (int)(sizeof scenarios / sizeof scenarios[0])


static void server(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH, PRIORITY, cred, fd);
    gnutls_session_set_verify_cert(s, NULL, 0);
    gnutls_datum_t ticket_key;
    gnutls_session_ticket_key_generate(&ticket_key);
    gnutls_session_ticket_enable_server(s, &ticket_key);
    gnutls_certificate_server_set_request(s, sc->handshake_request);
    if (sc->no_ca_list)
        gnutls_certificate_send_x509_rdn_sequence(s, 1);
    say("S %s\n", sc->what);
    int r = gnutls_handshake(s);
    say("S handshake %s\n", twoends_code(r));
    if (r == 0 && sc->reauth) {
        gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
        do {
            r = gnutls_reauth(s, 0);
        } while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
        say("S reauth %s\n", twoends_code(r));
    }
    if (r == 0) {
        unsigned peers = 0;
        gnutls_certificate_get_peers(s, &peers);
        say("S peers %u status %u\n", peers, gnutls_session_get_verify_cert_status(s));
        say("S send %s\n", twoends_code((int)gnutls_record_send(s, "ok", 2)));
        say("S bye %s\n", twoends_code(gnutls_bye(s, GNUTLS_SHUT_WR)));
    }
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_free(ticket_key.data);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    if (sc->client_cert) {
        char cert[512], key[512];
        const char *role = sc->client_cert[0] == 's' ? "" : "client-";
        snprintf(cert, sizeof cert, FIXTURES "/%s%s.pem", role, sc->client_cert);
        snprintf(key, sizeof key, FIXTURES "/%s%s.key", role, sc->client_cert);
        int k = gnutls_certificate_set_x509_key_file2(cred, cert, key, GNUTLS_X509_FMT_PEM, NULL, 0);
        if (k < 0)
            say("C key file %s: %d\n", cert, k);
    }
    gnutls_session_t s =
        twoends_session(GNUTLS_CLIENT | GNUTLS_POST_HANDSHAKE_AUTH | sc->client_flags, PRIORITY, cred, fd);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    int r = gnutls_handshake(s);
    say("C handshake %s\n", twoends_code(r));
    if (r == 0) {
        char buf[64];
        int tickets = 0;
        for (int rounds = 0; rounds < 2; rounds++) {
            do {
                r = (int)gnutls_record_recv(s, buf, sizeof buf);
                tickets += r == GNUTLS_E_AGAIN;
            } while (r == GNUTLS_E_AGAIN && tickets < 20);
            if (r != GNUTLS_E_REAUTH_REQUEST)
                break;
            say("C reauth %s\n", twoends_code(gnutls_reauth(s, 0)));
        }
        /* After a refusal the client meets an error: which one is the
         * server's choice of alert (stepup sends certificate_required where
         * RFC 8446 allows it, GnuTLS sends none), not the check's. */
        say("C recv %s after %d ticket%s\n", r >= 0 ? twoends_code(r) : "error", tickets, tickets == 1 ? "" : "s");
    }
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    return twoends_main(SCENARIOS, server, client);
}
