/* test_share_bounds.c: issue 20 item 1, the rest.  Every share carries a
 * public bound on its magnitude (StShare.bound, docs/mpc.md "Share
 * bounds"), and a value whose bound passes what the next masked opening
 * hides is wrapped into its type first.  Here: the bound arithmetic; then
 * the attacks through linear operations, mounted on 4 parties running the
 * VM with a malicious client's maximal in-range input x and an honest
 * client's Y, each first with the bounds switched off (as before: the
 * opened values show Y's high bits, or the result is not the wrapped one)
 * and then on (nothing shows, and the result is what 64-bit arithmetic
 * gives):
 *   (x · 2^60) · Y   a fixed share times a clear integer, then a product:
 *                    the truncation opened c = v + 2^128 + R, R below
 *                    2^172, with v about 2^123·Y, so c >> 172 = Y >> 49;
 *   ltz(Y · 2^60)    a comparison of a 2^122 value: its masked opening
 *                    (K = 64, about 2^109 of mask) showed Y >> 50;
 *   (4 maximal x) · Y  a sum of four: the result is the product of the
 *                    64-bit wrapped sum. */
#include "unit.h"

#include "mpc/compare.h"
#include "mpc/fixed.h"
#include "mpc_sim.h"
#include "vm/vm.h"
#include "vm/vm_internal.h"

/* ---- the bound arithmetic ----------------------------------------------------------- */

TEST(bound_arithmetic)
{
    CHECK(mpc_bound_add(64, 64) == 65);
    CHECK(mpc_bound_add(3, 64) == 65);
    CHECK(mpc_bound_add(0, 0) == 1);
    CHECK(mpc_bound_mul(64, 64) == 128);
    CHECK(mpc_bound_mul(64, 0) == 64);
    CHECK(mpc_bound_bits(0) == 0);
    CHECK(mpc_bound_bits(1) == 1);
    CHECK(mpc_bound_bits(UINT64_MAX) == 64);
    CHECK(mpc_bound_bits((uint64_t)1 << 60) == 61);
    CHECK(mpc_bound_of_i64(-1) == 1);
    CHECK(mpc_bound_of_i64(INT64_MIN) == 64);
    CHECK(mpc_bound_of_i64(INT64_MAX) == 63);
    CHECK(mpc_bound_of_i64(0) == 0);
    /* |floor(v / 2^16) + carry| <= 2^(128-16) */
    CHECK(mpc_bound_trunc(128, 16) == 113);
    CHECK(mpc_bound_trunc(3, 5) == 1);
    /* saturation: never wraps around */
    CHECK(mpc_bound_mul(MPC_BOUND_MAX, MPC_BOUND_MAX) == MPC_BOUND_MAX);
    CHECK(mpc_bound_add(MPC_BOUND_MAX, 1) == MPC_BOUND_MAX);
    CHECK(mpc_bound_trunc(MPC_BOUND_MAX, 0) == MPC_BOUND_MAX);
}

/* ---- the attacks, through the VM ------------------------------------------------------ */

static const uint32_t one_each[2] = { 1, 1 };
static Fe client_val[2];
static const int64_t X_MAX = INT64_MAX; /* the malicious client's input: in range */

static void client_send(Node *p) { sim_client_send(p, &client_val[p->id - p->sim->n], 1); }

/* Counts the openings whose part above bit `shift` is within 2 of `want`
 * (Y's high bits): aux[0]. */
typedef struct {
    Node *p;
    unsigned shift;
    uint64_t want;
} Tap;

static void tap_fn(void *ud, const Fe *v, size_t n)
{
    Tap *t = ud;
    for (size_t i = 0; i < n; i++) {
        uint64_t l[4], r[4] = { 0, 0, 0, 0 };
        fe_to_limbs(F(), l, &v[i]);
        /* r = v >> shift */
        unsigned w = t->shift / 64, b = t->shift % 64;
        for (unsigned j = 0; j + w < 4; j++) {
            r[j] = l[j + w] >> b;
            if (b && j + w + 1 < 4) r[j] |= l[j + w + 1] << (64 - b);
        }
        if ((r[1] | r[2] | r[3]) == 0 && r[0] + 2 >= t->want && r[0] <= t->want + 2) t->p->aux[0]++;
    }
}

static int call(VM *vm, const char *name, const Value *args, uint32_t argc, Value *out)
{
    vm_clear_error(vm);
    return vm_execute(vm, name, args, argc, out);
}

static int input(VM *vm, int64_t client, bool fixed, Value *out)
{
    Value a[2] = { val_i64(client), val_i64(0) };
    return call(vm, fixed ? "ClientStore.take_share_fixed" : "ClientStore.take_share", a, 2, out);
}

/* The opened value of a share, as a signed 64-bit integer (aux[1]). */
static int open_i64(VM *vm, Value v, int64_t *out)
{
    StShare *s;
    Fe x;
    if (!vm_as_share(vm, v, &s)) return -1;
    if (mpc_round(vm->mpc, (const Fe *)(const void *)s->bytes, 1, &x, NULL, NULL, 0, NULL) != 0) return -1;
    *out = as_i64(&x);
    return 0;
}

typedef enum { ATTACK_SCALED_PRODUCT, ATTACK_COMPARE, ATTACK_SUM } Attack;
static Attack attack;
static int64_t Y;

static void party(Node *p)
{
    MpcEngine *e = p->e;
    Tap tap = { .p = p };
    if (attack == ATTACK_SCALED_PRODUCT) {
        tap.shift = 172; /* R < 4·2^170: a dealt high part per party */
        tap.want = (uint64_t)Y >> 49;
    } else {
        tap.shift = 110;
        tap.want = (uint64_t)Y >> 50;
    }
    TRY(p, mpc_collect_inputs(e));
    TRY(p, mpc_check_client_inputs(e, NULL));
    VM *vm = vm_new(NULL);
    if (!vm || vm_attach_mpc(vm, e) != ST_OK) {
        node_fail(p, "vm setup");
        vm_free(vm);
        return;
    }
    mpc_test_open_tap(e, tap_fn, &tap);
    Value x, y, t, r;
    int rc = ST_OK;
    int64_t got = 0;
    switch (attack) {
    case ATTACK_SCALED_PRODUCT:
        rc = input(vm, 0, true, &x) || input(vm, 1, true, &y) ||
             mpcvm_binary(vm, STF_OP_MUL, x, val_i64((int64_t)1 << 60), &t) || mpcvm_binary(vm, STF_OP_MUL, t, y, &r) ||
             open_i64(vm, r, &got);
        break;
    case ATTACK_COMPARE:
        rc = input(vm, 1, false, &y) || mpcvm_binary(vm, STF_OP_MUL, y, val_i64((int64_t)1 << 60), &t) ||
             call(vm, "Share.ltz", &t, 1, &r) || open_i64(vm, r, &got);
        break;
    case ATTACK_SUM:
        rc = input(vm, 0, true, &x) || input(vm, 1, true, &y) || mpcvm_binary(vm, STF_OP_ADD, x, x, &t) ||
             mpcvm_binary(vm, STF_OP_ADD, t, t, &t) || mpcvm_binary(vm, STF_OP_MUL, t, y, &r) || open_i64(vm, r, &got);
        break;
    }
    mpc_test_open_tap(e, NULL, NULL);
    if (rc != ST_OK) {
        const VmError *ve = vm_last_error(vm);
        snprintf(p->err, sizeof p->err, "vm: %s / %s", ve && ve->message ? ve->message : "?", mpc_error(e));
        p->rc = -1;
    }
    p->aux[1] = (uint64_t)got;
    vm_free(vm);
}

/* floor(a·b / 2^16) or that + 1, wrapped to 64 bits. */
static bool is_wrapped_product(int64_t got, int64_t a, int64_t b)
{
    __int128 prod = (__int128)a * b;
    uint64_t lo = (uint64_t)(unsigned __int128)(prod >> 16);
    return (uint64_t)got == lo || (uint64_t)got == lo + 1;
}

static int64_t wrap64(__int128 v) { return (int64_t)(uint64_t)(unsigned __int128)v; }

/* Runs the attack for two honest Y; bounds on or off. */
static void run(Attack a, bool bounds)
{
    /* Y's bit 3 set in one and clear in the other: ltz of Y·2^60 wrapped
     * to 64 bits is 1 and 0 */
    const int64_t ys[2] = { 0x2bcdef012345678f, 0x1234567890abcde3 };
    attack = a;
    mpcvm_test_bounds(bounds);
    for (int k = 0; k < 2; k++) {
        Y = ys[k];
        client_val[0] = pub(X_MAX);
        client_val[1] = pub(Y);
        Sim s = { .n = 4, .t = 1, .nc = 2, .cin = one_each, .party_fn = party, .client_fn = client_send };
        sim_run(&s);
        for (uint32_t i = 0; i < 4; i++) {
            const Node *nd = &s.node[i];
            CHECK_MSG(nd->rc == 0, "party %u: %s", i, nd->err);
            if (nd->rc != 0) continue;
            int64_t got = (int64_t)nd->aux[1];
            switch (a) {
            case ATTACK_SCALED_PRODUCT:
            case ATTACK_COMPARE:
                /* the attack is real without the bounds, gone with them */
                if (bounds)
                    CHECK_MSG(nd->aux[0] == 0, "party %u: %llu openings show Y's high bits", i,
                              (unsigned long long)nd->aux[0]);
                else
                    CHECK_MSG(nd->aux[0] > 0, "party %u: the attack shows nothing (the test is blind)", i);
                if (bounds && a == ATTACK_SCALED_PRODUCT)
                    CHECK(is_wrapped_product(got, wrap64((__int128)X_MAX << 60), Y));
                if (bounds && a == ATTACK_COMPARE) CHECK(got == (wrap64((__int128)Y << 60) < 0));
                break;
            case ATTACK_SUM:
                /* the sum is wrapped before the product (4·X_MAX ≡ -4) */
                CHECK(is_wrapped_product(got, wrap64((__int128)X_MAX * 4), Y) == bounds);
                break;
            }
        }
        sim_free(&s);
    }
    mpcvm_test_bounds(1);
}

TEST(scaled_product_leaks_without_bounds) { run(ATTACK_SCALED_PRODUCT, false); }
TEST(scaled_product_hidden_with_bounds) { run(ATTACK_SCALED_PRODUCT, true); }
TEST(compare_of_2_122_leaks_without_bounds) { run(ATTACK_COMPARE, false); }
TEST(compare_of_2_122_hidden_with_bounds) { run(ATTACK_COMPARE, true); }
TEST(sum_of_four_wraps_before_product) { run(ATTACK_SUM, true); }
TEST(sum_of_four_unwrapped_without_bounds) { run(ATTACK_SUM, false); }

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(bound_arithmetic);
    RUN(scaled_product_leaks_without_bounds);
    RUN(scaled_product_hidden_with_bounds);
    RUN(compare_of_2_122_leaks_without_bounds);
    RUN(compare_of_2_122_hidden_with_bounds);
    RUN(sum_of_four_wraps_before_product);
    RUN(sum_of_four_unwrapped_without_bounds);
    return unit_report();
}
