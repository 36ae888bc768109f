/* Differential: what the client's first ClientHello carries under the
 * session flags and priority strings that shape it: the key shares
 * (GNUTLS_KEY_SHARE_TOP, the default of two, GNUTLS_KEY_SHARE_TOP3) and
 * middlebox-compatibility mode (a session id, a ChangeCipherSpec; off with
 * %DISABLE_TLS13_COMPAT_MODE), the PSK key exchange modes (sent for
 * tickets, or for PSK key exchanges in the priority) and status_request
 * (an OCSP status, which GnuTLS clients ask for by default:
 * GNUTLS_SFLAGS_CLI_REQUESTED_OCSP on both ends). A client hook reads the
 * ClientHello; every
 * handshake must complete. The output must be the same built against the
 * system GnuTLS and against stepup. */
#include <stdio.h>
#include <string.h>

#include "twoends.h"

struct scenario {
    const char *what;
    unsigned flags;
    const char *priority;
};

static const struct scenario scenarios[] = {
    {"default", 0, "NORMAL:-VERS-ALL:+VERS-TLS1.3"},
    {"KEY_SHARE_TOP", GNUTLS_KEY_SHARE_TOP, "NORMAL:-VERS-ALL:+VERS-TLS1.3"},
    {"KEY_SHARE_TOP2", GNUTLS_KEY_SHARE_TOP2, "NORMAL:-VERS-ALL:+VERS-TLS1.3"},
    /* Without the FFDHE groups, which stepup leaves out: two kinds remain. */
    {"KEY_SHARE_TOP3", GNUTLS_KEY_SHARE_TOP3,
     "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP256R1:+GROUP-SECP384R1:+GROUP-X25519"},
    {"x25519 first", 0, "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP384R1:+GROUP-SECP256R1"},
    {"one kind only", GNUTLS_KEY_SHARE_TOP3, "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP384R1:+GROUP-SECP256R1"},
    {"compat mode off", 0, "NORMAL:-VERS-ALL:+VERS-TLS1.3:%DISABLE_TLS13_COMPAT_MODE"},
    {"tickets off", GNUTLS_NO_TICKETS, "NORMAL:-VERS-ALL:+VERS-TLS1.3"},
    {"PSK key exchange", 0, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+PSK"},
    {"PSK key exchanges, tickets off", GNUTLS_NO_TICKETS, "NORMAL:-VERS-ALL:+VERS-TLS1.3:+ECDHE-PSK:+PSK"},
};
#define SCENARIOS (int)(sizeof scenarios / sizeof scenarios[0])

static unsigned ccs_seen;

static unsigned get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* Prints the session id length and the key share groups of a ClientHello
 * body (RFC 8446 4.1.2), reading only inside the message. */
static void describe_hello(const gnutls_datum_t *msg)
{
    const unsigned char *p = msg->data, *end = msg->data + msg->size;
    if (msg->size < 35)
        return;
    unsigned sid = p[34];
    p += 35 + sid;
    if (p + 2 > end)
        return;
    p += 2 + get16(p); /* cipher suites */
    if (p + 1 > end)
        return;
    p += 1 + p[0]; /* compression */
    if (p + 2 > end)
        return;
    const unsigned char *ext_end = p + 2 + get16(p);
    p += 2;
    say("C hello session id %u key shares", sid);
    int status_len = -1;
    char modes[64] = "";
    while (p + 4 <= ext_end && ext_end <= end) {
        unsigned type = get16(p), len = get16(p + 2);
        const unsigned char *body = p + 4;
        p = body + len;
        if (type == 5)
            status_len = (int)len;
        if (type == 45 && len >= 1) {
            strcpy(modes, " psk modes");
            for (unsigned i = 1; i < len && i <= body[0]; i++)
                strcat(modes, body[i] == 1 ? " psk_dhe_ke" : body[i] == 0 ? " psk_ke" : " other");
        }
        if (type != 51 || body + 2 > p)
            continue;
        const unsigned char *q = body + 2;
        while (q + 4 <= p) {
            unsigned group = get16(q);
            say(" %s", group == 0x1d ? "x25519" : group == 0x17 ? "secp256r1" : group == 0x18 ? "secp384r1" : "other");
            q += 4 + get16(q + 2);
        }
    }
    say(";%s", modes);
    if (status_len >= 0)
        say(" status_request %d bytes", status_len);
    say("\n");
}

static int hook(gnutls_session_t session, unsigned htype, unsigned when, unsigned incoming,
                const gnutls_datum_t *msg)
{
    (void)session;
    (void)when;
    if (htype == GNUTLS_HANDSHAKE_CLIENT_HELLO && !incoming && msg)
        describe_hello(msg);
    return 0;
}

static int ccs_hook(gnutls_session_t session, unsigned htype, unsigned when, unsigned incoming,
                    const gnutls_datum_t *msg)
{
    (void)session;
    (void)msg;
    (void)when;
    if (htype == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC && !incoming)
        ccs_seen++;
    return 0;
}

static int first_hook(gnutls_session_t session, unsigned htype, unsigned when, unsigned incoming,
                      const gnutls_datum_t *msg)
{
    hook(session, htype, when, incoming, msg);
    /* Then watch for a ChangeCipherSpec, which only a hook set for it sees. */
    gnutls_handshake_set_hook_function(session, GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC, GNUTLS_HOOK_PRE, ccs_hook);
    return 0;
}

static void server(int fd, int n)
{
    (void)n;
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, "NORMAL:-VERS-ALL:+VERS-TLS1.3", cred, fd);
    say("S ocsp enable %d\n", gnutls_ocsp_status_request_enable_client(s, NULL, 0, NULL));
    say("S handshake %d\n", gnutls_handshake(s));
    say("S client asked for OCSP %d\n", !!(gnutls_session_get_flags(s) & GNUTLS_SFLAGS_CLI_REQUESTED_OCSP));
    gnutls_bye(s, GNUTLS_SHUT_WR);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT | sc->flags, sc->priority, cred, fd);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_CLIENT_HELLO, GNUTLS_HOOK_PRE, first_hook);
    ccs_seen = 0;
    say("C %s\n", sc->what);
    say("C handshake %d\n", gnutls_handshake(s));
    say("C change cipher spec sent %u\n", ccs_seen);
    say("C asked for OCSP %d\n", !!(gnutls_session_get_flags(s) & GNUTLS_SFLAGS_CLI_REQUESTED_OCSP));
    char buf[8];
    gnutls_record_recv(s, buf, sizeof buf);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    return twoends_main(SCENARIOS, server, client);
}
