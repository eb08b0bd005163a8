/* stoffel_api.c: the native API (include/stoffel.h): lifecycle, errors,
 * loading, calls and foreign functions.  Slots, values and handles are in
 * stoffel_api_slots.c, hooks in stoffel_api_hooks.c. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytecode/load.h"
#include "bytecode/stfl.h"
#include "storage/kv.h"
#include "vm/stdlib_storage.h"
#include "vm/ffi.h"
#include "api_internal.h"

_Static_assert((int)STOFFEL_TYPE_SHARE == (int)VT_SHARE && (int)STOFFEL_TYPE_STRING == (int)VT_STRING &&
                   (int)STOFFEL_TYPE_U64 == (int)VT_U64 && (int)STOFFEL_TYPE_CLOSURE == (int)VT_CLOSURE,
               "StoffelType numbers are the internal value types");

/* ---- memory and errors -------------------------------------------------------- */

void *api_realloc(StoffelVM *S, void *ptr, size_t old_size, size_t new_size)
{
    if (S->cfg.alloc) return S->cfg.alloc(S->cfg.alloc_user_data, ptr, old_size, new_size);
    if (new_size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, new_size);
}

bool api_utf8(const char *s, size_t len) { return stfl_utf8_prefix((const uint8_t *)s, len) == len; }

void api_clear_error(StoffelVM *S)
{
    free(S->err_message);
    free(S->err_function);
    S->err_message = S->err_function = NULL;
    memset(&S->err, 0, sizeof S->err);
    S->err.result = STOFFEL_OK;
    S->err.message = "";
    S->err.instruction = -1;
    S->err.offset = -1;
}

static void report(StoffelVM *S)
{
    if (S->cfg.error && (S->err.result == STOFFEL_ERROR_LOAD || S->err.result == STOFFEL_ERROR_RUNTIME))
        S->cfg.error(S, S->err.result, S->err.function, S->err.instruction, S->err.message);
}

static StoffelResult vfail(StoffelVM *S, StoffelResult code, const char *fmt, va_list ap)
{
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    api_clear_error(S);
    S->err.result = code;
    S->err_message = strdup(buf);
    S->err.message = S->err_message ? S->err_message : "out of memory";
    return code;
}

StoffelResult api_fail(StoffelVM *S, StoffelResult code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(S, code, fmt, ap);
    va_end(ap);
    report(S);
    return code;
}

StoffelResult api_fail_runtime(StoffelVM *S)
{
    const VmError *e = vm_last_error(S->vm);
    api_clear_error(S);
    S->err.result = STOFFEL_ERROR_RUNTIME;
    S->err_message = strdup(e->message ? e->message : "unknown error");
    S->err.message = S->err_message ? S->err_message : "out of memory";
    if (e->function) {
        S->err_function = strdup(e->function);
        S->err.function = S->err_function;
    }
    S->err.instruction = e->instr_index;
    report(S);
    return STOFFEL_ERROR_RUNTIME;
}

static const StoffelError invalid_vm_error = { STOFFEL_ERROR_INVALID, "invalid VM (NULL)", NULL, -1, 0, 0, -1 };

const StoffelError *stoffel_last_error(const StoffelVM *S) { return S ? &S->err : &invalid_vm_error; }

StoffelResult stoffel_set_error(StoffelVM *S, const char *message)
{
    if (!S || !message) return STOFFEL_ERROR_INVALID;
    char *copy = strdup(message);
    if (!copy) return STOFFEL_ERROR_MEMORY;
    free(S->pending);
    S->pending = copy;
    return STOFFEL_OK;
}

const char *stoffel_result_name(StoffelResult r)
{
    switch (r) {
    case STOFFEL_OK: return "ok";
    case STOFFEL_ERROR_INVALID: return "invalid argument";
    case STOFFEL_ERROR_TYPE: return "type error";
    case STOFFEL_ERROR_RANGE: return "out of range";
    case STOFFEL_ERROR_NOT_FOUND: return "not found";
    case STOFFEL_ERROR_LOAD: return "load error";
    case STOFFEL_ERROR_RUNTIME: return "runtime error";
    case STOFFEL_ERROR_MEMORY: return "out of memory";
    case STOFFEL_ERROR_IO: return "i/o error";
    }
    return "unknown result";
}

/* ---- lifecycle ------------------------------------------------------------------- */

void stoffel_config_init(StoffelConfig *c)
{
    if (!c) return;
    memset(c, 0, sizeof *c);
    c->allow_ffi = 1;
}

size_t stoffel_default_heap_limit(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return 0;
    uint64_t bytes = (uint64_t)pages * (uint64_t)page / VM_DEFAULT_HEAP_DIVISOR;
    return bytes > SIZE_MAX ? SIZE_MAX : (size_t)bytes;
}

static void write_trampoline(void *ud, const char *text, size_t len)
{
    StoffelVM *S = ud;
    S->cfg.write(S, text, len);
}

StoffelVM *stoffel_new(const StoffelConfig *config)
{
    StoffelConfig cfg;
    if (config)
        cfg = *config;
    else
        stoffel_config_init(&cfg);
    StoffelVM *S = cfg.alloc ? cfg.alloc(cfg.alloc_user_data, NULL, 0, sizeof *S) : malloc(sizeof *S);
    if (!S) return NULL;
    memset(S, 0, sizeof *S);
    S->cfg = cfg;
    S->next_closure_id = 1;
    api_clear_error(S);

    VmConfig vc;
    memset(&vc, 0, sizeof vc);
    vc.alloc = cfg.alloc;
    vc.alloc_ud = cfg.alloc_user_data;
    if (cfg.write) {
        vc.write = write_trampoline;
        vc.write_ud = S;
    }
    vc.max_call_depth = cfg.max_call_depth;
    vc.instruction_budget = cfg.instruction_budget;
    vc.heap_limit = cfg.heap_limit;
    S->vm = vm_new(&vc);
    if (!S->vm || !api_ensure(S, 1)) {
        stoffel_free(S);
        return NULL;
    }
    if (!cfg.allow_ffi) ffi_disable(S->vm);
    return S;
}

void stoffel_free(StoffelVM *S)
{
    if (!S) return;
    /* From a foreign function or hook the VM is still running: freeing it
     * now would pull it out from under the interpreter.  Refused, and the
     * running call fails (api_check_free_refused). */
    if (S->vm && vm_host_calls(S->vm) > 0) {
        S->free_refused = true;
        api_fail(S, STOFFEL_ERROR_INVALID,
                 "stoffel_free: the VM is running (called from a foreign function or "
                 "hook); free it after the outermost call returned");
        return;
    }
    /* Finalizers of foreign objects run inside vm_free; they must not call
     * back, so the API tables can go after it. */
    vm_free(S->vm);
    S->vm = NULL;
    kv_close(S->local_store);
    api_free_slots(S);
    api_free_hooks(S);
    api_free_registry(S);
    for (ForeignRec *r = S->foreign, *next; r; r = next) {
        next = r->next;
        api_realloc(S, r, sizeof *r, 0);
    }
    api_clear_error(S);
    free(S->pending);
    api_realloc(S, S, sizeof *S, 0);
}

StoffelResult stoffel_open_local_store(StoffelVM *S, const char *path)
{
    if (!S || !path) return api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_open_local_store: no VM or no path");
    if (S->local_store) return api_fail(S, STOFFEL_ERROR_INVALID, "a local store is already open");
    char err[512];
    KvStore *kv = kv_open(path, err, sizeof err);
    if (!kv) return api_fail(S, STOFFEL_ERROR_INVALID, "%s", err);
    if (stdlib_storage_attach(S->vm, kv) != ST_OK) {
        kv_close(kv);
        return api_fail_runtime(S);
    }
    S->local_store = kv;
    return STOFFEL_OK;
}

int api_check_free_refused(StoffelVM *S)
{
    if (!S->free_refused) return ST_OK;
    S->free_refused = false;
    return vm_error(S->vm, "stoffel_free was called from a foreign function or hook while the VM was running; "
                           "refused");
}

StoffelVM *stoffel_from_handle(void *vm_handle) { return vm_handle; }

void *stoffel_get_user_data(const StoffelVM *S) { return S ? S->cfg.user_data : NULL; }

void stoffel_set_user_data(StoffelVM *S, void *user_data)
{
    if (S) S->cfg.user_data = user_data;
}

/* ---- loading ----------------------------------------------------------------------- */

static StoffelResult load_fail(StoffelVM *S, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static StoffelResult load_fail(StoffelVM *S, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(S, STOFFEL_ERROR_LOAD, fmt, ap);
    va_end(ap);
    return STOFFEL_ERROR_LOAD;
}

/* Register a parsed program, or report why its load failed. */
static StoffelResult finish_load(StoffelVM *S, StfLoadStatus st, StfProgram *prog, const StfLoadError *le,
                                 const char *name)
{
    if (st != STF_LOAD_OK) {
        load_fail(S, "%s", le->message);
        S->err.result = st == STF_LOAD_IO ? STOFFEL_ERROR_IO : STOFFEL_ERROR_LOAD;
        S->err.offset = le->offset;
        S->err.line = le->line;
        S->err.column = le->col;
        report(S);
        return S->err.result;
    }
    int rc = vm_load_program(S->vm, prog);
    stf_program_free(prog);
    if (rc != ST_OK) {
        const VmError *e = vm_last_error(S->vm);
        return api_fail(S, STOFFEL_ERROR_LOAD, "%s: %s", name, e->message ? e->message : "cannot register the program");
    }
    return STOFFEL_OK;
}

StoffelResult stoffel_load(StoffelVM *S, const void *data, size_t len, const char *name)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!data && len) return api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_load: data is NULL");
    api_clear_error(S);
    if (!name) name = "<memory>";
    StfProgram prog;
    StfLoadError le;
    StfLoadStatus st = stf_load_bytes(data, len, name, &prog, &le);
    return finish_load(S, st, &prog, &le, name);
}

StoffelResult stoffel_load_file(StoffelVM *S, const char *path)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!path) return api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_load_file: path is NULL");
    api_clear_error(S);
    StfProgram prog;
    StfLoadError le;
    StfLoadStatus st = stf_load_file(path, &prog, &le);
    return finish_load(S, st, &prog, &le, path);
}

/* ---- calls -------------------------------------------------------------------------- */

int stoffel_has_function(StoffelVM *S, const char *name)
{
    return S && name && vm_find_function(S->vm, name, strlen(name)) >= 0;
}

StoffelResult stoffel_call(StoffelVM *S, const char *function, int argc)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!function) return api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_call: function name is NULL");
    if (S->in_hook) return api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_call: cannot call into the VM from a hook");
    uint32_t have = S->top - S->base;
    if (argc < 0 || (uint32_t)argc + 1 > have)
        return api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_call: %d arguments need %lld slots, the window has %u", argc,
                        (long long)argc + 1, have);
    api_clear_error(S);
    if (vm_find_function(S->vm, function, strlen(function)) < 0)
        return api_fail(S, STOFFEL_ERROR_NOT_FOUND, "Function %s not found", function);
    Value small[8];
    Value *args = small;
    if ((size_t)argc > sizeof small / sizeof small[0]) {
        args = malloc((size_t)argc * sizeof *args);
        if (!args) return api_fail(S, STOFFEL_ERROR_MEMORY, "out of memory");
    }
    for (int i = 0; i < argc; i++) args[i] = api_slot_get(S, (uint32_t)i + 1);
    Value result;
    int rc = vm_execute(S->vm, function, args, (uint32_t)argc, &result);
    if (args != small) free(args);
    if (rc != ST_OK) return api_fail_runtime(S);
    api_slot_set(S, 0, result);
    return STOFFEL_OK;
}

/* Calls a stoffel.h foreign function: a fresh window with the arguments in
 * slots 1..argc, the result read from slot 0. */
static int foreign_trampoline(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    ForeignRec *r = ud;
    StoffelVM *S = r->S;
    if (argc > INT_MAX - 1) return vm_error(vm, "too many arguments (%u)", argc);
    SlotWindow saved;
    if (!api_push_window(S, argc + 1, &saved)) return vm_oom(vm);
    for (uint32_t i = 0; i < argc; i++) api_slot_set(S, i + 1, args[i]);
    char *outer_pending = S->pending;
    S->pending = NULL;
    int rc = r->fn(S, (int)argc, r->user_data);
    Value out = api_slot_get(S, 0);
    api_pop_window(S, &saved);
    if (rc != 0) {
        if (S->pending)
            vm_error(vm, "%s", S->pending);
        else
            vm_error(vm, "Foreign function returned error code: %d", rc);
    }
    free(S->pending);
    S->pending = outer_pending;
    if (rc != 0) return ST_ERR;
    if (api_check_free_refused(S) != ST_OK) return ST_ERR;
    *result = out; /* the interpreter stores it before its next safe point */
    return ST_OK;
}

StoffelResult stoffel_register_function(StoffelVM *S, const char *name, StoffelForeignFn fn, void *user_data)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (!name || !fn)
        return api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_register_function: %s is NULL", name ? "fn" : "name");
    size_t len = strlen(name);
    if (len == 0 || !api_utf8(name, len))
        return api_fail(S, STOFFEL_ERROR_INVALID, "function name must be non-empty UTF-8");
    if (vm_find_function(S->vm, name, len) >= 0)
        return api_fail(S, STOFFEL_ERROR_INVALID, "Function '%s' is already registered", name);
    ForeignRec *r = api_realloc(S, NULL, 0, sizeof *r);
    if (!r) return api_fail(S, STOFFEL_ERROR_MEMORY, "out of memory");
    memset(r, 0, sizeof *r);
    r->S = S;
    r->fn = fn;
    r->user_data = user_data;
    if (vm_register_native(S->vm, name, foreign_trampoline, r) != ST_OK) {
        api_realloc(S, r, sizeof *r, 0);
        return api_fail(S, STOFFEL_ERROR_MEMORY, "%s",
                        vm_last_error(S->vm)->message ? vm_last_error(S->vm)->message : "out of memory");
    }
    r->next = S->foreign;
    S->foreign = r;
    return STOFFEL_OK;
}

/* ---- memory ------------------------------------------------------------------------------ */

StoffelResult stoffel_collect_garbage(StoffelVM *S)
{
    if (!S) return STOFFEL_ERROR_INVALID;
    if (S->in_hook) return api_fail(S, STOFFEL_ERROR_INVALID, "cannot collect garbage from a hook");
    heap_collect(vm_heap(S->vm));
    return STOFFEL_OK;
}

size_t stoffel_heap_bytes(const StoffelVM *S) { return S ? vm_heap(S->vm)->bytes : 0; }
