/* test_avss_silent.c: t = 2 silent parties at n = 7, one of them party 0,
 * the first leader: the other five agree on the five honest dealings.  Its
 * own binary: the silent parties cost a protocol timeout. */
#include "avss_sim.h"

TEST(two_silent_parties)
{
    int rj;
    MpcFault f7[7] = { MPC_FAULT_SILENT, 0, 0, 0, 0, MPC_FAULT_SILENT, 0 };
    CHECK(run(&group_ed25519, 7, 2, f7, 1, &rj) == 5 && rj);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(two_silent_parties);
    return unit_report();
}
