/* Differential: certificate revocation lists. The test CA revoked
 * revoked.pem (CN=mallory) in crl.pem / crl.der; the other CA's CRL lists
 * nothing. First the loaders: gnutls_certificate_set_x509_crl_file and
 * _crl_mem, and a trust list's add_trust_file / _mem / _dir with CRLs, good
 * and bad input, and what a chain verifies to afterwards. Then handshakes:
 * a server whose credentials hold the CRL asks for a client certificate
 * and checks it with gnutls_certificate_verify_peers2; a client with the
 * CRL checks the server with gnutls_session_set_verify_cert. The output
 * must be the same built against the system GnuTLS and against stepup.
 * FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/x509.h>

#include "twoends.h"

#define TLS13 "NORMAL:-VERS-ALL:+VERS-TLS1.3"
#define F(name) FIXTURES "/" name

static gnutls_datum_t load(const char *path)
{
    gnutls_datum_t d = {NULL, 0};
    if (gnutls_load_file(path, &d) < 0) {
        fprintf(stderr, "cannot load %s\n", path);
        exit(2);
    }
    return d;
}

/* The verification status of the certificate in `path` against `list`. */
static void verify(const char *label, gnutls_x509_trust_list_t list, const char *path)
{
    gnutls_datum_t pem = load(path);
    gnutls_x509_crt_t crt;
    gnutls_x509_crt_init(&crt);
    int r = gnutls_x509_crt_import(crt, &pem, GNUTLS_X509_FMT_PEM);
    unsigned status = 99;
    if (r == 0)
        r = gnutls_x509_trust_list_verify_crt(list, &crt, 1, 0, &status, NULL);
    say("%s: verify %s %s status %#x\n", label, strrchr(path, '/') + 1, twoends_code(r), status);
    gnutls_x509_crt_deinit(crt);
    gnutls_free(pem.data);
}

static void loaders(void)
{
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    say("cred: trust file %s\n", twoends_code(gnutls_certificate_set_x509_trust_file(cred, F("ca.pem"), GNUTLS_X509_FMT_PEM)));
    gnutls_x509_trust_list_t list = NULL;
    gnutls_certificate_get_trust_list(cred, &list);
    verify("cred, no CRL", list, F("revoked.pem"));
    say("cred: crl file %s\n", twoends_code(gnutls_certificate_set_x509_crl_file(cred, F("crl.pem"), GNUTLS_X509_FMT_PEM)));
    verify("cred, CRL", list, F("revoked.pem"));
    verify("cred, CRL", list, F("client-ecdsa.pem"));
    verify("cred, CRL", list, F("server-rsa.pem"));
    say("cred: crl file DER %s\n", twoends_code(gnutls_certificate_set_x509_crl_file(cred, F("crl.der"), GNUTLS_X509_FMT_DER)));
    say("cred: other CA's crl %s\n", twoends_code(gnutls_certificate_set_x509_crl_file(cred, F("other-crl.pem"), GNUTLS_X509_FMT_PEM)));
    say("cred: missing file %s\n", twoends_code(gnutls_certificate_set_x509_crl_file(cred, F("nonexistent.pem"), GNUTLS_X509_FMT_PEM)));
    say("cred: a certificate as CRL %s\n", twoends_code(gnutls_certificate_set_x509_crl_file(cred, F("ca.pem"), GNUTLS_X509_FMT_PEM)));
    say("cred: PEM read as DER %s\n", twoends_code(gnutls_certificate_set_x509_crl_file(cred, F("crl.pem"), GNUTLS_X509_FMT_DER)));
    gnutls_datum_t crl = load(F("crl.pem"));
    say("cred: crl mem %s\n", twoends_code(gnutls_certificate_set_x509_crl_mem(cred, &crl, GNUTLS_X509_FMT_PEM)));
    unsigned char junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    gnutls_datum_t bad = {junk, sizeof junk};
    say("cred: crl mem junk DER %s\n", twoends_code(gnutls_certificate_set_x509_crl_mem(cred, &bad, GNUTLS_X509_FMT_DER)));
    verify("cred, after all", list, F("revoked.pem"));
    verify("cred, after all", list, F("client-rsa.pem"));
    gnutls_certificate_free_credentials(cred);

    gnutls_x509_trust_list_init(&list, 0);
    say("list: trust file with CRL %s\n",
        twoends_code(gnutls_x509_trust_list_add_trust_file(list, F("ca.pem"), F("crl.pem"), GNUTLS_X509_FMT_PEM, 0, 0)));
    verify("list", list, F("revoked.pem"));
    verify("list", list, F("client-p384.pem"));
    gnutls_x509_trust_list_deinit(list, 1);

    gnutls_x509_trust_list_init(&list, 0);
    gnutls_datum_t ca = load(F("ca.pem"));
    say("list: trust mem, CAs only %s\n", twoends_code(gnutls_x509_trust_list_add_trust_mem(list, &ca, NULL, GNUTLS_X509_FMT_PEM, 0, 0)));
    verify("list, mem", list, F("revoked.pem"));
    say("list: trust mem, CRL only %s\n", twoends_code(gnutls_x509_trust_list_add_trust_mem(list, NULL, &crl, GNUTLS_X509_FMT_PEM, 0, 0)));
    verify("list, mem", list, F("revoked.pem"));
    gnutls_x509_trust_list_deinit(list, 1);

    /* A CRL directory. */
    char dir[] = "/tmp/stepup-crl-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/crl.pem", dir);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(crl.data, 1, crl.size, f) != crl.size || fclose(f) != 0) {
        perror("write CRL");
        exit(2);
    }
    gnutls_x509_trust_list_init(&list, 0);
    say("list: trust file, CAs only %s\n",
        twoends_code(gnutls_x509_trust_list_add_trust_file(list, F("ca.pem"), NULL, GNUTLS_X509_FMT_PEM, 0, 0)));
    say("list: trust dir, CRLs only %s\n", twoends_code(gnutls_x509_trust_list_add_trust_dir(list, NULL, dir, GNUTLS_X509_FMT_PEM, 0, 0)));
    verify("list, dir", list, F("revoked.pem"));
    gnutls_x509_trust_list_deinit(list, 1);
    unlink(path);
    rmdir(dir);
    gnutls_free(ca.data);
    gnutls_free(crl.data);
    twoends_flush();
}

/* Scenario 0: the server holds the CRL and the client shows the revoked
 * certificate. 1: the client holds it and the server shows the revoked
 * certificate. 2: as 1 with a certificate the CRL does not list. */
static gnutls_certificate_credentials_t credentials(const char *crt, const char *key, int with_crl)
{
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_certificate_set_x509_trust_file(cred, F("ca.pem"), GNUTLS_X509_FMT_PEM);
    if (crt != NULL)
        gnutls_certificate_set_x509_key_file(cred, crt, key, GNUTLS_X509_FMT_PEM);
    if (with_crl)
        gnutls_certificate_set_x509_crl_file(cred, F("crl.pem"), GNUTLS_X509_FMT_PEM);
    return cred;
}

static void server(int fd, int n)
{
    gnutls_certificate_credentials_t cred =
        n == 0   ? credentials(F("server-ecdsa.pem"), F("server-ecdsa.key"), 1)
        : n == 1 ? credentials(F("revoked.pem"), F("revoked.key"), 0)
                 : credentials(F("server-ecdsa.pem"), F("server-ecdsa.key"), 0);
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, TLS13, cred, fd);
    if (n == 0)
        gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
    int r = gnutls_handshake(s);
    say("S handshake %s\n", twoends_code(r));
    if (r == 0 && n == 0) {
        unsigned status = 99;
        r = gnutls_certificate_verify_peers2(s, &status);
        say("S verify_peers2 %s status %#x\n", twoends_code(r), status);
    }
    if (r == 0)
        gnutls_bye(s, GNUTLS_SHUT_WR);
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    gnutls_certificate_credentials_t cred =
        n == 0 ? credentials(F("revoked.pem"), F("revoked.key"), 0) : credentials(NULL, NULL, 1);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, TLS13, cred, fd);
    if (n != 0)
        gnutls_session_set_verify_cert(s, "localhost", 0);
    int r = gnutls_handshake(s);
    say("C handshake %s\n", twoends_code(r));
    if (n != 0)
        say("C verify cert status %#x\n", gnutls_session_get_verify_cert_status(s));
    if (r == 0)
        gnutls_bye(s, GNUTLS_SHUT_WR);
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    gnutls_global_init();
    loaders();
    twoends_run(3, server, client);
    gnutls_global_deinit();
    return 0;
}
