/* avss_sim.h: the AVSS sharing (src/mpc/avss.c) with n parties as threads,
 * for test_avss.c and test_avss_race.c: each party runs two sharings, and
 * run() checks that every honest party holds a share of the same
 * polynomial, that the shares reconstruct the secret whose multiple of the
 * generator is the common commitment C_0, and which dealers every honest
 * party rejected. */
#ifndef STOFFEL_TEST_AVSS_SIM_H
#define STOFFEL_TEST_AVSS_SIM_H

#include "mpc_sim.h"
#include "unit.h"

#include "crypto/group.h"
#include "mpc/avss.h"

typedef struct {
    const Group *g;
    int no_answer; /* faulty dealers ignore complaints (else they repair) */
    GroupPoint commit[SIM_MAX][SIM_MAX];
    uint8_t rejected[SIM_MAX][SIM_MAX];
} Ctx;

static void party(Node *p)
{
    Ctx *c = p->sim->ctx;
    p->out = malloc(2 * sizeof(Fe));
    if (c->no_answer && p->sim->fault[p->id] == MPC_FAULT_WRONG_SHARES) p->e->test_fault = TEST_AVSS_NO_ANSWER;
    TRY(p, mpc_avss_random(p->e, c->g, &p->out[0], c->commit[p->id], c->rejected[p->id]));
    /* a second sharing: a silent party is known by now and not waited for */
    TRY(p, mpc_avss_random(p->e, c->g, &p->out[1], c->commit[p->id], c->rejected[p->id]));
    p->nout = 2;
    /* keep serving the others' broadcasts (echo, ready) for a while, as a
     * party that goes on with its program would */
    uint32_t from;
    uint8_t *m;
    size_t len;
    while (mpc_rbc_receive(p->e, MPC_RBC_ANY, 300, &from, &m, &len) == 1) free(m);
}

/* Runs two sharings; returns the number of honest parties whose results are
 * consistent (all checks described above); *bad_rejected = every honest
 * party rejected exactly the dealers in `faulty` that misbehaved as dealers. */
static int run(const Group *g, uint32_t n, uint32_t t, const MpcFault *fault, int no_answer, int *rejects_ok)
{
    static Ctx c;
    memset(&c, 0, sizeof c);
    c.g = g;
    c.no_answer = no_answer;
    const Field *f = g->scalar_field;
    sim_field = f;
    /* the deadline only ends waits for messages that never come (an
     * unanswered complaint, a silent party): which complaints count is
     * agreed by the votes, not by what arrived before it */
    Sim s = { .n = n, .t = t, .party_fn = party, .ctx = &c, .timeout_ms = SCALE(3000, 8000) };
    for (uint32_t i = 0; i < n; i++) s.fault[i] = fault ? fault[i] : MPC_FAULT_NONE;
    sim_run(&s);
    unsigned hon[SIM_MAX], nh = 0;
    for (uint32_t i = 0; i < n; i++)
        if (s.fault[i] == MPC_FAULT_NONE && s.node[i].rc == 0 && s.node[i].nout == 2) hon[nh++] = i;
    int good = 0;
    *rejects_ok = 1;
    if (nh >= t + 1) {
        /* the secret of the second sharing from the honest shares */
        Fe sh[SIM_MAX], secret;
        for (unsigned k = 0; k < nh; k++) sh[k] = s.node[hon[k]].out[1];
        if (shamir_interpolate_at_zero(f, hon, sh, t + 1, &secret) == 0) {
            uint8_t kb[32];
            GroupPoint pk;
            fe_to_bytes(f, kb, &secret);
            g->mul_base(&pk, kb);
            for (unsigned k = 0; k < nh; k++) {
                unsigned i = hon[k];
                int ok = g->equal(&pk, &c.commit[i][0]);
                for (uint32_t j = 0; j <= t; j++) ok &= g->equal(&c.commit[i][j], &c.commit[hon[0]][j]);
                ok &= avss_share_matches(g, c.commit[i], t + 1, i, &s.node[i].out[1]);
                good += ok;
                for (uint32_t d = 0; d < n; d++)
                    if (c.rejected[i][d] !=
                        (s.fault[d] == MPC_FAULT_SILENT || (no_answer && s.fault[d] == MPC_FAULT_WRONG_SHARES)))
                        *rejects_ok = 0;
            }
        }
    }
    if (getenv("AVSS_DEBUG"))
        for (uint32_t i = 0; i < n; i++)
            fprintf(stderr, "party %u rc %d nout %zu %s rej %d%d%d%d%d%d%d\n", i, s.node[i].rc, s.node[i].nout,
                    s.node[i].err, c.rejected[i][0], c.rejected[i][1], c.rejected[i][2], c.rejected[i][3],
                    c.rejected[i][4], c.rejected[i][5], c.rejected[i][6]);
    sim_free(&s);
    return good;
}

#endif
