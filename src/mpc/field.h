/* field.h: prime-field arithmetic for the MPC engine (DESIGN.md "MPC field").
 *
 * A Field describes any odd prime p < 2^256 at run time; elements (Fe) are
 * four 64-bit little-endian limbs in Montgomery form (a·R mod p, R = 2^256),
 * always fully reduced (< p), so equality is limb equality.  Montgomery
 * multiplication is CIOS with unsigned __int128 and handles moduli up to
 * 2^256 - 1 (the carry into a fifth limb is kept).
 *
 * Everything that may touch secret data (add, sub, neg, mul, sqr, inverse,
 * conversions, equal, is_zero) runs in time independent of the values: no
 * branches or table indices depend on them, the final conditional
 * subtraction is a mask select.  Exponents (fe_pow) and the modulus are
 * public.  The hot operations are static inline here because mul is the
 * inner loop of Beaver multiplication and batch reconstruction
 * (docs/mpc-field.md has the measurements).
 *
 * Aliasing: every output may alias any input. */
#ifndef STOFFEL_MPC_FIELD_H
#define STOFFEL_MPC_FIELD_H

#include <stddef.h>
#include <stdint.h>

typedef struct Fe {
    uint64_t v[4];
} Fe;

typedef struct Field {
    uint64_t p[4];  /* the modulus */
    uint64_t r1[4]; /* R mod p: Montgomery form of 1 */
    uint64_t r2[4]; /* R^2 mod p: converts into Montgomery form */
    uint64_t r3[4]; /* R^3 mod p: folds the high half in fe_reduce64 */
    uint64_t pinv;  /* -p^-1 mod 2^64 */
    unsigned bits;  /* bit length of p */
    const char *name;
} Field;

/* The built-in fields.  field_bls12_381 is the default. */
extern const Field field_bls12_381; /* BLS12-381 scalar field r */
extern const Field field_bn254;     /* BN254 scalar field r */
extern const Field field_ed25519;   /* ed25519 group order l = 2^252 + ... */

/* "bls12-381", "bn254", "curve25519", "ed25519" (the last two are the same
 * field); NULL or "" gives the default.  Returns NULL for an unknown name. */
const Field *field_by_name(const char *name);
const Field *field_default(void);

/* Builds a Field for the odd modulus p (32 bytes little-endian), p > 2.
 * Primality is not checked (inverse is only correct for primes).  The name
 * is stored as given, not copied.  Returns 0, or -1 if p is even or < 3. */
int field_init(Field *f, const uint8_t p_le[32], const char *name);

/* ---- conversions ------------------------------------------------------ */

void fe_zero(Fe *r);
void fe_one(const Field *f, Fe *r);
void fe_from_u64(const Field *f, Fe *r, uint64_t v);
/* v < 0 maps to p - |v| (INT64_MIN included). */
void fe_from_i64(const Field *f, Fe *r, int64_t v);
/* Canonical 32-byte little-endian encoding. */
void fe_to_bytes(const Field *f, uint8_t out[32], const Fe *a);
/* Returns 0, or -1 (and r = 0) if the value is >= p.  The check itself is
 * constant time; only the returned verdict is public. */
int fe_from_bytes(const Field *f, Fe *r, const uint8_t in[32]);
/* Reduces a 64-byte little-endian integer mod p (for hashing to the field
 * and for sampling with negligible bias). */
void fe_reduce64(const Field *f, Fe *r, const uint8_t in[64]);
/* Canonical integer limbs (not Montgomery) of a. */
void fe_to_limbs(const Field *f, uint64_t out[4], const Fe *a);
/* Montgomery form of the integer in[0..3] (any value < 2^256, reduced mod p). */
void fe_from_limbs(const Field *f, Fe *r, const uint64_t in[4]);
/* Signed decoding for fixed point: values above (p-1)/2 are negative
 * (v - p).  Returns 0, or -1 if the result does not fit in int64_t.  Meant
 * for opened (public) values: it branches on the value. */
int fe_to_i64_signed(const Field *f, int64_t *out, const Fe *a);

/* ---- arithmetic ------------------------------------------------------- */

void fe_neg(const Field *f, Fe *r, const Fe *a);
/* r = a^-1 by Fermat (a^(p-2)), constant time in a; the inverse of 0 is 0. */
void fe_inv(const Field *f, Fe *r, const Fe *a);
/* r = a^e for a public exponent e (256-bit, little-endian limbs). */
void fe_pow(const Field *f, Fe *r, const Fe *a, const uint64_t e[4]);
void fe_pow_u64(const Field *f, Fe *r, const Fe *a, uint64_t e);
/* Montgomery's trick: out[i] = in[i]^-1 with one inversion and about 3n
 * multiplications (in four interleaved lanes).  out must not overlap in (out holds the prefix products).
 * Returns 0, or -1 if some in[i] is 0 (out is then unspecified). */
int fe_batch_inv(const Field *f, Fe *out, const Fe *in, size_t n);
/* r = v^-1 for a public integer v, without exponentiation: with
 * u = -p^-1 mod v, (1 + u·p)/v is an exact division and equals v^-1 mod p.
 * About 0.1 µs against 6 µs for fe_inv; variable time in v, so only for
 * public values (Lagrange denominators are products of party-index
 * differences).  Returns 0, or -1 if p divides v. */
int fe_inv_u64_vartime(const Field *f, Fe *r, uint64_t v);
/* A square root of a public value (Tonelli–Shanks, variable time), for
 * protocols that open a square (RandBit).  Every party must pick the same
 * root, so r is the root whose canonical value is at most (p-1)/2.
 * Returns 0, or -1 if a is not a square (r is then 0). */
int fe_sqrt_vartime(const Field *f, Fe *r, const Fe *a);
/* Uniform random element (64 bytes from randombytes_buf reduced mod p:
 * statistical distance below 2^-250).  sodium_init() must have succeeded. */
void fe_random(const Field *f, Fe *r);

/* Constant-time predicates; the result is 0 or 1. */
int fe_is_zero(const Fe *a);
int fe_equal(const Fe *a, const Fe *b);
/* r = cond ? b : a, cond 0 or 1, constant time. */
void fe_select(Fe *r, const Fe *a, const Fe *b, int cond);

/* ---- batches (field_batch.c) ------------------------------------------
 *
 * n independent products at once.  On CPUs with AVX-512 IFMA (checked at
 * load time: CPUID and the OS saving zmm state) eight products run in the
 * lanes of one vector (field_ifma.c, radix 2^52); elsewhere, or with
 * STOFFEL_FIELD_PORTABLE=1 or STOFFEL_FIELD_NO_IFMA=1 in the environment,
 * they are a loop over fe_mul.  Same results limb for limb, same contract
 * as fe_mul (a[i] < 2^256, the other factor < p), constant time.
 * out[i] may alias a[i], b[i] or c[i] (the same index), nothing else. */
void fe_mul_batch(const Field *f, Fe *out, const Fe *a, const Fe *b, size_t n);        /* a·b */
void fe_sqr_batch(const Field *f, Fe *out, const Fe *a, size_t n);                     /* a² */
void fe_mul_scalar_batch(const Field *f, Fe *out, const Fe *a, const Fe *s, size_t n); /* a·s */
/* out[i] = a[i]·b[i] + c[i] */
void fe_muladd_batch(const Field *f, Fe *out, const Fe *a, const Fe *b, const Fe *c, size_t n);
/* out[i] = a[i]·s + c[i] */
void fe_muladd_scalar_batch(const Field *f, Fe *out, const Fe *a, const Fe *s, const Fe *c, size_t n);
/* out[i] = a[i]^e for a public exponent (fe_pow's window, batched).  out
 * may alias a exactly. */
void fe_pow_batch(const Field *f, Fe *out, const Fe *a, const uint64_t e[4], size_t n);
/* Σ_k c_k·v[k] mod p with the sum over the integers: v[k]'s limbs as they
 * are (for Montgomery form that is R·Σ c_k·value_k), each coefficient
 * c_k < 2^128 given in radix 2^52 as c52[k], c52[stride + k] (< 2^52) and
 * c52[2·stride + k] (< 2^24).  One reduction for the whole vector, no
 * Montgomery product per element: for random linear checks
 * (preproc.c).  The same result on either routine below. */
void fe_dot_small(const Field *f, Fe *out, const Fe *v, const uint64_t *c52, size_t stride, size_t n);
/* Which routine the batch calls use: 1 = IFMA, 0 = fe_mul loop.
 * fe_batch_set_impl(1) returns -1 when the CPU or the build lacks IFMA.
 * Not thread-safe: call before starting threads (tests, benchmarks). */
int fe_batch_impl(void);
int fe_batch_ifma_available(void);
int fe_batch_set_impl(int ifma);
/* fe_batch_inv for large n with IFMA: 16 lanes, batch calls. */
int fe_batch_inv_wide_(const Field *f, Fe *out, const Fe *in, size_t n);

/* ---- inline hot path -------------------------------------------------- */

__extension__ typedef unsigned __int128 fe_u128;

/* acc + a*b + *carry never overflows 128 bits. */
static inline uint64_t fe_mac_(uint64_t acc, uint64_t a, uint64_t b, uint64_t *carry)
{
    fe_u128 t = (fe_u128)a * b + acc + *carry;
    *carry = (uint64_t)(t >> 64);
    return (uint64_t)t;
}

/* Carry/borrow chains.  On x86-64 the ADC/SBB intrinsics give straight
 * add/adc chains; the portable overflow builtins compile to setb/or
 * sequences (about 1.5x slower add/sub with gcc 12). */
#if defined(__x86_64__)
#include <x86intrin.h>
static inline uint64_t fe_adc_(uint64_t a, uint64_t b, uint64_t *carry)
{
    unsigned long long r;
    *carry = _addcarry_u64((unsigned char)*carry, a, b, &r);
    return r;
}

static inline uint64_t fe_sbb_(uint64_t a, uint64_t b, uint64_t *borrow)
{
    unsigned long long r;
    *borrow = _subborrow_u64((unsigned char)*borrow, a, b, &r);
    return r;
}
#else
static inline uint64_t fe_adc_(uint64_t a, uint64_t b, uint64_t *carry)
{
    uint64_t s, t;
    uint64_t c1 = __builtin_add_overflow(a, b, &s);
    uint64_t c2 = __builtin_add_overflow(s, *carry, &t);
    *carry = c1 | c2;
    return t;
}

static inline uint64_t fe_sbb_(uint64_t a, uint64_t b, uint64_t *borrow)
{
    uint64_t d, t;
    uint64_t b1 = __builtin_sub_overflow(a, b, &d);
    uint64_t b2 = __builtin_sub_overflow(d, *borrow, &t);
    *borrow = b1 | b2;
    return t;
}
#endif

/* Hides a mask from the optimiser, so it cannot turn a mask select into a
 * branch, nor (gcc 12) vectorise it into SSE stores that defeat store
 * forwarding on the next load (add latency 7.6 -> 3 ns). */
#define FE_BARRIER_(x) __asm__("" : "+r"(x))

/* r = (hi·2^256 + t) mod p for a value known to be < 2p (hi is 0 or 1):
 * subtract p and keep the difference unless it went negative. */
static inline void fe_final_sub_(const Field *f, Fe *r, uint64_t t0, uint64_t t1, uint64_t t2, uint64_t t3, uint64_t hi)
{
    uint64_t b = 0;
    uint64_t s0 = fe_sbb_(t0, f->p[0], &b);
    uint64_t s1 = fe_sbb_(t1, f->p[1], &b);
    uint64_t s2 = fe_sbb_(t2, f->p[2], &b);
    uint64_t s3 = fe_sbb_(t3, f->p[3], &b);
    /* negative iff the borrow out exceeds the fifth limb */
    uint64_t keep = (uint64_t)0 - (b & (hi ^ 1));
    FE_BARRIER_(keep);
    r->v[0] = (t0 & keep) | (s0 & ~keep);
    r->v[1] = (t1 & keep) | (s1 & ~keep);
    r->v[2] = (t2 & keep) | (s2 & ~keep);
    r->v[3] = (t3 & keep) | (s3 & ~keep);
}

static inline void fe_add(const Field *f, Fe *r, const Fe *a, const Fe *b)
{
    uint64_t c = 0;
    uint64_t t0 = fe_adc_(a->v[0], b->v[0], &c);
    uint64_t t1 = fe_adc_(a->v[1], b->v[1], &c);
    uint64_t t2 = fe_adc_(a->v[2], b->v[2], &c);
    uint64_t t3 = fe_adc_(a->v[3], b->v[3], &c);
    fe_final_sub_(f, r, t0, t1, t2, t3, c);
}

static inline void fe_sub(const Field *f, Fe *r, const Fe *a, const Fe *b)
{
    uint64_t br = 0;
    uint64_t t0 = fe_sbb_(a->v[0], b->v[0], &br);
    uint64_t t1 = fe_sbb_(a->v[1], b->v[1], &br);
    uint64_t t2 = fe_sbb_(a->v[2], b->v[2], &br);
    uint64_t t3 = fe_sbb_(a->v[3], b->v[3], &br);
    /* add p back under a mask when a < b */
    uint64_t m = (uint64_t)0 - br, c = 0;
    FE_BARRIER_(m);
    r->v[0] = fe_adc_(t0, f->p[0] & m, &c);
    r->v[1] = fe_adc_(t1, f->p[1] & m, &c);
    r->v[2] = fe_adc_(t2, f->p[2] & m, &c);
    r->v[3] = fe_adc_(t3, f->p[3] & m, &c);
}

/* One CIOS round: t += a·bi, then divide by 2^64 after adding m·p. */
#define FE_CIOS_ROUND_(bi)                   \
    do {                                     \
        uint64_t c_ = 0, m_, t5_;            \
        t0 = fe_mac_(t0, a0, (bi), &c_);     \
        t1 = fe_mac_(t1, a1, (bi), &c_);     \
        t2 = fe_mac_(t2, a2, (bi), &c_);     \
        t3 = fe_mac_(t3, a3, (bi), &c_);     \
        {                                    \
            fe_u128 s_ = (fe_u128)t4 + c_;   \
            t4 = (uint64_t)s_;               \
            t5_ = (uint64_t)(s_ >> 64);      \
        }                                    \
        m_ = t0 * pinv;                      \
        c_ = 0;                              \
        (void)fe_mac_(t0, m_, p0, &c_);      \
        t0 = fe_mac_(t1, m_, p1, &c_);       \
        t1 = fe_mac_(t2, m_, p2, &c_);       \
        t2 = fe_mac_(t3, m_, p3, &c_);       \
        {                                    \
            fe_u128 s_ = (fe_u128)t4 + c_;   \
            t3 = (uint64_t)s_;               \
            t4 = t5_ + (uint64_t)(s_ >> 64); \
        }                                    \
    } while (0)

/* r = a·b·R^-1 mod p.  Correct for a < 2^256 and b < p (the result before
 * the final subtraction is below 2p), which fe_reduce64 relies on.
 * fe_mul picks fe_mul_adx_ when the CPU has BMI2 and ADX (fe_mul_impl),
 * else this portable version; both give the same limbs for every input. */
static inline void fe_mul_portable(const Field *f, Fe *r, const Fe *a, const Fe *b)
{
    const uint64_t p0 = f->p[0], p1 = f->p[1], p2 = f->p[2], p3 = f->p[3];
    const uint64_t pinv = f->pinv;
    const uint64_t a0 = a->v[0], a1 = a->v[1], a2 = a->v[2], a3 = a->v[3];
    const uint64_t b0 = b->v[0], b1 = b->v[1], b2 = b->v[2], b3 = b->v[3];
    uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
    FE_CIOS_ROUND_(b0);
    FE_CIOS_ROUND_(b1);
    FE_CIOS_ROUND_(b2);
    FE_CIOS_ROUND_(b3);
    fe_final_sub_(f, r, t0, t1, t2, t3, t4);
}

/* ---- MULX/ADCX/ADOX multiplication (x86-64) --------------------------
 *
 * The same CIOS rounds as fe_mul_portable, but each row a·b_i and m·p is
 * added with two independent carry chains: ADCX carries the low halves
 * through CF, ADOX the high halves through OF, and MULX leaves the flags
 * alone, so the chains interleave without saving flags (about half the
 * latency of the __int128 version).  Inline asm, not intrinsics: gcc 12
 * compiles _addcarryx_u64 to plain ADC, one chain.  The assembler accepts
 * these instructions without -mbmi2/-madx; fe_mul only runs them after the
 * CPU check in field.c.  No branches, no data-dependent addresses: the same
 * instruction sequence for every operand (constant time like the portable
 * path).
 *
 * A round with accumulator limbs T0..T4 and T5 = 0 (the zero left by the
 * previous round): T0..T5 += a·b_i, m = T0·pinv, T0..T5 += m·p (T0 becomes
 * 0); the next round names the registers T1..T5,T0, so no moves.  The
 * carries out of T4 go into T5 through LO set to 0 with MOV (which keeps
 * the flags).  A row starts with CF = OF = 0: XOR clears them after IMUL
 * (which sets them); a row leaves them clear itself (T5 <= 2 after it). */
#if defined(__x86_64__) && defined(__GNUC__)
#define FE_HAVE_ADX_PATH 1
#define FE_R_(x) "%[" #x "]"
#define FE_ROW_(src, T0, T1, T2, T3, T4, T5)                                                                       \
    "mulxq 0(" src "), %[lo], %[hi]\n\t"                                                                           \
    "adcxq %[lo], " FE_R_(T0) "\n\tadoxq %[hi], " FE_R_(                                                           \
        T1) "\n\t"                                                                                                 \
            "mulxq 8(" src "), %[lo], %[hi]\n\t"                                                                   \
            "adcxq %[lo], " FE_R_(T1) "\n\tadoxq %[hi], " FE_R_(                                                   \
                T2) "\n\t"                                                                                         \
                    "mulxq 16(" src "), %[lo], %[hi]\n\t"                                                          \
                    "adcxq %[lo], " FE_R_(T2) "\n\tadoxq %[hi], " FE_R_(                                           \
                        T3) "\n\t"                                                                                 \
                            "mulxq 24(" src "), %[lo], %[hi]\n\t"                                                  \
                            "adcxq %[lo], " FE_R_(T3) "\n\tadoxq %[hi], " FE_R_(                                   \
                                T4) "\n\t"                                                                         \
                                    "movl $0, %k[lo]\n\t"                                                          \
                                    "adcxq %[lo], " FE_R_(T4) "\n\tadoxq %[lo], " FE_R_(T5) "\n\t"                 \
                                                                                            "adcxq %[lo], " FE_R_( \
                                                                                                T5) "\n\t"
#define FE_ROUND_(i, T0, T1, T2, T3, T4, T5)                                              \
    "movq " #i "(%[b]), %%rdx\n\t" FE_ROW_("%[a]", T0, T1, T2, T3, T4, T5) "movq " FE_R_( \
        T0) ", %%rdx\n\t"                                                                 \
            "imulq %[pinv], %%rdx\n\t"                                                    \
            "xorl %k[lo], %k[lo]\n\t" FE_ROW_("%[p]", T0, T1, T2, T3, T4, T5)

/* always_inline: gcc sizes an asm statement by its lines and would
 * otherwise call this instead of inlining it. */
__attribute__((always_inline)) static inline void fe_mul_adx_(const Field *f, Fe *r, const Fe *a, const Fe *b)
{
    uint64_t t0, t1, t2, t3, t4, t5, lo, hi;
    __asm__("xorl %k[t0], %k[t0]\n\t"
            "xorl %k[t1], %k[t1]\n\t"
            "xorl %k[t2], %k[t2]\n\t"
            "xorl %k[t3], %k[t3]\n\t"
            "xorl %k[t4], %k[t4]\n\t"
            "xorl %k[t5], %k[t5]\n\t" /* also clears CF and OF */
            FE_ROUND_(0, t0, t1, t2, t3, t4, t5) FE_ROUND_(8, t1, t2, t3, t4, t5, t0)
                FE_ROUND_(16, t2, t3, t4, t5, t0, t1) FE_ROUND_(24, t3, t4, t5, t0, t1, t2)
            : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5),
              [lo] "=&r"(lo), [hi] "=&r"(hi)
            : [a] "r"(a->v), [b] "r"(b->v), [p] "r"(f->p), [pinv] "m"(f->pinv), "m"(*(const uint64_t(*)[4])a->v),
              "m"(*(const uint64_t(*)[4])b->v), "m"(*(const uint64_t(*)[4])f->p)
            : "rdx", "cc");
    /* after the fourth round the value is t4,t5,t0,t1 with t2 on top */
    fe_final_sub_(f, r, t4, t5, t0, t1, t2);
}
#undef FE_ROUND_
#undef FE_ROW_
#undef FE_R_

/* 1 when fe_mul runs fe_mul_adx_: set at load time from CPUID (BMI2 and
 * ADX), unless STOFFEL_FIELD_PORTABLE is set in the environment. */
extern int fe_use_adx_;
#endif

/* Which multiplication fe_mul uses: 1 = MULX/ADX, 0 = portable.  Tests run
 * both.  fe_mul_set_impl(1) is refused (returns -1) when the CPU or the
 * build lacks the ADX path; it returns 0 otherwise.  Not thread-safe:
 * call it before starting threads. */
int fe_mul_impl(void);
int fe_mul_adx_available(void);
int fe_mul_set_impl(int adx);

static inline void fe_mul(const Field *f, Fe *r, const Fe *a, const Fe *b)
{
#ifdef FE_HAVE_ADX_PATH
    if (__builtin_expect(fe_use_adx_, 1)) {
        fe_mul_adx_(f, r, a, b);
        return;
    }
#endif
    fe_mul_portable(f, r, a, b);
}

static inline void fe_sqr(const Field *f, Fe *r, const Fe *a) { fe_mul(f, r, a, a); }

#endif
