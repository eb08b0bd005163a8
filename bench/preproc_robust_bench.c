/* preproc_robust_bench.c: the cost of preprocessing that survives cheating
 * parties (issue 16 item 12, docs/mpc.md "Preprocessing with cheating
 * parties"), all parties threads of this process over the in-process
 * transport.  Not a test: it prints figures and never fails on timing.
 *
 *   make bench-preproc-robust [BENCH_ARGS="--n 16,31 --triples 20000 --reps 5"]
 *
 * For each n (t = (n-1)/3) and each case — no cheater, t dealers dealing
 * inconsistent sharings (TEST_BAD_DEAL_ALL), t parties reporting wrong
 * check values (TEST_BAD_CHECK), t parties sending wrong degree-2t shares
 * in triple generation (TEST_BAD_OPEN2T), t parties sending wrong ones to
 * one party only (TEST_BAD_OPEN2T_SOME), t parties lying about r_2t
 * consistently (TEST_BAD_OPEN2T_LIE) — every party runs mpc_preprocess
 * of the given number of triples (--honest: the first case only).  Printed: the median over the repetitions of
 * the process CPU time (all parties' threads; what other programs on a
 * shared machine do not inflate) and of the wall time, and whether every
 * honest party finished. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIM_MAX 64
#include "mpc_sim.h"

static size_t g_triples = 20000;

typedef struct {
    int fault;
    uint8_t bad[SIM_MAX];
} Case;

static void work(Node *p)
{
    Case *c = p->sim->ctx;
    if (c->bad[p->id]) mpc_test_preproc_fault(p->e, c->fault);
    if (mpc_preprocess(p->e, g_triples, 0, 0) != 0) node_fail(p, "mpc_preprocess");
}

static double now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One configuration: medians of CPU and wall seconds; *ok = every honest
 * party finished in every repetition. */
static void run_case(unsigned n, int fault, unsigned ncheat, size_t reps, double *cpu, double *wall, int *ok)
{
    double cs[64], ws[64];
    *ok = 1;
    for (size_t r = 0; r < reps; r++) {
        static Case c;
        static Sim s;
        memset(&c, 0, sizeof c);
        memset(&s, 0, sizeof s);
        c.fault = fault;
        for (unsigned i = 0; i < ncheat; i++) c.bad[(n - 1 - 3 * i) % n] = 1; /* spread out, last party first */
        s.n = n;
        s.t = (n - 1) / 3;
        s.party_fn = work;
        s.ctx = &c;
        s.timeout_ms = 120000;
        double c0 = now(CLOCK_PROCESS_CPUTIME_ID), w0 = now(CLOCK_MONOTONIC);
        sim_run(&s);
        cs[r] = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        ws[r] = now(CLOCK_MONOTONIC) - w0;
        for (unsigned i = 0; i < n; i++)
            if (!c.bad[i] && s.node[i].rc != 0) {
                if (*ok) fprintf(stderr, "n=%u party %u: %s\n", n, i, s.node[i].err);
                *ok = 0;
            }
        sim_free(&s);
    }
    qsort(cs, reps, sizeof *cs, cmp_d);
    qsort(ws, reps, sizeof *ws, cmp_d);
    *cpu = cs[reps / 2];
    *wall = ws[reps / 2];
}

int main(int argc, char **argv)
{
    const char *ns = "16,31";
    size_t reps = 3;
    int honest = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--honest")) /* the honest case only */
            honest = 1;
        else if (v && !strcmp(argv[i], "--n"))
            ns = argv[++i];
        else if (v && !strcmp(argv[i], "--triples"))
            g_triples = strtoull(argv[++i], NULL, 10);
        else if (v && !strcmp(argv[i], "--reps"))
            reps = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: %s [--n 16,31] [--triples N] [--reps R] [--honest]\n", argv[0]);
            return 1;
        }
    }
    if (reps < 1 || reps > 64 || sodium_init() < 0) return 1;
    double la[1] = { 0 };
    if (getloadavg(la, 1) < 1) la[0] = -1;
    printf("mpc_preprocess of %zu triples per party, medians of %zu runs, load average %.1f\n\n", g_triples, reps,
           la[0]);
    printf("| n | t | cheaters | CPU (all parties) | wall | finished |\n|---|---|---|---|---|---|\n");
    static const struct {
        int fault;
        const char *name;
    } cases[] = { { TEST_NONE, "none" },
                  { TEST_BAD_DEAL_ALL, "t bad dealers" },
                  { TEST_BAD_CHECK, "t lying reporters" },
                  { TEST_BAD_OPEN2T, "t wrong degree-2t senders" },
                  { TEST_BAD_OPEN2T_SOME, "t degree-2t equivocators" },
                  { TEST_BAD_OPEN2T_LIE, "t liars about r_2t" } };
    for (const char *p = ns; *p;) {
        unsigned n = (unsigned)strtoul(p, (char **)&p, 10);
        if (*p == ',') p++;
        if (n < 4 || n > SIM_MAX) continue;
        for (size_t k = 0; k < (honest ? 1 : sizeof cases / sizeof *cases); k++) {
            double cpu, wall;
            int ok;
            unsigned t = (n - 1) / 3;
            run_case(n, cases[k].fault, cases[k].fault == TEST_NONE ? 0 : t, reps, &cpu, &wall, &ok);
            printf("| %u | %u | %s | %.3f s | %.3f s | %s |\n", n, t, cases[k].name, cpu, wall, ok ? "yes" : "no");
            fflush(stdout);
        }
    }
    return 0;
}
