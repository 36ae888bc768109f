/* Differential: the sizes GnuTLS reports for its algorithm identifiers,
 * known and unknown: cipher key, IV, block and tag sizes, digest and MAC
 * output sizes, MAC key sizes. Programs size their buffers with these
 * (gnutls-cli, curl). And the cipher suite table: every entry of
 * gnutls_cipher_suite_info, and gnutls_cipher_suite_get_name for each
 * entry's algorithms and for combinations that are no suite. Also the
 * system configuration file's path. The output must be the same built against the system
 * GnuTLS and against stepup. */
#include <stdio.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

int main(void)
{
    /* Programs print and compare this path (never NULL in GnuTLS). */
    const char *config = gnutls_get_system_config_file();
    printf("system config file: %s\n", config ? config : "(null)");
    for (int i = -1; i <= 45; i++)
        printf("cipher %d: key %zu iv %u block %u tag %u\n", i, gnutls_cipher_get_key_size(i),
               gnutls_cipher_get_iv_size(i), gnutls_cipher_get_block_size(i), gnutls_cipher_get_tag_size(i));
    for (int i = -1; i <= 20; i++)
        printf("digest %d: len %u\n", i, gnutls_hash_get_len(i));
    for (int i = -1; i <= 210; i++) {
        if (i == 21)
            i = 199; /* nothing between the HMACs and the other MACs */
        printf("mac %d: len %u key %zu/%u\n", i, gnutls_hmac_get_len(i), gnutls_mac_get_key_size(i),
               gnutls_hmac_get_key_size(i));
    }
    for (size_t i = 0;; i++) {
        unsigned char id[2];
        gnutls_kx_algorithm_t kx;
        gnutls_cipher_algorithm_t cipher;
        gnutls_mac_algorithm_t mac;
        gnutls_protocol_t version;
        const char *name = gnutls_cipher_suite_info(i, id, &kx, &cipher, &mac, &version);
        if (name == NULL) {
            printf("suite %zu: none (NULL outputs: %s)\n", i,
                   gnutls_cipher_suite_info(0, NULL, NULL, NULL, NULL, NULL));
            break;
        }
        const char *short_name = gnutls_cipher_suite_get_name(kx, cipher, mac);
        printf("suite %zu: %s %02x%02x kx %d cipher %d mac %d version %d, by algorithms: %s\n", i, name, id[0],
               id[1], kx, cipher, mac, version, short_name ? short_name : "(null)");
    }
    const char *none = gnutls_cipher_suite_get_name(GNUTLS_KX_ECDHE_RSA, GNUTLS_CIPHER_AES_128_GCM, GNUTLS_MAC_MD5);
    printf("no such suite: %s\n", none ? none : "(null)");
    return 0;
}
