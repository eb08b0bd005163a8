/* Tests of the upstream-compatible C API (include/stoffel_vm.h): the return
 * codes of spec/vm-core.md §11, the fixes of docs/compat.md "C API" (NULL
 * checks, validated ids, bool as int, closure ids, callback strings), the
 * MPC stubs, and 10,000 create/execute/destroy cycles. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/asm.h"
#include "bytecode/stfl.h"
#include "stoffel.h"
#include "stoffel_vm.h"
#include "unit.h"

static const char *const PROG = ".function main\n"
                                "    LDI r0, 42\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function add params=a,b\n"
                                "    ADD r0, r0, r1\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function ident params=x\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function boom\n"
                                "    LDI r0, 1\n"
                                "    LDI r1, 0\n"
                                "    DIV r0, r0, r1\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function make_obj\n"
                                "    CALL create_object\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function make_arr\n"
                                "    CALL create_array\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function big\n"
                                "    LDI r0, 18446744073709551615u64\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function narrow\n"
                                "    LDI r0, -5i8\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function nul_string\n"
                                "    LDI r0, \"a\\0b\"\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function make_closure\n"
                                "    LDI r1, \"seven\"\n"
                                "    PUSHARG r1\n"
                                "    CALL create_closure\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function seven\n"
                                "    LDI r0, 7\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function run_closure params=c\n"
                                "    PUSHARG r0\n"
                                "    CALL call_closure\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function call_cb params=x\n"
                                "    PUSHARG r0\n"
                                "    CALL cb\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function call_cb2 params=x,y\n"
                                "    PUSHARG r0\n"
                                "    PUSHARG r1\n"
                                "    CALL cb\n"
                                "    RET r0\n"
                                ".end\n";

/* The program as .stflb bytes (malloc'd). */
static uint8_t *prog_bytes(size_t *len)
{
    StfProgram p;
    AsmError ae;
    StflError se;
    uint8_t *out = NULL;
    if (asm_parse(PROG, strlen(PROG), &p, &ae) != 0) {
        fprintf(stderr, "asm: %u:%u %s\n", ae.line, ae.col, ae.message);
        return NULL;
    }
    if (stfl_write(&p, &out, len, &se) != 0) out = NULL;
    stf_program_free(&p);
    return out;
}

static uint8_t *BIN;
static size_t BIN_LEN;

static VMHandle loaded(void)
{
    VMHandle vm = stoffel_create_vm();
    if (vm && stoffel_load_bytecode(vm, BIN, BIN_LEN) != 0) {
        stoffel_destroy_vm(vm);
        return NULL;
    }
    return vm;
}

static StoffelValue ival(int64_t x)
{
    StoffelValue v;
    memset(&v, 0, sizeof v);
    v.value_type = STOFFEL_VALUE_INT;
    v.data.int_val = x;
    return v;
}

TEST(test_execute_codes)
{
    VMHandle vm = loaded();
    CHECK(vm != NULL);
    if (!vm) return;
    StoffelValue r;
    CHECK(stoffel_execute(vm, "main", &r) == 0 && r.value_type == STOFFEL_VALUE_INT && r.data.int_val == 42);
    CHECK(stoffel_execute(NULL, "main", &r) == -1);
    CHECK(stoffel_execute(vm, NULL, &r) == -1);
    CHECK(stoffel_execute(vm, "main", NULL) == -1);
    CHECK(stoffel_execute(vm, "ma\xffin", &r) == -2);
    CHECK(stoffel_execute(vm, "nope", &r) == -3);
    CHECK(stoffel_execute(vm, "boom", &r) == -3);
    CHECK_STR(stoffel_last_error(stoffel_from_handle(vm))->message, "Division by zero");
    CHECK(stoffel_execute(vm, "add", &r) == -3);   /* arity */
    CHECK(stoffel_execute(vm, "print", &r) == -3); /* foreign entry */
    CHECK(stoffel_execute(vm, "big", &r) == -4);   /* U64 above INT64_MAX */
    CHECK(stoffel_execute(vm, "nul_string", &r) == -4);
    CHECK(stoffel_execute(vm, "narrow", &r) == 0 && r.value_type == STOFFEL_VALUE_INT && r.data.int_val == -5);

    StoffelValue args[2] = { ival(40), ival(2) };
    CHECK(stoffel_execute_with_args(vm, "add", args, 2, &r) == 0 && r.data.int_val == 42);
    CHECK(stoffel_execute_with_args(NULL, "add", args, 2, &r) == -1);
    CHECK(stoffel_execute_with_args(vm, NULL, args, 2, &r) == -1);
    CHECK(stoffel_execute_with_args(vm, "add", NULL, 2, &r) == -1);
    CHECK(stoffel_execute_with_args(vm, "add", args, 2, NULL) == -1);
    CHECK(stoffel_execute_with_args(vm, "add", args, -1, &r) == -1);
    CHECK(stoffel_execute_with_args(vm, "add", args, 1025, &r) == -1);
    CHECK(stoffel_execute_with_args(vm, "\xc3", args, 2, &r) == -2);
    CHECK(stoffel_execute_with_args(vm, "main", NULL, 0, &r) == 0 && r.data.int_val == 42);
    CHECK(stoffel_execute_with_args(vm, "add", args, 1, &r) == -4); /* arity */
    CHECK(stoffel_execute_with_args(vm, "nope", args, 0, &r) == -4);
    CHECK(stoffel_execute_with_args(vm, "big", NULL, 0, &r) == -5);

    StoffelValue bad;
    memset(&bad, 0, sizeof bad);
    bad.value_type = STOFFEL_VALUE_STRING;
    bad.data.string_val = NULL;
    CHECK(stoffel_execute_with_args(vm, "ident", &bad, 1, &r) == -3);
    bad.data.string_val = "\xff\xfe";
    CHECK(stoffel_execute_with_args(vm, "ident", &bad, 1, &r) == -3);
    bad.value_type = (StoffelValueType)42;
    CHECK(stoffel_execute_with_args(vm, "ident", &bad, 1, &r) == -3);
    bad.value_type = STOFFEL_VALUE_OBJECT;
    bad.data.object_id = 999999;
    CHECK(stoffel_execute_with_args(vm, "ident", &bad, 1, &r) == -3);
    CHECK(strstr(stoffel_last_error(stoffel_from_handle(vm))->message, "unknown object id 999999") != NULL);
    bad.value_type = STOFFEL_VALUE_CLOSURE;
    bad.data.closure_id = 0;
    CHECK(stoffel_execute_with_args(vm, "ident", &bad, 1, &r) == -3);
    bad.value_type = STOFFEL_VALUE_FOREIGN;
    bad.data.foreign_id = (size_t)-1;
    CHECK(stoffel_execute_with_args(vm, "ident", &bad, 1, &r) == -3);

    /* Strings both ways; results are the caller's to free. */
    StoffelValue s;
    CHECK(stoffel_create_string(vm, "héllo", &s) == 0 && s.value_type == STOFFEL_VALUE_STRING);
    CHECK(stoffel_execute_with_args(vm, "ident", &s, 1, &r) == 0 && r.value_type == STOFFEL_VALUE_STRING);
    CHECK_STR(r.data.string_val, "héllo");
    CHECK(r.data.string_val != s.data.string_val);
    stoffel_free_string((char *)r.data.string_val);
    stoffel_free_string((char *)s.data.string_val);
    stoffel_free_string(NULL);
    CHECK(stoffel_create_string(NULL, "x", &s) == -1);
    CHECK(stoffel_create_string(vm, NULL, &s) == -1);
    CHECK(stoffel_create_string(vm, "x", NULL) == -1);
    CHECK(stoffel_create_string(vm, "\xff", &s) == -2);

    /* Floats and bools: bool_val is a full int; any non-zero is true. */
    StoffelValue f;
    memset(&f, 0, sizeof f);
    f.value_type = STOFFEL_VALUE_FLOAT;
    f.data.float_val = -0.25;
    CHECK(stoffel_execute_with_args(vm, "ident", &f, 1, &r) == 0 && r.value_type == STOFFEL_VALUE_FLOAT &&
          r.data.float_val == -0.25);
    StoffelValue b;
    memset(&b, 0, sizeof b);
    b.value_type = STOFFEL_VALUE_BOOL;
    b.data.bool_val = 256; /* upstream reads only the low byte: false */
    memset(&r, 0xAB, sizeof r);
    CHECK(stoffel_execute_with_args(vm, "ident", &b, 1, &r) == 0 && r.value_type == STOFFEL_VALUE_BOOL);
    CHECK(r.data.bool_val == 1);
    CHECK(r.data.int_val == 1); /* the rest of the union is zero */
    b.data.bool_val = 0;
    CHECK(stoffel_execute_with_args(vm, "ident", &b, 1, &r) == 0 && r.data.bool_val == 0);
    StoffelValue u;
    memset(&u, 0, sizeof u);
    CHECK(stoffel_execute_with_args(vm, "ident", &u, 1, &r) == 0 && r.value_type == STOFFEL_VALUE_UNIT);
    stoffel_destroy_vm(vm);
    stoffel_destroy_vm(NULL);
}

TEST(test_ids_and_closures)
{
    VMHandle vm = loaded();
    if (!vm) {
        CHECK(0);
        return;
    }
    StoffelValue o, a, c, r;
    CHECK(stoffel_execute(vm, "make_obj", &o) == 0 && o.value_type == STOFFEL_VALUE_OBJECT && o.data.object_id >= 1);
    CHECK(stoffel_execute(vm, "make_arr", &a) == 0 && a.value_type == STOFFEL_VALUE_ARRAY);
    CHECK(a.data.array_id != o.data.object_id); /* one id counter for both */
    /* Make garbage and collect: ids handed to C stay valid. */
    for (int i = 0; i < 50; i++) stoffel_execute(vm, "make_obj", &r);
    stoffel_collect_garbage(stoffel_from_handle(vm));
    CHECK(stoffel_execute_with_args(vm, "ident", &o, 1, &r) == 0 && r.value_type == STOFFEL_VALUE_OBJECT &&
          r.data.object_id == o.data.object_id);
    CHECK(stoffel_execute_with_args(vm, "ident", &a, 1, &r) == 0 && r.data.array_id == a.data.array_id);
    /* An object id of the wrong kind is unknown. */
    StoffelValue wrong = o;
    wrong.value_type = STOFFEL_VALUE_ARRAY;
    CHECK(stoffel_execute_with_args(vm, "ident", &wrong, 1, &r) == -3);

    /* Closures get ids and round-trip. */
    CHECK(stoffel_execute(vm, "make_closure", &c) == 0 && c.value_type == STOFFEL_VALUE_CLOSURE);
    CHECK(c.data.closure_id >= 1);
    StoffelValue c2;
    CHECK(stoffel_execute_with_args(vm, "ident", &c, 1, &c2) == 0 && c2.data.closure_id == c.data.closure_id);
    CHECK(stoffel_execute_with_args(vm, "run_closure", &c, 1, &r) == 0 && r.data.int_val == 7);
    c.data.closure_id += 100;
    CHECK(stoffel_execute_with_args(vm, "run_closure", &c, 1, &r) == -3);

    /* Foreign objects. */
    static int thing;
    StoffelValue fo, fo2;
    CHECK(stoffel_register_foreign_object(vm, &thing, &fo) == 0 && fo.value_type == STOFFEL_VALUE_FOREIGN);
    CHECK(fo.data.foreign_id == 1);
    CHECK(stoffel_register_foreign_object(vm, &thing, &fo2) == 0 && fo2.data.foreign_id == 2);
    CHECK(stoffel_register_foreign_object(NULL, &thing, &fo2) == -1);
    CHECK(stoffel_register_foreign_object(vm, NULL, &fo2) == -1);
    CHECK(stoffel_register_foreign_object(vm, &thing, NULL) == -1);
    stoffel_collect_garbage(stoffel_from_handle(vm));
    CHECK(stoffel_execute_with_args(vm, "ident", &fo, 1, &r) == 0 && r.value_type == STOFFEL_VALUE_FOREIGN &&
          r.data.foreign_id == 1);
    stoffel_destroy_vm(vm);
}

/* Callbacks of several shapes. */
static char seen_text[64];
static int cb_count;
static int cb_echo_string(const StoffelValue *args, int argc, StoffelValue *result)
{
    cb_count++;
    if (argc != 1) return -1;
    if (args[0].value_type == STOFFEL_VALUE_STRING) {
        snprintf(seen_text, sizeof seen_text, "%s", args[0].data.string_val);
        result->value_type = STOFFEL_VALUE_STRING;
        result->data.string_val = "from C"; /* copied by the VM */
        return 0;
    }
    if (args[0].value_type == STOFFEL_VALUE_INT && args[0].data.int_val == 13) return 13;
    if (args[0].value_type == STOFFEL_VALUE_INT && args[0].data.int_val == 14) {
        result->value_type = STOFFEL_VALUE_OBJECT;
        result->data.object_id = 424242; /* unknown id: an error, not UB */
        return 0;
    }
    if (args[0].value_type == STOFFEL_VALUE_INT && args[0].data.int_val == 15) {
        result->value_type = STOFFEL_VALUE_STRING;
        result->data.string_val = NULL;
        return 0;
    }
    if (args[0].value_type == STOFFEL_VALUE_INT && args[0].data.int_val == 16) {
        result->value_type = (StoffelValueType)77;
        return 0;
    }
    *result = args[0];
    return 0;
}

TEST(test_callbacks)
{
    VMHandle vm = loaded();
    if (!vm) {
        CHECK(0);
        return;
    }
    CHECK(stoffel_register_foreign_function(vm, "cb", cb_echo_string) == 0);
    CHECK(stoffel_register_foreign_function(vm, "cb", cb_echo_string) == -3);
    CHECK(stoffel_register_foreign_function(vm, "print", cb_echo_string) == -3);
    CHECK(stoffel_register_foreign_function(NULL, "x", cb_echo_string) == -1);
    CHECK(stoffel_register_foreign_function(vm, NULL, cb_echo_string) == -1);
    CHECK(stoffel_register_foreign_function(vm, "x", NULL) == -1);
    CHECK(stoffel_register_foreign_function(vm, "\xff", cb_echo_string) == -2);

    StoffelValue s, r;
    CHECK(stoffel_create_string(vm, "to C", &s) == 0);
    CHECK(stoffel_execute_with_args(vm, "call_cb", &s, 1, &r) == 0 && r.value_type == STOFFEL_VALUE_STRING);
    CHECK_STR(seen_text, "to C");
    CHECK_STR(r.data.string_val, "from C");
    stoffel_free_string((char *)r.data.string_val);
    stoffel_free_string((char *)s.data.string_val);

    /* A foreign function called directly by name. */
    StoffelValue x = ival(5);
    CHECK(stoffel_execute_with_args(vm, "cb", &x, 1, &r) == 0 && r.data.int_val == 5);

    StoffelValue e = ival(13);
    CHECK(stoffel_execute_with_args(vm, "call_cb", &e, 1, &r) == -4);
    CHECK_STR(stoffel_last_error(stoffel_from_handle(vm))->message,
              "Foreign function cb failed: Foreign function returned error code: 13");
    e = ival(14);
    CHECK(stoffel_execute_with_args(vm, "call_cb", &e, 1, &r) == -4);
    CHECK(strstr(stoffel_last_error(stoffel_from_handle(vm))->message, "unknown object id 424242") != NULL);
    e = ival(15);
    CHECK(stoffel_execute_with_args(vm, "call_cb", &e, 1, &r) == -4);
    e = ival(16);
    CHECK(stoffel_execute_with_args(vm, "call_cb", &e, 1, &r) == -4);
    StoffelValue two[2] = { ival(1), ival(2) };
    CHECK(stoffel_execute_with_args(vm, "call_cb2", two, 2, &r) == -4); /* callback returns -1 */
    CHECK(strstr(stoffel_last_error(stoffel_from_handle(vm))->message, "error code: -1") != NULL);
    /* The VM stays usable. */
    CHECK(stoffel_execute(vm, "main", &r) == 0 && r.data.int_val == 42);
    stoffel_destroy_vm(vm);
}

TEST(test_load_bytecode)
{
    VMHandle vm = stoffel_create_vm();
    CHECK(stoffel_load_bytecode(NULL, BIN, BIN_LEN) == -1);
    CHECK(stoffel_load_bytecode(vm, NULL, 4) == -1);
    CHECK(stoffel_load_bytecode(vm, (const uint8_t *)"XXXX", 4) == -2);
    CHECK(stoffel_load_bytecode(vm, BIN, BIN_LEN - 1) == -2);
    CHECK(stoffel_load_bytecode(vm, BIN, 0) == -2);
    CHECK(stoffel_load_bytecode(vm, BIN, BIN_LEN) == 0);
    CHECK(stoffel_load_bytecode(vm, BIN, BIN_LEN) == -3); /* names taken */
    /* Truncations and bit flips never crash. */
    uint8_t *copy = malloc(BIN_LEN);
    for (size_t i = 0; copy && i < BIN_LEN; i += 3) {
        memcpy(copy, BIN, BIN_LEN);
        copy[i] ^= 0x5a;
        VMHandle v2 = stoffel_create_vm();
        int rc = stoffel_load_bytecode(v2, copy, BIN_LEN);
        CHECK(rc == 0 || rc == -2 || rc == -3);
        stoffel_destroy_vm(v2);
    }
    free(copy);
    stoffel_destroy_vm(vm);
}

TEST(test_mpc_stubs)
{
    CHECK(hb_engine_new(1, 0, 4, 1, 10, 10, NULL) == NULL);
    hb_engine_free(NULL);
    CHECK(hb_engine_start_async(NULL) == HBEngineNullPointer);
    CHECK(hb_engine_is_ready(NULL) == 0);
    uint8_t *out = (uint8_t *)1;
    size_t len = 99;
    CShareType t = { 0, 64 };
    uint8_t share[4] = { 0 };
    CHECK(hb_engine_multiply_share_async(NULL, t, share, 4, share, 4, &out, &len) == HBEngineNullPointer);
    CHECK(out == NULL && len == 0);
    StoffelValue v;
    CHECK(hb_engine_open_share(NULL, t, share, 4, &v) == HBEngineNullPointer);
    CHECK(hb_engine_init_client_input(NULL, 1, share, 4) == HBEngineNullPointer);
    CHECK(hb_engine_get_client_shares(NULL, 1, &out, &len) == HBEngineNullPointer);
    CHECK(hb_engine_party_id(NULL) == 0 && hb_engine_instance_id(NULL) == 0);
    CHECK(hb_engine_protocol_name(NULL) == NULL);
    CHECK(hb_engine_get_network(NULL) == NULL);
    hb_network_free(NULL);
    hb_free_bytes(NULL, 0);
    CHECK(hb_engine_hydrate_to_vm(NULL, NULL) == HBEngineNullPointer);
}

/* Many VMs in a row: nothing accumulates (the ASan build checks leaks). */
TEST(test_cycles)
{
    StoffelValue r, args[2] = { ival(1), ival(2) };
    int ok = 0;
    for (int i = 0; i < 10000; i++) {
        VMHandle vm = stoffel_create_vm();
        if (!vm) break;
        if (stoffel_load_bytecode(vm, BIN, BIN_LEN) == 0 && stoffel_execute(vm, "main", &r) == 0 &&
            r.data.int_val == 42 && stoffel_execute_with_args(vm, "add", args, 2, &r) == 0 && r.data.int_val == 3)
            ok++;
        stoffel_destroy_vm(vm);
    }
    CHECK_MSG(ok == 10000, "%d of 10000 cycles ran", ok);
}

int main(void)
{
    BIN = prog_bytes(&BIN_LEN);
    CHECK(BIN != NULL);
    if (!BIN) return unit_report();
    RUN(test_execute_codes);
    RUN(test_ids_and_closures);
    RUN(test_callbacks);
    RUN(test_load_bytecode);
    RUN(test_mpc_stubs);
    RUN(test_cycles);
    free(BIN);
    return unit_report();
}
