/* group.h: prime-order elliptic-curve groups behind one interface.
 *
 * Groups (names as upstream's Share.open_exp takes them, see group_by_name):
 *   bls12-381-g1, bls12-381-g2   hand-written (fp381.c, bls12_381.c)
 *   bn254-g1                     hand-written (bn254.c, over mpc/field.h)
 *   ed25519-edwards              libsodium's crypto_core_ed25519_* point functions
 *   secp256k1                    libsecp256k1
 *   p-256                        OpenSSL 3's EC API
 *
 * A GroupPoint is opaque storage big enough for every group's point; only
 * the Group that made it may read it.  Points are always valid elements of
 * the prime-order group: decode checks the encoding, the curve equation and
 * subgroup membership, and everything else keeps points in the group.
 *
 * Scalars are 32-byte little-endian integers (any value; the result is the
 * multiple by the value mod the group order).  `mul` and `mul_base` are
 * constant time in the scalar and the point (the hand-written groups use a
 * fixed 4-bit window and full-table scans; the library groups inherit their
 * libraries' guarantees: libsodium and libsecp256k1 are constant time,
 * OpenSSL's P-256 uses its constant-time ladder for secret scalars).
 *
 * Two encodings per group:
 *   - the standard one (`encode`/`decode`): zcash/IETF compressed for
 *     BLS12-381 (48-byte G1, 96-byte G2, flag bits in the first byte),
 *     RFC 8032 for ed25519, SEC1 for secp256k1 and P-256, arkworks' for
 *     bn254-g1 (it has no other common compressed form);
 *   - upstream's (`encode_ark`/`decode_ark`): arkworks' CanonicalSerialize
 *     compressed form, the bytes upstream's builtins exchange.  For
 *     BLS12-381 it is the standard one.
 *
 * Functions returning int return 0 on success and -1 on failure; decoders
 * then write a reason ("not on the curve", "not in the prime-order
 * subgroup", ...) into err (errlen bytes, may be 0).  All functions are
 * thread-safe (fixed-base tables are built once, under pthread_once).
 *
 * Example: a public key pk = sk·G and its upstream encoding, and checking
 * a received point:
 *
 *     const Group *g = group_by_name("bls12-381-g1");
 *     GroupPoint pk, q;
 *     uint8_t sk[32], enc[GROUP_MAX_ENC];
 *     char err[128];
 *     fe_to_bytes(g->scalar_field, sk, &secret);    (an Fe of the scalar field)
 *     g->mul_base(&pk, sk);
 *     g->encode_ark(&pk, enc);                      (g->ark_len bytes)
 *     if (g->decode_ark(&q, bytes, len, err, sizeof err) != 0) ... err says why */
#ifndef STOFFEL_CRYPTO_GROUP_H
#define STOFFEL_CRYPTO_GROUP_H

#include <stddef.h>
#include <stdint.h>

#include "mpc/field.h"

typedef struct {
    uint64_t w[36];
} GroupPoint;

#define GROUP_MAX_ENC 193 /* longest encoding (BLS12-381 G2 uncompressed + 1) */

typedef struct Group Group;
struct Group {
    const char *name;            /* upstream's name, e.g. "bls12-381-g1" */
    const Field *scalar_field;   /* Z/r for the group order r (as an mpc Field) */
    size_t enc_len;              /* standard compressed encoding */
    size_t enc_uncompressed_len; /* standard uncompressed encoding (0 = none) */
    size_t ark_len;              /* upstream's (arkworks compressed) encoding */

    void (*identity)(GroupPoint *r);
    void (*generator)(GroupPoint *r);
    int (*add)(GroupPoint *r, const GroupPoint *a, const GroupPoint *b);
    int (*neg)(GroupPoint *r, const GroupPoint *a);
    /* r = k·p (variable base) and r = k·generator (fixed base). */
    int (*mul)(GroupPoint *r, const GroupPoint *p, const uint8_t k[32]);
    int (*mul_base)(GroupPoint *r, const uint8_t k[32]);
    int (*equal)(const GroupPoint *a, const GroupPoint *b); /* 0/1 */
    int (*is_identity)(const GroupPoint *a);                /* 0/1 */

    /* Standard encoding; decode takes the compressed or (where there is
     * one) the uncompressed form, told apart by length. */
    int (*encode)(const GroupPoint *p, uint8_t *out);
    int (*encode_uncompressed)(const GroupPoint *p, uint8_t *out);
    int (*decode)(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen);
    int (*encode_ark)(const GroupPoint *p, uint8_t *out);
    int (*decode_ark)(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen);

    /* Upstream's hash to the group, or NULL where upstream has none. */
    int (*hash_to_group)(GroupPoint *r, const uint8_t *msg, size_t len, char *err, size_t errlen);

    /* r = k·p for a PUBLIC scalar k (little-endian, klen <= 32 bytes, not
     * reduced), in variable time: faster for short k.  NULL where the group
     * has none; group_mul_public falls back to mul. */
    int (*mul_vartime)(GroupPoint *r, const GroupPoint *p, const uint8_t *k, size_t klen);
};

/* r = k·p for a public scalar (little-endian, klen <= 32): the group's
 * mul_vartime if it has one, else its mul. */
int group_mul_public(const Group *g, GroupPoint *r, const GroupPoint *p, const uint8_t *k, size_t klen);

/* The form the MPC protocols send points in between parties: the
 * uncompressed encoding where the group has one (the receiver then needs no
 * square root), else the standard one.  group_wire_decode checks the point
 * as decode does. */
size_t group_wire_len(const Group *g);
int group_wire_encode(const Group *g, const GroupPoint *p, uint8_t *out);
int group_wire_decode(const Group *g, GroupPoint *r, const uint8_t *in, char *err, size_t errlen);

extern const Group group_bls12_381_g1;
extern const Group group_bls12_381_g2;
extern const Group group_bn254_g1;
extern const Group group_ed25519;
extern const Group group_secp256k1;
extern const Group group_p256;

/* Upstream's group names (MpcExponentGroup): bls12-381-g1, bls12-381-g2,
 * bn254-g1, ed25519-edwards, secp256k1 (also secp256k1-g, secp256k1-g1),
 * p-256 (also p256, nist-p256, secp256r1, secp256r1-g, secp256r1-g1);
 * case-insensitive, surrounding blanks ignored.  NULL if unknown (and for
 * curve25519-edwards, which this implementation does not offer). */
const Group *group_by_name(const char *name);

/* The scalar fields of secp256k1 and P-256 (group orders), for the Crypto.*
 * builtins; the others are in mpc/field.h. */
extern const Field field_secp256k1_n;
extern const Field field_p256_n;

/* Reduces a little-endian integer of up to 64 bytes mod the group order
 * into the canonical 32-byte scalar the group functions take. */
void group_scalar_reduce(const Group *g, uint8_t out[32], const uint8_t *in, size_t len);

/* Helpers for implementations: format an error (returns -1), reverse
 * bytes (out may equal in). */
int group_fail(char *err, size_t errlen, const char *msg);
void group_reverse(uint8_t *out, const uint8_t *in, size_t n);

/* arkworks' compressed form of a point of a SEC1 group (secp256k1, P-256):
 * x little-endian (32 bytes), then a byte whose bit 7 says y > -y and bit
 * 6 the point at infinity.  half_p is (p-1)/2 big-endian. */
int group_sec1_encode_ark(const Group *g, const GroupPoint *p, const uint8_t half_p[32], uint8_t out[33]);
int group_sec1_decode_ark(const Group *g, GroupPoint *r, const uint8_t *in, size_t len, const uint8_t half_p[32],
                          char *err, size_t errlen);

#endif
