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
    CHECK(a->ops->send_many(a, to, 2, msg, (size_t)TRANSPORT_MAX_MESSAGE + 1, &failed) == TRANSPORT_OK &&
          failed == 2);
    /* after shutdown nothing is queued */
    inproc_hub_shutdown(h);
    CHECK(a->ops->send_many(a, to, 3, msg, sizeof msg, &failed) == TRANSPORT_CLOSED);
    (void)m;
    inproc_hub_free(h);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(shared_delivery);
    RUN(shared_failures_and_teardown);
    return unit_report();
}
