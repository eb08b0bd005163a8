/* test_input_range.c: issue 20 item 1.  A malicious client submits 2^120
 * as a "fixed-point" input; after a product with an honest client's input
 * Y, a truncation mask sized for 64-bit values lets every party read Y off
 * the opened value.  The attack is mounted here as it worked before (the
 * leak is real), then shown refused by the range check of client inputs
 * (mpc_check_client_inputs), with an error naming the client and input,
 * with and without a party sending wrong shares; values at the edges of
 * every type's range pass and those just outside fail. */
#include "unit.h"

#include "mpc_sim.h"
#include "mpc/compare.h"

static const uint32_t one_each[2] = { 1, 1 };
static Fe client_val[2];                       /* what clients 0 and 1 submit */
static MpcRange rng[2];                        /* their declared types' ranges */
static const int64_t Y = (int64_t)12345 << 16; /* the honest client's fixed-point 12345.0 */

static Fe big(unsigned bit) /* 2^bit */
{
    uint64_t l[4] = { 0, 0, 0, 0 };
    l[bit / 64] = (uint64_t)1 << (bit % 64);
    Fe r;
    fe_from_limbs(F(), &r, l);
    return r;
}

static Fe add(Fe a, int64_t b)
{
    Fe r, c = pub(b);
    fe_add(F(), &r, &a, &c);
    return r;
}

static const MpcRange FIX64 = { INT64_MIN, INT64_MAX };

static void client_send(Node *p)
{
    Sim *s = p->sim;
    char err[256] = "";
    if (mpc_client_send_inputs(p->tr, NULL, s->n, s->t, 0x5eed, &client_val[p->id - s->n], 1, s->timeout_ms, err,
                               sizeof err) != 0) {
        p->rc = -1;
        snprintf(p->err, sizeof p->err, "%s", err);
    }
}

/* ---- the attack as it worked before the check -------------------------------
 * x·Y is opened the way truncation opened it with k = 64: v + 2^63 + R with
 * a 104-bit R.  Every party then reads c >> 120 = Y. */
static void party_attack_unchecked(Node *p)
{
    MpcEngine *e = p->e;
    Fe x, y, v, bits[104], c;
    TRY(p, mpc_collect_inputs(e));
    TRY(p, mpc_client_input(e, 0, 0, &x));
    TRY(p, mpc_client_input(e, 1, 0, &y));
    TRY(p, mpc_round(e, NULL, 0, NULL, &x, &y, 1, &v));
    TRY(p, mpc_random_bits(e, bits, 104));
    Fe R;
    fe_zero(&R);
    for (unsigned j = 104; j-- > 0;) {
        fe_add(F(), &R, &R, &R);
        fe_add(F(), &R, &R, &bits[j]);
    }
    Fe off = big(63);
    fe_add(F(), &v, &v, &off);
    fe_add(F(), &v, &v, &R);
    TRY(p, mpc_round(e, &v, 1, &c, NULL, NULL, 0, NULL));
    uint64_t l[4];
    fe_to_limbs(F(), l, &c);
    p->aux[0] = (l[1] >> 56) | (l[2] << 8); /* c >> 120 */
}

TEST(attack_leaks_without_the_check)
{
    client_val[0] = big(120);
    client_val[1] = pub(Y);
    Sim s = { .n = 4, .t = 1, .nc = 2, .cin = one_each, .party_fn = party_attack_unchecked, .client_fn = client_send };
    sim_run(&s);
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
        CHECK_MSG(s.node[i].aux[0] == (uint64_t)Y, "party %u reads %llu, not Y", i,
                  (unsigned long long)s.node[i].aux[0]);
    }
    sim_free(&s);
}

/* ---- the check ------------------------------------------------------------------ */

static void party_checked(Node *p)
{
    MpcEngine *e = p->e;
    TRY(p, mpc_preprocess(e, 0, 0, 2 * MPC_RANGE_MASK_BITS));
    mpc_test_set_fault(e, p->sim->fault[p->id]);
    TRY(p, mpc_collect_inputs(e));
    TRY(p, mpc_check_client_inputs(e, rng));
    Fe x[2];
    TRY(p, mpc_client_input(e, 0, 0, &x[0]));
    TRY(p, mpc_client_input(e, 1, 0, &x[1]));
    p->out = calloc(2, sizeof *p->out);
    p->nout = 2;
    TRY(p, mpc_round(e, x, 2, p->out, NULL, NULL, 0, NULL));
}

/* Runs the two clients against the check; bad_party sends wrong shares. */
static void run_clients(Sim *s, int bad_party)
{
    *s = (Sim){ .n = 4, .t = 1, .nc = 2, .cin = one_each, .party_fn = party_checked, .client_fn = client_send };
    if (bad_party >= 0) s->fault[bad_party] = MPC_FAULT_WRONG_SHARES;
    sim_run(s);
}

static void expect_refused(const char *label, int bad_party)
{
    Sim s;
    run_clients(&s, bad_party);
    for (uint32_t i = 0; i < 4; i++) {
        if ((int)i == bad_party) continue;
        CHECK_MSG(s.node[i].rc != 0, "%s: party %u accepted 2^120", label, i);
        CHECK_MSG(strstr(s.node[i].err, "client 0 (node 4) input 0: refused") != NULL, "%s: party %u: %s", label, i,
                  s.node[i].err);
        CHECK_MSG(strstr(s.node[i].err, "client 1") == NULL, "%s: party %u blames the honest client: %s", label, i,
                  s.node[i].err);
    }
    sim_free(&s);
}

TEST(fixed_point_2_120_refused)
{
    client_val[0] = big(120);
    client_val[1] = pub(Y);
    rng[0] = rng[1] = FIX64;
    expect_refused("fixed", -1);
    expect_refused("fixed, party 3 wrong shares", 3);
}

TEST(int_2_120_refused)
{
    client_val[0] = big(120);
    client_val[1] = pub(-5);
    rng[0] = rng[1] = (MpcRange){ INT64_MIN, INT64_MAX };
    expect_refused("int", -1);
    /* the default range (no declared type): any 64-bit value */
    rng[0] = rng[1] = (MpcRange){ INT64_MIN, UINT64_MAX };
    expect_refused("untyped", -1);
}

TEST(edges_pass)
{
    Sim s;
    client_val[0] = pub(INT64_MIN);
    client_val[1] = pub(INT64_MAX);
    rng[0] = rng[1] = FIX64;
    for (int bad = -1; bad <= 3; bad += 4) {
        run_clients(&s, bad);
        for (uint32_t i = 0; i < 3; i++) {
            CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
            if (s.node[i].rc == 0)
                CHECK(as_i64(&s.node[i].out[0]) == INT64_MIN && as_i64(&s.node[i].out[1]) == INT64_MAX);
        }
        sim_free(&s);
    }
}

/* ---- every edge, on public values (the check sees any field element) ---------- */

typedef struct {
    Fe v;
    MpcRange r;
    uint8_t want;
} Case;

static Case cases[64];
static size_t ncases;

static void party_cases(Node *p)
{
    MpcEngine *e = p->e;
    Fe x[64];
    MpcRange r[64];
    uint8_t ok[64];
    TRY(p, mpc_preprocess(e, 0, 0, ncases * MPC_RANGE_MASK_BITS));
    mpc_test_set_fault(e, p->sim->fault[p->id]);
    for (size_t i = 0; i < ncases; i++) x[i] = cases[i].v, r[i] = cases[i].r;
    TRY(p, mpc_check_ranges(e, x, ncases, r, ok));
    for (size_t i = 0; i < ncases; i++) p->aux[i / 64] |= (uint64_t)ok[i] << (i % 64);
}

static void add_case(Fe v, MpcRange r, uint8_t want) { cases[ncases++] = (Case){ v, r, want }; }

TEST(range_edges)
{
    const MpcRange i64 = { INT64_MIN, INT64_MAX }, u64 = { 0, UINT64_MAX }, any = { INT64_MIN, UINT64_MAX };
    const MpcRange i8 = { -128, 127 }, u16 = { 0, 65535 }, bit = { 0, 1 };
    Fe m1 = pub(-1), two64 = big(64), two = pub(2), half;
    fe_inv(F(), &half, &two);
    fe_mul(F(), &half, &half, &m1); /* (p - 1)/2 */
    ncases = 0;
    add_case(pub(INT64_MIN), i64, 1), add_case(pub(INT64_MAX), i64, 1), add_case(pub(0), i64, 1);
    add_case(add(big(63), 0), i64, 0), add_case(add(pub(INT64_MIN), -1), i64, 0), add_case(big(120), i64, 0);
    add_case(half, i64, 0), add_case(m1, i64, 1);
    add_case(pub(0), u64, 1), add_case(add(two64, -1), u64, 1), add_case(two64, u64, 0), add_case(m1, u64, 0);
    add_case(add(two64, -1), any, 1), add_case(two64, any, 0), add_case(pub(INT64_MIN), any, 1);
    add_case(add(pub(INT64_MIN), -1), any, 0), add_case(big(200), any, 0), add_case(big(253), any, 0);
    add_case(pub(-128), i8, 1), add_case(pub(127), i8, 1), add_case(pub(128), i8, 0), add_case(pub(-129), i8, 0);
    add_case(pub(0), u16, 1), add_case(pub(65535), u16, 1), add_case(pub(65536), u16, 0), add_case(m1, u16, 0);
    add_case(pub(0), bit, 1), add_case(pub(1), bit, 1), add_case(pub(2), bit, 0), add_case(m1, bit, 0);
    add_case(half, bit, 0), add_case(add(half, 1), bit, 0);
    for (int bad = -1; bad <= 3; bad += 4) {
        Sim s = { .n = 4, .t = 1, .party_fn = party_cases };
        if (bad >= 0) s.fault[bad] = MPC_FAULT_WRONG_SHARES;
        sim_run(&s);
        for (uint32_t i = 0; i < 3; i++) {
            CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
            for (size_t k = 0; s.node[i].rc == 0 && k < ncases; k++)
                CHECK_MSG(((s.node[i].aux[k / 64] >> (k % 64)) & 1) == cases[k].want, "case %zu (bad party %d)", k,
                          bad);
        }
        sim_free(&s);
    }
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(attack_leaks_without_the_check);
    RUN(fixed_point_2_120_refused);
    RUN(int_2_120_refused);
    RUN(edges_pass);
    RUN(range_edges);
    return unit_report();
}
