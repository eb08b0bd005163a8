/* preproc_plan.h: the party of the preprocessing-fault tests
 * (test_preproc_silent.c, test_preproc_disputes.c).  Each party does the
 * TEST_* fault of its plan entry, preprocesses, and records its warnings,
 * whom it proved faulty and how many runs were aborted; an honest one then
 * checks the material (sim_check_material: products multiply right, bits
 * are bits). */
#ifndef STOFFEL_PREPROC_PLAN_H
#define STOFFEL_PREPROC_PLAN_H

#include "mpc_sim.h"

typedef struct {
    int fault[SIM_MAX];       /* TEST_* per party (0: honest) */
    char warn[SIM_MAX][8192]; /* mpc_warnings is longer than 1 KB at n = 7 */
    uint8_t faulty[SIM_MAX][SIM_MAX];
    unsigned aborted[SIM_MAX], fallbacks[SIM_MAX]; /* runs aborted, fallbacks, in the session */
    unsigned runs;                                 /* runs of 256 triples before the check (0: none) */
} Plan;

static void party_work(Node *p)
{
    Plan *pl = p->sim->ctx;
    MpcEngine *e = p->e;
    if (pl->fault[p->id]) mpc_test_preproc_fault(e, pl->fault[p->id]);
    p->nout = 2;
    if (!(p->out = calloc(p->nout, sizeof *p->out))) {
        p->rc = -1;
        return;
    }
    int rc = 0;
    for (unsigned r = 1; r <= pl->runs && rc == 0; r++) rc = mpc_preprocess(e, 256 * r, 0, 0);
    if (rc == 0) rc = mpc_preprocess(e, 2 * K, 2 * K, NBITS);
    snprintf(pl->warn[p->id], sizeof pl->warn[p->id], "%s", mpc_warnings(e));
    mpc_preproc_faulty(e, pl->faulty[p->id]);
    preproc_agree_counts(e, &pl->aborted[p->id], &pl->fallbacks[p->id]);
    if (rc != 0) {
        node_fail(p, "mpc_preprocess");
        return;
    }
    sim_check_material(p, K, NBITS);
}

#endif
