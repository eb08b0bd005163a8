/* avss_bench.c: the AVSS backend (docs/avss.md): key generation at n = 4
 * (t = 1), 7 (t = 2) and 16 (t = 5), signing at n = 5 (t = 1) and 7.
 *
 *   make bench-avss [BENCH_ARGS="--reps 20 --only BLS"]
 *
 * --only WORD keeps the figures whose group or scheme name contains WORD
 * (for profiling one of them).
 *
 * Three figures per group or scheme:
 *   - share+verify: one Feldman dealing (a random degree-t polynomial, its
 *     t+1 commitments) and all n share checks, on one thread;
 *   - DKG: mpc_avss_random (deal, complain, answer, agree) with n parties as
 *     threads over the in-process transport, `reps` in a row; the time is
 *     party 0's;
 *   - signing: whole sessions of tests/avss/threshold_*.s through the public
 *     API (parties as threads, key and nonce by DKG, the opening and the
 *     result): signatures per second, key generation included.
 * Each figure also in CPU time (all parties' threads), steadier than the
 * wall time on a loaded machine.  Every figure is checked: a share that
 * fails its check, a DKG error or a session without a result makes the
 * bench fail. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/group.h"
#include "mpc/avss.h"
#include "mpc/engine.h"
#include "mpc/shamir.h"
#include "net/inproc.h"
#include "stoffel.h"

static double clock_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }

/* CPU seconds of the whole process (every party's thread): on a loaded
 * machine a steadier figure than the wall time. */
static double cpu_s(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

/* Dealings (share + commit + n checks) per second; -1 if a check failed.
 * *cpu_ms: CPU milliseconds per dealing. */
static double share_verify(const Group *g, uint32_t n, uint32_t t, int reps, double *cpu_ms)
{
    const Field *f = g->scalar_field;
    Fe secret, shares[SHAMIR_MAX_PARTIES], coef[SHAMIR_MAX_PARTIES];
    GroupPoint C[SHAMIR_MAX_PARTIES];
    double t0 = now_s(), c0 = cpu_s();
    for (int r = 0; r < reps; r++) {
        fe_random(f, &secret);
        if (shamir_share(f, &secret, t, n, shares, coef) != 0) return -1;
        for (uint32_t k = 0; k <= t; k++) {
            uint8_t kb[32];
            fe_to_bytes(f, kb, &coef[k]);
            if (g->mul_base(&C[k], kb) != 0) return -1;
        }
        for (uint32_t j = 0; j < n; j++)
            if (!avss_share_matches(g, C, t + 1, j, &shares[j])) return -1;
    }
    double secs = now_s() - t0;
    *cpu_ms = (cpu_s() - c0) * 1000 / reps;
    sodium_memzero(shares, sizeof shares);
    sodium_memzero(coef, sizeof coef);
    sodium_memzero(&secret, sizeof secret);
    return reps / secs;
}

typedef struct {
    InprocHub *hub;
    const Group *g;
    uint32_t n, t, id;
    int reps, rc;
    double secs;
} Party;

static void *dkg_party(void *arg)
{
    Party *p = arg;
    MpcConfig mc = {
        .n = p->n, .t = p->t, .party = p->id, .instance_id = 13, .timeout_ms = 30000, .field = p->g->scalar_field
    };
    const char *why = NULL;
    MpcEngine *e = mpc_engine_new(&mc, inproc_endpoint(p->hub, p->id), &why);
    if (!e) {
        fprintf(stderr, "party %u: %s\n", p->id, why ? why : "?");
        return NULL;
    }
    GroupPoint commit[SHAMIR_MAX_PARTIES];
    Fe share;
    double t0 = now_s();
    p->rc = 0;
    for (int r = 0; r < p->reps && p->rc == 0; r++)
        if (mpc_avss_random(e, p->g, &share, commit, NULL) != 0 ||
            !avss_share_matches(p->g, commit, p->t + 1, p->id, &share)) {
            fprintf(stderr, "party %u: DKG failed: %s\n", p->id, mpc_error(e));
            p->rc = 1;
        }
    p->secs = now_s() - t0;
    /* keep serving the others' last broadcasts before leaving */
    uint32_t from;
    uint8_t *m;
    size_t len;
    while (mpc_rbc_receive(e, MPC_RBC_ANY, 200, &from, &m, &len) == 1) free(m);
    sodium_memzero(&share, sizeof share);
    mpc_engine_free(e);
    return NULL;
}

/* DKGs per second at party 0; -1 on failure.  *cpu_ms: CPU milliseconds
 * of all n parties per DKG. */
static double dkg(const Group *g, uint32_t n, uint32_t t, int reps, double *cpu_ms)
{
    double c0 = cpu_s();
    InprocHub *hub = inproc_hub_new(n, 0);
    Party p[SHAMIR_MAX_PARTIES];
    pthread_t th[SHAMIR_MAX_PARTIES];
    for (uint32_t i = 0; i < n; i++) {
        p[i] = (Party){ hub, g, n, t, i, reps, 1, 0 };
        pthread_create(&th[i], NULL, dkg_party, &p[i]);
    }
    int bad = 0;
    for (uint32_t i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        bad |= p[i].rc;
    }
    inproc_hub_free(hub);
    *cpu_ms = (cpu_s() - c0) * 1000 / reps;
    return bad ? -1 : reps / p[0].secs;
}

/* Signing sessions per second for program `file` (with "CURVE" replaced by
 * `curve`); -1 on failure.  *cpu_ms: CPU milliseconds per session. */
static double signing(const char *file, const char *curve, uint32_t n, uint32_t t, int reps, double *cpu_ms)
{
    FILE *in = fopen(file, "r");
    if (!in) {
        fprintf(stderr, "%s: cannot open (run from the repository root)\n", file);
        return -1;
    }
    char path[] = "/tmp/avss_bench_XXXXXX";
    int fd = mkstemp(path);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        fclose(in);
        return -1;
    }
    char line[512];
    while (fgets(line, sizeof line, in)) {
        char *c = strstr(line, "\"CURVE\"");
        if (c) {
            *c = 0;
            fprintf(out, "%s\"%s\"%s", line, curve, c + 7);
        } else {
            fputs(line, out);
        }
    }
    fclose(in);
    fclose(out);
    StoffelProgram *prog = NULL;
    char *err = NULL;
    double rate = -1;
    if (stoffel_program_read(path, &prog, &err) == STOFFEL_OK) {
        StoffelLocalMpcOptions o;
        stoffel_local_mpc_options_init(&o);
        o.n_parties = n;
        o.threshold = t;
        o.curve = curve;
        o.backend = "avss";
        double t0 = now_s(), c0 = cpu_s();
        int r = 0;
        for (; r < reps; r++) {
            char *result = NULL, *outputs = NULL;
            int ok = stoffel_run_local_mpc_program(prog, &o, &result, &outputs, &err) == STOFFEL_OK &&
                     strstr(result, "byte[") != NULL;
            stoffel_free_text(result);
            stoffel_free_text(outputs);
            if (!ok) break;
        }
        if (r == reps) rate = reps / (now_s() - t0);
        *cpu_ms = (cpu_s() - c0) * 1000 / reps;
    }
    if (rate < 0) fprintf(stderr, "%s on %s: %s\n", file, curve, err ? err : "no signature");
    stoffel_free_text(err);
    stoffel_program_free(prog);
    unlink(path);
    return rate;
}

int main(int argc, char **argv)
{
    int reps = 20;
    const char *only = "";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--reps") == 0) {
            reps = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--only") == 0) {
            only = argv[i + 1];
        } else {
            fprintf(stderr, "usage: avss_bench [--reps N] [--only WORD]\n");
            return 1;
        }
    }
    if (reps <= 0 || sodium_init() < 0) return 1;
    /* key generation at the n = 4, 7, 16; signing with its 5
     * parties (and 7) */
    static const struct {
        uint32_t n, t;
        int dkg, sign;
    } sizes[] = { { 4, 1, 1, 0 }, { 5, 1, 0, 1 }, { 7, 2, 1, 1 }, { 16, 5, 1, 0 } };
    static const char *groups[] = { "secp256k1", "p-256", "ed25519-edwards", "bls12-381-g1" };
    static const struct {
        const char *scheme, *file, *curve;
    } schemes[] = {
        { "BLS", "tests/avss/threshold_bls.s", "bls12-381" },
        { "Schnorr", "tests/avss/threshold_schnorr.s", "ed25519" },
        { "EdDSA", "tests/avss/threshold_eddsa.s", "ed25519" },
        { "ECDSA secp256k1", "tests/avss/threshold_ecdsa.s", "secp256k1" },
        { "ECDSA p-256", "tests/avss/threshold_ecdsa.s", "p-256" },
        { "BLS 11 sigs", "bench/avss_bls_sign11.s", "bls12-381" },
    };
    double bls_one = 0; /* CPU ms of the one-signature BLS session, this size */
    int bad = 0;
    printf("AVSS (docs/avss.md), %d repetitions per figure\n", reps);
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        uint32_t n = sizes[k].n, t = sizes[k].t;
        printf("n=%u t=%u\n", n, t);
        for (size_t i = 0; sizes[k].dkg && i < sizeof groups / sizeof *groups; i++) {
            if (!strstr(groups[i], only)) continue;
            const Group *g = group_by_name(groups[i]);
            double svc = 0, dc = 0;
            double sv = g ? share_verify(g, n, t, reps * 10, &svc) : -1;
            double d = g ? dkg(g, n, t, reps, &dc) : -1;
            bad |= sv < 0 || d < 0;
            printf("  %-16s share+verify %7.0f/s (%6.3f ms, cpu %6.3f ms)   DKG %6.1f/s (%7.2f ms, cpu %7.2f ms)\n",
                   groups[i], sv, 1000 / sv, svc, d, 1000 / d, dc);
            fflush(stdout);
        }
        for (size_t i = 0; sizes[k].sign && i < sizeof schemes / sizeof *schemes; i++) {
            if (!strstr(schemes[i].scheme, only)) continue;
            double sc = 0;
            double s = signing(schemes[i].file, schemes[i].curve, n, t, reps, &sc);
            bad |= s < 0;
            printf("  signing %-16s %6.1f signatures/s (%7.2f ms, cpu %7.2f ms; key generation included)\n",
                   schemes[i].scheme, s, 1000 / s, sc);
            if (i == 0) bls_one = sc;
            if (strcmp(schemes[i].scheme, "BLS 11 sigs") == 0 && bls_one > 0)
                printf("  BLS signature, key already generated: cpu %.2f ms (the two sessions' difference / 10)\n",
                       (sc - bls_one) / 10);
            fflush(stdout);
        }
    }
    return bad;
}
