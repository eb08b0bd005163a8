/* test_compare_arith.c: exact truncation, mod 2^m, bit decomposition,
 * floor division by public values, selection and arg-extremes
 * (mpc/compare.h) with real preprocessed bits, with and without a party
 * sending wrong shares (compare_check.h).  Fixed point: test_compare_fixed.c. */
#include "compare_check.h"

/* ---- truncation, mod 2^m, bit decomposition ---------------------------------------- */

static void signed_values(uint64_t *v, size_t n, unsigned k)
{
    uint64_t edges[] = { 0, 1, ~(uint64_t)0, sext((uint64_t)1 << (k - 1), k), ((uint64_t)1 << (k - 1)) - 1 };
    for (size_t i = 0; i < n; i++) v[i] = i < 5 ? edges[i] : sext(rnd64() >> (rnd64() % 64), k);
}

static void check_trunc_mod(unsigned k, unsigned m, bool faulty)
{
    size_t n = SCALE(100, 30);
    uint64_t *v = malloc(n * sizeof *v);
    signed_values(v, n, k);
    for (int kind = J_MOD2M; kind <= J_BITDEC; kind++) {
        Job j = { .kind = kind, .k = k, .m = m, .n = n, .a = v };
        Fe *out = NULL;
        uint64_t rounds = 0, bits = 0;
        if (run_job_bits(&j, faulty, &out, &rounds, &bits) != 0) continue;
        /* random bits only for the m low mask bits: the high part is dealt */
        CHECK_MSG(bits == n * m, "kind %d k=%u m=%u: %llu random bits, want %zu", kind, k, m, (unsigned long long)bits,
                  n * m);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t x = (int64_t)v[i];
            uint64_t low = m == 64 ? v[i] : v[i] & (((uint64_t)1 << m) - 1);
            if (kind == J_MOD2M) {
                uint64_t limbs[4];
                fe_to_limbs(F(), limbs, &out[i]);
                bad += limbs[0] != low || limbs[1] || limbs[2] || limbs[3];
            } else if (kind == J_TRUNC) {
                /* floor(x / 2^m), arithmetic shift */
                int64_t want = m >= 64 ? (x < 0 ? -1 : 0) : (x >> m);
                bad += as_i64(&out[i]) != want;
            } else {
                for (unsigned b = 0; b < m; b++) bad += as_i64(&out[i * m + b]) != (int64_t)((low >> b) & 1);
            }
        }
        CHECK_MSG(bad == 0, "kind %d k=%u m=%u%s: %zu wrong", kind, k, m, faulty ? " faulty" : "", bad);
        if (kind == J_BITDEC) {
            unsigned want = 1;
            for (unsigned s = 1; s < m; s *= 2) want++;
            CHECK_MSG(rounds == want, "bit_decompose m=%u: %llu rounds, want %u", m, (unsigned long long)rounds, want);
        }
        free(out);
    }
    free(v);
}

TEST(trunc_mod_bitdec)
{
    check_trunc_mod(64, 16, false);
    check_trunc_mod(64, 64, false);
    check_trunc_mod(32, 1, false);
    check_trunc_mod(32, 31, false);
    check_trunc_mod(8, 8, false);
    check_trunc_mod(64, 63, true);
}

/* mpc_truncate (fixed-point products) with nothing made ahead: the masks'
 * high parts are dealt, so only f random bits per value are used, and the
 * result is still floor(x / 2^f) or that + 1. */
static void check_truncate_dealt(bool faulty)
{
    size_t n = SCALE(100, 30);
    const unsigned f = 16;
    uint64_t *v = malloc(n * sizeof *v);
    signed_values(v, n, 64);
    for (size_t i = 5; i < n; i++) v[i] = (uint64_t)((int64_t)v[i] >> 2); /* products: |v| < 2^126 */
    Job j = { .kind = J_TRUNC_PR, .k = 64, .m = f, .n = n, .a = v };
    Fe *out = NULL;
    uint64_t rounds = 0, bits = 0;
    if (run_job_bits(&j, faulty, &out, &rounds, &bits) == 0) {
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t want = (int64_t)v[i] >> f, got = as_i64(&out[i]);
            bad += got != want && got != want + 1;
        }
        CHECK_MSG(bad == 0, "mpc_truncate%s: %zu of %zu not floor or floor + 1", faulty ? " faulty" : "", bad, n);
        CHECK_MSG(bits == n * f, "mpc_truncate: %llu random bits, want %zu", (unsigned long long)bits, n * f);
        CHECK_MSG(rounds == 1, "mpc_truncate: %llu rounds", (unsigned long long)rounds);
        free(out);
    }
    free(v);
}

TEST(truncate_dealt_high_parts)
{
    check_truncate_dealt(false);
    check_truncate_dealt(true);
}

/* ---- division by a public value -------------------------------------------------- */

static void check_div(int64_t d, bool is_unsigned, bool faulty)
{
    size_t n = SCALE(100, 30);
    uint64_t *v = malloc(n * sizeof *v);
    signed_values(v, n, 64);
    if (is_unsigned)
        for (size_t i = 0; i < n; i++) v[i] = i == 3 ? ~(uint64_t)0 : i == 4 ? (uint64_t)1 << 63 : v[i];
    Job j = { .kind = J_DIV, .k = 64, .d = d, .n = n, .a = v, .is_unsigned = is_unsigned };
    Fe *out = NULL;
    uint64_t rounds = 0;
    if (run_job(&j, faulty, &out, &rounds) == 0) {
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) {
            __int128 x = is_unsigned ? (__int128)v[i] : (__int128)(int64_t)v[i];
            __int128 q = x / d, r = x % d;
            if (r != 0 && ((r < 0) != (d < 0))) {
                q -= 1;
                r += d;
            }
            Fe wq, wr;
            uint64_t ql[4] = { 0 }, rl[4] = { 0 };
            /* encode the expected values in the field (q may exceed int64 for unsigned / -1) */
            if (q < 0) {
                fe_from_i64(F(), &wq, (int64_t)q);
            } else {
                ql[0] = (uint64_t)q;
                fe_from_limbs(F(), &wq, ql);
            }
            if (r < 0) {
                fe_from_i64(F(), &wr, (int64_t)r);
            } else {
                rl[0] = (uint64_t)r;
                fe_from_limbs(F(), &wr, rl);
            }
            bad += !fe_equal(&wq, &out[i]) || !fe_equal(&wr, &out[n + i]);
        }
        CHECK_MSG(bad == 0, "div by %lld %s%s: %zu of %zu wrong", (long long)d, is_unsigned ? "unsigned" : "signed",
                  faulty ? " faulty" : "", bad, n);
        free(out);
    }
    free(v);
}

TEST(div_mod_public)
{
    int64_t ds[] = { 1, 2, 3, 7, 10, 1000, 65537, -7, -1, (int64_t)1 << 40, INT64_MAX };
    for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) check_div(ds[i], false, false);
    check_div(3, true, false);
    check_div(1000000007, true, false);
    check_div(7, false, true);
    check_div(-10, true, true);
}

/* ---- select and arg-extremes -------------------------------------------------------- */

TEST(select_and_argmax)
{
    size_t n = 37;
    uint64_t a[64], b[64];
    signed_values(a, n, 64);
    signed_values(b, n, 64);
    a[3] = a[4] = 5;
    a[20] = a[30] = (uint64_t)INT64_MAX; /* a tie: the lower index wins */
    a[7] = a[9] = (uint64_t)INT64_MIN;
    for (int faulty = 0; faulty < 2; faulty++) {
        Job j = { .kind = J_SELECT, .k = 64, .n = n, .a = a, .b = b };
        Fe *out = NULL;
        uint64_t rounds = 0;
        if (run_job(&j, faulty, &out, &rounds) == 0) {
            for (size_t i = 0; i < n; i++) CHECK(as_i64(&out[i]) == (int64_t)((a[i] & 1) ? a[i] : b[i]));
            free(out);
        }
        for (int kind = J_ARGMAX; kind <= J_ARGMIN; kind++) {
            Job g = { .kind = kind, .k = 64, .n = n, .a = a };
            if (run_job(&g, faulty, &out, &rounds) != 0) continue;
            CHECK_MSG(as_i64(&out[0]) == (kind == J_ARGMAX ? 20 : 7), "arg index %lld", (long long)as_i64(&out[0]));
            CHECK(as_i64(&out[1]) == (kind == J_ARGMAX ? INT64_MAX : INT64_MIN));
            /* ceil(log2 37) = 6 levels of (6-round comparison: batches below 256
             * take 2-bit blocks, compare.c lt_kind + one selection round) */
            CHECK_MSG(rounds == 6 * (6 + 1), "argmax rounds %llu", (unsigned long long)rounds);
            free(out);
        }
    }
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(trunc_mod_bitdec);
    RUN(truncate_dealt_high_parts);
    RUN(div_mod_public);
    RUN(select_and_argmax);
    return unit_report();
}
