/* net_bench.c: MPC over the TLS transport, 4 parties as 4 processes on
 * loopback (docs/network.md, "Figures").
 *
 *   make bench-net [BENCH_ARGS="--batch 100000 --rounds 5 --latency 200"]
 *
 * The parent makes a key per party in a temporary directory, writes the
 * roster (127.0.0.1, free ports) and forks one process per party.  Each
 * party makes its triples first (reported separately), then
 *   - warm-up: `warmup` rounds of `batch` multiplications, not timed
 *     (the first rounds of a batch size map and fault in the frames the
 *     transport then recycles; mpc_bench likewise reports its best run);
 *   - throughput: `rounds` rounds of `batch` multiplications each
 *     (mpc_round, one communication round per batch);
 *   - latency: `latency` single multiplications one after the other,
 *     started together (meet_all), after LATENCY_WARMUP untimed ones.
 * Party 0 prints the figures; every party checks a product it opens.
 * "cpu" is party 0's process CPU time per multiplication; "peak RSS" is
 * the largest peak resident memory of the party processes.
 *
 * Other modes:
 *   --n N                 N parties, t = (N-1)/3 (default 4)
 *   --scale 1             one line per n = 4, 7, 10, 16, 31 (batch default
 *                         20000, 3 rounds, 50 single multiplications)
 *   --raw 1               the transport alone: the bytes of the throughput
 *                         rounds sent and received, no engine
 *   --triples-rss K       each party only preprocesses K triples (the default
 *                         run: 1000000); prints the peak RSS per party
 *   --perf-ctl DIR        party 0 writes `enable` to the fifo DIR/ctl when
 *                         the throughput rounds start (the single
 *                         multiplications, with --rounds 0) and `disable`
 *                         when they end, waiting each time for the line on
 *                         DIR/ack: `perf stat --control fd:CTL,ACK -D -1`
 *                         (docs/benchmarks.md, issue 19) then counts system
 *                         calls and context switches of exactly that part
 *   --spin-us U           the parties' TlsNetConfig.spin_us (-1: recv sleeps
 *                         at once; 0: the default, TLS_SPIN_US)
 *   --pin 0               the single multiplications (and the TCP floor's
 *                         rounds) unpinned.  By default party i runs them on
 *                         CPU i mod (CPUs): with 4 parties on 2 vCPUs the
 *                         scheduler's moving them made single
 *                         multiplications and the floor alike take 1.5-2
 *                         times as long for tens of milliseconds at a time
 *                         (docs/benchmarks.md, "The TCP floor") */
#define _GNU_SOURCE /* sched_setaffinity */
#include <sched.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "bench_tls.h"
#include "tcp_floor.h"
#include "mpc/engine.h"
#include "cli/tool_malloc.h"

#define MAX_N BENCH_TLS_MAX_N

static unsigned N = 4, T = 1;
static int scale_row;      /* print one compact line (--scale) */
static size_t rss_triples; /* --triples-rss */
/* each party's CPU seconds per multiplication in the throughput rounds
 * (averaged: less noise than one), then each party's time per single
 * multiplication, in memory shared with the forked parties.  A party
 * that falls behind finds the others' shares already there (any 3 of 4
 * can go on without it) and catches up at CPU speed, so its own latency
 * figure can be far too low: the median over the parties is reported. */
static double *party_cpu, *party_lat;
/* The parties meet before the latency loop (meet_all): after the
 * throughput rounds one of them can be tens of milliseconds behind, which
 * 300 single multiplications would otherwise average into their latency.
 * A counter in memory shared with the forked parties. */
static atomic_uint *arrived;
/* Single multiplications before the timed ones (with --warmup > 0): after
 * the batched rounds the first few took up to 20 ms each in some runs (the
 * batched rounds' buffers released, a party catching up), the rest 0.06-0.1
 * ms; the parties then meet again. */
#define LATENCY_WARMUP 20

static int raw_mode;         /* --raw 1: the transport alone (below) */
static int pin_mode = 1;     /* --pin */
static const char *perf_ctl; /* --perf-ctl DIR */

/* --perf-ctl: party 0 switches perf's counters on or off and waits until
 * perf says it did, so the counts start and end with the measured part. */
static void perf_switch(uint32_t id, const char *cmd)
{
    if (!perf_ctl || id != 0) return;
    char path[512], ack[16];
    snprintf(path, sizeof path, "%s/ctl", perf_ctl);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "%s\n", cmd);
    fclose(f);
    snprintf(path, sizeof path, "%s/ack", perf_ctl);
    if ((f = fopen(path, "r")) != NULL) {
        if (!fgets(ack, sizeof ack, f)) ack[0] = 0;
        fclose(f);
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The k-th meeting (1, 2, ...): waits until all N parties arrived (or 30 s
 * passed: one failed). */
static void meet_all(unsigned k)
{
    if (!arrived) return;
    atomic_fetch_add(arrived, 1);
    double until = now_s() + 30;
    while (atomic_load(arrived) < k * N && now_s() < until) sched_yield();
}

/* --raw 1: the transport's part of the throughput rounds without the
 * engine: each round every party sends batch * 64 bytes (what a Beaver
 * round sends: its shares of d and e) to every other party and receives
 * theirs.  CPU per "multiplication" as in the full run. */
/* One raw round: buf to every other party, theirs received. */
static int raw_round(uint32_t id, Transport *tr, const uint8_t *buf, size_t len)
{
    /* as the engine sends an opening: one shared copy where the
     * transport offers it */
    uint32_t to[MAX_N];
    size_t nto = 0, failed = 0;
    for (uint32_t j = 0; j < N; j++)
        if (j != id) to[nto++] = j;
    if (tr->ops->send_many) {
        if (tr->ops->send_many(tr, to, nto, buf, len, &failed) != TRANSPORT_OK || failed) return 1;
    } else {
        for (size_t j = 0; j < nto; j++)
            if (transport_send(tr, to[j], buf, len) != TRANSPORT_OK) return 1;
    }
    for (uint32_t got = 0; got + 1 < N; got++) {
        uint32_t from;
        uint8_t *m;
        size_t ml;
        if (transport_recv(tr, &from, &m, &ml, 30000) != TRANSPORT_OK || ml != len) return 1;
        transport_recycle(tr, m, ml);
    }
    return 0;
}

static int raw_rounds(uint32_t id, Transport *tr, size_t batch, int warmup, int rounds)
{
    size_t len = batch * 64;
    uint8_t *buf = malloc(len);
    if (!buf) return 1;
    randombytes_buf(buf, len);
    for (int k = 0; k < warmup; k++) /* not timed */
        if (raw_round(id, tr, buf, len) != 0) return 1;
    perf_switch(id, "enable");
    double c0 = cpu_s(), t0 = now_s();
    for (int k = 0; k < rounds; k++)
        if (raw_round(id, tr, buf, len) != 0) return 1;
    double c = cpu_s() - c0, t = now_s() - t0;
    perf_switch(id, "disable");
    if (party_cpu && id < MAX_N) party_cpu[id] = c / ((double)batch * rounds);
    if (id == 0) {
        printf("transport only: %d rounds x %zu bytes to each of %u peers in %.3f s (%.0f multiplications/s)\n", rounds,
               len, N - 1, t, (double)batch * rounds / t);
        fflush(stdout);
    }
    free(buf);
    tls_transport_free(tr, 5000);
    return 0;
}

/* --pin: party id to CPU id mod the CPUs this process may use. */
static void pin_party(uint32_t id)
{
    cpu_set_t all, one;
    if (sched_getaffinity(0, sizeof all, &all) != 0 || CPU_COUNT(&all) == 0) return;
    int k = (int)(id % (uint32_t)CPU_COUNT(&all));
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &all) && k-- == 0) {
            CPU_ZERO(&one);
            CPU_SET(c, &one);
            if (sched_setaffinity(0, sizeof one, &one) != 0) perror("sched_setaffinity");
            return;
        }
}

typedef struct {
    size_t batch;
    int warmup, rounds, latency;
    int floor; /* run the TCP floor's rounds instead (tcp_floor.h) */
} Work;

/* k rounds of batch multiplications z = x·y; 1 (said on stderr) if one fails. */
static int mul_rounds(uint32_t id, MpcEngine *e, int k, const Fe *x, const Fe *y, size_t batch, Fe *z)
{
    for (int i = 0; i < k; i++)
        if (mpc_round(e, NULL, 0, NULL, x, y, batch, z) != 0) {
            fprintf(stderr, "party %u: %s\n", id, mpc_error(e));
            return 1;
        }
    return 0;
}

static int party(uint32_t id, const char *dir, const Roster *r, void *ud)
{
    const Work *w = ud;
    size_t batch = w->batch;
    int warmup = w->warmup, rounds = w->rounds, latency = w->latency;
    if (w->floor) {
        if (pin_mode) pin_party(id);
        int spin = bench_tls_spin_us < 0 ? 0 : bench_tls_spin_us ? bench_tls_spin_us : TLS_SPIN_US;
        double per;
        if (floor_rounds(id, N, T, r, spin, latency, &per) != 0) {
            fprintf(stderr, "party %u: the TCP floor failed\n", id);
            return 1;
        }
        if (party_lat && id < MAX_N) party_lat[id] = per;
        return 0;
    }
    Transport *tr = bench_tls_connect(id, dir, r);
    if (!tr) return 1;
    if (raw_mode) return raw_rounds(id, tr, batch, rounds ? warmup : 0, rounds);
    const Field *f = field_by_name(NULL);
    MpcConfig mc = {
        .n = N, .t = T, .party = id, .field = f, .instance_id = 42, .timeout_ms = 30000, .triple_batch = batch
    };
    MpcEngine *e = mpc_engine_new(&mc, tr, NULL);
    size_t total = rss_triples ? rss_triples : batch * (size_t)(warmup + rounds) + (size_t)latency + LATENCY_WARMUP;
    Fe *x = calloc(batch, sizeof *x), *y = calloc(batch, sizeof *y), *z = calloc(batch, sizeof *z);
    if (!e || !x || !y || !z) return 1;
    double t0 = now_s();
    if (mpc_preprocess(e, total, 2 * batch, 0) != 0) {
        fprintf(stderr, "party %u: preprocessing: %s\n", id, mpc_error(e));
        return 1;
    }
    double t_pre = now_s() - t0;
    if (rss_triples) {
        if (id == 0) {
            printf("%u parties as processes, TLS 1.3 on 127.0.0.1, BLS12-381 Fr, t=%u: "
                   "%zu triples preprocessed per party in %.2f s (%.0f triples/s)\n",
                   N, T, total, t_pre, total / t_pre);
            fflush(stdout);
        }
        mpc_engine_free(e);
        tls_transport_free(tr, 5000);
        return 0;
    }
    /* inputs: shares of random values, made by the engine */
    if (mpc_random(e, x, batch) != 0 || mpc_random(e, y, batch) != 0) {
        fprintf(stderr, "party %u: %s\n", id, mpc_error(e));
        return 1;
    }
    if (mul_rounds(id, e, rounds ? warmup : 0, x, y, batch, z) != 0) return 1;
    if (rounds) perf_switch(id, "enable");
    t0 = now_s();
    double c0 = cpu_s();
    if (mul_rounds(id, e, rounds, x, y, batch, z) != 0) return 1;
    double t_mul = now_s() - t0, c_mul = cpu_s() - c0;
    if (rounds)
        perf_switch(id, "disable");
    else
        perf_switch(id, "enable");
    if (party_cpu && id < MAX_N) party_cpu[id] = rounds ? c_mul / ((double)batch * rounds) : 0;
    if (pin_mode) pin_party(id);
    meet_all(1);
    if (mul_rounds(id, e, warmup ? LATENCY_WARMUP : 0, x, y, 1, z) != 0) return 1;
    meet_all(2);
    t0 = now_s();
    if (mul_rounds(id, e, latency, x, y, 1, z) != 0) return 1;
    double t_lat = now_s() - t0;
    if (!rounds) perf_switch(id, "disable");
    if (party_lat && id < MAX_N && latency) party_lat[id] = t_lat / latency;
    /* check: open x0, y0 and z0 = x0*y0 */
    Fe in[3] = { x[0], y[0], z[0] }, out[3], prod;
    if (mpc_round(e, in, 3, out, NULL, NULL, 0, NULL) != 0) return 1;
    fe_mul(f, &prod, &out[0], &out[1]);
    if (!fe_equal(&prod, &out[2])) {
        fprintf(stderr, "party %u: wrong product\n", id);
        return 1;
    }
    if (id == 0 && scale_row) {
        double per = (double)batch * rounds;
        printf("%4u %3u %10.1f k %11.2f us %13.3f us %11.3f ms", N, T, per / t_mul / 1e3, c_mul / per * 1e6,
               c_mul / per * 1e6 / N, latency ? t_lat * 1000 / latency : 0.0);
        fflush(stdout);
    } else if (id == 0) {
        MpcStats st = mpc_stats(e);
        printf("%u parties as processes%s, TLS 1.3 on 127.0.0.1, BLS12-381 Fr, t=%u\n", N,
               pin_mode ? " (single multiplications pinned: party i on CPU i mod CPUs)" : "", T);
        printf("preprocessing: %zu triples in %.2f s (%.0f triples/s)\n", total, t_pre, total / t_pre);
        if (rounds)
            printf("throughput: %d rounds x %zu multiplications in %.3f s = %.0f multiplications/s\n", rounds, batch,
                   t_mul, (double)batch * rounds / t_mul);
        if (latency) printf("latency: %d single multiplications, %.3f ms each\n", latency, t_lat * 1000 / latency);
        if (rounds)
            printf("party 0 CPU time in the throughput rounds: %.3f us per multiplication\n",
                   c_mul / ((double)batch * rounds) * 1e6);
        printf("party 0 sent %.1f MB in the online phase and preprocessing\n", st.bytes_sent / 1e6);
        fflush(stdout);
    }
    mpc_engine_free(e);
    tls_transport_free(tr, 5000);
    free(x);
    free(y);
    free(z);
    return 0;
}

/* One run with N parties; *peak_rss: the largest party's peak in bytes. */
static int run_once(size_t batch, int warmup, int rounds, int latency, int floor, double *peak_rss)
{
    char dir[64];
    Roster r;
    Work w = { batch, warmup, rounds, latency, floor };
    if (bench_tls_setup(N, dir, &r) != 0) return 1;
    if (!arrived) {
        void *m = mmap(NULL, sizeof *arrived, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        arrived = m == MAP_FAILED ? NULL : m;
    }
    if (arrived) atomic_store(arrived, 0);
    int bad = bench_tls_run(N, dir, &r, party, &w, peak_rss);
    roster_free(&r);
    if (bad) fprintf(stderr, "a party failed\n");
    return bad;
}

/* The median over the N parties of party_lat; *lo and *hi (if not NULL)
 * the fastest and slowest. */
static double median_lat(double *lo, double *hi)
{
    double l[MAX_N];
    for (unsigned i = 0; i < N; i++) l[i] = party_lat[i];
    for (unsigned i = 1; i < N; i++) /* insertion sort: N is small */
        for (unsigned j = i; j > 0 && l[j - 1] > l[j]; j--) {
            double x = l[j];
            l[j] = l[j - 1];
            l[j - 1] = x;
        }
    if (lo) *lo = l[0];
    if (hi) *hi = l[N - 1];
    return N % 2 ? l[N / 2] : (l[N / 2 - 1] + l[N / 2]) / 2;
}

int main(int argc, char **argv)
{
    size_t batch = 100000;
    tool_tune_malloc(); /* as the CLI's party processes */
    int warmup = 2, rounds = 5, latency = 200, scale = 0, set_batch = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--batch") == 0) {
            batch = strtoul(argv[i + 1], NULL, 10);
            set_batch = 1;
        } else if (strcmp(argv[i], "--warmup") == 0)
            warmup = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--rounds") == 0)
            rounds = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--latency") == 0)
            latency = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--n") == 0)
            N = (unsigned)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--scale") == 0)
            scale = atoi(argv[i + 1]) != 0;
        else if (strcmp(argv[i], "--raw") == 0)
            raw_mode = atoi(argv[i + 1]) != 0;
        else if (strcmp(argv[i], "--triples-rss") == 0)
            rss_triples = strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--perf-ctl") == 0)
            perf_ctl = argv[i + 1];
        else if (strcmp(argv[i], "--spin-us") == 0)
            bench_tls_spin_us = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--pin") == 0)
            pin_mode = atoi(argv[i + 1]) != 0;
        else {
            fprintf(stderr, "usage: net_bench [--batch N] [--warmup W] [--rounds R] [--latency L] [--n N] "
                            "[--scale 1] [--triples-rss K] [--raw 1] [--perf-ctl DIR] [--spin-us U] [--pin 0]\n");
            return 1;
        }
    }
    if (batch == 0 || warmup < 0 || rounds < 0 || latency < 0 || N < 4 || N > MAX_N) return 1;
    T = (N - 1) / 3;
    double rss;
    if (scale) {
        static const unsigned ns[] = { 4, 7, 10, 16, 31 };
        if (!set_batch) batch = 20000;
        rounds = rounds > 3 ? 3 : rounds;
        latency = latency > 50 ? 50 : latency;
        printf("MPC over TLS 1.3 on 127.0.0.1, parties as processes, BLS12-381 Fr, t = (n-1)/3,\n"
               "%d rounds of %zu multiplications, %d single multiplications\n\n",
               rounds, batch, latency);
        printf("%4s %3s %12s %14s %16s %14s %16s\n", "n", "t", "mul/s", "cpu/mul/party", "cpu/mul/party/n", "latency",
               "peak RSS/party");
        fflush(stdout);
        scale_row = 1;
        for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
            N = ns[k];
            T = (N - 1) / 3;
            if (run_once(batch, warmup, rounds, latency, 0, &rss) != 0) return 1;
            printf(" %13.1f MB\n", rss / 1e6);
            fflush(stdout);
        }
        return 0;
    }
    party_cpu = mmap(NULL, 2 * MAX_N * sizeof *party_cpu, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (party_cpu == MAP_FAILED) party_cpu = NULL;
    party_lat = party_cpu ? party_cpu + MAX_N : NULL;
    /* the floor just before and just after: the machine's own speed drifts */
    int floor_ok = latency && !raw_mode && !rss_triples && party_lat;
    double floor_before = 0, floor_after = 0, rss_floor;
    if (floor_ok && run_once(batch, warmup, rounds, latency, 1, &rss_floor) != 0) return 1;
    if (floor_ok) floor_before = median_lat(NULL, NULL);
    if (run_once(batch, warmup, rounds, latency, 0, &rss) != 0) return 1;
    double lo = 0, hi = 0, med = party_lat ? median_lat(&lo, &hi) : 0;
    if (floor_ok && run_once(batch, warmup, rounds, latency, 1, &rss_floor) != 0) return 1;
    if (floor_ok) floor_after = median_lat(NULL, NULL);
    if (party_cpu && !rss_triples) {
        double sum = 0;
        for (unsigned i = 0; i < N; i++) sum += party_cpu[i];
        if (rounds)
            printf("CPU time per multiplication per party, mean of the %u parties: %.3f us\n", N, sum / N * 1e6);
        if (latency && !raw_mode) {
            printf("one multiplication, median over the parties: %.3f ms (fastest party %.3f, slowest %.3f)\n",
                   med * 1e3, lo * 1e3, hi * 1e3);
            if (floor_ok)
                printf("TCP floor (tcp_floor.h: the same round over plain TCP, no TLS, no MPC), before and after: "
                       "%.3f and %.3f ms; one multiplication is %.2fx their mean\n",
                       floor_before * 1e3, floor_after * 1e3, med / ((floor_before + floor_after) / 2));
        }
    }
    printf("peak RSS per party: %.1f MB", rss / 1e6);
    if (rss_triples)
        printf(" (%.0f bytes per preprocessed triple; a triple itself is %zu bytes)", rss / (double)rss_triples,
               3 * sizeof(Fe));
    printf("\n");
    return 0;
}
