/* test_inproc_shared.c: the in-process transport's send_many (one copy that
 * the receivers share) and discard, and the engine's openings over it with
 * receivers that drop, stash or recycle the shared buffers.  Leaks and
 * double frees show under ASan (make asan). */
#include "unit.h"

#include "mpc_sim.h"

static int recv1(Transport *t, uint32_t *from, uint8_t **m, size_t *len)
{
    return transport_recv(t, from, m, len, 1000);
}

TEST(shared_delivery)
{
    InprocHub *h = inproc_hub_new(4, 0);
    Transport *a = inproc_endpoint(h, 0);
    CHECK(a->ops->send_many != NULL && a->ops->discard != NULL);
    size_t big = 100000;
    uint8_t *buf = malloc(big);
    for (size_t i = 0; i < big; i++) buf[i] = (uint8_t)(i * 13);
    uint32_t to[3] = { 1, 2, 3 }, from;
    size_t failed = 9, len;
    uint8_t *m[4];
    CHECK(a->ops->send_many(a, to, 3, buf, big, &failed) == TRANSPORT_OK && failed == 0);
    /* every receiver sees the same bytes, in one buffer */
    for (uint32_t j = 1; j < 4; j++) {
        CHECK(recv1(inproc_endpoint(h, j), &from, &m[j], &len) == TRANSPORT_OK && from == 0 && len == big);
        CHECK(memcmp(m[j], buf, big) == 0);
    }
    CHECK(m[1] == m[2] && m[2] == m[3]);
    /* released by recycle and discard alike; the last one hands it back to
     * the sender, whose next send_many of a similar size reuses it */
    transport_recycle(inproc_endpoint(h, 1), m[1], big);
    transport_discard(inproc_endpoint(h, 2), m[2], big);
    CHECK_MSG(memcmp(m[3], buf, big) == 0, "a release must not wipe what others still read");
    transport_recycle(inproc_endpoint(h, 3), m[3], big);
    buf[5] = 99;
    CHECK(a->ops->send_many(a, to, 2, buf, big - 100, &failed) == TRANSPORT_OK && failed == 0);
    uint8_t *again;
    CHECK(recv1(inproc_endpoint(h, 2), &from, &again, &len) == TRANSPORT_OK && len == big - 100);
    CHECK_MSG(again == m[1], "the shared buffer came back as the sender's spare");
    CHECK(again[5] == 99 && memcmp(again, buf, big - 100) == 0);
    transport_discard(inproc_endpoint(h, 2), again, len);
    /* node 1 still holds its copy: private messages still work beside it */
    CHECK(transport_send(a, 1, buf, 10) == TRANSPORT_OK);
    uint8_t *first, *priv;
    CHECK(recv1(inproc_endpoint(h, 1), &from, &first, &len) == TRANSPORT_OK && len == big - 100);
    CHECK(recv1(inproc_endpoint(h, 1), &from, &priv, &len) == TRANSPORT_OK && len == 10 && priv != first);
    transport_discard(inproc_endpoint(h, 1), priv, len); /* private: wiped and freed */
    transport_recycle(inproc_endpoint(h, 1), first, big - 100);
    free(buf);
    inproc_hub_free(h);
}

TEST(shared_failures_and_teardown)
{
    InprocHub *h = inproc_hub_new(4, 0);
    Transport *a = inproc_endpoint(h, 0), *c = inproc_endpoint(h, 2);
    uint8_t msg[64] = { 1, 2, 3 };
    uint32_t to[4] = { 1, 2, 3, 77 }, from;
    size_t failed, len;
    /* a bad destination fails alone; a closed peer counts as delivered */
    c->ops->close(c);
    CHECK(a->ops->send_many(a, to, 4, msg, sizeof msg, &failed) == TRANSPORT_OK && failed == 1);
    uint8_t *m;
    CHECK(recv1(inproc_endpoint(h, 1), &from, &m, &len) == TRANSPORT_OK && len == sizeof msg && m[2] == 3);
    /* node 1 keeps m, node 3 never reads: the hub frees both references */
    CHECK(a->ops->send_many(a, to, 2, NULL, 1, &failed) == TRANSPORT_OK && failed == 2);
    CHECK(a->ops->send_many(a, to, 2, msg, (size_t)TRANSPORT_MAX_MESSAGE + 1, &failed) == TRANSPORT_OK && failed == 2);
    /* after shutdown nothing is queued */
    inproc_hub_shutdown(h);
    CHECK(a->ops->send_many(a, to, 3, msg, sizeof msg, &failed) == TRANSPORT_CLOSED);
    (void)m;
    inproc_hub_free(h);
}

/* A row with a value >= p in its second chunk: the chunk before it was
 * decoded with it (its values there are fine), then the row is marked bad
 * and left out; with too few senders left open_try waits, and a fourth
 * sender completes the opening with the right values. */
TEST(open_checks_rows_while_decoding)
{
    enum { N = 4, T = 1 };
    size_t count = 2 * OPEN_CHUNK + 5;
    Fe *sec = malloc(count * sizeof *sec), *out = malloc(count * sizeof *out), *mem = malloc(N * count * sizeof *mem);
    Fe *rows[N];
    for (unsigned j = 0; j < N; j++) rows[j] = mem + (size_t)j * count;
    for (size_t c = 0; c < count; c++) {
        Fe sh[N];
        fe_random(F(), &sec[c]);
        shamir_share(F(), &sec[c], T, N, sh, NULL);
        for (unsigned j = 0; j < N; j++) rows[j][c] = sh[j];
    }
    memset(&rows[2][OPEN_CHUNK + 7], 0xff, sizeof(Fe)); /* >= p */
    const Fe *row[N] = { rows[0], rows[1], rows[2], NULL };
    DecodeCache cache;
    dcache_init(&cache, F(), N, T);
    OpenState os;
    open_init(&os, F(), N, T, T, count, row, NULL, NULL, &cache, out);
    os.check_rows = true;
    os.self = 0;
    CHECK(open_try(&os, false) == 0);
    CHECK(os.bad[2] == 1 && !os.bad[0] && !os.bad[1] && os.next == OPEN_CHUNK);
    CHECK(memcmp(out, sec, OPEN_CHUNK * sizeof *sec) == 0);
    row[3] = rows[3];
    CHECK(open_try(&os, false) == 1);
    CHECK(memcmp(out, sec, count * sizeof *sec) == 0);
    CHECK(os.checked_to[3] == count && os.checked_to[0] == 0); /* own row never checked */
    open_free(&os);
    dcache_free(&cache);
    free(sec);
    free(out);
    free(mem);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(shared_delivery);
    RUN(shared_failures_and_teardown);
    RUN(open_checks_rows_while_decoding);
    return unit_report();
}
