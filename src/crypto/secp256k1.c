/* secp256k1.c: the secp256k1 group through libsecp256k1 (group.h).  A
 * point is a secp256k1_pubkey plus an identity flag (the library has no
 * point at infinity). */
#include <pthread.h>
#include <secp256k1.h>
#include <sodium.h>
#include <string.h>

#include "crypto/group.h"

typedef struct {
    secp256k1_pubkey pk;
    uint8_t inf;
} SkP;

static secp256k1_context *ctx;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;

/* (p - 1)/2 for the base field, big-endian: y is "largest" above it. */
static const uint8_t HALF_P[32] = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xfe, 0x17,
};

static void ctx_init(void)
{
    uint8_t seed[32];
    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    randombytes_buf(seed, sizeof seed);
    if (ctx && !secp256k1_context_randomize(ctx, seed)) {
        secp256k1_context_destroy(ctx);
        ctx = NULL;
    }
}

static const secp256k1_context *get_ctx(void)
{
    pthread_once(&ctx_once, ctx_init);
    return ctx;
}

static void sk_identity(GroupPoint *r)
{
    memset(r, 0, sizeof(SkP));
    ((SkP *)r)->inf = 1;
}

static int sk_mul_base(GroupPoint *r, const uint8_t k[32])
{
    uint8_t kr[32], be[32];
    const secp256k1_context *c = get_ctx();
    if (!c) return -1;
    group_scalar_reduce(&group_secp256k1, kr, k, 32);
    group_reverse(be, kr, 32);
    SkP *p = (SkP *)r;
    int zero = sodium_is_zero(be, 32);
    memset(p, 0, sizeof *p);
    p->inf = (uint8_t)zero;
    int ok = zero || secp256k1_ec_pubkey_create(c, &p->pk, be);
    sodium_memzero(kr, sizeof kr);
    sodium_memzero(be, sizeof be);
    return ok ? 0 : -1;
}

static void sk_generator(GroupPoint *r)
{
    uint8_t one[32] = { 1 };
    (void)sk_mul_base(r, one);
}

static int sk_add(GroupPoint *r, const GroupPoint *ga, const GroupPoint *gb)
{
    const SkP *a = (const SkP *)ga, *b = (const SkP *)gb;
    if (a->inf) {
        *(SkP *)r = *b;
        return 0;
    }
    if (b->inf) {
        *(SkP *)r = *a;
        return 0;
    }
    const secp256k1_pubkey *ins[2] = { &a->pk, &b->pk };
    SkP out;
    memset(&out, 0, sizeof out);
    if (!secp256k1_ec_pubkey_combine(secp256k1_context_static, &out.pk, ins, 2)) out.inf = 1; /* a = -b */
    *(SkP *)r = out;
    return 0;
}

static int sk_neg(GroupPoint *r, const GroupPoint *a)
{
    SkP out = *(const SkP *)a;
    if (!out.inf && !secp256k1_ec_pubkey_negate(secp256k1_context_static, &out.pk)) return -1;
    *(SkP *)r = out;
    return 0;
}

static int sk_mul(GroupPoint *r, const GroupPoint *gp, const uint8_t k[32])
{
    uint8_t kr[32], be[32];
    const secp256k1_context *c = get_ctx();
    if (!c) return -1;
    group_scalar_reduce(&group_secp256k1, kr, k, 32);
    group_reverse(be, kr, 32);
    SkP out = *(const SkP *)gp;
    int ok = 1;
    if (sodium_is_zero(be, 32))
        out.inf = 1;
    else if (!out.inf)
        ok = secp256k1_ec_pubkey_tweak_mul(c, &out.pk, be);
    *(SkP *)r = out;
    sodium_memzero(kr, sizeof kr);
    sodium_memzero(be, sizeof be);
    return ok ? 0 : -1;
}

static int sk_equal(const GroupPoint *ga, const GroupPoint *gb)
{
    const SkP *a = (const SkP *)ga, *b = (const SkP *)gb;
    if (a->inf || b->inf) return a->inf == b->inf;
    return secp256k1_ec_pubkey_cmp(secp256k1_context_static, &a->pk, &b->pk) == 0;
}

static int sk_is_identity(const GroupPoint *a) { return ((const SkP *)a)->inf; }

static int sk_write(const GroupPoint *gp, uint8_t *out, int compressed)
{
    const SkP *p = (const SkP *)gp;
    size_t len = compressed ? 33 : 65;
    if (p->inf) {
        memset(out, 0, len); /* this implementation's fixed-width identity */
        return 0;
    }
    return secp256k1_ec_pubkey_serialize(secp256k1_context_static, out, &len, &p->pk,
                                         compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED)
               ? 0
               : -1;
}
static int sk_encode(const GroupPoint *p, uint8_t *out) { return sk_write(p, out, 1); }
static int sk_encode_unc(const GroupPoint *p, uint8_t *out) { return sk_write(p, out, 0); }

static int sk_decode(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    if (len != 33 && len != 65) return group_fail(err, errlen, "secp256k1 point must be 33 or 65 bytes (SEC1)");
    SkP out;
    memset(&out, 0, sizeof out);
    if (sodium_is_zero(in, len)) {
        out.inf = 1;
    } else if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &out.pk, in, len)) {
        return group_fail(err, errlen, "not a valid secp256k1 point (bad prefix, x not below p, or not on the curve)");
    }
    *(SkP *)r = out;
    return 0;
}

static int sk_encode_ark(const GroupPoint *p, uint8_t *out)
{
    return group_sec1_encode_ark(&group_secp256k1, p, HALF_P, out);
}

static int sk_decode_ark(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    return group_sec1_decode_ark(&group_secp256k1, r, in, len, HALF_P, err, errlen);
}

const Group group_secp256k1 = {
    .name = "secp256k1",
    .scalar_field = &field_secp256k1_n,
    .enc_len = 33,
    .enc_uncompressed_len = 65,
    .ark_len = 33,
    .identity = sk_identity,
    .generator = sk_generator,
    .add = sk_add,
    .neg = sk_neg,
    .mul = sk_mul,
    .mul_base = sk_mul_base,
    .equal = sk_equal,
    .is_identity = sk_is_identity,
    .encode = sk_encode,
    .encode_uncompressed = sk_encode_unc,
    .decode = sk_decode,
    .encode_ark = sk_encode_ark,
    .decode_ark = sk_decode_ark,
    .hash_to_group = NULL,
};
