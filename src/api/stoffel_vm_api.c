/* stoffel_vm_api.c: the upstream-compatible C API (include/stoffel_vm.h).
 *
 * A VMHandle is a StoffelVM* of the native API.  Return codes follow
 * upstream's cffi.rs exactly (spec/vm-core.md §11); the documented fixes
 * (docs/compat.md, "C API") are: NULL checks everywhere, ids from C
 * validated through a registry, bool_val as a full int, closures with ids,
 * callback argument strings freed after the callback.
 *
 * The registry: every object, array, foreign object or closure whose id
 * goes to C is pinned and entered under (id, kind), so the id names a live
 * value for the rest of the VM's life, as it does upstream (where nothing
 * is ever freed).  An id C never received is looked up in the heap. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/stfl.h"
#include "api_internal.h"

_Static_assert(sizeof(StoffelValue) == 16 || sizeof(void *) != 8, "StoffelValue is 16 bytes on LP64");
_Static_assert(STOFFEL_VALUE_CLOSURE == 8, "upstream enum values");

/* ---- id registry -------------------------------------------------------------- */

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static bool map_get(const IdMap *m, uint64_t key, uint32_t *val)
{
    if (!m->mask) return false;
    for (uint32_t i = (uint32_t)mix(key) & m->mask;; i = (i + 1) & m->mask) {
        if (m->keys[i] == key) {
            *val = m->vals[i];
            return true;
        }
        if (m->keys[i] == 0) return false;
    }
}

static bool map_put(StoffelVM *S, IdMap *m, uint64_t key, uint32_t val)
{
    if ((m->count + 1) * 2 > m->mask) {
        uint32_t size = m->mask ? (m->mask + 1) * 2 : 64;
        if (size == 0) return false;
        uint64_t *keys = api_realloc(S, NULL, 0, (size_t)size * sizeof *keys);
        uint32_t *vals = api_realloc(S, NULL, 0, (size_t)size * sizeof *vals);
        if (!keys || !vals) {
            if (keys) api_realloc(S, keys, (size_t)size * sizeof *keys, 0);
            if (vals) api_realloc(S, vals, (size_t)size * sizeof *vals, 0);
            return false;
        }
        memset(keys, 0, (size_t)size * sizeof *keys);
        for (uint32_t i = 0; m->mask && i <= m->mask; i++) {
            if (!m->keys[i]) continue;
            uint32_t j = (uint32_t)mix(m->keys[i]) & (size - 1);
            while (keys[j]) j = (j + 1) & (size - 1);
            keys[j] = m->keys[i];
            vals[j] = m->vals[i];
        }
        if (m->mask) {
            api_realloc(S, m->keys, ((size_t)m->mask + 1) * sizeof *keys, 0);
            api_realloc(S, m->vals, ((size_t)m->mask + 1) * sizeof *vals, 0);
        }
        m->keys = keys;
        m->vals = vals;
        m->mask = size - 1;
    }
    uint32_t i = (uint32_t)mix(key) & m->mask;
    while (m->keys[i]) i = (i + 1) & m->mask;
    m->keys[i] = key;
    m->vals[i] = val;
    m->count++;
    return true;
}

static void map_free(StoffelVM *S, IdMap *m)
{
    if (m->mask) {
        api_realloc(S, m->keys, ((size_t)m->mask + 1) * sizeof *m->keys, 0);
        api_realloc(S, m->vals, ((size_t)m->mask + 1) * sizeof *m->vals, 0);
    }
    memset(m, 0, sizeof *m);
}

void api_free_registry(StoffelVM *S)
{
    map_free(S, &S->by_id);
    map_free(S, &S->by_ptr);
}

/* Registry key of (kind, id); kinds 1..4 so a key is never 0. */
static uint64_t id_key(StoffelValueType kind, uint64_t id)
{
    uint64_t k = kind == STOFFEL_VALUE_OBJECT    ? 1
                 : kind == STOFFEL_VALUE_ARRAY   ? 2
                 : kind == STOFFEL_VALUE_FOREIGN ? 3
                                                 : 4;
    return (id << 3) | k;
}

/* Id of a heap value for C, pinning it on first use.  0 on out-of-memory. */
static uint64_t register_value(StoffelVM *S, Value v, StoffelValueType kind)
{
    uint32_t pin;
    uint64_t id;
    if (kind == STOFFEL_VALUE_CLOSURE) {
        uint64_t pkey = (uint64_t)(uintptr_t)v.as.closure;
        uint32_t found;
        if (map_get(&S->by_ptr, pkey, &found)) return found;
        if (S->next_closure_id > UINT32_MAX) return 0;
        id = S->next_closure_id;
        if (!(pin = vm_pin(S->vm, v))) return 0;
        if (!map_put(S, &S->by_id, id_key(kind, id), pin) || !map_put(S, &S->by_ptr, pkey, (uint32_t)id)) {
            vm_unpin(S->vm, pin);
            return 0;
        }
        S->next_closure_id++;
        return id;
    }
    id = kind == STOFFEL_VALUE_OBJECT ? v.as.obj->id : kind == STOFFEL_VALUE_ARRAY ? v.as.arr->id : v.as.foreign->id;
    if (id >= ((uint64_t)1 << 61)) return 0;
    if (map_get(&S->by_id, id_key(kind, id), &pin)) return id;
    if (!(pin = vm_pin(S->vm, v))) return 0;
    if (!map_put(S, &S->by_id, id_key(kind, id), pin)) {
        vm_unpin(S->vm, pin);
        return 0;
    }
    return id;
}

/* The live value C names by (kind, id), or false. */
static bool lookup_id(StoffelVM *S, StoffelValueType kind, uint64_t id, Value *out)
{
    uint32_t pin;
    if (id == 0 || id >= ((uint64_t)1 << 61)) return false;
    if (map_get(&S->by_id, id_key(kind, id), &pin)) {
        *out = vm_pin_get(S->vm, pin);
        return true;
    }
    if (kind == STOFFEL_VALUE_CLOSURE) return false;
    ValueType t = kind == STOFFEL_VALUE_OBJECT ? VT_OBJECT : kind == STOFFEL_VALUE_ARRAY ? VT_ARRAY : VT_FOREIGN;
    if (!vm_find_by_id(S->vm, t, id, out)) return false;
    return register_value(S, *out, kind) != 0;
}

/* ---- value conversion ------------------------------------------------------------ */

/* VM -> C.  Strings are malloc'd copies.  0, or -1 with a reason. */
static int to_c(StoffelVM *S, Value v, StoffelValue *out, char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    switch (v.type) {
    case VT_UNIT: out->value_type = STOFFEL_VALUE_UNIT; return 0;
    case VT_I64:
    case VT_I32:
    case VT_I16:
    case VT_I8:
    case VT_U8:
    case VT_U16:
    case VT_U32:
        out->value_type = STOFFEL_VALUE_INT;
        out->data.int_val = v.as.i;
        return 0;
    case VT_U64:
        if (v.as.u > (uint64_t)INT64_MAX) {
            snprintf(why, whylen, "u64 value %llu exceeds C ABI int range", (unsigned long long)v.as.u);
            return -1;
        }
        out->value_type = STOFFEL_VALUE_INT;
        out->data.int_val = (int64_t)v.as.u;
        return 0;
    case VT_FLOAT:
        out->value_type = STOFFEL_VALUE_FLOAT;
        out->data.float_val = v.as.f;
        return 0;
    case VT_BOOL:
        out->value_type = STOFFEL_VALUE_BOOL;
        out->data.bool_val = v.as.b ? 1 : 0;
        return 0;
    case VT_STRING: {
        if (memchr(v.as.str->chars, 0, v.as.str->len)) {
            snprintf(why, whylen, "String contains interior null byte");
            return -1;
        }
        char *copy = malloc((size_t)v.as.str->len + 1);
        if (!copy) {
            snprintf(why, whylen, "out of memory");
            return -1;
        }
        memcpy(copy, v.as.str->chars, (size_t)v.as.str->len + 1);
        out->value_type = STOFFEL_VALUE_STRING;
        out->data.string_val = copy;
        return 0;
    }
    case VT_OBJECT:
    case VT_ARRAY:
    case VT_FOREIGN:
    case VT_CLOSURE: {
        StoffelValueType kind = v.type == VT_OBJECT    ? STOFFEL_VALUE_OBJECT
                                : v.type == VT_ARRAY   ? STOFFEL_VALUE_ARRAY
                                : v.type == VT_FOREIGN ? STOFFEL_VALUE_FOREIGN
                                                       : STOFFEL_VALUE_CLOSURE;
        uint64_t id = register_value(S, v, kind);
        if (!id || id > SIZE_MAX) {
            snprintf(why, whylen, "out of memory");
            return -1;
        }
        out->value_type = kind;
        out->data.object_id = (size_t)id;
        return 0;
    }
    default: /* shares */ snprintf(why, whylen, "Cannot convert secret share value to C ABI"); return -1;
    }
}

/* C -> VM.  0, or -1 with a reason. */
static int from_c(StoffelVM *S, const StoffelValue *in, Value *out, char *why, size_t whylen)
{
    switch ((int)in->value_type) {
    case STOFFEL_VALUE_UNIT: *out = val_unit(); return 0;
    case STOFFEL_VALUE_INT: *out = val_i64(in->data.int_val); return 0;
    case STOFFEL_VALUE_FLOAT: *out = val_float(in->data.float_val); return 0;
    case STOFFEL_VALUE_BOOL: *out = val_bool(in->data.bool_val != 0); return 0;
    case STOFFEL_VALUE_STRING: {
        const char *s = in->data.string_val;
        if (!s) {
            snprintf(why, whylen, "Null string pointer");
            return -1;
        }
        size_t len = strlen(s);
        if (len > UINT32_MAX - 1 || !api_utf8(s, len)) {
            snprintf(why, whylen, "Invalid UTF-8 in string");
            return -1;
        }
        if (vm_new_string(S->vm, s, len, out) != ST_OK) {
            snprintf(why, whylen, "out of memory");
            return -1;
        }
        return 0;
    }
    case STOFFEL_VALUE_OBJECT:
    case STOFFEL_VALUE_ARRAY:
    case STOFFEL_VALUE_FOREIGN:
    case STOFFEL_VALUE_CLOSURE:
        if (!lookup_id(S, in->value_type, in->data.object_id, out)) {
            static const char *const names[] = { "", "", "", "", "", "object", "array", "foreign object", "closure" };
            snprintf(why, whylen, "unknown %s id %zu", names[in->value_type], in->data.object_id);
            return -1;
        }
        return 0;
    default: snprintf(why, whylen, "invalid value type %d", (int)in->value_type); return -1;
    }
}

static void free_c_value(StoffelValue *v)
{
    if (v->value_type == STOFFEL_VALUE_STRING) free((char *)v->data.string_val);
}

/* ---- VMs ------------------------------------------------------------------------------ */

VMHandle stoffel_create_vm(void) { return stoffel_new(NULL); }

void stoffel_destroy_vm(VMHandle handle) { stoffel_free(handle); }

/* Shared by both execute functions: run, convert, record errors.
 * Returns 0, exec_err or conv_err. */
static int run(StoffelVM *S, const char *name, const Value *args, uint32_t argc, StoffelValue *result, int exec_err,
               int conv_err)
{
    Value v;
    if (vm_execute(S->vm, name, args, argc, &v) != ST_OK) {
        api_fail_runtime(S);
        return exec_err;
    }
    char why[160];
    StoffelValue out;
    if (to_c(S, v, &out, why, sizeof why) != 0) {
        api_fail(S, STOFFEL_ERROR_TYPE, "result of %s: %s", name, why);
        return conv_err;
    }
    *result = out;
    return 0;
}

int stoffel_execute(VMHandle handle, const char *function_name, StoffelValue *result)
{
    StoffelVM *S = handle;
    if (!S || !function_name || !result) {
        if (S) api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_execute: NULL argument");
        return -1;
    }
    size_t len = strlen(function_name);
    if (!api_utf8(function_name, len)) {
        api_fail(S, STOFFEL_ERROR_INVALID, "function name is not valid UTF-8");
        return -2;
    }
    api_clear_error(S);
    /* Upstream's execute() refuses foreign functions as entry points. */
    VmFunction *fn = vm_function_at(S->vm, vm_find_function(S->vm, function_name, len));
    if (fn && fn->is_native) {
        api_fail(S, STOFFEL_ERROR_RUNTIME, "Cannot execute foreign function %s", function_name);
        return -3;
    }
    return run(S, function_name, NULL, 0, result, -3, -4);
}

int stoffel_execute_with_args(VMHandle handle, const char *function_name, const StoffelValue *args, int arg_count,
                              StoffelValue *result)
{
    StoffelVM *S = handle;
    if (!S || !function_name || !result || (arg_count > 0 && !args) || arg_count < 0 || arg_count > API_MAX_C_ARGS) {
        if (S) api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_execute_with_args: invalid argument");
        return -1;
    }
    if (!api_utf8(function_name, strlen(function_name))) {
        api_fail(S, STOFFEL_ERROR_INVALID, "function name is not valid UTF-8");
        return -2;
    }
    api_clear_error(S);
    Value vals[API_MAX_C_ARGS];
    char why[160];
    /* No collection runs before the callee's frame holds the arguments
     * (allocation never collects), so fresh strings need no rooting here. */
    for (int i = 0; i < arg_count; i++) {
        if (from_c(S, &args[i], &vals[i], why, sizeof why) != 0) {
            api_fail(S, STOFFEL_ERROR_INVALID, "argument %d: %s", i + 1, why);
            return -3;
        }
    }
    return run(S, function_name, vals, (uint32_t)arg_count, result, -4, -5);
}

/* Calls a CForeignFunction: arguments converted to C (strings copied and
 * freed afterwards), result converted back. */
static int c_trampoline(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    ForeignRec *r = ud;
    StoffelVM *S = r->S;
    if (argc > INT_MAX) return vm_error(vm, "Too many C callback arguments");
    StoffelValue small[8];
    StoffelValue *cargs = small;
    if (argc > sizeof small / sizeof small[0]) {
        cargs = malloc((size_t)argc * sizeof *cargs);
        if (!cargs) return vm_oom(vm);
    }
    char why[160];
    uint32_t done = 0;
    int rc = ST_OK;
    for (; done < argc; done++) {
        if (to_c(S, args[done], &cargs[done], why, sizeof why) != 0) {
            rc = vm_error(vm, "%s", why);
            break;
        }
    }
    if (rc == ST_OK) {
        StoffelValue res;
        memset(&res, 0, sizeof res);
        res.value_type = STOFFEL_VALUE_UNIT;
        int status = r->cfn(cargs, (int)argc, &res);
        if (status != 0)
            rc = vm_error(vm, "Foreign function returned error code: %d", status);
        else if (api_check_free_refused(S) != ST_OK)
            rc = ST_ERR;
        else if (from_c(S, &res, result, why, sizeof why) != 0)
            rc = vm_error(vm, "%s", why);
    }
    for (uint32_t i = 0; i < done; i++) free_c_value(&cargs[i]);
    if (cargs != small) free(cargs);
    return rc;
}

int stoffel_register_foreign_function(VMHandle handle, const char *name, CForeignFunction func)
{
    StoffelVM *S = handle;
    if (!S || !name || !func) {
        if (S) api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_register_foreign_function: NULL argument");
        return -1;
    }
    size_t len = strlen(name);
    if (!api_utf8(name, len)) {
        api_fail(S, STOFFEL_ERROR_INVALID, "function name is not valid UTF-8");
        return -2;
    }
    if (vm_find_function(S->vm, name, len) >= 0) {
        api_fail(S, STOFFEL_ERROR_INVALID, "Function '%s' is already registered", name);
        return -3;
    }
    ForeignRec *r = api_realloc(S, NULL, 0, sizeof *r);
    if (!r) return -3;
    memset(r, 0, sizeof *r);
    r->S = S;
    r->cfn = func;
    if (vm_register_native(S->vm, name, c_trampoline, r) != ST_OK) {
        api_realloc(S, r, sizeof *r, 0);
        api_fail(S, STOFFEL_ERROR_MEMORY, "out of memory");
        return -3;
    }
    r->next = S->foreign;
    S->foreign = r;
    return 0;
}

int stoffel_register_foreign_object(VMHandle handle, void *object, StoffelValue *result)
{
    StoffelVM *S = handle;
    if (!S || !object || !result) {
        if (S) api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_register_foreign_object: NULL argument");
        return -1;
    }
    StForeign *f = heap_new_foreign(vm_heap(S->vm), object, NULL, NULL);
    uint64_t id = f ? register_value(S, val_gc(VT_FOREIGN, f), STOFFEL_VALUE_FOREIGN) : 0;
    if (!id) {
        api_fail(S, STOFFEL_ERROR_MEMORY, "out of memory");
        return -2;
    }
    memset(result, 0, sizeof *result);
    result->value_type = STOFFEL_VALUE_FOREIGN;
    result->data.foreign_id = (size_t)id;
    return 0;
}

int stoffel_create_string(VMHandle handle, const char *str, StoffelValue *result)
{
    if (!handle || !str || !result) return -1;
    size_t len = strlen(str);
    if (!api_utf8(str, len)) return -2;
    char *copy = malloc(len + 1);
    if (!copy) return -3;
    memcpy(copy, str, len + 1);
    memset(result, 0, sizeof *result);
    result->value_type = STOFFEL_VALUE_STRING;
    result->data.string_val = copy;
    return 0;
}

void stoffel_free_string(char *str) { free(str); }

int stoffel_load_bytecode(VMHandle handle, const uint8_t *bytecode, size_t bytecode_len)
{
    StoffelVM *S = handle;
    if (!S || !bytecode) {
        if (S) api_fail(S, STOFFEL_ERROR_INVALID, "stoffel_load_bytecode: NULL argument");
        return -1;
    }
    api_clear_error(S);
    StfProgram prog;
    StflError e;
    if (stfl_read(bytecode, bytecode_len, &prog, &e) != 0) {
        api_fail(S, STOFFEL_ERROR_LOAD, "bytecode: error at byte offset %llu: %s", (unsigned long long)e.offset,
                 e.message);
        S->err.offset = e.offset > INT64_MAX ? INT64_MAX : (int64_t)e.offset;
        return -2;
    }
    int rc = vm_load_program(S->vm, &prog);
    stf_program_free(&prog);
    if (rc != ST_OK) {
        const VmError *ve = vm_last_error(S->vm);
        api_fail(S, STOFFEL_ERROR_LOAD, "bytecode: %s", ve->message ? ve->message : "cannot register the program");
        return -3;
    }
    return 0;
}
