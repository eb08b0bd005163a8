/* preproc_check.c: the check round of a preprocessing run, made robust
 * (docs/mpc.md "Preprocessing with cheating parties").
 *
 * Every check value travels over reliable broadcast (preprocessing's own
 * Bracha channel, rbc.h, bundled while waiting: engine_rbc.c), so all
 * honest parties judge the same numbers and reach the same verdict.  The
 * honest case costs one broadcast of 3 folded values per party.  When the
 * fold does not fit, every party broadcasts its 3 values per dealer and
 * its own dealing's claim (the 3 values each party should report), and
 * each dealer is judged against its claim:
 *
 *   - a claim of the wrong degrees, with two secrets in the double
 *     sharings, or contradicting the dealer's own report: proven faulty;
 *   - a report off the claim is a dispute: the reporter lied or the dealer
 *     gave it a bad row.  An honest party disputes only faulty dealers, so
 *     a party in more than t disputes is proven faulty;
 *   - every other dispute is settled in public: the dealer opens the
 *     disputed row, which must be the one it committed to before the
 *     challenge and give its claim, or the dealer is proven faulty; the
 *     accuser takes the opened row.
 *
 * Proven-faulty parties are excluded from then on (their dealings, check
 * values and silence no longer matter); nobody else is left out. */
#include "mpc/engine_internal.h"
#include "mpc/rbc.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends a warning line.  The buffer grows up to MPC_WARN_MAX; past it
 * the later lines are dropped and one line says so (a session that long
 * has lost far more than its warnings say). */
void preproc_check_warn(MpcEngine *e, const char *fmt, ...)
{
    if (e->warn_full) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (w < 0) return;
    size_t len = strlen(line);
    if (e->warn.len + len + 2 + 128 > MPC_WARN_MAX) { /* 128: room for the line below */
        e->warn_full = true;
        snprintf(line, sizeof line, "later warnings were dropped: over %zu bytes", (size_t)MPC_WARN_MAX);
        len = strlen(line);
    }
    sb_append(&e->warn, line, len); /* out of memory: the warning is lost, the run goes on */
    sb_putc(&e->warn, '\n');
}

/* Back to the first `len` bytes (an aborted run's warnings are undone). */
void preproc_check_warn_truncate(MpcEngine *e, size_t len)
{
    if (len >= e->warn.len) return;
    sb_truncate(&e->warn, len);
    e->warn_full = false;
}

void preproc_check_warn_free(MpcEngine *e) { sb_free(&e->warn); }

void preproc_check_convict(MpcEngine *e, unsigned j)
{
    if (!e->pp_bad[j]) {
        e->pp_bad[j] = 1;
        e->pp_nbad++;
    }
}

/* "1, 3" for the parties flagged in set[0..n). */
void preproc_check_list_set(const uint8_t *set, unsigned n, char *out, size_t len)
{
    size_t k = 0;
    out[0] = 0;
    for (unsigned j = 0; j < n && k + 12 < len; j++)
        if (set[j]) k += (size_t)snprintf(out + k, len - k, "%s%u", k ? ", " : "", j);
}

/* ---- exchange over the preprocessing broadcast --------------------------- */

int preproc_check_exchange(MpcEngine *e, uint64_t tag, const Fe *mine, size_t count, Fe *all, uint8_t *malformed)
{
    unsigned n = e->n;
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
    bool grace = false, stopped = false;
    unsigned extra = 0; /* timeouts waited on parties in dispute with this one */
    for (;;) {
        for (unsigned j = 0; j < n; j++) {
            uint8_t *m;
            size_t l;
            /* a proven-faulty party's broadcasts are taken and ignored;
             * preproc_agree.c files statuses (an abort) and keeps a later
             * run's broadcasts */
            while ((need[j] || e->pp_bad[j]) && (rc = preproc_agree_take(e, j, &m, &l)) == 1) {
                uint64_t got = 0;
                for (int i = 7; i >= 0 && l >= 8; i--) got = (got << 8) | m[i];
                if (l >= 8 && got != tag && (got & 0xffffffffffffffULL) < (tag & 0xffffffffffffffULL)) {
                    free(m); /* of a run this party aborted before it came */
                    continue;
                }
                if (need[j] && j != e->self) {
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
            if (rc < 0) return -1;
            if (need[j] && j != e->self && preproc_agree_excused(e, j)) { /* it will not come */
                need[j] = 0;
                waiting--;
                stopped = true;
            }
        }
        stopped = stopped || (extra && preproc_agree_fresh_abort(e));
        if (!waiting || (extra && stopped))
            return stopped ? preproc_agree_abort(e, "preprocessing (broadcast %llu): another party stopped the run",
                                                 (unsigned long long)(tag & 0xffffffffffffffULL))
                           : 0;
        int tr = rbc_preproc_wait(e, &dl);
        if (tr < 0) return -1;
        if (tr == 0 && !preproc_agree_extend(e, &dl, &grace, need, &extra)) {
            char miss[128];
            need[e->self] = 0;
            for (unsigned j = 0; j < n; j++)
                if (need[j]) preproc_agree_complain(e, j);
            preproc_check_list_set(need, n, miss, sizeof miss);
            return preproc_agree_abort(e,
                                       "preprocessing (check broadcast %llu): no broadcast from party %s within %d ms",
                                       (unsigned long long)(tag & 0xffffffffffffffULL), miss, e->timeout_ms);
        }
    }
}

/* Gives the little-endian bytes of row[0..count) to put (0: it failed). */
static int row_feed(const Fe *row, size_t count, int (*put)(void *, const void *, size_t), void *arg)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return put(arg, row, count * sizeof *row); /* the limbs already are those bytes: no copy */
#else
    enum { BLOCK = 64 };
    Fe tmp[BLOCK];
    int ok = 1;
    for (size_t i = 0; i < count && ok; i += BLOCK) {
        size_t k = count - i < BLOCK ? count - i : BLOCK;
        fe_copy(tmp, row + i, k);
        wire_limbs_to_le(tmp, k);
        ok = put(arg, tmp, k * sizeof *tmp);
    }
    sodium_memzero(tmp, sizeof tmp);
    return ok;
#endif
}

static int put_evp(void *ctx, const void *b, size_t len) { return EVP_DigestUpdate(ctx, b, len) == 1; }

static int put_sodium(void *st, const void *b, size_t len) { return crypto_hash_sha256_update(st, b, len) == 0; }

/* SHA-256 of row[0..count)'s little-endian bytes: OpenSSL's (SHA-NI where
 * the CPU has it, 1.7 times libsodium's BLAKE2b per byte here) for long
 * rows, libsodium's for short ones and whenever OpenSSL's cannot be set
 * up; both give the same bytes. */
static void row_sha256(const Fe *row, size_t count, uint8_t h[32])
{
    enum { SHORT = 128 }; /* elements: below, OpenSSL's set-up costs more than it saves */
    if (count >= SHORT) {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        unsigned len = 0;
        int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 && row_feed(row, count, put_evp, ctx) &&
                 EVP_DigestFinal_ex(ctx, h, &len) == 1 && len == 32;
        EVP_MD_CTX_free(ctx);
        if (ok) return;
    }
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    row_feed(row, count, put_sodium, &st);
    crypto_hash_sha256_final(&st, h);
}

void preproc_check_row_digest(const Field *f, const Fe *row, size_t count, Fe *out)
{
    /* BLAKE2b-512 of a domain and the row's SHA-256, reduced into the
     * field: 512 bits, so the digests are uniform elements, and a
     * collision is one of SHA-256 or of this 256-bit-to-field map */
    static const char dom[] = "stoffel-mpc row digest v2";
    uint8_t h[64], s[32];
    row_sha256(row, count, s);
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const uint8_t *)dom, sizeof dom);
    crypto_generichash_update(&st, s, sizeof s);
    crypto_generichash_final(&st, h, sizeof h);
    fe_reduce64(f, out, h);
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

unsigned preproc_check_live_parties(const MpcEngine *e, unsigned *P)
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
    unsigned m = preproc_check_live_parties(e, P);
    for (unsigned i = 0; i < m; i++) {
        a[i] = r0[P[i]];
        b[i] = r1[P[i]];
        c[i] = r2[P[i]];
    }
    return fits(e, P, m, a, e->t, NULL) && fits(e, P, m, b, e->t, &s1) && fits(e, P, m, c, 2 * e->t, &s2) &&
           fe_equal(&s1, &s2);
}

/* ---- the per-dealer judgement ------------------------------------------------ */

/* Row layout of the per-dealer broadcast (6n values per party j): its 3n
 * reports (half k about dealer d at k·n + d), then its own dealing's
 * combinations at every party (half k at party i at 3n + k·n + i). */
static const Fe *report(const Fe *all, unsigned n, unsigned j, int k, unsigned d)
{
    return &all[(size_t)j * 6 * n + (size_t)k * n + d];
}
static const Fe *claim(const Fe *all, unsigned n, unsigned d, int k, unsigned i)
{
    return &all[(size_t)d * 6 * n + 3 * (size_t)n + (size_t)k * n + i];
}

/* 1 if dealer d's claimed combinations have the right degrees (t, t, 2t
 * over all n parties) and the two halves of its double sharings one
 * secret. */
static int claim_fits(const MpcEngine *e, const Fe *all, unsigned d)
{
    unsigned n = e->n, P[SHAMIR_MAX_PARTIES];
    Fe s1, s2;
    for (unsigned j = 0; j < n; j++) P[j] = j;
    return fits(e, P, n, claim(all, n, d, 0, 0), e->t, NULL) && fits(e, P, n, claim(all, n, d, 1, 0), e->t, &s1) &&
           fits(e, P, n, claim(all, n, d, 2, 0), 2 * e->t, &s2) && fe_equal(&s1, &s2);
}

/* 1 if party j's reports about dealer d are what d claims for j. */
static int report_agrees(const Fe *all, unsigned n, unsigned j, unsigned d)
{
    int ok = 1;
    for (int k = 0; k < 3; k++) ok &= fe_equal(report(all, n, j, k, d), claim(all, n, d, k, j));
    return ok;
}

int preproc_check_opened_row(const MpcEngine *e, const PpRows *rows, uint64_t tag, unsigned d, unsigned j, uint8_t *m,
                             size_t l, Fe *row)
{
    const Field *f = e->f;
    size_t n = e->n, flen = rows->form_len(rows->ctx, j);
    if (l != 16 + (n + flen) * MPC_ELEM) return 0;
    uint64_t got = 0;
    for (int i = 7; i >= 0; i--) got = (got << 8) | m[i];
    uint32_t who = (uint32_t)m[8] | (uint32_t)m[9] << 8 | (uint32_t)m[10] << 16 | (uint32_t)m[11] << 24;
    if (got != tag || who != j) return 0;
    Fe *dig = (Fe *)(void *)(m + 16), *form = dig + n, h;
    wire_limbs_from_le(dig, n + flen);
    if (!wire_check_raw(f, dig, n + flen)) return 0;
    preproc_check_row_digest(f, dig, n, &h);
    if (!fe_equal(&h, &rows->root[d])) return 0;
    /* the digest is of the sent form: a seed fixes its row */
    preproc_check_row_digest(f, form, flen, &h);
    if (!fe_equal(&h, &dig[j])) return 0;
    rows->expand(rows->ctx, j, form, row);
    return 1;
}

/* Dealer d's opening of party j's row: 1 if it is the row d committed to
 * and its combinations are what d claimed for j; then, if j is this
 * party, the row replaces the one d sent.  -1: out of memory. */
static int check_opening(MpcEngine *e, const PpRows *rows, const Fe *all, uint64_t tag, unsigned d, unsigned j,
                         uint8_t *m, size_t l)
{
    size_t count = rows->count;
    Fe *row = malloc(count * sizeof *row), c[3];
    if (!row) return -1; /* not the dealer's fault */
    int ok = preproc_check_opened_row(e, rows, tag, d, j, m, l, row);
    if (ok) {
        rows->combos(rows->ctx, row, c);
        for (int k = 0; k < 3; k++) ok &= fe_equal(&c[k], claim(all, e->n, d, k, j));
    }
    Fe *mine = ok && j == e->self ? rows->held(rows->ctx, d) : NULL;
    if (mine) fe_copy(mine, row, count);
    sodium_memzero(row, count * sizeof *row);
    free(row);
    return ok;
}

/* Settles the disputes dis[d][j] between live parties: each dealer d
 * opens party j's row over the broadcast (in order of j), and is convicted
 * if the opening is missing its commitment or its claim. */
static int settle_disputes(MpcEngine *e, uint64_t round, const PpRows *rows, const Fe *all,
                           uint8_t dis[][SHAMIR_MAX_PARTIES])
{
    unsigned n = e->n, self = e->self;
    uint64_t tag = PP_TAG(4, round);
    for (unsigned j = 0; j < n && e->test_fault != TEST_BAD_DEAL_MUTE; j++) {
        if (!dis[self][j] || e->pp_bad[j]) continue;
        size_t flen = rows->form_len(rows->ctx, j), len = 16 + (n + flen) * MPC_ELEM;
        uint8_t *buf = malloc(len);
        if (!buf) return mpc_fail(e, "out of memory");
        for (int i = 0; i < 8; i++) buf[i] = (uint8_t)(tag >> (8 * i));
        for (int i = 0; i < 8; i++) buf[8 + i] = i < 4 ? (uint8_t)(j >> (8 * i)) : 0;
        Fe *dig = (Fe *)(void *)(buf + 16);
        fe_copy(dig, rows->dig, n);
        fe_copy(dig + n, rows->dealt(rows->ctx, j), flen);
        wire_limbs_to_le(dig, n + flen);
        uint64_t session;
        int rc = rbc_broadcast(e->prbc, buf, len, &session);
        sodium_memzero(buf, len);
        free(buf);
        if (rc != 0) return mpc_fail(e, "preprocessing broadcast: %s", rbc_error(e->prbc));
    }
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    bool grace = false;
    unsigned extra = 0;
    for (unsigned d = 0; d < n; d++) {
        for (unsigned j = 0; j < n && !e->pp_bad[d]; j++) {
            if (!dis[d][j] || e->pp_bad[j]) continue;
            uint8_t *m;
            size_t l;
            int got;
            while ((got = preproc_agree_take(e, d, &m, &l)) == 0) {
                if (d != e->self && (preproc_agree_excused(e, d) || (extra && preproc_agree_fresh_abort(e))))
                    return preproc_agree_abort(e, "preprocessing (check round %llu): party %u stopped the run",
                                               (unsigned long long)round, d);
                uint8_t who[SHAMIR_MAX_PARTIES] = { 0 };
                who[d] = 1;
                int rc = rbc_preproc_wait(e, &dl);
                if (rc < 0) return -1;
                if (rc == 0 && !preproc_agree_extend(e, &dl, &grace, who, &extra)) {
                    preproc_agree_complain(e, d);
                    return preproc_agree_abort(e,
                                               "preprocessing (check round %llu): party %u did not open party %u's "
                                               "shares within %d ms",
                                               (unsigned long long)round, d, j, e->timeout_ms);
                }
            }
            if (got < 0) return -1; /* preproc_agree_take named it */
            int ok = check_opening(e, rows, all, tag, d, j, m, l);
            if (ok < 0) {
                sodium_memzero(m, l);
                free(m);
                return mpc_fail(e, "out of memory");
            }
            if (ok) {
                preproc_check_warn(e,
                                   "preprocessing (check round %llu): party %u's dealing and party %u's check value "
                                   "disagree; party %u opened party %u's shares, which check",
                                   (unsigned long long)round, d, j, d, j);
            } else {
                preproc_check_convict(e, d);
                preproc_check_warn(e,
                                   "preprocessing (check round %llu): party %u dealt inconsistent sharings (its "
                                   "opening of "
                                   "party %u's shares does not check)",
                                   (unsigned long long)round, d, j);
            }
            sodium_memzero(m, l);
            free(m);
        }
    }
    return 0;
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

static int too_many(MpcEngine *e, uint64_t round)
{
    char who[256];
    preproc_check_list_set(e->pp_bad, e->n, who, sizeof who);
    return mpc_fail(e, "preprocessing (check round %llu): more than t = %u parties misbehaved (parties %s)",
                    (unsigned long long)round, e->t, who);
}

/* The fold did not fit: every party broadcasts its 3n reports and its own
 * dealing's claimed combinations (6n values), and each dealer is judged
 * against its claim (docs/mpc.md "Judging a dealer"). */
static int judge_dealers(MpcEngine *e, uint64_t round, const Fe *mine, const Fe *sigma, const PpRows *rows, Fe *all,
                         const Fe folds[3][SHAMIR_MAX_PARTIES])
{
    const Field *f = e->f;
    unsigned n = e->n, t = e->t;
    uint8_t bad_msg[SHAMIR_MAX_PARTIES];
    Fe *msg = malloc(6 * (size_t)n * sizeof *msg);
    if (!msg) return mpc_fail(e, "out of memory");
    fe_copy(msg, mine, 3 * (size_t)n);
    rows->expect(rows->ctx, msg + 3 * (size_t)n);
    int rc = preproc_check_exchange(e, PP_TAG(3, round), msg, 6 * (size_t)n, all, bad_msg);
    free(msg);
    if (rc != 0) return rc;
    /* malformed, or reports whose fold is not what was broadcast first: lies */
    for (unsigned j = 0; j < n; j++) {
        if (e->pp_bad[j]) continue;
        int same = !bad_msg[j];
        for (int k = 0; k < 3 && same; k++) {
            Fe g;
            fold_one(f, all + (size_t)j * 6 * n + (size_t)k * n, n, sigma, &g);
            same = fe_equal(&g, &folds[k][j]);
        }
        if (!same) {
            preproc_check_convict(e, j);
            preproc_check_warn(e,
                               "preprocessing (check round %llu): party %u's check values contradict its folded ones",
                               (unsigned long long)round, j);
        }
    }
    /* a dealer whose claim does not fit, or who contradicts it about its
     * own row, dealt inconsistently (an honest dealer's claim is what its
     * rows give) */
    for (unsigned d = 0; d < n; d++) {
        if (e->pp_bad[d] || (claim_fits(e, all, d) && report_agrees(all, n, d, d))) continue;
        preproc_check_convict(e, d);
        preproc_check_warn(e,
                           "preprocessing (check round %llu): party %u dealt inconsistent sharings (or misreported its "
                           "own)",
                           (unsigned long long)round, d);
    }
    /* a report off its dealer's claim is a dispute: the reporter lied, or
     * the dealer gave it a bad row.  An honest party disputes only faulty
     * dealers, so one in more than t disputes lied */
    uint8_t(*dis)[SHAMIR_MAX_PARTIES] = calloc(n, sizeof *dis);
    unsigned count[SHAMIR_MAX_PARTIES] = { 0 };
    if (!dis) return mpc_fail(e, "out of memory");
    for (unsigned d = 0; d < n; d++)
        for (unsigned j = 0; j < n; j++)
            if (j != d && !e->pp_bad[d] && !e->pp_bad[j] && !report_agrees(all, n, j, d)) {
                dis[d][j] = 1;
                count[j]++;
            }
    for (unsigned j = 0; j < n; j++)
        if (!e->pp_bad[j] && count[j] > t) {
            preproc_check_convict(e, j);
            preproc_check_warn(e,
                               "preprocessing (check round %llu): party %u reported wrong check values for %u dealers",
                               (unsigned long long)round, j, count[j]);
        }
    /* the rest are settled by the dealer opening the disputed row */
    rc = e->pp_nbad > t ? too_many(e, round) : settle_disputes(e, round, rows, all, dis);
    if (rc == 0 && e->pp_nbad > t) rc = too_many(e, round);
    free(dis);
    return rc;
}

int preproc_check_round(MpcEngine *e, uint64_t round, Fe *mine, const Fe *sigma, const PpRows *rows, PpDealers *out)
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
    if (e->test_fault == TEST_BAD_CHECK_2T) { /* too few lies to be proven */
        Fe one;
        fe_one(f, &one);
        for (unsigned d = 0; d < t; d++)
            if (d != e->self) fe_add(f, &mine[2 * (size_t)n + d], &mine[2 * (size_t)n + d], &one);
    }
    size_t all_len = (size_t)n * 6 * n;
    Fe fold[3], *all = malloc(all_len * sizeof *all);
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
        if (t == 0) {
            rc = mpc_fail(e,
                          "preprocessing (check round %llu): the dealings are inconsistent (t = 0: nobody is "
                          "excluded, the run stops)",
                          (unsigned long long)round);
            goto out;
        }
        for (unsigned j = 0; j < n; j++)
            if (bad_msg[j]) {
                preproc_check_convict(e, j);
                preproc_check_warn(e, "preprocessing (check round %llu): party %u broadcast a malformed check message",
                                   (unsigned long long)round, j);
            }
        rc = judge_dealers(e, round, mine, sigma, rows, all, (const Fe(*)[SHAMIR_MAX_PARTIES])r);
    }
    if (rc == 0) {
        out->m = preproc_check_live_parties(e, out->map);
        out->t_a = t - e->pp_nbad;
        e->st.dealings_excluded += e->pp_nbad;
    }
out:
    sodium_memzero(all, all_len * sizeof *all);
    free(all);
    return rc;
}

/* ---- what the embedder sees ----------------------------------------------------- */

const char *mpc_warnings(const MpcEngine *e) { return e && e->warn.data ? e->warn.data : ""; }

unsigned mpc_preproc_faulty(const MpcEngine *e, uint8_t *flags)
{
    if (flags) memcpy(flags, e->pp_bad, e->n);
    return e->pp_nbad;
}
