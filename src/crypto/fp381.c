/* fp381.c: BLS12-381 base field arithmetic (fp381.h).  Montgomery
 * multiplication is CIOS over six limbs with unsigned __int128. */
#include "crypto/fp381.h"

#include <string.h>

__extension__ typedef unsigned __int128 u128;

static const uint64_t P[6] = { 0xb9feffffffffaaabULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
                               0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL };
static const uint64_t PINV = 0x89f3fffcfffcfffdULL; /* -p^-1 mod 2^64 */
static const Fp R2 = { { 0xf4df1f341c341746ULL, 0x0a76e6a609d104f1ULL, 0x8de5476c4c95b6d5ULL, 0x67eb88a9939d83c0ULL,
                         0x9a793e85b519952dULL, 0x11988fe592cae3aaULL } };
const Fp fp_one_m = { { 0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL, 0x77ce585370525745ULL,
                        0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL } };
static const uint64_t P_MINUS_2[6] = { 0xb9feffffffffaaa9ULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
                                       0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL };
static const uint64_t P_PLUS_1_DIV_4[6] = { 0xee7fbfffffffeaabULL, 0x07aaffffac54ffffULL, 0xd9cc34a83dac3d89ULL,
                                            0xd91dd2e13ce144afULL, 0x92c6e9ed90d2eb35ULL, 0x0680447a8e5ff9a6ULL };
static const uint64_t HALF_P[6] = { 0xdcff7fffffffd555ULL, 0x0f55ffff58a9ffffULL, 0xb39869507b587b12ULL,
                                    0xb23ba5c279c2895fULL, 0x258dd3db21a5d66bULL, 0x0d0088f51cbff34dULL };

/* Keeps the optimiser from turning a mask into a branch. */
#define BARRIER(x) __asm__("" : "+r"(x))

/* Carry chains: on x86-64 the ADC/SBB intrinsics give straight adc/sbb
 * sequences (as mpc/field.h); elsewhere 128-bit arithmetic. */
#if defined(__x86_64__)
#include <x86intrin.h>
static inline uint64_t adc(uint64_t a, uint64_t b, uint64_t *carry)
{
    unsigned long long r;
    *carry = _addcarry_u64((unsigned char)*carry, a, b, &r);
    return r;
}

static inline uint64_t sbb(uint64_t a, uint64_t b, uint64_t *borrow)
{
    unsigned long long r;
    *borrow = _subborrow_u64((unsigned char)*borrow, a, b, &r);
    return r;
}
#else
static inline uint64_t adc(uint64_t a, uint64_t b, uint64_t *carry)
{
    u128 t = (u128)a + b + *carry;
    *carry = (uint64_t)(t >> 64);
    return (uint64_t)t;
}

static inline uint64_t sbb(uint64_t a, uint64_t b, uint64_t *borrow)
{
    u128 t = (u128)a - b - *borrow;
    *borrow = (uint64_t)(t >> 64) & 1;
    return (uint64_t)t;
}
#endif

static inline uint64_t mac(uint64_t acc, uint64_t a, uint64_t b, uint64_t *carry)
{
    u128 t = (u128)a * b + acc + *carry;
    *carry = (uint64_t)(t >> 64);
    return (uint64_t)t;
}

/* r = t - p if t (with top carry hi) >= p, else t.  Written out limb by
 * limb with a barrier on the mask: gcc would otherwise vectorise the
 * select into SSE stores that stall the next load (as mpc/field.h). */
static inline void final_sub6(Fp *r, uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3, uint64_t t4, uint64_t t5,
                              uint64_t hi)
{
    uint64_t b = 0;
    uint64_t s0 = sbb(t0, P[0], &b), s1 = sbb(t1, P[1], &b), s2 = sbb(t2, P[2], &b);
    uint64_t s3 = sbb(t3, P[3], &b), s4 = sbb(t4, P[4], &b), s5 = sbb(t5, P[5], &b);
    uint64_t keep = (uint64_t)0 - (b & (hi ^ 1));
    BARRIER(keep);
    r->v[0] = (t0 & keep) | (s0 & ~keep);
    r->v[1] = (t1 & keep) | (s1 & ~keep);
    r->v[2] = (t2 & keep) | (s2 & ~keep);
    r->v[3] = (t3 & keep) | (s3 & ~keep);
    r->v[4] = (t4 & keep) | (s4 & ~keep);
    r->v[5] = (t5 & keep) | (s5 & ~keep);
}

void fp_add(Fp *r, const Fp *a, const Fp *b)
{
    uint64_t c = 0;
    uint64_t t0 = adc(a->v[0], b->v[0], &c), t1 = adc(a->v[1], b->v[1], &c), t2 = adc(a->v[2], b->v[2], &c);
    uint64_t t3 = adc(a->v[3], b->v[3], &c), t4 = adc(a->v[4], b->v[4], &c), t5 = adc(a->v[5], b->v[5], &c);
    final_sub6(r, t0, t1, t2, t3, t4, t5, c);
}

void fp_sub(Fp *r, const Fp *a, const Fp *b)
{
    uint64_t br = 0, c = 0;
    uint64_t t0 = sbb(a->v[0], b->v[0], &br), t1 = sbb(a->v[1], b->v[1], &br), t2 = sbb(a->v[2], b->v[2], &br);
    uint64_t t3 = sbb(a->v[3], b->v[3], &br), t4 = sbb(a->v[4], b->v[4], &br), t5 = sbb(a->v[5], b->v[5], &br);
    uint64_t m = (uint64_t)0 - br; /* add p back when a < b */
    BARRIER(m);
    r->v[0] = adc(t0, P[0] & m, &c);
    r->v[1] = adc(t1, P[1] & m, &c);
    r->v[2] = adc(t2, P[2] & m, &c);
    r->v[3] = adc(t3, P[3] & m, &c);
    r->v[4] = adc(t4, P[4] & m, &c);
    r->v[5] = adc(t5, P[5] & m, &c);
}

void fp_neg(Fp *r, const Fp *a)
{
    Fp z = { { 0 } };
    fp_sub(r, &z, a);
}

/* One CIOS round with the multiplier limb bi: t += a·bi, then t = (t +
 * m·p) / 2^64.  p < 2^382 leaves two spare bits in the top limb, so the
 * running value stays below 2p < 2^383 and needs no seventh limb (the
 * "no-carry" variant). */
#define CIOS_ROUND(bi)                \
    do {                              \
        uint64_t c_ = 0, m_, h_;      \
        t0 = mac(t0, a0, (bi), &c_);  \
        t1 = mac(t1, a1, (bi), &c_);  \
        t2 = mac(t2, a2, (bi), &c_);  \
        t3 = mac(t3, a3, (bi), &c_);  \
        t4 = mac(t4, a4, (bi), &c_);  \
        t5 = mac(t5, a5, (bi), &c_);  \
        h_ = c_;                      \
        m_ = t0 * PINV;               \
        c_ = 0;                       \
        (void)mac(t0, m_, P[0], &c_); \
        t0 = mac(t1, m_, P[1], &c_);  \
        t1 = mac(t2, m_, P[2], &c_);  \
        t2 = mac(t3, m_, P[3], &c_);  \
        t3 = mac(t4, m_, P[4], &c_);  \
        t4 = mac(t5, m_, P[5], &c_);  \
        t5 = h_ + c_;                 \
    } while (0)

void fp_mul(Fp *r, const Fp *a, const Fp *b)
{
    const uint64_t a0 = a->v[0], a1 = a->v[1], a2 = a->v[2], a3 = a->v[3], a4 = a->v[4], a5 = a->v[5];
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0;
    CIOS_ROUND(b->v[0]);
    CIOS_ROUND(b->v[1]);
    CIOS_ROUND(b->v[2]);
    CIOS_ROUND(b->v[3]);
    CIOS_ROUND(b->v[4]);
    CIOS_ROUND(b->v[5]);
    final_sub6(r, t0, t1, t2, t3, t4, t5, 0);
}

/* Squaring: the 15 cross products once and doubled, the 6 squares, then
 * six Montgomery reduction rounds (21 limb products instead of 36 before
 * the reduction). */
void fp_sqr(Fp *r, const Fp *a)
{
    uint64_t t[12] = { 0 }, c;
#pragma GCC unroll 12
    for (int i = 0; i < 6; i++) {
        c = 0;
#pragma GCC unroll 6
        for (int j = i + 1; j < 6; j++) t[i + j] = mac(t[i + j], a->v[i], a->v[j], &c);
        t[i + 6] = c;
    }
#pragma GCC unroll 12
    for (int i = 11; i > 0; i--) t[i] = (t[i] << 1) | (t[i - 1] >> 63);
    t[0] <<= 1;
    c = 0;
#pragma GCC unroll 12
    for (int i = 0; i < 6; i++) {
        u128 sq = (u128)a->v[i] * a->v[i];
        t[2 * i] = adc(t[2 * i], (uint64_t)sq, &c);
        t[2 * i + 1] = adc(t[2 * i + 1], (uint64_t)(sq >> 64), &c);
    }
    uint64_t top = 0;
#pragma GCC unroll 12
    for (int i = 0; i < 6; i++) {
        uint64_t m = t[i] * PINV;
        c = 0;
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++) t[i + j] = mac(t[i + j], m, P[j], &c);
        t[i + 6] = adc(t[i + 6], c, &top);
    }
    final_sub6(r, t[6], t[7], t[8], t[9], t[10], t[11], top);
}

/* Fixed 4-bit window: about 96 multiplications besides the squarings
 * instead of one per set bit.  The table index is the public exponent's. */
void fp_pow(Fp *r, const Fp *a, const uint64_t e[6])
{
    Fp tab[16], acc = fp_one_m;
    tab[0] = fp_one_m;
    tab[1] = *a;
    for (int i = 2; i < 16; i++) fp_mul(&tab[i], &tab[i - 1], a);
    for (int w = 95; w >= 0; w--) {
        for (int d = 0; d < 4; d++) fp_sqr(&acc, &acc);
        unsigned nib = (unsigned)(e[w / 16] >> (4 * (w % 16))) & 15;
        if (nib) fp_mul(&acc, &acc, &tab[nib]); /* e is public */
    }
    *r = acc;
    memset(tab, 0, sizeof tab);
}

void fp_inv(Fp *r, const Fp *a) { fp_pow(r, a, P_MINUS_2); }

int fp_equal(const Fp *a, const Fp *b)
{
    uint64_t d = 0;
    for (int i = 0; i < 6; i++) d |= a->v[i] ^ b->v[i];
    return (int)((1 & ((d | (0 - d)) >> 63)) ^ 1);
}

int fp_is_zero(const Fp *a)
{
    static const Fp z = { { 0 } };
    return fp_equal(a, &z);
}

int fp_sqrt(Fp *r, const Fp *a)
{
    Fp c, c2;
    fp_pow(&c, a, P_PLUS_1_DIV_4);
    fp_sqr(&c2, &c);
    *r = c;
    return fp_equal(&c2, a);
}

void fp_cmov(Fp *r, const Fp *a, const Fp *b, int cond)
{
    uint64_t m = (uint64_t)0 - (uint64_t)(cond & 1);
    BARRIER(m);
    for (int i = 0; i < 6; i++) r->v[i] = (a->v[i] & ~m) | (b->v[i] & m);
}

/* Canonical (non-Montgomery) limbs of a. */
static void fp_canon(uint64_t out[6], const Fp *a)
{
    static const Fp one = { { 1 } };
    Fp t;
    fp_mul(&t, a, &one);
    memcpy(out, t.v, sizeof t.v);
}

int fp_lex_largest(const Fp *a)
{
    uint64_t v[6], b = 0;
    fp_canon(v, a);
    for (int i = 0; i < 6; i++) (void)sbb(HALF_P[i], v[i], &b);
    return (int)b;
}

void fp_from_u64(Fp *r, uint64_t v)
{
    Fp t = { { v } };
    fp_mul(r, &t, &R2);
}

static void limbs_from_be(uint64_t out[6], const uint8_t in[48])
{
    for (int i = 0; i < 6; i++) {
        uint64_t w = 0;
        for (int k = 0; k < 8; k++) w = (w << 8) | in[(5 - i) * 8 + k];
        out[i] = w;
    }
}

int fp_from_be(Fp *r, const uint8_t in[48])
{
    Fp t;
    uint64_t b = 0;
    limbs_from_be(t.v, in);
    for (int i = 0; i < 6; i++) (void)sbb(t.v[i], P[i], &b);
    fp_mul(r, &t, &R2);
    if (!b) { /* >= p: the verdict is public */
        memset(r, 0, sizeof *r);
        return -1;
    }
    return 0;
}

void fp_to_be(uint8_t out[48], const Fp *a)
{
    uint64_t v[6];
    fp_canon(v, a);
    for (int i = 0; i < 6; i++)
        for (int k = 0; k < 8; k++) out[(5 - i) * 8 + k] = (uint8_t)(v[i] >> (56 - 8 * k));
}

void fp_from_be_mod(Fp *r, const uint8_t *in, size_t len)
{
    /* Horner over 48-byte chunks from the top: acc = acc·2^384 + chunk.
     * A chunk below 2^384 times R2 reduces correctly (result < 2p before
     * the final subtraction). */
    Fp acc = { { 0 } };
    size_t first = len % 48 ? len % 48 : 48;
    size_t pos = 0;
    while (pos < len) {
        size_t take = pos == 0 ? first : 48;
        uint8_t chunk[48] = { 0 };
        memcpy(chunk + 48 - take, in + pos, take);
        Fp c;
        limbs_from_be(c.v, chunk);
        fp_mul(&c, &c, &R2);
        fp_mul(&acc, &acc, &R2); /* acc·R·R·R^-1 = (acc·2^384) in Montgomery form */
        fp_add(&acc, &acc, &c);
        pos += take;
    }
    *r = acc;
}

/* ---- Fp2 ----------------------------------------------------------------- */

void fp2_add(Fp2 *r, const Fp2 *a, const Fp2 *b)
{
    fp_add(&r->c0, &a->c0, &b->c0);
    fp_add(&r->c1, &a->c1, &b->c1);
}

void fp2_sub(Fp2 *r, const Fp2 *a, const Fp2 *b)
{
    fp_sub(&r->c0, &a->c0, &b->c0);
    fp_sub(&r->c1, &a->c1, &b->c1);
}

void fp2_neg(Fp2 *r, const Fp2 *a)
{
    fp_neg(&r->c0, &a->c0);
    fp_neg(&r->c1, &a->c1);
}

/* Karatsuba: three base-field multiplications. */
void fp2_mul(Fp2 *r, const Fp2 *a, const Fp2 *b)
{
    Fp t0, t1, s0, s1;
    fp_mul(&t0, &a->c0, &b->c0);
    fp_mul(&t1, &a->c1, &b->c1);
    fp_add(&s0, &a->c0, &a->c1);
    fp_add(&s1, &b->c0, &b->c1);
    fp_mul(&s0, &s0, &s1);
    fp_sub(&r->c0, &t0, &t1);
    fp_sub(&s0, &s0, &t0);
    fp_sub(&r->c1, &s0, &t1);
}

/* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u: two multiplications. */
void fp2_sqr(Fp2 *r, const Fp2 *a)
{
    Fp s, d, m;
    fp_add(&s, &a->c0, &a->c1);
    fp_sub(&d, &a->c0, &a->c1);
    fp_mul(&m, &a->c0, &a->c1);
    fp_mul(&r->c0, &s, &d);
    fp_add(&r->c1, &m, &m);
}

void fp2_inv(Fp2 *r, const Fp2 *a)
{
    Fp n, t;
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    fp_inv(&n, &n);
    fp_mul(&r->c0, &a->c0, &n);
    fp_mul(&t, &a->c1, &n);
    fp_neg(&r->c1, &t);
}

int fp2_is_zero(const Fp2 *a) { return fp_is_zero(&a->c0) & fp_is_zero(&a->c1); }

int fp2_equal(const Fp2 *a, const Fp2 *b) { return fp_equal(&a->c0, &b->c0) & fp_equal(&a->c1, &b->c1); }

void fp2_cmov(Fp2 *r, const Fp2 *a, const Fp2 *b, int cond)
{
    fp_cmov(&r->c0, &a->c0, &b->c0, cond);
    fp_cmov(&r->c1, &a->c1, &b->c1, cond);
}

int fp2_lex_largest(const Fp2 *a)
{
    int c1z = fp_is_zero(&a->c1);
    return (fp_lex_largest(&a->c1) & (c1z ^ 1)) | (fp_lex_largest(&a->c0) & c1z);
}

int fp2_sqrt_vartime(Fp2 *r, const Fp2 *a)
{
    Fp half, s, t;
    fp_from_u64(&half, 2);
    fp_inv(&half, &half);
    if (fp_is_zero(&a->c1)) {
        if (fp_sqrt(&s, &a->c0)) {
            r->c0 = s;
            memset(&r->c1, 0, sizeof r->c1);
            return 1;
        }
        fp_neg(&t, &a->c0); /* (s·u)^2 = -s^2 */
        if (!fp_sqrt(&s, &t)) return 0;
        memset(&r->c0, 0, sizeof r->c0);
        r->c1 = s;
        return 1;
    }
    /* norm a0^2 + a1^2 must be a square in Fp; then x0^2 = (a0 ± sqrt(norm))/2 */
    Fp n, x0, x1;
    fp_sqr(&n, &a->c0);
    fp_sqr(&t, &a->c1);
    fp_add(&n, &n, &t);
    if (!fp_sqrt(&s, &n)) return 0;
    fp_add(&t, &a->c0, &s);
    fp_mul(&t, &t, &half);
    if (!fp_sqrt(&x0, &t)) {
        fp_sub(&t, &a->c0, &s);
        fp_mul(&t, &t, &half);
        if (!fp_sqrt(&x0, &t)) return 0;
    }
    fp_add(&t, &x0, &x0);
    fp_inv(&t, &t);
    fp_mul(&x1, &a->c1, &t);
    r->c0 = x0;
    r->c1 = x1;
    Fp2 chk;
    fp2_sqr(&chk, r);
    return fp2_equal(&chk, a);
}
