/* Differential: TLS 1.2 resumption with session tickets (RFC 5077) through
 * the GnuTLS API. The server (this process) enables tickets with a
 * generated key; the client (a forked child, twoends.h), TLS 1.2 only, does
 * a full handshake and saves gnutls_session_get_data2's bytes in a
 * temporary file, which later scenarios load with gnutls_session_set_data:
 * a resumption (which saves its renewed session), a resumption of that,
 * damaged session data, a server with another key, a server without
 * tickets, a client with GNUTLS_NO_TICKETS, and a client that offers TLS
 * 1.3 too against a server that speaks only TLS 1.2, a client whose priority
 * says %NO_TICKETS_TLS12; then a server without
 * tickets but with a session database (gnutls_db_set_*_function): a full
 * handshake stores the session, and the client resumes it by session id,
 * with and without GNUTLS_NO_TICKETS, and not once the entry is gone; and a
 * PSK (ECDHE-PSK) session resumed with its ticket, whose user name, key
 * exchange and credentials type must stay. Printed: return
 * codes, is_resumed on both ends, resumption_requested, the session
 * ticket flag, the version, the session id's length, the extended master
 * secret, the peer's
 * certificate count, and the tls-unique length; the output must be the
 * same built against the system GnuTLS and against stepup. FIXTURES is the
 * test PKI directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twoends.h"

#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"
#define BOTH "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

static char data_path[] = "/tmp/stepup-diff-tls12-tickets-XXXXXX";
static char renewed_path[] = "/tmp/stepup-diff-tls12-renewed-XXXXXX";
static char db_path[] = "/tmp/stepup-diff-tls12-db-XXXXXX";
static char psk_path[] = "/tmp/stepup-diff-tls12-psk-XXXXXX";
static gnutls_datum_t key, other_key;

enum {
    SC_FULL,       /* full handshake, the client saves its session */
    SC_RESUME,     /* the client resumes, and saves the renewed session */
    SC_RENEWED,    /* the renewed session resumes in turn */
    SC_CORRUPTED,  /* the client's session data is damaged */
    SC_OTHER_KEY,  /* the server has another ticket key */
    SC_DEFAULT,    /* the server did not enable tickets */
    SC_CLIENT_OFF, /* the client was initialised with GNUTLS_NO_TICKETS */
    SC_BOTH,       /* the client offers TLS 1.3 too; the server speaks 1.2 */
    SC_PRIO_OFF,   /* the client's priority says %NO_TICKETS_TLS12 */
    SC_DB_FULL,    /* no tickets, a session database: the session is stored */
    SC_DB_RESUME,  /* the client resumes it by session id */
    SC_DB_CLIENT_OFF, /* the same, the client with GNUTLS_NO_TICKETS */
    SC_DB_GONE,    /* the database lost it: a full handshake */
    SC_PSK_FULL,   /* a PSK session with a ticket (ECDHE-PSK) */
    SC_PSK_RESUME, /* its resumption: the user name and key exchange stay */
    SC_COUNT
};

/* The server's session database: a few entries in memory, in this (the
 * server's) process, so they outlive a scenario. */
#define DB_SLOTS 8
static struct {
    unsigned char key[64], data[8192];
    unsigned key_size, data_size;
} db[DB_SLOTS];
static unsigned db_used, db_stores, db_lookups, db_hits, db_removes;

static int db_store(void *ptr, gnutls_datum_t key, gnutls_datum_t data)
{
    (void)ptr;
    db_stores++;
    if (db_used == DB_SLOTS || key.size > sizeof db[0].key || data.size > sizeof db[0].data)
        return -1;
    memcpy(db[db_used].key, key.data, key.size);
    db[db_used].key_size = key.size;
    memcpy(db[db_used].data, data.data, data.size);
    db[db_used].data_size = data.size;
    db_used++;
    return 0;
}

static gnutls_datum_t db_fetch(void *ptr, gnutls_datum_t key)
{
    (void)ptr;
    gnutls_datum_t out = {NULL, 0};
    db_lookups++;
    for (unsigned i = 0; i < db_used; i++) {
        if (db[i].key_size == key.size && memcmp(db[i].key, key.data, key.size) == 0) {
            out.data = gnutls_malloc(db[i].data_size);
            if (out.data == NULL)
                return out;
            memcpy(out.data, db[i].data, db[i].data_size);
            out.size = db[i].data_size;
            db_hits++;
            return out;
        }
    }
    return out;
}

static int db_delete(void *ptr, gnutls_datum_t key)
{
    (void)ptr;
    (void)key;
    db_removes++;
    return 0;
}

static void report(gnutls_session_t s, char side)
{
    say("%c resumed %d\n", side, gnutls_session_is_resumed(s));
    say("%c version %s\n", side, gnutls_protocol_get_name(gnutls_protocol_get_version(s)));
    unsigned flags = gnutls_session_get_flags(s);
    say("%c flags ticket %d ems %d\n", side, !!(flags & GNUTLS_SFLAGS_SESSION_TICKET),
        !!(flags & GNUTLS_SFLAGS_EXT_MASTER_SECRET));
    say("%c ems status %d\n", side, gnutls_session_ext_master_secret_status(s));
    unsigned char id[64];
    size_t id_size = sizeof id;
    say("%c id %d %zu\n", side, gnutls_session_get_id(s, id, &id_size), id_size);
    unsigned n = 0;
    gnutls_certificate_get_peers(s, &n);
    say("%c peers %u\n", side, n);
    gnutls_datum_t cb = {NULL, 0};
    int r = gnutls_session_channel_binding(s, GNUTLS_CB_TLS_UNIQUE, &cb);
    say("%c tls-unique %d %u\n", side, r, cb.size);
    gnutls_free(cb.data);
}

static const unsigned char PSK_KEY[16] = "0123456789abcdef";

static int psk_function(gnutls_session_t session, const char *username, gnutls_datum_t *key)
{
    (void)session;
    if (strcmp(username, "alice") != 0)
        return 1;
    key->data = gnutls_malloc(sizeof PSK_KEY);
    if (key->data == NULL)
        return -1;
    memcpy(key->data, PSK_KEY, sizeof PSK_KEY);
    key->size = sizeof PSK_KEY;
    return 0;
}

static void server(int fd, int scenario)
{
    int psk = scenario >= SC_PSK_FULL;
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_psk_server_credentials_t psk_cred = NULL;
    gnutls_session_t s;
    gnutls_init(&s, GNUTLS_SERVER);
    say("S priority %d\n", gnutls_priority_set_direct(s, psk ? TLS12 ":+ECDHE-PSK" : TLS12, NULL));
    say("S cert creds %d\n", gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred));
    if (psk) {
        gnutls_psk_allocate_server_credentials(&psk_cred);
        gnutls_psk_set_server_credentials_function(psk_cred, psk_function);
        gnutls_credentials_set(s, GNUTLS_CRD_PSK, psk_cred);
    }
    gnutls_db_set_cache_expiration(s, 3600);
    int with_db = scenario >= SC_DB_FULL && scenario <= SC_DB_GONE;
    if (scenario != SC_DEFAULT && !with_db)
        say("S enable %d\n",
            gnutls_session_ticket_enable_server(s, scenario == SC_OTHER_KEY ? &other_key : &key));
    if (with_db) {
        if (scenario == SC_DB_GONE)
            db_used = 0;
        db_stores = db_lookups = db_hits = db_removes = 0;
        gnutls_db_set_ptr(s, NULL);
        gnutls_db_set_store_function(s, db_store);
        gnutls_db_set_retrieve_function(s, db_fetch);
        gnutls_db_set_remove_function(s, db_delete);
    }
    gnutls_transport_set_int(s, fd);

    int r = gnutls_handshake(s);
    say("S handshake %s\n", twoends_code(r));
    if (r == 0) {
        report(s, 'S');
        say("S requested %d\n", gnutls_session_resumption_requested(s));
        say("S reauth %s\n", twoends_code(gnutls_reauth(s, 0)));
        char buf[64];
        ssize_t n = gnutls_record_recv(s, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = '\0';
        say("S recv %d '%s'\n", (int)n, buf);
        say("S send %d\n", (int)gnutls_record_send(s, "pong", 4));
        say("S bye %d\n", gnutls_bye(s, GNUTLS_SHUT_WR));
        if (with_db)
            say("S db stored %u, looked up %s, found %u\n", db_stores, db_lookups ? "yes" : "no", db_hits);
    } else {
        twoends_half_close(fd);
    }
    if (r == 0 && psk) {
        const char *user = gnutls_psk_server_get_username(s);
        say("S user %s, kx %s, auth %d\n", user ? user : "NULL", gnutls_kx_get_name(gnutls_kx_get(s)),
            gnutls_auth_get_type(s));
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
    if (psk_cred)
        gnutls_psk_free_server_credentials(psk_cred);
}

static void client(int fd, int scenario)
{
    int psk = scenario >= SC_PSK_FULL;
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_psk_client_credentials_t psk_cred = NULL;
    gnutls_session_t s;
    gnutls_init(&s, GNUTLS_CLIENT |
                        (scenario == SC_CLIENT_OFF || scenario == SC_DB_CLIENT_OFF ? GNUTLS_NO_TICKETS : 0));
    const char *priority = scenario == SC_BOTH       ? BOTH
                           : scenario == SC_PRIO_OFF ? TLS12 ":%NO_TICKETS_TLS12"
                           : psk                     ? TLS12 ":-KX-ALL:+ECDHE-PSK"
                                                     : TLS12;
    say("C priority %d\n", gnutls_priority_set_direct(s, priority, NULL));
    say("C cert creds %d\n", gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred));
    if (psk) {
        gnutls_datum_t k = {(unsigned char *)PSK_KEY, sizeof PSK_KEY};
        gnutls_psk_allocate_client_credentials(&psk_cred);
        gnutls_psk_set_client_credentials(psk_cred, "alice", &k, GNUTLS_PSK_KEY_RAW);
        gnutls_credentials_set(s, GNUTLS_CRD_PSK, psk_cred);
    }
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    gnutls_transport_set_int(s, fd);
    if (scenario != SC_FULL && scenario != SC_DB_FULL && scenario != SC_PSK_FULL) {
        gnutls_datum_t d;
        const char *path = scenario == SC_RENEWED      ? renewed_path
                           : scenario == SC_PSK_RESUME ? psk_path
                           : scenario > SC_DB_FULL     ? db_path
                                                       : data_path;
        if (twoends_load(path, &d) == 0) {
            if (scenario == SC_CORRUPTED)
                d.data[0] ^= 0xff;
            say("C set data %s\n", twoends_code(gnutls_session_set_data(s, d.data, d.size)));
        }
    }
    int r = gnutls_handshake(s);
    say("C handshake %s\n", twoends_code(r));
    if (r == 0) {
        report(s, 'C');
        say("C send %d\n", (int)gnutls_record_send(s, "ping", 4));
        char buf[64];
        ssize_t n = gnutls_record_recv(s, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = '\0';
        say("C recv %d '%s'\n", (int)n, buf);
        gnutls_datum_t d = {NULL, 0};
        r = gnutls_session_get_data2(s, &d);
        say("C data2 %d %s\n", r, d.size > 0 ? "some" : "none");
        if (r == 0 && scenario == SC_FULL)
            twoends_save(data_path, &d);
        if (r == 0 && scenario == SC_RESUME)
            twoends_save(renewed_path, &d);
        if (r == 0 && scenario == SC_DB_FULL)
            twoends_save(db_path, &d);
        if (r == 0 && scenario == SC_PSK_FULL)
            twoends_save(psk_path, &d);
        gnutls_free(d.data);
        n = gnutls_record_recv(s, buf, sizeof buf - 1);
        say("C recv end %d\n", (int)n);
    } else {
        twoends_half_close(fd);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
    if (psk_cred)
        gnutls_psk_free_client_credentials(psk_cred);
}

int main(void)
{
    int fd = mkstemp(data_path);
    if (fd < 0)
        return 1;
    close(fd);
    fd = mkstemp(renewed_path);
    if (fd < 0)
        return 1;
    close(fd);
    fd = mkstemp(db_path);
    if (fd < 0)
        return 1;
    close(fd);
    fd = mkstemp(psk_path);
    if (fd < 0)
        return 1;
    close(fd);
    gnutls_global_init();
    int r = gnutls_session_ticket_key_generate(&key);
    printf("key %d %u\n", r, key.size);
    r = gnutls_session_ticket_key_generate(&other_key);
    printf("other key %d %u\n", r, other_key.size);
    fflush(stdout);
    twoends_run(SC_COUNT, server, client);
    gnutls_free(key.data);
    gnutls_free(other_key.data);
    gnutls_global_deinit();
    if (getenv("KEEP") == NULL) {
        unlink(data_path);
        unlink(renewed_path);
        unlink(db_path);
        unlink(psk_path);
    }
    return 0;
}
