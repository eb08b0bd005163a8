/* compare.h: comparison and other non-linear operations on shared
 * integers, as constant-round protocols on top of the engine (docs/mpc.md
 * "Comparison and division").
 *
 * Every function works on a batch of n values at once: all values of a
 * batch travel in the same rounds, so the round count is the same for 1 or
 * 4096 values (larger batches are cut into chunks of MPC_CMP_CHUNK, one
 * after the other).  The protocols are Catrina and de Hoogh's (Mod2m,
 * Trunc, LTZ, EQZ) with the bitwise parts done by a log-depth carry tree,
 * and mask their inputs with random bits from preprocessing: an opened
 * value is x + 2^K + R with R uniform of K+1+MPC_KAPPA bits, statistically
 * hiding x (distance <= 2^-40).  Openings and multiplications are the
 * engine's robust ones, so results stay right with t parties sending wrong
 * shares.
 *
 * "x is K-bounded" means -2^K <= x < 2^K as an integer (a signed K-bit or
 * an unsigned K-bit value, or the difference of two of them).  K must be
 * at most MPC_CMP_MAX_BITS and K + MPC_KAPPA + 12 at most the field's bit
 * length.  Inputs outside the bound give wrong (but never revealing more)
 * results.  Results are shares; bits are 0/1 shares. */
#ifndef STOFFEL_MPC_COMPARE_H
#define STOFFEL_MPC_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpc/engine.h"

#define MPC_CMP_MAX_BITS 160
#define MPC_CMP_CHUNK ((size_t)4096)

typedef enum { MPC_CMP_LT, MPC_CMP_LE, MPC_CMP_GT, MPC_CMP_GE, MPC_CMP_EQ, MPC_CMP_NE } MpcCmpOp;

/* n shares of uniform random bits from preprocessing. */
int mpc_random_bits(MpcEngine *e, Fe *out, size_t n);

/* n shares of uniform random bits, each the XOR of t+1 checked bits dealt
 * by t+1 different parties (randint.c): t offline rounds and t triples per
 * bit, no square roots; needs every party (aborts otherwise). */
int mpc_random_bits_dealt(MpcEngine *e, Fe *out, size_t n);

/* n shares of bounded random integers: t+1 different parties deal B
 * random bits per value, checked to be bits; out[i] = the sum over those
 * dealers, < (t+1)·2^B, with a uniform B-bit term from the honest one
 * among them (randint.c).  3 rounds per
 * 1024 values, no square roots; needs every party (aborts otherwise). */
int mpc_random_bounded(MpcEngine *e, unsigned B, Fe *out, size_t n);

/* n values as mpc_random_bounded(e, B, ...) makes them, from a pool per B
 * that is refilled 1024 at a time (one dealing's rounds then serve many
 * calls): the high parts of masks (truncation, bit decomposition). */
int mpc_random_high(MpcEngine *e, unsigned B, Fe *out, size_t n);

/* The high parts H of n masks R = r' + 2^m·H of nb bits whose m low bits
 * the caller takes from the bit pool afterwards: dealt (mpc_random_high,
 * nb+1-m bits per dealer) or, when those run short and the bit pool holds
 * n·nb bits already, uniform (nb-m)-bit values from those bits.  So
 * material made ahead is used first, and an online phase whose bits were
 * preprocessed needs no dealing (which needs every party). */
int mpc_mask_high(MpcEngine *e, unsigned m, unsigned nb, Fe *hi, size_t n);

/* out[i] = [x[i] < 0], x K-bounded.  1 + ceil(log2(ceil(K/4))) online
 * rounds (5 for K = 64) and 2·ceil(K/4) - 1 - levels products (26: 22 of
 * them in pairs sharing an operand, 3 openings a pair, and 4 Beaver
 * multiplications) with masks made ahead (mpc_cmp_preprocess, or on
 * demand): K bits and 11·ceil(K/4) + 2·(pairs) multiplications each.
 * Batches below 256 values that find too few such masks made ahead use
 * masks of 2-bit blocks instead (one product a block, one more online
 * round; 84 instead of 198 offline products for K = 64), or of 3-bit
 * blocks where that saves a tree level over 2 (K = 17..24, 33..48; below
 * 16 bits always these small blocks). */
int mpc_ltz(MpcEngine *e, const Fe *x, size_t n, unsigned K, Fe *out);

/* Makes `count` masks for K-bounded [x < 0] ahead of time (K+41 bits and
 * 11·ceil(K/4) multiplications each, two offline rounds); mpc_ltz and the
 * lt/le/gt/ge comparisons use them, and make them in batches of at least
 * 64 on demand otherwise. */
int mpc_cmp_preprocess(MpcEngine *e, size_t count, unsigned K);

/* out[i] = [x[i] == 0], x K-bounded.  2 online rounds (a second masked
 * opening of the number of differing 4-bit blocks) and no online
 * multiplication, with masks made ahead (mpc_eqz_preprocess, or on
 * demand): K+1+κ + K2+1+κ bits and 11·ceil((K+1)/4) + 2^K2 - K2 - 1
 * multiplications each, K2 = bits(ceil((K+1)/4)) (for K = 64: 151 bits,
 * 202 multiplications). */
int mpc_eqz(MpcEngine *e, const Fe *x, size_t n, unsigned K, Fe *out);

/* Makes `count` masks for K-bounded [x == 0] ahead of time (three offline
 * rounds); mpc_eqz and the eq/ne comparisons use them, and make them in
 * batches of at least 64 on demand otherwise. */
int mpc_eqz_preprocess(MpcEngine *e, size_t count, unsigned K);

/* out[i] = [a[i] op b[i]] for k-bit values (signed or unsigned: both fit
 * the bound of their difference with K = k).  b may be NULL: compare with 0. */
int mpc_compare(MpcEngine *e, MpcCmpOp op, const Fe *a, const Fe *b, size_t n, unsigned k, Fe *out);

/* out[i] = x[i] mod 2^m (in [0, 2^m)), x K-bounded, 1 <= m <= K+1. */
int mpc_mod2m(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out);

/* out[i] = floor(x[i] / 2^m) exactly, x K-bounded, 1 <= m <= K+1. */
int mpc_trunc_exact(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out);

/* bits[i*m + j] = bit j of x[i] mod 2^m (two's complement for negative
 * x), x K-bounded, 1 <= m <= K+1.  1 + ceil(log2 m) rounds. */
int mpc_bit_decompose(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *bits);

/* out[i] = floor(x[i] / 2^m) or that + 1 (Catrina-Saxena TruncPr, the +1
 * with probability (x mod 2^m)/2^m), x K-bounded, m <= K+1.  One round. */
int mpc_trunc_pr(MpcEngine *e, const Fe *x, size_t n, unsigned K, unsigned m, Fe *out);

/* Floor division by a public d != 0: quot[i] = floor(x[i] / d),
 * rem[i] = x[i] - d·quot[i] (the sign of d, |rem| < |d|), x K-bounded with
 * K <= 64.  Either output may be NULL.  1 + (rounds of mpc_ltz on
 * bits(|d|)+1 bits) rounds. */
int mpc_div_public(MpcEngine *e, const Fe *x, size_t n, unsigned K, int64_t d, Fe *quot, Fe *rem);

/* out[i] = c[i] ? a[i] : b[i] for bits c.  One round, one multiplication. */
int mpc_select(MpcEngine *e, const Fe *c, const Fe *a, const Fe *b, size_t n, Fe *out);

/* Index (0-based, as a share) of the largest (want_max) or smallest of n
 * k-bit values; ties go to the lowest index.  *best, if given, receives
 * the extreme value.  ceil(log2 n) levels of one comparison round set and
 * one selection round. */
int mpc_arg_extreme(MpcEngine *e, const Fe *v, size_t n, unsigned k, bool want_max, Fe *index, Fe *best);

/* ---- fixed point (fixed_ops.c) ----------------------------------------------------
 * Values are v = x·2^f as signed k-bit integers (k <= 64).  Division
 * normalizes |b| to [2^(k-2), 2^(k-1)) with its bit decomposition and a
 * prefix OR, runs Newton's iteration for 1/b on the normalized value with
 * MPC_FIXED_NEWTON_BITS fractional bits, and scales back.  Error: the
 * result is within MPC_FIXED_DIV_REL_ERR·|a/b| + 3·2^-f of a/b (b != 0;
 * a/b out of the range is wrapped into k bits).  49 rounds. */
#define MPC_FIXED_NEWTON_BITS 52
#define MPC_FIXED_DIV_REL_ERR 0x1p-40

/* out = a / b for fixed-point shares a, b (n values, k total, f fractional bits). */
int mpc_fixed_div(MpcEngine *e, const Fe *a, const Fe *b, size_t n, unsigned k, unsigned f, Fe *out);
/* out = 1 / b (a = 1.0). */
int mpc_fixed_recip(MpcEngine *e, const Fe *b, size_t n, unsigned k, unsigned f, Fe *out);
/* out = sqrt(b) for b >= 0 (a negative b gives an unspecified value):
 * within MPC_FIXED_DIV_REL_ERR·sqrt(b) + 3·2^-f.  44 rounds. */
int mpc_fixed_sqrt(MpcEngine *e, const Fe *b, size_t n, unsigned k, unsigned f, Fe *out);
/* out = e^x, x clamped to [-33, 32] (k = 64, f <= 24): within
 * MPC_FIXED_EXP_REL_ERR·e^x + 3·2^-f.  43 rounds (49 for f > 16: wrapped). */
#define MPC_FIXED_EXP_REL_ERR 0x1p-28
int mpc_fixed_exp(MpcEngine *e, const Fe *x, size_t n, unsigned k, unsigned f, Fe *out);

/* ---- range checks (client inputs, docs/mpc.md "Client input ranges") -------------
 * lo <= x <= hi as integers (hi - lo < 2^65). */
typedef struct {
    int64_t lo;
    uint64_t hi;
} MpcRange;

/* ok[i] = 1 if x[i], which may be ANY field element (a malicious client's
 * input), is in range[i], else 0; the flags are public (opened), nothing
 * else about x[i] is revealed (statistical distance <= 2^-40).  Sound for
 * every field element: x - lo + R is opened for a bit-shared random R of
 * MPC_RANGE_MASK_BITS bits, and c - R in [0, hi - lo] is checked as two
 * comparisons of R's bits with public values, exact over the integers.
 * 8 online rounds per batch. */
#define MPC_RANGE_MASK_BITS (65 + MPC_KAPPA)
int mpc_check_ranges(MpcEngine *e, const Fe *x, size_t n, const MpcRange *range, uint8_t *ok);

/* Checks every client input (after mpc_collect_inputs) against range[i]
 * (inputs in the engine's order: client 0's first), or, with range NULL,
 * against the 64-bit range [-2^63, 2^64 - 1].  Fails naming the first
 * client and input outside its range; all parties agree on the outcome. */
int mpc_check_client_inputs(MpcEngine *e, const MpcRange *range);

/* Tests only: with on != 0 the mask bits of every engine in the process
 * are public pseudo-random bits (no preprocessing, NO privacy), so that
 * exhaustive correctness tests run in seconds.  Off by default. */
void mpc_cmp_test_public_bits(int on);

#endif
