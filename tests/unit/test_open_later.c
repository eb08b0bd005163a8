/* test_open_later.c: online openings over TLS send the shares no receiver
 * decodes from with send_later (mpc/engine.c, "openings' shares"), so a
 * receiver whose ring lets it down depends on the held-back shares coming
 * anyway.  4 parties (t = 1) as threads, each with its own TLS endpoint on
 * 127.0.0.1; party 3 faulty in the online phase.  Parties 0 and 1 decode
 * from party 3 (their rings are {3, 2} and {0, 3}), so every opening they
 * make needs party 1's or party 2's held-back share; every product must
 * still be right at the honest parties, and both must end up asking for
 * every share at once (MK_EAGER).  The same with rounds of BIG
 * multiplications, whose messages pass MPC_LATER_MAX_BYTES: there the
 * other shares are held back until asked for (mpc/hold.c, MK_WANT). */
#include "unit.h"

#include "free_port.h"

#include "mpc/engine.h"
#include "mpc/engine_internal.h" /* mpc_test_set_fault */
#include "net/roster.h"
#include "net/tls.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

enum { N = 4, T = 1, MULS = 100, BIG = 300, BIG_ROUNDS = 80 };

typedef struct {
    uint32_t id;
    const Roster *roster;
    char key[160], cert[160];
    MpcFault fault;
    int width;                     /* multiplications per round: 1, or BIG */
    int linger_ms;                 /* > 0: the fault starts at the last opening; the others
                                      then send what they hold and wait this long */
    int failed;                    /* setup or a protocol step failed (err says which) */
    int wrong;                     /* products that did not open to x·y */
    uint64_t asked;                /* MpcStats.eager_asked */
    uint64_t want_asked, withheld; /* MpcStats.shares_asked, shares_withheld */
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
    MpcConfig mc = { .n = N,
                     .t = T,
                     .party = p->id,
                     .instance_id = 7,
                     .timeout_ms = p->linger_ms ? p->linger_ms / 2 : 20000,
                     .fault = p->linger_ms ? MPC_FAULT_NONE : p->fault };
    MpcEngine *e = mpc_engine_new(&mc, tr, NULL);
    const Field *f = field_default();
    static _Thread_local Fe in[3 * BIG], out[3 * BIG];
    Fe prod;
    size_t w = (size_t)p->width, rounds = w == 1 ? MULS : p->linger_ms ? 4 : BIG_ROUNDS;
    Fe *x = in, *y = in + w, *z = in + 2 * w; /* then opened together */
    if (!e || mpc_preprocess(e, rounds * w + 8, 16, 0) != 0) goto fail;
    for (size_t i = 0; i < rounds; i++) {
        if (mpc_random(e, x, w) != 0 || mpc_random(e, y, w) != 0) goto fail;
        if (mpc_round(e, NULL, 0, NULL, x, y, w, z) != 0) goto fail;
        if (p->linger_ms && i + 1 == rounds) mpc_test_set_fault(e, p->fault);
        if (mpc_round(e, in, 3 * w, out, NULL, NULL, 0, NULL) != 0) goto fail;
        for (size_t k = 0; k < w; k++) {
            fe_mul(f, &prod, &out[k], &out[w + k]);
            p->wrong += !fe_equal(&prod, &out[2 * w + k]);
        }
    }
    MpcStats st = mpc_stats(e);
    p->asked = st.eager_asked;
    p->want_asked = st.shares_asked;
    p->withheld = st.shares_withheld;
    if (p->linger_ms) { /* done with its openings, as a session delivering outputs */
        mpc_send_held(e);
        usleep((useconds_t)p->linger_ms * 1000);
    }
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

/* One session with party 3 given `fault`, `width` multiplications per
 * round; the parties' outcomes in ps. */
static void session(MpcFault fault, int width, int linger_ms, Party ps[N])
{
    char dir[64] = "/tmp/stoffel-later-XXXXXX", text[2048], err[512];
    CHECK(mkdtemp(dir) != NULL);
    size_t k = 0;
    for (uint32_t i = 0; i < N; i++) {
        Party *p = &ps[i];
        memset(p, 0, sizeof *p);
        p->id = i;
        p->fault = i == N - 1 ? fault : MPC_FAULT_NONE;
        p->width = width;
        p->linger_ms = linger_ms;
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
        CHECK_MSG(ps[i].wrong == 0, "party %u: %d products wrong", i, ps[i].wrong);
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
    session(MPC_FAULT_WRONG_SHARES, 1, 0, ps);
    check_honest(ps);
}

/* Party 3 sends nothing in the online phase: every opening at parties 0
 * and 1 waits for a held-back share, until MPC_EAGER_AFTER of them in a
 * row make them ask. */
TEST(silent_party_over_tls)
{
    Party ps[N];
    session(MPC_FAULT_SILENT, 1, 0, ps);
    check_honest(ps);
}

/* No fault: every product right, whatever the timing. */
TEST(no_fault_over_tls)
{
    Party ps[N];
    session(MPC_FAULT_NONE, 1, 0, ps);
    for (uint32_t i = 0; i < N; i++) {
        CHECK_MSG(!ps[i].failed, "party %u: %s", i, ps[i].err);
        CHECK_MSG(ps[i].wrong == 0, "party %u: %d products wrong", i, ps[i].wrong);
    }
}

/* Large openings: parties 0 and 1 must ask for the held-back shares
 * (MK_WANT) before they can decode, and then ask for everything. */
static void check_big(const Party ps[N])
{
    check_honest(ps);
    for (uint32_t i = 0; i < 2; i++)
        CHECK_MSG(ps[i].want_asked >= 1, "party %u asked for held-back shares %llu times", i,
                  (unsigned long long)ps[i].want_asked);
}

TEST(big_wrong_shares_over_tls)
{
    Party ps[N];
    session(MPC_FAULT_WRONG_SHARES, BIG, 0, ps);
    check_big(ps);
}

TEST(big_silent_party_over_tls)
{
    Party ps[N];
    session(MPC_FAULT_SILENT, BIG, 0, ps);
    check_big(ps);
}

/* No fault: every product right, and every party held back shares its
 * receiver never needed (sent a third fewer messages). */
TEST(big_no_fault_over_tls)
{
    Party ps[N];
    session(MPC_FAULT_NONE, BIG, 0, ps);
    for (uint32_t i = 0; i < N; i++) {
        CHECK_MSG(!ps[i].failed, "party %u: %s", i, ps[i].err);
        CHECK_MSG(ps[i].wrong == 0, "party %u: %d products wrong", i, ps[i].wrong);
        CHECK_MSG(ps[i].withheld >= BIG_ROUNDS / 2, "party %u: %llu of %d messages held back and never sent", i,
                  (unsigned long long)ps[i].withheld, 2 * BIG_ROUNDS);
    }
}

/* Party 3 silent from the last opening on, and every party lingers 4 s
 * (twice the timeout) after it: party 1 can only finish with party 2's
 * held-back share, and party 2 is done with its openings by then, so it
 * must have sent it with mpc_send_held (as session.c does before it
 * delivers outputs); party 0 likewise needs party 1's. */
TEST(big_silent_at_the_end_over_tls)
{
    Party ps[N];
    session(MPC_FAULT_SILENT, BIG, 4000, ps);
    for (uint32_t i = 0; i + 1 < N; i++) {
        CHECK_MSG(!ps[i].failed, "party %u: %s", i, ps[i].err);
        CHECK_MSG(ps[i].wrong == 0, "party %u: %d products wrong", i, ps[i].wrong);
    }
}

int main(void)
{
    RUN(no_fault_over_tls);
    RUN(wrong_shares_over_tls);
    RUN(silent_party_over_tls);
    RUN(big_no_fault_over_tls);
    RUN(big_wrong_shares_over_tls);
    RUN(big_silent_party_over_tls);
    RUN(big_silent_at_the_end_over_tls);
    return unit_report();
}
