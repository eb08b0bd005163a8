/* curve.c: upstream's curve names and scalar-field conversions (curve.h). */
#include "crypto/curve.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const CryptoCurve CURVES[] = {
    { "bls12-381", &field_bls12_381, 0, &group_bls12_381_g1 },
    { "bn254", &field_bn254, 0, &group_bn254_g1 },
    { "curve25519", &field_ed25519, 1, NULL },
    { "ed25519", &field_ed25519, 1, &group_ed25519 },
    { "secp256k1", &field_secp256k1_n, 0, &group_secp256k1 },
    { "p-256", &field_p256_n, 0, &group_p256 },
};

static const struct {
    const char *alias;
    int index;
} ALIASES[] = {
    { "bls12-381", 0 },   { "bls12_381", 0 }, { "bls12381", 0 },  { "bn254", 1 },     { "curve25519", 2 },
    { "curve-25519", 2 }, { "ed25519", 3 },   { "ed-25519", 3 },  { "secp256k1", 4 }, { "secp256-k1", 4 },
    { "p-256", 5 },       { "p256", 5 },      { "nist-p256", 5 }, { "secp256r1", 5 }, { "secp256-r1", 5 },
};

static int blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

const CryptoCurve *crypto_curve_by_name(const char *name)
{
    if (!name) return NULL;
    while (blank(*name)) name++;
    size_t len = strlen(name);
    while (len && blank(name[len - 1])) len--;
    for (size_t i = 0; i < sizeof ALIASES / sizeof ALIASES[0]; i++)
        if (strlen(ALIASES[i].alias) == len && strncasecmp(ALIASES[i].alias, name, len) == 0)
            return &CURVES[ALIASES[i].index];
    return NULL;
}

void crypto_curve_unknown(char *buf, size_t len, const char *name)
{
    /* upstream reports the trimmed, lower-cased input */
    char low[128];
    size_t n = 0;
    while (blank(*name)) name++;
    for (; name[n] && n + 1 < sizeof low; n++)
        low[n] = (char)(name[n] >= 'A' && name[n] <= 'Z' ? name[n] - 'A' + 'a' : name[n]);
    while (n && blank(low[n - 1])) n--;
    low[n] = 0;
    snprintf(buf, len,
             "Unknown MPC curve '%s'. Supported curves: bls12-381, bn254, curve25519, ed25519, secp256k1, p-256", low);
}

void crypto_field_from_be_mod(const Field *f, Fe *r, const uint8_t *in, size_t len)
{
    /* Horner over 32-byte chunks from the top: acc = acc·2^256 + chunk,
     * where multiplying by R^2 (f->r2) in Montgomery form shifts by 2^256. */
    Fe acc, r2, c;
    fe_zero(&acc);
    memcpy(r2.v, f->r2, sizeof r2.v);
    size_t first = len % 32 ? len % 32 : 32, pos = 0;
    while (pos < len) {
        size_t take = pos == 0 ? first : 32;
        uint64_t limbs[4] = { 0 };
        for (size_t i = 0; i < take; i++) {
            size_t bit = 8 * (take - 1 - i); /* byte in[pos+i] is this far from the chunk's end */
            limbs[bit / 64] |= (uint64_t)in[pos + i] << (bit % 64);
        }
        fe_from_limbs(f, &c, limbs);
        fe_mul(f, &acc, &acc, &r2);
        fe_add(f, &acc, &acc, &c);
        pos += take;
    }
    *r = acc;
}

int crypto_field_decode(const Field *f, Fe *r, const uint8_t *in, size_t len, char *err, size_t errlen)
{
    if (len < 32) {
        snprintf(err, errlen, "%s", CRYPTO_ERR_EOF);
        return -1;
    }
    if (fe_from_bytes(f, r, in) != 0) {
        snprintf(err, errlen, "%s", CRYPTO_ERR_INVALID);
        return -1;
    }
    return 0;
}
