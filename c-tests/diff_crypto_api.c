/* Differential: GnuTLS's hash and HMAC API for the algorithms stepup
 * computes (SHA-1, SHA-256, SHA-384, SHA-512): one-shot and incremental
 * digests and MACs (output resets the state; copies go on independently),
 * gnutls_fingerprint with short buffers, digest names to ids, PEM and bare
 * base64 encoding into a buffer and allocated, gnutls_memset and
 * gnutls_memcmp. The
 * output must be the same built against the system GnuTLS and against
 * stepup. (MD5, SHA-224 and SHA-3 are not in ring: stepup answers
 * GNUTLS_E_UNIMPLEMENTED_FEATURE for them, so they are not compared.) */
#include <stdio.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

static void hex(const char *what, const unsigned char *data, size_t size)
{
    printf("%s ", what);
    for (size_t i = 0; i < size; i++)
        printf("%02x", data[i]);
    printf("\n");
}

static const int algos[] = {GNUTLS_DIG_SHA1, GNUTLS_DIG_SHA256, GNUTLS_DIG_SHA384, GNUTLS_DIG_SHA512};

int main(void)
{
    static const char text[] = "The quick brown fox jumps over the lazy dog";
    static const char key[] = "key";
    unsigned char out[64];
    for (size_t i = 0; i < sizeof algos / sizeof algos[0]; i++) {
        int a = algos[i];
        unsigned len = gnutls_hash_get_len(a);
        printf("digest %d (%u bytes)\n", a, len);
        int r = gnutls_hash_fast(a, text, strlen(text), out);
        printf(" fast %d\n", r);
        hex(" =", out, len);
        r = gnutls_hash_fast(a, NULL, 0, out);
        hex(" empty", out, len);
        gnutls_hash_hd_t h;
        r = gnutls_hash_init(&h, a);
        printf(" init %d\n", r);
        gnutls_hash(h, text, 10);
        gnutls_hash_hd_t copy = gnutls_hash_copy(h);
        gnutls_hash(h, text + 10, strlen(text) - 10);
        gnutls_hash_output(h, out);
        hex(" incremental", out, len);
        gnutls_hash(h, "abc", 3);
        gnutls_hash_output(h, out);
        hex(" after output (abc)", out, len);
        gnutls_hash_deinit(h, NULL);
        gnutls_hash_deinit(copy, out);
        hex(" copy (first 10 bytes)", out, len);

        len = gnutls_hmac_get_len(a);
        r = gnutls_hmac_fast(a, key, strlen(key), text, strlen(text), out);
        printf(" hmac fast %d\n", r);
        hex(" =", out, len);
        gnutls_hmac_hd_t m;
        r = gnutls_hmac_init(&m, a, key, strlen(key));
        printf(" hmac init %d\n", r);
        gnutls_hmac(m, text, 5);
        gnutls_hmac_hd_t mcopy = gnutls_hmac_copy(m);
        gnutls_hmac(m, text + 5, strlen(text) - 5);
        gnutls_hmac_output(m, out);
        hex(" hmac incremental", out, len);
        gnutls_hmac_deinit(m, out);
        hex(" hmac of nothing after output", out, len);
        gnutls_hmac_deinit(mcopy, out);
        hex(" hmac copy (first 5 bytes)", out, len);

        gnutls_datum_t d = {(unsigned char *)text, (unsigned)strlen(text)};
        size_t size = sizeof out;
        r = gnutls_fingerprint(a, &d, out, &size);
        printf(" fingerprint %d %zu\n", r, size);
        size = 4;
        r = gnutls_fingerprint(a, &d, out, &size);
        printf(" fingerprint short %d %zu\n", r, size);
    }
    const char *names[] = {"SHA256", "sha256", "SHA1", "SHA512", "MD5", "SHA3-256", "nonsense", ""};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        printf("digest id '%s': %d\n", names[i], gnutls_digest_get_id(names[i]));

    unsigned char bytes[100];
    for (int i = 0; i < 100; i++)
        bytes[i] = (unsigned char)(i * 7);
    const unsigned sizes[] = {0, 1, 2, 3, 48, 49, 100};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        gnutls_datum_t d = {bytes, sizes[i]};
        char buf[400];
        memset(buf, 'x', sizeof buf);
        size_t size = sizeof buf;
        int r = gnutls_pem_base64_encode("TEST THING", &d, buf, &size);
        printf("pem %u: %d %zu NUL after: %d\n%.*s", sizes[i], r, size, r == 0 && size < sizeof buf && buf[size] == 0,
               r == 0 ? (int)size : 0, buf);
        size = 10;
        r = gnutls_pem_base64_encode("TEST THING", &d, buf, &size);
        printf("pem %u short: %d %zu\n", sizes[i], r, size);
        gnutls_datum_t o;
        r = gnutls_pem_base64_encode2(NULL, &d, &o);
        printf("bare %u: %d %u [%s]\n", sizes[i], r, o.size, r == 0 ? (char *)o.data : "");
        if (r == 0)
            gnutls_free(o.data);
        r = gnutls_pem_base64_encode2("X", &d, &o);
        printf("pem2 %u: %d %u\n", sizes[i], r, o.size);
        if (r == 0)
            gnutls_free(o.data);
    }
    unsigned char wipe[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    gnutls_memset(wipe + 2, 0x1ab, 4);
    hex("memset", wipe, sizeof wipe);
    unsigned char same[4] = {1, 2, 3, 4}, other[4] = {1, 2, 3, 5};
    printf("memcmp equal %d, differing %s, empty %d\n", gnutls_memcmp(wipe, wipe, sizeof wipe),
           gnutls_memcmp(same, other, sizeof same) != 0 ? "nonzero" : "zero", gnutls_memcmp(NULL, NULL, 0));
    return 0;
}
