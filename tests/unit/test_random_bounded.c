/* test_random_bounded.c: mpc_random_bounded (randint.c), the dealt high
 * parts of the comparison masks: values below (t+1)·2^B and spread as a
 * sum of t+1 uniform B-bit values, with a party sending wrong shares online too;
 * a dealer who deals a 2 instead of a bit (a consistent sharing: only the
 * bit check can see it) is caught and named. */
#include "unit.h"

#include "mpc_sim.h"
#include "mpc/compare.h"

#define NV 300
#define BW 8

static void party_bounded(Node *p)
{
    MpcEngine *e = p->e;
    if (p->sim->ctx && p->id == 1) mpc_test_preproc_fault(e, TEST_BAD_DEAL);
    Fe v[NV];
    TRY(p, mpc_random_bounded(e, BW, v, NV));
    mpc_test_set_fault(e, p->sim->fault[p->id]);
    p->out = calloc(NV, sizeof *p->out);
    p->nout = NV;
    TRY(p, mpc_round(e, v, NV, p->out, NULL, NULL, 0, NULL));
}

static void run(int bad_party, const char *label)
{
    Sim s = { .n = 4, .t = 1, .party_fn = party_bounded };
    if (bad_party >= 0) s.fault[bad_party] = MPC_FAULT_WRONG_SHARES;
    sim_run(&s);
    for (uint32_t i = 0; i < 4; i++) {
        if ((int)i == bad_party) continue;
        CHECK_MSG(s.node[i].rc == 0, "%s: party %u: %s", label, i, s.node[i].err);
    }
    if (s.node[0].rc == 0) {
        int in_range = 1, same = 1;
        double sum = 0;
        for (size_t k = 0; k < NV; k++) {
            int64_t x = as_i64(&s.node[0].out[k]);
            in_range &= x >= 0 && x < 2 * (1 << BW);
            same &= fe_equal(&s.node[0].out[k], &s.node[2].out[k]);
            sum += (double)x;
        }
        CHECK_MSG(in_range, "%s: every value below (t+1)·2^B", label);
        CHECK_MSG(same, "%s: parties agree", label);
        /* the sum of t+1 = 2 uniform values in [0, 255]: mean 255, sd 104.5 */
        double mean = sum / NV, tol = 6 * 104.5 / 17.3;
        CHECK_MSG(mean > 255 - tol && mean < 255 + tol, "%s: mean %.1f", label, mean);
    }
    sim_free(&s);
}

TEST(honest) { run(-1, "honest"); }

TEST(wrong_shares_online) { run(3, "party 3 wrong shares"); }

TEST(non_bit_dealer_caught)
{
    Sim s = { .n = 4, .t = 1, .party_fn = party_bounded, .ctx = &s };
    sim_run(&s);
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_MSG(s.node[i].rc != 0, "party %u accepted a dealt 2", i);
        CHECK_MSG(strstr(s.node[i].err, "party 1 dealt") != NULL, "party %u: %s", i, s.node[i].err);
    }
    sim_free(&s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(honest);
    RUN(wrong_shares_online);
    RUN(non_bit_dealer_caught);
    return unit_report();
}
