/* Every function and variable the generated headers declare must be found
 * by dlsym in the shared library named by STEPUP_LIB, so header and library
 * never drift. build/c-tests/exports.h is generated from the headers by
 * run.sh (functions through the compiler's own -aux-info listing). */
#include <dlfcn.h>
#include <stdlib.h>

#include "harness.h"

static const char *const declared[] = {
#define EXPORT(name) #name,
#include "exports.h"
#undef EXPORT
};

static int every_declared_symbol_is_exported(void)
{
    const char *path = getenv("STEPUP_LIB");
    CHECK(path != NULL);
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    CHECK(lib != NULL);
    size_t missing = 0;
    for (size_t i = 0; i < sizeof declared / sizeof declared[0]; i++) {
        if (dlsym(lib, declared[i]) == NULL) {
            printf("     missing from %s: %s\n", path, declared[i]);
            missing++;
        }
    }
    dlclose(lib);
    CHECK_INT(missing, 0);
    return 0;
}

static int headers_declare_something(void)
{
    /* An empty list would make the check above vacuous. */
    CHECK(sizeof declared / sizeof declared[0] >= 10);
    return 0;
}

int main(void)
{
    static const struct test_case tests[] = {
        TEST_CASE(headers_declare_something),
        TEST_CASE(every_declared_symbol_is_exported),
    };
    return run_tests("exports", tests, sizeof tests / sizeof tests[0]);
}
