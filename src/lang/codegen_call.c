/* codegen_call.c: calls to user functions, constructors and builtins (see codegen_internal.h). */
#include "codegen_internal.h"

#include <stdlib.h>
#include <string.h>

static Val gen_call_args_push(G *g, Expr **args, int n, Type **want)
{
    Val vs[256];
    if (n > 256) diag_error(g->C->d, g->line, 1, "too many arguments");
    for (int i = 0; i < n; i++) vs[i] = cg_gen(g, args[i], want ? want[i] : NULL, NODST);
    for (int i = 0; i < n; i++) cg_emit(g, STF_OP_PUSHARG, cg_rd(g, vs[i].loc, 0), 0, 0);
    for (int i = n - 1; i >= 0; i--) cg_release(g, vs[i]);
    return (Val){ 0, false, NULL };
}

/* The VM function behind a client-input call, for the manifest. */
static void note_client_io(G *g, CallInfo *ci)
{
    const char *vm = ci->vm;
    int kind = -1;
    if (strcmp(vm, "ClientStore.take_share") == 0)
        kind = 0;
    else if (strcmp(vm, "ClientStore.take_share_bool") == 0)
        kind = 3;
    else if (strcmp(vm, "ClientStore.take_share_fixed") == 0)
        kind = 1;
    else if (strcmp(vm, "MpcOutput.send_to_client") == 0 || strcmp(vm, "Share.send_to_client") == 0)
        kind = 2;
    if (kind < 0 || ci->nargs < 2) return;
    Expr *ce = kind == 2 ? (strcmp(vm, "Share.send_to_client") == 0 ? ci->args[1] : ci->args[0]) : ci->args[0];
    if (ce->kind != E_INT) return;
    StfManifest *m = &g->C->prog->manifest;
    uint64_t slot = ce->ival;
    uint32_t c = 0;
    while (c < m->client_count && m->clients[c].slot != slot) c++;
    if (c == m->client_count) {
        if (m->client_count >= 4096) return;
        StfClientSchema *n = realloc(m->clients, (m->client_count + 1) * sizeof *n);
        if (!n) return;
        m->clients = n;
        memset(&n[c], 0, sizeof n[c]);
        n[c].slot = slot;
        m->client_count++;
    }
    StfClientSchema *cs = &m->clients[c];
    StfShareType st = { .tag = 0, .bits = 64, .frac = 0 };
    if (kind == 1) {
        st.tag = 1;
        st.bits = 64;
        st.frac = 16;
    }
    if (kind == 3) st.bits = 1;
    if (kind == 0 && g->want && g->want->k == T_INT) {
        st.tag = g->want->sign ? 0 : 2;
        st.bits = g->want->bits;
    }
    if (kind == 2) {
        Type *vt = ci->args[strcmp(vm, "Share.send_to_client") == 0 ? 0 : 1]->type;
        if (vt && vt->k == T_FIX) {
            st.tag = 1;
            st.frac = 16;
        }
        if (vt && vt->k == T_BOOL) st.bits = 1;
        StfShareType *n = realloc(cs->outputs, (cs->output_count + 1) * sizeof *n);
        if (!n) return;
        cs->outputs = n;
        cs->outputs[cs->output_count++] = st;
        return;
    }
    Expr *ie = ci->args[1];
    if (ie->kind != E_INT || ie->ival > 4096) return;
    uint32_t idx = (uint32_t)ie->ival;
    if (idx >= cs->input_count) {
        StfShareType *n = realloc(cs->inputs, (idx + 1) * sizeof *n);
        if (!n) return;
        for (uint32_t i = cs->input_count; i <= idx; i++) n[i] = (StfShareType){ 0, 64, 0 };
        cs->inputs = n;
        cs->input_count = idx + 1;
    }
    cs->inputs[idx] = st;
}

Val cg_gen_call(G *g, Expr *e, int hint)
{
    CallInfo *ci = ck_call(g->C, e);
    switch (ci->kind) {
    case CALL_USER: {
        FuncSig *f = ci->fn;
        gen_call_args_push(g, ci->args, ci->nargs, f->ptypes);
        cg_call(g, f->emit);
        return cg_result(g, e->type, hint);
    }
    case CALL_CTOR: {
        cg_call(g, "create_object");
        Val o = cg_result(g, e->type, NODST);
        ObjInfo *oi = ci->obj;
        for (int i = 0; i < ci->nargs; i++) {
            Type *ft = NULL;
            for (int j = 0; j < oi->nfields; j++)
                if (strcmp(oi->fields[j], e->names[i]) == 0) ft = oi->ftypes[j];
            Val v = cg_coerce(g, cg_gen(g, ci->args[i], ft, NODST), ft);
            int k = cg_alloc_clear(g);
            cg_ldi(g, k, cg_k_str(g, e->names[i], strlen(e->names[i])));
            cg_emit(g, STF_OP_PUSHARG, cg_rd(g, o.loc, 0), 0, 0);
            cg_emit(g, STF_OP_PUSHARG, cg_rd(g, k, 1), 0, 0);
            cg_emit(g, STF_OP_PUSHARG, cg_rd(g, v.loc, 0), 0, 0);
            cg_release(g, (Val){ k, true, NULL });
            cg_release(g, v);
            cg_call(g, "set_field");
        }
        return o;
    }
    case CALL_REVEAL: {
        Val v = cg_gen(g, ci->args[0], NULL, NODST);
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, v.loc, 0), 0, 0);
        cg_release(g, v);
        cg_call(g, "Share.open");
        return cg_result(g, e->type, hint);
    }
    default: break;
    }
    /* builtins */
    const char *vm = ci->vm;
    /* Share.random() in a typed secret context draws that many bits, as
     * upstream lowers it: Share.random_int(1) for a bool, (N) for intN */
    if (strcmp(vm, "Share.random") == 0 && ci->nargs == 0 && g->want && ty_is_secret(g->want) &&
        (g->want->k == T_BOOL || g->want->k == T_INT)) {
        int n = cg_alloc_clear(g);
        cg_ldi(g, n, cg_k_int(g, NULL, g->want->k == T_BOOL ? 1 : g->want->bits));
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, n, 0), 0, 0);
        cg_release(g, (Val){ n, true, NULL });
        cg_call(g, "Share.random_int");
        return cg_result(g, e->type, hint);
    }
    /* take_share in a typed secret context takes the matching share kind */
    if (strcmp(vm, "ClientStore.take_share") == 0 && g->want && ty_is_secret(g->want)) {
        if (g->want->k == T_BOOL)
            ci->vm = vm = "ClientStore.take_share_bool";
        else if (g->want->k == T_FIX)
            ci->vm = vm = "ClientStore.take_share_fixed";
    }
    note_client_io(g, ci);
    Type *wants[256] = { 0 };
    int n = ci->nargs;
    if (n > 256) ERR(g, e, "too many arguments");
    /* list element literals take the list's element type */
    if ((strcmp(vm, "append") == 0 || strcmp(vm, "count") == 0 || strcmp(vm, "index") == 0 ||
         strcmp(vm, "remove") == 0 || strcmp(vm, "contains") == 0) &&
        n >= 2 && ci->args[0]->type && ci->args[0]->type->k == T_LIST)
        wants[1] = ci->args[0]->type->elem;
    if (strcmp(vm, "insert") == 0 && n == 3 && ci->args[0]->type && ci->args[0]->type->k == T_LIST)
        wants[2] = ci->args[0]->type->elem;
    Val vs[256];
    for (int i = 0; i < n; i++) {
        vs[i] = cg_gen(g, ci->args[i], wants[i], NODST);
        if (wants[i]) vs[i] = cg_coerce(g, vs[i], wants[i]);
    }
    for (int i = 0; i < n; i++) cg_emit(g, STF_OP_PUSHARG, cg_rd(g, vs[i].loc, 0), 0, 0);
    for (int i = n - 1; i >= 0; i--) cg_release(g, vs[i]);
    /* a dropped append on a list is the VM's fused array_push */
    cg_call(g, hint == DISCARD && strcmp(vm, "append") == 0 && n == 2 && ci->args[0]->type->k == T_LIST ? "array_push"
                                                                                                        : vm);
    return cg_result(g, e->type, hint);
}
