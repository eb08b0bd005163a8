/* field_bench.c: nanoseconds per field operation for each built-in field,
 * with plain GMP (mpz_mul + mpz_mod) as a reference point.  Not a test:
 * it prints figures and never fails on timing.
 *
 * Build and run (after `make lib`):
 *   cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Isrc -o build/field_bench \
 *      bench/field_bench.c build/libstoffel_vm.a -lsodium -lgmp
 *   build/field_bench [iterations]        (default 20000000)
 *
 * Times are CPU time of this thread (CLOCK_THREAD_CPUTIME_ID), not wall
 * time: on a shared machine the wall clock also counts the time other
 * programs hold the CPU, the thread's CPU time does not.
 *
 * The first table runs once per multiplication routine this CPU has:
 * "ifma" (the batch calls on AVX-512 IFMA, fe_mul on MULX/ADX), "mulx/adx"
 * (MULX/ADCX/ADOX, chosen at run time when the CPU has BMI2 and ADX; batch
 * calls loop over it) and "portable" (unsigned __int128).  Every operation
 * built on them (sqr, inv, batchinv, sqrt) follows the routine of its row.
 * "batch" is fe_mul_batch over vectors of 1024, per product; "sqrt" is
 * fe_sqrt_vartime, "sqrt tab" sqrt.c's fe_sqrt one at a time and
 * "sqrt bat" fe_sqrt_batch over 256 values, per root.
 *
 * "lat" is one dependent chain (each result feeds the next operation);
 * "thr" interleaves 8 independent chains, which is how batched Beaver
 * multiplication and batch reconstruction use the field.
 *
 * A second table times robust reconstruction (BLS12-381 Fr, d = t, all n
 * shares received): robust_batch_new, the batch fast path per opened
 * value with and without coefficient output, a single robust_decode, and
 * the Gao decoder path (one wrong share among the first d+1, so the fast
 * path fails). */
#include <gmp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mpc/field.h"
#include "mpc/robust.h"
#include "mpc/shamir.h"
#include "mpc/sqrt.h"

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t sink;

typedef double (*BenchFn)(const Field *, long);

/* Best of 5 runs: the machine is shared, the minimum is the cleanest. */
static double best(BenchFn fn, const Field *f, long n)
{
    double b = 1e30;
    for (int r = 0; r < 5; r++) {
        double v = fn(f, n);
        if (v < b) b = v;
    }
    return b;
}

static void consume(const Fe *a) { sink ^= a->v[0] ^ a->v[3]; }

static double bench_mul_lat(const Field *f, long n)
{
    Fe x, y;
    fe_random(f, &x);
    fe_random(f, &y);
    double t0 = now_ns();
    for (long i = 0; i < n; i++) fe_mul(f, &x, &x, &y);
    double t1 = now_ns();
    consume(&x);
    return (t1 - t0) / (double)n;
}

static double bench_mul_thr(const Field *f, long n)
{
    Fe x[8], y;
    for (int k = 0; k < 8; k++) fe_random(f, &x[k]);
    fe_random(f, &y);
    long rounds = n / 8;
    double t0 = now_ns();
    for (long i = 0; i < rounds; i++)
        for (int k = 0; k < 8; k++) fe_mul(f, &x[k], &x[k], &y);
    double t1 = now_ns();
    for (int k = 0; k < 8; k++) consume(&x[k]);
    return (t1 - t0) / (double)(rounds * 8);
}

static double bench_sqr(const Field *f, long n)
{
    Fe x;
    fe_random(f, &x);
    double t0 = now_ns();
    for (long i = 0; i < n; i++) fe_sqr(f, &x, &x);
    double t1 = now_ns();
    consume(&x);
    return (t1 - t0) / (double)n;
}

static double bench_add(const Field *f, long n)
{
    Fe x, y;
    fe_random(f, &x);
    fe_random(f, &y);
    double t0 = now_ns();
    for (long i = 0; i < n; i++) fe_add(f, &x, &x, &y);
    double t1 = now_ns();
    consume(&x);
    return (t1 - t0) / (double)n;
}

static double bench_sub(const Field *f, long n)
{
    Fe x, y;
    fe_random(f, &x);
    fe_random(f, &y);
    double t0 = now_ns();
    for (long i = 0; i < n; i++) fe_sub(f, &x, &x, &y);
    double t1 = now_ns();
    consume(&x);
    return (t1 - t0) / (double)n;
}

static double bench_inv(const Field *f, long n)
{
    Fe x;
    fe_random(f, &x);
    double t0 = now_ns();
    for (long i = 0; i < n; i++) fe_inv(f, &x, &x);
    double t1 = now_ns();
    consume(&x);
    return (t1 - t0) / (double)n;
}

static double bench_sqrt(const Field *f, long n)
{
    Fe x, r;
    fe_random(f, &x);
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        fe_sqr(f, &x, &x);
        fe_sqrt_vartime(f, &r, &x);
        x.v[0] ^= r.v[0] & 1; /* keep a dependency, stay < p */
    }
    double t1 = now_ns();
    consume(&r);
    return (t1 - t0) / (double)n;
}

/* fe_mul_batch over vectors of 1024 (the engine's batch sizes), ns per
 * product; the output feeds the next call, so nothing is hoisted. */
static double bench_mul_batch(const Field *f, long n)
{
    enum { B = 1024 };
    static Fe x[B], y[B];
    for (int k = 0; k < B; k++) {
        fe_random(f, &x[k]);
        fe_random(f, &y[k]);
    }
    long rounds = n / B > 0 ? n / B : 1;
    double t0 = now_ns();
    for (long i = 0; i < rounds; i++) fe_mul_batch(f, x, x, y, B);
    double t1 = now_ns();
    consume(&x[0]);
    return (t1 - t0) / (double)(rounds * B);
}

/* sqrt.c's table Tonelli–Shanks (the one RandBit uses): one root at a
 * time (fe_sqrt), or 256 at a time (fe_sqrt_batch); ns per root. */
static double bench_sqrt_tab(const Field *f, long n, int batched)
{
    enum { B = 256 };
    static Fe x[B], r[B];
    FeSqrt ctx;
    if (fe_sqrt_init(&ctx, f) != 0) return 0;
    for (int k = 0; k < B; k++) {
        fe_random(f, &x[k]);
        fe_sqr(f, &x[k], &x[k]);
    }
    long rounds = n / B > 0 ? n / B : 1;
    double t0 = now_ns();
    for (long i = 0; i < rounds; i++) {
        if (batched)
            fe_sqrt_batch(&ctx, r, x, B);
        else
            for (int k = 0; k < B; k++) fe_sqrt(&ctx, &r[k], &x[k]);
        consume(&r[i % B]);
    }
    double t1 = now_ns();
    fe_sqrt_free(&ctx);
    return (t1 - t0) / (double)(rounds * B);
}

static double bench_sqrt_one(const Field *f, long n) { return bench_sqrt_tab(f, n, 0); }

static double bench_sqrt_many(const Field *f, long n) { return bench_sqrt_tab(f, n, 1); }

static double bench_batch_inv(const Field *f, long n)
{
    enum { B = 256 };
    Fe in[B], out[B];
    for (int k = 0; k < B; k++) fe_random(f, &in[k]);
    long rounds = n / B > 0 ? n / B : 1;
    double t0 = now_ns();
    for (long i = 0; i < rounds; i++) {
        fe_batch_inv(f, out, in, B);
        in[i % B] = out[(i * 7) % B];
    }
    double t1 = now_ns();
    consume(&out[0]);
    return (t1 - t0) / (double)(rounds * B);
}

static double bench_gmp_mul(const Field *f, long n)
{
    mpz_t p, x, y;
    mpz_inits(p, x, y, NULL);
    mpz_import(p, 4, -1, sizeof(uint64_t), 0, 0, f->p);
    Fe a;
    uint64_t l[4];
    fe_random(f, &a);
    fe_to_limbs(f, l, &a);
    mpz_import(x, 4, -1, sizeof(uint64_t), 0, 0, l);
    fe_random(f, &a);
    fe_to_limbs(f, l, &a);
    mpz_import(y, 4, -1, sizeof(uint64_t), 0, 0, l);
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        mpz_mul(x, x, y);
        mpz_mod(x, x, p);
    }
    double t1 = now_ns();
    sink ^= mpz_get_ui(x);
    mpz_clears(p, x, y, NULL);
    return (t1 - t0) / (double)n;
}

static double bench_gmp_inv(const Field *f, long n)
{
    mpz_t p, x;
    mpz_inits(p, x, NULL);
    mpz_import(p, 4, -1, sizeof(uint64_t), 0, 0, f->p);
    Fe a;
    uint64_t l[4];
    fe_random(f, &a);
    fe_to_limbs(f, l, &a);
    mpz_import(x, 4, -1, sizeof(uint64_t), 0, 0, l);
    double t0 = now_ns();
    for (long i = 0; i < n; i++) mpz_invert(x, x, p);
    double t1 = now_ns();
    sink ^= mpz_get_ui(x);
    mpz_clears(p, x, NULL);
    return (t1 - t0) / (double)n;
}

/* ns per value of robust reconstruction for n parties, threshold t. */
static void bench_robust(unsigned n, unsigned t, long values)
{
    const Field *f = &field_bls12_381;
    unsigned d = t, parties[SHAMIR_MAX_PARTIES];
    for (unsigned i = 0; i < n; i++) parties[i] = i;
    size_t count = (size_t)values;
    Fe *mem = malloc(n * count * sizeof(Fe)), *secrets = malloc(count * sizeof(Fe));
    Fe *coeffs = malloc(count * (d + 1) * sizeof(Fe));
    const Fe **rows = malloc(n * sizeof *rows);
    if (!mem || !secrets || !coeffs || !rows) exit(1);
    for (unsigned j = 0; j < n; j++) rows[j] = mem + j * count;
    for (size_t c = 0; c < count; c++) {
        Fe s, sh[SHAMIR_MAX_PARTIES];
        fe_random(f, &s);
        shamir_share(f, &s, d, n, sh, NULL);
        for (unsigned j = 0; j < n; j++) mem[j * count + c] = sh[j];
    }
    RobustBatch *b = NULL;
    double s0 = now_ns();
    for (int r = 0; r < 10; r++) {
        robust_batch_free(b);
        if (robust_batch_new(&b, f, n, t, d, parties, n) != ROBUST_OK) exit(1);
    }
    double setup = (now_ns() - s0) / 10;
    double t0 = now_ns();
    robust_batch_decode(b, rows, count, secrets, NULL, NULL);
    double t1 = now_ns();
    robust_batch_decode(b, rows, count, secrets, coeffs, NULL);
    double t2 = now_ns();
    size_t single = count / 8;
    Fe vals[SHAMIR_MAX_PARTIES];
    for (size_t c = 0; c < single; c++) {
        for (unsigned j = 0; j < n; j++) vals[j] = rows[j][c];
        robust_decode(f, n, t, d, parties, vals, n, &secrets[c], NULL);
    }
    double t3 = now_ns();
    size_t slow = count / 64 ? count / 64 : 1;
    for (size_t c = 0; c < slow; c++) {
        for (unsigned j = 0; j < n; j++) vals[j] = rows[j][c];
        fe_add(f, &vals[0], &vals[0], &vals[1]); /* one wrong share */
        robust_decode(f, n, t, d, parties, vals, n, &secrets[c], NULL);
    }
    double t4 = now_ns();
    printf("n=%-3u t=%-2u %12.0f %12.0f %12.0f %12.0f %12.0f\n", n, t, setup, (t1 - t0) / (double)count,
           (t2 - t1) / (double)count, (t3 - t2) / (double)single, (t4 - t3) / (double)slow);
    consume(&secrets[0]);
    robust_batch_free(b);
    free(mem);
    free(secrets);
    free(coeffs);
    free(rows);
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000000L;
    if (n < 1000) n = 1000;
    if (sodium_init() < 0) return 1;
    const Field *fields[] = { &field_bls12_381, &field_bn254, &field_ed25519 };
    printf("ns/op, best of 5 runs of %ld iterations (inverse: %ld)\n", n / 5, n / 5000);
    printf("%-19s %8s %8s %8s %8s %8s %8s %9s %9s %9s %9s %9s %9s %9s\n", "field", "mul lat", "mul thr", "batch", "sqr",
           "add", "sub", "inv", "batchinv", "sqrt", "sqrt tab", "sqrt bat", "gmp mul", "gmp inv");
    int chosen = fe_mul_impl(), chosen_batch = fe_batch_impl();
    /* rows: IFMA batches (with MULX/ADX fe_mul), MULX/ADX, portable */
    for (int row = 0; row < 9; row++) {
        int kind = row / 3;
        const Field *f = fields[row % 3];
        if (fe_batch_set_impl(kind == 0) != 0 || fe_mul_set_impl(kind < 2) != 0) continue;
        long q = n / 5;
        double ml = best(bench_mul_lat, f, q), mt = best(bench_mul_thr, f, q), mb = best(bench_mul_batch, f, q);
        double sq = best(bench_sqr, f, q), ad = best(bench_add, f, q), sb = best(bench_sub, f, q);
        double iv = best(bench_inv, f, q / 1000), bi = best(bench_batch_inv, f, q / 20);
        double sr = best(bench_sqrt, f, q / 4000 + 1);
        double st = best(bench_sqrt_one, f, q / 2000 + 1), sm = best(bench_sqrt_many, f, q / 2000 + 1);
        double gm = best(bench_gmp_mul, f, q / 4), gi = best(bench_gmp_inv, f, q / 100);
        static const char *kinds[] = { "ifma", "mulx/adx", "portable" };
        char label[32];
        snprintf(label, sizeof label, "%s %s", f->name, kinds[kind]);
        printf("%-19s %8.1f %8.1f %8.1f %8.1f %8.1f %8.1f %9.0f %9.1f %9.0f %9.0f %9.0f %9.1f %9.0f\n", label, ml, mt,
               mb, sq, ad, sb, iv, bi, sr, st, sm, gm, gi);
    }
    fe_batch_set_impl(chosen_batch);
    fe_mul_set_impl(chosen);
    printf("\nrobust reconstruction, BLS12-381 Fr, d = t, ns per opened value (setup: ns per "
           "robust_batch_new)\n");
    printf("%-10s %12s %12s %12s %12s %12s\n", "", "batch setup", "batch", "batch+coef", "single", "gao (1 err)");
    long values = n / 500 > 1000 ? n / 500 : 1000;
    bench_robust(4, 1, values);
    bench_robust(7, 2, values);
    bench_robust(10, 3, values);
    bench_robust(31, 10, values / 4);
    printf("(checksum %016llx)\n", (unsigned long long)sink);
    return 0;
}
