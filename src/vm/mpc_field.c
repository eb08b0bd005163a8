/* mpc_field.c: builtins on the session's field and the session's identity:
 * Field.* (public field arithmetic), Share.random_int, Mpc.curve,
 * Mpc.field, Mpc.has_capability and Mpc.capabilities, with upstream's
 * argument lists, results and error texts.
 *
 * These are registered once for every VM (stdlib_register_mpc) and
 * look at vm->mpc themselves: as upstream, arguments are checked first and
 * "MPC engine not configured" comes only after, so a bad call reports the
 * same error with or without an engine.
 *
 * A field element is a byte array of 32 bytes, the canonical little-endian
 * integer below p (arkworks' compressed encoding of a prime-field element,
 * which upstream uses).  Field values are public: these operations are
 * local and deterministic, every party computes the same bytes. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/engine.h"
#include "stdlib_internal.h"
#include "vm_internal.h"

#define SHARE_INT 0 /* as mpc_builtins.c */

static int no_engine(VM *vm) { return vm_error(vm, "MPC engine not configured"); }

/* ---- field elements as byte arrays ---------------------------------------------------- */

/* Reads a byte array; the field is checked later, once the engine is known. */
static int read_field_arg(VM *vm, Value v, uint8_t out[32])
{
    uint8_t *bytes = NULL;
    size_t n = 0;
    if (sl_read_bytes(vm, v, &bytes, &n) != ST_OK) return ST_ERR;
    int rc = ST_OK;
    if (n != 32)
        rc = vm_error(vm, "deserialize field element: expected 32 bytes, got %zu", n);
    else
        memcpy(out, bytes, 32);
    free(bytes);
    return rc;
}

static int decode(VM *vm, const uint8_t in[32], Fe *out)
{
    if (fe_from_bytes(mpc_field(vm->mpc), out, in) != 0)
        return vm_error(vm, "deserialize field element: value is not below the field modulus");
    return ST_OK;
}

static int encode(VM *vm, const Fe *x, Value *result)
{
    uint8_t bytes[32];
    fe_to_bytes(mpc_field(vm->mpc), bytes, x);
    return sl_byte_array(vm, bytes, sizeof bytes, result);
}

/* One or two field arguments, decoded in the session's field. */
static int field_args(VM *vm, const char *name, const Value *a, uint32_t n, uint32_t want, Fe *x, Fe *y)
{
    uint8_t bx[32], by[32];
    if (n != want)
        return sl_expects(vm, name, want == 1 ? "1 argument: field_bytes" : "2 arguments: a, b (field_bytes)");
    if (read_field_arg(vm, a[0], bx) != ST_OK) return ST_ERR;
    if (want == 2 && read_field_arg(vm, a[1], by) != ST_OK) return ST_ERR;
    if (!vm->mpc) return no_engine(vm);
    if (decode(vm, bx, x) != ST_OK) return ST_ERR;
    return want == 2 ? decode(vm, by, y) : ST_OK;
}

static int bi_from_int(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    int64_t v;
    if (n != 1) return sl_expects(vm, "Field.from_int", "1 argument: value (int)");
    if (sl_i64(vm, a[0], "value", &v) != ST_OK) return ST_ERR;
    if (!vm->mpc) return no_engine(vm);
    Fe x;
    fe_from_i64(mpc_field(vm->mpc), &x, v);
    return encode(vm, &x, r);
}

static int constant(VM *vm, const char *name, uint32_t n, bool one, Value *r)
{
    if (n != 0) return sl_expects(vm, name, "no arguments");
    if (!vm->mpc) return no_engine(vm);
    Fe x;
    if (one)
        fe_one(mpc_field(vm->mpc), &x);
    else
        fe_zero(&x);
    return encode(vm, &x, r);
}

static int bi_zero(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return constant(vm, "Field.zero", n, false, r);
}
static int bi_one(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return constant(vm, "Field.one", n, true, r);
}

static int bi_is_zero(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    Fe x;
    if (field_args(vm, "Field.is_zero", a, n, 1, &x, NULL) != ST_OK) return ST_ERR;
    *r = val_bool(fe_is_zero(&x));
    return ST_OK;
}

static int bi_eq(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    Fe x, y;
    if (field_args(vm, "Field.eq", a, n, 2, &x, &y) != ST_OK) return ST_ERR;
    *r = val_bool(fe_equal(&x, &y));
    return ST_OK;
}

enum { OP_ADD, OP_SUB, OP_MUL };

static int binary(VM *vm, const char *name, int op, const Value *a, uint32_t n, Value *r)
{
    Fe x, y, z;
    if (field_args(vm, name, a, n, 2, &x, &y) != ST_OK) return ST_ERR;
    const Field *f = mpc_field(vm->mpc);
    if (op == OP_ADD)
        fe_add(f, &z, &x, &y);
    else if (op == OP_SUB)
        fe_sub(f, &z, &x, &y);
    else
        fe_mul(f, &z, &x, &y);
    return encode(vm, &z, r);
}

static int bi_add(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return binary(vm, "Field.add", OP_ADD, a, n, r);
}
static int bi_sub(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return binary(vm, "Field.sub", OP_SUB, a, n, r);
}
static int bi_mul(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return binary(vm, "Field.mul", OP_MUL, a, n, r);
}

static int bi_neg(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    Fe x;
    if (field_args(vm, "Field.neg", a, n, 1, &x, NULL) != ST_OK) return ST_ERR;
    fe_neg(mpc_field(vm->mpc), &x, &x);
    return encode(vm, &x, r);
}

static int bi_inverse(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    Fe x;
    if (field_args(vm, "Field.inverse", a, n, 1, &x, NULL) != ST_OK) return ST_ERR;
    if (fe_is_zero(&x)) return vm_error(vm, "field inverse is undefined for zero");
    fe_inv(mpc_field(vm->mpc), &x, &x);
    return encode(vm, &x, r);
}

/* The root whose canonical value is at most (p-1)/2, as upstream: every
 * party picks the same one. */
static int bi_sqrt(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    Fe x, root;
    if (field_args(vm, "Field.sqrt", a, n, 1, &x, NULL) != ST_OK) return ST_ERR;
    if (fe_sqrt_vartime(mpc_field(vm->mpc), &root, &x) != 0) return vm_error(vm, "value is not a quadratic residue");
    return encode(vm, &root, r);
}

/* ---- Share.random_int ------------------------------------------------------------------ */

/* A raw share (as upstream) of a uniform integer of bit_length bits. */
static int bi_random_int(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    uint64_t bits;
    if (n != 1) return sl_expects(vm, "Share.random_int", "1 argument: bit_length");
    if (sl_usize(vm, a[0], "bit_length", &bits) != ST_OK) return ST_ERR;
    if (!vm->mpc) return no_engine(vm);
    if (bits == 0 || bits > 64)
        return vm_error(vm, "bit_length must be between 1 and 64, got %llu", (unsigned long long)bits);
    Fe x;
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    if (mpc_random_int(vm->mpc, (unsigned)bits, &x, 1) != 0)
        return vm_error(vm, "MPC protocol failed: %s", mpc_error(vm->mpc));
    StShare *s = heap_new_share(&vm->heap, SHARE_INT, (uint32_t)bits, 0, (const uint8_t *)&x, sizeof x);
    sodium_memzero(&x, sizeof x);
    if (!s) return vm_oom(vm);
    *r = val_gc(VT_SHARE, s);
    return ST_OK;
}

/* ---- Mpc.curve, Mpc.field, capabilities ---------------------------------------------------- */

/* Upstream's names: one scalar field serves curve25519 and ed25519, and
 * upstream reports it as curve25519. */
static const char *curve_name(const Field *f) { return f == &field_ed25519 ? "curve25519" : f->name; }

static int bi_curve(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (!vm->mpc) return no_engine(vm);
    const char *name = curve_name(mpc_field(vm->mpc));
    return vm_new_string(vm, name, strlen(name), r);
}

static int bi_field(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (!vm->mpc) return no_engine(vm);
    char name[64];
    snprintf(name, sizeof name, "%s-fr", curve_name(mpc_field(vm->mpc)));
    return vm_new_string(vm, name, strlen(name), r);
}

/* Upstream's capability names in upstream's order, each with its aliases
 * (after trimming, lower-casing and reading '_' as '-'), and whether this
 * backend offers it.  open-in-exponent, consensus and
 * preprocessing-persistence belong to Share.open_exp, Rbc.* and
 * --preproc-store: set them when those exist. */
static const struct {
    const char *name;
    const char *aliases[4];
    bool offered;
} caps[] = {
    { "multiplication", { "multiply", "mul" }, true },
    { "elliptic-curves", { "elliptic-curve", "curves" }, false },
    { "client-input", { "client-inputs" }, true },
    { "consensus", { "rbc-aba", "rbc", "aba" }, false },
    { "open-in-exponent", { "open-in-exp", "open-exp" }, false },
    { "reservation", { "preprocessing-reservation", "preproc-reservation" }, false },
    { "client-output", { "client-outputs" }, true },
    { "randomness", { "random" }, true },
    { "field-open", { "field-opening", "open-field" }, true },
    { "preprocessing-persistence", { "preproc-persistence", "preproc-store" }, false },
};

#define N_CAPS (sizeof caps / sizeof caps[0])

/* Index into caps, or -1. */
static int parse_capability(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r')) len--;
    char norm[64];
    if (len >= sizeof norm) return -1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        norm[i] = c == '_' ? '-' : (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    norm[len] = 0;
    if (strlen(norm) != len) return -1; /* an embedded NUL */
    for (size_t i = 0; i < N_CAPS; i++) {
        if (strcmp(norm, caps[i].name) == 0) return (int)i;
        for (size_t j = 0; j < 4 && caps[i].aliases[j]; j++)
            if (strcmp(norm, caps[i].aliases[j]) == 0) return (int)i;
    }
    return -1;
}

static int bi_has_capability(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 1) return sl_expects(vm, "Mpc.has_capability", "1 argument: capability");
    if (a[0].type != VT_STRING) return vm_error(vm, "capability must be a string");
    const StString *s = a[0].as.str;
    int i = parse_capability(s->chars, s->len);
    if (i < 0) {
        /* upstream names the trimmed input */
        size_t b = 0, e = s->len;
        while (b < e && (s->chars[b] == ' ' || s->chars[b] == '\t' || s->chars[b] == '\n' || s->chars[b] == '\r')) b++;
        while (e > b && (s->chars[e - 1] == ' ' || s->chars[e - 1] == '\t' || s->chars[e - 1] == '\n' ||
                         s->chars[e - 1] == '\r'))
            e--;
        return vm_error(vm, "Unsupported MPC capability: %.*s", (int)(e - b), s->chars + b);
    }
    if (!vm->mpc) return no_engine(vm);
    *r = val_bool(caps[i].offered);
    return ST_OK;
}

static int bi_capabilities(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (!vm->mpc) return no_engine(vm);
    StArray *arr;
    if (sl_new_array(vm, N_CAPS, &arr) != ST_OK) return ST_ERR;
    for (size_t i = 0; i < N_CAPS; i++) {
        Value s;
        if (!caps[i].offered) continue;
        if (vm_new_string(vm, caps[i].name, strlen(caps[i].name), &s) != ST_OK || sl_array_push(vm, arr, s) != ST_OK)
            return ST_ERR;
    }
    *r = val_gc(VT_ARRAY, arr);
    return ST_OK;
}

int mpc_field_builtins_register(VM *vm)
{
    static const struct {
        const char *name;
        NativeFn fn;
    } fns[] = {
        { "Field.from_int", bi_from_int },
        { "Field.zero", bi_zero },
        { "Field.one", bi_one },
        { "Field.is_zero", bi_is_zero },
        { "Field.eq", bi_eq },
        { "Field.add", bi_add },
        { "Field.sub", bi_sub },
        { "Field.mul", bi_mul },
        { "Field.neg", bi_neg },
        { "Field.inverse", bi_inverse },
        { "Field.sqrt", bi_sqrt },
        { "Share.random_int", bi_random_int },
        { "Mpc.curve", bi_curve },
        { "Mpc.field", bi_field },
        { "Mpc.has_capability", bi_has_capability },
        { "Mpc.capabilities", bi_capabilities },
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (vm_replace_native(vm, fns[i].name, fns[i].fn, NULL) != ST_OK) return ST_ERR;
    return ST_OK;
}
