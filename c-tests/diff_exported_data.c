/* Differential: the data objects GnuTLS exports. Prints the size, the first
 * and last bytes and a checksum of every Diffie-Hellman group (RFC 7919
 * FFDHE, RFC 5054 SRP), the FFDHE exponent sizes, and uses the allocator
 * variables (gnutls_calloc, gnutls_realloc, gnutls_strdup, released with
 * gnutls_free). Built against the
 * system GnuTLS and against stepup, and the system-built binary run on
 * build/compat (where these are copy-relocated), it must print the same. */
#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>

static void group(const char *name, const gnutls_datum_t *d)
{
    unsigned long sum = 0;
    for (unsigned i = 0; i < d->size; i++)
        sum = (sum * 31 + d->data[i]) % 4294967291UL;
    printf("%s size=%u first=%02x last=%02x sum=%lu\n", name, d->size, d->size ? d->data[0] : 0,
           d->size ? d->data[d->size - 1] : 0, sum);
}

#define GROUP(n) group(#n, &n)

int main(void)
{
    GROUP(gnutls_ffdhe_2048_group_prime);
    GROUP(gnutls_ffdhe_2048_group_q);
    GROUP(gnutls_ffdhe_2048_group_generator);
    GROUP(gnutls_ffdhe_3072_group_prime);
    GROUP(gnutls_ffdhe_3072_group_q);
    GROUP(gnutls_ffdhe_3072_group_generator);
    GROUP(gnutls_ffdhe_4096_group_prime);
    GROUP(gnutls_ffdhe_4096_group_q);
    GROUP(gnutls_ffdhe_4096_group_generator);
    GROUP(gnutls_ffdhe_6144_group_prime);
    GROUP(gnutls_ffdhe_6144_group_q);
    GROUP(gnutls_ffdhe_6144_group_generator);
    GROUP(gnutls_ffdhe_8192_group_prime);
    GROUP(gnutls_ffdhe_8192_group_q);
    GROUP(gnutls_ffdhe_8192_group_generator);
    GROUP(gnutls_srp_1024_group_prime);
    GROUP(gnutls_srp_1024_group_generator);
    GROUP(gnutls_srp_1536_group_prime);
    GROUP(gnutls_srp_1536_group_generator);
    GROUP(gnutls_srp_2048_group_prime);
    GROUP(gnutls_srp_2048_group_generator);
    GROUP(gnutls_srp_3072_group_prime);
    GROUP(gnutls_srp_3072_group_generator);
    GROUP(gnutls_srp_4096_group_prime);
    GROUP(gnutls_srp_4096_group_generator);
    GROUP(gnutls_srp_8192_group_prime);
    GROUP(gnutls_srp_8192_group_generator);
    printf("ffdhe key bits %u %u %u %u %u\n", gnutls_ffdhe_2048_key_bits, gnutls_ffdhe_3072_key_bits,
           gnutls_ffdhe_4096_key_bits, gnutls_ffdhe_6144_key_bits, gnutls_ffdhe_8192_key_bits);

    unsigned char *zeroed = gnutls_calloc(4, 8);
    int all_zero = zeroed != NULL;
    for (int i = 0; zeroed && i < 32; i++)
        all_zero &= zeroed[i] == 0;
    unsigned char *grown = gnutls_realloc(zeroed, 64);
    if (grown)
        memset(grown + 32, 1, 32);
    char *copy = gnutls_strdup("stepup");
    printf("calloc zeroed %d, realloc %d, strdup %s\n", all_zero, grown != NULL, copy ? copy : "(null)");
    gnutls_free(grown);
    gnutls_free(copy);
    return 0;
}
