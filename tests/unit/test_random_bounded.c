/* test_random_bounded.c: mpc_random_bounded (randint.c), the dealt high
 * parts of the comparison masks: values below (t+1)·2^B and spread as a
 * sum of t+1 uniform B-bit values, with a party sending wrong shares online too;
 * a dealer who deals a 2 instead of a bit (a consistent sharing: only the
 * bit check can see it) is caught and named. */
#include "unit.h"

#include "mpc_sim.h"
#include "mpc/compare.h"

#include <math.h>

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

static void run(uint32_t n, uint32_t t, int bad_party, const char *label)
{
    Sim s = { .n = n, .t = t, .party_fn = party_bounded };
    if (bad_party >= 0) s.fault[bad_party] = MPC_FAULT_WRONG_SHARES;
    sim_run(&s);
    for (uint32_t i = 0; i < n; i++) {
        if ((int)i == bad_party) continue;
        CHECK_MSG(s.node[i].rc == 0, "%s: party %u: %s", label, i, s.node[i].err);
    }
    if (s.node[0].rc == 0) {
        int in_range = 1, same = 1;
        double sum = 0;
        for (size_t k = 0; k < NV; k++) {
            int64_t x = as_i64(&s.node[0].out[k]);
            in_range &= x >= 0 && x < (int64_t)(t + 1) * (1 << BW);
            same &= fe_equal(&s.node[0].out[k], &s.node[2].out[k]);
            sum += (double)x;
        }
        CHECK_MSG(in_range, "%s: every value below (t+1)·2^B", label);
        CHECK_MSG(same, "%s: parties agree", label);
        /* the sum of t+1 uniform values in [0, 255]: mean 127.5 each, sd
         * 73.9·sqrt(t+1); six standard errors of the mean of NV */
        double mean = sum / NV, mu = 127.5 * (t + 1), tol = 6 * 73.9 * sqrt(t + 1.0) / sqrt((double)NV);
        CHECK_MSG(mean > mu - tol && mean < mu + tol, "%s: mean %.1f", label, mean);
    }
    sim_free(&s);
}

TEST(honest) { run(4, 1, -1, "honest"); }

TEST(wrong_shares_online) { run(4, 1, 3, "party 3 wrong shares"); }

/* t = 2: the dealings are degree-2 and degree-4 polynomials (Horner), not
 * the additions of t = 1 */
TEST(honest_t2) { run(7, 2, -1, "n=7 t=2 honest"); }

TEST(wrong_shares_online_t2) { run(7, 2, 5, "n=7 t=2 party 5 wrong shares"); }

static void non_bit_caught(uint32_t n, uint32_t t)
{
    Sim s = { .n = n, .t = t, .party_fn = party_bounded, .ctx = &s };
    sim_run(&s);
    for (uint32_t i = 0; i < n; i++) {
        CHECK_MSG(s.node[i].rc != 0, "party %u accepted a dealt 2", i);
        CHECK_MSG(strstr(s.node[i].err, "party 1 dealt") != NULL, "party %u: %s", i, s.node[i].err);
    }
    sim_free(&s);
}

TEST(non_bit_dealer_caught) { non_bit_caught(4, 1); }

TEST(non_bit_dealer_caught_t2) { non_bit_caught(7, 2); }

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(honest);
    RUN(wrong_shares_online);
    RUN(non_bit_dealer_caught);
    RUN(honest_t2);
    RUN(wrong_shares_online_t2);
    RUN(non_bit_dealer_caught_t2);
    return unit_report();
}
