/* test_preproc_silent.c: a party silent in preprocessing before it is
 * proven faulty (issue 16 item 12, docs/mpc.md "A silent party in
 * preprocessing").  The silent parties stop at a step (as if killed) or
 * are silent to one honest party only; every honest party must finish with
 * triples whose products multiply right and random bits that are bits,
 * and name the same parties as faulty (only parties silent to t+1 of
 * them).  More than t silent parties stop every honest party alike. */
#include "unit.h"

#define SIM_MAX 8
#include "mpc_sim.h"

#define K SCALE(200, 30)
#define NBITS SCALE(100, 20)
#define TIMEOUT_MS 2000 /* the silent parties cost a few of these */
#include "preproc_plan.h"

/* n parties; fault[i] for the listed parties, absent ones never start. */
static void run_plan(Sim *s, Plan *pl, uint32_t n, uint32_t t, const int *fault, const uint32_t *absent, size_t nabs)
{
    memset(pl, 0, sizeof *pl);
    for (uint32_t i = 0; i < n; i++) pl->fault[i] = fault ? fault[i] : 0;
    memset(s, 0, sizeof *s);
    s->n = n;
    s->t = t;
    s->party_fn = party_work;
    s->ctx = pl;
    s->triple_batch = 256;
    s->timeout_ms = TIMEOUT_MS;
    for (size_t i = 0; i < nabs; i++) s->absent[absent[i]] = 1;
    sim_run(s);
}

static bool honest(const Sim *s, const Plan *pl, uint32_t i) { return !s->absent[i] && !pl->fault[i]; }

/* Whether the warnings hold one of the "|"-separated needles. */
static bool warns(const char *warn, const char *needles)
{
    char alt[256];
    snprintf(alt, sizeof alt, "%s", needles);
    for (char *save = NULL, *w = strtok_r(alt, "|", &save); w; w = strtok_r(NULL, "|", &save))
        if (strstr(warn, w)) return true;
    return false;
}

/* Every honest party finished with right products and bits, proves
 * exactly want[] faulty, and warns one of the needles. */
static void check_finish(Sim *s, Plan *pl, const uint8_t *want, const char *needle, const char *label)
{
    for (uint32_t i = 0; i < s->n; i++) {
        if (!honest(s, pl, i)) continue;
        Node *p = &s->node[i];
        CHECK_MSG(p->rc == 0, "%s: party %u: %s", label, i, p->err);
        if (p->rc != 0) continue;
        CHECK_MSG(as_i64(&p->out[0]) == 1, "%s: party %u: products wrong", label, i);
        CHECK_MSG(as_i64(&p->out[1]) == 1, "%s: party %u: bits wrong", label, i);
        for (uint32_t j = 0; j < s->n; j++)
            CHECK_MSG(pl->faulty[i][j] == want[j], "%s: party %u: party %u proven faulty: %d", label, i, j,
                      pl->faulty[i][j]);
        CHECK_MSG(warns(pl->warn[i], needle), "%s: party %u: warnings lack \"%s\": %s", label, i, needle, pl->warn[i]);
    }
}

/* n = 4: party 2 does `fault` (absent when fault < 0). */
static void one_n4(int fault, bool proven, const char *needle, const char *label)
{
    Sim s;
    static Plan pl;
    int f[SIM_MAX] = { 0 };
    uint32_t gone[] = { 2 };
    uint8_t want[SIM_MAX] = { 0 };
    want[2] = proven;
    if (fault >= 0) f[2] = fault;
    run_plan(&s, &pl, 4, 1, f, gone, fault < 0 ? 1 : 0);
    check_finish(&s, &pl, want, needle, label);
    sim_free(&s);
}

TEST(silent_from_start_n4) { one_n4(-1, true, "party 2 was silent", "absent"); }
TEST(silent_no_dealing_n4) { one_n4(TEST_SILENT_DEAL, true, "party 2 was silent", "no dealing"); }
TEST(silent_after_dealing_n4) { one_n4(TEST_SILENT_SEED, true, "party 2 was silent", "after dealing"); }
TEST(silent_after_seed_n4) { one_n4(TEST_SILENT_CHECK, true, "party 2 was silent", "after the seed"); }
TEST(silent_at_open2t_n4) { one_n4(TEST_SILENT_OPEN2T, true, "party 2 was silent", "at open-2t"); }
/* A dealer with a bad share that then does not open the disputed row.  If
 * one honest party times out on it before the others do, the run ends with
 * the two in dispute; in the run made again another dispute, or t+1 timing
 * out, proves it. */
TEST(mute_dealer_n4)
{
    one_n4(TEST_BAD_DEAL_MUTE, true, "party 2 was silent|party 2 is in dispute with", "mute dealer");
}

/* Silent to one honest party only: the others must not split from it.
 * A missing dealing is answered by the dealer opening the row in public;
 * missing degree-2t shares by the broadcast re-send.  Nobody is proven. */
TEST(silent_to_one_dealing_n4)
{
    one_n4(TEST_SILENT_DEAL_ONE, false, "party 2 opened party 3's shares, which check", "dealing to one");
}
TEST(silent_to_one_open2t_n4)
{
    one_n4(TEST_SILENT_OPEN2T_ONE, false, "the broadcast shares decode", "open-2t to one");
}

/* n = 7, t = 2: two silent parties (at different steps), or one silent and
 * one bad dealer. */
TEST(two_silent_n7)
{
    Sim s;
    static Plan pl;
    int f[SIM_MAX] = { 0 };
    uint32_t gone[] = { 2 };
    uint8_t want[SIM_MAX] = { 0 };
    f[5] = TEST_SILENT_CHECK;
    want[2] = want[5] = 1;
    run_plan(&s, &pl, 7, 2, f, gone, 1);
    check_finish(&s, &pl, want, "party 5 was silent", "two silent");
    sim_free(&s);
}

TEST(silent_and_liar_n7)
{
    Sim s;
    static Plan pl;
    int f[SIM_MAX] = { 0 };
    uint8_t want[SIM_MAX] = { 0 };
    f[2] = TEST_SILENT_SEED;
    f[5] = TEST_BAD_DEAL_ALL;
    want[2] = want[5] = 1;
    run_plan(&s, &pl, 7, 2, f, NULL, 0);
    check_finish(&s, &pl, want, "party 2 was silent", "silent and liar");
    for (uint32_t i = 0; i < 7; i++)
        if (honest(&s, &pl, i))
            CHECK_MSG(strstr(pl.warn[i], "party 5 dealt inconsistent") != NULL, "party %u: %s", i, pl.warn[i]);
    sim_free(&s);
}

TEST(silent_to_one_open2t_n7)
{
    Sim s;
    static Plan pl;
    int f[SIM_MAX] = { 0 };
    uint8_t want[SIM_MAX] = { 0 };
    f[2] = f[5] = TEST_SILENT_OPEN2T_ONE;
    run_plan(&s, &pl, 7, 2, f, NULL, 0);
    check_finish(&s, &pl, want, "the broadcast shares decode", "open-2t to one, n7");
    /* the last line, past the first 1 KB of warnings */
    for (uint32_t i = 0; i < 7; i++)
        CHECK_MSG(!honest(&s, &pl, i) ||
                      strstr(pl.warn[i], "party 6 takes party 5's degree-2t shares from its broadcast from now on\n") ||
                      strstr(pl.warn[i], "party 3 takes party 2's degree-2t shares from its broadcast from now on\n"),
                  "party %u: %s", i, pl.warn[i]);
    sim_free(&s);
}

/* t+1 silent parties: every honest party stops, naming them. */
TEST(more_than_t_silent_n4)
{
    Sim s;
    static Plan pl;
    uint32_t gone[] = { 1, 2 };
    run_plan(&s, &pl, 4, 1, NULL, gone, 2);
    for (uint32_t i = 0; i < 4; i++) {
        if (!honest(&s, &pl, i)) continue;
        Node *p = &s.node[i];
        CHECK_MSG(p->rc != 0, "party %u finished with 2 of 4 silent", i);
        CHECK_MSG(strstr(p->err, "1") && strstr(p->err, "2"), "party %u: %s", i, p->err);
    }
    sim_free(&s);
}

/* The warnings grow past 1 KB, are cut back to a run's start, and stop
 * at MPC_WARN_MAX with one line saying so. */
TEST(warnings_grow_and_stop)
{
    static MpcEngine e;
    memset(&e, 0, sizeof e);
    CHECK(strcmp(mpc_warnings(&e), "") == 0);
    for (int i = 0; i < 100; i++) preproc_check_warn(&e, "warning %d of a long session", i);
    CHECK(strstr(mpc_warnings(&e), "warning 0 of a long session\nwarning 1 ") == mpc_warnings(&e));
    CHECK(strstr(mpc_warnings(&e), "warning 99 of a long session\n") != NULL);
    size_t len = strlen(mpc_warnings(&e));
    preproc_check_warn(&e, "an aborted run's line");
    preproc_check_warn_truncate(&e, len);
    CHECK(strlen(mpc_warnings(&e)) == len && !strstr(mpc_warnings(&e), "aborted"));
    for (int i = 0; i < 10000; i++) preproc_check_warn(&e, "line %d", i);
    const char *w = mpc_warnings(&e);
    CHECK_MSG(strlen(w) <= MPC_WARN_MAX, "%zu bytes", strlen(w));
    CHECK(strstr(w, "later warnings were dropped") != NULL);
    CHECK(strstr(w, "line 9999\n") == NULL);
    const char *last = strstr(w, "later warnings were dropped");
    CHECK(last && strchr(last, '\n') == w + strlen(w) - 1); /* the last line */
    preproc_check_warn_free(&e);
    CHECK(strcmp(mpc_warnings(&e), "") == 0);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(silent_from_start_n4);
    RUN(silent_no_dealing_n4);
    RUN(silent_after_dealing_n4);
    RUN(silent_after_seed_n4);
    RUN(silent_at_open2t_n4);
    RUN(mute_dealer_n4);
    RUN(silent_to_one_dealing_n4);
    RUN(silent_to_one_open2t_n4);
    RUN(two_silent_n7);
    RUN(silent_and_liar_n7);
    RUN(silent_to_one_open2t_n7);
    RUN(more_than_t_silent_n4);
    RUN(warnings_grow_and_stop);
    return unit_report();
}
