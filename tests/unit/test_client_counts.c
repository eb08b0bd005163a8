/* test_client_counts.c: the parties' agreement on the input counts the
 * clients declared (mpc_agree_client_inputs, src/mpc/client.c) over the
 * in-process transport: consistent counts pass, a client that declared
 * different counts to different parties (or too many) is refused by every
 * party and told so, a silent party is named. */
#include <string.h>

#include "mpc_sim.h"
#include "unit.h"

typedef struct {
    uint32_t n;
    uint32_t cin[2];               /* the counts the engines are made with */
    uint32_t declared[SIM_MAX][2]; /* what party i saw from clients 0 and 1 */
    uint32_t max;
    int client_timeout_ms[2]; /* how long each client reads (a refused one stops early) */
    int absent;               /* 1 + a party that never starts, 0: none */
} Case;

static void agree_party(Node *p)
{
    Case *c = p->sim->ctx;
    if (mpc_agree_client_inputs(p->e, c->declared[p->id], c->max) != 0) node_fail(p, "agree");
}

/* aux[0]: 1 if t+1 parties refused this client; err: the reason */
static void refusal_client(Node *p)
{
    Case *c = p->sim->ctx;
    p->aux[0] = (uint64_t)mpc_client_refusals(p->tr, F(), p->sim->n, p->sim->t, c->client_timeout_ms[p->id - p->sim->n],
                                              p->err, sizeof p->err);
}

/* Every party saw c0 and c1; clients read for t0 / t1 ms. */
static Case make_case(uint32_t n, uint32_t c0, uint32_t c1, uint32_t max, int t0, int t1)
{
    Case c = { .n = n, .cin = { c0, c1 }, .max = max, .client_timeout_ms = { t0, t1 } };
    for (uint32_t i = 0; i < n; i++) {
        c.declared[i][0] = c0;
        c.declared[i][1] = c1;
    }
    return c;
}

static void run_case(Sim *s, Case *c)
{
    memset(s, 0, sizeof *s);
    s->n = c->n;
    s->t = (c->n - 1) / 3;
    s->nc = 2;
    s->cin = c->cin;
    s->ctx = c;
    s->party_fn = agree_party;
    s->client_fn = refusal_client;
    if (c->absent) {
        s->absent[c->absent - 1] = 1;
        s->timeout_ms = 1000;
    }
    sim_run(s);
}

TEST(consistent)
{
    static Sim s;
    Case c = make_case(4, 2, 3, 100, 300, 300);
    run_case(&s, &c);
    for (uint32_t i = 0; i < 4; i++) CHECK(s.node[i].rc == 0);
    CHECK(s.node[4].aux[0] == 0 && s.node[5].aux[0] == 0);
    sim_free(&s);
}

TEST(inconsistent)
{
    static Sim s;
    Case c = make_case(4, 2, 3, 100, 300, 10000);
    c.declared[3][1] = 2; /* client 1 told party 3 it has 2 */
    run_case(&s, &c);
    for (uint32_t i = 0; i < 4; i++) {
        CHECK(s.node[i].rc != 0);
        CHECK(strstr(s.node[i].err,
                     "client 1 declared different input counts to different parties (3 to parties 0, 1, 2; 2 to "
                     "party 3): refused") != NULL);
    }
    CHECK(s.node[5].aux[0] == 1 && strstr(s.node[5].err, "different input counts") != NULL);
    CHECK(s.node[4].aux[0] == 0); /* the honest client is not refused */
    sim_free(&s);
}

TEST(too_many)
{
    static Sim s;
    Case c = make_case(7, 2, 5, 4, 300, 10000);
    run_case(&s, &c);
    for (uint32_t i = 0; i < 7; i++)
        CHECK(s.node[i].rc != 0 && strstr(s.node[i].err, "client 1 declared 5 inputs, more than 4") != NULL);
    CHECK(s.node[8].aux[0] == 1 && strstr(s.node[8].err, "more inputs than a client may send") != NULL);
    sim_free(&s);
}

TEST(silent_party)
{
    static Sim s;
    Case c = make_case(4, 1, 1, 100, 200, 200);
    c.absent = 3; /* party 2 */
    run_case(&s, &c);
    for (uint32_t i = 0; i < 4; i++)
        if (i != 2)
            CHECK(s.node[i].rc != 0 && strstr(s.node[i].err, "party 2 did not broadcast the input counts") != NULL);
    sim_free(&s);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(consistent);
    RUN(inconsistent);
    RUN(too_many);
    RUN(silent_party);
    return unit_report();
}
