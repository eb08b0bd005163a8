/* shamir.c: Shamir sharing, Lagrange weights and interpolation (shamir.h). */
#include "mpc/shamir.h"

#include <sodium.h>
#include <string.h>

void shamir_point(const Field *f, Fe *x, unsigned party) { fe_from_u64(f, x, (uint64_t)party + 1); }

/* k points with distinct in-range party indices; fills xs.  Party indices
 * are public, so the checks branch freely. */
static int load_points(const Field *f, const unsigned *parties, unsigned k, Fe *xs)
{
    uint64_t seen[(SHAMIR_MAX_PARTIES + 63) / 64] = { 0 };
    if (k == 0 || k > SHAMIR_MAX_PARTIES) return -1;
    for (unsigned j = 0; j < k; j++) {
        unsigned p = parties[j];
        if (p >= SHAMIR_MAX_PARTIES || (seen[p / 64] >> (p % 64) & 1)) return -1;
        seen[p / 64] |= (uint64_t)1 << (p % 64);
        shamir_point(f, &xs[j], p);
    }
    return 0;
}

int shamir_share(const Field *f, const Fe *secret, unsigned degree, unsigned n, Fe *shares, Fe *coeffs)
{
    Fe c[SHAMIR_MAX_PARTIES];
    if (n == 0 || n > SHAMIR_MAX_PARTIES || degree >= SHAMIR_MAX_PARTIES) return -1;
    c[0] = *secret;
    for (unsigned j = 1; j <= degree; j++) fe_random(f, &c[j]);
    for (unsigned i = 0; i < n; i++) {
        Fe x;
        shamir_point(f, &x, i);
        shamir_poly_eval(f, &shares[i], c, degree + 1, &x);
    }
    if (coeffs) memcpy(coeffs, c, (degree + 1) * sizeof *c);
    sodium_memzero(c, (degree + 1) * sizeof *c);
    return 0;
}

void shamir_share_public(const Fe *value, unsigned n, Fe *shares)
{
    for (unsigned i = 0; i < n; i++) shares[i] = *value;
}

void shamir_poly_eval(const Field *f, Fe *out, const Fe *coeffs, unsigned ncoeffs, const Fe *x)
{
    if (ncoeffs == 0) {
        fe_zero(out);
        return;
    }
    Fe acc = coeffs[ncoeffs - 1], xv = *x;
    for (unsigned j = ncoeffs - 1; j-- > 0;) {
        fe_mul(f, &acc, &acc, &xv);
        fe_add(f, &acc, &acc, &coeffs[j]);
    }
    *out = acc;
}

void shamir_combine(const Field *f, Fe *out, const Fe *w, const Fe *vals, unsigned k)
{
    Fe acc, t;
    fe_zero(&acc);
    for (unsigned j = 0; j < k; j++) {
        fe_mul(f, &t, &w[j], &vals[j]);
        fe_add(f, &acc, &acc, &t);
    }
    *out = acc;
}

/* Lagrange data only involves the public points x = party+1 <= 255, so
 * numerators and denominators are products of small integers.  They are
 * multiplied in 64-bit chunks and each chunk enters the field with one
 * multiplication, or one fe_inv_u64_vartime for a denominator: no Fermat
 * inversion (6 µs) anywhere on the Lagrange path. */
typedef struct {
    Fe acc;
    uint64_t chunk; /* pending product of magnitudes */
    int neg;        /* sign of the product so far */
    int invert;     /* accumulate the inverse of the product */
    int bad;        /* a chunk was 0 mod p */
} SmallProd;

static void sp_init(const Field *f, SmallProd *s, int invert)
{
    fe_one(f, &s->acc);
    s->chunk = 1;
    s->neg = 0;
    s->invert = invert;
    s->bad = 0;
}

static void sp_flush(const Field *f, SmallProd *s)
{
    if (s->chunk == 1) return;
    Fe e;
    if (s->invert)
        s->bad |= fe_inv_u64_vartime(f, &e, s->chunk) != 0;
    else
        fe_from_u64(f, &e, s->chunk);
    fe_mul(f, &s->acc, &s->acc, &e);
    s->chunk = 1;
}

/* |v| < 2^32, v != 0 */
static void sp_mul(const Field *f, SmallProd *s, int64_t v)
{
    uint64_t a = v < 0 ? (uint64_t)-v : (uint64_t)v;
    if (s->chunk > UINT64_MAX / a) sp_flush(f, s);
    s->chunk *= a;
    s->neg ^= v < 0;
}

/* Returns -1 if the product is 0 mod p (only in fields smaller than the
 * evaluation points). */
static int sp_finish(const Field *f, SmallProd *s, Fe *out)
{
    sp_flush(f, s);
    if (s->neg) fe_neg(f, &s->acc, &s->acc);
    *out = s->acc;
    return s->bad || fe_is_zero(out) ? -1 : 0;
}

/* inv[j] = 1 / Π_{i≠j} (x_j - x_i), the inverse Lagrange denominators. */
static int inverse_denominators(const Field *f, const unsigned *parties, unsigned k, Fe *inv)
{
    for (unsigned j = 0; j < k; j++) {
        SmallProd sp;
        sp_init(f, &sp, 1);
        for (unsigned i = 0; i < k; i++)
            if (i != j) sp_mul(f, &sp, (int64_t)parties[j] - (int64_t)parties[i]);
        if (sp_finish(f, &sp, &inv[j]) != 0) return -1;
    }
    return 0;
}

/* z as a small non-negative integer, if it is one (z is public). */
static int small_integer(const Field *f, const Fe *z, uint64_t *out)
{
    uint64_t l[4];
    fe_to_limbs(f, l, z);
    if (l[1] | l[2] | l[3] || l[0] > 0xffffffffu) return 0;
    *out = l[0];
    return 1;
}

int shamir_lagrange_weights(const Field *f, const unsigned *parties, unsigned k, const Fe *z, Fe *w)
{
    Fe xs[SHAMIR_MAX_PARTIES], den[SHAMIR_MAX_PARTIES], num;
    uint64_t zi;
    if (load_points(f, parties, k, xs) != 0 || inverse_denominators(f, parties, k, den) != 0) return -1;
    /* z on a point: the weight vector is that point's unit vector */
    for (unsigned j = 0; j < k; j++) {
        if (fe_equal(z, &xs[j])) {
            for (unsigned i = 0; i < k; i++) fe_zero(&w[i]);
            fe_one(f, &w[j]);
            return 0;
        }
    }
    if (small_integer(f, z, &zi)) {
        /* w_j = Π_{i≠j} (z - x_i) · den_j, all small integers */
        for (unsigned j = 0; j < k; j++) {
            SmallProd sp;
            sp_init(f, &sp, 0);
            for (unsigned i = 0; i < k; i++)
                if (i != j) sp_mul(f, &sp, (int64_t)zi - ((int64_t)parties[i] + 1));
            if (sp_finish(f, &sp, &num) != 0) return -1;
            fe_mul(f, &w[j], &num, &den[j]);
        }
        return 0;
    }
    /* general z: w_j = Π_i (z - x_i) / (z - x_j) · den_j, one inversion */
    Fe zd[SHAMIR_MAX_PARTIES];
    fe_one(f, &num);
    for (unsigned j = 0; j < k; j++) {
        fe_sub(f, &zd[j], z, &xs[j]);
        fe_mul(f, &num, &num, &zd[j]);
    }
    if (fe_batch_inv(f, w, zd, k) != 0) return -1;
    for (unsigned j = 0; j < k; j++) {
        fe_mul(f, &w[j], &w[j], &den[j]);
        fe_mul(f, &w[j], &w[j], &num);
    }
    return 0;
}

int shamir_lagrange_weights_small(const Field *f, const unsigned *parties, unsigned k, const uint64_t *zs, unsigned nz,
                                  Fe *w)
{
    Fe xs[SHAMIR_MAX_PARTIES], den[SHAMIR_MAX_PARTIES], d[SHAMIR_MAX_PARTIES], suf[SHAMIR_MAX_PARTIES + 1];
    if (load_points(f, parties, k, xs) != 0 || inverse_denominators(f, parties, k, den) != 0) return -1;
    for (unsigned m = 0; m < nz; m++) {
        Fe *wm = w + (size_t)m * k;
        int64_t z = (int64_t)zs[m];
        unsigned hit = k;
        if (zs[m] > 0xffffffffu) return -1;
        for (unsigned j = 0; j < k; j++) {
            int64_t v = z - ((int64_t)parties[j] + 1);
            if (v == 0) hit = j;
            fe_from_u64(f, &d[j], (uint64_t)(v < 0 ? -v : v));
            if (v < 0) fe_neg(f, &d[j], &d[j]);
        }
        if (hit < k) { /* z on a point: that point's unit vector */
            for (unsigned j = 0; j < k; j++) fe_zero(&wm[j]);
            fe_one(f, &wm[hit]);
            continue;
        }
        /* w_j = Π_{i≠j} (z - x_i) · den_j from prefix and suffix products */
        fe_one(f, &suf[k]);
        for (unsigned j = k; j-- > 0;) fe_mul(f, &suf[j], &suf[j + 1], &d[j]);
        Fe pre;
        fe_one(f, &pre);
        for (unsigned j = 0; j < k; j++) {
            fe_mul(f, &wm[j], &pre, &suf[j + 1]);
            fe_mul(f, &wm[j], &wm[j], &den[j]);
            fe_mul(f, &pre, &pre, &d[j]);
        }
    }
    return 0;
}

int shamir_lagrange_at_zero(const Field *f, const unsigned *parties, unsigned k, Fe *w)
{
    Fe z;
    fe_zero(&z);
    return shamir_lagrange_weights(f, parties, k, &z, w);
}

int shamir_interpolate_at_zero(const Field *f, const unsigned *parties, const Fe *shares, unsigned k, Fe *secret)
{
    Fe w[SHAMIR_MAX_PARTIES];
    if (shamir_lagrange_at_zero(f, parties, k, w) != 0) return -1;
    shamir_combine(f, secret, w, shares, k);
    return 0;
}

/* Shared by interpolation and the basis: with P = Π (x - x_i) and
 * Q_j = P / (x - x_j), L_j = Q_j / d_j.  If vals is NULL, row j of out
 * (k*k) receives L_j; otherwise out (k) receives Σ vals[j]·L_j. */
static int interpolate_core(const Field *f, const unsigned *parties, const Fe *vals, unsigned k, Fe *out)
{
    Fe xs[SHAMIR_MAX_PARTIES], inv[SHAMIR_MAX_PARTIES], P[SHAMIR_MAX_PARTIES + 1], Q[SHAMIR_MAX_PARTIES];
    if (load_points(f, parties, k, xs) != 0 || inverse_denominators(f, parties, k, inv) != 0) return -1;
    /* P built one linear factor at a time, constant term first */
    fe_one(f, &P[0]);
    for (unsigned j = 0; j < k; j++) {
        Fe negx, t;
        fe_neg(f, &negx, &xs[j]);
        P[j + 1] = P[j];
        for (unsigned i = j; i > 0; i--) {
            fe_mul(f, &t, &P[i], &negx);
            fe_add(f, &P[i], &P[i - 1], &t);
        }
        fe_mul(f, &P[0], &P[0], &negx);
    }
    if (vals)
        for (unsigned i = 0; i < k; i++) fe_zero(&out[i]);
    for (unsigned j = 0; j < k; j++) {
        /* synthetic division by (x - x_j) */
        Q[k - 1] = P[k];
        for (unsigned i = k - 1; i > 0; i--) {
            fe_mul(f, &Q[i - 1], &Q[i], &xs[j]);
            fe_add(f, &Q[i - 1], &Q[i - 1], &P[i]);
        }
        Fe c, t;
        if (vals) {
            fe_mul(f, &c, &vals[j], &inv[j]);
            for (unsigned i = 0; i < k; i++) {
                fe_mul(f, &t, &Q[i], &c);
                fe_add(f, &out[i], &out[i], &t);
            }
        } else {
            for (unsigned i = 0; i < k; i++) fe_mul(f, &out[(size_t)j * k + i], &Q[i], &inv[j]);
        }
    }
    return 0;
}

int shamir_interpolate_coeffs(const Field *f, const unsigned *parties, const Fe *vals, unsigned k, Fe *coeffs)
{
    return vals ? interpolate_core(f, parties, vals, k, coeffs) : -1;
}

int shamir_lagrange_basis(const Field *f, const unsigned *parties, unsigned k, Fe *basis)
{
    return interpolate_core(f, parties, NULL, k, basis);
}
