/* Differential: TLS 1.2 client certificates through the GnuTLS API. The
 * server (this process, ECDSA or RSA key) asks with GNUTLS_CERT_REQUIRE or
 * GNUTLS_CERT_REQUEST; the client (a forked child, twoends.h) answers with
 * an ECDSA, RSA, Ed25519 or RSA-PSS certificate from its credentials, one
 * its retrieve function picks, or none. Printed: the handshake's codes,
 * the version, whether the client saw the request, the peer's certificate
 * count and verification status on the server, whether the client's own
 * certificate is reported, and the signature algorithm the client signed
 * with; the output must be the same built against the system GnuTLS and
 * against stepup. FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <string.h>

#include <gnutls/abstract.h>

#include "twoends.h"

#define TLS12 "NORMAL:-VERS-ALL:+VERS-TLS1.2"

struct scenario {
    const char *name;
    const char *server_key;
    gnutls_certificate_request_t request;
    const char *client_key; /* NULL: no certificate */
    int retrieve;           /* the client's certificate comes from its retrieve function */
};

static const struct scenario SCENARIOS[] = {
    {"require, ECDSA client, ECDSA server", "ecdsa", GNUTLS_CERT_REQUIRE, "ecdsa", 0},
    {"require, RSA client, ECDSA server", "ecdsa", GNUTLS_CERT_REQUIRE, "rsa", 0},
    {"require, ECDSA client, RSA server", "rsa", GNUTLS_CERT_REQUIRE, "ecdsa", 0},
    {"require, Ed25519 client", "ecdsa", GNUTLS_CERT_REQUIRE, "ed25519", 0},
    {"require, RSA-PSS client", "rsa", GNUTLS_CERT_REQUIRE, "rsa-pss", 0},
    {"request, ECDSA client", "ecdsa", GNUTLS_CERT_REQUEST, "ecdsa", 0},
    {"request, no client certificate", "ecdsa", GNUTLS_CERT_REQUEST, NULL, 0},
    {"require, no client certificate", "ecdsa", GNUTLS_CERT_REQUIRE, NULL, 0},
    {"require, the retrieve function picks RSA", "ecdsa", GNUTLS_CERT_REQUIRE, "rsa", 1},
};
#define COUNT (int)(sizeof SCENARIOS / sizeof SCENARIOS[0])

/* A failing GnuTLS server sends no alert unless the application asks it
 * to; stepup's sends the one the protocol calls for. So a failed client
 * reports only that it failed. */
static const char *outcome(int r, char side)
{
    if (r < 0 && side == 'C')
        return "failed";
    return twoends_code(r);
}

static void server(int fd, int scenario)
{
    const struct scenario *sc = &SCENARIOS[scenario];
    gnutls_certificate_credentials_t cred = twoends_credentials("server", sc->server_key);
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, TLS12, cred, fd);
    gnutls_certificate_server_set_request(s, sc->request);
    say("S %s\n", sc->name);
    int r = gnutls_handshake(s);
    say("S handshake %s\n", outcome(r, 'S'));
    if (r == 0) {
        say("S version %s\n", gnutls_protocol_get_name(gnutls_protocol_get_version(s)));
        unsigned n = 0;
        gnutls_certificate_get_peers(s, &n);
        say("S peers %u\n", n);
        unsigned status = 99;
        int v = gnutls_certificate_verify_peers2(s, &status);
        say("S verify %s status %#x\n", twoends_code(v), status);
        say("S client sign %s\n", gnutls_sign_get_name(gnutls_sign_algorithm_get_client(s)));
        char buf[64] = {0};
        int got = (int)gnutls_record_recv(s, buf, sizeof buf - 1);
        say("S recv %d '%s'\n", got, got > 0 ? buf : "");
        say("S send %d\n", (int)gnutls_record_send(s, "pong", 4));
        say("S bye %s\n", twoends_code(gnutls_bye(s, GNUTLS_SHUT_WR)));
    } else {
        twoends_half_close(fd);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static gnutls_pcert_st retrieved_pcert;
static gnutls_privkey_t retrieved_key;

/* The retrieve function: says what the request asks for, and answers with
 * the RSA client certificate. */
static int retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
                    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
                    unsigned int *pcert_length, gnutls_privkey_t *pkey)
{
    (void)session;
    (void)req_ca_dn;
    (void)pk_algos;
    say("C retrieve: %d authorities, %s key kinds\n", nreqs, pk_algos_length > 0 ? "some" : "no");
    *pcert = &retrieved_pcert;
    *pcert_length = 1;
    *pkey = retrieved_key;
    return 0;
}

static void load_retrieved(void)
{
    gnutls_datum_t cert, key;
    gnutls_load_file(FIXTURES "/client-rsa.pem", &cert);
    gnutls_load_file(FIXTURES "/client-rsa.key", &key);
    gnutls_pcert_import_x509_raw(&retrieved_pcert, &cert, GNUTLS_X509_FMT_PEM, 0);
    gnutls_privkey_init(&retrieved_key);
    gnutls_privkey_import_x509_raw(retrieved_key, &key, GNUTLS_X509_FMT_PEM, NULL, 0);
    gnutls_free(cert.data);
    gnutls_free(key.data);
}

static void client(int fd, int scenario)
{
    const struct scenario *sc = &SCENARIOS[scenario];
    gnutls_certificate_credentials_t cred = twoends_credentials("client", sc->retrieve ? NULL : sc->client_key);
    if (sc->retrieve) {
        load_retrieved();
        gnutls_certificate_set_retrieve_function2(cred, retrieve);
    }
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, TLS12, cred, fd);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    gnutls_session_set_verify_cert(s, "localhost", 0);
    int r = gnutls_handshake(s);
    say("C handshake %s\n", outcome(r, 'C'));
    if (r == 0) {
        say("C request status %u\n", gnutls_certificate_client_get_request_status(s));
        say("C own certificate %s\n", gnutls_certificate_get_ours(s) ? "reported" : "none");
        say("C sign %s\n", gnutls_sign_get_name(gnutls_sign_algorithm_get_client(s)));
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
    if (sc->retrieve) {
        gnutls_pcert_deinit(&retrieved_pcert);
        gnutls_privkey_deinit(retrieved_key);
    }
}

int main(void)
{
    return twoends_main(COUNT, server, client);
}
