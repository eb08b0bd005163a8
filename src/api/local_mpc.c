/* local_mpc.c: an n-party MPC session in one process (see local_mpc.h).
 *
 * Fibers (core/fiber.h): one per party (VM + engine), one per client for
 * the input phase, on as many worker threads as the process may use CPUs.
 * A callback of the embedding (write, progress) runs on its party's fiber:
 * while it blocks, the other fibers of that worker wait too.
 * After the parties finish, the clients' queued output messages are
 * reconstructed here: a share returned by the entry function goes to every
 * client (never opened by the parties), and is printed as the value the
 * clients reconstruct. */
#include "local_mpc.h"

#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "core/fiber.h"
#include "core/format.h"
#include "vm/avss_builtins.h"
#include "net/inproc.h"
#include "session.h"
#include "stoffel.h"

_Static_assert((int)STOFFEL_FAULT_WRONG_SHARES == (int)MPC_FAULT_WRONG_SHARES &&
                   (int)STOFFEL_FAULT_SILENT == (int)MPC_FAULT_SILENT,
               "StoffelFault is MpcFault");

typedef struct Session Session;

typedef struct {
    Session *s;
    uint32_t id;
    /* results */
    int status;       /* LOCAL_MPC_* */
    char err[1024];   /* room for "party I: " + PartyOutcome.err */
    PartyOutcome out; /* clear_text, delivered share types */
} Party;

typedef struct {
    Session *s;
    uint32_t id; /* client index (node id = n + id) */
    Fe *values;
    size_t count;
    int status;
    char err[512];
} Client;

struct Session {
    const StfProgram *prog;
    const LocalMpcOptions *opt;
    const Field *field;
    const Group *avss_group; /* --mpc-backend avss: its group, else NULL */
    InprocHub *hub;
    uint64_t instance;
    uint32_t n, t, nclients;
    uint32_t *client_inputs; /* input count per client */
    Party *parties;
    Client *clients;
    PartyCost *costs; /* per party when a cost report is asked for */
    /* The first party to fail explains the failure; the others usually
     * just see the session end. */
    pthread_mutex_t lock;
    int first_failed; /* party id + 1, 0 = none */
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

static int encode_input(Session *s, const char *text, uint32_t client, uint32_t index, Fe *out, char *err,
                        size_t errlen)
{
    MpcInputKind kind = session_input_kind(s->prog, client, index);
    if (session_encode_input(s->field, kind, text, out)) return 0;
    if (kind == MPC_INPUT_FIXED)
        return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "client %u input %u: '%s' is not a usable number", client, index,
                    text);
    return fail(err, errlen, LOCAL_MPC_BAD_CONFIG,
                "client %u input %u: '%s' is not an integer (the program takes integer inputs)", client, index, text);
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
        if (count > SESSION_MAX_CLIENT_INPUTS) {
            rc = fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "client %u has too many inputs", c);
            break;
        }
        Client *cl = &s->clients[c];
        cl->values = calloc(count, sizeof(Fe));
        if (!cl->values) {
            rc = fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
            break;
        }
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

/* Clients that only receive outputs: no inputs (the client protocol lets
 * such a client take no part in input sharing). */
static int add_output_clients(Session *s, char *err, size_t errlen)
{
    uint32_t want = s->opt->output_clients;
    if (want <= s->nclients) return 0;
    if (want > 4096) return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "too many output clients (%u)", want);
    Client *cl = realloc(s->clients, want * sizeof *cl);
    if (cl) s->clients = cl;
    uint32_t *ci = cl ? realloc(s->client_inputs, want * sizeof *ci) : NULL;
    if (ci) s->client_inputs = ci;
    if (!cl || !ci) return fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
    memset(cl + s->nclients, 0, (want - s->nclients) * sizeof *cl);
    memset(ci + s->nclients, 0, (want - s->nclients) * sizeof *ci);
    s->nclients = want;
    return 0;
}

/* ---- parties --------------------------------------------------------------------- */

static void party_run(Party *p)
{
    Session *s = p->s;
    const LocalMpcOptions *o = s->opt;
    PartySpec spec = {
        .prog = s->prog,
        .entry = o->entry,
        .transport = inproc_endpoint(s->hub, p->id),
        .n = s->n,
        .t = s->t,
        .self = p->id,
        .n_clients = s->nclients,
        .client_inputs = s->client_inputs,
        .field = s->field,
        .avss_group = s->avss_group,
        .instance = s->instance,
        .timeout_ms = o->timeout_ms,
        .fallback_triples = 0, /* threads cannot drop out: on demand */
        .fault = (o->faulty && p->id >= s->n - o->faulty) ? (MpcFault)o->fault : MPC_FAULT_NONE,
        .quiet = p->id != 0,
        .write = o->write,
        .write_ud = o->write_user_data,
        .local_store = o->local_store,
        .preproc_store = o->preproc_store,
        .per_party_stores = true,
        .cost = s->costs ? &s->costs[p->id] : NULL,
        .progress = p->id == 0 ? o->progress : NULL, /* one party speaks for the session */
        .trace = p->id == o->trace_party ? o->trace : NULL,
        .trace_flags = o->trace_flags,
        .max_call_depth = o->max_call_depth,
        .instruction_budget = o->instruction_budget,
        .heap_limit = o->heap_limit,
    };
    PartyOutcome *out = &p->out;
    party_run_session(&spec, out);
    switch (out->stage) {
    case PARTY_DONE: p->status = LOCAL_MPC_OK; break;
    case PARTY_FAILED_LOAD: p->status = LOCAL_MPC_BAD_PROGRAM; break;
    case PARTY_FAILED_ENGINE: p->status = LOCAL_MPC_BAD_CONFIG; break;
    default: p->status = LOCAL_MPC_FAILED; break;
    }
    if (out->stage == PARTY_FAILED_EXECUTE && out->exec_function)
        snprintf(p->err, sizeof p->err, "party %u: %s\n  at %s, instruction %lld", p->id, out->err, out->exec_function,
                 (long long)out->exec_index);
    else if (out->stage == PARTY_FAILED_EXECUTE)
        snprintf(p->err, sizeof p->err, "party %u: %s", p->id, out->err);
    else
        snprintf(p->err, sizeof p->err, "%s", out->err);
    /* A failed party would leave the others waiting for it: end the
     * session for everyone. */
    if (p->status != LOCAL_MPC_OK) {
        pthread_mutex_lock(&s->lock);
        if (!s->first_failed) s->first_failed = (int)p->id + 1;
        pthread_mutex_unlock(&s->lock);
        inproc_hub_shutdown(s->hub);
    }
}

static void party_fiber(void *arg) { party_run(arg); }

static void client_fiber(void *arg)
{
    Client *c = arg;
    Session *s = c->s;
    Transport *t = inproc_endpoint(s->hub, s->n + c->id);
    if (mpc_client_send_inputs(t, s->field, s->n, s->t, s->instance, c->values, c->count, s->opt->timeout_ms, c->err,
                               sizeof c->err) != 0)
        c->status = LOCAL_MPC_FAILED;
}

/* ---- outputs ---------------------------------------------------------------------- */

static void format_value(const Field *f, const SessionShareType *ty, const Fe *x, StrBuf *b)
{
    session_format_value(f, x, ty && ty->kind == 0 && ty->bits == 1, ty && ty->kind == 1, ty ? ty->frac : 0, b);
}

/* 0, or -1 with err naming a fixed-point value out of its type's range. */
static int format_batch(const Field *f, const SessionShareType *types, size_t ntypes, const Fe *vals, size_t n,
                        uint32_t client, StrBuf *b, char *err, size_t errlen)
{
    for (size_t i = 0; i < n && i < ntypes; i++)
        if (types[i].kind == 1 &&
            session_check_fixed(f, &vals[i], types[i].bits, types[i].frac, i, client, err, errlen))
            return -1;
    if (n == 1 && ntypes <= 1) {
        format_value(f, ntypes ? types : NULL, &vals[0], b);
        return 0;
    }
    sb_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) sb_puts(b, ", ");
        format_value(f, i < ntypes ? &types[i] : NULL, &vals[i], b);
    }
    sb_putc(b, ']');
    return 0;
}

/* Reconstruct every batch queued for client c: explicit sends first, the
 * returned result (if any) last. */
static int client_outputs(Session *s, uint32_t c, const Party *p0, StrBuf *result, StrBuf *outputs, char *err,
                          size_t errlen)
{
    Transport *t = inproc_endpoint(s->hub, s->n + c);
    char why[256] = "";
    size_t batches = 0;
    StrBuf last;
    sb_init(&last);
    /* Every batch is queued by now and the hub says so (parties done), so
     * the client stops at the end of its mailbox.  The stateful client
     * keeps batches apart (explicit sends, then the result). */
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
        int frc = format_batch(s->field, p0->out.delivered, p0->out.ndelivered, vals, n, c, &last, why, sizeof why);
        sodium_memzero(vals, n * sizeof *vals);
        free(vals);
        if (frc != 0) {
            mpc_client_free(mc);
            sb_free(&last);
            return fail(err, errlen, LOCAL_MPC_FAILED, "%s", why);
        }
    }
    mpc_client_free(mc);
    int rc = 0;
    if (p0->out.ndelivered) {
        if (!batches)
            rc = fail(err, errlen, LOCAL_MPC_FAILED, "client %u could not reconstruct the result: %s", c,
                      why[0] ? why : "no output arrived");
        else if (result->len == 0)
            sb_puts(result, last.data ? last.data : "");
        else if (strcmp(result->data, last.data ? last.data : "") != 0)
            rc = fail(err, errlen, LOCAL_MPC_FAILED, "clients disagree on the result (%s vs %s)", result->data,
                      last.data);
    } else if (batches && last.len) {
        sb_printf(outputs, "client %u received: %s\n", c, last.data);
    }
    sb_free(&last);
    return rc;
}

/* ---- the session ----------------------------------------------------------------------- */

int local_mpc_run(const StfProgram *prog, const LocalMpcOptions *opt, char **result, char **outputs, char *err,
                  size_t errlen)
{
    *result = NULL;
    *outputs = NULL;
    if (opt->cost_report) *opt->cost_report = NULL;
    if (sodium_init() < 0) return fail(err, errlen, LOCAL_MPC_FAILED, "libsodium cannot be initialised");
    Session s = {
        .prog = prog, .opt = opt, .n = opt->n_parties, .t = opt->threshold, .lock = PTHREAD_MUTEX_INITIALIZER
    };
    if (opt->backend && strcmp(opt->backend, "avss") == 0) {
        s.avss_group = avss_builtins_group(opt->curve);
        if (!s.avss_group)
            return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "unknown --mpc-curve '%s' for avss (%s)", opt->curve,
                        AVSS_CURVES);
        s.field = s.avss_group->scalar_field;
    } else if (opt->backend && strcmp(opt->backend, "honeybadger") != 0) {
        return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "unknown MPC backend '%s' (honeybadger, avss)", opt->backend);
    } else {
        s.field = field_by_name(opt->curve);
    }
    if (!s.field)
        return fail(err, errlen, LOCAL_MPC_BAD_CONFIG,
                    "unknown --mpc-curve '%s' (bls12-381, bn254, curve25519, ed25519)", opt->curve);
    if (s.n < 1 || s.n > ST_MAX_PARTIES)
        return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "--n-parties must be 1..%u, got %u", ST_MAX_PARTIES, s.n);
    if (s.n < 3 * s.t + 1)
        return fail(err, errlen, LOCAL_MPC_BAD_CONFIG,
                    "--n-parties %u is too small for --threshold %u (need n >= 3t+1 = %u)", s.n, s.t, 3 * s.t + 1);
    if (opt->faulty > s.t) return fail(err, errlen, LOCAL_MPC_BAD_CONFIG, "at most t = %u parties may be faulty", s.t);
    randombytes_buf(&s.instance, sizeof s.instance);
    int rc = parse_inputs(&s, err, errlen);
    if (rc == 0) rc = add_output_clients(&s, err, errlen);
    if (rc == 0) {
        s.parties = calloc(s.n, sizeof *s.parties);
        s.hub = inproc_hub_new(s.n, s.nclients);
        if (opt->cost_report) s.costs = calloc(s.n, sizeof *s.costs);
        if (!s.parties || !s.hub || (opt->cost_report && !s.costs))
            rc = fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
    }
    /* parties and clients as fibers on as many workers as there are CPUs
     * (core/fiber.h): a round switches fibers instead of sleeping */
    uint32_t nodes = s.n + s.nclients;
    FiberSched *fs = rc == 0 ? fiber_sched_new(fiber_default_workers(nodes)) : NULL;
    if (rc == 0 && !fs) rc = fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
    for (uint32_t i = 0; rc == 0 && i < nodes; i++) {
        unsigned w = i % fiber_sched_workers(fs);
        Fiber *f;
        if (i < s.n) {
            s.parties[i] = (Party){ .s = &s, .id = i };
            f = fiber_add(fs, w, party_fiber, &s.parties[i]);
        } else {
            Client *c = &s.clients[i - s.n];
            c->s = &s;
            c->id = i - s.n;
            f = fiber_add(fs, w, client_fiber, c);
        }
        if (!f) rc = fail(err, errlen, LOCAL_MPC_FAILED, "cannot start party or client %u: out of memory", i);
        inproc_bind_fiber(s.hub, i, f);
    }
    uint32_t started = 0;
    if (rc == 0) {
        started = nodes;
        if (fiber_sched_run(fs) != 0) rc = fail(err, errlen, LOCAL_MPC_FAILED, "cannot start a worker thread");
    }
    for (uint32_t i = 0; s.hub && i < nodes; i++) inproc_bind_fiber(s.hub, i, NULL);
    fiber_sched_free(fs);
    /* Every output is queued now: the clients below read until their
     * mailbox is empty and stop there, without waiting for a timeout. */
    inproc_hub_parties_done(s.hub);

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
    if (rc == 0 && !s.parties[0].out.ndelivered) {
        for (uint32_t i = 1; i < s.n; i++)
            if (strcmp(s.parties[i].out.clear_text ? s.parties[i].out.clear_text : "",
                       s.parties[0].out.clear_text ? s.parties[0].out.clear_text : ""))
                rc = fail(err, errlen, LOCAL_MPC_FAILED, "parties disagree on the result: party 0 %s, party %u %s",
                          s.parties[0].out.clear_text, i, s.parties[i].out.clear_text);
    }
    StrBuf res, outs;
    sb_init(&res);
    sb_init(&outs);
    for (uint32_t c = 0; rc == 0 && c < s.nclients; c++)
        rc = client_outputs(&s, c, &s.parties[0], &res, &outs, err, errlen);
    if (rc == 0) {
        if (!s.parties[0].out.ndelivered) sb_puts(&res, s.parties[0].out.clear_text ? s.parties[0].out.clear_text : "");
        *result = sb_take(&res);
        *outputs = sb_take(&outs);
        if (!*result || !*outputs) rc = fail(err, errlen, LOCAL_MPC_FAILED, "out of memory");
    }
    sb_free(&res);
    sb_free(&outs);

    if (s.hub) inproc_hub_free(s.hub);
    if (opt->cost_report) *opt->cost_report = cost_report_of_parties(&s.costs, s.n, started > 0);
    for (uint32_t i = 0; s.parties && i < s.n; i++) { party_outcome_free(&s.parties[i].out); }
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

/* ---- the native API entry points (stoffel.h) ------------------------------------------ */

static char *dup_text(const char *s) { return strdup(s ? s : ""); }

void stoffel_local_mpc_options_init(StoffelLocalMpcOptions *o)
{
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->threshold = 1;
}

StoffelResult stoffel_run_local_mpc_program(const StoffelProgram *program, const StoffelLocalMpcOptions *o,
                                            char **result, char **outputs, char **error)
{
    if (!result || !outputs || !error) return STOFFEL_ERROR_INVALID;
    *result = *outputs = *error = NULL;
    if (!program || !o) {
        *error = dup_text(program ? "no options given" : "no program given");
        return STOFFEL_ERROR_INVALID;
    }
    char msg[1024];
    int rc = local_mpc_run(&program->prog, o, result, outputs, msg, sizeof msg);
    if (rc == LOCAL_MPC_OK) return STOFFEL_OK;
    *error = dup_text(msg);
    return rc == LOCAL_MPC_BAD_CONFIG    ? STOFFEL_ERROR_INVALID
           : rc == LOCAL_MPC_BAD_PROGRAM ? STOFFEL_ERROR_LOAD
                                         : STOFFEL_ERROR_RUNTIME;
}

StoffelResult stoffel_run_local_mpc(const char *path, const char *entry, uint32_t n_parties, uint32_t threshold,
                                    const char *curve, const char *inputs, char **result, char **error)
{
    if (!result || !error) return STOFFEL_ERROR_INVALID;
    *result = *error = NULL;
    StoffelProgram *prog;
    StoffelResult st = stoffel_program_read(path, &prog, error);
    if (st != STOFFEL_OK) return st;
    StoffelLocalMpcOptions o;
    stoffel_local_mpc_options_init(&o);
    o.n_parties = n_parties;
    o.threshold = threshold;
    o.curve = curve;
    o.inputs = inputs;
    o.entry = entry;
    char *outputs = NULL;
    st = stoffel_run_local_mpc_program(prog, &o, result, &outputs, error);
    stoffel_program_free(prog);
    free(outputs);
    return st;
}

void stoffel_free_text(char *text) { free(text); }
