/* Differential: GnuTLS lets one thread receive on a session while another
 * sends on it. Both ends here run a sending and a receiving thread on their
 * one session at once, full duplex, over several rounds of many records of
 * varied sizes. Every record is
 * checked (sequence number and pattern); the output counts what arrived
 * intact, so it never depends on scheduling. It must be the same built
 * against the system GnuTLS and against stepup. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "twoends.h"

#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define RECORDS 300
#define ROUNDS 3

struct side {
    gnutls_session_t session;
    int client;
    unsigned sent, received, intact, errors;
    int first_error;
};

/* Record i: 4 bytes of i, then (i * 7) % 2000 bytes of the byte i. */
static size_t make_record(unsigned i, unsigned char *buf)
{
    size_t len = 4 + (i * 7) % 2000;
    memcpy(buf, &i, 4);
    memset(buf + 4, (int)(i & 0xff), len - 4);
    return len;
}

static void *sender(void *arg)
{
    struct side *side = arg;
    unsigned char buf[4096];
    for (unsigned i = 0; i < RECORDS; i++) {
        size_t len = make_record(i, buf);
        ssize_t r;
        do {
            r = gnutls_record_send(side->session, buf, len);
        } while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
        if (r == (ssize_t)len) {
            side->sent++;
        } else {
            if (side->errors++ == 0)
                side->first_error = (int)r;
        }
    }
    return NULL;
}

static void *receiver(void *arg)
{
    struct side *side = arg;
    unsigned char buf[4096], want[4096];
    while (side->received < RECORDS) {
        ssize_t r = gnutls_record_recv(side->session, buf, sizeof buf);
        if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
            continue;
        if (r <= 0) {
            if (side->errors++ == 0)
                side->first_error = (int)r;
            break;
        }
        size_t len = make_record(side->received, want);
        if ((size_t)r == len && memcmp(buf, want, len) == 0)
            side->intact++;
        side->received++;
    }
    return NULL;
}

/* Runs both threads on the session; then closes in order: our close_notify,
 * then the peer's (read by this thread alone). */
static void duplex(struct side *side, const char *name)
{
    pthread_t s, r;
    pthread_create(&r, NULL, receiver, side);
    pthread_create(&s, NULL, sender, side);
    pthread_join(s, NULL);
    pthread_join(r, NULL);
    say("%s sent %u received %u intact %u errors %u", name, side->sent, side->received, side->intact,
        side->errors);
    if (side->errors)
        say(" first %d %s", side->first_error, gnutls_strerror_name(side->first_error));
    say("\n");
}

static void server(int fd, int round)
{
    (void)round;
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    struct side side = {twoends_session(GNUTLS_SERVER, PRIORITY, cred, fd), 0, 0, 0, 0, 0, 0};
    say("S handshake %d\n", gnutls_handshake(side.session));
    duplex(&side, "S");
    say("S bye %d\n", gnutls_bye(side.session, GNUTLS_SHUT_RDWR));
    gnutls_deinit(side.session);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int round)
{
    (void)round;
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    struct side side = {twoends_session(GNUTLS_CLIENT, PRIORITY, cred, fd), 1, 0, 0, 0, 0, 0};
    gnutls_server_name_set(side.session, GNUTLS_NAME_DNS, "localhost", 9);
    say("C handshake %d\n", gnutls_handshake(side.session));
    duplex(&side, "C");
    char end[16];
    ssize_t r;
    do { /* the server's close_notify */
        r = gnutls_record_recv(side.session, end, sizeof end);
    } while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
    say("C recv end %d\n", (int)r);
    say("C bye %d\n", gnutls_bye(side.session, GNUTLS_SHUT_WR));
    gnutls_deinit(side.session);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    gnutls_global_init();
    twoends_run(ROUNDS, server, client);
    gnutls_global_deinit();
    return 0;
}
