/* stdlib.c: the standard library builtins (spec/vm-core.md §6, §7.1) that
 * are not list operations: objects and fields, length, print/to_string/
 * type/assert, the client store and local storage placeholders; plus the
 * helpers shared with stdlib_list.c and stdlib_mpc.c, and
 * stdlib_register().
 *
 * Error texts and argument conventions follow upstream's newer
 * standard_library.rs; deviations are noted where they happen. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "ffi.h"
#include "objects.h"
#include "stdlib_internal.h"

/* ---- argument helpers ----------------------------------------------------- */

int sl_expects(VM *vm, const char *fn, const char *desc) { return vm_error(vm, "%s expects %s", fn, desc); }

int sl_array_arg(VM *vm, Value v, const char *what, StArray **out)
{
    if (v.type != VT_ARRAY) return vm_error(vm, "%s must be an array", what);
    *out = v.as.arr;
    return ST_OK;
}

int sl_usize(VM *vm, Value v, const char *name, uint64_t *out)
{
    if (!val_is_int(v) || (val_is_signed(v) && v.as.i < 0))
        return vm_error(vm, "%s must be a non-negative integer", name);
    *out = v.as.u;
    return ST_OK;
}

int sl_i64(VM *vm, Value v, const char *name, int64_t *out)
{
    if (!val_is_int(v)) return vm_error(vm, "%s must be an integer", name);
    if (v.type == VT_U64 && v.as.u > (uint64_t)INT64_MAX) return vm_error(vm, "%s exceeds i64 range", name);
    *out = v.as.i;
    return ST_OK;
}

int sl_sindex(VM *vm, Value v, const char *name, SIndex *out)
{
    if (!val_is_int(v)) return vm_error(vm, "%s must be an integer, found %s", name, val_type_name((ValueType)v.type));
    if (val_is_signed(v) && v.as.i < 0) {
        out->neg = true;
        out->mag = (uint64_t)0 - v.as.u; /* exact even for INT64_MIN */
    } else {
        out->neg = false;
        out->mag = v.as.u;
    }
    return ST_OK;
}

/* ---- array helpers ----------------------------------------------------------- */

int sl_check_len(VM *vm, const StArray *a) { return a->len > SL_ARRAY_MAX ? vm_error(vm, "array too large") : ST_OK; }

int sl_materialize(VM *vm, StArray *a)
{
    if (a->len == (int64_t)a->dlen) return ST_OK;
    if (sl_check_len(vm, a) != ST_OK) return ST_ERR;
    Heap *h = vm_heap(vm);
    uint32_t old = a->dlen, n = (uint32_t)a->len;
    if (!array_reserve(h, a, n) || !array_unpack(h, a)) return vm_oom(vm); /* holes are Unit */
    /* Collect the positional keys first: deleting while iterating would
     * depend on the table's internals. */
    int64_t *keys = malloc(((size_t)a->extra.count + 1) * sizeof *keys);
    if (!keys) return vm_oom(vm);
    for (uint32_t i = old; i < n; i++) a->items[i] = val_unit();
    size_t nkeys = 0;
    uint32_t it = 0;
    const TableEntry *e;
    while (table_next(&a->extra, &it, &e)) {
        if (e->key.type == VT_I64 && e->key.as.i >= old && e->key.as.i < n) {
            array_note(a, e->value);
            a->items[e->key.as.i] = e->value;
            keys[nkeys++] = e->key.as.i;
        }
    }
    for (size_t i = 0; i < nkeys; i++) table_delete(&a->extra, val_i64(keys[i]));
    free(keys);
    a->dlen = n;
    return ST_OK;
}

int sl_new_array(VM *vm, int64_t cap_hint, StArray **out)
{
    uint32_t hint = cap_hint < 0 ? 0 : cap_hint > 4096 ? 4096 : (uint32_t)cap_hint;
    StArray *a = heap_new_array(vm_heap(vm), hint);
    if (!a) return vm_oom(vm);
    *out = a;
    return ST_OK;
}

int sl_array_set(VM *vm, StArray *a, int64_t index, Value v)
{
    /* The length is 1 + the highest index and must stay an int64. */
    if (index == INT64_MAX) return vm_error(vm, "array length 9223372036854775808 exceeds VM integer range");
    if (!array_set_index(vm_heap(vm), a, index, v)) return vm_oom(vm);
    return ST_OK;
}

int sl_array_push(VM *vm, StArray *a, Value v)
{
    if (a->len == INT64_MAX) return vm_error(vm, "array length 9223372036854775808 exceeds VM integer range");
    if (!array_push(vm_heap(vm), a, v)) return vm_oom(vm);
    return ST_OK;
}

static bool list_equal(Value x, Value y, int depth)
{
    if (x.type != VT_ARRAY || y.type != VT_ARRAY) return val_equal(x, y);
    const StArray *p = x.as.arr, *q = y.as.arr;
    if (p == q) return true;
    if (depth == 0) return false;
    if (p->len != q->len) return false;
    uint32_t n = p->dlen > q->dlen ? p->dlen : q->dlen;
    for (uint32_t i = 0; i < n; i++)
        if (!list_equal(array_get_index(p, i), array_get_index(q, i), depth - 1)) return false;
    /* Past both dense parts only stored elements can differ from Unit. */
    uint32_t it = 0;
    const TableEntry *e;
    while (table_next(&p->extra, &it, &e))
        if (e->key.type == VT_I64 && e->key.as.i >= n &&
            !list_equal(e->value, array_get_index(q, e->key.as.i), depth - 1))
            return false;
    it = 0;
    while (table_next(&q->extra, &it, &e))
        if (e->key.type == VT_I64 && e->key.as.i >= n &&
            !list_equal(array_get_index(p, e->key.as.i), e->value, depth - 1))
            return false;
    return true;
}

bool sl_list_equal(Value a, Value b) { return list_equal(a, b, 64); }

int sl_read_bytes(VM *vm, Value v, uint8_t **out, size_t *len)
{
    if (v.type != VT_ARRAY) return vm_error(vm, "Expected byte array");
    const StArray *a = v.as.arr;
    /* A hole is found by index dlen + extra.count at the latest, so the
     * buffer never needs more room than the array has elements. */
    int64_t stored = (int64_t)a->dlen + (int64_t)a->extra.count;
    int64_t n = a->len < stored ? a->len : stored;
    uint8_t *buf = malloc((size_t)n + 1);
    if (!buf) return vm_oom(vm);
    for (int64_t i = 0; i < a->len; i++) {
        Value b = array_get_index(a, i);
        if (b.type != VT_U8 || i >= n) {
            free(buf);
            return vm_error(vm, "Expected U8 at index %lld", (long long)i);
        }
        buf[i] = (uint8_t)b.as.u;
    }
    *out = buf;
    *len = (size_t)a->len;
    return ST_OK;
}

int sl_byte_array(VM *vm, const uint8_t *bytes, size_t len, Value *out)
{
    StArray *a = NULL;
    if (sl_new_array(vm, 0, &a) != ST_OK) return ST_ERR;
    if (len > (size_t)SL_ARRAY_MAX) return vm_error(vm, "array too large");
    if (!array_reserve(vm_heap(vm), a, (uint32_t)len)) return vm_oom(vm);
    for (size_t i = 0; i < len; i++)
        if (sl_array_push(vm, a, val_uint(VT_U8, bytes[i])) != ST_OK) return ST_ERR;
    *out = val_gc(VT_ARRAY, a);
    return ST_OK;
}

/* ---- strings -------------------------------------------------------------------- */

uint64_t sl_utf8_count(const char *s, size_t len)
{
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

size_t sl_utf8_offset(const char *s, size_t len, uint64_t index)
{
    size_t i = 0;
    for (uint64_t c = 0; i < len; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
        if (c++ == index) return i;
    }
    return len;
}

/* ---- hooks --------------------------------------------------------------------- */

static int fire_table_event(VM *vm, Value target, bool write, Value key, Value value, Value old)
{
    HookEvent ev;
    memset(&ev, 0, sizeof ev);
    if (target.type == VT_ARRAY) {
        ev.kind = write ? HOOK_ARRAY_ELEMENT_WRITE : HOOK_ARRAY_ELEMENT_READ;
        ev.id = target.as.arr->id;
    } else {
        ev.kind = write ? HOOK_OBJECT_FIELD_WRITE : HOOK_OBJECT_FIELD_READ;
        ev.id = target.as.obj->id;
    }
    ev.key = key;
    ev.value = value;
    ev.old = old;
    return vm_fire_hook(vm, &ev); /* fills in function and depth */
}

/* ---- objects and fields ------------------------------------------------------------ */

static int bi_create_object(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StObject *o = heap_new_object(vm_heap(vm));
    if (!o) return vm_oom(vm);
    *result = val_gc(VT_OBJECT, o);
    return ST_OK;
}

static int bi_create_array(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    uint64_t cap = 0;
    if (argc >= 1 && sl_usize(vm, args[0], "array capacity", &cap) != ST_OK) return ST_ERR;
    StArray *a = NULL;
    if (sl_new_array(vm, cap > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)cap, &a) != ST_OK) return ST_ERR;
    *result = val_gc(VT_ARRAY, a);
    return ST_OK;
}

/* Negative integer keys of arrays count from the end (Python style) and
 * become I64 indices; other keys are used as given. */
static int resolve_array_key(VM *vm, const StArray *a, Value *key)
{
    if (!val_is_signed(*key) || key->as.i >= 0) return ST_OK;
    SIndex s = { false, 0 };
    sl_sindex(vm, *key, "array index", &s);
    if (s.mag > (uint64_t)a->len)
        return vm_error(vm, "array index " SINDEX_FMT " out of range (length %lld)", SINDEX_ARGS(s), (long long)a->len);
    *key = val_i64(a->len - (int64_t)s.mag);
    return ST_OK;
}

/* Read a table entry; false if absent.  Positional reads below the length
 * always succeed (holes read as Unit); upstream fails on holes that sit in
 * its sparse side map, which is an artefact of its storage. */
static bool table_lookup(Value target, Value key, Value *out)
{
    if (target.type == VT_OBJECT) return table_get(&target.as.obj->fields, key, out);
    const StArray *a = target.as.arr;
    if (key.type == VT_I64) {
        if (key.as.i < 0 || key.as.i >= a->len) return false;
        *out = array_get_index(a, key.as.i);
        return true;
    }
    return table_get(&a->extra, key, out);
}

static int table_store(VM *vm, Value target, Value key, Value value)
{
    if (target.type == VT_ARRAY && key.type == VT_I64) return sl_array_set(vm, target.as.arr, key.as.i, value);
    Table *t = target.type == VT_OBJECT ? &target.as.obj->fields : &target.as.arr->extra;
    if (!table_set(vm_heap(vm), t, key, value)) return vm_oom(vm);
    return ST_OK;
}

static int string_index(VM *vm, const StString *s, Value key, Value *result)
{
    uint64_t len = sl_utf8_count(s->chars, s->len);
    SIndex ix = { false, 0 };
    if (sl_sindex(vm, key, "string index", &ix) != ST_OK) return ST_ERR;
    uint64_t index = ix.mag;
    if (ix.neg) {
        if (ix.mag > len)
            return vm_error(vm, "string index " SINDEX_FMT " out of range (length %llu)", SINDEX_ARGS(ix),
                            (unsigned long long)len);
        index = len - ix.mag;
    }
    if (index >= len)
        return vm_error(vm, "string index %llu out of range (length %llu)", (unsigned long long)index,
                        (unsigned long long)len);
    size_t from = sl_utf8_offset(s->chars, s->len, index);
    size_t to = from + 1;
    while (to < s->len && ((unsigned char)s->chars[to] & 0xC0) == 0x80) to++;
    return vm_new_string(vm, s->chars + from, to - from, result);
}

static int bi_get_field(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 2) return sl_expects(vm, "get_field", "at least 2 arguments: object and key");
    Value target = args[0], key = args[1];
    if (target.type == VT_STRING) return string_index(vm, target.as.str, key, result);
    if (target.type != VT_OBJECT && target.type != VT_ARRAY) return ST_OK; /* Unit */
    /* prototypes, __getattr__ (objects.c) */
    if (target.type == VT_OBJECT && target.as.obj->ext) return objects_get(vm, target.as.obj, key, result);
    if (target.type == VT_ARRAY && resolve_array_key(vm, target.as.arr, &key) != ST_OK) return ST_ERR;
    Value v;
    if (!table_lookup(target, key, &v)) {
        /* Missing object keys read as Unit; array reads with an index-like
         * key (any non-negative integer) are bounds errors. */
        if (target.type == VT_ARRAY && val_is_int(key) && !(val_is_signed(key) && key.as.i < 0))
            return vm_error(vm, "array index %llu out of range (length %lld)", (unsigned long long)key.as.u,
                            (long long)target.as.arr->len);
        v = val_unit();
    }
    *result = v;
    if (vm_hooks_active(vm)) return fire_table_event(vm, target, false, key, v, val_unit());
    return ST_OK;
}

static int bi_set_field(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 3) return sl_expects(vm, "set_field", "3 arguments: object, key, and value");
    Value target = args[0], key = args[1], value = args[2];
    if (target.type != VT_OBJECT && target.type != VT_ARRAY) return vm_error(vm, "Expected object or array");
    /* descriptors, __setattr__ (objects.c) */
    if (target.type == VT_OBJECT && (target.as.obj->ext || objects_magic_key(key)))
        return objects_set(vm, target.as.obj, key, value);
    if (target.type == VT_ARRAY && resolve_array_key(vm, target.as.arr, &key) != ST_OK) return ST_ERR;
    bool hooks = vm_hooks_active(vm);
    Value old = val_unit();
    if (hooks && !table_lookup(target, key, &old)) old = val_unit();
    if (table_store(vm, target, key, value) != ST_OK) return ST_ERR;
    if (hooks) return fire_table_event(vm, target, true, key, value, old);
    return ST_OK;
}

static int bi_get_or_create_array_field(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 2) return sl_expects(vm, "get_or_create_array_field", "at least 2 arguments: object and key");
    Value target = args[0], key = args[1];
    if (target.type != VT_OBJECT && target.type != VT_ARRAY) return vm_error(vm, "Expected object or array");
    if (target.type == VT_ARRAY && resolve_array_key(vm, target.as.arr, &key) != ST_OK) return ST_ERR;
    Value v;
    if (table_lookup(target, key, &v) && v.type != VT_UNIT) {
        if (v.type == VT_OBJECT || v.type == VT_ARRAY) {
            *result = v;
            return ST_OK;
        }
        return vm_error(vm, "Cannot autovivify nested list through a non-list value");
    }
    StArray *inner = NULL;
    if (sl_new_array(vm, 0, &inner) != ST_OK) return ST_ERR;
    Value iv = val_gc(VT_ARRAY, inner);
    if (table_store(vm, target, key, iv) != ST_OK) return ST_ERR;
    *result = iv;
    return ST_OK;
}

/* array_length and len: arrays and strings (characters). */
static int length_of(VM *vm, const char *name, const Value *args, uint32_t argc, Value *result)
{
    if (argc != 1) return sl_expects(vm, name, "1 argument: array");
    if (args[0].type == VT_STRING) {
        const StString *s = args[0].as.str;
        *result = val_i64((int64_t)sl_utf8_count(s->chars, s->len));
        return ST_OK;
    }
    if (args[0].type != VT_ARRAY) return vm_error(vm, "First argument must be an array or string");
    *result = val_i64(args[0].as.arr->len);
    return ST_OK;
}

static int bi_array_length(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    return length_of(vm, "array_length", args, argc, result);
}

static int bi_len(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    return length_of(vm, "len", args, argc, result);
}

/* ---- print, to_string, type, assert ------------------------------------------------- */

static int bi_print(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    StrBuf b;
    sb_init(&b);
    for (uint32_t i = 0; i < argc; i++) {
        if (i) sb_putc(&b, ' ');
        fmt_print(&b, args[i]);
    }
    sb_putc(&b, '\n');
    if (b.oom) {
        sb_free(&b);
        return vm_oom(vm);
    }
    vm_write(vm, b.data, b.len);
    sb_free(&b);
    return ST_OK;
}

static int bi_to_string(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return sl_expects(vm, "to_string", "1 argument");
    /* Strings are immutable: to_string of one is the string itself. */
    if (args[0].type == VT_STRING) {
        *result = args[0];
        return ST_OK;
    }
    if (val_is_int(args[0])) {
        char text[FMT_INT_MAX];
        return vm_new_string(vm, text, fmt_int_print(text, args[0]), result);
    }
    StrBuf b;
    sb_init(&b);
    fmt_print(&b, args[0]);
    int rc = b.oom ? vm_oom(vm) : vm_new_string(vm, b.data ? b.data : "", b.len, result);
    sb_free(&b);
    return rc;
}

static int bi_type(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return sl_expects(vm, "type", "1 argument");
    const char *name = val_type_name((ValueType)args[0].type);
    return vm_new_string(vm, name, strlen(name), result);
}

static int bi_assert(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 1) return sl_expects(vm, "assert", "1 or 2 arguments: condition and optional message");
    Value cond = args[0];
    if (cond.type != VT_BOOL)
        return vm_error(vm, "assert condition must be a bool, found %s", val_type_name((ValueType)cond.type));
    if (cond.as.b) return ST_OK;
    /* A non-string message is ignored, as upstream does. */
    if (argc >= 2 && args[1].type == VT_STRING)
        return vm_error(vm, "%.*s", (int)args[1].as.str->len, args[1].as.str->chars);
    return vm_error(vm, "assertion failed");
}

/* ---- client store and local storage (no MPC session / no store here) --------------- */

static int bi_zero_count(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    *result = val_i64(0); /* no client inputs in a local VM */
    return ST_OK;
}

static int bi_take_share(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const char *name = ud;
    if (argc != 2) return sl_expects(vm, name, "2 arguments: client_index, share_index");
    uint64_t client = 0, share = 0;
    if (sl_usize(vm, args[0], "client_index", &client) != ST_OK) return ST_ERR;
    if (sl_usize(vm, args[1], "share_index", &share) != ST_OK) return ST_ERR;
    return vm_error(vm, "No client at index %llu", (unsigned long long)client);
}

/* Keys are strings or byte arrays; the key is checked before the store
 * (as upstream does), then the missing store is reported. */
static int bi_local_storage(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    const char *name = ud;
    bool store = strcmp(name, "LocalStorage.store") == 0;
    if (argc != (store ? 2u : 1u))
        return sl_expects(vm, name, store ? "2 arguments: key and value" : "1 argument: key");
    if (args[0].type != VT_STRING) {
        uint8_t *bytes = NULL;
        size_t n = 0;
        if (sl_read_bytes(vm, args[0], &bytes, &n) != ST_OK) return ST_ERR;
        free(bytes);
    }
    return vm_error(vm, "Local storage is not configured");
}

/* ---- registration ------------------------------------------------------------------- */

typedef struct {
    const char *name;
    NativeFn fn;
} Builtin;

int stdlib_register(VM *vm)
{
    /* libsodium provides randomness and hashes (Mpc.rand, Crypto.sha*). */
    if (sodium_init() < 0) return vm_error(vm, "libsodium initialisation failed");

    static const Builtin core[] = {
        { "create_object", bi_create_object },
        { "create_array", bi_create_array },
        { "get_field", bi_get_field },
        { "set_field", bi_set_field },
        { "get_or_create_array_field", bi_get_or_create_array_field },
        { "array_length", bi_array_length },
        { "len", bi_len },
        { "print", bi_print },
        { "to_string", bi_to_string },
        { "type", bi_type },
        { "assert", bi_assert },
        { "ClientStore.get_number_clients", bi_zero_count },
        { "ClientStore.get_number_input_clients", bi_zero_count },
        { "ClientStore.get_number_output_clients", bi_zero_count },
    };
    for (size_t i = 0; i < sizeof core / sizeof core[0]; i++)
        if (vm_register_native(vm, core[i].name, core[i].fn, NULL) != ST_OK) return ST_ERR;

    /* Builtins sharing one implementation get their name as user data. */
    static const char *const take[] = {
        "ClientStore.take_share",
        "ClientStore.take_share_bool",
        "ClientStore.take_share_fixed",
    };
    for (size_t i = 0; i < sizeof take / sizeof take[0]; i++)
        if (vm_register_native(vm, take[i], bi_take_share, (void *)take[i]) != ST_OK) return ST_ERR;
    static const char *const storage[] = {
        "LocalStorage.store",  "LocalStorage.load",   "LocalStorage.retrieve",
        "LocalStorage.delete", "LocalStorage.exists", "LocalStorage.load_share",
    };
    for (size_t i = 0; i < sizeof storage / sizeof storage[0]; i++)
        if (vm_register_native(vm, storage[i], bi_local_storage, (void *)storage[i]) != ST_OK) return ST_ERR;

    if (stdlib_register_ion(vm) != ST_OK) return ST_ERR;
    if (stdlib_register_lists(vm) != ST_OK || ffi_register(vm) != ST_OK) return ST_ERR;
    return stdlib_register_mpc(vm);
}
