/* test_arith.c: arithmetic edge cases of every integer width, shifts,
 * floats and the exact cross-type compare, through arith.c directly. */
#include <math.h>
#include <stdlib.h>

#include "core/format.h"
#include "unit.h"
#include "vm/vm_internal.h"

static VM *vm;

static const ValueType ints[] = { VT_I64, VT_I32, VT_I16, VT_I8, VT_U8, VT_U16, VT_U32, VT_U64 };

static Value imin(ValueType t)
{
    switch (t) {
    case VT_I64: return val_int(t, INT64_MIN);
    case VT_I32: return val_int(t, INT32_MIN);
    case VT_I16: return val_int(t, INT16_MIN);
    case VT_I8: return val_int(t, INT8_MIN);
    default: return val_uint(t, 0);
    }
}

static Value imax(ValueType t)
{
    switch (t) {
    case VT_I64: return val_int(t, INT64_MAX);
    case VT_I32: return val_int(t, INT32_MAX);
    case VT_I16: return val_int(t, INT16_MAX);
    case VT_I8: return val_int(t, INT8_MAX);
    case VT_U8: return val_uint(t, UINT8_MAX);
    case VT_U16: return val_uint(t, UINT16_MAX);
    case VT_U32: return val_uint(t, UINT32_MAX);
    default: return val_uint(t, UINT64_MAX);
    }
}

/* Result of op as debug text, or the error message. */
static char *op_text(int op, Value a, Value b)
{
    Value out;
    StrBuf s;
    sb_init(&s);
    if (arith_binary(vm, op, a, b, &out) == ST_OK)
        fmt_debug(&s, out);
    else
        sb_puts(&s, vm_last_error(vm)->message);
    return sb_take(&s);
}

#define CHECK_OP(op, a, b, want)      \
    do {                              \
        char *t_ = op_text(op, a, b); \
        CHECK_STR(t_, want);          \
        free(t_);                     \
    } while (0)

TEST(overflow_every_width)
{
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        ValueType t = ints[i];
        Value one = val_is_signed(val_int(t, 0)) ? val_int(t, 1) : val_uint(t, 1);
        CHECK_OP(STF_OP_ADD, imax(t), one, "Integer overflow in ADD operation");
        CHECK_OP(STF_OP_SUB, imin(t), one, "Integer overflow in SUB operation");
        CHECK_OP(STF_OP_MUL, imax(t), imax(t), "Integer overflow in MUL operation");
        Value out;
        CHECK(arith_binary(vm, STF_OP_ADD, imin(t), one, &out) == ST_OK && out.type == t);
        CHECK(arith_binary(vm, STF_OP_SUB, imax(t), one, &out) == ST_OK && out.type == t);
        Value zero = val_is_signed(one) ? val_int(t, 0) : val_uint(t, 0);
        CHECK_OP(STF_OP_DIV, imax(t), zero, "Division by zero");
        CHECK_OP(STF_OP_MOD, imax(t), zero, "Modulo by zero");
        if (val_is_signed(one)) {
            CHECK_OP(STF_OP_DIV, imin(t), val_int(t, -1), "Integer overflow in DIV operation");
            CHECK_OP(STF_OP_MOD, imin(t), val_int(t, -1), "Integer overflow in MOD operation");
        }
    }
    CHECK_OP(STF_OP_SUB, val_uint(VT_U8, 3), val_uint(VT_U8, 5), "Integer overflow in SUB operation");
    CHECK_OP(STF_OP_ADD, val_int(VT_I8, 100), val_int(VT_I8, 27), "127i8");
    CHECK_OP(STF_OP_DIV, val_i64(-7), val_i64(2), "-3");
    CHECK_OP(STF_OP_MOD, val_i64(-7), val_i64(2), "-1");
    CHECK_OP(STF_OP_MOD, val_i64(7), val_i64(-2), "1");
}

TEST(no_implicit_widening)
{
    CHECK_OP(STF_OP_ADD, val_i64(1), val_int(VT_I32, 1), "Type error in ADD operation");
    CHECK_OP(STF_OP_ADD, val_uint(VT_U8, 1), val_uint(VT_U16, 1), "Type error in ADD operation");
    CHECK_OP(STF_OP_MUL, val_float(1.5), val_int(VT_I32, 2), "Type error in MUL operation");
    CHECK_OP(STF_OP_ADD, val_i64(1), val_bool(true), "Type error in ADD operation");
    CHECK_OP(STF_OP_SUB, val_unit(), val_unit(), "Type error in SUB operation");
}

TEST(floats)
{
    CHECK_OP(STF_OP_ADD, val_float(0.1), val_float(0.2), "0.30000000000000004f64");
    CHECK_OP(STF_OP_MUL, val_i64(3), val_float(0.5), "1.5f64");
    CHECK_OP(STF_OP_DIV, val_float(1.0), val_float(-0.0), "Division by zero");
    CHECK_OP(STF_OP_MOD, val_float(1.0), val_i64(0), "Modulo by zero");
    CHECK_OP(STF_OP_MOD, val_float(7.5), val_i64(2), "1.5f64");
    CHECK_OP(STF_OP_SUB, val_float(-0.0), val_float(0.0), "-0f64");
    CHECK_OP(STF_OP_MUL, val_float(INFINITY), val_float(0.0), "NaNf64");
    CHECK_OP(STF_OP_ADD, val_float(1e308), val_float(1e308), "inff64");
}

TEST(shifts)
{
    CHECK_OP(STF_OP_SHL, val_i64(1), val_i64(63), "-9223372036854775808");
    CHECK_OP(STF_OP_SHL, val_i64(1), val_i64(64), "Shift amount 64 out of range in SHL operation");
    CHECK_OP(STF_OP_SHR, val_i64(1), val_i64(-3), "Invalid shift amount -3 in SHR operation");
    CHECK_OP(STF_OP_SHR, val_i64(-16), val_i64(2), "-4");
    CHECK_OP(STF_OP_SHR, val_i64(INT64_MIN), val_i64(63), "-1");
    CHECK_OP(STF_OP_SHL, val_int(VT_I8, 1), val_int(VT_I8, 7), "-128i8");
    CHECK_OP(STF_OP_SHL, val_int(VT_I8, 1), val_int(VT_I8, 8), "Shift amount 8 out of range in SHL operation");
    CHECK_OP(STF_OP_SHL, val_uint(VT_U8, 0xff), val_uint(VT_U8, 4), "240u8");
    CHECK_OP(STF_OP_SHR, val_uint(VT_U64, UINT64_MAX), val_uint(VT_U64, 63), "1u64");
    CHECK_OP(STF_OP_SHL, val_uint(VT_U64, 1), val_uint(VT_U64, UINT64_MAX),
             "Shift amount 4294967295 out of range in SHL operation");
    CHECK_OP(STF_OP_SHL, val_int(VT_I32, 1), val_i64(1), "Type error in SHL operation");
}

TEST(bitwise_and_not)
{
    CHECK_OP(STF_OP_AND, val_i64(12), val_i64(10), "8");
    CHECK_OP(STF_OP_OR, val_bool(false), val_bool(true), "true");
    CHECK_OP(STF_OP_XOR, val_bool(true), val_bool(true), "false");
    CHECK_OP(STF_OP_XOR, val_uint(VT_U16, 0xff00), val_uint(VT_U16, 0x0ff0), "61680u16");
    Value out;
    CHECK(arith_not(vm, val_uint(VT_U8, 0x0f), &out) == ST_OK && out.as.u == 0xf0 && out.type == VT_U8);
    CHECK(arith_not(vm, val_int(VT_I16, 0), &out) == ST_OK && out.as.i == -1);
    CHECK(arith_not(vm, val_bool(true), &out) == ST_OK && out.as.b == false);
    CHECK(arith_not(vm, val_float(1), &out) == ST_ERR);
}

static int cmp(Value a, Value b)
{
    int32_t f = 99;
    if (arith_compare(vm, a, b, &f) != ST_OK) return 99;
    return f;
}

TEST(compare_across_types)
{
    CHECK(cmp(val_i64(-1), val_uint(VT_U64, 0)) == -1);
    CHECK(cmp(val_uint(VT_U64, UINT64_MAX), val_i64(INT64_MAX)) == 1);
    CHECK(cmp(val_i64(9007199254740993), val_float(9007199254740992.0)) == 1);
    CHECK(cmp(val_float(9007199254740992.0), val_i64(9007199254740993)) == -1);
    CHECK(cmp(val_int(VT_I8, -128), val_float(-128.5)) == 1);
    CHECK(cmp(val_uint(VT_U64, UINT64_MAX), val_float(18446744073709551616.0)) == -1);
    CHECK(cmp(val_i64(INT64_MIN), val_float(-9223372036854775808.0)) == 0);
    CHECK(cmp(val_float(-0.0), val_i64(0)) == 0);
    CHECK(cmp(val_int(VT_I32, 5), val_uint(VT_U8, 5)) == 0);
    CHECK(cmp(val_float(NAN), val_float(1)) == 99);
    CHECK_STR(vm_last_error(vm)->message, "Cannot compare NaNf64 and 1f64");
    CHECK(cmp(val_unit(), val_unit()) == 99);
    CHECK_STR(vm_last_error(vm)->message, "Cannot compare () and ()");
    CHECK(cmp(val_bool(false), val_bool(true)) == -1);
    CHECK(cmp(val_i64(1), val_bool(true)) == 99);
}

int main(void)
{
    vm = vm_new(NULL);
    if (!vm) return 1;
    RUN(overflow_every_width);
    RUN(no_implicit_widening);
    RUN(floats);
    RUN(shifts);
    RUN(bitwise_and_not);
    RUN(compare_across_types);
    vm_free(vm);
    return unit_report();
}
