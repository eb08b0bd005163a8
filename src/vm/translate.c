/* translate.c: verify a program and translate it into internal code.
 *
 * Verification happens once here so the interpreter never checks operand
 * bounds: every register fits the (normalised) frame, every jump target is
 * a resolved index, every constant index is in the pool.  Calls whose
 * target is known at load time become direct calls; the rest stay late
 * bound by name.  A CMP directly followed by a conditional jump becomes one
 * fused instruction; the jump stays in place so instruction indices keep
 * matching the wire code (errors, hooks and jumps into the middle). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vm_internal.h"

static const char *const op_names[I_COUNT] = {
#define OP(name, byte, fmt) #name,
#include "bytecode/opcodes.def"
#undef OP
#define INS(name, span) "I_" #name,
#include "ops_internal.def"
#undef INS
};

const char *vm_op_name(unsigned op) { return op < I_COUNT ? op_names[op] : "?"; }

/* A function's labels and the program's functions by name (StfNameIndex),
 * so that resolving them is linear in the program's size. */
typedef StfNameOf NameOf;
typedef StfNameIndex NameIndex;

typedef struct {
    VM *vm;
    const StfProgram *prog;
    uint32_t const_base;
    uint32_t *unique; /* indices of the functions to register */
    uint32_t nunique;
    NameIndex unique_index; /* unique by name */
    VmFunction **made;
    /* The program's string constants by content (open addressing, NULL =
     * empty): names of functions, parameters and upvalues reuse them, so
     * run-time lookups by name mostly end at a pointer compare. */
    StString **strs;
    uint32_t strs_mask;
} Loader;

static int where(Loader *L, const StfFunction *f, uint32_t i, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Error naming the function, the instruction and its source position. */
static int where(Loader *L, const StfFunction *f, uint32_t i, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const StfInstr *in = i < f->instr_count ? &f->instrs[i] : NULL;
    if (in && in->line) return vm_error(L->vm, "Function %s instruction %u (line %u): %s", f->name.s, i, in->line, msg);
    if (in && in->file_offset)
        return vm_error(L->vm, "Function %s instruction %u (offset %u): %s", f->name.s, i, in->file_offset, msg);
    return vm_error(L->vm, "Function %s instruction %u: %s", f->name.s, i, msg);
}

static bool name_index_init(VM *vm, NameIndex *ix, uint32_t count)
{
    uint32_t size = stf_name_index_capacity(count);
    ix->mask = size - 1;
    ix->slots = vm_mem_alloc(vm, (size_t)size * sizeof *ix->slots);
    return ix->slots != NULL;
}

static void name_index_free(VM *vm, NameIndex *ix)
{
    if (ix->slots) vm_mem_free(vm, ix->slots, ((size_t)ix->mask + 1) * sizeof *ix->slots);
    ix->slots = NULL;
}

static const StfStr *label_name(const void *ctx, uint32_t k) { return &((const StfFunction *)ctx)->labels[k].name; }

/* The first of duplicate label names wins, as in a scan in order. */
static bool label_index_build(VM *vm, const StfFunction *f, NameIndex *ix)
{
    if (!name_index_init(vm, ix, f->label_count)) return false;
    for (uint32_t i = 0; i < f->label_count; i++) {
        uint32_t *slot = stf_name_index_slot(ix, &f->labels[i].name, label_name, f);
        if (!*slot) *slot = i + 1;
    }
    return true;
}

static int find_label(const StfFunction *f, const NameIndex *ix, const StfStr *name, uint32_t *target)
{
    uint32_t k = *stf_name_index_slot(ix, name, label_name, f);
    if (!k) return -1;
    *target = f->labels[k - 1].target;
    return 0;
}

static int check_labels(Loader *L, const StfFunction *f)
{
    for (uint32_t i = 0; i < f->label_count; i++) {
        if (f->labels[i].target > f->instr_count)
            return vm_error(L->vm, "Function %s label '%s' points past the instruction stream: %u > %u", f->name.s,
                            f->labels[i].name.s, f->labels[i].target, f->instr_count);
    }
    return ST_OK;
}

static StString **str_slot(Loader *L, const char *p, size_t len)
{
    for (uint32_t i = bytes_hash(p, len) & L->strs_mask;; i = (i + 1) & L->strs_mask) {
        StString *t = L->strs[i];
        if (!t || (t->len == len && memcmp(t->chars, p, len) == 0)) return &L->strs[i];
    }
}

/* Index the string constants just added (vm->consts from const_base). */
static int index_strings(Loader *L)
{
    VM *vm = L->vm;
    uint32_t n = vm->nconsts - L->const_base, size = 16;
    while (size < 2 * n) size *= 2;
    L->strs = vm_mem_alloc(vm, (size_t)size * sizeof *L->strs);
    if (!L->strs) return vm_oom(vm);
    L->strs_mask = size - 1;
    for (uint32_t i = L->const_base; i < vm->nconsts; i++) {
        if (vm->consts[i].type != VT_STRING) continue;
        StString *str = vm->consts[i].as.str, **slot = str_slot(L, str->chars, str->len);
        if (!*slot) *slot = str;
    }
    return ST_OK;
}

static StString *new_str(Loader *L, const StfStr *s)
{
    StString **slot = str_slot(L, s->s, s->len);
    return *slot ? *slot : heap_new_string(&L->vm->heap, s->s, s->len);
}

static const StfStr *unique_name(const void *ctx, uint32_t k)
{
    const Loader *L = ctx;
    return &L->prog->funcs[L->unique[k]].name;
}

static uint32_t *unique_slot(Loader *L, const StfStr *name)
{
    return stf_name_index_slot(&L->unique_index, name, unique_name, L);
}

/* Index this program's function `name` will get, or -1 if it has none. */
static int32_t new_function_index(Loader *L, const StfStr *name)
{
    uint32_t k = *unique_slot(L, name);
    return k ? (int32_t)(L->vm->nfuncs + k - 1) : -1;
}

static bool has_method_entry(VM *vm, const StfStr *name)
{
    const char *dot = memchr(name->s, '.', name->len);
    for (uint32_t i = 0; i < vm->nmethods; i++) {
        const MethodEntry *m = &vm->methods[i];
        if (dot) {
            if (m->full->len == name->len && memcmp(m->full->chars, name->s, name->len) == 0) return true;
        } else if (m->method->len == name->len && memcmp(m->method->chars, name->s, name->len) == 0) {
            return true;
        }
    }
    return false;
}

static int translate_call(Loader *L, const StfInstr *in, Ins *out)
{
    VM *vm = L->vm;
    uint32_t name_index;
    if (vm_intern_name(vm, in->name.s, in->name.len, &name_index) != ST_OK) return ST_ERR;
    out->op = STF_OP_CALL;
    out->x = name_index;
    out->c = 0;
    int32_t idx = vm_find_function(vm, in->name.s, in->name.len);
    bool is_new = false;
    if (idx < 0) {
        idx = new_function_index(L, &in->name);
        is_new = idx >= 0;
    }
    /* A dotted name registered as a method checks its receiver at run time;
     * bare method names dispatch on the receiver only when no function of
     * that exact name exists, which the exact lookup settles here. */
    if (idx < 0 || (memchr(in->name.s, '.', in->name.len) && has_method_entry(vm, &in->name))) return ST_OK;
    bool native = is_new ? false : vm->funcs[idx]->is_native;
    out->op = native ? I_CALL_NATIVE : I_CALL_VM;
    out->x = (uint32_t)idx;
    return ST_OK;
}

/* Parameter count of the bytecode function a CALL resolved to, or -1. */
static int64_t callee_arity(Loader *L, const Ins *in)
{
    if (in->op != I_CALL_VM) return -1;
    if (in->x < L->vm->nfuncs) return L->vm->funcs[in->x]->nparams;
    uint32_t k = in->x - L->vm->nfuncs;
    return k < L->nunique ? L->prog->funcs[L->unique[k]].param_count : -1;
}

/* A CALL consumes the whole argument stack.  Where the pushes before it
 * are straight-line code from the function's start or the previous CALL
 * (no label in between that could bring other pushes), their number is
 * known and must match the callee's parameters. */
static int check_call_arity(Loader *L, const StfFunction *f, const VmFunction *fn)
{
    size_t tsize = ((size_t)f->instr_count + 1) * sizeof(bool);
    bool *target = vm_mem_alloc(L->vm, tsize);
    if (!target) return vm_oom(L->vm);
    for (uint32_t i = 0; i < f->label_count; i++) target[f->labels[i].target] = true;
    uint32_t pushes = 0;
    bool known = true;
    int rc = ST_OK;
    for (uint32_t i = 0; i < f->instr_count && rc == ST_OK; i++) {
        if (target[i]) known = false;
        const Ins *in = &fn->code[i];
        if (f->instrs[i].op == STF_OP_PUSHARG) {
            pushes++;
        } else if (f->instrs[i].op == STF_OP_CALL) {
            int64_t arity = callee_arity(L, in);
            if (known && arity >= 0 && arity != pushes)
                rc = where(L, f, i, "call to %s passes %u arguments but it takes %" PRId64, f->instrs[i].name.s, pushes,
                           arity);
            pushes = 0;
            known = true;
        }
    }
    vm_mem_free(L->vm, target, tsize);
    return rc;
}

/* Is instruction k a call of the builtin `name`?  Builtin names cannot be
 * taken by program functions, so a CALL bound to a native of that name is
 * that builtin. */
static bool calls_builtin(const StfFunction *f, const VmFunction *fn, uint32_t k, const char *name)
{
    return k < f->instr_count && fn->code[k].op == I_CALL_NATIVE && strcmp(f->instrs[k].name.s, name) == 0;
}

static bool is_push(const StfFunction *f, uint32_t k)
{
    return k < f->instr_count && f->instrs[k].op == STF_OP_PUSHARG;
}

/* Parameter count of the bytecode function instruction k calls directly
 * (no upvalues), or -1. */
static int64_t direct_arity(Loader *L, const VmFunction *fn, uint32_t k, uint32_t n)
{
    if (k >= n || fn->code[k].op != I_CALL_VM) return -1;
    uint32_t x = fn->code[k].x;
    if (x < L->vm->nfuncs) return L->vm->funcs[x]->nupvalues ? -1 : (int64_t)L->vm->funcs[x]->nparams;
    const StfFunction *g = &L->prog->funcs[L->unique[x - L->vm->nfuncs]];
    return g->upvalue_count ? -1 : (int64_t)g->param_count;
}

static void fuse_calls_and_loops(Loader *L, const StfFunction *f, VmFunction *fn, const int32_t *pending)
{
    uint32_t n = f->instr_count;
    for (uint32_t i = 0; i < n; i++) {
        Ins *in = &fn->code[i];
        if (in->op == STF_OP_JMP && in->x < n) {
            int head = fn->code[in->x].op;
            if (head >= I_CMP_JMPEQ && head <= I_CMP_JMPGT) in->op = (uint8_t)(I_JMP_CMPJEQ + (head - I_CMP_JMPEQ));
            continue;
        }
        if (in->op == I_ADD_C && i + 1 < n && fn->code[i + 1].op == STF_OP_JMP && fn->code[i + 1].x < n) {
            int head = fn->code[fn->code[i + 1].x].op;
            if (head >= I_CMP_JMPEQ && head <= I_CMP_JMPGT) {
                in->op = (uint8_t)(I_ADD_JMPEQ + (head - I_CMP_JMPEQ));
                in->x = fn->code[i + 1].x;
            }
            continue;
        }
        if (in->op != STF_OP_PUSHARG || pending[i] != 0) continue;
        uint32_t k = 1;
        while (k < 3 && is_push(f, i + k)) k++;
        /* the longest run of up to 3 pushes that a direct call consumes */
        for (; k >= 1; k--) {
            if (is_push(f, i + k - 1) && direct_arity(L, fn, i + k, n) == (int64_t)k) break;
        }
        if (k == 0) continue;
        in->op = I_CALLK;
        in->b = k > 1 ? (uint16_t)f->instrs[i + 1].a : 0;
        in->c = k > 2 ? (uint16_t)f->instrs[i + 2].a : 0;
        in->x = fn->code[i + k].x;
    }
}

static void fuse_constant_loads(VM *vm, const StfFunction *f, VmFunction *fn)
{
    for (uint32_t i = 0; i + 1 < f->instr_count; i++) {
        Ins *ld = &fn->code[i], *next = &fn->code[i + 1];
        if (ld->op != I_LDI_C || vm->consts[ld->x].type != VT_I64) continue;
        uint16_t k = ld->a;
        switch (next->op) {
        /* a and x stay the LDI's own (the checked mode runs it plainly);
         * b and c carry the use. */
        case I_ADD_C:
        case I_SUB_C:
        case I_MUL_C:
            if (next->c != k || next->b == k) break;
            ld->op = next->op == I_ADD_C ? I_LDK_ADD : next->op == I_SUB_C ? I_LDK_SUB : I_LDK_MUL;
            ld->b = next->b;
            ld->c = next->a;
            break;
        case I_CMP_JMPEQ:
        case I_CMP_JMPNEQ:
        case I_CMP_JMPLT:
        case I_CMP_JMPGT:
            if (next->b != k || next->a == k) break;
            ld->op = (uint8_t)(I_LDK_CMPJEQ + (next->op - I_CMP_JMPEQ));
            ld->b = next->a;
            break;
        default: break;
        }
    }
}

/* ADD/SUB/MUL followed by ADD/SUB/MUL/DIV/MOD that reads its result. */
static void fuse_alu_pairs(const StfFunction *f, VmFunction *fn)
{
    for (uint32_t i = 0; i + 1 < f->instr_count; i++) {
        Ins *p = &fn->code[i];
        const Ins *q = &fn->code[i + 1];
        if (p->op < I_ADD_C || p->op > I_MUL_C || q->op < I_ADD_C || q->op > I_MOD_C) continue;
        if (q->b != p->a && q->c != p->a) continue;
        p->op = (uint8_t)I_ALU_PAIR_OF(p->op, q->op);
    }
}

static void fuse_table_builtins(const StfFunction *f, VmFunction *fn, const int32_t *pending)
{
    for (uint32_t i = 0; i < f->instr_count; i++) {
        if (!is_push(f, i) || pending[i] != 0) continue;
        Ins *in = &fn->code[i];
        if (calls_builtin(f, fn, i + 1, "array_length") || calls_builtin(f, fn, i + 1, "len")) {
            in->op = I_ALEN;
        } else if (is_push(f, i + 1) && calls_builtin(f, fn, i + 2, "get_field")) {
            in->op = I_GETF;
            in->b = (uint16_t)f->instrs[i + 1].a;
            /* A compiler saves call results out of r0 at once. */
            if (i + 3 < f->instr_count && fn->code[i + 3].op == I_MOV_C && fn->code[i + 3].b == 0) {
                in->op = I_GETF_MOV;
                in->c = fn->code[i + 3].a;
            } else if (i + 3 < f->instr_count && (fn->code[i + 3].op == I_ADD_C || fn->code[i + 3].op == I_SUB_C) &&
                       (fn->code[i + 3].b == 0 || fn->code[i + 3].c == 0)) {
                in->op = fn->code[i + 3].op == I_ADD_C ? I_GETF_ADD : I_GETF_SUB;
            } else if (is_push(f, i + 3) && f->instrs[i + 3].a == 0 && is_push(f, i + 4) &&
                       calls_builtin(f, fn, i + 5, "get_field")) {
                in->op = I_GETF2; /* t[k][k2], as for a 2-D array */
                in->c = (uint16_t)f->instrs[i + 4].a;
            }
        } else if (is_push(f, i + 1) && calls_builtin(f, fn, i + 2, "array_push")) {
            in->op = I_APUSH;
            in->b = (uint16_t)f->instrs[i + 1].a;
        } else if (calls_builtin(f, fn, i + 1, "get_upvalue")) {
            in->op = I_GETUP;
        } else if (calls_builtin(f, fn, i + 1, "call_closure")) {
            in->op = I_CALLCL;
        } else if (is_push(f, i + 1) && calls_builtin(f, fn, i + 2, "set_upvalue")) {
            in->op = I_SETUP;
            in->b = (uint16_t)f->instrs[i + 1].a;
        } else if (is_push(f, i + 1) && is_push(f, i + 2) && calls_builtin(f, fn, i + 3, "set_field")) {
            in->op = I_SETF;
            in->b = (uint16_t)f->instrs[i + 1].a;
            in->c = (uint16_t)f->instrs[i + 2].a;
        }
    }
    /* `t.k = t.k + v` and `u.k2 = t.k + v`: the store of the sum follows at
     * once, so both run in one dispatch (the SETF at +4 keeps its own op
     * and cache for jumps to it and for the slow cases). */
    for (uint32_t i = 0; i + 4 < f->instr_count; i++) {
        Ins *in = &fn->code[i];
        const Ins *alu = &fn->code[i + 3], *set = &fn->code[i + 4];
        if ((in->op != I_GETF_ADD && in->op != I_GETF_SUB) || set->op != I_SETF) continue;
        if (alu->a == 0 || set->c != alu->a) continue;
        in->op = in->op == I_GETF_ADD ? I_GETF_ADD_SETF : I_GETF_SUB_SETF;
    }
}

/* Clear registers (r0-r15) an instruction reads and writes, by wire op. */
static void reg_effects(const StfInstr *in, uint32_t *reads, uint32_t *writes)
{
#define BIT(r) ((r) < SECRET_REGISTER_START ? 1u << (r) : 0u)
    *reads = *writes = 0;
    switch (in->op) {
    case STF_OP_LD:
    case STF_OP_LDI:
    case STF_OP_LDS: *writes = BIT(in->a); break;
    case STF_OP_MOV:
    case STF_OP_NOT:
        *writes = BIT(in->a);
        *reads = BIT(in->b);
        break;
    case STF_OP_CMP: *reads = BIT(in->a) | BIT(in->b); break;
    case STF_OP_RET:
    case STF_OP_PUSHARG: *reads = BIT(in->a); break;
    case STF_OP_STS: *reads = BIT(in->b); break; /* STS slot, reg */
    case STF_OP_CALL: *writes = 1u; break;       /* the result, r0 */
    default:
        if (stf_op_format(in->op) == STF_FMT_RRR) {
            *writes = BIT(in->a);
            *reads = BIT(in->b) | BIT(in->c);
        }
        break;
    }
#undef BIT
}

/* Control-flow successors of instruction i (index n = the implicit return
 * after the last instruction); jump targets are resolved in fn->code[].x. */
static uint32_t successors(const StfFunction *f, const VmFunction *fn, uint32_t i, uint32_t succ[2])
{
    uint32_t nsucc = 0;
    uint8_t op = f->instrs[i].op;
    if (stf_op_format(op) == STF_FMT_LABEL) succ[nsucc++] = fn->code[i].x;
    if (op != STF_OP_JMP && op != STF_OP_RET) succ[nsucc++] = i + 1;
    return nsucc;
}

/* Worklist of instruction indices for the analyses below: an index is
 * (re)visited only when what flows into it changed, so the work is bounded
 * by the instructions times the height of the analysis' lattice, whatever
 * the shape of the control flow (repeated passes in order would take one
 * pass per backward jump in a chain: quadratic on crafted input). */
typedef struct {
    VM *vm;
    uint32_t *stack, len, n;
    uint8_t *queued;
} Worklist;

static bool wl_init(VM *vm, Worklist *w, uint32_t n)
{
    w->vm = vm;
    w->len = 0;
    w->n = n;
    w->stack = vm_mem_alloc(vm, ((size_t)n + 1) * sizeof *w->stack);
    w->queued = vm_mem_alloc(vm, (size_t)n + 1);
    return w->stack && w->queued;
}

static void wl_free(Worklist *w)
{
    if (!w->vm) return;
    vm_mem_free(w->vm, w->stack, ((size_t)w->n + 1) * sizeof *w->stack);
    vm_mem_free(w->vm, w->queued, (size_t)w->n + 1);
}

static void wl_push(Worklist *w, uint32_t i)
{
    if (w->queued[i]) return;
    w->queued[i] = 1;
    w->stack[w->len++] = i;
}

static uint32_t wl_pop(Worklist *w)
{
    uint32_t i = w->stack[--w->len];
    w->queued[i] = 0;
    return i;
}

/* Number of arguments pending (pushed, not yet consumed by a CALL) before
 * each instruction: >= 0 when every path agrees, PENDING_UNKNOWN when not,
 * PENDING_UNREACHED for dead code.  A frame starts with none.  The fused
 * PUSHARG...CALL forms are made only where none are pending, so they need
 * not check at run time.  Returns an array of instr_count + 1 from
 * vm_mem_alloc, NULL when out of memory. */
#define PENDING_UNKNOWN (-1)
#define PENDING_UNREACHED (-2)
static int32_t *pending_args(VM *vm, const StfFunction *f, const VmFunction *fn)
{
    uint32_t n = f->instr_count;
    int32_t *d = vm_mem_alloc(vm, ((size_t)n + 1) * sizeof *d);
    Worklist w = { 0 };
    if (!d || !wl_init(vm, &w, n)) {
        vm_mem_free(vm, d, ((size_t)n + 1) * sizeof *d);
        wl_free(&w);
        return NULL;
    }
    for (uint32_t i = 0; i <= n; i++) d[i] = PENDING_UNREACHED;
    d[0] = 0;
    wl_push(&w, 0);
    while (w.len) {
        uint32_t i = wl_pop(&w);
        if (i == n) continue; /* the implicit return */
        int32_t out = d[i];
        if (f->instrs[i].op == STF_OP_CALL)
            out = 0;
        else if (f->instrs[i].op == STF_OP_PUSHARG && out >= 0)
            out = out < INT32_MAX ? out + 1 : PENDING_UNKNOWN;
        uint32_t succ[2], nsucc = successors(f, fn, i, succ);
        for (uint32_t k = 0; k < nsucc; k++) {
            int32_t *t = &d[succ[k]];
            int32_t merged = *t == PENDING_UNREACHED || *t == out ? out : PENDING_UNKNOWN;
            if (merged != *t) {
                *t = merged;
                wl_push(&w, succ[k]);
            }
        }
    }
    wl_free(&w);
    return d;
}

/* In-place appends (I_APPEND).  `ADD rD, rD, rX` (X != D) may extend the
 * string in rD in place when that string is an append buffer (made by such
 * an ADD) and no other place can hold it.  That holds for register D when
 * no instruction that reads D, or writes D with anything but a constant
 * (MOV, a call result, ...), can be followed by one of D's appends before
 * an LDI overwrites D: then no copy of the buffer is ever made while an
 * append can still see it, and no buffer comes back into D from elsewhere.
 * Only registers that are not parameters and get a string constant
 * somewhere (so integer counters keep their fused ADDs), and no function
 * that makes closures (they capture by name).  reach[i]: from before
 * instruction i an append to D can run with D unchanged. */
static bool append_site(const StfFunction *f, const VmFunction *fn, uint32_t i, uint32_t d)
{
    const StfInstr *in = &f->instrs[i];
    return in->op == STF_OP_ADD && in->a == d && in->b == d && in->c != d && fn->code[i].op == I_ADD_C;
}

static bool append_safe(const StfFunction *f, const VmFunction *fn, uint32_t d, uint8_t *reach)
{
    uint32_t n = f->instr_count, succ[2];
    bool any = false;
    for (uint32_t i = 0; i <= n; i++) {
        reach[i] = i < n && append_site(f, fn, i, d);
        any |= reach[i];
    }
    if (!any) return false;
    /* Backward passes until nothing changes; a pass per nested back jump,
     * so give up (no appends) on a function that needs many. */
    bool changed = true;
    for (int pass = 0; changed; pass++) {
        if (pass == 32) return false;
        changed = false;
        for (uint32_t i = n; i-- > 0;) {
            const StfInstr *in = &f->instrs[i];
            if (reach[i] || (in->op == STF_OP_LDI && in->a == d)) continue;
            uint32_t nsucc = successors(f, fn, i, succ);
            for (uint32_t k = 0; k < nsucc && !reach[i]; k++) reach[i] = reach[succ[k]];
            changed |= reach[i];
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        const StfInstr *in = &f->instrs[i];
        uint32_t reads, writes;
        reg_effects(in, &reads, &writes);
        if (append_site(f, fn, i, d) || !((reads | writes) & (1u << d))) continue;
        if (in->op == STF_OP_LDI) continue; /* a constant, never a buffer */
        uint32_t nsucc = successors(f, fn, i, succ);
        for (uint32_t k = 0; k < nsucc; k++)
            if (reach[succ[k]]) return false;
    }
    return true;
}

static int mark_appends(VM *vm, const StfFunction *f, VmFunction *fn)
{
    uint32_t n = f->instr_count, strings = 0;
    for (uint32_t i = 0; i < n; i++) {
        const StfInstr *in = &f->instrs[i];
        if (in->op == STF_OP_CALL && in->name.s && strcmp(in->name.s, "create_closure") == 0) return ST_OK;
        if (in->op == STF_OP_LDI && in->a < SECRET_REGISTER_START && in->a >= f->param_count &&
            vm->consts[fn->code[i].x].type == VT_STRING)
            strings |= 1u << in->a;
    }
    if (!strings) return ST_OK;
    uint8_t *reach = vm_mem_alloc(vm, (size_t)n + 1);
    if (!reach) return vm_oom(vm);
    for (uint32_t d = 0; d < SECRET_REGISTER_START; d++) {
        if (!(strings & (1u << d)) || !append_safe(f, fn, d, reach)) continue;
        for (uint32_t i = 0; i < n; i++)
            if (append_site(f, fn, i, d)) fn->code[i].op = I_APPEND;
    }
    vm_mem_free(vm, reach, (size_t)n + 1);
    return ST_OK;
}

/* Which clear registers a call must set to Unit: those that some path
 * through the function may read before writing.  A forward "definitely
 * written" analysis over the control flow (jump targets are resolved in
 * fn->code[].x); the other registers keep whatever the stack held, which
 * is never read (the collector clears the stack above its top, so it holds
 * Unit or live objects only).  Secret registers are always initialised. */
static int compute_init_mask(VM *vm, const StfFunction *f, VmFunction *fn)
{
    uint32_t n = f->instr_count, all = (1u << SECRET_REGISTER_START) - 1;
    uint32_t *din = vm_mem_alloc(vm, ((size_t)n + 1) * sizeof *din);
    uint8_t *reached = vm_mem_alloc(vm, (size_t)n + 1);
    Worklist w = { 0 };
    bool ok = din && reached && wl_init(vm, &w, n);
    if (!ok) {
        vm_mem_free(vm, din, ((size_t)n + 1) * sizeof *din);
        vm_mem_free(vm, reached, (size_t)n + 1);
        wl_free(&w);
        return vm_oom(vm);
    }
    din[0] = f->param_count >= SECRET_REGISTER_START ? all : (1u << f->param_count) - 1;
    reached[0] = 1;
    wl_push(&w, 0);
    while (w.len) {
        uint32_t i = wl_pop(&w);
        if (i == n) continue;
        uint32_t reads, writes, succ[2], nsucc = successors(f, fn, i, succ);
        reg_effects(&f->instrs[i], &reads, &writes);
        for (uint32_t k = 0; k < nsucc; k++) {
            uint32_t s = succ[k], merged = (din[i] | writes) & (reached[s] ? din[s] : all);
            if (!reached[s] || merged != din[s]) {
                din[s] = merged;
                reached[s] = 1;
                wl_push(&w, s);
            }
        }
    }
    uint32_t need = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!reached[i]) continue;
        uint32_t reads, writes;
        reg_effects(&f->instrs[i], &reads, &writes);
        need |= reads & ~din[i];
    }
    if (reached[n] && !(din[n] & 1u)) need |= 1u; /* falling off the end returns r0 */
    fn->init_mask = need & all;
    vm_mem_free(vm, din, ((size_t)n + 1) * sizeof *din);
    vm_mem_free(vm, reached, (size_t)n + 1);
    wl_free(&w);
    return ST_OK;
}

/* Wire instructions -> internal ones: operands checked, labels and
 * constants resolved, calls bound where the target is known. */
static int translate_instrs(Loader *L, const StfFunction *f, VmFunction *fn)
{
    VM *vm = L->vm;
    NameIndex labels;
    if (!label_index_build(vm, f, &labels)) return vm_oom(vm);
    int rc = ST_OK;
    for (uint32_t i = 0; rc == ST_OK && i < f->instr_count; i++) {
        const StfInstr *in = &f->instrs[i];
        StfInstr *src = &fn->source[i];
        *src = *in;
        src->name.s = NULL;
        if (in->name.s && !stf_str_dup(&src->name, in->name.s, in->name.len)) {
            rc = vm_oom(vm);
            break;
        }

        Ins *out = &fn->code[i];
        memset(out, 0, sizeof *out);
        out->op = in->op;
        int fmt = stf_op_format(in->op);
        if (fmt < 0) {
            rc = where(L, f, i, "unknown opcode 0x%02x", in->op);
            break;
        }
        /* Register operands fit in 16 bits: nregs <= 65535 was checked. */
        out->a = (uint16_t)in->a;
        out->b = (uint16_t)in->b;
        out->c = (uint16_t)in->c;
        switch (fmt) {
        case STF_FMT_R_OFF: out->x = (uint32_t)in->off; break;
        case STF_FMT_R_K:
            if (in->b >= L->prog->const_count)
                rc = where(L, f, i, "constant index %u out of range (the pool has %u constants)", in->b,
                           L->prog->const_count);
            out->x = L->const_base + in->b;
            break;
        case STF_FMT_LABEL: {
            uint32_t target;
            if (find_label(f, &labels, &in->name, &target) != 0)
                rc = vm_error(vm, "Function %s references unknown label '%s'", f->name.s, in->name.s);
            else
                out->x = target;
            break;
        }
        case STF_FMT_NAME: rc = translate_call(L, in, out); break;
        case STF_FMT_R_SLOT:
            if (in->b > VM_MAX_SPILL_SLOT)
                rc = where(L, f, i, "spill slot %u out of range (at most %u)", in->b, VM_MAX_SPILL_SLOT);
            out->x = in->b;
            break;
        case STF_FMT_SLOT_R:
            if (in->a > VM_MAX_SPILL_SLOT)
                rc = where(L, f, i, "spill slot %u out of range (at most %u)", in->a, VM_MAX_SPILL_SLOT);
            out->x = in->a;
            out->a = (uint16_t)in->b; /* register first internally */
            break;
        default: break;
        }
        out->base = out->op;
    }
    name_index_free(vm, &labels);
    return rc;
}

static int translate_function(Loader *L, const StfFunction *f, VmFunction **result)
{
    VM *vm = L->vm;
    if (check_labels(L, f) != ST_OK) return ST_ERR;
    uint32_t nregs = stf_function_frame_size(f);
    if (nregs > VM_MAX_FRAME_REGISTERS)
        return vm_error(vm, "Function %s uses %u registers (at most %u are supported)", f->name.s, nregs,
                        VM_MAX_FRAME_REGISTERS);

    VmFunction *fn = heap_realloc(&vm->heap, NULL, 0, sizeof *fn);
    if (!fn) return vm_oom(vm);
    memset(fn, 0, sizeof *fn);
    *result = fn;
    fn->nregs = nregs;
    fn->name = new_str(L, &f->name);
    fn->code_len = f->instr_count;
    fn->params = heap_realloc(&vm->heap, NULL, 0, (size_t)f->param_count * sizeof(StString *));
    fn->upvalues = heap_realloc(&vm->heap, NULL, 0, (size_t)f->upvalue_count * sizeof(StString *));
    fn->code = heap_realloc(&vm->heap, NULL, 0, ((size_t)f->instr_count + 1) * sizeof(Ins));
    fn->source = vm_mem_alloc(vm, ((size_t)f->instr_count + 1) * sizeof(StfInstr));
    fn->owns_source = true;
    if (!fn->name || (f->param_count && !fn->params) || (f->upvalue_count && !fn->upvalues) || !fn->code || !fn->source)
        return vm_oom(vm);
    /* Counts are set first so the arrays are freed with the size they were
     * allocated with, whatever fails below. */
    fn->nparams = f->param_count;
    fn->nupvalues = f->upvalue_count;
    for (uint32_t i = 0; i < f->param_count; i++)
        if (!(fn->params[i] = new_str(L, &f->params[i]))) return vm_oom(vm);
    for (uint32_t i = 0; i < f->upvalue_count; i++)
        if (!(fn->upvalues[i] = new_str(L, &f->upvalues[i]))) return vm_oom(vm);

    if (translate_instrs(L, f, fn) != ST_OK) return ST_ERR;
    Ins *end = &fn->code[f->instr_count];
    memset(end, 0, sizeof *end);
    end->op = end->base = I_END;
    if (check_call_arity(L, f, fn) != ST_OK) return ST_ERR;
    if (compute_init_mask(vm, f, fn) != ST_OK) return ST_ERR;
    /* Tail calls: a direct call whose result is returned at once.  Not
     * optional like the fusions below: deep tail recursion depends on it. */
    for (uint32_t i = 0; i + 1 < f->instr_count; i++)
        if (fn->code[i].op == I_CALL_VM && f->instrs[i + 1].op == STF_OP_RET && f->instrs[i + 1].a == 0)
            fn->code[i].op = fn->code[i].base = I_TAILCALL;
    if (vm->cfg.no_fusion) return ST_OK;

    /* Clear-bank specialisations (see vm_internal.h). */
    for (uint32_t i = 0; i < f->instr_count; i++) {
        Ins *in = &fn->code[i];
        if (in->a >= SECRET_REGISTER_START) continue;
        switch (in->op) {
        case STF_OP_LDI: in->op = I_LDI_C; break;
        case STF_OP_MOV:
            if (in->b < SECRET_REGISTER_START) in->op = I_MOV_C;
            break;
        case STF_OP_ADD: in->op = I_ADD_C; break;
        case STF_OP_SUB: in->op = I_SUB_C; break;
        case STF_OP_MUL: in->op = I_MUL_C; break;
        case STF_OP_DIV: in->op = I_DIV_C; break;
        case STF_OP_MOD: in->op = I_MOD_C; break;
        default: break;
        }
    }

    /* Fuse CMP + conditional jump. */
    for (uint32_t i = 0; i + 1 < f->instr_count; i++) {
        if (fn->code[i].op != STF_OP_CMP) continue;
        int fused;
        switch (fn->code[i + 1].op) {
        case STF_OP_JMPEQ: fused = I_CMP_JMPEQ; break;
        case STF_OP_JMPNEQ: fused = I_CMP_JMPNEQ; break;
        case STF_OP_JMPLT: fused = I_CMP_JMPLT; break;
        case STF_OP_JMPGT: fused = I_CMP_JMPGT; break;
        default: continue;
        }
        fn->code[i].op = (uint8_t)fused;
        fn->code[i].x = fn->code[i + 1].x;
    }

    if (mark_appends(vm, f, fn) != ST_OK) return ST_ERR;
    /* Superinstructions, last: each pass looks for the forms made above. */
    int32_t *pending = pending_args(vm, f, fn);
    if (!pending) return vm_oom(vm);
    fuse_table_builtins(f, fn, pending);
    for (uint32_t i = 0; i < f->instr_count; i++)
        if (calls_builtin(f, fn, i, "create_closure")) fn->code[i].op = I_MKCL;
    fuse_calls_and_loops(L, f, fn, pending);
    vm_mem_free(vm, pending, ((size_t)f->instr_count + 1) * sizeof *pending);
    fuse_constant_loads(vm, f, fn);
    fuse_alu_pairs(f, fn);
    return ST_OK;
}

static Value const_value(Loader *L, const StfConst *k, bool *ok)
{
    *ok = true;
    switch (k->tag) {
    case STF_K_UNIT: return val_unit();
    case STF_K_I64:
    case STF_K_I32:
    case STF_K_I16:
    case STF_K_I8: return val_int((ValueType)k->tag, k->as.i);
    case STF_K_U8:
    case STF_K_U16:
    case STF_K_U32:
    case STF_K_U64: return val_uint((ValueType)k->tag, k->as.u);
    case STF_K_FLOAT: {
        double d;
        memcpy(&d, &k->as.u, sizeof d);
        return val_float(d);
    }
    case STF_K_BOOL: return val_bool(k->as.b != 0);
    case STF_K_STRING: {
        StString *s = heap_new_string(&L->vm->heap, k->as.str.s, k->as.str.len);
        if (!s) *ok = false;
        return s ? val_string(s) : val_unit();
    }
    default: *ok = false; return val_unit();
    }
}

static int select_functions(Loader *L)
{
    const StfProgram *p = L->prog;
    L->unique = vm_mem_alloc(L->vm, (size_t)p->func_count * sizeof(uint32_t));
    if (!L->unique || !name_index_init(L->vm, &L->unique_index, p->func_count)) return vm_oom(L->vm);
    for (uint32_t i = 0; i < p->func_count; i++) {
        const StfFunction *f = &p->funcs[i];
        uint32_t *slot = unique_slot(L, &f->name);
        if (*slot) {
            if (!stf_function_equal(f, &p->funcs[L->unique[*slot - 1]]))
                return vm_error(L->vm, "duplicate function '%s' has conflicting definitions", f->name.s);
            continue;
        }
        if (vm_find_function(L->vm, f->name.s, f->name.len) >= 0)
            return vm_error(L->vm, "Function '%s' is already registered", f->name.s);
        L->unique[L->nunique++] = i;
        *slot = L->nunique;
    }
    return ST_OK;
}

int translate_program(VM *vm, const StfProgram *prog)
{
    Loader L = { .vm = vm, .prog = prog, .const_base = vm->nconsts };
    uint32_t funcs_before = vm->nfuncs, consts_before = vm->nconsts;
    int rc = select_functions(&L);
    if (rc == ST_OK && prog->func_count == 0) rc = vm_error(vm, "compiled program contains no functions");
    for (uint32_t i = 0; rc == ST_OK && i < prog->const_count; i++) {
        bool ok;
        Value v = const_value(&L, &prog->consts[i], &ok);
        uint32_t slot;
        if (!ok)
            rc = prog->consts[i].tag > STF_K_STRING
                     ? vm_error(vm, "constant %u has unknown tag %u", i, prog->consts[i].tag)
                     : vm_oom(vm);
        else
            rc = vm_add_const(vm, v, &slot);
    }
    if (rc == ST_OK) rc = index_strings(&L);
    if (rc == ST_OK) {
        L.made = vm_mem_alloc(vm, (size_t)L.nunique * sizeof *L.made);
        if (!L.made) rc = vm_oom(vm);
    }
    for (uint32_t i = 0; rc == ST_OK && i < L.nunique; i++)
        rc = translate_function(&L, &prog->funcs[L.unique[i]], &L.made[i]);
    for (uint32_t i = 0; rc == ST_OK && i < L.nunique; i++) {
        rc = vm_add_function(vm, L.made[i]);
        if (rc == ST_OK) L.made[i] = NULL;
    }
    if (rc != ST_OK) {
        /* Undo: nothing of this program stays registered. */
        for (uint32_t i = 0; L.made && i < L.nunique; i++) vm_free_function(vm, L.made[i]);
        while (vm->nfuncs > funcs_before) {
            VmFunction *fn = vm->funcs[--vm->nfuncs];
            vm_free_function(vm, fn);
        }
        vm->nconsts = consts_before;
        vm->closure_hint = -1; /* indices past nfuncs are gone */
        vm->closure_hint_name = NULL;
        /* Rebuild the name map without the removed functions. */
        memset(vm->fn_map, 0, vm->fn_map_mask ? ((size_t)vm->fn_map_mask + 1) * sizeof(FnSlot) : 0);
        vm->fn_map_count = 0;
        uint32_t n = vm->nfuncs;
        vm->nfuncs = 0;
        for (uint32_t i = 0; i < n; i++) vm_add_function(vm, vm->funcs[i]);
    }
    vm_mem_free(vm, L.unique, (size_t)prog->func_count * sizeof(uint32_t));
    name_index_free(vm, &L.unique_index);
    vm_mem_free(vm, L.made, (size_t)L.nunique * sizeof *L.made);
    if (L.strs) vm_mem_free(vm, L.strs, ((size_t)L.strs_mask + 1) * sizeof *L.strs);
    return rc;
}

/* The manifest's declared client inputs (see VM.uint_inputs). */
static int note_uint_inputs(VM *vm, const StfProgram *prog)
{
    const StfManifest *m = &prog->manifest;
    size_t n = 0;
    for (uint32_t c = 0; prog->version >= 2 && c < m->client_count; c++) n += m->clients[c].input_count;
    if (!n) return ST_OK;
    size_t old = vm->n_uint_inputs, bytes = (old + n) * sizeof *vm->uint_inputs;
    void *t = realloc(vm->uint_inputs, bytes);
    if (!t) return vm_oom(vm);
    vm->uint_inputs = t;
    for (uint32_t c = 0; c < m->client_count; c++)
        for (uint32_t i = 0; i < m->clients[c].input_count; i++) {
            vm->uint_inputs[vm->n_uint_inputs].client = c;
            vm->uint_inputs[vm->n_uint_inputs].index = i;
            vm->uint_inputs[vm->n_uint_inputs].bits = m->clients[c].inputs[i].bits;
            vm->uint_inputs[vm->n_uint_inputs].tag = m->clients[c].inputs[i].tag;
            vm->n_uint_inputs++;
        }
    return ST_OK;
}

int vm_load_program(VM *vm, const StfProgram *prog)
{
    vm_clear_error(vm);
    int rc = translate_program(vm, prog);
    return rc == ST_OK ? note_uint_inputs(vm, prog) : rc;
}
