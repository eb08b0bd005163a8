/* p256.c: the NIST P-256 group through OpenSSL 3's EC API (group.h).  A
 * point is stored as its SEC1 uncompressed encoding plus an identity flag;
 * each operation converts to an EC_POINT and back.  Secret scalars go
 * through EC_POINT_mul with BN_FLG_CONSTTIME (OpenSSL's constant-time
 * ladder / nistz256 code). */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "crypto/group.h"

typedef struct {
    uint8_t enc[65];
    uint8_t inf;
} PP;

static EC_GROUP *grp;
static pthread_once_t grp_once = PTHREAD_ONCE_INIT;

static const uint8_t HALF_P[32] = {
    0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static void grp_init(void) { grp = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1); }

static const EC_GROUP *get_grp(void)
{
    pthread_once(&grp_once, grp_init);
    return grp;
}

/* EC_POINT of a stored point (NULL on failure). */
static EC_POINT *load(const PP *p)
{
    const EC_GROUP *g = get_grp();
    if (!g) return NULL;
    EC_POINT *pt = EC_POINT_new(g);
    if (!pt) return NULL;
    if (p->inf ? !EC_POINT_set_to_infinity(g, pt) : !EC_POINT_oct2point(g, pt, p->enc, 65, NULL)) {
        EC_POINT_free(pt);
        return NULL;
    }
    return pt;
}

static int store(PP *r, const EC_POINT *pt)
{
    const EC_GROUP *g = get_grp();
    PP out;
    memset(&out, 0, sizeof out);
    if (EC_POINT_is_at_infinity(g, pt))
        out.inf = 1;
    else if (EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, out.enc, 65, NULL) != 65)
        return -1;
    *r = out;
    return 0;
}

static void pp_identity(GroupPoint *r)
{
    memset(r, 0, sizeof(PP));
    ((PP *)r)->inf = 1;
}

/* r = k·p, or k·G when p is NULL. */
static int pp_mul_any(GroupPoint *r, const GroupPoint *p, const uint8_t k[32])
{
    const EC_GROUP *g = get_grp();
    uint8_t kr[32], be[32];
    int rc = -1;
    if (!g) return -1;
    group_scalar_reduce(&group_p256, kr, k, 32);
    group_reverse(be, kr, 32);
    BIGNUM *bn = BN_secure_new();
    EC_POINT *in = p ? load((const PP *)p) : NULL, *out = EC_POINT_new(g);
    if (bn && out && (!p || in) && BN_bin2bn(be, 32, bn)) {
        BN_set_flags(bn, BN_FLG_CONSTTIME);
        int ok = p ? EC_POINT_mul(g, out, NULL, in, bn, NULL) : EC_POINT_mul(g, out, bn, NULL, NULL, NULL);
        if (ok) rc = store((PP *)r, out);
    }
    BN_clear_free(bn);
    EC_POINT_free(in);
    EC_POINT_free(out);
    sodium_memzero(kr, sizeof kr);
    sodium_memzero(be, sizeof be);
    return rc;
}

static int pp_mul(GroupPoint *r, const GroupPoint *p, const uint8_t k[32]) { return pp_mul_any(r, p, k); }
static int pp_mul_base(GroupPoint *r, const uint8_t k[32]) { return pp_mul_any(r, NULL, k); }

static void pp_generator(GroupPoint *r)
{
    const EC_GROUP *g = get_grp();
    if (!g || store((PP *)r, EC_GROUP_get0_generator(g)) != 0) pp_identity(r);
}

static int pp_add(GroupPoint *r, const GroupPoint *a, const GroupPoint *b)
{
    const EC_GROUP *g = get_grp();
    EC_POINT *pa = load((const PP *)a), *pb = load((const PP *)b);
    int rc = -1;
    if (pa && pb && EC_POINT_add(g, pa, pa, pb, NULL)) rc = store((PP *)r, pa);
    EC_POINT_free(pa);
    EC_POINT_free(pb);
    return rc;
}

static int pp_neg(GroupPoint *r, const GroupPoint *a)
{
    const EC_GROUP *g = get_grp();
    EC_POINT *pa = load((const PP *)a);
    int rc = -1;
    if (pa && EC_POINT_invert(g, pa, NULL)) rc = store((PP *)r, pa);
    EC_POINT_free(pa);
    return rc;
}

static int pp_equal(const GroupPoint *ga, const GroupPoint *gb)
{
    const PP *a = (const PP *)ga, *b = (const PP *)gb;
    if (a->inf || b->inf) return a->inf == b->inf;
    return sodium_memcmp(a->enc, b->enc, 65) == 0;
}

static int pp_is_identity(const GroupPoint *a) { return ((const PP *)a)->inf; }

static int pp_encode_unc(const GroupPoint *gp, uint8_t *out)
{
    const PP *p = (const PP *)gp;
    if (p->inf)
        memset(out, 0, 65); /* this implementation's fixed-width identity */
    else
        memcpy(out, p->enc, 65);
    return 0;
}

static int pp_encode(const GroupPoint *gp, uint8_t *out)
{
    const PP *p = (const PP *)gp;
    if (p->inf) {
        memset(out, 0, 33);
        return 0;
    }
    out[0] = (uint8_t)(0x02 | (p->enc[64] & 1));
    memcpy(out + 1, p->enc + 1, 32);
    return 0;
}

static int pp_decode(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    if (len != 33 && len != 65) return group_fail(err, errlen, "P-256 point must be 33 or 65 bytes (SEC1)");
    if (sodium_is_zero(in, len)) {
        pp_identity(r);
        return 0;
    }
    if ((len == 33 && in[0] != 0x02 && in[0] != 0x03) || (len == 65 && in[0] != 0x04))
        return group_fail(err, errlen, "bad SEC1 prefix byte");
    const EC_GROUP *g = get_grp();
    EC_POINT *pt = g ? EC_POINT_new(g) : NULL;
    int rc = -1;
    if (!pt)
        rc = group_fail(err, errlen, "out of memory");
    else if (!EC_POINT_oct2point(g, pt, in, len, NULL) || EC_POINT_is_on_curve(g, pt, NULL) != 1)
        rc = group_fail(err, errlen, "not a valid P-256 point (x or y not below p, or not on the curve)");
    else
        rc = store((PP *)r, pt) == 0 ? 0 : group_fail(err, errlen, "point encoding failed");
    EC_POINT_free(pt);
    return rc;
}

static int pp_encode_ark(const GroupPoint *p, uint8_t *out)
{
    return group_sec1_encode_ark(&group_p256, p, HALF_P, out);
}

static int pp_decode_ark(GroupPoint *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    return group_sec1_decode_ark(&group_p256, r, in, len, HALF_P, err, errlen);
}

const Group group_p256 = {
    .name = "p-256",
    .scalar_field = &field_p256_n,
    .enc_len = 33,
    .enc_uncompressed_len = 65,
    .ark_len = 33,
    .identity = pp_identity,
    .generator = pp_generator,
    .add = pp_add,
    .neg = pp_neg,
    .mul = pp_mul,
    .mul_base = pp_mul_base,
    .equal = pp_equal,
    .is_identity = pp_is_identity,
    .encode = pp_encode,
    .encode_uncompressed = pp_encode_unc,
    .decode = pp_decode,
    .encode_ark = pp_encode_ark,
    .decode_ark = pp_decode_ark,
    .hash_to_group = NULL,
};
