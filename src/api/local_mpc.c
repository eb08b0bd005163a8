/* local_mpc.c: an n-party MPC session in one process (see local_mpc.h).
 *
 * Threads: one per party (VM + engine), one per client for the input phase.
 * After the parties finish, the clients' queued output messages are
 * reconstructed here: a share returned by the entry function goes to every
 * client (never opened by the parties), and is printed as the value the
 * clients reconstruct. */
#include "local_mpc.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode/load.h"
#include "core/format.h"
#include "net/inproc.h"
#include "stoffel.h"
#include "vm/vm.h"

#define MAX_CLIENT_INPUTS 1000000

typedef struct {
    uint8_t kind;                /* 0 int, 1 fixed, 2 uint (StShare.share_kind) */
    uint32_t bits, frac;
} ShareType;

typedef struct Session Session;

typedef struct {
    Session *s;
    uint32_t id;
    /* results */
    int status;                  /* LOCAL_MPC_* */
    char err[512];
    char *clear_text;            /* clear result, formatted */
    ShareType *delivered;        /* types of the shares sent to the clients */
    size_t ndelivered;
} Party;

typedef struct {
    Session *s;
    uint32_t id;                 /* client index (node id = n + id) */
    Fe *values;
    size_t count;
    int status;
    char err[512];
} Client;

struct Session {
    const StfProgram *prog;
    const LocalMpcOptions *opt;
    const Field *field;
    InprocHub *hub;
    uint64_t instance;
    uint32_t n, t, nclients;
    uint32_t *client_inputs;     /* input count per client */
    Party *parties;
    Client *clients;
    /* The first party to fail explains the failure; the others usually
     * just see the session end. */
    pthread_mutex_t lock;
    int first_failed;            /* party id + 1, 0 = none */
};

static int fail(char *err, size_t errlen, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return code;
}

/* ---- client inputs ---------------------------------------------------------------- */

static bool program_calls(const StfProgram *p, const char *name)
{
    size_t len = strlen(name);
    for (uint32_t f = 0; f < p->func_count; f++)
        for (uint32_t i = 0; i < p->funcs[f].instr_count; i++) {
            const StfInstr *in = &p->funcs[f].instrs[i];
            if (in->op == STF_OP_CALL && in->name.len == len && memcmp(in->name.s, name, len) == 0) return true;
        }
    return false;
}

/* How input `index` of client `client` is encoded: the manifest says so
 * (format >= 2); otherwise a program that only takes fixed-point client
 * shares gets fixed-point inputs, any other gets integers. */
static MpcInputKind input_kind(const StfProgram *p, uint32_t client, uint32_t index)
{
    const StfManifest *m = &p->manifest;
    if (p->version >= 2 && client < m->client_count && index < m->clients[client].input_count)
        return m->clients[client].inputs[index].tag == 1 ? MPC_INPUT_FIXED : MPC_INPUT_INT;
    bool fixed = program_calls(p, "ClientStore.take_share_fixed");
    bool ints = program_calls(p, "ClientStore.take_share") || program_calls(p, "ClientStore.take_share_bool");
    return fixed && !ints ? MPC_INPUT_FIXED : MPC_INPUT_INT;
}

static int encode_input(Session *s, const char *text, uint32_t client, uint32_t index, Fe *out, char *err,
                        size_t errlen)
{
    char *end;
    if (input_kind(s->prog, client, index) == MPC_INPUT_FIXED) {
        double d = strtod(text, &end);
        double scaled = d * (double)(1u << MPC_FIXED_FRAC_BITS);
        if (end == text || *end || !isfinite(scaled) || fabs(scaled) >= 9223372036854775808.0)
            return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "client %u input %u: '%s' is not a usable number",
                        client, index, text);
        fe_from_i64(s->field, out, (int64_t)scaled);
        return 0;
    }
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno)
        return fail(err, errlen, LOCAL_MPC_BAD_CONFIG,
                    "client %u input %u: '%s' is not an integer (the program takes integer inputs)", client,
                    index, text);
    fe_from_i64(s->field, out, v);
    return 0;
}

/* "15,25" or "1.5:2,3:4" -> per-client field values. */
static int parse_inputs(Session *s, char *err, size_t errlen)
{
    const char *in = s->opt->inputs;
    if (!in || !*in) return 0;
    char *copy = strdup(in);
    if (!copy) return fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
    uint32_t nclients = 1;
    for (const char *p = in; *p; p++) nclients += *p == ',';
    s->nclients = nclients;
    s->clients = calloc(nclients, sizeof *s->clients);
    s->client_inputs = calloc(nclients, sizeof *s->client_inputs);
    int rc = s->clients && s->client_inputs ? 0 : fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
    char *save_c = NULL;
    uint32_t c = 0;
    for (char *tok = strtok_r(copy, ",", &save_c); rc == 0 && tok; tok = strtok_r(NULL, ",", &save_c), c++) {
        size_t count = 1;
        for (const char *p = tok; *p; p++) count += *p == ':';
        if (count > MAX_CLIENT_INPUTS) {
            rc = fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "client %u has too many inputs", c);
            break;
        }
        Client *cl = &s->clients[c];
        cl->values = calloc(count, sizeof(Fe));
        if (!cl->values) { rc = fail(err, errlen, LOCAL_MPC_FAILED, "out of memory"); break; }
        char *save_v = NULL;
        for (char *v = strtok_r(tok, ":", &save_v); rc == 0 && v; v = strtok_r(NULL, ":", &save_v)) {
            rc = encode_input(s, v, c, (uint32_t)cl->count, &cl->values[cl->count], err, errlen);
            cl->count++;
        }
        s->client_inputs[c] = (uint32_t)cl->count;
    }
    if (rc == 0 && c != nclients)
        rc = fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "empty client entry in --inputs '%s'", in);
    free(copy);
    return rc;
}

/* ---- parties --------------------------------------------------------------------- */

static void discard_output(void *ud, const char *text, size_t len) { (void)ud; (void)text; (void)len; }


/* Shares in the result (a share, or an array whose elements are shares). */
static size_t collect_shares(VM *vm, Value v, StShare ***out)
{
    StShare *one;
    *out = NULL;
    if (vm_as_share(vm, v, &one)) {
        *out = malloc(sizeof **out);
        if (*out) (*out)[0] = one;
        return *out ? 1 : 0;
    }
    if (v.type != VT_ARRAY || v.as.arr->len == 0 || v.as.arr->len > MAX_CLIENT_INPUTS) return 0;
    StArray *a = v.as.arr;
    StShare **list = malloc((size_t)a->len * sizeof *list);
    if (!list) return 0;
    for (int64_t i = 0; i < a->len; i++) {
        if (!vm_as_share(vm, array_get_index(a, i), &list[i])) {
            free(list);
            return 0;
        }
    }
    *out = list;
    return (size_t)a->len;
}

static void party_run(Party *p)
{
    Session *s = p->s;
    const LocalMpcOptions *o = s->opt;
    VmConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.write = p->id == 0 ? o->write : discard_output;   /* NULL: the VM's stdout */
    cfg.write_ud = o->write_ud;
    VM *vm = vm_new(&cfg);
    MpcEngine *e = NULL;
    p->status = LOCAL_MPC_FAILED;
    if (!vm) {
        snprintf(p->err, sizeof p->err, "party %u: cannot create a VM", p->id);
        return;
    }
    if (vm_load_program(vm, s->prog) != ST_OK) {
        p->status = LOCAL_MPC_BAD_PROGRAM;
        snprintf(p->err, sizeof p->err, "%s", vm_last_error(vm)->message);
        goto done;
    }
    MpcConfig mc = {
        .n = s->n, .t = s->t, .party = p->id, .n_clients = s->nclients, .client_inputs = s->client_inputs,
        .field = s->field, .instance_id = s->instance, .timeout_ms = o->timeout_ms,
        .fault = (o->faulty && p->id >= s->n - o->faulty) ? o->fault : MPC_FAULT_NONE,
    };
    const char *why = NULL;
    e = mpc_engine_new(&mc, inproc_endpoint(s->hub, p->id), &why);
    if (!e) {
        p->status = LOCAL_MPC_BAD_CONFIG;
        snprintf(p->err, sizeof p->err, "party %u: %s", p->id, why ? why : "cannot create the MPC engine");
        goto done;
    }
    const StfManifest *m = &s->prog->manifest;
    if (s->prog->version >= 8 && (m->triples || m->randoms || m->prandbits) &&
        mpc_preprocess(e, m->triples, m->randoms, m->prandbits) != 0) {
        snprintf(p->err, sizeof p->err, "party %u: preprocessing failed: %s", p->id, mpc_error(e));
        goto done;
    }
    if (s->nclients && mpc_collect_inputs(e) != 0) {
        snprintf(p->err, sizeof p->err, "party %u: client input failed: %s", p->id, mpc_error(e));
        goto done;
    }
    if (vm_attach_mpc(vm, e) != ST_OK) {
        snprintf(p->err, sizeof p->err, "party %u: %s", p->id, vm_last_error(vm)->message);
        goto done;
    }
    Value r;
    const char *entry = o->entry ? o->entry : "main";
    if (vm_execute(vm, entry, NULL, 0, &r) != ST_OK) {
        const VmError *ve = vm_last_error(vm);
        if (ve->function && ve->instr_index >= 0)
            snprintf(p->err, sizeof p->err, "party %u: %s\n  at %s, instruction %lld", p->id, ve->message,
                     ve->function, (long long)ve->instr_index);
        else
            snprintf(p->err, sizeof p->err, "party %u: %s", p->id, ve->message);
        goto done;
    }
    StShare **shares;
    size_t n = collect_shares(vm, r, &shares);
    if (n) {
        /* A secret result goes to the clients, never opened here. */
        Fe *vals = malloc(n * sizeof *vals);
        p->delivered = malloc(n * sizeof *p->delivered);
        int rc = vals && p->delivered ? 0 : -1;
        for (size_t i = 0; rc == 0 && i < n; i++) {
            memcpy(&vals[i], shares[i]->bytes, sizeof(Fe));
            p->delivered[i] = (ShareType){ shares[i]->share_kind, shares[i]->bits, shares[i]->frac };
        }
        p->ndelivered = n;
        if (rc == 0 && s->nclients == 0) {
            snprintf(p->err, sizeof p->err, "the program returned a secret share but there is no client to deliver it to");
            rc = -1;
        } else if (rc != 0) {
            snprintf(p->err, sizeof p->err, "party %u: out of memory", p->id);
        }
        for (uint32_t c = 0; rc == 0 && c < s->nclients; c++) {
            if (mpc_send_to_client(e, c, vals, n) != 0) {
                snprintf(p->err, sizeof p->err, "party %u: sending the result to client %u failed: %s", p->id, c,
                         mpc_error(e));
                rc = -1;
            }
        }
        if (vals) sodium_memzero(vals, n * sizeof *vals);
        free(vals);
        free(shares);
        if (rc != 0) goto done;
    } else {
        StrBuf b;
        sb_init(&b);
        fmt_result(&b, r);
        p->clear_text = sb_take(&b);
    }
    p->status = LOCAL_MPC_OK;
done:
    /* A failed party would leave the others waiting for it: end the
     * session for everyone. */
    if (p->status != LOCAL_MPC_OK) {
        pthread_mutex_lock(&s->lock);
        if (!s->first_failed) s->first_failed = (int)p->id + 1;
        pthread_mutex_unlock(&s->lock);
        inproc_hub_shutdown(s->hub);
    }
    if (vm) vm_free(vm);
    if (e && p->id == 0 && o->stats) *o->stats = mpc_stats(e);
    if (e) mpc_engine_free(e);
}

static void *party_thread(void *arg)
{
    party_run(arg);
    return NULL;
}

static void *client_thread(void *arg)
{
    Client *c = arg;
    Session *s = c->s;
    Transport *t = inproc_endpoint(s->hub, s->n + c->id);
    if (mpc_client_send_inputs(t, s->field, s->n, s->t, s->instance, c->values, c->count,
                               s->opt->timeout_ms, c->err, sizeof c->err) != 0)
        c->status = LOCAL_MPC_FAILED;
    return NULL;
}

/* ---- outputs ---------------------------------------------------------------------- */

static void format_value(const Field *f, const ShareType *ty, const Fe *x, StrBuf *b)
{
    int64_t v;
    if (ty && ty->kind == 0 && ty->bits == 1) { sb_puts(b, fe_is_zero(x) ? "false" : "true"); return; }
    if (fe_to_i64_signed(f, &v, x) != 0) {
        uint8_t bytes[32];
        fe_to_bytes(f, bytes, x);
        sb_puts(b, "field 0x");
        for (int i = 31; i >= 0; i--) sb_printf(b, "%02x", bytes[i]);
        return;
    }
    if (ty && ty->kind == 1) {
        fmt_float(b, (double)v / ldexp(1.0, (int)ty->frac));
        return;
    }
    sb_printf(b, "%lld", (long long)v);
}

static void format_batch(const Field *f, const ShareType *types, size_t ntypes, const Fe *vals, size_t n,
                         StrBuf *b)
{
    if (n == 1 && ntypes <= 1) { format_value(f, ntypes ? types : NULL, &vals[0], b); return; }
    sb_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) sb_puts(b, ", ");
        format_value(f, i < ntypes ? &types[i] : NULL, &vals[i], b);
    }
    sb_putc(b, ']');
}

/* Reconstruct every batch queued for client c: explicit sends first, the
 * returned result (if any) last. */
static int client_outputs(Session *s, uint32_t c, const Party *p0, StrBuf *result, StrBuf *outputs,
                          char *err, size_t errlen)
{
    Transport *t = inproc_endpoint(s->hub, s->n + c);
    char why[256] = "";
    size_t batches = 0;
    StrBuf last;
    sb_init(&last);
    /* Every batch is queued by now: a short wait finds the end.  The
     * stateful client keeps batches apart (explicit sends, then the result). */
    MpcClient *mc = mpc_client_new(t, s->field, s->n, s->t, s->instance, 200);
    if (!mc) return fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
    for (;;) {
        Fe *vals = NULL;
        size_t n = 0;
        if (mpc_client_outputs(mc, &vals, &n) != 0) {
            snprintf(why, sizeof why, "%s", mpc_client_error(mc));
            break;
        }
        if (batches++ && last.len) sb_printf(outputs, "client %u received: %s\n", c, last.data);
        sb_reset(&last);
        format_batch(s->field, p0->delivered, p0->ndelivered, vals, n, &last);
        sodium_memzero(vals, n * sizeof *vals);
        free(vals);
    }
    mpc_client_free(mc);
    int rc = 0;
    if (p0->ndelivered) {
        if (!batches) rc = fail(err, errlen, LOCAL_MPC_FAILED, "client %u could not reconstruct the result: %s", c,
                                why[0] ? why : "no output arrived");
        else if (result->len == 0) sb_puts(result, last.data ? last.data : "");
        else if (strcmp(result->data, last.data ? last.data : "") != 0)
            rc = fail(err, errlen, LOCAL_MPC_FAILED, "clients disagree on the result (%s vs %s)", result->data, last.data);
    } else if (batches && last.len) {
        sb_printf(outputs, "client %u received: %s\n", c, last.data);
    }
    sb_free(&last);
    return rc;
}

/* ---- the session ----------------------------------------------------------------------- */

int local_mpc_run(const StfProgram *prog, const LocalMpcOptions *opt, char **result, char **outputs,
                  char *err, size_t errlen)
{
    *result = NULL;
    *outputs = NULL;
    if (sodium_init() < 0) return fail(err, errlen, LOCAL_MPC_FAILED, "libsodium cannot be initialised");
    Session s = { .prog = prog, .opt = opt, .n = opt->n_parties, .t = opt->threshold,
                  .lock = PTHREAD_MUTEX_INITIALIZER };
    s.field = field_by_name(opt->curve);
    if (!s.field) return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "unknown --mpc-curve '%s' (bls12-381, bn254, curve25519, ed25519)", opt->curve);
    if (s.n < 1 || s.n > 255) return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "--n-parties must be 1..255, got %u", s.n);
    if (s.n < 3 * s.t + 1)
        return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "--n-parties %u is too small for --threshold %u (need n >= 3t+1 = %u)",
                    s.n, s.t, 3 * s.t + 1);
    if (opt->faulty > s.t) return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "at most t = %u parties may be faulty", s.t);
    randombytes_buf(&s.instance, sizeof s.instance);
    int rc = parse_inputs(&s, err, errlen);
    if (rc == 0) {
        s.parties = calloc(s.n, sizeof *s.parties);
        s.hub = inproc_hub_new(s.n, s.nclients);
        if (!s.parties || !s.hub) rc = fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
    }
    pthread_t *pt = rc == 0 ? calloc(s.n + s.nclients, sizeof *pt) : NULL;
    if (rc == 0 && !pt) rc = fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
    uint32_t started = 0;
    for (uint32_t i = 0; rc == 0 && i < s.n + s.nclients; i++, started++) {
        int e;
        if (i < s.n) {
            s.parties[i] = (Party){ .s = &s, .id = i };
            e = pthread_create(&pt[i], NULL, party_thread, &s.parties[i]);
        } else {
            Client *c = &s.clients[i - s.n];
            c->s = &s;
            c->id = i - s.n;
            e = pthread_create(&pt[i], NULL, client_thread, c);
        }
        if (e) {
            rc = fail(err, errlen, LOCAL_MPC_FAILED, "cannot start a thread");
            inproc_hub_shutdown(s.hub);
        }
    }
    for (uint32_t i = 0; i < started; i++) pthread_join(pt[i], NULL);
    free(pt);

    /* The first failure explains the most (later ones are often "timed out
     * waiting for party X"); a config problem outranks a protocol one. */
    /* A failing party ends the session, so clients still talking then see
     * it closed: the party's reason goes first. */
    int worst = s.first_failed;
    for (uint32_t i = 0; s.parties && started && i < s.n; i++)
        if (s.parties[i].status && s.parties[i].status < LOCAL_MPC_FAILED) worst = (int)i + 1;
    if (rc == 0 && worst) {
        Party *p = &s.parties[worst - 1];
        rc = fail(err, errlen, p->status, "%s", p->err);
    }
    for (uint32_t i = 0; rc == 0 && i < s.nclients; i++)
        if (s.clients[i].status) rc = fail(err, errlen, LOCAL_MPC_FAILED, "client %u: %s", i, s.clients[i].err);
    if (rc == 0 && !s.parties[0].ndelivered) {
        for (uint32_t i = 1; i < s.n; i++)
            if (strcmp(s.parties[i].clear_text ? s.parties[i].clear_text : "", s.parties[0].clear_text ? s.parties[0].clear_text : ""))
                rc = fail(err, errlen, LOCAL_MPC_FAILED, "parties disagree on the result: party 0 %s, party %u %s",
                          s.parties[0].clear_text, i, s.parties[i].clear_text);
    }
    StrBuf res, outs;
    sb_init(&res);
    sb_init(&outs);
    for (uint32_t c = 0; rc == 0 && c < s.nclients; c++) rc = client_outputs(&s, c, &s.parties[0], &res, &outs, err, errlen);
    if (rc == 0) {
        if (!s.parties[0].ndelivered) sb_puts(&res, s.parties[0].clear_text ? s.parties[0].clear_text : "");
        *result = sb_take(&res);
        *outputs = sb_take(&outs);
        if (!*result || !*outputs) rc = fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
    }
    sb_free(&res);
    sb_free(&outs);

    if (s.hub) inproc_hub_free(s.hub);
    for (uint32_t i = 0; s.parties && i < s.n; i++) {
        free(s.parties[i].clear_text);
        free(s.parties[i].delivered);
    }
    free(s.parties);
    for (uint32_t i = 0; s.clients && i < s.nclients; i++) {
        if (s.clients[i].values) sodium_memzero(s.clients[i].values, s.clients[i].count * sizeof(Fe));
        free(s.clients[i].values);
    }
    free(s.clients);
    free(s.client_inputs);
    if (rc) {
        free(*result);
        free(*outputs);
        *result = *outputs = NULL;
    }
    return rc;
}

/* ---- the native API entry point (stoffel.h) ------------------------------------------ */

static char *dup_text(const char *s) { return strdup(s ? s : ""); }

StoffelResult stoffel_run_local_mpc(const char *path, const char *entry, uint32_t n_parties,
                                    uint32_t threshold, const char *curve, const char *inputs,
                                    char **result, char **error)
{
    if (!result || !error) return STOFFEL_ERROR_INVALID;
    *result = *error = NULL;
    if (!path) {
        *error = dup_text("no program path given");
        return STOFFEL_ERROR_INVALID;
    }
    StfProgram prog;
    StfLoadError le;
    StfLoadStatus st = stf_load_file(path, &prog, &le);
    if (st != STF_LOAD_OK) {
        *error = dup_text(le.message);
        return st == STF_LOAD_IO ? STOFFEL_ERROR_IO : STOFFEL_ERROR_LOAD;
    }
    char msg[1024];
    int rc;
    LocalMpcOptions o = { .n_parties = n_parties, .threshold = threshold, .curve = curve, .inputs = inputs,
                          .entry = entry };
    char *outputs = NULL;
    rc = local_mpc_run(&prog, &o, result, &outputs, msg, sizeof msg);
    stf_program_free(&prog);
    free(outputs);
    if (rc == LOCAL_MPC_OK) return STOFFEL_OK;
    *error = dup_text(msg);
    return rc == LOCAL_MPC_BAD_CONFIG ? STOFFEL_ERROR_INVALID
           : rc == LOCAL_MPC_BAD_PROGRAM ? STOFFEL_ERROR_LOAD : STOFFEL_ERROR_RUNTIME;
}

void stoffel_free_text(char *text) { free(text); }
