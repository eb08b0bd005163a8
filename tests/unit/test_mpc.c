/* test_mpc.c: the MPC engine with honest parties: openings, Beaver
 * multiplication, combined rounds, truncation, random shares, triple
 * consumption, client input and output.  n parties run as threads over the
 * in-process transport (mpc_sim.h).  Robustness tests: test_mpc_adv.c. */
#include "unit.h"

#include "mpc_sim.h"

#include <math.h>

/* ---- open, multiply, combined round ------------------------------------- */

static size_t g_k; /* values per test, set before sim_run */

/* Random shares opened, then Beaver products of pairs of them opened too,
 * then one round mixing openings and multiplications. */
static void party_arith(Node *p)
{
    MpcEngine *e = p->e;
    size_t k = g_k;
    Fe *x = malloc(k * sizeof *x), *y = malloc(k * sizeof *y), *z = malloc(k * sizeof *z);
    Fe *w = malloc(k * sizeof *w);
    p->nout = 6 * k;
    p->out = malloc(p->nout * sizeof *p->out);
    if (!x || !y || !z || !w || !p->out) {
        p->rc = -1;
        return;
    }
    Fe *ox = p->out, *oy = ox + k, *oz = oy + k, *ow = oz + k, *ov = ow + k, *oq = ov + k;
    TRY(p, mpc_preprocess(e, 2 * k, 2 * k, 0));
    TRY(p, mpc_random(e, x, k));
    TRY(p, mpc_random(e, y, k));
    /* z = x·y, alone */
    TRY(p, mpc_round(e, NULL, 0, NULL, x, y, k, z));
    /* open x and y together with a multiplication w = z·x in the same round */
    Fe *xy = malloc(2 * k * sizeof *xy), *oxy = malloc(2 * k * sizeof *oxy);
    if (!xy || !oxy) {
        p->rc = -1;
        return;
    }
    memcpy(xy, x, k * sizeof *x);
    memcpy(xy + k, y, k * sizeof *y);
    uint64_t rounds0 = mpc_stats(e).rounds;
    TRY(p, mpc_round(e, xy, 2 * k, oxy, z, x, k, w));
    p->aux[0] = mpc_stats(e).rounds - rounds0; /* must be 1 */
    memcpy(ox, oxy, k * sizeof *ox);
    memcpy(oy, oxy + k, k * sizeof *oy);
    /* open z and w; outputs aliasing inputs */
    memcpy(xy, z, k * sizeof *z);
    memcpy(xy + k, w, k * sizeof *w);
    TRY(p, mpc_round(e, xy, 2 * k, xy, NULL, NULL, 0, NULL));
    memcpy(oz, xy, k * sizeof *oz);
    memcpy(ow, xy + k, k * sizeof *ow);
    /* products of public constants (degree-0 shares) and a squaring with
     * the output aliasing the input */
    for (size_t i = 0; i < k; i++) {
        x[i] = pub((int64_t)i - 7);
        y[i] = pub(3 * (int64_t)i + 1);
    }
    TRY(p, mpc_round(e, NULL, 0, NULL, x, y, k, x));
    TRY(p, mpc_round(e, x, k, ov, NULL, NULL, 0, NULL));
    TRY(p, mpc_round(e, NULL, 0, NULL, y, y, k, y));
    TRY(p, mpc_round(e, y, k, oq, NULL, NULL, 0, NULL));
    free(x);
    free(y);
    free(z);
    free(w);
    free(xy);
    free(oxy);
}

static void check_arith(uint32_t n, uint32_t t, size_t k)
{
    Sim s = { .n = n, .t = t, .party_fn = party_arith };
    g_k = k;
    sim_run(&s);
    int all_ok = 1;
    for (uint32_t i = 0; i < n; i++) {
        CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
        all_ok &= s.node[i].rc == 0;
    }
    if (!all_ok) {
        sim_free(&s);
        return;
    }
    const Fe *o = s.node[0].out;
    const Fe *ox = o, *oy = o + k, *oz = o + 2 * k, *ow = o + 3 * k, *ov = o + 4 * k, *oq = o + 5 * k;
    /* every party opened the same values */
    int same = 1;
    for (uint32_t i = 1; i < n; i++) same &= memcmp(s.node[i].out, o, 6 * k * sizeof *o) == 0;
    CHECK(same);
    int prod = 1, prod2 = 1, pubprod = 1, sq = 1, distinct = 1;
    for (size_t i = 0; i < k; i++) {
        Fe want;
        fe_mul(F(), &want, &ox[i], &oy[i]);
        prod &= fe_equal(&want, &oz[i]);
        fe_mul(F(), &want, &oz[i], &ox[i]);
        prod2 &= fe_equal(&want, &ow[i]);
        pubprod &= as_i64(&ov[i]) == ((int64_t)i - 7) * (3 * (int64_t)i + 1);
        sq &= as_i64(&oq[i]) == (3 * (int64_t)i + 1) * (3 * (int64_t)i + 1);
        if (i) distinct &= !fe_equal(&ox[i], &ox[i - 1]);
    }
    CHECK_MSG(prod, "n=%u: opened products equal the products of the opened factors", n);
    CHECK_MSG(prod2, "n=%u: product computed in a combined round", n);
    CHECK(pubprod);
    CHECK(sq);
    CHECK(distinct);
    CHECK_MSG(s.node[0].aux[0] == 1, "openings and multiplications took %llu rounds",
              (unsigned long long)s.node[0].aux[0]);
    CHECK(s.node[0].st.multiplications == 4 * k);
    CHECK(s.node[0].st.triples_used == 4 * k);
    CHECK(s.node[0].st.bad_messages == 0);
    sim_free(&s);
}

TEST(arith_n4_t1) { check_arith(4, 1, SCALE(3000, 300)); }

TEST(arith_n7_t2) { check_arith(7, 2, SCALE(1500, 150)); }

TEST(arith_no_faults_tolerated)
{
    check_arith(3, 0, SCALE(200, 50));
    check_arith(1, 0, SCALE(200, 50));
}

/* ---- random shares, triples ------------------------------------------------ */

static void party_random_triples(Node *p)
{
    MpcEngine *e = p->e;
    size_t k = g_k, rounds = 5;
    /* rounds of k test triples taken from the pool, then their a, b, c opened */
    p->nout = rounds * 3 * k + k;
    p->out = malloc(p->nout * sizeof *p->out);
    Fe *a = malloc(3 * k * sizeof *a);
    if (!p->out || !a) {
        p->rc = -1;
        return;
    }
    uint64_t used0 = mpc_stats(e).triples_used;
    for (size_t r = 0; r < rounds; r++) {
        TRY(p, mpc_test_take_triples(e, k, a, a + k, a + 2 * k));
        TRY(p, mpc_round(e, a, 3 * k, p->out + r * 3 * k, NULL, NULL, 0, NULL));
    }
    p->aux[0] = mpc_stats(e).triples_used - used0;
    /* random shares */
    TRY(p, mpc_random(e, a, k));
    TRY(p, mpc_round(e, a, k, p->out + rounds * 3 * k, NULL, NULL, 0, NULL));
    p->aux[1] = mpc_stats(e).randoms_used;
    free(a);
}

static int cmp_fe(const void *x, const void *y) { return memcmp(x, y, sizeof(Fe)); }

TEST(random_and_triples)
{
    size_t k = SCALE(400, 100), rounds = 5;
    Sim s = { .n = 4, .t = 1, .party_fn = party_random_triples, .triple_batch = 300 };
    g_k = k;
    sim_run(&s);
    for (uint32_t i = 0; i < 4; i++) CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
    if (s.node[0].rc == 0) {
        const Fe *o = s.node[0].out;
        Fe *as = malloc(rounds * k * sizeof *as);
        int valid = 1;
        for (size_t r = 0; r < rounds; r++) {
            const Fe *A = o + r * 3 * k, *B = A + k, *C = B + k;
            for (size_t i = 0; i < k; i++) {
                Fe ab;
                fe_mul(F(), &ab, &A[i], &B[i]);
                valid &= fe_equal(&ab, &C[i]);
                as[r * k + i] = A[i];
            }
        }
        CHECK_MSG(valid, "every triple satisfies c = a·b");
        qsort(as, rounds * k, sizeof *as, cmp_fe);
        int dup = 0;
        for (size_t i = 1; i < rounds * k; i++) dup |= memcmp(&as[i], &as[i - 1], sizeof *as) == 0;
        CHECK_MSG(!dup, "no triple's a appears twice across %zu rounds", rounds);
        CHECK(s.node[0].aux[0] == rounds * k);
        /* random secrets differ */
        const Fe *R = o + rounds * 3 * k;
        Fe *rs = malloc(k * sizeof *rs);
        memcpy(rs, R, k * sizeof *rs);
        qsort(rs, k, sizeof *rs, cmp_fe);
        int rdup = 0, zero = 0;
        for (size_t i = 0; i < k; i++) {
            zero |= fe_is_zero(&rs[i]);
            if (i) rdup |= memcmp(&rs[i], &rs[i - 1], sizeof *rs) == 0;
        }
        CHECK_MSG(!rdup && !zero, "random shares' secrets differ");
        CHECK(s.node[0].aux[1] == k);
        free(as);
        free(rs);
    }
    sim_free(&s);
}

/* ---- truncation ---------------------------------------------------------------- */

#define TR_F 16

/* Fixed-point products of random signed values, truncated by f bits. */
static void party_trunc(Node *p)
{
    MpcEngine *e = p->e;
    size_t k = g_k;
    const int64_t *xs = p->sim->ctx;
    Fe *x = malloc(k * sizeof *x), *y = malloc(k * sizeof *y), *z = malloc(k * sizeof *z);
    p->nout = k;
    p->out = malloc(k * sizeof *p->out);
    if (!x || !y || !z || !p->out) {
        p->rc = -1;
        return;
    }
    for (size_t i = 0; i < k; i++) {
        x[i] = pub(xs[2 * i]);
        y[i] = pub(xs[2 * i + 1]);
    }
    TRY(p, mpc_preprocess(e, k, 0, k * MPC_TRUNC_BITS(MPC_FIXED_TOTAL_BITS)));
    TRY(p, mpc_round(e, NULL, 0, NULL, x, y, k, z));
    uint64_t r0 = mpc_stats(e).rounds;
    TRY(p, mpc_truncate(e, z, k, MPC_FIXED_TOTAL_BITS, TR_F, z));
    p->aux[0] = mpc_stats(e).rounds - r0;
    TRY(p, mpc_round(e, z, k, p->out, NULL, NULL, 0, NULL));
    free(x);
    free(y);
    free(z);
}

static int64_t floor_div(int64_t v, int64_t d)
{
    int64_t q = v / d;
    return (v % d != 0 && (v < 0) != (d < 0)) ? q - 1 : q;
}

static void check_trunc(uint32_t n, uint32_t t, size_t k)
{
    int64_t *xs = malloc(2 * k * sizeof *xs);
    for (size_t i = 0; i < 2 * k; i++) {
        uint64_t r;
        randombytes_buf(&r, sizeof r);
        /* |x| < 2^30 as fixed point with 16 fractional bits: |xy| < 2^60 */
        xs[i] = (int64_t)(r % ((uint64_t)1 << 31)) - ((int64_t)1 << 30);
    }
    Sim s = { .n = n, .t = t, .party_fn = party_trunc, .ctx = xs };
    g_k = k;
    sim_run(&s);
    for (uint32_t i = 0; i < n; i++) CHECK_MSG(s.node[i].rc == 0, "party %u: %s", i, s.node[i].err);
    if (s.node[0].rc == 0) {
        int in_range = 1;
        size_t ones = 0;
        double expect_ones = 0;
        for (size_t i = 0; i < k; i++) {
            int64_t v = xs[2 * i] * xs[2 * i + 1];
            int64_t want = floor_div(v, (int64_t)1 << TR_F);
            int64_t got = as_i64(&s.node[0].out[i]);
            int64_t err = got - want;
            in_range &= err == 0 || err == 1;
            ones += err == 1;
            expect_ones += (double)(v - want * ((int64_t)1 << TR_F)) / (double)((int64_t)1 << TR_F);
        }
        CHECK_MSG(in_range, "n=%u: every truncation is floor(v/2^f) or that +1", n);
        /* the carry is 1 with probability (v mod 2^f)/2^f: the count is a
         * sum of independent Bernoullis; allow 6 standard deviations */
        double sd = sqrt(expect_ones * (1 - expect_ones / (double)k)) + 1;
        CHECK_MSG(fabs((double)ones - expect_ones) < 6 * sd, "n=%u: %zu round-ups, expected %.1f", n, ones,
                  expect_ones);
        CHECK(s.node[0].aux[0] == 1);
        CHECK(s.node[0].st.truncations == k);
        CHECK(s.node[0].st.bits_used == k * MPC_TRUNC_BITS(MPC_FIXED_TOTAL_BITS));
    }
    sim_free(&s);
    free(xs);
}

TEST(truncation_n4_t1) { check_trunc(4, 1, SCALE(300, 40)); }

TEST(truncation_n7_t2) { check_trunc(7, 2, SCALE(100, 15)); }

/* Truncation of public (degree-0) negative values, exact floor or +1. */
static void party_trunc_small(Node *p)
{
    MpcEngine *e = p->e;
    int64_t vals[] = { -10, -65536, -65537, 65535, 0, 1, -1, (int64_t)1 << 40, -((int64_t)1 << 62) };
    size_t k = sizeof vals / sizeof *vals;
    Fe in[16];
    p->nout = k;
    p->out = malloc(k * sizeof *p->out);
    for (size_t i = 0; i < k; i++) in[i] = pub(vals[i]);
    TRY(p, mpc_truncate(e, in, k, 64, 16, in));
    TRY(p, mpc_round(e, in, k, p->out, NULL, NULL, 0, NULL));
    p->aux[0] = k;
}

TEST(truncation_edges)
{
    int64_t vals[] = { -10, -65536, -65537, 65535, 0, 1, -1, (int64_t)1 << 40, -((int64_t)1 << 62) };
    Sim s = { .n = 4, .t = 1, .party_fn = party_trunc_small };
    sim_run(&s);
    CHECK_MSG(s.node[0].rc == 0, "%s", s.node[0].err);
    if (s.node[0].rc == 0)
        for (size_t i = 0; i < s.node[0].aux[0]; i++) {
            int64_t want = floor_div(vals[i], 65536), got = as_i64(&s.node[0].out[i]);
            CHECK_MSG(got == want || got == want + 1, "trunc(%lld) = %lld", (long long)vals[i], (long long)got);
        }
    sim_free(&s);
}

TEST(other_fields)
{
    const Field *fs[2] = { &field_bn254, &field_ed25519 };
    for (int i = 0; i < 2; i++) {
        sim_field = fs[i];
        check_arith(4, 1, SCALE(200, 40));
        check_trunc(4, 1, SCALE(50, 10));
    }
    sim_field = NULL;
}

/* ---- clients ---------------------------------------------------------------------- */

static const uint32_t two_inputs[2] = { 1, 1 };

/* x (client 0) · y (client 1) and x - y, sent to client 0. */
static void party_clients(Node *p)
{
    MpcEngine *e = p->e;
    Fe x, y, xy, d[2];
    TRY(p, mpc_preprocess(e, 8, 8, 0));
    TRY(p, mpc_collect_inputs(e));
    TRY(p, mpc_client_input(e, 0, 0, &x));
    TRY(p, mpc_client_input(e, 1, 0, &y));
    TRY(p, mpc_round(e, NULL, 0, NULL, &x, &y, 1, &xy));
    d[0] = xy;
    fe_sub(F(), &d[1], &x, &y);
    TRY(p, mpc_send_to_client(e, 0, d, 2));
    p->aux[0] = mpc_client_count(e);
    Fe bad;
    p->aux[1] = mpc_client_input(e, 2, 0, &bad) != 0 && mpc_client_input(e, 0, 1, &bad) != 0;
}

static void client_inputs(Node *p)
{
    Sim *s = p->sim;
    uint32_t c = p->id - s->n;
    Fe v = pub(c == 0 ? 15 : 25);
    char err[256] = "";
    if (mpc_client_send_inputs(p->tr, NULL, s->n, s->t, 0x5eed, &v, 1, s->timeout_ms, err, sizeof err) != 0) {
        p->rc = -1;
        snprintf(p->err, sizeof p->err, "send inputs: %s", err);
        return;
    }
    if (c == 0 && mpc_client_receive_outputs(p->tr, NULL, s->n, s->t, 0x5eed, &p->out, &p->nout, s->timeout_ms, err,
                                             sizeof err) != 0) {
        p->rc = -1;
        snprintf(p->err, sizeof p->err, "outputs: %s", err);
    }
}

TEST(client_input_output)
{
    Sim s = { .n = 4, .t = 1, .nc = 2, .cin = two_inputs, .party_fn = party_clients, .client_fn = client_inputs };
    sim_run(&s);
    for (uint32_t i = 0; i < 6; i++) CHECK_MSG(s.node[i].rc == 0, "node %u: %s", i, s.node[i].err);
    Node *c0 = &s.node[4];
    CHECK(c0->rc == 0 && c0->nout == 2);
    if (c0->rc == 0 && c0->nout == 2) {
        CHECK(as_i64(&c0->out[0]) == 375);
        /* 15 - 25 = -10, the field element p - 10 */
        Fe m10;
        fe_from_u64(F(), &m10, 10);
        fe_neg(F(), &m10, &m10);
        CHECK(fe_equal(&c0->out[1], &m10));
        CHECK(as_i64(&c0->out[1]) == -10);
    }
    CHECK(s.node[0].aux[0] == 2);
    CHECK(s.node[0].aux[1] == 1);
    sim_free(&s);
}

/* Several output batches through the stateful client, in order. */
static void party_batches(Node *p)
{
    MpcEngine *e = p->e;
    Fe v[3];
    for (int b = 0; b < 4; b++) {
        for (int i = 0; i < 3; i++) v[i] = pub(100 * b + i);
        TRY(p, mpc_send_to_client(e, 0, v, (size_t)(b + 1) < 3 ? (size_t)(b + 1) : 3));
    }
}

static void client_batches(Node *p)
{
    Sim *s = p->sim;
    MpcClient *c = mpc_client_new(p->tr, NULL, s->n, s->t, 0x5eed, s->timeout_ms);
    p->out = malloc(16 * sizeof *p->out);
    if (!c || !p->out) {
        p->rc = -1;
        return;
    }
    /* inputs are not configured here: a client without inputs takes no part */
    if (mpc_client_inputs(c, NULL, 0) != 0) p->rc = -1;
    for (int b = 0; b < 4 && p->rc == 0; b++) {
        Fe *v;
        size_t k;
        if (mpc_client_outputs(c, &v, &k) != 0) {
            p->rc = -1;
            snprintf(p->err, sizeof p->err, "%s", mpc_client_error(c));
            break;
        }
        for (size_t i = 0; i < k && p->nout < 16; i++) p->out[p->nout++] = v[i];
        free(v);
    }
    mpc_client_free(c);
}

TEST(client_output_batches)
{
    static const uint32_t none[1] = { 0 };
    Sim s = { .n = 4, .t = 1, .nc = 1, .cin = none, .party_fn = party_batches, .client_fn = client_batches };
    sim_run(&s);
    Node *c = &s.node[4];
    CHECK_MSG(c->rc == 0, "%s", c->err);
    int64_t want[] = { 0, 100, 101, 200, 201, 202, 300, 301, 302 };
    CHECK(c->nout == 9);
    for (size_t i = 0; i < c->nout && i < 9; i++) CHECK(as_i64(&c->out[i]) == want[i]);
    sim_free(&s);
}

/* ---- statistics of shares ----------------------------------------------------------- */

#define STAT_K SCALE(4000, 1000)
static const uint32_t stat_inputs[1] = { STAT_K };

/* Party 0's shares of many client inputs that all hold the same secret. */
static void party_stat(Node *p)
{
    MpcEngine *e = p->e;
    TRY(p, mpc_collect_inputs(e));
    if (p->id != 0) return;
    p->out = malloc(STAT_K * sizeof *p->out);
    p->nout = STAT_K;
    for (uint32_t i = 0; i < STAT_K; i++) TRY(p, mpc_client_input(e, 0, i, &p->out[i]));
}

static void client_stat(Node *p)
{
    Sim *s = p->sim;
    const Fe *secret = s->ctx;
    Fe *v = malloc(STAT_K * sizeof *v);
    for (uint32_t i = 0; i < STAT_K; i++) v[i] = *secret;
    char err[256];
    if (mpc_client_send_inputs(p->tr, NULL, s->n, s->t, 0x5eed, v, STAT_K, s->timeout_ms, err, sizeof err) != 0) {
        p->rc = -1;
        snprintf(p->err, sizeof p->err, "%s", err);
    }
    free(v);
}

/* Chi-square of the low byte of the canonical share over 256 bins. */
static double chi_square_low_byte(const Fe *v, size_t k)
{
    double hist[256] = { 0 };
    for (size_t i = 0; i < k; i++) {
        uint8_t b[32];
        fe_to_bytes(F(), b, &v[i]);
        hist[b[0]]++;
    }
    double ex = (double)k / 256, chi = 0;
    for (int i = 0; i < 256; i++) chi += (hist[i] - ex) * (hist[i] - ex) / ex;
    return chi;
}

TEST(share_distribution)
{
    Fe secrets[2] = { pub(42), pub(-1) };
    for (int which = 0; which < 2; which++) {
        Sim s = { .n = 4,
                  .t = 1,
                  .nc = 1,
                  .cin = stat_inputs,
                  .party_fn = party_stat,
                  .client_fn = client_stat,
                  .ctx = &secrets[which] };
        sim_run(&s);
        CHECK_MSG(s.node[0].rc == 0, "%s", s.node[0].err);
        CHECK_MSG(s.node[4].rc == 0, "%s", s.node[4].err);
        if (s.node[0].rc == 0) {
            /* 255 degrees of freedom: mean 255, sd 22.6; 400 is > 6 sd */
            double chi = chi_square_low_byte(s.node[0].out, STAT_K);
            CHECK_MSG(chi < 400, "secret %d: chi-square %.1f of party 0's share low bytes", which, chi);
            /* and the shares are not the secret itself */
            size_t eq = 0;
            for (size_t i = 0; i < STAT_K; i++) eq += fe_equal(&s.node[0].out[i], &secrets[which]);
            CHECK(eq < 3);
        }
        sim_free(&s);
    }
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(arith_n4_t1);
    RUN(arith_n7_t2);
    RUN(arith_no_faults_tolerated);
    RUN(random_and_triples);
    RUN(truncation_n4_t1);
    RUN(truncation_n7_t2);
    RUN(truncation_edges);
    RUN(other_fields);
    RUN(client_input_output);
    RUN(client_output_batches);
    RUN(share_distribution);
    return unit_report();
}
