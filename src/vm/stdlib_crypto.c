/* stdlib_crypto.c: the Crypto.* curve builtins of upstream's runtime
 * (crates/stoffel-vm/src/mpc_builtins/crypto.rs), which work without an MPC
 * engine: hash_to_field, field_inv, point_x_to_field, field_to_scalar_bytes,
 * point_to_sec1, hash_to_g1.  Argument lists, results and error texts are
 * upstream's; field elements and points are byte arrays in arkworks'
 * compressed form (src/crypto/curve.h, group.h).  Decoding errors keep
 * upstream's prefix and text and add the reason in parentheses. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/curve.h"
#include "stdlib_internal.h"

/* Reads (bytes, curve_name) after the arity check; the bytes are malloc'd. */
static int bytes_and_curve(VM *vm, const Value *a, uint8_t **bytes, size_t *len, const CryptoCurve **curve)
{
    if (sl_read_bytes(vm, a[0], bytes, len) != ST_OK) return ST_ERR;
    if (a[1].type != VT_STRING) {
        free(*bytes);
        return vm_error(vm, "curve_name must be a string");
    }
    *curve = crypto_curve_by_name(a[1].as.str->chars);
    if (!*curve) {
        char msg[256];
        crypto_curve_unknown(msg, sizeof msg, a[1].as.str->chars);
        free(*bytes);
        return vm_error(vm, "Invalid curve name: %s", msg);
    }
    return ST_OK;
}

static int field_result(VM *vm, const Field *f, const Fe *x, Value *r)
{
    uint8_t out[32];
    fe_to_bytes(f, out, x);
    return sl_byte_array(vm, out, sizeof out, r);
}

/* Crypto.hash_to_field(hash_bytes, curve_name): the bytes as an integer mod
 * the scalar field (big-endian; little-endian for curve25519/ed25519). */
static int bi_hash_to_field(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n < 2) return sl_expects(vm, "Crypto.hash_to_field", "2 arguments: hash_bytes, curve_name");
    uint8_t *b;
    size_t len;
    const CryptoCurve *c;
    if (bytes_and_curve(vm, a, &b, &len, &c) != ST_OK) return ST_ERR;
    if (c->hash_le)
        for (size_t i = 0; i < len / 2; i++) {
            uint8_t t = b[i];
            b[i] = b[len - 1 - i];
            b[len - 1 - i] = t;
        }
    Fe x;
    crypto_field_from_be_mod(c->scalar, &x, b, len);
    free(b);
    return field_result(vm, c->scalar, &x, r);
}

static int read_field(VM *vm, const Field *f, const uint8_t *b, size_t len, Fe *x)
{
    char err[160];
    if (crypto_field_decode(f, x, b, len, err, sizeof err) != 0)
        return vm_error(vm, "deserialize field element: %s", err);
    return ST_OK;
}

static int bi_field_inv(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 2) return sl_expects(vm, "Crypto.field_inv", "2 arguments: field_bytes, curve_name");
    uint8_t *b;
    size_t len;
    const CryptoCurve *c;
    if (bytes_and_curve(vm, a, &b, &len, &c) != ST_OK) return ST_ERR;
    Fe x;
    int rc = read_field(vm, c->scalar, b, len, &x);
    free(b);
    if (rc != ST_OK) return rc;
    if (fe_is_zero(&x)) return vm_error(vm, "field inverse is undefined for zero");
    fe_inv(c->scalar, &x, &x);
    return field_result(vm, c->scalar, &x, r);
}

/* The ECDSA helpers take secp256k1 and p-256 only. */
static int ecdsa_curve(VM *vm, const char *fn, const CryptoCurve *c)
{
    if (c->group == &group_secp256k1 || c->group == &group_p256) return ST_OK;
    return vm_error(vm, "%s supports secp256k1 and p-256, got %s", fn, c->name);
}

/* Reads an arkworks-compressed point that must not be the identity. */
static int read_point(VM *vm, const Group *g, const uint8_t *b, size_t len, GroupPoint *p)
{
    char err[160];
    if (len < g->ark_len) return vm_error(vm, "deserialize point: %s", CRYPTO_ERR_EOF);
    if (g->decode_ark(p, b, g->ark_len, err, sizeof err) != 0)
        return vm_error(vm, "deserialize point: %s (%s)", CRYPTO_ERR_INVALID, err);
    if (g->is_identity(p)) return vm_error(vm, "point is the point at infinity");
    return ST_OK;
}

/* Point argument of an ECDSA helper: (point_bytes, curve_name) checked. */
static int ecdsa_point(VM *vm, const char *fn, const Value *a, uint32_t n, const CryptoCurve **c, GroupPoint *p)
{
    if (n != 2) return sl_expects(vm, fn, "2 arguments: point_bytes, curve_name");
    uint8_t *b;
    size_t len;
    if (bytes_and_curve(vm, a, &b, &len, c) != ST_OK) return ST_ERR;
    int rc = ecdsa_curve(vm, fn, *c);
    if (rc == ST_OK) rc = read_point(vm, (*c)->group, b, len, p);
    free(b);
    return rc;
}

/* Crypto.point_x_to_field(point_bytes, curve_name): the x coordinate mod n
 * (ECDSA's r). */
static int bi_point_x_to_field(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    const CryptoCurve *c;
    GroupPoint p;
    if (ecdsa_point(vm, "Crypto.point_x_to_field", a, n, &c, &p) != ST_OK) return ST_ERR;
    uint8_t sec[33];
    if (c->group->encode(&p, sec) != 0) return vm_error(vm, "point encoding failed");
    Fe x;
    crypto_field_from_be_mod(c->scalar, &x, sec + 1, 32);
    return field_result(vm, c->scalar, &x, r);
}

/* Crypto.point_to_sec1(point_bytes, curve_name): 33-byte SEC1 compressed. */
static int bi_point_to_sec1(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    const CryptoCurve *c;
    GroupPoint p;
    if (ecdsa_point(vm, "Crypto.point_to_sec1", a, n, &c, &p) != ST_OK) return ST_ERR;
    uint8_t sec[33];
    if (c->group->encode(&p, sec) != 0) return vm_error(vm, "point encoding failed");
    return sl_byte_array(vm, sec, sizeof sec, r);
}

/* Crypto.field_to_scalar_bytes(field_bytes, curve_name): 32 bytes big-endian. */
static int bi_field_to_scalar_bytes(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 2) return sl_expects(vm, "Crypto.field_to_scalar_bytes", "2 arguments: field_bytes, curve_name");
    uint8_t *b;
    size_t len;
    const CryptoCurve *c;
    if (bytes_and_curve(vm, a, &b, &len, &c) != ST_OK) return ST_ERR;
    Fe x;
    int rc = ecdsa_curve(vm, "Crypto.field_to_scalar_bytes", c);
    if (rc == ST_OK) rc = read_field(vm, c->scalar, b, len, &x);
    free(b);
    if (rc != ST_OK) return rc;
    uint8_t le[32], be[32];
    fe_to_bytes(c->scalar, le, &x);
    group_reverse(be, le, 32);
    return sl_byte_array(vm, be, sizeof be, r);
}

/* Crypto.hash_to_g1(data): upstream's try-and-increment hash, 48 bytes. */
static int bi_hash_to_g1(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 1) return sl_expects(vm, "Crypto.hash_to_g1", "1 argument: data (byte array)");
    uint8_t *b;
    size_t len;
    if (sl_read_bytes(vm, a[0], &b, &len) != ST_OK) return ST_ERR;
    const Group *g = &group_bls12_381_g1;
    GroupPoint p;
    char err[160];
    uint8_t out[48];
    int rc = g->hash_to_group(&p, b, len, err, sizeof err);
    free(b);
    if (rc != 0) return vm_error(vm, "%s", err);
    g->encode(&p, out);
    return sl_byte_array(vm, out, sizeof out, r);
}

int stdlib_register_crypto(VM *vm)
{
    static const struct {
        const char *name;
        NativeFn fn;
    } fns[] = {
        { "Crypto.hash_to_field", bi_hash_to_field },
        { "Crypto.field_inv", bi_field_inv },
        { "Crypto.point_x_to_field", bi_point_x_to_field },
        { "Crypto.field_to_scalar_bytes", bi_field_to_scalar_bytes },
        { "Crypto.point_to_sec1", bi_point_to_sec1 },
        { "Crypto.hash_to_g1", bi_hash_to_g1 },
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (vm_register_native(vm, fns[i].name, fns[i].fn, NULL) != ST_OK) return ST_ERR;
    return ST_OK;
}
