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
 *   4. agree (views 0, 1, ..., the leader of view v is party v): the
 *      leader broadcasts 'P' ‖ seq ‖ v ‖ Q ‖ S ‖ J (Q = whose complaints it
 *      counted, S = the dealings it accepts, J = the view changes it
 *      answers; one byte per party each), the parties vote '1' and, on
 *      n - t matching '1' votes, lock the set and vote '2'; n - t matching
 *      '2' votes decide.  A party whose view times out broadcasts 'V'
 *      (view change) with its lock, and the next leader must carry the
 *      highest lock (agree() below), so a late leader cannot split the
 *      honest parties.
 * A dealing is accepted iff its commitments and its answer were delivered,
 * at most t parties of Q complained about it, and its answer gives each of
 * them a share that matches the commitments. */
#include "mpc/avss.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    uint8_t **vheld; /* NVKIND × n views × n: each party's agreement messages per view */
    size_t *vheld_len;
} Avss;

static const char stages[] = "DCR"; /* the order every party broadcasts in, before the agreement */
#define NSTAGE 3
/* The agreement's messages, each for one view (a byte after the header):
 * the leader's proposal, the two votes, the view change. */
static const char vkinds[] = "P12V";
#define NVKIND 4
#define VHDR (AVSS_HDR + 1)

/* Index into vheld / vheld_len of party origin's agreement message of
 * kind tag (one of vkinds) for view v. */
static size_t vslot(const Avss *a, uint8_t tag, uint32_t v, uint32_t origin)
{
    return ((size_t)(strchr(vkinds, tag) - vkinds) * a->n + v) * a->n + origin;
}

/* Where a broadcast of this call from `origin` is kept, or NULL if it is
 * none of this protocol's (unknown tag, view out of range). */
static uint8_t **slot_of(Avss *a, const uint8_t *m, size_t len, uint32_t origin, size_t **slen)
{
    const char *st = len >= AVSS_HDR && m[0] ? strchr(stages, m[0]) : NULL;
    if (st) {
        size_t k = (size_t)(st - stages) * a->n + origin;
        *slen = &a->held_len[k];
        return &a->held[k];
    }
    const char *vk = len >= VHDR && m[0] ? strchr(vkinds, m[0]) : NULL;
    if (!vk || m[AVSS_HDR] >= a->n) return NULL;
    size_t k = vslot(a, m[0], m[AVSS_HDR], origin);
    *slen = &a->vheld_len[k];
    return &a->vheld[k];
}

/* Party origin's agreement message of kind tag for view v, or NULL. */
static const uint8_t *vheld(const Avss *a, uint8_t tag, uint32_t v, uint32_t origin, size_t *len)
{
    size_t k = vslot(a, tag, v, origin);
    *len = a->vheld_len[k];
    return a->vheld[k];
}

static uint64_t get_seq(const uint8_t *m)
{
    uint64_t s = 0;
    for (int i = 0; i < 8; i++) s |= (uint64_t)m[1 + i] << (8 * i);
    return s;
}

/* Files a broadcast received from origin: kept for a later call (1: read
 * nothing more from origin now), kept for this one, or dropped (0). */
static int file_msg(MpcEngine *e, Avss *a, uint32_t origin, uint64_t seq, uint8_t *m, size_t len)
{
    size_t *slen;
    uint8_t **slot = slot_of(a, m, len, origin, &slen);
    uint64_t s = slot ? get_seq(m) : 0;
    if (slot && s > seq) {
        e->avss_ahead[origin] = m;
        e->avss_ahead_len[origin] = len;
        return 1;
    }
    if (slot && s == seq && !*slot) {
        *slot = m;
        *slen = len;
    } else {
        free(m);
    }
    return 0;
}

/* Takes `origin`'s broadcasts of this call, in order, until *want is set
 * (1) or the deadline passes (0); -1 on an engine error.  A broadcast of a
 * later call is kept in the engine for it, one of an earlier call (after
 * its deadline) or not of this protocol is dropped. */
static int pump_slot(MpcEngine *e, Avss *a, uint32_t origin, uint8_t *const *want, uint64_t seq,
                     const struct timespec *dl)
{
    while (!*want) {
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
        if (file_msg(e, a, origin, seq, m, len)) return 0; /* for a later call: stop here */
    }
    return 1;
}

static int pump(MpcEngine *e, Avss *a, uint32_t origin, uint8_t tag, uint64_t seq, const struct timespec *dl)
{
    return pump_slot(e, a, origin, &a->held[(size_t)(strchr(stages, tag) - stages) * a->n + origin], seq, dl);
}

static int vpump(MpcEngine *e, Avss *a, uint32_t origin, uint8_t tag, uint32_t v, uint64_t seq,
                 const struct timespec *dl)
{
    return pump_slot(e, a, origin, &a->vheld[vslot(a, tag, v, origin)], seq, dl);
}

/* Takes whatever broadcast of any party comes next (until dl): 1 if one
 * came, 0 if none, -1 on an engine error.  A party with a broadcast kept
 * for a later call is not read from (its next ones are later too). */
static int receive_any(MpcEngine *e, Avss *a, uint64_t seq, const struct timespec *dl)
{
    uint32_t from, quiet = UINT32_MAX;
    uint8_t *m;
    size_t len;
    int stashed = 0, ms = ms_left(dl);
    if (ms <= 0) return 0;
    for (uint32_t j = 0; j < a->n; j++) {
        if (j == a->self) continue;
        if (e->avss_ahead[j])
            stashed = 1;
        else if (quiet == UINT32_MAX)
            quiet = j;
    }
    if (!stashed) {
        int got = mpc_rbc_receive(e, MPC_RBC_ANY, ms, &from, &m, &len);
        if (got == 1) file_msg(e, a, from, seq, m, len);
        return got;
    }
    int any = 0;
    for (uint32_t j = 0; j < a->n; j++) {
        if (j == a->self || e->avss_ahead[j]) continue;
        int got = mpc_rbc_receive(e, j, 0, &from, &m, &len);
        if (got < 0) return -1;
        if (got == 1) {
            file_msg(e, a, j, seq, m, len);
            any = 1;
        }
    }
    if (any) return 1;
    if (quiet == UINT32_MAX) { /* everyone is ahead: nothing more will come for this call */
        /* in process, a fiber lets the other fibers of its worker run */
        transport_pause(e->tr, 1000000);
        return 0;
    }
    /* a short wait on one party: the others' broadcasts go on arriving */
    int got = mpc_rbc_receive(e, quiet, ms < 5 ? ms : 5, &from, &m, &len);
    if (got == 1) file_msg(e, a, quiet, seq, m, len);
    return got;
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
    size_t *slen;
    uint8_t **slot = slot_of(a, b, len, a->self, &slen);
    uint8_t *copy = malloc(len);
    if (!copy) return mpc_fail(e, "out of memory");
    memcpy(copy, b, len);
    free(*slot);
    *slot = copy;
    *slen = len;
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

/* Stage 4 at a leader without a locked set to carry: waits for the
 * answers, then takes Q (the complaints it holds) and S (the dealings
 * acceptable under them). */
static int make_proposal(MpcEngine *e, Avss *a, uint64_t seq, int timeout_ms, uint8_t *q, uint8_t *s)
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
    return 0;
}

/* Whether (q, s) is a set of dealings every honest party can take: well
 * formed, at least n - t dealings, every complaint Q counts held and every
 * dealing in S acceptable under Q (waited for until dl: reliable broadcast
 * delivers to everyone what a checker before us held).  Also takes my
 * share from each accepted dealing (repaired by its answer where needed).
 * 1 = yes, 0 = no (why, naming `who`), -1 = engine error. */
static int set_ok(MpcEngine *e, Avss *a, const char *who, const uint8_t *q, const uint8_t *ps, uint64_t seq,
                  const struct timespec *dl, char *why, size_t whylen)
{
    uint32_t n = a->n, t = a->t;
    unsigned ns = 0;
    int fine = 1;
    for (uint32_t j = 0; fine && j < n; j++) {
        fine = q[j] <= 1 && ps[j] <= 1;
        ns += fine && ps[j];
    }
    if (!fine || ns < n - t) {
        snprintf(why, whylen, "%s is malformed or accepts fewer than n - t = %u dealings", who, n - t);
        return 0;
    }
    for (uint32_t j = 0; j < n; j++) {
        if (!q[j] || j == a->self) continue;
        if (pump(e, a, j, 'C', seq, dl) < 0) return -1;
        take_complaint(a, j);
        if (!a->heard[j]) {
            snprintf(why, whylen, "%s counts party %u's complaint, which never arrived", who, j);
            return 0;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!ps[i]) continue;
        char sub[160];
        int r = dealing_ok(e, a, i, q, seq, dl, sub, sizeof sub);
        if (r <= 0) {
            if (r == 0) snprintf(why, whylen, "%s accepts a dealing it may not: %.120s", who, sub);
            return r;
        }
    }
    return 1;
}

/* Broadcasts an agreement message: header, view, then the parts. */
static int broadcast_view(MpcEngine *e, Avss *a, uint8_t tag, uint64_t seq, uint32_t v, const uint8_t *pre, size_t npre,
                          const uint8_t *x, const uint8_t *y, const uint8_t *z)
{
    uint32_t n = a->n;
    size_t len = VHDR + npre + (size_t)n * (2 + (z != NULL));
    uint8_t *b = malloc(len), *p;
    if (!b) return mpc_fail(e, "out of memory");
    put_hdr(b, tag, seq);
    b[AVSS_HDR] = (uint8_t)v;
    p = b + VHDR;
    if (npre) memcpy(p, pre, npre);
    p += npre;
    memcpy(p, x, n);
    memcpy(p + n, y, n);
    if (z) memcpy(p + 2 * n, z, n);
    int rc = broadcast(e, a, b, len);
    free(b);
    return rc;
}

/* The agreement (stage 4): views 0, 1, ... n-1 led by party v, PBFT-style
 * so that no timing splits the honest parties.  In view v the leader
 * broadcasts a proposal P (Q ‖ S, and from view 1 on J: the n - t view
 * changes it used); a party still in view v that finds it valid votes '1'
 * for it; on n - t matching '1' votes of view v a party locks that set and
 * votes '2'; n - t matching '2' votes of any view decide.  A party whose
 * view times out broadcasts a view change 'V' to v + 1 carrying its lock
 * (view, set, and the n - t parties whose '1' votes made it) and no longer
 * votes in v; t + 1 view changes to a later view make it join that view.
 * The next leader proposes the set of the highest valid lock among n - t
 * view changes, or a fresh one if none holds a lock, and everyone checks
 * that choice against the view changes J names.  A set decided in view w
 * was locked by at least t + 1 honest parties, one of whom is among any
 * n - t view changes, so every later valid proposal carries it. */
typedef struct {
    uint32_t view;
    int lock_view; /* -1: none */
    uint8_t lock[2 * SHAMIR_MAX_PARTIES], lock_voters[SHAMIR_MAX_PARTIES];
    uint8_t voted1[SHAMIR_MAX_PARTIES], voted2[SHAMIR_MAX_PARTIES], proposed[SHAMIR_MAX_PARTIES];
    uint8_t vc_sent[SHAMIR_MAX_PARTIES];
    int late; /* tests: view 0's proposal reaches me only after I left view 0 */
    char why[SHAMIR_MAX_PARTIES][200];
} Agree;

/* The Q ‖ S body (2n bytes) of an agreement message, or NULL if it has
 * the wrong length for its kind. */
static const uint8_t *body_of(const Avss *a, uint8_t tag, uint32_t v, uint32_t j)
{
    size_t len = 0, n = a->n;
    const uint8_t *m = vheld(a, tag, v, j, &len);
    size_t want = tag == 'P' ? VHDR + 3 * n : tag == 'V' ? VHDR + 1 + 3 * n : VHDR + 2 * n;
    if (!m || len != want) return NULL;
    return m + VHDR + (tag == 'V');
}

/* A body backed by n - t matching votes of `tag` in view v: its first
 * holder, or -1. */
static int quorum(const Avss *a, uint8_t tag, uint32_t v, uint8_t *who)
{
    uint32_t n = a->n;
    for (uint32_t j = 0; j < n; j++) {
        const uint8_t *bj = body_of(a, tag, v, j);
        if (!bj) continue;
        uint32_t c = 0;
        for (uint32_t k = 0; k < n; k++) {
            const uint8_t *bk = body_of(a, tag, v, k);
            uint8_t same = bk && memcmp(bj, bk, 2 * n) == 0;
            if (who) who[k] = same;
            c += same;
        }
        if (c >= n - a->t) return (int)j;
    }
    return -1;
}

/* Checks j's view change to v: its lock claim (if any) must name n - t
 * parties whose '1' votes of that earlier view carry its set (waited for
 * until dl).  Returns the lock's view, -1 for no lock, -2 if invalid,
 * -3 on an engine error. */
static int view_change_lock(MpcEngine *e, Avss *a, uint32_t j, uint32_t v, uint64_t seq, const struct timespec *dl)
{
    uint32_t n = a->n;
    const uint8_t *m = body_of(a, 'V', v, j);
    if (!m) return -2;
    int lv = (int)m[-1] - 1;
    if (lv < 0) return -1;
    if ((uint32_t)lv >= v) return -2;
    const uint8_t *voters = m + 2 * n;
    uint32_t c = 0;
    for (uint32_t k = 0; k < n; k++) {
        if (!voters[k]) continue;
        if (k != a->self && vpump(e, a, k, '1', (uint32_t)lv, seq, dl) < 0) return -3;
        const uint8_t *bk = body_of(a, '1', (uint32_t)lv, k);
        c += bk && memcmp(bk, m, 2 * n) == 0;
    }
    return c >= n - a->t ? lv : -2;
}

/* The highest valid lock among the view changes to v of the parties in J
 * (NULL: all held ones); *lock_body its set.  Returns the number of valid
 * view changes (J: -1 if one named is missing or invalid), -2 on error. */
static int best_lock(MpcEngine *e, Avss *a, uint32_t v, const uint8_t *J, uint64_t seq, const struct timespec *dl,
                     int *best, const uint8_t **lock_body, uint8_t *used)
{
    uint32_t n = a->n;
    int count = 0;
    *best = -1;
    *lock_body = NULL;
    for (uint32_t j = 0; j < n; j++) {
        if (used) used[j] = 0;
        if (J && !J[j]) continue;
        if (J && j != a->self && vpump(e, a, j, 'V', v, seq, dl) < 0) return -2;
        if (!body_of(a, 'V', v, j)) {
            if (J) return -1;
            continue;
        }
        int lv = view_change_lock(e, a, j, v, seq, dl);
        if (lv == -3) return -2;
        if (lv == -2) {
            if (J) return -1;
            continue;
        }
        if (used) used[j] = 1;
        count++;
        if (lv > *best) {
            *best = lv;
            *lock_body = body_of(a, 'V', v, j);
        }
    }
    return count;
}

/* Leader duty in view v: propose once (view 0: a fresh set; later: the
 * highest lock among n - t view changes, or a fresh set). */
static int lead(MpcEngine *e, Avss *a, Agree *g, uint64_t seq)
{
    uint32_t n = a->n, v = g->view;
    uint8_t q[SHAMIR_MAX_PARTIES], ps[SHAMIR_MAX_PARTIES], J[SHAMIR_MAX_PARTIES] = { 0 };
    const uint8_t *body = NULL;
    if (v > 0) {
        struct timespec dl;
        deadline_in(&dl, e->timeout_ms);
        int best, c = best_lock(e, a, v, NULL, seq, &dl, &best, &body, J);
        if (c == -2) return -1;
        if (c < (int)(n - a->t)) return 0; /* not yet */
    }
    if (body) {
        memcpy(q, body, n);
        memcpy(ps, body + n, n);
    } else if (make_proposal(e, a, seq, e->timeout_ms, q, ps) != 0) {
        return -1;
    }
    g->proposed[v] = 1;
    return broadcast_view(e, a, 'P', seq, v, NULL, 0, q, ps, J);
}

/* My '1' vote in view v, if its leader's proposal is held and valid. */
static int vote1(MpcEngine *e, Avss *a, Agree *g, uint64_t seq)
{
    uint32_t n = a->n, v = g->view;
    const uint8_t *m = body_of(a, 'P', v, v);
    if (!m || (v == 0 && g->late)) return 0;
    g->voted1[v] = 2; /* checked: a proposal is checked once */
    char who[64];
    snprintf(who, sizeof who, "party %u's proposal (view %u)", v, v);
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    if (v > 0) {
        int best;
        const uint8_t *body;
        unsigned nj = 0;
        for (uint32_t j = 0; j < n; j++) nj += m[2 * n + j] != 0;
        int c = nj >= n - a->t ? best_lock(e, a, v, m + 2 * n, seq, &dl, &best, &body, NULL) : -1;
        if (c == -2) return -1;
        if (c < 0 || (body && memcmp(body, m, 2 * n) != 0)) {
            snprintf(g->why[v], sizeof g->why[v], "%s does not carry the highest lock of the view changes it names",
                     who);
            return 0;
        }
    }
    int r = set_ok(e, a, who, m, m + n, seq, &dl, g->why[v], sizeof g->why[v]);
    if (r <= 0) return r;
    g->voted1[v] = 1;
    return broadcast_view(e, a, '1', seq, v, NULL, 0, m, m + n, NULL);
}

/* Moves to view v (v > current) with a view change carrying my lock. */
static int change_view(MpcEngine *e, Avss *a, Agree *g, uint64_t seq, uint32_t v)
{
    uint32_t n = a->n;
    static const uint8_t none[2 * SHAMIR_MAX_PARTIES];
    uint8_t lv = (uint8_t)(g->lock_view + 1);
    if (g->why[g->view][0] == 0)
        snprintf(g->why[g->view], sizeof g->why[g->view], "party %u (the leader of view %u) %s", g->view, g->view,
                 body_of(a, 'P', g->view, g->view) ? "had no quorum in time" : "sent no proposal");
    /* a leader is not excluded for being late (a silent one is, for its
     * missing dealing): it may only be slow for me */
    g->view = v;
    if (v >= n || g->vc_sent[v]) return 0;
    g->vc_sent[v] = 1;
    const uint8_t *lk = g->lock_view >= 0 ? g->lock : none;
    return broadcast_view(e, a, 'V', seq, v, &lv, 1, lk, lk + n, g->lock_view >= 0 ? g->lock_voters : none);
}

static int late_proposal_test(uint32_t self)
{
    /* Testing aid (docs/avss.md): STOFFEL_AVSS_TEST_LATE_PROPOSAL=2,3 makes
     * parties 2 and 3 leave view 0 at once and see its proposal only
     * afterwards: a leader alive but late for some parties. */
    const char *v = getenv("STOFFEL_AVSS_TEST_LATE_PROPOSAL");
    for (const char *p = v; p && *p;) {
        char *end;
        unsigned long id = strtoul(p, &end, 10);
        if (end == p) break;
        if (id == self && self != 0) return 1;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* Stage 4: the agreed set of dealings into s (the rule above). */
static int agree(MpcEngine *e, Avss *a, uint64_t seq, uint8_t *s)
{
    uint32_t n = a->n, t = a->t;
    int T = e->timeout_ms;
    Agree *g = calloc(1, sizeof *g);
    if (!g) return mpc_fail(e, "out of memory");
    g->lock_view = -1;
    g->late = late_proposal_test(a->self);
    int rc = -1;
    struct timespec dl;
    /* the first leader may wait a timeout for a complaint and two for
     * answers that never come; later views three.  A leader known to be
     * silent is only checked for a proposal that has already come. */
    deadline_in(&dl, e->excluded[0] && a->self != 0 ? 1 : g->late ? 0 : 4 * T);
    for (;;) {
        uint32_t v = g->view;
        /* decided: n - t '2' votes for one set in any view */
        for (uint32_t u = 0; u < n; u++) {
            int d = quorum(a, '2', u, NULL);
            if (d < 0) continue;
            const uint8_t *b = body_of(a, '2', u, (uint32_t)d);
            struct timespec adl;
            deadline_in(&adl, 2 * T);
            char who[64], why[200];
            snprintf(who, sizeof who, "the set agreed in view %u", u);
            int r = set_ok(e, a, who, b, b + n, seq, &adl, why, sizeof why);
            if (r > 0) memcpy(s, b + n, n);
            if (r == 0) mpc_fail(e, "avss: %s", why);
            rc = r > 0 ? 0 : -1;
            goto out;
        }
        if (v >= n) break;
        /* t + 1 view changes to a later view: join it */
        for (uint32_t u = n; u-- > v + 1;) {
            uint32_t c = 0;
            for (uint32_t j = 0; j < n; j++) c += body_of(a, 'V', u, j) != NULL;
            if (c >= t + 1) {
                if (change_view(e, a, g, seq, u) != 0) goto out;
                deadline_in(&dl, 3 * T);
                break;
            }
        }
        if (g->view != v) continue;
        if (v == a->self && !g->proposed[v] && lead(e, a, g, seq) != 0) goto out;
        if (!g->voted1[v] && vote1(e, a, g, seq) < 0) goto out;
        if (!g->voted2[v]) {
            uint8_t who[SHAMIR_MAX_PARTIES];
            int d = quorum(a, '1', v, who);
            if (d >= 0) {
                const uint8_t *b = body_of(a, '1', v, (uint32_t)d);
                g->voted2[v] = 1;
                g->lock_view = (int)v;
                memcpy(g->lock, b, 2 * n);
                memcpy(g->lock_voters, who, n);
                if (broadcast_view(e, a, '2', seq, v, NULL, 0, b, b + n, NULL) != 0) goto out;
                continue;
            }
        }
        if (ms_left(&dl) <= 0) {
            if (change_view(e, a, g, seq, v + 1) != 0) goto out;
            deadline_in(&dl, v + 1 < n && e->excluded[v + 1] && v + 1 != a->self ? 1 : 3 * T);
            continue;
        }
        if (receive_any(e, a, seq, &dl) < 0) goto out;
    }
    {
        char msg[1024] = "";
        for (uint32_t k = 0, used = 0; k < n && used + 200 < sizeof msg; k++)
            if (g->why[k][0]) used += (uint32_t)snprintf(msg + used, 200, "%s%.190s", used ? "; " : "", g->why[k]);
        mpc_fail(e, "avss: no agreed set of dealings: %s", msg[0] ? msg : "no leader left");
    }
out:
    free(g);
    return rc;
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
    a.vheld = calloc((size_t)NVKIND * n * n, sizeof *a.vheld);
    a.vheld_len = calloc((size_t)NVKIND * n * n, sizeof *a.vheld_len);
    uint8_t accept[SHAMIR_MAX_PARTIES] = { 0 };
    int rc = -1;
    if (!a.C || !a.sh || !a.mine || !a.have || !a.dealt || !a.ok || !a.accused || !a.heard || !a.held || !a.held_len ||
        !a.vheld || !a.vheld_len) {
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
    e->st.rounds += 6; /* deal, complain, answer, propose, two votes */
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
    for (size_t k = 0; a.vheld && k < (size_t)NVKIND * n * n; k++) free(a.vheld[k]);
    free(a.vheld);
    free(a.vheld_len);
    return rc;
}
