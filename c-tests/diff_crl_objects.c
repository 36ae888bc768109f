/* Differential: CRL objects (gnutls_x509_crl_t). The test CA's CRL
 * (crl.pem, crl.der) lists revoked.pem; the other CA's lists nothing.
 * Import (PEM, DER, lists), the accessors (version, update times, revoked
 * serials with their times, the issuer as a string and raw), export, and
 * their use: gnutls_x509_crt_check_revocation and
 * gnutls_certificate_set_x509_crl. The output must be the same built
 * against the system GnuTLS and against stepup. FIXTURES is the test PKI
 * directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

static gnutls_datum_t load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
    gnutls_datum_t d = {NULL, 0};
    if (gnutls_load_file(path, &d) < 0) {
        fprintf(stderr, "cannot load %s\n", path);
        exit(2);
    }
    return d;
}

static void hex(const char *label, const unsigned char *p, size_t n)
{
    printf("  %s (%zu):", label, n);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

static gnutls_x509_crt_t crt(const char *name)
{
    gnutls_datum_t d = load(name);
    gnutls_x509_crt_t c;
    gnutls_x509_crt_init(&c);
    if (gnutls_x509_crt_import(c, &d, GNUTLS_X509_FMT_PEM) < 0) {
        fprintf(stderr, "cannot import %s\n", name);
        exit(2);
    }
    gnutls_free(d.data);
    return c;
}

static void accessors(gnutls_x509_crl_t crl)
{
    printf("  version %d\n", gnutls_x509_crl_get_version(crl));
    time_t next = gnutls_x509_crl_get_next_update(crl);
    printf("  next update after this update: %d\n", next > gnutls_x509_crl_get_this_update(crl));
    int count = gnutls_x509_crl_get_crt_count(crl);
    printf("  revoked %d\n", count);
    for (int i = 0; i <= count; i++) {
        unsigned char serial[64];
        size_t size = sizeof serial;
        time_t t = 0;
        int r = gnutls_x509_crl_get_crt_serial(crl, i, serial, &size, &t);
        printf("  serial %d: %d\n", i, r);
        if (r == 0) {
            hex("serial", serial, size);
            printf("  revoked at or after this update: %d\n", t >= gnutls_x509_crl_get_this_update(crl));
            size = 1;
            printf("  into 1 byte: %d size %zu\n", gnutls_x509_crl_get_crt_serial(crl, i, serial, &size, NULL), size);
        }
    }
    gnutls_datum_t dn = {NULL, 0};
    int r = gnutls_x509_crl_get_issuer_dn2(crl, &dn);
    printf("  issuer %d: %s\n", r, r == 0 ? (char *)dn.data : "-");
    gnutls_free(dn.data);
    char buf[256];
    size_t size = 0;
    r = gnutls_x509_crl_get_issuer_dn(crl, NULL, &size);
    printf("  issuer into nothing %d size %zu\n", r, size);
    size = sizeof buf;
    r = gnutls_x509_crl_get_issuer_dn(crl, buf, &size);
    printf("  issuer into a buffer %d size %zu: %s\n", r, size, r == 0 ? buf : "-");
    gnutls_datum_t raw = {NULL, 0};
    r = gnutls_x509_crl_get_raw_issuer_dn(crl, &raw);
    printf("  raw issuer %d\n", r);
    if (r == 0)
        hex("raw issuer", raw.data, raw.size);
    gnutls_free(raw.data);
}

int main(void)
{
    gnutls_global_init();
    gnutls_datum_t pem = load("crl.pem"), der = load("crl.der"), other = load("other-crl.pem");

    gnutls_x509_crl_t crl;
    gnutls_x509_crl_init(&crl);
    printf("import PEM %d\n", gnutls_x509_crl_import(crl, &pem, GNUTLS_X509_FMT_PEM));
    accessors(crl);
    gnutls_datum_t out = {NULL, 0};
    int r = gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_DER, &out);
    printf("export2 DER %d same as crl.der %d\n", r, out.size == der.size && memcmp(out.data, der.data, der.size) == 0);
    gnutls_free(out.data);
    r = gnutls_x509_crl_export2(crl, GNUTLS_X509_FMT_PEM, &out);
    printf("export2 PEM %d same as crl.pem %d\n", r, out.size == pem.size && memcmp(out.data, pem.data, pem.size) == 0);
    gnutls_free(out.data);
    unsigned char small[8];
    size_t size = sizeof small;
    r = gnutls_x509_crl_export(crl, GNUTLS_X509_FMT_DER, small, &size);
    printf("export into 8 bytes %d size %zu\n", r, size);
    gnutls_x509_crl_deinit(crl);

    gnutls_x509_crl_init(&crl);
    printf("import DER %d\n", gnutls_x509_crl_import(crl, &der, GNUTLS_X509_FMT_DER));
    accessors(crl);
    gnutls_x509_crl_deinit(crl);

    gnutls_x509_crl_init(&crl);
    gnutls_datum_t ca = load("ca.pem");
    printf("import a certificate as PEM CRL %d\n", gnutls_x509_crl_import(crl, &ca, GNUTLS_X509_FMT_PEM));
    unsigned char junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    gnutls_datum_t bad = {junk, sizeof junk};
    printf("import junk DER %d\n", gnutls_x509_crl_import(crl, &bad, GNUTLS_X509_FMT_DER));
    gnutls_x509_crl_deinit(crl);

    /* Both CRLs in one PEM. */
    gnutls_datum_t both;
    both.size = pem.size + other.size;
    both.data = gnutls_malloc(both.size);
    memcpy(both.data, pem.data, pem.size);
    memcpy(both.data + pem.size, other.data, other.size);
    gnutls_x509_crl_t *list = NULL;
    unsigned n = 0;
    r = gnutls_x509_crl_list_import2(&list, &n, &both, GNUTLS_X509_FMT_PEM, 0);
    printf("list_import2 %d count %u\n", r, n);
    for (unsigned i = 0; r >= 0 && i < n; i++) {
        printf("crl %u\n", i);
        accessors(list[i]);
    }
    gnutls_x509_crl_t fixed[4];
    unsigned max = 4;
    r = gnutls_x509_crl_list_import(fixed, &max, &both, GNUTLS_X509_FMT_PEM, 0);
    printf("list_import %d max %u\n", r, max);
    for (unsigned i = 0; i < max && i < 4; i++)
        gnutls_x509_crl_deinit(fixed[i]);

    const char *certs[] = {"revoked.pem", "client-ecdsa.pem", "stranger.pem"};
    for (size_t i = 0; i < 3; i++) {
        gnutls_x509_crt_t c = crt(certs[i]);
        printf("check_revocation %s: %d, against the other CA's only: %d\n", certs[i],
               gnutls_x509_crt_check_revocation(c, list, n), gnutls_x509_crt_check_revocation(c, list + 1, 1));
        gnutls_x509_crt_deinit(c);
    }

    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_certificate_set_x509_trust_file(cred, FIXTURES "/ca.pem", GNUTLS_X509_FMT_PEM);
    printf("set_x509_crl %d\n", gnutls_certificate_set_x509_crl(cred, list, (int)n));
    for (unsigned i = 0; i < n; i++)
        gnutls_x509_crl_deinit(list[i]);
    gnutls_free(list);
    gnutls_x509_trust_list_t tl;
    gnutls_certificate_get_trust_list(cred, &tl);
    for (size_t i = 0; i < 2; i++) {
        gnutls_x509_crt_t c = crt(certs[i]);
        unsigned status = 99;
        r = gnutls_x509_trust_list_verify_crt(tl, &c, 1, 0, &status, NULL);
        printf("verify %s after set_x509_crl: %d status %#x\n", certs[i], r, status);
        gnutls_x509_crt_deinit(c);
    }
    gnutls_certificate_free_credentials(cred);

    gnutls_free(both.data);
    gnutls_free(pem.data);
    gnutls_free(der.data);
    gnutls_free(other.data);
    gnutls_free(ca.data);
    gnutls_global_deinit();
    return 0;
}
