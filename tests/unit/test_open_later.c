/* test_open_later.c: online openings over TLS send the shares no receiver
 * decodes from with send_later (mpc/engine.c, "openings' shares"), so a
 * receiver whose ring lets it down depends on the held-back shares coming
 * anyway.  4 parties (t = 1) as threads, each with its own TLS endpoint on
 * 127.0.0.1; party 3 faulty in the online phase.  Parties 0 and 1 decode
 * from party 3 (their rings are {3, 2} and {0, 3}), so every opening they
 * make needs party 1's or party 2's held-back share; every product must
 * still be right at the honest parties, and both must end up asking for
 * every share at once (MK_EAGER). */
#include "unit.h"

#include "free_port.h"

#include "mpc/engine.h"
#include "net/roster.h"
#include "net/tls.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

enum { N = 4, T = 1, MULS = 100 };

typedef struct {
    uint32_t id;
    const Roster *roster;
    char key[160], cert[160];
    MpcFault fault;
    int failed;     /* setup or a protocol step failed (err says which) */
    int wrong;      /* products that did not open to x·y */
    uint64_t asked; /* MpcStats.eager_asked */
    char err[512];
} Party;

static void *run_party(void *arg)
{
    Party *p = arg;
    TlsNetConfig tc = { .roster = p->roster,
                        .self = p->id,
                        .key_path = p->key,
                        .cert_path = p->cert,
                        .params = "later",
                        .program = "later",
                        .quiet = true };
    Transport *tr = tls_transport_new(&tc, p->err, sizeof p->err);
    if (!tr || tls_transport_wait_peers(tr, false, 20000, p->err, sizeof p->err) != 0) {
        p->failed = 1;
        if (tr) tls_transport_free(tr, 0);
        return NULL;
    }
    MpcConfig mc = { .n = N, .t = T, .party = p->id, .instance_id = 7, .timeout_ms = 20000, .fault = p->fault };
    MpcEngine *e = mpc_engine_new(&mc, tr, NULL);
    const Field *f = field_default();
    Fe x, y, z, in[3], out[3], prod;
    if (!e || mpc_preprocess(e, MULS + 8, 16, 0) != 0) goto fail;
    for (int i = 0; i < MULS; i++) {
        if (mpc_random(e, &x, 1) != 0 || mpc_random(e, &y, 1) != 0) goto fail;
        if (mpc_round(e, NULL, 0, NULL, &x, &y, 1, &z) != 0) goto fail;
        in[0] = x, in[1] = y, in[2] = z;
        if (mpc_round(e, in, 3, out, NULL, NULL, 0, NULL) != 0) goto fail;
        fe_mul(f, &prod, &out[0], &out[1]);
        p->wrong += !fe_equal(&prod, &out[2]);
    }
    p->asked = mpc_stats(e).eager_asked;
    mpc_engine_free(e);
    tls_transport_free(tr, 5000);
    return NULL;
fail:
    p->failed = 1;
    snprintf(p->err, sizeof p->err, "%s", e ? mpc_error(e) : "cannot create the engine");
    if (e) mpc_engine_free(e);
    tls_transport_free(tr, 0);
    return NULL;
}

/* One session with party 3 given `fault`; the parties' outcomes in ps. */
static void session(MpcFault fault, Party ps[N])
{
    char dir[64] = "/tmp/stoffel-later-XXXXXX", text[2048], err[512];
    CHECK(mkdtemp(dir) != NULL);
    size_t k = 0;
    for (uint32_t i = 0; i < N; i++) {
        Party *p = &ps[i];
        memset(p, 0, sizeof *p);
        p->id = i;
        p->fault = i == N - 1 ? fault : MPC_FAULT_NONE;
        snprintf(p->key, sizeof p->key, "%s/p%u.key", dir, i);
        snprintf(p->cert, sizeof p->cert, "%s/p%u.crt", dir, i);
        uint8_t id[NET_KEY_ID_LEN];
        char hex[65];
        CHECK(tls_keygen(p->key, p->cert, "party", id, err, sizeof err) == 0);
        net_hex(id, sizeof id, hex);
        k += (size_t)snprintf(text + k, sizeof text - k, "party %u 127.0.0.1:%d %s\n", i, free_port(), hex);
    }
    Roster r;
    CHECK(roster_parse(text, k, &r, err, sizeof err) == 0);
    pthread_t th[N];
    for (uint32_t i = 0; i < N; i++) {
        ps[i].roster = &r;
        CHECK(pthread_create(&th[i], NULL, run_party, &ps[i]) == 0);
    }
    for (uint32_t i = 0; i < N; i++) pthread_join(th[i], NULL);
    roster_free(&r);
    for (uint32_t i = 0; i < N; i++) {
        unlink(ps[i].key);
        unlink(ps[i].cert);
    }
    rmdir(dir);
}

static void check_honest(const Party ps[N])
{
    for (uint32_t i = 0; i + 1 < N; i++) {
        CHECK_MSG(!ps[i].failed, "party %u: %s", i, ps[i].err);
        CHECK_MSG(ps[i].wrong == 0, "party %u: %d of %d products wrong", i, ps[i].wrong, MULS);
    }
    /* parties 0 and 1 decode from party 3: they ask the parties that hold
     * their shares back (party 1, resp. party 2) */
    CHECK_MSG(ps[0].asked == 1 && ps[1].asked == 1, "asked for every share at once: %llu, %llu",
              (unsigned long long)ps[0].asked, (unsigned long long)ps[1].asked);
}

/* Party 3 sends random values: proven faulty in the first opening that
 * uses its share, excluded, and the ask follows at once. */
TEST(wrong_shares_over_tls)
{
    Party ps[N];
    session(MPC_FAULT_WRONG_SHARES, ps);
    check_honest(ps);
}

/* Party 3 sends nothing in the online phase: every opening at parties 0
 * and 1 waits for a held-back share, until MPC_EAGER_AFTER of them in a
 * row make them ask. */
TEST(silent_party_over_tls)
{
    Party ps[N];
    session(MPC_FAULT_SILENT, ps);
    check_honest(ps);
}

/* No fault: every product right, whatever the timing. */
TEST(no_fault_over_tls)
{
    Party ps[N];
    session(MPC_FAULT_NONE, ps);
    for (uint32_t i = 0; i < N; i++) {
        CHECK_MSG(!ps[i].failed, "party %u: %s", i, ps[i].err);
        CHECK_MSG(ps[i].wrong == 0, "party %u: %d of %d products wrong", i, ps[i].wrong, MULS);
    }
}

int main(void)
{
    RUN(no_fault_over_tls);
    RUN(wrong_shares_over_tls);
    RUN(silent_party_over_tls);
    return unit_report();
}
