/* field_batch_internal.h: the vector kernel behind the batch API of
 * field.h (field_batch.c dispatches, field_ifma.c computes). */
#ifndef STOFFEL_MPC_FIELD_BATCH_INTERNAL_H
#define STOFFEL_MPC_FIELD_BATCH_INTERNAL_H

#include "mpc/field.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define FE_HAVE_IFMA_PATH 1
/* out[i] = a[i]·m[i] (+ c[i]) with m[i] = b[i], or *s when s is set, or
 * a[i] when both are NULL.  AVX-512 IFMA only: call after the CPU check.
 * out[i] may alias a[i], b[i] or c[i]. */
void fe_ifma_batch_(const Field *f, Fe *out, const Fe *a, const Fe *b, const Fe *s, const Fe *c, size_t n);
/* fe_dot_small's sum, added into acc[0..9) (576-bit little-endian). */
void fe_ifma_dot_(const Fe *v, const uint64_t *c52, size_t stride, size_t n, uint64_t acc[9]);
#else
#define FE_HAVE_IFMA_PATH 0
#endif

/* acc[0..9) += x·2^shift (shift < 448). */
void fe_dot_add_shifted_(uint64_t acc[9], unsigned __int128 x, unsigned shift);

#endif
