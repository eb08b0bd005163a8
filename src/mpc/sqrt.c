/* sqrt.c: square roots by Tonelli–Shanks with a table discrete logarithm
 * (sqrt.h). */
#include "mpc/sqrt.h"

#include <stdlib.h>
#include <string.h>

/* 256-bit helpers on canonical little-endian limbs (public values). */
static void u256_shr(uint64_t r[4], const uint64_t a[4], unsigned k)
{
    uint64_t t[4] = { a[0], a[1], a[2], a[3] };
    while (k >= 64) {
        t[0] = t[1];
        t[1] = t[2];
        t[2] = t[3];
        t[3] = 0;
        k -= 64;
    }
    if (k) {
        for (int i = 0; i < 3; i++) t[i] = (t[i] >> k) | (t[i + 1] << (64 - k));
        t[3] >>= k;
    }
    memcpy(r, t, sizeof t);
}

/* a <= b */
static int u256_le(const uint64_t a[4], const uint64_t b[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != b[i]) return a[i] < b[i];
    return 1;
}

static void sqr_n(const Field *f, Fe *x, unsigned n)
{
    for (unsigned i = 0; i < n; i++) fe_sqr(f, x, x);
}

void fe_sqrt_free(FeSqrt *ctx)
{
    free(ctx->neg);
    free(ctx->lut);
    free(ctx->lut_j);
    ctx->neg = ctx->lut = NULL;
    ctx->lut_j = NULL;
}

int fe_sqrt_init(FeSqrt *ctx, const Field *f)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->f = f;
    /* p is odd, so p - 1 only clears bit 0 */
    uint64_t pm1[4] = { f->p[0] - 1, f->p[1], f->p[2], f->p[3] };
    unsigned s = 0;
    while (s < 255 && !((pm1[s / 64] >> (s % 64)) & 1)) s++;
    ctx->s = s;
    uint64_t q[4];
    u256_shr(q, pm1, s);
    u256_shr(ctx->q_half, q, 1);
    u256_shr(ctx->p_half, pm1, 1);
    /* the least small non-residue: z^((p-1)/2) = -1 */
    Fe one, minus_one, z, e;
    fe_one(f, &one);
    fe_neg(f, &minus_one, &one);
    int found = 0;
    for (uint64_t cand = 2; cand < 1000 && !found; cand++) {
        fe_from_u64(f, &z, cand);
        fe_pow(f, &e, &z, ctx->p_half);
        found = fe_equal(&e, &minus_one);
    }
    if (!found) return -1;
    fe_pow(f, &ctx->c, &z, q);
    ctx->w = s < 8 ? s : 8;
    ctx->nwin = (s + ctx->w - 1) / ctx->w;
    size_t tw = (size_t)1 << ctx->w;
    ctx->neg = malloc(ctx->nwin * tw * sizeof *ctx->neg);
    ctx->lut = malloc(tw * sizeof *ctx->lut);
    ctx->lut_j = malloc(tw * sizeof *ctx->lut_j);
    if (!ctx->neg || !ctx->lut || !ctx->lut_j) {
        fe_sqrt_free(ctx);
        return -1;
    }
    /* neg[k][j] = (c^-1)^(j·2^(w·k)) */
    Fe base;
    fe_inv(f, &base, &ctx->c);
    for (unsigned k = 0; k < ctx->nwin; k++) {
        Fe *row = ctx->neg + k * tw;
        fe_one(f, &row[0]);
        for (size_t j = 1; j < tw; j++) fe_mul(f, &row[j], &row[j - 1], &base);
        sqr_n(f, &base, ctx->w);
    }
    /* lut: g^j for g = c^(2^(s-w)), of order 2^w, sorted by limb 0 */
    Fe g = ctx->c, acc;
    sqr_n(f, &g, s - ctx->w);
    fe_one(f, &acc);
    for (size_t j = 0; j < tw; j++) {
        size_t i = j;
        while (i > 0 && ctx->lut[i - 1].v[0] > acc.v[0]) {
            ctx->lut[i] = ctx->lut[i - 1];
            ctx->lut_j[i] = ctx->lut_j[i - 1];
            i--;
        }
        ctx->lut[i] = acc;
        ctx->lut_j[i] = (uint16_t)j;
        fe_mul(f, &acc, &acc, &g);
    }
    return 0;
}

/* j with g^j == x, or -1 if x is not a power of g. */
static int lut_find(const FeSqrt *ctx, const Fe *x)
{
    size_t lo = 0, hi = (size_t)1 << ctx->w;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ctx->lut[mid].v[0] < x->v[0])
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < ((size_t)1 << ctx->w) && ctx->lut[lo].v[0] == x->v[0]; lo++)
        if (fe_equal(&ctx->lut[lo], x)) return ctx->lut_j[lo];
    return -1;
}

/* x = Π_k neg[k][digit_k(d)] = c^(-d) for d < 2^s. */
static void c_pow_neg(const FeSqrt *ctx, Fe *x, uint64_t d)
{
    size_t tw = (size_t)1 << ctx->w;
    fe_one(ctx->f, x);
    for (unsigned k = 0; k < ctx->nwin && d; k++, d >>= ctx->w)
        if (d & (tw - 1)) fe_mul(ctx->f, x, x, &ctx->neg[k * tw + (d & (tw - 1))]);
}

int fe_sqrt(const FeSqrt *ctx, Fe *r, const Fe *a)
{
    const Field *f = ctx->f;
    if (fe_is_zero(a)) {
        fe_zero(r);
        return 0;
    }
    /* x = a^((q-1)/2): candidate a·x = a^((q+1)/2), b = a·x² = a^q = c^e */
    Fe x, root, b, t;
    fe_pow(f, &x, a, ctx->q_half);
    fe_mul(f, &root, a, &x);
    fe_mul(f, &b, &root, &x);
    if (ctx->s > 64) {
        /* exponents this large need more than 64 bits: plain
         * Tonelli–Shanks (no built-in field comes near) */
        Fe one, c = ctx->c, g;
        fe_one(f, &one);
        unsigned m = ctx->s;
        while (!fe_equal(&b, &one)) {
            unsigned i = 0;
            t = b;
            while (!fe_equal(&t, &one)) {
                fe_sqr(f, &t, &t);
                if (++i == m) goto not_square;
            }
            g = c;
            sqr_n(f, &g, m - i - 1);
            fe_mul(f, &root, &root, &g);
            fe_sqr(f, &c, &g);
            fe_mul(f, &b, &b, &c);
            m = i;
        }
    } else {
        /* e digit by digit from the bottom: with the known low digits
         * removed, b·c^(-e_low) raised to 2^(s - w·k - width) lies in the
         * subgroup of order 2^width and is a power of g */
        size_t tw = (size_t)1 << ctx->w;
        uint64_t e = 0;
        Fe cur = b;
        for (unsigned k = 0; k < ctx->nwin; k++) {
            unsigned lo = ctx->w * k, width = ctx->s - lo < ctx->w ? ctx->s - lo : ctx->w;
            t = cur;
            sqr_n(f, &t, ctx->s - lo - width);
            int j = lut_find(ctx, &t);
            if (j < 0) goto not_square; /* cannot happen for a prime p */
            uint64_t digit = (uint64_t)j >> (ctx->w - width);
            e |= digit << lo;
            if (digit) fe_mul(f, &cur, &cur, &ctx->neg[k * tw + digit]);
        }
        if (e & 1) goto not_square; /* a^q has odd order exponent: no root */
        c_pow_neg(ctx, &t, e >> 1);
        fe_mul(f, &root, &root, &t);
    }
    fe_sqr(f, &t, &root);
    if (!fe_equal(&t, a)) goto not_square;
    uint64_t lim[4];
    fe_to_limbs(f, lim, &root);
    if (!u256_le(lim, ctx->p_half)) fe_neg(f, &root, &root);
    *r = root;
    return 0;
not_square:
    fe_zero(r);
    return -1;
}

enum { SQRT_CHUNK = 32 };

/* fe_sqrt for m <= SQRT_CHUNK values at once (ctx->s <= 64).  The steps
 * are fe_sqrt's; the per-element choices (table digit, canonical sign)
 * pick operands, the multiplications themselves are batch calls. */
static int sqrt_chunk(const FeSqrt *ctx, Fe *r, const Fe *a, size_t m)
{
    const Field *f = ctx->f;
    size_t tw = (size_t)1 << ctx->w;
    Fe x[SQRT_CHUNK], root[SQRT_CHUNK], cur[SQRT_CHUNK], t[SQRT_CHUNK], g[SQRT_CHUNK];
    uint64_t e[SQRT_CHUNK];
    unsigned char bad[SQRT_CHUNK];
    int rc = 0;
    fe_pow_batch(f, x, a, ctx->q_half, m);
    fe_mul_batch(f, root, a, x, m);
    fe_mul_batch(f, cur, root, x, m);
    for (size_t i = 0; i < m; i++) {
        e[i] = 0;
        bad[i] = 0;
    }
    for (unsigned k = 0; k < ctx->nwin; k++) {
        unsigned lo = ctx->w * k, width = ctx->s - lo < ctx->w ? ctx->s - lo : ctx->w;
        memcpy(t, cur, m * sizeof *t);
        for (unsigned j = 0; j < ctx->s - lo - width; j++) fe_sqr_batch(f, t, t, m);
        for (size_t i = 0; i < m; i++) {
            int j = lut_find(ctx, &t[i]);
            uint64_t digit = j < 0 ? 0 : (uint64_t)j >> (ctx->w - width);
            bad[i] |= j < 0; /* a = 0, or p not prime */
            e[i] |= digit << lo;
            g[i] = ctx->neg[k * tw + digit]; /* digit 0: one */
        }
        fe_mul_batch(f, cur, cur, g, m);
    }
    /* root · c^(-e/2), e/2 window by window */
    for (size_t i = 0; i < m; i++) {
        bad[i] |= e[i] & 1;
        e[i] >>= 1;
    }
    for (unsigned k = 0; k < ctx->nwin; k++) {
        for (size_t i = 0; i < m; i++) g[i] = ctx->neg[k * tw + ((e[i] >> (ctx->w * k)) & (tw - 1))];
        fe_mul_batch(f, root, root, g, m);
    }
    fe_sqr_batch(f, t, root, m);
    for (size_t i = 0; i < m; i++) {
        if (fe_is_zero(&a[i])) {
            fe_zero(&r[i]);
            continue;
        }
        if (bad[i] || !fe_equal(&t[i], &a[i])) {
            fe_zero(&r[i]);
            rc = -1;
            continue;
        }
        uint64_t lim[4];
        fe_to_limbs(f, lim, &root[i]);
        if (!u256_le(lim, ctx->p_half)) fe_neg(f, &root[i], &root[i]);
        r[i] = root[i];
    }
    return rc;
}

int fe_sqrt_batch(const FeSqrt *ctx, Fe *r, const Fe *a, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i += SQRT_CHUNK) {
        size_t m = n - i < SQRT_CHUNK ? n - i : SQRT_CHUNK;
        if (ctx->s > 64) {
            for (size_t j = i; j < i + m; j++)
                if (fe_sqrt(ctx, &r[j], &a[j]) != 0) rc = -1;
        } else if (sqrt_chunk(ctx, r + i, a + i, m) != 0) {
            rc = -1;
        }
    }
    return rc;
}

int fe_sqrt_check(const FeSqrt *ctx, const Fe *r, const Fe *a)
{
    Fe t;
    uint64_t lim[4];
    fe_sqr(ctx->f, &t, r);
    if (!fe_equal(&t, a)) return 0;
    fe_to_limbs(ctx->f, lim, r);
    return u256_le(lim, ctx->p_half);
}
