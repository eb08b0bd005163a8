/* compare.c: comparison, equality, truncation, bit decomposition and
 * division by a public value on shared integers (compare.h).
 *
 * The common step is a masked opening (Catrina and de Hoogh's Mod2m): for a
 * K-bounded [x] and K+1+κ random bits b_j,
 *     r' = Σ_{j<m} 2^j b_j,   R = Σ_{j<K+1+κ} 2^j b_j
 *     c  = open(x + 2^K + R)
 * x + 2^K is in [0, 2^(K+1)) and R uniform in [0, 2^(K+1+κ)), so c hides x
 * (statistical distance <= 2^-κ) and c < 2^(K+2+κ) < p never wraps; hence
 * c' = (c - 2^K) mod 2^m = (x + r') mod 2^m and
 *     x mod 2^m = c' - r' + 2^m·[c' < r'].
 * [c' < r'] with c' public and r' given bitwise is a carry computation:
 * per bit (or segment) G = "r' is larger within it" and P = "equal within
 * it", combined as (G_hi + P_hi·G_lo, P_hi·P_lo) in a log-depth tree, one
 * round per level.  The lowest level is free: the products of adjacent mask
 * bits are multiplied in the same round as the opening (they do not depend
 * on x), and then a pair's (G, P) is a linear combination of 1, r_lo, r_hi
 * and r_lo·r_hi.  The lowest segment's P is never needed, which saves one
 * multiplication per level. */
#include "mpc/compare.h"

#include <sodium.h>
#include <stdlib.h>

#include "mpc/compare_internal.h"
#include "mpc/engine_internal.h"

/* Test hook (mpc_cmp_test_public_bits): mask bits known to everyone, so
 * exhaustive correctness tests need no bit preprocessing.  Never secret. */
static volatile int public_bits;

void mpc_cmp_test_public_bits(int on) { public_bits = on; }

/* The test hook's bits: the same pseudo-random public bits at every
 * party, as degree-0 sharings. */
static int public_take_bits(MpcEngine *e, Fe *out, size_t n)
{
    uint8_t seed[randombytes_SEEDBYTES] = { 0 };
    uint64_t ctr[2] = { e->instance, e->st.bits_used };
    memcpy(seed, ctr, sizeof ctr);
    uint8_t *buf = malloc(n / 8 + 1);
    if (!buf) return mpc_fail(e, "out of memory");
    randombytes_buf_deterministic(buf, n / 8 + 1, seed);
    for (size_t i = 0; i < n; i++) fe_from_u64(e->f, &out[i], (buf[i / 8] >> (i % 8)) & 1);
    free(buf);
    e->st.bits_used += n;
    return 0;
}

int mpc_random_bits(MpcEngine *e, Fe *out, size_t n)
{
    if (n && !out) return mpc_fail(e, "mpc_random_bits: missing array");
    if (ensure_bits(e, n) != 0) return -1;
    fe_copy(out, pool_head(&e->bit), n);
    pool_consume(&e->bit, n);
    e->st.bits_used += n;
    return 0;
}

/* 2^j as a field element, j < 256. */
static void fe_pow2(const Field *f, Fe *r, unsigned j)
{
    uint64_t l[4] = { 0, 0, 0, 0 };
    l[j / 64] = (uint64_t)1 << (j % 64);
    fe_from_limbs(f, r, l);
}

/* 2^-j as a field element: ((p+1)/2)^j, a few products instead of an
 * inversion (fe_inv was 7% of a single comparison's CPU). */
static void fe_inv_pow2(const Field *f, Fe *r, unsigned j)
{
    uint64_t h[4];
    for (int i = 0; i < 4; i++) h[i] = (f->p[i] >> 1) | (i < 3 ? f->p[i + 1] << 63 : 0);
    /* p is odd: (p+1)/2 = (p >> 1) + 1 */
    for (int i = 0; i < 4; i++)
        if (++h[i] != 0) break;
    Fe half;
    fe_from_limbs(f, &half, h);
    fe_pow_u64(f, r, &half, j);
}

static int check_bound(MpcEngine *e, const char *what, unsigned K, unsigned m)
{
    /* c < 2^(K+2) + n·2^(K+2+κ) (masks with a dealt high part) stays below p */
    unsigned max = e->f->bits - MPC_KAPPA - 12;
    if (max > MPC_CMP_MAX_BITS) max = MPC_CMP_MAX_BITS;
    if (K == 0 || K > max) return mpc_fail(e, "%s: bit length %u out of range (1..%u for this field)", what, K, max);
    if (m == 0 || m > K + 1) return mpc_fail(e, "%s: %u bits asked of a %u-bit value", what, m, K);
    return 0;
}

/* ---- masked opening -------------------------------------------------------- */

typedef struct {
    size_t n;
    unsigned m, np; /* bits kept per value; products of adjacent pairs */
    Fe *rb;         /* n·m mask bits, lowest first */
    Fe *rlo;        /* n: r' */
    Fe *q;          /* n·np: rb[2j]·rb[2j+1], when asked */
    uint64_t *c;    /* n·4 limbs: c' = (x + r') mod 2^m */
} Mask;

static void mask_free(Mask *mk)
{
    wipe_free(mk->rb, mk->n * mk->m);
    wipe_free(mk->rlo, mk->n);
    wipe_free(mk->q, mk->n * mk->np);
    free(mk->c);
    memset(mk, 0, sizeof *mk);
}

/* c' = (c - 2^K) mod 2^m on the integer c, as 4 limbs. */
static void unmask(const Field *f, const Fe *c, unsigned K, unsigned m, uint64_t o[4])
{
    uint64_t l[4], borrow = 0;
    fe_to_limbs(f, l, c);
    for (unsigned w = 0; w < 4; w++) {
        uint64_t sub = (K / 64 == w) ? (uint64_t)1 << (K % 64) : 0;
        uint64_t d = l[w] - sub - borrow;
        borrow = (l[w] < sub) || (l[w] - sub < borrow);
        o[w] = d;
    }
    for (unsigned w = 0; w < 4; w++) {
        if (w * 64 >= m)
            o[w] = 0;
        else if (m - w * 64 < 64)
            o[w] &= ((uint64_t)1 << (m - w * 64)) - 1;
    }
}

/* k mask bits: read in place from the bit pool when it holds them (made
 * ahead: *own = NULL; release_bits consumes them, before anything else can
 * touch the pool), else, if dealt_ok, made now as XORs of dealt bits
 * (cheaper than square roots, but every party must deal: docs/mpc.md), or
 * with the test hook public, in a buffer of our own. */
static int borrow_bits(MpcEngine *e, size_t k, bool dealt_ok, const Fe **bits, Fe **own)
{
    *own = NULL;
    if (public_bits || (dealt_ok && e->bit.n < k)) {
        *own = scratch(k, sizeof(Fe));
        int rc = !*own         ? mpc_fail(e, "out of memory")
                 : public_bits ? public_take_bits(e, *own, k)
                               : mpc_random_bits_dealt(e, *own, k);
        if (rc != 0) {
            if (*own) wipe_free(*own, k);
            *own = NULL;
            return -1;
        }
        if (!public_bits) e->st.bits_used += k;
        *bits = *own;
        return 0;
    }
    if (ensure_bits(e, k) != 0) return -1;
    *bits = pool_head(&e->bit);
    return 0;
}

static void release_bits(MpcEngine *e, size_t k, Fe *own)
{
    if (own) {
        wipe_free(own, k);
        return;
    }
    pool_consume(&e->bit, k);
    e->st.bits_used += k;
}

/* R = Σ_{j<nb} 2^j b_j and r' = Σ_{j<m} 2^j b_j, by Horner with doublings
 * (additions only) on both parts: R = 2^m·r'' + r'. */
static void compose(const Field *f, const Fe *b, unsigned nb, unsigned m, Fe *R, Fe *lo)
{
    Fe hi, two_m;
    fe_zero(&hi);
    for (unsigned j = nb; j-- > m;) {
        fe_add(f, &hi, &hi, &hi);
        fe_add(f, &hi, &hi, &b[j]);
    }
    fe_zero(lo);
    for (unsigned j = m; j-- > 0;) {
        fe_add(f, lo, lo, lo);
        fe_add(f, lo, lo, &b[j]);
    }
    fe_pow2(f, &two_m, m);
    fe_mul(f, R, &hi, &two_m);
    fe_add(f, R, R, lo);
    sodium_memzero(&hi, sizeof hi);
}

/* One round: opens c for n (<= MPC_CMP_CHUNK) values and, if pairs, the
 * products of adjacent mask bits.  The m low mask bits are random bits,
 * the high part comes from mpc_mask_high (dealt, as for the comparison
 * masks: level_init). */
static int mask_open(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, bool pairs, Mask *mk)
{
    const Field *f = e->f;
    memset(mk, 0, sizeof *mk);
    mk->n = n;
    mk->m = m;
    mk->np = pairs ? m / 2 : 0;
    Fe *hi = zalloc(n, sizeof(Fe));
    if (!hi) return mpc_fail(e, "out of memory");
    /* (the test hook's masks have no privacy: no high part) */
    if (!public_bits && mpc_mask_high(e, m, K + 1 + MPC_KAPPA, hi, n) != 0) {
        wipe_free(hi, n);
        return -1;
    }
    const Fe *bits;
    Fe *own;
    if (borrow_bits(e, n * m, true, &bits, &own) != 0) {
        wipe_free(hi, n);
        return -1;
    }
    mk->rb = scratch(n * m, sizeof(Fe));
    mk->rlo = scratch(n, sizeof(Fe));
    mk->q = scratch(n * mk->np, sizeof(Fe));
    mk->c = zalloc(n * 4, sizeof(uint64_t));
    Fe *pay = scratch(n, sizeof(Fe)), *c = scratch(n, sizeof(Fe));
    Fe *px = scratch(n * mk->np, sizeof(Fe)), *py = scratch(n * mk->np, sizeof(Fe));
    int rc = 0;
    if (!mk->rb || !mk->rlo || !mk->q || !mk->c || !pay || !c || !px || !py) rc = mpc_fail(e, "out of memory");
    if (rc == 0) {
        Fe off, two_m;
        fe_pow2(f, &off, K);
        fe_pow2(f, &two_m, m);
        for (size_t i = 0; i < n; i++) {
            const Fe *b = bits + i * m;
            Fe lo, all;
            compose(f, b, m, m, &all, &lo);
            fe_copy(mk->rb + i * m, b, m);
            mk->rlo[i] = lo;
            for (unsigned j = 0; j < mk->np; j++) {
                px[i * mk->np + j] = b[2 * j];
                py[i * mk->np + j] = b[2 * j + 1];
            }
            /* x + 2^K + r' + 2^m·H */
            fe_mul(f, &all, &hi[i], &two_m);
            fe_add(f, &all, &all, &lo);
            fe_add(f, &pay[i], &x[i], &off);
            fe_add(f, &pay[i], &pay[i], &all);
            sodium_memzero(&all, sizeof all);
        }
        release_bits(e, n * m, own);
        own = NULL;
        rc = mpc_round(e, pay, n, c, px, py, n * mk->np, mk->q);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) unmask(f, &c[i], K, m, mk->c + 4 * i);
    if (own) release_bits(e, n * m, own);
    wipe_free(hi, n);
    wipe_free(pay, n);
    wipe_free(px, n * mk->np);
    wipe_free(py, n * mk->np);
    free(c);
    if (rc != 0) mask_free(mk);
    return rc;
}

static int cbit(const Mask *mk, size_t i, unsigned j) { return (int)((mk->c[4 * i + j / 64] >> (j % 64)) & 1); }

/* k0 + k1·a + k2·b + k3·c for small integer coefficients (a, b, c may be
 * NULL when their coefficient is 0). */
static void lin(const Field *f, Fe *out, int k0, int k1, const Fe *a, int k2, const Fe *b, int k3, const Fe *c)
{
    Fe acc, one;
    fe_zero(&acc);
    fe_one(f, &one);
    const int k[4] = { k0, k1, k2, k3 };
    const Fe *v[4] = { &one, a, b, c };
    for (int i = 0; i < 4; i++)
        for (int r = 0; r < (k[i] < 0 ? -k[i] : k[i]); r++) {
            if (k[i] > 0)
                fe_add(f, &acc, &acc, v[i]);
            else
                fe_sub(f, &acc, &acc, v[i]);
        }
    *out = acc;
}

/* Per bit, with c public: G = r·(1-c), P = c ? r : 1-r, as (constant,
 * coefficient of r). */
static void bit_gp(int c, int *g0, int *g1, int *p0, int *p1)
{
    *g0 = 0;
    *g1 = c ? 0 : 1;
    *p0 = c ? 0 : 1;
    *p1 = c ? 1 : -1;
}

/* Leaves of the carry tree: one segment per pair of bits (G and P, n·L
 * each, L = ceil(m/2)), from the mask bits and their pair products. */
static void leaves(const Field *f, const Mask *mk, Fe *G, Fe *P, size_t L)
{
    for (size_t i = 0; i < mk->n; i++) {
        const Fe *r = mk->rb + i * mk->m;
        for (size_t s = 0; s < L; s++) {
            unsigned lo = 2 * (unsigned)s, hi = lo + 1;
            int gl0, gl1, pl0, pl1;
            bit_gp(cbit(mk, i, lo), &gl0, &gl1, &pl0, &pl1);
            Fe *g = &G[i * L + s], *p = &P[i * L + s];
            if (hi >= mk->m) {
                lin(f, g, gl0, gl1, &r[lo], 0, NULL, 0, NULL);
                lin(f, p, pl0, pl1, &r[lo], 0, NULL, 0, NULL);
                continue;
            }
            int gh0, gh1, ph0, ph1;
            bit_gp(cbit(mk, i, hi), &gh0, &gh1, &ph0, &ph1);
            const Fe *q = &mk->q[i * mk->np + s];
            /* P_h·G_l and P_h·P_l expanded over 1, r_lo, r_hi, r_lo·r_hi */
            lin(f, g, gh0 + ph0 * gl0, ph0 * gl1, &r[lo], gh1 + ph1 * gl0, &r[hi], ph1 * gl1, q);
            lin(f, p, ph0 * pl0, ph0 * pl1, &r[lo], ph1 * pl0, &r[hi], ph1 * pl1, q);
        }
    }
}

/* Products in the tree that share an operand: level by level, every pair
 * but the lowest needs P_hi·G_lo and P_hi·P_lo. */
static size_t shared_pairs(size_t L)
{
    size_t k = 0;
    for (; L > 1; L = (L + 1) / 2) k += L / 2 - 1;
    return k;
}

/* Doubled-triple pairs whose openings are in, finished a block at a time
 * with batch products (field.h: IFMA lanes where the CPU has them):
 * G_out = (c1 + G_hi) + d·b1 + e1·(a + d), P_out = c2 + d·b2 + e2·(a + d). */
#define PAIR_BLOCK 64

typedef struct {
    size_t k;
    Fe ad[PAIR_BLOCK], b1[PAIR_BLOCK], c1[PAIR_BLOCK], b2[PAIR_BLOCK], c2[PAIR_BLOCK];
    Fe d[PAIR_BLOCK], e1[PAIR_BLOCK], e2[PAIR_BLOCK], go[PAIR_BLOCK], po[PAIR_BLOCK];
    Fe *gdst[PAIR_BLOCK], *pdst[PAIR_BLOCK];
} PairBlock;

/* Writes the block's results.  Each destination lies below every
 * segment a later pair reads (the level is compacted in place), so a
 * delayed write never clobbers an input. */
static void pairs_flush(const Field *f, PairBlock *pb)
{
    size_t k = pb->k;
    fe_muladd_batch(f, pb->go, pb->d, pb->b1, pb->c1, k);
    fe_muladd_batch(f, pb->go, pb->e1, pb->ad, pb->go, k);
    fe_muladd_batch(f, pb->po, pb->d, pb->b2, pb->c2, k);
    fe_muladd_batch(f, pb->po, pb->e2, pb->ad, pb->po, k);
    for (size_t j = 0; j < k; j++) {
        *pb->gdst[j] = pb->go[j];
        *pb->pdst[j] = pb->po[j];
    }
    pb->k = 0;
}

/* Queues one pair: t its doubled triple, o its three openings. */
static void pairs_add(const Field *f, PairBlock *pb, const Fe *t, const Fe *o, const Fe *ghi, Fe *gdst, Fe *pdst)
{
    size_t j = pb->k++;
    fe_add(f, &pb->ad[j], &t[0], &o[0]);
    pb->b1[j] = t[1];
    fe_add(f, &pb->c1[j], &t[3], ghi);
    pb->b2[j] = t[2];
    pb->c2[j] = t[4];
    pb->d[j] = o[0];
    pb->e1[j] = o[1];
    pb->e2[j] = o[2];
    pb->gdst[j] = gdst;
    pb->pdst[j] = pdst;
    if (pb->k == PAIR_BLOCK) pairs_flush(f, pb);
}

/* Reduces n lists of L segments (lowest first) to one, a round per level:
 * (G, P) combined as (G_hi + P_hi·G_lo, P_hi·P_lo).  With dbl (value i's
 * at dbl + i·stride, 5 elements per shared pair, in the order of
 * shared_pairs), the two products of a pair use one doubled triple
 * (a, b1, b2, a·b1, a·b2): P_hi - a is opened once for both, 3 openings
 * instead of 4; the lowest pair uses the engine's triples. */
static int tree(MpcEngine *e, Fe *G, Fe *P, size_t n, size_t L, const Fe *dbl, size_t stride)
{
    const Field *f = e->f;
    /* with dbl only the lowest pair's one product per value is a Beaver one;
     * the openings (masked by the triples' a and b) are public */
    size_t cap = dbl ? n : n * L, ocap = dbl ? 3 * n * (L / 2) : 0, base = 0;
    Fe *x = scratch(cap, sizeof(Fe)), *y = scratch(cap, sizeof(Fe)), *z = scratch(cap, sizeof(Fe));
    Fe *oi = scratch(ocap, sizeof(Fe)), *oo = scratch(ocap, sizeof(Fe));
    PairBlock *pb = dbl ? scratch(1, sizeof *pb) : NULL;
    int rc = (x && y && z && oi && oo && (pb || !dbl)) ? 0 : mpc_fail(e, "out of memory");
    if (pb) pb->k = 0;
    while (rc == 0 && L > 1) {
        size_t L2 = (L + 1) / 2, k = 0, o = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t s = 0; s + 1 < L; s += 2) {
                const Fe *gl = &G[i * L + s], *pl = &P[i * L + s], *ph = &P[i * L + s + 1];
                if (s > 0 && dbl) {
                    const Fe *t = dbl + i * stride + 5 * (base + s / 2 - 1);
                    fe_sub(f, &oi[o++], ph, &t[0]);
                    fe_sub(f, &oi[o++], gl, &t[1]);
                    fe_sub(f, &oi[o++], pl, &t[2]);
                    continue;
                }
                x[k] = *ph, y[k++] = *gl;
                if (s > 0) x[k] = *ph, y[k++] = *pl;
            }
        rc = mpc_round(e, oi, o, oo, x, y, k, z);
        k = 0, o = 0;
        for (size_t i = 0; rc == 0 && i < n; i++)
            for (size_t s = 0; s < L; s += 2) {
                Fe *go = &G[i * L2 + s / 2], *po = &P[i * L2 + s / 2];
                if (s + 1 == L) {
                    /* odd one out moves up (in-place: new index <= old) */
                    *go = G[i * L + s];
                    *po = P[i * L + s];
                    continue;
                }
                if (s > 0 && dbl) {
                    /* xy = c + d·b + e·(a + d) with d = x - a, e = y - b */
                    const Fe *t = dbl + i * stride + 5 * (base + s / 2 - 1);
                    pairs_add(f, pb, t, &oo[o], &G[i * L + s + 1], go, po);
                    o += 3;
                    continue;
                }
                fe_add(f, go, &G[i * L + s + 1], &z[k++]);
                if (s > 0) *po = z[k++];
            }
        if (rc == 0 && pb && pb->k) pairs_flush(f, pb);
        if (dbl) base += L / 2 - 1;
        L = L2;
    }
    wipe_free(x, cap);
    wipe_free(y, cap);
    wipe_free(z, cap);
    free(oi);
    free(oo);
    if (pb) {
        sodium_memzero(pb, sizeof *pb);
        free(pb);
    }
    return rc;
}

/* u[i] = [c'_i < r'_i] for an opened mask with pair products. */
static int bit_lt(MpcEngine *e, const Mask *mk, Fe *u)
{
    size_t L = (mk->m + 1) / 2, n = mk->n;
    Fe *G = zalloc(n * L, sizeof(Fe)), *P = zalloc(n * L, sizeof(Fe));
    int rc = (G && P) ? 0 : mpc_fail(e, "out of memory");
    if (rc == 0) {
        leaves(e->f, mk, G, P, L);
        rc = tree(e, G, P, n, L, NULL, 0);
    }
    for (size_t i = 0; rc == 0 && i < n; i++) u[i] = G[i];
    wipe_free(G, n * L);
    wipe_free(P, n * L);
    return rc;
}

/* out = x mod 2^m = c' - r' + 2^m·u for one chunk. */
static int mod2m_chunk(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out)
{
    const Field *f = e->f;
    Mask mk;
    if (mask_open(e, x, n, K, m, true, &mk) != 0) return -1;
    int rc = bit_lt(e, &mk, out);
    Fe two_m;
    fe_pow2(f, &two_m, m);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        Fe cp;
        fe_from_limbs(f, &cp, mk.c + 4 * i);
        fe_mul(f, &out[i], &out[i], &two_m);
        fe_add(f, &out[i], &out[i], &cp);
        fe_sub(f, &out[i], &out[i], &mk.rlo[i]);
    }
    mask_free(&mk);
    return rc;
}

typedef int (*ChunkFn)(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out);

/* Checks the bounds, then runs fn over chunks of MPC_CMP_CHUNK values (out
 * advances by per_out elements per value). */
static int chunked(MpcEngine *e, const char *what, ChunkFn fn, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out,
                   size_t per_out)
{
    if (check_bound(e, what, K, m ? m : K + 1) != 0) return -1;
    if (n && (!x || !out)) return mpc_fail(e, "%s: missing array", what);
    for (size_t i = 0; i < n; i += MPC_CMP_CHUNK) {
        size_t c = n - i < MPC_CMP_CHUNK ? n - i : MPC_CMP_CHUNK;
        if (fn(e, x + i, c, K, m, out + i * per_out) != 0) return -1;
    }
    return 0;
}

int mpc_mod2m(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out)
{
    return chunked(e, "mpc_mod2m", mod2m_chunk, x, n, K, m, out, 1);
}

/* floor(x / 2^m) = (x - x mod 2^m)·2^-m. */
static int trunc_chunk(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out)
{
    const Field *f = e->f;
    Fe *md = zalloc(n, sizeof(Fe)); /* out may alias x */
    if (!md) return mpc_fail(e, "out of memory");
    if (mod2m_chunk(e, x, n, K, m, md) != 0) {
        wipe_free(md, n);
        return -1;
    }
    Fe inv;
    fe_inv_pow2(f, &inv, m);
    for (size_t i = 0; i < n; i++) {
        fe_sub(f, &out[i], &x[i], &md[i]);
        fe_mul(f, &out[i], &out[i], &inv);
    }
    wipe_free(md, n);
    return 0;
}

int mpc_trunc_exact(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out)
{
    return chunked(e, "mpc_trunc_exact", trunc_chunk, x, n, K, m, out, 1);
}

/* [x < 0] = -floor(x / 2^K) for x in [-2^K, 2^K). */
/* ---- comparison and equality masks made ahead ----------------------------------
 *
 * The mask bits do not depend on x, and neither does any function of them:
 * preprocessing makes, per mask, R (and r') and, for every block of s bits
 * of the masked part, the products of all subsets of its bits (2^s - s - 1
 * multiplications in ceil(log2 s) offline rounds).  Those are turned
 * locally into the block's indicators I_v = [block of r' = v] (a Möbius
 * transform), and for comparisons into U_c = [block >= c] = Σ_{v>=c} I_v.
 *
 * [x < 0] (LT records): with the block's public bits c, G = "r' larger
 * within the block" = U_(c+1) and P = "equal" = U_c - U_(c+1): one
 * subtraction, and the carry tree starts from ceil(K/4) blocks: 1 +
 * ceil(log2 ceil(K/4)) online rounds (5 for K = 64) and 2·ceil(K/4) - 1 -
 * levels multiplications (26), instead of 6 rounds and 89 with the pair
 * products multiplied online.
 *
 * [x == 0] (EQ records): c' and r' (K+1 bits) agree iff every block does,
 * so d = Σ_blocks (1 - I_(c block)) counts the differing blocks and x = 0
 * iff d = 0.  0 <= d < 2^K2 with K2 = bits(blocks) (5 for K = 64) is
 * opened under a second mask and tested in one block of K2 bits:
 * [d = 0] = I2_(c2') with c2' = (d + r2') mod 2^K2.  Two online rounds and
 * no online multiplication.
 *
 * Masks are made in batches on demand (or by mpc_cmp_preprocess and
 * mpc_eqz_preprocess) and kept per (kind, K) in a few FIFO pools, used once
 * and wiped. */
#define CMP_SLOTS 4
#define CMP_MIN_BATCH ((size_t)64)
#define EQ_BLOCK_BITS 4u

/* MK_LT2: [x < 0] masks with 2-bit blocks, for small batches (below). */
typedef enum { MK_LT = 1, MK_EQ, MK_LT2 } MaskKind;

typedef struct CmpState {
    unsigned K[CMP_SLOTS];
    MaskKind kind[CMP_SLOTS];
    Pool pool[CMP_SLOTS];
    unsigned hB[CMP_SLOTS]; /* bounded high parts of B bits (mpc_random_high) */
    Pool high[CMP_SLOTS];
} CmpState;

/* One masked opening of a record: nb mask bits, the low m of them in L
 * blocks of bb bits (the last one may be shorter).  In the record: R at
 * off, r' at off + 1 (LT only), then 2^bb slots per block from `slots`
 * (U_c for LT, I_v for EQ). */
typedef struct {
    unsigned nb, m, bb, L;
    unsigned hb; /* bits of each dealer's part of the bounded high part */
    size_t off, slots;
} Level;

typedef struct {
    MaskKind kind;
    unsigned nlev;
    Level lev[2];
    size_t dbl, ndbl; /* LT: the tree's doubled triples, 5 elements each */
    size_t rec;       /* elements per record */
} Layout;

static unsigned bitlen(uint64_t v)
{
    unsigned b = 0;
    while (v) {
        b++;
        v >>= 1;
    }
    return b;
}

static size_t level_init(Level *lv, size_t off, unsigned nb, unsigned m, unsigned bb, bool with_rlo)
{
    lv->nb = nb;
    lv->m = m;
    /* R = r' + 2^m·H, H bounded (mpc_random_bounded): x + 2^K + r' < 2^(K+2)
     * has K+2-m bits above the m low ones, which H hides within 2^-κ */
    lv->hb = nb + 1 - m;
    lv->bb = bb;
    lv->L = (m + bb - 1) / bb;
    lv->off = off;
    lv->slots = off + (with_rlo ? 2 : 1);
    return lv->slots + ((size_t)lv->L << bb);
}

/* Levels of the carry tree over L blocks: ceil(log2 L). */
static unsigned tree_depth(size_t L)
{
    unsigned d = 0;
    while (((size_t)1 << d) < L) d++;
    return d;
}

/* Blocks of small masks: 3 bits where that saves a tree level (an online
 * round: K = 22 has 8 blocks, 3 levels, instead of 11 and 4) at 4
 * products a block instead of 1; else 2.  A single comparison's cost is
 * mostly its rounds (each one a wake-up of every party). */
static unsigned small_blocks(unsigned K) { return tree_depth((K + 2) / 3) < tree_depth((K + 1) / 2) ? 3 : 2; }

/* LT blocks: 4 bits, or small_blocks below 16 bits, where the 11 products
 * of a 4-bit block would cost more than the tree levels they save; MK_LT2
 * always small_blocks. */
static void layout_of(MaskKind kind, unsigned K, Layout *ly)
{
    memset(ly, 0, sizeof *ly);
    ly->kind = kind;
    if (kind != MK_EQ) {
        ly->nlev = 1;
        unsigned bb = K >= 16 && kind == MK_LT ? 4 : small_blocks(K);
        ly->dbl = level_init(&ly->lev[0], 0, K + 1 + MPC_KAPPA, K, bb, true);
        ly->ndbl = shared_pairs(ly->lev[0].L);
        ly->rec = ly->dbl + 5 * ly->ndbl;
        return;
    }
    ly->nlev = 2;
    size_t end = level_init(&ly->lev[0], 0, K + 1 + MPC_KAPPA, K + 1, EQ_BLOCK_BITS, false);
    unsigned K2 = bitlen(ly->lev[0].L);
    ly->rec = level_init(&ly->lev[1], end, K2 + 1 + MPC_KAPPA, K2, K2, false);
}

static unsigned block_size(const Level *lv, unsigned blk)
{
    unsigned left = lv->m - lv->bb * blk;
    return left < lv->bb ? left : lv->bb;
}

static size_t block_at(const Level *lv, unsigned blk) { return lv->slots + ((size_t)blk << lv->bb); }

/* Bits [first, first+size) of a 4-limb integer, size <= 8. */
static unsigned bits_at(const uint64_t l[4], unsigned first, unsigned size)
{
    if (first % 64 + size <= 64) return (unsigned)(l[first / 64] >> (first % 64)) & ((1u << size) - 1);
    unsigned v = 0;
    for (unsigned j = 0; j < size; j++) v |= (unsigned)((l[(first + j) / 64] >> ((first + j) % 64)) & 1) << j;
    return v;
}

void compare_free(MpcEngine *e)
{
    if (!e->cmp) return;
    for (int i = 0; i < CMP_SLOTS; i++) {
        pool_free(&e->cmp->pool[i]);
        pool_free(&e->cmp->high[i]);
    }
    free(e->cmp);
    e->cmp = NULL;
}

static Pool *cmp_pool(MpcEngine *e, MaskKind kind, unsigned K)
{
    if (!e->cmp && !(e->cmp = calloc(1, sizeof *e->cmp))) return NULL;
    CmpState *st = e->cmp;
    int free_slot = -1;
    for (int i = 0; i < CMP_SLOTS; i++) {
        if (st->K[i] == K && st->kind[i] == kind) return &st->pool[i];
        if (!st->K[i] && free_slot < 0) free_slot = i;
    }
    if (free_slot < 0) {
        /* all parties evict the same slot: they make the same calls */
        pool_free(&st->pool[0]);
        free_slot = 0;
    }
    Layout ly;
    layout_of(kind, K, &ly);
    st->K[free_slot] = K;
    st->kind[free_slot] = kind;
    st->pool[free_slot] = (Pool){ .esz = ly.rec * sizeof(Fe), .acct = e, .what = "the comparison masks" };
    return &st->pool[free_slot];
}

/* Bounded high parts are dealt at least this many at a time: one
 * dealing's three rounds serve several single truncations, and a program
 * that truncates a few values pays for few (each is up to ~150 dealt bits
 * per party; the bit pool's smallest run, 1024 bits, is six such masks). */
#define HIGH_BATCH ((size_t)8)

/* The pool of dealt high parts of B bits per dealer (NULL: out of memory). */
static Pool *high_pool(MpcEngine *e, unsigned B)
{
    if (!e->cmp && !(e->cmp = calloc(1, sizeof *e->cmp))) return NULL;
    CmpState *st = e->cmp;
    int slot = -1;
    for (int i = 0; i < CMP_SLOTS && slot < 0; i++)
        if (st->hB[i] == B) slot = i;
    for (int i = 0; i < CMP_SLOTS && slot < 0; i++)
        if (!st->hB[i]) slot = i;
    if (slot < 0) {
        /* all parties evict the same slot: they make the same calls */
        pool_free(&st->high[0]);
        slot = 0;
    }
    if (st->hB[slot] != B) {
        st->hB[slot] = B;
        st->high[slot] = (Pool){ .esz = sizeof(Fe), .acct = e, .what = "the mask high parts" };
    }
    return &st->high[slot];
}

int mpc_random_high(MpcEngine *e, unsigned B, Fe *out, size_t n)
{
    if (n && !out) return mpc_fail(e, "mpc_random_high: missing array");
    Pool *pool = high_pool(e, B);
    if (!pool) return mpc_fail(e, "out of memory");
    if (pool->n < n) {
        size_t make = n - pool->n < HIGH_BATCH ? HIGH_BATCH : n - pool->n;
        Fe *h = scratch(make, sizeof(Fe));
        void *where = NULL;
        int rc = h ? mpc_random_bounded(e, B, h, make) : mpc_fail(e, "out of memory");
        if (rc == 0 && pool_append(pool, make, &where) != 0) rc = mpc_fail(e, "out of memory");
        if (rc == 0) memcpy(where, h, make * sizeof(Fe));
        wipe_free(h, make);
        if (rc != 0) return -1;
    }
    fe_copy(out, pool_head(pool), n);
    pool_consume(pool, n);
    return 0;
}

int mpc_mask_high(MpcEngine *e, unsigned m, unsigned nb, Fe *hi, size_t n)
{
    const Field *f = e->f;
    if (m == 0 || m >= nb || (n && !hi)) return mpc_fail(e, "mpc_mask_high: bad arguments");
    unsigned B = nb + 1 - m, hb = nb - m;
    /* a masked value stays below 2^(nb+1) + n·2^(nb+1) < p */
    if (nb + 2 + bitlen(e->n) >= e->f->bits)
        return mpc_fail(e, "mpc_mask_high: a %u-bit mask of %u parties does not fit this field", nb, e->n);
    Pool *pool = high_pool(e, B);
    if (!pool) return mpc_fail(e, "out of memory");
    if (pool->n >= n || e->bit.n < n * nb) return mpc_random_high(e, B, hi, n);
    /* bits made ahead: H uniform of nb - m bits, as the whole mask was */
    const Fe *b = pool_head(&e->bit);
    for (size_t i = 0; i < n; i++) {
        fe_zero(&hi[i]);
        for (unsigned j = hb; j-- > 0;) {
            fe_add(f, &hi[i], &hi[i], &hi[i]);
            fe_add(f, &hi[i], &hi[i], &b[i * hb + j]);
        }
    }
    pool_consume(&e->bit, n * hb);
    e->st.bits_used += n * hb;
    return 0;
}

/* Turns a block's subset products mono[S] = Π_{j in S} r_j = Σ_{v ⊇ S} I_v
 * into the indicators I_v (Möbius inversion over supersets), and for LT
 * into the suffix sums U_c = Σ_{v>=c} I_v. */
static void block_finish(const Field *f, Fe *mono, unsigned size, MaskKind kind)
{
    unsigned nv = 1u << size;
    for (unsigned j = 0; j < size; j++)
        for (unsigned s = 0; s < nv; s++)
            if (!(s & (1u << j))) fe_sub(f, &mono[s], &mono[s], &mono[s | (1u << j)]);
    if (kind != MK_EQ)
        for (unsigned c = nv - 1; c-- > 0;) fe_add(f, &mono[c], &mono[c], &mono[c + 1]);
}

/* Makes count masks of the given kind into the pool (offline: no online
 * rounds counted, no fault injection, like the other preprocessing). */
static int make_masks(MpcEngine *e, Pool *pool, MaskKind kind, unsigned K, size_t count)
{
    const Field *f = e->f;
    Layout ly;
    layout_of(kind, K, &ly);
    size_t re = ly.rec, nbits = 0, nprod = 2 * ly.ndbl;
    unsigned passes = 0;
    for (unsigned l = 0; l < ly.nlev; l++) {
        const Level *lv = &ly.lev[l];
        nbits += lv->m;
        nprod += (size_t)lv->L << lv->bb;
        while ((1u << passes) < lv->bb) passes++;
    }
    const Fe *bits;
    Fe *own;
    if (borrow_bits(e, count * nbits, true, &bits, &own) != 0) return -1;
    Fe *rec = zalloc(count * re, sizeof(Fe));
    Fe *mx = zalloc(count * nprod, sizeof(Fe)), *my = zalloc(count * nprod, sizeof(Fe));
    Fe *mz = zalloc(count * nprod, sizeof(Fe));
    Fe **dst = calloc(count * nprod + 1, sizeof *dst);
    if (!rec || !mx || !my || !mz || !dst) {
        free(rec), free(mx), free(my), free(mz), free(dst);
        if (own) release_bits(e, count * nbits, own);
        return mpc_fail(e, "out of memory");
    }
    Fe one;
    fe_one(f, &one);
    const Fe *b = bits;
    for (size_t i = 0; i < count; i++)
        for (unsigned l = 0; l < ly.nlev; l++) {
            const Level *lv = &ly.lev[l];
            Fe *r = rec + i * re, rlo;
            compose(f, b, lv->m, lv->m, &r[lv->off], &rlo);
            if (lv->slots == lv->off + 2) r[lv->off + 1] = rlo;
            sodium_memzero(&rlo, sizeof rlo);
            for (unsigned blk = 0; blk < lv->L; blk++) {
                Fe *mono = r + block_at(lv, blk);
                mono[0] = one;
                for (unsigned j = 0; j < block_size(lv, blk); j++) mono[1u << j] = b[lv->bb * blk + j];
            }
            b += lv->m;
        }
    release_bits(e, count * nbits, own);
    /* R += 2^m·H per level, H bounded and dealt (no square roots) */
    Fe *hi = zalloc(count, sizeof(Fe));
    int rc = hi ? 0 : mpc_fail(e, "out of memory");
    for (unsigned l = 0; rc == 0 && !public_bits && l < ly.nlev; l++) {
        /* (the test hook's masks have no privacy: no high part) */
        const Level *lv = &ly.lev[l];
        Fe two_m;
        fe_pow2(f, &two_m, lv->m);
        rc = mpc_random_bounded(e, lv->hb, hi, count);
        for (size_t i = 0; rc == 0 && i < count; i++) {
            Fe *R = rec + i * re + lv->off;
            fe_mul(f, &hi[i], &hi[i], &two_m);
            fe_add(f, R, R, &hi[i]);
        }
    }
    wipe_free(hi, count);
    /* the doubled triples' random a, b1, b2 */
    Fe *abb = zalloc(count * ly.ndbl * 3, sizeof(Fe));
    if (rc == 0) rc = abb ? mpc_random(e, abb, count * ly.ndbl * 3) : mpc_fail(e, "out of memory");
    for (size_t i = 0; rc == 0 && i < count; i++)
        for (size_t j = 0; j < ly.ndbl; j++) fe_copy(rec + i * re + ly.dbl + 5 * j, abb + 3 * (i * ly.ndbl + j), 3);
    if (abb) wipe_free(abb, count * ly.ndbl * 3);
    /* pass p: subsets of 2^p + 1 .. 2^(p+1) bits, as the product of their
     * lowest 2^p bits and the rest (both made by earlier passes) */
    for (unsigned pass = 0; rc == 0 && pass < passes; pass++) {
        size_t k = 0;
        for (size_t i = 0; pass == 0 && i < count; i++)
            for (size_t j = 0; j < ly.ndbl; j++) {
                Fe *t = rec + i * re + ly.dbl + 5 * j;
                mx[k] = t[0], my[k] = t[1], dst[k++] = &t[3];
                mx[k] = t[0], my[k] = t[2], dst[k++] = &t[4];
            }
        for (size_t i = 0; i < count; i++)
            for (unsigned l = 0; l < ly.nlev; l++) {
                const Level *lv = &ly.lev[l];
                for (unsigned blk = 0; blk < lv->L; blk++) {
                    Fe *mono = rec + i * re + block_at(lv, blk);
                    for (unsigned s = 3; s < (1u << block_size(lv, blk)); s++) {
                        unsigned pc = (unsigned)__builtin_popcount(s);
                        if (pc <= (1u << pass) || pc > (2u << pass)) continue;
                        unsigned a = 0, rest = s;
                        for (unsigned q = 0; q < (1u << pass); q++) {
                            a |= rest & -rest;
                            rest &= rest - 1;
                        }
                        mx[k] = mono[a];
                        my[k] = mono[rest];
                        dst[k++] = &mono[s];
                    }
                }
            }
        rc = round_internal(e, NULL, 0, NULL, mx, my, k, mz, false);
        for (size_t j = 0; rc == 0 && j < k; j++) *dst[j] = mz[j];
    }
    for (size_t i = 0; rc == 0 && i < count; i++)
        for (unsigned l = 0; l < ly.nlev; l++) {
            const Level *lv = &ly.lev[l];
            for (unsigned blk = 0; blk < lv->L; blk++)
                block_finish(f, rec + i * re + block_at(lv, blk), block_size(lv, blk), kind);
        }
    free(dst);
    void *where = NULL;
    if (rc == 0 && pool_append(pool, count, &where) != 0) rc = mpc_fail(e, "out of memory");
    if (rc == 0) memcpy(where, rec, count * re * sizeof(Fe));
    wipe_free(rec, count * re);
    wipe_free(mx, count * nprod);
    wipe_free(my, count * nprod);
    wipe_free(mz, count * nprod);
    return rc;
}

static int preprocess(MpcEngine *e, const char *what, MaskKind kind, size_t count, unsigned K)
{
    if (check_bound(e, what, K, K) != 0) return -1;
    Pool *pool = cmp_pool(e, kind, K);
    if (!pool) return mpc_fail(e, "out of memory");
    while (pool->n < count) {
        size_t need = count - pool->n;
        if (need > MPC_CMP_CHUNK) need = MPC_CMP_CHUNK;
        if (make_masks(e, pool, kind, K, need) != 0) return -1;
    }
    return 0;
}

int mpc_cmp_preprocess(MpcEngine *e, size_t count, unsigned k)
{
    return preprocess(e, "mpc_cmp_preprocess", MK_LT, count, k);
}

int mpc_eqz_preprocess(MpcEngine *e, size_t count, unsigned k)
{
    return preprocess(e, "mpc_eqz_preprocess", MK_EQ, count, k);
}

/* The pool of n masks for (kind, K), made now if there are too few. */
static Pool *masks_for(MpcEngine *e, MaskKind kind, unsigned K, size_t n)
{
    Pool *pool = cmp_pool(e, kind, K);
    if (!pool) {
        mpc_fail(e, "out of memory");
        return NULL;
    }
    if (pool->n < n && make_masks(e, pool, kind, K, n - pool->n < CMP_MIN_BATCH ? CMP_MIN_BATCH : n - pool->n) != 0)
        return NULL;
    return pool;
}

/* One masked opening of n values (x + 2^K + R of each record's level lv),
 * unmasked into cl (4 limbs each): (x + r') mod 2^m.  The records stay in
 * the pool: the caller consumes them. */
static int open_masked(MpcEngine *e, const Fe *x, size_t n, unsigned K, const Fe *recs, size_t re, const Level *lv,
                       uint64_t *cl)
{
    const Field *f = e->f;
    Fe *pay = scratch(n, sizeof(Fe)), *c = scratch(n, sizeof(Fe));
    int rc = (pay && c) ? 0 : mpc_fail(e, "out of memory");
    Fe off;
    fe_pow2(f, &off, K);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        fe_add(f, &pay[i], &x[i], &off);
        fe_add(f, &pay[i], &pay[i], &recs[i * re + lv->off]);
    }
    if (rc == 0) rc = mpc_round(e, pay, n, c, NULL, NULL, 0, NULL);
    for (size_t i = 0; rc == 0 && i < n; i++) unmask(f, &c[i], K, lv->m, cl + 4 * i);
    wipe_free(pay, n);
    free(c);
    return rc;
}

/* Which [x < 0] masks a batch of n uses.  4-bit blocks (MK_LT) cost 11
 * products per block offline and give the fewest online rounds and
 * openings: for big batches, whose online phase is what is measured, and
 * whenever enough of them were made ahead (mpc_cmp_preprocess).  Smaller
 * batches, whose cost is mostly preprocessing, get 2-bit blocks (MK_LT2):
 * for K = 64, 32 + 52 offline and 5 online triples plus 64 for the bits,
 * 153 a comparison instead of 266 (docs/mpc.md), one more online round.  Every party takes the same
 * decision: their pools are alike. */
#define LT_WIDE_BATCH ((size_t)256)

static MaskKind lt_kind(const MpcEngine *e, unsigned K, size_t n)
{
    if (K < 16 || n >= LT_WIDE_BATCH) return MK_LT;
    const CmpState *st = e->cmp;
    for (int i = 0; st && i < CMP_SLOTS; i++)
        if (st->K[i] == K && st->kind[i] == MK_LT && st->pool[i].n >= n) return MK_LT;
    return MK_LT2;
}

/* [x < 0] with masks from the pool: one opening, then the tree over blocks. */
static int ltz_prepared(MpcEngine *e, const Fe *x, size_t n, unsigned K, Fe *out)
{
    const Field *f = e->f;
    MaskKind kind = lt_kind(e, K, n);
    Pool *pool = masks_for(e, kind, K, n);
    if (!pool) return -1;
    Layout ly;
    layout_of(kind, K, &ly);
    const Level *lv = &ly.lev[0];
    unsigned L = lv->L;
    size_t re = ly.rec;
    const Fe *recs = pool_head(pool);
    uint64_t *cl = scratch(n * 4, sizeof *cl);
    Fe *G = scratch(n * L, sizeof(Fe)), *P = scratch(n * L, sizeof(Fe));
    int rc = (cl && G && P) ? 0 : mpc_fail(e, "out of memory");
    if (rc == 0) rc = open_masked(e, x, n, K, recs, re, lv, cl);
    for (size_t i = 0; rc == 0 && i < n; i++)
        for (unsigned blk = 0; blk < L; blk++) {
            unsigned size = block_size(lv, blk), cb = bits_at(cl + 4 * i, lv->bb * blk, size);
            const Fe *u = recs + i * re + block_at(lv, blk);
            Fe *g = &G[i * L + blk];
            if (cb + 1 < (1u << size))
                *g = u[cb + 1];
            else
                fe_zero(g);
            fe_sub(f, &P[i * L + blk], &u[cb], g);
        }
    Fe inv;
    fe_inv_pow2(f, &inv, K);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* x mod 2^K = c' - r' + 2^K·u with u = G of the whole value */
        Fe cp;
        fe_from_limbs(f, &cp, cl + 4 * i);
        fe_sub(f, &cp, &cp, &recs[i * re + 1]);
        fe_sub(f, &out[i], &cp, &x[i]);
    }
    /* [x < 0] = (x mod 2^K - x)/2^K = u + (c' - r' - x)·2^-K */
    if (rc == 0) fe_mul_scalar_batch(f, out, out, &inv, n);
    if (rc == 0) rc = tree(e, G, P, n, L, recs + ly.dbl, re);
    /* every record was used by the opening: burn them, right or wrong */
    pool_consume(pool, n);
    for (size_t i = 0; rc == 0 && i < n; i++) fe_add(f, &out[i], &out[i], &G[i]);
    free(cl);
    wipe_free(G, n * L);
    wipe_free(P, n * L);
    return rc;
}

static int ltz_chunk(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out)
{
    return ltz_prepared(e, x, n, K, out);
}

int mpc_ltz(MpcEngine *e, const Fe *x, size_t n, unsigned K, Fe *out)
{
    return chunked(e, "mpc_ltz", ltz_chunk, x, n, K, K, out, 1);
}

/* [x == 0] with masks from the pool: two openings (see above). */
static int eqz_chunk(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned unused, Fe *out)
{
    const Field *f = e->f;
    Pool *pool = masks_for(e, MK_EQ, K, n);
    if (!pool) return -1;
    Layout ly;
    layout_of(MK_EQ, K, &ly);
    const Level *l1 = &ly.lev[0], *l2 = &ly.lev[1];
    size_t re = ly.rec;
    const Fe *recs = pool_head(pool);
    uint64_t *cl = zalloc(n * 4, sizeof *cl);
    Fe *d = zalloc(n, sizeof(Fe));
    int rc = (cl && d) ? 0 : mpc_fail(e, "out of memory");
    if (rc == 0) rc = open_masked(e, x, n, K, recs, re, l1, cl);
    Fe nblocks;
    fe_from_u64(f, &nblocks, l1->L);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* d = blocks - Σ I_(c block): the number of blocks that differ */
        d[i] = nblocks;
        for (unsigned blk = 0; blk < l1->L; blk++) {
            unsigned cb = bits_at(cl + 4 * i, l1->bb * blk, block_size(l1, blk));
            fe_sub(f, &d[i], &d[i], &recs[i * re + block_at(l1, blk) + cb]);
        }
    }
    if (rc == 0) rc = open_masked(e, d, n, l2->m, recs, re, l2, cl);
    for (size_t i = 0; rc == 0 && i < n; i++) out[i] = recs[i * re + block_at(l2, 0) + bits_at(cl + 4 * i, 0, l2->m)];
    pool_consume(pool, n);
    free(cl);
    wipe_free(d, n);
    return rc;
}

int mpc_eqz(MpcEngine *e, const Fe *x, size_t n, unsigned K, Fe *out)
{
    return chunked(e, "mpc_eqz", eqz_chunk, x, n, K, 0, out, 1);
}

int mpc_compare(MpcEngine *e, MpcCmpOp op, const Fe *a, const Fe *b, size_t n, unsigned k, Fe *out)
{
    const Field *f = e->f;
    if ((n && (!a || !out)) || op < MPC_CMP_LT || op > MPC_CMP_NE) return mpc_fail(e, "mpc_compare: bad arguments");
    Fe *x = zalloc(n, sizeof(Fe));
    if (!x) return mpc_fail(e, "out of memory");
    bool swap = op == MPC_CMP_GT || op == MPC_CMP_LE;
    for (size_t i = 0; i < n; i++) {
        Fe zero, bi;
        fe_zero(&zero);
        bi = b ? b[i] : zero;
        if (swap)
            fe_sub(f, &x[i], &bi, &a[i]);
        else
            fe_sub(f, &x[i], &a[i], &bi);
    }
    int rc = (op == MPC_CMP_EQ || op == MPC_CMP_NE) ? mpc_eqz(e, x, n, k, out) : mpc_ltz(e, x, n, k, out);
    if (rc == 0 && (op == MPC_CMP_LE || op == MPC_CMP_GE || op == MPC_CMP_NE)) {
        Fe one;
        fe_one(f, &one);
        for (size_t i = 0; i < n; i++) fe_sub(f, &out[i], &one, &out[i]);
    }
    wipe_free(x, n);
    return rc;
}

/* ---- range checks ------------------------------------------------------------------
 *
 * x may be any field element (a malicious client's input).  With
 * y = x - lo, W = hi - lo + 1 and R = Σ_{j<B} 2^j b_j from B =
 * MPC_RANGE_MASK_BITS preprocessed bits, c = open(y + R), an integer in
 * [0, p).  y is in [0, W) iff the integer c - R is: c - R ≡ y (mod p) and
 * |c - R| < p, while an honest y < W gives c = y + R < p exactly.  And
 * c - R in [0, W) means R <= c and R >= L = c - W + 1: not [c < R] and not
 * [R < L], the second being [2^B-1-L < 2^B-1-R], a comparison of the
 * complemented bits with a public value.  Both run in one carry tree of 2n
 * values, and [c < R] + [R < L] (0 exactly in range) is opened.  Cases that
 * c alone decides (c >= 2^B, L <= 0, L >= 2^B) cost nothing: c is public.
 * An honest y is hidden by R: statistical distance <= W/2^B <= 2^-40. */

/* How c alone decides one of the two comparisons: -1 not at all (the tree
 * does), else its value. */
static int range_decide(const uint64_t l[4], const MpcRange *rg, uint64_t c1[4], uint64_t c2[4], int *d2)
{
    const unsigned B = MPC_RANGE_MASK_BITS;
    memset(c1, 0, 4 * sizeof *c1);
    memset(c2, 0, 4 * sizeof *c2);
    if (l[2] || l[3] || l[1] >> 62) { /* c >= 2^126: R <= c, but L > 2^B > R */
        *d2 = 1;
        return 0;
    }
    unsigned __int128 cv = ((unsigned __int128)l[1] << 64) | l[0], top = (unsigned __int128)1 << B;
    __int128 w = (__int128)rg->hi - (__int128)rg->lo + 1, L = (__int128)cv + 1 - w;
    int d1 = cv >= top ? 0 : -1;
    if (d1 < 0) c1[0] = (uint64_t)cv, c1[1] = (uint64_t)(cv >> 64);
    if (L <= 0) {
        *d2 = 0;
    } else if ((unsigned __int128)L >= top) {
        *d2 = 1;
    } else {
        unsigned __int128 v = top - 1 - (unsigned __int128)L;
        c2[0] = (uint64_t)v, c2[1] = (uint64_t)(v >> 64);
        *d2 = -1;
    }
    return d1;
}

static int range_chunk(MpcEngine *e, const Fe *x, size_t n, const MpcRange *rg, uint8_t *ok)
{
    const Field *f = e->f;
    const unsigned B = MPC_RANGE_MASK_BITS, np = B / 2;
    const Fe *bits;
    Fe *own;
    /* (square-root bits: input checks run with a party missing) */
    if (borrow_bits(e, n * B, false, &bits, &own) != 0) return -1;
    Mask mk = { .n = 2 * n, .m = B, .np = np };
    mk.rb = scratch(2 * n * B, sizeof(Fe));
    mk.q = scratch(2 * n * np, sizeof(Fe));
    mk.c = zalloc(2 * n * 4, sizeof(uint64_t));
    Fe *pay = scratch(n, sizeof(Fe)), *c = scratch(n, sizeof(Fe)), *u = scratch(2 * n, sizeof(Fe));
    Fe *px = scratch(n * np, sizeof(Fe)), *py = scratch(n * np, sizeof(Fe));
    int *dec = scratch(2 * n, sizeof(int));
    int rc = (mk.rb && mk.q && mk.c && pay && c && u && px && py && dec) ? 0 : mpc_fail(e, "out of memory");
    Fe one;
    fe_one(f, &one);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const Fe *b = bits + i * B;
        Fe R, none, lo;
        compose(f, b, B, 0, &R, &none);
        fe_from_i64(f, &lo, rg[i].lo);
        fe_sub(f, &pay[i], &x[i], &lo);
        fe_add(f, &pay[i], &pay[i], &R);
        sodium_memzero(&R, sizeof R);
        fe_copy(mk.rb + i * B, b, B);
        for (unsigned j = 0; j < B; j++) fe_sub(f, &mk.rb[(n + i) * B + j], &one, &b[j]);
        for (unsigned j = 0; j < np; j++) {
            px[i * np + j] = b[2 * j];
            py[i * np + j] = b[2 * j + 1];
        }
    }
    release_bits(e, n * B, own);
    if (rc == 0) rc = mpc_round(e, pay, n, c, px, py, n * np, mk.q);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* complemented pairs: (1 - a)(1 - b) = 1 - a - b + ab */
        for (unsigned j = 0; j < np; j++) {
            Fe *q2 = &mk.q[(n + i) * np + j];
            lin(f, q2, 1, -1, &px[i * np + j], -1, &py[i * np + j], 1, &mk.q[i * np + j]);
        }
        uint64_t l[4];
        fe_to_limbs(f, l, &c[i]);
        dec[i] = range_decide(l, &rg[i], mk.c + 4 * i, mk.c + 4 * (n + i), &dec[n + i]);
    }
    if (rc == 0) rc = bit_lt(e, &mk, u);
    for (size_t i = 0; rc == 0 && i < 2 * n; i++)
        if (dec[i] >= 0) fe_from_u64(f, &u[i], (uint64_t)dec[i]);
    for (size_t i = 0; rc == 0 && i < n; i++) fe_add(f, &pay[i], &u[i], &u[n + i]);
    if (rc == 0) rc = mpc_round(e, pay, n, c, NULL, NULL, 0, NULL);
    for (size_t i = 0; rc == 0 && i < n; i++) ok[i] = fe_is_zero(&c[i]) ? 1 : 0;
    mask_free(&mk);
    wipe_free(pay, n);
    wipe_free(u, 2 * n);
    wipe_free(px, n * np);
    wipe_free(py, n * np);
    free(c);
    free(dec);
    return rc;
}

int mpc_check_ranges(MpcEngine *e, const Fe *x, size_t n, const MpcRange *range, uint8_t *ok)
{
    if (n && (!x || !range || !ok)) return mpc_fail(e, "mpc_check_ranges: missing array");
    for (size_t i = 0; i < n; i++)
        if (range[i].lo >= 0 && (uint64_t)range[i].lo > range[i].hi)
            return mpc_fail(e, "mpc_check_ranges: range %zu is empty (%lld > %llu)", i, (long long)range[i].lo,
                            (unsigned long long)range[i].hi);
    for (size_t i = 0; i < n; i += MPC_CMP_CHUNK) {
        size_t k = n - i < MPC_CMP_CHUNK ? n - i : MPC_CMP_CHUNK;
        if (range_chunk(e, x + i, k, range + i, ok + i) != 0) return -1;
    }
    return 0;
}

int mpc_check_client_inputs(MpcEngine *e, const MpcRange *range)
{
    if (!e->inputs_done) return mpc_fail(e, "client inputs not collected yet");
    size_t n = e->n_inputs;
    if (!n) return 0;
    MpcRange *def = NULL;
    uint8_t *ok = malloc(n);
    if (!range) {
        def = malloc(n * sizeof *def);
        for (size_t i = 0; def && i < n; i++) def[i] = (MpcRange){ INT64_MIN, UINT64_MAX };
        range = def;
    }
    /* The check is part of taking client inputs, not of the program: its
     * rounds and products stay out of the program's counters (the triples
     * and bits it used are still counted as used). */
    uint64_t rounds = e->st.rounds, opened = e->st.opened, muls = e->st.multiplications;
    int rc = ok && range ? mpc_check_ranges(e, e->inputs, n, range, ok) : mpc_fail(e, "out of memory");
    e->st.rounds = rounds;
    e->st.opened = opened;
    e->st.multiplications = muls;
    for (uint32_t c = 0; rc == 0 && c < e->n_clients; c++)
        for (uint32_t i = 0; rc == 0 && i < e->client_inputs[c]; i++) {
            const MpcRange *r = &range[e->input_off[c] + i];
            if (!ok[e->input_off[c] + i])
                rc = mpc_fail(e,
                              "client %u (node %u) input %u: refused, the value is outside [%lld, %llu], "
                              "the range of its declared type",
                              c, e->n + c, i, (long long)r->lo, (unsigned long long)r->hi);
        }
    if (rc != 0 && e->inputs) {
        /* a refused input must not be used: no input is handed out */
        sodium_memzero(e->inputs, n * sizeof *e->inputs);
        free(e->inputs);
        e->inputs = NULL;
        e->inputs_done = false;
    }
    free(def);
    free(ok);
    return rc;
}

/* ---- bit decomposition --------------------------------------------------------
 *
 * With y = x mod 2^m = c' - r' (mod 2^m) and borrow_j = [c' mod 2^j <
 * r' mod 2^j], y mod 2^j = c' mod 2^j - r' mod 2^j + 2^j·borrow_j, so
 *     y_j = c_j - r_j + 2·borrow_(j+1) - borrow_j,
 * linear in the borrows.  The borrows are the prefixes of the carry tree,
 * computed all at once by a Sklansky prefix network: ceil(log2 m) rounds. */
static int bitdec_chunk(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *bits)
{
    const Field *f = e->f;
    Mask mk;
    if (mask_open(e, x, n, K, m, false, &mk) != 0) return -1;
    size_t cap = n * m;
    Fe *G = zalloc(cap, sizeof(Fe)), *P = zalloc(cap, sizeof(Fe));
    Fe *mx = zalloc(2 * cap, sizeof(Fe)), *my = zalloc(2 * cap, sizeof(Fe)), *mz = zalloc(2 * cap, sizeof(Fe));
    int rc = (G && P && mx && my && mz) ? 0 : mpc_fail(e, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++)
        for (unsigned j = 0; j < m; j++) {
            int g0, g1, p0, p1;
            bit_gp(cbit(&mk, i, j), &g0, &g1, &p0, &p1);
            lin(f, &G[i * m + j], g0, g1, &mk.rb[i * m + j], 0, NULL, 0, NULL);
            lin(f, &P[i * m + j], p0, p1, &mk.rb[i * m + j], 0, NULL, 0, NULL);
        }
    for (unsigned s = 1; rc == 0 && s < m; s *= 2) {
        /* element j (bit s set) covers [start+s, j]; joins [start, start+s-1] */
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            for (unsigned j = 0; j < m; j++) {
                if (!(j & s)) continue;
                unsigned start = j & ~(2 * s - 1), lo = start + s - 1;
                mx[k] = P[i * m + j], my[k++] = G[i * m + lo];
                if (start) mx[k] = P[i * m + j], my[k++] = P[i * m + lo];
            }
        rc = mpc_round(e, NULL, 0, NULL, mx, my, k, mz);
        k = 0;
        for (size_t i = 0; rc == 0 && i < n; i++)
            for (unsigned j = 0; j < m; j++) {
                if (!(j & s)) continue;
                unsigned start = j & ~(2 * s - 1);
                fe_add(f, &G[i * m + j], &G[i * m + j], &mz[k++]);
                if (start) P[i * m + j] = mz[k++];
            }
    }
    /* G[j] = borrow_(j+1) now */
    for (size_t i = 0; rc == 0 && i < n; i++)
        for (unsigned j = 0; j < m; j++) {
            Fe *o = &bits[i * m + j], zero;
            fe_zero(&zero);
            const Fe *bj = j ? &G[i * m + j - 1] : &zero;
            lin(f, o, cbit(&mk, i, j), -1, &mk.rb[i * m + j], 2, &G[i * m + j], -1, bj);
        }
    wipe_free(G, cap);
    wipe_free(P, cap);
    wipe_free(mx, 2 * cap);
    wipe_free(my, 2 * cap);
    wipe_free(mz, 2 * cap);
    mask_free(&mk);
    return rc;
}

int mpc_bit_decompose(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *bits)
{
    return chunked(e, "mpc_bit_decompose", bitdec_chunk, x, n, K, m, bits, m);
}

/* ---- division by a public value ------------------------------------------------
 *
 * q0 = TruncPr(x·M, s) with M = ceil(2^s/d), s = K + bits(d): x·M/2^s is
 * within 1/d of x/d, so its floor is q or q-1, and the probabilistic
 * truncation adds 0 or 1: q0 ∈ {q-1, q, q+1}.  With r0 = x - d·q0 in
 * [-d, 2d), q = q0 - [r0 < 0] + [r0 >= d]: two comparisons of
 * (bits(d)+1)-bounded values, in the same rounds. */

/* ceil(2^s / d) into 4 limbs, s < 192, d >= 1. */
static void ceil_pow2_div(uint64_t out[4], unsigned s, uint64_t d)
{
    uint64_t num[4] = { 0, 0, 0, 0 };
    num[s / 64] = (uint64_t)1 << (s % 64);
    unsigned __int128 rem = 0;
    for (int w = 3; w >= 0; w--) {
        unsigned __int128 cur = (rem << 64) | num[w];
        out[w] = (uint64_t)(cur / d);
        rem = cur % d;
    }
    if (rem) {
        for (int w = 0; w < 4; w++)
            if (++out[w] != 0) break;
    }
}

/* Probabilistic truncation of Kt-bounded values by s bits: one round. */
static int trunc_pr(MpcEngine *e, const Fe *x, size_t n, unsigned Kt, unsigned s, Fe *out)
{
    const Field *f = e->f;
    Mask mk;
    if (mask_open(e, x, n, Kt, s, false, &mk) != 0) return -1;
    Fe inv;
    fe_inv_pow2(f, &inv, s);
    for (size_t i = 0; i < n; i++) {
        /* floor((x + r')/2^s) = (x + r' - c')/2^s */
        Fe cp;
        fe_from_limbs(f, &cp, mk.c + 4 * i);
        fe_add(f, &out[i], &x[i], &mk.rlo[i]);
        fe_sub(f, &out[i], &out[i], &cp);
        fe_mul(f, &out[i], &out[i], &inv);
    }
    mask_free(&mk);
    return 0;
}

static int div_chunk(MpcEngine *e, const Fe *x, size_t n, unsigned K, uint64_t d, bool neg, Fe *quot, Fe *rem)
{
    const Field *f = e->f;
    /* |x·M| < 2^(K + s - bd + 2) = 2^(2K+2); the mask needs s <= Kt+1 */
    unsigned bd = bitlen(d), s = K + bd, Kt = 2 * K + 2 > s ? 2 * K + 2 : s;
    Fe *xs = zalloc(n, sizeof(Fe)), *q = zalloc(n, sizeof(Fe)), *r = zalloc(2 * n, sizeof(Fe));
    Fe *u = zalloc(2 * n, sizeof(Fe));
    int rc = (xs && q && r && u) ? 0 : mpc_fail(e, "out of memory");
    Fe fd, fM;
    uint64_t M[4];
    ceil_pow2_div(M, s, d);
    fe_from_limbs(f, &fM, M);
    fe_from_u64(f, &fd, d);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (neg)
            fe_neg(f, &xs[i], &x[i]);
        else
            xs[i] = x[i];
        fe_mul(f, &q[i], &xs[i], &fM);
    }
    if (rc == 0) rc = trunc_pr(e, q, n, Kt, s, q);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        fe_mul(f, &r[i], &q[i], &fd);
        fe_sub(f, &r[i], &xs[i], &r[i]);
        fe_sub(f, &r[n + i], &r[i], &fd);
    }
    if (rc == 0) rc = mpc_ltz(e, r, 2 * n, bd + 1, u);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        /* q = q0 - [r0 < 0] + 1 - [r0 - d < 0] */
        Fe one, qq, rr;
        fe_one(f, &one);
        fe_sub(f, &qq, &q[i], &u[i]);
        fe_add(f, &qq, &qq, &one);
        fe_sub(f, &qq, &qq, &u[n + i]);
        fe_mul(f, &rr, &qq, &fd);
        fe_sub(f, &rr, &xs[i], &rr);
        /* x/(-d): floor(-x/d) is the quotient, the remainder changes sign */
        if (neg) fe_neg(f, &rr, &rr);
        if (quot) quot[i] = qq;
        if (rem) rem[i] = rr;
    }
    wipe_free(xs, n);
    wipe_free(q, n);
    wipe_free(r, 2 * n);
    wipe_free(u, 2 * n);
    return rc;
}

int mpc_trunc_pr(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out)
{
    if (m == 0) {
        memmove(out, x, n * sizeof *out);
        return 0;
    }
    for (size_t i = 0; i < n; i += MPC_CMP_CHUNK) {
        size_t c = n - i < MPC_CMP_CHUNK ? n - i : MPC_CMP_CHUNK;
        if (check_bound(e, "mpc_trunc_pr", K, m) != 0 || trunc_pr(e, x + i, c, K, m, out + i) != 0) return -1;
    }
    return 0;
}

int mpc_div_public(MpcEngine *e, const Fe *x, size_t n, unsigned K, int64_t d, Fe *quot, Fe *rem)
{
    if (d == 0) return mpc_fail(e, "mpc_div_public: division by zero");
    if (K == 0 || K > 64) return mpc_fail(e, "mpc_div_public: bit length %u out of range (1..64)", K);
    bool neg = d < 0;
    uint64_t ad = neg ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
    if (ad == 1) {
        for (size_t i = 0; i < n; i++) {
            if (quot) {
                if (neg)
                    fe_neg(e->f, &quot[i], &x[i]);
                else
                    quot[i] = x[i];
            }
            if (rem) fe_zero(&rem[i]);
        }
        return 0;
    }
    for (size_t i = 0; i < n; i += MPC_CMP_CHUNK) {
        size_t c = n - i < MPC_CMP_CHUNK ? n - i : MPC_CMP_CHUNK;
        if (div_chunk(e, x + i, c, K, ad, neg, quot ? quot + i : NULL, rem ? rem + i : NULL) != 0) return -1;
    }
    return 0;
}
