/* Differential: what GnuTLS says about curves and signature algorithms
 * (gnutls_ecc_curve_get_name, _get_size, _get_pk, _get_oid, _get_id;
 * gnutls_sign_get_hash_algorithm, _get_pk_algorithm) for every value, the
 * algorithm lists (each 0-terminated, each entry named, the TLS 1.3
 * algorithms in them: stepup lists only what it supports, GnuTLS more),
 * and gnutls_ecc_curve_get after handshakes over each elliptic-curve
 * group. The output must be the same built against the system GnuTLS and
 * against stepup. FIXTURES is the test PKI directory. */
#include <stdio.h>

#include "twoends.h"

static int contains(const int *list, int value)
{
    for (; *list != 0; list++)
        if (*list == value)
            return 1;
    return 0;
}

typedef const char *(*namer)(int);

/* Whether every entry of `list` has a name, and which of `wanted` it has. */
static void check_list(const char *label, const int *list, namer name, const int *wanted, int n)
{
    int named = 1, count = 0;
    for (const int *p = list; *p != 0 && count < 1000; p++, count++)
        named &= name(*p) != NULL;
    printf("%s: ended within 1000 %d, all named %d, has", label, count < 1000, named);
    for (int i = 0; i < n; i++)
        printf(" %d:%d", wanted[i], contains(list, wanted[i]));
    printf("\n");
}

static const char *protocol_name(int v) { return gnutls_protocol_get_name(v); }
static const char *cipher_name(int v) { return gnutls_cipher_get_name(v); }
static const char *mac_name(int v) { return gnutls_mac_get_name(v); }
static const char *digest_name(int v) { return gnutls_digest_get_name(v); }
static const char *kx_name(int v) { return gnutls_kx_get_name(v); }
static const char *group_name(int v) { return gnutls_group_get_name(v); }
static const char *pk_name(int v) { return gnutls_pk_get_name(v); }
static const char *sign_name(int v) { return gnutls_sign_get_name(v); }
static const char *crt_name(int v) { return gnutls_certificate_type_get_name(v); }
static const char *curve_name(int v) { return gnutls_ecc_curve_get_name(v); }

static void tables(void)
{
    for (int c = 0; c <= 40; c++) {
        const char *name = gnutls_ecc_curve_get_name(c);
        const char *oid = gnutls_ecc_curve_get_oid(c);
        printf("curve %d: %s size %d pk %d oid %s\n", c, name ? name : "(null)", gnutls_ecc_curve_get_size(c),
               (int)gnutls_ecc_curve_get_pk(c), oid ? oid : "(null)");
    }
    const char *names[] = {"SECP256R1", "secp384r1", "X25519", "Ed25519", "CryptoPro-B", "nonsense", ""};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        printf("curve id of '%s': %d\n", names[i], (int)gnutls_ecc_curve_get_id(names[i]));
    for (int s = 0; s <= 50; s++)
        printf("sign %d: hash %d pk %d\n", s, (int)gnutls_sign_get_hash_algorithm(s),
               (int)gnutls_sign_get_pk_algorithm(s));

    const int protocols[] = {GNUTLS_TLS1_3};
    check_list("protocols", (const int *)gnutls_protocol_list(), protocol_name, protocols, 1);
    const int ciphers[] = {GNUTLS_CIPHER_AES_128_GCM, GNUTLS_CIPHER_AES_256_GCM, GNUTLS_CIPHER_CHACHA20_POLY1305};
    check_list("ciphers", (const int *)gnutls_cipher_list(), cipher_name, ciphers, 3);
    const int macs[] = {GNUTLS_MAC_SHA1, GNUTLS_MAC_SHA256, GNUTLS_MAC_SHA384, GNUTLS_MAC_SHA512, GNUTLS_MAC_AEAD};
    check_list("macs", (const int *)gnutls_mac_list(), mac_name, macs, 5);
    const int digests[] = {GNUTLS_DIG_SHA1, GNUTLS_DIG_SHA256, GNUTLS_DIG_SHA384, GNUTLS_DIG_SHA512};
    check_list("digests", (const int *)gnutls_digest_list(), digest_name, digests, 4);
    const int kx[] = {GNUTLS_KX_ECDHE_RSA, GNUTLS_KX_ECDHE_ECDSA, GNUTLS_KX_PSK, GNUTLS_KX_ECDHE_PSK};
    check_list("kx", (const int *)gnutls_kx_list(), kx_name, kx, 4);
    const int groups[] = {GNUTLS_GROUP_X25519, GNUTLS_GROUP_SECP256R1, GNUTLS_GROUP_SECP384R1};
    check_list("groups", (const int *)gnutls_group_list(), group_name, groups, 3);
    const int pks[] = {GNUTLS_PK_RSA, GNUTLS_PK_ECDSA, GNUTLS_PK_RSA_PSS, GNUTLS_PK_EDDSA_ED25519};
    check_list("pks", (const int *)gnutls_pk_list(), pk_name, pks, 4);
    const int signs[] = {GNUTLS_SIGN_ECDSA_SECP256R1_SHA256, GNUTLS_SIGN_ECDSA_SECP384R1_SHA384,
                         GNUTLS_SIGN_RSA_PSS_RSAE_SHA256,    GNUTLS_SIGN_RSA_PSS_RSAE_SHA384,
                         GNUTLS_SIGN_RSA_PSS_RSAE_SHA512,    GNUTLS_SIGN_EDDSA_ED25519,
                         GNUTLS_SIGN_RSA_SHA256};
    check_list("signs", (const int *)gnutls_sign_list(), sign_name, signs, 7);
    const int crts[] = {GNUTLS_CRT_X509};
    check_list("certificate types", (const int *)gnutls_certificate_type_list(), crt_name, crts, 1);
    const int curves[] = {GNUTLS_ECC_CURVE_SECP256R1, GNUTLS_ECC_CURVE_SECP384R1, GNUTLS_ECC_CURVE_X25519,
                          GNUTLS_ECC_CURVE_ED25519};
    check_list("curves", (const int *)gnutls_ecc_curve_list(), curve_name, curves, 4);
}

static const char *const priorities[] = {
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-X25519",
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP256R1",
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:-GROUP-ALL:+GROUP-SECP384R1",
};

static void server(int fd, int n)
{
    gnutls_certificate_credentials_t cred = twoends_credentials("server", "ecdsa");
    gnutls_session_t s = twoends_session(GNUTLS_SERVER, priorities[n], cred, fd);
    say("S before: curve %d\n", (int)gnutls_ecc_curve_get(s));
    int r = gnutls_handshake(s);
    say("S handshake %s: curve %d group %d\n", twoends_code(r), (int)gnutls_ecc_curve_get(s), (int)gnutls_group_get(s));
    if (r == 0)
        gnutls_bye(s, GNUTLS_SHUT_WR);
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

static void client(int fd, int n)
{
    gnutls_certificate_credentials_t cred = twoends_credentials("client", NULL);
    gnutls_session_t s = twoends_session(GNUTLS_CLIENT, priorities[n], cred, fd);
    int r = gnutls_handshake(s);
    say("C handshake %s: curve %d\n", twoends_code(r), (int)gnutls_ecc_curve_get(s));
    if (r == 0)
        gnutls_bye(s, GNUTLS_SHUT_WR);
    twoends_half_close(fd);
    gnutls_deinit(s);
    gnutls_certificate_free_credentials(cred);
}

int main(void)
{
    gnutls_global_init();
    tables();
    twoends_run(3, server, client);
    gnutls_global_deinit();
    return 0;
}
