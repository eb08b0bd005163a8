/* vm.c: VM lifecycle, function table, frames, errors, GC roots, entry. */
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "objects.h"
#include "process.h"

/* ---- errors ------------------------------------------------------------------ */

int vm_verror(VM *vm, const char *fmt, va_list ap)
{
    char buf[VM_MAX_ERROR_LEN];
    vsnprintf(buf, sizeof buf, fmt, ap);
    free(vm->err.message);
    vm->err.message = strdup(buf);
    return ST_ERR;
}

int vm_error(VM *vm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vm_verror(vm, fmt, ap);
    va_end(ap);
    return ST_ERR;
}

int vm_oom(VM *vm)
{
    if (vm->heap.limit && vm->heap.bytes >= vm->heap.limit / 2)
        return vm_error(vm, "Heap limit exceeded (%zu bytes)", vm->heap.limit);
    return vm_error(vm, "Out of memory");
}

const VmError *vm_last_error(const VM *vm) { return &vm->err; }

void vm_clear_error(VM *vm)
{
    free(vm->err.message);
    free(vm->err.function);
    vm->err.message = NULL;
    vm->err.function = NULL;
    vm->err.instr_index = -1;
}

Heap *vm_heap(VM *vm) { return &vm->heap; }

void vm_write(VM *vm, const char *text, size_t len)
{
    if (vm->cfg.write)
        vm->cfg.write(vm->cfg.write_ud, text, len);
    else
        fwrite(text, 1, len, stdout);
}

int vm_new_string(VM *vm, const char *s, size_t len, Value *out)
{
    StString *str = heap_new_string(&vm->heap, s, len);
    if (!str) return vm_oom(vm);
    *out = val_string(str);
    return ST_OK;
}

/* ---- the VM's own buffers -------------------------------------------------- */

/* Through the configured allocator (so failure injection reaches them) but
 * not counted as heap: they are no GC objects and never collectable. */
void *vm_mem_alloc(VM *vm, size_t size)
{
    void *p = vm->heap.alloc(vm->heap.alloc_ud, NULL, 0, size ? size : 1);
    if (p) memset(p, 0, size);
    return p;
}

void vm_mem_free(VM *vm, void *p, size_t size)
{
    if (p) vm->heap.alloc(vm->heap.alloc_ud, p, size ? size : 1, 0);
}

/* ---- growable arrays of the VM (plain allocator, accounted) ----------------- */

/* Doubles the capacity up to need, but never past max (>= need). */
static bool grow_upto(VM *vm, void **ptr, uint32_t *cap, uint32_t need, size_t elem, uint64_t max)
{
    if (need <= *cap) return true;
    uint64_t ncap = *cap ? *cap : 8;
    while (ncap < need) ncap *= 2;
    if (ncap > max) ncap = max;
    if (ncap > UINT32_MAX) return false;
    void *p = heap_realloc(&vm->heap, *ptr, (size_t)*cap * elem, (size_t)ncap * elem);
    if (!p) return false;
    *ptr = p;
    *cap = (uint32_t)ncap;
    return true;
}

static bool grow(VM *vm, void **ptr, uint32_t *cap, uint32_t need, size_t elem)
{
    return grow_upto(vm, ptr, cap, need, elem, UINT32_MAX);
}

/* ---- GC roots -------------------------------------------------------------------- */

static void mark_roots(Heap *h, void *ud)
{
    VM *vm = ud;
    for (uint32_t i = 0; i < vm->stack_top; i++) heap_mark_value(h, vm->stack[i]);
    /* Above the top lie dead frames' registers, which calls may reuse
     * without clearing (VmFunction.init_mask): clear them now, so no stale
     * value outlives the object it points to. */
    for (uint32_t i = vm->stack_top; i < vm->stack_cap; i++) vm->stack[i] = val_unit();
    for (uint32_t i = 0; i < vm->nargs; i++) heap_mark_value(h, vm->args[i]);
    for (uint32_t i = 0; i < vm->nframes; i++) {
        Frame *f = &vm->frames[i];
        if (f->closure) heap_mark_object(h, &f->closure->gc);
        for (uint32_t j = 0; j < f->spill_len; j++) heap_mark_value(h, f->spill[j]);
    }
    for (uint32_t i = 0; i < vm->nconsts; i++) heap_mark_value(h, vm->consts[i]);
    for (uint32_t i = 0; i < vm->nnames; i++) heap_mark_object(h, &vm->names[i]->gc);
    for (uint32_t i = 0; i < vm->nfuncs; i++) {
        VmFunction *fn = vm->funcs[i];
        heap_mark_object(h, &fn->name->gc);
        for (uint32_t j = 0; j < fn->nparams; j++) heap_mark_object(h, &fn->params[j]->gc);
        for (uint32_t j = 0; j < fn->nupvalues; j++) heap_mark_object(h, &fn->upvalues[j]->gc);
    }
    for (uint32_t i = 0; i < vm->nmethods; i++) {
        heap_mark_object(h, &vm->methods[i].receiver->gc);
        heap_mark_object(h, &vm->methods[i].method->gc);
        heap_mark_object(h, &vm->methods[i].full->gc);
    }
    for (uint32_t i = 0; i < vm->npins; i++) heap_mark_value(h, vm->pins[i]);
    heap_mark_value(h, vm->last_result);
    if (vm->closure_hint_name) heap_mark_object(h, &vm->closure_hint_name->gc);
    mpcvm_mark(vm);
    process_mark(vm);
    heap_mark_value(h, vm->raised);
}

/* ---- lifecycle --------------------------------------------------------------------- */

VM *vm_new(const VmConfig *config)
{
    VM *vm = calloc(1, sizeof *vm);
    if (!vm) return NULL;
    if (config) vm->cfg = *config;
    const char *nf = getenv("STOFFEL_NO_FUSION");
    if (nf && *nf && strcmp(nf, "0") != 0) vm->cfg.no_fusion = true;
    heap_init(&vm->heap, vm->cfg.alloc, vm->cfg.alloc_ud);
    vm->heap.mark_roots = mark_roots;
    vm->heap.roots_ud = vm;
    vm->max_depth = vm->cfg.max_call_depth ? vm->cfg.max_call_depth : VM_DEFAULT_MAX_CALL_DEPTH;
    vm->err.instr_index = -1;
    vm->next_hook_id = 1;
    vm->closure_hint = -1;
    vm->last_result = val_unit();
    if (stdlib_register(vm) != ST_OK || closures_register(vm) != ST_OK || process_register(vm) != ST_OK ||
        protect_register(vm) != ST_OK || objects_register(vm) != ST_OK) {
        vm_free(vm);
        return NULL;
    }
    /* Limit only the program's heap, not the builtins' own setup. */
    heap_set_limit(&vm->heap, vm->cfg.heap_limit);
    return vm;
}

void vm_free_function(VM *vm, VmFunction *fn)
{
    if (!fn) return;
    if (fn->code) heap_realloc(&vm->heap, fn->code, ((size_t)fn->code_len + 1) * sizeof(Ins), 0);
    heap_realloc(&vm->heap, fn->params, (size_t)fn->nparams * sizeof(StString *), 0);
    heap_realloc(&vm->heap, fn->upvalues, (size_t)fn->nupvalues * sizeof(StString *), 0);
    if (fn->owns_source && fn->source) {
        for (uint32_t i = 0; i < fn->code_len; i++) free(fn->source[i].name.s);
        vm_mem_free(vm, fn->source, ((size_t)fn->code_len + 1) * sizeof(StfInstr));
    }
    heap_realloc(&vm->heap, fn, sizeof *fn, 0);
}

void vm_free(VM *vm)
{
    if (!vm) return;
    process_free(vm);
    for (uint32_t i = 0; i < vm->nfuncs; i++) vm_free_function(vm, vm->funcs[i]);
    for (uint32_t i = 0; i < vm->nframes; i++)
        heap_realloc(&vm->heap, vm->frames[i].spill, (size_t)vm->frames[i].spill_cap * sizeof(Value), 0);
    heap_realloc(&vm->heap, vm->funcs, (size_t)vm->funcs_cap * sizeof(VmFunction *), 0);
    heap_realloc(&vm->heap, vm->fn_map, vm->fn_map_mask ? ((size_t)vm->fn_map_mask + 1) * sizeof(FnSlot) : 0, 0);
    heap_realloc(&vm->heap, vm->methods, (size_t)vm->methods_cap * sizeof(MethodEntry), 0);
    heap_realloc(&vm->heap, vm->consts, (size_t)vm->consts_cap * sizeof(Value), 0);
    heap_realloc(&vm->heap, vm->names, (size_t)vm->names_cap * sizeof(StString *), 0);
    heap_realloc(&vm->heap, vm->names_map, vm->names_map_mask ? ((size_t)vm->names_map_mask + 1) * sizeof(FnSlot) : 0,
                 0);
    heap_realloc(&vm->heap, vm->stack, (size_t)vm->stack_cap * sizeof(Value), 0);
    heap_realloc(&vm->heap, vm->frames, (size_t)vm->frames_cap * sizeof(Frame), 0);
    heap_realloc(&vm->heap, vm->args, (size_t)vm->args_cap * sizeof(Value), 0);
    heap_realloc(&vm->heap, vm->pins, (size_t)vm->pins_cap * sizeof(Value), 0);
    heap_realloc(&vm->heap, vm->hooks, (size_t)vm->hooks_cap * sizeof(Hook), 0);
    mpcvm_free(vm);
    free(vm->uint_inputs);
    heap_free_all(&vm->heap);
    vm_clear_error(vm);
    free(vm);
}

/* ---- function table ------------------------------------------------------------------ */

int32_t vm_find_function(VM *vm, const char *name, size_t len)
{
    if (!vm->fn_map_mask) return -1;
    for (uint32_t i = bytes_hash(name, len) & vm->fn_map_mask;; i = (i + 1) & vm->fn_map_mask) {
        FnSlot *s = &vm->fn_map[i];
        if (!s->name) return -1;
        if (s->name->len == len && memcmp(s->name->chars, name, len) == 0) return s->index;
    }
}

VmFunction *vm_function_at(VM *vm, int32_t index)
{
    return index >= 0 && (uint32_t)index < vm->nfuncs ? vm->funcs[index] : NULL;
}

/* The registered or loaded function whose name is closest to `name`, for
 * "did you mean" (a cold path: errors and the load-time check). */
const char *vm_suggest_function(VM *vm, const char *name)
{
    const char **names = malloc((vm->nfuncs ? vm->nfuncs : 1) * sizeof *names);
    if (!names) return NULL;
    for (uint32_t i = 0; i < vm->nfuncs; i++) names[i] = vm->funcs[i]->name->chars;
    const char *s = fmt_suggest(name, names, vm->nfuncs);
    free(names);
    return s;
}

static bool str_is(const StString *s, const char *p, size_t len);

/* A method name without a dot resolves by the receiver's type at run time. */
static bool is_method_name(VM *vm, const char *name)
{
    for (uint32_t i = 0; i < vm->nmethods; i++)
        if (str_is(vm->methods[i].method, name, strlen(name))) return true;
    return false;
}

size_t vm_unresolved_calls(VM *vm, VmUnresolvedFn fn, void *ud)
{
    size_t count = 0;
    for (uint32_t f = 0; f < vm->nfuncs; f++) {
        const VmFunction *vf = vm->funcs[f];
        if (vf->is_native || !vf->source) continue;
        for (uint32_t i = 0; i < vf->code_len; i++) {
            const StfInstr *in = &vf->source[i];
            if (in->op != STF_OP_CALL || !in->name.s) continue;
            if (vm_find_function(vm, in->name.s, strlen(in->name.s)) >= 0) continue;
            if (!strchr(in->name.s, '.') && is_method_name(vm, in->name.s)) continue;
            count++;
            if (fn) fn(ud, vf->name->chars, i, in->name.s, vm_suggest_function(vm, in->name.s));
        }
    }
    return count;
}

static bool map_insert(FnSlot *map, uint32_t mask, StString *name, int32_t index)
{
    uint32_t i = bytes_hash(name->chars, name->len) & mask;
    while (map[i].name) i = (i + 1) & mask;
    map[i].name = name;
    map[i].index = index;
    return true;
}

/* Room in a name map (fn_map, names_map) for one more entry: doubles it
 * (rehashing) when it would pass half full. */
static int map_reserve(VM *vm, FnSlot **map, uint32_t *mask, uint32_t count)
{
    if ((count + 1) * 2 <= *mask) return ST_OK;
    uint32_t size = *mask ? (*mask + 1) * 2 : 256;
    FnSlot *m = heap_realloc(&vm->heap, NULL, 0, (size_t)size * sizeof(FnSlot));
    if (!m) return vm_oom(vm);
    memset(m, 0, (size_t)size * sizeof(FnSlot));
    for (uint32_t i = 0; *mask && i <= *mask; i++)
        if ((*map)[i].name) map_insert(m, size - 1, (*map)[i].name, (*map)[i].index);
    heap_realloc(&vm->heap, *map, *mask ? ((size_t)*mask + 1) * sizeof(FnSlot) : 0, 0);
    *map = m;
    *mask = size - 1;
    return ST_OK;
}

/* Adds fn under fn->name; the caller has checked the name is free. */
int vm_add_function(VM *vm, VmFunction *fn)
{
    if (!grow(vm, (void **)&vm->funcs, &vm->funcs_cap, vm->nfuncs + 1, sizeof(VmFunction *))) return vm_oom(vm);
    if (map_reserve(vm, &vm->fn_map, &vm->fn_map_mask, vm->fn_map_count) != ST_OK) return ST_ERR;
    map_insert(vm->fn_map, vm->fn_map_mask, fn->name, (int32_t)vm->nfuncs);
    vm->fn_map_count++;
    vm->funcs[vm->nfuncs++] = fn;
    return ST_OK;
}

int vm_register_native(VM *vm, const char *name, NativeFn native, void *ud)
{
    size_t len = strlen(name);
    if (vm_find_function(vm, name, len) >= 0) return vm_error(vm, "Function '%s' is already registered", name);
    VmFunction *fn = heap_realloc(&vm->heap, NULL, 0, sizeof *fn);
    if (!fn) return vm_oom(vm);
    memset(fn, 0, sizeof *fn);
    fn->name = heap_new_string(&vm->heap, name, len);
    if (!fn->name) {
        heap_realloc(&vm->heap, fn, sizeof *fn, 0);
        return vm_oom(vm);
    }
    fn->is_native = true;
    fn->native = native;
    fn->native_ud = ud;
    if (vm_add_function(vm, fn) != ST_OK) {
        heap_realloc(&vm->heap, fn, sizeof *fn, 0);
        return ST_ERR;
    }
    return ST_OK;
}

int vm_replace_native(VM *vm, const char *name, NativeFn native, void *ud)
{
    int32_t idx = vm_find_function(vm, name, strlen(name));
    if (idx < 0 || !vm->funcs[idx]->is_native) return vm_error(vm, "No builtin named '%s' to replace", name);
    vm->funcs[idx]->native = native;
    vm->funcs[idx]->native_ud = ud;
    return ST_OK;
}

int vm_attach_mpc(VM *vm, struct MpcEngine *engine)
{
    if (!engine) return vm_error(vm, "No MPC engine given");
    if (vm->mpc) return vm_error(vm, "An MPC engine is already attached");
    vm->mpc = engine;
    if (mpc_builtins_register(vm) != ST_OK) {
        vm->mpc = NULL;
        return ST_ERR;
    }
    return ST_OK;
}

struct MpcEngine *vm_mpc(const VM *vm) { return vm->mpc; }

bool vm_charge_memory(void *vm, size_t old_bytes, size_t new_bytes)
{
    return heap_charge(&((VM *)vm)->heap, old_bytes, new_bytes);
}

int vm_register_method(VM *vm, const char *receiver_type, const char *method)
{
    if (!grow(vm, (void **)&vm->methods, &vm->methods_cap, vm->nmethods + 1, sizeof(MethodEntry))) return vm_oom(vm);
    size_t rl = strlen(receiver_type), ml = strlen(method);
    char *full = malloc(rl + ml + 2);
    if (!full) return vm_oom(vm);
    memcpy(full, receiver_type, rl);
    full[rl] = '.';
    memcpy(full + rl + 1, method, ml + 1);
    MethodEntry *m = &vm->methods[vm->nmethods];
    m->receiver = heap_new_string(&vm->heap, receiver_type, rl);
    m->method = heap_new_string(&vm->heap, method, ml);
    m->full = heap_new_string(&vm->heap, full, rl + ml + 1);
    free(full);
    if (!m->receiver || !m->method || !m->full) return vm_oom(vm);
    vm->nmethods++;
    return ST_OK;
}

/* Runtime type of a receiver for method dispatch (spec §4.12). */
static const char *receiver_type(VM *vm, Value v, size_t *len)
{
    if (v.type == VT_OBJECT) {
        StString *key = heap_new_string(&vm->heap, "__type", 6);
        Value t;
        if (key && table_get(&v.as.obj->fields, val_string(key), &t) && t.type == VT_STRING) {
            *len = t.as.str->len;
            return t.as.str->chars;
        }
    }
    const char *name = v.type == VT_SHARE ? "Share" : val_type_name((ValueType)v.type);
    *len = strlen(name);
    return name;
}

static bool str_is(const StString *s, const char *p, size_t len)
{
    return s->len == len && memcmp(s->chars, p, len) == 0;
}

int32_t vm_resolve_call(VM *vm, StString *name, const Value *args, uint32_t argc)
{
    const char *dot = memchr(name->chars, '.', name->len);
    if (dot) {
        size_t tlen = (size_t)(dot - name->chars);
        const char *meth = dot + 1;
        size_t mlen = name->len - tlen - 1;
        for (uint32_t i = 0; i < vm->nmethods; i++) {
            MethodEntry *m = &vm->methods[i];
            if (!str_is(m->receiver, name->chars, tlen) || !str_is(m->method, meth, mlen)) continue;
            if (argc == 0) {
                vm_error(vm, "Method '%s' requires a receiver argument", name->chars);
                return -1;
            }
            size_t rlen;
            const char *rt = receiver_type(vm, args[0], &rlen);
            if (rlen != tlen || memcmp(rt, name->chars, tlen) != 0) {
                vm_error(vm, "Method '%.*s' expected receiver type '%.*s', got '%.*s'", (int)mlen, meth, (int)tlen,
                         name->chars, (int)rlen, rt);
                return -1;
            }
            break;
        }
    }
    int32_t idx = vm_find_function(vm, name->chars, name->len);
    if (idx >= 0) return idx;
    if (!dot) {
        bool any = false;
        for (uint32_t i = 0; i < vm->nmethods; i++) {
            MethodEntry *m = &vm->methods[i];
            if (!str_is(m->method, name->chars, name->len)) continue;
            any = true;
            if (argc == 0) continue;
            size_t rlen;
            const char *rt = receiver_type(vm, args[0], &rlen);
            if (str_is(m->receiver, rt, rlen)) {
                idx = vm_find_function(vm, m->full->chars, m->full->len);
                if (idx >= 0) return idx;
            }
        }
        if (any) {
            size_t rlen = 3;
            const char *rt = argc ? receiver_type(vm, args[0], &rlen) : "nil";
            vm_error(vm, "Method '%s' not found for receiver type '%.*s'", name->chars, (int)rlen, rt);
            return -1;
        }
    }
    const char *near = vm_suggest_function(vm, name->chars);
    if (near)
        vm_error(vm, "Function '%s' not found; did you mean '%s'?", name->chars, near);
    else
        vm_error(vm, "Function '%s' not found", name->chars);
    return -1;
}

/* ---- constants and names ---------------------------------------------------------- */

int vm_add_const(VM *vm, Value v, uint32_t *out)
{
    if (!grow(vm, (void **)&vm->consts, &vm->consts_cap, vm->nconsts + 1, sizeof(Value))) return vm_oom(vm);
    *out = vm->nconsts;
    vm->consts[vm->nconsts++] = v;
    return ST_OK;
}

int vm_intern_name(VM *vm, const char *s, size_t len, uint32_t *out)
{
    for (uint32_t i = vm->names_map_mask ? bytes_hash(s, len) & vm->names_map_mask : 0;
         vm->names_map_mask && vm->names_map[i].name; i = (i + 1) & vm->names_map_mask) {
        if (str_is(vm->names_map[i].name, s, len)) {
            *out = (uint32_t)vm->names_map[i].index;
            return ST_OK;
        }
    }
    if (!grow(vm, (void **)&vm->names, &vm->names_cap, vm->nnames + 1, sizeof(StString *)) ||
        map_reserve(vm, &vm->names_map, &vm->names_map_mask, vm->nnames) != ST_OK)
        return vm_oom(vm);
    StString *str = heap_new_string(&vm->heap, s, len);
    if (!str) return vm_oom(vm);
    *out = vm->nnames;
    map_insert(vm->names_map, vm->names_map_mask, str, (int32_t)vm->nnames);
    vm->names[vm->nnames++] = str;
    return ST_OK;
}

/* ---- frames -------------------------------------------------------------------------- */

int vm_grow_stack(VM *vm, uint32_t need)
{
    if (need <= vm->stack_cap) return ST_OK;
    size_t max_bytes = vm->cfg.max_stack_bytes ? vm->cfg.max_stack_bytes : VM_MAX_STACK_BYTES;
    size_t max = max_bytes / sizeof(Value);
    if (need > max)
        return vm_error(vm, "Register stack limit exceeded (%zu bytes, at %u frames)", max_bytes, vm->nframes);
    Value *old = vm->stack;
    uint32_t old_cap = vm->stack_cap;
    if (!grow_upto(vm, (void **)&vm->stack, &vm->stack_cap, need, sizeof(Value), max)) return vm_oom(vm);
    /* Calls leave registers nobody reads as they find them (init_mask):
     * the stack must only ever hold Unit or live objects. */
    for (uint32_t i = old_cap; i < vm->stack_cap; i++) vm->stack[i] = val_unit();
    if (vm->stack != old)
        for (uint32_t i = 0; i < vm->nframes; i++) vm->frames[i].regs = vm->stack + vm->frames[i].base;
    return ST_OK;
}

Frame *vm_current_frame(VM *vm) { return vm->nframes ? &vm->frames[vm->nframes - 1] : NULL; }
uint32_t vm_call_depth(const VM *vm) { return vm->nframes; }

int vm_store_secret(VM *vm, Value *slot, uint32_t reg, Value v)
{
    if (v.type == VT_SHARE || v.type == VT_UNIT) {
        *slot = v;
        return ST_OK;
    }
    StShare *sh;
    if (vm->mpc && v.type == VT_OBJECT && mpcvm_unwrap(vm, v, &sh)) {
        *slot = mpcvm_has_commitments(vm, v) ? v : val_gc(VT_SHARE, sh);
        return ST_OK;
    }
    if (!vm->mpc)
        return vm_error(vm, "Cannot write clear %s value directly to secret register r%u: MPC engine not configured",
                        val_type_name((ValueType)v.type), reg);
    return mpcvm_share_clear(vm, v, reg, slot);
}

/* Push a frame for a bytecode function and bind its arguments.  The
 * parameter values are also kept after the registers: they are the
 * activation's "locals" that upvalue lookup searches (spec §5.2). */
int vm_push_frame(VM *vm, VmFunction *fn, const Value *args, uint32_t argc, StClosure *closure)
{
    if (argc != fn->nparams)
        return vm_error(vm, "Function %s expects %u arguments but got %u", fn->name->chars, fn->nparams, argc);
    if (vm->nframes >= vm->max_depth) return vm_error(vm, "Call depth limit exceeded (%u frames)", vm->max_depth);
    uint32_t base = vm->stack_top;
    uint32_t size = fn->nregs + fn->nparams;
    /* args may point into vm->args, which the stack growth does not move. */
    if (vm_grow_stack(vm, base + size) != ST_OK) return ST_ERR;
    if (!grow(vm, (void **)&vm->frames, &vm->frames_cap, vm->nframes + 1, sizeof(Frame))) return vm_oom(vm);
    Value *regs = vm->stack + base;
    for (uint32_t i = 0; i < fn->nregs; i++) regs[i] = val_unit();
    for (uint32_t i = 0; i < argc; i++) {
        regs[fn->nregs + i] = args[i];
        if (i < SECRET_REGISTER_START)
            regs[i] = args[i];
        else if (vm_store_secret(vm, &regs[i], i, args[i]) != ST_OK)
            return ST_ERR;
    }
    Frame *f = &vm->frames[vm->nframes++];
    memset(f, 0, sizeof *f);
    f->fn = fn;
    f->regs = regs;
    f->base = base;
    f->arg_base = vm->nargs;
    f->closure = closure;
    vm->stack_top = base + size;
    return ST_OK;
}

/* Pop the top frame (its registers die with it). */
static void pop_frame(VM *vm)
{
    Frame *f = &vm->frames[--vm->nframes];
    if (f->spill_cap) heap_realloc(&vm->heap, f->spill, (size_t)f->spill_cap * sizeof(Value), 0);
    vm->stack_top = f->base;
    vm->nargs = f->arg_base;
}

bool vm_find_upvalue(VM *vm, StString *name, Value *out)
{
    for (uint32_t i = vm->nframes; i-- > 0;) {
        Frame *f = &vm->frames[i];
        VmFunction *fn = f->fn;
        for (uint32_t p = 0; p < fn->nparams; p++) {
            const StString *pn = fn->params[p];
            if (pn == name || (pn->len == name->len && memcmp(pn->chars, name->chars, name->len) == 0)) {
                *out = f->regs[fn->nregs + p];
                return true;
            }
        }
        if (f->closure) {
            for (uint32_t u = 0; u < f->closure->upvalue_count; u++) {
                StString *n = f->closure->upvalues[u].name;
                if (n->len == name->len && memcmp(n->chars, name->chars, name->len) == 0) {
                    *out = f->closure->upvalues[u].value;
                    return true;
                }
            }
        }
    }
    return false;
}

/* ---- entry ------------------------------------------------------------------------------ */

static int entry_upvalue_error(VM *vm, VmFunction *fn)
{
    StrBuf b;
    sb_init(&b);
    sb_putc(&b, '[');
    for (uint32_t i = 0; i < fn->nupvalues; i++) {
        if (i) sb_puts(&b, ", ");
        sb_printf(&b, "\"%s\"", fn->upvalues[i]->chars);
    }
    sb_putc(&b, ']');
    vm_error(vm, "Cannot execute function %s as an entry point because it requires captured upvalues: %s",
             fn->name->chars, b.data ? b.data : "[]");
    sb_free(&b);
    return ST_ERR;
}

uint32_t vm_host_calls(const VM *vm) { return vm->host_calls; }

static int execute(VM *vm, const char *name, const Value *args, uint32_t argc, Value *result);

int vm_execute(VM *vm, const char *name, const Value *args, uint32_t argc, Value *result)
{
    if (vm->host_calls >= VM_MAX_HOST_CALLS) {
        *result = val_unit();
        return vm_error(vm,
                        "too many nested calls into the VM from foreign functions (limit %u): '%s' "
                        "not called",
                        VM_MAX_HOST_CALLS, name);
    }
    vm->host_calls++;
    int rc = execute(vm, name, args, argc, result);
    vm->host_calls--;
    return rc;
}

static int execute(VM *vm, const char *name, const Value *args, uint32_t argc, Value *result)
{
    vm_clear_error(vm);
    *result = val_unit();
    int32_t idx = vm_find_function(vm, name, strlen(name));
    if (idx < 0) return vm_error(vm, "Function %s not found", name);
    VmFunction *fn = vm->funcs[idx];
    uint32_t depth = vm->nframes, nargs = vm->nargs;
    int rc;
    /* A run inside a native's call cannot switch processes. */
    if (depth > 0)
        vm->run_nest++;
    else
        vm->reds_left = INT32_MAX; /* no processes yet: no slices */
    if (fn->is_native) {
        rc = vm_call_native(vm, fn, args, argc, result);
        if (rc == ST_FRAME_PUSHED) rc = vm_run(vm, depth, result);
    } else if (fn->nupvalues) {
        rc = entry_upvalue_error(vm, fn);
    } else {
        /* The budget covers an outermost call, nested calls from natives included. */
        if (depth == 0) {
            vm->budget_left = vm->cfg.instruction_budget;
            vm->budget_on = vm->cfg.instruction_budget != 0;
        }
        rc = vm_push_frame(vm, fn, args, argc, NULL);
        if (rc == ST_OK) rc = vm_run(vm, depth, result);
    }
    if (depth > 0) vm->run_nest--;
    /* The entry call made processes: run them all (process.c). */
    if (depth == 0 && vm->procs) rc = process_schedule(vm, rc, result);
    /* Pending secure multiplications finish inside the call that made them
     * (every party reaches this point in the same state). */
    if (rc == ST_OK && vm->mpc && depth == 0) rc = mpcvm_flush(vm);
    if (rc != ST_OK && vm->mpc) mpcvm_discard(vm);
    /* Whatever happened, leave the VM as it was before this call. */
    while (vm->nframes > depth) pop_frame(vm);
    vm->nargs = nargs;
    if (rc == ST_OK) vm->last_result = *result;
    if (depth == 0) process_free(vm);
    return rc == ST_OK ? ST_OK : ST_ERR;
}

void vm_pop_frame_internal(VM *vm) { pop_frame(vm); }

/* Register and stack tracing is a hook of its own (upstream's formats,
 * spec/vm-core.md §12): it sees exactly the events embedders' hooks see. */
static void trace_value(FILE *out, Value v)
{
    StrBuf b;
    sb_init(&b);
    fmt_debug(&b, v);
    fputs(b.data ? b.data : "", out);
    sb_free(&b);
}

static int trace_hook(VM *vm, const HookEvent *ev, void *ud)
{
    FILE *out = vm->trace;
    if (!out) return 0;
    bool regs = vm->trace_regs, stack = vm->trace_stack;
    const char *bank = ev->reg >= SECRET_REGISTER_START ? "secret" : "clear";
    uint32_t bi = ev->reg >= SECRET_REGISTER_START ? ev->reg - SECRET_REGISTER_START : ev->reg;
    switch (ev->kind) {
    case HOOK_REGISTER_READ:
    case HOOK_REGISTER_WRITE:
        if (!regs) return 0;
        fprintf(out, "[regs][depth %u][%s] R%u (%s[%u])", ev->depth, ev->function, ev->reg, bank, bi);
        if (ev->kind == HOOK_REGISTER_WRITE) {
            fputs(": ", out);
            trace_value(out, ev->old);
        }
        fputs(" -> ", out);
        trace_value(out, ev->value);
        break;
    case HOOK_STACK_PUSH:
    case HOOK_STACK_POP:
        if (!stack) return 0;
        fprintf(out, "[stack][depth %u][%s] %s ", ev->depth, ev->function,
                ev->kind == HOOK_STACK_PUSH ? "PUSH" : "POP ");
        trace_value(out, ev->value);
        break;
    case HOOK_BEFORE_CALL:
        if (!stack) return 0;
        fprintf(out, "[stack][depth %u] CALL <%sfunction %s> with [", ev->depth, ev->foreign ? "foreign " : "",
                ev->name ? ev->name : "");
        for (uint32_t i = 0; i < ev->argc; i++) {
            if (i) fputs(", ", out);
            trace_value(out, ev->args[i]);
        }
        fputc(']', out);
        break;
    case HOOK_AFTER_CALL:
        if (!stack) return 0;
        fprintf(out, "[stack][depth %u] RET  <%sfunction %s> => ", ev->depth, ev->foreign ? "foreign " : "",
                ev->name ? ev->name : "");
        trace_value(out, ev->value);
        break;
    default: return 0;
    }
    fputc('\n', out);
    return 0;
}

void vm_set_trace(VM *vm, FILE *out, bool instr, bool regs, bool stack)
{
    vm->trace = out;
    vm->trace_instr = instr;
    vm->trace_regs = out && regs;
    vm->trace_stack = out && stack;
    bool want = vm->trace_regs || vm->trace_stack;
    if (want && !vm->trace_hook_id) {
        int id = vm_register_hook(vm, NULL, trace_hook, NULL, INT32_MAX);
        vm->trace_hook_id = id > 0 ? id : 0;
    } else if (!want && vm->trace_hook_id) {
        vm_unregister_hook(vm, vm->trace_hook_id);
        vm->trace_hook_id = 0;
    }
}
