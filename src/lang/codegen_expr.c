/* codegen_expr.c: expressions and conditional branches (see codegen_internal.h). */
#include "codegen_internal.h"

#include <string.h>

#include "lexer.h"

/* The type a literal becomes: its own, or the wanted one when untyped. */
static Type *lit_type(Expr *e, Type *want)
{
    Type *t = e->type;
    if (t->lit && want && (want->k == T_INT || want->k == T_FLOAT || want->k == T_FIX || want->k == T_BOOL))
        return want;
    return t;
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
    int zl = cg_alloc_clear(g);
    uint32_t k = t->k == T_INT ? cg_k_int(g, t, 0) : cg_k_float(g, 0.0);
    /* a spilled zero stays in scratch r14: r may live in r15 */
    uint32_t z = zl >= 0 ? (uint32_t)zl : SCR0 + 1;
    cg_emit(g, STF_OP_LDI, z, k, 0);
    int done = cg_new_label(g), rneg = cg_new_label(g), fix = cg_new_label(g);
    cg_emit(g, STF_OP_CMP, r, z, 0);
    cg_jump(g, STF_OP_JMPEQ, done);
    cg_jump(g, STF_OP_JMPLT, rneg);
    cg_emit(g, STF_OP_CMP, cg_rd(g, b.loc, 0), z, 0);
    cg_jump(g, STF_OP_JMPGT, done);
    cg_jump(g, STF_OP_JMP, fix);
    cg_place(g, rneg);
    cg_emit(g, STF_OP_CMP, cg_rd(g, b.loc, 0), z, 0);
    cg_jump(g, STF_OP_JMPLT, done);
    cg_place(g, fix);
    cg_emit(g, STF_OP_ADD, r, r, cg_rd(g, b.loc, 0));
    cg_place(g, done);
    cg_release(g, (Val){ zl, true, NULL });
}

static Val gen_bool_via_branch(G *g, Expr *e, int hint)
{
    bool temp;
    int d = cg_dest(g, hint, e->type, &temp);
    int lf = cg_new_label(g), end = cg_new_label(g);
    cg_branch(g, e, false, lf);
    cg_ldi(g, d, cg_k_bool(g, true));
    cg_jump(g, STF_OP_JMP, end);
    cg_place(g, lf);
    cg_ldi(g, d, cg_k_bool(g, false));
    cg_place(g, end);
    return (Val){ d, temp, e->type };
}

/* == / != between two lists (bytes included): deep equality, as upstream
 * lowers it; CMP only compares scalars. */
static bool is_list_eq(const Expr *e)
{
    return e->kind == E_BIN && (e->op == TK_EQ || e->op == TK_NE) && e->a->type && e->b->type &&
           e->a->type->k == T_LIST && e->b->type->k == T_LIST;
}

static Val gen_binary(G *g, Expr *e, Type *want, int hint)
{
    Type *t = e->type;
    int op = e->op;
    bool secret = ty_is_secret(t);
    if (is_list_eq(e)) {
        Val a = cg_gen(g, e->a, NULL, NODST), b = cg_gen(g, e->b, NULL, NODST);
        cg_call2(g, a, b, "array_equals");
        Val r = cg_result(g, t, hint);
        if (op == TK_NE) {
            cg_emit(g, STF_OP_NOT, wr_reg(r.loc), cg_rd(g, r.loc, 0), 0);
            cg_wr_done(g, r.loc);
        }
        return r;
    }
    if (is_cmp(op) || ((op == TK_AND || op == TK_OR) && t->k == T_BOOL && !secret)) {
        if (!secret) return gen_bool_via_branch(g, e, hint);
        /* secret comparison: a protocol call returning a secret bool */
        static const char *const names[] = { "Share.eq", "Share.ne", "Share.lt", "Share.le", "Share.gt", "Share.ge" };
        int k = op == TK_EQ ? 0 : op == TK_NE ? 1 : op == TK_LT ? 2 : op == TK_LE ? 3 : op == TK_GT ? 4 : 5;
        Type *ow = operand_want(g, e, NULL);
        Val a = cg_gen(g, e->a, ow, NODST), b = cg_gen(g, e->b, ow, NODST);
        cg_call2(g, a, b, names[k]);
        return cg_result(g, t, hint);
    }
    if (op == TK_IN) {
        Val a = cg_gen(g, e->a, e->b->type && e->b->type->k == T_LIST ? e->b->type->elem : NULL, NODST);
        Val b = cg_gen(g, e->b, NULL, NODST);
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, b.loc, 0), 0, 0);
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, a.loc, 1), 0, 0);
        cg_release(g, b);
        cg_release(g, a);
        cg_call(g, "contains");
        return cg_result(g, t, hint);
    }
    if (op == TK_PLUS && t->k == T_LIST) {
        Val a = cg_gen(g, e->a, NULL, NODST), b = cg_gen(g, e->b, NULL, NODST);
        cg_call2(g, a, b, "array_concat");
        return cg_result(g, t, hint);
    }
    if (op == TK_STAR && t->k == T_LIST) {
        Val a = cg_gen(g, e->a, NULL, NODST), b = cg_gen(g, e->b, NULL, NODST);
        cg_call2(g, a, b, "array_repeat");
        return cg_result(g, t, hint);
    }
    Type *ow = operand_want(g, e, want);
    if ((op == TK_SHL || op == TK_SHR) && e->a->type->k == T_INT)
        ow = ty_clear(g->C, e->a->type->lit ? e->b->type : e->a->type);
    Val a = cg_gen(g, e->a, ow, NODST), b = cg_gen(g, e->b, ow, is_call_like(e->b) && op != TK_MOD ? R0OK : NODST);
    Type *mt = t->lit && ow ? ow : t;
    if (op == TK_MOD && !secret && ((mt->k == T_INT && mt->sign) || mt->k == T_FIX || mt->k == T_FLOAT)) {
        /* floored modulo: keep both operands alive while fixing the sign */
        int r = cg_alloc_clear(g);
        uint32_t ra = cg_rd(g, a.loc, 0), rb = cg_rd(g, b.loc, 1);
        cg_emit(g, STF_OP_MOD, wr_reg(r), ra, rb);
        cg_wr_done(g, r);
        uint32_t rr = cg_rd(g, r, 2);
        floor_fix(g, rr, b, mt);
        cg_wr_done(g, r);
        cg_release(g, (Val){ r, true, NULL });
        cg_release(g, b);
        cg_release(g, a);
        bool mtemp;
        int d = cg_dest(g, hint, mt, &mtemp);
        cg_mov(g, d, r);
        return (Val){ d, mtemp, mt };
    }
    cg_release(g, b);
    cg_release(g, a);
    bool temp;
    Type *rt = t->lit && ow ? ow : t;
    int d = cg_dest(g, hint, rt, &temp);
    if (d == a.loc || d == b.loc) { /* fine: the VM reads both sources before writing */
    }
    uint32_t ra = cg_rd(g, a.loc, 0), rb = cg_rd(g, b.loc, 1);
    uint32_t rdst = wr_reg(d);
    if (is_secret_loc(d) && (rdst != (uint32_t)d)) rdst = (uint32_t)d;
    cg_emit(g, opcode_of(op), rdst, ra, rb);
    cg_wr_done(g, d);
    return (Val){ d, temp, rt };
}

static Val gen_list(G *g, Expr *e, Type *want, int hint)
{
    (void)hint;
    Type *et = want && want->k == T_LIST ? want->elem : e->type->elem;
    Type *lt = e->type;
    if (want && want->k == T_LIST) lt = want;
    cg_call_create_array(g, e->nitems);
    Val l = cg_result(g, lt, NODST);
    for (int i = 0; i < e->nitems; i++) {
        Val v = cg_coerce(g, cg_gen(g, e->items[i], et, NODST), et);
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, l.loc, 0), 0, 0);
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, v.loc, 1), 0, 0);
        cg_release(g, v);
        cg_call(g, "array_push");
    }
    return l;
}

typedef struct {
    Expr *e;
    int list;
    Type *et;
} CompUd;

static void comp_body(G *g, void *ud)
{
    CompUd *c = ud;
    int skip = cg_new_label(g);
    if (c->e->c) cg_branch(g, c->e->c, false, skip);
    Val v = cg_coerce(g, cg_gen(g, c->e->a, c->et, NODST), c->et);
    cg_emit(g, STF_OP_PUSHARG, cg_rd(g, c->list, 0), 0, 0);
    cg_emit(g, STF_OP_PUSHARG, cg_rd(g, v.loc, 1), 0, 0);
    cg_release(g, v);
    cg_call(g, "array_push");
    cg_place(g, skip);
}

/* A register that holds constant k for the whole function, loaded at its
 * entry: loops then do not reload their constants.  Only a register above
 * every clear index used so far qualifies; it lowers the ceiling, so later
 * values never take it.  -1 when none is left. */
int cg_hoisted(G *g, uint32_t k)
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

Val cg_gen(G *g, Expr *e, Type *want, int hint)
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
            int h = cg_hoisted(g, cg_k_int(g, lt, v));
            if (h >= 0) {
                r = (Val){ h, false, lt };
                break;
            }
        }
        int d = cg_dest(g, hint, lt, &temp);
        if (lt->k == T_FLOAT || lt->k == T_FIX)
            cg_ldi(g, d, cg_k_float(g, (double)v));
        else if (lt->k == T_BOOL)
            cg_ldi(g, d, cg_k_bool(g, v != 0));
        else if (is_secret_loc(d)) {
            int c = cg_alloc_clear(g);
            cg_ldi(g, c, cg_k_int(g, lt, v));
            cg_mov(g, d, c);
            cg_release(g, (Val){ c, true, NULL });
        } else
            cg_ldi(g, d, cg_k_int(g, lt, v));
        r = (Val){ d, temp, lt };
        break;
    }
    case E_FLOAT: {
        if (hint == NODST && g->loopdepth) {
            int h = cg_hoisted(g, cg_k_float(g, e->fval));
            if (h >= 0) {
                r = (Val){ h, false, t };
                break;
            }
        }
        int d = cg_dest(g, hint, t, &temp);
        cg_ldi(g, d, cg_k_float(g, e->fval));
        r = (Val){ d, temp, t };
        break;
    }
    case E_STR: {
        int d = cg_dest(g, hint, t, &temp);
        cg_ldi(g, d, cg_k_str(g, e->str, e->slen));
        r = (Val){ d, temp, t };
        break;
    }
    case E_BOOL: {
        int d = cg_dest(g, hint, t, &temp);
        cg_ldi(g, d, cg_k_bool(g, e->ival != 0));
        r = (Val){ d, temp, t };
        break;
    }
    case E_NONE: {
        int d = cg_dest(g, hint, t, &temp);
        cg_ldi(g, d, cg_k_unit(g));
        r = (Val){ d, temp, t };
        break;
    }
    case E_NAME: {
        Var *v = cg_lookup(g->C, e->str);
        if (!v) {
            /* a function name as a value: its name (for create_closure) */
            int d = cg_dest(g, hint, ty_basic(T_STR), &temp);
            cg_ldi(g, d, cg_k_str(g, e->str, strlen(e->str)));
            r = (Val){ d, temp, t };
            break;
        }
        if (hint != NODST && is_secret_loc(hint) == is_secret_loc(v->loc)) {
            cg_mov(g, hint, v->loc);
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
        Val a = cg_gen(g, e->a, want, NODST);
        cg_release(g, a);
        Type *rt = a.t && a.t->k != T_ANY ? a.t : t;
        int d = cg_dest(g, hint, rt, &temp);
        if (e->op == TK_NOT) {
            cg_emit(g, STF_OP_NOT, wr_reg(d), cg_rd(g, a.loc, 0), 0);
            cg_wr_done(g, d);
        } else if (ty_is_secret(t)) {
            cg_emit(g, STF_OP_PUSHARG, cg_rd(g, a.loc, 0), 0, 0);
            cg_call(g, "Share.neg");
            cg_mov(g, d, 0);
        } else {
            int z = cg_alloc_clear(g);
            cg_ldi(g, z, (rt->k == T_FLOAT || rt->k == T_FIX) ? cg_k_float(g, 0.0) : cg_k_int(g, rt, 0));
            uint32_t rz = cg_rd(g, z, 1), ra = cg_rd(g, a.loc, 0);
            cg_emit(g, STF_OP_SUB, wr_reg(d), rz, ra);
            cg_wr_done(g, d);
            cg_release(g, (Val){ z, true, NULL });
        }
        r = (Val){ d, temp, rt };
        break;
    }
    case E_BIN: r = gen_binary(g, e, want, hint); break;
    case E_CALL:
        g->want = want;
        r = cg_gen_call(g, e, hint);
        break;
    case E_INDEX: {
        Val a = cg_gen(g, e->a, NULL, NODST);
        Val k = cg_gen(g, e->b, e->a->type->k == T_DICT ? e->a->type->key : NULL, NODST);
        cg_call2(g, a, k, "get_field");
        r = cg_result(g, t, hint);
        break;
    }
    case E_SLICE: {
        Val a = cg_gen(g, e->a, NULL, NODST);
        Expr *parts[3] = { e->b, e->c, e->d };
        Val pv[3];
        int np = e->d ? 3 : 2;
        for (int i = 0; i < np; i++) {
            if (parts[i])
                pv[i] = cg_gen(g, parts[i], NULL, NODST);
            else {
                int u = cg_alloc_clear(g);
                cg_ldi(g, u, cg_k_unit(g));
                pv[i] = (Val){ u, true, NULL };
            }
        }
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, a.loc, 0), 0, 0);
        for (int i = 0; i < np; i++) cg_emit(g, STF_OP_PUSHARG, cg_rd(g, pv[i].loc, 0), 0, 0);
        for (int i = np - 1; i >= 0; i--) cg_release(g, pv[i]);
        cg_release(g, a);
        cg_call(g, "slice");
        r = cg_result(g, t, hint);
        break;
    }
    case E_ATTR: {
        int64_t ev;
        if (e->a->kind == E_NAME && !cg_lookup(g->C, e->a->str) && ck_enum_member(g->C, e->a->str, e->str, &ev)) {
            int d = cg_dest(g, hint, t, &temp);
            cg_ldi(g, d, cg_k_int(g, NULL, ev));
            r = (Val){ d, temp, t };
            break;
        }
        if (strcmp(e->str, "len") == 0 && t->k == T_INT && e->a->type->k != T_OBJ) {
            Val a = cg_gen(g, e->a, NULL, NODST);
            cg_emit(g, STF_OP_PUSHARG, cg_rd(g, a.loc, 0), 0, 0);
            cg_release(g, a);
            cg_call(g, "len");
            r = cg_result(g, t, hint);
            break;
        }
        Val a = cg_gen(g, e->a, NULL, NODST);
        int k = cg_alloc_clear(g);
        cg_ldi(g, k, cg_k_str(g, e->str, strlen(e->str)));
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, a.loc, 0), 0, 0);
        cg_emit(g, STF_OP_PUSHARG, cg_rd(g, k, 1), 0, 0);
        cg_release(g, (Val){ k, true, NULL });
        cg_release(g, a);
        /* a list field that was never set reads as a fresh empty list */
        cg_call(g, e->a->type->k == T_OBJ && t->k == T_LIST ? "get_or_create_array_field" : "get_field");
        r = cg_result(g, t, hint);
        break;
    }
    case E_LIST: r = gen_list(g, e, want, hint); break;
    case E_DICT: {
        cg_call(g, "create_object");
        Val o = cg_result(g, t, NODST);
        for (int i = 0; i < e->nitems; i++) {
            Val k = cg_gen(g, e->items[i], t->key, NODST);
            Val v = cg_gen(g, e->vals[i], t->elem, NODST);
            cg_store_index(g, o, k, v);
            cg_release(g, v);
            cg_release(g, k);
        }
        r = o;
        break;
    }
    case E_RANGE: {
        Val a = cg_gen(g, e->a, t->elem, NODST), b = cg_gen(g, e->b, t->elem, NODST);
        cg_call2(g, a, b, "range");
        r = cg_result(g, t, hint);
        break;
    }
    case E_COMP: {
        cg_call_create_array(g, 0);
        Val l = cg_result(g, t, NODST);
        CompUd ud = { e, l.loc, t->elem };
        cg_gen_loop(g, e->var, e->b, comp_body, &ud, false);
        r = l;
        break;
    }
    case E_FSTR: {
        int d = cg_alloc_clear(g);
        cg_ldi(g, d, cg_k_str(g, "", 0));
        for (int i = 0; i < e->nitems; i++) {
            Expr *p = e->items[i];
            Val v = cg_gen(g, p, NULL, NODST);
            int s = v.loc;
            bool stemp = false;
            if (!(p->type && p->type->k == T_STR)) {
                cg_emit(g, STF_OP_PUSHARG, cg_rd(g, v.loc, 0), 0, 0);
                cg_call(g, "to_string");
                s = cg_alloc_clear(g);
                stemp = true;
                cg_mov(g, s, 0);
            }
            uint32_t rs = cg_rd(g, s, 1), rdd = cg_rd(g, d, 0);
            cg_emit(g, STF_OP_ADD, wr_reg(d), rdd, rs);
            cg_wr_done(g, d);
            if (stemp) cg_release(g, (Val){ s, true, NULL });
            cg_release(g, v);
        }
        r = (Val){ d, true, t };
        if (hint != NODST && !is_secret_loc(hint)) {
            cg_mov(g, hint, d);
            cg_release(g, r);
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
void cg_branch(G *g, Expr *e, bool when, int label)
{
    Type *t = ck_expr(g->C, e);
    if (ty_is_secret(t)) ck_condition(g->C, e, "condition");
    int save = g->line;
    g->line = e->line;
    if (e->kind == E_BIN && is_cmp(e->op) && !is_list_eq(e)) {
        Type *ow = operand_want(g, e, NULL);
        Val a = cg_gen(g, e->a, ow, NODST), b = cg_gen(g, e->b, ow, is_call_like(e->b) ? R0OK : NODST);
        cg_emit(g, STF_OP_CMP, cg_rd(g, a.loc, 0), cg_rd(g, b.loc, 1), 0);
        cg_release(g, b);
        cg_release(g, a);
        int op = e->op;
        if (!when)
            op = op == TK_EQ   ? TK_NE
                 : op == TK_NE ? TK_EQ
                 : op == TK_LT ? TK_GE
                 : op == TK_GE ? TK_LT
                 : op == TK_GT ? TK_LE
                               : TK_GT;
        switch (op) {
        case TK_EQ: cg_jump(g, STF_OP_JMPEQ, label); break;
        case TK_NE: cg_jump(g, STF_OP_JMPNEQ, label); break;
        case TK_LT: cg_jump(g, STF_OP_JMPLT, label); break;
        case TK_GT: cg_jump(g, STF_OP_JMPGT, label); break;
        case TK_LE:
            cg_jump(g, STF_OP_JMPLT, label);
            cg_jump(g, STF_OP_JMPEQ, label);
            break;
        case TK_GE:
            cg_jump(g, STF_OP_JMPGT, label);
            cg_jump(g, STF_OP_JMPEQ, label);
            break;
        }
    } else if (e->kind == E_BIN && (e->op == TK_AND || e->op == TK_OR) && t->k == T_BOOL) {
        bool isand = e->op == TK_AND;
        if (isand != when) {
            /* and/false or or/true: either side decides */
            cg_branch(g, e->a, when, label);
            cg_branch(g, e->b, when, label);
        } else {
            int skip = cg_new_label(g);
            cg_branch(g, e->a, !when, skip);
            cg_branch(g, e->b, when, label);
            cg_place(g, skip);
        }
    } else if (e->kind == E_UN && e->op == TK_NOT && t->k == T_BOOL) {
        cg_branch(g, e->a, !when, label);
    } else if (e->kind == E_BOOL) {
        if ((e->ival != 0) == when) cg_jump(g, STF_OP_JMP, label);
    } else {
        Val v = cg_gen(g, e, NULL, NODST);
        int k = cg_alloc_clear(g);
        cg_ldi(g, k, cg_k_bool(g, true));
        cg_emit(g, STF_OP_CMP, cg_rd(g, v.loc, 0), cg_rd(g, k, 1), 0);
        cg_release(g, (Val){ k, true, NULL });
        cg_release(g, v);
        cg_jump(g, when ? STF_OP_JMPEQ : STF_OP_JMPNEQ, label);
    }
    g->line = save;
}
