/* test_triple_reuse.c: a triple is consumed before its masked values are
 * sent (issue 20 item 6).  Two of four parties (more than t = 1) stop after
 * preprocessing, so the next multiplication round cannot finish; the two
 * that tried must no longer hold the triples whose d = x - a and e = y - b
 * they already sent, or a retry would mask other values with the same a
 * and b and reveal x - x'. */
#include "unit.h"
#include "mpc_sim.h"

#define MADE 8
#define USED 5

static void party(Node *p)
{
    TRY(p, mpc_preprocess(p->e, MADE, 0, 0));
    p->aux[0] = mpc_material_count(p->e, MPC_MAT_TRIPLES);
    if (p->id >= 2) return; /* parties 2 and 3 drop out */
    Fe x[USED], y[USED], z[USED];
    for (size_t i = 0; i < USED; i++) {
        fe_from_u64(F(), &x[i], 3 + i);
        fe_from_u64(F(), &y[i], 7 + i);
    }
    p->aux[1] = mpc_round(p->e, NULL, 0, NULL, x, y, USED, z) != 0; /* 1: the round failed */
    p->aux[2] = mpc_material_count(p->e, MPC_MAT_TRIPLES);
}

TEST(failed_round_consumes_its_triples)
{
    Sim s = { .n = 4, .t = 1, .party_fn = party, .timeout_ms = SCALE(1500, 5000) };
    CHECK(sim_run(&s) == 0);
    for (uint32_t i = 0; i < 2; i++) {
        Node *p = &s.node[i];
        CHECK_MSG(p->rc == 0, "party %u: %s", i, p->err);
        CHECK_MSG(p->aux[0] >= MADE, "party %u made %llu triples", i, (unsigned long long)p->aux[0]);
        CHECK_MSG(p->aux[1] == 1, "party %u: the round should fail with 2 of 4 parties gone", i);
        CHECK_MSG(p->aux[2] == p->aux[0] - USED, "party %u: %llu triples left after the failed round, want %llu", i,
                  (unsigned long long)p->aux[2], (unsigned long long)(p->aux[0] - USED));
    }
    sim_free(&s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(failed_round_consumes_its_triples);
    return unit_report();
}
