/* codegen.c: StoffelLang to StoffelVM instructions (see codegen.h): functions,
 * the main wrapper and the whole program; codegen_internal.h lists the rest. */
#include "codegen_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- functions ---- */

static void finish_function(G *g, StfFunction *f, const char *name, FuncDecl *d)
{
    Compiler *C = g->C;
    if (g->nhoist) {
        /* the hoisted loop constants are loaded first */
        int n = g->nhoist;
        for (int i = 0; i < n; i++) cg_emit(g, STF_OP_NOP, 0, 0, 0);
        memmove(g->code + n, g->code, (g->ncode - (uint32_t)n) * sizeof *g->code);
        for (int i = 0; i < n; i++) {
            memset(&g->code[i], 0, sizeof g->code[i]);
            g->code[i].op = STF_OP_LDI;
            g->code[i].a = (uint32_t)g->hoist[i].reg;
            g->code[i].b = g->hoist[i].k;
            g->code[i].line = d ? (uint32_t)d->line : 1;
        }
        for (int l = 0; l < g->nlabels; l++)
            if (g->label_at[l] != UINT32_MAX) g->label_at[l] += (uint32_t)n;
    }
    if (!stf_str_dup(&f->name, name, strlen(name))) diag_error(C->d, 0, 0, "out of memory");
    /* labels: only the ones used; name them L<id> */
    int *used = calloc((size_t)g->nlabels + 1, sizeof *used);
    if (!used) diag_error(C->d, 0, 0, "out of memory");
    for (uint32_t i = 0; i < g->ncode; i++) {
        StfInstr *in = &g->code[i];
        if (in->op == STF_OP_JMP || in->op == STF_OP_JMPEQ || in->op == STF_OP_JMPNEQ || in->op == STF_OP_JMPLT ||
            in->op == STF_OP_JMPGT) {
            char buf[24];
            int l = in->off;
            in->off = 0;
            snprintf(buf, sizeof buf, "L%d", l);
            if (!stf_str_dup(&in->name, buf, strlen(buf))) {
                free(used);
                diag_error(C->d, 0, 0, "out of memory");
            }
            used[l] = 1;
        }
    }
    int nl = 0;
    for (int l = 0; l < g->nlabels; l++) nl += used[l];
    f->labels = calloc((size_t)nl + 1, sizeof *f->labels);
    if (!f->labels) {
        free(used);
        diag_error(C->d, 0, 0, "out of memory");
    }
    for (int l = 0; l < g->nlabels; l++) {
        if (!used[l]) continue;
        char buf[24];
        snprintf(buf, sizeof buf, "L%d", l);
        StfLabel *lab = &f->labels[f->label_count++];
        if (!stf_str_dup(&lab->name, buf, strlen(buf))) {
            free(used);
            diag_error(C->d, 0, 0, "out of memory");
        }
        lab->target = g->label_at[l] == UINT32_MAX ? g->ncode : g->label_at[l];
    }
    free(used);
    f->instrs = g->code;
    f->instr_count = g->ncode;
    g->code = NULL;
    g->ncode = g->capcode = 0;
    int nparams = d ? d->nparams : 0;
    f->param_count = (uint16_t)nparams;
    if (nparams) {
        f->params = calloc((size_t)nparams, sizeof *f->params);
        if (!f->params) diag_error(C->d, 0, 0, "out of memory");
        for (int i = 0; i < nparams; i++)
            if (!stf_str_dup(&f->params[i], d->params[i].name, strlen(d->params[i].name)))
                diag_error(C->d, 0, 0, "out of memory");
    }
    uint32_t regs = (uint32_t)(g->maxclear > g->ceiling ? SCR0 + 3 : 1 + g->maxclear);
    if (g->nhoist && regs < (uint32_t)(1 + NHOME)) regs = 1 + NHOME;
    if (regs < (uint32_t)nparams) regs = (uint32_t)nparams;
    if (g->maxsec) regs = SEC0 + (uint32_t)g->maxsec;
    f->register_count = (uint16_t)(regs > 65535 ? 65535 : regs);
    f->line = d ? (uint32_t)d->line : 1;
}

void cg_cleanup(Compiler *C)
{
    G *g = C->cg;
    if (!g) return;
    for (uint32_t i = 0; i < g->ncode; i++) free(g->code[i].name.s);
    free(g->code);
    free(g->label_at);
    g->code = NULL;
    g->label_at = NULL;
    g->ncode = 0;
    C->cg = NULL;
}

static void gen_function(Compiler *C, StfFunction *f, FuncSig *sig, const Block *body, const char *emit_name)
{
    G g = { .C = C, .ceiling = NHOME };
    C->cg = &g;
    FuncDecl *d = sig ? sig->decl : NULL;
    C->nvars = 0;
    C->cur = sig;
    C->tvars = d ? d->tparams : NULL;
    C->ntvars = d ? d->ntparams : 0;
    C->cur_module = sig ? sig->module : 0;
    ModInfo *mi = &C->modules[C->cur_module];
    if (mi->src) {
        C->d->file = mi->file;
        C->d->src = mi->src;
        C->d->len = mi->len;
    }
    g.ret = sig ? sig->ret : ty_basic(T_ANY);
    g.line = d ? d->line : 1;
    int np = d ? d->nparams : 0;
    if (np > 15)
        diag_error(C->d, d->line, d->col, "function %s has %d parameters; at most 15 are supported", d->name, np);
    int homes[16];
    for (int j = 0; j < np; j++) homes[j] = cg_alloc_for(&g, sig->ptypes[j]);
    /* Parameter j arrives in rj.  Secret and spilled homes move first; a
     * clear home is r(j+1) while no secret parameter came before j, and at
     * most rj after one.  So homes at or below their source move upwards
     * first (they never land on a source still to be read), then those one
     * above it from the top down. */
    for (int j = 0; j < np; j++)
        if (homes[j] < 0 || is_secret_loc(homes[j])) cg_mov(&g, homes[j], j);
    for (int j = 0; j < np; j++)
        if (homes[j] >= 0 && !is_secret_loc(homes[j]) && homes[j] <= j) cg_mov(&g, homes[j], j);
    for (int j = np - 1; j >= 0; j--)
        if (homes[j] > j && !is_secret_loc(homes[j])) cg_mov(&g, homes[j], j);
    for (int j = 0; j < np; j++) cg_declare(&g, d->params[j].name, sig->ptypes[j], homes[j]);
    cg_gen_block(&g, body);
    if (d && d->has_ret && sig->ret->k != T_NONE && !ck_block_returns(body))
        diag_error(C->d, d->line, d->col, "function '%s' returns %s, but not on every path: add a return at the end",
                   d->name, "a value");
    /* fall off the end: return None */
    g.line = g.line;
    cg_emit(&g, STF_OP_LDI, 0, cg_k_unit(&g), 0);
    cg_emit(&g, STF_OP_RET, 0, 0, 0);
    finish_function(&g, f, emit_name, d);
    free(g.label_at);
    g.label_at = NULL;
    C->cg = NULL;
    C->nvars = 0;
}

static StfFunction *new_func(Compiler *C)
{
    StfProgram *p = C->prog;
    StfFunction *n = realloc(p->funcs, (p->func_count + 1) * sizeof *n);
    if (!n) diag_error(C->d, 0, 0, "out of memory");
    p->funcs = n;
    StfFunction *f = &p->funcs[p->func_count++];
    memset(f, 0, sizeof *f);
    return f;
}

static bool has_exec_top(const Module *m) { return m->top.n > 0; }

/* ---- the main wrapper ----
 * main(a: secret int64, xs: list[secret bool], n: int64) gets its
 * arguments from `--input NAME=VALUE`: clear values become constants,
 * secret ones client 0's inputs in parameter order (upstream's SDK does
 * the same).  It can also open a secret result nobody would receive. */

static const char *input_text(Compiler *C, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < C->n_main_inputs; i++) {
        const char *in = C->main_inputs[i];
        if (strncmp(in, name, n) == 0 && in[n] == '=') return in + n + 1;
    }
    return NULL;
}

static void add_client0(Compiler *C, const char *v, size_t n)
{
    size_t old = C->client0 ? strlen(C->client0) : 0;
    char *s = realloc(C->client0, old + n + 2);
    if (!s) diag_error(C->d, 1, 1, "out of memory");
    if (old) s[old++] = ':';
    memcpy(s + old, v, n);
    s[old + n] = 0;
    C->client0 = s;
}

/* Load one --input value of type t into a fresh temp. */
static Val input_value(G *g, Type *t, const char *v, size_t n, int *share_idx, const char *pname)
{
    while (n && (*v == ' ')) {
        v++;
        n--;
    }
    while (n && v[n - 1] == ' ') n--;
    if (n && v[0] == '[') {
        if (v[n - 1] != ']') diag_error(g->C->d, g->line, 1, "--input %s: unterminated list", pname);
        Type *et = t->k == T_LIST ? t->elem : ty_basic(T_ANY);
        cg_call_create_array(g, 0);
        Val l = cg_result(g, t, NODST);
        size_t i = 1, depth = 0, st = 1;
        for (; i < n; i++) {
            char c = v[i];
            if (c == '[') depth++;
            if ((c == ',' && depth == 0) || i == n - 1) {
                if (i > st || c == ',') {
                    Val e = input_value(g, et, v + st, i - st, share_idx, pname);
                    cg_emit(g, STF_OP_PUSHARG, cg_rd(g, l.loc, 0), 0, 0);
                    cg_emit(g, STF_OP_PUSHARG, cg_rd(g, e.loc, 1), 0, 0);
                    cg_release(g, e);
                    cg_call(g, "array_push");
                }
                st = i + 1;
            }
            if (c == ']' && depth) depth--;
        }
        return l;
    }
    if (ty_is_secret(t)) {
        add_client0(g->C, v, n);
        int a = cg_alloc_clear(g), b = cg_alloc_clear(g);
        cg_ldi(g, a, cg_k_int(g, NULL, 0));
        cg_ldi(g, b, cg_k_int(g, NULL, (*share_idx)++));
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, a, 0), 0, 0);
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, b, 1), 0, 0);
        g->nclear -= 2;
        cg_call(g, t->k == T_FIX    ? "ClientStore.take_share_fixed"
                   : t->k == T_BOOL ? "ClientStore.take_share_bool"
                                    : "ClientStore.take_share");
        return cg_result(g, ty_basic(T_SHARE), NODST);
    }
    char buf[128];
    if (n >= sizeof buf) diag_error(g->C->d, g->line, 1, "--input %s: value too long", pname);
    memcpy(buf, v, n);
    buf[n] = 0;
    int d = cg_alloc_clear(g);
    char *end;
    if (strcmp(buf, "true") == 0 || strcmp(buf, "false") == 0 || strcmp(buf, "True") == 0 || strcmp(buf, "False") == 0)
        cg_ldi(g, d, cg_k_bool(g, buf[0] == 't' || buf[0] == 'T'));
    else if (n >= 2 && buf[0] == '"' && buf[n - 1] == '"')
        cg_ldi(g, d, cg_k_str(g, buf + 1, n - 2));
    else if (t->k == T_FLOAT || t->k == T_FIX || strchr(buf, '.')) {
        double x = strtod(buf, &end);
        if (*end) diag_error(g->C->d, g->line, 1, "--input %s: '%s' is not a number", pname, buf);
        cg_ldi(g, d, cg_k_float(g, x));
    } else {
        long long x = strtoll(buf, &end, 10);
        if (*end || end == buf) diag_error(g->C->d, g->line, 1, "--input %s: '%s' is not a value", pname, buf);
        cg_ldi(g, d, cg_k_int(g, t->k == T_INT ? t : NULL, x));
    }
    return (Val){ d, true, t };
}

static void gen_main_wrapper(Compiler *C, FuncSig *mainf, bool open)
{
    StfFunction *w = new_func(C);
    size_t idx = C->prog->func_count - 1;
    G g = { .C = C, .line = mainf->decl->line, .ceiling = NHOME };
    C->cg = &g;
    FuncDecl *d = mainf->decl;
    int share_idx = 0;
    Val vals[16];
    if (d->nparams > 15) diag_error(C->d, d->line, d->col, "main has too many parameters");
    for (int j = 0; j < d->nparams; j++) {
        Type *pt = mainf->ptypes[j];
        const char *v = input_text(C, d->params[j].name);
        if (v) {
            vals[j] = input_value(&g, pt, v, strlen(v), &share_idx, d->params[j].name);
        } else if (d->params[j].def) {
            vals[j] = cg_gen(&g, d->params[j].def, pt, NODST);
        } else {
            diag_error(C->d, d->params[j].line, d->params[j].col,
                       "main's parameter '%s' has no value: pass --input %s=VALUE", d->params[j].name,
                       d->params[j].name);
        }
    }
    for (int j = 0; j < d->nparams; j++) cg_emit(&g, STF_OP_PUSHARG, cg_rd(&g, vals[j].loc, 0), 0, 0);
    cg_call(&g, "__user_main");
    if (open) {
        cg_emit(&g, STF_OP_PUSHARG, 0, 0, 0);
        cg_call(&g, mainf->ret->k == T_FIX ? "Share.open_fixed" : "Share.open");
    }
    cg_emit(&g, STF_OP_RET, 0, 0, 0);
    w = &C->prog->funcs[idx];
    finish_function(&g, w, "main", NULL);
    free(g.label_at);
    g.label_at = NULL;
    C->cg = NULL;
    mainf->emit = "__user_main";
}

void cg_program(Compiler *C)
{
    Module *main_mod = C->modules[0].mod;
    FuncSig *mainf = NULL;
    for (int i = 0; i < C->nfuncs; i++)
        if (C->funcs[i].module == 0 && strcmp(C->funcs[i].decl->name, "main") == 0) mainf = &C->funcs[i];
    if (mainf && has_exec_top(main_mod)) {
        Stmt *s = main_mod->top.v[0];
        diag_error(C->d, s->line, s->col,
                   "a file with def main must not have top-level statements (global vars included): move them into "
                   "main");
    }
    /* a file with neither is a library: its functions only */
    /* main first */
    if (mainf) {
        bool open = C->open_result && ty_is_secret(mainf->ret);
        /* without --input values main keeps its parameters (the caller
         * passes them, as upstream's binaries expect) */
        if ((mainf->decl->nparams && C->n_main_inputs) || open) {
            gen_main_wrapper(C, mainf, open);
        } else {
            gen_function(C, new_func(C), mainf, &mainf->decl->body, "main");
        }
    } else if (has_exec_top(main_mod)) {
        gen_function(C, new_func(C), NULL, &main_mod->top, "main");
    }
    for (int i = 0; i < C->nfuncs; i++) {
        FuncSig *f = &C->funcs[i];
        if (f == mainf && strcmp(f->emit, "main") == 0) continue;
        StfFunction *fn = new_func(C);
        gen_function(C, fn, f, &f->decl->body, f->emit);
    }
}
