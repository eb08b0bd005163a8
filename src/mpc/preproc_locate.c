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
 * Two cases prove nobody so far: an equivocator (other shares point to
 * point than broadcast) and two or more liars about r_2t in one value
 * (t >= 2).  The first fallback of a session that proves nobody makes the
 * session sign (preproc_sign.c): from then on open-2t messages and dealt
 * rows carry their sender's signature.  A party whose decoding failed
 * then shows a signed message that contradicts its sender's broadcast
 * (judge_evidence), and a value step 4 cannot explain is judged on its
 * double-sharing column against the signed or committed rows
 * (judge_column).  A failure that still proves nobody stops the run with
 * an error rather than dropping values forever. */
#include "mpc/engine_internal.h"
#include "mpc/rbc.h"
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

/* The open-2t message of the shares pay[0..T), with this party's
 * signature after them when the session signs: a fresh buffer (*len
 * bytes, the caller frees it). */
static uint8_t *make_msg(MpcEngine *e, uint64_t seq, const Fe *pay, size_t T, bool sign, size_t *len)
{
    size_t k = T + (sign ? PP_SIG_FE : 0);
    *len = MPC_HDR + k * MPC_ELEM;
    uint8_t *m = malloc(*len);
    if (!m) return NULL;
    wire_put_hdr(m, MK_OPEN2T, (uint32_t)k, e->instance, seq);
    Fe *p = (Fe *)(void *)(m + MPC_HDR);
    fe_copy(p, pay, T);
    if (sign) {
        preproc_sign_shares(e, seq, pay, T, p + T);
        if (e->test_fault == TEST_BAD_OPEN2T_NOSIG) p[T].v[0] ^= 1; /* a test cheater's bad signature */
    }
    wire_limbs_to_le(p, k);
    return m;
}

/* Sends this party's shares, or a test cheater's (sent: its wrong ones),
 * to every party, signed when the session signs.  own is the payload of
 * e->sbuf, as it was after. */
static int send_shares(MpcEngine *e, uint64_t seq, Fe *own, const Fe *sent, size_t T, bool sign)
{
    bool some = e->test_fault == TEST_BAD_OPEN2T_SOME || e->test_fault == TEST_BAD_OPEN2T_NOSIG ||
                e->test_fault == TEST_SILENT_OPEN2T_ONE;
    if (!sign && sent == own && !some) { /* the honest path: in place */
        wire_put_hdr(e->sbuf, MK_OPEN2T, (uint32_t)T, e->instance, seq);
        wire_limbs_to_le(own, T);
        int rc = send_parties(e, e->sbuf, MPC_HDR + T * MPC_ELEM);
        wire_limbs_from_le(own, T);
        return rc;
    }
    size_t len;
    uint8_t *m = make_msg(e, seq, sent, T, sign, &len);
    if (!m) return mpc_fail(e, "out of memory");
    int rc = some ? 0 : send_parties(e, m, len);
    for (unsigned j = 0; j < e->n && some && rc == 0; j++) {
        if (j == e->self) continue;
        if (j != (e->self + 1) % e->n) {
            rc = send_node(e, j, m, len);
            continue;
        }
        if (e->test_fault == TEST_SILENT_OPEN2T_ONE) continue; /* a test party silent to the next party only */
        /* a test equivocator: other shares to the next party only */
        Fe *other = malloc(T * sizeof *other + 1);
        size_t blen;
        for (size_t c = 0; c < T && other; c++) fe_add(e->f, &other[c], &sent[c], &e->inv2);
        uint8_t *bogus = other ? make_msg(e, seq, other, T, sign, &blen) : NULL;
        free(other);
        rc = bogus ? send_node(e, j, bogus, blen) : mpc_fail(e, "out of memory");
        free(bogus);
    }
    free(m);
    return rc;
}

/* The open-2t messages a party whose decoding failed keeps while the
 * session signs (docs/mpc.md "Equivocation"): per sender, the digest of
 * its shares, whether its signature verified, and then the message. */
typedef struct {
    uint8_t *msg[SHAMIR_MAX_PARTIES];
    size_t len;
    uint8_t dig[SHAMIR_MAX_PARTIES][PP_DIGEST];
    uint8_t ok[SHAMIR_MAX_PARTIES], got[SHAMIR_MAX_PARTIES];
} Received;

/* Dispute control (docs/mpc.md "Dispute control"): the degree-2t shares
 * of the parties whose shares to some party are disputed, broadcast by
 * them in every later run.  on: the party broadcast them; row: kept by
 * the parties that take them from there (NULL otherwise); dig: their
 * digest (compared with the re-send's in a fallback). */
typedef struct {
    uint8_t on[SHAMIR_MAX_PARTIES];
    Fe *row[SHAMIR_MAX_PARTIES];
    uint8_t dig[SHAMIR_MAX_PARTIES][PP_DIGEST];
} Public;

static void received_keep(MpcEngine *e, uint64_t seq, size_t T, Received *rv)
{
    rv->len = MPC_HDR + (T + PP_SIG_FE) * MPC_ELEM;
    for (unsigned j = 0; j < e->n; j++) {
        const Fe *row = j == e->self || e->pp_bad[j] ? NULL : gather_row(e, j);
        if (!row) continue;
        rv->got[j] = 1;
        rv->ok[j] = (uint8_t)preproc_sign_check(e, j, seq, row, T, row + T, rv->dig[j]);
        if (rv->ok[j]) rv->msg[j] = gather_take(e, j);
    }
}

static void received_free(MpcEngine *e, Received *rv)
{
    for (unsigned j = 0; j < e->n; j++)
        if (rv->msg[j]) {
            sodium_memzero(rv->msg[j], rv->len);
            mpc_mem_release(e, rv->len);
            transport_recycle(e->tr, rv->msg[j], rv->len);
            rv->msg[j] = NULL;
        }
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

/* The next broadcast of `origin` on preprocessing's channel, waiting
 * until *dl and, as every preprocessing wait, once more before giving up
 * (preproc_agree.c: statuses are filed, not returned, and a party that
 * stopped the run, or whom this party times out on, aborts it for
 * everyone alike): 1 with *m (owned), or -1 with the error set (what: the
 * message awaited). */
static int take_bcast(MpcEngine *e, unsigned origin, const struct timespec *dl, uint8_t **m, size_t *l,
                      const char *what)
{
    struct timespec until = *dl;
    bool grace = false;
    unsigned extra = 0; /* timeouts waited on a party in dispute with this one */
    uint8_t who[SHAMIR_MAX_PARTIES] = { 0 };
    who[origin] = 1;
    int got;
    while ((got = preproc_agree_take(e, origin, m, l)) == 0) {
        if (origin != e->self && (preproc_agree_excused(e, origin) || (extra && preproc_agree_fresh_abort(e))))
            return preproc_agree_abort(e, "triple generation: party %u stopped the run", origin);
        int w = rbc_preproc_wait(e, &until);
        if (w < 0) return -1;
        if (w == 0 && !preproc_agree_extend(e, &until, &grace, who, &extra)) {
            preproc_agree_complain(e, origin);
            return preproc_agree_abort(e, "triple generation: no %s from party %u within %d ms", what, origin,
                                       e->timeout_ms);
        }
    }
    return got == 1 ? 1 : -1; /* preproc_agree_take named the error */
}

/* Broadcasts tag, a 32-bit index and count elements (converted to the
 * wire's byte order on a copy). */
static int bcast_indexed(MpcEngine *e, uint64_t tag, unsigned idx, const Fe *v, size_t count)
{
    size_t len = 16 + count * MPC_ELEM;
    uint8_t *buf = malloc(len);
    if (!buf) return mpc_fail(e, "out of memory");
    for (int b = 0; b < 8; b++) buf[b] = (uint8_t)(tag >> (8 * b));
    for (int b = 0; b < 8; b++) buf[8 + b] = b < 4 ? (uint8_t)(idx >> (8 * b)) : 0;
    Fe *p = (Fe *)(void *)(buf + 16);
    fe_copy(p, v, count);
    wire_limbs_to_le(p, count);
    uint64_t session;
    int rc = rbc_broadcast(e->prbc, buf, len, &session);
    sodium_memzero(buf, len);
    free(buf);
    return rc == 0 ? 0 : mpc_fail(e, "preprocessing broadcast: %s", rbc_error(e->prbc));
}

/* The count elements of a bcast_indexed message (converted in place), or
 * NULL if it is not one of tag and idx with count valid elements. */
static Fe *indexed_payload(const MpcEngine *e, uint64_t tag, unsigned idx, uint8_t *m, size_t l, size_t count)
{
    if (l != 16 + count * MPC_ELEM) return NULL;
    uint64_t got = 0;
    for (int b = 7; b >= 0; b--) got = (got << 8) | m[b];
    uint32_t who = (uint32_t)m[8] | (uint32_t)m[9] << 8 | (uint32_t)m[10] << 16 | (uint32_t)m[11] << 24;
    if (got != tag || who != idx) return NULL;
    Fe *v = (Fe *)(void *)(m + 16);
    wire_limbs_from_le(v, count);
    return wire_check_raw(e->f, v, count) ? v : NULL;
}

/* One party's evidence against sender i (tag, i, the message as
 * received): 1 if it is an open-2t message of this round validly signed
 * by i whose shares are not the ones i broadcast (bdig: their digest). */
static int evidence_holds(MpcEngine *e, uint64_t tag, uint64_t seq, size_t T, unsigned i, const uint8_t *bdig,
                          uint8_t *m, size_t l)
{
    size_t k = T + PP_SIG_FE;
    MsgHdr h;
    if (l != 16 + MPC_HDR + k * MPC_ELEM) return 0;
    uint64_t got = 0;
    for (int b = 7; b >= 0; b--) got = (got << 8) | m[b];
    uint32_t who = (uint32_t)m[8] | (uint32_t)m[9] << 8 | (uint32_t)m[10] << 16 | (uint32_t)m[11] << 24;
    if (got != tag || who != i || wire_get_hdr(m + 16, l - 16, &h) != 0 || h.kind != MK_OPEN2T || h.count != k ||
        h.instance != e->instance || h.seq != seq)
        return 0;
    Fe *v = (Fe *)(void *)(m + 16 + MPC_HDR);
    wire_limbs_from_le(v, k);
    uint8_t dig[PP_DIGEST];
    return wire_check_raw(e->f, v, T) && preproc_sign_check(e, i, seq, v, T, v + T, dig) &&
           sodium_memcmp(dig, bdig, PP_DIGEST) != 0;
}

/* While the session signs, after the broadcast re-send (bdig[i]: the
 * digest of party i's broadcast shares): every party broadcasts whom it
 * accuses (1: with a signed message that contradicts the broadcast, which
 * it then broadcasts; 2: a message that differed unsigned, or none came),
 * and every
 * accusation with evidence proves the sender or, if it does not hold,
 * the accuser.  quiet: the broadcast shares all decode and nobody was
 * proven since the statuses, so a party that reported a failure must
 * accuse somebody (its messages differed from the broadcast ones). */
static int judge_evidence(MpcEngine *e, uint64_t seq, size_t T, const uint8_t *failed, const Received *rv,
                          const uint8_t (*bdig)[PP_DIGEST], bool quiet, const Public *pb)
{
    unsigned n = e->n, self = e->self;
    uint64_t tag = PP_TAG(14, seq);
    Fe acc[SHAMIR_MAX_PARTIES], *all = malloc((size_t)n * n * sizeof *all);
    uint8_t bad[SHAMIR_MAX_PARTIES], (*code)[SHAMIR_MAX_PARTIES] = malloc((size_t)n * sizeof *code);
    if (!all || !code) {
        free(all);
        free(code);
        return mpc_fail(e, "out of memory");
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned a = 0;
        if (pb->row[i]) /* this party decoded with i's public shares */
            ;
        else if (rv && i != self && !e->pp_bad[i] && rv->got[i] && memcmp(rv->dig[i], bdig[i], PP_DIGEST) != 0)
            a = rv->ok[i] ? 1 : 2;
        else if (rv && i != self && !e->pp_bad[i] && !rv->got[i])
            a = 2; /* nothing came from i (preproc_agree.c): not provable either */
        if (e->test_fault == TEST_FALSE_ACCUSE && i == (self + n - 1) % n) a = 2; /* a test's lie */
        fe_from_u64(e->f, &acc[i], a);
    }
    int rc = preproc_check_exchange(e, PP_TAG(13, seq), acc, n, all, bad);
    convict_malformed(e, seq, bad, "accusation");
    for (unsigned j = 0; j < n && rc == 0; j++)
        for (unsigned i = 0; i < n; i++) {
            Fe v;
            code[j][i] = 3; /* not 0, 1 or 2: malformed */
            for (unsigned a = 0; a < 3; a++) {
                fe_from_u64(e->f, &v, a);
                if (fe_equal(&v, &all[(size_t)j * n + i])) code[j][i] = (uint8_t)a;
            }
        }
    free(all);
    /* this party's evidence, in order of the accused */
    for (unsigned i = 0; i < n && rc == 0; i++) {
        if (code[self][i] != 1) continue;
        size_t len = 16 + rv->len;
        uint8_t *buf = malloc(len);
        if (!buf) {
            rc = mpc_fail(e, "out of memory");
            break;
        }
        for (int b = 0; b < 8; b++) buf[b] = (uint8_t)(tag >> (8 * b));
        for (int b = 0; b < 8; b++) buf[8 + b] = b < 4 ? (uint8_t)(i >> (8 * b)) : 0;
        memcpy(buf + 16, rv->msg[i], rv->len);
        wire_limbs_to_le((Fe *)(void *)(buf + 16 + MPC_HDR), T + PP_SIG_FE);
        uint64_t session;
        rc = rbc_broadcast(e->prbc, buf, len, &session);
        sodium_memzero(buf, len);
        free(buf);
        if (rc != 0) rc = mpc_fail(e, "preprocessing broadcast: %s", rbc_error(e->prbc));
    }
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    uint8_t accused[SHAMIR_MAX_PARTIES] = { 0 };
    for (unsigned j = 0; j < n && rc == 0; j++) {
        for (unsigned i = 0; i < n && rc == 0 && !e->pp_bad[j]; i++) {
            unsigned c = code[j][i];
            accused[j] |= c != 0;
            if (c && i != j && pb->on[i] && preproc_agree_public(e, i, j)) {
                /* an honest j decoded with i's public shares and accuses
                 * i only through them (the re-send's comparison) */
                preproc_check_convict(e, j);
                preproc_check_warn(e,
                                   "triple generation (open-2t round %llu): party %u accused party %u, whose shares it "
                                   "takes from its broadcast",
                                   (unsigned long long)seq, j, i);
                continue;
            }
            if (c == 2 && i != j) {
                preproc_check_warn(e,
                                   "triple generation (open-2t round %llu): party %u got degree-2t shares from party "
                                   "%u without a valid signature, or none (not provable)",
                                   (unsigned long long)seq, j, i);
                preproc_agree_share_dispute(e, i, j);
            }
            if (c == 3 || (c && i == j)) {
                preproc_check_convict(e, j);
                preproc_check_warn(e,
                                   "triple generation (open-2t round %llu): party %u broadcast a malformed accusation",
                                   (unsigned long long)seq, j);
            }
            if (c != 1 || e->pp_bad[j]) continue;
            uint8_t *m;
            size_t l;
            if ((rc = take_bcast(e, j, &dl, &m, &l, "evidence")) != 1) break;
            rc = 0;
            int holds = evidence_holds(e, tag, seq, T, i, bdig[i], m, l);
            sodium_memzero(m, l);
            free(m);
            if (holds && !e->pp_bad[i]) {
                preproc_check_convict(e, i);
                preproc_check_warn(e,
                                   "triple generation (open-2t round %llu): party %u signed degree-2t shares for "
                                   "party %u that contradict its broadcast",
                                   (unsigned long long)seq, i, j);
            } else if (!holds) {
                preproc_check_convict(e, j);
                preproc_check_warn(e,
                                   "triple generation (open-2t round %llu): party %u's evidence against party %u "
                                   "does not hold",
                                   (unsigned long long)seq, j, i);
            }
        }
    }
    /* an honest party that failed has a message that differs from its
     * sender's broadcast, and accuses that sender */
    for (unsigned j = 0; j < n && rc == 0 && quiet; j++)
        if (failed[j] && !accused[j] && !e->pp_bad[j]) {
            preproc_check_convict(e, j);
            preproc_check_warn(e,
                               "triple generation (open-2t round %llu): party %u reported a failure but accuses "
                               "nobody",
                               (unsigned long long)seq, j);
        }
    free(code);
    return rc;
}

/* ---- two or more liars about r_2t: the double-sharing column ------------
 *
 * While the session signs, every dealing row carries its dealer's
 * signature (checked on receipt; a bad one made the row disputed and
 * replaced by the committed one in the check round), and a failing value
 * that step 4 could not explain is judged on its double-sharing column
 * (docs/mpc.md "Two liars about r_2t"). */

/* g[d]: dealer d's weight in output i of a column (G' = [I | C'] over the
 * dealers in use, as preproc.c's extract). */
static void column_weights(const MpcEngine *e, const PpDealers *use, unsigned i, Fe *g)
{
    unsigned w = use->m - use->t_a;
    for (unsigned d = 0; d < e->n; d++) fe_zero(&g[d]);
    fe_one(e->f, &g[use->map[i]]);
    for (unsigned jj = 0; jj < use->t_a; jj++) g[use->map[w + jj]] = e->ext[(size_t)i * e->t + jj];
}

/* 1 if the n values lie on one polynomial of degree 2t. */
static int fits_2t(const MpcEngine *e, const Fe *v)
{
    unsigned k = 2 * e->t + 1;
    int ok = 1;
    for (unsigned x = k; x < e->n; x++) {
        Fe y;
        shamir_combine(e->f, &y, e->chk_w[1] + (size_t)(x - k) * k, v, k);
        ok &= fe_equal(&y, &v[x]);
    }
    return ok;
}

/* Proves j faulty, naming why (and the other party of a pair, if any). */
enum { NOBODY = SHAMIR_MAX_PARTIES };
static void convict_warn(MpcEngine *e, unsigned j, uint64_t seq, const char *why, unsigned other)
{
    if (e->pp_bad[j]) return;
    preproc_check_convict(e, j);
    if (other == NOBODY)
        preproc_check_warn(e, "triple generation (open-2t round %llu): party %u %s", (unsigned long long)seq, j, why);
    else
        preproc_check_warn(e, "triple generation (open-2t round %llu): party %u %s %u", (unsigned long long)seq, j, why,
                           other);
}

/* Disputes dis[d][j]: d's column says another share for j than j says
 * it received (sh: j's claim; col: the column).  Every disputed dealer
 * broadcasts its row digests (committed with the seeds), every disputed
 * receiver the row it holds with the dealer's signature; the row must be
 * signed by the dealer or be the committed one.  Then its share decides
 * who lied. */
static int settle_column(MpcEngine *e, uint64_t seq, const PpRunRows *rr, size_t col, const Fe *sh,
                         uint8_t (*dis)[SHAMIR_MAX_PARTIES])
{
    unsigned n = e->n, self = e->self;
    size_t cnt = rr->count;
    uint8_t dealer[SHAMIR_MAX_PARTIES] = { 0 }, lok[SHAMIR_MAX_PARTIES] = { 0 };
    for (unsigned d = 0; d < n; d++)
        for (unsigned j = 0; j < n; j++) dealer[d] |= dis[d][j];
    Fe *lists = calloc((size_t)n * n, sizeof *lists);
    Fe *ev = malloc((cnt + PP_SIG_FE) * sizeof *ev);
    int rc = lists && ev ? 0 : mpc_fail(e, "out of memory");
    if (rc == 0 && dealer[self]) rc = bcast_indexed(e, PP_TAG(16, seq), self, rr->dig, n);
    for (unsigned d = 0; d < n && rc == 0; d++) {
        if (!dis[d][self]) continue;
        fe_copy(ev, rr->held[d], cnt + PP_SIG_FE);
        rc = bcast_indexed(e, PP_TAG(17, seq), d, ev, cnt + PP_SIG_FE);
    }
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    for (unsigned d = 0; d < n && rc == 0; d++) {
        if (!dealer[d] || e->pp_bad[d]) continue;
        uint8_t *m;
        size_t l;
        if ((rc = take_bcast(e, d, &dl, &m, &l, "row digests")) != 1) break;
        rc = 0;
        Fe *v = indexed_payload(e, PP_TAG(16, seq), d, m, l, n), h;
        if (v) preproc_check_row_digest(e->f, v, n, &h);
        if (v && fe_equal(&h, &rr->root[d])) {
            fe_copy(lists + (size_t)d * n, v, n);
            lok[d] = 1;
        } else {
            convict_warn(e, d, seq, "broadcast row digests that are not its commitment", NOBODY);
        }
        sodium_memzero(m, l);
        free(m);
    }
    for (unsigned j = 0; j < n && rc == 0; j++)
        for (unsigned d = 0; d < n && rc == 0 && !e->pp_bad[j]; d++) {
            if (!dis[d][j]) continue;
            uint8_t *m;
            size_t l;
            if ((rc = take_bcast(e, j, &dl, &m, &l, "row")) != 1) break;
            rc = 0;
            Fe *row = indexed_payload(e, PP_TAG(17, seq), d, m, l, cnt + PP_SIG_FE), h;
            int shown = 0;
            if (row && !e->pp_bad[d]) {
                shown = preproc_sign_row_check(e, rr->deal_seq, d, j, row, cnt, row + cnt);
                if (!shown && lok[d]) {
                    preproc_check_row_digest(e->f, row, cnt, &h);
                    shown = fe_equal(&h, &lists[(size_t)d * n + j]);
                }
            }
            if (e->pp_bad[d]) {
                /* proven already: nothing to settle */
            } else if (!shown) {
                convict_warn(e, j, seq, "could not show the row it holds of party", d);
            } else if (!fe_equal(&row[rr->off_2t + col], &sh[(size_t)j * n + d])) {
                convict_warn(e, j, seq, "misreported the degree-2t share it received from party", d);
            } else {
                convict_warn(e, d, seq, "published a degree-2t sharing that contradicts the row it dealt party", j);
            }
            sodium_memzero(m, l);
            free(m);
        }
    if (ev) {
        sodium_memzero(ev, (cnt + PP_SIG_FE) * sizeof *ev);
        free(ev);
    }
    free(lists);
    return rc;
}

/* Value c failed and step 4 proved nobody (r2t[j]: party j's broadcast
 * share of its r_2t).  Its double-sharing column is dropped anyway, so
 * every dealer in use broadcasts its degree-2t sharing of the column and
 * every party the degree-2t shares it received of it: a sharing not of
 * degree 2t proves its dealer; a party whose r_2t share is not the
 * extraction of the shares it says it received, or whose own dealing
 * says another share for itself, contradicts itself; every other
 * mismatch is settled by settle_column. */
static int judge_column(MpcEngine *e, uint64_t seq, const PpRunRows *rr, size_t c, const Fe *r2t)
{
    const Field *f = e->f;
    unsigned n = e->n;
    const PpDealers *use = rr->use;
    unsigned w = use->m - use->t_a, i = (unsigned)(c % w);
    size_t col = c / w, at = rr->off_2t + col;
    uint8_t inuse[SHAMIR_MAX_PARTIES] = { 0 }, bad[SHAMIR_MAX_PARTIES];
    for (unsigned k = 0; k < use->m; k++) inuse[use->map[k]] = 1;
    Fe g[SHAMIR_MAX_PARTIES], mine[2 * SHAMIR_MAX_PARTIES];
    column_weights(e, use, i, g);
    for (unsigned x = 0; x < n; x++) {
        mine[x] = rr->dealt[x][at];
        if (inuse[x])
            mine[n + x] = rr->held[x][at];
        else
            fe_zero(&mine[n + x]);
    }
    if (e->test_fault == TEST_BAD_OPEN2T_LIE2 || e->test_fault == TEST_BAD_OPEN2T_LIE3) /* fits the lie */
        fe_sub(f, &mine[n + use->map[i]], &mine[n + use->map[i]], &e->inv2);
    for (unsigned x = 0; x < n && e->test_fault == TEST_BAD_OPEN2T_LIE3; x++) {
        Fe px, ps; /* a sharing of degree 2t off at every party but itself: + (x - x_self) */
        shamir_point(f, &px, x);
        shamir_point(f, &ps, e->self);
        fe_sub(f, &px, &px, &ps);
        fe_add(f, &mine[x], &mine[x], &px);
    }
    Fe *all = malloc(2 * (size_t)n * n * sizeof *all), *sh = malloc((size_t)n * n * sizeof *sh);
    uint8_t(*dis)[SHAMIR_MAX_PARTIES] = calloc(n, sizeof *dis);
    int rc = all && sh && dis ? preproc_check_exchange(e, PP_TAG(15, seq), mine, 2 * (size_t)n, all, bad)
                              : mpc_fail(e, "out of memory");
    if (rc == 0) convict_malformed(e, seq, bad, "double-sharing column");
    for (unsigned d = 0; d < n && rc == 0; d++) {
        if (e->pp_bad[d] || !inuse[d] || fits_2t(e, all + (size_t)d * 2 * n)) continue;
        convict_warn(e, d, seq, "published a degree-2t sharing of the wrong degree", NOBODY);
    }
    for (unsigned j = 0; j < n && rc == 0; j++) {
        const Fe *P = all + (size_t)j * 2 * n;
        Fe sum;
        fe_zero(&sum);
        for (unsigned d = 0; d < n; d++) {
            Fe p;
            sh[(size_t)j * n + d] = P[n + d];
            fe_mul(f, &p, &g[d], &P[n + d]);
            fe_add(f, &sum, &sum, &p);
        }
        if (e->pp_bad[j]) continue;
        if (!fe_equal(&sum, &r2t[j]))
            convict_warn(e, j, seq, "broadcast a share of r that is not the extraction of its received shares", NOBODY);
        else if (inuse[j] && !fe_equal(&P[j], &P[n + j]))
            convict_warn(e, j, seq, "gave itself another share than its published sharing says", NOBODY);
    }
    for (unsigned d = 0; d < n && rc == 0; d++)
        for (unsigned j = 0; j < n; j++)
            if (d != j && inuse[d] && !e->pp_bad[d] && !e->pp_bad[j] &&
                !fe_equal(&all[(size_t)d * 2 * n + j], &sh[(size_t)j * n + d]))
                dis[d][j] = 1;
    if (rc == 0) rc = settle_column(e, seq, rr, col, sh, dis);
    free(all);
    free(sh);
    free(dis);
    return rc;
}

/* Dispute control: every party whose degree-2t shares to some party are
 * disputed broadcasts them (tag step 5, in chunks as the re-send), every
 * party takes each such broadcast (so a sender silent there is timed out
 * on by all), and a party disputing the sender keeps them to decode with
 * instead of what came point to point. */
static int public_shares(MpcEngine *e, uint64_t seq, const Fe *sent, size_t T, Public *pb)
{
    unsigned n = e->n;
    size_t chunk = ((size_t)1 << 21) / n;
    uint64_t tag = PP_TAG(5, seq);
    int rc = 0;
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++) pb->on[i] |= preproc_agree_public(e, i, j);
    if (pb->on[e->self])
        for (size_t c0 = 0, k = 0; c0 < T && rc == 0; c0 += chunk, k++)
            rc = bcast_indexed(e, tag, (unsigned)k, sent + c0, T - c0 < chunk ? T - c0 : chunk);
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    for (unsigned i = 0; i < n && rc == 0; i++) {
        if (!pb->on[i]) continue;
        bool keep = i != e->self && preproc_agree_public(e, i, e->self);
        if (keep && !(pb->row[i] = malloc(T * sizeof(Fe) + 1))) return mpc_fail(e, "out of memory");
        crypto_generichash_state st;
        crypto_generichash_init(&st, NULL, 0, PP_DIGEST);
        uint8_t bad[SHAMIR_MAX_PARTIES] = { 0 };
        for (size_t c0 = 0, k = 0; c0 < T && !bad[i]; c0 += chunk, k++) {
            size_t nc = T - c0 < chunk ? T - c0 : chunk, l;
            uint8_t *m;
            if (take_bcast(e, i, &dl, &m, &l, "public degree-2t shares") != 1) return -1;
            Fe *v = indexed_payload(e, tag, (unsigned)k, m, l, nc);
            bad[i] = !v;
            if (v) preproc_sign_hash_fe(&st, v, nc);
            if (v && keep) fe_copy(pb->row[i] + c0, v, nc);
            free(m);
        }
        crypto_generichash_final(&st, pb->dig[i], PP_DIGEST);
        convict_malformed(e, seq, bad, "public degree-2t share broadcast");
        if (bad[i]) {
            free(pb->row[i]);
            pb->row[i] = NULL;
        }
    }
    return rc;
}

typedef struct {
    Fe *all, *locv, *in2;
    size_t loc[LOCATE_MAX];
    size_t nloc;
    crypto_generichash_state *bst; /* while signing: per party, its broadcast shares hashed */
    uint8_t (*bdig)[PP_DIGEST];
} Fallback;

/* Step 4 (file comment): every party's inputs to the first failing
 * values, each judged by locate_one. */
static int locate_inputs(MpcEngine *e, uint64_t seq, const PpTripleIn *in, const Fe *sent, Fallback *fb)
{
    const Field *f = e->f;
    unsigned n = e->n;
    uint8_t bad[SHAMIR_MAX_PARTIES];
    size_t L = fb->nloc;
    Fe *mine = malloc(4 * L * sizeof *mine + 1);
    if (!mine) return mpc_fail(e, "out of memory");
    for (size_t k = 0; k < L; k++) {
        size_t c = fb->loc[k];
        Fe *o = mine + 4 * k;
        o[0] = in->ab[2 * c];
        o[1] = in->ab[2 * c + 1];
        o[2] = in->rt[c];
        o[3] = in->r2t[c];
        if (e->test_fault == TEST_BAD_OPEN2T_LIE || e->test_fault == TEST_BAD_OPEN2T_LIE2 ||
            e->test_fault == TEST_BAD_OPEN2T_LIE3) { /* a r_2t,i that fits the lie */
            fe_mul(f, &o[3], &o[0], &o[1]);
            fe_sub(f, &o[3], &o[3], &sent[c]);
        }
    }
    int rc = preproc_check_exchange(e, PP_TAG(7, seq), mine, 4 * L, fb->in2, bad);
    sodium_memzero(mine, 4 * L * sizeof *mine);
    free(mine);
    if (rc != 0) return rc;
    convict_malformed(e, seq, bad, "open-2t input broadcast");
    for (size_t k = 0; k < L; k++) {
        Fe one[4 * SHAMIR_MAX_PARTIES];
        for (unsigned j = 0; j < n; j++)
            for (int q = 0; q < 4; q++) one[(size_t)q * n + j] = fb->in2[(size_t)j * 4 * L + 4 * k + (size_t)q];
        locate_one(e, seq, one, fb->locv + k * n);
    }
    return 0;
}

/* Steps 3 and 4 (file comment): the broadcast re-send, then locating;
 * while the session signs, the evidence of equivocation (rv: this party's
 * kept messages, NULL if it decoded them; failed: the statuses; nbad0:
 * the parties proven when the round began).  A
 * fallback that proves nobody and drops nothing starts the signing. */
static int fallback(MpcEngine *e, uint64_t seq, const PpTripleIn *in, const Fe *sent, size_t T, Fe *opened,
                    uint8_t *drop, size_t *ndrop, const uint8_t *failed, const Received *rv, unsigned nbad0,
                    const Public *pb)
{
    unsigned n = e->n, t = e->t, before = e->pp_nbad;
    bool sign = preproc_sign_on(e);
    /* chunks of the re-send: n·chunk elements in memory at once */
    size_t chunk = ((size_t)1 << 21) / n, nfail = 0;
    uint8_t bad[SHAMIR_MAX_PARTIES];
    Fallback fb = { 0 };
    fb.all = malloc(n * (chunk < T ? chunk : T) * sizeof(Fe) + 1);
    fb.locv = malloc((size_t)LOCATE_MAX * n * sizeof(Fe));
    fb.in2 = malloc((size_t)n * 4 * LOCATE_MAX * sizeof(Fe));
    int rc = 0;
    if (sign) {
        fb.bst = aligned_alloc(64, n * sizeof *fb.bst);
        fb.bdig = calloc(n, sizeof *fb.bdig);
        for (unsigned j = 0; j < n && fb.bst; j++) crypto_generichash_init(&fb.bst[j], NULL, 0, PP_DIGEST);
        if (!fb.bst || !fb.bdig) rc = mpc_fail(e, "out of memory");
    }
    if (!fb.all || !fb.locv || !fb.in2) rc = mpc_fail(e, "out of memory");
    for (size_t c0 = 0; c0 < T && rc == 0; c0 += chunk) {
        size_t nc = T - c0 < chunk ? T - c0 : chunk;
        rc = preproc_check_exchange(e, PP_TAG(6, seq), sent + c0, nc, fb.all, bad);
        if (rc != 0) break;
        convict_malformed(e, seq, bad, "open-2t share broadcast");
        const Fe *row[SHAMIR_MAX_PARTIES];
        for (unsigned j = 0; j < n; j++) row[j] = fb.all + (size_t)j * nc;
        for (unsigned j = 0; j < n && sign; j++) preproc_sign_hash_fe(&fb.bst[j], row[j], nc);
        long nb = decode_live(e, row, nc, opened + c0, drop + c0);
        if (nb < 0) rc = -1;
        nfail += nb > 0 ? (size_t)nb : 0;
        for (size_t c = 0; c < nc && rc == 0 && fb.nloc < LOCATE_MAX; c++) {
            if (!drop[c0 + c]) continue;
            for (unsigned j = 0; j < n; j++) fb.locv[fb.nloc * n + j] = row[j][c];
            fb.loc[fb.nloc++] = c0 + c;
        }
    }
    if (rc == 0 && sign) {
        for (unsigned j = 0; j < n; j++) crypto_generichash_final(&fb.bst[j], fb.bdig[j], PP_DIGEST);
        for (unsigned j = 0; j < n; j++)
            if (pb->on[j] && !e->pp_bad[j] && sodium_memcmp(pb->dig[j], fb.bdig[j], PP_DIGEST) != 0) {
                /* two broadcasts of one round's shares that differ */
                preproc_check_convict(e, j);
                preproc_check_warn(e,
                                   "triple generation (open-2t round %llu): party %u re-sent other degree-2t shares "
                                   "than it broadcast for its disputes",
                                   (unsigned long long)seq, j);
            }
        bool quiet = nfail == 0 && e->pp_nbad == nbad0; /* the same live parties as in the decoding */
        rc = judge_evidence(e, seq, T, failed, rv, (const uint8_t(*)[PP_DIGEST])fb.bdig, quiet, pb);
    }
    if (rc == 0 && nfail) rc = locate_inputs(e, seq, in, sent, &fb);
    if (rc == 0 && nfail && e->pp_nbad == before && in->run && fb.nloc) {
        Fe r2t[SHAMIR_MAX_PARTIES];
        for (unsigned j = 0; j < n; j++) r2t[j] = fb.in2[(size_t)j * 4 * fb.nloc + 3];
        rc = judge_column(e, seq, in->run, fb.loc[0], r2t);
        /* the column's r are public now: every triple made from it goes */
        const PpDealers *use = in->run->use;
        size_t w = use->m - use->t_a, c0 = fb.loc[0] / w * w;
        for (size_t c = c0; c < c0 + w && c < T; c++) {
            nfail += !drop[c];
            drop[c] = 1;
        }
    }
    if (rc == 0 && e->pp_nbad > t) {
        char who[256];
        preproc_check_list_set(e->pp_bad, n, who, sizeof who);
        rc = mpc_fail(e, "triple generation (open-2t round %llu): more than t = %u parties misbehaved (parties %s)",
                      (unsigned long long)seq, t, who);
    } else if (rc == 0 && nfail && e->pp_nbad == before && !sign) {
        preproc_check_warn(e,
                           "triple generation (open-2t round %llu): %zu values do not decode and no party could be "
                           "proven faulty (two or more parties lying about their degree-2t shares of one value); "
                           "dropped, signing from now on",
                           (unsigned long long)seq, nfail);
        rc = preproc_sign_start(e, seq);
    } else if (rc == 0 && nfail && e->pp_nbad == before) {
        rc = mpc_fail(e,
                      "triple generation (open-2t round %llu): %zu values do not decode and no party could be "
                      "proven faulty (two or more parties lying about their degree-2t shares of one value)",
                      (unsigned long long)seq, nfail);
    } else if (rc == 0 && !nfail && e->pp_nbad == before) {
        preproc_check_warn(e,
                           "triple generation (open-2t round %llu): the broadcast shares decode; a party sent other "
                           "shares point to point or reported a failure falsely (%s)",
                           (unsigned long long)seq, sign ? "not provable: unsigned" : "signing from now on");
        if (!sign) rc = preproc_sign_start(e, seq);
    }
    *ndrop = nfail;
    if (fb.bst) sodium_memzero(fb.bst, n * sizeof *fb.bst);
    free(fb.bst);
    free(fb.bdig);
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
    bool sign = preproc_sign_on(e);
    unsigned nbad0 = e->pp_nbad;
    *ndrop = 0;
    memset(drop, 0, T);
    /* own: this party's shares (the payload msg_begin prepared, which
     * nothing below overwrites); sent: what it sends and stands by, a
     * copy only for a test cheater */
    Fe *own = (Fe *)(void *)(e->sbuf + MPC_HDR), *sent = own;
    int tf = e->test_fault;
    bool lie = tf == TEST_BAD_OPEN2T_LIE || tf == TEST_BAD_OPEN2T_LIE2 || tf == TEST_BAD_OPEN2T_LIE3;
    if (tf == TEST_BAD_OPEN2T || tf == TEST_BAD_DEAL_ALL || lie) {
        if (!(sent = malloc(T * sizeof *sent + 1))) return mpc_fail(e, "out of memory");
        if (lie)
            for (size_t c = 0; c < T; c++) fe_add(f, &sent[c], &own[c], &e->inv2);
        else
            prg_fe(e, sent, T);
    }
    int rc = send_shares(e, seq, own, sent, T, sign);
    if (rc == 0) {
        gather_begin(e, MK_OPEN2T, seq, (uint32_t)(T + (sign ? PP_SIG_FE : 0)), true);
        rc = preproc_gather_live(e);
    }
    Public pb;
    memset(&pb, 0, sizeof pb);
    if ((rc == 0 || rc == 1) && e->pagr) {
        int r = public_shares(e, seq, sent, T, &pb);
        if (r != 0) rc = r;
    }
    long nfail = 0;
    Received *rv = NULL;
    if (rc == 0 || rc == 1) {
        const Fe *row[SHAMIR_MAX_PARTIES];
        bool missing = false;
        for (unsigned j = 0; j < n; j++) {
            row[j] = j == e->self ? own : pb.row[j] ? pb.row[j] : gather_row(e, j);
            missing = missing || (!row[j] && !e->pp_bad[j]);
        }
        rc = 0;
        if (missing) { /* shares that did not come (preproc_agree.c): nothing decodes, the status says so */
            nfail = (long)T;
            memset(drop, 1, T);
        } else {
            nfail = decode_live(e, row, T, opened, drop);
            if (nfail < 0) rc = -1;
            if (nfail == 0 && tf == TEST_FALSE_ACCUSE) nfail = drop[0] = 1; /* a test's false failure */
        }
    }
    /* lazily: only a party that failed checks the signatures, and keeps
     * the signed messages as evidence (a missing one is an accusation it
     * cannot prove, judge_evidence) */
    if (rc == 0 && nfail > 0 && sign) {
        if (!(rv = calloc(1, sizeof *rv)))
            rc = mpc_fail(e, "out of memory");
        else
            received_keep(e, seq, T, rv);
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
            rc = fallback(e, seq, in, sent, T, opened, drop, ndrop, o.failed, rv, nbad0, &pb);
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
    if (rv) {
        received_free(e, rv);
        free(rv);
    }
    for (unsigned j = 0; j < n; j++) free(pb.row[j]); /* broadcast: public */
    if (sent != own) free(sent);                      /* a test cheater's public lie */
    return rc;
}
