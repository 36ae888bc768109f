/* Differential: gnutls_handshake_set_timeout and gnutls_record_set_timeout
 * are enforced through the pull-timeout function: poll(2) on the socket by
 * default, the application's own function when set, and a custom pull
 * function without one fails the read at once. The silent side never
 * closes first: it waits until the timed-out side has given up and closed,
 * so every outcome is the timeout's, whatever the scheduling. The output
 * must be the same built against the system GnuTLS and against stepup. */
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "twoends.h"

#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"

enum {
    SILENT_CLIENT,       /* server handshake timeout; the client sends nothing */
    PARTIAL_HELLO,       /* the same after 60 bytes of a ClientHello */
    OWN_TIMEOUT_FUNC,    /* custom pull and pull-timeout functions */
    PULL_WITHOUT_TIMEOUT, /* custom pull function, no pull-timeout function */
    RECORD_TIMEOUT,      /* record timeout, then data after it */
    SILENT_SERVER,       /* client handshake timeout; the server never answers */
    TRICKLED_RECORD,     /* record timeout while a record arrives a byte at a time */
    SCENARIOS
};


static ssize_t pull_fd(gnutls_transport_ptr_t ptr, void *data, size_t size)
{
    return read((int)(intptr_t)ptr, data, size);
}

static int timeout_calls;

/* Writes one byte every 100 ms: a record takes seconds to arrive. */
static ssize_t push_trickle(gnutls_transport_ptr_t ptr, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    for (size_t i = 0; i < size; i++) {
        if (write((int)(intptr_t)ptr, bytes + i, 1) != 1)
            return -1;
        usleep(100 * 1000);
    }
    return (ssize_t)size;
}

/* Never any data in time. */
static int pull_timeout_none(gnutls_transport_ptr_t ptr, unsigned ms)
{
    (void)ptr;
    (void)ms;
    timeout_calls++;
    return 0;
}

static void server(int fd, int scenario)
{
    if (scenario == SILENT_SERVER) {
        twoends_drain(fd); /* until the client gave up and closed */
        return;
    }
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, PRIORITY, cred, fd);
    if (scenario == OWN_TIMEOUT_FUNC || scenario == PULL_WITHOUT_TIMEOUT) {
        gnutls_transport_set_pull_function(s, pull_fd);
        gnutls_transport_set_ptr(s, (gnutls_transport_ptr_t)(intptr_t)fd);
    }
    if (scenario == OWN_TIMEOUT_FUNC)
        gnutls_transport_set_pull_timeout_function(s, pull_timeout_none);
    if (scenario != RECORD_TIMEOUT && scenario != TRICKLED_RECORD)
        gnutls_handshake_set_timeout(s, 300);
    timeout_calls = 0;
    int r = gnutls_handshake(s);
    say("S handshake %s\n", twoends_code(r));
    if (scenario == OWN_TIMEOUT_FUNC)
        say("S timeout function called %s\n", timeout_calls > 0 ? "yes" : "no");
    if (scenario == RECORD_TIMEOUT && r == 0) {
        char buf[64];
        gnutls_record_set_timeout(s, 300);
        say("S recv %s\n", twoends_code((int)gnutls_record_recv(s, buf, sizeof buf)));
        gnutls_record_send(s, "go", 2);
        say("S recv after timeout %s\n", twoends_code((int)gnutls_record_recv(s, buf, sizeof buf)));
    }
    if (scenario == TRICKLED_RECORD && r == 0) {
        /* The timeout bounds the whole read, not each byte's wait. */
        char buf[64];
        gnutls_record_set_timeout(s, 300);
        say("S recv trickled %s\n", twoends_code((int)gnutls_record_recv(s, buf, sizeof buf)));
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int scenario)
{
    static const unsigned char partial[60] = {0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03};
    if (scenario == PARTIAL_HELLO && write(fd, partial, sizeof partial) < 0)
        say("C write failed\n");
    if (scenario != RECORD_TIMEOUT && scenario != SILENT_SERVER && scenario != TRICKLED_RECORD) {
        twoends_drain(fd); /* until the server gave up and closed */
        return;
    }
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, PRIORITY, cred, fd);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    if (scenario == SILENT_SERVER)
        gnutls_handshake_set_timeout(s, 300);
    int r = gnutls_handshake(s);
    say("C handshake %s\n", twoends_code(r));
    if (scenario == RECORD_TIMEOUT && r == 0) {
        char buf[64];
        int n;
        do { /* tickets first (AGAIN), then the server's word */
            n = (int)gnutls_record_recv(s, buf, sizeof buf);
        } while (n == GNUTLS_E_AGAIN);
        say("C recv %s\n", twoends_code(n));
        say("C send %s\n", twoends_code((int)gnutls_record_send(s, "late", 4)));
        twoends_drain(fd);
    }
    if (scenario == TRICKLED_RECORD && r == 0) {
        gnutls_transport_set_push_function(s, push_trickle);
        gnutls_transport_set_ptr(s, (gnutls_transport_ptr_t)(intptr_t)fd);
        /* Cut short when the server gives up and closes: not reported, as
         * how far it got depends on timing. */
        gnutls_record_send(s, "one byte at a time", 18);
        twoends_drain(fd);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    return twoends_main(SCENARIOS, server, client);
}
