/* fixed.c: clear numbers to fixed point, and secret fixed-point products
 * truncated and kept in their k bits (fixed.h). */
#include "mpc/fixed.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>

#include "mpc/compare.h"
#include "mpc/engine_internal.h"

int fixed_from_double(double x, unsigned frac, int64_t *out)
{
    if (frac > 1000) return -1;
    double r = round(ldexp(x, (int)frac));
    /* [-2^63, 2^63): both bounds are exact doubles */
    if (!isfinite(r) || r >= 9223372036854775808.0 || r < -9223372036854775808.0) return -1;
    *out = (int64_t)r;
    return 0;
}

/* ---- wrapping secret fixed-point values into k bits ---------------------------
 *
 * Truncation hides a product v only while |v| < 2^(2k) (docs/mpc.md "The
 * truncation bound").  Client inputs are range-checked, but a truncated
 * product of two maximal k-bit values is about 2^(2k-f): multiplied by a
 * third it passes that bound and its high bits, an honest input's among
 * them, show in the next truncation's opened value.  Wrapping every
 * truncated product into k bits keeps each factor of a later product
 * k-bit, so every product stays inside the bound.  Wrapping rather than
 * checking: a check would cost a second comparison and an opening per
 * value, and its abort would tell everyone one bit about the inputs (did
 * x·Y overflow?), which a malicious client could repeat to learn Y. */
int mpc_fixed_wrap(MpcEngine *e, const Fe *in, size_t n, unsigned K, unsigned k, Fe *out)
{
    if (k == 0 || k > 64 || K < k || (n && (!in || !out)))
        return mpc_fail(e, "mpc_fixed_wrap: need 1 <= k <= 64 and k <= K (k = %u, K = %u)", k, K);
    if (n == 0) return 0;
    const Field *F = mpc_field(e);
    Fe *u = malloc(n * sizeof *u);
    if (!u) return mpc_fail(e, "out of memory");
    /* (v + 2^(k-1)) mod 2^k - 2^(k-1); v + 2^(k-1) is (K+1)-bounded */
    Fe half;
    fe_from_u64(F, &half, (uint64_t)1 << (k - 1));
    for (size_t i = 0; i < n; i++) fe_add(F, &u[i], &in[i], &half);
    int rc = mpc_mod2m(e, u, n, K + 1, k, out);
    for (size_t i = 0; rc == 0 && i < n; i++) fe_sub(F, &out[i], &out[i], &half);
    sodium_memzero(u, n * sizeof *u);
    free(u);
    return rc;
}

int mpc_fixed_truncate(MpcEngine *e, const Fe *in, size_t n, unsigned k, unsigned f, Fe *out)
{
    /* |v| < 2^(2k) gives floor(v/2^f) + carry in [-2^(2k-f), 2^(2k-f)] */
    if (mpc_truncate(e, in, n, k, f, out) != 0) return -1;
    return mpc_fixed_wrap(e, out, n, 2 * k - f + 1, k, out);
}

/* ---- public magnitude bounds ------------------------------------------------------ */

static unsigned saturate(uint64_t b) { return b > MPC_BOUND_MAX ? MPC_BOUND_MAX : (unsigned)b; }

unsigned mpc_bound_add(unsigned a, unsigned b) { return saturate((uint64_t)(a > b ? a : b) + 1); }

unsigned mpc_bound_mul(unsigned a, unsigned b) { return saturate((uint64_t)a + b); }

unsigned mpc_bound_bits(uint64_t mag) { return mag ? 64u - (unsigned)__builtin_clzll(mag) : 0; }

unsigned mpc_bound_of_i64(int64_t c)
{
    /* |INT64_MIN| = 2^63 as an unsigned magnitude */
    return mpc_bound_bits(c < 0 ? (uint64_t)0 - (uint64_t)c : (uint64_t)c);
}

unsigned mpc_bound_trunc(unsigned a, unsigned m) { return a > m ? saturate((uint64_t)a - m + 1) : 1; }

unsigned mpc_bound_limit(const MpcEngine *e)
{
    /* compare.c's check_bound, for mod2m on bound + 1 bits */
    unsigned max = e->f->bits - MPC_KAPPA - 12;
    if (max > MPC_CMP_MAX_BITS) max = MPC_CMP_MAX_BITS;
    return max - 1;
}

int mpc_bound_fit(MpcEngine *e, Fe *x, size_t n, unsigned bound, unsigned k, int is_unsigned)
{
    if (k == 0 || k > 64 || bound > mpc_bound_limit(e))
        return mpc_fail(e, "mpc_bound_fit: cannot bring a %u-bit value into %u bits (bounds up to %u into 1..64)",
                        bound, k, mpc_bound_limit(e));
    if (n == 0 || bound <= k) return 0;
    if (!is_unsigned) return mpc_fixed_wrap(e, x, n, bound, k, x);
    return mpc_mod2m(e, x, n, bound, k, x);
}
