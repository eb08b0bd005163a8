/* test_hb_engine.c: upstream's hb_engine_* C API (stoffel_vm.h) running a
 * 4-party multiplication: in process (parties as threads over
 * hb_network_new_local) and over TLS on loopback (hb_network_new_tls with
 * fresh keys and a roster on free ports).  A dealer in the test
 * Shamir-shares the client inputs 6 and 7; each party stores its shares
 * with hb_engine_init_client_input, multiplies and opens 42, and once more
 * through a VM hydrated with the engine. */
#include "unit.h"

#include "free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../include/stoffel_vm.h"
#include "mpc/field.h"
#include "mpc/shamir.h"
#include "net/roster.h"
#include "vm/vm.h"
#include "api/api_internal.h"

#define N 4
#define T 1

typedef struct {
    size_t id;
    HBNetworkOpaque *net;
    uint8_t client[4 + 2 * 32]; /* this party's shares of 6 and 7 */
    /* TLS: the network is made in the thread (every party must dial) */
    const char *roster, *key, *cert;
    /* results, checked by the main thread */
    int rc;
    char err[640];
    int64_t product, via_vm;
    double fixed;
} Party;

static void fail(Party *p, const char *what)
{
    if (!p->rc) {
        p->rc = -1;
        snprintf(p->err, sizeof p->err, "party %zu: %s", p->id, what);
    }
}

static void *party_main(void *arg)
{
    Party *p = arg;
    char err[512];
    if (!p->net) {
        p->net = hb_network_new_tls(p->roster, p->id, p->key, p->cert, 30000, err, sizeof err);
        if (!p->net) {
            fail(p, err);
            return NULL;
        }
    }
    HBEngineOpaque *e = hb_engine_new(77, p->id, N, T, 4, 4, p->net);
    hb_network_free(p->net); /* the engine keeps its own reference */
    p->net = NULL;
    if (!e) {
        fail(p, "hb_engine_new");
        return NULL;
    }
    if (hb_engine_party_id(e) != p->id || hb_engine_instance_id(e) != 77) fail(p, "ids");
    if (hb_engine_is_ready(e) != 0) fail(p, "ready before start");
    if (hb_engine_start_async(e) != HBEngineSuccess || hb_engine_is_ready(e) != 1) fail(p, "start");
    HBNetworkOpaque *again = hb_engine_get_network(e);
    if (!again) fail(p, "get_network");
    hb_network_free(again);
    if (hb_engine_init_client_input(e, 5, p->client, sizeof p->client) != HBEngineSuccess) fail(p, "init input");
    if (hb_engine_init_client_input(e, 5, p->client, sizeof p->client) != HBEngineClientInputFailed)
        fail(p, "second init of a client accepted");
    uint8_t *shares = NULL;
    size_t len = 0;
    if (hb_engine_get_client_shares(e, 5, &shares, &len) != HBEngineSuccess || len != sizeof p->client ||
        memcmp(shares, p->client, len) != 0)
        fail(p, "client shares round trip");
    hb_free_bytes(shares, len);
    if (hb_engine_get_client_shares(e, 6, &shares, &len) != HBEngineGetClientSharesFailed || shares || len)
        fail(p, "unknown client");
    CShareType ty = { .kind = 0, .width = 64 };
    uint8_t *prod = NULL;
    size_t plen = 0;
    if (hb_engine_multiply_share_async(e, ty, p->client + 4, 32, p->client + 36, 32, &prod, &plen) != HBEngineSuccess ||
        plen != 32)
        fail(p, "multiply");
    StoffelValue v = { 0 };
    if (prod && (hb_engine_open_share(e, ty, prod, plen, &v) != HBEngineSuccess || v.value_type != STOFFEL_VALUE_INT))
        fail(p, "open");
    p->product = v.data.int_val;
    hb_free_bytes(prod, plen);
    /* malformed shares are refused before any communication */
    if (hb_engine_multiply_share_async(e, ty, p->client + 4, 31, p->client + 36, 32, &prod, &plen) !=
        HBEngineSerializationError)
        fail(p, "short share accepted");
    uint8_t big[32];
    memset(big, 0xff, sizeof big);
    if (hb_engine_open_share(e, ty, big, 32, &v) != HBEngineSerializationError) fail(p, "share >= p accepted");
    CShareType bad = { .kind = 9, .width = 64 };
    if (hb_engine_open_share(e, bad, p->client + 4, 32, &v) != HBEngineInvalidShareType) fail(p, "bad share type");
    /* the same through a VM hydrated with the engine */
    VMHandle h = stoffel_create_vm();
    if (!h || hb_engine_hydrate_to_vm(e, h) != HBEngineSuccess) {
        fail(p, "hydrate");
    } else {
        VM *vm = ((StoffelVM *)h)->vm;
        Value idx[2] = { val_i64(0), val_i64(0) }, x, y, z, r;
        int ok = vm_execute(vm, "ClientStore.take_share", idx, 2, &x) == ST_OK;
        idx[1] = val_i64(1);
        ok = ok && vm_execute(vm, "ClientStore.take_share", idx, 2, &y) == ST_OK;
        Value xy[2] = { x, y };
        ok = ok && vm_execute(vm, "Share.mul", xy, 2, &z) == ST_OK && vm_execute(vm, "Share.open", &z, 1, &r) == ST_OK;
        if (!ok || r.type != VT_I64) {
            const VmError *ve = vm_last_error(vm);
            fail(p, ve && ve->message ? ve->message : "vm");
        } else {
            p->via_vm = r.as.i;
        }
        idx[0] = val_i64(1);
        if (vm_execute(vm, "ClientStore.take_share", idx, 2, &x) == ST_OK) fail(p, "client 1 exists");
        stoffel_destroy_vm(h);
    }
    hb_engine_free(e);
    return NULL;
}

/* The dealer: party i's buffer [2][share of 6][share of 7]. */
static void deal(Party *ps)
{
    const Field *f = &field_bls12_381;
    Fe s6[N], s7[N], six, seven;
    fe_from_u64(f, &six, 6);
    fe_from_u64(f, &seven, 7);
    shamir_share(f, &six, T, N, s6, NULL);
    shamir_share(f, &seven, T, N, s7, NULL);
    for (size_t i = 0; i < N; i++) {
        memset(ps[i].client, 0, 4);
        ps[i].client[0] = 2;
        fe_to_bytes(f, ps[i].client + 4, &s6[i]);
        fe_to_bytes(f, ps[i].client + 36, &s7[i]);
    }
}

static void run_parties(Party *ps, const char *what)
{
    pthread_t th[N];
    for (size_t i = 0; i < N; i++) CHECK(pthread_create(&th[i], NULL, party_main, &ps[i]) == 0);
    for (size_t i = 0; i < N; i++) pthread_join(th[i], NULL);
    for (size_t i = 0; i < N; i++) {
        CHECK_MSG(ps[i].rc == 0, "%s: %s", what, ps[i].err);
        CHECK_MSG(ps[i].product == 42, "%s: party %zu opened %lld", what, i, (long long)ps[i].product);
        CHECK_MSG(ps[i].via_vm == 42, "%s: party %zu's VM opened %lld", what, i, (long long)ps[i].via_vm);
    }
}

TEST(in_process)
{
    Party ps[N];
    HBNetworkOpaque *nets[N];
    memset(ps, 0, sizeof ps);
    CHECK(hb_network_new_local(N, nets) == HBEngineSuccess);
    CHECK(hb_network_new_local(0, nets) == HBEngineInvalidConfig);
    CHECK(hb_network_new_local(N, NULL) == HBEngineNullPointer);
    /* bad parameters: no engine */
    CHECK(hb_engine_new(1, 0, N, 2, 1, 1, nets[0]) == NULL); /* n < 3t+1 */
    CHECK(hb_engine_new(1, 1, N, T, 1, 1, nets[0]) == NULL); /* party 0's network */
    CHECK(hb_engine_new(1, 0, 7, 2, 1, 1, nets[0]) == NULL); /* network of 4 */
    deal(ps);
    for (size_t i = 0; i < N; i++) {
        ps[i].id = i;
        ps[i].net = nets[i];
    }
    run_parties(ps, "in process");
}

TEST(over_tls)
{
    char dir[] = "/tmp/stoffel-hb-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK_MSG(0, "mkdtemp");
        return;
    }
    Party ps[N];
    char keys[N][300], certs[N][300], roster[300], err[512];
    memset(ps, 0, sizeof ps);
    snprintf(roster, sizeof roster, "%s/roster", dir);
    FILE *f = fopen(roster, "w");
    CHECK(f != NULL);
    for (size_t i = 0; f && i < N; i++) {
        uint8_t id[NET_KEY_ID_LEN];
        char hex[2 * NET_KEY_ID_LEN + 1], cn[32];
        snprintf(keys[i], sizeof keys[i], "%s/p%zu.key", dir, i);
        snprintf(certs[i], sizeof certs[i], "%s/p%zu.crt", dir, i);
        snprintf(cn, sizeof cn, "party %zu", i);
        CHECK_MSG(tls_keygen(keys[i], certs[i], cn, id, err, sizeof err) == 0, "keygen: %s", err);
        net_hex(id, sizeof id, hex);
        int port = free_port();
        CHECK(port > 0);
        fprintf(f, "party %zu 127.0.0.1:%d %s\n", i, port, hex);
    }
    if (f) fclose(f);
    /* a party not in the roster is refused with a reason */
    CHECK(hb_network_new_tls(roster, N, keys[0], certs[0], 1000, err, sizeof err) == NULL && strstr(err, "roster"));
    deal(ps);
    for (size_t i = 0; i < N; i++) {
        ps[i].id = i;
        ps[i].roster = roster;
        ps[i].key = keys[i];
        ps[i].cert = certs[i];
    }
    run_parties(ps, "over TLS");
    for (size_t i = 0; i < N; i++) {
        unlink(keys[i]);
        unlink(certs[i]);
    }
    unlink(roster);
    rmdir(dir);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    RUN(in_process);
    RUN(over_tls);
    return unit_report();
}
