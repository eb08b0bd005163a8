/* local_store.c: LocalStorage.* (spec/vm-core.md §7.1) on a KvStore.
 *
 * A key is a string or a byte array; both mean their bytes, so "k" and
 * Bytes.from_string("k") are the same key.  A value is encoded with its
 * type (layout in docs/storage.md), so a stored U8 loads as a U8 and a
 * share keeps its kind, bit length and precision.  Encoded buffers may
 * hold share bytes and are wiped after use. */
#include "vm/stdlib_storage.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/engine.h"
#include "vm/stdlib_internal.h"
#include "vm/vm_internal.h"

#define CODEC_MAGIC0 'S'
#define CODEC_MAGIC1 'V'
#define CODEC_VERSION 1
#define CODEC_DEPTH 64

/* ---- encoding ------------------------------------------------------------------ */

typedef struct {
    uint8_t *b;
    size_t n, cap;
    bool oom;
} Buf;

static void put(Buf *b, const void *p, size_t k)
{
    if (b->oom) return;
    if (b->n + k > b->cap) {
        size_t ncap = b->cap ? b->cap : 256;
        while (ncap < b->n + k) ncap *= 2;
        uint8_t *nb = malloc(ncap);
        if (!nb || b->n + k > KV_VALUE_MAX + 1) {
            free(nb);
            b->oom = true;
            return;
        }
        if (b->b) {
            memcpy(nb, b->b, b->n);
            sodium_memzero(b->b, b->cap);
            free(b->b);
        }
        b->b = nb;
        b->cap = ncap;
    }
    memcpy(b->b + b->n, p, k);
    b->n += k;
}

static void put_u8(Buf *b, uint8_t v) { put(b, &v, 1); }

static void put_u32(Buf *b, uint32_t v)
{
    uint8_t p[4];
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
    put(b, p, 4);
}

static void put_u64(Buf *b, uint64_t v)
{
    uint8_t p[8];
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
    put(b, p, 8);
}

static void buf_wipe(Buf *b)
{
    if (b->b) {
        sodium_memzero(b->b, b->cap);
        free(b->b);
    }
    b->b = NULL;
    b->n = b->cap = 0;
}

static int encode(VM *vm, Buf *b, Value v, int depth);

static int encode_pairs(VM *vm, Buf *b, const Table *t, int depth)
{
    put_u32(b, t->count);
    const TableEntry *e;
    for (uint32_t it = 0; table_next(t, &it, &e);)
        if (encode(vm, b, e->key, depth) != ST_OK || encode(vm, b, e->value, depth) != ST_OK) return ST_ERR;
    return ST_OK;
}

static int encode(VM *vm, Buf *b, Value v, int depth)
{
    if (depth >= CODEC_DEPTH)
        return vm_error(vm, "value nested more than %d levels deep (a cycle?) cannot be stored", CODEC_DEPTH);
    put_u8(b, v.type);
    switch ((ValueType)v.type) {
    case VT_UNIT: break;
    case VT_I64:
    case VT_I32:
    case VT_I16:
    case VT_I8:
    case VT_U8:
    case VT_U16:
    case VT_U32:
    case VT_U64: put_u64(b, v.as.u); break;
    case VT_FLOAT: {
        uint64_t bits;
        memcpy(&bits, &v.as.f, 8);
        put_u64(b, bits);
        break;
    }
    case VT_BOOL: put_u8(b, v.as.b ? 1 : 0); break;
    case VT_STRING:
        put_u32(b, v.as.str->len);
        put(b, v.as.str->chars, v.as.str->len);
        break;
    case VT_ARRAY: {
        const StArray *a = v.as.arr;
        put_u64(b, (uint64_t)a->len);
        put_u32(b, a->dlen);
        for (uint32_t i = 0; i < a->dlen; i++)
            if (encode(vm, b, array_dense_get(a, i), depth + 1) != ST_OK) return ST_ERR;
        return encode_pairs(vm, b, &a->extra, depth + 1);
    }
    case VT_OBJECT: return encode_pairs(vm, b, &v.as.obj->fields, depth + 1);
    case VT_SHARE: {
        StShare *s = v.as.share;
        if (!vm->mpc || s->len != sizeof(Fe)) return vm_error(vm, "a share can only be stored in an MPC session");
        if (s->pending && mpcvm_flush(vm) != ST_OK) return ST_ERR;
        const Field *f = mpc_field(vm->mpc);
        size_t nl = strlen(f->name);
        uint8_t canon[32];
        /* a loaded share is taken to be within its type: bring a wider
         * value into it first where a wrap can (docs/mpc.md "Share bounds") */
        Fe sv = *(const Fe *)(const void *)s->bytes;
        unsigned sb = s->bound;
        if (sb > s->bits && sb <= mpc_bound_limit(vm->mpc) && s->bits <= 64 &&
            mpcvm_fit(vm, "store", s->share_kind, s->bits, &sv, &sb, 1) != ST_OK)
            return ST_ERR;
        fe_to_bytes(f, canon, &sv);
        sodium_memzero(&sv, sizeof sv);
        put_u8(b, s->share_kind);
        put_u32(b, s->bits);
        put_u32(b, s->frac);
        put_u8(b, (uint8_t)nl);
        put(b, f->name, nl);
        put(b, canon, 32);
        sodium_memzero(canon, sizeof canon);
        break;
    }
    default: return vm_error(vm, "a %s cannot be stored", val_type_name((ValueType)v.type));
    }
    return ST_OK;
}

/* ---- decoding ------------------------------------------------------------------ */

typedef struct {
    const uint8_t *p;
    size_t n, at;
    const char *key; /* for errors */
} Rd;

static int corrupt(VM *vm, const Rd *r)
{
    return vm_error(vm, "stored value of key '%s' is corrupt (at byte %zu)", r->key, r->at);
}

static int take(VM *vm, Rd *r, size_t k, const uint8_t **out)
{
    if (r->n - r->at < k) return corrupt(vm, r);
    *out = r->p + r->at;
    r->at += k;
    return ST_OK;
}

static int get_uint(VM *vm, Rd *r, unsigned bytes, uint64_t *out)
{
    const uint8_t *p = NULL;
    if (take(vm, r, bytes, &p) != ST_OK) return ST_ERR;
    uint64_t v = 0;
    for (int i = (int)bytes - 1; i >= 0; i--) v = (v << 8) | p[i];
    *out = v;
    return ST_OK;
}

static int decode(VM *vm, Rd *r, Value *out, int depth);

static int decode_pairs(VM *vm, Rd *r, Value target, int depth)
{
    uint64_t count = 0;
    if (get_uint(vm, r, 4, &count) != ST_OK) return ST_ERR;
    for (uint64_t i = 0; i < count; i++) {
        Value k, v;
        if (decode(vm, r, &k, depth) != ST_OK || decode(vm, r, &v, depth) != ST_OK) return ST_ERR;
        if (target.type == VT_ARRAY && k.type == VT_I64 && k.as.i >= 0) {
            if (sl_array_set(vm, target.as.arr, k.as.i, v) != ST_OK) return ST_ERR;
            continue;
        }
        Table *t = target.type == VT_OBJECT ? &target.as.obj->fields : &target.as.arr->extra;
        if (!table_set(&vm->heap, t, k, v)) return vm_oom(vm);
    }
    return ST_OK;
}

static int decode_share(VM *vm, Rd *r, Value *out)
{
    uint64_t kind = 0, bits = 0, frac = 0, nl = 0;
    const uint8_t *name = NULL, *canon = NULL;
    if (get_uint(vm, r, 1, &kind) != ST_OK || get_uint(vm, r, 4, &bits) != ST_OK ||
        get_uint(vm, r, 4, &frac) != ST_OK || get_uint(vm, r, 1, &nl) != ST_OK || take(vm, r, nl, &name) != ST_OK ||
        take(vm, r, 32, &canon) != ST_OK)
        return ST_ERR;
    if (kind > 2 || bits == 0 || bits > 256 || frac >= bits) return corrupt(vm, r);
    if (!vm->mpc) return vm_error(vm, "stored value of key '%s' is a share: loading it needs an MPC session", r->key);
    const Field *f = mpc_field(vm->mpc);
    if (strlen(f->name) != nl || memcmp(f->name, name, nl) != 0)
        return vm_error(vm, "stored share of key '%s' is over field %.*s, this session uses %s", r->key, (int)nl,
                        (const char *)name, f->name);
    Fe x;
    if (fe_from_bytes(f, &x, canon) != 0) return corrupt(vm, r);
    StShare *s =
        heap_new_share(&vm->heap, (uint8_t)kind, (uint32_t)bits, (uint32_t)frac, (const uint8_t *)&x, sizeof x);
    sodium_memzero(&x, sizeof x);
    if (!s) return vm_oom(vm);
    *out = val_gc(VT_SHARE, s);
    return ST_OK;
}

static int decode(VM *vm, Rd *r, Value *out, int depth)
{
    if (depth >= CODEC_DEPTH) return corrupt(vm, r);
    uint64_t tag = 0, u = 0;
    if (get_uint(vm, r, 1, &tag) != ST_OK) return ST_ERR;
    switch (tag) {
    case VT_UNIT: *out = val_unit(); return ST_OK;
    case VT_I64:
    case VT_I32:
    case VT_I16:
    case VT_I8:
        if (get_uint(vm, r, 8, &u) != ST_OK) return ST_ERR;
        if (!val_int_fits_i((ValueType)tag, (int64_t)u)) return corrupt(vm, r);
        *out = val_int((ValueType)tag, (int64_t)u);
        return ST_OK;
    case VT_U8:
    case VT_U16:
    case VT_U32:
    case VT_U64:
        if (get_uint(vm, r, 8, &u) != ST_OK) return ST_ERR;
        if (!val_int_fits_u((ValueType)tag, u)) return corrupt(vm, r);
        *out = val_uint((ValueType)tag, u);
        return ST_OK;
    case VT_FLOAT: {
        if (get_uint(vm, r, 8, &u) != ST_OK) return ST_ERR;
        double d;
        memcpy(&d, &u, 8);
        *out = val_float(d);
        return ST_OK;
    }
    case VT_BOOL:
        if (get_uint(vm, r, 1, &u) != ST_OK) return ST_ERR;
        if (u > 1) return corrupt(vm, r);
        *out = val_bool(u == 1);
        return ST_OK;
    case VT_STRING: {
        const uint8_t *p = NULL;
        if (get_uint(vm, r, 4, &u) != ST_OK || take(vm, r, u, &p) != ST_OK) return ST_ERR;
        return vm_new_string(vm, (const char *)p, u, out);
    }
    case VT_ARRAY: {
        uint64_t len = 0, dlen = 0;
        if (get_uint(vm, r, 8, &len) != ST_OK || get_uint(vm, r, 4, &dlen) != ST_OK) return ST_ERR;
        if (len > INT64_MAX || dlen > len || dlen > r->n - r->at) /* each item is a byte at least */
            return corrupt(vm, r);
        StArray *a;
        if (sl_new_array(vm, (int64_t)dlen, &a) != ST_OK) return ST_ERR;
        *out = val_gc(VT_ARRAY, a);
        for (uint64_t i = 0; i < dlen; i++) {
            Value v;
            if (decode(vm, r, &v, depth + 1) != ST_OK || sl_array_set(vm, a, (int64_t)i, v) != ST_OK) return ST_ERR;
        }
        if (decode_pairs(vm, r, *out, depth + 1) != ST_OK) return ST_ERR;
        if (a->len > (int64_t)len) return corrupt(vm, r);
        a->len = (int64_t)len;
        return ST_OK;
    }
    case VT_OBJECT: {
        StObject *o = heap_new_object(&vm->heap);
        if (!o) return vm_oom(vm);
        *out = val_gc(VT_OBJECT, o);
        return decode_pairs(vm, r, *out, depth + 1);
    }
    case VT_SHARE: return decode_share(vm, r, out);
    default: return corrupt(vm, r);
    }
}

/* ---- builtins ------------------------------------------------------------------ */

/* The key's bytes (a string's or a byte array's; *owned set if malloc'd). */
static int key_arg(VM *vm, const char *name, Value v, const uint8_t **key, size_t *klen, uint8_t **owned)
{
    *owned = NULL;
    if (v.type == VT_STRING) {
        *key = (const uint8_t *)v.as.str->chars;
        *klen = v.as.str->len;
    } else {
        /* anything else must be a byte array (upstream's errors) */
        if (sl_read_bytes(vm, v, owned, klen) != ST_OK) return ST_ERR;
        *key = *owned;
    }
    char err[128];
    if (kv_check_key(*klen, err, sizeof err) != 0) {
        free(*owned);
        *owned = NULL;
        return vm_error(vm, "%s: %s", name, err);
    }
    return ST_OK;
}

/* The key as text for error messages (cut, non-printable bytes as '?'). */
static void key_text(const uint8_t *key, size_t klen, char *out, size_t outlen)
{
    size_t n = klen < outlen - 1 ? klen : outlen - 1;
    for (size_t i = 0; i < n; i++) out[i] = key[i] >= 0x20 && key[i] < 0x7f ? (char)key[i] : '?';
    out[n] = 0;
}

typedef enum { OP_STORE, OP_LOAD, OP_DELETE, OP_EXISTS } StoreOp;

static int run_op(VM *vm, const char *name, StoreOp op, KvStore *kv, const Value *args, uint32_t argc, Value *result)
{
    if (argc != (op == OP_STORE ? 2u : 1u))
        return sl_expects(vm, name, op == OP_STORE ? "2 arguments: key and value" : "1 argument: key");
    const uint8_t *key = NULL;
    size_t klen = 0;
    uint8_t *owned = NULL;
    if (key_arg(vm, name, args[0], &key, &klen, &owned) != ST_OK) return ST_ERR;
    char err[512], ktext[80];
    key_text(key, klen, ktext, sizeof ktext);
    int rc = ST_OK, got;
    if (op == OP_STORE) {
        Buf b = { 0 };
        put_u8(&b, CODEC_MAGIC0);
        put_u8(&b, CODEC_MAGIC1);
        put_u8(&b, CODEC_VERSION);
        if (encode(vm, &b, args[1], 0) != ST_OK)
            rc = ST_ERR;
        else if (b.oom)
            rc = vm_error(vm, "%s: value of key '%s' is larger than %zu bytes encoded (or out of memory)", name, ktext,
                          KV_VALUE_MAX);
        else if (kv_put(kv, key, klen, b.b, b.n, err, sizeof err) != 0)
            rc = vm_error(vm, "%s: %s", name, err);
        else
            *result = val_bool(true);
        buf_wipe(&b);
    } else if (op == OP_LOAD) {
        uint8_t *val = NULL;
        size_t vlen = 0;
        got = kv_get(kv, key, klen, &val, &vlen, err, sizeof err);
        if (got < 0) {
            rc = vm_error(vm, "%s: %s", name, err);
        } else if (got == 0) {
            *result = val_unit();
        } else {
            Rd r = { val, vlen, 3, ktext };
            if (vlen < 3 || val[0] != CODEC_MAGIC0 || val[1] != CODEC_MAGIC1 || val[2] != CODEC_VERSION)
                rc = vm_error(vm, "%s: stored value of key '%s' is not in a known format", name, ktext);
            else if (decode(vm, &r, result, 0) != ST_OK)
                rc = ST_ERR;
            else if (r.at != vlen)
                rc = corrupt(vm, &r);
            sodium_memzero(val, vlen);
        }
        free(val);
    } else {
        got = op == OP_DELETE ? kv_delete(kv, key, klen, err, sizeof err) : kv_exists(kv, key, klen, err, sizeof err);
        if (got < 0)
            rc = vm_error(vm, "%s: %s", name, err);
        else
            *result = val_bool(got == 1);
    }
    free(owned);
    return rc;
}

static int bi_store(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return run_op(vm, "LocalStorage.store", OP_STORE, ud, a, n, r);
}

static int bi_load(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return run_op(vm, "LocalStorage.load", OP_LOAD, ud, a, n, r);
}

static int bi_load_share(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return run_op(vm, "LocalStorage.load_share", OP_LOAD, ud, a, n, r);
}

static int bi_retrieve(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return run_op(vm, "LocalStorage.retrieve", OP_LOAD, ud, a, n, r);
}

static int bi_delete(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return run_op(vm, "LocalStorage.delete", OP_DELETE, ud, a, n, r);
}

static int bi_exists(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return run_op(vm, "LocalStorage.exists", OP_EXISTS, ud, a, n, r);
}

int stdlib_storage_attach(VM *vm, KvStore *kv)
{
    static const struct {
        const char *name;
        NativeFn fn;
    } fns[] = {
        { "LocalStorage.store", bi_store },           { "LocalStorage.load", bi_load },
        { "LocalStorage.load_share", bi_load_share }, { "LocalStorage.retrieve", bi_retrieve },
        { "LocalStorage.delete", bi_delete },         { "LocalStorage.exists", bi_exists },
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (vm_replace_native(vm, fns[i].name, fns[i].fn, kv) != ST_OK) return ST_ERR;
    return ST_OK;
}
