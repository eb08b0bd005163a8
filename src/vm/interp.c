/* interp.c: the dispatch loop.
 *
 * Computed-goto dispatch by default, a portable switch with -DST_DISPATCH_SWITCH;
 * both run the same handler bodies.  The loop has two modes:
 *   fast     no hooks, no trace, no instruction budget: every handler
 *            dispatches straight to the next one;
 *   checked  every dispatch first passes `checkpoint`, which counts the
 *            budget, traces, and fires the before/after-instruction hooks,
 *            then runs the instruction's plain (unfused) handler.
 * Handlers inline the I64 cases and call arith.c for everything else.  The
 * loop allocates nothing except what the program asks for (strings,
 * argument-stack growth, frames on first use of a depth). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "objects.h"
#include "process.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

int vm_call_native(VM *vm, VmFunction *fn, const Value *args, uint32_t argc, Value *out)
{
    *out = val_unit();
    if (unlikely(vm->hooks_enabled && !vm->in_hook)) {
        HookEvent ev = {
            .kind = HOOK_BEFORE_CALL, .name = fn->name->chars, .foreign = true, .args = args, .argc = argc
        };
        if (vm_fire_hook(vm, &ev) != ST_OK) return ST_ERR;
    }
    int rc = fn->native(vm, args, argc, out, fn->native_ud);
    if (rc == ST_ERR && !(vm->procs && vm->procs->yield)) {
        char *msg = vm->err.message;
        vm->err.message = NULL;
        vm_error(vm, "Foreign function %s failed: %s", fn->name->chars, msg ? msg : "unknown error");
        free(msg);
    }
    return rc;
}

/* Register write with everything the fast path skips: secret-bank
 * conversion and the RegisterWrite event. */
static int write_reg_slow(VM *vm, Value *R, uint32_t reg, Value v)
{
    Value old = R[reg];
    if (reg >= SECRET_REGISTER_START) {
        if (vm_store_secret(vm, &R[reg], reg, v) != ST_OK) return ST_ERR;
    } else {
        R[reg] = v;
    }
    if (vm_hooks_active(vm)) {
        HookEvent ev = { .kind = HOOK_REGISTER_WRITE, .reg = reg, .old = old, .value = R[reg] };
        return vm_fire_hook(vm, &ev);
    }
    return ST_OK;
}

static int fire_simple(VM *vm, HookEventKind kind, Value v, uint32_t reg)
{
    HookEvent ev = { .kind = kind, .value = v, .reg = reg };
    return vm_fire_hook(vm, &ev);
}

/* MOV across banks (spec §4.4). */
static int mov_general(VM *vm, Value *R, uint32_t dst, uint32_t src)
{
    Value v = R[src];
    if (vm_hooks_active(vm) && fire_simple(vm, HOOK_REGISTER_READ, v, src) != ST_OK) return ST_ERR;
    bool dst_secret = dst >= SECRET_REGISTER_START, src_secret = src >= SECRET_REGISTER_START;
    if (src_secret && !dst_secret) {
        if (v.type != VT_SHARE && v.type != VT_OBJECT) /* objects: AVSS shares (vm_store_secret) */
            return vm_error(vm, "Invalid share type for conversion to clear value");
        if (!vm->mpc) return vm_error(vm, "MPC engine not configured");
        if (mpcvm_reveal(vm, v, &v) != ST_OK) return ST_ERR;
    }
    /* clear->secret shares the value (vm_store_secret reports that no
     * engine is configured); same-bank moves copy. */
    (void)dst_secret;
    return write_reg_slow(vm, R, dst, v);
}

/* Upstream's trace line: "[instr][depth D][FN][pc P] BEFORE LDI(0, 42)". */
static void trace_instr(VM *vm, VmFunction *fn, uint32_t idx, const char *when)
{
    const StfInstr *in = &fn->source[idx];
    StrBuf b;
    sb_init(&b);
    sb_printf(&b, "[instr][depth %u][%s][pc %u] %s %s", vm->nframes, vm_current_frame(vm)->fn->name->chars, idx, when,
              stf_op_name(in->op));
    switch (stf_op_format(in->op)) {
    case STF_FMT_R_OFF: sb_printf(&b, "(%u, %d)", in->a, in->off); break;
    case STF_FMT_R_K:
        sb_printf(&b, "(%u, ", in->a);
        fmt_debug(&b, vm->consts[fn->code[idx].x]);
        sb_putc(&b, ')');
        break;
    case STF_FMT_RR: sb_printf(&b, "(%u, %u)", in->a, in->b); break;
    case STF_FMT_RRR: sb_printf(&b, "(%u, %u, %u)", in->a, in->b, in->c); break;
    case STF_FMT_LABEL:
    case STF_FMT_NAME: sb_printf(&b, "(\"%s\")", in->name.s ? in->name.s : ""); break;
    case STF_FMT_R: sb_printf(&b, "(%u)", in->a); break;
    case STF_FMT_R_SLOT:
    case STF_FMT_SLOT_R: sb_printf(&b, "(%u, %u)", in->a, in->b); break;
    default: break;
    }
    fprintf(vm->trace, "%s\n", b.data ? b.data : "");
    sb_free(&b);
}

static int fire_instr(VM *vm, HookEventKind kind, Frame *fr, uint32_t idx)
{
    HookEvent ev = { .kind = kind, .instr = &fr->fn->source[idx], .instr_index = idx };
    return vm_fire_hook(vm, &ev);
}

/* Frame entered by CALL of a function that names upvalues: capture them
 * by name from the active frames (spec §4.8 step 3). */
static int capture_for_call(VM *vm, VmFunction *fn, StClosure **out)
{
    StClosure *cl = heap_new_closure(&vm->heap, fn->name, fn->nupvalues);
    if (!cl) return vm_oom(vm);
    for (uint32_t i = 0; i < fn->nupvalues; i++) {
        cl->upvalues[i].name = fn->upvalues[i];
        if (!vm_find_upvalue(vm, fn->upvalues[i], &cl->upvalues[i].value))
            return vm_error(vm, "Could not find upvalue %s when calling function", fn->upvalues[i]->chars);
    }
    *out = cl;
    return ST_OK;
}

static int push_arg(VM *vm, Value v)
{
    if (vm->nargs == vm->args_cap) {
        uint32_t ncap = vm->args_cap ? vm->args_cap * 2 : 64;
        if (ncap < vm->args_cap) return vm_oom(vm);
        Value *p =
            heap_realloc(&vm->heap, vm->args, (size_t)vm->args_cap * sizeof(Value), (size_t)ncap * sizeof(Value));
        if (!p) return vm_oom(vm);
        vm->args = p;
        vm->args_cap = ncap;
    }
    vm->args[vm->nargs++] = v;
    return ST_OK;
}

static int spill_store(VM *vm, Frame *fr, uint32_t slot, Value v)
{
    if (slot >= fr->spill_cap) {
        uint32_t ncap = fr->spill_cap ? fr->spill_cap : 8;
        while (ncap <= slot) ncap *= 2;
        Value *p =
            heap_realloc(&vm->heap, fr->spill, (size_t)fr->spill_cap * sizeof(Value), (size_t)ncap * sizeof(Value));
        if (!p) return vm_oom(vm);
        fr->spill = p;
        fr->spill_cap = ncap;
    }
    while (fr->spill_len <= slot) fr->spill[fr->spill_len++] = val_unit();
    fr->spill[slot] = v;
    return ST_OK;
}

static int call_events(VM *vm, VmFunction *callee, const Value *args, uint32_t argc)
{
    for (uint32_t i = argc; i-- > 0;)
        if (fire_simple(vm, HOOK_STACK_POP, args[i], 0) != ST_OK) return ST_ERR;
    if (callee->is_native) return ST_OK; /* vm_call_native fires its own */
    HookEvent ev = { .kind = HOOK_BEFORE_CALL, .name = callee->name->chars, .args = args, .argc = argc };
    return vm_fire_hook(vm, &ev);
}

static int after_call_event(VM *vm, VmFunction *callee, Value result)
{
    HookEvent ev = {
        .kind = HOOK_AFTER_CALL, .name = callee->name->chars, .foreign = callee->is_native, .value = result
    };
    return vm_fire_hook(vm, &ev);
}

/* Copy a value as type + payload.  Fast paths write those two fields
 * separately; a whole-struct (16-byte) copy right after such a write would
 * stall on store forwarding, field-wise loads are forwarded. */
static inline void copy_value(Value *dst, const Value *src)
{
    uint8_t t = src->type;
    uint64_t u = src->as.u;
    dst->type = t;
    dst->as.u = u;
}

/* Registers of a fresh activation that it may read before writing
 * (VmFunction.init_mask), and every secret register, set to Unit.  In the
 * checked mode hooks see each register's previous value, so all are. */
static inline void init_frame_regs(Value *nr, const VmFunction *fn, uint32_t nparams, bool all)
{
    if (unlikely(all)) {
        for (uint32_t i = nparams; i < fn->nregs; i++) nr[i] = val_unit();
        return;
    }
    for (uint32_t m = fn->init_mask; m; m &= m - 1) nr[__builtin_ctz(m)] = val_unit();
    for (uint32_t i = SECRET_REGISTER_START; i < fn->nregs; i++) nr[i] = val_unit();
}

/* Push the frame of an inline call whose registers (and locals) the caller
 * has filled at vm->stack + nb; the caller checked depth and room. */
static inline Frame *enter_frame(VM *vm, VmFunction *callee, uint32_t nb, uint32_t arg_base, StClosure *cl)
{
    Frame *nf = &vm->frames[vm->nframes++];
    nf->fn = callee;
    nf->regs = vm->stack + nb;
    nf->base = nb;
    nf->ip = 0;
    nf->arg_base = arg_base;
    nf->flag = 0;
    nf->closure = cl;
    nf->spill = NULL;
    nf->spill_len = nf->spill_cap = 0;
    vm->stack_top = nb + callee->nregs + callee->nparams;
    return nf;
}

/* The current activation's upvalue `name` (innermost first), or NULL. */
static inline Upvalue *frame_upvalue(Frame *fr, const StString *name)
{
    StClosure *cl = fr->closure;
    if (!cl) return NULL;
    for (uint32_t i = cl->upvalue_count; i-- > 0;) {
        Upvalue *u = &cl->upvalues[i];
        if (u->name == name || (u->name->len == name->len && memcmp(u->name->chars, name->chars, name->len) == 0))
            return u;
    }
    return NULL;
}

/* Entry index of a string key in an object's fields, through the
 * instruction's inline cache (Ins.x holds the last entry index found): a
 * hit is one bounds check and one pointer compare, since constant keys are
 * one string object each. */
static inline int64_t cached_field(const Table *t, Value key, Ins *in)
{
    uint32_t c = in->x;
    if (likely(c < t->used)) {
        const TableEntry *e = &t->entries[c];
        /* a deleted entry's key is Unit (table_delete), so no live check */
        if (likely(e->key.type == VT_STRING && e->key.as.str == key.as.str)) return c;
    }
    int64_t i = table_entry_index(t, key);
    if (i >= 0) in->x = (uint32_t)i;
    return i;
}

/* get_field's common cases, inline: an array read in range, an object
 * read by string key (a missing key reads as Unit).  False for anything
 * else, which the builtin then handles (holes, strings, errors). */
static inline bool fast_get_field(Value t, Value k, Ins *cache, Value *out)
{
    if (t.type == VT_ARRAY && k.type == VT_I64 && (uint64_t)k.as.i < t.as.arr->dlen) {
        if (t.as.arr->packed) {
            out->type = t.as.arr->packed;
            out->as.i = t.as.arr->ints[k.as.i]; /* a float's payload too */
        } else {
            copy_value(out, &t.as.arr->items[k.as.i]);
        }
        return true;
    }
    if (t.type == VT_OBJECT && k.type == VT_STRING) {
        int64_t e = cached_field(&t.as.obj->fields, k, cache);
        if (e >= 0)
            copy_value(out, &t.as.obj->fields.entries[e].value);
        else if (likely(!t.as.obj->ext))
            *out = val_unit();
        else
            return false; /* prototype chain, __getattr__ */
        return true;
    }
    return false;
}

int vm_run(VM *vm, uint32_t stop_depth, Value *result)
{
    Frame *fr;
    VmFunction *fn;
    Ins *code, *ip;
    Value *R;
    bool checked;
    uint32_t store_guard;     /* fast mode 16: clear-bank writes are direct;
                                 checked mode 0: every write goes slow */
    int64_t after_index = -1; /* instruction whose after-hook is pending */
    VmFunction *after_fn = NULL;
    Value v;
    uint32_t target;              /* function index of the call being made */
    int32_t reds = vm->reds_left; /* reductions left in this slice */

#define LOAD_FRAME()                       \
    do {                                   \
        fr = &vm->frames[vm->nframes - 1]; \
        fn = fr->fn;                       \
        code = fn->code;                   \
        ip = code + fr->ip;                \
        R = fr->regs;                      \
    } while (0)
/* Hooks can be registered by natives and hook callbacks: re-read the mode
 * at entry and after every native call. */
#define REFRESH_MODE()                                     \
    do {                                                   \
        checked = vm_checked_mode(vm);                     \
        store_guard = checked ? 0 : SECRET_REGISTER_START; \
        SET_TABLE();                                       \
    } while (0)
#define SAVE_IP() (fr->ip = (uint32_t)(ip - code))
#define ERROR() goto error
#define CHECK(expr)                                \
    do {                                           \
        if (unlikely((expr) != ST_OK)) goto error; \
    } while (0)
/* Store to a register: clear bank and no hooks is the fast case. */
#define STORE(reg, val)                              \
    do {                                             \
        uint32_t r_ = (reg);                         \
        if (likely(r_ < store_guard))                \
            R[r_] = (val);                           \
        else                                         \
            CHECK(write_reg_slow(vm, R, r_, (val))); \
    } while (0)
#define SAFEPOINT()                                                            \
    do {                                                                       \
        if (unlikely(heap_should_collect(&vm->heap))) heap_collect(&vm->heap); \
    } while (0)
/* One reduction at a call or a backward jump (docs/processes.md): when the
 * slice is used up, the process may be preempted, to go on at ip. */
#define REDUCE()                                 \
    do {                                         \
        if (unlikely(--reds <= 0)) goto preempt; \
    } while (0)
#define JUMP_TO(dest)     \
    do {                  \
        Ins *d_ = (dest); \
        if (d_ <= ip) {   \
            ip = d_;      \
            REDUCE();     \
        }                 \
        ip = d_;          \
    } while (0)

#ifdef ST_DISPATCH_SWITCH
    unsigned op;
#define TARGET(op) case op:
#define DISPATCH() goto dispatch
#define RUN_PLAIN()    \
    do {               \
        op = ip->base; \
        goto run_op;   \
    } while (0)
#define RUN_OP(o)    \
    do {             \
        op = (o);    \
        goto run_op; \
    } while (0)
#define SET_TABLE() ((void)0)
#else
    /* One entry per opcode, in enum order, from the two lists; the slots
     * past I_COUNT (a corrupt op byte) trap. */
    static void *const plain_table[256] = {
#define OP(name, byte, fmt) &&L_STF_OP_##name,
#include "bytecode/opcodes.def"
#undef OP
#define INS(name, span) &&L_I_##name,
#include "ops_internal.def"
#undef INS
        [I_COUNT... 255] = &&bad_op,
    };
    /* In checked mode every opcode goes to the checkpoint first (constant,
     * like plain_table: threads share nothing writable). */
    static void *const checked_table[256] = { [0 ... 255] = &&checkpoint };
    void *const *disp = plain_table;
#define SET_TABLE() (disp = checked ? checked_table : plain_table)
#define TARGET(op) L_##op:
#define DISPATCH() goto *disp[ip->op]
#define RUN_PLAIN() goto *plain_table[ip->base]
#define RUN_OP(o) goto *plain_table[o]
#endif

    LOAD_FRAME();
    REFRESH_MODE();

#ifdef ST_DISPATCH_SWITCH
dispatch:
    if (unlikely(checked)) goto checkpoint;
    op = ip->op;
run_op:
    switch (op) {
#else
    DISPATCH();
#endif

        TARGET(STF_OP_LD)
        {
            int64_t count = (int64_t)vm->nargs - fr->arg_base;
            int32_t off = (int32_t)ip->x;
            int64_t idx = count + off - 1;
            if (idx < 0 || idx >= count || off > 0) {
                vm_error(vm, "Stack address [sp+%d] out of bounds", off);
                ERROR();
            }
            STORE(ip->a, vm->args[fr->arg_base + idx]);
            ip++;
            DISPATCH();
        }
        TARGET(STF_OP_LDI)
        {
            STORE(ip->a, vm->consts[ip->x]);
            ip++;
            DISPATCH();
        }
        TARGET(STF_OP_MOV)
        {
            if (likely(ip->a < store_guard && ip->b < SECRET_REGISTER_START)) {
                R[ip->a] = R[ip->b];
            } else if (ip->a == ip->b && !checked) {
                /* MOV r, r is a no-op in either bank */
            } else {
                CHECK(mov_general(vm, R, ip->a, ip->b));
            }
            ip++;
            DISPATCH();
        }

#define BINARY_SLOW(op)                                      \
    do {                                                     \
        CHECK(arith_binary(vm, op, R[ip->b], R[ip->c], &v)); \
        STORE(ip->a, v);                                     \
        SAFEPOINT();                                         \
        ip++;                                                \
        DISPATCH();                                          \
    } while (0)

        TARGET(STF_OP_ADD)
        {
            Value *x = &R[ip->b], *y = &R[ip->c];
            int64_t r;
            if (likely(x->type == VT_I64 && y->type == VT_I64) && !__builtin_add_overflow(x->as.i, y->as.i, &r)) {
                STORE(ip->a, val_i64(r));
                ip++;
                DISPATCH();
            }
            BINARY_SLOW(STF_OP_ADD);
        }
        TARGET(STF_OP_SUB)
        {
            Value *x = &R[ip->b], *y = &R[ip->c];
            int64_t r;
            if (likely(x->type == VT_I64 && y->type == VT_I64) && !__builtin_sub_overflow(x->as.i, y->as.i, &r)) {
                STORE(ip->a, val_i64(r));
                ip++;
                DISPATCH();
            }
            BINARY_SLOW(STF_OP_SUB);
        }
        TARGET(STF_OP_MUL)
        {
            Value *x = &R[ip->b], *y = &R[ip->c];
            int64_t r;
            if (likely(x->type == VT_I64 && y->type == VT_I64) && !__builtin_mul_overflow(x->as.i, y->as.i, &r)) {
                STORE(ip->a, val_i64(r));
                ip++;
                DISPATCH();
            }
            BINARY_SLOW(STF_OP_MUL);
        }
        TARGET(STF_OP_DIV)
        {
            Value *x = &R[ip->b], *y = &R[ip->c];
            if (likely(x->type == VT_I64 && y->type == VT_I64 && y->as.i > 0)) {
                STORE(ip->a, val_i64(x->as.i / y->as.i));
                ip++;
                DISPATCH();
            }
            BINARY_SLOW(STF_OP_DIV);
        }
        TARGET(STF_OP_MOD)
        {
            Value *x = &R[ip->b], *y = &R[ip->c];
            if (likely(x->type == VT_I64 && y->type == VT_I64 && y->as.i > 0)) {
                STORE(ip->a, val_i64(x->as.i % y->as.i));
                ip++;
                DISPATCH();
            }
            BINARY_SLOW(STF_OP_MOD);
        }
        TARGET(STF_OP_AND) { BINARY_SLOW(STF_OP_AND); }
        TARGET(STF_OP_OR) { BINARY_SLOW(STF_OP_OR); }
        TARGET(STF_OP_XOR) { BINARY_SLOW(STF_OP_XOR); }
        TARGET(STF_OP_SHL) { BINARY_SLOW(STF_OP_SHL); }
        TARGET(STF_OP_SHR) { BINARY_SLOW(STF_OP_SHR); }
        TARGET(STF_OP_NOT)
        {
            CHECK(arith_not(vm, R[ip->b], &v));
            STORE(ip->a, v);
            ip++;
            DISPATCH();
        }

        /* Clear-bank forms (fast mode only, see vm_internal.h). */
        TARGET(I_LDI_C)
        {
            R[ip->a] = vm->consts[ip->x];
            ip++;
            DISPATCH();
        }
        TARGET(I_MOV_C)
        {
            copy_value(&R[ip->a], &R[ip->b]);
            ip++;
            DISPATCH();
        }

#define BINARY_C(op, fast)                                    \
    do {                                                      \
        Value *x = &R[ip->b], *y = &R[ip->c];                 \
        if (likely(x->type == VT_I64 && y->type == VT_I64)) { \
            int64_t r_;                                       \
            fast;                                             \
        }                                                     \
        CHECK(arith_binary(vm, op, *x, *y, &v));              \
        R[ip->a] = v;                                         \
        SAFEPOINT();                                          \
        ip++;                                                 \
        DISPATCH();                                           \
    } while (0)
#define PUT_I64(expr)           \
    do {                        \
        R[ip->a].type = VT_I64; \
        R[ip->a].as.i = (expr); \
        ip++;                   \
        DISPATCH();             \
    } while (0)

        TARGET(I_ADD_C) { BINARY_C(STF_OP_ADD, if (!__builtin_add_overflow(x->as.i, y->as.i, &r_)) PUT_I64(r_)); }
        TARGET(I_SUB_C) { BINARY_C(STF_OP_SUB, if (!__builtin_sub_overflow(x->as.i, y->as.i, &r_)) PUT_I64(r_)); }
        TARGET(I_MUL_C) { BINARY_C(STF_OP_MUL, if (!__builtin_mul_overflow(x->as.i, y->as.i, &r_)) PUT_I64(r_)); }
        TARGET(I_DIV_C) { BINARY_C(STF_OP_DIV, (void)r_; if (y->as.i > 0) PUT_I64(x->as.i / y->as.i)); }
        TARGET(I_MOD_C) { BINARY_C(STF_OP_MOD, (void)r_; if (y->as.i > 0) PUT_I64(x->as.i % y->as.i)); }

        /* Fused table builtins (see vm_internal.h).  The translator fuses only
     * where no other arguments can be pending (pending_args), so the CALL
     * would see exactly these. */
        TARGET(I_GETF)
        {
            if (likely(fast_get_field(R[ip->a], R[ip->b], ip, &R[0]))) {
                ip += I_SPAN(I_GETF);
                DISPATCH();
            }
            RUN_OP(STF_OP_PUSHARG);
        }
        TARGET(I_GETF_MOV)
        {
            if (likely(fast_get_field(R[ip->a], R[ip->b], ip, &R[0]))) {
                copy_value(&R[ip->c], &R[0]);
                ip += I_SPAN(I_GETF_MOV);
                DISPATCH();
            }
            RUN_OP(STF_OP_PUSHARG);
        }
/* GETF then the ADD/SUB at +3 on integers; `then` runs after the sum is
 * stored (with r_ = the sum), anything else runs the ADD/SUB as written. */
#define GETF_ARITH(overflow_op, then)                                                                        \
    do {                                                                                                     \
        if (likely(fast_get_field(R[ip->a], R[ip->b], ip, &R[0]))) {                                         \
            const Ins *q_ = ip + I_SPAN(I_GETF);                                                             \
            const Value *x_ = &R[q_->b], *y_ = &R[q_->c];                                                    \
            int64_t r_;                                                                                      \
            if (likely(x_->type == VT_I64 && y_->type == VT_I64) && !overflow_op(x_->as.i, y_->as.i, &r_)) { \
                R[q_->a].type = VT_I64;                                                                      \
                R[q_->a].as.i = r_;                                                                          \
                then;                                                                                        \
            }                                                                                                \
            ip += I_SPAN(I_GETF); /* the ADD/SUB runs as written */                                          \
            DISPATCH();                                                                                      \
        }                                                                                                    \
        RUN_OP(STF_OP_PUSHARG);                                                                              \
    } while (0)
#define GETF_ARITH_NEXT()         \
    do {                          \
        ip += I_SPAN(I_GETF_ADD); \
        DISPATCH();               \
    } while (0)
        TARGET(I_GETF_ADD) { GETF_ARITH(__builtin_add_overflow, GETF_ARITH_NEXT()); }
        TARGET(I_GETF_SUB) { GETF_ARITH(__builtin_sub_overflow, GETF_ARITH_NEXT()); }
        TARGET(I_GETF2)
        {
            if (likely(fast_get_field(R[ip->a], R[ip->b], ip, &R[0]))) {
                /* The second lookup's cache is the I_GETF fused at +3. */
                if (likely(fast_get_field(R[0], R[ip->c], ip + I_SPAN(I_GETF), &R[0])))
                    ip += I_SPAN(I_GETF2);
                else
                    ip += I_SPAN(I_GETF);
                DISPATCH();
            }
            RUN_OP(STF_OP_PUSHARG);
        }
        TARGET(I_SETF)
        {
            Value t = R[ip->a], k = R[ip->b];
            if (t.type == VT_ARRAY && k.type == VT_I64 && (uint64_t)k.as.i < t.as.arr->dlen) {
                StArray *arr = t.as.arr;
                if (arr->packed) {
                    /* a value of another type boxes the array: the builtin */
                    if (unlikely(R[ip->c].type != arr->packed)) RUN_OP(STF_OP_PUSHARG);
                    arr->ints[k.as.i] = R[ip->c].as.i;
                } else {
                    array_note(arr, R[ip->c]);
                    copy_value(&arr->items[k.as.i], &R[ip->c]);
                }
                R[0] = val_unit();
                ip += I_SPAN(I_SETF);
                DISPATCH();
            }
            /* descriptors and __setattr__ (ext) take the builtin */
            if (t.type == VT_OBJECT && k.type == VT_STRING && likely(!t.as.obj->ext)) {
                Table *tb = &t.as.obj->fields;
                int64_t e = cached_field(tb, k, ip);
                if (e >= 0) {
                    copy_value(&tb->entries[e].value, &R[ip->c]);
                } else {
                    if (unlikely(objects_magic_key(k))) RUN_OP(STF_OP_PUSHARG);
                    if (unlikely(!table_set(&vm->heap, tb, k, R[ip->c]))) {
                        vm_oom(vm);
                        ERROR();
                    }
                    SAFEPOINT(); /* only a new key allocates */
                }
                R[0] = val_unit();
                ip += I_SPAN(I_SETF);
                DISPATCH();
            }
            RUN_OP(STF_OP_PUSHARG);
        }
        TARGET(I_APUSH)
        {
            Value t = R[ip->a];
            if (likely(t.type == VT_ARRAY && t.as.arr->dlen == t.as.arr->len)) {
                StArray *arr = t.as.arr;
                /* array_push's common case, without the call: no growth
                 * (and no boxing), so no allocation and no safe point */
                if (likely(arr->dlen < arr->cap && (!arr->packed || R[ip->b].type == arr->packed))) {
                    if (arr->packed) {
                        arr->ints[arr->dlen] = R[ip->b].as.i;
                    } else {
                        array_note(arr, R[ip->b]);
                        copy_value(&arr->items[arr->dlen], &R[ip->b]);
                    }
                    arr->len = ++arr->dlen;
                    R[0].type = VT_I64;
                    R[0].as.i = arr->len;
                    ip += I_SPAN(I_APUSH);
                    DISPATCH();
                }
                if (unlikely(!array_push(&vm->heap, arr, R[ip->b]))) {
                    vm_oom(vm);
                    ERROR();
                }
                R[0] = val_i64(arr->len);
                SAFEPOINT();
                ip += I_SPAN(I_APUSH);
                DISPATCH();
            }
            RUN_OP(STF_OP_PUSHARG);
        }
        TARGET(I_ALEN)
        {
            Value t = R[ip->a];
            if (likely(t.type == VT_ARRAY)) {
                R[0] = val_i64(t.as.arr->len);
                ip += I_SPAN(I_ALEN);
                DISPATCH();
            }
            RUN_OP(STF_OP_PUSHARG);
        }

        /* Closures (closures.c has the general forms). */
        TARGET(I_GETUP)
        {
            Upvalue *u;
            if (likely(R[ip->a].type == VT_STRING && (u = frame_upvalue(fr, R[ip->a].as.str)) != NULL)) {
                copy_value(&R[0], &u->value);
                ip += I_SPAN(I_GETUP);
                DISPATCH();
            }
            RUN_OP(STF_OP_PUSHARG);
        }
        TARGET(I_SETUP)
        {
            Upvalue *u;
            if (likely(R[ip->a].type == VT_STRING && (u = frame_upvalue(fr, R[ip->a].as.str)) != NULL)) {
                copy_value(&u->value, &R[ip->b]);
                R[0] = val_unit();
                ip += I_SPAN(I_SETUP);
                DISPATCH();
            }
            RUN_OP(STF_OP_PUSHARG);
        }
        TARGET(I_MKCL)
        {
            uint32_t base = fr->arg_base;
            if (likely(closures_try_make(vm, vm->args + base, vm->nargs - base, &v))) {
                vm->nargs = base;
                copy_value(&R[0], &v);
                SAFEPOINT();
                ip += I_SPAN(I_MKCL);
                DISPATCH();
            }
            RUN_OP(I_CALL_NATIVE);
        }
        TARGET(I_CALLCL)
        {
            Value c = R[ip->a];
            if (likely(c.type == VT_CLOSURE)) {
                uint32_t base = fr->arg_base;
                StClosure *cl = c.as.closure;
                /* A closure that was called before knows its function: the
             * call is then inline, as I_CALLK. */
                uint32_t fi = (uint32_t)cl->func_index;
                VmFunction *callee;
                if (likely(fi < vm->nfuncs && (callee = vm->funcs[fi])->name == cl->fname && !callee->is_native &&
                           callee->nparams == 0 && vm->nframes < vm->max_depth && vm->nframes < vm->frames_cap &&
                           vm->stack_top + callee->nregs <= vm->stack_cap)) {
                    fr->ip = (uint32_t)(ip - code) + I_SPAN(I_CALLCL);
                    uint32_t nb = vm->stack_top;
                    init_frame_regs(vm->stack + nb, callee, 0, false);
                    fr = enter_frame(vm, callee, nb, base, cl);
                    fn = callee;
                    code = ip = callee->code;
                    R = fr->regs;
                    REDUCE();
                    DISPATCH();
                }
                fr->ip = (uint32_t)(ip - code) + I_SPAN(I_CALLCL); /* return after the CALL */
                if (unlikely(vm_push_closure_frame(vm, c.as.closure, NULL, 0) != ST_FRAME_PUSHED)) {
                    /* Let the builtin itself report it (wrapping, location). */
                    vm_clear_error(vm);
                    RUN_OP(STF_OP_PUSHARG);
                }
                vm->frames[vm->nframes - 1].arg_base = base;
                LOAD_FRAME();
                DISPATCH();
            }
            RUN_OP(STF_OP_PUSHARG);
        }

        TARGET(STF_OP_CMP)
        {
            Value *x = &R[ip->a], *y = &R[ip->b];
            if (likely(x->type == VT_I64 && y->type == VT_I64))
                fr->flag = (x->as.i > y->as.i) - (x->as.i < y->as.i);
            else
                CHECK(arith_compare(vm, *x, *y, &fr->flag));
            ip++;
            DISPATCH();
        }

#define CMP_JUMP(cond)                                      \
    do {                                                    \
        Value *x = &R[ip->a], *y = &R[ip->b];               \
        int32_t f_;                                         \
        if (likely(x->type == VT_I64 && y->type == VT_I64)) \
            f_ = (x->as.i > y->as.i) - (x->as.i < y->as.i); \
        else                                                \
            CHECK(arith_compare(vm, *x, *y, &f_));          \
        fr->flag = f_;                                      \
        if (cond)                                           \
            JUMP_TO(code + ip->x);                          \
        else                                                \
            ip += I_SPAN(I_CMP_JMPEQ);                      \
        DISPATCH();                                         \
    } while (0)

        TARGET(I_CMP_JMPEQ) { CMP_JUMP(f_ == 0); }
        TARGET(I_CMP_JMPNEQ) { CMP_JUMP(f_ != 0); }
        TARGET(I_CMP_JMPLT) { CMP_JUMP(f_ < 0); }
        TARGET(I_CMP_JMPGT) { CMP_JUMP(f_ > 0); }

        TARGET(STF_OP_JMP)
        {
            JUMP_TO(code + ip->x);
            DISPATCH();
        }

#define JMP_CMP_JUMP(cond)                                          \
    do {                                                            \
        Ins *h_ = code + ip->x;                                     \
        Value *x = &R[h_->a], *y = &R[h_->b];                       \
        if (likely(x->type == VT_I64 && y->type == VT_I64)) {       \
            int32_t f_ = (x->as.i > y->as.i) - (x->as.i < y->as.i); \
            fr->flag = f_;                                          \
            ip = (cond) ? code + h_->x : h_ + I_SPAN(I_CMP_JMPEQ);  \
            REDUCE();                                               \
            DISPATCH();                                             \
        }                                                           \
        ip = h_;                                                    \
        REDUCE();                                                   \
        RUN_OP(ip->op);                                             \
    } while (0)
        TARGET(I_JMP_CMPJEQ) { JMP_CMP_JUMP(f_ == 0); }
        TARGET(I_JMP_CMPJNEQ) { JMP_CMP_JUMP(f_ != 0); }
        TARGET(I_JMP_CMPJLT) { JMP_CMP_JUMP(f_ < 0); }
        TARGET(I_JMP_CMPJGT) { JMP_CMP_JUMP(f_ > 0); }

        /* LDI of an I64 constant fused with its use (see vm_internal.h); any
     * other operand type runs the LDI alone and the next op as written. */
#define LDK_ARITH(overflow_op)                                               \
    do {                                                                     \
        int64_t k_ = vm->consts[ip->x].as.i, r_;                             \
        R[ip->a] = vm->consts[ip->x];                                        \
        Value *x_ = &R[ip->b];                                               \
        if (likely(x_->type == VT_I64) && !overflow_op(x_->as.i, k_, &r_)) { \
            R[ip->c].type = VT_I64;                                          \
            R[ip->c].as.i = r_;                                              \
            ip += I_SPAN(I_LDK_ADD);                                         \
            DISPATCH();                                                      \
        }                                                                    \
        ip++;                                                                \
        DISPATCH();                                                          \
    } while (0)
        TARGET(I_LDK_ADD) { LDK_ARITH(__builtin_add_overflow); }
        TARGET(I_LDK_SUB) { LDK_ARITH(__builtin_sub_overflow); }
        TARGET(I_LDK_MUL) { LDK_ARITH(__builtin_mul_overflow); }

#define LDK_CMP_JUMP(cond)                                  \
    do {                                                    \
        int64_t k_ = vm->consts[ip->x].as.i;                \
        R[ip->a] = vm->consts[ip->x];                       \
        Value *x_ = &R[ip->b];                              \
        if (likely(x_->type == VT_I64)) {                   \
            int32_t f_ = (x_->as.i > k_) - (x_->as.i < k_); \
            fr->flag = f_;                                  \
            if (cond)                                       \
                JUMP_TO(code + ip[1].x);                    \
            else                                            \
                ip += I_SPAN(I_LDK_CMPJEQ);                 \
            DISPATCH();                                     \
        }                                                   \
        ip++;                                               \
        DISPATCH();                                         \
    } while (0)
        TARGET(I_LDK_CMPJEQ) { LDK_CMP_JUMP(f_ == 0); }
        TARGET(I_LDK_CMPJNEQ) { LDK_CMP_JUMP(f_ != 0); }
        TARGET(I_LDK_CMPJLT) { LDK_CMP_JUMP(f_ < 0); }
        TARGET(I_LDK_CMPJGT) { LDK_CMP_JUMP(f_ > 0); }

        /* Loop increment + back-jump to the loop test.  Anything but I64 runs
     * the ADD as written (the JMP follows as its own instruction). */
#define ADD_JMP_CMP(cond)                                         \
    do {                                                          \
        Value *xa_ = &R[ip->b], *ya_ = &R[ip->c];                 \
        int64_t r_;                                               \
        if (likely(xa_->type == VT_I64 && ya_->type == VT_I64) && \
            !__builtin_add_overflow(xa_->as.i, ya_->as.i, &r_)) { \
            R[ip->a].type = VT_I64;                               \
            R[ip->a].as.i = r_;                                   \
            ip++;                                                 \
            JMP_CMP_JUMP(cond);                                   \
        }                                                         \
        RUN_OP(I_ADD_C);                                          \
    } while (0)
        TARGET(I_ADD_JMPEQ) { ADD_JMP_CMP(f_ == 0); }
        TARGET(I_ADD_JMPNEQ) { ADD_JMP_CMP(f_ != 0); }
        TARGET(I_ADD_JMPLT) { ADD_JMP_CMP(f_ < 0); }
        TARGET(I_ADD_JMPGT) { ADD_JMP_CMP(f_ > 0); }

        /* Dependent ALU pairs (see vm_internal.h).  The operations, as
     * expressions of u and w that leave the I64 result in r2_ or fail. */
#define OP_ADD(u, w) (!__builtin_add_overflow(u, w, &r2_))
#define OP_SUB(u, w) (!__builtin_sub_overflow(u, w, &r2_))
#define OP_MUL(u, w) (!__builtin_mul_overflow(u, w, &r2_))
#define OP_DIV(u, w) ((w) > 0 && ((r2_ = (u) / (w)), 1))
#define OP_MOD(u, w) ((w) > 0 && ((r2_ = (u) % (w)), 1))
#define ALU_PAIR(A, B)                                                                                    \
    TARGET(I_##A##_##B)                                                                                   \
    {                                                                                                     \
        Value *x = &R[ip->b], *y = &R[ip->c];                                                             \
        int64_t r1_, r2_;                                                                                 \
        if (likely(x->type == VT_I64 && y->type == VT_I64)) {                                             \
            int64_t xi_ = x->as.i, yi_ = y->as.i;                                                         \
            if (likely(OP_##A##_1(xi_, yi_))) {                                                           \
                const Ins *q_ = ip + 1;                                                                   \
                R[ip->a].type = VT_I64;                                                                   \
                R[ip->a].as.i = r1_;                                                                      \
                const Value *qb_ = &R[q_->b], *qc_ = &R[q_->c];                                           \
                if ((q_->b == ip->a || qb_->type == VT_I64) && (q_->c == ip->a || qc_->type == VT_I64)) { \
                    int64_t u_ = q_->b == ip->a ? r1_ : qb_->as.i;                                        \
                    int64_t w_ = q_->c == ip->a ? r1_ : qc_->as.i;                                        \
                    if (likely(OP_##B(u_, w_))) {                                                         \
                        R[q_->a].type = VT_I64;                                                           \
                        R[q_->a].as.i = r2_;                                                              \
                        ip += I_SPAN(I_ADD_ADD);                                                          \
                        DISPATCH();                                                                       \
                    }                                                                                     \
                }                                                                                         \
                ip++; /* the second runs as written */                                                    \
                DISPATCH();                                                                               \
            }                                                                                             \
        }                                                                                                 \
        RUN_OP(ip->base == STF_OP_ADD ? I_ADD_C : ip->base == STF_OP_SUB ? I_SUB_C : I_MUL_C);            \
    }
#define OP_ADD_1(u, w) (!__builtin_add_overflow(u, w, &r1_))
#define OP_SUB_1(u, w) (!__builtin_sub_overflow(u, w, &r1_))
#define OP_MUL_1(u, w) (!__builtin_mul_overflow(u, w, &r1_))
#define INS(name, span)
#include "ops_internal.def"
#undef INS
#undef ALU_PAIR

        TARGET(I_CALLK)
        {
            VmFunction *callee = vm->funcs[ip->x];
            uint32_t k = callee->nparams, nregs = callee->nregs;
            if (likely(vm->nframes < vm->max_depth && vm->nframes < vm->frames_cap &&
                       vm->stack_top + nregs + k <= vm->stack_cap)) {
                /* Arguments straight from the caller's registers into the
             * callee's (and its locals), as CALL would leave them. */
                fr->ip = (uint32_t)(ip - code) + k + 1;
                uint32_t nb = vm->stack_top;
                Value *nr = vm->stack + nb;
                init_frame_regs(nr, callee, k, false);
                copy_value(&nr[0], &R[ip->a]);
                copy_value(&nr[nregs], &R[ip->a]);
                if (k > 1) {
                    copy_value(&nr[1], &R[ip->b]);
                    copy_value(&nr[nregs + 1], &R[ip->b]);
                }
                if (k > 2) {
                    copy_value(&nr[2], &R[ip->c]);
                    copy_value(&nr[nregs + 2], &R[ip->c]);
                }
                fr = enter_frame(vm, callee, nb, fr->arg_base, NULL);
                fn = callee;
                code = ip = callee->code;
                R = nr;
                REDUCE();
                DISPATCH();
            }
            RUN_OP(STF_OP_PUSHARG);
        }
        TARGET(STF_OP_JMPEQ)
        {
            if (fr->flag == 0)
                JUMP_TO(code + ip->x);
            else
                ip++;
            DISPATCH();
        }
        TARGET(STF_OP_JMPNEQ)
        {
            if (fr->flag != 0)
                JUMP_TO(code + ip->x);
            else
                ip++;
            DISPATCH();
        }
        TARGET(STF_OP_JMPLT)
        {
            if (fr->flag < 0)
                JUMP_TO(code + ip->x);
            else
                ip++;
            DISPATCH();
        }
        TARGET(STF_OP_JMPGT)
        {
            if (fr->flag > 0)
                JUMP_TO(code + ip->x);
            else
                ip++;
            DISPATCH();
        }
        TARGET(STF_OP_NOP)
        {
            ip++;
            DISPATCH();
        }

        TARGET(STF_OP_PUSHARG)
        {
            copy_value(&v, &R[ip->a]);
            if (likely(vm->nargs < vm->args_cap))
                copy_value(&vm->args[vm->nargs++], &v);
            else
                CHECK(push_arg(vm, v));
            if (unlikely(checked) && vm_hooks_active(vm)) CHECK(fire_simple(vm, HOOK_STACK_PUSH, v, ip->a));
            ip++;
            DISPATCH();
        }

        TARGET(STF_OP_LDS)
        {
            uint32_t slot = ip->x;
            R[ip->a] = slot < fr->spill_len ? fr->spill[slot] : val_unit();
            ip++;
            DISPATCH();
        }
        TARGET(STF_OP_STS)
        {
            CHECK(spill_store(vm, fr, ip->x, R[ip->a]));
            ip++;
            DISPATCH();
        }

        TARGET(STF_OP_CALL)
        {
            /* Late-bound call: resolve by name now; cache exact-name hits. */
            uint32_t argc = vm->nargs - fr->arg_base;
            StString *name = vm->names[ip->x];
            int32_t idx = vm_resolve_call(vm, name, vm->args + fr->arg_base, argc);
            if (idx < 0) ERROR();
            VmFunction *callee = vm->funcs[idx];
            bool exact = callee->name->len == name->len && memcmp(callee->name->chars, name->chars, name->len) == 0;
            if (exact && !memchr(name->chars, '.', name->len)) {
                /* Names are never re-bound, so the exact hit is final. */
                ip->op = callee->is_native ? I_CALL_NATIVE : I_CALL_VM;
                ip->base = ip->op;
                ip->x = (uint32_t)idx;
            }
            target = (uint32_t)idx;
            if (callee->is_native) goto do_call_native;
            goto do_call_vm;
        }

        TARGET(I_CALL_NATIVE)
        {
            target = ip->x;
        do_call_native:;
            VmFunction *callee = vm->funcs[target];
            uint32_t base = fr->arg_base, argc = vm->nargs - base;
            Value *args = vm->args + base;
            if (unlikely(checked) && vm_hooks_active(vm)) CHECK(call_events(vm, callee, args, argc));
            SAVE_IP();
            fr->ip++;             /* a pushed frame returns after the CALL */
            vm->reds_left = reds; /* natives may read and charge it */
            int rc = vm_call_native(vm, callee, args, argc, &v);
            reds = vm->reds_left;
            fr = &vm->frames[vm->nframes - 1];
            if (rc == ST_FRAME_PUSHED) {
                fr->arg_base = base; /* the callee's stack starts where the caller's args were */
                vm->nargs = base;
                LOAD_FRAME();
                REFRESH_MODE();
                DISPATCH();
            }
            fr->ip--;
            if (rc != ST_OK) ERROR();
            vm->nargs = base;
            R = fr->regs; /* a native may have grown the stack */
            if (unlikely(checked)) {
                CHECK(write_reg_slow(vm, R, 0, v));
                if (vm_hooks_active(vm)) CHECK(after_call_event(vm, callee, v));
            } else {
                R[0] = v;
            }
            SAFEPOINT();
            ip++;
            REFRESH_MODE();
            REDUCE();
            DISPATCH();
        }

        TARGET(I_TAILCALL)
        {
            /* CALL f; RET r0 (translate.c): f's frame replaces this one, so a
         * tail-recursive loop runs in constant space.  With hooks or a
         * trace on it is a plain call, so they see each call and return. */
            VmFunction *callee = vm->funcs[ip->x];
            uint32_t base = fr->arg_base, argc = vm->nargs - base;
            uint32_t nregs = callee->nregs, size = nregs + callee->nparams;
            if (unlikely(checked && (vm_hooks_active(vm) || vm->trace)) || argc != callee->nparams ||
                argc > SECRET_REGISTER_START || callee->nupvalues) {
                target = ip->x;
                goto do_call_vm;
            }
            if (unlikely(fr->base + size > vm->stack_cap)) {
                CHECK(vm_grow_stack(vm, fr->base + size));
                fr = &vm->frames[vm->nframes - 1];
            }
            Value *args = vm->args + base, *nr = vm->stack + fr->base;
            for (uint32_t i = 0; i < argc; i++) {
                copy_value(&nr[i], &args[i]);
                copy_value(&nr[nregs + i], &args[i]);
            }
            init_frame_regs(nr, callee, argc, checked);
            fr->fn = callee;
            fr->regs = nr;
            fr->ip = 0;
            fr->flag = 0;
            fr->closure = NULL;
            fr->spill_len = 0; /* the buffer is reused */
            vm->nargs = base;
            vm->stack_top = fr->base + size;
            fn = callee;
            code = ip = callee->code;
            R = nr;
            REDUCE();
            DISPATCH();
        }

        TARGET(I_CALL_VM)
        {
            target = ip->x;
        do_call_vm:;
            VmFunction *callee = vm->funcs[target];
            uint32_t base = fr->arg_base, argc = vm->nargs - base;
            Value *args = vm->args + base;
            if (unlikely(checked) && vm_hooks_active(vm)) CHECK(call_events(vm, callee, args, argc));
            uint32_t nregs = callee->nregs;
            if (likely(argc == callee->nparams && argc <= SECRET_REGISTER_START && !callee->nupvalues &&
                       vm->nframes < vm->max_depth && vm->nframes < vm->frames_cap &&
                       vm->stack_top + nregs + argc <= vm->stack_cap)) {
                /* The common call, inline: no capture, no growth, no secret
             * parameters.  Parameters are also kept after the registers
             * as the activation's locals (upvalue lookup by name). */
                fr->ip = (uint32_t)(ip - code) + 1;
                vm->nargs = base;
                uint32_t nb = vm->stack_top;
                Value *nr = vm->stack + nb;
                for (uint32_t i = 0; i < argc; i++) {
                    copy_value(&nr[i], &args[i]);
                    copy_value(&nr[nregs + i], &args[i]);
                }
                init_frame_regs(nr, callee, argc, checked);
                fr = enter_frame(vm, callee, nb, base, NULL);
                fn = callee;
                code = ip = callee->code;
                R = nr;
                REDUCE();
                DISPATCH();
            }
            StClosure *cl = NULL;
            if (unlikely(callee->nupvalues)) CHECK(capture_for_call(vm, callee, &cl));
            vm->nargs = base; /* the arguments move into the callee */
            SAVE_IP();
            fr->ip++;
            if (unlikely(vm_push_frame(vm, callee, args, argc, cl) != ST_OK)) {
                fr->ip--;
                vm->nargs = base + argc;
                ERROR();
            }
            LOAD_FRAME();
            REDUCE();
            DISPATCH();
        }

        TARGET(STF_OP_RET)
        {
            copy_value(&v, &R[ip->a]);
            if (unlikely(checked) && after_index >= 0 && vm->nframes == stop_depth + 1) {
                /* The entry frame's RET completes before the frame is popped. */
                after_index = -1;
                if (vm->trace && vm->trace_instr) trace_instr(vm, fn, (uint32_t)(ip - code), "AFTER ");
                if (vm_hooks_active(vm)) CHECK(fire_instr(vm, HOOK_AFTER_INSTRUCTION, fr, (uint32_t)(ip - code)));
            }
            goto do_return;
        }
        TARGET(I_END)
        {
            copy_value(&v, &R[0]);
            after_index = -1;
            goto do_return;
        }
        /* Handlers added after the first rounds stay at the end, so the
         * code of the older ones keeps its placement (loopcmp ran 4% slower
         * with them in the middle). */
/* The I_SETF at +4 stores the sum: into an existing field of a plain
 * object inline, with the SETF's cache; any other case runs the SETF. */
#define GETF_ARITH_SETF(r)                                                             \
    do {                                                                               \
        Ins *s_ = ip + I_SPAN(I_GETF_ADD);                                             \
        Value t_ = R[s_->a], k_ = R[s_->b];                                            \
        int64_t e_;                                                                    \
        if (likely(t_.type == VT_OBJECT && k_.type == VT_STRING && !t_.as.obj->ext) && \
            likely((e_ = cached_field(&t_.as.obj->fields, k_, s_)) >= 0)) {            \
            Value *f_ = &t_.as.obj->fields.entries[e_].value;                          \
            f_->type = VT_I64;                                                         \
            f_->as.i = (r);                                                            \
            R[0].type = VT_UNIT;                                                       \
            R[0].as.u = 0;                                                             \
            ip += I_SPAN(I_GETF_ADD_SETF);                                             \
            DISPATCH();                                                                \
        }                                                                              \
        ip = s_;                                                                       \
        DISPATCH();                                                                    \
    } while (0)
        TARGET(I_GETF_ADD_SETF) { GETF_ARITH(__builtin_add_overflow, GETF_ARITH_SETF(r_)); }
        TARGET(I_GETF_SUB_SETF) { GETF_ARITH(__builtin_sub_overflow, GETF_ARITH_SETF(r_)); }
        /* s = s .. x (see mark_appends): integers and errors as ADD does */
        TARGET(I_APPEND)
        {
            Value *s = &R[ip->a];
            const Value *x = &R[ip->c];
            StString *r;
            if (likely(s->type == VT_STRING && x->type == VT_STRING) &&
                (r = heap_append_string(&vm->heap, s->as.str, x->as.str)) != NULL) {
                s->as.str = r;
                SAFEPOINT();
                ip++;
                DISPATCH();
            }
            RUN_OP(I_ADD_C);
        }
#ifdef ST_DISPATCH_SWITCH
    default: goto bad_op;
    }
#endif

bad_op:
    vm_error(vm, "internal error: bad opcode %u (%s)", ip->op, vm_op_name(ip->op));
    goto error;

do_return : {
    bool explicit_ret = ip->op == STF_OP_RET || ip->base == STF_OP_RET;
    VmFunction *callee = fn;
    if (unlikely(fr->spill_cap)) heap_realloc(&vm->heap, fr->spill, (size_t)fr->spill_cap * sizeof(Value), 0);
    vm->nframes--;
    vm->stack_top = fr->base;
    vm->nargs = fr->arg_base;
    if (vm->nframes == stop_depth) {
        *result = v;
        vm->reds_left = reds;
        return ST_OK;
    }
    fr--;
    R = fr->regs;
    if (unlikely(checked)) {
        CHECK(write_reg_slow(vm, R, 0, v));
        if (explicit_ret && vm_hooks_active(vm)) CHECK(after_call_event(vm, callee, v));
        fn = fr->fn;
        code = fn->code;
        ip = code + fr->ip;
        DISPATCH();
    }
    copy_value(&R[0], &v);
    fn = fr->fn;
    code = fn->code;
    ip = code + fr->ip;
    /* The caller saves the result out of r0 right away, as compilers
         * emit it: do that MOV as part of the return. */
    if (ip->op == I_MOV_C && ip->b == 0) {
        copy_value(&R[ip->a], &v);
        ip++;
    }
    DISPATCH();
}

checkpoint : {
    uint32_t idx = (uint32_t)(ip - code);
    bool hooks = vm_hooks_active(vm), tracing = vm->trace && vm->trace_instr;
    if (after_index >= 0) {
        /* The previous instruction completed; it is reported in the
             * context we are in now (the callee after a CALL, the caller
             * after a RET), as upstream does. */
        uint32_t done = (uint32_t)after_index;
        after_index = -1;
        if (tracing) trace_instr(vm, after_fn, done, "AFTER ");
        if (hooks) {
            HookEvent ev = { .kind = HOOK_AFTER_INSTRUCTION, .instr_index = done, .instr = &after_fn->source[done] };
            if (vm_fire_hook(vm, &ev) != ST_OK) goto error;
        }
    }
    if (ip->op != I_END) {
        if (vm->budget_on) {
            if (vm->budget_left == 0) {
                vm_error(vm, "Instruction budget exhausted (%" PRIu64 " instructions)", vm->cfg.instruction_budget);
                goto error;
            }
            vm->budget_left--;
        }
        if (tracing) trace_instr(vm, fn, idx, "BEFORE");
        if (hooks && fire_instr(vm, HOOK_BEFORE_INSTRUCTION, fr, idx) != ST_OK) goto error;
        if (hooks || tracing) {
            after_index = idx;
            after_fn = fn;
        }
    }
    RUN_PLAIN();
}

preempt:
    /* The slice is used up.  Another process ready, or a timer to look
     * at: yield (go on at ip later).  Else a new slice. */
    if (vm->procs && !vm->run_nest && (vm->procs->rq_len || vm->procs->ntimed)) {
        SAVE_IP();
        vm->procs->yield = PY_PREEMPT;
        vm->reds_left = 0;
        return ST_ERR;
    }
    reds = vm->procs ? (int32_t)vm->procs->reductions : INT32_MAX;
    DISPATCH();

error : {
    vm->reds_left = reds;
    if (unlikely(vm->procs != NULL) && vm->procs->yield) {
        /* A builtin or a share operation waits (process.c): the
             * instruction at ip runs again when the process resumes. */
        vm->frames[vm->nframes - 1].ip = (uint32_t)(ip - code);
        return ST_ERR;
    }
    Frame *top = &vm->frames[vm->nframes - 1];
    free(vm->err.function);
    vm->err.function = strdup(top->fn->name->chars);
    vm->err.instr_index = top == fr ? (int64_t)(ip - code) : (int64_t)top->ip;
    if (!vm->err.message) vm_error(vm, "unknown error");
    return ST_ERR;
}
}
