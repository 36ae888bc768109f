/* Differential: how handshake hooks steer the flow. A hook's
 * GNUTLS_E_INTERRUPTED after the ServerHello is returned by that
 * gnutls_handshake call and the next call finishes the handshake; a
 * HelloRetryRequest is reported as GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST;
 * ChangeCipherSpec reaches only a hook set for it by name (body: its one
 * byte); and a hook may replace itself from inside. The output must be the
 * same built against the system GnuTLS and against stepup. */
#include <stdio.h>
#include <string.h>

#include "twoends.h"

enum {
    INTERRUPT_AFTER_SERVER_HELLO,
    HELLO_RETRY,
    CCS_BY_NAME,
    REPLACED_FROM_INSIDE,
    SCENARIOS
};

static const char *side;

static int print_hook(gnutls_session_t session, unsigned htype, unsigned when, unsigned incoming,
                      const gnutls_datum_t *msg)
{
    (void)session;
    say("%s hook %s %s %s", side, gnutls_handshake_description_get_name(htype), when == GNUTLS_HOOK_PRE ? "pre" : "post",
        incoming ? "in" : "out");
    if (htype == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC && msg)
        say(" size %u first %#x", msg->size, msg->size ? msg->data[0] : 0);
    say("\n");
    return 0;
}

static int interrupting_hook(gnutls_session_t session, unsigned htype, unsigned when, unsigned incoming,
                             const gnutls_datum_t *msg)
{
    print_hook(session, htype, when, incoming, msg);
    if (htype == GNUTLS_HANDSHAKE_SERVER_HELLO && when == GNUTLS_HOOK_POST)
        return GNUTLS_E_INTERRUPTED;
    return 0;
}

/* At the ClientHello, hands over to a hook for ChangeCipherSpec only. */
static int replacing_hook(gnutls_session_t session, unsigned htype, unsigned when, unsigned incoming,
                          const gnutls_datum_t *msg)
{
    print_hook(session, htype, when, incoming, msg);
    if (htype == GNUTLS_HANDSHAKE_CLIENT_HELLO)
        gnutls_handshake_set_hook_function(session, GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC, GNUTLS_HOOK_BOTH,
                                           print_hook);
    return 0;
}

static void exchange(gnutls_session_t s, int server)
{
    char buf[16], codes[128] = "";
    int r, calls = 0;
    /* The codes of the calls are printed after them: GnuTLS returns the
     * hook's code right after the ServerHello, stepup after the rest of
     * that flight, so only the order of hooks and the order of codes are
     * compared, not their interleaving. */
    do {
        r = gnutls_handshake(s);
        snprintf(codes + strlen(codes), sizeof codes - strlen(codes), " %d", r);
    } while (r < 0 && !gnutls_error_is_fatal(r) && ++calls < 10);
    say("%s handshake returned%s\n", side, codes);
    if (r < 0)
        return;
    if (server) {
        say("%s send %d\n", side, (int)gnutls_record_send(s, "hi", 2));
        do {
            r = (int)gnutls_record_recv(s, buf, sizeof buf);
        } while (r == GNUTLS_E_AGAIN);
        say("%s recv %d\n", side, r);
    } else {
        do {
            r = (int)gnutls_record_recv(s, buf, sizeof buf);
        } while (r == GNUTLS_E_AGAIN);
        say("%s recv %d\n", side, r);
        say("%s bye %d\n", side, gnutls_bye(s, GNUTLS_SHUT_WR));
    }
}

static void server(int fd, int scenario)
{
    side = "S";
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    const char *prio = scenario == HELLO_RETRY ? "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP256R1"
                                               : "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, prio, cred, fd);
    gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_BOTH,
                                       scenario == INTERRUPT_AFTER_SERVER_HELLO ? interrupting_hook : print_hook);
    exchange(s, 1);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int scenario)
{
    side = "C";
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    const char *prio = scenario == HELLO_RETRY
                           ? "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1"
                           : "NORMAL:-VERS-ALL:+VERS-TLS1.3";
    /* One key share, so that the server must ask for the other group. */
    unsigned flags = GNUTLS_CLIENT | (scenario == HELLO_RETRY ? GNUTLS_KEY_SHARE_TOP : 0);
    gnutls_session_t s = twoends_session(flags, prio, cred, fd);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    switch (scenario) {
    case CCS_BY_NAME:
        gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC, GNUTLS_HOOK_BOTH, print_hook);
        break;
    case REPLACED_FROM_INSIDE:
        gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_PRE, replacing_hook);
        break;
    default:
        gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_BOTH, print_hook);
    }
    exchange(s, 0);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    return twoends_main(SCENARIOS, server, client);
}
