/* A small test runner: one line per test, then "N passed, M failed".
 *
 * A test is `static int name(void)` built from CHECK* macros; it returns 0
 * when every check held. main() hands a TEST_LIST to run_tests(). */
#ifndef STEPUP_C_HARNESS_H
#define STEPUP_C_HARNESS_H

#include <stdio.h>

struct test_case {
    const char *name;
    int (*run)(void);
};

#define TEST_CASE(fn) { #fn, fn }

/* Fails the current test with a message naming the place. */
#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            harness_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                       \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

#define CHECK_INT(actual, expected)                                                     \
    do {                                                                                \
        long long a_ = (long long)(actual), e_ = (long long)(expected);                 \
        if (a_ != e_) {                                                                 \
            harness_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #actual, a_, e_); \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

#define CHECK_STR(actual, expected)                                                     \
    do {                                                                                \
        const char *a_ = (actual), *e_ = (expected);                                    \
        if (!harness_str_eq(a_, e_)) {                                                  \
            harness_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #actual,  \
                         a_ ? a_ : "(null)", e_ ? e_ : "(null)");                        \
            return 1;                                                                   \
        }                                                                               \
    } while (0)

void harness_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int harness_str_eq(const char *a, const char *b);

/* Copies the "session" value of a UIA response's JSON text (NULL allowed)
 * into buf: 1, or 0 when there is none or it does not fit. */
int harness_json_session(const char *json, char *buf, size_t len);

/* Runs every test, prints one line each and the summary; returns the exit
 * status for main (0 only when all passed and at least one ran). */
int run_tests(const char *suite, const struct test_case *tests, size_t count);

#endif
