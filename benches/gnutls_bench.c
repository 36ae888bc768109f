/* A benchmark written once against the GnuTLS API and built twice: against
 * the system GnuTLS and against stepup (scripts/bench-gnutls.sh runs both in
 * one go and prints the ratios). Client and server live in one thread over a
 * non-blocking socketpair, so every figure is the CPU cost of both ends.
 *
 * Usage: gnutls_bench FIXTURES_DIR SECONDS
 * Prints lines "name value unit". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

static const char *fixtures;
static double seconds_each;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(int r, const char *what)
{
    if (r < 0) {
        fprintf(stderr, "gnutls_bench: %s: %s\n", what, gnutls_strerror(r));
        exit(1);
    }
}

struct pair {
    gnutls_session_t client, server;
    int fds[2];
};

static gnutls_certificate_credentials_t server_cred(const char *key_type)
{
    gnutls_certificate_credentials_t cred;
    char cert[512], key[512];
    snprintf(cert, sizeof cert, "%s/server-%s.pem", fixtures, key_type);
    snprintf(key, sizeof key, "%s/server-%s.key", fixtures, key_type);
    check(gnutls_certificate_allocate_credentials(&cred), "credentials");
    check(gnutls_certificate_set_x509_key_file2(cred, cert, key, GNUTLS_X509_FMT_PEM, NULL, 0), cert);
    return cred;
}

static gnutls_certificate_credentials_t client_cred(void)
{
    gnutls_certificate_credentials_t cred;
    char ca[512];
    snprintf(ca, sizeof ca, "%s/ca.pem", fixtures);
    check(gnutls_certificate_allocate_credentials(&cred), "credentials");
    check(gnutls_certificate_set_x509_trust_file(cred, ca, GNUTLS_X509_FMT_PEM), ca);
    return cred;
}

/* Sets up and completes one handshake; the client verifies the server. */
static void connect_pair(struct pair *p, const char *priority, gnutls_certificate_credentials_t sc,
                         gnutls_certificate_credentials_t cc, const gnutls_datum_t *ticket_key,
                         const gnutls_datum_t *session)
{
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, p->fds) != 0)
        exit(1);
    for (int i = 0; i < 2; i++)
        fcntl(p->fds[i], F_SETFL, O_NONBLOCK);
    check(gnutls_init(&p->server, GNUTLS_SERVER), "init");
    check(gnutls_init(&p->client, GNUTLS_CLIENT), "init");
    check(gnutls_priority_set_direct(p->server, priority, NULL), "priority");
    check(gnutls_priority_set_direct(p->client, priority, NULL), "priority");
    gnutls_credentials_set(p->server, GNUTLS_CRD_CERTIFICATE, sc);
    gnutls_credentials_set(p->client, GNUTLS_CRD_CERTIFICATE, cc);
    gnutls_server_name_set(p->client, GNUTLS_NAME_DNS, "localhost", 9);
    gnutls_session_set_verify_cert(p->client, "localhost", 0);
    if (ticket_key)
        check(gnutls_session_ticket_enable_server(p->server, ticket_key), "tickets");
    if (session)
        check(gnutls_session_set_data(p->client, session->data, session->size), "set_data");
    gnutls_transport_set_int(p->server, p->fds[0]);
    gnutls_transport_set_int(p->client, p->fds[1]);
    int c = GNUTLS_E_AGAIN, s = GNUTLS_E_AGAIN;
    for (int rounds = 0; (c != 0 || s != 0) && rounds < 1000; rounds++) {
        if (c != 0)
            c = gnutls_handshake(p->client);
        if (s != 0)
            s = gnutls_handshake(p->server);
        if ((c < 0 && gnutls_error_is_fatal(c)) || (s < 0 && gnutls_error_is_fatal(s))) {
            fprintf(stderr, "gnutls_bench: handshake: client %d, server %d\n", c, s);
            exit(1);
        }
    }
}

static void close_pair(struct pair *p)
{
    gnutls_deinit(p->client);
    gnutls_deinit(p->server);
    close(p->fds[0]);
    close(p->fds[1]);
}

static void bench_handshakes(const char *key_type)
{
    gnutls_certificate_credentials_t sc = server_cred(key_type), cc = client_cred();
    const char *prio = "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519:-CIPHER-ALL:+AES-128-GCM";
    long n = 0;
    double start = now(), elapsed;
    do {
        struct pair p;
        connect_pair(&p, prio, sc, cc, NULL, NULL);
        close_pair(&p);
        n++;
    } while ((elapsed = now() - start) < seconds_each);
    printf("handshake-%s %.0f handshakes/s\n", key_type, (double)n / elapsed);
    gnutls_certificate_free_credentials(sc);
    gnutls_certificate_free_credentials(cc);
}

/* Resumed handshakes: one full handshake brings a ticket, then every
 * connection resumes with it (the server holds the same ticket key). */
static void bench_resumed(void)
{
    gnutls_certificate_credentials_t sc = server_cred("ecdsa"), cc = client_cred();
    const char *prio = "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519:-CIPHER-ALL:+AES-128-GCM";
    gnutls_datum_t ticket_key = {NULL, 0}, session = {NULL, 0};
    check(gnutls_session_ticket_key_generate(&ticket_key), "ticket key");
    struct pair p;
    connect_pair(&p, prio, sc, cc, &ticket_key, NULL);
    /* The ticket follows the handshake: a record each way brings it in. */
    char buf[16];
    for (int i = 0; i < 100; i++) {
        ssize_t w = gnutls_record_send(p.server, "x", 1);
        ssize_t r = gnutls_record_recv(p.client, buf, sizeof buf);
        if (w == 1 && r == 1)
            break;
    }
    check(gnutls_session_get_data2(p.client, &session), "session data");
    close_pair(&p);
    long n = 0, resumed = 0;
    double start = now(), elapsed;
    do {
        connect_pair(&p, prio, sc, cc, &ticket_key, &session);
        resumed += gnutls_session_is_resumed(p.client) != 0;
        close_pair(&p);
        n++;
    } while ((elapsed = now() - start) < seconds_each);
    if (resumed != n)
        fprintf(stderr, "gnutls_bench: only %ld of %ld handshakes resumed\n", resumed, n);
    printf("handshake-resumed %.0f handshakes/s\n", (double)n / elapsed);
    gnutls_free(session.data);
    gnutls_free(ticket_key.data);
    gnutls_certificate_free_credentials(sc);
    gnutls_certificate_free_credentials(cc);
}

static void bench_bulk(const char *cipher)
{
    gnutls_certificate_credentials_t sc = server_cred("ecdsa"), cc = client_cred();
    char prio[256];
    snprintf(prio, sizeof prio, "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+%s", cipher);
    struct pair p;
    connect_pair(&p, prio, sc, cc, NULL, NULL);
    static char out[16384], in[16384];
    memset(out, 'x', sizeof out);
    double bytes = 0, start = now(), elapsed;
    do {
        /* A few records out, then read them all back in. */
        int queued = 0;
        for (int i = 0; i < 4; i++) {
            ssize_t w = gnutls_record_send(p.client, out, sizeof out);
            if (w == GNUTLS_E_AGAIN)
                break;
            check((int)w, "send");
            queued += (int)w;
        }
        while (queued > 0) {
            ssize_t r = gnutls_record_recv(p.server, in, sizeof in);
            if (r == GNUTLS_E_AGAIN)
                continue;
            check((int)r, "recv");
            queued -= (int)r;
            bytes += (double)r;
        }
    } while ((elapsed = now() - start) < seconds_each);
    printf("bulk-%s %.0f MB/s\n", cipher, bytes / elapsed / 1e6);
    close_pair(&p);
    gnutls_certificate_free_credentials(sc);
    gnutls_certificate_free_credentials(cc);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gnutls_bench FIXTURES_DIR SECONDS\n");
        return 2;
    }
    fixtures = argv[1];
    seconds_each = atof(argv[2]);
    check(gnutls_global_init(), "global_init");
    bench_handshakes("ecdsa");
    bench_handshakes("ed25519");
    bench_handshakes("rsa");
    bench_resumed();
    bench_bulk("AES-128-GCM");
    bench_bulk("AES-256-GCM");
    bench_bulk("CHACHA20-POLY1305");
    gnutls_global_deinit();
    return 0;
}
