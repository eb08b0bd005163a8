/* test_compare_fixed.c: fixed-point division, sqrt and exp on shares
 * (mpc/compare.h, fixed.c) within their documented error bounds, with
 * and without a party sending wrong shares (compare_check.h). */
#include <math.h>

#include "compare_check.h"

/* ---- fixed-point division ------------------------------------------------------- */

/* a/b on 64-bit fixed point with 16 fractional bits, within the documented
 * bound: MPC_FIXED_DIV_REL_ERR·|a/b| + 3 units of 2^-16. */
static void check_fixed_div(bool faulty)
{
    size_t n = SCALE(60, 20);
    uint64_t a[64], b[64];
    for (size_t i = 0; i < n; i++) {
        double u = (double)(rnd64() >> 11) / 9007199254740992.0, v = (double)(rnd64() >> 11) / 9007199254740992.0;
        double x = (u - 0.5) * 2000.0, y = (v < 0.5 ? -1 : 1) * pow(10.0, v * 6.0 - 3.0);
        a[i] = (uint64_t)(int64_t)llround(x * 65536.0);
        b[i] = (uint64_t)(int64_t)llround(y * 65536.0);
    }
    /* edges: the smallest divisors, a divisor of 1.0, a large one, 0 / b */
    a[0] = 65536, b[0] = 1; /* 1 / 2^-16 = 65536 */
    a[1] = (uint64_t)-3 * 65536, b[1] = (uint64_t)-1;
    a[2] = 7 * 65536, b[2] = 65536;
    a[3] = (uint64_t)1 << 50, b[3] = (uint64_t)1 << 46; /* 2^34 / 2^30 */
    a[4] = 0, b[4] = 12345;
    a[5] = 1, b[5] = (uint64_t)1 << 40; /* 2^-16 / 2^24: rounds to 0 */
    Job j = { .kind = J_FDIV, .k = 64, .n = n, .a = a, .b = b };
    Fe *out = NULL;
    uint64_t rounds = 0;
    if (run_job(&j, faulty, &out, &rounds) != 0) return;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        long double want = (long double)(int64_t)a[i] * 65536.0L / (long double)(int64_t)b[i];
        long double got = (long double)as_i64(&out[i]);
        long double tol = MPC_FIXED_DIV_REL_ERR * fabsl(want) + 3.0L;
        if (fabsl(got - want) > tol) {
            if (bad++ < 3)
                fprintf(stderr, "fixed div %lld/%lld: got %Lf want %Lf\n", (long long)(int64_t)a[i],
                        (long long)(int64_t)b[i], got, want);
        }
    }
    CHECK_MSG(bad == 0, "fixed-point division%s: %zu of %zu outside the bound", faulty ? " (faulty)" : "", bad, n);
    free(out);
}

/* sqrt and exp on 64-bit fixed point (f = 16) within their bounds. */
static void check_fixed_fn(int kind, bool faulty)
{
    size_t n = SCALE(40, 12);
    uint64_t a[64];
    for (size_t i = 0; i < n; i++) {
        double u = (double)(rnd64() >> 11) / 9007199254740992.0;
        double v = kind == J_FSQRT ? pow(10.0, u * 16.0 - 4.0) : u * 70.0 - 38.0;
        a[i] = (uint64_t)(int64_t)llround(v * 65536.0);
    }
    if (kind == J_FSQRT) {
        a[0] = 0, a[1] = 1, a[2] = 65536, a[3] = 4 * 65536, a[4] = (uint64_t)INT64_MAX;
    } else {
        a[0] = 0, a[1] = 65536, a[2] = (uint64_t)(int64_t)-65536, a[3] = 32 * 65536,
        a[4] = (uint64_t)(int64_t)-40 * 65536;
    }
    Job j = { .kind = kind, .k = 64, .n = n, .a = a };
    Fe *out = NULL;
    uint64_t rounds = 0;
    if (run_job(&j, faulty, &out, &rounds) != 0) return;
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        long double x = (long double)(int64_t)a[i] / 65536.0L, want, tol;
        if (kind == J_FSQRT) {
            want = sqrtl(x) * 65536.0L;
            tol = MPC_FIXED_DIV_REL_ERR * want + 3.0L;
        } else {
            long double xc = x < -33 ? -33 : x > 32 ? 32 : x;
            want = expl(xc) * 65536.0L;
            tol = MPC_FIXED_EXP_REL_ERR * want + 3.0L;
        }
        long double got = (long double)as_i64(&out[i]);
        if (fabsl(got - want) > tol && bad++ < 3)
            fprintf(stderr, "%s(%Lf): got %Lf want %Lf\n", kind == J_FSQRT ? "sqrt" : "exp", x, got / 65536.0L,
                    want / 65536.0L);
    }
    CHECK_MSG(bad == 0, "fixed-point %s%s: %zu of %zu outside the bound", kind == J_FSQRT ? "sqrt" : "exp",
              faulty ? " (faulty)" : "", bad, n);
    free(out);
}

TEST(fixed_point_sqrt_exp)
{
    check_fixed_fn(J_FSQRT, false);
    check_fixed_fn(J_FEXP, false);
    check_fixed_fn(J_FSQRT, true);
    check_fixed_fn(J_FEXP, true);
}

TEST(fixed_point_division)
{
    check_fixed_div(false);
    check_fixed_div(true);
}

/* A quotient beyond 64 bits (a large a over the smallest b) comes back
 * wrapped into 64 bits (issue 20: a later product with it must stay inside
 * the truncation's bound); a/b's low 64 bits, within the documented error. */
TEST(fixed_point_division_wraps)
{
    uint64_t a[3] = { (uint64_t)1 << 62, (uint64_t) - ((int64_t)1 << 50), (uint64_t)INT64_MAX };
    uint64_t b[3] = { 1, 3, (uint64_t)-1 };
    Job j = { .kind = J_FDIV, .k = 64, .n = 3, .a = a, .b = b };
    Fe *out = NULL;
    uint64_t rounds = 0;
    if (run_job(&j, false, &out, &rounds) != 0) return;
    for (size_t i = 0; i < 3; i++) {
        int64_t got = 0;
        CHECK_MSG(fe_to_i64_signed(F(), &got, &out[i]) == 0, "quotient %zu does not fit 64 bits", i);
        /* the exact quotient mod 2^64, and the distance to it (error bound:
         * 2^-40 of about 2^80, 2^40 units) */
        __int128 want = (__int128)(int64_t)a[i] * 65536 / (int64_t)b[i];
        int64_t d = (int64_t)((uint64_t)got - (uint64_t)(unsigned __int128)want);
        CHECK_MSG(d > -((int64_t)1 << 41) && d < ((int64_t)1 << 41), "quotient %zu off by %lld", i, (long long)d);
    }
    free(out);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(fixed_point_division);
    RUN(fixed_point_division_wraps);
    RUN(fixed_point_sqrt_exp);
    return unit_report();
}
