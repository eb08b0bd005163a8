/* compare_internal.h: the buffers of the comparison module's files
 * (compare.c, compare_select.c): arrays of shares, wiped when freed. */
#ifndef STOFFEL_MPC_COMPARE_INTERNAL_H
#define STOFFEL_MPC_COMPARE_INTERNAL_H

#include <sodium.h>
#include <stdlib.h>

#include "mpc/field.h"

static inline void *zalloc(size_t n, size_t size) { return calloc(n ? n : 1, size); }

/* For arrays written in full before they are read: no zeroing pass. */
static inline void *scratch(size_t n, size_t size) { return malloc((n ? n : 1) * size); }

/* Wipes and frees an array of n elements. */
static inline void wipe_free(Fe *p, size_t n)
{
    if (p) {
        sodium_memzero(p, n * sizeof *p);
        free(p);
    }
}

#endif
