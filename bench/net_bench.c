/* net_bench.c: MPC over the TLS transport, 4 parties as 4 processes on
 * loopback (docs/network.md, "Figures").
 *
 *   make bench-net [BENCH_ARGS="--batch 100000 --rounds 5 --latency 200"]
 *
 * The parent makes a key per party in a temporary directory, writes the
 * roster (127.0.0.1, free ports) and forks one process per party.  Each
 * party makes its triples first (reported separately), then
 *   - throughput: `rounds` rounds of `batch` multiplications each
 *     (mpc_round, one communication round per batch);
 *   - latency: `latency` single multiplications one after the other.
 * Party 0 prints the figures; every party checks a product it opens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_tls.h"
#include "mpc/engine.h"

#define N 4
#define T 1

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct {
    size_t batch;
    int rounds, latency;
} Opts;

static int party(uint32_t id, const char *dir, const Roster *r, void *ud)
{
    const Opts *o = ud;
    size_t batch = o->batch;
    int rounds = o->rounds, latency = o->latency;
    Transport *tr = bench_tls_connect(id, dir, r);
    if (!tr)
        return 1;
    const Field *f = field_by_name(NULL);
    MpcConfig mc = { .n = N, .t = T, .party = id, .field = f, .instance_id = 42, .timeout_ms = 30000,
                     .triple_batch = batch };
    MpcEngine *e = mpc_engine_new(&mc, tr, NULL);
    size_t total = batch * (size_t)rounds + (size_t)latency;
    Fe *x = calloc(batch, sizeof *x), *y = calloc(batch, sizeof *y), *z = calloc(batch, sizeof *z);
    if (!e || !x || !y || !z)
        return 1;
    double t0 = now_s();
    if (mpc_preprocess(e, total, 2 * batch, 0) != 0) {
        fprintf(stderr, "party %u: preprocessing: %s\n", id, mpc_error(e));
        return 1;
    }
    double t_pre = now_s() - t0;
    /* inputs: shares of random values, made by the engine */
    if (mpc_random(e, x, batch) != 0 || mpc_random(e, y, batch) != 0) {
        fprintf(stderr, "party %u: %s\n", id, mpc_error(e));
        return 1;
    }
    t0 = now_s();
    for (int k = 0; k < rounds; k++)
        if (mpc_round(e, NULL, 0, NULL, x, y, batch, z) != 0) {
            fprintf(stderr, "party %u: %s\n", id, mpc_error(e));
            return 1;
        }
    double t_mul = now_s() - t0;
    t0 = now_s();
    for (int k = 0; k < latency; k++)
        if (mpc_round(e, NULL, 0, NULL, x, y, 1, z) != 0) {
            fprintf(stderr, "party %u: %s\n", id, mpc_error(e));
            return 1;
        }
    double t_lat = now_s() - t0;
    /* check: open x0, y0 and z0 = x0*y0 */
    Fe in[3] = { x[0], y[0], z[0] }, out[3], prod;
    if (mpc_round(e, in, 3, out, NULL, NULL, 0, NULL) != 0)
        return 1;
    fe_mul(f, &prod, &out[0], &out[1]);
    if (!fe_equal(&prod, &out[2])) {
        fprintf(stderr, "party %u: wrong product\n", id);
        return 1;
    }
    if (id == 0) {
        MpcStats st = mpc_stats(e);
        printf("4 parties as processes, TLS 1.3 on 127.0.0.1, BLS12-381 Fr, t=1\n");
        printf("preprocessing: %zu triples in %.2f s (%.0f triples/s)\n", total, t_pre, total / t_pre);
        printf("throughput: %d rounds x %zu multiplications in %.3f s = %.0f multiplications/s\n", rounds, batch,
               t_mul, (double)batch * rounds / t_mul);
        if (latency)
            printf("latency: %d single multiplications, %.3f ms each\n", latency, t_lat * 1000 / latency);
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

int main(int argc, char **argv)
{
    size_t batch = 100000;
    int rounds = 5, latency = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--batch") == 0) batch = strtoul(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--rounds") == 0) rounds = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--latency") == 0) latency = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "usage: net_bench [--batch N] [--rounds R] [--latency L]\n");
            return 1;
        }
    }
    if (batch == 0 || rounds < 0 || latency < 0)
        return 1;
    char dir[64];
    Roster r;
    if (bench_tls_setup(N, dir, &r) != 0)
        return 1;
    Opts o = { batch, rounds, latency };
    int bad = bench_tls_run(N, dir, &r, party, &o);
    roster_free(&r);
    if (bad)
        fprintf(stderr, "a party failed\n");
    return bad;
}
