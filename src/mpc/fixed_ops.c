/* fixed_ops.c: fixed-point division and reciprocal on shares (compare.h).
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

static int mul(Ctx *c, const Fe *x, const Fe *y, Fe *out) { return mpc_round(c->e, NULL, 0, NULL, x, y, c->n, out); }

static void scale(Ctx *c, Fe *v, const Fe *k)
{
    for (size_t i = 0; i < c->n; i++) fe_mul(c->f, &v[i], &v[i], k);
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

/* 2^j as a field element, j < 256. */
static void pow2(const Field *f, Fe *r, unsigned j)
{
    uint64_t l[4] = { 0, 0, 0, 0 };
    l[j / 64] = (uint64_t)1 << (j % 64);
    fe_from_limbs(f, r, l);
}

/* For 0 <= v < 2^m: the one-hot highest set bit z (n·m, z[j] for bit j, or
 * NULL), w = 2^(m-1-e) and nr = v·w scaled to n'·2^P, n' in [1, 2) (all
 * zero for v = 0).  1 + ceil(log2 m) + ceil(log2 m) + 2 rounds. */
static int normalize(Ctx *c, const Fe *v, unsigned m, unsigned P, Fe *nr, Fe *w, Fe *z)
{
    const Field *F = c->f;
    size_t n = c->n;
    Fe *y = calloc(n * m, sizeof(Fe));
    if (!y) return -1;
    int rc = mpc_bit_decompose(c->e, v, n, m, m, y);
    if (rc == 0) rc = prefix_or_top(c, y, m);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* z_j = y_j - y_(j+1); w = Σ_j z_j·2^(m-1-j) */
        fe_zero(&w[i]);
        for (unsigned j = 0; j < m; j++) {
            Fe zj, pw;
            if (j + 1 < m)
                fe_sub(F, &zj, &y[i * m + j], &y[i * m + j + 1]);
            else
                zj = y[i * m + j];
            if (z) z[i * m + j] = zj;
            pow2(F, &pw, m - 1 - j);
            fe_mul(F, &zj, &zj, &pw);
            fe_add(F, &w[i], &w[i], &zj);
        }
    }
    if (rc == 0) rc = mul(c, v, w, nr);
    if (rc == 0 && m - 1 >= P) {
        rc = mpc_trunc_pr(c->e, nr, n, m, m - 1 - P, nr);
    } else if (rc == 0) {
        Fe up;
        pow2(F, &up, P - (m - 1));
        scale(c, nr, &up);
    }
    sodium_memzero(y, n * m * sizeof(Fe));
    free(y);
    return rc;
}

/* out = round(t·k/2^P) style step: out = trunc(x·y, P) for bound K. */
static int mul_trunc(Ctx *c, const Fe *x, const Fe *y, unsigned K, unsigned P, Fe *out)
{
    int rc = mul(c, x, y, out);
    return rc == 0 ? mpc_trunc_pr(c->e, out, c->n, K, P, out) : rc;
}

int mpc_fixed_div(MpcEngine *e, const Fe *a, const Fe *b, size_t n, unsigned k, unsigned f, Fe *out)
{
    const Field *F = mpc_field(e);
    Ctx c = { e, F, n };
    const unsigned m = k - 1, P = MPC_FIXED_NEWTON_BITS;
    if (k < 8 || k > 64 || f >= k - 1 || f >= P || n == 0) return n == 0 ? 0 : -1;
    Fe *buf = calloc(7 * n, sizeof(Fe));
    if (!buf) return -1;
    Fe *sg = buf, *ab = buf + n, *w = buf + 2 * n, *nr = buf + 3 * n, *x = buf + 4 * n;
    Fe *t = buf + 5 * n, *d = buf + 6 * n;
    Fe one, two;
    fe_one(F, &one);
    fe_from_u64(F, &two, 2);
    int rc = mpc_compare(e, MPC_CMP_LT, b, NULL, n, m, sg);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* sg = 1 - 2s */
        fe_mul(F, &sg[i], &sg[i], &two);
        fe_sub(F, &sg[i], &one, &sg[i]);
    }
    if (rc == 0) rc = mul(&c, b, sg, ab);
    if (rc == 0) rc = normalize(&c, ab, m, P, nr, w, NULL);
    /* x0 = (24/17 - 8/17·n')·2^P */
    Fe c24, c8;
    fixed_const(F, &c24, 24.0 / 17.0, P);
    fixed_const(F, &c8, 8.0 / 17.0, P);
    for (size_t i = 0; rc == 0 && i < n; i++) fe_mul(F, &t[i], &nr[i], &c8);
    if (rc == 0) rc = mpc_trunc_pr(e, t, n, 2 * P + 2, P, t);
    for (size_t i = 0; rc == 0 && i < n; i++) fe_sub(F, &x[i], &c24, &t[i]);
    Fe two_p1;
    pow2(F, &two_p1, P + 1);
    for (int it = 0; rc == 0 && it < NEWTON_ITERATIONS; it++) {
        /* x <- x·(2 - n'·x) */
        rc = mul_trunc(&c, nr, x, 2 * P + 4, P, t);
        for (size_t i = 0; rc == 0 && i < n; i++) fe_sub(F, &t[i], &two_p1, &t[i]);
        if (rc == 0) rc = mul_trunc(&c, x, t, 2 * P + 4, P, x);
    }
    /* a/b·2^f = a·x·w·2^f / 2^(P+m-1), then the sign.  The first
     * truncation drops P-f bits: its error of one unit grows by at most
     * w·2^f/2^(P+m-1-(P-f)) <= 1, so it costs at most one unit of the
     * result; a·x/2^(P-f) < 2^(m+f+1) keeps the product with w·2^f below
     * 2^(2m+2f+1). */
    if (rc == 0) rc = mul_trunc(&c, a, x, m + P + 1, P - f, d);
    if (rc == 0) rc = mul(&c, d, w, d);
    if (rc == 0) {
        Fe two_f;
        pow2(F, &two_f, f);
        scale(&c, d, &two_f);
        rc = mpc_trunc_pr(e, d, n, 2 * m + 2 * f + 1, m - 1 + f, d);
    }
    if (rc == 0) rc = mul(&c, d, sg, out);
    /* a/b leaves k bits for a small b (|a/b·2^f| < 2^(m+f+2)): wrap it, so
     * a product with it stays inside the truncation bound (fixed.h) */
    if (rc == 0) rc = mpc_fixed_wrap(e, out, n, m + f + 3, k, out);
    sodium_memzero(buf, 7 * n * sizeof(Fe));
    free(buf);
    return rc;
}

/* sqrt(v·2^-f)·2^f = sqrt(v·2^f): with v = n'·2^e (normalize),
 * sqrt(v·2^f) = sqrt(n')·2^((e+f)/2).  sqrt(n') = n'·y with y ≈ 1/sqrt(n')
 * by Newton (y <- y·(3 - n'·y²)/2 from y0 = 1.2929 - 0.2929·n', within
 * 4.6%; the error shrinks as 1.5·err² per step), and 2^((e+f)/2) =
 * Σ_j z_j·2^((j+f)/2), constants kept with Q = 48 extra bits. */
#define SQRT_Q 48

int mpc_fixed_sqrt(MpcEngine *e, const Fe *b, size_t n, unsigned k, unsigned f, Fe *out)
{
    const Field *F = mpc_field(e);
    Ctx c = { e, F, n };
    const unsigned m = k - 1, P = MPC_FIXED_NEWTON_BITS;
    if (k < 8 || k > 64 || f >= k - 1 || f >= P || n == 0) return n == 0 ? 0 : -1;
    Fe *buf = calloc(5 * n + (size_t)n * m, sizeof(Fe));
    if (!buf) return -1;
    Fe *w = buf, *nr = buf + n, *y = buf + 2 * n, *t = buf + 3 * n, *sc = buf + 4 * n, *z = buf + 5 * n;
    int rc = normalize(&c, b, m, P, nr, w, z);
    Fe a0, a1, three;
    fixed_const(F, &a0, 1.2929, P);
    fixed_const(F, &a1, 0.2929, P);
    pow2(F, &three, P);
    fe_from_u64(F, &t[0], 3);
    fe_mul(F, &three, &three, &t[0]);
    for (size_t i = 0; rc == 0 && i < n; i++) fe_mul(F, &t[i], &nr[i], &a1);
    if (rc == 0) rc = mpc_trunc_pr(e, t, n, 2 * P + 2, P, t);
    for (size_t i = 0; rc == 0 && i < n; i++) fe_sub(F, &y[i], &a0, &t[i]);
    for (int it = 0; rc == 0 && it < NEWTON_ITERATIONS; it++) {
        /* y <- y·(3 - n'·y²)/2 */
        rc = mul_trunc(&c, y, y, 2 * P + 4, P, t);
        if (rc == 0) rc = mul_trunc(&c, nr, t, 2 * P + 4, P, t);
        for (size_t i = 0; rc == 0 && i < n; i++) fe_sub(F, &t[i], &three, &t[i]);
        if (rc == 0) rc = mul_trunc(&c, y, t, 2 * P + 4, P + 1, y);
    }
    /* sqrt(n')·2^P = n'·y */
    if (rc == 0) rc = mul_trunc(&c, nr, y, 2 * P + 4, P, y);
    /* scale: Σ_j z_j·2^((j+f)/2 + Q); sqrt(2) from a double (53 bits) */
    for (size_t i = 0; rc == 0 && i < n; i++) {
        fe_zero(&sc[i]);
        for (unsigned j = 0; j < m; j++) {
            Fe cj, s2;
            unsigned h = (j + f) / 2 + SQRT_Q;
            if ((j + f) % 2) {
                fe_from_u64(F, &s2, UINT64_C(6369051672525773)); /* sqrt(2)·2^52, rounded */
                pow2(F, &cj, h - 52);
                fe_mul(F, &cj, &cj, &s2);
            } else {
                pow2(F, &cj, h);
            }
            fe_mul(F, &cj, &cj, &z[i * m + j]);
            fe_add(F, &sc[i], &sc[i], &cj);
        }
    }
    /* sqrt(n')·2^P · 2^((e+f)/2+Q) < 2^(P+1+(m+f)/2+1+Q) */
    if (rc == 0) rc = mul_trunc(&c, y, sc, P + SQRT_Q + (m + f) / 2 + 3, P + SQRT_Q, out);
    sodium_memzero(buf, (5 * n + (size_t)n * m) * sizeof(Fe));
    free(buf);
    return rc;
}

/* e^x = 2^(x·log2 e), x clamped to [EXP_MIN, EXP_MAX] first (below, e^x
 * is under 2^-47; above, it leaves the 64-bit range; the clamp keeps every
 * masked value within its bound).  y = x·log2 e, i = floor(y),
 * t = y - i in [0, 1); 2^t by its Taylor polynomial of degree 10 (error
 * below 2^-30) with EXP_P fractional bits; 2^(i+48) = Π_j (1 +
 * (2^(2^j) - 1)·bit_j(i+48)) over 7 bits; result =
 * 2^t·2^(i+48)·2^f / 2^(48+EXP_P). */
#define EXP_P 40
#define EXP_DEGREE 10
#define EXP_MIN (-33)
#define EXP_MAX 32

int mpc_fixed_exp(MpcEngine *e, const Fe *x, size_t n, unsigned k, unsigned f, Fe *out)
{
    const Field *F = mpc_field(e);
    Ctx c = { e, F, n };
    if (k != 64 || f > 24 || n == 0) return n == 0 ? 0 : -1;
    Fe *buf = calloc(12 * n + 7 * (size_t)n, sizeof(Fe));
    if (!buf) return -1;
    Fe *y = buf, *ip = buf + n, *t = buf + 2 * n, *p = buf + 3 * n, *pw = buf + 4 * n, *u = buf + 5 * n;
    Fe *cl = buf + 6 * n, *lim = buf + 8 * n, *xc = buf + 10 * n, *bits = buf + 12 * n;
    /* clamp: [x < MIN] and [MAX < x] in one batch, then two selections */
    for (size_t i = 0; i < n; i++) {
        fe_from_i64(F, &lim[i], (int64_t)EXP_MIN * ((int64_t)1 << f));
        fe_from_i64(F, &lim[n + i], (int64_t)EXP_MAX * ((int64_t)1 << f));
        xc[i] = x[i];
        xc[n + i] = lim[n + i];
        cl[n + i] = x[i];
    }
    int rc = mpc_compare(e, MPC_CMP_LT, xc, lim, 2 * n, k, cl); /* x < MIN; MAX < x */
    if (rc == 0) rc = mpc_select(e, cl, lim, x, n, xc);
    if (rc == 0) rc = mpc_select(e, cl + n, lim + n, xc, n, xc);
    /* y = x·log2(e) with EXP_P fractional bits: |y| < 2^(6+EXP_P) */
    Fe l2e;
    fixed_const(F, &l2e, 1.4426950408889634, EXP_P);
    for (size_t i = 0; rc == 0 && i < n; i++) fe_mul(F, &y[i], &xc[i], &l2e);
    if (rc == 0) rc = mpc_trunc_pr(e, y, n, EXP_P + f + 8, f, y);
    if (rc == 0) rc = mpc_trunc_exact(e, y, n, EXP_P + 8, EXP_P, ip);
    Fe two_p, off;
    pow2(F, &two_p, EXP_P);
    fe_from_u64(F, &off, 48);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        fe_mul(F, &t[i], &ip[i], &two_p);
        fe_sub(F, &t[i], &y[i], &t[i]);
        fe_add(F, &u[i], &ip[i], &off);
    }
    /* 2^t = Σ (ln 2)^j t^j / j!, Horner from the top */
    double coef[EXP_DEGREE + 1];
    coef[0] = 1.0;
    for (int j = 1; j <= EXP_DEGREE; j++) coef[j] = coef[j - 1] * 0.6931471805599453 / j;
    for (size_t i = 0; i < n; i++) fixed_const(F, &p[i], coef[EXP_DEGREE], EXP_P);
    for (int j = EXP_DEGREE - 1; rc == 0 && j >= 0; j--) {
        rc = mul_trunc(&c, p, t, 2 * EXP_P + 4, EXP_P, p);
        Fe cj;
        fixed_const(F, &cj, coef[j], EXP_P);
        for (size_t i = 0; rc == 0 && i < n; i++) fe_add(F, &p[i], &p[i], &cj);
    }
    /* 2^(i+48), i + 48 in [0, 128): the product of 7 factors, 3 rounds */
    if (rc == 0) rc = mpc_bit_decompose(e, u, n, 8, 7, bits);
    Fe one;
    fe_one(F, &one);
    for (size_t i = 0; rc == 0 && i < n; i++)
        for (unsigned j = 0; j < 7; j++) {
            Fe g;
            pow2(F, &g, 1u << j);
            fe_sub(F, &g, &g, &one);
            fe_mul(F, &g, &g, &bits[i * 7 + j]);
            fe_add(F, &bits[i * 7 + j], &g, &one);
        }
    for (unsigned len = 7; rc == 0 && len > 1; len = (len + 1) / 2) {
        size_t h = len / 2;
        Fe *xa = calloc(n * h, sizeof(Fe)), *xb = calloc(n * h, sizeof(Fe));
        rc = (xa && xb) ? 0 : -1;
        for (size_t i = 0; rc == 0 && i < n; i++)
            for (size_t j = 0; j < h; j++) {
                xa[i * h + j] = bits[i * 7 + 2 * j];
                xb[i * h + j] = bits[i * 7 + 2 * j + 1];
            }
        if (rc == 0) rc = mpc_round(e, NULL, 0, NULL, xa, xb, n * h, xa);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            for (size_t j = 0; j < h; j++) bits[i * 7 + j] = xa[i * h + j];
            if (len % 2) bits[i * 7 + h] = bits[i * 7 + len - 1];
        }
        if (xa) sodium_memzero(xa, n * h * sizeof(Fe));
        if (xb) sodium_memzero(xb, n * h * sizeof(Fe));
        free(xa);
        free(xb);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) pw[i] = bits[i * 7];
    /* 2^t·2^P·2^f · 2^(i+48) / 2^(48+P), the product below 2^(P+2+f+48+EXP_MAX·1.45) */
    if (rc == 0) {
        Fe two_f;
        pow2(F, &two_f, f);
        scale(&c, p, &two_f);
        rc = mul_trunc(&c, p, pw, EXP_P + f + 48 + 50, 48 + EXP_P, out);
    }
    /* e^32·2^f < 2^63 only for f <= 16: wrap the others (see div) */
    if (rc == 0 && f > 16) rc = mpc_fixed_wrap(e, out, n, f + 51, k, out);
    sodium_memzero(buf, (12 * n + 7 * (size_t)n) * sizeof(Fe));
    free(buf);
    return rc;
}

int mpc_fixed_recip(MpcEngine *e, const Fe *b, size_t n, unsigned k, unsigned f, Fe *out)
{
    Fe *one = calloc(n ? n : 1, sizeof(Fe));
    if (!one) return -1;
    for (size_t i = 0; i < n; i++) fe_from_u64(mpc_field(e), &one[i], (uint64_t)1 << f);
    int rc = mpc_fixed_div(e, one, b, n, k, f, out);
    free(one);
    return rc;
}
