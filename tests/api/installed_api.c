/* Uses every function of stoffel_vm.h (and the core of stoffel.h) through
 * the INSTALLED headers and library: run_installed.sh builds it with
 * `pkg-config --cflags --libs stoffel_vm` after `make install` into a
 * staging directory.  Usage: installed_api PROGRAM.stflb [CYCLES] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stoffel.h>
#include <stoffel_vm.h>

static int failures, checks;
#define CHECK(c)                                                 \
    do {                                                         \
        checks++;                                                \
        if (!(c)) {                                              \
            failures++;                                          \
            fprintf(stderr, "FAIL line %d: %s\n", __LINE__, #c); \
        }                                                        \
    } while (0)

static int host_double(const StoffelValue *args, int argc, StoffelValue *result)
{
    if (argc != 1 || args[0].value_type != STOFFEL_VALUE_INT) return -1;
    result->value_type = STOFFEL_VALUE_INT;
    result->data.int_val = args[0].data.int_val * 2;
    return 0;
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    unsigned char *buf = malloc(1 << 20);
    *len = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    size_t len = 0;
    unsigned char *bytes = argc > 1 ? read_file(argv[1], &len) : NULL;
    CHECK(bytes != NULL && len > 4);
    if (!bytes) return 1;

    /* stoffel_vm.h: every function. */
    VMHandle vm = stoffel_create_vm();
    CHECK(vm != NULL);
    CHECK(stoffel_register_foreign_function(vm, "host_double", host_double) == 0);
    CHECK(stoffel_load_bytecode(vm, bytes, len) == 0);
    StoffelValue r, arg;
    CHECK(stoffel_execute(vm, "main", &r) == 0 && r.value_type == STOFFEL_VALUE_INT && r.data.int_val == 42);
    memset(&arg, 0, sizeof arg);
    arg.value_type = STOFFEL_VALUE_INT;
    arg.data.int_val = 21;
    CHECK(stoffel_execute_with_args(vm, "use_host", &arg, 1, &r) == 0 && r.data.int_val == 42);
    CHECK(stoffel_execute_with_args(vm, "host_double", &arg, 1, &r) == 0 && r.data.int_val == 42);
    StoffelValue s;
    CHECK(stoffel_create_string(vm, "round trip", &s) == 0);
    CHECK(stoffel_execute_with_args(vm, "echo", &s, 1, &r) == 0 && r.value_type == STOFFEL_VALUE_STRING &&
          strcmp(r.data.string_val, "round trip") == 0);
    stoffel_free_string((char *)r.data.string_val);
    stoffel_free_string((char *)s.data.string_val);
    static int object;
    StoffelValue fo;
    CHECK(stoffel_register_foreign_object(vm, &object, &fo) == 0 && fo.value_type == STOFFEL_VALUE_FOREIGN);
    CHECK(stoffel_execute_with_args(vm, "echo", &fo, 1, &r) == 0 && r.data.foreign_id == fo.data.foreign_id);
    StoffelValue c;
    CHECK(stoffel_execute(vm, "make_closure", &c) == 0 && c.value_type == STOFFEL_VALUE_CLOSURE);
    CHECK(stoffel_execute_with_args(vm, "run_closure", &c, 1, &r) == 0 && r.data.int_val == 7);
    CHECK(stoffel_execute(vm, "nope", &r) == -3);
    CHECK(stoffel_execute(NULL, "main", &r) == -1);

    /* The MPC part: declared, engine not available yet. */
    CShareType t = { 0, 64 };
    uint8_t share[8] = { 0 }, *out = NULL;
    size_t out_len = 0;
    HBEngineOpaque *e = hb_engine_new(1, 0, 4, 1, 8, 8, NULL);
    CHECK(e == NULL);
    CHECK(hb_engine_start_async(e) == HBEngineNullPointer);
    CHECK(hb_engine_is_ready(e) == 0);
    CHECK(hb_engine_multiply_share_async(e, t, share, 8, share, 8, &out, &out_len) == HBEngineNullPointer);
    CHECK(hb_engine_open_share(e, t, share, 8, &r) == HBEngineNullPointer);
    CHECK(hb_engine_init_client_input(e, 1, share, 8) == HBEngineNullPointer);
    CHECK(hb_engine_get_client_shares(e, 1, &out, &out_len) == HBEngineNullPointer);
    CHECK(hb_engine_party_id(e) == 0);
    CHECK(hb_engine_instance_id(e) == 0);
    CHECK(hb_engine_protocol_name(e) == NULL);
    HBNetworkOpaque *net = hb_engine_get_network(e);
    CHECK(net == NULL);
    hb_network_free(net);
    hb_free_bytes(out, out_len);
    CHECK(hb_engine_hydrate_to_vm(e, vm) == HBEngineNullPointer);
    hb_engine_free(e);

    /* stoffel.h on the same VM, then on its own. */
    StoffelVM *nvm = stoffel_from_handle(vm);
    CHECK(stoffel_execute(vm, "add", &r) == -3);
    CHECK(strstr(stoffel_last_error(nvm)->message, "expects 2 arguments") != NULL);
    stoffel_destroy_vm(vm);

    StoffelConfig cfg;
    stoffel_config_init(&cfg);
    StoffelVM *n = stoffel_new(&cfg);
    CHECK(n != NULL);
    CHECK(stoffel_load(n, bytes, len, argv[1]) == STOFFEL_OK);
    CHECK(stoffel_call(n, "main", 0) == STOFFEL_OK);
    CHECK(stoffel_call(n, "use_host", 1) == STOFFEL_ERROR_INVALID); /* the window has 1 slot */
    stoffel_free(n);
    n = stoffel_new(NULL);
    const char *src = ".function sq params=x\n MUL r0, r0, r0\n RET r0\n.end\n";
    CHECK(stoffel_load(n, src, strlen(src), "sq.s") == STOFFEL_OK);
    CHECK(stoffel_ensure_slots(n, 2) == STOFFEL_OK && stoffel_set_int(n, 1, 12) == STOFFEL_OK);
    int64_t v = 0;
    CHECK(stoffel_call(n, "sq", 1) == STOFFEL_OK && stoffel_get_int(n, 0, &v) == STOFFEL_OK && v == 144);
    stoffel_free(n);

    /* Create/execute/destroy cycles (run_installed.sh repeats the program
     * under valgrind, which must find no leak). */
    int cycles = argc > 2 ? atoi(argv[2]) : 100, ok = 0;
    for (int i = 0; i < cycles; i++) {
        VMHandle h = stoffel_create_vm();
        StoffelValue x;
        memset(&x, 0, sizeof x);
        x.value_type = STOFFEL_VALUE_INT;
        x.data.int_val = i;
        if (h && stoffel_register_foreign_function(h, "host_double", host_double) == 0 &&
            stoffel_load_bytecode(h, bytes, len) == 0 && stoffel_execute_with_args(h, "use_host", &x, 1, &r) == 0 &&
            r.data.int_val == 2 * i && stoffel_execute(h, "make_closure", &c) == 0)
            ok++;
        stoffel_destroy_vm(h);
    }
    CHECK(ok == cycles);
    free(bytes);

    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
