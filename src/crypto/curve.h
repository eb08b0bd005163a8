/* curve.h: upstream's MPC curve names (MpcCurveConfig) and the scalar-field
 * conversions the Crypto.* builtins share.
 *
 * Field elements cross the VM boundary in arkworks' CanonicalSerialize
 * form: 32 bytes, the canonical value little-endian. */
#ifndef STOFFEL_CRYPTO_CURVE_H
#define STOFFEL_CRYPTO_CURVE_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/group.h"
#include "mpc/field.h"

typedef struct {
    const char *name;    /* canonical name: "bls12-381", "p-256", ... */
    const Field *scalar; /* the scalar field (group order) */
    int hash_le;         /* hash_to_field reads the bytes little-endian (25519) */
    const Group *group;  /* the curve's native group; NULL for curve25519 */
} CryptoCurve;

/* Parses a curve name as upstream does (trimmed, case-insensitive, with
 * its aliases: bls12_381, bls12381, curve-25519, ed-25519, secp256-k1,
 * p256, nist-p256, secp256r1, secp256-r1).  NULL if unknown. */
const CryptoCurve *crypto_curve_by_name(const char *name);

/* Upstream's message for an unknown name (written to buf). */
void crypto_curve_unknown(char *buf, size_t len, const char *name);

/* r = the big-endian integer in[0..len) mod the field's modulus (any
 * length): arkworks' from_be_bytes_mod_order. */
void crypto_field_from_be_mod(const Field *f, Fe *r, const uint8_t *in, size_t len);

/* arkworks' deserialize_compressed of a field element: reads the first 32
 * bytes (more are ignored, as upstream reads from a slice); returns 0, or
 * -1 with upstream's reason in err for a short input or a value >= p. */
int crypto_field_decode(const Field *f, Fe *r, const uint8_t *in, size_t len, char *err, size_t errlen);

/* Upstream's text for a read past the end of the input (std::io::Error). */
#define CRYPTO_ERR_EOF "I/O error: Error { kind: UnexpectedEof, message: \"failed to fill whole buffer\" }"
#define CRYPTO_ERR_INVALID "the input buffer contained invalid data"

#endif
