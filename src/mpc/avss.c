/* avss.c: Feldman-verifiable dealings and the distributed random sharing
 * (avss.h).  Four stages, all messages bound to the call's sequence
 * number and broadcast by every party in this order:
 *   1. deal: a(j+1) to party j (MK_AVSS), commitments by reliable broadcast
 *      ('D' ‖ seq ‖ (t+1) arkworks-encoded points);
 *   2. complain: every party broadcasts 'C' ‖ seq ‖ one byte per dealer
 *      (1 = my share from it is missing or does not match);
 *   3. vote: every party broadcasts 'V' ‖ seq ‖ one byte per party (1 = I
 *      hold its complaint).  The complaints that count are those of every
 *      party some vote names: each is delivered to everyone by reliable
 *      broadcast, so all honest parties wait for and decide on the same
 *      set, not on what reached them before a deadline;
 *   4. answer: an accused dealer broadcasts 'R' ‖ seq ‖ (accuser, share)
 *      pairs; everyone checks them against the commitments.
 * Stage 4 only happens when someone complained. */
#include "mpc/avss.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/engine_internal.h"
#include "mpc/shamir.h"

#define AVSS_HDR 9 /* tag byte + 8-byte sequence number */

int avss_share_matches(const Group *g, const GroupPoint *commit, uint32_t ncommit, uint32_t party, const Fe *share)
{
    const Field *f = g->scalar_field;
    Fe x, xp;
    uint8_t k[32];
    GroupPoint want, term, have;
    shamir_point(f, &x, party);
    fe_one(f, &xp);
    g->identity(&want);
    for (uint32_t i = 0; i < ncommit; i++) {
        fe_to_bytes(f, k, &xp);
        if (g->mul(&term, &commit[i], k) != 0 || g->add(&want, &want, &term) != 0) return 0;
        fe_mul(f, &xp, &xp, &x);
    }
    fe_to_bytes(f, k, share);
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
    GroupPoint *C;     /* n × (t+1) commitments */
    Fe *sh;            /* n: my share from each dealer */
    uint8_t *dealt;    /* n: commitments arrived */
    uint8_t *ok;       /* n: my share from the dealer matches */
    uint8_t *accused;  /* n × n: accused[dealer*n + accuser] */
    uint8_t *rejected; /* n */
    uint8_t *heard;    /* n: the party's complaint arrived */
    Fe *mine;          /* n: my dealing's shares (kept for answers, then wiped) */
    uint8_t **held;    /* NSTAGE × n: each party's broadcast of each stage */
    size_t *held_len;
} Avss;

static const char stages[] = "DCVR"; /* the order every party broadcasts in */
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

/* Stage 1, this party's dealing. */
static int deal(MpcEngine *e, Avss *a, uint64_t seq)
{
    uint32_t n = a->n, t = a->t;
    const Group *g = a->g;
    Fe secret, *shares = a->mine, *coef = calloc(t + 1, sizeof *coef);
    size_t blen = AVSS_HDR + (size_t)(t + 1) * g->ark_len;
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
        if (mrc != 0 || g->encode_ark(&a->C[(size_t)a->self * (t + 1) + k], b + AVSS_HDR + k * g->ark_len) != 0) {
            mpc_fail(e, "avss: committing in %s failed", g->name);
            goto out;
        }
    }
    a->sh[a->self] = shares[a->self];
    /* a silent party (tests) knows nobody got its dealing */
    a->dealt[a->self] = a->ok[a->self] = e->fault != MPC_FAULT_SILENT;
    uint64_t session;
    if (e->fault != MPC_FAULT_SILENT && mpc_rbc_broadcast(e, b, blen, &session) != 0) goto out;
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

/* Stage 1, receiving: my shares (point to point), then the commitments. */
static int receive_dealings(MpcEngine *e, Avss *a, uint64_t seq, const struct timespec *dl)
{
    uint32_t n = a->n, t = a->t;
    const Group *g = a->g;
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
    uint8_t have[SHAMIR_MAX_PARTIES] = { 0 };
    for (uint32_t j = 0; j < n; j++) {
        const uint8_t *row = j == a->self ? NULL : (const uint8_t *)gather_row(e, j);
        if (row && wire_get_canon(a->f, &a->sh[j], row, 1) == 0) have[j] = 1;
    }
    gather_end(e, true);
    for (uint32_t i = 0; i < n; i++) {
        if (i == a->self || e->excluded[i]) continue; /* known faulty: not waited for */
        size_t len = 0;
        if (pump(e, a, i, 'D', seq, dl) < 0) return -1;
        const uint8_t *m = held(a, i, 'D', &len);
        if (m && len == AVSS_HDR + (size_t)(t + 1) * g->ark_len) {
            char why[128];
            int fine = 1;
            for (uint32_t k = 0; k <= t && fine; k++)
                fine = g->decode_ark(&a->C[(size_t)i * (t + 1) + k], m + AVSS_HDR + k * g->ark_len, g->ark_len, why,
                                     sizeof why) == 0;
            a->dealt[i] = (uint8_t)fine;
        }
        if (!a->dealt[i] && e->n_excluded < t) {
            e->excluded[i] = 1; /* silent past the timeout: not waited for again */
            e->n_excluded++;
        }
        if (a->dealt[i])
            a->ok[i] = have[i] && avss_share_matches(g, &a->C[(size_t)i * (t + 1)], t + 1, a->self, &a->sh[i]);
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

/* Broadcasts this stage's message: the header and one byte per party. */
static int broadcast_bytes(MpcEngine *e, uint8_t tag, uint64_t seq, const uint8_t *bytes, uint32_t n)
{
    if (e->fault == MPC_FAULT_SILENT) return 0;
    uint8_t *b = malloc(AVSS_HDR + n);
    if (!b) return mpc_fail(e, "out of memory");
    put_hdr(b, tag, seq);
    memcpy(b + AVSS_HDR, bytes, n);
    uint64_t session;
    int rc = mpc_rbc_broadcast(e, b, AVSS_HDR + n, &session);
    free(b);
    return rc;
}

/* Stages 2 and 3: complaints, then votes on which complaints count. */
static int complaints(MpcEngine *e, Avss *a, uint64_t seq, int timeout_ms, int *any)
{
    uint32_t n = a->n;
    uint8_t mine[SHAMIR_MAX_PARTIES];
    for (uint32_t i = 0; i < n; i++) {
        mine[i] = (uint8_t)(a->dealt[i] && !a->ok[i]);
        /* tests: a faulty party also accuses an honest dealer falsely */
        if (e->fault == MPC_FAULT_WRONG_SHARES && i == (a->self + 2) % n && i != a->self) mine[i] = 1;
        a->accused[(size_t)i * n + a->self] = mine[i];
    }
    a->heard[a->self] = 1;
    if (broadcast_bytes(e, 'C', seq, mine, n) != 0) return -1;
    struct timespec dl;
    deadline_in(&dl, timeout_ms);
    for (uint32_t j = 0; j < n; j++) {
        if (j == a->self || !a->dealt[j]) continue; /* a party that did not deal is not waited for */
        if (pump(e, a, j, 'C', seq, &dl) < 0) return -1;
        take_complaint(a, j);
    }
    /* the vote: whose complaints this party holds */
    if (broadcast_bytes(e, 'V', seq, a->heard, n) != 0) return -1;
    uint8_t named[SHAMIR_MAX_PARTIES];
    memcpy(named, a->heard, n);
    deadline_in(&dl, timeout_ms);
    for (uint32_t j = 0; j < n; j++) {
        if (j == a->self || !a->dealt[j]) continue;
        if (pump(e, a, j, 'V', seq, &dl) < 0) return -1;
        size_t len;
        const uint8_t *v = held(a, j, 'V', &len);
        for (uint32_t k = 0; v && len == AVSS_HDR + n && k < n; k++) named[k] |= v[AVSS_HDR + k] != 0;
    }
    /* a complaint some vote names reached an honest party (or will reach
     * all): wait for it, it is delivered to everyone (a fresh deadline: the
     * votes' may be spent) */
    deadline_in(&dl, timeout_ms);
    for (uint32_t j = 0; j < n; j++) {
        if (!named[j] || a->heard[j]) continue;
        if (pump(e, a, j, 'C', seq, &dl) < 0) return -1;
        take_complaint(a, j);
    }
    for (size_t k = 0; k < (size_t)n * n; k++) *any |= a->accused[k] && a->dealt[k / n];
    return 0;
}

/* Stage 4: accused dealers reveal their accusers' shares. */
static int answers(MpcEngine *e, Avss *a, uint64_t seq, const struct timespec *dl)
{
    uint32_t n = a->n, t = a->t;
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *acc = &a->accused[(size_t)i * n];
        unsigned nacc = 0;
        for (uint32_t j = 0; j < n; j++) nacc += acc[j];
        if (!a->dealt[i] || nacc == 0) continue;
        if (i == a->self) {
            if (e->fault == MPC_FAULT_SILENT || e->test_fault == TEST_AVSS_NO_ANSWER) {
                /* tests: a faulty dealer that does not answer knows it is
                 * rejected, and stays in step with the honest parties, who
                 * wait for its answer until the deadline */
                a->rejected[i] = 1;
                for (int ms; (ms = ms_left(dl)) > 0;) {
                    /* keeps serving the others' broadcasts (waiting for one
                     * of its own, which never comes) without taking theirs */
                    uint32_t from;
                    uint8_t *m;
                    size_t len;
                    if (mpc_rbc_receive(e, a->self, ms, &from, &m, &len) == 1) free(m);
                }
            }
            continue; /* answer_mine */
        }
        size_t len = 0;
        if (pump(e, a, i, 'R', seq, dl) < 0) return -1;
        const uint8_t *m = held(a, i, 'R', &len);
        int fine = m && len == AVSS_HDR + (size_t)nacc * (1 + MPC_ELEM);
        for (unsigned k = 0; fine && k < nacc; k++) {
            const uint8_t *p = m + AVSS_HDR + (size_t)k * (1 + MPC_ELEM);
            Fe s;
            fine = p[0] < n && acc[p[0]] && wire_get_canon(a->f, &s, p + 1, 1) == 0 &&
                   avss_share_matches(a->g, &a->C[(size_t)i * (t + 1)], t + 1, p[0], &s);
            if (fine && p[0] == a->self) {
                a->sh[i] = s;
                a->ok[i] = 1;
            }
            sodium_memzero(&s, sizeof s);
        }
        if (!fine) a->rejected[i] = 1;
    }
    return 0;
}

/* My answer to complaints against me: the accusers' shares, from the
 * dealing's shares (kept until here, then wiped). */
static int answer_mine(MpcEngine *e, Avss *a, uint64_t seq)
{
    uint32_t n = a->n;
    const uint8_t *acc = &a->accused[(size_t)a->self * n];
    unsigned nacc = 0;
    for (uint32_t j = 0; j < n; j++) nacc += acc[j];
    /* tests: a silent dealer does not answer, nor one told to ignore
     * complaints; a wrong-shares dealer answers truly (its victim's share
     * is repaired) */
    if (nacc == 0 || e->fault == MPC_FAULT_SILENT || e->test_fault == TEST_AVSS_NO_ANSWER) return 0;
    size_t blen = AVSS_HDR + (size_t)nacc * (1 + MPC_ELEM);
    uint8_t *b = malloc(blen), *p;
    if (!b) return mpc_fail(e, "out of memory");
    put_hdr(b, 'R', seq);
    p = b + AVSS_HDR;
    for (uint32_t j = 0; j < n; j++) {
        if (!acc[j]) continue;
        p[0] = (uint8_t)j;
        wire_put_canon(a->f, p + 1, &a->mine[j], 1);
        p += 1 + MPC_ELEM;
    }
    uint64_t session;
    int rc = mpc_rbc_broadcast(e, b, blen, &session);
    sodium_memzero(b, blen);
    free(b);
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
    a.dealt = calloc(n, 1);
    a.ok = calloc(n, 1);
    a.accused = calloc((size_t)n * n, 1);
    a.rejected = calloc(n, 1);
    a.heard = calloc(n, 1);
    a.held = calloc((size_t)NSTAGE * n, sizeof *a.held);
    a.held_len = calloc((size_t)NSTAGE * n, sizeof *a.held_len);
    int rc = -1;
    if (!a.C || !a.sh || !a.mine || !a.dealt || !a.ok || !a.accused || !a.rejected || !a.heard || !a.held ||
        !a.held_len) {
        mpc_fail(e, "out of memory");
        goto out;
    }
    uint64_t seq = e->seq[MK_AVSS]++;
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    int any = 0;
    if (deal(e, &a, seq) != 0 || receive_dealings(e, &a, seq, &dl) != 0) goto out;
    if (complaints(e, &a, seq, e->timeout_ms, &any) != 0) goto out;
    if (any) {
        deadline_in(&dl, e->timeout_ms);
        if (answer_mine(e, &a, seq) != 0 || answers(e, &a, seq, &dl) != 0) goto out;
    }
    /* the sum of the accepted dealings */
    unsigned accepted = 0;
    fe_zero(share);
    for (uint32_t k = 0; k <= t; k++) g->identity(&commit[k]);
    for (uint32_t i = 0; i < n; i++) {
        if (!a.dealt[i]) a.rejected[i] = 1;
        if (a.rejected[i]) continue;
        if (!a.ok[i]) {
            /* accepted by everyone (no valid complaint of mine got through) but
             * my share is wrong: cannot happen with reliable broadcast unless
             * my complaint was lost, so refuse rather than hold a bad share */
            mpc_fail(e, "avss: my share from party %u does not match its commitments and was not repaired", i);
            goto out;
        }
        fe_add(e->f, share, share, &a.sh[i]);
        for (uint32_t k = 0; k <= t; k++)
            if (g->add(&commit[k], &commit[k], &a.C[(size_t)i * (t + 1) + k]) != 0) {
                mpc_fail(e, "avss: a group operation in %s failed", g->name);
                goto out;
            }
        accepted++;
    }
    if (accepted < n - t) {
        mpc_fail(e, "avss: only %u of %u dealings accepted (more than t = %u faulty parties)", accepted, n, t);
        goto out;
    }
    if (rejected) memcpy(rejected, a.rejected, n);
    e->st.rounds += any ? 4 : 3;
    rc = 0;
out:
    if (rc != 0) fe_zero(share);
    if (a.sh) sodium_memzero(a.sh, n * sizeof *a.sh);
    if (a.mine) sodium_memzero(a.mine, n * sizeof *a.mine);
    free(a.C);
    free(a.sh);
    free(a.mine);
    free(a.dealt);
    free(a.ok);
    free(a.accused);
    free(a.rejected);
    free(a.heard);
    for (size_t k = 0; a.held && k < (size_t)NSTAGE * n; k++) {
        if (a.held[k]) sodium_memzero(a.held[k], a.held_len[k]); /* answers carry shares */
        free(a.held[k]);
    }
    free(a.held);
    free(a.held_len);
    return rc;
}
