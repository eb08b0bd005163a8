/* robust.h: robust reconstruction of Shamir-shared values (spec/mpc.md §3.1,
 * §3.2, §8.1 item 9) with online error correction in the HoneyBadgerMPC
 * style: decode from whatever shares have arrived, and either return the
 * right value or say "need more shares" — never a wrong value.
 *
 * Setting: n parties, at most t of them corrupt, n >= 3t+1; the shares
 * received are evaluations of a degree-d polynomial at x_i = i+1 (party i
 * 0-based), some missing, up to t wrong.  A polynomial is accepted only if
 * it has degree <= d and agrees with at least d+t+1 of the received shares:
 * at most t of those can be corrupt, so at least d+1 honest shares lie on
 * it, and d+1 honest shares determine the true polynomial.  Hence:
 *
 *   - no errors: decodes once m >= d+t+1 shares arrived;
 *   - e <= t errors: decodes once m >= d+t+1+e (m >= d+2e+1 for the
 *     decoder, plus enough agreement to be sure);
 *   - otherwise ROBUST_NEED_MORE; call again when more shares arrive.
 *
 * With more than t corrupt parties nothing can be guaranteed (the model's
 * assumption); the decoder still never returns a polynomial that fails the
 * agreement rule.
 *
 * Shares here are values being opened, i.e. becoming public, so the code
 * branches on them freely. */
#ifndef STOFFEL_MPC_ROBUST_H
#define STOFFEL_MPC_ROBUST_H

#include <stddef.h>

#include "mpc/field.h"
#include "mpc/shamir.h"

typedef enum {
    ROBUST_OK = 0,
    ROBUST_NEED_MORE = 1, /* not enough agreeing shares yet: retry with more */
    ROBUST_EINVAL = -1,   /* n < 3t+1, d+t+1 > n, n too large, bad/duplicate party */
    ROBUST_ENOMEM = -2,
} RobustStatus;

/* Decodes one codeword from m shares: shares[j] comes from party
 * parties[j] (< n, distinct, any order).  On ROBUST_OK, *secret = f(0) and,
 * if coeffs is not NULL, coeffs[0..d] = the coefficients of f (constant
 * first).  Fast path: interpolate through the first d+1 shares and count
 * agreement; the Gao decoder runs only if that fails (it allocates its
 * working space). */
RobustStatus robust_decode(const Field *f, unsigned n, unsigned t, unsigned d, const unsigned *parties,
                           const Fe *shares, unsigned m, Fe *secret, Fe *coeffs);

/* ---- batches: many codewords with the same sender set ----------------- */

typedef struct RobustBatch RobustBatch;

/* Precomputes, for the m senders parties[0..m-1], the Lagrange weights at 0
 * and at every sender of the first d+1 senders' polynomial (and the basis
 * coefficients for coefficient output), plus the decoder's working space.
 * *out is NULL on error.  m < d+t+1 is allowed: every decode then reports
 * ROBUST_NEED_MORE. */
RobustStatus robust_batch_new(RobustBatch **out, const Field *f, unsigned n, unsigned t, unsigned d,
                              const unsigned *parties, unsigned m);
void robust_batch_free(RobustBatch *b);

/* Decodes count codewords: rows[j][c] is sender parties[j]'s share of
 * codeword c (one row per received message, no copying).  secrets[c]
 * receives f_c(0); coeffs (optional, count*(d+1) elements) receives f_c's
 * coefficients at coeffs[c*(d+1)]; status (optional) gets each codeword's
 * RobustStatus.  Returns ROBUST_OK if every codeword decoded, otherwise
 * ROBUST_NEED_MORE (see status for which) or ROBUST_ENOMEM.  No allocation;
 * a RobustBatch must not be used by two threads at once (it holds the
 * decoder's scratch space).  For large n the shares of a block of values
 * are checked together under a random combination (fe_random, so
 * sodium_init() must have succeeded); the results are the same. */
RobustStatus robust_batch_decode(RobustBatch *b, const Fe *const *rows, size_t count, Fe *secrets, Fe *coeffs,
                                 signed char *status);

#endif
