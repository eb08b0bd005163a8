/* test_field.c: the prime-field arithmetic (src/mpc/field.c) cross-checked
 * against GMP for the three built-in fields and a few other moduli that
 * exercise the general code paths (a modulus just below 2^256, a one-limb
 * modulus, a tiny one).
 *
 *   STOFFEL_FIELD_OPS   random operations per built-in field (default
 *                       1000000: about 1 s in all, 2.5 s under ASan+UBSan)
 *   STOFFEL_FIELD_SEED  hex seed (64 digits) to replay a failing run; the
 *                       seed used is printed on stderr when a check fails. */
#include <gmp.h>
#include <sodium.h>
#include <stdlib.h>

#include "mpc/field.h"
#include "unit.h"

/* ---- a replayable random stream from libsodium ------------------------ */

static uint8_t seed[randombytes_SEEDBYTES];
static uint8_t pool[1 << 16];
static size_t pool_pos = sizeof pool;
static uint64_t pool_block;

static void rng_bytes(void *out, size_t n)
{
    uint8_t *o = out;
    while (n) {
        if (pool_pos == sizeof pool) {
            /* derive block k from (seed, k) so the stream is replayable */
            uint8_t s[randombytes_SEEDBYTES];
            memcpy(s, seed, sizeof s);
            for (int i = 0; i < 8; i++) s[i] ^= (uint8_t)(pool_block >> (8 * i));
            pool_block++;
            randombytes_buf_deterministic(pool, sizeof pool, s);
            pool_pos = 0;
        }
        size_t k = sizeof pool - pool_pos < n ? sizeof pool - pool_pos : n;
        memcpy(o, pool + pool_pos, k);
        pool_pos += k;
        o += k;
        n -= k;
    }
}

static uint32_t rng_u32(void)
{
    uint32_t v;
    rng_bytes(&v, sizeof v);
    return v;
}

static void print_seed(void)
{
    static int printed;
    if (printed++) return;
    fprintf(stderr, "test_field: STOFFEL_FIELD_SEED=");
    for (size_t i = 0; i < sizeof seed; i++) fprintf(stderr, "%02x", seed[i]);
    fputc('\n', stderr);
}

/* ---- GMP bridges ------------------------------------------------------- */

static void mpz_from_fe(const Field *f, mpz_t z, const Fe *a)
{
    uint64_t l[4];
    fe_to_limbs(f, l, a);
    mpz_import(z, 4, -1, sizeof(uint64_t), 0, 0, l);
}

static void mpz_to_bytes(uint8_t out[32], const mpz_t z)
{
    size_t cnt = 0;
    memset(out, 0, 32);
    mpz_export(out, &cnt, -1, 1, 0, 0, z);
}

static void mpz_from_bytes(mpz_t z, const uint8_t *in, size_t n) { mpz_import(z, n, -1, 1, 0, 0, in); }

/* 1 iff fe (through fe_to_bytes) equals z (already reduced). */
static int same(const Field *f, const Fe *a, const mpz_t z)
{
    uint8_t x[32], y[32];
    fe_to_bytes(f, x, a);
    mpz_to_bytes(y, z);
    return memcmp(x, y, 32) == 0;
}

static void mpz_modulus(const Field *f, mpz_t p) { mpz_import(p, 4, -1, sizeof(uint64_t), 0, 0, f->p); }

/* ---- fields under test ------------------------------------------------- */

static const Field *builtins[] = { &field_bls12_381, &field_bn254, &field_ed25519 };

static Field extra[4];
static const char *extra_hex[4] = {
    /* largest prime below 2^256: sums and products carry into a fifth limb */
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff43",
    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed", /* 2^255 - 19 */
    "ffffffffffffffc5",                                                 /* 2^64 - 59 */
    "07",
};

static void hex_to_le32(uint8_t out[32], const char *hex)
{
    memset(out, 0, 32);
    size_t n = strlen(hex);
    for (size_t i = 0; i < n; i++) {
        char c = hex[n - 1 - i];
        unsigned v = c <= '9' ? (unsigned)(c - '0') : (unsigned)(c - 'a' + 10);
        out[i / 2] |= (uint8_t)(v << (4 * (i % 2)));
    }
}

static void init_extra(void)
{
    static const char *names[4] = { "p256max", "p25519", "p64", "p7" };
    for (int i = 0; i < 4; i++) {
        uint8_t p[32];
        hex_to_le32(p, extra_hex[i]);
        int rc = field_init(&extra[i], p, names[i]);
        CHECK(rc == 0);
    }
}

/* ---- tests ------------------------------------------------------------- */

TEST(builtin_constants_match_field_init)
{
    for (int i = 0; i < 3; i++) {
        const Field *b = builtins[i];
        uint8_t p[32];
        for (int k = 0; k < 32; k++) p[k] = (uint8_t)(b->p[k / 8] >> (8 * (k % 8)));
        Field f;
        CHECK(field_init(&f, p, b->name) == 0);
        CHECK(memcmp(f.p, b->p, sizeof f.p) == 0);
        CHECK(memcmp(f.r1, b->r1, sizeof f.r1) == 0);
        CHECK(memcmp(f.r2, b->r2, sizeof f.r2) == 0);
        CHECK(memcmp(f.r3, b->r3, sizeof f.r3) == 0);
        CHECK(f.pinv == b->pinv);
        CHECK(f.bits == b->bits);
        CHECK(b->p[0] * b->pinv == UINT64_MAX); /* p·(-p^-1) = -1 mod 2^64 */
        /* the modulus value itself, against the published constants */
        mpz_t z, want;
        mpz_inits(z, want, NULL);
        mpz_modulus(b, z);
        if (i == 0)
            mpz_set_str(want, "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16);
        else if (i == 1)
            mpz_set_str(want, "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001", 16);
        else {
            mpz_set_str(want, "27742317777372353535851937790883648493", 10);
            mpz_t two;
            mpz_init(two);
            mpz_ui_pow_ui(two, 2, 252);
            mpz_add(want, want, two);
            mpz_clear(two);
        }
        CHECK(mpz_cmp(z, want) == 0);
        CHECK(mpz_probab_prime_p(z, 30) != 0);
        mpz_clears(z, want, NULL);
    }
    uint8_t even[32] = { 4 }, one[32] = { 1 }, zero[32] = { 0 };
    Field f;
    CHECK(field_init(&f, even, "x") == -1);
    CHECK(field_init(&f, one, "x") == -1);
    CHECK(field_init(&f, zero, "x") == -1);
}

TEST(field_names)
{
    CHECK(field_by_name("bls12-381") == &field_bls12_381);
    CHECK(field_by_name(NULL) == &field_bls12_381);
    CHECK(field_by_name("") == &field_bls12_381);
    CHECK(field_default() == &field_bls12_381);
    CHECK(field_by_name("bn254") == &field_bn254);
    CHECK(field_by_name("curve25519") == &field_ed25519);
    CHECK(field_by_name("ed25519") == &field_ed25519);
    CHECK(field_by_name("BN254") == &field_bn254);
    CHECK(field_by_name("secp256k1") == NULL);
    CHECK_STR(field_bls12_381.name, "bls12-381");
    CHECK(field_bls12_381.bits == 255 && field_bn254.bits == 254 && field_ed25519.bits == 253);
}

/* Interesting integers for a modulus: 0, 1, 2, p-1, p-2, (p±1)/2, powers of
 * two below p, words of all ones below p.  Returns the count written. */
static int edge_values(const Field *f, mpz_t *out, int max)
{
    mpz_t p;
    mpz_init(p);
    mpz_modulus(f, p);
    int n = 0;
#define PUSH_UI(v)                      \
    do {                                \
        if (n < max) {                  \
            mpz_set_ui(out[n], (v));    \
            mpz_mod(out[n], out[n], p); \
            n++;                        \
        }                               \
    } while (0)
    PUSH_UI(0);
    PUSH_UI(1);
    PUSH_UI(2);
    PUSH_UI(3);
    if (n < max) {
        mpz_sub_ui(out[n], p, 1);
        n++;
    }
    if (n < max) {
        mpz_sub_ui(out[n], p, 2);
        n++;
    }
    if (n < max) {
        mpz_fdiv_q_2exp(out[n], p, 1);
        n++;
    }
    if (n < max) {
        mpz_fdiv_q_2exp(out[n], p, 1);
        mpz_add_ui(out[n], out[n], 1);
        n++;
    }
    for (unsigned k = 0; k < f->bits - 1 && n < max; k += 13) {
        mpz_ui_pow_ui(out[n], 2, k);
        n++;
    }
    for (unsigned w = 1; w <= 4 && n < max; w++) {
        mpz_ui_pow_ui(out[n], 2, 64 * w);
        mpz_sub_ui(out[n], out[n], 1);
        mpz_mod(out[n], out[n], p);
        n++;
    }
#undef PUSH_UI
    mpz_clear(p);
    return n;
}

static long conversion_failures;

/* z < p; a failure is counted and checked once at the end. */
static void fe_from_mpz(const Field *f, Fe *r, const mpz_t z)
{
    uint8_t b[32];
    mpz_to_bytes(b, z);
    if (fe_from_bytes(f, r, b) != 0) conversion_failures++;
}

static void check_edges(const Field *f)
{
    enum { MAXE = 40 };
    mpz_t e[MAXE], p, w;
    for (int i = 0; i < MAXE; i++) mpz_init(e[i]);
    mpz_inits(p, w, NULL);
    mpz_modulus(f, p);
    int n = edge_values(f, e, MAXE);
    Fe fe[MAXE];
    for (int i = 0; i < n; i++) fe_from_mpz(f, &fe[i], e[i]);
    long bad_add = 0, bad_sub = 0, bad_mul = 0, bad_neg = 0, bad_inv = 0, bad_eq = 0;
    for (int i = 0; i < n; i++) {
        Fe r;
        fe_neg(f, &r, &fe[i]);
        mpz_neg(w, e[i]);
        mpz_mod(w, w, p);
        bad_neg += !same(f, &r, w);
        fe_inv(f, &r, &fe[i]);
        if (mpz_sgn(e[i]) == 0)
            bad_inv += !fe_is_zero(&r);
        else {
            mpz_invert(w, e[i], p);
            bad_inv += !same(f, &r, w);
        }
        for (int j = 0; j < n; j++) {
            fe_add(f, &r, &fe[i], &fe[j]);
            mpz_add(w, e[i], e[j]);
            mpz_mod(w, w, p);
            bad_add += !same(f, &r, w);
            fe_sub(f, &r, &fe[i], &fe[j]);
            mpz_sub(w, e[i], e[j]);
            mpz_mod(w, w, p);
            bad_sub += !same(f, &r, w);
            fe_mul(f, &r, &fe[i], &fe[j]);
            mpz_mul(w, e[i], e[j]);
            mpz_mod(w, w, p);
            bad_mul += !same(f, &r, w);
            bad_eq += fe_equal(&fe[i], &fe[j]) != (mpz_cmp(e[i], e[j]) == 0);
        }
    }
    CHECK_MSG(bad_add == 0, "%s: %ld edge adds wrong", f->name, bad_add);
    CHECK_MSG(bad_sub == 0, "%s: %ld edge subs wrong", f->name, bad_sub);
    CHECK_MSG(bad_mul == 0, "%s: %ld edge muls wrong", f->name, bad_mul);
    CHECK_MSG(bad_neg == 0, "%s: %ld edge negs wrong", f->name, bad_neg);
    CHECK_MSG(bad_inv == 0, "%s: %ld edge inverses wrong", f->name, bad_inv);
    CHECK_MSG(bad_eq == 0, "%s: %ld edge equalities wrong", f->name, bad_eq);

    /* from_bytes rejects everything from p up to 2^256 - 1 */
    const char *reject_hex[] = { NULL, "p+1", "2^256-1", "2^255", "ones" };
    uint8_t b[32];
    Fe r;
    for (int k = 0; k < 5; k++) {
        if (k == 0)
            mpz_set(w, p);
        else if (k == 1)
            mpz_add_ui(w, p, 1);
        else if (k == 2) {
            mpz_ui_pow_ui(w, 2, 256);
            mpz_sub_ui(w, w, 1);
        } else if (k == 3)
            mpz_ui_pow_ui(w, 2, 255);
        else {
            mpz_ui_pow_ui(w, 2, 256);
            mpz_sub_ui(w, w, 2); /* 0xff..fe */
        }
        if (mpz_cmp(w, p) < 0) continue; /* a modulus near 2^256 */
        mpz_to_bytes(b, w);
        r.v[0] = 1;
        CHECK_MSG(fe_from_bytes(f, &r, b) == -1 && fe_is_zero(&r), "%s: from_bytes(%s) accepted", f->name,
                  reject_hex[k] ? reject_hex[k] : "p");
    }
    mpz_sub_ui(w, p, 1);
    mpz_to_bytes(b, w);
    CHECK(fe_from_bytes(f, &r, b) == 0 && same(f, &r, w));

    /* the Montgomery one and zero */
    Fe one, z;
    fe_one(f, &one);
    fe_zero(&z);
    mpz_set_ui(w, 1);
    CHECK(same(f, &one, w));
    CHECK(fe_is_zero(&z) && !fe_is_zero(&one));
    for (int i = 0; i < MAXE; i++) mpz_clear(e[i]);
    mpz_clears(p, w, NULL);
}

TEST(edge_cases)
{
    for (int i = 0; i < 3; i++) check_edges(builtins[i]);
    for (int i = 0; i < 4; i++) check_edges(&extra[i]);
}

enum { OP_ADD, OP_SUB, OP_MUL, OP_SQR, OP_NEG, OP_INV, OP_FROM_BYTES, OP_TO_BYTES, OP_REDUCE64, OP_KINDS };
static const char *op_names[OP_KINDS] = {
    "add", "sub", "mul", "sqr", "neg", "inv", "from_bytes", "to_bytes", "reduce64"
};

/* Random operations on a pool of values kept both as Fe and as mpz. */
static void random_ops(const Field *f, long nops)
{
    enum { POOL = 8 };
    Fe a[POOL];
    mpz_t z[POOL], p, w;
    long bad[OP_KINDS] = { 0 }, done[OP_KINDS] = { 0 };
    mpz_inits(p, w, NULL);
    mpz_modulus(f, p);
    for (int i = 0; i < POOL; i++) {
        mpz_init(z[i]);
        uint8_t b[64];
        rng_bytes(b, 64);
        fe_reduce64(f, &a[i], b);
        mpz_from_bytes(z[i], b, 64);
        mpz_mod(z[i], z[i], p);
    }
    for (long it = 0; it < nops; it++) {
        uint32_t r = rng_u32();
        int i = (int)(r & 7), j = (int)((r >> 3) & 7), k = (int)((r >> 6) & 7);
        unsigned sel = (r >> 9) & 63;
        /* inversions are ~1/32 of the mix: they cost ~300 multiplications */
        int op = sel < 14   ? OP_ADD
                 : sel < 26 ? OP_SUB
                 : sel < 42 ? OP_MUL
                 : sel < 48 ? OP_SQR
                 : sel < 52 ? OP_NEG
                 : sel < 54 ? OP_INV
                 : sel < 58 ? OP_FROM_BYTES
                 : sel < 61 ? OP_TO_BYTES
                            : OP_REDUCE64;
        int ok = 1;
        switch (op) {
        case OP_ADD:
            fe_add(f, &a[k], &a[i], &a[j]);
            mpz_add(z[k], z[i], z[j]);
            mpz_mod(z[k], z[k], p);
            break;
        case OP_SUB:
            fe_sub(f, &a[k], &a[i], &a[j]);
            mpz_sub(z[k], z[i], z[j]);
            mpz_mod(z[k], z[k], p);
            break;
        case OP_MUL:
            fe_mul(f, &a[k], &a[i], &a[j]);
            mpz_mul(z[k], z[i], z[j]);
            mpz_mod(z[k], z[k], p);
            break;
        case OP_SQR:
            fe_sqr(f, &a[k], &a[i]);
            mpz_mul(z[k], z[i], z[i]);
            mpz_mod(z[k], z[k], p);
            break;
        case OP_NEG:
            fe_neg(f, &a[k], &a[i]);
            mpz_neg(z[k], z[i]);
            mpz_mod(z[k], z[k], p);
            break;
        case OP_INV:
            fe_inv(f, &a[k], &a[i]);
            if (mpz_sgn(z[i]) == 0)
                mpz_set_ui(z[k], 0);
            else
                mpz_invert(z[k], z[i], p);
            break;
        case OP_FROM_BYTES: {
            /* random 32 bytes, high bits thinned so both verdicts occur */
            uint8_t b[32];
            rng_bytes(b, 32);
            unsigned shift = (r >> 15) & 3;
            unsigned top = f->bits <= 8 ? 0 : (f->bits - 1) / 8;
            for (unsigned q = top + 1; q < 32; q++)
                if (shift != 0) b[q] = 0;
            if (shift == 1) b[top] &= 0x7f;
            mpz_from_bytes(w, b, 32);
            Fe t;
            int rc = fe_from_bytes(f, &t, b);
            int want = mpz_cmp(w, p) < 0 ? 0 : -1;
            ok = rc == want && (rc != 0 || same(f, &t, w)) && (rc == 0 || fe_is_zero(&t));
            if (rc == 0) {
                a[k] = t;
                mpz_set(z[k], w);
            }
            break;
        }
        case OP_TO_BYTES: {
            uint8_t b[32];
            Fe t;
            fe_to_bytes(f, b, &a[i]);
            mpz_from_bytes(w, b, 32);
            ok = mpz_cmp(w, z[i]) == 0 && fe_from_bytes(f, &t, b) == 0 && fe_equal(&t, &a[i]);
            break;
        }
        case OP_REDUCE64: {
            uint8_t b[64];
            rng_bytes(b, 64);
            if ((r >> 15) & 1) memset(b + 32, 0xff, 32); /* near 2^512 */
            fe_reduce64(f, &a[k], b);
            mpz_from_bytes(z[k], b, 64);
            mpz_mod(z[k], z[k], p);
            break;
        }
        }
        if (ok && op != OP_TO_BYTES && op != OP_FROM_BYTES) ok = same(f, &a[k], z[k]);
        done[op]++;
        if (!ok) {
            if (bad[op]++ == 0) {
                print_seed();
                fprintf(stderr, "%s: first %s mismatch at op %ld\n", f->name, op_names[op], it);
            }
            /* resynchronise the pool so one bug does not cascade */
            fe_from_mpz(f, &a[k], z[k]);
        }
        /* now and then plant an edge value */
        if ((r >> 17) % 997 == 0) {
            unsigned which = (r >> 27) % 3;
            if (which == 0)
                mpz_set_ui(z[k], 0);
            else if (which == 1)
                mpz_set_ui(z[k], 1);
            else
                mpz_sub_ui(z[k], p, 1);
            fe_from_mpz(f, &a[k], z[k]);
        }
    }
    for (int op = 0; op < OP_KINDS; op++)
        CHECK_MSG(bad[op] == 0 && (done[op] > 0 || nops < 1000), "%s: %ld of %ld random %s wrong", f->name, bad[op],
                  done[op], op_names[op]);
    for (int i = 0; i < POOL; i++) mpz_clear(z[i]);
    mpz_clears(p, w, NULL);
}

static long ops_per_field(void)
{
    const char *s = getenv("STOFFEL_FIELD_OPS");
    if (s && *s) return atol(s);
    return 1000000;
}

TEST(random_ops_vs_gmp)
{
    long n = ops_per_field();
    for (int i = 0; i < 3; i++) random_ops(builtins[i], n);
    for (int i = 0; i < 4; i++) random_ops(&extra[i], n / 10);
}

/* The routine choice: the default follows the CPU (and
 * STOFFEL_FIELD_PORTABLE), and both routines give the same limbs, also for
 * a first operand >= p (fe_reduce64) and a modulus near 2^256. */
TEST(mul_routines_agree)
{
    const char *env = getenv("STOFFEL_FIELD_PORTABLE");
    int forced = env && *env && strcmp(env, "0") != 0;
    CHECK(fe_mul_impl() == (fe_mul_adx_available() && !forced));
    CHECK(fe_mul_set_impl(0) == 0 && fe_mul_impl() == 0);
#ifdef FE_HAVE_ADX_PATH
    if (!fe_mul_adx_available()) {
        CHECK(fe_mul_set_impl(1) == -1 && fe_mul_impl() == 0);
        return;
    }
    CHECK(fe_mul_set_impl(1) == 0 && fe_mul_impl() == 1);
    long bad = 0;
    for (int fi = 0; fi < 7; fi++) {
        const Field *f = fi < 3 ? builtins[fi] : &extra[fi - 3];
        for (int it = 0; it < 20000; it++) {
            Fe a, b, r1, r2;
            rng_bytes(a.v, sizeof a.v); /* any a < 2^256 */
            uint8_t w[64];
            rng_bytes(w, sizeof w);
            fe_reduce64(f, &b, w);
            if (it < 4) { /* extremes */
                memset(a.v, it & 1 ? 0xff : 0, sizeof a.v);
                memcpy(b.v, f->p, sizeof b.v);
                b.v[0] -= (uint64_t)(it >> 1);
                b.v[0] -= 1;
            }
            fe_mul_portable(f, &r1, &a, &b);
            fe_mul_adx_(f, &r2, &a, &b);
            bad += memcmp(&r1, &r2, sizeof r1) != 0;
        }
    }
    CHECK_MSG(bad == 0, "%ld products differ between MULX/ADX and portable", bad);
#else
    CHECK(fe_mul_set_impl(1) == -1 && fe_mul_impl() == 0);
#endif
}

TEST(pow_vs_gmp)
{
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = builtins[fi];
        mpz_t p, base, e, want;
        mpz_inits(p, base, e, want, NULL);
        mpz_modulus(f, p);
        long bad = 0;
        for (int it = 0; it < 200; it++) {
            uint8_t b[64];
            uint64_t el[4];
            Fe a, r;
            rng_bytes(b, 64);
            fe_reduce64(f, &a, b);
            mpz_from_fe(f, base, &a);
            rng_bytes(el, sizeof el);
            if (it % 4 == 1) el[3] = el[2] = el[1] = 0; /* short exponents */
            if (it % 4 == 2) el[3] = 0;
            if (it == 0) memset(el, 0, sizeof el); /* a^0 = 1 */
            mpz_import(e, 4, -1, sizeof(uint64_t), 0, 0, el);
            fe_pow(f, &r, &a, el);
            mpz_powm(want, base, e, p);
            bad += !same(f, &r, want);
        }
        Fe a, r;
        fe_from_u64(f, &a, 3);
        fe_pow_u64(f, &r, &a, 5);
        mpz_set_ui(want, 243);
        bad += !same(f, &r, want);
        /* Fermat: a^(p-1) = 1 */
        uint64_t pm1[4];
        memcpy(pm1, f->p, sizeof pm1);
        pm1[0] -= 1;
        fe_random(f, &a);
        fe_pow(f, &r, &a, pm1);
        mpz_set_ui(want, 1);
        bad += !same(f, &r, want);
        CHECK_MSG(bad == 0, "%s: %ld pow results wrong", f->name, bad);
        mpz_clears(p, base, e, want, NULL);
    }
}

TEST(batch_inverse)
{
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = builtins[fi];
        enum { N = 67 };
        Fe in[N], out[N], one;
        fe_one(f, &one);
        for (int i = 0; i < N; i++) fe_random(f, &in[i]);
        fe_from_u64(f, &in[5], 1);
        fe_from_i64(f, &in[6], -1);
        CHECK(fe_batch_inv(f, out, in, N) == 0);
        long bad = 0;
        for (int i = 0; i < N; i++) {
            Fe t, single;
            fe_mul(f, &t, &in[i], &out[i]);
            fe_inv(f, &single, &in[i]);
            bad += !fe_equal(&t, &one) || !fe_equal(&single, &out[i]);
        }
        CHECK_MSG(bad == 0, "%s: %ld batch inverses wrong", f->name, bad);
        CHECK(fe_batch_inv(f, out, in, 1) == 0 && fe_equal(&out[0], &(Fe){ { 0 } }) == 0);
        /* every length around the four lanes, and a zero in each lane */
        for (size_t len = 1; len <= 9; len++) {
            long bad_len = 0;
            CHECK(fe_batch_inv(f, out, in, len) == 0);
            for (size_t i = 0; i < len; i++) {
                Fe t;
                fe_mul(f, &t, &in[i], &out[i]);
                bad_len += !fe_equal(&t, &one);
            }
            CHECK_MSG(bad_len == 0, "%s: batch of %zu: %ld inverses wrong", f->name, len, bad_len);
            for (size_t z = 0; z < len; z++) {
                Fe keep = in[z];
                fe_zero(&in[z]);
                CHECK(fe_batch_inv(f, out, in, len) == -1);
                in[z] = keep;
            }
        }
        CHECK(fe_batch_inv(f, out, in, 0) == 0);
        fe_zero(&in[40]);
        CHECK(fe_batch_inv(f, out, in, N) == -1);
    }
}

TEST(inverse_of_small_integers)
{
    for (int fi = 0; fi < 7; fi++) {
        const Field *f = fi < 3 ? builtins[fi] : &extra[fi - 3];
        mpz_t p, w, vz;
        mpz_inits(p, w, vz, NULL);
        mpz_modulus(f, p);
        long bad = 0;
        for (int it = 0; it < 3000; it++) {
            uint64_t v;
            rng_bytes(&v, sizeof v);
            if (it < 300)
                v = (uint64_t)it; /* 0 .. 299 */
            else
                v >>= it % 64; /* all magnitudes */
            if (it == 1000) v = UINT64_MAX;
            Fe r;
            int rc = fe_inv_u64_vartime(f, &r, v);
            mpz_import(vz, 1, -1, sizeof v, 0, 0, &v);
            if (mpz_invert(w, vz, p) == 0)
                bad += rc != -1; /* v = 0 mod p */
            else
                bad += rc != 0 || !same(f, &r, w);
        }
        CHECK_MSG(bad == 0, "%s: %ld small inverses wrong", f->name, bad);
        mpz_clears(p, w, vz, NULL);
    }
    /* p = 7: multiples of 7 have no inverse */
    Fe r;
    CHECK(fe_inv_u64_vartime(&extra[3], &r, 14) == -1);
    CHECK(fe_inv_u64_vartime(&extra[3], &r, 15) == 0);
}

TEST(square_roots)
{
    for (int fi = 0; fi < 7; fi++) {
        const Field *f = fi < 3 ? builtins[fi] : &extra[fi - 3];
        mpz_t p, w, half;
        mpz_inits(p, w, half, NULL);
        mpz_modulus(f, p);
        mpz_fdiv_q_2exp(half, p, 1);
        long bad = 0, squares = 0, nonsquares = 0;
        for (int it = 0; it < 300; it++) {
            Fe a, sq, r, rr;
            uint8_t b[64];
            rng_bytes(b, 64);
            fe_reduce64(f, &a, b);
            if (it == 0) fe_zero(&a);
            if (it == 1) fe_one(f, &a);
            /* a square: r must be ±a, in the lower half */
            fe_sqr(f, &sq, &a);
            int rc = fe_sqrt_vartime(f, &r, &sq);
            fe_neg(f, &rr, &a);
            mpz_from_fe(f, w, &r);
            bad += rc != 0 || !(fe_equal(&r, &a) || fe_equal(&r, &rr)) || mpz_cmp(w, half) > 0;
            squares++;
            /* a itself: square iff GMP's Legendre symbol says so */
            mpz_from_fe(f, w, &a);
            int leg = mpz_legendre(w, p);
            rc = fe_sqrt_vartime(f, &r, &a);
            if (leg == -1) {
                bad += rc != -1 || !fe_is_zero(&r);
                nonsquares++;
            } else {
                fe_sqr(f, &rr, &r);
                bad += rc != 0 || !fe_equal(&rr, &a);
            }
        }
        CHECK_MSG(bad == 0 && nonsquares > 0, "%s: %ld of %ld square roots wrong (%ld non-squares)", f->name, bad,
                  squares * 2, nonsquares);
        mpz_clears(p, w, half, NULL);
    }
}

TEST(integers_signed)
{
    static const int64_t vals[] = { 0,
                                    1,
                                    -1,
                                    2,
                                    -2,
                                    42,
                                    -42,
                                    INT64_MAX,
                                    INT64_MIN,
                                    INT64_MAX - 1,
                                    INT64_MIN + 1,
                                    (int64_t)1 << 32,
                                    -((int64_t)1 << 32) };
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = builtins[fi];
        mpz_t p, w;
        mpz_inits(p, w, NULL);
        mpz_modulus(f, p);
        long bad = 0;
        for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            Fe a;
            int64_t back = 12345;
            fe_from_i64(f, &a, vals[i]);
            mpz_set_si(w, vals[i]);
            mpz_mod(w, w, p);
            bad += !same(f, &a, w);
            bad += fe_to_i64_signed(f, &back, &a) != 0 || back != vals[i];
        }
        for (int it = 0; it < 10000; it++) {
            int64_t v, back = 0;
            rng_bytes(&v, sizeof v);
            v >>= (it % 64); /* all magnitudes */
            Fe a;
            fe_from_i64(f, &a, v);
            bad += fe_to_i64_signed(f, &back, &a) != 0 || back != v;
        }
        /* out of range both ways: 2^63, p - 2^63 - 1, (p-1)/2, (p+1)/2 */
        Fe a;
        int64_t out;
        mpz_ui_pow_ui(w, 2, 63);
        fe_from_mpz(f, &a, w);
        bad += fe_to_i64_signed(f, &out, &a) != -1;
        mpz_sub(w, p, w);
        mpz_sub_ui(w, w, 1);
        fe_from_mpz(f, &a, w);
        bad += fe_to_i64_signed(f, &out, &a) != -1;
        mpz_fdiv_q_2exp(w, p, 1);
        fe_from_mpz(f, &a, w);
        bad += fe_to_i64_signed(f, &out, &a) != -1;
        mpz_add_ui(w, w, 1);
        fe_from_mpz(f, &a, w);
        bad += fe_to_i64_signed(f, &out, &a) != -1;
        /* from_u64 of values above INT64_MAX is positive */
        fe_from_u64(f, &a, UINT64_MAX);
        mpz_set_ui(w, 0);
        mpz_import(w, 1, -1, sizeof(uint64_t), 0, 0, &(uint64_t){ UINT64_MAX });
        bad += !same(f, &a, w);
        bad += fe_to_i64_signed(f, &out, &a) != -1;
        CHECK_MSG(bad == 0, "%s: %ld signed conversions wrong", f->name, bad);
        mpz_clears(p, w, NULL);
    }
    /* a modulus below 2^64: every residue decodes */
    int64_t out = 0;
    Fe a;
    fe_from_i64(&extra[3], &a, -3); /* p = 7: -3 = 4 */
    CHECK(fe_to_i64_signed(&extra[3], &out, &a) == 0 && out == -3);
    fe_from_i64(&extra[3], &a, 10); /* 10 = 3 */
    CHECK(fe_to_i64_signed(&extra[3], &out, &a) == 0 && out == 3);
}

TEST(random_elements)
{
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = builtins[fi];
        mpz_t p, w;
        mpz_inits(p, w, NULL);
        mpz_modulus(f, p);
        /* every sample canonical; the top bit of the range is set about
         * half the time (p/2 < 2^(bits-1) < p), all samples distinct */
        int top = 0, distinct = 1, canonical = 1;
        Fe prev;
        fe_zero(&prev);
        for (int i = 0; i < 2000; i++) {
            Fe a;
            uint8_t b[32];
            fe_random(f, &a);
            fe_to_bytes(f, b, &a);
            mpz_from_bytes(w, b, 32);
            canonical &= mpz_cmp(w, p) < 0;
            top += mpz_tstbit(w, f->bits - 1);
            distinct &= !fe_equal(&a, &prev);
            prev = a;
        }
        /* P(top bit) = (p - 2^(bits-1))/p: 0.09..0.5 for these fields */
        mpz_ui_pow_ui(w, 2, f->bits - 1);
        mpz_sub(w, p, w);
        double expect = mpz_get_d(w) / mpz_get_d(p) * 2000;
        CHECK_MSG(top > expect - 150 && top < expect + 150, "%s: top bit %d, expected %.0f", f->name, top, expect);
        CHECK(distinct);
        CHECK(canonical);
        mpz_clears(p, w, NULL);
    }
}

TEST(select_equal_constant_time_helpers)
{
    const Field *f = &field_bls12_381;
    Fe a, b, r;
    fe_from_u64(f, &a, 5);
    fe_from_u64(f, &b, 6);
    fe_select(&r, &a, &b, 0);
    CHECK(fe_equal(&r, &a));
    fe_select(&r, &a, &b, 1);
    CHECK(fe_equal(&r, &b));
    CHECK(!fe_equal(&a, &b));
    /* differences in any single limb are seen */
    for (int i = 0; i < 4; i++) {
        Fe c = a;
        c.v[i] ^= (uint64_t)1 << 63;
        CHECK(!fe_equal(&a, &c));
        c = a;
        c.v[i] ^= 1;
        CHECK(!fe_equal(&a, &c));
    }
}

int main(void)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "sodium_init failed\n");
        return 1;
    }
    const char *s = getenv("STOFFEL_FIELD_SEED");
    if (s && strlen(s) == 2 * sizeof seed) {
        for (size_t i = 0; i < sizeof seed; i++) {
            unsigned v;
            sscanf(s + 2 * i, "%2x", &v);
            seed[i] = (uint8_t)v;
        }
    } else
        randombytes_buf(seed, sizeof seed);
    init_extra();
    RUN(builtin_constants_match_field_init);
    RUN(field_names);
    RUN(mul_routines_agree);
    /* Every check against GMP runs with each multiplication routine the
     * CPU has: MULX/ADX (when BMI2 and ADX are there) and portable. */
    int chosen = fe_mul_impl();
    for (int adx = 1; adx >= 0; adx--) {
        if (fe_mul_set_impl(adx) != 0) {
            printf("skip: MULX/ADX multiplication (CPU without BMI2+ADX)\n");
            continue;
        }
        RUN(edge_cases);
        RUN(random_ops_vs_gmp);
        RUN(pow_vs_gmp);
        RUN(batch_inverse);
        RUN(inverse_of_small_integers);
        RUN(square_roots);
        RUN(integers_signed);
        RUN(random_elements);
        RUN(select_equal_constant_time_helpers);
    }
    fe_mul_set_impl(chosen);
    CHECK_MSG(conversion_failures == 0, "%ld canonical values rejected by fe_from_bytes", conversion_failures);
    if (unit_failed) print_seed();
    return unit_report();
}
