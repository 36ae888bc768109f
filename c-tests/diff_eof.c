/* Differential: how a session ends when the peer goes away. The peer sends
 * a bare close_notify, a partial record, or nothing, and closes, during the
 * handshake, between records, or while the server waits in gnutls_reauth.
 * Each call is retried on AGAIN/INTERRUPTED a bounded number of times, so
 * a library that maps end of stream to AGAIN prints "AGAIN forever"
 * instead of spinning. The closing side shuts down only its writing half
 * and then drains until the other side is gone, so no write ever meets a
 * closed socket and the output never depends on timing. The output must be
 * the same built against the system GnuTLS and against stepup. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "twoends.h"

#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define TRIES 50

enum {
    RAW_CLOSE_NOTIFY,   /* client: a plaintext close_notify, then EOF */
    RAW_NOTHING,        /* client: EOF at once */
    RAW_PARTIAL_HELLO,  /* client: 60 bytes of a longer ClientHello record, then EOF */
    SERVER_CLOSE_NOTIFY, /* server: reads the ClientHello, answers close_notify, EOF */
    SERVER_NOTHING,     /* server: reads the ClientHello, then EOF */
    RECORD_EOF,         /* client: EOF after the handshake, no close_notify */
    RECORD_BYE,         /* client: close_notify after the handshake, then EOF */
    REAUTH_EOF,         /* client: EOF while the server waits for a certificate */
    REAUTH_BYE,         /* client: close_notify while the server waits for a certificate */
    RAW_CLOSE_NOTIFY_OPEN, /* client: a plaintext close_notify, the socket left open */
    SCENARIOS
};

/* A code after the bounded retries: AGAIN there means it never ended. */
static const char *code(int r)
{
    return r == GNUTLS_E_AGAIN ? "AGAIN forever" : twoends_code(r);
}

static int retry_handshake(gnutls_session_t s)
{
    int r, tries = 0;
    do {
        r = gnutls_handshake(s);
    } while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) && ++tries < TRIES);
    return r;
}

static int retry_recv(gnutls_session_t s, char *buf, size_t len)
{
    int r, tries = 0;
    do {
        r = (int)gnutls_record_recv(s, buf, len);
    } while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) && ++tries < TRIES);
    return r;
}

static int retry_reauth(gnutls_session_t s)
{
    int r, tries = 0;
    do {
        r = gnutls_reauth(s, 0);
    } while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) && ++tries < TRIES);
    return r;
}

/* Reads one whole TLS record (the ClientHello) off the socket. */
static void read_record(int fd)
{
    unsigned char header[5], body[16384];
    size_t got = 0;
    while (got < sizeof header) {
        ssize_t n = read(fd, header + got, sizeof header - got);
        if (n <= 0)
            return;
        got += (size_t)n;
    }
    size_t len = ((size_t)header[3] << 8) | header[4], body_got = 0;
    while (body_got < len && body_got < sizeof body) {
        ssize_t n = read(fd, body + body_got, len - body_got);
        if (n <= 0)
            return;
        body_got += (size_t)n;
    }
}

static void server(int fd, int scenario)
{
    static const unsigned char close_notify[] = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00};
    if (scenario == SERVER_CLOSE_NOTIFY || scenario == SERVER_NOTHING) {
        read_record(fd);
        if (scenario == SERVER_CLOSE_NOTIFY && write(fd, close_notify, sizeof close_notify) < 0)
            say("S write failed\n");
        twoends_half_close(fd);
        return;
    }
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH, PRIORITY, cred, fd);
    char buf[64];
    int r = retry_handshake(s);
    say("S handshake %s\n", code(r));
    if (r == 0) {
        gnutls_record_send(s, "hi", 2);
        if (scenario == REAUTH_EOF || scenario == REAUTH_BYE) {
            gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
            say("S reauth %s\n", code(retry_reauth(s)));
        } else {
            say("S recv %s\n", code(retry_recv(s, buf, sizeof buf)));
            say("S recv again %s\n", code(retry_recv(s, buf, sizeof buf)));
        }
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int scenario)
{
    static const unsigned char close_notify[] = {0x15, 0x03, 0x01, 0x00, 0x02, 0x01, 0x00};
    static const unsigned char partial[60] = {0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4, 0x03, 0x03};
    switch (scenario) {
    case RAW_CLOSE_NOTIFY:
        if (write(fd, close_notify, sizeof close_notify) < 0)
            say("C write failed\n");
        twoends_half_close(fd);
        return;
    case RAW_NOTHING:
        twoends_half_close(fd);
        return;
    case RAW_CLOSE_NOTIFY_OPEN:
        /* The server must give up on the handshake at once, not wait for
         * an end of stream that only its own close brings. */
        if (write(fd, close_notify, sizeof close_notify) < 0)
            say("C write failed\n");
        twoends_drain(fd);
        return;
    case RAW_PARTIAL_HELLO:
        if (write(fd, partial, sizeof partial) < 0)
            say("C write failed\n");
        twoends_half_close(fd);
        return;
    }
    gnutls_certificate_credentials_t cred = twoends_credentials("client", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT | GNUTLS_POST_HANDSHAKE_AUTH, PRIORITY, cred, fd);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    char buf[64];
    int r = retry_handshake(s);
    say("C handshake %s\n", code(r));
    if (r == 0) {
        /* The server's data comes after its tickets: reading it takes them in. */
        r = retry_recv(s, buf, sizeof buf);
        say("C recv %s\n", code(r));
        if (scenario == RECORD_BYE || scenario == REAUTH_BYE)
            say("C bye %s\n", code(gnutls_bye(s, GNUTLS_SHUT_WR)));
    }
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    return twoends_main(SCENARIOS, server, client);
}
