/* Replays fuzz inputs through the Telodendria drop-in: each file named on
 * the command line, as the cargo-fuzz target `telodendria` runs them. A
 * crash, leak or abort fails the run; prints how many ran. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_drop_in.h"

int main(int argc, char **argv)
{
    int ran = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "fuzz_replay: cannot open %s\n", argv[i]);
            return 1;
        }
        static uint8_t buf[65536];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        stepup_fuzz_drop_in(buf, n);
        ran++;
    }
    printf("telodendria fuzz replay: %d inputs\n", ran);
    return ran > 0 ? 0 : 1;
}
