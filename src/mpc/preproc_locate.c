/* preproc_locate.c: the degree-2t opening of triple generation (step 5 of
 * a preprocessing run), made robust (docs/mpc.md "A wrong degree-2t
 * share").
 *
 * With n = 3t+1 a degree-2t opening detects a wrong share but cannot
 * correct it, and a cheater may send wrong shares to some parties only, so
 * honest parties can disagree on whether it failed.  Hence:
 *
 *   1. every party decodes what it received point to point (the honest
 *      case: nothing else but step 2);
 *   2. every party broadcasts how many values it could not decode (one
 *      element over preprocessing's reliable broadcast): all honest
 *      parties see the same statuses and take the same branch;
 *   3. only if some status is not 0: every party broadcasts its shares
 *      (the "broadcast re-send"); all decode the same broadcast shares, so
 *      they keep the same values and drop the same failing ones;
 *   4. for (up to LOCATE_MAX of) the failing values, every party
 *      broadcasts its inputs a_i, b_i, r_t,i, r_2t,i.  Those values are
 *      dropped, so revealing them costs nothing (any other output of the
 *      same extraction column stays uniform: G restricted to the honest
 *      dealers has full row rank).  a, b and r_t are degree t and decode
 *      robustly (n >= 3t+1), so a party whose input is off is proven; one
 *      whose broadcast share is not a_i·b_i - r_2t,i is proven; and since
 *      r_2t(0) = r_t(0) = r is now known, (r_2t,i - r)/x_i lie on a
 *      polynomial of degree 2t-1, which decodes robustly with one wrong
 *      value at n = 3t+1: a party whose r_2t,i is off is proven.
 *
 * A failure that proves nobody (two or more unproven parties lying about
 * their degree-2t shares in the same values, t >= 2) stops the run with an
 * error rather than dropping values forever. */
#include "mpc/engine_internal.h"
#include "mpc/robust.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define LOCATE_MAX 64 /* failing values whose inputs are broadcast (all failing ones are dropped) */

/* Decodes count degree-2t values from the live parties' shares (row[j]:
 * party j's), at most t - proven of them wrong, as open_round does (the
 * engine's decoder cache while nobody is proven): out[c] is right where
 * fail[c] = 0.  The number failed, or -1 with the error set. */
static long decode_live(MpcEngine *e, const Fe *const *row, size_t count, Fe *out, uint8_t *fail)
{
    const Fe *rows[SHAMIR_MAX_PARTIES];
    if (e->pp_nbad > e->t) {
        char who[256];
        preproc_check_list_set(e->pp_bad, e->n, who, sizeof who);
        return mpc_fail(e, "triple generation: more than t = %u parties misbehaved (parties %s)", e->t, who);
    }
    memset(fail, 0, count);
    if (e->pp_nbad == 0 && e->n == 3 * e->t + 1) {
        /* every share is needed and nothing can be corrected: the same
         * strict opening, by additions (the honest run's path) */
        size_t k = 2 * (size_t)e->t + 1;
        Fe *scratch = malloc(2 * k * PREPROC_EXT_BLOCK * sizeof *scratch);
        if (!scratch) return mpc_fail(e, "out of memory");
        size_t bad = preproc_decode_consecutive(e->f, row, e->n, 2 * e->t, count, out, scratch, fail);
        free(scratch);
        return (long)bad;
    }
    for (unsigned j = 0; j < e->n; j++) rows[j] = e->pp_bad[j] ? NULL : row[j];
    unsigned t1 = e->t - e->pp_nbad;
    DecodeCache own, *cache = &e->cache;
    OpenState *os = malloc(sizeof *os);
    if (!os) return mpc_fail(e, "out of memory");
    if (e->pp_nbad) { /* the engine's decoders assume t faulty among all n */
        dcache_init(&own, e->f, e->n, t1);
        cache = &own;
    }
    open_init(os, e->f, e->n, t1, 2 * e->t, count, rows, NULL, NULL, cache, out);
    int r = open_try(os, true);
    long bad = 0;
    if (r < 0) {
        bad = mpc_fail(e, "out of memory");
    } else {
        for (size_t i = 0; i < os->n_failed; i++) fail[os->failed[i]] = 1;
        for (size_t c = os->next; c < count; c++) fail[c] = 1; /* not reached: too few senders */
        for (size_t c = 0; c < count; c++) bad += fail[c];
    }
    open_free(os);
    free(os);
    if (cache == &own) dcache_free(&own);
    return bad;
}

/* Sends this party's shares, or a test cheater's (sent: its wrong ones),
 * to every party.  own is the payload of e->sbuf, as it was after. */
static int send_shares(MpcEngine *e, uint64_t seq, Fe *own, const Fe *sent, size_t T)
{
    size_t len = MPC_HDR + T * MPC_ELEM;
    wire_put_hdr(e->sbuf, MK_OPEN2T, (uint32_t)T, e->instance, seq);
    if (sent != own) { /* a test cheater: from a copy */
        uint8_t *bogus = malloc(len);
        if (!bogus) return mpc_fail(e, "out of memory");
        memcpy(bogus, e->sbuf, MPC_HDR);
        Fe *pay = (Fe *)(void *)(bogus + MPC_HDR);
        fe_copy(pay, sent, T);
        wire_limbs_to_le(pay, T);
        int rc = send_parties(e, bogus, len);
        free(bogus);
        return rc;
    }
    wire_limbs_to_le(own, T);
    int rc = 0;
    for (unsigned j = 0; j < e->n && rc == 0; j++) {
        if (j == e->self) continue;
        if (e->test_fault == TEST_BAD_OPEN2T_SOME && j == (e->self + 1) % e->n) {
            /* a test equivocator: wrong shares to the next party only */
            uint8_t *bogus = malloc(len);
            if (!bogus) return mpc_fail(e, "out of memory");
            memcpy(bogus, e->sbuf, len);
            Fe *pay = (Fe *)(void *)(bogus + MPC_HDR);
            wire_limbs_from_le(pay, T);
            for (size_t c = 0; c < T; c++) fe_add(e->f, &pay[c], &pay[c], &e->inv2);
            wire_limbs_to_le(pay, T);
            rc = send_node(e, j, bogus, len);
            free(bogus);
        } else if (e->test_fault == TEST_SILENT_OPEN2T_ONE && j == (e->self + 1) % e->n) {
            continue; /* a test party silent to the next party only */
        } else if (e->test_fault != TEST_BAD_OPEN2T_SOME && e->test_fault != TEST_SILENT_OPEN2T_ONE) {
            rc = send_parties(e, e->sbuf, len);
            break;
        } else {
            rc = send_node(e, j, e->sbuf, len);
        }
    }
    wire_limbs_from_le(own, T);
    return rc;
}

/* y = c[0] + c[1]·x + ... + c[d]·x^d at party j's point. */
static void eval_at(const Field *f, const Fe *c, unsigned d, unsigned j, Fe *y)
{
    Fe x, acc = c[d];
    shamir_point(f, &x, j);
    for (unsigned k = d; k-- > 0;) {
        fe_mul(f, &acc, &acc, &x);
        fe_add(f, &acc, &acc, &c[k]);
    }
    *y = acc;
}

/* The inputs of one failing value (in[q·n + j]: party j's a, b, r_t, r_2t
 * for q = 0..3; v[j]: its broadcast share): proves the parties whose
 * inputs are off their polynomials or do not give their share. */
static void locate_one(MpcEngine *e, uint64_t seq, const Fe *in, const Fe *v)
{
    const Field *f = e->f;
    unsigned n = e->n, t = e->t, P[SHAMIR_MAX_PARTIES], m = preproc_check_live_parties(e, P);
    static const char *name[3] = { "a", "b", "r (degree t)" };
    Fe val[4][SHAMIR_MAX_PARTIES], sec[3], coef[SHAMIR_MAX_PARTIES], y;
    uint8_t off[SHAMIR_MAX_PARTIES] = { 0 };
    for (unsigned i = 0; i < m; i++)
        for (int q = 0; q < 4; q++) val[q][i] = in[(size_t)q * n + P[i]];
    for (int q = 0; q < 3; q++) {
        if (robust_decode(f, n, t - e->pp_nbad, t, P, val[q], m, &sec[q], coef) != ROBUST_OK) return;
        for (unsigned i = 0; i < m; i++) {
            eval_at(f, coef, t, P[i], &y);
            if (!fe_equal(&y, &val[q][i]) && !off[i]) {
                off[i] = 1;
                preproc_check_warn(e,
                                   "triple generation (open-2t round %llu): party %u's share of %s is off its "
                                   "polynomial",
                                   (unsigned long long)seq, P[i], name[q]);
            }
        }
    }
    for (unsigned i = 0; i < m; i++) {
        if (off[i]) continue;
        fe_mul(f, &y, &val[0][i], &val[1][i]);
        fe_sub(f, &y, &y, &val[3][i]);
        if (!fe_equal(&y, &v[P[i]])) {
            off[i] = 1;
            preproc_check_warn(e,
                               "triple generation (open-2t round %llu): party %u's degree-2t share contradicts its "
                               "inputs",
                               (unsigned long long)seq, P[i]);
        }
    }
    for (unsigned i = 0; i < m; i++)
        if (off[i]) preproc_check_convict(e, P[i]);
    if (t == 0 || e->pp_nbad >= t) return;
    /* r_2t(0) = r: q_i = (r_2t,i - r)/x_i lie on one polynomial of degree
     * 2t-1, decodable with one wrong value among the 3t+1 - proven */
    unsigned Q[SHAMIR_MAX_PARTIES], k = 0;
    Fe q[SHAMIR_MAX_PARTIES];
    for (unsigned i = 0; i < m; i++) {
        if (off[i]) continue;
        Fe inv;
        if (fe_inv_u64_vartime(f, &inv, (uint64_t)P[i] + 1) != 0) return;
        fe_sub(f, &q[k], &val[3][i], &sec[2]);
        fe_mul(f, &q[k], &q[k], &inv);
        Q[k++] = P[i];
    }
    if (robust_decode(f, n, t - e->pp_nbad, 2 * t - 1, Q, q, k, &y, coef) != ROBUST_OK) return;
    for (unsigned i = 0; i < k; i++) {
        Fe z;
        eval_at(f, coef, 2 * t - 1, Q[i], &z);
        if (fe_equal(&z, &q[i])) continue;
        preproc_check_convict(e, Q[i]);
        preproc_check_warn(e,
                           "triple generation (open-2t round %llu): party %u's degree-2t share of r is off its double "
                           "sharing",
                           (unsigned long long)seq, Q[i]);
    }
}

/* Convicts the live parties whose broadcast was malformed. */
static void convict_malformed(MpcEngine *e, uint64_t seq, const uint8_t *bad, const char *what)
{
    for (unsigned j = 0; j < e->n; j++)
        if (bad[j] && !e->pp_bad[j]) {
            preproc_check_convict(e, j);
            preproc_check_warn(e, "triple generation (open-2t round %llu): party %u broadcast a malformed %s",
                               (unsigned long long)seq, j, what);
        }
}

typedef struct {
    Fe *all, *locv, *in2;
    size_t loc[LOCATE_MAX];
    size_t nloc;
} Fallback;

/* Steps 3 and 4 (file comment): the broadcast re-send, then locating. */
static int fallback(MpcEngine *e, uint64_t seq, const PpTripleIn *in, const Fe *sent, size_t T, Fe *opened,
                    uint8_t *drop, size_t *ndrop)
{
    const Field *f = e->f;
    unsigned n = e->n, t = e->t, before = e->pp_nbad;
    /* chunks of the re-send: n·chunk elements in memory at once */
    size_t chunk = ((size_t)1 << 21) / n, nfail = 0;
    uint8_t bad[SHAMIR_MAX_PARTIES];
    Fallback fb = { 0 };
    fb.all = malloc(n * (chunk < T ? chunk : T) * sizeof(Fe) + 1);
    fb.locv = malloc((size_t)LOCATE_MAX * n * sizeof(Fe));
    fb.in2 = malloc((size_t)n * 4 * LOCATE_MAX * sizeof(Fe));
    int rc = 0;
    if (!fb.all || !fb.locv || !fb.in2) rc = mpc_fail(e, "out of memory");
    for (size_t c0 = 0; c0 < T && rc == 0; c0 += chunk) {
        size_t nc = T - c0 < chunk ? T - c0 : chunk;
        rc = preproc_check_exchange(e, PP_TAG(6, seq), sent + c0, nc, fb.all, bad);
        if (rc != 0) break;
        convict_malformed(e, seq, bad, "open-2t share broadcast");
        const Fe *row[SHAMIR_MAX_PARTIES];
        for (unsigned j = 0; j < n; j++) row[j] = fb.all + (size_t)j * nc;
        long nb = decode_live(e, row, nc, opened + c0, drop + c0);
        if (nb < 0) rc = -1;
        nfail += nb > 0 ? (size_t)nb : 0;
        for (size_t c = 0; c < nc && rc == 0 && fb.nloc < LOCATE_MAX; c++) {
            if (!drop[c0 + c]) continue;
            for (unsigned j = 0; j < n; j++) fb.locv[fb.nloc * n + j] = row[j][c];
            fb.loc[fb.nloc++] = c0 + c;
        }
    }
    if (rc == 0 && nfail) {
        /* step 4: every party's inputs to the first failing values */
        size_t L = fb.nloc;
        Fe *mine = malloc(4 * L * sizeof *mine + 1);
        if (!mine) rc = mpc_fail(e, "out of memory");
        for (size_t k = 0; k < L && mine; k++) {
            size_t c = fb.loc[k];
            Fe *o = mine + 4 * k;
            o[0] = in->ab[2 * c];
            o[1] = in->ab[2 * c + 1];
            o[2] = in->rt[c];
            o[3] = in->r2t[c];
            if (e->test_fault == TEST_BAD_OPEN2T_LIE) { /* a r_2t,i that fits the lie */
                fe_mul(f, &o[3], &o[0], &o[1]);
                fe_sub(f, &o[3], &o[3], &sent[c]);
            }
        }
        if (rc == 0) rc = preproc_check_exchange(e, PP_TAG(7, seq), mine, 4 * L, fb.in2, bad);
        if (mine) {
            sodium_memzero(mine, 4 * L * sizeof *mine);
            free(mine);
        }
        if (rc == 0) convict_malformed(e, seq, bad, "open-2t input broadcast");
        for (size_t k = 0; k < L && rc == 0; k++) {
            Fe one[4 * SHAMIR_MAX_PARTIES];
            for (unsigned j = 0; j < n; j++)
                for (int q = 0; q < 4; q++) one[(size_t)q * n + j] = fb.in2[(size_t)j * 4 * L + 4 * k + (size_t)q];
            locate_one(e, seq, one, fb.locv + k * n);
        }
        char who[256];
        preproc_check_list_set(e->pp_bad, n, who, sizeof who);
        if (rc == 0 && e->pp_nbad > t)
            rc = mpc_fail(e, "triple generation (open-2t round %llu): more than t = %u parties misbehaved (parties %s)",
                          (unsigned long long)seq, t, who);
        else if (rc == 0 && e->pp_nbad == before)
            rc = mpc_fail(e,
                          "triple generation (open-2t round %llu): %zu values do not decode and no party could be "
                          "proven faulty (two or more parties lying about their degree-2t shares of one value)",
                          (unsigned long long)seq, nfail);
    } else if (rc == 0) {
        preproc_check_warn(e,
                           "triple generation (open-2t round %llu): the broadcast shares decode; a party sent other "
                           "shares point "
                           "to point or reported a failure falsely (not provable)",
                           (unsigned long long)seq);
    }
    *ndrop = nfail;
    free(fb.all);
    free(fb.locv);
    free(fb.in2);
    return rc;
}

int preproc_locate_open_2t(MpcEngine *e, size_t T, const PpTripleIn *in, Fe *opened, uint8_t *drop, size_t *ndrop)
{
    const Field *f = e->f;
    unsigned n = e->n;
    uint64_t seq = e->seq[MK_OPEN2T]++;
    *ndrop = 0;
    memset(drop, 0, T);
    /* own: this party's shares (the payload msg_begin prepared, which
     * nothing below overwrites); sent: what it sends and stands by, a
     * copy only for a test cheater */
    Fe *own = (Fe *)(void *)(e->sbuf + MPC_HDR), *sent = own;
    int tf = e->test_fault;
    if (tf == TEST_BAD_OPEN2T || tf == TEST_BAD_DEAL_ALL || tf == TEST_BAD_OPEN2T_LIE) {
        if (!(sent = malloc(T * sizeof *sent + 1))) return mpc_fail(e, "out of memory");
        if (tf == TEST_BAD_OPEN2T_LIE)
            for (size_t c = 0; c < T; c++) fe_add(f, &sent[c], &own[c], &e->inv2);
        else
            prg_fe(e, sent, T);
    }
    int rc = send_shares(e, seq, own, sent, T);
    if (rc == 0) {
        gather_begin(e, MK_OPEN2T, seq, (uint32_t)T, true);
        rc = preproc_gather_live(e);
    }
    long nfail = 0;
    if (rc == 1) { /* shares that did not come (preproc_agree.c): nothing decodes, the status says so */
        rc = 0;
        nfail = (long)T;
        memset(drop, 1, T);
    } else if (rc == 0) {
        const Fe *row[SHAMIR_MAX_PARTIES];
        for (unsigned j = 0; j < n; j++) row[j] = j == e->self ? own : gather_row(e, j);
        nfail = decode_live(e, row, T, opened, drop);
        if (nfail < 0) rc = -1;
    }
    gather_end(e, false);
    if (rc == 0 && e->t == 0 && nfail) /* nobody may be faulty: no fallback */
        rc = mpc_fail(e, "triple generation (open-2t round %llu): shares inconsistent in %ld places",
                      (unsigned long long)seq, nfail);
    if ((rc == 0 || e->pp_abort) && e->t) {
        /* step 2: agree on whether anybody failed, or stopped waiting
         * (preproc_agree.c: every live party's status; an agreement only
         * when one is not OK or does not come) */
        PpOutcome o;
        int code = rc != 0 ? PP_ST_ABORT : nfail ? PP_ST_FAIL : PP_ST_OK;
        rc = preproc_agree_status(e, 0, code, &o);
        if (rc == 0 && o.code == PP_ST_ABORT) {
            rc = preproc_agree_abort(e, "triple generation (open-2t round %llu): the run was aborted",
                                     (unsigned long long)seq);
        } else if (rc == 0 && o.code == PP_ST_FAIL) {
            char who[256];
            preproc_check_list_set(o.failed, n, who, sizeof who);
            preproc_check_warn(e,
                               "triple generation (open-2t round %llu): party %s could not decode the degree-2t "
                               "opening; the "
                               "shares were broadcast",
                               (unsigned long long)seq, who);
            /* the fallback's broadcasts end with their own status: a
             * party silent there aborts the run for everyone alike */
            preproc_agree_phase(e, 1);
            rc = fallback(e, seq, in, sent, T, opened, drop, ndrop);
            bool hard = rc != 0 && !e->pp_abort;
            char why[sizeof e->err];
            memcpy(why, e->err, sizeof why);
            int r2 = preproc_agree_status(e, 1, e->pp_abort ? PP_ST_ABORT : PP_ST_OK, &o);
            if (r2 != 0)
                rc = -1;
            else if (o.code == PP_ST_ABORT)
                rc = preproc_agree_abort(e, "triple generation (open-2t round %llu): the fallback was aborted",
                                         (unsigned long long)seq);
            else if (hard)
                rc = mpc_fail(e, "%s", why);
        } else if (rc == 0 && code != PP_ST_OK) {
            /* the others went on without this party's status (t+1 named
             * it silent): not under the synchronous model; never use
             * values that did not decode */
            rc = mpc_fail(e, "triple generation (open-2t round %llu): the others went on without this party",
                          (unsigned long long)seq);
        } else if (rc == 0) {
            memset(drop, 0, T);
        }
    }
    if (sent != own) free(sent); /* a test cheater's public lie */
    return rc;
}
