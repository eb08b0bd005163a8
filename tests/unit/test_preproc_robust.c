/* test_preproc_robust.c: preprocessing with up to t cheating parties
 * (issue 16 item 12, docs/mpc.md "Preprocessing with cheating parties").
 * The cheaters deal bad sharings or report wrong check values; every
 * honest party must finish with consistent triples, random shares and
 * random bits (checked by multiplying and opening, with the cheaters
 * sending wrong shares online too) and name the same excluded parties.
 * More than t cheaters must abort with an error naming them. */
#include "unit.h"

#define SIM_MAX 32 /* n = 31 */
#include "mpc_sim.h"

#define K SCALE(300, 40)
#define NBITS SCALE(200, 30)

typedef struct {
    int fault;      /* TEST_* of the cheaters */
    size_t triples; /* made in one run first (0: none) */
    bool online_ok; /* the cheaters send right shares online */
    uint8_t bad[SIM_MAX];
    char warn[SIM_MAX][8192]; /* mpc_warnings is longer than 1 KB at n = 7 */
    uint8_t faulty[SIM_MAX][SIM_MAX];
} Plan;

static void party_work(Node *p)
{
    Plan *pl = p->sim->ctx;
    MpcEngine *e = p->e;
    bool bad = pl->bad[p->id];
    if (bad) mpc_test_preproc_fault(e, pl->fault);
    p->nout = 2;
    if (!(p->out = calloc(p->nout, sizeof *p->out))) {
        p->rc = -1;
        return;
    }
    int rc = pl->triples ? mpc_preprocess(e, pl->triples, 0, 0) : 0;
    if (rc == 0) rc = mpc_preprocess(e, pl->triples + 2 * K, 2 * K, NBITS);
    snprintf(pl->warn[p->id], sizeof pl->warn[p->id], "%s", mpc_warnings(e));
    mpc_preproc_faulty(e, pl->faulty[p->id]);
    if (rc != 0) {
        node_fail(p, "mpc_preprocess");
        return;
    }
    /* online the cheaters send wrong shares too: honest parties' shares
     * must be consistent for the openings to decode */
    if (bad && !pl->online_ok) mpc_test_set_fault(e, MPC_FAULT_WRONG_SHARES);
    sim_check_material(p, K, NBITS);
}

/* Runs n parties with the cheaters `bad` doing `fault`. */
static void run_plan(Sim *s, Plan *pl, uint32_t n, uint32_t t, int fault, const uint32_t *bad, size_t nbad,
                     bool online_ok)
{
    memset(pl, 0, sizeof *pl);
    pl->fault = fault;
    pl->online_ok = online_ok;
    for (size_t i = 0; i < nbad; i++) pl->bad[bad[i]] = 1;
    memset(s, 0, sizeof *s);
    s->n = n;
    s->t = t;
    s->party_fn = party_work;
    s->ctx = pl;
    s->triple_batch = 256;
    sim_run(s);
}

/* n = 4 with a plan set up by the caller; timeout_ms 0: the default. */
static void run_n4(Sim *s, Plan *pl, int timeout_ms)
{
    memset(s, 0, sizeof *s);
    s->n = 4;
    s->t = 1;
    s->party_fn = party_work;
    s->ctx = pl;
    s->triple_batch = 256;
    s->timeout_ms = timeout_ms;
    sim_run(s);
}

/* Every honest party finished with right products and bits, and all name
 * the same proven-faulty parties: want[] (NULL: none proven) */
static void check_finish(Sim *s, Plan *pl, const uint8_t *want, const char *needle, const char *label)
{
    for (uint32_t i = 0; i < s->n; i++) {
        if (pl->bad[i]) continue;
        Node *p = &s->node[i];
        CHECK_MSG(p->rc == 0, "%s: party %u: %s", label, i, p->err);
        if (p->rc != 0) continue;
        CHECK_MSG(as_i64(&p->out[0]) == 1, "%s: party %u: products wrong", label, i);
        CHECK_MSG(as_i64(&p->out[1]) == 1, "%s: party %u: bits wrong", label, i);
        for (uint32_t j = 0; j < s->n; j++)
            CHECK_MSG(pl->faulty[i][j] == (want ? want[j] : 0), "%s: party %u: party %u proven faulty: %d", label, i, j,
                      pl->faulty[i][j]);
        CHECK_MSG(strstr(pl->warn[i], needle) != NULL, "%s: party %u: warnings lack \"%s\": %s", label, i, needle,
                  pl->warn[i]);
    }
}

/* n parties, the cheaters bad[] doing `fault`: every honest party
 * finishes; proven: the cheaters are the parties proven faulty (else
 * nobody is); needle: a warning every honest party gives. */
static void finish_case(uint32_t n, uint32_t t, int fault, const uint32_t *bad, size_t nbad, bool proven,
                        const char *needle)
{
    Sim s;
    static Plan pl;
    uint8_t want[SIM_MAX] = { 0 };
    for (size_t i = 0; i < nbad && proven; i++) want[bad[i]] = 1;
    run_plan(&s, &pl, n, t, fault, bad, nbad, false);
    check_finish(&s, &pl, want, needle, needle);
    sim_free(&s);
}

static const uint32_t one_n4[] = { 2 }, two_n7[] = { 2, 5 };

TEST(bad_dealer_n4) { finish_case(4, 1, TEST_BAD_DEAL_ALL, one_n4, 1, true, "party 2 dealt inconsistent"); }
TEST(bad_dealers_n7) { finish_case(7, 2, TEST_BAD_DEAL_ALL, two_n7, 2, true, "party 5 dealt inconsistent"); }

/* One bad share to one party: that party's check value disputes the
 * dealer's claim, the dealer must open the row it committed to, and the
 * opening does not check: the dealer is proven faulty. */
TEST(one_bad_share_dispute_n4)
{
    finish_case(4, 1, TEST_BAD_DEAL, one_n4, 1, true, "party 2 dealt inconsistent sharings (its opening of party 3");
}
TEST(one_bad_share_disputes_n7)
{
    finish_case(7, 2, TEST_BAD_DEAL, two_n7, 2, true, "party 5 dealt inconsistent sharings (its opening of party 6");
}

/* The same to a party whose row travels as a seed (parties 0..t; docs/mpc.md
 * "Seeded rows"): the bad row is a seed whose expansion is off the
 * polynomial; the dealer opens that seed, its row does not check. */
static const uint32_t last_n4[] = { 3 }, seeded_n7[] = { 1, 6 };
TEST(bad_seed_dispute_n4)
{
    finish_case(4, 1, TEST_BAD_DEAL, last_n4, 1, true, "party 3 dealt inconsistent sharings (its opening of party 0");
}
TEST(bad_seeds_disputes_n7)
{
    finish_case(7, 2, TEST_BAD_DEAL, seeded_n7, 2, true, "party 1 dealt inconsistent sharings (its opening of party 2");
}

/* A whole row where a seed is due has the wrong length: the receiver drops
 * it like any malformed message, so that dealing did not come; the
 * receiver takes a zero row (docs/mpc.md "A silent party in
 * preprocessing"), its check values dispute the dealer's claim, and the
 * dealer opens the seed it committed to, which checks: the run finishes
 * with nobody proven. */
TEST(row_for_seed_dropped_n4)
{
    Sim s;
    static Plan pl;
    uint8_t want[SIM_MAX] = { 0 };
    memset(&pl, 0, sizeof pl);
    pl.fault = TEST_BAD_DEAL_ROW;
    pl.bad[3] = 1;         /* deals party 0, whose row is seeded */
    run_n4(&s, &pl, 2000); /* party 0 waits that long (twice) for the dealing */
    const char *needle = "party 3 opened party 0's shares, which check";
    check_finish(&s, &pl, want, needle, needle);
    Node *p = &s.node[0];
    CHECK_MSG(p->st.bad_messages >= 1, "party 0 dropped %llu messages", (unsigned long long)p->st.bad_messages);
    sim_free(&s);
}

/* The degree-2t half of a double sharing with another secret: triples
 * from it would be wrong.  The dealer's claimed combinations cannot have
 * one secret in both halves and match the reports: proven faulty. */
TEST(bad_double_sharing_n4) { finish_case(4, 1, TEST_BAD_DEAL_2T, one_n4, 1, true, "party 2 dealt inconsistent"); }
TEST(bad_double_sharings_n7) { finish_case(7, 2, TEST_BAD_DEAL_2T, two_n7, 2, true, "party 5 dealt inconsistent"); }

/* t liars about the degree-2t halves of t honest dealers (too few
 * accusations each to be proven): the accused dealers open the disputed
 * rows, which check, so no honest dealing is left out (before, two wrong
 * degree-2t reports made an honest dealer suspect and dropped it). */
TEST(liars_2t_drop_nobody_n7)
{
    Sim s;
    static Plan pl;
    run_plan(&s, &pl, 7, 2, TEST_BAD_CHECK_2T, two_n7, 2, false);
    uint8_t none[SIM_MAX] = { 0 };
    check_finish(&s, &pl, none, "party 0 opened party 2's shares, which check", "liars_2t");
    for (uint32_t i = 0; i < 7; i++) {
        if (pl.bad[i]) continue;
        CHECK_MSG(s.node[i].st.dealings_excluded == 0, "party %u left out %llu dealings", i,
                  (unsigned long long)s.node[i].st.dealings_excluded);
        CHECK_MSG(strstr(pl.warn[i], "party 1 opened party 5's shares, which check") != NULL, "party %u: %s", i,
                  pl.warn[i]);
    }
    sim_free(&s);
}

/* Wrong check values reported about every other dealer (a non-dealer's
 * lie): corrected by robust decoding, the liar named and excluded. */
TEST(lying_reporter_n4) { finish_case(4, 1, TEST_BAD_CHECK, one_n4, 1, true, "party 2 reported wrong check values"); }
TEST(lying_reporters_n7) { finish_case(7, 2, TEST_BAD_CHECK, two_n7, 2, true, "party 5 reported wrong check values"); }

/* t+1 cheating dealers: no guarantee any more; every honest party aborts
 * naming them. */
static void abort_case(uint32_t n, uint32_t t, const uint32_t *bad, size_t nbad, const char *needle)
{
    Sim s;
    static Plan pl;
    run_plan(&s, &pl, n, t, TEST_BAD_DEAL_ALL, bad, nbad, false);
    for (uint32_t i = 0; i < n; i++) {
        if (pl.bad[i]) continue;
        CHECK_MSG(s.node[i].rc != 0, "party %u finished with %zu cheaters of t = %u", i, nbad, t);
        CHECK_MSG(strstr(s.node[i].err, needle) != NULL, "party %u: %s", i, s.node[i].err);
    }
    sim_free(&s);
}

/* n = 31, t = 10: the check values of 31 parties over broadcast (before,
 * above n = 16 they went point to point and any cheater aborted).  The
 * cheaters open honestly online here: decoding 10 wrong shares of every
 * value is the online phase's cost, tested at n = 4 and 7. */
static const uint32_t ten_n31[] = { 1, 4, 7, 10, 13, 16, 19, 22, 25, 30 };
static void n31_case(int fault, const char *needle)
{
    Sim s;
    static Plan pl;
    uint8_t want[SIM_MAX] = { 0 };
    for (size_t i = 0; i < 10; i++) want[ten_n31[i]] = 1;
    run_plan(&s, &pl, 31, 10, fault, ten_n31, 10, true);
    check_finish(&s, &pl, want, needle, needle);
    sim_free(&s);
}
TEST(bad_dealers_n31) { n31_case(TEST_BAD_DEAL_ALL, "party 30 dealt inconsistent"); }
TEST(lying_reporters_n31) { n31_case(TEST_BAD_CHECK, "party 25 reported wrong check values"); }

/* Wrong degree-2t shares in triple generation (step 5): the failing
 * values are dropped, the triples made are right, the senders proven. */
TEST(bad_open2t_n4)
{
    finish_case(4, 1, TEST_BAD_OPEN2T, one_n4, 1, true, "party 2's degree-2t share contradicts its inputs");
}
TEST(bad_open2t_n7)
{
    finish_case(7, 2, TEST_BAD_OPEN2T, two_n7, 2, true, "party 5's degree-2t share contradicts its inputs");
}
/* The sender also lies about its r_2t share so that its opening share
 * fits its inputs: its r_2t share is off the double sharing, whose
 * secret the degree-t half gives. */
TEST(lying_open2t_n4)
{
    finish_case(4, 1, TEST_BAD_OPEN2T_LIE, one_n4, 1, true, "party 2's degree-2t share of r is off its double sharing");
}
/* Wrong shares to one party only (the others decode): every party's
 * status is broadcast, so all take the fallback; the broadcast shares
 * decode and nothing is dropped.  The first such fallback proves nobody
 * and starts the session's signing; the next one the receiver shows the
 * signed wrong shares, which prove the sender (before, it forced the
 * fallback every run).  Every triple is right. */
TEST(equivocating_open2t_n4)
{
    finish_case(4, 1, TEST_BAD_OPEN2T_SOME, one_n4, 1, true,
                "party 2 signed degree-2t shares for party 3 that contradict its broadcast");
}
TEST(equivocating_open2t_n7)
{
    finish_case(7, 2, TEST_BAD_OPEN2T_SOME, two_n7, 2, true,
                "party 5 signed degree-2t shares for party 6 that contradict its broadcast");
}
/* An equivocator whose signatures do not verify: not provable (the
 * receiver could be lying about them), so the re-send stays; nobody
 * honest is proven and every triple is right.  Its row dealt to that
 * party is not validly signed either: the receiver disputes the row, the
 * dealer opens the committed one (which checks) and the receiver takes
 * it. */
static void unsigned_case(uint32_t n, uint32_t t, const uint32_t *bad, size_t nbad, const char *needle)
{
    Sim s;
    static Plan pl;
    run_plan(&s, &pl, n, t, TEST_BAD_OPEN2T_NOSIG, bad, nbad, false);
    uint8_t none[SIM_MAX] = { 0 };
    check_finish(&s, &pl, none, needle, "unsigned");
    char want[128];
    snprintf(want, sizeof want, "party %u's dealing to party %u is not validly signed", bad[0], (bad[0] + 1) % n);
    for (uint32_t i = 0; i < n; i++)
        if (!pl.bad[i] && i == (bad[0] + 1) % n)
            CHECK_MSG(strstr(pl.warn[i], want) != NULL, "party %u: %s", i, pl.warn[i]);
    sim_free(&s);
}
TEST(unsigned_equivocating_open2t_n4)
{
    unsigned_case(4, 1, one_n4, 1, "party 3 got degree-2t shares from party 2 without a valid signature");
}
/* (at n = 7 the openings' warnings fill mpc_warnings() before that one) */
TEST(unsigned_equivocating_open2t_n7) { unsigned_case(7, 2, two_n7, 2, "signing from now on"); }
/* Two liars about r_2t in the same values at n = 7: the degree-2t-1
 * decoding corrects one, not two.  The first such failure proves nobody:
 * its values are dropped and the session starts signing (before, the
 * run stopped here).  From then on dealings are signed, and the next
 * failing value's double-sharing column is opened: each liar's r_2t
 * share is not the extraction of the shares it received. */
TEST(two_lying_open2t_n7)
{
    finish_case(7, 2, TEST_BAD_OPEN2T_LIE, two_n7, 2, true,
                "party 5 broadcast a share of r that is not the extraction of its received shares");
}
/* The liars also misreport a received share so that the extraction fits
 * their r_2t shares: the dealer's published sharing disagrees, and the
 * liar's own row, signed by that dealer, shows the lie. */
TEST(two_lying_received_open2t_n7)
{
    finish_case(7, 2, TEST_BAD_OPEN2T_LIE2, two_n7, 2, true, "misreported the degree-2t share it received");
}
/* t+1 liars: more than t proven; every honest party stops naming them
 * (never a wrong triple). */
TEST(three_lying_open2t_n7_stop)
{
    static const uint32_t liars[] = { 1, 3, 5 };
    Sim s;
    static Plan pl;
    run_plan(&s, &pl, 7, 2, TEST_BAD_OPEN2T_LIE, liars, 3, false);
    for (uint32_t i = 0; i < 7; i++) {
        if (pl.bad[i]) continue;
        CHECK_MSG(s.node[i].rc != 0, "party %u finished", i);
        CHECK_MSG(strstr(s.node[i].err, "more than t = 2 parties misbehaved (parties 1, 3, 5)") != NULL, "party %u: %s",
                  i, s.node[i].err);
    }
    sim_free(&s);
}

static const uint32_t two_n4[] = { 1, 2 }, three_n7[] = { 1, 3, 5 };

TEST(more_than_t_aborts_n4) { abort_case(4, 1, two_n4, 2, "more than t = 1 parties misbehaved (parties 1, 2)"); }
TEST(more_than_t_aborts_n7) { abort_case(7, 2, three_n7, 3, "more than t = 2 parties misbehaved (parties 1, 3, 5)"); }

/* No cheater: nothing excluded, no warning, the same results. */
TEST(honest_nothing_excluded)
{
    Sim s;
    Plan pl;
    run_plan(&s, &pl, 4, 1, TEST_NONE, NULL, 0, false);
    for (uint32_t i = 0; i < 4; i++) {
        Node *p = &s.node[i];
        CHECK_MSG(p->rc == 0, "party %u: %s", i, p->err);
        CHECK(p->rc != 0 || (as_i64(&p->out[0]) == 1 && as_i64(&p->out[1]) == 1));
        CHECK_MSG(pl.warn[i][0] == 0, "party %u: %s", i, pl.warn[i]);
        CHECK(p->st.dealings_excluded == 0);
    }
    sim_free(&s);
}

/* A run of 40,000 triples: a row is over 40,000 elements (1.3 MB, more
 * than a program's broadcast may carry) and is opened all the same. */
TEST(big_opening_n4)
{
    Sim s;
    static Plan pl;
    memset(&pl, 0, sizeof pl);
    pl.fault = TEST_BAD_CHECK_2T;
    pl.bad[2] = 1;
    pl.triples = 40000;
    run_n4(&s, &pl, 0);
    uint8_t none[SIM_MAX] = { 0 };
    check_finish(&s, &pl, none, "party 0 opened party 2's shares, which check", "big opening");
    sim_free(&s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(honest_nothing_excluded);
    RUN(bad_dealer_n4);
    RUN(bad_dealers_n7);
    RUN(one_bad_share_dispute_n4);
    RUN(one_bad_share_disputes_n7);
    RUN(bad_seed_dispute_n4);
    RUN(bad_seeds_disputes_n7);
    RUN(row_for_seed_dropped_n4);
    RUN(bad_double_sharing_n4);
    RUN(bad_double_sharings_n7);
    RUN(lying_reporter_n4);
    RUN(lying_reporters_n7);
    RUN(liars_2t_drop_nobody_n7);
    RUN(big_opening_n4);
    RUN(bad_dealers_n31);
    RUN(lying_reporters_n31);
    RUN(bad_open2t_n4);
    RUN(bad_open2t_n7);
    RUN(lying_open2t_n4);
    RUN(equivocating_open2t_n4);
    RUN(equivocating_open2t_n7);
    RUN(unsigned_equivocating_open2t_n4);
    RUN(unsigned_equivocating_open2t_n7);
    RUN(two_lying_open2t_n7);
    RUN(two_lying_received_open2t_n7);
    RUN(three_lying_open2t_n7_stop);
    RUN(more_than_t_aborts_n4);
    RUN(more_than_t_aborts_n7);
    return unit_report();
}
