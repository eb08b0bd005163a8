/* fixed.c: fixed-point division and reciprocal on shares (compare.h).
 *
 * For [a], [b] holding a·2^f and b·2^f as signed k-bit integers:
 *   s = [b < 0], |b| = b·(1 - 2s)
 *   bits of |b| (m = k-1 of them), prefix OR from the top: y_j = OR_{i>=j}
 *   z_j = y_j - y_(j+1) marks the highest set bit e; w = Σ z_j·2^(m-1-j)
 *   n = |b|·w in [2^(m-1), 2^m): n' = n/2^(m-1) in [1, 2)
 *   x ≈ 2^P/n' by Newton: x0 = 24/17 - 8/17·n' (relative error <= 1/17),
 *   x <- x·(2 - n'·x), 4 times (error squares each time, then limited by
 *   the P = MPC_FIXED_NEWTON_BITS bits kept and the truncations' +1)
 *   a/b·2^f = a·2^f·w/(n'·2^(m-1)) = ((a·x)/2^P)·w·2^f/2^(m-1), sign fixed by s.
 * Truncations are probabilistic (one round each); the exact ones would cost
 * six more rounds each for error the Newton bound already dominates. */
#include "mpc/compare.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define NEWTON_ITERATIONS 4

typedef struct {
    MpcEngine *e;
    const Field *f;
    size_t n;
} Ctx;

static int mul(Ctx *c, const Fe *x, const Fe *y, Fe *out)
{
    return mpc_round(c->e, NULL, 0, NULL, x, y, c->n, out);
}

static void scale(Ctx *c, Fe *v, const Fe *k)
{
    for (size_t i = 0; i < c->n; i++)
        fe_mul(c->f, &v[i], &v[i], k);
}

/* A non-negative real constant times 2^p, rounded, as a field element. */
static void fixed_const(const Field *f, Fe *r, double v, unsigned p)
{
    double s = v;
    unsigned left = p;
    while (left > 30) {
        s *= (double)(1u << 30);
        left -= 30;
    }
    s *= (double)(1u << left);
    /* s < 2^64 for the constants used here */
    fe_from_u64(f, r, (uint64_t)(s + 0.5));
}

/* y[i*m + j] = OR of bits i*m + j.. i*m + m-1: a prefix OR from the top by a
 * Sklansky network, ceil(log2 m) rounds; OR(p, q) = p + q - p·q. */
static int prefix_or_top(Ctx *c, Fe *y, unsigned m)
{
    size_t n = c->n, cap = n * m;
    Fe *x = calloc(cap, sizeof(Fe)), *w = calloc(cap, sizeof(Fe)), *z = calloc(cap, sizeof(Fe));
    int rc = (x && w && z) ? 0 : -1;
    for (unsigned s = 1; rc == 0 && s < m; s *= 2) {
        /* position t = m-1-j counts from the top; t with bit s set joins the
         * block [start, start+s-1] below it in t order */
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            for (unsigned t = 0; t < m; t++)
                if (t & s) {
                    unsigned lo = (t & ~(2 * s - 1)) + s - 1;
                    x[k] = y[i * m + (m - 1 - t)];
                    w[k++] = y[i * m + (m - 1 - lo)];
                }
        rc = mpc_round(c->e, NULL, 0, NULL, x, w, k, z);
        k = 0;
        for (size_t i = 0; rc == 0 && i < n; i++)
            for (unsigned t = 0; t < m; t++)
                if (t & s) {
                    unsigned lo = (t & ~(2 * s - 1)) + s - 1;
                    Fe *p = &y[i * m + (m - 1 - t)];
                    fe_add(c->f, p, p, &y[i * m + (m - 1 - lo)]);
                    fe_sub(c->f, p, p, &z[k++]);
                }
    }
    if (x) sodium_memzero(x, cap * sizeof(Fe));
    if (w) sodium_memzero(w, cap * sizeof(Fe));
    if (z) sodium_memzero(z, cap * sizeof(Fe));
    free(x);
    free(w);
    free(z);
    return rc;
}

int mpc_fixed_div(MpcEngine *e, const Fe *a, const Fe *b, size_t n, unsigned k, unsigned f, Fe *out)
{
    const Field *F = mpc_field(e);
    Ctx c = { e, F, n };
    const unsigned m = k - 1, P = MPC_FIXED_NEWTON_BITS;
    if (k < 8 || k > 64 || f >= k - 1 || f >= P || n == 0)
        return n == 0 ? 0 : -1;
    size_t nv = 8;
    Fe *buf = calloc(nv * n + (size_t)n * m, sizeof(Fe));
    if (!buf)
        return -1;
    Fe *sg = buf, *ab = buf + n, *w = buf + 2 * n, *nr = buf + 3 * n, *x = buf + 4 * n;
    Fe *t = buf + 5 * n, *u = buf + 6 * n, *d = buf + 7 * n, *y = buf + nv * n;
    Fe one, two;
    fe_one(F, &one);
    fe_from_u64(F, &two, 2);
    int rc = mpc_compare(e, MPC_CMP_LT, b, NULL, n, m, sg);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* sg = 1 - 2s */
        fe_mul(F, &sg[i], &sg[i], &two);
        fe_sub(F, &sg[i], &one, &sg[i]);
    }
    if (rc == 0)
        rc = mul(&c, b, sg, ab);
    if (rc == 0)
        rc = mpc_bit_decompose(e, ab, n, m, m, y);
    if (rc == 0)
        rc = prefix_or_top(&c, y, m);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* w = Σ_j (y_j - y_(j+1))·2^(m-1-j) */
        fe_zero(&w[i]);
        for (unsigned j = 0; j < m; j++) {
            Fe zj, pw;
            if (j + 1 < m)
                fe_sub(F, &zj, &y[i * m + j], &y[i * m + j + 1]);
            else
                zj = y[i * m + j];
            uint64_t l[4] = { (uint64_t)1 << (m - 1 - j), 0, 0, 0 };
            fe_from_limbs(F, &pw, l);
            fe_mul(F, &zj, &zj, &pw);
            fe_add(F, &w[i], &w[i], &zj);
        }
    }
    if (rc == 0)
        rc = mul(&c, ab, w, nr);
    /* n'·2^P (k >= P+2 here: a truncation; otherwise a scaling up) */
    if (rc == 0 && m - 1 >= P) {
        rc = mpc_trunc_pr(e, nr, n, m, m - 1 - P, nr);
    } else if (rc == 0) {
        Fe up;
        fe_from_u64(F, &up, (uint64_t)1 << (P - (m - 1)));
        scale(&c, nr, &up);
    }
    /* x0 = (24/17 - 8/17·n')·2^P */
    Fe c24, c8;
    fixed_const(F, &c24, 24.0 / 17.0, P);
    fixed_const(F, &c8, 8.0 / 17.0, P);
    for (size_t i = 0; rc == 0 && i < n; i++)
        fe_mul(F, &t[i], &nr[i], &c8);
    if (rc == 0)
        rc = mpc_trunc_pr(e, t, n, 2 * P + 2, P, t);
    for (size_t i = 0; rc == 0 && i < n; i++)
        fe_sub(F, &x[i], &c24, &t[i]);
    Fe two_p1;
    fe_from_u64(F, &two_p1, (uint64_t)1 << (P + 1));
    for (int it = 0; rc == 0 && it < NEWTON_ITERATIONS; it++) {
        /* x <- x·(2 - n'·x) */
        rc = mul(&c, nr, x, t);
        if (rc == 0)
            rc = mpc_trunc_pr(e, t, n, 2 * P + 4, P, t);
        for (size_t i = 0; rc == 0 && i < n; i++)
            fe_sub(F, &u[i], &two_p1, &t[i]);
        if (rc == 0)
            rc = mul(&c, x, u, x);
        if (rc == 0)
            rc = mpc_trunc_pr(e, x, n, 2 * P + 4, P, x);
    }
    /* a/b·2^f = a·x·w·2^f / 2^(P+m-1), then the sign.  The first
     * truncation drops P-f bits: its error of one unit grows by at most
     * w·2^f/2^(P+m-1-(P-f)) <= 1, so it costs at most one unit of the
     * result; a·x/2^(P-f) < 2^(m+f+1) keeps the product with w·2^f below
     * 2^(2m+2f+1). */
    if (rc == 0)
        rc = mul(&c, a, x, d);
    if (rc == 0)
        rc = mpc_trunc_pr(e, d, n, m + P + 1, P - f, d);
    if (rc == 0)
        rc = mul(&c, d, w, d);
    if (rc == 0) {
        Fe two_f;
        fe_from_u64(F, &two_f, (uint64_t)1 << f);
        scale(&c, d, &two_f);
        rc = mpc_trunc_pr(e, d, n, 2 * m + 2 * f + 1, m - 1 + f, d);
    }
    if (rc == 0)
        rc = mul(&c, d, sg, out);
    sodium_memzero(buf, (nv * n + (size_t)n * m) * sizeof(Fe));
    free(buf);
    return rc;
}

int mpc_fixed_recip(MpcEngine *e, const Fe *b, size_t n, unsigned k, unsigned f, Fe *out)
{
    Fe *one = calloc(n ? n : 1, sizeof(Fe));
    if (!one)
        return -1;
    for (size_t i = 0; i < n; i++)
        fe_from_u64(mpc_field(e), &one[i], (uint64_t)1 << f);
    int rc = mpc_fixed_div(e, one, b, n, k, f, out);
    free(one);
    return rc;
}
