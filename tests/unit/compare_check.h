/* compare_check.h: the harness of the comparison tests (test_compare*.c):
 * runs a job of mpc/compare.h on 4 parties over the in-process transport,
 * with or without a party that sends wrong shares in every online opening.
 * Inputs are proper degree-t sharings (a random share plus a public
 * offset), results are opened and checked against plain integer
 * arithmetic. */
#ifndef STOFFEL_COMPARE_CHECK_H
#define STOFFEL_COMPARE_CHECK_H

#include "unit.h"
#include "mpc_sim.h"
#include "mpc/compare.h"

enum { J_CMP, J_MOD2M, J_TRUNC, J_BITDEC, J_DIV, J_SELECT, J_ARGMAX, J_ARGMIN, J_FDIV, J_FSQRT, J_FEXP, J_TRUNC_PR };

typedef struct {
    int kind, op;
    unsigned k, m;
    int64_t d;
    bool is_unsigned;
    size_t n;
    const uint64_t *a, *b; /* raw 64-bit values (two's complement when signed) */
} Job;

static inline Fe enc(const Job *j, uint64_t v)
{
    Fe r;
    if (j->is_unsigned)
        fe_from_u64(F(), &r, v);
    else
        fe_from_i64(F(), &r, (int64_t)v);
    return r;
}

/* Degree-t sharings of public values: [r] + (v - open(r)). */
static inline int share_values(MpcEngine *e, const Job *j, const uint64_t *v, size_t n, Fe *out)
{
    Fe *r = malloc((n ? n : 1) * sizeof *r), *o = malloc((n ? n : 1) * sizeof *o);
    int rc = (r && o) ? 0 : -1;
    if (rc == 0) rc = mpc_random(e, r, n);
    if (rc == 0) rc = mpc_round(e, r, n, o, NULL, NULL, 0, NULL);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        Fe x = enc(j, v[i]);
        fe_sub(F(), &x, &x, &o[i]);
        fe_add(F(), &out[i], &r[i], &x);
    }
    free(r);
    free(o);
    return rc;
}

static inline void party_job(Node *p)
{
    MpcEngine *e = p->e;
    const Job *j = p->sim->ctx;
    size_t n = j->n, nout = j->kind == J_BITDEC ? n * j->m : j->kind == J_DIV ? 2 * n : n;
    if (j->kind == J_ARGMAX || j->kind == J_ARGMIN) nout = 2;
    Fe *a = calloc(n + 1, sizeof *a), *b = calloc(n + 1, sizeof *b), *c = calloc(n + 1, sizeof *c);
    p->out = calloc(nout + 1, sizeof *p->out);
    p->nout = nout;
    if (!a || !b || !c || !p->out) {
        p->rc = -1;
        return;
    }
    TRY(p, share_values(e, j, j->a, n, a));
    if (j->b) TRY(p, share_values(e, j, j->b, n, b));
    uint64_t r0 = mpc_stats(e).rounds, b0 = mpc_stats(e).bits_used;
    switch (j->kind) {
    case J_CMP: TRY(p, mpc_compare(e, (MpcCmpOp)j->op, a, b, n, j->k, p->out)); break;
    case J_MOD2M: TRY(p, mpc_mod2m(e, a, n, j->k, j->m, p->out)); break;
    case J_TRUNC: TRY(p, mpc_trunc_exact(e, a, n, j->k, j->m, p->out)); break;
    case J_BITDEC: TRY(p, mpc_bit_decompose(e, a, n, j->k, j->m, p->out)); break;
    case J_DIV: TRY(p, mpc_div_public(e, a, n, j->k, j->d, p->out, p->out + n)); break;
    case J_SELECT:
        /* c = a mod 2 as a secret bit, then c ? a : b */
        TRY(p, mpc_mod2m(e, a, n, j->k, 1, c));
        TRY(p, mpc_select(e, c, a, b, n, p->out));
        break;
    case J_FDIV: TRY(p, mpc_fixed_div(e, a, b, n, 64, 16, p->out)); break;
    case J_FSQRT: TRY(p, mpc_fixed_sqrt(e, a, n, 64, 16, p->out)); break;
    case J_FEXP: TRY(p, mpc_fixed_exp(e, a, n, 64, 16, p->out)); break;
    case J_TRUNC_PR: TRY(p, mpc_truncate(e, a, n, 64, j->m, p->out)); break;
    default: TRY(p, mpc_arg_extreme(e, a, n, j->k, j->kind == J_ARGMAX, &p->out[0], &p->out[1])); break;
    }
    p->aux[0] = mpc_stats(e).rounds - r0;
    p->aux[1] = mpc_stats(e).bits_used - b0;
    TRY(p, mpc_round(e, p->out, nout, p->out, NULL, NULL, 0, NULL));
    free(a);
    free(b);
    free(c);
}

/* Runs a job on n=4, t=1 (party 3 sending wrong shares if `faulty`); the
 * opened results of party 0 into *out (malloc'd), rounds into *rounds and,
 * if bits is given, the random bits it used into *bits. */
static inline int run_job_bits(const Job *j, bool faulty, Fe **out, uint64_t *rounds, uint64_t *bits)
{
    Sim s = { .n = 4, .t = 1, .party_fn = party_job, .ctx = (void *)j };
    if (faulty) s.fault[3] = MPC_FAULT_WRONG_SHARES;
    sim_run(&s);
    int ok = 1;
    for (uint32_t i = 0; i < 4; i++) {
        if (faulty && i == 3) continue;
        CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
        ok &= s.node[i].rc == 0;
    }
    /* honest parties agree */
    for (uint32_t i = 1; ok && i < 3; i++) ok &= memcmp(s.node[i].out, s.node[0].out, s.node[0].nout * sizeof(Fe)) == 0;
    CHECK_MSG(ok, "parties failed or disagree");
    if (ok) {
        *out = s.node[0].out;
        s.node[0].out = NULL;
        *rounds = s.node[0].aux[0];
        if (bits) *bits = s.node[0].aux[1];
    }
    sim_free(&s);
    return ok ? 0 : -1;
}

static inline int run_job(const Job *j, bool faulty, Fe **out, uint64_t *rounds)
{
    return run_job_bits(j, faulty, out, rounds, NULL);
}

static inline uint64_t rnd64(void)
{
    uint64_t r;
    randombytes_buf(&r, sizeof r);
    return r;
}

/* A signed k-bit value (sign-extended into 64 bits). */
static inline uint64_t sext(uint64_t v, unsigned k)
{
    if (k == 64) return v;
    v &= ((uint64_t)1 << k) - 1;
    if (v >> (k - 1)) v |= ~(uint64_t)0 << k;
    return v;
}

static inline int want_cmp(int op, int64_t a, int64_t b, bool is_unsigned)
{
    int lt = is_unsigned ? (uint64_t)a < (uint64_t)b : a < b;
    int gt = is_unsigned ? (uint64_t)a > (uint64_t)b : a > b;
    switch (op) {
    case MPC_CMP_LT: return lt;
    case MPC_CMP_LE: return !gt;
    case MPC_CMP_GT: return gt;
    case MPC_CMP_GE: return !lt;
    case MPC_CMP_EQ: return a == b;
    default: return a != b;
    }
}

static const char *const op_names[] = { "lt", "le", "gt", "ge", "eq", "ne" };

static inline void check_cmp(int op, unsigned k, bool is_unsigned, const uint64_t *a, const uint64_t *b, size_t n,
                             bool faulty)
{
    Job j = { .kind = J_CMP, .op = op, .k = k, .is_unsigned = is_unsigned, .n = n, .a = a, .b = b };
    Fe *out = NULL;
    uint64_t rounds = 0;
    if (run_job(&j, faulty, &out, &rounds) != 0) return;
    size_t bad = 0, first = n;
    for (size_t i = 0; i < n; i++) {
        int64_t got = as_i64(&out[i]);
        if (got != want_cmp(op, (int64_t)a[i], (int64_t)b[i], is_unsigned)) {
            bad++;
            if (first == n) first = i;
        }
    }
    CHECK_MSG(bad == 0, "%s k=%u %s%s: %zu of %zu wrong, first a=%lld b=%lld", op_names[op], k,
              is_unsigned ? "unsigned" : "signed", faulty ? " (faulty party)" : "", bad, n,
              first < n ? (long long)a[first] : 0, first < n ? (long long)b[first] : 0);
    /* constant rounds, whatever the batch size (up to one chunk) */
    if (n <= MPC_CMP_CHUNK) {
        unsigned K = k, want = 1;
        if (op == MPC_CMP_EQ || op == MPC_CMP_NE) {
            /* masks made ahead: two openings, no multiplication */
            want = 2;
        } else {
            /* masks made ahead: the tree starts from blocks of 4 bits; below 16
             * bits, and for batches below 256 (compare.c lt_kind), of 3 bits
             * where that makes a level fewer than 2 (compare.c small_blocks) */
            unsigned d2 = 0, d3 = 0, bb;
            for (unsigned L = (K + 1) / 2; L > 1; L = (L + 1) / 2) d2++;
            for (unsigned L = (K + 2) / 3; L > 1; L = (L + 1) / 2) d3++;
            bb = K >= 16 && n >= 256 ? 4 : d3 < d2 ? 3 : 2;
            for (unsigned L = (K + bb - 1) / bb; L > 1; L = (L + 1) / 2) want++;
        }
        CHECK_MSG(rounds == want, "%s k=%u: %llu rounds, expected %u", op_names[op], k, (unsigned long long)rounds,
                  want);
    }
    free(out);
}

/* Every pair of signed 8-bit values, comparisons ops[0..nops).  The mask
 * bits are public here (mpc_cmp_test_public_bits): 65,536 comparisons with
 * real preprocessed bits take minutes, and the bits' source does not
 * change what is computed (test_compare.c runs a sample with real bits).
 * Under the sanitizers a random sample of the pairs. */
static inline void all_pairs_k8(const int *ops, size_t nops, bool faulty)
{
    size_t n = SCALE(65536, 2048);
    uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        size_t v = n == 65536 ? i : (size_t)(rnd64() & 0xffff);
        a[i] = sext(v >> 8, 8);
        b[i] = sext(v & 0xff, 8);
    }
    mpc_cmp_test_public_bits(1);
    for (size_t k = 0; k < nops; k++) check_cmp(ops[k], 8, false, a, b, n, faulty);
    mpc_cmp_test_public_bits(0);
    free(a);
    free(b);
}

/* A test binary over some of the comparisons (test_compare_k8_*.c: one each),
 * with or without a faulty party. */
#define K8_MAIN(OPS, FAULTY)                                   \
    TEST(exhaustive_k8)                                        \
    {                                                          \
        static const int ops[] = OPS;                          \
        all_pairs_k8(ops, sizeof ops / sizeof ops[0], FAULTY); \
    }                                                          \
    int main(void)                                             \
    {                                                          \
        if (sodium_init() < 0) return 1;                       \
        RUN(exhaustive_k8);                                    \
        return unit_report();                                  \
    }

#endif
