/* mpc_sim.h: runs n MPC parties (and clients) as threads over the
 * in-process transport, for the MPC unit tests.  Each node runs a callback;
 * results go into the node's record and are checked by the main thread
 * after all threads joined (unit.h's counters are not thread-safe). */
#ifndef STOFFEL_MPC_SIM_H
#define STOFFEL_MPC_SIM_H

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/engine.h"
#include "mpc/engine_internal.h"
#include "net/inproc.h"

/* Sizes shrink under the sanitizers, which are ~10x slower. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SIM_SLOW 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SIM_SLOW 1
#endif
#endif
#ifndef SIM_SLOW
#define SIM_SLOW 0
#endif
#define SCALE(normal, slow) (SIM_SLOW ? (slow) : (normal))

#ifndef SIM_MAX /* a test may allow more parties */
#define SIM_MAX 16
#endif

typedef struct Sim Sim;

typedef struct {
    Sim *sim;
    uint32_t id;  /* node id: parties 0..n-1, then clients */
    MpcEngine *e; /* parties only */
    Transport *tr;
    int rc; /* 0 = the callback finished without error */
    char err[320];
    Fe *out; /* results, malloc'd by the callback */
    size_t nout;
    MpcStats st;
    uint64_t aux[8]; /* small results */
} Node;

struct Sim {
    uint32_t n, t, nc;
    const uint32_t *cin; /* inputs per client */
    int timeout_ms;
    size_t triple_batch;
    MpcFault fault[SIM_MAX];
    int absent[SIM_MAX]; /* party never started */
    void (*party_fn)(Node *);
    void (*client_fn)(Node *);
    void (*before)(Sim *); /* runs once the hub exists, before any node */
    void *ctx;
    InprocHub *hub;
    Node node[2 * SIM_MAX];
};

/* The field of the simulated parties and of the tests' arithmetic. */
static const Field *sim_field;

static inline const Field *F(void) { return sim_field ? sim_field : field_default(); }

static inline void node_fail(Node *p, const char *what)
{
    p->rc = -1;
    snprintf(p->err, sizeof p->err, "%s: %s", what, p->e ? mpc_error(p->e) : "");
}

#define TRY(p, call)               \
    do {                           \
        if ((call) != 0) {         \
            node_fail((p), #call); \
            return;                \
        }                          \
    } while (0)

static void *sim_party_main(void *arg)
{
    Node *p = arg;
    Sim *s = p->sim;
    MpcConfig cfg = {
        .n = s->n,
        .t = s->t,
        .party = p->id,
        .n_clients = s->nc,
        .client_inputs = s->cin,
        .instance_id = 0x5eed,
        .timeout_ms = s->timeout_ms,
        .triple_batch = s->triple_batch,
        .fault = s->fault[p->id],
        .field = F(),
    };
    const char *err = NULL;
    p->e = mpc_engine_new(&cfg, p->tr, &err);
    if (!p->e) {
        p->rc = -1;
        snprintf(p->err, sizeof p->err, "engine: %s", err ? err : "?");
        return NULL;
    }
    s->party_fn(p);
    p->st = mpc_stats(p->e);
    mpc_engine_free(p->e);
    p->e = NULL;
    return NULL;
}

static void *sim_client_main(void *arg)
{
    Node *p = arg;
    p->sim->client_fn(p);
    return NULL;
}

/* Runs every node to completion. */
static inline int sim_run(Sim *s)
{
    pthread_t th[2 * SIM_MAX];
    int started[2 * SIM_MAX] = { 0 };
    uint32_t total = s->n + s->nc;
    /* STOFFEL_TEST_SLOW: the runner's --wrap (valgrind) runs every thread
     * in turn, far slower than the sanitizers. */
    if (!s->timeout_ms) s->timeout_ms = SIM_SLOW ? 60000 : getenv("STOFFEL_TEST_SLOW") ? 120000 : 20000;
    s->hub = inproc_hub_new(s->n, s->nc);
    if (!s->hub) return -1;
    for (uint32_t i = 0; i < total; i++) {
        Node *p = &s->node[i];
        memset(p, 0, sizeof *p);
        p->sim = s;
        p->id = i;
        p->tr = inproc_endpoint(s->hub, i);
    }
    if (s->before) s->before(s);
    for (uint32_t i = 0; i < total; i++) {
        if (i < s->n && s->absent[i]) continue;
        if (i >= s->n && !s->client_fn) continue;
        started[i] = pthread_create(&th[i], NULL, i < s->n ? sim_party_main : sim_client_main, &s->node[i]) == 0;
    }
    for (uint32_t i = 0; i < total; i++)
        if (started[i]) pthread_join(th[i], NULL);
    inproc_hub_free(s->hub);
    s->hub = NULL;
    return 0;
}

static inline void sim_free(Sim *s)
{
    for (uint32_t i = 0; i < 2 * SIM_MAX; i++) {
        free(s->node[i].out);
        s->node[i].out = NULL;
    }
}

/* Public value v as a degree-0 sharing (every share is v). */
static inline Fe pub(int64_t v)
{
    Fe r;
    fe_from_i64(F(), &r, v);
    return r;
}

static inline int64_t as_i64(const Fe *a)
{
    int64_t v = 0;
    if (fe_to_i64_signed(F(), &v, a) != 0) return INT64_MIN;
    return v;
}

/* A client node sends its `count` inputs (a client_fn's body). */
/* After preprocessing (the preprocessing tests): k random products and
 * nbits random bits, made and opened; out[0] = 1 if every product
 * multiplied right, out[1] = 1 if every bit is 0 or 1 and both occur.
 * p->out must hold 2 values. */
static inline void sim_check_material(Node *p, size_t k, size_t nbits)
{
    MpcEngine *e = p->e;
    Fe *x = malloc(3 * k * sizeof *x), *y = malloc(k * sizeof *y), *z = malloc(k * sizeof *z);
    Fe *b = malloc(nbits * sizeof *b);
    if (!x || !y || !z || !b) {
        p->rc = -1;
        goto out;
    }
    if (mpc_random(e, x, k) != 0 || mpc_random(e, y, k) != 0 || mpc_round(e, NULL, 0, NULL, x, y, k, z) != 0) {
        node_fail(p, "multiply");
        goto out;
    }
    memcpy(x + k, y, k * sizeof *y);
    memcpy(x + 2 * k, z, k * sizeof *z);
    if (mpc_round(e, x, 3 * k, x, NULL, NULL, 0, NULL) != 0) {
        node_fail(p, "open products");
        goto out;
    }
    int prods = 1;
    for (size_t i = 0; i < k; i++) {
        Fe xy;
        fe_mul(F(), &xy, &x[i], &x[k + i]);
        prods &= fe_equal(&xy, &x[2 * k + i]);
    }
    /* random bits (made from the preprocessed triples and randoms) */
    if (mpc_random_int(e, 1, b, nbits) != 0 || mpc_round(e, b, nbits, b, NULL, NULL, 0, NULL) != 0) {
        node_fail(p, "open bits");
        goto out;
    }
    int bits = 1, ones = 0;
    for (size_t i = 0; i < nbits; i++) {
        int64_t v = as_i64(&b[i]);
        bits &= v == 0 || v == 1;
        ones += v == 1;
    }
    p->out[0] = pub(prods);
    p->out[1] = pub(bits && ones > 0 && (size_t)ones < nbits);
out:
    free(x), free(y), free(z), free(b);
}

static inline void sim_client_send(Node *p, const Fe *vals, size_t count)
{
    Sim *s = p->sim;
    char err[256] = "";
    if (mpc_client_send_inputs(p->tr, NULL, s->n, s->t, 0x5eed, vals, count, s->timeout_ms, err, sizeof err) != 0) {
        p->rc = -1;
        snprintf(p->err, sizeof p->err, "%s", err);
    }
}

#endif
