/* test_harden.c: attacks and embedder mistakes of issues 16 and 20, each
 * mounted against the code: a party flooding a client with early messages,
 * nested host re-entries, freeing the VM from a callback, hooks added from
 * a hook, share bytes left in freed memory. */
#include "unit.h"

#include "mpc_sim.h"
#include "stoffel.h"
#include "core/heap.h"
#include "net/frame.h"
#include "net/hello.h"

/* ---- a party floods a client with early messages -------------------------- */

static void send_msg(Transport *from, uint32_t to, uint8_t kind, uint64_t seq, uint32_t count, uint64_t value)
{
    size_t len = MPC_HDR + (size_t)count * MPC_ELEM;
    uint8_t *m = calloc(1, len);
    wire_put_hdr(m, kind, count, 0x5eed, seq);
    for (uint32_t i = 0; i < count; i++) {
        Fe v;
        fe_from_u64(F(), &v, value);
        fe_to_bytes(F(), m + MPC_HDR + (size_t)i * MPC_ELEM, &v);
    }
    transport_send(from, to, m, len);
    free(m);
}

/* Party 3 sends the client 5000 tiny output messages for future batches
 * and ten large mask messages before the honest parties' shares arrive.
 * The client holds at most its per-party bound of party 3's messages and
 * still decodes the honest batch (shares of the constant 42). */
TEST(client_hold_flood)
{
    InprocHub *hub = inproc_hub_new(4, 1);
    Transport *cl = inproc_endpoint(hub, 4), *bad = inproc_endpoint(hub, 3);
    MpcClient *c = mpc_client_new(cl, NULL, 4, 1, 0x5eed, 500);
    CHECK(c != NULL);
    if (!c)
        return;
    mpc_client_test_hold_limit(c, (size_t)1 << 20);
    for (uint64_t s = 1; s <= 5000; s++)
        send_msg(bad, 4, MK_OUTPUT, s, 1, s);
    for (uint64_t s = 0; s < 10; s++)
        send_msg(bad, 4, MK_MASK, s, 8192, 1);    /* 256 KiB each as Fe */
    for (uint32_t j = 0; j < 3; j++)
        send_msg(inproc_endpoint(hub, j), 4, MK_OUTPUT, 0, 2, 42);
    Fe *v = NULL;
    size_t n = 0;
    int rc = mpc_client_outputs(c, &v, &n);
    CHECK_MSG(rc == 0, "the client should decode the honest batch: %s", mpc_client_error(c));
    CHECK(rc != 0 || (n == 2 && fe_equal(&v[0], &v[1])));
    if (rc == 0) {
        Fe want;
        fe_from_u64(F(), &want, 42);
        CHECK(fe_equal(&v[0], &want));
    }
    free(v);
    /* a second call reads the rest of the flood: party 3's hold stays bounded */
    rc = mpc_client_outputs(c, &v, &n);
    CHECK(rc != 0);
    uint32_t held = 0;
    size_t bytes = 0;
    mpc_client_test_held(c, 3, &held, &bytes);
    CHECK_MSG(held <= 128 && held > 0, "party 3 holds %u messages", held);
    CHECK_MSG(bytes <= ((size_t)1 << 20), "party 3 holds %zu bytes", bytes);
    mpc_client_free(c);
    inproc_hub_free(hub);
}

/* ---- embedder mistakes ------------------------------------------------------ */

static const char *const EMBED_PROG =
    ".function down params=x\n"
    "    PUSHARG r0\n"
    "    CALL host_down\n"
    "    RET r0\n"
    ".end\n"
    ".function add params=a,b\n"
    "    ADD r0, r0, r1\n"
    "    RET r0\n"
    ".end\n";

static StoffelVM *embed_vm(void)
{
    StoffelVM *vm = stoffel_new(NULL);
    if (vm && stoffel_load(vm, EMBED_PROG, strlen(EMBED_PROG), "embed.s") != STOFFEL_OK) {
        stoffel_free(vm);
        return NULL;
    }
    return vm;
}

/* host_down(x): calls down(x - 1) until x reaches 0; the deepest level
 * records the error it got. */
static int deepest;
static char deep_err[256];
static int host_down(StoffelVM *vm, int argc, void *ud)
{
    (void)argc;
    (void)ud;
    int64_t x = 0;
    stoffel_get_int(vm, 1, &x);
    if (x <= 0) {
        stoffel_set_int(vm, 0, 0);
        return 0;
    }
    stoffel_set_int(vm, 1, x - 1);
    StoffelResult r = stoffel_call(vm, "down", 1);
    if (r != STOFFEL_OK) {
        if (!deep_err[0])
            snprintf(deep_err, sizeof deep_err, "%s", stoffel_last_error(vm)->message);
        return 1;
    }
    deepest++;
    stoffel_copy_slot(vm, 0, 0);
    return 0;
}

/* A foreign function recursing through the VM 100,000 deep overflowed
 * the C stack at about 4,900 levels; now level 200 gets an error. */
TEST(nested_host_calls_bounded)
{
    StoffelVM *vm = embed_vm();
    CHECK(vm != NULL);
    if (!vm)
        return;
    CHECK(stoffel_register_function(vm, "host_down", host_down, NULL) == STOFFEL_OK);
    stoffel_ensure_slots(vm, 3);
    stoffel_set_int(vm, 1, 150);
    deepest = 0;
    deep_err[0] = 0;
    CHECK_MSG(stoffel_call(vm, "down", 1) == STOFFEL_OK, "150 levels: %s", stoffel_last_error(vm)->message);
    CHECK(deepest == 150);
    stoffel_set_int(vm, 1, 100000);
    deep_err[0] = 0;
    CHECK(stoffel_call(vm, "down", 1) == STOFFEL_ERROR_RUNTIME);
    CHECK_MSG(strstr(deep_err, "too many nested calls") != NULL, "got '%s'", deep_err);
    /* the VM is usable afterwards */
    stoffel_set_int(vm, 1, 2);
    stoffel_set_int(vm, 2, 3);
    int64_t v = 0;
    CHECK(stoffel_call(vm, "add", 2) == STOFFEL_OK && stoffel_get_int(vm, 0, &v) == STOFFEL_OK && v == 5);
    stoffel_free(vm);
}

static int host_free(StoffelVM *vm, int argc, void *ud)
{
    (void)argc;
    (void)ud;
    stoffel_free(vm);          /* refused: the VM is running */
    stoffel_set_int(vm, 0, 1);
    return 0;
}

/* stoffel_free inside a foreign function was a use after free: it is
 * refused, the call fails saying so, and the VM stays usable. */
TEST(free_inside_foreign_refused)
{
    StoffelVM *vm = embed_vm();
    CHECK(vm != NULL);
    if (!vm)
        return;
    CHECK(stoffel_register_function(vm, "host_down", host_free, NULL) == STOFFEL_OK);
    stoffel_ensure_slots(vm, 3);
    stoffel_set_int(vm, 1, 1);
    CHECK(stoffel_call(vm, "down", 1) == STOFFEL_ERROR_RUNTIME);
    CHECK_MSG(strstr(stoffel_last_error(vm)->message, "stoffel_free") != NULL, "got '%s'",
              stoffel_last_error(vm)->message);
    stoffel_set_int(vm, 1, 2);
    stoffel_set_int(vm, 2, 3);
    int64_t v = 0;
    CHECK(stoffel_call(vm, "add", 2) == STOFFEL_OK && stoffel_get_int(vm, 0, &v) == STOFFEL_OK && v == 5);
    stoffel_free(vm);          /* outside any call: freed */
}

static int hook_adds, hook_add_refused;
static int adding_hook(StoffelVM *vm, const StoffelHookEvent *ev, void *ud)
{
    (void)ev;
    if (++hook_adds > 1000)
        return 1;              /* the bug: the event would fire forever */
    int id = stoffel_add_hook(vm, STOFFEL_HOOK_MASK(STOFFEL_HOOK_BEFORE_INSTRUCTION), adding_hook, ud, 0);
    hook_add_refused += id == 0;
    return 0;
}

/* stoffel_add_hook inside a hook made the event fire forever. */
TEST(add_hook_inside_hook_refused)
{
    StoffelVM *vm = embed_vm();
    CHECK(vm != NULL);
    if (!vm)
        return;
    hook_adds = hook_add_refused = 0;
    int id = stoffel_add_hook(vm, STOFFEL_HOOK_MASK(STOFFEL_HOOK_BEFORE_INSTRUCTION), adding_hook, NULL, 0);
    CHECK(id > 0);
    stoffel_ensure_slots(vm, 3);
    stoffel_set_int(vm, 1, 2);
    stoffel_set_int(vm, 2, 3);
    CHECK(stoffel_call(vm, "add", 2) == STOFFEL_OK);
    CHECK_MSG(hook_adds == 2 && hook_add_refused == 2, "%d events, %d refusals", hook_adds, hook_add_refused);
    stoffel_free(vm);
}

/* ---- secrets in freed memory ------------------------------------------------- */

/* A share collected by the GC goes back to a free list of the heap's own
 * chunks: its bytes must be zero there.  (Under ASan every object is its
 * own allocation and reading it after the free would be the error, so
 * this runs only in the plain build.) */
TEST(freed_share_wiped)
{
#if !SIM_SLOW
    Heap h;
    heap_init(&h, NULL, NULL);
    uint8_t secret[32];
    memset(secret, 0xA5, sizeof secret);
    StShare *s = heap_new_share(&h, 0, 64, 0, secret, sizeof secret);
    CHECK(s != NULL);
    if (s) {
        uint8_t *bytes = s->bytes;
        CHECK(memcmp(bytes, secret, sizeof secret) == 0);
        heap_collect(&h);                  /* no roots: the share is garbage */
        static const uint8_t zero[32];
        CHECK_MSG(memcmp(bytes, zero, sizeof zero) == 0, "share bytes left in the free list");
    }
    heap_free_all(&h);
#endif
}

/* ---- the session hello ----------------------------------------------------------- */

/* A hello lacking node, params or program printed an unset stack buffer
 * in the log line; every field is now a terminated string, empty when
 * absent, and the node id is taken only from decimal digits. */
TEST(hello_fields_always_set)
{
    static const char *const bad[] = {
        "STOFFEL-NET/1\n", "STOFFEL-NET/1\nparams x\n", "STOFFEL-NET/1\nnode \n",
        "STOFFEL-NET/1\nnode 12abc\nparams p\n", "STOFFEL-NET/1\nnode 99999999999\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        NetHello h;
        memset(&h, 0x55, sizeof h);        /* garbage, as an unset stack buffer */
        CHECK(net_hello_parse((const uint8_t *)bad[i], strlen(bad[i]), &h) == 0);
        CHECK_MSG(memchr(h.node, 0, sizeof h.node) && memchr(h.program, 0, sizeof h.program) &&
                  memchr(h.params, 0, sizeof h.params), "hello %zu: a field is not terminated", i);
        CHECK_MSG(h.node_id == -1, "hello %zu: node id %lld", i, (long long)h.node_id);
        CHECK(!h.has_program && h.program[0] == 0);
    }
    const char *good = "STOFFEL-NET/1\nnode 3\nparams n=4 t=1\nprogram abc\n";
    NetHello h;
    CHECK(net_hello_parse((const uint8_t *)good, strlen(good), &h) == 0);
    CHECK(h.node_id == 3 && strcmp(h.params, "n=4 t=1") == 0 && strcmp(h.program, "abc") == 0);
    CHECK(net_hello_parse((const uint8_t *)"HTTP/1.0\n", 9, &h) == -1 && h.node[0] == 0);
}

int main(void)
{
    RUN(client_hold_flood);
    RUN(nested_host_calls_bounded);
    RUN(free_inside_foreign_refused);
    RUN(add_hook_inside_hook_refused);
    RUN(freed_share_wiped);
    RUN(hello_fields_always_set);
    return unit_report();
}
