/* avss_builtins.c: builtins of the AVSS backend (docs/avss.md).
 *
 * Share.random runs the distributed random sharing of mpc/avss.h and
 * returns a share object carrying, as upstream's AVSS shares do, the
 * Feldman commitments of its polynomial (`__commitments`: an array of
 * byte arrays, arkworks-compressed points; index 0 is secret·G, the public
 * key) and a `__key_name`.  Shares made by arithmetic carry none. */
#include "vm/avss_builtins.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mpc/engine.h"
#include "stdlib_internal.h"
#include "vm_internal.h"

const Group *avss_builtins_group(const char *c)
{
    if (!c || strcasecmp(c, "bls12-381") == 0 || strcasecmp(c, "bls12_381") == 0) return &group_bls12_381_g1;
    if (strcasecmp(c, "bn254") == 0) return &group_bn254_g1;
    if (strcasecmp(c, "ed25519") == 0 || strcasecmp(c, "curve25519") == 0) return &group_ed25519;
    if (strcasecmp(c, "secp256k1") == 0) return &group_secp256k1;
    if (strcasecmp(c, "p-256") == 0 || strcasecmp(c, "p256") == 0 || strcasecmp(c, "secp256r1") == 0)
        return &group_p256;
    return NULL;
}

static int set_field(VM *vm, StObject *o, const char *key, Value v)
{
    StString *k = heap_new_string(&vm->heap, key, strlen(key));
    if (!k || !table_set(&vm->heap, &o->fields, val_string(k), v)) return vm_oom(vm);
    return ST_OK;
}

static int set_text(VM *vm, StObject *o, const char *key, const char *text)
{
    StString *s = heap_new_string(&vm->heap, text, strlen(text));
    if (!s) return vm_oom(vm);
    return set_field(vm, o, key, val_string(s));
}

static int get_field(VM *vm, Value obj, const char *key, Value *out)
{
    if (obj.type != VT_OBJECT) return 0;
    StString *k = heap_new_string(&vm->heap, key, strlen(key));
    return k && table_get(&obj.as.obj->fields, val_string(k), out);
}

static int random_share(VM *vm, const Group *g, uint8_t kind, uint32_t bits, Value *r)
{
    static uint64_t counter; /* names only; per process */
    uint32_t t = mpc_t(vm->mpc);
    Fe x;
    GroupPoint commit[ST_MAX_PARTIES + 1];
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    if (mpc_avss_random(vm->mpc, g, &x, commit, NULL) != 0)
        return vm_error(vm, "MPC protocol failed: %s", mpc_error(vm->mpc));
    StShare *s = heap_new_share(&vm->heap, kind, bits, 0, (const uint8_t *)&x, sizeof x);
    sodium_memzero(&x, sizeof x);
    if (!s) return vm_oom(vm);
    s->bound = MPC_BOUND_MAX; /* a uniform field element (docs/mpc.md "Share bounds") */
    StObject *o = heap_new_object(&vm->heap);
    StArray *cs = heap_new_array(&vm->heap, t + 1);
    if (!o || !cs) return vm_oom(vm);
    *r = val_gc(VT_OBJECT, o);
    char name[64];
    snprintf(name, sizeof name, "avss-key-%llu", (unsigned long long)__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
    int rc = set_text(vm, o, "__type", "Share");
    if (rc == ST_OK) rc = set_text(vm, o, "__share_type", kind == 2 ? "SecretUInt" : "SecretInt");
    if (rc == ST_OK) rc = set_field(vm, o, "__data", val_gc(VT_SHARE, s));
    if (rc == ST_OK) rc = set_field(vm, o, "__party_id", val_i64(mpc_party(vm->mpc)));
    if (rc == ST_OK) rc = set_field(vm, o, "__bit_length", val_i64(bits));
    if (rc == ST_OK) rc = set_field(vm, o, "__commitments", val_gc(VT_ARRAY, cs));
    if (rc == ST_OK) rc = set_text(vm, o, "__key_name", name);
    for (uint32_t k = 0; rc == ST_OK && k <= t; k++) {
        uint8_t enc[GROUP_MAX_ENC];
        Value b;
        if (g->encode_ark(&commit[k], enc) != 0) return vm_error(vm, "serialize commitment: point encoding failed");
        rc = sl_byte_array(vm, enc, g->ark_len, &b);
        if (rc == ST_OK) rc = sl_array_push(vm, cs, b);
    }
    return rc;
}

static int bi_random(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 0) return sl_expects(vm, "Share.random", "no arguments");
    return random_share(vm, ud, 0, 64, r);
}

static int bi_random_field(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 0) return sl_expects(vm, "Share.random_field", "no arguments");
    return random_share(vm, ud, 2, 256, r);
}

/* As upstream's AVSS engine (its random_integer_share is random_share): a
 * distributed random sharing with commitments, typed secret int of
 * bit_length bits.  The compiler lowers `Share.random()` into a secret
 * intN to this, and threshold signing keys come from it. */
static int bi_random_int(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    uint64_t bits;
    if (n != 1) return sl_expects(vm, "Share.random_int", "1 argument: bit_length");
    if (sl_usize(vm, a[0], "bit_length", &bits) != ST_OK) return ST_ERR;
    if (bits == 0 || bits > 64)
        return vm_error(vm, "bit_length must be between 1 and 64, got %llu", (unsigned long long)bits);
    return random_share(vm, ud, 0, (uint32_t)bits, r);
}

/* The commitments of a share (NULL when it has none), after checking it is
 * a share at all. */
static int commitments(VM *vm, Value v, const char *what, StArray **out)
{
    StShare *s;
    if (!mpcvm_unwrap(vm, v, &s))
        return vm_error(vm, "%s must be a share, got %s", what, val_type_name((ValueType)v.type));
    Value c;
    *out = get_field(vm, v, "__commitments", &c) && c.type == VT_ARRAY ? c.as.arr : NULL;
    return ST_OK;
}

static int get_commitment(VM *vm, const char *fn, const Value *a, uint32_t n, Value *r)
{
    StArray *cs;
    uint64_t i;
    if (n != 2) return sl_expects(vm, fn, "2 arguments: share, index");
    if (commitments(vm, a[0], "First argument", &cs) != ST_OK || sl_usize(vm, a[1], "index", &i) != ST_OK)
        return ST_ERR;
    if (!cs) return vm_error(vm, "%s: the share has no commitments (only shares from Share.random carry them)", fn);
    if (i >= (uint64_t)cs->len)
        return vm_error(vm, "Commitment index %llu out of range (%lld commitments)", (unsigned long long)i,
                        (long long)cs->len);
    *r = array_get_index(cs, (int64_t)i);
    return ST_OK;
}

static int bi_get_commitment(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return get_commitment(vm, "Share.get_commitment", a, n, r);
}

static int bi_avss_get_commitment(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return get_commitment(vm, "Avss.get_commitment", a, n, r);
}

static int count(VM *vm, const char *fn, const Value *a, uint32_t n, Value *r, int as_bool)
{
    StArray *cs;
    if (n != 1) return sl_expects(vm, fn, "1 argument: share");
    if (commitments(vm, a[0], "Argument", &cs) != ST_OK) return ST_ERR;
    *r = as_bool ? val_bool(cs && cs->len) : val_i64(cs ? cs->len : 0);
    return ST_OK;
}

static int bi_commitment_count(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return count(vm, ud ? "Avss.commitment_count" : "Share.commitment_count", a, n, r, 0);
}

static int bi_has_commitments(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return count(vm, "Share.has_commitments", a, n, r, 1);
}

static int bi_get_key_name(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    Value k;
    if (n != 1) return sl_expects(vm, "Avss.get_key_name", "1 argument: avss_share");
    if (!get_field(vm, a[0], "__key_name", &k) || k.type != VT_STRING)
        return vm_error(vm, "Argument must be an AVSS share object");
    *r = k;
    return ST_OK;
}

static int bi_is_avss_share(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    Value k;
    StShare *s;
    if (n != 1) return sl_expects(vm, "Avss.is_avss_share", "1 argument: value");
    *r = val_bool(mpcvm_unwrap(vm, a[0], &s) && get_field(vm, a[0], "__key_name", &k) && k.type == VT_STRING);
    return ST_OK;
}

/* Mpc.curve / Mpc.field: the names Crypto.* take (as upstream, the
 * ed25519 scalar field is reported as curve25519). */
static const char *group_curve(const Group *g)
{
    return g == &group_bls12_381_g1 ? "bls12-381"
           : g == &group_bn254_g1   ? "bn254"
           : g == &group_ed25519    ? "curve25519"
           : g == &group_secp256k1  ? "secp256k1"
                                    : "p-256";
}

static int bi_curve(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    const char *name = group_curve(ud);
    return vm_new_string(vm, name, strlen(name), r);
}

static int bi_field(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    char name[32];
    snprintf(name, sizeof name, "%s-fr", group_curve(ud));
    return vm_new_string(vm, name, strlen(name), r);
}

static int bi_protocol_name(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return vm_new_string(vm, "avss", 4, r);
}

/* The Avss.* inspectors read a share object's fields and need no engine:
 * as upstream, every VM has them (Avss.is_avss_share is false for anything
 * but an AVSS share). */
int avss_builtins_register_inspectors(VM *vm)
{
    static const struct {
        const char *name;
        NativeFn fn;
        void *ud;
    } fns[] = {
        { "Avss.get_commitment", bi_avss_get_commitment, NULL },
        { "Avss.get_key_name", bi_get_key_name, NULL },
        { "Avss.commitment_count", bi_commitment_count, (void *)1 },
        { "Avss.is_avss_share", bi_is_avss_share, NULL },
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (vm_replace_native(vm, fns[i].name, fns[i].fn, fns[i].ud) != ST_OK) return ST_ERR;
    return ST_OK;
}

int avss_builtins_register(VM *vm, const Group *g)
{
    static const struct {
        const char *name;
        NativeFn fn;
        int tag;
    } fns[] = {
        { "Share.random", bi_random, 0 },
        { "Share.random_field", bi_random_field, 0 },
        { "Share.random_int", bi_random_int, 0 },
        { "Share.get_commitment", bi_get_commitment, 0 },
        { "Share.commitment_count", bi_commitment_count, 1 },
        { "Share.has_commitments", bi_has_commitments, 0 },
        { "Avss.get_commitment", bi_avss_get_commitment, 0 },
        { "Avss.get_key_name", bi_get_key_name, 0 },
        { "Avss.commitment_count", bi_commitment_count, 2 },
        { "Avss.is_avss_share", bi_is_avss_share, 0 },
        { "Mpc.protocol_name", bi_protocol_name, 0 },
        { "Mpc.curve", bi_curve, 3 },
        { "Mpc.field", bi_field, 3 },
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        /* the random builtins and the names need the group;
         * Avss.commitment_count its own name */
        void *ud =
            fns[i].tag == 2 ? (void *)1
            : (fns[i].tag == 3 || fns[i].fn == bi_random || fns[i].fn == bi_random_field || fns[i].fn == bi_random_int)
                ? (void *)g
                : NULL;
        if (vm_replace_native(vm, fns[i].name, fns[i].fn, ud) != ST_OK) return ST_ERR;
    }
    return ST_OK;
}
