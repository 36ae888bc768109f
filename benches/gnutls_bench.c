/* A benchmark written once against the GnuTLS API and built once, against
 * the system GnuTLS. scripts/bench-gnutls.sh runs the same binary against the
 * system library and against stepup's build/compat/libgnutls.so.30
 * (LD_LIBRARY_PATH), in interleaved rounds, and reports the ratios.
 *
 * Client and server live in one thread and talk through in-memory queues
 * (push/pull functions), so no system call blurs the figures. Rates are per
 * CPU-second: of the whole process, or, for the "server" rows, of the server's
 * calls alone (the client's work is left out of the clock).
 *
 * Usage: gnutls_bench FIXTURES_DIR SECONDS [ROW...]
 * Prints lines "row value unit". */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>

static const char *fixtures;
static double seconds_each;

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check(long r, const char *what)
{
    if (r < 0) {
        fprintf(stderr, "gnutls_bench: %s: %s\n", what, gnutls_strerror((int)r));
        exit(1);
    }
}

/* One direction of the in-memory wire. Its storage is given back whenever
 * it runs empty, so the memory row counts the sessions, not the wire. */
struct queue {
    unsigned char *data;
    size_t start, end, cap;
};

struct end {
    gnutls_session_t session;
    struct queue *in, *out;
};

static ssize_t queue_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
    struct end *e = ptr;
    struct queue *q = e->out;
    if (q->end + len > q->cap) {
        size_t cap = q->cap ? q->cap : 4096;
        while (cap < q->end + len)
            cap *= 2;
        unsigned char *grown = realloc(q->data, cap);
        if (!grown)
            abort();
        q->data = grown;
        q->cap = cap;
    }
    memcpy(q->data + q->end, data, len);
    q->end += len;
    return (ssize_t)len;
}

static ssize_t queue_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
    struct end *e = ptr;
    struct queue *q = e->in;
    size_t have = q->end - q->start;
    if (have == 0) {
        gnutls_transport_set_errno(e->session, EAGAIN);
        return -1;
    }
    if (len > have)
        len = have;
    memcpy(data, q->data + q->start, len);
    q->start += len;
    if (q->start == q->end) {
        free(q->data);
        memset(q, 0, sizeof *q);
    }
    return (ssize_t)len;
}

struct pair {
    struct queue c2s, s2c;
    struct end client, server;
};

static gnutls_certificate_credentials_t credentials(const char *role, const char *key_type)
{
    gnutls_certificate_credentials_t cred;
    char ca[512], cert[512], key[512];
    snprintf(ca, sizeof ca, "%s/ca.pem", fixtures);
    check(gnutls_certificate_allocate_credentials(&cred), "credentials");
    check(gnutls_certificate_set_x509_trust_file(cred, ca, GNUTLS_X509_FMT_PEM), ca);
    if (key_type) {
        snprintf(cert, sizeof cert, "%s/%s-%s.pem", fixtures, role, key_type);
        snprintf(key, sizeof key, "%s/%s-%s.key", fixtures, role, key_type);
        check(gnutls_certificate_set_x509_key_file2(cred, cert, key, GNUTLS_X509_FMT_PEM, NULL, 0), cert);
    }
    return cred;
}

/* What a row's connections share: credentials, priorities, ticket key and a
 * session to resume. */
struct setup {
    const char *priority;
    gnutls_certificate_credentials_t server_cred, client_cred;
    int client_cert_at_handshake, post_handshake_auth;
    gnutls_datum_t ticket_key, session;
};

static const char *const tls13_x25519 = "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519";

/* Runs the server's side of an action, adding its CPU time to *server_cpu. */
#define SERVER_TIMED(server_cpu, action)                                                                     \
    do {                                                                                                     \
        double t0_ = (server_cpu) ? cpu_now() : 0;                                                           \
        action;                                                                                              \
        if (server_cpu)                                                                                      \
            *(server_cpu) += cpu_now() - t0_;                                                                \
    } while (0)

static void init_end(struct end *e, unsigned flags, const struct setup *s, gnutls_certificate_credentials_t cred,
                     struct queue *in, struct queue *out)
{
    e->in = in;
    e->out = out;
    check(gnutls_init(&e->session, flags), "init");
    check(gnutls_priority_set_direct(e->session, s->priority, NULL), "priority");
    check(gnutls_credentials_set(e->session, GNUTLS_CRD_CERTIFICATE, cred), "credentials_set");
    gnutls_transport_set_ptr(e->session, e);
    gnutls_transport_set_push_function(e->session, queue_push);
    gnutls_transport_set_pull_function(e->session, queue_pull);
}

/* Sets up a pair and completes its handshake; the client verifies the
 * server, and the server verifies a client certificate when it gets one. */
static void connect_pair(struct pair *p, const struct setup *s, double *server_cpu)
{
    memset(p, 0, sizeof *p);
    unsigned pha = s->post_handshake_auth ? GNUTLS_POST_HANDSHAKE_AUTH : 0;
    SERVER_TIMED(server_cpu, {
        init_end(&p->server, GNUTLS_SERVER | pha, s, s->server_cred, &p->c2s, &p->s2c);
        gnutls_session_set_verify_cert(p->server.session, NULL, 0);
        if (s->client_cert_at_handshake)
            gnutls_certificate_server_set_request(p->server.session, GNUTLS_CERT_REQUIRE);
        if (s->ticket_key.data)
            check(gnutls_session_ticket_enable_server(p->server.session, &s->ticket_key), "tickets");
    });
    init_end(&p->client, GNUTLS_CLIENT | pha, s, s->client_cred, &p->s2c, &p->c2s);
    check(gnutls_server_name_set(p->client.session, GNUTLS_NAME_DNS, "localhost", 9), "server_name");
    gnutls_session_set_verify_cert(p->client.session, "localhost", 0);
    if (s->session.data)
        check(gnutls_session_set_data(p->client.session, s->session.data, s->session.size), "set_data");
    int c = GNUTLS_E_AGAIN, sv = GNUTLS_E_AGAIN;
    for (int rounds = 0; c != 0 || sv != 0; rounds++) {
        if (c != 0)
            c = gnutls_handshake(p->client.session);
        if (sv != 0)
            SERVER_TIMED(server_cpu, sv = gnutls_handshake(p->server.session));
        if ((c < 0 && gnutls_error_is_fatal(c)) || (sv < 0 && gnutls_error_is_fatal(sv)) || rounds > 100) {
            fprintf(stderr, "gnutls_bench: handshake: client %s, server %s\n", gnutls_strerror(c),
                    gnutls_strerror(sv));
            exit(1);
        }
    }
}

static void close_pair(struct pair *p, double *server_cpu)
{
    gnutls_deinit(p->client.session);
    SERVER_TIMED(server_cpu, gnutls_deinit(p->server.session));
    free(p->c2s.data);
    free(p->s2c.data);
}

/* Moves one small record each way, so that whatever follows the handshake
 * (tickets, the client's Finished) has been read by both ends. */
static void exchange(struct pair *p)
{
    char buf[64];
    check(gnutls_record_send(p->server.session, "s", 1), "send");
    check(gnutls_record_send(p->client.session, "c", 1), "send");
    for (int i = 0; i < 8; i++) {
        ssize_t r = gnutls_record_recv(p->client.session, buf, sizeof buf);
        if (r == 1)
            break;
        if (r != GNUTLS_E_AGAIN)
            check(r < 0 ? r : -1, "client recv");
    }
    for (int i = 0; i < 8; i++) {
        ssize_t r = gnutls_record_recv(p->server.session, buf, sizeof buf);
        if (r == 1)
            break;
        if (r != GNUTLS_E_AGAIN)
            check(r < 0 ? r : -1, "server recv");
    }
}

static void free_setup(struct setup *s)
{
    gnutls_certificate_free_credentials(s->server_cred);
    gnutls_certificate_free_credentials(s->client_cred);
    gnutls_free(s->ticket_key.data);
    gnutls_free(s->session.data);
}

/* Handshakes per CPU-second: of the pair, or of the server alone. */
static double handshakes(struct setup *s, int server_only)
{
    double server_cpu = 0, start = cpu_now(), elapsed;
    long n = 0;
    do {
        struct pair p;
        connect_pair(&p, s, server_only ? &server_cpu : NULL);
        close_pair(&p, server_only ? &server_cpu : NULL);
        n++;
    } while ((elapsed = cpu_now() - start) < seconds_each);
    return (double)n / (server_only ? server_cpu : elapsed);
}

static struct setup plain_setup(const char *key_type)
{
    struct setup s = {.priority = tls13_x25519};
    s.server_cred = credentials("server", key_type);
    s.client_cred = credentials("client", NULL);
    return s;
}

static struct setup resuming_setup(void)
{
    struct setup s = plain_setup("ecdsa");
    check(gnutls_session_ticket_key_generate(&s.ticket_key), "ticket key");
    struct pair p;
    connect_pair(&p, &s, NULL);
    exchange(&p);
    check(gnutls_session_get_data2(p.client.session, &s.session), "session data");
    close_pair(&p, NULL);
    /* Every measured handshake must resume, or the row measures the wrong thing. */
    connect_pair(&p, &s, NULL);
    if (!gnutls_session_is_resumed(p.client.session)) {
        fprintf(stderr, "gnutls_bench: the session did not resume\n");
        exit(1);
    }
    close_pair(&p, NULL);
    return s;
}

static double row_handshake(const char *key_type, int server_only)
{
    struct setup s = plain_setup(key_type);
    double rate = handshakes(&s, server_only);
    free_setup(&s);
    return rate;
}

static double row_client_cert(void)
{
    struct setup s = plain_setup("ecdsa");
    gnutls_certificate_free_credentials(s.client_cred);
    s.client_cred = credentials("client", "ecdsa");
    s.client_cert_at_handshake = 1;
    double rate = handshakes(&s, 0);
    free_setup(&s);
    return rate;
}

static double row_resumed(int server_only)
{
    struct setup s = resuming_setup();
    double rate = handshakes(&s, server_only);
    free_setup(&s);
    return rate;
}

/* Post-handshake authentication rounds on one session: the server asks,
 * the client answers with its certificate, the server verifies it. */
static double row_reauth(void)
{
    struct setup s = plain_setup("ecdsa");
    gnutls_certificate_free_credentials(s.client_cred);
    s.client_cred = credentials("client", "ecdsa");
    s.post_handshake_auth = 1;
    struct pair p;
    connect_pair(&p, &s, NULL);
    exchange(&p);
    gnutls_certificate_server_set_request(p.server.session, GNUTLS_CERT_REQUIRE);
    double start = cpu_now(), elapsed;
    long n = 0;
    char buf[64];
    do {
        int sr = gnutls_reauth(p.server.session, 0), cr = GNUTLS_E_AGAIN;
        for (int i = 0; sr != 0 && i < 16; i++) {
            if (sr != GNUTLS_E_AGAIN)
                check(sr, "server reauth");
            if (cr == GNUTLS_E_AGAIN) {
                ssize_t r = gnutls_record_recv(p.client.session, buf, sizeof buf);
                if (r == GNUTLS_E_REAUTH_REQUEST)
                    cr = gnutls_reauth(p.client.session, 0);
                else if (r != GNUTLS_E_AGAIN)
                    check(r < 0 ? r : -1, "client recv");
            } else if (cr != 0) {
                cr = gnutls_reauth(p.client.session, 0);
                if (cr != GNUTLS_E_AGAIN)
                    check(cr, "client reauth");
            }
            sr = gnutls_reauth(p.server.session, 0);
        }
        check(sr == 0 ? 0 : -1, "reauth did not complete");
        n++;
    } while ((elapsed = cpu_now() - start) < seconds_each);
    close_pair(&p, NULL);
    free_setup(&s);
    return (double)n / elapsed;
}

/* MB of application data per CPU-second, client to server in 16 KiB
 * records, four records in flight. */
static double row_bulk(const char *cipher)
{
    struct setup s = plain_setup("ecdsa");
    char prio[256];
    snprintf(prio, sizeof prio, "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+%s", cipher);
    s.priority = prio;
    struct pair p;
    connect_pair(&p, &s, NULL);
    exchange(&p);
    static char out[16384], in[16384];
    memset(out, 'x', sizeof out);
    double bytes = 0, start = cpu_now(), elapsed;
    do {
        for (int i = 0; i < 4; i++)
            check(gnutls_record_send(p.client.session, out, sizeof out) == (ssize_t)sizeof out ? 0 : -1, "send");
        for (size_t got = 0; got < 4 * sizeof out;) {
            ssize_t r = gnutls_record_recv(p.server.session, in, sizeof in);
            check(r > 0 ? 0 : (r < 0 ? r : -1), "recv");
            got += (size_t)r;
        }
        bytes += 4.0 * sizeof out;
    } while ((elapsed = cpu_now() - start) < seconds_each);
    close_pair(&p, NULL);
    free_setup(&s);
    return bytes / elapsed / 1e6;
}

/* Heap bytes held per established, idle pair (client and server), from
 * glibc's count of bytes in use, over 64 pairs. */
static double row_memory(void)
{
    enum { PAIRS = 64 };
    struct setup s = plain_setup("ecdsa");
    struct pair warm;
    connect_pair(&warm, &s, NULL);
    exchange(&warm);
    close_pair(&warm, NULL);
    static struct pair pairs[PAIRS];
    malloc_trim(0);
    size_t before = mallinfo2().uordblks;
    for (int i = 0; i < PAIRS; i++) {
        connect_pair(&pairs[i], &s, NULL);
        exchange(&pairs[i]);
    }
    size_t after = mallinfo2().uordblks;
    for (int i = 0; i < PAIRS; i++)
        close_pair(&pairs[i], NULL);
    free_setup(&s);
    return ((double)after - (double)before) / PAIRS;
}

struct row {
    const char *name, *unit;
    double (*run)(const char *arg, int flag);
    const char *arg;
    int flag;
};

static double run_handshake(const char *a, int f) { return row_handshake(a, f); }
static double run_client_cert(const char *a, int f) { (void)a; (void)f; return row_client_cert(); }
static double run_reauth(const char *a, int f) { (void)a; (void)f; return row_reauth(); }
static double run_resumed(const char *a, int f) { (void)a; return row_resumed(f); }
static double run_bulk(const char *a, int f) { (void)f; return row_bulk(a); }
static double run_memory(const char *a, int f) { (void)a; (void)f; return row_memory(); }

static const struct row rows[] = {
    {"handshake-ecdsa", "pairs/s", run_handshake, "ecdsa", 0},
    {"handshake-ecdsa-server", "hs/s", run_handshake, "ecdsa", 1},
    {"handshake-rsa", "pairs/s", run_handshake, "rsa", 0},
    {"handshake-ed25519", "pairs/s", run_handshake, "ed25519", 0},
    {"handshake-client-cert", "pairs/s", run_client_cert, NULL, 0},
    {"reauth", "rounds/s", run_reauth, NULL, 0},
    {"resumed", "pairs/s", run_resumed, NULL, 0},
    {"resumed-server", "hs/s", run_resumed, NULL, 1},
    {"bulk-aes-128-gcm", "MB/s", run_bulk, "AES-128-GCM", 0},
    {"bulk-chacha20-poly1305", "MB/s", run_bulk, "CHACHA20-POLY1305", 0},
    {"memory-idle-pair", "bytes", run_memory, NULL, 0},
};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gnutls_bench FIXTURES_DIR SECONDS [ROW...]\n");
        return 2;
    }
    fixtures = argv[1];
    seconds_each = atof(argv[2]);
    check(gnutls_global_init(), "global_init");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int wanted = argc == 3;
        for (int a = 3; a < argc; a++)
            wanted |= strcmp(argv[a], rows[i].name) == 0;
        if (!wanted)
            continue;
        double v = rows[i].run(rows[i].arg, rows[i].flag);
        printf("%s %.0f %s\n", rows[i].name, v, rows[i].unit);
        fflush(stdout);
    }
    gnutls_global_deinit();
    return 0;
}
