/* preproc.c: preprocessing made by the parties themselves (docs/mpc.md
 * "Preprocessing"): random shares (RanSha), random double shares
 * (RanDouSha), Beaver triples (DN07 degree reduction) and random bits
 * (square-root trick).
 *
 * One generation run is five rounds among all n parties:
 *   1. deal: every party deals degree-t sharings of random values and
 *      double sharings (degree t and 2t of one random value), plus one
 *      masking sharing of each kind; the rows of parties 0..2t-1, pure PRG
 *      output, travel as seeds the receiver expands;
 *   2. seed: every party broadcasts a random element; the check challenge
 *      rho is a hash of all of them, so it is fixed only after every
 *      dealing was received;
 *   3. check: for every dealer, each party broadcasts its share of
 *      mask + Σ c_k·sharing_k (one per kind, c_k 128-bit from rho);
 *      everyone checks that the n shares lie on a polynomial of the right
 *      degree (t, resp. 2t with the same value at 0).  An inconsistent
 *      dealing passes only with probability <= 2^-128; the mask
 *      keeps the combination's value secret.  This is what makes the output
 *      sharings consistent when a dealer cheats (HBMPC's RanSha/RanDouSha
 *      checks, done once per batch instead of per column);
 *   4. extraction (local): per column, the n dealt sharings go through an
 *      (n-t)×n matrix G = [I | C] with C a Cauchy matrix (every square
 *      submatrix invertible), so any n-t columns of G are invertible and the
 *      n-t outputs are uniform as long as n-t dealers are honest;
 *   5. open-2t: for each triple, [a]_t·[b]_t - [r]_2t is opened (all n
 *      shares needed when n = 3t+1: a wrong share is detected, not
 *      corrected; preproc_locate.c drops the failing values at every
 *      honest party alike and proves the sender) and [c]_t = opened + [r]_t.
 *
 * Seeds, row commitments and check values travel over reliable broadcast
 * and the check is robust (preproc_check.c): up to t cheating dealers are
 * proven faulty and their dealings left out, lying reporters proven or
 * answered by the dealer opening the row, the same at every honest party.
 * A party silent before it was proven faulty is handled by preproc_agree.c:
 * a missing dealing becomes a dispute, missing degree-2t shares a failed
 * status, a missing broadcast an abort of the run that the honest parties
 * agree on (proving the silent party and making the run again).  The
 * fault injection of MpcConfig does not apply here (test hooks:
 * mpc_test_preproc_fault). */
#include "mpc/engine_internal.h"
#include "mpc/prg.h"

#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int preproc_setup(MpcEngine *e)
{
    const Field *f = e->f;
    /* Testing aid (tests/net): STOFFEL_NET_TEST_PREPROC_CHEAT=deal makes a
     * networked party deal inconsistent sharings and send garbage in the
     * degree-2t opening, as TEST_BAD_DEAL_ALL does in the unit tests */
    const char *cheat = getenv("STOFFEL_NET_TEST_PREPROC_CHEAT");
    if (cheat && strcmp(cheat, "deal") == 0) e->test_fault = TEST_BAD_DEAL_ALL;
    if (cheat && strcmp(cheat, "open2t") == 0) e->test_fault = TEST_BAD_OPEN2T; /* wrong degree-2t shares */
    if (cheat && strcmp(cheat, "kill") == 0) e->test_fault = TEST_SILENT_SEED;  /* killed after dealing */
    if (cheat && strcmp(cheat, "lie") == 0) e->test_fault = TEST_LYING_ABORT;   /* aborts naming party 3 */
    unsigned n = e->n, t = e->t, w = n - t;
    if (t) {
        e->ext = malloc((size_t)w * t * sizeof *e->ext);
        e->ext_one = malloc((size_t)w * t);
        if (!e->ext || !e->ext_one) return -1;
        /* Cauchy C[i][j] = 1/(x_i - y_j), x_i = i, y_j = w + j; rows and
         * columns rescaled so row 0 and column 0 are ones (still every
         * square submatrix invertible; for t = 1 C is all ones):
         *   C[i][j] = (w - i)(w + j) / ((w + j - i) w).
         * Only the inverses of the integers 1 .. n-1 are needed, one
         * small-integer inversion each (one Fermat inversion per entry made
         * engine creation cubic in n over all parties). */
        Fe *c = e->ext, one, inv[SHAMIR_MAX_PARTIES];
        fe_one(f, &one);
        for (unsigned v = 1; v < n; v++)
            if (fe_inv_u64_vartime(f, &inv[v], v) != 0) return -1;
        for (unsigned i = 0; i < w; i++)
            for (unsigned j = 0; j < t; j++) {
                Fe a, b;
                fe_from_u64(f, &a, (uint64_t)(w - i));
                fe_from_u64(f, &b, (uint64_t)(w + j));
                fe_mul(f, &a, &a, &b);
                fe_mul(f, &a, &a, &inv[w + j - i]);
                fe_mul(f, &c[(size_t)i * t + j], &a, &inv[w]);
            }
        for (size_t k = 0; k < (size_t)w * t; k++) e->ext_one[k] = (uint8_t)fe_equal(&c[k], &one);
    }
    /* strict degree checks of the check round: the first d+1 points
     * determine the polynomial, weights give its value at every other
     * point and at 0 */
    for (int which = 0; which < 2; which++) {
        unsigned d = which ? 2 * t : t, k = d + 1;
        unsigned pts[SHAMIR_MAX_PARTIES];
        uint64_t zs[SHAMIR_MAX_PARTIES];
        for (unsigned j = 0; j < k; j++) pts[j] = j;
        for (unsigned j = k; j < n; j++) zs[j - k] = (uint64_t)j + 1;
        e->chk_w[which] = malloc(((size_t)(n - k) * k + 1) * sizeof(Fe));
        e->chk_l0[which] = malloc(k * sizeof(Fe));
        if (!e->chk_w[which] || !e->chk_l0[which]) return -1;
        if (shamir_lagrange_weights_small(f, pts, k, zs, n - k, e->chk_w[which]) != 0) return -1;
        if (shamir_lagrange_at_zero(f, pts, k, e->chk_l0[which]) != 0) return -1;
    }
    return 0;
}

static void keep_drop(MpcEngine *e, int slot);

void preproc_free(MpcEngine *e)
{
    preproc_agree_free(e);
    for (int i = 0; i < 3; i++) keep_drop(e, i);
    preproc_sign_free(e);
    preproc_check_warn_free(e);
    free(e->ext);
    free(e->ext_one);
    for (int i = 0; i < 2; i++) {
        free(e->chk_w[i]);
        free(e->chk_l0[i]);
    }
}

/* ---- dealing ------------------------------------------------------------ */

/* vals[0..k) are f(x0), ..., f(x0+k-1) of a polynomial of degree < k;
 * writes f(x0+k), ..., f(x0+k+extra-1) by finite differences: additions
 * only (integer evaluation points make this possible). */
static void fd_extend(const Field *f, const Fe *vals, unsigned k, Fe *out, unsigned extra)
{
    Fe D[SHAMIR_MAX_PARTIES], E[SHAMIR_MAX_PARTIES];
    memcpy(D, vals, k * sizeof *D);
    /* E[j] = the j-th backward difference at the last point */
    E[0] = D[k - 1];
    for (unsigned j = 1; j < k; j++) {
        for (unsigned i = k - 1; i >= j; i--) fe_sub(f, &D[i], &D[i], &D[i - 1]);
        E[j] = D[k - 1];
    }
    for (unsigned s = 0; s < extra; s++) {
        for (unsigned j = k - 1; j-- > 0;) fe_add(f, &E[j], &E[j], &E[j + 1]);
        out[s] = E[0];
    }
    sodium_memzero(D, k * sizeof *D);
    sodium_memzero(E, k * sizeof *E);
}

/* fd_extend over columns, in blocks of EXT_BLOCK so the difference table
 * (2k rows of a block, in scratch) stays in cache and every step is a
 * loop of additions over the block. */
enum { EXT_BLOCK = PREPROC_EXT_BLOCK };

/* The difference tables of a block: in[i][c0 + c] (i < k, c < m) are
 * f_c(x0+i) of polynomials of degree < k at consecutive points.  Leaves
 * D[j] = the j-th forward difference at the first point (the diagonal) and
 * E[j] = the j-th backward difference at the last point. */
static void diff_table(const Field *f, const Fe *const *in, size_t c0, unsigned k, size_t m, Fe *D, Fe *E)
{
    for (unsigned i = 0; i < k; i++) memcpy(D + (size_t)i * EXT_BLOCK, in[i] + c0, m * sizeof *D);
    memcpy(E, D + (size_t)(k - 1) * EXT_BLOCK, m * sizeof *E);
    for (unsigned j = 1; j < k; j++) {
        for (unsigned i = k - 1; i >= j; i--) {
            Fe *a = D + (size_t)i * EXT_BLOCK, *b = D + (size_t)(i - 1) * EXT_BLOCK;
            for (size_t c = 0; c < m; c++) fe_sub(f, &a[c], &a[c], &b[c]);
        }
        memcpy(E + (size_t)j * EXT_BLOCK, D + (size_t)(k - 1) * EXT_BLOCK, m * sizeof *E);
    }
}

/* One step to the right: E[0] becomes f at the next point. */
static void diff_step(const Field *f, Fe *E, unsigned k, size_t m)
{
    for (unsigned j = k - 1; j-- > 0;) {
        Fe *a = E + (size_t)j * EXT_BLOCK, *b = E + (size_t)(j + 1) * EXT_BLOCK;
        for (size_t c = 0; c < m; c++) fe_add(f, &a[c], &a[c], &b[c]);
    }
}

/* in[i][c] (i < k) are f_c(x0+i) of nc polynomials of degree < k; writes
 * f_c(x0+k+s) into out[s][c] (s < extra). */
static void fd_extend_cols(const Field *f, const Fe *const *in, unsigned k, Fe *const *out, unsigned extra, size_t nc,
                           Fe *scratch)
{
    Fe *D = scratch, *E = scratch + (size_t)k * EXT_BLOCK;
    for (size_t c0 = 0; c0 < nc; c0 += EXT_BLOCK) {
        size_t m = nc - c0 < EXT_BLOCK ? nc - c0 : EXT_BLOCK;
        diff_table(f, in, c0, k, m, D, E);
        for (unsigned s = 0; s < extra; s++) {
            diff_step(f, E, k, m);
            memcpy(out[s] + c0, E, m * sizeof *E);
        }
    }
}

/* Scratch elements deal_cols needs: the double sharings' secrets, two
 * difference tables of 2t+1 rows and the rows not kept (t+1 and 2t), one
 * block each. */
static size_t deal_scratch_len(unsigned t) { return (size_t)(1 + 2 * (2 * t + 1) + 3 * t + 1) * EXT_BLOCK; }

/* ---- seeded rows ----------------------------------------------------------
 *
 * The shares of parties 0..t (of the degree-2t halves: 0..2t-1) are pure
 * PRG output, so they travel as the seed they are drawn from (docs/mpc.md
 * "Seeded rows"): the receiver expands it itself, the dealer commits to
 * the seed instead of the row, and a dispute opens the seed, which fixes
 * the row.  Half the dealing's traffic and hashing go at n = 3t+1. */

/* How party j's row travels: whole; as its seed only (every share drawn
 * from it); as its seed and the random and degree-t elements (t < j < 2t:
 * only the degree-2t shares are drawn). */
enum { FORM_ROW, FORM_SEED, FORM_SEED_PREFIX };
static int seed_form(unsigned j, unsigned t) { return j >= 2 * t ? FORM_ROW : j <= t ? FORM_SEED : FORM_SEED_PREFIX; }

/* Uniform elements drawn from `seed` for part `part` of a row (0: random
 * sharings, 1: degree-t halves, 2: degree-2t halves): ChaCha20 keyed by
 * the seed's little-endian bytes, nonce = part, 32 bytes per candidate;
 * a value >= p is replaced in place by the next good one of a second
 * stream (nonce part + 2^32).  Deterministic, so dealer and receiver get
 * the same shares on any host; the keystream goes in chunks that stay in
 * L1 while they are checked, and nothing is moved. */
enum { EXPAND_CHUNK = 256 };

/* seed_expand in pieces: the dealing draws a row's shares block by block
 * where it keeps no copy of the row (deal_cols). */
typedef struct {
    const Field *f;
    PrgStream main, re; /* the stream, and the second one for replacements */
    uint8_t key[32], renonce[8];
    uint64_t mask;
    Fe spare[2]; /* one 64-byte block of the second stream */
    unsigned nspare;
    bool second;
} Expander;

static void expander_begin(Expander *x, const Field *f, const Fe *seed, uint64_t part)
{
    uint8_t nonce[8];
    for (int i = 0; i < 32; i++) x->key[i] = (uint8_t)(seed->v[i / 8] >> (8 * (i % 8)));
    for (int i = 0; i < 8; i++) {
        nonce[i] = (uint8_t)(part >> (8 * i));
        x->renonce[i] = (uint8_t)((part + ((uint64_t)1 << 32)) >> (8 * i));
    }
    unsigned top = f->bits > 192 ? f->bits - 192 : 0;
    x->f = f;
    x->mask = top >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << top) - 1);
    x->nspare = 0;
    x->second = false;
    prg_stream_begin(&x->main, x->key, nonce, 0);
}

/* The next m elements (m even but in the last call: two candidates per
 * 64-byte block). */
static void expander_next(Expander *x, Fe *out, size_t m)
{
    const Field *f = x->f;
    prg_stream_bytes(&x->main, (uint8_t *)out, m * sizeof *out);
    wire_limbs_from_le(out, m);
    for (size_t i = 0; i < m; i++) {
        out[i].v[3] &= x->mask;
        while (out[i].v[3] > f->p[3] || (out[i].v[3] == f->p[3] && !wire_check_raw(f, &out[i], 1))) {
            if (!x->nspare) {
                if (!x->second) prg_stream_begin(&x->re, x->key, x->renonce, 0);
                x->second = true;
                prg_stream_bytes(&x->re, (uint8_t *)x->spare, sizeof x->spare);
                wire_limbs_from_le(x->spare, 2);
                x->nspare = 2;
            }
            out[i] = x->spare[2 - x->nspare--];
            out[i].v[3] &= x->mask;
        }
    }
}

static void expander_end(Expander *x)
{
    prg_stream_end(&x->main);
    if (x->second) prg_stream_end(&x->re);
    sodium_memzero(x, sizeof *x);
}

static void seed_expand(const Field *f, const Fe *seed, uint64_t part, Fe *out, size_t count)
{
    Expander x;
    expander_begin(&x, f, seed, part);
    /* in chunks that stay in L1 while they are checked */
    for (size_t c0 = 0; c0 < count; c0 += EXPAND_CHUNK)
        expander_next(&x, out + c0, count - c0 < EXPAND_CHUNK ? count - c0 : EXPAND_CHUNK);
    expander_end(&x);
}

/* Deals nc columns straight into the n rows pay[j] + off (the random
 * sharings, or the degree-t halves of double sharings at off and their
 * degree-2t halves at off2, when off2 != (size_t)-1).  A random degree-t
 * sharing is fixed by t+1 uniform values, the shares of parties 0..t, so
 * those are drawn (from seed[j], or the engine's PRG where seed[j] is
 * NULL) into their rows and the other shares follow by finite
 * differences, block by block.  A double sharing's secret f(0) is the
 * degree-t polynomial extended one step below x = 1; its degree-2t half
 * goes through (0, secret) and 2t uniform values at x = 1..2t.  A row
 * with gone[j] set is drawn into scratch one block at a time and not
 * kept: its seed is all that is sent and opened (run_deal). */
static void deal_cols(MpcEngine *e, const Fe *const *seed, const uint8_t *gone, Fe *const *pay, size_t off, size_t off2,
                      size_t nc, Fe *scratch, Expander *xs)
{
    const Field *f = e->f;
    unsigned n = e->n, t = e->t;
    bool dbl = off2 != (size_t)-1;
    const Fe *in[SHAMIR_MAX_PARTIES + 1];
    Fe *out[SHAMIR_MAX_PARTIES];
    Fe *sec = scratch, *tab = scratch + EXT_BLOCK, *lo = tab + (size_t)2 * (2 * t + 1) * EXT_BLOCK;
    Expander *x2 = xs + t + 1; /* the degree-2t halves' */
    for (unsigned j = 0; j <= t; j++)
        if (seed[j])
            expander_begin(&xs[j], f, seed[j], dbl ? 1 : 0);
        else
            prg_fe(e, pay[j] + off, nc); /* a row that travels whole: drawn at once */
    for (unsigned j = 0; j < 2 * t && dbl; j++)
        if (seed[j])
            expander_begin(&x2[j], f, seed[j], 2);
        else
            prg_fe(e, pay[j] + off2, nc);
    for (size_t c0 = 0; c0 < nc; c0 += EXT_BLOCK) {
        size_t m = nc - c0 < EXT_BLOCK ? nc - c0 : EXT_BLOCK;
        Fe *low[SHAMIR_MAX_PARTIES]; /* this block of the rows of parties 0..t */
        for (unsigned j = 0; j <= t; j++) {
            low[j] = gone[j] ? lo + (size_t)j * EXT_BLOCK : pay[j] + off + c0;
            if (seed[j]) expander_next(&xs[j], low[j], m);
            in[j] = low[j];
        }
        for (unsigned j = t + 1; j < n; j++) out[j - t - 1] = pay[j] + off + c0;
        if (n > t + 1) fd_extend_cols(f, in, t + 1, out, n - t - 1, m, tab);
        if (!dbl) continue;
        for (unsigned i = 0; i <= t; i++) in[i] = low[t - i]; /* x = t+1 down to 1 */
        fd_extend_cols(f, in, t + 1, &sec, 1, m, tab);
        if (c0 == 0 && e->test_fault == TEST_BAD_DEAL_2T) { /* the degree-2t half of column 0: another secret */
            Fe one;
            fe_one(f, &one);
            fe_add(f, &sec[0], &sec[0], &one);
        }
        in[0] = sec;
        for (unsigned j = 0; j < 2 * t; j++) {
            Fe *v = gone[j] ? lo + (size_t)(t + 1 + j) * EXT_BLOCK : pay[j] + off2 + c0;
            if (seed[j]) expander_next(&x2[j], v, m);
            in[j + 1] = v;
        }
        for (unsigned j = 2 * t; j < n; j++) out[j - 2 * t] = pay[j] + off2 + c0;
        fd_extend_cols(f, in, 2 * t + 1, out, n - 2 * t, m, tab);
    }
    for (unsigned j = 0; j <= t; j++)
        if (seed[j]) expander_end(&xs[j]);
    for (unsigned j = 0; j < 2 * t && dbl; j++)
        if (seed[j]) expander_end(&x2[j]);
}

/* ---- checking ------------------------------------------------------------ */

/* The check's combination of count sharings: mask + Σ_k c_k·v[k] with
 * uniform 128-bit coefficients c_k (check_coeffs), the sum taken over the
 * integers and reduced once (fe_dot_small: no Montgomery product per
 * element).  With v in Montgomery form the sum is Σ (R·c_k)·v[k] mod p:
 * still one fixed linear combination, the same at every party.  An
 * inconsistent sharing k passes only if c_k hits the one residue that
 * cancels it: probability <= 2^-128, as c_k < 2^128 < p (docs/mpc.md
 * "Preprocessing"). */
typedef struct {
    const uint64_t *c52; /* radix-2^52 limbs: c52[i·stride + k] */
    size_t stride;
} Coeffs;

static void combine(const Field *f, Fe *out, const Fe *v, size_t count, const Fe *mask, const Coeffs *c)
{
    Fe sum;
    fe_dot_small(f, &sum, v, c->c52, c->stride, count);
    fe_add(f, out, mask, &sum);
    sodium_memzero(&sum, sizeof sum);
}

/* Little-endian bytes to a word, on any host. */
static uint64_t le64(const uint8_t *b)
{
    uint64_t w = 0;
    for (int i = 7; i >= 0; i--) w = (w << 8) | b[i];
    return w;
}

/* The check's coefficients for `count` columns: ChaCha20 keyed by rho's
 * canonical bytes (rho is public once the seeds are), 16 bytes each, as
 * 52-, 52- and 24-bit limbs into c52[0..3·count). */
static void check_coeffs(const Field *f, const Fe *rho, uint64_t *c52, size_t count)
{
    static const uint8_t nonce[8] = { 'c', 'o', 'e', 'f', 'f', 's', 0, 1 };
    enum { CHUNK = 256 };
    uint64_t l[4];
    uint8_t key[32], b[CHUNK * 16];
    fe_to_limbs(f, l, rho);
    for (int i = 0; i < 32; i++) key[i] = (uint8_t)(l[i / 8] >> (8 * (i % 8)));
    PrgStream st;
    prg_stream_begin(&st, key, nonce, 0);
    for (size_t k0 = 0; k0 < count; k0 += CHUNK) {
        size_t m = count - k0 < CHUNK ? count - k0 : CHUNK;
        prg_stream_bytes(&st, b, m * 16); /* 4 per 64-byte block */
        for (size_t k = 0; k < m; k++) {
            uint64_t w0 = le64(b + 16 * k), w1 = le64(b + 16 * k + 8);
            c52[k0 + k] = w0 & 0xfffffffffffffULL;
            c52[count + k0 + k] = (w0 >> 52 | w1 << 12) & 0xfffffffffffffULL;
            c52[2 * count + k0 + k] = w1 >> 40;
        }
    }
    prg_stream_end(&st);
}

/* ---- one generation run ------------------------------------------------------ */

/* Buffers a run needs, kept between runs: fresh multi-megabyte blocks are
 * mmap'ed, and faulting their pages in cost about a tenth of a run.  They
 * hold shares, so they are wiped after every run (keep_put) and stay
 * charged to the memory cap while kept; one above KEEP_MAX is not kept. */
enum { KEEP_DEAL, KEEP_RT, KEEP_R2T };
#define KEEP_MAX ((size_t)64 << 20)

static void keep_drop(MpcEngine *e, int slot)
{
    if (!e->pp_keep[slot]) return;
    free(e->pp_keep[slot]); /* wiped by keep_put */
    mpc_mem_release(e, e->pp_keep_cap[slot]);
    e->pp_keep[slot] = NULL;
    e->pp_keep_cap[slot] = 0;
}

static void *keep_get(MpcEngine *e, int slot, size_t bytes)
{
    if (e->pp_keep_cap[slot] >= bytes) return e->pp_keep[slot];
    keep_drop(e, slot);
    if (mpc_mem_charge(e, 0, bytes, "a preprocessing run") != 0) return NULL;
    if (!(e->pp_keep[slot] = malloc(bytes))) {
        mpc_mem_release(e, bytes);
        return NULL;
    }
    e->pp_keep_cap[slot] = bytes;
    return e->pp_keep[slot];
}

static void keep_put(MpcEngine *e, int slot, size_t used)
{
    sodium_memzero(e->pp_keep[slot], used);
    if (e->pp_keep_cap[slot] > KEEP_MAX) keep_drop(e, slot);
}

typedef struct {
    size_t cr, cd, count; /* random columns, double columns, elements per row */
    size_t seg;           /* bytes of one segment of mine: header, seed, row */
    size_t mine_bytes;    /* of mine's block: the n segments, then held */
    size_t rlen;          /* elements of each dealing this party receives */
    size_t sig;           /* elements of the signature after each row (0: the session does not sign) */
    uint64_t deal_seq;
    uint8_t *mine;                     /* this party's dealing: n segments of seg bytes */
    Fe *held;                          /* rows dealt to this party, expanded from seeds (NULL: received whole) */
    uint8_t *got[SHAMIR_MAX_PARTIES];  /* dealings received (owned) */
    const Fe *row[SHAMIR_MAX_PARTIES]; /* dealer j's sharings as this party holds them */
    Fe *rt, *r2t;                      /* extracted double shares, w·cd each */
    Fe *root;                          /* each dealer's commitment to its rows (PpRows.root) */
    Fe *dig;                           /* this party's rows' digests (PpRows.dig) */
    uint8_t gone[SHAMIR_MAX_PARTIES];  /* row j of this party's dealing not kept: only its seed (deal_cols) */
} Run;

/* Wipes and frees the dealings (this party's and the received ones) and
 * gives their memory charge back. */
static void run_drop_dealings(MpcEngine *e, Run *r)
{
    if (r->mine) {
        /* only the held rows written: wiping an untouched one would fault
         * its pages in just to zero them */
        for (unsigned j = 0; j < e->n && r->held; j++)
            if (r->got[j]) sodium_memzero(r->held + (size_t)j * r->count, r->count * sizeof(Fe));
        /* of a row not kept only its seed (and header) was written */
        for (unsigned j = 0; j < e->n; j++)
            sodium_memzero(r->mine + (size_t)j * r->seg, r->gone[j] ? MPC_HDR + MPC_ELEM : r->seg);
        keep_put(e, KEEP_DEAL, 0);
        r->mine = NULL;
        r->held = NULL;
    }
    size_t rbytes = MPC_HDR + r->rlen * MPC_ELEM;
    for (unsigned j = 0; j < e->n; j++)
        if (r->got[j]) {
            /* wiped, then given back: the next sends (the degree-2t
             * opening's fit) reuse it instead of fresh pages */
            sodium_memzero(r->got[j], rbytes);
            mpc_mem_release(e, rbytes);
            transport_recycle(e->tr, r->got[j], rbytes);
            r->got[j] = NULL;
        }
}

static void run_free(MpcEngine *e, Run *r)
{
    run_drop_dealings(e, r);
    free(r->dig);
    free(r->root);
    size_t bytes = (e->n - e->t) * r->cd * sizeof(Fe) + 1;
    if (r->rt) keep_put(e, KEEP_RT, bytes);
    if (r->r2t) keep_put(e, KEEP_R2T, bytes);
}

/* A run the session signs (preproc_sign.c) sends every row whole, each
 * with its dealer's signature: a receiver then holds a signed copy of
 * exactly the row it shows in a dispute.  Signing starts only after a
 * failure nobody could be proven for, so honest sessions keep the seeds. */
static int row_form(const Run *r, unsigned j, unsigned t) { return r->sig ? FORM_ROW : seed_form(j, t); }

/* Row j of this party's dealing, and its seed (in front of it). */
static Fe *seg_seed(const Run *r, unsigned j) { return (Fe *)(void *)(r->mine + (size_t)j * r->seg + MPC_HDR); }
static Fe *seg_payload(const Run *r, unsigned j) { return seg_seed(r, j) + 1; }

/* Elements of row j's sent form, and where it starts in this party's
 * dealing: the seed and the prefix of the row follow each other. */
static size_t form_len(const Run *r, unsigned t, unsigned j)
{
    int form = row_form(r, j, t);
    return form == FORM_ROW ? r->count : form == FORM_SEED ? 1 : 1 + r->cr + 2 + r->cd;
}
static Fe *sent_form(const Run *r, unsigned t, unsigned j)
{
    return row_form(r, j, t) == FORM_ROW ? seg_payload(r, j) : seg_seed(r, j);
}

/* Party j's row (count elements) from its sent form: the parts drawn
 * from the seed as the dealer drew them (deal_cols), the rest copied. */
static void form_expand(const Field *f, const Run *r, unsigned t, unsigned j, const Fe *form, Fe *row)
{
    size_t off_t = r->cr + 1, off_2t = r->cr + 2 + r->cd;
    switch (row_form(r, j, t)) {
    case FORM_ROW: fe_copy(row, form, r->count); return;
    case FORM_SEED:
        seed_expand(f, form, 0, row, r->cr + 1);
        seed_expand(f, form, 1, row + off_t, r->cd + 1);
        break;
    default: fe_copy(row, form + 1, off_2t); break;
    }
    seed_expand(f, form, 2, row + off_2t, r->cd + 1);
}

/* Waits for the current round's message of every party not proven
 * faulty in preprocessing (they are not waited for), nor of a party that
 * has aborted the run (preproc_agree.c: then this party aborts too, after
 * the wait).  The broadcasts that come meanwhile are filed in slices of
 * POLL_MS, so an abort is seen at once.  0: all came; 1: some did not
 * within the timeout and half a timeout of grace (this party's status
 * will name them, e->err too); -1: error. */
enum { POLL_MS = 50 };
int preproc_gather_live(MpcEngine *e)
{
    struct timespec dl, slice;
    deadline_in(&dl, e->timeout_ms);
    bool grace = false, stopped = false;
    for (;;) {
        preproc_agree_poll(e);
        bool missing = false;
        for (unsigned j = 0; j < e->n; j++) {
            if (j == e->self || e->pp_bad[j] || e->g.buf[j]) continue;
            if (e->g.kind == MK_OPEN2T && preproc_agree_public(e, j, e->self)) continue; /* taken from j's broadcast */
            if (preproc_agree_excused(e, j))
                stopped = true;
            else
                missing = true;
        }
        if (!missing) break;
        int left = ms_left(&dl);
        deadline_in(&slice, left < POLL_MS ? left : POLL_MS);
        int rc = gather_one(e, &slice);
        if (rc < 0) return -1;
        if (rc == 1 || ms_left(&dl) > 0) continue;
        if (!grace) { /* a party that stopped before us: its abort may be on its way */
            grace = true;
            deadline_in(&dl, e->timeout_ms / 2);
            continue;
        }
        char miss[128];
        size_t k = 0;
        miss[0] = 0;
        for (unsigned j = 0; j < e->n; j++)
            if (j != e->self && !e->pp_bad[j] && !e->g.buf[j] && !preproc_agree_excused(e, j) &&
                !(e->g.kind == MK_OPEN2T && preproc_agree_public(e, j, e->self))) {
                preproc_agree_complain(e, j);
                if (k + 12 < sizeof miss) k += (size_t)snprintf(miss + k, sizeof miss - k, "%s%u", k ? ", " : "", j);
            }
        mpc_fail(e, "preprocessing (%s round %llu): no message from party %s within %d ms", mpc_kind_name(e->g.kind),
                 (unsigned long long)e->g.seq, miss, e->timeout_ms);
        return 1;
    }
    if (stopped)
        return preproc_agree_abort(e, "preprocessing (%s round %llu): another party stopped the run",
                                   mpc_kind_name(e->g.kind), (unsigned long long)e->g.seq);
    return 0;
}

/* TEST_BAD_DEAL_ROW: party j's whole row where its seed is due. */
static int test_send_row(MpcEngine *e, const Run *r, unsigned j, const Fe *row)
{
    size_t len = MPC_HDR + r->count * MPC_ELEM;
    uint8_t *m = malloc(len);
    if (!m) return mpc_fail(e, "out of memory");
    wire_put_hdr(m, MK_DEAL, (uint32_t)r->count, e->instance, r->deal_seq);
    Fe *p = (Fe *)(void *)(m + MPC_HDR);
    fe_copy(p, row, r->count);
    wire_limbs_to_le(p, r->count);
    int rc = send_node(e, j, m, len);
    sodium_memzero(m, len);
    free(m);
    return rc;
}

/* Round 1: deal, send, receive everyone's dealing.  Rows of parties
 * 0..2t-1 travel as seeds (form_len); a received seed is expanded into
 * r->held. */
static int run_deal(MpcEngine *e, Run *r)
{
    const Field *f = e->f;
    unsigned n = e->n, t = e->t;
    r->deal_seq = e->seq[MK_DEAL]++;
    /* while the session signs (preproc_sign.c), each row with its signature */
    r->sig = preproc_sign_on(e) ? PP_SIG_FE : 0;
    r->seg = MPC_HDR + (r->count + 1 + r->sig) * MPC_ELEM;
    r->rlen = form_len(r, t, e->self) + r->sig;
    bool seeded = row_form(r, e->self, t) != FORM_ROW;
    r->mine_bytes = n * r->seg + (seeded ? n * r->count * sizeof(Fe) : 0);
    if (!(r->mine = keep_get(e, KEEP_DEAL, r->mine_bytes))) return e->mem_failed ? -1 : mpc_fail(e, "out of memory");
    if (seeded) r->held = (Fe *)(void *)(r->mine + n * r->seg);
    Fe *scratch = malloc(deal_scratch_len(t) * sizeof *scratch);
    Expander *xs = malloc((3 * (size_t)t + 1) * sizeof *xs);
    if (!scratch || !xs) {
        free(scratch);
        free(xs);
        return mpc_fail(e, "out of memory");
    }
    Fe *pay[SHAMIR_MAX_PARTIES];
    const Fe *seed[SHAMIR_MAX_PARTIES];
    for (unsigned j = 0; j < n; j++) {
        pay[j] = seg_payload(r, j);
        seed[j] = NULL;
        if (row_form(r, j, t) != FORM_ROW) {
            prg_fe(e, seg_seed(r, j), 1);
            seed[j] = seg_seed(r, j);
        }
        /* a row that is all seed goes as its seed and is opened as its
         * seed, so the dealer need not keep it: two to three rows of
         * memory traffic and wiping fewer at n = 4.  Its own row it keeps,
         * and a test cheater all rows (it claims the rows it kept) */
        r->gone[j] = row_form(r, j, t) == FORM_SEED && j != e->self && e->test_fault == TEST_NONE;
    }
    size_t off_t = r->cr + 1, off_2t = r->cr + 2 + r->cd;
    /* random sharings, the last column being the mask; then the double
     * sharings, the last column again the mask */
    deal_cols(e, seed, r->gone, pay, 0, (size_t)-1, r->cr + 1, scratch, xs);
    deal_cols(e, seed, r->gone, pay, off_t, off_2t, r->cd + 1, scratch, xs);
    sodium_memzero(scratch, deal_scratch_len(t) * sizeof *scratch);
    free(scratch);
    free(xs); /* wiped by expander_end */
    Fe one;
    fe_one(f, &one);
    /* test cheaters: a bad seeded row is a seed whose expansion is off the
     * polynomial of the others (the dealer keeps claiming the polynomial) */
    if (e->test_fault == TEST_BAD_DEAL || e->test_fault == TEST_BAD_DEAL_MUTE) {
        unsigned j = (e->self + 1) % n;
        if (seed[j])
            fe_add(f, seg_seed(r, j), seg_seed(r, j), &one);
        else
            fe_add(f, &pay[j][0], &pay[j][0], &one);
    }
    if (e->test_fault == TEST_BAD_DEAL_ALL) {
        /* off every low-degree polynomial: party j's shares get x_j^(t+1)
         * (random and degree-t half) and x_j^(2t+1) (degree-2t half) more,
         * and a seeded row another seed (the 2t variant: deal_cols) */
        for (unsigned j = 0; j < n; j++) {
            if (j == e->self) continue;
            Fe x, p1, p2;
            shamir_point(f, &x, j);
            fe_pow_u64(f, &p1, &x, t + 1);
            fe_pow_u64(f, &p2, &x, 2 * t + 1);
            fe_add(f, &pay[j][0], &pay[j][0], &p1);
            fe_add(f, &pay[j][off_t], &pay[j][off_t], &p1);
            fe_add(f, &pay[j][off_2t], &pay[j][off_2t], &p2);
            if (seed[j]) fe_add(f, seg_seed(r, j), seg_seed(r, j), &one);
        }
    }
    if (e->test_fault == TEST_SILENT_DEAL) return mpc_fail(e, "test: silent from the start of preprocessing");
    for (unsigned j = 0; j < n; j++) {
        if (j == e->self) continue;
        Fe *form = sent_form(r, t, j);
        size_t len = form_len(r, t, j);
        if (e->test_fault == TEST_BAD_DEAL_ROW && j == (e->self + 1) % n && !r->sig) {
            /* a test dealer sends the row, not its seed, from a copy: the
             * row's header in place would cover the seed it committed to */
            if (test_send_row(e, r, j, pay[j]) != 0) return -1;
            continue;
        }
        if (r->sig) { /* signed runs send whole rows (row_form) */
            preproc_sign_row(e, r->deal_seq, j, pay[j], r->count, pay[j] + r->count);
            len += r->sig;
        }
        if (e->test_fault == TEST_SILENT_DEAL_ONE && j == (e->self + 1) % n)
            continue;                                     /* a test dealer silent to the next party only */
        uint8_t *msg = (uint8_t *)(void *)form - MPC_HDR; /* a whole row's header covers its unused seed */
        wire_put_hdr(msg, MK_DEAL, (uint32_t)len, e->instance, r->deal_seq);
        wire_limbs_to_le(form, len);
        if (send_node(e, j, msg, MPC_HDR + len * MPC_ELEM) != 0) return -1;
        /* kept (wiped with the run) in case a dispute makes this party
         * open one of them */
        wire_limbs_from_le(form, len);
    }
    gather_begin(e, MK_DEAL, r->deal_seq, (uint32_t)r->rlen, true);
    int rc = preproc_gather_live(e);
    for (unsigned j = 0; j < n && rc >= 0; j++) {
        if (j == e->self) {
            r->row[j] = pay[j];
        } else if (e->g.buf[j]) { /* a proven-faulty party's may be missing */
            r->got[j] = gather_take(e, j);
            if (r->sig) preproc_sign_dealing_check(e, r->deal_seq, j, (Fe *)(void *)(r->got[j] + MPC_HDR), r->count);
            const Fe *form = (const Fe *)(const void *)(r->got[j] + MPC_HDR);
            if (r->held) {
                Fe *row = r->held + (size_t)j * r->count;
                form_expand(f, r, t, e->self, form, row);
                r->row[j] = row;
            } else {
                r->row[j] = form;
            }
        } else if (!e->pp_bad[j]) {
            /* a dealing that did not come (preproc_agree.c): a zero row,
             * so this party's check values about j do not fit j's claim
             * and j has to open the row in public, or be silent there */
            if (mpc_mem_charge(e, 0, r->seg, "a preprocessing run") != 0) return -1;
            if (!(r->got[j] = calloc(1, r->seg))) {
                mpc_mem_release(e, r->seg);
                return mpc_fail(e, "out of memory");
            }
            if (r->held) { /* where a dispute's opened row goes (row_held) */
                Fe *row = r->held + (size_t)j * r->count;
                memset(row, 0, r->count * sizeof *row);
                r->row[j] = row;
            } else {
                r->row[j] = (const Fe *)(const void *)(r->got[j] + MPC_HDR);
            }
        }
    }
    gather_end(e, true);
    return rc < 0 ? -1 : 0;
}

/* Round 2: the challenge, a hash of every live party's seed in party
 * order.  Seeds travel over reliable broadcast, so every honest party
 * hashes the same ones; an honest party sends its seed only after it has
 * every dealing, so rho is fixed after all dealings are.  With its seed
 * each party commits to the n rows it dealt (r->root, the digest of their
 * digests): a row it has to open in a dispute is then one fixed before
 * rho. */
static int run_seed(MpcEngine *e, Run *r, Fe *rho)
{
    unsigned n = e->n;
    if (e->test_fault == TEST_SILENT_SEED) {
        const char *cheat = getenv("STOFFEL_NET_TEST_PREPROC_CHEAT");
        if (cheat && strcmp(cheat, "kill") == 0) {
            /* tests/net: a party killed in preprocessing, once the
             * clients have had time to connect (they need every party
             * at the start) */
            struct timespec pause = { 2, 0 };
            nanosleep(&pause, NULL);
            fflush(NULL);
            raise(SIGKILL);
        }
        return mpc_fail(e, "test: silent after dealing");
    }
    const size_t k = 2;
    Fe mine[2], *all = malloc(n * k * sizeof *all);
    r->dig = malloc(n * sizeof *r->dig);
    r->root = calloc(n, sizeof *r->root);
    uint8_t rnd[64], bad[SHAMIR_MAX_PARTIES];
    if (!all || !r->dig || !r->root) {
        free(all);
        return mpc_fail(e, "out of memory");
    }
    randombytes_buf(rnd, sizeof rnd);
    fe_reduce64(e->f, &mine[0], rnd);
    /* a dealer never opens its own row (there is no dispute (D, D)), so
     * its digest is not computed: a quarter of the hashing at n = 4 */
    for (unsigned j = 0; j < n; j++)
        if (j == e->self)
            fe_zero(&r->dig[j]);
        else /* of what was sent: a seed fixes its row */
            preproc_check_row_digest(e->f, sent_form(r, e->t, j), form_len(r, e->t, j), &r->dig[j]);
    preproc_check_row_digest(e->f, r->dig, n, &mine[1]);
    int rc = preproc_check_exchange(e, PP_TAG(1, r->deal_seq), mine, k, all, bad);
    for (unsigned d = 0; d < n && rc == 0; d++)
        if (!bad[d] && !e->pp_bad[d]) r->root[d] = all[(size_t)d * k + 1];
    if (rc == 0) {
        static const char dom[] = "stoffel-mpc preprocessing check v2";
        uint8_t hdr[16], h[64];
        for (int i = 0; i < 8; i++) {
            hdr[i] = (uint8_t)(e->instance >> (8 * i));
            hdr[8 + i] = (uint8_t)(r->deal_seq >> (8 * i));
        }
        crypto_generichash_state st;
        crypto_generichash_init(&st, NULL, 0, sizeof h);
        crypto_generichash_update(&st, (const uint8_t *)dom, sizeof dom);
        crypto_generichash_update(&st, hdr, sizeof hdr);
        for (unsigned j = 0; j < n; j++) {
            uint64_t l[4];
            uint8_t b[32];
            fe_to_limbs(e->f, l, &all[(size_t)j * k]); /* zero for a faulty or malformed seed */
            for (int i = 0; i < 32; i++) b[i] = bad[j] ? 0 : (uint8_t)(l[i / 8] >> (8 * (i % 8)));
            crypto_generichash_update(&st, b, sizeof b);
        }
        crypto_generichash_final(&st, h, sizeof h);
        fe_reduce64(e->f, rho, h);
    }
    free(all);
    return rc;
}

/* sigma, the challenge that folds the dealers together: a hash of rho,
 * so fixed only after every dealing was received, like rho. */
static void fold_challenge(const Field *f, const Fe *rho, Fe *sigma)
{
    static const char dom[] = "stoffel-mpc preprocessing fold v1";
    uint64_t l[4];
    uint8_t b[32], h[64];
    fe_to_limbs(f, l, rho);
    for (int i = 0; i < 32; i++) b[i] = (uint8_t)(l[i / 8] >> (8 * (i % 8)));
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const uint8_t *)dom, sizeof dom);
    crypto_generichash_update(&st, b, sizeof b);
    crypto_generichash_final(&st, h, sizeof h);
    fe_reduce64(f, sigma, h);
}

/* Round 3: the dealers' random linear combinations (mask + Σ c_k·
 * sharing_k per kind, c_k from rho: check_coeffs), checked by preproc_check.c: folded over the dealers
 * with powers of sigma in the honest case, per dealer when the fold does
 * not fit.  *use receives the dealers this run extracts from. */
typedef struct {
    const MpcEngine *e;
    const Run *r;
    Coeffs coef; /* check_coeffs, max(cr, cd) of them */
} CheckCtx;

static void row_combos(const void *ctx, const Fe *v, Fe out[3])
{
    const CheckCtx *c = ctx;
    const Field *f = c->e->f;
    size_t cr = c->r->cr, cd = c->r->cd, off_t = cr + 1, off_2t = cr + 2 + cd;
    combine(f, &out[0], v, cr, &v[cr], &c->coef);
    combine(f, &out[1], v + off_t, cd, &v[off_t + cd], &c->coef);
    combine(f, &out[2], v + off_2t, cd, &v[off_2t + cd], &c->coef);
}

static const Fe *row_dealt(const void *ctx, unsigned j)
{
    const CheckCtx *c = ctx;
    return sent_form(c->r, c->e->t, j);
}

static Fe *row_held(const void *ctx, unsigned d)
{
    const CheckCtx *c = ctx;
    if (d == c->e->self) return seg_payload(c->r, d);
    if (!c->r->got[d]) return NULL;
    return c->r->held ? c->r->held + (size_t)d * c->r->count : (Fe *)(void *)(c->r->got[d] + MPC_HDR);
}

static size_t row_form_len(const void *ctx, unsigned j)
{
    const CheckCtx *c = ctx;
    return form_len(c->r, c->e->t, j);
}

static void row_expand(const void *ctx, unsigned j, const Fe *form, Fe *row)
{
    const CheckCtx *c = ctx;
    form_expand(c->e->f, c->r, c->e->t, j, form, row);
}

/* row_combos of a row this party dealt and did not keep (Run.gone): the
 * row drawn again from its seed, block by block, and the combinations
 * summed over the blocks (fe_dot_small reduces each block's sum; the
 * sum of those mod p is the same element). */
static void gone_combos(const CheckCtx *c, unsigned j, Fe out[3])
{
    const Field *f = c->e->f;
    Fe buf[EXT_BLOCK], part;
    for (unsigned p = 0; p < 3; p++) {
        size_t len = p == 0 ? c->r->cr : c->r->cd; /* columns; the mask follows */
        Expander x;
        expander_begin(&x, f, seg_seed(c->r, j), p);
        fe_zero(&out[p]);
        for (size_t c0 = 0; c0 <= len; c0 += EXT_BLOCK) {
            size_t m = len + 1 - c0 < EXT_BLOCK ? len + 1 - c0 : EXT_BLOCK;
            size_t cols = len - c0 < m ? len - c0 : m;
            expander_next(&x, buf, m);
            if (cols) {
                fe_dot_small(f, &part, buf, c->coef.c52 + c0, c->coef.stride, cols);
                fe_add(f, &out[p], &out[p], &part);
            }
            if (cols < m) fe_add(f, &out[p], &out[p], &buf[cols]); /* the mask */
        }
        expander_end(&x);
    }
    sodium_memzero(buf, sizeof buf);
    sodium_memzero(&part, sizeof part);
}

/* This party's dealing's combinations at every party: from the rows of
 * parties 0..t (0..2t for the degree-2t half), extended along the
 * polynomial.  For an honest dealer that is its every row's combination;
 * a test cheater that gave one later party a bad share still claims the
 * polynomial it should have dealt (the dispute then convicts it). */
static void row_expect(const void *ctx, Fe *out)
{
    const CheckCtx *c = ctx;
    const Field *f = c->e->f;
    unsigned n = c->e->n, t = c->e->t;
    Fe v[3][SHAMIR_MAX_PARTIES];
    for (unsigned j = 0; j <= 2 * t; j++) {
        Fe o[3];
        if (c->r->gone[j])
            gone_combos(c, j, o);
        else
            row_combos(ctx, seg_payload(c->r, j), o);
        for (int k = 0; k < 3; k++) v[k][j] = o[k];
    }
    for (int k = 0; k < 3; k++) {
        unsigned d = k == 2 ? 2 * t + 1 : t + 1;
        memcpy(out + (size_t)k * n, v[k], d * sizeof(Fe));
        if (n > d) fd_extend(f, v[k], d, out + (size_t)k * n + d, n - d);
    }
}

static int run_check(MpcEngine *e, Run *r, const Fe *rho, PpDealers *use)
{
    unsigned n = e->n;
    if (e->test_fault == TEST_SILENT_CHECK) return mpc_fail(e, "test: silent after the seed");
    uint64_t seq = e->seq[MK_CHECK]++;
    Fe *mine = calloc(3 * (size_t)n, sizeof *mine);
    size_t ncoef = r->cr > r->cd ? r->cr : r->cd;
    uint64_t *coef = malloc((3 * ncoef + 1) * sizeof *coef);
    if (!mine || !coef) {
        free(mine);
        free(coef);
        return mpc_fail(e, "out of memory");
    }
    check_coeffs(e->f, rho, coef, ncoef);
    CheckCtx cx = { e, r, { coef, ncoef } };
    for (unsigned d = 0; d < n; d++) {
        Fe o[3];
        if (!r->row[d]) continue; /* a proven-faulty dealer's: not used */
        row_combos(&cx, r->row[d], o);
        for (int k = 0; k < 3; k++) mine[(size_t)k * n + d] = o[k];
    }
    Fe sigma;
    fold_challenge(e->f, rho, &sigma);
    PpRows rows = { &cx,        r->count,  r->root,  r->dig,       row_combos,
                    row_expect, row_dealt, row_held, row_form_len, row_expand };
    int rc = preproc_check_round(e, seq, mine, &sigma, &rows, use);
    sodium_memzero(mine, 3 * (size_t)n * sizeof *mine);
    free(mine);
    free(coef); /* public */
    return rc;
}

/* Local: extraction through G = [I | C] over the m dealers in use, at
 * most t_a of them faulty: w' = m - t_a outputs per column, C the top-left
 * w'×t_a corner of the engine's matrix (a submatrix of a scaled Cauchy
 * matrix: every square submatrix still invertible).  out[c·w' + i] =
 * output i of column c for the columns [0, cols) of the dealt vectors at
 * `off`.  With every dealer in use this is the whole G. */
static void extract(const MpcEngine *e, const Run *r, const PpDealers *use, size_t off, size_t cols, Fe *out)
{
    const Field *f = e->f;
    unsigned t = e->t, ta = use->t_a, w = use->m - ta;
    const Fe *rowi[SHAMIR_MAX_PARTIES];
    for (unsigned i = 0; i < use->m; i++) rowi[i] = r->row[use->map[i]] + off;
    for (size_t c = 0; c < cols; c++) {
        Fe *o = out + c * w;
        for (unsigned i = 0; i < w; i++) {
            Fe acc = rowi[i][c];
            for (unsigned j = 0; j < ta; j++) {
                const Fe *s = &rowi[w + j][c];
                size_t k = (size_t)i * t + j;
                if (e->ext_one[k]) {
                    fe_add(f, &acc, &acc, s);
                } else {
                    Fe p;
                    fe_mul(f, &p, &e->ext[k], s);
                    fe_add(f, &acc, &acc, &p);
                }
            }
            o[i] = acc;
        }
    }
}

/* v[j] = ab[2j]·ab[2j+1] - r2t[j]: the pairs copied out in blocks so the
 * products are batch calls (field.h). */
static void triple_products(const Field *f, Fe *v, const Fe *ab, const Fe *r2t, size_t T)
{
    enum { PAIR_BLOCK = 128 };
    Fe x[PAIR_BLOCK], y[PAIR_BLOCK];
    for (size_t j0 = 0; j0 < T; j0 += PAIR_BLOCK) {
        size_t m = T - j0 < PAIR_BLOCK ? T - j0 : PAIR_BLOCK;
        for (size_t j = 0; j < m; j++) {
            x[j] = ab[2 * (j0 + j)];
            y[j] = ab[2 * (j0 + j) + 1];
        }
        fe_mul_batch(f, v + j0, x, y, m);
        for (size_t j = 0; j < m; j++) fe_sub(f, &v[j0 + j], &v[j0 + j], &r2t[j0 + j]);
    }
    sodium_memzero(x, sizeof x);
    sodium_memzero(y, sizeof y);
}

/* Decodes a degree-d opening whose m shares are at consecutive points
 * x = 1..m (row[i]: party i's), all required to agree: one difference
 * table per block of columns gives both the check and the value.  After
 * the table's passes D[j] = Δ^j f(1), so f(0) = Σ_j (-1)^j D[j] (Newton at
 * s = -1), and E, the differences at the last of the first d+1 points,
 * extends f to the other points by additions.  Additions only, where the
 * Lagrange weights cost up to three additions per weight and value.
 * Marks fail[c] for every value that does not fit and returns how many
 * do not.  scratch: 2(d+1)·PREPROC_EXT_BLOCK elements. */
size_t preproc_decode_consecutive(const Field *f, const Fe *const *row, unsigned m, unsigned d, size_t count, Fe *out,
                                  Fe *scratch, uint8_t *fail)
{
    unsigned k = d + 1;
    Fe *D = scratch, *E = scratch + (size_t)k * EXT_BLOCK;
    size_t bad = 0;
    for (size_t c0 = 0; c0 < count; c0 += EXT_BLOCK) {
        size_t nb = count - c0 < EXT_BLOCK ? count - c0 : EXT_BLOCK;
        diff_table(f, row, c0, k, nb, D, E);
        for (size_t c = 0; c < nb; c++) {
            Fe acc = D[(size_t)(k - 1) * EXT_BLOCK + c];
            for (unsigned j = k - 1; j-- > 0;) fe_sub(f, &acc, &D[(size_t)j * EXT_BLOCK + c], &acc);
            out[c0 + c] = acc;
        }
        for (unsigned s = k; s < m; s++) {
            diff_step(f, E, k, nb);
            for (size_t c = 0; c < nb; c++)
                if (!fe_equal(&E[c], &row[s][c0 + c]) && !fail[c0 + c]) {
                    fail[c0 + c] = 1;
                    bad++;
                }
        }
    }
    return bad;
}

/* One run: T triples and at least R further random shares into the pools
 * (*made: the triples made, fewer when dealings had to be excluded; the
 * randoms can then be fewer too). */
static int gen_run(MpcEngine *e, size_t T, size_t R, size_t *made)
{
    unsigned n = e->n, t = e->t, w = n - t;
    Run r;
    PpDealers use;
    memset(&r, 0, sizeof r);
    r.cr = (2 * T + R + w - 1) / w;
    r.cd = (T + w - 1) / w;
    r.count = r.cr + 2 * r.cd + 3;
    *made = 0;
    size_t kept = 0; /* triples made: T less the dropped ones */
    Fe rho;
    /* every step of this run is tagged with its dealing's number, so the
     * counters stay in step at every party even after an aborted run */
    e->seq[MK_CHECK] = e->seq[MK_OPEN2T] = e->seq[MK_DEAL];
    size_t rnd0 = e->rnd.n, used = 0; /* randoms before the run, and those its triples took */
    int rc = preproc_agree_begin(e, e->seq[MK_DEAL]);
    if (rc == 0) rc = run_deal(e, &r);
    if (rc == 0) rc = run_seed(e, &r, &rho);
    if (rc == 0) rc = run_check(e, &r, &rho, &use);
    Fe *rnd = NULL;
    if (rc == 0) {
        w = use.m - use.t_a;                                /* outputs per column from the dealers in use */
        size_t ext_bytes = (n - t) * r.cd * sizeof(Fe) + 1; /* run_free's size: the most w can be */
        r.rt = keep_get(e, KEEP_RT, ext_bytes);
        if (r.rt) r.r2t = keep_get(e, KEEP_R2T, ext_bytes);
        void *slot;
        if (!r.rt || !r.r2t || pool_append(&e->rnd, w * r.cr, &slot) != 0) {
            rc = mpc_fail(e, "out of memory");
        } else {
            rnd = slot;
            extract(e, &r, &use, 0, r.cr, rnd);
            extract(e, &r, &use, r.cr + 1, r.cd, r.rt);
            extract(e, &r, &use, r.cr + 2 + r.cd, r.cd, r.r2t);
            if (T > w * r.cd) T = w * r.cd;
            if (T > e->rnd.n / 2) T = e->rnd.n / 2;
        }
    }
    /* the dealt sharings are spent: wipe them before the next round (while
     * the session signs, after it: a failing value's column is judged).
     * r.sig, not preproc_sign_on: only a run signed from its start kept
     * every row whole (row_form), and signing starts only in the degree-2t
     * opening below, so the two agree here; r.sig says so by itself. */
    PpRunRows *view = r.sig && rc == 0 ? calloc(1, sizeof *view) : NULL;
    if (view) {
        *view = (PpRunRows){ r.deal_seq, r.count, r.cr + 2 + r.cd, &use, { 0 }, { 0 }, r.root, r.dig };
        for (unsigned j = 0; j < n; j++) {
            view->held[j] = r.row[j];
            view->dealt[j] = seg_payload(&r, j);
        }
    } else {
        run_drop_dealings(e, &r);
    }
    if (rc == 0 && T && e->test_fault == TEST_SILENT_OPEN2T) rc = mpc_fail(e, "test: silent at the degree-2t opening");
    if (rc == 0 && T) {
        /* degree reduction: open [a]·[b] - [r]_2t with a, b from the pool */
        const Fe *ab = pool_head(&e->rnd);
        Fe *v = msg_begin(e, MK_OPEN2T, 0, T);
        Fe *opened = dec_buf(e, T);
        uint8_t *drop = malloc(T);
        void *slot;
        if (!v || !opened || !drop || pool_append(&e->tri, T, &slot) != 0) {
            rc = mpc_fail(e, "out of memory");
        } else {
            ab = pool_head(&e->rnd); /* pool_append on another pool cannot move it */
            triple_products(e->f, v, ab, r.r2t, T);
            PpTripleIn in = { ab, r.rt, r.r2t, view };
            size_t ndrop = 0, k = 0;
            rc = preproc_locate_open_2t(e, T, &in, opened, drop, &ndrop);
            Triple *tr = slot;
            if (rc == 0) {
                for (size_t j = 0; j < T; j++) {
                    if (ndrop && drop[j]) continue; /* revealed or undecodable: every party drops it */
                    tr[k].a = ab[2 * j];
                    tr[k].b = ab[2 * j + 1];
                    fe_add(e->f, &tr[k].c, &opened[j], &r.rt[j]);
                    k++;
                }
                e->st.triples_made += k;
            }
            /* a triple pool entry without a valid c must not survive */
            sodium_memzero(tr + k, (T - k) * sizeof *tr);
            e->tri.n -= T - k;
            kept = k;
            /* v is not wiped: these shares were just sent to every party */
        }
        free(drop);
        if (rc == 0 || e->rnd.n >= 2 * T) {
            pool_consume(&e->rnd, 2 * T);
            used = 2 * T;
        }
    }
    bool retry;
    rc = preproc_agree_finish(e, rc, &retry);
    if (retry) {
        /* every honest party aborted the run: its randoms go (wiped), and
         * so do the old ones its triples used */
        size_t keep = rnd0 > used ? rnd0 - used : 0;
        if (e->rnd.n > keep) {
            sodium_memzero((uint8_t *)pool_head(&e->rnd) + keep * e->rnd.esz, (e->rnd.n - keep) * e->rnd.esz);
            e->rnd.n = keep;
        }
        kept = 0;
    }
    if (rc == 0 && !retry) {
        e->st.randoms_made += w * r.cr - 2 * T;
        *made = kept;
    }
    free(view);
    run_free(e, &r);
    return rc;
}

int ensure_triples(MpcEngine *e, size_t k)
{
    if (e->tri.n >= k) return 0;
    size_t need = k - e->tri.n;
    if (need < e->triple_batch) need = e->triple_batch;
    while (need) {
        size_t T = need < PREPROC_RUN_TRIPLES ? need : PREPROC_RUN_TRIPLES, made;
        if (gen_run(e, T, 0, &made) != 0) return -1;
        need -= made < need ? made : need;
    }
    return 0;
}

int ensure_randoms(MpcEngine *e, size_t k)
{
    if (e->rnd.n >= k) return 0;
    size_t need = k - e->rnd.n;
    if (need < PREPROC_MIN_RANDOMS) need = PREPROC_MIN_RANDOMS;
    while (e->rnd.n < k) {
        size_t R = need < PREPROC_RUN_RANDOMS ? need : PREPROC_RUN_RANDOMS;
        size_t made;
        if (gen_run(e, 0, R, &made) != 0) return -1;
        need = need > R ? need - R : PREPROC_MIN_RANDOMS; /* short after an exclusion: more */
    }
    return 0;
}

/* ---- random bits ---------------------------------------------------------------
 *
 * For a random [u]: v = u² is opened (one Beaver multiplication and one
 * opening, both robust), and b = (u/√v + 1)/2 with the canonical root of v
 * (the same at every party).  u/√v is ±1 with the sign of u relative to
 * that root, uniform and unknown to everyone, so b is a uniform bit.
 * v = 0 (probability 1/p) gives no bit and is skipped by all parties alike.
 *
 * The root is the expensive part (an exponentiation), and it is a public
 * computation: party j computes the roots of the values i ≡ j (mod n) and
 * sends them (MK_ROOT); everyone checks each received root with one
 * squaring (fe_sqrt_check: r² = v and r canonical, so there is one right
 * answer) and computes itself the roots that are missing or wrong. */

/* Index range of party j's slice: i = j, j+n, j+2n, ... below nb. */
static size_t slice_len(size_t nb, unsigned n, unsigned j) { return nb > j ? (nb - j + n - 1) / n : 0; }

static int share_roots(MpcEngine *e, const Fe *v, size_t nb, Fe *root)
{
    unsigned n = e->n;
    uint64_t seq = e->seq[MK_ROOT]++;
    size_t mine = slice_len(nb, n, e->self);
    Fe *pay = msg_begin(e, MK_ROOT, seq, mine);
    uint32_t *counts = calloc(e->n_nodes, sizeof *counts);
    if (!pay || !counts) {
        free(counts);
        return mpc_fail(e, "out of memory");
    }
    /* this party's slice, gathered so its roots are one batch call */
    for (size_t k = 0, i = e->self; k < mine; k++, i += n) pay[k] = v[i];
    if (fe_sqrt_batch(&e->sq, pay, pay, mine) != 0) {
        free(counts);
        return mpc_fail(e, "random bits: opened square has no root (inconsistent opening)");
    }
    for (size_t k = 0, i = e->self; k < mine; k++, i += n) root[i] = pay[k];
    wire_limbs_to_le(pay, mine);
    int rc = send_parties(e, e->sbuf, MPC_HDR + mine * MPC_ELEM);
    if (rc != 0) {
        free(counts);
        return -1;
    }
    for (unsigned j = 0; j < n; j++) counts[j] = (uint32_t)slice_len(nb, n, j);
    gather_begin(e, MK_ROOT, seq, 0, true);
    e->g.counts = counts;
    struct timespec dl;
    deadline_in(&dl, e->timeout_ms);
    while (e->g.nrecv < n - 1 && rc == 0) {
        int got = gather_one(e, &dl);
        if (got < 0) rc = -1;
        if (got <= 0) break; /* whoever did not send: their roots are computed below */
    }
    for (unsigned j = 0; j < n && rc == 0; j++) {
        if (j == e->self) continue;
        const Fe *r = gather_row(e, j);
        for (size_t k = 0, i = j; i < nb; k++, i += n) {
            if (r && fe_sqrt_check(&e->sq, &r[k], &v[i])) {
                root[i] = r[k];
            } else if (fe_sqrt(&e->sq, &root[i], &v[i]) != 0) {
                rc = mpc_fail(e, "random bits: opened square has no root (inconsistent opening)");
                break;
            }
        }
    }
    gather_end(e, false);
    free(counts);
    return rc;
}

static int gen_bits(MpcEngine *e, size_t nb)
{
    const Field *f = e->f;
    if (ensure_triples(e, nb) != 0 || ensure_randoms(e, nb) != 0) return -1;
    Fe *u = malloc(nb * sizeof *u), *sq = malloc(nb * sizeof *sq), *root = malloc(nb * sizeof *root);
    Fe *v = malloc(nb * sizeof *v);
    int rc = 0;
    if (!u || !sq || !root || !v) {
        rc = mpc_fail(e, "out of memory");
        goto out;
    }
    memcpy(u, pool_head(&e->rnd), nb * sizeof *u);
    pool_consume(&e->rnd, nb);
    e->st.randoms_used += nb;
    if (round_internal(e, NULL, 0, NULL, u, u, nb, sq, false) != 0) {
        rc = -1;
        goto out;
    }
    Fe *payload = msg_begin(e, MK_OPEN, 0, nb);
    if (!payload) {
        rc = mpc_fail(e, "out of memory");
        goto out;
    }
    memcpy(payload, sq, nb * sizeof *sq);
    if (open_round(e, MK_OPEN, e->t, false, nb, v, "random bits") != 0 || share_roots(e, v, nb, root) != 0) {
        rc = -1;
        goto out;
    }
    /* keep the u whose square is not 0, with the root of that square */
    size_t k = 0;
    for (size_t i = 0; i < nb; i++) {
        if (fe_is_zero(&v[i])) continue;
        root[k] = root[i];
        u[k++] = u[i];
    }
    if (k && fe_batch_inv(f, sq, root, k) != 0) {
        rc = mpc_fail(e, "random bits: zero root");
        goto out;
    }
    void *slot;
    if (pool_append(&e->bit, k, &slot) != 0) {
        rc = mpc_fail(e, "out of memory");
        goto out;
    }
    Fe *bits = slot, one;
    fe_one(f, &one);
    fe_mul_batch(f, bits, u, sq, k);
    for (size_t i = 0; i < k; i++) fe_add(f, &bits[i], &bits[i], &one);
    fe_mul_scalar_batch(f, bits, bits, &e->inv2, k);
    e->st.bits_made += k;
out:
    if (u) {
        sodium_memzero(u, nb * sizeof *u);
        free(u);
    }
    if (sq) {
        sodium_memzero(sq, nb * sizeof *sq);
        free(sq);
    }
    free(root);
    free(v);
    return rc;
}

int ensure_bits(MpcEngine *e, size_t k)
{
    while (e->bit.n < k) {
        size_t need = k - e->bit.n;
        if (need < PREPROC_MIN_BITS) need = PREPROC_MIN_BITS;
        if (need > PREPROC_RUN_BITS) need = PREPROC_RUN_BITS;
        if (gen_bits(e, need) != 0) return -1;
    }
    return 0;
}

int mpc_preprocess(MpcEngine *e, size_t triples, size_t randoms, size_t bits)
{
    /* bits first: they consume triples and randoms of their own */
    if (ensure_bits(e, bits) != 0) return -1;
    size_t T = e->tri.n >= triples ? 0 : triples - e->tri.n;
    size_t R = e->rnd.n >= randoms ? 0 : randoms - e->rnd.n;
    e->st.triples_goal = e->st.triples_made + T;
    e->st.randoms_goal = e->st.randoms_made + R;
    /* one run makes both when both are short */
    while (T || R) {
        size_t t1 = T < PREPROC_RUN_TRIPLES ? T : PREPROC_RUN_TRIPLES;
        size_t r1 = R < PREPROC_RUN_RANDOMS ? R : PREPROC_RUN_RANDOMS;
        size_t before = e->rnd.n, made;
        if (gen_run(e, t1, r1, &made) != 0) return -1;
        T -= made;
        size_t got = e->rnd.n > before ? e->rnd.n - before : 0; /* an aborted run takes some back */
        R = got >= R ? 0 : R - got;
    }
    return 0;
}

/* ---- moving material in and out (a persistent store, docs/storage.md) ---------- */

static Pool *material_pool(MpcEngine *e, MpcMaterial k)
{
    return k == MPC_MAT_TRIPLES ? &e->tri : k == MPC_MAT_RANDOMS ? &e->rnd : k == MPC_MAT_BITS ? &e->bit : NULL;
}

size_t mpc_material_width(MpcMaterial k) { return k == MPC_MAT_TRIPLES ? 3 : 1; }

size_t mpc_material_count(const MpcEngine *e, MpcMaterial k)
{
    Pool *p = material_pool((MpcEngine *)e, k);
    return p ? p->n : 0;
}

int mpc_material_import(MpcEngine *e, MpcMaterial k, const Fe *elems, size_t records)
{
    Pool *p = material_pool(e, k);
    if (!p) return mpc_fail(e, "unknown preprocessing kind %d", (int)k);
    if (records == 0) return 0;
    void *slot;
    if (pool_append(p, records, &slot) != 0) return mpc_fail(e, "out of memory");
    fe_copy(slot, elems, records * mpc_material_width(k));
    return 0;
}

int mpc_material_export(MpcEngine *e, MpcMaterial k, Fe **elems, size_t *records)
{
    Pool *p = material_pool(e, k);
    if (!p) return mpc_fail(e, "unknown preprocessing kind %d", (int)k);
    size_t n = p->n, w = mpc_material_width(k);
    *elems = NULL;
    *records = 0;
    if (!n) return 0;
    Fe *out = malloc(n * w * sizeof *out);
    if (!out) return mpc_fail(e, "out of memory");
    fe_copy(out, pool_head(p), n * w);
    pool_consume(p, n); /* wiped: the pool never hands these out again */
    *elems = out;
    *records = n;
    return 0;
}
