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
#else
#define FE_HAVE_IFMA_PATH 0
#endif

#endif
