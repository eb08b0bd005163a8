/* test_avss_race.c: a dealer that sends one party a wrong share, falsely
 * accuses an honest dealer and ignores the complaint against it (n=5 t=1,
 * the case that used to split the honest parties, and n=7 t=2): every
 * honest party must reject exactly that dealer and hold a consistent
 * share.  And silent leaders, passed over.  Its own binary: a silent party
 * costs a protocol timeout. */
#include "avss_sim.h"

TEST(wrong_share_dealer_rejected)
{
    int rj;
    MpcFault f5[5] = { 0, 0, 0, 0, MPC_FAULT_WRONG_SHARES };
    /* This case once split the honest parties about one run in three (a
     * later sharing's broadcast was dropped while a party still waited in
     * the earlier one, and complaints counted by deadline).
     * STOFFEL_AVSS_REPEAT=N runs it N times (docs/avss.md). */
    const char *rep = getenv("STOFFEL_AVSS_REPEAT");
    int reps = rep ? atoi(rep) : 1, split = 0;
    for (int r = 0; r < reps; r++) split += !(run(&group_bls12_381_g1, 5, 1, f5, 1, &rj) == 4 && rj);
    if (rep) printf("5-party ignored complaints: %d of %d runs split\n", split, reps);
    CHECK(split == 0);
    MpcFault f7[7] = { 0, 0, 0, 0, 0, 0, MPC_FAULT_WRONG_SHARES };
    CHECK(run(&group_ed25519, 7, 2, f7, 1, &rj) == 6 && rj);
}

TEST(silent_leaders)
{
    int rj;
    /* party 0, the first leader, never proposes: the others pass it over
     * (view change) and adopt party 1's proposal */
    MpcFault f5[5] = { MPC_FAULT_SILENT, 0, 0, 0, 0 };
    CHECK(run(&group_secp256k1, 5, 1, f5, 1, &rj) == 4 && rj);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(wrong_share_dealer_rejected);
    RUN(silent_leaders);
    return unit_report();
}
