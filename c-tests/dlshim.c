/* For the dlopen build of a test: resolves every library symbol through
 * dlopen/dlsym at first use (dlshim.h, generated from the headers, turns each
 * name into a call to stepup_dlsym). A missing symbol ends the program. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static void *library;

static void close_library(void)
{
    if (library)
        dlclose(library);
}

void *stepup_dlsym(const char *name)
{
    if (!library) {
        const char *path = getenv("STEPUP_LIB");
        if (!path) {
            fprintf(stderr, "dlshim: set STEPUP_LIB to the library to load\n");
            exit(2);
        }
        library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!library) {
            fprintf(stderr, "dlshim: dlopen(%s): %s\n", path, dlerror());
            exit(2);
        }
        atexit(close_library);
    }
    void *symbol = dlsym(library, name);
    if (!symbol) {
        fprintf(stderr, "dlshim: dlsym(%s): %s\n", name, dlerror());
        exit(2);
    }
    return symbol;
}
