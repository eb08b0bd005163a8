/* test_sessions.c: sessions that one bad client or a failed run cannot
 * stall (issue 16, items 8 and 9): input counts checked in the hello, a
 * client that stops waiting once every party has left, in both
 * transports. */
#include "unit.h"

#include "free_port.h"

#include "mpc_sim.h"
#include "net/hello.h"
#include "net/inproc.h"
#include "net/tls.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- the hello ---------------------------------------------------------------- */

/* An older node's hello (version 1, no `inputs` line) is refused with its
 * version named, not read as a version-2 hello without input counts; a
 * count is read only from decimal digits. */
TEST(hello_version_and_inputs)
{
    const char *old = "STOFFEL-NET/1\nnode 3\nparams n=4 t=1\nprogram abc\n";
    NetHello h;
    CHECK(net_hello_parse((const uint8_t *)old, strlen(old), &h) == -2);
    CHECK_MSG(strcmp(h.version, "STOFFEL-NET/1") == 0, "version '%s'", h.version);
    CHECK(!h.has_node && !h.has_params && h.node_id == -1);
    const char *good = "STOFFEL-NET/2\nnode 4\nparams p\nprogram -\ninputs 2\n";
    uint32_t k = 0;
    CHECK(net_hello_parse((const uint8_t *)good, strlen(good), &h) == 0);
    CHECK(h.has_inputs && net_hello_input_count(&h, &k) == 0 && k == 2);
    static const char *const bad[] = { "-", "", "4294967296", "12a", "0123456789abcdef0123456789abcdef" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[200];
        snprintf(text, sizeof text, "STOFFEL-NET/2\nnode 4\ninputs %s\n", bad[i]);
        CHECK(net_hello_parse((const uint8_t *)text, strlen(text), &h) == 0);
        CHECK_MSG(net_hello_input_count(&h, &k) == -1, "inputs '%s' read as a count", bad[i]);
    }
}

/* ---- one party and one client over TLS on 127.0.0.1 -------------------------------- */

typedef struct {
    char dir[64], pk[128], pc[128], ck[128], cc[128];
    Roster roster;
    Transport *party, *client;
    char perr[1024], cerr[1024];
    int prc, crc; /* wait_peers results */
} Pair;

/* Party 0 (n = 1, t = 0) expecting `expect` inputs from client 0, which
 * brings `has`; both wait for each other.  0 if the endpoints exist. */
static int pair_start(Pair *p, uint32_t expect, uint32_t has)
{
    memset(p, 0, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "/tmp/stoffel-sessions-XXXXXX");
    if (!mkdtemp(p->dir)) return -1;
    snprintf(p->pk, sizeof p->pk, "%s/p0.key", p->dir);
    snprintf(p->pc, sizeof p->pc, "%s/p0.crt", p->dir);
    snprintf(p->ck, sizeof p->ck, "%s/c0.key", p->dir);
    snprintf(p->cc, sizeof p->cc, "%s/c0.crt", p->dir);
    uint8_t k0[NET_KEY_ID_LEN], k1[NET_KEY_ID_LEN];
    char err[512], text[1024], hex0[65], hex1[65];
    if (tls_keygen(p->pk, p->pc, "party 0", k0, err, sizeof err) != 0 ||
        tls_keygen(p->ck, p->cc, "client 0", k1, err, sizeof err) != 0)
        return -1;
    net_hex(k0, sizeof k0, hex0);
    net_hex(k1, sizeof k1, hex1);
    snprintf(text, sizeof text, "party 0 127.0.0.1:%d %s\nclient 0 %s\n", free_port(), hex0, hex1);
    if (roster_parse(text, strlen(text), &p->roster, err, sizeof err) != 0) return -1;
    TlsNetConfig pcfg = { .roster = &p->roster,
                          .self = 0,
                          .key_path = p->pk,
                          .cert_path = p->pc,
                          .params = "test",
                          .program = "p",
                          .inputs = &expect,
                          .quiet = true };
    TlsNetConfig ccfg = { .roster = &p->roster,
                          .self = 1,
                          .key_path = p->ck,
                          .cert_path = p->cc,
                          .params = "test",
                          .inputs = &has,
                          .quiet = true };
    p->party = tls_transport_new(&pcfg, p->perr, sizeof p->perr);
    p->client = p->party ? tls_transport_new(&ccfg, p->cerr, sizeof p->cerr) : NULL;
    if (!p->client) return -1;
    p->prc = tls_transport_wait_peers(p->party, true, 10000, p->perr, sizeof p->perr);
    p->crc = tls_transport_wait_peers(p->client, true, 10000, p->cerr, sizeof p->cerr);
    return 0;
}

static void pair_free(Pair *p)
{
    if (p->client) tls_transport_free(p->client, 0);
    if (p->party) tls_transport_free(p->party, 0);
    roster_free(&p->roster);
    char path[160];
    const char *names[] = { "p0.key", "p0.crt", "c0.key", "c0.crt" };
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", p->dir, names[i]);
        unlink(path);
    }
    rmdir(p->dir);
}

/* A client with one input too many used to be accepted, every party then
 * failed the echo round ("masked inputs inconsistent") and the client
 * waited out its 60 s.  Now the hello carries the counts: both ends refuse
 * the session at once, and the client is told what the parties expect. */
TEST(tls_wrong_input_count_refused)
{
    Pair p;
    CHECK(pair_start(&p, 1, 2) == 0);
    CHECK_MSG(p.prc == -1 && strstr(p.perr, "has 2 inputs, but the program expects 1 from it"), "party: %s", p.perr);
    CHECK_MSG(p.crc == -1 && strstr(p.cerr, "expects 1 input from client 0, but this client has 2"), "client: %s",
              p.cerr);
    pair_free(&p);
    CHECK(pair_start(&p, 3, 3) == 0);
    CHECK_MSG(p.prc == 0 && p.crc == 0, "matching counts: %s / %s", p.perr, p.cerr);
    pair_free(&p);
}

/* The parties failed (here: party 0 simply leaves) while a client waits
 * for its masks with a 60 s timeout: it used to wait all of it.  The
 * transport now reports that every party is gone, and the client fails
 * with that reason at once. */
TEST(tls_client_stops_when_parties_leave)
{
    Pair p;
    CHECK(pair_start(&p, 1, 1) == 0);
    CHECK(p.prc == 0 && p.crc == 0);
    MpcClient *c = mpc_client_new(p.client, F(), 1, 0, 7, 60000);
    CHECK(c != NULL);
    tls_transport_free(p.party, 0);
    p.party = NULL;
    Fe x;
    fe_from_u64(F(), &x, 5);
    CHECK(mpc_client_inputs(c, &x, 1) == -1);
    CHECK_MSG(strstr(mpc_client_error(c), "every party has left") != NULL, "%s", mpc_client_error(c));
    uint32_t from;
    uint8_t *msg;
    size_t len;
    CHECK(transport_recv(p.client, &from, &msg, &len, 30000) == TRANSPORT_PEERS_GONE);
    mpc_client_free(c);
    pair_free(&p);
}

/* Messages of many sizes both ways, each received one given back
 * (transport_recycle) so that later frames land in reused buffers, and
 * large payloads are read straight into them: every byte must arrive
 * intact and in order, in reused send and receive buffers alike. */
/* End of a message test: none altered; frees buf and the pair. */
static void pair_done(Pair *p, uint8_t *buf, int bad)
{
    CHECK_MSG(bad == 0, "%d messages arrived altered", bad);
    free(buf);
    pair_free(p);
}

/* Receives the next message at dst: from `from`, `size` bytes, byte k
 * being k * mul + add (mod 256); 1 if its bytes differ, 0 if not. */
static int recv_pattern(Transport *dst, uint32_t from, size_t size, unsigned mul, unsigned add)
{
    uint32_t got_from;
    uint8_t *msg = NULL;
    size_t got = 0;
    int bad = 0;
    CHECK(transport_recv(dst, &got_from, &msg, &got, 30000) == TRANSPORT_OK);
    CHECK_MSG(got_from == from && got == size, "message of %zu bytes from node %u: %zu bytes", size, from, got);
    for (size_t k = 0; msg && k < got && k < size; k++)
        if (msg[k] != (uint8_t)(k * mul + add)) {
            bad = 1;
            break;
        }
    if (msg) transport_recycle(dst, msg, got);
    return bad;
}

TEST(tls_reused_buffers_keep_messages_intact)
{
    Pair p;
    CHECK(pair_start(&p, 0, 0) == 0);
    CHECK_MSG(p.prc == 0 && p.crc == 0, "%s / %s", p.perr, p.cerr);
    static const size_t sizes[] = { 20000, 300000, 17, 3000000, 300000, 20000, 2900000, 65536, 300001, 0 };
    const size_t ns = sizeof sizes / sizeof sizes[0];
    uint8_t *buf = malloc(3000000);
    CHECK(buf != NULL);
    int bad = 0;
    for (unsigned round = 0; buf && round < 4; round++) {
        /* a whole round queued back to back, then read: frames follow each
         * other in the stream */
        Transport *src = round % 2 ? p.party : p.client, *dst = src == p.party ? p.client : p.party;
        for (size_t i = 0; i < ns; i++) {
            for (size_t k = 0; k < sizes[i]; k++) buf[k] = (uint8_t)(k * 31 + round * 16 + i);
            CHECK(transport_send(src, dst->self, buf, sizes[i]) == TRANSPORT_OK);
        }
        for (size_t i = 0; i < ns; i++) bad += recv_pattern(dst, src->self, sizes[i], 31, round * 16 + (unsigned)i);
    }
    pair_done(&p, buf, bad);
}

/* send_many (one copy shared by the peers' resend stores) mixed with send
 * to the same peer: every message arrives intact and in order, including
 * to itself; a bad destination is counted as failed.  Many rounds, so the
 * shared buffers are reused after the peer acknowledged them. */
TEST(tls_send_many_keeps_order)
{
    Pair p;
    CHECK(pair_start(&p, 0, 0) == 0);
    CHECK_MSG(p.prc == 0 && p.crc == 0, "%s / %s", p.perr, p.cerr);
    CHECK(p.party->ops->send_many != NULL);
    enum { ROUNDS = 40, PER = 5 };
    uint8_t *buf = malloc(1200000);
    CHECK(buf != NULL);
    int bad = 0;
    for (unsigned r = 0; buf && r < ROUNDS; r++) {
        size_t sizes[PER];
        for (unsigned i = 0; i < PER; i++) {
            sizes[i] = i == 2 ? 1200000 - r : (size_t)(r * 977 + i * 131) % 70000;
            for (size_t k = 0; k < sizes[i]; k++) buf[k] = (uint8_t)(k * 7 + r * 5 + i);
            uint32_t to[3] = { p.client->self, p.party->self, 99 };
            size_t failed = 9;
            if (i % 2 == 0) {
                CHECK(p.party->ops->send_many(p.party, to, 3, buf, sizes[i], &failed) == TRANSPORT_OK);
                CHECK_MSG(failed == 1, "%zu failed", failed);
            } else {
                CHECK(transport_send(p.party, p.client->self, buf, sizes[i]) == TRANSPORT_OK);
            }
        }
        for (unsigned i = 0; i < PER; i++)
            for (unsigned self = 0; self < (i % 2 == 0 ? 2u : 1u); self++)
                bad += recv_pattern(self ? p.party : p.client, p.party->self, sizes[i], 7, r * 5 + i);
    }
    pair_done(&p, buf, bad);
}

/* Sends `size` bytes of the pattern k * mul + add from src to `to`, held
 * back (send_later) or not. */
static void send_pattern(Transport *src, uint32_t to, size_t size, unsigned mul, unsigned add, bool later)
{
    uint8_t *buf = malloc(size ? size : 1);
    CHECK(buf != NULL);
    if (!buf) return;
    for (size_t k = 0; k < size; k++) buf[k] = (uint8_t)(k * mul + add);
    int rc = later ? src->ops->send_later(src, to, buf, size) : transport_send(src, to, buf, size);
    CHECK(rc == TRANSPORT_OK);
    free(buf);
}

/* send_later (the opening shares no receiver decodes from, mpc/engine.c):
 * what it holds back arrives, in order with what send writes after it;
 * while the sender waits in recv (written after TRANSPORT_LATER_MS); when
 * the sender does not receive at all (its connection thread's tick); at
 * once past TLS_LATER_BYTES; when the endpoint is freed; and to itself. */
TEST(tls_send_later_arrives_in_order)
{
    Pair p;
    CHECK(pair_start(&p, 0, 0) == 0);
    CHECK_MSG(p.prc == 0 && p.crc == 0, "%s / %s", p.perr, p.cerr);
    CHECK(p.party->ops->send_later != NULL);
    if (!p.party->ops->send_later) return;
    uint32_t c = p.client->self, me = p.party->self;
    int bad = 0;
    /* held back, then written with the next send */
    send_pattern(p.party, c, 100, 3, 1, true);
    send_pattern(p.party, c, 200, 3, 2, true);
    send_pattern(p.party, c, 300, 3, 3, false);
    for (unsigned i = 1; i <= 3; i++) bad += recv_pattern(p.client, me, 100 * i, 3, i);
    /* held back while the sender waits for a message that never comes */
    send_pattern(p.party, c, 64, 5, 4, true);
    uint32_t from;
    uint8_t *msg = NULL;
    size_t len;
    CHECK(transport_recv(p.party, &from, &msg, &len, 100) == TRANSPORT_TIMEOUT);
    bad += recv_pattern(p.client, me, 64, 5, 4);
    /* ...and while it does not receive at all */
    send_pattern(p.party, c, 64, 5, 5, true);
    bad += recv_pattern(p.client, me, 64, 5, 5);
    /* more than it holds back: written at once, the earlier ones first */
    send_pattern(p.party, c, 10, 7, 6, true);
    send_pattern(p.party, c, 20000, 7, 7, true);
    bad += recv_pattern(p.client, me, 10, 7, 6);
    bad += recv_pattern(p.client, me, 20000, 7, 7);
    /* to itself */
    send_pattern(p.party, me, 33, 9, 8, true);
    bad += recv_pattern(p.party, me, 33, 9, 8);
    /* held back when the endpoint is freed: freeing writes it */
    send_pattern(p.party, c, 77, 11, 9, true);
    tls_transport_free(p.party, 5000);
    p.party = NULL;
    bad += recv_pattern(p.client, me, 77, 11, 9);
    pair_done(&p, NULL, bad);
}

/* Both ends prefer AES-128-GCM (tls.c, docs/network.md "Cipher suite"). */
TEST(tls_negotiates_aes128_gcm)
{
    Pair p;
    CHECK(pair_start(&p, 0, 0) == 0);
    CHECK_MSG(p.prc == 0 && p.crc == 0, "%s / %s", p.perr, p.cerr);
    char a[64] = "", b[64] = "";
    /* a peer is up once its hello matched; its connection loop takes the
     * SSL object a moment later */
    bool ga = false, gb = false;
    for (int i = 0; i < 500 && !(ga && gb); i++) {
        ga = ga || tls_transport_cipher(p.party, p.client->self, a, sizeof a);
        gb = gb || tls_transport_cipher(p.client, p.party->self, b, sizeof b);
        if (!(ga && gb)) usleep(10 * 1000);
    }
    CHECK(ga && gb);
    CHECK_MSG(strcmp(a, "TLS_AES_128_GCM_SHA256") == 0 && strcmp(b, a) == 0, "party: %s, client: %s", a, b);
    pair_free(&p);
}

/* The race behind a flaky net/reconnect_online: a party finished while
 * its last frames to a peer were still queued, started closing, and the
 * connection broke as those frames went out.  Closing used to stop
 * accepting first, so the peer could not come back and never got them.
 * Now the closing side waits for them to be acknowledged, resuming the
 * connection meanwhile.  Made deterministic with two hooks: the frame
 * stays queued until the party closes, and the connection is reset as it
 * is written. */
static void *free_lingering(void *arg)
{
    tls_transport_free(arg, 5000);
    return NULL;
}

TEST(tls_close_waits_for_acknowledgement)
{
    Pair p;
    CHECK(pair_start(&p, 0, 0) == 0);
    CHECK_MSG(p.prc == 0 && p.crc == 0, "%s / %s", p.perr, p.cerr);
    static const uint8_t last[] = "the last output share";
    tls_transport_test_hold(p.party, p.client->self);
    CHECK(transport_send(p.party, p.client->self, last, sizeof last) == TRANSPORT_OK);
    tls_transport_test_reset(p.party, p.client->self, 1);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, free_lingering, p.party) == 0);
    uint32_t from;
    uint8_t *msg = NULL;
    size_t len = 0;
    int rc = transport_recv(p.client, &from, &msg, &len, 4000);
    CHECK_MSG(rc == TRANSPORT_OK && len == sizeof last && memcmp(msg, last, len) == 0,
              "the client did not get the frame queued before the reset (recv %d)", rc);
    free(msg);
    pthread_join(th, NULL);
    p.party = NULL;
    pair_free(&p);
}

/* recv reads the sockets itself while it waits, and the connection
 * threads leave reading to it meanwhile (tls_io.c).  A receiver that then
 * only polls (timeout 0, as a drain loop does) reads the sockets on each
 * poll: every message arrives, in order, the first through a waiting
 * recv and the rest through polls.  The bound on polls only stops a
 * broken build. */
TEST(tls_polling_recv_reads_the_sockets)
{
    Pair p;
    CHECK(pair_start(&p, 0, 0) == 0);
    CHECK_MSG(p.prc == 0 && p.crc == 0, "%s / %s", p.perr, p.cerr);
    enum { N = 50 };
    unsigned got = 0, polls = 0, bad = 0;
    for (unsigned i = 0; i < N; i++) {
        uint8_t m[3] = { (uint8_t)i, 0x5a, (uint8_t)(i * 7) };
        CHECK(transport_send(p.party, p.client->self, m, sizeof m) == TRANSPORT_OK);
        for (; got <= i && polls < 20000; polls++) {
            uint32_t from;
            uint8_t *msg = NULL;
            size_t len = 0;
            int rc = transport_recv(p.client, &from, &msg, &len, i == 0 ? 30000 : 0);
            if (rc == TRANSPORT_TIMEOUT) {
                usleep(500);
                continue;
            }
            CHECK(rc == TRANSPORT_OK);
            bad += rc != TRANSPORT_OK || from != p.party->self || len != 3 || msg[0] != (uint8_t)got ||
                   msg[1] != 0x5a || msg[2] != (uint8_t)(got * 7);
            free(msg);
            got++;
        }
    }
    CHECK_MSG(got == N && bad == 0, "%u of %u messages arrived through polling, %u altered", got, N, bad);
    pair_free(&p);
}

/* Two threads in recv on one endpoint: one reads the sockets, the other
 * waits for what it queues.  Every message arrives exactly once. */
typedef struct {
    Transport *t;
    unsigned count;
    uint8_t seen[200];
} Receiver;

static void *receive_until_stop(void *arg)
{
    Receiver *r = arg;
    for (;;) {
        uint32_t from;
        uint8_t *msg = NULL;
        size_t len = 0;
        if (transport_recv(r->t, &from, &msg, &len, 30000) != TRANSPORT_OK) break;
        bool stop = len == 1 && msg[0] == 0xff;
        if (len == 1 && msg[0] < sizeof r->seen) r->seen[msg[0]]++;
        r->count++;
        free(msg);
        if (stop) break;
    }
    return NULL;
}

TEST(tls_two_receivers_share_the_endpoint)
{
    Pair p;
    CHECK(pair_start(&p, 0, 0) == 0);
    CHECK_MSG(p.prc == 0 && p.crc == 0, "%s / %s", p.perr, p.cerr);
    enum { N = 200 };
    Receiver a = { .t = p.client }, b = { .t = p.client };
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, receive_until_stop, &a) == 0);
    CHECK(pthread_create(&tb, NULL, receive_until_stop, &b) == 0);
    for (unsigned i = 0; i < N; i++) {
        uint8_t m = (uint8_t)i;
        CHECK(transport_send(p.party, p.client->self, &m, 1) == TRANSPORT_OK);
        if (i % 16 == 0) usleep(1000); /* let the receivers wait in between */
    }
    const uint8_t stop = 0xff;
    CHECK(transport_send(p.party, p.client->self, &stop, 1) == TRANSPORT_OK); /* one receiver ends */
    CHECK(transport_send(p.party, p.client->self, &stop, 1) == TRANSPORT_OK); /* the other */
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    unsigned once = 0;
    for (unsigned i = 0; i < N; i++) once += a.seen[i] + b.seen[i] == 1;
    CHECK_MSG(once == N && a.count + b.count == N + 2, "%u of %u messages received exactly once (%u + %u received)",
              once, N, a.count, b.count);
    pair_free(&p);
}

/* ---- in process ------------------------------------------------------------------- */

/* After the parties finished, the local session read each client's
 * outputs until a 200 ms receive timed out, one client after another (300
 * clients: a minute).  Now a client reads what is queued and then hears
 * that the parties are done. */
TEST(inproc_parties_done)
{
    InprocHub *h = inproc_hub_new(2, 2);
    CHECK(h != NULL);
    Transport *p0 = inproc_endpoint(h, 0), *p1 = inproc_endpoint(h, 1), *c0 = inproc_endpoint(h, 2);
    const uint8_t hi[3] = { 1, 2, 3 };
    CHECK(transport_send(p0, 2, hi, sizeof hi) == TRANSPORT_OK);
    CHECK(transport_send(p0, 1, hi, sizeof hi) == TRANSPORT_OK);
    inproc_hub_parties_done(h);
    uint32_t from = 99;
    uint8_t *msg = NULL;
    size_t len = 0;
    CHECK(transport_recv(c0, &from, &msg, &len, 30000) == TRANSPORT_OK && from == 0 && len == 3);
    free(msg);
    CHECK(transport_recv(c0, &from, &msg, &len, 30000) == TRANSPORT_PEERS_GONE);
    /* parties themselves are not affected: they still time out normally */
    CHECK(transport_recv(p1, &from, &msg, &len, 30000) == TRANSPORT_OK);
    free(msg);
    CHECK(transport_recv(p1, &from, &msg, &len, 10) == TRANSPORT_TIMEOUT);
    inproc_hub_free(h);
}

int main(void)
{
    RUN(hello_version_and_inputs);
    RUN(tls_wrong_input_count_refused);
    RUN(tls_client_stops_when_parties_leave);
    RUN(tls_reused_buffers_keep_messages_intact);
    RUN(tls_negotiates_aes128_gcm);
    RUN(tls_send_many_keeps_order);
    RUN(tls_send_later_arrives_in_order);
    RUN(tls_close_waits_for_acknowledgement);
    RUN(tls_polling_recv_reads_the_sockets);
    RUN(tls_two_receivers_share_the_endpoint);
    RUN(inproc_parties_done);
    return unit_report();
}
