/* Differential: session features over a TLS 1.3 connection between a GnuTLS
 * server and client in two processes over a socketpair: ALPN (client and
 * server precedence, MANDATORY, no overlap), keying material exporters
 * (both ends compare theirs; only "equal"/"differ" is printed), gnutls_prf,
 * key updates both ways with data after them, gnutls_rehandshake, corked
 * records, the last handshake messages after the handshake, a key update
 * and a re-authentication, the key log labels, the session id, the
 * post-client-hello function (accepting and aborting), an application
 * extension in ClientHello and EncryptedExtensions, gnutls_ext_raw_parse,
 * and the argument checks of each. The output must be the same built
 * against the system GnuTLS and against stepup. FIXTURES is the test PKI
 * directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "twoends.h"

static int scenario;

static char side(gnutls_session_t s)
{
    return gnutls_session_get_ptr(s) ? 'S' : 'C';
}

/* The key log labels seen, in the order of the calls. */
static char labels[16][64];
static unsigned nlabels;

static int keylog(gnutls_session_t s, const char *label, const gnutls_datum_t *secret)
{
    (void)s;
    if (secret == NULL || secret->size == 0)
        return 0;
    if (nlabels < 16)
        snprintf(labels[nlabels++], sizeof labels[0], "%s", label);
    return 0;
}

static void print_labels(char who)
{
    for (unsigned i = 0; i < nlabels; i++)
        say("%c keylog %s\n", who, labels[i]);
}

static int post_client_hello(gnutls_session_t s)
{
    gnutls_datum_t p = {NULL, 0};
    int r = gnutls_alpn_get_selected_protocol(s, &p);
    say("S post_client_hello alpn %d '%.*s' last_in %d\n", r, r == 0 ? (int)p.size : 0,
        r == 0 ? (const char *)p.data : "", (int)gnutls_handshake_get_last_in(s));
    return scenario == 1 ? -1234 : 0;
}

static int ext_recv(gnutls_session_t s, const unsigned char *data, size_t len)
{
    say("%c ext recv '%.*s' msg %u\n", side(s), (int)len, (const char *)data,
        gnutls_ext_get_current_msg(s));
    return 0;
}

static int ext_send(gnutls_session_t s, gnutls_buffer_t buf)
{
    say("%c ext send msg %u\n", side(s), gnutls_ext_get_current_msg(s));
    const char *body = side(s) == 'S' ? "abc" : "xyz";
    return gnutls_buffer_append_data(buf, body, 3);
}

static int raw_cb(void *ctx, unsigned tls_id, const unsigned char *data, unsigned size)
{
    (void)ctx;
    (void)data;
    say("raw ext %u size %u\n", tls_id, size);
    return tls_id == 99 ? -5 : 0;
}

static gnutls_certificate_credentials_t credentials(const char *role)
{
    gnutls_certificate_credentials_t cred;
    char cert[512], key[512];
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_certificate_set_x509_trust_file(cred, FIXTURES "/ca.pem", GNUTLS_X509_FMT_PEM);
    snprintf(cert, sizeof cert, FIXTURES "/%s-ecdsa.pem", role);
    snprintf(key, sizeof key, FIXTURES "/%s-ecdsa.key", role);
    gnutls_certificate_set_x509_key_file2(cred, cert, key, GNUTLS_X509_FMT_PEM, NULL, 0);
    return cred;
}

static gnutls_session_t session_for(unsigned flags, gnutls_certificate_credentials_t cred, int fd)
{
    gnutls_session_t s;
    gnutls_init(&s, flags | GNUTLS_POST_HANDSHAKE_AUTH);
    gnutls_priority_set_direct(s, "NORMAL:-VERS-ALL:+VERS-TLS1.3", NULL);
    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    gnutls_transport_set_int(s, fd);
    return s;
}

/* Receives, retrying AGAIN/INTERRUPTED (GnuTLS returns AGAIN after each
 * post-handshake message, even on a blocking socket). */
static int recv_text(gnutls_session_t s, char *buf, size_t len)
{
    int r, tries = 0;
    do {
        r = (int)gnutls_record_recv(s, buf, len - 1);
    } while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) && ++tries < 100);
    buf[r > 0 ? r : 0] = '\0';
    return r;
}

static void last_messages(gnutls_session_t s, const char *when)
{
    say("%c last %s in %d out %d\n", side(s), when, (int)gnutls_handshake_get_last_in(s),
        (int)gnutls_handshake_get_last_out(s));
}

/* Checks before the handshake, the same on both sides. */
static void before(gnutls_session_t s)
{
    char c = side(s);
    char buf[64];
    size_t size = sizeof buf;
    gnutls_datum_t p = {NULL, 0};
    say("%c pre alpn %d\n", c, gnutls_alpn_get_selected_protocol(s, &p));
    say("%c pre rfc5705 %d\n", c, gnutls_prf_rfc5705(s, 4, "EXPO", 0, NULL, 16, buf));
    say("%c pre prf %d\n", c, gnutls_prf(s, 4, "EXPO", 0, 0, NULL, 16, buf));
    say("%c pre prf_hash %d\n", c, (int)gnutls_prf_hash_get(s));
    say("%c pre get_id %d", c, gnutls_session_get_id(s, buf, &size));
    say(" size %zu\n", size);
    last_messages(s, "pre");
    say("%c pre ems %u\n", c, gnutls_session_ext_master_secret_status(s));
    say("%c pre current_msg %u\n", c, gnutls_ext_get_current_msg(s));
    const size_t sizes[] = {0, 511, 512, 4096, 16384, 16385};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        say("%c pre max_size %zu %d max_recv %d\n", c, sizes[i],
            (int)gnutls_record_set_max_size(s, sizes[i]),
            (int)gnutls_record_set_max_recv_size(s, sizes[i]));
    gnutls_record_set_max_size(s, 16384);
    gnutls_record_set_max_recv_size(s, 16384);
    gnutls_datum_t r31 = {(unsigned char *)"0123456789012345678901234567890", 31};
    gnutls_datum_t r32 = {(unsigned char *)"01234567890123456789012345678901", 32};
    say("%c pre set_random 31 %d\n", c, gnutls_handshake_set_random(s, &r31));
    say("%c pre set_random 32 %d\n", c, gnutls_handshake_set_random(s, &r32));
    gnutls_session_set_keylog_function(s, keylog);
    say("%c pre keylog function %s\n", c,
        gnutls_session_get_keylog_function(s) == keylog ? "ours" : "other");
    unsigned flags = GNUTLS_EXT_FLAG_CLIENT_HELLO | GNUTLS_EXT_FLAG_EE | GNUTLS_EXT_FLAG_TLS;
    say("%c ext_register %d\n", c,
        gnutls_session_ext_register(s, "test", 0xfe01, GNUTLS_EXT_APPLICATION, ext_recv, ext_send,
                                    NULL, NULL, NULL, flags));
    say("%c ext_register again %d\n", c,
        gnutls_session_ext_register(s, "test", 0xfe01, GNUTLS_EXT_APPLICATION, ext_recv, ext_send,
                                    NULL, NULL, NULL, flags));
    say("%c ext_register alpn %d\n", c,
        gnutls_session_ext_register(s, "alpn", 16, GNUTLS_EXT_APPLICATION, ext_recv, ext_send,
                                    NULL, NULL, NULL, flags));
}

/* Exporter checks after the handshake; `mine` receives TLS-Exporter
 * values to compare with the peer's. */
static void exporters(gnutls_session_t s, unsigned char mine[64])
{
    char c = side(s);
    unsigned char none[32], empty[32], ctx[32], prf[32];
    static char big[12241];
    say("%c rfc5705 no context %d\n", c,
        gnutls_prf_rfc5705(s, 13, "EXPORTER-test", 0, NULL, 32, (char *)none));
    say("%c rfc5705 empty context %d\n", c,
        gnutls_prf_rfc5705(s, 13, "EXPORTER-test", 0, "", 32, (char *)empty));
    say("%c rfc5705 context %d\n", c,
        gnutls_prf_rfc5705(s, 13, "EXPORTER-test", 7, "context", 32, (char *)ctx));
    say("%c prf %d\n", c, gnutls_prf(s, 13, "EXPORTER-test", 0, 0, NULL, 32, (char *)prf));
    say("%c prf extra %d\n", c, gnutls_prf(s, 13, "EXPORTER-test", 0, 5, "extra", 32, (char *)prf + 0));
    gnutls_prf(s, 13, "EXPORTER-test", 0, 0, NULL, 32, (char *)prf);
    say("%c no context %s empty, context %s, prf %s\n", c,
        memcmp(none, empty, 32) == 0 ? "==" : "!=", memcmp(none, ctx, 32) == 0 ? "same" : "differs",
        memcmp(prf, empty, 32) == 0 ? "== exporter" : "!= exporter");
    say("%c rfc5705 8160 %d\n", c, gnutls_prf_rfc5705(s, 13, "EXPORTER-test", 0, NULL, 8160, big));
    say("%c rfc5705 12241 %d\n", c, gnutls_prf_rfc5705(s, 13, "EXPORTER-test", 0, NULL, 12241, big));
    say("%c rfc5705 0 %d\n", c, gnutls_prf_rfc5705(s, 13, "EXPORTER-test", 0, NULL, 0, big));
    memcpy(mine, none, 32);
    memcpy(mine + 32, ctx, 32);
}

static void after(gnutls_session_t s, unsigned char id[32])
{
    char c = side(s);
    gnutls_datum_t p = {NULL, 0};
    int r = gnutls_alpn_get_selected_protocol(s, &p);
    say("%c alpn %d '%.*s'\n", c, r, r == 0 ? (int)p.size : 0, r == 0 ? (const char *)p.data : "");
    int hash = gnutls_prf_hash_get(s);
    int cipher = gnutls_cipher_get(s);
    say("%c prf_hash %s\n", c,
        hash == (cipher == GNUTLS_CIPHER_AES_256_GCM ? GNUTLS_DIG_SHA384 : GNUTLS_DIG_SHA256)
            ? "matches the suite" : "wrong");
    size_t size = 32;
    say("%c get_id %d", c, gnutls_session_get_id(s, id, &size));
    say(" size %zu\n", size);
    char small[4];
    size = sizeof small;
    say("%c get_id small %d", c, gnutls_session_get_id(s, small, &size));
    say(" size %zu\n", size);
    size = 0;
    say("%c get_id NULL %d", c, gnutls_session_get_id(s, NULL, &size));
    say(" size %zu\n", size);
    last_messages(s, "handshake");
    say("%c max_size after %d max_recv after %d\n", c, (int)gnutls_record_set_max_size(s, 1024),
        (int)gnutls_record_set_max_recv_size(s, 1024));
}

static void alpn_only(gnutls_session_t s, int rc)
{
    gnutls_datum_t p = {NULL, 0};
    if (side(s) == 'C' && rc < 0) {
        /* How a client sees a server's abort is the server's transport
         * close (GnuTLS) or its alert (stepup): not compared. */
        say("C handshake failed\n");
        return;
    }
    say("%c handshake %d\n", side(s), rc);
    int r = gnutls_alpn_get_selected_protocol(s, &p);
    say("%c alpn %d '%.*s'\n", side(s), r, r == 0 ? (int)p.size : 0,
        r == 0 ? (const char *)p.data : "");
}

static void server(int fd, int sc)
{
    scenario = sc;
    nlabels = 0;
    gnutls_certificate_credentials_t cred = credentials("server");
    gnutls_session_t s = session_for(GNUTLS_SERVER, cred, fd);
    gnutls_session_set_ptr(s, (void *)1);
    char buf[256];
    gnutls_datum_t protocols[2] = {{(unsigned char *)"http/1.1", 8}, {(unsigned char *)"h2", 2}};
    if (scenario == 0)
        before(s);
    if (scenario <= 1 || scenario == 3)
        say("S alpn_set %d\n", gnutls_alpn_set_protocols(s, protocols, 2,
                                                         scenario == 3 ? GNUTLS_ALPN_SERVER_PRECEDENCE : 0));
    if (scenario == 2)
        say("S alpn_set %d\n", gnutls_alpn_set_protocols(s, protocols + 1, 1, GNUTLS_ALPN_MANDATORY));
    if (scenario == 4)
        say("S alpn_set %d\n", gnutls_alpn_set_protocols(s, protocols + 1, 1, 0));
    if (scenario <= 1)
        gnutls_handshake_set_post_client_hello_function(s, post_client_hello);
    int rc = gnutls_handshake(s);
    if (scenario != 0) {
        alpn_only(s, rc);
        gnutls_deinit(s);
        gnutls_certificate_free_credentials(cred);
        return;
    }
    say("S handshake %d\n", rc);
    unsigned char id[32], mine[64], theirs[64 + 32 + 1];
    after(s, id);
    exporters(s, mine);
    /* The client's exporter values and session id, to compare. */
    int n = 0;
    while (n < 96) {
        int r = recv_text(s, (char *)theirs + n, sizeof theirs - n);
        if (r <= 0)
            break;
        n += r;
    }
    say("S peer exporter %s, context exporter %s, session id %s\n",
        memcmp(mine, theirs, 32) == 0 ? "equal" : "differs",
        memcmp(mine + 32, theirs + 32, 32) == 0 ? "equal" : "differs",
        memcmp(id, theirs + 64, 32) == 0 ? "equal to the client's" : "its own");

    /* Key updates: ours asking the peer for its own, then data. */
    say("S key_update peer %d\n", gnutls_session_key_update(s, GNUTLS_KU_PEER));
    say("S send %d\n", (int)gnutls_record_send(s, "after-ku", 8));
    say("S recv %d '%s'\n", recv_text(s, buf, sizeof buf), buf);
    last_messages(s, "key update");
    say("S recv %d '%s'\n", recv_text(s, buf, sizeof buf), buf);
    say("S rehandshake %d\n", gnutls_rehandshake(s));
    say("S send %d\n", (int)gnutls_record_send(s, "after-rehandshake", 17));
    say("S recv %d '%s'\n", recv_text(s, buf, sizeof buf), buf);

    /* Corked records. */
    say("S uncork uncorked %d\n", gnutls_record_uncork(s, 0));
    gnutls_record_cork(s);
    say("S corked send %d", (int)gnutls_record_send(s, "ab", 2));
    say(" %d\n", (int)gnutls_record_send(s, "cd", 2));
    say("S uncork wait %d\n", gnutls_record_uncork(s, GNUTLS_RECORD_WAIT));
    say("S recv %d '%s'\n", recv_text(s, buf, sizeof buf), buf);
    gnutls_record_cork(s);
    gnutls_record_send(s, "ef", 2);
    say("S uncork %d\n", gnutls_record_uncork(s, 0));
    say("S recv %d '%s'\n", recv_text(s, buf, sizeof buf), buf);

    /* A re-authentication. */
    gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
    say("S reauth %d\n", gnutls_reauth(s, 0));
    last_messages(s, "reauth");
    say("S send %d\n", (int)gnutls_record_send(s, "bye", 3));
    say("S bye %d\n", gnutls_bye(s, GNUTLS_SHUT_WR));
    print_labels('S');
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int sc)
{
    scenario = sc;
    nlabels = 0;
    gnutls_certificate_credentials_t cred = credentials("client");
    gnutls_session_t s = session_for(GNUTLS_CLIENT, cred, fd);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    char buf[256];
    gnutls_datum_t protocols[2] = {{(unsigned char *)"h2", 2}, {(unsigned char *)"http/1.1", 8}};
    if (scenario == 0)
        before(s);
    if (scenario == 2 || scenario == 4)
        say("C alpn_set %d\n", gnutls_alpn_set_protocols(s, protocols + 1, 1, 0));
    else
        say("C alpn_set %d\n", gnutls_alpn_set_protocols(s, protocols, 2, 0));
    int rc = gnutls_handshake(s);
    if (scenario != 0) {
        alpn_only(s, rc);
        gnutls_deinit(s);
        gnutls_certificate_free_credentials(cred);
        return;
    }
    say("C handshake %d\n", rc);
    /* A server's status depends on its client's ClientHello (GnuTLS
     * clients offer the TLS 1.2 extension, stepup's do not): not compared. */
    say("C ems %u\n", gnutls_session_ext_master_secret_status(s));
    unsigned char id[32], mine[64 + 32];
    after(s, id);
    exporters(s, mine);
    memcpy(mine + 64, id, 32);
    say("C send %d\n", (int)gnutls_record_send(s, mine, sizeof mine));

    say("C recv %d '%s'\n", recv_text(s, buf, sizeof buf), buf);
    last_messages(s, "key update");
    say("C send %d\n", (int)gnutls_record_send(s, "c1", 2));
    say("C key_update %d\n", gnutls_session_key_update(s, 0));
    last_messages(s, "own key update");
    say("C send %d\n", (int)gnutls_record_send(s, "c2", 2));
    say("C rehandshake %d\n", gnutls_rehandshake(s));
    say("C recv %d '%s'\n", recv_text(s, buf, sizeof buf), buf);
    say("C send %d\n", (int)gnutls_record_send(s, "c3", 2));
    say("C recv %d '%s'\n", recv_text(s, buf, sizeof buf), buf);
    say("C send %d\n", (int)gnutls_record_send(s, "c4", 2));
    say("C recv %d '%s'\n", recv_text(s, buf, sizeof buf), buf);
    say("C send %d\n", (int)gnutls_record_send(s, "c5", 2));

    int r = recv_text(s, buf, sizeof buf);
    say("C recv %d\n", r);
    last_messages(s, "request");
    if (r == GNUTLS_E_REAUTH_REQUEST)
        say("C reauth %d\n", gnutls_reauth(s, 0));
    last_messages(s, "reauth");
    say("C recv %d '%s'\n", recv_text(s, buf, sizeof buf), buf);
    say("C recv end %d\n", recv_text(s, buf, sizeof buf));
    print_labels('C');
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void raw_parse(void)
{
    unsigned char block[] = {0, 10, 0, 1, 0, 2, 'a', 'b', 0, 99, 0, 0};
    gnutls_datum_t d = {block, sizeof block};
    printf("raw parse block %d\n", gnutls_ext_raw_parse(NULL, raw_cb, &d, 0));
    twoends_flush();
    d.size = 5;
    printf("raw parse cut %d\n", gnutls_ext_raw_parse(NULL, raw_cb, &d, 0));
    unsigned char trailing[] = {0, 4, 0, 1, 0, 0, 7};
    d.data = trailing;
    d.size = sizeof trailing;
    printf("raw parse trailing %d\n", gnutls_ext_raw_parse(NULL, raw_cb, &d, 0));
    twoends_flush();
    d.size = 0;
    printf("raw parse empty %d\n", gnutls_ext_raw_parse(NULL, raw_cb, &d, 0));
    /* A ClientHello body: version, random, session id, suites, compression, extensions. */
    unsigned char hello[2 + 32 + 1 + 4 + 2 + 8] = {3, 3};
    unsigned char *p = hello + 34;
    *p++ = 0;
    *p++ = 0, *p++ = 2, *p++ = 0x13, *p++ = 1;
    *p++ = 1, *p++ = 0;
    *p++ = 0, *p++ = 6, *p++ = 0, *p++ = 5, *p++ = 0, *p++ = 2, *p++ = 'o', *p++ = 'k';
    d.data = hello;
    d.size = sizeof hello;
    printf("raw parse hello %d\n", gnutls_ext_raw_parse(NULL, raw_cb, &d, GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO));
    twoends_flush();
    d.size = 41;
    printf("raw parse hello without extensions %d\n",
           gnutls_ext_raw_parse(NULL, raw_cb, &d, GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO));
    d.size = 20;
    printf("raw parse hello cut %d\n",
           gnutls_ext_raw_parse(NULL, raw_cb, &d, GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO));
    fflush(stdout);
}

int main(void)
{
    gnutls_global_init();
    raw_parse();
    twoends_run(5, server, client);
    gnutls_global_deinit();
    return 0;
}
