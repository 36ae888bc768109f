/* Differential: certificate credentials and objects beyond the basics:
 * key/certificate pairs from memory and from objects (with the
 * KEY_MISMATCH check and GNUTLS_CERTIFICATE_API_V2 indexes),
 * gnutls_certificate_get_crt_raw, signature algorithms and OIDs, private
 * key objects, hex and PEM utilities, DH parameters and the DH getters on
 * a TLS 1.3 (ECDHE) session, and over a socketpair: gnutls_certificate_get_ours,
 * the peer's activation and expiration times, gnutls_certificate_verify_peers,
 * gnutls_global_set_time_function, and a client certificate retrieve
 * function answering both the handshake's and a post-handshake
 * CertificateRequest. Every return code is printed; the output must be the
 * same built against the system GnuTLS and against stepup. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "twoends.h"

/* The checks before the handshake print at once. */
static void line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

static const char rsa_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIICAjCCAWugAwIBAgIUdnScQsNWR1mNdaQb2L9/EPZNpzowDQYJKoZIhvcNAQEL\n"
    "BQAwEjEQMA4GA1UEAwwHcnNhIHNpZzAgFw0yNjExMjMxNzM1MDFaGA8yMTI2MTAz\n"
    "MDE3MzUwMVowEjEQMA4GA1UEAwwHcnNhIHNpZzCBnzANBgkqhkiG9w0BAQEFAAOB\n"
    "jQAwgYkCgYEA2tUKXBSb6AWqGUR3JKPJKnv3DOBbFTLFHWmpORI1xjhm9qjmlvgi\n"
    "Ie8RZsb94UiiCJrx7glL7F9KSdmYLrCprc9GZc4R6w6imTtlKp4vNHNFXzB36xZ7\n"
    "KrJGNrz0w153ZxtMLgorT+3oLZMeIu5tqvDrHowLHd7Tr7dUc/delQcCAwEAAaNT\n"
    "MFEwHQYDVR0OBBYEFCT8kwXTclNpFDNUcZ/KS6Mt5ElyMB8GA1UdIwQYMBaAFCT8\n"
    "kwXTclNpFDNUcZ/KS6Mt5ElyMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQEL\n"
    "BQADgYEAgijhYnhFMUuYoqqC3pYL9LL9sEsxl54oi7Gf81Z4OgVxhN3PzFXigIQ5\n"
    "XVTWH71r3tZMzX39+HESEjHR01KMxIXTSDJjMHjOCffjCOh1RJLxrGGd/jkdm++q\n"
    "iidhbigU5qn2QHfp2ijb78j11BGTyfIhZ6iNHioEO9K9LmYIA2M=\n"
    "-----END CERTIFICATE-----\n";
static const char ed_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBODCB66ADAgECAhQMcGWb9n+kP/YVWjZVUeRvo06zoTAFBgMrZXAwETEPMA0G\n"
    "A1UEAwwGZWQgc2lnMCAXDTI2MTEyMzE3MzUwMVoYDzIxMjYxMDMwMTczNTAxWjAR\n"
    "MQ8wDQYDVQQDDAZlZCBzaWcwKjAFBgMrZXADIQA2vRNsYBUtNx7N5iXTY0nG/Bew\n"
    "UtJBEQVlElb4pz0sIqNTMFEwHQYDVR0OBBYEFP0vZLCndVVGllImTWkoTxKKS1FX\n"
    "MB8GA1UdIwQYMBaAFP0vZLCndVVGllImTWkoTxKKS1FXMA8GA1UdEwEB/wQFMAMB\n"
    "Af8wBQYDK2VwA0EAz+Q1T56YaXPVqTyzLIlsIhnpcWW3XX9+PDsg7QRinPb6nN6N\n"
    "dzEVrBcJjmyrShOHZtpx/mMzMg1WhHubuVBnBQ==\n"
    "-----END CERTIFICATE-----\n";
static const char p384_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBuzCCAUCgAwIBAgIUbdscL1V/tatA+u5E+fA8De5imDYwCgYIKoZIzj0EAwMw\n"
    "EzERMA8GA1UEAwwIcDM4NCBzaWcwIBcNMjYxMTIzMTczNTAxWhgPMjEyNjEwMzAx\n"
    "NzM1MDFaMBMxETAPBgNVBAMMCHAzODQgc2lnMHYwEAYHKoZIzj0CAQYFK4EEACID\n"
    "YgAEKnZ/QV9Fr6kNV3ikS8gPeM3IxCWH9Ljf1iXY5XulCZn3ZqOAntgLvJsb9W5N\n"
    "i8Hmgk6VRO2aH1D8XeFcXrY5aWbZgxWwmqSWRcVxwGmq96iM9fWog1kZcHDgUohq\n"
    "XLvco1MwUTAdBgNVHQ4EFgQUKnebj9nIkFqXU6pbvQcIh2/S1vEwHwYDVR0jBBgw\n"
    "FoAUKnebj9nIkFqXU6pbvQcIh2/S1vEwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjO\n"
    "PQQDAwNpADBmAjEAnHRqPCPy6DfahNphdU4xzYJm7URL0qSI6/yeIiL1slOqsgm7\n"
    "c0oca/KqDjoUj/faAjEA8A39T6f74mabvIa8rb9tvqX6hO3omby1SLzAR8h4Zub+\n"
    "tMl+rq7Jjnx9/GxROkhp\n"
    "-----END CERTIFICATE-----\n";
static const char dh_pem[] =
    "-----BEGIN DH PARAMETERS-----\n"
    "MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz\n"
    "+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a\n"
    "87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7\n"
    "YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi\n"
    "7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD\n"
    "ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==\n"
    "-----END DH PARAMETERS-----\n";

/* A whole fixture file (freed with free()). */
static gnutls_datum_t load(const char *name)
{
    char path[512];
    gnutls_datum_t d = {NULL, 0};
    snprintf(path, sizeof path, FIXTURES "/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return d;
    static unsigned char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    d.data = malloc(n + 1);
    memcpy(d.data, buf, n);
    d.data[n] = 0;
    d.size = (unsigned)n;
    return d;
}

#define PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3"

static gnutls_datum_t text(const char *s)
{
    gnutls_datum_t d = {(unsigned char *)s, (unsigned)strlen(s)};
    return d;
}

static void utilities(void)
{
    unsigned char raw[] = {0x00, 0x01, 0xab, 0xff, 0x7e};
    gnutls_datum_t in = {raw, sizeof raw}, res = {NULL, 0};
    int r = gnutls_hex_encode2(&in, &res);
    line("hex_encode2 %d '%s' %u\n", r, r == 0 ? (char *)res.data : "", res.size);
    gnutls_free(res.data);
    res.data = NULL;
    in.size = 0;
    r = gnutls_hex_encode2(&in, &res);
    line("hex_encode2 empty %d %u\n", r, r == 0 ? res.size : 0);
    if (r == 0)
        gnutls_free(res.data);

    gnutls_datum_t ca = load("ca.pem");
    res.data = NULL;
    r = gnutls_pem_base64_decode2("CERTIFICATE", &ca, &res);
    line("pem_decode2 CERTIFICATE %d %u %02x\n", r, r == 0 ? res.size : 0, r == 0 ? res.data[0] : 0);
    gnutls_datum_t der = res;
    res.data = NULL;
    r = gnutls_pem_base64_decode2(NULL, &ca, &res);
    line("pem_decode2 NULL header %d %s\n", r,
        r == 0 && res.size == der.size && memcmp(res.data, der.data, der.size) == 0 ? "same" : "-");
    if (r == 0)
        gnutls_free(res.data);
    res.data = NULL;
    r = gnutls_pem_base64_decode2("PRIVATE KEY", &ca, &res);
    line("pem_decode2 wrong header %d\n", r);
    if (r == 0)
        gnutls_free(res.data);
    gnutls_datum_t bad = text("-----BEGIN CERTIFICATE-----\n@@@@not base64@@@@\n-----END CERTIFICATE-----\n");
    r = gnutls_pem_base64_decode2("CERTIFICATE", &bad, &res);
    line("pem_decode2 bad base64 %d\n", r);
    if (r == 0)
        gnutls_free(res.data);
    gnutls_datum_t none = text("no pem here\n");
    r = gnutls_pem_base64_decode2("CERTIFICATE", &none, &res);
    line("pem_decode2 no pem %d\n", r);
    if (r == 0)
        gnutls_free(res.data);

    /* The DER is a certificate: it imports as one. */
    gnutls_x509_crt_t crt;
    gnutls_x509_crt_init(&crt);
    line("import decoded der %d\n", gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER));
    gnutls_x509_crt_deinit(crt);
    gnutls_free(der.data);
    free(ca.data);
}

static void signatures(void)
{
    const char *pems[] = {NULL, rsa_pem, ed_pem, p384_pem};
    gnutls_datum_t ca = load("ca.pem");
    for (int i = 0; i < 4; i++) {
        gnutls_datum_t d = i == 0 ? ca : text(pems[i]);
        gnutls_x509_crt_t crt;
        gnutls_x509_crt_init(&crt);
        int r = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM);
        char oid[128];
        size_t size = sizeof oid;
        int o = gnutls_x509_crt_get_signature_oid(crt, oid, &size);
        line("sig %d import %d alg %d oid %d '%s' %zu\n", i, r,
            gnutls_x509_crt_get_signature_algorithm(crt), o, o == 0 ? oid : "", size);
        size = 3;
        o = gnutls_x509_crt_get_signature_oid(crt, oid, &size);
        line("sig %d short oid %d %zu\n", i, o, size);
        gnutls_x509_crt_deinit(crt);
    }
    free(ca.data);
}

static void privkeys(void)
{
    gnutls_x509_privkey_t key;
    line("privkey_init %d\n", gnutls_x509_privkey_init(&key));
    gnutls_datum_t pem = load("server-ecdsa.key");
    line("privkey_import pem %d\n", gnutls_x509_privkey_import(key, &pem, GNUTLS_X509_FMT_PEM));
    gnutls_datum_t der = {NULL, 0};
    int r = gnutls_pem_base64_decode2("PRIVATE KEY", &pem, &der);
    gnutls_x509_privkey_t key2;
    gnutls_x509_privkey_init(&key2);
    line("privkey_import der %d %d\n", r, gnutls_x509_privkey_import(key2, &der, GNUTLS_X509_FMT_DER));
    gnutls_datum_t junk = text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    line("privkey_import junk %d\n", gnutls_x509_privkey_import(key2, &junk, GNUTLS_X509_FMT_PEM));
    gnutls_datum_t nopem = text("nothing\n");
    line("privkey_import nothing %d\n", gnutls_x509_privkey_import(key2, &nopem, GNUTLS_X509_FMT_PEM));
    gnutls_x509_privkey_deinit(key2);
    gnutls_free(der.data);

    /* Key pairs: from memory and from objects; a mismatch is refused (on
     * credentials of its own: GnuTLS 3.7 counts refused pairs in the
     * indexes GNUTLS_CERTIFICATE_API_V2 returns). */
    gnutls_datum_t scert = load("server-ecdsa.pem"), ccert = load("client-ecdsa.pem");
    gnutls_datum_t ckey = load("client-ecdsa.key"), rkey = load("server-rsa.key");
    gnutls_x509_crt_t *list = NULL;
    unsigned n = 0;
    gnutls_x509_crt_list_import2(&list, &n, &scert, GNUTLS_X509_FMT_PEM, 0);
    gnutls_x509_privkey_t ck;
    gnutls_x509_privkey_init(&ck);
    gnutls_x509_privkey_import(ck, &ckey, GNUTLS_X509_FMT_PEM);
    gnutls_certificate_credentials_t bad;
    gnutls_certificate_allocate_credentials(&bad);
    line("key_mem mismatch %d\n", gnutls_certificate_set_x509_key_mem(bad, &scert, &ckey, GNUTLS_X509_FMT_PEM));
    line("key_mem mismatch alg %d\n", gnutls_certificate_set_x509_key_mem(bad, &scert, &rkey, GNUTLS_X509_FMT_PEM));
    line("key_mem2 mismatch %d\n", gnutls_certificate_set_x509_key_mem2(bad, &ccert, &pem, GNUTLS_X509_FMT_PEM, NULL, 0));
    line("set_x509_key mismatch %d\n", gnutls_certificate_set_x509_key(bad, list, (int)n, ck));
    gnutls_certificate_set_flags(bad, GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH);
    line("key_mem skip check %d\n", gnutls_certificate_set_x509_key_mem(bad, &scert, &ckey, GNUTLS_X509_FMT_PEM));
    gnutls_certificate_free_credentials(bad);

    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    line("key_mem match %d\n", gnutls_certificate_set_x509_key_mem(cred, &scert, &pem, GNUTLS_X509_FMT_PEM));
    gnutls_certificate_set_flags(cred, GNUTLS_CERTIFICATE_API_V2);
    line("key_mem v2 %d\n", gnutls_certificate_set_x509_key_mem(cred, &ccert, &ckey, GNUTLS_X509_FMT_PEM));
    line("set_x509_key v2 %d\n", gnutls_certificate_set_x509_key(cred, list, (int)n, key));
    gnutls_certificate_set_flags(cred, 0);
    line("set_x509_key %d\n", gnutls_certificate_set_x509_key(cred, list, (int)n, key));
    line("set_x509_key empty list %d\n", gnutls_certificate_set_x509_key(cred, list, 0, key));

    /* Raw certificates: key index, then position in the chain. */
    gnutls_datum_t raw = {NULL, 0};
    int r0 = gnutls_certificate_get_crt_raw(cred, 0, 0, &raw);
    gnutls_datum_t sder = {NULL, 0};
    gnutls_pem_base64_decode2("CERTIFICATE", &scert, &sder);
    line("crt_raw 0 0 %d %s\n", r0, r0 == 0 && raw.size == sder.size && memcmp(raw.data, sder.data, sder.size) == 0 ? "server" : "-");
    gnutls_datum_t cder = {NULL, 0};
    gnutls_pem_base64_decode2("CERTIFICATE", &ccert, &cder);
    r0 = gnutls_certificate_get_crt_raw(cred, 1, 0, &raw);
    line("crt_raw 1 0 %d %s\n", r0, r0 == 0 && raw.size == cder.size && memcmp(raw.data, cder.data, cder.size) == 0 ? "client" : "-");
    line("crt_raw 0 1 %d\n", gnutls_certificate_get_crt_raw(cred, 0, 1, &raw));
    line("crt_raw 9 0 %d\n", gnutls_certificate_get_crt_raw(cred, 9, 0, &raw));
    gnutls_free(sder.data);
    gnutls_free(cder.data);

    for (unsigned i = 0; i < n; i++)
        gnutls_x509_crt_deinit(list[i]);
    gnutls_free(list);
    gnutls_x509_privkey_deinit(ck);
    gnutls_x509_privkey_deinit(key);
    gnutls_certificate_free_credentials(cred);
    free(pem.data);
    free(scert.data);
    free(ccert.data);
    free(ckey.data);
    free(rkey.data);
}

/* Imports into a fresh object each time: GnuTLS 3.7 leaks the old values
 * when one object is imported into twice. */
static int dh_import(const gnutls_datum_t *data, gnutls_x509_crt_fmt_t format)
{
    gnutls_dh_params_t dh;
    gnutls_dh_params_init(&dh);
    int r = gnutls_dh_params_import_pkcs3(dh, data, format);
    gnutls_dh_params_deinit(dh);
    return r;
}

static void dh_params(void)
{
    gnutls_dh_params_t dh;
    line("dh_params_init %d\n", gnutls_dh_params_init(&dh));
    gnutls_datum_t pem = text(dh_pem);
    line("dh import pem %d\n", dh_import(&pem, GNUTLS_X509_FMT_PEM));
    gnutls_datum_t der = {NULL, 0};
    int r = gnutls_pem_base64_decode2("DH PARAMETERS", &pem, &der);
    line("dh import der %d %d\n", r, dh_import(&der, GNUTLS_X509_FMT_DER));
    der.size = 20;
    line("dh import truncated %d\n", dh_import(&der, GNUTLS_X509_FMT_DER));
    gnutls_free(der.data);
    gnutls_datum_t junk = text("junk\n");
    line("dh import junk %d\n", dh_import(&junk, GNUTLS_X509_FMT_PEM));
    line("dh import into the kept object %d\n", gnutls_dh_params_import_pkcs3(dh, &pem, GNUTLS_X509_FMT_PEM));
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_certificate_set_dh_params(cred, dh);
    gnutls_certificate_free_credentials(cred);
    gnutls_dh_params_deinit(dh);
    line("dh done\n");
}

static void dh_getters(gnutls_session_t s, char side)
{
    gnutls_datum_t gen = {NULL, 0}, prime = {NULL, 0}, pub = {NULL, 0};
    int r = gnutls_dh_get_group(s, &gen, &prime);
    say("%c dh_get_group %d %u %u\n", side, r, gen.size, prime.size);
    if (r == 0) {
        gnutls_free(gen.data);
        gnutls_free(prime.data);
    }
    r = gnutls_dh_get_pubkey(s, &pub);
    say("%c dh_get_pubkey %d %u\n", side, r, pub.size);
    if (r == 0)
        gnutls_free(pub.data);
    say("%c dh_get_prime_bits %d\n", side, gnutls_dh_get_prime_bits(s));
    say("%c dh_get_secret_bits %d\n", side, gnutls_dh_get_secret_bits(s));
}

/* Compares `d` with the first certificate of a fixture. */
static const char *which(const gnutls_datum_t *d, const char *fixture)
{
    if (!d)
        return "none";
    gnutls_datum_t pem = load(fixture), der = {NULL, 0};
    gnutls_pem_base64_decode2("CERTIFICATE", &pem, &der);
    int same = d->size == der.size && memcmp(d->data, der.data, der.size) == 0;
    gnutls_free(der.data);
    free(pem.data);
    return same ? fixture : "other";
}

static void times(gnutls_session_t s, char side)
{
    time_t a = gnutls_certificate_activation_time_peers(s);
    time_t e = gnutls_certificate_expiration_time_peers(s);
    say("%c peer times %lld %lld\n", side, (long long)a, (long long)e);
}

static time_t fake_now;
static time_t fake_time(time_t *t)
{
    if (t)
        *t = fake_now;
    return fake_now;
}

static time_t real_time(time_t *t)
{
    return time(t);
}

static int retrieve_calls;
static gnutls_x509_crt_t client_crt;
static gnutls_x509_privkey_t client_key;

static int retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
                    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_retr2_st *st)
{
    (void)s;
    (void)req_ca_rdn;
    (void)pk_algos;
    retrieve_calls++;
    /* The CA names and key types offered differ between the servers. */
    (void)nreqs;
    (void)pk_algos_length;
    say("C retrieve %d\n", retrieve_calls);
    st->cert_type = GNUTLS_CRT_X509;
    st->key_type = GNUTLS_PRIVKEY_X509;
    st->deinit_all = 0;
    st->cert.x509 = &client_crt;
    st->ncerts = 1;
    st->key.x509 = client_key;
    return 0;
}

static int recv_text(gnutls_session_t s, char *buf, size_t len)
{
    int r;
    int tries = 0;
    do {
        r = (int)gnutls_record_recv(s, buf, len - 1);
    } while ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) && ++tries < 100);
    buf[r > 0 ? r : 0] = '\0';
    return r;
}

static void peers(gnutls_session_t s, char side)
{
    unsigned n = 0;
    const gnutls_datum_t *p = gnutls_certificate_get_peers(s, &n);
    say("%c peers %u %s\n", side, n, which(p, side == 'S' ? "client-ecdsa.pem" : "server-ecdsa.pem"));
}

static void server(int fd, int scenario)
{
    (void)scenario;
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_certificate_set_x509_trust_file(cred, FIXTURES "/ca.pem", GNUTLS_X509_FMT_PEM);
    gnutls_datum_t cert = load("server-ecdsa.pem"), key = load("server-ecdsa.key");
    say("S key_mem %d\n", gnutls_certificate_set_x509_key_mem(cred, &cert, &key, GNUTLS_X509_FMT_PEM));
    free(cert.data);
    free(key.data);
    gnutls_session_t s = twoends_session(GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH, PRIORITY, cred, fd);
    gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
    gnutls_dh_set_prime_bits(s, 2048);
    say("S ours before %s\n", which(gnutls_certificate_get_ours(s), "server-ecdsa.pem"));
    say("S handshake %d\n", gnutls_handshake(s));
    say("S ours %s\n", which(gnutls_certificate_get_ours(s), "server-ecdsa.pem"));
    peers(s, 'S');
    times(s, 'S');
    unsigned status = 99;
    int r = gnutls_certificate_verify_peers(s, NULL, 0, &status);
    say("S verify_peers %d %#x\n", r, status);
    fake_now = (time_t)7258118400LL; /* 2200-01-01 */
    gnutls_global_set_time_function(fake_time);
    status = 99;
    r = gnutls_certificate_verify_peers(s, NULL, 0, &status);
    say("S verify_peers in 2200 %d %#x\n", r, status);
    fake_now = (time_t)946684800; /* 2000-01-01 */
    status = 99;
    r = gnutls_certificate_verify_peers2(s, &status);
    say("S verify_peers2 in 2000 %d %#x\n", r, status);
    gnutls_global_set_time_function(real_time);
    status = 99;
    r = gnutls_certificate_verify_peers2(s, &status);
    say("S verify_peers2 now %d %#x\n", r, status);
    dh_getters(s, 'S');
    char buf[64];
    r = gnutls_reauth(s, 0);
    say("S reauth %d\n", r);
    peers(s, 'S');
    gnutls_record_send(s, "done", 4);
    say("S recv %d\n", recv_text(s, buf, sizeof buf));
    say("S bye %d\n", gnutls_bye(s, GNUTLS_SHUT_WR));
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int scenario)
{
    (void)scenario;
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_certificate_set_x509_trust_file(cred, FIXTURES "/ca.pem", GNUTLS_X509_FMT_PEM);
    gnutls_datum_t cert = load("client-ecdsa.pem"), key = load("client-ecdsa.key");
    gnutls_x509_crt_init(&client_crt);
    gnutls_x509_crt_import(client_crt, &cert, GNUTLS_X509_FMT_PEM);
    gnutls_x509_privkey_init(&client_key);
    gnutls_x509_privkey_import(client_key, &key, GNUTLS_X509_FMT_PEM);
    free(cert.data);
    free(key.data);
    gnutls_certificate_set_retrieve_function(cred, retrieve);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT | GNUTLS_POST_HANDSHAKE_AUTH, PRIORITY, cred, fd);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    dh_getters(s, 'c'); /* before the handshake */
    say("C handshake %d\n", gnutls_handshake(s));
    say("C ours %s\n", which(gnutls_certificate_get_ours(s), "client-ecdsa.pem"));
    peers(s, 'C');
    times(s, 'C');
    {
        /* GnuTLS 3.7 does not always write a client's status: only the code is compared. */
        gnutls_typed_vdata_st data[2] = {
            {GNUTLS_DT_DNS_HOSTNAME, (unsigned char *)"localhost", 0},
            {GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER, 0},
        };
        unsigned status = 0;
        say("C verify_peers data %d\n", gnutls_certificate_verify_peers(s, data, 2, &status));
    }
    dh_getters(s, 'C');
    char buf[64];
    for (int i = 0; i < 4; i++) {
        int r = recv_text(s, buf, sizeof buf);
        say("C recv %d '%s'\n", r, buf);
        if (r == GNUTLS_E_REAUTH_REQUEST) {
            say("C reauth %d\n", gnutls_reauth(s, 0));
            say("C ours %s\n", which(gnutls_certificate_get_ours(s), "client-ecdsa.pem"));
            continue;
        }
        if (r <= 0)
            break;
        gnutls_record_send(s, "ok", 2);
    }
    say("C retrieve calls %d\n", retrieve_calls);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
    gnutls_x509_crt_deinit(client_crt);
    gnutls_x509_privkey_deinit(client_key);
}

/* Scenario 1: the server's certificate comes from its retrieve function;
 * the client's retrieve_function2 sends none. Scenario 2: the client's
 * retrieve_function3 fails. */
static int server_calls;
static gnutls_x509_crt_t server_crt;
static gnutls_x509_privkey_t server_key;

static int server_retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
                           const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_retr2_st *st)
{
    (void)s;
    (void)req_ca_rdn;
    (void)nreqs;
    (void)pk_algos;
    (void)pk_algos_length;
    server_calls++;
    st->cert_type = GNUTLS_CRT_X509;
    st->key_type = GNUTLS_PRIVKEY_X509;
    st->cert.x509 = &server_crt;
    st->ncerts = 1;
    st->key.x509 = server_key;
    st->deinit_all = 0;
    return 0;
}

static int none_calls;
static int retrieve_none(gnutls_session_t s, const gnutls_datum_t *req_ca_rdn, int nreqs,
                         const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
                         unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
    (void)s;
    (void)req_ca_rdn;
    (void)nreqs;
    (void)pk_algos;
    (void)pk_algos_length;
    none_calls++;
    *pcert = NULL;
    *pcert_length = 0;
    *privkey = NULL;
    return 0;
}

static int failing_calls;
static int retrieve_fails(gnutls_session_t s, const struct gnutls_cert_retr_st *info, gnutls_pcert_st **certs,
                          unsigned int *certs_length, gnutls_ocsp_data_st **ocsp, unsigned int *ocsp_length,
                          gnutls_privkey_t *privkey, unsigned int *flags)
{
    (void)s;
    (void)certs;
    (void)certs_length;
    (void)ocsp;
    (void)ocsp_length;
    (void)privkey;
    (void)flags;
    failing_calls++;
    say("C retrieve3 version %u\n", info->version);
    return -1;
}

static void server2(int fd, int scenario)
{
    gnutls_certificate_credentials_t cred = twoends_credentials("server", scenario == 1 ? NULL : "ecdsa");
    gnutls_datum_t cert = load("server-ecdsa.pem"), key = load("server-ecdsa.key");
    gnutls_x509_crt_init(&server_crt);
    gnutls_x509_crt_import(server_crt, &cert, GNUTLS_X509_FMT_PEM);
    gnutls_x509_privkey_init(&server_key);
    gnutls_x509_privkey_import(server_key, &key, GNUTLS_X509_FMT_PEM);
    free(cert.data);
    free(key.data);
    if (scenario == 1)
        gnutls_certificate_set_retrieve_function(cred, server_retrieve);
    gnutls_session_t s = twoends_session(GNUTLS_SERVER | GNUTLS_POST_HANDSHAKE_AUTH, PRIORITY, cred, fd);
    gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
    int r = gnutls_handshake(s);
    if (scenario == 1) {
        say("S handshake %d\n", r);
        say("S ours %s\n", which(gnutls_certificate_get_ours(s), "server-ecdsa.pem"));
        peers(s, 'S');
        say("S reauth %d\n", gnutls_reauth(s, 0));
        peers(s, 'S');
        say("S bye %d\n", gnutls_bye(s, GNUTLS_SHUT_WR));
        say("S retrieve calls %d\n", server_calls);
    } else {
        /* How the failure shows on the server is timing. */
        say("S handshake %s\n", r == 0 ? "ok" : "failed");
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
    gnutls_x509_crt_deinit(server_crt);
    gnutls_x509_privkey_deinit(server_key);
}

static void client2(int fd, int scenario)
{
    gnutls_certificate_credentials_t cred = twoends_credentials("client", "ecdsa");
    if (scenario == 1)
        gnutls_certificate_set_retrieve_function2(cred, retrieve_none);
    else
        gnutls_certificate_set_retrieve_function3(cred, retrieve_fails);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT | GNUTLS_POST_HANDSHAKE_AUTH, PRIORITY, cred, fd);
    gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
    say("C handshake %d\n", gnutls_handshake(s));
    if (scenario == 1) {
        say("C ours %s\n", which(gnutls_certificate_get_ours(s), "client-ecdsa.pem"));
        char buf[64];
        int r = recv_text(s, buf, sizeof buf);
        say("C recv %d\n", r);
        if (r == GNUTLS_E_REAUTH_REQUEST)
            say("C reauth %d\n", gnutls_reauth(s, 0));
        say("C recv end %d\n", recv_text(s, buf, sizeof buf));
        say("C retrieve calls %d\n", none_calls);
    } else {
        say("C retrieve calls %d\n", failing_calls);
    }
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

/* Scenario 3: the client checks the server's name with
 * gnutls_session_set_verify_cert2, against a name it does not have. */
static void server3(int fd)
{
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, PRIORITY, cred, fd);
    /* Not compared: GnuTLS's client checks the name before its Finished and
     * sends an alert, stepup's after the handshake (the server completes). */
    (void)gnutls_handshake(s);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client3(int fd)
{
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, PRIORITY, cred, fd);
    gnutls_typed_vdata_st data[1] = {{GNUTLS_DT_DNS_HOSTNAME, (unsigned char *)"wrong.example", 0}};
    gnutls_session_set_verify_cert2(s, data, 1, 0);
    say("C handshake %d\n", gnutls_handshake(s));
    say("C verify status %#x\n", gnutls_session_get_verify_cert_status(s));
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void server_all(int fd, int scenario)
{
    if (scenario == 0)
        server(fd, scenario);
    else if (scenario == 3)
        server3(fd);
    else
        server2(fd, scenario);
}

static void client_all(int fd, int scenario)
{
    if (scenario == 0)
        client(fd, scenario);
    else if (scenario == 3)
        client3(fd);
    else
        client2(fd, scenario);
}

int main(void)
{
    gnutls_global_init();
    utilities();
    signatures();
    privkeys();
    dh_params();
    fflush(stdout);
    twoends_run(4, server_all, client_all);
    gnutls_global_deinit();
    return 0;
}
