#include "common.h"

#include <errno.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

int debug_level = 0;
extern const char *program_name;

static void log_line(int level, const char *text)
{
    fprintf(stderr, "|<%d>| %s", level, text);
}

void setup_logging(int level)
{
    debug_level = level;
    if (level > 0) {
        gnutls_global_set_log_function(log_line);
        gnutls_global_set_log_level(level);
    }
}

void die(const char *what, int code)
{
    fprintf(stderr, "%s: %s: %s\n", program_name, what, gnutls_strerror(code));
    exit(1);
}

unsigned short parse_port(const char *text)
{
    char *end = NULL;
    long port = strtol(text, &end, 10);
    if (!text[0] || *end || port < 1 || port > 65535) {
        fprintf(stderr, "%s: bad port '%s'\n", program_name, text);
        exit(1);
    }
    return (unsigned short)port;
}

void print_peer_certificate(gnutls_session_t session)
{
    unsigned count = 0;
    const gnutls_datum_t *chain = gnutls_certificate_get_peers(session, &count);
    if (!chain || count == 0) {
        printf("- Peer did not send a certificate.\n");
        return;
    }
    printf("- Peer sent %u certificate(s).\n", count);
    for (unsigned i = 0; i < count; i++) {
        gnutls_x509_crt_t crt;
        gnutls_datum_t subject = {NULL, 0}, issuer = {NULL, 0};
        if (gnutls_x509_crt_init(&crt) < 0)
            return;
        if (gnutls_x509_crt_import(crt, &chain[i], GNUTLS_X509_FMT_DER) >= 0 &&
            gnutls_x509_crt_get_dn3(crt, &subject, 0) >= 0 &&
            gnutls_x509_crt_get_issuer_dn3(crt, &issuer, 0) >= 0) {
            printf(" - Certificate[%u] subject `%s', issuer `%s'\n", i, (char *)subject.data,
                   (char *)issuer.data);
        } else {
            printf(" - Certificate[%u] could not be parsed\n", i);
        }
        gnutls_free(subject.data);
        gnutls_free(issuer.data);
        gnutls_x509_crt_deinit(crt);
    }
}

void print_session_info(gnutls_session_t session, const char *who)
{
    char *desc = gnutls_session_get_desc(session);
    printf("- %s: Description: %s\n", who, desc ? desc : "(none)");
    gnutls_free(desc);
    printf("- %s: Protocol: %s, cipher: %s\n", who,
           gnutls_protocol_get_name(gnutls_protocol_get_version(session)),
           gnutls_cipher_get_name(gnutls_cipher_get(session)));
    print_peer_certificate(session);
    fflush(stdout);
}

double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Milliseconds left before the deadline, capped by `wait` (-1: forever);
 * 0 when it has passed. */
static int wait_ms(const struct deadline_transport *t, int wait)
{
    if (t->deadline <= 0)
        return wait;
    double left = (t->deadline - monotonic_s()) * 1000;
    if (left <= 0)
        return 0;
    int ms = left >= INT_MAX ? INT_MAX : (int)left + 1;
    return wait >= 0 && wait < ms ? wait : ms;
}

static ssize_t deadline_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
    struct deadline_transport *t = ptr;
    if (t->deadline > 0) {
        struct pollfd p = {t->fd, POLLIN, 0};
        int ms = wait_ms(t, -1);
        int ready = ms > 0 ? poll(&p, 1, ms) : 0;
        if (ready == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (ready < 0)
            return -1;
    }
    return recv(t->fd, data, len, 0);
}

static ssize_t deadline_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
    struct deadline_transport *t = ptr;
    return send(t->fd, data, len, MSG_NOSIGNAL);
}

static int deadline_pull_timeout(gnutls_transport_ptr_t ptr, unsigned int ms)
{
    struct deadline_transport *t = ptr;
    struct pollfd p = {t->fd, POLLIN, 0};
    int wait = ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : ms > INT_MAX ? INT_MAX : (int)ms;
    int capped = wait_ms(t, wait);
    return capped == 0 && wait != 0 ? 0 : poll(&p, 1, capped);
}

void deadline_transport_set(gnutls_session_t session, struct deadline_transport *t, int fd)
{
    t->fd = fd;
    t->deadline = 0;
    gnutls_transport_set_ptr(session, t);
    gnutls_transport_set_pull_function(session, deadline_pull);
    gnutls_transport_set_push_function(session, deadline_push);
    gnutls_transport_set_pull_timeout_function(session, deadline_pull_timeout);
}

void deadline_transport_arm(struct deadline_transport *t, double seconds)
{
    t->deadline = seconds > 0 ? monotonic_s() + seconds : 0;
}
