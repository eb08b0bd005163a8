/* mpc_vm.c: secret shares inside the VM (spec/vm-core.md §1.3, §1.8,
 * §2.3, §4.4; spec/mpc.md §1).
 *
 * A share value is an StShare holding this party's field element (raw
 * Montgomery limbs: every party runs the same code) and its type: SecretInt
 * (bit length; 1 = boolean), SecretUInt, or SecretFixedPoint (k total, f
 * fractional bits).  Linear operations are local.  A share-by-share MUL
 * does not talk to the network at once: it returns a *pending* share and
 * queues the multiplication.  The queue is flushed, as one communication
 * round for all of it, when a pending value is first needed (an operation
 * reads it, a reveal, a builtin, the end of the call), so independent
 * multiplications in a program travel together.  Fixed-point products are
 * then truncated by f bits in one more round for the whole batch
 * (probabilistic truncation), which upstream omits (spec/mpc.md §7), and
 * wrapped into 64 bits (issue 20, docs/mpc.md "The truncation bound").
 * Every share carries a public bound on its magnitude (StShare.bound,
 * docs/mpc.md "Share bounds"): linear operations and products compute it,
 * and a value whose bound exceeds what the next masked opening hides is
 * wrapped into its type first (mpcvm_fit). */
#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/engine.h"
#include "process.h"

typedef struct {
    StShare *dst;
    Fe x, y;
    bool truncate;
    unsigned bound; /* of the product x·y, before truncation */
} PendingMul;

typedef struct MpcVmState {
    PendingMul *q;
    size_t n, cap;
} MpcVmState;

static bool bounds_on = true; /* off only in tests (mpcvm_test_bounds) */

static Fe *share_fe(StShare *s) { return (Fe *)(void *)s->bytes; }

static StShare *new_share(VM *vm, uint8_t kind, uint32_t bits, uint32_t frac, const Fe *v)
{
    StShare *s = heap_new_share(&vm->heap, kind, bits, frac, (const uint8_t *)v, sizeof(Fe));
    return s;
}

/* A share of `type` holding v, with public bound `bound`. */
static int new_bounded(VM *vm, const StShare *type, const Fe *v, unsigned bound, Value *out)
{
    StShare *s = new_share(vm, type->share_kind, type->bits, type->frac, v);
    if (!s) return vm_oom(vm);
    s->bound = bound;
    *out = val_gc(VT_SHARE, s);
    return ST_OK;
}

/* ---- share objects (`Share.*` results, spec §7.4) ------------------------------ */

static bool object_field(VM *vm, StObject *o, const char *key, Value *out)
{
    /* A share object has three fields: look without allocating, since an
     * allocation failing at the heap cap would make a share look like no
     * share ("element N is not a share" instead of the limit). */
    size_t len = strlen(key);
    if (o->fields.count <= 8) {
        const TableEntry *en;
        for (uint32_t it = 0; table_next(&o->fields, &it, &en);)
            if (en->key.type == VT_STRING && en->key.as.str->len == len &&
                memcmp(en->key.as.str->chars, key, len) == 0) {
                *out = en->value;
                return true;
            }
        return false;
    }
    StString *k = heap_new_string(&vm->heap, key, len);
    return k && table_get(&o->fields, val_string(k), out);
}

bool mpcvm_unwrap(VM *vm, Value v, StShare **out)
{
    if (v.type == VT_SHARE) {
        *out = v.as.share;
        return true;
    }
    if (v.type != VT_OBJECT) return false;
    Value t, d;
    if (!object_field(vm, v.as.obj, "__type", &t) || t.type != VT_STRING || t.as.str->len != 5 ||
        memcmp(t.as.str->chars, "Share", 5) != 0)
        return false;
    if (!object_field(vm, v.as.obj, "__data", &d) || d.type != VT_SHARE) return false;
    *out = d.as.share;
    return true;
}

bool mpcvm_has_commitments(VM *vm, Value v)
{
    Value c;
    return v.type == VT_OBJECT && object_field(vm, v.as.obj, "__commitments", &c) && c.type == VT_ARRAY;
}

bool vm_as_share(VM *vm, Value v, StShare **out)
{
    if (!mpcvm_unwrap(vm, v, out)) return false;
    /* The caller reads the value: finish pending work first. */
    if ((*out)->pending && mpcvm_flush(vm) != ST_OK) return false;
    return true;
}

/* ---- the pending queue ------------------------------------------------------------- */

static MpcVmState *state(VM *vm)
{
    if (!vm->mpcs) vm->mpcs = vm_mem_alloc(vm, sizeof(MpcVmState));
    return vm->mpcs;
}

void mpcvm_mark(VM *vm)
{
    MpcVmState *st = vm->mpcs;
    if (!st) return;
    for (size_t i = 0; i < st->n; i++) heap_mark_object(&vm->heap, &st->q[i].dst->gc);
}

void mpcvm_discard(VM *vm)
{
    MpcVmState *st = vm->mpcs;
    if (!st) return;
    sodium_memzero(st->q, st->n * sizeof *st->q);
    st->n = 0;
}

void mpcvm_free(VM *vm)
{
    if (!vm->mpcs) return;
    mpcvm_discard(vm);
    vm_mem_free(vm, vm->mpcs->q, vm->mpcs->cap * sizeof *vm->mpcs->q);
    vm_mem_free(vm, vm->mpcs, sizeof *vm->mpcs);
    vm->mpcs = NULL;
}

static int engine_error(VM *vm) { return vm_error(vm, "MPC protocol failed: %s", mpc_error(vm->mpc)); }

int mpcvm_flush(VM *vm)
{
    MpcVmState *st = vm->mpcs;
    if (!st || st->n == 0) return ST_OK;
    size_t n = st->n;
    size_t bytes = n * sizeof(Fe);
    Fe *x = vm_mem_alloc(vm, bytes), *y = vm_mem_alloc(vm, bytes), *z = vm_mem_alloc(vm, bytes);
    int rc = ST_OK;
    if (!x || !y || !z) rc = vm_oom(vm);
    for (size_t i = 0; rc == ST_OK && i < n; i++) {
        x[i] = st->q[i].x;
        y[i] = st->q[i].y;
    }
    if (rc == ST_OK && mpc_round(vm->mpc, NULL, 0, NULL, x, y, n, z) != 0) rc = engine_error(vm);
    /* Fixed-point products: truncate all of them in one more round, then
     * wrap them into 64 bits in 6 (fixed.h: keeps later products hidden). */
    size_t nt = 0;
    for (size_t i = 0; rc == ST_OK && i < n; i++)
        if (st->q[i].truncate) x[nt++] = z[i];
    for (size_t i = 0; rc == ST_OK && bounds_on && i < n; i++)
        if (st->q[i].truncate && st->q[i].bound > MPC_BOUND_PRODUCT)
            rc = vm_error(vm, "internal error: a %u-bit fixed-point product reached truncation", st->q[i].bound);
    if (rc == ST_OK && nt) {
        /* The product must itself fit k-bit fixed point: |x*y| < 2^(k-1-f). */
        if (mpc_fixed_truncate(vm->mpc, x, nt, MPC_FIXED_TOTAL_BITS, MPC_FIXED_FRAC_BITS, y) != 0)
            rc = engine_error(vm);
        for (size_t i = 0, k = 0; rc == ST_OK && i < n; i++)
            if (st->q[i].truncate) z[i] = y[k++];
    }
    for (size_t i = 0; rc == ST_OK && i < n; i++) {
        *share_fe(st->q[i].dst) = z[i];
        st->q[i].dst->pending = 0;
    }
    Fe *bufs[3] = { x, y, z };
    for (int i = 0; i < 3; i++) {
        if (bufs[i]) sodium_memzero(bufs[i], bytes);
        vm_mem_free(vm, bufs[i], bytes);
    }
    sodium_memzero(st->q, n * sizeof *st->q);
    st->n = 0;
    return rc;
}

unsigned mpcvm_clear_bound(VM *vm, const Fe *x)
{
    int64_t v;
    if (fe_to_i64_signed(mpc_field(vm->mpc), &v, x) == 0) return mpc_bound_of_i64(v);
    uint64_t l[4];
    fe_to_limbs(mpc_field(vm->mpc), l, x);
    return l[1] | l[2] | l[3] ? MPC_BOUND_MAX : mpc_bound_bits(l[0]);
}

/* This party's field element of a share, running pending work first. */
static int share_get(VM *vm, StShare *s, Fe *out)
{
    /* With other processes ready to run, park this one: their products
     * then share the round (process.c). */
    if (s->pending && process_mpc_park(vm)) return ST_ERR;
    if (s->pending && mpcvm_flush(vm) != ST_OK) return ST_ERR;
    *out = *share_fe(s);
    return ST_OK;
}

static int enqueue_mul(VM *vm, const StShare *type, const Fe *x, const Fe *y, bool truncate, unsigned bound, Value *out)
{
    MpcVmState *st = state(vm);
    if (!st) return vm_oom(vm);
    if (st->n == MPCVM_MAX_PENDING && mpcvm_flush(vm) != ST_OK) return ST_ERR;
    if (st->n == st->cap) {
        size_t ncap = st->cap ? st->cap * 2 : 64;
        PendingMul *q = vm_mem_alloc(vm, ncap * sizeof *q);
        if (!q) return vm_oom(vm);
        if (st->q) {
            /* moved, and the old copy of the operands wiped */
            memcpy(q, st->q, st->n * sizeof *q);
            sodium_memzero(st->q, st->cap * sizeof *q);
            vm_mem_free(vm, st->q, st->cap * sizeof *q);
        }
        st->q = q;
        st->cap = ncap;
    }
    Fe zero;
    fe_zero(&zero);
    StShare *dst = new_share(vm, type->share_kind, type->bits, type->frac, &zero);
    if (!dst) return vm_oom(vm);
    dst->pending = 1;
    /* a truncated product is wrapped into 64 bits (mpc_fixed_truncate) */
    dst->bound = truncate ? MPC_FIXED_TOTAL_BITS : bound;
    st->q[st->n++] = (PendingMul){ .dst = dst, .x = *x, .y = *y, .truncate = truncate, .bound = bound };
    *out = val_gc(VT_SHARE, dst);
    return ST_OK;
}

/* ---- clear <-> field ------------------------------------------------------------------ */

static int fixed_encode(VM *vm, double x, uint32_t frac, int64_t *out)
{
    /* rounds to nearest (upstream truncates: 0.3 would be 19660/65536) */
    if (fixed_from_double(x, frac, out) != 0)
        return vm_error(vm, "Fixed-point value %g is out of range for %u fractional bits", x, frac);
    return ST_OK;
}

/* Integer value of a clear integer as a field element. */
static void int_to_fe(const Field *f, Value v, Fe *out)
{
    if (val_is_unsigned(v))
        fe_from_u64(f, out, v.as.u);
    else
        fe_from_i64(f, out, v.as.i);
}

int mpcvm_share_clear(VM *vm, Value v, uint32_t reg, Value *out)
{
    const Field *f = mpc_field(vm->mpc);
    Fe x;
    uint8_t kind = SHARE_INT;
    uint32_t bits = 64, frac = 0;
    if (val_is_int(v)) {
        int_to_fe(f, v, &x);
    } else if (v.type == VT_BOOL) {
        fe_from_u64(f, &x, v.as.b ? 1 : 0);
        bits = 1;
    } else if (v.type == VT_FLOAT) {
        int64_t enc = 0;
        if (fixed_encode(vm, v.as.f, MPC_FIXED_FRAC_BITS, &enc) != ST_OK) return ST_ERR;
        fe_from_i64(f, &x, enc);
        kind = SHARE_FIXED;
        bits = MPC_FIXED_TOTAL_BITS;
        frac = MPC_FIXED_FRAC_BITS;
    } else {
        return vm_error(vm,
                        "Cannot write clear %s value directly to secret register r%u: "
                        "only integers, floats and booleans can be secret-shared",
                        val_type_name((ValueType)v.type), reg);
    }
    /* A public value is the degree-0 sharing of itself: every party holds
     * the value as its share (spec/mpc.md §1.6). */
    StShare *s = new_share(vm, kind, bits, frac, &x);
    if (!s) return vm_oom(vm);
    s->bound = (uint16_t)mpcvm_clear_bound(vm, &x); /* public: its own size */
    *out = val_gc(VT_SHARE, s);
    return ST_OK;
}

/* A SecretInt as upstream reveals it: the field element as a signed value
 * (upper half negative), its low 64 bits in two's complement (8, 16 and 32
 * bits then narrow by the caller's cast), so an int64 product beyond int64
 * wraps instead of failing.  Upstream also sign-extends other widths from
 * their top bit; here they keep the low 64 bits (Share.random_int(20)
 * opens in [0, 2^20), which tests/unit/test_mpc_field.c relies on). */
static int64_t wrap_int(const Field *f, const Fe *x)
{
    uint64_t a[4], b[4];
    Fe neg;
    fe_neg(f, &neg, x);
    fe_to_limbs(f, a, x);
    fe_to_limbs(f, b, &neg);
    int c = 0; /* compare b (= p - x) with a: b < a means x is negative */
    for (int i = 3; i >= 0 && c == 0; i--) c = b[i] < a[i] ? -1 : b[i] > a[i] ? 1 : 0;
    uint64_t u = !fe_is_zero(x) && c < 0 ? (uint64_t)0 - b[0] : a[0];
    return (int64_t)u;
}

int mpcvm_decode(VM *vm, const StShare *type, const Fe *x, Value *out)
{
    const Field *f = mpc_field(vm->mpc);
    int64_t v;
    if (type->share_kind == SHARE_INT && type->bits == 1) {
        *out = val_bool(!fe_is_zero(x));
        return ST_OK;
    }
    if (type->share_kind == SHARE_UINT) {
        uint64_t limbs[4];
        fe_to_limbs(f, limbs, x);
        uint64_t u = limbs[0];
        switch (type->bits) {
        case 8: *out = val_uint(VT_U8, u & 0xff); break;
        case 16: *out = val_uint(VT_U16, u & 0xffff); break;
        case 32: *out = val_uint(VT_U32, u & 0xffffffff); break;
        default: *out = val_uint(VT_U64, u); break;
        }
        return ST_OK;
    }
    if (type->share_kind == SHARE_FIXED) {
        if (fe_to_i64_signed(f, &v, x) != 0)
            return vm_error(vm, "Opened value does not fit in a signed 64-bit integer");
        *out = val_float((double)v / ldexp(1.0, (int)type->frac));
        return ST_OK;
    }
    if (type->bits > 64) {
        if (fe_to_i64_signed(f, &v, x) != 0)
            return vm_error(vm, "Opened value does not fit in a signed 64-bit integer");
    } else {
        v = wrap_int(f, x);
    }
    switch (type->bits) {
    case 8: *out = val_int(VT_I8, (int8_t)v); break;
    case 16: *out = val_int(VT_I16, (int16_t)v); break;
    case 32: *out = val_int(VT_I32, (int32_t)v); break;
    default: *out = val_i64(v); break;
    }
    return ST_OK;
}

int mpcvm_reveal(VM *vm, Value share, Value *out)
{
    StShare *s;
    if (!mpcvm_unwrap(vm, share, &s)) return vm_error(vm, "Invalid share type for conversion to clear value");
    Fe x, y;
    if (share_get(vm, s, &x) != ST_OK) return ST_ERR;
    if (mpc_round(vm->mpc, &x, 1, &y, NULL, NULL, 0, NULL) != 0) return engine_error(vm);
    return mpcvm_decode(vm, s, &y, out);
}

/* Open several shares in one round (Share.batch_open). */
int mpcvm_open_many(VM *vm, StShare **shares, size_t n, Value *out)
{
    size_t bytes = (n ? n : 1) * sizeof(Fe);
    Fe *x = vm_mem_alloc(vm, bytes);
    if (!x) return vm_oom(vm);
    int rc = ST_OK;
    for (size_t i = 0; rc == ST_OK && i < n; i++) rc = share_get(vm, shares[i], &x[i]);
    if (rc == ST_OK && n && mpc_round(vm->mpc, x, n, x, NULL, NULL, 0, NULL) != 0) rc = engine_error(vm);
    for (size_t i = 0; rc == ST_OK && i < n; i++) rc = mpcvm_decode(vm, shares[i], &x[i], &out[i]);
    sodium_memzero(x, bytes); /* shares, if the round failed */
    vm_mem_free(vm, x, bytes);
    return rc;
}

/* ---- arithmetic ------------------------------------------------------------------------ */

static bool same_type(const StShare *a, const StShare *b)
{
    return a->share_kind == b->share_kind && a->bits == b->bits && a->frac == b->frac;
}

/* A clear operand as a field element in the share's units: integers (and
 * floats, for fixed shares) scaled by 2^f when `scale` is set. */
static int scalar_fe(VM *vm, const StShare *s, Value c, bool scale, Fe *out, bool *is_float)
{
    const Field *f = mpc_field(vm->mpc);
    *is_float = false;
    if (val_is_int(c)) {
        int_to_fe(f, c, out);
        if (scale && s->share_kind == SHARE_FIXED) {
            Fe two_f;
            fe_from_u64(f, &two_f, UINT64_C(1) << s->frac);
            fe_mul(f, out, out, &two_f);
        }
        return ST_OK;
    }
    if (c.type == VT_FLOAT) {
        int64_t enc = 0;
        if (fixed_encode(vm, c.as.f, s->share_kind == SHARE_FIXED ? s->frac : MPC_FIXED_FRAC_BITS, &enc) != ST_OK)
            return ST_ERR;
        fe_from_i64(f, out, enc);
        *is_float = true;
        return ST_OK;
    }
    return -1;
}

static const char *op_word(int op) { return stf_op_name(op); }

/* ---- public bounds (docs/mpc.md "Share bounds") ------------------------------------------ */

void mpcvm_test_bounds(int on) { bounds_on = on != 0; }

int mpcvm_fit(VM *vm, const char *fn, uint8_t kind, unsigned width, Fe *x, unsigned *bound, size_t n)
{
    unsigned top = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (bound[i] > width) {
            m++;
            if (bound[i] > top) top = bound[i];
        }
    if (m == 0 || !bounds_on) return ST_OK;
    unsigned limit = mpc_bound_limit(vm->mpc);
    if (top > limit)
        return vm_error(vm,
                        "%s: an operand may have up to %u bits (its public bound), more than the %u bits a masked "
                        "opening hides in this field, so it cannot be brought back to its %u-bit type",
                        fn, top, limit, width);
    if (width > 64)
        return vm_error(vm,
                        "%s: an operand may have up to %u bits, more than its %u-bit type, and only types of up "
                        "to 64 bits can be wrapped back",
                        fn, top, width);
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    Fe *t = vm_mem_alloc(vm, m * sizeof(Fe));
    if (!t) return vm_oom(vm);
    for (size_t i = 0, j = 0; i < n; i++)
        if (bound[i] > width) t[j++] = x[i];
    /* a bit (width 1) wraps to 0/1, not to the signed range [-1, 0] */
    int rc = mpc_bound_fit(vm->mpc, t, m, top, width, kind == SHARE_UINT || width == 1) == 0 ? ST_OK : engine_error(vm);
    for (size_t i = 0, j = 0; rc == ST_OK && i < n; i++)
        if (bound[i] > width) {
            x[i] = t[j++];
            bound[i] = width;
        }
    sodium_memzero(t, m * sizeof(Fe));
    vm_mem_free(vm, t, m * sizeof(Fe));
    return rc;
}

/* Before a product or sum whose bound would pass what is allowed for it:
 * fits the n operands (of `type`), unless one is beyond any wrap (a
 * uniform field element): the result is then unbounded whatever the
 * others are, and wrapping them would only change their values (a bit
 * circuit's 2 in a + b - 2ab); its result is refused by the next masked
 * opening, not here, as opening it is fine. */
static int fit_some(VM *vm, int op, const StShare *type, Fe *x, unsigned *bound, size_t n)
{
    unsigned limit = mpc_bound_limit(vm->mpc);
    if (type->bits > 64) return ST_OK;
    for (size_t i = 0; i < n; i++)
        if (bound[i] > limit) return ST_OK;
    /* an operand of a narrower integer type is brought back to 64 bits,
     * where its intermediate values keep their value; masked openings
     * wrap to the type's own width (mpcvm_fit) */
    unsigned width = type->share_kind == SHARE_FIXED || type->bits >= 64 ? type->bits : 64;
    return mpcvm_fit(vm, op_word(op), type->share_kind, width, x, bound, n);
}

static int fit_pair(VM *vm, int op, const StShare *type, Fe *x, unsigned *bx, Fe *y, unsigned *by)
{
    Fe v[2] = { *x, *y };
    unsigned b[2] = { *bx, *by };
    int rc = fit_some(vm, op, type, v, b, 2);
    *x = v[0];
    *y = v[1];
    *bx = b[0];
    *by = b[1];
    sodium_memzero(v, sizeof v);
    return rc;
}

/* The public bound of a clear operand in the share's units (as scalar_fe
 * makes it). */
static unsigned clear_bound(const StShare *s, Value c, bool scale)
{
    if (val_is_int(c)) {
        unsigned b = val_is_unsigned(c) ? mpc_bound_bits(c.as.u) : mpc_bound_of_i64(c.as.i);
        return b && scale && s->share_kind == SHARE_FIXED ? b + s->frac : b;
    }
    int64_t enc = 0;
    if (c.type == VT_FLOAT)
        fixed_from_double(c.as.f, s->share_kind == SHARE_FIXED ? s->frac : MPC_FIXED_FRAC_BITS, &enc);
    return mpc_bound_of_i64(enc);
}

/* A fixed-point product that no wrap could bring within what truncation
 * hides (a factor is a uniform field element). */
static int too_wide(VM *vm, int op, unsigned bound)
{
    return vm_error(vm,
                    "%s: a fixed-point product of up to %u bits cannot be truncated without showing its high bits "
                    "(a factor is a uniform field element, e.g. Share.random())",
                    op_word(op), bound);
}

static int share_share(VM *vm, int op, StShare *a, StShare *b, Value *out)
{
    const Field *f = mpc_field(vm->mpc);
    if (!same_type(a, b)) return vm_error(vm, "Share type mismatch in %s operation", op_word(op));
    Fe x, y, z;
    if (share_get(vm, a, &x) != ST_OK || share_get(vm, b, &y) != ST_OK) return ST_ERR;
    bool is_bool = a->share_kind == SHARE_INT && a->bits == 1;
    unsigned ba = a->bound, bb = b->bound;
    switch (op) {
    case STF_OP_ADD:
    case STF_OP_SUB:
        /* local, so wrapped only when the sum would pass what a wrap can take */
        if (mpc_bound_add(ba, bb) > mpc_bound_limit(vm->mpc) && fit_pair(vm, op, a, &x, &ba, &y, &bb) != ST_OK)
            return ST_ERR;
        if (op == STF_OP_ADD)
            fe_add(f, &z, &x, &y);
        else
            fe_sub(f, &z, &x, &y);
        return new_bounded(vm, a, &z, mpc_bound_add(ba, bb), out);
    case STF_OP_MUL:
        /* a product stays within the 2·64 bits truncation hides */
        /* a fixed-point product is truncated: keep it within what that hides;
         * an integer product is not, and its bound just grows */
        if (a->share_kind == SHARE_FIXED && mpc_bound_mul(ba, bb) > MPC_BOUND_PRODUCT &&
            fit_pair(vm, op, a, &x, &ba, &y, &bb) != ST_OK)
            return ST_ERR;
        if (a->share_kind == SHARE_FIXED && bounds_on && mpc_bound_mul(ba, bb) > MPC_BOUND_PRODUCT)
            return too_wide(vm, op, mpc_bound_mul(ba, bb));
        return enqueue_mul(vm, a, &x, &y, a->share_kind == SHARE_FIXED, mpc_bound_mul(ba, bb), out);
    case STF_OP_DIV:
        if (a->share_kind == SHARE_FIXED) return mpcvm_fixed_div(vm, a, b, out);
        return vm_error(vm, "Share/Share division is only supported on fixed-point shares");
    case STF_OP_MOD: return vm_error(vm, "Share/Share modulo is not supported on secret shares");
    case STF_OP_AND:
    case STF_OP_OR:
    case STF_OP_XOR: {
        if (!is_bool) return vm_error(vm, "Bitwise %s is only supported on secret bool shares", op_word(op));
        /* AND = ab, OR = a + b - ab, XOR = a + b - 2ab: one multiplication. */
        Fe ab;
        if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
        if (mpc_round(vm->mpc, NULL, 0, NULL, &x, &y, 1, &ab) != 0) return engine_error(vm);
        if (op == STF_OP_AND)
            z = ab;
        else {
            fe_add(f, &z, &x, &y);
            fe_sub(f, &z, &z, &ab);
            if (op == STF_OP_XOR) fe_sub(f, &z, &z, &ab);
        }
        /* bits give a bit; anything else at most |a + b| + 2|ab| */
        unsigned bz = ba <= 1 && bb <= 1 ? 1 : mpc_bound_add(mpc_bound_add(ba, bb), mpc_bound_mul(ba, bb) + 1);
        return new_bounded(vm, a, &z, bz, out);
    }
    default: return vm_error(vm, "Type error in %s operation", op_word(op));
    }
}

/* Fixed share times a fixed-encoded clear factor: product then truncate
 * (the caller keeps the product within MPC_BOUND_PRODUCT). */
static int fixed_scale(VM *vm, StShare *s, const Fe *x, const Fe *factor, unsigned bound, Value *out)
{
    if (bounds_on && bound > MPC_BOUND_PRODUCT) return too_wide(vm, STF_OP_MUL, bound);
    const Field *f = mpc_field(vm->mpc);
    Fe p, r;
    fe_mul(f, &p, x, factor);
    if (mpcvm_flush(vm) != ST_OK) return ST_ERR;
    if (mpc_fixed_truncate(vm->mpc, &p, 1, MPC_FIXED_TOTAL_BITS, s->frac, &r) != 0) return engine_error(vm);
    return new_bounded(vm, s, &r, MPC_FIXED_TOTAL_BITS, out);
}

/* Fits the share operand x of op when its result bound `need` passes `cap`. */
static int fit_one(VM *vm, int op, const StShare *s, Fe *x, unsigned *bs, unsigned need, unsigned cap)
{
    return need <= cap ? ST_OK : fit_some(vm, op, s, x, bs, 1);
}

static int share_scalar(VM *vm, int op, StShare *s, Value c, bool share_left, Value *out)
{
    const Field *f = mpc_field(vm->mpc);
    Fe x, k, z;
    bool is_float;
    if (share_get(vm, s, &x) != ST_OK) return ST_ERR;
    bool scale = op == STF_OP_ADD || op == STF_OP_SUB;
    int rc = scalar_fe(vm, s, c, scale, &k, &is_float);
    if (rc == ST_ERR) return ST_ERR;
    if (rc < 0 || (is_float && s->share_kind != SHARE_FIXED && op != STF_OP_MUL))
        return vm_error(vm, "Type error in %s operation", op_word(op));
    unsigned bs = s->bound, bc = clear_bound(s, c, scale), limit = mpc_bound_limit(vm->mpc);
    switch (op) {
    case STF_OP_ADD:
    case STF_OP_SUB:
        if (fit_one(vm, op, s, &x, &bs, mpc_bound_add(bs, bc), limit) != ST_OK) return ST_ERR;
        if (op == STF_OP_ADD)
            fe_add(f, &z, &x, &k);
        else if (share_left)
            fe_sub(f, &z, &x, &k);
        else
            fe_sub(f, &z, &k, &x);
        return new_bounded(vm, s, &z, mpc_bound_add(bs, bc), out);
    case STF_OP_MUL:
        if (is_float && s->share_kind == SHARE_FIXED &&
            fit_one(vm, op, s, &x, &bs, mpc_bound_mul(bs, bc), MPC_BOUND_PRODUCT) != ST_OK)
            return ST_ERR;
        if (is_float && s->share_kind == SHARE_FIXED) return fixed_scale(vm, s, &x, &k, mpc_bound_mul(bs, bc), out);
        fe_mul(f, &z, &x, &k);
        if (is_float) {
            /* int share x float: the product is a fixed-point value */
            StShare type = { .share_kind = SHARE_FIXED, .bits = MPC_FIXED_TOTAL_BITS, .frac = MPC_FIXED_FRAC_BITS };
            return new_bounded(vm, &type, &z, mpc_bound_mul(bs, bc), out);
        }
        return new_bounded(vm, s, &z, mpc_bound_mul(bs, bc), out);
    case STF_OP_DIV: {
        if (!share_left) return vm_error(vm, "Division of a clear value by a secret share is not supported");
        if (is_float ? c.as.f == 0.0 : fe_is_zero(&k)) return vm_error(vm, "Division by zero");
        if (s->share_kind == SHARE_FIXED) {
            /* x / c = x * (1/c) in fixed point, then truncate */
            double d = is_float ? c.as.f : (val_is_unsigned(c) ? (double)c.as.u : (double)c.as.i);
            int64_t enc = 0;
            if (fixed_encode(vm, 1.0 / d, s->frac, &enc) != ST_OK) return ST_ERR;
            fe_from_i64(f, &k, enc);
            bc = mpc_bound_of_i64(enc);
            if (fit_one(vm, op, s, &x, &bs, mpc_bound_mul(bs, bc), MPC_BOUND_PRODUCT) != ST_OK) return ST_ERR;
            return fixed_scale(vm, s, &x, &k, mpc_bound_mul(bs, bc), out);
        }
        /* Integer shares: the exact floor quotient (upstream multiplies by
         * the field inverse, wrong unless the divisor divides the secret). */
        return mpcvm_div_public(vm, s, &x, c, false, out);
    }
    case STF_OP_MOD:
        if (!share_left) return vm_error(vm, "Modulo of a clear value by a secret share is not supported");
        if (s->share_kind == SHARE_FIXED) return vm_error(vm, "Modulo is not supported on fixed-point shares");
        return mpcvm_div_public(vm, s, &x, c, true, out);
    default: return vm_error(vm, "Type error in %s operation", op_word(op));
    }
}

int mpcvm_binary(VM *vm, int op, Value a, Value b, Value *out)
{
    StShare *sa = NULL, *sb = NULL;
    bool ha = mpcvm_unwrap(vm, a, &sa), hb = mpcvm_unwrap(vm, b, &sb);
    if (ha && hb) return share_share(vm, op, sa, sb, out);
    if (op >= STF_OP_AND && op <= STF_OP_XOR)
        return vm_error(vm, "Bitwise %s is only supported on secret bool shares", op_word(op));
    return ha ? share_scalar(vm, op, sa, b, true, out) : share_scalar(vm, op, sb, a, false, out);
}

int mpcvm_not(VM *vm, Value a, Value *out)
{
    StShare *s;
    if (!mpcvm_unwrap(vm, a, &s) || s->share_kind != SHARE_INT || s->bits != 1)
        return vm_error(vm, "Bitwise NOT is only supported on secret bool shares");
    const Field *f = mpc_field(vm->mpc);
    Fe x, one, z;
    if (share_get(vm, s, &x) != ST_OK) return ST_ERR;
    fe_one(f, &one);
    fe_sub(f, &z, &one, &x);
    return new_bounded(vm, s, &z, s->bound <= 1 ? 1 : mpc_bound_add(s->bound, 1), out);
}
