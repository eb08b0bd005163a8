/* mpc_compare_builtins.c: Share.lt/le/gt/ge/eq/ne, ltz, is_zero, select,
 * max, min, argmax, argmin, bit_decompose, trunc, div, mod (docs/builtins.md
 * "Comparison and division"), on top of mpc/compare.h, and the floor
 * division behind `DIV`/`MOD` of an integer share by a clear integer.
 *
 * Every operand may be a share (raw or a share object), a clear value, or
 * an array of them: arrays are taken elementwise (a single value is used
 * with every element), and the whole array goes through the protocol as
 * one batch, so n comparisons cost the rounds of one.  Results are raw
 * shares: secret bits are SecretInt of bit length 1 (they open as bools). */
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/compare.h"
#include "stdlib_internal.h"
#include "vm_internal.h"

#define SHARE_INT 0
#define SHARE_FIXED 1
#define SHARE_UINT 2

/* The values of one operand: an array's elements or a single value. */
typedef struct {
    Value *v;
    size_t n;
    bool array;
} Operand;

static int operand(VM *vm, Value v, const char *what, Operand *o)
{
    o->array = v.type == VT_ARRAY;
    o->n = o->array ? (size_t)v.as.arr->len : 1;
    if (o->array && v.as.arr->len > SL_ARRAY_MAX) return vm_error(vm, "%s: array too large", what);
    o->v = malloc((o->n ? o->n : 1) * sizeof(Value));
    if (!o->v) return vm_oom(vm);
    for (size_t i = 0; i < o->n; i++) o->v[i] = o->array ? array_get_index(v.as.arr, (int64_t)i) : v;
    return ST_OK;
}

/* The share type the operands share (the first share found). */
static int common_type(VM *vm, const char *fn, Operand *ops, size_t nops, StShare *type)
{
    bool found = false;
    for (size_t k = 0; k < nops; k++)
        for (size_t i = 0; i < ops[k].n; i++) {
            StShare *s;
            if (!mpcvm_unwrap(vm, ops[k].v[i], &s)) continue;
            if (!found) {
                *type = *s;
                found = true;
            } else if ((s->share_kind == SHARE_FIXED) != (type->share_kind == SHARE_FIXED) ||
                       (s->share_kind == SHARE_FIXED && s->frac != type->frac)) {
                return vm_error(vm, "%s: share type mismatch (integer and fixed point, or different precision)", fn);
            } else if (s->bits > type->bits) {
                type->bits = s->bits;
            }
        }
    if (!found) return vm_error(vm, "%s: at least one argument must be a secret share", fn);
    return ST_OK;
}

/* Bits a clear integer needs as a signed value (for the comparison bound). */
static unsigned clear_bits(int64_t v, bool is_unsigned)
{
    if (is_unsigned) return 64;
    uint64_t m = v < 0 ? ~(uint64_t)v : (uint64_t)v;
    unsigned b = 1;
    while (m) {
        b++;
        m >>= 1;
    }
    return b;
}

/* An element as a field element in the units of `type`; *bits grows to
 * cover a clear value wider than the share type.  *bound: a share's public
 * bound, 0 for a clear value (never wrapped; it fits *bits). */
static int element(VM *vm, const char *fn, const StShare *type, Value v, Fe *out, unsigned *bits, unsigned *bound)
{
    const Field *f = mpc_field(vm->mpc);
    StShare *s;
    *bound = 0;
    if (mpcvm_unwrap(vm, v, &s)) {
        if (s->pending && mpcvm_flush(vm) != ST_OK) return ST_ERR;
        memcpy(out, s->bytes, sizeof *out);
        *bound = s->bound;
        return ST_OK;
    }
    if (type->share_kind == SHARE_FIXED && (v.type == VT_FLOAT || val_is_int(v))) {
        double d = v.type == VT_FLOAT ? v.as.f : val_is_unsigned(v) ? (double)v.as.u : (double)v.as.i;
        double scaled = nearbyint(d * ldexp(1.0, (int)type->frac));
        if (!isfinite(scaled) || fabs(scaled) >= ldexp(1.0, (int)type->bits - 1))
            return vm_error(vm, "%s: %g does not fit the fixed-point share type", fn, d);
        fe_from_i64(f, out, (int64_t)scaled);
        return ST_OK;
    }
    if (val_is_int(v) || v.type == VT_BOOL) {
        bool u = val_is_unsigned(v);
        int64_t i = v.type == VT_BOOL ? v.as.b : v.as.i;
        if (u)
            fe_from_u64(f, out, v.as.u);
        else
            fe_from_i64(f, out, i);
        unsigned need = clear_bits(i, u);
        if (need > *bits) *bits = need > 64 ? 64 : need;
        return ST_OK;
    }
    return vm_error(vm, "%s: expected a share, an integer or a float, got %s", fn, val_type_name((ValueType)v.type));
}

/* Broadcast operands to a common length n and convert them. */
static int elements(VM *vm, const char *fn, Operand *ops, size_t nops, const StShare *const *types, Fe **fe,
                    unsigned **bnd, size_t *n, unsigned *bits)
{
    size_t len = 1;
    for (size_t k = 0; k < nops; k++) {
        if (!ops[k].array) continue;
        if (len != 1 && ops[k].n != len && ops[k].n != 1)
            return vm_error(vm, "%s: arrays of different lengths (%zu and %zu)", fn, len, ops[k].n);
        if (ops[k].n != 1 || len == 1) len = ops[k].n;
    }
    for (size_t k = 0; k < nops; k++) {
        fe[k] = calloc(len ? len : 1, sizeof(Fe));
        bnd[k] = calloc(len ? len : 1, sizeof(unsigned));
        if (!fe[k] || !bnd[k]) return vm_oom(vm);
        for (size_t i = 0; i < len; i++)
            if (element(vm, fn, types[k], ops[k].v[ops[k].n == 1 ? 0 : i], &fe[k][i], bits, &bnd[k][i]) != ST_OK)
                return ST_ERR;
    }
    *n = len;
    return ST_OK;
}

static int engine_fail(VM *vm) { return vm_error(vm, "MPC protocol failed: %s", mpc_error(vm->mpc)); }

/* Results as shares of `type` with public bound `bound` (0: the type's
 * width): an array when any operand was one. */
static int results_bounded(VM *vm, const StShare *type, const Fe *v, size_t n, bool array, unsigned bound, Value *out)
{
    StArray *arr = NULL;
    if (array && sl_new_array(vm, (int64_t)n, &arr) != ST_OK) return ST_ERR;
    for (size_t i = 0; i < n; i++) {
        StShare *s =
            heap_new_share(&vm->heap, type->share_kind, type->bits, type->frac, (const uint8_t *)&v[i], sizeof v[i]);
        if (!s) return vm_oom(vm);
        if (bound) s->bound = bound;
        if (!array) {
            *out = val_gc(VT_SHARE, s);
            return ST_OK;
        }
        if (sl_array_push(vm, arr, val_gc(VT_SHARE, s)) != ST_OK) return ST_ERR;
    }
    *out = val_gc(VT_ARRAY, arr);
    return ST_OK;
}

static int results(VM *vm, const StShare *type, const Fe *v, size_t n, bool array, Value *out)
{
    return results_bounded(vm, type, v, n, array, 0, out);
}

static const StShare bit_type = { .share_kind = SHARE_INT, .bits = 1 };
static const StShare index_type = { .share_kind = SHARE_INT, .bits = 64 };

/* The converted operands of one call. */
typedef struct {
    const char *fn;
    Operand ops[3];
    Fe *fe[3];
    unsigned *bnd[3]; /* public bounds of share elements, 0 for clear ones */
    size_t n;
    unsigned bits; /* comparison bound: the widest operand */
    StShare type;  /* the operands' share type (from operand type_from on) */
    bool array;
    unsigned out_bound; /* the results' bound, when not the type's width */
} Args;

static void args_free(Args *g)
{
    for (uint32_t k = 0; k < 3; k++) {
        free(g->ops[k].v);
        if (g->fe[k]) sodium_memzero(g->fe[k], (g->n ? g->n : 1) * sizeof(Fe));
        free(g->fe[k]);
        free(g->bnd[k]);
    }
}

/* Parses nops operands; the share type comes from operands type_from.. (an
 * earlier one, the condition of select, is a plain integer). */
static int args_parse(VM *vm, const char *fn, const Value *a, uint32_t nops, uint32_t type_from, Args *g)
{
    memset(g, 0, sizeof *g);
    g->fn = fn;
    int rc = mpcvm_flush(vm);
    for (uint32_t k = 0; rc == ST_OK && k < nops; k++) {
        rc = operand(vm, a[k], fn, &g->ops[k]);
        g->array = g->array || g->ops[k].array;
    }
    if (rc == ST_OK) rc = common_type(vm, fn, g->ops + type_from, nops - type_from, &g->type);
    if (rc != ST_OK) return ST_ERR;
    g->bits = g->type.bits;
    const StShare *types[3] = { &g->type, &g->type, &g->type };
    for (uint32_t k = 0; k < type_from; k++) types[k] = &index_type;
    return elements(vm, fn, g->ops, nops, types, g->fe, g->bnd, &g->n, &g->bits);
}

/* Before a masked opening: share operands from..nops-1 whose bound passes
 * width bits (their type's, or a comparison's explicit k) are wrapped into
 * it (docs/mpc.md "Share bounds"). */
static int fit_args(VM *vm, Args *g, uint32_t from, uint32_t nops, unsigned width)
{
    for (uint32_t k = from; k < nops; k++)
        if (mpcvm_fit(vm, g->fn, g->type.share_kind, width, g->fe[k], g->bnd[k], g->n) != ST_OK) return ST_ERR;
    return ST_OK;
}

/* The widest of operands from..nops-1 (clear ones fit g->bits). */
static unsigned widest(const Args *g, uint32_t from, uint32_t nops)
{
    unsigned w = g->bits;
    for (uint32_t k = from; k < nops; k++)
        for (size_t i = 0; i < g->n; i++)
            if (g->bnd[k][i] > w) w = g->bnd[k][i];
    return w;
}

typedef int (*Body)(VM *vm, Args *g, Fe *out, void *ud);

/* Parses, runs body, wraps n results (bits or the operands' type). */
static int apply(VM *vm, const char *fn, const Value *a, uint32_t nops, uint32_t type_from, bool bit_result, Body body,
                 void *ud, Value *r)
{
    Args g;
    Fe *out = NULL;
    int rc = args_parse(vm, fn, a, nops, type_from, &g);
    if (rc == ST_OK && !(out = calloc(g.n ? g.n : 1, sizeof(Fe)))) rc = vm_oom(vm);
    if (rc == ST_OK && g.n) rc = body(vm, &g, out, ud);
    if (rc == ST_OK) rc = results_bounded(vm, bit_result ? &bit_type : &g.type, out, g.n, g.array, g.out_bound, r);
    if (out) sodium_memzero(out, (g.n ? g.n : 1) * sizeof(Fe));
    free(out);
    args_free(&g);
    return rc;
}

/* ---- comparisons --------------------------------------------------------------- */

static const struct {
    const char *name;
    MpcCmpOp op;
} cmp_ops[] = {
    { "Share.lt", MPC_CMP_LT }, { "Share.le", MPC_CMP_LE }, { "Share.gt", MPC_CMP_GT },
    { "Share.ge", MPC_CMP_GE }, { "Share.eq", MPC_CMP_EQ }, { "Share.ne", MPC_CMP_NE },
};

/* One comparison call: the operator and the bit length asked for (0: the
 * operands' own). */
typedef struct {
    size_t op;
    unsigned k;
} CmpCall;

static int cmp_body(VM *vm, Args *g, Fe *out, void *ud)
{
    const CmpCall *c = ud;
    unsigned k = c->k ? c->k : g->bits;
    /* within the k bits the comparison's masks assume */
    if (fit_args(vm, g, 0, 2, k) != ST_OK) return ST_ERR;
    if (mpc_compare(vm->mpc, cmp_ops[c->op].op, g->fe[0], g->fe[1], g->n, k, out) != 0) return engine_fail(vm);
    return ST_OK;
}

/* Share.lt(a, b[, k]): a given k is the bit length of the values (they
 * must fit k bits, signed or unsigned), so l-bit values cost l bits, not
 * their share type's 64. */
static int bi_cmp(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    const char *name = cmp_ops[(size_t)ud].name;
    CmpCall c = { (size_t)ud, 0 };
    if (n != 2 && n != 3)
        return sl_expects(vm, name, "2 or 3 arguments: a, b (shares, clear values or arrays), optional bit length");
    if (n == 3) {
        uint64_t k;
        if (sl_usize(vm, a[2], "bit length", &k) != ST_OK) return ST_ERR;
        if (k < 1 || k > 64)
            return vm_error(vm, "%s: bit length %llu is not between 1 and 64", name, (unsigned long long)k);
        c.k = (unsigned)k;
    }
    return apply(vm, name, a, 2, 0, true, cmp_body, &c, r);
}

static int ltz_body(VM *vm, Args *g, Fe *out, void *ud)
{
    MpcCmpOp op = ud ? MPC_CMP_EQ : MPC_CMP_LT;
    if (fit_args(vm, g, 0, 1, g->type.bits) != ST_OK) return ST_ERR;
    if (mpc_compare(vm->mpc, op, g->fe[0], NULL, g->n, g->bits, out) != 0) return engine_fail(vm);
    return ST_OK;
}

static int bi_ltz(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 1) return sl_expects(vm, "Share.ltz", "1 argument: share or array of shares");
    return apply(vm, "Share.ltz", a, 1, 0, true, ltz_body, NULL, r);
}

static int bi_is_zero(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 1) return sl_expects(vm, "Share.is_zero", "1 argument: share or array of shares");
    return apply(vm, "Share.is_zero", a, 1, 0, true, ltz_body, (void *)1, r);
}

/* ---- select, max, min, argmax, argmin ----------------------------------------------- */

static int select_body(VM *vm, Args *g, Fe *out, void *ud)
{
    /* c·(a − b) + b: a bit c gives a or b; a wider c scales a − b */
    unsigned c = 0, ab = widest(g, 1, 3);
    for (size_t i = 0; i < g->n; i++)
        if (g->bnd[0][i] > c) c = g->bnd[0][i];
    g->out_bound = c <= 1 ? ab : mpc_bound_add(mpc_bound_mul(c, mpc_bound_add(ab, ab)), ab);
    if (mpc_select(vm->mpc, g->fe[0], g->fe[1], g->fe[2], g->n, out) != 0) return engine_fail(vm);
    return ST_OK;
}

static int bi_select(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 3) return sl_expects(vm, "Share.select", "3 arguments: condition bit, a, b");
    Operand c;
    if (operand(vm, a[0], "Share.select", &c) != ST_OK) return ST_ERR;
    int rc = ST_OK;
    for (size_t i = 0; rc == ST_OK && i < c.n; i++) {
        StShare *s;
        if (!mpcvm_unwrap(vm, c.v[i], &s) || s->share_kind != SHARE_INT || s->bits != 1)
            rc = vm_error(vm, "Share.select: the condition must be a secret bit (bit length 1), e.g. from Share.lt");
    }
    free(c.v);
    if (rc != ST_OK) return ST_ERR;
    return apply(vm, "Share.select", a, 3, 1, false, select_body, NULL, r);
}

static int minmax_body(VM *vm, Args *g, Fe *out, void *ud)
{
    size_t n = g->n;
    Fe *const *in = g->fe;
    /* max: a < b ? b : a;  min: a < b ? a : b */
    if (fit_args(vm, g, 0, 2, g->type.bits) != ST_OK) return ST_ERR;
    g->out_bound = widest(g, 0, 2);
    Fe *c = calloc(n, sizeof(Fe));
    if (!c) return vm_oom(vm);
    int rc = mpc_compare(vm->mpc, MPC_CMP_LT, in[0], in[1], n, g->bits, c);
    if (rc == 0) rc = ud ? mpc_select(vm->mpc, c, in[1], in[0], n, out) : mpc_select(vm->mpc, c, in[0], in[1], n, out);
    sodium_memzero(c, n * sizeof(Fe));
    free(c);
    return rc == 0 ? ST_OK : engine_fail(vm);
}

static int bi_max(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 2) return sl_expects(vm, "Share.max", "2 arguments: a, b");
    return apply(vm, "Share.max", a, 2, 0, false, minmax_body, (void *)1, r);
}

static int bi_min(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    if (n != 2) return sl_expects(vm, "Share.min", "2 arguments: a, b");
    return apply(vm, "Share.min", a, 2, 0, false, minmax_body, NULL, r);
}

static int arg_extreme(VM *vm, const char *fn, const Value *a, uint32_t n, bool want_max, Value *r)
{
    if (n != 1) return sl_expects(vm, fn, "1 argument: array of shares");
    if (a[0].type != VT_ARRAY || a[0].as.arr->len == 0)
        return vm_error(vm, "%s: expected a non-empty array of shares", fn);
    Args g;
    Fe idx;
    int rc = args_parse(vm, fn, a, 1, 0, &g);
    if (rc == ST_OK) rc = fit_args(vm, &g, 0, 1, g.type.bits);
    if (rc == ST_OK && mpc_arg_extreme(vm->mpc, g.fe[0], g.n, g.bits, want_max, &idx, NULL) != 0) rc = engine_fail(vm);
    if (rc == ST_OK) rc = results(vm, &index_type, &idx, 1, false, r);
    args_free(&g);
    return rc;
}

static int bi_argmax(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return arg_extreme(vm, "Share.argmax", a, n, true, r);
}

static int bi_argmin(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return arg_extreme(vm, "Share.argmin", a, n, false, r);
}

/* ---- bit decomposition, truncation, division ------------------------------------------ */

/* x, the value of share s, brought into s's width if its bound passes it. */
static int fit_share(VM *vm, const char *fn, const StShare *s, Fe *x)
{
    unsigned b = s->bound;
    return mpcvm_fit(vm, fn, s->share_kind, s->bits, x, &b, 1);
}

/* A single integer share argument (flushed), with its field element (the
 * callers fit it, or pass it on to what fits it). */
static int int_share(VM *vm, const char *fn, Value v, StShare **s, Fe *x)
{
    if (!mpcvm_unwrap(vm, v, s)) return vm_error(vm, "%s: first argument must be a share", fn);
    if ((*s)->pending && mpcvm_flush(vm) != ST_OK) return ST_ERR;
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    memcpy(x, (*s)->bytes, sizeof *x);
    return ST_OK;
}

static int bi_bit_decompose(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *s;
    Fe x;
    uint64_t k;
    if (n != 2) return sl_expects(vm, "Share.bit_decompose", "2 arguments: share, bit count");
    if (int_share(vm, "Share.bit_decompose", a[0], &s, &x) != ST_OK || fit_share(vm, "Share.bit_decompose", s, &x))
        return ST_ERR;
    if (sl_usize(vm, a[1], "bit count", &k) != ST_OK) return ST_ERR;
    if (k == 0 || k > s->bits || k > 64)
        return vm_error(vm, "Share.bit_decompose: bit count must be between 1 and the share's bit length %u", s->bits);
    Fe bits[64];
    if (mpc_bit_decompose(vm->mpc, &x, 1, s->bits, (unsigned)k, bits) != 0) return engine_fail(vm);
    int rc = results(vm, &bit_type, bits, (size_t)k, true, r);
    sodium_memzero(bits, sizeof bits);
    sodium_memzero(&x, sizeof x);
    return rc;
}

static int bi_trunc(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *s;
    Fe x;
    uint64_t m;
    if (n != 2) return sl_expects(vm, "Share.trunc", "2 arguments: share, bits to drop");
    if (int_share(vm, "Share.trunc", a[0], &s, &x) != ST_OK || fit_share(vm, "Share.trunc", s, &x)) return ST_ERR;
    if (sl_usize(vm, a[1], "bits to drop", &m) != ST_OK) return ST_ERR;
    if (m == 0) return results(vm, s, &x, 1, false, r);
    if (m > s->bits)
        return vm_error(vm, "Share.trunc: cannot drop %llu bits of a %u-bit share", (unsigned long long)m, s->bits);
    if (mpc_trunc_exact(vm->mpc, &x, 1, s->bits, (unsigned)m, &x) != 0) return engine_fail(vm);
    int rc = results(vm, s, &x, 1, false, r);
    sodium_memzero(&x, sizeof x);
    return rc;
}

/* Floor quotient (or remainder) of an integer share by a clear integer. */
int mpcvm_div_public(VM *vm, const StShare *s, const Fe *x, Value d, bool want_mod, Value *out)
{
    if (!val_is_int(d)) return vm_error(vm, "The divisor of a secret integer must be a clear integer");
    if (val_is_unsigned(d) && d.as.u > (uint64_t)INT64_MAX)
        return vm_error(vm, "Divisor %llu is too large", (unsigned long long)d.as.u);
    int64_t dv = d.as.i;
    if (dv == 0) return vm_error(vm, "Division by zero");
    if (s->share_kind == SHARE_FIXED) return vm_error(vm, "Floor division needs an integer share");
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    Fe q, rem, v = *x;
    unsigned bits = s->bits < 2 ? 2 : s->bits;
    if (fit_share(vm, want_mod ? "MOD" : "DIV", s, &v) != ST_OK) return ST_ERR;
    int rc = mpc_div_public(vm->mpc, &v, 1, bits, dv, &q, &rem) == 0 ? ST_OK : engine_fail(vm);
    /* |quotient| <= |x|; |remainder| < |d| */
    unsigned rb = mpc_bound_of_i64(dv);
    if (rc == ST_OK)
        rc = results_bounded(vm, s, want_mod ? &rem : &q, 1, false, want_mod && rb > s->bits ? rb : 0, out);
    sodium_memzero(&v, sizeof v);
    sodium_memzero(&q, sizeof q);
    sodium_memzero(&rem, sizeof rem);
    return rc;
}

/* Fixed-point a / b for two fixed-point shares of the same precision. */
int mpcvm_fixed_div(VM *vm, const StShare *sa, const StShare *sb, Value *out)
{
    if (sa->share_kind != SHARE_FIXED || sb->share_kind != SHARE_FIXED || sa->frac != sb->frac || sa->bits != sb->bits)
        return vm_error(vm, "Share division needs two fixed-point shares of the same precision");
    if (sa->bits < 8 || sa->frac >= MPC_FIXED_NEWTON_BITS || sa->frac + 1 >= sa->bits)
        return vm_error(vm, "Fixed-point division needs 8..64 total bits and fewer than %d fractional bits",
                        MPC_FIXED_NEWTON_BITS);
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    Fe x, y, q;
    memcpy(&x, sa->bytes, sizeof x);
    memcpy(&y, sb->bytes, sizeof y);
    if (fit_share(vm, "DIV", sa, &x) != ST_OK || fit_share(vm, "DIV", sb, &y) != ST_OK) return ST_ERR;
    int rc = mpc_fixed_div(vm->mpc, &x, &y, 1, sa->bits, sa->frac, &q) == 0 ? results(vm, sa, &q, 1, false, out)
                                                                            : engine_fail(vm);
    sodium_memzero(&x, sizeof x);
    sodium_memzero(&y, sizeof y);
    sodium_memzero(&q, sizeof q);
    return rc;
}

static int bi_recip(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    StShare *s;
    Fe x;
    if (n != 1) return sl_expects(vm, "Share.recip", "1 argument: fixed-point share");
    if (int_share(vm, "Share.recip", a[0], &s, &x) != ST_OK) return ST_ERR;
    if (s->share_kind != SHARE_FIXED) return vm_error(vm, "Share.recip needs a fixed-point share");
    /* 1.0 in the share's precision, as a public (degree-0) share */
    Fe one;
    fe_from_u64(mpc_field(vm->mpc), &one, (uint64_t)1 << s->frac);
    StShare *o = heap_new_share(&vm->heap, SHARE_FIXED, s->bits, s->frac, (const uint8_t *)&one, sizeof one);
    if (!o) return vm_oom(vm);
    return mpcvm_fixed_div(vm, o, s, r);
}

/* Share.sqrt / Share.exp: one fixed-point share (or an array of them). */
typedef int (*FixedFn)(MpcEngine *e, const Fe *x, size_t n, unsigned k, unsigned f, Fe *out);

static int fixed_body(VM *vm, Args *g, Fe *out, void *ud)
{
    FixedFn fn = *(FixedFn *)ud;
    if (g->type.share_kind != SHARE_FIXED) return vm_error(vm, "expected a fixed-point share");
    if (g->type.bits != 64 || g->type.frac > 24)
        return vm_error(vm, "needs a 64-bit fixed-point share with at most 24 fractional bits");
    if (fit_args(vm, g, 0, 1, g->type.bits) != ST_OK) return ST_ERR;
    if (fn(vm->mpc, g->fe[0], g->n, g->type.bits, g->type.frac, out) != 0) return engine_fail(vm);
    return ST_OK;
}

static int bi_sqrt(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    static FixedFn fn = mpc_fixed_sqrt;
    if (n != 1) return sl_expects(vm, "Share.sqrt", "1 argument: fixed-point share");
    return apply(vm, "Share.sqrt", a, 1, 0, false, fixed_body, &fn, r);
}

static int bi_exp(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    static FixedFn fn = mpc_fixed_exp;
    if (n != 1) return sl_expects(vm, "Share.exp", "1 argument: fixed-point share");
    return apply(vm, "Share.exp", a, 1, 0, false, fixed_body, &fn, r);
}

static int div_mod(VM *vm, const char *fn, const Value *a, uint32_t n, bool want_mod, Value *r)
{
    StShare *s, *sb;
    Fe x;
    if (n != 2) return sl_expects(vm, fn, "2 arguments: share, divisor");
    if (int_share(vm, fn, a[0], &s, &x) != ST_OK) return ST_ERR;
    if (!want_mod && mpcvm_unwrap(vm, a[1], &sb)) return mpcvm_fixed_div(vm, s, sb, r);
    if (s->share_kind == SHARE_FIXED && !want_mod) {
        /* fixed point: the VM's division (by a clear value) */
        Value q;
        if (mpcvm_binary(vm, STF_OP_DIV, a[0], a[1], &q) != ST_OK) return ST_ERR;
        *r = q;
        return ST_OK;
    }
    return mpcvm_div_public(vm, s, &x, a[1], want_mod, r);
}

static int bi_div(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return div_mod(vm, "Share.div", a, n, false, r);
}

static int bi_mod(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return div_mod(vm, "Share.mod", a, n, true, r);
}

int mpc_compare_builtins_register(VM *vm)
{
    for (size_t i = 0; i < sizeof cmp_ops / sizeof cmp_ops[0]; i++)
        if (vm_replace_native(vm, cmp_ops[i].name, bi_cmp, (void *)i) != ST_OK) return ST_ERR;
    static const struct {
        const char *name;
        NativeFn fn;
    } fns[] = {
        { "Share.ltz", bi_ltz },       { "Share.is_zero", bi_is_zero },
        { "Share.select", bi_select }, { "Share.max", bi_max },
        { "Share.min", bi_min },       { "Share.argmax", bi_argmax },
        { "Share.argmin", bi_argmin }, { "Share.bit_decompose", bi_bit_decompose },
        { "Share.trunc", bi_trunc },   { "Share.div", bi_div },
        { "Share.mod", bi_mod },       { "Share.recip", bi_recip },
        { "Share.sqrt", bi_sqrt },     { "Share.exp", bi_exp },
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (vm_replace_native(vm, fns[i].name, fns[i].fn, NULL) != ST_OK) return ST_ERR;
    return ST_OK;
}
