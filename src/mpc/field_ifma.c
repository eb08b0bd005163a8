/* field_ifma.c: eight Montgomery multiplications at once with AVX-512 IFMA
 * (VPMADD52LUQ/HUQ), the vector path of the batch API in field_batch.c.
 *
 * An element is split into five 52-bit limbs (radix 2^52) and eight
 * elements sit in the eight 64-bit lanes of a zmm register, one register
 * per limb.  IFMA adds the low or high 52 bits of a 52x52-bit product to a
 * 64-bit lane, so accumulators may run 12 bits past 52 before carrying:
 * carries are propagated once, at the end.
 *
 * Montgomery with five rounds of 52 bits divides by 2^260, but Fe is
 * Montgomery form for R = 2^256.  The first operand therefore enters
 * multiplied by 16 (its limbs are cut 4 bits lower), which costs nothing:
 * (16a)·b·2^-260 = a·b·2^-256.  For a < 2^256 and b < p the result is below
 * 16a·b/2^260 + p < 2p, so one conditional subtraction reduces it, for any
 * odd p < 2^256 (the same contract as fe_mul).
 *
 * Only the functions in this file carry target("avx512ifma,...") and they
 * are only called after the CPU check in field_batch.c, so the rest of the
 * build runs anywhere.  Constant time: no branch or address depends on the
 * values; the final subtraction is a mask blend. */
#include "mpc/field_batch_internal.h"

#if FE_HAVE_IFMA_PATH
#include <immintrin.h>
#include <sodium.h>
#include <string.h>

#define IFMA_ __attribute__((target("avx512ifma,avx512f,avx512vl")))
#define M52_ 0xfffffffffffffULL

typedef struct {
    __m512i p[5], pinv, mask;
} IfmaK;

/* 52-bit limbs of a 256-bit integer, shifted left by `up` bits (0 or 4). */
static void split52(uint64_t out[5], const uint64_t v[4], unsigned up)
{
    uint64_t x[5] = { v[0] << up, (v[1] << up) | (up ? v[0] >> (64 - up) : 0),
                      (v[2] << up) | (up ? v[1] >> (64 - up) : 0), (v[3] << up) | (up ? v[2] >> (64 - up) : 0),
                      up ? v[3] >> (64 - up) : 0 };
    out[0] = x[0] & M52_;
    out[1] = ((x[0] >> 52) | (x[1] << 12)) & M52_;
    out[2] = ((x[1] >> 40) | (x[2] << 24)) & M52_;
    out[3] = ((x[2] >> 28) | (x[3] << 36)) & M52_;
    out[4] = (x[3] >> 16) | (x[4] << 48);
}

IFMA_ static void ifma_consts(IfmaK *k, const Field *f)
{
    uint64_t p[5];
    split52(p, f->p, 0);
    for (int i = 0; i < 5; i++) k->p[i] = _mm512_set1_epi64((long long)p[i]);
    /* -p^-1 mod 2^52 is the low 52 bits of -p^-1 mod 2^64 */
    k->pinv = _mm512_set1_epi64((long long)(f->pinv & M52_));
    k->mask = _mm512_set1_epi64((long long)M52_);
}

/* Eight Fe (4 x 64-bit limbs each, AoS) to four registers L[k] holding
 * limb k of the eight elements. */
IFMA_ static inline void load8(__m512i L[4], const Fe *x)
{
    const __m512i lo = _mm512_setr_epi64(0, 4, 8, 12, 1, 5, 9, 13), hi = _mm512_setr_epi64(2, 6, 10, 14, 3, 7, 11, 15);
    const __m512i first = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
    const __m512i second = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
    __m512i z0 = _mm512_loadu_si512(x), z1 = _mm512_loadu_si512(x + 2);
    __m512i z2 = _mm512_loadu_si512(x + 4), z3 = _mm512_loadu_si512(x + 6);
    __m512i x01 = _mm512_permutex2var_epi64(z0, lo, z1), x23 = _mm512_permutex2var_epi64(z0, hi, z1);
    __m512i y01 = _mm512_permutex2var_epi64(z2, lo, z3), y23 = _mm512_permutex2var_epi64(z2, hi, z3);
    L[0] = _mm512_permutex2var_epi64(x01, first, y01);
    L[1] = _mm512_permutex2var_epi64(x01, second, y01);
    L[2] = _mm512_permutex2var_epi64(x23, first, y23);
    L[3] = _mm512_permutex2var_epi64(x23, second, y23);
}

/* The inverse of load8. */
IFMA_ static inline void store8(Fe *x, const __m512i L[4])
{
    const __m512i lo = _mm512_setr_epi64(0, 4, 8, 12, 1, 5, 9, 13), hi = _mm512_setr_epi64(2, 6, 10, 14, 3, 7, 11, 15);
    const __m512i first = _mm512_setr_epi64(0, 1, 2, 3, 8, 9, 10, 11);
    const __m512i second = _mm512_setr_epi64(4, 5, 6, 7, 12, 13, 14, 15);
    __m512i x01 = _mm512_permutex2var_epi64(L[0], first, L[1]), y01 = _mm512_permutex2var_epi64(L[0], second, L[1]);
    __m512i x23 = _mm512_permutex2var_epi64(L[2], first, L[3]), y23 = _mm512_permutex2var_epi64(L[2], second, L[3]);
    _mm512_storeu_si512(x, _mm512_permutex2var_epi64(x01, lo, x23));
    _mm512_storeu_si512(x + 2, _mm512_permutex2var_epi64(x01, hi, x23));
    _mm512_storeu_si512(x + 4, _mm512_permutex2var_epi64(y01, lo, y23));
    _mm512_storeu_si512(x + 6, _mm512_permutex2var_epi64(y01, hi, y23));
}

/* 64-bit limbs to 52-bit limbs; the value times 16 when `scaled`. */
IFMA_ static inline void to52(__m512i r[5], const __m512i L[4], const __m512i m, int scaled)
{
    if (scaled) {
        r[0] = _mm512_and_si512(_mm512_slli_epi64(L[0], 4), m);
        r[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(L[0], 48), _mm512_slli_epi64(L[1], 16)), m);
        r[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(L[1], 36), _mm512_slli_epi64(L[2], 28)), m);
        r[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(L[2], 24), _mm512_slli_epi64(L[3], 40)), m);
        r[4] = _mm512_srli_epi64(L[3], 12);
    } else {
        r[0] = _mm512_and_si512(L[0], m);
        r[1] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(L[0], 52), _mm512_slli_epi64(L[1], 12)), m);
        r[2] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(L[1], 40), _mm512_slli_epi64(L[2], 24)), m);
        r[3] = _mm512_and_si512(_mm512_or_si512(_mm512_srli_epi64(L[2], 28), _mm512_slli_epi64(L[3], 36)), m);
        r[4] = _mm512_srli_epi64(L[3], 16);
    }
}

/* Normalised 52-bit limbs of a value < 2^256 back to 64-bit limbs. */
IFMA_ static inline void to64(__m512i L[4], const __m512i t[5])
{
    L[0] = _mm512_or_si512(t[0], _mm512_slli_epi64(t[1], 52));
    L[1] = _mm512_or_si512(_mm512_srli_epi64(t[1], 12), _mm512_slli_epi64(t[2], 40));
    L[2] = _mm512_or_si512(_mm512_srli_epi64(t[2], 24), _mm512_slli_epi64(t[3], 28));
    L[3] = _mm512_or_si512(_mm512_srli_epi64(t[3], 36), _mm512_slli_epi64(t[4], 16));
}

/* t (unnormalised limbs, value < 2p) to the normalised value mod p:
 * propagate carries, subtract p with borrows, keep t where that went
 * negative (mask blend, no branch). */
IFMA_ static inline void carry_reduce(const IfmaK *k, __m512i t[5])
{
    for (int i = 0; i < 4; i++) {
        t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_srli_epi64(t[i], 52));
        t[i] = _mm512_and_si512(t[i], k->mask);
    }
    __m512i s[5], b = _mm512_setzero_si512();
    for (int i = 0; i < 5; i++) {
        s[i] = _mm512_add_epi64(_mm512_sub_epi64(t[i], k->p[i]), b);
        b = _mm512_srai_epi64(s[i], 52); /* 0 or -1 */
        if (i < 4) s[i] = _mm512_and_si512(s[i], k->mask);
    }
    __mmask8 neg = _mm512_cmplt_epi64_mask(s[4], _mm512_setzero_si512());
    for (int i = 0; i < 5; i++) t[i] = _mm512_mask_blend_epi64(neg, s[i], t[i]);
}

#define LO_(acc, x, y) _mm512_madd52lo_epu64((acc), (x), (y))
#define HI_(acc, x, y) _mm512_madd52hi_epu64((acc), (x), (y))

/* r = (16a)·b·2^-260 mod p, lane by lane; a16 and b are normalised. */
IFMA_ static inline void mont8(const IfmaK *k, __m512i r[5], const __m512i a[5], const __m512i b[5])
{
    const __m512i z = _mm512_setzero_si512();
    __m512i t0 = z, t1 = z, t2 = z, t3 = z, t4 = z, t5 = z;
    for (int i = 0; i < 5; i++) {
        __m512i bi = b[i];
        t0 = LO_(t0, a[0], bi);
        t1 = HI_(t1, a[0], bi);
        t1 = LO_(t1, a[1], bi);
        t2 = HI_(t2, a[1], bi);
        t2 = LO_(t2, a[2], bi);
        t3 = HI_(t3, a[2], bi);
        t3 = LO_(t3, a[3], bi);
        t4 = HI_(t4, a[3], bi);
        t4 = LO_(t4, a[4], bi);
        t5 = HI_(t5, a[4], bi);
        /* m = t0·(-p^-1) mod 2^52; adding m·p clears t0's low 52 bits */
        __m512i m = LO_(z, t0, k->pinv);
        t0 = LO_(t0, m, k->p[0]);
        t1 = HI_(t1, m, k->p[0]);
        t1 = LO_(t1, m, k->p[1]);
        t2 = HI_(t2, m, k->p[1]);
        t2 = LO_(t2, m, k->p[2]);
        t3 = HI_(t3, m, k->p[2]);
        t3 = LO_(t3, m, k->p[3]);
        t4 = HI_(t4, m, k->p[3]);
        t4 = LO_(t4, m, k->p[4]);
        t5 = HI_(t5, m, k->p[4]);
        /* divide by 2^52: drop t0, keeping its carry */
        t0 = _mm512_add_epi64(t1, _mm512_srli_epi64(t0, 52));
        t1 = t2;
        t2 = t3;
        t3 = t4;
        t4 = t5;
        t5 = z;
    }
    r[0] = t0;
    r[1] = t1;
    r[2] = t2;
    r[3] = t3;
    r[4] = t4;
    carry_reduce(k, r);
}

/* One block of eight: out = a·b (+ c), with b either eight elements or
 * one broadcast element (bs, already split). */
IFMA_ static inline void block8(const IfmaK *k, Fe *out, const Fe *a, const Fe *b, const __m512i *bs, const Fe *c)
{
    __m512i L[4], a52[5], b52[5], r[5];
    load8(L, a);
    to52(a52, L, k->mask, 1);
    if (bs) {
        for (int i = 0; i < 5; i++) b52[i] = bs[i];
    } else {
        if (b != a) load8(L, b);
        to52(b52, L, k->mask, 0);
    }
    mont8(k, r, a52, b52);
    if (c) {
        __m512i c52[5];
        load8(L, c);
        to52(c52, L, k->mask, 0);
        for (int i = 0; i < 5; i++) r[i] = _mm512_add_epi64(r[i], c52[i]);
        carry_reduce(k, r); /* r + c < 2p */
    }
    to64(L, r);
    store8(out, L);
}

/* fe_dot_small, eight elements per step: v in 52-bit limbs (5) times the
 * coefficient's limbs (3) into 8 column registers, radix 2^52, lane by
 * lane.  A column takes at most 6 terms of < 2^52 per step, so the 64-bit
 * lanes are emptied into 128-bit sums every DOT_FLUSH steps, well before
 * they could overflow (2^12 / 6 steps). */
enum { DOT_FLUSH = 512 };

IFMA_ static void dot_flush(__m512i col[8], unsigned __int128 sum[8])
{
    uint64_t l[8];
    for (int c = 0; c < 8; c++) {
        _mm512_storeu_si512(l, col[c]);
        for (int i = 0; i < 8; i++) sum[c] += l[i];
        col[c] = _mm512_setzero_si512();
    }
    sodium_memzero(l, sizeof l);
}

IFMA_ static inline void dot_step(__m512i col[8], const __m512i v52[5], const __m512i c[3])
{
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 3; j++) {
            col[i + j] = LO_(col[i + j], v52[i], c[j]);
            col[i + j + 1] = HI_(col[i + j + 1], v52[i], c[j]);
        }
}

IFMA_ void fe_ifma_dot_(const Fe *v, const uint64_t *c52, size_t stride, size_t n, uint64_t acc[9])
{
    const __m512i m = _mm512_set1_epi64((long long)M52_);
    __m512i col[8], L[4], v52[5], c[3];
    unsigned __int128 sum[8] = { 0 };
    for (int i = 0; i < 8; i++) col[i] = _mm512_setzero_si512();
    size_t k = 0, steps = 0;
    for (; k + 8 <= n; k += 8) {
        load8(L, v + k);
        to52(v52, L, m, 0);
        for (int j = 0; j < 3; j++) c[j] = _mm512_loadu_si512(c52 + (size_t)j * stride + k);
        dot_step(col, v52, c);
        if (++steps == DOT_FLUSH) {
            dot_flush(col, sum);
            steps = 0;
        }
    }
    if (k < n) { /* the tail through zero-padded blocks: zero coefficients add nothing */
        Fe tv[8];
        uint64_t tc[3][8];
        memset(tv, 0, sizeof tv);
        memset(tc, 0, sizeof tc);
        memcpy(tv, v + k, (n - k) * sizeof *tv);
        for (int j = 0; j < 3; j++) memcpy(tc[j], c52 + (size_t)j * stride + k, (n - k) * sizeof(uint64_t));
        load8(L, tv);
        to52(v52, L, m, 0);
        for (int j = 0; j < 3; j++) c[j] = _mm512_loadu_si512(tc[j]);
        dot_step(col, v52, c);
        sodium_memzero(tv, sizeof tv);
    }
    dot_flush(col, sum);
    for (unsigned i = 0; i < 8; i++) fe_dot_add_shifted_(acc, sum[i], 52 * i);
    sodium_memzero(sum, sizeof sum);
    sodium_memzero(L, sizeof L);
    sodium_memzero(v52, sizeof v52);
}

IFMA_ void fe_ifma_batch_(const Field *f, Fe *out, const Fe *a, const Fe *b, const Fe *s, const Fe *c, size_t n)
{
    IfmaK k;
    ifma_consts(&k, f);
    __m512i bs[5];
    if (s) {
        uint64_t l[5];
        split52(l, s->v, 0);
        for (int i = 0; i < 5; i++) bs[i] = _mm512_set1_epi64((long long)l[i]);
        sodium_memzero(l, sizeof l);
    }
    size_t i = 0;
    for (; i + 8 <= n; i += 8) block8(&k, out + i, a + i, b ? b + i : a + i, s ? bs : NULL, c ? c + i : NULL);
    if (i < n) {
        /* the tail through a zero-padded block on the stack */
        Fe ta[8], tb[8], tc[8];
        size_t m = n - i;
        memset(ta, 0, sizeof ta);
        memset(tb, 0, sizeof tb);
        memset(tc, 0, sizeof tc);
        memcpy(ta, a + i, m * sizeof *ta);
        if (b) memcpy(tb, b + i, m * sizeof *tb);
        if (c) memcpy(tc, c + i, m * sizeof *tc);
        block8(&k, ta, ta, b ? tb : ta, s ? bs : NULL, c ? tc : NULL);
        memcpy(out + i, ta, m * sizeof *ta);
        sodium_memzero(ta, sizeof ta);
        sodium_memzero(tb, sizeof tb);
        sodium_memzero(tc, sizeof tc);
    }
    if (s) sodium_memzero(bs, sizeof bs);
}
#endif
