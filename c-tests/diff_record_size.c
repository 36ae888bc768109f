/* Differential: record sizes. gnutls_record_set_max_size (what we send and
 * accept) and gnutls_record_set_max_recv_size (what we accept) on both
 * ends: the codes for sizes out of range, the extensions that carry them
 * (max_fragment_length and record_size_limit in the ClientHello,
 * record_size_limit in the EncryptedExtensions), and how much one
 * gnutls_record_send of one byte more than the limit sends: each end keeps
 * under its own maximum and under the limit its peer announced. Each end
 * sends two records, then a one-byte record that ends the run; the other
 * prints the size of each record it receives. The output must be the same
 * built against the system GnuTLS and against stepup. */
#include <stdio.h>
#include <string.h>

#include "twoends.h"

#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

struct scenario {
    int recv_only; /* 1: gnutls_record_set_max_recv_size, 0: gnutls_record_set_max_size */
    size_t server_size, client_size;
};

static const struct scenario scenarios[] = {
    {0, 511, 511},     {0, 512, 512},     {0, 8192, 8192},   {0, 16384, 16384},
    {0, 16383, 16384}, {0, 16385, 16385}, {0, 4096, 16384},  {1, 512, 16384},
    {1, 16384, 512},   {1, 1000, 2000},   {1, 511, 16385},
};
#define SCENARIOS (int)(sizeof scenarios / sizeof scenarios[0])

static char side;
static unsigned char data[16400];

static int ext_seen(void *ctx, unsigned tls_id, const unsigned char *d, unsigned size)
{
    (void)ctx;
    if (tls_id == 1)
        say("%c sees max_fragment_length %u\n", side, size > 0 ? d[0] : 0);
    if (tls_id == 28)
        say("%c sees record_size_limit %u\n", side, size >= 2 ? (unsigned)d[0] << 8 | d[1] : 0);
    return 0;
}

static int hook(gnutls_session_t session, unsigned htype, unsigned when, unsigned incoming,
                const gnutls_datum_t *msg)
{
    (void)session;
    if (when != GNUTLS_HOOK_POST || !incoming || msg == NULL)
        return 0;
    if (htype == GNUTLS_HANDSHAKE_CLIENT_HELLO)
        gnutls_ext_raw_parse(NULL, ext_seen, msg, GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO);
    if (htype == GNUTLS_HANDSHAKE_ENCRYPTED_EXTENSIONS)
        gnutls_ext_raw_parse(NULL, ext_seen, msg, 0);
    return 0;
}

static void send_two(gnutls_session_t s, size_t size)
{
    ssize_t r = gnutls_record_send(s, data, size + 1);
    say("%c send %zu: %d\n", side, size + 1, (int)r);
    r = gnutls_record_send(s, data, size);
    say("%c send %zu: %d\n", side, size, (int)r);
    r = gnutls_record_send(s, data, 1);
    say("%c send end: %d\n", side, (int)r);
}

static void receive_until_end(gnutls_session_t s)
{
    for (int i = 0; i < 8; i++) {
        ssize_t r = gnutls_record_recv(s, data, sizeof data);
        say("%c record %d\n", side, (int)r);
        if (r <= 1)
            break;
    }
}

static gnutls_session_t start(unsigned flags, int fd, size_t size, int recv_only,
                              gnutls_certificate_credentials_t cred)
{
    gnutls_session_t s = twoends_session(flags, TLS13, cred, fd);
    int r = recv_only ? gnutls_record_set_max_recv_size(s, size) : gnutls_record_set_max_size(s, size);
    say("%c set %s %zu: %s\n", side, recv_only ? "max_recv_size" : "max_size", size, twoends_code(r));
    gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_POST, hook);
    r = gnutls_handshake(s);
    say("%c handshake %s\n", side, twoends_code(r));
    say("%c max size %zu\n", side, gnutls_record_get_max_size(s));
    return r == 0 ? s : (gnutls_deinit(s), NULL);
}

static void server(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    side = 'S';
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = start(GNUTLS_SERVER, fd, sc->server_size, sc->recv_only, cred);
    if (s != NULL) {
        send_two(s, sc->client_size);
        receive_until_end(s);
        gnutls_deinit(s);
    }
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    const struct scenario *sc = &scenarios[n];
    side = 'C';
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = start(GNUTLS_CLIENT, fd, sc->client_size, sc->recv_only, cred);
    if (s != NULL) {
        receive_until_end(s);
        send_two(s, sc->server_size);
        gnutls_deinit(s);
    }
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    memset(data, 'x', sizeof data);
    gnutls_global_init();
    twoends_run(SCENARIOS, server, client);
    gnutls_global_deinit();
    return 0;
}
