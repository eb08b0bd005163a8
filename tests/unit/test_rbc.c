/* test_rbc.c: Bracha reliable broadcast (src/mpc/rbc.c) on a simulated
 * network with adversarial schedules, and through the MPC engine over the
 * in-process transport. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/rbc.h"
#include "mpc_sim.h"
#include "unit.h"

/* ---- a simulated network of Rbc state machines --------------------------------- */

#define NET_MAX 16

typedef struct {
    uint32_t from, to;
    uint8_t *msg;
    size_t len;
} Packet;

typedef struct Net Net;
typedef struct {
    Net *net;
    uint32_t id;
} Ep;

struct Net {
    uint32_t n, t;
    Rbc *r[NET_MAX]; /* NULL: faulty or silent (messages crafted by the test) */
    Ep ep[NET_MAX];
    Packet *q;
    size_t nq, cap;
    int rejected; /* rbc_handle returned -1 */
};

static void enqueue(Net *net, uint32_t from, uint32_t to, const uint8_t *m, size_t len)
{
    if (net->nq == net->cap) {
        net->cap = net->cap ? 2 * net->cap : 256;
        net->q = realloc(net->q, net->cap * sizeof *net->q);
    }
    Packet *p = &net->q[net->nq++];
    p->from = from;
    p->to = to;
    p->msg = malloc(len ? len : 1);
    memcpy(p->msg, m, len);
    p->len = len;
}

static int net_send(void *ctx, uint32_t to, const uint8_t *m, size_t len)
{
    Ep *ep = ctx;
    Net *net = ep->net;
    for (uint32_t j = 0; j < net->n; j++)
        if (j != ep->id && (to == RBC_ALL || to == j)) enqueue(net, ep->id, j, m, len);
    return 0;
}

/* Honest parties are those with an Rbc; `honest` is a bit mask. */
static void net_init(Net *net, uint32_t n, uint32_t t, uint32_t honest)
{
    memset(net, 0, sizeof *net);
    net->n = n;
    net->t = t;
    for (uint32_t i = 0; i < n; i++) {
        net->ep[i] = (Ep){ net, i };
        net->r[i] = (honest >> i) & 1 ? rbc_new(n, t, i, net_send, &net->ep[i]) : NULL;
    }
}

static void net_free(Net *net)
{
    for (uint32_t i = 0; i < net->n; i++) rbc_free(net->r[i]);
    for (size_t i = 0; i < net->nq; i++) free(net->q[i].msg);
    free(net->q);
}

/* Delivers queued packets in a random order until none is left. */
static void net_drain(Net *net)
{
    while (net->nq) {
        size_t k = randombytes_uniform((uint32_t)net->nq);
        Packet p = net->q[k];
        net->q[k] = net->q[--net->nq];
        if (net->r[p.to] && rbc_handle(net->r[p.to], p.from, p.msg, p.len) == -1) net->rejected++;
        free(p.msg);
    }
}

/* A hand-made protocol message from a faulty party. */
static size_t craft(uint8_t *buf, uint8_t type, uint32_t origin, uint64_t session, const char *m)
{
    size_t len = strlen(m);
    memset(buf, 0, RBC_HDR);
    buf[0] = type;
    for (int i = 0; i < 4; i++) buf[4 + i] = (uint8_t)(origin >> (8 * i));
    for (int i = 0; i < 8; i++) buf[8 + i] = (uint8_t)(session >> (8 * i));
    for (int i = 0; i < 4; i++) buf[16 + i] = (uint8_t)(len >> (8 * i));
    memcpy(buf + RBC_HDR, m, len);
    return RBC_HDR + len;
}

static void faulty_say(Net *net, uint32_t f, uint32_t to, uint8_t type, uint32_t origin, const char *m)
{
    uint8_t buf[RBC_HDR + 64];
    size_t len = craft(buf, type, origin, 0, m);
    enqueue(net, f, to, buf, len);
}

/* Origin 0 and faulty colluders 1..t-1 tell every honest party i "A" if
 * (split >> i) & 1 else "B", in every message kind. */
static void equivocate(Net *net, uint32_t split)
{
    for (uint32_t f = 0; f < net->t; f++)
        for (uint32_t i = net->t; i < net->n; i++) {
            const char *m = (split >> i) & 1 ? "A" : "B";
            if (f == 0) faulty_say(net, f, i, 1, 0, m);
            faulty_say(net, f, i, 2, 0, m);
            faulty_say(net, f, i, 3, 0, m);
        }
}

/* Over many random splits and schedules: no two honest parties deliver
 * different messages for the equivocating origin's session. */
static void check_agreement(uint32_t n, uint32_t t, int schedules)
{
    int disagreements = 0, delivered_runs = 0, all_or_none_broken = 0;
    for (int s = 0; s < schedules; s++) {
        Net net;
        uint32_t honest = ((1u << n) - 1) & ~((1u << t) - 1); /* parties t..n-1 */
        net_init(&net, n, t, honest);
        equivocate(&net, randombytes_random());
        net_drain(&net);
        char got[NET_MAX] = { 0 };
        int count = 0;
        for (uint32_t i = t; i < n; i++) {
            uint32_t from;
            uint8_t *m;
            size_t len;
            if (rbc_take(net.r[i], 0, &from, &m, &len) == 1) {
                got[i] = len == 1 ? (char)m[0] : '?';
                count++;
                free(m);
            }
        }
        for (uint32_t i = t; i < n; i++)
            for (uint32_t j = t; j < n; j++)
                if (got[i] && got[j] && got[i] != got[j]) disagreements++;
        /* totality: once the queue is empty, one honest delivery means all */
        if (count && count != (int)(n - t)) all_or_none_broken++;
        delivered_runs += count > 0;
        net_free(&net);
    }
    CHECK_MSG(disagreements == 0, "n=%u t=%u: honest parties delivered different messages (%d pairs)", n, t,
              disagreements);
    CHECK_MSG(all_or_none_broken == 0, "n=%u t=%u: %d runs where only some honest parties delivered", n, t,
              all_or_none_broken);
    /* the test must exercise delivery too, not only silence */
    CHECK_MSG(delivered_runs > 0, "n=%u t=%u: no run delivered anything", n, t);
}

TEST(equivocating_sender)
{
    check_agreement(4, 1, 300);
    check_agreement(7, 1, 300); /* n > 3t+1: needs the (n+t+1)/2 echo threshold */
    check_agreement(7, 2, 300);
}

/* An honest origin is delivered by all honest parties with t silent. */
static void check_silent(uint32_t n, uint32_t t)
{
    Net net;
    uint32_t honest = (1u << (n - t)) - 1; /* the last t are silent */
    net_init(&net, n, t, honest);
    uint64_t session = 99;
    CHECK(rbc_broadcast(net.r[0], (const uint8_t *)"hello", 5, &session) == 0 && session == 0);
    CHECK(rbc_broadcast(net.r[0], (const uint8_t *)"second", 6, &session) == 0 && session == 1);
    net_drain(&net);
    for (uint32_t i = 0; i < n - t; i++) {
        uint32_t from = 77;
        uint8_t *m = NULL;
        size_t len = 0;
        CHECK_MSG(rbc_take(net.r[i], 0, &from, &m, &len) == 1 && from == 0 && len == 5 && memcmp(m, "hello", 5) == 0,
                  "n=%u t=%u party %u did not deliver", n, t, i);
        free(m);
        CHECK(rbc_take(net.r[i], 0, &from, &m, &len) == 1 && len == 6 && memcmp(m, "second", 6) == 0);
        free(m);
        CHECK(rbc_take(net.r[i], 0, &from, &m, &len) == 0);
        /* receive_any skips one's own broadcasts */
        CHECK(rbc_take(net.r[i], RBC_ANY, &from, &m, &len) == 0 || (free(m), i != 0));
    }
    CHECK(net.rejected == 0);
    net_free(&net);
    if (n != 3 * t + 1) return;
    /* at n = 3t+1, with t+1 silent an honest origin is not delivered (the bound is tight) */
    net_init(&net, n, t, (1u << (n - t - 1)) - 1);
    CHECK(rbc_broadcast(net.r[0], (const uint8_t *)"x", 1, &session) == 0);
    net_drain(&net);
    uint32_t from;
    uint8_t *m;
    size_t len;
    CHECK(rbc_take(net.r[1], 0, &from, &m, &len) == 0);
    net_free(&net);
}

TEST(silent_parties)
{
    check_silent(4, 1);
    check_silent(7, 2);
    check_silent(7, 1);
}

TEST(receive_any_order)
{
    Net net;
    net_init(&net, 4, 1, 0xf);
    uint64_t s;
    rbc_broadcast(net.r[2], (const uint8_t *)"2a", 2, &s);
    rbc_broadcast(net.r[2], (const uint8_t *)"2b", 2, &s);
    rbc_broadcast(net.r[1], (const uint8_t *)"1a", 2, &s);
    rbc_broadcast(net.r[3], (const uint8_t *)"", 0, &s);
    net_drain(&net);
    const char *want[] = { "1a", "2a", "", "2b" };
    uint32_t wfrom[] = { 1, 2, 3, 2 };
    for (int k = 0; k < 4; k++) {
        uint32_t from = 99;
        uint8_t *m = NULL;
        size_t len = 9;
        CHECK(rbc_take(net.r[0], RBC_ANY, &from, &m, &len) == 1 && from == wfrom[k] && len == strlen(want[k]) &&
              memcmp(m, want[k], len) == 0);
        free(m);
    }
    net_free(&net);
}

/* A party that only uses receive_any never takes its own broadcasts: they
 * make room once delivered, so it can go on broadcasting. */
TEST(own_broadcasts_make_room)
{
    Net net;
    net_init(&net, 4, 1, 0xf);
    for (int k = 0; k < RBC_WINDOW + 10; k++) {
        uint64_t s = 0;
        CHECK_MSG(rbc_broadcast(net.r[0], (const uint8_t *)"m", 1, &s) == 0 && s == (uint64_t)k, "broadcast %d: %s", k,
                  rbc_error(net.r[0]));
        net_drain(&net);
        for (uint32_t i = 1; i < 4; i++) {
            uint32_t from;
            uint8_t *m;
            size_t len;
            CHECK(rbc_take(net.r[i], RBC_ANY, &from, &m, &len) == 1 && from == 0);
            free(m);
        }
    }
    /* the newest own broadcasts are still there for receive(self) */
    uint32_t from;
    uint8_t *m;
    size_t len;
    CHECK(rbc_take(net.r[0], 0, &from, &m, &len) == 1 && len == 1);
    free(m);
    net_free(&net);
    /* undelivered ones do not make room: the 257th is refused */
    net_init(&net, 4, 1, 0x1);
    int refused = -1;
    for (int k = 0; k <= RBC_WINDOW && refused < 0; k++) {
        uint64_t s;
        if (rbc_broadcast(net.r[0], (const uint8_t *)"m", 1, &s) != 0) refused = k;
    }
    CHECK(refused == RBC_WINDOW && strstr(rbc_error(net.r[0]), "still in progress"));
    net_free(&net);
}

TEST(bad_messages)
{
    Net net;
    net_init(&net, 4, 1, 0xf);
    Rbc *r = net.r[1];
    uint8_t buf[RBC_HDR + 64];
    size_t len = craft(buf, 1, 0, 0, "hi");
    CHECK(rbc_handle(r, 9, buf, len) == -1);
    CHECK_STR(rbc_error(r), "broadcast message from node 9, which is not a party (n=4)");
    CHECK(rbc_handle(r, 0, buf, 10) == -1 &&
          strstr(rbc_error(r), "party 0: broadcast message of 10 bytes is too short"));
    buf[0] = 7;
    CHECK(rbc_handle(r, 0, buf, len) == -1 && strstr(rbc_error(r), "party 0: malformed broadcast message (type 7)"));
    buf[0] = 1;
    CHECK(rbc_handle(r, 0, buf, len - 1) == -1 &&
          strstr(rbc_error(r), "party 0: broadcast message length 2 does not match"));
    uint8_t padded[RBC_HDR + 64] = { 0 };
    memcpy(padded, buf, len);
    padded[len + 3] = 1;
    CHECK(rbc_handle(r, 0, padded, len + 8) == -1 && strstr(rbc_error(r), "(padding)"));
    CHECK(rbc_handle(r, 2, buf, len) == -1 && strstr(rbc_error(r), "party 2: sent a SEND for party 0's broadcast"));
    len = craft(buf, 2, 5, 0, "hi");
    CHECK(rbc_handle(r, 2, buf, len) == -1 &&
          strstr(rbc_error(r), "party 2: broadcast of party 5, which is not a party"));
    len = craft(buf, 2, 0, RBC_WINDOW, "hi");
    CHECK(rbc_handle(r, 2, buf, len) == -1 && strstr(rbc_error(r), "is too far ahead"));
    len = craft(buf, 2, 0, 0, "hi");
    CHECK(rbc_handle(r, 2, buf, len) == 0);
    CHECK(rbc_handle(r, 2, buf, len) == 0); /* a repeat is harmless */
    len = craft(buf, 2, 0, 0, "ho");
    CHECK(rbc_handle(r, 2, buf, len) == -1 &&
          strstr(rbc_error(r), "party 2: sent two different ECHO messages for session 0 of party 0"));
    /* padding of up to 31 zero bytes is accepted */
    memset(padded, 0, sizeof padded);
    len = craft(padded, 3, 0, 0, "hi");
    CHECK(rbc_handle(r, 3, padded, len + 30) == 0);
    CHECK(rbc_handle(r, 3, padded, len + 32) == -1);
    net_free(&net);
}

/* ---- through the engine, over the in-process transport ----------------------------- */

/* Every party broadcasts "m<id>" and receives every party's in turn. */
static void all_broadcast(Node *p)
{
    char m[16];
    snprintf(m, sizeof m, "m%u", p->id);
    uint64_t session = 99;
    TRY(p, mpc_rbc_broadcast(p->e, (const uint8_t *)m, strlen(m), &session));
    p->aux[7] = session;
    for (uint32_t j = 0; j < p->sim->n; j++) {
        if (p->sim->fault[j] == MPC_FAULT_SILENT) continue;
        uint32_t from;
        uint8_t *msg;
        size_t len;
        int got = mpc_rbc_receive(p->e, j, 20000, &from, &msg, &len);
        if (got != 1) {
            node_fail(p, "receive");
            return;
        }
        char want[16];
        snprintf(want, sizeof want, "m%u", j);
        p->aux[j % 7] += from == j && len == strlen(want) && memcmp(msg, want, len) == 0;
        free(msg);
    }
}

static void engine_round(uint32_t n, uint32_t t, uint32_t silent)
{
    Sim s;
    memset(&s, 0, sizeof s);
    s.n = n;
    s.t = t;
    s.party_fn = all_broadcast;
    for (uint32_t i = n - silent; i < n; i++) s.fault[i] = MPC_FAULT_SILENT;
    sim_run(&s);
    for (uint32_t i = 0; i < n - silent; i++) {
        Node *p = &s.node[i];
        CHECK_MSG(p->rc == 0, "n=%u party %u: %s", n, i, p->err);
        CHECK(p->aux[7] == 0);
        uint64_t ok = 0;
        for (int k = 0; k < 7; k++) ok += p->aux[k];
        CHECK_MSG(ok == n - silent, "n=%u party %u received %llu of %u right", n, i, (unsigned long long)ok,
                  n - silent);
    }
    sim_free(&s);
}

TEST(engine_broadcast)
{
    engine_round(4, 1, 0);
    engine_round(7, 2, 0);
    engine_round(4, 1, 1);
    engine_round(7, 2, 2);
}

/* A client node and a party send broadcast frames that are refused; the
 * receiver's timeout error names them. */
static void bad_sender_party(Node *p)
{
    if (p->id == 3) {
        uint8_t frame[MPC_HDR + 32] = { 0 };
        wire_put_hdr(frame, MK_RBC, 1, 0x5eed, 0);
        frame[MPC_HDR] = 9; /* no such message type */
        for (uint32_t j = 0; j < 3; j++) transport_send(p->tr, j, frame, sizeof frame);
        return;
    }
    uint32_t from;
    uint8_t *msg;
    size_t len;
    int got = mpc_rbc_receive(p->e, 3, 1500, &from, &msg, &len);
    p->aux[0] = (uint64_t)(got + 10);
    snprintf(p->err, sizeof p->err, "%s", mpc_error(p->e));
    got = mpc_rbc_receive(p->e, MPC_RBC_ANY, 300, &from, &msg, &len);
    p->aux[1] = (uint64_t)(got + 10);
}

static void bad_sender_client(Node *c)
{
    uint8_t frame[MPC_HDR + 32] = { 0 };
    wire_put_hdr(frame, MK_RBC, 1, 0x5eed, 0);
    frame[MPC_HDR] = 1;
    frame[MPC_HDR + 4] = 0; /* claims origin 0 */
    transport_send(c->tr, 0, frame, sizeof frame);
    transport_send(c->tr, 1, frame, sizeof frame);
    transport_send(c->tr, 2, frame, sizeof frame);
}

TEST(engine_refuses)
{
    Sim s;
    memset(&s, 0, sizeof s);
    s.n = 4;
    s.t = 1;
    s.nc = 1;
    uint32_t cin[1] = { 0 };
    s.cin = cin;
    s.party_fn = bad_sender_party;
    s.client_fn = bad_sender_client;
    sim_run(&s);
    for (uint32_t i = 0; i < 3; i++) {
        Node *p = &s.node[i];
        CHECK_MSG(p->aux[0] == 10 && strstr(p->err, "party 3: malformed broadcast message (type 9)"), "party %u: %s", i,
                  p->err);
        CHECK(p->aux[1] == 10); /* nothing delivered */
        CHECK_MSG(strstr(p->err, "broadcast message from node 4, which is not a party (n=4)"),
                  "party %u: the client was not named: %s", i, p->err);
        CHECK(p->st.bad_messages >= 2);
    }
    sim_free(&s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(equivocating_sender);
    RUN(silent_parties);
    RUN(receive_any_order);
    RUN(own_broadcasts_make_room);
    RUN(bad_messages);
    RUN(engine_broadcast);
    RUN(engine_refuses);
    return unit_report();
}
