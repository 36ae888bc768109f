#include "harness.h"

#include <stdarg.h>
#include <string.h>

static char failure[1024];

void harness_fail(const char *file, int line, const char *fmt, ...)
{
    int used = snprintf(failure, sizeof failure, "%s:%d: ", file, line);
    if (used < 0 || (size_t)used >= sizeof failure)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(failure + used, sizeof failure - (size_t)used, fmt, ap);
    va_end(ap);
}

int harness_str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

int harness_json_session(const char *json, char *buf, size_t len)
{
    const char *key = json ? strstr(json, "\"session\":\"") : NULL;
    if (!key)
        return 0;
    key += strlen("\"session\":\"");
    const char *end = strchr(key, '"');
    if (!end || (size_t)(end - key) >= len)
        return 0;
    memcpy(buf, key, (size_t)(end - key));
    buf[end - key] = '\0';
    return 1;
}

int run_tests(const char *suite, const struct test_case *tests, size_t count)
{
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < count; i++) {
        failure[0] = '\0';
        if (tests[i].run() == 0) {
            passed++;
            printf("ok   %s: %s\n", suite, tests[i].name);
        } else {
            failed++;
            printf("FAIL %s: %s: %s\n", suite, tests[i].name, failure[0] ? failure : "(no message)");
        }
        fflush(stdout);
    }
    printf("%s: %zu passed, %zu failed\n", suite, passed, failed);
    return (failed == 0 && passed > 0) ? 0 : 1;
}
