/* avss.c: Feldman-verifiable dealings and the distributed random sharing
 * (avss.h; the protocol and its reasoning: docs/avss.md).  Four stages,
 * all messages bound to the call's sequence number and broadcast by every
 * party in this order:
 *   1. deal: a(j+1) to party j (MK_AVSS), commitments by reliable broadcast
 *      ('D' ‖ seq ‖ (t+1) points in group_wire form);
 *   2. complain: 'C' ‖ seq ‖ one byte per dealer (1 = my share from it is
 *      missing or does not match its commitments);
 *   3. answer: 'R' ‖ seq ‖ (accuser, share) pairs, the shares of every
 *      party whose complaint against me I hold (possibly none);
 *   4. propose: the leader (the lowest party not known to be faulty)
 *      broadcasts 'P' ‖ seq ‖ Q ‖ S, one byte per party each: Q = whose
 *      complaints it counted, S = the dealings it accepts.  Everyone checks
 *      S against the broadcasts it names (reliable broadcast delivers each
 *      to every honest party) and adopts it, so the honest parties use the
 *      same set of dealings.  A leader whose proposal does not come, or
 *      does not check, is passed over for the next party (view change).
 * A dealing is accepted iff its commitments and its answer were delivered,
 * at most t parties of Q complained about it, and its answer gives each of
 * them a share that matches the commitments. */
#include "mpc/avss.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/engine_internal.h"
#include "mpc/shamir.h"

#define AVSS_HDR 9 /* tag byte + 8-byte sequence number */

/* r = x·p for a small public x (a party's point), by doubling and adding:
 * the commitments and x are public, so this need not be constant time, and
 * a few additions replace a full 256-bit multiplication. */
static int mul_small(const Group *g, GroupPoint *r, const GroupPoint *p, uint32_t x)
{
    GroupPoint acc;
    g->identity(&acc);
    int top = 31;
    while (top > 0 && !((x >> top) & 1)) top--;
    for (int bit = top; bit >= 0; bit--) {
        if (g->add(&acc, &acc, &acc) != 0) return -1;
        if (((x >> bit) & 1) && g->add(&acc, &acc, p) != 0) return -1;
    }
    *r = acc;
    return 0;
}

int avss_share_matches(const Group *g, const GroupPoint *commit, uint32_t ncommit, uint32_t party, const Fe *share)
{
    uint8_t k[32];
    GroupPoint want, have;
    /* Σ C_k·x^k by Horner's rule with x = party + 1 */
    g->identity(&want);
    for (uint32_t i = ncommit; i-- > 0;)
        if (mul_small(g, &want, &want, party + 1) != 0 || g->add(&want, &want, &commit[i]) != 0) return 0;
    fe_to_bytes(g->scalar_field, k, share);
    int rc = g->mul_base(&have, k);
    sodium_memzero(k, sizeof k);
    return rc == 0 && g->equal(&have, &want);
}

static void put_hdr(uint8_t *b, uint8_t tag, uint64_t seq)
{
    b[0] = tag;
    for (int i = 0; i < 8; i++) b[1 + i] = (uint8_t)(seq >> (8 * i));
}

typedef struct {
    uint32_t n, t, self;
    const Group *g;
    const Field *f;
    GroupPoint *C;    /* n × (t+1) commitments */
    Fe *sh;           /* n: my share from each dealer */
    uint8_t *have;    /* n: a share from the dealer arrived */
    uint8_t *dealt;   /* n: commitments arrived and decoded */
    uint8_t *ok;      /* n: my share from the dealer matches */
    uint8_t *accused; /* n × n: accused[dealer*n + accuser] */
    uint8_t *heard;   /* n: the party's complaint is held */
    Fe *mine;         /* n: my dealing's shares (kept for answers, then wiped) */
    uint8_t **held;   /* NSTAGE × n: each party's broadcast of each stage */
    size_t *held_len;
} Avss;

static const char stages[] = "DCRP"; /* the order every party broadcasts in */
#define NSTAGE 4

/* Takes `origin`'s broadcasts of this call, in order, until the one of
 * stage `tag` is held (1) or the deadline passes (0); -1 on an engine
 * error.  A broadcast of a later call is kept in the engine for it, one of
 * an earlier call (after its deadline) or not of this protocol is dropped. */
static int pump(MpcEngine *e, Avss *a, uint32_t origin, uint8_t tag, uint64_t seq, const struct timespec *dl)
{
    size_t want = (size_t)(strchr(stages, tag) - stages) * a->n + origin;
    while (!a->held[want]) {
        uint8_t *m = e->avss_ahead[origin];
        size_t len = e->avss_ahead_len[origin];
        if (m) {
            e->avss_ahead[origin] = NULL;
        } else {
            uint32_t from;
            int ms = ms_left(dl);
            int got = mpc_rbc_receive(e, origin, ms > 0 ? ms : 1, &from, &m, &len);
            if (got <= 0) return got;
        }
        const char *st = len >= AVSS_HDR && m[0] ? strchr(stages, m[0]) : NULL;
        uint64_t s = 0;
        for (int i = 0; st && i < 8; i++) s |= (uint64_t)m[1 + i] << (8 * i);
        if (st && s > seq) {
            e->avss_ahead[origin] = m; /* for a later call: stop here */
            e->avss_ahead_len[origin] = len;
            return 0;
        }
        size_t k = st ? (size_t)(st - stages) * a->n + origin : 0;
        if (st && s == seq && !a->held[k]) {
            a->held[k] = m;
            a->held_len[k] = len;
        } else {
            free(m);
        }
    }
    return 1;
}

/* The held broadcast of `origin` for stage `tag`, or NULL. */
static const uint8_t *held(const Avss *a, uint32_t origin, uint8_t tag, size_t *len)
{
    size_t k = (size_t)(strchr(stages, tag) - stages) * a->n + origin;
    *len = a->held_len[k];
    return a->held[k];
}

/* Testing aid (tests/avss/signature_tests.py, docs/avss.md):
 * STOFFEL_NET_TEST_KILL_AT=avss-deal makes a networked party kill itself
 * with SIGKILL in the middle of its first dealing, after broadcasting its
 * commitments and sending shares to only the parties below it - a crash
 * during key generation at a reproducible point. */
static void test_kill_in_deal(void)
{
    const char *v = getenv("STOFFEL_NET_TEST_KILL_AT");
    if (v && strcmp(v, "avss-deal") == 0) {
        fflush(NULL);
        raise(SIGKILL);
    }
}

static int broadcast(MpcEngine *e, Avss *a, uint8_t *b, size_t len);

/* Stage 1, this party's dealing. */
static int deal(MpcEngine *e, Avss *a, uint64_t seq)
{
    uint32_t n = a->n, t = a->t;
    const Group *g = a->g;
    Fe secret, *shares = a->mine, *coef = calloc(t + 1, sizeof *coef);
    size_t wl = group_wire_len(g), blen = AVSS_HDR + (size_t)(t + 1) * wl;
    uint8_t *b = malloc(blen);
    int rc = -1;
    if (!coef || !b) {
        mpc_fail(e, "out of memory");
        goto out;
    }
    fe_random(a->f, &secret);
    if (shamir_share(a->f, &secret, t, n, shares, coef) != 0) {
        mpc_fail(e, "avss: sharing failed");
        goto out;
    }
    put_hdr(b, 'D', seq);
    for (uint32_t k = 0; k <= t; k++) {
        uint8_t kb[32];
        fe_to_bytes(a->f, kb, &coef[k]);
        int mrc = g->mul_base(&a->C[(size_t)a->self * (t + 1) + k], kb);
        sodium_memzero(kb, sizeof kb);
        if (mrc != 0 || group_wire_encode(g, &a->C[(size_t)a->self * (t + 1) + k], b + AVSS_HDR + k * wl) != 0) {
            mpc_fail(e, "avss: committing in %s failed", g->name);
            goto out;
        }
    }
    a->sh[a->self] = shares[a->self];
    /* a silent party (tests) knows nobody got its dealing */
    a->dealt[a->self] = a->ok[a->self] = e->fault != MPC_FAULT_SILENT;
    if (broadcast(e, a, b, blen) != 0) goto out;
    for (uint32_t j = 0; j < n; j++) {
        if (j == a->self) continue;
        if (j > a->self) test_kill_in_deal();
        Fe s = shares[j];
        /* tests: a faulty dealer's share for the next party is off by one */
        if (e->fault == MPC_FAULT_WRONG_SHARES && j == (a->self + 1) % n) {
            Fe one;
            fe_one(a->f, &one);
            fe_add(a->f, &s, &s, &one);
        }
        uint8_t *p = (uint8_t *)msg_begin(e, MK_AVSS, seq, 1);
        if (!p) {
            mpc_fail(e, "out of memory");
            goto out;
        }
        wire_put_canon(a->f, p, &s, 1);
        sodium_memzero(&s, sizeof s);
        int src = e->fault == MPC_FAULT_SILENT ? 0 : send_node(e, j, e->sbuf, MPC_HDR + MPC_ELEM);
        sodium_memzero(p, MPC_ELEM);
        if (src != 0) goto out;
    }
    rc = 0;
out:
    sodium_memzero(&secret, sizeof secret);
    if (coef) sodium_memzero(coef, (t + 1) * sizeof *coef);
    free(coef);
    free(b);
    return rc;
}

/* Dealer i's commitments, once held, decoded; my share from it checked. */
static void take_dealing(Avss *a, uint32_t i)
{
    size_t len = 0;
    const uint8_t *m = held(a, i, 'D', &len);
    size_t wl = group_wire_len(a->g);
    if (a->dealt[i] || !m || len != AVSS_HDR + (size_t)(a->t + 1) * wl) return;
    char why[128];
    int fine = 1;
    for (uint32_t k = 0; k <= a->t && fine; k++)
        fine = group_wire_decode(a->g, &a->C[(size_t)i * (a->t + 1) + k], m + AVSS_HDR + k * wl, why, sizeof why) == 0;
    a->dealt[i] = (uint8_t)fine;
    if (fine)
        a->ok[i] = a->have[i] && avss_share_matches(a->g, &a->C[(size_t)i * (a->t + 1)], a->t + 1, a->self, &a->sh[i]);
}

/* Marks a party that stayed silent past a timeout, so later waits (and
 * later sharings) do not wait for it again; at most t. */
static void exclude(MpcEngine *e, uint32_t j)
{
    if (!e->excluded[j] && e->n_excluded < e->t) {
        e->excluded[j] = 1;
        e->n_excluded++;
    }
}

/* Stage 1, receiving: my shares (point to point), then the commitments.
 * The deadline only bounds how long a missing share is waited for before
 * it is complained about: which dealings count is agreed in stage 4. */
static int receive_dealings(MpcEngine *e, Avss *a, uint64_t seq, const struct timespec *dl)
{
    uint32_t n = a->n;
    gather_begin(e, MK_AVSS, seq, 1, false);
    for (;;) {
        uint32_t waiting = 0;
        for (uint32_t j = 0; j < n; j++) waiting += j != a->self && !e->excluded[j] && !gather_row(e, j);
        if (!waiting) break;
        int got = gather_one(e, dl);
        if (got < 0) {
            gather_end(e, true);
            return -1;
        }
        if (got == 0) break;
    }
    for (uint32_t j = 0; j < n; j++) {
        const uint8_t *row = j == a->self ? NULL : (const uint8_t *)gather_row(e, j);
        if (row && wire_get_canon(a->f, &a->sh[j], row, 1) == 0) a->have[j] = 1;
    }
    gather_end(e, true);
    for (uint32_t i = 0; i < n; i++) {
        if (i == a->self || e->excluded[i]) continue; /* known faulty: not waited for */
        if (pump(e, a, i, 'D', seq, dl) < 0) return -1;
        take_dealing(a, i);
        if (!held(a, i, 'D', &(size_t){ 0 })) exclude(e, i);
    }
    return 0;
}

/* Party j's complaint, once held, into the accusation matrix. */
static void take_complaint(Avss *a, uint32_t j)
{
    size_t len;
    const uint8_t *m = held(a, j, 'C', &len);
    if (!m || a->heard[j]) return;
    a->heard[j] = 1;
    if (len == AVSS_HDR + a->n)
        for (uint32_t i = 0; i < a->n; i++) a->accused[(size_t)i * a->n + j] = m[AVSS_HDR + i] != 0;
}

/* Reliably broadcasts b (its header filled in) and keeps a copy as this
 * party's held message of that stage, so its own dealing, answer and
 * proposal are checked like everyone else's.  A silent party (tests)
 * sends nothing. */
static int broadcast(MpcEngine *e, Avss *a, uint8_t *b, size_t len)
{
    if (e->fault == MPC_FAULT_SILENT) return 0;
    uint64_t session;
    if (mpc_rbc_broadcast(e, b, len, &session) != 0) return -1;
    size_t k = (size_t)(strchr(stages, b[0]) - stages) * a->n + a->self;
    uint8_t *copy = malloc(len);
    if (!copy) return mpc_fail(e, "out of memory");
    memcpy(copy, b, len);
    a->held[k] = copy;
    a->held_len[k] = len;
    return 0;
}

/* A stage message: the header and one byte per party of x (and of y). */
static int broadcast_bytes(MpcEngine *e, Avss *a, uint8_t tag, uint64_t seq, const uint8_t *x, const uint8_t *y)
{
    uint32_t n = a->n;
    size_t len = AVSS_HDR + (size_t)n * (y ? 2 : 1);
    uint8_t *b = malloc(len);
    if (!b) return mpc_fail(e, "out of memory");
    put_hdr(b, tag, seq);
    memcpy(b + AVSS_HDR, x, n);
    if (y) memcpy(b + AVSS_HDR + n, y, n);
    int rc = broadcast(e, a, b, len);
    free(b);
    return rc;
}

/* Stage 2: my complaints, then everyone's.  A party whose complaint is
 * late is not excluded: it may only be slow because the others waited for
 * a silent dealer (the leader counts what it holds). */
static int complaints(MpcEngine *e, Avss *a, uint64_t seq, int timeout_ms)
{
    uint32_t n = a->n;
    uint8_t mine[SHAMIR_MAX_PARTIES];
    for (uint32_t i = 0; i < n; i++) {
        mine[i] = (uint8_t)(i != a->self && !a->ok[i]);
        /* tests: a faulty party also accuses an honest dealer falsely */
        if (e->fault == MPC_FAULT_WRONG_SHARES && i == (a->self + 2) % n && i != a->self) mine[i] = 1;
        a->accused[(size_t)i * n + a->self] = mine[i];
    }
    a->heard[a->self] = 1;
    if (broadcast_bytes(e, a, 'C', seq, mine, NULL) != 0) return -1;
    struct timespec dl;
    deadline_in(&dl, timeout_ms);
    for (uint32_t j = 0; j < n; j++) {
        if (j == a->self || e->excluded[j]) continue;
        if (pump(e, a, j, 'C', seq, &dl) < 0) return -1;
        take_complaint(a, j);
    }
    return 0;
}

/* Stage 3: my answer, the shares of every party whose complaint against
 * me I hold (kept until here, then wiped). */
static int answer_mine(MpcEngine *e, Avss *a, uint64_t seq)
{
    uint32_t n = a->n;
    const uint8_t *acc = &a->accused[(size_t)a->self * n];
    unsigned nacc = 0;
    /* tests: a dealer told to ignore complaints answers none; a
     * wrong-shares dealer answers truly (its victim's share is repaired) */
    for (uint32_t j = 0; j < n && e->test_fault != TEST_AVSS_NO_ANSWER; j++) nacc += acc[j];
    size_t blen = AVSS_HDR + (size_t)nacc * (1 + MPC_ELEM);
    uint8_t *b = malloc(blen), *p;
    if (!b) return mpc_fail(e, "out of memory");
    put_hdr(b, 'R', seq);
    p = b + AVSS_HDR;
    for (uint32_t j = 0; j < n && nacc; j++) {
        if (!acc[j]) continue;
        p[0] = (uint8_t)j;
        wire_put_canon(a->f, p + 1, &a->mine[j], 1);
        p += 1 + MPC_ELEM;
    }
    int rc = broadcast(e, a, b, blen);
    sodium_memzero(b, blen);
    free(b);
    return rc;
}

/* Whether dealer i's dealing is acceptable given the complaints of the
 * parties in q (the rule of the header comment); waits until dl for its
 * commitments and answer.  A share answered to me repairs mine.  Why not:
 * into why. */
static int dealing_ok(MpcEngine *e, Avss *a, uint32_t i, const uint8_t *q, uint64_t seq, const struct timespec *dl,
                      char *why, size_t whylen)
{
    uint32_t n = a->n, t = a->t;
    if (i != a->self && (pump(e, a, i, 'R', seq, dl) < 0)) return -1; /* 'D' precedes it */
    take_dealing(a, i);
    size_t len = 0;
    const uint8_t *m = held(a, i, 'R', &len);
    if (!a->dealt[i] || !m) {
        snprintf(why, whylen, "party %u's %s never arrived", i, a->dealt[i] ? "answer" : "dealing");
        return 0;
    }
    const uint8_t *acc = &a->accused[(size_t)i * n];
    unsigned nacc = 0;
    for (uint32_t j = 0; j < n; j++) nacc += q[j] && acc[j];
    if (nacc > t) {
        snprintf(why, whylen, "%u parties complained about party %u's dealing", nacc, i);
        return 0;
    }
    uint8_t answered[SHAMIR_MAX_PARTIES] = { 0 };
    size_t cnt = (len - AVSS_HDR) / (1 + MPC_ELEM);
    int fine = (len - AVSS_HDR) % (1 + MPC_ELEM) == 0;
    for (size_t k = 0; fine && k < cnt; k++) {
        const uint8_t *p = m + AVSS_HDR + k * (1 + MPC_ELEM);
        Fe s;
        fine = p[0] < n && wire_get_canon(a->f, &s, p + 1, 1) == 0 &&
               avss_share_matches(a->g, &a->C[(size_t)i * (t + 1)], t + 1, p[0], &s);
        if (fine) answered[p[0]] = 1;
        if (fine && p[0] == a->self && !a->ok[i]) {
            a->sh[i] = s;
            a->ok[i] = 1;
        }
        sodium_memzero(&s, sizeof s);
    }
    if (!fine) {
        snprintf(why, whylen, "party %u answered a complaint with a share that does not match its commitments", i);
        return 0;
    }
    for (uint32_t j = 0; j < n; j++)
        if (q[j] && acc[j] && !answered[j]) {
            snprintf(why, whylen, "party %u did not answer party %u's complaint", i, j);
            return 0;
        }
    return 1;
}

/* Stage 4 at the leader: waits for the answers, then proposes Q (the
 * complaints it holds) and S (the dealings acceptable under them). */
static int propose(MpcEngine *e, Avss *a, uint64_t seq, int timeout_ms, uint8_t *q, uint8_t *s)
{
    uint32_t n = a->n;
    struct timespec dl;
    /* two timeouts: a live party may have waited one for a share and one
     * for a complaint that never came before it answers */
    deadline_in(&dl, 2 * timeout_ms);
    for (uint32_t j = 0; j < n; j++) {
        if (j == a->self || e->excluded[j]) continue;
        if (pump(e, a, j, 'R', seq, &dl) < 0) return -1;
        take_complaint(a, j); /* a complaint that came after stage 2's wait */
    }
    memcpy(q, a->heard, n);
    for (uint32_t i = 0; i < n; i++) {
        char why[160];
        int r = dealing_ok(e, a, i, q, seq, &dl, why, sizeof why);
        if (r < 0) return -1;
        s[i] = (uint8_t)r;
    }
    return broadcast_bytes(e, a, 'P', seq, q, s);
}

/* Stage 4 at everyone: checks leader L's proposal (its Q's complaints and
 * every accepted dealing, waited for until dl: reliable broadcast delivers
 * to everyone what the leader holds).  1 = adopted into s, 0 = not (why). */
static int check_proposal(MpcEngine *e, Avss *a, uint32_t L, uint64_t seq, const struct timespec *dl, uint8_t *s,
                          char *why, size_t whylen)
{
    uint32_t n = a->n, t = a->t;
    size_t len = 0;
    const uint8_t *m = held(a, L, 'P', &len);
    if (!m) {
        snprintf(why, whylen, "party %u (the leader) sent no proposal", L);
        return 0;
    }
    const uint8_t *q = m + AVSS_HDR, *ps = q + n;
    unsigned ns = 0;
    int fine = len == AVSS_HDR + 2 * (size_t)n;
    for (uint32_t j = 0; fine && j < n; j++) {
        fine = q[j] <= 1 && ps[j] <= 1;
        ns += fine && ps[j];
    }
    if (!fine || ns < n - t) {
        snprintf(why, whylen, "party %u's proposal is malformed or accepts fewer than n - t = %u dealings", L, n - t);
        return 0;
    }
    for (uint32_t j = 0; j < n; j++) {
        if (!q[j] || j == a->self) continue;
        if (pump(e, a, j, 'C', seq, dl) < 0) return -1;
        take_complaint(a, j);
        if (!a->heard[j]) {
            snprintf(why, whylen, "party %u's proposal counts party %u's complaint, which never arrived", L, j);
            return 0;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!ps[i]) continue;
        char sub[160];
        int r = dealing_ok(e, a, i, q, seq, dl, sub, sizeof sub);
        if (r <= 0) {
            if (r == 0) snprintf(why, whylen, "party %u's proposal accepts a dealing it may not: %.120s", L, sub);
            return r;
        }
    }
    memcpy(s, ps, n);
    return 1;
}

/* Stage 4: the agreed set of dealings.  Leaders in order of party number,
 * known-faulty parties skipped; each is waited for, then passed over if
 * its proposal does not come or does not check. */
static int agree(MpcEngine *e, Avss *a, uint64_t seq, uint8_t *s)
{
    uint32_t n = a->n;
    int T = e->timeout_ms, first = 1;
    char why[SHAMIR_MAX_PARTIES][200]; /* why each leader was passed over */
    uint32_t nwhy = 0;
    for (uint32_t L = 0; L < n; L++) {
        uint8_t q[SHAMIR_MAX_PARTIES], mys[SHAMIR_MAX_PARTIES];
        if (L == a->self && propose(e, a, seq, T, q, mys) != 0) return -1;
        /* the first leader may wait a timeout for a complaint and two for
         * answers that never come; a later one starts when its
         * predecessor's wait ended.  A party known to be silent is only
         * checked for a proposal that has already come. */
        struct timespec dl;
        deadline_in(&dl, e->excluded[L] && L != a->self ? 1 : first ? 4 * T : 3 * T);
        first &= e->excluded[L] && L != a->self;
        if (L != a->self && pump(e, a, L, 'P', seq, &dl) < 0) return -1;
        int r = check_proposal(e, a, L, seq, &dl, s, why[nwhy], sizeof why[nwhy]);
        if (r != 0) return r < 0 ? -1 : 0;
        if (L != a->self && !held(a, L, 'P', &(size_t){ 0 })) exclude(e, L);
        nwhy++;
    }
    char msg[1024] = "";
    for (uint32_t k = 0, used = 0; k < nwhy && used + 200 < sizeof msg; k++)
        used += (uint32_t)snprintf(msg + used, 200, "%s%.190s", k ? "; " : "", why[k]);
    return mpc_fail(e, "avss: no agreed set of dealings: %s", nwhy ? msg : "no leader left");
}

int mpc_avss_random(MpcEngine *e, const Group *g, Fe *share, GroupPoint *commit, uint8_t *rejected)
{
    if (!g->scalar_field || memcmp(g->scalar_field->p, e->f->p, sizeof e->f->p) != 0)
        return mpc_fail(e, "avss: the group %s does not have the session's field %s as its scalars", g->name,
                        e->f->name);
    uint32_t n = e->n, t = e->t;
    Avss a = { .n = n, .t = t, .self = e->self, .g = g, .f = e->f };
    a.C = calloc((size_t)n * (t + 1), sizeof *a.C);
    a.sh = calloc(n, sizeof *a.sh);
    a.mine = calloc(n, sizeof *a.mine);
    a.have = calloc(n, 1);
    a.dealt = calloc(n, 1);
    a.ok = calloc(n, 1);
    a.accused = calloc((size_t)n * n, 1);
    a.heard = calloc(n, 1);
    a.held = calloc((size_t)NSTAGE * n, sizeof *a.held);
    a.held_len = calloc((size_t)NSTAGE * n, sizeof *a.held_len);
    uint8_t accept[SHAMIR_MAX_PARTIES] = { 0 };
    int rc = -1;
    if (!a.C || !a.sh || !a.mine || !a.have || !a.dealt || !a.ok || !a.accused || !a.heard || !a.held || !a.held_len) {
        mpc_fail(e, "out of memory");
        goto out;
    }
    uint64_t seq = e->seq[MK_AVSS]++;
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    if (deal(e, &a, seq) != 0 || receive_dealings(e, &a, seq, &dl) != 0) goto out;
    if (complaints(e, &a, seq, e->timeout_ms) != 0 || answer_mine(e, &a, seq) != 0) goto out;
    if (agree(e, &a, seq, accept) != 0) goto out;
    /* the sum of the accepted dealings */
    fe_zero(share);
    for (uint32_t k = 0; k <= t; k++) g->identity(&commit[k]);
    for (uint32_t i = 0; i < n; i++) {
        if (!accept[i]) continue;
        if (!a.ok[i]) {
            /* only if the leader did not count my complaint (it came late) */
            mpc_fail(e,
                     "avss: my share from party %u is missing or does not match its commitments, and the "
                     "agreed proposal did not count my complaint",
                     i);
            goto out;
        }
        fe_add(e->f, share, share, &a.sh[i]);
        for (uint32_t k = 0; k <= t; k++)
            if (g->add(&commit[k], &commit[k], &a.C[(size_t)i * (t + 1) + k]) != 0) {
                mpc_fail(e, "avss: a group operation in %s failed", g->name);
                goto out;
            }
    }
    if (rejected)
        for (uint32_t i = 0; i < n; i++) rejected[i] = !accept[i];
    e->st.rounds += 4;
    rc = 0;
out:
    if (rc != 0) fe_zero(share);
    if (a.sh) sodium_memzero(a.sh, n * sizeof *a.sh);
    if (a.mine) sodium_memzero(a.mine, n * sizeof *a.mine);
    free(a.C);
    free(a.sh);
    free(a.mine);
    free(a.have);
    free(a.dealt);
    free(a.ok);
    free(a.accused);
    free(a.heard);
    for (size_t k = 0; a.held && k < (size_t)NSTAGE * n; k++) {
        if (a.held[k]) sodium_memzero(a.held[k], a.held_len[k]); /* answers carry shares */
        free(a.held[k]);
    }
    free(a.held);
    free(a.held_len);
    return rc;
}
