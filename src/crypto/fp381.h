/* fp381.h: the base field of BLS12-381 (p, 381 bits) and its quadratic
 * extension Fp2 = Fp[u]/(u^2 + 1), for the curve groups in bls12_381.c.
 *
 * An Fp is six 64-bit little-endian limbs in Montgomery form (a·2^384 mod
 * p), always fully reduced, so equality is limb equality.  Every operation
 * runs in time independent of the values (no value-dependent branches or
 * table indices; conditional subtraction by mask), except the functions
 * named _vartime, which are only for public data (decoding a received
 * point).  Exponents in fp_pow are public.  Outputs may alias inputs. */
#ifndef STOFFEL_CRYPTO_FP381_H
#define STOFFEL_CRYPTO_FP381_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t v[6];
} Fp;
typedef struct {
    Fp c0, c1;
} Fp2; /* c0 + c1·u */

extern const Fp fp_one_m; /* 1 in Montgomery form */

void fp_add(Fp *r, const Fp *a, const Fp *b);
void fp_sub(Fp *r, const Fp *a, const Fp *b);
void fp_neg(Fp *r, const Fp *a);
void fp_mul(Fp *r, const Fp *a, const Fp *b);
void fp_sqr(Fp *r, const Fp *a);
/* r = a^e, e public (6 limbs, little-endian). */
void fp_pow(Fp *r, const Fp *a, const uint64_t e[6]);
/* r = a^-1 (Fermat); the inverse of 0 is 0. */
void fp_inv(Fp *r, const Fp *a);
/* r = a square root of a (a^((p+1)/4)); returns 1 if a is a square, else 0
 * (r is then unspecified).  Constant time. */
int fp_sqrt(Fp *r, const Fp *a);
int fp_is_zero(const Fp *a);
int fp_equal(const Fp *a, const Fp *b);
/* r = cond ? b : a (cond 0 or 1). */
void fp_cmov(Fp *r, const Fp *a, const Fp *b, int cond);
/* 1 if the canonical value of a exceeds (p-1)/2, i.e. a > -a. */
int fp_lex_largest(const Fp *a);
void fp_from_u64(Fp *r, uint64_t v);
/* Canonical big-endian 48 bytes <-> Fp.  fp_from_be returns 0, or -1 if
 * the value is >= p.  fp_from_be_mod reduces any big-endian integer of up
 * to 64 bytes mod p. */
int fp_from_be(Fp *r, const uint8_t in[48]);
void fp_to_be(uint8_t out[48], const Fp *a);
void fp_from_be_mod(Fp *r, const uint8_t *in, size_t len);

void fp2_add(Fp2 *r, const Fp2 *a, const Fp2 *b);
void fp2_sub(Fp2 *r, const Fp2 *a, const Fp2 *b);
void fp2_neg(Fp2 *r, const Fp2 *a);
void fp2_mul(Fp2 *r, const Fp2 *a, const Fp2 *b);
void fp2_sqr(Fp2 *r, const Fp2 *a);
void fp2_inv(Fp2 *r, const Fp2 *a);
int fp2_is_zero(const Fp2 *a);
int fp2_equal(const Fp2 *a, const Fp2 *b);
void fp2_cmov(Fp2 *r, const Fp2 *a, const Fp2 *b, int cond);
/* Lexicographic order of (c1, c0) as zcash/arkworks define it: 1 if a > -a. */
int fp2_lex_largest(const Fp2 *a);
/* A square root of a public value; returns 1 if a is a square, else 0. */
int fp2_sqrt_vartime(Fp2 *r, const Fp2 *a);

#endif
