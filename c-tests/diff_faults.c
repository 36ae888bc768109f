/* Differential fault injection: a client and a server in one process over
 * in-memory pipes, non-blocking, through push/pull callbacks that fail one
 * chosen call: EAGAIN or EINTR on a pull or a push, a pull that returns one
 * byte, or a push that takes one byte. For each phase of a conversation
 * (handshake, record I/O both ways, re-authentication with application data
 * interleaved, KeyUpdate, bye) and each kind of fault, every call of the
 * phase is failed in turn, on a fresh conversation, and then every other
 * call in one conversation; each failed operation
 * is retried as GnuTLS's non-blocking contract says (the same call again),
 * and the phase must complete with the right data, the session still
 * usable after it. Prints one line per phase and kind; the output must be
 * the same on the system GnuTLS and on stepup. FIXTURES is the test PKI. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <gnutls/gnutls.h>

#include "twoends.h"

/* ---- the pipes and the faulty transport -------------------------------- */

struct pipe {
    unsigned char *buf;
    size_t len, cap;
};

enum kind { PULL_AGAIN, PULL_INTR, PULL_SHORT, PUSH_AGAIN, PUSH_INTR, PUSH_SHORT, KINDS };
static const char *const KIND_NAMES[] = {"pull EAGAIN", "pull EINTR", "short read",
                                         "push EAGAIN", "push EINTR", "short write"};

/* The fault: armed for one phase, it hits the `target`-th call of its
 * direction (pulls that find data waiting, or pushes) made in that phase,
 * or every other one when `target` is -1. */
static struct {
    int armed;
    enum kind kind;
    long target, count;
    int fired;
} fault;

struct end {
    gnutls_session_t s;
    struct pipe *in, *out;
};

static int hits(int pull)
{
    if (!fault.armed || (fault.kind < PUSH_AGAIN) != pull)
        return 0;
    long n = fault.count++;
    if (fault.target < 0 ? n % 2 != 0 : n != fault.target)
        return 0;
    fault.fired = 1;
    return 1;
}

static ssize_t pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
    struct end *e = ptr;
    if (e->in->len == 0) {
        gnutls_transport_set_errno(e->s, EAGAIN);
        return -1;
    }
    size_t n = len < e->in->len ? len : e->in->len;
    if (hits(1)) {
        if (fault.kind == PULL_AGAIN || fault.kind == PULL_INTR) {
            gnutls_transport_set_errno(e->s, fault.kind == PULL_AGAIN ? EAGAIN : EINTR);
            return -1;
        }
        n = 1;
    }
    memcpy(data, e->in->buf, n);
    memmove(e->in->buf, e->in->buf + n, e->in->len - n);
    e->in->len -= n;
    return (ssize_t)n;
}

static ssize_t push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
    struct end *e = ptr;
    size_t n = len;
    if (hits(0)) {
        if (fault.kind == PUSH_AGAIN || fault.kind == PUSH_INTR) {
            gnutls_transport_set_errno(e->s, fault.kind == PUSH_AGAIN ? EAGAIN : EINTR);
            return -1;
        }
        n = len > 1 ? 1 : len;
    }
    if (e->out->len + n > e->out->cap) {
        size_t cap = (e->out->len + n) * 2;
        unsigned char *b = realloc(e->out->buf, cap);
        if (!b)
            abort();
        e->out->buf = b;
        e->out->cap = cap;
    }
    memcpy(e->out->buf + e->out->len, data, n);
    e->out->len += n;
    return (ssize_t)n;
}

static int pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
    (void)ms;
    struct end *e = ptr;
    return e->in->len > 0;
}

/* ---- one conversation ---------------------------------------------------- */

static gnutls_certificate_credentials_t server_cred, client_cred;

struct conv {
    struct pipe up, down; /* client -> server, server -> client */
    struct end client, server;
    /* progress of the steps of the current phase */
    size_t sent, got;
    int state;
    unsigned char rx[65536];
};

static int conv_open(struct conv *c)
{
    memset(c, 0, sizeof *c);
    c->client.in = &c->down;
    c->client.out = &c->up;
    c->server.in = &c->up;
    c->server.out = &c->down;
    if (gnutls_init(&c->client.s, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_POST_HANDSHAKE_AUTH) < 0 ||
        gnutls_init(&c->server.s, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_POST_HANDSHAKE_AUTH) < 0)
        return -1;
    struct end *ends[] = {&c->client, &c->server};
    for (int i = 0; i < 2; i++) {
        gnutls_session_t s = ends[i]->s;
        gnutls_priority_set_direct(s, "NORMAL:-VERS-ALL:+VERS-TLS1.3", NULL);
        gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, i == 0 ? client_cred : server_cred);
        gnutls_transport_set_ptr(s, ends[i]);
        gnutls_transport_set_push_function(s, push);
        gnutls_transport_set_pull_function(s, pull);
        gnutls_transport_set_pull_timeout_function(s, pull_timeout);
    }
    gnutls_server_name_set(c->client.s, GNUTLS_NAME_DNS, "localhost", strlen("localhost"));
    gnutls_session_set_verify_cert(c->client.s, "localhost", 0);
    gnutls_certificate_server_set_request(c->server.s, GNUTLS_CERT_IGNORE);
    return 0;
}

static void conv_close(struct conv *c)
{
    gnutls_deinit(c->client.s);
    gnutls_deinit(c->server.s);
    free(c->up.buf);
    free(c->down.buf);
}

static int retryable(int r)
{
    return r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED;
}

/* A step returns 1 when its side is done, 0 to be called again, or a
 * negative GnuTLS code for a failure. */
typedef int (*step_fn)(struct conv *c, struct end *e);

/* Runs both sides' steps until both are done; returns 0, or the first
 * failure (and which side) in `why`. Bounded in calls. */
static int run_phase(struct conv *c, step_fn client, step_fn server, char *why, size_t why_len)
{
    int cdone = 0, sdone = 0;
    for (int i = 0; i < 20000 && !(cdone && sdone); i++) {
        if (!cdone) {
            int r = client(c, &c->client);
            if (r < 0) {
                snprintf(why, why_len, "client: %s", twoends_code(r));
                return -1;
            }
            cdone = r;
        }
        if (!sdone) {
            int r = server(c, &c->server);
            if (r < 0) {
                snprintf(why, why_len, "server: %s", twoends_code(r));
                return -1;
            }
            sdone = r;
        }
    }
    if (!(cdone && sdone)) {
        snprintf(why, why_len, "did not complete (client %s, server %s)", cdone ? "done" : "stuck",
                 sdone ? "done" : "stuck");
        return -1;
    }
    return 0;
}

/* ---- steps -------------------------------------------------------------- */

static int handshake_step(struct conv *c, struct end *e)
{
    (void)c;
    int r = gnutls_handshake(e->s);
    return r == 0 ? 1 : retryable(r) ? 0 : r;
}

static const size_t SIZES[] = {1, 3000, 40000};
#define TOTAL (1 + 3000 + 40000)

static unsigned char pattern(size_t i) { return (unsigned char)(i * 7 + 3); }

/* Sends SIZES as separate writes, each retried with the same arguments. */
static int send_step(struct conv *c, struct end *e)
{
    static unsigned char data[TOTAL];
    for (size_t i = 0; i < TOTAL; i++)
        data[i] = pattern(i);
    size_t at = 0;
    for (size_t k = 0; k < sizeof SIZES / sizeof SIZES[0]; k++) {
        size_t end = at + SIZES[k];
        if (c->sent < end) {
            ssize_t r = gnutls_record_send(e->s, data + c->sent, end - c->sent);
            if (r > 0)
                c->sent += (size_t)r;
            else if (!retryable((int)r))
                return (int)r;
            return 0;
        }
        at = end;
    }
    return 1;
}

static int recv_step(struct conv *c, struct end *e)
{
    if (c->got >= TOTAL)
        return 1;
    unsigned char buf[20000];
    ssize_t r = gnutls_record_recv(e->s, buf, sizeof buf);
    if (r > 0) {
        for (ssize_t i = 0; i < r; i++)
            if (buf[i] != pattern(c->got + (size_t)i))
                return GNUTLS_E_DECRYPTION_FAILED; /* reported as corruption */
        c->got += (size_t)r;
        return c->got >= TOTAL;
    }
    if (r == 0)
        return GNUTLS_E_PREMATURE_TERMINATION;
    return retryable((int)r) ? 0 : (int)r;
}

static const char INTERLEAVED[] = "sent while asked for a certificate";

static int reauth_server_step(struct conv *c, struct end *e)
{
    int r = gnutls_reauth(e->s, 0);
    if (r == 0)
        return c->got == sizeof INTERLEAVED ? 1 : 0;
    if (r == GNUTLS_E_GOT_APPLICATION_DATA) {
        ssize_t n = gnutls_record_recv(e->s, c->rx + c->got, sizeof c->rx - c->got);
        if (n > 0)
            c->got += (size_t)n;
        else if (!retryable((int)n))
            return (int)n;
        return 0;
    }
    return retryable(r) ? 0 : r;
}

static int reauth_client_step(struct conv *c, struct end *e)
{
    switch (c->state) {
    case 0: { /* wait for the request */
        unsigned char buf[64];
        ssize_t r = gnutls_record_recv(e->s, buf, sizeof buf);
        if (r == GNUTLS_E_REAUTH_REQUEST) {
            c->state = 1;
            return 0;
        }
        return retryable((int)r) ? 0 : r < 0 ? (int)r : GNUTLS_E_UNEXPECTED_PACKET;
    }
    case 1: { /* application data before the answer */
        ssize_t r = gnutls_record_send(e->s, INTERLEAVED, sizeof INTERLEAVED);
        if (r == (ssize_t)sizeof INTERLEAVED)
            c->state = 2;
        else if (r >= 0 || !retryable((int)r))
            return r < 0 ? (int)r : GNUTLS_E_INTERNAL_ERROR;
        return 0;
    }
    default: {
        int r = gnutls_reauth(e->s, 0);
        return r == 0 ? 1 : retryable(r) ? 0 : r;
    }
    }
}

static int key_update_client_step(struct conv *c, struct end *e)
{
    if (c->state == 0) {
        int r = gnutls_session_key_update(e->s, GNUTLS_KU_PEER);
        if (r == 0)
            c->state = 1;
        return r == 0 || retryable(r) ? 0 : r;
    }
    return send_step(c, e);
}

/* The server reads the client's data after the update (which also takes
 * in the KeyUpdate and answers it). */
static int key_update_server_step(struct conv *c, struct end *e)
{
    return recv_step(c, e);
}

static int bye_client_step(struct conv *c, struct end *e)
{
    (void)c;
    int r = gnutls_bye(e->s, GNUTLS_SHUT_RDWR);
    return r == 0 ? 1 : retryable(r) ? 0 : r;
}

static int bye_server_step(struct conv *c, struct end *e)
{
    if (c->state == 0) {
        unsigned char buf[64];
        ssize_t r = gnutls_record_recv(e->s, buf, sizeof buf);
        if (r == 0) {
            c->state = 1;
            return 0;
        }
        return retryable((int)r) ? 0 : r < 0 ? (int)r : GNUTLS_E_UNEXPECTED_PACKET;
    }
    int r = gnutls_bye(e->s, GNUTLS_SHUT_WR);
    return r == 0 ? 1 : retryable(r) ? 0 : r;
}

/* ---- phases ------------------------------------------------------------- */

enum phase { HANDSHAKE, SEND_UP, SEND_DOWN, REAUTH, KEY_UPDATE, BYE, PHASES };
static const char *const PHASE_NAMES[] = {"handshake", "records client->server", "records server->client",
                                          "reauth with data interleaved", "key update", "bye"};

static void reset_progress(struct conv *c)
{
    c->sent = c->got = 0;
    c->state = 0;
}

/* Runs phase `p` of conversation `c`; the fault, if armed, is live for it
 * only. Returns 0 when it completed with the right outcome. */
static int run(struct conv *c, enum phase p, char *why, size_t why_len)
{
    int r;
    reset_progress(c);
    switch (p) {
    case HANDSHAKE:
        r = run_phase(c, handshake_step, handshake_step, why, why_len);
        break;
    case SEND_UP:
        r = run_phase(c, send_step, recv_step, why, why_len);
        break;
    case SEND_DOWN:
        r = run_phase(c, recv_step, send_step, why, why_len);
        break;
    case REAUTH:
        gnutls_certificate_server_set_request(c->server.s, GNUTLS_CERT_REQUIRE);
        r = run_phase(c, reauth_client_step, reauth_server_step, why, why_len);
        if (r == 0 && memcmp(c->rx, INTERLEAVED, sizeof INTERLEAVED) != 0) {
            snprintf(why, why_len, "interleaved data changed");
            r = -1;
        }
        if (r == 0 && gnutls_certificate_get_peers(c->server.s, NULL) == NULL) {
            snprintf(why, why_len, "no client certificate after reauth");
            r = -1;
        }
        break;
    case KEY_UPDATE:
        r = run_phase(c, key_update_client_step, key_update_server_step, why, why_len);
        break;
    default:
        r = run_phase(c, bye_client_step, bye_server_step, why, why_len);
        break;
    }
    return r;
}

/* A fresh conversation brought, without faults, to the start of `p`. */
static int prepare(struct conv *c, enum phase p, char *why, size_t why_len)
{
    if (conv_open(c) < 0) {
        snprintf(why, why_len, "gnutls_init failed");
        return -1;
    }
    for (enum phase q = HANDSHAKE; q < p; q++)
        if (q == HANDSHAKE && run(c, q, why, why_len) < 0)
            return -1;
    return 0;
}

/* After the phase: the session still carries data both ways. */
static int still_usable(struct conv *c, char *why, size_t why_len)
{
    if (run(c, SEND_UP, why, why_len) < 0 || run(c, SEND_DOWN, why, why_len) < 0)
        return -1;
    return 0;
}

int main(void)
{
    gnutls_global_init();
    server_cred = twoends_credentials("server", "ecdsa");
    client_cred = twoends_credentials("client", "ecdsa");
    int failures = 0;
    for (enum phase p = HANDSHAKE; p < PHASES; p++) {
        for (enum kind k = 0; k < KINDS; k++) {
            char why[200] = "";
            long point;
            int ok = 1;
            for (point = 0; point < 500; point++) {
                struct conv c;
                if (prepare(&c, p, why, sizeof why) < 0) {
                    ok = 0;
                    conv_close(&c);
                    break;
                }
                fault.armed = 1;
                fault.kind = k;
                fault.target = point;
                fault.count = 0;
                fault.fired = 0;
                int r = run(&c, p, why, sizeof why);
                fault.armed = 0;
                int fired = fault.fired;
                if (r == 0 && p != BYE)
                    r = still_usable(&c, why, sizeof why);
                conv_close(&c);
                if (r < 0) {
                    ok = 0;
                    break;
                }
                if (!fired)
                    break; /* every call of the phase has been failed once */
            }
            if (ok) {
                /* Then every other call of the phase, all in one run. */
                struct conv c;
                if (prepare(&c, p, why, sizeof why) < 0)
                    ok = 0;
                else {
                    fault.armed = 1;
                    fault.kind = k;
                    fault.target = -1;
                    fault.count = 0;
                    fault.fired = 0;
                    int r = run(&c, p, why, sizeof why);
                    fault.armed = 0;
                    if (r == 0 && p != BYE)
                        r = still_usable(&c, why, sizeof why);
                    if (r < 0) {
                        ok = 0;
                        point = -1;
                    }
                }
                conv_close(&c);
            }
            if (ok && point == 0 && (k == PULL_AGAIN || k == PUSH_AGAIN)) {
                ok = 0;
                snprintf(why, sizeof why, "the phase made no transport call");
            }
            if (ok && getenv("FAULT_POINTS"))
                printf("%s, %s at each of %ld calls, then at every other: completes\n", PHASE_NAMES[p],
                       KIND_NAMES[k], point);
            else if (ok)
                printf("%s, %s at each call, then at every other: completes\n", PHASE_NAMES[p], KIND_NAMES[k]);
            else {
                failures++;
                printf("%s, %s at call %ld (-1: every other): FAILS: %s\n", PHASE_NAMES[p], KIND_NAMES[k], point,
                       why);
            }
        }
    }
    gnutls_certificate_free_credentials(server_cred);
    gnutls_certificate_free_credentials(client_cred);
    gnutls_global_deinit();
    printf("%d of %d fault sweeps failed\n", failures, PHASES * KINDS);
    return 0;
}
