/* Differential: the sizes GnuTLS reports for its algorithm identifiers,
 * known and unknown: cipher key, IV, block and tag sizes, digest and MAC
 * output sizes, MAC key sizes. Programs size their buffers with these
 * (gnutls-cli, curl). The output must be the same built against the system
 * GnuTLS and against stepup. */
#include <stdio.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

int main(void)
{
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
    return 0;
}
