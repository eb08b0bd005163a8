/* closures.c: create_closure, call_closure, get_upvalue, set_upvalue
 * (spec/vm-core.md §5).
 *
 * Capture is by value, by name, at creation time, as upstream.  One
 * deliberate difference (docs/compat.md): a closure is one heap object and
 * set_upvalue updates that object in place, so every holder of the closure
 * (registers, arrays, objects) sees the new value.  Upstream instead copies
 * the closure and patches references in frame registers only. */
#include <string.h>

#include "vm_internal.h"

/* Does function `idx` exist and carry this name? */
static bool index_names(VM *vm, int32_t idx, const StString *name)
{
    if (idx < 0 || (uint32_t)idx >= vm->nfuncs) return false;
    const StString *n = vm->funcs[idx]->name;
    return n == name || (n->len == name->len && memcmp(n->chars, name->chars, n->len) == 0);
}

/* Function index for a closure's name: its own cache, then the VM's hint
 * (closures of one function are usually made in a row), then the table. */
static int32_t closure_target(VM *vm, StClosure *cl)
{
    if (index_names(vm, cl->func_index, cl->fname)) return cl->func_index;
    int32_t idx;
    /* The hint is reset whenever functions are removed (translate.c). */
    if (cl->fname == vm->closure_hint_name && vm->closure_hint >= 0) {
        idx = vm->closure_hint;
    } else {
        idx = vm_find_function(vm, cl->fname->chars, cl->fname->len);
        if (idx < 0) return idx;
        vm->closure_hint = idx;
        vm->closure_hint_name = cl->fname;
    }
    /* Share the function's own name string: later checks are pointer tests. */
    cl->fname = vm->funcs[idx]->name;
    cl->func_index = idx;
    return idx;
}

int vm_push_closure_frame(VM *vm, StClosure *cl, const Value *args, uint32_t argc)
{
    int32_t idx = closure_target(vm, cl);
    if (idx < 0) return vm_error(vm, "Function %s not found", cl->fname->chars);
    VmFunction *fn = vm->funcs[idx];
    if (fn->is_native) return vm_error(vm, "Cannot execute foreign function as closure: %s", fn->name->chars);
    if (vm_hooks_active(vm)) {
        HookEvent ev = { .kind = HOOK_BEFORE_CALL, .name = fn->name->chars, .args = args, .argc = argc };
        if (vm_fire_hook(vm, &ev) != ST_OK) return ST_ERR;
    }
    if (vm_push_frame(vm, fn, args, argc, cl) != ST_OK) return ST_ERR;
    return ST_FRAME_PUSHED;
}

/* The closure named args[0] capturing args[1..argc-1] (all strings, as
 * the caller checked); NULL with *missing = the upvalue not found, or with
 * *missing = NULL when out of memory. */
static StClosure *build_closure(VM *vm, const Value *args, uint32_t argc, StString **missing)
{
    *missing = NULL;
    StClosure *cl = heap_new_closure(&vm->heap, args[0].as.str, argc - 1);
    if (!cl) return NULL;
    for (uint32_t i = 1; i < argc; i++) {
        cl->upvalues[i - 1].name = args[i].as.str;
        if (!vm_find_upvalue(vm, args[i].as.str, &cl->upvalues[i - 1].value)) {
            *missing = args[i].as.str;
            return NULL;
        }
    }
    (void)closure_target(vm, cl); /* the function need not exist yet */
    return cl;
}

bool closures_try_make(VM *vm, const Value *args, uint32_t argc, Value *result)
{
    if (argc < 1) return false;
    for (uint32_t i = 0; i < argc; i++)
        if (args[i].type != VT_STRING) return false;
    StString *missing;
    StClosure *cl = build_closure(vm, args, argc, &missing);
    if (!cl) return false;
    *result = val_gc(VT_CLOSURE, cl);
    return true;
}

static int create_closure(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    (void)ud;
    if (argc < 1 || args[0].type != VT_STRING) return vm_error(vm, "First argument must be a string");
    for (uint32_t i = 1; i < argc; i++)
        if (args[i].type != VT_STRING) return vm_error(vm, "Upvalue names must be strings");
    StString *missing;
    StClosure *cl = build_closure(vm, args, argc, &missing);
    if (!cl && missing) return vm_error(vm, "Could not find upvalue %s when creating closure", missing->chars);
    if (!cl) return vm_oom(vm);
    *result = val_gc(VT_CLOSURE, cl);
    if (vm_hooks_active(vm)) {
        /* The captured values are in the closure (event.value). */
        HookEvent ev = { .kind = HOOK_CLOSURE_CREATED, .name = cl->fname->chars, .value = *result, .argc = argc - 1 };
        if (vm_fire_hook(vm, &ev) != ST_OK) return ST_ERR;
    }
    return ST_OK;
}

static int call_closure(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    (void)ud;
    (void)result;
    if (argc < 1 || args[0].type != VT_CLOSURE)
        return vm_error(vm, "First argument must be a closure, but got %s",
                        argc ? val_type_name((ValueType)args[0].type) : "nothing");
    return vm_push_closure_frame(vm, args[0].as.closure, args + 1, argc - 1);
}

/* The innermost upvalue of the current activation named `name`. */
static Upvalue *current_upvalue(VM *vm, StString *name)
{
    Frame *f = vm_current_frame(vm);
    if (!f || !f->closure) return NULL;
    for (uint32_t i = f->closure->upvalue_count; i-- > 0;) {
        Upvalue *u = &f->closure->upvalues[i];
        if (u->name->len == name->len && memcmp(u->name->chars, name->chars, name->len) == 0) return u;
    }
    return NULL;
}

static int get_upvalue(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    (void)ud;
    if (argc != 1 || args[0].type != VT_STRING) return vm_error(vm, "get_upvalue expects 1 argument: name");
    Upvalue *u = current_upvalue(vm, args[0].as.str);
    if (!u) return vm_error(vm, "Upvalue '%s' not found", args[0].as.str->chars);
    *result = u->value;
    if (vm_hooks_active(vm)) {
        HookEvent ev = { .kind = HOOK_UPVALUE_READ, .name = u->name->chars, .value = u->value };
        if (vm_fire_hook(vm, &ev) != ST_OK) return ST_ERR;
    }
    return ST_OK;
}

static int set_upvalue(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    (void)ud;
    (void)result;
    if (argc != 2 || args[0].type != VT_STRING) return vm_error(vm, "set_upvalue expects 2 arguments: name and value");
    Upvalue *u = current_upvalue(vm, args[0].as.str);
    if (!u) return vm_error(vm, "Upvalue '%s' not found for writing", args[0].as.str->chars);
    Value old = u->value;
    u->value = args[1];
    if (vm_hooks_active(vm)) {
        HookEvent ev = { .kind = HOOK_UPVALUE_WRITE, .name = u->name->chars, .old = old, .value = args[1] };
        if (vm_fire_hook(vm, &ev) != ST_OK) return ST_ERR;
    }
    return ST_OK;
}

int closures_register(VM *vm)
{
    if (vm_register_native(vm, "create_closure", create_closure, NULL) != ST_OK ||
        vm_register_native(vm, "call_closure", call_closure, NULL) != ST_OK ||
        vm_register_native(vm, "get_upvalue", get_upvalue, NULL) != ST_OK ||
        vm_register_native(vm, "set_upvalue", set_upvalue, NULL) != ST_OK)
        return ST_ERR;
    return ST_OK;
}
