/* compare_bench.c: throughput of secret comparisons and equality tests
 * (mpc/compare.h), all parties as threads of this process over the
 * in-process transport (n=4, t=1, BLS12-381 Fr by default).  Not a test: it
 * prints figures and never fails on timing.
 *
 *   make bench-compare [BENCH_ARGS="--batch 4096 --reps 3"]
 *   build/compare_bench [--n N --t T --batch B --reps R --calls C --bits K --field NAME]
 *
 * --calls C makes the masks of C batches at once and then runs C online
 * calls (best of them): for profiling the online phase alone.
 *
 * Rows (B values of K bits per batch, one call, best of R):
 *   a < b, online      mpc_compare(LT) with its masks made before
 *                      (mpc_cmp_preprocess)
 *   a == b, online     mpc_compare(EQ) with its masks made before
 *                      (mpc_eqz_preprocess)
 *   preprocessing      mpc_preprocess of the triples one batch uses, and
 *                      mpc_cmp_preprocess / mpc_eqz_preprocess (which
 *                      make the masks' random bits as XORs of dealt bits)
 *   end to end         preprocessing + online
 *   truncation, bit decomposition: mpc_truncate (f = 16) and
 *                      mpc_bit_decompose (K bits) with every mask made on
 *                      demand inside the call
 *   random bit         one random bit shared, made by the square-root
 *                      trick (mpc_preprocess) or as the XOR of t+1 dealt
 *                      bits (mpc_random_bits_dealt), per bit (batch·K bits)
 * with the wall time of the call and its CPU time per party (the sum of
 * the parties' thread CPU times / n: what a party would spend on its own
 * machine, and unlike the wall time not inflated by other jobs), and the
 * online rounds, bits and triples per batch (from MpcStats). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mpc/compare.h"
#include "net/inproc.h"

enum { OP_LT, OP_EQ, N_OPS };

typedef struct {
    unsigned n, t, k;
    size_t batch, reps, calls; /* calls: online calls per preprocessing */
    const Field *field;
    pthread_barrier_t bar;
    InprocHub *hub;
    int failed;
    double cpu[64]; /* each party's thread CPU time of the last call */
    /* written by party 0 */
    double t_on[N_OPS], t_pre[N_OPS], c_on[N_OPS], c_pre[N_OPS];
    uint64_t rounds[N_OPS], bits[N_OPS], triples[N_OPS], online_mul[N_OPS];
    /* mask-only operations with everything made on demand: mpc_truncate
     * (f = 16) and mpc_bit_decompose (all k bits) */
    double t_od[2], c_od[2];
    uint64_t bits_od[2];
    /* random bits made both ways: square roots, XORs of dealt bits */
    double t_bit[2], c_bit[2];
} Bench;

typedef struct {
    Bench *b;
    unsigned id;
} Arg;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Ends a call made on every party (started at wall t0, thread CPU c0):
 * returns party 0's wall time and, in *cpu, the parties' mean CPU time. */
static double timed(Bench *b, unsigned id, MpcEngine *e, int rc_of_call, double t0, double c0, double *cpu)
{
    if (rc_of_call != 0) {
        fprintf(stderr, "party %u: %s\n", id, mpc_error(e));
        b->failed = 1;
    }
    b->cpu[id] = thread_cpu() - c0;
    pthread_barrier_wait(&b->bar);
    double wall = now() - t0, sum = 0;
    for (unsigned i = 0; i < b->n; i++) sum += b->cpu[i];
    *cpu = sum / b->n;
    /* nobody writes cpu[] again before everyone has read it */
    pthread_barrier_wait(&b->bar);
    return wall;
}

static double best(double cur, double v) { return cur == 0 || v < cur ? v : cur; }

static void *party(void *arg)
{
    Arg *a = arg;
    Bench *b = a->b;
    MpcConfig cfg = { .n = b->n, .t = b->t, .party = a->id, .field = b->field, .instance_id = 7, .timeout_ms = 120000 };
    const char *err;
    MpcEngine *e = mpc_engine_new(&cfg, inproc_endpoint(b->hub, a->id), &err);
    if (!e) {
        fprintf(stderr, "engine: %s\n", err);
        exit(1);
    }
    size_t B = b->batch;
    Fe *x = malloc(B * sizeof *x), *y = malloc(B * sizeof *y), *z = malloc(B * sizeof *z);
    if (!x || !y || !z) exit(1);
    /* signed k-bit values spread over the range, every fourth pair equal */
    for (size_t i = 0; i < B; i++) {
        int64_t v = (int64_t)((i * 0x9e3779b97f4a7c15ull) >> (65 - b->k)) * (i % 2 ? -1 : 1);
        int64_t w = i % 4 ? (int64_t)((i * 0xc2b2ae3d27d4eb4full) >> (65 - b->k)) : v;
        fe_from_i64(b->field, &x[i], v);
        fe_from_i64(b->field, &y[i], w);
    }
    /* a first untimed batch of each: how much preprocessing one uses (the
     * masks make their own bits, as XORs of dealt bits, and the triples
     * those take are counted too) */
    uint64_t need_bits[N_OPS], need_tri[N_OPS];
    for (int op = 0; op < N_OPS && !b->failed; op++) {
        MpcStats s0 = mpc_stats(e);
        if ((op == OP_LT ? mpc_cmp_preprocess(e, B, b->k) : mpc_eqz_preprocess(e, B, b->k)) != 0) b->failed = 1;
        MpcStats s1 = mpc_stats(e);
        if (mpc_compare(e, op == OP_LT ? MPC_CMP_LT : MPC_CMP_EQ, x, y, B, b->k, z) != 0) b->failed = 1;
        MpcStats s2 = mpc_stats(e);
        if (b->failed) fprintf(stderr, "party %u: %s\n", a->id, mpc_error(e));
        need_bits[op] = s2.bits_used - s0.bits_used;
        need_tri[op] = s2.triples_used - s0.triples_used;
        if (a->id == 0) {
            b->rounds[op] = s2.rounds - s1.rounds;
            b->bits[op] = need_bits[op];
            b->triples[op] = need_tri[op];
            b->online_mul[op] = s2.multiplications - s1.multiplications;
        }
    }
    for (size_t r = 0; r < b->reps && !b->failed; r++)
        for (int op = 0; op < N_OPS && !b->failed; op++) {
            /* preprocessing: triples, then the masks with their bits */
            pthread_barrier_wait(&b->bar);
            double t0 = now(), c0 = thread_cpu(), cp, co;
            size_t C = b->calls;
            int rc = mpc_preprocess(e, C * need_tri[op], 0, 0);
            if (rc == 0) rc = op == OP_LT ? mpc_cmp_preprocess(e, C * B, b->k) : mpc_eqz_preprocess(e, C * B, b->k);
            double tp = timed(b, a->id, e, rc, t0, c0, &cp);
            if (a->id == 0) {
                b->t_pre[op] = best(b->t_pre[op], tp / (double)C);
                b->c_pre[op] = best(b->c_pre[op], cp / (double)C);
            }
            for (size_t call = 0; call < C; call++) {
                t0 = now(), c0 = thread_cpu();
                rc = mpc_compare(e, op == OP_LT ? MPC_CMP_LT : MPC_CMP_EQ, x, y, B, b->k, z);
                double to = timed(b, a->id, e, rc, t0, c0, &co);
                if (a->id == 0) {
                    b->t_on[op] = best(b->t_on[op], to);
                    b->c_on[op] = best(b->c_on[op], co);
                }
            }
        }
    /* B·k random bits each way, their triples and randoms made inside */
    Fe *rb = malloc(B * b->k * sizeof *rb);
    if (!rb) exit(1);
    for (size_t r = 0; r < b->reps && !b->failed; r++)
        for (int way = 0; way < 2 && !b->failed; way++) {
            pthread_barrier_wait(&b->bar);
            size_t have = mpc_material_count(e, MPC_MAT_BITS), nb = B * b->k;
            double t0 = now(), c0 = thread_cpu(), co;
            int rc = way == 0 ? mpc_preprocess(e, 0, 0, have + nb) : mpc_random_bits_dealt(e, rb, nb);
            double to = timed(b, a->id, e, rc, t0, c0, &co);
            if (a->id == 0) {
                b->t_bit[way] = best(b->t_bit[way], to / (double)b->k);
                b->c_bit[way] = best(b->c_bit[way], co / (double)b->k);
            }
        }
    free(rb);
    /* truncation and bit decomposition, their masks made on demand */
    Fe *bits = malloc(B * b->k * sizeof *bits);
    if (!bits) exit(1);
    for (size_t r = 0; r < b->reps && !b->failed; r++)
        for (int op = 0; op < 2 && !b->failed; op++) {
            pthread_barrier_wait(&b->bar);
            uint64_t b0 = mpc_stats(e).bits_used;
            double t0 = now(), c0 = thread_cpu(), co;
            int rc = op == 0 ? mpc_truncate(e, x, B, 64, 16, z) : mpc_bit_decompose(e, x, B, b->k, b->k, bits);
            double to = timed(b, a->id, e, rc, t0, c0, &co);
            if (a->id == 0) {
                b->t_od[op] = best(b->t_od[op], to);
                b->c_od[op] = best(b->c_od[op], co);
                b->bits_od[op] = mpc_stats(e).bits_used - b0;
            }
        }
    free(bits);
    free(x);
    free(y);
    free(z);
    mpc_engine_free(e);
    return NULL;
}

static void row(const char *what, size_t batch, double secs, double cpu)
{
    double rate = (double)batch / secs;
    printf("%-36s %7zu %10.1f k/s %9.2f us %9.2f us\n", what, batch, rate / 1e3, secs / (double)batch * 1e6,
           cpu / (double)batch * 1e6);
}

int main(int argc, char **argv)
{
    Bench b = { .n = 4, .t = 1, .k = 64, .batch = 2048, .reps = 2, .calls = 1 };
    const char *fname = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i];
        long v = atol(argv[i + 1]);
        if (!strcmp(k, "--n"))
            b.n = (unsigned)v;
        else if (!strcmp(k, "--t"))
            b.t = (unsigned)v;
        else if (!strcmp(k, "--batch"))
            b.batch = (size_t)v;
        else if (!strcmp(k, "--reps"))
            b.reps = (size_t)v;
        else if (!strcmp(k, "--calls"))
            b.calls = (size_t)v;
        else if (!strcmp(k, "--bits"))
            b.k = (unsigned)v;
        else if (!strcmp(k, "--field"))
            fname = argv[i + 1];
        else {
            fprintf(stderr, "unknown option %s\n", k);
            return 2;
        }
    }
    b.field = field_by_name(fname);
    if (!b.field || b.n < 1 || b.n > 64 || b.n < 3 * b.t + 1 || !b.batch || !b.reps || !b.calls || b.k < 2 ||
        b.k > 64) {
        fprintf(stderr, "bad options\n");
        return 2;
    }
    b.hub = inproc_hub_new(b.n, 0);
    pthread_barrier_init(&b.bar, NULL, b.n);
    pthread_t th[64];
    Arg args[64];
    for (unsigned i = 0; i < b.n; i++) {
        args[i] = (Arg){ &b, i };
        pthread_create(&th[i], NULL, party, &args[i]);
    }
    for (unsigned i = 0; i < b.n; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&b.bar);
    inproc_hub_free(b.hub);
    if (b.failed) return 1;
    printf("Secret comparisons: n=%u t=%u, %s, %u-bit signed values, %u parties as threads on %ld CPUs\n", b.n, b.t,
           b.field->name, b.k, b.n, sysconf(_SC_NPROCESSORS_ONLN));
    printf("one batch of %zu per call, best of %zu\n\n", b.batch, b.reps * b.calls);
    printf("%-36s %7s %14s %12s %12s\n", "operation", "batch", "rate", "per op", "CPU/party");
    static const char *const names[N_OPS] = { "a < b", "a == b" };
    for (int op = 0; op < N_OPS; op++) {
        char what[64];
        snprintf(what, sizeof what, "%s, online", names[op]);
        row(what, b.batch, b.t_on[op], b.c_on[op]);
        snprintf(what, sizeof what, "%s, its preprocessing", names[op]);
        row(what, b.batch, b.t_pre[op], b.c_pre[op]);
        snprintf(what, sizeof what, "%s, end to end", names[op]);
        row(what, b.batch, b.t_on[op] + b.t_pre[op], b.c_on[op] + b.c_pre[op]);
    }
    static const char *const od[2] = { "truncation f=16, made on demand", "bit decomposition, made on demand" };
    for (int op = 0; op < 2; op++) row(od[op], b.batch, b.t_od[op], b.c_od[op]);
    static const char *const bw[2] = { "random bit, square root", "random bit, XOR of dealt bits" };
    for (int way = 0; way < 2; way++) row(bw[way], b.batch, b.t_bit[way], b.c_bit[way]);
    printf("\n%-10s %14s %16s %18s %16s\n", "operation", "online rounds", "bits per value", "triples per value",
           "of them online");
    for (int op = 0; op < N_OPS; op++)
        printf("%-10s %14llu %16.1f %18.1f %16.1f\n", names[op], (unsigned long long)b.rounds[op],
               (double)b.bits[op] / (double)b.batch, (double)b.triples[op] / (double)b.batch,
               (double)b.online_mul[op] / (double)b.batch);
    printf("square-root bits per value made on demand: truncation %.1f, bit decomposition %.1f\n",
           (double)b.bits_od[0] / (double)b.batch, (double)b.bits_od[1] / (double)b.batch);
    return 0;
}
