/* protect.c: catchable errors.
 *
 *   Error.raise(value)          fails with `value` as the error
 *   Error.pcall(f, args...)     calls f (closure or function name) and
 *                               returns {ok: true, value} or {ok: false,
 *                               error, function, instruction}
 *
 * Any VM error inside the call is caught (division by zero, type errors,
 * failing builtins, raised values, the call-depth limit).  Running out of
 * memory, the heap cap and the instruction budget end the whole run unless
 * the embedder set VmConfig.catch_limits: a program must not be able to
 * swallow the limits its host set.  Process.exit is never caught. */
#include <stdlib.h>
#include <string.h>

#include "core/format.h"
#include "process.h"

static int bi_raise(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc != 1) return vm_error(vm, "Error.raise expects 1 argument: the error value");
    vm->raised = args[0];
    vm->raised_set = true;
    StrBuf b;
    sb_init(&b);
    fmt_print(&b, args[0]);
    vm_error(vm, "%s", b.data ? b.data : "");
    sb_free(&b);
    return ST_ERR;
}

/* Errors a program may not catch (unless the embedder allows it).  The
 * message may carry builtin wrappers: look for the text anywhere. */
static bool is_limit(const char *msg)
{
    return msg && (strstr(msg, "Heap limit exceeded") || strstr(msg, "Instruction budget exhausted") ||
                   strstr(msg, "Out of memory"));
}

static int put(VM *vm, StObject *o, const char *key, Value v)
{
    StString *k = heap_new_string(&vm->heap, key, strlen(key));
    if (!k || !table_set(&vm->heap, &o->fields, val_string(k), v)) return vm_oom(vm);
    return ST_OK;
}

static int bi_pcall(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    if (argc < 1 || (args[0].type != VT_CLOSURE && args[0].type != VT_STRING))
        return vm_error(vm, "Error.pcall expects a closure or a function name, then its arguments");
    /* args points into the argument stack, which the call may move. */
    Value f = args[0];
    Value *copy = malloc((size_t)argc * sizeof *copy);
    if (!copy) return vm_oom(vm);
    memcpy(copy, args + 1, (size_t)(argc - 1) * sizeof *copy);
    vm->raised_set = false;
    Value v;
    int rc = vm_call_value(vm, f, copy, argc - 1, &v);
    free(copy);
    bool exiting = vm->procs && vm->procs->yield == PY_EXIT;
    bool limit = rc != ST_OK && is_limit(vm->err.message);
    if (rc != ST_OK && (exiting || (limit && !vm->cfg.catch_limits))) return ST_ERR;
    /* A caught heap cap: what the failed call made is garbage now, and the
     * report needs room.  Everything live is rooted (the caller's frames,
     * vm->raised), so collecting here is safe. */
    if (limit) heap_collect(&vm->heap);
    StObject *o = heap_new_object(&vm->heap);
    if (!o) return vm_oom(vm);
    *result = val_gc(VT_OBJECT, o);
    if (rc == ST_OK) return put(vm, o, "ok", val_bool(true)) != ST_OK ? ST_ERR : put(vm, o, "value", v);
    Value err, fname = val_unit();
    if (vm->raised_set) {
        err = vm->raised;
    } else {
        const char *m = vm->err.message ? vm->err.message : "unknown error";
        if (vm_new_string(vm, m, strlen(m), &err) != ST_OK) return ST_ERR;
    }
    if (vm->err.function && vm_new_string(vm, vm->err.function, strlen(vm->err.function), &fname) != ST_OK)
        return ST_ERR;
    int64_t at = vm->err.instr_index;
    vm->raised_set = false;
    vm->raised = val_unit();
    vm_clear_error(vm);
    if (put(vm, o, "ok", val_bool(false)) != ST_OK || put(vm, o, "error", err) != ST_OK ||
        put(vm, o, "function", fname) != ST_OK || put(vm, o, "instruction", val_i64(at)) != ST_OK)
        return ST_ERR;
    return ST_OK;
}

int protect_register(VM *vm)
{
    if (vm_register_native(vm, "Error.raise", bi_raise, NULL) != ST_OK ||
        vm_register_native(vm, "Error.pcall", bi_pcall, NULL) != ST_OK)
        return ST_ERR;
    return ST_OK;
}
