/* Differential: the private key importers beside gnutls_x509_privkey_import:
 * gnutls_x509_privkey_import_pkcs8 (unencrypted PKCS #8 only, as the
 * flags and a NULL password say), gnutls_x509_privkey_import2 (any
 * encoding), each with every key encoding of the test PKI in PEM and DER,
 * and gnutls_privkey_import_url with URLs stepup does not serve. On success
 * the key's algorithm and size are printed through an abstract key. The
 * output must be the same built against the system GnuTLS and against
 * stepup. FIXTURES is the test PKI directory. */
#include <stdio.h>
#include <stdlib.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

static const char *const files[] = {
    "server-ecdsa.key",        /* PKCS #8, PEM */
    "server-ed25519.key",      /* PKCS #8, PEM */
    "server-rsa.key",          /* PKCS #8, PEM */
    "server-ecdsa-sec1.key",   /* SEC 1, PEM */
    "server-ecdsa-key.der",    /* SEC 1, DER */
    "server-ecdsa-pkcs8.der",  /* PKCS #8, DER */
    "server-ecdsa.pem",        /* a certificate */
};

static void describe(gnutls_x509_privkey_t key)
{
    gnutls_privkey_t pkey;
    gnutls_privkey_init(&pkey);
    int r = gnutls_privkey_import_x509(pkey, key, 0);
    unsigned bits = 0;
    if (r == 0)
        r = gnutls_privkey_get_pk_algorithm(pkey, &bits);
    printf("    key: %d bits %u\n", r, bits);
    gnutls_privkey_deinit(pkey);
}

typedef int (*importer)(gnutls_x509_privkey_t, const gnutls_datum_t *, gnutls_x509_crt_fmt_t, const char *,
                        unsigned);

static void try(const char *label, importer fn, const gnutls_datum_t *data, gnutls_x509_crt_fmt_t fmt,
                unsigned flags)
{
    gnutls_x509_privkey_t key;
    gnutls_x509_privkey_init(&key);
    int r = fn(key, data, fmt, NULL, flags);
    printf("  %s %s: %d\n", label, fmt == GNUTLS_X509_FMT_PEM ? "PEM" : "DER", r);
    if (r == 0)
        describe(key);
    gnutls_x509_privkey_deinit(key);
}

int main(void)
{
    gnutls_global_init();
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        gnutls_datum_t data;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", FIXTURES, files[i]);
        if (gnutls_load_file(path, &data) < 0) {
            fprintf(stderr, "cannot load %s\n", path);
            return 2;
        }
        printf("%s\n", files[i]);
        for (int fmt = GNUTLS_X509_FMT_DER; fmt <= GNUTLS_X509_FMT_PEM; fmt++) {
            try("import_pkcs8", gnutls_x509_privkey_import_pkcs8, &data, fmt, 0);
            try("import_pkcs8 PLAIN", gnutls_x509_privkey_import_pkcs8, &data, fmt, GNUTLS_PKCS_PLAIN);
            try("import2", gnutls_x509_privkey_import2, &data, fmt, 0);
        }
        gnutls_free(data.data);
    }
    gnutls_privkey_t pkey;
    gnutls_privkey_init(&pkey);
    /* Not pkcs11: (Debian's GnuTLS looks for the object in p11-kit's
     * tokens, stepup answers "unimplemented"). */
    const char *urls[] = {"tpmkey:uuid=00000000-0000-0000-0000-000000000000", "system:win=none", "unknown:thing"};
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
        printf("import_url %s: %d\n", urls[i], gnutls_privkey_import_url(pkey, urls[i], 0));
    gnutls_privkey_deinit(pkey);
    gnutls_global_deinit();
    return 0;
}
