/* test_limits.c: the memory cap over the MPC engine's buffers (issue 16
 * item 1) and the heap's accounting of memory held outside it. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stoffel.h"
#include "core/heap.h"
#include "vm/vm_internal.h"
#include "mpc_sim.h"
#include "unit.h"

/* A party's accountant: what the engine charged, under a cap. */
typedef struct {
    size_t bytes, limit, refused;
} Acct;

static Acct g_acct[SIM_MAX];
static size_t g_muls;

static bool charge(void *ud, size_t old_bytes, size_t new_bytes)
{
    Acct *a = ud;
    if (new_bytes > old_bytes && a->bytes + (new_bytes - old_bytes) > a->limit) {
        a->refused++;
        return false;
    }
    a->bytes = a->bytes - old_bytes + new_bytes;
    return true;
}

/* g_muls products of public sharings under the party's cap; aux[0] = what
 * the accountant held just before detaching, aux[1] = the engine's own
 * count then, aux[2] = whether a later call failed with the same error,
 * aux[3] = the accountant after detaching. */
static void party_capped(Node *p)
{
    Acct *a = &g_acct[p->id];
    mpc_set_mem_cap(p->e, charge, a, a->limit);
    Fe *x = malloc(g_muls * sizeof *x), *z = malloc(g_muls * sizeof *z);
    if (!x || !z) {
        free(x);
        free(z);
        p->rc = -2;
        return;
    }
    for (size_t i = 0; i < g_muls; i++) x[i] = pub((int64_t)i);
    p->rc = mpc_round(p->e, NULL, 0, NULL, x, x, g_muls, z);
    snprintf(p->err, sizeof p->err, "%s", mpc_error(p->e));
    Fe v;
    if (p->rc == 0 && mpc_round(p->e, &z[g_muls - 1], 1, &v, NULL, NULL, 0, NULL) == 0)
        p->aux[4] = as_i64(&v) == (int64_t)((g_muls - 1) * (g_muls - 1));
    Fe r;
    p->aux[2] = p->rc != 0 && mpc_random(p->e, &r, 1) != 0 && strcmp(mpc_error(p->e), p->err) == 0;
    p->aux[0] = a->bytes;
    p->aux[1] = mpc_mem_charged(p->e, NULL);
    mpc_set_mem_cap(p->e, NULL, NULL, 0);
    p->aux[3] = a->bytes;
    free(x);
    free(z);
}

static void run_capped(size_t muls, size_t limit, Sim *s)
{
    g_muls = muls;
    for (int i = 0; i < SIM_MAX; i++) g_acct[i] = (Acct){ .limit = limit };
    memset(s, 0, sizeof *s);
    s->n = 4;
    s->t = 1;
    s->timeout_ms = SIM_SLOW ? 60000 : 20000;
    s->party_fn = party_capped;
    sim_run(s);
}

/* Beaver multiplications needing far more than the cap: every party stops
 * with the limit error naming the cap, the error stays, and every byte
 * charged is given back. */
TEST(engine_cap_refuses)
{
    static Sim s;
    run_capped(SCALE(200000, 50000), 1u << 20, &s);
    for (uint32_t i = 0; i < 4; i++) {
        Node *p = &s.node[i];
        CHECK_MSG(p->rc != 0, "party %u should fail", i);
        CHECK_MSG(strstr(p->err, "Heap limit exceeded (1048576 bytes)") != NULL, "party %u: %s", i, p->err);
        CHECK_MSG(p->aux[2] == 1, "party %u: a later call should fail with the same error", i);
        CHECK(g_acct[i].refused >= 1);
        CHECK(p->aux[0] == p->aux[1]);
        CHECK_MSG(p->aux[3] == 0, "party %u still charged %llu bytes", i, (unsigned long long)p->aux[3]);
    }
    sim_free(&s);
}

/* Under a sufficient cap the same work succeeds; the accountant saw
 * exactly what the engine counted, and gets it all back. */
TEST(engine_cap_enough)
{
    static Sim s;
    run_capped(2000, 64u << 20, &s);
    for (uint32_t i = 0; i < 4; i++) {
        Node *p = &s.node[i];
        CHECK_MSG(p->rc == 0, "party %u: %s", i, p->err);
        CHECK(p->aux[4] == 1);
        CHECK(g_acct[i].refused == 0);
        CHECK(p->aux[0] > 0 && p->aux[0] == p->aux[1]);
        CHECK(p->aux[3] == 0);
    }
    sim_free(&s);
}

/* heap_charge: outside memory counts against the cap, a refusal changes
 * nothing, and giving back always works. */
TEST(heap_charge_cap)
{
    Heap h;
    heap_init(&h, NULL, NULL);
    heap_set_limit(&h, 1000);
    size_t base = h.bytes;
    CHECK(heap_charge(&h, 0, 600));
    CHECK(h.bytes == base + 600);
    CHECK(!heap_charge(&h, 600, 1200));
    CHECK(h.bytes == base + 600);
    CHECK(heap_charge(&h, 600, 0));
    CHECK(h.bytes == base);
    heap_free_all(&h);
}

/* stoffel-run's default heap cap: half of the physical memory. */
TEST(default_heap_limit)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    CHECK(pages > 0 && page > 0);
    CHECK(stoffel_default_heap_limit() == (size_t)pages * (size_t)page / 2);
}

/* The register stack is capped in bytes (VmConfig.max_stack_bytes): it
 * grows up to the cap exactly, and one register more is refused with the
 * limit named. */
TEST(register_stack_cap)
{
    VmConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_stack_bytes = 1u << 20;
    VM *vm = vm_new(&cfg);
    CHECK(vm != NULL);
    if (!vm) return;
    CHECK(vm_grow_stack(vm, 60000) == ST_OK);
    CHECK(vm_grow_stack(vm, (1u << 20) / sizeof(Value)) == ST_OK);
    CHECK(vm_grow_stack(vm, (1u << 20) / sizeof(Value) + 1) != ST_OK);
    CHECK(strstr(vm_last_error(vm)->message, "Register stack limit exceeded (1048576 bytes") != NULL);
    vm_free(vm);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(default_heap_limit);
    RUN(register_stack_cap);
    RUN(heap_charge_cap);
    RUN(engine_cap_enough);
    RUN(engine_cap_refuses);
    return unit_report();
}
