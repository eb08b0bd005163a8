/* test_mpc_adv.c: the MPC engine against faulty parties and clients: t
 * parties sending wrong shares, t silent parties, forged and malformed
 * messages, an equivocating client, a cheating dealer, an absent party in
 * preprocessing. */
#include "unit.h"

#include "mpc_sim.h"

/* ---- a workload whose every result is known ------------------------------
 *
 * Opens public constants and random shares, multiplies, truncates, takes
 * one input from client 0 (the value 1234) and sends x·input and -x to the
 * client.  out: [opened constants (K) | product checks (K) | truncations
 * (K) | input opened (1)] with the expected values checkable. */

/* K values per check: past one block of the robust decoder (256), both
 * signs in the truncations (centred on K / 2); 500 before, which made
 * each of the six faulty-party sessions preprocess 84,500 random bits. */
#define K SCALE(300, 60)
static const uint32_t one_input[1] = { 1 };

static void party_work(Node *p)
{
    MpcEngine *e = p->e;
    Fe *a = malloc(3 * K * sizeof *a), *b = malloc(K * sizeof *b), *z = malloc(K * sizeof *z);
    p->nout = 4 * K + 1;
    p->out = calloc(p->nout, sizeof *p->out);
    if (!a || !b || !z || !p->out) {
        p->rc = -1;
        return;
    }
    /* all preprocessing first, while every party behaves */
    TRY(p, mpc_preprocess(e, 2 * K + 8, 2 * K + 8, K * MPC_TRUNC_BITS(MPC_FIXED_TOTAL_BITS)));
    mpc_test_set_fault(e, p->sim->fault[p->id]);
    /* round 1: K public constants opened */
    for (size_t i = 0; i < K; i++) a[i] = pub((int64_t)i * 1000003 - 77);
    TRY(p, mpc_round(e, a, K, p->out, NULL, NULL, 0, NULL));
    /* products of random shares: open x, y and x·y and compare */
    TRY(p, mpc_random(e, a, K));
    TRY(p, mpc_random(e, b, K));
    TRY(p, mpc_round(e, NULL, 0, NULL, a, b, K, z));
    memcpy(a + K, b, K * sizeof *b);
    memcpy(a + 2 * K, z, K * sizeof *z);
    TRY(p, mpc_round(e, a, 3 * K, a, NULL, NULL, 0, NULL));
    for (size_t i = 0; i < K; i++) {
        Fe xy;
        fe_mul(F(), &xy, &a[i], &a[K + i]);
        p->out[K + i] = pub(fe_equal(&xy, &a[2 * K + i]));
    }
    /* truncation of public products */
    for (size_t i = 0; i < K; i++) {
        a[i] = pub(((int64_t)i - K / 2) * 40000);
        b[i] = pub((int64_t)i * 3 + 17);
    }
    TRY(p, mpc_round(e, NULL, 0, NULL, a, b, K, z));
    TRY(p, mpc_truncate(e, z, K, 64, 16, z));
    TRY(p, mpc_round(e, z, K, p->out + 2 * K, NULL, NULL, 0, NULL));
    /* client input, output */
    if (p->sim->nc) {
        Fe x, o[2];
        TRY(p, mpc_collect_inputs(e));
        TRY(p, mpc_client_input(e, 0, 0, &x));
        TRY(p, mpc_round(e, &x, 1, &p->out[3 * K], NULL, NULL, 0, NULL));
        Fe seven = pub(7);
        fe_mul(F(), &o[0], &x, &seven); /* public constant times a share */
        fe_neg(F(), &o[1], &x);
        TRY(p, mpc_send_to_client(e, 0, o, 2));
    }
    free(a);
    free(b);
    free(z);
}

static void client_work(Node *p)
{
    Sim *s = p->sim;
    Fe v = pub(1234);
    char err[256] = "";
    if (mpc_client_send_inputs(p->tr, NULL, s->n, s->t, 0x5eed, &v, 1, s->timeout_ms, err, sizeof err) != 0 ||
        mpc_client_receive_outputs(p->tr, NULL, s->n, s->t, 0x5eed, &p->out, &p->nout, s->timeout_ms, err,
                                   sizeof err) != 0) {
        p->rc = -1;
        snprintf(p->err, sizeof p->err, "%s", err);
    }
}

/* Every result of party_work at party i (and the client's) is right. */
static void check_work(Sim *s, uint32_t i, const char *label)
{
    Node *p = &s->node[i];
    CHECK_MSG(p->rc == 0, "%s: party %u: %s", label, i, p->err);
    if (p->rc != 0) return;
    int opened = 1, prods = 1, trunc = 1;
    for (size_t j = 0; j < K; j++) {
        opened &= as_i64(&p->out[j]) == (int64_t)j * 1000003 - 77;
        prods &= as_i64(&p->out[K + j]) == 1;
        int64_t v = ((int64_t)j - K / 2) * 40000 * ((int64_t)j * 3 + 17);
        int64_t want = v >= 0 ? v / 65536 : -((-v + 65535) / 65536);
        int64_t got = as_i64(&p->out[2 * K + j]);
        trunc &= got == want || got == want + 1;
    }
    CHECK_MSG(opened, "%s: party %u: openings", label, i);
    CHECK_MSG(prods, "%s: party %u: products", label, i);
    CHECK_MSG(trunc, "%s: party %u: truncations", label, i);
    if (s->nc) CHECK_MSG(as_i64(&p->out[3 * K]) == 1234, "%s: party %u: client input", label, i);
}

static void check_client(Sim *s, const char *label)
{
    Node *c = &s->node[s->n];
    CHECK_MSG(c->rc == 0, "%s: client: %s", label, c->err);
    CHECK(c->rc != 0 || (c->nout == 2 && as_i64(&c->out[0]) == 7 * 1234 && as_i64(&c->out[1]) == -1234));
}

static void run_faulty(uint32_t n, uint32_t t, const uint32_t *bad, size_t nbad, MpcFault fault, const char *label)
{
    Sim s = { .n = n, .t = t, .nc = 1, .cin = one_input, .party_fn = party_work, .client_fn = client_work };
    for (size_t i = 0; i < nbad; i++) s.fault[bad[i]] = fault;
    sim_run(&s);
    for (uint32_t i = 0; i < n; i++) check_work(&s, i, label);
    check_client(&s, label);
    sim_free(&s);
}

TEST(honest_baseline) { run_faulty(4, 1, NULL, 0, MPC_FAULT_NONE, "honest n=4"); }

TEST(wrong_shares_n4)
{
    uint32_t bad[] = { 1 };
    run_faulty(4, 1, bad, 1, MPC_FAULT_WRONG_SHARES, "wrong shares n=4");
}

TEST(wrong_shares_n7)
{
    uint32_t bad[] = { 0, 5 };
    run_faulty(7, 2, bad, 2, MPC_FAULT_WRONG_SHARES, "wrong shares n=7");
}

TEST(silent_n4)
{
    uint32_t bad[] = { 2 };
    run_faulty(4, 1, bad, 1, MPC_FAULT_SILENT, "silent n=4");
}

TEST(silent_n7)
{
    uint32_t bad[] = { 3, 6 };
    run_faulty(7, 2, bad, 2, MPC_FAULT_SILENT, "silent n=7");
}

TEST(silent_and_wrong_n7)
{
    Sim s = { .n = 7, .t = 2, .nc = 1, .cin = one_input, .party_fn = party_work, .client_fn = client_work };
    s.fault[1] = MPC_FAULT_SILENT;
    s.fault[4] = MPC_FAULT_WRONG_SHARES;
    sim_run(&s);
    for (uint32_t i = 0; i < 7; i++) check_work(&s, i, "silent+wrong n=7");
    check_client(&s, "silent+wrong n=7");
    sim_free(&s);
}

/* ---- a round of several messages (online.c round_pipelined) --------------
 *
 * PIPE multiplications are 2 * PIPE elements, more than one message holds:
 * each party sends the second message before it gathers the first, so the
 * shares of a message arrive while the one before is gathered, and must be
 * kept for it, with a faulty party among the senders too. */
#define PIPE (MPC_MESSAGE_ELEMS / 2 + 7232)

static void party_pipelined(Node *p)
{
    MpcEngine *e = p->e;
    Fe *a = malloc(3 * PIPE * sizeof *a), *b = malloc(PIPE * sizeof *b), *z = malloc(PIPE * sizeof *z);
    p->nout = 1;
    p->out = calloc(1, sizeof *p->out);
    if (!a || !b || !z || !p->out) {
        p->rc = -1;
        return;
    }
    TRY(p, mpc_preprocess(e, PIPE, 2 * PIPE, 0));
    TRY(p, mpc_random(e, a, PIPE));
    TRY(p, mpc_random(e, b, PIPE));
    mpc_test_set_fault(e, p->sim->fault[p->id]);
    uint64_t r0 = mpc_stats(e).rounds;
    TRY(p, mpc_round(e, NULL, 0, NULL, a, b, PIPE, z));
    p->aux[0] = mpc_stats(e).rounds - r0;
    memcpy(a + PIPE, b, PIPE * sizeof *b);
    memcpy(a + 2 * PIPE, z, PIPE * sizeof *z);
    TRY(p, mpc_round(e, a, 3 * PIPE, a, NULL, NULL, 0, NULL));
    size_t right = 0;
    for (size_t i = 0; i < PIPE; i++) {
        Fe xy;
        fe_mul(F(), &xy, &a[i], &a[PIPE + i]);
        right += fe_equal(&xy, &a[2 * PIPE + i]);
    }
    p->out[0] = pub((int64_t)right);
    free(a);
    free(b);
    free(z);
}

static void run_pipelined(uint32_t bad, MpcFault fault, const char *label)
{
    Sim s = { .n = 4, .t = 1, .party_fn = party_pipelined };
    s.fault[bad] = fault;
    sim_run(&s);
    for (uint32_t i = 0; i < 4; i++) {
        Node *p = &s.node[i];
        CHECK_MSG(p->rc == 0, "%s: party %u: %s", label, i, p->err);
        if (p->rc != 0) continue;
        CHECK_MSG(as_i64(&p->out[0]) == PIPE, "%s: party %u: %lld of %zu products right", label, i,
                  (long long)as_i64(&p->out[0]), (size_t)PIPE);
        CHECK_MSG(p->aux[0] == 1, "%s: party %u: %zu multiplications took %llu rounds", label, i, (size_t)PIPE,
                  (unsigned long long)p->aux[0]);
    }
    sim_free(&s);
}

TEST(pipelined_round_honest) { run_pipelined(0, MPC_FAULT_NONE, "pipelined, honest"); }

TEST(pipelined_round_wrong_shares) { run_pipelined(1, MPC_FAULT_WRONG_SHARES, "pipelined, wrong shares"); }

TEST(pipelined_round_silent) { run_pipelined(2, MPC_FAULT_SILENT, "pipelined, silent"); }

/* ---- beyond the threshold: failures, never wrong values ------------------------- */

static void party_overload(Node *p)
{
    MpcEngine *e = p->e;
    Fe five = pub(5), a[K];
    p->out = calloc(K, sizeof *p->out);
    p->nout = K;
    for (size_t i = 0; i < K; i++) a[i] = pub((int64_t)i + 100);
    TRY(p, mpc_send_to_client(e, 0, &five, 1));
    TRY(p, mpc_round(e, a, K, p->out, NULL, NULL, 0, NULL));
}

static void client_overload(Node *p)
{
    Sim *s = p->sim;
    char err[256] = "";
    if (mpc_client_receive_outputs(p->tr, NULL, s->n, s->t, 0x5eed, &p->out, &p->nout, s->timeout_ms, err,
                                   sizeof err) != 0) {
        p->rc = -1;
        snprintf(p->err, sizeof p->err, "%s", err);
    }
}

TEST(more_than_t_faults_never_wrong)
{
    static const uint32_t none[1] = { 0 };
    Sim s = { .n = 4, .t = 1, .nc = 1, .cin = none, .party_fn = party_overload, .client_fn = client_overload };
    s.fault[2] = s.fault[3] = MPC_FAULT_WRONG_SHARES;
    sim_run(&s);
    for (uint32_t i = 0; i < 4; i++) {
        Node *p = &s.node[i];
        int right = 1;
        for (size_t j = 0; p->rc == 0 && j < K; j++) right &= as_i64(&p->out[j]) == (int64_t)j + 100;
        CHECK_MSG(p->rc != 0 || right, "party %u accepted a wrong value", i);
        if (i < 2) CHECK_MSG(p->rc != 0 && strstr(p->err, "inconsistent"), "party %u: %s", i, p->err);
    }
    Node *c = &s.node[4];
    CHECK_MSG(c->rc != 0 && strstr(c->err, "inconsistent"), "client: %s", c->rc ? c->err : "accepted");
    sim_free(&s);
}

/* ---- forged and malformed messages ------------------------------------------ */

static void put_junk(Transport *from, uint32_t to, uint8_t kind, uint32_t count, uint64_t inst, uint64_t seq,
                     size_t len)
{
    uint8_t *m = calloc(1, len + 1);
    if (len >= MPC_HDR) wire_put_hdr(m, kind, count, inst, seq);
    transport_send(from, to, m, len);
    free(m);
}

#define JUNK_PER_PARTY 7

/* Before anyone runs: garbage from the client node, and party 3 forging
 * messages (one plausible: its "shares" for round 0, random values). */
static void inject(Sim *s)
{
    Transport *cl = inproc_endpoint(s->hub, s->n), *p3 = inproc_endpoint(s->hub, 3);
    for (uint32_t to = 0; to < 3; to++) {
        put_junk(cl, to, MK_OPEN, 0, 0x5eed, 0, MPC_HDR);                      /* party kind from a client */
        put_junk(cl, to, MK_MASKED, 1, 0x1234, 0, MPC_HDR + 32);               /* wrong instance */
        put_junk(cl, to, MK_MASKED, 3, 0x5eed, 0, MPC_HDR + 32);               /* length != count */
        put_junk(cl, to, 99, 0, 0x5eed, 0, MPC_HDR);                           /* unknown kind */
        put_junk(cl, to, MK_MASKED, 0, 0x5eed, 0, 7);                          /* truncated header */
        put_junk(p3, to, MK_OPEN, 1, 0x5eed, (uint64_t)1 << 40, MPC_HDR + 32); /* absurd seq */
        put_junk(p3, to, MK_OUTPUT, 0, 0x5eed, 0, MPC_HDR);                    /* client kind to a party */
        /* party 3's first opening forged: K random elements, well formed */
        size_t len = MPC_HDR + (size_t)K * MPC_ELEM;
        uint8_t *m = malloc(len);
        wire_put_hdr(m, MK_OPEN, K, 0x5eed, 0);
        for (size_t i = 0; i < K; i++) {
            Fe r;
            fe_random(F(), &r);
            memcpy(m + MPC_HDR + i * MPC_ELEM, &r, sizeof r);
        }
        transport_send(p3, to, m, len);
        free(m);
    }
}

/* Round 0 is the opening of K constants: nothing to preprocess before. */
static void party_forged(Node *p)
{
    MpcEngine *e = p->e;
    Fe *a = malloc(K * sizeof *a);
    p->out = malloc(K * sizeof *p->out);
    p->nout = K;
    for (size_t i = 0; i < K; i++) a[i] = pub((int64_t)i * 31 - 5);
    TRY(p, mpc_round(e, a, K, p->out, NULL, NULL, 0, NULL));
    TRY(p, mpc_round(e, a, K, a, a, a, K, a));
    free(a);
}

TEST(forged_and_malformed)
{
    Sim s = { .n = 4, .t = 1, .nc = 1, .cin = one_input, .party_fn = party_forged, .before = inject };
    sim_run(&s);
    for (uint32_t i = 0; i < 3; i++) {
        Node *p = &s.node[i];
        CHECK_MSG(p->rc == 0, "party %u: %s", i, p->err);
        if (p->rc != 0) continue;
        int ok = 1;
        for (size_t j = 0; j < K; j++) ok &= as_i64(&p->out[j]) == (int64_t)j * 31 - 5;
        CHECK_MSG(ok, "party %u: openings correct despite a forged round", i);
        CHECK_MSG(p->st.bad_messages >= JUNK_PER_PARTY, "party %u: %llu bad messages counted", i,
                  (unsigned long long)p->st.bad_messages);
    }
    sim_free(&s);
}

/* ---- an equivocating client ---------------------------------------------------- */

/* Decodes the mask from the parties' MK_MASK messages, then sends
 * x - r to parties [0, split) and x - r + 1 to the others. */
static void client_equivocate(Node *p)
{
    Sim *s = p->sim;
    uint32_t split = (uint32_t)(uintptr_t)s->ctx;
    Fe shares[SIM_MAX], r;
    unsigned who[SIM_MAX], got = 0;
    while (got < s->n) {
        uint32_t from;
        uint8_t *m;
        size_t len;
        MsgHdr h;
        if (transport_recv(p->tr, &from, &m, &len, s->timeout_ms) != TRANSPORT_OK) break;
        if (wire_get_hdr(m, len, &h) == 0 && h.kind == MK_MASK && h.count == 1 &&
            wire_get_canon(F(), &shares[got], m + MPC_HDR, 1) == 0)
            who[got++] = from;
        free(m);
    }
    if (robust_decode(F(), s->n, s->t, s->t, who, shares, got, &r, NULL) != ROBUST_OK) {
        p->rc = -1;
        return;
    }
    Fe x = pub(1234), m0, m1, one = pub(1);
    fe_sub(F(), &m0, &x, &r);
    fe_add(F(), &m1, &m0, &one);
    uint8_t msg[MPC_HDR + MPC_ELEM];
    for (uint32_t j = 0; j < s->n; j++) {
        wire_put_hdr(msg, MK_MASKED, 1, 0x5eed, 0);
        fe_to_bytes(F(), msg + MPC_HDR, j < split ? &m0 : &m1);
        transport_send(p->tr, j, msg, sizeof msg);
    }
}

static void party_input_only(Node *p)
{
    MpcEngine *e = p->e;
    Fe x;
    p->out = calloc(1, sizeof *p->out);
    p->nout = 1;
    TRY(p, mpc_collect_inputs(e));
    TRY(p, mpc_client_input(e, 0, 0, &x));
    TRY(p, mpc_round(e, &x, 1, p->out, NULL, NULL, 0, NULL));
}

TEST(equivocating_client)
{
    /* 2 and 2: no value reaches 3 reports, every party rejects the client */
    Sim s = { .n = 4,
              .t = 1,
              .nc = 1,
              .cin = one_input,
              .party_fn = party_input_only,
              .client_fn = client_equivocate,
              .ctx = (void *)(uintptr_t)2,
              .timeout_ms = SCALE(3000, 10000) };
    sim_run(&s);
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_MSG(s.node[i].rc != 0, "party %u accepted an equivocating client", i);
        CHECK_MSG(strstr(s.node[i].err, "client 0") != NULL, "party %u: error names the client: %s", i, s.node[i].err);
    }
    sim_free(&s);
    /* 3 and 1: indistinguishable from one lying party; the majority value
     * is used by everyone, including the party that was sent another */
    Sim s2 = { .n = 4,
               .t = 1,
               .nc = 1,
               .cin = one_input,
               .party_fn = party_input_only,
               .client_fn = client_equivocate,
               .ctx = (void *)(uintptr_t)3 };
    sim_run(&s2);
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_MSG(s2.node[i].rc == 0, "party %u: %s", i, s2.node[i].err);
        CHECK(s2.node[i].rc != 0 || as_i64(&s2.node[i].out[0]) == 1234);
    }
    sim_free(&s2);
}

/* ---- preprocessing failures ------------------------------------------------------- */

static int g_pfault;

static void party_preproc(Node *p)
{
    if (p->id == 2) mpc_test_preproc_fault(p->e, g_pfault);
    TRY(p, mpc_preprocess(p->e, 50, 0, 0));
}

/* A dealer giving one party an inconsistent share no longer aborts: the
 * party disputes it, the dealer's opening of that row does not check, the
 * dealing is left out and every party says so (test_preproc_robust.c has
 * the full set of cheating dealers and reporters). */
static void party_preproc_warn(Node *p)
{
    party_preproc(p);
    p->aux[0] =
        p->rc == 0 && strstr(mpc_warnings(p->e), "party 2 dealt inconsistent sharings (its opening of party 3") != NULL;
}

TEST(cheating_dealer_detected)
{
    g_pfault = TEST_BAD_DEAL;
    Sim s = { .n = 4, .t = 1, .party_fn = party_preproc_warn };
    sim_run(&s);
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
        CHECK_MSG(s.node[i].aux[0] == 1, "party %u does not name the disputed dealing", i);
    }
    sim_free(&s);
}

/* Wrong degree-2t shares no longer abort triple generation: the shares
 * are broadcast, the failing values dropped and the sender proven faulty
 * from its own inputs (test_preproc_robust.c checks the triples). */
static void party_preproc_2t(Node *p)
{
    party_preproc(p);
    uint8_t bad[4] = { 0 };
    mpc_preproc_faulty(p->e, bad);
    p->aux[0] = p->rc == 0 && bad[2] && !bad[0] && !bad[1] && !bad[3] &&
                strstr(mpc_warnings(p->e), "party 2's degree-2t share contradicts its inputs") != NULL;
}

TEST(wrong_degree_2t_share_proven)
{
    g_pfault = TEST_BAD_OPEN2T;
    Sim s = { .n = 4, .t = 1, .party_fn = party_preproc_2t };
    sim_run(&s);
    for (uint32_t i = 0; i < 4; i++) {
        if (i == 2) continue;
        CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
        CHECK_MSG(s.node[i].aux[0] == 1, "party %u does not prove party 2 alone: %s", i, mpc_warnings(s.node[i].e));
    }
    sim_free(&s);
}

/* A party that never starts used to stop preprocessing; now the others
 * agree that it was silent and go on without it (test_preproc_silent.c
 * has the other silences). */
static void party_preproc_silent(Node *p)
{
    party_preproc(p);
    uint8_t bad[8] = { 0 };
    p->aux[0] = p->rc == 0 && mpc_preproc_faulty(p->e, bad) == 1 && bad[3] &&
                strstr(mpc_warnings(p->e), "party 3 was silent") != NULL;
}

TEST(absent_party_in_preprocessing)
{
    g_pfault = TEST_NONE;
    Sim s = { .n = 4, .t = 1, .party_fn = party_preproc_silent, .timeout_ms = 1000 };
    s.absent[3] = 1;
    sim_run(&s);
    for (uint32_t i = 0; i < 3; i++) {
        CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
        CHECK_MSG(s.node[i].aux[0] == 1, "party %u does not name party 3 silent: %s", i, mpc_warnings(s.node[i].e));
    }
    sim_free(&s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(honest_baseline);
    RUN(wrong_shares_n4);
    RUN(wrong_shares_n7);
    RUN(silent_n4);
    RUN(silent_n7);
    RUN(silent_and_wrong_n7);
    RUN(pipelined_round_honest);
    RUN(pipelined_round_wrong_shares);
    RUN(pipelined_round_silent);
    RUN(more_than_t_faults_never_wrong);
    RUN(forged_and_malformed);
    RUN(equivocating_client);
    RUN(cheating_dealer_detected);
    RUN(wrong_degree_2t_share_proven);
    RUN(absent_party_in_preprocessing);
    return unit_report();
}
