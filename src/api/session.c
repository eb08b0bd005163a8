/* session.c: one MPC party's lifecycle over a Transport (session.h). */
#include "session.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpc/compare.h"
#include "mpc/fixed.h"
#include "api/node_store.h"
#include "vm/vm.h"
#include "vm/avss_builtins.h"

static void discard_output(void *ud, const char *text, size_t len)
{
    (void)ud;
    (void)text;
    (void)len;
}

static void stop(PartyOutcome *out, PartyStage stage, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void stop(PartyOutcome *out, PartyStage stage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->err, sizeof out->err, fmt, ap);
    va_end(ap);
    out->stage = stage;
}

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
    if (v.type != VT_ARRAY || v.as.arr->len == 0 || v.as.arr->len > SESSION_MAX_CLIENT_INPUTS) return 0;
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

/* A secret result goes to every client, never opened here. */
static void deliver(const PartySpec *s, MpcEngine *e, StShare **shares, size_t n, PartyOutcome *out)
{
    if (s->n_clients == 0) {
        stop(out, PARTY_FAILED_NO_CLIENT,
             "the program returned a secret share but there is no client to deliver it to");
        return;
    }
    Fe *vals = malloc(n * sizeof *vals);
    out->delivered = malloc(n * sizeof *out->delivered);
    MpcOutputType *types = malloc(n * sizeof *types);
    if (!vals || !out->delivered || !types) {
        free(vals);
        free(types);
        stop(out, PARTY_FAILED_DELIVER, "party %u: out of memory", s->self);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(&vals[i], shares[i]->bytes, sizeof(Fe));
        out->delivered[i] = (SessionShareType){ shares[i]->share_kind, shares[i]->bits, shares[i]->frac };
        types[i] = (MpcOutputType){ shares[i]->share_kind, shares[i]->bits, shares[i]->frac };
        if (s->wrong_output_types) types[i].kind = types[i].kind == 1 ? 0 : 1;
    }
    out->ndelivered = n;
    for (uint32_t c = 0; c < s->n_clients; c++) {
        /* the types first: a client shows the values as the program typed them */
        if (mpc_send_output_types(e, c, types, n) != 0 || mpc_send_to_client(e, c, vals, n) != 0) {
            stop(out, PARTY_FAILED_DELIVER, "party %u: sending the result to client %u failed: %s", s->self, c,
                 mpc_error(e));
            break;
        }
    }
    sodium_memzero(vals, n * sizeof *vals);
    free(vals);
    free(types);
}

/* The range of one client input's declared type (manifest, format >= 2);
 * without one, any 64-bit value (signed or unsigned). */
static MpcRange input_range(const StfProgram *p, uint32_t client, uint32_t index)
{
    MpcRange r = { INT64_MIN, UINT64_MAX };
    const StfManifest *m = &p->manifest;
    if (p->version < 2 || client >= m->client_count || index >= m->clients[client].input_count) return r;
    const StfShareType *st = &m->clients[client].inputs[index];
    uint32_t b = st->bits;
    if (b == 0 || b > 64) return r;
    if (st->tag == 2 || b == 1) /* unsigned, or a bool */
        return (MpcRange){ 0, b == 64 ? UINT64_MAX : ((uint64_t)1 << b) - 1 };
    uint64_t half = (uint64_t)1 << (b - 1); /* signed integers and fixed point */
    return (MpcRange){ (int64_t)(0 - half), half - 1 };
}

/* Refuses a client input outside its declared type's range (issue 20:
 * out-of-range inputs leak other inputs through truncation). */
static int check_input_ranges(MpcEngine *e, const StfProgram *p, uint32_t n_clients, const uint32_t *counts)
{
    size_t total = 0, k = 0;
    for (uint32_t c = 0; c < n_clients; c++) total += counts[c];
    MpcRange *r = malloc((total ? total : 1) * sizeof *r);
    if (!r) return mpc_check_client_inputs(e, NULL);
    for (uint32_t c = 0; c < n_clients; c++)
        for (uint32_t i = 0; i < counts[c]; i++) r[k++] = input_range(p, c, i);
    int rc = mpc_check_client_inputs(e, r);
    free(r);
    return rc;
}

void party_run_session(const PartySpec *s, PartyOutcome *out)
{
    memset(out, 0, sizeof *out);
    out->exec_index = -1;
    VmConfig cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.write = s->quiet ? discard_output : s->write;
    cfg.write_ud = s->write_ud;
    cfg.max_call_depth = s->max_call_depth;
    cfg.instruction_budget = s->instruction_budget;
    cfg.heap_limit = s->heap_limit;
    VM *vm = vm_new(&cfg);
    MpcEngine *e = NULL;
    NodeStores ns = { 0 };
    CostTransport ct = { 0 };
    if (!vm) {
        stop(out, PARTY_FAILED_VM, "party %u: cannot create a VM", s->self);
        return;
    }
    if (vm_load_program(vm, s->prog) != ST_OK) {
        stop(out, PARTY_FAILED_LOAD, "%s", vm_last_error(vm)->message);
        goto done;
    }
    if (s->trace) /* the flags are stoffel.h's STOFFEL_TRACE_* bits */
        vm_set_trace(vm, s->trace, s->trace_flags & 1u, s->trace_flags & 2u, s->trace_flags & 4u);
    MpcConfig mc = {
        .n = s->n,
        .t = s->t,
        .party = s->self,
        .n_clients = s->n_clients,
        .client_inputs = s->client_inputs,
        .field = s->field,
        .instance_id = s->instance,
        .timeout_ms = s->timeout_ms,
        .fault = s->fault,
    };
    const char *why = NULL;
    e = mpc_engine_new(&mc, cost_report_wrap(&ct, s->transport, s->cost, s->progress, s->self), &why);
    cost_report_set_engine(&ct, e);
    if (!e) {
        stop(out, PARTY_FAILED_ENGINE, "party %u: %s", s->self, why ? why : "cannot create the MPC engine");
        goto done;
    }
    /* the engine's pools and round buffers count against the heap cap */
    mpc_set_mem_cap(e, vm_charge_memory, vm, s->heap_limit);
    if (s->agree_client_inputs && s->n_clients &&
        mpc_agree_client_inputs(e, s->client_inputs, SESSION_MAX_CLIENT_INPUTS) != 0) {
        stop(out, PARTY_FAILED_SETUP, "%s", mpc_error(e)); /* "party I: client C ..." */
        out->flush = true;
        goto done;
    }
    /* Stores are compared and loaded before preprocessing, which the
     * material they hold may make unnecessary (docs/storage.md). */
    if (s->local_store || s->preproc_store) {
        int rc = session_stores_open(&ns, vm, e, s->local_store, s->preproc_store, s->per_party_stores,
                                     s->store_session, out->err, sizeof out->err);
        if (rc != 0) {
            out->stage = rc == -1 ? PARTY_FAILED_ENGINE : PARTY_FAILED_SETUP;
            goto done;
        }
    }
    const StfManifest *m = &s->prog->manifest;
    bool counted = s->prog->version >= 8 && (m->triples || m->randoms || m->prandbits);
    size_t triples = counted ? m->triples : s->fallback_triples;
    size_t randoms = counted ? m->randoms : 0, bits = counted ? m->prandbits : 0;
    if (s->before_preproc) s->before_preproc();
    if ((triples || randoms || bits) && mpc_preprocess(e, triples, randoms, bits) != 0) {
        stop(out, PARTY_FAILED_SETUP, "party %u: preprocessing failed: %s", s->self, mpc_error(e));
        goto done;
    }
    if (s->n_clients && mpc_collect_inputs(e) != 0) {
        stop(out, PARTY_FAILED_SETUP, "party %u: client input failed: %s", s->self, mpc_error(e));
        goto done;
    }
    if (s->n_clients && check_input_ranges(e, s->prog, s->n_clients, s->client_inputs) != 0) {
        stop(out, PARTY_FAILED_SETUP, "party %u: client input failed: %s", s->self, mpc_error(e));
        goto done;
    }
    if (vm_attach_mpc(vm, e) != ST_OK) {
        stop(out, PARTY_FAILED_SETUP, "party %u: %s", s->self, vm_last_error(vm)->message);
        goto done;
    }
    if (s->avss_group && avss_builtins_register(vm, s->avss_group) != ST_OK) {
        stop(out, PARTY_FAILED_SETUP, "party %u: %s", s->self, vm_last_error(vm)->message);
        goto done;
    }
    if (s->before_online) s->before_online();
    Value r;
    int exec_rc = vm_execute(vm, s->entry ? s->entry : "main", NULL, 0, &r);
    mpc_send_held(e); /* the openings are over: a party whose ring failed may wait for these */
    if (exec_rc != ST_OK) {
        const VmError *ve = vm_last_error(vm);
        stop(out, PARTY_FAILED_EXECUTE, "%s", ve->message);
        if (ve->function && ve->instr_index >= 0) {
            out->exec_function = strdup(ve->function);
            out->exec_index = ve->instr_index;
        }
        goto done;
    }
    StShare **shares;
    size_t n = collect_shares(vm, r, &shares);
    if (n) {
        deliver(s, e, shares, n, out);
        free(shares);
    } else {
        StrBuf b;
        sb_init(&b);
        fmt_result(&b, r);
        out->clear_text = sb_take(&b);
        if (!out->clear_text) stop(out, PARTY_FAILED_VM, "party %u: out of memory", s->self);
    }
done:
    /* preprocessing's exclusions of cheating parties (docs/mpc.md), a line each */
    for (const char *w = e ? mpc_warnings(e) : ""; *w;) {
        const char *nl = strchr(w, '\n');
        int len = nl ? (int)(nl - w) : (int)strlen(w);
        fprintf(stderr, "party %u: warning: %.*s\n", s->self, len, w);
        w += len + (nl != NULL);
    }
    if (session_stores_close(&ns, e, out->stage == PARTY_DONE, out->err, sizeof out->err) != 0 &&
        out->stage == PARTY_DONE)
        out->stage = PARTY_FAILED_SETUP;
    if (e) mpc_set_mem_cap(e, NULL, NULL, 0); /* before the VM it charges goes */
    vm_free(vm);
    cost_report_finish(&ct, e);
    if (e) mpc_engine_free(e);
}

void party_outcome_free(PartyOutcome *out)
{
    free(out->exec_function);
    free(out->clear_text);
    free(out->delivered);
    out->exec_function = out->clear_text = NULL;
    out->delivered = NULL;
}

/* ---- client side ------------------------------------------------------------------- */

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

MpcInputKind session_input_kind(const StfProgram *p, uint32_t client, uint32_t index)
{
    if (!p) return MPC_INPUT_INT;
    const StfManifest *m = &p->manifest;
    if (p->version >= 2 && client < m->client_count && index < m->clients[client].input_count)
        return m->clients[client].inputs[index].tag == 1 ? MPC_INPUT_FIXED : MPC_INPUT_INT;
    if (p->version >= 2 && m->client_count) return MPC_INPUT_INT;
    bool fixed = program_calls(p, "ClientStore.take_share_fixed");
    bool ints = program_calls(p, "ClientStore.take_share") || program_calls(p, "ClientStore.take_share_bool");
    return fixed && !ints ? MPC_INPUT_FIXED : MPC_INPUT_INT;
}

bool session_encode_input(const Field *f, MpcInputKind kind, const char *text, Fe *out)
{
    char *end;
    if (kind == MPC_INPUT_FIXED) {
        double d = strtod(text, &end);
        int64_t scaled;
        if (end == text || *end || fixed_from_double(d, MPC_FIXED_FRAC_BITS, &scaled) != 0) return false;
        fe_from_i64(f, out, scaled);
        return true;
    }
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end || errno) return false;
    fe_from_i64(f, out, v);
    return true;
}

int session_check_fixed(const Field *f, const Fe *x, uint32_t bits, uint32_t frac, size_t index, uint32_t client,
                        char *msg, size_t msglen)
{
    int64_t v;
    bool fits = fe_to_i64_signed(f, &v, x) == 0;
    if (fits && bits >= 1 && bits < 64) fits = v >= -((int64_t)1 << (bits - 1)) && v < ((int64_t)1 << (bits - 1));
    if (fits) return 0;
    snprintf(msg, msglen, "fixed-point output %zu of client %u is out of the range of fix%u (f=%u)", index, client,
             bits ? bits : 64, frac);
    return -1;
}

void session_format_value(const Field *f, const Fe *x, bool boolean, bool fixed, uint32_t frac, StrBuf *b)
{
    int64_t v;
    if (boolean) {
        sb_puts(b, fe_is_zero(x) ? "false" : "true");
    } else if (fe_to_i64_signed(f, &v, x) != 0) {
        uint8_t le[32], be[32];
        char hex[65];
        fe_to_bytes(f, le, x);
        for (int i = 0; i < 32; i++) be[i] = le[31 - i]; /* most significant first */
        sb_puts(b, "field 0x");
        sb_puts(b, sodium_bin2hex(hex, sizeof hex, be, sizeof be));
    } else if (fixed) {
        fmt_float(b, (double)v / ldexp(1.0, (int)frac));
    } else {
        sb_printf(b, "%lld", (long long)v);
    }
}
