/* Tests of native library calls (src/vm/ffi.c, docs/ffi.md): the signature
 * parser, cos from libm and strlen from libc through the Ffi.* builtins,
 * argument checking, handle lifetimes under the collector, and garbage
 * input that must never crash. */
#include <stdlib.h>
#include <string.h>

#include "stoffel.h"
#include "unit.h"
#include "vm/ffi.h"

static int parse(const char *s, FfiSignature *sig, char *err)
{
    return ffi_parse_signature(s, strlen(s), sig, err, 160);
}

TEST(test_signature_parser)
{
    FfiSignature sig;
    char err[160];
    CHECK(parse("double(double)", &sig, err) == 0 && sig.ret == FFI_T_DOUBLE && sig.nparams == 1 &&
          sig.params[0] == FFI_T_DOUBLE);
    CHECK(parse("  void ( )  ", &sig, err) == 0 && sig.ret == FFI_T_VOID && sig.nparams == 0);
    CHECK(parse("int(void)", &sig, err) == 0 && sig.ret == FFI_T_I32 && sig.nparams == 0);
    CHECK(parse("size_t(string)", &sig, err) == 0 && sig.ret == FFI_T_U64 && sig.params[0] == FFI_T_STRING);
    CHECK(parse("int64(pointer)", &sig, err) == 0 && sig.ret == FFI_T_I64 && sig.params[0] == FFI_T_POINTER);
    CHECK(parse("uint8(int8,int16,int32,int64,uint8,uint16,uint32,uint64,float,bool)", &sig, err) == 0 &&
          sig.nparams == 10 && sig.params[9] == FFI_T_BOOL && sig.params[6] == FFI_T_U32);
    CHECK(parse("long(ulong, ssize_t, char, uchar, short, ushort, uint)", &sig, err) == 0 && sig.nparams == 7);

    CHECK(parse("", &sig, err) == -1);
    CHECK_STR(err, "expected a return type at column 1, found the end");
    CHECK(parse("doubel(double)", &sig, err) == -1);
    CHECK_STR(err, "unknown type 'doubel' at column 1");
    CHECK(parse("double(double", &sig, err) == -1);
    CHECK_STR(err, "expected ',' or ')' at column 14");
    CHECK(parse("double double", &sig, err) == -1);
    CHECK_STR(err, "expected '(' at column 8");
    CHECK(parse("int(int,)", &sig, err) == -1);
    CHECK_STR(err, "expected a parameter type at column 9, found ')'");
    CHECK(parse("int(void, int)", &sig, err) == -1);
    CHECK(parse("int(int, void)", &sig, err) == -1);
    CHECK_STR(err, "'void' at column 10 is only allowed as the return type or as the only parameter");
    CHECK(parse("int(int))", &sig, err) == -1);
    CHECK_STR(err, "unexpected text after ')' at column 9");
    CHECK(parse("int*(int)", &sig, err) == -1);
    CHECK_STR(err, "expected '(' at column 4");
    CHECK(ffi_parse_signature("int(\0int)", 9, &sig, err, sizeof err) == -1);

    char many[512] = "int(";
    for (int i = 0; i < FFI_MAX_PARAMS + 1; i++) strcat(many, i ? ",int" : "int");
    strcat(many, ")");
    CHECK(parse(many, &sig, err) == -1 && strstr(err, "more than 32 parameters") != NULL);
    /* Exactly the maximum is fine. */
    strcpy(many, "int(");
    for (int i = 0; i < FFI_MAX_PARAMS; i++) strcat(many, i ? ",int" : "int");
    strcat(many, ")");
    CHECK(parse(many, &sig, err) == 0 && sig.nparams == FFI_MAX_PARAMS);

    /* Tiny error buffers truncate, never overflow. */
    char tiny[4];
    CHECK(ffi_parse_signature("zzz()", 5, &sig, tiny, sizeof tiny) == -1 && strlen(tiny) == 3);
}

/* Slot helpers: r = Ffi.open(path); r = Ffi.bind(lib, sym, sig). */
static StoffelResult ffi_open(StoffelVM *vm, const char *path)
{
    stoffel_ensure_slots(vm, 8);
    if (path)
        stoffel_set_string(vm, 1, path);
    else
        stoffel_set_unit(vm, 1);
    return stoffel_call(vm, "Ffi.open", 1);
}

static StoffelResult ffi_bind(StoffelVM *vm, int lib_slot, const char *sym, const char *sig)
{
    stoffel_copy_slot(vm, 1, lib_slot);
    stoffel_set_string(vm, 2, sym);
    stoffel_set_string(vm, 3, sig);
    return stoffel_call(vm, "Ffi.bind", 3);
}

TEST(test_cos_and_strlen)
{
    StoffelVM *vm = stoffel_new(NULL);
    CHECK(ffi_open(vm, "libm.so.6") == STOFFEL_OK);
    stoffel_copy_slot(vm, 7, 0); /* libm in slot 7 */
    CHECK(ffi_bind(vm, 7, "cos", "double(double)") == STOFFEL_OK);
    stoffel_copy_slot(vm, 6, 0); /* cos in slot 6 */
    stoffel_copy_slot(vm, 1, 6);
    stoffel_set_float(vm, 2, 0.0);
    CHECK(stoffel_call(vm, "Ffi.call", 2) == STOFFEL_OK);
    double d = 0;
    CHECK(stoffel_get_float(vm, 0, &d) == STOFFEL_OK && d == 1.0);
    stoffel_set_float(vm, 2, 1.0);
    CHECK(stoffel_call(vm, "Ffi.call", 2) == STOFFEL_OK);
    CHECK(stoffel_get_float(vm, 0, &d) == STOFFEL_OK && d > 0.5403 && d < 0.5404);

    CHECK(ffi_open(vm, "libc.so.6") == STOFFEL_OK);
    stoffel_copy_slot(vm, 5, 0);
    CHECK(ffi_bind(vm, 5, "strlen", "size_t(string)") == STOFFEL_OK);
    stoffel_copy_slot(vm, 1, 0);
    stoffel_set_string(vm, 2, "stoffel");
    CHECK(stoffel_call(vm, "Ffi.call", 2) == STOFFEL_OK);
    CHECK(stoffel_slot_type(vm, 0) == STOFFEL_TYPE_U64);
    uint64_t n = 0;
    CHECK(stoffel_get_uint64(vm, 0, &n) == STOFFEL_OK && n == 7);
    /* A string with a NUL byte cannot become a C string. */
    stoffel_set_string_len(vm, 2, "a\0b", 3);
    CHECK(stoffel_call(vm, "Ffi.call", 2) == STOFFEL_ERROR_RUNTIME);
    CHECK(strstr(stoffel_last_error(vm)->message, "contains a NUL byte") != NULL);
    /* Too many arguments for the signature. */
    stoffel_set_string(vm, 2, "x");
    stoffel_set_string(vm, 3, "y");
    CHECK(stoffel_call(vm, "Ffi.call", 3) == STOFFEL_ERROR_RUNTIME);
    CHECK_STR(stoffel_last_error(vm)->message, "Foreign function Ffi.call failed: strlen expects 1 argument but got 2");
    stoffel_free(vm);
}

TEST(test_handle_lifetimes)
{
    /* Bound functions keep their library loaded after Ffi.close and after
     * the library handle is collected; everything goes with the VM. */
    StoffelVM *vm = stoffel_new(NULL);
    CHECK(ffi_open(vm, "libm.so.6") == STOFFEL_OK);
    stoffel_copy_slot(vm, 7, 0);
    CHECK(ffi_bind(vm, 7, "sqrt", "double(double)") == STOFFEL_OK);
    StoffelHandle sqrt_fn = stoffel_get_handle(vm, 0);
    CHECK(sqrt_fn != 0);
    stoffel_copy_slot(vm, 1, 7);
    CHECK(stoffel_call(vm, "Ffi.close", 1) == STOFFEL_OK);
    CHECK(stoffel_call(vm, "Ffi.close", 1) == STOFFEL_ERROR_RUNTIME);
    for (int i = 0; i < 8; i++) stoffel_set_unit(vm, i);
    stoffel_call(vm, "create_object", 0); /* replace the last result */
    stoffel_set_unit(vm, 0);
    CHECK(stoffel_collect_garbage(vm) == STOFFEL_OK); /* the library handle goes */
    stoffel_set_handle(vm, 1, sqrt_fn);
    stoffel_set_float(vm, 2, 16.0);
    CHECK(stoffel_call(vm, "Ffi.call", 2) == STOFFEL_OK);
    double d = 0;
    CHECK(stoffel_get_float(vm, 0, &d) == STOFFEL_OK && d == 4.0);
    CHECK(stoffel_release_handle(vm, sqrt_fn) == STOFFEL_OK);
    for (int i = 0; i < 8; i++) stoffel_set_unit(vm, i);
    stoffel_call(vm, "create_object", 0);
    CHECK(stoffel_collect_garbage(vm) == STOFFEL_OK); /* the function goes: dlclose */

    /* Many opens in a loop are collected (no handle leak). */
    for (int i = 0; i < 200; i++) {
        if (ffi_open(vm, "libm.so.6") != STOFFEL_OK) {
            CHECK(0);
            break;
        }
        stoffel_copy_slot(vm, 7, 0);
        if (ffi_bind(vm, 7, "cos", "double(double)") != STOFFEL_OK) {
            CHECK(0);
            break;
        }
    }
    CHECK(stoffel_collect_garbage(vm) == STOFFEL_OK);
    stoffel_free(vm);
}

/* Deterministic garbage: random signatures and argument types. */
static uint32_t rng = 12345;
static uint32_t next_rand(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

TEST(test_garbage_never_crashes)
{
    static const char alphabet[] = "intuvoedblsgfrph_(), 8136420 *";
    StoffelVM *vm = stoffel_new(NULL);
    CHECK(ffi_open(vm, "libm.so.6") == STOFFEL_OK);
    stoffel_copy_slot(vm, 7, 0);
    int parsed = 0, unpositioned = 0;
    for (int i = 0; i < 3000; i++) {
        char sig[24];
        size_t len = next_rand() % sizeof sig;
        for (size_t k = 0; k < len; k++) sig[k] = alphabet[next_rand() % (sizeof alphabet - 1)];
        FfiSignature s;
        char err[160];
        if (ffi_parse_signature(sig, len, &s, err, sizeof err) == 0)
            parsed++;
        else if (!strstr(err, "column"))
            unpositioned++;
    }
    CHECK(parsed < 3000);
    CHECK_MSG(unpositioned == 0, "%d errors without a position", unpositioned);
    /* cos with every kind of wrong argument: errors, never a crash. */
    CHECK(ffi_bind(vm, 7, "cos", "double(double)") == STOFFEL_OK);
    stoffel_copy_slot(vm, 6, 0);
    for (int kind = 0; kind < 8; kind++) {
        stoffel_copy_slot(vm, 1, 6);
        switch (kind) {
        case 0: stoffel_set_int(vm, 2, 1); break;
        case 1: stoffel_set_string(vm, 2, "1.0"); break;
        case 2: stoffel_set_bool(vm, 2, 1); break;
        case 3: stoffel_set_unit(vm, 2); break;
        case 4: stoffel_new_array(vm, 2); break;
        case 5: stoffel_new_object(vm, 2); break;
        case 6: stoffel_copy_slot(vm, 2, 7); break;
        default: stoffel_new_foreign(vm, 2, NULL, NULL, NULL); break;
        }
        CHECK(stoffel_call(vm, "Ffi.call", 2) == STOFFEL_ERROR_RUNTIME);
        CHECK(strstr(stoffel_last_error(vm)->message, "cos: argument 1 must be a float (double)") != NULL);
    }
    /* Binding with non-string symbol or signature. */
    stoffel_copy_slot(vm, 1, 7);
    stoffel_set_int(vm, 2, 5);
    stoffel_set_string(vm, 3, "int()");
    CHECK(stoffel_call(vm, "Ffi.bind", 3) == STOFFEL_ERROR_RUNTIME);
    stoffel_set_string(vm, 2, "cos");
    stoffel_set_int(vm, 3, 5);
    CHECK(stoffel_call(vm, "Ffi.bind", 3) == STOFFEL_ERROR_RUNTIME);
    CHECK(stoffel_call(vm, "Ffi.bind", 2) == STOFFEL_ERROR_RUNTIME);
    stoffel_set_string_len(vm, 1, "libm\0.so", 8);
    CHECK(stoffel_call(vm, "Ffi.open", 1) == STOFFEL_ERROR_RUNTIME);
    stoffel_free(vm);
}

int main(void)
{
    RUN(test_signature_parser);
    RUN(test_cos_and_strlen);
    RUN(test_handle_lifetimes);
    RUN(test_garbage_never_crashes);
    return unit_report();
}
