/* Differential: the AEAD API (gnutls_aead_cipher_*) with the AEAD ciphers
 * stepup takes from ring: AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305.
 * Fixed keys and nonces, so the ciphertexts and tags are printed and
 * compared; then the sizes and codes GnuTLS gives for short buffers, bad
 * keys, tampered input, scattered input (encryptv, encryptv2,
 * decryptv2), a new key, and a cipher that is no AEAD. The output must be
 * the same built against the system GnuTLS and against stepup. */
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

static void hex(const char *label, const unsigned char *p, size_t n)
{
    printf("  %s (%zu):", label, n);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

static unsigned char key_bytes[32];
static unsigned char nonce[12];
static const char auth[] = "associated data";
static const char text[] = "post-handshake authentication, step by step";

static void one(gnutls_cipher_algorithm_t alg)
{
    printf("%s: key %d tag %d iv %d\n", gnutls_cipher_get_name(alg), (int)gnutls_cipher_get_key_size(alg),
           (int)gnutls_cipher_get_tag_size(alg), (int)gnutls_cipher_get_iv_size(alg));
    gnutls_aead_cipher_hd_t h = NULL;
    gnutls_datum_t key = {key_bytes, 7};
    printf("  init with a 7-byte key %d\n", gnutls_aead_cipher_init(&h, alg, &key));
    key.size = gnutls_cipher_get_key_size(alg);
    int r = gnutls_aead_cipher_init(&h, alg, &key);
    printf("  init %d\n", r);
    if (r < 0)
        return;
    unsigned char ct[128], pt[128];
    size_t ptlen = strlen(text), ctlen = sizeof ct;
    r = gnutls_aead_cipher_encrypt(h, nonce, sizeof nonce, auth, strlen(auth), 0, text, ptlen, ct, &ctlen);
    printf("  encrypt %d len %zu\n", r, ctlen);
    if (r == 0)
        hex("ciphertext and tag", ct, ctlen);
    size_t full = ctlen;

    size_t small = ptlen;
    r = gnutls_aead_cipher_encrypt(h, nonce, sizeof nonce, auth, strlen(auth), 0, text, ptlen, ct, &small);
    printf("  encrypt into %zu bytes %d len %zu\n", ptlen, r, small);
    size_t len = sizeof ct;
    r = gnutls_aead_cipher_encrypt(h, nonce, sizeof nonce, NULL, 0, 16, text, ptlen, ct, &len);
    printf("  encrypt without auth data, tag 16: %d len %zu\n", r, len);
    if (r == 0)
        hex("tag", ct + len - 16, 16);

    len = sizeof ct;
    r = gnutls_aead_cipher_encrypt(h, nonce, sizeof nonce, auth, strlen(auth), 0, text, ptlen, ct, &len);
    size_t plen = sizeof pt;
    r = gnutls_aead_cipher_decrypt(h, nonce, sizeof nonce, auth, strlen(auth), 0, ct, full, pt, &plen);
    printf("  decrypt %d len %zu same %d\n", r, plen, r == 0 && plen == ptlen && memcmp(pt, text, ptlen) == 0);
    plen = 4;
    r = gnutls_aead_cipher_decrypt(h, nonce, sizeof nonce, auth, strlen(auth), 0, ct, full, pt, &plen);
    printf("  decrypt into 4 bytes %d len %zu\n", r, plen);
    ct[3] ^= 1;
    plen = sizeof pt;
    r = gnutls_aead_cipher_decrypt(h, nonce, sizeof nonce, auth, strlen(auth), 0, ct, full, pt, &plen);
    printf("  decrypt tampered %d\n", r);
    ct[3] ^= 1;
    plen = sizeof pt;
    r = gnutls_aead_cipher_decrypt(h, nonce, sizeof nonce, "other", 5, 0, ct, full, pt, &plen);
    printf("  decrypt with other auth data %d\n", r);
    plen = sizeof pt;
    r = gnutls_aead_cipher_decrypt(h, nonce, sizeof nonce, auth, strlen(auth), 0, ct, 10, pt, &plen);
    printf("  decrypt 10 bytes %d\n", r);

    /* Scattered: the text in three pieces, the auth data in two. */
    giovec_t aiov[2] = {{(void *)auth, 5}, {(void *)(auth + 5), strlen(auth) - 5}};
    char buf[sizeof text];
    memcpy(buf, text, sizeof text);
    giovec_t iov[3] = {{buf, 3}, {buf + 3, 20}, {buf + 23, ptlen - 23}};
    len = sizeof ct;
    unsigned char ct2[128];
    r = gnutls_aead_cipher_encryptv(h, nonce, sizeof nonce, aiov, 2, 0, iov, 3, ct2, &len);
    printf("  encryptv %d len %zu same as encrypt %d\n", r, len, len == full && memcmp(ct, ct2, full) == 0);
    unsigned char tag[32];
    size_t tag_size = sizeof tag;
    r = gnutls_aead_cipher_encryptv2(h, nonce, sizeof nonce, aiov, 2, iov, 3, tag, &tag_size);
    printf("  encryptv2 with room for a 32-byte tag %d\n", r);
    tag_size = 16;
    r = gnutls_aead_cipher_encryptv2(h, nonce, sizeof nonce, aiov, 2, iov, 3, tag, &tag_size);
    printf("  encryptv2 %d tag %zu same as encrypt %d\n", r, tag_size,
           memcmp(buf, ct, ptlen) == 0 && memcmp(tag, ct + ptlen, tag_size) == 0);
    r = gnutls_aead_cipher_decryptv2(h, nonce, sizeof nonce, aiov, 2, iov, 3, tag, tag_size);
    printf("  decryptv2 %d same %d\n", r, memcmp(buf, text, ptlen) == 0);
    tag[0] ^= 1;
    r = gnutls_aead_cipher_decryptv2(h, nonce, sizeof nonce, aiov, 2, iov, 3, tag, tag_size);
    printf("  decryptv2 with a bad tag %d\n", r);

    unsigned char other_key[32];
    memset(other_key, 0x5a, sizeof other_key);
    gnutls_datum_t k2 = {other_key, key.size};
    printf("  set_key %d\n", gnutls_aead_cipher_set_key(h, &k2));
    len = sizeof ct;
    r = gnutls_aead_cipher_encrypt(h, nonce, sizeof nonce, auth, strlen(auth), 0, text, ptlen, ct, &len);
    printf("  encrypt with the new key %d\n", r);
    /* Only the ciphertext: GnuTLS 3.7.9 keeps AES-GCM's authentication key
     * from the old key, so its tags after set_key are not the new key's
     * (stepup's are; see the README). */
    if (r == 0)
        hex("ciphertext", ct, len - 16);
    gnutls_aead_cipher_deinit(h);
}

int main(void)
{
    gnutls_global_init();
    for (size_t i = 0; i < sizeof key_bytes; i++)
        key_bytes[i] = (unsigned char)(i * 7 + 1);
    for (size_t i = 0; i < sizeof nonce; i++)
        nonce[i] = (unsigned char)(0xa0 + i);
    one(GNUTLS_CIPHER_AES_128_GCM);
    one(GNUTLS_CIPHER_AES_256_GCM);
    one(GNUTLS_CIPHER_CHACHA20_POLY1305);
    gnutls_aead_cipher_hd_t h = NULL;
    gnutls_datum_t key = {key_bytes, 16};
    printf("AES-128-CBC: init %d\n", gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_AES_128_CBC, &key));
    printf("NULL: init %d\n", gnutls_aead_cipher_init(&h, GNUTLS_CIPHER_NULL, &key));
    gnutls_aead_cipher_deinit(NULL);
    gnutls_global_deinit();
    return 0;
}
