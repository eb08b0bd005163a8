/* rbc_bench.c: reliable broadcast (Rbc.*, src/mpc/rbc.c) throughput,
 * n = 4 (t = 1) and n = 7 (t = 2), parties as threads over the in-process
 * transport and as processes over TLS on loopback.
 *
 *   make bench-rbc [BENCH_ARGS="--rounds 300 --size 64"]
 *
 * In each round every party broadcasts a message of `size` bytes and
 * then receives every party's (its own included), so a round is n
 * broadcasts completed at every party.  Reported: broadcasts per second
 * (n × rounds / time at party 0), and the time of one round.  Every
 * party checks each message it receives. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_tls.h"
#include "mpc/engine.h"
#include "net/inproc.h"

typedef struct {
    uint32_t n, t;
    int rounds;
    size_t size;
    double secs; /* party 0's time */
} Opts;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One party's part; 0 on success. */
static int run_party(Transport *tr, uint32_t id, Opts *o)
{
    MpcConfig mc = { .n = o->n, .t = o->t, .party = id, .instance_id = 7, .timeout_ms = 30000 };
    const char *why = NULL;
    MpcEngine *e = mpc_engine_new(&mc, tr, &why);
    uint8_t *msg = malloc(o->size + 8);
    if (!e || !msg) {
        fprintf(stderr, "party %u: %s\n", id, why ? why : "out of memory");
        return 1;
    }
    int rc = 0;
    double t0 = now_s();
    for (int k = 0; k < o->rounds && rc == 0; k++) {
        memset(msg, (int)(id * 31 + (uint32_t)k), o->size);
        uint64_t session;
        if (mpc_rbc_broadcast(e, msg, o->size, &session) != 0 || session != (uint64_t)k) rc = 1;
        for (uint32_t j = 0; j < o->n && rc == 0; j++) {
            uint32_t from;
            uint8_t *got;
            size_t len;
            if (mpc_rbc_receive(e, j, 30000, &from, &got, &len) != 1) {
                rc = 1;
                break;
            }
            rc = len != o->size || (len && got[0] != (uint8_t)(j * 31 + (uint32_t)k)) || from != j;
            free(got);
        }
    }
    if (rc) fprintf(stderr, "party %u: %s\n", id, *mpc_error(e) ? mpc_error(e) : "wrong message");
    if (id == 0) o->secs = now_s() - t0;
    free(msg);
    mpc_engine_free(e);
    return rc;
}

typedef struct {
    InprocHub *hub;
    uint32_t id;
    Opts *o;
    int rc;
} Thread;

static void *thread_main(void *arg)
{
    Thread *th = arg;
    th->rc = run_party(inproc_endpoint(th->hub, th->id), th->id, th->o);
    return NULL;
}

static int inproc(Opts *o)
{
    InprocHub *hub = inproc_hub_new(o->n, 0);
    Thread th[16];
    pthread_t pt[16];
    for (uint32_t i = 0; i < o->n; i++) {
        th[i] = (Thread){ hub, i, o, 1 };
        pthread_create(&pt[i], NULL, thread_main, &th[i]);
    }
    int bad = 0;
    for (uint32_t i = 0; i < o->n; i++) {
        pthread_join(pt[i], NULL);
        bad |= th[i].rc;
    }
    inproc_hub_free(hub);
    return bad;
}

static int tls_party(uint32_t id, const char *dir, const Roster *r, void *ud)
{
    Opts *o = ud;
    Transport *tr = bench_tls_connect(id, dir, r);
    if (!tr) return 1;
    int rc = run_party(tr, id, o);
    if (id == 0 && rc == 0)
        printf("  TLS, processes:   n=%u t=%u  %8.0f broadcasts/s  %.3f ms per round of %u\n", o->n, o->t,
               o->n * o->rounds / o->secs, o->secs * 1000 / o->rounds, o->n);
    fflush(stdout); /* the process ends with _exit */
    tls_transport_free(tr, 2000);
    return rc;
}

int main(int argc, char **argv)
{
    int rounds = 300;
    size_t size = 64;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--rounds") == 0)
            rounds = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--size") == 0)
            size = strtoul(argv[i + 1], NULL, 10);
        else {
            fprintf(stderr, "usage: rbc_bench [--rounds R] [--size BYTES]\n");
            return 1;
        }
    }
    if (rounds <= 0 || size > (1u << 20)) return 1;
    printf("reliable broadcast (Bracha), every party broadcasts %zu bytes per round, %d rounds\n", size, rounds);
    int bad = 0;
    static const uint32_t sizes[2][2] = { { 4, 1 }, { 7, 2 } };
    for (int k = 0; k < 2; k++) {
        Opts o = { sizes[k][0], sizes[k][1], rounds, size, 0 };
        if (inproc(&o) != 0) {
            bad = 1;
            continue;
        }
        printf("  in-process, threads: n=%u t=%u  %8.0f broadcasts/s  %.3f ms per round of %u\n", o.n, o.t,
               o.n * rounds / o.secs, o.secs * 1000 / rounds, o.n);
        fflush(stdout);
    }
    for (int k = 0; k < 2; k++) {
        Opts o = { sizes[k][0], sizes[k][1], rounds, size, 0 };
        char dir[64];
        Roster r;
        if (bench_tls_setup(o.n, dir, &r) != 0 || bench_tls_run(o.n, dir, &r, tls_party, &o, NULL) != 0) bad = 1;
        roster_free(&r);
    }
    if (bad) fprintf(stderr, "a party failed\n");
    return bad;
}
