/* test_open_exp.c: opening in the exponent (src/mpc/open_exp.c) with n
 * parties as threads: honest runs in every group of the engine's fields,
 * parties that send a wrong point (a valid point of another value), a
 * malformed encoding, or nothing, and more faulty parties than t (an error,
 * never a wrong point). */
#include "mpc_sim.h"
#include "unit.h"

#include "crypto/group.h"

/* What the last honest party of a run had excluded: how many, and party 0. */
static int last_excluded, first_excluded;

typedef struct {
    const Group *g;
    Fe shares[SIM_MAX];
    int malformed[SIM_MAX]; /* party sends garbage bytes instead */
} Ctx;

static void party(Node *p)
{
    Ctx *c = p->sim->ctx;
    const Group *g = c->g;
    if (c->malformed[p->id]) {
        /* a message of the right kind and length whose bytes are no point */
        uint32_t count = (uint32_t)((group_wire_len(g) + 31) / 32);
        size_t len = MPC_HDR + (size_t)count * 32;
        uint8_t *m = malloc(len);
        wire_put_hdr(m, MK_EXP, count, 0x5eed, 0);
        memset(m + MPC_HDR, 0xff, len - MPC_HDR);
        for (uint32_t j = 0; j < p->sim->n; j++)
            if (j != p->id) transport_send(p->tr, j, m, len);
        free(m);
        return;
    }
    GroupPoint r;
    TRY(p, mpc_open_exp(p->e, g, &c->shares[p->id], NULL, &r));
    p->out = malloc(GROUP_MAX_ENC);
    g->encode(&r, (uint8_t *)p->out);
    p->nout = 1;
    /* a second opening of the same value: a party caught lying in the first
     * is excluded and no longer waited for or searched over */
    GroupPoint r2;
    TRY(p, mpc_open_exp(p->e, g, &c->shares[p->id], NULL, &r2));
    p->aux[0] = g->equal(&r, &r2);
    p->aux[1] = p->e->n_excluded;
    p->aux[2] = p->e->excluded[0];
}

/* Runs one opening of secret 7 and returns how many honest parties got
 * 7·G (the others must have failed with an error). */
static int run(const Group *g, const Field *f, uint32_t n, uint32_t t, const MpcFault *fault, const int *malformed,
               int *failed)
{
    Ctx c = { .g = g };
    Fe secret;
    sim_field = f;
    fe_from_u64(f, &secret, 7);
    shamir_share(f, &secret, t, n, c.shares, NULL);
    Sim s = { .n = n, .t = t, .nc = 0, .party_fn = party, .ctx = &c, .timeout_ms = 3000 };
    for (uint32_t i = 0; i < n; i++) {
        s.fault[i] = fault ? fault[i] : MPC_FAULT_NONE;
        c.malformed[i] = malformed ? malformed[i] : 0;
    }
    sim_run(&s);
    uint8_t want[GROUP_MAX_ENC], k[32] = { 7 };
    GroupPoint W;
    g->mul_base(&W, k);
    g->encode(&W, want);
    int good = 0;
    *failed = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (c.malformed[i] || s.fault[i] != MPC_FAULT_NONE) continue;
        if (s.node[i].rc == 0 && s.node[i].nout == 1 && memcmp(s.node[i].out, want, g->enc_len) == 0 &&
            s.node[i].aux[0] == 1) {
            good++;
            last_excluded = (int)s.node[i].aux[1];
            first_excluded = (int)s.node[i].aux[2];
        } else if (s.node[i].rc != 0)
            (*failed)++;
        else
            fprintf(stderr, "party %u returned a wrong point\n", i);
    }
    sim_free(&s);
    sim_field = NULL;
    return good;
}

TEST(honest_all_groups)
{
    const Group *gs[] = { &group_bls12_381_g1, &group_bls12_381_g2, &group_bn254_g1, &group_ed25519 };
    const Field *fs[] = { &field_bls12_381, &field_bls12_381, &field_bn254, &field_ed25519 };
    for (int i = 0; i < 4; i++) {
        int failed;
        CHECK_MSG(run(gs[i], fs[i], 4, 1, NULL, NULL, &failed) == 4 && last_excluded == 0, "%s", gs[i]->name);
    }
}

TEST(wrong_point_corrected)
{
    int failed;
    MpcFault f4[4] = { MPC_FAULT_WRONG_SHARES, 0, 0, 0 }; /* the first party: forces the subset search */
    CHECK(run(&group_bls12_381_g1, &field_bls12_381, 4, 1, f4, NULL, &failed) == 3);
    /* Caught when its point was among those decoded, and then not used
     * again.  Under load its point may arrive after 2t+1 consistent ones,
     * and the opening finishes without it: not caught, never wrong. */
    CHECK(first_excluded <= 1 && last_excluded == first_excluded);
    MpcFault f7[7] = { MPC_FAULT_WRONG_SHARES, 0, 0, MPC_FAULT_WRONG_SHARES, 0, 0, 0 };
    CHECK(run(&group_bn254_g1, &field_bn254, 7, 2, f7, NULL, &failed) == 5);
    /* the first two parties wrong: the subsets that decide have points
     * whose Lagrange weights are fractions (den > 1 in open_exp.c) */
    MpcFault f7b[7] = { MPC_FAULT_WRONG_SHARES, MPC_FAULT_WRONG_SHARES, 0, 0, 0, 0, 0 };
    CHECK(run(&group_bls12_381_g1, &field_bls12_381, 7, 2, f7b, NULL, &failed) == 5);
    CHECK(run(&group_bls12_381_g2, &field_bls12_381, 7, 2, f7b, NULL, &failed) == 5);
}

TEST(malformed_and_silent)
{
    int failed;
    int bad[4] = { 0, 1, 0, 0 };
    CHECK(run(&group_bls12_381_g1, &field_bls12_381, 4, 1, NULL, bad, &failed) == 3);
    MpcFault silent[4] = { 0, 0, 0, MPC_FAULT_SILENT };
    CHECK(run(&group_ed25519, &field_ed25519, 4, 1, silent, NULL, &failed) == 3);
}

TEST(too_many_faults_is_an_error)
{
    int failed;
    MpcFault f4[4] = { MPC_FAULT_WRONG_SHARES, MPC_FAULT_WRONG_SHARES, 0, 0 };
    int good = run(&group_bn254_g1, &field_bn254, 4, 1, f4, NULL, &failed);
    /* two honest points cannot outvote two wrong ones: no result, no wrong one */
    CHECK(good == 0 && failed == 2);
}

TEST(field_mismatch)
{
    int failed;
    /* bn254 points with BLS12-381 shares: refused by every party */
    CHECK(run(&group_bn254_g1, &field_bls12_381, 4, 1, NULL, NULL, &failed) == 0 && failed == 4);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(honest_all_groups);
    RUN(wrong_point_corrected);
    RUN(malformed_and_silent);
    RUN(too_many_faults_is_an_error);
    RUN(field_mismatch);
    return unit_report();
}
