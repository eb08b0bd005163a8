/* mpc_open_exp.c: Share.open_exp and Share.open_exp_custom on the
 * HoneyBadger backend (upstream: mpc_builtins/share/network_ops.rs and the
 * HoneyBadger engine's open_share_in_exp).  Each party multiplies a group
 * point by its share and the points are opened robustly in the exponent
 * (mpc_open_exp); the result is the point in upstream's (arkworks)
 * compressed encoding.  Groups offered: the session field's own group
 * (bls12-381-g1, bn254-g1, ed25519-edwards) and, on BLS12-381, also
 * bls12-381-g2, as upstream's HoneyBadger engine. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crypto/curve.h"
#include "mpc/engine.h"
#include "stdlib_internal.h"
#include "vm_internal.h"

static int same_field(const Field *a, const Field *b) { return a && b && memcmp(a->p, b->p, sizeof a->p) == 0; }

/* The group whose scalars are the session's field (upstream's native group). */
static const Group *native_group(VM *vm)
{
    static const Group *const natives[] = { &group_bls12_381_g1, &group_bn254_g1, &group_ed25519, &group_secp256k1,
                                            &group_p256 };
    for (size_t i = 0; i < sizeof natives / sizeof natives[0]; i++)
        if (same_field(natives[i]->scalar_field, mpc_field(vm->mpc))) return natives[i];
    return NULL;
}

static int unsupported(VM *vm, const char *group)
{
    return vm_error(vm, "MPC backend 'honeybadger-mpc' does not support Share.open_exp for %s", group);
}

/* Opens share·base (base NULL: the generator) and returns the encoding. */
static int open_exp(VM *vm, Value share_v, const Group *g, const GroupPoint *base, Value *r)
{
    StShare *s;
    if (!mpcvm_unwrap(vm, share_v, &s))
        return vm_error(vm, "Argument must be a share, got %s", val_type_name((ValueType)share_v.type));
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    Fe x;
    memcpy(&x, s->bytes, sizeof x);
    GroupPoint p;
    int rc = mpc_open_exp(vm->mpc, g, &x, base, &p);
    sodium_memzero(&x, sizeof x);
    if (rc != 0) return vm_error(vm, "MPC protocol failed: %s", mpc_error(vm->mpc));
    uint8_t out[GROUP_MAX_ENC];
    if (g->encode_ark(&p, out) != 0) return vm_error(vm, "serialize result: point encoding failed");
    return sl_byte_array(vm, out, g->ark_len, r);
}

/* Share.open_exp(share, curve_name): curve_name is an exponent group name
 * (bls12-381-g1, bls12-381-g2, bn254-g1, ed25519-edwards, ...). */
static int bi_open_exp(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n < 2) return sl_expects(vm, "Share.open_exp", "2 arguments: share, curve_name");
    if (a[1].type != VT_STRING) return vm_error(vm, "curve_name must be a string");
    const char *name = a[1].as.str->chars;
    const Group *g = group_by_name(name);
    if (!g) {
        const char *t = name;
        while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r') t++;
        size_t len = strlen(t);
        while (len && (t[len - 1] == ' ' || t[len - 1] == '\t' || t[len - 1] == '\n' || t[len - 1] == '\r')) len--;
        if (len == 18 && strncasecmp(t, "curve25519-edwards", len) == 0) return unsupported(vm, "curve25519-edwards");
        return vm_error(vm, "Unsupported curve: %.*s", (int)len, t);
    }
    const Group *native = native_group(vm);
    int ok = g == native || (g == &group_bls12_381_g2 && native == &group_bls12_381_g1);
    if (!ok) return unsupported(vm, g->name);
    return open_exp(vm, a[0], g, NULL, r);
}

/* Share.open_exp_custom(share, generator_bytes): the base point is given in
 * the session's group, arkworks-compressed. */
static int bi_open_exp_custom(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n < 2) return sl_expects(vm, "Share.open_exp_custom", "2 arguments: share, generator_bytes");
    const Group *g = native_group(vm);
    if (!g) return vm_error(vm, "MPC backend 'honeybadger-mpc' does not support Share.open_exp_custom");
    uint8_t *b;
    size_t len;
    StShare *s;
    if (!mpcvm_unwrap(vm, a[0], &s))
        return vm_error(vm, "Argument must be a share, got %s", val_type_name((ValueType)a[0].type));
    if (sl_read_bytes(vm, a[1], &b, &len) != ST_OK) return ST_ERR;
    GroupPoint base;
    char err[160];
    int rc = ST_OK;
    if (len < g->ark_len)
        rc = vm_error(vm, "deserialize generator: %s", CRYPTO_ERR_EOF);
    else if (g->decode_ark(&base, b, g->ark_len, err, sizeof err) != 0)
        rc = vm_error(vm, "deserialize generator: %s (%s)", CRYPTO_ERR_INVALID, err);
    free(b);
    if (rc != ST_OK) return rc;
    return open_exp(vm, a[0], g, &base, r);
}

int mpc_open_exp_register(VM *vm)
{
    if (vm_replace_native(vm, "Share.open_exp", bi_open_exp, NULL) != ST_OK) return ST_ERR;
    return vm_replace_native(vm, "Share.open_exp_custom", bi_open_exp_custom, NULL);
}
