/* Differential: TLS 1.2 beside TLS 1.3. Version negotiation with either
 * end capped at TLS 1.2, what a TLS 1.2 session reports (version, cipher,
 * key exchange, MAC, description, extended master secret, safe
 * renegotiation, tls-unique), gnutls_reauth refused on it with
 * GNUTLS_E_INVALID_REQUEST, no post-handshake auth flag, data both ways,
 * a client capped at TLS 1.2 against a TLS 1.3-only server, the PSK key
 * exchanges (PSK and ECDHE-PSK, and a wrong key), and a downgrade: the
 * client's supported_versions is cut to TLS 1.2 on the way, the server
 * answers TLS 1.2 with the RFC 8446 sentinel, and the client, which offered
 * TLS 1.3, must refuse it. The output
 * must be the same built against the system GnuTLS and against stepup.
 * FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "twoends.h"

#define BOTH "NORMAL"
#define TLS12_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.2"
#define TLS13_ONLY "NORMAL:-VERS-ALL:+VERS-TLS1.3"

struct scenario {
    const char *name;
    const char *server_priority;
    const char *client_priority;
    const char *key; /* the server's certificate, or NULL for PSK only */
    int psk;         /* 0: none; 1: the right key; 2: a wrong one; 3: the
                        right key for a binary user name, given and looked
                        up as a datum, and a server with an identity hint */
    int downgrade;   /* the client's TLS 1.3 offer is cut on the way */
    const char *pch; /* the server's post-client-hello function sets this
                        priority ("" sets none; NULL: no function) */
    int failure_only; /* the two libraries fail with different codes: only
                         that the server failed is compared */
};

static const struct scenario SCENARIOS[] = {
    {"client capped at 1.2, ECDSA", BOTH, TLS12_ONLY, "ecdsa", 0, 0, NULL, 0},
    {"server capped at 1.2, RSA", TLS12_ONLY, BOTH, "rsa", 0, 0, NULL, 0},
    {"both capped, RSA, CHACHA20", TLS12_ONLY, TLS12_ONLY ":-CIPHER-ALL:+CHACHA20-POLY1305", "rsa", 0, 0, NULL, 0},
    {"both capped, ECDSA, AES-128 P-384", TLS12_ONLY ":-GROUP-ALL:+GROUP-SECP384R1:+GROUP-SECP256R1",
     TLS12_ONLY ":-CIPHER-ALL:+AES-128-GCM", "ecdsa", 0, 0, NULL, 0},
    {"both speak 1.3", BOTH, BOTH, "ecdsa", 0, 0, NULL, 0},
    {"PSK", TLS12_ONLY ":-KX-ALL:+PSK", TLS12_ONLY ":-KX-ALL:+PSK", NULL, 1, 0, NULL, 0},
    {"ECDHE-PSK", TLS12_ONLY ":-KX-ALL:+ECDHE-PSK", TLS12_ONLY ":-KX-ALL:+ECDHE-PSK", NULL, 1, 0, NULL, 0},
    {"PSK, binary user name, hint", TLS12_ONLY ":-KX-ALL:+PSK", TLS12_ONLY ":-KX-ALL:+PSK", NULL, 3, 0, NULL, 0},
    {"ECDHE-PSK, binary user name, hint", TLS12_ONLY ":-KX-ALL:+ECDHE-PSK", TLS12_ONLY ":-KX-ALL:+ECDHE-PSK", NULL, 3,
     0, NULL, 0},
    {"ECDHE-PSK, a wrong key", TLS12_ONLY ":-KX-ALL:+ECDHE-PSK", TLS12_ONLY ":-KX-ALL:+ECDHE-PSK", NULL, 2, 0, NULL, 0},
    {"ECDHE-PSK, AES-256-GCM: no suite", TLS12_ONLY ":-KX-ALL:+ECDHE-PSK:-CIPHER-ALL:+AES-256-GCM",
     TLS12_ONLY ":-KX-ALL:+ECDHE-PSK", NULL, 1, 0, NULL, 0},
    {"downgrade to 1.2 detected", BOTH, BOTH, "ecdsa", 0, 1, NULL, 0},
    {"post-client-hello sets 1.2 only", BOTH, BOTH, "ecdsa", 0, 0, TLS12_ONLY, 0},
    {"post-client-hello lets a 1.2-only client in", TLS13_ONLY, TLS12_ONLY, "ecdsa", 0, 0, BOTH, 0},
    {"post-client-hello, 1.2-only client, 1.3-only server", TLS13_ONLY, TLS12_ONLY, "ecdsa", 0, 0, "", 1},
    {"1.2-only client, 1.3-only server", TLS13_ONLY, TLS12_ONLY, "ecdsa", 0, 0, NULL, 1},
};

static const unsigned char KEY[16] = "0123456789abcdef";

/* The downgrade: the client's first record, a ClientHello, has every TLS
 * 1.3 (0x0304) in supported_versions replaced by TLS 1.2 (the lengths stay). */
static void strip_tls13(unsigned char *rec, size_t len)
{
    size_t at = 5 + 4 + 2 + 32; /* record and handshake headers, version, random */
    if (len < at + 1)
        return;
    at += 1 + rec[at]; /* session id */
    if (len < at + 2)
        return;
    at += 2 + ((size_t)rec[at] << 8 | rec[at + 1]); /* cipher suites */
    if (len < at + 1)
        return;
    at += 1 + rec[at]; /* compression methods */
    at += 2;           /* extensions length */
    while (at + 4 <= len) {
        unsigned type = (unsigned)rec[at] << 8 | rec[at + 1];
        size_t ext_len = (size_t)rec[at + 2] << 8 | rec[at + 3];
        if (type == 43 && at + 4 + ext_len <= len) {
            for (size_t i = at + 5; i + 1 < at + 4 + ext_len; i += 2)
                if (rec[i] == 3 && rec[i + 1] == 4)
                    rec[i + 1] = 3;
            return;
        }
        at += 4 + ext_len;
    }
}

struct stripper {
    int fd;
    int done;
};

static ssize_t stripping_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
    struct stripper *st = ptr;
    unsigned char rec[1 << 15];
    if (!st->done && len > 5 && len <= sizeof rec && ((const unsigned char *)data)[0] == 22) {
        st->done = 1;
        memcpy(rec, data, len);
        strip_tls13(rec, len);
        return write(st->fd, rec, len);
    }
    return write(st->fd, data, len);
}

static ssize_t stripping_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
    struct stripper *st = ptr;
    return read(st->fd, data, len);
}

static int psk_function(gnutls_session_t session, const char *username, gnutls_datum_t *key)
{
    (void)session;
    if (strcmp(username, "alice") != 0)
        return 1;
    key->data = gnutls_malloc(sizeof KEY);
    if (key->data == NULL)
        return -1;
    memcpy(key->data, KEY, sizeof KEY);
    key->size = sizeof KEY;
    return 0;
}
/* A user name with a NUL byte in it. */
static const unsigned char BINARY_USER[4] = {'b', 0, 'o', 'b'};

static int psk_function2(gnutls_session_t session, const gnutls_datum_t *username, gnutls_datum_t *key)
{
    (void)session;
    if (username->size != sizeof BINARY_USER || memcmp(username->data, BINARY_USER, sizeof BINARY_USER) != 0)
        return 1;
    key->data = gnutls_malloc(sizeof KEY);
    if (key->data == NULL)
        return -1;
    memcpy(key->data, KEY, sizeof KEY);
    key->size = sizeof KEY;
    return 0;
}

/* The server's post-client-hello function: says it ran and what version
 * the ClientHello offers, and sets `pch_priority` unless it is empty. */
static const char *pch_priority;

static int post_client_hello(gnutls_session_t s)
{
    int r = *pch_priority ? gnutls_priority_set_direct(s, pch_priority, NULL) : 0;
    say("S post-client-hello ran, set priority %d\n", r);
    return 0;
}

#define COUNT (int)(sizeof SCENARIOS / sizeof SCENARIOS[0])

static void report(gnutls_session_t s, char side)
{
    int version = gnutls_protocol_get_version(s);
    say("%c version %s\n", side, gnutls_protocol_get_name(version));
    say("%c cipher %s\n", side, gnutls_cipher_get_name(gnutls_cipher_get(s)));
    say("%c kx %s\n", side, gnutls_kx_get_name(gnutls_kx_get(s)));
    say("%c mac %s\n", side, gnutls_mac_get_name(gnutls_mac_get(s)));
    char *desc = gnutls_session_get_desc(s);
    say("%c desc %s\n", side, desc ? desc : "(null)");
    gnutls_free(desc);
    const char *suite = gnutls_ciphersuite_get(s);
    say("%c suite %s\n", side, suite ? suite : "(null)");
    gnutls_datum_t client_random = {NULL, 0}, server_random = {NULL, 0};
    gnutls_session_get_random(s, &client_random, &server_random);
    static const unsigned char zero[32];
    say("%c randoms %u %u, set %d %d\n", side, client_random.size, server_random.size,
        client_random.size == 32 && memcmp(client_random.data, zero, 32) != 0,
        server_random.size == 32 && memcmp(server_random.data, zero, 32) != 0);
    if (version == GNUTLS_TLS1_2) {
        /* TLS 1.3 values of these differ by side and are covered elsewhere. */
        say("%c ems %u\n", side, gnutls_session_ext_master_secret_status(s));
        say("%c safe renegotiation %u\n", side, gnutls_safe_renegotiation_status(s));
        say("%c flags %#x\n", side,
            gnutls_session_get_flags(s) & (GNUTLS_SFLAGS_SAFE_RENEGOTIATION | GNUTLS_SFLAGS_EXT_MASTER_SECRET));
        gnutls_datum_t cb = {NULL, 0};
        int r = gnutls_session_channel_binding(s, GNUTLS_CB_TLS_UNIQUE, &cb);
        say("%c tls-unique %d size %u\n", side, r, cb.size);
        gnutls_free(cb.data);
        gnutls_datum_t master = {NULL, 0};
        gnutls_session_get_master_secret(s, &master);
        say("%c master secret size %u\n", side, master.size);
    }
    say("%c pha flag %#x\n", side, gnutls_session_get_flags(s) & GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH);
}

/* A failing GnuTLS server sends no alert unless the application asks it
 * to (the client sees PREMATURE_TERMINATION); stepup's sends the one the
 * protocol calls for. So a client reports only that it failed (but for
 * the downgrade, where its code is the point), and a server whose client
 * failed reports only that it failed too. Where a 1.2-only client meets a
 * 1.3-only server the servers' codes differ too (the system GnuTLS reports
 * NO_CIPHER_SUITES, stepup UNSUPPORTED_VERSION_PACKET), and only the
 * failure is compared on both sides (`failure_only`). */
static const char *outcome(int r, int scenario, char side)
{
    if (r < 0 && (side == 'C' || SCENARIOS[scenario].failure_only || SCENARIOS[scenario].downgrade))
        return "failed";
    return twoends_code(r);
}

static void server(int fd, int scenario)
{
    const struct scenario *sc = &SCENARIOS[scenario];
    gnutls_certificate_credentials_t cred = twoends_credentials("server", sc->key);
    gnutls_session_t s = twoends_session(GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH, sc->server_priority, cred, fd);
    gnutls_psk_server_credentials_t psk = NULL;
    if (sc->psk) {
        gnutls_psk_allocate_server_credentials(&psk);
        if (sc->psk == 3) {
            gnutls_psk_set_server_credentials_function2(psk, psk_function2);
            say("S set hint %d\n", gnutls_psk_set_server_credentials_hint(psk, "the hint"));
        } else {
            gnutls_psk_set_server_credentials_function(psk, psk_function);
        }
        gnutls_credentials_set(s, GNUTLS_CRD_PSK, psk);
    }
    say("S %s\n", sc->name);
    if (sc->pch) {
        pch_priority = sc->pch;
        gnutls_handshake_set_post_client_hello_function(s, post_client_hello);
    }
    int r = gnutls_handshake(s);
    say("S handshake %s\n", outcome(r, scenario, 'S'));
    if (r == 0) {
        report(s, 'S');
        gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
        if (gnutls_protocol_get_version(s) == GNUTLS_TLS1_2) {
            say("S reauth %s\n", twoends_code(gnutls_reauth(s, 0)));
            /* Nothing changed: data still flows. */
        }
        char buf[64] = {0};
        int n = (int)gnutls_record_recv(s, buf, sizeof buf - 1);
        say("S recv %d '%s'\n", n, n > 0 ? buf : "");
        say("S send %d\n", (int)gnutls_record_send(s, "pong", 4));
        say("S bye %s\n", twoends_code(gnutls_bye(s, GNUTLS_SHUT_WR)));
    } else {
        twoends_half_close(fd);
    }
    if (r == 0 && psk) {
        const char *u = gnutls_psk_server_get_username(s);
        say("S username %s\n", u ? u : "NULL");
        gnutls_datum_t u2 = {NULL, 0};
        int r2 = gnutls_psk_server_get_username2(s, &u2);
        say("S username2 %d size %u %s\n", r2, u2.size,
            u2.size == sizeof BINARY_USER && memcmp(u2.data, BINARY_USER, u2.size) == 0 ? "binary" : "other");
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
    if (psk)
        gnutls_psk_free_server_credentials(psk);
}

static void client(int fd, int scenario)
{
    const struct scenario *sc = &SCENARIOS[scenario];
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT | GNUTLS_POST_HANDSHAKE_AUTH, sc->client_priority, cred, fd);
    gnutls_psk_client_credentials_t psk = NULL;
    if (sc->psk) {
        const unsigned char wrong[16] = "fedcba9876543210";
        gnutls_datum_t key = {(unsigned char *)(sc->psk == 2 ? wrong : KEY), 16};
        gnutls_psk_allocate_client_credentials(&psk);
        if (sc->psk == 3) {
            gnutls_datum_t user = {(unsigned char *)BINARY_USER, sizeof BINARY_USER};
            say("C set credentials2 %d\n", gnutls_psk_set_client_credentials2(psk, &user, &key, GNUTLS_PSK_KEY_RAW));
        } else {
            gnutls_psk_set_client_credentials(psk, "alice", &key, GNUTLS_PSK_KEY_RAW);
        }
        gnutls_credentials_set(s, GNUTLS_CRD_PSK, psk);
    }
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    gnutls_session_set_verify_cert(s, "localhost", 0);
    struct stripper st = {fd, 0};
    if (sc->downgrade) {
        gnutls_transport_set_ptr(s, &st);
        gnutls_transport_set_push_function(s, stripping_push);
        gnutls_transport_set_pull_function(s, stripping_pull);
    }
    int r = gnutls_handshake(s);
    say("C handshake %s\n", sc->downgrade ? twoends_code(r) : outcome(r, scenario, 'C'));
    if (r == 0) {
        report(s, 'C');
        if (psk) {
            const char *hint = gnutls_psk_client_get_hint(s);
            say("C hint %s\n", hint ? hint : "NULL");
        }
        if (gnutls_protocol_get_version(s) == GNUTLS_TLS1_2)
            say("C reauth %s\n", twoends_code(gnutls_reauth(s, 0)));
        say("C send %d\n", (int)gnutls_record_send(s, "ping", 4));
        char buf[64] = {0};
        int n = (int)gnutls_record_recv(s, buf, sizeof buf - 1);
        say("C recv %d '%s'\n", n, n > 0 ? buf : "");
        n = (int)gnutls_record_recv(s, buf, sizeof buf - 1);
        say("C recv end %d\n", n);
    } else {
        twoends_half_close(fd);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
    if (psk)
        gnutls_psk_free_client_credentials(psk);
}

int main(void)
{
    return twoends_main(COUNT, server, client);
}
