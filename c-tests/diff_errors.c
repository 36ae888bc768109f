/* Differential: prints what the error and version functions return for every
 * code in a wide range. Built against the system GnuTLS and against stepup,
 * the outputs must be identical (run.sh compares them, stdout and stderr). */
#include <limits.h>
#include <stdio.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

static void code(int c)
{
    const char *name = gnutls_strerror_name(c);
    printf("%d\t%s\t%d\t%s\n", c, name ? name : "(null)", gnutls_error_is_fatal(c) != 0,
           gnutls_strerror(c));
}

int main(void)
{
    printf("global_init %d\n", gnutls_global_init());
    /* Every code GnuTLS defines lies in [-1500, 0]; the rest are unknown codes. */
    for (int c = -2000; c <= 200; c++)
        code(c);
    const int far[] = {INT_MIN, INT_MIN + 1, -70000, -65500, -65000, -9999, 1000, 65535, INT_MAX};
    for (size_t i = 0; i < sizeof far / sizeof far[0]; i++)
        code(far[i]);

    const char *const versions[] = {"3.7.9", "3.7.10", "3.7.8", "3.6.0", "3.8", "3.7.9.1",
                                    "3.7", "4", "", "abc", "3.07.9", "3.7.09", "03.7.9",
                                    "3.7.9a", "3.7.9-rc", " 3.7.9", "2.12.23", "3.0"};
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        const char *r = gnutls_check_version(versions[i]);
        printf("check_version '%s' -> %s\n", versions[i], r ? r : "(null)");
    }
    const char *v = gnutls_check_version(NULL);
    printf("check_version NULL -> %s\n", v ? v : "(null)");

    unsigned char buf[32];
    const int levels[] = {-1, 0, 1, 2, 3, 100};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        printf("rnd level %d -> %d\n", levels[i], gnutls_rnd((gnutls_rnd_level_t)levels[i], buf, sizeof buf));
    printf("rnd empty -> %d\n", gnutls_rnd(GNUTLS_RND_NONCE, buf, 0));

    gnutls_perror(GNUTLS_E_AGAIN);
    gnutls_perror(GNUTLS_E_REAUTH_REQUEST);
    gnutls_perror(-12345);
    gnutls_global_deinit();
    return 0;
}
