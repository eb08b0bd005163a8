/* ed25519.c: the prime-order subgroup of edwards25519 through libsodium's
 * point functions (group.h).  A point is stored as its canonical RFC 8032
 * encoding.  libsodium refuses the identity in scalar multiplication and
 * validity checks, so the identity (encoding 01 00 .. 00) is handled here. */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "crypto/group.h"

typedef struct {
    uint8_t enc[32];
} EdP;

static const uint8_t ED_IDENTITY[32] = { 1 };

static int is_ident(const uint8_t enc[32]) { return sodium_memcmp(enc, ED_IDENTITY, 32) == 0; }

static void ed_identity(GroupPoint *r) { memcpy(((EdP *)r)->enc, ED_IDENTITY, 32); }

static void ed_generator(GroupPoint *r)
{
    uint8_t one[32] = { 1 };
    crypto_scalarmult_ed25519_base_noclamp(((EdP *)r)->enc, one);
}

static int ed_add(GroupPoint *r, const GroupPoint *a, const GroupPoint *b)
{
    return crypto_core_ed25519_add(((EdP *)r)->enc, ((const EdP *)a)->enc, ((const EdP *)b)->enc) == 0 ? 0 : -1;
}

static int ed_neg(GroupPoint *r, const GroupPoint *a)
{
    return crypto_core_ed25519_sub(((EdP *)r)->enc, ED_IDENTITY, ((const EdP *)a)->enc) == 0 ? 0 : -1;
}

/* libsodium's multiplications fail for a zero scalar (mod l) and the
 * identity point; both give the identity here. */
static int ed_mul(GroupPoint *r, const GroupPoint *p, const uint8_t k[32])
{
    uint8_t kr[32], out[32];
    group_scalar_reduce(&group_ed25519, kr, k, 32);
    int zero = sodium_is_zero(kr, 32) | is_ident(((const EdP *)p)->enc);
    int rc = zero ? 0 : crypto_scalarmult_ed25519_noclamp(out, kr, ((const EdP *)p)->enc);
    if (zero) memcpy(out, ED_IDENTITY, 32);
    memcpy(((EdP *)r)->enc, out, 32);
    sodium_memzero(kr, sizeof kr);
    return rc == 0 ? 0 : -1;
}

static int ed_mul_base(GroupPoint *r, const uint8_t k[32])
{
    uint8_t kr[32], out[32];
    group_scalar_reduce(&group_ed25519, kr, k, 32);
    int zero = sodium_is_zero(kr, 32);
    int rc = zero ? 0 : crypto_scalarmult_ed25519_base_noclamp(out, kr);
    if (zero) memcpy(out, ED_IDENTITY, 32);
    memcpy(((EdP *)r)->enc, out, 32);
    sodium_memzero(kr, sizeof kr);
    return rc == 0 ? 0 : -1;
}

static int ed_equal(const GroupPoint *a, const GroupPoint *b)
{
    return sodium_memcmp(((const EdP *)a)->enc, ((const EdP *)b)->enc, 32) == 0;
}

static int ed_is_identity(const GroupPoint *a) { return is_ident(((const EdP *)a)->enc); }

static int ed_encode(const GroupPoint *p, uint8_t *out)
{
    memcpy(out, ((const EdP *)p)->enc, 32);
    return 0;
}

static int ed_decode(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    if (len != 32) return group_fail(err, errlen, "ed25519 point must be 32 bytes");
    if (!is_ident(in) && !crypto_core_ed25519_is_valid_point(in))
        return group_fail(err, errlen,
                          "not a valid ed25519 point (not canonical, not on the curve, or not in the prime-order "
                          "subgroup)");
    memcpy(((EdP *)r)->enc, in, 32);
    return 0;
}

/* ---- arkworks' encoding ------------------------------------------------------ *
 * arkworks writes y little-endian with bit 255 set when x > -x (its
 * EdwardsFlags), where RFC 8032 sets bit 255 when x is odd.  Converting
 * needs x's parity: x^2 = (y^2 - 1)/(d·y^2 + 1); of the two roots x and
 * p - x exactly one is odd, and the one at most (p-1)/2 is the one
 * fe_sqrt_vartime returns, so bit_ark = bit_rfc XOR parity(that root)
 * (and 0 when x = 0).  Only public points are converted. */

static Field fq25519;
static Fe ed_d;
static pthread_once_t fq_once = PTHREAD_ONCE_INIT;

static void fq_init(void)
{
    uint8_t p[32];
    memset(p, 0xff, 32);
    p[0] = 0xed;
    p[31] = 0x7f;
    field_init(&fq25519, p, "curve25519-fq");
    Fe a, b; /* d = -121665 / 121666 */
    fe_from_i64(&fq25519, &a, -121665);
    fe_from_u64(&fq25519, &b, 121666);
    fe_inv(&fq25519, &b, &b);
    fe_mul(&fq25519, &ed_d, &a, &b);
}

/* Parity of the smaller square root x of (y^2-1)/(dy^2+1) for the
 * little-endian y (bit 255 cleared); -1 if there is none. */
static int small_x_parity(const uint8_t y_le[32])
{
    pthread_once(&fq_once, fq_init);
    Fe y, y2, num, den, x;
    if (fe_from_bytes(&fq25519, &y, y_le) != 0) return -1;
    fe_mul(&fq25519, &y2, &y, &y);
    fe_one(&fq25519, &num);
    fe_sub(&fq25519, &num, &y2, &num);
    fe_mul(&fq25519, &den, &ed_d, &y2);
    fe_one(&fq25519, &x);
    fe_add(&fq25519, &den, &den, &x);
    fe_inv(&fq25519, &den, &den);
    fe_mul(&fq25519, &num, &num, &den);
    if (fe_sqrt_vartime(&fq25519, &x, &num) != 0) return -1;
    uint8_t xb[32];
    fe_to_bytes(&fq25519, xb, &x);
    return xb[0] & 1;
}

static int ed_encode_ark(const GroupPoint *p, uint8_t *out)
{
    memcpy(out, ((const EdP *)p)->enc, 32);
    int rfc = out[31] >> 7;
    out[31] &= 0x7f;
    int par = small_x_parity(out);
    if (par < 0) return -1; /* cannot happen for a valid point */
    out[31] |= (uint8_t)((rfc ^ par) << 7);
    return 0;
}

static int ed_decode_ark(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    if (len != 32) return group_fail(err, errlen, "ed25519 point must be 32 bytes");
    uint8_t enc[32];
    memcpy(enc, in, 32);
    int ark = enc[31] >> 7;
    enc[31] &= 0x7f;
    int par = small_x_parity(enc);
    if (par < 0) return group_fail(err, errlen, "not on the curve (no point has this y)");
    enc[31] |= (uint8_t)((ark ^ par) << 7);
    return ed_decode(r, enc, 32, err, errlen);
}

const Group group_ed25519 = {
    .name = "ed25519-edwards",
    .scalar_field = &field_ed25519,
    .enc_len = 32,
    .enc_uncompressed_len = 0,
    .ark_len = 32,
    .identity = ed_identity,
    .generator = ed_generator,
    .add = ed_add,
    .neg = ed_neg,
    .mul = ed_mul,
    .mul_base = ed_mul_base,
    .equal = ed_equal,
    .is_identity = ed_is_identity,
    .encode = ed_encode,
    .encode_uncompressed = NULL,
    .decode = ed_decode,
    .encode_ark = ed_encode_ark,
    .decode_ark = ed_decode_ark,
    .hash_to_group = NULL,
};
