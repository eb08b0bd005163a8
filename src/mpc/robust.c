/* robust.c: robust reconstruction with online error correction (robust.h).
 *
 * Decoder choice: Gao's Reed–Solomon decoder (S. Gao, "A new algorithm for
 * decoding Reed-Solomon codes", 2002) rather than Berlekamp–Welch.  Both
 * correct e errors from m >= d+2e+1 points; Gao needs only polynomial
 * arithmetic and one partial extended Euclid, O(m^2) field operations,
 * where Berlekamp–Welch solves an m×m linear system, O(m^3).  Missing
 * shares (erasures) need no special handling: g0 is the product over the
 * points actually received.  It is also what upstream uses, so behaviour on
 * the same inputs is comparable.
 *
 * The decoder's output is never trusted on its own: the agreement rule of
 * robust.h (>= d+t+1 received shares on a degree-<=d polynomial) decides,
 * for the fast path and the decoder alike. */
#include "mpc/robust.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Parameters and sender set: n >= 3t+1, d+t+1 <= n, parties distinct < n. */
static int valid_params(unsigned n, unsigned t, unsigned d, const unsigned *parties, unsigned m)
{
    uint64_t seen[(SHAMIR_MAX_PARTIES + 63) / 64] = { 0 };
    if (n == 0 || n > SHAMIR_MAX_PARTIES || (uint64_t)n < 3 * (uint64_t)t + 1 || (uint64_t)d + t + 1 > n || m > n)
        return 0;
    for (unsigned j = 0; j < m; j++) {
        unsigned p = parties[j];
        if (p >= n || (seen[p / 64] >> (p % 64) & 1)) return 0;
        seen[p / 64] |= (uint64_t)1 << (p % 64);
    }
    return 1;
}

/* ---- polynomials for the decoder -------------------------------------- */

typedef struct {
    Fe *c;   /* coefficients, constant term first; room for cap of them */
    int deg; /* -1 for the zero polynomial */
} Poly;

static void poly_trim(Poly *p)
{
    while (p->deg >= 0 && fe_is_zero(&p->c[p->deg])) p->deg--;
}

/* a = a mod b, q = a div b; b is not zero. */
static void poly_divmod(const Field *f, Poly *a, const Poly *b, Poly *q)
{
    if (a->deg < b->deg) {
        q->deg = -1;
        return;
    }
    Fe lead_inv, coef, t;
    fe_inv(f, &lead_inv, &b->c[b->deg]);
    q->deg = a->deg - b->deg;
    for (int i = a->deg; i >= b->deg; i--) {
        int s = i - b->deg;
        fe_mul(f, &coef, &a->c[i], &lead_inv);
        q->c[s] = coef;
        for (int j = 0; j <= b->deg; j++) {
            fe_mul(f, &t, &coef, &b->c[j]);
            fe_sub(f, &a->c[s + j], &a->c[s + j], &t);
        }
    }
    a->deg = b->deg - 1;
    poly_trim(a);
}

/* r = a·b (r distinct from both; room for deg a + deg b + 1). */
static void poly_mul(const Field *f, Poly *r, const Poly *a, const Poly *b)
{
    if (a->deg < 0 || b->deg < 0) {
        r->deg = -1;
        return;
    }
    r->deg = a->deg + b->deg;
    for (int i = 0; i <= r->deg; i++) fe_zero(&r->c[i]);
    Fe t;
    for (int i = 0; i <= a->deg; i++)
        for (int j = 0; j <= b->deg; j++) {
            fe_mul(f, &t, &a->c[i], &b->c[j]);
            fe_add(f, &r->c[i + j], &r->c[i + j], &t);
        }
}

/* a = a - b (room in a for max degree). */
static void poly_sub_inplace(const Field *f, Poly *a, const Poly *b)
{
    for (int i = a->deg + 1; i <= b->deg; i++) fe_zero(&a->c[i]);
    if (b->deg > a->deg) a->deg = b->deg;
    for (int i = 0; i <= b->deg; i++) fe_sub(f, &a->c[i], &a->c[i], &b->c[i]);
    poly_trim(a);
}

/* ---- Gao's decoder ------------------------------------------------------ */

/* Scratch for m points: seven polynomials of up to m+1 coefficients. */
#define GAO_POLYS 7

static size_t gao_scratch_elems(unsigned m) { return (size_t)GAO_POLYS * (m + 1); }

/* Tries to decode m points (parties, vals) as a polynomial of degree <= d
 * and applies the agreement rule.  out receives d+1 coefficients. */
static RobustStatus gao_decode(const Field *f, unsigned t, unsigned d, const unsigned *parties, const Fe *vals,
                               unsigned m, Fe *scratch, Fe *out)
{
    unsigned k = d + 1;
    Poly P[GAO_POLYS];
    for (int i = 0; i < GAO_POLYS; i++) P[i] = (Poly){ scratch + (size_t)i * (m + 1), -1 };
    Poly *rp = &P[0], *rc = &P[1], *vp = &P[2], *vc = &P[3], *q = &P[4], *tmp = &P[5];
    Fe *xs = P[6].c;
    RobustStatus st = ROBUST_NEED_MORE;

    for (unsigned j = 0; j < m; j++) shamir_point(f, &xs[j], parties[j]);
    /* g0 = Π (x - x_j) over the received points */
    fe_one(f, &rp->c[0]);
    rp->deg = 0;
    for (unsigned j = 0; j < m; j++) {
        Fe negx, t2;
        fe_neg(f, &negx, &xs[j]);
        rp->c[j + 1] = rp->c[j];
        for (unsigned i = j; i > 0; i--) {
            fe_mul(f, &t2, &rp->c[i], &negx);
            fe_add(f, &rp->c[i], &rp->c[i - 1], &t2);
        }
        fe_mul(f, &rp->c[0], &rp->c[0], &negx);
    }
    rp->deg = (int)m;
    /* g1 = the interpolant of all received points (degree < m) */
    if (shamir_interpolate_coeffs(f, parties, vals, m, rc->c) != 0) {
        sodium_memzero(scratch, gao_scratch_elems(m) * sizeof(Fe));
        return ROBUST_EINVAL;
    }
    rc->deg = (int)m - 1;
    poly_trim(rc);
    fe_one(f, &vc->c[0]);
    vc->deg = 0;
    vp->deg = -1;
    /* partial extended Euclid on (g0, g1): stop once deg r < (m+k)/2,
     * tracking only the g1 cofactor v (r = u·g0 + v·g1) */
    while (rc->deg >= 0 && 2 * (unsigned)rc->deg >= m + k) {
        poly_divmod(f, rp, rc, q); /* rp = rp mod rc */
        poly_mul(f, tmp, q, vc);
        poly_sub_inplace(f, vp, tmp); /* vp = vp - q·vc */
        Poly s = *rp;
        *rp = *rc;
        *rc = s;
        s = *vp;
        *vp = *vc;
        *vc = s;
    }
    /* f = r / v if v divides r and deg f < k */
    poly_divmod(f, rc, vc, q);
    if (rc->deg < 0 && q->deg < (int)k) {
        for (unsigned i = 0; i < k; i++) {
            if ((int)i <= q->deg)
                out[i] = q->c[i];
            else
                fe_zero(&out[i]);
        }
        unsigned agree = 0;
        for (unsigned j = 0; j < m; j++) {
            Fe y;
            shamir_poly_eval(f, &y, out, k, &xs[j]);
            agree += (unsigned)fe_equal(&y, &vals[j]);
        }
        if (agree >= d + t + 1) st = ROBUST_OK;
    }
    sodium_memzero(scratch, gao_scratch_elems(m) * sizeof(Fe));
    return st;
}

/* ---- one codeword ------------------------------------------------------- */

RobustStatus robust_decode(const Field *f, unsigned n, unsigned t, unsigned d, const unsigned *parties,
                           const Fe *shares, unsigned m, Fe *secret, Fe *coeffs)
{
    if (!valid_params(n, t, d, parties, m)) return ROBUST_EINVAL;
    unsigned need = d + t + 1, k = d + 1;
    if (m < need) return ROBUST_NEED_MORE;
    Fe c[SHAMIR_MAX_PARTIES];
    if (shamir_interpolate_coeffs(f, parties, shares, k, c) != 0) return ROBUST_EINVAL;
    /* optimistic: the first d+1 shares' polynomial, checked on the others
     * until enough agree or too few are left to get there */
    unsigned agree = k;
    for (unsigned j = k; j < m && agree < need && agree + (m - j) >= need; j++) {
        Fe x, y;
        shamir_point(f, &x, parties[j]);
        shamir_poly_eval(f, &y, c, k, &x);
        agree += (unsigned)fe_equal(&y, &shares[j]);
    }
    RobustStatus st = ROBUST_OK;
    if (agree < need) {
        Fe *scratch = malloc(gao_scratch_elems(m) * sizeof(Fe));
        if (!scratch) return ROBUST_ENOMEM;
        st = gao_decode(f, t, d, parties, shares, m, scratch, c);
        free(scratch);
    }
    if (st == ROBUST_OK) {
        *secret = c[0];
        if (coeffs) memcpy(coeffs, c, k * sizeof *c);
    }
    return st;
}

/* ---- batches ------------------------------------------------------------ */

struct RobustBatch {
    const Field *f;
    unsigned n, t, d, m;
    unsigned parties[SHAMIR_MAX_PARTIES];
    Fe *lam0;                  /* d+1 weights at 0 of the first d+1 senders */
    Fe *w;                     /* (m-d-1)×(d+1): weights at each further sender */
    Fe *basis;                 /* (d+1)×(d+1): Lagrange basis coefficients */
    Fe *gather;                /* m: one codeword for the decoder */
    Fe *cand;                  /* d+1: decoder output */
    Fe *scratch;               /* decoder working space */
    signed char *lam0_s, *w_s; /* the same weights as small integers, 0 = not small */
    /* d = t = 1 with small weights (pair_setup): the secret and the third
     * sender's share are share base + coef·(x1 - x0) */
    bool pair;
    signed char sec_base, sec_coef, chk_base, chk_coef;
    size_t elems; /* total Fe allocated */
    Fe mem[];
};

/* Lagrange weights between consecutive integer points are integers, often
 * tiny (n = 4, t = 1: 2, -1 and -1, 2): a weight in [-SMALL_W, SMALL_W] is
 * applied with at most two additions instead of a multiplication.  The
 * weights depend only on the public sender set, so branching on them
 * leaks nothing about the shares. */
#define SMALL_W 4

static signed char small_weight(const Field *f, const Fe *w)
{
    uint64_t l[4];
    Fe neg;
    fe_to_limbs(f, l, w);
    if (!(l[1] | l[2] | l[3]) && l[0] <= SMALL_W) return (signed char)l[0];
    fe_neg(f, &neg, w);
    fe_to_limbs(f, l, &neg);
    if (!(l[1] | l[2] | l[3]) && l[0] <= SMALL_W) return (signed char)-(int)l[0];
    return 0;
}

/* sum_i w[i]·rows[i][c] over k senders, small weights by additions. */
static void weighted_sum(const Field *f, Fe *out, const Fe *w, const signed char *ws, const Fe *const *rows, size_t c,
                         unsigned k)
{
    Fe acc, t;
    fe_zero(&acc);
    for (unsigned i = 0; i < k; i++) {
        const Fe *x = &rows[i][c];
        int s = ws[i], a = s < 0 ? -s : s;
        if (a == 0) {
            fe_mul(f, &t, &w[i], x);
            fe_add(f, &acc, &acc, &t);
            continue;
        }
        if (a == 1)
            t = *x;
        else {
            fe_add(f, &t, x, x);
            if (a == 3)
                fe_add(f, &t, &t, x);
            else if (a == 4)
                fe_add(f, &t, &t, &t);
        }
        if (s < 0)
            fe_sub(f, &acc, &acc, &t);
        else
            fe_add(f, &acc, &acc, &t);
    }
    *out = acc;
}

/* Two senders' weights (w0, w1) at a point sum to 1 (a constant stays
 * constant), so the value there is x0 + w1·(x1 - x0) = x1 + (w1 - 1)·(x1 - x0):
 * with the smaller factor, one or two additions per value.  False when the
 * factor is not small (no shortcut then). */
static bool pair_form(const signed char ws[2], signed char *base, signed char *coef)
{
    int l = ws[1];
    if (!ws[0] || !l) return false;
    int from1 = l - 1;
    bool use1 = (from1 < 0 ? -from1 : from1) < (l < 0 ? -l : l);
    *base = (signed char)use1;
    *coef = (signed char)(use1 ? from1 : l);
    return *coef != 0 && *coef >= -SMALL_W && *coef <= SMALL_W;
}

/* The pair path (block_pair) for d = t = 1 (the degree-t openings of
 * every multiplication at t = 1) when the secret's and the check's weights
 * are small: consecutive senders, as at n = 4. */
static void pair_setup(RobustBatch *b)
{
    b->pair = b->d == 1 && b->t == 1 && b->m >= 3 && pair_form(b->lam0_s, &b->sec_base, &b->sec_coef) &&
              pair_form(b->w_s, &b->chk_base, &b->chk_coef);
}

RobustStatus robust_batch_new(RobustBatch **out, const Field *f, unsigned n, unsigned t, unsigned d,
                              const unsigned *parties, unsigned m)
{
    *out = NULL;
    if (!valid_params(n, t, d, parties, m)) return ROBUST_EINVAL;
    unsigned k = d + 1;
    size_t extra = m > k ? m - k : 0;
    size_t elems = k + extra * k + (size_t)k * k + m + k + gao_scratch_elems(m);
    size_t small = k + extra * k;
    RobustBatch *b = malloc(sizeof *b + elems * sizeof(Fe) + small);
    if (!b) return ROBUST_ENOMEM;
    b->f = f;
    b->n = n;
    b->t = t;
    b->d = d;
    b->m = m;
    b->elems = elems;
    memcpy(b->parties, parties, m * sizeof *parties);
    b->lam0 = b->mem;
    b->w = b->lam0 + k;
    b->basis = b->w + extra * k;
    b->gather = b->basis + (size_t)k * k;
    b->cand = b->gather + m;
    b->scratch = b->cand + k;
    b->lam0_s = (signed char *)(b->mem + elems);
    b->w_s = b->lam0_s + k;
    memset(b->lam0_s, 0, small);
    b->pair = false;
    if (m >= k) {
        int bad =
            shamir_lagrange_at_zero(f, parties, k, b->lam0) != 0 || shamir_lagrange_basis(f, parties, k, b->basis) != 0;
        /* the weights of every extra point share their denominators:
         * O(k^2 + extra·k), not extra·O(k^2) with k inversions each */
        uint64_t zs[SHAMIR_MAX_PARTIES];
        for (size_t e = 0; e < extra; e++) zs[e] = (uint64_t)parties[k + e] + 1;
        if (!bad && extra) bad = shamir_lagrange_weights_small(f, parties, k, zs, (unsigned)extra, b->w) != 0;
        if (bad) {
            free(b);
            return ROBUST_EINVAL;
        }
        for (size_t i = 0; i < small; i++) b->lam0_s[i] = small_weight(f, &b->lam0[i]); /* lam0 and w are adjacent */
        pair_setup(b);
    }
    *out = b;
    return ROBUST_OK;
}

void robust_batch_free(RobustBatch *b)
{
    if (!b) return;
    sodium_memzero(b->mem, b->elems * sizeof(Fe));
    free(b);
}

/* Secret (and coefficients) of codeword c, all of whose shares are known
 * to lie on one polynomial of degree d. */
static void decode_agreed(RobustBatch *b, const Fe *const *rows, size_t c, Fe *secret, Fe *co)
{
    const Field *f = b->f;
    unsigned k = b->d + 1;
    weighted_sum(f, secret, b->lam0, b->lam0_s, rows, c, k);
    if (co) {
        Fe t;
        for (unsigned i = 0; i < k; i++) fe_zero(&co[i]);
        for (unsigned j = 0; j < k; j++)
            for (unsigned i = 0; i < k; i++) {
                fe_mul(f, &t, &b->basis[(size_t)j * k + i], &rows[j][c]);
                fe_add(f, &co[i], &co[i], &t);
            }
    }
}

/* Values per block of the combined check: the check's error probability
 * is at most BLOCK/p. */
#define BLOCK 256

/* Checking each codeword's further shares costs t·(d+1) multiplications
 * per value, quadratic in n.  For large n one check covers a block: with a
 * fresh random r, the combination R_j = sum_c r^c·x_j[c] of every sender's
 * shares is itself a codeword of degree d if every codeword is, and if
 * some codeword has a share off its polynomial, R has one too except with
 * probability at most BLOCK/p (a nonzero polynomial of degree < BLOCK in r
 * vanishes at r).  That costs m multiplications per value.  Returns 1 when
 * all m combined shares agree (every codeword of the block then decodes
 * with every share), 0 otherwise (the caller decodes value by value). */
static int block_agrees(RobustBatch *b, const Fe *const *rows, size_t c0, size_t len)
{
    const Field *f = b->f;
    unsigned k = b->d + 1, m = b->m;
    Fe r, R[SHAMIR_MAX_PARTIES], y;
    const Fe *rr[SHAMIR_MAX_PARTIES];
    fe_random(f, &r);
    /* Horner in r, senders innermost: m independent chains side by side */
    for (unsigned j = 0; j < m; j++) {
        R[j] = rows[j][c0 + len - 1];
        rr[j] = &R[j];
    }
    Fe col[SHAMIR_MAX_PARTIES];
    for (size_t c = c0 + len - 1; c-- > c0;) {
        for (unsigned j = 0; j < m; j++) col[j] = rows[j][c];
        fe_muladd_scalar_batch(f, R, R, &r, col, m); /* R = R·r + column c */
    }
    sodium_memzero(col, m * sizeof *col);
    int ok = 1;
    for (unsigned j = k; j < m; j++) {
        weighted_sum(f, &y, b->w + (size_t)(j - k) * k, b->w_s + (size_t)(j - k) * k, rr, 0, k);
        ok &= fe_equal(&y, &R[j]);
    }
    sodium_memzero(R, m * sizeof *R);
    sodium_memzero(&y, sizeof y);
    return ok;
}

/* out[c] = sum_i w[i]·rows[i][c0+c] for c < len, one sender at a time
 * over the block (the weight's case is chosen once per sender, not per
 * value; the block stays in L1).  The first sender's term initialises out,
 * so no zero is added. */
static void block_weighted(const Field *f, Fe *out, const Fe *w, const signed char *ws, const Fe *const *rows,
                           size_t c0, size_t len, unsigned k)
{
    static const Fe zero;
    for (unsigned i = 0; i < k; i++) {
        const Fe *x = rows[i] + c0;
        int s = ws[i], a = s < 0 ? -s : s;
        if (a == 0) {
            if (i == 0)
                fe_mul_scalar_batch(f, out, x, &w[i], len);
            else
                fe_muladd_scalar_batch(f, out, x, &w[i], out, len);
            continue;
        }
        for (size_t c = 0; c < len; c++) {
            Fe t;
            if (a == 1)
                t = x[c];
            else {
                fe_add(f, &t, &x[c], &x[c]);
                if (a == 3)
                    fe_add(f, &t, &t, &x[c]);
                else if (a == 4)
                    fe_add(f, &t, &t, &t);
            }
            const Fe *acc = i == 0 ? &zero : &out[c];
            if (s < 0)
                fe_sub(f, &out[c], acc, &t);
            else if (i == 0)
                out[c] = t;
            else
                fe_add(f, &out[c], acc, &t);
        }
    }
}

/* The per-value agreement test of a whole block at once: the first k
 * senders' polynomial evaluated at senders k..need-1 over the block and
 * compared with their shares.  Every value is reduced below p (received
 * shares are checked, field operations reduce), so equal values have equal
 * limbs and one memcmp compares the block; the shares are being opened,
 * so comparing them in variable time is fine (robust.h).  Returns 1 when
 * all agree (every value of the block then has d+t+1 agreeing shares). */
static int block_checks(RobustBatch *b, const Fe *const *rows, size_t c0, size_t len)
{
    unsigned k = b->d + 1, need = b->d + b->t + 1;
    Fe acc[BLOCK];
    for (unsigned j = k; j < need; j++) {
        size_t o = (size_t)(j - k) * k;
        block_weighted(b->f, acc, b->w + o, b->w_s + o, rows, c0, len, k);
        if (memcmp(acc, rows[j] + c0, len * sizeof *acc) != 0) return 0;
    }
    return 1;
}

/* out = base + coef·dlt for a small nonzero coef, by additions. */
static inline void add_small(const Field *f, Fe *out, const Fe *base, const Fe *dlt, int coef)
{
    int a = coef < 0 ? -coef : coef;
    Fe t = *dlt;
    if (a >= 2) fe_add(f, &t, dlt, dlt);
    if (a == 3) fe_add(f, &t, &t, dlt);
    if (a == 4) fe_add(f, &t, &t, &t);
    if (coef < 0)
        fe_sub(f, out, base, &t);
    else
        fe_add(f, out, base, &t);
}

/* block_checks and the secrets' block_weighted in one pass for d = t = 1
 * (b->pair): a value is a line through the first two shares, so one
 * difference per value serves the third share's check and the secret:
 * three additions per value at n = 4 instead of six, and no block of sums
 * written and compared again.  Returns 1 with secrets[0..len-1] written
 * when every share agrees; 0 otherwise (some secrets may be written; the
 * caller decodes the block value by value).  The shares are being opened:
 * comparing them in variable time is fine (robust.h). */
static int block_pair(RobustBatch *b, const Fe *const *rows, size_t c0, size_t len, Fe *secrets)
{
    const Field *f = b->f;
    const Fe *x[2] = { rows[0] + c0, rows[1] + c0 }, *y = rows[2] + c0;
    /* the factors in locals: secrets (Fe) may alias b's signed chars, so
     * read through b they would be loaded again for every value */
    const Fe *sec_base = x[b->sec_base], *chk_base = x[b->chk_base];
    int sec_coef = b->sec_coef, chk_coef = b->chk_coef;
    uint64_t diff = 0;
    for (size_t c = 0; c < len; c++) {
        Fe dlt, v;
        fe_sub(f, &dlt, &x[1][c], &x[0][c]);
        add_small(f, &v, &chk_base[c], &dlt, chk_coef);
        diff |= (v.v[0] ^ y[c].v[0]) | (v.v[1] ^ y[c].v[1]) | (v.v[2] ^ y[c].v[2]) | (v.v[3] ^ y[c].v[3]);
        add_small(f, &secrets[c], &sec_base[c], &dlt, sec_coef);
    }
    return diff == 0;
}

/* Codeword c one at a time: the agreement test with early exit, then
 * Gao's decoder if it fails. */
static RobustStatus decode_one(RobustBatch *b, const Fe *const *rows, size_t c, Fe *secret, Fe *co)
{
    const Field *f = b->f;
    unsigned k = b->d + 1, m = b->m, need = b->d + b->t + 1;
    /* optimistic: evaluate the first k senders' polynomial at the others
     * with the precomputed weights */
    unsigned agree = k;
    for (unsigned j = k; j < m && agree < need && agree + (m - j) >= need; j++) {
        Fe acc;
        weighted_sum(f, &acc, b->w + (size_t)(j - k) * k, b->w_s + (size_t)(j - k) * k, rows, c, k);
        agree += (unsigned)fe_equal(&acc, &rows[j][c]);
    }
    if (agree >= need) {
        decode_agreed(b, rows, c, secret, co);
        return ROBUST_OK;
    }
    /* with m = need every share must agree, and if they all did the first
     * k senders' polynomial would have: the decoder cannot succeed (a
     * failing degree-2t opening at n = 3t+1 ran it on every value for
     * nothing) */
    if (m <= need) return ROBUST_NEED_MORE;
    for (unsigned j = 0; j < m; j++) b->gather[j] = rows[j][c];
    RobustStatus st = gao_decode(f, b->t, b->d, b->parties, b->gather, m, b->scratch, b->cand);
    if (st == ROBUST_OK) {
        *secret = b->cand[0];
        if (co) memcpy(co, b->cand, k * sizeof *co);
    }
    return st;
}

RobustStatus robust_batch_decode(RobustBatch *b, const Fe *const *rows, size_t count, Fe *secrets, Fe *coeffs,
                                 signed char *status)
{
    unsigned k = b->d + 1, m = b->m, need = b->d + b->t + 1;
    RobustStatus all = ROBUST_OK;
    /* the random-combination check pays off when the per-value checks
     * cost more than m multiplications per value */
    int use_block = m >= need && (size_t)b->t * k > m && count > 1;
    for (size_t c0 = 0; c0 < count; c0 += BLOCK) {
        size_t len = count - c0 < BLOCK ? count - c0 : BLOCK;
        bool pair = b->pair && !coeffs && !use_block;
        if (pair && block_pair(b, rows, c0, len, secrets + c0)) {
            if (status) memset(status + c0, ROBUST_OK, len);
            continue;
        }
        int agreed =
            !pair && m >= need && (use_block ? block_agrees(b, rows, c0, len) : block_checks(b, rows, c0, len));
        if (agreed) {
            /* every value has d+t+1 agreeing shares: the secrets in one pass */
            block_weighted(b->f, secrets + c0, b->lam0, b->lam0_s, rows, c0, len, k);
            for (size_t c = c0; coeffs && c < c0 + len; c++) decode_agreed(b, rows, c, &secrets[c], coeffs + c * k);
            if (status) memset(status + c0, ROBUST_OK, len);
            continue;
        }
        for (size_t c = c0; c < c0 + len; c++) {
            RobustStatus st =
                m >= need ? decode_one(b, rows, c, &secrets[c], coeffs ? coeffs + c * k : NULL) : ROBUST_NEED_MORE;
            if (status) status[c] = (signed char)st;
            if (st != ROBUST_OK && all == ROBUST_OK) all = st;
        }
    }
    return all;
}
