/* mpc_builtins.c: the MPC builtins of the HoneyBadger backend (spec/mpc.md
 * §2, spec/vm-core.md §7.4) for a VM with an engine attached.  They replace
 * the "MPC engine not configured" registrations of stdlib_mpc.c.
 *
 * `Share.*` constructors return share objects (an Object with __type
 * "Share", __share_type, __data = the raw share, __party_id and the
 * precision fields), as upstream; every builtin accepts a share object or a
 * raw share.  Builtins that need the AVSS backend or curve groups (open_exp,
 * commitments) report that this backend does not offer them. */
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/engine.h"
#include "stdlib_internal.h"
#include "vm_internal.h"

static Fe *fe_of(StShare *s) { return (Fe *)(void *)s->bytes; }

static int set_str(VM *vm, StObject *o, const char *key, const char *val)
{
    StString *k = heap_new_string(&vm->heap, key, strlen(key));
    StString *v = heap_new_string(&vm->heap, val, strlen(val));
    if (!k || !v || !table_set(&vm->heap, &o->fields, val_string(k), val_string(v))) return vm_oom(vm);
    return ST_OK;
}

static int set_val(VM *vm, StObject *o, const char *key, Value v)
{
    StString *k = heap_new_string(&vm->heap, key, strlen(key));
    if (!k || !table_set(&vm->heap, &o->fields, val_string(k), v)) return vm_oom(vm);
    return ST_OK;
}

static const char *type_name(const StShare *s)
{
    return s->share_kind == SHARE_FIXED ? "SecretFixedPoint" : s->share_kind == SHARE_UINT ? "SecretUInt" : "SecretInt";
}

/* Wrap a raw share into a share object. */
static int share_object(VM *vm, Value share, Value *out)
{
    StShare *s = share.as.share;
    StObject *o = heap_new_object(&vm->heap);
    if (!o) return vm_oom(vm);
    int rc = set_str(vm, o, "__type", "Share");
    if (rc == ST_OK) rc = set_str(vm, o, "__share_type", type_name(s));
    if (rc == ST_OK) rc = set_val(vm, o, "__data", share);
    if (rc == ST_OK) rc = set_val(vm, o, "__party_id", val_i64(mpc_party(vm->mpc)));
    if (rc == ST_OK && s->share_kind == SHARE_FIXED) {
        rc = set_val(vm, o, "__precision_k", val_i64(s->bits));
        if (rc == ST_OK) rc = set_val(vm, o, "__precision_f", val_i64(s->frac));
    } else if (rc == ST_OK) {
        rc = set_val(vm, o, "__bit_length", val_i64(s->bits));
    }
    if (rc == ST_OK) *out = val_gc(VT_OBJECT, o);
    return rc;
}

static int arg_share(VM *vm, Value v, const char *what, StShare **out)
{
    if (mpcvm_unwrap(vm, v, out)) return ST_OK;
    return vm_error(vm, "%s must be a share, got %s", what, val_type_name((ValueType)v.type));
}

/* Apply a VM operation to shares and wrap the result as a share object. */
static int op_object(VM *vm, int op, Value a, Value b, Value *result)
{
    Value r;
    if (mpcvm_binary(vm, op, a, b, &r) != ST_OK) return ST_ERR;
    return r.type == VT_SHARE ? share_object(vm, r, result) : (*result = r, ST_OK);
}

/* ---- constructors ------------------------------------------------------------------ */

static int make_share(VM *vm, Value v, uint8_t kind, uint32_t bits, uint32_t frac, Value *result)
{
    const Field *f = mpc_field(vm->mpc);
    Fe x;
    if (kind == SHARE_FIXED) {
        double d = v.type == VT_FLOAT ? v.as.f : val_is_unsigned(v) ? (double)v.as.u : (double)v.as.i;
        if (v.type != VT_FLOAT && !val_is_int(v)) return vm_error(vm, "Value must be a number");
        int64_t scaled;
        if (fixed_from_double(d, frac, &scaled) != 0) return vm_error(vm, "Fixed-point value %g is out of range", d);
        fe_from_i64(f, &x, scaled);
    } else if (v.type == VT_BOOL) {
        fe_from_u64(f, &x, v.as.b);
    } else if (val_is_unsigned(v)) {
        fe_from_u64(f, &x, v.as.u);
    } else if (val_is_int(v)) {
        fe_from_i64(f, &x, v.as.i);
    } else {
        return vm_error(vm, "Value must be an integer, float or boolean, got %s", val_type_name((ValueType)v.type));
    }
    /* A public value: the degree-0 sharing of itself. */
    StShare *s = heap_new_share(&vm->heap, kind, bits, frac, (const uint8_t *)&x, sizeof x);
    if (!s) return vm_oom(vm);
    s->bound = (uint16_t)mpcvm_clear_bound(vm, &x); /* public: its own size */
    return share_object(vm, val_gc(VT_SHARE, s), result);
}

static int bi_from_clear(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 1) return sl_expects(vm, "Share.from_clear", "1 argument: value");
    if (a[0].type == VT_FLOAT) return make_share(vm, a[0], SHARE_FIXED, MPC_FIXED_TOTAL_BITS, MPC_FIXED_FRAC_BITS, r);
    return make_share(vm, a[0], SHARE_INT, a[0].type == VT_BOOL ? 1 : 64, 0, r);
}

static int bits_arg(VM *vm, Value v, const char *name, uint32_t *out)
{
    uint64_t b;
    if (sl_usize(vm, v, name, &b) != ST_OK) return ST_ERR;
    if (b == 0 || b > 64) return vm_error(vm, "%s must be between 1 and 64", name);
    *out = (uint32_t)b;
    return ST_OK;
}

static int bi_from_clear_int(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    uint32_t bits = 0;
    if (n != 2) return sl_expects(vm, "Share.from_clear_int", "2 arguments: value, bit_length");
    if (bits_arg(vm, a[1], "bit_length", &bits) != ST_OK) return ST_ERR;
    return make_share(vm, a[0], SHARE_INT, bits, 0, r);
}

static int bi_from_clear_uint(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    uint32_t bits = 0;
    if (n != 2) return sl_expects(vm, "Share.from_clear_uint", "2 arguments: value, bit_length");
    if (bits_arg(vm, a[1], "bit_length", &bits) != ST_OK) return ST_ERR;
    if (val_is_signed(a[0]) && a[0].as.i < 0) return vm_error(vm, "Value must be non-negative");
    return make_share(vm, a[0], SHARE_UINT, bits, 0, r);
}

static int bi_from_clear_fixed(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    uint32_t k = 0, f;
    if (n != 3) return sl_expects(vm, "Share.from_clear_fixed", "3 arguments: value, total_bits, fractional_bits");
    if (bits_arg(vm, a[1], "total_bits", &k) != ST_OK) return ST_ERR;
    uint64_t fr;
    if (sl_usize(vm, a[2], "fractional_bits", &fr) != ST_OK) return ST_ERR;
    if (fr >= k) return vm_error(vm, "fractional_bits must be less than total_bits");
    f = (uint32_t)fr;
    return make_share(vm, a[0], SHARE_FIXED, k, f, r);
}

/* ---- arithmetic ---------------------------------------------------------------------- */

static int bi_add(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x, *y;
    if (n != 2) return sl_expects(vm, "Share.add", "2 arguments: share, share");
    if (arg_share(vm, a[0], "First argument", &x) || arg_share(vm, a[1], "Second argument", &y)) return ST_ERR;
    return op_object(vm, STF_OP_ADD, a[0], a[1], r);
}

static int bi_sub(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x, *y;
    if (n != 2) return sl_expects(vm, "Share.sub", "2 arguments: share, share");
    if (arg_share(vm, a[0], "First argument", &x) || arg_share(vm, a[1], "Second argument", &y)) return ST_ERR;
    return op_object(vm, STF_OP_SUB, a[0], a[1], r);
}

static int bi_neg(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    if (n != 1) return sl_expects(vm, "Share.neg", "1 argument: share");
    if (arg_share(vm, a[0], "Argument", &x)) return ST_ERR;
    return op_object(vm, STF_OP_SUB, val_i64(0), a[0], r);
}

static int bi_add_scalar(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    if (n != 2) return sl_expects(vm, "Share.add_scalar", "2 arguments: share, scalar");
    if (arg_share(vm, a[0], "First argument", &x)) return ST_ERR;
    if (!val_is_int(a[1])) return vm_error(vm, "Scalar must be an integer");
    return op_object(vm, STF_OP_ADD, a[0], a[1], r);
}

static int bi_mul_scalar(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    if (n != 2) return sl_expects(vm, "Share.mul_scalar", "2 arguments: share, scalar");
    if (arg_share(vm, a[0], "First argument", &x)) return ST_ERR;
    if (!val_is_int(a[1])) return vm_error(vm, "Scalar must be an integer");
    return op_object(vm, STF_OP_MUL, a[0], a[1], r);
}

static int bi_mul(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x, *y;
    if (n != 2) return sl_expects(vm, "Share.mul", "2 arguments: share, share or integer");
    if (arg_share(vm, a[0], "First argument", &x)) return ST_ERR;
    if (!val_is_int(a[1]) && arg_share(vm, a[1], "Second argument", &y)) return ST_ERR;
    return op_object(vm, STF_OP_MUL, a[0], a[1], r);
}

/* Elements of an array argument as shares. */
static int share_list(VM *vm, Value v, const char *what, StShare ***out, uint32_t *count)
{
    StArray *arr;
    if (v.type != VT_ARRAY) return vm_error(vm, "%s must be an array of shares", what);
    arr = v.as.arr;
    if (arr->len > SL_ARRAY_MAX) return vm_error(vm, "array too large");
    StShare **s = malloc(((size_t)arr->len + 1) * sizeof *s);
    if (!s) return vm_oom(vm);
    for (int64_t i = 0; i < arr->len; i++) {
        if (!mpcvm_unwrap(vm, array_get_index(arr, i), &s[i])) {
            free(s);
            return vm_error(vm, "%s element %lld is not a share", what, (long long)i);
        }
    }
    *out = s;
    *count = (uint32_t)arr->len;
    return ST_OK;
}

static int bi_batch_mul(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 2) return sl_expects(vm, "Share.batch_mul", "2 arguments: lefts, rights");
    StShare **l, **rt;
    uint32_t nl, nr;
    if (share_list(vm, a[0], "lefts", &l, &nl) != ST_OK) return ST_ERR;
    if (share_list(vm, a[1], "rights", &rt, &nr) != ST_OK) {
        free(l);
        return ST_ERR;
    }
    int rc = nl == nr ? ST_OK : vm_error(vm, "lefts and rights must have the same length (%u vs %u)", nl, nr);
    StArray *out = NULL;
    if (rc == ST_OK) rc = sl_new_array(vm, nl, &out);
    /* Each product is queued; the whole batch goes out in one round when
     * the first result is used. */
    for (uint32_t i = 0; rc == ST_OK && i < nl; i++) {
        Value p;
        rc = op_object(vm, STF_OP_MUL, val_gc(VT_SHARE, l[i]), val_gc(VT_SHARE, rt[i]), &p);
        if (rc == ST_OK) rc = sl_array_push(vm, out, p);
    }
    free(l);
    free(rt);
    if (rc == ST_OK) *r = val_gc(VT_ARRAY, out);
    return rc;
}

/* ---- opening and output ----------------------------------------------------------- */

static int bi_open(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    if (n != 1) return sl_expects(vm, "Share.open", "1 argument: share");
    if (arg_share(vm, a[0], "Argument", &x)) return ST_ERR;
    return mpcvm_open_many(vm, &x, 1, r);
}

static int bi_batch_open(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 1) return sl_expects(vm, "Share.batch_open", "1 argument: array of shares");
    StShare **s;
    uint32_t count;
    if (share_list(vm, a[0], "Argument", &s, &count) != ST_OK) return ST_ERR;
    Value *vals = malloc(((size_t)count + 1) * sizeof *vals);
    StArray *out = NULL;
    int rc = vals ? mpcvm_open_many(vm, s, count, vals) : vm_oom(vm);
    if (rc == ST_OK) rc = sl_new_array(vm, count, &out);
    for (uint32_t i = 0; rc == ST_OK && i < count; i++) rc = sl_array_push(vm, out, vals[i]);
    free(vals);
    free(s);
    if (rc == ST_OK) *r = val_gc(VT_ARRAY, out);
    return rc;
}

static int bi_open_field(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    if (n != 1) return sl_expects(vm, "Share.open_field", "1 argument: share");
    if (arg_share(vm, a[0], "Argument", &x)) return ST_ERR;
    Fe v;
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    if (x->pending && mpcvm_flush(vm) != ST_OK) return ST_ERR;
    if (mpc_round(vm->mpc, fe_of(x), 1, &v, NULL, NULL, 0, NULL) != 0)
        return vm_error(vm, "MPC protocol failed: %s", mpc_error(vm->mpc));
    uint8_t bytes[32];
    fe_to_bytes(mpc_field(vm->mpc), bytes, &v);
    return sl_byte_array(vm, bytes, sizeof bytes, r);
}

/* Shares of one value or an array of values to a client. */
static int send_to_client(VM *vm, Value what, Value client_v, Value *r)
{
    uint64_t client;
    if (sl_usize(vm, client_v, "client_id", &client) != ST_OK) return ST_ERR;
    if (client >= mpc_client_count(vm->mpc)) return vm_error(vm, "No client with id %llu", (unsigned long long)client);
    StShare **s = NULL, *one;
    uint32_t count = 1;
    if (what.type == VT_ARRAY) {
        if (share_list(vm, what, "Value", &s, &count) != ST_OK) return ST_ERR;
    } else if (arg_share(vm, what, "Value", &one) == ST_OK) {
        s = &one;
    } else {
        return ST_ERR;
    }
    int rc = mpcvm_flush(vm);
    Fe *vals = malloc(((size_t)count + 1) * sizeof(Fe));
    if (rc == ST_OK && !vals) rc = vm_oom(vm);
    /* the values' types go with them: the client shows them as typed */
    MpcOutputType *types = malloc(((size_t)count + 1) * sizeof *types);
    if (rc == ST_OK && !types) rc = vm_oom(vm);
    for (uint32_t i = 0; rc == ST_OK && i < count; i++) {
        vals[i] = *fe_of(s[i]);
        types[i] = (MpcOutputType){ s[i]->share_kind, s[i]->bits, s[i]->frac };
    }
    if (rc == ST_OK && (mpc_send_output_types(vm->mpc, (uint32_t)client, types, count) != 0 ||
                        mpc_send_to_client(vm->mpc, (uint32_t)client, vals, count) != 0))
        rc = vm_error(vm, "MPC protocol failed: %s", mpc_error(vm->mpc));
    free(types);
    if (vals) sodium_memzero(vals, ((size_t)count + 1) * sizeof(Fe));
    free(vals);
    if (s != &one) free(s);
    if (rc == ST_OK) *r = val_bool(true);
    return rc;
}

static int bi_send_to_client(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 2) return sl_expects(vm, "Share.send_to_client", "2 arguments: share, client_id");
    return send_to_client(vm, a[0], a[1], r);
}

static int bi_output_send(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 2) return sl_expects(vm, "MpcOutput.send_to_client", "2 arguments: client_id, share_value");
    return send_to_client(vm, a[1], a[0], r);
}

/* ---- metadata and randomness ---------------------------------------------------------- */

static int bi_get_type(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    if (n != 1) return sl_expects(vm, "Share.get_type", "1 argument: share");
    if (arg_share(vm, a[0], "Argument", &x)) return ST_ERR;
    const char *t = type_name(x);
    return vm_new_string(vm, t, strlen(t), r);
}

static int bi_get_party_id(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    if (n != 1) return sl_expects(vm, "Share.get_party_id", "1 argument: share");
    if (arg_share(vm, a[0], "Argument", &x)) return ST_ERR;
    *r = val_i64(mpc_party(vm->mpc));
    return ST_OK;
}

static int random_share(VM *vm, uint8_t kind, uint32_t bits, Value *r)
{
    Fe x;
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    if (mpc_random(vm->mpc, &x, 1) != 0) return vm_error(vm, "MPC protocol failed: %s", mpc_error(vm->mpc));
    StShare *s = heap_new_share(&vm->heap, kind, bits, 0, (const uint8_t *)&x, sizeof x);
    sodium_memzero(&x, sizeof x);
    if (!s) return vm_oom(vm);
    s->bound = MPC_BOUND_MAX; /* a uniform field element (docs/mpc.md "Share bounds") */
    return share_object(vm, val_gc(VT_SHARE, s), r);
}

static int bi_random(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 0) return sl_expects(vm, "Share.random", "no arguments");
    return random_share(vm, SHARE_INT, 64, r);
}

static int bi_random_field(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 0) return sl_expects(vm, "Share.random_field", "no arguments");
    return random_share(vm, SHARE_UINT, 256, r);
}

/* A field element given as a byte array (32 bytes, little-endian, < p). */
static int field_bytes(VM *vm, Value v, Fe *out)
{
    uint8_t *bytes = NULL;
    size_t n = 0;
    if (sl_read_bytes(vm, v, &bytes, &n) != ST_OK) return ST_ERR;
    uint8_t buf[32] = { 0 };
    int rc = ST_OK;
    if (n > 32)
        rc = vm_error(vm, "field element must be at most 32 bytes, got %zu", n);
    else
        memcpy(buf, bytes, n);
    free(bytes);
    if (rc == ST_OK && fe_from_bytes(mpc_field(vm->mpc), out, buf) != 0)
        rc = vm_error(vm, "field element is not below the field modulus");
    return rc;
}

static int field_op(VM *vm, const char *name, const Value *a, uint32_t n, bool mul, Value *r)
{
    StShare *x;
    Fe k, v, z;
    if (n != 2) return sl_expects(vm, name, "2 arguments: share, field_bytes");
    if (arg_share(vm, a[0], "First argument", &x) || field_bytes(vm, a[1], &k)) return ST_ERR;
    if (x->pending && mpcvm_flush(vm) != ST_OK) return ST_ERR;
    v = *fe_of(x);
    if (mul)
        fe_mul(mpc_field(vm->mpc), &z, &v, &k);
    else
        fe_add(mpc_field(vm->mpc), &z, &v, &k); /* a public constant is its own degree-0 share */
    StShare *s = heap_new_share(&vm->heap, x->share_kind, x->bits, x->frac, (const uint8_t *)&z, sizeof z);
    if (!s) return vm_oom(vm);
    /* k as a field element may be anything: its bits as an unsigned number */
    uint64_t kl[4];
    fe_to_limbs(mpc_field(vm->mpc), kl, &k);
    unsigned kb = 0;
    for (int i = 3; i >= 0 && !kb; i--)
        if (kl[i]) kb = 64 * (unsigned)i + mpc_bound_bits(kl[i]);
    s->bound = mul ? mpc_bound_mul(x->bound, kb) : mpc_bound_add(x->bound, kb);
    return share_object(vm, val_gc(VT_SHARE, s), r);
}

static int bi_mul_field(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return field_op(vm, "Share.mul_field", a, n, true, r);
}

static int bi_add_field(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return field_op(vm, "Share.add_field", a, n, false, r);
}

/* Reinterpret an integer share's bit length (no reduction of the value). */
static int bi_retag(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    uint32_t bits = 0;
    if (n != 2) return sl_expects(vm, "Share.retag", "2 arguments: share, bit_length");
    if (arg_share(vm, a[0], "First argument", &x) || bits_arg(vm, a[1], "bit_length", &bits)) return ST_ERR;
    if (x->share_kind == SHARE_FIXED) return vm_error(vm, "Share.retag requires an integer share");
    if (x->pending && mpcvm_flush(vm) != ST_OK) return ST_ERR;
    StShare *s = heap_new_share(&vm->heap, SHARE_INT, bits, 0, x->bytes, x->len);
    if (!s) return vm_oom(vm);
    s->bound = x->bound; /* the same value */
    return share_object(vm, val_gc(VT_SHARE, s), r);
}

static int bi_open_fixed(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    if (n != 1) return sl_expects(vm, "Share.open_fixed", "1 argument: share");
    if (arg_share(vm, a[0], "Argument", &x)) return ST_ERR;
    if (x->share_kind == SHARE_FIXED) return mpcvm_open_many(vm, &x, 1, r);
    /* An integer share read as fixed point with the default precision. */
    StShare as_fixed = *x;
    as_fixed.share_kind = SHARE_FIXED;
    as_fixed.bits = MPC_FIXED_TOTAL_BITS;
    as_fixed.frac = MPC_FIXED_FRAC_BITS;
    if (x->pending && mpcvm_flush(vm) != ST_OK) return ST_ERR;
    StShare *copy = heap_new_share(&vm->heap, SHARE_FIXED, as_fixed.bits, as_fixed.frac, x->bytes, x->len);
    if (!copy) return vm_oom(vm);
    return mpcvm_open_many(vm, &copy, 1, r);
}

/* Reconstruct from shares held locally (share objects of different
 * parties, e.g. gathered for a test): robustly, from at least 2t+1. */
static int bi_interpolate_local(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 1) return sl_expects(vm, "Share.interpolate_local", "1 argument: shares_array");
    if (a[0].type != VT_ARRAY) return vm_error(vm, "shares_array must be an array of shares");
    StArray *arr = a[0].as.arr;
    uint32_t t = mpc_t(vm->mpc), nparties = mpc_n(vm->mpc);
    if (arr->len == 0) return vm_error(vm, "Cannot interpolate from empty array");
    if (arr->len < 2 * (int64_t)t + 1)
        return vm_error(vm, "Need at least %u shares for interpolation, got %lld", 2 * t + 1, (long long)arr->len);
    if (arr->len > nparties) return vm_error(vm, "More shares (%lld) than parties (%u)", (long long)arr->len, nparties);
    unsigned parties[ST_MAX_PARTIES];
    Fe vals[ST_MAX_PARTIES];
    StShare *first = NULL;
    for (int64_t i = 0; i < arr->len; i++) {
        Value e = array_get_index(arr, i), pid = val_i64(mpc_party(vm->mpc));
        StShare *sh;
        if (!mpcvm_unwrap(vm, e, &sh)) return vm_error(vm, "shares_array element %lld is not a share", (long long)i);
        if (e.type == VT_OBJECT) {
            StString *k = heap_new_string(&vm->heap, "__party_id", 10);
            if (!k) return vm_oom(vm);
            (void)table_get(&e.as.obj->fields, val_string(k), &pid);
        }
        if (!val_is_int(pid) || pid.as.i < 0 || pid.as.i >= nparties)
            return vm_error(vm, "shares_array element %lld has no valid party id", (long long)i);
        if (first && (first->share_kind != sh->share_kind || first->bits != sh->bits || first->frac != sh->frac))
            return vm_error(vm, "shares_array mixes share types");
        if (sh->pending && mpcvm_flush(vm) != ST_OK) return ST_ERR;
        first = first ? first : sh;
        parties[i] = (unsigned)pid.as.i;
        vals[i] = *fe_of(sh);
    }
    Fe secret;
    int st = mpc_reconstruct(vm->mpc, parties, vals, (unsigned)arr->len, &secret);
    sodium_memzero(vals, sizeof vals);
    if (st == -1) return vm_error(vm, "shares_array has duplicate or invalid party ids");
    if (st != 0) return vm_error(vm, "the shares do not determine a value (too few consistent shares)");
    return mpcvm_decode(vm, first, &secret, r);
}

static int bi_commitment_count(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    if (n != 1) return sl_expects(vm, "Share.commitment_count", "1 argument: share");
    if (arg_share(vm, a[0], "Argument", &x)) return ST_ERR;
    *r = val_i64(0); /* HoneyBadger shares carry no commitments */
    return ST_OK;
}

static int bi_has_commitments(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *x;
    if (n != 1) return sl_expects(vm, "Share.has_commitments", "1 argument: share");
    if (arg_share(vm, a[0], "Argument", &x)) return ST_ERR;
    *r = val_bool(false);
    return ST_OK;
}

static int bi_avss_only(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return vm_error(vm, "%s is not offered by the HoneyBadger backend", (const char *)ud);
}

/* ---- Mpc.* and ClientStore.* -------------------------------------------------------- */

static int bi_party_id(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    *r = val_i64(mpc_party(vm->mpc));
    return ST_OK;
}
static int bi_n_parties(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    *r = val_i64(mpc_n(vm->mpc));
    return ST_OK;
}
static int bi_threshold(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    *r = val_i64(mpc_t(vm->mpc));
    return ST_OK;
}
static int bi_instance_id(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    *r = val_uint(VT_U64, mpc_instance(vm->mpc));
    return ST_OK;
}
static int bi_is_ready(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    *r = val_bool(true);
    return ST_OK;
}

static int bi_protocol_name(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return vm_new_string(vm, "honeybadger-mpc", 15, r);
}

static int bi_client_count(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    *r = val_i64(mpc_client_count(vm->mpc));
    return ST_OK;
}

static int take_share(VM *vm, const char *name, const Value *a, uint32_t n, uint8_t kind, uint32_t bits, uint32_t frac,
                      Value *r)
{
    uint64_t client, index;
    if (n != 2) return sl_expects(vm, name, "2 arguments: client_index, share_index");
    if (sl_usize(vm, a[0], "client_index", &client) != ST_OK || sl_usize(vm, a[1], "share_index", &index) != ST_OK)
        return ST_ERR;
    if (client >= mpc_client_count(vm->mpc)) return vm_error(vm, "No client at index %llu", (unsigned long long)client);
    Fe x;
    if (index > UINT32_MAX || mpc_client_input(vm->mpc, (uint32_t)client, (uint32_t)index, &x) != 0)
        return vm_error(vm, "Client %llu has no input at index %llu", (unsigned long long)client,
                        (unsigned long long)index);
    /* range-checked against its declared type, at most 64 bits, whatever
     * the program takes it as (docs/mpc.md "Client input ranges") */
    uint32_t bound = 64;
    for (uint32_t k = 0; k < vm->n_uint_inputs; k++)
        if (vm->uint_inputs[k].client == client && vm->uint_inputs[k].index == index) {
            /* session.c's input_range: 1..64 bits, else any 64-bit value */
            if (vm->uint_inputs[k].bits >= 1 && vm->uint_inputs[k].bits < bound) bound = vm->uint_inputs[k].bits;
            /* a SecretUInt input of the manifest is one here too (upstream) */
            if (kind == SHARE_INT && bits == 64 && vm->uint_inputs[k].tag == 2) {
                kind = SHARE_UINT;
                bits = vm->uint_inputs[k].bits;
            }
        }
    StShare *s = heap_new_share(&vm->heap, kind, bits, frac, (const uint8_t *)&x, sizeof x);
    sodium_memzero(&x, sizeof x);
    if (!s) return vm_oom(vm);
    s->bound = bound;
    *r = val_gc(VT_SHARE, s); /* raw share, as upstream */
    return ST_OK;
}

static int bi_take_share(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return take_share(vm, "ClientStore.take_share", a, n, SHARE_INT, 64, 0, r);
}

static int bi_take_share_bool(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return take_share(vm, "ClientStore.take_share_bool", a, n, SHARE_INT, 1, 0, r);
}

static int bi_take_share_fixed(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return take_share(vm, "ClientStore.take_share_fixed", a, n, SHARE_FIXED, MPC_FIXED_TOTAL_BITS, MPC_FIXED_FRAC_BITS,
                      r);
}

int mpc_builtins_register(VM *vm)
{
    static const struct {
        const char *name;
        NativeFn fn;
    } real[] = {
        { "Share.from_clear", bi_from_clear },
        { "Share.from_clear_int", bi_from_clear_int },
        { "Share.from_clear_uint", bi_from_clear_uint },
        { "Share.from_clear_fixed", bi_from_clear_fixed },
        { "Share.add", bi_add },
        { "Share.sub", bi_sub },
        { "Share.neg", bi_neg },
        { "Share.add_scalar", bi_add_scalar },
        { "Share.mul_scalar", bi_mul_scalar },
        { "Share.mul", bi_mul },
        { "Share.batch_mul", bi_batch_mul },
        { "Share.open", bi_open },
        { "Share.batch_open", bi_batch_open },
        { "Share.open_field", bi_open_field },
        { "Share.send_to_client", bi_send_to_client },
        { "MpcOutput.send_to_client", bi_output_send },
        { "Share.get_type", bi_get_type },
        { "Share.get_party_id", bi_get_party_id },
        { "Share.random", bi_random },
        { "Share.random_field", bi_random_field },
        { "Share.mul_field", bi_mul_field },
        { "Share.add_field", bi_add_field },
        { "Share.retag", bi_retag },
        { "Share.open_fixed", bi_open_fixed },
        { "Share.interpolate_local", bi_interpolate_local },
        { "Share.commitment_count", bi_commitment_count },
        { "Share.has_commitments", bi_has_commitments },
        { "Mpc.party_id", bi_party_id },
        { "Mpc.n_parties", bi_n_parties },
        { "Mpc.threshold", bi_threshold },
        { "Mpc.instance_id", bi_instance_id },
        { "Mpc.is_ready", bi_is_ready },
        { "Mpc.protocol_name", bi_protocol_name },
        { "ClientStore.get_number_clients", bi_client_count },
        { "ClientStore.get_number_input_clients", bi_client_count },
        { "ClientStore.get_number_output_clients", bi_client_count },
        { "ClientStore.take_share", bi_take_share },
        { "ClientStore.take_share_bool", bi_take_share_bool },
        { "ClientStore.take_share_fixed", bi_take_share_fixed },
    };
    static const char *const avss_only[] = {
        "Share.get_commitment",
    };
    for (size_t i = 0; i < sizeof real / sizeof real[0]; i++)
        if (vm_replace_native(vm, real[i].name, real[i].fn, NULL) != ST_OK) return ST_ERR;
    for (size_t i = 0; i < sizeof avss_only / sizeof avss_only[0]; i++)
        if (vm_replace_native(vm, avss_only[i], bi_avss_only, (void *)avss_only[i]) != ST_OK) return ST_ERR;
    if (rbc_builtins_register(vm) != ST_OK) return ST_ERR; /* rbc_builtins.c */
    if (mpc_compare_builtins_register(vm) != ST_OK) return ST_ERR;
    return mpc_open_exp_register(vm); /* Share.open_exp, Share.open_exp_custom (mpc_open_exp.c) */
}
