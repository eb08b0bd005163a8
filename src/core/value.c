/* value.c: type names, equality, hashing and comparison of values. */
#include "value.h"

#include <math.h>
#include <string.h>

#include "heap.h"

int val_int_bits(ValueType t)
{
    switch (t) {
    case VT_I8:
    case VT_U8: return 8;
    case VT_I16:
    case VT_U16: return 16;
    case VT_I32:
    case VT_U32: return 32;
    default: return 64;
    }
}

bool val_int_fits_i(ValueType t, int64_t x)
{
    switch (t) {
    case VT_I64: return true;
    case VT_I32: return x >= INT32_MIN && x <= INT32_MAX;
    case VT_I16: return x >= INT16_MIN && x <= INT16_MAX;
    case VT_I8: return x >= INT8_MIN && x <= INT8_MAX;
    case VT_U8: return x >= 0 && x <= UINT8_MAX;
    case VT_U16: return x >= 0 && x <= UINT16_MAX;
    case VT_U32: return x >= 0 && x <= (int64_t)UINT32_MAX;
    case VT_U64: return x >= 0;
    default: return false;
    }
}

bool val_int_fits_u(ValueType t, uint64_t x)
{
    switch (t) {
    case VT_I64: return x <= (uint64_t)INT64_MAX;
    case VT_I32: return x <= INT32_MAX;
    case VT_I16: return x <= INT16_MAX;
    case VT_I8: return x <= INT8_MAX;
    case VT_U8: return x <= UINT8_MAX;
    case VT_U16: return x <= UINT16_MAX;
    case VT_U32: return x <= UINT32_MAX;
    case VT_U64: return true;
    default: return false;
    }
}

const char *val_type_name(ValueType t)
{
    static const char *const names[VT_COUNT] = {
        [VT_UNIT] = "nil",         [VT_I64] = "int64",    [VT_I32] = "int32",
        [VT_I16] = "int16",        [VT_I8] = "int8",      [VT_U8] = "uint8",
        [VT_U16] = "uint16",       [VT_U32] = "uint32",   [VT_U64] = "uint64",
        [VT_FLOAT] = "float",      [VT_BOOL] = "boolean", [VT_STRING] = "string",
        [VT_OBJECT] = "object",    [VT_ARRAY] = "array",  [VT_FOREIGN] = "cffi_function",
        [VT_CLOSURE] = "function", [VT_SHARE] = "share",
    };
    return (unsigned)t < VT_COUNT ? names[t] : "unknown";
}

/* Floats as keys: all NaNs one value, -0 == +0, else the bits. */
static uint64_t float_key_bits(double f)
{
    if (isnan(f)) return 0x7ff8000000000000ull;
    if (f == 0.0) return 0;
    uint64_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

static bool strings_equal(const StString *a, const StString *b)
{
    return a == b || (a->len == b->len && memcmp(a->chars, b->chars, a->len) == 0);
}

static bool closures_equal(const StClosure *a, const StClosure *b)
{
    if (a == b) return true;
    if (!strings_equal(a->fname, b->fname) || a->upvalue_count != b->upvalue_count) return false;
    for (uint32_t i = 0; i < a->upvalue_count; i++) {
        if (!strings_equal(a->upvalues[i].name, b->upvalues[i].name)) return false;
        if (!val_equal(a->upvalues[i].value, b->upvalues[i].value)) return false;
    }
    return true;
}

bool val_equal(Value a, Value b)
{
    if (a.type != b.type) return false;
    switch (a.type) {
    case VT_UNIT: return true;
    case VT_BOOL: return a.as.b == b.as.b;
    case VT_FLOAT: return float_key_bits(a.as.f) == float_key_bits(b.as.f);
    case VT_STRING: return strings_equal(a.as.str, b.as.str);
    case VT_CLOSURE: return closures_equal(a.as.closure, b.as.closure);
    case VT_SHARE: {
        const StShare *x = a.as.share, *y = b.as.share;
        return x == y || (x->share_kind == y->share_kind && x->bits == y->bits && x->frac == y->frac &&
                          x->len == y->len && memcmp(x->bytes, y->bytes, x->len) == 0);
    }
    case VT_OBJECT:
    case VT_ARRAY:
    case VT_FOREIGN: return a.as.gc == b.as.gc;
    default: return a.as.u == b.as.u; /* integers: widened payloads */
    }
}

static bool deep_equal(Value a, Value b, int depth)
{
    if (a.type != VT_ARRAY || b.type != VT_ARRAY) return val_equal(a, b);
    if (a.as.arr == b.as.arr) return true;
    if (depth >= 64) return false;
    const StArray *x = a.as.arr, *y = b.as.arr;
    if (x->len != y->len) return false;
    /* Dense parts element by element, then the positional keys stored
     * sparsely (never walk a huge sparse length index by index). */
    uint32_t dense = x->dlen > y->dlen ? x->dlen : y->dlen;
    for (uint32_t i = 0; i < dense; i++)
        if (!deep_equal(array_get_index(x, i), array_get_index(y, i), depth + 1)) return false;
    const StArray *pair[2][2] = { { x, y }, { y, x } };
    for (int k = 0; k < 2; k++) {
        const StArray *p = pair[k][0], *q = pair[k][1];
        const TableEntry *e;
        for (uint32_t it = 0; table_next(&p->extra, &it, &e);) {
            if (e->key.type != VT_I64 || e->key.as.i < 0 || e->key.as.i >= p->len) continue;
            if (!deep_equal(e->value, array_get_index(q, e->key.as.i), depth + 1)) return false;
        }
    }
    return true;
}

bool val_deep_equal(Value a, Value b) { return deep_equal(a, b, 0); }

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

uint64_t val_hash(Value v)
{
    uint64_t h;
    switch (v.type) {
    case VT_UNIT: h = 0; break;
    case VT_BOOL: h = v.as.b; break;
    case VT_FLOAT: h = float_key_bits(v.as.f); break;
    case VT_STRING: h = string_hash(v.as.str); break;
    case VT_CLOSURE: h = string_hash(v.as.closure->fname) ^ v.as.closure->upvalue_count; break;
    case VT_SHARE: {
        const StShare *s = v.as.share;
        h = 1469598103934665603ull;
        for (uint32_t i = 0; i < s->len; i++) h = (h ^ s->bytes[i]) * 1099511628211ull;
        break;
    }
    case VT_OBJECT:
    case VT_ARRAY:
    case VT_FOREIGN: h = (uint64_t)(uintptr_t)v.as.gc; break;
    default: h = v.as.u; break;
    }
    return mix64(h ^ ((uint64_t)v.type << 56));
}

/* Exact comparison of an integer with a double (no rounding of the int). */
static int cmp_int_float(bool is_signed, uint64_t raw, double f)
{
    /* 2^63 and -2^63 are exact doubles. */
    if (f >= 9223372036854775808.0) {
        if (!is_signed && f < 18446744073709551616.0) {
            uint64_t fu = (uint64_t)f;
            if (raw != fu) return raw < fu ? -1 : 1;
            double frac = f - (double)fu;
            return frac > 0 ? -1 : 0;
        }
        return -1;
    }
    if (f < -9223372036854775808.0) return 1;
    if (!is_signed && raw > (uint64_t)INT64_MAX) return 1;
    int64_t i = (int64_t)raw;
    double t = trunc(f);
    int64_t ti = (int64_t)t; /* in range: checked above */
    if (i != ti) return i < ti ? -1 : 1;
    double frac = f - t;
    return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

int val_compare(Value a, Value b, int *out)
{
    if (val_is_number(a) && val_is_number(b)) {
        if (a.type == VT_FLOAT && b.type == VT_FLOAT) {
            if (isnan(a.as.f) || isnan(b.as.f)) return -1;
            *out = a.as.f < b.as.f ? -1 : a.as.f > b.as.f ? 1 : 0;
            return 0;
        }
        if (a.type == VT_FLOAT || b.type == VT_FLOAT) {
            bool flip = a.type == VT_FLOAT;
            Value iv = flip ? b : a;
            double f = flip ? a.as.f : b.as.f;
            if (isnan(f)) return -1;
            int c = cmp_int_float(val_is_signed(iv), iv.as.u, f);
            *out = flip ? -c : c;
            return 0;
        }
        bool sa = val_is_signed(a), sb = val_is_signed(b);
        if (sa && a.as.i < 0 && !(sb && b.as.i < 0)) {
            *out = -1;
            return 0;
        }
        if (sb && b.as.i < 0 && !(sa && a.as.i < 0)) {
            *out = 1;
            return 0;
        }
        if (sa && sb)
            *out = a.as.i < b.as.i ? -1 : a.as.i > b.as.i;
        else
            *out = a.as.u < b.as.u ? -1 : a.as.u > b.as.u; /* both non-negative */
        return 0;
    }
    if (a.type == VT_STRING && b.type == VT_STRING) {
        const StString *x = a.as.str, *y = b.as.str;
        uint32_t n = x->len < y->len ? x->len : y->len;
        int c = n ? memcmp(x->chars, y->chars, n) : 0;
        if (c == 0) c = x->len < y->len ? -1 : x->len > y->len;
        *out = c < 0 ? -1 : c > 0;
        return 0;
    }
    if (a.type == VT_BOOL && b.type == VT_BOOL) {
        *out = (int)a.as.b - (int)b.as.b;
        return 0;
    }
    return -1;
}
