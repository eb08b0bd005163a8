/* value.h: the 16-byte tagged value of the VM (spec/vm-core.md §1).
 *
 * Integer widths are distinct types; a narrow value is stored widened in the
 * 64-bit payload (signed ones sign-extended in .i, unsigned ones
 * zero-extended in .u) so arithmetic can work on the payload directly.
 * Heap values (String, Object, Array, Foreign, Closure, Share) point at a
 * garbage-collected object that starts with a GcObject header. */
#ifndef STOFFEL_VALUE_H
#define STOFFEL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first twelve match the constant-pool tags of the file format. */
typedef enum {
    VT_UNIT = 0,
    VT_I64,
    VT_I32,
    VT_I16,
    VT_I8,
    VT_U8,
    VT_U16,
    VT_U32,
    VT_U64,
    VT_FLOAT,
    VT_BOOL,
    VT_STRING,
    VT_OBJECT,
    VT_ARRAY,
    VT_FOREIGN,
    VT_CLOSURE,
    VT_SHARE,
    VT_COUNT
} ValueType;

struct GcObject;
struct StString;
struct StObject;
struct StArray;
struct StForeign;
struct StClosure;
struct StShare;

typedef struct Value {
    uint8_t type; /* ValueType */
    union {
        int64_t i;
        uint64_t u;
        double f;
        bool b;
        struct GcObject *gc;
        struct StString *str;
        struct StObject *obj;
        struct StArray *arr;
        struct StForeign *foreign;
        struct StClosure *closure;
        struct StShare *share;
    } as;
} Value;

static inline Value val_unit(void)
{
    Value v;
    v.type = VT_UNIT;
    v.as.u = 0;
    return v;
}
static inline Value val_i64(int64_t x)
{
    Value v;
    v.type = VT_I64;
    v.as.i = x;
    return v;
}
static inline Value val_float(double x)
{
    Value v;
    v.type = VT_FLOAT;
    v.as.f = x;
    return v;
}
static inline Value val_bool(bool x)
{
    Value v;
    v.type = VT_BOOL;
    v.as.u = 0;
    v.as.b = x;
    return v;
}
/* Any integer type; x must already be in range for it. */
static inline Value val_int(ValueType t, int64_t x)
{
    Value v;
    v.type = (uint8_t)t;
    v.as.i = x;
    return v;
}
static inline Value val_uint(ValueType t, uint64_t x)
{
    Value v;
    v.type = (uint8_t)t;
    v.as.u = x;
    return v;
}
static inline Value val_gc(ValueType t, void *o)
{
    Value v;
    v.type = (uint8_t)t;
    v.as.gc = (struct GcObject *)o;
    return v;
}

static inline bool val_is_int(Value v) { return v.type >= VT_I64 && v.type <= VT_U64; }
static inline bool val_is_signed(Value v) { return v.type >= VT_I64 && v.type <= VT_I8; }
static inline bool val_is_unsigned(Value v) { return v.type >= VT_U8 && v.type <= VT_U64; }
static inline bool val_is_number(Value v) { return v.type >= VT_I64 && v.type <= VT_FLOAT; }
static inline bool val_is_heap(Value v) { return v.type >= VT_STRING && v.type != VT_COUNT; }

/* Bit width of an integer type (64, 32, 16, 8). */
int val_int_bits(ValueType t);
/* Range check: does x fit integer type t (signed interpretation for signed
 * types, x >= 0 and <= max for unsigned)? */
bool val_int_fits_i(ValueType t, int64_t x);
bool val_int_fits_u(ValueType t, uint64_t x);

/* The `type()` name: "int64", "uint8", "float", "boolean", "string",
 * "object", "array", "cffi_function" (sic), "function", "nil", "share". */
const char *val_type_name(ValueType t);

/* Structural equality (spec §1.7): same variant and payload; floats with all
 * NaNs equal and +0 == -0; strings by content; heap containers by identity;
 * closures by function name and upvalue list. */
bool val_equal(Value a, Value b);
/* Deep equality for the list builtins: arrays element-wise (depth <= 64). */
bool val_deep_equal(Value a, Value b);
/* Hash consistent with val_equal. */
uint64_t val_hash(Value v);

/* Three-way compare per CMP (spec §1.6).  Returns 0 and sets *out to -1/0/1
 * on success; returns -1 when the values cannot be compared (NaN, mixed
 * kinds, non-comparable types); the caller builds the error text. */
int val_compare(Value a, Value b, int *out);

#endif
