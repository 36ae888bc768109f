/* One fuzz input through the Telodendria drop-in (fuzz_drop_in.c). */
#ifndef STEPUP_FUZZ_DROP_IN_H
#define STEPUP_FUZZ_DROP_IN_H
#include <stddef.h>
#include <stdint.h>
void stepup_fuzz_drop_in(const uint8_t *data, size_t len);
#endif
