/* test_field_batch.c: the batch field API (field_batch.c, field_ifma.c)
 * cross-checked against GMP, with every routine this machine has: the
 * AVX-512 IFMA kernel when the CPU supports it (else skipped, counted) and
 * the fe_mul loop with MULX/ADX and with the portable multiplication.
 * Fields: the three built-in ones and moduli just below 2^256 and 2^255,
 * a one-limb and a tiny one.  Operands mix random values with the edges
 * 0, 1, p-1, p-2, (p±1)/2 and, for the first factor (any value < 2^256),
 * values near 2^255 and 2^256.
 *
 *   STOFFEL_FIELD_SEED  hex seed (64 digits) to replay a failing run. */
#include <gmp.h>
#include <sodium.h>
#include <stdlib.h>

#include "mpc/field.h"
#include "mpc/sqrt.h"
#include "unit.h"

static uint8_t seed[randombytes_SEEDBYTES];
static uint64_t nonce;

/* Block k of the stream is ChaCha20 keyed by BLAKE2b(k, seed). */
static void rng_bytes(void *out, size_t n)
{
    uint8_t nb[8], key[randombytes_SEEDBYTES];
    for (int i = 0; i < 8; i++) nb[i] = (uint8_t)(nonce >> (8 * i));
    nonce++;
    crypto_generichash(key, sizeof key, nb, sizeof nb, seed, sizeof seed);
    randombytes_buf_deterministic(out, n, key);
}

static const char *moduli_hex[] = {
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff43", /* largest prime < 2^256 */
    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed", /* 2^255 - 19 */
    "ffffffffffffffc5",                                                 /* 2^64 - 59 */
    "07",
};
enum { NFIELDS = 7 };
static Field fields[NFIELDS];

static void init_fields(void)
{
    fields[0] = field_bls12_381;
    fields[1] = field_bn254;
    fields[2] = field_ed25519;
    for (int i = 0; i < 4; i++) {
        uint8_t p[32] = { 0 };
        const char *h = moduli_hex[i];
        size_t n = strlen(h);
        for (size_t k = 0; k < n; k++) {
            char c = h[n - 1 - k];
            unsigned v = c <= '9' ? (unsigned)(c - '0') : (unsigned)(c - 'a' + 10);
            p[k / 2] |= (uint8_t)(v << (4 * (k % 2)));
        }
        CHECK(field_init(&fields[3 + i], p, moduli_hex[i]) == 0);
    }
}

static void mpz_of(mpz_t z, const uint64_t v[4]) { mpz_import(z, 4, -1, sizeof(uint64_t), 0, 0, v); }

/* The Montgomery product as integers: a·b·2^-256 mod p, fully reduced. */
typedef struct {
    mpz_t p, rinv, x, y;
} Ref;

static void ref_init(Ref *r, const Field *f)
{
    mpz_inits(r->p, r->rinv, r->x, r->y, NULL);
    mpz_of(r->p, f->p);
    mpz_set_ui(r->rinv, 1);
    mpz_mul_2exp(r->rinv, r->rinv, 256);
    CHECK(mpz_invert(r->rinv, r->rinv, r->p) != 0);
}

static void ref_clear(Ref *r) { mpz_clears(r->p, r->rinv, r->x, r->y, NULL); }

/* 1 iff got == a·b·R^-1 (+ c) mod p, limb for limb. */
static int ref_check(Ref *r, const Fe *got, const Fe *a, const Fe *b, const Fe *c)
{
    mpz_of(r->x, a->v);
    mpz_of(r->y, b->v);
    mpz_mul(r->x, r->x, r->y);
    mpz_mul(r->x, r->x, r->rinv);
    if (c) {
        mpz_of(r->y, c->v);
        mpz_add(r->x, r->x, r->y);
    }
    mpz_mod(r->x, r->x, r->p);
    uint64_t want[4] = { 0, 0, 0, 0 };
    mpz_export(want, NULL, -1, sizeof(uint64_t), 0, 0, r->x);
    return memcmp(want, got->v, sizeof want) == 0;
}

/* An element < p: random, or an edge value now and then. */
static void pick_below_p(const Field *f, Fe *x, unsigned k)
{
    uint64_t one[4] = { 1, 0, 0, 0 };
    uint8_t w[64];
    switch (k % 10) {
    case 0: memset(x->v, 0, sizeof x->v); break;
    case 1: memcpy(x->v, one, sizeof one); break;
    case 2: memcpy(x->v, f->r1, sizeof x->v); break; /* Montgomery 1 */
    case 3:                                          /* p - 1, p - 2 */
    case 4:
        memcpy(x->v, f->p, sizeof x->v);
        x->v[0] -= k % 10 == 3 ? 1 : 2;
        break;
    case 5: /* (p-1)/2 and (p+1)/2 */
        memcpy(x->v, f->p, sizeof x->v);
        for (int i = 0; i < 3; i++) x->v[i] = (x->v[i] >> 1) | (x->v[i + 1] << 63);
        x->v[3] >>= 1;
        x->v[0] += k & 1;
        break;
    default: rng_bytes(w, sizeof w); fe_reduce64(f, x, w);
    }
}

/* A first factor: anything < 2^256, with values near 2^255 and 2^256. */
static void pick_any(const Field *f, Fe *x, unsigned k)
{
    switch (k % 13) {
    case 7: memset(x->v, 0xff, sizeof x->v); break; /* 2^256 - 1 */
    case 8:
        memset(x->v, 0, sizeof x->v);
        x->v[3] = (uint64_t)1 << 63; /* 2^255 */
        break;
    case 9:
        memset(x->v, 0xff, sizeof x->v);
        x->v[3] >>= 1; /* 2^255 - 1 */
        break;
    case 10: rng_bytes(x->v, sizeof x->v); break;
    default: pick_below_p(f, x, k);
    }
}

enum { MAXN = 1030 };
static Fe A[MAXN], B[MAXN], C[MAXN], OUT[MAXN], S;

static void fill(const Field *f, size_t n)
{
    uint32_t r[3];
    for (size_t i = 0; i < n; i++) {
        rng_bytes(r, sizeof r);
        pick_any(f, &A[i], r[0] % 40);
        pick_below_p(f, &B[i], r[1] % 30);
        pick_below_p(f, &C[i], r[2] % 30);
    }
    pick_below_p(f, &S, (unsigned)n);
}

/* Every batch call against GMP for one field and one length. */
static long check_len(const Field *f, Ref *ref, size_t n)
{
    long bad = 0;
    fill(f, n);
    fe_mul_batch(f, OUT, A, B, n);
    for (size_t i = 0; i < n; i++) bad += !ref_check(ref, &OUT[i], &A[i], &B[i], NULL);
    fe_mul_scalar_batch(f, OUT, A, &S, n);
    for (size_t i = 0; i < n; i++) bad += !ref_check(ref, &OUT[i], &A[i], &S, NULL);
    fe_muladd_batch(f, OUT, A, B, C, n);
    for (size_t i = 0; i < n; i++) bad += !ref_check(ref, &OUT[i], &A[i], &B[i], &C[i]);
    fe_muladd_scalar_batch(f, OUT, A, &S, C, n);
    for (size_t i = 0; i < n; i++) bad += !ref_check(ref, &OUT[i], &A[i], &S, &C[i]);
    fe_sqr_batch(f, OUT, B, n); /* a square needs both factors < p */
    for (size_t i = 0; i < n; i++) bad += !ref_check(ref, &OUT[i], &B[i], &B[i], NULL);
    /* in place: out aliasing the first factor and the addend */
    memcpy(OUT, A, n * sizeof *A);
    fe_mul_batch(f, OUT, OUT, B, n);
    for (size_t i = 0; i < n; i++) bad += !ref_check(ref, &OUT[i], &A[i], &B[i], NULL);
    memcpy(OUT, C, n * sizeof *C);
    fe_muladd_batch(f, OUT, A, B, OUT, n);
    for (size_t i = 0; i < n; i++) bad += !ref_check(ref, &OUT[i], &A[i], &B[i], &C[i]);
    return bad;
}

TEST(batch_vs_gmp)
{
    static const size_t lens[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 64, 100, 1027 };
    for (int fi = 0; fi < NFIELDS; fi++) {
        const Field *f = &fields[fi];
        Ref ref;
        ref_init(&ref, f);
        long bad = 0;
        for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) bad += check_len(f, &ref, lens[li]);
        /* the extremes in every lane: all-ones first factor times p-1 */
        for (size_t i = 0; i < 16; i++) {
            memset(A[i].v, i & 1 ? 0xff : 0, sizeof A[i].v);
            memcpy(B[i].v, f->p, sizeof B[i].v);
            B[i].v[0] -= 1 + (i >> 1 & 1);
            memcpy(C[i].v, B[i].v, sizeof C[i].v);
        }
        fe_muladd_batch(f, OUT, A, B, C, 16);
        for (size_t i = 0; i < 16; i++) bad += !ref_check(&ref, &OUT[i], &A[i], &B[i], &C[i]);
        CHECK_MSG(bad == 0, "%s: %ld batch results differ from GMP", f->name, bad);
        ref_clear(&ref);
    }
}

/* The routines agree with fe_mul limb for limb on many random products. */
TEST(batch_agrees_with_fe_mul)
{
    long bad = 0;
    for (int fi = 0; fi < NFIELDS; fi++) {
        const Field *f = &fields[fi];
        for (int rep = 0; rep < 20; rep++) {
            fill(f, 1000);
            fe_mul_batch(f, OUT, A, B, 1000);
            for (size_t i = 0; i < 1000; i++) {
                Fe t;
                fe_mul(f, &t, &A[i], &B[i]);
                bad += memcmp(&t, &OUT[i], sizeof t) != 0;
            }
        }
    }
    CHECK_MSG(bad == 0, "%ld batch products differ from fe_mul", bad);
}

/* fe_dot_small against GMP: Σ c_k·(v_k's limbs as an integer) mod p, for
 * lengths around the IFMA blocks and past its flush (8·512 elements),
 * with all-ones limbs and coefficients too (the carries). */
TEST(dot_small_vs_gmp)
{
    static const size_t lens[] = { 0, 1, 7, 8, 9, 100, 4096, 4103, 9000 };
    enum { DOT_N = 9000 };
    static Fe v[DOT_N];
    static uint64_t c52[3 * DOT_N];
    long bad = 0;
    mpz_t x, t, c, p;
    mpz_inits(x, t, c, p, NULL);
    for (int fi = 0; fi < NFIELDS; fi++) {
        const Field *f = &fields[fi];
        mpz_of(p, f->p);
        for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
            size_t n = lens[li];
            rng_bytes(v, n * sizeof *v);
            for (int j = 0; j < 3; j++)
                for (size_t k = 0; k < n; k++) {
                    uint64_t w;
                    rng_bytes(&w, sizeof w);
                    c52[(size_t)j * n + k] = w & (j < 2 ? 0xfffffffffffffULL : 0xffffffULL);
                }
            for (size_t k = 0; k < n && k < 5 + li; k++) { /* the largest operands */
                memset(&v[k], 0xff, sizeof v[k]);
                c52[k] = c52[n + k] = 0xfffffffffffffULL;
                c52[2 * n + k] = 0xffffffULL;
            }
            mpz_set_ui(x, 0);
            for (size_t k = 0; k < n; k++) {
                mpz_set_ui(c, c52[2 * n + k]);
                mpz_mul_2exp(c, c, 52);
                mpz_add_ui(c, c, c52[n + k]);
                mpz_mul_2exp(c, c, 52);
                mpz_add_ui(c, c, c52[k]);
                mpz_of(t, v[k].v);
                mpz_addmul(x, t, c);
            }
            mpz_mod(x, x, p);
            Fe out;
            uint64_t l[4] = { 0, 0, 0, 0 };
            fe_dot_small(f, &out, v, c52, n, n);
            fe_to_limbs(f, l, &out);
            mpz_of(t, l);
            bad += mpz_cmp(t, x) != 0;
        }
    }
    mpz_clears(x, t, c, p, NULL);
    CHECK_MSG(bad == 0, "%ld dot products differ from GMP", bad);
}

TEST(pow_inverse_sqrt_batches)
{
    for (int fi = 0; fi < NFIELDS; fi++) {
        const Field *f = &fields[fi];
        enum { N = 77 };
        Fe in[N], out[N], one;
        long bad = 0;
        fill(f, N);
        uint64_t e[4];
        rng_bytes(e, sizeof e);
        if (fi & 1) e[3] = e[2] = 0; /* a short exponent too */
        fe_pow_batch(f, out, B, e, N);
        for (int i = 0; i < N; i++) {
            Fe t;
            fe_pow(f, &t, &B[i], e);
            bad += !fe_equal(&t, &out[i]);
        }
        uint64_t zero[4] = { 0, 0, 0, 0 };
        fe_pow_batch(f, out, B, zero, N);
        fe_one(f, &one);
        for (int i = 0; i < N; i++) bad += !fe_equal(&out[i], &one);
        CHECK_MSG(bad == 0, "%s: %ld batch powers wrong", f->name, bad);
        if (fi >= 5) continue; /* inverse and roots need a large prime */
        for (int i = 0; i < N; i++) {
            uint8_t w[64];
            rng_bytes(w, sizeof w);
            fe_reduce64(f, &in[i], w);
            if (fe_is_zero(&in[i])) fe_one(f, &in[i]);
        }
        CHECK(fe_batch_inv(f, out, in, N) == 0);
        bad = 0;
        for (int i = 0; i < N; i++) {
            Fe t;
            fe_mul(f, &t, &in[i], &out[i]);
            bad += !fe_equal(&t, &one);
        }
        CHECK_MSG(bad == 0, "%s: %ld wide batch inverses wrong", f->name, bad);
        fe_zero(&in[N - 1]);
        CHECK(fe_batch_inv(f, out, in, N) == -1);
        /* roots: squares, non-squares and zero, against one at a time */
        FeSqrt sq;
        if (fe_sqrt_init(&sq, f) != 0) continue; /* 2^256 - 189: fine; tiny ones skipped above */
        Fe roots[N];
        int want_ok = 1;
        for (int i = 0; i < N; i++) {
            if (i % 3 == 0) fe_sqr(f, &in[i], &in[i]);
        }
        fe_zero(&in[4]);
        Fe single[N];
        for (int i = 0; i < N; i++)
            if (fe_sqrt(&sq, &single[i], &in[i]) != 0) want_ok = 0;
        int rc = fe_sqrt_batch(&sq, roots, in, N);
        CHECK(rc == (want_ok ? 0 : -1));
        bad = 0;
        for (int i = 0; i < N; i++) bad += !fe_equal(&roots[i], &single[i]);
        CHECK_MSG(bad == 0, "%s: %ld batch roots differ from fe_sqrt", f->name, bad);
        /* all squares: 0 */
        for (int i = 0; i < N; i++) fe_sqr(f, &in[i], &in[i]);
        CHECK(fe_sqrt_batch(&sq, roots, in, N) == 0);
        bad = 0;
        for (int i = 0; i < N; i++) bad += !fe_sqrt_check(&sq, &roots[i], &in[i]);
        CHECK_MSG(bad == 0, "%s: %ld batch roots of squares wrong", f->name, bad);
        fe_sqrt_free(&sq);
    }
}

TEST(routine_choice)
{
    const char *p = getenv("STOFFEL_FIELD_PORTABLE"), *q = getenv("STOFFEL_FIELD_NO_IFMA");
    int off = (p && *p && strcmp(p, "0") != 0) || (q && *q && strcmp(q, "0") != 0);
    CHECK(fe_batch_impl() == (fe_batch_ifma_available() && !off));
    CHECK(fe_batch_set_impl(0) == 0 && fe_batch_impl() == 0);
    if (fe_batch_ifma_available())
        CHECK(fe_batch_set_impl(1) == 0 && fe_batch_impl() == 1);
    else
        CHECK(fe_batch_set_impl(1) == -1 && fe_batch_impl() == 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const char *s = getenv("STOFFEL_FIELD_SEED");
    size_t got = 0;
    if (!s || sodium_hex2bin(seed, sizeof seed, s, strlen(s), NULL, &got, NULL) != 0 || got != sizeof seed)
        randombytes_buf(seed, sizeof seed);
    init_fields();
    int batch0 = fe_batch_impl(), mul0 = fe_mul_impl();
    RUN(routine_choice);
    unit_current = "batch routines";
    /* IFMA, then the fe_mul loop with MULX/ADX, then with portable */
    for (int r = 0; r < 3; r++) {
        if (fe_batch_set_impl(r == 0) != 0 || fe_mul_set_impl(r == 1) != 0) {
            UNIT_SKIP("batch routine %s (not on this CPU)", r == 0 ? "AVX-512 IFMA" : "MULX/ADX");
            continue;
        }
        RUN(batch_vs_gmp);
        RUN(batch_agrees_with_fe_mul);
        RUN(pow_inverse_sqrt_batches);
        RUN(dot_small_vs_gmp);
    }
    fe_batch_set_impl(batch0);
    fe_mul_set_impl(mul0);
    if (unit_failed) {
        char hex[2 * sizeof seed + 1];
        fprintf(stderr, "STOFFEL_FIELD_SEED=%s\n", sodium_bin2hex(hex, sizeof hex, seed, sizeof seed));
    }
    return unit_report();
}
