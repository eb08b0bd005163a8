/* shamir.h: Shamir secret sharing over a Field (spec/mpc.md §3.1, §8.1).
 *
 * Party i (0-based) holds f(x_i) with x_i = i + 1: plain integers, no FFT
 * domain, so any n up to SHAMIR_MAX_PARTIES works in every field (upstream's
 * ω^i points limit curve25519 to n <= 12).  The secret is f(0).
 *
 * Local operations on shares of the same degree are plain field operations
 * (fe_add, fe_sub, fe_mul by a public constant); the product of two degree-d
 * shares is a degree-2d share.  A public constant c is the degree-0 sharing
 * in which every share is c.
 *
 * Functions returning int give 0 on success and -1 on bad arguments (zero
 * or too many points, a party index out of range, duplicate parties, or a
 * field too small for the evaluation points to be distinct).  Working
 * storage is on the stack (up to four arrays of SHAMIR_MAX_PARTIES
 * elements, 32 KiB); nothing allocates. */
#ifndef STOFFEL_MPC_SHAMIR_H
#define STOFFEL_MPC_SHAMIR_H

#include "core/config.h"
#include "mpc/field.h"

/* Party indices fit in 8 bits on the wire (spec/mpc.md §3.0). */
#define SHAMIR_MAX_PARTIES ST_MAX_PARTIES

/* x = party + 1, the evaluation point of a 0-based party index. */
void shamir_point(const Field *f, Fe *x, unsigned party);

/* Shares a secret with a fresh uniformly random polynomial of the given
 * degree (f(0) = secret): shares[i] = f(i+1) for i < n.  If coeffs is not
 * NULL it receives the degree+1 coefficients (constant term first);
 * otherwise they are wiped.  degree < SHAMIR_MAX_PARTIES, 1 <= n <=
 * SHAMIR_MAX_PARTIES. */
int shamir_share(const Field *f, const Fe *secret, unsigned degree, unsigned n, Fe *shares, Fe *coeffs);

/* The degree-0 sharing of a public value: every share is the value. */
void shamir_share_public(const Fe *value, unsigned n, Fe *shares);

/* out = Σ coeffs[j]·x^j (Horner).  ncoeffs may be 0 (out = 0). */
void shamir_poly_eval(const Field *f, Fe *out, const Fe *coeffs, unsigned ncoeffs, const Fe *x);

/* Lagrange weights for evaluating at z: w[j] such that
 * g(z) = Σ w[j]·g(x_{parties[j]}) for every g of degree < k.  Precompute
 * them once per reconstruction set; combining is then k multiplications. */
int shamir_lagrange_weights(const Field *f, const unsigned *parties, unsigned k, const Fe *z, Fe *w);
int shamir_lagrange_at_zero(const Field *f, const unsigned *parties, unsigned k, Fe *w);
/* The same for many evaluation points, each a small integer zs[m] < 2^32:
 * w[m*k + j].  The denominators are shared, so this is O(k^2 + nz*k)
 * rather than nz calls of O(k^2). */
int shamir_lagrange_weights_small(const Field *f, const unsigned *parties, unsigned k, const uint64_t *zs, unsigned nz,
                                  Fe *w);

/* out = Σ w[j]·vals[j]. */
void shamir_combine(const Field *f, Fe *out, const Fe *w, const Fe *vals, unsigned k);

/* The value at 0 of the polynomial of degree < k through the k points
 * (x_{parties[j]}, shares[j]).  No consistency check: any k shares give
 * an answer; robust.h is the API for shares that may be wrong. */
int shamir_interpolate_at_zero(const Field *f, const unsigned *parties, const Fe *shares, unsigned k, Fe *secret);

/* Coefficients (k of them, constant term first) of the polynomial of
 * degree < k through the k points; O(k^2). */
int shamir_interpolate_coeffs(const Field *f, const unsigned *parties, const Fe *vals, unsigned k, Fe *coeffs);

/* The coefficient matrix of the Lagrange basis for a point set: row j holds
 * the k coefficients of L_j (L_j(x_{parties[i]}) = [i == j]), so
 * coeffs = Σ_j vals[j]·row_j.  basis has k*k elements. */
int shamir_lagrange_basis(const Field *f, const unsigned *parties, unsigned k, Fe *basis);

#endif
