/* Differential: TLS 1.3 session tickets and resumption through the GnuTLS
 * API. The server (this process) enables tickets with a generated key; the
 * client (a forked child, twoends.h) does a full handshake, exchanges data
 * so the tickets arrive, and saves gnutls_session_get_data2's bytes in a
 * temporary file, which the following scenarios' clients load with
 * gnutls_session_set_data: a resumption, damaged session data, a server
 * with another key, a server initialised with GNUTLS_NO_TICKETS, a client
 * whose PSK modes (psk_ke alone) share none with the server's; then
 * post-handshake authentication after resumption, of a session that had
 * it and of one that had not (each handshake negotiates it afresh); a
 * ticket sent after post-handshake authentication, whose resumption brings
 * the client's certificate back. Return codes, is_resumed on both ends,
 * resumption_requested, the session flags, key exchange and credentials
 * type, and whether a resumed server's session id is the original one
 * (GnuTLS keeps it in the ticket) are printed, with the answers to invalid input (wrong key sizes,
 * client-side ticket calls, garbage for the db_check_entry functions), and
 * gnutls_session_get_data2 from a NewSessionTicket's POST hook. The
 * output must be the same built against the system GnuTLS and against
 * stepup. FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twoends.h"

#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"

static char data_path[] = "/tmp/stepup-diff-tickets-XXXXXX";
static char pha_path[] = "/tmp/stepup-diff-tickets-pha-XXXXXX";
static char stepped_path[] = "/tmp/stepup-diff-tickets-stepped-XXXXXX";
/* The server's session id of SC_FULL, for SC_RESUME to compare. */
static unsigned char first_id[GNUTLS_MAX_SESSION_ID_SIZE];
static size_t first_id_size;
static gnutls_datum_t key, other_key;

enum {
    SC_FULL,       /* full handshake, the client saves its session */
    SC_RESUME,     /* the client resumes */
    SC_CORRUPTED,  /* the client's session data is damaged */
    SC_OTHER_KEY,  /* the server has another ticket key */
    SC_NO_TICKETS, /* the server was initialised with GNUTLS_NO_TICKETS */
    SC_DEFAULT,    /* the server did not enable tickets */
    SC_NO_TICKETS_ENABLED, /* GNUTLS_NO_TICKETS, then tickets enabled */
    SC_NO_AUTO,    /* GNUTLS_NO_AUTO_SEND_TICKET: only the tickets asked for */
    SC_PSK_KE,     /* the client offers psk_ke alone, which the server does
                      not allow: no ticket */
    SC_FULL_PHA,      /* a full handshake with post-handshake auth; saved */
    SC_RESUME_REAUTH, /* its resumption, then gnutls_reauth from the server */
    SC_RESUME_NO_PHA, /* the same of SC_FULL's session, which had no PHA */
    SC_STEPPED_TICKET, /* a full handshake with PHA; after the reauth, the
                          server sends a ticket; saved */
    SC_RESUME_STEPPED, /* its resumption: the certificate comes back */
    SC_COUNT
};

static void report(gnutls_session_t s, char side)
{
    say("%c resumed %d\n", side, gnutls_session_is_resumed(s));
    unsigned flags = gnutls_session_get_flags(s);
    say("%c flags ticket %d pha %d\n", side, !!(flags & GNUTLS_SFLAGS_SESSION_TICKET),
        !!(flags & GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH));
    say("%c kx %s auth %d\n", side, gnutls_kx_get_name(gnutls_kx_get(s)), (int)gnutls_auth_get_type(s));
}

static void server(int fd, int scenario)
{
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    unsigned flags = GNUTLS_SERVER | (scenario == SC_NO_TICKETS || scenario == SC_NO_TICKETS_ENABLED ? GNUTLS_NO_TICKETS : 0) |
                     (scenario == SC_NO_AUTO ? GNUTLS_NO_AUTO_SEND_TICKET : 0) |
                     (scenario >= SC_FULL_PHA ? GNUTLS_POST_HANDSHAKE_AUTH : 0) |
                     (scenario == SC_STEPPED_TICKET ? GNUTLS_NO_AUTO_SEND_TICKET : 0);
    gnutls_session_t s;
    gnutls_init(&s, flags);
    say("S priority %d\n", gnutls_priority_set_direct(s, TLS13, NULL));
    say("S cert creds %d\n", gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred));
    gnutls_db_set_cache_expiration(s, 3600);
    if (scenario == SC_FULL) {
        gnutls_datum_t short_key = {key.data, 32};
        say("S enable short key %d\n", gnutls_session_ticket_enable_server(s, &short_key));
        say("S enable NULL %d\n", gnutls_session_ticket_enable_server(s, NULL));
        say("S send before handshake %d\n", gnutls_session_ticket_send(s, 1, 0));
        gnutls_db_set_ptr(s, NULL);
        gnutls_db_set_store_function(s, NULL);
        gnutls_db_set_retrieve_function(s, NULL);
        gnutls_db_set_remove_function(s, NULL);
    }
    if (scenario != SC_NO_TICKETS && scenario != SC_DEFAULT)
        say("S enable %d\n",
            gnutls_session_ticket_enable_server(s, scenario == SC_OTHER_KEY ? &other_key : &key));
    say("S requested before %d\n", gnutls_session_resumption_requested(s));
    gnutls_transport_set_int(s, fd);

    int r = gnutls_handshake(s);
    say("S handshake %d\n", r);
    if (r == 0) {
        report(s, 'S');
        say("S requested %d\n", gnutls_session_resumption_requested(s));
        unsigned char id[GNUTLS_MAX_SESSION_ID_SIZE];
        size_t id_size = sizeof id;
        say("S get id %d size %u\n", gnutls_session_get_id(s, id, &id_size), (unsigned)id_size);
        if (scenario == SC_FULL) {
            memcpy(first_id, id, id_size);
            first_id_size = id_size;
        } else if (scenario == SC_RESUME) {
            say("S id the first's %d\n", id_size == first_id_size && memcmp(id, first_id, id_size) == 0);
        }
        if (scenario == SC_RESUME_STEPPED) {
            unsigned n = 0;
            const gnutls_datum_t *peers = gnutls_certificate_get_peers(s, &n);
            say("S resumed peers %u %s\n", n, peers ? "set" : "none");
        }
        if (scenario == SC_RESUME_REAUTH || scenario == SC_RESUME_NO_PHA || scenario == SC_STEPPED_TICKET) {
            unsigned n = 0;
            gnutls_certificate_get_peers(s, &n);
            say("S peers before reauth %u\n", n);
            gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
            say("S reauth %d\n", gnutls_reauth(s, 0));
            const gnutls_datum_t *peers = gnutls_certificate_get_peers(s, &n);
            say("S peers after reauth %u %s\n", n, peers ? "set" : "none");
            unsigned status = 99;
            int v = gnutls_certificate_verify_peers2(s, &status);
            say("S verify %d status %#x\n", v, status);
            report(s, 'S');
            if (scenario == SC_STEPPED_TICKET)
                say("S ticket after reauth %d\n", gnutls_session_ticket_send(s, 1, 0));
        }
        char buf[64];
        ssize_t n = gnutls_record_recv(s, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = '\0';
        say("S recv %d '%s'\n", (int)n, buf);
        if (scenario != SC_RESUME && scenario != SC_RESUME_REAUTH && scenario != SC_RESUME_NO_PHA &&
            scenario != SC_STEPPED_TICKET && scenario != SC_RESUME_STEPPED)
            say("S ticket send %d\n", gnutls_session_ticket_send(s, 2, 0));
        say("S send %d\n", (int)gnutls_record_send(s, "pong", 4));
        n = gnutls_record_recv(s, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = '\0';
        say("S recv %d '%s'\n", (int)n, buf);
        say("S bye %d\n", gnutls_bye(s, GNUTLS_SHUT_WR));
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

/* A client's hook after each NewSessionTicket: the session it brought is
 * there for gnutls_session_get_data2 already. */
static int ticket_hook(gnutls_session_t s, unsigned htype, unsigned when, unsigned incoming,
                       const gnutls_datum_t *msg)
{
    (void)msg;
    if (htype != GNUTLS_HANDSHAKE_NEW_SESSION_TICKET || when != GNUTLS_HOOK_POST || !incoming)
        return 0;
    gnutls_datum_t d = {NULL, 0};
    int r = gnutls_session_get_data2(s, &d);
    say("C ticket hook data2 %d %s\n", r, d.size > 100 ? "a session" : "no session");
    gnutls_free(d.data);
    return 0;
}

/* gnutls_record_recv, again while it returns GNUTLS_E_AGAIN (as it does
 * after each post-handshake message); says how many times it did. */
static ssize_t recv_all(gnutls_session_t s, char side, char *buf, size_t size)
{
    int agains = 0;
    ssize_t n;
    while ((n = gnutls_record_recv(s, buf, size - 1)) == GNUTLS_E_AGAIN)
        agains++;
    buf[n > 0 ? n : 0] = '\0';
    say("%c recv %d '%s' after %d again\n", side, (int)n, buf, agains);
    return n;
}

static void client(int fd, int scenario)
{
    int pha = scenario == SC_FULL_PHA || scenario == SC_RESUME_REAUTH || scenario == SC_RESUME_NO_PHA ||
              scenario == SC_STEPPED_TICKET || scenario == SC_RESUME_STEPPED;
    gnutls_certificate_credentials_t cred = twoends_credentials("client", pha ? "ecdsa" : NULL);
    gnutls_session_t s;
    gnutls_init(&s, GNUTLS_CLIENT | (pha ? GNUTLS_POST_HANDSHAKE_AUTH : 0));
    say("C priority %d\n", gnutls_priority_set_direct(s, scenario == SC_PSK_KE ? TLS13 ":+PSK" : TLS13, NULL));
    say("C cert creds %d\n", gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred));
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    gnutls_transport_set_int(s, fd);
    if (scenario == SC_FULL) {
        gnutls_handshake_set_hook_function(s, GNUTLS_HANDSHAKE_NEW_SESSION_TICKET, GNUTLS_HOOK_POST, ticket_hook);
        say("C enable server %d\n", gnutls_session_ticket_enable_server(s, &key));
        say("C ticket send %d\n", gnutls_session_ticket_send(s, 1, 0));
        static unsigned char garbage[] = "not a session of anyone's";
        gnutls_datum_t g = {garbage, sizeof garbage - 1};
        say("C check time %ld\n", (long)gnutls_db_check_entry_time(&g));
        say("C check expire %ld\n", (long)gnutls_db_check_entry_expire_time(&g));
        say("C set garbage %d\n", gnutls_session_set_data(s, garbage, sizeof garbage - 1));
        gnutls_datum_t d = {NULL, 0};
        int r = gnutls_session_get_data2(s, &d);
        say("C data2 before %d %u\n", r, d.size);
        gnutls_free(d.data);
    } else if (scenario == SC_RESUME || scenario == SC_CORRUPTED || scenario == SC_OTHER_KEY || scenario == SC_RESUME_REAUTH ||
               scenario == SC_RESUME_NO_PHA || scenario == SC_RESUME_STEPPED) {
        gnutls_datum_t d;
        const char *path = scenario == SC_RESUME_REAUTH ? pha_path : scenario == SC_RESUME_STEPPED ? stepped_path : data_path;
        if (twoends_load(path, &d) == 0) {
            if (scenario == SC_CORRUPTED)
                d.data[0] ^= 0xff;
            say("C set data %d\n", gnutls_session_set_data(s, d.data, d.size));
            say("C requested %d\n", gnutls_session_resumption_requested(s));
        }
    }
    int r = gnutls_handshake(s);
    say("C handshake %d\n", r);
    if (r == 0) {
        report(s, 'C');
        char buf[64];
        if (scenario == SC_RESUME_REAUTH || scenario == SC_RESUME_NO_PHA || scenario == SC_STEPPED_TICKET) {
            /* Wait for the request before sending anything, so the server's
             * reauth never meets application data. */
            if (recv_all(s, 'C', buf, sizeof buf) == GNUTLS_E_REAUTH_REQUEST)
                say("C reauth %d\n", gnutls_reauth(s, 0));
        }
        say("C send %d\n", (int)gnutls_record_send(s, "ping", 4));
        recv_all(s, 'C', buf, sizeof buf);
        report(s, 'C');
        gnutls_datum_t d = {NULL, 0};
        r = gnutls_session_get_data2(s, &d);
        say("C data2 %d %s\n", r, d.size > 0 ? "some" : "none");
        if (r == 0 && scenario == SC_FULL_PHA)
            twoends_save(pha_path, &d);
        if (r == 0 && scenario == SC_STEPPED_TICKET)
            twoends_save(stepped_path, &d);
        if (r == 0 && scenario == SC_FULL) {
            twoends_save(data_path, &d);
            say("C check time %s\n", gnutls_db_check_entry_time(&d) != 0 ? "set" : "zero");
        }
        if (r == 0 && scenario == SC_NO_TICKETS) {
            gnutls_session_t t;
            gnutls_init(&t, GNUTLS_CLIENT);
            say("C set empty %d\n", gnutls_session_set_data(t, d.data, d.size));
            say("C set NULL %d\n", gnutls_session_set_data(t, NULL, 0));
            say("C requested %d\n", gnutls_session_resumption_requested(t));
            gnutls_deinit(t);
        }
        gnutls_free(d.data);
        say("C send %d\n", (int)gnutls_record_send(s, "done", 4));
        recv_all(s, 'C', buf, sizeof buf);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    int fd = mkstemp(data_path);
    if (fd < 0)
        return 1;
    close(fd);
    fd = mkstemp(pha_path);
    if (fd < 0)
        return 1;
    close(fd);
    fd = mkstemp(stepped_path);
    if (fd < 0)
        return 1;
    close(fd);
    gnutls_global_init();
    int r = gnutls_session_ticket_key_generate(&key);
    printf("key %d %u\n", r, key.size);
    r = gnutls_session_ticket_key_generate(&other_key);
    printf("other key %d %u %s\n", r, other_key.size,
           memcmp(key.data, other_key.data, key.size) != 0 ? "different" : "same");
    fflush(stdout);
    twoends_run(SC_COUNT, server, client);
    gnutls_free(key.data);
    gnutls_free(other_key.data);
    gnutls_global_deinit();
    if (getenv("KEEP") == NULL) {
        unlink(data_path);
        unlink(pha_path);
        unlink(stepped_path);
    }
    return 0;
}
