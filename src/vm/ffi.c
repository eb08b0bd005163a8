/* ffi.c: native libraries at run time (ffi.h, docs/ffi.md).
 *
 *   Ffi.open(path | ())              -> library handle (Foreign)
 *   Ffi.bind(library, symbol, sig)   -> function handle (Foreign)
 *   Ffi.call(function, args...)      -> result converted per signature
 *   Ffi.close(library)               -> ()
 *
 * A library handle and every function bound from it share one FfiLib with a
 * reference count: the dlopen handle is closed when the library was closed
 * (or collected) and no bound function needs it any more, so a function
 * handle never points into an unloaded library.  Handles are told apart from
 * other foreign objects by their finalizer. */
#include "ffi.h"

#include <dlfcn.h>
#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/stfl.h"

_Static_assert(sizeof(bool) == 1, "bool is passed to libffi as uint8");

typedef struct FfiLib {
    void *dl;          /* NULL once unloaded */
    uint32_t refs;     /* the library handle (while alive) + bound functions */
    bool closed;       /* Ffi.close was called */
    bool handle_alive; /* the library's own foreign object still exists */
    char *name;
} FfiLib;

typedef struct FfiFunc {
    FfiLib *lib;
    void *sym;
    FfiSignature sig;
    ffi_cif cif;
    ffi_type *atypes[FFI_MAX_PARAMS];
    char *name;
} FfiFunc;

/* ---- signatures ------------------------------------------------------------ */

static const struct {
    const char *name;
    uint8_t code;
} type_names[] = {
    { "void", FFI_T_VOID },
    { "int8", FFI_T_I8 },
    { "int16", FFI_T_I16 },
    { "int32", FFI_T_I32 },
    { "int64", FFI_T_I64 },
    { "uint8", FFI_T_U8 },
    { "uint16", FFI_T_U16 },
    { "uint32", FFI_T_U32 },
    { "uint64", FFI_T_U64 },
    { "char", FFI_T_I8 },
    { "uchar", FFI_T_U8 },
    { "short", FFI_T_I16 },
    { "ushort", FFI_T_U16 },
    { "int", FFI_T_I32 },
    { "uint", FFI_T_U32 },
    { "long", sizeof(long) == 8 ? FFI_T_I64 : FFI_T_I32 },
    { "ulong", sizeof(long) == 8 ? FFI_T_U64 : FFI_T_U32 },
    { "size_t", sizeof(size_t) == 8 ? FFI_T_U64 : FFI_T_U32 },
    { "ssize_t", sizeof(size_t) == 8 ? FFI_T_I64 : FFI_T_I32 },
    { "bool", FFI_T_BOOL },
    { "float", FFI_T_FLOAT },
    { "double", FFI_T_DOUBLE },
    { "pointer", FFI_T_POINTER },
    { "string", FFI_T_STRING },
};

static const char *const code_names[] = {
    "void",   "int8",   "int16", "int32", "int64",  "uint8",   "uint16",
    "uint32", "uint64", "bool",  "float", "double", "pointer", "string",
};

static bool is_blank(char c) { return c == ' ' || c == '\t'; }
static bool is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* One type name at *pos (blanks skipped); -1 with a message on error. */
static int parse_type(const char *s, size_t len, size_t *pos, uint8_t *code, const char *what, char *err, size_t errlen)
{
    while (*pos < len && is_blank(s[*pos])) (*pos)++;
    size_t start = *pos;
    while (*pos < len && is_ident(s[*pos])) (*pos)++;
    if (*pos == start) {
        if (start >= len)
            snprintf(err, errlen, "expected %s at column %zu, found the end", what, start + 1);
        else
            snprintf(err, errlen, "expected %s at column %zu, found '%c'", what, start + 1,
                     (unsigned char)s[start] >= 0x20 && (unsigned char)s[start] < 0x7f ? s[start] : '?');
        return -1;
    }
    size_t n = *pos - start;
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        if (strlen(type_names[i].name) == n && memcmp(type_names[i].name, s + start, n) == 0) {
            *code = type_names[i].code;
            return 0;
        }
    }
    snprintf(err, errlen, "unknown type '%.*s' at column %zu", (int)(n > 40 ? 40 : n), s + start, start + 1);
    return -1;
}

int ffi_parse_signature(const char *s, size_t len, FfiSignature *out, char *err, size_t errlen)
{
    size_t pos = 0;
    memset(out, 0, sizeof *out);
    if (parse_type(s, len, &pos, &out->ret, "a return type", err, errlen) != 0) return -1;
    while (pos < len && is_blank(s[pos])) pos++;
    if (pos >= len || s[pos] != '(') {
        snprintf(err, errlen, "expected '(' at column %zu", pos + 1);
        return -1;
    }
    pos++;
    while (pos < len && is_blank(s[pos])) pos++;
    if (pos < len && s[pos] == ')') {
        pos++;
    } else {
        for (;;) {
            size_t at = pos;
            while (at < len && is_blank(s[at])) at++;
            uint8_t code;
            if (parse_type(s, len, &pos, &code, "a parameter type", err, errlen) != 0) return -1;
            if (code == FFI_T_VOID) {
                /* "int(void)" means no parameters; void anywhere else is wrong. */
                size_t p = pos;
                while (p < len && is_blank(s[p])) p++;
                if (out->nparams != 0 || p >= len || s[p] != ')') {
                    snprintf(err, errlen,
                             "'void' at column %zu is only allowed as the return type or "
                             "as the only parameter",
                             at + 1);
                    return -1;
                }
                pos = p + 1;
                break;
            }
            if (out->nparams == FFI_MAX_PARAMS) {
                snprintf(err, errlen, "more than %d parameters (column %zu)", FFI_MAX_PARAMS, at + 1);
                return -1;
            }
            out->params[out->nparams++] = code;
            while (pos < len && is_blank(s[pos])) pos++;
            if (pos < len && s[pos] == ',') {
                pos++;
                continue;
            }
            if (pos < len && s[pos] == ')') {
                pos++;
                break;
            }
            snprintf(err, errlen, "expected ',' or ')' at column %zu", pos + 1);
            return -1;
        }
    }
    while (pos < len && is_blank(s[pos])) pos++;
    if (pos < len) {
        snprintf(err, errlen, "unexpected text after ')' at column %zu", pos + 1);
        return -1;
    }
    return 0;
}

static ffi_type *ffi_type_of(uint8_t code)
{
    switch (code) {
    case FFI_T_VOID: return &ffi_type_void;
    case FFI_T_I8: return &ffi_type_sint8;
    case FFI_T_I16: return &ffi_type_sint16;
    case FFI_T_I32: return &ffi_type_sint32;
    case FFI_T_I64: return &ffi_type_sint64;
    case FFI_T_U8:
    case FFI_T_BOOL: return &ffi_type_uint8;
    case FFI_T_U16: return &ffi_type_uint16;
    case FFI_T_U32: return &ffi_type_uint32;
    case FFI_T_U64: return &ffi_type_uint64;
    case FFI_T_FLOAT: return &ffi_type_float;
    case FFI_T_DOUBLE: return &ffi_type_double;
    default: return &ffi_type_pointer;
    }
}

/* ---- handles ------------------------------------------------------------------- */

static void lib_release(FfiLib *l)
{
    if (--l->refs == 0) {
        if (l->dl) dlclose(l->dl);
        free(l->name);
        free(l);
    } else if (l->closed && l->refs == 1 && l->handle_alive && l->dl) {
        /* Only the (closed) library handle is left: nothing can use dl. */
        dlclose(l->dl);
        l->dl = NULL;
    }
}

static void lib_finalize(void *ptr, void *ud)
{
    (void)ud;
    FfiLib *l = ptr;
    l->handle_alive = false;
    lib_release(l);
}

static void func_finalize(void *ptr, void *ud)
{
    (void)ud;
    FfiFunc *f = ptr;
    lib_release(f->lib);
    free(f->name);
    free(f);
}

static FfiLib *as_lib(Value v)
{
    return v.type == VT_FOREIGN && v.as.foreign->finalizer == lib_finalize ? v.as.foreign->ptr : NULL;
}

static FfiFunc *as_func(Value v)
{
    return v.type == VT_FOREIGN && v.as.foreign->finalizer == func_finalize ? v.as.foreign->ptr : NULL;
}

static const char *type_of(Value v) { return val_type_name((ValueType)v.type); }

/* A VM string as a C string: no interior NUL allowed. */
static bool c_string(Value v, const char **out)
{
    if (v.type != VT_STRING || memchr(v.as.str->chars, 0, v.as.str->len)) return false;
    *out = v.as.str->chars;
    return true;
}

/* ---- builtins -------------------------------------------------------------------- */

static int bi_open(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    (void)ud;
    if (argc != 1) return vm_error(vm, "Ffi.open expects 1 argument: library path or ()");
    const char *path = NULL;
    if (args[0].type != VT_UNIT && !c_string(args[0], &path))
        return vm_error(vm, "library path must be a string without NUL bytes or (), got %s", type_of(args[0]));
    FfiLib *l = calloc(1, sizeof *l);
    char *name = strdup(path ? path : "(program)");
    if (!l || !name) {
        free(l);
        free(name);
        return vm_oom(vm);
    }
    dlerror();
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *why = dlerror();
        vm_error(vm, "cannot load library '%s': %s", name, why ? why : "unknown error");
        free(l);
        free(name);
        return ST_ERR;
    }
    l->dl = dl;
    l->refs = 1;
    l->handle_alive = true;
    l->name = name;
    StForeign *f = heap_new_foreign(vm_heap(vm), l, lib_finalize, NULL);
    if (!f) {
        dlclose(dl);
        free(name);
        free(l);
        return vm_oom(vm);
    }
    *result = val_gc(VT_FOREIGN, f);
    return ST_OK;
}

static int bi_bind(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    (void)ud;
    if (argc != 3) return vm_error(vm, "Ffi.bind expects 3 arguments: library, symbol and signature");
    FfiLib *l = as_lib(args[0]);
    if (!l)
        return vm_error(vm, "first argument must be a library handle from Ffi.open, got %s",
                        as_func(args[0]) ? "a function handle" : type_of(args[0]));
    if (l->closed || !l->dl) return vm_error(vm, "library '%s' is closed", l->name);
    const char *sym_name, *sig_text;
    if (!c_string(args[1], &sym_name))
        return vm_error(vm, "symbol must be a string without NUL bytes, got %s", type_of(args[1]));
    if (args[2].type != VT_STRING) return vm_error(vm, "signature must be a string, got %s", type_of(args[2]));
    sig_text = args[2].as.str->chars;

    FfiSignature sig;
    char why[160];
    if (ffi_parse_signature(sig_text, args[2].as.str->len, &sig, why, sizeof why) != 0)
        return vm_error(vm, "malformed signature \"%.200s\": %s", sig_text, why);

    dlerror();
    void *sym = dlsym(l->dl, sym_name);
    if (!sym) {
        const char *e = dlerror();
        return vm_error(vm, "symbol '%.200s' not found in '%s': %s", sym_name, l->name, e ? e : "it resolves to NULL");
    }
    FfiFunc *fn = calloc(1, sizeof *fn);
    if (!fn || !(fn->name = strdup(sym_name))) {
        free(fn);
        return vm_oom(vm);
    }
    fn->sym = sym;
    fn->sig = sig;
    for (uint32_t i = 0; i < sig.nparams; i++) fn->atypes[i] = ffi_type_of(sig.params[i]);
    if (ffi_prep_cif(&fn->cif, FFI_DEFAULT_ABI, sig.nparams, ffi_type_of(sig.ret), sig.nparams ? fn->atypes : NULL) !=
        FFI_OK) {
        free(fn->name);
        free(fn);
        return vm_error(vm, "libffi cannot prepare a call with signature \"%.200s\"", sig_text);
    }
    fn->lib = l;
    StForeign *f = heap_new_foreign(vm_heap(vm), fn, func_finalize, NULL);
    if (!f) {
        free(fn->name);
        free(fn);
        return vm_oom(vm);
    }
    l->refs++;
    *result = val_gc(VT_FOREIGN, f);
    return ST_OK;
}

static int bi_close(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    (void)ud;
    (void)result;
    if (argc != 1) return vm_error(vm, "Ffi.close expects 1 argument: library");
    FfiLib *l = as_lib(args[0]);
    if (!l)
        return vm_error(vm, "argument must be a library handle from Ffi.open, got %s",
                        as_func(args[0]) ? "a function handle" : type_of(args[0]));
    if (l->closed) return vm_error(vm, "library '%s' is already closed", l->name);
    l->closed = true;
    if (l->refs == 1 && l->dl) { /* no bound function keeps it loaded */
        dlclose(l->dl);
        l->dl = NULL;
    }
    return ST_OK;
}

typedef union {
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    float f;
    double d;
    void *p;
    bool b;
} FfiArg;

/* Does integer value v fit type code t?  Stores it in *a if so. */
static bool int_arg(Value v, uint8_t t, FfiArg *a)
{
    bool neg = val_is_signed(v) && v.as.i < 0;
    static const uint64_t umax[] = {
        [FFI_T_U8] = UINT8_MAX, [FFI_T_U16] = UINT16_MAX, [FFI_T_U32] = UINT32_MAX, [FFI_T_U64] = UINT64_MAX,
        [FFI_T_I8] = INT8_MAX,  [FFI_T_I16] = INT16_MAX,  [FFI_T_I32] = INT32_MAX,  [FFI_T_I64] = INT64_MAX,
    };
    static const int64_t smin[] = {
        [FFI_T_I8] = INT8_MIN,
        [FFI_T_I16] = INT16_MIN,
        [FFI_T_I32] = INT32_MIN,
        [FFI_T_I64] = INT64_MIN,
    };
    bool is_unsigned = t >= FFI_T_U8 && t <= FFI_T_U64;
    if (neg ? (is_unsigned || v.as.i < smin[t]) : v.as.u > umax[t]) return false;
    switch (t) {
    case FFI_T_I8: a->i8 = (int8_t)v.as.i; break;
    case FFI_T_I16: a->i16 = (int16_t)v.as.i; break;
    case FFI_T_I32: a->i32 = (int32_t)v.as.i; break;
    case FFI_T_I64: a->i64 = v.as.i; break;
    case FFI_T_U8: a->u8 = (uint8_t)v.as.u; break;
    case FFI_T_U16: a->u16 = (uint16_t)v.as.u; break;
    case FFI_T_U32: a->u32 = (uint32_t)v.as.u; break;
    default: a->u64 = v.as.u; break;
    }
    return true;
}

static int arg_error(VM *vm, const FfiFunc *fn, uint32_t i, const char *want, Value got)
{
    return vm_error(vm, "%s: argument %u must be %s, got %s", fn->name, i + 1, want, type_of(got));
}

static int convert_arg(VM *vm, const FfiFunc *fn, uint32_t i, Value v, FfiArg *a)
{
    uint8_t t = fn->sig.params[i];
    switch (t) {
    case FFI_T_FLOAT:
    case FFI_T_DOUBLE:
        if (v.type != VT_FLOAT)
            return arg_error(vm, fn, i, t == FFI_T_FLOAT ? "a float (float)" : "a float (double)", v);
        if (t == FFI_T_FLOAT)
            a->f = (float)v.as.f;
        else
            a->d = v.as.f;
        return ST_OK;
    case FFI_T_BOOL:
        if (v.type != VT_BOOL) return arg_error(vm, fn, i, "a boolean", v);
        a->b = v.as.b;
        return ST_OK;
    case FFI_T_STRING:
        if (v.type == VT_UNIT) {
            a->p = NULL;
            return ST_OK;
        }
        if (v.type != VT_STRING) return arg_error(vm, fn, i, "a string or ()", v);
        if (memchr(v.as.str->chars, 0, v.as.str->len))
            return vm_error(vm, "%s: argument %u contains a NUL byte", fn->name, i + 1);
        a->p = v.as.str->chars;
        return ST_OK;
    case FFI_T_POINTER:
        if (v.type == VT_UNIT) {
            a->p = NULL;
            return ST_OK;
        }
        if (as_lib(v) || as_func(v))
            return vm_error(vm, "%s: argument %u must be a foreign pointer or (), got a %s handle", fn->name, i + 1,
                            as_lib(v) ? "library" : "function");
        if (v.type != VT_FOREIGN) return arg_error(vm, fn, i, "a foreign pointer or ()", v);
        a->p = v.as.foreign->ptr;
        return ST_OK;
    default:
        if (!val_is_int(v)) {
            char want[48];
            snprintf(want, sizeof want, "an integer (%s)", code_names[t]);
            return arg_error(vm, fn, i, want, v);
        }
        if (!int_arg(v, t, a)) {
            if (val_is_unsigned(v))
                return vm_error(vm, "%s: argument %u (%llu) does not fit %s", fn->name, i + 1,
                                (unsigned long long)v.as.u, code_names[t]);
            return vm_error(vm, "%s: argument %u (%lld) does not fit %s", fn->name, i + 1, (long long)v.as.i,
                            code_names[t]);
        }
        return ST_OK;
    }
}

static int bi_call(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    (void)ud;
    if (argc < 1) return vm_error(vm, "Ffi.call expects at least 1 argument: function");
    FfiFunc *fn = as_func(args[0]);
    if (!fn)
        return vm_error(vm, "first argument must be a function handle from Ffi.bind, got %s",
                        as_lib(args[0]) ? "a library handle" : type_of(args[0]));
    uint32_t n = argc - 1;
    if (n != fn->sig.nparams)
        return vm_error(vm, "%s expects %u argument%s but got %u", fn->name, fn->sig.nparams,
                        fn->sig.nparams == 1 ? "" : "s", n);
    FfiArg a[FFI_MAX_PARAMS];
    void *avalues[FFI_MAX_PARAMS];
    for (uint32_t i = 0; i < n; i++) {
        memset(&a[i], 0, sizeof a[i]);
        if (convert_arg(vm, fn, i, args[i + 1], &a[i]) != ST_OK) return ST_ERR;
        avalues[i] = &a[i];
    }
    /* libffi widens small integer results to a full ffi_arg. */
    union {
        ffi_arg u;
        ffi_sarg s;
        int64_t i64;
        uint64_t u64;
        float f;
        double d;
        void *p;
    } r;
    memset(&r, 0, sizeof r);
    ffi_call(&fn->cif, FFI_FN(fn->sym), &r, n ? avalues : NULL);

    switch (fn->sig.ret) {
    case FFI_T_VOID: *result = val_unit(); break;
    case FFI_T_I8: *result = val_int(VT_I8, (int8_t)r.s); break;
    case FFI_T_I16: *result = val_int(VT_I16, (int16_t)r.s); break;
    case FFI_T_I32: *result = val_int(VT_I32, (int32_t)r.s); break;
    case FFI_T_I64: *result = val_int(VT_I64, r.i64); break;
    case FFI_T_U8: *result = val_uint(VT_U8, (uint8_t)r.u); break;
    case FFI_T_U16: *result = val_uint(VT_U16, (uint16_t)r.u); break;
    case FFI_T_U32: *result = val_uint(VT_U32, (uint32_t)r.u); break;
    case FFI_T_U64: *result = val_uint(VT_U64, r.u64); break;
    case FFI_T_BOOL: *result = val_bool((uint8_t)r.u != 0); break;
    case FFI_T_FLOAT: *result = val_float(r.f); break;
    case FFI_T_DOUBLE: *result = val_float(r.d); break;
    case FFI_T_POINTER: {
        if (!r.p) {
            *result = val_unit();
            break;
        }
        StForeign *f = heap_new_foreign(vm_heap(vm), r.p, NULL, NULL);
        if (!f) return vm_oom(vm);
        *result = val_gc(VT_FOREIGN, f);
        break;
    }
    default: { /* string: copied, the native keeps ownership of its buffer */
        if (!r.p) {
            *result = val_unit();
            break;
        }
        const char *s = r.p;
        size_t len = strlen(s);
        if (stfl_utf8_prefix((const uint8_t *)s, len) != len)
            return vm_error(vm, "%s returned a string that is not valid UTF-8", fn->name);
        return vm_new_string(vm, s, len, result);
    }
    }
    return ST_OK;
}

static int bi_disabled(VM *vm, const Value *args, uint32_t argc, Value *result, void *ud)
{
    (void)args;
    (void)argc;
    (void)result;
    (void)ud;
    return vm_error(vm, "native library access is disabled for this VM");
}

static const struct {
    const char *name;
    NativeFn fn;
} builtins[] = {
    { "Ffi.open", bi_open },
    { "Ffi.bind", bi_bind },
    { "Ffi.call", bi_call },
    { "Ffi.close", bi_close },
};

int ffi_register(VM *vm)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (vm_register_native(vm, builtins[i].name, builtins[i].fn, NULL) != ST_OK) return ST_ERR;
    return ST_OK;
}

void ffi_disable(VM *vm)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        VmFunction *fn = vm_function_at(vm, vm_find_function(vm, builtins[i].name, strlen(builtins[i].name)));
        if (fn && fn->is_native) fn->native = bi_disabled;
    }
}
