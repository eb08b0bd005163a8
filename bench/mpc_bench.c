/* mpc_bench.c: throughput and latency of the MPC engine, all parties as
 * threads of this process over the in-process transport (n=4, t=1,
 * BLS12-381 Fr by default).  Not a test: it prints figures and never fails
 * on timing.
 *
 * Build and run:
 *   make bench-mpc [BENCH_ARGS="--batch 100000 --reps 5"]
 * or, after `make lib`:
 *   cc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -pthread -Isrc -o build/mpc_bench \
 *      bench/mpc_bench.c build/libstoffel_vm.a -lsodium -lm -pthread
 *   build/mpc_bench [--n N --t T --batch B --reps R --latency L --bits K --field NAME]
 *
 * Rows:
 *   multiplications  one mpc_round with B Beaver multiplications (online
 *                    phase only: triples made beforehand, not timed)
 *   triples          mpc_preprocess making B triples (RanSha, RanDouSha,
 *                    check, degree-2t opening)
 *   openings         one mpc_round opening B values
 *   random bits      mpc_preprocess making K bits (square-root trick),
 *                    including the triples and random shares they use
 *   truncations      mpc_truncate of K/MPC_TRUNC_BITS(64) values (bits made beforehand)
 *   latency          L rounds of a single multiplication, one after the
 *                    other
 * Each timed phase starts and ends at a barrier of all parties; the figure
 * is the best of the repetitions (the least disturbed by the scheduler).
 * "cpu/op/party" is the process CPU time of the phase (all parties'
 * threads) per operation divided by n: what one party spends, which other
 * programs on a shared machine do not inflate as they do wall time.
 *
 * Other modes:
 *   --only mul|tri|open     only that phase (for perf record)
 *   --scale 1               n = 4, 7, 10, 16, 31 with t = (n-1)/3, each in a
 *                           child process: throughput, latency, CPU per
 *                           multiplication per party, peak RSS per party
 *                           (batch default 20000, at most 3 repetitions)
 *   --triples-rss N         each party preprocesses N triples (default run:
 *                           1000000), then peak RSS of the process / n */
#include <pthread.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mpc/engine.h"
#include "net/inproc.h"

typedef struct {
    unsigned n, t;
    size_t batch, reps, latency, bits;
    const Field *field;
    pthread_barrier_t bar;
    InprocHub *hub;
    /* seconds per phase and repetition, written by party 0 */
    double t_mul, t_tri, t_open, t_bits, t_trunc, t_lat;
    /* process CPU seconds of the same phases (best repetition) */
    double c_mul, c_tri, c_open, c_lat, c_other;
    const char *only;   /* NULL, "mul", "tri" or "open" */
    size_t rss_triples; /* --triples-rss: preprocess this many, nothing else */
    int failed;
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

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double best(double cur, double v) { return cur == 0 || v < cur ? v : cur; }

/* Runs `body` on every party between two barriers; party 0 times it
 * (wall time into `slot`, process CPU time into `cslot`). */
#define PHASE2(slot, cslot, body)                                   \
    do {                                                            \
        pthread_barrier_wait(&b->bar);                              \
        double t0_ = now(), c0_ = cpu_now();                        \
        if ((body) != 0) {                                          \
            fprintf(stderr, "party %u: %s\n", a->id, mpc_error(e)); \
            b->failed = 1;                                          \
        }                                                           \
        pthread_barrier_wait(&b->bar);                              \
        if (a->id == 0) {                                           \
            b->slot = best(b->slot, now() - t0_);                   \
            b->cslot = best(b->cslot, cpu_now() - c0_);             \
        }                                                           \
    } while (0)
#define PHASE(slot, body) PHASE2(slot, c_other, body)
#define WANT(phase) (!b->only || !strcmp(b->only, phase))

/* n multiplications, each its own round. */
static int one_by_one(MpcEngine *e, const Fe *x, const Fe *y, Fe *z, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (mpc_round(e, NULL, 0, NULL, x, y, 1, z) != 0) return -1;
    return 0;
}

static void *party(void *arg)
{
    Arg *a = arg;
    Bench *b = a->b;
    MpcConfig cfg = { .n = b->n, .t = b->t, .party = a->id, .field = b->field, .instance_id = 1, .timeout_ms = 60000 };
    const char *err;
    MpcEngine *e = mpc_engine_new(&cfg, inproc_endpoint(b->hub, a->id), &err);
    if (!e) {
        fprintf(stderr, "engine: %s\n", err);
        b->failed = 1;
        exit(1);
    }
    size_t B = b->batch;
    Fe *x = malloc(B * sizeof *x), *y = malloc(B * sizeof *y), *z = malloc(B * sizeof *z);
    if (!x || !y || !z) exit(1);
    for (size_t i = 0; i < B; i++) {
        fe_from_u64(b->field, &x[i], i + 1);
        fe_from_u64(b->field, &y[i], 3 * i + 7);
    }
    if (b->rss_triples) {
        PHASE2(t_tri, c_tri, mpc_preprocess(e, b->rss_triples, 0, 0));
        goto done;
    }
    for (size_t r = 0; r < b->reps && !b->failed; r++) {
        if (WANT("tri") || WANT("mul")) PHASE2(t_tri, c_tri, mpc_preprocess(e, B, 0, 0));
        if (WANT("mul"))
            PHASE2(t_mul, c_mul, mpc_round(e, NULL, 0, NULL, x, y, B, z));
        else if (WANT("tri") && mpc_round(e, NULL, 0, NULL, x, y, B, z) != 0)
            b->failed = 1; /* use the triples up: the next run makes new ones */
        if (WANT("open")) PHASE2(t_open, c_open, mpc_round(e, x, B, z, NULL, NULL, 0, NULL));
    }
    if (b->only) goto done;
    size_t k = 64 + 40, nt = b->bits / k ? b->bits / k : 1;
    Fe *tv = malloc(nt * sizeof *tv);
    for (size_t i = 0; i < nt; i++) fe_from_i64(b->field, &tv[i], -(int64_t)(i * 977));
    for (size_t r = 0; r < 2 && !b->failed; r++) {
        PHASE(t_bits, mpc_preprocess(e, 0, 0, nt * k));
        PHASE(t_trunc, mpc_truncate(e, tv, nt, 64, 16, tv));
    }
    if (!b->failed) {
        mpc_preprocess(e, b->latency, 0, 0);
        PHASE2(t_lat, c_lat, one_by_one(e, x, y, z, b->latency));
    }
    free(tv);
done:
    free(x);
    free(y);
    free(z);
    mpc_engine_free(e);
    return NULL;
}

static void row(const char *what, size_t batch, double count, double secs, double cpu, unsigned n)
{
    double rate = count / secs;
    const char *unit = "";
    double shown = rate;
    if (rate >= 1e6) {
        shown = rate / 1e6;
        unit = "M";
    } else if (rate >= 1e3) {
        shown = rate / 1e3;
        unit = "k";
    }
    printf("%-34s %9zu %9.2f %s/s %11.2f us", what, batch, shown, unit, secs / count * 1e6);
    if (cpu > 0) printf(" %11.2f us", cpu / count / n * 1e6);
    printf("\n");
}

/* Peak resident memory of this process in bytes. */
static double peak_rss(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss * 1024.0;
}

/* All parties as threads through the phases of b; 0 or 1 (failed). */
static int run(Bench *b)
{
    b->hub = inproc_hub_new(b->n, 0);
    pthread_barrier_init(&b->bar, NULL, b->n);
    pthread_t th[64];
    Arg args[64];
    for (unsigned i = 0; i < b->n; i++) {
        args[i] = (Arg){ b, i };
        pthread_create(&th[i], NULL, party, &args[i]);
    }
    for (unsigned i = 0; i < b->n; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&b->bar);
    inproc_hub_free(b->hub);
    return b->failed;
}

/* --scale: one child process per n, so each peak RSS is its own. */
static int scale(const Bench *proto)
{
    static const unsigned ns[] = { 4, 7, 10, 16, 31 };
    printf("MPC engine scaling: parties as threads of one process (in-process transport), %s,\n"
           "t = (n-1)/3, batch %zu multiplications, best of %zu; %ld CPUs\n\n",
           proto->field->name, proto->batch, proto->reps, sysconf(_SC_NPROCESSORS_ONLN));
    printf("%4s %3s %12s %14s %16s %14s %16s\n", "n", "t", "mul/s", "cpu/mul/party", "cpu/mul/party/n", "latency",
           "peak RSS/party");
    fflush(stdout);
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        pid_t pid = fork();
        if (pid < 0) return 1;
        if (pid == 0) {
            Bench b = *proto;
            b.n = ns[k];
            b.t = (ns[k] - 1) / 3;
            b.bits = MPC_TRUNC_BITS(64);
            if (run(&b)) _exit(1);
            double cpu = b.c_mul / (double)b.batch / b.n;
            printf("%4u %3u %10.1f k %11.2f us %13.3f us %11.1f us %13.1f MB\n", b.n, b.t,
                   (double)b.batch / b.t_mul / 1e3, cpu * 1e6, cpu * 1e6 / b.n, b.t_lat / (double)b.latency * 1e6,
                   peak_rss() / b.n / 1e6);
            fflush(stdout);
            _exit(0);
        }
        int st;
        if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    Bench b = { .n = 4, .t = 1, .batch = 100000, .reps = 5, .latency = 2000, .bits = MPC_TRUNC_BITS(64) * 1000 };
    const char *fname = NULL;
    int do_scale = 0;
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
        else if (!strcmp(k, "--latency"))
            b.latency = (size_t)v;
        else if (!strcmp(k, "--bits"))
            b.bits = (size_t)v;
        else if (!strcmp(k, "--field"))
            fname = argv[i + 1];
        else if (!strcmp(k, "--only") &&
                 (!strcmp(argv[i + 1], "mul") || !strcmp(argv[i + 1], "tri") || !strcmp(argv[i + 1], "open")))
            b.only = argv[i + 1];
        else if (!strcmp(k, "--scale"))
            do_scale = v != 0;
        else if (!strcmp(k, "--triples-rss"))
            b.rss_triples = (size_t)v;
        else {
            fprintf(stderr, "unknown option %s\n", k);
            return 2;
        }
    }
    b.field = field_by_name(fname);
    if (!b.field || b.n < 1 || b.n > 64 || b.n < 3 * b.t + 1 || !b.batch || !b.reps || !b.latency) {
        fprintf(stderr, "bad options\n");
        return 2;
    }
    if (do_scale) {
        int given = 0;
        for (int i = 1; i + 1 < argc; i += 2) given |= !strcmp(argv[i], "--batch");
        if (!given) b.batch = 20000;
        b.reps = b.reps > 3 ? 3 : b.reps;
        b.latency = b.latency > 200 ? 200 : b.latency;
        return scale(&b);
    }
    if (run(&b)) return 1;
    if (b.rss_triples) {
        printf("MPC engine: n=%u t=%u, %s, parties as threads: %zu triples preprocessed per party "
               "in %.2f s (%.2f M/s)\npeak RSS %.1f MB for the process, %.1f MB per party "
               "(%.0f bytes per triple held; a triple itself is %zu bytes)\n",
               b.n, b.t, b.field->name, b.rss_triples, b.t_tri, b.rss_triples / b.t_tri / 1e6, peak_rss() / 1e6,
               peak_rss() / b.n / 1e6, peak_rss() / b.n / (double)b.rss_triples, 3 * sizeof(Fe));
        return 0;
    }
    size_t nt = b.bits / MPC_TRUNC_BITS(64) ? b.bits / MPC_TRUNC_BITS(64) : 1;
    printf("MPC engine: n=%u t=%u, %s, %u parties as threads on %ld CPUs, in-process transport\n", b.n, b.t,
           b.field->name, b.n, sysconf(_SC_NPROCESSORS_ONLN));
    printf("best of %zu repetitions\n\n", b.reps);
    printf("%-34s %9s %13s %14s %14s\n", "operation", "batch", "rate", "per op", "cpu/op/party");
    if (b.t_mul > 0) row("multiplications (online, Beaver)", b.batch, (double)b.batch, b.t_mul, b.c_mul, b.n);
    if (b.t_tri > 0) row("triples generated (offline)", b.batch, (double)b.batch, b.t_tri, b.c_tri, b.n);
    if (b.t_open > 0) row("openings (robust)", b.batch, (double)b.batch, b.t_open, b.c_open, b.n);
    if (b.only) return 0;
    row("random bits generated (offline)", nt * MPC_TRUNC_BITS(64), (double)(nt * 104), b.t_bits, 0, b.n);
    row("truncations (64-bit, f=16)", nt, (double)nt, b.t_trunc, 0, b.n);
    row("single multiplication, latency", 1, (double)b.latency, b.t_lat, b.c_lat, b.n);
    return 0;
}
