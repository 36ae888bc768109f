/* Differential: the same TLS 1.3 conversation as diff_reauth (handshake,
 * data, server-initiated re-authentication answered by the client, a key
 * update, close),
 * but through push/pull callbacks that fail every other call with EAGAIN.
 * Each operation is retried until it completes; the output records its final
 * code and whether it ever returned GNUTLS_E_AGAIN, and must be the same
 * built against the system GnuTLS and against stepup. FIXTURES is the test
 * PKI directory. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "twoends.h"

/* The transport: a blocking socket behind callbacks that refuse every other
 * call with EAGAIN, so that every step of every operation is interrupted. */
struct flaky {
    int fd;
    unsigned calls;
    gnutls_session_t session;
};

static ssize_t flaky_pull(gnutls_transport_ptr_t ptr, void *buf, size_t len)
{
    struct flaky *t = ptr;
    if (t->calls++ % 2 == 0) {
        gnutls_transport_set_errno(t->session, EAGAIN);
        return -1;
    }
    ssize_t n = recv(t->fd, buf, len, 0);
    if (n < 0)
        gnutls_transport_set_errno(t->session, errno);
    return n;
}

static ssize_t flaky_push(gnutls_transport_ptr_t ptr, const void *buf, size_t len)
{
    struct flaky *t = ptr;
    if (t->calls++ % 2 == 0) {
        gnutls_transport_set_errno(t->session, EAGAIN);
        return -1;
    }
    ssize_t n = send(t->fd, buf, len, 0);
    if (n < 0)
        gnutls_transport_set_errno(t->session, errno);
    return n;
}

/* Retries an operation while it says AGAIN/INTERRUPTED (bounded); prints
 * "<what> <final code> again=<yes|no>". */
#define RETRY(what, expr)                                                          \
    do {                                                                           \
        int again_ = 0, tries_ = 0;                                                \
        do {                                                                       \
            r = (int)(expr);                                                       \
            if (r == GNUTLS_E_AGAIN)                                               \
                again_ = 1;                                                        \
        } while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) && ++tries_ < 1000); \
        say("%s %d again=%s\n", what, r, again_ ? "yes" : "no");                  \
    } while (0)

static gnutls_session_t session_for(unsigned flags, gnutls_certificate_credentials_t cred, struct flaky *t)
{
    gnutls_session_t s = twoends_session(flags, "NORMAL:-VERS-ALL:+VERS-TLS1.3", cred, t->fd);
    t->session = s;
    gnutls_transport_set_ptr(s, t);
    gnutls_transport_set_push_function(s, flaky_push);
    gnutls_transport_set_pull_function(s, flaky_pull);
    return s;
}

/* Counts the KeyUpdate messages the server receives: a retried
 * gnutls_session_key_update finishes the pending one, never sends another. */
static unsigned key_updates;

static int count_key_updates(gnutls_session_t session, unsigned htype, unsigned when, unsigned incoming,
                             const gnutls_datum_t *msg)
{
    (void)session;
    (void)msg;
    if (htype == GNUTLS_HANDSHAKE_KEY_UPDATE && when == GNUTLS_HOOK_PRE && incoming)
        key_updates++;
    return 0;
}

static void server(int fd, int scenario)
{
    (void)scenario;
    struct flaky t = {fd, 0, NULL};
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = session_for(GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH, cred, &t);
    char buf[64] = {0};
    int r;
    gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_KEY_UPDATE, GNUTLS_HOOK_PRE, count_key_updates);
    RETRY("S handshake", gnutls_handshake(s));
    RETRY("S recv", gnutls_record_recv(s, buf, sizeof buf - 1));
    say("S got '%s'\n", r > 0 ? buf : "");
    RETRY("S send", gnutls_record_send(s, "ping", 4));
    gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
    RETRY("S reauth", gnutls_reauth(s, 0));
    unsigned n = 0;
    say("S peers %s\n", gnutls_certificate_get_peers(s, &n) && n > 0 ? "set" : "none");
    RETRY("S send", gnutls_record_send(s, "done", 4));
    RETRY("S recv end", gnutls_record_recv(s, buf, sizeof buf - 1));
    say("S key updates received %u\n", key_updates);
    RETRY("S bye", gnutls_bye(s, GNUTLS_SHUT_WR));
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int scenario)
{
    (void)scenario;
    struct flaky t = {fd, 0, NULL};
    gnutls_certificate_credentials_t cred = twoends_credentials("client", "ecdsa");
    gnutls_session_t s = session_for(GNUTLS_CLIENT | GNUTLS_POST_HANDSHAKE_AUTH, cred, &t);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    char buf[64] = {0};
    int r;
    RETRY("C handshake", gnutls_handshake(s));
    RETRY("C send", gnutls_record_send(s, "hello", 5));
    RETRY("C recv", gnutls_record_recv(s, buf, sizeof buf - 1));
    say("C got '%s'\n", r > 0 ? buf : "");
    RETRY("C recv", gnutls_record_recv(s, buf, sizeof buf - 1));
    if (r == GNUTLS_E_REAUTH_REQUEST)
        RETRY("C reauth", gnutls_reauth(s, 0));
    memset(buf, 0, sizeof buf);
    RETRY("C recv", gnutls_record_recv(s, buf, sizeof buf - 1));
    say("C got '%s'\n", r > 0 ? buf : "");
    RETRY("C key update", gnutls_session_key_update(s, 0));
    RETRY("C bye", gnutls_bye(s, GNUTLS_SHUT_WR));
    RETRY("C recv end", gnutls_record_recv(s, buf, sizeof buf - 1));
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    gnutls_global_init();
    twoends_run(1, server, client);
    gnutls_global_deinit();
    return 0;
}
