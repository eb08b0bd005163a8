/* codegen.c: StoffelLang to StoffelVM instructions (see codegen.h). */
#include "codegen.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"

#define NHOME 12 /* clear homes r1..r12 */
#define SCR0 13  /* spill scratch r13..r15 */
#define SEC0 16
#define NODST INT_MIN
#define DISCARD (INT_MIN + 1) /* the caller drops the value */
#define R0OK (INT_MIN + 2)    /* a call result may stay in r0: used before any other call */
#define ERR(G, e, ...) diag_error((G)->C->d, (e)->line, (e)->col, __VA_ARGS__)

typedef struct {
    int loc;   /* >= 0 register, < 0 spill slot -(loc+1) */
    bool temp; /* owned by the expression: release after use */
    Type *t;
} Val;

typedef struct {
    int brk, cont;
} Loop;

typedef struct {
    Compiler *C;
    StfFunction *fn;
    StfInstr *code;
    uint32_t ncode, capcode;
    uint32_t *label_at;
    int nlabels, caplabels;
    int nclear, maxclear, nsec, maxsec;
    Loop loops[256];
    int nloops;
    int line;      /* current source line for the line table */
    Type *ret;     /* return type of the function */
    Type *want;    /* type the current call's result is stored as */
    int ceiling;   /* clear indices below it are registers */
    int loopdepth; /* > 0 inside a loop body */
    struct {
        uint32_t k;
        int reg;
    } hoist[4]; /* loop constants loaded once at entry */
    int nhoist;
} G;

/* ---- low level emission ---- */

static StfInstr *emit(G *g, int op, uint32_t a, uint32_t b, uint32_t c)
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

static int new_label(G *g)
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

static void place(G *g, int l) { g->label_at[l] = g->ncode; }

static void jump(G *g, int op, int l)
{
    StfInstr *in = emit(g, op, 0, 0, 0);
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

static uint32_t k_int(G *g, const Type *t, int64_t v)
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

static uint32_t k_float(G *g, double d)
{
    StfConst k = { .tag = STF_K_FLOAT };
    memcpy(&k.as.u, &d, sizeof d);
    return kindex(g, &k);
}

static uint32_t k_bool(G *g, bool b)
{
    StfConst k = { .tag = STF_K_BOOL };
    k.as.b = b;
    return kindex(g, &k);
}

static uint32_t k_str(G *g, const char *s, size_t n)
{
    StfConst k = { .tag = STF_K_STRING };
    k.as.str.s = (char *)s;
    k.as.str.len = (uint32_t)n;
    return kindex(g, &k);
}

static uint32_t k_unit(G *g)
{
    StfConst k = { .tag = STF_K_UNIT };
    return kindex(g, &k);
}

/* ---- locations ---- */

static bool is_secret_loc(int loc) { return loc >= SEC0; }

/* Clear index idx: a home register below the ceiling (r1..), else a spill
 * slot.  The ceiling starts at NHOME and drops when a loop constant takes
 * a register above every index used so far (see hoisted()). */
static int clear_loc_c(int ceiling, int idx) { return idx < ceiling ? 1 + idx : -(idx - ceiling) - 1; }
#define clear_loc(idx) clear_loc_c(g->ceiling, (idx))

static int alloc_clear(G *g)
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

static bool bank_secret(const Type *t) { return ty_is_secret(t); }

static int alloc_for(G *g, const Type *t) { return bank_secret(t) ? alloc_secret(g) : alloc_clear(g); }

static void release(G *g, Val v)
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
static uint32_t rd(G *g, int loc, int scratch)
{
    if (loc >= 0) return (uint32_t)loc;
    emit(g, STF_OP_LDS, (uint32_t)(SCR0 + scratch), (uint32_t)(-loc - 1), 0);
    return (uint32_t)(SCR0 + scratch);
}

static uint32_t wr_reg(int loc) { return loc >= 0 ? (uint32_t)loc : SCR0 + 2; }

static void wr_done(G *g, int loc)
{
    if (loc < 0) emit(g, STF_OP_STS, (uint32_t)(-loc - 1), SCR0 + 2, 0);
}

static void mov(G *g, int dst, int src)
{
    if (dst == src) return;
    if (is_secret_loc(src) && !is_secret_loc(dst))
        diag_error(g->C->d, g->line, 1, "internal: this move would reveal a secret value");
    if (dst < 0 && src >= 0) {
        emit(g, STF_OP_STS, (uint32_t)(-dst - 1), (uint32_t)src, 0);
        return;
    }
    uint32_t s = rd(g, src, 0);
    if (dst < 0) {
        emit(g, STF_OP_STS, (uint32_t)(-dst - 1), s, 0);
        return;
    }
    emit(g, STF_OP_MOV, (uint32_t)dst, s, 0);
}

static void ldi(G *g, int dst, uint32_t k)
{
    emit(g, STF_OP_LDI, wr_reg(dst), k, 0);
    wr_done(g, dst);
}

/* The destination for a result of type t: the hint when its bank fits. */
static int dest(G *g, int hint, const Type *t, bool *temp)
{
    if (hint == DISCARD || hint == R0OK) hint = NODST;
    if (hint != NODST && is_secret_loc(hint) == bank_secret(t)) {
        *temp = false;
        return hint;
    }
    *temp = true;
    return alloc_for(g, t);
}

/* ---- scopes ---- */

Var *cg_lookup(Compiler *C, const char *name)
{
    for (int i = C->nvars - 1; i >= 0; i--)
        if (strcmp(C->vars[i].name, name) == 0) return &C->vars[i];
    return NULL;
}

static void declare(G *g, const char *name, Type *t, int loc)
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

typedef struct {
    int nvars, nclear, nsec;
} Mark;
static Mark mark(G *g) { return (Mark){ g->C->nvars, g->nclear, g->nsec }; }
static void unwind(G *g, Mark m)
{
    g->C->nvars = m.nvars;
    g->nclear = m.nclear;
    g->nsec = m.nsec;
}

/* ---- expressions ---- */

static Val gen(G *g, Expr *e, Type *want, int hint);
static void branch(G *g, Expr *e, bool when, int label);

/* The type a literal becomes: its own, or the wanted one when untyped. */
static Type *lit_type(Expr *e, Type *want)
{
    Type *t = e->type;
    if (t->lit && want && (want->k == T_INT || want->k == T_FLOAT || want->k == T_FIX || want->k == T_BOOL))
        return want;
    return t;
}

/* Bring v into the bank `want` asks for: a clear value becomes a share. */
static Val coerce(G *g, Val v, Type *want)
{
    if (!want || !bank_secret(want) || is_secret_loc(v.loc)) return v;
    int s = alloc_secret(g);
    mov(g, s, v.loc);
    release(g, v);
    return (Val){ s, true, want };
}

static Val gen_call_args_push(G *g, Expr **args, int n, Type **want)
{
    Val vs[256];
    if (n > 256) diag_error(g->C->d, g->line, 1, "too many arguments");
    for (int i = 0; i < n; i++) vs[i] = gen(g, args[i], want ? want[i] : NULL, NODST);
    for (int i = 0; i < n; i++) emit(g, STF_OP_PUSHARG, rd(g, vs[i].loc, 0), 0, 0);
    for (int i = n - 1; i >= 0; i--) release(g, vs[i]);
    return (Val){ 0, false, NULL };
}

static StfInstr *call(G *g, const char *name)
{
    StfInstr *in = emit(g, STF_OP_CALL, 0, 0, 0);
    if (!stf_str_dup(&in->name, name, strlen(name))) diag_error(g->C->d, g->line, 1, "out of memory");
    return in;
}

static Val result(G *g, Type *t, int hint)
{
    if (hint == DISCARD || hint == R0OK) return (Val){ 0, false, t };
    bool temp;
    int d = dest(g, hint, t, &temp);
    mov(g, d, 0);
    return (Val){ d, temp, t };
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

static Val gen_call(G *g, Expr *e, int hint)
{
    CallInfo *ci = ck_call(g->C, e);
    switch (ci->kind) {
    case CALL_USER: {
        FuncSig *f = ci->fn;
        gen_call_args_push(g, ci->args, ci->nargs, f->ptypes);
        call(g, f->emit);
        return result(g, e->type, hint);
    }
    case CALL_CTOR: {
        call(g, "create_object");
        Val o = result(g, e->type, NODST);
        ObjInfo *oi = ci->obj;
        for (int i = 0; i < ci->nargs; i++) {
            Type *ft = NULL;
            for (int j = 0; j < oi->nfields; j++)
                if (strcmp(oi->fields[j], e->names[i]) == 0) ft = oi->ftypes[j];
            Val v = coerce(g, gen(g, ci->args[i], ft, NODST), ft);
            int k = alloc_clear(g);
            ldi(g, k, k_str(g, e->names[i], strlen(e->names[i])));
            emit(g, STF_OP_PUSHARG, rd(g, o.loc, 0), 0, 0);
            emit(g, STF_OP_PUSHARG, rd(g, k, 1), 0, 0);
            emit(g, STF_OP_PUSHARG, rd(g, v.loc, 0), 0, 0);
            release(g, (Val){ k, true, NULL });
            release(g, v);
            call(g, "set_field");
        }
        return o;
    }
    case CALL_REVEAL: {
        Val v = gen(g, ci->args[0], NULL, NODST);
        emit(g, STF_OP_PUSHARG, rd(g, v.loc, 0), 0, 0);
        release(g, v);
        call(g, "Share.open");
        return result(g, e->type, hint);
    }
    default: break;
    }
    /* builtins */
    const char *vm = ci->vm;
    /* Share.random() in a typed secret context draws that many bits, as
     * upstream lowers it: Share.random_int(1) for a bool, (N) for intN */
    if (strcmp(vm, "Share.random") == 0 && ci->nargs == 0 && g->want && ty_is_secret(g->want) &&
        (g->want->k == T_BOOL || g->want->k == T_INT)) {
        int n = alloc_clear(g);
        ldi(g, n, k_int(g, NULL, g->want->k == T_BOOL ? 1 : g->want->bits));
        emit(g, STF_OP_PUSHARG, rd(g, n, 0), 0, 0);
        release(g, (Val){ n, true, NULL });
        call(g, "Share.random_int");
        return result(g, e->type, hint);
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
        vs[i] = gen(g, ci->args[i], wants[i], NODST);
        if (wants[i]) vs[i] = coerce(g, vs[i], wants[i]);
    }
    for (int i = 0; i < n; i++) emit(g, STF_OP_PUSHARG, rd(g, vs[i].loc, 0), 0, 0);
    for (int i = n - 1; i >= 0; i--) release(g, vs[i]);
    /* a dropped append on a list is the VM's fused array_push */
    call(g,
         hint == DISCARD && strcmp(vm, "append") == 0 && n == 2 && ci->args[0]->type->k == T_LIST ? "array_push" : vm);
    return result(g, e->type, hint);
}

static int opcode_of(int tk)
{
    switch (tk) {
    case TK_PLUS: return STF_OP_ADD;
    case TK_MINUS: return STF_OP_SUB;
    case TK_STAR: return STF_OP_MUL;
    case TK_SLASH: return STF_OP_DIV;
    case TK_PERCENT:
    case TK_MOD: return STF_OP_MOD;
    case TK_AND: return STF_OP_AND;
    case TK_OR: return STF_OP_OR;
    case TK_XOR: return STF_OP_XOR;
    case TK_SHL: return STF_OP_SHL;
    case TK_SHR: return STF_OP_SHR;
    default: return -1;
    }
}

/* Expressions whose value arrives in r0 from a CALL. */
static bool is_call_like(const Expr *e) { return e->kind == E_CALL || e->kind == E_INDEX || e->kind == E_ATTR; }

static bool is_cmp(int op)
{
    return op == TK_EQ || op == TK_NE || op == TK_LT || op == TK_LE || op == TK_GT || op == TK_GE;
}

/* Operand type for literals on the other side of a binary operation. */
static Type *operand_want(G *g, Expr *e, Type *want)
{
    Type *a = e->a->type, *b = e->b->type;
    if ((a->k == T_BOOL && a->secret) || (b->k == T_BOOL && b->secret)) return NULL; /* 0/1 share arithmetic */
    if (!a->lit && a->k != T_ANY && a->k != T_SHARE) return ty_clear(g->C, a);
    if (!b->lit && b->k != T_ANY && b->k != T_SHARE) return ty_clear(g->C, b);
    if (want && (want->k == T_INT || want->k == T_FIX || want->k == T_FLOAT) && !is_cmp(e->op)) return want;
    if (a->lit && b->lit && (a->k == T_FLOAT || b->k == T_FLOAT)) return a->k == T_FLOAT ? a : b;
    return NULL;
}

/* floored modulo: r = a % b; if r != 0 and sign(r) != sign(b): r += b */
static void floor_fix(G *g, uint32_t r, Val b, Type *t)
{
    int zl = alloc_clear(g);
    uint32_t k = t->k == T_INT ? k_int(g, t, 0) : k_float(g, 0.0);
    /* a spilled zero stays in scratch r14: r may live in r15 */
    uint32_t z = zl >= 0 ? (uint32_t)zl : SCR0 + 1;
    emit(g, STF_OP_LDI, z, k, 0);
    int done = new_label(g), rneg = new_label(g), fix = new_label(g);
    emit(g, STF_OP_CMP, r, z, 0);
    jump(g, STF_OP_JMPEQ, done);
    jump(g, STF_OP_JMPLT, rneg);
    emit(g, STF_OP_CMP, rd(g, b.loc, 0), z, 0);
    jump(g, STF_OP_JMPGT, done);
    jump(g, STF_OP_JMP, fix);
    place(g, rneg);
    emit(g, STF_OP_CMP, rd(g, b.loc, 0), z, 0);
    jump(g, STF_OP_JMPLT, done);
    place(g, fix);
    emit(g, STF_OP_ADD, r, r, rd(g, b.loc, 0));
    place(g, done);
    release(g, (Val){ zl, true, NULL });
}

/* PUSHARG a, b; release both; CALL fn. */
static void call2(G *g, Val a, Val b, const char *fn)
{
    emit(g, STF_OP_PUSHARG, rd(g, a.loc, 0), 0, 0);
    emit(g, STF_OP_PUSHARG, rd(g, b.loc, 1), 0, 0);
    release(g, b);
    release(g, a);
    call(g, fn);
}

static Val gen_bool_via_branch(G *g, Expr *e, int hint)
{
    bool temp;
    int d = dest(g, hint, e->type, &temp);
    int lf = new_label(g), end = new_label(g);
    branch(g, e, false, lf);
    ldi(g, d, k_bool(g, true));
    jump(g, STF_OP_JMP, end);
    place(g, lf);
    ldi(g, d, k_bool(g, false));
    place(g, end);
    return (Val){ d, temp, e->type };
}

static Val gen_binary(G *g, Expr *e, Type *want, int hint)
{
    Type *t = e->type;
    int op = e->op;
    bool secret = ty_is_secret(t);
    if (is_cmp(op) || ((op == TK_AND || op == TK_OR) && t->k == T_BOOL && !secret)) {
        if (!secret) return gen_bool_via_branch(g, e, hint);
        /* secret comparison: a protocol call returning a secret bool */
        static const char *const names[] = { "Share.eq", "Share.ne", "Share.lt", "Share.le", "Share.gt", "Share.ge" };
        int k = op == TK_EQ ? 0 : op == TK_NE ? 1 : op == TK_LT ? 2 : op == TK_LE ? 3 : op == TK_GT ? 4 : 5;
        Type *ow = operand_want(g, e, NULL);
        Val a = gen(g, e->a, ow, NODST), b = gen(g, e->b, ow, NODST);
        call2(g, a, b, names[k]);
        return result(g, t, hint);
    }
    if (op == TK_IN) {
        Val a = gen(g, e->a, e->b->type && e->b->type->k == T_LIST ? e->b->type->elem : NULL, NODST);
        Val b = gen(g, e->b, NULL, NODST);
        emit(g, STF_OP_PUSHARG, rd(g, b.loc, 0), 0, 0);
        emit(g, STF_OP_PUSHARG, rd(g, a.loc, 1), 0, 0);
        release(g, b);
        release(g, a);
        call(g, "contains");
        return result(g, t, hint);
    }
    if (op == TK_PLUS && t->k == T_LIST) {
        Val a = gen(g, e->a, NULL, NODST), b = gen(g, e->b, NULL, NODST);
        call2(g, a, b, "array_concat");
        return result(g, t, hint);
    }
    if (op == TK_STAR && t->k == T_LIST) {
        Val a = gen(g, e->a, NULL, NODST), b = gen(g, e->b, NULL, NODST);
        call2(g, a, b, "array_repeat");
        return result(g, t, hint);
    }
    Type *ow = operand_want(g, e, want);
    if ((op == TK_SHL || op == TK_SHR) && e->a->type->k == T_INT)
        ow = ty_clear(g->C, e->a->type->lit ? e->b->type : e->a->type);
    Val a = gen(g, e->a, ow, NODST), b = gen(g, e->b, ow, is_call_like(e->b) && op != TK_MOD ? R0OK : NODST);
    Type *mt = t->lit && ow ? ow : t;
    if (op == TK_MOD && !secret && ((mt->k == T_INT && mt->sign) || mt->k == T_FIX || mt->k == T_FLOAT)) {
        /* floored modulo: keep both operands alive while fixing the sign */
        int r = alloc_clear(g);
        uint32_t ra = rd(g, a.loc, 0), rb = rd(g, b.loc, 1);
        emit(g, STF_OP_MOD, wr_reg(r), ra, rb);
        wr_done(g, r);
        uint32_t rr = rd(g, r, 2);
        floor_fix(g, rr, b, mt);
        wr_done(g, r);
        release(g, (Val){ r, true, NULL });
        release(g, b);
        release(g, a);
        bool mtemp;
        int d = dest(g, hint, mt, &mtemp);
        mov(g, d, r);
        return (Val){ d, mtemp, mt };
    }
    release(g, b);
    release(g, a);
    bool temp;
    Type *rt = t->lit && ow ? ow : t;
    int d = dest(g, hint, rt, &temp);
    if (d == a.loc || d == b.loc) { /* fine: the VM reads both sources before writing */
    }
    uint32_t ra = rd(g, a.loc, 0), rb = rd(g, b.loc, 1);
    uint32_t rdst = wr_reg(d);
    if (is_secret_loc(d) && (rdst != (uint32_t)d)) rdst = (uint32_t)d;
    emit(g, opcode_of(op), rdst, ra, rb);
    wr_done(g, d);
    return (Val){ d, temp, rt };
}

static void store_index(G *g, Val obj, Val key, Val v)
{
    emit(g, STF_OP_PUSHARG, rd(g, obj.loc, 0), 0, 0);
    emit(g, STF_OP_PUSHARG, rd(g, key.loc, 1), 0, 0);
    emit(g, STF_OP_PUSHARG, rd(g, v.loc, 0), 0, 0);
    call(g, "set_field");
}

static Val gen_list(G *g, Expr *e, Type *want, int hint)
{
    (void)hint;
    Type *et = want && want->k == T_LIST ? want->elem : e->type->elem;
    Type *lt = e->type;
    if (want && want->k == T_LIST) lt = want;
    int n = alloc_clear(g);
    ldi(g, n, k_int(g, NULL, e->nitems));
    emit(g, STF_OP_PUSHARG, rd(g, n, 0), 0, 0);
    release(g, (Val){ n, true, NULL });
    call(g, "create_array");
    Val l = result(g, lt, NODST);
    for (int i = 0; i < e->nitems; i++) {
        Val v = coerce(g, gen(g, e->items[i], et, NODST), et);
        emit(g, STF_OP_PUSHARG, rd(g, l.loc, 0), 0, 0);
        emit(g, STF_OP_PUSHARG, rd(g, v.loc, 1), 0, 0);
        release(g, v);
        call(g, "array_push");
    }
    return l;
}

static void gen_block(G *g, const Block *b);

/* for-loop skeleton over a range or a list; `body` emits the loop body
 * (a statement block or a comprehension element). */
typedef void (*BodyFn)(G *g, void *ud);

static void gen_loop(G *g, const char *var, Expr *iter, BodyFn body, void *ud, bool is_stmt)
{
    Mark m = mark(g);
    Type *it = ck_expr(g->C, iter);
    int lbody = new_label(g), lcont = new_label(g), lcond = new_label(g), lend = new_label(g);
    if (iter->kind == E_RANGE) {
        Type *vt = it->elem;
        Val a = gen(g, iter->a, vt, NODST);
        int i = alloc_clear(g);
        mov(g, i, a.loc);
        if (a.temp) { /* a's slot was below i: keep both, simplest is to leave it */
        }
        Val b = gen(g, iter->b, vt, NODST);
        int lim = b.loc;
        if (!b.temp) {
            lim = alloc_clear(g);
            mov(g, lim, b.loc);
        }
        int one = alloc_clear(g);
        ldi(g, one, k_int(g, vt, 1));
        declare(g, var, vt, i);
        jump(g, STF_OP_JMP, lcond);
        place(g, lbody);
        if (g->nloops >= 256) diag_error(g->C->d, iter->line, iter->col, "loops nested too deeply");
        if (is_stmt) g->loops[g->nloops++] = (Loop){ lend, lcont };
        g->loopdepth++;
        body(g, ud);
        g->loopdepth--;
        if (is_stmt) g->nloops--;
        place(g, lcont);
        uint32_t ri = rd(g, i, 0), ro = rd(g, one, 1);
        emit(g, STF_OP_ADD, wr_reg(i), ri, ro);
        wr_done(g, i);
        place(g, lcond);
        emit(g, STF_OP_CMP, rd(g, i, 0), rd(g, lim, 1), 0);
        jump(g, STF_OP_JMPLT, lbody);
        place(g, lend);
    } else {
        Type *et = it->k == T_LIST || it->k == T_DICT ? it->elem : it->k == T_STR ? ty_basic(T_STR) : ty_basic(T_ANY);
        if (ty_is_secret(it))
            diag_error(g->C->d, iter->line, iter->col, "iterating over a secret value is not supported");
        Val l = gen(g, iter, NULL, NODST);
        int lst = l.loc;
        if (!l.temp) {
            lst = alloc_clear(g);
            mov(g, lst, l.loc);
        }
        emit(g, STF_OP_PUSHARG, rd(g, lst, 0), 0, 0);
        call(g, "len");
        int n = alloc_clear(g);
        mov(g, n, 0);
        int idx = alloc_clear(g);
        ldi(g, idx, k_int(g, NULL, 0));
        int one = alloc_clear(g);
        ldi(g, one, k_int(g, NULL, 1));
        int x = alloc_for(g, et);
        declare(g, var, et, x);
        jump(g, STF_OP_JMP, lcond);
        place(g, lbody);
        emit(g, STF_OP_PUSHARG, rd(g, lst, 0), 0, 0);
        emit(g, STF_OP_PUSHARG, rd(g, idx, 1), 0, 0);
        call(g, "get_field");
        mov(g, x, 0);
        if (is_stmt) g->loops[g->nloops++] = (Loop){ lend, lcont };
        g->loopdepth++;
        body(g, ud);
        g->loopdepth--;
        if (is_stmt) g->nloops--;
        place(g, lcont);
        uint32_t ri = rd(g, idx, 0), ro = rd(g, one, 1);
        emit(g, STF_OP_ADD, wr_reg(idx), ri, ro);
        wr_done(g, idx);
        place(g, lcond);
        emit(g, STF_OP_CMP, rd(g, idx, 0), rd(g, n, 1), 0);
        jump(g, STF_OP_JMPLT, lbody);
        place(g, lend);
    }
    unwind(g, m);
}

typedef struct {
    Expr *e;
    int list;
    Type *et;
} CompUd;

static void comp_body(G *g, void *ud)
{
    CompUd *c = ud;
    int skip = new_label(g);
    if (c->e->c) branch(g, c->e->c, false, skip);
    Val v = coerce(g, gen(g, c->e->a, c->et, NODST), c->et);
    emit(g, STF_OP_PUSHARG, rd(g, c->list, 0), 0, 0);
    emit(g, STF_OP_PUSHARG, rd(g, v.loc, 1), 0, 0);
    release(g, v);
    call(g, "array_push");
    place(g, skip);
}

/* A register that holds constant k for the whole function, loaded at its
 * entry: loops then do not reload their constants.  Only a register above
 * every clear index used so far qualifies; it lowers the ceiling, so later
 * values never take it.  -1 when none is left. */
static int hoisted(G *g, uint32_t k)
{
    for (int i = 0; i < g->nhoist; i++)
        if (g->hoist[i].k == k) return g->hoist[i].reg;
    if (g->nhoist >= 4 || g->ceiling - 1 <= g->maxclear || g->ceiling <= 8) return -1;
    g->ceiling--;
    int reg = 1 + g->ceiling;
    g->hoist[g->nhoist].k = k;
    g->hoist[g->nhoist].reg = reg;
    g->nhoist++;
    return reg;
}

static Val gen(G *g, Expr *e, Type *want, int hint)
{
    Type *t = ck_expr(g->C, e);
    int save_line = g->line;
    g->line = e->line;
    Val r;
    bool temp;
    switch (e->kind) {
    case E_INT: {
        Type *lt = lit_type(e, want);
        int64_t v = e->op == TK_MINUS ? -(int64_t)e->ival : (int64_t)e->ival;
        if (hint == NODST && g->loopdepth && lt->k == T_INT) {
            int h = hoisted(g, k_int(g, lt, v));
            if (h >= 0) {
                r = (Val){ h, false, lt };
                break;
            }
        }
        int d = dest(g, hint, lt, &temp);
        if (lt->k == T_FLOAT || lt->k == T_FIX)
            ldi(g, d, k_float(g, (double)v));
        else if (lt->k == T_BOOL)
            ldi(g, d, k_bool(g, v != 0));
        else if (is_secret_loc(d)) {
            int c = alloc_clear(g);
            ldi(g, c, k_int(g, lt, v));
            mov(g, d, c);
            release(g, (Val){ c, true, NULL });
        } else
            ldi(g, d, k_int(g, lt, v));
        r = (Val){ d, temp, lt };
        break;
    }
    case E_FLOAT: {
        if (hint == NODST && g->loopdepth) {
            int h = hoisted(g, k_float(g, e->fval));
            if (h >= 0) {
                r = (Val){ h, false, t };
                break;
            }
        }
        int d = dest(g, hint, t, &temp);
        ldi(g, d, k_float(g, e->fval));
        r = (Val){ d, temp, t };
        break;
    }
    case E_STR: {
        int d = dest(g, hint, t, &temp);
        ldi(g, d, k_str(g, e->str, e->slen));
        r = (Val){ d, temp, t };
        break;
    }
    case E_BOOL: {
        int d = dest(g, hint, t, &temp);
        ldi(g, d, k_bool(g, e->ival != 0));
        r = (Val){ d, temp, t };
        break;
    }
    case E_NONE: {
        int d = dest(g, hint, t, &temp);
        ldi(g, d, k_unit(g));
        r = (Val){ d, temp, t };
        break;
    }
    case E_NAME: {
        Var *v = cg_lookup(g->C, e->str);
        if (!v) {
            /* a function name as a value: its name (for create_closure) */
            int d = dest(g, hint, ty_basic(T_STR), &temp);
            ldi(g, d, k_str(g, e->str, strlen(e->str)));
            r = (Val){ d, temp, t };
            break;
        }
        if (hint != NODST && is_secret_loc(hint) == is_secret_loc(v->loc)) {
            mov(g, hint, v->loc);
            r = (Val){ hint, false, t };
        } else {
            r = (Val){ v->loc, false, t };
        }
        break;
    }
    case E_UN: {
        if (e->op == TK_NOT && t->k == T_BOOL && !ty_is_secret(t)) {
            r = gen_bool_via_branch(g, e, hint);
            break;
        }
        Val a = gen(g, e->a, want, NODST);
        release(g, a);
        Type *rt = a.t && a.t->k != T_ANY ? a.t : t;
        int d = dest(g, hint, rt, &temp);
        if (e->op == TK_NOT) {
            emit(g, STF_OP_NOT, wr_reg(d), rd(g, a.loc, 0), 0);
            wr_done(g, d);
        } else if (ty_is_secret(t)) {
            emit(g, STF_OP_PUSHARG, rd(g, a.loc, 0), 0, 0);
            call(g, "Share.neg");
            mov(g, d, 0);
        } else {
            int z = alloc_clear(g);
            ldi(g, z, (rt->k == T_FLOAT || rt->k == T_FIX) ? k_float(g, 0.0) : k_int(g, rt, 0));
            uint32_t rz = rd(g, z, 1), ra = rd(g, a.loc, 0);
            emit(g, STF_OP_SUB, wr_reg(d), rz, ra);
            wr_done(g, d);
            release(g, (Val){ z, true, NULL });
        }
        r = (Val){ d, temp, rt };
        break;
    }
    case E_BIN: r = gen_binary(g, e, want, hint); break;
    case E_CALL:
        g->want = want;
        r = gen_call(g, e, hint);
        break;
    case E_INDEX: {
        Val a = gen(g, e->a, NULL, NODST);
        Val k = gen(g, e->b, e->a->type->k == T_DICT ? e->a->type->key : NULL, NODST);
        call2(g, a, k, "get_field");
        r = result(g, t, hint);
        break;
    }
    case E_SLICE: {
        Val a = gen(g, e->a, NULL, NODST);
        Expr *parts[3] = { e->b, e->c, e->d };
        Val pv[3];
        int np = e->d ? 3 : 2;
        for (int i = 0; i < np; i++) {
            if (parts[i])
                pv[i] = gen(g, parts[i], NULL, NODST);
            else {
                int u = alloc_clear(g);
                ldi(g, u, k_unit(g));
                pv[i] = (Val){ u, true, NULL };
            }
        }
        emit(g, STF_OP_PUSHARG, rd(g, a.loc, 0), 0, 0);
        for (int i = 0; i < np; i++) emit(g, STF_OP_PUSHARG, rd(g, pv[i].loc, 0), 0, 0);
        for (int i = np - 1; i >= 0; i--) release(g, pv[i]);
        release(g, a);
        call(g, "slice");
        r = result(g, t, hint);
        break;
    }
    case E_ATTR: {
        int64_t ev;
        if (e->a->kind == E_NAME && !cg_lookup(g->C, e->a->str) && ck_enum_member(g->C, e->a->str, e->str, &ev)) {
            int d = dest(g, hint, t, &temp);
            ldi(g, d, k_int(g, NULL, ev));
            r = (Val){ d, temp, t };
            break;
        }
        if (strcmp(e->str, "len") == 0 && t->k == T_INT && e->a->type->k != T_OBJ) {
            Val a = gen(g, e->a, NULL, NODST);
            emit(g, STF_OP_PUSHARG, rd(g, a.loc, 0), 0, 0);
            release(g, a);
            call(g, "len");
            r = result(g, t, hint);
            break;
        }
        Val a = gen(g, e->a, NULL, NODST);
        int k = alloc_clear(g);
        ldi(g, k, k_str(g, e->str, strlen(e->str)));
        emit(g, STF_OP_PUSHARG, rd(g, a.loc, 0), 0, 0);
        emit(g, STF_OP_PUSHARG, rd(g, k, 1), 0, 0);
        release(g, (Val){ k, true, NULL });
        release(g, a);
        /* a list field that was never set reads as a fresh empty list */
        call(g, e->a->type->k == T_OBJ && t->k == T_LIST ? "get_or_create_array_field" : "get_field");
        r = result(g, t, hint);
        break;
    }
    case E_LIST: r = gen_list(g, e, want, hint); break;
    case E_DICT: {
        call(g, "create_object");
        Val o = result(g, t, NODST);
        for (int i = 0; i < e->nitems; i++) {
            Val k = gen(g, e->items[i], t->key, NODST);
            Val v = gen(g, e->vals[i], t->elem, NODST);
            store_index(g, o, k, v);
            release(g, v);
            release(g, k);
        }
        r = o;
        break;
    }
    case E_RANGE: {
        Val a = gen(g, e->a, t->elem, NODST), b = gen(g, e->b, t->elem, NODST);
        call2(g, a, b, "range");
        r = result(g, t, hint);
        break;
    }
    case E_COMP: {
        int n = alloc_clear(g);
        ldi(g, n, k_int(g, NULL, 0));
        emit(g, STF_OP_PUSHARG, rd(g, n, 0), 0, 0);
        release(g, (Val){ n, true, NULL });
        call(g, "create_array");
        Val l = result(g, t, NODST);
        CompUd ud = { e, l.loc, t->elem };
        gen_loop(g, e->var, e->b, comp_body, &ud, false);
        r = l;
        break;
    }
    case E_FSTR: {
        int d = alloc_clear(g);
        ldi(g, d, k_str(g, "", 0));
        for (int i = 0; i < e->nitems; i++) {
            Expr *p = e->items[i];
            Val v = gen(g, p, NULL, NODST);
            int s = v.loc;
            bool stemp = false;
            if (!(p->type && p->type->k == T_STR)) {
                emit(g, STF_OP_PUSHARG, rd(g, v.loc, 0), 0, 0);
                call(g, "to_string");
                s = alloc_clear(g);
                stemp = true;
                mov(g, s, 0);
            }
            uint32_t rs = rd(g, s, 1), rdd = rd(g, d, 0);
            emit(g, STF_OP_ADD, wr_reg(d), rdd, rs);
            wr_done(g, d);
            if (stemp) release(g, (Val){ s, true, NULL });
            release(g, v);
        }
        r = (Val){ d, true, t };
        if (hint != NODST && !is_secret_loc(hint)) {
            mov(g, hint, d);
            release(g, r);
            r = (Val){ hint, false, t };
        }
        break;
    }
    default: ERR(g, e, "unsupported expression");
    }
    g->line = save_line;
    return r;
}

/* Jump to `label` when e evaluates to `when`. */
static void branch(G *g, Expr *e, bool when, int label)
{
    Type *t = ck_expr(g->C, e);
    if (ty_is_secret(t)) ck_condition(g->C, e, "condition");
    int save = g->line;
    g->line = e->line;
    if (e->kind == E_BIN && is_cmp(e->op)) {
        Type *ow = operand_want(g, e, NULL);
        Val a = gen(g, e->a, ow, NODST), b = gen(g, e->b, ow, is_call_like(e->b) ? R0OK : NODST);
        emit(g, STF_OP_CMP, rd(g, a.loc, 0), rd(g, b.loc, 1), 0);
        release(g, b);
        release(g, a);
        int op = e->op;
        if (!when)
            op = op == TK_EQ   ? TK_NE
                 : op == TK_NE ? TK_EQ
                 : op == TK_LT ? TK_GE
                 : op == TK_GE ? TK_LT
                 : op == TK_GT ? TK_LE
                               : TK_GT;
        switch (op) {
        case TK_EQ: jump(g, STF_OP_JMPEQ, label); break;
        case TK_NE: jump(g, STF_OP_JMPNEQ, label); break;
        case TK_LT: jump(g, STF_OP_JMPLT, label); break;
        case TK_GT: jump(g, STF_OP_JMPGT, label); break;
        case TK_LE:
            jump(g, STF_OP_JMPLT, label);
            jump(g, STF_OP_JMPEQ, label);
            break;
        case TK_GE:
            jump(g, STF_OP_JMPGT, label);
            jump(g, STF_OP_JMPEQ, label);
            break;
        }
    } else if (e->kind == E_BIN && (e->op == TK_AND || e->op == TK_OR) && t->k == T_BOOL) {
        bool isand = e->op == TK_AND;
        if (isand != when) {
            /* and/false or or/true: either side decides */
            branch(g, e->a, when, label);
            branch(g, e->b, when, label);
        } else {
            int skip = new_label(g);
            branch(g, e->a, !when, skip);
            branch(g, e->b, when, label);
            place(g, skip);
        }
    } else if (e->kind == E_UN && e->op == TK_NOT && t->k == T_BOOL) {
        branch(g, e->a, !when, label);
    } else if (e->kind == E_BOOL) {
        if ((e->ival != 0) == when) jump(g, STF_OP_JMP, label);
    } else {
        Val v = gen(g, e, NULL, NODST);
        int k = alloc_clear(g);
        ldi(g, k, k_bool(g, true));
        emit(g, STF_OP_CMP, rd(g, v.loc, 0), rd(g, k, 1), 0);
        release(g, (Val){ k, true, NULL });
        release(g, v);
        jump(g, when ? STF_OP_JMPEQ : STF_OP_JMPNEQ, label);
    }
    g->line = save;
}

/* ---- statements ---- */

static int compound_op(int tk)
{
    switch (tk) {
    case TK_PLUSEQ: return TK_PLUS;
    case TK_MINUSEQ: return TK_MINUS;
    case TK_STAREQ: return TK_STAR;
    case TK_SLASHEQ: return TK_SLASH;
    case TK_PERCENTEQ: return TK_PERCENT;
    default: return 0;
    }
}

static void gen_assign(G *g, Stmt *s)
{
    Expr *value = s->value;
    if (s->op != TK_ASSIGN) {
        Expr *b = arena_alloc(g->C->A, sizeof *b);
        b->kind = E_BIN;
        b->op = compound_op(s->op);
        b->line = s->line;
        b->col = s->col;
        b->a = s->target;
        b->b = s->value;
        value = b;
    }
    Expr *tg = s->target;
    Type *vt = ck_expr(g->C, value);
    if (tg->kind == E_NAME) {
        Var *v = cg_lookup(g->C, tg->str);
        if (!v) {
            if (ck_find_func(g->C, tg->str)) ERR(g, tg, "cannot assign to function '%s'", tg->str);
            ck_expr(g->C, tg); /* reports unknown name with a suggestion */
        }
        char what[160];
        snprintf(what, sizeof what, "variable '%s'", v->name);
        ck_assignable(g->C, v->type, vt, value, what);
        Val r = gen(g, value, v->type, v->loc);
        if (r.loc != v->loc) {
            r = coerce(g, r, v->type);
            if (is_secret_loc(r.loc) && !is_secret_loc(v->loc))
                ERR(g, value, "cannot store a secret value in clear variable '%s': call .reveal() to open it", v->name);
            mov(g, v->loc, r.loc);
        }
        release(g, r);
        return;
    }
    if (tg->kind == E_INDEX) {
        Type *ot = ck_expr(g->C, tg->a);
        ck_expr(g->C, tg->b);
        Type *et = ot->k == T_LIST || ot->k == T_DICT ? ot->elem : NULL;
        if (et) ck_assignable(g->C, et, vt, value, "list element");
        if (ty_is_secret(tg->b->type))
            ERR(g, tg->b, "writing at a secret index is not supported: the position would reveal it");
        Val o = gen(g, tg->a, NULL, NODST);
        Val k = gen(g, tg->b, ot->k == T_DICT ? ot->key : NULL, NODST);
        Val v = gen(g, value, et, NODST);
        if (et) v = coerce(g, v, et);
        store_index(g, o, k, v);
        release(g, v);
        release(g, k);
        release(g, o);
        return;
    }
    if (tg->kind == E_ATTR) {
        Type *ft = ck_expr(g->C, tg);
        ck_assignable(g->C, ft, vt, value, "field");
        Val o = gen(g, tg->a, NULL, NODST);
        int k = alloc_clear(g);
        ldi(g, k, k_str(g, tg->str, strlen(tg->str)));
        Val v = coerce(g, gen(g, value, ft, NODST), ft);
        store_index(g, o, (Val){ k, true, NULL }, v);
        release(g, v);
        release(g, (Val){ k, true, NULL });
        release(g, o);
        return;
    }
    ERR(g, tg, "cannot assign to this expression");
}

static void stmt_block_body(G *g, void *ud) { gen_block(g, ud); }

static void gen_stmt(G *g, Stmt *s)
{
    g->line = s->line;
    switch (s->kind) {
    case S_VAR: {
        Type *t;
        if (s->type) {
            t = ck_resolve(g->C, s->type);
            if (s->value) {
                char what[160];
                snprintf(what, sizeof what, "variable '%s'", s->name);
                ck_assignable(g->C, t, ck_expr(g->C, s->value), s->value, what);
            }
        } else if (s->value) {
            t = ck_expr(g->C, s->value);
            if (t->lit) t = t->k == T_FLOAT ? ty_basic(T_FLOAT) : ty_basic(T_INT);
            if (t->k == T_NONE && s->value->kind != E_NONE)
                ERR(g, s->value, "cannot declare '%s' from an expression with no value", s->name);
            if (t->k == T_NONE) t = ty_basic(T_ANY);
        } else {
            ERR(g, s, "variable '%s' needs a type or an initial value", s->name);
        }
        int loc;
        if (s->value) {
            Val v = gen(g, s->value, t, NODST);
            v = coerce(g, v, t);
            if (is_secret_loc(v.loc) && !bank_secret(t) && t->k != T_ANY)
                ERR(g, s->value, "cannot store a secret value in clear variable '%s': call .reveal() to open it",
                    s->name);
            if (v.temp && (is_secret_loc(v.loc) == bank_secret(t) || t->k == T_ANY)) {
                loc = v.loc;
            } else {
                loc = alloc_for(g, is_secret_loc(v.loc) ? ty_basic(T_SHARE) : t);
                mov(g, loc, v.loc);
                release(g, v); /* no-op unless v was a temp of the other bank */
            }
            if (is_secret_loc(loc) && !bank_secret(t)) t = ty_secret(g->C, t);
        } else {
            loc = alloc_for(g, t);
            uint32_t k = t->k == T_INT                        ? k_int(g, t, 0)
                         : (t->k == T_FLOAT || t->k == T_FIX) ? k_float(g, 0.0)
                         : t->k == T_BOOL                     ? k_bool(g, false)
                         : t->k == T_STR                      ? k_str(g, "", 0)
                                                              : k_unit(g);
            if (t->k == T_OBJ || t->k == T_DICT) {
                call(g, "create_object");
                mov(g, loc, 0);
            } else if (t->k == T_LIST) {
                int z = alloc_clear(g);
                ldi(g, z, k_int(g, NULL, 0));
                emit(g, STF_OP_PUSHARG, rd(g, z, 0), 0, 0);
                release(g, (Val){ z, true, NULL });
                call(g, "create_array");
                mov(g, loc, 0);
            } else if (is_secret_loc(loc)) {
                int c = alloc_clear(g);
                ldi(g, c, k);
                mov(g, loc, c);
                release(g, (Val){ c, true, NULL });
            } else {
                ldi(g, loc, k);
            }
        }
        declare(g, s->name, t, loc);
        return;
    }
    case S_ASSIGN: gen_assign(g, s); return;
    case S_EXPR:
    case S_DISCARD: {
        Val v = gen(g, s->value, NULL, s->value->kind == E_CALL ? DISCARD : NODST);
        release(g, v);
        return;
    }
    case S_IF: {
        ck_condition(g->C, s->value, "if condition");
        int lelse = new_label(g), lend = new_label(g);
        branch(g, s->value, false, lelse);
        Mark m = mark(g);
        gen_block(g, &s->body);
        unwind(g, m);
        if (s->orelse.n) jump(g, STF_OP_JMP, lend);
        place(g, lelse);
        if (s->orelse.n) {
            gen_block(g, &s->orelse);
            unwind(g, m);
        }
        place(g, lend);
        return;
    }
    case S_WHILE: {
        ck_condition(g->C, s->value, "while condition");
        int lbody = new_label(g), lcond = new_label(g), lend = new_label(g);
        jump(g, STF_OP_JMP, lcond);
        place(g, lbody);
        if (g->nloops >= 256) ERR(g, s, "loops nested too deeply");
        g->loops[g->nloops++] = (Loop){ lend, lcond };
        g->loopdepth++;
        Mark m = mark(g);
        gen_block(g, &s->body);
        unwind(g, m);
        g->nloops--;
        place(g, lcond);
        g->line = s->line;
        branch(g, s->value, true, lbody);
        g->loopdepth--;
        place(g, lend);
        return;
    }
    case S_FOR: gen_loop(g, s->name, s->value, stmt_block_body, &s->body, true); return;
    case S_BREAK:
    case S_CONTINUE:
        if (!g->nloops) ERR(g, s, "'%s' outside a loop", s->kind == S_BREAK ? "break" : "continue");
        jump(g, STF_OP_JMP, s->kind == S_BREAK ? g->loops[g->nloops - 1].brk : g->loops[g->nloops - 1].cont);
        return;
    case S_PASS: return;
    case S_RETURN: {
        Type *rt = g->ret;
        if (!s->value) {
            if (rt->k != T_NONE && rt->k != T_ANY) ERR(g, s, "missing return value: the function returns a value");
            int u = alloc_clear(g);
            ldi(g, u, k_unit(g));
            emit(g, STF_OP_RET, rd(g, u, 0), 0, 0);
            release(g, (Val){ u, true, NULL });
            return;
        }
        Type *vt = ck_expr(g->C, s->value);
        if (rt->k == T_NONE && vt->k != T_NONE)
            ERR(g, s->value, "this function returns None: declare a return type with -> T");
        ck_assignable(g->C, rt, vt, s->value, "return value");
        Val v = coerce(g, gen(g, s->value, rt, NODST), rt);
        emit(g, STF_OP_RET, rd(g, v.loc, 0), 0, 0);
        release(g, v);
        return;
    }
    case S_ASSERT: {
        ck_condition(g->C, s->value, "assert condition");
        Val c = gen(g, s->value, NULL, NODST);
        Val m = s->target ? gen(g, s->target, NULL, NODST) : (Val){ 0, false, NULL };
        if (s->target && s->target->type->k != T_STR && s->target->type->k != T_ANY)
            ERR(g, s->target, "assert message must be a string");
        emit(g, STF_OP_PUSHARG, rd(g, c.loc, 0), 0, 0);
        if (s->target) emit(g, STF_OP_PUSHARG, rd(g, m.loc, 1), 0, 0);
        if (s->target) release(g, m);
        release(g, c);
        call(g, "assert");
        return;
    }
    case S_MATCH: {
        Type *t = ck_expr(g->C, s->value);
        if (ty_is_secret(t)) ERR(g, s->value, "match on a secret value isn't supported: the case taken would leak it");
        Mark m0 = mark(g);
        Val v = gen(g, s->value, NULL, NODST);
        int lend = new_label(g);
        for (int i = 0; i < s->ncases; i++) {
            MatchCase *c = &s->cases[i];
            int lnext = new_label(g);
            if (c->pattern) {
                ck_expr(g->C, c->pattern);
                Val p = gen(g, c->pattern, t, NODST);
                emit(g, STF_OP_CMP, rd(g, v.loc, 0), rd(g, p.loc, 1), 0);
                release(g, p);
                jump(g, STF_OP_JMPNEQ, lnext);
            }
            Mark m = mark(g);
            gen_block(g, &c->body);
            unwind(g, m);
            jump(g, STF_OP_JMP, lend);
            place(g, lnext);
        }
        place(g, lend);
        unwind(g, m0);
        return;
    }
    }
}

static void gen_block(G *g, const Block *b)
{
    for (int i = 0; i < b->n; i++) gen_stmt(g, b->v[i]);
}

/* ---- functions ---- */

static void finish_function(G *g, StfFunction *f, const char *name, FuncDecl *d)
{
    Compiler *C = g->C;
    if (g->nhoist) {
        /* the hoisted loop constants are loaded first */
        int n = g->nhoist;
        for (int i = 0; i < n; i++) emit(g, STF_OP_NOP, 0, 0, 0);
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
    for (int j = 0; j < np; j++) homes[j] = alloc_for(&g, sig->ptypes[j]);
    /* secret and spilled homes first, then clear moves from the top down
     * (home j is r(j+1), so no parameter is overwritten before it moves) */
    for (int j = 0; j < np; j++)
        if (homes[j] < 0 || is_secret_loc(homes[j])) mov(&g, homes[j], j);
    for (int j = np - 1; j >= 0; j--)
        if (homes[j] >= 0 && !is_secret_loc(homes[j])) mov(&g, homes[j], j);
    for (int j = 0; j < np; j++) declare(&g, d->params[j].name, sig->ptypes[j], homes[j]);
    gen_block(&g, body);
    if (d && d->has_ret && sig->ret->k != T_NONE && !ck_block_returns(body))
        diag_error(C->d, d->line, d->col, "function '%s' returns %s, but not on every path: add a return at the end",
                   d->name, "a value");
    /* fall off the end: return None */
    g.line = g.line;
    emit(&g, STF_OP_LDI, 0, k_unit(&g), 0);
    emit(&g, STF_OP_RET, 0, 0, 0);
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
        int z = alloc_clear(g);
        ldi(g, z, k_int(g, NULL, 0));
        emit(g, STF_OP_PUSHARG, rd(g, z, 0), 0, 0);
        release(g, (Val){ z, true, NULL });
        call(g, "create_array");
        Val l = result(g, t, NODST);
        size_t i = 1, depth = 0, st = 1;
        for (; i < n; i++) {
            char c = v[i];
            if (c == '[') depth++;
            if ((c == ',' && depth == 0) || i == n - 1) {
                if (i > st || c == ',') {
                    Val e = input_value(g, et, v + st, i - st, share_idx, pname);
                    emit(g, STF_OP_PUSHARG, rd(g, l.loc, 0), 0, 0);
                    emit(g, STF_OP_PUSHARG, rd(g, e.loc, 1), 0, 0);
                    release(g, e);
                    call(g, "array_push");
                }
                st = i + 1;
            }
            if (c == ']' && depth) depth--;
        }
        return l;
    }
    if (ty_is_secret(t)) {
        add_client0(g->C, v, n);
        int a = alloc_clear(g), b = alloc_clear(g);
        ldi(g, a, k_int(g, NULL, 0));
        ldi(g, b, k_int(g, NULL, (*share_idx)++));
        emit(g, STF_OP_PUSHARG, rd(g, a, 0), 0, 0);
        emit(g, STF_OP_PUSHARG, rd(g, b, 1), 0, 0);
        g->nclear -= 2;
        call(g, t->k == T_FIX    ? "ClientStore.take_share_fixed"
                : t->k == T_BOOL ? "ClientStore.take_share_bool"
                                 : "ClientStore.take_share");
        return result(g, ty_basic(T_SHARE), NODST);
    }
    char buf[128];
    if (n >= sizeof buf) diag_error(g->C->d, g->line, 1, "--input %s: value too long", pname);
    memcpy(buf, v, n);
    buf[n] = 0;
    int d = alloc_clear(g);
    char *end;
    if (strcmp(buf, "true") == 0 || strcmp(buf, "false") == 0 || strcmp(buf, "True") == 0 || strcmp(buf, "False") == 0)
        ldi(g, d, k_bool(g, buf[0] == 't' || buf[0] == 'T'));
    else if (n >= 2 && buf[0] == '"' && buf[n - 1] == '"')
        ldi(g, d, k_str(g, buf + 1, n - 2));
    else if (t->k == T_FLOAT || t->k == T_FIX || strchr(buf, '.')) {
        double x = strtod(buf, &end);
        if (*end) diag_error(g->C->d, g->line, 1, "--input %s: '%s' is not a number", pname, buf);
        ldi(g, d, k_float(g, x));
    } else {
        long long x = strtoll(buf, &end, 10);
        if (*end || end == buf) diag_error(g->C->d, g->line, 1, "--input %s: '%s' is not a value", pname, buf);
        ldi(g, d, k_int(g, t->k == T_INT ? t : NULL, x));
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
            vals[j] = gen(&g, d->params[j].def, pt, NODST);
        } else {
            diag_error(C->d, d->params[j].line, d->params[j].col,
                       "main's parameter '%s' has no value: pass --input %s=VALUE", d->params[j].name,
                       d->params[j].name);
        }
    }
    for (int j = 0; j < d->nparams; j++) emit(&g, STF_OP_PUSHARG, rd(&g, vals[j].loc, 0), 0, 0);
    call(&g, "__user_main");
    if (open) {
        emit(&g, STF_OP_PUSHARG, 0, 0, 0);
        call(&g, mainf->ret->k == T_FIX ? "Share.open_fixed" : "Share.open");
    }
    emit(&g, STF_OP_RET, 0, 0, 0);
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
