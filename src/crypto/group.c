/* group.c: group lookup by upstream's names and helpers shared by the
 * group implementations (group.h). */
#include "crypto/group.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int group_fail(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) snprintf(err, errlen, "%s", msg);
    return -1;
}

void group_reverse(uint8_t *out, const uint8_t *in, size_t n)
{
    for (size_t i = 0; i < n / 2; i++) {
        uint8_t a = in[i], b = in[n - 1 - i];
        out[i] = b;
        out[n - 1 - i] = a;
    }
    if (n & 1) out[n / 2] = in[n / 2];
}

/* The group orders of secp256k1 and P-256 as Fields (Montgomery constants
 * computed offline). */
const Field field_secp256k1_n = {
    .p = { 0xbfd25e8cd0364141ULL, 0xbaaedce6af48a03bULL, 0xfffffffffffffffeULL, 0xffffffffffffffffULL },
    .r1 = { 0x402da1732fc9bebfULL, 0x4551231950b75fc4ULL, 0x0000000000000001ULL, 0x0000000000000000ULL },
    .r2 = { 0x896cf21467d7d140ULL, 0x741496c20e7cf878ULL, 0xe697f5e45bcd07c6ULL, 0x9d671cd581c69bc5ULL },
    .r3 = { 0x7bc0cfe0e9ff41edULL, 0x0017648444d4322cULL, 0xb1b31347f1d0b2daULL, 0x555d800c18ef116dULL },
    .pinv = 0x4b0dff665588b13fULL,
    .bits = 256,
    .name = "secp256k1-fr",
};

const Field field_p256_n = {
    .p = { 0xf3b9cac2fc632551ULL, 0xbce6faada7179e84ULL, 0xffffffffffffffffULL, 0xffffffff00000000ULL },
    .r1 = { 0x0c46353d039cdaafULL, 0x4319055258e8617bULL, 0x0000000000000000ULL, 0x00000000ffffffffULL },
    .r2 = { 0x83244c95be79eea2ULL, 0x4699799c49bd6fa6ULL, 0x2845b2392b6bec59ULL, 0x66e12d94f3d95620ULL },
    .r3 = { 0xac8ebec90b65a624ULL, 0x111f28ae0c0555c9ULL, 0x2543b9246ba5e93fULL, 0x503a54e76407be65ULL },
    .pinv = 0xccd1c8aaee00bc4fULL,
    .bits = 256,
    .name = "p-256-fr",
};

void group_scalar_reduce(const Group *g, uint8_t out[32], const uint8_t *in, size_t len)
{
    uint8_t wide[64] = { 0 };
    memcpy(wide, in, len < 64 ? len : 64);
    Fe k;
    fe_reduce64(g->scalar_field, &k, wide);
    fe_to_bytes(g->scalar_field, out, &k);
    sodium_memzero(wide, sizeof wide);
    sodium_memzero(&k, sizeof k);
}

const Group *group_by_name(const char *name)
{
    static const struct {
        const char *alias;
        const Group *g;
    } names[] = {
        { "bls12-381-g1", &group_bls12_381_g1 },
        { "bls12-381-g2", &group_bls12_381_g2 },
        { "bn254-g1", &group_bn254_g1 },
        { "ed25519-edwards", &group_ed25519 },
        { "secp256k1", &group_secp256k1 },
        { "secp256k1-g", &group_secp256k1 },
        { "secp256k1-g1", &group_secp256k1 },
        { "p-256", &group_p256 },
        { "p256", &group_p256 },
        { "nist-p256", &group_p256 },
        { "secp256r1", &group_p256 },
        { "secp256r1-g", &group_p256 },
        { "secp256r1-g1", &group_p256 },
    };
    if (!name) return NULL;
    while (*name == ' ' || *name == '\t' || *name == '\n' || *name == '\r') name++;
    size_t len = strlen(name);
    while (len && (name[len - 1] == ' ' || name[len - 1] == '\t' || name[len - 1] == '\n' || name[len - 1] == '\r'))
        len--;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].alias) == len && strncasecmp(names[i].alias, name, len) == 0) return names[i].g;
    return NULL;
}

/* 1 if the big-endian y exceeds half_p = (p-1)/2, i.e. y > -y. */
static int y_above_half(const uint8_t y[32], const uint8_t half_p[32])
{
    for (int i = 0; i < 32; i++)
        if (y[i] != half_p[i]) return y[i] > half_p[i]; /* public */
    return 0;
}

int group_sec1_encode_ark(const Group *g, const GroupPoint *p, const uint8_t half_p[32], uint8_t out[33])
{
    memset(out, 0, 33);
    if (g->is_identity(p)) {
        out[32] = 0x40;
        return 0;
    }
    uint8_t unc[65];
    if (g->encode_uncompressed(p, unc) != 0) return -1;
    group_reverse(out, unc + 1, 32);
    if (y_above_half(unc + 33, half_p)) out[32] = 0x80;
    return 0;
}

int group_sec1_decode_ark(const Group *g, GroupPoint *r, const uint8_t *in, size_t len, const uint8_t half_p[32],
                          char *err, size_t errlen)
{
    if (len != 33) return group_fail(err, errlen, "point must be 33 bytes (arkworks compressed)");
    uint8_t flags = in[32];
    if (flags & 0x3f) return group_fail(err, errlen, "unknown bits set in the flag byte");
    if (flags == 0xc0) return group_fail(err, errlen, "both flag bits set");
    if (flags == 0x40) {
        uint8_t acc = 0;
        for (int i = 0; i < 32; i++) acc |= in[i];
        if (acc) return group_fail(err, errlen, "point at infinity with non-zero coordinate bits");
        g->identity(r);
        return 0;
    }
    uint8_t sec[33], unc[65];
    sec[0] = 0x02;
    group_reverse(sec + 1, in, 32);
    GroupPoint p;
    if (g->decode(&p, sec, 33, err, errlen) != 0) return -1;
    if (g->encode_uncompressed(&p, unc) != 0) return group_fail(err, errlen, "point encoding failed");
    if (y_above_half(unc + 33, half_p) != !!(flags & 0x80) && g->neg(&p, &p) != 0)
        return group_fail(err, errlen, "point negation failed");
    *r = p;
    return 0;
}

int group_mul_public(const Group *g, GroupPoint *r, const GroupPoint *p, const uint8_t *k, size_t klen)
{
    if (klen > 32) return -1;
    if (g->mul_vartime) return g->mul_vartime(r, p, k, klen);
    uint8_t kb[32] = { 0 };
    memcpy(kb, k, klen);
    return g->mul(r, p, kb);
}

size_t group_wire_len(const Group *g) { return g->enc_uncompressed_len ? g->enc_uncompressed_len : g->enc_len; }

int group_wire_encode(const Group *g, const GroupPoint *p, uint8_t *out)
{
    return g->enc_uncompressed_len ? g->encode_uncompressed(p, out) : g->encode(p, out);
}

int group_wire_decode(const Group *g, GroupPoint *r, const uint8_t *in, char *err, size_t errlen)
{
    return g->decode(r, in, group_wire_len(g), err, errlen);
}
