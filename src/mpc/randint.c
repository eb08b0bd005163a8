/* randint.c: shares of uniformly random bounded integers (Share.random_int),
 * built from the preprocessed random bits, so no party learns the value and
 * no online round is needed once the bits exist. */
#include "mpc/compare.h"
#include "mpc/engine_internal.h"

#include <sodium.h>
#include <stdlib.h>

/* Bits are taken this many values at a time, so the pool stays small. */
#define RANDINT_CHUNK ((size_t)4096)

int mpc_random_int(MpcEngine *e, unsigned bits, Fe *out, size_t n)
{
    const Field *f = e->f;
    if (bits == 0 || bits > 64) return mpc_fail(e, "mpc_random_int: bit width %u is not between 1 and 64", bits);
    if (n && !out) return mpc_fail(e, "mpc_random_int: missing array");
    while (n) {
        size_t chunk = n < RANDINT_CHUNK ? n : RANDINT_CHUNK;
        if (ensure_bits(e, chunk * bits) != 0) return -1;
        const Fe *b = pool_head(&e->bit);
        for (size_t i = 0; i < chunk; i++) {
            const Fe *bi = b + i * bits;
            Fe acc;
            fe_zero(&acc);
            /* Horner over the low bits (at most 63): additions only */
            unsigned low = bits < 64 ? bits : 63;
            for (unsigned j = low; j-- > 0;) {
                fe_add(f, &acc, &acc, &acc);
                fe_add(f, &acc, &acc, &bi[j]);
            }
            if (bits == 64) {
                /* two's complement: the top bit weighs -2^63, so the value
                 * is uniform over the whole int64 range */
                Fe top, w;
                fe_from_i64(f, &w, INT64_MIN);
                fe_mul(f, &top, &bi[63], &w);
                fe_add(f, &acc, &acc, &top);
            }
            out[i] = acc;
        }
        pool_consume(&e->bit, chunk * bits);
        e->st.bits_used += chunk * bits;
        out += chunk;
        n -= chunk;
    }
    return 0;
}

/* ---- bounded random integers from dealt bits -------------------------------
 *
 * out[i] = Σ_D Σ_{j<B} 2^j·b_{D,i,j} over t+1 different dealers D, each
 * dealing B random bits per value as degree-t sharings, so out[i] <
 * (t+1)·2^B, and the honest dealer's part is uniform in [0, 2^B) and
 * unknown to the others.  Used as the high
 * part of a mask (compare.c): there only the low bits must be known
 * bitwise, and the high part needs to be bounded (so the masked opening
 * cannot wrap) and to contain one uniform B-bit term (statistical hiding);
 * no square root per bit.
 *
 * A cheating dealer is caught with a random linear combination, ρ fixed
 * after every dealing (a hash of every party's seed, sent only once all
 * dealings are in): each party sends, per dealer D, y_D = m_D + Σ ρ^(k+1)·s_k
 * and z_D = o_D + Σ ρ^(k+1)·(s_k² − s_k) on its shares s_k of D's sharings,
 * m_D a random degree-t and o_D a random degree-2t sharing of 0 dealt by D
 * as masks.  The y_D must lie on a degree-t polynomial (D's sharings are
 * consistent) and the z_D on a degree-2t one through 0 (every dealt value
 * is a bit), except with probability about (values·B)/p (Schwartz-Zippel).
 * Like all preprocessing this needs every party and aborts naming the
 * dealer (or a party lying in the check: secure with abort). */

#define BOUNDED_CHUNK ((size_t)1024)

/* A degree-d sharing of `secret` with the random higher coefficients c[0..d):
 * n shares at x = xs[j] = j+1 (Horner; for d = 1 the shares are
 * secret + (j+1)·c, additions only). */
static void deal_secret(const MpcEngine *e, const Fe *secret, const Fe *c, unsigned d, const Fe *xs, Fe *sh)
{
    const Field *f = e->f;
    if (d == 1) {
        Fe acc;
        fe_add(f, &acc, secret, &c[0]);
        for (unsigned j = 0; j < e->n; j++) {
            sh[j] = acc;
            fe_add(f, &acc, &acc, &c[0]);
        }
        sodium_memzero(&acc, sizeof acc);
        return;
    }
    for (unsigned j = 0; j < e->n; j++) {
        Fe acc = c[d - 1];
        for (unsigned k = d; k-- > 0;) {
            fe_mul(f, &acc, &acc, &xs[j]);
            fe_add(f, &acc, &acc, k ? &c[k - 1] : secret);
        }
        sh[j] = acc;
    }
}

/* The challenge: a hash of every party's 32-byte seed, in party order. */
static int bounded_seed(MpcEngine *e, uint64_t deal_seq, Fe *rho)
{
    uint64_t seq = e->seq[MK_SEED]++;
    uint8_t msg[MPC_HDR + MPC_ELEM];
    wire_put_hdr(msg, MK_SEED, 1, e->instance, seq);
    randombytes_buf(msg + MPC_HDR, MPC_ELEM);
    if (send_parties(e, msg, sizeof msg) != 0) return -1;
    gather_begin(e, MK_SEED, seq, 1, false);
    int rc = gather_all_parties(e, "bounded random integers");
    if (rc == 0) {
        static const char dom[] = "stoffel-mpc bounded integers check v1";
        uint8_t h[64];
        uint64_t ids[2] = { e->instance, deal_seq };
        crypto_generichash_state st;
        crypto_generichash_init(&st, NULL, 0, sizeof h);
        crypto_generichash_update(&st, (const uint8_t *)dom, sizeof dom);
        crypto_generichash_update(&st, (const uint8_t *)ids, sizeof ids);
        for (unsigned j = 0; j < e->n; j++)
            crypto_generichash_update(&st, j == e->self ? msg + MPC_HDR : e->g.buf[j] + MPC_HDR, MPC_ELEM);
        crypto_generichash_final(&st, h, sizeof h);
        fe_reduce64(e->f, rho, h);
    }
    gather_end(e, false);
    return rc;
}

/* 1 if vals[0..n) lie on one polynomial of degree `which` ? 2t : t (the
 * engine's check weights); *at0 receives its value at 0. */
static int on_degree(const MpcEngine *e, int which, const Fe *vals, Fe *at0)
{
    unsigned k = (which ? 2 * e->t : e->t) + 1;
    int ok = 1;
    for (unsigned j = k; j < e->n; j++) {
        Fe y;
        shamir_combine(e->f, &y, e->chk_w[which] + (size_t)(j - k) * k, vals, k);
        ok &= fe_equal(&y, &vals[j]);
    }
    shamir_combine(e->f, at0, e->chk_l0[which], vals, k);
    return ok;
}

/* Every party's dealt and checked bits: row[d][k] is this party's share of
 * party d's k-th bit.  The buffers behind the rows are wiped on release. */
typedef struct {
    size_t nb, seg;
    uint8_t *mine;
    uint8_t *got[SHAMIR_MAX_PARTIES];
    const Fe *row[SHAMIR_MAX_PARTIES];
} Dealt;

static void dealt_free(const MpcEngine *e, Dealt *dl)
{
    for (unsigned j = 0; j < e->n; j++)
        if (dl->got[j]) {
            sodium_memzero(dl->got[j], dl->seg);
            free(dl->got[j]);
        }
    if (dl->mine) sodium_memzero(dl->mine, e->n * dl->seg);
    free(dl->mine);
    memset(dl, 0, sizeof *dl);
}

/* chk[2d] = Σ_k ρ^(k+1)·s_k and chk[2d+1] = Σ_k ρ^(k+1)·(s_k² − s_k) over
 * dealer d's nb shares s_k: the powers once for all dealers, the products
 * as batches (IFMA where the CPU has it) instead of three dependent
 * products per share in a Horner chain. */
#define CHECK_BLOCK 256

static void check_sums(const MpcEngine *e, const Fe *const *row, size_t nb, const Fe *rho, Fe *chk)
{
    const Field *f = e->f;
    Fe pw[CHECK_BLOCK], prod[CHECK_BLOCK], u[CHECK_BLOCK], cur = *rho;
    for (unsigned d = 0; d < 2 * e->n; d++) fe_zero(&chk[d]);
    for (size_t k0 = 0; k0 < nb; k0 += CHECK_BLOCK) {
        size_t len = nb - k0 < CHECK_BLOCK ? nb - k0 : CHECK_BLOCK;
        for (size_t i = 0; i < len; i++) {
            pw[i] = cur;
            fe_mul(f, &cur, &cur, rho);
        }
        for (unsigned d = 0; d < e->n; d++) {
            const Fe *s = row[d] + k0;
            fe_mul_batch(f, prod, pw, s, len);
            fe_sqr_batch(f, u, s, len);
            for (size_t i = 0; i < len; i++) {
                fe_add(f, &chk[2 * d], &chk[2 * d], &prod[i]);
                fe_sub(f, &u[i], &u[i], &s[i]);
            }
            fe_mul_batch(f, u, u, pw, len);
            for (size_t i = 0; i < len; i++) fe_add(f, &chk[2 * d + 1], &chk[2 * d + 1], &u[i]);
        }
    }
    sodium_memzero(prod, sizeof prod);
    sodium_memzero(u, sizeof u);
}

/* Every party deals nb random bits, then the check above: on success
 * dl->row[d] holds the shares of party d's bits. */
static int deal_checked(MpcEngine *e, size_t nb, Dealt *dl)
{
    const Field *f = e->f;
    unsigned n = e->n;
    size_t count = nb + 2, seg = MPC_HDR + count * MPC_ELEM;
    memset(dl, 0, sizeof *dl);
    dl->nb = nb;
    dl->seg = seg;
    uint64_t seq = e->seq[MK_DEAL]++;
    uint8_t *mine = dl->mine = malloc(n * seg), *bits = malloc(nb / 8 + 1);
    Fe *chk = malloc(2 * (size_t)n * sizeof *chk), *own = malloc(2 * (size_t)n * sizeof *own);
    /* every sharing's random coefficients in one keystream call: t per
     * value, 2t for o_D (the last), then m_D's secret */
    size_t ncoef = count * e->t + e->t + 1;
    Fe *coef = malloc(ncoef * sizeof *coef);
    const Fe **row = dl->row;
    int rc = (mine && bits && chk && own && coef) ? 0 : mpc_fail(e, "out of memory");
    Fe sh[SHAMIR_MAX_PARTIES], xs[SHAMIR_MAX_PARTIES], zero, one;
    fe_zero(&zero);
    fe_one(f, &one);
    for (unsigned j = 0; j < n; j++) fe_from_u64(f, &xs[j], (uint64_t)j + 1);
    if (rc == 0) {
        randombytes_buf(bits, nb / 8 + 1);
        prg_fe(e, coef, ncoef);
        for (unsigned j = 0; j < n; j++) wire_put_hdr(mine + j * seg, MK_DEAL, (uint32_t)count, e->instance, seq);
        for (size_t k = 0; k < count; k++) {
            Fe s;
            if (k < nb)
                s = (bits[k / 8] >> (k % 8)) & 1 ? one : zero;
            else
                s = coef[ncoef - 1]; /* m_D: random (o_D's secret is 0) */
            if (k == 0 && e->test_fault == TEST_BAD_DEAL) fe_add(f, &s, &one, &one); /* tests: a 2, not a bit */
            if (k == nb + 1) s = zero;                                               /* o_D: degree 2t, secret 0 */
            deal_secret(e, &s, coef + k * e->t, k == nb + 1 ? 2 * e->t : e->t, xs, sh);
            for (unsigned j = 0; j < n; j++) ((Fe *)(void *)(mine + j * seg + MPC_HDR))[k] = sh[j];
        }
        sodium_memzero(sh, sizeof sh);
        sodium_memzero(bits, nb / 8 + 1);
    }
    if (coef) sodium_memzero(coef, ncoef * sizeof *coef);
    free(coef);
    for (unsigned j = 0; rc == 0 && j < n; j++) {
        if (j == e->self) continue;
        wire_limbs_to_le((Fe *)(void *)(mine + j * seg + MPC_HDR), count);
        rc = send_node(e, j, mine + j * seg, seg);
        sodium_memzero(mine + j * seg + MPC_HDR, count * MPC_ELEM);
    }
    if (rc == 0) {
        gather_begin(e, MK_DEAL, seq, (uint32_t)count, true);
        rc = gather_all_parties(e, "bounded random integers");
        for (unsigned j = 0; rc == 0 && j < n; j++) {
            dl->got[j] = j == e->self ? NULL : gather_take(e, j);
            row[j] = j == e->self ? (const Fe *)(const void *)(mine + j * seg + MPC_HDR)
                                  : (const Fe *)(const void *)(dl->got[j] + MPC_HDR);
        }
        gather_end(e, true);
    }
    Fe rho;
    if (rc == 0) rc = bounded_seed(e, seq, &rho);
    if (rc == 0) check_sums(e, row, nb, &rho, chk);
    for (unsigned d = 0; rc == 0 && d < n; d++) {
        fe_add(f, &chk[2 * d], &chk[2 * d], &row[d][nb]);
        fe_add(f, &chk[2 * d + 1], &chk[2 * d + 1], &row[d][nb + 1]);
    }
    if (rc == 0) {
        uint64_t cseq = e->seq[MK_CHECK]++;
        Fe *m = msg_begin(e, MK_CHECK, cseq, 2 * (size_t)n);
        if (!m) rc = mpc_fail(e, "out of memory");
        if (rc == 0) {
            memcpy(m, chk, 2 * (size_t)n * sizeof *m);
            memcpy(own, chk, 2 * (size_t)n * sizeof *own);
            wire_limbs_to_le(m, 2 * (size_t)n);
            rc = send_parties(e, e->sbuf, MPC_HDR + 2 * (size_t)n * MPC_ELEM);
        }
        if (rc == 0) {
            gather_begin(e, MK_CHECK, cseq, 2 * (uint32_t)n, true);
            rc = gather_all_parties(e, "bounded random integers");
        }
        for (unsigned d = 0; rc == 0 && d < n; d++) {
            Fe vy[SHAMIR_MAX_PARTIES], vz[SHAMIR_MAX_PARTIES], a0, z0;
            for (unsigned j = 0; j < n; j++) {
                const Fe *r = j == e->self ? own : gather_row(e, j);
                vy[j] = r[2 * d];
                vz[j] = r[2 * d + 1];
            }
            int dy = on_degree(e, 0, vy, &a0), dz = on_degree(e, 1, vz, &z0);
            if (!(dy & dz) || !fe_is_zero(&z0))
                rc = mpc_fail(e,
                              "bounded random integers (deal %llu): party %u dealt inconsistent sharings or "
                              "non-bits (or a party lied in the check)",
                              (unsigned long long)seq, d);
        }
        gather_end(e, false);
    }
    free(bits);
    free(chk);
    free(own);
    if (rc != 0) dealt_free(e, dl);
    return rc;
}

/* One chunk: deal and check, then sum t+1 dealers' B bits per value.  One
 * of any t+1 parties is honest, so t+1 terms hide as well as n and keep
 * the value smaller: group g = i(t+1)+j of B bits is dealer g mod n's
 * group g div n (t+1 consecutive groups, t+1 different dealers; every
 * party deals the same number). */
static int bounded_chunk(MpcEngine *e, unsigned B, Fe *out, size_t cnt)
{
    const Field *f = e->f;
    unsigned n = e->n, t = e->t;
    Dealt dl;
    if (deal_checked(e, (cnt * (t + 1) + n - 1) / n * B, &dl) != 0) return -1;
    for (size_t i = 0; i < cnt; i++) {
        Fe acc;
        fe_zero(&acc);
        for (unsigned d = 0; d <= t; d++) {
            size_t g = i * (t + 1) + d;
            const Fe *bits = dl.row[g % n] + g / n * B;
            Fe part;
            fe_zero(&part);
            for (unsigned j = B; j-- > 0;) {
                fe_add(f, &part, &part, &part);
                fe_add(f, &part, &part, &bits[j]);
            }
            fe_add(f, &acc, &acc, &part);
        }
        out[i] = acc;
    }
    dealt_free(e, &dl);
    return 0;
}

int mpc_random_bounded(MpcEngine *e, unsigned B, Fe *out, size_t n)
{
    if (B == 0 || B > 200) return mpc_fail(e, "mpc_random_bounded: bit width %u is not between 1 and 200", B);
    if (n && !out) return mpc_fail(e, "mpc_random_bounded: missing array");
    for (size_t i = 0; i < n; i += BOUNDED_CHUNK)
        if (bounded_chunk(e, B, out + i, n - i < BOUNDED_CHUNK ? n - i : BOUNDED_CHUNK) != 0) return -1;
    return 0;
}

/* ---- random bits as the XOR of dealt bits -----------------------------------
 *
 * Bit i is the XOR of t+1 checked bits dealt by t+1 different parties
 * (a XOR b = a + b - 2ab: t Beaver multiplications, t offline rounds).  At
 * most t parties are corrupt, so one of the t+1 is honest; its bit is
 * uniform, and the others' bits are independent of it: every party dealt
 * in the same round, and before its own dealing a corrupt dealer holds at
 * most t shares of a degree-t sharing, which say nothing.  The check (ρ
 * drawn after every dealing arrived) makes each dealt value a bit, so the
 * XOR is a uniform bit no party knows.  No square root and no opening of
 * a square: docs/mpc.md "Random bits from dealt bits".  Slot g = i(t+1)+j
 * of the dealt bits is dealer g mod n's bit g div n: t+1 consecutive slots
 * have t+1 different dealers, and every party deals the same number. */
#define XOR_CHUNK ((size_t)8192)

static int xor_chunk(MpcEngine *e, Fe *out, size_t M)
{
    const Field *f = e->f;
    unsigned n = e->n, t = e->t;
    Dealt dl;
    if (deal_checked(e, (M * (t + 1) + n - 1) / n, &dl) != 0) return -1;
    Fe *y = malloc(M * sizeof *y), *z = malloc(M * sizeof *z);
    int rc = (y && z) ? 0 : mpc_fail(e, "out of memory");
    for (size_t i = 0; rc == 0 && i < M; i++) out[i] = dl.row[(i * (t + 1)) % n][(i * (t + 1)) / n];
    for (unsigned j = 1; rc == 0 && j <= t; j++) {
        for (size_t i = 0; i < M; i++) {
            size_t g = i * (t + 1) + j;
            y[i] = dl.row[g % n][g / n];
        }
        rc = round_internal(e, NULL, 0, NULL, out, y, M, z, false);
        for (size_t i = 0; rc == 0 && i < M; i++) {
            fe_add(f, &out[i], &out[i], &y[i]);
            fe_sub(f, &out[i], &out[i], &z[i]);
            fe_sub(f, &out[i], &out[i], &z[i]);
        }
    }
    if (y) sodium_memzero(y, M * sizeof *y);
    if (z) sodium_memzero(z, M * sizeof *z);
    free(y);
    free(z);
    dealt_free(e, &dl);
    return rc;
}

int mpc_random_bits_dealt(MpcEngine *e, Fe *out, size_t n)
{
    if (n && !out) return mpc_fail(e, "mpc_random_bits_dealt: missing array");
    for (size_t i = 0; i < n; i += XOR_CHUNK) {
        size_t c = n - i < XOR_CHUNK ? n - i : XOR_CHUNK;
        if (xor_chunk(e, out + i, c) != 0) return -1;
    }
    return 0;
}
