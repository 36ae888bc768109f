/* Built against the system GnuTLS only. It references (never calls) one
 * function from each version node a GnuTLS 3.7 program commonly needs, so
 * that with lazy binding it loads only if the library defines every one of
 * those nodes: the loader checks version nodes at load time, symbols at
 * first call. It prints what the library reports, for comparison. */
#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

int main(int argc, char **argv)
{
    /* Called only when asked, so an unimplemented symbol is never bound.
     * Plain calls bind lazily through the PLT; taking their address would
     * bind them at load. */
    if (argc > 1 && strcmp(argv[1], "call-unbound") == 0) {
        gnutls_group_get(NULL);                                /* GNUTLS_3_6_0 */
        gnutls_reauth(NULL, 0);                                /* GNUTLS_3_6_3 */
        gnutls_db_check_entry_expire_time(NULL);               /* GNUTLS_3_6_5 */
        gnutls_record_set_max_recv_size(NULL, 0);              /* GNUTLS_3_6_8 */
        gnutls_prf_hash_get(NULL);                             /* GNUTLS_3_6_13 */
        gnutls_session_set_verify_output_function(NULL, NULL); /* GNUTLS_3_7_0 */
        return 1;
    }
    printf("loaded; version %s\n", gnutls_check_version(NULL));
    return 0;
}
