/* open_exp.c: opening a shared value in the exponent (engine.h,
 * mpc_open_exp).
 *
 * Party i holds s_i = f(x_i) for a degree-t polynomial f with f(0) = s and
 * sends P_i = s_i·B.  Honest points lie on the "polynomial in the
 * exponent" F(x) = f(x)·B.  There is no Reed-Solomon decoder for group
 * elements, so the decoder searches: for a subset S of t+1 received points
 * it interpolates F_S at every other received x_j (Lagrange in the
 * exponent) and accepts when at least 2t+1 points, S included, agree.  At
 * most t points are wrong, so t+1 of the agreeing ones are honest and F_S
 * is F; the result is F_S(0) = s·B.  Subsets are tried in order, starting
 * with the first t+1 senders, so without faults one check decides.  Like
 * open.c, each arrival tries only that first subset; the full search, which
 * grows with C(m, t+1), runs once when no more points will come (every
 * party heard from, or the deadline) - a few hundred scalar
 * multiplications at n = 7, t = 2.  Checking a point against F_S and
 * computing F_S(0) use the Lagrange weights as small integers over a common
 * denominator (int_weights) where the group multiplies public scalars in
 * variable time: for the first subset they are whole numbers, so without
 * faults an opening costs a few additions per point besides the decoding.
 * Points arrive in the group's wire form (uncompressed where it has one:
 * no square root to decode) and are decoded (curve and subgroup checks)
 * before use; a malformed one counts as a wrong one, and senders caught
 * either way are excluded from later openings (exclude_liars).  Messages
 * carry the encoding padded to 32-byte elements. */
#include "mpc/engine_internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* F_S(x) = sum over S of weight·P into *r (field weights: any n, t). */
static int eval_subset(const Group *g, const Field *f, const GroupPoint *pts, const unsigned *S, unsigned k,
                       const Fe *x, GroupPoint *r)
{
    Fe w[SHAMIR_MAX_PARTIES];
    GroupPoint acc, term;
    if (shamir_lagrange_weights(f, S, k, x, w) != 0) return -1;
    g->identity(&acc);
    for (unsigned i = 0; i < k; i++) {
        uint8_t wb[32];
        fe_to_bytes(f, wb, &w[i]);
        if (group_mul_public(g, &term, &pts[S[i]], wb, 32) != 0 || g->add(&acc, &acc, &term) != 0) return -1;
    }
    *r = acc;
    return 0;
}

static int64_t gcd64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* The Lagrange weights of the points S[i]+1 at x over their least common
 * denominator: F_S(x) = (Σ num[i]·P_S[i]) / den.  With party points 1..n
 * these are small integers (binomial-like; den is 1 for x = 0 or x above
 * the points of S = {1..t+1}), so checking a point (den·P_x = Σ num[i]·P_i)
 * costs a few doublings and additions instead of t+1 full multiplications.
 * 0, or -1 if a number would not fit in 62 bits (field weights then). */
static int int_weights(const unsigned *S, unsigned k, int64_t x, int64_t *num, int64_t *den)
{
    const int64_t lim = (int64_t)1 << 62;
    int64_t a[SHAMIR_MAX_PARTIES], b[SHAMIR_MAX_PARTIES], l = 1;
    for (unsigned i = 0; i < k; i++) {
        int64_t xi = (int64_t)S[i] + 1;
        a[i] = b[i] = 1;
        for (unsigned m = 0; m < k; m++) {
            int64_t xm = (int64_t)S[m] + 1;
            if (m == i) continue;
            if (__builtin_mul_overflow(a[i], x - xm, &a[i]) || __builtin_mul_overflow(b[i], xi - xm, &b[i]) ||
                a[i] >= lim || a[i] <= -lim || b[i] >= lim || b[i] <= -lim)
                return -1;
        }
        int64_t bi = b[i] < 0 ? -b[i] : b[i];
        if (__builtin_mul_overflow(l, bi / gcd64(l, bi), &l) || l >= lim) return -1;
    }
    int64_t common = l;
    for (unsigned i = 0; i < k; i++) {
        if (__builtin_mul_overflow(a[i], l / b[i], &num[i]) || num[i] >= lim || num[i] <= -lim) return -1;
        common = gcd64(common, num[i] < 0 ? -num[i] : num[i]);
    }
    for (unsigned i = 0; i < k; i++) num[i] /= common;
    *den = l / common;
    return 0;
}

/* r = v·p for a small public integer v. */
static int mul_int(const Group *g, GroupPoint *r, const GroupPoint *p, int64_t v)
{
    uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (m == 1) {
        *r = *p;
    } else {
        uint8_t kb[8];
        for (int i = 0; i < 8; i++) kb[i] = (uint8_t)(m >> (8 * i));
        if (group_mul_public(g, r, p, kb, sizeof kb) != 0) return -1;
    }
    return v < 0 ? g->neg(r, r) : 0;
}

/* Σ num[i]·P_S[i] into *r. */
static int int_combine(const Group *g, const GroupPoint *pts, const unsigned *S, unsigned k, const int64_t *num,
                       GroupPoint *r)
{
    GroupPoint term;
    g->identity(r);
    for (unsigned i = 0; i < k; i++)
        if (mul_int(g, &term, &pts[S[i]], num[i]) != 0 || g->add(r, r, &term) != 0) return -1;
    return 0;
}

/* 1 if party p's point lies on F_S, 0 if not, -1 if a group operation
 * failed.  Integer weights where the group multiplies public scalars in
 * variable time (there small multiples are cheap), else field weights. */
static int on_poly(MpcEngine *e, const Group *g, const GroupPoint *pts, const unsigned *S, unsigned k, unsigned p)
{
    int64_t num[SHAMIR_MAX_PARTIES], den;
    GroupPoint v, lhs;
    if (g->mul_vartime && int_weights(S, k, (int64_t)p + 1, num, &den) == 0) {
        if (int_combine(g, pts, S, k, num, &v) != 0 || mul_int(g, &lhs, &pts[p], den) != 0) return -1;
        return g->equal(&v, &lhs);
    }
    Fe x;
    shamir_point(e->f, &x, p);
    if (eval_subset(g, e->f, pts, S, k, &x, &v) != 0) return -1;
    return g->equal(&v, &pts[p]);
}

/* F_S(0) into *out. */
static int value_at_zero(MpcEngine *e, const Group *g, const GroupPoint *pts, const unsigned *S, unsigned k,
                         GroupPoint *out)
{
    int64_t num[SHAMIR_MAX_PARTIES], den;
    if (g->mul_vartime && int_weights(S, k, 0, num, &den) == 0) {
        if (int_combine(g, pts, S, k, num, out) != 0) return -1;
        if (den == 1) return 0;
        Fe d;
        uint8_t db[32];
        fe_from_u64(e->f, &d, (uint64_t)den);
        fe_inv(e->f, &d, &d);
        fe_to_bytes(e->f, db, &d);
        return group_mul_public(g, out, out, db, sizeof db);
    }
    Fe zero;
    fe_zero(&zero);
    return eval_subset(g, e->f, pts, S, k, &zero, out);
}

/* Next k-subset of {0..m-1} in lexicographic order (as indices into have[]). */
static int next_subset(unsigned *idx, unsigned k, unsigned m)
{
    int i = (int)k - 1;
    while (i >= 0 && idx[i] == m - k + (unsigned)i) i--;
    if (i < 0) return 0;
    idx[i]++;
    for (unsigned j = (unsigned)i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
    return 1;
}

/* 1: decided (*out set, S[0..t] the subset that decided); 0: not yet; -1:
 * group operation failed.  Only the first subset is tried unless `full`
 * (no more points will come). */
static int try_decode(MpcEngine *e, const Group *g, const GroupPoint *pts, const uint8_t *valid, bool full,
                      GroupPoint *out, unsigned *S)
{
    unsigned have[SHAMIR_MAX_PARTIES], m = 0, k = e->t + 1;
    for (unsigned j = 0; j < e->n; j++)
        if (valid[j]) have[m++] = j;
    if (m < 2 * e->t + 1) return 0;
    unsigned idx[SHAMIR_MAX_PARTIES];
    for (unsigned i = 0; i < k; i++) idx[i] = i;
    do {
        for (unsigned i = 0; i < k; i++) S[i] = have[idx[i]];
        unsigned agree = k;
        for (unsigned j = 0; j < m && agree < 2 * e->t + 1; j++) {
            unsigned p = have[j];
            int in = 0;
            for (unsigned i = 0; i < k; i++) in |= S[i] == p;
            if (in) continue;
            int on = on_poly(e, g, pts, S, k, p);
            if (on < 0) return -1;
            agree += (unsigned)on;
        }
        if (agree >= 2 * e->t + 1) return value_at_zero(e, g, pts, S, k, out) == 0 ? 1 : -1;
    } while (full && next_subset(idx, k, m));
    return 0;
}

/* After a decode through subset S: a sender whose point is malformed or off
 * the (now known) polynomial is provably faulty and is not used again, in
 * this engine's later openings either (the rule of open.c: never more than
 * t exclusions in all). */
static int exclude_liars(MpcEngine *e, const Group *g, const GroupPoint *pts, const uint8_t *seen, const uint8_t *valid,
                         const unsigned *S)
{
    unsigned liars[SHAMIR_MAX_PARTIES], nl = 0, k = e->t + 1;
    for (unsigned p = 0; p < e->n; p++) {
        if (!seen[p] || e->excluded[p]) continue;
        int in = 0;
        for (unsigned i = 0; i < k; i++) in |= S[i] == p;
        if (in) continue;
        int liar = !valid[p];
        if (!liar) {
            int on = on_poly(e, g, pts, S, k, p);
            if (on < 0) return -1;
            liar = !on;
        }
        if (liar) liars[nl++] = p;
    }
    if (nl == 0 || e->n_excluded + nl > e->t) return 0;
    for (unsigned i = 0; i < nl; i++) e->excluded[liars[i]] = 1;
    e->n_excluded += nl;
    return 0;
}

/* k·B for the secret k, constant time; the generator has a precomputed
 * table (no doublings). */
static int own_point(const Group *g, const GroupPoint *base, const GroupPoint *B, const uint8_t k[32], GroupPoint *r)
{
    return base ? g->mul(r, B, k) : g->mul_base(r, k);
}

int mpc_open_exp(MpcEngine *e, const Group *g, const Fe *share, const GroupPoint *base, GroupPoint *out)
{
    if (!g->scalar_field || memcmp(g->scalar_field->p, e->f->p, sizeof e->f->p) != 0)
        return mpc_fail(e, "open_exp: the group %s does not have the session's field %s as its scalars", g->name,
                        e->f->name);
    GroupPoint B, mine;
    if (base)
        B = *base;
    else
        g->generator(&B);

    /* own point; a faulty party (tests) sends a random point or nothing */
    uint8_t k[32];
    fe_to_bytes(e->f, k, share);
    if (e->fault == MPC_FAULT_WRONG_SHARES) {
        Fe r;
        prg_fe(e, &r, 1);
        fe_to_bytes(e->f, k, &r);
    }
    int rc = own_point(g, base, &B, k, &mine);
    sodium_memzero(k, sizeof k);
    if (rc != 0) return mpc_fail(e, "open_exp: scalar multiplication in %s failed", g->name);
    size_t wlen = group_wire_len(g);
    uint32_t count = (uint32_t)((wlen + MPC_ELEM - 1) / MPC_ELEM);
    uint64_t seq = e->seq[MK_EXP]++;
    uint8_t *payload = (uint8_t *)msg_begin(e, MK_EXP, seq, count);
    if (!payload) return mpc_fail(e, "out of memory");
    memset(payload, 0, (size_t)count * MPC_ELEM);
    if (group_wire_encode(g, &mine, payload) != 0)
        return mpc_fail(e, "open_exp: encoding a point of %s failed", g->name);
    if (e->fault != MPC_FAULT_SILENT && send_parties(e, e->sbuf, MPC_HDR + (size_t)count * MPC_ELEM) != 0) return -1;
    if (e->fault == MPC_FAULT_WRONG_SHARES) {
        /* decode with the honest point itself, as a faulty party may */
        fe_to_bytes(e->f, k, share);
        rc = own_point(g, base, &B, k, &mine);
        sodium_memzero(k, sizeof k);
        if (rc != 0) return mpc_fail(e, "open_exp: scalar multiplication in %s failed", g->name);
    }

    GroupPoint *pts = calloc(e->n, sizeof *pts);
    uint8_t seen[SHAMIR_MAX_PARTIES] = { 0 }, valid[SHAMIR_MAX_PARTIES] = { 0 };
    if (!pts) return mpc_fail(e, "out of memory");
    pts[e->self] = mine;
    seen[e->self] = valid[e->self] = 1;
    for (uint32_t j = 0; j < e->n; j++) seen[j] |= e->excluded[j]; /* known faulty: not waited for, not used */
    unsigned S[SHAMIR_MAX_PARTIES];
    gather_begin(e, MK_EXP, seq, count, false);
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    int result = -1;
    for (;;) {
        unsigned nseen = 0;
        for (uint32_t j = 0; j < e->n; j++) {
            const uint8_t *row = seen[j] ? NULL : (const uint8_t *)gather_row(e, j);
            if (row) {
                char why[128];
                seen[j] = 1;
                valid[j] = group_wire_decode(g, &pts[j], row, why, sizeof why) == 0;
                if (!valid[j]) e->st.bad_messages++;
            }
            nseen += seen[j];
        }
        int r = try_decode(e, g, pts, valid, nseen == e->n, out, S);
        if (r != 0) {
            if (r < 0)
                mpc_fail(e, "open_exp: a group operation in %s failed", g->name);
            else
                result = 0;
            break;
        }
        if (nseen == e->n) {
            mpc_fail(e,
                     "open_exp (%s round %llu): points inconsistent, cannot decode (more faulty parties than t = %u)",
                     mpc_kind_name(MK_EXP), (unsigned long long)seq, e->t);
            break;
        }
        int got = gather_one(e, &dl);
        if (got < 0) break;
        if (got == 0) {
            int last = try_decode(e, g, pts, valid, true, out, S);
            if (last != 0) {
                if (last < 0)
                    mpc_fail(e, "open_exp: a group operation in %s failed", g->name);
                else
                    result = 0;
                break;
            }
            char miss[128];
            mpc_list_missing(e, miss, sizeof miss);
            mpc_fail(e, "open_exp (%s round %llu): timed out after %d ms waiting for points (missing: party %s)",
                     mpc_kind_name(MK_EXP), (unsigned long long)seq, e->timeout_ms, miss);
            break;
        }
    }
    if (result == 0 && exclude_liars(e, g, pts, seen, valid, S) != 0)
        result = mpc_fail(e, "open_exp: a group operation in %s failed", g->name);
    gather_end(e, false);
    free(pts);
    if (result == 0) {
        e->st.rounds++;
        e->st.opened++;
    }
    return result;
}
