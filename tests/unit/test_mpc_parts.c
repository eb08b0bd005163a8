/* test_mpc_parts.c: the pieces under the MPC engine: the in-process
 * transport, square roots, message headers, the robust opening state
 * machine, secret pools. */
#include "unit.h"

#include "mpc_sim.h"

#include <time.h>

/* ---- in-process transport ------------------------------------------------ */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

TEST(inproc_basics)
{
    InprocHub *h = inproc_hub_new(3, 1);
    CHECK(h != NULL);
    Transport *a = inproc_endpoint(h, 0), *b = inproc_endpoint(h, 1), *c = inproc_endpoint(h, 3);
    CHECK(inproc_endpoint(h, 4) == NULL);
    CHECK(a->self == 0 && c->self == 3 && a->n_parties == 3 && a->n_clients == 1);
    /* in order from one sender, sender authenticated */
    for (uint8_t i = 0; i < 50; i++) CHECK(transport_send(a, 1, &i, 1) == TRANSPORT_OK);
    CHECK(transport_send(c, 1, (const uint8_t *)"hi", 2) == TRANSPORT_OK);
    int order = 1;
    for (uint8_t i = 0; i < 50; i++) {
        uint32_t from;
        uint8_t *m;
        size_t len;
        order &= transport_recv(b, &from, &m, &len, 100) == TRANSPORT_OK && from == 0 && len == 1 && m[0] == i;
        free(m);
    }
    CHECK(order);
    uint32_t from;
    uint8_t *m;
    size_t len;
    CHECK(transport_recv(b, &from, &m, &len, 0) == TRANSPORT_OK && from == 3 && len == 2 && memcmp(m, "hi", 2) == 0);
    free(m);
    /* empty message, self-send */
    CHECK(transport_send(b, 1, NULL, 0) == TRANSPORT_OK);
    CHECK(transport_recv(b, &from, &m, &len, 0) == TRANSPORT_OK && from == 1 && len == 0);
    free(m);
    /* timeouts */
    CHECK(transport_recv(b, &from, &m, &len, 0) == TRANSPORT_TIMEOUT);
    double t0 = now_s();
    CHECK(transport_recv(b, &from, &m, &len, 50) == TRANSPORT_TIMEOUT);
    double dt = now_s() - t0;
    CHECK_MSG(dt >= 0.045 && dt < 2.0, "50 ms timeout took %.3f s", dt);
    /* bad destination, oversized message */
    CHECK(transport_send(a, 9, (const uint8_t *)"x", 1) == TRANSPORT_ERROR);
    CHECK(transport_send(a, 1, (const uint8_t *)"x", (size_t)TRANSPORT_MAX_MESSAGE + 1) == TRANSPORT_ERROR);
    /* a closed endpoint: its recv says so, sends to it vanish */
    b->ops->close(b);
    CHECK(transport_recv(b, &from, &m, &len, 10) == TRANSPORT_CLOSED);
    CHECK(transport_send(a, 1, (const uint8_t *)"x", 1) == TRANSPORT_OK);
    CHECK(transport_send(b, 0, (const uint8_t *)"x", 1) == TRANSPORT_CLOSED);
    inproc_hub_free(h);
}

static void *blocked_recv(void *arg)
{
    Transport *t = arg;
    uint32_t from;
    uint8_t *m = NULL;
    size_t len;
    int rc = transport_recv(t, &from, &m, &len, -1);
    free(m);
    return (void *)(intptr_t)rc;
}

TEST(inproc_shutdown_wakes)
{
    InprocHub *h = inproc_hub_new(2, 0);
    pthread_t th;
    pthread_create(&th, NULL, blocked_recv, inproc_endpoint(h, 0));
    struct timespec ts = { 0, 20 * 1000000L };
    nanosleep(&ts, NULL);
    inproc_hub_shutdown(h);
    void *rc;
    pthread_join(th, &rc);
    CHECK((intptr_t)rc == TRANSPORT_CLOSED);
    CHECK(transport_send(inproc_endpoint(h, 1), 0, (const uint8_t *)"x", 1) == TRANSPORT_CLOSED);
    inproc_hub_free(h);
}

TEST(inproc_queue_bound)
{
    if (SIM_SLOW) return; /* a quarter GiB under ASan is too slow for the suite */
    InprocHub *h = inproc_hub_new(2, 0);
    size_t big = TRANSPORT_MAX_MESSAGE;
    uint8_t *buf = calloc(1, big);
    Transport *a = inproc_endpoint(h, 0);
    int rc = TRANSPORT_OK, sent = 0;
    while (rc == TRANSPORT_OK && sent < 8) {
        rc = transport_send(a, 1, buf, big);
        sent += rc == TRANSPORT_OK;
    }
    /* 256 MiB of queue: four 64 MiB messages fit, the fifth does not */
    CHECK_MSG(sent == 4 && rc == TRANSPORT_ERROR, "sent %d", sent);
    uint32_t from;
    uint8_t *m;
    size_t len;
    CHECK(transport_recv(inproc_endpoint(h, 1), &from, &m, &len, 0) == TRANSPORT_OK);
    free(m);
    CHECK(transport_send(a, 1, buf, big) == TRANSPORT_OK);
    free(buf);
    inproc_hub_free(h); /* frees what is still queued */
}

/* ---- square roots ------------------------------------------------------------ */

TEST(square_roots)
{
    const Field *fields[3] = { &field_bls12_381, &field_bn254, &field_ed25519 };
    unsigned want_s[3] = { 32, 28, 2 };
    for (int fi = 0; fi < 3; fi++) {
        const Field *f = fields[fi];
        FeSqrt sq;
        CHECK(fe_sqrt_init(&sq, f) == 0);
        CHECK_MSG(sq.s == want_s[fi], "%s: 2-adicity %u", f->name, sq.s);
        int ok = 1, canon = 1, nonres = 0, tries = SCALE(400, 100);
        for (int i = 0; i < tries; i++) {
            Fe a, a2, r, r2;
            fe_random(f, &a);
            fe_sqr(f, &a2, &a);
            ok &= fe_sqrt(&sq, &r, &a2) == 0;
            fe_sqr(f, &r2, &r);
            ok &= fe_equal(&r2, &a2);
            ok &= fe_sqrt_check(&sq, &r, &a2);
            /* the other root is not canonical */
            Fe neg;
            fe_neg(f, &neg, &r);
            canon &= fe_is_zero(&r) || !fe_sqrt_check(&sq, &neg, &a2);
            /* a random element is a non-residue half the time */
            if (fe_sqrt(&sq, &r, &a) != 0) {
                nonres++;
                ok &= fe_is_zero(&r);
            }
        }
        CHECK_MSG(ok, "%s: roots square back", f->name);
        CHECK_MSG(canon, "%s: exactly one canonical root", f->name);
        CHECK_MSG(nonres > tries / 4 && nonres < 3 * tries / 4, "%s: %d non-residues of %d", f->name, nonres, tries);
        Fe z, r;
        fe_zero(&z);
        CHECK(fe_sqrt(&sq, &r, &z) == 0 && fe_is_zero(&r));
        Fe four, two;
        fe_from_u64(f, &four, 4);
        fe_from_u64(f, &two, 2);
        CHECK(fe_sqrt(&sq, &r, &four) == 0 && fe_equal(&r, &two));
        fe_sqrt_free(&sq);
    }
}

/* ---- message headers ------------------------------------------------------------ */

TEST(wire_headers)
{
    uint8_t m[MPC_HDR + 64];
    MsgHdr h;
    wire_put_hdr(m, MK_OPEN, 2, 0x0102030405060708ULL, 77);
    CHECK(wire_get_hdr(m, sizeof m, &h) == 0);
    CHECK(h.kind == MK_OPEN && h.count == 2 && h.instance == 0x0102030405060708ULL && h.seq == 77);
    CHECK(m[8] == 0x08 && m[15] == 0x01);          /* little-endian */
    CHECK(wire_get_hdr(m, sizeof m - 1, &h) != 0); /* length != count */
    CHECK(wire_get_hdr(m, MPC_HDR - 1, &h) != 0);  /* short */
    m[0] = 2;
    CHECK(wire_get_hdr(m, sizeof m, &h) != 0); /* version */
    m[0] = MPC_WIRE_VERSION;
    m[1] = MK_COUNT;
    CHECK(wire_get_hdr(m, sizeof m, &h) != 0); /* kind */
    m[1] = 0;
    CHECK(wire_get_hdr(m, sizeof m, &h) != 0);
    m[1] = MK_OPEN;
    m[2] = 1;
    CHECK(wire_get_hdr(m, sizeof m, &h) != 0); /* reserved */
    m[2] = 0;
    wire_put_hdr(m, MK_OPEN, 0xffffffffu, 1, 1);
    CHECK(wire_get_hdr(m, sizeof m, &h) != 0); /* huge count, short buffer */
    /* raw limbs: < p accepted, >= p rejected */
    Fe v[2];
    fe_random(F(), &v[0]);
    memcpy(v[1].v, F()->p, sizeof v[1].v);
    CHECK(wire_check_raw(F(), v, 1));
    CHECK(!wire_check_raw(F(), v, 2));
    /* the top-limb fast pass: p - 1 and p share the top limb with p */
    Fe edge[3];
    for (int i = 0; i < 3; i++) fe_random(F(), &edge[i]);
    memcpy(edge[1].v, F()->p, sizeof edge[1].v);
    edge[1].v[0] -= 1; /* p - 1: valid */
    CHECK(wire_check_raw(F(), edge, 3));
    edge[1].v[0] += 1; /* p */
    CHECK(!wire_check_raw(F(), edge, 3));
    edge[1].v[0] = 0;
    edge[1].v[3] += 1; /* above p in the top limb only */
    CHECK(!wire_check_raw(F(), edge, 3));
    uint8_t c[64];
    wire_put_canon(F(), c, v, 1);
    Fe back;
    CHECK(wire_get_canon(F(), &back, c, 1) == 0 && fe_equal(&back, &v[0]));
    memset(c, 0xff, 32);
    CHECK(wire_get_canon(F(), &back, c, 1) != 0);
}

/* ---- the robust opening state machine --------------------------------------------- */

/* count codewords shared with degree t among n parties. */
static Fe *share_batch(unsigned n, unsigned t, size_t count, Fe *secrets, Fe **rows)
{
    Fe *mem = malloc((size_t)n * count * sizeof *mem);
    for (unsigned j = 0; j < n; j++) rows[j] = mem + (size_t)j * count;
    for (size_t c = 0; c < count; c++) {
        Fe sh[SHAMIR_MAX_PARTIES];
        fe_random(F(), &secrets[c]);
        shamir_share(F(), &secrets[c], t, n, sh, NULL);
        for (unsigned j = 0; j < n; j++) rows[j][c] = sh[j];
    }
    return mem;
}

TEST(open_state)
{
    enum { N = 7, T = 2 };
    size_t count = 3 * OPEN_CHUNK + 17;
    Fe *sec = malloc(count * sizeof *sec), *out = malloc(count * sizeof *out), *rows[N];
    Fe *mem = share_batch(N, T, count, sec, rows);
    DecodeCache cache;
    dcache_init(&cache, F(), N, T);

    /* erasures only: decodes with 2t+1 = 5 senders */
    const Fe *row[N] = { 0 };
    for (unsigned j = 0; j < 5; j++) row[j] = rows[j];
    OpenState os;
    open_init(&os, F(), N, T, T, count, row, NULL, NULL, &cache, out);
    CHECK(open_try(&os, false) == 1);
    CHECK(memcmp(out, sec, count * sizeof *sec) == 0);
    open_free(&os);

    /* two liars among all 7: corrected, and excluded after the first probe */
    Fe one;
    fe_one(F(), &one);
    for (size_t c = 0; c < count; c++) {
        fe_add(F(), &rows[1][c], &rows[1][c], &one);
        fe_add(F(), &rows[4][c], &rows[4][c], &rows[4][c]);
    }
    uint8_t excluded[N] = { 0 };
    unsigned nex = 0;
    for (unsigned j = 0; j < N; j++) row[j] = rows[j];
    memset(out, 0, count * sizeof *out);
    open_init(&os, F(), N, T, T, count, row, excluded, &nex, &cache, out);
    CHECK(open_try(&os, true) == 1);
    CHECK(memcmp(out, sec, count * sizeof *sec) == 0);
    CHECK(nex == 2 && excluded[1] && excluded[4]);
    open_free(&os);

    /* 5 senders, two of them lying: never a value, "need more" */
    for (unsigned j = 0; j < N; j++) row[j] = j < 5 ? rows[j] : NULL;
    memset(out, 0, count * sizeof *out);
    open_init(&os, F(), N, T, T, count, row, NULL, NULL, &cache, out);
    CHECK(open_try(&os, false) == 0);
    CHECK(open_try(&os, true) == 0);
    /* one more honest sender: still not enough (6 shares, 2 liars) */
    row[5] = rows[5];
    CHECK(open_try(&os, false) == 0);
    /* the last one: 7 shares with 2 liars decode */
    row[6] = rows[6];
    CHECK(open_try(&os, true) == 1);
    CHECK(memcmp(out, sec, count * sizeof *sec) == 0);
    open_free(&os);

    /* degree 2t needs all 3t+1 = 7: six do not decode */
    Fe *sec2 = malloc(count * sizeof *sec2), *rows2[N];
    Fe *mem2 = share_batch(N, 2 * T, count, sec2, rows2);
    for (unsigned j = 0; j < N; j++) row[j] = j < 6 ? rows2[j] : NULL;
    open_init(&os, F(), N, T, 2 * T, count, row, NULL, NULL, &cache, out);
    CHECK(open_try(&os, true) == 0);
    row[6] = rows2[6];
    CHECK(open_try(&os, true) == 1);
    CHECK(memcmp(out, sec2, count * sizeof *sec2) == 0);
    open_free(&os);

    dcache_free(&cache);
    free(sec);
    free(sec2);
    free(out);
    free(mem);
    free(mem2);
}

/* ---- pools ------------------------------------------------------------------------ */

TEST(pool_wipes)
{
    Pool p = { .esz = sizeof(Fe) };
    void *slot;
    CHECK(pool_append(&p, 100, &slot) == 0);
    Fe *v = slot;
    for (int i = 0; i < 100; i++) fe_from_u64(F(), &v[i], (uint64_t)i + 1);
    Fe *first = pool_head(&p);
    pool_consume(&p, 40);
    int wiped = 1;
    for (int i = 0; i < 40; i++) wiped &= fe_is_zero(&first[i]);
    CHECK_MSG(wiped, "consumed records are zero");
    Fe want;
    fe_from_u64(F(), &want, 41);
    CHECK(fe_equal((Fe *)pool_head(&p), &want) && p.n == 60);
    /* growing past capacity moves the live records and keeps their order */
    CHECK(pool_append(&p, 5000, &slot) == 0);
    CHECK(fe_equal((Fe *)pool_head(&p), &want) && p.n == 5060);
    /* mpc_pool_take hands records over unwiped, for use in place */
    Fe *taken = mpc_pool_take(&p, 2);
    CHECK(fe_equal(&taken[0], &want) && p.n == 5058 && (Fe *)pool_head(&p) == taken + 2);
    sodium_memzero(taken, 2 * sizeof *taken);
    pool_consume(&p, 5058);
    CHECK(p.n == 0 && p.head == 0);
    pool_free(&p);
}

TEST(inproc_recycle)
{
    InprocHub *h = inproc_hub_new(2, 0);
    Transport *a = inproc_endpoint(h, 0), *b = inproc_endpoint(h, 1);
    size_t big = 100000;
    uint8_t *buf = malloc(big);
    for (size_t i = 0; i < big; i++) buf[i] = (uint8_t)(i * 7);
    uint32_t from;
    uint8_t *m, *m2;
    size_t len;
    CHECK(transport_send(a, 1, buf, big) == TRANSPORT_OK);
    CHECK(transport_recv(b, &from, &m, &len, 1000) == TRANSPORT_OK && len == big);
    transport_recycle(b, m, len);
    /* b's next send of a similar size goes out in that same buffer */
    buf[0] = 42;
    CHECK(transport_send(b, 0, buf, big - 10) == TRANSPORT_OK);
    CHECK(transport_recv(a, &from, &m2, &len, 1000) == TRANSPORT_OK && from == 1 && len == big - 10);
    CHECK_MSG(m2 == m, "the recycled buffer was reused");
    CHECK(memcmp(m2, buf, big - 10) == 0);
    /* a much smaller message does not take a large spare */
    transport_recycle(a, m2, len);
    CHECK(transport_send(a, 1, buf, 1000) == TRANSPORT_OK);
    CHECK(transport_recv(b, &from, &m, &len, 1000) == TRANSPORT_OK && len == 1000 && m != m2);
    CHECK(memcmp(m, buf, 1000) == 0);
    free(m);
    /* after close, recycled buffers are freed (ASan checks the leak) */
    CHECK(transport_send(a, 1, buf, big) == TRANSPORT_OK);
    CHECK(transport_recv(b, &from, &m, &len, 1000) == TRANSPORT_OK);
    b->ops->close(b);
    transport_recycle(b, m, len);
    free(buf);
    inproc_hub_free(h); /* frees a's spare */
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(inproc_basics);
    RUN(inproc_shutdown_wakes);
    RUN(inproc_queue_bound);
    RUN(square_roots);
    RUN(wire_headers);
    RUN(open_state);
    RUN(pool_wipes);
    RUN(inproc_recycle);
    return unit_report();
}
