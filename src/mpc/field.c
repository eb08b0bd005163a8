/* field.c: the non-inline part of the prime-field arithmetic (field.h). */
#include "mpc/field.h"

#include <sodium.h>
#include <stdlib.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <string.h>
#include <strings.h>

/* Constants computed offline from p and re-derived by field_init in
 * tests/unit/test_field.c, so a typo here cannot survive the test suite. */
const Field field_bls12_381 = {
    .p = { 0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL, 0x73eda753299d7d48ULL },
    .r1 = { 0x00000001fffffffeULL, 0x5884b7fa00034802ULL, 0x998c4fefecbc4ff5ULL, 0x1824b159acc5056fULL },
    .r2 = { 0xc999e990f3f29c6dULL, 0x2b6cedcb87925c23ULL, 0x05d314967254398fULL, 0x0748d9d99f59ff11ULL },
    .r3 = { 0xc62c1807439b73afULL, 0x1b3e0d188cf06990ULL, 0x73d13c71c7b5f418ULL, 0x6e2a5bb9c8db33e9ULL },
    .pinv = 0xfffffffeffffffffULL,
    .bits = 255,
    .name = "bls12-381",
};

const Field field_bn254 = {
    .p = { 0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL },
    .r1 = { 0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL },
    .r2 = { 0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL },
    .r3 = { 0x5e94d8e1b4bf0040ULL, 0x2a489cbe1cfbb6b8ULL, 0x893cc664a19fcfedULL, 0x0cf8594b7fcc657cULL },
    .pinv = 0xc2e1f593efffffffULL,
    .bits = 254,
    .name = "bn254",
};

const Field field_ed25519 = {
    .p = { 0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL, 0x0000000000000000ULL, 0x1000000000000000ULL },
    .r1 = { 0xd6ec31748d98951dULL, 0xc6ef5bf4737dcf70ULL, 0xfffffffffffffffeULL, 0x0fffffffffffffffULL },
    .r2 = { 0xa40611e3449c0f01ULL, 0xd00e1ba768859347ULL, 0xceec73d217f5be65ULL, 0x0399411b7c309a3dULL },
    .r3 = { 0x2a9e49687b83a2dbULL, 0x278324e6aef7f3ecULL, 0x8065dc6c04ec5b65ULL, 0x0e530b773599cec7ULL },
    .pinv = 0xd2b51da312547e1bULL,
    .bits = 253,
    .name = "ed25519",
};

/* ---- choice of multiplication ------------------------------------------ */

#ifdef FE_HAVE_ADX_PATH
int fe_use_adx_;

/* CPUID leaf 7: EBX bit 8 is BMI2 (MULX), bit 19 is ADX.  Read directly:
 * clang's __builtin_cpu_supports does not know "adx". */
static int cpu_has_adx(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 8 & 1u) && (b >> 19 & 1u);
}

/* Runs at load time, before any thread exists. */
__attribute__((constructor)) static void fe_pick_mul(void)
{
    const char *e = getenv("STOFFEL_FIELD_PORTABLE");
    fe_use_adx_ = cpu_has_adx() && !(e && *e && strcmp(e, "0") != 0);
}

int fe_mul_adx_available(void) { return cpu_has_adx(); }

int fe_mul_impl(void) { return fe_use_adx_; }

int fe_mul_set_impl(int adx)
{
    if (adx && !cpu_has_adx()) return -1;
    fe_use_adx_ = adx != 0;
    return 0;
}
#else
int fe_mul_adx_available(void) { return 0; }

int fe_mul_impl(void) { return 0; }

int fe_mul_set_impl(int adx) { return adx ? -1 : 0; }
#endif

const Field *field_default(void) { return &field_bls12_381; }

const Field *field_by_name(const char *name)
{
    if (!name || !*name || strcasecmp(name, "bls12-381") == 0) return &field_bls12_381;
    if (strcasecmp(name, "bn254") == 0) return &field_bn254;
    if (strcasecmp(name, "curve25519") == 0 || strcasecmp(name, "ed25519") == 0) return &field_ed25519;
    return NULL;
}

/* x = 2x mod p for x < p (public set-up code, branches are fine). */
static void dbl_mod(uint64_t x[4], const uint64_t p[4])
{
    uint64_t top = x[3] >> 63;
    x[3] = (x[3] << 1) | (x[2] >> 63);
    x[2] = (x[2] << 1) | (x[1] >> 63);
    x[1] = (x[1] << 1) | (x[0] >> 63);
    x[0] <<= 1;
    uint64_t b = 0, s[4];
    for (int i = 0; i < 4; i++) s[i] = fe_sbb_(x[i], p[i], &b);
    if (top || !b) memcpy(x, s, sizeof s);
}

int field_init(Field *f, const uint8_t p_le[32], const char *name)
{
    memset(f, 0, sizeof *f);
    for (int i = 0; i < 4; i++)
        for (int j = 7; j >= 0; j--) f->p[i] = (f->p[i] << 8) | p_le[8 * i + j];
    if (!(f->p[0] & 1) || (f->p[1] == 0 && f->p[2] == 0 && f->p[3] == 0 && f->p[0] < 3)) return -1;
    /* Newton's iteration doubles the correct low bits: 1 -> 64 in 6 steps. */
    uint64_t inv = 1;
    for (int i = 0; i < 6; i++) inv *= 2 - f->p[0] * inv;
    f->pinv = (uint64_t)0 - inv;
    uint64_t x[4] = { 1, 0, 0, 0 };
    for (int i = 0; i < 256; i++) dbl_mod(x, f->p);
    memcpy(f->r1, x, sizeof x);
    for (int i = 0; i < 256; i++) dbl_mod(x, f->p);
    memcpy(f->r2, x, sizeof x);
    for (int i = 0; i < 256; i++) dbl_mod(x, f->p);
    memcpy(f->r3, x, sizeof x);
    f->bits = 0;
    for (int i = 3; i >= 0 && !f->bits; i--)
        if (f->p[i]) f->bits = (unsigned)(64 * i + 64 - __builtin_clzll(f->p[i]));
    f->name = name;
    return 0;
}

/* ---- conversions ------------------------------------------------------ */

void fe_zero(Fe *r) { memset(r, 0, sizeof *r); }

void fe_one(const Field *f, Fe *r) { memcpy(r->v, f->r1, sizeof r->v); }

void fe_from_limbs(const Field *f, Fe *r, const uint64_t in[4])
{
    /* in·R^2·R^-1: fe_mul accepts a first operand up to 2^256 - 1. */
    Fe a, r2;
    memcpy(a.v, in, sizeof a.v);
    memcpy(r2.v, f->r2, sizeof r2.v);
    fe_mul(f, r, &a, &r2);
    sodium_memzero(&a, sizeof a);
}

void fe_from_u64(const Field *f, Fe *r, uint64_t v)
{
    uint64_t l[4] = { v, 0, 0, 0 };
    fe_from_limbs(f, r, l);
}

void fe_from_i64(const Field *f, Fe *r, int64_t v)
{
    uint64_t u = (uint64_t)v;
    uint64_t s = (uint64_t)0 - (u >> 63); /* all ones iff v < 0 */
    uint64_t mag = (u ^ s) - s;           /* |v|, also for INT64_MIN */
    Fe pos, negv;
    fe_from_u64(f, &pos, mag);
    fe_neg(f, &negv, &pos);
    fe_select(r, &pos, &negv, (int)(s & 1));
}

void fe_to_limbs(const Field *f, uint64_t out[4], const Fe *a)
{
    /* a·1·R^-1 leaves Montgomery form; the result is canonical. */
    Fe one = { { 1, 0, 0, 0 } }, t;
    fe_mul(f, &t, a, &one);
    memcpy(out, t.v, sizeof t.v);
}

void fe_to_bytes(const Field *f, uint8_t out[32], const Fe *a)
{
    uint64_t l[4];
    fe_to_limbs(f, l, a);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) out[8 * i + j] = (uint8_t)(l[i] >> (8 * j));
    sodium_memzero(l, sizeof l);
}

static void load_le(uint64_t l[4], const uint8_t *in)
{
    for (int i = 0; i < 4; i++) {
        uint64_t w = 0;
        for (int j = 7; j >= 0; j--) w = (w << 8) | in[8 * i + j];
        l[i] = w;
    }
}

int fe_from_bytes(const Field *f, Fe *r, const uint8_t in[32])
{
    uint64_t l[4], b = 0;
    load_le(l, in);
    for (int i = 0; i < 4; i++) (void)fe_sbb_(l[i], f->p[i], &b);
    /* b == 1 iff l < p */
    Fe t, z;
    fe_from_limbs(f, &t, l);
    fe_zero(&z);
    fe_select(r, &z, &t, (int)b);
    sodium_memzero(l, sizeof l);
    sodium_memzero(&t, sizeof t);
    return (int)b - 1;
}

void fe_reduce64(const Field *f, Fe *r, const uint8_t in[64])
{
    /* lo + hi·2^256: Mont(lo) = lo·R^2·R^-1, Mont(hi·R) = hi·R^3·R^-1. */
    Fe lo, hi, c;
    load_le(lo.v, in);
    load_le(hi.v, in + 32);
    memcpy(c.v, f->r2, sizeof c.v);
    fe_mul(f, &lo, &lo, &c);
    memcpy(c.v, f->r3, sizeof c.v);
    fe_mul(f, &hi, &hi, &c);
    fe_add(f, r, &lo, &hi);
    sodium_memzero(&lo, sizeof lo);
    sodium_memzero(&hi, sizeof hi);
}

int fe_to_i64_signed(const Field *f, int64_t *out, const Fe *a)
{
    uint64_t x[4], half[4], b = 0;
    fe_to_limbs(f, x, a);
    /* half = (p-1)/2 = p >> 1 for odd p */
    for (int i = 0; i < 4; i++) half[i] = (f->p[i] >> 1) | (i < 3 ? f->p[i + 1] << 63 : 0);
    for (int i = 0; i < 4; i++) (void)fe_sbb_(half[i], x[i], &b);
    if (!b) { /* x <= half: non-negative */
        if (x[1] | x[2] | x[3] || x[0] > (uint64_t)INT64_MAX) return -1;
        *out = (int64_t)x[0];
        return 0;
    }
    uint64_t w[4];
    b = 0;
    for (int i = 0; i < 4; i++) w[i] = fe_sbb_(f->p[i], x[i], &b);
    if (w[1] | w[2] | w[3] || w[0] > ((uint64_t)1 << 63)) return -1;
    *out = w[0] == ((uint64_t)1 << 63) ? INT64_MIN : -(int64_t)w[0];
    return 0;
}

/* ---- arithmetic ------------------------------------------------------- */

void fe_neg(const Field *f, Fe *r, const Fe *a)
{
    Fe z = { { 0, 0, 0, 0 } };
    fe_sub(f, r, &z, a);
}

void fe_pow(const Field *f, Fe *r, const Fe *a, const uint64_t e[4])
{
    /* Fixed 4-bit window.  The exponent is public, so indexing the table
     * with its nibbles leaks nothing about a. */
    Fe tab[16], acc;
    fe_one(f, &tab[0]);
    tab[1] = *a;
    for (int i = 2; i < 16; i++) fe_mul(f, &tab[i], &tab[i - 1], a);
    int top = 63;
    while (top >= 0 && ((e[top / 16] >> (4 * (top % 16))) & 15) == 0) top--;
    fe_one(f, &acc);
    for (int i = top; i >= 0; i--) {
        if (i != top)
            for (int k = 0; k < 4; k++) fe_sqr(f, &acc, &acc);
        unsigned nib = (unsigned)(e[i / 16] >> (4 * (i % 16))) & 15;
        if (i == top)
            acc = tab[nib];
        else if (nib)
            fe_mul(f, &acc, &acc, &tab[nib]);
    }
    *r = acc;
    sodium_memzero(tab, sizeof tab);
    sodium_memzero(&acc, sizeof acc);
}

void fe_pow_u64(const Field *f, Fe *r, const Fe *a, uint64_t e)
{
    uint64_t l[4] = { e, 0, 0, 0 };
    fe_pow(f, r, a, l);
}

void fe_inv(const Field *f, Fe *r, const Fe *a)
{
    uint64_t e[4], b = 0;
    e[0] = fe_sbb_(f->p[0], 2, &b);
    for (int i = 1; i < 4; i++) e[i] = fe_sbb_(f->p[i], 0, &b);
    fe_pow(f, r, a, e);
}

int fe_batch_inv(const Field *f, Fe *out, const Fe *in, size_t n)
{
    if (n == 0) return 0;
    /* Long vectors with IFMA: 16 lanes through the batch calls (two 8-wide
     * vectors per step).  Without IFMA the four lanes below are faster. */
    if (n >= 64 && fe_batch_impl()) return fe_batch_inv_wide_(f, out, in, n);
    /* Four interleaved products (lane i mod 4), so consecutive
     * multiplications do not wait for each other.  Forward:
     * out[i] = product of the earlier inputs of its lane. */
    Fe acc[4], inv[4], all, t, p01, p23;
    for (int l = 0; l < 4; l++) fe_one(f, &acc[l]);
    for (size_t i = 0; i < n; i++) {
        out[i] = acc[i & 3];
        fe_mul(f, &acc[i & 3], &acc[i & 3], &in[i]);
    }
    fe_mul(f, &p01, &acc[0], &acc[1]);
    fe_mul(f, &p23, &acc[2], &acc[3]);
    fe_mul(f, &all, &p01, &p23);
    int bad = fe_is_zero(&all);
    fe_inv(f, &all, &all);
    /* each lane's inverse: all^-1 times the other lanes' products */
    fe_mul(f, &t, &all, &p23);
    fe_mul(f, &inv[0], &t, &acc[1]);
    fe_mul(f, &inv[1], &t, &acc[0]);
    fe_mul(f, &t, &all, &p01);
    fe_mul(f, &inv[2], &t, &acc[3]);
    fe_mul(f, &inv[3], &t, &acc[2]);
    /* Backward: inv[l] holds (the lane's inputs up to i)^-1 at step i. */
    for (size_t i = n; i-- > 0;) {
        fe_mul(f, &t, &inv[i & 3], &out[i]);
        fe_mul(f, &inv[i & 3], &inv[i & 3], &in[i]);
        out[i] = t;
    }
    sodium_memzero(acc, sizeof acc);
    sodium_memzero(inv, sizeof inv);
    sodium_memzero(&all, sizeof all);
    sodium_memzero(&t, sizeof t);
    sodium_memzero(&p01, sizeof p01);
    sodium_memzero(&p23, sizeof p23);
    return bad ? -1 : 0;
}

int fe_inv_u64_vartime(const Field *f, Fe *r, uint64_t v)
{
    if (v == 0) return -1;
    if (v == 1) {
        fe_one(f, r);
        return 0;
    }
    /* pm = p mod v, limb by limb from the top */
    uint64_t pm = 0;
    for (int i = 3; i >= 0; i--) pm = (uint64_t)((((fe_u128)pm << 64) | f->p[i]) % v);
    /* extended Euclid on (pm, v): s·pm = g (mod v); |s| stays below v */
    __extension__ typedef __int128 s128;
    uint64_t r0 = pm, r1 = v;
    s128 s0 = 1, s1 = 0;
    while (r1) {
        uint64_t q = r0 / r1, rt = r0 - q * r1;
        s128 st = s0 - (s128)q * s1;
        r0 = r1;
        r1 = rt;
        s0 = s1;
        s1 = st;
    }
    if (r0 != 1) return -1; /* gcd(p, v) = p */
    /* u = -pm^-1 mod v */
    s128 inv = s0 % (s128)v;
    if (inv < 0) inv += v;
    uint64_t u = inv == 0 ? 0 : v - (uint64_t)inv;
    /* w = u·p + 1 (five limbs), then w / v exactly */
    uint64_t w[5], c = 0;
    for (int i = 0; i < 4; i++) w[i] = fe_mac_(0, f->p[i], u, &c);
    w[4] = c;
    c = 1;
    for (int i = 0; i < 5; i++) w[i] = fe_adc_(w[i], 0, &c);
    uint64_t q[4], rem = 0;
    for (int i = 4; i >= 0; i--) {
        fe_u128 cur = ((fe_u128)rem << 64) | w[i];
        uint64_t qi = (uint64_t)(cur / v);
        rem = (uint64_t)(cur % v);
        if (i < 4) q[i] = qi; /* the top quotient limb is 0 */
    }
    fe_from_limbs(f, r, q);
    return 0;
}

static void shr1(uint64_t x[4])
{
    for (int i = 0; i < 3; i++) x[i] = (x[i] >> 1) | (x[i + 1] << 63);
    x[3] >>= 1;
}

/* 1 iff the canonical value of a is above (p-1)/2 (public a). */
static int upper_half(const Field *f, const Fe *a)
{
    uint64_t x[4], half[4], b = 0;
    fe_to_limbs(f, x, a);
    memcpy(half, f->p, sizeof half);
    shr1(half);
    for (int i = 0; i < 4; i++) (void)fe_sbb_(half[i], x[i], &b);
    return (int)b;
}

int fe_sqrt_vartime(const Field *f, Fe *r, const Fe *a)
{
    Fe one, minus_one, z, c, t, R, b, w;
    fe_zero(r);
    if (fe_is_zero(a)) return 0;
    fe_one(f, &one);
    fe_neg(f, &minus_one, &one);
    /* p - 1 = q·2^s with q odd */
    uint64_t half[4], q[4];
    unsigned s = 0;
    memcpy(q, f->p, sizeof q);
    q[0] -= 1; /* p is odd: no borrow */
    while (!(q[0] & 1)) {
        shr1(q);
        s++;
    }
    /* a non-residue z: the smallest one for the built-in moduli, else
     * searched by Euler's criterion z^((p-1)/2) = -1 */
    memcpy(half, f->p, sizeof half);
    shr1(half);
    if (memcmp(f->p, field_bls12_381.p, sizeof f->p) == 0 || memcmp(f->p, field_bn254.p, sizeof f->p) == 0)
        fe_from_u64(f, &z, 5);
    else if (memcmp(f->p, field_ed25519.p, sizeof f->p) == 0)
        fe_from_u64(f, &z, 2);
    else
        for (uint64_t zc = 2;; zc++) {
            fe_from_u64(f, &z, zc);
            fe_pow(f, &t, &z, half);
            if (fe_equal(&t, &minus_one)) break;
        }
    fe_pow(f, &c, &z, q);
    /* w = a^((q-1)/2): R = a^((q+1)/2) = a·w, t = a^q = R·w */
    shr1(q);
    fe_pow(f, &w, a, q);
    fe_mul(f, &R, a, &w);
    fe_mul(f, &t, &R, &w);
    unsigned M = s;
    while (!fe_equal(&t, &one)) {
        /* least i with t^(2^i) = 1; i = M means a is not a square (for a
         * non-square the first round finds t^(2^(s-1)) = -1) */
        unsigned i = 0;
        Fe tt = t;
        while (!fe_equal(&tt, &one)) {
            fe_sqr(f, &tt, &tt);
            if (++i == M) return -1;
        }
        b = c;
        for (unsigned j = 0; j + i + 1 < M; j++) fe_sqr(f, &b, &b);
        M = i;
        fe_sqr(f, &c, &b);
        fe_mul(f, &t, &t, &c);
        fe_mul(f, &R, &R, &b);
    }
    if (upper_half(f, &R)) fe_neg(f, &R, &R);
    *r = R;
    return 0;
}

void fe_random(const Field *f, Fe *r)
{
    uint8_t buf[64];
    randombytes_buf(buf, sizeof buf);
    fe_reduce64(f, r, buf);
    sodium_memzero(buf, sizeof buf);
}

int fe_is_zero(const Fe *a)
{
    uint64_t x = a->v[0] | a->v[1] | a->v[2] | a->v[3];
    return (int)(((x | ((uint64_t)0 - x)) >> 63) ^ 1);
}

int fe_equal(const Fe *a, const Fe *b)
{
    Fe d;
    for (int i = 0; i < 4; i++) d.v[i] = a->v[i] ^ b->v[i];
    return fe_is_zero(&d);
}

void fe_select(Fe *r, const Fe *a, const Fe *b, int cond)
{
    uint64_t m = (uint64_t)0 - (uint64_t)(cond & 1);
    for (int i = 0; i < 4; i++) r->v[i] = (a->v[i] & ~m) | (b->v[i] & m);
}
