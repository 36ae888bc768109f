/* Differential: application extensions beyond the ClientHello and the
 * EncryptedExtensions. A server that forces a HelloRetryRequest (it takes
 * secp384r1 only) sends an extension there (GNUTLS_EXT_FLAG_HRR), to a
 * client that did not send it only with GNUTLS_EXT_FLAG_IGNORE_CLIENT_REQUEST;
 * a server may take over the cookie (GNUTLS_EXT_FLAG_OVERRIDE_INTERNAL),
 * which the client echoes in its second ClientHello; a server receives the
 * extensions of each ClientHello; registration without placement flags
 * means ClientHello and EncryptedExtensions; which internal types may be
 * taken over. Every send and receive prints the message it is in
 * (gnutls_ext_get_current_msg). The output must be the same built against
 * the system GnuTLS and against stepup. */
#include <stdio.h>
#include <string.h>

#include "twoends.h"

#define CLIENT_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define SERVER_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP384R1"
#define APP_EXT 0xfe02

struct scenario {
    const char *what;
    int server_type;        /* the server's extension, 0: none */
    unsigned server_flags;
    unsigned client_flags;  /* the client registers APP_EXT with these; 0: not at all */
};

#define HRR_ONLY (GNUTLS_EXT_FLAG_CLIENT_HELLO | GNUTLS_EXT_FLAG_HRR)

static const struct scenario scenarios[] = {
    {"the server's cookie", 44, HRR_ONLY | GNUTLS_EXT_FLAG_OVERRIDE_INTERNAL | GNUTLS_EXT_FLAG_IGNORE_CLIENT_REQUEST, 0},
    {"an extension in the retry request, unasked", APP_EXT, HRR_ONLY | GNUTLS_EXT_FLAG_IGNORE_CLIENT_REQUEST,
     HRR_ONLY | GNUTLS_EXT_FLAG_IGNORE_CLIENT_REQUEST},
    {"an extension in the retry request, not sent unasked", APP_EXT, HRR_ONLY, 0},
    {"an extension both send, default placements", APP_EXT, 0, GNUTLS_EXT_FLAG_TLS},
};
#define SCENARIOS (int)(sizeof scenarios / sizeof scenarios[0])

static char side;
static int cookie; /* the server's extension is the cookie */

static const char *msg_name(unsigned msg)
{
    switch (msg) {
    case GNUTLS_EXT_FLAG_CLIENT_HELLO:
        return "ClientHello";
    case GNUTLS_EXT_FLAG_HRR:
        return "HelloRetryRequest";
    case GNUTLS_EXT_FLAG_EE:
        return "EncryptedExtensions";
    default:
        return "another message";
    }
}

static int ext_recv(gnutls_session_t s, const unsigned char *data, size_t size)
{
    size_t skip = cookie && size > 2 ? 2 : 0;
    say("%c receives %zu bytes (%.*s) in %s\n", side, size, (int)(size - skip), (const char *)data + skip,
        msg_name(gnutls_ext_get_current_msg(s)));
    return 0;
}

static int ext_send(gnutls_session_t s, gnutls_buffer_t extdata)
{
    unsigned msg = gnutls_ext_get_current_msg(s);
    const char *body = side == 'S' ? "srv" : "cli";
    /* The server's cookie-like extension goes in the retry request only. */
    if (side == 'S' && msg != GNUTLS_EXT_FLAG_HRR && msg != GNUTLS_EXT_FLAG_EE)
        return 0;
    say("%c sends in %s\n", side, msg_name(msg));
    if (cookie) {
        /* A cookie is opaque<1..2^16-1>: its length first. */
        static const unsigned char formatted[] = {0, 3, 's', 'r', 'v'};
        gnutls_buffer_append_data(extdata, formatted, sizeof formatted);
        return (int)sizeof formatted;
    }
    gnutls_buffer_append_data(extdata, body, 3);
    return 3;
}

/* Which types may be registered, on a session of their own. */
static void registrations(void)
{
    gnutls_session_t s;
    gnutls_init(&s, GNUTLS_SERVER);
    unsigned f = GNUTLS_EXT_FLAG_CLIENT_HELLO | GNUTLS_EXT_FLAG_EE;
    say("S register cookie without override %d\n",
        gnutls_session_ext_register(s, "c", 44, GNUTLS_EXT_TLS, ext_recv, ext_send, NULL, NULL, NULL, f));
    say("S register ALPN with override %d\n",
        gnutls_session_ext_register(s, "a", 16, GNUTLS_EXT_TLS, ext_recv, ext_send, NULL, NULL, NULL,
                                    f | GNUTLS_EXT_FLAG_OVERRIDE_INTERNAL));
    say("S register ec_point_formats with override %d\n",
        gnutls_session_ext_register(s, "e", 11, GNUTLS_EXT_TLS, ext_recv, ext_send, NULL, NULL, NULL,
                                    GNUTLS_EXT_FLAG_TLS12_SERVER_HELLO | GNUTLS_EXT_FLAG_OVERRIDE_INTERNAL));
    gnutls_deinit(s);
}

static void server(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    side = 'S';
    cookie = sc->server_type == 44;
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, SERVER_PRIORITY, cred, fd);
    say("S %s\n", sc->what);
    if (n == 0)
        registrations();
    if (sc->server_type)
        say("S register %d\n", gnutls_session_ext_register(s, "x", sc->server_type, GNUTLS_EXT_TLS, ext_recv,
                                                            ext_send, NULL, NULL, NULL, sc->server_flags));
    int r = gnutls_handshake(s);
    say("S handshake %s\n", twoends_code(r));
    if (r == 0)
        gnutls_bye(s, GNUTLS_SHUT_WR);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    side = 'C';
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, CLIENT_PRIORITY, cred, fd);
    if (sc->client_flags)
        say("C register %d\n", gnutls_session_ext_register(s, "x", APP_EXT, GNUTLS_EXT_TLS, ext_recv, ext_send,
                                                            NULL, NULL, NULL, sc->client_flags));
    int r = gnutls_handshake(s);
    say("C handshake %s\n", twoends_code(r));
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
