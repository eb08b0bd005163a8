/* test_avss.c: the AVSS random sharing / DKG (src/mpc/avss.c) with n
 * parties as threads: honest runs in several groups, a dealer that sends
 * one party a wrong share and answers the complaint, and a silent party
 * (a dealer that ignores complaints, silent leaders: test_avss_race.c); the checks are
 * avss_sim.h's run(). */
#include "avss_sim.h"

TEST(honest_groups)
{
    int rj;
    CHECK(run(&group_bls12_381_g1, 5, 1, NULL, 0, &rj) == 5 && rj);
    CHECK(run(&group_ed25519, 4, 1, NULL, 0, &rj) == 4 && rj);
    CHECK(run(&group_secp256k1, 5, 1, NULL, 0, &rj) == 5 && rj);
    CHECK(run(&group_p256, 7, 2, NULL, 0, &rj) == 7 && rj);
    CHECK(run(&group_bn254_g1, 4, 1, NULL, 0, &rj) == 4 && rj);
}

TEST(wrong_share_repaired_by_answer)
{
    int rj;
    /* the dealer answers the complaint truly: nobody is rejected and the
     * victim holds the right share */
    MpcFault f5[5] = { 0, 0, 0, 0, MPC_FAULT_WRONG_SHARES };
    CHECK(run(&group_secp256k1, 5, 1, f5, 0, &rj) == 4 && rj);
    MpcFault f7[7] = { 0, 0, MPC_FAULT_WRONG_SHARES, 0, 0, 0, MPC_FAULT_WRONG_SHARES };
    CHECK(run(&group_p256, 7, 2, f7, 0, &rj) == 5 && rj);
}

TEST(silent_party)
{
    int rj;
    MpcFault f5[5] = { 0, MPC_FAULT_SILENT, 0, 0, 0 };
    CHECK(run(&group_secp256k1, 5, 1, f5, 1, &rj) == 4 && rj);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(honest_groups);
    RUN(wrong_share_repaired_by_answer);
    RUN(silent_party);
    return unit_report();
}
