/* online.c: the online phase: one round of openings and Beaver
 * multiplications, probabilistic truncation, random shares. */
#include "mpc/compare.h"
#include "mpc/engine_internal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Triples wiped per block of this many, right after their products. */
#define WIPE_BLOCK 256

/* One message of a round: n_open values to open, then d_i = x_i - a_i,
 * then e_i = y_i - b_i for n_mul multiplications, so openings and
 * multiplications share the message.  Then
 *   [xy] = [c] + d·[b] + e·([a] + d)        (= c + d·b + e·a + d·e)
 * where d·e, a public constant, is added to every share. */
typedef struct {
    const Fe *open_in, *mul_x, *mul_y;
    Fe *open_out, *mul_out;
    size_t n_open, n_mul;
    Triple *tr;     /* taken from the pool when sent */
    const Fe *mine; /* this party's shares sent, until decoded */
    uint64_t seq;
} Chunk;

/* Takes the chunk's triples, sends its shares of d and e (and of the
 * values to open), and keeps them in the message buffer it leaves for the
 * next chunk's (e->sbuf and e->sbuf_alt swap). */
static int chunk_send(MpcEngine *e, Chunk *c, bool online)
{
    const Field *f = e->f;
    size_t count = c->n_open + 2 * c->n_mul;
    Fe *pay = msg_begin(e, MK_OPEN, 0, count);
    if (!pay) return mpc_fail(e, "out of memory");
    fe_copy(pay, c->open_in, c->n_open);
    /* The triples leave the pool before d and e are sent: if the round
     * fails, a retry must not mask other values with the same a and b
     * (that would reveal x - x').  They are used in place in the pool's
     * memory (round_internal made sure of them first, and nothing appends
     * to the pool during the round) and wiped once the products are made,
     * or on failure: no copy and no fresh pages per round. */
    c->tr = c->n_mul ? mpc_pool_take(&e->tri, c->n_mul) : NULL;
    e->st.triples_used += c->n_mul;
    Fe *pd = pay + c->n_open, *pe = pd + c->n_mul;
    for (size_t i = 0; i < c->n_mul; i++) {
        fe_sub(f, &pd[i], &c->mul_x[i], &c->tr[i].a);
        fe_sub(f, &pe[i], &c->mul_y[i], &c->tr[i].b);
    }
    int rc = mpc_open_send(e, MK_OPEN, e->t, online, count, &c->seq);
    c->mine = pay;
    uint8_t *b = e->sbuf;
    size_t cap = e->sbuf_cap;
    e->sbuf = e->sbuf_alt;
    e->sbuf_cap = e->sbuf_alt_cap;
    e->sbuf_alt = b;
    e->sbuf_alt_cap = cap;
    return rc;
}

static void chunk_wipe(Chunk *c)
{
    if (c->tr) sodium_memzero(c->tr, c->n_mul * sizeof *c->tr);
    c->tr = NULL;
}

/* Gathers the chunk's shares, opens its values and makes its products. */
static int chunk_finish(MpcEngine *e, Chunk *c, bool online)
{
    const Field *f = e->f;
    size_t count = c->n_open + 2 * c->n_mul;
    Fe *dec = dec_buf(e, count);
    if (!dec) {
        chunk_wipe(c);
        return mpc_fail(e, "out of memory");
    }
    if (mpc_open_gather(e, MK_OPEN, c->seq, e->t, online, count, c->mine, dec, "online") != 0) {
        chunk_wipe(c);
        return -1;
    }
    fe_copy(c->open_out, dec, c->n_open);
    /* d and e are public once opened: dec is not wiped; the triples are */
    const Fe *dd = dec + c->n_open, *de = dd + c->n_mul;
    const Triple *tr = c->tr;
    /* [xy] = d·[b] + [c] + e·([a] + d), as two batch calls (field.h) per
     * block of triples copied out of their structs; each block of triples
     * is used exactly once and wiped right after, while still in cache */
    Fe zb[WIPE_BLOCK], cc[WIPE_BLOCK], sa[WIPE_BLOCK];
    for (size_t i0 = 0; i0 < c->n_mul; i0 += WIPE_BLOCK) {
        size_t m = c->n_mul - i0 < WIPE_BLOCK ? c->n_mul - i0 : WIPE_BLOCK;
        for (size_t j = 0; j < m; j++) {
            zb[j] = tr[i0 + j].b;
            cc[j] = tr[i0 + j].c;
            fe_add(f, &sa[j], &tr[i0 + j].a, &dd[i0 + j]);
        }
        fe_muladd_batch(f, zb, dd + i0, zb, cc, m);
        fe_muladd_batch(f, c->mul_out + i0, de + i0, sa, zb, m);
        sodium_memzero(c->tr + i0, m * sizeof *c->tr);
    }
    c->tr = NULL;
    sodium_memzero(zb, sizeof zb);
    sodium_memzero(cc, sizeof cc);
    sodium_memzero(sa, sizeof sa);
    if (online) {
        e->st.opened += c->n_open;
        e->st.multiplications += c->n_mul;
    }
    return 0;
}

/* Moves c past o openings and m multiplications (arrays a request does
 * not use are NULL, and stay so). */
static void chunk_skip(Chunk *c, size_t o, size_t m)
{
    if (o) {
        c->open_in += o;
        c->open_out += o;
    }
    if (m) {
        c->mul_x += m;
        c->mul_y += m;
        c->mul_out += m;
    }
    c->n_open -= o;
    c->n_mul -= m;
}

/* The first part of c within limit elements: its openings first, then
 * as many multiplications (2 elements each) as fit. */
static Chunk chunk_head(const Chunk *c, size_t limit)
{
    Chunk h = *c;
    h.n_open = c->n_open < limit ? c->n_open : limit;
    h.n_mul = (limit - h.n_open) / 2;
    if (h.n_mul > c->n_mul) h.n_mul = c->n_mul;
    h.tr = NULL;
    return h;
}

/* Up to MPC_ROUND_ELEMS elements: one round, sent as messages of at most
 * MPC_MESSAGE_ELEMS elements, each sent before the one before it is
 * gathered (no message depends on another's result), so a party computes
 * and sends the next while the last one's shares are on their way, and
 * frames stay a size the transport's kept buffers serve at once (one
 * 6.4 MB message per round took 0.38-0.50 µs of CPU per multiplication
 * over TLS against 0.30-0.33 in 2 MB ones: docs/benchmarks.md). */
static int round_pipelined(MpcEngine *e, Chunk all, bool online)
{
    if (all.n_mul && ensure_triples(e, all.n_mul) != 0) return -1;
    Chunk cur, prev;
    bool have_prev = false;
    for (;;) {
        bool more = all.n_open || all.n_mul;
        if (more) {
            cur = chunk_head(&all, MPC_MESSAGE_ELEMS);
            if (chunk_send(e, &cur, online) != 0) {
                chunk_wipe(&cur);
                if (have_prev) chunk_wipe(&prev);
                return -1;
            }
            chunk_skip(&all, cur.n_open, cur.n_mul);
        }
        if (have_prev && chunk_finish(e, &prev, online) != 0) {
            if (more) chunk_wipe(&cur);
            return -1;
        }
        if (!more) break;
        prev = cur;
        have_prev = true;
    }
    if (online) e->st.rounds++;
    return 0;
}

int round_internal(MpcEngine *e, const Fe *open_in, size_t n_open, Fe *open_out, const Fe *mul_x, const Fe *mul_y,
                   size_t n_mul, Fe *mul_out, bool online)
{
    Chunk req = { .open_in = open_in,
                  .mul_x = mul_x,
                  .mul_y = mul_y,
                  .open_out = open_out,
                  .mul_out = mul_out,
                  .n_open = n_open,
                  .n_mul = n_mul };
    /* requests beyond MPC_ROUND_ELEMS become consecutive rounds (the
     * triples of one round are all in the pool before it starts) */
    while (req.n_open || req.n_mul) {
        Chunk round = chunk_head(&req, MPC_ROUND_ELEMS);
        if (round_pipelined(e, round, online) != 0) return -1;
        chunk_skip(&req, round.n_open, round.n_mul);
    }
    return 0;
}

int mpc_round(MpcEngine *e, const Fe *open_in, size_t n_open, Fe *open_out, const Fe *mul_x, const Fe *mul_y,
              size_t n_mul, Fe *mul_out)
{
    if ((n_open && (!open_in || !open_out)) || (n_mul && (!mul_x || !mul_y || !mul_out)))
        return mpc_fail(e, "mpc_round: missing array");
    return round_internal(e, open_in, n_open, open_out, mul_x, mul_y, n_mul, mul_out, true);
}

int mpc_random(MpcEngine *e, Fe *out, size_t n)
{
    if (n && !out) return mpc_fail(e, "mpc_random: missing array");
    if (ensure_randoms(e, n) != 0) return -1;
    fe_copy(out, pool_head(&e->rnd), n);
    pool_consume(&e->rnd, n);
    e->st.randoms_used += n;
    return 0;
}

/* ---- truncation ----------------------------------------------------------
 *
 * Catrina–Saxena TruncPr for the product of two k-bit values: for [v] with
 * |v| < 2^(2k) (issue 20: a mask sized for k bits let a product's high bits
 * show through), using K+1+κ random bits b_0..b_(K+κ), K = 2k:
 *   r' = Σ_{i<f} 2^i·b_i,   R = Σ_{i<=K+κ} 2^i·b_i = 2^f·r'' + r'
 *   c  = open(v + 2^K + R)
 *   out = ([v] - (c mod 2^f) + [r']) · 2^(-f)
 * c never wraps mod p (c < 2^(K+1) + 2^(K+1+κ) < p), so c mod 2^f is
 * (v + r') mod 2^f and out = floor(v/2^f) + carry, the carry being 1 with
 * probability (v mod 2^f)/2^f.  c reveals v + 2^K (K+1 bits) masked by
 * the uniform (K+1+κ)-bit R: statistical distance <= 2^-κ.  Only r' needs
 * random bits; r'' is a bounded integer dealt by every party
 * (mpc_mask_high: K+2+κ-f bits per dealer, each dealt value checked to be
 * a bit, so no dealer can make it large; or random bits made ahead):
 * R < 2^f + n·2^(K+2+κ), and c stays below p for every field with
 * K + κ + 12 bits (docs/mpc.md "Mask high parts from dealt bits"). */

int mpc_truncate(MpcEngine *e, const Fe *in, size_t n, unsigned k, unsigned f, Fe *out)
{
    const Field *F = e->f;
    if (k == 0 || k > MPC_FIXED_TOTAL_BITS || f >= k || (n && (!in || !out)))
        return mpc_fail(e, "mpc_truncate: need 0 <= f < k <= %d", MPC_FIXED_TOTAL_BITS);
    if (n == 0) return 0;
    if (f == 0) {
        memmove(out, in, n * sizeof *out);
        return 0;
    }
    unsigned K = 2 * k, nb = f;
    int rc = 0;
    while (n && rc == 0) {
        /* bound the chunk (one round per chunk) so the pools stay small */
        size_t chunk = n < MPC_TRUNC_CHUNK ? n : MPC_TRUNC_CHUNK;
        /* rp: the masks' low parts, hp: their high parts (secret) */
        Fe *rp = malloc(2 * chunk * sizeof *rp), *hp = rp + chunk;
        if (!rp) return mpc_fail(e, "out of memory");
        Fe *pay = NULL, *c = NULL;
        if (mpc_mask_high(e, f, MPC_TRUNC_BITS(k), hp, chunk) != 0 || ensure_bits(e, chunk * nb) != 0)
            rc = -1;
        else if (!(pay = msg_begin(e, MK_OPEN, 0, chunk)) || !(c = dec_buf(e, chunk)))
            rc = mpc_fail(e, "out of memory");
        if (rc != 0) {
            sodium_memzero(rp, 2 * chunk * sizeof *rp);
            free(rp);
            return rc;
        }
        const Fe *bits = pool_head(&e->bit);
        Fe off, two_f, inv_two_f;
        uint64_t lim[4] = { 0, 0, 0, 0 };
        lim[K / 64] = (uint64_t)1 << (K % 64);
        fe_from_limbs(F, &off, lim);
        fe_from_u64(F, &two_f, (uint64_t)1 << f);
        fe_inv(F, &inv_two_f, &two_f);
        for (size_t i = 0; i < chunk; i++) {
            const Fe *b = bits + i * nb;
            Fe lo, hi;
            /* Horner with doublings: additions only */
            fe_zero(&lo);
            for (unsigned j = f; j-- > 0;) {
                fe_add(F, &lo, &lo, &lo);
                fe_add(F, &lo, &lo, &b[j]);
            }
            rp[i] = lo;
            fe_mul(F, &hi, &hp[i], &two_f);
            fe_add(F, &hi, &hi, &lo);
            fe_add(F, &pay[i], &in[i], &off);
            fe_add(F, &pay[i], &pay[i], &hi);
        }
        pool_consume(&e->bit, chunk * nb);
        e->st.bits_used += chunk * nb;
        rc = open_round(e, MK_OPEN, e->t, true, chunk, c, "truncation");
        if (rc == 0) {
            uint64_t fmask = ((uint64_t)1 << f) - 1;
            for (size_t i = 0; i < chunk; i++) {
                Fe low;
                fe_to_limbs(F, lim, &c[i]);
                fe_from_u64(F, &low, lim[0] & fmask);
                fe_sub(F, &out[i], &in[i], &low);
                fe_add(F, &out[i], &out[i], &rp[i]);
                fe_mul(F, &out[i], &out[i], &inv_two_f);
            }
            e->st.rounds++;
            e->st.opened += chunk;
            e->st.truncations += chunk;
        }
        sodium_memzero(rp, 2 * chunk * sizeof *rp);
        free(rp);
        in += chunk;
        out += chunk;
        n -= chunk;
    }
    return rc;
}
