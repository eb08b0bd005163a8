/* test_harden.c: attacks and embedder mistakes of issues 16 and 20, each
 * mounted against the code: a party flooding a client with early messages,
 * nested host re-entries, freeing the VM from a callback, hooks added from
 * a hook, share bytes left in freed memory. */
#include "unit.h"

#include "mpc_sim.h"

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

int main(void)
{
    RUN(client_hold_flood);
    return unit_report();
}
