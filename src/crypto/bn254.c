/* bn254.c: the group G1 of BN254 (alt_bn128), y^2 = x^3 + 3 over Fq, prime
 * order (cofactor 1), with arkworks' compressed encoding (group.h).  The
 * base field uses the 4-limb constant-time Montgomery arithmetic of
 * mpc/field.h. */
#include <pthread.h>
#include <string.h>

#include "crypto/group.h"

static const Field bn_fq = {
    .p = { 0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL },
    .r1 = { 0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL },
    .r2 = { 0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL },
    .r3 = { 0xb1cd6dafda1530dfULL, 0x62f210e6a7283db6ULL, 0xef7f0b0c0ada0afbULL, 0x20fd6e902d592544ULL },
    .pinv = 0x87d20782e4866389ULL,
    .bits = 254,
    .name = "bn254-fq",
};

static const Fe BN_B = { { 0x7a17caa950ad28d7ULL, 0x1f6ac17ae15521b9ULL, 0x334bea4e696bd284ULL,
                           0x2a1f6744ce179d8eULL } };
static const Fe BN_B3 = { { 0xf60647ce410d7ff7ULL, 0x2f3d6f4dd31bd011ULL, 0x2943337e3940c6d1ULL,
                            0x1d9598e8a7e39857ULL } };

static void q_add(Fe *r, const Fe *a, const Fe *b) { fe_add(&bn_fq, r, a, b); }
static void q_sub(Fe *r, const Fe *a, const Fe *b) { fe_sub(&bn_fq, r, a, b); }
static void q_mul(Fe *r, const Fe *a, const Fe *b) { fe_mul(&bn_fq, r, a, b); }
static void q_sqr(Fe *r, const Fe *a) { fe_mul(&bn_fq, r, a, a); }
static void q_neg(Fe *r, const Fe *a) { fe_neg(&bn_fq, r, a); }
static void q_inv(Fe *r, const Fe *a) { fe_inv(&bn_fq, r, a); }
static void q_mul_b3(Fe *r, const Fe *a) { fe_mul(&bn_fq, r, a, &BN_B3); }
static void q_cmov(Fe *r, const Fe *a, const Fe *b, int c) { fe_select(r, a, b, c); }
static void q_zero(Fe *r) { fe_zero(r); }
static void q_one(Fe *r) { fe_one(&bn_fq, r); }

#define SW_F Fe
#define SW_P BnP
#define SW_FN(n) bnp_##n
#define SW_ADD q_add
#define SW_SUB q_sub
#define SW_MUL q_mul
#define SW_SQR q_sqr
#define SW_NEG q_neg
#define SW_INV q_inv
#define SW_MUL_B3 q_mul_b3
#define SW_CMOV q_cmov
#define SW_IS_ZERO fe_is_zero
#define SW_EQ fe_equal
#define SW_SET_ZERO q_zero
#define SW_SET_ONE q_one
#define SW_B (&BN_B)
#include "crypto/sw_point.h"

static BnP bn_table[64][16];
static pthread_once_t bn_once = PTHREAD_ONCE_INIT;

static void bn_gen(BnP *r)
{
    Fe x, y;
    fe_from_u64(&bn_fq, &x, 1);
    fe_from_u64(&bn_fq, &y, 2);
    bnp_from_affine(r, &x, &y);
}
static void bn_table_init(void)
{
    BnP g;
    bn_gen(&g);
    bnp_fixed_init(bn_table, &g);
}

static void bn_identity(GroupPoint *r) { bnp_identity((BnP *)r); }
static void bn_generator(GroupPoint *r) { bn_gen((BnP *)r); }
static int bn_add(GroupPoint *r, const GroupPoint *a, const GroupPoint *b)
{
    bnp_add((BnP *)r, (const BnP *)a, (const BnP *)b);
    return 0;
}
static int bn_neg(GroupPoint *r, const GroupPoint *a)
{
    bnp_neg((BnP *)r, (const BnP *)a);
    return 0;
}
static int bn_mul(GroupPoint *r, const GroupPoint *p, const uint8_t k[32])
{
    bnp_mul_ct((BnP *)r, (const BnP *)p, k);
    return 0;
}
static int bn_mul_base(GroupPoint *r, const uint8_t k[32])
{
    pthread_once(&bn_once, bn_table_init);
    bnp_mul_fixed((BnP *)r, bn_table, k);
    return 0;
}
static int bn_equal(const GroupPoint *a, const GroupPoint *b) { return bnp_equal((const BnP *)a, (const BnP *)b); }
static int bn_is_identity(const GroupPoint *a) { return bnp_is_identity((const BnP *)a); }

/* 1 if y > -y (arkworks' SWFlags::YIsNegative). */
static int y_largest(const Fe *y)
{
    Fe ny;
    uint8_t a[32], b[32];
    fe_neg(&bn_fq, &ny, y);
    fe_to_bytes(&bn_fq, a, y);
    fe_to_bytes(&bn_fq, b, &ny);
    for (int i = 31; i >= 0; i--)
        if (a[i] != b[i]) return a[i] > b[i]; /* encodings are public */
    return 0;
}

/* arkworks compressed: x little-endian, flags in the top bits of byte 31:
 * 0x80 y is the larger root, 0x40 the point at infinity (x = 0). */
static int bn_encode(const GroupPoint *gp, uint8_t *out)
{
    const BnP *p = (const BnP *)gp;
    memset(out, 0, 32);
    if (bnp_is_identity(p)) {
        out[31] = 0x40;
        return 0;
    }
    Fe x, y;
    bnp_to_affine(&x, &y, p);
    fe_to_bytes(&bn_fq, out, &x);
    if (y_largest(&y)) out[31] |= 0x80;
    return 0;
}

static int bn_decode(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    if (len != 32) return group_fail(err, errlen, "BN254 G1 point must be 32 bytes");
    uint8_t buf[32];
    memcpy(buf, in, 32);
    uint8_t flags = buf[31] & 0xc0;
    buf[31] &= 0x3f;
    if (flags == 0xc0) return group_fail(err, errlen, "both flag bits set");
    if (flags == 0x40) {
        uint8_t acc = 0;
        for (int i = 0; i < 32; i++) acc |= buf[i];
        if (acc) return group_fail(err, errlen, "point at infinity with non-zero coordinate bits");
        bnp_identity((BnP *)r);
        return 0;
    }
    Fe x, y, rhs;
    if (fe_from_bytes(&bn_fq, &x, buf) != 0)
        return group_fail(err, errlen, "x coordinate is not below the field modulus");
    fe_mul(&bn_fq, &rhs, &x, &x);
    fe_mul(&bn_fq, &rhs, &rhs, &x);
    fe_add(&bn_fq, &rhs, &rhs, &BN_B);
    if (fe_sqrt_vartime(&bn_fq, &y, &rhs) != 0)
        return group_fail(err, errlen, "not on the curve (no point has this x)");
    if (y_largest(&y) != !!(flags & 0x80)) fe_neg(&bn_fq, &y, &y);
    bnp_from_affine((BnP *)r, &x, &y); /* cofactor 1: every curve point is in the group */
    return 0;
}

const Group group_bn254_g1 = {
    .name = "bn254-g1",
    .scalar_field = &field_bn254,
    .enc_len = 32,
    .enc_uncompressed_len = 0,
    .ark_len = 32,
    .identity = bn_identity,
    .generator = bn_generator,
    .add = bn_add,
    .neg = bn_neg,
    .mul = bn_mul,
    .mul_base = bn_mul_base,
    .equal = bn_equal,
    .is_identity = bn_is_identity,
    .encode = bn_encode,
    .encode_uncompressed = NULL,
    .decode = bn_decode,
    .encode_ark = bn_encode,
    .decode_ark = bn_decode,
    .hash_to_group = NULL,
};
