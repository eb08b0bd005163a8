/* arith.c: the general arithmetic, bitwise and compare operations over all
 * value types (spec/vm-core.md §1.4-§1.6, "new" semantics).  The
 * interpreter inlines the I64 fast paths and calls these for the rest. */
#include <math.h>

#include "core/format.h"
#include "vm_internal.h"

static const char *op_word(int op) { return stf_op_name(op); }

static int type_error(VM *vm, int op) { return vm_error(vm, "Type error in %s operation", op_word(op)); }

static int overflow(VM *vm, int op) { return vm_error(vm, "Integer overflow in %s operation", op_word(op)); }

static int share_error(VM *vm) { return vm_error(vm, "MPC engine not configured"); }

/* Same-type signed integer arithmetic in 64 bits, then range-checked for
 * the narrow type. */
static int signed_op(VM *vm, int op, ValueType t, int64_t x, int64_t y, Value *out)
{
    int64_t r = 0;
    switch (op) {
    case STF_OP_ADD:
        if (__builtin_add_overflow(x, y, &r)) return overflow(vm, op);
        break;
    case STF_OP_SUB:
        if (__builtin_sub_overflow(x, y, &r)) return overflow(vm, op);
        break;
    case STF_OP_MUL:
        if (__builtin_mul_overflow(x, y, &r)) return overflow(vm, op);
        break;
    case STF_OP_DIV:
        if (y == 0) return vm_error(vm, "Division by zero");
        if (y == -1 && x == INT64_MIN) return overflow(vm, op);
        r = x / y;
        break;
    case STF_OP_MOD:
        if (y == 0) return vm_error(vm, "Modulo by zero");
        /* MIN % -1 overflows in every width (checked_rem), though the
         * remainder itself would be 0. */
        if (y == -1 && (x == INT64_MIN || !val_int_fits_i(t, -x))) return overflow(vm, op);
        r = x % y;
        break;
    case STF_OP_AND: r = x & y; break;
    case STF_OP_OR: r = x | y; break;
    case STF_OP_XOR: r = x ^ y; break;
    default: return type_error(vm, op);
    }
    if (!val_int_fits_i(t, r)) return overflow(vm, op);
    *out = val_int(t, r);
    return ST_OK;
}

static int unsigned_op(VM *vm, int op, ValueType t, uint64_t x, uint64_t y, Value *out)
{
    uint64_t r = 0;
    switch (op) {
    case STF_OP_ADD:
        if (__builtin_add_overflow(x, y, &r)) return overflow(vm, op);
        break;
    case STF_OP_SUB:
        if (__builtin_sub_overflow(x, y, &r)) return overflow(vm, op);
        break;
    case STF_OP_MUL:
        if (__builtin_mul_overflow(x, y, &r)) return overflow(vm, op);
        break;
    case STF_OP_DIV:
        if (y == 0) return vm_error(vm, "Division by zero");
        r = x / y;
        break;
    case STF_OP_MOD:
        if (y == 0) return vm_error(vm, "Modulo by zero");
        r = x % y;
        break;
    case STF_OP_AND: r = x & y; break;
    case STF_OP_OR: r = x | y; break;
    case STF_OP_XOR: r = x ^ y; break;
    default: return type_error(vm, op);
    }
    if (!val_int_fits_u(t, r)) return overflow(vm, op);
    *out = val_uint(t, r);
    return ST_OK;
}

static int shift_op(VM *vm, int op, Value v, Value amount, Value *out)
{
    const char *word = op == STF_OP_SHL ? "SHL" : "SHR";
    /* The amount as a signed 64-bit number; a U64 above INT64_MAX reports
     * 4294967295 as upstream does. */
    int64_t n;
    if (val_is_unsigned(amount) && amount.as.u > (uint64_t)INT64_MAX)
        n = 4294967295;
    else
        n = amount.as.i;
    if (n < 0) return vm_error(vm, "Invalid shift amount %lld in %s operation", (long long)n, word);
    int bits = val_int_bits((ValueType)v.type);
    if (n >= bits) return vm_error(vm, "Shift amount %lld out of range in %s operation", (long long)n, word);
    ValueType t = (ValueType)v.type;
    if (val_is_signed(v)) {
        if (op == STF_OP_SHL) {
            /* Shift the bit pattern of the narrow type, then sign-extend. */
            uint64_t r = (uint64_t)v.as.i << n;
            switch (bits) {
            case 8: *out = val_int(t, (int8_t)(uint8_t)r); break;
            case 16: *out = val_int(t, (int16_t)(uint16_t)r); break;
            case 32: *out = val_int(t, (int32_t)(uint32_t)r); break;
            default: *out = val_int(t, (int64_t)r); break;
            }
        } else {
            /* Arithmetic shift without relying on implementation-defined >>. */
            int64_t x = v.as.i;
            *out = val_int(t, x >= 0 ? (int64_t)((uint64_t)x >> n) : ~(int64_t)(~(uint64_t)x >> n));
        }
    } else {
        uint64_t r = op == STF_OP_SHL ? v.as.u << n : v.as.u >> n;
        if (bits < 64) r &= (UINT64_C(1) << bits) - 1;
        *out = val_uint(t, r);
    }
    return ST_OK;
}

static int float_op(VM *vm, int op, double x, double y, Value *out)
{
    switch (op) {
    case STF_OP_ADD: *out = val_float(x + y); return ST_OK;
    case STF_OP_SUB: *out = val_float(x - y); return ST_OK;
    case STF_OP_MUL: *out = val_float(x * y); return ST_OK;
    case STF_OP_DIV:
        if (y == 0.0) return vm_error(vm, "Division by zero");
        *out = val_float(x / y);
        return ST_OK;
    case STF_OP_MOD:
        if (y == 0.0) return vm_error(vm, "Modulo by zero");
        *out = val_float(fmod(x, y));
        return ST_OK;
    default: return type_error(vm, op);
    }
}

int arith_binary(VM *vm, int op, Value a, Value b, Value *out)
{
    if (a.type == VT_SHARE || b.type == VT_SHARE || (vm->mpc && (a.type == VT_OBJECT || b.type == VT_OBJECT))) {
        if (op == STF_OP_SHL) return vm_error(vm, "Left shift is not supported on secret shares");
        if (op == STF_OP_SHR) return vm_error(vm, "Right shift is not supported on secret shares");
        if (vm->mpc) {
            StShare *s;
            /* Share objects (Share.* results) count as their share, except
             * for MOD, as upstream. */
            bool share_a = a.type == VT_SHARE || (op != STF_OP_MOD && mpcvm_unwrap(vm, a, &s));
            bool share_b = b.type == VT_SHARE || (op != STF_OP_MOD && mpcvm_unwrap(vm, b, &s));
            if (share_a || share_b) return mpcvm_binary(vm, op, a, b, out);
        } else {
            return share_error(vm);
        }
    }
    bool arith = op >= STF_OP_ADD && op <= STF_OP_MOD;
    if (op == STF_OP_SHL || op == STF_OP_SHR) {
        if (val_is_int(a) && a.type == b.type) return shift_op(vm, op, a, b, out);
        return type_error(vm, op);
    }
    if (val_is_int(a) && a.type == b.type) {
        if (val_is_signed(a)) return signed_op(vm, op, (ValueType)a.type, a.as.i, b.as.i, out);
        return unsigned_op(vm, op, (ValueType)a.type, a.as.u, b.as.u, out);
    }
    if (arith) {
        bool af = a.type == VT_FLOAT, bf = b.type == VT_FLOAT;
        if ((af || a.type == VT_I64) && (bf || b.type == VT_I64) && (af || bf)) {
            double x = af ? a.as.f : (double)a.as.i;
            double y = bf ? b.as.f : (double)b.as.i;
            return float_op(vm, op, x, y, out);
        }
        if (op == STF_OP_ADD && a.type == VT_STRING && b.type == VT_STRING) {
            StString *s = heap_concat_strings(&vm->heap, a.as.str, b.as.str);
            if (!s) return vm_oom(vm);
            *out = val_string(s);
            return ST_OK;
        }
        return type_error(vm, op);
    }
    if (a.type == VT_BOOL && b.type == VT_BOOL) {
        switch (op) {
        case STF_OP_AND: *out = val_bool(a.as.b && b.as.b); return ST_OK;
        case STF_OP_OR: *out = val_bool(a.as.b || b.as.b); return ST_OK;
        case STF_OP_XOR: *out = val_bool(a.as.b != b.as.b); return ST_OK;
        default: break;
        }
    }
    return type_error(vm, op);
}

int arith_not(VM *vm, Value a, Value *out)
{
    if (a.type == VT_BOOL) {
        *out = val_bool(!a.as.b);
        return ST_OK;
    }
    if (a.type == VT_SHARE) return vm->mpc ? mpcvm_not(vm, a, out) : share_error(vm);
    if (val_is_signed(a)) {
        *out = val_int((ValueType)a.type, ~a.as.i);
        return ST_OK;
    }
    if (val_is_unsigned(a)) {
        uint64_t r = ~a.as.u;
        int bits = val_int_bits((ValueType)a.type);
        if (bits < 64) r &= (UINT64_C(1) << bits) - 1;
        *out = val_uint((ValueType)a.type, r);
        return ST_OK;
    }
    return vm_error(vm, "Type error in NOT operation");
}

int arith_compare(VM *vm, Value a, Value b, int32_t *flag)
{
    int c;
    if (val_compare(a, b, &c) == 0) {
        *flag = c;
        return ST_OK;
    }
    if (a.type == VT_SHARE || b.type == VT_SHARE)
        return vm_error(vm, "CMP on secret shares is not supported (it would branch on a secret): compare with "
                            "Share.lt, Share.le, Share.gt, Share.ge, Share.eq or Share.ne, which return a secret bit");
    StrBuf x, y;
    sb_init(&x);
    sb_init(&y);
    fmt_debug(&x, a);
    fmt_debug(&y, b);
    vm_error(vm, "Cannot compare %s and %s", x.data ? x.data : "?", y.data ? y.data : "?");
    sb_free(&x);
    sb_free(&y);
    return ST_ERR;
}
