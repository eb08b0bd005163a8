/* test_input_range.c: issue 20 item 1.  A malicious client submits 2^120
 * as a "fixed-point" input; after a product with an honest client's input
 * Y, a truncation mask sized for 64-bit values lets every party read Y off
 * the opened value.  The attack is mounted here as it worked before (the
 * leak is real), then shown refused by the range check of client inputs
 * (mpc_check_client_inputs), with an error naming the client and input,
 * with and without a party sending wrong shares; values at the edges of
 * every type's range pass and those just outside fail.  Then the chain of
 * fixed-point products that took in-range inputs beyond the truncation's
 * bound, closed by wrapping truncated products into 64 bits (fixed.h). */
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

static void client_send(Node *p) { sim_client_send(p, &client_val[p->id - p->sim->n], 1); }

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

/* ---- the chain of products ------------------------------------------------------
 * With inputs checked to 64 bits, truncation (which hides v while
 * |v| < 2^128) still saw more in a chain: the malicious maximal x passes,
 * x·Y truncated is about 2^110, and times x again about 2^173, so the next
 * truncation's opening v + 2^128 + R (R of 169 bits) showed Y's high bits.
 * Mounted as it worked before (plain mpc_truncate: every party reads
 * Y >> 12 after x·Y·x·x), then with mpc_fixed_truncate, which wraps every
 * truncated product into 64 bits: every value reaching a truncation stays
 * below 2^127 and the opened high part is 0 whatever Y is.  Honest chains
 * and batches keep their results, wrapping is exact at the edges, and a
 * batch costs 7 rounds for 1 or 300 products. */

static const int64_t X_MAX = INT64_MAX; /* the malicious client's input: in range */
static bool wrapped;                    /* the fix under test, or plain truncation */

/* What the truncation of v opens, as every party sees it: c = v + 2^128 + R
 * with R of MPC_TRUNC_BITS(64) = 169 random bits; returns c >> 169, the
 * part R does not hide. */
static int observe(MpcEngine *e, const Fe *v, uint64_t *high)
{
    Fe bits[MPC_TRUNC_BITS(64)], c, R, off = big(128);
    if (mpc_random_bits(e, bits, MPC_TRUNC_BITS(64)) != 0) return -1;
    fe_zero(&R);
    for (unsigned j = MPC_TRUNC_BITS(64); j-- > 0;) {
        fe_add(F(), &R, &R, &R);
        fe_add(F(), &R, &R, &bits[j]);
    }
    fe_add(F(), &c, v, &off);
    fe_add(F(), &c, &c, &R);
    if (mpc_round(e, &c, 1, &c, NULL, NULL, 0, NULL) != 0) return -1;
    uint64_t l[4];
    fe_to_limbs(F(), l, &c);
    *high = (l[2] >> 41) | (l[3] << 23);
    return 0;
}

/* Bit length of |v| for a field element read as signed. */
static unsigned magnitude_bits(const Fe *v)
{
    Fe neg, zero;
    fe_zero(&zero);
    fe_sub(F(), &neg, &zero, v);
    uint64_t a[4], b[4];
    fe_to_limbs(F(), a, v);
    fe_to_limbs(F(), b, &neg);
    int i = 3;
    while (i > 0 && a[i] == b[i]) i--;
    uint64_t *m = a[i] <= b[i] ? a : b; /* the smaller of v, p - v */
    for (i = 3; i >= 0; i--)
        if (m[i]) return (unsigned)(64 * i + 64 - __builtin_clzll(m[i]));
    return 0;
}

static int truncate_step(MpcEngine *e, Fe *v)
{
    return wrapped ? mpc_fixed_truncate(e, v, 1, 64, 16, v) : mpc_truncate(e, v, 1, 64, 16, v);
}

/* x·Y, then ·x twice, truncating each product as the VM does.  aux[0..1]:
 * what the truncations of the 2nd and 3rd products open above R; aux[2..3]:
 * the bit lengths of those products; aux[4..5]: the first two truncated
 * products (opened by the test; only meaningful when wrapped). */
static void party_chain(Node *p)
{
    MpcEngine *e = p->e;
    Fe x, v, t[2];
    TRY(p, mpc_collect_inputs(e));
    TRY(p, mpc_check_client_inputs(e, rng)); /* the maximal x passes */
    TRY(p, mpc_client_input(e, 0, 0, &x));
    TRY(p, mpc_client_input(e, 1, 0, &v));
    TRY(p, mpc_round(e, NULL, 0, NULL, &x, &v, 1, &v));
    for (int step = 0; step < 2; step++) {
        TRY(p, truncate_step(e, &v));
        t[step] = v;
        TRY(p, mpc_round(e, NULL, 0, NULL, &v, &x, 1, &v));
        TRY(p, observe(e, &v, &p->aux[step]));
        Fe open;
        TRY(p, mpc_round(e, &v, 1, &open, NULL, NULL, 0, NULL));
        p->aux[2 + step] = magnitude_bits(&open);
    }
    TRY(p, mpc_round(e, t, 2, t, NULL, NULL, 0, NULL));
    p->aux[4] = (uint64_t)as_i64(&t[0]);
    p->aux[5] = (uint64_t)as_i64(&t[1]);
}

/* floor(a·b / 2^16) or that + 1, wrapped to 64 bits: what a wrapped
 * fixed-point product may be. */
static bool is_wrapped_product(int64_t got, int64_t a, int64_t b)
{
    __int128 prod = (__int128)a * b;
    uint64_t lo = (uint64_t)(unsigned __int128)(prod >> 16); /* arithmetic shift: floor */
    return (uint64_t)got == lo || (uint64_t)got == lo + 1;
}

static void check_leak(const Node *nd, int64_t y)
{
    /* x^3·Y/2^32 ≈ 2^157·Y: above 2^169 sit Y's top 50 bits */
    uint64_t want = (uint64_t)y >> 12, got = nd->aux[1];
    CHECK_MSG(got + 2 >= want && got <= want + 2, "party %u reads %llx, Y >> 12 is %llx", nd->id,
              (unsigned long long)got, (unsigned long long)want);
    CHECK(nd->aux[3] > 169);
}

static void check_no_leak(const Node *nd, int64_t y)
{
    /* the products reaching truncation stay inside the bound, so the
     * opened values show nothing above R (1 with probability 2^-40) */
    CHECK_MSG(nd->aux[2] <= 127 && nd->aux[3] <= 127, "party %u: products of %llu and %llu bits", nd->id,
              (unsigned long long)nd->aux[2], (unsigned long long)nd->aux[3]);
    CHECK_MSG(nd->aux[0] == 0 && nd->aux[1] == 0, "party %u reads %llx %llx above the mask", nd->id,
              (unsigned long long)nd->aux[0], (unsigned long long)nd->aux[1]);
    /* and the results are the 64-bit wrapped products */
    int64_t t1 = (int64_t)nd->aux[4], t2 = (int64_t)nd->aux[5];
    CHECK(is_wrapped_product(t1, X_MAX, y));
    CHECK(is_wrapped_product(t2, t1, X_MAX));
}

/* The chain for two honest inputs Y, each party's view checked by check. */
static void run_chains(bool wrap, void (*check)(const Node *, int64_t))
{
    const int64_t ys[2] = { 0x2bcdef0123456789, 0x1234567890abcdef };
    wrapped = wrap;
    rng[0] = rng[1] = FIX64;
    for (int k = 0; k < 2; k++) {
        client_val[0] = pub(X_MAX);
        client_val[1] = pub(ys[k]);
        Sim s = { .n = 4, .t = 1, .nc = 2, .cin = one_each, .party_fn = party_chain, .client_fn = client_send };
        sim_run(&s);
        for (uint32_t i = 0; i < 4; i++) {
            CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
            if (s.node[i].rc == 0) check(&s.node[i], ys[k]);
        }
        sim_free(&s);
    }
}

TEST(chain_attack_leaks_with_plain_truncation) { run_chains(false, check_leak); }

TEST(chain_attack_fails_with_wrapping) { run_chains(true, check_no_leak); }

/* ---- honest values ------------------------------------------------------------- */

#define NB 300
static int64_t ha[NB], hb[NB];

/* One batch of NB products and a chain of four, all inside 64 bits;
 * aux[0]: the rounds of the batch's truncation, aux[1] those of a single
 * one.  out: the batch, then the chain. */
static void party_honest(Node *p)
{
    MpcEngine *e = p->e;
    mpc_test_set_fault(e, p->sim->fault[p->id]);
    Fe a[NB], b[NB], z[NB + 1];
    for (size_t i = 0; i < NB; i++) a[i] = pub(ha[i]), b[i] = pub(hb[i]);
    TRY(p, mpc_round(e, NULL, 0, NULL, a, b, NB, z));
    uint64_t r0 = mpc_stats(e).rounds;
    TRY(p, mpc_fixed_truncate(e, z, NB, 64, 16, z));
    uint64_t r1 = mpc_stats(e).rounds;
    /* 1.5 · -2.25 · 1.5 · -2.25 · 1.5 = 17.0859375 */
    Fe v = pub(98304);
    for (int j = 0; j < 4; j++) {
        Fe fac = pub(j % 2 ? 98304 : -147456);
        TRY(p, mpc_round(e, NULL, 0, NULL, &v, &fac, 1, &v));
        uint64_t q0 = mpc_stats(e).rounds;
        TRY(p, mpc_fixed_truncate(e, &v, 1, 64, 16, &v));
        p->aux[1] = mpc_stats(e).rounds - q0;
    }
    z[NB] = v;
    p->out = calloc(NB + 1, sizeof *p->out);
    p->nout = NB + 1;
    TRY(p, mpc_round(e, z, NB + 1, p->out, NULL, NULL, 0, NULL));
    p->aux[0] = r1 - r0;
}

TEST(honest_products_keep_their_values)
{
    uint64_t s = 0x9e3779b97f4a7c15;
    for (size_t i = 0; i < NB; i++) {
        /* |a| < 2^(63-sa), |b| < 2^(63-sb), sa + sb = 47: |a·b| < 2^79,
         * so a·b/2^16 fits */
        s = s * 6364136223846793005u + 1442695040888963407u;
        int sa = (int)((s >> 40) % 48);
        ha[i] = (int64_t)s >> sa;
        s = s * 6364136223846793005u + 1442695040888963407u;
        hb[i] = (int64_t)s >> (47 - sa);
    }
    ha[0] = INT64_MAX, hb[0] = 65536;             /* x · 1.0 */
    ha[1] = INT64_MIN, hb[1] = 65536;             /* the most negative · 1.0 */
    ha[2] = (int64_t)1 << 40, hb[2] = -(1 << 18); /* · -4.0 */
    for (int bad = -1; bad <= 3; bad += 4) {
        Sim sim = { .n = 4, .t = 1, .party_fn = party_honest };
        if (bad >= 0) sim.fault[bad] = MPC_FAULT_WRONG_SHARES;
        sim_run(&sim);
        for (uint32_t i = 0; i < 3; i++) {
            Node *nd = &sim.node[i];
            CHECK_MSG(nd->rc == 0, "party %u: %s", i, nd->err);
            if (nd->rc) continue;
            size_t badv = 0;
            for (size_t j = 0; j < NB; j++)
                if (!is_wrapped_product(as_i64(&nd->out[j]), ha[j], hb[j]) && badv++ < 3)
                    fprintf(stderr, "%lld * %lld: got %lld\n", (long long)ha[j], (long long)hb[j],
                            (long long)as_i64(&nd->out[j]));
            CHECK_MSG(badv == 0, "%zu of %d products wrong (bad party %d)", badv, NB, bad);
            int64_t chain = as_i64(&nd->out[NB]);
            CHECK_MSG(chain >= 1119744 - 6 && chain <= 1119744 + 6, "chain gives %lld", (long long)chain);
            /* one truncation round and 6 of wrapping, for 300 as for 1 */
            CHECK_MSG(nd->aux[0] == 7 && nd->aux[1] == 7, "rounds %llu and %llu", (unsigned long long)nd->aux[0],
                      (unsigned long long)nd->aux[1]);
        }
        sim_free(&sim);
    }
}

/* ---- wrapping at the edges ---------------------------------------------------- */

static Fe edge_in[12];
static int64_t edge_want[12];
static size_t nedge;

static void party_edges(Node *p)
{
    mpc_test_set_fault(p->e, p->sim->fault[p->id]);
    Fe w[12];
    TRY(p, mpc_fixed_wrap(p->e, edge_in, nedge, 113, 64, w));
    p->out = calloc(nedge, sizeof *p->out);
    p->nout = nedge;
    TRY(p, mpc_round(p->e, w, nedge, p->out, NULL, NULL, 0, NULL));
}

static void edge(Fe v, int64_t want) { edge_in[nedge] = v, edge_want[nedge++] = want; }

static Fe minus(Fe a)
{
    Fe z;
    fe_zero(&z);
    fe_sub(F(), &z, &z, &a);
    return z;
}

TEST(wrap_edges)
{
    nedge = 0;
    edge(pub(INT64_MIN), INT64_MIN), edge(pub(INT64_MAX), INT64_MAX), edge(pub(0), 0), edge(pub(-1), -1);
    edge(big(63), INT64_MIN), edge(add(pub(INT64_MIN), -1), INT64_MAX);
    edge(add(big(112), 5), 5), edge(minus(big(112)), 0), edge(add(minus(big(112)), -7), -7);
    edge(add(big(64), -3), -3), edge(add(big(100), INT64_MAX), INT64_MAX);
    for (int bad = -1; bad <= 3; bad += 4) {
        Sim s = { .n = 4, .t = 1, .party_fn = party_edges };
        if (bad >= 0) s.fault[bad] = MPC_FAULT_WRONG_SHARES;
        sim_run(&s);
        for (uint32_t i = 0; i < 3; i++) {
            CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
            for (size_t k = 0; s.node[i].rc == 0 && k < nedge; k++)
                CHECK_MSG(as_i64(&s.node[i].out[k]) == edge_want[k], "edge %zu: %lld, want %lld (bad party %d)", k,
                          (long long)as_i64(&s.node[i].out[k]), (long long)edge_want[k], bad);
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
    RUN(chain_attack_leaks_with_plain_truncation);
    RUN(chain_attack_fails_with_wrapping);
    RUN(honest_products_keep_their_values);
    RUN(wrap_edges);
    return unit_report();
}
