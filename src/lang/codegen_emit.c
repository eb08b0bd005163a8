/* codegen_emit.c: instructions, labels, constants, register banks and scopes (see codegen_internal.h). */
#include "codegen_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- low level emission ---- */

StfInstr *cg_emit(G *g, int op, uint32_t a, uint32_t b, uint32_t c)
{
    if (g->ncode == g->capcode) {
        uint32_t nc = g->capcode ? g->capcode * 2 : 64;
        StfInstr *n = realloc(g->code, nc * sizeof *n);
        if (!n) diag_error(g->C->d, g->line, 1, "out of memory");
        g->code = n;
        g->capcode = nc;
    }
    StfInstr *in = &g->code[g->ncode++];
    memset(in, 0, sizeof *in);
    in->op = (uint8_t)op;
    in->a = a;
    in->b = b;
    in->c = c;
    in->line = (uint32_t)g->line;
    return in;
}

int cg_new_label(G *g)
{
    if (g->nlabels == g->caplabels) {
        int nc = g->caplabels ? g->caplabels * 2 : 32;
        uint32_t *n = realloc(g->label_at, (size_t)nc * sizeof *n);
        if (!n) diag_error(g->C->d, g->line, 1, "out of memory");
        g->label_at = n;
        g->caplabels = nc;
    }
    g->label_at[g->nlabels] = UINT32_MAX;
    return g->nlabels++;
}

void cg_place(G *g, int l) { g->label_at[l] = g->ncode; }

void cg_jump(G *g, int op, int l)
{
    StfInstr *in = cg_emit(g, op, 0, 0, 0);
    in->off = l; /* label id until the function is finished */
}

/* ---- constants ---- */

static uint32_t kindex(G *g, const StfConst *k)
{
    StfProgram *p = g->C->prog;
    for (uint32_t i = 0; i < p->const_count; i++) {
        const StfConst *c = &p->consts[i];
        if (c->tag != k->tag) continue;
        if (k->tag == STF_K_STRING) {
            if (c->as.str.len == k->as.str.len && memcmp(c->as.str.s, k->as.str.s, k->as.str.len) == 0) return i;
        } else if (k->tag == STF_K_BOOL) {
            if (!c->as.b == !k->as.b) return i;
        } else if (k->tag == STF_K_UNIT || c->as.u == k->as.u) {
            return i;
        }
    }
    if ((p->const_count & (p->const_count - 1)) == 0 || p->const_count == 0) {
        uint32_t nc = p->const_count ? p->const_count * 2 : 16;
        StfConst *n = realloc(p->consts, nc * sizeof *n);
        if (!n) diag_error(g->C->d, g->line, 1, "out of memory");
        p->consts = n;
    }
    StfConst *c = &p->consts[p->const_count];
    *c = *k;
    if (k->tag == STF_K_STRING && !stf_str_dup(&c->as.str, k->as.str.s, k->as.str.len))
        diag_error(g->C->d, g->line, 1, "out of memory");
    return p->const_count++;
}

uint32_t cg_k_int(G *g, const Type *t, int64_t v)
{
    StfConst k = { 0 };
    if (!t || t->k != T_INT || t->lit) {
        k.tag = STF_K_I64;
        k.as.i = v;
        return kindex(g, &k);
    }
    if (t->sign) {
        k.tag = t->bits == 8 ? STF_K_I8 : t->bits == 16 ? STF_K_I16 : t->bits == 32 ? STF_K_I32 : STF_K_I64;
        k.as.i = v;
    } else {
        k.tag = t->bits == 8 ? STF_K_U8 : t->bits == 16 ? STF_K_U16 : t->bits == 32 ? STF_K_U32 : STF_K_U64;
        k.as.u = (uint64_t)v;
    }
    return kindex(g, &k);
}

uint32_t cg_k_float(G *g, double d)
{
    StfConst k = { .tag = STF_K_FLOAT };
    memcpy(&k.as.u, &d, sizeof d);
    return kindex(g, &k);
}

uint32_t cg_k_bool(G *g, bool b)
{
    StfConst k = { .tag = STF_K_BOOL };
    k.as.b = b;
    return kindex(g, &k);
}

uint32_t cg_k_str(G *g, const char *s, size_t n)
{
    StfConst k = { .tag = STF_K_STRING };
    k.as.str.s = (char *)s;
    k.as.str.len = (uint32_t)n;
    return kindex(g, &k);
}

uint32_t cg_k_unit(G *g)
{
    StfConst k = { .tag = STF_K_UNIT };
    return kindex(g, &k);
}

/* ---- locations ---- */

#define clear_loc(idx) clear_loc_c(g->ceiling, (idx))

int cg_alloc_clear(G *g)
{
    int idx = g->nclear++;
    if (g->nclear > g->maxclear) g->maxclear = g->nclear;
    return clear_loc(idx);
}

static int alloc_secret(G *g)
{
    int j = g->nsec++;
    if (g->nsec > g->maxsec) g->maxsec = g->nsec;
    if (SEC0 + j > 65535) diag_error(g->C->d, g->line, 1, "too many live secret values in one function");
    return SEC0 + j;
}

int cg_alloc_for(G *g, const Type *t) { return bank_secret(t) ? alloc_secret(g) : cg_alloc_clear(g); }

void cg_release(G *g, Val v)
{
    if (!v.temp) return;
    if (is_secret_loc(v.loc)) {
        if (v.loc == SEC0 + g->nsec - 1) g->nsec--;
    } else {
        int idx = v.loc >= 0 ? v.loc - 1 : g->ceiling + (-v.loc - 1);
        if (idx == g->nclear - 1) g->nclear--;
    }
}

/* A register holding v's value (spilled values are loaded into scratch). */
uint32_t cg_rd(G *g, int loc, int scratch)
{
    if (loc >= 0) return (uint32_t)loc;
    cg_emit(g, STF_OP_LDS, (uint32_t)(SCR0 + scratch), (uint32_t)(-loc - 1), 0);
    return (uint32_t)(SCR0 + scratch);
}

void cg_wr_done(G *g, int loc)
{
    if (loc < 0) cg_emit(g, STF_OP_STS, (uint32_t)(-loc - 1), SCR0 + 2, 0);
}

void cg_mov(G *g, int dst, int src)
{
    if (dst == src) return;
    if (is_secret_loc(src) && !is_secret_loc(dst))
        diag_error(g->C->d, g->line, 1, "internal: this move would reveal a secret value");
    if (dst < 0 && src >= 0) {
        cg_emit(g, STF_OP_STS, (uint32_t)(-dst - 1), (uint32_t)src, 0);
        return;
    }
    uint32_t s = cg_rd(g, src, 0);
    if (dst < 0) {
        cg_emit(g, STF_OP_STS, (uint32_t)(-dst - 1), s, 0);
        return;
    }
    cg_emit(g, STF_OP_MOV, (uint32_t)dst, s, 0);
}

void cg_ldi(G *g, int dst, uint32_t k)
{
    cg_emit(g, STF_OP_LDI, wr_reg(dst), k, 0);
    cg_wr_done(g, dst);
}

/* The destination for a result of type t: the hint when its bank fits. */
int cg_dest(G *g, int hint, const Type *t, bool *temp)
{
    if (hint == DISCARD || hint == R0OK) hint = NODST;
    if (hint != NODST && is_secret_loc(hint) == bank_secret(t)) {
        *temp = false;
        return hint;
    }
    *temp = true;
    return cg_alloc_for(g, t);
}

/* ---- scopes ---- */

Var *cg_lookup(Compiler *C, const char *name)
{
    for (int i = C->nvars - 1; i >= 0; i--)
        if (strcmp(C->vars[i].name, name) == 0) return &C->vars[i];
    return NULL;
}

void cg_declare(G *g, const char *name, Type *t, int loc)
{
    Compiler *C = g->C;
    if (C->nvars == C->capvars) {
        int nc = C->capvars ? C->capvars * 2 : 64;
        Var *nv = realloc(C->vars, (size_t)nc * sizeof *nv);
        if (!nv) diag_error(C->d, g->line, 1, "out of memory");
        C->vars = nv;
        C->capvars = nc;
    }
    C->vars[C->nvars++] = (Var){ .name = name, .type = t, .loc = loc };
}

Mark cg_mark(G *g) { return (Mark){ g->C->nvars, g->nclear, g->nsec }; }
void cg_unwind(G *g, Mark m)
{
    g->C->nvars = m.nvars;
    g->nclear = m.nclear;
    g->nsec = m.nsec;
}

/* Bring v into the bank `want` asks for: a clear value becomes a share. */
Val cg_coerce(G *g, Val v, Type *want)
{
    if (!want || !bank_secret(want) || is_secret_loc(v.loc)) return v;
    int s = alloc_secret(g);
    cg_mov(g, s, v.loc);
    cg_release(g, v);
    return (Val){ s, true, want };
}
StfInstr *cg_call(G *g, const char *name)
{
    StfInstr *in = cg_emit(g, STF_OP_CALL, 0, 0, 0);
    if (!stf_str_dup(&in->name, name, strlen(name))) diag_error(g->C->d, g->line, 1, "out of memory");
    return in;
}

/* create_array(capacity): the new array lands in r0. */
void cg_call_create_array(G *g, int64_t capacity)
{
    int n = cg_alloc_clear(g);
    cg_ldi(g, n, cg_k_int(g, NULL, capacity));
    cg_emit(g, STF_OP_PUSHARG, cg_rd(g, n, 0), 0, 0);
    cg_release(g, (Val){ n, true, NULL });
    cg_call(g, "create_array");
}

Val cg_result(G *g, Type *t, int hint)
{
    if (hint == DISCARD || hint == R0OK) return (Val){ 0, false, t };
    bool temp;
    int d = cg_dest(g, hint, t, &temp);
    cg_mov(g, d, 0);
    return (Val){ d, temp, t };
}
/* PUSHARG a, b; release both; CALL fn. */
void cg_call2(G *g, Val a, Val b, const char *fn)
{
    cg_emit(g, STF_OP_PUSHARG, cg_rd(g, a.loc, 0), 0, 0);
    cg_emit(g, STF_OP_PUSHARG, cg_rd(g, b.loc, 1), 0, 0);
    cg_release(g, b);
    cg_release(g, a);
    cg_call(g, fn);
}
void cg_store_index(G *g, Val obj, Val key, Val v)
{
    cg_emit(g, STF_OP_PUSHARG, cg_rd(g, obj.loc, 0), 0, 0);
    cg_emit(g, STF_OP_PUSHARG, cg_rd(g, key.loc, 1), 0, 0);
    cg_emit(g, STF_OP_PUSHARG, cg_rd(g, v.loc, 0), 0, 0);
    cg_call(g, "set_field");
}
