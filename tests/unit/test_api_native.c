/* Tests of the native embedding API (include/stoffel.h): loading, calls,
 * values in and out, foreign functions and objects, handles, hooks, errors,
 * configuration callbacks and limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include "stoffel.h"
#include "unit.h"

static const char *const PROG = ".function add params=a,b\n"
                                "    ADD r0, r0, r1\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function ident params=x\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function fail\n"
                                "    LDI r0, 1\n"
                                "    LDI r1, 0\n"
                                "    DIV r2, r0, r1\n"
                                "    RET r2\n"
                                ".end\n"
                                ".function greet\n"
                                "    LDI r1, \"hi there\"\n"
                                "    PUSHARG r1\n"
                                "    CALL print\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function use_host params=x\n"
                                "    PUSHARG r0\n"
                                "    LDI r1, 10\n"
                                "    PUSHARG r1\n"
                                "    CALL host_mul\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function call_failing\n"
                                "    CALL host_fail\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function make_counter\n"
                                "    LDI r1, 5\n"
                                "    LDI r2, \"bump\"\n"
                                "    PUSHARG r2\n"
                                "    CALL create_closure\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function bump\n"
                                "    LDI r0, 41\n"
                                "    LDI r1, 1\n"
                                "    ADD r0, r0, r1\n"
                                "    RET r0\n"
                                ".end\n"
                                ".function loop\n"
                                "    LDI r0, 0\n"
                                "    LDI r1, 1\n"
                                "top:\n"
                                "    ADD r0, r0, r1\n"
                                "    JMP top\n"
                                ".end\n"
                                ".function rec params=n\n" /* not a tail call: it recurses without end */
                                "    PUSHARG r0\n"
                                "    CALL rec\n"
                                "    MOV r1, r0\n"
                                "    RET r1\n"
                                ".end\n"
                                ".function reenter params=x\n"
                                "    PUSHARG r0\n"
                                "    CALL host_reenter\n"
                                "    RET r0\n"
                                ".end\n";

static StoffelVM *new_loaded(const StoffelConfig *cfg)
{
    StoffelVM *vm = stoffel_new(cfg);
    if (vm && stoffel_load(vm, PROG, strlen(PROG), "prog.s") != STOFFEL_OK) {
        fprintf(stderr, "load: %s\n", stoffel_last_error(vm)->message);
        stoffel_free(vm);
        return NULL;
    }
    return vm;
}

TEST(test_call_and_values)
{
    StoffelVM *vm = new_loaded(NULL);
    CHECK(vm != NULL);
    if (!vm) return;
    CHECK(stoffel_slot_count(vm) == 1);
    CHECK(stoffel_ensure_slots(vm, 3) == STOFFEL_OK);
    CHECK(stoffel_set_int(vm, 1, 40) == STOFFEL_OK);
    CHECK(stoffel_set_int(vm, 2, 2) == STOFFEL_OK);
    CHECK(stoffel_call(vm, "add", 2) == STOFFEL_OK);
    int64_t i = 0;
    CHECK(stoffel_slot_type(vm, 0) == STOFFEL_TYPE_I64);
    CHECK(stoffel_get_int(vm, 0, &i) == STOFFEL_OK && i == 42);

    /* Every scalar type round-trips through ident. */
    CHECK(stoffel_set_float(vm, 1, 2.5) == STOFFEL_OK && stoffel_call(vm, "ident", 1) == STOFFEL_OK);
    double d = 0;
    CHECK(stoffel_get_float(vm, 0, &d) == STOFFEL_OK && d == 2.5);
    CHECK(stoffel_set_bool(vm, 1, 7) == STOFFEL_OK && stoffel_call(vm, "ident", 1) == STOFFEL_OK);
    int b = 0;
    CHECK(stoffel_get_bool(vm, 0, &b) == STOFFEL_OK && b == 1);
    CHECK(stoffel_set_string_len(vm, 1, "a\0b", 3) == STOFFEL_OK && stoffel_call(vm, "ident", 1) == STOFFEL_OK);
    const char *s = NULL;
    size_t len = 0;
    CHECK(stoffel_get_string(vm, 0, &s, &len) == STOFFEL_OK && len == 3 && memcmp(s, "a\0b", 3) == 0);
    CHECK(stoffel_set_unit(vm, 1) == STOFFEL_OK && stoffel_call(vm, "ident", 1) == STOFFEL_OK);
    CHECK(stoffel_slot_type(vm, 0) == STOFFEL_TYPE_UNIT);
    CHECK(stoffel_set_int_as(vm, 1, STOFFEL_TYPE_U8, 255) == STOFFEL_OK && stoffel_call(vm, "ident", 1) == STOFFEL_OK);
    CHECK(stoffel_slot_type(vm, 0) == STOFFEL_TYPE_U8);
    CHECK(stoffel_get_int(vm, 0, &i) == STOFFEL_OK && i == 255);
    CHECK(stoffel_set_int_as(vm, 1, STOFFEL_TYPE_U8, 256) == STOFFEL_ERROR_RANGE);
    CHECK(stoffel_set_int_as(vm, 1, STOFFEL_TYPE_I8, -128) == STOFFEL_OK);
    CHECK(stoffel_set_int_as(vm, 1, STOFFEL_TYPE_I8, -129) == STOFFEL_ERROR_RANGE);
    CHECK(stoffel_set_int_as(vm, 1, STOFFEL_TYPE_U32, -1) == STOFFEL_ERROR_RANGE);
    CHECK(stoffel_set_int_as(vm, 1, STOFFEL_TYPE_FLOAT, 1) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_set_uint64(vm, 1, UINT64_MAX) == STOFFEL_OK);
    uint64_t u = 0;
    CHECK(stoffel_get_uint64(vm, 1, &u) == STOFFEL_OK && u == UINT64_MAX);
    CHECK(stoffel_get_int(vm, 1, &i) == STOFFEL_ERROR_RANGE);
    CHECK(stoffel_set_int(vm, 1, -1) == STOFFEL_OK && stoffel_get_uint64(vm, 1, &u) == STOFFEL_ERROR_RANGE);

    /* Type errors, bad slots, NULL outputs. */
    CHECK(stoffel_get_float(vm, 1, &d) == STOFFEL_ERROR_TYPE);
    CHECK(strstr(stoffel_last_error(vm)->message, "int64") != NULL);
    CHECK(stoffel_get_int(vm, 3, &i) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_get_int(vm, -1, &i) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_get_int(vm, 0, NULL) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_slot_type(vm, 99) == STOFFEL_TYPE_INVALID);
    CHECK(stoffel_set_string(vm, 1, NULL) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_set_string(vm, 1, "\xff") == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_copy_slot(vm, 2, 1) == STOFFEL_OK);
    CHECK(stoffel_copy_slot(vm, 2, 9) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_ensure_slots(vm, -1) == STOFFEL_ERROR_INVALID);
    CHECK_STR(stoffel_type_name(STOFFEL_TYPE_STRING), "string");
    CHECK_STR(stoffel_type_name(STOFFEL_TYPE_UNIT), "nil");
    CHECK_STR(stoffel_type_name((StoffelType)99), "invalid");
    CHECK_STR(stoffel_result_name(STOFFEL_ERROR_RUNTIME), "runtime error");
    stoffel_free(vm);
}

TEST(test_arrays_objects)
{
    StoffelVM *vm = new_loaded(NULL);
    if (!vm) {
        CHECK(0);
        return;
    }
    CHECK(stoffel_ensure_slots(vm, 6) == STOFFEL_OK);
    CHECK(stoffel_new_array(vm, 1) == STOFFEL_OK);
    for (int k = 0; k < 5; k++) {
        CHECK(stoffel_set_int(vm, 2, k * k) == STOFFEL_OK);
        CHECK(stoffel_array_push(vm, 1, 2) == STOFFEL_OK);
    }
    CHECK(stoffel_set_string(vm, 2, "x") == STOFFEL_OK);
    CHECK(stoffel_array_set(vm, 1, 7, 2) == STOFFEL_OK);
    CHECK(stoffel_call(vm, "ident", 1) == STOFFEL_OK);
    int64_t n = 0, v = 0;
    CHECK(stoffel_array_length(vm, 0, &n) == STOFFEL_OK && n == 8);
    CHECK(stoffel_array_get(vm, 0, 3, 3) == STOFFEL_OK && stoffel_get_int(vm, 3, &v) == STOFFEL_OK && v == 9);
    CHECK(stoffel_array_get(vm, 0, 5, 3) == STOFFEL_OK && stoffel_slot_type(vm, 3) == STOFFEL_TYPE_UNIT);
    CHECK(stoffel_array_get(vm, 0, 8, 3) == STOFFEL_ERROR_RANGE);
    CHECK(stoffel_array_get(vm, 0, -1, 3) == STOFFEL_ERROR_RANGE);
    CHECK(stoffel_array_set(vm, 0, -1, 3) == STOFFEL_ERROR_RANGE);
    CHECK(stoffel_array_length(vm, 2, &n) == STOFFEL_ERROR_TYPE);
    uint64_t id = 0;
    CHECK(stoffel_get_id(vm, 0, &id) == STOFFEL_OK && id >= 1);

    CHECK(stoffel_new_object(vm, 1) == STOFFEL_OK);
    CHECK(stoffel_set_string(vm, 2, "name") == STOFFEL_OK && stoffel_set_string(vm, 3, "stoffel") == STOFFEL_OK);
    CHECK(stoffel_object_set(vm, 1, 2, 3) == STOFFEL_OK);
    CHECK(stoffel_set_int(vm, 2, 7) == STOFFEL_OK && stoffel_set_float(vm, 3, 0.5) == STOFFEL_OK);
    CHECK(stoffel_object_set(vm, 1, 2, 3) == STOFFEL_OK);
    size_t count = 0;
    CHECK(stoffel_object_count(vm, 1, &count) == STOFFEL_OK && count == 2);
    CHECK(stoffel_set_string(vm, 2, "name") == STOFFEL_OK && stoffel_object_get(vm, 1, 2, 4) == STOFFEL_OK);
    const char *s = NULL;
    CHECK(stoffel_get_string(vm, 4, &s, NULL) == STOFFEL_OK && s && strcmp(s, "stoffel") == 0);
    CHECK(stoffel_set_string(vm, 2, "missing") == STOFFEL_OK);
    CHECK(stoffel_object_get(vm, 1, 2, 4) == STOFFEL_ERROR_NOT_FOUND);
    uint32_t cursor = 0;
    int seen = 0;
    while (stoffel_object_next(vm, 1, &cursor, 4, 5) == STOFFEL_OK) seen++;
    CHECK(seen == 2);
    CHECK(stoffel_last_error(vm)->result == STOFFEL_ERROR_NOT_FOUND);
    cursor = 0;
    CHECK(stoffel_object_next(vm, 1, &cursor, 4, 5) == STOFFEL_OK && stoffel_slot_type(vm, 4) == STOFFEL_TYPE_STRING);
    CHECK(stoffel_object_next(vm, 1, NULL, 4, 5) == STOFFEL_ERROR_INVALID);
    stoffel_free(vm);
}

/* host_mul(a, b) = a * b, with user data counting calls. */
static int host_mul(StoffelVM *vm, int argc, void *ud)
{
    int64_t a, b;
    ++*(int *)ud;
    if (argc != 2 || stoffel_get_int(vm, 1, &a) != STOFFEL_OK || stoffel_get_int(vm, 2, &b) != STOFFEL_OK) {
        stoffel_set_error(vm, "host_mul wants two integers");
        return 1;
    }
    return stoffel_set_int(vm, 0, a * b) == STOFFEL_OK ? 0 : 1;
}

static int host_fail(StoffelVM *vm, int argc, void *ud)
{
    (void)vm;
    (void)argc;
    (void)ud;
    return 7;
}

/* Calls back into the VM: reenter(x) -> host_reenter(x) -> add(x, 1). */
static int host_reenter(StoffelVM *vm, int argc, void *ud)
{
    (void)ud;
    if (argc != 1 || stoffel_ensure_slots(vm, 3) != STOFFEL_OK) return 1;
    if (stoffel_copy_slot(vm, 2, 1) != STOFFEL_OK) return 1;
    stoffel_set_int(vm, 2, 1);
    stoffel_copy_slot(vm, 1, 1);
    return stoffel_call(vm, "add", 2) == STOFFEL_OK ? 0 : 1;
}

TEST(test_foreign_functions)
{
    StoffelVM *vm = stoffel_new(NULL);
    int calls = 0;
    CHECK(stoffel_register_function(vm, "host_mul", host_mul, &calls) == STOFFEL_OK);
    CHECK(stoffel_register_function(vm, "host_fail", host_fail, NULL) == STOFFEL_OK);
    CHECK(stoffel_register_function(vm, "host_reenter", host_reenter, NULL) == STOFFEL_OK);
    CHECK(stoffel_register_function(vm, "host_mul", host_mul, NULL) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_register_function(vm, "print", host_mul, NULL) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_register_function(vm, "x", NULL, NULL) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_register_function(vm, NULL, host_mul, NULL) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_register_function(vm, "", host_mul, NULL) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_load(vm, PROG, strlen(PROG), "prog.s") == STOFFEL_OK);
    CHECK(stoffel_has_function(vm, "use_host") == 1 && stoffel_has_function(vm, "nope") == 0);

    stoffel_ensure_slots(vm, 3);
    stoffel_set_int(vm, 1, 6);
    CHECK(stoffel_call(vm, "use_host", 1) == STOFFEL_OK);
    int64_t v = 0;
    CHECK(stoffel_get_int(vm, 0, &v) == STOFFEL_OK && v == 60 && calls == 1);
    /* The host's window is back after the callback. */
    CHECK(stoffel_slot_count(vm) == 3);

    /* A foreign function called directly. */
    stoffel_set_int(vm, 1, 3);
    stoffel_set_int(vm, 2, 4);
    CHECK(stoffel_call(vm, "host_mul", 2) == STOFFEL_OK && stoffel_get_int(vm, 0, &v) == STOFFEL_OK && v == 12);

    /* Errors: message from stoffel_set_error, or the error code. */
    stoffel_set_string(vm, 1, "six");
    CHECK(stoffel_call(vm, "use_host", 1) == STOFFEL_ERROR_RUNTIME);
    CHECK_STR(stoffel_last_error(vm)->message, "Foreign function host_mul failed: host_mul wants two integers");
    CHECK_STR(stoffel_last_error(vm)->function, "use_host");
    CHECK(stoffel_last_error(vm)->instruction == 3);
    CHECK(stoffel_call(vm, "call_failing", 0) == STOFFEL_ERROR_RUNTIME);
    CHECK_STR(stoffel_last_error(vm)->message,
              "Foreign function host_fail failed: Foreign function returned error code: 7");

    /* Re-entry from a callback. */
    stoffel_set_int(vm, 1, 41);
    CHECK(stoffel_call(vm, "reenter", 1) == STOFFEL_OK && stoffel_get_int(vm, 0, &v) == STOFFEL_OK && v == 42);
    stoffel_free(vm);
}

TEST(test_errors)
{
    StoffelVM *vm = new_loaded(NULL);
    if (!vm) {
        CHECK(0);
        return;
    }
    CHECK(stoffel_call(vm, "fail", 0) == STOFFEL_ERROR_RUNTIME);
    const StoffelError *e = stoffel_last_error(vm);
    CHECK(e->result == STOFFEL_ERROR_RUNTIME);
    CHECK_STR(e->message, "Division by zero");
    CHECK_STR(e->function, "fail");
    CHECK(e->instruction == 2);
    CHECK(stoffel_call(vm, "nope", 0) == STOFFEL_ERROR_NOT_FOUND);
    CHECK_STR(stoffel_last_error(vm)->message, "Function nope not found");
    CHECK(stoffel_call(vm, "add", 1) == STOFFEL_ERROR_INVALID); /* window has 1 slot */
    CHECK(stoffel_ensure_slots(vm, 2) == STOFFEL_OK);
    CHECK(stoffel_call(vm, "add", 1) == STOFFEL_ERROR_RUNTIME); /* arity */
    CHECK_STR(stoffel_last_error(vm)->message, "Function add expects 2 arguments but got 1");
    CHECK(stoffel_call(vm, "add", -1) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_call(vm, NULL, 0) == STOFFEL_ERROR_INVALID);
    /* The VM is still usable after errors. */
    stoffel_ensure_slots(vm, 3);
    stoffel_set_int(vm, 1, 1);
    stoffel_set_int(vm, 2, 2);
    CHECK(stoffel_call(vm, "add", 2) == STOFFEL_OK);
    CHECK(stoffel_last_error(vm)->result == STOFFEL_OK);

    /* Load errors name the place. */
    const char *bad = ".function f\n    FROB r0\n.end\n";
    CHECK(stoffel_load(vm, bad, strlen(bad), "bad.s") == STOFFEL_ERROR_LOAD);
    e = stoffel_last_error(vm);
    CHECK(e->line == 2 && e->column == 5);
    CHECK(strncmp(e->message, "bad.s:2:5: error:", 17) == 0);
    const unsigned char bin[] = { 'S', 'T', 'F', 'L', 9, 0, 1, 0, 0, 0, 42 };
    CHECK(stoffel_load(vm, bin, sizeof bin, "bad.stflb") == STOFFEL_ERROR_LOAD);
    CHECK(stoffel_last_error(vm)->offset >= 6);
    CHECK(strstr(stoffel_last_error(vm)->message, "byte offset") != NULL);
    /* A program clashing with a registered name is rejected whole. */
    const char *clash = ".function fresh\n RET r0\n.end\n.function add\n RET r0\n.end\n";
    CHECK(stoffel_load(vm, clash, strlen(clash), NULL) == STOFFEL_ERROR_LOAD);
    CHECK(stoffel_has_function(vm, "fresh") == 0);
    CHECK(stoffel_load(vm, NULL, 5, NULL) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_load_file(vm, "/nonexistent/prog.s") == STOFFEL_ERROR_IO);
    CHECK(stoffel_load_file(vm, NULL) == STOFFEL_ERROR_INVALID);

    /* NULL VM everywhere: an error, never a crash. */
    int64_t i;
    CHECK(stoffel_last_error(NULL)->result == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_call(NULL, "x", 0) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_load(NULL, "", 0, NULL) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_get_int(NULL, 0, &i) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_set_int(NULL, 0, 1) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_slot_count(NULL) == 0);
    CHECK(stoffel_get_handle(NULL, 0) == 0);
    CHECK(stoffel_set_error(NULL, "x") == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_has_function(NULL, "print") == 0);
    stoffel_free(NULL);
    stoffel_free(vm);
}

static int finalized;
static void count_finalize(void *ptr, void *ud)
{
    (void)ud;
    finalized += *(int *)ptr;
}

TEST(test_handles_and_foreign)
{
    StoffelVM *vm = new_loaded(NULL);
    if (!vm) {
        CHECK(0);
        return;
    }
    CHECK(stoffel_ensure_slots(vm, 3) == STOFFEL_OK);
    CHECK(stoffel_call(vm, "make_counter", 0) == STOFFEL_OK);
    CHECK(stoffel_slot_type(vm, 0) == STOFFEL_TYPE_CLOSURE);
    StoffelHandle h = stoffel_get_handle(vm, 0);
    CHECK(h != 0);
    stoffel_set_unit(vm, 0);
    CHECK(stoffel_collect_garbage(vm) == STOFFEL_OK);
    CHECK(stoffel_set_handle(vm, 1, h) == STOFFEL_OK);
    CHECK(stoffel_call(vm, "call_closure", 1) == STOFFEL_OK);
    int64_t v = 0;
    CHECK(stoffel_get_int(vm, 0, &v) == STOFFEL_OK && v == 42);
    CHECK(stoffel_release_handle(vm, h) == STOFFEL_OK);
    CHECK(stoffel_release_handle(vm, h) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_set_handle(vm, 1, h) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_set_handle(vm, 1, 0) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_set_handle(vm, 1, 0x12345678ULL) == STOFFEL_ERROR_INVALID);
    /* A reused entry gets a new generation: the old handle stays dead. */
    StoffelHandle h2 = stoffel_get_handle(vm, 1);
    CHECK(h2 != 0 && h2 != h);
    CHECK(stoffel_set_handle(vm, 2, h) == STOFFEL_ERROR_INVALID);

    /* Foreign objects: the finalizer runs when collected, once. */
    static int weight = 1;
    finalized = 0;
    CHECK(stoffel_new_foreign(vm, 1, &weight, count_finalize, NULL) == STOFFEL_OK);
    void *p = NULL;
    CHECK(stoffel_get_foreign(vm, 1, &p) == STOFFEL_OK && p == &weight);
    uint64_t id = 0;
    CHECK(stoffel_get_id(vm, 1, &id) == STOFFEL_OK && id >= 1);
    CHECK(stoffel_call(vm, "ident", 1) == STOFFEL_OK && stoffel_slot_type(vm, 0) == STOFFEL_TYPE_FOREIGN);
    stoffel_collect_garbage(vm);
    CHECK(finalized == 0); /* slots 0 and 1 hold it */
    stoffel_set_unit(vm, 0);
    stoffel_set_unit(vm, 1);
    stoffel_collect_garbage(vm);
    CHECK(finalized == 0); /* still the VM's last result */
    CHECK(stoffel_call(vm, "ident", 1) == STOFFEL_OK);
    stoffel_collect_garbage(vm);
    CHECK(finalized == 1);
    CHECK(stoffel_new_foreign(vm, 1, &weight, count_finalize, NULL) == STOFFEL_OK);
    CHECK(stoffel_get_foreign(vm, 2, &p) == STOFFEL_ERROR_TYPE);
    stoffel_free(vm); /* left-over handle h2 too */
    CHECK(finalized == 2);
}

static size_t written;
static char outbuf[256];
static void write_cb(StoffelVM *vm, const char *text, size_t len)
{
    int *ud = stoffel_get_user_data(vm);
    ++*ud;
    if (written + len < sizeof outbuf) {
        memcpy(outbuf + written, text, len);
        written += len;
    }
}

static int error_calls;
static void error_cb(StoffelVM *vm, StoffelResult kind, const char *fn, int64_t instr, const char *msg)
{
    (void)vm;
    (void)fn;
    (void)instr;
    (void)msg;
    if (kind == STOFFEL_ERROR_RUNTIME || kind == STOFFEL_ERROR_LOAD) error_calls++;
}

static size_t alloc_live;
static void *counting_alloc(void *ud, void *ptr, size_t old_size, size_t new_size)
{
    size_t *live = ud;
    if (!ptr) old_size = 0; /* as in Lua: without a block, old_size means nothing */
    if (new_size == 0) {
        free(ptr);
        *live -= old_size;
        return NULL;
    }
    void *p = realloc(ptr, new_size);
    if (p) *live += new_size - old_size;
    return p;
}

TEST(test_config)
{
    StoffelConfig cfg;
    stoffel_config_init(&cfg);
    CHECK(cfg.allow_ffi == 1 && cfg.write == NULL && cfg.max_call_depth == 0);
    int writes = 0;
    cfg.write = write_cb;
    cfg.error = error_cb;
    cfg.user_data = &writes;
    cfg.alloc = counting_alloc;
    cfg.alloc_user_data = &alloc_live;
    cfg.max_call_depth = 50;
    cfg.instruction_budget = 100000;
    StoffelVM *vm = new_loaded(&cfg);
    if (!vm) {
        CHECK(0);
        return;
    }
    CHECK(alloc_live > 0);
    written = 0;
    CHECK(stoffel_call(vm, "greet", 0) == STOFFEL_OK);
    CHECK(writes >= 1 && written == 9 && memcmp(outbuf, "hi there\n", 9) == 0);
    error_calls = 0;
    CHECK(stoffel_call(vm, "loop", 0) == STOFFEL_ERROR_RUNTIME);
    CHECK(strstr(stoffel_last_error(vm)->message, "Instruction budget exhausted") != NULL);
    stoffel_ensure_slots(vm, 2);
    stoffel_set_int(vm, 1, 1);
    CHECK(stoffel_call(vm, "rec", 1) == STOFFEL_ERROR_RUNTIME);
    CHECK(strstr(stoffel_last_error(vm)->message, "Call depth limit exceeded (50 frames)") != NULL);
    CHECK(error_calls == 2);
    int other = 0;
    stoffel_set_user_data(vm, &other);
    CHECK(stoffel_get_user_data(vm) == &other);
    stoffel_free(vm);
    CHECK(alloc_live == 0);

    /* Heap limit: live data beyond it is an error, not a crash. */
    stoffel_config_init(&cfg);
    cfg.heap_limit = 1 << 20;
    vm = stoffel_new(&cfg);
    CHECK(vm != NULL);
    stoffel_ensure_slots(vm, 3);
    stoffel_new_array(vm, 1);
    StoffelResult r = STOFFEL_OK;
    for (int k = 0; k < 100000 && r == STOFFEL_OK; k++) {
        r = stoffel_set_string(vm, 2, "a fairly long string that fills the heap quickly");
        if (r == STOFFEL_OK) r = stoffel_array_push(vm, 1, 2);
    }
    CHECK(r == STOFFEL_ERROR_MEMORY);
    stoffel_free(vm);

    /* FFI can be switched off for untrusted programs. */
    stoffel_config_init(&cfg);
    cfg.allow_ffi = 0;
    vm = stoffel_new(&cfg);
    stoffel_ensure_slots(vm, 2);
    stoffel_set_string(vm, 1, "libm.so.6");
    CHECK(stoffel_call(vm, "Ffi.open", 1) == STOFFEL_ERROR_RUNTIME);
    CHECK(strstr(stoffel_last_error(vm)->message, "disabled") != NULL);
    stoffel_free(vm);
}

/* Hook: count ADD instructions, record a call target, abort on request. */
typedef struct {
    int adds;
    int calls;
    int64_t last_written;
    int abort_at;
} HookState;

static int hook_fn(StoffelVM *vm, const StoffelHookEvent *ev, void *ud)
{
    HookState *st = ud;
    if (ev->kind == STOFFEL_HOOK_BEFORE_INSTRUCTION && ev->opcode && strcmp(ev->opcode, "ADD") == 0) {
        if (++st->adds == st->abort_at) {
            stoffel_set_error(vm, "stopped by the test");
            return 1;
        }
    }
    if (ev->kind == STOFFEL_HOOK_BEFORE_CALL && ev->name && strcmp(ev->name, "add") == 0) st->calls++;
    if (ev->kind == STOFFEL_HOOK_REGISTER_WRITE) {
        int64_t v;
        if (stoffel_get_int(vm, 0, &v) == STOFFEL_OK) st->last_written = v;
        /* Calls into the VM are refused inside hooks. */
        if (stoffel_call(vm, "add", 0) != STOFFEL_ERROR_INVALID) return 1;
    }
    return 0;
}

TEST(test_hooks)
{
    StoffelVM *vm = new_loaded(NULL);
    if (!vm) {
        CHECK(0);
        return;
    }
    HookState st = { 0, 0, 0, 0 };
    int id = stoffel_add_hook(vm,
                              STOFFEL_HOOK_MASK(STOFFEL_HOOK_BEFORE_INSTRUCTION) |
                                  STOFFEL_HOOK_MASK(STOFFEL_HOOK_REGISTER_WRITE),
                              hook_fn, &st, 0);
    CHECK(id >= 1);
    CHECK(stoffel_add_hook(vm, 0, hook_fn, &st, 0) == 0);
    CHECK(stoffel_add_hook(vm, STOFFEL_HOOK_ALL, NULL, &st, 0) == 0);
    stoffel_ensure_slots(vm, 3);
    stoffel_set_int(vm, 1, 20);
    stoffel_set_int(vm, 2, 22);
    CHECK(stoffel_call(vm, "add", 2) == STOFFEL_OK);
    CHECK(st.adds == 1 && st.last_written == 42);
    st.abort_at = 2;
    CHECK(stoffel_call(vm, "add", 2) == STOFFEL_ERROR_RUNTIME);
    CHECK(strstr(stoffel_last_error(vm)->message, "stopped by the test") != NULL);
    CHECK(stoffel_enable_hook(vm, id, 0) == STOFFEL_OK);
    CHECK(stoffel_call(vm, "add", 2) == STOFFEL_OK && st.adds == 2);
    CHECK(stoffel_enable_hook(vm, id, 1) == STOFFEL_OK);
    CHECK(stoffel_remove_hook(vm, id) == STOFFEL_OK);
    CHECK(stoffel_remove_hook(vm, id) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_enable_hook(vm, id, 1) == STOFFEL_ERROR_INVALID);
    CHECK(stoffel_call(vm, "add", 2) == STOFFEL_OK && st.adds == 2);
    int id2 = stoffel_add_hook(vm, STOFFEL_HOOK_MASK(STOFFEL_HOOK_BEFORE_CALL), hook_fn, &st, 5);
    CHECK(id2 >= 1);
    stoffel_set_int(vm, 1, 3);
    CHECK(stoffel_call(vm, "use_host", 1) == STOFFEL_ERROR_RUNTIME); /* host_mul missing */
    stoffel_free(vm);                                                /* hook records are freed with the VM */
}

/* Programs read from files and the pieces stoffel-run is built on. */
TEST(test_programs_from_files)
{
    char path[] = "/tmp/stoffel-api-test-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    const char *text = ".function main\n    LDI r0, \"hi\"\n    RET r0\n.end\n"
                       ".function main\n    LDI r0, \"hi\"\n    RET r0\n.end\n";
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);

    StoffelProgram *prog = NULL;
    char *err = NULL;
    CHECK(stoffel_program_read(path, &prog, &err) == STOFFEL_OK && prog && !err);
    char *info = stoffel_program_describe(prog);
    CHECK_MSG(info && strstr(info, "functions: 2\n") && strstr(info, "main(): ") && strstr(info, " (duplicate)\n"),
              "%s", info ? info : "(null)");
    stoffel_free_text(info);

    StoffelVM *vm = stoffel_new(NULL);
    CHECK(stoffel_load_program(vm, prog) == STOFFEL_OK);
    stoffel_program_free(prog); /* the VM keeps its own code */
    CHECK(stoffel_is_foreign_function(vm, "print") == 1);
    CHECK(stoffel_is_foreign_function(vm, "main") == 0);
    CHECK(stoffel_is_foreign_function(vm, "no_such") == 0);
    CHECK(stoffel_call(vm, "main", 0) == STOFFEL_OK);
    char *res = NULL;
    CHECK(stoffel_format_slot(vm, 0, &res) == STOFFEL_OK);
    CHECK_STR(res, "\"hi\"");
    stoffel_free_text(res);
    CHECK(stoffel_format_slot(vm, 5, &res) == STOFFEL_ERROR_INVALID && res == NULL);
    stoffel_free(vm);

    /* a parse error names the file and the place; a missing file is IO */
    fd = open(path, O_WRONLY | O_TRUNC);
    CHECK(fd >= 0 && write(fd, "BOGUS\n", 6) == 6);
    close(fd);
    CHECK(stoffel_program_read(path, &prog, &err) == STOFFEL_ERROR_LOAD && !prog);
    CHECK_MSG(err && strstr(err, path) && strstr(err, ":1:"), "%s", err ? err : "(null)");
    stoffel_free_text(err);
    unlink(path);
    CHECK(stoffel_program_read(path, &prog, &err) == STOFFEL_ERROR_IO && !prog);
    CHECK_MSG(err && strstr(err, "cannot read"), "%s", err ? err : "(null)");
    stoffel_free_text(err);
}

int main(void)
{
    RUN(test_call_and_values);
    RUN(test_arrays_objects);
    RUN(test_foreign_functions);
    RUN(test_errors);
    RUN(test_handles_and_foreign);
    RUN(test_config);
    RUN(test_hooks);
    RUN(test_programs_from_files);
    return unit_report();
}
