/* The foundation's C API as a C program sees it. Built and run three ways:
 * linked with libstepup.a, with libstepup.so, and through dlopen. */
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <stepup/uia.h>

#include "harness.h"

static int check_version_reports_api_level(void)
{
    CHECK_STR(gnutls_check_version(NULL), GNUTLS_VERSION);
    CHECK_STR(gnutls_check_version("3.6.0"), "3.7.9");
    CHECK_STR(gnutls_check_version(GNUTLS_VERSION), GNUTLS_VERSION);
    CHECK(gnutls_check_version("3.7.10") == NULL);
    CHECK(gnutls_check_version("99.0") == NULL);
    CHECK_INT(GNUTLS_VERSION_NUMBER, 0x030709);
    return 0;
}

static int stepup_version_is_dotted_numbers(void)
{
    const char *v = stepup_version();
    CHECK(v != NULL);
    CHECK(strspn(v, "0123456789.") == strlen(v));
    CHECK(strchr(v, '.') != NULL);
    return 0;
}

static int strerror_describes_known_and_unknown_codes(void)
{
    CHECK_STR(gnutls_strerror(GNUTLS_E_AGAIN), "Resource temporarily unavailable, try again.");
    CHECK_STR(gnutls_strerror(GNUTLS_E_REAUTH_REQUEST), "Re-authentication was requested by the peer.");
    CHECK_STR(gnutls_strerror(-12345), "(unknown error code)");
    CHECK_STR(gnutls_strerror_name(GNUTLS_E_INVALID_REQUEST), "GNUTLS_E_INVALID_REQUEST");
    CHECK(gnutls_strerror_name(-12345) == NULL);
    return 0;
}

static int error_is_fatal_follows_gnutls(void)
{
    CHECK_INT(gnutls_error_is_fatal(GNUTLS_E_AGAIN), 0);
    CHECK_INT(gnutls_error_is_fatal(GNUTLS_E_INTERRUPTED), 0);
    CHECK_INT(gnutls_error_is_fatal(GNUTLS_E_REAUTH_REQUEST), 0);
    CHECK(gnutls_error_is_fatal(GNUTLS_E_INVALID_REQUEST) != 0);
    CHECK(gnutls_error_is_fatal(-12345) != 0);
    CHECK_INT(gnutls_error_is_fatal(12345), 0);
    return 0;
}

static int rnd_rejects_null_buffer(void)
{
    CHECK_INT(gnutls_rnd(GNUTLS_RND_NONCE, NULL, 16), GNUTLS_E_INVALID_REQUEST);
    CHECK_INT(gnutls_rnd(GNUTLS_RND_NONCE, NULL, 0), 0);
    return 0;
}

static int rnd_rejects_unknown_level(void)
{
    unsigned char buf[16];
    CHECK_INT(gnutls_rnd((gnutls_rnd_level_t)7, buf, sizeof buf), GNUTLS_E_RANDOM_FAILED);
    return 0;
}

static int rnd_fills_buffers_unpredictably(void)
{
    unsigned char a[32], b[32];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    CHECK_INT(gnutls_rnd(GNUTLS_RND_KEY, a, sizeof a), 0);
    CHECK_INT(gnutls_rnd(GNUTLS_RND_RANDOM, b, sizeof b), 0);
    CHECK(memcmp(a, b, sizeof a) != 0);
    return 0;
}

static int allocator_objects_allocate_and_free(void)
{
    char *copy = gnutls_strdup("step-up");
    CHECK(copy != NULL);
    CHECK_STR(copy, "step-up");
    gnutls_free(copy);
    void *block = gnutls_malloc(64);
    CHECK(block != NULL);
    memset(block, 0xA5, 64);
    gnutls_free(block);
    return 0;
}

static int global_init_is_reference_counted(void)
{
    CHECK_INT(gnutls_global_init(), 0);
    CHECK_INT(gnutls_global_init(), 0);
    gnutls_global_deinit();
    gnutls_global_deinit();
    gnutls_global_deinit(); /* an unmatched deinit is harmless */
    CHECK_INT(gnutls_global_init(), 0);
    gnutls_global_deinit();
    return 0;
}

static int stepup_strerror_describes_native_codes(void)
{
    CHECK_STR(stepup_strerror(STEPUP_E_NULL_POINTER), "A required pointer argument was NULL.");
    CHECK_STR(stepup_strerror(STEPUP_E_SUCCESS), "Success.");
    CHECK_STR(stepup_strerror(-9999), "Unknown stepup error code.");
    CHECK(STEPUP_E_INTERNAL < 0 && STEPUP_E_NULL_POINTER < 0 && STEPUP_E_INVALID_LENGTH < 0);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST_CASE(check_version_reports_api_level),
        TEST_CASE(stepup_version_is_dotted_numbers),
        TEST_CASE(strerror_describes_known_and_unknown_codes),
        TEST_CASE(error_is_fatal_follows_gnutls),
        TEST_CASE(rnd_rejects_null_buffer),
        TEST_CASE(rnd_rejects_unknown_level),
        TEST_CASE(rnd_fills_buffers_unpredictably),
        TEST_CASE(allocator_objects_allocate_and_free),
        TEST_CASE(global_init_is_reference_counted),
        TEST_CASE(stepup_strerror_describes_native_codes),
    };
    return run_tests("api", tests, sizeof tests / sizeof tests[0]);
}
