/* hb_engine.c: the HoneyBadger engine functions of stoffel_vm.h (upstream's
 * hb_engine_* C API) over this implementation's MPC engine (mpc/engine.h),
 * on the in-process transport or the TLS transport.
 *
 * Upstream creates networks on the Rust side; a C host here makes them with
 * hb_network_new_local (n parties as threads of one process) or
 * hb_network_new_tls (one party per process, roster and keys as
 * `stoffel-run` uses them).  A network is reference counted: the creator's
 * reference, each engine's, and each hb_engine_get_network result are
 * released with hb_network_free (an engine releases its own).
 *
 * Shares crossing the API are 32 bytes: the canonical little-endian field
 * element (BLS12-381 Fr, as upstream's hb_engine_new).  Client shares are
 * [u32 LE count][count x 32 bytes].  Every function validates its pointers
 * and lengths; secrets are wiped when freed. */
#include <math.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/engine.h"
#include "net/inproc.h"
#include "net/roster.h"
#include "net/tls.h"
#include "api_internal.h"

#define HB_SHARE_LEN 32
#define HB_MAX_CLIENTS 65536
#define HB_MAX_SHARES (1u << 20) /* per client */

/* ---- networks ------------------------------------------------------------------------ */

/* The hub shared by the n endpoints of one in-process group. */
typedef struct {
    InprocHub *hub;
    atomic_uint refs;
} LocalGroup;

struct HBNetworkOpaque {
    atomic_uint refs;
    Transport *tr;
    LocalGroup *group; /* in-process endpoint, or NULL for TLS */
    Roster roster;     /* TLS only */
};

static HBNetworkOpaque *net_ref(HBNetworkOpaque *n)
{
    atomic_fetch_add(&n->refs, 1);
    return n;
}

void hb_network_free(HBNetworkOpaque *network_ptr)
{
    HBNetworkOpaque *n = network_ptr;
    if (!n || atomic_fetch_sub(&n->refs, 1) != 1) return;
    if (n->group) {
        if (atomic_fetch_sub(&n->group->refs, 1) == 1) {
            inproc_hub_free(n->group->hub);
            free(n->group);
        }
    } else {
        tls_transport_free(n->tr, 1000); /* let queued messages reach the peers */
        roster_free(&n->roster);
    }
    free(n);
}

HBEngineErrorCode hb_network_new_local(size_t n, HBNetworkOpaque **out)
{
    if (!out) return HBEngineNullPointer;
    if (n < 1 || n > 255) return HBEngineInvalidConfig;
    memset(out, 0, n * sizeof *out);
    LocalGroup *g = calloc(1, sizeof *g);
    if (!g || !(g->hub = inproc_hub_new((uint32_t)n, 0))) {
        free(g);
        return HBEngineRuntimeError;
    }
    atomic_init(&g->refs, (unsigned)n);
    for (size_t i = 0; i < n; i++) {
        HBNetworkOpaque *net = calloc(1, sizeof *net);
        if (!net) {
            /* release what exists; the group goes with the last member */
            atomic_fetch_sub(&g->refs, (unsigned)(n - i));
            for (size_t j = 0; j < i; j++) {
                hb_network_free(out[j]);
                out[j] = NULL;
            }
            if (i == 0) {
                inproc_hub_free(g->hub);
                free(g);
            }
            return HBEngineRuntimeError;
        }
        atomic_init(&net->refs, 1);
        net->group = g;
        net->tr = inproc_endpoint(g->hub, (uint32_t)i);
        out[i] = net;
    }
    return HBEngineSuccess;
}

HBNetworkOpaque *hb_network_new_tls(const char *roster_path, size_t party_id, const char *key_path,
                                    const char *cert_path, int timeout_ms, char *err, size_t errlen)
{
    char buf[2048], params[128];
    if (!err || errlen == 0) err = buf, errlen = sizeof buf;
    err[0] = 0;
    if (!roster_path || !key_path || !cert_path) {
        snprintf(err, errlen, "hb_network_new_tls: roster, key and certificate paths are required");
        return NULL;
    }
    if (sodium_init() < 0) {
        snprintf(err, errlen, "libsodium cannot be initialised");
        return NULL;
    }
    HBNetworkOpaque *net = calloc(1, sizeof *net);
    if (!net) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (roster_load(roster_path, &net->roster, err, errlen) != 0) {
        free(net);
        return NULL;
    }
    if (party_id >= net->roster.n_parties) {
        snprintf(err, errlen, "party %zu is not in the roster (it lists %u parties)", party_id, net->roster.n_parties);
        roster_free(&net->roster);
        free(net);
        return NULL;
    }
    /* the parties must agree on the roster they run (its digest) */
    char digest[65];
    net_hex(net->roster.digest, sizeof net->roster.digest, digest);
    snprintf(params, sizeof params, "hb_engine n=%u roster=%.16s", net->roster.n_parties, digest);
    TlsNetConfig tc = {
        .roster = &net->roster,
        .self = (uint32_t)party_id,
        .key_path = key_path,
        .cert_path = cert_path,
        .params = params,
        .program = "hb_engine",
        .quiet = true,
    };
    net->tr = tls_transport_new(&tc, err, errlen);
    if (net->tr && tls_transport_wait_peers(net->tr, false, timeout_ms > 0 ? timeout_ms : 60000, err, errlen) != 0) {
        tls_transport_free(net->tr, 0);
        net->tr = NULL;
    }
    if (!net->tr) {
        roster_free(&net->roster);
        free(net);
        return NULL;
    }
    atomic_init(&net->refs, 1);
    return net;
}

/* ---- engines --------------------------------------------------------------------------- */

typedef struct {
    uint64_t id;
    Fe *shares;
    uint32_t count;
} ClientShares;

struct HBEngineOpaque {
    MpcEngine *e;
    HBNetworkOpaque *net;
    uint64_t instance;
    size_t party, n, t, n_triples, n_random;
    atomic_int ready;
    ClientShares *clients; /* in order of arrival */
    size_t n_clients;
};

HBEngineOpaque *hb_engine_new(uint64_t instance_id, size_t party_id, size_t n, size_t t, size_t n_triples,
                              size_t n_random, HBNetworkOpaque *network_ptr)
{
    if (!network_ptr || n > 255 || n < 3 * t + 1 || party_id >= n || network_ptr->tr->n_parties != n ||
        network_ptr->tr->self != party_id || sodium_init() < 0)
        return NULL;
    HBEngineOpaque *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    MpcConfig cfg = {
        .n = (uint32_t)n,
        .t = (uint32_t)t,
        .party = (uint32_t)party_id,
        .field = &field_bls12_381,
        .instance_id = instance_id,
    };
    h->e = mpc_engine_new(&cfg, network_ptr->tr, NULL);
    if (!h->e) {
        free(h);
        return NULL;
    }
    h->net = net_ref(network_ptr);
    h->instance = instance_id;
    h->party = party_id;
    h->n = n;
    h->t = t;
    h->n_triples = n_triples;
    h->n_random = n_random;
    atomic_init(&h->ready, 0);
    return h;
}

static void wipe_clients(HBEngineOpaque *h)
{
    for (size_t i = 0; i < h->n_clients; i++) {
        sodium_memzero(h->clients[i].shares, (size_t)h->clients[i].count * sizeof(Fe));
        free(h->clients[i].shares);
    }
    free(h->clients);
    h->clients = NULL;
    h->n_clients = 0;
}

void hb_engine_free(HBEngineOpaque *engine_ptr)
{
    if (!engine_ptr) return;
    mpc_engine_free(engine_ptr->e);
    wipe_clients(engine_ptr);
    hb_network_free(engine_ptr->net);
    free(engine_ptr);
}

/* Preprocessing: the triples and random shares asked for at creation. */
HBEngineErrorCode hb_engine_start_async(HBEngineOpaque *engine_ptr)
{
    if (!engine_ptr) return HBEngineNullPointer;
    if (mpc_preprocess(engine_ptr->e, engine_ptr->n_triples, engine_ptr->n_random, 0) != 0)
        return HBEnginePreprocessingFailed;
    atomic_store(&engine_ptr->ready, 1);
    return HBEngineSuccess;
}

int hb_engine_is_ready(HBEngineOpaque *engine_ptr) { return engine_ptr && atomic_load(&engine_ptr->ready) ? 1 : 0; }

static int share_in(const HBEngineOpaque *h, const uint8_t *p, size_t len, Fe *out)
{
    if (len != HB_SHARE_LEN) return -1;
    return fe_from_bytes(mpc_field(h->e), out, p);
}

/* Result bytes for the caller (freed with hb_free_bytes). */
static HBEngineErrorCode bytes_out(uint8_t *bytes, size_t len, uint8_t **ptr, size_t *len_ptr)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) return HBEngineRuntimeError;
    memcpy(copy, bytes, len);
    *ptr = copy;
    *len_ptr = len;
    return HBEngineSuccess;
}

static bool valid_type(CShareType ty) { return ty.kind <= 3 && ty.width >= 1 && ty.width <= 64; }

HBEngineErrorCode hb_engine_multiply_share_async(HBEngineOpaque *engine_ptr, CShareType share_type,
                                                 const uint8_t *left_ptr, size_t left_len, const uint8_t *right_ptr,
                                                 size_t right_len, uint8_t **result_ptr, size_t *result_len_ptr)
{
    if (result_ptr) *result_ptr = NULL;
    if (result_len_ptr) *result_len_ptr = 0;
    if (!engine_ptr || !left_ptr || !right_ptr || !result_ptr || !result_len_ptr) return HBEngineNullPointer;
    if (!valid_type(share_type)) return HBEngineInvalidShareType;
    Fe x, y, z;
    if (share_in(engine_ptr, left_ptr, left_len, &x) != 0 || share_in(engine_ptr, right_ptr, right_len, &y) != 0)
        return HBEngineSerializationError;
    HBEngineErrorCode rc = HBEngineMultiplyFailed;
    if (mpc_round(engine_ptr->e, NULL, 0, NULL, &x, &y, 1, &z) == 0) {
        /* a fixed-point product carries 2f fractional bits: truncate back
         * by the default 16, as the VM does */
        if (share_type.kind == 2 &&
            mpc_fixed_truncate(engine_ptr->e, &z, 1, MPC_FIXED_TOTAL_BITS, MPC_FIXED_FRAC_BITS, &z) != 0)
            goto done;
        uint8_t b[HB_SHARE_LEN];
        fe_to_bytes(mpc_field(engine_ptr->e), b, &z);
        rc = bytes_out(b, sizeof b, result_ptr, result_len_ptr);
        sodium_memzero(b, sizeof b);
    }
done:
    sodium_memzero(&x, sizeof x);
    sodium_memzero(&y, sizeof y);
    sodium_memzero(&z, sizeof z);
    return rc;
}

/* kind 0 integer, 1 boolean, 2 fixed point (16 fractional bits), 3 unsigned. */
HBEngineErrorCode hb_engine_open_share(HBEngineOpaque *engine_ptr, CShareType share_type, const uint8_t *share_ptr,
                                       size_t share_len, StoffelValue *result_ptr)
{
    if (!engine_ptr || !share_ptr || !result_ptr) return HBEngineNullPointer;
    if (!valid_type(share_type)) return HBEngineInvalidShareType;
    Fe x, v;
    if (share_in(engine_ptr, share_ptr, share_len, &x) != 0) return HBEngineSerializationError;
    int rc = mpc_round(engine_ptr->e, &x, 1, &v, NULL, NULL, 0, NULL);
    sodium_memzero(&x, sizeof x);
    if (rc != 0) return HBEngineOpenShareFailed;
    const Field *f = mpc_field(engine_ptr->e);
    StoffelValue out = { .value_type = STOFFEL_VALUE_INT };
    if (share_type.kind == 1 || (share_type.kind == 0 && share_type.width == 1)) {
        out.value_type = STOFFEL_VALUE_BOOL;
        out.data.bool_val = !fe_is_zero(&v);
    } else if (share_type.kind == 3) {
        uint64_t limbs[4];
        fe_to_limbs(f, limbs, &v);
        if (limbs[1] || limbs[2] || limbs[3] || limbs[0] > INT64_MAX) return HBEngineOpenShareFailed;
        out.data.int_val = (int64_t)limbs[0];
    } else {
        int64_t s;
        if (fe_to_i64_signed(f, &s, &v) != 0) return HBEngineOpenShareFailed;
        if (share_type.kind == 2) {
            out.value_type = STOFFEL_VALUE_FLOAT;
            out.data.float_val = (double)s / ldexp(1.0, MPC_FIXED_FRAC_BITS);
        } else {
            out.data.int_val = s;
        }
    }
    *result_ptr = out;
    return HBEngineSuccess;
}

static ClientShares *find_client(HBEngineOpaque *h, uint64_t id)
{
    for (size_t i = 0; i < h->n_clients; i++)
        if (h->clients[i].id == id) return &h->clients[i];
    return NULL;
}

/* This party's shares of a client's inputs: [u32 LE count][count x 32 bytes].
 * A client's shares are set once. */
HBEngineErrorCode hb_engine_init_client_input(HBEngineOpaque *engine_ptr, uint64_t client_id,
                                              const uint8_t *shares_data, size_t shares_len)
{
    if (!engine_ptr || !shares_data) return HBEngineNullPointer;
    if (shares_len < 4) return HBEngineSerializationError;
    uint32_t count = (uint32_t)shares_data[0] | (uint32_t)shares_data[1] << 8 | (uint32_t)shares_data[2] << 16 |
                     (uint32_t)shares_data[3] << 24;
    if (count > HB_MAX_SHARES || shares_len != 4 + (size_t)count * HB_SHARE_LEN) return HBEngineSerializationError;
    if (find_client(engine_ptr, client_id) || engine_ptr->n_clients >= HB_MAX_CLIENTS) return HBEngineClientInputFailed;
    Fe *s = malloc(((size_t)count + 1) * sizeof *s);
    ClientShares *grown = realloc(engine_ptr->clients, (engine_ptr->n_clients + 1) * sizeof *grown);
    if (!s || !grown) {
        free(s);
        return HBEngineRuntimeError;
    }
    engine_ptr->clients = grown;
    for (uint32_t i = 0; i < count; i++) {
        if (share_in(engine_ptr, shares_data + 4 + (size_t)i * HB_SHARE_LEN, HB_SHARE_LEN, &s[i]) != 0) {
            sodium_memzero(s, (size_t)count * sizeof *s);
            free(s);
            return HBEngineSerializationError;
        }
    }
    engine_ptr->clients[engine_ptr->n_clients++] = (ClientShares){ .id = client_id, .shares = s, .count = count };
    return HBEngineSuccess;
}

HBEngineErrorCode hb_engine_get_client_shares(HBEngineOpaque *engine_ptr, uint64_t client_id, uint8_t **result_ptr,
                                              size_t *result_len_ptr)
{
    if (result_ptr) *result_ptr = NULL;
    if (result_len_ptr) *result_len_ptr = 0;
    if (!engine_ptr || !result_ptr || !result_len_ptr) return HBEngineNullPointer;
    ClientShares *c = find_client(engine_ptr, client_id);
    if (!c) return HBEngineGetClientSharesFailed;
    size_t len = 4 + (size_t)c->count * HB_SHARE_LEN;
    uint8_t *b = malloc(len);
    if (!b) return HBEngineRuntimeError;
    for (int i = 0; i < 4; i++) b[i] = (uint8_t)(c->count >> (8 * i));
    for (uint32_t i = 0; i < c->count; i++)
        fe_to_bytes(mpc_field(engine_ptr->e), b + 4 + (size_t)i * HB_SHARE_LEN, &c->shares[i]);
    *result_ptr = b;
    *result_len_ptr = len;
    return HBEngineSuccess;
}

size_t hb_engine_party_id(HBEngineOpaque *engine_ptr) { return engine_ptr ? engine_ptr->party : 0; }

uint64_t hb_engine_instance_id(HBEngineOpaque *engine_ptr) { return engine_ptr ? engine_ptr->instance : 0; }

const char *hb_engine_protocol_name(HBEngineOpaque *engine_ptr) { return engine_ptr ? "honeybadger-mpc" : NULL; }

HBNetworkOpaque *hb_engine_get_network(HBEngineOpaque *engine_ptr)
{
    return engine_ptr ? net_ref(engine_ptr->net) : NULL;
}

/* Frees result bytes (wiped: they are shares). */
void hb_free_bytes(uint8_t *ptr, size_t len)
{
    if (!ptr) return;
    sodium_memzero(ptr, len);
    free(ptr);
}

/* ---- the VM's client store ----------------------------------------------------------- */

#define SHARE_INT 0 /* as mpc_builtins.c */
#define SHARE_FIXED 1

static int hb_take(VM *vm, const char *name, const Value *a, uint32_t n, uint8_t kind, uint32_t bits, uint32_t frac,
                   Value *r, HBEngineOpaque *h)
{
    uint64_t client, index;
    if (n != 2) return vm_error(vm, "%s expects 2 arguments: client_index, share_index", name);
    if (!val_is_int(a[0]) || (val_is_signed(a[0]) && a[0].as.i < 0))
        return vm_error(vm, "client_index must be a non-negative integer");
    if (!val_is_int(a[1]) || (val_is_signed(a[1]) && a[1].as.i < 0))
        return vm_error(vm, "share_index must be a non-negative integer");
    client = a[0].as.u;
    index = a[1].as.u;
    if (client >= h->n_clients) return vm_error(vm, "No client at index %llu", (unsigned long long)client);
    const ClientShares *c = &h->clients[client];
    if (index >= c->count)
        return vm_error(vm, "Client %llu has no input at index %llu", (unsigned long long)client,
                        (unsigned long long)index);
    StShare *s = heap_new_share(vm_heap(vm), kind, bits, frac, (const uint8_t *)&c->shares[index], sizeof(Fe));
    if (!s) return vm_oom(vm);
    s->bound = 64; /* as mpc_builtins.c's client inputs: at most 64 bits */
    *r = val_gc(VT_SHARE, s);
    return ST_OK;
}

static int hb_take_share(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return hb_take(vm, "ClientStore.take_share", a, n, SHARE_INT, 64, 0, r, ud);
}

static int hb_take_bool(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return hb_take(vm, "ClientStore.take_share_bool", a, n, SHARE_INT, 1, 0, r, ud);
}

static int hb_take_fixed(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    return hb_take(vm, "ClientStore.take_share_fixed", a, n, SHARE_FIXED, MPC_FIXED_TOTAL_BITS, MPC_FIXED_FRAC_BITS, r,
                   ud);
}

static int hb_count(VM *vm, const Value *a, uint32_t n, Value *r, void *ud)
{
    *r = val_i64((int64_t)((HBEngineOpaque *)ud)->n_clients);
    return ST_OK;
}

/* Attaches the engine to the VM (secret registers and the Share.* / Mpc.*
 * builtins then run on it) and makes the client shares given with
 * hb_engine_init_client_input the VM's client store, clients in the order
 * they were given.  The engine must outlive the VM's use of it. */
HBEngineErrorCode hb_engine_hydrate_to_vm(HBEngineOpaque *engine_ptr, VMHandle vm_handle)
{
    if (!engine_ptr || !vm_handle) return HBEngineNullPointer;
    VM *vm = ((StoffelVM *)vm_handle)->vm;
    if (vm_mpc(vm) && vm_mpc(vm) != engine_ptr->e) return HBEngineInvalidConfig;
    if (!vm_mpc(vm) && vm_attach_mpc(vm, engine_ptr->e) != ST_OK) return HBEngineRuntimeError;
    static const struct {
        const char *name;
        NativeFn fn;
    } store[] = {
        { "ClientStore.take_share", hb_take_share },          { "ClientStore.take_share_bool", hb_take_bool },
        { "ClientStore.take_share_fixed", hb_take_fixed },    { "ClientStore.get_number_clients", hb_count },
        { "ClientStore.get_number_input_clients", hb_count }, { "ClientStore.get_number_output_clients", hb_count },
    };
    for (size_t i = 0; i < sizeof store / sizeof store[0]; i++)
        if (vm_replace_native(vm, store[i].name, store[i].fn, engine_ptr) != ST_OK) return HBEngineRuntimeError;
    return HBEngineSuccess;
}
