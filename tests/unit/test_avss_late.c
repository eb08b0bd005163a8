/* test_avss_late.c: a first leader that is alive but late for some
 * parties (docs/avss.md "Protocol").  The testing aid
 * STOFFEL_AVSS_TEST_LATE_PROPOSAL=i,j,... makes those parties leave view 0
 * at once and see its proposal only afterwards, so they change view while
 * the others vote on the proposal.  Whether the others reach a quorum in
 * view 0 (few late parties: they lock and decide, and the late ones decide
 * on their votes) or not (more than t late: everyone moves on to view 1),
 * every honest party must end with the same sharing (avss_sim.h checks the
 * common commitments and that the shares reconstruct C_0's secret), in
 * both sharings each run does. */
#include <stdlib.h>

#include "avss_sim.h"

static int late_run(const Group *g, uint32_t n, uint32_t t, const char *late, const MpcFault *fault, int expect)
{
    int rj;
    setenv("STOFFEL_AVSS_TEST_LATE_PROPOSAL", late, 1);
    int good = run(g, n, t, fault, 0, &rj);
    unsetenv("STOFFEL_AVSS_TEST_LATE_PROPOSAL");
    if (good != expect || !rj)
        fprintf(stderr, "n=%u late %s: %d of %d consistent, rejects %d\n", n, late, good, expect, rj);
    return good == expect && rj;
}

TEST(late_for_few_quorum_in_view_0)
{
    /* four of five vote for the proposal: n - t, a quorum */
    CHECK(late_run(&group_bls12_381_g1, 5, 1, "4", NULL, 5));
    CHECK(late_run(&group_secp256k1, 7, 2, "6", NULL, 7));
}

TEST(late_for_many_view_1)
{
    /* only the leader and one other vote: no quorum; t + 1 view changes
     * pull the voters into view 1 */
    CHECK(late_run(&group_bls12_381_g1, 5, 1, "2,3,4", NULL, 5));
    CHECK(late_run(&group_ed25519, 7, 2, "3,4,5,6", NULL, 7));
}

TEST(late_with_a_faulty_dealer)
{
    /* party 5 deals party 6 a wrong share and repairs it by its answer */
    MpcFault f7[7] = { 0, 0, 0, 0, 0, MPC_FAULT_WRONG_SHARES, 0 };
    CHECK(late_run(&group_bls12_381_g1, 7, 2, "1,6", f7, 6));
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    /* STOFFEL_AVSS_REPEAT=N runs everything N times (by hand) */
    const char *rep = getenv("STOFFEL_AVSS_REPEAT");
    for (int r = 0, reps = rep ? atoi(rep) : 1; r < reps; r++) {
        RUN(late_for_few_quorum_in_view_0);
        RUN(late_for_many_view_1);
        RUN(late_with_a_faulty_dealer);
    }
    return unit_report();
}
