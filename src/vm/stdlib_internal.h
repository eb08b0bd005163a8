/* stdlib_internal.h: helpers shared by the standard-library files
 * (stdlib.c, stdlib_list.c, stdlib_mpc.c).  Not a module interface:
 * only these files include it.
 *
 * Conventions: every helper that can fail sets the VM error (vm_error /
 * vm_oom) and returns ST_ERR; the VM prefixes builtin errors with
 * "Foreign function NAME failed: ", so messages here are the inner text. */
#ifndef STOFFEL_STDLIB_INTERNAL_H
#define STOFFEL_STDLIB_INTERNAL_H

#include "vm.h"

/* "<fn> expects <desc>" (upstream's arity wording). */
int sl_expects(VM *vm, const char *fn, const char *desc);
/* Argument must be an array: "<what> must be an array". */
int sl_array_arg(VM *vm, Value v, const char *what, StArray **out);
/* "usize" argument: any integer type >= 0, else "<name> must be a
 * non-negative integer". */
int sl_usize(VM *vm, Value v, const char *name, uint64_t *out);
/* i64 argument: any integer type, else "<name> must be an integer"; a U64
 * above INT64_MAX gives "<name> exceeds i64 range". */
int sl_i64(VM *vm, Value v, const char *name, int64_t *out);

/* A signed index of any integer type, kept exactly: value = neg ? -mag : mag. */
typedef struct {
    bool neg;
    uint64_t mag;
} SIndex;
/* "<name> must be an integer, found <type>" for non-integers. */
int sl_sindex(VM *vm, Value v, const char *name, SIndex *out);
/* Print an SIndex the way upstream prints the original index. */
#define SINDEX_FMT "%s%llu"
#define SINDEX_ARGS(s) ((s).neg ? "-" : ""), (unsigned long long)(s).mag

/* "array too large" unless len <= SL_ARRAY_MAX. */
int sl_check_len(VM *vm, const StArray *a);
/* Move sparsely stored positional elements into the dense part so that
 * dlen == len afterwards (list builtins that reshape work on items[]);
 * an array with holes is boxed (StArray.packed is VT_UNIT). */
int sl_materialize(VM *vm, StArray *a);
/* New empty array; the hint only pre-sizes (capped). */
int sl_new_array(VM *vm, int64_t cap_hint, StArray **out);
/* Write / append a positional element (errors: length overflow, oom). */
int sl_array_set(VM *vm, StArray *a, int64_t index, Value v);
int sl_array_push(VM *vm, StArray *a, Value v);

/* Deep equality of the list builtins (arrays element-wise, 64 levels;
 * other values structurally).  Visits only stored elements of sparse
 * arrays, so huge sparse arrays compare in time proportional to memory. */
bool sl_list_equal(Value a, Value b);

/* Byte arrays (arrays of U8).  sl_read_bytes mallocs *out (free it);
 * errors "Expected byte array" / "Expected U8 at index N". */
int sl_read_bytes(VM *vm, Value v, uint8_t **out, size_t *len);
int sl_byte_array(VM *vm, const uint8_t *bytes, size_t len, Value *out);

/* Number of UTF-8 characters (scalar values) of a string. */
uint64_t sl_utf8_count(const char *s, size_t len);
/* Byte offset of character `index` (index <= count). */
size_t sl_utf8_offset(const char *s, size_t len, uint64_t index);

int stdlib_register_lists(VM *vm);
int stdlib_register_mpc(VM *vm);
/* Field.*, Share.random_int, Mpc.curve/field/has_capability/capabilities
 * (mpc_field.c): the same functions with or without an engine. */
int mpc_field_builtins_register(VM *vm);
int stdlib_register_crypto(VM *vm); /* stdlib_crypto.c */
int stdlib_register_ion(VM *vm);    /* stdlib_ion.c: Math.*, String.*, Type.* */

#endif
