/* test_preproc_disputes.c: dispute control in preprocessing (issue 16
 * item 12, docs/mpc.md "A lying abort").  A faulty party aborts every run
 * naming an honest party as silent while fewer than t+1 do: the session
 * must still finish with triples whose products multiply right and bits
 * that are bits, no honest party proven, the liars proven faulty, and no
 * more aborted runs than the stated bound t(t+1). */
#include "unit.h"

#define SIM_MAX 8
#include "mpc_sim.h"

#define K SCALE(200, 30)
#define NBITS SCALE(100, 20)
#define TIMEOUT_MS 1500 /* the liars that stop a run cost a few of these */
#include "preproc_plan.h"

/* What a session may cost: runs aborted (at least one where a liar
 * acts), fallbacks (the broadcast re-send); runs: extra runs made. */
typedef struct {
    unsigned min_aborted, max_aborted, max_fallbacks, runs;
} Cost;

static Plan *last_plan; /* the plan of the last session, for further checks */

/* n parties with fault[i]; every honest party must finish with right
 * material, prove exactly the parties of want[], warn `needle`, and stay
 * within the cost. */
static void run_check(uint32_t n, uint32_t t, const int *fault, const uint8_t *want, const char *needle, Cost c,
                      const char *label)
{
    Sim s;
    static Plan pl;
    last_plan = &pl;
    memset(&pl, 0, sizeof pl);
    pl.runs = c.runs;
    for (uint32_t i = 0; i < n; i++) pl.fault[i] = fault[i];
    memset(&s, 0, sizeof s);
    s.n = n;
    s.t = t;
    s.party_fn = party_work;
    s.ctx = &pl;
    s.triple_batch = 256;
    s.timeout_ms = TIMEOUT_MS;
    sim_run(&s);
    for (uint32_t i = 0; i < n; i++) {
        if (pl.fault[i]) continue;
        Node *p = &s.node[i];
        CHECK_MSG(p->rc == 0, "%s: party %u: %s", label, i, p->err);
        if (p->rc != 0) continue;
        CHECK_MSG(as_i64(&p->out[0]) == 1, "%s: party %u: products wrong", label, i);
        CHECK_MSG(as_i64(&p->out[1]) == 1, "%s: party %u: bits wrong", label, i);
        for (uint32_t j = 0; j < n; j++)
            CHECK_MSG(pl.faulty[i][j] == want[j], "%s: party %u: party %u proven faulty: %d", label, i, j,
                      pl.faulty[i][j]);
        CHECK_MSG(strstr(pl.warn[i], needle) != NULL, "%s: party %u: warnings lack \"%s\": %s", label, i, needle,
                  pl.warn[i]);
        CHECK_MSG(pl.aborted[i] >= c.min_aborted && pl.aborted[i] <= c.max_aborted,
                  "%s: party %u: %u runs aborted (bound %u)", label, i, pl.aborted[i], c.max_aborted);
        CHECK_MSG(pl.fallbacks[i] <= c.max_fallbacks, "%s: party %u: %u fallbacks (bound %u)", label, i,
                  pl.fallbacks[i], c.max_fallbacks);
    }
    sim_free(&s);
}

/* n = 4, t = 1: party 2 lies in every run (bound t(t+1) = 2 aborted
 * runs: one makes the dispute, the next proves the liar). */
static void liar_n4(int fault, const char *needle, const char *label)
{
    int f[SIM_MAX] = { 0 };
    uint8_t want[SIM_MAX] = { 0 };
    f[2] = fault;
    want[2] = 1;
    run_check(4, 1, f, want, needle, (Cost){ 1, 2, 0, 0 }, label);
}

TEST(lying_abort_n4) { liar_n4(TEST_LYING_ABORT, "party 2 aborted the run accusing nobody anew", "liar n4"); }
/* a liar naming another honest party each time: in dispute with t+1 */
TEST(lying_abort_next_n4)
{
    liar_n4(TEST_LYING_ABORT_NEXT, "party 2 is in dispute with 2 parties", "liar naming the next n4");
}
/* a liar that also stops each run at its start (the honest parties
 * waiting for it stop too, a chain of aborts that must not convict them) */
TEST(lying_abort_stop_n4) { liar_n4(TEST_LYING_ABORT_STOP, "party 2 was silent", "stopping liar n4"); }

/* n = 7, t = 2: two liars (bound t(t+1) = 6). */
static void liars_n7(int f2, int f5, const char *needle, const char *label)
{
    int f[SIM_MAX] = { 0 };
    uint8_t want[SIM_MAX] = { 0 };
    f[2] = f2;
    f[5] = f5;
    want[2] = want[5] = 1;
    run_check(7, 2, f, want, needle, (Cost){ 1, 6, 0, 0 }, label);
}

/* naming parties 3 and 6 */
TEST(two_liars_n7)
{
    liars_n7(TEST_LYING_ABORT, TEST_LYING_ABORT, "party 5 aborted the run accusing nobody anew", "two liars n7");
}
/* both naming party 0 */
TEST(two_liars_same_n7)
{
    liars_n7(TEST_LYING_ABORT_ZERO, TEST_LYING_ABORT_ZERO, "parties 0 and 5 are in dispute", "two liars, same, n7");
}
TEST(two_liars_next_n7)
{
    liars_n7(TEST_LYING_ABORT_NEXT, TEST_LYING_ABORT_STOP, "party 2 aborted the run accusing nobody anew",
             "liar naming the next and stopping liar n7");
}
/* a silent party and a liar */
TEST(silent_and_liar_n7) { liars_n7(TEST_SILENT_SEED, TEST_LYING_ABORT, "party 2 was silent", "silent and liar n7"); }

/* Degree-2t shares to the next party that are wrong and not validly
 * signed (not provable): the first such failure starts the signing, the
 * second makes the pair a dispute, and from then on the receiver takes
 * the sender's shares from its broadcast: two fallbacks in eight runs,
 * nobody proven. */
static void unsigned_shares(uint32_t n, uint32_t t, const uint32_t *bad, size_t nbad, const char *needle)
{
    int f[SIM_MAX] = { 0 };
    uint8_t want[SIM_MAX] = { 0 };
    for (size_t i = 0; i < nbad; i++) f[bad[i]] = TEST_BAD_OPEN2T_NOSIG;
    run_check(n, t, f, want, needle, (Cost){ 0, 0, 2, 6 }, "unsigned shares");
}
TEST(unsigned_shares_n4)
{
    static const uint32_t bad[] = { 2 };
    unsigned_shares(4, 1, bad, 1, "party 3 takes party 2's degree-2t shares from its broadcast");
}
TEST(unsigned_shares_n7)
{
    static const uint32_t bad[] = { 2, 5 };
    unsigned_shares(7, 2, bad, 2, "party 6 got degree-2t shares from party 5 without a valid signature");
}

/* A party that reports a failure in every run and accuses the previous
 * party of unsigned shares (not provable): the first false failure starts
 * the signing, the second makes the pair a dispute, the third accuses a
 * party whose shares the liar takes from its broadcast, which proves the
 * liar.  Three fallbacks, no honest party proven. */
TEST(false_accuser_n4)
{
    int f[SIM_MAX] = { 0 };
    uint8_t want[SIM_MAX] = { 0 };
    f[2] = TEST_FALSE_ACCUSE;
    want[2] = 1;
    run_check(4, 1, f, want, "party 2 accused party 1, whose shares it takes from its broadcast", (Cost){ 0, 0, 3, 6 },
              "false accuser");
}

/* The r_2t column judgement settles a dispute with a row an honest
 * receiver took from the dealer's opening in the check round: party 2
 * signs its row to party 0 wrongly (party 0 takes the row party 2 opens
 * in the check round), lies about r_2t with party 5, and publishes a
 * column off party 0's row.  Party 0 shows the opened row (it hashes to
 * party 2's commitment), which proves party 2. */
TEST(opened_row_shown_n7)
{
    int f[SIM_MAX] = { 0 };
    uint8_t want[SIM_MAX] = { 0 };
    f[2] = TEST_BAD_OPEN2T_LIE3;
    f[5] = TEST_BAD_OPEN2T_LIE2;
    want[2] = want[5] = 1;
    run_check(7, 2, f, want, "party 2 published a degree-2t sharing that contradicts the row it dealt party 0",
              (Cost){ 0, 0, 8, 0 }, "opened row shown");
    CHECK_MSG(strstr(last_plan->warn[0], "party 2's dealing to party 0 is not validly signed") != NULL,
              "party 0 did not take party 2's opened row: %s", last_plan->warn[0]);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(lying_abort_n4);
    RUN(lying_abort_next_n4);
    RUN(lying_abort_stop_n4);
    RUN(two_liars_n7);
    RUN(two_liars_same_n7);
    RUN(two_liars_next_n7);
    RUN(silent_and_liar_n7);
    RUN(unsigned_shares_n4);
    RUN(unsigned_shares_n7);
    RUN(false_accuser_n4);
    RUN(opened_row_shown_n7);
    return unit_report();
}
