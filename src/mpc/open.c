/* open.c: robust opening of a batch of shared values from whatever shares
 * have arrived (engine_internal.h, OpenState).
 *
 * The fast path is robust.h's batch decoder: one Lagrange basis for the
 * whole batch when the sender set is the same, a few multiplications per
 * value.  Around it:
 *   - shares are tried as soon as d+t+1 senders are in; a batch that does
 *     not decode waits for more senders (never a wrong value: robust.h's
 *     agreement rule);
 *   - with exactly d+t+1 senders one disagreeing share makes every value
 *     undecodable, and the decoder cannot correct anything, so a failing
 *     chunk stops the pass instead of running the slow decoder on the
 *     rest;
 *   - when exclusion is on (online openings), the first value of each chunk
 *     is decoded with its polynomial and every sender checked against it: a
 *     party whose share is off is provably faulty (the decoded value is
 *     right) and is not used again, so one faulty party costs one slow
 *     decode, not one per value. */
#include "mpc/engine_internal.h"

#include <stdlib.h>
#include <string.h>

void dcache_init(DecodeCache *c, const Field *f, unsigned n, unsigned t)
{
    memset(c, 0, sizeof *c);
    c->f = f;
    c->n = n;
    c->t = t;
}

void dcache_free(DecodeCache *c)
{
    for (int i = 0; i < DCACHE_SIZE; i++) {
        robust_batch_free(c->ent[i].b);
        c->ent[i].b = NULL;
    }
}

/* The decoder for senders parties[0..m) (in this order), degree d. */
static RobustBatch *dcache_get(DecodeCache *c, unsigned d, const unsigned *parties, unsigned m)
{
    int victim = 0;
    for (int i = 0; i < DCACHE_SIZE; i++) {
        if (c->ent[i].b && c->ent[i].d == d && c->ent[i].m == m) {
            unsigned j = 0;
            while (j < m && c->ent[i].parties[j] == parties[j]) j++;
            if (j == m) {
                c->ent[i].used = ++c->clock;
                return c->ent[i].b;
            }
        }
        if (!c->ent[i].b || c->ent[i].used < c->ent[victim].used) victim = i;
        if (!c->ent[victim].b) break;
    }
    RobustBatch *b;
    if (robust_batch_new(&b, c->f, c->n, c->t, d, parties, m) != ROBUST_OK) return NULL;
    robust_batch_free(c->ent[victim].b);
    c->ent[victim].b = b;
    c->ent[victim].d = d;
    c->ent[victim].m = m;
    c->ent[victim].used = ++c->clock;
    for (unsigned j = 0; j < m; j++) c->ent[victim].parties[j] = (uint8_t)parties[j];
    return b;
}

void open_init(OpenState *s, const Field *f, unsigned n, unsigned t, unsigned d, size_t count, const Fe *const *row,
               uint8_t *excluded, unsigned *n_excluded, DecodeCache *cache, Fe *out)
{
    memset(s, 0, offsetof(OpenState, status));
    s->f = f;
    s->n = n;
    s->t = t;
    s->d = d;
    s->count = count;
    s->row = row;
    s->excluded = excluded;
    s->n_excluded = n_excluded;
    s->cache = cache;
    s->out = out;
}

void open_free(OpenState *s)
{
    free(s->failed);
    s->failed = NULL;
    s->n_failed = s->failed_cap = 0;
}

/* Senders whose shares may be used, in increasing party order, except
 * that the lowest run of d+1 consecutive parties comes first: the decoder
 * interpolates from the first d+1, and consecutive points near 1 have
 * small Lagrange weights (n = 4: 2 and -1 for points 1, 2), applied by
 * additions instead of multiplications (points 1 and 3 give 3/2, -1/2). */
static unsigned usable(const OpenState *s, unsigned *parties)
{
    unsigned m = 0;
    for (unsigned j = 0; j < s->n; j++)
        if (s->row[j] && !(s->excluded && s->excluded[j]) && !s->bad[j]) parties[m++] = j;
    unsigned k = s->d + 1, i = 0;
    while (i + k <= m && parties[i + k - 1] - parties[i] != k - 1) i++;
    if (i > 0 && i + k <= m) {
        unsigned run[SHAMIR_MAX_PARTIES];
        memcpy(run, parties + i, k * sizeof *run);
        memmove(parties + k, parties, i * sizeof *parties); /* those before the run */
        memcpy(parties, run, k * sizeof *run);
    }
    return m;
}

/* Checks the rows of senders parties[0..m) to be < p up to codeword upto;
 * false if some row failed (marked bad: usable() leaves it out). */
static bool check_rows(OpenState *s, const unsigned *parties, unsigned m, size_t upto)
{
    bool ok = true;
    for (unsigned j = 0; s->check_rows && j < m; j++) {
        unsigned p = parties[j];
        size_t from = s->checked_to[p];
        if (p == s->self || from >= upto) continue;
        if (wire_check_raw(s->f, s->row[p] + from, upto - from)) {
            s->checked_to[p] = upto;
        } else {
            s->bad[p] = 1;
            ok = false;
        }
    }
    return ok;
}

/* usable() restricted to senders whose rows pass check_rows up to upto. */
static unsigned usable_checked(OpenState *s, unsigned *parties, size_t upto)
{
    unsigned m;
    do m = usable(s, parties);
    while (!check_rows(s, parties, m, upto)); /* ends: each failure drops a sender */
    return m;
}

/* Marks the senders whose share of codeword c is not on the decoded
 * polynomial coef (d+1 coefficients).  Returns how many were excluded. */
static unsigned exclude_liars(OpenState *s, const unsigned *parties, unsigned m, size_t c, const Fe *coef)
{
    if (!s->excluded) return 0;
    unsigned liars[SHAMIR_MAX_PARTIES], k = 0;
    for (unsigned j = 0; j < m; j++) {
        Fe x, y;
        shamir_point(s->f, &x, parties[j]);
        shamir_poly_eval(s->f, &y, coef, s->d + 1, &x);
        if (!fe_equal(&y, &s->row[parties[j]][c])) liars[k++] = parties[j];
    }
    /* more than t liars contradicts the model: keep everyone rather than
     * exclude honest parties */
    if (k == 0 || *s->n_excluded + k > s->t) return 0;
    for (unsigned i = 0; i < k; i++) s->excluded[liars[i]] = 1;
    *s->n_excluded += k;
    return k;
}

static int push_failed(OpenState *s, size_t c)
{
    if (s->n_failed == s->failed_cap) {
        size_t ncap = s->failed_cap ? 2 * s->failed_cap : 64;
        size_t *nf = realloc(s->failed, ncap * sizeof *nf);
        if (!nf) return -1;
        s->failed = nf;
        s->failed_cap = ncap;
    }
    s->failed[s->n_failed++] = c;
    return 0;
}

/* Retries the codewords the batch pass left, one by one with every usable
 * share (the general decoder; rare: only with faulty senders). */
static int retry_failed(OpenState *s, const unsigned *parties, unsigned m)
{
    Fe vals[SHAMIR_MAX_PARTIES], coef[SHAMIR_MAX_PARTIES];
    size_t keep = 0;
    for (size_t i = 0; i < s->n_failed; i++) {
        size_t c = s->failed[i];
        for (unsigned j = 0; j < m; j++) vals[j] = s->row[parties[j]][c];
        RobustStatus st = robust_decode(s->f, s->n, s->t, s->d, parties, vals, m, &s->out[c], coef);
        if (st == ROBUST_ENOMEM) return -1;
        if (st == ROBUST_OK)
            exclude_liars(s, parties, m, c, coef);
        else
            s->failed[keep++] = c;
    }
    s->n_failed = keep;
    s->m_failed = m;
    return 0;
}

int open_try(OpenState *s, bool final)
{
    unsigned parties[SHAMIR_MAX_PARTIES];
    const Fe *rp[SHAMIR_MAX_PARTIES];
    unsigned need = s->d + s->t + 1;
    /* the codewords before next are the ones retry_failed may read */
    unsigned m = usable_checked(s, parties, s->next);
    if (m < need) return 0;
    if (s->n_failed && m > s->m_failed) {
        unsigned before = s->n_excluded ? *s->n_excluded : 0;
        if (retry_failed(s, parties, m) != 0) return -1;
        if (s->n_excluded && *s->n_excluded != before) {
            m = usable(s, parties);
            if (m < need) return 0;
        }
    }
    while (s->next < s->count) {
        size_t chunk = s->count - s->next;
        if (chunk > OPEN_CHUNK) chunk = OPEN_CHUNK;
        if (!check_rows(s, parties, m, s->next + chunk)) {
            m = usable_checked(s, parties, s->next + chunk);
            if (m < need) return 0;
        }
        RobustBatch *b = dcache_get(s->cache, s->d, parties, m);
        if (!b) return -1;
        for (unsigned j = 0; j < m; j++) rp[j] = s->row[parties[j]] + s->next;
        if (s->excluded) {
            /* probe: decode the chunk's first value with its polynomial
             * and look for senders that disagree with it */
            Fe sec, coef[SHAMIR_MAX_PARTIES];
            signed char st0;
            if (robust_batch_decode(b, rp, 1, &sec, coef, &st0) == ROBUST_ENOMEM) return -1;
            if (st0 == ROBUST_OK) {
                if (exclude_liars(s, parties, m, s->next, coef)) {
                    m = usable(s, parties);
                    if (m < need) return 0;
                    continue;
                }
            } else if (m == need && !final) {
                return 0;
            }
        }
        RobustStatus st = robust_batch_decode(b, rp, chunk, s->out + s->next, NULL, s->status);
        if (st == ROBUST_ENOMEM) return -1;
        if (st != ROBUST_OK) {
            for (size_t i = 0; i < chunk; i++)
                if (s->status[i] != ROBUST_OK && push_failed(s, s->next + i) != 0) return -1;
            s->m_failed = m;
            if (m == need && !final) {
                /* cannot correct with the minimum: wait for more senders */
                s->next += chunk;
                return 0;
            }
        }
        s->next += chunk;
    }
    if (s->n_failed && final && m > s->m_failed && retry_failed(s, parties, m) != 0) return -1;
    return s->n_failed == 0;
}
