/* preproc_agree.c: a party silent in preprocessing before it is proven
 * faulty (docs/mpc.md "A silent party in preprocessing").
 *
 * A party that times out waiting for another in a run does not fail
 * alone: it complains (names the parties it timed out on) and the honest
 * parties agree, over preprocessing's reliable broadcast, on how the run
 * ends.  The agreement happens at the run's status step (after the
 * degree-2t opening, and once more after its fallback): every party
 * broadcasts a status, OK, FAIL (some degree-2t value did not decode: go
 * to the fallback) or ABORT (it timed out, naming on whom, or saw another
 * party abort).
 *
 *   - Fast path (the honest case, no extra round): every live party's
 *     status arrives and is OK.  Done.
 *   - Otherwise a PBFT-style agreement on S, the set of statuses that
 *     count (views led by the live parties in turn, a proposal, two votes,
 *     locks carried through view changes, as in avss.c).  S is valid when
 *     every status it names was delivered and every live party it leaves
 *     out is named as silent by at least t+1 statuses in S (so by an
 *     honest party: under the synchronous model that party is faulty).
 *     The run's outcome is the worst code in S; on ABORT the parties named
 *     by t+1 statuses of S are proven faulty (silent) and the run is made
 *     again without them.
 *
 * Why the two paths agree: a party takes the fast path only when every
 * live status is OK, and then every valid S has only OK statuses too.  A
 * party that took the slow path leaves it as soon as the fast path's
 * condition holds (reliable broadcast delivers it what the fast party
 * got).  No ABORT is in S unless its sender aborted, and honest parties
 * are never left out of S (fewer than t+1 parties can name them), so a
 * run that one honest party aborted is aborted by all.
 *
 * Dispute control (docs/mpc.md "Dispute control"): a naming that fewer
 * than t+1 back (a possible lying abort) makes the pair a dispute for the
 * session, as does an unprovable accusation about degree-2t shares
 * (preproc_locate.c).  One of each pair is faulty, so a party in t+1
 * disputes is proven; only an abort that accuses a party its sender is
 * not in dispute with excuses anybody from being waited for, and an
 * agreed ABORT without such an accusation or a conviction proves every
 * party that aborted.  A party waits longer for a party it is in dispute
 * with; a disputed sender's degree-2t shares go over the broadcast.
 *
 * Every broadcast a run's steps take goes through preproc_agree_take, which
 * files this module's messages (of any step) and keeps another party's
 * broadcast of a later run until its turn. */
#include "mpc/engine_internal.h"
#include "mpc/rbc.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AG_STEP 0x53 /* PP_TAG step of this module's broadcasts */
#define AG_HDR 11    /* tag (8), phase, kind, view */
static const char kinds[] = "P12V";
#define NKIND 4

enum { OTHER, CUR, OLD, NEW };

struct PpAgree {
    unsigned n, t;
    uint64_t run;
    unsigned phase;
    uint8_t live[SHAMIR_MAX_PARTIES]; /* not proven faulty when the run began */
    uint8_t bad0[SHAMIR_MAX_PARTIES]; /* restored when the run is aborted */
    unsigned nbad0;
    size_t warn0;
    uint8_t have[2][SHAMIR_MAX_PARTIES], code[2][SHAMIR_MAX_PARTIES];
    uint8_t *silent[2]; /* n×n: silent[ph][j·n + k]: j named k (status or complaint) */
    uint8_t *stsil[2];  /* the same, by statuses only (what an agreed set fixes) */
    uint8_t mine[SHAMIR_MAX_PARTIES];
    uint8_t **slot; /* 2·NKIND·n·n agreement messages (owned) */
    size_t *slen;
    uint8_t *ahead[SHAMIR_MAX_PARTIES]; /* a broadcast of a later step, kept */
    size_t ahead_len[SHAMIR_MAX_PARTIES];
    bool decided[2];
    PpOutcome out[2];
    uint64_t nfiled; /* messages filed so far (progress) */
    /* dispute control (docs/mpc.md "Dispute control"): the session's pairs
     * of which at least one is faulty (never reset): disp[i·n + j] is
     * DISP_ABORT (symmetric) or DISP_SHARES (i's degree-2t shares to j are
     * taken from i's broadcast); the pairs an ABORT outcome adds, and the
     * share disputes of a run (both applied by preproc_agree_finish) */
    uint8_t *disp, *pend, *pend2;
    unsigned aborts, fallbacks; /* runs aborted, fallbacks entered, so far in the session */
};

static uint64_t get_u64(const uint8_t *m)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | m[i];
    return v;
}

static size_t slot_ix(const PpAgree *a, unsigned ph, int k, unsigned v, unsigned j)
{
    return (((size_t)ph * NKIND + (size_t)k) * a->n + v) * a->n + j;
}

static void drop_slots(PpAgree *a)
{
    size_t total = 2 * NKIND * (size_t)a->n * a->n;
    for (size_t i = 0; i < total; i++) {
        free(a->slot[i]);
        a->slot[i] = NULL;
        a->slen[i] = 0;
    }
}

void preproc_agree_free(MpcEngine *e)
{
    PpAgree *a = e->pagr;
    if (!a) return;
    drop_slots(a);
    for (unsigned j = 0; j < a->n; j++) free(a->ahead[j]);
    free(a->slot);
    free(a->slen);
    free(a->silent[0]);
    free(a->silent[1]);
    free(a->stsil[0]);
    free(a->stsil[1]);
    free(a->disp);
    free(a->pend);
    free(a->pend2);
    free(a);
    e->pagr = NULL;
}

/* Tests: whom a lying party names (TEST_LYING_ABORT*). */
static unsigned lie_target(const MpcEngine *e)
{
    unsigned n = e->n, k = e->test_fault == TEST_LYING_ABORT_ZERO ? 0 : (e->self + 1) % n;
    if (e->test_fault == TEST_LYING_ABORT_NEXT) /* another party after each aborted run */
        for (unsigned i = 0; i < e->pagr->aborts || k == e->self; i++) k = (k + 1) % n;
    return k;
}

enum { DISP_ABORT = 1, DISP_SHARES = 2 };

/* i and j are in a dispute of any kind. */
static bool pair(const PpAgree *a, unsigned i, unsigned j)
{
    return a->disp[(size_t)i * a->n + j] || a->disp[(size_t)j * a->n + i];
}

bool preproc_agree_disputed(const MpcEngine *e, unsigned i, unsigned j) { return e->pagr && pair(e->pagr, i, j); }

bool preproc_agree_public(const MpcEngine *e, unsigned i, unsigned j)
{
    const PpAgree *a = e->pagr;
    return a && !e->pp_bad[i] && !e->pp_bad[j] && a->disp[(size_t)i * a->n + j] & DISP_SHARES;
}

void preproc_agree_share_dispute(MpcEngine *e, unsigned i, unsigned j)
{
    PpAgree *a = e->pagr;
    if (a && i != j) a->pend2[(size_t)i * a->n + j] = 1;
}

void preproc_agree_counts(const MpcEngine *e, unsigned *aborted, unsigned *fallbacks)
{
    *aborted = e->pagr ? e->pagr->aborts : 0;
    *fallbacks = e->pagr ? e->pagr->fallbacks : 0;
}

int preproc_agree_begin(MpcEngine *e, uint64_t run)
{
    unsigned n = e->n;
    PpAgree *a = e->pagr;
    if (!a) {
        a = calloc(1, sizeof *a);
        if (!a) return mpc_fail(e, "out of memory");
        e->pagr = a;
        a->n = n;
        a->t = e->t;
        a->slot = calloc(2 * NKIND * (size_t)n * n, sizeof *a->slot);
        a->slen = calloc(2 * NKIND * (size_t)n * n, sizeof *a->slen);
        a->silent[0] = calloc((size_t)n * n, 1);
        a->silent[1] = calloc((size_t)n * n, 1);
        a->stsil[0] = calloc((size_t)n * n, 1);
        a->stsil[1] = calloc((size_t)n * n, 1);
        a->disp = calloc((size_t)n * n, 1);
        a->pend = calloc((size_t)n * n, 1);
        a->pend2 = calloc((size_t)n * n, 1);
        if (!a->slot || !a->slen || !a->silent[0] || !a->silent[1] || !a->stsil[0] || !a->stsil[1] || !a->disp ||
            !a->pend || !a->pend2) {
            preproc_agree_free(e);
            return mpc_fail(e, "out of memory");
        }
    }
    drop_slots(a);
    a->run = run;
    a->phase = 0;
    memset(a->have, 0, sizeof a->have);
    memset(a->code, 0, sizeof a->code);
    memset(a->silent[0], 0, (size_t)n * n);
    memset(a->silent[1], 0, (size_t)n * n);
    memset(a->stsil[0], 0, (size_t)n * n);
    memset(a->stsil[1], 0, (size_t)n * n);
    memset(a->mine, 0, sizeof a->mine);
    memset(a->decided, 0, sizeof a->decided);
    memset(a->pend2, 0, (size_t)n * n);
    for (unsigned j = 0; j < n; j++) a->live[j] = !e->pp_bad[j];
    memcpy(a->bad0, e->pp_bad, n);
    a->nbad0 = e->pp_nbad;
    a->warn0 = e->warn.len;
    e->pp_abort = false;
    if (e->test_fault == TEST_LYING_ABORT_STOP) { /* tests: stops the run at once, naming an honest party */
        a->mine[lie_target(e)] = 1;
        return preproc_agree_abort(e, "test: a lying abort");
    }
    return 0;
}

void preproc_agree_phase(MpcEngine *e, unsigned phase)
{
    e->pagr->phase = phase;
    e->pagr->fallbacks += phase == 1;
    memset(e->pagr->mine, 0, sizeof e->pagr->mine);
    e->pp_abort = false;
}

/* What a broadcast is to the current run: one of this module's (CUR, OLD
 * or NEW run) or another step's (OTHER). */
static int classify(const PpAgree *a, const uint8_t *m, size_t l)
{
    if (l < 8) return OTHER;
    uint64_t tag = get_u64(m);
    if (tag >> 56 != AG_STEP) return OTHER;
    uint64_t run = tag & 0xffffffffffffffULL;
    return run == a->run ? CUR : run < a->run ? OLD : NEW;
}

/* Keeps j's message of this run (owned; freed if malformed or a repeat). */
static void file(PpAgree *a, unsigned j, uint8_t *m, size_t l)
{
    unsigned n = a->n;
    a->nfiled++;
    if (l < AG_HDR || m[8] > 1 || m[10] >= n) {
        free(m);
        return;
    }
    unsigned ph = m[8], v = m[10];
    if (m[9] == 'S' || m[9] == 'C') {
        /* a status (code, then the parties it names as silent), or a later
         * complaint naming more (statuses that did not come) */
        bool st = m[9] == 'S';
        if (l == AG_HDR + 1 + n && m[AG_HDR] <= PP_ST_ABORT && st != a->have[ph][j]) {
            a->have[ph][j] = 1;
            if (st) a->code[ph][j] = m[AG_HDR];
            for (unsigned k = 0; k < n; k++) {
                a->silent[ph][(size_t)j * n + k] |= m[AG_HDR + 1 + k] != 0;
                if (st) a->stsil[ph][(size_t)j * n + k] = m[AG_HDR + 1 + k] != 0;
            }
        }
        free(m);
        return;
    }
    const char *kp = m[9] ? strchr(kinds, m[9]) : NULL;
    size_t want = !kp ? 0 : *kp == 'P' ? 2 * (size_t)n : *kp == 'V' ? 1 + 2 * (size_t)n : n;
    if (!kp || l != AG_HDR + want) {
        free(m);
        return;
    }
    size_t ix = slot_ix(a, ph, (int)(kp - kinds), v, j);
    if (a->slot[ix]) {
        free(m);
        return;
    }
    a->slot[ix] = m;
    a->slen[ix] = l;
}

int preproc_agree_take(MpcEngine *e, unsigned j, uint8_t **m, size_t *l)
{
    PpAgree *a = e->pagr;
    for (;;) {
        uint8_t *x;
        size_t xl;
        if (a->ahead[j]) {
            x = a->ahead[j];
            xl = a->ahead_len[j];
            a->ahead[j] = NULL;
        } else {
            uint32_t from;
            int rc = rbc_take(e->prbc, j, &from, &x, &xl);
            if (rc < 0) return mpc_fail(e, "preprocessing broadcast: %s", rbc_error(e->prbc));
            if (rc == 0) return 0;
        }
        int c = classify(a, x, xl);
        if (c == OTHER) {
            *m = x;
            *l = xl;
            return 1;
        }
        if (c == NEW) { /* j is a run ahead: keep it for that run */
            a->ahead[j] = x;
            a->ahead_len[j] = xl;
            return 0;
        }
        if (c == CUR)
            file(a, j, x, xl);
        else
            free(x);
    }
}

/* Files every party's waiting broadcasts; another step's one is kept
 * (ahead) for the step that takes it. */
void preproc_agree_poll(MpcEngine *e)
{
    if (!e->pagr) return;
    for (unsigned j = 0; j < e->n; j++) {
        uint8_t *m;
        size_t l;
        if (e->pagr->ahead[j]) continue;
        if (preproc_agree_take(e, j, &m, &l) == 1) {
            e->pagr->ahead[j] = m;
            e->pagr->ahead_len[j] = l;
        }
    }
}

int preproc_agree_aborted(const MpcEngine *e, unsigned j)
{
    const PpAgree *a = e->pagr;
    return a && a->have[a->phase][j] && a->code[a->phase][j] == PP_ST_ABORT;
}

/* j's status of phase ph is ABORT and names a live party other than j
 * that j is not in dispute with: an accusation that makes progress (a new
 * dispute, or a conviction). */
static bool fresh_abort(const PpAgree *a, unsigned ph, unsigned j)
{
    unsigned n = a->n;
    if (!a->have[ph][j] || a->code[ph][j] != PP_ST_ABORT) return false;
    for (unsigned k = 0; k < n; k++)
        if (k != j && a->live[k] && a->stsil[ph][(size_t)j * n + k] && !pair(a, j, k)) return true;
    return false;
}

static bool any_fresh(const PpAgree *a)
{
    for (unsigned j = 0; a && j < a->n; j++)
        if (a->live[j] && fresh_abort(a, a->phase, j)) return true;
    return false;
}

int preproc_agree_fresh_abort(MpcEngine *e)
{
    preproc_agree_poll(e); /* the statuses of parties not waited for too */
    return any_fresh(e->pagr);
}

int preproc_agree_excused(MpcEngine *e, unsigned j)
{
    /* an honest party aborts after timing out on somebody it is not in
     * dispute with (it names them), or after such an abort of another
     * party; any other abort (naming nobody, or only parties its sender
     * is in dispute with) is no excuse: its sender is still waited for,
     * and named */
    return preproc_agree_aborted(e, j) && preproc_agree_fresh_abort(e);
}

int preproc_agree_patient(MpcEngine *e, const uint8_t *missing, unsigned *extra)
{
    const PpAgree *a = e->pagr;
    /* the disputed party may be timing its broadcast to this party's
     * deadline only: reliable broadcast brings it here within a timeout of
     * any honest party, and if none gets it, those not in dispute with it
     * abort (a fresh accusation) */
    if (*extra >= PP_PATIENCE || preproc_agree_fresh_abort(e)) return 0;
    bool any = false;
    for (unsigned j = 0; j < a->n; j++) {
        if (!missing[j] || j == e->self) continue;
        if (!pair(a, e->self, j)) return 0;
        any = true;
    }
    if (any) ++*extra;
    return any;
}

int preproc_agree_extend(MpcEngine *e, struct timespec *dl, bool *grace, const uint8_t *missing, unsigned *extra)
{
    if (*grace && !preproc_agree_patient(e, missing, extra)) return 0;
    *grace = true;
    deadline_in(dl, e->timeout_ms);
    return 1;
}

void preproc_agree_complain(MpcEngine *e, unsigned j) { e->pagr->mine[j] = 1; }

int preproc_agree_abort(MpcEngine *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->err, sizeof e->err, fmt, ap);
    va_end(ap);
    e->pp_abort = true;
    return -1;
}

/* ---- the agreement ----------------------------------------------------------- */

typedef struct {
    unsigned ph, view, m;
    unsigned leader[SHAMIR_MAX_PARTIES];
    int lock_view; /* -1: none */
    uint8_t lock[SHAMIR_MAX_PARTIES], lock_voters[SHAMIR_MAX_PARTIES];
    uint8_t proposed[SHAMIR_MAX_PARTIES], voted1[SHAMIR_MAX_PARTIES], voted2[SHAMIR_MAX_PARTIES];
    uint8_t vc_sent[SHAMIR_MAX_PARTIES];
    char why[160];
} Agr;

static int send_msg(MpcEngine *e, unsigned ph, char kind, unsigned v, const uint8_t *x, size_t nx, const uint8_t *y,
                    size_t ny, const uint8_t *z, size_t nz)
{
    PpAgree *a = e->pagr;
    size_t len = AG_HDR + nx + ny + nz;
    uint8_t *b = malloc(len);
    if (!b) return mpc_fail(e, "out of memory");
    uint64_t tag = PP_TAG(AG_STEP, a->run);
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(tag >> (8 * i));
    b[8] = (uint8_t)ph;
    b[9] = (uint8_t)kind;
    b[10] = (uint8_t)v;
    if (nx) memcpy(b + AG_HDR, x, nx);
    if (ny) memcpy(b + AG_HDR + nx, y, ny);
    if (nz) memcpy(b + AG_HDR + nx + ny, z, nz);
    uint64_t session;
    int rc = rbc_broadcast(e->prbc, b, len, &session);
    free(b);
    return rc != 0 ? mpc_fail(e, "preprocessing broadcast: %s", rbc_error(e->prbc)) : 0;
}

/* Takes and files what has arrived (another step's broadcasts: those of
 * the current phase's steps are stale and dropped, later ones kept), then
 * waits until dl for more.  1 = something may have changed, 0 = deadline,
 * -1 = error. */
static int pump(MpcEngine *e, unsigned ph, const struct timespec *dl)
{
    PpAgree *a = e->pagr;
    /* what was delivered meanwhile is filed first (a status routed during
     * the last wait must not wait for the next message) */
    uint64_t before = a->nfiled;
    for (unsigned j = 0; j < a->n; j++) {
        uint8_t *m;
        size_t l;
        int rc = 0;
        while (!a->ahead[j] && (rc = preproc_agree_take(e, j, &m, &l)) == 1) {
            uint64_t tag = l >= 8 ? get_u64(m) : 0, step = tag >> 56, seq = tag & 0xffffffffffffffULL;
            /* stale: this run's steps up to the status (phase 0), or the
             * fallback's (phase 1); a later run's seed or the fallback's
             * steps while in phase 0 are kept */
            bool later = (step == 1 && seq > a->run) || (ph == 0 && (step == 6 || step == 7)) || step > 7;
            if (later) {
                a->ahead[j] = m;
                a->ahead_len[j] = l;
            } else {
                sodium_memzero(m, l);
                free(m);
            }
        }
        if (rc < 0) return -1;
    }
    if (a->nfiled != before) return 1;
    int w = rbc_preproc_wait(e, dl);
    return w < 0 ? -1 : w;
}

static const uint8_t *body(const PpAgree *a, unsigned ph, char kind, unsigned v, unsigned j)
{
    const uint8_t *m = a->slot[slot_ix(a, ph, (int)(strchr(kinds, kind) - kinds), v, j)];
    return m ? m + AG_HDR + (kind == 'V') : NULL;
}

/* Complaints about k among the statuses of S. */
static unsigned named(const PpAgree *a, unsigned ph, const uint8_t *S, unsigned k)
{
    unsigned c = 0;
    for (unsigned j = 0; j < a->n; j++) c += S[j] && a->have[ph][j] && a->silent[ph][(size_t)j * a->n + k];
    return c;
}

/* 1 if S may be agreed (waiting until dl for the statuses it names), 0 if
 * not (why), -1 on error. */
static int set_ok(MpcEngine *e, unsigned ph, const uint8_t *S, const struct timespec *dl, char *why, size_t wl)
{
    PpAgree *a = e->pagr;
    unsigned n = a->n;
    for (unsigned j = 0; j < n; j++)
        if (S[j] > 1 || (S[j] && !a->live[j])) {
            snprintf(why, wl, "a malformed set");
            return 0;
        }
    for (unsigned j = 0; j < n; j++) {
        while (S[j] && !a->have[ph][j]) {
            int r = pump(e, ph, dl);
            if (r < 0) return -1;
            if (r == 0) {
                snprintf(why, wl, "a set naming party %u's status, which did not come", j);
                return 0;
            }
        }
    }
    for (unsigned k = 0; k < n; k++) {
        while (a->live[k] && !S[k] && named(a, ph, S, k) < a->t + 1) {
            int r = pump(e, ph, dl); /* complaints may still be coming */
            if (r < 0) return -1;
            if (r == 0) {
                snprintf(why, wl, "a set leaving out party %u, which fewer than t+1 parties named as silent", k);
                return 0;
            }
        }
    }
    return 1;
}

/* A set body backed by n - t matching messages of `kind` in view v: its
 * first holder, or -1. */
static int quorum(const PpAgree *a, unsigned ph, char kind, unsigned v, uint8_t *who)
{
    unsigned n = a->n;
    for (unsigned j = 0; j < n; j++) {
        const uint8_t *bj = body(a, ph, kind, v, j);
        if (!bj) continue;
        unsigned c = 0;
        for (unsigned k = 0; k < n; k++) {
            const uint8_t *bk = body(a, ph, kind, v, k);
            uint8_t same = bk && memcmp(bj, bk, n) == 0;
            if (who) who[k] = same;
            c += same;
        }
        if (c >= n - a->t) return (int)j;
    }
    return -1;
}

/* j's view change to v: its lock's view, -1 for none, -2 invalid, -3
 * error.  A lock is valid when the n - t '1' votes it names carry it. */
static int vc_lock(MpcEngine *e, unsigned ph, unsigned j, unsigned v, const struct timespec *dl)
{
    PpAgree *a = e->pagr;
    unsigned n = a->n;
    const uint8_t *m = body(a, ph, 'V', v, j);
    if (!m) return -2;
    int lv = (int)m[-1] - 1;
    if (lv < 0) return -1;
    if ((unsigned)lv >= v) return -2;
    const uint8_t *voters = m + n;
    unsigned c = 0;
    for (unsigned k = 0; k < n; k++) {
        if (!voters[k]) continue;
        while (!body(a, ph, '1', (unsigned)lv, k)) {
            int r = pump(e, ph, dl);
            if (r < 0) return -3;
            if (r == 0) break;
        }
        const uint8_t *bk = body(a, ph, '1', (unsigned)lv, k);
        c += bk && memcmp(bk, m, n) == 0;
    }
    return c >= n - a->t ? lv : -2;
}

/* The highest valid lock among the view changes to v of J (NULL: all
 * held); the count of valid ones (-1 if J names a missing or invalid
 * one), -2 on error. */
static int best_lock(MpcEngine *e, unsigned ph, unsigned v, const uint8_t *J, const struct timespec *dl, int *best,
                     const uint8_t **lock, uint8_t *used)
{
    PpAgree *a = e->pagr;
    int count = 0;
    *best = -1;
    *lock = NULL;
    for (unsigned j = 0; j < a->n; j++) {
        if (used) used[j] = 0;
        if (J && !J[j]) continue;
        while (J && !body(a, ph, 'V', v, j)) {
            int r = pump(e, ph, dl);
            if (r < 0) return -2;
            if (r == 0) break;
        }
        int lv = vc_lock(e, ph, j, v, dl);
        if (lv == -3) return -2;
        if (lv == -2) {
            if (J) return -1;
            continue;
        }
        if (used) used[j] = 1;
        count++;
        if (lv > *best) {
            *best = lv;
            *lock = body(a, ph, 'V', v, j);
        }
    }
    return count;
}

/* The leader's fresh set: every live status it holds, once each live
 * party's status came or t+1 statuses name it (waiting until dl).  0 with
 * S set, 1 if not complete in time, -1 on error. */
static int fresh_set(MpcEngine *e, unsigned ph, const struct timespec *dl, uint8_t *S)
{
    PpAgree *a = e->pagr;
    unsigned n = a->n;
    for (;;) {
        bool done = true;
        for (unsigned k = 0; k < n; k++) S[k] = a->live[k] && a->have[ph][k];
        for (unsigned k = 0; k < n && done; k++) done = !a->live[k] || S[k] || named(a, ph, S, k) >= a->t + 1;
        if (done) return 0;
        int r = pump(e, ph, dl);
        if (r < 0) return -1;
        if (r == 0) return 1;
    }
}

static int lead(MpcEngine *e, Agr *g)
{
    PpAgree *a = e->pagr;
    unsigned n = a->n, v = g->view;
    uint8_t S[SHAMIR_MAX_PARTIES], J[SHAMIR_MAX_PARTIES] = { 0 };
    const uint8_t *lock = NULL;
    struct timespec dl;
    deadline_in(&dl, v == 0 ? 2 * e->timeout_ms : e->timeout_ms);
    if (v > 0) {
        int best, c = best_lock(e, g->ph, v, NULL, &dl, &best, &lock, J);
        if (c == -2) return -1;
        if (c < (int)(n - a->t)) return 0; /* not yet */
    }
    if (lock) {
        memcpy(S, lock, n);
    } else {
        int r = fresh_set(e, g->ph, &dl, S);
        if (r != 0) return r < 0 ? -1 : 0;
    }
    g->proposed[v] = 1;
    return send_msg(e, g->ph, 'P', v, S, n, J, n, NULL, 0);
}

static int vote1(MpcEngine *e, Agr *g)
{
    PpAgree *a = e->pagr;
    unsigned n = a->n, v = g->view;
    const uint8_t *m = body(a, g->ph, 'P', v, g->leader[v]);
    if (!m) return 0;
    g->voted1[v] = 1; /* a proposal is checked once */
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    if (v > 0) {
        int best;
        const uint8_t *lock;
        unsigned nj = 0;
        for (unsigned j = 0; j < n; j++) nj += m[n + j] != 0;
        int c = nj >= n - a->t ? best_lock(e, g->ph, v, m + n, &dl, &best, &lock, NULL) : -1;
        if (c == -2) return -1;
        if (c < 0 || (lock && memcmp(lock, m, n) != 0)) {
            snprintf(g->why, sizeof g->why, "party %u's proposal (view %u) does not carry the highest lock",
                     g->leader[v], v);
            return 0;
        }
    }
    char why[120];
    int r = set_ok(e, g->ph, m, &dl, why, sizeof why);
    if (r <= 0) {
        if (r == 0) snprintf(g->why, sizeof g->why, "party %u's proposal (view %u) is %s", g->leader[v], v, why);
        return r;
    }
    return send_msg(e, g->ph, '1', v, m, n, NULL, 0, NULL, 0);
}

static int change_view(MpcEngine *e, Agr *g, unsigned v)
{
    PpAgree *a = e->pagr;
    unsigned n = a->n;
    static const uint8_t none[SHAMIR_MAX_PARTIES];
    uint8_t lv = (uint8_t)(g->lock_view + 1);
    g->view = v;
    if (v >= g->m || g->vc_sent[v]) return 0;
    g->vc_sent[v] = 1;
    bool locked = g->lock_view >= 0;
    return send_msg(e, g->ph, 'V', v, &lv, 1, locked ? g->lock : none, n, locked ? g->lock_voters : none, n);
}

/* The outcome of an agreed S.  On ABORT, the disputes it makes go to
 * a->pend (every status of S naming a live party that is not convicted). */
static void outcome_of(MpcEngine *e, unsigned ph, const uint8_t *S, PpOutcome *out)
{
    PpAgree *a = e->pagr;
    unsigned n = a->n;
    memset(out, 0, sizeof *out);
    memset(a->pend, 0, (size_t)n * n);
    out->slow = true;
    for (unsigned j = 0; j < n; j++)
        if (S[j] && a->code[ph][j] > out->code) out->code = a->code[ph][j];
    bool fresh = false;
    for (unsigned k = 0; k < n && out->code == PP_ST_ABORT; k++) {
        /* left out, or named by t+1 statuses of S (an ABORT outcome has
         * no fast-path party, and every status of S is held) */
        unsigned c = 0;
        for (unsigned j = 0; j < n; j++) c += S[j] && j != k && a->stsil[ph][(size_t)j * n + k];
        if (a->live[k] && (!S[k] || c >= a->t + 1)) {
            out->conv[k] = 1;
            out->nconv++;
        }
        fresh = fresh || (S[k] && fresh_abort(a, ph, k));
    }
    for (unsigned k = 0; k < n; k++) {
        out->aborted[k] = S[k] && a->code[ph][k] == PP_ST_ABORT;
        out->failed[k] = S[k] && a->code[ph][k] == PP_ST_FAIL;
    }
    if (out->code != PP_ST_ABORT) return;
    if (!fresh && !out->nconv) {
        /* no abort in S accuses anybody anew: an honest party aborts only
         * after a fresh accusation of its own or another's (which would be
         * in S, or its sender left out), so every party that aborted lied */
        for (unsigned k = 0; k < n; k++)
            if (out->aborted[k]) {
                out->conv[k] = out->lied[k] = 1;
                out->nconv++;
            }
        return;
    }
    for (unsigned j = 0; j < n; j++)
        for (unsigned k = 0; k < n; k++)
            if (S[j] && j != k && a->live[k] && !out->conv[j] && !out->conv[k] && a->stsil[ph][(size_t)j * n + k])
                a->pend[(size_t)j * n + k] = a->pend[(size_t)k * n + j] = 1;
}

/* Every live status came and is OK: the honest case's decision. */
static bool fast_ok(const PpAgree *a, unsigned ph)
{
    for (unsigned j = 0; j < a->n; j++)
        if (a->live[j] && (!a->have[ph][j] || a->code[ph][j] != PP_ST_OK)) return false;
    return true;
}

/* Names the live parties whose status has not come (once, after a
 * timeout): they can be left out only if t+1 parties do. */
static int complain(MpcEngine *e, unsigned ph)
{
    PpAgree *a = e->pagr;
    uint8_t miss[SHAMIR_MAX_PARTIES], code = 0;
    for (unsigned j = 0; j < a->n; j++) miss[j] = a->live[j] && !a->have[ph][j];
    return send_msg(e, ph, 'C', 0, &code, 1, miss, a->n, NULL, 0);
}

static int slow_path(MpcEngine *e, unsigned ph, PpOutcome *out, const struct timespec *complain_dl)
{
    bool complained = false;
    PpAgree *a = e->pagr;
    unsigned n = a->n, t = a->t;
    int T = e->timeout_ms, rc = -1;
    Agr *g = calloc(1, sizeof *g);
    if (!g) return mpc_fail(e, "out of memory");
    g->ph = ph;
    g->lock_view = -1;
    for (unsigned j = 0; j < n; j++)
        if (a->live[j]) g->leader[g->m++] = j;
    struct timespec dl;
    deadline_in(&dl, 3 * T);
    for (;;) {
        unsigned v = g->view;
        if (fast_ok(a, ph)) {
            memset(out, 0, sizeof *out);
            rc = 0;
            break;
        }
        int d = -1;
        unsigned u;
        for (u = 0; u < g->m && d < 0; u++) d = quorum(a, ph, '2', u, NULL);
        if (d >= 0) {
            const uint8_t *b = body(a, ph, '2', u - 1, (unsigned)d);
            struct timespec adl;
            deadline_in(&adl, 2 * T);
            char why[120];
            int r = set_ok(e, ph, b, &adl, why, sizeof why);
            if (r > 0) outcome_of(e, ph, b, out);
            if (r == 0) mpc_fail(e, "preprocessing (run %llu): the agreed set is %s", (unsigned long long)a->run, why);
            rc = r > 0 ? 0 : -1;
            break;
        }
        if (v >= g->m) {
            uint8_t miss[SHAMIR_MAX_PARTIES];
            char who[256];
            for (unsigned j = 0; j < n; j++) miss[j] = a->live[j] && !a->have[ph][j];
            preproc_check_list_set(miss, n, who, sizeof who);
            mpc_fail(e, "preprocessing (run %llu): no agreement on who was silent (%s; no status from party %s)",
                     (unsigned long long)a->run, g->why[0] ? g->why : "no leader found a quorum in time",
                     who[0] ? who : "-");
            break;
        }
        bool moved = false;
        for (u = g->m; u-- > v + 1 && !moved;) {
            unsigned c = 0;
            for (unsigned j = 0; j < n; j++) c += body(a, ph, 'V', u, j) != NULL;
            if (c >= t + 1) {
                if (change_view(e, g, u) != 0) goto out;
                deadline_in(&dl, 2 * T);
                moved = true;
            }
        }
        if (moved) continue;
        if (!complained && ms_left(complain_dl) <= 0) {
            complained = true;
            if (complain(e, ph) != 0) goto out;
        }
        if (g->leader[v] == e->self && !g->proposed[v] && lead(e, g) != 0) goto out;
        if (!g->voted1[v] && vote1(e, g) < 0) goto out;
        if (!g->voted2[v]) {
            uint8_t who[SHAMIR_MAX_PARTIES];
            int q = quorum(a, ph, '1', v, who);
            if (q >= 0) {
                const uint8_t *b = body(a, ph, '1', v, (unsigned)q);
                g->voted2[v] = 1;
                g->lock_view = (int)v;
                memcpy(g->lock, b, n);
                memcpy(g->lock_voters, who, n);
                if (send_msg(e, ph, '2', v, b, n, NULL, 0, NULL, 0) != 0) goto out;
                continue;
            }
        }
        if (ms_left(&dl) <= 0) {
            if (!g->why[0])
                snprintf(g->why, sizeof g->why, "party %u (the leader of view %u) %s", g->leader[v], v,
                         body(a, ph, 'P', v, g->leader[v]) ? "had no quorum in time" : "sent no proposal");
            if (change_view(e, g, v + 1) != 0) goto out;
            deadline_in(&dl, 2 * T);
            continue;
        }
        const struct timespec *wdl = !complained && ms_left(complain_dl) < ms_left(&dl) ? complain_dl : &dl;
        if (pump(e, ph, wdl) < 0) goto out;
    }
out:
    free(g);
    return rc;
}

static int status(MpcEngine *e, unsigned ph, int code, PpOutcome *out);

int preproc_agree_status(MpcEngine *e, unsigned ph, int code, PpOutcome *out)
{
    PpAgree *a = e->pagr;
    int rc = status(e, ph, code, out);
    if (rc == 0) {
        a->decided[ph] = true;
        a->out[ph] = *out;
    }
    return rc;
}

static int status(MpcEngine *e, unsigned ph, int code, PpOutcome *out)
{
    PpAgree *a = e->pagr;
    unsigned n = a->n;
    memset(out, 0, sizeof *out);
    uint8_t st = (uint8_t)code;
    if (ph == 0 && e->test_fault >= TEST_LYING_ABORT && e->test_fault <= TEST_LYING_ABORT_NEXT) {
        st = PP_ST_ABORT; /* tests: an ABORT naming an honest party, the run otherwise done honestly */
        a->mine[lie_target(e)] = 1;
    }
    if (send_msg(e, ph, 'S', 0, &st, 1, a->mine, n, NULL, 0) != 0) return -1;
    /* the fast path: every live status, OK, within the timeout (twice:
     * an honest party may come from a wait of one and a half on a party
     * silent to it only) */
    struct timespec dl;
    deadline_in(&dl, 2 * e->timeout_ms);
    bool slow = code != PP_ST_OK;
    while (!slow && !fast_ok(a, ph)) {
        for (unsigned j = 0; j < n && !slow; j++) slow = a->live[j] && a->have[ph][j] && a->code[ph][j] != PP_ST_OK;
        if (slow) break;
        int r = pump(e, ph, &dl);
        if (r < 0) return -1;
        if (r == 0) slow = true;
    }
    if (!slow) return 0;
    return slow_path(e, ph, out, &dl);
}

void preproc_agree_restore(MpcEngine *e)
{
    PpAgree *a = e->pagr;
    memcpy(e->pp_bad, a->bad0, a->n);
    e->pp_nbad = a->nbad0;
    preproc_check_warn_truncate(e, a->warn0);
}

/* "2 (named 4, 5)" for the parties that aborted, and whom they named. */
static void list_aborts(const MpcEngine *e, const PpOutcome *o, char *buf, size_t len)
{
    const PpAgree *a = e->pagr;
    size_t k = 0;
    buf[0] = 0;
    for (unsigned j = 0; j < a->n && k + 40 < len; j++) {
        if (!o->aborted[j]) continue;
        uint8_t who[SHAMIR_MAX_PARTIES];
        char names[128];
        for (unsigned i = 0; i < a->n; i++) who[i] = a->silent[a->phase][(size_t)j * a->n + i];
        preproc_check_list_set(who, a->n, names, sizeof names);
        k += (size_t)snprintf(buf + k, len - k, "%s%u (%s%s)", k ? ", " : "", j, names[0] ? "named " : "named nobody",
                              names);
    }
}

/* Proves the live parties in dispute with more than t parties (an honest
 * party is in dispute only with faulty ones); conv: marks them.  The
 * number proven. */
static unsigned convict_disputed(MpcEngine *e, uint8_t *conv)
{
    PpAgree *a = e->pagr;
    unsigned n = a->n, nconv = 0;
    for (unsigned k = 0; k < n; k++) {
        unsigned c = 0;
        for (unsigned j = 0; j < n; j++) c += pair(a, k, j);
        if (!a->live[k] || e->pp_bad[k] || conv[k] || c < e->t + 1) continue;
        conv[k] = 1;
        nconv++;
        preproc_check_convict(e, k);
        preproc_check_warn(e, "preprocessing (run %llu): party %u is in dispute with %u parties, more than t",
                           (unsigned long long)a->run, k, c);
    }
    return nconv;
}

/* A run that every honest party finished: the accusations it could not
 * settle (preproc_agree_share_dispute, the same at every honest party)
 * become disputes. */
static int share_disputes(MpcEngine *e)
{
    PpAgree *a = e->pagr;
    unsigned n = a->n;
    bool any = false;
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++) {
            size_t ix = (size_t)i * n + j;
            if (!a->pend2[ix] || a->disp[ix] & DISP_SHARES || e->pp_bad[i] || e->pp_bad[j]) continue;
            a->disp[ix] |= DISP_SHARES;
            any = true;
            preproc_check_warn(e,
                               "preprocessing (run %llu): parties %u and %u are in dispute; party %u takes party %u's "
                               "degree-2t shares from its broadcast from now on",
                               (unsigned long long)a->run, i, j, j, i);
        }
    memset(a->pend2, 0, (size_t)n * n);
    uint8_t conv[SHAMIR_MAX_PARTIES] = { 0 };
    if (any) convict_disputed(e, conv);
    if (e->pp_nbad > e->t) {
        char who[256];
        preproc_check_list_set(e->pp_bad, e->n, who, sizeof who);
        return mpc_fail(e, "preprocessing (run %llu): more than t = %u parties misbehaved (parties %s)",
                        (unsigned long long)a->run, e->t, who);
    }
    return 0;
}

int preproc_agree_finish(MpcEngine *e, int rc, bool *retry)
{
    PpAgree *a = e->pagr;
    *retry = false;
    if (!a || (rc != 0 && !e->pp_abort)) return -1;
    unsigned ph = a->phase;
    char why[256];
    snprintf(why, sizeof why, "%s", e->err);
    if (!a->decided[ph]) {
        PpOutcome o;
        if (preproc_agree_status(e, ph, rc != 0 ? PP_ST_ABORT : PP_ST_OK, &o) != 0) return -1;
    }
    const PpOutcome *o = &a->out[ph];
    if (o->code != PP_ST_ABORT) {
        if (rc != 0) /* only if t+1 named this party: not under the synchronous model */
            return mpc_fail(e, "preprocessing (run %llu): %s; the others went on without this party",
                            (unsigned long long)a->run, why);
        return share_disputes(e);
    }
    /* the run is over for every honest party: its convictions are undone
     * (all alike) and the parties left out as silent are proven */
    preproc_agree_restore(e);
    char who[512];
    list_aborts(e, o, who, sizeof who);
    uint8_t conv[SHAMIR_MAX_PARTIES];
    unsigned n = a->n, nconv = o->nconv, fresh = 0;
    memcpy(conv, o->conv, n);
    for (unsigned j = 0; j < n; j++)
        for (unsigned k = j + 1; k < n; k++)
            if (a->pend[(size_t)j * n + k] && !pair(a, j, k)) {
                a->disp[(size_t)j * n + k] = a->disp[(size_t)k * n + j] = DISP_ABORT;
                fresh++;
                preproc_check_warn(e,
                                   "preprocessing (run %llu): parties %u and %u are in dispute (one named the other "
                                   "silent, fewer than t+1 did); the run is made again",
                                   (unsigned long long)a->run, j, k);
            }
    nconv += convict_disputed(e, conv);
    if (!nconv && !fresh)
        return mpc_fail(e,
                        "preprocessing (run %llu): party %s stopped waiting; fewer than t+1 = %u parties named the "
                        "same party silent, and no new dispute, so nobody can be left out and the run stops",
                        (unsigned long long)a->run, who, e->t + 1);
    if (++a->aborts > e->t * (e->t + 1))
        return mpc_fail(e, "preprocessing (run %llu): %u runs aborted, more than t(t+1) = %u (parties %s)",
                        (unsigned long long)a->run, a->aborts, e->t * (e->t + 1), who);
    for (unsigned k = 0; k < n; k++) {
        if (!o->conv[k]) continue;
        preproc_check_convict(e, k);
        if (o->lied[k])
            preproc_check_warn(e,
                               "preprocessing (run %llu): party %u aborted the run accusing nobody anew (a lie); the "
                               "run is made again without it",
                               (unsigned long long)a->run, k);
        else
            preproc_check_warn(e,
                               "preprocessing (run %llu): party %u was silent (at least t+1 parties timed out on it: "
                               "party %s); the run is made again without it",
                               (unsigned long long)a->run, k, who);
    }
    if (e->pp_nbad > e->t) {
        preproc_check_list_set(e->pp_bad, e->n, who, sizeof who);
        return mpc_fail(e, "preprocessing (run %llu): more than t = %u parties misbehaved or were silent (parties %s)",
                        (unsigned long long)a->run, e->t, who);
    }
    e->pp_abort = false;
    *retry = true;
    return 0;
}
