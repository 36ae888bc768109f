/* Differential: external PSKs through the GnuTLS API. A server in this
 * process and a client in a forked child (twoends.h) do TLS 1.3 handshakes
 * with PSK credentials: ECDHE-PSK with a raw key, PSK (psk_ke) with a hex
 * key, the server's key from a credentials function or a password file, an
 * unknown user (server with certificates too, and PSK only), a wrong key, a
 * client whose priority has no PSK key exchange, and post-handshake
 * authentication after a PSK handshake; a ticket of an ECDHE-PSK session
 * and its resumption (the user name stays the session's). Return codes, key exchange names,
 * session descriptions and the accepted user name are printed; the output
 * must be the same built against the system GnuTLS and against stepup.
 * FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twoends.h"

#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

static const unsigned char KEY[16] = "0123456789abcdef";
/* KEY in hex. */
#define KEY_HEX "30313233343536373839616263646566"

static char passwd_path[] = "/tmp/stepup-diff-psk-XXXXXX";
static char session_path[] = "/tmp/stepup-diff-psk-session-XXXXXX";
static gnutls_datum_t ticket_key;

enum {
    SC_ECDHE_RAW,       /* ECDHE-PSK, raw key, server function, server has certificates */
    SC_PSK_HEX_FILE,    /* PSK (psk_ke), hex key, password file, server PSK only */
    SC_UNKNOWN_CERTS,   /* unknown user, server with certificates too */
    SC_UNKNOWN_PSKONLY, /* unknown user, server PSK only */
    SC_WRONG_KEY,       /* a wrong key */
    SC_NORMAL_CLIENT,   /* client priority without PSK key exchange */
    SC_REAUTH,          /* post-handshake authentication after a PSK handshake */
    SC_FUNCTION_FAILS,  /* the server's function reports an unknown user */
    SC_UNKNOWN_FILE,    /* unknown user, password file, server with certificates too */
    SC_NO_PSK_OFFERED,  /* server PSK only, the client offers no PSK */
    SC_TICKET,          /* ECDHE-PSK, the server sends a ticket; saved */
    SC_RESUME_TICKET,   /* its resumption */
    SC_COUNT
};

static int lookups;

static int server_function(gnutls_session_t session, const char *username, gnutls_datum_t *key)
{
    lookups++;
    /* Inside the handshake: the user name is not yet the session's. */
    const char *u = gnutls_psk_server_get_username(session);
    say("S function '%s' (current %s)\n", username, u ? u : "NULL");
    if (strcmp(username, "alice") != 0)
        return 1; /* unknown user */
    key->data = gnutls_malloc(sizeof KEY);
    if (key->data == NULL)
        return -1;
    memcpy(key->data, KEY, sizeof KEY);
    key->size = sizeof KEY;
    return 0;
}

static int failing_function(gnutls_session_t session, const char *username, gnutls_datum_t *key)
{
    (void)session;
    (void)key;
    say("S failing function '%s'\n", username);
    return -1;
}

static const char *server_priority(int scenario)
{
    switch (scenario) {
    case SC_PSK_HEX_FILE:
        return TLS13 ":+PSK";
    case SC_UNKNOWN_PSKONLY:
        return TLS13 ":-KX-ALL:+ECDHE-PSK";
    default:
        return TLS13 ":+ECDHE-PSK:+DHE-PSK:+PSK";
    }
}

static const char *client_priority(int scenario)
{
    switch (scenario) {
    case SC_PSK_HEX_FILE:
        return TLS13 ":-KX-ALL:+PSK";
    case SC_NORMAL_CLIENT:
    case SC_NO_PSK_OFFERED:
        return TLS13;
    default:
        return TLS13 ":+ECDHE-PSK";
    }
}

static void report(gnutls_session_t s, char side)
{
    gnutls_kx_algorithm_t kx = gnutls_kx_get(s);
    const char *name = gnutls_kx_get_name(kx);
    char *desc = gnutls_session_get_desc(s);
    say("%c kx %d %s\n", side, (int)kx, name ? name : "NULL");
    say("%c desc %s\n", side, desc ? desc : "NULL");
    gnutls_free(desc);
    say("%c cipher %s\n", side, gnutls_cipher_get_name(gnutls_cipher_get(s)));
    unsigned n = 0;
    const gnutls_datum_t *peers = gnutls_certificate_get_peers(s, &n);
    say("%c peers %u %s\n", side, n, peers ? "set" : "none");
}

static void server(int fd, int scenario)
{
    int with_certs = scenario != SC_PSK_HEX_FILE && scenario != SC_UNKNOWN_PSKONLY && scenario != SC_NO_PSK_OFFERED;
    gnutls_certificate_credentials_t cred = with_certs ? twoends_credentials("server", "ecdsa") : NULL;
    gnutls_psk_server_credentials_t psk;
    say("S alloc %d\n", gnutls_psk_allocate_server_credentials(&psk));
    if (scenario == SC_PSK_HEX_FILE || scenario == SC_UNKNOWN_PSKONLY || scenario == SC_UNKNOWN_FILE ||
        scenario == SC_NO_PSK_OFFERED)
        say("S file %d\n", gnutls_psk_set_server_credentials_file(psk, passwd_path));
    else if (scenario == SC_FUNCTION_FAILS)
        gnutls_psk_set_server_credentials_function(psk, failing_function);
    else
        gnutls_psk_set_server_credentials_function(psk, server_function);

    unsigned flags = GNUTLS_SERVER | (scenario == SC_REAUTH ? GNUTLS_POST_HANDSHAKE_AUTH : 0);
    gnutls_session_t s;
    gnutls_init(&s, flags);
    say("S priority %d\n", gnutls_priority_set_direct(s, server_priority(scenario), NULL));
    if (cred)
        say("S cert creds %d\n", gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred));
    say("S psk creds %d\n", gnutls_credentials_set(s, GNUTLS_CRD_PSK, psk));
    if (scenario == SC_TICKET || scenario == SC_RESUME_TICKET)
        say("S tickets %d\n", gnutls_session_ticket_enable_server(s, &ticket_key));
    gnutls_transport_set_int(s, fd);
    const char *u = gnutls_psk_server_get_username(s);
    say("S username before %s\n", u ? u : "NULL");

    lookups = 0;
    int r = gnutls_handshake(s);
    say("S handshake %d\n", r);
    u = gnutls_psk_server_get_username(s);
    say("S username %s\n", u ? u : "NULL");
    if (r == 0) {
        report(s, 'S');
        say("S resumed %d\n", gnutls_session_is_resumed(s));
        say("S auth %d\n", (int)gnutls_auth_get_type(s));
        char buf[64];
        if (scenario == SC_REAUTH) {
            gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
            say("S flags %#x\n", gnutls_session_get_flags(s) & GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH);
            say("S reauth %d\n", gnutls_reauth(s, 0));
            unsigned n = 0;
            const gnutls_datum_t *peers = gnutls_certificate_get_peers(s, &n);
            say("S peers after reauth %u %s\n", n, peers ? "set" : "none");
            u = gnutls_psk_server_get_username(s);
            say("S username after reauth %s\n", u ? u : "NULL");
        }
        ssize_t n = gnutls_record_recv(s, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = '\0';
        say("S recv %d '%s'\n", (int)n, buf);
        say("S send %d\n", (int)gnutls_record_send(s, "pong", 4));
        say("S bye %d\n", gnutls_bye(s, GNUTLS_SHUT_WR));
    }
    gnutls_deinit(s);
    gnutls_psk_free_server_credentials(psk);
    if (cred)
        gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int scenario)
{
    gnutls_psk_client_credentials_t psk;
    say("C alloc %d\n", gnutls_psk_allocate_client_credentials(&psk));
    const char *user = scenario == SC_UNKNOWN_CERTS || scenario == SC_UNKNOWN_PSKONLY || scenario == SC_UNKNOWN_FILE
                           ? "mallory"
                           : "alice";
    if (scenario == SC_PSK_HEX_FILE) {
        gnutls_datum_t hex = {(unsigned char *)KEY_HEX, sizeof KEY_HEX - 1};
        say("C set hex %d\n", gnutls_psk_set_client_credentials(psk, user, &hex, GNUTLS_PSK_KEY_HEX));
    } else {
        const unsigned char wrong[16] = "fedcba9876543210";
        gnutls_datum_t raw = {(unsigned char *)(scenario == SC_WRONG_KEY ? wrong : KEY), 16};
        say("C set raw %d\n", gnutls_psk_set_client_credentials(psk, user, &raw, GNUTLS_PSK_KEY_RAW));
    }
    /* Certificates too when the server might fall back to them or ask later. */
    gnutls_certificate_credentials_t cred = NULL;
    if (scenario == SC_UNKNOWN_CERTS || scenario == SC_REAUTH || scenario == SC_NORMAL_CLIENT ||
        scenario == SC_FUNCTION_FAILS || scenario == SC_UNKNOWN_FILE || scenario == SC_NO_PSK_OFFERED)
        cred = twoends_credentials("client", scenario == SC_REAUTH ? "ecdsa" : NULL);

    unsigned flags = GNUTLS_CLIENT | (scenario == SC_REAUTH ? GNUTLS_POST_HANDSHAKE_AUTH : 0);
    gnutls_session_t s;
    gnutls_init(&s, flags);
    say("C priority %d\n", gnutls_priority_set_direct(s, client_priority(scenario), NULL));
    say("C psk creds %d\n", gnutls_credentials_set(s, GNUTLS_CRD_PSK, psk));
    if (cred)
        say("C cert creds %d\n", gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred));
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    gnutls_transport_set_int(s, fd);
    gnutls_datum_t saved = {NULL, 0};
    if (scenario == SC_RESUME_TICKET && twoends_load(session_path, &saved) == 0)
        say("C set data %d\n", gnutls_session_set_data(s, saved.data, saved.size));
    int r = gnutls_handshake(s);
    /* A failing GnuTLS server sends no alert unless the application asks it
     * to (the client sees PREMATURE_TERMINATION); stepup's sends the one the
     * protocol calls for. Only the failure is compared on this side. */
    say("C handshake %s\n", r == 0 ? "0" : "failed");
    if (r == 0) {
        report(s, 'C');
        const char *u = gnutls_psk_server_get_username(s);
        say("C username %s\n", u ? u : "NULL");
        char buf[64];
        ssize_t n;
        if (scenario == SC_REAUTH) {
            /* Wait for the request before sending anything, so the server's
             * reauth never meets application data. */
            n = gnutls_record_recv(s, buf, sizeof buf - 1);
            say("C recv %d\n", (int)n);
            if (n == GNUTLS_E_REAUTH_REQUEST)
                say("C reauth %d\n", gnutls_reauth(s, 0));
        }
        say("C send %d\n", (int)gnutls_record_send(s, "ping", 4));
        /* A ticket makes gnutls_record_recv return GNUTLS_E_AGAIN once. */
        int agains = 0;
        while ((n = gnutls_record_recv(s, buf, sizeof buf - 1)) == GNUTLS_E_AGAIN && agains < 10)
            agains++;
        buf[n > 0 ? n : 0] = '\0';
        say("C recv %d '%s'\n", (int)n, buf);
        say("C resumed %d\n", gnutls_session_is_resumed(s));
        if (scenario == SC_TICKET) {
            gnutls_datum_t d = {NULL, 0};
            say("C data2 %d\n", gnutls_session_get_data2(s, &d));
            twoends_save(session_path, &d);
            gnutls_free(d.data);
        }
        say("C recv end %d\n", (int)gnutls_record_recv(s, buf, sizeof buf - 1));
    }
    gnutls_deinit(s);
    if (cred)
        gnutls_certificate_free_credentials(cred);
    gnutls_psk_free_client_credentials(psk);
}

int main(void)
{
    int fd = mkstemp(passwd_path);
    if (fd < 0)
        return 1;
    static const char text[] = "bob:00ff\nalice:" KEY_HEX "\n";
    if (write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1))
        return 1;
    close(fd);
    fd = mkstemp(session_path);
    if (fd < 0)
        return 1;
    close(fd);
    gnutls_global_init();
    if (gnutls_session_ticket_key_generate(&ticket_key) != 0)
        return 1;
    twoends_run(SC_COUNT, server, client);
    gnutls_free(ticket_key.data);
    gnutls_global_deinit();
    unlink(passwd_path);
    unlink(session_path);
    return 0;
}
