/* test_harden.c: attacks and embedder mistakes of issues 16 and 20, each
 * mounted against the code: a party flooding a client with early messages,
 * nested host re-entries, freeing the VM from a callback, hooks added from
 * a hook, share bytes left in freed memory. */
#include "unit.h"

#include "free_port.h"

#include "mpc_sim.h"
#include "stoffel.h"
#include "core/heap.h"
#include "net/frame.h"
#include "net/hello.h"
#include "net/tls.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
    if (!c) return;
    mpc_client_test_hold_limit(c, (size_t)1 << 20);
    for (uint64_t s = 1; s <= 5000; s++) send_msg(bad, 4, MK_OUTPUT, s, 1, s);
    for (uint64_t s = 0; s < 10; s++) send_msg(bad, 4, MK_MASK, s, 8192, 1); /* 256 KiB each as Fe */
    for (uint32_t j = 0; j < 3; j++) send_msg(inproc_endpoint(hub, j), 4, MK_OUTPUT, 0, 2, 42);
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

static const char *const EMBED_PROG = ".function down params=x\n"
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

/* The VM still runs add(2, 3) after a refused operation. */
static void check_still_usable(StoffelVM *vm)
{
    stoffel_ensure_slots(vm, 3);
    stoffel_set_int(vm, 1, 2);
    stoffel_set_int(vm, 2, 3);
    int64_t v = 0;
    CHECK(stoffel_call(vm, "add", 2) == STOFFEL_OK && stoffel_get_int(vm, 0, &v) == STOFFEL_OK && v == 5);
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
        if (!deep_err[0]) snprintf(deep_err, sizeof deep_err, "%s", stoffel_last_error(vm)->message);
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
    if (!vm) return;
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
    check_still_usable(vm);
    stoffel_free(vm);
}

static int host_free(StoffelVM *vm, int argc, void *ud)
{
    (void)argc;
    (void)ud;
    stoffel_free(vm); /* refused: the VM is running */
    stoffel_set_int(vm, 0, 1);
    return 0;
}

/* stoffel_free inside a foreign function was a use after free: it is
 * refused, the call fails saying so, and the VM stays usable. */
TEST(free_inside_foreign_refused)
{
    StoffelVM *vm = embed_vm();
    CHECK(vm != NULL);
    if (!vm) return;
    CHECK(stoffel_register_function(vm, "host_down", host_free, NULL) == STOFFEL_OK);
    stoffel_ensure_slots(vm, 3);
    stoffel_set_int(vm, 1, 1);
    CHECK(stoffel_call(vm, "down", 1) == STOFFEL_ERROR_RUNTIME);
    CHECK_MSG(strstr(stoffel_last_error(vm)->message, "stoffel_free") != NULL, "got '%s'",
              stoffel_last_error(vm)->message);
    check_still_usable(vm);
    stoffel_free(vm); /* outside any call: freed */
}

static int hook_adds, hook_add_refused;
static int adding_hook(StoffelVM *vm, const StoffelHookEvent *ev, void *ud)
{
    (void)ev;
    if (++hook_adds > 1000) return 1; /* the bug: the event would fire forever */
    int id = stoffel_add_hook(vm, STOFFEL_HOOK_MASK(STOFFEL_HOOK_BEFORE_INSTRUCTION), adding_hook, ud, 0);
    hook_add_refused += id == 0;
    return 0;
}

/* stoffel_add_hook inside a hook made the event fire forever. */
TEST(add_hook_inside_hook_refused)
{
    StoffelVM *vm = embed_vm();
    CHECK(vm != NULL);
    if (!vm) return;
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
        heap_collect(&h); /* no roots: the share is garbage */
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
        "STOFFEL-NET/2\n",
        "STOFFEL-NET/2\nparams x\n",
        "STOFFEL-NET/2\nnode \n",
        "STOFFEL-NET/2\nnode 12abc\nparams p\n",
        "STOFFEL-NET/2\nnode 99999999999\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        NetHello h;
        memset(&h, 0x55, sizeof h); /* garbage, as an unset stack buffer */
        CHECK(net_hello_parse((const uint8_t *)bad[i], strlen(bad[i]), &h) == 0);
        CHECK_MSG(memchr(h.node, 0, sizeof h.node) && memchr(h.program, 0, sizeof h.program) &&
                      memchr(h.params, 0, sizeof h.params),
                  "hello %zu: a field is not terminated", i);
        CHECK_MSG(h.node_id == -1, "hello %zu: node id %lld", i, (long long)h.node_id);
        CHECK(!h.has_program && h.program[0] == 0);
    }
    const char *good = "STOFFEL-NET/2\nnode 3\nparams n=4 t=1\nprogram abc\n";
    NetHello h;
    CHECK(net_hello_parse((const uint8_t *)good, strlen(good), &h) == 0);
    CHECK(h.node_id == 3 && strcmp(h.params, "n=4 t=1") == 0 && strcmp(h.program, "abc") == 0);
    CHECK(net_hello_parse((const uint8_t *)"HTTP/1.0\n", 9, &h) == -1 && h.node[0] == 0);
}

/* ---- a fresh instance per run --------------------------------------------------- */

/* One run of a party and a client over TLS on 127.0.0.1: the run nonce
 * both derive (0 if they agree, -1 otherwise). */
static int one_run(const char *dir, uint8_t nonce[32])
{
    char pk[512], pc[512], ck[512], cc[512], err[512], text[1024], hex0[65], hex1[65];
    uint8_t k0[NET_KEY_ID_LEN], k1[NET_KEY_ID_LEN];
    snprintf(pk, sizeof pk, "%s/p0.key", dir);
    snprintf(pc, sizeof pc, "%s/p0.crt", dir);
    snprintf(ck, sizeof ck, "%s/c0.key", dir);
    snprintf(cc, sizeof cc, "%s/c0.crt", dir);
    if (tls_cert_key_id(pc, k0, err, sizeof err) != 0 && tls_keygen(pk, pc, "party 0", k0, err, sizeof err) != 0)
        return -1;
    if (tls_cert_key_id(cc, k1, err, sizeof err) != 0 && tls_keygen(ck, cc, "client 0", k1, err, sizeof err) != 0)
        return -1;
    net_hex(k0, sizeof k0, hex0);
    net_hex(k1, sizeof k1, hex1);
    snprintf(text, sizeof text, "party 0 127.0.0.1:%d %s\nclient 0 %s\n", free_port(), hex0, hex1);
    Roster r;
    if (roster_parse(text, strlen(text), &r, err, sizeof err) != 0) return -1;
    TlsNetConfig pcfg = {
        .roster = &r, .self = 0, .key_path = pk, .cert_path = pc, .params = "test", .program = "p", .quiet = true
    };
    TlsNetConfig ccfg = { .roster = &r, .self = 1, .key_path = ck, .cert_path = cc, .params = "test", .quiet = true };
    Transport *party = tls_transport_new(&pcfg, err, sizeof err);
    Transport *client = party ? tls_transport_new(&ccfg, err, sizeof err) : NULL;
    uint8_t other[32];
    int rc = client && tls_transport_wait_peers(party, true, 10000, err, sizeof err) == 0 &&
                     tls_transport_wait_peers(client, true, 10000, err, sizeof err) == 0 &&
                     tls_transport_run_nonce(party, nonce) == 0 && tls_transport_run_nonce(client, other) == 0 &&
                     memcmp(nonce, other, 32) == 0
                 ? 0
                 : -1;
    if (rc != 0) fprintf(stderr, "one_run: %s\n", err);
    if (client) tls_transport_free(client, 0);
    if (party) tls_transport_free(party, 0);
    roster_free(&r);
    return rc;
}

/* The same roster gave the same instance id in every run; now every run
 * mixes in the parties' fresh nonces, which every node agrees on. */
TEST(run_nonce_fresh)
{
    char dir[] = "/tmp/stoffel-harden-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    uint8_t a[32], b[32];
    CHECK(one_run(dir, a) == 0);
    CHECK(one_run(dir, b) == 0);
    CHECK_MSG(memcmp(a, b, 32) != 0, "two runs with the same roster got the same nonce");
    const char *files[] = { "p0.key", "p0.crt", "c0.key", "c0.crt" };
    for (size_t i = 0; i < 4; i++) {
        char f[512];
        snprintf(f, sizeof f, "%s/%s", dir, files[i]);
        unlink(f);
    }
    rmdir(dir);
}

/* ---- memory a peer can make us hold ----------------------------------------------- */

/* A frame header announcing 64 MiB made the decoder allocate 64 MiB at
 * once; now the buffer grows with the bytes that arrived. */
TEST(frame_allocates_as_bytes_arrive)
{
    NetFrameDecoder d;
    net_frame_init(&d, TRANSPORT_MAX_MESSAGE);
    uint8_t hdr[4];
    net_frame_header(hdr, TRANSPORT_MAX_MESSAGE);
    size_t used = 0, flen = 0;
    uint8_t *frame = NULL;
    CHECK(net_frame_feed(&d, hdr, 4, &used, &frame, &flen) == NET_FRAME_MORE && used == 4);
    CHECK_MSG(d.cap <= NET_FRAME_FIRST, "a bare header allocated %zu bytes", d.cap);
    static uint8_t chunk[1 << 20];
    for (size_t i = 0; i < sizeof chunk; i++) chunk[i] = (uint8_t)(i * 7);
    CHECK(net_frame_feed(&d, chunk, sizeof chunk, &used, &frame, &flen) == NET_FRAME_MORE);
    CHECK_MSG(d.cap <= 2 * (sizeof chunk), "1 MiB received, %zu bytes allocated", d.cap);
    net_frame_free(&d);
    /* a whole frame still comes out intact */
    net_frame_header(hdr, (uint32_t)sizeof chunk);
    CHECK(net_frame_feed(&d, hdr, 4, &used, &frame, &flen) == NET_FRAME_MORE);
    size_t off = 0;
    int r = NET_FRAME_MORE;
    while (off < sizeof chunk && r == NET_FRAME_MORE) {
        size_t piece = sizeof chunk - off < 70000 ? sizeof chunk - off : 70000;
        r = net_frame_feed(&d, chunk + off, piece, &used, &frame, &flen);
        off += used;
    }
    CHECK(r == NET_FRAME_DONE && flen == sizeof chunk && frame && memcmp(frame, chunk, flen) == 0);
    free(frame);
    net_frame_free(&d);
}

int main(void)
{
    RUN(client_hold_flood);
    RUN(nested_host_calls_bounded);
    RUN(free_inside_foreign_refused);
    RUN(add_hook_inside_hook_refused);
    RUN(freed_share_wiped);
    RUN(hello_fields_always_set);
    RUN(run_nonce_fresh);
    RUN(frame_allocates_as_bytes_arrive);
    return unit_report();
}
