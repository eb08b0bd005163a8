/* ffi.h: calling functions of native shared libraries at run time
 * (builtins Ffi.open, Ffi.bind, Ffi.call, Ffi.close; docs/ffi.md).
 *
 * Libraries are opened with dlopen, functions are called through libffi
 * with a signature declared as a string ("double(double)").  Library and
 * function handles are foreign objects with finalizers, so the collector
 * unloads a library once neither its handle nor any function bound from it
 * is reachable. */
#ifndef STOFFEL_FFI_H
#define STOFFEL_FFI_H

#include "vm.h"

/* Register the Ffi.* builtins (stdlib_register calls this for every VM). */
int ffi_register(VM *vm);

/* Replace the Ffi.* builtins of this VM by stubs that fail with
 * "native library access is disabled" (embedders running untrusted code). */
void ffi_disable(VM *vm);

/* Parsed signature, exposed for the unit tests.  Type codes are FFI_T_*. */
enum {
    FFI_T_VOID,
    FFI_T_I8,
    FFI_T_I16,
    FFI_T_I32,
    FFI_T_I64,
    FFI_T_U8,
    FFI_T_U16,
    FFI_T_U32,
    FFI_T_U64,
    FFI_T_BOOL,
    FFI_T_FLOAT,
    FFI_T_DOUBLE,
    FFI_T_POINTER,
    FFI_T_STRING
};

typedef struct {
    uint8_t ret;
    uint8_t nparams;
    uint8_t params[FFI_MAX_PARAMS];
} FfiSignature;

/* Parse "RET(T1, T2, ...)".  0 on success; -1 with a message naming the
 * 1-based column of the problem in err (size errlen). */
int ffi_parse_signature(const char *sig, size_t len, FfiSignature *out, char *err, size_t errlen);

#endif
