/* fixed.h: a clear number as a fixed-point integer (value · 2^frac),
 * the one conversion every path uses (assembler constants mixed with
 * secret fixed-point values, Share.from_clear / from_clear_fixed, client
 * inputs of fixed-point values), so they all agree; and the truncation of
 * secret fixed-point products that keeps every result in its k bits. */
#ifndef STOFFEL_MPC_FIXED_H
#define STOFFEL_MPC_FIXED_H

#include <stddef.h>
#include <stdint.h>

/* x · 2^frac rounded to the nearest integer (halves away from zero), so
 * 0.3 with 16 fractional bits is 19661, not the truncated 19660.  Returns
 * 0, or -1 if x is not finite or the result does not fit in int64_t. */
int fixed_from_double(double x, unsigned frac, int64_t *out);

/* engine.h includes this header before it defines these (C11 allows the
 * repeated typedefs). */
typedef struct MpcEngine MpcEngine;
typedef struct Fe Fe;

/* out[i] = in[i] wrapped into the signed k-bit range [-2^(k-1), 2^(k-1))
 * modulo 2^k, for -2^K <= in[i] < 2^K and k <= K (k <= 64): the value
 * unchanged when it fits, otherwise what k-bit two's complement arithmetic
 * gives.  Nothing is revealed either way (one opening masked by K+2+κ
 * random bits, then a comparison of bits): 1 + ceil(log2(k/2))
 * rounds (6 for k = 64) for the whole batch, K+2+κ random bits per value.
 * Out may alias in. */
int mpc_fixed_wrap(MpcEngine *e, const Fe *in, size_t n, unsigned K, unsigned k, Fe *out);

/* The truncation of n fixed-point products (each the product of two
 * signed k-bit values) by f bits, wrapped into k bits (issue 20): a chain
 * of products then never brings a value beyond 2^(2k) to a truncation,
 * the bound inside which mpc_truncate hides it.  mpc_truncate followed by
 * mpc_fixed_wrap with K = 2k - f + 1: 7 rounds per batch.  Out may alias
 * in. */
int mpc_fixed_truncate(MpcEngine *e, const Fe *in, size_t n, unsigned k, unsigned f, Fe *out);

/* ---- public magnitude bounds (docs/mpc.md "Share bounds", issue 20) ------------
 * Every share carries a public bound B: its value v, read as a signed
 * integer, has |v| < 2^B.  Every party derives it the same way from the
 * program's operations alone, so it costs nothing and tells nothing.  A
 * masked opening that assumes K bits is only reached with B <= K; a value
 * beyond is first wrapped into its type's width (mpc_bound_fit). */
#define MPC_BOUND_MAX 1024u    /* saturated: any field element */
#define MPC_BOUND_PRODUCT 128u /* 2·64: what mpc_truncate hides; products stay within it */

/* The bound of a + b or a − b (max + 1), of a·b (sum), of a share times a
 * clear c with |c| = mag (bits(mag) more), and of a K-bounded value
 * truncated by m bits (floor plus a carry: K − m + 1).  All saturate at
 * MPC_BOUND_MAX. */
unsigned mpc_bound_add(unsigned a, unsigned b);
unsigned mpc_bound_mul(unsigned a, unsigned b);
unsigned mpc_bound_bits(uint64_t mag);
unsigned mpc_bound_of_i64(int64_t c);
unsigned mpc_bound_trunc(unsigned a, unsigned m);

/* The largest bound mpc_bound_fit can wrap in this engine's field (its
 * masked opening needs K + 1 <= MPC_CMP_MAX_BITS and room for κ): 159 for
 * every built-in field. */
unsigned mpc_bound_limit(const MpcEngine *e);

/* x[i] (|x[i]| < 2^bound) brought into k bits in place: the signed range
 * [-2^(k-1), 2^(k-1)) by mpc_fixed_wrap, or [0, 2^k) (is_unsigned) by
 * mpc_mod2m; values already there are unchanged, others become what k-bit
 * arithmetic gives.  Needs k <= 64 and bound <= mpc_bound_limit(e).
 * 6 rounds per batch. */
int mpc_bound_fit(MpcEngine *e, Fe *x, size_t n, unsigned bound, unsigned k, int is_unsigned);

#endif
