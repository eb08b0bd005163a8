/* preproc_check.c: the check round of a preprocessing run, made robust
 * (docs/mpc.md "Preprocessing with cheating parties").
 *
 * Every check value travels over reliable broadcast (preprocessing's own
 * Bracha channel, rbc.h), so all honest parties judge the same numbers and
 * reach the same verdict.  The honest case costs one broadcast of 3 folded
 * values per party.  When the fold does not fit, every party broadcasts its
 * 3 values per dealer and each dealer is judged on its own:
 *
 *   - random and degree-t halves: robust decoding (degree t, corrects up to
 *     t wrong reports).  A dealer whose values do not decode, or whose own
 *     report is off its polynomial, is proven faulty;
 *   - degree-2t half: z_j = v2_j - P_t(x_j) must lie on a degree-2t
 *     polynomial with value 0 at 0 (same secret as the degree-t half).  That
 *     has t+1 spare points, enough to find one wrong report, not t;
 *   - a report off a dealer's decoded polynomial is a dispute: the reporter
 *     lied or the dealer gave it bad shares.  An honest party disputes only
 *     faulty dealers, so a party in more than t disputes is proven faulty.
 *
 * Proven-faulty parties are excluded from then on (their dealings, check
 * values and silence no longer matter).  A dealer in an open dispute, or
 * whose degree-2t half cannot be decoded, is dropped from this run; each
 * dispute is matched with its reporter, which is dropped too, so every
 * matched pair holds a faulty party and the extraction over the remaining
 * dealers can assume that many fewer faulty ones. */
#include "mpc/engine_internal.h"
#include "mpc/rbc.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends a warning line (bounded: later ones are dropped when full). */
static void pp_warn(MpcEngine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pp_warn(MpcEngine *e, const char *fmt, ...)
{
    size_t k = strlen(e->warn);
    if (k + 2 >= sizeof e->warn) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(e->warn + k, sizeof e->warn - k - 1, fmt, ap);
    va_end(ap);
    if (w < 0) {
        e->warn[k] = 0;
        return;
    }
    k = strlen(e->warn);
    e->warn[k] = '\n';
    e->warn[k + 1] = 0;
}

static void convict(MpcEngine *e, unsigned j)
{
    if (!e->pp_bad[j]) {
        e->pp_bad[j] = 1;
        e->pp_nbad++;
    }
}

/* "1, 3" for the parties flagged in set[0..n). */
static void list_set(const uint8_t *set, unsigned n, char *out, size_t len)
{
    size_t k = 0;
    out[0] = 0;
    for (unsigned j = 0; j < n && k + 12 < len; j++)
        if (set[j]) k += (size_t)snprintf(out + k, len - k, "%s%u", k ? ", " : "", j);
}

/* ---- exchange over the preprocessing broadcast --------------------------- */

/* Above this many parties the check values go point to point as before
 * (one message per pair) and any inconsistency aborts the run: n Bracha
 * broadcasts are O(n³) messages per exchange (at n = 40 the honest
 * session's CPU grew 6x, n = 80 timed out). */
#define PP_BROADCAST_MAX_N 16

bool preproc_check_robust(const MpcEngine *e) { return e->n <= PP_BROADCAST_MAX_N; }

/* The same exchange without broadcast (MK_CHECK, one sequence number per
 * exchange): no agreement, so it only serves the abort-on-failure path. */
static int exchange_direct(MpcEngine *e, const Fe *mine, size_t count, Fe *all, uint8_t *malformed)
{
    uint64_t seq = e->seq[MK_CHECK]++;
    Fe *m = msg_begin(e, MK_CHECK, seq, count);
    if (!m) return mpc_fail(e, "out of memory");
    fe_copy(m, mine, count);
    wire_limbs_to_le(m, count);
    if (send_parties(e, e->sbuf, MPC_HDR + count * MPC_ELEM) != 0) return -1;
    gather_begin(e, MK_CHECK, seq, (uint32_t)count, true);
    int rc = gather_all_parties(e, "preprocessing");
    for (unsigned j = 0; j < e->n && rc == 0; j++) {
        malformed[j] = 0;
        fe_copy(all + (size_t)j * count, j == e->self ? mine : gather_row(e, j), count);
    }
    gather_end(e, false);
    return rc;
}

int preproc_check_exchange(MpcEngine *e, uint64_t tag, const Fe *mine, size_t count, Fe *all, uint8_t *malformed)
{
    unsigned n = e->n;
    if (!preproc_check_robust(e)) return exchange_direct(e, mine, count, all, malformed);
    size_t len = 8 + count * MPC_ELEM;
    uint8_t *buf = malloc(len);
    if (!buf) return mpc_fail(e, "out of memory");
    for (int i = 0; i < 8; i++) buf[i] = (uint8_t)(tag >> (8 * i));
    Fe *pay = (Fe *)(void *)(buf + 8);
    fe_copy(pay, mine, count);
    wire_limbs_to_le(pay, count);
    uint64_t session;
    int rc = rbc_broadcast(e->prbc, buf, len, &session);
    free(buf);
    if (rc != 0) return mpc_fail(e, "preprocessing broadcast: %s", rbc_error(e->prbc));
    memset(all, 0, n * count * sizeof *all);
    fe_copy(all + (size_t)e->self * count, mine, count);
    uint8_t need[SHAMIR_MAX_PARTIES];
    unsigned waiting = 0;
    for (unsigned j = 0; j < n; j++) {
        malformed[j] = 0;
        need[j] = !e->pp_bad[j]; /* own included: taking it frees its slot */
        waiting += need[j];
    }
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    for (;;) {
        for (unsigned j = 0; j < n; j++) {
            uint32_t from;
            uint8_t *m;
            size_t l;
            /* a proven-faulty party's broadcasts are taken and ignored */
            while ((need[j] || e->pp_bad[j]) && (rc = rbc_take(e->prbc, j, &from, &m, &l)) == 1) {
                if (need[j] && j != e->self) {
                    uint64_t got = 0;
                    for (int i = 7; i >= 0 && l == len; i--) got = (got << 8) | m[i];
                    Fe *v = (Fe *)(void *)(m + 8);
                    if (l == len) wire_limbs_from_le(v, count);
                    if (l != len || got != tag || !wire_check_raw(e->f, v, count))
                        malformed[j] = 1;
                    else
                        fe_copy(all + (size_t)j * count, v, count);
                }
                if (need[j]) {
                    need[j] = 0;
                    waiting--;
                }
                sodium_memzero(m, l);
                free(m);
            }
            if (rc < 0) return mpc_fail(e, "preprocessing broadcast: %s", rbc_error(e->prbc));
        }
        if (!waiting) return 0;
        int ms = ms_left(&dl);
        uint32_t from;
        uint8_t *m;
        size_t l;
        int tr = ms ? transport_recv(e->tr, &from, &m, &l, ms) : TRANSPORT_TIMEOUT;
        if (tr == TRANSPORT_TIMEOUT) {
            char miss[128];
            need[e->self] = 0;
            list_set(need, n, miss, sizeof miss);
            return mpc_fail(e, "preprocessing (check broadcast %llu): no broadcast from party %s within %d ms",
                            (unsigned long long)(tag & 0xffffffffffffffULL), miss, e->timeout_ms);
        }
        if (tr != TRANSPORT_OK) return mpc_fail(e, "transport closed");
        mpc_route_message(e, from, m, l); /* other rounds' messages are stashed */
        if (e->mem_failed) return -1;
    }
}

/* ---- fitting values to polynomials ----------------------------------------- */

/* 1 if vals[i] (of party P[i], i < m) lie on one polynomial of degree d;
 * *at0 (if not NULL) receives its value at 0.  All n parties at degree t
 * or 2t (the honest case) use the weights made at engine creation. */
static int fits(const MpcEngine *e, const unsigned *P, unsigned m, const Fe *vals, unsigned d, Fe *at0)
{
    const Field *f = e->f;
    unsigned k = d + 1;
    if (m < k) return 0;
    const Fe *w = NULL;
    Fe *own = NULL, l0[SHAMIR_MAX_PARTIES];
    if (m == e->n && (d == e->t || d == 2 * e->t)) {
        int which = d != e->t;
        w = e->chk_w[which];
        if (at0) memcpy(l0, e->chk_l0[which], k * sizeof *l0);
    } else {
        uint64_t zs[SHAMIR_MAX_PARTIES];
        for (unsigned i = k; i < m; i++) zs[i - k] = (uint64_t)P[i] + 1;
        own = malloc(((size_t)(m - k) * k + 1) * sizeof *own);
        if (!own || shamir_lagrange_weights_small(f, P, k, zs, m - k, own) != 0 ||
            (at0 && shamir_lagrange_at_zero(f, P, k, l0) != 0)) {
            free(own);
            return 0;
        }
        w = own;
    }
    int ok = 1;
    for (unsigned i = k; i < m; i++) {
        Fe y;
        shamir_combine(f, &y, w + (size_t)(i - k) * k, vals, k);
        ok &= fe_equal(&y, &vals[i]);
    }
    if (at0) shamir_combine(f, at0, l0, vals, k);
    free(own);
    return ok;
}

/* The parties not proven faulty, in order. */
static unsigned live_parties(const MpcEngine *e, unsigned *P)
{
    unsigned m = 0;
    for (unsigned j = 0; j < e->n; j++)
        if (!e->pp_bad[j]) P[m++] = j;
    return m;
}

/* 1 if one set of check values (random, degree-t, degree-2t halves: rows
 * r0, r1, r2, indexed by party) of the live parties fits, the two halves
 * with one secret. */
static int triplet_fits(const MpcEngine *e, const Fe *r0, const Fe *r1, const Fe *r2)
{
    unsigned P[SHAMIR_MAX_PARTIES];
    Fe a[SHAMIR_MAX_PARTIES], b[SHAMIR_MAX_PARTIES], c[SHAMIR_MAX_PARTIES], s1, s2;
    unsigned m = live_parties(e, P);
    for (unsigned i = 0; i < m; i++) {
        a[i] = r0[P[i]];
        b[i] = r1[P[i]];
        c[i] = r2[P[i]];
    }
    return fits(e, P, m, a, e->t, NULL) && fits(e, P, m, b, e->t, &s1) && fits(e, P, m, c, 2 * e->t, &s2) &&
           fe_equal(&s1, &s2);
}

/* ---- judging one dealer ------------------------------------------------------ */

enum { DEALER_OK = 0, DEALER_FAULTY, DEALER_SUSPECT };

/* Robust decoding of live reports vals[P[i]]; marks the reports off the
 * polynomial in off[] and leaves its coefficients in coef. 0, or -1 if no
 * polynomial of degree t has enough agreeing reports. */
static int decode_marking(const MpcEngine *e, const unsigned *P, unsigned m, const Fe *vals, Fe *coef, uint8_t *off)
{
    Fe sh[SHAMIR_MAX_PARTIES] = { 0 }, sec; /* (zeroed: gcc cannot see m <= n) */
    for (unsigned i = 0; i < m; i++) sh[i] = vals[P[i]];
    if (robust_decode(e->f, e->n, e->t, e->t, P, sh, m, &sec, coef) != ROBUST_OK) return -1;
    for (unsigned i = 0; i < m; i++) {
        Fe x, y;
        shamir_point(e->f, &x, P[i]);
        shamir_poly_eval(e->f, &y, coef, e->t + 1, &x);
        if (!fe_equal(&y, &sh[i])) off[P[i]] = 1;
    }
    return 0;
}

/* Dealer d's values: rows[j] is party j's 3n per-dealer values (random,
 * degree-t, degree-2t halves at d, n + d, 2n + d).  off[] receives the
 * reporters in dispute with d (for a suspect, those of the degree-t
 * halves: sound disputes all the same). */
static int judge_dealer(const MpcEngine *e, const Fe *all, unsigned d, uint8_t *off)
{
    const Field *f = e->f;
    unsigned n = e->n, t = e->t, P[SHAMIR_MAX_PARTIES];
    unsigned m = live_parties(e, P);
    Fe v[3][SHAMIR_MAX_PARTIES], coef[SHAMIR_MAX_PARTIES];
    for (unsigned j = 0; j < n; j++)
        for (int k = 0; k < 3; k++) v[k][j] = all[(size_t)j * 3 * n + (size_t)k * n + d];
    memset(off, 0, n);
    if (decode_marking(e, P, m, v[0], coef, off) != 0) return DEALER_FAULTY;
    if (decode_marking(e, P, m, v[1], coef, off) != 0) return DEALER_FAULTY;
    /* degree-2t half: z = x·S(x) with S of degree 2t-1, so s_j = z_j/x_j
     * must lie on a degree 2t-1 polynomial (the value 0 at 0 for free) */
    Fe s[SHAMIR_MAX_PARTIES];
    for (unsigned i = 0; i < m; i++) {
        Fe x, y, inv;
        shamir_point(f, &x, P[i]);
        shamir_poly_eval(f, &y, coef, t + 1, &x);
        fe_sub(f, &s[i], &v[2][P[i]], &y);
        fe_inv_u64_vartime(f, &inv, (uint64_t)P[i] + 1);
        fe_mul(f, &s[i], &s[i], &inv);
    }
    if (!fits(e, P, m, s, 2 * t - 1, NULL)) {
        /* exactly one removal can make it fit (n >= 3t+1: the rest holds
         * 2t honest reports and the point at 0) */
        unsigned Q[SHAMIR_MAX_PARTIES], found = n;
        Fe sq[SHAMIR_MAX_PARTIES];
        for (unsigned r = 0; r < m && found == n; r++) {
            unsigned q = 0;
            for (unsigned i = 0; i < m; i++)
                if (i != r) {
                    Q[q] = P[i];
                    sq[q++] = s[i];
                }
            if (fits(e, Q, q, sq, 2 * t - 1, NULL)) found = P[r];
        }
        if (found == n) return DEALER_SUSPECT;
        off[found] = 1;
    }
    /* the dealer's own report is on its own polynomial if it is honest */
    return off[d] ? DEALER_FAULTY : DEALER_OK;
}

/* ---- the check round ------------------------------------------------------------ */

/* Σ_d sigma^(d+1)·vals[d] over the n dealers (Horner). */
static void fold_one(const Field *f, const Fe *vals, unsigned n, const Fe *sigma, Fe *out)
{
    Fe acc;
    fe_zero(&acc);
    for (unsigned d = n; d-- > 0;) {
        fe_add(f, &acc, &acc, &vals[d]);
        fe_mul(f, &acc, &acc, sigma);
    }
    *out = acc;
}

int preproc_check_round(MpcEngine *e, uint64_t round, Fe *mine, const Fe *sigma, PpDealers *out)
{
    const Field *f = e->f;
    unsigned n = e->n, t = e->t;
    /* a proven-faulty dealer's sharings are not used: not checked either */
    for (unsigned d = 0; d < n; d++)
        if (e->pp_bad[d])
            for (int k = 0; k < 3; k++) fe_zero(&mine[(size_t)k * n + d]);
    if (e->test_fault == TEST_BAD_CHECK) {
        Fe one;
        fe_one(f, &one);
        for (size_t k = 0; k < 3 * (size_t)n; k++) /* about the others' dealings only */
            if (k % n != e->self) fe_add(f, &mine[k], &mine[k], &one);
    }
    Fe fold[3], *all = malloc((size_t)n * 3 * n * sizeof *all);
    uint8_t bad_msg[SHAMIR_MAX_PARTIES];
    if (!all) return mpc_fail(e, "out of memory");
    for (int k = 0; k < 3; k++) fold_one(f, mine + (size_t)k * n, n, sigma, &fold[k]);
    int rc = preproc_check_exchange(e, PP_TAG(2, round), fold, 3, all, bad_msg);
    Fe r[3][SHAMIR_MAX_PARTIES];
    for (unsigned j = 0; j < n; j++)
        for (int k = 0; k < 3; k++) r[k][j] = all[(size_t)j * 3 + (size_t)k];
    bool honest_case = rc == 0 && triplet_fits(e, r[0], r[1], r[2]);
    for (unsigned j = 0; j < n && honest_case; j++) honest_case = !bad_msg[j];
    if (rc == 0 && !honest_case) {
        if (t == 0 || !preproc_check_robust(e)) {
            rc = mpc_fail(e,
                          "preprocessing (check round %llu): the dealings are inconsistent (%s: nobody is "
                          "excluded, the run stops)",
                          (unsigned long long)round, t == 0 ? "t = 0" : "n > 16, check values not broadcast");
            goto out;
        }
        Fe folds[3][SHAMIR_MAX_PARTIES];
        memcpy(folds, r, sizeof folds);
        for (unsigned j = 0; j < n; j++)
            if (bad_msg[j]) {
                convict(e, j);
                pp_warn(e, "preprocessing (check round %llu): party %u broadcast a malformed check message",
                        (unsigned long long)round, j);
            }
        rc = preproc_check_exchange(e, PP_TAG(3, round), mine, 3 * (size_t)n, all, bad_msg);
        /* a report whose fold is not what it broadcast first is a lie */
        for (unsigned j = 0; j < n && rc == 0; j++) {
            if (e->pp_bad[j]) continue;
            int same = !bad_msg[j];
            for (int k = 0; k < 3 && same; k++) {
                Fe g;
                fold_one(f, all + (size_t)j * 3 * n + (size_t)k * n, n, sigma, &g);
                same = fe_equal(&g, &folds[k][j]);
            }
            if (!same) {
                convict(e, j);
                pp_warn(e, "preprocessing (check round %llu): party %u's check values contradict its folded ones",
                        (unsigned long long)round, j);
            }
        }
        if (rc != 0) goto out;
        /* judge every dealer; convictions change who reports, so again
         * until nobody new is convicted */
        uint8_t off[SHAMIR_MAX_PARTIES][SHAMIR_MAX_PARTIES];
        int verdict[SHAMIR_MAX_PARTIES];
        for (;;) {
            unsigned before = e->pp_nbad, disputes[SHAMIR_MAX_PARTIES] = { 0 };
            for (unsigned d = 0; d < n && e->pp_nbad <= t; d++) { /* past t nothing decodes */
                verdict[d] = e->pp_bad[d] ? DEALER_FAULTY : judge_dealer(e, all, d, off[d]);
                if (verdict[d] == DEALER_FAULTY && !e->pp_bad[d]) {
                    convict(e, d);
                    pp_warn(e,
                            "preprocessing (check round %llu): party %u dealt inconsistent sharings (or "
                            "misreported its own)",
                            (unsigned long long)round, d);
                }
            }
            if (e->pp_nbad > t) break;
            for (unsigned d = 0; d < n; d++)
                for (unsigned j = 0; j < n && verdict[d] != DEALER_FAULTY; j++) disputes[j] += off[d][j] && j != d;
            for (unsigned j = 0; j < n; j++)
                if (!e->pp_bad[j] && disputes[j] > t) {
                    convict(e, j);
                    pp_warn(e,
                            "preprocessing (check round %llu): party %u reported wrong check values for %u "
                            "dealers",
                            (unsigned long long)round, j, disputes[j]);
                }
            if (e->pp_nbad == before || e->pp_nbad > t) break;
        }
        if (e->pp_nbad > t) {
            char who[256];
            list_set(e->pp_bad, n, who, sizeof who);
            rc = mpc_fail(e, "preprocessing (check round %llu): more than t = %u parties misbehaved (parties %s)",
                          (unsigned long long)round, t, who);
            goto out;
        }
        /* this run's dealers: drop suspects and disputed dealers, match
         * each disputed dealer with one reporter */
        uint8_t drop[SHAMIR_MAX_PARTIES], matched[SHAMIR_MAX_PARTIES] = { 0 };
        unsigned pairs = 0;
        for (unsigned d = 0; d < n; d++) {
            drop[d] = e->pp_bad[d];
            if (drop[d]) continue;
            if (verdict[d] == DEALER_SUSPECT) {
                drop[d] = 1;
                pp_warn(e,
                        "preprocessing (check round %llu): party %u's double sharings do not check "
                        "(it or reporting parties cheated); its dealing is not used",
                        (unsigned long long)round, d);
                continue;
            }
            for (unsigned j = 0; j < n; j++) {
                if (!off[d][j] || e->pp_bad[j]) continue;
                if (!drop[d])
                    pp_warn(e,
                            "preprocessing (check round %llu): party %u's dealing and party %u's check value "
                            "disagree; neither dealing is used",
                            (unsigned long long)round, d, j);
                drop[d] = 1;
                if (!matched[d] && !matched[j]) {
                    matched[d] = matched[j] = 1;
                    drop[j] = 1;
                    pairs++;
                }
            }
        }
        if (pairs + e->pp_nbad > t) {
            char who[256];
            list_set(drop, n, who, sizeof who);
            rc = mpc_fail(e,
                          "preprocessing (check round %llu): more than t = %u parties misbehaved (suspects: "
                          "parties %s)",
                          (unsigned long long)round, t, who);
            goto out;
        }
        out->m = 0;
        for (unsigned d = 0; d < n; d++) {
            if (!drop[d]) out->map[out->m++] = d;
            e->st.dealings_excluded += drop[d];
        }
        out->t_a = t - e->pp_nbad - pairs;
    } else if (rc == 0) {
        out->m = live_parties(e, out->map);
        out->t_a = t - e->pp_nbad;
        e->st.dealings_excluded += e->pp_nbad;
    }
    if (rc == 0 && out->m <= out->t_a) {
        char who[256];
        uint8_t used[SHAMIR_MAX_PARTIES] = { 0 };
        for (unsigned i = 0; i < out->m; i++) used[out->map[i]] = 1;
        for (unsigned j = 0; j < n; j++) used[j] = !used[j];
        list_set(used, n, who, sizeof who);
        rc = mpc_fail(e,
                      "preprocessing (check round %llu): too few dealings left to extract from (excluded: parties %s)",
                      (unsigned long long)round, who);
    }
out:
    sodium_memzero(all, (size_t)n * 3 * n * sizeof *all);
    free(all);
    return rc;
}

/* ---- what the embedder sees ----------------------------------------------------- */

const char *mpc_warnings(const MpcEngine *e) { return e ? e->warn : ""; }

unsigned mpc_preproc_faulty(const MpcEngine *e, uint8_t *flags)
{
    if (flags) memcpy(flags, e->pp_bad, e->n);
    return e->pp_nbad;
}
