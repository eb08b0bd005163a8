/* net_mpc.c: one node of a networked MPC session (net_mpc.h). */
#include "net_mpc.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api_internal.h"
#include "core/clock.h"
#include "core/format.h"
#include "mpc/engine.h"
#include "mpc/fixed.h"
#include "net/discovery.h"
#include "net/reconnect.h"
#include "net/tls.h"
#include "vm/avss_builtins.h"
#include "session.h"

/* Records an error line as stoffel-run prints it ("Error: ..."); the
 * library never prints (the caller decides what to show). */
static int say(NetRun *nr, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(NetRun *nr, int code, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sb_printf(&nr->err, "Error: %s\n", msg);
    return code;
}

/* Hex BLAKE2b-256 of the program file's bytes. */
static int hash_file(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    crypto_generichash_state st;
    crypto_generichash_init(&st, (const unsigned char *)"stoffel-program", 15, 32);
    unsigned char buf[65536], h[32];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) crypto_generichash_update(&st, buf, got);
    bool bad = ferror(f);
    fclose(f);
    if (bad) return -1;
    crypto_generichash_final(&st, h, sizeof h);
    net_hex(h, sizeof h, hex);
    return 0;
}

/* The instance id every message carries: from the roster (which every node
 * has) and the optional session label, so all nodes derive the same one. */
static uint64_t instance_of(const Roster *r, const char *session)
{
    crypto_generichash_state st;
    unsigned char h[32];
    crypto_generichash_init(&st, (const unsigned char *)"stoffel-net-instance-v1", 23, sizeof h);
    crypto_generichash_update(&st, r->digest, sizeof r->digest);
    if (session) crypto_generichash_update(&st, (const unsigned char *)session, strlen(session));
    crypto_generichash_final(&st, h, sizeof h);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | h[i];
    return v;
}

/* ---- common setup --------------------------------------------------------------- */

typedef struct {
    Roster roster;
    const Field *field;
    const Group *avss_group; /* --mpc-backend avss: its group, else NULL */
    uint32_t n, t, self;
    uint64_t instance;
    uint64_t session_id; /* the instance before this run's nonce: stable across runs */
    char params[512];
    uint32_t *inputs; /* a party: the count expected from each client; a client: its own */
    Transport *tr;
} Node;

/* `--servers A,B,...` must list the roster's party addresses in order. */
static int check_servers(NetRun *nr, const Roster *r, const char *servers)
{
    char *copy = strdup(servers);
    if (!copy) return say(nr, NET_MPC_BAD_CONFIG, "out of memory");
    int rc = 0;
    uint32_t i = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save), i++) {
        char want[300];
        if (i >= r->n_parties) {
            rc = say(nr, NET_MPC_BAD_CONFIG, "--servers lists more than the roster's %u parties", r->n_parties);
            break;
        }
        snprintf(want, sizeof want, "%s:%s", r->nodes[i].host, r->nodes[i].port);
        if (strcmp(tok, want) != 0)
            rc = say(nr, NET_MPC_BAD_CONFIG, "--servers entry %u is %s but the roster has party %u at %s", i + 1, tok,
                     i, want);
    }
    if (rc == 0 && i != r->n_parties)
        rc = say(nr, NET_MPC_BAD_CONFIG, "--servers lists %u parties, the roster %u", i, r->n_parties);
    free(copy);
    return rc;
}

/* Each client's input count: --client-input-count, else the manifest, else
 * --client-input-total split evenly (it must be their sum), else
 * TLS_INPUTS_DECLARED: what the client declares in its hello, on which the
 * parties then agree (declared_inputs).  0, or the exit code after the
 * message. */
static int client_input_counts(NetRun *nr, const StfProgram *prog, const NetMpcOptions *o, uint32_t nclients,
                               uint32_t *per_client)
{
    const StfManifest *m = &prog->manifest;
    bool counts_given = o->inputs_per_client || (prog->version >= 2 && m->client_count > 0);
    for (uint32_t c = 0; c < nclients; c++) {
        if (o->inputs_per_client)
            per_client[c] = o->inputs_per_client;
        else if (prog->version >= 2 && c < m->client_count)
            per_client[c] = m->clients[c].input_count;
        else
            per_client[c] = o->client_input_total ? 1 : TLS_INPUTS_DECLARED;
    }
    uint32_t total = o->client_input_total;
    if (!total) return 0;
    if (!counts_given && nclients && total % nclients == 0)
        for (uint32_t c = 0; c < nclients; c++) per_client[c] = total / nclients;
    uint64_t sum = 0;
    for (uint32_t c = 0; c < nclients; c++) sum += per_client[c];
    if (sum != total)
        return say(nr, NET_MPC_BAD_CONFIG, "--client-input-total %u but the %u clients' inputs add up to %llu (%s)",
                   total, nclients, (unsigned long long)sum,
                   o->inputs_per_client ? "--client-input-count each"
                   : counts_given       ? "the program's manifest"
                                        : "it does not split evenly");
    return 0;
}

/* A party's upstream client flags against the roster, before it connects:
 * --wait-for-clients is its client count, --expected-clients its clients'
 * keys in order, --client-input-total their inputs. */
static int check_clients(NetRun *nr, const Roster *r, const NetMpcOptions *o, const StfProgram *prog)
{
    uint32_t *counts = calloc(r->n_clients + 1, sizeof *counts);
    int crc =
        counts ? client_input_counts(nr, prog, o, r->n_clients, counts) : say(nr, NET_MPC_BAD_CONFIG, "out of memory");
    free(counts);
    if (crc) return crc;
    if (o->wait_for_clients && o->wait_for_clients != r->n_clients)
        return say(nr, NET_MPC_BAD_CONFIG, "--wait-for-clients %u but the roster lists %u client%s",
                   o->wait_for_clients, r->n_clients, r->n_clients == 1 ? "" : "s");
    if (!o->expected_clients) return 0;
    char err[1024];
    uint8_t *ids;
    uint32_t k;
    if (discovery_expected_clients(o->expected_clients, &ids, &k, err, sizeof err) != DISCOVERY_OK)
        return say(nr, NET_MPC_BAD_CONFIG, "%s", err);
    int rc = 0;
    if (k != r->n_clients)
        rc = say(nr, NET_MPC_BAD_CONFIG, "--expected-clients lists %u clients but the roster %u", k, r->n_clients);
    for (uint32_t c = 0; rc == 0 && c < k; c++)
        if (memcmp(ids + (size_t)c * NET_KEY_ID_LEN, r->nodes[r->n_parties + c].key_id, NET_KEY_ID_LEN) != 0)
            rc = say(nr, NET_MPC_BAD_CONFIG, "--expected-clients entry %u is not the key of the roster's client %u",
                     c + 1, c);
    free(ids);
    return rc;
}

/* The input counts the hello carries (tls.h): a party's expectation for
 * every client (client_input_counts), a client's
 * own count.  NULL on no memory. */
static uint32_t *hello_inputs(NetRun *nr, const NetMpcOptions *o, const StfProgram *prog, const Roster *r,
                              size_t client_count)
{
    uint32_t k = o->client ? 1 : r->n_clients;
    uint32_t *in = calloc(k ? k : 1, sizeof *in);
    if (!in) return NULL;
    if (o->client) {
        in[0] = (uint32_t)client_count;
        return in;
    }
    if (client_input_counts(nr, prog, o, k, in) != 0) { /* checked before (check_clients) */
        free(in);
        return NULL;
    }
    return in;
}

/* The reconnect window, at most half the protocol timeout: a peer that is
 * not back by then (a crashed party cannot resume) must be known gone before
 * a protocol wait gives up, so the others go on without it where the protocol
 * tolerates an absent party (a killed party in AVSS key generation, say).
 * -1: reconnection off (tls.h). */
static int reconnect_window(const NetMpcOptions *o)
{
    if (o->reconnect_ms < 0) return -1;
    int w = o->reconnect_ms ? o->reconnect_ms : NET_RECONNECT_MS;
    int timeout = o->timeout_ms > 0 ? o->timeout_ms : MPC_DEFAULT_TIMEOUT_MS;
    return w > timeout / 2 ? (timeout / 2 > 0 ? timeout / 2 : 1) : w;
}

static int node_setup(NetRun *nr, Node *nd, const NetMpcOptions *o, const char *program_hex, const StfProgram *prog,
                      size_t client_count)
{
    char err[2048];
    memset(nd, 0, sizeof *nd);
    if ((!o->roster_path && !o->roster_text) || !o->key_path || !o->cert_path)
        return say(nr, NET_MPC_BAD_CONFIG, "a networked session needs --roster FILE, --key FILE and --cert FILE");
    if (sodium_init() < 0) return say(nr, NET_MPC_BAD_CONFIG, "libsodium cannot be initialised");
    if (o->backend && strcmp(o->backend, "avss") == 0) {
        nd->avss_group = avss_builtins_group(o->curve);
        if (!nd->avss_group)
            return say(nr, NET_MPC_BAD_CONFIG, "unknown --mpc-curve '%s' for avss (%s)", o->curve, AVSS_CURVES);
        nd->field = nd->avss_group->scalar_field;
    } else {
        nd->field = field_by_name(o->curve);
    }
    if (!nd->field)
        return say(nr, NET_MPC_BAD_CONFIG, "unknown --mpc-curve '%s' (bls12-381, bn254, curve25519, ed25519)",
                   o->curve);
    if (o->roster_text ? roster_parse(o->roster_text, strlen(o->roster_text), &nd->roster, err, sizeof err) != 0
                       : roster_load(o->roster_path, &nd->roster, err, sizeof err) != 0)
        return say(nr, NET_MPC_BAD_CONFIG, "%s", err);
    Roster *r = &nd->roster;
    nd->n = r->n_parties;
    nd->t = o->threshold;
    int rc = 0;
    if (o->n_parties && o->n_parties != r->n_parties)
        rc = say(nr, NET_MPC_BAD_CONFIG, "--n-parties %u but the roster lists %u parties", o->n_parties, r->n_parties);
    else if (nd->n > ST_MAX_PARTIES)
        rc = say(nr, NET_MPC_BAD_CONFIG, "at most %u parties", ST_MAX_PARTIES);
    else if (nd->n < 3 * nd->t + 1)
        rc = say(nr, NET_MPC_BAD_CONFIG, "%u parties are too few for --threshold %u (need n >= 3t+1 = %u)", nd->n,
                 nd->t, 3 * nd->t + 1);
    else if (o->client && (o->client_id < 0 || (uint64_t)o->client_id >= r->n_clients))
        rc = say(nr, NET_MPC_BAD_CONFIG, "--client needs --client-id C with C in 0..%d (the roster's clients)",
                 (int)r->n_clients - 1);
    else if (!o->client && (o->party_id < 0 || (uint64_t)o->party_id >= r->n_parties))
        rc = say(nr, NET_MPC_BAD_CONFIG, "--party-id must be in 0..%u (the roster's parties)", r->n_parties - 1);
    else if (o->servers)
        rc = check_servers(nr, r, o->servers);
    if (rc == 0 && !o->client) rc = check_clients(nr, r, o, prog);
    if (rc == 0 && !(nd->inputs = hello_inputs(nr, o, prog, r, client_count)))
        rc = say(nr, NET_MPC_BAD_CONFIG, "out of memory");
    if (rc) {
        roster_free(r);
        return rc;
    }
    nd->self = o->client ? r->n_parties + (uint32_t)o->client_id : (uint32_t)o->party_id;
    nd->instance = instance_of(r, o->session);
    snprintf(nd->params, sizeof nd->params, "n=%u t=%u clients=%u curve=%s instance=%016llx%s", nd->n, nd->t,
             r->n_clients, nd->field->name, (unsigned long long)nd->instance, nd->avss_group ? " backend=avss" : "");
    TlsNetConfig tc = {
        .roster = r,
        .self = nd->self,
        .key_path = o->key_path,
        .cert_path = o->cert_path,
        .params = nd->params,
        .program = program_hex,
        .inputs = nd->inputs,
        .bind = o->bind,
        .reconnect_ms = reconnect_window(o),
    };
    nd->tr = tls_transport_new(&tc, err, sizeof err);
    if (!nd->tr) {
        free(nd->inputs);
        roster_free(r);
        bool listen = strncmp(err, "cannot listen", 13) == 0;
        bool identity = strstr(err, "roster's key") || strstr(err, "cannot load") || strstr(err, "does not belong");
        return say(nr,
                   listen     ? NET_MPC_LISTEN_FAILED
                   : identity ? (o->client ? NET_MPC_CLIENT_IDENTITY : NET_MPC_BAD_CONFIG)
                              : (o->client ? NET_MPC_CLIENT_CONNECT : NET_MPC_SESSION_FAILED),
                   "%s", err);
    }
    int wait = o->connect_timeout_ms > 0 ? o->connect_timeout_ms : NET_MPC_CONNECT_MS;
    if (tls_transport_wait_peers(nd->tr, true, wait, err, sizeof err) != 0) {
        /* the parties may have refused this client and left before it had
         * connected to all of them: their refusal is the reason to show */
        char why[256];
        bool refused = o->client && mpc_client_refusals(nd->tr, nd->field, nd->n, nd->t, 2000, why, sizeof why) == 1;
        tls_transport_free(nd->tr, 0);
        free(nd->inputs);
        roster_free(r);
        if (refused)
            return say(nr, NET_MPC_CLIENT_PROTOCOL, "client %u: input failed: %s", (unsigned)o->client_id, why);
        return say(nr, o->client ? NET_MPC_CLIENT_CONNECT : NET_MPC_SESSION_FAILED, "%s", err);
    }
    /* a fresh instance id in every run, the same at every node: messages
     * of an earlier run with the same roster never fit this one */
    nd->session_id = nd->instance;
    uint8_t run[32];
    if (tls_transport_run_nonce(nd->tr, run) == 0)
        for (int i = 0; i < 8; i++) nd->instance ^= (uint64_t)run[i] << (8 * i);
    return 0;
}

/* With TLS_INPUTS_DECLARED counts, each client's count as its hello
 * declared it (capped just above what a client may send, so the engine
 * takes it and the agreement refuses it).  *declared: whether any was. */
static int declared_inputs(NetRun *nr, Node *nd, bool *declared)
{
    *declared = false;
    for (uint32_t c = 0; c < nd->roster.n_clients; c++) {
        if (nd->inputs[c] != TLS_INPUTS_DECLARED) continue;
        uint32_t v;
        if (tls_transport_declared_inputs(nd->tr, nd->n + c, &v) != 0)
            return say(nr, NET_MPC_SESSION_FAILED, "client %u declared no input count in its hello", c);
        nd->inputs[c] = v > SESSION_MAX_CLIENT_INPUTS ? SESSION_MAX_CLIENT_INPUTS + 1 : v;
        *declared = true;
    }
    return 0;
}

static void node_free(Node *nd, int linger_ms)
{
    if (nd->tr) tls_transport_free(nd->tr, linger_ms);
    free(nd->inputs);
    roster_free(&nd->roster);
}

/* ---- parties ---------------------------------------------------------------------- */

/* Testing aid (tests/net): STOFFEL_NET_TEST_KILL_AT=online makes this party
 * kill itself with SIGKILL when the online phase starts, after
 * preprocessing and client input - a crash at a reproducible point;
 * =preproc just before preprocessing. */
static _Thread_local Transport
    *test_reset_tr; /* this thread's party (parties may be threads), for STOFFEL_NET_TEST_RESET_AT */

static void test_kill_at(const char *stage)
{
    const char *v = getenv("STOFFEL_NET_TEST_KILL_AT");
    if (v && strcmp(v, stage) == 0) {
        fflush(NULL);
        raise(SIGKILL);
    }
    /* STOFFEL_NET_TEST_RESET_AT=STAGE:NODE: the connection to NODE is reset
     * (TCP RST) after its next message, and must resume (docs/network.md) */
    v = getenv("STOFFEL_NET_TEST_RESET_AT");
    size_t sl = strlen(stage);
    if (v && test_reset_tr && strncmp(v, stage, sl) == 0 && v[sl] == ':') {
        char *end;
        unsigned long node = strtoul(v + sl + 1, &end, 10);
        if (!*end && end != v + sl + 1 && node < UINT32_MAX) tls_transport_test_reset(test_reset_tr, (uint32_t)node, 1);
    }
}

static void stage(NetRun *nr, const char *what)
{
    if (nr && nr->stage) nr->stage(nr->stage_ud, what);
}

/* The session runner's hooks take no argument: they report to the run of
 * their thread (each node runs in one thread). */
static _Thread_local NetRun *hook_run;

static void before_online(void)
{
    stage(hook_run, "online");
    test_kill_at("online");
}

static void before_preproc(void)
{
    stage(hook_run, "preprocessing");
    test_kill_at("preproc");
}

static int run_party(NetRun *nr, const StfProgram *prog, const NetMpcOptions *o)
{
    if (o->cost_report) *o->cost_report = NULL;
    if (!prog || !o->program_path) return say(nr, NET_MPC_BAD_CONFIG, "a party needs the program file");
    char hex[65];
    if (hash_file(o->program_path, hex) != 0)
        return say(nr, NET_MPC_BAD_CONFIG, "cannot read '%s': %s", o->program_path, strerror(errno));
    Node nd;
    int rc = node_setup(nr, &nd, o, hex, prog, 0);
    if (rc) return rc;
    bool declared;
    if ((rc = declared_inputs(nr, &nd, &declared)) != 0) {
        node_free(&nd, 0);
        return rc;
    }
    stage(nr, "connected");
    test_reset_tr = nd.tr;
    uint32_t nclients = nd.roster.n_clients;
    /* Preprocessing up front, as upstream does at startup (session.h):
     * what the manifest asks for, else one batch of triples, while every
     * party is known to be connected; the online phase then tolerates t
     * parties failing. */
    PartySpec spec = {
        .prog = prog,
        .entry = o->entry,
        .transport = nd.tr,
        .n = nd.n,
        .t = nd.t,
        .self = nd.self,
        .n_clients = nclients,
        .client_inputs = nd.inputs,
        .agree_client_inputs = declared,
        .field = nd.field,
        .instance = nd.instance,
        .avss_group = nd.avss_group,
        .timeout_ms = o->timeout_ms,
        .fallback_triples = 1,
        .quiet = nd.self != 0,
        .before_online = before_online,
        .wrong_output_types = getenv("STOFFEL_NET_TEST_WRONG_TYPES") != NULL, /* testing aid (tests/net) */
        .before_preproc = before_preproc,
        .local_store = o->local_store,
        .preproc_store = o->preproc_store,
        .store_session = nd.session_id,
        .progress = o->progress,
        .max_call_depth = o->max_call_depth,
        .instruction_budget = o->instruction_budget,
        .heap_limit = o->heap_limit,
    };
    PartyCost *cost = o->cost_report ? calloc(1, sizeof *cost) : NULL;
    spec.cost = cost;
    PartyOutcome out;
    hook_run = nr;
    party_run_session(&spec, &out);
    hook_run = NULL;
    if (o->cost_report) *o->cost_report = cost_report_of_parties(&cost, 1, true);
    rc = NET_MPC_EXEC_FAILED;
    switch (out.stage) {
    case PARTY_DONE:
        nr->ndelivered = out.ndelivered;
        nr->nclients = nclients;
        if (!out.ndelivered && !(nr->clear_text = strdup(out.clear_text ? out.clear_text : "")))
            rc = say(nr, NET_MPC_EXEC_FAILED, "out of memory");
        else
            rc = 0;
        break;
    case PARTY_FAILED_LOAD: rc = say(nr, NET_MPC_BAD_PROGRAM, "%s", out.err); break;
    case PARTY_FAILED_ENGINE:
    case PARTY_FAILED_SETUP: rc = say(nr, NET_MPC_SETUP_FAILED, "%s", out.err); break;
    case PARTY_FAILED_EXECUTE:
        sb_printf(&nr->err, "Execution error in '%s': party %u: %s\n", o->entry ? o->entry : "main", nd.self, out.err);
        if (out.exec_function)
            sb_printf(&nr->err, "  at %s, instruction %lld\n", out.exec_function, (long long)out.exec_index);
        break;
    case PARTY_FAILED_NO_CLIENT:
        say(nr, rc, "the program returned a secret share but the roster has no client to deliver it to");
        break;
    default: say(nr, rc, "%s", out.err); break;
    }
    party_outcome_free(&out);
    /* After an execution error (a limit, say) the peers still need what
     * was queued for them (the last preprocessing round) to stop at the
     * same place instead of timing out in an earlier phase. */
    test_reset_tr = NULL;
    node_free(&nd, rc == 0 || out.stage == PARTY_FAILED_EXECUTE || out.flush ? NET_MPC_LINGER_MS : 0);
    return rc;
}

/* ---- clients ---------------------------------------------------------------------- */

static int parse_client_inputs(NetRun *nr, const NetMpcOptions *o, const StfProgram *prog, const Field *f, Fe **out,
                               size_t *count)
{
    *out = NULL;
    *count = 0;
    const char *in = o->inputs;
    if (!in || !*in) return 0;
    size_t k = 1;
    for (const char *p = in; *p; p++) k += *p == ',';
    if (k > SESSION_MAX_CLIENT_INPUTS) return say(nr, NET_MPC_BAD_CONFIG, "too many inputs");
    Fe *v = calloc(k, sizeof *v);
    char *copy = strdup(in);
    if (!v || !copy) {
        free(v);
        free(copy);
        return say(nr, NET_MPC_BAD_CONFIG, "out of memory");
    }
    size_t i = 0;
    char *save = NULL;
    uint32_t cid = (uint32_t)o->client_id;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save), i++) {
        MpcInputKind kind = session_input_kind(prog, cid, (uint32_t)i);
        if (!session_encode_input(f, kind, tok, &v[i])) {
            int rc = kind == MPC_INPUT_FIXED
                         ? say(nr, NET_MPC_BAD_CONFIG, "input %zu: '%s' is not a usable number", i, tok)
                         : say(nr, NET_MPC_BAD_CONFIG, "input %zu: '%s' is not an integer%s", i, tok,
                               prog ? "" : " (give PROGRAM for fixed-point inputs)");
            free(copy);
            free(v);
            return rc;
        }
    }
    free(copy);
    if (i != k) {
        free(v);
        return say(nr, NET_MPC_BAD_CONFIG, "empty entry in --inputs '%s'", in);
    }
    *out = v;
    *count = k;
    return 0;
}

/* Inputs given as typed values through the API (stoffel_client_add_*),
 * encoded as the program declares them: a number for a fixed-point input
 * is scaled, one for an integer input must be whole. */
static int encode_api_inputs(NetRun *nr, const NetMpcOptions *o, const StfProgram *prog, const Field *f, Fe **out,
                             size_t *count)
{
    if (nr->ninputs > SESSION_MAX_CLIENT_INPUTS) return say(nr, NET_MPC_BAD_CONFIG, "too many inputs");
    Fe *v = calloc(nr->ninputs, sizeof *v);
    if (!v) return say(nr, NET_MPC_BAD_CONFIG, "out of memory");
    for (size_t i = 0; i < nr->ninputs; i++) {
        const NetInput *in = &nr->inputs[i];
        double d = in->kind == STOFFEL_NET_FIXED ? in->d : (double)in->i;
        int64_t x = in->i;
        bool ok = true, fixed = session_input_kind(prog, (uint32_t)o->client_id, (uint32_t)i) == MPC_INPUT_FIXED;
        if (fixed)
            ok = fixed_from_double(d, MPC_FIXED_FRAC_BITS, &x) == 0;
        else if (in->kind == STOFFEL_NET_FIXED)
            ok = d == floor(d) && d >= -0x1p63 && d < 0x1p63 && ((x = (int64_t)d), true);
        if (!ok) {
            free(v);
            return say(nr, NET_MPC_BAD_CONFIG, "input %zu: %g is not %s", i, d,
                       fixed ? "in the fixed-point range" : "a whole number (the program takes an integer here)");
        }
        fe_from_i64(f, &v[i], x);
    }
    *out = v;
    *count = nr->ninputs;
    return 0;
}

/* Keeps one reconstructed batch, typed as the manifest types it, or all as
 * fixed point with --output-fixed-point-fractional-bits (upstream's flag
 * for clients that have no manifest), and its text as --local-mpc prints
 * it.  0, or an exit code after the message (a fixed-point value out of
 * its type's range). */
static int keep_batch(NetRun *nr, const StfProgram *prog, const NetMpcOptions *o, uint32_t cid, const Field *f,
                      const Fe *vals, size_t n, const MpcOutputType *types)
{
    NetBatch *nb = realloc(nr->batches, (nr->nbatches + 1) * sizeof *nb);
    if (!nb) return say(nr, NET_MPC_CLIENT_PROTOCOL, "out of memory");
    nr->batches = nb;
    NetBatch *bt = &nb[nr->nbatches];
    *bt = (NetBatch){ .v = calloc(n + 1, sizeof(NetValue)), .n = n };
    if (!bt->v) return say(nr, NET_MPC_CLIENT_PROTOCOL, "out of memory");
    nr->nbatches++;
    StrBuf b;
    sb_init(&b);
    if (n != 1) sb_putc(&b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) sb_puts(&b, ", ");
        bool fixed = prog && prog->version >= 2 && cid < prog->manifest.client_count &&
                     i < prog->manifest.clients[cid].output_count && prog->manifest.clients[cid].outputs[i].tag == 1;
        const StfShareType *ty = fixed ? &prog->manifest.clients[cid].outputs[i] : NULL;
        uint32_t bits = ty ? ty->bits : 64, frac = ty ? ty->frac : 0;
        bool boolean = false;
        if (types) { /* what the parties sent with the values */
            fixed = types[i].kind == 1;
            boolean = types[i].kind == 0 && types[i].bits == 1;
            bits = types[i].bits ? types[i].bits : 64;
            frac = types[i].frac;
        }
        if (o->output_fixed_point) {
            fixed = true;
            frac = o->output_frac_bits;
        }
        char why[160];
        if (fixed && session_check_fixed(f, &vals[i], bits, frac, i, cid, why, sizeof why) != 0) {
            sb_free(&b);
            return say(nr, NET_MPC_EXEC_FAILED, "%s", why);
        }
        NetValue *v = &bt->v[i];
        uint8_t le[32];
        fe_to_bytes(f, le, &vals[i]);
        for (int j = 0; j < 32; j++) v->bytes[j] = le[31 - j]; /* most significant first */
        sodium_memzero(le, sizeof le);
        if (fe_to_i64_signed(f, &v->i, &vals[i]) != 0) {
            v->kind = STOFFEL_NET_FIELD;
            v->i = 0;
        } else if (boolean && !fixed) {
            v->kind = STOFFEL_NET_BOOL;
            v->i = v->i != 0;
            v->d = (double)v->i;
        } else if (fixed) {
            v->kind = STOFFEL_NET_FIXED;
            v->d = (double)v->i / ldexp(1.0, (int)frac);
        } else {
            v->kind = STOFFEL_NET_INT;
            v->d = (double)v->i;
        }
        StrBuf one;
        sb_init(&one);
        session_format_value(f, &vals[i], boolean && !fixed, fixed, frac, &one);
        snprintf(v->text, sizeof v->text, "%s", one.data ? one.data : "");
        sb_puts(&b, v->text);
        sb_free(&one);
    }
    if (n != 1) sb_putc(&b, ']');
    bt->text = sb_take(&b);
    return bt->text ? 0 : say(nr, NET_MPC_CLIENT_PROTOCOL, "out of memory");
}

static bool any_party_up(Node *nd)
{
    for (uint32_t i = 0; i < nd->n; i++)
        if (tls_transport_peer_up(nd->tr, i)) return true;
    return false;
}

/* Upstream refuses a client with nothing to do: no --inputs and no
 * --outputs (here also: no output for it in the manifest; cid < 0: for
 * any client, before discovery gave it its id). */
static int client_io_given(NetRun *nr, const StfProgram *prog, const NetMpcOptions *o, int64_t cid)
{
    bool outputs = o->outputs != 0;
    for (uint32_t c = 0; prog && prog->version >= 2 && c < prog->manifest.client_count; c++)
        outputs |= (cid < 0 || cid == c) && prog->manifest.clients[c].output_count > 0;
    if (outputs || (o->inputs && *o->inputs) || nr->ninputs) return 0;
    return say(nr, NET_MPC_BAD_CONFIG,
               "a client must either provide --inputs (comma-separated values) or receive "
               "outputs via --outputs <N> in client mode");
}

static int run_client(NetRun *nr, const StfProgram *prog, const NetMpcOptions *o)
{
    Node nd;
    const Group *ag = o->backend && strcmp(o->backend, "avss") == 0 ? avss_builtins_group(o->curve) : NULL;
    const Field *f = ag ? ag->scalar_field : field_by_name(o->curve);
    if (!f) return say(nr, NET_MPC_BAD_CONFIG, "unknown --mpc-curve '%s'", o->curve);
    Fe *vals = NULL;
    size_t count = 0;
    int rc = nr->ninputs ? encode_api_inputs(nr, o, prog, f, &vals, &count)
                         : parse_client_inputs(nr, o, prog, f, &vals, &count);
    if (rc) return rc;
    if (count == 0 && (rc = client_io_given(nr, prog, o, o->client_id)) != 0) {
        free(vals);
        return rc;
    }
    rc = node_setup(nr, &nd, o, NULL, prog, count);
    if (rc) {
        free(vals);
        return rc;
    }
    stage(nr, "connected");
    uint32_t cid = (uint32_t)o->client_id;
    int timeout = o->timeout_ms > 0 ? o->timeout_ms : 60000;
    MpcClient *in = mpc_client_new(nd.tr, nd.field, nd.n, nd.t, nd.instance, timeout);
    MpcClient *out = mpc_client_new(nd.tr, nd.field, nd.n, nd.t, nd.instance, 250);
    if (!in || !out) {
        rc = say(nr, NET_MPC_CLIENT_PROTOCOL, "out of memory");
        goto done;
    }
    if (mpc_client_inputs(in, vals, count) != 0) {
        rc = say(nr, NET_MPC_CLIENT_PROTOCOL, "client %u: input failed: %s", cid, mpc_client_error(in));
        goto done;
    }
    stage(nr, "inputs-sent");
    /* Outputs: batch after batch until every party has left (parties close
     * their connections after sending everything) or the timeout passes
     * with nothing received. */
    int64_t deadline = mono_now_ms() + timeout;
    for (;;) {
        Fe *v = NULL;
        size_t k = 0;
        if (mpc_client_outputs(out, &v, &k) == 0) {
            MpcOutputType *types = malloc((k + 1) * sizeof *types);
            int64_t dissenter = -1;
            int trc = types ? mpc_client_output_types(out, types, k, &dissenter) : -2;
            if (trc == -2)
                rc = say(nr, NET_MPC_CLIENT_PROTOCOL, "out of memory");
            else if (trc < 0)
                rc = say(nr, NET_MPC_CLIENT_PROTOCOL, "%s", mpc_client_error(out));
            else
                rc = keep_batch(nr, prog, o, cid, nd.field, v, k, trc == 1 ? types : NULL);
            if (rc == 0 && dissenter >= 0)
                sb_printf(&nr->err, "Warning: party %lld sent other output types than the rest (outvoted)\n",
                          (long long)dissenter);
            free(types);
            sodium_memzero(v, k * sizeof *v);
            free(v);
            if (rc) goto done;
            stage(nr, "output");
            deadline = mono_now_ms() + timeout;
            continue;
        }
        if (mpc_client_refused(out)) { /* an output-only client learns it here */
            rc = say(nr, NET_MPC_CLIENT_PROTOCOL, "%s", mpc_client_error(out));
            goto done;
        }
        if (!any_party_up(&nd) || mono_now_ms() > deadline) break;
    }
    if (!nr->nbatches) {
        rc = say(nr, NET_MPC_CLIENT_PROTOCOL, "client %u: no result could be reconstructed: %s", cid,
                 any_party_up(&nd) ? "timed out" : "every party left without sending enough output shares");
        goto done;
    }
    size_t last_k = nr->batches[nr->nbatches - 1].n;
    if (o->outputs && last_k != o->outputs)
        rc = say(nr, NET_MPC_CLIENT_PROTOCOL, "client %u: --outputs %u but the result has %zu value%s", cid, o->outputs,
                 last_k, last_k == 1 ? "" : "s");
done:
    mpc_client_free(in);
    mpc_client_free(out);
    if (vals) sodium_memzero(vals, count * sizeof *vals);
    free(vals);
    node_free(&nd, rc == 0 ? 1000 : 0);
    return rc;
}

int net_mpc_run(const StfProgram *prog, const NetMpcOptions *o, NetRun *nr)
{
    nr->self = o->client ? o->client_id : o->party_id;
    nr->code = o->client ? run_client(nr, prog, o) : run_party(nr, prog, o);
    return nr->code;
}

void net_mpc_run_free(NetRun *nr)
{
    sb_free(&nr->err);
    free(nr->clear_text);
    for (size_t i = 0; i < nr->nbatches; i++) {
        sodium_memzero(nr->batches[i].v, nr->batches[i].n * sizeof(NetValue));
        free(nr->batches[i].v);
        free(nr->batches[i].text);
    }
    free(nr->batches);
    nr->clear_text = NULL;
    nr->batches = NULL;
    nr->nbatches = 0;
}

int net_mpc_run_discovery(const StfProgram *prog, const NetMpcOptions *o, NetRun *nr)
{
    char err[1024], *roster = NULL;
    NetMpcOptions run = *o;
    int drc;
    if (o->roster_path) return say(nr, NET_MPC_BAD_CONFIG, "--roster and --leader / --bootstrap exclude each other");
    if (!o->bind && !o->client)
        return say(nr, NET_MPC_BAD_CONFIG, "%s needs --bind HOST:PORT", o->leader ? "--leader" : "--bootstrap");
    if (o->client && client_io_given(nr, prog, o, o->has_client_index ? (int64_t)o->client_index : -1) != 0)
        return NET_MPC_BAD_CONFIG; /* before taking a seat it would leave empty */
    if (o->leader) {
        if (o->client || o->bootstrap)
            return say(nr, NET_MPC_BAD_CONFIG, "--leader is party 0: not with --client or --bootstrap");
        if (o->n_parties < 3 * o->threshold + 1 || o->n_parties < 1)
            return say(nr, NET_MPC_BAD_CONFIG, "--leader needs --n-parties N with N >= 3t+1 = %u",
                       3 * o->threshold + 1);
        uint32_t nclients = o->n_clients, nexp = 0;
        uint8_t *expect = NULL;
        if (o->wait_for_clients) {
            if (nclients && nclients != o->wait_for_clients)
                return say(nr, NET_MPC_BAD_CONFIG, "--clients %u and --wait-for-clients %u disagree", nclients,
                           o->wait_for_clients);
            nclients = o->wait_for_clients;
        }
        if (o->expected_clients) {
            if (discovery_expected_clients(o->expected_clients, &expect, &nexp, err, sizeof err) != DISCOVERY_OK)
                return say(nr, NET_MPC_BAD_CONFIG, "%s", err);
            if (nclients && nclients != nexp) {
                free(expect);
                return say(nr, NET_MPC_BAD_CONFIG, "--expected-clients lists %u clients but the session has %u", nexp,
                           nclients);
            }
            nclients = nexp;
        }
        uint8_t *pkeys = NULL;
        uint32_t npkeys = 0;
        if (o->party_keys && discovery_party_keys(o->party_keys, &pkeys, &npkeys, err, sizeof err) != DISCOVERY_OK) {
            free(expect);
            return say(nr, NET_MPC_BAD_CONFIG, "%s", err);
        }
        DiscoveryLeader dl = {
            .bind = o->bind,
            .key_path = o->key_path,
            .cert_path = o->cert_path,
            .n_parties = o->n_parties,
            .n_clients = nclients,
            .threshold = o->threshold,
            .timeout_ms = o->connect_timeout_ms,
            .expected_clients = expect,
            .party_keys = pkeys,
            .n_party_keys = npkeys,
            .insecure_any_party_key = o->insecure_any_party_key != 0,
        };
        drc = discovery_lead(&dl, &roster, err, sizeof err);
        free(expect);
        free(pkeys);
        run.party_id = 0;
    } else {
        uint32_t idx = 0, t = 0;
        DiscoveryJoin dj = {
            .leader = o->bootstrap,
            .key_path = o->key_path,
            .cert_path = o->cert_path,
            .client = o->client,
            .addr = o->bind,
            .leader_key_id = o->leader_key_id,
            .insecure_no_pin = o->insecure_no_leader_pin != 0,
            .timeout_ms = o->connect_timeout_ms,
            .has_index = o->has_client_index != 0,
            .index = o->client_index,
        };
        drc = discovery_join(&dj, &roster, &idx, &t, err, sizeof err);
        /* the id decides whose inputs and outputs these are: say it */
        if (o->client)
            run.client_id = idx;
        else
            run.party_id = idx;
        run.threshold = t;
    }
    if (drc != DISCOVERY_OK) {
        free(roster);
        int code = drc == DISCOVERY_LISTEN       ? NET_MPC_LISTEN_FAILED
                   : drc == DISCOVERY_REFUSED    ? NET_MPC_REGISTRATION_REFUSED
                   : drc == DISCOVERY_BAD_CONFIG ? NET_MPC_BAD_CONFIG
                   : o->client                   ? NET_MPC_CLIENT_CONNECT
                                                 : NET_MPC_SESSION_FAILED;
        nr->code = say(nr, code, "%s", err);
        return nr->code;
    }
    nr->self = o->client ? run.client_id : run.party_id;
    stage(nr, "registered");
    run.roster_text = roster;
    run.n_parties = 0;
    int rc = net_mpc_run(prog, &run, nr);
    free(roster);
    return rc;
}

/* ---- identities (stoffel.h) ------------------------------------------------------------ */

static StoffelResult key_id_result(int rc, const uint8_t id[NET_KEY_ID_LEN], const char *err, char key_id[65],
                                   char **error)
{
    _Static_assert(2 * NET_KEY_ID_LEN + 1 == 65, "a key id is 64 hex digits");
    *error = NULL;
    if (rc != 0) {
        *error = strdup(err);
        return STOFFEL_ERROR_IO;
    }
    net_hex(id, NET_KEY_ID_LEN, key_id);
    return STOFFEL_OK;
}

StoffelResult stoffel_net_keygen(const char *key_path, const char *cert_path, const char *common_name, char key_id[65],
                                 char **error)
{
    return stoffel_net_keygen_as(key_path, cert_path, common_name, 0, key_id, error);
}

StoffelResult stoffel_net_keygen_as(const char *key_path, const char *cert_path, const char *common_name, int der,
                                    char key_id[65], char **error)
{
    if (!error) return STOFFEL_ERROR_INVALID;
    if (!key_path || !cert_path || !common_name || !key_id) {
        *error = strdup("stoffel_net_keygen: a path, the name or key_id is NULL");
        return STOFFEL_ERROR_INVALID;
    }
    char err[1024];
    uint8_t id[NET_KEY_ID_LEN];
    int rc = tls_keygen_as(key_path, cert_path, common_name, der != 0, id, err, sizeof err);
    return key_id_result(rc, id, err, key_id, error);
}

StoffelResult stoffel_net_cert_key_id(const char *cert_path, char key_id[65], char **error)
{
    if (!error) return STOFFEL_ERROR_INVALID;
    if (!cert_path || !key_id) {
        *error = strdup("stoffel_net_cert_key_id: cert_path or key_id is NULL");
        return STOFFEL_ERROR_INVALID;
    }
    char err[1024];
    uint8_t id[NET_KEY_ID_LEN];
    int rc = tls_cert_key_id(cert_path, id, err, sizeof err);
    return key_id_result(rc, id, err, key_id, error);
}
