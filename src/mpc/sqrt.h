/* sqrt.h: square roots in a prime field, for random bits by the
 * square-root trick (docs/mpc.md "Random bits").
 *
 * BLS12-381 Fr has 2-adicity 32 (BN254 Fr 28, ed25519 l 2), so the
 * p ≡ 3 (mod 4) shortcut a^((p+1)/4) does not apply to any built-in field.
 * The method is Tonelli–Shanks with its inner loop replaced by a table
 * discrete logarithm in the 2-Sylow subgroup (Pohlig–Hellman with 8-bit
 * digits, as in Sarkar's and Bernstein's variants): with p - 1 = 2^s·q,
 * b = a^q = c^e for the generator c = z^q (z a non-residue), e is found
 * digit by digit with about s²/16 squarings instead of about s²/2, and
 * √a = a^((q+1)/2) · c^(-e/2).  Inputs are opened (public) values, so the
 * code branches on them. */
#ifndef STOFFEL_MPC_SQRT_H
#define STOFFEL_MPC_SQRT_H

#include "mpc/field.h"

typedef struct {
    const Field *f;
    unsigned s;         /* p - 1 = 2^s · q, q odd */
    unsigned w, nwin;   /* digit width (<= 8) and number of digits of e */
    uint64_t q_half[4]; /* (q - 1) / 2 */
    uint64_t p_half[4]; /* (p - 1) / 2: canonical roots are <= this */
    Fe c;               /* z^q: generates the 2-Sylow subgroup */
    Fe *neg;            /* nwin × 2^w: c^(-j·2^(w·k)) at [k·2^w + j] */
    Fe *lut;            /* 2^w powers g^j, g = c^(2^(s-w)), sorted by limb 0 */
    uint16_t *lut_j;    /* the exponent j of each lut entry */
} FeSqrt;

/* Precomputes the constants for f; -1 if no small non-residue is found (p
 * not an odd prime) or no memory. */
int fe_sqrt_init(FeSqrt *ctx, const Field *f);
void fe_sqrt_free(FeSqrt *ctx);
/* r = the square root of a whose canonical integer is <= (p-1)/2 (so every
 * party picks the same root); 0, or -1 if a is not a square (r = 0). */
int fe_sqrt(const FeSqrt *ctx, Fe *r, const Fe *a);
/* r[i] = fe_sqrt(a[i]) for n values, the exponentiation and the
 * squarings of the digit search as batch calls (field.h): about 4x less
 * time per root than one at a time with AVX-512 IFMA.  Returns 0, or -1 if
 * some a[i] is not a square (that r[i] is 0, the others are set).  r may
 * alias a. */
int fe_sqrt_batch(const FeSqrt *ctx, Fe *r, const Fe *a, size_t n);
/* 1 if r is the root fe_sqrt would give for a (r² = a and r canonical):
 * two multiplications, for checking a root computed by someone else. */
int fe_sqrt_check(const FeSqrt *ctx, const Fe *r, const Fe *a);

#endif
