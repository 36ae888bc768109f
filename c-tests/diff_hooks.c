/* Differential: handshake hooks (gnutls_handshake_set_hook_function) on a
 * server and a client through a TLS 1.3 handshake with client
 * certificates, a post-handshake re-authentication and a close. Every hook
 * call is printed (side, message type, PRE/POST, direction, whether the
 * message is empty, and the size of Finished, which the suite fixes);
 * then a hook that fails aborts the re-authentication with its own code.
 * The output must be the same built against the system GnuTLS and against
 * stepup. FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "twoends.h"

static const char *side;
static unsigned fail_on = 1000; /* a message type that makes the hook fail */

static int hook(gnutls_session_t session, unsigned htype, unsigned when, unsigned incoming,
                const gnutls_datum_t *msg)
{
    /* Other messages' sizes depend on each implementation's choices
     * (extensions, algorithm lists, randomness); only their presence is
     * compared. */
    int fixed = htype == GNUTLS_HANDSHAKE_FINISHED;
    say("%s hook %s %s %s size=%s\n", side, gnutls_handshake_description_get_name(htype),
        when == GNUTLS_HOOK_PRE ? "pre" : "post", incoming ? "in" : "out",
        msg == NULL ? "null" : !fixed ? (msg->size > 0 ? "some" : "0") : "fixed");
    if (fixed && msg != NULL)
        say("%s   %s size %u\n", side, gnutls_handshake_description_get_name(htype), msg->size);
    if (htype == GNUTLS_HANDSHAKE_CERTIFICATE_VERIFY && when == GNUTLS_HOOK_PRE && incoming && side[0] == 'C') {
        /* Records cannot move from inside a hook in the handshake. */
        char byte = 0;
        say("%s   record_send in hook %d, record_recv %d\n", side, (int)gnutls_record_send(session, "x", 1),
            (int)gnutls_record_recv(session, &byte, 1));
    }
    if (htype == fail_on && when == GNUTLS_HOOK_POST)
        return GNUTLS_E_USER_ERROR;
    return 0;
}

static gnutls_session_t session_for(unsigned flags, const char *role, int fd,
                                    gnutls_certificate_credentials_t *cred)
{
    *cred = twoends_credentials(role, "ecdsa");
    gnutls_session_t s = twoends_session(flags, "NORMAL:-VERS-ALL:+VERS-TLS1.3", *cred, fd);
    gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_BOTH, hook);
    return s;
}

static int recv_retry(gnutls_session_t s, char *buf, size_t len)
{
    int r, tries = 0;
    do {
        r = (int)gnutls_record_recv(s, buf, len);
    } while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) && ++tries < 100);
    return r;
}

static void server(int fd, int scenario)
{
    gnutls_certificate_credentials_t cred;
    side = "S";
    fail_on = 1000;
    gnutls_session_t s = session_for(GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH, "server", fd, &cred);
    char buf[64];
    gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
    say("S handshake %d\n", gnutls_handshake(s));
    say("S recv %d\n", recv_retry(s, buf, sizeof buf));
    if (scenario == 1)
        fail_on = GNUTLS_HANDSHAKE_CERTIFICATE_VERIFY;
    say("S reauth %d\n", gnutls_reauth(s, 0));
    if (scenario == 0) {
        gnutls_record_send(s, "x", 1);
        say("S bye %d\n", gnutls_bye(s, GNUTLS_SHUT_WR));
    } else {
        /* A hook aborted the exchange: the server stops writing and keeps
         * reading until the client is done, so the client's reauth never
         * meets a closed socket (its outcome would be timing, not hooks). */
        char rest[4096];
        shutdown(fd, SHUT_WR);
        while (read(fd, rest, sizeof rest) > 0) {
        }
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int scenario)
{
    gnutls_certificate_credentials_t cred;
    side = "C";
    gnutls_session_t s = session_for(GNUTLS_CLIENT | GNUTLS_POST_HANDSHAKE_AUTH, "client", fd, &cred);
    char buf[64];
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    say("C handshake %d\n", gnutls_handshake(s));
    gnutls_record_send(s, "hello", 5);
    int r = recv_retry(s, buf, sizeof buf);
    say("C recv %d\n", r);
    if (r == GNUTLS_E_REAUTH_REQUEST) {
        say("C reauth %d\n", gnutls_reauth(s, 0));
        r = recv_retry(s, buf, sizeof buf);
        if (scenario == 0) {
            say("C recv %s\n", r == 1 ? "data" : r < 0 ? "error" : "end");
            /* Wait for the server's close_notify, so its bye never meets a
             * closed socket. */
            say("C recv end %d\n", recv_retry(s, buf, sizeof buf));
        }
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    gnutls_global_init();
    twoends_run(2, server, client);
    gnutls_global_deinit();
    return 0;
}
